/* GPU compute phase without a GPU: skip reasons from hw detection and library search, a library lacking a symbol,
 * and the runner's arithmetic, JSON names, validation and cleanup on a fake backend table whose "device" is host
 * memory and whose timer is virtual (each GEMM costs 2·N³ / its set speed). */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/export_csv.h"
#include "report/fields_classic.h"
#include "classic/gpu_gemm.h"
#include "classic/gpu_gemm_priv.h"
#include "report/write_classic.h"
#include "hw/hw.h"
#include "test.h"

/* ------------------------------------------------------------------------------------------------------------ */
/* the fake backend                                                                                             */

#define FAKE_VIRTUAL_BYTES (16u << 20)   /* buffers above this are not backed: copies and memsets skip them */

static struct {
    int    n_devices;
    enum cllm_status init_st;
    double tflops[CLLM_GPUGEMM_PRECISION_COUNT];   /* virtual speed per precision */
    double d2d_gbps, h2d_gbps, d2h_gbps;      /* virtual copy speeds (d2d as read + write) */
    int    wrong_prec;      /* -1: none; else this precision returns A·Bᵀ ... */
    int    wrong_min_n;     /* ... for n ≥ this */
    int    unsupported_prec;
    size_t fail_alloc_above;   /* 0: never; device allocations larger than this fail */
    int    allocs, frees, host_allocs, host_frees, inits, shutdowns, opens, closes, gemms;
    double pending_s;
    bool   timing;
    /* the last product computed, so batches of identical GEMMs cost one host GEMM */
    const void *last_a, *last_b;
    void  *last_c;
    int    last_n, last_prec;
} F;

static void fake_reset(void)
{
    memset(&F, 0, sizeof(F));
    F.n_devices = 1;
    F.init_st = CLLM_OK;
    F.tflops[CLLM_GPUGEMM_FP32] = 10.0;
    F.tflops[CLLM_GPUGEMM_TF32] = 100.0;
    F.tflops[CLLM_GPUGEMM_FP16] = 200.0;
    F.tflops[CLLM_GPUGEMM_BF16] = 400.0;
    F.d2d_gbps = 2000.0;
    F.h2d_gbps = 25.0;
    F.d2h_gbps = 20.0;
    F.wrong_prec = -1;
    F.unsupported_prec = -1;
    F.last_prec = -1;
}

static void invalidate(void) { F.last_c = NULL; }

static enum cllm_status f_init(const char *lib_dir, struct cllm_gpugemm_libs *libs, char *err, size_t errlen)
{
    (void)lib_dir;
    F.inits++;
    if (F.init_st != CLLM_OK) {
        snprintf(err, errlen, "fake runtime: libfake.so not found (searched: nowhere)");
        return F.init_st;
    }
    snprintf(libs->runtime.path, sizeof(libs->runtime.path), "/fake/libfakert.so");
    return CLLM_OK;
}

static int f_device_count(char *err, size_t errlen)
{
    if (F.n_devices < 0)
        snprintf(err, errlen, "fakeGetDeviceCount: no driver");
    return F.n_devices;
}

static enum cllm_status f_open(int device, struct cllm_gpugemm_device *dev, struct cllm_gpugemm_libs *libs,
                               char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.opens++;
    dev->index = device;
    snprintf(dev->name, sizeof(dev->name), "Fake GPU 9000");
    snprintf(dev->compute_capability, sizeof(dev->compute_capability), "9.0");
    dev->multiprocessors = 132;
    snprintf(libs->blas.version, sizeof(libs->blas.version), "1.2.3");
    return CLLM_OK;
}

static enum cllm_status f_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    if (F.fail_alloc_above && bytes > F.fail_alloc_above) {
        *ptr = NULL;
        snprintf(err, errlen, "fakeMalloc(%zu bytes): out of memory", bytes);
        return CLLM_ERR_NOMEM;
    }
    *ptr = malloc(bytes > FAKE_VIRTUAL_BYTES ? 16 : bytes);
    F.allocs++;
    return *ptr ? CLLM_OK : CLLM_ERR_NOMEM;
}

static void f_free(void *ptr)
{
    if (!ptr)
        return;
    F.frees++;
    free(ptr);
}

static enum cllm_status f_host_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *ptr = malloc(bytes);
    F.host_allocs++;
    return *ptr ? CLLM_OK : CLLM_ERR_NOMEM;
}

static void f_host_free(void *ptr)
{
    F.host_frees++;
    free(ptr);
}

