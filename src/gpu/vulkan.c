/* Any GPU with a Vulkan driver, through the Vulkan loader opened at run time (llama.cpp's Vulkan backend sees the
 * same list). Our own minimal declarations, written from the Vulkan specification; no SDK header is needed. */
#include "gpu/gpu_vendors.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/dl.h"

/* ---- minimal Vulkan declarations ---- */
#if defined(_WIN32) && !defined(_WIN64)
#define VKAPI_PTR __stdcall   /* VKAPI_CALL is stdcall on 32-bit Windows only */
#else
#define VKAPI_PTR
#endif

typedef int32_t  VkResult;
typedef uint32_t VkFlags;
typedef struct cllm_vk_instance *VkInstance;          /* dispatchable handles are pointers */
typedef struct cllm_vk_physical_device *VkPhysicalDevice;
typedef void (VKAPI_PTR *PFN_vkVoidFunction)(void);

enum {
    VK_SUCCESS = 0,
    VK_INCOMPLETE = 5,
    VK_ERROR_INITIALIZATION_FAILED = -3,
    VK_ERROR_INCOMPATIBLE_DRIVER = -9,
    VK_STRUCTURE_TYPE_APPLICATION_INFO = 0,
    VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO = 1,
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 = 1000059001,
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT = 1000212000,
    VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU = 1,
    VK_PHYSICAL_DEVICE_TYPE_CPU = 4,
    VK_MEMORY_HEAP_DEVICE_LOCAL_BIT = 0x1,
};

#define CLLM_VK_VERSION(major, minor) (((uint32_t)(major) << 22) | ((uint32_t)(minor) << 12))
#define CLLM_VK_API_1_1               CLLM_VK_VERSION(1, 1)

typedef struct {
    int32_t     sType;
    const void *pNext;
    const char *pApplicationName;
    uint32_t    applicationVersion;
    const char *pEngineName;
    uint32_t    engineVersion;
    uint32_t    apiVersion;
} VkApplicationInfo;

typedef struct {
    int32_t                  sType;
    const void              *pNext;
    VkFlags                  flags;
    const VkApplicationInfo *pApplicationInfo;
    uint32_t                 enabledLayerCount;
    const char *const       *ppEnabledLayerNames;
    uint32_t                 enabledExtensionCount;
    const char *const       *ppEnabledExtensionNames;
} VkInstanceCreateInfo;

/* The leading fields of VkPhysicalDeviceProperties, all we read. The whole struct (824 bytes on LP64/LLP64, with
 * VkPhysicalDeviceLimits of 504 bytes after pipelineCacheUUID at offset 296) is written by the driver into
 * vk_props_buf: a uint64_t-aligned buffer well above that size, so a slip in our count of ~100 limit fields could
 * never let the driver write past our memory. */
struct vk_props_head {
    uint32_t apiVersion;
    uint32_t driverVersion;
    uint32_t vendorID;
    uint32_t deviceID;
    int32_t  deviceType;
    char     deviceName[256];        /* VK_MAX_PHYSICAL_DEVICE_NAME_SIZE */
    uint8_t  pipelineCacheUUID[16];  /* VK_UUID_SIZE */
};
#define CLLM_VK_PROPS_SIZE 824
typedef union {
    struct vk_props_head head;
    uint64_t             raw[2048 / sizeof(uint64_t)];   /* uint64_t: the struct's own alignment (VkDeviceSize) */
} vk_props_buf;
_Static_assert(offsetof(struct vk_props_head, deviceType) == 16, "VkPhysicalDeviceProperties.deviceType");
_Static_assert(offsetof(struct vk_props_head, deviceName) == 20, "VkPhysicalDeviceProperties.deviceName");
_Static_assert(sizeof(vk_props_buf) >= 2 * CLLM_VK_PROPS_SIZE, "room for the whole struct");

/* VkPhysicalDeviceProperties2: properties starts at the next 8-byte boundary after pNext, as in the header. */
typedef struct {
    int32_t      sType;
    void        *pNext;
    vk_props_buf properties;
} vk_props2;

