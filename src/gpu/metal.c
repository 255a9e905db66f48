/* macOS on Apple Silicon: the GPU is part of the chip and shares its memory, so sysctl tells what we need.
 * Kept to sysctl rather than calling Metal through the Objective-C runtime: plain C, no frameworks to link, and
 * llama.cpp's Metal backend reports its own working-set limit when it runs. Intel Macs are not covered.
 * Not compiled on the development machine: not verified. */
#include "gpu/gpu_vendors.h"

#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/types.h>


static bool sysctl_str(const char *name, char *out, size_t outlen)
{
    size_t len = outlen;
    if (outlen == 0 || sysctlbyname(name, out, &len, NULL, 0) != 0 || len == 0)
        return false;
    out[len < outlen ? len : outlen - 1] = '\0';
    return out[0] != '\0';
}

static bool sysctl_u64(const char *name, uint64_t *out)
{
    uint64_t v = 0;
    size_t len = sizeof(v);
    if (sysctlbyname(name, &v, &len, NULL, 0) != 0 || len != sizeof(v))
        return false;
    *out = v;
    return true;
}

static bool sysctl_int(const char *name, int *out)
{
    int v = 0;
    size_t len = sizeof(v);
    if (sysctlbyname(name, &v, &len, NULL, 0) != 0 || len != sizeof(v))
        return false;
    *out = v;
    return true;
}

/* Metal GPU family of the chip generation (Apple's feature-set tables): M1 Apple7, M2 Apple8, M3 and M4 Apple9. */
static const char *metal_family(const char *chip)
{
    if (strncmp(chip, "Apple M1", 8) == 0)
        return "Apple7";
    if (strncmp(chip, "Apple M2", 8) == 0)
        return "Apple8";
    if (strncmp(chip, "Apple M3", 8) == 0 || strncmp(chip, "Apple M4", 8) == 0)
        return "Apple9";
    return NULL;
}

static enum cllm_status metal_init(const struct cllm_gpu_params *p, char *err, size_t errlen)
{
    int arm64 = 0;
    if (!cllm_gpu_may_ask_os(p)) {
        snprintf(err, errlen, "not queried: sysctl reads the live machine and this is a captured tree");
        return CLLM_ERR_UNSUPPORTED;
    }
    /* hw.optional.arm64 is 1 on Apple Silicon, also for x86-64 binaries under Rosetta */
    if (!sysctl_int("hw.optional.arm64", &arm64) || arm64 != 1) {
        snprintf(err, errlen, "Intel Mac: its AMD/Intel GPU is not listed (Apple Silicon only)");
        return CLLM_ERR_UNSUPPORTED;
    }
    return CLLM_OK;
}

static int metal_get_devices(const struct cllm_gpu_params *p, struct cllm_gpu_device *out, int max, char *err,
                             size_t errlen)
{
    struct cllm_gpu_device *d = &out[0];
    char chip[128], os[64];
    uint64_t mem = 0;
    const char *family;

    (void)p;
    (void)err;
    (void)errlen;
    if (max < 1)
        return 0;
    cllm_gpu_device_init(d);
    cllm_gpu_copy(d->vendor, sizeof(d->vendor), "Apple");
    cllm_gpu_copy(d->source, sizeof(d->source), "metal");
    d->integrated = true;
    /* the GPU has no name of its own: it is the chip's ("Apple M2 Max") */
    if (sysctl_str("machdep.cpu.brand_string", chip, sizeof(chip))) {
        cllm_gpu_copy(d->name, sizeof(d->name), chip);
    } else {
        cllm_gpu_copy(d->name, sizeof(d->name), "Apple GPU");
        cllm_reason_set(&d->why, "name", "sysctl machdep.cpu.brand_string unreadable");
    }
    family = metal_family(d->name);
    if (family)
        cllm_gpu_copy(d->compute_capability, sizeof(d->compute_capability), family);
    else
        cllm_reason_set(&d->why, "compute_capability", "Metal GPU family unknown for \"%s\"", d->name);

    /* unified memory: the GPU can address all of RAM (Metal's working-set limit is a share of it) */
    if (sysctl_u64("hw.memsize", &mem))
        d->vram_total_gb = cllm_gpu_bytes_to_gb(mem);
    else
        cllm_reason_set(&d->why, "vram_total_gb", "sysctl hw.memsize unreadable");
    cllm_reason_set(&d->why, "vram_free_gb", "unified memory: see the RAM section's available memory");

    /* Metal ships with macOS: its version is the driver version */
    if (sysctl_str("kern.osproductversion", os, sizeof(os)))
        snprintf(d->driver_version, sizeof(d->driver_version), "macOS %.50s", os);
    else
        cllm_reason_set(&d->why, "driver_version", "sysctl kern.osproductversion unreadable");
    cllm_reason_set(&d->why, "pci_bus_id", "Apple Silicon GPUs are not PCI devices");
    return 1;
}

/* ---- the vendor table: one pass, so the devices are read at once and handed out from a snapshot ---- */

static enum cllm_status metal_vendor_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    enum cllm_status st = metal_init(p, err, errlen);
    if (st == CLLM_OK && cllm_gpu_snapshot_new(p, ctx, err, errlen) != CLLM_OK)
        return CLLM_ERR_NOMEM;
    return st;
}

static int metal_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct cllm_gpu_snapshot *s = ctx;
    s->n = metal_get_devices(&s->p, s->dev, max < CLLM_GPU_MAX ? max : CLLM_GPU_MAX, err, errlen);
    return s->n;
}

const struct cllm_gpu_vendor cllm_gpu_vendor_metal = {
    .name = "metal",
    .init = metal_vendor_init,
    .devices = metal_devices,
    .static_info = cllm_gpu_snapshot_info,
    .sample = NULL,   /* lists only */
    .shutdown = cllm_gpu_snapshot_free,
};
