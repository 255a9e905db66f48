#!/usr/bin/env bash
# Energy per token (monitor/energy.c, llm/metrics.c): every successful run of the tiny model carries prompt_energy
# and decode_energy, the summary avg_decode_joules_per_token, and every sweep row its energy keys after
# llama-bench's (md/csv/json); each is a number with its source or null with the reason. On a machine with no
# sensor (this 2-core VM: no /sys/class/powercap, no GPU) the reason names both; where a sensor exists the numbers
# must be positive with their source.
# Usage: test_energy.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_energy.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi
# no sensor here: no readable RAPL package counter and no NVIDIA/AMD GPU
nosensor=0
if ! ls /sys/class/powercap/intel-rapl:*/energy_uj >/dev/null 2>&1 || ! cat /sys/class/powercap/intel-rapl:*/energy_uj >/dev/null 2>&1; then
  if ! ls /dev/nvidia0 /sys/class/drm/card*/device/hwmon/*/power1_average >/dev/null 2>&1; then
    nosensor=1
  fi
fi

printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny.json"
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 24},
  "runs": {"count": 2, "warmup": 1, "cleanup_pause_s": 0}}' >"$T/cfg.json"
expect_rc "run the tiny model" 0 "$BIN" run --skip-classic --cpu --models-file "$T/tiny.json" --config "$T/cfg.json" \
  --models-dir "$T/models" --no-download --output "$T/r"
res=$(cat "$T/out")   # stdout: the results file's path; the tables go to stderr
cp "$T/err" "$T/run_err"
# a window's energy: a number with its source and domains, or null with a reason for every number
window_ok='def win: (.joules_per_token | type == "number") and .joules > 0 and .watts > 0 and .energy_tokens > 0
    and (.energy_source | length) > 0 and (.energy_domains | length) > 0
    and ((.joules / .energy_tokens - .joules_per_token) | fabs) < 1e-9 * .joules_per_token
    and ((.tokens_per_joule * .joules_per_token - 1) | fabs) < 1e-9
  or (.joules_per_token == null and .joules == null and (.null_reasons.joules_per_token | length) > 0
      and (.null_reasons.joules | length) > 0 and .energy_source == null);'
check "every run has prompt_energy and decode_energy, numbers with their source or null with the reason" jq -e "
  $window_ok
  .ai_benchmarks.results[\"tiny-test\"].runs as \$r | (\$r | length) == 2
  and all(\$r[]; .status == \"ok\" and (.prompt_energy | win) and (.decode_energy | win)
                 and .decode_energy.energy_tokens == .generated_tokens - 1
                 and .prompt_energy.energy_tokens == .prompt_tokens
                 and (.decode_energy.energy_window_s > 0))" "$res" >/dev/null \
  || jq '.ai_benchmarks.results["tiny-test"].runs[0] | {prompt_energy, decode_energy}' "$res" >&2
check "the summary has avg_decode_joules_per_token (a number, or null with the reason)" jq -e '
  .ai_benchmarks.results["tiny-test"].summary as $s
  | ($s | has("avg_decode_joules_per_token")) and ($s | has("energy_runs"))
    and (($s.avg_decode_joules_per_token | type) == "number" and $s.energy_runs > 0
         or ($s.avg_decode_joules_per_token == null and $s.energy_runs == 0
             and ($s.null_reasons.avg_decode_joules_per_token | length) > 0))' "$res" >/dev/null
check "the terminal table has an energy line" grep -Eq 'energy: (decode [0-9.]+ J/token|J/token null: )' "$T/run_err"
if [ $nosensor = 1 ]; then
  check "no sensor here: null, the reason names RAPL and the GPU" jq -e '
    .ai_benchmarks.results["tiny-test"] as $m
    | all($m.runs[]; (.decode_energy.null_reasons.joules_per_token | test("RAPL not readable"))
                     and (.decode_energy.null_reasons.joules_per_token | test("GPU: (no GPU|the run used no GPU)")))
      and ($m.summary.null_reasons.avg_decode_joules_per_token | test("no energy reading: CPU package: RAPL"))' \
    "$res" >/dev/null || jq '.ai_benchmarks.results["tiny-test"].runs[0].decode_energy' "$res" >&2
else
  check "a sensor here: decode J/token measured" jq -e \
    '.ai_benchmarks.results["tiny-test"].summary.avg_decode_joules_per_token > 0' "$res" >/dev/null
fi

# --- sweep: the energy keys after llama-bench's, in every format ---
M=(-m tiny-test --models-file "$T/tiny.json" --models-dir "$T/models" --no-download -t 1 -r 2)
expect_rc "sweep -o json" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -o json
check "json: every test has the energy keys (number with source, or null with the reason)" jq -e "
  $window_ok
  length == 2 and all(.[]; win and .energy_tokens == (.n_prompt + .n_gen) * 2)" "$T/out" >/dev/null \
  || jq '.[0]' "$T/out" >&2
if [ $nosensor = 1 ]; then
  check "json: no sensor: the reason names RAPL and the GPU" jq -e 'all(.[];
    (.null_reasons.joules_per_token | test("repetition 1: no energy reading: CPU package: RAPL not readable"))
    and (.null_reasons.joules_per_token | test("GPU: no GPU")))' "$T/out" >/dev/null
fi
expect_rc "sweep -o csv" 0 "$BIN" sweep "${M[@]}" -p 32 -n 0 -o csv
check "csv: llama-bench's columns first, then ours (joules_per_token after noisy)" bash -c "head -1 '$T/out' |
  grep -q '^status,reason,build_commit,.*,avg_ts,stddev_ts,.*,noisy,energy_window_s,energy_tokens,joules,watts,joules_per_token,tokens_per_joule,energy_domains,energy_source,'"
expect_rc "sweep -o md" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -o md
if [ $nosensor = 1 ]; then
  check "md: no J/token column without a sensor, and the footer says why" bash -c "
    ! grep -q 'J/token |' '$T/out' && grep -q '^J/token not measured: repetition 1: no energy reading: CPU package: RAPL' '$T/out'"
else
  check "md: a J/token column after t/s" grep -Eq '^\| model .*\| +t/s \| +J/token \|$' "$T/out"
fi
summary