typedef struct {
    int32_t  sType;
    void    *pNext;
    uint32_t pciDomain, pciBus, pciDevice, pciFunction;
} VkPhysicalDevicePCIBusInfoPropertiesEXT;

typedef struct {
    VkFlags  propertyFlags;
    uint32_t heapIndex;
} VkMemoryType;

typedef struct {
    uint64_t size;   /* bytes */
    VkFlags  flags;
} VkMemoryHeap;

typedef struct {
    uint32_t     memoryTypeCount;
    VkMemoryType memoryTypes[32];    /* VK_MAX_MEMORY_TYPES */
    uint32_t     memoryHeapCount;
    VkMemoryHeap memoryHeaps[16];    /* VK_MAX_MEMORY_HEAPS */
} VkPhysicalDeviceMemoryProperties;
_Static_assert(sizeof(void *) != 8 || sizeof(VkPhysicalDeviceMemoryProperties) == 520,
               "VkPhysicalDeviceMemoryProperties is 520 bytes on 64-bit targets");

typedef struct {
    char     extensionName[256];     /* VK_MAX_EXTENSION_NAME_SIZE */
    uint32_t specVersion;
} VkExtensionProperties;

typedef PFN_vkVoidFunction (VKAPI_PTR *PFN_vkGetInstanceProcAddr)(VkInstance, const char *);
typedef VkResult (VKAPI_PTR *PFN_vkEnumerateInstanceVersion)(uint32_t *);
typedef VkResult (VKAPI_PTR *PFN_vkCreateInstance)(const VkInstanceCreateInfo *, const void *, VkInstance *);
typedef void (VKAPI_PTR *PFN_vkDestroyInstance)(VkInstance, const void *);
typedef VkResult (VKAPI_PTR *PFN_vkEnumeratePhysicalDevices)(VkInstance, uint32_t *, VkPhysicalDevice *);
typedef void (VKAPI_PTR *PFN_vkGetPhysicalDeviceProperties)(VkPhysicalDevice, void *);
typedef void (VKAPI_PTR *PFN_vkGetPhysicalDeviceMemoryProperties)(VkPhysicalDevice,
                                                                  VkPhysicalDeviceMemoryProperties *);
typedef VkResult (VKAPI_PTR *PFN_vkEnumerateDeviceExtensionProperties)(VkPhysicalDevice, const char *, uint32_t *,
                                                                       VkExtensionProperties *);

static struct {
    struct cllm_dl *dl;
    VkInstance      instance;
    uint32_t        instance_api;
    PFN_vkGetInstanceProcAddr                 get_proc;
    PFN_vkDestroyInstance                     destroy_instance;
    PFN_vkEnumeratePhysicalDevices            enum_devices;
    PFN_vkGetPhysicalDeviceProperties         get_props;
    PFN_vkGetPhysicalDeviceProperties         get_props2;   /* same shape: (device, struct *) */
    PFN_vkGetPhysicalDeviceMemoryProperties   get_mem;
    PFN_vkEnumerateDeviceExtensionProperties  enum_dev_ext;
} g_vk;

static const char *vk_result_str(VkResult r)
{
    switch (r) {
    case VK_ERROR_INCOMPATIBLE_DRIVER:   return "VK_ERROR_INCOMPATIBLE_DRIVER (no Vulkan driver for this machine)";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case -1:                             return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case -2:                             return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case -6:                             return "VK_ERROR_LAYER_NOT_PRESENT";
    case -7:                             return "VK_ERROR_EXTENSION_NOT_PRESENT";
    default:                             return "Vulkan error";
    }
}

static void vk_shutdown(void)
{
    /* Mesa's drivers (libvulkan_lvp.so, _radeon, _intel) keep one-time state that their unload does not free, and
     * would run their LLVM/CPU setup again at each detection: keep the ones the loader opened loaded */
    if (g_vk.instance)
        (void)cllm_dl_keep_loaded("libvulkan_");
    if (g_vk.instance && g_vk.destroy_instance)
        g_vk.destroy_instance(g_vk.instance, NULL);
    cllm_dl_close(g_vk.dl);
    memset(&g_vk, 0, sizeof(g_vk));
}

