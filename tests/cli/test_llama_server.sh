#!/usr/bin/env bash
# The server engine against a real llama-server, on a tiny synthetic model: auto mode (`run --llama-server`: started,
# benchmarked, stopped, nothing left running) and manual mode (`run --server-url` against one this script starts);
# then serve-bench against one with 2 slots: an open-loop level, an SLA search, prefix cache off vs on, shared-prefix.
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
kill "$manual_pid" 2>/dev/null; wait "$manual_pid" 2>/dev/null; manual_pid=""

# --- serve-bench against a llama-server with 2 slots and room for long prompts (4096 tokens each) ---
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" -m "$model" --port "$port" --host 127.0.0.1 --ctx-size 8192 -np 2 -ngl 0 --seed 42 --metrics \
  >"$T/serve.log" 2>&1 &
manual_pid=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done
SU="http://127.0.0.1:$port"
sb=(serve-bench --server-url "$SU" --max-tokens 8 --ignore-eos)

# an open-loop level: Poisson at 2 req/s, 6 requests
expect_rc "serve-bench: an open-loop level" 0 "$BIN" "${sb[@]}" --request-rate 2 --requests 6 --json --output-dir "$T/sb1"
cp "$T/out" "$T/sb1.json"
check "open loop: every request served, the sends' rate measured" jq -e '.server.library == "llama-server"
  and .server.props.total_slots == 2 and .levels[0].mode == "open-loop" and .levels[0].n_ok == 6
  and .levels[0].achieved_rate > 0 and .levels[0].interarrival_cv > 0 and .levels[0].ttft_s.p50 > 0
  and all(.levels[0].requests[]; .output_tokens == 8 and .prompt_tokens > 0 and .cached_tokens == 0)' \
  "$T/out" >/dev/null

# the SLA search completes: a generous e2e SLO holds up to the search's limit of 4 streams (probes 1, 2, 4)
expect_rc "serve-bench: an SLA search" 0 "$BIN" "${sb[@]}" --find-max concurrency --slo e2e_p99_ms=60000 \
  --find-limit 4 --probe-requests 4 --probe-seconds 0 --json --output-dir "$T/sb2"
check "SLA search: 1, 2, 4 met, the limit reached" jq -e '.sla_search.found and .sla_search.max_meeting_slo == 4
  and .sla_search.limit_reached and ([.sla_search.probes[] | .value] == [1, 2, 4])
  and all(.levels[]; .slo_check.met and .n_warmup == 1)' "$T/out" >/dev/null

# prefix cache off vs on with a ~900-token prompt: off evaluates it whole every time (cache_n 0); on takes it from
# the cache after the first request, so its TTFT drops far below off's
long=$(python3 -c "print(' '.join(['the quick brown fox jumps over the lazy dog'] * 80))")
expect_rc "serve-bench: prefix cache off" 0 "$BIN" "${sb[@]}" --concurrency 1 --requests 4 --prefix-cache off \
  --prompt "$long" --json --output-dir "$T/sb3"
cp "$T/out" "$T/cache_off.json"
expect_rc "serve-bench: prefix cache on" 0 "$BIN" "${sb[@]}" --concurrency 1 --requests 4 --prefix-cache on \
  --prompt "$long" --json --output-dir "$T/sb4"
cp "$T/out" "$T/cache_on.json"
check "cache off: every prompt evaluated whole" jq -e '.params.prefix_cache.mode == "off"
  and all(.levels[0].requests[]; .prompt_tokens > 800 and .cached_tokens == 0)' "$T/cache_off.json" >/dev/null
check "cache on: the prompt taken from the cache after the first" jq -e '.params.prefix_cache.mode == "on"
  and ([.levels[0].requests[1:][] | .cached_tokens >= .prompt_tokens - 2] | all)' "$T/cache_on.json" >/dev/null
# the fastest of requests 2-4 of each (a loaded machine delays single requests, not all three)
off_ttft=$(jq '[.levels[0].requests[1:][] | .ttft_s] | min' "$T/cache_off.json")
on_ttft=$(jq '[.levels[0].requests[1:][] | .ttft_s] | min' "$T/cache_on.json")
echo "prefix cache: fastest TTFT after the first request: off ${off_ttft} s, on ${on_ttft} s" >&2
check "cache on: TTFT under half of off's (the whole prompt evaluated vs 1 token)" \
  python3 -c "import sys; sys.exit(0 if $on_ttft < $off_ttft / 2 else 1)"
# shared-prefix 400: the prefix's words scaled until llama-server's /tokenize counts 400 tokens; from the second
# request on at least those 400 come from the cache, the unique marker after them does not
expect_rc "serve-bench: shared-prefix 400" 0 "$BIN" "${sb[@]}" --concurrency 1 --requests 3 --prefix-cache shared-prefix 400 \
  --json --output-dir "$T/sb5"
check "shared-prefix: 400 tokens as the server counts them, cached after the first" jq -e '.params.prefix_cache
  | .mode == "shared-prefix" and .shared_prefix_tokens_counted == 400 and .shared_prefix_words > 0' "$T/out" >/dev/null
check "shared-prefix: the prefix cached, the rest not" jq -e '.levels[0].requests as $r | $r[0].cached_tokens < 400
  and all($r[1:][]; .cached_tokens >= 400 and .cached_tokens < .prompt_tokens - 5)' "$T/out" >/dev/null
# the server's own /metrics (started with --metrics): each level's counters grew by what it served; the pinned
# release exports no KV-cache usage, so that key is there or null with its reason (never 0)
check "server_metrics: llama-server's counters over the open-loop level" jq -e '.levels[0] as $l
  | $l.server_metrics.status == "measured" and $l.server_metrics.server == "llama-server"
  and $l.server_metrics.generation_tokens.delta == $l.output_tokens
  and $l.server_metrics.prompt_tokens.delta > 0
  and $l.server_metrics.prompt_tokens.delta <= ([$l.requests[].prompt_tokens] | add)
  and $l.server_metrics.prompt_tokens.source == "llamacpp:prompt_tokens_total"
  and ($l.server_metrics.requests_running.max >= 0) and $l.server_metrics.scrapes >= 2
  and (($l.server_metrics.kv_cache_usage.max >= 0)
       or ($l.server_metrics | .kv_cache_usage == null and (.null_reasons.kv_cache_usage | test("does not export"))))' \
  "$T/sb1.json" >/dev/null
# an open-loop level of a corpus workload: prompts cut to 48..96 tokens by llama-server's own /tokenize
expect_rc "serve-bench: open loop with --input-len" 0 "$BIN" serve-bench --server-url "$SU" --request-rate 4 --requests 6 \
  --input-len 48-96 --output-len 4-8 --languages en,fr --ignore-eos --json --output-dir "$T/sb6"
check "workload: counted by llama-server's tokenizer, within the spec" jq -e '.params.workload.prompt_tokens == "counted"
  and .levels[0].n_ok == 6 and all(.levels[0].requests[]; .prompt_tokens_counted >= 40 and .prompt_tokens_counted <= 96
  and .prompt_tokens > .prompt_tokens_counted and .output_tokens >= 4 and .output_tokens <= 8)
  and .levels[0].server_metrics.status == "measured"
  and .levels[0].server_metrics.generation_tokens.delta == .levels[0].output_tokens' "$T/out" >/dev/null

summary
