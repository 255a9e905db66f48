/* Last resort: display-class PCI devices of NVIDIA, AMD and Intel through libpci (pciutils), so a GPU whose
 * driver or runtime is missing is still listed, with the reason it cannot be used. Names come from pci.ids.
 * Virtual and BMC adapters (bochs 0x1234, virtio 0x1af4, Cirrus 0x1013, Matrox 0x102b, ASPEED 0x1a03, VMware
 * 0x15ad, QXL 0x1b36) fall out because only the three GPU vendors are kept. Reads root/sys/bus/pci through
 * libpci's sysfs method, so captured trees work; where that folder is missing (not Linux) it is unavailable. */
#include "gpu/gpu_vendors.h"

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pci_gpu {
    unsigned domain, bus, dev, func;
    unsigned vendor, device;
    char     name[128];       /* pci.ids device name, "" when unknown */
};

static struct {
    struct pci_access *acc;
    jmp_buf            jmp;   /* libpci's error callback must not return: it jumps back here */
    char               err[CLLM_ERR_LEN];
    int                n;
    struct pci_gpu     found[CLLM_GPU_MAX];
} g_pci;

static void PCI_NONRET pci_on_error(char *msg, ...)
{
    va_list ap;
    va_start(ap, msg);
    vsnprintf(g_pci.err, sizeof(g_pci.err), msg, ap);
    va_end(ap);
    longjmp(g_pci.jmp, 1);
}

static void pci_on_message(char *msg, ...) { (void)msg; }

/* Runs fn with libpci's fatal errors turned into a -1 return (detection is single-threaded). */
static int pci_guarded(void (*fn)(void))
{
    if (setjmp(g_pci.jmp))
        return -1;
    fn();
    return 0;
}

static void pci_do_init(void) { pci_init(g_pci.acc); }

static int pci_gpu_cmp(const void *a, const void *b)
{
    const struct pci_gpu *x = a, *y = b;
    unsigned long long kx = ((unsigned long long)x->domain << 16) | (x->bus << 8) | (x->dev << 3) | x->func;
    unsigned long long ky = ((unsigned long long)y->domain << 16) | (y->bus << 8) | (y->dev << 3) | y->func;
    return (kx > ky) - (kx < ky);
}

static void pci_do_scan(void)
{
    pci_scan_bus(g_pci.acc);
    g_pci.n = 0;
    for (struct pci_dev *d = g_pci.acc->devices; d && g_pci.n < CLLM_GPU_MAX; d = d->next) {
        struct pci_gpu *g;
        char buf[256];
        const char *name;

        pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
        if (!cllm_gpu_vendor_label(d->vendor_id) || d->vendor_id == CLLM_PCI_VENDOR_APPLE)
            continue;
        /* 0x03xx: VGA, 3D and other display controllers; AMD's Instinct MI300 series say 0x1200 (processing
         * accelerator), a class Intel also uses for its NPUs, hence AMD only */
        if ((d->device_class >> 8) != 0x03 &&
            !(d->vendor_id == CLLM_PCI_VENDOR_AMD && d->device_class == 0x1200))
            continue;
        g = &g_pci.found[g_pci.n++];
        memset(g, 0, sizeof(*g));
        g->domain = (unsigned)d->domain;
        g->bus = d->bus;
        g->dev = d->dev;
        g->func = d->func;
        g->vendor = d->vendor_id;
        g->device = d->device_id;
        /* pci.ids only: libpci 3.9 leaks its udev context on hwdb lookups, and hwdb holds the same names */
        name = pci_lookup_name(g_pci.acc, buf, sizeof(buf),
                               PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB, d->vendor_id,
                               d->device_id);
        if (name)
            cllm_gpu_copy(g->name, sizeof(g->name), name);
    }
    /* libpci lists in directory order: bus order keeps indices stable from run to run */
    qsort(g_pci.found, (size_t)g_pci.n, sizeof(g_pci.found[0]), pci_gpu_cmp);
}

static void pci_shutdown(void)
{
    if (g_pci.acc)
        pci_cleanup(g_pci.acc);
    memset(&g_pci, 0, sizeof(g_pci));
}

static enum cllm_status pci_detector_init(const struct cllm_gpu_params *p, char *err, size_t errlen)
{
    char path[512], devices[560];

