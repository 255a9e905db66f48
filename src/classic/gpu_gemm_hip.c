/* The HIP backend of the GPU compute phase: the HIP runtime (libamdhip64) and hipBLAS, loaded at run time.
 * NOT VERIFIED: written from AMD's HIP and hipBLAS references (hipblas-common.h, hip/library_types.h, the hipBLAS
 * deprecation notes) and never run on an AMD GPU; the phase records "verified": false.
 *
 * hipBLAS changed its GemmEx types twice: ROCm ≤ 5 took hipblasDatatype_t (150..) for data and compute;
 * ROCm 6 (hipBLAS 2) added hipblasGemmEx_v2 with hipDataType + hipblasComputeType_t; ROCm 7 (hipBLAS 3) gave
 * hipblasGemmEx that signature and dropped the old types. We pick by the symbols and the library's major version. */
#if !defined(_WIN32)
#define _GNU_SOURCE
#endif
#include "classic/gpu_gemm.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classic/gpu_gemm_priv.h"
#include "platform/dl.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

typedef int hipError_t;                       /* hipSuccess = 0 */
typedef struct cllm_hip_event *hipEvent_t;
typedef struct cllm_hip_stream *hipStream_t;  /* NULL: the null stream, which hipBLAS also uses */
typedef int hipblasStatus_t;                  /* HIPBLAS_STATUS_SUCCESS = 0 */
typedef void *hipblasHandle_t;

enum { HIPBLAS_STATUS_SUCCESS = 0, HIPBLAS_STATUS_NOT_SUPPORTED = 7, HIPBLAS_STATUS_ARCH_MISMATCH = 8,
       HIPBLAS_STATUS_INVALID_ENUM = 10 };
enum { HIPBLAS_OP_N = 111 };                                    /* hipblasOperation_t */
enum { HIP_R_32F = 0, HIP_R_16F = 2, HIP_R_16BF = 14 };         /* hipDataType (ROCm ≥ 6) */
enum { HIPBLAS_COMPUTE_32F = 2, HIPBLAS_COMPUTE_32F_FAST_TF32 = 6 };   /* hipblasComputeType_t (ROCm ≥ 6) */
enum { HIPBLAS_R_16F = 150, HIPBLAS_R_32F = 151, HIPBLAS_R_16B = 168 }; /* hipblasDatatype_t (ROCm ≤ 6) */
enum { HIPBLAS_GEMM_DEFAULT = 160 };                            /* hipblasGemmAlgo_t */

/* hipDeviceProp_t starts with char name[256] in every ROCm release; the struct is about 1.5 KiB. */
#define CLLM_HIP_PROP_BUF 16384
#define CLLM_HIP_NAME_LEN 256

enum gemm_api { GEMM_API_OLD, GEMM_API_V2, GEMM_API_NEW };

static struct {
    struct cllm_dl *rt, *blas;
    enum gemm_api   api;
    hipError_t (*get_device_count)(int *count);
    hipError_t (*set_device)(int device);
    hipError_t (*get_device_properties)(void *prop, int device);
    hipError_t (*mem_get_info)(size_t *free_bytes, size_t *total_bytes);
    hipError_t (*runtime_get_version)(int *v);
    hipError_t (*malloc)(void **ptr, size_t bytes);
    hipError_t (*free)(void *ptr);
    hipError_t (*host_malloc)(void **ptr, size_t bytes, unsigned flags);
    hipError_t (*host_free)(void *ptr);
    hipError_t (*memcpy)(void *dst, const void *src, size_t bytes, int kind);
    hipError_t (*memset)(void *ptr, int value, size_t bytes);
    hipError_t (*event_create)(hipEvent_t *ev);
    hipError_t (*event_record)(hipEvent_t ev, hipStream_t stream);
    hipError_t (*event_synchronize)(hipEvent_t ev);
    hipError_t (*event_elapsed_time)(float *ms, hipEvent_t start, hipEvent_t stop);
    hipError_t (*event_destroy)(hipEvent_t ev);
    hipError_t (*device_synchronize)(void);
    const char *(*get_error_string)(hipError_t e);
    hipblasStatus_t (*create)(hipblasHandle_t *h);
    hipblasStatus_t (*destroy)(hipblasHandle_t h);
    hipblasStatus_t (*sgemm)(hipblasHandle_t h, int transa, int transb, int m, int n, int k, const float *alpha,
                             const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc);
    /* the same argument list in all three APIs; only the meaning of the type and compute-type ints differs */
    hipblasStatus_t (*gemm_ex)(hipblasHandle_t h, int transa, int transb, int m, int n, int k, const void *alpha,
                               const void *a, int a_type, int lda, const void *b, int b_type, int ldb,
                               const void *beta, void *c, int c_type, int ldc, int compute_type, int algo);
    const char *(*status_string)(hipblasStatus_t s);
    hipblasHandle_t handle;
    hipEvent_t      ev_start, ev_stop;
} g_hip;

