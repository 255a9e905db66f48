/* LLM metrics on known timestamps: exact numbers per run and over runs. */
#include <cjson/cJSON.h>

#include "report/result.h"
#include "llm/llm_result.h"
#include "llm/metrics.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/write.h"
#include "report/write_llm.h"
#include "test.h"
#include "core/json.h"

#define MS(x) ((uint64_t)(1000000000ull + (uint64_t)((x) * 1000000.0)))   /* ms after an arbitrary origin */

/* start 0, tokens at 100 (empty piece), 150, 200, 260, 300 ms, end 310 ms; 20 prompt tokens */
static void trace_a(struct cllm_llm_trace *t)
{
    static const double at[] = {100, 150, 200, 260, 300};
    static const uint32_t bytes[] = {0, 3, 5, 1, 4};
    cllm_llm_trace_init(t);
    t->start_ns = MS(0);
    for (int i = 0; i < 5; i++)
        CHECK_INT(cllm_llm_trace_add(t, MS(at[i]), bytes[i]), CLLM_OK);
    t->end_ns = MS(310);
    t->n_prompt_tokens = 20;
    t->has_engine_counters = true;
    t->engine_prompt_ms = 80;
    t->engine_prompt_tokens = 20;
    t->engine_decode_ms = 160;
    t->engine_decode_tokens = 4;
    t->has_loop_split = true;
    t->loop_decode_ms = 150;
    t->loop_other_ms = 3;
}

/* tokens at 50, 100, 200 ms, end 200 ms, no prompt count, no engine counters */
static void trace_b(struct cllm_llm_trace *t)
{
    cllm_llm_trace_init(t);
    t->start_ns = MS(0);
    CHECK_INT(cllm_llm_trace_add(t, MS(50), 2), CLLM_OK);
    CHECK_INT(cllm_llm_trace_add(t, MS(100), 2), CLLM_OK);
    CHECK_INT(cllm_llm_trace_add(t, MS(200), 2), CLLM_OK);
    t->end_ns = MS(200);
}

static void test_percentile(void)
{
    const double v[] = {4, 1, 3, 2};
    CHECK_NEAR(cllm_percentile(v, 4, 25), 1.75, 1e-12);
    CHECK_NEAR(cllm_percentile(v, 4, 50), 2.5, 1e-12);
    CHECK_NEAR(cllm_percentile(v, 4, 90), 3.7, 1e-12);
    CHECK_NEAR(cllm_percentile(v, 4, 0), 1, 0);
    CHECK_NEAR(cllm_percentile(v, 4, 100), 4, 0);
    CHECK_NEAR(cllm_percentile(v, 1, 99), 4, 0);
    CHECK(isnan(cllm_percentile(v, 0, 50)));
}

static void test_run_metrics(void)
{
    struct cllm_llm_trace t;
    struct cllm_llm_run_metrics m;
    trace_a(&t);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_OK);
    CHECK_INT(m.n_prompt_tokens, 20);
    CHECK_INT(m.n_tokens, 5);
    CHECK_NEAR(m.total_s, 0.310, 1e-12);
    CHECK_NEAR(m.tokens_per_second, 5 / 0.310, 1e-9);
    CHECK_NEAR(m.first_token_latency_s, 0.150, 1e-12);     /* the first token's piece is empty */
    CHECK_NEAR(m.decode_tokens_per_second, 4 / 0.200, 1e-9);
    CHECK_NEAR(m.prompt_tokens_per_second, 20 / 0.100, 1e-9);
    CHECK_NEAR(m.engine_prompt_tokens_per_second, 250, 1e-9);
    CHECK_NEAR(m.engine_decode_tokens_per_second, 25, 1e-9);
    CHECK_NEAR(m.engine_prompt_ms, 80, 0);
    CHECK_INT(m.engine_decode_tokens, 4);
    CHECK_NEAR(m.itl_mean_ms, 50, 1e-9);                    /* gaps 50 50 60 40 */
    CHECK_NEAR(m.itl_p50_ms, 50, 1e-9);
    CHECK_NEAR(m.itl_p90_ms, 57, 1e-9);
    CHECK_NEAR(m.itl_p99_ms, 59.7, 1e-9);
    CHECK_NEAR(m.loop_overhead_percent, 2, 1e-12);
    cllm_llm_trace_free(&t);
}