static enum cllm_status f_memcpy(void *dst, const void *src, size_t bytes, enum cllm_gpugemm_copy_kind kind, char *err,
                                 size_t errlen)
{
    (void)err;
    (void)errlen;
    invalidate();
    if (bytes <= FAKE_VIRTUAL_BYTES)
        memcpy(dst, src, bytes);
    if (F.timing)
        F.pending_s += kind == CLLM_GPUGEMM_D2D ? 2.0 * (double)bytes / (F.d2d_gbps * 1e9)
                       : kind == CLLM_GPUGEMM_H2D ? (double)bytes / (F.h2d_gbps * 1e9)
                                              : (double)bytes / (F.d2h_gbps * 1e9);
    return CLLM_OK;
}

static enum cllm_status f_memset(void *ptr, int value, size_t bytes, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    invalidate();
    if (bytes <= FAKE_VIRTUAL_BYTES)
        memset(ptr, value, bytes);
    return CLLM_OK;
}

static float load(const void *p, size_t i, enum cllm_gpugemm_precision prec)
{
    if (prec == CLLM_GPUGEMM_FP16)
        return cllm_gpugemm_f16_to_f32(((const uint16_t *)p)[i]);
    if (prec == CLLM_GPUGEMM_BF16)
        return cllm_gpugemm_bf16_to_f32(((const uint16_t *)p)[i]);
    if (prec == CLLM_GPUGEMM_TF32) {
        /* tensor cores see 10 mantissa bits: round to nearest as the device would */
        float f = ((const float *)p)[i];
        uint32_t u;
        memcpy(&u, &f, 4);
        u = (u + 0xfffu + ((u >> 13) & 1u)) & ~0x1fffu;
        memcpy(&f, &u, 4);
        return f;
    }
    return ((const float *)p)[i];
}

static void store(void *p, size_t i, double v, enum cllm_gpugemm_precision prec)
{
    if (prec == CLLM_GPUGEMM_FP16)
        ((uint16_t *)p)[i] = cllm_gpugemm_f32_to_f16((float)v);
    else if (prec == CLLM_GPUGEMM_BF16)
        ((uint16_t *)p)[i] = cllm_gpugemm_f32_to_bf16((float)v);
    else
        ((float *)p)[i] = (float)v;
}

static enum cllm_status f_gemm(enum cllm_gpugemm_precision prec, int n, const void *a, const void *b, void *c, char *err,
                               size_t errlen)
{
    size_t un = (size_t)n;
    bool wrong = (int)prec == F.wrong_prec && n >= F.wrong_min_n;

    if ((int)prec == F.unsupported_prec) {
        snprintf(err, errlen, "fakeGemm(%s): not supported on this fake", cllm_gpugemm_precision_name(prec));
        return CLLM_ERR_UNSUPPORTED;
    }
    F.gemms++;
    if (F.timing)
        F.pending_s += 2.0 * (double)n * n * n / (F.tflops[prec] * 1e12);
    if (F.last_c == c && F.last_a == a && F.last_b == b && F.last_n == n && F.last_prec == (int)prec)
        return CLLM_OK;
    for (size_t j = 0; j < un; j++)
        for (size_t i = 0; i < un; i++) {
            double s = 0.0;
            for (size_t k = 0; k < un; k++)
                s += (double)load(a, i + k * un, prec) *
                     (double)load(b, wrong ? j + k * un : k + j * un, prec);   /* wrong: A·Bᵀ */
            store(c, i + j * un, s, prec);
        }
    F.last_a = a;
    F.last_b = b;
    F.last_c = c;
    F.last_n = n;
    F.last_prec = (int)prec;
    return CLLM_OK;
}

static enum cllm_status f_timer_start(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.timing = true;
    F.pending_s = 0.0;
    return CLLM_OK;
}

static enum cllm_status f_timer_stop(double *seconds, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.timing = false;
    *seconds = F.pending_s;
    return CLLM_OK;
}

static enum cllm_status f_sync(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return CLLM_OK;
}

static void f_close(void) { F.closes++; }
static void f_shutdown(void) { F.shutdowns++; }

static const struct cllm_gpugemm_backend g_fake = {
    .name = "fake", .vendor = "NVIDIA", .verified = true,
    .init = f_init, .device_count = f_device_count, .open = f_open,
    .alloc = f_alloc, .free = f_free, .host_alloc = f_host_alloc, .host_free = f_host_free,
    .memcpy = f_memcpy, .memset = f_memset, .gemm = f_gemm,
    .timer_start = f_timer_start, .timer_stop = f_timer_stop, .synchronize = f_sync,
    .close = f_close, .shutdown = f_shutdown,
};

/* ------------------------------------------------------------------------------------------------------------ */
/* helpers                                                                                                      */

