/* This machine's sampler: the host readers of this platform, then NVML GPUs, then amdgpu GPUs (the order GPU
 * detection lists them in). */
#include "monitor/monitor_priv.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"

struct sys_state {
    struct cllm_mon_host  *host;
    bool                   gpu;
    struct cllm_mon_nvml   nvml;
    struct cllm_mon_amdgpu amd;
};

static enum cllm_status sys_open(const struct cllm_sampler *self, bool gpu, void **state,
                                 struct cllm_sampler_info *info, struct cllm_reasons *why, char *err, size_t errlen)
{
    struct sys_state *st = calloc(1, sizeof(*st));

    (void)self;
    if (st)
        st->host = cllm_mon_host_open("/", info, why);
    if (!st || !st->host) {
        free(st);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    st->gpu = gpu;
    if (gpu) {
        cllm_mon_nvml_open(&st->nvml, NULL, info);
        cllm_mon_amdgpu_open(&st->amd, "/", info, why);
    } else {
        cllm_mon_info_source(info, "gpu", "off", "GPU sampling not asked for");
    }
    *state = st;
    return CLLM_OK;
}

static void sys_sample(void *state, struct cllm_sample *out, struct cllm_reasons *why)
{
    struct sys_state *st = state;

    cllm_mon_host_sample(st->host, cllm_now_s(), out, why);
    if (st->gpu) {
        cllm_mon_nvml_sample(&st->nvml, out, why);
        cllm_mon_amdgpu_sample(&st->amd, out, why);
    }
}

static void sys_close(void *state)
{
    struct sys_state *st = state;
    if (!st)
        return;
    cllm_mon_nvml_close(&st->nvml);
    cllm_mon_host_close(st->host);
    free(st);
}

static const struct cllm_sampler g_system = {
    .name = "system",
    .user_data = NULL,
    .open = sys_open,
    .sample = sys_sample,
    .close = sys_close,
};

const struct cllm_sampler *cllm_sampler_system(void) { return &g_system; }
