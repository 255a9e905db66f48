#!/usr/bin/env bash
# Where the in-process engine picks its tokens (run --sampling, llm/engine_llama.c): device is llama.cpp's backend
# sampling (the chain inside the decode graph; with the CPU library the graph runs on the CPU, which supports it),
# device-top-k keeps only the best candidates there and finishes on the host, host reads the logits back, auto is
# host when nothing is offloaded. Each run records what ran (sampling,
# sampling_note), every mode generates, a bad value is refused before anything runs.
# Usage: test_sampling.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_sampling.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

expect_rc "--sampling gpu exits 2" 2 "$BIN" run --skip-classic --sampling gpu --output "$T/r"
check "--sampling: the values named" grep -q "sampling (--sampling): expected auto, device, device-top-k or host" "$T/err"
check "no results file for a refused request" test -z "$(find "$T/r" -name '*.json' 2>/dev/null)"

if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi
printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny_models.json"
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 16},
  "runs": {"count": 2, "warmup": 1, "cleanup_pause_s": 0}}' >"$T/cfg.json"
for mode in device device-top-k host auto; do
  expect_rc "run --sampling $mode" 0 "$BIN" run --skip-classic --cpu --models-file "$T/tiny_models.json" \
    --config "$T/cfg.json" --models-dir "$T/models" --no-download --sampling $mode --output "$T/$mode"
  res=$(cat "$T/out")
  want=$mode
  [ "$mode" = auto ] && want=host   # nothing offloaded: auto keeps the host sampler
  [ "$mode" = device-top-k ] && want=device_top_k
  check "--sampling $mode: every run records sampling \"$want\" and generated tokens" jq -e --arg w "$want" '
    .ai_benchmarks.results["tiny-test"] as $m
    | $m.status == "ok" and ($m.runs | length) == 2
      and all($m.runs[]; .status == "ok" and .sampling == $w and .sampling_note == null and .generated_tokens > 0
                        and .tokens_per_second > 0)' "$res" >/dev/null \
    || jq '.ai_benchmarks.results["tiny-test"].runs' "$res" >&2
done
summary
