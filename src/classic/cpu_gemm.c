#include "classic/cpu_gemm.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/stats.h"
#include "core/clock.h"
#include "core/log.h"
#include "hw/hw.h"
#include "platform/proc.h"

#ifdef CLLM_WITH_OPENBLAS
#include <cblas.h>
#endif

struct cllm_cpugemm_params cllm_cpugemm_default_params(void)
{
    static const int sizes[] = {512, 1024, 2048};
    struct cllm_cpugemm_params p = {
        .sizes = sizes, .n_sizes = 3, .warmup = 1, .warmup_min_s = 0.25, .iterations = 3, .threads = 1,
        .validate_n = 128, .tolerance = 1e-4, .report_peak = false, .cancel = NULL, .sgemm = NULL,
    };
    return p;
}

#ifdef CLLM_WITH_OPENBLAS
static void openblas_sgemm(int n, const float *a, const float *b, float *c)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}
#endif

const char *cllm_blas_info(void)
{
#ifdef CLLM_WITH_OPENBLAS
    return openblas_get_config();
#else
    return NULL;
#endif
}

const char *cllm_blas_corename(void)
{
#ifdef CLLM_WITH_OPENBLAS
    return openblas_get_corename();
#else
    return NULL;
#endif
}

const char *cllm_blas_coretype_advice(const struct cllm_cpu_info *cpu)
{
    /* kernels of CPUs without AVX: a machine with AVX2 or AVX-512 runs 2-8x slower on them */
    static const char *const legacy[] = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom",
                                         "Katmai", "Coppermine", "Northwood", "Banias", "Opteron", "Barcelona",
                                         "Bobcat", "Unknown"};
    const char *core = cllm_blas_corename();
    bool is_legacy = false;

    if (!core || !cpu)
        return NULL;
    for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
        if (strcasecmp(core, legacy[i]) == 0)
            is_legacy = true;
    if (!is_legacy)
        return NULL;
    if (cpu->isa[CLLM_ISA_AVX512F] == CLLM_TRI_YES && cpu->isa[CLLM_ISA_AVX512BW] == CLLM_TRI_YES &&
        cpu->isa[CLLM_ISA_AVX512VL] == CLLM_TRI_YES)
        return cpu->isa[CLLM_ISA_AVX512_BF16] == CLLM_TRI_YES ? "Cooperlake" : "SkylakeX";
    if (cpu->isa[CLLM_ISA_AVX2] == CLLM_TRI_YES && cpu->isa[CLLM_ISA_FMA] == CLLM_TRI_YES)
        return "Haswell";
    if (cpu->isa[CLLM_ISA_AVX] == CLLM_TRI_YES)
        return "Sandybridge";
    return NULL;
}

/* The variables BLAS/OpenMP runtimes of child processes read; set so any child we start obeys the phase. */
static void set_thread_env(int threads)
{
    static const char *const vars[] = {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                       "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"};
    char v[16];
    snprintf(v, sizeof(v), "%d", threads);
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        setenv(vars[i], v, 1);
}

/* Deterministic values in [-1, 1): the same matrices on every machine. */
static void fill(float *m, size_t count, unsigned seed)
{
    unsigned x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < count; i++) {
        x = x * 1664525u + 1013904223u;
        m[i] = (float)((double)(x >> 8) / (double)(1u << 23)) - 1.0f;
    }
}

double cllm_sgemm_rel_error(int n, const float *a, const float *b, const float *c)
{
    double num = 0, den = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double ref = 0;
            for (int k = 0; k < n; k++)
                ref += (double)a[(size_t)i * n + k] * (double)b[(size_t)k * n + j];
            num += (c[(size_t)i * n + j] - ref) * (c[(size_t)i * n + j] - ref);
            den += ref * ref;
        }
    return den > 0 ? sqrt(num / den) : (num > 0 ? INFINITY : 0);
}

/* Checks `count` pseudo-random entries of a timed product against dot products: catches a wrong result at the
 * measured size, which the small validation product cannot. Returns the largest relative error. */