const char *const cllm_gpu_vulkan_lib_names[] = {
#if defined(_WIN32)
    "vulkan-1.dll",
#elif defined(__APPLE__)
    "libvulkan.1.dylib", "libvulkan.dylib",
#else
    "libvulkan.so.1", "libvulkan.so",
#endif
    NULL,
};

static enum cllm_status vk_init(const struct cllm_gpu_params *p, char *err, size_t errlen)
{
    const char *const *names = cllm_gpu_vulkan_lib_names;
    const struct cllm_dl_sym_spec specs[] = {
        {{"vkGetInstanceProcAddr", NULL}, (void **)&g_vk.get_proc, true},
    };
    PFN_vkEnumerateInstanceVersion enum_version;
    PFN_vkCreateInstance create;
    VkApplicationInfo app;
    VkInstanceCreateInfo ci;
    uint32_t loader_api = CLLM_VK_VERSION(1, 0);
    enum cllm_status st;
    VkResult r;

    memset(&g_vk, 0, sizeof(g_vk));
    if (!cllm_gpu_may_ask_os(p)) {
        snprintf(err, errlen, "not queried: Vulkan reads the live machine and this is a captured tree");
        return CLLM_ERR_UNSUPPORTED;
    }
    g_vk.dl = cllm_dl_open_first(names, err, errlen);
    if (!g_vk.dl)
        return CLLM_ERR_LIBRARY;
    st = cllm_dl_load_syms(g_vk.dl, specs, sizeof(specs) / sizeof(specs[0]), err, errlen);
    if (st != CLLM_OK) {
        vk_shutdown();
        return st;
    }

    /* a 1.0 loader lacks vkEnumerateInstanceVersion and rejects apiVersion 1.1 */
    enum_version = (PFN_vkEnumerateInstanceVersion)g_vk.get_proc(NULL, "vkEnumerateInstanceVersion");
    if (enum_version && enum_version(&loader_api) != VK_SUCCESS)
        loader_api = CLLM_VK_VERSION(1, 0);
    create = (PFN_vkCreateInstance)g_vk.get_proc(NULL, "vkCreateInstance");
    if (!create) {
        snprintf(err, errlen, "vkCreateInstance not found through %s", cllm_dl_path(g_vk.dl));
        vk_shutdown();
        return CLLM_ERR_SYMBOL;
    }

    memset(&app, 0, sizeof(app));
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "computellm";
    app.pEngineName = "computellm";
    app.apiVersion = loader_api >= CLLM_VK_API_1_1 ? CLLM_VK_API_1_1 : CLLM_VK_VERSION(1, 0);
    memset(&ci, 0, sizeof(ci));
    ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ci.pApplicationInfo = &app;
    r = create(&ci, NULL, &g_vk.instance);
    if (r != VK_SUCCESS) {
        g_vk.instance = NULL;
        snprintf(err, errlen, "vkCreateInstance (%s): %s (%d)", cllm_dl_path(g_vk.dl), vk_result_str(r), (int)r);
        vk_shutdown();
        return (r == VK_ERROR_INCOMPATIBLE_DRIVER || r == VK_ERROR_INITIALIZATION_FAILED) ? CLLM_ERR_NOT_FOUND
                                                                                            : CLLM_ERR_IO;
    }
    g_vk.instance_api = app.apiVersion;

#define CLLM_VK_LOAD(field, type, name) g_vk.field = (type)g_vk.get_proc(g_vk.instance, name)
    CLLM_VK_LOAD(destroy_instance, PFN_vkDestroyInstance, "vkDestroyInstance");
    CLLM_VK_LOAD(enum_devices, PFN_vkEnumeratePhysicalDevices, "vkEnumeratePhysicalDevices");
    CLLM_VK_LOAD(get_props, PFN_vkGetPhysicalDeviceProperties, "vkGetPhysicalDeviceProperties");
    CLLM_VK_LOAD(get_mem, PFN_vkGetPhysicalDeviceMemoryProperties, "vkGetPhysicalDeviceMemoryProperties");
    CLLM_VK_LOAD(enum_dev_ext, PFN_vkEnumerateDeviceExtensionProperties, "vkEnumerateDeviceExtensionProperties");
    if (g_vk.instance_api >= CLLM_VK_API_1_1)
        CLLM_VK_LOAD(get_props2, PFN_vkGetPhysicalDeviceProperties, "vkGetPhysicalDeviceProperties2");
#undef CLLM_VK_LOAD
    if (!g_vk.destroy_instance || !g_vk.enum_devices || !g_vk.get_props || !g_vk.get_mem) {
        snprintf(err, errlen, "core Vulkan 1.0 entry points missing from %s", cllm_dl_path(g_vk.dl));
        vk_shutdown();
        return CLLM_ERR_SYMBOL;
    }
    snprintf(err, errlen, "%s, Vulkan %u.%u", cllm_dl_path(g_vk.dl), (unsigned)(loader_api >> 22) & 0x7fu,
             (unsigned)(loader_api >> 12) & 0x3ffu);
    return CLLM_OK;
}

