/* CPU GFLOPS phases: float32 N×N matrix product through OpenBLAS (cblas_sgemm), single- and multi-threaded.
 *
 * Phase JSON (classic_benchmarks.benchmarks.cpu_single_thread / cpu_multi_thread):
 *   status "ok" | "failed" (+ "error") | "skipped" (+ "reason"), library, threads_requested, blas_threads,
 *   results["2048x2048"] = {gflops (from the mean time, as the original), gflops_best, gflops_mean, time_s_mean,
 *                           time_s_best, time_s_std, times_s[], effective_threads, spot_check_max_rel_error},
 *   validation = {n, max_rel_error, tolerance, passed}, peak = {gflops_estimate, basis, ratio} (multi-thread). */
#ifndef CLLM_CPU_GEMM_H
#define CLLM_CPU_GEMM_H

#include <signal.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_cpu_info;

/* Row-major C = A·B for n×n float matrices. */
typedef void (*cllm_sgemm_fn)(int n, const float *a, const float *b, float *c);

struct cllm_cpu_gemm_params {
    const int   *sizes;          /* N of each N×N product */
    int          n_sizes;
    int          warmup;         /* untimed products per size (default 1) */
    int          iterations;     /* timed products per size (default 3) */
    int          threads;        /* BLAS threads: 1, or the physical core count */
    int          validate_n;     /* size of the check against a naive reference (default 128) */
    double       tolerance;      /* largest accepted relative error (default 1e-4) */
    bool         report_peak;    /* add the theoretical-peak estimate and measured/peak ratio */
    const volatile sig_atomic_t *cancel;  /* stop between products when it becomes non-zero; may be NULL */
    cllm_sgemm_fn sgemm;         /* NULL → OpenBLAS; tests inject a wrong one */
};

struct cllm_cpu_gemm_params cllm_cpu_gemm_default_params(void);

/* Runs the phase and fills `phase`. Never aborts: failures land in "status"/"error". */
void cllm_cpu_gemm_run(const struct cllm_cpu_gemm_params *p, const struct cllm_cpu_info *cpu, struct cJSON *phase);

/* Theoretical float32 peak in GFLOPS for `cores` cores: FLOPs per cycle from the ISA (FMA width × FMA units)
 * × clock. An estimate: `basis` (size n) says what was assumed. NAN when the clock is unknown. */
double cllm_cpu_peak_gflops(const struct cllm_cpu_info *cpu, int cores, char *basis, size_t n);

/* Relative error ||C − R||_F / ||R||_F of C against a double-precision naive product of A·B (n×n). */
double cllm_sgemm_rel_error(int n, const float *a, const float *b, const float *c);

/* OpenBLAS's run-time kernel choice ("Haswell", "Prescott", ...), or NULL without OpenBLAS. */
const char *cllm_blas_corename(void);

/* When OpenBLAS picked kernels below what the CPU runs (e.g. "Prescott" SSE3 kernels on an AVX-512 CPU it does not
 * recognise — seen on a Sapphire Rapids VM), the OPENBLAS_CORETYPE that matches the ISA ("Cooperlake", "SkylakeX",
 * "Haswell", "Sandybridge"); NULL when the choice is right or unknown. OPENBLAS_CORETYPE is read when the library
 * loads, so the caller re-executes itself with it set. */
const char *cllm_blas_coretype_advice(const struct cllm_cpu_info *cpu);

/* Whether this build has OpenBLAS, and its config string ("OpenBLAS 0.3.21 DYNAMIC_ARCH ..."). */
const char *cllm_blas_info(void);

#ifdef __cplusplus
}
#endif

#endif
