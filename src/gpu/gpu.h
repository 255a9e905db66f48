/* GPUs: which devices this machine has (detection) and what they are doing (readings for the monitor), from one
 * list of vendors (gpu/gpu_vendors.h, one file per vendor as nvtop's). Detection and sampling open the same list
 * through the same code, so device i of cllm_gpu_detect is device i of a cllm_gpu_open set.
 *
 * Unknown values: numbers are NAN, strings are "", each with the reason in the device's `why` (core/reasons.h).
 * OpenCL platforms and devices are a list of their own (cllm_gpu_opencl_detect, at the end). */
#ifndef CLLM_GPU_H
#define CLLM_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reasons.h"
#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where to read the machine from (hw/hw.h's cllm_hw_params says the same for the whole machine). */
struct cllm_gpu_params {
    const char *root;        /* prefix for /sys, /proc, /usr paths; NULL, "" or "/" for the live machine */
    bool        live;        /* true: also ask vendor libraries (NVML, Vulkan, sysctl), which read the live machine */
};

enum cllm_gpu_backend {
    CLLM_BACKEND_NONE = 0,
    CLLM_BACKEND_CUDA,
    CLLM_BACKEND_ROCM,
    CLLM_BACKEND_SYCL,       /* Intel GPUs through oneAPI/SYCL ("xpu") */
    CLLM_BACKEND_METAL,
    CLLM_BACKEND_VULKAN,
    CLLM_BACKEND_COUNT
};

/* "none", "cuda", "rocm", "sycl", "metal", "vulkan". */
const char *cllm_gpu_backend_name(enum cllm_gpu_backend b);

#define CLLM_GPU_MAX 16

struct cllm_gpu_device {
    int    index;             /* position in the merged list */
    char   vendor[32];        /* "NVIDIA", "AMD", "Intel", "Apple" */
    char   name[128];
    double vram_total_gb;     /* GiB; NAN unknown */
    double vram_free_gb;
    char   driver_version[64];
    enum cllm_gpu_backend backend;  /* the best llama.cpp backend this device can use here */
    char   compute_capability[32];  /* NVIDIA "9.0"; AMD "gfx942"; Intel/other arch name */
    char   pci_bus_id[32];    /* "0000:01:00.0" (lower case, domain included) */
    bool   integrated;        /* shares system memory */
    char   source[16];        /* which vendor file produced it: "nvml", "amdgpu", "intel", "vulkan", "pci", ... */
    struct cllm_reasons why;
};

/* What each vendor said (kept in results so an empty list explains itself). */
struct cllm_gpu_source_note {
    char source[16];
    char status[16];          /* "ok", "unavailable", "error" */
    char detail[200];
};

struct cllm_gpu_info {
    int n_devices;
    struct cllm_gpu_device devices[CLLM_GPU_MAX];
    enum cllm_gpu_backend primary_backend;  /* original's priority: cuda > rocm > sycl > metal > vulkan > none */
    int n_notes;
    struct cllm_gpu_source_note notes[12];
};

/* Every field unknown (NAN, "", index -1, backend none). */
void cllm_gpu_device_init(struct cllm_gpu_device *d);

/* Why the clocks are below their maximum: NVML's clocks-event (formerly "throttle") reason bits, the same values
 * (nvmlClocksEventReason* / nvmlClocksThrottleReason*). More than one may be set at once. */
