#!/usr/bin/env bash
# CLI behaviour through the built binary: subcommands, aliases, exit codes, the results file, export, config.
# Usage: test_cli.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

# --- help, version, errors ---
expect_rc "no arguments prints help" 0 "$BIN"
check "help lists run" grep -q "run " "$T/out"
expect_rc "--version" 0 "$BIN" --version
check "version names the commit" grep -Eq '^computellm [0-9]+\.[0-9]+\.[0-9]+ \(commit ' "$T/out"
expect_rc "unknown global flag exits 2" 2 "$BIN" --frobnicate
check "usage goes to stderr" grep -q "usage: computellm" "$T/err"
check "nothing on stdout for a usage error" test ! -s "$T/out"
expect_rc "unknown command exits 2" 2 "$BIN" frobnicate
expect_rc "unknown detect flag exits 2" 2 "$BIN" detect --nope
check "detect usage on stderr" grep -q "usage: computellm detect" "$T/err"
expect_rc "unknown run flag exits 2" 2 "$BIN" run --nope
expect_rc "--output without value exits 2" 2 "$BIN" run --output
expect_rc "--server-url with --llama-server exits 2" 2 "$BIN" run --server-url http://127.0.0.1:1 --llama-server x
check "both engines: says they exclude each other" grep -q "exclude each other" "$T/err"
expect_rc "--server-url ftp:// exits 2" 2 "$BIN" run --server-url ftp://host
check "bad server URL named" grep -q "ftp://host" "$T/err"
for c in detect run export config gui; do
  expect_rc "$c --help" 0 "$BIN" "$c" --help
  [ "$c" = gui ] || check "$c --help has an example" grep -q "example" "$T/out"
done
expect_rc "help run" 0 "$BIN" help run
# gui serves until Ctrl-C, so only its refusals are run here (tests/unit/test_web_api.c drives the server)
if "$BIN" --version | grep -q "CLLM_WITH_MICROHTTPD=ON"; then
  expect_rc "gui on a non-loopback host without --token exits 2" 2 "$BIN" gui --host 0.0.0.0 --no-browser
  check "gui says --token is required" grep -q -- "--token is required" "$T/err"
else
  expect_rc "gui without libmicrohttpd exits 1" 1 "$BIN" gui --no-browser
fi

# --- detect ---
expect_rc "detect" 0 "$BIN" detect
check "detect names the CPU" grep -q "^CPU " "$T/out"
expect_rc "detect --json" 0 "$BIN" detect --json
cp "$T/out" "$T/hw.json"
check "detect --json is JSON" jq -e . "$T/hw.json" >/dev/null
expect_rc "--detect alias" 0 "$BIN" --detect --json
check "alias gives the same CPU" test "$(jq -r .cpu.model "$T/out")" = "$(jq -r .cpu.model "$T/hw.json")"
if [ "$(uname -s)" = Linux ] && command -v lscpu >/dev/null; then
  model=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
  cps=$(lscpu | sed -n 's/^Core(s) per socket:[[:space:]]*//p' | head -1)
  sockets=$(lscpu | sed -n 's/^Socket(s):[[:space:]]*//p' | head -1)
  check "cpu.model = lscpu Model name" test "$(jq -r .cpu.model "$T/hw.json")" = "$model"
  check "cpu.physical_cores = lscpu cores x sockets" test "$(jq -r .cpu.physical_cores "$T/hw.json")" = "$((cps * sockets))"
  check "cpu.logical_cores = nproc" test "$(jq -r .cpu.logical_cores "$T/hw.json")" = "$(nproc)"
  memtotal_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  check "ram.total_gb within 1% of MemTotal" \
    jq -e --argjson kb "$memtotal_kb" '(.ram.total_gb * 1048576 - $kb) | fabs < ($kb * 0.01)' "$T/hw.json" >/dev/null
  check "os.system = Linux" test "$(jq -r .os.system "$T/hw.json")" = Linux
