/* NVIDIA GPUs through NVML (libnvidia-ml, installed with the driver), loaded at run time.
 * The declarations below are our own, written from NVIDIA's NVML API reference; no SDK header is needed. */
#include "hw/gpu_vendors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_priv.h"
#include "platform/dl.h"

/* ---- minimal NVML declarations ---- */
typedef int nvmlReturn_t;                 /* NVML_SUCCESS = 0 */
typedef struct cllm_nvml_device *nvmlDevice_t;  /* opaque handle */

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
};

typedef struct {
    unsigned long long total, free, used;  /* bytes */
} nvmlMemory_t;

/* Layout of nvmlDeviceGetPciInfo_v2/_v3: busIdLegacy[16] (NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE) first,
 * busId[32] (NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE) last. */
typedef struct {
    char         busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;     /* device id << 16 | vendor id */
    unsigned int pciSubSystemId;
    char         busId[32];       /* "00000000:65:00.0" */
} nvmlPciInfo_t;

#define CLLM_NVML_NAME_LEN    96  /* NVML_DEVICE_NAME_V2_BUFFER_SIZE */
#define CLLM_NVML_DRIVER_LEN  80  /* NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE */

static struct {
    struct cllm_dl *dl;
    bool            initialised;   /* nvmlInit succeeded: shutdown owes an nvmlShutdown */
    nvmlReturn_t (*init)(void);
    nvmlReturn_t (*shutdown)(void);
    nvmlReturn_t (*get_count)(unsigned int *count);
    nvmlReturn_t (*get_handle)(unsigned int index, nvmlDevice_t *dev);
    nvmlReturn_t (*get_name)(nvmlDevice_t dev, char *name, unsigned int len);
    nvmlReturn_t (*get_memory)(nvmlDevice_t dev, nvmlMemory_t *mem);
    nvmlReturn_t (*get_driver)(char *version, unsigned int len);
    nvmlReturn_t (*get_cc)(nvmlDevice_t dev, int *major, int *minor);
    nvmlReturn_t (*get_pci)(nvmlDevice_t dev, nvmlPciInfo_t *pci);
    const char *(*error_string)(nvmlReturn_t r);
} g_nvml;

static const char *nvml_err(nvmlReturn_t r)
{
    static char buf[32];
    const char *s = g_nvml.error_string ? g_nvml.error_string(r) : NULL;
    if (s && s[0])
        return s;
    snprintf(buf, sizeof(buf), "NVML error %d", r);
    return buf;
}

static void nvml_shutdown(void)
{
    if (g_nvml.initialised && g_nvml.shutdown)
        g_nvml.shutdown();
    cllm_dl_close(g_nvml.dl);
    memset(&g_nvml, 0, sizeof(g_nvml));
}

static enum cllm_status nvml_init(const struct cllm_hw_params *p, char *err, size_t errlen)
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
        {{"nvmlInit_v2", "nvmlInit", NULL}, (void **)&g_nvml.init, true},
        {{"nvmlShutdown", NULL}, (void **)&g_nvml.shutdown, true},
        {{"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount", NULL}, (void **)&g_nvml.get_count, true},
        {{"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex", NULL}, (void **)&g_nvml.get_handle, true},
        {{"nvmlDeviceGetName", NULL}, (void **)&g_nvml.get_name, true},
        {{"nvmlDeviceGetMemoryInfo", NULL}, (void **)&g_nvml.get_memory, false},
        {{"nvmlSystemGetDriverVersion", NULL}, (void **)&g_nvml.get_driver, false},
        {{"nvmlDeviceGetCudaComputeCapability", NULL}, (void **)&g_nvml.get_cc, false},
        {{"nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2", NULL}, (void **)&g_nvml.get_pci, false},
        {{"nvmlErrorString", NULL}, (void **)&g_nvml.error_string, false},
    };
    const char *override = getenv("CLLM_NVML_LIB");
    const char *const one[] = {override, NULL};
    enum cllm_status st;
    nvmlReturn_t r;

    memset(&g_nvml, 0, sizeof(g_nvml));
    if (!cllm_hw_may_ask_os(p)) {
        snprintf(err, errlen, "not queried: NVML reads the live machine and this is a captured tree");
        return CLLM_ERR_UNSUPPORTED;
    }
    if (override && override[0])
        g_nvml.dl = cllm_dl_open_first(one, err, errlen);
    else
        g_nvml.dl = cllm_dl_open_in(dirs, names, err, errlen);
    if (!g_nvml.dl)
        return CLLM_ERR_LIBRARY;   /* err lists every name tried with the loader's message */
    st = cllm_dl_load_syms(g_nvml.dl, specs, sizeof(specs) / sizeof(specs[0]), err, errlen);
    if (st != CLLM_OK) {
        nvml_shutdown();
        return st;
    }
    r = g_nvml.init();
    if (r != NVML_SUCCESS) {
        snprintf(err, errlen, "nvmlInit (%s): %s", cllm_dl_path(g_nvml.dl), nvml_err(r));
        nvml_shutdown();
        /* a library without a loaded kernel driver is a machine without NVIDIA GPUs, not a fault */
        return (r == NVML_ERROR_DRIVER_NOT_LOADED || r == NVML_ERROR_LIBRARY_NOT_FOUND) ? CLLM_ERR_NOT_FOUND
                                                                                          : CLLM_ERR_IO;
    }
    g_nvml.initialised = true;
    cllm_gpu_copy(err, errlen, cllm_dl_path(g_nvml.dl));
    return CLLM_OK;
}

