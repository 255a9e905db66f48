#!/usr/bin/env bash
# The install target (issue 11, section 5): `cmake --install BUILD --prefix P` gives P/bin/computellm,
# P/share/computellm/ (models.json, the default vocabulary llama-tokenizer.js) and P/lib/computellm/llama/<variant>/
# (the libllama build scripts/setup put in .deps/llama/), and the installed binary, moved elsewhere, runs detect,
# run --skip-ai (with the built-in registry loaded), a tiny run WITH the AI phase (the tiny synthetic model of
# lib.sh's llm_entry: made with the installed vocabulary and libllama, then run by it) and compare --html (charts
# from the chart library embedded at build time) with the source tree unreachable: a tmpfs is mounted over it in a
# private namespace (unshare -rm), and, where strace is installed, the same commands are traced to show they touch
# no path under the source tree.
# Usage: test_install.sh PATH/TO/computellm   (CLLM_SRC: the source tree; the build folder is the binary's folder)
set -u
BIN=$1
BUILD=$(cd "$(dirname "$BIN")" && pwd)
SRC=$(cd "${CLLM_SRC:?CLLM_SRC not set (the source tree)}" && pwd)
T=$(mktemp -d /tmp/cllm_install.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
# the suite's copies of every results file for the schema check (tests/CMakeLists.txt) live in the build tree, which
# the installed binary must not touch: its files are copied there by this script instead, after the runs
COPY_DIR=${CLLM_TEST_RESULTS_COPY:-}
unset CLLM_TEST_RESULTS_COPY
unset COMPUTELLM_WEB_DEPS COMPUTELLM_MODELS_FILE
cd "$T" || exit 1
case "$T/" in "$SRC"/*) echo "skip: the temp folder $T is inside the source tree" >&2; exit 77 ;; esac

# --- the install itself ---
expect_rc "cmake --install exits 0" 0 cmake --install "$BUILD" --prefix "$T/prefix"
check "P/bin/computellm installed" test -x "$T/prefix/bin/computellm"
check "P/share/computellm/models.json installed" cmp -s "$T/prefix/share/computellm/models.json" "$SRC/data/models.json"
check "P/share/computellm/prompts/ installed (serve-bench's corpus)" diff -r "$T/prefix/share/computellm/prompts" "$SRC/data/prompts"
# the AI phase needs what scripts/setup installs: without it the AI run is left out (said so), the rest still runs
ai=0
if ls "$SRC"/.deps/llama/*/libllama*.so >/dev/null 2>&1 && [ -f "$SRC/.deps/vocab/llama-tokenizer-js/llama-tokenizer.js" ]; then
  ai=1
  check "P/share/computellm/llama-tokenizer.js installed" \
    cmp -s "$T/prefix/share/computellm/llama-tokenizer.js" "$SRC/.deps/vocab/llama-tokenizer-js/llama-tokenizer.js"
  for d in "$SRC"/.deps/llama/*/; do
    v=$(basename "$d")
    for f in "$d"libllama*.so "$d"libggml*.so; do
      case "$f" in */libllama-common*) continue ;; esac
      [ -f "$f" ] || continue
      check "P/lib/computellm/llama/$v/$(basename "$f") installed" cmp -s "$f" "$T/prefix/lib/computellm/llama/$v/$(basename "$f")"
    done
  done
  check "the node addon and libllama-common are not installed" \
    bash -c "! ls '$T'/prefix/lib/computellm/llama/*/llama-addon.node '$T'/prefix/lib/computellm/llama/*/libllama-common* 2>/dev/null"
else
  echo "skip the AI run: no libllama or vocabulary under $SRC/.deps (run scripts/setup)" >&2
fi
# moved after the install: nothing may depend on the install prefix either
mv "$T/prefix" "$T/moved"
IBIN=$T/moved/bin/computellm

# a tiny classic plan, and a --models-file (which makes run load the built-in registry first, as the LLM phase does)
echo '{"classic": {"cpu_matrix_sizes": [128], "gemm_iterations": 1, "memory_repeats": 5, "memory_array_mb": 8}, "monitor": {"interval_s": 0.1},
  "runs": {"cleanup_pause_s": 0}}' \
  >"$T/small.json"
