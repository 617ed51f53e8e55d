#!/usr/bin/env bash
# Times the full statistics query against a release server on a database that the ignored
# measurement test generated and kept (see README.md here):
#
#   STATS_KEEP_DATABASE=1 [TEST_POSTGRES_URL=…] cargo test --test api \
#       the_full_statistics_query_on_10000 -- --ignored --nocapture > gen.log
#   bench/stats/time.sh target/release/biobridge gen.log [runs]
#
# Prints each run's time (curl's total, sorted) for the analyst and a unibl member.
set -euo pipefail
BIN=$1; LOG=$2; RUNS=${3:-5}; PORT=${STATS_PORT:-18090}
URL=$(sed -n 's/^kept the database: //p' "$LOG")
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
sed -n 's/^the request: //p' "$LOG" > "$WORK/request.json"
[ -n "$URL" ] && [ -s "$WORK/request.json" ] || { echo "no kept database in $LOG" >&2; exit 1; }
case "$URL" in postgres*) [[ $URL == *\?* ]] || URL="$URL?sslmode=disable" ;; esac
env DATABASE_URL="$URL" BIOBRIDGE_LISTEN=127.0.0.1:$PORT BIOBRIDGE_ENV=dev \
  BIOBRIDGE_JWT_SECRET=stats-secret-stats-secret-stats-secret-0123 BIOBRIDGE_SEED_DEMO=false \
  BIOBRIDGE_RATE_LIMIT_POINTS=2147483647 "$BIN" serve > "$WORK/server.log" 2>&1 &
PID=$!
until curl -fs -o /dev/null "localhost:$PORT/readyz"; do kill -0 $PID || exit 1; sleep 0.1; done
# The start-up jobs (docket reminders, lapses) read every asset once: let them finish.
sleep "${STATS_SETTLE:-20}"
for who in analyst@center.example member@unibl.example; do
  token=$(curl -s "localhost:$PORT/graphql" -H 'content-type: application/json' \
    --data "{\"query\":\"mutation(\$i: LoginInput!) { login(input: \$i) { accessToken } }\",\"variables\":{\"i\":{\"email\":\"$who\",\"password\":\"biobridge-demo\"}}}" |
    sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  ask() { curl -s -o "$WORK/answer.json" -w '%{time_total}\n' "localhost:$PORT/graphql" \
    -H 'content-type: application/json' -H "authorization: Bearer $token" --data-binary "@$WORK/request.json"; }
  ask > /dev/null
  if grep -q '"errors"' "$WORK/answer.json"; then echo "errors: $(head -c 300 "$WORK/answer.json")" >&2; exit 1; fi
  echo "$who: $(for _ in $(seq "$RUNS"); do ask; done | sort -n | tr '\n' ' ')"
done