    memset(&g_pci, 0, sizeof(g_pci));
    /* a captured tree is read through libpci's sysfs method pointed at root/sys/bus/pci */
    if (!cllm_gpu_root_path(p, path, sizeof(path), "/sys/bus/pci")) {
        snprintf(err, errlen, "root path too long");
        return CLLM_ERR_INVALID_ARG;
    }
    snprintf(devices, sizeof(devices), "%s/devices", path);
    if (!cllm_gpu_path_exists(devices)) {
        snprintf(err, errlen, "%s not found: no PCI bus visible", devices);
        return CLLM_ERR_NOT_FOUND;
    }
    g_pci.acc = pci_alloc();
    if (!g_pci.acc) {
        snprintf(err, errlen, "pci_alloc failed");
        return CLLM_ERR_NOMEM;
    }
    g_pci.acc->error = pci_on_error;
    g_pci.acc->warning = pci_on_message;
    g_pci.acc->debug = pci_on_message;
    g_pci.acc->method = PCI_ACCESS_SYS_BUS_PCI;
    if (pci_set_param(g_pci.acc, "sysfs.path", path) != 0) {
        snprintf(err, errlen, "libpci has no sysfs.path parameter");
        pci_shutdown();
        return CLLM_ERR_UNSUPPORTED;
    }
    if (pci_guarded(pci_do_init) != 0) {
        snprintf(err, errlen, "libpci: %s", g_pci.err);
        pci_shutdown();
        return CLLM_ERR_IO;
    }
    snprintf(err, errlen, "libpci on %s", path);
    return CLLM_OK;
}

/* pci.ids names read "GH100 [H100 SXM5 80GB]" or "DG2 [Arc A770]": the bracket holds the product name. */
static void product_name(const char *vendor, const char *ids_name, char *out, size_t outlen)
{
    const char *open = strchr(ids_name, '[');
    const char *close = open ? strchr(open, ']') : NULL;
    if (open && close && close > open + 1)
        snprintf(out, outlen, "%s %.*s", vendor, (int)(close - open - 1), open + 1);
    else
        snprintf(out, outlen, "%s %s", vendor, ids_name);
}

static int pci_get_devices(const struct cllm_gpu_params *p, struct cllm_gpu_device *out, int max, char *err,
                           size_t errlen)
{
    (void)p;
    if (pci_guarded(pci_do_scan) != 0) {
        snprintf(err, errlen, "libpci scan: %s", g_pci.err);
        return -1;
    }
    for (int i = 0; i < g_pci.n && i < max; i++) {
        const struct pci_gpu *g = &g_pci.found[i];
        struct cllm_gpu_device *d = &out[i];
        const char *vendor = cllm_gpu_vendor_label(g->vendor);

        cllm_gpu_device_init(d);
        cllm_gpu_copy(d->vendor, sizeof(d->vendor), vendor);
        snprintf(d->source, sizeof(d->source), "pci");
        snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "%04x:%02x:%02x.%x", g->domain & 0xffffu, g->bus, g->dev,
                 g->func);
        if (g->name[0]) {
            product_name(vendor, g->name, d->name, sizeof(d->name));
        } else {
            snprintf(d->name, sizeof(d->name), "%s GPU 0x%04x", vendor, g->device);
            cllm_reason_set(&d->why, "name", "device id 0x%04x not in pci.ids", g->device);
        }
        cllm_reason_set(&d->why, "vram_total_gb", "the PCI bus tells no memory size; the vendor driver does");
        cllm_reason_set(&d->why, "vram_free_gb", "the PCI bus tells no memory use");
        cllm_reason_set(&d->why, "driver_version", "no vendor driver answered for this device");
        cllm_reason_set(&d->why, "compute_capability", "no vendor driver answered for this device");
    }
    return g_pci.n < max ? g_pci.n : max;
}

/* ---- the vendor table: one pass, so the devices are read at once and handed out from a snapshot ---- */

static enum cllm_status pci_vendor_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    enum cllm_status st = pci_detector_init(p, err, errlen);
    if (st == CLLM_OK && cllm_gpu_snapshot_new(p, ctx, err, errlen) != CLLM_OK) {
        pci_shutdown();
        return CLLM_ERR_NOMEM;
    }
    return st;
}

static int pci_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct cllm_gpu_snapshot *s = ctx;
    s->n = pci_get_devices(&s->p, s->dev, max < CLLM_GPU_MAX ? max : CLLM_GPU_MAX, err, errlen);
    return s->n;
}

static void pci_vendor_shutdown(void *ctx)
{
    pci_shutdown();
    cllm_gpu_snapshot_free(ctx);
}

const struct cllm_gpu_vendor cllm_gpu_vendor_pci = {
    .name = "pci",
    .init = pci_vendor_init,
    .devices = pci_devices,
    .static_info = cllm_gpu_snapshot_info,
    .sample = NULL,   /* lists only */
    .shutdown = pci_vendor_shutdown,
};