static void test_run_without_counters(void)
{
    struct cllm_llm_trace t;
    struct cllm_llm_run_metrics m;
    trace_b(&t);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_OK);
    CHECK_NEAR(m.tokens_per_second, 15, 1e-9);
    CHECK_NEAR(m.first_token_latency_s, 0.050, 1e-12);
    CHECK(isnan(m.prompt_tokens_per_second));
    CHECK(isnan(m.engine_prompt_tokens_per_second));
    CHECK(isnan(m.engine_decode_tokens_per_second));
    CHECK(isnan(m.loop_overhead_percent));
    CHECK(isnan(m.engine_prompt_ms));
    CHECK_INT(m.engine_prompt_tokens, -1);
    CHECK_NEAR(m.itl_mean_ms, 75, 1e-9);
    cllm_llm_trace_free(&t);
}

static void test_degenerate_runs(void)
{
    struct cllm_llm_trace t;
    struct cllm_llm_run_metrics m;
    cJSON *j;

    /* nothing generated: zero t/s is a measurement; latencies are undefined */
    cllm_llm_trace_init(&t);
    t.start_ns = MS(0);
    t.end_ns = MS(40);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_OK);
    CHECK_NEAR(m.tokens_per_second, 0, 0);
    CHECK(isnan(m.first_token_latency_s));
    CHECK(isnan(m.decode_tokens_per_second));
    CHECK(isnan(m.itl_p90_ms));
    j = cllm_write_llm_run_metrics(&m);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S.name)));
    CHECK(cllm_r_str(cllm_r_get(j, &CLLM_F_NULL_REASONS), &CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S) != NULL);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, CLLM_F_LLM_RUN_PROMPT_TOKENS.name)));
    CHECK_NEAR(cllm_r_num(j, &CLLM_F_LLM_RUN_TPS), 0, 0);
    cJSON_Delete(j);

    /* one token with text: latency known, no gaps */
    CHECK_INT(cllm_llm_trace_add(&t, MS(30), 4), CLLM_OK);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_OK);
    CHECK_NEAR(m.first_token_latency_s, 0.030, 1e-12);
    CHECK(isnan(m.itl_mean_ms));

    /* time going backwards is refused */
    CHECK_INT(cllm_llm_trace_add(&t, MS(20), 4), CLLM_OK);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_ERR_INVALID_ARG);
    cllm_llm_trace_reset(&t);
    CHECK_INT(t.n_tokens, 0);
    CHECK_INT(t.n_prompt_tokens, -1);
    cllm_llm_trace_free(&t);
}

static void test_many_tokens(void)
{
    /* 1000 tokens 10 ms apart: the trace grows past its first allocation */
    struct cllm_llm_trace t;
    struct cllm_llm_run_metrics m;
    cllm_llm_trace_init(&t);
    t.start_ns = MS(0);
    for (int i = 0; i < 1000; i++)
        CHECK_INT(cllm_llm_trace_add(&t, MS(100 + 10.0 * i), 1), CLLM_OK);
    t.end_ns = MS(100 + 10.0 * 999);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_OK);
    CHECK_NEAR(m.decode_tokens_per_second, 100, 1e-6);
    CHECK_NEAR(m.itl_p99_ms, 10, 1e-6);
    CHECK_NEAR(m.tokens_per_second, 1000 / 10.09, 1e-6);
    cllm_llm_trace_free(&t);
}

