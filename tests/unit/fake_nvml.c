/* A stand-in libnvidia-ml for test_nvml_binding: one "GPU" with fixed readings, and a counter of live nvmlInit
 * calls so the test sees when the shared binding initialises and shuts the library down. The clocks-event reasons
 * are exported under their older name only (nvmlDeviceGetCurrentClocksThrottleReasons, as drivers before the rename
 * have it), so the binding's fallback to it is what reads them; the test sets the bits through
 * cllm_fake_nvml_reasons. */
#include <stdio.h>
#include <string.h>

#if defined(__GNUC__)
#define FAKE_EXPORT __attribute__((visibility("default")))
#else
#define FAKE_EXPORT
#endif

/* nvmlInit calls minus nvmlShutdown calls, and total nvmlInit calls. */
FAKE_EXPORT int cllm_fake_nvml_live, cllm_fake_nvml_inits;
/* what nvmlDeviceGetCurrentClocksThrottleReasons answers: SwPowerCap until a test changes it */
FAKE_EXPORT unsigned long long cllm_fake_nvml_reasons = 0x4;

struct mem { unsigned long long total, free, used; };
struct util { unsigned int gpu, memory; };
struct pci { char legacy[16]; unsigned int domain, bus, device, id, sub; char bus_id[32]; };

static int g_dev;   /* the one handle's target */

FAKE_EXPORT int nvmlInit_v2(void) { cllm_fake_nvml_live++; cllm_fake_nvml_inits++; return 0; }
FAKE_EXPORT int nvmlShutdown(void) { cllm_fake_nvml_live--; return 0; }
FAKE_EXPORT int nvmlDeviceGetCount_v2(unsigned int *n) { *n = 1; return 0; }
FAKE_EXPORT int nvmlDeviceGetHandleByIndex_v2(unsigned int i, void **dev)
{
    if (i != 0)
        return 2;   /* NVML_ERROR_INVALID_ARGUMENT */
    *dev = &g_dev;
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetName(void *dev, char *name, unsigned int len)
{
    (void)dev;
    snprintf(name, len, "NVIDIA Fake 80GB");
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetMemoryInfo(void *dev, struct mem *m)
{
    (void)dev;
    m->total = 80ull << 30;
    m->used = 10ull << 30;
    m->free = m->total - m->used;
    return 0;
}
FAKE_EXPORT int nvmlSystemGetDriverVersion(char *v, unsigned int len) { snprintf(v, len, "999.1"); return 0; }
FAKE_EXPORT int nvmlDeviceGetCudaComputeCapability(void *dev, int *major, int *minor)
{
    (void)dev;
    *major = 9;
    *minor = 0;
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetPciInfo_v3(void *dev, struct pci *p)
{
    (void)dev;
    memset(p, 0, sizeof(*p));
    snprintf(p->bus_id, sizeof(p->bus_id), "00000000:65:00.0");
    return 0;
}
FAKE_EXPORT const char *nvmlErrorString(int r) { return r == 3 ? "Not Supported" : "Unknown Error"; }
FAKE_EXPORT int nvmlDeviceGetUtilizationRates(void *dev, struct util *u)
{
    (void)dev;
    u->gpu = 42;
    u->memory = 7;
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetTemperature(void *dev, int sensor, unsigned int *c)
{
    (void)dev;
    if (sensor != 0)
        return 2;
    *c = 55;
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetPowerUsage(void *dev, unsigned int *mw)
{
    (void)dev;
    *mw = 250500;
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetClockInfo(void *dev, int type, unsigned int *mhz)
{
    (void)dev;
    if (type != 1)   /* only the SM clock is asked for */
        return 3;
    *mhz = 1755;
    return 0;
}
FAKE_EXPORT int nvmlDeviceGetCurrentClocksThrottleReasons(void *dev, unsigned long long *reasons)
{
    (void)dev;
    *reasons = cllm_fake_nvml_reasons;
    return 0;
}
/* the total energy counter (mJ since the "driver" loaded): what the test sets is what is read */
FAKE_EXPORT unsigned long long cllm_fake_nvml_energy_mj = 7000123;
FAKE_EXPORT int nvmlDeviceGetTotalEnergyConsumption(void *dev, unsigned long long *mj)
{
    (void)dev;
    *mj = cllm_fake_nvml_energy_mj;
    return 0;
}
