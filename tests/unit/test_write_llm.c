/* report/write_llm.c: the LLM section's JSON from the phase's structs — where each fact goes by result shape, runs
 * as many as runs.count (100), skipped runs with their reason, nulls with reasons, the variant labels. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_result.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/write.h"
#include "report/write_llm.h"
#include "test.h"

static struct cllm_llm_model_result *result(enum cllm_llm_result_shape shape, const char *label)
{
    struct cllm_llm_model_result *r = calloc(1, sizeof(*r));
    r->shape = shape;
    r->label = label;
    r->temperature = NAN;
    r->prompt_tokens = -1;
    strcpy(r->model.key, "tiny-test");
    strcpy(r->model.name, "Tiny");
    strcpy(r->model.params, "0.02B");
    strcpy(r->model.quant, "Q4_K_M");
    strcpy(r->model.source, "present");
    strcpy(r->model.file, "/m/tiny.gguf");
    r->model.file_size_gb = 0.02;
    r->model.loaded = true;
    r->model.load_time_s = 0.5;
    r->model.memory_after_load_gb = NAN;
    strcpy(r->model.memory_why, "out of reach");
    return r;
}

/* n runs: the first ok with metrics, the rest skipped after a stall */
static void add_runs(struct cllm_llm_model_result *r, int n)
{
    r->has_runs = true;
    r->n_runs = n;
    r->runs = calloc((size_t)n, sizeof(*r->runs));
    for (int i = 0; i < n; i++) {
        r->runs[i].run = i + 1;
        r->runs[i].status = i == 0 ? "ok" : "skipped";
        if (i == 0) {
            r->runs[i].has_metrics = true;
            r->runs[i].metrics.n_prompt_tokens = 34;
            r->runs[i].metrics.n_tokens = 4;
            r->runs[i].metrics.total_s = 0.5;
            r->runs[i].metrics.tokens_per_second = 8;
            r->runs[i].metrics.first_token_latency_s = 0.1;
            r->runs[i].metrics.decode_tokens_per_second = NAN;
            r->runs[i].memory_before_gb = 1.5;
            r->runs[i].memory_after_gb = 1.75;
        } else {
            strcpy(r->runs[i].text, "skipped after a stall: run 1: no token");
        }
    }
    r->summary.n_runs = n;
    r->summary.n_ok = 1;
    r->summary.tps_mean = 8;
    r->summary.tps_std = 0;
    r->summary.peak_memory_gb = NAN;
    r->summary.stability = "unstable";
    r->prompt_tokens = 34;
    r->status = "ok";
}