fi
check "gpu has primary_backend" jq -e '.gpu.primary_backend | type == "string"' "$T/hw.json" >/dev/null
check "every null has a reason" jq -e '
  [paths(. == null) as $p | ($p[:-1] + ["null_reasons", $p[-1]]) as $r | select($p[-1] != "null_reasons")
   | (getpath($r) // null) | type == "string"] | all' "$T/hw.json" >/dev/null

# --- config ---
expect_rc "config --print-defaults" 0 "$BIN" config --print-defaults
cp "$T/out" "$T/defaults.json"
check "defaults have 3 runs" test "$(jq -r .runs.count "$T/defaults.json")" = 3
expect_rc "config --check defaults" 0 "$BIN" config --check "$T/defaults.json"
echo '{"inference": {"temperature": "hot"}}' > "$T/bad.json"
expect_rc "bad config exits 2" 2 "$BIN" config --check "$T/bad.json"
check "bad config names the key" grep -q "inference.temperature" "$T/err"
expect_rc "run with bad config exits 2" 2 "$BIN" run --config "$T/bad.json" --output "$T/r"
check "run with bad config names the key" grep -q "inference.temperature" "$T/err"
expect_rc "run with missing config exits 2" 2 "$BIN" run --config "$T/none.json" --output "$T/r"
expect_rc "run with bad model key exits 2" 2 "$BIN" run --models "Bad/Key" --output "$T/r"

# --- run and the results file (small matrices keep the classic phases short) ---
echo '{"classic": {"cpu_matrix_sizes": [256, 512], "gemm_iterations": 2, "memory_repeats": 5}, "monitor": {"interval_s": 0.1}}' >"$T/small.json"
expect_rc "run" 0 "$BIN" run --skip-ai --config "$T/small.json" --output "$T/results"
res=$(cat "$T/out")
check "run prints the results path" test -f "$res"
check "results file name" bash -c "basename '$res' | grep -Eq '^benchmark_[A-Za-z0-9_]+_Linux_[0-9]{8}_[0-9]{6}\.json$'"
check "results keys" jq -e '
  .schema_version == 1 and (.id | test("^[0-9]{8}_[0-9]{6}$")) and (.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))
  and (.hardware.os.system | type == "string") and (.hardware.os.machine | type == "string")
  and (.hardware.cpu.model | type == "string") and (.hardware.cpu.physical_cores | type == "number")
  and (.hardware.gpu.primary_backend | type == "string") and (.hardware.ram.total_gb | type == "number")
  and (.hardware.ram.unified_memory | type == "boolean") and (.tool.git_commit | type == "string")
  and .run.status == "complete" and .ai_benchmarks.status == "skipped"
  and (.classic_benchmarks.benchmarks | type == "object") and (.ai_benchmarks.results | type == "object")' \
  "$res" >/dev/null
check "no temp file left" test -z "$(find "$T/results" -name '.*.tmp.*')"
check "classic phases ran" jq -e '
  .classic_benchmarks.benchmarks as $b
  | ([$b.cpu_single_thread, $b.cpu_multi_thread] | all(
      (.status == "ok" and (.results | length) == 2 and all(.results[]; .gflops > 0))
      or (.status == "skipped" and (.reason | test("OpenBLAS")))))
  and $b.memory_bandwidth.status == "ok"
  and ($b.memory_bandwidth.copy_gbps > 0) and ($b.memory_bandwidth.validation.passed == true)
  and ($b.gpu_compute.status | IN("ok", "skipped")) and ($b.cpu_single_thread.cleanup | type == "object")
  and ($b.memory_bandwidth.monitor.summary | type == "object")' "$res" >/dev/null
check "progress line per phase" bash -c "grep -c '^\[classic [1-4]/4\]' '$T/err' | grep -qx 8"
check "final table" grep -q "^Classic benchmarks" "$T/err"
expect_rc "--cli alias with --models list" 0 "$BIN" --cli --models tinyllama-1.1b mistral-7b --skip-classic --skip-ai -q --output "$T/results2"
check "--models reaches the config" test "$(jq -c .config.models "$(cat "$T/out")")" = '["tinyllama-1.1b","mistral-7b"]'
check "-q keeps stderr quiet of logs" bash -c "! grep -q 'computellm: warning' '$T/err'"

# --- Ctrl-C keeps a valid partial results file ---
"$BIN" run --skip-ai --output "$T/cancel" >"$T/out" 2>"$T/err" &
pid=$!
sleep 2.5
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 130 ]; then ok "Ctrl-C exits 130"; else bad "Ctrl-C exits 130 (got $rc)"; fi
cres=$(cat "$T/out")
check "Ctrl-C writes a valid results file" jq -e '.run.status == "cancelled" and .classic_benchmarks.status == "partial"
  and (.classic_benchmarks.benchmarks | length) >= 1' "$cres" >/dev/null
