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
#   tools/gpu_llama_server.sh sweep [MODEL]  on the GPU machine: computellm sweep against llama-bench built there
#                                         against the same libllama (tools/sweep_vs_llama_bench.sh), run's ladder
#                                         with that llama-server on PATH, a depth and an offload sweep
#   tools/gpu_llama_server.sh advise [KEYS]  on the GPU machine: computellm advise's predicted decode against
#                                         sweep's measured one, all layers on the GPU (tools/advise_vs_measured.sh;
#                                         KEYS default "tinyllama-1.1b mistral-7b llama2-13b")
#   tools/gpu_llama_server.sh sampling [KEYS]  on the GPU machine: the engine's decode with device and with host
#                                         sampling against llama.cpp's counter and a minimal loop
#                                         (llm_decode_vs_loop, both modes alternated in one process)
#   tools/gpu_llama_server.sh serve [MODEL]  on the GPU machine: one llama-server with 16 slots (SLOTS=) and
#                                         --metrics; serve-bench's open-loop rate sweep (RATES=), then the SLA search
#                                         over rate and over concurrency (MLPerf interactive limits)
#   tools/gpu_llama_server.sh npm-pack    on the build machine: the npm CUDA and Vulkan variants (scripts/setup
#                                         --llama-variant cuda / vulkan) and llama-bench linked against each
#                                         (tools/llama_bench_build.sh) into .gpa/ .gpb/ .gpc/, one per call
#   tools/gpu_llama_server.sh npm [MODEL] on the GPU machine, after every part was carried: the parts joined and
#                                         checked, then the npm CUDA variant in-process (detect, run, sweep vs
#                                         llama-bench on the same library) and the Vulkan variant on the same model
#                                         (VARIANTS="cuda vulkan" by default; SWEEP=0: no sweep)
#   tools/gpu_llama_server.sh keep        on the GPU machine: the .gpa/.gpb/.gpc/.gpd/.gpe/.gl carried in this call copied
#                                         into build-dev/parts/, where npm finds them in a later call
#   tools/gpu_llama_server.sh bin-pack    on the GPU machine: the CUDA build of `build` into $OUT in parts (16 MiB
#                                         each), to carry back on a later machine instead of building again
#   tools/gpu_llama_server.sh bin-unpack  on the GPU machine: the parts of bin-pack carried as .gpbin/
set -euo pipefail
cd "$(dirname "$0")/.."
D=.devcarry
L=build-dev/llama.cpp
PATH="$PWD/$D/bin:$PATH"   # jq (prepare copies it there)
# the measuring subcommands' setting: $O for outputs, $lib the CUDA build's folder (LIB_DIR=... for another one,
# "" for none on the library path), the carried shared libraries and the vocabulary
gpu_env() {
  O=${OUT:-$D/out}
  lib="$PWD/$L/b/bin"
  mkdir -p "$O" models
  export LD_LIBRARY_PATH="$PWD/$D/lib:${1-$lib:}/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
  export COMPUTELLM_VOCAB="$PWD/$D/vocab/llama-tokenizer-js/llama-tokenizer.js"
}
# the measuring subcommands' model: $B (computellm), $srv (the CUDA build's llama-server), the card in $O/gpu.txt,
# the synthetic model KEY made with that build's libllama, its file in $gguf
gpu_model() {
  B="$PWD/$D/computellm"
  srv="$lib/llama-server"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$O/gpu.txt"
  "$B" synth "$1" --llama-lib "$lib" 2>&1 | tail -1
  gguf=$(ls "$PWD"/models/synthetic/"$1".*.gguf | head -1)
}
# llama-server ($srv) on $gguf at $port, all layers on the GPU, N parallel slots of 2048 tokens each, further
# arguments passed on; its log in $O/serve-server.log; $spid, stopped on any exit; returns once /health answers
server_start() {
  local n=$1
  shift
  "$srv" -m "$gguf" --port "$port" --host 127.0.0.1 -ngl 99 -np "$n" -c $((2048 * n)) --seed 42 "$@" \
    >"$O/serve-server.log" 2>&1 &
  spid=$!
  trap 'kill $spid 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
}
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
  # jq for the scripts (the GPU machine has no package registry)
  mkdir -p "$D/bin" && cp -L /usr/bin/jq "$D/bin/" && cp -L "$(ldd /usr/bin/jq | awk '/libjq/ {print $3}')" \
    "$(ldd /usr/bin/jq | awk '/libonig/ {print $3}')" "$D/lib/"
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
  time cmake --build "$L/b" --target llama-server llama llama-bench -j"$(nproc)" 2>&1 | grep -E "error|Built target" || true
  ls -la "$L/b/bin"
  ;;
