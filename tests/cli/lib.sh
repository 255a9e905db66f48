# Shared by the tests/cli/test_*.sh scripts (sourced after they set T, their temp folder): counters and checks.
# expect_rc NAME WANT CMD...: runs CMD with stdout → $T/out and stderr → $T/err, passes when it exits WANT.
# check NAME CONDITION-COMMAND...: passes when the command succeeds.
pass=0
fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1" >&2; }
bad() { fail=$((fail + 1)); echo "FAIL $1" >&2; }
expect_rc() {
  local name=$1 want=$2
  shift 2
  "$@" >"$T/out" 2>"$T/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$name"; else bad "$name (exit $rc, wanted $want)"; sed 's/^/    /' "$T/err" >&2; fi
}
check() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }
# the count line, then exit 0 only when nothing failed
summary() { echo "$pass passed, $fail failed" >&2; [ "$fail" -eq 0 ]; exit $?; }
