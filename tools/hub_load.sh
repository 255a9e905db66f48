#!/usr/bin/env bash
# The results hub under load (docs/performance.md; a benchmark, not a test): for SQLite and for a private
# PostgreSQL cluster (as tests/cli/test_hub.sh starts one), N submissions over C connections (hub_load submit),
# then ROWS rows seeded through store/ and the leaderboard query's p50/p99 (hub_load query). Everything it starts
# is stopped on exit.
# usage: tools/hub_load.sh BUILD RESULTS_FILE [N=2000] [C=32] [ROWS=100000] [QUERIES=200] [WHAT=all|submit|query]
set -u
B=$(cd "$1" && pwd); FILE=$2; N=${3:-2000}; C=${4:-32}; ROWS=${5:-100000}; Q=${6:-200}; WHAT=${7:-all}
T=$(mktemp -d); chmod 755 "$T"
HUB=""; PG_BIN=""; PG_UP=0
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$HUB" ] && { kill "$HUB"; wait "$HUB"; } 2>/dev/null
  [ "$PG_UP" = 1 ] && as_pg "$PG_BIN/pg_ctl" -D "$T/pg/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT
TOK=load-token-0123456789abcdef
# the seed rows keep a small raw file: the results file without its time series
jq -c 'del(.ai_benchmarks.results[].monitor, .ai_benchmarks.results[].runs, .monitor, .classic_benchmarks, .advice)' \
  "$FILE" >"$T/small.json"
start() { "$B/computellm" hub --db "$1" --port 0 --token "$TOK" >"$T/url" 2>"$T/hub.log" & HUB=$!
  for _ in $(seq 100); do [ -s "$T/url" ] && break; sleep 0.1; done; URL=$(head -1 "$T/url"); URL=${URL%/}; }
stop() { kill "$HUB"; wait "$HUB" 2>/dev/null; HUB=""; }
bench() {  # bench NAME DBURL [SEED_DBURL]
  echo "== $1"
  if [ "$WHAT" != query ]; then
    start "$2"
    timeout 600 "$B/tools/hub_load" submit "$URL" "$TOK" "$T/small.json" "$N" "$C"
    timeout 600 "$B/tools/hub_load" submit "$URL" "$TOK" "$FILE" "$N" "$C"
    stop
  fi
  [ "$WHAT" = submit ] && return
  timeout 900 "$B/tools/hub_load" seed "${3:-$2}" "$T/small.json" "$ROWS"
  start "$2"
  # every filter of the page alone (the leaderboard page asks for 100 rows), a combination, none, and two that
  # keep few or no rows (the worst case of walking an index in the board's order)
  for q in "limit=100" "model=model-7&backend=CUDA&limit=100" "gpu_vendor=NVIDIA&limit=100" "backend=CUDA&limit=100" \
      "os=Darwin&limit=100" "synthetic=false&limit=100" "synthetic=true&limit=100" \
      "since=2026-06-01&until=2026-06-08&limit=100" "gpu_vendor=AMD&os=Windows&backend=Metal&synthetic=false&limit=100" \
      "gpu_vendor=Intel&limit=100" "machine=0000000000000007&limit=100"; do
    timeout 600 "$B/tools/hub_load" query "$URL" "$TOK" "$q" "$Q"
  done
  stop
}
bench sqlite "sqlite:$T/load.db"
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && PG_BIN=$d; done
if [ -n "$PG_BIN" ]; then
  mkdir -p "$T/pg"; [ "$(id -u)" = 0 ] && chown nobody "$T/pg"
  P=$((20000 + RANDOM % 20000))
  as_pg "$PG_BIN/initdb" -D "$T/pg/data" -A trust -U hub --locale=C -E UTF8 >/dev/null &&
    as_pg "$PG_BIN/pg_ctl" -D "$T/pg/data" -o "-k $T/pg -c listen_addresses= -p $P" -l "$T/pg/log" -w start \
      >/dev/null && PG_UP=1
  # the seeding session commits without waiting for the disk (synchronous_commit=off): rows to query, not a
  # measurement; the hub's own connections keep the server's default
  [ "$PG_UP" = 1 ] && bench postgresql "postgresql:///postgres?host=$T/pg&port=$P&user=hub" \
    "postgresql:///postgres?host=$T/pg&port=$P&user=hub&options=-c%20synchronous_commit%3Doff"
else
  echo "no PostgreSQL server programs: PostgreSQL half skipped"
fi