static struct cllm_hw_info *hw_with(const char *vendor)
{
    struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
    if (vendor) {
        hw->gpu.n_devices = 1;
        snprintf(hw->gpu.devices[0].vendor, sizeof(hw->gpu.devices[0].vendor), "%s", vendor);
        snprintf(hw->gpu.devices[0].name, sizeof(hw->gpu.devices[0].name), "%s Test GPU", vendor);
        snprintf(hw->gpu.devices[0].driver_version, sizeof(hw->gpu.devices[0].driver_version), "580.1");
    }
    return hw;
}

static const char *str_at(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static double num_at(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

static bool has(const char *hay, const char *needle) { return hay && needle && strstr(hay, needle) != NULL; }

/* The object's keys, comma-joined in order. */
static const char *keys_of(const cJSON *o)
{
    static char buf[512];
    size_t used = 0;
    buf[0] = '\0';
    for (const cJSON *c = o ? o->child : NULL; c && used + 1 < sizeof(buf); c = c->next)
        used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? "," : "", c->string);
    return buf;
}

static char g_empty_dir[256];

/* Runs the phase into its struct and writes it into phase as the results file holds it; returns the device copy
 * rate the struct carries (the roofline's input). */
static double run_gpu(const struct cllm_gpugemm_params *p, const struct cllm_hw_info *hw, cJSON *phase)
{
    struct cllm_gpugemm_result r;
    double d2d;
    cllm_gpugemm_run(p, hw, &r);
    cllm_write_gpu_compute(phase, &r);
    d2d = r.d2d_best_gbps;
    cllm_gpugemm_result_free(&r);
    return d2d;
}

static struct cllm_gpugemm_params fake_params(const int *sizes, int n_sizes)
{
    static const struct cllm_gpugemm_backend *const one[] = {&g_fake};
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    p.sizes = sizes;
    p.n_sizes = n_sizes;
    p.validate_n = 32;
    p.copy_bytes = 1u << 20;
    p.h2d_bytes = 1u << 20;
    p.backends = one;
    p.n_backends = 1;
    return p;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* tests                                                                                                        */

static void test_defaults(void)
{
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    CHECK_INT(p.n_sizes, 3);
    CHECK_INT(p.sizes[0], 1024);
    CHECK_INT(p.sizes[1], 2048);
    CHECK_INT(p.sizes[2], 4096);
    CHECK_INT(p.warmup, 1);
    CHECK_INT(p.iterations, 3);
    CHECK(p.copy_bytes == (size_t)1 << 30);
    CHECK(p.h2d_bytes == (size_t)256 << 20);
    CHECK_INT(p.device, 0);
    CHECK(p.backends == NULL);
    CHECK(p.lib_dir == NULL);
    CHECK_STR(cllm_gpugemm_precision_name(CLLM_GPUGEMM_BF16), "bf16");
    CHECK_INT(cllm_gpugemm_precision_bytes(CLLM_GPUGEMM_TF32), 4);
    CHECK_INT(cllm_gpugemm_precision_bytes(CLLM_GPUGEMM_FP16), 2);
}

static void test_half_conversions(void)
{
    CHECK_INT(cllm_gpugemm_f32_to_f16(1.0f), 0x3c00);
    CHECK_INT(cllm_gpugemm_f32_to_f16(-2.0f), 0xc000);
    CHECK_INT(cllm_gpugemm_f32_to_f16(0.1f), 0x2e66);
    CHECK_INT(cllm_gpugemm_f32_to_f16(65504.0f), 0x7bff);
    CHECK_INT(cllm_gpugemm_f32_to_f16(65520.0f), 0x7c00);          /* rounds up to Inf */
    CHECK_INT(cllm_gpugemm_f32_to_f16(5.9604645e-8f), 0x0001);     /* 2^-24, the smallest subnormal */
    CHECK_INT(cllm_gpugemm_f32_to_f16(2.9802322e-8f), 0x0000);     /* 2^-25: tie, to even (0) */
    CHECK_INT(cllm_gpugemm_f32_to_f16(1.0f + 1.0f / 2048.0f), 0x3c00);   /* tie between 1 and 1+2^-10: even */
    CHECK_INT(cllm_gpugemm_f32_to_f16(NAN) & 0x7c00, 0x7c00);
    CHECK(cllm_gpugemm_f32_to_f16(NAN) & 0x3ff);
    CHECK_NEAR(cllm_gpugemm_f16_to_f32(0x3555), 0.333251953125, 0);
    CHECK_NEAR(cllm_gpugemm_f16_to_f32(0x0001), 5.9604644775390625e-8, 0);
    CHECK_NEAR(cllm_gpugemm_f16_to_f32(0xfbff), -65504.0, 0);
    CHECK(isinf(cllm_gpugemm_f16_to_f32(0x7c00)));
    CHECK_INT(cllm_gpugemm_f32_to_bf16(1.0f), 0x3f80);
    CHECK_INT(cllm_gpugemm_f32_to_bf16(0.1f), 0x3dcd);
    CHECK_INT(cllm_gpugemm_f32_to_bf16(-3.0f), 0xc040);
    CHECK(isnan(cllm_gpugemm_bf16_to_f32(cllm_gpugemm_f32_to_bf16(NAN))));
    CHECK_NEAR(cllm_gpugemm_bf16_to_f32(0x3dcd), 0.10009765625, 0);
    for (int i = -1000; i <= 1000; i++) {   /* exact values survive a round trip */
        float v = (float)i / 64.0f;
        CHECK_NEAR(cllm_gpugemm_f16_to_f32(cllm_gpugemm_f32_to_f16(v)), v, 0);
    }
}

static void test_dirs(void)
{
    char base[256], a[300], b[300], c[300], pat[300], desc[2048];
    struct cllm_gpugemm_dirs d;

    snprintf(base, sizeof(base), "/tmp/cllm_gpugemm_dirs_XXXXXX");
    if (!mkdtemp(base))
        SKIP("mkdtemp failed");
    snprintf(a, sizeof(a), "%s/cuda-12.4", base);
    snprintf(b, sizeof(b), "%s/cuda-12.10", base);
    snprintf(c, sizeof(c), "%s/cuda-13.0", base);
    mkdir(a, 0755);
    mkdir(b, 0755);
    mkdir(c, 0755);
    cllm_gpugemm_dirs_init(&d);
    cllm_gpugemm_dirs_add(&d, "");
    snprintf(pat, sizeof(pat), "%s/cuda-*", base);
    cllm_gpugemm_dirs_add_glob(&d, pat);
    cllm_gpugemm_dirs_add(&d, a);                    /* already there */
    cllm_gpugemm_dirs_add(&d, "/nonexistent/lib64");  /* not a folder */
    cllm_gpugemm_dirs_add(&d, "");                   /* the loader only once */
    CHECK_INT(d.n, 4);
    CHECK_STR(d.dir[0], "");
    CHECK_STR(d.dir[1], c);                      /* newest version first */
    CHECK_STR(d.dir[2], b);
    CHECK_STR(d.dir[3], a);
    cllm_gpugemm_dirs_describe(&d, desc, sizeof(desc));
    CHECK(strncmp(desc, "the loader's path, ", 19) == 0);
    CHECK(has(desc, "cuda-13.0"));
    rmdir(a);
    rmdir(b);
    rmdir(c);
    rmdir(base);
}

/* hw says no GPU, no library anywhere we look → "no GPU detected", each backend's note kept. */
static void test_no_gpu(void)
{
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    struct cllm_hw_info *hw = hw_with(NULL);
    cJSON *phase = cJSON_CreateObject(), *backends;
    p.lib_dir = g_empty_dir;
    run_gpu(&p, hw, phase);
    CHECK_STR(str_at(phase, "status"), "skipped");
    CHECK_STR(str_at(phase, "reason"), "no GPU detected");
    CHECK_STR(phase->child->string, "status");   /* status leads the object */
    backends = cJSON_GetObjectItem(phase, "backends");
    CHECK_INT(cJSON_GetArraySize(backends), 2);
    CHECK_STR(str_at(cJSON_GetArrayItem(backends, 0), "name"), "cuda");
    CHECK_STR(str_at(cJSON_GetArrayItem(backends, 0), "status"), "unavailable");
    CHECK(has(str_at(cJSON_GetArrayItem(backends, 0), "detail"), "libcudart"));
    CHECK(has(str_at(cJSON_GetArrayItem(backends, 0), "detail"), g_empty_dir));
    CHECK_STR(str_at(cJSON_GetArrayItem(backends, 1), "name"), "hip");
    CHECK(has(str_at(cJSON_GetArrayItem(backends, 1), "detail"), "libamdhip64"));
    CHECK(!cJSON_GetObjectItem(phase, "results"));
    cJSON_Delete(phase);
    free(hw);
}

static void test_reasons_by_vendor(void)
{
    static const struct { const char *vendor, *want; } cases[] = {
        {"NVIDIA", "NVIDIA GPU found but the CUDA runtime (libcudart) not found: install the CUDA toolkit"},
        {"AMD", "AMD GPU found but no ROCm (libamdhip64/libhipblas)"},
        {"Intel", "Intel GPU found: GPU GEMM needs oneAPI"},
        {"Apple", "Apple GPU found: GPU GEMM needs Metal"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
        struct cllm_hw_info *hw = hw_with(cases[i].vendor);
        cJSON *phase = cJSON_CreateObject();
        p.lib_dir = g_empty_dir;
        run_gpu(&p, hw, phase);
        CHECK_STR(str_at(phase, "status"), "skipped");
        if (!has(str_at(phase, "reason"), cases[i].want))
            fprintf(stderr, "  reason: %s\n", str_at(phase, "reason"));
        CHECK(has(str_at(phase, "reason"), cases[i].want));
        if (i < 2)   /* where we looked is part of the reason */
            CHECK(has(str_at(phase, "reason"), g_empty_dir));
        cJSON_Delete(phase);
        free(hw);
    }
}

/* A libcudart that loads but lacks cudaSetDevice: skipped, the symbol and the file named. */
static void test_symbol_missing(void)
{
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    struct cllm_hw_info *hw = hw_with("NVIDIA");
    cJSON *phase = cJSON_CreateObject();
    const char *reason;
    p.lib_dir = CLLM_FAKE_CUDA_MIN_DIR;
    run_gpu(&p, hw, phase);
    reason = str_at(phase, "reason");
    CHECK_STR(str_at(phase, "status"), "skipped");
    CHECK(has(reason, "NVIDIA GPU found but its CUDA libraries are unusable"));
    CHECK(has(reason, "symbol cudaSetDevice missing from"));
    CHECK(has(reason, CLLM_FAKE_CUDA_MIN_DIR "/libcudart.so"));
    CHECK_STR(str_at(cJSON_GetArrayItem(cJSON_GetObjectItem(phase, "backends"), 0), "status"), "error");
    cJSON_Delete(phase);
    free(hw);
}

/* The runtime is complete but no cuBLAS beside it. */
static void test_cublas_missing(void)
{
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    struct cllm_hw_info *hw = hw_with("NVIDIA");
    cJSON *phase = cJSON_CreateObject();
    const char *reason;
    p.lib_dir = CLLM_FAKE_CUDA_FULL_DIR;
    run_gpu(&p, hw, phase);
    reason = str_at(phase, "reason");
    CHECK_STR(str_at(phase, "status"), "skipped");
    CHECK(has(reason, "NVIDIA GPU found but cuBLAS not found: install the CUDA toolkit or the nvidia-cublas wheel"));
    CHECK(has(reason, "searched: " CLLM_FAKE_CUDA_FULL_DIR));
    cJSON_Delete(phase);
    free(hw);
}

/* COMPUTELLM_CUDA_LIB_DIR is searched before the loader's path (which on a CUDA machine holds the real one). */
static void test_env_dir_first(void)
{
    static const struct cllm_gpugemm_backend *const cuda_only[] = {&cllm_gpugemm_backend_cuda};
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    struct cllm_hw_info *hw = hw_with("NVIDIA");
    cJSON *phase = cJSON_CreateObject();
    p.backends = cuda_only;
    p.n_backends = 1;
    setenv("COMPUTELLM_CUDA_LIB_DIR", CLLM_FAKE_CUDA_MIN_DIR, 1);
    run_gpu(&p, hw, phase);
    unsetenv("COMPUTELLM_CUDA_LIB_DIR");
    CHECK_STR(str_at(phase, "status"), "skipped");
    CHECK(has(str_at(phase, "reason"), CLLM_FAKE_CUDA_MIN_DIR "/libcudart.so"));
    cJSON_Delete(phase);
    free(hw);
}

/* TFLOPS = 2·N³ / time, exact names, batch sizing, copies, cleanup. */
static void test_fake_arithmetic_and_names(void)
{
    static const int sizes[] = {16, 48};
    struct cllm_gpugemm_params p = fake_params(sizes, 2);
    struct cllm_hw_info *hw = hw_with("NVIDIA");
    cJSON *phase = cJSON_CreateObject(), *res, *s48, *fp32, *bf16, *times, *mem, *d2d, *h2d, *d2h, *val, *dev;
    double t48_fp32 = 2.0 * 48 * 48 * 48 / 10e12;

    fake_reset();
    p.batch_target_s = 10.5 * t48_fp32;   /* → batch 11 at 48 fp32 */
    p.iterations = 4;
    CHECK_NEAR(run_gpu(&p, hw, phase), 2000.0, 0.01);   /* the struct's d2d rate, as the JSON's below */
    CHECK_STR(str_at(phase, "status"), "ok");
    CHECK_STR(phase->child->string, "status");
    CHECK_STR(str_at(phase, "backend"), "fake");
    CHECK_STR(keys_of(phase), "status,parameters,backends,backend,verified,method,libraries,device,validation,"
                              "results,summary,memory");
    dev = cJSON_GetObjectItem(phase, "device");
    CHECK_STR(str_at(dev, "name"), "Fake GPU 9000");
    CHECK_STR(str_at(dev, "driver_version"), "580.1");   /* from hw detection */
    /* one device struct for every backend: every fact written, the ones the backend did not read null + reason */
    CHECK_STR(keys_of(dev), "index,name,compute_capability,multiprocessors,l2_cache_bytes,null_reasons,pci_bus_id,"
                            "vram_total_gb,vram_free_gb,driver_version");
    CHECK_NEAR(num_at(dev, "multiprocessors"), 132, 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(dev, "l2_cache_bytes")));
    CHECK(has(str_at(cJSON_GetObjectItem(dev, "null_reasons"), "vram_total_gb"), "not read by the fake backend"));
    CHECK_STR(str_at(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "libraries"), "blas"), "version"), "1.2.3");

    val = cJSON_GetObjectItem(phase, "validation");
    CHECK_STR(keys_of(val), "n,fp32,tf32,fp16,bf16");
    CHECK_STR(keys_of(cJSON_GetObjectItem(val, "bf16")), "rel_err,tolerance,passed");
    for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
        cJSON *v = cJSON_GetObjectItem(val, cllm_gpugemm_precision_name((enum cllm_gpugemm_precision)k));
        CHECK(cJSON_IsTrue(cJSON_GetObjectItem(v, "passed")));
        CHECK(num_at(v, "rel_err") < num_at(v, "tolerance"));
    }
    /* the fake rounds tf32 inputs, so its error is larger than fp32's: the check sees what it should */
    CHECK(num_at(cJSON_GetObjectItem(val, "tf32"), "rel_err") > num_at(cJSON_GetObjectItem(val, "fp32"), "rel_err"));

    res = cJSON_GetObjectItem(phase, "results");
    CHECK_STR(keys_of(res), "16x16,48x48");
    s48 = cJSON_GetObjectItem(res, "48x48");
    CHECK_STR(keys_of(s48), "fp32,gflops,tf32,fp16,bf16");
    fp32 = cJSON_GetObjectItem(s48, "fp32");
    CHECK_STR(keys_of(fp32), "mean_tflops,best_tflops,mean_s,std_s,times_s,batch,check_rel_err");
    CHECK_NEAR(num_at(s48, "gflops"), 10000.0, 0.01);
    CHECK_NEAR(num_at(fp32, "mean_tflops"), 10.0, 1e-3);
    CHECK_NEAR(num_at(fp32, "best_tflops"), 10.0, 1e-3);
    CHECK_NEAR(num_at(fp32, "mean_s"), t48_fp32, t48_fp32 * 1e-9);
    CHECK_NEAR(num_at(fp32, "std_s"), 0.0, 1e-15);
    CHECK_INT(num_at(fp32, "batch"), 11);
    times = cJSON_GetObjectItem(fp32, "times_s");
    CHECK_INT(cJSON_GetArraySize(times), 4);
    CHECK_NEAR(cJSON_GetArrayItem(times, 3)->valuedouble, t48_fp32, t48_fp32 * 1e-9);
    bf16 = cJSON_GetObjectItem(s48, "bf16");
    CHECK_NEAR(num_at(bf16, "mean_tflops"), 400.0, 1e-3);
    CHECK_NEAR(num_at(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "16x16"), "fp16"), "mean_tflops"), 200.0, 1e-3);
    CHECK_NEAR(num_at(cJSON_GetObjectItem(res, "16x16"), "gflops"), 10000.0, 0.01);
    CHECK_NEAR(num_at(cJSON_GetObjectItem(phase, "summary"), "tf32_tflops"), 100.0, 1e-3);
    CHECK_STR(keys_of(cJSON_GetObjectItem(phase, "summary")), "fp32_tflops,tf32_tflops,fp16_tflops,bf16_tflops");

    mem = cJSON_GetObjectItem(phase, "memory");
    CHECK_STR(keys_of(mem), "d2d,h2d,d2h");
    d2d = cJSON_GetObjectItem(mem, "d2d");
    h2d = cJSON_GetObjectItem(mem, "h2d");
    d2h = cJSON_GetObjectItem(mem, "d2h");
    CHECK_STR(keys_of(d2d), "best_gbps,mean_gbps,std_gbps,times_s,bytes");
    CHECK_NEAR(num_at(d2d, "best_gbps"), 2000.0, 0.01);   /* 2 × bytes / time */
    CHECK_NEAR(num_at(d2d, "mean_gbps"), 2000.0, 0.01);
    CHECK_NEAR(num_at(h2d, "best_gbps"), 25.0, 0.01);
    CHECK_NEAR(num_at(d2h, "best_gbps"), 20.0, 0.01);
    CHECK_NEAR(num_at(d2d, "bytes"), 1 << 20, 0);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(d2d, "times_s")), 5);   /* at least 5 copies */

    /* the CSV export reads units from these names */
    {
        char *csv = cllm_results_csv(phase, &CLLM_R_GPU_COMPUTE);
        CHECK(has(csv, ",GFLOPS\r\n"));
        CHECK(has(csv, ",TFLOPS\r\n"));
        CHECK(has(csv, ",GB/s\r\n"));
        free(csv);
    }
    CHECK_INT(F.allocs, F.frees);
    CHECK_INT(F.host_allocs, F.host_frees);
    CHECK_INT(F.opens, 1);
    CHECK_INT(F.closes, 1);
    CHECK_INT(F.shutdowns, 1);
    cJSON_Delete(phase);
    free(hw);
}