static const char *hip_err(hipError_t e)
{
    static char buf[48];
    const char *s = g_hip.get_error_string ? g_hip.get_error_string(e) : NULL;
    if (s && s[0])
        return s;
    snprintf(buf, sizeof(buf), "HIP error %d", e);
    return buf;
}

static const char *hipblas_err(hipblasStatus_t s)
{
    static char buf[48];
    const char *t = g_hip.status_string ? g_hip.status_string(s) : NULL;
    if (t && t[0])
        return t;
    snprintf(buf, sizeof(buf), "hipBLAS status %d", s);
    return buf;
}

#define HIP_CHECK(call, what)                                                                    \
    do {                                                                                         \
        hipError_t _e = (call);                                                                  \
        if (_e != 0) {                                                                           \
            cllm_errf(err, errlen, "%s: %s", (what), hip_err(_e));                           \
            return CLLM_ERR_IO;                                                                  \
        }                                                                                        \
    } while (0)

static void hip_dirs(const char *lib_dir, struct cllm_gpugemm_dirs *d)
{
    cllm_gpugemm_dirs_init(d);
    if (lib_dir) {
        cllm_gpugemm_dirs_add(d, lib_dir);
        return;
    }
    cllm_gpugemm_dirs_add_env(d, "COMPUTELLM_HIP_LIB_DIR", "");
    cllm_gpugemm_dirs_add(d, "");
#if defined(_WIN32)
    cllm_gpugemm_dirs_add_env(d, "HIP_PATH", "\\bin");
#else
    cllm_gpugemm_dirs_add_env(d, "ROCM_PATH", "/lib");
    cllm_gpugemm_dirs_add_env(d, "HIP_PATH", "/lib");
    cllm_gpugemm_dirs_add(d, "/opt/rocm/lib");
    cllm_gpugemm_dirs_add_glob(d, "/opt/rocm-*/lib");
#endif
}

/* The libraries stay loaded (cllm_gpugemm_dl_keep); only our table is cleared. */
static void hip_shutdown(void) { memset(&g_hip, 0, sizeof(g_hip)); }

/* Major version from the file the library resolved to ("libhipblas.so.3.0.60400" → 3); -1 when unknown. */
static int soname_major(const struct cllm_dl *dl)
{
    const char *p = cllm_dl_path(dl);
    const char *so;
#if !defined(_WIN32)
    char real[PATH_MAX];
    if (realpath(p, real))
        p = real;
#endif
    so = strstr(p, ".so.");
    return so ? atoi(so + 4) : -1;
}

