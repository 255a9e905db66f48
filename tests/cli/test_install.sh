#!/usr/bin/env bash
# The install target (issue 11, section 5): `cmake --install BUILD --prefix P` gives P/bin/computellm and
# P/share/computellm/models.json, and the installed binary, moved elsewhere, runs detect, run --skip-ai (with the
# built-in registry loaded) and compare --html (charts from the chart library embedded at build time) with the
# source tree unreachable: a tmpfs is mounted over it in a private namespace (unshare -rm), and, where strace is
# installed, the same commands are traced to show they touch no path under the source tree.
# Usage: test_install.sh PATH/TO/computellm   (CLLM_SRC: the source tree; the build folder is the binary's folder)
set -u
BIN=$1
BUILD=$(cd "$(dirname "$BIN")" && pwd)
SRC=$(cd "${CLLM_SRC:?CLLM_SRC not set (the source tree)}" && pwd)
T=$(mktemp -d /tmp/cllm_install.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
export XDG_STATE_HOME="$T/state" XDG_CONFIG_HOME="$T/config"
unset COMPUTELLM_WEB_DEPS COMPUTELLM_MODELS_FILE
cd "$T" || exit 1
case "$T/" in "$SRC"/*) echo "skip: the temp folder $T is inside the source tree" >&2; exit 77 ;; esac

# --- the install itself ---
expect_rc "cmake --install exits 0" 0 cmake --install "$BUILD" --prefix "$T/prefix"
check "P/bin/computellm installed" test -x "$T/prefix/bin/computellm"
check "P/share/computellm/models.json installed" cmp -s "$T/prefix/share/computellm/models.json" "$SRC/data/models.json"
# moved after the install: nothing may depend on the install prefix either
mv "$T/prefix" "$T/moved"
IBIN=$T/moved/bin/computellm

# a tiny classic plan, and a --models-file (which makes run load the built-in registry first, as the LLM phase does)
echo '{"classic": {"cpu_matrix_sizes": [128], "gemm_iterations": 1, "memory_repeats": 5, "memory_array_mb": 8}, "monitor": {"interval_s": 0.1},
  "runs": {"cleanup_pause_s": 0}}' \
  >"$T/small.json"
printf '{"models": {%s}}\n' "$(llm_entry tiny-inst "Tiny install test" 0.02B 0.5 0.02)" >"$T/extra_models.json"
chart_built=0
if [ -f "$SRC/.deps/web/chart.umd.js" ]; then chart_built=1; fi

# the commands, run with the source tree hidden (argument 1: the source tree, 2: the installed binary, 3: $T)
cat >"$T/steps.sh" <<'EOF'
set -u
S=$1 B=$2 T=$3
if [ -n "$S" ]; then
  mount -t tmpfs tmpfs "$S" || exit 90
  [ -e "$S/data/models.json" ] && exit 91
fi
"$B" detect >"$T/detect.out" 2>"$T/detect.err"; echo "detect $?" >>"$T/rc"
"$B" run --skip-ai --config "$T/small.json" --models-file "$T/extra_models.json" --output "$T/res1" \
  >"$T/run1.out" 2>"$T/run1.err"; echo "run1 $?" >>"$T/rc"
# the second results file for compare: a run with no phase (seconds), the classic numbers against nothing
"$B" run --skip-classic --skip-ai --output "$T/res2" >"$T/run2.out" 2>"$T/run2.err"; echo "run2 $?" >>"$T/rc"
"$B" compare "$T"/res1/*.json "$T"/res2/*.json --html "$T/cmp.html" >"$T/cmp.out" 2>"$T/cmp.err"; echo "compare $?" >>"$T/rc"
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
cleanup_steps() { rm -rf "$T/rc" "$T/res1" "$T/res2" "$T/res3" "$T/cmp.html"; }

ran=0
# --- 1: the source tree hidden under a tmpfs in a private mount namespace ---
if unshare -rm true 2>/dev/null; then
  ran=1
  cleanup_steps
  unshare -rm bash "$T/steps.sh" "$SRC" "$IBIN" "$T"
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
    strace -f -qq -e trace=%file -o "$T/trace" bash "$T/steps.sh" "" "$IBIN" "$T"
  steps_checks "traced"
  check "traced: no path under the source tree touched" bash -c "! grep -qF -e '\"$SRC/' -e '\"$SRC\"' '$T/trace'"
  grep -F -e "\"$SRC/" -e "\"$SRC\"" "$T/trace" | head -5 >&2
  check "traced: the registry read from P/share/computellm" grep -qF "$T/moved/bin/../share/computellm/models.json" "$T/trace"
else
  echo "skip the traced pass: strace is not installed or not allowed" >&2
fi
if [ "$ran" = 0 ]; then echo "skip: neither unshare -rm nor strace works here" >&2; exit 77; fi

# --- a COMPUTELLM_WEB_DEPS folder without the chart library: named in the warning, the report has tables only ---
expect_rc "compare --html, COMPUTELLM_WEB_DEPS without chart.umd.js, exits 0" 0 env COMPUTELLM_WEB_DEPS="$T/nowhere" \
  "$IBIN" compare "$T"/res1/*.json "$T"/res2/*.json --html "$T/cmp2.html"
check "... the warning names COMPUTELLM_WEB_DEPS and the file" \
  bash -c "grep -q 'COMPUTELLM_WEB_DEPS' '$T/err' && grep -qF '$T/nowhere/chart.umd.js' '$T/err'"
check "... the report has no chart library" bash -c "! grep -q 'Chart.js v4' '$T/cmp2.html'"
summary
