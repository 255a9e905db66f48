#include "classic/membw.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__x86_64__) || defined(__SSE2__)
#include <emmintrin.h>
#define CLLM_HAVE_SSE2 1
#endif

#include "core/stats.h"
#include "core/clock.h"

/* Values the arrays hold after each kernel, so the result can be checked as STREAM does. */
#define INIT_A   1.0
#define INIT_B   2.0
#define FILL_C   3.0
#define SCALAR   3.0

struct cllm_membw_params cllm_membw_default_params(void)
{
    struct cllm_membw_params p = {
        .array_bytes = 256u << 20, .llc_bytes = -1, .repeats = 5, .threads_all = 1, .available_bytes = -1,
        .cancel = NULL,
    };
    return p;
}

const char *cllm_membw_kernel_name(enum cllm_membw_kernel k)
{
    static const char *const names[CLLM_MEMBW_COUNT] = {"write", "read", "copy", "triad"};
    return (unsigned)k < CLLM_MEMBW_COUNT ? names[k] : "?";
}

double cllm_membw_bytes(enum cllm_membw_kernel k, size_t n)
{
    static const double per_elem[CLLM_MEMBW_COUNT] = {8, 8, 16, 24};
    return (unsigned)k < CLLM_MEMBW_COUNT ? per_elem[k] * (double)n : 0;
}

/* The kernels work on [lo, hi) so each thread streams one contiguous chunk. Streaming (non-temporal) stores skip
 * the read-for-ownership of the destination, so the bytes counted are the bytes moved; the pointers are 64-byte
 * aligned and chunk bounds are multiples of 8 elements. */
static void k_write(double *c, size_t lo, size_t hi, double s)
{
#ifdef CLLM_HAVE_SSE2
    __m128d v = _mm_set1_pd(s);
    for (size_t i = lo; i < hi; i += 2)
        _mm_stream_pd(c + i, v);
#else
    for (size_t i = lo; i < hi; i++)
        c[i] = s;
#endif
}

static double k_read(const double *a, size_t lo, size_t hi)
{
#ifdef CLLM_HAVE_SSE2
    /* four independent accumulators hide the add latency */
    __m128d s0 = _mm_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    double out[2];
    for (size_t i = lo; i < hi; i += 8) {
        s0 = _mm_add_pd(s0, _mm_load_pd(a + i));
        s1 = _mm_add_pd(s1, _mm_load_pd(a + i + 2));
        s2 = _mm_add_pd(s2, _mm_load_pd(a + i + 4));
        s3 = _mm_add_pd(s3, _mm_load_pd(a + i + 6));
    }
    _mm_storeu_pd(out, _mm_add_pd(_mm_add_pd(s0, s1), _mm_add_pd(s2, s3)));
    return out[0] + out[1];
#else
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = lo; i < hi; i += 4) {
        s0 += a[i];
        s1 += a[i + 1];
        s2 += a[i + 2];
        s3 += a[i + 3];
    }
    return s0 + s1 + s2 + s3;
#endif
}

static void k_copy(double *c, const double *a, size_t lo, size_t hi)
{
#ifdef CLLM_HAVE_SSE2
    for (size_t i = lo; i < hi; i += 4) {
        _mm_stream_pd(c + i, _mm_load_pd(a + i));
        _mm_stream_pd(c + i + 2, _mm_load_pd(a + i + 2));
    }
#else
    for (size_t i = lo; i < hi; i++)
        c[i] = a[i];
#endif
}

static void k_triad(double *a, const double *b, const double *c, size_t lo, size_t hi, double s)
{
#ifdef CLLM_HAVE_SSE2
    __m128d v = _mm_set1_pd(s);
    for (size_t i = lo; i < hi; i += 4) {
        _mm_stream_pd(a + i, _mm_add_pd(_mm_load_pd(b + i), _mm_mul_pd(v, _mm_load_pd(c + i))));
        _mm_stream_pd(a + i + 2, _mm_add_pd(_mm_load_pd(b + i + 2), _mm_mul_pd(v, _mm_load_pd(c + i + 2))));
    }
#else
    for (size_t i = lo; i < hi; i++)
        a[i] = b[i] + s * c[i];
#endif
}

