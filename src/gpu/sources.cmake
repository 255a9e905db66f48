# Sources of src/gpu/ (set CLLM_GPU_SOURCES): the GPU compute phase (runner + one backend table per vendor, whose
# libraries are loaded with dlopen, so every file builds on every platform). src/gpu/nvml.c is listed by
# src/monitor/sources.cmake.
set(CLLM_GPU_SOURCES src/gpu/gpu_compute.c src/gpu/gpu_util.c src/gpu/gpu_cuda.c src/gpu/gpu_hip.c)
