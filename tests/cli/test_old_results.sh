#!/usr/bin/env bash
# Results files of the version before the typed results model (issue 11) still load: `compare` of two copies and
# `export --csv` of tests/data/golden/results_v0.1.0_before_redesign.json work and show its numbers, and the
# strict reader still refuses what is not a results file. (The GUI's import of the same file: test_web_api.)
# Usage: test_old_results.sh PATH/TO/computellm
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
OLD=$HERE/../data/golden/results_v0.1.0_before_redesign.json
T=$(mktemp -d /tmp/cllm_old_results.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$HERE/lib.sh"

cp "$OLD" "$T/a.json"
cp "$OLD" "$T/b.json"
expect_rc "compare: two copies of the old file" 0 "$BIN" compare "$T/a.json" "$T/b.json"
check "compare: the old file's model row" grep -q "tiny-test" "$T/out"
check "compare: its classic rows" grep -qi "gflops\|memory" "$T/out"
expect_rc "compare --csv: two copies of the old file" 0 "$BIN" compare "$T/a.json" "$T/b.json" --csv -
check "compare csv: the throughput row, ratio 1 for a copy against itself" \
  grep -q "^ai_tokens_per_second,tiny-test,tokens/s,higher,419.99159301865285,419.99159301865285,1" "$T/out"

expect_rc "export --csv: the old file" 0 "$BIN" export "$T/a.json" --csv
check "export: CSV header" grep -q "^section,name,params,value,unit" "$T/out"
check "export: its throughput with the table's unit" \
  grep -q "^ai_benchmarks.summary,avg_tokens_per_second,tiny-test,419.99159301865285,tokens/s" "$T/out"
check "export: a hardware row" grep -q "^hardware.cpu,model,,AMD EPYC," "$T/out"
cp "$T/out" "$T/stdout.csv"
expect_rc "export --csv -o: the old file to a file" 0 "$BIN" export "$T/a.json" --csv -o "$T/a.csv"
check "export -o: the same text as on stdout" cmp -s "$T/a.csv" "$T/stdout.csv"

# the reader's checks are not loosened for old files
printf '{"schema_version": 1, "id": "x", "timestamp": "t"}' >"$T/nohw.json"
expect_rc "export refuses a file without hardware" 1 "$BIN" export "$T/nohw.json" --csv
check "export names the missing key" grep -q "hardware" "$T/err"
printf '{"schema_version": 1, "id": "x", "id": "y"}' >"$T/dup.json"
expect_rc "compare refuses a repeated key" 1 "$BIN" compare "$T/a.json" "$T/dup.json"
summary