#define CLLM_GPU_THROTTLE_GPU_IDLE           0x0001ull   /* nothing runs: clocks drop to idle */
#define CLLM_GPU_THROTTLE_APP_CLOCKS         0x0002ull   /* applications clocks setting */
#define CLLM_GPU_THROTTLE_SW_POWER_CAP       0x0004ull   /* clocks lowered to stay under the power limit */
#define CLLM_GPU_THROTTLE_HW_SLOWDOWN        0x0008ull   /* hardware slowdown (temperature, power brake, ...) */
#define CLLM_GPU_THROTTLE_SYNC_BOOST         0x0010ull   /* held to a sync-boost group's clock */
#define CLLM_GPU_THROTTLE_SW_THERMAL         0x0020ull   /* software thermal slowdown */
#define CLLM_GPU_THROTTLE_HW_THERMAL         0x0040ull   /* hardware thermal slowdown */
#define CLLM_GPU_THROTTLE_HW_POWER_BRAKE     0x0080ull   /* external power brake slowdown */
#define CLLM_GPU_THROTTLE_DISPLAY_CLOCKS     0x0100ull   /* display clock setting */
/* the reasons that mean a measurement ran on lowered clocks (thermal or power limits) */
#define CLLM_GPU_THROTTLE_SLOWDOWN_MASK \
    (CLLM_GPU_THROTTLE_SW_POWER_CAP | CLLM_GPU_THROTTLE_HW_SLOWDOWN | CLLM_GPU_THROTTLE_SW_THERMAL | \
     CLLM_GPU_THROTTLE_HW_THERMAL | CLLM_GPU_THROTTLE_HW_POWER_BRAKE)

/* One GPU's reading; each double NAN when unknown. */
struct cllm_gpu_sample {
    double util_pct;        /* busy share of the last driver period, 0..100 */
    double vram_used_gb;    /* GiB of device memory in use (all processes) */
    double temp_c;          /* GPU (edge) temperature */
    double power_w;         /* board power as the driver reports it (NVML: mean of the last second) */
    double sm_clock_mhz;    /* current shader/graphics clock */
    /* the board's energy counter, J since an origin of the driver's (NVML: total energy since the driver loaded,
     * Volta+; amdgpu: hwmon energy1_input); only differences mean anything. NAN: no counter (reason keyed
     * "gpu<i>_energy_j") */
    double energy_j;
    unsigned long long throttle_reasons;   /* CLLM_GPU_THROTTLE_* bits active at the reading */
    bool   throttle_known;  /* throttle_reasons was read; false: unknown (reason keyed "gpu<i>_throttle_reasons") */
};

/* Every double NAN, throttle reasons unknown. */
void cllm_gpu_sample_clear(struct cllm_gpu_sample *s);

struct cllm_gpu_vendor;   /* gpu/gpu_vendors.h */

/* Runs `vendors` (n of them) in order and merges their devices (deduplicated by PCI bus id, then by vendor + name
 * where a bus id is missing); the earlier vendor wins and later ones fill its unknown fields. Records one note
 * per vendor and picks each device's backend. Pass NULL to use the built-in list for this platform; p NULL means
 * the live machine. Thread-safe: detections take turns (vulkan, pci and dxgi keep their library in statics), and a
 * cllm_gpu_open set may be open meanwhile. */
void cllm_gpu_detect(const struct cllm_gpu_params *p, const struct cllm_gpu_vendor *const *vendors, int n,
                     struct cllm_gpu_info *out);

/* An open set of GPUs that can be sampled: the vendors of the list that have readings, opened and merged as
 * cllm_gpu_detect does. The built-in list puts those vendors first, so device i here is device i of detection. */
struct cllm_gpu_set;

/* Opens the set (vendors NULL: the built-in list) and describes it in out: its devices (static facts, as
 * detection gives them) and a note per vendor tried. NULL only when out of memory. */
struct cllm_gpu_set *cllm_gpu_open(const struct cllm_gpu_params *p, const struct cllm_gpu_vendor *const *vendors,
                                   int n, struct cllm_gpu_info *out);

/* Devices in the set: out[0 .. cllm_gpu_count) of cllm_gpu_sample. */
int cllm_gpu_count(const struct cllm_gpu_set *s);

/* Reads every device into out[i] (pre-set to NAN by the caller). A value left NAN has a reason in why keyed
 * "gpu<i>_<member>" ("gpu0_power_w"). Must not block for long: the monitor calls it every interval. */
void cllm_gpu_sample(struct cllm_gpu_set *s, struct cllm_gpu_sample *out, struct cllm_reasons *why);

/* Shuts the vendors down and frees. NULL is fine. */
void cllm_gpu_close(struct cllm_gpu_set *s);

