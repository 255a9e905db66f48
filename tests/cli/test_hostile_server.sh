#!/usr/bin/env bash
# The server engine against hostile or broken OpenAI-compatible servers, through the built binary and the
# schedule-streaming test server run as a process (`test_serve_bench --serve`, built beside this test's working
# folder; its URL path picks the behaviour, see tests/unit/sched_server.h): a keep-alive-only server fails the run
# within its deadline, one Ctrl-C stops `run` and `serve-bench` within 1 s (exit 130, results kept, marked
# cancelled), a server ignoring max_tokens fails each run and the next runs still happen, a stall skips the rest
# of the model's runs; plus the wording for an empty or folder model file.
# Usage: test_hostile_server.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_hostile.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }
# ends NAME CMD...: CMD (stdout → $T/out, stderr → $T/err) runs to its end, whether the work failed (1) or not (0),
# within `timeout 60`: 124 means it hung
ends() {
  local name=$1
  shift
  timeout 60 "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok "$name"; else bad "$name (exit $rc)"; sed 's/^/    /' "$T/err" >&2; fi
}
# stop_wait PID: waits for PID up to 10 s (then kills it: the old code ignored the first Ctrl-C); its exit code
stop_wait() {
  local i
  for i in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$1" 2>/dev/null
  wait "$1"
}
KEY=tinyllama-1.1b
M=".ai_benchmarks.results[\"$KEY\"]"

# --- the model file: an empty file and a folder say what they are, not "not found" ---
printf '{"models": {%s}}' "$(llm_entry tiny-hostile "Tiny hostile" 0.002B 0.1 0.001)" >"$T/models.json"
mkdir -p "$T/models"
: >"$T/models/tiny-hostile.Q4_K_M.gguf"
ends "an empty model file fails the model" "$BIN" run --skip-classic --models tiny-hostile \
  --models-file "$T/models.json" --models-dir "$T/models" --no-download --no-synthetic --output "$T/empty"
check "says: empty file (0 bytes)" jq -e '.ai_benchmarks.results["tiny-hostile"].status == "failed" and
  (.ai_benchmarks.results["tiny-hostile"].error | test("tiny-hostile.Q4_K_M.gguf: empty file \\(0 bytes\\)"))' \
  "$(cat "$T/out")" >/dev/null
check "not 'not found'" bash -c "! grep -q 'not found and not downloaded' '$T/err'"
rm "$T/models/tiny-hostile.Q4_K_M.gguf"
mkdir "$T/models/tiny-hostile.Q4_K_M.gguf"
ends "a folder for a model file fails the model" "$BIN" run --skip-classic --models tiny-hostile \
  --models-file "$T/models.json" --models-dir "$T/models" --no-download --no-synthetic --output "$T/folder"
check "says: is a folder, expected a GGUF file" jq -e '.ai_benchmarks.results["tiny-hostile"].status == "failed" and
  (.ai_benchmarks.results["tiny-hostile"].error | test("tiny-hostile.Q4_K_M.gguf: is a folder, expected a GGUF file"))' \
  "$(cat "$T/out")" >/dev/null

if ! "$BIN" --version | grep -q "CLLM_WITH_CURL=ON"; then
  echo "skip the server cases: no libcurl in this build" >&2
  summary
fi
SRV=$PWD/test_serve_bench
if [ ! -x "$SRV" ]; then
  echo "skip the server cases: $SRV not built" >&2
  summary
fi
"$SRV" --serve >"$T/port" 2>"$T/server.err" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$T/port" 2>/dev/null)
if [ -z "$PORT" ]; then
  echo "skip the server cases: the test server did not start (built without libmicrohttpd?)" >&2
  summary
fi
U=http://127.0.0.1:$PORT

# a config of short runs; $1 merged into "server"
cfg() {
  printf '{"inference": {"max_tokens": 8}, "runs": {"count": %s, "warmup": %s, "warmup_max_tokens": 4,
    "cleanup_pause_s": 0}, "server": {%s}}' "$1" "$2" "$3" >"$T/cfg.json"
}

