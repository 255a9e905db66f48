/* The one NVML binding: library search, symbol table and a reference-counted nvmlInit/nvmlShutdown pair. */
#include "gpu/nvml.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