static void test_summary_over_runs(void)
{
    struct cllm_llm_trace runs[3];
    bool ok[3] = {true, true, false};
    const double rss[] = {1.0, NAN, 2.5, 2.0};
    struct cllm_llm_summary s;
    double a = 5 / 0.310, b = 15;
    cJSON *j;

    trace_a(&runs[0]);
    trace_b(&runs[1]);
    cllm_llm_trace_init(&runs[2]);
    runs[2].start_ns = MS(0);
    runs[2].end_ns = MS(1);
    CHECK_INT(cllm_llm_summarize(runs, ok, 3, rss, 4, &s), CLLM_OK);
    CHECK_INT(s.n_runs, 3);
    CHECK_INT(s.n_ok, 2);
    CHECK_STR(s.stability, "unstable");
    CHECK_NEAR(s.tps_mean, (a + b) / 2, 1e-9);
    CHECK_NEAR(s.tps_std, fabs(a - b) / sqrt(2.0), 1e-9);   /* sample sd of two values */
    CHECK_NEAR(s.tps_min, b, 1e-9);
    CHECK_NEAR(s.tps_max, a, 1e-9);
    CHECK_NEAR(s.avg_first_token_latency_s, 0.100, 1e-12);
    CHECK_NEAR(s.avg_decode_tokens_per_second, (20 + 2 / 0.150) / 2, 1e-9);
    CHECK_NEAR(s.avg_prompt_tokens_per_second, 200, 1e-9);   /* only run a knows its prompt */
    /* pooled gaps 40 50 50 50 60 100 */
    CHECK_NEAR(s.itl_mean_ms, 350.0 / 6, 1e-9);
    CHECK_NEAR(s.itl_p50_ms, 50, 1e-9);
    CHECK_NEAR(s.itl_p90_ms, 80, 1e-9);
    CHECK_NEAR(s.itl_p99_ms, 98, 1e-9);
    CHECK_NEAR(s.peak_memory_gb, 2.5, 0);

    j = cllm_write_llm_summary(&s);
    CHECK_STR(cllm_r_str(j, &CLLM_F_LLM_STABILITY), "unstable");
    CHECK_NEAR(cllm_r_num(j, &CLLM_F_LLM_PEAK_MEMORY_GB), 2.5, 0);
    CHECK_NEAR(cllm_r_num(j, &CLLM_F_LLM_AVG_TPS), (a + b) / 2, 1e-9);
    cJSON_Delete(j);

    ok[2] = true;
    CHECK_INT(cllm_llm_summarize(runs, ok, 3, NULL, 0, &s), CLLM_OK);
    CHECK_STR(s.stability, "stable");
    CHECK(isnan(s.peak_memory_gb));

    /* no run succeeded: every average unknown, null in JSON */
    ok[0] = ok[1] = ok[2] = false;
    CHECK_INT(cllm_llm_summarize(runs, ok, 3, rss, 4, &s), CLLM_OK);
    CHECK_STR(s.stability, "unstable");
    CHECK(isnan(s.tps_mean));
    j = cllm_write_llm_summary(&s);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, CLLM_F_LLM_AVG_TPS.name)));
    CHECK(cllm_r_str(cllm_r_get(j, &CLLM_F_NULL_REASONS), &CLLM_F_LLM_AVG_TPS) != NULL);
    cJSON_Delete(j);

    for (int i = 0; i < 3; i++)
        cllm_llm_trace_free(&runs[i]);
}

/* A window of j joules over s seconds from the GPU (NAN j: none, with note). */
static struct cllm_energy_window ewin(double j, double s, const char *note)
{
    struct cllm_energy_window w;
    cllm_monitor_energy_clear(&w);
    w.window_s = s;
    if (isfinite(j)) {
        w.j = w.gpu.j = j;
        w.w = w.gpu.w = j / s;
        snprintf(w.domains, sizeof(w.domains), "gpu");
        snprintf(w.source, sizeof(w.source), "nvml_energy_counter");
        snprintf(w.gpu.source, sizeof(w.gpu.source), "nvml_energy_counter");
    }
    snprintf(w.note, sizeof(w.note), "%s", note);
    return w;
}

