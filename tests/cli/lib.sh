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
# A registry entry (for --models-file) of a tiny synthetic llama: 2 layers, 256 wide, the real 32 000-piece
# vocabulary — seconds to make and to run. llm_entry KEY NAME PARAMS MIN_RAM_GB SIZE_GB
llm_entry() {
  printf '"%s": {"name": "%s", "params": "%s", "repo": "none/none", "default_quant": "Q4_K_M", "min_ram_gb": %s,
    "chat_template": "zephyr",
    "arch": {"arch": "llama", "n_layer": 2, "n_embd": 256, "n_ff": 512, "n_head": 4, "n_head_kv": 2,
             "n_vocab": 32000, "n_ctx_train": 2048, "rope_theta": 10000.0, "rms_norm_eps": 1e-5},
    "quants": {"Q4_K_M": {"file": "%s.Q4_K_M.gguf", "size_gb": %s, "min_ram_gb": %s}}}' \
    "$1" "$2" "$3" "$4" "$1" "$5" "$4"
}
