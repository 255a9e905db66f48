/* Intel GPUs through the i915 / xe kernel drivers' sysfs files. Reads p->root, so tests feed captured trees.
 * i915 does not publish local-memory size in sysfs (only its query ioctl does): Vulkan, later in the detector
 * list, fills it for discrete cards; xe publishes it per tile. */
#include "gpu/gpu_vendors.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <dirent.h>
#endif

static const struct {
    unsigned    device;
    const char *name;
    const char *arch;
    bool        discrete;
} g_intel_ids[] = {
    {0x56a0, "Intel Arc A770 Graphics", "Xe-HPG", true},
    {0x56a1, "Intel Arc A750 Graphics", "Xe-HPG", true},
    {0x56a5, "Intel Arc A380 Graphics", "Xe-HPG", true},
    {0x56a6, "Intel Arc A310 Graphics", "Xe-HPG", true},
    {0x5690, "Intel Arc A770M Graphics", "Xe-HPG", true},
    {0x5691, "Intel Arc A730M Graphics", "Xe-HPG", true},
    {0x5692, "Intel Arc A550M Graphics", "Xe-HPG", true},
    {0x56c0, "Intel Data Center GPU Flex 170", "Xe-HPG", true},
    {0x56c1, "Intel Data Center GPU Flex 140", "Xe-HPG", true},
    {0x0bd5, "Intel Data Center GPU Max 1550", "Xe-HPC", true},
    {0x0bda, "Intel Data Center GPU Max 1100", "Xe-HPC", true},
    {0xe20b, "Intel Arc B580 Graphics", "Xe2-HPG", true},
    {0xe20c, "Intel Arc B570 Graphics", "Xe2-HPG", true},
    {0x64a0, "Intel Arc 130V / 140V Graphics", "Xe2-LPG", false},
    {0x7d55, "Intel Arc Graphics (Meteor Lake)", "Xe-LPG", false},
    {0x9a49, "Intel Iris Xe Graphics", "Xe-LP", false},
    {0x9a40, "Intel Iris Xe Graphics", "Xe-LP", false},
    {0x46a6, "Intel Iris Xe Graphics", "Xe-LP", false},
    {0x4680, "Intel UHD Graphics 770", "Xe-LP", false},
    {0xa780, "Intel UHD Graphics 770", "Xe-LP", false},
    {0x3e92, "Intel UHD Graphics 630", "Gen9.5", false},
    {0x3e9b, "Intel UHD Graphics 630", "Gen9.5", false},
    {0x9bc5, "Intel UHD Graphics 630", "Gen9.5", false},
    {0x5917, "Intel UHD Graphics 620", "Gen9.5", false},
};

static int intel_table_find(unsigned device)
{
    for (size_t i = 0; i < sizeof(g_intel_ids) / sizeof(g_intel_ids[0]); i++)
        if (g_intel_ids[i].device == device)
            return (int)i;
    return -1;
}

/* xe: <device>/tile<N>/physical_vram_size_bytes per tile; 0 when absent (i915, or an integrated GPU). */
static uint64_t xe_vram_bytes(const char *device_dir)
{
    uint64_t sum = 0;
#ifndef _WIN32
    char path[800];
    DIR *d = opendir(device_dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        uint64_t v;
        if (strncmp(e->d_name, "tile", 4) != 0 || !isdigit((unsigned char)e->d_name[4]))
            continue;
        snprintf(path, sizeof(path), "%s/%s/physical_vram_size_bytes", device_dir, e->d_name);
        if (cllm_gpu_read_u64(path, &v))
            sum += v;
    }
    if (d)
        closedir(d);
#else
    (void)device_dir;
#endif
    return sum;
}

/* Intel's integrated GPU sits at 00:02.0 on every platform since Sandy Bridge; discrete cards hang below a
 * PCIe port on a higher bus. */