static void test_plain_result(void)
{
    struct cllm_llm_model_result *r = result(CLLM_LLM_SHAPE_PLAIN, NULL);
    cJSON *results = cJSON_CreateObject();
    const cJSON *o, *runs, *run0, *run99, *sum, *model;

    add_runs(r, 100);
    r->has_roofline = true;
    r->roofline.bytes_per_token = 2e7;
    r->roofline.ratio_why = "memory bandwidth not measured";
    cllm_write_llm_model_result(results, "tiny-test", r);
    o = cJSON_GetObjectItem(results, "tiny-test");
    model = cllm_r_get(o, &CLLM_F_LLM_MODEL);
    CHECK_STR(cllm_r_str(model, &CLLM_F_LLM_M_QUANT), "Q4_K_M");
    CHECK(cJSON_IsFalse(cllm_r_get(model, &CLLM_F_LLM_M_SYNTHETIC)));
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(model, CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB.name)));
    CHECK_STR(cllm_r_str(cllm_r_get(model, &CLLM_F_NULL_REASONS), &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB),
              "out of reach");
    CHECK(cllm_r_get(o, &CLLM_F_LLM_M_QUANT) == NULL);   /* the facts under "model" only */
    runs = cllm_r_get(o, &CLLM_F_LLM_RUNS);
    CHECK_INT(cJSON_GetArraySize(runs), 100);             /* runs.count up to 100: every one written */
    run0 = cJSON_GetArrayItem(runs, 0);
    run99 = cJSON_GetArrayItem(runs, 99);
    CHECK(cllm_r_num(run0, &CLLM_F_LLM_RUN_TPS) == 8);
    CHECK(cllm_r_num(run0, &CLLM_F_LLM_RUN_PROMPT_TOKENS) == 34);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(run0, CLLM_F_LLM_RUN_DECODE_TPS.name)));
    CHECK(cllm_r_num(run0, &CLLM_F_LLM_RUN_MEMORY_AFTER_GB) == 1.75);
    CHECK_STR(cllm_r_str(run0, &CLLM_F_LLM_RUN_STATUS), "ok");
    CHECK(cllm_r_num(run99, &CLLM_F_LLM_RUN_RUN) == 100);
    CHECK_STR(cllm_r_str(run99, &CLLM_F_LLM_RUN_STATUS), "skipped");
    CHECK_STR(cllm_r_str(run99, &CLLM_F_REASON), "skipped after a stall: run 1: no token");
    CHECK(cllm_r_get(run99, &CLLM_F_LLM_RUN_GENERATED_TOKENS) == NULL);   /* a skipped run has only its why */
    sum = cllm_r_get(o, &CLLM_F_LLM_SUMMARY);
    CHECK(cllm_r_num(sum, &CLLM_F_LLM_AVG_TPS) == 8);
    CHECK(cllm_r_num(sum, &CLLM_F_LLM_RUNS_COUNT) == 100);
    CHECK_STR(cllm_r_str(sum, &CLLM_F_LLM_STABILITY), "unstable");
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cllm_r_get(sum, &CLLM_F_LLM_ROOFLINE), CLLM_F_LLM_RL_RATIO.name)));
    CHECK(cllm_r_num(o, &CLLM_F_LLM_PROMPT_TOKENS) == 34);
    CHECK_STR(cllm_r_str(o, &CLLM_F_LLM_STATUS), "ok");
    CHECK(cllm_r_get(o, &CLLM_F_ERROR) == NULL && cllm_r_get(o, &CLLM_F_REASON) == NULL);

    /* written again: replaced, not doubled */
    r->status = "failed";
    strcpy(r->error, "boom");
    cllm_write_llm_model_result(results, "tiny-test", r);
    CHECK_INT(cJSON_GetArraySize(results), 1);
    CHECK_STR(cllm_r_str(cJSON_GetObjectItem(results, "tiny-test"), &CLLM_F_ERROR), "boom");
    cJSON_Delete(results);
    cllm_llm_model_result_free(r);
    free(r);
}

