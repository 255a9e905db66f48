/* OpenCL platforms and devices through the ICD loader opened at run time (ocl-icd's or Khronos' libOpenCL, Windows'
 * OpenCL.dll, macOS's OpenCL.framework). A list of its own beside the GPU list: OpenCL sees GPUs that other vendor
 * files already list, and CPUs (PoCL). Our own minimal declarations, written from the OpenCL specification; no
 * SDK header is needed. */
#include "gpu/gpu_vendors.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "platform/dl.h"

/* ---- minimal OpenCL declarations ---- */
#if defined(_WIN32)
#define CL_API_CALL __stdcall   /* as cl_platform.h; the x64 ABI ignores it */
#else
#define CL_API_CALL
#endif

typedef int32_t  cl_int;
typedef uint32_t cl_uint;
typedef uint64_t cl_ulong;
typedef cl_ulong cl_device_type;                        /* cl_bitfield */
typedef cl_uint  cl_platform_info;
typedef cl_uint  cl_device_info;
typedef struct cllm_cl_platform_id *cl_platform_id;     /* opaque handles are pointers */
typedef struct cllm_cl_device_id *cl_device_id;

enum {
    CL_SUCCESS = 0,
    CL_DEVICE_NOT_FOUND = -1,
    CL_OUT_OF_RESOURCES = -5,
    CL_OUT_OF_HOST_MEMORY = -6,
    CL_INVALID_VALUE = -30,
    CL_INVALID_DEVICE_TYPE = -31,
    CL_INVALID_PLATFORM = -32,
    CL_INVALID_DEVICE = -33,
    CL_PLATFORM_NOT_FOUND_KHR = -1001,   /* cl_khr_icd: the loader found no implementation */

    CL_PLATFORM_VERSION = 0x0901,
    CL_PLATFORM_NAME = 0x0902,
    CL_PLATFORM_VENDOR = 0x0903,

    CL_DEVICE_TYPE = 0x1000,
    CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002,
    CL_DEVICE_MAX_CLOCK_FREQUENCY = 0x100C,
    CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F,
    CL_DEVICE_NAME = 0x102B,
    CL_DEVICE_VENDOR = 0x102C,
    CL_DRIVER_VERSION = 0x102D,
    CL_DEVICE_VERSION = 0x102F,
    CL_DEVICE_OPENCL_C_VERSION = 0x103D,
};

#define CL_DEVICE_TYPE_CPU         ((cl_device_type)1 << 1)
#define CL_DEVICE_TYPE_GPU         ((cl_device_type)1 << 2)
#define CL_DEVICE_TYPE_ACCELERATOR ((cl_device_type)1 << 3)
#define CL_DEVICE_TYPE_CUSTOM      ((cl_device_type)1 << 4)
#define CL_DEVICE_TYPE_ALL         ((cl_device_type)0xFFFFFFFF)

typedef cl_int (CL_API_CALL *PFN_clGetPlatformIDs)(cl_uint, cl_platform_id *, cl_uint *);
typedef cl_int (CL_API_CALL *PFN_clGetPlatformInfo)(cl_platform_id, cl_platform_info, size_t, void *, size_t *);
typedef cl_int (CL_API_CALL *PFN_clGetDeviceIDs)(cl_platform_id, cl_device_type, cl_uint, cl_device_id *,
                                                 cl_uint *);
typedef cl_int (CL_API_CALL *PFN_clGetDeviceInfo)(cl_device_id, cl_device_info, size_t, void *, size_t *);

struct cl_api {
    PFN_clGetPlatformIDs  get_platforms;
    PFN_clGetPlatformInfo get_platform_info;
    PFN_clGetDeviceIDs    get_devices;
    PFN_clGetDeviceInfo   get_device_info;
};

/* The longest info string we read: vendors' names and versions are short; anything larger is not a string we
 * want (and bounds the allocation). */
#define CL_STR_MAX 4096

const char *const cllm_gpu_opencl_lib_names[] = {
#if defined(_WIN32)
    "OpenCL.dll",
#elif defined(__APPLE__)
    "/System/Library/Frameworks/OpenCL.framework/OpenCL",
#else
    "libOpenCL.so.1", "libOpenCL.so",
#endif
    NULL,
};

