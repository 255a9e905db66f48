#include "bench/bench_util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

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

void cllm_phase_set_status(cJSON *obj, const char *status, const char *key, const char *text)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "status");
    cJSON_AddStringToObject(obj, "status", status);
    if (key && text) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
        cJSON_AddStringToObject(obj, key, text);
    }
}

void cllm_json_add_doubles(cJSON *obj, const char *key, const double *v, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(v[i]));
}

double cllm_process_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return NAN;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

double cllm_process_rss_gb(void)
{
    unsigned long long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    long page = sysconf(_SC_PAGESIZE);
    int n;
    if (!f)
        return NAN;
    n = fscanf(f, "%llu %llu", &size, &resident);
    fclose(f);
    if (n != 2 || page <= 0)
        return NAN;
    return (double)resident * (double)page / (1024.0 * 1024.0 * 1024.0);
}
