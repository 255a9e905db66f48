/* NVIDIA GPUs through NVML (libnvidia-ml, installed with the driver), loaded at run time by gpu/nvml.c. */
#include "gpu/gpu_vendors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu/nvml.h"
#include "hw/hw_priv.h"

/* The library and its table live in gpu/nvml.c, shared with the monitor; detection holds one reference. */
static const struct cllm_nvml *g_nvml;

static const char *nvml_err(cllm_nvml_ret r) { return cllm_nvml_error_str(g_nvml, r); }

static void nvml_shutdown(void)
{
    if (g_nvml)
        cllm_nvml_release();
    g_nvml = NULL;
}

static enum cllm_status nvml_init(const struct cllm_hw_params *p, char *err, size_t errlen)
{
    enum cllm_status st;

    g_nvml = NULL;
    if (!cllm_hw_may_ask_os(p)) {
        snprintf(err, errlen, "not queried: NVML reads the live machine and this is a captured tree");
        return CLLM_ERR_UNSUPPORTED;
    }
    st = cllm_nvml_acquire(&g_nvml, err, errlen);
    if (st != CLLM_OK)
        return st;
    cllm_gpu_copy(err, errlen, g_nvml->path);
    return CLLM_OK;
}

static int nvml_get_devices(const struct cllm_hw_params *p, struct cllm_gpu_device *out, int max, char *err,
                            size_t errlen)
{
    char driver[CLLM_NVML_DRIVER_LEN] = "";
    char driver_why[96] = "nvmlSystemGetDriverVersion missing from the library";
    unsigned int count = 0;
    cllm_nvml_ret r;
    int n = 0;

    (void)p;
    r = g_nvml->get_count(&count);
    if (r != CLLM_NVML_SUCCESS) {
        snprintf(err, errlen, "nvmlDeviceGetCount: %s", nvml_err(r));
        return -1;
    }
    if (g_nvml->get_driver) {
        r = g_nvml->get_driver(driver, sizeof(driver));
        if (r != CLLM_NVML_SUCCESS) {
            driver[0] = '\0';
            snprintf(driver_why, sizeof(driver_why), "nvmlSystemGetDriverVersion: %s", nvml_err(r));
        }
    }

    for (unsigned int i = 0; i < count && n < max; i++) {
        struct cllm_gpu_device *d = &out[n];
        cllm_nvml_device dev = NULL;
        struct cllm_nvml_memory mem;
        struct cllm_nvml_pci_info pci;
        int major = 0, minor = 0;

        r = g_nvml->get_handle(i, &dev);
        if (r != CLLM_NVML_SUCCESS) {
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
            r = g_nvml->get_name(dev, name, sizeof(name));
            if (r == CLLM_NVML_SUCCESS && name[0])
                cllm_gpu_copy(d->name, sizeof(d->name), name);
            else {
                snprintf(d->name, sizeof(d->name), "NVIDIA GPU %u", i);
                cllm_reason_set(&d->why, "name", "nvmlDeviceGetName: %s", nvml_err(r));
            }
        }

        if (!g_nvml->get_memory)
            cllm_reason_set(&d->why, "vram_total_gb", "nvmlDeviceGetMemoryInfo missing from the library");
        else if ((r = g_nvml->get_memory(dev, &mem)) == CLLM_NVML_SUCCESS) {
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

        if (!g_nvml->get_cc)
            cllm_reason_set(&d->why, "compute_capability", "nvmlDeviceGetCudaComputeCapability missing");
        else if ((r = g_nvml->get_cc(dev, &major, &minor)) == CLLM_NVML_SUCCESS)
            snprintf(d->compute_capability, sizeof(d->compute_capability), "%d.%d", major, minor);
        else
            cllm_reason_set(&d->why, "compute_capability", "nvmlDeviceGetCudaComputeCapability: %s", nvml_err(r));

        memset(&pci, 0, sizeof(pci));
        if (!g_nvml->get_pci)
            cllm_reason_set(&d->why, "pci_bus_id", "nvmlDeviceGetPciInfo_v3/_v2 missing from the library");
        else if ((r = g_nvml->get_pci(dev, &pci)) != CLLM_NVML_SUCCESS)
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
