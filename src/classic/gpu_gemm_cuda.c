/* The CUDA backend of the GPU compute phase: the CUDA runtime (libcudart) and cuBLAS, loaded at run time.
 * The declarations below are our own, written from NVIDIA's CUDA runtime and cuBLAS API references; enum values
 * as in CUDA 13.0's driver_types.h, library_types.h and cublas_api.h (unchanged since CUDA 11). No SDK header is
 * needed to build. */
#include "classic/gpu_gemm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "classic/gpu_gemm_priv.h"
#include "platform/dl.h"

/* ---- minimal CUDA runtime / cuBLAS declarations ---- */
typedef int cudaError_t;                       /* cudaSuccess = 0 */
typedef struct cllm_cuda_event *cudaEvent_t;   /* opaque */
typedef struct cllm_cuda_stream *cudaStream_t; /* NULL: the legacy default stream, which cuBLAS also uses */
typedef int cublasStatus_t;                    /* CUBLAS_STATUS_SUCCESS = 0 */
typedef struct cllm_cublas_ctx *cublasHandle_t;

enum {
    cudaDevAttrMultiProcessorCount = 16,
    cudaDevAttrPciBusId = 33,
    cudaDevAttrPciDeviceId = 34,
    cudaDevAttrL2CacheSize = 38,
    cudaDevAttrPciDomainId = 50,
    cudaDevAttrComputeCapabilityMajor = 75,
    cudaDevAttrComputeCapabilityMinor = 76,
};

enum {
    CUBLAS_STATUS_SUCCESS = 0,
    CUBLAS_STATUS_NOT_INITIALIZED = 1,
    CUBLAS_STATUS_ALLOC_FAILED = 3,
    CUBLAS_STATUS_INVALID_VALUE = 7,
    CUBLAS_STATUS_ARCH_MISMATCH = 8,
    CUBLAS_STATUS_MAPPING_ERROR = 11,
    CUBLAS_STATUS_EXECUTION_FAILED = 13,
    CUBLAS_STATUS_INTERNAL_ERROR = 14,
    CUBLAS_STATUS_NOT_SUPPORTED = 15,
    CUBLAS_STATUS_LICENSE_ERROR = 16,
};

enum { CUBLAS_OP_N = 0 };                                   /* cublasOperation_t */
enum { CUBLAS_DEFAULT_MATH = 0 };                           /* cublasMath_t */
enum { CUBLAS_COMPUTE_32F = 68, CUBLAS_COMPUTE_32F_FAST_TF32 = 77 };   /* cublasComputeType_t (CUDA ≥ 11) */
enum { CUDA_R_32F = 0, CUDA_R_16F = 2, CUDA_R_16BF = 14 };  /* cudaDataType_t */
enum { CUBLAS_GEMM_DEFAULT = -1 };                          /* cublasGemmAlgo_t: let cuBLAS choose */

/* cudaDeviceProp is large and grows between releases; we read only `name` (char[256], its first member in every
 * release) from a zeroed buffer far larger than the struct (1008 bytes in CUDA 12, about the same in 13). */
#define CLLM_CUDA_PROP_BUF  16384
#define CLLM_CUDA_NAME_LEN  256

