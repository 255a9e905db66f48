/* Memory bandwidth phase, measured as STREAM does: float64 arrays (256 MiB each by default, always ≥ 4× the last
 * level cache), kernels write (a = s), read (sum of a), copy (c = a) and triad (a = b + s·c), single-thread and
 * all-threads, best of ≥ 5 after a warmup, bytes counted per kernel (copy = read + write), arrays validated after.
 *
 * Phase JSON (classic_benchmarks.benchmarks.memory_bandwidth): status ("skipped" with reason, array_bytes and
 *   ram_available_bytes when the arrays do not fit in the available RAM), array_bytes, array_mb, llc_bytes,
 *   threads_all, write_gbps / read_gbps / copy_gbps / triad_gbps (all-threads best: the headline numbers),
 *   results.{single_thread,all_threads}.{write,read,copy,triad} = {gbps (best), gbps_best, gbps_mean, gbps_std,
 *   bytes_per_pass, times_s[]}, validation = {passed, max_rel_error, read_sum_rel_error, ...}. */
#ifndef CLLM_MEMBW_H
#define CLLM_MEMBW_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

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

void cllm_membw_run(const struct cllm_membw_params *p, struct cJSON *phase);

#ifdef __cplusplus
}
#endif

#endif
