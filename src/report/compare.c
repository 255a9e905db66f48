/* Comparison table of several results files (see compare.h). */
#include "report/compare.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/fields_llm.h"
#include "report/fields_serve.h"
#include "report/fields_sweep.h"
#include "report/result.h"
#include "report/write.h"

struct family {
    const char *key, *title, *unit;
    bool        lower;
};

enum { F_CPU1, F_CPUN, F_MEM, F_GPU, F_GPUMEM, F_TPS, F_TTFT, F_DECODE, F_DECODE_J, F_PEAKMEM, F_SWEEP, F_SRV_TPS,
       F_SRV_RPS, F_SRV_TTFT, F_SRV_ITL, F_COUNT };

static const struct family families[F_COUNT] = {
    [F_CPU1]    = {"cpu_single_thread", "CPU GFLOPS, 1 thread", "GFLOPS", false},
    [F_CPUN]    = {"cpu_multi_thread", "CPU GFLOPS, all threads", "GFLOPS", false},
    [F_MEM]     = {"memory_bandwidth", "Memory bandwidth, all threads", "GB/s", false},
    [F_GPU]     = {"gpu_compute", "GPU GEMM", "TFLOPS", false},
    [F_GPUMEM]  = {"gpu_memory", "GPU memory bandwidth", "GB/s", false},
    [F_TPS]     = {"ai_tokens_per_second", "LLM tokens/s (average)", "tokens/s", false},
    [F_TTFT]    = {"ai_first_token_latency", "LLM first-token latency", "s", true},
    [F_DECODE]  = {"ai_decode_tokens_per_second", "LLM decode tokens/s", "tokens/s", false},
    [F_DECODE_J] = {"ai_decode_joules_per_token", "LLM decode energy per token", "J/token", true},
    [F_PEAKMEM] = {"ai_peak_memory", "LLM peak memory", "GiB", true},
    [F_SWEEP]   = {"ai_sweep_tokens_per_second", "LLM sweep tokens/s (llama-bench's method)", "tokens/s", false},
    [F_SRV_TPS] = {"serving_output_tokens_per_second", "Serving output tokens/s", "tokens/s", false},
    [F_SRV_RPS] = {"serving_requests_per_second", "Serving requests/s", "req/s", false},
    [F_SRV_TTFT] = {"serving_ttft_p50", "Serving TTFT p50", "s", true},
    [F_SRV_ITL] = {"serving_itl_p50", "Serving ITL p50", "s", true},
};

static void set_err(char *err, size_t n, const char *msg)
{
    if (err && n)
        snprintf(err, n, "%s", msg);
}

/* Finds or appends the row (family, name); NULL on allocation failure. */
static struct cllm_compare_row *row_get(struct cllm_compare_table *t, int *cap, int fam, const char *full_name)
{
    char name[sizeof(t->rows[0].name)];
    /* rows keep names cut to their field's size: look them up by the same cut name, or a long key (an untrusted
     * file's model key) would never find its own row */
    snprintf(name, sizeof(name), "%s", full_name);
    for (int i = 0; i < t->n_rows; i++)
        if (strcmp(t->rows[i].family, families[fam].key) == 0 && strcmp(t->rows[i].name, name) == 0)
            return &t->rows[i];
    if (t->n_rows == *cap) {
        int ncap = *cap ? *cap * 2 : 32;
        struct cllm_compare_row *nr = realloc(t->rows, (size_t)ncap * sizeof(*nr));
        if (!nr)
            return NULL;
        t->rows = nr;
        *cap = ncap;
    }
    struct cllm_compare_row *r = &t->rows[t->n_rows];
    memset(r, 0, sizeof(*r));
    r->family = families[fam].key;
    r->family_title = families[fam].title;
    r->unit = families[fam].unit;
    r->lower_is_better = families[fam].lower;
    snprintf(r->name, sizeof(r->name), "%s", name);
    r->values = malloc((size_t)t->n_machines * sizeof(double));
    r->std = malloc((size_t)t->n_machines * sizeof(double));
    r->ratios = malloc((size_t)t->n_machines * sizeof(double));
    r->samples = calloc((size_t)t->n_machines, sizeof(double *));
    r->n_samples = calloc((size_t)t->n_machines, sizeof(int));
    r->stats = calloc((size_t)t->n_machines, sizeof(*r->stats));
    if (!r->values || !r->std || !r->ratios || !r->samples || !r->n_samples || !r->stats) {
        free(r->values);
        free(r->std);
        free(r->ratios);
        free(r->samples);
        free(r->n_samples);
        free(r->stats);
        return NULL;
    }
    for (int m = 0; m < t->n_machines; m++)
        r->values[m] = r->std[m] = r->ratios[m] = NAN;
    t->n_rows++;
    return r;
}