static struct {
    struct cllm_dl *rt, *blas, *blas_lt;
    cudaError_t (*get_device_count)(int *count);
    cudaError_t (*set_device)(int device);
    cudaError_t (*device_get_attribute)(int *value, int attr, int device);
    cudaError_t (*get_device_properties)(void *prop, int device);
    cudaError_t (*mem_get_info)(size_t *free_bytes, size_t *total_bytes);
    cudaError_t (*runtime_get_version)(int *v);
    cudaError_t (*driver_get_version)(int *v);
    cudaError_t (*malloc)(void **ptr, size_t bytes);
    cudaError_t (*free)(void *ptr);
    cudaError_t (*malloc_host)(void **ptr, size_t bytes);
    cudaError_t (*free_host)(void *ptr);
    cudaError_t (*memcpy)(void *dst, const void *src, size_t bytes, int kind);
    cudaError_t (*memset)(void *ptr, int value, size_t bytes);
    cudaError_t (*event_create)(cudaEvent_t *ev);
    cudaError_t (*event_record)(cudaEvent_t ev, cudaStream_t stream);
    cudaError_t (*event_synchronize)(cudaEvent_t ev);
    cudaError_t (*event_elapsed_time)(float *ms, cudaEvent_t start, cudaEvent_t stop);
    cudaError_t (*event_destroy)(cudaEvent_t ev);
    cudaError_t (*device_synchronize)(void);
    const char *(*get_error_string)(cudaError_t e);
    cublasStatus_t (*create)(cublasHandle_t *h);
    cublasStatus_t (*destroy)(cublasHandle_t h);
    cublasStatus_t (*set_math_mode)(cublasHandle_t h, int mode);
    cublasStatus_t (*sgemm)(cublasHandle_t h, int transa, int transb, int m, int n, int k, const float *alpha,
                            const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc);
    cublasStatus_t (*gemm_ex)(cublasHandle_t h, int transa, int transb, int m, int n, int k, const void *alpha,
                              const void *a, int a_type, int lda, const void *b, int b_type, int ldb,
                              const void *beta, void *c, int c_type, int ldc, int compute_type, int algo);
    cublasStatus_t (*get_version)(cublasHandle_t h, int *v);
    const char *(*status_string)(cublasStatus_t s);
    cudaError_t (*can_access_peer)(int *can, int device, int peer);          /* optional: several GPUs */
    cudaError_t (*enable_peer_access)(int peer, unsigned flags);
    cudaError_t (*memcpy_peer)(void *dst, int dst_dev, const void *src, int src_dev, size_t bytes);
    cublasHandle_t handle;
    cudaEvent_t    ev_start, ev_stop;
} g_cuda;

static const char *cuda_err(cudaError_t e)
{
    static char buf[48];
    const char *s = g_cuda.get_error_string ? g_cuda.get_error_string(e) : NULL;
    if (s && s[0])
        return s;
    snprintf(buf, sizeof(buf), "CUDA error %d", e);
    return buf;
}

static const char *cublas_err(cublasStatus_t s)
{
    static char buf[48];
    const char *t = g_cuda.status_string ? g_cuda.status_string(s) : NULL;
    if (t && t[0])
        return t;
    switch (s) {
    case CUBLAS_STATUS_NOT_INITIALIZED:  return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED:     return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE:    return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH:    return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR:    return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR:   return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED:    return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR:    return "CUBLAS_STATUS_LICENSE_ERROR";
    default: snprintf(buf, sizeof(buf), "cuBLAS status %d", s); return buf;
    }
}

/* Checks one runtime call: on failure writes "what: message" and returns CLLM_ERR_IO. */
#define CUDA_CHECK(call, what)                                                                   \
    do {                                                                                         \
        cudaError_t _e = (call);                                                                 \
        if (_e != 0) {                                                                           \
            cllm_errf(err, errlen, "%s: %s", (what), cuda_err(_e));                          \
            return CLLM_ERR_IO;                                                                  \
        }                                                                                        \
    } while (0)

/* ---- where the libraries are ---- */

static void cuda_dirs(const char *lib_dir, const char *const *wheel_pkgs, struct cllm_gpugemm_dirs *d)
{
    cllm_gpugemm_dirs_init(d);
    if (lib_dir) {
        cllm_gpugemm_dirs_add(d, lib_dir);
        return;
    }
    cllm_gpugemm_dirs_add_env(d, "COMPUTELLM_CUDA_LIB_DIR", "");
    cllm_gpugemm_dirs_add(d, "");
#if defined(_WIN32)
    cllm_gpugemm_dirs_add_env(d, "CUDA_PATH", "\\bin\\x64");   /* CUDA 13 */
    cllm_gpugemm_dirs_add_env(d, "CUDA_PATH", "\\bin");
    (void)wheel_pkgs;
#else
    cllm_gpugemm_dirs_add_env(d, "CUDA_HOME", "/lib64");
    cllm_gpugemm_dirs_add_env(d, "CUDA_PATH", "/lib64");
    cllm_gpugemm_dirs_add(d, "/usr/local/cuda/lib64");
    cllm_gpugemm_dirs_add_glob(d, "/usr/local/cuda-*/lib64");
    cllm_gpugemm_dirs_add_wheels(d, wheel_pkgs);
#endif
}