/* A wrong product in validation fails the phase, names the precision, and that precision is not timed. */
static void test_fake_wrong_validation(void)
{
    static const int sizes[] = {16};
    struct cllm_gpugemm_params p = fake_params(sizes, 1);
    cJSON *phase = cJSON_CreateObject(), *v16;

    fake_reset();
    F.wrong_prec = CLLM_GPUGEMM_FP16;
    run_gpu(&p, NULL, phase);
    CHECK_STR(str_at(phase, "status"), "failed");
    CHECK(has(str_at(phase, "error"), "fp16 GEMM 32x32 gave a wrong result"));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "validation"), "fp16"),
                                            "passed")));
    v16 = cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "results"), "16x16");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(v16, "fp16")));
    CHECK(has(str_at(cJSON_GetObjectItem(v16, "null_reasons"), "fp16"), "wrong result"));
    CHECK(cJSON_IsObject(cJSON_GetObjectItem(v16, "bf16")));   /* the others still measured */
    CHECK_INT(F.allocs, F.frees);
    CHECK_INT(F.shutdowns, 1);
    cJSON_Delete(phase);
}

/* Right at the small size, wrong at a timed size: the spot check of the timed result catches it. */
static void test_fake_wrong_when_large(void)
{
    static const int sizes[] = {16, 64};
    struct cllm_gpugemm_params p = fake_params(sizes, 2);
    cJSON *phase = cJSON_CreateObject();

    fake_reset();
    F.wrong_prec = CLLM_GPUGEMM_BF16;
    F.wrong_min_n = 64;
    run_gpu(&p, NULL, phase);
    CHECK_STR(str_at(phase, "status"), "failed");
    CHECK(has(str_at(phase, "error"), "bf16 GEMM 64x64 gave a wrong result"));
    CHECK(num_at(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "results"), "64x64"), "bf16"),
                 "check_rel_err") > 0.1);
    CHECK(num_at(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "results"), "16x16"), "bf16"),
                 "check_rel_err") < 0.05);
    cJSON_Delete(phase);
}

