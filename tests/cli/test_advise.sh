#!/usr/bin/env bash
# computellm advise: every registry model x quantization with where it fits and its predicted rates, the numbers
# against the formulas (KV cache, decode from a measured bandwidth), measured inputs from a results file, GGUF files
# read from their header, the results file's `advice` written by run, and clear errors for bad input.
# Usage: test_advise.sh PATH/TO/computellm
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/cllm_advise.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$HERE/lib.sh"
cd "$T" || exit 1
unset COMPUTELLM_MODELS_FILE

expect_rc "advise: the table" 0 "$BIN" advise --no-results --models-dir "$T/models"
check "30 rows: five models x six quantizations" test "$(grep -cE '^(tinyllama-1.1b|mistral-7b|llama2-13b|codellama-34b|llama2-70b) +(Q2_K|Q3_K_M|Q4_K_M|Q5_K_M|Q6_K|Q8_0) ' "$T/out")" = 30
check "the inputs say they are assumed" grep -q 'host read bandwidth .*assumed: not measured' "$T/out"
check "recommendations printed" grep -q '^Recommendations:' "$T/out"

expect_rc "advise --json" 0 "$BIN" advise --json --no-results --models-dir "$T/models"
cp "$T/out" "$T/a.json"
check "json: 30 registry rows, each with where, layers and a prediction unless it does not fit" jq -e '
  [.models[] | select(.origin == "registry")] | length == 30
  and all(.[]; (.where | IN("gpu", "gpu_split", "unified", "partial", "cpu", "none"))
      and (if .where == "none" then .predicted_decode_tps == null else .predicted_decode_tps > 0 end)
      and .cpu_only_decode_tps > 0 and .n_layer > 0 and .downloaded == "no")' "$T/a.json" >/dev/null
check "json: the five models with their six quantizations" jq -e '
  [.models[] | .key] | unique == ["codellama-34b", "llama2-13b", "llama2-70b", "mistral-7b", "tinyllama-1.1b"]' \
  "$T/a.json" >/dev/null
# Mistral 7B: 2 x 32 layers x 2048 x 8 KV heads x 128 x 2 bytes = 256 MiB; Llama 2 13B (no GQA): 1600 MiB
check "json: KV cache from the shape (Mistral 256 MiB, Llama 2 13B 1600 MiB at n_ctx 2048, f16)" jq -e '
  ([.models[] | select(.key == "mistral-7b")][0].kv_cache_gb == 0.25)
  and ([.models[] | select(.key == "llama2-13b")][0].kv_cache_gb == 1.5625)' "$T/a.json" >/dev/null
check "json: every input assumed, none measured, no results file" jq -e '
  .measured_from == null and all(.inputs[]; .measured == false and (.source | startswith("assumed: not measured")))
  and (.inputs.gpu_layer_time_us.source | test("H200"))' \
  "$T/a.json" >/dev/null
# with no GPU here the decode rate is host bandwidth x efficiency / bytes per token: Mistral Q4_K_M reads
# 4.37e9 x (1 - 131072000 / 7241465856) bytes of weights + 64 tokens of KV (8388608 bytes) per token
check "json: Mistral Q4_K_M's CPU decode rate from the formula" jq -e '
  (.inputs.cpu_read_gbps.value * 1e9 * .inputs.cpu_decode_efficiency.value
   / (4.37e9 * (1 - 131072000 / 7241465856) + 8388608)) as $want
  | [.models[] | select(.key == "mistral-7b" and .quant == "Q4_K_M")][0].cpu_only_decode_tps
  | (. - $want) | fabs < 1e-6' "$T/a.json" >/dev/null
check "json: one best quantization per model that fits (the largest)" jq -e '
  .models as $all | [.models[] | select(.best_on_gpu or .best_on_cpu)] as $b
  | ($b | length) == ([.models[] | select(.where != "none") | .key] | unique | length)
  and all($b[]; . as $r
      | $r.weights_gb == ([$all[] | select(.key == $r.key and .where == $r.where) | .weights_gb] | max))' \
  "$T/a.json" >/dev/null
check "json: the largest model at the target decodes at it" jq -e '
  .recommendations.largest_at_target as $l | $l == null or
  ([.models[] | select(.key == $l.key and .quant == $l.quant)][0].predicted_decode_tps >= .min_tokens_per_second)' \
  "$T/a.json" >/dev/null

