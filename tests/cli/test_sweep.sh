#!/usr/bin/env bash
# computellm sweep on the tiny synthetic model with the real libllama: llama-bench's table shape, every -o format
# parses (the SQL loads into sqlite3), knobs with lists and ranges, the depth built once per depth and the order of
# -d not mattering (on one thread: a spinning thread pool on a busy 2-core machine makes 2-thread timings swing 100x), a results file with ai_benchmarks.sweep, refusals with exit 2.
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_sweep.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi
printf '{"models": {%s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/tiny.json"
M=(-m tiny-test --models-file "$T/tiny.json" --models-dir "$T/models" --no-download)

# --- md: llama-bench's table ---
expect_rc "sweep -p 64 -n 16 -r 3 -t 2 -o md" 0 "$BIN" sweep "${M[@]}" -p 64 -n 16 -r 3 -t 2 -o md
check "md header has llama-bench's columns" grep -Eq '^\| model +\| +size \| +params \| backend +\| threads \| +test \| +t/s \|$' "$T/out"
check "md separator row" grep -Eq '^\| -+ \| -+: \| -+: \| -+ \| -+: \| -+: \| -+: \|$' "$T/out"
check "md rows pp64 and tg16 with mean ± sd" bash -c "grep -Eq '\| +pp64 \| +[0-9.]+ ± [0-9.]+( T)?( N)? \|' '$T/out' &&
  grep -Eq '\| +tg16 \| +[0-9.]+ ± [0-9.]+( T)?( N)? \|' '$T/out'"
check "md footer names the build and the synthetic model" bash -c "grep -q '^build: ' '$T/out' && grep -q 'synthetic' '$T/out'"
check "a SYNTHETIC notice on stderr" grep -q 'SYNTHETIC' "$T/err"

# --- json / jsonl / csv / sql ---
expect_rc "-o json" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -r 2 -t 1 -o json
cp "$T/out" "$T/sweep.json"
check "json: an array of 2 tests with llama-bench's fields" jq -e 'length == 2
  and .[0].n_prompt == 32 and .[0].n_gen == 0 and .[1].n_gen == 8 and .[1].n_prompt == 0
  and all(.[]; .status == "ok" and (.avg_ts > 0) and (.samples_ts | length) == 2 and (.samples_ns | length) == 2
          and .n_threads == 1 and .n_batch == 2048 and .n_ubatch == 512 and .type_k == "f16" and .n_depth == 0
          and (.build_commit | length) > 0 and (.model_type | length) > 0 and .model_size > 0)
  and ((.[0].samples_ts | add / length) - .[0].avg_ts | fabs) < 1e-6 * .[0].avg_ts' "$T/sweep.json" >/dev/null
check "json: t/s = tokens / time per sample" jq -e 'all(.[]; . as $t | [range(0; 2)]
  | all(. as $i | (($t.samples_ts[$i] - ($t.n_prompt + $t.n_gen) * 1e9 / $t.samples_ns[$i]) | fabs)
        < 1e-6 * $t.samples_ts[$i]))' \
  "$T/sweep.json" >/dev/null
expect_rc "-o jsonl" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -r 2 -t 1 -o jsonl
check "jsonl: one object per line" bash -c "[ \$(wc -l <'$T/out') -eq 2 ] && jq -e -s 'length == 2 and .[0].n_prompt == 32' '$T/out' >/dev/null"
expect_rc "-o csv" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -r 2 -t 1 -o csv
check "csv: header and 2 rows of the same width" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]
assert len(rows) == 3 and all(len(r) == len(h) for r in rows), rows
for f in ("n_prompt", "n_gen", "avg_ts", "stddev_ts", "model_filename", "build_commit", "n_threads"):
    assert f in h, f