run)
  M=${2:-tinyllama-1.1b}
  gpu_env
  gpu_model "$M"
  # in-process (CUDA) vs auto mode on the same file, same plan
  "$B" run --skip-classic --models "$M" --llama-lib "$lib" --no-download --output "$O" 2>&1 | tee "$O/inprocess.log" | tail -8
  "$B" run --skip-classic --models "$M" --llama-lib "$lib" --no-download --llama-server "$srv" --output "$O" 2>&1 \
    | tee "$O/auto.log" | tail -8
  # serving load: one llama-server with 16 parallel slots (continuous batching)
  port=18080
  server_start 16
  "$B" serve-bench --server-url http://127.0.0.1:$port --concurrency 1,2,4,8,16 --requests 64 --max-tokens 128 \
    --ignore-eos --slo ttft_ms=200,itl_ms=20 --output-dir "$O" 2>&1 | tee "$O/serve.log" | tail -12
  kill $spid; wait $spid 2>/dev/null || true
  # the in-process engine's decode overhead on this card with the CUDA library (engine vs a minimal loop)
  "$D/llm_decode_vs_loop" "$gguf" gpu 256 5 "$lib" 2>&1 | tee "$O/decode_vs_loop.log" | tail -8
  pgrep -f "[l]lama-server" && echo "a llama-server is left!" || echo "no llama-server left"
  ls -la "$O"
  ;;
sweep)
  M=${2:-tinyllama-1.1b}
  gpu_env
  gpu_model "$M"
  # sweep_vs_llama_bench.sh's layout: <deps>/llama/cuda is the library folder; llama-bench is a wrapper that drops
  # the script's --variant and runs the llama-bench built here on the same files
  mkdir -p "$D/deps/llama" && ln -sfn "$lib" "$D/deps/llama/cuda"
  printf '#!/bin/sh
[ "$1" = --variant ] && shift 2
exec %s/llama-bench "$@"
' "$lib" >"$D/llama-bench-cuda"
  chmod +x "$D/llama-bench-cuda"
  CLLM_DEPS="$PWD/$D/deps" LLAMA_BENCH="$PWD/$D/llama-bench-cuda" COMPUTELLM="$B" \
    tools/sweep_vs_llama_bench.sh "$gguf" --variant cuda --rounds "${ROUNDS:-5}" --out "$O/vs" >"$O/vs.log" 2>&1 \
    && vs_rc=0 || vs_rc=$?
  tail -30 "$O/vs.log"
  # the other measurements go on; the comparison's verdict is said (0 pass, 1 outside the band, 3/4 see its --help)
  echo "sweep_vs_llama_bench exit $vs_rc"
  # the ladder with this llama-server found on PATH (its fourth rung)
  PATH="$lib:$PATH" "$B" run --skip-classic --models "$M" --llama-lib "$lib" --no-download --output "$O" 2>&1 \
    | tee "$O/ladder.log" | tail -14
  # context depth in both orders, and a partial-offload curve
  "$B" sweep -m "$gguf" --llama-lib "$lib" -p 512 -n 128 -d 0,1024,4096 -r 5 -o json --output "$O" >"$O/depth_up.json" 2>"$O/depth_up.err" || true
  "$B" sweep -m "$gguf" --llama-lib "$lib" -p 512 -n 128 -d 4096,1024,0 -r 5 -o json >"$O/depth_down.json" 2>"$O/depth_down.err" || true
  "$B" sweep -m "$gguf" --llama-lib "$lib" -p 512 -n 128 -ngl 0,8,16,23 -r 3 -o md 2>"$O/ngl.err" | tee "$O/ngl.md"
  pgrep -f "[l]lama-server" && echo "a llama-server is left!" || echo "no llama-server left"
  ls -la "$O"
  ;;