expect_rc "advise --ctx 4096 --kv-type q8_0" 0 "$BIN" advise --json --no-results --ctx 4096 --kv-type Q8_0
check "KV cache doubles with n_ctx and takes q8_0's 34 bytes per 32" jq -e '
  .n_ctx == 4096 and .kv_type == "q8_0"
  and ([.models[] | select(.key == "mistral-7b")][0].kv_cache_gb == 0.5 * 34 / 64)' "$T/out" >/dev/null

expect_rc "advise --min-tps 100000: no model that fast" 0 "$BIN" advise --json --no-results --min-tps 100000
check "largest_at_target null, the text says none" jq -e '.recommendations.largest_at_target == null
  and (.recommendations.largest_at_target_text | test("no model"))
  and (.recommendations.null_reasons.largest_at_target | test("no model"))' "$T/out" >/dev/null

expect_rc "advise --model mistral-7b" 0 "$BIN" advise --json --no-results --model mistral-7b
check "only that model's six rows" jq -e '[.models[].key] == ["mistral-7b","mistral-7b","mistral-7b","mistral-7b","mistral-7b","mistral-7b"]' \
  "$T/out" >/dev/null

# a file in the models folder counts as downloaded, a synthetic stand-in as synthetic
mkdir -p "$T/models/synthetic"
: >"$T/models/mistral-7b-instruct-v0.2.Q4_K_M.gguf"
: >"$T/models/synthetic/tinyllama-1.1b.Q8_0.gguf"
expect_rc "advise sees what is downloaded" 0 "$BIN" advise --json --no-results --models-dir "$T/models"
check "downloaded: yes / synthetic / no" jq -e '
  ([.models[] | select(.key == "mistral-7b" and .quant == "Q4_K_M")][0].downloaded == "yes")
  and ([.models[] | select(.key == "tinyllama-1.1b" and .quant == "Q8_0")][0].downloaded == "synthetic")
  and ([.models[] | select(.downloaded == "no")] | length == 28)' "$T/out" >/dev/null

# bad input: exit 2 naming what is wrong
expect_rc "unknown KV type" 2 "$BIN" advise --no-results --kv-type q3_x
check "the KV type named with the known ones" grep -q "unknown KV cache type 'q3_x' (f32, f16" "$T/err"
expect_rc "--ctx 0" 2 "$BIN" advise --no-results --ctx 0
check "--ctx range said" grep -q "ctx '0' is not a context size" "$T/err"
expect_rc "--min-tps abc" 2 "$BIN" advise --no-results --min-tps abc
check "--min-tps said" grep -q "min-tps 'abc' is not a number" "$T/err"
expect_rc "unknown model" 2 "$BIN" advise --no-results --model nope-1b
check "the key named" grep -q "unknown model key 'nope-1b'" "$T/err"
expect_rc "--no-registry without a file" 2 "$BIN" advise --no-results --no-registry
expect_rc "--results and --no-results" 2 "$BIN" advise --results x.json --no-results
expect_rc "a missing results file" 2 "$BIN" advise --results "$T/none.json"
check "the results file named" grep -q "none.json" "$T/err"
expect_rc "a GGUF that does not exist" 1 "$BIN" advise --no-results --gguf "$T/missing.gguf"
check "the GGUF path named" grep -q "missing.gguf" "$T/err"
printf 'not a gguf at all, just text\n' >"$T/bad.gguf"
expect_rc "a file that is not GGUF" 1 "$BIN" advise --no-results --gguf "$T/bad.gguf"
check "its path and the problem named" grep -q "bad.gguf: " "$T/err"

# measured inputs: a results file of the classic phases (small sizes: seconds), then advise reads them from it
cat >"$T/cfg.json" <<'JSON'
{"models": ["tinyllama-1.1b"], "classic": {"cpu_matrix_sizes": [64, 128], "gpu_matrix_sizes": [64], "gemm_iterations": 2,
  "memory_array_mb": 8, "memory_repeats": 5}, "monitor": {"interval_s": 0.2}}
JSON
expect_rc "run --skip-ai (classic phases only)" 0 "$BIN" run --skip-ai --config "$T/cfg.json" --output "$T/results"
res=$(tail -n 1 "$T/out")
check "run wrote advice with its own measurements" jq -e '.advice.measured_from == "this run"
  and .advice.inputs.cpu_read_gbps.measured == true
  and .advice.inputs.cpu_read_gbps.value == .classic_benchmarks.benchmarks.memory_bandwidth.read_gbps
  and (.advice.models | length) == 30' "$res" >/dev/null