/* Thread t of nt gets [lo, hi), bounds rounded to 8 elements (64 bytes). */
static void chunk(size_t n, int t, int nt, size_t *lo, size_t *hi)
{
    size_t blocks = n / 8;
    *lo = blocks * (size_t)t / (size_t)nt * 8;
    *hi = blocks * (size_t)(t + 1) / (size_t)nt * 8;
}

/* The chunk of the calling thread inside an OpenMP parallel region (the whole range without OpenMP). */
static void my_chunk(size_t n, size_t *lo, size_t *hi)
{
#ifdef _OPENMP
    chunk(n, omp_get_thread_num(), omp_get_num_threads(), lo, hi);
#else
    chunk(n, 0, 1, lo, hi);
#endif
}

struct arrays {
    double *a, *b, *c;
    size_t  n;
    double  ea, eb, ec;     /* the value every element of a, b, c must hold now (STREAM's check) */
    double  read_sum;       /* sum from the last read pass */
    double  read_expected;  /* n × ea at that pass */
};

/* One pass of kernel k over the arrays with nt threads; returns its wall time. */
static double pass(struct arrays *x, enum cllm_membw_kernel k, int nt)
{
    double t0, sum = 0;
    t0 = cllm_now_s();
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) reduction(+ : sum)
#endif
    {
        size_t lo, hi;
        my_chunk(x->n, &lo, &hi);
        switch (k) {
        case CLLM_MEMBW_WRITE: k_write(x->c, lo, hi, FILL_C); break;
        case CLLM_MEMBW_READ:  sum += k_read(x->a, lo, hi); break;
        case CLLM_MEMBW_COPY:  k_copy(x->c, x->a, lo, hi); break;
        case CLLM_MEMBW_TRIAD: k_triad(x->a, x->b, x->c, lo, hi, SCALAR); break;
        default: break;
        }
#ifdef CLLM_HAVE_SSE2
        _mm_sfence();   /* streaming stores are weakly ordered: finish them inside the timed region */
#endif
    }
    t0 = cllm_now_s() - t0;
    switch (k) {
    case CLLM_MEMBW_WRITE: x->ec = FILL_C; break;
    case CLLM_MEMBW_READ:  x->read_sum = sum, x->read_expected = x->ea * (double)x->n; break;
    case CLLM_MEMBW_COPY:  x->ec = x->ea; break;
    case CLLM_MEMBW_TRIAD: x->ea = x->eb + SCALAR * x->ec; break;
    default: break;
    }
    return t0;
}

double cllm_membw_check(const double *a, const double *b, const double *c, size_t n, double expect_a,
                        double expect_b, double expect_c)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(a[i] - expect_a) / fabs(expect_a);
        double eb = fabs(b[i] - expect_b) / fabs(expect_b);
        double ec = fabs(c[i] - expect_c) / fabs(expect_c);
        if (isnan(e) || isnan(eb) || isnan(ec))
            return INFINITY;
        if (eb > e)
            e = eb;
        if (ec > e)
            e = ec;
        if (e > worst)
            worst = e;
    }
    return worst;
}

/* Measures every kernel with nt threads into m, `repeats` timed passes each (all of them: the arrays are sized
 * by the count); 1 when done, 0 when cancelled, -1 when the per-pass records could not be allocated. */
static int measure(struct arrays *x, int nt, int repeats, const volatile sig_atomic_t *cancel,
                   struct cllm_membw_mode *m)
{
    /* every kernel in turn; pass() tracks the values the arrays must hold */
    static const enum cllm_membw_kernel order[] = {CLLM_MEMBW_WRITE, CLLM_MEMBW_COPY, CLLM_MEMBW_TRIAD,
                                                   CLLM_MEMBW_READ};
    size_t reps = repeats > 0 ? (size_t)repeats : 1;
    double *times = calloc(CLLM_MEMBW_COUNT * reps, sizeof(double)), *gbps = calloc(reps, sizeof(double));
    int done = 0;

