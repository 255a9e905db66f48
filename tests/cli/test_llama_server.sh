#!/usr/bin/env bash
# The server engine against a real llama-server, on a tiny synthetic model: auto mode (`run --llama-server`: started,
# benchmarked, stopped, nothing left running) and manual mode (`run --server-url` against one this script starts).
# Skipped (exit 77) when no llama-server is installed: $COMPUTELLM_LLAMA_SERVER, `llama-server` on PATH, or the
# build `scripts/setup --llama-server` makes in .deps/llama-server/bin/.
# Usage: test_llama_server.sh PATH/TO/computellm
set -u
BIN=$1
SRC=${CLLM_SRC:-.}
server=${COMPUTELLM_LLAMA_SERVER:-}
[ -n "$server" ] || server=$(command -v llama-server 2>/dev/null || true)
[ -n "$server" ] || { [ -x "$SRC/.deps/llama-server/bin/llama-server" ] && server="$SRC/.deps/llama-server/bin/llama-server"; }
if [ -z "$server" ]; then
  echo "skip: no llama-server installed (scripts/setup --llama-server builds one; or set COMPUTELLM_LLAMA_SERVER)" >&2
  exit 77
fi
if ! ls "$SRC"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: the llama.cpp libraries are not installed (scripts/setup): no synthetic model can be made" >&2
  exit 77
fi
if ! "$BIN" --version | grep -q "CLLM_WITH_CURL=ON"; then
  echo "skip: this build has no libcurl (the server engine needs it)" >&2
  exit 77
fi
echo "llama-server: $server" >&2

T=$(mktemp -d /tmp/cllm_srv.XXXXXX)
manual_pid=""
# KEEP=1 keeps the files for a look; the server this script started is stopped either way
cleanup() {
  [ -n "$manual_pid" ] && kill "$manual_pid" 2>/dev/null && wait "$manual_pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
. "$(dirname "$0")/lib.sh"
# no llama-server serving a file under $T is left (the [l] keeps pgrep from matching a shell quoting this)
no_server_left() { ! pgrep -f "[l]lama-server -m $T/" >/dev/null 2>&1; }

printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/models.json"
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 32}, "runs": {"warmup_max_tokens": 4}}' >"$T/cfg.json"
common=(run --skip-classic --models-file "$T/models.json" --config "$T/cfg.json" --models-dir "$T/models" --no-download)

# the checks both modes share: three ok runs of exactly max_tokens, counted by the server's usage, its own
# decode rate beside ours, and the whole prompt evaluated every run (no prompt cache, as in-process)
runs_ok='.ai_benchmarks.results["tiny-test"] as $m
  | $m.status == "ok" and ($m.runs | length) == 3
  and all($m.runs[]; .status == "ok" and .generated_tokens == 32 and .tokens_per_second > 0
                     and .first_token_latency_s > 0 and .token_count_source == "usage"
                     and .server_timings.predicted_n == 32 and .server_timings.predicted_per_second > 0
                     and .server_timings.prompt_n == .prompt_tokens and .engine_decode_tokens == 32)
  and $m.summary.avg_tokens_per_second > 0 and $m.engine.library == "llama-server"'

# --- auto mode ---
expect_rc "auto mode: run --llama-server" 0 "$BIN" "${common[@]}" --llama-server "$server" --output "$T/auto"
auto=$(cat "$T/out")
check "auto: three runs through llama-server" jq -e "$runs_ok" "$auto" >/dev/null
check "auto: no roofline against a bandwidth the server may not use" jq -e '.ai_benchmarks.results["tiny-test"].summary.roofline
  | .ratio == null and (.null_reasons.ratio | test("backend"))' "$auto" >/dev/null
check "auto: engine in auto mode on loopback" jq -e '.ai_benchmarks.results["tiny-test"].engine
  | .mode == "auto" and (.url | startswith("http://127.0.0.1:")) and .server_pid > 0' "$auto" >/dev/null
# the server's memory, not ours: the tiny model's weights and a 2048-token context are in llama-server
check "auto: memory of the llama-server process" jq -e '.ai_benchmarks.results["tiny-test"]
  | (.load.memory_process | startswith("llama-server")) and .load.memory_after_load_gb > 0.005
    and .summary.peak_memory_gb >= .load.memory_after_load_gb * 0.5
    and all(.runs[]; .memory_after_gb > 0.005)' "$auto" >/dev/null
pid=$(jq -r '.ai_benchmarks.results["tiny-test"].engine.server_pid' "$auto")
check "auto: llama-server $pid stopped and reaped" bash -c "! kill -0 $pid 2>/dev/null"
check "auto: no llama-server left" no_server_left

# a bare name that is not anywhere fails with the way to get one
expect_rc "auto: unknown llama-server name (no model ran: exit 1)" 1 "$BIN" "${common[@]}" --llama-server no-such-llama-server-x \
  --output "$T/auto2"
check "auto: the failure says how to get llama-server" jq -e '.ai_benchmarks.results["tiny-test"]
  | .status == "failed" and (.error | test("scripts/setup --llama-server"))' "$(cat "$T/out")" >/dev/null

# --- manual mode against a llama-server started here ---
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
model="$T/models/synthetic/tiny-test.Q4_K_M.gguf"
check "the synthetic model is there" test -s "$model"
"$server" -m "$model" --port "$port" --host 127.0.0.1 --ctx-size 2048 -ngl 0 --seed 42 >"$T/manual.log" 2>&1 &
manual_pid=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
expect_rc "manual mode: run --server-url" 0 "$BIN" "${common[@]}" --server-url "http://127.0.0.1:$port" \
  --output "$T/manual"
man=$(cat "$T/out")
check "manual: three runs through llama-server" jq -e "$runs_ok" "$man" >/dev/null
check "manual: engine in manual mode, llama-server recognised" jq -e '.ai_benchmarks.results["tiny-test"].engine
  | .mode == "manual" and .url == "http://127.0.0.1:'"$port"'"' "$man" >/dev/null
# a llama-server on a loopback URL: the process listening on that port is found, its memory is the number
check "manual: the memory of the llama-server listening on the port" jq -e '.ai_benchmarks.results["tiny-test"]
  | .engine.server_pid == '"$manual_pid"' and (.load.memory_process | startswith("llama-server (pid '"$manual_pid"'"))
    and .load.memory_after_load_gb > 0.005 and .summary.peak_memory_gb > 0.005' "$man" >/dev/null
check "manual: the server we started still runs (not ours to stop)" kill -0 "$manual_pid"

summary