static int nvml_get_devices(const struct cllm_hw_params *p, struct cllm_gpu_device *out, int max, char *err,
                            size_t errlen)
{
    char driver[CLLM_NVML_DRIVER_LEN] = "";
    char driver_why[96] = "nvmlSystemGetDriverVersion missing from the library";
    unsigned int count = 0;
    nvmlReturn_t r;
    int n = 0;

    (void)p;
    r = g_nvml.get_count(&count);
    if (r != NVML_SUCCESS) {
        snprintf(err, errlen, "nvmlDeviceGetCount: %s", nvml_err(r));
        return -1;
    }
    if (g_nvml.get_driver) {
        r = g_nvml.get_driver(driver, sizeof(driver));
        if (r != NVML_SUCCESS) {
            driver[0] = '\0';
            snprintf(driver_why, sizeof(driver_why), "nvmlSystemGetDriverVersion: %s", nvml_err(r));
        }
    }

    for (unsigned int i = 0; i < count && n < max; i++) {
        struct cllm_gpu_device *d = &out[n];
        nvmlDevice_t dev = NULL;
        nvmlMemory_t mem;
        nvmlPciInfo_t pci;
        int major = 0, minor = 0;

        r = g_nvml.get_handle(i, &dev);
        if (r != NVML_SUCCESS) {
            /* a lost or inaccessible GPU: the others are still worth listing */
            CLLM_LOG(CLLM_LOG_WARN, "gpu: nvml: GPU %u skipped: %s", i, nvml_err(r));
            continue;
        }
        cllm_gpu_device_init(d);
        snprintf(d->vendor, sizeof(d->vendor), "NVIDIA");
        snprintf(d->source, sizeof(d->source), "nvml");
        d->integrated = false;

        {
            char name[CLLM_NVML_NAME_LEN] = "";
            r = g_nvml.get_name(dev, name, sizeof(name));
            if (r == NVML_SUCCESS && name[0])
                cllm_gpu_copy(d->name, sizeof(d->name), name);
            else {
                snprintf(d->name, sizeof(d->name), "NVIDIA GPU %u", i);
                cllm_reason_set(&d->why, "name", "nvmlDeviceGetName: %s", nvml_err(r));
            }
        }

        if (!g_nvml.get_memory)
            cllm_reason_set(&d->why, "vram_total_gb", "nvmlDeviceGetMemoryInfo missing from the library");
        else if ((r = g_nvml.get_memory(dev, &mem)) == NVML_SUCCESS) {
            d->vram_total_gb = cllm_gpu_bytes_to_gb(mem.total);
            d->vram_free_gb = cllm_gpu_bytes_to_gb(mem.free);
        } else {
            cllm_reason_set(&d->why, "vram_total_gb", "nvmlDeviceGetMemoryInfo: %s", nvml_err(r));
            cllm_reason_set(&d->why, "vram_free_gb", "nvmlDeviceGetMemoryInfo: %s", nvml_err(r));
        }

        if (driver[0])
            cllm_gpu_copy(d->driver_version, sizeof(d->driver_version), driver);
        else
            cllm_reason_set(&d->why, "driver_version", "%s", driver_why);

        if (!g_nvml.get_cc)
            cllm_reason_set(&d->why, "compute_capability", "nvmlDeviceGetCudaComputeCapability missing");
        else if ((r = g_nvml.get_cc(dev, &major, &minor)) == NVML_SUCCESS)
            snprintf(d->compute_capability, sizeof(d->compute_capability), "%d.%d", major, minor);
        else
            cllm_reason_set(&d->why, "compute_capability", "nvmlDeviceGetCudaComputeCapability: %s", nvml_err(r));

        memset(&pci, 0, sizeof(pci));
        if (!g_nvml.get_pci)
            cllm_reason_set(&d->why, "pci_bus_id", "nvmlDeviceGetPciInfo_v3/_v2 missing from the library");
        else if ((r = g_nvml.get_pci(dev, &pci)) != NVML_SUCCESS)
            cllm_reason_set(&d->why, "pci_bus_id", "nvmlDeviceGetPciInfo: %s", nvml_err(r));
        else {
            pci.busId[sizeof(pci.busId) - 1] = '\0';
            if (!cllm_gpu_normalize_bus_id(pci.busId, d->pci_bus_id, sizeof(d->pci_bus_id)))
                snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "%04x:%02x:%02x.0", pci.domain & 0xffffu,
                         pci.bus & 0xffu, pci.device & 0x1fu);
        }
        n++;
    }
    return n;
}

const struct cllm_gpu_vendor cllm_gpu_vendor_nvml = {
    .name = "nvml",
    .init = nvml_init,
    .get_devices = nvml_get_devices,
    .shutdown = nvml_shutdown,
};
