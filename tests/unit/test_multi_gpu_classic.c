/* The classic GPU compute phase on several GPUs without a GPU: a fake CUDA-like backend table with two or four
 * devices (one with less VRAM), each with its own virtual speed and a PCI bus id in another order than
 * detection's, and GPU to GPU copies whose speed depends on whether peer access was enabled. Checks that each
 * selected GPU runs alone on the runtime device with its bus id, that selection by flag and by
 * CUDA_VISIBLE_DEVICES narrows the phase, and the results keys (per_gpu, peer_copies). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "classic/classic.h"
#include "core/config.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "report/fields_classic.h"
#include "report/write_classic.h"
#include "test.h"

#define MAXD 4

static struct {
    int    n;                       /* runtime devices */
    int    current;
    char   bus[MAXD][32];           /* runtime device d's bus id */
    double fp32_tflops[MAXD];
    double vram_gb[MAXD];
    bool   can[MAXD][MAXD];         /* peer access possible */
    bool   enabled[MAXD][MAXD];     /* enabled by the runner */
    double pending_s;
    bool   timing;
    int    opens[MAXD];
    int    allocs, frees;
    const void *last_a, *last_b;
    void  *last_c;
    int    last_n;
} F;

static void fake_reset(int n)
{
    memset(&F, 0, sizeof(F));
    F.n = n;
    for (int d = 0; d < n; d++) {
        /* runtime order is the reverse of the bus order (CUDA's fastest-first need not be PCI order) */
        snprintf(F.bus[d], sizeof(F.bus[d]), "0000:%02x:00.0", (n - d) * 0x10);
        F.fp32_tflops[d] = 10.0 * (d + 1);
        F.vram_gb[d] = 80;
    }
}

static enum cllm_status f_init(const char *lib_dir, struct cllm_gpugemm_libs *libs, char *err, size_t errlen)
{
    (void)lib_dir;
    (void)err;
    (void)errlen;
    snprintf(libs->runtime.path, sizeof(libs->runtime.path), "/fake/libcudart.so");
    return CLLM_OK;
}

static int f_count(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return F.n;
}

static enum cllm_status f_open(int device, struct cllm_gpugemm_device *dev, struct cllm_gpugemm_libs *libs,
                               char *err, size_t errlen)
{
    (void)libs;
    if (device < 0 || device >= F.n) {
        snprintf(err, errlen, "no device %d", device);
        return CLLM_ERR_INVALID_ARG;
    }
    F.current = device;
    F.opens[device]++;
    dev->index = device;
    snprintf(dev->name, sizeof(dev->name), "Fake GPU %d", device);
    snprintf(dev->pci_bus_id, sizeof(dev->pci_bus_id), "%s", F.bus[device]);
    dev->vram_total_gb = F.vram_gb[device];
    dev->vram_free_gb = F.vram_gb[device] - 1;
    return CLLM_OK;
}

static enum cllm_status f_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *ptr = malloc(bytes > (1u << 20) ? 16 : bytes);   /* large buffers are virtual */
    F.allocs++;
    return *ptr ? CLLM_OK : CLLM_ERR_NOMEM;
}

static void f_free(void *p)
{
    if (p)
        F.frees++;
    free(p);
}

/* pinned host memory is real: the runner fills it */
static enum cllm_status f_host_alloc(void **ptr, size_t bytes, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *ptr = malloc(bytes);
    return *ptr ? CLLM_OK : CLLM_ERR_NOMEM;
}

static void f_host_free(void *p) { free(p); }

static enum cllm_status f_memcpy(void *dst, const void *src, size_t bytes, enum cllm_gpugemm_copy_kind kind, char *err,
                                 size_t errlen)
{
    (void)err;
    (void)errlen;
    F.last_c = NULL;
    if (bytes <= (1u << 20))
        memcpy(dst, src, bytes);
    if (F.timing)
        F.pending_s += (kind == CLLM_GPUGEMM_D2D ? 2.0 : 1.0) * (double)bytes / (1000e9);
    return CLLM_OK;
}

static enum cllm_status f_memset(void *p, int v, size_t bytes, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.last_c = NULL;
    if (bytes <= (1u << 20))
        memset(p, v, bytes);
    return CLLM_OK;
}