/* One detection at a time; loaders that listed a platform, kept open for the process's life: their
 * implementations (PoCL's worker threads, GPU drivers) are not made to be unloaded. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cllm_dl *g_kept[4];

const char *cllm_gpu_opencl_status_name(enum cllm_opencl_status s)
{
    switch (s) {
    case CLLM_OPENCL_NOT_QUERIED: return "not_queried";
    case CLLM_OPENCL_OK:          return "ok";
    case CLLM_OPENCL_NO_LOADER:   return "no_loader";
    case CLLM_OPENCL_NO_PLATFORM: return "no_platform";
    case CLLM_OPENCL_ERROR:       return "error";
    default:                      return "unknown";
    }
}

static const char *cl_err_str(cl_int r)
{
    switch (r) {
    case CL_DEVICE_NOT_FOUND:       return "CL_DEVICE_NOT_FOUND";
    case CL_OUT_OF_RESOURCES:       return "CL_OUT_OF_RESOURCES";
    case CL_OUT_OF_HOST_MEMORY:     return "CL_OUT_OF_HOST_MEMORY";
    case CL_INVALID_VALUE:          return "CL_INVALID_VALUE";
    case CL_INVALID_DEVICE_TYPE:    return "CL_INVALID_DEVICE_TYPE";
    case CL_INVALID_PLATFORM:       return "CL_INVALID_PLATFORM";
    case CL_INVALID_DEVICE:         return "CL_INVALID_DEVICE";
    case CL_PLATFORM_NOT_FOUND_KHR: return "CL_PLATFORM_NOT_FOUND_KHR";
    default:                        return "OpenCL error";
    }
}

/* Keeps dl for the process's life (one reference per loader path is enough); closes it when already kept. */
static void keep_loader(struct cllm_dl *dl)
{
    size_t n = sizeof(g_kept) / sizeof(g_kept[0]);
    for (size_t i = 0; i < n; i++)
        if (g_kept[i] && strcmp(cllm_dl_path(g_kept[i]), cllm_dl_path(dl)) == 0) {
            cllm_dl_close(dl);   /* the kept reference holds it mapped */
            return;
        }
    for (size_t i = 0; i < n; i++)
        if (!g_kept[i]) {
            g_kept[i] = dl;
            return;
        }
    /* more distinct loaders than slots (tests naming paths): this one stays mapped, unreferenced by us */
    CLLM_LOG(CLLM_LOG_DEBUG, "opencl: %s left loaded", cllm_dl_path(dl));
}

/* Trims surrounding white space in place (Intel pads its CPU names, some drivers end versions with a space). */
static void trim(char *s)
{
    size_t n = strlen(s), start = 0;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (start < n && isspace((unsigned char)s[start]))
        start++;
    if (start)
        memmove(s, s + start, n - start + 1);
}

/* One string of clGetPlatformInfo (dev NULL) or clGetDeviceInfo into out, cut to fit; false with why set. */
static bool info_str(const struct cl_api *cl, cl_platform_id plat, cl_device_id dev, cl_uint param, char *out,
                     size_t outlen, char *why, size_t whylen)
{
    const char *fn = dev ? "clGetDeviceInfo" : "clGetPlatformInfo";
    size_t need = 0;
    char *buf;
    cl_int r;

    out[0] = '\0';
    r = dev ? cl->get_device_info(dev, param, 0, NULL, &need) : cl->get_platform_info(plat, param, 0, NULL, &need);
    if (r != CL_SUCCESS) {
        snprintf(why, whylen, "%s(0x%04x): %s (%d)", fn, (unsigned)param, cl_err_str(r), (int)r);
        return false;
    }
    if (need == 0 || need > CL_STR_MAX) {
        snprintf(why, whylen, "%s(0x%04x): implausible length %zu", fn, (unsigned)param, need);
        return false;
    }
    buf = malloc(need + 1);
    if (!buf) {
        snprintf(why, whylen, "out of memory");
        return false;
    }
    r = dev ? cl->get_device_info(dev, param, need, buf, NULL) : cl->get_platform_info(plat, param, need, buf, NULL);
    if (r != CL_SUCCESS) {
        snprintf(why, whylen, "%s(0x%04x): %s (%d)", fn, (unsigned)param, cl_err_str(r), (int)r);
        free(buf);
        return false;
    }
    buf[need] = '\0';   /* the value ends in its own NUL; this one guards a driver that leaves it out */
    cllm_gpu_copy(out, outlen, buf);
    free(buf);
    trim(out);
    if (!out[0]) {
        snprintf(why, whylen, "%s(0x%04x): empty", fn, (unsigned)param);
        return false;
    }
    return true;
}