/* driverVersion is vendor-defined: NVIDIA packs 10.8.8.6 bits, Intel on Windows 18.14, the rest (Mesa, AMD, ARM)
 * follow VK_MAKE_API_VERSION's 7.10.12 bits. */
static void vk_driver_version(uint32_t vendor, uint32_t v, char *out, size_t outlen)
{
    if (vendor == CLLM_PCI_VENDOR_NVIDIA) {
        unsigned build = v & 0x3fu;
        if (build)
            snprintf(out, outlen, "%u.%u.%02u.%u", v >> 22, (v >> 14) & 0xffu, (v >> 6) & 0xffu, build);
        else
            snprintf(out, outlen, "%u.%u.%02u", v >> 22, (v >> 14) & 0xffu, (v >> 6) & 0xffu);
        return;
    }
#ifdef _WIN32
    if (vendor == CLLM_PCI_VENDOR_INTEL) {
        snprintf(out, outlen, "%u.%u", v >> 14, v & 0x3fffu);
        return;
    }
#endif
    snprintf(out, outlen, "%u.%u.%u", (v >> 22) & 0x7fu, (v >> 12) & 0x3ffu, v & 0xfffu);
}

static const char *vk_vendor_label(uint32_t vendor, char *buf, size_t buflen)
{
    const char *known = cllm_gpu_vendor_label(vendor);
    if (known)
        return known;
    switch (vendor) {
    case 0x13b5: return "ARM";
    case 0x5143: return "Qualcomm";
    case 0x1010: return "Imagination";
    default:
        snprintf(buf, buflen, "0x%04x", (unsigned)vendor);
        return buf;
    }
}

static bool vk_has_device_ext(VkPhysicalDevice dev, const char *name)
{
    VkExtensionProperties *ext = NULL;
    uint32_t n = 0;
    bool found = false;
    VkResult r;

    if (!g_vk.enum_dev_ext || g_vk.enum_dev_ext(dev, NULL, &n, NULL) != VK_SUCCESS || n == 0)
        return false;
    ext = calloc(n, sizeof(*ext));   /* 260 bytes each, a few hundred extensions: off the stack */
    if (!ext)
        return false;
    r = g_vk.enum_dev_ext(dev, NULL, &n, ext);
    if (r == VK_SUCCESS || r == VK_INCOMPLETE)
        for (uint32_t i = 0; i < n && !found; i++)
            found = strncmp(ext[i].extensionName, name, sizeof(ext[i].extensionName)) == 0;
    free(ext);
    return found;
}

