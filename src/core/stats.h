/* Sample statistics and the rates of timed measurements (GFLOPS, GB/s). */
#ifndef CLLM_STATS_H
#define CLLM_STATS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_stats {
    double mean, std, min, max;   /* std is the sample standard deviation (n-1); 0 for one sample */
    size_t n;
};

void cllm_stats_compute(const double *v, size_t n, struct cllm_stats *out);

/* GFLOPS of an N×N×N matrix product taking time_s: 2·N³ / time / 1e9. */
double cllm_gemm_gflops(int n, double time_s);

/* GB/s (10^9 bytes per second) of moving `bytes` in time_s. */
double cllm_bandwidth_gbps(double bytes, double time_s);

#ifdef __cplusplus
}
#endif

#endif
