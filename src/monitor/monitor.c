/* The monitor: a thread that calls the sampler on a fixed schedule, keeps the newest samples in a ring of rows,
 * and folds every sample into running summaries (so the summary covers samples the ring has dropped). Windows over
 * the ring give a span's clocks, throttle reasons and other processes' CPU use (a repetition of a test). */
#include "monitor/monitor.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "monitor/monitor_priv.h"
#ifndef _WIN32
#include "platform/proc.h"
#endif

#define HOST_COLS CLLM_MONITOR_HOST_COLS
#define GPU_COLS  CLLM_MONITOR_GPU_COLS

static const char *const g_host_cols[HOST_COLS] = {"t_s", "cpu_pct", "proc_cpu_pct", "ram_used_gb", "rss_gb",
                                                   "cpu_package_w"};
static const char *const g_gpu_cols[GPU_COLS] = {"util_pct", "vram_used_gb", "temp_c", "power_w", "sm_clock_mhz"};

/* Mean, min and max of the finite values seen. */
struct acc {
    double sum, min, max;
    size_t n;
};

/* Energy from power readings and the time they cover. */
struct energy {
    double j, covered_s;
};

struct cllm_monitor {
    struct cllm_monitor_params p;
    const struct cllm_sampler *s;
    void  *state;
    bool   sampler_open;
    struct cllm_sampler_info info;
    struct cllm_reasons why_sampler;   /* written during sampler calls: start's thread, then the monitor thread */

    pthread_mutex_t lock;              /* guards everything below */
    pthread_cond_t  cond;
    pthread_t       thread;
    bool   thread_started, stop_requested, stopped;
    struct cllm_reasons why;           /* copy of why_sampler after each sample */

    double t0;                         /* cllm_now_s() of the first sample */
    uint64_t t0_ns;                    /* the same in cllm_now_ns() time (windows are asked in it) */
    int    cols;                       /* the report's columns */
    int    stride;                     /* doubles per row: cols, then cpu_clock_mhz, each GPU's throttle reasons,
                                          the CPU package's energy total and each GPU's energy counter */
    double *ring;                      /* rows of `stride` doubles, oldest at ring_head */
    size_t ring_cap, ring_head, ring_len;
    size_t n_taken;

    struct acc cpu, proc, ram, rss, other;
    struct acc g_util[CLLM_MONITOR_MAX_GPUS], g_vram[CLLM_MONITOR_MAX_GPUS], g_temp[CLLM_MONITOR_MAX_GPUS],
        g_pow[CLLM_MONITOR_MAX_GPUS], g_clk[CLLM_MONITOR_MAX_GPUS];
    struct acc pkg;
    struct energy pkg_e, g_e[CLLM_MONITOR_MAX_GPUS];
    struct cllm_sample prev;           /* the previous sample, for energy */
    double cost_sum_ms, cost_max_ms;

    struct cllm_monitor_summary summary;   /* filled at stop */
};

struct cllm_monitor_params cllm_monitor_default_params(void)
{
    struct cllm_monitor_params p = {.interval_s = 0.5, .gpu = true, .sampler = NULL, .max_samples = 100000};
    return p;
}

static void acc_init(struct acc *a)
{
    a->sum = 0;
    a->n = 0;
    a->min = NAN;
    a->max = NAN;
}

static void acc_add(struct acc *a, double v)
{
    if (!isfinite(v))
        return;
    a->sum += v;
    if (a->n == 0 || v < a->min)
        a->min = v;
    if (a->n == 0 || v > a->max)
        a->max = v;
    a->n++;
}

static double acc_mean(const struct acc *a) { return a->n ? a->sum / (double)a->n : NAN; }

/* ---------------------------------------------------------------------------------------------------------- */
/* taking samples                                                                                             */