printf '{"models": {%s}}\n' "$(llm_entry tiny-inst "Tiny install test" 0.02B 0.5 0.02)" >"$T/extra_models.json"
# the AI run: the tiny model, synthesized (no download), two short timed runs
echo '{"models": ["tiny-inst"], "inference": {"max_tokens": 4}, "runs": {"count": 2, "warmup": 0, "cleanup_pause_s": 0},
  "monitor": {"interval_s": 0.1}}' >"$T/ai.json"
chart_built=0
if [ -f "$SRC/.deps/web/chart.umd.js" ]; then chart_built=1; fi

# the commands, run with the source tree hidden (argument 1: the source tree, 2: the installed binary, 3: $T)
cat >"$T/steps.sh" <<'EOF'
set -u
S=$1 B=$2 T=$3 AI=$4
if [ -n "$S" ]; then
  mount -t tmpfs tmpfs "$S" || exit 90
  [ -e "$S/data/models.json" ] && exit 91
fi
"$B" detect >"$T/detect.out" 2>"$T/detect.err"; echo "detect $?" >>"$T/rc"
"$B" run --skip-ai --config "$T/small.json" --models-file "$T/extra_models.json" --output "$T/res1" \
  >"$T/run1.out" 2>"$T/run1.err"; echo "run1 $?" >>"$T/rc"
