/* LLM metrics from token timestamps: per run and over runs. */
#include "llm/metrics.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "llm/bench.h"
#include "llm/llm_result.h"

void cllm_llm_trace_init(struct cllm_llm_trace *t)
{
    memset(t, 0, sizeof(*t));
    t->n_prompt_tokens = -1;
}

void cllm_llm_trace_reset(struct cllm_llm_trace *t)
{
    t->start_ns = t->end_ns = 0;
    t->n_prompt_tokens = -1;
    t->n_tokens = 0;
    t->has_engine_counters = false;
    t->engine_prompt_ms = t->engine_decode_ms = 0;
    t->engine_prompt_tokens = t->engine_decode_tokens = 0;
    t->has_loop_split = false;
    t->loop_decode_ms = t->loop_other_ms = 0;
    t->sampling = NULL;
    t->sampling_note[0] = '\0';
}

enum cllm_status cllm_llm_trace_add(struct cllm_llm_trace *t, uint64_t t_ns, uint32_t piece_bytes)
{
    if (t->n_tokens == t->cap) {
        int cap = t->cap ? t->cap * 2 : 256;
        uint64_t *ns = realloc(t->token_ns, (size_t)cap * sizeof(*ns));
        uint32_t *pb;
        if (!ns)
            return CLLM_ERR_NOMEM;
        t->token_ns = ns;
        pb = realloc(t->piece_bytes, (size_t)cap * sizeof(*pb));
        if (!pb)
            return CLLM_ERR_NOMEM;
        t->piece_bytes = pb;
        t->cap = cap;
    }
    t->token_ns[t->n_tokens] = t_ns;
    t->piece_bytes[t->n_tokens] = piece_bytes;
    t->n_tokens++;
    return CLLM_OK;
}

void cllm_llm_trace_free(struct cllm_llm_trace *t)
{
    free(t->token_ns);
    free(t->piece_bytes);
    cllm_llm_trace_init(t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* On sorted values. */
static double percentile_sorted(const double *v, size_t n, double p)
{
    double pos, frac;
    size_t lo;
    if (n == 0)
        return NAN;
    if (p <= 0)
        return v[0];
    if (p >= 100)
        return v[n - 1];
    pos = p / 100.0 * (double)(n - 1);
    lo = (size_t)pos;
    frac = pos - (double)lo;
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (v[lo + 1] - v[lo]) * frac;
}

double cllm_percentile(const double *v, size_t n, double p)
{
    double *s, r;
    if (n == 0)
        return NAN;
    s = malloc(n * sizeof(*s));
    if (!s)
        return NAN;
    memcpy(s, v, n * sizeof(*s));
    qsort(s, n, sizeof(*s), cmp_double);
    r = percentile_sorted(s, n, p);
    free(s);
    return r;
}

static double ns_to_s(uint64_t a, uint64_t b) { return (double)(b - a) / 1e9; }

enum cllm_status cllm_llm_trace_gaps_ms(const struct cllm_llm_trace *t, double **buf, size_t *n, size_t *cap)
{
    for (int i = 1; i < t->n_tokens; i++) {
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 256;
            double *nb = realloc(*buf, c * sizeof(*nb));
            if (!nb)
                return CLLM_ERR_NOMEM;
            *buf = nb;
            *cap = c;
        }
        (*buf)[(*n)++] = (double)(t->token_ns[i] - t->token_ns[i - 1]) / 1e6;
    }
    return CLLM_OK;
}

void cllm_llm_dist_compute(double *v, size_t n, struct cllm_llm_dist *out)
{
    double sum = 0;
    if (n == 0) {
        out->mean = out->p50 = out->p90 = out->p99 = NAN;
        return;
    }
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof(*v), cmp_double);
    out->mean = sum / (double)n;
    out->p50 = percentile_sorted(v, n, 50);
    out->p90 = percentile_sorted(v, n, 90);
    out->p99 = percentile_sorted(v, n, 99);
}

