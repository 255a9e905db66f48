#!/usr/bin/env bash
# runs.count is honoured as configured (up to the config's maximum, 100), in the plain LLM phase and in the
# comparison variants that share its timed runs; a value outside a range is refused with the key named, never
# changed without a word (classic.memory_repeats below 5 was raised to 5; classic.gemm_iterations above 64 was
# cut to 64 by the CPU phases).
# Usage: test_runs_count.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_runs.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

# --- ranges: refused with the key named, exit 2 ---
echo '{"classic": {"memory_repeats": 4}}' >"$T/rep4.json"
expect_rc "memory_repeats 4 refused" 2 "$BIN" run --skip-classic --skip-ai --config "$T/rep4.json" --output "$T/r"
check "memory_repeats: the key and its range named" grep -q "classic.memory_repeats: 4 is out of range \[5, 100\]" "$T/err"
echo '{"runs": {"count": 101}}' >"$T/runs101.json"
expect_rc "runs.count 101 refused" 2 "$BIN" run --skip-classic --skip-ai --config "$T/runs101.json" --output "$T/r"
check "runs.count: the key named" grep -q "runs.count: 101 is out of range \[1, 100\]" "$T/err"
echo '{"classic": {"gpu_matrix_sizes": [1024, 40000]}}' >"$T/gpu40k.json"
expect_rc "gpu_matrix_sizes above the GPU phase's 32768 refused" 2 "$BIN" run --skip-classic --skip-ai \
  --config "$T/gpu40k.json" --output "$T/r"
check "gpu_matrix_sizes: the key and its range named" \
  grep -q "classic.gpu_matrix_sizes\[1\]: expected a whole number in \[16, 32768\]" "$T/err"

# --- classic.gemm_iterations honoured up to its maximum (100): every product timed (the CPU phases kept 64) ---
echo '{"classic": {"cpu_matrix_sizes": [16], "gpu_matrix_sizes": [16], "gemm_iterations": 100,
  "memory_array_mb": 1, "memory_repeats": 5}, "monitor": {"interval_s": 0.5}}' >"$T/iter100.json"
expect_rc "classic phases with gemm_iterations 100" 0 "$BIN" run --skip-ai --config "$T/iter100.json" \
  --output "$T/ri"
check "100 timed products per CPU phase" jq -e '.classic_benchmarks.benchmarks as $b
  | all($b.cpu_single_thread, $b.cpu_multi_thread; .status == "ok" and .results["16x16"].iterations == 100
        and (.results["16x16"].times_s | length) == 100)
  and $b.memory_bandwidth.repeats == 5' "$(cat "$T/out")" >/dev/null

# --- the tiny synthetic model (lib.sh's llm_entry), short generations ---
printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny_models.json"
if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 4},
  "runs": {"count": 20, "warmup": 0, "cleanup_pause_s": 0}}' >"$T/cfg20.json"
expect_rc "run with runs.count 20" 0 "$BIN" run --skip-classic --models-file "$T/tiny_models.json" \
  --config "$T/cfg20.json" --models-dir "$T/models" --no-download --output "$T/r20"
r20=$(cat "$T/out")
check "20 runs recorded (more than the old cap of 16)" jq -e '.ai_benchmarks.results["tiny-test"] as $m
  | $m.status == "ok" and ($m.runs | length) == 20 and ([$m.runs[].run] == [range(1; 21)])
  and all($m.runs[]; .status == "ok" and .generated_tokens == 4)
  and $m.summary.runs == 20 and $m.summary.successful_runs == 20 and $m.summary.stability == "stable"
  and $m.summary.peak_memory_gb > 0' "$r20" >/dev/null
check "progress counts to 20" grep -q "run 20/20" "$T/err"

# the config's maximum: 100 runs, every one recorded
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 2},
  "runs": {"count": 100, "warmup": 0, "cleanup_pause_s": 0}}' >"$T/cfg100.json"
expect_rc "run with runs.count 100" 0 "$BIN" run --skip-classic --models-file "$T/tiny_models.json" \
  --config "$T/cfg100.json" --models-dir "$T/models" --no-download --output "$T/r100"
check "100 runs recorded" jq -e '.ai_benchmarks.results["tiny-test"]
  | .status == "ok" and (.runs | length) == 100 and .summary.runs == 100 and .summary.successful_runs == 100
  and .runs[99].run == 100 and (.runs[99].memory_after_gb > 0)' "$(cat "$T/out")" >/dev/null

# a comparison phase (its variants share the timed runs): 17 runs each
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 2},
  "runs": {"count": 17, "warmup": 0, "cleanup_pause_s": 0}}' >"$T/cfg17.json"
expect_rc "run --compare temperature with runs.count 17" 0 "$BIN" run --skip-classic \
  --models-file "$T/tiny_models.json" --config "$T/cfg17.json" --models-dir "$T/models" --no-download \
  --output "$T/r17" --compare temperature
check "every temperature variant has 17 runs" jq -e '.ai_benchmarks.comparisons.temperature["tiny-test"]
  | ([keys[]] | sort) == ["high","low","medium"]
  and all(.[]; .status == "ok" and (.runs | length) == 17 and .summary.runs == 17
               and .summary.successful_runs == 17)' "$(cat "$T/out")" >/dev/null
summary
