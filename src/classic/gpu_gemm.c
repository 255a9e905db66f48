/* The GPU compute phase runner: picks a backend, checks each precision against a CPU reference, times GEMMs and
 * copies with device events, and writes the phase JSON (layout in gpu_compute.h). Backend-neutral: every device
 * call goes through a struct cllm_gpugemm_backend, so tests run it on fakes. */
#include "classic/gpu_gemm.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#define strcasecmp _stricmp
#else
#include <strings.h>
#endif

#include "core/log.h"
#include "classic/gpu_gemm_priv.h"
#include "hw/hw.h"

static const int g_default_sizes[] = {1024, 2048, 4096};

#define CLLM_GPUGEMM_MAX_BATCH     2000    /* GEMMs per timed batch at most (tiny GEMMs: bounded run time) */
#define CLLM_GPUGEMM_CHECK_SAMPLES 256     /* entries of a timed GEMM's result checked against the CPU */
#define CLLM_GPUGEMM_MIN_COPY      (64u << 20)   /* device copies shrink on allocation failure down to this */
#define CLLM_GPUGEMM_MIN_H2D       (16u << 20)
#define CLLM_GPUGEMM_COPY_REPS_MIN 5

/* Largest |C − ref| / RMS(ref) accepted per precision: fp32 accumulates in fp32 (~1e-6 here); tf32 rounds
 * inputs to 10 mantissa bits (~2e-3 worst seen in theory); fp16/bf16 round the output (2^-11, 2^-8 of |c|). */
static const double g_tolerance[CLLM_GPUGEMM_PRECISION_COUNT] = {1e-4, 2e-2, 1e-2, 5e-2};

const char *cllm_gpugemm_precision_name(enum cllm_gpugemm_precision p)
{
    switch (p) {
    case CLLM_GPUGEMM_FP32: return "fp32";
    case CLLM_GPUGEMM_TF32: return "tf32";
    case CLLM_GPUGEMM_FP16: return "fp16";
    case CLLM_GPUGEMM_BF16: return "bf16";
    default:            return "unknown";
    }
}

size_t cllm_gpugemm_precision_bytes(enum cllm_gpugemm_precision p)
{
    return (p == CLLM_GPUGEMM_FP16 || p == CLLM_GPUGEMM_BF16) ? 2 : 4;
}