/* Appends one row, growing the ring up to max_samples and then overwriting the oldest. Under the lock. */
static void ring_push(struct cllm_monitor *m, const double *row)
{
    size_t slot;

    if (m->ring_len == m->ring_cap && m->ring_cap < m->p.max_samples) {
        size_t cap = m->ring_cap * 2 < m->p.max_samples ? m->ring_cap * 2 : m->p.max_samples;
        double *grown = realloc(m->ring, cap * (size_t)m->stride * sizeof(double));
        if (grown) {
            /* the ring has not wrapped yet (head is 0 until it holds max_samples), so rows stay in order */
            m->ring = grown;
            m->ring_cap = cap;
        }
    }
    if (m->ring_len < m->ring_cap) {
        slot = (m->ring_head + m->ring_len) % m->ring_cap;
        m->ring_len++;
    } else {
        slot = m->ring_head;
        m->ring_head = (m->ring_head + 1) % m->ring_cap;
    }
    memcpy(m->ring + slot * (size_t)m->stride, row, (size_t)m->stride * sizeof(double));
}

/* Other processes' share of the machine: machine busy minus this process's CPU (100 = one logical CPU) spread over
 * the logical CPUs; NAN when either is unknown. Clamped to 0..100: the two are read at slightly different times. */
static double other_pct(const struct cllm_monitor *m, double cpu_pct, double proc_cpu_pct)
{
    double v;
    if (m->info.logical_cpus <= 0 || !isfinite(cpu_pct) || !isfinite(proc_cpu_pct))
        return NAN;
    v = cpu_pct - proc_cpu_pct / (double)m->info.logical_cpus;
    return v < 0 ? 0 : v > 100 ? 100 : v;
}

/* Folds one sample into the summaries. Under the lock. */
static void accumulate(struct cllm_monitor *m, const struct cllm_sample *s)
{
    double dt = m->n_taken > 0 ? s->t_s - m->prev.t_s : 0.0;

    acc_add(&m->cpu, s->cpu_pct);
    acc_add(&m->other, other_pct(m, s->cpu_pct, s->proc_cpu_pct));
    acc_add(&m->proc, s->proc_cpu_pct);
    acc_add(&m->ram, s->ram_used_gb);
    acc_add(&m->rss, s->rss_gb);
    acc_add(&m->pkg, s->cpu_package_w);
    /* package power is the mean over the interval ending at this sample (RAPL counter deltas) */
    if (m->n_taken > 0 && isfinite(s->cpu_package_w) && dt > 0) {
        m->pkg_e.j += s->cpu_package_w * dt;
        m->pkg_e.covered_s += dt;
    }
    for (int g = 0; g < m->info.n_gpus; g++) {
        const struct cllm_gpu_sample *v = &s->gpu[g];
        acc_add(&m->g_util[g], v->util_pct);
        acc_add(&m->g_vram[g], v->vram_used_gb);
        acc_add(&m->g_temp[g], v->temp_c);
        acc_add(&m->g_pow[g], v->power_w);
        acc_add(&m->g_clk[g], v->sm_clock_mhz);
        /* GPU power is a reading at the sample time: trapezoids between neighbours */
        if (m->n_taken > 0 && isfinite(v->power_w) && isfinite(m->prev.gpu[g].power_w) && dt > 0) {
            m->g_e[g].j += 0.5 * (v->power_w + m->prev.gpu[g].power_w) * dt;
            m->g_e[g].covered_s += dt;
        }
    }
}