/* The per-run samples behind a value, gathered from a file (at most SAMPLES_MAX: an untrusted file's array). */
#define SAMPLES_MAX 100000
struct samples {
    double *v;
    int     n, cap;
    bool    times;   /* times of a fixed work (see cllm_compare_row.samples_are_times) */
};

/* Appends x when finite; -1 on allocation failure. */
static int samples_add(struct samples *s, double x)
{
    if (!isfinite(x) || s->n >= SAMPLES_MAX)
        return 0;
    if (s->n == s->cap) {
        int ncap = s->cap ? 2 * s->cap : 8;
        double *nv = realloc(s->v, (size_t)ncap * sizeof(double));
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = ncap;
    }
    s->v[s->n++] = x;
    return 0;
}

/* Records value v (and its std, and its samples) for machine m; a missing value still creates the row only when v
 * is a number, so a metric no file has gives no row. The samples' array passes to the row (or is freed): s->v is
 * NULL after. */
static int put_s(struct cllm_compare_table *t, int *cap, int fam, const char *name, int m, double v, double sd,
                 struct samples *s)
{
    struct cllm_compare_row *r = isnan(v) ? NULL : row_get(t, cap, fam, name);
    int rc = isnan(v) || r ? 0 : -1;
    if (r) {
        r->values[m] = v;
        r->std[m] = sd;
        free(r->samples[m]);   /* a key twice in one file: the last one's */
        r->samples[m] = s ? s->v : NULL;
        r->n_samples[m] = s ? s->n : 0;
        if (s && s->times)
            r->samples_are_times = true;
    } else if (s) {
        free(s->v);
    }
    if (s)
        s->v = NULL;
    return rc;
}

static int put(struct cllm_compare_table *t, int *cap, int fam, const char *name, int m, double v, double sd)
{
    return put_s(t, cap, fam, name, m, v, sd, NULL);
}

/* The finite numbers of array `arr` (NULL: none), each times `scale` or, with `per`, scale / x (a rate from a
 * time). */
static int samples_from_array(struct samples *s, const cJSON *arr, double scale, bool per)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
        if (cJSON_IsNumber(x) && samples_add(s, per ? (x->valuedouble > 0 ? scale / x->valuedouble : NAN)
                                                     : scale * x->valuedouble) < 0)
            return -1;
    return 0;
}

/* One value of each successful run of a model: runs[] with status "ok"; `sub` (may be NULL) the object holding
 * field f inside a run. */
static int samples_from_runs(struct samples *s, const cJSON *model, const struct cllm_field *sub,
                             const struct cllm_field *f)
{
    const cJSON *run;
    cJSON_ArrayForEach(run, cllm_r_get(model, &CLLM_F_LLM_RUNS)) {
        const char *st = cllm_r_str(run, &CLLM_F_LLM_RUN_STATUS);
        if (st && strcmp(st, "ok") == 0 && samples_add(s, cllm_r_num(sub ? cllm_r_get(run, sub) : run, f)) < 0)
            return -1;
    }
    return 0;
}

/* Puts rows in family order, keeping first-seen order inside a family (a stable pass per family). */
static int order_rows(struct cllm_compare_table *t)
{
    struct cllm_compare_row *sorted = malloc((size_t)t->n_rows * sizeof(*sorted));
    int k = 0;
    if (!sorted)
        return -1;
    for (int f = 0; f < F_COUNT; f++)
        for (int r = 0; r < t->n_rows; r++)
            if (t->rows[r].family == families[f].key)
                sorted[k++] = t->rows[r];
    free(t->rows);
    t->rows = sorted;
    return 0;
}