/* The libraries stay loaded (cllm_gpugemm_dl_keep); only our table is cleared. */
static void cuda_shutdown(void) { memset(&g_cuda, 0, sizeof(g_cuda)); }

static void lib_path(struct cllm_gpugemm_lib *lib, const struct cllm_dl *dl)
{
    snprintf(lib->path, sizeof(lib->path), "%s", cllm_dl_path(dl));
}

static enum cllm_status cuda_init(const char *lib_dir, struct cllm_gpugemm_libs *libs, char *err, size_t errlen)
{
#if defined(_WIN32)
    static const char *const rt_names[] = {"cudart64_13.dll", "cudart64_12.dll", "cudart64_110.dll", NULL};
    static const char *const blas_names[] = {"cublas64_13.dll", "cublas64_12.dll", "cublas64_11.dll", NULL};
    static const char *const lt_names[] = {"cublasLt64_13.dll", "cublasLt64_12.dll", "cublasLt64_11.dll", NULL};
#else
    static const char *const rt_names[] = {"libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so",
                                           NULL};
    static const char *const blas_names[] = {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so",
                                             NULL};
    static const char *const lt_names[] = {"libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11",
                                           "libcublasLt.so", NULL};
#endif
    /* CUDA 12 wheels: nvidia/{cuda_runtime,cublas}/lib; CUDA 13 wheels put both in nvidia/cu13/lib */
    static const char *const rt_wheels[] = {"nvidia/cu13/lib", "nvidia/cuda_runtime/lib", NULL};
    static const char *const blas_wheels[] = {"nvidia/cu13/lib", "nvidia/cublas/lib", NULL};
    const struct cllm_dl_sym_spec rt_specs[] = {
        {{"cudaGetDeviceCount", NULL}, (void **)&g_cuda.get_device_count, true},
        {{"cudaSetDevice", NULL}, (void **)&g_cuda.set_device, true},
        {{"cudaDeviceGetAttribute", NULL}, (void **)&g_cuda.device_get_attribute, true},
        {{"cudaMalloc", NULL}, (void **)&g_cuda.malloc, true},
        {{"cudaFree", NULL}, (void **)&g_cuda.free, true},
        {{"cudaMallocHost", NULL}, (void **)&g_cuda.malloc_host, true},
        {{"cudaFreeHost", NULL}, (void **)&g_cuda.free_host, true},
        {{"cudaMemcpy", NULL}, (void **)&g_cuda.memcpy, true},
        {{"cudaMemset", NULL}, (void **)&g_cuda.memset, true},
        {{"cudaEventCreate", NULL}, (void **)&g_cuda.event_create, true},
        {{"cudaEventRecord", NULL}, (void **)&g_cuda.event_record, true},
        {{"cudaEventSynchronize", NULL}, (void **)&g_cuda.event_synchronize, true},
        {{"cudaEventElapsedTime", NULL}, (void **)&g_cuda.event_elapsed_time, true},
        {{"cudaEventDestroy", NULL}, (void **)&g_cuda.event_destroy, true},
        {{"cudaDeviceSynchronize", NULL}, (void **)&g_cuda.device_synchronize, true},
        {{"cudaGetErrorString", NULL}, (void **)&g_cuda.get_error_string, true},
        {{"cudaRuntimeGetVersion", NULL}, (void **)&g_cuda.runtime_get_version, false},
        {{"cudaDriverGetVersion", NULL}, (void **)&g_cuda.driver_get_version, false},
        {{"cudaMemGetInfo", NULL}, (void **)&g_cuda.mem_get_info, false},
        {{"cudaDeviceCanAccessPeer", NULL}, (void **)&g_cuda.can_access_peer, false},
        {{"cudaDeviceEnablePeerAccess", NULL}, (void **)&g_cuda.enable_peer_access, false},
        {{"cudaMemcpyPeer", NULL}, (void **)&g_cuda.memcpy_peer, false},
        /* CUDA 12 exports the current layout as _v2; CUDA 13 only the plain name */
        {{"cudaGetDeviceProperties_v2", "cudaGetDeviceProperties", NULL}, (void **)&g_cuda.get_device_properties,
         false},
    };
    const struct cllm_dl_sym_spec blas_specs[] = {
        {{"cublasCreate_v2", NULL}, (void **)&g_cuda.create, true},
        {{"cublasDestroy_v2", NULL}, (void **)&g_cuda.destroy, true},
        {{"cublasSetMathMode", NULL}, (void **)&g_cuda.set_math_mode, true},
        {{"cublasSgemm_v2", NULL}, (void **)&g_cuda.sgemm, true},
        {{"cublasGemmEx", NULL}, (void **)&g_cuda.gemm_ex, true},
        {{"cublasGetVersion_v2", NULL}, (void **)&g_cuda.get_version, false},
        {{"cublasGetStatusString", NULL}, (void **)&g_cuda.status_string, false},
    };
    struct cllm_gpugemm_dirs dirs;
    char searched[1024], why[1024], dir[CLLM_GPUGEMM_DIR_LEN];
    enum cllm_status st;
    int v = 0;

