/* GPU detectors (one vendor table per file) and the small sysfs helpers they share (defined in gpu.c).
 * Internal to src/hw/ and the tests: the public contract is cllm_gpu_detect() in hw.h. */
#ifndef CLLM_GPU_VENDORS_H
#define CLLM_GPU_VENDORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The built-in detectors. Which of them a platform registers is decided in gpu.c. */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_nvml;    /* gpu_nvml.c: NVIDIA through libnvidia-ml */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_amdgpu;  /* gpu_amdgpu.c: AMD through amdgpu sysfs + KFD */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_intel;   /* gpu_intel.c: Intel through i915/xe sysfs */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_vulkan;  /* gpu_vulkan.c: any GPU through the Vulkan loader */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_pci;     /* gpu_pci.c (CLLM_WITH_PCI): libpci, names only */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_metal;   /* gpu_metal.c (macOS): Apple Silicon */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_dxgi;    /* gpu_dxgi.c (Windows): DXGI adapters */

/* PCI vendor ids of the GPU makers we name. */
#define CLLM_PCI_VENDOR_NVIDIA 0x10de
#define CLLM_PCI_VENDOR_AMD    0x1002
#define CLLM_PCI_VENDOR_INTEL  0x8086
#define CLLM_PCI_VENDOR_APPLE  0x106b

/* "NVIDIA", "AMD", "Intel", "Apple", or NULL for other vendors. */
const char *cllm_gpu_vendor_label(unsigned pci_vendor);

/* Copies src into dst (dstlen bytes), cut to fit and always terminated. */
void cllm_gpu_copy(char *dst, size_t dstlen, const char *src);

/* Bytes → GiB (the unit of vram_*_gb). */
double cllm_gpu_bytes_to_gb(uint64_t bytes);

/* "0000:03:00.0" from any "domain:bus:dev.fn" spelling (NVML gives "00000000:03:00.0", upper case).
 * Returns false (out = "") when `in` is not a bus id. */
bool cllm_gpu_normalize_bus_id(const char *in, char *out, size_t outlen);

/* root + path, where root "" or "/" is the live machine (cllm_hw_path). False when the result would not fit. */
bool cllm_gpu_root_path(const struct cllm_hw_params *p, char *out, size_t outlen, const char *path);

/* Whole small file (a full path) into buf, white space trimmed (cllm_hw_read_small). Its length or -1. */
int cllm_gpu_read_text(const char *path, char *buf, size_t buflen);

/* A file holding one number, decimal or 0x-hex. */
bool cllm_gpu_read_u64(const char *path, uint64_t *out);

bool cllm_gpu_path_exists(const char *path);

/* The value of "KEY=value" (uevent) or "key value" (KFD properties) lines in buf; false when absent. */
bool cllm_gpu_kv_get(const char *buf, const char *key, char sep, char *out, size_t outlen);

/* One /sys/class/drm/cardN entry of a PCI device (connectors such as card0-DP-1 are skipped). */
struct cllm_drm_card {
    int      card;              /* N of cardN */
    char     device_dir[512];   /* root-prefixed .../cardN/device */
    unsigned vendor, device, revision;  /* PCI ids */
    char     driver[32];        /* "amdgpu", "i915", "xe"; "" when unbound or unreadable */
    char     bus_id[32];        /* normalised, "" when unreadable */
    int      render_minor;      /* N of renderDN beside it; -1 unknown */
};

/* Lists the DRM cards of PCI devices with vendor `pci_vendor` (0: any), sorted by N.
 * Returns how many (≤ max), or -1 when root/sys/class/drm cannot be opened (err says why). */
int cllm_gpu_drm_scan(const struct cllm_hw_params *p, unsigned pci_vendor, struct cllm_drm_card *out, int max,
                      char *err, size_t errlen);

/* Names of the Vulkan loader on this platform, NULL-terminated (gpu_vulkan.c). */
extern const char *const cllm_vulkan_lib_names[];

#ifdef __cplusplus
}
#endif

#endif