check "no temp file after Ctrl-C" test -z "$(find "$T/cancel" -name '.*.tmp.*')"

# --- a crash says where it happened and dies by its signal (a core dump stays possible) ---
"$BIN" run --skip-ai --output "$T/crash" >"$T/out" 2>"$T/err" &
pid=$!
sleep 1
kill -SEGV "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 139 ]; then ok "SIGSEGV: dies by the signal"; else bad "SIGSEGV: dies by the signal (got $rc)"; fi
check "SIGSEGV: says so" grep -q "computellm: crashed (signal 11); call stack" "$T/err"
check "SIGSEGV: frames name the module" grep -Eq "computellm\(|libc\.so" "$T/err"

# --- the LLM phase end to end on a tiny synthetic model (lib.sh's llm_entry: a real-format registry entry) ---
printf '{"models": {%s,\n%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" \
  "$(llm_entry huge-test "Needs more RAM than any machine" 9000B 100000 5000)" >"$T/tiny_models.json"
echo '{"models": ["tiny-test", "huge-test"], "inference": {"max_tokens": 24}, "runs": {"warmup_max_tokens": 4}}' >"$T/tiny_cfg.json"
if ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  ai=(run --skip-classic --models-file "$T/tiny_models.json" --config "$T/tiny_cfg.json" --models-dir "$T/models"
      --no-download --output "$T/ai")
  expect_rc "run: LLM phase on a synthetic model" 0 "$BIN" "${ai[@]}"
  air=$(cat "$T/out")
  check "synthetic notice said" grep -q "NOTICE:.*SYNTHETIC" "$T/err"
  check "LLM results" jq -e '.ai_benchmarks.results["tiny-test"] as $m
    | $m.status == "ok" and $m.model.synthetic == true and ($m.runs | length) == 3
    and all($m.runs[]; .status == "ok" and .generated_tokens == 24 and .tokens_per_second > 0
                       and .first_token_latency_s > 0 and .inter_token_latency_p90_ms > 0)
    and $m.summary.avg_tokens_per_second > 0 and $m.summary.avg_first_token_latency_s > 0
    and $m.summary.stability == "stable" and ($m.summary.peak_memory_gb > 0)
    and ($m.load.model_load_time_s > 0) and ($m.engine.backend | type == "string")
    and (.ai_benchmarks.llama.version == "0.5.0-dev")' "$air" >/dev/null
  check "low RAM → skipped with the reason" jq -e '.ai_benchmarks.results["huge-test"]
    | .status == "skipped" and (.reason | test("RAM"))' "$air" >/dev/null
  expect_rc "second run reuses the synthetic file" 0 "$BIN" "${ai[@]}"
  check "reused, not made again" jq -e '.ai_benchmarks.results["tiny-test"].model.source == "synthetic (reused)"' \
    "$(cat "$T/out")" >/dev/null
  # the comparison phases (6, 8, 9, 10) on the same tiny model: every quantization synthetic, short runs
  echo '{"models": ["tiny-test"], "inference": {"max_tokens": 8}, "runs": {"count": 2, "warmup_max_tokens": 4,
    "cleanup_pause_s": 0}}' >"$T/cmp_cfg.json"
  expect_rc "run --all-phases on a synthetic model" 0 "$BIN" run --skip-classic --models-file "$T/tiny_models.json" \
    --config "$T/cmp_cfg.json" --models-dir "$T/models" --no-download --output "$T/cmp" --all-phases
  cmpr=$(cat "$T/out")
  check "comparison variants all ok with 2 runs" jq -e '.ai_benchmarks.comparisons as $c
    | $c.status == "ok"
    and ([$c.quantization["tiny-test"] | keys[]] | sort) == (["Q2_K","Q3_K_M","Q4_K_M","Q5_K_M","Q6_K","Q8_0"] | sort)
    and ([$c.temperature["tiny-test"] | keys[]] | sort) == ["high","low","medium"]
    and ([$c.language["tiny-test"] | keys[]] | sort) == (["en","fr","zh","es","de","ar"] | sort)
    and ([$c.prompt_type["tiny-test"] | keys[]] | sort) == (["general","code","reasoning","creative","math"] | sort)
    and all($c.quantization, $c.temperature, $c.language, $c.prompt_type | .["tiny-test"][];
            .status == "ok" and (.runs | length) == 2 and all(.runs[]; .generated_tokens == 8)
            and .summary.avg_tokens_per_second > 0 and (.summary.std_tokens_per_second >= 0)
            and .summary.avg_first_token_latency_s > 0 and .summary.inter_token_latency_mean_ms > 0
            and .summary.peak_memory_gb > 0 and .summary.stability == "stable" and .prompt_tokens > 0)' \
    "$cmpr" >/dev/null
  check "quantization: file size, load time, memory after load" jq -e '.ai_benchmarks.comparisons.quantization["tiny-test"]
    | all(.[]; .synthetic == true and .actual_file_size_gb > 0 and .model_load_time_s > 0
               and .memory_after_load_gb > 0) and .Q8_0.actual_file_size_gb > .Q2_K.actual_file_size_gb' \
    "$cmpr" >/dev/null
  check "temperature: 0.25 / 0.50 / 0.75" jq -e '.ai_benchmarks.comparisons.temperature["tiny-test"]
    | .low.temperature == 0.25 and .medium.temperature == 0.5 and .high.temperature == 0.75' "$cmpr" >/dev/null
  check "language: zh and ar prompts tokenize differently from en" jq -e '.ai_benchmarks.comparisons.language["tiny-test"]
    | .zh.prompt_tokens != .en.prompt_tokens and .ar.prompt_tokens != .en.prompt_tokens
    and all(.[]; .temperature == 0.7)' "$cmpr" >/dev/null
  check "comparison tables printed" bash -c "grep -q '^Quantizations, tiny-test' '$T/err' && grep -q '^Temperatures, tiny-test' '$T/err' \
    && grep -q '^Languages, tiny-test' '$T/err' && grep -q '^Prompt types, tiny-test' '$T/err'"
  expect_rc "run --compare language only" 0 "$BIN" run --skip-classic --models-file "$T/tiny_models.json" \
    --config "$T/cmp_cfg.json" --models-dir "$T/models" --no-download --output "$T/cmp2" --compare language
  check "--compare language runs only that phase" jq -e '.ai_benchmarks.comparisons
    | (keys | sort) == ["language","status"]' "$(cat "$T/out")" >/dev/null
  expect_rc "--compare with an unknown phase exits 2" 2 "$BIN" run --skip-classic --compare quant,colour
  check "--compare names the unknown phase" grep -q "colour" "$T/err"
  expect_rc "synth command" 0 "$BIN" synth tiny-test --models-file "$T/tiny_models.json" --quant Q8_0 -o "$T/t8.gguf"
  check "synth wrote a GGUF" bash -c "head -c 4 '$T/t8.gguf' | grep -q GGUF"
  expect_rc "synth of an unknown model exits 2" 2 "$BIN" synth no-such-model
