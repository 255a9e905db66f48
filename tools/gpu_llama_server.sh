#!/usr/bin/env bash
# The server engine and serve-bench on a GPU machine, against llama.cpp built there with CUDA from the same release
# as the pinned libraries (node-llama-cpp's llama/gitRelease.bundle): in-process CUDA vs auto mode (llama-server)
# on the same model, then serve-bench at rising concurrency against one llama-server with parallel slots.
# Usage:
#   tools/gpu_llama_server.sh prepare     on the build machine: computellm without OpenBLAS (build-dev/) and the
#                                         shared libraries a bare machine lacks, llama.cpp's source as a tarball,
#                                         the vocabulary — all in .devcarry/ (carry it)
#   tools/gpu_llama_server.sh build       on the GPU machine: llama.cpp with CUDA for this card (shared libllama +
#                                         llama-server) into build-dev/llama.cpp/ (resumable: a second call goes on)
#   tools/gpu_llama_server.sh run [MODEL] on the GPU machine: the measurements; JSON results and logs in $OUT
set -euo pipefail
cd "$(dirname "$0")/.."
D=.devcarry
L=build-dev/llama.cpp
case "${1:-}" in
prepare)
  mkdir -p "$D/lib" "$D/vocab"
  cmake -S . -B build-dev -DCMAKE_BUILD_TYPE=Release -DCLLM_WITH_OPENBLAS=OFF >/dev/null
  cmake --build build-dev -j"$(nproc)" --target computellm llm_decode_vs_loop >/dev/null
  cp build-dev/computellm build-dev/tools/llm_decode_vs_loop "$D/"
  for l in $(ldd "$D/computellm" | awk '/=> \// {print $3}'); do
    case $(basename "$l") in libc.so*|libm.so*|libpthread*|libdl.so*|librt.so*|ld-linux*) ;; *) cp -L "$l" "$D/lib/" ;; esac
  done
  cp -r .deps/vocab/llama-tokenizer-js "$D/vocab/"
  tgz=.deps/npm/node-llama-cpp-3.22.1.tgz
  [ -s "$tgz" ] || (mkdir -p .deps/npm && cd .deps/npm && npm pack --silent node-llama-cpp@3.22.1 >/dev/null)
  rm -rf "$D/src.tmp" && mkdir -p "$D/src.tmp"
  tar -xzf "$tgz" -C "$D/src.tmp" package/llama/gitRelease.bundle
  git clone -q "$D/src.tmp/package/llama/gitRelease.bundle" "$D/src.tmp/llama.cpp"
  tar -C "$D/src.tmp/llama.cpp" --exclude=.git --exclude=./models --exclude=./docs --exclude=./examples \
    --exclude=./tools/server/webui -cJf "$D/llama.cpp.tar.xz" .
  rm -rf "$D/src.tmp"
  du -sh "$D"
  ;;
build)
  if [ ! -f "$L/CMakeLists.txt" ]; then
    mkdir -p "$L" && tar -xJf "$D/llama.cpp.tar.xz" -C "$L"
  fi
  # sm_90 is the H100/H200; GGML_NATIVE tunes the CPU side for this host
  cmake -S "$L" -B "$L/b" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DGGML_CUDA=ON \
    -DCMAKE_CUDA_ARCHITECTURES="${CUDA_ARCH:-90}" -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON >/dev/null
  time cmake --build "$L/b" --target llama-server llama -j"$(nproc)" 2>&1 | grep -E "error|Built target" || true
  ls -la "$L/b/bin"
  ;;
run)
  M=${2:-tinyllama-1.1b}
  O=${OUT:-$D/out}
  mkdir -p "$O" models
  export LD_LIBRARY_PATH="$PWD/$D/lib:$PWD/$L/b/bin:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
  export COMPUTELLM_VOCAB="$PWD/$D/vocab/llama-tokenizer-js/llama-tokenizer.js"
  B="$D/computellm"
  lib="$PWD/$L/b/bin"
  srv="$lib/llama-server"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$O/gpu.txt"
  "$B" synth "$M" --llama-lib "$lib" 2>&1 | tail -2
  # in-process (CUDA) vs auto mode on the same file, same plan
  "$B" run --skip-classic --models "$M" --llama-lib "$lib" --no-download --output "$O" 2>&1 | tee "$O/inprocess.log" | tail -8
  "$B" run --skip-classic --models "$M" --llama-lib "$lib" --no-download --llama-server "$srv" --output "$O" 2>&1 \
    | tee "$O/auto.log" | tail -8
  # serving load: one llama-server with 16 parallel slots (continuous batching)
  gguf=$(ls models/synthetic/"$M".*.gguf | head -1)
  port=18080
  "$srv" -m "$gguf" --port $port --host 127.0.0.1 -ngl 99 -np 16 -c 32768 --seed 42 >"$O/serve-server.log" 2>&1 &
  spid=$!
  for _ in $(seq 1 600); do curl -fs http://127.0.0.1:$port/health >/dev/null 2>&1 && break; sleep 0.1; done
  "$B" serve-bench --server-url http://127.0.0.1:$port --concurrency 1,2,4,8,16 --requests 64 --max-tokens 128 \
    --ignore-eos --slo ttft_ms=200,itl_ms=20 --output-dir "$O" 2>&1 | tee "$O/serve.log" | tail -12
  kill $spid; wait $spid 2>/dev/null || true
  # the in-process engine's decode overhead on this card with the CUDA library (engine vs a minimal loop)
  "$D/llm_decode_vs_loop" "$gguf" gpu 256 5 "$lib" 2>&1 | tee "$O/decode_vs_loop.log" | tail -8
  pgrep -f "[l]lama-server" && echo "a llama-server is left!" || echo "no llama-server left"
  ls -la "$O"
  ;;
*)
  sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
