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
    CHECK(strstr(buf, "cpu_multi_thread,1024x1024,GFLOPS,higher,100,200,2\r\n") != NULL);
    CHECK(strstr(buf, "cpu_multi_thread,2048x2048,GFLOPS,higher,120,,\r\n") != NULL);
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

int main(void)
{
    RUN(test_ratios);
    RUN(test_missing_values);
    RUN(test_row_order_and_baseline);
    RUN(test_outputs);
    RUN(test_serving);
    RUN(test_long_model_key);
    return test_summary();
}