    memset(&g_cuda, 0, sizeof(g_cuda));
    cuda_dirs(lib_dir, rt_wheels, &dirs);
    cllm_gpugemm_dirs_describe(&dirs, searched, sizeof(searched));
    if (cllm_gpugemm_dl_search(&dirs, rt_names, &g_cuda.rt, why, sizeof(why)) != CLLM_OK) {
        cllm_errf(err, errlen, "CUDA runtime (libcudart): %s (searched: %s)", why, searched);
        return CLLM_ERR_LIBRARY;
    }
    st = cllm_dl_load_syms(g_cuda.rt, rt_specs, sizeof(rt_specs) / sizeof(rt_specs[0]), err, errlen);
    if (st != CLLM_OK) {
        cllm_dl_close(g_cuda.rt);   /* not the library we want: let it go */
        goto fail;
    }
    g_cuda.rt = cllm_gpugemm_dl_keep(g_cuda.rt);
    lib_path(&libs->runtime, g_cuda.rt);
    if (g_cuda.runtime_get_version && g_cuda.runtime_get_version(&v) == 0)
        cllm_gpugemm_version_1000(v, libs->runtime.version, sizeof(libs->runtime.version));
    /* the CUDA version the installed driver supports (not the driver's own 5xx version, which NVML gives) */
    if (g_cuda.driver_get_version && g_cuda.driver_get_version(&v) == 0 && v > 0)
        cllm_gpugemm_version_1000(v, libs->driver_api_version, sizeof(libs->driver_api_version));

