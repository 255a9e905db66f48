/* NVIDIA GPUs through NVML (libnvidia-ml, installed with the driver), loaded at run time: the binding (library
 * search, symbol table, a reference-counted nvmlInit/nvmlShutdown pair), the device list with its static facts, and
 * the readings (utilisation, memory used, temperature, power, SM clock, clocks-event reasons, the total energy
 * counter). A reading the device answers "not
 * supported" (power on some boards, clocks in some VMs) is not asked again. */
#include "gpu/nvml.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "gpu/gpu_vendors.h"
#include "platform/dl.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int             g_refs;     /* holders of a successful acquire */
static struct cllm_dl *g_dl;
static struct cllm_nvml g_nv;

const char *cllm_nvml_error_str(const struct cllm_nvml *nv, cllm_nvml_ret r)
{
    static _Thread_local char buf[32];
    const char *s = (nv && nv->error_string) ? nv->error_string(r) : NULL;
    if (s && s[0])
        return s;
    snprintf(buf, sizeof(buf), "NVML error %d", r);
    return buf;
}

/* Unloads without nvmlShutdown (init never succeeded or was already undone). */
static void unload(void)
{
    cllm_dl_close(g_dl);
    g_dl = NULL;
    memset(&g_nv, 0, sizeof(g_nv));
}

static enum cllm_status load(char *err, size_t errlen)
{
#if defined(_WIN32)
    static const char *const names[] = {"nvml.dll", NULL};
    static const char *const dirs[] = {"C:\\Program Files\\NVIDIA Corporation\\NVSMI", NULL};
#else
    static const char *const names[] = {"libnvidia-ml.so.1", "libnvidia-ml.so", NULL};
    /* containers (nvidia-container-toolkit) and WSL put the driver's libraries outside the loader's cache */
    static const char *const dirs[] = {"/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64",
                                       "/usr/lib/wsl/lib", NULL};
#endif
    const struct cllm_dl_sym_spec specs[] = {
        {{"nvmlInit_v2", "nvmlInit", NULL}, (void **)&g_nv.init, true},
        {{"nvmlShutdown", NULL}, (void **)&g_nv.shutdown, true},
        {{"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount", NULL}, (void **)&g_nv.get_count, true},
        {{"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex", NULL}, (void **)&g_nv.get_handle, true},
        {{"nvmlDeviceGetName", NULL}, (void **)&g_nv.get_name, true},
        {{"nvmlDeviceGetMemoryInfo", NULL}, (void **)&g_nv.get_memory, false},
        {{"nvmlSystemGetDriverVersion", NULL}, (void **)&g_nv.get_driver, false},
        {{"nvmlDeviceGetCudaComputeCapability", NULL}, (void **)&g_nv.get_cc, false},
        {{"nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2", NULL}, (void **)&g_nv.get_pci, false},
        {{"nvmlErrorString", NULL}, (void **)&g_nv.error_string, false},
        {{"nvmlDeviceGetUtilizationRates", NULL}, (void **)&g_nv.get_utilization, false},
        {{"nvmlDeviceGetTemperature", NULL}, (void **)&g_nv.get_temperature, false},
        {{"nvmlDeviceGetPowerUsage", NULL}, (void **)&g_nv.get_power, false},
        {{"nvmlDeviceGetClockInfo", NULL}, (void **)&g_nv.get_clock, false},
        /* the newer name (NVML reference R550 has both; R525 only the older one) */
        {{"nvmlDeviceGetCurrentClocksEventReasons", "nvmlDeviceGetCurrentClocksThrottleReasons", NULL},
         (void **)&g_nv.get_clocks_event_reasons, false},
        {{"nvmlDeviceGetTotalEnergyConsumption", NULL}, (void **)&g_nv.get_total_energy, false},
    };
    const char *override = getenv("CLLM_NVML_LIB");
    const char *const one[] = {override, NULL};
    enum cllm_status st;
    cllm_nvml_ret r;

    memset(&g_nv, 0, sizeof(g_nv));
    if (override && override[0])
        g_dl = cllm_dl_open_first(one, err, errlen);
    else
        g_dl = cllm_dl_open_in(dirs, names, err, errlen);
    if (!g_dl)
        return CLLM_ERR_LIBRARY;   /* err lists every name tried with the loader's message */
    st = cllm_dl_load_syms(g_dl, specs, sizeof(specs) / sizeof(specs[0]), err, errlen);
    if (st != CLLM_OK) {
        unload();
        return st;
    }
    g_nv.path = cllm_dl_path(g_dl);
    r = g_nv.init();
    if (r != CLLM_NVML_SUCCESS) {
        snprintf(err, errlen, "nvmlInit (%s): %s", cllm_dl_path(g_dl), cllm_nvml_error_str(&g_nv, r));
        unload();
        /* a library without a loaded kernel driver is a machine without NVIDIA GPUs, not a fault */
        return (r == CLLM_NVML_ERROR_DRIVER_NOT_LOADED || r == CLLM_NVML_ERROR_LIBRARY_NOT_FOUND)
                   ? CLLM_ERR_NOT_FOUND
                   : CLLM_ERR_IO;
    }
    return CLLM_OK;
}