static void itl_stats(double *gaps, size_t n, double *mean, double *p50, double *p90, double *p99)
{
    struct cllm_llm_dist d;
    cllm_llm_dist_compute(gaps, n, &d);
    *mean = d.mean;
    *p50 = d.p50;
    *p90 = d.p90;
    *p99 = d.p99;
}

static bool trace_valid(const struct cllm_llm_trace *t)
{
    if (t->end_ns < t->start_ns || t->n_tokens < 0)
        return false;
    for (int i = 0; i < t->n_tokens; i++) {
        if (t->token_ns[i] < (i ? t->token_ns[i - 1] : t->start_ns) || t->token_ns[i] > t->end_ns)
            return false;
    }
    return true;
}

enum cllm_status cllm_llm_run_metrics_compute(const struct cllm_llm_trace *t, struct cllm_llm_run_metrics *out)
{
    double *gaps = NULL;
    size_t ng = 0, cap = 0;

    if (!t || !out || !trace_valid(t))
        return CLLM_ERR_INVALID_ARG;
    out->n_prompt_tokens = t->n_prompt_tokens;
    out->n_tokens = t->n_tokens;
    out->total_s = ns_to_s(t->start_ns, t->end_ns);
    out->tokens_per_second = out->total_s > 0 ? (double)t->n_tokens / out->total_s : NAN;

    out->first_token_latency_s = NAN;
    for (int i = 0; i < t->n_tokens; i++) {
        if (t->piece_bytes[i] > 0) {
            out->first_token_latency_s = ns_to_s(t->start_ns, t->token_ns[i]);
            break;
        }
    }
    out->decode_tokens_per_second = NAN;
    if (t->n_tokens >= 2 && t->token_ns[t->n_tokens - 1] > t->token_ns[0])
        out->decode_tokens_per_second =
            (double)(t->n_tokens - 1) / ns_to_s(t->token_ns[0], t->token_ns[t->n_tokens - 1]);
    /* prompt processing ends when the first token (empty or not) is out */
    out->prompt_tokens_per_second = NAN;
    if (t->n_prompt_tokens > 0 && t->n_tokens >= 1 && t->token_ns[0] > t->start_ns)
        out->prompt_tokens_per_second = (double)t->n_prompt_tokens / ns_to_s(t->start_ns, t->token_ns[0]);

    out->engine_prompt_tokens_per_second = NAN;
    out->engine_decode_tokens_per_second = NAN;
    out->engine_prompt_ms = out->engine_decode_ms = NAN;
    out->engine_prompt_tokens = out->engine_decode_tokens = -1;
    if (t->has_engine_counters) {
        out->engine_prompt_ms = t->engine_prompt_ms;
        out->engine_prompt_tokens = t->engine_prompt_tokens;
        out->engine_decode_ms = t->engine_decode_ms;
        out->engine_decode_tokens = t->engine_decode_tokens;
        if (t->engine_prompt_ms > 0 && t->engine_prompt_tokens > 0)
            out->engine_prompt_tokens_per_second = t->engine_prompt_tokens / (t->engine_prompt_ms / 1000.0);
        if (t->engine_decode_ms > 0 && t->engine_decode_tokens > 0)
            out->engine_decode_tokens_per_second = t->engine_decode_tokens / (t->engine_decode_ms / 1000.0);
    }

    out->loop_overhead_percent = NAN;
    if (t->has_loop_split && t->loop_decode_ms > 0)
        out->loop_overhead_percent = 100.0 * t->loop_other_ms / t->loop_decode_ms;
    out->sampling = t->sampling;
    snprintf(out->sampling_note, sizeof(out->sampling_note), "%s", t->sampling_note);

    if (cllm_llm_trace_gaps_ms(t, &gaps, &ng, &cap) != CLLM_OK) {
        free(gaps);
        return CLLM_ERR_NOMEM;
    }
    itl_stats(gaps, ng, &out->itl_mean_ms, &out->itl_p50_ms, &out->itl_p90_ms, &out->itl_p99_ms);
    free(gaps);
    return CLLM_OK;
}