    m->started = true;
    if (!times || !gbps) {
        done = -1;
        goto out;
    }
    m->threads = nt;
    /* warmup: one pass of each kernel, untimed */
    for (size_t k = 0; k < 4; k++)
        pass(x, order[k], nt);
    for (size_t r = 0; r < reps; r++) {
        if (cancel && *cancel)
            goto out;
        for (size_t k = 0; k < 4; k++)
            times[(size_t)order[k] * reps + r] = pass(x, order[k], nt);
    }
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        struct cllm_stats st;
        struct cllm_membw_kernel_result *e = &m->k[k];
        double bytes = cllm_membw_bytes((enum cllm_membw_kernel)k, x->n);
        const double *tk = times + (size_t)k * reps;
        e->times_s = malloc(reps * sizeof(double));
        if (!e->times_s) {
            done = -1;
            goto out;
        }
        for (size_t r = 0; r < reps; r++)
            gbps[r] = cllm_bandwidth_gbps(bytes, tk[r]);
        cllm_stats_compute(gbps, reps, &st);
        e->gbps_best = st.max;
        e->gbps_mean = st.mean;
        e->gbps_std = st.std;
        e->bytes_per_pass = bytes;
        memcpy(e->times_s, tk, reps * sizeof(double));
        e->n_times = (int)reps;
    }
    m->measured = true;
    done = 1;
out:
    free(times);
    free(gbps);
    return done;
}

/* False, with the phase skipped and the reason, when three arrays of `bytes` do not fit in the available RAM less
 * the margin: allocating them would succeed (overcommit) and the first touch would swap or wake the OOM killer. */
static bool fits_in_ram(const struct cllm_membw_params *p, size_t bytes, struct cllm_membw_result *r)
{
    const double mib = 1024.0 * 1024.0, gib = mib * 1024.0;
    int64_t avail = p->available_bytes, margin, room;

    if (avail < 0)
        return true;
    margin = (int64_t)((double)avail * CLLM_MEMBW_MARGIN_FRACTION);
    if (margin < CLLM_MEMBW_MARGIN_MIN_BYTES)
        margin = CLLM_MEMBW_MARGIN_MIN_BYTES;
    room = avail - margin;
    if (room > 0 && (double)bytes * 3 <= (double)room)
        return true;
    if (bytes > p->array_bytes)   /* raised to 4 x LLC: a smaller setting would not help */
        snprintf(r->message, sizeof(r->message), "3 arrays of %.0f MiB (4 x the last-level cache) need %.1f GiB but "
                 "only %.1f GiB of RAM is available (MemAvailable %.1f GiB less a %.0f MiB margin): free memory and "
                 "run again", (double)bytes / mib, 3.0 * (double)bytes / gib, (double)(room > 0 ? room : 0) / gib,
                 (double)avail / gib, (double)margin / mib);
    else
        snprintf(r->message, sizeof(r->message), "3 arrays of %.0f MiB need %.1f GiB but only %.1f GiB of RAM is "
                 "available (MemAvailable %.1f GiB less a %.0f MiB margin): set classic.memory_array_mb to at most "
                 "%lld", (double)bytes / mib, 3.0 * (double)bytes / gib, (double)(room > 0 ? room : 0) / gib,
                 (double)avail / gib, (double)margin / mib, (long long)(room > 0 ? room / 3 / (1 << 20) : 0));
    r->status = CLLM_CLASSIC_SKIPPED;
    r->array_bytes = (double)bytes;
    r->ram_available_bytes = avail;
    return false;
}

void cllm_membw_result_free(struct cllm_membw_result *r)
{
    if (!r)
        return;
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        free(r->single_thread.k[k].times_s);
        free(r->all_threads.k[k].times_s);
    }
    memset(r, 0, sizeof(*r));
}