enum cllm_status cllm_nvml_acquire(const struct cllm_nvml **out, char *err, size_t errlen)
{
    enum cllm_status st = CLLM_OK;

    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    pthread_mutex_lock(&g_lock);
    if (g_refs == 0)
        st = load(err, errlen);
    if (st == CLLM_OK) {
        g_refs++;
        *out = &g_nv;
    }
    pthread_mutex_unlock(&g_lock);
    return st;
}

void cllm_nvml_release(void)
{
    pthread_mutex_lock(&g_lock);
    if (g_refs > 0 && --g_refs == 0) {
        g_nv.shutdown();
        unload();
    }
    pthread_mutex_unlock(&g_lock);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* the vendor                                                                                                   */

#define GIB (1024.0 * 1024.0 * 1024.0)

enum { R_UTIL = 1, R_MEM = 2, R_TEMP = 4, R_POWER = 8, R_CLOCK = 16, R_THROTTLE = 32, R_ENERGY = 64 };

/* One holder's view: its reference on the library (or a caller's table) and the devices it listed. */
struct nvml_ctx {
    const struct cllm_nvml *nv;
    bool  held;                               /* we own a cllm_nvml_acquire reference */
    char  driver[CLLM_NVML_DRIVER_LEN];       /* "" unknown, with driver_why */
    char  driver_why[96];
    int   n;
    unsigned int     nvml_index[CLLM_GPU_MAX];   /* NVML's own numbering (a lost GPU leaves a gap) */
    cllm_nvml_device dev[CLLM_GPU_MAX];
    unsigned char    off[CLLM_GPU_MAX];          /* bit per reading the device answered "not supported" */
};

static const char *nvml_err(const struct nvml_ctx *c, cllm_nvml_ret r) { return cllm_nvml_error_str(c->nv, r); }

enum cllm_status cllm_nvml_vendor_open(const struct cllm_nvml *table, void **ctx, char *err, size_t errlen)
{
    struct nvml_ctx *c = calloc(1, sizeof(*c));
    enum cllm_status st;

    *ctx = NULL;
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    if (table) {
        c->nv = table;
    } else {
        st = cllm_nvml_acquire(&c->nv, err, errlen);
        if (st != CLLM_OK) {
            free(c);
            return st;
        }
        c->held = true;
    }
    cllm_gpu_copy(err, errlen, c->nv->path ? c->nv->path : "NVML");
    *ctx = c;
    return CLLM_OK;
}

static enum cllm_status nvml_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    *ctx = NULL;
    if (!cllm_gpu_may_ask_os(p)) {
        snprintf(err, errlen, "not queried: NVML reads the live machine and this is a captured tree");
        return CLLM_ERR_UNSUPPORTED;
    }
    return cllm_nvml_vendor_open(NULL, ctx, err, errlen);
}

static void nvml_shutdown(void *ctx)
{
    struct nvml_ctx *c = ctx;
    if (!c)
        return;
    if (c->held)
        cllm_nvml_release();
    free(c);
}

static int nvml_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct nvml_ctx *c = ctx;
    unsigned int count = 0;
    cllm_nvml_ret r;

    c->n = 0;
    r = c->nv->get_count(&count);
    if (r != CLLM_NVML_SUCCESS) {
        snprintf(err, errlen, "nvmlDeviceGetCount: %s", nvml_err(c, r));
        return -1;
    }
    snprintf(c->driver_why, sizeof(c->driver_why), "nvmlSystemGetDriverVersion missing from the library");
    if (c->nv->get_driver) {
        r = c->nv->get_driver(c->driver, sizeof(c->driver));
        if (r != CLLM_NVML_SUCCESS) {
            c->driver[0] = '\0';
            snprintf(c->driver_why, sizeof(c->driver_why), "nvmlSystemGetDriverVersion: %s", nvml_err(c, r));
        }
    }
    if (max > CLLM_GPU_MAX)
        max = CLLM_GPU_MAX;
    for (unsigned int i = 0; i < count && c->n < max; i++) {
        cllm_nvml_device dev = NULL;
        r = c->nv->get_handle(i, &dev);
        if (r != CLLM_NVML_SUCCESS) {
            /* a lost or inaccessible GPU: the others are still worth listing */
            CLLM_LOG(CLLM_LOG_WARN, "gpu: nvml: GPU %u skipped: %s", i, nvml_err(c, r));
            continue;
        }
        c->nvml_index[c->n] = i;
        c->off[c->n] = 0;
        c->dev[c->n++] = dev;
    }
    return c->n;
}