static double spot_check(int n, const float *a, const float *b, const float *c, int count)
{
    double worst = 0;
    unsigned x = 12345u;
    for (int s = 0; s < count; s++) {
        int i, j;
        double ref = 0, mag = 0, err;
        x = x * 1664525u + 1013904223u;
        i = (int)(x % (unsigned)n);
        x = x * 1664525u + 1013904223u;
        j = (int)(x % (unsigned)n);
        for (int k = 0; k < n; k++) {
            double t = (double)a[(size_t)i * n + k] * (double)b[(size_t)k * n + j];
            ref += t;
            mag += fabs(t);
        }
        /* relative to the sum of magnitudes: a dot product of random signs can be near zero */
        err = fabs(c[(size_t)i * n + j] - ref) / (mag > 0 ? mag : 1);
        if (err > worst)
            worst = err;
    }
    return worst;
}

static float *alloc_matrix(int n)
{
    void *p = NULL;
    size_t bytes = (size_t)n * (size_t)n * sizeof(float);
    if (posix_memalign(&p, 64, bytes) != 0)
        return NULL;
    return p;
}

double cllm_cpugemm_peak_gflops(const struct cllm_cpu_info *cpu, int cores, char *basis, size_t n)
{
    double flops_per_cycle, mhz = cpu->freq_max_mhz;
    const char *isa_txt, *clock_txt = "max clock";
    bool amd = strstr(cpu->vendor, "AMD") != NULL;

    /* float32 FLOPs per cycle per core = 2 (FMA) × lanes × FMA units */
    if (cpu->isa[CLLM_ISA_AVX512F] == CLLM_TRI_YES && !amd) {
        flops_per_cycle = 64;
        isa_txt = "AVX-512: 2 FMA units x 16 lanes x 2";
    } else if (cpu->isa[CLLM_ISA_AVX512F] == CLLM_TRI_YES) {
        /* Zen 4 runs 512-bit FMAs on two 256-bit pipes */
        flops_per_cycle = 32;
        isa_txt = "AVX-512 on AMD (Zen 4: 2 x 256-bit FMA pipes) x 8 lanes x 2";
    } else if (cpu->isa[CLLM_ISA_AVX2] == CLLM_TRI_YES && cpu->isa[CLLM_ISA_FMA] == CLLM_TRI_YES) {
        flops_per_cycle = 32;
        isa_txt = "AVX2+FMA: 2 FMA units x 8 lanes x 2";
    } else if (cpu->isa[CLLM_ISA_AVX] == CLLM_TRI_YES) {
        flops_per_cycle = 16;
        isa_txt = "AVX: 8-lane add + 8-lane multiply";
    } else if (cpu->isa[CLLM_ISA_NEON] == CLLM_TRI_YES) {
        flops_per_cycle = 16;
        isa_txt = "NEON: 2 FMA units x 4 lanes x 2 (typical Arm core)";
    } else {
        flops_per_cycle = 8;
        isa_txt = "SSE: 4-lane add + 4-lane multiply";
    }
    if (!isfinite(mhz)) {
        mhz = cpu->freq_base_mhz;
        clock_txt = "base clock";
    }
    if (!isfinite(mhz)) {
        mhz = cpu->freq_current_mhz;
        clock_txt = "current clock reported by the OS (turbo may be higher, so the ratio may exceed 1)";
    }
    if (!isfinite(mhz) || cores <= 0) {
        snprintf(basis, n, "%s; clock unknown", isa_txt);
        return NAN;
    }
    snprintf(basis, n, "estimate: %d cores x %.0f MHz (%s) x %.0f FLOP/cycle (%s)", cores, mhz, clock_txt,
             flops_per_cycle, isa_txt);
    return cores * mhz * 1e6 * flops_per_cycle / 1e9;
}

static void set_failed(struct cllm_cpugemm_result *r, const char *fmt, ...) CLLM_PRINTF(2, 3);
static void set_failed(struct cllm_cpugemm_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
    r->status = CLLM_CLASSIC_FAILED;
}

/* Validation on a small product against the naive reference; false (phase failed) when off. */
static bool validate(const struct cllm_cpugemm_params *p, cllm_sgemm_fn sgemm, struct cllm_cpugemm_result *r)
{
    int n = p->validate_n;
    float *a = alloc_matrix(n), *b = alloc_matrix(n), *c = alloc_matrix(n);
    double err;
    bool ok;

    r->validated = true;
    r->validation_tolerance = p->tolerance;
    r->validation_max_rel_error = NAN;
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        set_failed(r, "out of memory for the %dx%d validation product", n, n);
        return false;
    }
    r->validation_n = n;
    fill(a, (size_t)n * n, 1);
    fill(b, (size_t)n * n, 2);
    memset(c, 0, (size_t)n * n * sizeof(float));
    sgemm(n, a, b, c);
    err = cllm_sgemm_rel_error(n, a, b, c);
    ok = isfinite(err) && err <= p->tolerance;
    r->validation_max_rel_error = err;
    r->validation_passed = ok;
    free(a), free(b), free(c);
    if (!ok)
        set_failed(r, "sgemm result is wrong: relative error %.3g > %.3g on a %dx%d product", err, p->tolerance, n,
                   n);
    return ok;
}

