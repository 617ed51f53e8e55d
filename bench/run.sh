#!/usr/bin/env bash
# The nested-query benchmark (see bench/README.md). Builds the server (release), generates the
# data set, and drives each build with wrk, interleaving the builds round by round.
#
#   bench/run.sh [--baseline REV] [--db sqlite|postgres|both] [--scale N] [--duration SECS]
#                [--rounds N] [--instructions] [--smoke]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${BENCH_WORK:-$ROOT/target/bench}
PG_ADMIN_URL=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SECRET=bench-secret-bench-secret-bench-secret-0123
PORT=${BENCH_PORT:-18080}

baseline=""
dbs="sqlite postgres"
scale=1
duration=10
rounds=2
smoke=false
instructions=false
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline=$2; shift 2 ;;
    --db) case "$2" in both) dbs="sqlite postgres" ;; *) dbs=$2 ;; esac; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --instructions) instructions=true; shift ;;
    --smoke) smoke=true; duration=1; rounds=1; shift ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in wrk curl psql git python3 $($instructions && echo valgrind callgrind_control); do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (see bench/README.md)" >&2; exit 1; }
done

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$WORK"/bin "$WORK"/logs "$WORK"/out
RESULTS=$WORK/results.tsv
: > "$RESULTS"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# --- builds -----------------------------------------------------------------------------------

build_current() {
  # BENCH_NO_BUILD=1 measures the release binaries already in the target directory.
  if [ -z "${BENCH_NO_BUILD:-}" ]; then
    log "building the working tree (release)"
    (cd "$ROOT" && cargo build --release --locked --bin biobridge --example bench-data)
  fi
  cp "$TARGET/release/biobridge" "$WORK/bin/current"
  cp "$TARGET/release/examples/bench-data" "$WORK/bin/bench-data"
}

# The baseline is exported with `git archive` (a clean tree of REV, no shared worktree state)
# and built in its own directory but, by default, with our target directory: Cargo keeps the
# two builds' workspace crates apart (their paths differ) and compiles the dependencies once —
# a separate target directory (BENCH_BASELINE_TARGET) costs a full release build and gigabytes.
build_baseline() {
  local rev src target
  rev=$(git -C "$ROOT" rev-parse --short=10 "$1^{commit}")
  src=$WORK/baseline-src/$rev
  target=${BENCH_BASELINE_TARGET:-$TARGET}
  if [ ! -x "$WORK/bin/baseline-$rev" ]; then
    log "building baseline $rev (release)"
    rm -rf "$src" && mkdir -p "$src"
    git -C "$ROOT" archive "$rev" | tar -x -C "$src"
    (cd "$src" && CARGO_TARGET_DIR=$target cargo build --release --locked --bin biobridge)
    cp "$target/release/biobridge" "$WORK/bin/baseline-$rev"
  fi
  BASELINE_BIN=$WORK/bin/baseline-$rev
  BASELINE_REV=$rev
}

# --- databases --------------------------------------------------------------------------------

pg_name="bb_bench_s$scale"
# The baseline reads a copy of the data set (db_url BUILD): the same rows, with the migrations
# it does not know struck from its migration table — sea-orm-migration refuses to start on a
# database that holds migrations missing from its list. The newer tables and columns stay;
# the baseline's statements name their columns, so they read the same rows.
db_name() { if [ "$1" = baseline ]; then echo "${pg_name}_base"; else echo "$pg_name"; fi; }
db_url() { # db [build]
  case "$1" in
    sqlite) if [ "${2:-current}" = baseline ]; then echo "sqlite://$WORK/bench-s$scale-base.db?mode=rwc"
            else echo "sqlite://$WORK/bench-s$scale.db?mode=rwc"; fi ;;
    # Loopback: no TLS (sqlx would negotiate it by default, ~250 ms per new connection).
    postgres) echo "${PG_ADMIN_URL%/*}/$(db_name "${2:-current}")?sslmode=disable" ;;
  esac
}

prepare_db() {
  if [ "$1" = postgres ] &&
     [ -z "$(psql "$PG_ADMIN_URL" -Atc "select 1 from pg_database where datname = '$pg_name'")" ]; then
    psql "$PG_ADMIN_URL" -qc "create database $pg_name" >/dev/null
  fi
  log "data set on $1 (scale $scale)"
  "$WORK/bin/bench-data" --database-url "$(db_url "$1")" --scale "$scale"
  if [ -n "$baseline" ]; then prepare_baseline_copy "$1"; fi
}