/* Mean of the finite values; NAN when none. */
static double mean_finite(const double *v, int n)
{
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (isfinite(v[i])) {
            s += v[i];
            k++;
        }
    }
    return k ? s / k : NAN;
}

enum cllm_status cllm_llm_summarize(const struct cllm_llm_trace *runs, const bool *ok, int n,
                                    const double *rss_gb, size_t n_rss, struct cllm_llm_summary *out)
{
    double *tps = NULL, *ftl = NULL, *dec = NULL, *pp = NULL, *gaps = NULL;
    size_t ng = 0, cap = 0;
    int k = 0;
    enum cllm_status st = CLLM_OK;

    if (!out || n < 0 || (n > 0 && (!runs || !ok)))
        return CLLM_ERR_INVALID_ARG;
    memset(out, 0, sizeof(*out));
    out->n_runs = n;
    if (n > 0) {
        tps = calloc((size_t)n, sizeof(double));
        ftl = calloc((size_t)n, sizeof(double));
        dec = calloc((size_t)n, sizeof(double));
        pp = calloc((size_t)n, sizeof(double));
        if (!tps || !ftl || !dec || !pp) {
            st = CLLM_ERR_NOMEM;
            goto cleanup;
        }
    }
    for (int i = 0; i < n; i++) {
        struct cllm_llm_run_metrics m;
        if (!ok[i])
            continue;
        st = cllm_llm_run_metrics_compute(&runs[i], &m);
        if (st != CLLM_OK)
            goto cleanup;
        tps[k] = m.tokens_per_second;
        ftl[k] = m.first_token_latency_s;
        dec[k] = m.decode_tokens_per_second;
        pp[k] = m.prompt_tokens_per_second;
        k++;
        if (cllm_llm_trace_gaps_ms(&runs[i], &gaps, &ng, &cap) != CLLM_OK) {
            st = CLLM_ERR_NOMEM;
            goto cleanup;
        }
    }
    out->n_ok = k;
    out->stability = (n > 0 && k == n) ? "stable" : "unstable";
    if (k > 0) {
        struct cllm_stats s;
        cllm_stats_compute(tps, (size_t)k, &s);
        out->tps_mean = s.mean;
        out->tps_std = s.std;
        out->tps_cv_pct = k > 1 && s.mean > 0 ? s.std / s.mean * 100.0 : NAN;
        out->tps_min = s.min;
        out->tps_max = s.max;
    } else {
        out->tps_mean = out->tps_std = out->tps_cv_pct = NAN;
        out->tps_min = out->tps_max = NAN;
    }
    out->avg_first_token_latency_s = mean_finite(ftl, k);
    out->avg_decode_tokens_per_second = mean_finite(dec, k);
    out->avg_prompt_tokens_per_second = mean_finite(pp, k);
    itl_stats(gaps, ng, &out->itl_mean_ms, &out->itl_p50_ms, &out->itl_p90_ms, &out->itl_p99_ms);

    out->peak_memory_gb = NAN;
    for (size_t i = 0; rss_gb && i < n_rss; i++)
        if (isfinite(rss_gb[i]) && (!isfinite(out->peak_memory_gb) || rss_gb[i] > out->peak_memory_gb))
            out->peak_memory_gb = rss_gb[i];

cleanup:
    free(tps);
    free(ftl);
    free(dec);
    free(pp);
    free(gaps);
    return st;
}

/* ---- the sweep's rows (llm/bench.h): llama-bench's statistics ---- */