void cllm_membw_run(const struct cllm_membw_params *p, struct cllm_membw_result *r)
{
    struct arrays x = {0};
    size_t bytes = p->array_bytes;
    double err, sum_err;
    int nt = p->threads_all > 0 ? p->threads_all : 1;
    void *pa = NULL, *pb = NULL, *pc = NULL;

    memset(r, 0, sizeof(*r));
    r->array_bytes = NAN;
    r->ram_available_bytes = -1;
    r->llc_bytes = -1;
    if (p->llc_bytes > 0 && bytes < 4 * (size_t)p->llc_bytes)
        bytes = 4 * (size_t)p->llc_bytes;
    bytes = (bytes / 64) * 64;
    x.n = bytes / sizeof(double);
    if (!fits_in_ram(p, bytes, r))
        return;
    if (posix_memalign(&pa, 64, bytes) || posix_memalign(&pb, 64, bytes) || posix_memalign(&pc, 64, bytes)) {
        free(pa), free(pb), free(pc);
        r->status = CLLM_CLASSIC_FAILED;
        snprintf(r->message, sizeof(r->message), "cannot allocate 3 arrays of %zu MiB", bytes >> 20);
        return;
    }
    x.a = pa, x.b = pb, x.c = pc;
    x.ea = INIT_A, x.eb = INIT_B, x.ec = 0.0;
    r->status = CLLM_CLASSIC_OK;
    r->started = true;
    r->array_bytes = (double)bytes;
    r->llc_bytes = p->llc_bytes > 0 ? p->llc_bytes : -1;
    r->threads_all = nt;
    r->repeats = p->repeats;
#ifdef CLLM_HAVE_SSE2
    r->streaming_stores = true;
#endif

    /* first touch by the threads that will stream the data: pages land on their NUMA nodes */
#ifdef _OPENMP
#pragma omp parallel num_threads(nt)
#endif
    {
        size_t lo, hi;
        my_chunk(x.n, &lo, &hi);
        for (size_t i = lo; i < hi; i++) {
            x.a[i] = INIT_A;
            x.b[i] = INIT_B;
            x.c[i] = 0.0;
        }
    }

    r->has_results = true;
    {
        int m = measure(&x, 1, p->repeats, p->cancel, &r->single_thread);
        if (m == 1)
            m = measure(&x, nt, p->repeats, p->cancel, &r->all_threads);
        if (m < 0) {
            snprintf(r->message, sizeof(r->message),
                     "cannot allocate the records of %d passes per kernel (classic.memory_repeats)", p->repeats);
            r->status = CLLM_CLASSIC_FAILED;
            goto cleanup;
        }
        if (m == 0) {
            snprintf(r->message, sizeof(r->message), "stopped by the user");
            r->status = CLLM_CLASSIC_CANCELLED;
            goto cleanup;
        }
    }
    r->has_best = true;
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++)
        r->best_gbps[k] = r->all_threads.k[k].gbps_best;

    /* values are small integers, so every element and the read sums are exact in double */
    err = cllm_membw_check(x.a, x.b, x.c, x.n, x.ea, x.eb, x.ec);
    sum_err = fabs(x.read_sum - x.read_expected) / x.read_expected;
    r->validated = true;
    r->max_rel_error = isfinite(err) ? err : INFINITY;
    r->read_sum_rel_error = isfinite(sum_err) ? sum_err : INFINITY;
    r->tolerance = 1e-13;
    r->read_sum_tolerance = 1e-9;
    r->validation_passed = err <= 1e-13 && sum_err <= 1e-9;
    if (!r->validation_passed) {
        snprintf(r->message, sizeof(r->message),
                 "arrays hold wrong values after the kernels (max error %.3g, read-sum error %.3g)", err, sum_err);
        r->status = CLLM_CLASSIC_FAILED;
    }

cleanup:
    free(x.a), free(x.b), free(x.c);
}