static enum cllm_status hip_init(const char *lib_dir, struct cllm_gpugemm_libs *libs, char *err, size_t errlen)
{
#if defined(_WIN32)
    static const char *const rt_names[] = {"amdhip64_7.dll", "amdhip64_6.dll", "amdhip64.dll", NULL};
    static const char *const blas_names[] = {"hipblas.dll", "libhipblas.dll", NULL};
#else
    static const char *const rt_names[] = {"libamdhip64.so.7", "libamdhip64.so.6", "libamdhip64.so.5",
                                           "libamdhip64.so", NULL};
    static const char *const blas_names[] = {"libhipblas.so.3", "libhipblas.so.2", "libhipblas.so.1",
                                             "libhipblas.so.0", "libhipblas.so", NULL};
#endif
    void *gemm_v2 = NULL, *gemm_plain = NULL;
    const struct cllm_dl_sym_spec rt_specs[] = {
        {{"hipGetDeviceCount", NULL}, (void **)&g_hip.get_device_count, true},
        {{"hipSetDevice", NULL}, (void **)&g_hip.set_device, true},
        {{"hipMalloc", NULL}, (void **)&g_hip.malloc, true},
        {{"hipFree", NULL}, (void **)&g_hip.free, true},
        /* hipHostMalloc(ptr, size, flags) is deprecated in ROCm 7 for hipHostAlloc, same arguments */
        {{"hipHostAlloc", "hipHostMalloc", NULL}, (void **)&g_hip.host_malloc, true},
        {{"hipHostFree", "hipFreeHost", NULL}, (void **)&g_hip.host_free, true},
        {{"hipMemcpy", NULL}, (void **)&g_hip.memcpy, true},
        {{"hipMemset", NULL}, (void **)&g_hip.memset, true},
        {{"hipEventCreate", NULL}, (void **)&g_hip.event_create, true},
        {{"hipEventRecord", NULL}, (void **)&g_hip.event_record, true},
        {{"hipEventSynchronize", NULL}, (void **)&g_hip.event_synchronize, true},
        {{"hipEventElapsedTime", NULL}, (void **)&g_hip.event_elapsed_time, true},
        {{"hipEventDestroy", NULL}, (void **)&g_hip.event_destroy, true},
        {{"hipDeviceSynchronize", NULL}, (void **)&g_hip.device_synchronize, true},
        {{"hipGetErrorString", NULL}, (void **)&g_hip.get_error_string, true},
        {{"hipRuntimeGetVersion", NULL}, (void **)&g_hip.runtime_get_version, false},
        {{"hipMemGetInfo", NULL}, (void **)&g_hip.mem_get_info, false},
        /* ROCm 6 renamed the current layout's entry point; name stays the first member either way */
        {{"hipGetDevicePropertiesR0600", "hipGetDeviceProperties", NULL}, (void **)&g_hip.get_device_properties,
         false},
    };
    const struct cllm_dl_sym_spec blas_specs[] = {
        {{"hipblasCreate", NULL}, (void **)&g_hip.create, true},
        {{"hipblasDestroy", NULL}, (void **)&g_hip.destroy, true},
        {{"hipblasSgemm", NULL}, (void **)&g_hip.sgemm, true},
        {{"hipblasGemmEx", NULL}, &gemm_plain, true},
        {{"hipblasGemmEx_v2", NULL}, &gemm_v2, false},
        {{"hipblasStatusToString", NULL}, (void **)&g_hip.status_string, false},
    };
    struct cllm_gpugemm_dirs dirs;
    char searched[1024], why[1024];
    enum cllm_status st;
    int v = 0;