static int add_machine(struct cllm_compare_table *t, int *cap, int m, const cJSON *res)
{
    static const struct cllm_field *const copies[] = {&CLLM_F_GPU_D2D, &CLLM_F_GPU_H2D, &CLLM_F_GPU_D2H};
    const cJSON *bench = cllm_r_get(cllm_r_get(res, &CLLM_F_CLASSIC_BENCHMARKS), &CLLM_F_CL_BENCHMARKS);
    const cJSON *mem = cllm_r_get(bench, &CLLM_F_CL_MEMORY), *gpu = cllm_r_get(bench, &CLLM_F_CL_GPU);
    const cJSON *it;

    for (int f = F_CPU1; f <= F_CPUN; f++) {
        const cJSON *sizes = cllm_r_get(cllm_r_get(bench, f == F_CPU1 ? &CLLM_F_CL_CPU_SINGLE : &CLLM_F_CL_CPU_MULTI),
                                        &CLLM_F_CPU_RESULTS);
        cJSON_ArrayForEach(it, sizes) {
            /* gflops is 2·N³ / mean time: the samples are the times, and the rate ratio inverts theirs */
            struct samples s = {NULL, 0, 0, true};
            if (!it->string)
                continue;
            if (samples_from_array(&s, cllm_r_get(it, &CLLM_F_CL_TIMES_S), 1.0, false) < 0 ||
                put_s(t, cap, f, it->string, m, cllm_r_num(it, &CLLM_F_CL_GFLOPS), NAN, &s) < 0) {
                free(s.v);
                return -1;
            }
        }
    }
    /* the headline write_gbps ..., else (files that lack it) results.all_threads.<kernel>.gbps */
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        const cJSON *kr = cllm_r_get(cllm_r_get(cllm_r_get(mem, &CLLM_F_MEM_RESULTS), &CLLM_F_MEM_ALL_THREADS),
                                     CLLM_MEM_KERNEL_FIELDS[k]);
        double v = cllm_r_num(mem, CLLM_MEM_HEADLINE_FIELDS[k]), bytes = cllm_r_num(kr, &CLLM_F_MEM_BYTES_PER_PASS);
        struct samples s = {NULL, 0, 0, false};   /* each pass's GB/s (the arrays differ between machines) */
        if (isnan(v))
            v = cllm_r_num(kr, &CLLM_F_MEM_GBPS);
        if ((bytes > 0 && samples_from_array(&s, cllm_r_get(kr, &CLLM_F_CL_TIMES_S), bytes / 1e9, true) < 0) ||
            put_s(t, cap, F_MEM, CLLM_MEM_KERNEL_FIELDS[k]->name, m, v, NAN, &s) < 0) {
            free(s.v);
            return -1;
        }
    }
    for (int p = 0; p < CLLM_GPUGEMM_PRECISION_COUNT; p++)
        if (put(t, cap, F_GPU, CLLM_GPU_PRECISION_FIELDS[p]->name, m,
                cllm_r_num(cllm_r_get(gpu, &CLLM_F_GPU_SUMMARY), CLLM_GPU_SUMMARY_FIELDS[p]), NAN) < 0)
            return -1;
    for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
        const cJSON *c = cllm_r_get(cllm_r_get(gpu, &CLLM_F_GPU_MEMORY), copies[i]);
        /* each copy's GB/s: device to device counts the bytes twice (read + write), as the phase does */
        double bytes = cllm_r_num(c, &CLLM_F_GPU_BYTES) * (copies[i] == &CLLM_F_GPU_D2D ? 2.0 : 1.0);
        struct samples s = {NULL, 0, 0, false};
        if ((bytes > 0 && samples_from_array(&s, cllm_r_get(c, &CLLM_F_CL_TIMES_S), bytes / 1e9, true) < 0) ||
            put_s(t, cap, F_GPUMEM, copies[i]->name, m, cllm_r_num(c, &CLLM_F_GPU_BEST_GBPS), NAN, &s) < 0) {
            free(s.v);
            return -1;
        }
    }
    cJSON_ArrayForEach(it, cllm_r_get(cllm_r_get(res, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_RESULTS)) {
        const cJSON *s = cllm_r_get(it, &CLLM_F_LLM_SUMMARY);
        if (!it->string || !s)
            continue;
        /* the summary's averages are means over the successful runs: their samples are those runs' values */
        struct samples tps = {NULL, 0, 0, false}, ttft = {NULL, 0, 0, false}, dec = {NULL, 0, 0, false},
                       dj = {NULL, 0, 0, false};
        if (samples_from_runs(&tps, it, NULL, &CLLM_F_LLM_RUN_TPS) < 0 ||
            samples_from_runs(&ttft, it, NULL, &CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S) < 0 ||
            samples_from_runs(&dec, it, NULL, &CLLM_F_LLM_RUN_DECODE_TPS) < 0 ||
            samples_from_runs(&dj, it, &CLLM_F_LLM_RUN_DECODE_ENERGY, &CLLM_F_EN_J_PER_TOKEN) < 0) {
            free(tps.v);
            free(ttft.v);
            free(dec.v);
            free(dj.v);
            return -1;
        }
        int rc = put_s(t, cap, F_TPS, it->string, m, cllm_r_num(s, &CLLM_F_LLM_AVG_TPS),
                       cllm_r_num(s, &CLLM_F_LLM_STD_TPS), &tps) < 0 ||
                 put_s(t, cap, F_TTFT, it->string, m, cllm_r_num(s, &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S), NAN,
                       &ttft) < 0 ||
                 put_s(t, cap, F_DECODE, it->string, m, cllm_r_num(s, &CLLM_F_LLM_AVG_DECODE_TPS), NAN, &dec) < 0 ||
                 put_s(t, cap, F_DECODE_J, it->string, m, cllm_r_num(s, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN), NAN,
                       &dj) < 0 ||
                 put(t, cap, F_PEAKMEM, it->string, m, cllm_r_num(s, &CLLM_F_LLM_PEAK_MEMORY_GB), NAN) < 0;
        free(tps.v);   /* NULL once put; the rest when a put failed */
        free(ttft.v);
        free(dec.v);
        free(dj.v);
        if (rc)
            return -1;
    }
    /* computellm sweep: one row per test that ran ("MODEL pp512", "MODEL tg128 @ d4096", with " ngl N" when the
     * test sets layers), its repetitions' tokens/s as samples (avg_ts is their mean) */
    cJSON_ArrayForEach(it, cllm_r_get(cllm_r_get(cllm_r_get(res, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_SWEEP),
                                      &CLLM_F_SW_S_TESTS)) {
        const char *status = cllm_r_str(it, &CLLM_F_SW_STATUS), *model = cllm_r_str(it, &CLLM_F_SW_MODEL_KEY);
        double np = cllm_r_num(it, &CLLM_F_SW_N_PROMPT), ng = cllm_r_num(it, &CLLM_F_SW_N_GEN);
        double nd = cllm_r_num(it, &CLLM_F_SW_N_DEPTH), ngl = cllm_r_num(it, &CLLM_F_SW_N_GPU_LAYERS);
        struct samples sm = {NULL, 0, 0, false};
        char name[192], test[64] = "", depth[32] = "", layers[32] = "";
        if (!status || strcmp(status, "ok") != 0)
            continue;
        if (!model)
            model = cllm_r_str(it, &CLLM_F_SW_MODEL_FILENAME);
        /* integral, bounded token counts only: an untrusted file's number goes into a name */
        if (!(np >= 0 && np < 1e9 && ng >= 0 && ng < 1e9))
            continue;
        if (np > 0 && ng > 0)
            snprintf(test, sizeof(test), "pp%.0f+tg%.0f", np, ng);
        else
            snprintf(test, sizeof(test), np > 0 ? "pp%.0f" : "tg%.0f", np > 0 ? np : ng);
        if (nd > 0 && nd < 1e9)
            snprintf(depth, sizeof(depth), " @ d%.0f", nd);
        if (ngl >= 0 && ngl < 1e6)
            snprintf(layers, sizeof(layers), " ngl %.0f", ngl);
        snprintf(name, sizeof(name), "%.100s %s%s%s", model ? model : "?", test, depth, layers);
        if (samples_from_array(&sm, cllm_r_get(it, &CLLM_F_SW_SAMPLES_TS), 1.0, false) < 0 ||
            put_s(t, cap, F_SWEEP, name, m, cllm_r_num(it, &CLLM_F_SW_AVG_TS), cllm_r_num(it, &CLLM_F_SW_STDDEV_TS),
                  &sm) < 0) {
            free(sm.v);
            return -1;
        }
    }
    /* serve-bench: one row per concurrency level that ran to its end */
    cJSON_ArrayForEach(it, cllm_r_get(cllm_r_get(res, &CLLM_F_SERVING_BENCHMARKS), &CLLM_F_SERVE_LEVELS)) {
        const char *status = cllm_r_str(it, &CLLM_F_SERVE_L_STATUS);
        char name[32];
        if (!status || strcmp(status, "ok") != 0)
            continue;
        cllm_write_serve_level_label(it, name, sizeof(name));
        if (put(t, cap, F_SRV_TPS, name, m, cllm_r_num(it, &CLLM_F_SERVE_L_OUTPUT_TPS), NAN) < 0 ||
            put(t, cap, F_SRV_RPS, name, m, cllm_r_num(it, &CLLM_F_SERVE_L_RPS), NAN) < 0 ||
            put(t, cap, F_SRV_TTFT, name, m,
                cllm_r_num(cllm_r_get(it, &CLLM_F_SERVE_L_TTFT_S), &CLLM_F_SERVE_D_P50), NAN) < 0 ||
            put(t, cap, F_SRV_ITL, name, m, cllm_r_num(cllm_r_get(it, &CLLM_F_SERVE_L_ITL_S), &CLLM_F_SERVE_D_P50),
                NAN) < 0)
            return -1;
    }
    return 0;
}

/* Machine m against the baseline on row w: Welch's test and Fieller's interval on the samples (see compare.h). */
static void row_stat(const struct cllm_compare_row *w, int baseline, int m, struct cllm_compare_stat *o)
{
    struct cllm_stats_test st;
    bool higher;

    o->verdict = CLLM_VERDICT_NONE;
    o->n_a = w->n_samples[baseline];
    o->n_b = w->n_samples[m];
    o->ratio = o->ci_low = o->ci_high = o->p_value = o->df = NAN;
    if (m == baseline || isnan(w->values[m]) || isnan(w->values[baseline]))
        return;
    /* rates from times of the same work: this machine's rate / the baseline's = baseline time / this time, so the
     * test runs with the sides swapped and its ratio is the rate ratio */
    if (w->samples_are_times)
        cllm_stats_welch_test(w->samples[m], (size_t)o->n_b, w->samples[baseline], (size_t)o->n_a,
                              CLLM_COMPARE_LEVEL, &st);
    else
        cllm_stats_welch_test(w->samples[baseline], (size_t)o->n_a, w->samples[m], (size_t)o->n_b,
                              CLLM_COMPARE_LEVEL, &st);
    o->ratio = st.ratio;
    if (st.kind == CLLM_STATS_TOO_FEW) {
        o->verdict = CLLM_VERDICT_NOT_ENOUGH_RUNS;
        return;
    }
    o->p_value = st.p;
    o->df = st.df;
    if (st.ratio_bounded) {
        o->ci_low = st.ratio_low;
        o->ci_high = st.ratio_high;
    }
    higher = st.mean_b > st.mean_a;   /* of the quantity the row's values measure (the rate for times) */
    if (!st.significant)
        o->verdict = CLLM_VERDICT_NO_DIFFERENCE;
    else if (w->lower_is_better)
        o->verdict = higher ? CLLM_VERDICT_WORSE : CLLM_VERDICT_BETTER;
    else
        o->verdict = higher ? CLLM_VERDICT_FASTER : CLLM_VERDICT_SLOWER;
}

const char *cllm_compare_verdict_str(enum cllm_compare_verdict v)
{
    switch (v) {
    case CLLM_VERDICT_NOT_ENOUGH_RUNS: return "not_enough_runs";
    case CLLM_VERDICT_NO_DIFFERENCE: return "no_difference";
    case CLLM_VERDICT_FASTER: return "faster";
    case CLLM_VERDICT_SLOWER: return "slower";
    case CLLM_VERDICT_BETTER: return "better";
    case CLLM_VERDICT_WORSE: return "worse";
    case CLLM_VERDICT_NONE: break;
    }
    return NULL;
}

void cllm_compare_verdict_text(const struct cllm_compare_stat *s, char *buf, size_t n)
{
    const char *word = cllm_compare_verdict_str(s->verdict);
    if (!n)
        return;
    buf[0] = '\0';
    if (!word)
        return;
    if (s->verdict == CLLM_VERDICT_NOT_ENOUGH_RUNS)
        snprintf(buf, n, "not enough runs");
    else if (s->verdict == CLLM_VERDICT_NO_DIFFERENCE)
        snprintf(buf, n, "no significant difference");
    else if (isnan(s->ci_low) || isnan(s->ci_high))
        snprintf(buf, n, "%s (%.2f\xc3\x97, CI unbounded)", word, s->ratio);
    else {
        /* a narrow interval gets a third decimal, so its two ends do not print alike */
        int d = s->ci_high - s->ci_low < 0.02 ? 3 : 2;
        snprintf(buf, n, "%s (%.*f\xc3\x97, CI %.*f\xe2\x80\x93%.*f)", word, d, s->ratio, d, s->ci_low, d,
                 s->ci_high);
    }
}

static void label_machine(struct cllm_compare_machine *mc, const cJSON *res, const char *origin)
{
    const cJSON *hw = cllm_r_get(res, &CLLM_F_HARDWARE);
    const char *cpu = cllm_r_str(cllm_r_get(hw, &CLLM_F_HW_CPU), &CLLM_F_HW_CPU_MODEL);
    const char *gpu = cllm_r_str(cJSON_GetArrayItem(cllm_r_get(cllm_r_get(hw, &CLLM_F_HW_GPU), &CLLM_F_HW_GPU_DEVICES), 0),
                                 &CLLM_F_HW_DEV_NAME);
    const char *id = cllm_r_str(res, &CLLM_F_ID);
    snprintf(mc->id, sizeof(mc->id), "%s", id ? id : "?");
    snprintf(mc->label, sizeof(mc->label), "%s / %s / %s", cpu ? cpu : "unknown CPU", gpu ? gpu : "no GPU", mc->id);
    snprintf(mc->origin, sizeof(mc->origin), "%s", origin ? origin : "");
}

enum cllm_status cllm_compare_build(const cJSON *const *results, const char *const *origins, int n, int baseline,
                                    struct cllm_compare_table **out, char *err, size_t errlen)
{
    struct cllm_compare_table *t;
    int cap = 0;

    *out = NULL;
    if (n < 1 || !results) {
        set_err(err, errlen, "nothing to compare");
        return CLLM_ERR_INVALID_ARG;
    }
    if (baseline < 0 || baseline >= n) {
        if (err && errlen)
            snprintf(err, errlen, "baseline %d is out of range (1 to %d)", baseline + 1, n);
        return CLLM_ERR_INVALID_ARG;
    }
    t = calloc(1, sizeof(*t));
    if (!t || !(t->machines = calloc((size_t)n, sizeof(*t->machines))))
        goto nomem;
    t->n_machines = n;
    t->baseline = baseline;
    for (int m = 0; m < n; m++) {
        label_machine(&t->machines[m], results[m], origins ? origins[m] : NULL);
        if (add_machine(t, &cap, m, results[m]) < 0)
            goto nomem;
    }
    if (t->n_rows > 0 && order_rows(t) < 0)
        goto nomem;
    for (int r = 0; r < t->n_rows; r++) {
        double base = t->rows[r].values[baseline];
        for (int m = 0; m < n; m++) {
            double v = t->rows[r].values[m];
            t->rows[r].ratios[m] = (isnan(v) || isnan(base) || base == 0.0) ? NAN : v / base;
        }
        for (int m = 0; m < n; m++)
            row_stat(&t->rows[r], baseline, m, &t->rows[r].stats[m]);
    }
    *out = t;
    return CLLM_OK;
nomem:
    cllm_compare_free(t);
    set_err(err, errlen, "out of memory");
    return CLLM_ERR_NOMEM;
}

void cllm_compare_free(struct cllm_compare_table *t)
{
    if (!t)
        return;
    for (int r = 0; r < t->n_rows; r++) {
        free(t->rows[r].values);
        free(t->rows[r].std);
        free(t->rows[r].ratios);
        for (int m = 0; t->rows[r].samples && m < t->n_machines; m++)
            free(t->rows[r].samples[m]);
        free(t->rows[r].samples);
        free(t->rows[r].n_samples);
        free(t->rows[r].stats);
    }
    free(t->rows);
    free(t->machines);
    free(t);
}

static cJSON *num_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, isnan(v[i]) ? cJSON_CreateNull() : cJSON_CreateNumber(v[i]));
    return a;
}