advise)
  gpu_env
  nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv,noheader | tee "$O/gpu.txt"
  # the classic phases measured once per machine: a later call reuses them (build-dev/ stays while it is held)
  kept=build-dev/advise_inputs.json
  res=()
  [ ! -s "$kept" ] || res=(--results "$PWD/$kept")
  COMPUTELLM="$PWD/$D/computellm" COMPUTELLM_LLAMA_LIB="$lib" tools/advise_vs_measured.sh \
    -m "${2:-tinyllama-1.1b mistral-7b llama2-13b}" -ngl 99 -r "${REPS:-3}" --models-dir "$PWD/models" \
    "${res[@]}" --out "$O/advise" 2>&1 | tee "$O/advise.log" && rc=0 || rc=$?
  [ -s "$kept" ] || cp "$(ls "$O"/advise/results/benchmark_*.json | head -1)" "$kept" 2>/dev/null || true
  echo "advise_vs_measured exit $rc"
  ;;
keep)
  # a part carried in this call (.gpa, .gpb or .gpc) kept in build-dev/parts/ for npm in a later call: a carried
  # folder not named in the next call's carry is gone there
  mkdir -p build-dev/parts
  for d in .gpa .gpb .gpc .gpd .gpe .gl; do [ ! -d "$d" ] || cp -r "$d" build-dev/parts/; done
  ls -la build-dev/parts/.g*
  ;;
sampling)
  gpu_env
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$O/gpu.txt"
  for M in ${2:-tinyllama-1.1b mistral-7b}; do
    "$D/computellm" synth "$M" --llama-lib "$lib" 2>&1 | tail -1
    gguf=$(ls "$PWD"/models/synthetic/"$M".*.gguf | head -1)
    echo "== $M: llm_decode_vs_loop $gguf gpu ${TOKENS:-256} ${ROUNDS:-6} (device,host)"
    "$D/llm_decode_vs_loop" "$gguf" gpu "${TOKENS:-256}" "${ROUNDS:-6}" "$lib" "${MODES:-device-top-k,device,host}" \
      2>"$O/sampling_$M.err" \
      | tee "$O/sampling_$M.txt"
  done
  # the results file records it per run
  "$D/computellm" run --skip-classic --models tinyllama-1.1b --llama-lib "$lib" --no-download --runs 3 \
    --output "$O" 2>"$O/sampling_run.err" | tail -1 >"$O/sampling_run.path"
  "$D/bin/jq" -c '.ai_benchmarks.results[] | .runs[] | {run, sampling, sampling_note, decode_tokens_per_second,
    engine_decode_tokens_per_second}' "$(cat "$O/sampling_run.path")" || true
  ;;
serve)
  # issue 17 on the card: one llama-server with 16 parallel slots and its /metrics, an open-loop rate sweep
  # (Poisson arrivals), then the SLA search over rate and over concurrency with MLPerf's interactive limits
  M=${2:-tinyllama-1.1b}
  gpu_env
  gpu_model "$M"
  port=18081
  server_start "${SLOTS:-16}" --metrics
  u=http://127.0.0.1:$port
  # each step bounded on its own (STEP_S seconds): a Ctrl-C to serve-bench, which keeps what it measured; a
  # timeout around this whole script would stop the script and leave serve-bench and llama-server running
  sb() { timeout -s INT "${STEP_S:-180}" "$B" serve-bench "$@"; }
  sb --server-url $u --request-rate "${RATES:-2,4,8,16,32,inf}" --requests 64 --max-concurrency 64 \
    --max-tokens 128 --ignore-eos --seed 42 --slo-preset mlperf-llama2-70b-interactive --save-requests "$O/rates.jsonl" \
    --output-dir "$O" 2>&1 | tee "$O/rates.log" | tail -14 || true
  sb --server-url $u --find-max rate --slo-preset mlperf-llama2-70b-interactive --max-tokens 128 \
    --ignore-eos --seed 42 --output-dir "$O" 2>&1 | tee "$O/find_rate.log" | tail -20 || true
  sb --server-url $u --find-max concurrency --slo-preset mlperf-llama2-70b-interactive --max-tokens 128 \
    --ignore-eos --output-dir "$O" 2>&1 | tee "$O/find_conc.log" | tail -20 || true
  curl -fs $u/metrics >"$O/metrics.txt" || echo "no /metrics"
  kill $spid; wait $spid 2>/dev/null || true
  pgrep -f "[l]lama-server" && echo "a llama-server is left!" || echo "no llama-server left"
  tar -C "$O" -czf "$O/serve_results.tar.gz" $(cd "$O" && ls *.json 2>/dev/null) rates.jsonl
  ls -la "$O"
  ;;