/* A precision the device cannot run is null with the backend's message; the phase is still ok. */
static void test_fake_unsupported(void)
{
    static const int sizes[] = {16};
    struct cllm_gpugemm_params p = fake_params(sizes, 1);
    cJSON *phase = cJSON_CreateObject(), *s16;

    fake_reset();
    F.unsupported_prec = CLLM_GPUGEMM_BF16;
    run_gpu(&p, NULL, phase);
    CHECK_STR(str_at(phase, "status"), "ok");
    s16 = cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "results"), "16x16");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(s16, "bf16")));
    CHECK(has(str_at(cJSON_GetObjectItem(s16, "null_reasons"), "bf16"), "not supported on this fake"));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "summary"), "bf16_tflops")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "validation"), "bf16")));
    CHECK_NEAR(num_at(s16, "gflops"), 10000.0, 0.01);
    cJSON_Delete(phase);
}

/* The device copy shrinks until it fits, and says how large it was. */
static void test_fake_copy_shrinks(void)
{
    static const int sizes[] = {8};
    struct cllm_gpugemm_params p = fake_params(sizes, 1);
    cJSON *phase = cJSON_CreateObject();

    fake_reset();
    p.copy_bytes = (size_t)256 << 20;
    F.fail_alloc_above = (size_t)100 << 20;
    run_gpu(&p, NULL, phase);
    CHECK_STR(str_at(phase, "status"), "ok");
    CHECK_NEAR(num_at(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "memory"), "d2d"), "bytes"), 64 << 20, 0);
    CHECK_NEAR(num_at(cJSON_GetObjectItem(cJSON_GetObjectItem(phase, "memory"), "d2d"), "best_gbps"), 2000.0, 0.01);
    CHECK_INT(F.allocs, F.frees);
    cJSON_Delete(phase);
}

