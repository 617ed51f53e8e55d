// Runs graphql-codegen with `schema: <server URL>` — the way a frontend team points it at the
// API — and the `typescript` plugin, then checks the generated types cover the schema.
// Usage: node codegen.mjs http://127.0.0.1:PORT/graphql
// Exits non-zero when codegen fails (e.g. its introspection query is refused) or its output
// lacks the root types.
import { generate } from '@graphql-codegen/cli';

const url = process.argv[2];
if (!url) {
  console.error('usage: node codegen.mjs URL');
  process.exit(2);
}
let outputs;
try {
  outputs = await generate(
    {
      schema: url,
      silent: true,
      errorsOnly: true,
      generates: { 'biobridge.ts': { plugins: ['typescript'] } },
    },
    false,
  );
} catch (e) {
  console.error(`graphql-codegen failed: ${e && e.message ? e.message : e}`);
  for (const inner of (e && e.errors) || []) console.error(`  ${inner.message || inner}`);
  process.exit(1);
}
const ts = outputs.map((o) => o.content).join('\n');
const wanted = ['export type Query = {', 'export type Mutation = {', 'statistics: Statistics;', 'export type StatisticsCell = {'];
const missing = wanted.filter((w) => !ts.includes(w));
console.log(`graphql-codegen wrote ${ts.length} characters of TypeScript for ${url}`);
if (missing.length) {
  console.error(`the generated types lack: ${missing.join(', ')}`);
  process.exit(1);
}