prepare_baseline_copy() {
  local known list
  known=$(git -C "$ROOT" show "$BASELINE_REV:migration/src/lib.rs" | grep -o 'm[0-9]\{8\}_[0-9]\{6\}_[a-z0-9_]*' | sort -u)
  list=$(printf "'%s'," $known); list=${list%,}
  log "baseline copy on $1 ($(wc -w <<<"$known") migrations known to $BASELINE_REV)"
  case "$1" in
    sqlite)
      # SQLite's backup API, not cp: the data set's last writes may still sit in the -wal file,
      # which a copy of the main file leaves behind (the baseline then saw only the demo data).
      rm -f "$WORK/bench-s$scale-base.db"*
      python3 -c "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.execute(\"delete from seaql_migrations where version not in ($list)\"); d.commit()" "$WORK/bench-s$scale.db" "$WORK/bench-s$scale-base.db" ;;
    postgres)
      psql "$PG_ADMIN_URL" -qc "drop database if exists $(db_name baseline)" >/dev/null
      psql "$PG_ADMIN_URL" -qc "create database $(db_name baseline) template $pg_name" >/dev/null
      psql "$(db_url postgres baseline)" -qc "delete from seaql_migrations where version not in ($list)" >/dev/null ;;
  esac
}

# --- one server -------------------------------------------------------------------------------

ticks_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_backends() {
  psql "$PG_ADMIN_URL" -Atc "select pid from pg_stat_activity where datname in ('$pg_name', '$(db_name baseline)') and backend_type = 'client backend'"
}
pg_ticks() { # pid:ticks per line
  local pid
  for pid in $(pg_backends); do echo "$pid:$(ticks_of "$pid")"; done
}
pg_delta() { # before-file after-file → ticks spent by backends between the two samples
  awk -F: 'NR == FNR { before[$1] = $2; next } { d += $2 - (($1 in before) ? before[$1] : 0) } END { print d + 0 }' "$1" "$2"
}

