/* The comparison table: rows per metric, ratios to the baseline, missing values, lower-is-better rows. */
#include <cjson/cJSON.h>

#include "report/compare.h"
#include "test.h"

/* Two machines: B has double A's multi-thread GFLOPS at 1024, half its first-token latency, no GPU data on A,
 * a model only B ran, and no 2048 size on B. */
static const char *const machine_a =
    "{\"schema_version\":1,\"id\":\"20260101_000000\",\"timestamp\":\"t\","
    "\"hardware\":{\"cpu\":{\"model\":\"CPU A\"},\"gpu\":{\"devices\":[]}},"
    "\"classic_benchmarks\":{\"benchmarks\":{"
    " \"cpu_multi_thread\":{\"results\":{\"1024x1024\":{\"gflops\":100},\"2048x2048\":{\"gflops\":120}}},"
    " \"memory_bandwidth\":{\"write_gbps\":20,\"read_gbps\":30,\"copy_gbps\":40,\"triad_gbps\":null}}},"
    "\"ai_benchmarks\":{\"results\":{\"m1\":{\"summary\":{\"avg_tokens_per_second\":10,"
    " \"std_tokens_per_second\":0.5,\"avg_first_token_latency_s\":0.4,\"peak_memory_gb\":2,"
    " \"avg_decode_joules_per_token\":2.0}}}}}";
static const char *const machine_b =
    "{\"schema_version\":1,\"id\":\"20260102_000000\",\"timestamp\":\"t\","
    "\"hardware\":{\"cpu\":{\"model\":\"CPU B\"},\"gpu\":{\"devices\":[{\"name\":\"GPU B\"}]}},"
    "\"classic_benchmarks\":{\"benchmarks\":{"
    " \"cpu_multi_thread\":{\"results\":{\"1024x1024\":{\"gflops\":200}}},"
    " \"memory_bandwidth\":{\"write_gbps\":20,\"read_gbps\":60,\"copy_gbps\":40,\"triad_gbps\":50},"
    " \"gpu_compute\":{\"summary\":{\"fp16_tflops\":500},\"memory\":{\"d2d\":{\"best_gbps\":3000}}}}},"
    "\"ai_benchmarks\":{\"results\":{\"m1\":{\"summary\":{\"avg_tokens_per_second\":30,"
    " \"avg_first_token_latency_s\":0.2,\"peak_memory_gb\":3,\"avg_decode_joules_per_token\":0.5}},"
    " \"m2\":{\"summary\":{\"avg_tokens_per_second\":5,\"avg_decode_joules_per_token\":null,"
    " \"null_reasons\":{\"avg_decode_joules_per_token\":\"no energy reading\"}}}}}}";

static const struct cllm_compare_row *find(const struct cllm_compare_table *t, const char *family, const char *name)
{
    for (int i = 0; i < t->n_rows; i++)
        if (strcmp(t->rows[i].family, family) == 0 && strcmp(t->rows[i].name, name) == 0)
            return &t->rows[i];
    return NULL;
}

static struct cllm_compare_table *build(int baseline)
{
    const cJSON *trees[2] = {cJSON_Parse(machine_a), cJSON_Parse(machine_b)};
    const char *origins[2] = {"a.json", "b.json"};
    struct cllm_compare_table *t = NULL;
    char err[256];
    CHECK(trees[0] && trees[1]);
    CHECK_INT(cllm_compare_build(trees, origins, 2, baseline, &t, err, sizeof(err)), CLLM_OK);
    cJSON_Delete((cJSON *)trees[0]);
    cJSON_Delete((cJSON *)trees[1]);
    return t;
}