void cllm_cpugemm_result_free(struct cllm_cpugemm_result *r)
{
    for (int s = 0; r && s < r->n_sizes; s++)
        free(r->sizes[s].times_s);
    if (r) {
        free(r->sizes);
        memset(r, 0, sizeof(*r));
    }
}

void cllm_cpugemm_run(const struct cllm_cpugemm_params *p, const struct cllm_cpu_info *cpu,
                      struct cllm_cpugemm_result *r)
{
    cllm_sgemm_fn sgemm = p->sgemm;
    double best_gflops = NAN;

    memset(r, 0, sizeof(*r));
    r->blas_threads = -1;
    r->peak_gflops = r->peak_ratio = NAN;
#ifdef CLLM_WITH_OPENBLAS
    if (!sgemm) {
        sgemm = openblas_sgemm;
        openblas_set_num_threads(p->threads);
        r->library = cllm_blas_info();
        r->blas_kernels = openblas_get_corename();
        r->blas_coretype_env = getenv("OPENBLAS_CORETYPE");
        r->legacy_kernels = cllm_blas_coretype_advice(cpu) != NULL;
        r->blas_threads = openblas_get_num_threads();
        if (openblas_get_num_threads() != p->threads) {
            set_failed(r, "OpenBLAS runs %d threads although %d were asked", openblas_get_num_threads(), p->threads);
            return;
        }
    }
#endif
    if (!sgemm) {
        r->status = CLLM_CLASSIC_SKIPPED;
        snprintf(r->message, sizeof(r->message), "built without OpenBLAS: install libopenblas-dev and rebuild");
        return;
    }
    set_thread_env(p->threads);
    r->status = CLLM_CLASSIC_OK;
    r->threads_requested = p->threads;
    if (!validate(p, sgemm, r))
        return;