    memset(&g_hip, 0, sizeof(g_hip));
    hip_dirs(lib_dir, &dirs);
    cllm_gpugemm_dirs_describe(&dirs, searched, sizeof(searched));
    if (cllm_gpugemm_dl_search(&dirs, rt_names, &g_hip.rt, why, sizeof(why)) != CLLM_OK) {
        cllm_errf(err, errlen, "HIP runtime (libamdhip64): %s (searched: %s)", why, searched);
        return CLLM_ERR_LIBRARY;
    }
    st = cllm_dl_load_syms(g_hip.rt, rt_specs, sizeof(rt_specs) / sizeof(rt_specs[0]), err, errlen);
    if (st != CLLM_OK) {
        cllm_dl_close(g_hip.rt);   /* not the library we want: let it go */
        goto fail;
    }
    g_hip.rt = cllm_gpugemm_dl_keep(g_hip.rt);
    snprintf(libs->runtime.path, sizeof(libs->runtime.path), "%s", cllm_dl_path(g_hip.rt));
    /* HIP_VERSION = major·10^7 + minor·10^5 + patch */
    if (g_hip.runtime_get_version && g_hip.runtime_get_version(&v) == 0)
        snprintf(libs->runtime.version, sizeof(libs->runtime.version), "%d.%d.%d", v / 10000000,
                 (v / 100000) % 100, v % 100000);
    if (cllm_gpugemm_dl_search(&dirs, blas_names, &g_hip.blas, why, sizeof(why)) != CLLM_OK) {
        cllm_errf(err, errlen, "hipBLAS (libhipblas): %s (searched: %s)", why, searched);
        st = CLLM_ERR_LIBRARY;
        goto fail;
    }
    st = cllm_dl_load_syms(g_hip.blas, blas_specs, sizeof(blas_specs) / sizeof(blas_specs[0]), err, errlen);
    if (st != CLLM_OK) {
        cllm_dl_close(g_hip.blas);
        goto fail;
    }
    g_hip.blas = cllm_gpugemm_dl_keep(g_hip.blas);
    if (gemm_v2) {
        g_hip.api = GEMM_API_V2;
        g_hip.gemm_ex = (hipblasStatus_t(*)(hipblasHandle_t, int, int, int, int, int, const void *, const void *,
                                            int, int, const void *, int, int, const void *, void *, int, int, int,
                                            int))gemm_v2;
    } else {
        g_hip.api = soname_major(g_hip.blas) >= 3 ? GEMM_API_NEW : GEMM_API_OLD;
        g_hip.gemm_ex = (hipblasStatus_t(*)(hipblasHandle_t, int, int, int, int, int, const void *, const void *,
                                            int, int, const void *, int, int, const void *, void *, int, int, int,
                                            int))gemm_plain;
    }
    snprintf(libs->blas.path, sizeof(libs->blas.path), "%s", cllm_dl_path(g_hip.blas));
    libs->gemm_ex_api = g_hip.api == GEMM_API_V2    ? "hipblasGemmEx_v2"
                        : g_hip.api == GEMM_API_NEW ? "hipblasGemmEx (hipDataType)"
                                                    : "hipblasGemmEx (hipblasDatatype_t)";
    return CLLM_OK;

fail:
    hip_shutdown();
    return st;
}

static int hip_device_count(char *err, size_t errlen)
{
    int n = 0;
    hipError_t e = g_hip.get_device_count(&n);
    if (e != 0) {
        cllm_errf(err, errlen, "hipGetDeviceCount: %s", hip_err(e));
        return -1;
    }
    return n;
}

static void hip_close(void)
{
    if (g_hip.ev_start)
        g_hip.event_destroy(g_hip.ev_start);
    if (g_hip.ev_stop)
        g_hip.event_destroy(g_hip.ev_stop);
    if (g_hip.handle)
        g_hip.destroy(g_hip.handle);
    g_hip.ev_start = g_hip.ev_stop = NULL;
    g_hip.handle = NULL;
}