void cllm_bench_test_summarize(struct cllm_bench_test *t)
{
    double *ns, *ts, *kept;
    size_t n = t->n_samples > 0 ? (size_t)t->n_samples : 0, nk = 0;
    struct cllm_stats s;

    t->avg_ns = t->stddev_ns = t->avg_ts = t->stddev_ts = NAN;
    t->avg_ts_kept = t->stddev_ts_kept = t->cv_kept = NAN;
    t->n_throttled = 0;
    if (n == 0)
        return;
    ns = malloc(3 * n * sizeof(double));
    if (!ns)
        return;
    ts = ns + n;
    kept = ts + n;
    for (size_t i = 0; i < n; i++) {
        struct cllm_bench_sample *x = &t->samples[i];
        int tokens = t->k.n_prompt + t->k.n_gen;
        /* llama-bench: t/s of a repetition is every timed token (prompt and generated) over its wall time */
        x->ts = x->ns > 0 ? 1e9 * (double)tokens / (double)x->ns : NAN;
        ns[i] = (double)x->ns;
        ts[i] = x->ts;
        if (x->throttled)
            t->n_throttled++;
        else
            kept[nk++] = x->ts;
    }
    cllm_stats_compute(ns, n, &s);
    t->avg_ns = s.mean;
    t->stddev_ns = s.std;
    cllm_stats_compute(ts, n, &s);
    t->avg_ts = s.mean;
    t->stddev_ts = s.std;
    if (nk > 0) {
        cllm_stats_compute(kept, nk, &s);
        t->avg_ts_kept = s.mean;
        t->stddev_ts_kept = s.std;
        t->cv_kept = nk > 1 && s.mean > 0 ? s.std / s.mean : NAN;
    }
    free(ns);
}

/* ---- the ladder (llm/llm_result.h): each rung's cost over the nearest measured rung above it ---- */

static int rung_above(const struct cllm_llm_ladder *l, enum cllm_llm_rung r, bool ttft)
{
    for (int i = (int)r - 1; i >= 0; i--) {
        const struct cllm_llm_ladder_rung *u = &l->rung[i];
        double v = ttft ? u->ttft_s : u->decode_tps;
        if (u->status && strcmp(u->status, "ok") == 0 && isfinite(v) && v > 0)
            return i;
    }
    return -1;
}

double cllm_llm_rung_decode_cost_pct(const struct cllm_llm_ladder *l, enum cllm_llm_rung r)
{
    const struct cllm_llm_ladder_rung *x = &l->rung[r];
    int a = rung_above(l, r, false);
    if (a < 0 || !x->status || strcmp(x->status, "ok") != 0 || !isfinite(x->decode_tps))
        return NAN;
    /* a slower rung costs a positive share of the rung above's rate */
    return (l->rung[a].decode_tps - x->decode_tps) / l->rung[a].decode_tps * 100.0;
}

double cllm_llm_rung_ttft_cost_pct(const struct cllm_llm_ladder *l, enum cllm_llm_rung r)
{
    const struct cllm_llm_ladder_rung *x = &l->rung[r];
    int a = rung_above(l, r, true);
    if (a < 0 || !x->status || strcmp(x->status, "ok") != 0 || !isfinite(x->ttft_s))
        return NAN;
    return (x->ttft_s - l->rung[a].ttft_s) / l->rung[a].ttft_s * 100.0;
}

/* ---- energy per token ---- */

void cllm_llm_energy_per_token(struct cllm_llm_energy *e, int tokens)
{
    e->tokens = tokens;
    e->j_per_token = e->tokens_per_j = NAN;
    e->why[0] = '\0';
    if (!isfinite(e->win.j))
        snprintf(e->why, sizeof(e->why), "%s", e->win.note[0] ? e->win.note : "no energy reading");
    else if (tokens <= 0)
        snprintf(e->why, sizeof(e->why), "%s", tokens == 0 ? "no token in the window" : "the window's token count "
                 "is unknown");
    else {
        e->j_per_token = e->win.j / tokens;
        e->tokens_per_j = e->win.j > 0 ? tokens / e->win.j : NAN;
        if (!(e->win.j > 0))
            snprintf(e->why, sizeof(e->why), "no energy counted in the window (0 J)");
    }
}

void cllm_llm_energy_none(struct cllm_llm_energy *e, const char *fmt, ...)
{
    va_list ap;
    cllm_monitor_energy_clear(&e->win);
    va_start(ap, fmt);
    vsnprintf(e->win.note, sizeof(e->win.note), fmt, ap);
    va_end(ap);
    e->tokens = -1;
    e->j_per_token = e->tokens_per_j = NAN;
    snprintf(e->why, sizeof(e->why), "%s", e->win.note);
}