/* A scalar of clGetDeviceInfo of exactly `size` bytes; false with why set. */
static bool info_scalar(const struct cl_api *cl, cl_device_id dev, cl_uint param, void *out, size_t size, char *why,
                        size_t whylen)
{
    size_t got = 0;
    cl_int r = cl->get_device_info(dev, param, size, out, &got);
    if (r != CL_SUCCESS) {
        snprintf(why, whylen, "clGetDeviceInfo(0x%04x): %s (%d)", (unsigned)param, cl_err_str(r), (int)r);
        return false;
    }
    if (got != size) {
        snprintf(why, whylen, "clGetDeviceInfo(0x%04x): %zu bytes, expected %zu", (unsigned)param, got, size);
        return false;
    }
    return true;
}

static void set_why(struct cllm_opencl_info *out, char kind, int i, const char *member, const char *fmt, ...)
    CLLM_PRINTF(5, 6);

static void set_why(struct cllm_opencl_info *out, char kind, int i, const char *member, const char *fmt, ...)
{
    char key[48], why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    snprintf(key, sizeof(key), "%c%d_%s", kind, i, member);
    cllm_reason_set(&out->why, key, "%s", why);
}

static void read_device(const struct cl_api *cl, cl_device_id id, int k, struct cllm_opencl_info *out)
{
    struct cllm_opencl_device *d = &out->devices[k];
    static const struct {
        cl_uint param;
        size_t  off, len;
        const char *member;
    } strs[] = {
        {CL_DEVICE_NAME, offsetof(struct cllm_opencl_device, name), sizeof(d->name), "name"},
        {CL_DEVICE_VENDOR, offsetof(struct cllm_opencl_device, vendor), sizeof(d->vendor), "vendor"},
        {CL_DRIVER_VERSION, offsetof(struct cllm_opencl_device, driver_version), sizeof(d->driver_version),
         "driver_version"},
        {CL_DEVICE_VERSION, offsetof(struct cllm_opencl_device, version), sizeof(d->version), "version"},
        {CL_DEVICE_OPENCL_C_VERSION, offsetof(struct cllm_opencl_device, opencl_c_version),
         sizeof(d->opencl_c_version), "opencl_c_version"},
    };
    char why[200];
    cl_device_type type = 0;
    cl_ulong mem = 0;
    cl_uint u = 0;

    d->global_mem_bytes = -1;
    d->compute_units = -1;
    d->max_clock_mhz = -1;
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
        if (!info_str(cl, NULL, id, strs[i].param, (char *)d + strs[i].off, strs[i].len, why, sizeof(why)))
            set_why(out, 'd', k, strs[i].member, "%s", why);

    if (info_scalar(cl, id, CL_DEVICE_TYPE, &type, sizeof(type), why, sizeof(why))) {
        /* CL_DEVICE_TYPE_DEFAULT may be or-ed in; the kind is one of the others */
        const char *t = (type & CL_DEVICE_TYPE_GPU) ? "gpu" : (type & CL_DEVICE_TYPE_CPU) ? "cpu"
                      : (type & CL_DEVICE_TYPE_ACCELERATOR) ? "accelerator" : (type & CL_DEVICE_TYPE_CUSTOM) ? "custom"
                      : NULL;
        if (t)
            cllm_gpu_copy(d->type, sizeof(d->type), t);
        else
            set_why(out, 'd', k, "type", "CL_DEVICE_TYPE 0x%llx names no known kind", (unsigned long long)type);
    } else {
        set_why(out, 'd', k, "type", "%s", why);
    }
    if (!info_scalar(cl, id, CL_DEVICE_GLOBAL_MEM_SIZE, &mem, sizeof(mem), why, sizeof(why)))
        set_why(out, 'd', k, "global_mem_bytes", "%s", why);
    else if (mem == 0 || mem > (cl_ulong)INT64_MAX)
        set_why(out, 'd', k, "global_mem_bytes", "CL_DEVICE_GLOBAL_MEM_SIZE: %llu bytes, not a size",
                (unsigned long long)mem);
    else
        d->global_mem_bytes = (int64_t)mem;
    if (!info_scalar(cl, id, CL_DEVICE_MAX_COMPUTE_UNITS, &u, sizeof(u), why, sizeof(why)))
        set_why(out, 'd', k, "compute_units", "%s", why);
    else if (u == 0 || u > INT32_MAX)
        set_why(out, 'd', k, "compute_units", "CL_DEVICE_MAX_COMPUTE_UNITS: %u", (unsigned)u);
    else
        d->compute_units = (int)u;
    /* 0 MHz is what a driver says when the clock is unreadable (PoCL in some VMs): unknown, not zero */
    if (!info_scalar(cl, id, CL_DEVICE_MAX_CLOCK_FREQUENCY, &u, sizeof(u), why, sizeof(why)))
        set_why(out, 'd', k, "max_clock_mhz", "%s", why);
    else if (u == 0 || u > INT32_MAX)
        set_why(out, 'd', k, "max_clock_mhz", "CL_DEVICE_MAX_CLOCK_FREQUENCY: %u MHz (not readable here)",
                (unsigned)u);
    else
        d->max_clock_mhz = (int)u;
}

