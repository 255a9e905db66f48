#!/usr/bin/env bash
# compare's verdicts on two results files with known per-run samples (tests/data/compare/a.json, b.json: the
# samples of tests/unit/test_stats.c, whose numbers come from tests/unit/stats_reference.py): tokens/s clearly
# higher on B (faster, 1.24×, CI 1.212–1.264), first-token latency overlapping (no significant difference), decode
# J/token with one run on B (not enough runs), GEMM times halved (faster, 2.00×, CI 1.686–2.420), sweep tests'
# samples_ts (pp64 1.5×, CI 1.471–1.530: faster; tg16: no significant difference, p 0.9226); in the text
# table, the Markdown, the CSV and --json; --baseline 2 turns them round.
# Usage: test_compare_stats.sh PATH/TO/computellm
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${CLLM_TEST_DATA:-$HERE/../data}/compare
T=$(mktemp -d /tmp/cllm_cmpstats.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$HERE/lib.sh"
jqt() { jq -e "$@" >/dev/null; }
A=$DATA/a.json
B=$DATA/b.json

expect_rc "compare two files with samples" 0 "$BIN" compare "$A" "$B"
check "text: a verdict column [2] vs [1]" grep -q '\[2\] vs \[1\]' "$T/out"
check "text: tokens/s faster with its CI" grep -Eq '^LLM tokens/s \(average\) tiny .*1\.24x  faster \(1\.24×, CI 1\.21–1\.26\)$' "$T/out"
check "text: latency no significant difference" grep -Eq '^LLM first-token latency tiny .*no significant difference$' "$T/out"
check "text: J/token not enough runs" grep -Eq '^LLM decode energy per token tiny .*not enough runs$' "$T/out"
check "text: GEMM faster 2.00x" grep -Eq '^CPU GFLOPS, all threads 512x512 .*2\.00x  faster \(2\.00×, CI 1\.69–2\.42\)$' "$T/out"
check "text: the method in the legend" grep -q "Welch's t test" "$T/out"

expect_rc "compare --json" 0 "$BIN" compare "$A" "$B" --json
cp "$T/out" "$T/cmp.json"
row() { jq -c --arg f "$1" --arg n "$2" '.rows[] | select(.family == $f and .name == $n)' "$T/cmp.json"; }
row ai_tokens_per_second tiny >"$T/tps"
row ai_first_token_latency tiny >"$T/ttft"
row ai_decode_joules_per_token tiny >"$T/dj"
row cpu_multi_thread 512x512 >"$T/gemm"
row ai_sweep_tokens_per_second "tiny pp64 ngl 0" >"$T/pp"
row ai_sweep_tokens_per_second "tiny tg16 ngl 0" >"$T/tg"
check "json: method and level" jqt '.method == "welch-fieller" and .level == 0.95' "$T/cmp.json"
check "json: baseline has no stats" jqt '.stats[0] == null and .n == [5, 5]' "$T/tps"
check "json: tokens/s ratio, CI to 1e-3, verdict, n" jqt '.stats[1] | .verdict == "faster" and .method == "welch-fieller"
  and (.ratio - 1.237624 | fabs) < 1e-3 and (.ci_low - 1.212253 | fabs) < 1e-3 and (.ci_high - 1.263640 | fabs) < 1e-3
  and .n_a == 5 and .n_b == 5 and .df == 8 and .p_value < 1e-7' "$T/tps"
check "json: latency no difference, p 0.443" jqt '.stats[1] | .verdict == "no_difference"
  and (.p_value - 0.443199 | fabs) < 1e-5 and .ci_low < 1 and .ci_high > 1' "$T/ttft"
check "json: J/token not enough runs (4 and 1)" jqt '.stats[1] | .verdict == "not_enough_runs" and .n_a == 4
  and .n_b == 1 and .ci_low == null' "$T/dj"
check "json: GEMM ratio 2, CI 1.686-2.420" jqt '.stats[1] | .verdict == "faster" and (.ratio - 2 | fabs) < 1e-9
  and (.ci_low - 1.685802 | fabs) < 1e-3 and (.ci_high - 2.419690 | fabs) < 1e-3' "$T/gemm"
check "json: sweep pp64 faster, CI 1.471-1.530" jqt '.stats[1] | .verdict == "faster" and .ratio == 1.5
  and (.ci_low - 1.470996 | fabs) < 1e-3 and (.ci_high - 1.529801 | fabs) < 1e-3 and .n_a == 5 and .df == 8' "$T/pp"
check "json: sweep tg16 no difference" jqt '.stats[1] | .verdict == "no_difference" and (.p_value - 0.922592 | fabs) < 1e-5
  and (.df - 2.673110 | fabs) < 1e-5' "$T/tg"
check "json: a skipped sweep test has no row" jqt '[.rows[] | select(.name | test("d512"))] == []' "$T/cmp.json"

expect_rc "compare --csv -" 0 "$BIN" compare "$A" "$B" --csv -
check "csv: verdict columns" bash -c "tr -d '\\r' <'$T/out' | grep -q '^ai_tokens_per_second,tiny,tokens/s,higher,10.1,12.5,1.23762,faster,1.23762,1.21225,1.26364,5,5$'"
expect_rc "compare --md" 0 "$BIN" compare "$A" "$B" --md
check "md: the verdict header" grep -Eq '\| \[2\] vs \[1\] +\|' "$T/out"

expect_rc "compare --baseline 2" 0 "$BIN" compare "$A" "$B" --baseline 2 --json
check "baseline 2: A slower on tokens/s and GEMM" bash -c "jq -e '[.rows[] | select(.family == \"ai_tokens_per_second\" or .family == \"cpu_multi_thread\") | .stats[0].verdict] == [\"slower\", \"slower\"]' '$T/out' >/dev/null"
check "baseline 2: latency still no difference" bash -c "jq -e '.rows[] | select(.family == \"ai_first_token_latency\") | .stats[0].verdict == \"no_difference\"' '$T/out' >/dev/null"
summary
