/* Shared arithmetic of the classic phases: sample statistics and the JSON of a timed measurement. */
#ifndef CLLM_BENCH_UTIL_H
#define CLLM_BENCH_UTIL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

struct cllm_stats {
    double mean, std, min, max;   /* std is the sample standard deviation (n-1); 0 for one sample */
    size_t n;
};

void cllm_stats_compute(const double *v, size_t n, struct cllm_stats *out);

/* GFLOPS of an N×N×N matrix product taking time_s: 2·N³ / time / 1e9. */
double cllm_gemm_gflops(int n, double time_s);

/* GB/s (10^9 bytes per second) of moving `bytes` in time_s. */
double cllm_bandwidth_gbps(double bytes, double time_s);

/* Replaces obj's "status" with `status` and, when key and text are both given, sets `key` to text (e.g. "error",
 * "reason", "cancelled"). */
void cllm_phase_set_status(struct cJSON *obj, const char *status, const char *key, const char *text);

/* Adds an array of doubles under `key`. */
void cllm_json_add_doubles(struct cJSON *obj, const char *key, const double *v, size_t n);

/* CPU time (user + system) of this process in seconds, from getrusage. */
double cllm_process_cpu_s(void);

/* Resident set of this process in GiB (/proc/self/statm); NAN where it cannot be read. */
double cllm_process_rss_gb(void);

#ifdef __cplusplus
}
#endif

#endif