static void nvml_static_info(void *ctx, int k, struct cllm_gpu_device *d)
{
    struct nvml_ctx *c = ctx;
    cllm_nvml_device dev = c->dev[k];
    struct cllm_nvml_memory mem;
    struct cllm_nvml_pci_info pci;
    char name[CLLM_NVML_NAME_LEN] = "";
    int major = 0, minor = 0;
    cllm_nvml_ret r;

    cllm_gpu_device_init(d);
    snprintf(d->vendor, sizeof(d->vendor), "NVIDIA");
    snprintf(d->source, sizeof(d->source), "nvml");
    d->integrated = false;

    r = c->nv->get_name(dev, name, sizeof(name));
    if (r == CLLM_NVML_SUCCESS && name[0]) {
        cllm_gpu_copy(d->name, sizeof(d->name), name);
    } else {
        snprintf(d->name, sizeof(d->name), "NVIDIA GPU %u", c->nvml_index[k]);
        cllm_reason_set(&d->why, "name", "nvmlDeviceGetName: %s", nvml_err(c, r));
    }

    if (!c->nv->get_memory)
        cllm_reason_set(&d->why, "vram_total_gb", "nvmlDeviceGetMemoryInfo missing from the library");
    else if ((r = c->nv->get_memory(dev, &mem)) == CLLM_NVML_SUCCESS) {
        d->vram_total_gb = cllm_gpu_bytes_to_gb(mem.total);
        d->vram_free_gb = cllm_gpu_bytes_to_gb(mem.free);
    } else {
        cllm_reason_set(&d->why, "vram_total_gb", "nvmlDeviceGetMemoryInfo: %s", nvml_err(c, r));
        cllm_reason_set(&d->why, "vram_free_gb", "nvmlDeviceGetMemoryInfo: %s", nvml_err(c, r));
    }

    if (c->driver[0])
        cllm_gpu_copy(d->driver_version, sizeof(d->driver_version), c->driver);
    else
        cllm_reason_set(&d->why, "driver_version", "%s", c->driver_why);

    if (!c->nv->get_cc)
        cllm_reason_set(&d->why, "compute_capability", "nvmlDeviceGetCudaComputeCapability missing");
    else if ((r = c->nv->get_cc(dev, &major, &minor)) == CLLM_NVML_SUCCESS)
        snprintf(d->compute_capability, sizeof(d->compute_capability), "%d.%d", major, minor);
    else
        cllm_reason_set(&d->why, "compute_capability", "nvmlDeviceGetCudaComputeCapability: %s", nvml_err(c, r));

    memset(&pci, 0, sizeof(pci));
    if (!c->nv->get_pci)
        cllm_reason_set(&d->why, "pci_bus_id", "nvmlDeviceGetPciInfo_v3/_v2 missing from the library");
    else if ((r = c->nv->get_pci(dev, &pci)) != CLLM_NVML_SUCCESS)
        cllm_reason_set(&d->why, "pci_bus_id", "nvmlDeviceGetPciInfo: %s", nvml_err(c, r));
    else {
        pci.busId[sizeof(pci.busId) - 1] = '\0';
        if (!cllm_gpu_normalize_bus_id(pci.busId, d->pci_bus_id, sizeof(d->pci_bus_id)))
            snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "%04x:%02x:%02x.0", pci.domain & 0xffffu,
                     pci.bus & 0xffu, pci.device & 0x1fu);
    }
}

/* Records why a reading failed; "not supported" and "no permission" will not change, so stop asking. */
static void failed(struct nvml_ctx *c, int k, int index, unsigned bit, cllm_nvml_ret r, const char *fn,
                   const char *col, struct cllm_reasons *why)
{
    char key[48];
    snprintf(key, sizeof(key), "gpu%d_%s", index, col);
    cllm_reason_set(why, key, "%s: %s", fn, nvml_err(c, r));
    if (r == CLLM_NVML_ERROR_NOT_SUPPORTED || r == CLLM_NVML_ERROR_NO_PERMISSION)
        c->off[k] |= (unsigned char)bit;
}

static void missing(struct nvml_ctx *c, int k, int index, unsigned bit, const char *fn, const char *col,
                    struct cllm_reasons *why)
{
    char key[48];
    snprintf(key, sizeof(key), "gpu%d_%s", index, col);
    cllm_reason_set(why, key, "%s missing from the NVML library", fn);
    c->off[k] |= (unsigned char)bit;
}