npm-pack)
  # one top-level folder per call: a carried folder not named again in the next call's carry is not kept there,
  # even beside one that is (.gpupack/a was gone when .gpupack/b came)
  rm -rf .gpa .gpb .gpc .gpd .gpe && mkdir -p .gpa .gpb .gpc .gpd .gpe
  ./scripts/setup --llama-variant cuda >/dev/null && ./scripts/setup --llama-variant vulkan >/dev/null
  tools/llama_bench_build.sh --variant cuda --variant vulkan
  # the CUDA backend is 159 MB; its fallback build (374 MB) is left out: whether the main one has sm_90 code is
  # not checked here (no cuobjdump), the npm subcommand's run on the card says
  tar -C .deps/llama --exclude=cuda/fallback --exclude=cuda/llama-addon.node -cf - cuda | xz -T0 -6 >".gpa/cuda.tar.xz"
  tar -C .deps/llama --exclude=vulkan/llama-addon.node -cJf ".gpa/vulkan.tar.xz" vulkan
  cp .deps/llama-bench/bin/llama-bench-cuda .deps/llama-bench/bin/llama-bench-vulkan .deps/llama-bench/bin/llama-bench \
    .gpa/
  sz=$(stat -c %s ".gpa/cuda.tar.xz")
  split -b $(( (sz + 2) / 3 )) -d -a 1 .gpa/cuda.tar.xz .gpa/cuda.tar.xz.part
  mv .gpa/cuda.tar.xz.part1 .gpb/ && mv .gpa/cuda.tar.xz.part2 .gpc/
  sha256sum .gpa/cuda.tar.xz | awk '{print $1}' >.gpa/cuda.tar.xz.sha256
  rm .gpa/cuda.tar.xz
  # the fallback build (PTX for older GPUs, CUDA 12 runtime: llm/cudabin.h picks it) in two more parts
  tar -C .deps/llama -cf - cuda/fallback | xz -T0 -6 >.gpd/fallback.tar.xz
  sz=$(stat -c %s ".gpd/fallback.tar.xz")
  split -b $(( (sz + 1) / 2 )) -d -a 1 .gpd/fallback.tar.xz .gpd/fallback.tar.xz.part
  mv .gpd/fallback.tar.xz.part1 .gpe/
  sha256sum .gpd/fallback.tar.xz | awk '{print $1}' >.gpd/fallback.tar.xz.sha256
  rm .gpd/fallback.tar.xz
  du -sh .gpa .gpb .gpc .gpd .gpe
  ;;