/* J/token and tokens/J, windows added (a sweep test's repetitions), the summary's means, null with the reason. */
static void test_energy_per_token(void)
{
    struct cllm_llm_energy e[3], p[3];
    struct cllm_energy_window reps[3], sum;
    struct cllm_llm_energy_summary s;
    bool ok[3] = {true, true, false};
    cJSON *o;

    e[0].win = ewin(12.0, 2.0, "");
    cllm_llm_energy_per_token(&e[0], 48);
    CHECK_NEAR(e[0].j_per_token, 0.25, 1e-12);
    CHECK_NEAR(e[0].tokens_per_j, 4.0, 1e-12);
    CHECK_STR(e[0].why, "");
    /* no token: the energy stands, per token it is null with why */
    e[1].win = ewin(3.0, 1.0, "");
    cllm_llm_energy_per_token(&e[1], 0);
    CHECK(isnan(e[1].j_per_token) && isnan(e[1].tokens_per_j) && strstr(e[1].why, "no token") != NULL);
    /* no energy: the window's note is the reason */
    e[2].win = ewin(NAN, 1.0, "no energy reading: CPU package: RAPL not readable; GPU: no GPU");
    cllm_llm_energy_per_token(&e[2], 10);
    CHECK(isnan(e[2].j_per_token));
    CHECK_STR(e[2].why, "no energy reading: CPU package: RAPL not readable; GPU: no GPU");

    /* the summary: means over the ok runs with a number (run 2 has none, run 3 failed) */
    e[1].win = ewin(6.0, 1.0, "");
    cllm_llm_energy_per_token(&e[1], 12);   /* 0.5 J/token, 2 tokens/J, 6 W */
    p[0].win = ewin(1.0, 0.5, "");
    cllm_llm_energy_per_token(&p[0], 100);
    cllm_llm_energy_none(&p[1], "fewer than %d tokens", 2);
    CHECK_STR(p[1].why, "fewer than 2 tokens");
    p[2] = p[1];
    cllm_llm_energy_summarize(e, p, ok, 3, &s);
    CHECK_INT(s.n, 2);
    CHECK_NEAR(s.decode_j_per_token, (0.25 + 0.5) / 2, 1e-12);
    CHECK_NEAR(s.decode_tokens_per_j, (4.0 + 2.0) / 2, 1e-12);
    CHECK_NEAR(s.decode_w, (6.0 + 6.0) / 2, 1e-12);
    CHECK_NEAR(s.prompt_j_per_token, 0.01, 1e-12);
    CHECK_NEAR(s.prompt_w, 2.0, 1e-12);
    CHECK_STR(s.source, "nvml_energy_counter");
    CHECK_STR(s.domains, "gpu");
    ok[0] = ok[1] = false;
    ok[2] = true;
    cllm_llm_energy_summarize(e, p, ok, 3, &s);
    CHECK_INT(s.n, 0);
    CHECK(isnan(s.decode_j_per_token) && isnan(s.prompt_j_per_token));
    CHECK(strstr(s.why, "RAPL not readable") != NULL);

    /* repetitions added: 2 + 3 + 5 J over 0.5 s each */
    reps[0] = ewin(2.0, 0.5, "");
    reps[1] = ewin(3.0, 0.5, "approximate: edges");
    reps[2] = ewin(5.0, 0.5, "");
    cllm_llm_energy_sum(reps, 3, &sum);
    CHECK_NEAR(sum.j, 10.0, 1e-12);
    CHECK_NEAR(sum.window_s, 1.5, 1e-12);
    CHECK_NEAR(sum.w, 10.0 / 1.5, 1e-12);
    CHECK_NEAR(sum.gpu.j, 10.0, 1e-12);
    CHECK_STR(sum.source, "nvml_energy_counter");
    CHECK_STR(sum.note, "approximate: edges");
    /* one repetition without energy: none, naming it */
    reps[1] = ewin(NAN, 0.01, "GPU0: the window (10.0 ms) is shorter than the NVML energy counter's update period");
    cllm_llm_energy_sum(reps, 3, &sum);
    CHECK(isnan(sum.j));
    CHECK(strncmp(sum.note, "repetition 2: GPU0: the window (10.0 ms) is shorter", 51) == 0);
    /* measured from different parts */
    reps[1] = ewin(3.0, 0.5, "");
    snprintf(reps[1].domains, sizeof(reps[1].domains), "gpu+cpu_package");
    cllm_llm_energy_sum(reps, 3, &sum);
    CHECK(isnan(sum.j) && strstr(sum.note, "measured from") != NULL);

    /* the writer: numbers, or null with the reason under null_reasons */
    o = cJSON_CreateObject();
    cllm_w_llm_energy(o, &e[0]);
    CHECK_NEAR(cllm_r_num(o, &CLLM_F_EN_J_PER_TOKEN), 0.25, 1e-12);
    CHECK_NEAR(cllm_r_num(o, &CLLM_F_EN_TOKENS), 48, 0);
    CHECK_STR(cllm_r_str(o, &CLLM_F_EN_SOURCE), "nvml_energy_counter");
    CHECK(cllm_r_null_why(o, &CLLM_F_EN_CPU_JOULES) == NULL || cllm_r_null_why(o, &CLLM_F_EN_CPU_JOULES)[0] != 0);
    cJSON_Delete(o);
    o = cJSON_CreateObject();
    e[2].win = ewin(NAN, 1.0, "no energy reading: CPU package: RAPL not readable; GPU: no GPU");
    cllm_llm_energy_per_token(&e[2], 10);
    cllm_w_llm_energy(o, &e[2]);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "joules_per_token")));
    CHECK_STR(cllm_r_null_why(o, &CLLM_F_EN_J_PER_TOKEN), "no energy reading: CPU package: RAPL not readable; GPU: "
              "no GPU");
    CHECK(cJSON_GetObjectItemCaseSensitive(o, "energy_note") == NULL);   /* the reason is under null_reasons */
    cJSON_Delete(o);
}

int main(void)
{
    RUN(test_percentile);
    RUN(test_run_metrics);
    RUN(test_energy_per_token);
    RUN(test_run_without_counters);
    RUN(test_degenerate_runs);
    RUN(test_many_tokens);
    RUN(test_summary_over_runs);
    return test_summary();
}