static void test_variants(void)
{
    struct cllm_llm_model_result *q = result(CLLM_LLM_SHAPE_QUANT, CLLM_LLM_QUANT_VARIANTS[0]->name);
    struct cllm_llm_model_result *t = result(CLLM_LLM_SHAPE_VARIANT, CLLM_LLM_TEMPERATURE_VARIANTS[1]->name);
    struct cllm_llm_model_result *skip = calloc(1, sizeof(*skip));
    cJSON *section = cJSON_CreateObject(), *cmp, *ph, *per;
    const cJSON *v;

    add_runs(q, 2);
    add_runs(t, 2);
    t->temperature = 0.5;
    skip->shape = CLLM_LLM_SHAPE_VARIANT;
    skip->label = CLLM_LLM_TEMPERATURE_VARIANTS[2]->name;
    skip->temperature = NAN;
    skip->status = "skipped";
    strcpy(skip->reason, "skipped after a stall: run 1");
    cmp = cllm_write_ai_comparisons(section);
    per = cllm_write_ai_cmp_model(cllm_write_ai_cmp_phase(cmp, CLLM_LLM_CMP_QUANT), "tiny-test");
    cllm_write_llm_variant(per, CLLM_LLM_CMP_QUANT, q);
    ph = cllm_write_ai_cmp_phase(cmp, CLLM_LLM_CMP_TEMPERATURE);
    per = cllm_write_ai_cmp_model(ph, "tiny-test");
    cllm_write_llm_variant(per, CLLM_LLM_CMP_TEMPERATURE, t);
    cllm_write_llm_variant(per, CLLM_LLM_CMP_TEMPERATURE, skip);
    cllm_write_ai_cmp_status(cmp, "ok", NULL);

    /* quantization: every fact inline */
    v = cJSON_GetObjectItem(cJSON_GetObjectItem(cllm_r_get(cmp, &CLLM_F_AI_CMP_QUANTIZATION), "tiny-test"), "Q2_K");
    CHECK_STR(cllm_r_str(v, &CLLM_F_LLM_M_KEY), "tiny-test");
    CHECK_STR(cllm_r_str(v, &CLLM_F_LLM_M_FILE), "/m/tiny.gguf");
    CHECK(cllm_r_num(v, &CLLM_F_LLM_M_LOAD_TIME_S) == 0.5);
    CHECK(cllm_r_get(v, &CLLM_F_LLM_MODEL) == NULL);
    CHECK(cllm_r_get(v, &CLLM_F_LLM_V_TEMPERATURE) == NULL);
    CHECK_INT(cJSON_GetArraySize(cllm_r_get(v, &CLLM_F_LLM_RUNS)), 2);
    /* temperature: the shared facts and the temperature */
    v = cJSON_GetObjectItem(cJSON_GetObjectItem(ph, "tiny-test"), "medium");
    CHECK_STR(cllm_r_str(v, &CLLM_F_LLM_M_QUANT), "Q4_K_M");
    CHECK(cllm_r_num(v, &CLLM_F_LLM_M_FILE_SIZE_GB) == 0.02);
    CHECK(cllm_r_get(v, &CLLM_F_LLM_M_KEY) == NULL && cllm_r_get(v, &CLLM_F_LLM_M_FILE) == NULL);
    CHECK(cllm_r_num(v, &CLLM_F_LLM_V_TEMPERATURE) == 0.5);
    /* a variant that did not run: its status and why, nothing else */
    v = cJSON_GetObjectItem(cJSON_GetObjectItem(ph, "tiny-test"), "high");
    CHECK_INT(cJSON_GetArraySize(v), 2);
    CHECK_STR(cllm_r_str(v, &CLLM_F_LLM_STATUS), "skipped");
    CHECK_STR(cllm_r_str(v, &CLLM_F_REASON), "skipped after a stall: run 1");
    CHECK_STR(cllm_r_str(cmp, &CLLM_F_AI_CMP_STATUS), "ok");
    cJSON_Delete(section);
    cllm_llm_model_result_free(q);
    cllm_llm_model_result_free(t);
    free(q);
    free(t);
    free(skip);
}

static void test_section(void)
{
    cJSON *section = cJSON_CreateObject();
    struct cllm_ai_llama lib;

    cllm_write_ai_skipped(section, "--skip-ai given");
    CHECK(cJSON_IsObject(cllm_r_get(section, &CLLM_F_AI_RESULTS)));
    CHECK_STR(cllm_r_str(section, &CLLM_F_AI_STATUS), "skipped");
    CHECK_STR(cllm_r_str(section, &CLLM_F_REASON), "--skip-ai given");
    cJSON_Delete(section);

    section = cJSON_CreateObject();
    memset(&lib, 0, sizeof(lib));
    strcpy(lib.error, "no libllama");
    CHECK(cllm_write_ai_results(section) == cllm_write_ai_results(section));   /* made once */
    cllm_write_ai_start(section, "data/models.json", &lib);
    cllm_write_ai_status(section, "running", NULL);
    cllm_write_ai_status(section, "failed", "no model");
    CHECK_STR(cllm_r_str(cllm_r_get(section, &CLLM_F_AI_LLAMA), &CLLM_F_ERROR), "no libllama");
    CHECK_STR(cllm_r_str(section, &CLLM_F_AI_REGISTRY), "data/models.json");
    CHECK_STR(cllm_r_str(section, &CLLM_F_AI_STATUS), "failed");
    CHECK_STR(cllm_r_str(section, &CLLM_F_ERROR), "no model");
    CHECK_INT(cJSON_GetArraySize(section), 5);   /* results, registry, llama, status, error: nothing twice */
    cJSON_Delete(section);
}

int main(void)
{
    RUN(test_plain_result);
    RUN(test_variants);
    RUN(test_section);
    return test_summary();
}