expect_rc "advise --results FILE" 0 "$BIN" advise --json --results "$res"
check "host bandwidth and CPU GEMM measured, from that file; efficiency assumed (no LLM run)" jq -e --slurpfile r "$res" '
  .inputs.cpu_read_gbps.measured and .inputs.cpu_read_gbps.value == $r[0].classic_benchmarks.benchmarks.memory_bandwidth.read_gbps
  and (.inputs.cpu_read_gbps.source | test("memory_bandwidth read_gbps"))
  and .inputs.cpu_gflops.measured and .inputs.cpu_gflops.value > 0
  and (.inputs.cpu_decode_efficiency.measured | not)' "$T/out" >/dev/null
# two all-GPU runs of different shapes (the H200's TinyLlama and Mistral 7B decode rates, docs/performance.md) in
# that file: the GPU's time per layer and efficiency are fitted from them; a partly offloaded run is left out
jq '.ai_benchmarks.results = {
  "tinyllama-1.1b": {status: "ok", model: {key: "tinyllama-1.1b", quant: "Q4_K_M"},
    engine: {backend: "CUDA", n_gpu_layers: 99}, prompt_tokens: 0,
    summary: {avg_tokens_per_second: 803.44, roofline: {bandwidth_gbps: 2112.2, bytes_per_token: 669000000}}},
  "mistral-7b": {status: "ok", model: {key: "mistral-7b", quant: "Q4_K_M"},
    engine: {backend: "CUDA", n_gpu_layers: -1}, prompt_tokens: 0,
    summary: {avg_tokens_per_second: 277.53, roofline: {bandwidth_gbps: 2112.2, bytes_per_token: 4370000000}}},
  "llama2-13b": {status: "ok", model: {key: "llama2-13b", quant: "Q4_K_M"},
    engine: {backend: "CUDA", n_gpu_layers: 20}, prompt_tokens: 0,
    summary: {avg_tokens_per_second: 20, roofline: {bandwidth_gbps: 2112.2, bytes_per_token: 7870000000}}}}' \
  "$res" >"$T/gpu_runs.json"
expect_rc "advise --results with two GPU runs" 0 "$BIN" advise --json --results "$T/gpu_runs.json"
# solved by hand from the same numbers (tests/unit/test_fit.c: 41.4 us, 0.894 with 0.630 and 4.30 GB per token)
check "GPU layer time and efficiency fitted from the two all-GPU runs (about 41 us, 0.89), the partial one left out" \
  jq -e '.inputs.gpu_layer_time_us.measured and .inputs.gpu_decode_efficiency.measured
  and .inputs.gpu_layer_time_us.value > 38 and .inputs.gpu_layer_time_us.value < 45
  and .inputs.gpu_decode_efficiency.value > 0.86 and .inputs.gpu_decode_efficiency.value < 0.93
  and (.inputs.gpu_layer_time_us.source | test("fitted from 2 GPU runs \\(tinyllama-1.1b Q4_K_M, mistral-7b Q4_K_M\\)"))' \
  "$T/out" >/dev/null
jq 'del(.ai_benchmarks.results["tinyllama-1.1b"])' "$T/gpu_runs.json" >"$T/gpu_run1.json"
expect_rc "advise --results with one GPU run" 0 "$BIN" advise --json --results "$T/gpu_run1.json"
# Mistral alone: 4.37e9 less its embedding table (4.29e9 per token) / (2112.2e9 x (1 / 277.53 - 32 x 40e-6)) = 0.87
check "one GPU run: the layer time assumed, the efficiency from that run less 32 x 40 us" jq -e '
  (.inputs.gpu_layer_time_us.measured | not) and .inputs.gpu_decode_efficiency.measured
  and .inputs.gpu_decode_efficiency.value > 0.86 and .inputs.gpu_decode_efficiency.value < 0.89
  and (.inputs.gpu_decode_efficiency.source | test("mistral-7b Q4_K_M decoding at 277.5 tokens/s on CUDA.*less the layer time"))' \
  "$T/out" >/dev/null
expect_rc "advise finds the newest results file in --results-dir" 0 "$BIN" advise --json --results-dir "$T/results"
check "measured_from names it" jq -e --arg f "$res" '.measured_from == $f' "$T/out" >/dev/null