    cuda_dirs(lib_dir, blas_wheels, &dirs);
    cllm_gpugemm_dirs_describe(&dirs, searched, sizeof(searched));
    if (cllm_gpugemm_dl_search(&dirs, blas_names, &g_cuda.blas, why, sizeof(why)) != CLLM_OK) {
        cllm_errf(err, errlen, "cuBLAS (libcublas): %s (searched: %s)", why, searched);
        st = CLLM_ERR_LIBRARY;
        goto fail;
    }
    st = cllm_dl_load_syms(g_cuda.blas, blas_specs, sizeof(blas_specs) / sizeof(blas_specs[0]), err, errlen);
    if (st != CLLM_OK) {
        cllm_dl_close(g_cuda.blas);
        goto fail;
    }
    g_cuda.blas = cllm_gpugemm_dl_keep(g_cuda.blas);
    lib_path(&libs->blas, g_cuda.blas);
    /* libcublas pulled libcublasLt in through its RUNPATH; opening it again by the same folder only names it */
    cllm_gpugemm_dl_dir(g_cuda.blas, dir, sizeof(dir));
    if (dir[0]) {
        struct cllm_gpugemm_dirs one;
        cllm_gpugemm_dirs_init(&one);
        cllm_gpugemm_dirs_add(&one, dir);
        if (cllm_gpugemm_dl_search(&one, lt_names, &g_cuda.blas_lt, why, sizeof(why)) == CLLM_OK) {
            g_cuda.blas_lt = cllm_gpugemm_dl_keep(g_cuda.blas_lt);
            lib_path(&libs->blas_lt, g_cuda.blas_lt);
        }
    }
    return CLLM_OK;

fail:
    cuda_shutdown();
    return st;
}

static int cuda_device_count(char *err, size_t errlen)
{
    int n = 0;
    cudaError_t e = g_cuda.get_device_count(&n);
    if (e != 0) {
        cllm_errf(err, errlen, "cudaGetDeviceCount: %s", cuda_err(e));
        return -1;
    }
    return n;
}

static void cuda_close(void)
{
    if (g_cuda.ev_start)
        g_cuda.event_destroy(g_cuda.ev_start);
    if (g_cuda.ev_stop)
        g_cuda.event_destroy(g_cuda.ev_stop);
    if (g_cuda.handle)
        g_cuda.destroy(g_cuda.handle);
    g_cuda.ev_start = g_cuda.ev_stop = NULL;
    g_cuda.handle = NULL;
}


/* One integer attribute; false with why when the runtime refuses it. */
static bool attr(int *out, int attr_id, int device, char *why, size_t n)
{
    cudaError_t e = g_cuda.device_get_attribute(out, attr_id, device);
    if (e == 0)
        return true;
    snprintf(why, n, "cudaDeviceGetAttribute(%d): %s", attr_id, cuda_err(e));
    return false;
}