static void test_fake_device_index(void)
{
    static const int sizes[] = {8};
    struct cllm_gpugemm_params p = fake_params(sizes, 1);
    cJSON *phase = cJSON_CreateObject();

    fake_reset();
    p.device = 3;
    run_gpu(&p, NULL, phase);
    CHECK_STR(str_at(phase, "status"), "failed");
    CHECK(has(str_at(phase, "error"), "device 3 not present"));
    CHECK_INT(F.shutdowns, 1);
    CHECK_INT(F.opens, 0);
    cJSON_Delete(phase);
}

static enum cllm_status f_init_missing(const char *lib_dir, struct cllm_gpugemm_libs *libs, char *err,
                                       size_t errlen)
{
    (void)lib_dir;
    (void)libs;
    snprintf(err, errlen, "libmissing.so not found (searched: nowhere)");
    return CLLM_ERR_LIBRARY;
}

/* The first backend that loads and sees a device wins; the ones tried before stay in "backends". */
static void test_fake_fallthrough(void)
{
    static const int sizes[] = {8};
    struct cllm_gpugemm_backend missing = g_fake;
    const struct cllm_gpugemm_backend *list[2] = {&missing, &g_fake};
    struct cllm_gpugemm_params p = fake_params(sizes, 1);
    struct cllm_hw_info *hw = hw_with("NVIDIA");
    cJSON *phase = cJSON_CreateObject(), *backends;

    fake_reset();
    missing.name = "missing";
    missing.init = f_init_missing;
    p.backends = list;
    p.n_backends = 2;
    run_gpu(&p, hw, phase);
    backends = cJSON_GetObjectItem(phase, "backends");
    CHECK_STR(str_at(phase, "status"), "ok");
    CHECK_STR(str_at(phase, "backend"), "fake");
    CHECK_INT(cJSON_GetArraySize(backends), 2);
    CHECK_STR(str_at(cJSON_GetArrayItem(backends, 0), "status"), "unavailable");
    CHECK_STR(str_at(cJSON_GetArrayItem(backends, 1), "status"), "ok");
    CHECK_STR(str_at(cJSON_GetArrayItem(backends, 1), "detail"), "1 device");
    CHECK_INT(F.inits, 1);
    cJSON_Delete(phase);

    /* loads, but the runtime sees no device (no driver): skipped, and the library is let go */
    fake_reset();
    F.n_devices = -1;
    p.backends = list + 1;
    p.n_backends = 1;
    phase = cJSON_CreateObject();
    run_gpu(&p, hw, phase);
    CHECK_STR(str_at(phase, "status"), "skipped");
    CHECK(has(str_at(phase, "reason"), "NVIDIA GPU found but CUDA sees no usable device"));
    CHECK(has(str_at(phase, "reason"), "fakeGetDeviceCount: no driver"));
    CHECK_INT(F.shutdowns, 1);
    CHECK_INT(F.opens, 0);
    cJSON_Delete(phase);
    free(hw);
}