# a GGUF file read from its header: the tiny synthetic model (needs a libllama to quantize it)
if ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny.json"
  expect_rc "synth the tiny model" 0 "$BIN" synth tiny-test --models-file "$T/tiny.json" -o "$T/tiny.gguf"
  expect_rc "advise --gguf" 0 "$BIN" advise --json --no-results --no-registry --gguf "$T/tiny.gguf"
  size=$(stat -c %s "$T/tiny.gguf")
  # 2 layers x 2048 tokens x 2 KV heads x 64 dims x 2 (K and V) x 2 bytes = 2 MiB
  check "the GGUF row: its shape (2 layers), KV 2 MiB, tensor bytes below the file size, given" jq -e --argjson s "$size" '
    (.models | length) == 1 and .models[0].origin == "gguf" and .models[0].n_layer == 2
    and .models[0].quant == "Q4_K_M" and .models[0].downloaded == "given" and .models[0].size_basis == "GGUF tensor sizes"
    and .models[0].kv_cache_gb * 1073741824 == 2097152
    and .models[0].weights_gb * 1073741824 < $s and .models[0].weights_gb * 1073741824 > $s * 0.9
    and .models[0].predicted_decode_tps > 0' "$T/out" >/dev/null
  # a Hugging Face file: only its header, by a Range request, from a local stand-in of the Hub (HF_ENDPOINT)
  if command -v python3 >/dev/null; then
    mkdir -p "$T/hub/org/tiny-GGUF/resolve/main"
    cp "$T/tiny.gguf" "$T/hub/org/tiny-GGUF/resolve/main/tiny.Q4_K_M.gguf"
    cat >"$T/hub.py" <<'PY'
import http.server, os, re, sys
root, log = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/"))
        rng = self.headers.get("Range", "")
        with open(log, "a") as f:
            f.write(f"{self.path} {rng}\n")
        if not os.path.isfile(path):
            self.send_response(404); self.end_headers(); return
        data = open(path, "rb").read()
        m = re.match(r"bytes=(\d+)-(\d+)$", rng)
        if m:
            a, b = int(m.group(1)), min(int(m.group(2)), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {a}-{b}/{len(data)}")
            data = data[a:b + 1]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
    python3 "$T/hub.py" "$T/hub" "$T/hub.log" >"$T/hub.port" &
    hub=$!
    for _ in $(seq 50); do [ -s "$T/hub.port" ] && break; sleep 0.1; done
    port=$(cat "$T/hub.port")
    expect_rc "advise --hf from a local Hub stand-in" 0 env HF_ENDPOINT="http://127.0.0.1:$port" \
      "$BIN" advise --json --no-results --no-registry --hf org/tiny-GGUF/tiny.Q4_K_M.gguf
    check "the Hub row: read from its header (a Range request), origin hf, not downloaded" jq -e '
      (.models | length) == 1 and .models[0].origin == "hf" and .models[0].key == "tiny.Q4_K_M.gguf"
      and .models[0].n_layer == 2 and .models[0].downloaded == "no" and .models[0].file == null' "$T/out" >/dev/null
    check "one GET with a Range from byte 0" grep -q '^/org/tiny-GGUF/resolve/main/tiny.Q4_K_M.gguf bytes=0-4194303$' \
      "$T/hub.log"
    check "nothing written to the models folder" test ! -e "$T/models/tiny.Q4_K_M.gguf"
    expect_rc "advise --hf: a file the Hub does not have" 1 env HF_ENDPOINT="http://127.0.0.1:$port" \
      "$BIN" advise --no-results --no-registry --hf org/tiny-GGUF/missing.gguf
    check "HTTP 404 named with the URL" grep -q "HTTP 404 for http://127.0.0.1:$port/org/tiny-GGUF/resolve/main/missing.gguf" "$T/err"
    kill "$hub" 2>/dev/null
    wait "$hub" 2>/dev/null
  fi
else
  echo "skip: the GGUF part (no libllama under .deps/llama to make the tiny model)" >&2
fi
# no Hub reachable (this machine has no network; a closed port here): a clear error, nothing else tried
expect_rc "advise --hf with no Hub reachable" 1 env HF_ENDPOINT=http://127.0.0.1:1 "$BIN" advise --no-results \
  --no-registry --hf TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf
check "cannot reach, the URL named" grep -q "cannot read the GGUF header of TheBloke/.*cannot reach http://127.0.0.1:1/TheBloke/" "$T/err"
expect_rc "advise --hf without a file part" 2 "$BIN" advise --no-results --no-registry --hf TheBloke/TinyLlama
check "the expected form said" grep -q "write OWNER/REPO/FILE.gguf" "$T/err"
for bad in ../../etc/passwd org/../x.gguf org/repo/../../x.gguf 'org/re po/x.gguf' org/repo/dir//x.gguf; do
  expect_rc "advise --hf '$bad': refused before any request" 2 env HF_ENDPOINT=http://127.0.0.1:1 "$BIN" advise \
    --no-results --no-registry --hf "$bad"
  check "  names the rule" grep -q "none of them '.' or '..'" "$T/err"
done
summary