static void test_ratios(void)
{
    struct cllm_compare_table *t = build(0);
    const struct cllm_compare_row *r;
    if (!t)
        return;
    CHECK_INT(t->n_machines, 2);
    CHECK_STR(t->machines[0].label, "CPU A / no GPU / 20260101_000000");
    CHECK_STR(t->machines[1].label, "CPU B / GPU B / 20260102_000000");
    r = find(t, "cpu_multi_thread", "1024x1024");
    CHECK(r && r->ratios[1] == 2.0 && r->ratios[0] == 1.0 && !r->lower_is_better);
    r = find(t, "memory_bandwidth", "read");
    CHECK(r && r->ratios[1] == 2.0);
    r = find(t, "ai_first_token_latency", "m1");
    CHECK(r && r->lower_is_better && r->ratios[1] == 0.5);
    r = find(t, "ai_peak_memory", "m1");
    CHECK(r && r->lower_is_better);
    r = find(t, "ai_tokens_per_second", "m1");
    CHECK(r && r->ratios[1] == 3.0 && r->std[0] == 0.5 && isnan(r->std[1]));
    /* J/token: lower is better, a ratio where both files have it; a model whose J/token is null on both: no row */
    r = find(t, "ai_decode_joules_per_token", "m1");
    CHECK(r && r->lower_is_better && r->values[0] == 2.0 && r->values[1] == 0.5 && r->ratios[1] == 0.25);
    CHECK(r && strcmp(r->unit, "J/token") == 0);
    CHECK(find(t, "ai_decode_joules_per_token", "m2") == NULL);
    cllm_compare_free(t);
}

static void test_missing_values(void)
{
    struct cllm_compare_table *t = build(0);
    const struct cllm_compare_row *r;
    if (!t)
        return;
    r = find(t, "cpu_multi_thread", "2048x2048");   /* only A */
    CHECK(r && r->values[0] == 120 && isnan(r->values[1]) && isnan(r->ratios[1]));
    r = find(t, "memory_bandwidth", "triad");       /* null on A: the baseline is missing */
    CHECK(r && isnan(r->values[0]) && r->values[1] == 50 && isnan(r->ratios[1]));
    r = find(t, "gpu_compute", "fp16");
    CHECK(r && isnan(r->values[0]) && r->values[1] == 500);
    CHECK(find(t, "gpu_compute", "fp32") == NULL);   /* no file has it: no row */
    CHECK(find(t, "ai_tokens_per_second", "m2") != NULL);
    CHECK(find(t, "cpu_single_thread", "1024x1024") == NULL);
    cllm_compare_free(t);
}

