/* Windows: every display adapter through DXGI (dxgi.dll, loaded at run time through the dl shim). Lists AMD and
 * Intel GPUs that have no NVML, with their dedicated memory; no PCI location (DXGI names adapters by LUID).
 * dxgi.h is part of the Windows SDK that every Windows C compiler ships (not a vendor SDK); the interface ids
 * are defined here so nothing links dxguid.lib. Not compiled on the development machine: not verified. */
#define COBJMACROS
#include "gpu/gpu_vendors.h"

#include <stdio.h>
#include <string.h>
#include <windows.h>
#include <dxgi.h>

#include "platform/dl.h"

/* Below this much dedicated memory an adapter uses system RAM (Intel iGPUs report 128 MiB, APUs a carve-out). */
#define DXGI_IGPU_BYTES ((SIZE_T)1 << 30)

/* IID_IDXGIFactory1 {770aae78-f26f-4dba-a829-253c83d1b387} */
static const GUID g_iid_factory1 = {0x770aae78, 0xf26f, 0x4dba, {0xa8, 0x29, 0x25, 0x3c, 0x83, 0xd1, 0xb3, 0x87}};
/* IID_IDXGIDevice {54ec77fa-1377-44e6-8c32-88fd5f44c84c}: asking for it returns the user-mode driver version */
static const GUID g_iid_device = {0x54ec77fa, 0x1377, 0x44e6, {0x8c, 0x32, 0x88, 0xfd, 0x5f, 0x44, 0xc8, 0x4c}};

typedef HRESULT (WINAPI *create_factory1_fn)(REFIID riid, void **factory);

static struct {
    struct cllm_dl    *dl;
    IDXGIFactory1     *factory;
} g_dxgi;

static void dxgi_shutdown(void)
{
    if (g_dxgi.factory)
        IDXGIFactory1_Release(g_dxgi.factory);
    cllm_dl_close(g_dxgi.dl);
    memset(&g_dxgi, 0, sizeof(g_dxgi));
}

static enum cllm_status dxgi_init(const struct cllm_gpu_params *p, char *err, size_t errlen)
{
    static const char *const names[] = {"dxgi.dll", NULL};
    create_factory1_fn create = NULL;
    const struct cllm_dl_sym_spec specs[] = {
        {{"CreateDXGIFactory1", NULL}, (void **)&create, true},
    };
    enum cllm_status st;
    HRESULT hr;

    memset(&g_dxgi, 0, sizeof(g_dxgi));
    if (!cllm_gpu_may_ask_os(p)) {
        snprintf(err, errlen, "not queried: DXGI reads the live machine and this is a captured tree");
        return CLLM_ERR_UNSUPPORTED;
    }
    g_dxgi.dl = cllm_dl_open_first(names, err, errlen);
    if (!g_dxgi.dl)
        return CLLM_ERR_LIBRARY;
    st = cllm_dl_load_syms(g_dxgi.dl, specs, sizeof(specs) / sizeof(specs[0]), err, errlen);
    if (st != CLLM_OK) {
        dxgi_shutdown();
        return st;
    }
    hr = create(&g_iid_factory1, (void **)&g_dxgi.factory);
    if (FAILED(hr) || !g_dxgi.factory) {
        snprintf(err, errlen, "CreateDXGIFactory1 failed (HRESULT 0x%08lx)", (unsigned long)hr);
        g_dxgi.factory = NULL;
        dxgi_shutdown();
        return CLLM_ERR_IO;
    }
    cllm_gpu_copy(err, errlen, cllm_dl_path(g_dxgi.dl));
    return CLLM_OK;
}

