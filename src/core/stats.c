#include "core/stats.h"

#include <math.h>

void cllm_stats_compute(const double *v, size_t n, struct cllm_stats *out)
{
    double sum = 0, sq = 0;
    out->n = n;
    out->mean = out->std = out->min = out->max = NAN;
    if (n == 0)
        return;
    out->min = out->max = v[0];
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        if (v[i] < out->min)
            out->min = v[i];
        if (v[i] > out->max)
            out->max = v[i];
    }
    out->mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (v[i] - out->mean) * (v[i] - out->mean);
    out->std = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;
}

double cllm_gemm_gflops(int n, double time_s)
{
    return time_s > 0 ? 2.0 * (double)n * (double)n * (double)n / time_s / 1e9 : NAN;
}

double cllm_bandwidth_gbps(double bytes, double time_s) { return time_s > 0 ? bytes / time_s / 1e9 : NAN; }