static int vk_get_devices(const struct cllm_gpu_params *p, struct cllm_gpu_device *out, int max, char *err,
                          size_t errlen)
{
    VkPhysicalDevice devs[32];
    uint32_t count = sizeof(devs) / sizeof(devs[0]);
    VkResult r;
    int n = 0;

    (void)p;
    r = g_vk.enum_devices(g_vk.instance, &count, devs);
    if (r != VK_SUCCESS && r != VK_INCOMPLETE) {
        snprintf(err, errlen, "vkEnumeratePhysicalDevices: %s (%d)", vk_result_str(r), (int)r);
        return -1;
    }
    for (uint32_t i = 0; i < count && n < max; i++) {
        struct cllm_gpu_device *d = &out[n];
        vk_props_buf props;
        VkPhysicalDeviceMemoryProperties mem;
        uint64_t vram = 0;
        char vbuf[16];

        memset(&props, 0, sizeof(props));
        g_vk.get_props(devs[i], &props);
        /* llvmpipe / lavapipe / SwiftShader run on the CPU: not GPUs */
        if (props.head.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU)
            continue;

        cllm_gpu_device_init(d);
        snprintf(d->source, sizeof(d->source), "vulkan");
        cllm_gpu_copy(d->vendor, sizeof(d->vendor), vk_vendor_label(props.head.vendorID, vbuf, sizeof(vbuf)));
        props.head.deviceName[sizeof(props.head.deviceName) - 1] = '\0';
        cllm_gpu_copy(d->name, sizeof(d->name), props.head.deviceName);
        d->integrated = props.head.deviceType == VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU;
        vk_driver_version(props.head.vendorID, props.head.driverVersion, d->driver_version,
                          sizeof(d->driver_version));
        cllm_reason_set(&d->why, "compute_capability", "Vulkan reports no compute architecture");

        /* the largest device-local heap: NVIDIA repeats its BAR window as a second small device-local heap,
         * so summing would count that memory twice (RADV without resizable BAR splits off 256 MiB instead,
         * which this undercounts; amdgpu sysfs, earlier in the list, has the exact figure) */
        memset(&mem, 0, sizeof(mem));
        g_vk.get_mem(devs[i], &mem);
        for (uint32_t h = 0; h < mem.memoryHeapCount && h < 16; h++)
            if ((mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) && mem.memoryHeaps[h].size > vram)
                vram = mem.memoryHeaps[h].size;
        if (vram)
            d->vram_total_gb = cllm_gpu_bytes_to_gb(vram);
        else
            cllm_reason_set(&d->why, "vram_total_gb", "no device-local Vulkan memory heap");
        cllm_reason_set(&d->why, "vram_free_gb", "core Vulkan reports heap sizes, not free memory");

        if (g_vk.get_props2 && props.head.apiVersion >= CLLM_VK_API_1_1 &&
            vk_has_device_ext(devs[i], "VK_EXT_pci_bus_info")) {
            VkPhysicalDevicePCIBusInfoPropertiesEXT pci;
            vk_props2 p2;
            memset(&pci, 0, sizeof(pci));
            memset(&p2, 0, sizeof(p2));
            pci.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT;
            p2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
            p2.pNext = &pci;
            g_vk.get_props2(devs[i], &p2);
            snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "%04x:%02x:%02x.%x", pci.pciDomain & 0xffffu,
                     pci.pciBus & 0xffu, pci.pciDevice & 0x1fu, pci.pciFunction & 0x7u);
        } else {
            cllm_reason_set(&d->why, "pci_bus_id", "driver lacks VK_EXT_pci_bus_info or Vulkan 1.1");
        }
        n++;
    }
    return n;
}

/* ---- the vendor table: one pass, so the devices are read at once and handed out from a snapshot ---- */

static enum cllm_status vk_vendor_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    enum cllm_status st = vk_init(p, err, errlen);
    if (st == CLLM_OK && cllm_gpu_snapshot_new(p, ctx, err, errlen) != CLLM_OK) {
        vk_shutdown();
        return CLLM_ERR_NOMEM;
    }
    return st;
}

static int vk_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct cllm_gpu_snapshot *s = ctx;
    s->n = vk_get_devices(&s->p, s->dev, max < CLLM_GPU_MAX ? max : CLLM_GPU_MAX, err, errlen);
    return s->n;
}

static void vk_vendor_shutdown(void *ctx)
{
    vk_shutdown();
    cllm_gpu_snapshot_free(ctx);
}

const struct cllm_gpu_vendor cllm_gpu_vendor_vulkan = {
    .name = "vulkan",
    .init = vk_vendor_init,
    .devices = vk_devices,
    .static_info = cllm_gpu_snapshot_info,
    .sample = NULL,   /* lists only */
    .shutdown = vk_vendor_shutdown,
};