/* The devices of platform i into out; false with why when clGetDeviceIDs fails (no device is not a failure). */
static bool read_platform_devices(const struct cl_api *cl, cl_platform_id plat, int i, struct cllm_opencl_info *out,
                                  int *dropped, char *why, size_t whylen)
{
    struct cllm_opencl_platform *pl = &out->platforms[i];
    cl_device_id ids[CLLM_OPENCL_MAX_DEVICES];
    cl_uint n = 0, room = (cl_uint)(CLLM_OPENCL_MAX_DEVICES - out->n_devices), take;
    cl_int r;

    pl->first_device = out->n_devices;
    pl->n_devices = 0;
    r = cl->get_devices(plat, CL_DEVICE_TYPE_ALL, 0, NULL, &n);
    if (r == CL_DEVICE_NOT_FOUND || (r == CL_SUCCESS && n == 0))
        return true;
    if (r != CL_SUCCESS) {
        snprintf(why, whylen, "clGetDeviceIDs: %s (%d)", cl_err_str(r), (int)r);
        return false;
    }
    take = n < room ? n : room;
    *dropped += (int)(n - take);
    if (take == 0)
        return true;
    r = cl->get_devices(plat, CL_DEVICE_TYPE_ALL, take, ids, NULL);
    if (r != CL_SUCCESS) {
        snprintf(why, whylen, "clGetDeviceIDs: %s (%d)", cl_err_str(r), (int)r);
        return false;
    }
    for (cl_uint k = 0; k < take; k++) {
        int idx = out->n_devices++;
        memset(&out->devices[idx], 0, sizeof(out->devices[idx]));
        out->devices[idx].platform = i;
        read_device(cl, ids[k], idx, out);
        pl->n_devices++;
    }
    return true;
}

static void list(struct cllm_dl *dl, struct cllm_opencl_info *out, bool *keep)
{
    struct cl_api cl;
    const struct cllm_dl_sym_spec specs[] = {
        {{"clGetPlatformIDs", NULL}, (void **)&cl.get_platforms, true},
        {{"clGetPlatformInfo", NULL}, (void **)&cl.get_platform_info, true},
        {{"clGetDeviceIDs", NULL}, (void **)&cl.get_devices, true},
        {{"clGetDeviceInfo", NULL}, (void **)&cl.get_device_info, true},
    };
    cl_platform_id ids[CLLM_OPENCL_MAX_PLATFORMS];
    char err[CLLM_ERR_LEN], why[200], problems[160] = "";
    cl_uint n = 0, take;
    int dropped = 0;
    cl_int r;

    memset(&cl, 0, sizeof(cl));
    if (cllm_dl_load_syms(dl, specs, sizeof(specs) / sizeof(specs[0]), err, sizeof(err)) != CLLM_OK) {
        out->status = CLLM_OPENCL_ERROR;
        snprintf(out->detail, sizeof(out->detail), "%s is not an OpenCL ICD loader: %.180s", cllm_dl_path(dl), err);
        return;
    }
    /* from here the loader may have loaded implementations: it stays */
    *keep = true;
    r = cl.get_platforms(0, NULL, &n);
    if (r == CL_PLATFORM_NOT_FOUND_KHR || (r == CL_SUCCESS && n == 0)) {
        out->status = CLLM_OPENCL_NO_PLATFORM;
        snprintf(out->detail, sizeof(out->detail),
                 "the OpenCL loader found no platform (no ICD installed: e.g. apt-get install pocl-opencl-icd for "
                 "the CPU, or a GPU driver's OpenCL package)");
        return;
    }
    if (r != CL_SUCCESS) {
        out->status = CLLM_OPENCL_ERROR;
        snprintf(out->detail, sizeof(out->detail), "clGetPlatformIDs: %s (%d)", cl_err_str(r), (int)r);
        return;
    }
    take = n < CLLM_OPENCL_MAX_PLATFORMS ? n : CLLM_OPENCL_MAX_PLATFORMS;
    r = cl.get_platforms(take, ids, NULL);
    if (r != CL_SUCCESS) {
        out->status = CLLM_OPENCL_ERROR;
        snprintf(out->detail, sizeof(out->detail), "clGetPlatformIDs: %s (%d)", cl_err_str(r), (int)r);
        return;
    }
    for (cl_uint i = 0; i < take; i++) {
        struct cllm_opencl_platform *pl = &out->platforms[out->n_platforms];
        int pi = out->n_platforms++;

        memset(pl, 0, sizeof(*pl));
        pl->first_device = out->n_devices;
        if (!info_str(&cl, ids[i], NULL, CL_PLATFORM_NAME, pl->name, sizeof(pl->name), why, sizeof(why)))
            set_why(out, 'p', pi, "name", "%s", why);
        if (!info_str(&cl, ids[i], NULL, CL_PLATFORM_VENDOR, pl->vendor, sizeof(pl->vendor), why, sizeof(why)))
            set_why(out, 'p', pi, "vendor", "%s", why);
        if (!info_str(&cl, ids[i], NULL, CL_PLATFORM_VERSION, pl->version, sizeof(pl->version), why, sizeof(why)))
            set_why(out, 'p', pi, "version", "%s", why);
        if (!read_platform_devices(&cl, ids[i], pi, out, &dropped, why, sizeof(why))) {
            size_t used = strlen(problems);
            set_why(out, 'p', pi, "devices", "%s", why);
            snprintf(problems + used, sizeof(problems) - used, "%splatform %d: %.100s", used ? "; " : "", pi, why);
        }
    }
    out->status = CLLM_OPENCL_OK;
    {
        int c = snprintf(out->detail, sizeof(out->detail), "%d platform%s, %d device%s", out->n_platforms,
                         out->n_platforms == 1 ? "" : "s", out->n_devices, out->n_devices == 1 ? "" : "s");
        size_t used = c > 0 ? (size_t)c : 0;
        if (n > take && used < sizeof(out->detail))
            used += (size_t)snprintf(out->detail + used, sizeof(out->detail) - used, "; %u platform%s not kept "
                                     "(list full)", (unsigned)(n - take), n - take == 1 ? "" : "s");
        if (dropped && used < sizeof(out->detail))
            used += (size_t)snprintf(out->detail + used, sizeof(out->detail) - used, "; %d device%s not kept "
                                     "(list full)", dropped, dropped == 1 ? "" : "s");
        if (problems[0] && used < sizeof(out->detail))
            snprintf(out->detail + used, sizeof(out->detail) - used, "; %s", problems);
    }
}

