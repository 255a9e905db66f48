#!/usr/bin/env bash
# The golden comparison of the redesign (issue 11): `run` on the tiny synthetic model with every comparison phase
# writes the same keys, value types and plan values as the version before the typed results model did. The
# fixture tests/data/golden/run_tiny.norm.json is that version's results file normalized by golden.jq (measured
# numbers, times, ids and hardware facts masked). A changed key or value shows as a diff.
# The ladder is off: its llama-server rung depends on whether one is installed (tests/cli/test_ladder.sh checks it).
# To re-record after a deliberate change of the results format: GOLDEN_UPDATE=1 test_golden.sh BIN.
# Usage: test_golden.sh PATH/TO/computellm
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$HERE/../data/golden/run_tiny.norm.json
T=$(mktemp -d /tmp/cllm_golden.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$HERE/lib.sh"

if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi
printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny_models.json"
cat >"$T/cfg.json" <<'JSON'
{"models": ["tiny-test"], "inference": {"max_tokens": 4},
 "runs": {"count": 2, "warmup": 1, "cleanup_pause_s": 0},
 "classic": {"cpu_matrix_sizes": [64, 128], "gpu_matrix_sizes": [64], "gemm_iterations": 2,
             "memory_array_mb": 8, "memory_repeats": 5},
 "monitor": {"interval_s": 0.2}}
JSON
expect_rc "run, every phase, on the tiny model" 0 "$BIN" run --models-file "$T/tiny_models.json" --config "$T/cfg.json" \
  --models-dir "$T/models" --no-download --all-phases --ladder off --output "$T/results"
res=$(cat "$T/out")
jq -S -f "$HERE/golden.jq" "$res" >"$T/now.json"
if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
  cp "$T/now.json" "$FIX"
  echo "golden fixture re-recorded: $FIX" >&2
fi
if diff -u "$FIX" "$T/now.json" >"$T/diff"; then
  ok "same keys and values as the golden results file (measured numbers aside)"
else
  bad "results differ from the golden file (- golden, + now):"
  head -80 "$T/diff" >&2
fi
summary
