#!/usr/bin/env bash
# llama.cpp RPC on loopback: two rpc-servers (the build of scripts/setup --rpc) started here on free 127.0.0.1
# ports, the tiny synthetic model split across them by `run --rpc` and `sweep --rpc`, compared with the same model
# run locally; the results record both servers and each device's layers and buffers; a refused server and a silent
# one fail within their deadline; bad lists are refused. Both servers are stopped and reaped whatever happens
# (trap), and the script checks that none is left. Skipped (exit 77) when scripts/setup --rpc has not run.
# Usage: test_rpc.sh PATH/TO/computellm
set -u
BIN=$1
SRC=${CLLM_SRC:-.}
RPC_DIR="$SRC/.deps/llama-rpc"
if [ ! -x "$RPC_DIR/bin/rpc-server" ] || [ ! -s "$RPC_DIR/lib/libggml-rpc.so" ]; then
  echo "skip: llama.cpp's rpc-server and RPC backend are not built (run scripts/setup --rpc)" >&2
  exit 77
fi
if ! ls "$SRC"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: the llama.cpp libraries are not installed (scripts/setup)" >&2
  exit 77
fi

T=$(mktemp -d /tmp/cllm_rpc.XXXXXX)
pids=()
silent_pid=""
stop_all() {
  local p
  for p in "${pids[@]}" $silent_pid; do
    kill "$p" 2>/dev/null
  done
  for p in "${pids[@]}" $silent_pid; do
    # bounded: SIGKILL after 5 s, then reap
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
}
cleanup() {
  stop_all
  [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. "$(dirname "$0")/lib.sh"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# waits (at most 10 s) until something listens on 127.0.0.1:$1 (/proc/net/tcp: no connection is made)
wait_listen() {
  local hex
  hex=$(printf '%04X' "$1")
  for _ in $(seq 100); do
    grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

P1=$(free_port)
P2=$(free_port)
while [ "$P2" = "$P1" ]; do P2=$(free_port); done
for p in "$P1" "$P2"; do
  "$RPC_DIR/bin/rpc-server" -H 127.0.0.1 -p "$p" -t 1 >"$T/rpc_$p.log" 2>&1 </dev/null &
  pids+=($!)
done
check "rpc-server 1 listens on 127.0.0.1:$P1" wait_listen "$P1"
check "rpc-server 2 listens on 127.0.0.1:$P2" wait_listen "$P2"
RPC="127.0.0.1:$P1,127.0.0.1:$P2"

printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny.json"
echo '{"inference": {"max_tokens": 32}, "runs": {"warmup_max_tokens": 4}}' >"$T/cfg.json"
M=(-m tiny-test --models-file "$T/tiny.json" --models-dir "$T/models" --no-download)
R=(run --skip-classic "${M[@]}" --config "$T/cfg.json" --runs 2 --ladder off)

# --- the model split over the two servers ---
expect_rc "run --rpc $RPC" 0 timeout 240 "$BIN" "${R[@]}" --rpc "$RPC" -o "$T/split"
cp "$T/err" "$T/split.err"
split=$(ls "$T"/split/*.json 2>/dev/null | head -1)
check "a results file" test -s "$split"
E='.ai_benchmarks.results["tiny-test"]'
check "the model ran on RPC: both runs ok" jq -e "$E | .status == \"ok\" and .engine.backend == \"RPC\"
  and (.runs | length) == 2 and all(.runs[]; .status == \"ok\" and .generated_tokens > 0)" "$split" >/dev/null
check "devices_used: the two servers' devices" jq -e "$E.engine.devices_used | map(.description)
  == [\"127.0.0.1:$P1\", \"127.0.0.1:$P2\"] and all(.[]; .backend == \"RPC\")" "$split" >/dev/null
check "engine.rpc.servers: both, protocol 7.0.0, a measured round trip" jq -e "$E.engine.rpc.servers
  | length == 2 and .[0].endpoint == \"127.0.0.1:$P1\" and .[1].endpoint == \"127.0.0.1:$P2\"
  and all(.[]; .n_devices == 1 and .protocol == \"7.0.0\" and .rtt_samples == 8 and .connect_ms >= 0
          and .rtt_min_ms > 0 and .rtt_min_ms <= .rtt_median_ms and .rtt_median_ms < 1000)" "$split" >/dev/null
check "engine.rpc.library: the libggml-rpc.so of scripts/setup --rpc" jq -e "$E.engine.rpc.library
  | endswith(\".deps/llama-rpc/lib/libggml-rpc.so\")" "$split" >/dev/null
# 2 repeating layers + the output layer, all offloaded; llama.cpp splits them by the servers' free memory
check "layers: every one offloaded, each server holds some, the CPU none" jq -e "$E as \$e | \$e.engine.rpc
  | .offloaded_layers == (\$e.engine.model.n_layers + 1) and .offloadable_layers == .offloaded_layers
  and (.devices | map(.device)) == [\"CPU\", \"RPC0\", \"RPC1\"]
  and ([.devices[].layers] | add) == .offloaded_layers and .devices[0].layers == 0 and .devices[0].endpoint == null
  and all(.devices[1:][]; .layers >= 1)" "$split" >/dev/null
check "memory: the devices' model buffers add up to the model's size (MiB, 2 decimals each)" jq -e "$E as \$e
  | (([\$e.engine.rpc.devices[].model_mib] | add) - \$e.engine.model.size_bytes / 1048576 | fabs) < 0.05
  and all(\$e.engine.rpc.devices[1:][]; .model_mib > 0 and .compute_mib > 0)
  and ([\$e.engine.rpc.devices[].kv_mib] | add) > 0" "$split" >/dev/null
check "bytes per token: unknown, with the reason" jq -e "$E.engine.rpc | .bytes_per_token == null
  and (.null_reasons.bytes_per_token | test(\"no traffic counters\"))" "$split" >/dev/null
check "both servers served this run" bash -c "grep -q 'Accepted client connection' '$T/rpc_$P1.log' &&
  grep -q 'Accepted client connection' '$T/rpc_$P2.log'"
check "the results file matches the schema" python3 "$SRC/tests/schema/validate.py" "$SRC/docs/results.schema.json" \
  --min 1 "$split"

# --- the same model locally: the same model and work, no rpc ---
expect_rc "run (local)" 0 timeout 240 "$BIN" "${R[@]}" -o "$T/local"
local=$(ls "$T"/local/*.json 2>/dev/null | head -1)
check "local: CPU, no engine.rpc, both runs ok" jq -e "$E | .status == \"ok\" and .engine.backend == \"CPU\"
  and (.engine | has(\"rpc\") | not) and all(.runs[]; .status == \"ok\")" "$local" >/dev/null
check "local and split: the same model, prompt and generated tokens" jq -e -n --slurpfile a "$split" \
  --slurpfile b "$local" "[\$a[0], \$b[0]] | map($E | {m: .engine.model | {n_params, size_bytes, n_layers},
    p: .prompt_tokens, g: [.runs[].generated_tokens]}) | .[0] == .[1]" >/dev/null
for f in split local; do
  echo "  $f: $(jq -r "$E.summary.avg_tokens_per_second | \"\(.) tokens/s\"" "$T/$f"/*.json 2>/dev/null)" >&2
done

# --- sweep --rpc: llama-bench's method over the same devices ---
expect_rc "sweep --rpc" 0 timeout 240 "$BIN" sweep "${M[@]}" -p 16 -n 4 -r 2 -t 1 --rpc "$RPC" -o json
check "sweep: RPC backends, both servers, every test ok" jq -e "length == 2 and all(.[]; .status == \"ok\"
  and .backends == \"RPC\" and .gpu_info == \"127.0.0.1:$P1, 127.0.0.1:$P2\" and .avg_ts > 0)" "$T/out" >/dev/null
expect_rc "sweep (local)" 0 timeout 240 "$BIN" sweep "${M[@]}" -p 16 -n 4 -r 2 -t 1 -o json
check "sweep local: CPU" jq -e 'length == 2 and all(.[]; .status == "ok" and .backends == "CPU")' "$T/out" >/dev/null

# --- refused and silent servers: clear errors within the deadline ---
P3=$(free_port)
start=$(date +%s)
expect_rc "run --rpc to a port nobody listens on fails" 1 timeout 60 "$BIN" "${R[@]}" --rpc "127.0.0.1:$P3" -o "$T/refused"
check "  ... naming the server and the refusal" grep -q "RPC server 127.0.0.1:$P3: connect: Connection refused" "$T/err"
check "  ... at once" test $(( $(date +%s) - start )) -lt 30
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(4); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$T/silent.port" &
silent_pid=$!
for _ in $(seq 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
P4=$(cat "$T/silent.port")
start=$(date +%s)
expect_rc "run --rpc to a server that never answers fails" 1 timeout 60 "$BIN" "${R[@]}" --rpc "127.0.0.1:$P4" -o "$T/silent"
check "  ... after the 5 s HELLO deadline, not a hang" bash -c "grep -q 'did not answer HELLO within 5000 ms' '$T/err' &&
  [ $(( $(date +%s) - start )) -lt 30 ]"

# --- bad lists: exit 2 before anything runs ---
expect_rc "--rpc user@host:1 refused" 2 "$BIN" "${R[@]}" --rpc "user@host:1" -o "$T/bad"
check "  ... naming the credentials" grep -q "credentials" "$T/err"
expect_rc "--rpc host:70000 refused" 2 "$BIN" "${R[@]}" --rpc "host:70000" -o "$T/bad"
check "  ... naming the port range" grep -q "1..65535" "$T/err"
expect_rc "--rpc with --cpu refused" 2 "$BIN" "${R[@]}" --rpc "$RPC" --cpu -o "$T/bad"
expect_rc "sweep --rpc tcp://h:1 refused" 2 "$BIN" sweep "${M[@]}" --rpc "tcp://h:1"
check "  ... naming the scheme" grep -q "scheme" "$T/err"
check "no results file from refused runs" bash -c "! ls '$T'/bad/*.json >/dev/null 2>&1"

# --- nothing left running ---
stop_all
left=0
for p in "${pids[@]}" $silent_pid; do kill -0 "$p" 2>/dev/null && left=1; done
check "both rpc-servers (and the silent listener) stopped and reaped" test "$left" -eq 0
check "no rpc-server of this test on its ports" bash -c "! grep -qE ':($(printf '%04X' "$P1")|$(printf '%04X' "$P2")) 00000000:0000 0A' /proc/net/tcp"
pids=()
silent_pid=""
summary