static int dxgi_get_devices(const struct cllm_gpu_params *p, struct cllm_gpu_device *out, int max, char *err,
                            size_t errlen)
{
    IDXGIAdapter1 *adapter = NULL;
    int n = 0;

    (void)p;
    (void)err;
    (void)errlen;
    for (UINT i = 0; i < 64 && n < max; i++) {
        struct cllm_gpu_device *d = &out[n];
        DXGI_ADAPTER_DESC1 desc;
        LARGE_INTEGER umd;
        const char *vendor;

        adapter = NULL;
        if (IDXGIFactory1_EnumAdapters1(g_dxgi.factory, i, &adapter) == DXGI_ERROR_NOT_FOUND)
            break;   /* past the last adapter */
        if (!adapter)
            continue;
        memset(&desc, 0, sizeof(desc));
        /* the Microsoft Basic Render Driver is software rendering, not a GPU */
        if (FAILED(IDXGIAdapter1_GetDesc1(adapter, &desc)) || (desc.Flags & DXGI_ADAPTER_FLAG_SOFTWARE)) {
            IDXGIAdapter1_Release(adapter);
            adapter = NULL;
            continue;
        }
        cllm_gpu_device_init(d);
        cllm_gpu_copy(d->source, sizeof(d->source), "dxgi");
        vendor = cllm_gpu_vendor_label(desc.VendorId);
        if (vendor)
            cllm_gpu_copy(d->vendor, sizeof(d->vendor), vendor);
        else
            snprintf(d->vendor, sizeof(d->vendor), "0x%04x", (unsigned)desc.VendorId);
        if (WideCharToMultiByte(CP_UTF8, 0, desc.Description, -1, d->name, (int)sizeof(d->name), NULL, NULL) <= 0)
            snprintf(d->name, sizeof(d->name), "%s GPU 0x%04x", d->vendor, (unsigned)desc.DeviceId);
        d->vram_total_gb = cllm_gpu_bytes_to_gb((uint64_t)desc.DedicatedVideoMemory);
        d->integrated = desc.DedicatedVideoMemory < DXGI_IGPU_BYTES && desc.SharedSystemMemory > 0;
        cllm_reason_set(&d->why, "vram_free_gb", "DXGI 1.1 reports sizes, not current use");
        cllm_reason_set(&d->why, "pci_bus_id", "DXGI names adapters by LUID, not PCI location");
        cllm_reason_set(&d->why, "compute_capability", "DXGI reports no compute architecture");

        /* the user-mode driver version, e.g. 31.0.15.5222, in four 16-bit parts */
        if (SUCCEEDED(IDXGIAdapter1_CheckInterfaceSupport(adapter, &g_iid_device, &umd)))
            snprintf(d->driver_version, sizeof(d->driver_version), "%u.%u.%u.%u",
                     (unsigned)HIWORD(umd.HighPart), (unsigned)LOWORD(umd.HighPart), (unsigned)HIWORD(umd.LowPart),
                     (unsigned)LOWORD(umd.LowPart));
        else
            cllm_reason_set(&d->why, "driver_version", "IDXGIAdapter::CheckInterfaceSupport failed");

        IDXGIAdapter1_Release(adapter);
        adapter = NULL;
        n++;
    }
    return n;
}

/* ---- the vendor table: one pass, so the devices are read at once and handed out from a snapshot ---- */

static enum cllm_status dxgi_vendor_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    enum cllm_status st = dxgi_init(p, err, errlen);
    if (st == CLLM_OK && cllm_gpu_snapshot_new(p, ctx, err, errlen) != CLLM_OK) {
        dxgi_shutdown();
        return CLLM_ERR_NOMEM;
    }
    return st;
}

static int dxgi_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct cllm_gpu_snapshot *s = ctx;
    s->n = dxgi_get_devices(&s->p, s->dev, max < CLLM_GPU_MAX ? max : CLLM_GPU_MAX, err, errlen);
    return s->n;
}

static void dxgi_vendor_shutdown(void *ctx)
{
    dxgi_shutdown();
    cllm_gpu_snapshot_free(ctx);
}

const struct cllm_gpu_vendor cllm_gpu_vendor_dxgi = {
    .name = "dxgi",
    .init = dxgi_vendor_init,
    .devices = dxgi_devices,
    .static_info = cllm_gpu_snapshot_info,
    .sample = NULL,   /* lists only */
    .shutdown = dxgi_vendor_shutdown,
};