assert float(rows[1][h.index("avg_ts")]) > 0 and rows[1][h.index("n_prompt")] == "32"
' "$T/out"
expect_rc "-o sql" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -r 2 -t 1 -o sql
check "sql loads into sqlite3" bash -c "sqlite3 '$T/db.sqlite' <'$T/out' &&
  [ \"\$(sqlite3 '$T/db.sqlite' 'select count(*), sum(n_prompt), sum(n_gen), min(avg_ts) > 0 from llama_bench')\" = '2|32|8|1' ]"

# --- every knob, with lists and ranges ---
expect_rc "all knobs with lists/ranges" 0 "$BIN" sweep "${M[@]}" -p 16 -n 4 -pg 8,2 -d 0,16 -r 1 -t 1-2 -b 16,32 \
  -ub 16 -fa 0,1 -ctk f16,q8_0 -ctv f16 -ngl 0 -sm layer -mg 0 -nkvo 0,1 -nopo 0 -mmp 1 --poll 0,50 --delay 0 \
  --no-warmup --progress -o jsonl
check "the matrix: 3 tests x d2 x t2 x b2 x fa2 x ctk2 x nkvo2 x poll2 = 384 rows, every one ok" bash -c "
  jq -e -s 'length == 384 and all(.[]; .status == \"ok\") and ([.[].n_threads] | unique) == [1, 2]
    and ([.[].type_k] | unique) == [\"f16\", \"q8_0\"] and ([.[].flash_attn] | unique) == [0, 1]
    and ([.[] | select(.n_prompt == 8 and .n_gen == 2)] | length) == 128
    and ([.[].poll] | unique) == [0, 50] and ([.[].no_kv_offload] | unique) == [false, true]' '$T/out' >/dev/null"
check "--progress: llama-bench's step lines" grep -q 'benchmark 1/384: ' "$T/err"

# --- depth: built once per depth, order does not matter ---
# twice in each order, alternated, so one burst of other work on the machine does not decide
for k in 1 2; do
  expect_rc "-d 0,64,128 ($k)" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -d 0,64,128 -r 5 -t 1 -o json
  cp "$T/out" "$T/up$k.json"
  expect_rc "-d 128,64,0 ($k)" 0 "$BIN" sweep "${M[@]}" -p 32 -n 8 -d 128,64,0 -r 5 -t 1 -o json
  cp "$T/out" "$T/down$k.json"
done
cp "$T/up1.json" "$T/up.json"
cp "$T/down1.json" "$T/down.json"
for f in up down; do
  check "$f: each depth filled once (its pp test builds it, the rest restore it)" jq -e '
    [group_by(.n_depth)[] | {d: .[0].n_depth, b: (map(.depth_builds) | add)}]
    | all(.[]; if .d == 0 then .b == 0 else .b == 1 end)' "$T/$f.json" >/dev/null
done
check "same tests whatever the order, best repetition within noise (a factor 3 either way)" jq -e -n \
  --slurpfile a1 "$T/up1.json" --slurpfile a2 "$T/up2.json" --slurpfile b1 "$T/down1.json" \
  --slurpfile b2 "$T/down2.json" '($a1[0] + $a2[0]) as $A | ($b1[0] + $b2[0]) as $B
  | [$A | group_by("\(.n_prompt)/\(.n_gen)/\(.n_depth)")[]
     | {k: "\(.[0].n_prompt)/\(.[0].n_gen)/\(.[0].n_depth)", ts: ([.[].samples_ts[]] | max), ctx: .[0].n_ctx}] as $x
  | [$B | group_by("\(.n_prompt)/\(.n_gen)/\(.n_depth)")[]
     | {k: "\(.[0].n_prompt)/\(.[0].n_gen)/\(.[0].n_depth)", ts: ([.[].samples_ts[]] | max), ctx: .[0].n_ctx}] as $y
  | ($x | length) == 6 and ($x | map(.k) | sort) == ($y | map(.k) | sort)
  and all($x[]; . as $e | ($y[] | select(.k == $e.k)) as $f | $f.ctx == $e.ctx and ($f.ts / $e.ts) > 0.33
      and ($f.ts / $e.ts) < 3)' >/dev/null

# --- a results file ---
expect_rc "--output DIR" 0 "$BIN" sweep "${M[@]}" -p 16 -n 4 -r 2 -t 1 -o none --output "$T/res"
f=$(ls "$T"/res/benchmark_*.json 2>/dev/null | head -1)
check "results file: ai_benchmarks.sweep with the tests and the method" jq -e '
  .ai_benchmarks.sweep.status == "ok" and .ai_benchmarks.sweep.repetitions == 2
  and (.ai_benchmarks.sweep.tests | length) == 2 and .ai_benchmarks.sweep.tests[0].model_key == "tiny-test"
  and .ai_benchmarks.sweep.tests[0].synthetic == true and (.ai_benchmarks.sweep.method | test("random tokens"))
  and .classic_benchmarks.status == "skipped" and .run.status == "complete"' "${f:-/dev/null}" >/dev/null

# --- refusals ---
expect_rc "unknown option → 2" 2 "$BIN" sweep "${M[@]}" --bogus
check "  names it" grep -q -- '--bogus' "$T/err"
expect_rc "bad range → 2" 2 "$BIN" sweep "${M[@]}" -p 512-64
check "  says why" grep -q 'ends below its start' "$T/err"
expect_rc "-o xml → 2" 2 "$BIN" sweep "${M[@]}" -o xml
expect_rc "no model → 2" 2 "$BIN" sweep -p 512
expect_rc "a missing GGUF → 1, the row failed" 1 "$BIN" sweep -m "$T/none.gguf" -p 16 -n 0 -r 1 -o json
check "  failed row with the reason" jq -e '.[0].status == "failed" and (.[0].reason | test("no such GGUF"))' "$T/out" >/dev/null
expect_rc "--help" 0 "$BIN" sweep --help
check "  lists llama-bench's options" bash -c "grep -q -- '-ngl, --n-gpu-layers' '$T/out' && grep -q -- '--until-stable' '$T/out'"
summary