void cllm_gpu_opencl_detect(const struct cllm_gpu_params *p, const char *const *lib_names,
                            struct cllm_opencl_info *out)
{
    char err[CLLM_ERR_LEN];
    struct cllm_dl_signals *sigs;
    struct cllm_dl *dl;
    bool keep = false;
    int restored;

    memset(out, 0, sizeof(*out));
    if (!cllm_gpu_may_ask_os(p)) {
        out->status = CLLM_OPENCL_NOT_QUERIED;
        snprintf(out->detail, sizeof(out->detail),
                 "not queried: OpenCL reads the live machine and this is a captured tree");
        return;
    }
    if (!lib_names)
        lib_names = cllm_gpu_opencl_lib_names;
    pthread_mutex_lock(&g_lock);
    dl = cllm_dl_open_first(lib_names, err, sizeof(err));
    if (!dl) {
        out->status = CLLM_OPENCL_NO_LOADER;
        snprintf(out->detail, sizeof(out->detail), "no OpenCL ICD loader (%.100s): install one (Debian: "
                 "ocl-icd-libopencl1) and an implementation (pocl-opencl-icd, a GPU driver's)", err);
        pthread_mutex_unlock(&g_lock);
        CLLM_LOG(CLLM_LOG_INFO, "opencl: %s", out->detail);
        return;
    }
    cllm_gpu_copy(out->library, sizeof(out->library), cllm_dl_path(dl));
    /* the loader loads the implementations: PoCL's LLVM takes SIGSEGV, SIGINT, SIGTERM ... for itself, which would
     * swallow a crash and replace the program's Ctrl-C; the program's handlers go back once listing is done */
    sigs = cllm_dl_signals_save();
    list(dl, out, &keep);
    restored = cllm_dl_signals_restore(sigs);
    if (restored)
        CLLM_LOG(CLLM_LOG_DEBUG, "opencl: %d signal handlers an implementation installed were put back", restored);
    if (keep)
        keep_loader(dl);
    else
        cllm_dl_close(dl);
    pthread_mutex_unlock(&g_lock);
    CLLM_LOG(CLLM_LOG_INFO, "opencl: %s: %s", cllm_gpu_opencl_status_name(out->status), out->detail);
}