static void test_bad_params(void)
{
    static const int sizes[] = {0};
    struct cllm_gpugemm_params p = fake_params(sizes, 1);
    cJSON *phase = cJSON_CreateObject();
    fake_reset();
    run_gpu(&p, NULL, phase);
    CHECK_STR(str_at(phase, "status"), "failed");
    CHECK(has(str_at(phase, "error"), "sizes"));
    CHECK_INT(F.inits, 0);
    cJSON_Delete(phase);
}

int main(void)
{
    snprintf(g_empty_dir, sizeof(g_empty_dir), "/tmp/cllm_gpu_empty_XXXXXX");
    if (!mkdtemp(g_empty_dir)) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    RUN(test_defaults);
    RUN(test_half_conversions);
    RUN(test_dirs);
    RUN(test_no_gpu);
    RUN(test_reasons_by_vendor);
    RUN(test_symbol_missing);
    RUN(test_cublas_missing);
    RUN(test_env_dir_first);
    RUN(test_fake_arithmetic_and_names);
    RUN(test_fake_wrong_validation);
    RUN(test_fake_wrong_when_large);
    RUN(test_fake_unsupported);
    RUN(test_fake_copy_shrinks);
    RUN(test_fake_device_index);
    RUN(test_fake_fallthrough);
    RUN(test_bad_params);
    rmdir(g_empty_dir);
    return test_summary();
}