static enum cllm_status cuda_open(int device, struct cllm_gpugemm_device *dev, struct cllm_gpugemm_libs *libs,
                                  char *err, size_t errlen)
{
    cublasStatus_t s;
    int major = 0, minor = 0, v = 0;

    CUDA_CHECK(g_cuda.set_device(device), "cudaSetDevice");
    dev->index = device;

    if (g_cuda.get_device_properties) {
        unsigned char *prop = calloc(1, CLLM_CUDA_PROP_BUF);
        cudaError_t e = prop ? g_cuda.get_device_properties(prop, device) : 2;
        if (prop && e == 0) {
            memcpy(dev->name, prop, CLLM_CUDA_NAME_LEN);
            dev->name[CLLM_CUDA_NAME_LEN] = '\0';
        } else {
            snprintf(dev->name_why, sizeof(dev->name_why), "cudaGetDeviceProperties: %s",
                     prop ? cuda_err(e) : "out of memory");
        }
        free(prop);
    } else {
        snprintf(dev->name_why, sizeof(dev->name_why), "cudaGetDeviceProperties missing from the runtime");
    }

    if (g_cuda.device_get_attribute(&major, cudaDevAttrComputeCapabilityMajor, device) == 0 &&
        g_cuda.device_get_attribute(&minor, cudaDevAttrComputeCapabilityMinor, device) == 0)
        snprintf(dev->compute_capability, sizeof(dev->compute_capability), "%d.%d", major, minor);
    else
        snprintf(dev->compute_capability_why, sizeof(dev->compute_capability_why),
                 "cudaDeviceGetAttribute refused the compute capability");
    if (!attr(&dev->multiprocessors, cudaDevAttrMultiProcessorCount, device, dev->multiprocessors_why,
              sizeof(dev->multiprocessors_why)))
        dev->multiprocessors = -1;
    {
        int l2 = 0;
        if (attr(&l2, cudaDevAttrL2CacheSize, device, dev->l2_cache_bytes_why, sizeof(dev->l2_cache_bytes_why)))
            dev->l2_cache_bytes = l2;
    }
    {
        int dom = 0, bus = 0, slot = 0;
        if (g_cuda.device_get_attribute(&dom, cudaDevAttrPciDomainId, device) == 0 &&
            g_cuda.device_get_attribute(&bus, cudaDevAttrPciBusId, device) == 0 &&
            g_cuda.device_get_attribute(&slot, cudaDevAttrPciDeviceId, device) == 0)
            snprintf(dev->pci_bus_id, sizeof(dev->pci_bus_id), "%04x:%02x:%02x.0", (unsigned)dom & 0xffffu,
                     (unsigned)bus & 0xffu, (unsigned)slot & 0x1fu);
        else
            snprintf(dev->pci_bus_id_why, sizeof(dev->pci_bus_id_why),
                     "cudaDeviceGetAttribute refused the PCI location");
    }
    if (g_cuda.mem_get_info) {
        size_t fr = 0, total = 0;
        cudaError_t e = g_cuda.mem_get_info(&fr, &total);
        if (e == 0) {
            dev->vram_total_gb = round((double)total / 1073741824.0 * 100.0) / 100.0;
            dev->vram_free_gb = round((double)fr / 1073741824.0 * 100.0) / 100.0;
        } else {
            snprintf(dev->vram_why, sizeof(dev->vram_why), "cudaMemGetInfo: %s", cuda_err(e));
        }
    } else {
        snprintf(dev->vram_why, sizeof(dev->vram_why), "cudaMemGetInfo missing from the runtime");
    }

    s = g_cuda.create(&g_cuda.handle);
    if (s != CUBLAS_STATUS_SUCCESS) {
        g_cuda.handle = NULL;
        cllm_errf(err, errlen, "cublasCreate: %s", cublas_err(s));
        return CLLM_ERR_IO;
    }
    s = g_cuda.set_math_mode(g_cuda.handle, CUBLAS_DEFAULT_MATH);
    if (s != CUBLAS_STATUS_SUCCESS) {
        cllm_errf(err, errlen, "cublasSetMathMode: %s", cublas_err(s));
        goto fail;
    }
    /* CUBLAS_VERSION = major·10000 + minor·100 + patch */
    if (g_cuda.get_version && g_cuda.get_version(g_cuda.handle, &v) == CUBLAS_STATUS_SUCCESS)
        snprintf(libs->blas.version, sizeof(libs->blas.version), "%d.%d.%d", v / 10000, (v / 100) % 100, v % 100);
    if (g_cuda.event_create(&g_cuda.ev_start) != 0 || g_cuda.event_create(&g_cuda.ev_stop) != 0) {
        cllm_errf(err, errlen, "cudaEventCreate failed");
        goto fail;
    }
    return CLLM_OK;

fail:
    cuda_close();
    return CLLM_ERR_IO;
}

static enum cllm_status cuda_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    char what[64];
    *ptr = NULL;
    snprintf(what, sizeof(what), "cudaMalloc(%zu bytes)", bytes);
    CUDA_CHECK(g_cuda.malloc(ptr, bytes), what);
    return CLLM_OK;
}

static void cuda_free(void *ptr)
{
    if (ptr)
        g_cuda.free(ptr);
}

static enum cllm_status cuda_host_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    char what[64];
    *ptr = NULL;
    snprintf(what, sizeof(what), "cudaMallocHost(%zu bytes)", bytes);
    CUDA_CHECK(g_cuda.malloc_host(ptr, bytes), what);
    return CLLM_OK;
}

static void cuda_host_free(void *ptr)
{
    if (ptr)
        g_cuda.free_host(ptr);
}

