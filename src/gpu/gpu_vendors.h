/* The vendor table (one per vendor file, as nvtop's struct gpu_vendor) and the small sysfs helpers the vendor files
 * share (defined in gpu.c). Internal to src/gpu/ and the tests: the public contract is gpu/gpu.h. */
#ifndef CLLM_GPU_VENDORS_H
#define CLLM_GPU_VENDORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gpu/gpu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A GPU vendor or API. The caller (gpu.c) loops over a static array of these, skips the ones whose init fails and
 * records why. All state lives in the context init returns, so detection and the monitor may hold the same vendor
 * open at the same time. */
struct cllm_gpu_vendor {
    const char *name;         /* "nvml", "amdgpu", ...: the source of its devices and notes */
    /* Loads the library / checks the sysfs tree and makes *ctx. Returns CLLM_OK or a status with a one-line
     * message in err (NOT_FOUND, LIBRARY, UNSUPPORTED read as "unavailable", others as "error"); on CLLM_OK err may
     * hold a short note, such as the library path, that prefixes the source's note. A failed init cleans up after
     * itself and leaves nothing to shut down. */
    enum cllm_status (*init)(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen);
    /* Lists up to `max` devices; returns how many (device k is 0 .. that - 1 below), or -1 with err set. */
    int  (*devices)(void *ctx, int max, char *err, size_t errlen);
    /* The static facts of device k: out started with cllm_gpu_device_init() and its `source` set. A "name" entry
     * in out->why marks a placeholder name that a later vendor's real name replaces. */
    void (*static_info)(void *ctx, int k, struct cllm_gpu_device *out);
    /* Readings of device k into out (pre-set to NAN); a value left NAN gets a reason in why keyed
     * "gpu<index>_<member>", index being the device's place in the merged list. NULL: the vendor lists only. */
    void (*sample)(void *ctx, int k, int index, struct cllm_gpu_sample *out, struct cllm_reasons *why);
    /* Frees ctx (and the library when the last holder goes). */
    void (*shutdown)(void *ctx);
};

/* The built-in vendors. Which of them a platform registers is decided in gpu.c. */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_nvml;    /* nvml.c: NVIDIA through libnvidia-ml */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_amdgpu;  /* amdgpu.c: AMD through amdgpu sysfs + KFD */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_intel;   /* intel.c: Intel through i915/xe sysfs */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_vulkan;  /* vulkan.c: any GPU through the Vulkan loader */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_pci;     /* pci.c (CLLM_WITH_PCI): libpci, names only */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_metal;   /* metal.c (macOS): Apple Silicon */
extern const struct cllm_gpu_vendor cllm_gpu_vendor_dxgi;    /* dxgi.c (Windows): DXGI adapters */

/* This platform's list, most specific first; vendors with readings come before those without (what lets the
 * monitor's device i be detection's device i). *n gets its length. */
const struct cllm_gpu_vendor *const *cllm_gpu_builtin(int *n);

/* ---- vendors that read every device in one pass (detection only) ---- */

/* Their context: the params and the devices read by `devices`, handed out by cllm_gpu_snapshot_info. */
struct cllm_gpu_snapshot {
    struct cllm_gpu_params p;
    int n;
    struct cllm_gpu_device dev[CLLM_GPU_MAX];
};

/* A snapshot context with a copy of *p (p NULL: the live machine); CLLM_ERR_NOMEM with err set. */
enum cllm_status cllm_gpu_snapshot_new(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen);

/* static_info of a snapshot vendor: copies dev[k]. */
void cllm_gpu_snapshot_info(void *ctx, int k, struct cllm_gpu_device *out);

/* shutdown of a snapshot vendor with no library to release. */
void cllm_gpu_snapshot_free(void *ctx);

/* ---- helpers ---- */

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

/* True when vendor libraries may be asked: p says live and its root is the running machine (NULL p: yes). */
bool cllm_gpu_may_ask_os(const struct cllm_gpu_params *p);

/* root + path, where root NULL, "" or "/" is the live machine. False when the result would not fit. */
bool cllm_gpu_root_path(const struct cllm_gpu_params *p, char *out, size_t outlen, const char *path);

/* Whole small file (a full path) into buf, surrounding white space trimmed. Its length, or -1 with errno set. */
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
int cllm_gpu_drm_scan(const struct cllm_gpu_params *p, unsigned pci_vendor, struct cllm_drm_card *out, int max,
                      char *err, size_t errlen);

/* Names of the Vulkan loader on this platform, NULL-terminated (vulkan.c). */
extern const char *const cllm_gpu_vulkan_lib_names[];

/* Names of the OpenCL ICD loader on this platform, NULL-terminated (opencl.c). */
extern const char *const cllm_gpu_opencl_lib_names[];

#ifdef __cplusplus
}
#endif

#endif
