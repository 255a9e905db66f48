/* CPU GFLOPS phases: float32 N×N matrix product through OpenBLAS (cblas_sgemm), single- and multi-threaded.
 *
 * The phase fills a struct cllm_cpugemm_result; report/write_classic.c writes it as
 * classic_benchmarks.benchmarks.cpu_single_thread / cpu_multi_thread (layout in docs/results-schema.md). */
#ifndef CLLM_CPUGEMM_H
#define CLLM_CPUGEMM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "classic/classic_status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_cpu_info;

/* Row-major C = A·B for n×n float matrices. */
typedef void (*cllm_sgemm_fn)(int n, const float *a, const float *b, float *c);

/* The most untimed products per size (tiny sizes reach it before warmup_min_s). */
#define CLLM_CPUGEMM_MAX_WARMUP 100000

struct cllm_cpugemm_params {
    const int   *sizes;          /* N of each N×N product */
    int          n_sizes;
    int          warmup;         /* untimed products per size, at least (default 1) */
    double       warmup_min_s;   /* untimed products go on until this long has passed, s (default 0.25), or
                                    CLLM_CPUGEMM_MAX_WARMUP products ran: wakes BLAS's thread pool and the clocks
                                    so start-up is not timed */
    int          iterations;     /* timed products per size (default 3) */
    int          threads;        /* BLAS threads: 1, or the physical core count */
    int          validate_n;     /* size of the check against a naive reference (default 128) */
    double       tolerance;      /* largest accepted relative error (default 1e-4) */
    bool         report_peak;    /* add the theoretical-peak estimate and measured/peak ratio */
    const volatile sig_atomic_t *cancel;  /* stop between products when it becomes non-zero; may be NULL */
    cllm_sgemm_fn sgemm;         /* NULL → OpenBLAS; tests inject a wrong one */
};

struct cllm_cpugemm_params cllm_cpugemm_default_params(void);

/* One N×N size: times of every timed product and what follows from them. */
struct cllm_cpugemm_size {
    int     n;
    double  gflops;            /* from the mean time (the original tool's number) */
    double  gflops_best;       /* from the best time */
    double  gflops_mean;       /* mean of the per-product GFLOPS */
    double  time_s_mean, time_s_best, time_s_std;   /* s per product */
    double *times_s;           /* [iterations] s per product (malloc'd) */
    int     iterations;
    double  effective_threads; /* CPU time / wall time of the timed products; NAN: window under 50 ms */
    double  spot_check_max_rel_error;   /* 64 entries of the timed result against dot products */
    int     warmup_products;   /* untimed products before the timed ones, same threads and size */
    double  warmup_s;          /* their wall time, s */
    bool    suspect_checked;   /* multi-thread: compared with the single-thread result at this size */
    bool    suspect;           /* gflops below the single-thread gflops at this size */
    char    suspect_reason[320];
};

struct cllm_cpugemm_result {
    enum cllm_classic_status status;
    char        message[512];        /* the error (failed), the reason (skipped), the note (cancelled) */
    const char *library;             /* OpenBLAS's config string; NULL without OpenBLAS or an injected sgemm */
    const char *blas_kernels;        /* OpenBLAS's kernel choice; NULL as library */
    const char *blas_coretype_env;   /* OPENBLAS_CORETYPE as set; NULL when unset */
    bool        legacy_kernels;      /* OpenBLAS runs kernels older than the CPU's ISA (warning written) */
    int         blas_threads;        /* OpenBLAS's thread count; -1 not read */
    int         threads_requested;   /* 0: the phase stopped before it */
    char        method[400];         /* how the products were timed (the warmup included); "" before the sizes */
    bool        validated;           /* the validation product ran (validation_* hold it) */
    int         validation_n;
    double      validation_max_rel_error;   /* NAN/inf: the product held NaN */
    double      validation_tolerance;
    bool        validation_passed;
    bool        has_results;         /* the timed sizes started ("results" written, maybe empty) */
    struct cllm_cpugemm_size *sizes;   /* [n_sizes] malloc'd, the sizes measured so far */
    int         n_sizes;
    bool        has_peak;            /* multi-thread: the theoretical-peak estimate */
    double      peak_gflops;         /* NAN: the clock is unknown */
    double      peak_ratio;          /* best gflops / peak; NAN when either is unknown */
    char        peak_basis[320];
};

/* Runs the phase into *r (which the caller frees with cllm_cpugemm_result_free). Never aborts: failures land in
 * r->status and r->message. */
void cllm_cpugemm_run(const struct cllm_cpugemm_params *p, const struct cllm_cpu_info *cpu,
                      struct cllm_cpugemm_result *r);
void cllm_cpugemm_result_free(struct cllm_cpugemm_result *r);

/* Compares each size of `multi` (a run on more than one thread) with the same size of `single` (one thread, status
 * OK): a multi-thread gflops below the single-thread one is marked suspect with the reason (both numbers, best
 * times too) — more threads doing the same product slower means something else was timed (thread start-up,
 * another process). Sizes without a single-thread counterpart are left unchecked. Returns how many were marked. */
int cllm_cpugemm_mark_suspect(const struct cllm_cpugemm_result *single, struct cllm_cpugemm_result *multi);

/* Theoretical float32 peak in GFLOPS for `cores` cores: FLOPs per cycle from the ISA (FMA width × FMA units)
 * × clock. An estimate: `basis` (size n) says what was assumed. NAN when the clock is unknown. */
double cllm_cpugemm_peak_gflops(const struct cllm_cpu_info *cpu, int cores, char *basis, size_t n);

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