static void nvml_sample(void *ctx, int k, int index, struct cllm_gpu_sample *g, struct cllm_reasons *why)
{
    struct nvml_ctx *c = ctx;
    cllm_nvml_device dev = c->dev[k];
    cllm_nvml_ret r;

    if (!(c->off[k] & R_UTIL)) {
        struct cllm_nvml_utilization u;
        if (!c->nv->get_utilization)
            missing(c, k, index, R_UTIL, "nvmlDeviceGetUtilizationRates", "util_pct", why);
        else if ((r = c->nv->get_utilization(dev, &u)) == CLLM_NVML_SUCCESS)
            g->util_pct = u.gpu;
        else
            failed(c, k, index, R_UTIL, r, "nvmlDeviceGetUtilizationRates", "util_pct", why);
    }
    if (!(c->off[k] & R_MEM)) {
        struct cllm_nvml_memory m;
        if (!c->nv->get_memory)
            missing(c, k, index, R_MEM, "nvmlDeviceGetMemoryInfo", "vram_used_gb", why);
        else if ((r = c->nv->get_memory(dev, &m)) == CLLM_NVML_SUCCESS)
            g->vram_used_gb = (double)m.used / GIB;
        else
            failed(c, k, index, R_MEM, r, "nvmlDeviceGetMemoryInfo", "vram_used_gb", why);
    }
    if (!(c->off[k] & R_TEMP)) {
        unsigned int t;
        if (!c->nv->get_temperature)
            missing(c, k, index, R_TEMP, "nvmlDeviceGetTemperature", "temp_c", why);
        else if ((r = c->nv->get_temperature(dev, CLLM_NVML_TEMPERATURE_GPU, &t)) == CLLM_NVML_SUCCESS)
            g->temp_c = t;
        else
            failed(c, k, index, R_TEMP, r, "nvmlDeviceGetTemperature", "temp_c", why);
    }
    if (!(c->off[k] & R_POWER)) {
        unsigned int mw;
        if (!c->nv->get_power)
            missing(c, k, index, R_POWER, "nvmlDeviceGetPowerUsage", "power_w", why);
        else if ((r = c->nv->get_power(dev, &mw)) == CLLM_NVML_SUCCESS)
            g->power_w = mw / 1000.0;
        else
            failed(c, k, index, R_POWER, r, "nvmlDeviceGetPowerUsage", "power_w", why);
    }
    if (!(c->off[k] & R_CLOCK)) {
        unsigned int mhz;
        if (!c->nv->get_clock)
            missing(c, k, index, R_CLOCK, "nvmlDeviceGetClockInfo", "sm_clock_mhz", why);
        else if ((r = c->nv->get_clock(dev, CLLM_NVML_CLOCK_SM, &mhz)) == CLLM_NVML_SUCCESS)
            g->sm_clock_mhz = mhz;
        else
            failed(c, k, index, R_CLOCK, r, "nvmlDeviceGetClockInfo(SM)", "sm_clock_mhz", why);
    }
    if (!(c->off[k] & R_THROTTLE)) {
        unsigned long long reasons = 0;
        if (!c->nv->get_clocks_event_reasons)
            missing(c, k, index, R_THROTTLE, "nvmlDeviceGetCurrentClocksEventReasons", "throttle_reasons", why);
        else if ((r = c->nv->get_clocks_event_reasons(dev, &reasons)) == CLLM_NVML_SUCCESS) {
            g->throttle_reasons = reasons;
            g->throttle_known = true;
        } else
            failed(c, k, index, R_THROTTLE, r, "nvmlDeviceGetCurrentClocksEventReasons", "throttle_reasons", why);
    }
    if (!(c->off[k] & R_ENERGY)) {
        unsigned long long mj;
        if (!c->nv->get_total_energy)
            missing(c, k, index, R_ENERGY, "nvmlDeviceGetTotalEnergyConsumption", "energy_j", why);
        else if ((r = c->nv->get_total_energy(dev, &mj)) == CLLM_NVML_SUCCESS)
            g->energy_j = (double)mj / 1000.0;
        else
            failed(c, k, index, R_ENERGY, r, "nvmlDeviceGetTotalEnergyConsumption", "energy_j", why);
    }
}

const struct cllm_gpu_vendor cllm_gpu_vendor_nvml = {
    .name = "nvml",
    .init = nvml_init,
    .devices = nvml_devices,
    .static_info = nvml_static_info,
    .sample = nvml_sample,
    .shutdown = nvml_shutdown,
};