static enum cllm_status cuda_memcpy(void *dst, const void *src, size_t bytes, enum cllm_gpugemm_copy_kind kind,
                                    char *err, size_t errlen)
{
    /* cudaMemcpyKind: HostToDevice 1, DeviceToHost 2, DeviceToDevice 3 — the values of enum cllm_gpugemm_copy_kind */
    CUDA_CHECK(g_cuda.memcpy(dst, src, bytes, (int)kind), "cudaMemcpy");
    return CLLM_OK;
}

static enum cllm_status cuda_memset(void *ptr, int value, size_t bytes, char *err, size_t errlen)
{
    CUDA_CHECK(g_cuda.memset(ptr, value, bytes), "cudaMemset");
    return CLLM_OK;
}

static enum cllm_status cuda_gemm(enum cllm_gpugemm_precision prec, int n, const void *a, const void *b, void *c,
                                  char *err, size_t errlen)
{
    const float one = 1.0f, zero = 0.0f;   /* compute type 32F: alpha and beta are floats */
    cublasStatus_t s;
    const char *what;

    switch (prec) {
    case CLLM_GPUGEMM_FP32:
        what = "cublasSgemm";
        s = g_cuda.sgemm(g_cuda.handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, n, b, n, &zero, c, n);
        break;
    case CLLM_GPUGEMM_TF32:
        what = "cublasGemmEx(fp32, COMPUTE_32F_FAST_TF32)";
        s = g_cuda.gemm_ex(g_cuda.handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, CUDA_R_32F, n, b, CUDA_R_32F,
                           n, &zero, c, CUDA_R_32F, n, CUBLAS_COMPUTE_32F_FAST_TF32, CUBLAS_GEMM_DEFAULT);
        break;
    case CLLM_GPUGEMM_FP16:
        what = "cublasGemmEx(fp16, COMPUTE_32F)";
        s = g_cuda.gemm_ex(g_cuda.handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, CUDA_R_16F, n, b, CUDA_R_16F,
                           n, &zero, c, CUDA_R_16F, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        break;
    case CLLM_GPUGEMM_BF16:
        what = "cublasGemmEx(bf16, COMPUTE_32F)";
        s = g_cuda.gemm_ex(g_cuda.handle, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, CUDA_R_16BF, n, b,
                           CUDA_R_16BF, n, &zero, c, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        break;
    default:
        cllm_errf(err, errlen, "unknown precision %d", (int)prec);
        return CLLM_ERR_INVALID_ARG;
    }
    if (s == CUBLAS_STATUS_SUCCESS)
        return CLLM_OK;
    cllm_errf(err, errlen, "%s: %s", what, cublas_err(s));
    /* older GPUs lack BF16/TF32 tensor cores: cuBLAS says so with these two */
    return (s == CUBLAS_STATUS_NOT_SUPPORTED || s == CUBLAS_STATUS_ARCH_MISMATCH) ? CLLM_ERR_UNSUPPORTED : CLLM_ERR_IO;
}

static enum cllm_status cuda_timer_start(char *err, size_t errlen)
{
    CUDA_CHECK(g_cuda.event_record(g_cuda.ev_start, NULL), "cudaEventRecord");
    return CLLM_OK;
}

static enum cllm_status cuda_timer_stop(double *seconds, char *err, size_t errlen)
{
    float ms = 0.0f;
    CUDA_CHECK(g_cuda.event_record(g_cuda.ev_stop, NULL), "cudaEventRecord");
    CUDA_CHECK(g_cuda.event_synchronize(g_cuda.ev_stop), "cudaEventSynchronize");
    CUDA_CHECK(g_cuda.event_elapsed_time(&ms, g_cuda.ev_start, g_cuda.ev_stop), "cudaEventElapsedTime");
    *seconds = (double)ms / 1000.0;
    return CLLM_OK;
}

static enum cllm_status cuda_synchronize(char *err, size_t errlen)
{
    CUDA_CHECK(g_cuda.device_synchronize(), "cudaDeviceSynchronize");
    return CLLM_OK;
}

/* ---- several GPUs ---- */

static enum cllm_status cuda_bus_id(int device, char *out, size_t n, char *err, size_t errlen)
{
    int dom = 0, bus = 0, slot = 0;
    CUDA_CHECK(g_cuda.device_get_attribute(&dom, cudaDevAttrPciDomainId, device), "cudaDeviceGetAttribute(domain)");
    CUDA_CHECK(g_cuda.device_get_attribute(&bus, cudaDevAttrPciBusId, device), "cudaDeviceGetAttribute(bus)");
    CUDA_CHECK(g_cuda.device_get_attribute(&slot, cudaDevAttrPciDeviceId, device), "cudaDeviceGetAttribute(device)");
    snprintf(out, n, "%04x:%02x:%02x.0", (unsigned)dom & 0xffffu, (unsigned)bus & 0xffu, (unsigned)slot & 0xffu);
    return CLLM_OK;
}

static enum cllm_status cuda_set_device(int device, char *err, size_t errlen)
{
    CUDA_CHECK(g_cuda.set_device(device), "cudaSetDevice");
    return CLLM_OK;
}

static enum cllm_status cuda_peer_access(int device, int peer, bool *can, char *err, size_t errlen)
{
    int c = 0;
    if (!g_cuda.can_access_peer) {
        cllm_errf(err, errlen, "this CUDA runtime lacks cudaDeviceCanAccessPeer");
        return CLLM_ERR_UNSUPPORTED;
    }
    CUDA_CHECK(g_cuda.can_access_peer(&c, device, peer), "cudaDeviceCanAccessPeer");
    *can = c != 0;
    return CLLM_OK;
}

static enum cllm_status cuda_peer_enable(int peer, char *err, size_t errlen)
{
    enum { cudaErrorPeerAccessAlreadyEnabled = 704 };
    cudaError_t e;
    if (!g_cuda.enable_peer_access) {
        cllm_errf(err, errlen, "this CUDA runtime lacks cudaDeviceEnablePeerAccess");
        return CLLM_ERR_UNSUPPORTED;
    }
    e = g_cuda.enable_peer_access(peer, 0);
    if (e != 0 && e != cudaErrorPeerAccessAlreadyEnabled) {
        cllm_errf(err, errlen, "cudaDeviceEnablePeerAccess: %s", cuda_err(e));
        return CLLM_ERR_IO;
    }
    return CLLM_OK;
}

static enum cllm_status cuda_peer_copy(void *dst, int dst_dev, const void *src, int src_dev, size_t bytes, char *err,
                                       size_t errlen)
{
    if (!g_cuda.memcpy_peer) {
        cllm_errf(err, errlen, "this CUDA runtime lacks cudaMemcpyPeer");
        return CLLM_ERR_UNSUPPORTED;
    }
    /* serialized with the current device's legacy stream, where the timer's events are recorded */
    CUDA_CHECK(g_cuda.memcpy_peer(dst, dst_dev, src, src_dev, bytes), "cudaMemcpyPeer");
    return CLLM_OK;
}

const struct cllm_gpugemm_backend cllm_gpugemm_backend_cuda = {
    .name = "cuda",
    .vendor = "NVIDIA",
    .verified = true,
    .init = cuda_init,
    .device_count = cuda_device_count,
    .open = cuda_open,
    .alloc = cuda_alloc,
    .free = cuda_free,
    .host_alloc = cuda_host_alloc,
    .host_free = cuda_host_free,
    .memcpy = cuda_memcpy,
    .memset = cuda_memset,
    .gemm = cuda_gemm,
    .timer_start = cuda_timer_start,
    .timer_stop = cuda_timer_stop,
    .synchronize = cuda_synchronize,
    .close = cuda_close,
    .shutdown = cuda_shutdown,
    .bus_id = cuda_bus_id,
    .set_device = cuda_set_device,
    .peer_access = cuda_peer_access,
    .peer_enable = cuda_peer_enable,
    .peer_copy = cuda_peer_copy,
};