static void take_sample(struct cllm_monitor *m)
{
    struct cllm_sample s;
    double row[HOST_COLS + GPU_COLS * CLLM_MONITOR_MAX_GPUS + 2 + 2 * CLLM_MONITOR_MAX_GPUS];
    double t_start, cost_ms;
    uint64_t t_start_ns;

    s.t_s = s.cpu_pct = s.proc_cpu_pct = s.ram_used_gb = s.rss_gb = s.cpu_package_w = s.cpu_clock_mhz = NAN;
    s.cpu_package_energy_j = NAN;
    s.n_gpus = m->info.n_gpus;
    for (int g = 0; g < CLLM_MONITOR_MAX_GPUS; g++)
        cllm_gpu_sample_clear(&s.gpu[g]);
    t_start_ns = cllm_now_ns();
    t_start = (double)t_start_ns / 1e9;
    m->s->sample(m->state, &s, &m->why_sampler);
    if (m->p.rss_pid > 0) {
        char why[160] = "another process's resident set is read on Linux only";
#ifndef _WIN32
        s.rss_gb = cllm_proc_rss_gb(m->p.rss_pid, false, why, sizeof(why));
#else
        s.rss_gb = NAN;
#endif
        if (isnan(s.rss_gb))
            cllm_reason_set(&m->why_sampler, "rss_gb", "%s", why);
    }
    cost_ms = (cllm_now_s() - t_start) * 1e3;

    pthread_mutex_lock(&m->lock);
    if (m->n_taken == 0) {
        m->t0 = t_start;
        m->t0_ns = t_start_ns;
    }
    s.t_s = (double)(t_start_ns - m->t0_ns) / 1e9;
    row[0] = s.t_s;
    row[1] = s.cpu_pct;
    row[2] = s.proc_cpu_pct;
    row[3] = s.ram_used_gb;
    row[4] = s.rss_gb;
    row[5] = s.cpu_package_w;
    for (int g = 0; g < m->info.n_gpus; g++) {
        double *r = row + HOST_COLS + GPU_COLS * g;
        r[0] = s.gpu[g].util_pct;
        r[1] = s.gpu[g].vram_used_gb;
        r[2] = s.gpu[g].temp_c;
        r[3] = s.gpu[g].power_w;
        r[4] = s.gpu[g].sm_clock_mhz;
        /* reasons as a double: exact for every bit NVML defines (all below 2^53) */
        row[m->cols + 1 + g] = s.gpu[g].throttle_known ? (double)s.gpu[g].throttle_reasons : NAN;
        row[m->cols + 2 + m->info.n_gpus + g] = s.gpu[g].energy_j;
    }
    row[m->cols] = s.cpu_clock_mhz;
    row[m->cols + 1 + m->info.n_gpus] = s.cpu_package_energy_j;
    ring_push(m, row);
    accumulate(m, &s);
    m->prev = s;
    m->n_taken++;
    m->cost_sum_ms += cost_ms;
    if (cost_ms > m->cost_max_ms)
        m->cost_max_ms = cost_ms;
    m->why = m->why_sampler;
    pthread_mutex_unlock(&m->lock);
    if (m->p.on_sample)
        m->p.on_sample(&s, m->p.user_data);
}

/* Waits on the condition variable until `deadline` (cllm_now_s() scale) or a signal. Under the lock. */
static void wait_until(struct cllm_monitor *m, double deadline)
{
    struct timespec ts;
    double left = deadline - cllm_now_s();

    if (left <= 0)
        return;
#if defined(__APPLE__)
    clock_gettime(CLOCK_REALTIME, &ts);   /* macOS has no pthread_condattr_setclock */
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    {
        double whole = floor(left);
        long ns = ts.tv_nsec + (long)((left - whole) * 1e9);
        ts.tv_sec += (time_t)whole + ns / 1000000000L;
        ts.tv_nsec = ns % 1000000000L;
    }
    pthread_cond_timedwait(&m->cond, &m->lock, &ts);
}

