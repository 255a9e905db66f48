/* The resource monitor's /proc parsers (src/monitor/monitor_priv.h) on any text: /proc/stat (the aggregate line
 * and the per-CPU count), /proc/PID/statm, /proc/meminfo and /proc/cpuinfo's "cpu MHz" lines, each fed the same
 * input. Checks what they promise: a rate from two readings as counted, a CPU count never above the input's lines, a clock mean
 * positive and finite, used memory never negative. */
#include <math.h>
#include <stdbool.h>

#include "monitor/monitor_priv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    struct cllm_cpu_ticks t = {0, 0}, t2;
    unsigned long long pages = 0;
    double used = -1, mhz = -1, pct;
    size_t lines = 1;
    int cpus;

    for (size_t i = 0; s[i]; i++)
        lines += s[i] == '\n';
    if (cllm_mon_parse_proc_stat(s, &t)) {
        t2 = t;
        FUZZ_CHECK(isnan(cllm_mon_cpu_pct(&t, &t2)));   /* no tick between equal readings */
        t2.total += 100;
        t2.busy += 30;
        pct = cllm_mon_cpu_pct(&t, &t2);
        if (t2.total > t.total && t2.busy > t.busy)   /* huge counters wrap */
            FUZZ_CHECK(pct == 30.0);
        else
            FUZZ_CHECK(isnan(pct));
    }
    cpus = cllm_mon_parse_proc_stat_cpus(s);
    FUZZ_CHECK(cpus >= 0 && (size_t)cpus <= lines);
    if (cllm_mon_parse_cpuinfo_mhz(s, &mhz))
        FUZZ_CHECK(isfinite(mhz) && mhz > 0);
    else
        FUZZ_CHECK(mhz == -1);   /* left alone on failure */
    (void)cllm_mon_parse_statm(s, &pages);
    if (cllm_mon_parse_mem_used(s, &used))
        FUZZ_CHECK(used >= 0);
    free(s);
    return 0;
}