start_server() { # bin db build → SERVER_PID, READY_MS
  local start now
  start=$(date +%s%N)
  # The query-cost budget at its largest: a load run would spend the default's in seconds.
  env DATABASE_URL="$(db_url "$2" "$3")" BIOBRIDGE_LISTEN="127.0.0.1:$PORT" BIOBRIDGE_ENV=dev \
    BIOBRIDGE_JWT_SECRET=$SECRET BIOBRIDGE_SEED_DEMO=false \
    BIOBRIDGE_RATE_LIMIT_POINTS=2147483647 BIOBRIDGE_RATE_LIMIT_ANONYMOUS_POINTS=2147483647 \
    "$1" serve \
    >>"$WORK/logs/server.log" 2>&1 &
  SERVER_PID=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
    now=$(date +%s%N)
    if [ $(( (now - start) / 1000000 )) -gt 30000 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "bench: the server did not become ready (see $WORK/logs/server.log)" >&2
      exit 1
    fi
    sleep 0.002
  done
  READY_MS=$(( ($(date +%s%N) - start) / 1000000 ))
}

stop_server() { kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true; }

gql() { # body-file [token]
  curl -fsS "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
    ${2:+-H "authorization: Bearer $2"} --data-binary "@$1"
}

member_token() {
  printf '%s' '{"query":"mutation($i: LoginInput!) { login(input: $i) { accessToken } }","variables":{"i":{"email":"member@unibl.example","password":"biobridge-demo"}}}' \
    > "$WORK/out/login.json"
  gql "$WORK/out/login.json" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p'
}

# A line of results.tsv: round build db scenario connections requests duration_us p50_us p99_us
# server_ticks pg_ticks rss_kb non2xx socket_errors value (value: start-to-ready ms for
# `ready`, statements counted over `requests` requests for `statements`).
row() { local IFS=$'\t'; echo "$*" >> "$RESULTS"; }

# wrk once: round build db scenario connections body [token] → a line of results.tsv
measure() {
  local round=$1 build=$2 db=$3 scenario=$4 conns=$5 body=$6 token=${7:-} threads=2
  if [ "$conns" -lt 2 ]; then threads=1; fi
  local s0 s1 out line
  s0=$(ticks_of "$SERVER_PID")
  if [ "$db" = postgres ]; then pg_ticks > "$WORK/out/pg0"; fi
  out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" -s "$ROOT/bench/post.lua" \
    "http://127.0.0.1:$PORT/graphql" -- "$body" "$token")
  s1=$(ticks_of "$SERVER_PID")
  local pg=0
  if [ "$db" = postgres ]; then pg_ticks > "$WORK/out/pg1"; pg=$(pg_delta "$WORK/out/pg0" "$WORK/out/pg1"); fi
  line=$(grep '^RESULT' <<<"$out")
  local rss
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
  # shellcheck disable=SC2086
  eval "${line#RESULT }"
  row "$round" "$build" "$db" "$scenario" "$conns" "$requests" "$duration_us" "$p50_us" "$p99_us" \
    $((s1 - s0)) "$pg" "$rss" "$non2xx" "$socket_errors" 0
  if [ "$non2xx" != 0 ] || [ "$socket_errors" != 0 ]; then
    log "warning: $build/$db/$scenario: $non2xx non-2xx answers, $socket_errors socket errors"
  fi
}

# Statements per nested request, from PostgreSQL's transaction counter (every read runs as
# its own autocommit statement): 100 sequential requests after the load runs warmed the pool.
# The server's own workers (the webhook outbox, the listener) commit a few transactions a second
# whatever the load, so their rate, sampled while the server is idle, is taken off.
# A backend reports its counts at most once a second while busy, and 10 s after it goes idle
# (PostgreSQL 15's PGSTAT_IDLE_INTERVAL): each reading waits that out, or the load runs'
# transactions land in the idle sample or in the count (one run read 2.4 and 212 per request).
xacts() { psql "$PG_ADMIN_URL" -Atc "select sum(xact_commit + xact_rollback) from pg_stat_database where datname in ('$pg_name', '$(db_name baseline)')"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
count_statements() { # round build token
  local x0 x1 t0 t1 i0 i1 ti0 ti1 n=100
  sleep 11
  i0=$(xacts); ti0=$(now_ms); sleep 5; i1=$(xacts); ti1=$(now_ms)
  x0=$(xacts); t0=$(now_ms)
  for _ in $(seq $n); do gql "$WORK/out/nested.json" "$3" >/dev/null; done
  sleep 11
  x1=$(xacts); t1=$(now_ms)
  row "$1" "$2" postgres statements 1 "$n" 0 0 0 0 0 0 0 0 \
    "$(( (x1 - x0) - (i1 - i0) * (t1 - t0) / (ti1 - ti0) ))"
}

# Instructions the server executes per nested request, counted by callgrind: the same for the
# same binary, data and query whatever else the machine does, where the CPU time of a noisy
# machine varies by tens of per cent. The server's own instructions only (PostgreSQL's backends
# are not counted), single client, after 5 warm-up requests; value: thousands per request.
INSTRUCTION_REQUESTS=20
IDLE_SECONDS=5
wait_idle() { # pid: until it spends at most a fifth of a core (its pollers), at most 300 s
  local before after
  # The docket's jobs first run 5 s after the server listens (earlier builds: at once): let them
  # start before looking for the idle server.
  sleep 6
  for _ in $(seq 300); do
    before=$(ticks_of "$1"); sleep 1; after=$(ticks_of "$1")
    [ $((after - before)) -le 20 ] && return 0
  done
  echo "bench: the server never became idle (going on)" >&2
}
count_instructions() { # round build bin db
  local out=$WORK/out/callgrind-$2-$4 start token total
  rm -rf "$out" && mkdir -p "$out"
  start=$(date +%s%N)
  ( cd "$out" && exec env DATABASE_URL="$(db_url "$4" "$2")" BIOBRIDGE_LISTEN="127.0.0.1:$PORT" \
      BIOBRIDGE_ENV=dev BIOBRIDGE_JWT_SECRET=$SECRET BIOBRIDGE_SEED_DEMO=false \
      BIOBRIDGE_RATE_LIMIT_POINTS=2147483647 BIOBRIDGE_RATE_LIMIT_ANONYMOUS_POINTS=2147483647 \
      valgrind --tool=callgrind "$3" serve ) >>"$WORK/logs/server.log" 2>&1 &
  SERVER_PID=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$PORT/readyz"; do
    if [ $(( ($(date +%s%N) - start) / 1000000 )) -gt 120000 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "bench: the server under callgrind did not become ready (see $WORK/logs/server.log)" >&2
      exit 1
    fi
    sleep 0.2
  done
  # The jobs the server runs at start (the docket's lapses and reminders) take seconds under
  # valgrind; counted with the requests they were a fifth of the total, more or less by timing.
  wait_idle "$SERVER_PID"
  token=$(member_token)
  for _ in 1 2 3 4 5; do gql "$WORK/out/nested.json" "$token" >/dev/null; done
  # The background pollers (webhook deliveries, the event feed) run whatever the requests do:
  # count them alone for IDLE_SECONDS first, and take their rate over the requests' time out.
  callgrind_control -z "$SERVER_PID" >/dev/null 2>&1
  sleep "$IDLE_SECONDS"
  callgrind_control -d "$SERVER_PID" >/dev/null 2>&1
  local busy_start busy_ms idle
  busy_start=$(date +%s%N)
  callgrind_control -z "$SERVER_PID" >/dev/null 2>&1
  for _ in $(seq $INSTRUCTION_REQUESTS); do gql "$WORK/out/nested.json" "$token" >/dev/null; done
  callgrind_control -d "$SERVER_PID" >/dev/null 2>&1
  busy_ms=$(( ($(date +%s%N) - busy_start) / 1000000 ))
  stop_server
  # Each dump is a file with a part number: .1 the idle window, .2 the requests.
  idle=$(awk '/^(summary|totals):/ { print $2; exit }' "$out"/callgrind.out.*.1)
  total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out"/callgrind.out.*.2)
  total=$(( total - idle * busy_ms / (IDLE_SECONDS * 1000) ))
  row "$1" "$2" "$4" instructions 1 "$INSTRUCTION_REQUESTS" 0 0 0 0 0 0 0 0 \
    "$(( total / 1000 / INSTRUCTION_REQUESTS ))"
}

bench_one() { # round build bin db
  local round=$1 build=$2 bin=$3 db=$4 token
  start_server "$bin" "$db" "$build"
  row "$round" "$build" "$db" ready 0 1 0 0 0 0 0 0 0 0 "$READY_MS"
  # The docket's jobs run at start: not into the load runs (the baseline's, slow with the old
  # technology rule, inflated its CPU figures in the first runs of 2026-11-28).
  wait_idle "$SERVER_PID"
  token=$(member_token)
  [ -n "$token" ] || { echo "bench: login failed" >&2; stop_server; exit 1; }
  gql "$WORK/out/nested.json" "$token" > "$WORK/out/answer-$build-$db.json"
  if grep -q '"errors"' "$WORK/out/answer-$build-$db.json"; then
    echo "bench: the nested query failed: $(head -c 400 "$WORK/out/answer-$build-$db.json")" >&2
    stop_server; exit 1
  fi
  wrk -t2 -c10 -d2s -s "$ROOT/bench/post.lua" "http://127.0.0.1:$PORT/graphql" -- "$WORK/out/nested.json" "$token" >/dev/null
  for c in 10 50; do measure "$round" "$build" "$db" nested "$c" "$WORK/out/nested.json" "$token"; done
  measure "$round" "$build" "$db" nested 1 "$WORK/out/nested.json" "$token"
  measure "$round" "$build" "$db" typename-anon 10 "$WORK/out/typename.json"
  measure "$round" "$build" "$db" typename-jwt 10 "$WORK/out/typename.json" "$token"
  if [ "$db" = postgres ]; then count_statements "$round" "$build" "$token"; fi
  stop_server
  if $instructions; then count_instructions "$round" "$build" "$bin" "$db"; fi
}

# --- the run ----------------------------------------------------------------------------------

python3 - "$ROOT/bench/nested.graphql" > "$WORK/out/nested.json" <<'EOF'
import json, sys
print(json.dumps({"query": open(sys.argv[1]).read()}))
EOF
printf '%s' '{"query":"{ __typename }"}' > "$WORK/out/typename.json"

build_current
builds="current"
if [ -n "$baseline" ]; then build_baseline "$baseline"; builds="baseline current"; fi
for db in $dbs; do prepare_db "$db"; done

for round in $(seq "$rounds"); do
  for db in $dbs; do
    for build in $builds; do
      log "round $round: $build on $db"
      if [ "$build" = current ]; then bench_one "$round" current "$WORK/bin/current" "$db"
      else bench_one "$round" baseline "$BASELINE_BIN" "$db"; fi
    done
  done
done

for db in $dbs; do
  if [ -n "$baseline" ] && ! cmp -s "$WORK/out/answer-baseline-$db.json" "$WORK/out/answer-current-$db.json"; then
    log "warning: on $db the two builds answer the nested query differently (see $WORK/out)"
  fi
done

commit=$(git -C "$ROOT" rev-parse --short=10 HEAD)
if $smoke; then log "smoke run passed"; exit 0; fi
python3 "$ROOT/bench/report.py" "$RESULTS" \
  --commit "$commit$(git -C "$ROOT" diff --quiet HEAD || echo '+dirty')" \
  --baseline "${BASELINE_REV:-}" --scale "$scale" --duration "$duration" --rounds "$rounds"
