#!/usr/bin/env bash
# run's ladder ("why is my chat slower than llama-bench?") on the tiny model: four rungs in order, each cost
# computed from the rungs' own numbers, the llama-server rung skipped with the reason when none is installed and
# measured when one is on PATH (a stand-in llama-server, tests/cli/fake_llama_server.py), --ladder all/off, the
# terminal table.
set -u
BIN=$1
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/cllm_ladder.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$HERE/lib.sh"

if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi
printf '{"models": {%s, %s}}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" \
  "$(llm_entry tiny-two "Tiny test model 2" 0.02B 0.5 0.02)" >"$T/tiny.json"
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 8}, "runs": {"count": 2, "warmup": 1, "cleanup_pause_s": 0}}' \
  >"$T/cfg.json"
R=(run --skip-classic --models-file "$T/tiny.json" --config "$T/cfg.json" --models-dir "$T/models" --no-download)

# no llama-server anywhere this run looks: PATH without one, and a copy of the binary outside the source tree's
# reach is not needed because .deps/llama-server is only looked at after PATH
mkdir -p "$T/bin"
expect_rc "run with the ladder (default: the first model)" 0 env PATH="$T/bin:/usr/bin:/bin" "$BIN" "${R[@]}" \
  --output "$T/r1"
f=$(cat "$T/out")
check "four rungs in order; the llama-bench and chat rungs measured" jq -e '
  .ai_benchmarks.results["tiny-test"].ladder as $l
  | $l.n_prompt == .ai_benchmarks.results["tiny-test"].prompt_tokens and $l.n_gen == 8 and $l.n_threads >= 1
  and ([$l.rungs[].name] == ["llama-bench method", "llama-bench method, prompt in the context", "chat in-process",
                             "chat through llama-server"])
  and all($l.rungs[0:3][]; .status == "ok" and .decode_tokens_per_second > 0 and .runs == 2)
  and $l.rungs[0].prompt_tokens_per_second > 0 and $l.rungs[0].ttft_s > 0 and $l.rungs[2].ttft_s > 0
  and ($l.rungs[2].decode_tokens_per_second - .ai_benchmarks.results["tiny-test"].summary.avg_decode_tokens_per_second
       | fabs) < 1e-9' "$f" >/dev/null
if jq -e '.ai_benchmarks.results["tiny-test"].ladder.rungs[3].status == "ok"' "$f" >/dev/null; then
  check "the llama-server rung ran (one is installed in .deps)" jq -e \
    '.ai_benchmarks.results["tiny-test"].ladder.rungs[3].decode_tokens_per_second > 0' "$f" >/dev/null
else
  check "no llama-server: that rung skipped with the reason" jq -e '.ai_benchmarks.results["tiny-test"].ladder.rungs[3]
    | .status == "skipped" and (.reason | test("llama-server")) and .decode_tokens_per_second == null' "$f" >/dev/null
fi
check "each cost from the rungs' own numbers" jq -e '. as $top | .ai_benchmarks.results["tiny-test"].ladder.rungs as $r
  | $r[0].decode_cost_percent == null
  and (($r[1].decode_cost_percent - ($r[0].decode_tokens_per_second - $r[1].decode_tokens_per_second)
        / $r[0].decode_tokens_per_second * 100) | fabs) < 1e-6
  and (($r[2].decode_cost_percent - ($r[1].decode_tokens_per_second - $r[2].decode_tokens_per_second)
        / $r[1].decode_tokens_per_second * 100) | fabs) < 1e-6
  and (($r[2].ttft_cost_percent - ($r[2].ttft_s - $r[0].ttft_s) / $r[0].ttft_s * 100) | fabs) < 1e-6
  and (($r[0].ttft_s - ($top.ai_benchmarks.results["tiny-test"].ladder.n_prompt / $r[0].prompt_tokens_per_second
        + 1 / $r[0].decode_tokens_per_second)) | fabs) < 1e-9' "$f" >/dev/null
check "terminal: the ladder table" bash -c "grep -q 'Why is the chat slower than llama-bench? tiny-test' '$T/err' &&
  grep -Eq '^  chat in-process +[0-9.]+ +-?[0-9.]+ %' '$T/err'"
check "terminal: stability shown as all runs OK with the CV" grep -Eq 'all runs OK, CV [0-9.]+ %' "$T/err"

