# Classic benchmark phases (CPU GEMM through OpenBLAS, memory bandwidth) and the phase runner.
set(CLLM_BENCH_SOURCES src/bench/bench_util.c src/bench/cpu_gemm.c src/bench/membw.c src/bench/classic.c
    src/bench/run.c)
