// Audits a GraphQL-over-HTTP server with graphql-http's auditServer.
// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Exits non-zero on any MUST (error) or SHOULD (warn) failure; MAY notices are listed only.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url });
let failed = 0;
for (const r of results) {
  const mark = { ok: 'ok    ', notice: 'notice', warn: 'WARN  ', error: 'ERROR ' }[r.status] ?? r.status;
  console.log(`${mark} ${r.id} ${r.name}${r.status === 'ok' ? '' : ` — ${r.reason}`}`);
  if (r.status === 'error' || r.status === 'warn') failed++;
}
const count = (s) => results.filter((r) => r.status === s).length;
console.log(`\n${count('ok')} ok, ${count('error')} MUST failures, ${count('warn')} SHOULD failures, ${count('notice')} MAY notices`);
process.exit(failed ? 1 : 0);