# a llama-server on PATH (a stand-in speaking llama-server's HTTP): the fourth rung is measured through it
if command -v python3 >/dev/null; then
  printf '#!/bin/sh\nexec python3 %s "$@"\n' "$HERE/fake_llama_server.py" >"$T/bin/llama-server"
  chmod +x "$T/bin/llama-server"
  expect_rc "run with a llama-server on PATH" 0 env PATH="$T/bin:/usr/bin:/bin" "$BIN" "${R[@]}" --output "$T/r2"
  f=$(cat "$T/out")
  check "the llama-server rung measured, its cost against the chat rung" jq -e '
    .ai_benchmarks.results["tiny-test"].ladder.rungs as $r
    | $r[3].status == "ok" and $r[3].runs == 2 and $r[3].decode_tokens_per_second > 0 and $r[3].ttft_s > 0
    and (($r[3].decode_cost_percent - ($r[2].decode_tokens_per_second - $r[3].decode_tokens_per_second)
          / $r[2].decode_tokens_per_second * 100) | fabs) < 1e-6' "$f" >/dev/null
  check "no llama-server left running" bash -c "! pgrep -f 'fake_llama_[s]erver.py' >/dev/null"
  rm -f "$T/bin/llama-server"
fi

# --ladder all / off / bad
expect_rc "--ladder all, two models" 0 env PATH="$T/bin:/usr/bin:/bin" "$BIN" "${R[@]}" --models tiny-test tiny-two \
  --ladder all --output "$T/r3"
check "both models have a ladder" jq -e '[.ai_benchmarks.results[] | has("ladder")] == [true, true]' "$(cat "$T/out")" \
  >/dev/null
expect_rc "--ladder off" 0 "$BIN" "${R[@]}" --ladder off --output "$T/r4"
check "no ladder" jq -e '.ai_benchmarks.results["tiny-test"] | has("ladder") | not' "$(cat "$T/out")" >/dev/null
expect_rc "--ladder sometimes → 2" 2 "$BIN" "${R[@]}" --ladder sometimes
check "  names the values" grep -q 'first, all or off' "$T/err"

# --until-stable on the same runs (the ladder off): a loose target stops after 3 runs, an unreachable one uses
# every runs.count run and says so; out of range is refused
echo '{"models": ["tiny-test"], "inference": {"max_tokens": 8}, "runs": {"count": 6, "warmup": 1, "cleanup_pause_s": 0}}' \
  >"$T/cfg6.json"
U=(run --skip-classic --models-file "$T/tiny.json" --config "$T/cfg6.json" --models-dir "$T/models" --no-download
   --ladder off)
expect_rc "--until-stable 1 (3 runs of a quiet machine vary less than 100 %)" 0 "$BIN" "${U[@]}" --until-stable 1 \
  --output "$T/r5"
# the rule itself, from the runs written: stop at the third run when the first three vary less than 100 %, else go
# on (a loaded machine, e.g. under the sanitizers beside a build, can make three tiny runs vary more than that)
cv3=$(jq -r '[.ai_benchmarks.results["tiny-test"].runs[0:3][].tokens_per_second] | (add / length) as $a
  | ((map((. - $a) * (. - $a)) | add) / (length - 1) | sqrt) / $a * 100' "$(cat "$T/out")")
if awk -v c="$cv3" 'BEGIN { exit !(c < 100) }'; then
  check "stopped after 3 of 6 runs, target reached (first three: CV $cv3 %)" jq -e '.ai_benchmarks.results["tiny-test"]
    as $m | ($m.runs | length) == 3 and $m.summary.until_stable_cv == 1 and $m.summary.until_stable_reached == true
    and $m.summary.cv_tokens_per_second_percent < 100 and $m.summary.runs == 3' "$(cat "$T/out")" >/dev/null
  check "  and says so" grep -q 'stable after 3 runs' "$T/err"
else
  check "first three runs vary $cv3 % (machine loaded): went on past 3 runs" jq -e \
    '.ai_benchmarks.results["tiny-test"] as $m | ($m.runs | length) > 3 and $m.summary.until_stable_cv == 1
    and ($m.summary.until_stable_reached == (($m.runs | length) < 6 or $m.summary.cv_tokens_per_second_percent < 100))' \
    "$(cat "$T/out")" >/dev/null
  check "  and does not say stable after 3" sh -c "! grep -q 'stable after 3 runs' '$T/err'"
fi
expect_rc "--until-stable 0.001 (not reachable on a shared machine)" 0 "$BIN" "${U[@]}" --until-stable 0.001 \
  --output "$T/r6"
check "every runs.count run, target not reached" jq -e '.ai_benchmarks.results["tiny-test"] as $m
  | ($m.runs | length) == 6 and $m.summary.until_stable_reached == false' "$(cat "$T/out")" >/dev/null
check "  and says so" grep -q 'not stable after 6 runs' "$T/err"
check "the monitor judged every run (none throttled without a GPU)" jq -e '.ai_benchmarks.results["tiny-test"] as $m
  | all($m.runs[]; .throttled == false) and $m.summary.throttled_runs == 0
  and $m.summary.avg_tokens_per_second_unthrottled == $m.summary.avg_tokens_per_second' "$(cat "$T/out")" >/dev/null
expect_rc "--until-stable 5 → 2" 2 "$BIN" "${U[@]}" --until-stable 5
check "  names the range" grep -q 'until_stable (--until-stable): 5 is out of range' "$T/err"
summary