static void *monitor_thread(void *arg)
{
    struct cllm_monitor *m = arg;
    double interval = m->p.interval_s;
    size_t k = 1;   /* the k-th tick is due at t0 + k * interval; sample 0 was taken by start */

    pthread_mutex_lock(&m->lock);
    for (;;) {
        bool stop;
        double now;

        while (!m->stop_requested && cllm_now_s() < m->t0 + (double)k * interval)
            wait_until(m, m->t0 + (double)k * interval);
        stop = m->stop_requested;
        pthread_mutex_unlock(&m->lock);
        take_sample(m);   /* a tick, or the last sample at stop */
        pthread_mutex_lock(&m->lock);
        if (stop)
            break;
        /* a slow sample or a stalled machine: skip the ticks already missed instead of bursting */
        now = cllm_now_s();
        k++;
        if (m->t0 + (double)k * interval < now)
            k = (size_t)floor((now - m->t0) / interval) + 1;
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* ---------------------------------------------------------------------------------------------------------- */
/* start / stop                                                                                               */

static void monitor_destroy(struct cllm_monitor *m)
{
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    free(m->ring);
    free(m);
}

struct cllm_monitor *cllm_monitor_start(const struct cllm_monitor_params *p, char *err, size_t errlen)
{
    struct cllm_monitor_params dp = cllm_monitor_default_params();
    struct cllm_monitor *m;
    pthread_condattr_t ca;
    enum cllm_status st;
    int rc;

    if (err && errlen)
        err[0] = '\0';
    if (!p)
        p = &dp;
    if (!(p->interval_s >= 0.1 && p->interval_s <= 10.0)) {
        snprintf(err, errlen, "interval_s %g is out of range [0.1, 10]", p->interval_s);
        return NULL;
    }
    if (p->max_samples < 1) {
        snprintf(err, errlen, "max_samples must be at least 1");
        return NULL;
    }
    m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->p = *p;
    m->s = p->sampler ? p->sampler : cllm_monitor_sampler_system();
    pthread_mutex_init(&m->lock, NULL);
    pthread_condattr_init(&ca);
#if !defined(__APPLE__)
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);   /* a wall-clock jump must not stretch a wait */
#endif
    pthread_cond_init(&m->cond, &ca);
    pthread_condattr_destroy(&ca);
    acc_init(&m->cpu);
    acc_init(&m->proc);
    acc_init(&m->ram);
    acc_init(&m->rss);
    acc_init(&m->other);
    acc_init(&m->pkg);
    for (int g = 0; g < CLLM_MONITOR_MAX_GPUS; g++) {
        acc_init(&m->g_util[g]);
        acc_init(&m->g_vram[g]);
        acc_init(&m->g_temp[g]);
        acc_init(&m->g_pow[g]);
        acc_init(&m->g_clk[g]);
    }

    st = m->s->open(m->s, p->gpu, &m->state, &m->info, &m->why_sampler, err, errlen);
    if (st != CLLM_OK) {
        if (err && errlen && !err[0])
            snprintf(err, errlen, "sampler %s: %s", m->s->name, cllm_status_str(st));
        monitor_destroy(m);
        return NULL;
    }
    m->sampler_open = true;
    if (m->info.n_gpus < 0)
        m->info.n_gpus = 0;
    if (m->info.n_gpus > CLLM_MONITOR_MAX_GPUS)
        m->info.n_gpus = CLLM_MONITOR_MAX_GPUS;
    if (m->info.logical_cpus < 0)
        m->info.logical_cpus = 0;
    m->cols = HOST_COLS + GPU_COLS * m->info.n_gpus;
    m->stride = m->cols + 2 + 2 * m->info.n_gpus;
    m->ring_cap = p->max_samples < 64 ? p->max_samples : 64;
    m->ring = malloc(m->ring_cap * (size_t)m->stride * sizeof(double));
    if (!m->ring) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }

    take_sample(m);
#ifndef _WIN32
    {
        /* the thread inherits a full mask: Ctrl-C and SIGCHLD go to the threads that act on them */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        rc = pthread_create(&m->thread, NULL, monitor_thread, m);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
#else
    rc = pthread_create(&m->thread, NULL, monitor_thread, m);
#endif
    if (rc != 0) {
        snprintf(err, errlen, "pthread_create: %s", strerror(rc));
        goto fail;
    }
    m->thread_started = true;
    CLLM_LOG(CLLM_LOG_DEBUG, "monitor: started (sampler %s, every %.2f s, %d GPU(s))", m->s->name, p->interval_s,
             m->info.n_gpus);
    return m;

fail:
    if (m->sampler_open && m->s->close)
        m->s->close(m->state);
    monitor_destroy(m);
    return NULL;
}

/* The summary from the running accumulators. Under the lock (or after the thread is gone). */
static void build_summary(const struct cllm_monitor *m, struct cllm_monitor_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->n_samples = m->n_taken;
    out->duration_s = m->n_taken ? m->prev.t_s : NAN;
    out->cpu_pct_mean = acc_mean(&m->cpu);
    out->cpu_pct_min = m->cpu.min;
    out->cpu_pct_max = m->cpu.max;
    out->proc_cpu_pct_mean = acc_mean(&m->proc);
    out->proc_cpu_pct_max = m->proc.max;
    out->ram_used_gb_peak = m->ram.max;
    out->rss_gb_peak = m->rss.max;
    out->cpu_package_energy_j = m->pkg_e.covered_s > 0 ? m->pkg_e.j : NAN;
    out->cpu_package_w_mean = m->pkg_e.covered_s > 0 ? m->pkg_e.j / m->pkg_e.covered_s : acc_mean(&m->pkg);
    out->n_gpus = m->info.n_gpus;
    for (int g = 0; g < m->info.n_gpus; g++) {
        struct cllm_monitor_gpu_summary *o = &out->gpu[g];
        o->util_pct_mean = acc_mean(&m->g_util[g]);
        o->util_pct_peak = m->g_util[g].max;
        o->vram_used_gb_peak = m->g_vram[g].max;
        o->temp_c_peak = m->g_temp[g].max;
        o->power_w_peak = m->g_pow[g].max;
        o->energy_j = m->g_e[g].covered_s > 0 ? m->g_e[g].j : NAN;
        o->power_w_mean = m->g_e[g].covered_s > 0 ? m->g_e[g].j / m->g_e[g].covered_s : acc_mean(&m->g_pow[g]);
        o->sm_clock_mhz_mean = acc_mean(&m->g_clk[g]);
    }
    out->sample_cost_ms_mean = m->n_taken ? m->cost_sum_ms / (double)m->n_taken : NAN;
    out->sample_cost_ms_max = m->n_taken ? m->cost_max_ms : NAN;
    out->other_cpu_pct_mean = acc_mean(&m->other);
}

void cllm_monitor_stop(struct cllm_monitor *m)
{
    if (!m || m->stopped)
        return;
    pthread_mutex_lock(&m->lock);
    m->stop_requested = true;
    pthread_cond_signal(&m->cond);
    pthread_mutex_unlock(&m->lock);
    if (m->thread_started)
        pthread_join(m->thread, NULL);
    m->thread_started = false;
    if (m->sampler_open && m->s->close)
        m->s->close(m->state);
    m->sampler_open = false;
    build_summary(m, &m->summary);
    m->stopped = true;
    CLLM_LOG(CLLM_LOG_DEBUG, "monitor: stopped after %zu sample(s), %.3f ms per sample", m->n_taken,
             m->summary.sample_cost_ms_mean);
}

const struct cllm_monitor_summary *cllm_monitor_summary(const struct cllm_monitor *m)
{
    return (m && m->stopped) ? &m->summary : NULL;
}

const struct cllm_sampler_info *cllm_monitor_info(const struct cllm_monitor *m) { return m ? &m->info : NULL; }

void cllm_monitor_free(struct cllm_monitor *m)
{
    if (!m)
        return;
    cllm_monitor_stop(m);
    monitor_destroy(m);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* Snapshot for the results (report/write_core.c writes it)                                                   */

/* The column's name as the sampler keys its reasons ("cpu_pct", "gpu0_power_w"). */
static void col_name(int c, char *out, size_t n)
{
    if (c < HOST_COLS)
        snprintf(out, n, "%s", g_host_cols[c]);
    else
        snprintf(out, n, "gpu%d_%s", (c - HOST_COLS) / GPU_COLS, g_gpu_cols[(c - HOST_COLS) % GPU_COLS]);
}

enum cllm_status cllm_monitor_report(const struct cllm_monitor *m, bool with_samples,
                                     struct cllm_monitor_report *out)
{
    struct cllm_monitor *mm = (struct cllm_monitor *)m;   /* the lock is the only thing touched */
    enum cllm_status st = CLLM_OK;

    memset(out, 0, sizeof(*out));
    if (!m)
        return CLLM_ERR_INVALID_ARG;
    pthread_mutex_lock(&mm->lock);
    if (m->stopped)
        out->summary = m->summary;
    else
        build_summary(m, &out->summary);
    snprintf(out->sampler, sizeof(out->sampler), "%s", m->s->name ? m->s->name : "");
    out->interval_s = m->p.interval_s;
    out->running = !m->stopped;
    out->n_samples = m->n_taken;
    out->samples_kept = m->ring_len;
    out->info = m->info;
    out->cols = m->cols < CLLM_MONITOR_MAX_COLS ? m->cols : CLLM_MONITOR_MAX_COLS;
    for (int c = 0; c < out->cols; c++) {
        char name[48];
        const char *why;
        col_name(c, name, sizeof(name));
        why = cllm_reason_get(&m->why, name);
        snprintf(out->col_why[c], sizeof(out->col_why[c]), "%s", why ? why : "");
    }
    out->with_samples = with_samples;
    if (with_samples && m->ring_len > 0) {
        out->samples = malloc(m->ring_len * (size_t)out->cols * sizeof(double));
        if (out->samples) {
            out->rows = m->ring_len;
            for (size_t i = 0; i < m->ring_len; i++)
                for (int c = 0; c < out->cols; c++)
                    out->samples[i * (size_t)out->cols + (size_t)c] =
                        m->ring[((m->ring_head + i) % m->ring_cap) * (size_t)m->stride + (size_t)c];
        } else {
            out->with_samples = false;
            st = CLLM_ERR_NOMEM;
        }
    }
    pthread_mutex_unlock(&mm->lock);
    return st;
}

void cllm_monitor_report_free(struct cllm_monitor_report *r)
{
    if (!r)
        return;
    free(r->samples);
    r->samples = NULL;
    r->rows = 0;
}

bool cllm_monitor_noisy(const struct cllm_monitor_summary *s, double *pct)
{
    double v = s ? s->other_cpu_pct_mean : NAN;
    if (pct)
        *pct = v;
    return isfinite(v) && v > CLLM_MONITOR_NOISY_PCT;
}

/* ---------------------------------------------------------------------------------------------------------- */
/* windows and throttle marks                                                                                 */

struct win_gpu_acc {
    struct acc clk, temp, pow;
    unsigned long long reasons;
    bool known;
};

/* Folds ring row `row` into the window's accumulators. */
static void window_add(const struct cllm_monitor *m, const double *row, struct acc *cpu_clk, struct acc *other,
                       struct win_gpu_acc *g)
{
    acc_add(cpu_clk, row[m->cols]);
    acc_add(other, other_pct(m, row[1], row[2]));
    for (int k = 0; k < m->info.n_gpus; k++) {
        const double *r = row + HOST_COLS + GPU_COLS * k;
        double reasons = row[m->cols + 1 + k];
        acc_add(&g[k].temp, r[2]);
        acc_add(&g[k].pow, r[3]);
        acc_add(&g[k].clk, r[4]);
        if (isfinite(reasons)) {
            g[k].reasons |= (unsigned long long)reasons;
            g[k].known = true;
        }
    }
}

/* t − origin in seconds, negative when t is earlier (unsigned nanoseconds subtracted without wrapping). */
static double ns_since(uint64_t origin, uint64_t t)
{
    return t >= origin ? (double)(t - origin) / 1e9 : -(double)(origin - t) / 1e9;
}

enum cllm_status cllm_monitor_window(const struct cllm_monitor *m, uint64_t t0_ns, uint64_t t1_ns,
                                     struct cllm_monitor_window *out)
{
    struct cllm_monitor *mm = (struct cllm_monitor *)m;   /* the lock is the only thing touched */
    struct win_gpu_acc g[CLLM_MONITOR_MAX_GPUS];
    struct acc cpu_clk, other;
    double w0, w1;
    long last_before = -1;

    if (!out)
        return CLLM_ERR_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    out->t0_ns = t0_ns;
    out->t1_ns = t1_ns;
    out->cpu_clock_mhz_min = out->cpu_clock_mhz_mean = out->other_cpu_pct_mean = NAN;
    for (int k = 0; k < CLLM_MONITOR_MAX_GPUS; k++) {
        struct cllm_monitor_window_gpu *o = &out->gpu[k];
        o->sm_clock_mhz_min = o->sm_clock_mhz_max = o->sm_clock_mhz_mean = o->temp_c_max = o->power_w_mean = NAN;
    }
    if (!m || t1_ns < t0_ns)
        return CLLM_ERR_INVALID_ARG;
    acc_init(&cpu_clk);
    acc_init(&other);
    for (int k = 0; k < CLLM_MONITOR_MAX_GPUS; k++) {
        acc_init(&g[k].clk);
        acc_init(&g[k].temp);
        acc_init(&g[k].pow);
        g[k].reasons = 0;
        g[k].known = false;
    }

    pthread_mutex_lock(&mm->lock);
    out->n_gpus = m->info.n_gpus;
    /* the span in the monitor's seconds since its first sample (negative: before it) */
    w0 = ns_since(m->t0_ns, t0_ns);
    w1 = ns_since(m->t0_ns, t1_ns);
    for (size_t i = 0; i < m->ring_len; i++) {
        const double *row = m->ring + ((m->ring_head + i) % m->ring_cap) * (size_t)m->stride;
        if (row[0] > w1)
            break;   /* rows are in time order */
        if (row[0] >= w0) {
            window_add(m, row, &cpu_clk, &other, g);
            out->n_samples++;
        } else {
            last_before = (long)i;
        }
    }
    if (out->n_samples == 0 && last_before >= 0) {
        window_add(m, m->ring + ((m->ring_head + (size_t)last_before) % m->ring_cap) * (size_t)m->stride, &cpu_clk,
                   &other, g);
        out->n_samples = 1;
        out->nearest = true;
    }
    pthread_mutex_unlock(&mm->lock);

    if (out->n_samples == 0)
        return CLLM_ERR_NOT_FOUND;
    out->cpu_clock_mhz_min = cpu_clk.min;
    out->cpu_clock_mhz_mean = acc_mean(&cpu_clk);
    out->other_cpu_pct_mean = acc_mean(&other);
    for (int k = 0; k < out->n_gpus; k++) {
        struct cllm_monitor_window_gpu *o = &out->gpu[k];
        o->sm_clock_mhz_min = g[k].clk.min;
        o->sm_clock_mhz_max = g[k].clk.max;
        o->sm_clock_mhz_mean = acc_mean(&g[k].clk);
        o->temp_c_max = g[k].temp.max;
        o->power_w_mean = acc_mean(&g[k].pow);
        o->throttle_reasons = g[k].reasons;
        o->throttle_known = g[k].known;
    }
    return CLLM_OK;
}

/* ---------------------------------------------------------------------------------------------------------- */
/* energy windows                                                                                             */

enum cllm_status cllm_monitor_energy(const struct cllm_monitor *m, uint64_t t0_ns, uint64_t t1_ns, uint32_t gpu_mask,
                                     struct cllm_energy_window *out)
{
    struct cllm_monitor *mm = (struct cllm_monitor *)m;   /* the lock is the only thing touched */
    struct cllm_mon_energy_series s;
    int ng, cols;
    double *buf;
    const char *why;
    char gpu_why[CLLM_MONITOR_MAX_GPUS][240], cpu_why[200] = "";

    if (!out)
        return CLLM_ERR_INVALID_ARG;
    cllm_monitor_energy_clear(out);
    if (!m || t1_ns < t0_ns)
        return CLLM_ERR_INVALID_ARG;
    memset(&s, 0, sizeof(s));
    pthread_mutex_lock(&mm->lock);
    ng = m->info.n_gpus;
    cols = 2 + 2 * ng;   /* t, cpu energy, per GPU energy and power */
    buf = malloc((m->ring_len ? m->ring_len : 1) * (size_t)cols * sizeof(double));
    if (!buf) {
        pthread_mutex_unlock(&mm->lock);
        snprintf(out->note, sizeof(out->note), "out of memory for the energy window");
        return CLLM_OK;
    }
    s.n = m->ring_len;
    s.t = buf;
    s.cpu_j = buf + s.n;
    s.n_gpus = ng;
    s.interval_s = m->p.interval_s;
    for (size_t i = 0; i < m->ring_len; i++) {
        const double *row = m->ring + ((m->ring_head + i) % m->ring_cap) * (size_t)m->stride;
        buf[i] = row[0];
        buf[s.n + i] = row[m->cols + 1 + ng];
        for (int g = 0; g < ng; g++) {
            buf[(2 + 2 * (size_t)g) * s.n + i] = row[m->cols + 2 + ng + g];
            buf[(3 + 2 * (size_t)g) * s.n + i] = row[HOST_COLS + GPU_COLS * g + 3];
        }
    }
    why = cllm_reason_get(&m->why, "cpu_package_energy_j");
    if (!why)
        why = cllm_reason_get(&m->why, "cpu_package_w");
    snprintf(cpu_why, sizeof(cpu_why), "%s", why ? why : "");
    for (int g = 0; g < ng; g++) {
        char k1[32], k2[32];
        const char *a, *b;
        snprintf(k1, sizeof(k1), "gpu%d_energy_j", g);
        snprintf(k2, sizeof(k2), "gpu%d_power_w", g);
        a = cllm_reason_get(&m->why, k1);
        b = cllm_reason_get(&m->why, k2);
        snprintf(gpu_why[g], sizeof(gpu_why[g]), "%.110s%s%.110s", a ? a : "", a && b ? "; " : "", b ? b : "");
        s.gpu_j[g] = buf + (2 + 2 * (size_t)g) * s.n;
        s.gpu_w[g] = buf + (3 + 2 * (size_t)g) * s.n;
        s.gpu_kind[g] = m->info.gpu[g].source;
        s.gpu_why[g] = gpu_why[g];
    }
    s.cpu_why = cpu_why;
    cllm_mon_energy_window(&s, ns_since(m->t0_ns, t0_ns), ns_since(m->t0_ns, t1_ns), gpu_mask, out);
    pthread_mutex_unlock(&mm->lock);
    free(buf);
    return CLLM_OK;
}

/* Appends "; "-separated text to a mark's reason (cut at its size). */
static void mark_add(struct cllm_throttle_mark *o, const char *fmt, ...) CLLM_PRINTF(2, 3);
static void mark_add(struct cllm_throttle_mark *o, const char *fmt, ...)
{
    size_t len = strlen(o->reason);
    va_list ap;
    if (len + 3 >= sizeof(o->reason))
        return;
    if (len > 0) {
        memcpy(o->reason + len, "; ", 3);
        len += 2;
    }
    va_start(ap, fmt);
    vsnprintf(o->reason + len, sizeof(o->reason) - len, fmt, ap);
    va_end(ap);
    o->throttled = true;
}

int cllm_monitor_mark_throttled(const struct cllm_monitor_window *reps, int n, struct cllm_throttle_mark *out)
{
    static const struct { unsigned long long bit; const char *text; } named[] = {
        {CLLM_GPU_THROTTLE_HW_THERMAL, "HW thermal slowdown"},
        {CLLM_GPU_THROTTLE_SW_THERMAL, "SW thermal slowdown"},
        {CLLM_GPU_THROTTLE_HW_POWER_BRAKE, "HW power brake slowdown"},
        {CLLM_GPU_THROTTLE_HW_SLOWDOWN, "HW slowdown"},
        {CLLM_GPU_THROTTLE_SW_POWER_CAP, "SW power cap"},
    };
    double top[CLLM_MONITOR_MAX_GPUS];
    int marked = 0;

    if (!reps || !out || n <= 0)
        return 0;
    for (int k = 0; k < CLLM_MONITOR_MAX_GPUS; k++)
        top[k] = NAN;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < reps[i].n_gpus && k < CLLM_MONITOR_MAX_GPUS; k++) {
            double v = reps[i].gpu[k].sm_clock_mhz_max;
            if (isfinite(v) && (isnan(top[k]) || v > top[k]))
                top[k] = v;
        }
    for (int i = 0; i < n; i++) {
        struct cllm_throttle_mark *o = &out[i];
        o->throttled = false;
        o->reason[0] = '\0';
        for (int k = 0; k < reps[i].n_gpus && k < CLLM_MONITOR_MAX_GPUS; k++) {
            const struct cllm_monitor_window_gpu *w = &reps[i].gpu[k];
            bool idle = w->throttle_known && (w->throttle_reasons & CLLM_GPU_THROTTLE_GPU_IDLE);
            /* an idle GPU drops its clock without being throttled */
            if (!idle && isfinite(w->sm_clock_mhz_min) && isfinite(top[k]) && w->sm_clock_mhz_min < 0.9 * top[k])
                mark_add(o, "GPU%d SM clock %.0f MHz < 90 %% of %.0f MHz", k, w->sm_clock_mhz_min, top[k]);
            if (!w->throttle_known)
                continue;
            for (size_t b = 0; b < sizeof(named) / sizeof(named[0]); b++)
                if (w->throttle_reasons & named[b].bit)
                    mark_add(o, "GPU%d %s", k, named[b].text);
        }
        if (o->throttled)
            marked++;
    }
    return marked;
}
