/* The NVML binding of gpu/nvml.c (internal to src/gpu/ and the tests): libnvidia-ml, installed with the NVIDIA
 * driver, loaded at run time into one table of function pointers, filled once, with a reference-counted init so
 * detection and the monitor may hold it at the same time. Declarations are our own, written from NVIDIA's NVML API
 * reference; no SDK header is needed to build. */
#ifndef CLLM_NVML_H
#define CLLM_NVML_H

#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef int cllm_nvml_ret;                             /* nvmlReturn_t */
typedef struct cllm_nvml_device_s *cllm_nvml_device;   /* nvmlDevice_t: opaque handle */

/* nvmlReturn_t values we act on. */
enum {
    CLLM_NVML_SUCCESS = 0,
    CLLM_NVML_ERROR_NOT_SUPPORTED = 3,
    CLLM_NVML_ERROR_NO_PERMISSION = 4,
    CLLM_NVML_ERROR_DRIVER_NOT_LOADED = 9,
    CLLM_NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    CLLM_NVML_ERROR_GPU_IS_LOST = 15,
};

enum { CLLM_NVML_TEMPERATURE_GPU = 0 };                /* nvmlTemperatureSensors_t */
enum { CLLM_NVML_CLOCK_GRAPHICS = 0, CLLM_NVML_CLOCK_SM = 1, CLLM_NVML_CLOCK_MEM = 2 };  /* nvmlClockType_t */

#define CLLM_NVML_NAME_LEN   96   /* NVML_DEVICE_NAME_V2_BUFFER_SIZE */
#define CLLM_NVML_DRIVER_LEN 80   /* NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE */

/* nvmlMemory_t (v1). */
struct cllm_nvml_memory {
    unsigned long long total, free, used;   /* bytes */
};

/* nvmlUtilization_t: percent of the last sample period (1/6 s to 1 s, by product) that was busy. */
struct cllm_nvml_utilization {
    unsigned int gpu;      /* a kernel was running */
    unsigned int memory;   /* device memory was read or written */
};

/* Layout of nvmlDeviceGetPciInfo_v2/_v3: busIdLegacy[16] (NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE) first,
 * busId[32] (NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE) last. */
struct cllm_nvml_pci_info {
    char         busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;     /* device id << 16 | vendor id */
    unsigned int pciSubSystemId;
    char         busId[32];       /* "00000000:65:00.0" */
};

/* The loaded library. Required entries are never NULL; optional ones are NULL when the library lacks them. */
struct cllm_nvml {
    const char *path;             /* file the library was loaded from */
    /* required */
    cllm_nvml_ret (*init)(void);                /* nvmlInit_v2 */
    cllm_nvml_ret (*shutdown)(void);
    cllm_nvml_ret (*get_count)(unsigned int *count);
    cllm_nvml_ret (*get_handle)(unsigned int index, cllm_nvml_device *dev);
    cllm_nvml_ret (*get_name)(cllm_nvml_device dev, char *name, unsigned int len);
    /* optional: static information */
    cllm_nvml_ret (*get_memory)(cllm_nvml_device dev, struct cllm_nvml_memory *mem);
    cllm_nvml_ret (*get_driver)(char *version, unsigned int len);
    cllm_nvml_ret (*get_cc)(cllm_nvml_device dev, int *major, int *minor);
    cllm_nvml_ret (*get_pci)(cllm_nvml_device dev, struct cllm_nvml_pci_info *pci);
    const char *(*error_string)(cllm_nvml_ret r);
    /* optional: dynamic readings (the monitor) */
    cllm_nvml_ret (*get_utilization)(cllm_nvml_device dev, struct cllm_nvml_utilization *util);
    cllm_nvml_ret (*get_temperature)(cllm_nvml_device dev, int sensor, unsigned int *celsius);
    cllm_nvml_ret (*get_power)(cllm_nvml_device dev, unsigned int *milliwatts);   /* board power, 1 s mean */
    cllm_nvml_ret (*get_clock)(cllm_nvml_device dev, int type, unsigned int *mhz);  /* current clock */
    /* nvmlDeviceGetCurrentClocksEventReasons, or its older name nvmlDeviceGetCurrentClocksThrottleReasons: the
     * CLLM_GPU_THROTTLE_* bits (gpu/gpu.h) active now */
    cllm_nvml_ret (*get_clocks_event_reasons)(cllm_nvml_device dev, unsigned long long *reasons);
    /* nvmlDeviceGetTotalEnergyConsumption: mJ since the driver loaded (Volta and later; NOT_SUPPORTED before).
     * Measured on an H200 (driver 580): it advances every 100 ms and one call takes ~4 ms, so the monitor's
     * thread reads it, never a timed loop */
    cllm_nvml_ret (*get_total_energy)(cllm_nvml_device dev, unsigned long long *millijoules);
};

/* Loads libnvidia-ml and calls nvmlInit on the first call; later calls only count. CLLM_NVML_LIB (a path) replaces
 * the library search. On CLLM_OK *out is the table until the matching cllm_nvml_release. Else *out is NULL, nothing
 * is held and err says why: CLLM_ERR_LIBRARY (every name tried with the loader's message), CLLM_ERR_SYMBOL (a
 * required symbol missing), CLLM_ERR_NOT_FOUND (no NVIDIA kernel driver), CLLM_ERR_IO (nvmlInit failed).
 * Thread-safe. */
enum cllm_status cllm_nvml_acquire(const struct cllm_nvml **out, char *err, size_t errlen);

/* Drops one reference; the last one calls nvmlShutdown and unloads the library. */
void cllm_nvml_release(void);

/* NVML's text for a return code, or "NVML error N" where the library has none; thread-safe. */
const char *cllm_nvml_error_str(const struct cllm_nvml *nv, cllm_nvml_ret r);

/* The NVML vendor's init (gpu_vendors.h: cllm_gpu_vendor_nvml) over `table`, a fake in tests, instead of the
 * library; table NULL acquires the library. On CLLM_OK err holds the library path. */
enum cllm_status cllm_nvml_vendor_open(const struct cllm_nvml *table, void **ctx, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
