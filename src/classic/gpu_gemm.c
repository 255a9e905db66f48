/* The GPU compute phase runner: picks a backend, checks each precision against a CPU reference, times GEMMs and
 * copies with device events, and writes the phase JSON (layout in gpu_compute.h). Backend-neutral: every device
 * call goes through a struct cllm_gpugemm_backend, so tests run it on fakes. */
#include "classic/gpu_gemm.h"

#include <cjson/cJSON.h>
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
#include "core/json.h"

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
    char err[1024];
};

static double round_to(double v, double step) { return round(v / step) * step; }


/* Sets "status" where it already stands (the runner adds it first, so it leads the object). */
static void set_status(cJSON *phase, const char *status, const char *key, const char *text)
{
    if (cJSON_GetObjectItem(phase, "status"))
        cJSON_ReplaceItemInObject(phase, "status", cJSON_CreateString(status));
    else
        cJSON_AddStringToObject(phase, "status", status);
    if (key) {
        cJSON_DeleteItemFromObject(phase, key);
        cJSON_AddStringToObject(phase, key, text);
    }
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

static void add_check(cJSON *o, double rel_err, double tol)
{
    if (isfinite(rel_err))
        cJSON_AddNumberToObject(o, "rel_err", rel_err);
    else
        cllm_json_set_null(o, "rel_err", isnan(rel_err) ? "the result holds NaN" : "the reference is all zero");
    cJSON_AddNumberToObject(o, "tolerance", tol);
    cJSON_AddBoolToObject(o, "passed", rel_err <= tol);
}

/* The small GEMM of each precision against the full CPU reference. */
static enum cllm_status validate_one(struct ctx *x, enum cllm_gpugemm_precision prec, cJSON *out, bool *passed)
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
static enum cllm_status time_batch(struct ctx *x, enum cllm_gpugemm_precision prec, int n, struct problem *pr, int batch,
                                   double *per_gemm)
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
                                    const float *hb, cJSON *size_obj, double *mean_tflops, bool *bad)
{
    const struct cllm_gpugemm_params *p = x->p;
    struct problem pr = {0};
    double *times = calloc((size_t)p->iterations, sizeof(double));
    double t1 = 0.0, rel = NAN;
    double flops = 2.0 * (double)n * (double)n * (double)n;
    enum cllm_status st;
    struct stats s;
    cJSON *o, *arr;
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
    o = cJSON_AddObjectToObject(size_obj, cllm_gpugemm_precision_name(prec));
    if (!o) {
        st = CLLM_ERR_NOMEM;
        cllm_errf(x->err, sizeof(x->err), "out of memory building JSON");
        goto cleanup;
    }
    *mean_tflops = s.mean > 0.0 ? flops / s.mean / 1e12 : NAN;
    if (s.mean > 0.0 && s.min > 0.0) {
        cJSON_AddNumberToObject(o, "mean_tflops", round_to(*mean_tflops, 1e-3));
        cJSON_AddNumberToObject(o, "best_tflops", round_to(flops / s.min / 1e12, 1e-3));
    } else {
        cllm_json_set_null(o, "mean_tflops", "the device timer reported zero time");
        cllm_json_set_null(o, "best_tflops", "the device timer reported zero time");
    }
    cJSON_AddNumberToObject(o, "mean_s", s.mean);
    cJSON_AddNumberToObject(o, "std_s", s.std);
    arr = cJSON_AddArrayToObject(o, "times_s");
    for (int it = 0; arr && it < p->iterations; it++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(times[it]));
    cJSON_AddNumberToObject(o, "batch", batch);
    if (isfinite(rel))
        cJSON_AddNumberToObject(o, "check_rel_err", rel);
    else
        cllm_json_set_null(o, "check_rel_err", "the result holds NaN");
    if (prec == CLLM_GPUGEMM_FP32 && s.mean > 0.0)
        cJSON_AddNumberToObject(size_obj, "gflops", round_to(flops / s.mean / 1e9, 1e-2));
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

/* Returns the best rate in GB/s (NAN when the timer gave zero). */
static double add_copy_json(cJSON *mem, const char *key, const double *times, int reps, size_t bytes, double factor)
{
    cJSON *o = cJSON_AddObjectToObject(mem, key);
    cJSON *arr;
    struct stats s = stats_of(times, reps);
    double gbps[64];
    struct stats g;
    int n = reps < 64 ? reps : 64;

    if (!o)
        return NAN;
    for (int i = 0; i < n; i++)
        gbps[i] = times[i] > 0.0 ? factor * (double)bytes / times[i] / 1e9 : 0.0;
    g = stats_of(gbps, n);
    if (s.min > 0.0) {
        cJSON_AddNumberToObject(o, "best_gbps", round_to(factor * (double)bytes / s.min / 1e9, 1e-2));
        cJSON_AddNumberToObject(o, "mean_gbps", round_to(g.mean, 1e-2));
        cJSON_AddNumberToObject(o, "std_gbps", round_to(g.std, 1e-2));
    } else {
        cllm_json_set_null(o, "best_gbps", "the device timer reported zero time");
    }
    arr = cJSON_AddArrayToObject(o, "times_s");
    for (int i = 0; arr && i < reps; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(times[i]));
    cJSON_AddNumberToObject(o, "bytes", (double)bytes);
    return s.min > 0.0 ? round_to(factor * (double)bytes / s.min / 1e9, 1e-2) : NAN;
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

static enum cllm_status measure_memory(struct ctx *x, cJSON *mem)
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
    x->d2d_best_gbps = add_copy_json(mem, "d2d", times, reps, bytes, 2.0);
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
    add_copy_json(mem, "h2d", times, reps, bytes, 1.0);
    if ((st = time_copies(x, h_buf, d_buf, bytes, CLLM_GPUGEMM_D2H, reps, times)) != CLLM_OK)
        goto cleanup;
    add_copy_json(mem, "d2h", times, reps, bytes, 1.0);
    {
        cJSON *d2d = cJSON_GetObjectItem(mem, "d2d"), *h2d = cJSON_GetObjectItem(mem, "h2d");
        CLLM_LOG(CLLM_LOG_INFO, "gpu: copies: d2d %.0f GB/s, h2d %.1f GB/s",
                 cJSON_GetNumberValue(cJSON_GetObjectItem(d2d, "best_gbps")),
                 cJSON_GetNumberValue(cJSON_GetObjectItem(h2d, "best_gbps")));
    }

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
static const struct cllm_gpu_device *hw_match(const struct cllm_hw_info *hw, const char *vendor, const cJSON *dev)
{
    const char *bus = cJSON_GetStringValue(cJSON_GetObjectItem(dev, "pci_bus_id"));
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
static void merge_hw(const struct cllm_hw_info *hw, const char *vendor, cJSON *dev)
{
    const struct cllm_gpu_device *d = hw_match(hw, vendor, dev);
    cJSON *nr = cJSON_GetObjectItem(dev, "null_reasons");
    struct { const char *key; const char *val; } fill[2];

    if (!d)
        return;
    fill[0].key = "name";
    fill[0].val = d->name;
    fill[1].key = "compute_capability";
    fill[1].val = d->compute_capability;
    for (int i = 0; i < 2; i++) {
        cJSON *it = cJSON_GetObjectItem(dev, fill[i].key);
        if ((!it || cJSON_IsNull(it)) && fill[i].val[0]) {
            cJSON_DeleteItemFromObject(dev, fill[i].key);
            cJSON_AddStringToObject(dev, fill[i].key, fill[i].val);
            if (nr)
                cJSON_DeleteItemFromObject(nr, fill[i].key);
        }
    }
    if (nr && !nr->child)
        cJSON_DeleteItemFromObject(dev, "null_reasons");
    if (d->driver_version[0])
        cJSON_AddStringToObject(dev, "driver_version", d->driver_version);
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

static void add_parameters(cJSON *phase, const struct cllm_gpugemm_params *p)
{
    cJSON *o = cJSON_AddObjectToObject(phase, "parameters");
    cJSON *arr;
    if (!o)
        return;
    arr = cJSON_AddArrayToObject(o, "sizes");
    for (int i = 0; arr && i < p->n_sizes; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(p->sizes[i]));
    cJSON_AddNumberToObject(o, "warmup", p->warmup);
    cJSON_AddNumberToObject(o, "iterations", p->iterations);
    cJSON_AddNumberToObject(o, "copy_bytes", (double)p->copy_bytes);
    cJSON_AddNumberToObject(o, "h2d_bytes", (double)p->h2d_bytes);
    cJSON_AddNumberToObject(o, "device", p->device);
    cJSON_AddNumberToObject(o, "validate_n", p->validate_n);
    cJSON_AddNumberToObject(o, "batch_target_s", p->batch_target_s);
}

static void add_method(cJSON *phase)
{
    cJSON *o = cJSON_AddObjectToObject(phase, "method");
    if (!o)
        return;
    cJSON_AddStringToObject(o, "timer", "device events around each batch (cudaEventElapsedTime / hipEventElapsedTime)");
    cJSON_AddStringToObject(o, "flops_per_gemm", "2*N^3");
    cJSON_AddStringToObject(o, "layout", "column-major, no transpose, C = A*B, beta 0, inputs uniform in [-1, 1)");
    cJSON_AddStringToObject(o, "batch", "back-to-back GEMMs per timed batch, chosen from one timed GEMM so a batch "
                                        "lasts about batch_target_s (1 to 2000); times_s are per GEMM");
    cJSON_AddStringToObject(o, "check", "max |C - ref| / RMS(ref), ref in double on the CPU: every entry at "
                                        "validate_n, 256 sampled entries of each timed result");
    cJSON_AddStringToObject(o, "copies", "d2d counts read + write (2 x bytes / time); h2d and d2h use pinned host "
                                         "memory and count bytes once");
}

static void run_json(const struct cllm_gpugemm_params *pin, const struct cllm_hw_info *hw, cJSON *phase,
                     double *d2d_best_gbps)
{
    static const struct cllm_gpugemm_backend *const builtin[] = {&cllm_gpugemm_backend_cuda, &cllm_gpugemm_backend_hip};
    struct cllm_gpugemm_params p = pin ? *pin : cllm_gpugemm_default_params();
    const struct cllm_gpugemm_backend *const *list = p.backends;
    int n_list = p.n_backends;
    struct attempt *tries = NULL;
    struct ctx x;
    cJSON *backends, *libs = NULL, *dev = NULL, *validation, *results, *summary, *mem;
    const struct cllm_gpugemm_backend *b = NULL;
    bool opened = false, ok[CLLM_GPUGEMM_PRECISION_COUNT] = {false};
    double best[CLLM_GPUGEMM_PRECISION_COUNT] = {NAN, NAN, NAN, NAN};
    char unsupported[CLLM_GPUGEMM_PRECISION_COUNT][256] = {""};
    char wrong[1024] = "";
    const char *bad_param;
    int n_dev = 0, max_n = 0;
    float *ha = NULL, *hb = NULL;
    enum cllm_status st = CLLM_OK;

    if (!phase)
        return;
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
    set_status(phase, "running", NULL, NULL);
    add_parameters(phase, &p);
    if ((bad_param = check_params(&p)) != NULL) {
        set_status(phase, "failed", "error", bad_param);
        return;
    }

    /* the first backend that loads and sees a device wins */
    tries = calloc((size_t)(n_list > 0 ? n_list : 1), sizeof(*tries));
    backends = cJSON_AddArrayToObject(phase, "backends");
    if (!tries || !backends) {
        set_status(phase, "failed", "error", "out of memory");
        free(tries);
        return;
    }
    for (int i = 0; i < n_list && !b; i++) {
        struct attempt *t = &tries[i];
        cJSON *note = cJSON_CreateObject();
        cJSON *l = cJSON_CreateObject();
        t->b = list[i];
        t->st = list[i]->init(p.lib_dir, l, t->msg, sizeof(t->msg));
        if (t->st == CLLM_OK) {
            n_dev = list[i]->device_count(t->msg, sizeof(t->msg));
            if (n_dev > 0) {
                b = list[i];
                libs = l;
                l = NULL;
                snprintf(t->msg, sizeof(t->msg), "%d device%s", n_dev, n_dev == 1 ? "" : "s");
            } else {
                if (n_dev == 0)
                    snprintf(t->msg, sizeof(t->msg), "the runtime reports no device");
                t->devices_failed = true;
                t->st = CLLM_ERR_NOT_FOUND;
                list[i]->shutdown();
            }
        }
        cJSON_Delete(l);
        if (note) {
            cJSON_AddStringToObject(note, "name", list[i]->name);
            cJSON_AddStringToObject(note, "status", t->st == CLLM_OK ? "ok"
                                                    : (t->st == CLLM_ERR_LIBRARY || t->devices_failed) ? "unavailable"
                                                                                                       : "error");
            cJSON_AddStringToObject(note, "detail", t->msg);
            cJSON_AddItemToArray(backends, note);
        }
    }
    if (!b) {
        char reason[4096];
        skip_reason(hw, tries, n_list, reason, sizeof(reason));
        set_status(phase, "skipped", "reason", reason);
        free(tries);
        return;
    }
    free(tries);
    tries = NULL;

    x.b = b;
    x.p = &p;
    cJSON_AddStringToObject(phase, "backend", b->name);
    cJSON_AddBoolToObject(phase, "verified", b->verified);
    add_method(phase);
    cJSON_AddItemToObject(phase, "libraries", libs);
    dev = cJSON_AddObjectToObject(phase, "device");
    if (p.device >= n_dev) {
        char msg[128];
        snprintf(msg, sizeof(msg), "device %d not present: the %s runtime sees %d", p.device, b->name, n_dev);
        set_status(phase, "failed", "error", msg);
        b->shutdown();
        return;
    }
    if ((st = b->open(p.device, dev, libs, x.err, sizeof(x.err))) != CLLM_OK)
        goto cleanup;
    opened = true;
    merge_hw(hw, b->vendor, dev);
    CLLM_LOG(CLLM_LOG_INFO, "gpu: %s on %s", b->name,
             cJSON_GetStringValue(cJSON_GetObjectItem(dev, "name")) ? cJSON_GetStringValue(cJSON_GetObjectItem(dev, "name"))
                                                                    : "(unnamed device)");

    /* 1. each precision against the CPU: unsupported ones are left out, a wrong one fails the phase */
    validation = cJSON_AddObjectToObject(phase, "validation");
    cJSON_AddNumberToObject(validation, "n", p.validate_n);
    for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
        enum cllm_gpugemm_precision prec = (enum cllm_gpugemm_precision)k;
        cJSON *o = cJSON_CreateObject();
        bool passed = false;
        st = validate_one(&x, prec, o, &passed);
        if (st == CLLM_ERR_UNSUPPORTED) {
            snprintf(unsupported[k], sizeof(unsupported[k]), "not supported here: %.220s", x.err);
            cJSON_Delete(o);
            cllm_json_set_null(validation, cllm_gpugemm_precision_name(prec), unsupported[k]);
            st = CLLM_OK;
            continue;
        }
        cJSON_AddItemToObject(validation, cllm_gpugemm_precision_name(prec), o);
        if (st != CLLM_OK)
            goto cleanup;
        ok[k] = passed;
        if (!passed) {
            size_t used = strlen(wrong);
            double rel = cJSON_GetNumberValue(cJSON_GetObjectItem(o, "rel_err"));
            snprintf(wrong + used, sizeof(wrong) - used, "%s%s GEMM %dx%d gave a wrong result (error %.3g > %.3g)",
                     used ? "; " : "", cllm_gpugemm_precision_name(prec), p.validate_n, p.validate_n, rel,
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
    results = cJSON_AddObjectToObject(phase, "results");
    for (int i = 0; i < p.n_sizes; i++) {
        int n = p.sizes[i];
        size_t count = (size_t)n * (size_t)n;
        char key[32];
        cJSON *so;
        snprintf(key, sizeof(key), "%dx%d", n, n);
        cJSON_DeleteItemFromObject(results, key);
        so = cJSON_AddObjectToObject(results, key);
        for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
            enum cllm_gpugemm_precision prec = (enum cllm_gpugemm_precision)k;
            double tflops = NAN;
            bool bad = false;
            if (!ok[k]) {
                cllm_json_set_null(so, cllm_gpugemm_precision_name(prec),
                         unsupported[k][0] ? unsupported[k] : "not timed: its validation GEMM gave a wrong result");
                continue;
            }
            fill_inputs(ha, count, 1000u + (uint64_t)n, prec);
            fill_inputs(hb, count, 2000u + (uint64_t)n, prec);
            st = measure_one(&x, prec, n, ha, hb, so, &tflops, &bad);
            if (st == CLLM_ERR_UNSUPPORTED) {
                cllm_json_set_null(so, cllm_gpugemm_precision_name(prec), x.err);
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
    summary = cJSON_AddObjectToObject(phase, "summary");
    for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
        char key[32];
        snprintf(key, sizeof(key), "%s_tflops", cllm_gpugemm_precision_name((enum cllm_gpugemm_precision)k));
        if (isfinite(best[k]))
            cJSON_AddNumberToObject(summary, key, round_to(best[k], 1e-3));
        else
            cllm_json_set_null(summary, key, unsupported[k][0] ? unsupported[k] : "no valid measurement");
    }

    /* 3. copies */
    mem = cJSON_AddObjectToObject(phase, "memory");
    st = measure_memory(&x, mem);

cleanup:
    free(ha);
    free(hb);
    if (opened)
        b->close();
    b->shutdown();
    if (st != CLLM_OK)
        set_status(phase, "failed", "error", x.err[0] ? x.err : cllm_status_str(st));
    else if (wrong[0])
        set_status(phase, "failed", "error", wrong);
    else
        set_status(phase, "ok", NULL, NULL);
    *d2d_best_gbps = x.d2d_best_gbps;
}

void cllm_gpugemm_run(const struct cllm_gpugemm_params *p, const struct cllm_hw_info *hw,
                      struct cllm_gpugemm_result *r)
{
    const char *st;

    r->phase = cJSON_CreateObject();
    r->status = CLLM_CLASSIC_FAILED;
    r->d2d_best_gbps = NAN;
    if (!r->phase)
        return;
    run_json(p, hw, r->phase, &r->d2d_best_gbps);
    st = cJSON_GetStringValue(cJSON_GetObjectItem(r->phase, "status"));
    r->status = !st                       ? CLLM_CLASSIC_FAILED
                : strcmp(st, "ok") == 0      ? CLLM_CLASSIC_OK
                : strcmp(st, "skipped") == 0 ? CLLM_CLASSIC_SKIPPED
                                             : CLLM_CLASSIC_FAILED;
}

void cllm_gpugemm_result_free(struct cllm_gpugemm_result *r)
{
    if (!r)
        return;
    cJSON_Delete(r->phase);
    r->phase = NULL;
}
