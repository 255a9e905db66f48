/* This process's own resources: CPU time (getrusage) and resident set (/proc/self/statm); NAN where the platform
 * has neither. */
#include "platform/proc.h"

#include <math.h>
#include <stdio.h>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#include <unistd.h>

double cllm_proc_self_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return NAN;
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

double cllm_proc_self_rss_gb(void)
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

#else

double cllm_proc_self_cpu_s(void) { return NAN; }
double cllm_proc_self_rss_gb(void) { return NAN; }

#endif
