/* Memory bandwidth phase, measured as STREAM does: float64 arrays (256 MiB each by default, always ≥ 4× the last
 * level cache), kernels write (a = s), read (sum of a), copy (c = a) and triad (a = b + s·c), single-thread and
 * all-threads, best of ≥ 5 after a warmup, bytes counted per kernel (copy = read + write), arrays validated after.
 *
 * The phase fills a struct cllm_membw_result; report/write_classic.c writes it as
 * classic_benchmarks.benchmarks.memory_bandwidth (layout in docs/results-schema.md). */
#ifndef CLLM_MEMBW_H
#define CLLM_MEMBW_H

#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "classic/classic_status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum cllm_membw_kernel { CLLM_MEMBW_WRITE, CLLM_MEMBW_READ, CLLM_MEMBW_COPY, CLLM_MEMBW_TRIAD, CLLM_MEMBW_COUNT };

struct cllm_membw_params {
    size_t  array_bytes;   /* bytes per array (three arrays are used); raised to 4 × llc_bytes when smaller */
    int64_t llc_bytes;     /* last-level cache size of the machine (all instances); -1 unknown */
    int     repeats;       /* timed passes per kernel, best kept (≥ 5) */
    int     threads_all;   /* threads of the all-threads pass (logical CPUs) */
    int64_t available_bytes; /* RAM free for the arrays (MemAvailable, read just before the phase); -1 unknown:
                                not checked. The phase is skipped, before allocating, when the three arrays do not
                                fit in it less a margin (CLLM_MEMBW_MARGIN_*) */
    const volatile sig_atomic_t *cancel;
};

/* Room left for the rest of the system: a tenth of the available RAM, at least 256 MiB. */
#define CLLM_MEMBW_MARGIN_FRACTION 0.10
#define CLLM_MEMBW_MARGIN_MIN_BYTES ((int64_t)256 << 20)

struct cllm_membw_params cllm_membw_default_params(void);

/* "write", "read", "copy", "triad". */
const char *cllm_membw_kernel_name(enum cllm_membw_kernel k);

/* Bytes one pass of kernel k moves over arrays of n doubles: write 8n, read 8n, copy 16n, triad 24n. */
double cllm_membw_bytes(enum cllm_membw_kernel k, size_t n);

/* STREAM-style check: after the kernels every element of a, b, c must equal the values tracked alongside;
 * returns the largest relative deviation (INFINITY for NAN). */
double cllm_membw_check(const double *a, const double *b, const double *c, size_t n, double expect_a,
                        double expect_b, double expect_c);

/* One kernel at one thread count: `repeats` timed passes. */
struct cllm_membw_kernel_result {
    double  gbps_best, gbps_mean, gbps_std;   /* GB/s over the passes */
    double  bytes_per_pass;
    double *times_s;                          /* [n_times] s per pass (malloc'd) */
    int     n_times;
};

/* The passes with one thread count (single_thread: 1; all_threads: threads_all). */
struct cllm_membw_mode {
    bool    started;    /* the pass was begun ("single_thread"/"all_threads" written) */
    int     threads;    /* 0: stopped before the passes (allocation failure) */
    bool    measured;   /* every kernel timed: k[] holds them */
    struct cllm_membw_kernel_result k[CLLM_MEMBW_COUNT];
};

struct cllm_membw_result {
    enum cllm_classic_status status;
    char    message[512];        /* error (failed), reason (skipped), note (cancelled) */
    double  array_bytes;         /* bytes per array as measured (4 × LLC when the setting was smaller); NAN: the
                                    allocation failed before it was recorded */
    int64_t ram_available_bytes; /* skipped for RAM: what was available; -1 otherwise */
    bool    started;             /* arrays allocated: the fields below are set */
    int64_t llc_bytes;           /* -1 unknown */
    int     threads_all, repeats;
    bool    streaming_stores;    /* non-temporal stores (SSE2) rather than plain ones */
    bool    has_results;
    struct cllm_membw_mode single_thread, all_threads;
    bool    has_best;            /* all-threads best of each kernel: the headline numbers */
    double  best_gbps[CLLM_MEMBW_COUNT];
    bool    validated;
    double  max_rel_error, read_sum_rel_error;   /* inf when NaN was found */
    double  tolerance, read_sum_tolerance;
    bool    validation_passed;
};

/* Runs the phase into *r; free with cllm_membw_result_free. */
void cllm_membw_run(const struct cllm_membw_params *p, struct cllm_membw_result *r);
void cllm_membw_result_free(struct cllm_membw_result *r);

#ifdef __cplusplus
}
#endif

#endif