npm)
  M=${2:-tinyllama-1.1b}
  gpu_env ""
  N="$PWD/$D/npmdeps"
  mkdir -p "$N/llama" "$N/llama-bench/bin"
  # each part from this call's carry or from an earlier call's `keep`
  part() { if [ -e "$1/$2" ]; then echo "$1/$2"; else echo "build-dev/parts/$1/$2"; fi; }
  cat "$(part .gpa cuda.tar.xz.part0)" "$(part .gpb cuda.tar.xz.part1)" "$(part .gpc cuda.tar.xz.part2)" \
    >"$D/cuda.tar.xz"
  echo "$(cat "$(part .gpa cuda.tar.xz.sha256)")  $D/cuda.tar.xz" | sha256sum -c -
  tar -xJf "$D/cuda.tar.xz" -C "$N/llama" && rm "$D/cuda.tar.xz"
  if [ -e "$(part .gpd fallback.tar.xz.part0)" ]; then
    cat "$(part .gpd fallback.tar.xz.part0)" "$(part .gpe fallback.tar.xz.part1)" >"$D/fallback.tar.xz"
    echo "$(cat "$(part .gpd fallback.tar.xz.sha256)")  $D/fallback.tar.xz" | sha256sum -c -
    tar -xJf "$D/fallback.tar.xz" -C "$N/llama" && rm "$D/fallback.tar.xz"
  fi
  # what the CUDA builds need of this machine: its driver's CUDA version and the CUDA runtimes it has
  ls /usr/local/cuda/lib64/ 2>/dev/null | grep -E '^lib(cudart|cublas)\.so\.[0-9]+$' | tr '\n' ' '; echo
  ldconfig -p | grep -E 'libcudart\.so\.|libcublas\.so\.' || echo "ldconfig: no libcudart / libcublas"
  tar -xJf "$(part .gpa vulkan.tar.xz)" -C "$N/llama"
  cp "$(dirname "$(part .gpa llama-bench)")"/llama-bench* "$N/llama-bench/bin/"
  # Vulkan: Debian's loader and glvnd (the README's .gl recipe) for the NVIDIA ICD
  gl=.gl; [ -d "$gl" ] || gl=build-dev/parts/.gl
  if [ -d "$gl" ]; then for f in "$gl"/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
  B="$PWD/$D/computellm"
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$O/gpu.txt"
  "$B" synth "$M" --llama-lib "$N/llama/cuda" 2>&1 | tail -1
  gguf=$(ls "$PWD"/models/synthetic/"$M".*.gguf | head -1)
  for v in ${VARIANTS:-cuda vulkan}; do
    echo "== npm $v variant: detect, run (in-process), sweep vs llama-bench on the same library"
    COMPUTELLM_LLAMA_LIB="$N/llama/$v" "$B" detect 2>&1 | grep -iE "llama|backend|cuda|vulkan" | head -12
    "$B" run --skip-classic --models "$M" --llama-lib "$N/llama/$v" --no-download --runs 3 --output "$O" \
      2>"$O/npm_${v}_run.err" | tail -1 >"$O/npm_${v}_run.path" || true
    tail -12 "$O/npm_${v}_run.err"
    [ -s "$O/npm_${v}_run.path" ] && "$D/bin/jq" -c '.ai_benchmarks.llama as $l | .ai_benchmarks.results[] |
      {variant: $l.variant, cuda_build: $l.cuda_build, cuda_note: $l.cuda_note, backend: .engine.backend, gpu_layers: .engine.n_gpu_layers, status,
       decode: .summary.decode_tokens_per_second, ttft_s: .summary.first_token_latency_s,
       sampling: [.runs[].sampling] | unique}' "$(cat "$O/npm_${v}_run.path")" || true
    [ "${SWEEP:-1}" = 1 ] || continue
    CLLM_DEPS="$N" LLAMA_BENCH="$N/llama-bench/bin/llama-bench" COMPUTELLM="$B" \
      tools/sweep_vs_llama_bench.sh "$gguf" --variant $v --rounds "${ROUNDS:-3}" --out "$O/vs_$v" \
      >"$O/vs_$v.log" 2>&1 && rc=0 || rc=$?
    tail -14 "$O/vs_$v.log"
    echo "sweep_vs_llama_bench ($v) exit $rc"
  done
  ;;
bin-pack)
  O=${OUT:-$D/out}
  mkdir -p "$O"
  tar -C "$L/b" -cf - bin | xz -T0 -6 >"$D/bin.tar.xz"
  split -b 15M -d -a 1 "$D/bin.tar.xz" "$O/bin.tar.xz.part"
  sha256sum "$D/bin.tar.xz" | awk '{print $1}' >"$O/bin.tar.xz.sha256"
  rm "$D/bin.tar.xz"
  ls -la "$O"
  ;;
bin-unpack)
  mkdir -p "$L/b" "$D"
  cat .gpbin/bin.tar.xz.part* >"$D/bin.tar.xz"
  echo "$(cat .gpbin/bin.tar.xz.sha256)  $D/bin.tar.xz" | sha256sum -c -
  tar -xJf "$D/bin.tar.xz" -C "$L/b" && rm "$D/bin.tar.xz"
  ls -la "$L/b/bin"
  ;;
*)
  sed -n 2,35p "$0" | sed 's/^# \{0,1\}//'
  exit 2
  ;;
esac