static void part_add(struct cllm_energy_part *sum, const struct cllm_energy_part *p, bool first)
{
    if (first) {
        *sum = *p;
        return;
    }
    sum->j += p->j;   /* NAN stays NAN */
    if (!sum->why[0] && p->why[0])
        snprintf(sum->why, sizeof(sum->why), "%s", p->why);
}

void cllm_llm_energy_sum(const struct cllm_energy_window *w, int n, struct cllm_energy_window *out)
{
    cllm_monitor_energy_clear(out);
    if (!w || n <= 0) {
        snprintf(out->note, sizeof(out->note), "no repetition");
        return;
    }
    out->window_s = 0;
    for (int i = 0; i < n; i++) {
        if (!isfinite(w[i].j)) {
            cllm_monitor_energy_clear(out);
            snprintf(out->note, sizeof(out->note), "repetition %d: %.440s", i + 1, w[i].note);
            return;
        }
        if (i > 0 && (strcmp(w[i].domains, w[0].domains) != 0 || strcmp(w[i].source, w[0].source) != 0)) {
            cllm_monitor_energy_clear(out);
            snprintf(out->note, sizeof(out->note), "repetition %d was measured from %.40s (%.80s), repetition 1 "
                     "from %.40s (%.80s)", i + 1, w[i].domains, w[i].source, w[0].domains, w[0].source);
            return;
        }
        out->window_s += w[i].window_s;
        part_add(&out->gpu, &w[i].gpu, i == 0);
        part_add(&out->cpu, &w[i].cpu, i == 0);
        out->j = i == 0 ? w[i].j : out->j + w[i].j;
        if (!out->note[0] && w[i].note[0])
            snprintf(out->note, sizeof(out->note), "%s", w[i].note);
    }
    snprintf(out->domains, sizeof(out->domains), "%s", w[0].domains);
    snprintf(out->source, sizeof(out->source), "%s", w[0].source);
    out->w = out->window_s > 0 ? out->j / out->window_s : NAN;
    out->gpu.w = out->window_s > 0 ? out->gpu.j / out->window_s : NAN;
    out->cpu.w = out->window_s > 0 ? out->cpu.j / out->window_s : NAN;
}

void cllm_llm_energy_summarize(const struct cllm_llm_energy *decode, const struct cllm_llm_energy *prompt,
                               const bool *ok, int n, struct cllm_llm_energy_summary *out)
{
    double dj = 0, dt = 0, dw = 0, pj = 0, pw = 0;
    int np = 0;

    memset(out, 0, sizeof(*out));
    out->decode_j_per_token = out->decode_tokens_per_j = out->decode_w = NAN;
    out->prompt_j_per_token = out->prompt_w = NAN;
    for (int i = 0; i < n; i++) {
        if (!ok || !ok[i])
            continue;
        if (decode && isfinite(decode[i].j_per_token)) {
            if (out->n == 0) {
                snprintf(out->domains, sizeof(out->domains), "%s", decode[i].win.domains);
                snprintf(out->source, sizeof(out->source), "%s", decode[i].win.source);
            }
            dj += decode[i].j_per_token;
            dt += decode[i].tokens_per_j;
            dw += decode[i].win.w;
            out->n++;
        } else if (decode && !out->why[0]) {
            snprintf(out->why, sizeof(out->why), "%s", decode[i].why);
        }
        if (prompt && isfinite(prompt[i].j_per_token)) {
            pj += prompt[i].j_per_token;
            pw += prompt[i].win.w;
            np++;
        }
    }
    if (out->n > 0) {
        out->decode_j_per_token = dj / out->n;
        out->decode_tokens_per_j = dt / out->n;
        out->decode_w = dw / out->n;
        out->why[0] = '\0';
    } else if (!out->why[0]) {
        snprintf(out->why, sizeof(out->why), "no successful run");
    }
    if (np > 0) {
        out->prompt_j_per_token = pj / np;
        out->prompt_w = pw / np;
    }
}
