/* This machine's sampler: the host readers of this platform, then the GPUs of gpu/gpu.h's set, which opens the same
 * vendor list as GPU detection, so the monitor's GPU i is detection's GPU i. */
#include "monitor/monitor_priv.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/clock.h"

struct sys_state {
    struct cllm_mon_host *host;
    struct cllm_gpu_set  *gpus;   /* NULL: GPUs not sampled */
};

static const struct cllm_mon_system_cfg g_live = {"/", {"/", true}, NULL, 0};

/* The set's devices and vendor notes into the sampler's info. */
static void describe_gpus(const struct cllm_gpu_info *g, struct cllm_sampler_info *info)
{
    for (int i = 0; i < g->n_devices; i++)
        cllm_mon_info_add_gpu(info, g->devices[i].name, g->devices[i].source, g->devices[i].pci_bus_id);
    for (int i = 0; i < g->n_notes; i++)
        cllm_mon_info_source(info, g->notes[i].source, g->notes[i].status, "%s", g->notes[i].detail);
    if (g->n_notes == 0)   /* macOS: Metal and Vulkan list GPUs but give no readings */
        cllm_mon_info_source(info, "gpu", "unavailable", "no GPU vendor with readings on this platform");
}

static enum cllm_status sys_open(const struct cllm_sampler *self, bool gpu, void **state,
                                 struct cllm_sampler_info *info, struct cllm_reasons *why, char *err, size_t errlen)
{
    const struct cllm_mon_system_cfg *cfg = self->user_data ? self->user_data : &g_live;
    struct sys_state *st = calloc(1, sizeof(*st));
    struct cllm_gpu_info *g = NULL;

    if (st)
        st->host = cllm_mon_host_open(cfg->root, info, why);
    if (st && st->host && gpu) {
        g = malloc(sizeof(*g));   /* 16 devices with their reasons: off the stack */
        st->gpus = g ? cllm_gpu_open(&cfg->gpu, cfg->vendors, cfg->n_vendors, g) : NULL;
    }
    if (!st || !st->host || (gpu && !st->gpus)) {
        if (st)
            cllm_mon_host_close(st->host);
        free(st);
        free(g);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    if (gpu)
        describe_gpus(g, info);
    else
        cllm_mon_info_source(info, "gpu", "off", "GPU sampling not asked for");
    free(g);
    *state = st;
    return CLLM_OK;
}

static void sys_sample(void *state, struct cllm_sample *out, struct cllm_reasons *why)
{
    struct sys_state *st = state;

    cllm_mon_host_sample(st->host, cllm_now_s(), out, why);
    cllm_gpu_sample(st->gpus, out->gpu, why);
}

static void sys_close(void *state)
{
    struct sys_state *st = state;
    if (!st)
        return;
    cllm_gpu_close(st->gpus);
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

const struct cllm_sampler *cllm_monitor_sampler_system(void) { return &g_system; }

struct cllm_sampler cllm_monitor_sampler_system_with(const struct cllm_mon_system_cfg *cfg)
{
    struct cllm_sampler s = g_system;
    s.user_data = (void *)cfg;
    return s;
}
