/* NVIDIA GPU readings through NVML (gpu/nvml.c): utilisation, memory used, temperature, power, SM clock.
 * A reading the device answers "not supported" (power on some boards, clocks in some VMs) is not asked again. */
#include "monitor/monitor_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gpu/gpu_vendors.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

enum { R_UTIL = 1, R_MEM = 2, R_TEMP = 4, R_POWER = 8, R_CLOCK = 16 };

void cllm_mon_nvml_open(struct cllm_mon_nvml *s, const struct cllm_nvml *table, struct cllm_sampler_info *info)
{
    char err[256] = "";
    unsigned int count = 0;
    cllm_nvml_ret r;

    memset(s, 0, sizeof(*s));
    s->first = info->n_gpus;
    if (table) {
        s->nv = table;
    } else {
        enum cllm_status st = cllm_nvml_acquire(&s->nv, err, sizeof(err));
        if (st != CLLM_OK) {
            cllm_mon_info_source(info, "nvml", "unavailable", "%s", err[0] ? err : cllm_status_str(st));
            return;
        }
        s->held = true;
    }
    r = s->nv->get_count(&count);
    if (r != CLLM_NVML_SUCCESS) {
        cllm_mon_info_source(info, "nvml", "unavailable", "nvmlDeviceGetCount: %s", cllm_nvml_error_str(s->nv, r));
        cllm_mon_nvml_close(s);
        return;
    }
    for (unsigned int i = 0; i < count; i++) {
        char name[CLLM_NVML_NAME_LEN] = "", bus[32] = "";
        struct cllm_nvml_pci_info pci;
        cllm_nvml_device dev = NULL;
        int idx;

        if (s->nv->get_handle(i, &dev) != CLLM_NVML_SUCCESS)
            continue;   /* a lost or inaccessible GPU: detection reports it; the others are still sampled */
        if (s->nv->get_name(dev, name, sizeof(name)) != CLLM_NVML_SUCCESS || !name[0])
            snprintf(name, sizeof(name), "NVIDIA GPU %u", i);
        memset(&pci, 0, sizeof(pci));
        if (s->nv->get_pci && s->nv->get_pci(dev, &pci) == CLLM_NVML_SUCCESS) {
            pci.busId[sizeof(pci.busId) - 1] = '\0';
            cllm_gpu_normalize_bus_id(pci.busId, bus, sizeof(bus));
        }
        idx = cllm_mon_info_add_gpu(info, name, "nvml", bus);
        if (idx < 0)
            break;
        s->dev[s->n++] = dev;
    }
    cllm_mon_info_source(info, "nvml", "ok", "%d GPU(s) through %.160s", s->n, s->nv->path ? s->nv->path : "NVML");
}

/* Records why a reading failed; "not supported" and "no permission" will not change, so stop asking. */
static void failed(struct cllm_mon_nvml *s, int k, unsigned bit, cllm_nvml_ret r, const char *fn, const char *col,
                   struct cllm_reasons *why)
{
    char key[48];
    snprintf(key, sizeof(key), "gpu%d_%s", s->first + k, col);
    cllm_reason_set(why, key, "%s: %s", fn, cllm_nvml_error_str(s->nv, r));
    if (r == CLLM_NVML_ERROR_NOT_SUPPORTED || r == CLLM_NVML_ERROR_NO_PERMISSION)
        s->off[k] |= (unsigned char)bit;
}

static void missing(struct cllm_mon_nvml *s, int k, unsigned bit, const char *fn, const char *col,
                    struct cllm_reasons *why)
{
    char key[48];
    snprintf(key, sizeof(key), "gpu%d_%s", s->first + k, col);
    cllm_reason_set(why, key, "%s missing from the NVML library", fn);
    s->off[k] |= (unsigned char)bit;
}

void cllm_mon_nvml_sample(struct cllm_mon_nvml *s, struct cllm_sample *out, struct cllm_reasons *why)
{
    for (int k = 0; k < s->n; k++) {
        struct cllm_gpu_sample *g = &out->gpu[s->first + k];
        cllm_nvml_device dev = s->dev[k];
        cllm_nvml_ret r;

        if (!(s->off[k] & R_UTIL)) {
            struct cllm_nvml_utilization u;
            if (!s->nv->get_utilization)
                missing(s, k, R_UTIL, "nvmlDeviceGetUtilizationRates", "util_pct", why);
            else if ((r = s->nv->get_utilization(dev, &u)) == CLLM_NVML_SUCCESS)
                g->util_pct = u.gpu;
            else
                failed(s, k, R_UTIL, r, "nvmlDeviceGetUtilizationRates", "util_pct", why);
        }
        if (!(s->off[k] & R_MEM)) {
            struct cllm_nvml_memory m;
            if (!s->nv->get_memory)
                missing(s, k, R_MEM, "nvmlDeviceGetMemoryInfo", "vram_used_gb", why);
            else if ((r = s->nv->get_memory(dev, &m)) == CLLM_NVML_SUCCESS)
                g->vram_used_gb = (double)m.used / GIB;
            else
                failed(s, k, R_MEM, r, "nvmlDeviceGetMemoryInfo", "vram_used_gb", why);
        }
        if (!(s->off[k] & R_TEMP)) {
            unsigned int c;
            if (!s->nv->get_temperature)
                missing(s, k, R_TEMP, "nvmlDeviceGetTemperature", "temp_c", why);
            else if ((r = s->nv->get_temperature(dev, CLLM_NVML_TEMPERATURE_GPU, &c)) == CLLM_NVML_SUCCESS)
                g->temp_c = c;
            else
                failed(s, k, R_TEMP, r, "nvmlDeviceGetTemperature", "temp_c", why);
        }
        if (!(s->off[k] & R_POWER)) {
            unsigned int mw;
            if (!s->nv->get_power)
                missing(s, k, R_POWER, "nvmlDeviceGetPowerUsage", "power_w", why);
            else if ((r = s->nv->get_power(dev, &mw)) == CLLM_NVML_SUCCESS)
                g->power_w = mw / 1000.0;
            else
                failed(s, k, R_POWER, r, "nvmlDeviceGetPowerUsage", "power_w", why);
        }
        if (!(s->off[k] & R_CLOCK)) {
            unsigned int mhz;
            if (!s->nv->get_clock)
                missing(s, k, R_CLOCK, "nvmlDeviceGetClockInfo", "sm_clock_mhz", why);
            else if ((r = s->nv->get_clock(dev, CLLM_NVML_CLOCK_SM, &mhz)) == CLLM_NVML_SUCCESS)
                g->sm_clock_mhz = mhz;
            else
                failed(s, k, R_CLOCK, r, "nvmlDeviceGetClockInfo(SM)", "sm_clock_mhz", why);
        }
    }
}

void cllm_mon_nvml_close(struct cllm_mon_nvml *s)
{
    if (s->held)
        cllm_nvml_release();
    s->held = false;
    s->nv = NULL;
    s->n = 0;
}