struct cllm_gpugemm_params cllm_gpugemm_default_params(void)
{
    struct cllm_gpugemm_params p;
    memset(&p, 0, sizeof(p));
    p.sizes = g_default_sizes;
    p.n_sizes = (int)(sizeof(g_default_sizes) / sizeof(g_default_sizes[0]));
    p.warmup = 1;
    p.iterations = 3;
    p.copy_bytes = (size_t)1 << 30;
    p.h2d_bytes = (size_t)256 << 20;
    p.device = 0;
    p.validate_n = 256;
    p.batch_target_s = 0.025;
    return p;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* small helpers                                                                                                */

struct ctx {
    const struct cllm_gpugemm_backend *b;
    const struct cllm_gpugemm_params  *p;
    double d2d_best_gbps;   /* NAN until measured */
    char err[CLLM_ERR_LEN];
};

static double round_to(double v, double step) { return round(v / step) * step; }


static void set_status(struct cllm_gpugemm_result *r, enum cllm_classic_status st, const char *text)
{
    r->status = st;
    if (text)
        snprintf(r->message, sizeof(r->message), "%s", text);
}

/* xorshift64*: reproducible inputs without touching the C library's rand() state. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform in [-1, 1), rounded to what the device will hold for `prec` (fp16/bf16 inputs are exact then). */
static void fill_inputs(float *x, size_t count, uint64_t seed, enum cllm_gpugemm_precision prec)
{
    uint64_t s = seed ? seed : 1;
    for (size_t i = 0; i < count; i++) {
        float v = (float)((double)(rng_next(&s) >> 11) * (2.0 / 9007199254740992.0) - 1.0);
        if (prec == CLLM_GPUGEMM_FP16)
            v = cllm_gpugemm_f16_to_f32(cllm_gpugemm_f32_to_f16(v));
        else if (prec == CLLM_GPUGEMM_BF16)
            v = cllm_gpugemm_bf16_to_f32(cllm_gpugemm_f32_to_bf16(v));
        x[i] = v;
    }
}

/* Host floats → the device's storage format (malloc'd), and back. */
static void *pack(const float *x, size_t count, enum cllm_gpugemm_precision prec)
{
    void *out = malloc(count * cllm_gpugemm_precision_bytes(prec));
    if (!out)
        return NULL;
    if (prec == CLLM_GPUGEMM_FP16 || prec == CLLM_GPUGEMM_BF16) {
        uint16_t *h = out;
        for (size_t i = 0; i < count; i++)
            h[i] = prec == CLLM_GPUGEMM_FP16 ? cllm_gpugemm_f32_to_f16(x[i]) : cllm_gpugemm_f32_to_bf16(x[i]);
    } else {
        memcpy(out, x, count * sizeof(float));
    }
    return out;
}

static void unpack(const void *in, float *x, size_t count, enum cllm_gpugemm_precision prec)
{
    if (prec == CLLM_GPUGEMM_FP16 || prec == CLLM_GPUGEMM_BF16) {
        const uint16_t *h = in;
        for (size_t i = 0; i < count; i++)
            x[i] = prec == CLLM_GPUGEMM_FP16 ? cllm_gpugemm_f16_to_f32(h[i]) : cllm_gpugemm_bf16_to_f32(h[i]);
    } else {
        memcpy(x, in, count * sizeof(float));
    }
}

/* max |C − A·B| / RMS(A·B) over the checked entries (all of them when samples == 0), column-major n×n; the
 * reference is accumulated in double from the same (rounded) inputs the device got. NaN anywhere gives NaN. */
static double check_product(const float *a, const float *b, const float *c, int n, int samples, uint64_t seed)
{
    double max_err = 0.0, sum_sq = 0.0;
    size_t un = (size_t)n;
    long count = samples > 0 ? samples : (long)n * n;
    uint64_t s = seed ? seed : 7;

    for (long t = 0; t < count; t++) {
        size_t i, j;
        double ref = 0.0, d;
        if (samples > 0) {
            i = (size_t)(rng_next(&s) % un);
            j = (size_t)(rng_next(&s) % un);
        } else {
            i = (size_t)t % un;
            j = (size_t)t / un;
        }
        for (size_t k = 0; k < un; k++)
            ref += (double)a[i + k * un] * (double)b[k + j * un];
        d = fabs((double)c[i + j * un] - ref);
        if (isnan(d))
            return NAN;
        if (d > max_err)
            max_err = d;
        sum_sq += ref * ref;
    }
    if (sum_sq <= 0.0)
        return max_err > 0.0 ? INFINITY : 0.0;
    return max_err / sqrt(sum_sq / (double)count);
}

struct stats {
    double mean, std, min;
};

static struct stats stats_of(const double *x, int n)
{
    struct stats s = {0.0, 0.0, INFINITY};
    for (int i = 0; i < n; i++) {
        s.mean += x[i];
        if (x[i] < s.min)
            s.min = x[i];
    }
    s.mean /= n;
    if (n > 1) {
        double ss = 0.0;
        for (int i = 0; i < n; i++)
            ss += (x[i] - s.mean) * (x[i] - s.mean);
        s.std = sqrt(ss / (n - 1));
    }
    return s;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* GEMM                                                                                                         */

/* One n×n problem on the device: inputs uploaded, C cleared. */
struct problem {
    void  *a, *b, *c;
    size_t bytes;
};

static void problem_free(struct ctx *x, struct problem *pr)
{
    x->b->free(pr->a);
    x->b->free(pr->b);
    x->b->free(pr->c);
    memset(pr, 0, sizeof(*pr));
}

static enum cllm_status problem_setup(struct ctx *x, struct problem *pr, enum cllm_gpugemm_precision prec, int n,
                                      const float *ha, const float *hb)
{
    size_t count = (size_t)n * (size_t)n;
    void *pa = NULL, *pb = NULL;
    enum cllm_status st;

    memset(pr, 0, sizeof(*pr));
    pr->bytes = count * cllm_gpugemm_precision_bytes(prec);
    pa = pack(ha, count, prec);
    pb = pack(hb, count, prec);
    if (!pa || !pb) {
        cllm_errf(x->err, sizeof(x->err), "out of host memory for a %dx%d problem", n, n);
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = x->b->alloc(&pr->a, pr->bytes, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = x->b->alloc(&pr->b, pr->bytes, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = x->b->alloc(&pr->c, pr->bytes, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = x->b->memcpy(pr->a, pa, pr->bytes, CLLM_GPUGEMM_H2D, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = x->b->memcpy(pr->b, pb, pr->bytes, CLLM_GPUGEMM_H2D, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = x->b->memset(pr->c, 0, pr->bytes, x->err, sizeof(x->err))) != CLLM_OK)
        goto cleanup;

cleanup:
    free(pa);
    free(pb);
    if (st != CLLM_OK)
        problem_free(x, pr);
    return st;
}

/* Downloads C and measures its error against the CPU reference. */
static enum cllm_status problem_check(struct ctx *x, struct problem *pr, enum cllm_gpugemm_precision prec, int n,
                                      const float *ha, const float *hb, int samples, double *rel_err)
{
    size_t count = (size_t)n * (size_t)n;
    void *raw = malloc(pr->bytes);
    float *hc = malloc(count * sizeof(float));
    enum cllm_status st;

    if (!raw || !hc) {
        cllm_errf(x->err, sizeof(x->err), "out of host memory checking a %dx%d result", n, n);
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    st = x->b->memcpy(raw, pr->c, pr->bytes, CLLM_GPUGEMM_D2H, x->err, sizeof(x->err));
    if (st != CLLM_OK)
        goto cleanup;
    unpack(raw, hc, count, prec);
    *rel_err = check_product(ha, hb, hc, n, samples, (uint64_t)n * 31u + (uint64_t)prec);

cleanup:
    free(raw);
    free(hc);
    return st;
}

static void add_check(struct cllm_gpugemm_check *o, double rel_err, double tol)
{
    o->present = o->filled = true;
    o->rel_err = rel_err;
    o->tolerance = tol;
    o->passed = rel_err <= tol;
}

/* The small GEMM of each precision against the full CPU reference. */
static enum cllm_status validate_one(struct ctx *x, enum cllm_gpugemm_precision prec, struct cllm_gpugemm_check *out,
                                     bool *passed)
{
    int n = x->p->validate_n;
    size_t count = (size_t)n * (size_t)n;
    float *ha = malloc(count * sizeof(float)), *hb = malloc(count * sizeof(float));
    struct problem pr = {0};
    enum cllm_status st;
    double rel = NAN;

    *passed = false;
    if (!ha || !hb) {
        cllm_errf(x->err, sizeof(x->err), "out of host memory for validation");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    fill_inputs(ha, count, 11, prec);
    fill_inputs(hb, count, 12, prec);
    if ((st = problem_setup(x, &pr, prec, n, ha, hb)) != CLLM_OK)
        goto cleanup;
    if ((st = x->b->gemm(prec, n, pr.a, pr.b, pr.c, x->err, sizeof(x->err))) != CLLM_OK)
        goto cleanup;
    if ((st = x->b->synchronize(x->err, sizeof(x->err))) != CLLM_OK)
        goto cleanup;
    if ((st = problem_check(x, &pr, prec, n, ha, hb, 0, &rel)) != CLLM_OK)
        goto cleanup;
    add_check(out, rel, g_tolerance[prec]);
    *passed = rel <= g_tolerance[prec];

cleanup:
    problem_free(x, &pr);
    free(ha);
    free(hb);
    return st;
}

/* Times `batch` back-to-back GEMMs between two device events; seconds per GEMM. */
static enum cllm_status time_batch(struct ctx *x, enum cllm_gpugemm_precision prec, int n, struct problem *pr,
                                   int batch, double *per_gemm)
{
    enum cllm_status st;
    double t = 0.0;
    if ((st = x->b->timer_start(x->err, sizeof(x->err))) != CLLM_OK)
        return st;
    for (int i = 0; i < batch; i++)
        if ((st = x->b->gemm(prec, n, pr->a, pr->b, pr->c, x->err, sizeof(x->err))) != CLLM_OK)
            return st;
    if ((st = x->b->timer_stop(&t, x->err, sizeof(x->err))) != CLLM_OK)
        return st;
    *per_gemm = t / batch;
    return CLLM_OK;
}

/* Warmup, batch calibration, timed batches and the spot check of one size and precision. *bad is set when the
 * result is wrong (the caller fails the phase). */
static enum cllm_status measure_one(struct ctx *x, enum cllm_gpugemm_precision prec, int n, const float *ha,
                                    const float *hb, struct cllm_gpugemm_size *size_obj, double *mean_tflops,
                                    bool *bad)
{
    const struct cllm_gpugemm_params *p = x->p;
    struct problem pr = {0};
    double *times = calloc((size_t)p->iterations, sizeof(double));
    double t1 = 0.0, rel = NAN;
    double flops = 2.0 * (double)n * (double)n * (double)n;
    enum cllm_status st;
    struct stats s;
    struct cllm_gpugemm_timing *o = &size_obj->prec[prec];
    int batch;

    *bad = false;
    if (!times) {
        cllm_errf(x->err, sizeof(x->err), "out of host memory");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = problem_setup(x, &pr, prec, n, ha, hb)) != CLLM_OK)
        goto cleanup;
    /* the first call loads kernels and picks an algorithm: untimed */
    if ((st = x->b->gemm(prec, n, pr.a, pr.b, pr.c, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = x->b->synchronize(x->err, sizeof(x->err))) != CLLM_OK)
        goto cleanup;
    if ((st = time_batch(x, prec, n, &pr, 1, &t1)) != CLLM_OK)
        goto cleanup;
    batch = t1 > 0.0 ? (int)ceil(p->batch_target_s / t1) : CLLM_GPUGEMM_MAX_BATCH;
    if (batch < 1)
        batch = 1;
    if (batch > CLLM_GPUGEMM_MAX_BATCH)
        batch = CLLM_GPUGEMM_MAX_BATCH;
    for (int w = 0; w < p->warmup; w++) {
        double ignored;
        if ((st = time_batch(x, prec, n, &pr, batch, &ignored)) != CLLM_OK)
            goto cleanup;
    }
    for (int it = 0; it < p->iterations; it++)
        if ((st = time_batch(x, prec, n, &pr, batch, &times[it])) != CLLM_OK)
            goto cleanup;
    if ((st = problem_check(x, &pr, prec, n, ha, hb, CLLM_GPUGEMM_CHECK_SAMPLES, &rel)) != CLLM_OK)
        goto cleanup;

    s = stats_of(times, p->iterations);
    *mean_tflops = s.mean > 0.0 ? flops / s.mean / 1e12 : NAN;
    o->present = true;
    o->mean_tflops = o->best_tflops = NAN;
    if (s.mean > 0.0 && s.min > 0.0) {
        o->mean_tflops = round_to(*mean_tflops, 1e-3);
        o->best_tflops = round_to(flops / s.min / 1e12, 1e-3);
    }
    o->mean_s = s.mean;
    o->std_s = s.std;
    o->times_s = times;   /* kept: freed with the result */
    o->n_times = p->iterations;
    times = NULL;
    o->batch = batch;
    o->check_rel_err = rel;
    if (prec == CLLM_GPUGEMM_FP32 && s.mean > 0.0)
        size_obj->gflops = round_to(flops / s.mean / 1e9, 1e-2);
    if (!(rel <= g_tolerance[prec])) {
        *bad = true;
        cllm_errf(x->err, sizeof(x->err), "%s GEMM %dx%d gave a wrong result: error %.3g > tolerance %.3g",
                      cllm_gpugemm_precision_name(prec), n, n, rel, g_tolerance[prec]);
    }
    CLLM_LOG(CLLM_LOG_INFO, "gpu: %s %dx%d: %.2f TFLOPS (batch %d, %d runs)", cllm_gpugemm_precision_name(prec), n, n,
             *mean_tflops, batch, p->iterations);

cleanup:
    problem_free(x, &pr);
    free(times);
    return st;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* copies                                                                                                       */

/* Fills o from `reps` copy times of `bytes` each; false when out of memory. */
static bool add_copy(struct cllm_gpugemm_copy *o, const double *times, int reps, size_t bytes, double factor)
{
    struct stats s = stats_of(times, reps);
    double *gbps = malloc((size_t)reps * sizeof(double));
    struct stats g;

    o->times_s = malloc((size_t)reps * sizeof(double));
    if (!gbps || !o->times_s) {
        free(gbps);
        return false;
    }
    /* every timed copy counts (the iterations are the configured count, at least 5) */
    for (int i = 0; i < reps; i++)
        gbps[i] = times[i] > 0.0 ? factor * (double)bytes / times[i] / 1e9 : 0.0;
    g = stats_of(gbps, reps);
    free(gbps);
    o->present = true;
    o->best_gbps = o->mean_gbps = o->std_gbps = NAN;
    if (s.min > 0.0) {
        o->best_gbps = round_to(factor * (double)bytes / s.min / 1e9, 1e-2);
        o->mean_gbps = round_to(g.mean, 1e-2);
        o->std_gbps = round_to(g.std, 1e-2);
    }
    memcpy(o->times_s, times, (size_t)reps * sizeof(double));
    o->n_times = reps;
    o->bytes = (double)bytes;
    return true;
}

/* Times `reps` copies of `bytes` from src to dst after one untimed copy. */
static enum cllm_status time_copies(struct ctx *x, void *dst, const void *src, size_t bytes,
                                    enum cllm_gpugemm_copy_kind kind, int reps, double *times)
{
    enum cllm_status st = x->b->memcpy(dst, src, bytes, kind, x->err, sizeof(x->err));
    if (st != CLLM_OK)
        return st;
    for (int i = 0; i < reps; i++) {
        if ((st = x->b->timer_start(x->err, sizeof(x->err))) != CLLM_OK ||
            (st = x->b->memcpy(dst, src, bytes, kind, x->err, sizeof(x->err))) != CLLM_OK ||
            (st = x->b->timer_stop(&times[i], x->err, sizeof(x->err))) != CLLM_OK)
            return st;
    }
    return CLLM_OK;
}

/* Allocates two buffers of *bytes (device, or pinned host + device), halving *bytes while allocation fails. */
static enum cllm_status alloc_pair(struct ctx *x, bool host_src, size_t *bytes, size_t min_bytes, void **src,
                                   void **dst)
{
    enum cllm_status st;
    *src = *dst = NULL;
    for (;;) {
        st = host_src ? x->b->host_alloc(src, *bytes, x->err, sizeof(x->err))
                      : x->b->alloc(src, *bytes, x->err, sizeof(x->err));
        if (st == CLLM_OK)
            st = x->b->alloc(dst, *bytes, x->err, sizeof(x->err));
        if (st == CLLM_OK)
            return CLLM_OK;
        if (*src && host_src)
            x->b->host_free(*src);
        else if (*src)
            x->b->free(*src);
        *src = NULL;
        if (*bytes / 2 < min_bytes)
            return st;
        CLLM_LOG(CLLM_LOG_INFO, "gpu: %s; trying %zu bytes", x->err, *bytes / 2);
        *bytes /= 2;
    }
}

static enum cllm_status measure_memory(struct ctx *x, struct cllm_gpugemm_result *r)
{
    const struct cllm_gpugemm_params *p = x->p;
    int reps = p->iterations > CLLM_GPUGEMM_COPY_REPS_MIN ? p->iterations : CLLM_GPUGEMM_COPY_REPS_MIN;
    double *times = calloc((size_t)reps, sizeof(double));
    void *d_src = NULL, *d_dst = NULL, *h_buf = NULL, *d_buf = NULL;
    size_t bytes = p->copy_bytes;
    size_t min = p->copy_bytes < CLLM_GPUGEMM_MIN_COPY ? p->copy_bytes : CLLM_GPUGEMM_MIN_COPY;
    enum cllm_status st;

    if (!times) {
        cllm_errf(x->err, sizeof(x->err), "out of host memory");
        return CLLM_ERR_NOMEM;
    }
    /* device to device: each byte is read once and written once */
    if ((st = alloc_pair(x, false, &bytes, min, &d_src, &d_dst)) != CLLM_OK ||
        (st = x->b->memset(d_src, 1, bytes, x->err, sizeof(x->err))) != CLLM_OK ||
        (st = time_copies(x, d_dst, d_src, bytes, CLLM_GPUGEMM_D2D, reps, times)) != CLLM_OK)
        goto cleanup;
    if (!add_copy(&r->d2d, times, reps, bytes, 2.0))
        goto nomem;
    x->d2d_best_gbps = r->d2d.best_gbps;
    x->b->free(d_src);
    x->b->free(d_dst);
    d_src = d_dst = NULL;

    /* host <-> device through pinned memory: bytes cross the bus once */
    bytes = p->h2d_bytes;
    min = p->h2d_bytes < CLLM_GPUGEMM_MIN_H2D ? p->h2d_bytes : CLLM_GPUGEMM_MIN_H2D;
    if ((st = alloc_pair(x, true, &bytes, min, &h_buf, &d_buf)) != CLLM_OK)
        goto cleanup;
    memset(h_buf, 1, bytes);
    if ((st = time_copies(x, d_buf, h_buf, bytes, CLLM_GPUGEMM_H2D, reps, times)) != CLLM_OK)
        goto cleanup;
    if (!add_copy(&r->h2d, times, reps, bytes, 1.0))
        goto nomem;
    if ((st = time_copies(x, h_buf, d_buf, bytes, CLLM_GPUGEMM_D2H, reps, times)) != CLLM_OK)
        goto cleanup;
    if (!add_copy(&r->d2h, times, reps, bytes, 1.0))
        goto nomem;
    CLLM_LOG(CLLM_LOG_INFO, "gpu: copies: d2d %.0f GB/s, h2d %.1f GB/s", r->d2d.best_gbps, r->h2d.best_gbps);
    goto cleanup;
nomem:
    st = CLLM_ERR_NOMEM;
    cllm_errf(x->err, sizeof(x->err), "out of host memory");

cleanup:
    x->b->free(d_src);
    x->b->free(d_dst);
    x->b->free(d_buf);
    if (h_buf)
        x->b->host_free(h_buf);
    free(times);
    return st;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* backend choice and skip reasons                                                                              */

struct attempt {
    const struct cllm_gpugemm_backend *b;
    enum cllm_status st;      /* CLLM_OK: loaded and has devices */
    bool devices_failed;      /* loaded, but the runtime found no usable device */
    char msg[1100];
};

static int hw_count_vendor(const struct cllm_hw_info *hw, const char *vendor)
{
    int n = 0;
    for (int i = 0; hw && i < hw->gpu.n_devices && i < CLLM_GPU_MAX; i++)
        if (strcasecmp(hw->gpu.devices[i].vendor, vendor) == 0)
            n++;
    return n;
}

static const struct attempt *attempt_for(const struct attempt *a, int n, const char *vendor)
{
    for (int i = 0; i < n; i++)
        if (a[i].b->vendor && strcasecmp(a[i].b->vendor, vendor) == 0)
            return &a[i];
    return NULL;
}

/* Why nothing ran, phrased from what hw detection saw: a GPU without its libraries reads differently from no GPU. */
static void skip_reason(const struct cllm_hw_info *hw, const struct attempt *a, int n, char *out, size_t len)
{
    const struct attempt *t;
    char tried[2400] = "";
    size_t used = 0;

    for (int i = 0; i < n && used + 1 < sizeof(tried); i++) {
        int w = snprintf(tried + used, sizeof(tried) - used, "%s%s: %s", i ? "; " : "", a[i].b->name, a[i].msg);
        if (w > 0)
            used += (size_t)w;
    }
    if (used >= sizeof(tried))
        tried[sizeof(tried) - 1] = '\0';

    if (hw_count_vendor(hw, "NVIDIA") > 0) {
        t = attempt_for(a, n, "NVIDIA");
        if (!t)
            snprintf(out, len, "NVIDIA GPU found but no CUDA backend in this build");
        else if (t->st == CLLM_ERR_LIBRARY && strncmp(t->msg, "cuBLAS", 6) == 0)
            snprintf(out, len, "NVIDIA GPU found but cuBLAS not found: install the CUDA toolkit or the nvidia-cublas "
                               "wheel (%s)", t->msg);
        else if (t->st == CLLM_ERR_LIBRARY)
            snprintf(out, len, "NVIDIA GPU found but the CUDA runtime (libcudart) not found: install the CUDA "
                               "toolkit or the nvidia-cuda-runtime and nvidia-cublas wheels (%s)", t->msg);
        else if (t->devices_failed)
            snprintf(out, len, "NVIDIA GPU found but CUDA sees no usable device (driver too old or not loaded?): %s",
                     t->msg);
        else
            snprintf(out, len, "NVIDIA GPU found but its CUDA libraries are unusable: %s", t->msg);
    } else if (hw_count_vendor(hw, "AMD") > 0) {
        t = attempt_for(a, n, "AMD");
        if (!t)
            snprintf(out, len, "AMD GPU found but no HIP backend in this build");
        else if (t->st == CLLM_ERR_LIBRARY)
            snprintf(out, len, "AMD GPU found but no ROCm (libamdhip64/libhipblas): install ROCm's HIP runtime and "
                               "hipBLAS (%s)", t->msg);
        else if (t->devices_failed)
            snprintf(out, len, "AMD GPU found but HIP sees no usable device (amdgpu/KFD driver, render group?): %s",
                     t->msg);
        else
            snprintf(out, len, "AMD GPU found but its ROCm libraries are unusable: %s", t->msg);
    } else if (hw_count_vendor(hw, "Intel") > 0) {
        snprintf(out, len, "Intel GPU found: GPU GEMM needs oneAPI (SYCL + oneMKL), which this version does not "
                           "drive yet");
    } else if (hw_count_vendor(hw, "Apple") > 0) {
        snprintf(out, len, "Apple GPU found: GPU GEMM needs Metal (MPS), which this version does not drive yet");
    } else if (hw && hw->gpu.n_devices > 0) {
        snprintf(out, len, "GPU found (%s) but no compute backend for its vendor (%s)", hw->gpu.devices[0].vendor,
                 tried);
    } else if (hw) {
        snprintf(out, len, "no GPU detected");
    } else {
        snprintf(out, len, "no GPU compute backend available (%s)", tried);
    }
}

/* The hw detection entry for the device the backend opened: same PCI bus id, else the only one of its vendor. */
static const struct cllm_gpu_device *hw_match(const struct cllm_hw_info *hw, const char *vendor,
                                              const struct cllm_gpugemm_device *dev)
{
    const char *bus = dev->pci_bus_id[0] ? dev->pci_bus_id : NULL;
    const struct cllm_gpu_device *only = NULL;
    int n = 0;

    for (int i = 0; hw && i < hw->gpu.n_devices && i < CLLM_GPU_MAX; i++) {
        const struct cllm_gpu_device *d = &hw->gpu.devices[i];
        if (bus && d->pci_bus_id[0] && strcasecmp(bus, d->pci_bus_id) == 0)
            return d;
        if (vendor && strcasecmp(d->vendor, vendor) == 0) {
            only = d;
            n++;
        }
    }
    return n == 1 ? only : NULL;
}

/* Fills what the backend could not read (name, architecture) and adds the driver version from hw detection. */
static void merge_hw(const struct cllm_hw_info *hw, const char *vendor, struct cllm_gpugemm_device *dev)
{
    const struct cllm_gpu_device *d = hw_match(hw, vendor, dev);

    if (!d)
        return;
    if (!dev->name[0] && d->name[0])
        snprintf(dev->name, sizeof(dev->name), "%s", d->name);
    if (!dev->compute_capability[0] && d->compute_capability[0])
        snprintf(dev->compute_capability, sizeof(dev->compute_capability), "%s", d->compute_capability);
    if (d->driver_version[0])
        snprintf(dev->driver_version, sizeof(dev->driver_version), "%s", d->driver_version);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* the phase                                                                                                    */

static const char *check_params(const struct cllm_gpugemm_params *p)
{
    if (p->n_sizes < 0 || p->n_sizes > 64)
        return "sizes: between 0 and 64 sizes";
    for (int i = 0; i < p->n_sizes; i++)
        if (p->sizes[i] < 1 || p->sizes[i] > 32768)
            return "sizes: each N in [1, 32768]";
    if (p->iterations < 1 || p->iterations > 1000)
        return "iterations: in [1, 1000]";
    if (p->warmup < 0 || p->warmup > 1000)
        return "warmup: in [0, 1000]";
    if (p->validate_n < 1 || p->validate_n > 4096)
        return "validate_n: in [1, 4096]";
    if (p->copy_bytes < 1 || p->h2d_bytes < 1)
        return "copy_bytes, h2d_bytes: at least 1";
    if (!(p->batch_target_s > 0.0) || p->batch_target_s > 10.0)
        return "batch_target_s: in (0, 10]";
    if (p->device < 0)
        return "device: 0 or more";
    return NULL;
}

/* Every fact unknown, with the reason for a backend that does not read it. */
static void device_init(struct cllm_gpugemm_device *d, const char *backend, int index)
{
    char why[CLLM_GPUGEMM_WHY_LEN];
    memset(d, 0, sizeof(*d));
    d->index = index;
    d->multiprocessors = -1;
    d->l2_cache_bytes = -1;
    d->vram_total_gb = d->vram_free_gb = NAN;
    snprintf(why, sizeof(why), "not read by the %s backend", backend);
    memcpy(d->name_why, why, sizeof(why));
    memcpy(d->compute_capability_why, why, sizeof(why));
    memcpy(d->multiprocessors_why, why, sizeof(why));
    memcpy(d->l2_cache_bytes_why, why, sizeof(why));
    memcpy(d->pci_bus_id_why, why, sizeof(why));
    memcpy(d->vram_why, why, sizeof(why));
}

static void run_phase(const struct cllm_gpugemm_params *pin, const struct cllm_hw_info *hw,
                      struct cllm_gpugemm_result *r)
{
    static const struct cllm_gpugemm_backend *const builtin[] = {&cllm_gpugemm_backend_cuda,
                                                                 &cllm_gpugemm_backend_hip};
    struct cllm_gpugemm_params p = pin ? *pin : cllm_gpugemm_default_params();
    const struct cllm_gpugemm_backend *const *list = p.backends;
    int n_list = p.n_backends;
    struct attempt *tries = NULL;
    struct ctx x;
    const struct cllm_gpugemm_backend *b = NULL;
    bool opened = false, ok[CLLM_GPUGEMM_PRECISION_COUNT] = {false};
    double best[CLLM_GPUGEMM_PRECISION_COUNT] = {NAN, NAN, NAN, NAN};
    char unsupported[CLLM_GPUGEMM_PRECISION_COUNT][256] = {""};
    char wrong[1024] = "";
    const char *bad_param;
    int n_dev = 0, max_n = 0;
    float *ha = NULL, *hb = NULL;
    enum cllm_status st = CLLM_OK;

    memset(&x, 0, sizeof(x));
    x.d2d_best_gbps = NAN;
    if (!p.sizes || p.n_sizes <= 0) {
        p.sizes = g_default_sizes;
        p.n_sizes = (int)(sizeof(g_default_sizes) / sizeof(g_default_sizes[0]));
    }
    if (!list) {
        list = builtin;
        n_list = (int)(sizeof(builtin) / sizeof(builtin[0]));
    }
    if (n_list > CLLM_GPUGEMM_MAX_BACKENDS)
        n_list = CLLM_GPUGEMM_MAX_BACKENDS;
    r->has_params = true;
    r->params = p;
    for (int i = 0; i < p.n_sizes && i < CLLM_GPUGEMM_MAX_SIZES; i++)
        r->sizes_run[i] = p.sizes[i];
    r->params.sizes = r->sizes_run;
    if (r->params.n_sizes > CLLM_GPUGEMM_MAX_SIZES)
        r->params.n_sizes = CLLM_GPUGEMM_MAX_SIZES;
    if ((bad_param = check_params(&p)) != NULL) {
        set_status(r, CLLM_CLASSIC_FAILED, bad_param);
        return;
    }

    /* the first backend that loads and sees a device wins */
    tries = calloc((size_t)(n_list > 0 ? n_list : 1), sizeof(*tries));
    r->has_backends = true;
    if (!tries) {
        set_status(r, CLLM_CLASSIC_FAILED, "out of memory");
        return;
    }
    for (int i = 0; i < n_list && !b; i++) {
        struct attempt *t = &tries[i];
        struct cllm_gpugemm_backend_note *note = &r->backends[r->n_backends++];
        memset(&r->libs, 0, sizeof(r->libs));
        t->b = list[i];
        t->st = list[i]->init(p.lib_dir, &r->libs, t->msg, sizeof(t->msg));
        if (t->st == CLLM_OK) {
            n_dev = list[i]->device_count(t->msg, sizeof(t->msg));
            if (n_dev > 0) {
                b = list[i];
                snprintf(t->msg, sizeof(t->msg), "%d device%s", n_dev, n_dev == 1 ? "" : "s");
            } else {
                if (n_dev == 0)
                    snprintf(t->msg, sizeof(t->msg), "the runtime reports no device");
                t->devices_failed = true;
                t->st = CLLM_ERR_NOT_FOUND;
                list[i]->shutdown();
            }
        }
        note->name = list[i]->name;
        note->status = t->st == CLLM_OK ? "ok" : (t->st == CLLM_ERR_LIBRARY || t->devices_failed) ? "unavailable"
                                                                                                : "error";
        snprintf(note->detail, sizeof(note->detail), "%s", t->msg);
    }
    if (!b) {
        char reason[4096];
        memset(&r->libs, 0, sizeof(r->libs));
        skip_reason(hw, tries, n_list, reason, sizeof(reason));
        set_status(r, CLLM_CLASSIC_SKIPPED, reason);
        free(tries);
        return;
    }
    free(tries);
    tries = NULL;

    x.b = b;
    x.p = &p;
    r->backend = b->name;
    r->verified = b->verified;
    if (p.pci_bus_id && p.pci_bus_id[0] && b->bus_id) {
        /* the runtime's own numbering (CUDA: fastest first by default) need not be detection's: match the bus */
        char have[1024] = "", bus[64];
        int found = -1;
        size_t used = 0;
        for (int d = 0; d < n_dev && found < 0; d++) {
            if (b->bus_id(d, bus, sizeof(bus), x.err, sizeof(x.err)) != CLLM_OK)
                continue;
            if (strcasecmp(bus, p.pci_bus_id) == 0)
                found = d;
            if (used + 1 < sizeof(have))
                used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%d %s", d ? ", " : "", d, bus);
        }
        if (found < 0) {
            char msg[1200];
            snprintf(msg, sizeof(msg), "no %s device has PCI bus id %s (the runtime's devices: %s)", b->name,
                     p.pci_bus_id, have[0] ? have : "none readable");
            r->has_device = true;
            device_init(&r->device, b->name, p.device);
            set_status(r, CLLM_CLASSIC_FAILED, msg);
            b->shutdown();
            return;
        }
        p.device = found;
        r->params.device = found;
    }
    r->has_device = true;
    device_init(&r->device, b->name, p.device);
    if (p.device >= n_dev) {
        char msg[128];
        snprintf(msg, sizeof(msg), "device %d not present: the %s runtime sees %d", p.device, b->name, n_dev);
        set_status(r, CLLM_CLASSIC_FAILED, msg);
        b->shutdown();
        return;
    }
    r->device_read = true;
    if ((st = b->open(p.device, &r->device, &r->libs, x.err, sizeof(x.err))) != CLLM_OK)
        goto cleanup;
    opened = true;
    merge_hw(hw, b->vendor, &r->device);
    CLLM_LOG(CLLM_LOG_INFO, "gpu: %s on %s", b->name, r->device.name[0] ? r->device.name : "(unnamed device)");

    /* 1. each precision against the CPU: unsupported ones are left out, a wrong one fails the phase */
    r->has_validation = true;
    for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
        enum cllm_gpugemm_precision prec = (enum cllm_gpugemm_precision)k;
        struct cllm_gpugemm_check *o = &r->validation[k];
        bool passed = false;
        st = validate_one(&x, prec, o, &passed);
        if (st == CLLM_ERR_UNSUPPORTED) {
            snprintf(unsupported[k], sizeof(unsupported[k]), "not supported here: %.220s", x.err);
            memset(o, 0, sizeof(*o));
            snprintf(o->why, sizeof(o->why), "%s", unsupported[k]);
            st = CLLM_OK;
            continue;
        }
        if (st != CLLM_OK) {
            o->present = true;   /* begun: written as far as it got */
            goto cleanup;
        }
        ok[k] = passed;
        if (!passed) {
            size_t used = strlen(wrong);
            snprintf(wrong + used, sizeof(wrong) - used, "%s%s GEMM %dx%d gave a wrong result (error %.3g > %.3g)",
                     used ? "; " : "", cllm_gpugemm_precision_name(prec), p.validate_n, p.validate_n, o->rel_err,
                     g_tolerance[k]);
        }
    }

    /* 2. throughput per size and precision */
    for (int i = 0; i < p.n_sizes; i++)
        if (p.sizes[i] > max_n)
            max_n = p.sizes[i];
    ha = malloc((size_t)max_n * (size_t)max_n * sizeof(float));
    hb = malloc((size_t)max_n * (size_t)max_n * sizeof(float));
    if (!ha || !hb) {
        st = CLLM_ERR_NOMEM;
        cllm_errf(x.err, sizeof(x.err), "out of host memory for %dx%d inputs", max_n, max_n);
        goto cleanup;
    }
    r->has_results = true;
    for (int i = 0; i < p.n_sizes; i++) {
        int n = p.sizes[i];
        size_t count = (size_t)n * (size_t)n;
        struct cllm_gpugemm_size *so = NULL;
        /* a size given twice is measured again and replaces the first (one results key per size) */
        for (int j = 0; j < r->n_sizes; j++)
            if (r->sizes[j].n == n)
                so = &r->sizes[j];
        if (so) {
            for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++)
                free(so->prec[k].times_s);
            memmove(so, so + 1, (size_t)(&r->sizes[r->n_sizes] - (so + 1)) * sizeof(*so));
            r->n_sizes--;
        }
        so = &r->sizes[r->n_sizes++];
        memset(so, 0, sizeof(*so));
        so->n = n;
        so->gflops = NAN;
        for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
            enum cllm_gpugemm_precision prec = (enum cllm_gpugemm_precision)k;
            struct cllm_gpugemm_timing *t = &so->prec[k];
            double tflops = NAN;
            bool bad = false;
            if (!ok[k]) {
                snprintf(t->why, sizeof(t->why), "%.250s",
                         unsupported[k][0] ? unsupported[k] : "not timed: its validation GEMM gave a wrong result");
                continue;
            }
            fill_inputs(ha, count, 1000u + (uint64_t)n, prec);
            fill_inputs(hb, count, 2000u + (uint64_t)n, prec);
            st = measure_one(&x, prec, n, ha, hb, so, &tflops, &bad);
            if (st == CLLM_ERR_UNSUPPORTED) {
                snprintf(t->why, sizeof(t->why), "%.250s", x.err);
                st = CLLM_OK;
                continue;
            }
            if (st != CLLM_OK)
                goto cleanup;
            if (bad) {
                size_t used = strlen(wrong);
                snprintf(wrong + used, sizeof(wrong) - used, "%s%.300s", used ? "; " : "", x.err);
            }
            if (isfinite(tflops) && !(best[k] >= tflops))
                best[k] = tflops;
        }
    }
    r->has_summary = true;
    for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
        r->summary_tflops[k] = isfinite(best[k]) ? round_to(best[k], 1e-3) : NAN;
        if (!isfinite(best[k]))
            snprintf(r->summary_why[k], sizeof(r->summary_why[k]), "%.250s",
                     unsupported[k][0] ? unsupported[k] : "no valid measurement");
    }

    /* 3. copies */
    r->has_memory = true;
    st = measure_memory(&x, r);

cleanup:
    free(ha);
    free(hb);
    if (opened)
        b->close();
    b->shutdown();
    if (st != CLLM_OK)
        set_status(r, CLLM_CLASSIC_FAILED, x.err[0] ? x.err : cllm_status_str(st));
    else if (wrong[0])
        set_status(r, CLLM_CLASSIC_FAILED, wrong);
    else
        set_status(r, CLLM_CLASSIC_OK, NULL);
    r->d2d_best_gbps = x.d2d_best_gbps;
}

void cllm_gpugemm_run(const struct cllm_gpugemm_params *p, const struct cllm_hw_info *hw,
                      struct cllm_gpugemm_result *r)
{
    memset(r, 0, sizeof(*r));
    r->status = CLLM_CLASSIC_FAILED;
    r->d2d_best_gbps = NAN;
    run_phase(p, hw, r);
}

void cllm_gpugemm_result_free(struct cllm_gpugemm_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n_sizes && i < CLLM_GPUGEMM_MAX_SIZES; i++)
        for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++)
            free(r->sizes[i].prec[k].times_s);
    free(r->d2d.times_s);
    free(r->h2d.times_s);
    free(r->d2h.times_s);
    r->n_sizes = 0;
    r->d2d.times_s = r->h2d.times_s = r->d2h.times_s = NULL;
}

/* ---- GPU to GPU copies ---- */

/* One ordered pair: buffers on both devices, peer access where possible, warmup, timed copies. */
static void peer_pair(const struct cllm_gpugemm_backend *b, const struct cllm_gpugemm_params *p,
                      struct cllm_gpugemm_peer *o)
{
    struct cllm_gpugemm_device dev;
    struct cllm_gpugemm_libs libs;
    void *src = NULL, *dst = NULL;
    double *times = NULL;
    size_t bytes = p->h2d_bytes;
    char err[CLLM_GPUGEMM_WHY_LEN * 2] = "";
    enum cllm_status st;
    bool opened = false;

    memset(&libs, 0, sizeof(libs));
    device_init(&dev, b->name, o->src_device);
    o->status = CLLM_CLASSIC_FAILED;
    if ((st = b->open(o->src_device, &dev, &libs, err, sizeof(err))) != CLLM_OK)
        goto done;
    opened = true;
    /* both buffers of the same size, halved while either does not fit */
    for (;;) {
        st = b->set_device(o->src_device, err, sizeof(err));
        if (st == CLLM_OK)
            st = b->alloc(&src, bytes, err, sizeof(err));
        if (st == CLLM_OK)
            st = b->set_device(o->dst_device, err, sizeof(err));
        if (st == CLLM_OK)
            st = b->alloc(&dst, bytes, err, sizeof(err));
        if (st == CLLM_OK || st != CLLM_ERR_NOMEM || bytes / 2 < CLLM_GPUGEMM_MIN_COPY)
            break;
        if (src)
            b->free(src);
        if (dst)
            b->free(dst);
        src = dst = NULL;
        bytes /= 2;
    }
    if (st != CLLM_OK)
        goto done;
    if ((st = b->set_device(o->src_device, err, sizeof(err))) != CLLM_OK ||
        (st = b->peer_access(o->src_device, o->dst_device, &o->peer_access, err, sizeof(err))) != CLLM_OK)
        goto done;
    if (o->peer_access && (st = b->peer_enable(o->dst_device, err, sizeof(err))) != CLLM_OK)
        goto done;
    if ((st = b->memset(src, 1, bytes, err, sizeof(err))) != CLLM_OK)
        goto done;
    times = calloc((size_t)p->iterations, sizeof(*times));
    if (!times) {
        st = CLLM_ERR_NOMEM;
        snprintf(err, sizeof(err), "out of memory");
        goto done;
    }
    for (int w = 0; w < (p->warmup > 0 ? p->warmup : 1) && st == CLLM_OK; w++)
        st = b->peer_copy(dst, o->dst_device, src, o->src_device, bytes, err, sizeof(err));
    if (st == CLLM_OK)
        st = b->synchronize(err, sizeof(err));
    for (int i = 0; i < p->iterations && st == CLLM_OK; i++) {
        if ((st = b->timer_start(err, sizeof(err))) != CLLM_OK)
            break;
        if ((st = b->peer_copy(dst, o->dst_device, src, o->src_device, bytes, err, sizeof(err))) != CLLM_OK)
            break;
        st = b->timer_stop(&times[i], err, sizeof(err));
    }
    if (st == CLLM_OK && !add_copy(&o->copy, times, p->iterations, bytes, 1.0)) {
        st = CLLM_ERR_NOMEM;
        snprintf(err, sizeof(err), "out of memory");
    }
done:
    free(times);
    if (src)
        b->free(src);
    if (dst)
        b->free(dst);
    if (opened)
        b->close();
    if (st == CLLM_OK)
        o->status = CLLM_CLASSIC_OK;
    else
        snprintf(o->message, sizeof(o->message), "%s", err[0] ? err : cllm_status_str(st));
}

void cllm_gpugemm_peers_run(const struct cllm_gpugemm_params *pin, const int *devices, const int *gpus, int n,
                            struct cllm_gpugemm_peers *out)
{
    static const struct cllm_gpugemm_backend *const builtin[] = {&cllm_gpugemm_backend_cuda,
                                                                 &cllm_gpugemm_backend_hip};
    struct cllm_gpugemm_params p = pin ? *pin : cllm_gpugemm_default_params();
    const struct cllm_gpugemm_backend *const *list = p.backends ? p.backends : builtin;
    int n_list = p.backends ? p.n_backends : (int)(sizeof(builtin) / sizeof(builtin[0]));
    const struct cllm_gpugemm_backend *b = NULL;
    char said[1024] = "";
    size_t used = 0;
    int n_dev = 0, failed = 0;

    memset(out, 0, sizeof(*out));
    out->status = CLLM_CLASSIC_SKIPPED;
    if (n < 2) {
        snprintf(out->message, sizeof(out->message), "fewer than two GPUs selected");
        return;
    }
    if (p.iterations < 1 || p.iterations > 1000 || p.h2d_bytes < 1) {
        out->status = CLLM_CLASSIC_FAILED;
        snprintf(out->message, sizeof(out->message), "iterations in [1, 1000] and h2d_bytes of at least 1");
        return;
    }
    for (int i = 0; i < n_list && i < CLLM_GPUGEMM_MAX_BACKENDS && !b; i++) {
        struct cllm_gpugemm_libs libs;
        char err[1024] = "";
        memset(&libs, 0, sizeof(libs));
        if (list[i]->init(p.lib_dir, &libs, err, sizeof(err)) != CLLM_OK) {
            used += (size_t)snprintf(said + used, used < sizeof(said) ? sizeof(said) - used : 0, "%s%s: %.300s",
                                     used ? "; " : "", list[i]->name, err);
            continue;
        }
        n_dev = list[i]->device_count(err, sizeof(err));
        if (n_dev < 2 || !list[i]->peer_copy || !list[i]->set_device || !list[i]->peer_access ||
            !list[i]->peer_enable) {
            used += (size_t)snprintf(said + used, used < sizeof(said) ? sizeof(said) - used : 0, "%s%s: %s",
                                     used ? "; " : "", list[i]->name,
                                     n_dev < 2 ? "the runtime sees fewer than two devices"
                                               : "this backend has no GPU to GPU copies");
            list[i]->shutdown();
            continue;
        }
        b = list[i];
    }
    if (!b) {
        snprintf(out->message, sizeof(out->message), "no backend copies between GPUs here (%s)", said);
        return;
    }
    out->backend = b->name;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            struct cllm_gpugemm_peer *o;
            if (i == j || out->n >= CLLM_GPUGEMM_MAX_PEERS)
                continue;
            o = &out->pair[out->n++];
            o->src_device = devices[i];
            o->dst_device = devices[j];
            o->src_gpu = gpus ? gpus[i] : -1;
            o->dst_gpu = gpus ? gpus[j] : -1;
            if (devices[i] < 0 || devices[i] >= n_dev || devices[j] < 0 || devices[j] >= n_dev) {
                o->status = CLLM_CLASSIC_FAILED;
                snprintf(o->message, sizeof(o->message), "device %d or %d not present: the %s runtime sees %d",
                         devices[i], devices[j], b->name, n_dev);
            } else {
                peer_pair(b, &p, o);
            }
            if (o->status != CLLM_CLASSIC_OK)
                failed++;
        }
    }
    b->shutdown();
    out->status = failed ? CLLM_CLASSIC_FAILED : CLLM_CLASSIC_OK;
    if (failed)
        snprintf(out->message, sizeof(out->message), "%d of %d GPU to GPU copies failed", failed, out->n);
}

void cllm_gpugemm_peers_free(struct cllm_gpugemm_peers *out)
{
    if (!out)
        return;
    for (int i = 0; i < out->n && i < CLLM_GPUGEMM_MAX_PEERS; i++) {
        free(out->pair[i].copy.times_s);
        out->pair[i].copy.times_s = NULL;
    }
    out->n = 0;
}