/* ---- OpenCL: platforms and devices as the ICD loader lists them (gpu/opencl.c) ----
 * Listed on their own, never merged into cllm_gpu_info: an OpenCL device is often a GPU of that list seen through
 * another driver (NVIDIA's, AMD's and Intel's drivers ship an ICD too) or a CPU (PoCL). */

#define CLLM_OPENCL_MAX_PLATFORMS 8
#define CLLM_OPENCL_MAX_DEVICES   16   /* over all platforms */

enum cllm_opencl_status {
    CLLM_OPENCL_NOT_QUERIED = 0,   /* a captured tree, not the live machine */
    CLLM_OPENCL_OK,                /* the loader listed at least one platform */
    CLLM_OPENCL_NO_LOADER,         /* no ICD loader (libOpenCL.so.1, OpenCL.dll, OpenCL.framework) */
    CLLM_OPENCL_NO_PLATFORM,       /* a loader without any installed implementation (ICD) */
    CLLM_OPENCL_ERROR              /* the loader or a platform answered with an error */
};

/* "not_queried", "ok", "no_loader", "no_platform", "error". */
const char *cllm_gpu_opencl_status_name(enum cllm_opencl_status s);

/* Unknown values: strings "", numbers -1, each with a reason in cllm_opencl_info.why keyed "d<k>_<member>"
 * (device k of devices[]) or "p<i>_<member>" (platform i). */
struct cllm_opencl_device {
    int     platform;              /* index into cllm_opencl_info.platforms */
    char    name[128];             /* CL_DEVICE_NAME */
    char    vendor[64];            /* CL_DEVICE_VENDOR */
    char    type[16];              /* CL_DEVICE_TYPE: "gpu", "cpu", "accelerator", "custom" */
    int64_t global_mem_bytes;      /* CL_DEVICE_GLOBAL_MEM_SIZE */
    int     compute_units;         /* CL_DEVICE_MAX_COMPUTE_UNITS (PoCL on a CPU: its logical CPUs) */
    int     max_clock_mhz;         /* CL_DEVICE_MAX_CLOCK_FREQUENCY */
    char    driver_version[64];    /* CL_DRIVER_VERSION */
    char    version[128];          /* CL_DEVICE_VERSION: "OpenCL 3.0 PoCL ..." */
    char    opencl_c_version[64];  /* CL_DEVICE_OPENCL_C_VERSION: "OpenCL C 1.2 PoCL" */
};

struct cllm_opencl_platform {
    char name[128];                /* CL_PLATFORM_NAME: "Portable Computing Language", "NVIDIA CUDA" */
    char vendor[64];               /* CL_PLATFORM_VENDOR */
    char version[128];             /* CL_PLATFORM_VERSION: "OpenCL 3.0 PoCL 3.1 ..." */
    int  first_device;             /* its devices: devices[first_device .. first_device + n_devices) */
    int  n_devices;
};

struct cllm_opencl_info {
    enum cllm_opencl_status status;
    char library[256];             /* the loader's path; "" when none loaded */
    char detail[256];              /* one line: counts when ok, else what failed and what to install */
    int  n_platforms;
    struct cllm_opencl_platform platforms[CLLM_OPENCL_MAX_PLATFORMS];
    int  n_devices;
    struct cllm_opencl_device devices[CLLM_OPENCL_MAX_DEVICES];
    struct cllm_reasons why;
};

/* Lists OpenCL platforms and devices through the ICD loader opened at run time. lib_names: NULL-terminated list of
 * loader names or paths to try (NULL: this platform's, libOpenCL.so.1 ...); p NULL means the live machine. Never
 * fails as a whole: out->status and out->detail say what was found. A loader that listed a platform stays loaded
 * for the process's life (its implementations may keep threads running). Thread-safe. */
void cllm_gpu_opencl_detect(const struct cllm_gpu_params *p, const char *const *lib_names,
                            struct cllm_opencl_info *out);

#ifdef __cplusplus
}
#endif

#endif