    r->has_results = true;
    snprintf(r->method, sizeof(r->method),
             "per size: untimed products on the same %d thread(s) until at least %d ran and %.2f s passed (starts "
             "and wakes the BLAS thread pool), then %d timed products back to back; gflops from the mean time, "
             "gflops_best from the shortest", p->threads, p->warmup, p->warmup_min_s,
             p->iterations > 0 ? p->iterations : 1);
    r->sizes = calloc((size_t)(p->n_sizes > 0 ? p->n_sizes : 1), sizeof(*r->sizes));
    if (!r->sizes) {
        set_failed(r, "out of memory for the results of %d sizes", p->n_sizes);
        return;
    }
    for (int s = 0; s < p->n_sizes; s++) {
        int n = p->sizes[s];
        float *a = alloc_matrix(n), *b = alloc_matrix(n), *c = alloc_matrix(n);
        /* every configured iteration is timed and kept (classic.gemm_iterations, 1..100) */
        int iters = p->iterations > 0 ? p->iterations : 1;
        double *times = calloc((size_t)iters, sizeof(double)), *gflops = calloc((size_t)iters, sizeof(double));
        double cpu0, wall0, cpu_s, wall_s, spot, warm0;
        int warm_n = 0;
        struct cllm_stats ts, gs;
        struct cllm_cpugemm_size *z;

        if (p->cancel && *p->cancel) {
            free(a), free(b), free(c), free(times), free(gflops);
            snprintf(r->message, sizeof(r->message), "stopped by the user before this size");
            r->status = CLLM_CLASSIC_CANCELLED;
            return;
        }
        if (!a || !b || !c || !times || !gflops) {
            free(a), free(b), free(c), free(times), free(gflops);
            set_failed(r, "out of memory for %dx%d matrices", n, n);
            return;
        }
        fill(a, (size_t)n * n, 3);
        fill(b, (size_t)n * n, 4);
        memset(c, 0, (size_t)n * n * sizeof(float));
        /* untimed products with the same threads and size until both the count and the time are reached: the
         * first products of a many-thread BLAS also start (or wake) its thread pool, which took a 16-vCPU VM's
         * 512x512 multi-thread result to 18 GFLOPS, below one thread's 80-110 */
        warm0 = cllm_now_s();
        while (warm_n < p->warmup || (cllm_now_s() - warm0 < p->warmup_min_s && warm_n < CLLM_CPUGEMM_MAX_WARMUP)) {
            sgemm(n, a, b, c);
            warm_n++;
        }
        warm0 = cllm_now_s() - warm0;
        cpu0 = cllm_proc_self_cpu_s();
        wall0 = cllm_now_s();
        for (int i = 0; i < iters; i++) {
            double t0 = cllm_now_s();
            sgemm(n, a, b, c);
            times[i] = cllm_now_s() - t0;
        }
        wall_s = cllm_now_s() - wall0;
        cpu_s = cllm_proc_self_cpu_s() - cpu0;
        spot = spot_check(n, a, b, c, 64);
        free(a), free(b), free(c);
        for (int i = 0; i < iters; i++)
            gflops[i] = cllm_gemm_gflops(n, times[i]);

        cllm_stats_compute(times, (size_t)iters, &ts);
        cllm_stats_compute(gflops, (size_t)iters, &gs);
        free(gflops);
        z = &r->sizes[r->n_sizes++];
        z->n = n;
        z->gflops = cllm_gemm_gflops(n, ts.mean);
        z->gflops_best = cllm_gemm_gflops(n, ts.min);
        z->gflops_mean = gs.mean;
        z->time_s_mean = ts.mean;
        z->time_s_best = ts.min;
        z->time_s_std = ts.std;
        z->times_s = times;
        z->iterations = iters;
        /* CPU time / wall time over the timed products: the threads that really worked; other threads' CPU time
         * is accounted at scheduler ticks, so a window under 50 ms cannot tell */
        z->effective_threads = wall_s >= 0.05 ? cpu_s / wall_s : NAN;
        z->spot_check_max_rel_error = spot;
        z->warmup_products = warm_n;
        z->warmup_s = warm0;
        if (!(spot <= 1e-5)) {
            set_failed(r, "sgemm result at %dx%d is wrong: spot-check relative error %.3g", n, n, spot);
            return;
        }
        if (p->threads == 1 && wall_s >= 0.05 && cpu_s / wall_s > 1.3) {
            set_failed(r, "single-thread run used %.2f cores of CPU time: the BLAS did not stay on one thread",
                       cpu_s / wall_s);
            return;
        }
        if (!isfinite(best_gflops) || z->gflops > best_gflops)
            best_gflops = z->gflops;
    }

    if (p->report_peak && cpu) {
        r->has_peak = true;
        r->peak_gflops = cllm_cpugemm_peak_gflops(cpu, p->threads, r->peak_basis, sizeof(r->peak_basis));
        if (isfinite(r->peak_gflops) && isfinite(best_gflops))
            r->peak_ratio = best_gflops / r->peak_gflops;
    }
}

int cllm_cpugemm_mark_suspect(const struct cllm_cpugemm_result *single, struct cllm_cpugemm_result *multi)
{
    int marked = 0;

    if (!single || !multi || single->status != CLLM_CLASSIC_OK || multi->threads_requested <= 1)
        return 0;
    for (int i = 0; i < multi->n_sizes; i++) {
        struct cllm_cpugemm_size *m = &multi->sizes[i];
        const struct cllm_cpugemm_size *s = NULL;
        for (int j = 0; j < single->n_sizes && !s; j++)
            if (single->sizes[j].n == m->n)
                s = &single->sizes[j];
        m->suspect = false;
        m->suspect_reason[0] = '\0';
        m->suspect_checked = s && isfinite(s->gflops) && isfinite(m->gflops);
        if (!m->suspect_checked || !(m->gflops < s->gflops))
            continue;
        m->suspect = true;
        marked++;
        snprintf(m->suspect_reason, sizeof(m->suspect_reason),
                 "%d threads gave %.1f GFLOPS (best %.1f), below 1 thread's %.1f (best %.1f) at %dx%d: something "
                 "else was timed (thread start-up, another process); rerun on a quiet machine",
                 multi->threads_requested, m->gflops, m->gflops_best, s->gflops, s->gflops_best, m->n, m->n);
    }
    return marked;
}
