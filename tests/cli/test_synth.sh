#!/usr/bin/env bash
# computellm synth: the direct writer (default) against the quantizer path (--via-quantizer) on a small registry
# shape — the same tensors name by name with the same types, the same metadata and header bytes, the same size;
# --dry-run's size is the written file's and writes nothing; the disk check counts the final file only; the direct
# file loads and generates (sweep); Ctrl-C while blocks stream deletes the .part. With CLLM_SYNTH_FULL=1 also TinyLlama's real shape, Q4_K_M (about 2
# minutes on 2 cores: the quantizer path quantizes 1.1 B weights).
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_synth.XXXXXX)
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

if ! ls "${CLLM_SRC:-.}"/.deps/llama/*/libllama*.so >/dev/null 2>&1; then
  echo "skip: no libllama under .deps/llama (run scripts/setup)" >&2
  exit 77
fi

# name, ggml type number and shape of every tensor, in file order, then the data offset ("data OFFSET")
tensors() {
  python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read(16 << 20)
o = 0
def u(f):
    global o
    v = struct.unpack_from(f, d, o)[0]; o += struct.calcsize(f); return v
def s():
    global o
    n = u('<Q'); o += n; return d[o - n:o].decode()
size = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
def skip(t):
    global o
    if t == 8: s()
    elif t == 9:
        et, n = u('<I'), u('<Q')
        for _ in range(n): skip(et)
    else: o += size[t]
assert d[:4] == b'GGUF'; o = 4; u('<I'); nt = u('<Q'); nkv = u('<Q')
for _ in range(nkv): s(); skip(u('<I'))
for _ in range(nt):
    name = s(); nd = u('<I'); ne = [u('<Q') for _ in range(nd)]; t = u('<I'); off = u('<Q')
    print(name, t, 'x'.join(map(str, ne)), off)
print('data', (o + 31) // 32 * 32)
EOF
}

# a wider one than lib.sh's (4 layers, 512 wide, GQA 4) so the per-layer rules and the skeleton's narrowing matter
printf '{"models": {%s,\n"mid-test": {"name": "Mid test model", "params": "0.05B", "repo": "none/none",
  "default_quant": "Q4_K_M", "min_ram_gb": 1, "chat_template": "zephyr",
  "arch": {"arch": "llama", "n_layer": 8, "n_embd": 512, "n_ff": 1536, "n_head": 8, "n_head_kv": 2,
           "n_vocab": 32000, "n_ctx_train": 2048, "rope_theta": 10000.0, "rms_norm_eps": 1e-5},
  "quants": {"Q4_K_M": {"file": "mid.Q4_K_M.gguf", "size_gb": 0.05}}},
"big-test": {"name": "Big test model", "params": "6B", "repo": "none/none",
  "default_quant": "Q4_K_M", "min_ram_gb": 1, "chat_template": "zephyr",
  "arch": {"arch": "llama", "n_layer": 32, "n_embd": 4096, "n_ff": 11008, "n_head": 32, "n_head_kv": 32,
           "n_vocab": 32000, "n_ctx_train": 2048, "rope_theta": 10000.0, "rms_norm_eps": 1e-5},
  "quants": {"Q4_K_M": {"file": "big.Q4_K_M.gguf", "size_gb": 3.8}}}}}\n' \
  "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/m.json"
R=(--models-file "$T/m.json")

same_as_quantizer() {   # KEY QUANT: direct and --via-quantizer files compared
  local k=$1 q=$2 d="$T/$1.$2.direct.gguf" v="$T/$1.$2.quant.gguf"
  expect_rc "$k $q: synth (direct)" 0 "$BIN" synth "$k" "${R[@]}" --quant "$q" -o "$d"
  check "$k $q: direct progress, no F16 stage" bash -c "grep -q 'writing random quantized blocks' '$T/err' &&
    ! grep -q 'F16' '$T/err'"
  expect_rc "$k $q: synth --via-quantizer" 0 "$BIN" synth "$k" "${R[@]}" --quant "$q" --via-quantizer -o "$v"
  check "$k $q: quantizer progress" grep -q 'quantizing with llama.cpp' "$T/err"
  tensors "$d" >"$T/td" && tensors "$v" >"$T/tv"
  check "$k $q: every tensor's name, type, shape and offset equal" bash -c "test -s '$T/td' && diff '$T/td' '$T/tv'"
  local off
  off=$(awk '$1 == "data" {print $2}' "$T/td")
  check "$k $q: header bytes identical (metadata, tensor infos)" cmp -n "${off:-1}" "$d" "$v"
  check "$k $q: tensor data differs (random blocks, not a copy)" bash -c "! cmp -s '$d' '$v'"
  local sd sv
  sd=$(stat -c %s "$d"); sv=$(stat -c %s "$v")
  check "$k $q: file size within 1 % ($sd vs $sv)" awk -v a="$sd" -v b="$sv" 'BEGIN { exit !(a > 0 && (a - b) / b < 0.01 && (b - a) / b < 0.01) }'
  expect_rc "$k $q: --dry-run" 0 "$BIN" synth "$k" "${R[@]}" --quant "$q" --dry-run -o "$T/dry.gguf"
  check "$k $q: --dry-run says the file's bytes ($sd)" grep -q "^$sd bytes" "$T/out"
  check "$k $q: --dry-run wrote nothing" bash -c "! ls '$T'/dry.gguf* '$T'/.dry* >/dev/null 2>&1"
}
same_as_quantizer tiny-test Q4_K_M
same_as_quantizer mid-test Q3_K_M
same_as_quantizer mid-test Q2_K
check "no temporary file left" bash -c "! ls -A '$T' | grep -q '^\.'"

# the disk-space check counts the final file only: on a 100 MB disk the direct Q2_K (28 MB) is written, the
# quantizer path (114 MB of F16 + 28 MB) is refused before writing anything (a tmpfs: needs root)
mkdir -p "$T/small"
if mount -t tmpfs -o size=100m tmpfs "$T/small" 2>/dev/null; then
  expect_rc "100 MB disk: direct Q2_K written" 0 "$BIN" synth mid-test "${R[@]}" --quant Q2_K -o "$T/small/d.gguf"
  expect_rc "100 MB disk: --via-quantizer refused" 1 "$BIN" synth mid-test "${R[@]}" --quant Q2_K --via-quantizer \
    -o "$T/small/q.gguf"
  check "100 MB disk: says how much it needs" grep -q "not enough disk space in $T/small.*GB temporary F16" "$T/err"
  check "100 MB disk: only the direct file there" test "$(ls -A "$T/small")" = d.gguf
  umount "$T/small"
else
  echo "skip the small-disk case: cannot mount a tmpfs (needs root)" >&2
fi

# the direct file runs in llama.cpp
expect_rc "sweep on the direct file" 0 "$BIN" sweep -m "$T/tiny-test.Q4_K_M.direct.gguf" -p 16 -n 8 -r 1 -t 1 -o json
check "sweep: pp and tg rates" jq -e 'length == 2 and all(.[]; .status == "ok" and .avg_ts > 0)' "$T/out" >/dev/null

# Ctrl-C while the blocks stream (3.8 GB to write): exit 130, neither the file nor its .part left
"$BIN" synth big-test "${R[@]}" -o "$T/big.gguf" >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 600); do
  grep -q 'writing random quantized blocks' "$T/err" && break
  sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "Ctrl-C during the blocks: exit 130 (got $rc)" test "$rc" -eq 130
check "Ctrl-C: says cancelled" grep -q "cancelled" "$T/err"
check "Ctrl-C: no file, no .part, no skeleton file" bash -c "! ls -A '$T' | grep -q 'big'"

# opt-in: TinyLlama's real shape (the skeleton is 256 wide there; the mix must still be the quantizer's)
if [ "${CLLM_SYNTH_FULL:-0}" = 1 ]; then
  R=()
  same_as_quantizer tinyllama-1.1b Q4_K_M
fi
summary