else
  echo "skip LLM phase tests: no libllama under .deps/llama (run scripts/setup)" >&2
fi

# --- export ---
expect_rc "export --csv" 0 "$BIN" export "$res" --csv
check "csv header" test "$(head -1 "$T/out" | tr -d '\r')" = "section,name,params,value,unit"
check "csv has the cpu model" grep -q "^hardware.cpu,model,," "$T/out"
cp "$T/out" "$T/stdout.csv"
expect_rc "export -o" 0 "$BIN" export "$res" --csv -o "$T/out.csv"
check "export -o wrote the same" cmp -s "$T/stdout.csv" "$T/out.csv"
expect_rc "export without --csv exits 2" 2 "$BIN" export "$res"
expect_rc "export of a missing file exits 1" 1 "$BIN" export "$T/none.json" --csv
echo '{"hello": 1}' > "$T/notresult.json"
expect_rc "export of a non-result exits 1" 1 "$BIN" export "$T/notresult.json" --csv
check "export names the missing key" grep -q "schema_version" "$T/err"

# --- compare: a copy of the results file with one metric doubled gives a 2.00x ratio on that row only ---
jq '.classic_benchmarks.benchmarks.memory_bandwidth.triad_gbps *= 2 | .id = "20990101_000000"' "$res" >"$T/double.json"
expect_rc "compare two files" 0 "$BIN" compare "$res" "$T/double.json"
# the passes' samples are the same in both files (only the headline was doubled): no significant difference
check "compare: triad ratio 2.00x" grep -Eq '^Memory bandwidth, all threads triad .* 2\.00x  no significant difference$' "$T/out"
check "compare: copy ratio 1.00x" grep -Eq '^Memory bandwidth, all threads copy .* 1\.00x  no significant difference$' "$T/out"
check "compare: legend names the baseline" grep -q '^\[1\] .*(baseline)$' "$T/out"
expect_rc "compare --baseline 2" 0 "$BIN" compare "$res" "$T/double.json" --baseline 2
check "compare: triad ratio 0.50x vs baseline 2" grep -Eq '^Memory bandwidth, all threads triad .* 0\.50x  ' "$T/out"
expect_rc "compare --csv -" 0 "$BIN" compare "$res" "$T/double.json" --csv -
check "compare csv: triad row ratio 2" bash -c "tr -d '\\r' <'$T/out' | grep -q '^memory_bandwidth,triad,GB/s,higher,[^,]*,[^,]*,2,no_difference,1,'"
expect_rc "compare --md" 0 "$BIN" compare "$res" "$T/double.json" --md
check "compare md: a pipe table" grep -q '^| metric ' "$T/out"
expect_rc "compare --html" 0 "$BIN" compare "$res" "$T/double.json" --html "$T/cmp.html"
check "compare html: data and script" bash -c "grep -q 'id=\"cllm-data\"' '$T/cmp.html' && grep -q '\"triad\"' '$T/cmp.html'"
echo '{"hello": 1}' >"$T/notresult.json"
expect_rc "compare with a bad file exits 1" 1 "$BIN" compare "$res" "$T/notresult.json"
check "compare names the bad file" grep -q "notresult.json" "$T/err"
expect_rc "compare with one file exits 2" 2 "$BIN" compare "$res"
expect_rc "compare --baseline out of range exits 2" 2 "$BIN" compare "$res" "$T/double.json" --baseline 3
expect_rc "compare --help" 0 "$BIN" compare --help
check "compare --help has an example" grep -q "example" "$T/out"

summary