/* fp32 only: the others are "not supported on this fake" (null with the reason) */
static enum cllm_status f_gemm(enum cllm_gpugemm_precision prec, int n, const void *a, const void *b, void *c,
                               char *err, size_t errlen)
{
    const float *A = a, *B = b;
    float *C = c;
    if (prec != CLLM_GPUGEMM_FP32) {
        snprintf(err, errlen, "fake: fp32 only");
        return CLLM_ERR_UNSUPPORTED;
    }
    if (F.timing)
        F.pending_s += 2.0 * (double)n * n * n / (F.fp32_tflops[F.current] * 1e12);
    /* a timed batch repeats the same product (about 10^6 of them at this size): compute it once */
    if (a == F.last_a && b == F.last_b && c == F.last_c && n == F.last_n)
        return CLLM_OK;
    F.last_a = a;
    F.last_b = b;
    F.last_c = c;
    F.last_n = n;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++)
                s += (double)A[i + k * n] * B[k + j * n];
            C[i + j * n] = (float)s;
        }
    return CLLM_OK;
}

static enum cllm_status f_timer_start(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.timing = true;
    F.pending_s = 0;
    return CLLM_OK;
}

static enum cllm_status f_timer_stop(double *s, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.timing = false;
    *s = F.pending_s;
    return CLLM_OK;
}

static enum cllm_status f_sync(char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return CLLM_OK;
}

static void f_close(void) {}
static void f_shutdown(void) {}

static enum cllm_status f_bus_id(int device, char *out, size_t n, char *err, size_t errlen)
{
    if (device < 0 || device >= F.n) {
        snprintf(err, errlen, "no device %d", device);
        return CLLM_ERR_INVALID_ARG;
    }
    snprintf(out, n, "%s", F.bus[device]);
    return CLLM_OK;
}

static enum cllm_status f_set_device(int device, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    F.current = device;
    return CLLM_OK;
}

static enum cllm_status f_peer_access(int device, int peer, bool *can, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    *can = F.can[device][peer];
    return CLLM_OK;
}

static enum cllm_status f_peer_enable(int peer, char *err, size_t errlen)
{
    if (!F.can[F.current][peer]) {
        snprintf(err, errlen, "peer access not possible");
        return CLLM_ERR_IO;
    }
    F.enabled[F.current][peer] = true;
    return CLLM_OK;
}

/* 50 GB/s over a direct link once enabled, 10 GB/s staged through the host */
static enum cllm_status f_peer_copy(void *dst, int dst_dev, const void *src, int src_dev, size_t bytes, char *err,
                                    size_t errlen)
{
    (void)dst;
    (void)src;
    (void)err;
    (void)errlen;
    if (F.timing)
        F.pending_s += (double)bytes / ((F.enabled[src_dev][dst_dev] ? 50.0 : 10.0) * 1e9);
    return CLLM_OK;
}

static const struct cllm_gpugemm_backend g_fake = {
    .name = "cuda", .vendor = "NVIDIA", .verified = true,
    .init = f_init, .device_count = f_count, .open = f_open,
    .alloc = f_alloc, .free = f_free, .host_alloc = f_host_alloc, .host_free = f_host_free,
    .memcpy = f_memcpy, .memset = f_memset, .gemm = f_gemm,
    .timer_start = f_timer_start, .timer_stop = f_timer_stop, .synchronize = f_sync,
    .close = f_close, .shutdown = f_shutdown,
    .bus_id = f_bus_id, .set_device = f_set_device, .peer_access = f_peer_access, .peer_enable = f_peer_enable,
    .peer_copy = f_peer_copy,
};

/* detection's list: bus order 0x10, 0x20, ... (so detected GPU i is runtime device n-1-i) */
static struct cllm_hw_info *hw_of(int n)
{
    struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
    hw->gpu.n_devices = n;
    for (int i = 0; i < n; i++) {
        struct cllm_gpu_device *d = &hw->gpu.devices[i];
        cllm_gpu_device_init(d);
        d->index = i;
        snprintf(d->vendor, sizeof(d->vendor), "NVIDIA");
        snprintf(d->name, sizeof(d->name), "Fake %s", i == 3 ? "40GB" : "80GB");
        snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "0000:%02x:00.0", (i + 1) * 0x10);
        d->vram_total_gb = i == 3 ? 40 : 80;
    }
    return hw;
}

static const struct cllm_gpugemm_backend *const g_list[] = {&g_fake};

static cJSON *run_classic(const struct cllm_hw_info *hw, const struct cllm_gpu_selection *sel,
                          struct cllm_classic_result *r)
{
    static struct cllm_config cfg;
    struct cllm_classic_params p = cllm_classic_default_params();
    cllm_config_defaults(&cfg);
    cfg.n_gpu_matrix_sizes = 1;
    cfg.gpu_matrix_sizes[0] = 48;
    cfg.gemm_iterations = 2;
    p.cfg = &cfg;
    p.hw = hw;
    p.cleanup = false;
    p.monitor = false;
    p.only = CLLM_CLASSIC_GPU;
    p.gpus = sel;
    p.gpu_backends = g_list;
    p.n_gpu_backends = 1;
    p.gpu_copy_bytes = 4u << 20;   /* the fake's buffers are virtual, but pinned host memory is real: keep it small */
    p.gpu_h2d_bytes = 4u << 20;
    cllm_classic_run(&p, r);
    return cllm_write_classic_phase(r, CLLM_CLASSIC_GPU);
}

