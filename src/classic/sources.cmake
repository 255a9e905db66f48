# src/classic: the classic phases — CPU GEMM (OpenBLAS), memory bandwidth (STREAM kernels), GPU GEMM and
# bandwidth (cuBLAS, hipBLAS through dlopen: one backend file per vendor) — and their runner.
set(CLLM_CLASSIC_SOURCES
  src/classic/cpu_gemm.c src/classic/membw.c src/classic/classic.c
  src/classic/gpu_gemm.c src/classic/gpu_gemm_util.c src/classic/gpu_gemm_cuda.c src/classic/gpu_gemm_hip.c
)