static void add_num_or_null(cJSON *o, const char *key, double v)
{
    cJSON_AddItemToObject(o, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

/* One machine's verdict against the baseline; null for none. */
static cJSON *stat_json(const struct cllm_compare_stat *s)
{
    char text[128];
    cJSON *o;
    if (s->verdict == CLLM_VERDICT_NONE || !(o = cJSON_CreateObject()))
        return cJSON_CreateNull();
    cllm_compare_verdict_text(s, text, sizeof(text));
    cJSON_AddStringToObject(o, "verdict", cllm_compare_verdict_str(s->verdict));
    cJSON_AddStringToObject(o, "text", text);
    add_num_or_null(o, "ratio", s->ratio);
    add_num_or_null(o, "ci_low", s->ci_low);
    add_num_or_null(o, "ci_high", s->ci_high);
    cJSON_AddStringToObject(o, "method", CLLM_COMPARE_METHOD);
    cJSON_AddNumberToObject(o, "n_a", s->n_a);
    cJSON_AddNumberToObject(o, "n_b", s->n_b);
    add_num_or_null(o, "p_value", s->p_value);
    add_num_or_null(o, "df", s->df);
    return o;
}

cJSON *cllm_compare_to_json(const struct cllm_compare_table *t)
{
    cJSON *root = cJSON_CreateObject(), *ms, *rows, *ns, *stats;
    if (!root)
        return NULL;
    cJSON_AddNumberToObject(root, "baseline", t->baseline);
    cJSON_AddNumberToObject(root, "level", CLLM_COMPARE_LEVEL);
    cJSON_AddStringToObject(root, "method", CLLM_COMPARE_METHOD);
    ms = cJSON_AddArrayToObject(root, "machines");
    rows = cJSON_AddArrayToObject(root, "rows");
    if (!ms || !rows)
        goto fail;
    for (int m = 0; m < t->n_machines; m++) {
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto fail;
        cJSON_AddItemToArray(ms, o);
        cJSON_AddStringToObject(o, "label", t->machines[m].label);
        cJSON_AddStringToObject(o, "id", t->machines[m].id);
        cJSON_AddStringToObject(o, "origin", t->machines[m].origin);
    }
    for (int r = 0; r < t->n_rows; r++) {
        const struct cllm_compare_row *w = &t->rows[r];
        cJSON *o = cJSON_CreateObject();
        if (!o)
            goto fail;
        cJSON_AddItemToArray(rows, o);
        cJSON_AddStringToObject(o, "family", w->family);
        cJSON_AddStringToObject(o, "family_title", w->family_title);
        cJSON_AddStringToObject(o, "name", w->name);
        cJSON_AddStringToObject(o, "unit", w->unit);
        cJSON_AddStringToObject(o, "better", w->lower_is_better ? "lower" : "higher");
        cJSON_AddItemToObject(o, "values", num_array(w->values, t->n_machines));
        cJSON_AddItemToObject(o, "std", num_array(w->std, t->n_machines));
        cJSON_AddItemToObject(o, "ratios", num_array(w->ratios, t->n_machines));
        if (!(ns = cJSON_AddArrayToObject(o, "n")) || !(stats = cJSON_AddArrayToObject(o, "stats")))
            goto fail;
        for (int m = 0; m < t->n_machines; m++) {
            cJSON_AddItemToArray(ns, cJSON_CreateNumber(w->n_samples[m]));
            cJSON_AddItemToArray(stats, stat_json(&w->stats[m]));
        }
    }
    return root;
fail:
    cJSON_Delete(root);
    return NULL;
}

/* ---- text output ---- */

#define DASH "\xe2\x80\x94" /* em dash: a missing value */

/* Display width of UTF-8 text: code points, which is right for the dash and Latin text. */
static int utf8_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void fmt_value(char *buf, size_t n, double v)
{
    if (isnan(v))
        snprintf(buf, n, DASH);
    else if (fabs(v) >= 100 || v == 0)
        snprintf(buf, n, "%.1f", v);
    else if (fabs(v) >= 1)
        snprintf(buf, n, "%.2f", v);
    else
        snprintf(buf, n, "%.3g", v);
}

static void fmt_ratio(char *buf, size_t n, double r)
{
    if (isnan(r))
        snprintf(buf, n, DASH);
    else
        snprintf(buf, n, "%.2fx", r);
}

/* One cell of the table, addressed by (row or -1 for the header, column). */
static void cell(const struct cllm_compare_table *t, int r, int c, char *buf, size_t n)
{
    int nm = t->n_machines;
    if (r < 0) {
        if (c == 0)
            snprintf(buf, n, "metric");
        else if (c == 1)
            snprintf(buf, n, "unit");
        else if (c == 2)
            snprintf(buf, n, "better");
        else if (c < 3 + nm)
            snprintf(buf, n, "[%d]", c - 3 + 1);
        else if (c < 3 + 2 * nm - 1) {
            int m = c - 3 - nm;
            m += m >= t->baseline;
            snprintf(buf, n, "[%d]/[%d]", m + 1, t->baseline + 1);
        } else {
            int m = c - 3 - 2 * nm + 1;
            m += m >= t->baseline;
            snprintf(buf, n, "[%d] vs [%d]", m + 1, t->baseline + 1);
        }
        return;
    }
    const struct cllm_compare_row *w = &t->rows[r];
    if (c == 0)
        snprintf(buf, n, "%s %s", w->family_title, w->name);
    else if (c == 1)
        snprintf(buf, n, "%s", w->unit);
    else if (c == 2)
        snprintf(buf, n, "%s", w->lower_is_better ? "lower" : "higher");
    else if (c < 3 + nm)
        fmt_value(buf, n, w->values[c - 3]);
    else if (c < 3 + 2 * nm - 1) {
        int m = c - 3 - nm;
        m += m >= t->baseline;
        fmt_ratio(buf, n, w->ratios[m]);
    } else {
        int m = c - 3 - 2 * nm + 1;
        m += m >= t->baseline;
        cllm_compare_verdict_text(&w->stats[m], buf, n);
        if (!buf[0])
            snprintf(buf, n, DASH);
    }
}

static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

static void csv_num(FILE *out, double v)
{
    isfinite(v) ? (void)fprintf(out, ",%.6g", v) : (void)fputc(',', out);
}

static void write_csv(const struct cllm_compare_table *t, FILE *out)
{
    int nm = t->n_machines;
    fputs("family,metric,unit,better", out);
    for (int m = 0; m < nm; m++) {
        fputc(',', out);
        csv_field(out, t->machines[m].label);
    }
    for (int m = 0; m < nm; m++) {
        char h[600];
        if (m == t->baseline)
            continue;
        snprintf(h, sizeof(h), "ratio %s / %s", t->machines[m].label, t->machines[t->baseline].label);
        fputc(',', out);
        csv_field(out, h);
    }
    for (int m = 0; m < nm; m++) {
        static const char *const what[] = {"verdict", "ratio of means", "ci_low", "ci_high", "n"};
        char h[600];
        if (m == t->baseline)
            continue;
        for (size_t k = 0; k < sizeof(what) / sizeof(what[0]); k++) {
            snprintf(h, sizeof(h), "%s %s / %s", what[k], t->machines[m].label, t->machines[t->baseline].label);
            fputc(',', out);
            csv_field(out, h);
        }
        snprintf(h, sizeof(h), "n %s", t->machines[t->baseline].label);
        fputc(',', out);
        csv_field(out, h);
    }
    fputs("\r\n", out);
    for (int r = 0; r < t->n_rows; r++) {
        const struct cllm_compare_row *w = &t->rows[r];
        fprintf(out, "%s,", w->family);
        csv_field(out, w->name);
        fprintf(out, ",%s,%s", w->unit, w->lower_is_better ? "lower" : "higher");
        for (int m = 0; m < nm; m++)
            isnan(w->values[m]) ? (void)fputc(',', out) : (void)fprintf(out, ",%.17g", w->values[m]);
        for (int m = 0; m < nm; m++) {
            if (m == t->baseline)
                continue;
            isnan(w->ratios[m]) ? (void)fputc(',', out) : (void)fprintf(out, ",%.6g", w->ratios[m]);
        }
        for (int m = 0; m < nm; m++) {
            const struct cllm_compare_stat *st = &w->stats[m];
            const char *v = cllm_compare_verdict_str(st->verdict);
            if (m == t->baseline)
                continue;
            fprintf(out, ",%s", v ? v : "");
            csv_num(out, st->ratio);
            csv_num(out, st->ci_low);
            csv_num(out, st->ci_high);
            fprintf(out, ",%d,%d", st->n_b, st->n_a);
        }
        fputs("\r\n", out);
    }
}

enum cllm_status cllm_compare_write(const struct cllm_compare_table *t, enum cllm_compare_format fmt, FILE *out)
{
    int ncols = 3 + t->n_machines + 2 * (t->n_machines - 1);
    int *width;
    char buf[512];
    bool md = fmt == CLLM_COMPARE_MARKDOWN;

    if (fmt == CLLM_COMPARE_CSV) {
        write_csv(t, out);
        return ferror(out) ? CLLM_ERR_IO : CLLM_OK;
    }
    width = calloc((size_t)ncols, sizeof(int));
    if (!width)
        return CLLM_ERR_NOMEM;
    for (int r = -1; r < t->n_rows; r++)
        for (int c = 0; c < ncols; c++) {
            cell(t, r, c, buf, sizeof(buf));
            int w = utf8_width(buf);
            if (w > width[c])
                width[c] = w;
        }
    /* legend: the column numbers name machines, so the table stays narrow */
    for (int m = 0; m < t->n_machines; m++)
        fprintf(out, "%s[%d] %s%s\n", md ? "- " : "", m + 1, t->machines[m].label,
                m == t->baseline ? " (baseline)" : "");
    fprintf(out, "%sratios are [n]/[baseline]; \"better\" says whether higher or lower values are better "
                 "(latency, energy and memory: lower)\n"
                 "%s[n] vs [baseline]: Welch's t test on the means of the per-run samples at 95 %%, the ratio of the "
                 "means with Fieller's 95 %% interval; \"not enough runs\" below 2 samples a side\n\n",
            md ? "\n" : "", md ? "\n" : "");
    for (int r = -1; r < t->n_rows; r++) {
        if (!md && r > 0 && t->rows[r].family != t->rows[r - 1].family)
            fputc('\n', out);
        for (int c = 0; c < ncols; c++) {
            cell(t, r, c, buf, sizeof(buf));
            int pad = width[c] - utf8_width(buf);
            bool right = c >= 3 && c < 3 + 2 * t->n_machines - 1;   /* numbers; verdicts read left */
            if (md)
                fputs("| ", out);
            else if (c > 0)
                fputs("  ", out);
            if (right)
                fprintf(out, "%*s", pad, "");
            fputs(buf, out);
            if (!right && (md || c < ncols - 1))
                fprintf(out, "%*s", pad, "");
            if (md)
                fputc(' ', out);
        }
        fputs(md ? "|\n" : "\n", out);
        if (md && r < 0) {
            for (int c = 0; c < ncols; c++) {
                fputs("| ", out);
                for (int k = 0; k < width[c] - 1; k++)
                    fputc('-', out);
                fputs(c >= 3 && c < 3 + 2 * t->n_machines - 1 ? ": " : "- ", out);
            }
            fputs("|\n", out);
        }
    }
    free(width);
    return ferror(out) ? CLLM_ERR_IO : CLLM_OK;
}
