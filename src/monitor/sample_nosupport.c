/* Host readings where there is no port yet (macOS, Windows, BSDs): every host field is unknown with the reason;
 * GPU readers (NVML) still work. */
#include "monitor/monitor_priv.h"

#include <stdlib.h>

struct cllm_mon_host {
    int unused;
};

static const char *const g_fields[] = {"cpu_pct", "proc_cpu_pct", "ram_used_gb", "rss_gb", "cpu_package_w",
                                       "cpu_clock_mhz"};

struct cllm_mon_host *cllm_mon_host_open(const char *root, struct cllm_sampler_info *info, struct cllm_reasons *why)
{
    (void)root;
    for (size_t i = 0; i < sizeof(g_fields) / sizeof(g_fields[0]); i++)
        cllm_reason_set(why, g_fields[i], "host sampling not supported on this platform");
    cllm_mon_info_source(info, "host", "unavailable", "host sampling not supported on this platform");
    return calloc(1, sizeof(struct cllm_mon_host));
}

void cllm_mon_host_sample(struct cllm_mon_host *h, double now_s, struct cllm_sample *out, struct cllm_reasons *why)
{
    (void)h; (void)now_s; (void)out; (void)why;
}

void cllm_mon_host_close(struct cllm_mon_host *h) { free(h); }