static enum cllm_status hip_open(int device, struct cllm_gpugemm_device *dev, struct cllm_gpugemm_libs *libs,
                                 char *err, size_t errlen)
{
    hipblasStatus_t s;
    (void)libs;

    HIP_CHECK(g_hip.set_device(device), "hipSetDevice");
    dev->index = device;
    if (g_hip.get_device_properties) {
        unsigned char *prop = calloc(1, CLLM_HIP_PROP_BUF);
        if (prop && g_hip.get_device_properties(prop, device) == 0) {
            memcpy(dev->name, prop, CLLM_HIP_NAME_LEN);
            dev->name[CLLM_HIP_NAME_LEN] = '\0';
        } else {
            snprintf(dev->name_why, sizeof(dev->name_why), "hipGetDeviceProperties failed");
        }
        free(prop);
    } else {
        snprintf(dev->name_why, sizeof(dev->name_why), "hipGetDeviceProperties missing from the runtime");
    }
    /* the gfx architecture comes from hw detection (the runner fills compute_capability from it); the other
     * attributes' hipDeviceAttribute_t values changed across ROCm releases, so they are left to hw detection */
    if (g_hip.mem_get_info) {
        size_t fr = 0, total = 0;
        if (g_hip.mem_get_info(&fr, &total) == 0) {
            dev->vram_total_gb = round((double)total / 1073741824.0 * 100.0) / 100.0;
            dev->vram_free_gb = round((double)fr / 1073741824.0 * 100.0) / 100.0;
        } else {
            snprintf(dev->vram_why, sizeof(dev->vram_why), "hipMemGetInfo failed");
        }
    } else {
        snprintf(dev->vram_why, sizeof(dev->vram_why), "hipMemGetInfo missing from the runtime");
    }
    s = g_hip.create(&g_hip.handle);
    if (s != HIPBLAS_STATUS_SUCCESS) {
        g_hip.handle = NULL;
        cllm_errf(err, errlen, "hipblasCreate: %s", hipblas_err(s));
        return CLLM_ERR_IO;
    }
    if (g_hip.event_create(&g_hip.ev_start) != 0 || g_hip.event_create(&g_hip.ev_stop) != 0) {
        cllm_errf(err, errlen, "hipEventCreate failed");
        hip_close();
        return CLLM_ERR_IO;
    }
    return CLLM_OK;
}

static enum cllm_status hip_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    char what[64];
    *ptr = NULL;
    snprintf(what, sizeof(what), "hipMalloc(%zu bytes)", bytes);
    HIP_CHECK(g_hip.malloc(ptr, bytes), what);
    return CLLM_OK;
}

static void hip_free(void *ptr)
{
    if (ptr)
        g_hip.free(ptr);
}

static enum cllm_status hip_host_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    char what[64];
    *ptr = NULL;
    snprintf(what, sizeof(what), "hipHostAlloc(%zu bytes)", bytes);
    HIP_CHECK(g_hip.host_malloc(ptr, bytes, 0 /* hipHostMallocDefault */), what);
    return CLLM_OK;
}

static void hip_host_free(void *ptr)
{
    if (ptr)
        g_hip.host_free(ptr);
}

static enum cllm_status hip_memcpy(void *dst, const void *src, size_t bytes, enum cllm_gpugemm_copy_kind kind,
                                   char *err, size_t errlen)
{
    /* hipMemcpyKind: HostToDevice 1, DeviceToHost 2, DeviceToDevice 3, as CUDA's */
    HIP_CHECK(g_hip.memcpy(dst, src, bytes, (int)kind), "hipMemcpy");
    return CLLM_OK;
}

static enum cllm_status hip_memset(void *ptr, int value, size_t bytes, char *err, size_t errlen)
{
    HIP_CHECK(g_hip.memset(ptr, value, bytes), "hipMemset");
    return CLLM_OK;
}