static bool is_igpu_slot(const char *bus_id)
{
    unsigned dom, bus, dev, fn;
    return sscanf(bus_id, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4 && bus == 0 && dev == 2 && fn == 0;
}

static bool xpu_smi_installed(const struct cllm_gpu_params *p)
{
    static const char *const paths[] = {"/usr/bin/xpu-smi", "/usr/local/bin/xpu-smi", NULL};
    char path[512];
    for (int i = 0; paths[i]; i++)
        if (cllm_gpu_root_path(p, path, sizeof(path), paths[i]) && cllm_gpu_path_exists(path))
            return true;
    return false;
}

static enum cllm_status intel_init(const struct cllm_gpu_params *p, char *err, size_t errlen)
{
    char path[512];
    if (!cllm_gpu_root_path(p, path, sizeof(path), "/sys/class/drm") || !cllm_gpu_path_exists(path)) {
        snprintf(err, errlen, "%s not found: no DRM (kernel GPU) driver loaded", path);
        return CLLM_ERR_NOT_FOUND;
    }
    return CLLM_OK;
}

static int intel_get_devices(const struct cllm_gpu_params *p, struct cllm_gpu_device *out, int max, char *err,
                             size_t errlen)
{
    struct cllm_drm_card cards[CLLM_GPU_MAX];
    int nc = cllm_gpu_drm_scan(p, CLLM_PCI_VENDOR_INTEL, cards, CLLM_GPU_MAX, err, errlen);
    char release[128] = "", path[512];
    int n = 0;

    if (nc < 0)
        return -1;
    if (cllm_gpu_root_path(p, path, sizeof(path), "/proc/sys/kernel/osrelease"))
        cllm_gpu_read_text(path, release, sizeof(release));

    for (int i = 0; i < nc && n < max; i++) {
        const struct cllm_drm_card *c = &cards[i];
        struct cllm_gpu_device *d = &out[n];
        int row = intel_table_find(c->device);
        uint64_t vram;

        /* unbound or passed through (vfio-pci): not usable here; the PCI detector lists it with the reason */
        if (strcmp(c->driver, "i915") != 0 && strcmp(c->driver, "xe") != 0)
            continue;

        cllm_gpu_device_init(d);
        snprintf(d->vendor, sizeof(d->vendor), "Intel");
        snprintf(d->source, sizeof(d->source), "intel");
        cllm_gpu_copy(d->pci_bus_id, sizeof(d->pci_bus_id), c->bus_id);
        if (!c->bus_id[0])
            cllm_reason_set(&d->why, "pci_bus_id", "no PCI_SLOT_NAME in %s/uevent", c->device_dir);

        if (row >= 0) {
            cllm_gpu_copy(d->name, sizeof(d->name), g_intel_ids[row].name);
            cllm_gpu_copy(d->compute_capability, sizeof(d->compute_capability), g_intel_ids[row].arch);
        } else {
            snprintf(d->name, sizeof(d->name), "Intel GPU 0x%04x", c->device);
            cllm_reason_set(&d->why, "name", "device id 0x%04x not in our table", c->device);
            cllm_reason_set(&d->why, "compute_capability", "device id 0x%04x not in our table", c->device);
        }

        vram = xe_vram_bytes(c->device_dir);
        if (row >= 0)
            d->integrated = !g_intel_ids[row].discrete;
        else
            d->integrated = vram == 0 && is_igpu_slot(c->bus_id);

        if (vram > 0) {
            d->vram_total_gb = cllm_gpu_bytes_to_gb(vram);
        } else if (d->integrated) {
            cllm_reason_set(&d->why, "vram_total_gb", "integrated GPU: uses system memory");
        } else {
            cllm_reason_set(&d->why, "vram_total_gb", "%s publishes no local-memory size in sysfs%s", c->driver,
                            xpu_smi_installed(p) ? "; `xpu-smi discovery` shows it"
                                                 : "; Intel's xpu-smi can show it if installed");
        }
        cllm_reason_set(&d->why, "vram_free_gb", "%s publishes no free-memory figure in sysfs", c->driver);

        /* i915 and xe are part of the kernel: the kernel release is the driver version */
        if (release[0])
            snprintf(d->driver_version, sizeof(d->driver_version), "%.8s (kernel %.45s)", c->driver, release);
        else
            cllm_reason_set(&d->why, "driver_version", "%s is in-kernel and the kernel release is unreadable",
                            c->driver);
        n++;
    }
    return n;
}

/* ---- the vendor table: one pass, so the devices are read at once and handed out from a snapshot ---- */

static enum cllm_status intel_vendor_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    enum cllm_status st = intel_init(p, err, errlen);
    if (st == CLLM_OK && cllm_gpu_snapshot_new(p, ctx, err, errlen) != CLLM_OK)
        return CLLM_ERR_NOMEM;
    return st;
}

static int intel_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct cllm_gpu_snapshot *s = ctx;
    s->n = intel_get_devices(&s->p, s->dev, max < CLLM_GPU_MAX ? max : CLLM_GPU_MAX, err, errlen);
    return s->n;
}

const struct cllm_gpu_vendor cllm_gpu_vendor_intel = {
    .name = "intel",
    .init = intel_vendor_init,
    .devices = intel_devices,
    .static_info = cllm_gpu_snapshot_info,
    .sample = NULL,   /* lists only */
    .shutdown = cllm_gpu_snapshot_free,
};