static const cJSON *at(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static double num(const cJSON *o, const char *k) { const cJSON *v = at(o, k); return cJSON_IsNumber(v) ? v->valuedouble : NAN; }
static const char *str(const cJSON *o, const char *k) { return cJSON_GetStringValue(at(o, k)); }

static void test_two_gpus(void)
{
    struct cllm_hw_info *hw = hw_of(2);
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    struct cllm_classic_result *r = calloc(1, sizeof(*r));
    char err[512];
    cJSON *ph;
    const cJSON *per, *peers, *pairs, *first;

    memset(&env, 0, sizeof(env));
    fake_reset(2);
    F.can[0][1] = F.can[1][0] = true;
    CHECK_INT(cllm_gpu_select(&hw->gpu, NULL, &env, &sel, err, sizeof(err)), CLLM_OK);
    ph = run_classic(hw, &sel, r);
    CHECK_STR(str(ph, "status"), "ok");
    /* each GPU alone, opened by its bus id: detected GPU 0 (bus 0x10) is runtime device 1 (20 TFLOPS) */
    CHECK_INT(r->n_per_gpu, 2);
    CHECK_INT(F.opens[0], 2);   /* its phase and the pair it copies from */
    CHECK_INT(F.opens[1], 2);
    per = at(ph, "per_gpu");
    CHECK_INT(cJSON_GetArraySize(per), 2);
    first = cJSON_GetArrayItem(per, 0);
    CHECK_INT((int)num(first, "gpu"), 0);
    CHECK_INT((int)num(at(first, "device"), "index"), 1);
    CHECK_STR(str(at(first, "device"), "pci_bus_id"), "0000:10:00.0");
    CHECK_NEAR(num(at(first, "summary"), "fp32_tflops"), 20.0, 0.01);
    CHECK_NEAR(num(at(cJSON_GetArrayItem(per, 1), "summary"), "fp32_tflops"), 10.0, 0.01);
    CHECK(cJSON_IsNull(at(at(first, "summary"), "bf16_tflops")));
    /* the phase's own keys are the first GPU's (results stay readable by one-GPU readers) */
    CHECK_NEAR(num(at(ph, "summary"), "fp32_tflops"), 20.0, 0.01);
    CHECK_INT((int)num(at(ph, "device"), "index"), 1);

    peers = at(ph, "peer_copies");
    CHECK_STR(str(peers, "status"), "ok");
    CHECK_STR(str(peers, "backend"), "cuda");
    pairs = at(peers, "pairs");
    CHECK_INT(cJSON_GetArraySize(pairs), 2);
    CHECK_INT((int)num(cJSON_GetArrayItem(pairs, 0), "src_gpu"), 0);
    CHECK_INT((int)num(cJSON_GetArrayItem(pairs, 0), "dst_gpu"), 1);
    CHECK_INT((int)num(cJSON_GetArrayItem(pairs, 0), "src_device"), 1);
    CHECK(cJSON_IsTrue(at(cJSON_GetArrayItem(pairs, 0), "peer_access")));
    CHECK_NEAR(num(at(cJSON_GetArrayItem(pairs, 0), "copy"), "best_gbps"), 50.0, 0.01);
    CHECK(F.enabled[1][0] && F.enabled[0][1]);
    CHECK_INT(F.allocs, F.frees);
    cJSON_Delete(ph);
    cllm_classic_result_free(r);

    /* --gpu 1 alone: no per_gpu, no peers; device 0 (bus 0x20) */
    fake_reset(2);
    CHECK_INT(cllm_gpu_select(&hw->gpu, "1", &env, &sel, err, sizeof(err)), CLLM_OK);
    ph = run_classic(hw, &sel, r);
    CHECK_STR(str(ph, "status"), "ok");
    CHECK(at(ph, "per_gpu") == NULL);
    CHECK(at(ph, "peer_copies") == NULL);
    CHECK_INT((int)num(at(ph, "device"), "index"), 0);
    CHECK_NEAR(num(at(ph, "summary"), "fp32_tflops"), 10.0, 0.01);
    CHECK_INT(F.opens[1], 0);
    cJSON_Delete(ph);
    cllm_classic_result_free(r);

    /* a bus id the runtime does not have: the phase says which devices it has */
    fake_reset(2);
    snprintf(F.bus[0], sizeof(F.bus[0]), "0000:99:00.0");
    ph = run_classic(hw, &sel, r);
    CHECK_STR(str(ph, "status"), "failed");
    CHECK(strstr(str(ph, "error"), "no cuda device has PCI bus id 0000:20:00.0 (the runtime's devices: "
                                   "0 0000:99:00.0, 1 0000:10:00.0)") != NULL);
    cJSON_Delete(ph);
    cllm_classic_result_free(r);
    free(r);
    free(hw);
}

static void test_four_gpus_env(void)
{
    struct cllm_hw_info *hw = hw_of(4);
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    struct cllm_classic_result *r = calloc(1, sizeof(*r));
    char err[512];
    cJSON *ph;
    const cJSON *per, *pairs;

    /* all four, peer access only between 0-1 and 2-3 (two NVLink pairs) */
    memset(&env, 0, sizeof(env));
    fake_reset(4);
    F.vram_gb[0] = 40;   /* runtime device 0 is detected GPU 3, the small one */
    F.can[0][1] = F.can[1][0] = F.can[2][3] = F.can[3][2] = true;
    CHECK_INT(cllm_gpu_select(&hw->gpu, NULL, &env, &sel, err, sizeof(err)), CLLM_OK);
    ph = run_classic(hw, &sel, r);
    per = at(ph, "per_gpu");
    CHECK_INT(cJSON_GetArraySize(per), 4);
    for (int k = 0; k < 4; k++) {
        const cJSON *o = cJSON_GetArrayItem(per, k);
        CHECK_INT((int)num(o, "gpu"), k);
        CHECK_INT((int)num(at(o, "device"), "index"), 3 - k);
        CHECK_NEAR(num(at(o, "summary"), "fp32_tflops"), 10.0 * (4 - k), 0.01);
    }
    CHECK_NEAR(num(at(cJSON_GetArrayItem(per, 3), "device"), "vram_total_gb"), 40.0, 0);
    pairs = at(at(ph, "peer_copies"), "pairs");
    CHECK_INT(cJSON_GetArraySize(pairs), 12);
    for (int i = 0; i < 12; i++) {
        const cJSON *q = cJSON_GetArrayItem(pairs, i);
        int s = (int)num(q, "src_device"), d = (int)num(q, "dst_device");
        bool linked = (s / 2) == (d / 2);
        CHECK(cJSON_IsTrue(at(q, "peer_access")) == linked);
        CHECK_NEAR(num(at(q, "copy"), "best_gbps"), linked ? 50.0 : 10.0, 0.01);
    }
    cJSON_Delete(ph);
    cllm_classic_result_free(r);

    /* CUDA_VISIBLE_DEVICES=3,1 (detection order) leaves GPUs 1 and 3 */
    fake_reset(4);
    env.set[CLLM_GPU_ENV_CUDA] = true;
    snprintf(env.value[CLLM_GPU_ENV_CUDA], sizeof(env.value[0]), "3,1");
    CHECK_INT(cllm_gpu_select(&hw->gpu, NULL, &env, &sel, err, sizeof(err)), CLLM_OK);
    CHECK_STR(sel.source, "environment");
    ph = run_classic(hw, &sel, r);
    per = at(ph, "per_gpu");
    CHECK_INT(cJSON_GetArraySize(per), 2);
    CHECK_INT((int)num(cJSON_GetArrayItem(per, 0), "gpu"), 1);
    CHECK_INT((int)num(cJSON_GetArrayItem(per, 1), "gpu"), 3);
    CHECK_INT(cJSON_GetArraySize(at(at(ph, "peer_copies"), "pairs")), 2);
    CHECK_STR(str(at(ph, "peer_copies"), "status"), "ok");
    cJSON_Delete(ph);
    cllm_classic_result_free(r);

    /* a backend without GPU to GPU copies: the pairs are skipped with the reason, each GPU still measured */
    {
        struct cllm_gpugemm_backend nopeer = g_fake;
        const struct cllm_gpugemm_backend *const one[] = {&nopeer};
        struct cllm_gpugemm_peers *pe = calloc(1, sizeof(*pe));
        struct cllm_gpugemm_params gp = cllm_gpugemm_default_params();
        const int devs[] = {0, 1};
        nopeer.peer_copy = NULL;
        gp.backends = one;
        gp.n_backends = 1;
        cllm_gpugemm_peers_run(&gp, devs, NULL, 2, pe);
        CHECK_INT(pe->status, CLLM_CLASSIC_SKIPPED);
        CHECK(strstr(pe->message, "cuda: this backend has no GPU to GPU copies") != NULL);
        cllm_gpugemm_peers_run(&gp, devs, NULL, 1, pe);
        CHECK(strstr(pe->message, "fewer than two GPUs selected") != NULL);
        cllm_gpugemm_peers_free(pe);
        free(pe);
    }
    free(r);
    free(hw);
}

int main(void)
{
    RUN(test_two_gpus);
    RUN(test_four_gpus_env);
    return test_summary();
}