static enum cllm_status hip_gemm(enum cllm_gpugemm_precision prec, int n, const void *a, const void *b, void *c,
                                 char *err, size_t errlen)
{
    const float one = 1.0f, zero = 0.0f;
    bool old = g_hip.api == GEMM_API_OLD;
    int type, compute;
    hipblasStatus_t s;

    if (prec == CLLM_GPUGEMM_FP32) {
        s = g_hip.sgemm(g_hip.handle, HIPBLAS_OP_N, HIPBLAS_OP_N, n, n, n, &one, a, n, b, n, &zero, c, n);
        if (s != HIPBLAS_STATUS_SUCCESS) {
            cllm_errf(err, errlen, "hipblasSgemm: %s", hipblas_err(s));
            return CLLM_ERR_IO;
        }
        return CLLM_OK;
    }
    switch (prec) {
    case CLLM_GPUGEMM_TF32:
        if (old) {
            cllm_errf(err, errlen, "TF32 needs hipBLAS ≥ 2 (ROCm 6): hipblasComputeType_t");
            return CLLM_ERR_UNSUPPORTED;
        }
        type = HIP_R_32F;
        compute = HIPBLAS_COMPUTE_32F_FAST_TF32;
        break;
    case CLLM_GPUGEMM_FP16:
        type = old ? HIPBLAS_R_16F : HIP_R_16F;
        compute = old ? HIPBLAS_R_32F : HIPBLAS_COMPUTE_32F;
        break;
    case CLLM_GPUGEMM_BF16:
        type = old ? HIPBLAS_R_16B : HIP_R_16BF;
        compute = old ? HIPBLAS_R_32F : HIPBLAS_COMPUTE_32F;
        break;
    default:
        cllm_errf(err, errlen, "unknown precision %d", (int)prec);
        return CLLM_ERR_INVALID_ARG;
    }
    s = g_hip.gemm_ex(g_hip.handle, HIPBLAS_OP_N, HIPBLAS_OP_N, n, n, n, &one, a, type, n, b, type, n, &zero, c, type,
                      n, compute, HIPBLAS_GEMM_DEFAULT);
    if (s == HIPBLAS_STATUS_SUCCESS)
        return CLLM_OK;
    cllm_errf(err, errlen, "hipblasGemmEx(%s): %s", cllm_gpugemm_precision_name(prec), hipblas_err(s));
    /* rocBLAS has no TF32 compute type; older GPUs lack bf16 */
    return (s == HIPBLAS_STATUS_NOT_SUPPORTED || s == HIPBLAS_STATUS_ARCH_MISMATCH || s == HIPBLAS_STATUS_INVALID_ENUM)
               ? CLLM_ERR_UNSUPPORTED
               : CLLM_ERR_IO;
}

static enum cllm_status hip_timer_start(char *err, size_t errlen)
{
    HIP_CHECK(g_hip.event_record(g_hip.ev_start, NULL), "hipEventRecord");
    return CLLM_OK;
}

static enum cllm_status hip_timer_stop(double *seconds, char *err, size_t errlen)
{
    float ms = 0.0f;
    HIP_CHECK(g_hip.event_record(g_hip.ev_stop, NULL), "hipEventRecord");
    HIP_CHECK(g_hip.event_synchronize(g_hip.ev_stop), "hipEventSynchronize");
    HIP_CHECK(g_hip.event_elapsed_time(&ms, g_hip.ev_start, g_hip.ev_stop), "hipEventElapsedTime");
    *seconds = (double)ms / 1000.0;
    return CLLM_OK;
}

static enum cllm_status hip_synchronize(char *err, size_t errlen)
{
    HIP_CHECK(g_hip.device_synchronize(), "hipDeviceSynchronize");
    return CLLM_OK;
}

const struct cllm_gpugemm_backend cllm_gpugemm_backend_hip = {
    .name = "hip",
    .vendor = "AMD",
    .verified = false,
    .init = hip_init,
    .device_count = hip_device_count,
    .open = hip_open,
    .alloc = hip_alloc,
    .free = hip_free,
    .host_alloc = hip_host_alloc,
    .host_free = hip_host_free,
    .memcpy = hip_memcpy,
    .memset = hip_memset,
    .gemm = hip_gemm,
    .timer_start = hip_timer_start,
    .timer_stop = hip_timer_stop,
    .synchronize = hip_synchronize,
    .close = hip_close,
    .shutdown = hip_shutdown,
};