# --- keep-alive comments only: the run fails within its deadline (1 s + 4 warmup tokens x 0.1 s), the timed runs
# are skipped after that first stall. The old code waited for ever (here: killed by timeout 60) ---
cfg 2 1 '"deadline_base_s": 1, "deadline_per_token_s": 0.1'
t0=$(now_ms)
ends "keep-alive server: run ends" "$BIN" run --skip-classic --server-url "$U/keepalive" \
  --config "$T/cfg.json" --output "$T/keepalive"
el=$(( $(now_ms) - t0 ))
echo "    keep-alive run took $el ms" >&2
check "keep-alive server: ended well before the old behaviour (< 15 s)" test "$el" -lt 15000
res=$(cat "$T/out")
check "keep-alive server: the model failed on its deadline" jq -e "$M.status == \"failed\"
  and ($M.error | test(\"warmup run 1: the request passed its deadline of 1.4 s\"))
  and $M.stall.at == \"warmup run 1\" and ($M.stall.error | test(\"keep-alive comments, which do not count\"))
  and $M.engine.limits.deadline_per_token_s == 0.1" "$res" >/dev/null
check "keep-alive server: the timed runs skipped with the reason" jq -e "($M.runs | length) == 2
  and all($M.runs[]; .status == \"skipped\" and (.reason | startswith(\"skipped after a stall: warmup run 1: \")))" \
  "$res" >/dev/null

# ctrl_c_after PID PATTERN WHAT: once PATTERN is in $T/err (and half a second more), one SIGINT to PID; sets rc (its
# exit status) and el (ms from the signal to its exit)
ctrl_c_after() {
  local pid=$1 t0
  # up to 30 s for the text, then 1.5 s for the run to reach its request: both requests hang on the keep-alive
  # server until the Ctrl-C, so waiting longer only makes the test robust on a loaded machine (it once sent the
  # Ctrl-C before the timed run had started, under a load of 14)
  for _ in $(seq 600); do grep -q "$2" "$T/err" && break; sleep 0.05; done
  sleep 1.5
  t0=$(now_ms)
  kill -INT "$pid"
  stop_wait "$pid"
  rc=$?
  el=$(( $(now_ms) - t0 ))
  echo "    $3 stopped $el ms after Ctrl-C" >&2
}

# --- one Ctrl-C during a keep-alive stream (default deadlines: minutes) stops `run` within 1 s ---
cfg 2 1 ''
"$BIN" run --skip-classic --server-url "$U/keepalive" --config "$T/cfg.json" --output "$T/cancel" \
  >"$T/out" 2>"$T/err" &
ctrl_c_after $! "loaded in" run
check "run: one Ctrl-C exits 130" test "$rc" -eq 130
check "run: stopped within 1 s of Ctrl-C" test "$el" -lt 1000
res=$(cat "$T/out")
check "run: the results file is kept, the model cancelled" jq -e ".run.status == \"cancelled\"
  and .ai_benchmarks.status == \"partial\" and $M.status == \"cancelled\" and $M.reason == \"stopped by the user\"" \
  "$res" >/dev/null
check "run: the table says cancelled" grep -Eq "^  $KEY +cancelled +server +stopped by the user" "$T/err"

# the same during a timed run: that run is "cancelled", not "failed" / "stopped"
cfg 3 0 ''
"$BIN" run --skip-classic --server-url "$U/keepalive" --config "$T/cfg.json" --output "$T/cancel2" \
  >"$T/out" 2>"$T/err" &
ctrl_c_after $! "loaded in" "run (timed run)"
check "run: Ctrl-C in a timed run exits 130" test "$rc" -eq 130
check "run: the interrupted run is cancelled" jq -e "$M.status == \"cancelled\" and ($M.runs | length) == 1
  and $M.runs[0].status == \"cancelled\" and $M.runs[0].error == \"stopped by the user\"" "$(cat "$T/out")" >/dev/null

# --- a server ignoring max_tokens (tokens for ever, no [DONE]): each run fails with the reason, the next runs
# still happen ---
cfg 2 0 ''
ends "endless server: run ends" "$BIN" run --skip-classic --server-url "$U/endless/gap=2" \
  --config "$T/cfg.json" --output "$T/endless"
check "endless server: both runs failed on max_tokens" jq -e "$M.status == \"failed\" and ($M.runs | length) == 2
  and all($M.runs[]; .status == \"failed\" and (.error | test(\"the server sent more than max_tokens \\\\(8\\\\)\")))
  and ($M | has(\"stall\") | not)" "$(cat "$T/out")" >/dev/null

# --- a stall (2 tokens, then 3 s of silence; stall_s 1): the first run fails, the rest are skipped ---
cfg 3 0 '"stall_s": 1'
t0=$(now_ms)
ends "stalling server: run ends" "$BIN" run --skip-classic --server-url "$U/stall/at=2" \
  --config "$T/cfg.json" --output "$T/stall" --compare temperature
el=$(( $(now_ms) - t0 ))
echo "    stalling run took $el ms" >&2
check "stalling server: run 1 stalled, runs 2-3 skipped" jq -e "$M.status == \"failed\" and ($M.runs | length) == 3
  and $M.runs[0].status == \"failed\" and ($M.runs[0].error | test(\"stalled: no token for 1 s after 2 chunks\"))
  and $M.runs[1].status == \"skipped\" and $M.runs[2].status == \"skipped\"
  and ($M.runs[2].reason | startswith(\"skipped after a stall: run 1: the server's stream stalled\"))" \
  "$(cat "$T/out")" >/dev/null
check "stalling server: its comparison variants skipped too" jq -e "[.ai_benchmarks.comparisons.temperature[\"$KEY\"][]
  | select(.status == \"skipped\" and (.reason | startswith(\"skipped after a stall: run 1: \")))] | length == 3" \
  "$(cat "$T/out")" >/dev/null
check "stalling server: one stall waited for, not 3 + 3 x 3 (< 10 s)" test "$el" -lt 10000
check "stalling server: the table names the stall" grep -q "skipped after a stall: run 1: " "$T/err"

# --- serve-bench: keep-alives end each request at its deadline; one Ctrl-C stops within 1 s ---
t0=$(now_ms)
expect_rc "serve-bench, keep-alive server: exits 1" 1 timeout 60 "$BIN" serve-bench --server-url "$U/keepalive" \
  --concurrency 2 --requests 2 --max-tokens 4 --deadline-base-s 0.5 --deadline-per-token-s 0.1 \
  --output-dir "$T/sb_keepalive"
el=$(( $(now_ms) - t0 ))
check "serve-bench, keep-alive server: requests end at their deadline" grep -q "passed its deadline of 0.9 s" "$T/err"
check "serve-bench, keep-alive server: ended in seconds (< 15 s)" test "$el" -lt 15000
expect_rc "serve-bench: a bad --deadline-per-token-s exits 2" 2 "$BIN" serve-bench --server-url "$U" \
  --deadline-per-token-s 0
check "names the option" grep -q -- "--deadline-per-token-s: '0' is not a positive number of seconds" "$T/err"

"$BIN" serve-bench --server-url "$U/keepalive" --concurrency 2,4 --requests 2 --output-dir "$T/sb_cancel" \
  >"$T/out" 2>"$T/err" &
ctrl_c_after $! '^\[serve 1/2\] concurrency 2 \.\.\.' serve-bench
check "serve-bench: one Ctrl-C exits 130" test "$rc" -eq 130
check "serve-bench: stopped within 1 s of Ctrl-C" test "$el" -lt 1000
check "serve-bench: the file is kept, the level cancelled" jq -e '.run.status == "cancelled"
  and .serving_benchmarks.status == "partial" and (.serving_benchmarks.levels | length) == 1
  and .serving_benchmarks.levels[0].status == "cancelled" and .serving_benchmarks.levels[0].n_cancelled == 2' \
  "$(cat "$T/out")" >/dev/null
summary