# the second results file for compare: a run with no phase (seconds), the classic numbers against nothing
"$B" run --skip-classic --skip-ai --output "$T/res2" >"$T/run2.out" 2>"$T/run2.err"; echo "run2 $?" >>"$T/rc"
set -- "$T"/res1/*.json "$T"/res2/*.json
if [ "$AI" = 1 ]; then
  "$B" run --skip-classic --config "$T/ai.json" --models-file "$T/extra_models.json" --models-dir "$T/models" \
    --no-download --output "$T/res_ai" >"$T/runai.out" 2>"$T/runai.err"; echo "runai $?" >>"$T/rc"
  set -- "$@" "$T"/res_ai/*.json
fi
"$B" compare "$@" --html "$T/cmp.html" >"$T/cmp.out" 2>"$T/cmp.err"; echo "compare $?" >>"$T/rc"
# without P/share/computellm the registry is not found: the one above came from there, not from the source tree
mv "${B%/bin/computellm}/share" "$T/share.away"
"$B" run --skip-classic --skip-ai --models-file "$T/extra_models.json" --output "$T/res3" \
  >"$T/noreg.out" 2>"$T/noreg.err"; echo "noreg $?" >>"$T/rc"
mv "$T/share.away" "${B%/bin/computellm}/share"
EOF
rc_of() { awk -v k="$1" '$1 == k {print $2}' "$T/rc"; }
steps_checks() {  # $1: how the source tree was made unreachable
  local how=$1
  check "$how: detect exits 0" test "$(rc_of detect)" = 0
  check "$how: detect prints the CPU" grep -q '^CPU ' "$T/detect.out"
  check "$how: run --skip-ai (registry loaded) exits 0" test "$(rc_of run1)" = 0
  check "$how: run --skip-classic --skip-ai exits 0" test "$(rc_of run2)" = 0
  check "$how: the results have the classic phases" \
    jq -e '.classic_benchmarks.benchmarks.cpu_single_thread and .classic_benchmarks.benchmarks.memory_bandwidth' "$T"/res1/*.json >/dev/null
  if [ "$ai" = 1 ]; then
    check "$how: run with the AI phase (tiny synthetic model) exits 0" test "$(rc_of runai)" = 0
    [ "$(rc_of runai)" = 0 ] || tail -5 "$T/runai.err" >&2
    check "$how: the tiny model ran: 2 timed runs of 4 tokens" jq -e '.ai_benchmarks.results["tiny-inst"]
      | .status == "ok" and (.runs | length) == 2 and all(.runs[]; .status == "ok" and .generated_tokens == 4)
      and .summary.avg_tokens_per_second > 0' "$T"/res_ai/*.json >/dev/null
    check "$how: ... with the installed libllama (P/lib/computellm/llama/)" jq -e --arg p "$RT/moved/lib/computellm/llama/" \
      '.ai_benchmarks.llama.path | startswith($p)' "$T"/res_ai/*.json >/dev/null
    check "$how: ... on the synthetic model made now (installed vocabulary and libllama)" jq -e --arg f "$T/models/" \
      '.ai_benchmarks.results["tiny-inst"].model | .synthetic == true and .source == "synthetic (made now)"
       and (.file | startswith($f))' "$T"/res_ai/*.json >/dev/null
    check "$how: the report has the AI results" grep -q 'tiny-inst' "$T/cmp.html"
  fi
  check "$how: compare --html exits 0" test "$(rc_of compare)" = 0
  check "$how: the report has the comparison data" grep -q 'id="cllm-data"' "$T/cmp.html"
  if [ "$chart_built" = 1 ]; then
    check "$how: the report inlines the embedded chart library" grep -q 'Chart.js v4' "$T/cmp.html"
    check "$how: no chart warning" bash -c "! grep -q 'chart library' '$T/cmp.err'"
  else
    check "$how: built without Chart.js: compare says so" grep -q 'built without the chart library' "$T/cmp.err"
  fi
  check "$how: without P/share/computellm the registry is missing (exit 2)" test "$(rc_of noreg)" = 2
  check "$how: ... and the error names P/share/computellm/models.json" \
    grep -q "$T/moved/bin/../share/computellm/models.json" "$T/noreg.err"
}
cleanup_steps() { rm -rf "$T/rc" "$T/res1" "$T/res2" "$T/res3" "$T/res_ai" "$T/models" "$T/cmp.html"; }
RT=$(realpath "$T")   # the libllama path in the results is a real path

ran=0
# --- 1: the source tree hidden under a tmpfs in a private mount namespace ---
if unshare -rm true 2>/dev/null; then
  ran=1
  cleanup_steps
  unshare -rm bash "$T/steps.sh" "$SRC" "$IBIN" "$T" "$ai"
  check "source tree hidden (tmpfs over $SRC)" test "$?" = 0
  steps_checks "source hidden"
else
  echo "skip the hidden-source-tree pass: user namespaces (unshare -rm) are not allowed here" >&2
fi
# --- 2: traced: no file system call names a path under the source tree ---
if command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null; then
  ran=1
  cleanup_steps
  # (bash looks at $OLDPWD on start: not the binary's doing, so not passed on)
  # LeakSanitizer cannot run under ptrace (it exits 1 at the end of a sanitizer build's run): leaks are checked by
  # the untraced pass, not here
  env -u OLDPWD ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -qq -e trace=%file -o "$T/trace" bash "$T/steps.sh" "" "$IBIN" "$T" "$ai"
  steps_checks "traced"
  check "traced: no path under the source tree touched" bash -c "! grep -qF -e '\"$SRC/' -e '\"$SRC\"' '$T/trace'"
  grep -F -e "\"$SRC/" -e "\"$SRC\"" "$T/trace" | head -5 >&2
  check "traced: the registry read from P/share/computellm" grep -qF "$T/moved/bin/../share/computellm/models.json" "$T/trace"
  if [ "$ai" = 1 ]; then
    check "traced: the vocabulary read from P/share/computellm" \
      grep -qF "$T/moved/bin/../share/computellm/llama-tokenizer.js" "$T/trace"
    check "traced: libllama opened from P/lib/computellm/llama" grep -qE "open.*\"$RT/moved/lib/computellm/llama/[a-z]+/libllama" "$T/trace"
  fi
else
  echo "skip the traced pass: strace is not installed or not allowed" >&2
fi
if [ "$ran" = 0 ]; then echo "skip: neither unshare -rm nor strace works here" >&2; exit 77; fi
if [ -n "$COPY_DIR" ]; then   # the last pass's results files, for the suite's schema check
  mkdir -p "$COPY_DIR"
  for f in "$T"/res1/*.json "$T"/res2/*.json "$T"/res_ai/*.json; do
    [ -f "$f" ] && cp "$f" "$COPY_DIR/install_$$_$(basename "$f")"
  done
fi

# --- a COMPUTELLM_WEB_DEPS folder without the chart library: named in the warning, the report has tables only ---
expect_rc "compare --html, COMPUTELLM_WEB_DEPS without chart.umd.js, exits 0" 0 env COMPUTELLM_WEB_DEPS="$T/nowhere" \
  "$IBIN" compare "$T"/res1/*.json "$T"/res2/*.json --html "$T/cmp2.html"
check "... the warning names COMPUTELLM_WEB_DEPS and the file" \
  bash -c "grep -q 'COMPUTELLM_WEB_DEPS' '$T/err' && grep -qF '$T/nowhere/chart.umd.js' '$T/err'"
check "... the report has no chart library" bash -c "! grep -q 'Chart.js v4' '$T/cmp2.html'"
summary
