#!/usr/bin/env bash
# Multi-GPU options through the built binary on a machine without a GPU: --gpus / --gpu refused naming the GPUs
# there are (none), malformed lists and split options refused before any phase, sweep --gpus likewise. The
# selection itself (two and four GPUs, the visibility variables, split modes) is tested with fakes in
# tests/unit/test_multi_gpu*.c. Skips (77) on a machine whose detection lists a GPU.
# Usage: test_multi_gpu.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_mgpu.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

n_gpus=$("$BIN" detect --json 2>/dev/null | jq -r '.gpu.count // 0' 2>/dev/null)
if [ "${n_gpus:-0}" != 0 ]; then
  echo "skip: this machine has a GPU (the refusals below expect none)" >&2
  exit 77
fi

expect_rc "run --gpus 0 with no GPU exits 2" 2 "$BIN" run --gpus 0 --skip-classic --skip-ai -o "$T/res"
check "names the GPU and says there are none" grep -q "GPU 0 does not exist: this machine has 0 GPUs" "$T/err"
check "no results file for a refused selection" bash -c "! ls '$T'/res/*.json >/dev/null 2>&1"
expect_rc "run --gpu 1 with no GPU exits 2" 2 "$BIN" run --gpu 1 --skip-classic --skip-ai -o "$T/res"
check "--gpu names GPU 1" grep -q "GPU 1 does not exist" "$T/err"
expect_rc "run --gpus 0,x exits 2" 2 "$BIN" run --gpus 0,x --skip-ai
check "malformed list named" grep -q "gpus (--gpus): expected GPU indices such as 0 or 0,2" "$T/err"
expect_rc "run --gpus 0, exits 2" 2 "$BIN" run --gpus 0, --skip-ai
expect_rc "run --split-mode rows exits 2" 2 "$BIN" run --split-mode rows --skip-ai
check "split mode choices named" grep -q "expected layer, row or both" "$T/err"
expect_rc "run --tensor-split half exits 2" 2 "$BIN" run --tensor-split half --skip-ai
check "tensor split choices named" grep -q "expected free or even" "$T/err"
expect_rc "run --help" 0 "$BIN" run --help
check "run --help lists --gpus, --gpu, --split-mode, --tensor-split" \
  bash -c "grep -q -- '--gpus LIST' '$T/out' && grep -q -- '--gpu N' '$T/out' && grep -q -- '--split-mode' '$T/out' && grep -q -- '--tensor-split' '$T/out'"
expect_rc "sweep --gpus 0 with no GPU exits 2" 2 "$BIN" sweep -m none.gguf --gpus 0 -o none
check "sweep names the GPU" grep -q "sweep: --gpus: GPU 0 does not exist" "$T/err"
expect_rc "sweep --help" 0 "$BIN" sweep --help
check "sweep --help lists --gpus" grep -q -- "--gpus LIST" "$T/out"
# a run on a machine without a GPU writes no run.gpu_selection (results keep their shape)
expect_rc "run without --gpus" 0 "$BIN" run --skip-classic --skip-ai -o "$T/plain"
check "no gpu_selection without a GPU" bash -c "! grep -q gpu_selection '$T'/plain/*.json"

summary