static void test_row_order_and_baseline(void)
{
    struct cllm_compare_table *t = build(1);
    char err[256];
    if (!t)
        return;
    /* families keep the documented order; sizes keep the first file's order */
    CHECK_STR(t->rows[0].family, "cpu_multi_thread");
    CHECK_STR(t->rows[0].name, "1024x1024");
    CHECK_STR(t->rows[1].name, "2048x2048");
    CHECK_STR(t->rows[t->n_rows - 1].family, "ai_peak_memory");
    CHECK(find(t, "cpu_multi_thread", "1024x1024")->ratios[0] == 0.5);
    cllm_compare_free(t);

    const cJSON *one[1] = {cJSON_Parse(machine_a)};
    t = NULL;
    CHECK_INT(cllm_compare_build(one, NULL, 1, 1, &t, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(t == NULL && strstr(err, "baseline") != NULL);
    cJSON_Delete((cJSON *)one[0]);
}

static void test_outputs(void)
{
    struct cllm_compare_table *t = build(0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    cJSON *j;
    if (!t)
        return;
    j = cllm_compare_to_json(t);
    CHECK(j != NULL);
    const cJSON *rows = cJSON_GetObjectItem(j, "rows");
    CHECK(cJSON_GetArraySize(rows) == t->n_rows);
    const cJSON *r0 = cJSON_GetArrayItem(rows, 1);   /* 2048x2048: B missing */
    CHECK(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItem(r0, "values"), 1)));
    cJSON_Delete(j);

    f = open_memstream(&buf, &len);
    CHECK_INT(cllm_compare_write(t, CLLM_COMPARE_TEXT, f), CLLM_OK);
    fclose(f);
    CHECK(strstr(buf, "2.00x") != NULL);
    CHECK(strstr(buf, "\xe2\x80\x94") != NULL);   /* the dash of a missing value */
    CHECK(strstr(buf, "lower") != NULL);
    free(buf);

    f = open_memstream(&buf, &len);
    CHECK_INT(cllm_compare_write(t, CLLM_COMPARE_CSV, f), CLLM_OK);
    fclose(f);
    /* then the verdict's columns: no samples in these files (not enough runs), a missing value (none) */
    CHECK(strstr(buf, "cpu_multi_thread,1024x1024,GFLOPS,higher,100,200,2,not_enough_runs,,,,0,0\r\n") != NULL);
    CHECK(strstr(buf, "cpu_multi_thread,2048x2048,GFLOPS,higher,120,,,,,,,0,0\r\n") != NULL);
    free(buf);

    f = open_memstream(&buf, &len);
    CHECK_INT(cllm_compare_write_html(t, "var x = '</script>';", f), CLLM_OK);
    fclose(f);
    CHECK(strstr(buf, "var x = '<\\/script>';") != NULL);   /* the inlined library cannot end its element */
    CHECK(strstr(buf, "\"family\":\"gpu_compute\"") != NULL);
    free(buf);
    cllm_compare_free(t);
}

/* serve-bench files: no classic or AI numbers, a row per concurrency level that ran to its end */
static void test_serving(void)
{
    static const char *const serve_a =
        "{\"schema_version\":1,\"id\":\"20260103_000000\",\"timestamp\":\"t\",\"hardware\":{\"cpu\":{}},"
        "\"classic_benchmarks\":{\"status\":\"skipped\"},\"ai_benchmarks\":{\"status\":\"skipped\"},"
        "\"serving_benchmarks\":{\"levels\":[{\"concurrency\":1,\"status\":\"ok\",\"output_tokens_per_second\":50,"
        " \"requests_per_second\":4,"
        " \"ttft_s\":{\"p50\":0.1},\"itl_s\":{\"p50\":0.02}},{\"concurrency\":4,\"status\":\"ok\","
        " \"output_tokens_per_second\":160,\"ttft_s\":{\"p50\":0.3},\"itl_s\":{\"p50\":0.025}}]}}";
    static const char *const serve_b =
        "{\"schema_version\":1,\"id\":\"20260104_000000\",\"timestamp\":\"t\",\"hardware\":{\"cpu\":{}},"
        "\"serving_benchmarks\":{\"levels\":[{\"concurrency\":1,\"status\":\"ok\",\"output_tokens_per_second\":100,"
        " \"requests_per_second\":3,"
        " \"ttft_s\":{\"p50\":0.05},\"itl_s\":{\"p50\":0.01}},{\"concurrency\":4,\"status\":\"cancelled\","
        " \"output_tokens_per_second\":1}]}}";
    const cJSON *trees[2] = {cJSON_Parse(serve_a), cJSON_Parse(serve_b)};
    struct cllm_compare_table *t = NULL;
    const struct cllm_compare_row *r;
    char err[256];
    CHECK(trees[0] && trees[1]);
    CHECK_INT(cllm_compare_build(trees, NULL, 2, 0, &t, err, sizeof(err)), CLLM_OK);
    if (t) {
        CHECK_INT(t->n_rows, 7);   /* c=1: tokens/s, req/s, TTFT, ITL; c=4: no req/s in the file */
        r = find(t, "serving_output_tokens_per_second", "c=1");
        CHECK(r && !r->lower_is_better && r->ratios[1] == 2.0);
        r = find(t, "serving_ttft_p50", "c=1");
        CHECK(r && r->lower_is_better && r->ratios[1] == 0.5);
        r = find(t, "serving_requests_per_second", "c=1");
        CHECK(r && !r->lower_is_better && r->values[0] == 4 && r->ratios[1] == 0.75);
        r = find(t, "serving_output_tokens_per_second", "c=4");   /* the cancelled level is not a number */
        CHECK(r && r->values[0] == 160 && isnan(r->values[1]));
        CHECK(find(t, "serving_itl_p50", "c=4") != NULL);
    }
    cllm_compare_free(t);
    cJSON_Delete((cJSON *)trees[0]);
    cJSON_Delete((cJSON *)trees[1]);
}

/* A model key longer than a row's name field (an untrusted file's) still lands in one row with both machines'
 * values and a ratio, not in a row per machine with NaN ratios (a fuzz finding). */
static void test_long_model_key(void)
{
    char key[301], text[2][1024], err[256];
    cJSON *trees[2];
    const char *origins[2] = {"a.json", "b.json"};
    struct cllm_compare_table *t = NULL;
    int rows = 0;

    memset(key, 'k', 300);
    key[300] = '\0';
    for (int i = 0; i < 2; i++) {
        snprintf(text[i], sizeof(text[i]),
                 "{\"schema_version\":1,\"id\":\"2026010%d_000000\",\"timestamp\":\"t\",\"hardware\":{\"cpu\":"
                 "{\"model\":\"CPU\"},\"gpu\":{\"devices\":[]}},\"ai_benchmarks\":{\"results\":{\"%s\":{\"summary\":"
                 "{\"avg_tokens_per_second\":%d}}}}}", i + 1, key, 10 * (i + 1));
        trees[i] = cJSON_Parse(text[i]);
        CHECK(trees[i] != NULL);
    }
    CHECK_INT(cllm_compare_build((const cJSON *const *)trees, origins, 2, 0, &t, err, sizeof(err)), CLLM_OK);
    for (int i = 0; t && i < t->n_rows; i++)
        if (strcmp(t->rows[i].family, "ai_tokens_per_second") == 0) {
            rows++;
            CHECK(t->rows[i].values[0] == 10 && t->rows[i].values[1] == 20);
            CHECK(t->rows[i].ratios[1] == 2.0);
        }
    CHECK_INT(rows, 1);
    cllm_compare_free(t);
    cJSON_Delete(trees[0]);
    cJSON_Delete(trees[1]);
}

/* Per-run samples (numbers from tests/unit/stats_reference.py): tokens/s clearly separated (B faster), first-token
 * latency overlapping (no difference), decode tokens/s with equal means, J/token with one run on B (not enough),
 * GEMM times halved on B (the rate doubles: faster), memory passes without spread (an exact 2×). A failed run's
 * values are not samples. */
#define RUN_OK(tps, ttft, dec) "{\"status\":\"ok\",\"tokens_per_second\":" #tps ",\"first_token_latency_s\":" #ttft \
    ",\"decode_tokens_per_second\":" #dec ",\"decode_energy\":{\"joules_per_token\":0.5}}"
static const char *const samples_a =
    "{\"schema_version\":1,\"id\":\"a\",\"timestamp\":\"t\",\"hardware\":{\"cpu\":{\"model\":\"CPU A\"}},"
    "\"classic_benchmarks\":{\"benchmarks\":{"
    " \"cpu_multi_thread\":{\"results\":{\"512x512\":{\"gflops\":1342.2,\"times_s\":[0.20,0.21,0.19]}}},"
    " \"memory_bandwidth\":{\"triad_gbps\":8,\"results\":{\"all_threads\":{\"triad\":{\"gbps\":8,"
    "  \"bytes_per_pass\":8e9,\"times_s\":[1,1,1]}}}}}},"
    "\"ai_benchmarks\":{\"results\":{\"m\":{\"summary\":{\"avg_tokens_per_second\":10.1,"
    " \"avg_first_token_latency_s\":0.54,\"avg_decode_tokens_per_second\":11,\"avg_decode_joules_per_token\":0.5},"
    " \"runs\":[" RUN_OK(10.1, 0.52, 10) "," RUN_OK(10.3, 0.61, 11) "," RUN_OK(9.9, 0.48, 12) ","
    "  {\"status\":\"failed\",\"tokens_per_second\":1000}," RUN_OK(10.2, 0.55, null) ","
    "  {\"status\":\"ok\",\"tokens_per_second\":10.0}]}}}}";
static const char *const samples_b =
    "{\"schema_version\":1,\"id\":\"b\",\"timestamp\":\"t\",\"hardware\":{\"cpu\":{\"model\":\"CPU B\"}},"
    "\"classic_benchmarks\":{\"benchmarks\":{"
    " \"cpu_multi_thread\":{\"results\":{\"512x512\":{\"gflops\":2684.4,\"times_s\":[0.10,0.11,0.09]}}},"
    " \"memory_bandwidth\":{\"triad_gbps\":16,\"results\":{\"all_threads\":{\"triad\":{\"gbps\":16,"
    "  \"bytes_per_pass\":8e9,\"times_s\":[0.5,0.5]}}}}}},"
    "\"ai_benchmarks\":{\"results\":{\"m\":{\"summary\":{\"avg_tokens_per_second\":12.5,"
    " \"avg_first_token_latency_s\":0.51,\"avg_decode_tokens_per_second\":11,\"avg_decode_joules_per_token\":0.4},"
    " \"runs\":[{\"status\":\"ok\",\"tokens_per_second\":12.4,\"first_token_latency_s\":0.50,"
    "  \"decode_tokens_per_second\":12,\"decode_energy\":{\"joules_per_token\":0.4}},"
    "  {\"status\":\"ok\",\"tokens_per_second\":12.6,\"first_token_latency_s\":0.47,\"decode_tokens_per_second\":10},"
    "  {\"status\":\"ok\",\"tokens_per_second\":12.5,\"first_token_latency_s\":0.58,\"decode_tokens_per_second\":11},"
    "  {\"status\":\"ok\",\"tokens_per_second\":12.3,\"first_token_latency_s\":0.49},"
    "  {\"status\":\"ok\",\"tokens_per_second\":12.7}]}}}}";

static struct cllm_compare_table *build_samples(int baseline)
{
    const cJSON *trees[2] = {cJSON_Parse(samples_a), cJSON_Parse(samples_b)};
    struct cllm_compare_table *t = NULL;
    char err[256];
    CHECK(trees[0] && trees[1]);
    CHECK_INT(cllm_compare_build(trees, NULL, 2, baseline, &t, err, sizeof(err)), CLLM_OK);
    cJSON_Delete((cJSON *)trees[0]);
    cJSON_Delete((cJSON *)trees[1]);
    return t;
}

static void test_verdicts(void)
{
    struct cllm_compare_table *t = build_samples(0);
    const struct cllm_compare_row *r;
    const struct cllm_compare_stat *s;
    char text[128];
    if (!t)
        return;
    r = find(t, "ai_tokens_per_second", "m");
    CHECK(r && r->n_samples[0] == 5 && r->n_samples[1] == 5);   /* the failed run is not a sample */
    s = &r->stats[1];
    CHECK_INT(s->verdict, CLLM_VERDICT_FASTER);
    CHECK(s->n_a == 5 && s->n_b == 5);
    CHECK_NEAR(s->ratio, 1.23762376238, 1e-9);
    CHECK_NEAR(s->ci_low, 1.21225301447, 1e-9);
    CHECK_NEAR(s->ci_high, 1.26363983644, 1e-9);
    CHECK_NEAR(s->df, 8.0, 1e-9);
    CHECK_NEAR(s->p_value, 9.68189341491e-09, 1e-15);
    cllm_compare_verdict_text(s, text, sizeof(text));
    CHECK_STR(text, "faster (1.24\xc3\x97, CI 1.21\xe2\x80\x93" "1.26)");
    CHECK_INT(r->stats[0].verdict, CLLM_VERDICT_NONE);   /* the baseline against itself */

    r = find(t, "ai_first_token_latency", "m");   /* lower is better; overlapping samples */
    s = &r->stats[1];
    CHECK_INT(s->verdict, CLLM_VERDICT_NO_DIFFERENCE);
    CHECK_NEAR(s->ratio, 0.944444444444, 1e-9);
    CHECK_NEAR(s->ci_low, 0.796421312626, 1e-9);
    CHECK_NEAR(s->ci_high, 1.12223921403, 1e-9);
    CHECK_NEAR(s->p_value, 0.44319878866, 1e-9);
    cllm_compare_verdict_text(s, text, sizeof(text));
    CHECK_STR(text, "no significant difference");

    r = find(t, "ai_decode_tokens_per_second", "m");   /* equal means: t = 0 */
    CHECK(r->n_samples[0] == 3 && r->n_samples[1] == 3);
    CHECK_INT(r->stats[1].verdict, CLLM_VERDICT_NO_DIFFERENCE);
    CHECK_NEAR(r->stats[1].p_value, 1.0, 1e-12);

    r = find(t, "ai_decode_joules_per_token", "m");   /* one run on B */
    s = &r->stats[1];
    CHECK_INT(s->verdict, CLLM_VERDICT_NOT_ENOUGH_RUNS);
    CHECK(s->n_a == 4 && s->n_b == 1 && isnan(s->ci_low) && isnan(s->p_value));
    cllm_compare_verdict_text(s, text, sizeof(text));
    CHECK_STR(text, "not enough runs");
    CHECK_INT(find(t, "ai_peak_memory", "m") == NULL, 1);   /* neither file has it */

    r = find(t, "cpu_multi_thread", "512x512");   /* times: the rate ratio is the inverse of theirs */
    s = &r->stats[1];
    CHECK(r->samples_are_times);
    CHECK_INT(s->verdict, CLLM_VERDICT_FASTER);
    CHECK_NEAR(s->ratio, 2.0, 1e-12);
    CHECK_NEAR(r->ratios[1], 2.0, 1e-12);   /* the same as the ratio column */
    CHECK_NEAR(s->ci_low, 1.685802203412, 1e-9);
    CHECK_NEAR(s->ci_high, 2.419690447728, 1e-9);
    CHECK_NEAR(s->df, 4.0, 1e-9);

    r = find(t, "memory_bandwidth", "triad");   /* no spread on either side: exact */
    s = &r->stats[1];
    CHECK_INT(s->verdict, CLLM_VERDICT_FASTER);
    CHECK(s->ratio == 2.0 && s->ci_low == 2.0 && s->ci_high == 2.0 && s->p_value == 0 && isnan(s->df));
    cllm_compare_verdict_text(s, text, sizeof(text));
    CHECK_STR(text, "faster (2.000\xc3\x97, CI 2.000\xe2\x80\x93" "2.000)");
    cllm_compare_free(t);

    /* B as the baseline: A is slower on tokens/s, worse (higher) on nothing significant; latency stays none */
    t = build_samples(1);
    if (!t)
        return;
    s = &find(t, "ai_tokens_per_second", "m")->stats[0];
    CHECK_INT(s->verdict, CLLM_VERDICT_SLOWER);
    CHECK_NEAR(s->ratio, 1 / 1.23762376238, 1e-9);
    CHECK(s->n_a == 5 && s->n_b == 5);
    CHECK_INT(find(t, "cpu_multi_thread", "512x512")->stats[0].verdict, CLLM_VERDICT_SLOWER);
    cllm_compare_free(t);
}

static void test_verdict_lower_is_better(void)
{
    /* first-token latency clearly lower on B: "better"; clearly higher: "worse" */
    static const char *const fmt =
        "{\"id\":\"%s\",\"ai_benchmarks\":{\"results\":{\"m\":{\"summary\":{\"avg_first_token_latency_s\":%s},"
        "\"runs\":[{\"status\":\"ok\",\"first_token_latency_s\":%s},{\"status\":\"ok\",\"first_token_latency_s\":%s},"
        "{\"status\":\"ok\",\"first_token_latency_s\":%s}]}}}}";
    char a[512], b[512], text[128];
    struct cllm_compare_table *t = NULL;
    char err[256];
    snprintf(a, sizeof(a), fmt, "a", "0.2", "0.20", "0.21", "0.19");
    snprintf(b, sizeof(b), fmt, "b", "0.1", "0.10", "0.11", "0.09");
    const cJSON *trees[2] = {cJSON_Parse(a), cJSON_Parse(b)};
    CHECK(trees[0] && trees[1]);
    CHECK_INT(cllm_compare_build(trees, NULL, 2, 0, &t, err, sizeof(err)), CLLM_OK);
    if (t) {
        const struct cllm_compare_stat *s = &find(t, "ai_first_token_latency", "m")->stats[1];
        CHECK_INT(s->verdict, CLLM_VERDICT_BETTER);
        CHECK_NEAR(s->ratio, 0.5, 1e-12);
        CHECK_NEAR(s->ci_low, 1 / 2.419690447728, 1e-9);   /* the times case above, the other way round */
        CHECK_NEAR(s->ci_high, 1 / 1.685802203412, 1e-9);
        cllm_compare_verdict_text(s, text, sizeof(text));
        CHECK_STR(text, "better (0.50\xc3\x97, CI 0.41\xe2\x80\x93" "0.59)");
        cllm_compare_free(t);
    }
    t = NULL;
    CHECK_INT(cllm_compare_build(trees, NULL, 2, 1, &t, err, sizeof(err)), CLLM_OK);
    if (t) {
        CHECK_INT(find(t, "ai_first_token_latency", "m")->stats[0].verdict, CLLM_VERDICT_WORSE);
        cllm_compare_free(t);
    }
    cJSON_Delete((cJSON *)trees[0]);
    cJSON_Delete((cJSON *)trees[1]);
}

static void test_verdict_outputs(void)
{
    struct cllm_compare_table *t = build_samples(0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f;
    cJSON *j;
    if (!t)
        return;
    j = cllm_compare_to_json(t);
    CHECK(j != NULL);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "method")), "welch-fieller");
    const cJSON *rows = cJSON_GetObjectItem(j, "rows"), *row;
    cJSON_ArrayForEach(row, rows)
        if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(row, "family")), "ai_tokens_per_second") == 0)
            break;
    CHECK(row != NULL);
    if (row) {
        const cJSON *st = cJSON_GetArrayItem(cJSON_GetObjectItem(row, "stats"), 1);
        CHECK(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItem(row, "stats"), 0)));
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(st, "verdict")), "faster");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(st, "method")), "welch-fieller");
        CHECK_NEAR(cJSON_GetObjectItem(st, "ci_low")->valuedouble, 1.21225301447, 1e-9);
        CHECK_NEAR(cJSON_GetObjectItem(st, "ci_high")->valuedouble, 1.26363983644, 1e-9);
        CHECK_INT(cJSON_GetObjectItem(st, "n_a")->valueint, 5);
        CHECK_INT(cJSON_GetObjectItem(st, "n_b")->valueint, 5);
        CHECK_INT(cJSON_GetArrayItem(cJSON_GetObjectItem(row, "n"), 0)->valueint, 5);
    }
    cJSON_Delete(j);

    f = open_memstream(&buf, &len);
    CHECK_INT(cllm_compare_write(t, CLLM_COMPARE_TEXT, f), CLLM_OK);
    fclose(f);
    CHECK(strstr(buf, "[2] vs [1]") != NULL);
    CHECK(strstr(buf, "faster (1.24\xc3\x97, CI 1.21\xe2\x80\x93" "1.26)") != NULL);
    CHECK(strstr(buf, "not enough runs") != NULL);
    CHECK(strstr(buf, "no significant difference") != NULL);
    free(buf);

    f = open_memstream(&buf, &len);
    CHECK_INT(cllm_compare_write(t, CLLM_COMPARE_CSV, f), CLLM_OK);
    fclose(f);
    CHECK(strstr(buf, ",verdict CPU B / no GPU / b / CPU A / no GPU / a,") != NULL);
    CHECK(strstr(buf, "ai_tokens_per_second,m,tokens/s,higher,10.1,12.5,1.23762,faster,1.23762,1.21225,1.26364,5,5\r\n")
          != NULL);
    free(buf);
    cllm_compare_free(t);
}

int main(void)
{
    RUN(test_verdicts);
    RUN(test_verdict_lower_is_better);
    RUN(test_verdict_outputs);
    RUN(test_ratios);
    RUN(test_missing_values);
    RUN(test_row_order_and_baseline);
    RUN(test_outputs);
    RUN(test_serving);
    RUN(test_long_model_key);
    return test_summary();
}
