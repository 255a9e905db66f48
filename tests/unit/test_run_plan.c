/* The run's plan (app/run_plan.h): its steps in the order cllm_run_benchmark goes through them, the positions the
 * AI phase reports found in it, and the tracker's share done: never back, below 1 until the run completed, a
 * classic-only run past one half once its phases are done, a download's bytes within its step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/run.h"
#include "app/run_plan.h"
#include "hw/hw.h"
#include "llm/llm_result.h"
#include "test.h"

static char models_file[512], models_dir[256];

#define ARCH "\"arch\": {\"arch\": \"llama\", \"n_layer\": 2, \"n_embd\": 256, \"n_ff\": 512, \"n_head\": 4, " \
             "\"n_head_kv\": 2, \"n_vocab\": 32000, \"n_ctx_train\": 2048, \"rope_theta\": 10000.0, " \
             "\"rms_norm_eps\": 1e-5}, "

static void setup(void)
{
    FILE *f;
    snprintf(models_dir, sizeof(models_dir), "/tmp/cllm_plan_XXXXXX");
    if (!mkdtemp(models_dir))
        abort();
    snprintf(models_file, sizeof(models_file), "%s/models.json", models_dir);
    f = fopen(models_file, "w");
    if (!f)
        abort();
    fputs("{\"models\": {\"plan-a\": {\"name\": \"Plan A\", \"params\": \"1B\", \"repo\": \"none/none\", "
          "\"default_quant\": \"Q4_K_M\", \"min_ram_gb\": 0.5, \"chat_template\": \"zephyr\", " ARCH
          "\"quants\": {\"Q4_K_M\": {\"file\": \"a.gguf\", "
          "\"size_gb\": 0.5, \"min_ram_gb\": 0.5}}}, "
          "\"plan-b\": {\"name\": \"Plan B\", \"params\": \"2B\", \"repo\": \"none/none\", \"default_quant\": \"Q4_K_M\", "
          "\"min_ram_gb\": 0.5, \"chat_template\": \"zephyr\", " ARCH
          "\"quants\": {\"Q4_K_M\": {\"file\": \"b.gguf\", \"size_gb\": 1.0, "
          "\"min_ram_gb\": 0.5}}}}}",
          f);
    fclose(f);
}

static struct cllm_run_params params(void)
{
    struct cllm_run_params p = cllm_run_default_params();
    p.ai.models_file = models_file;
    p.ai.models_dir = models_dir;
    p.ai.allow_download = false;
    p.cfg.n_models = 2;
    snprintf(p.cfg.models[0], sizeof(p.cfg.models[0]), "plan-a");
    snprintf(p.cfg.models[1], sizeof(p.cfg.models[1]), "plan-b");
    p.cfg.runs = 3;
    return p;
}

static struct cllm_hw_info *machine(void)
{
    struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
    if (!hw)
        abort();
    hw->cpu.logical_cores = 2;
    return hw;
}

static void test_steps_in_run_order(void)
{
    struct cllm_run_params p = params();
    struct cllm_hw_info *hw = machine();
    struct cllm_run_plan plan;
    double sum = 0;

    p.ai.compare = CLLM_AI_COMPARE_TEMPERATURE;
    CHECK_INT(cllm_run_plan_build(&p, hw, &plan), CLLM_OK);
    /* detection, 4 classic phases, per model file + load + warmup + 3 runs, the ladder of the first, the
     * temperature phase per model (one load, 3 variants x 3 runs), the results file */
    CHECK_INT(plan.n, 1 + 4 + 2 * 6 + 1 + 2 * (3 + 9) + 1);
    CHECK_STR(cllm_plan_step_kind_name(&plan.steps[0]), "detect");
    CHECK_STR(plan.steps[1].label, "cpu_single_thread");
    CHECK_STR(plan.steps[4].label, "gpu_compute");
    CHECK_STR(plan.steps[5].label, "plan-a: model file");
    CHECK_STR(plan.steps[10].label, "plan-a: run 3/3");
    CHECK_STR(plan.steps[11].label, "plan-a: ladder");
    CHECK_STR(plan.steps[12].label, "plan-b: model file");
    CHECK_STR(plan.steps[18].label, "plan-a, temperature low: model file");
    CHECK_STR(plan.steps[21].label, "plan-a, temperature low: run 1/3");
    CHECK_STR(plan.steps[24].label, "plan-a, temperature medium: run 1/3");
    CHECK_STR(plan.steps[plan.n - 1].label, "results file");
    CHECK_STR(cllm_plan_step_kind_name(&plan.steps[plan.n - 1]), "save");
    for (int i = 0; i < plan.n; i++) {
        CHECK(plan.steps[i].weight_s > 0);
        sum += plan.steps[i].weight_s;
    }
    CHECK(fabs(sum - plan.total_s) < 1e-9);
    /* the larger model's runs weigh more (decode reads the whole model per token) */
    CHECK(plan.steps[15].weight_s > plan.steps[8].weight_s);

    /* the AI phase's positions, found from the cursor on */
    {
        struct cllm_ai_pos run3 = {0, 0, 0, CLLM_AI_STAGE_RUN, 2};
        struct cllm_ai_pos medium = {1 + CLLM_LLM_CMP_TEMPERATURE, 0, 1, CLLM_AI_STAGE_RUN, 0};
        struct cllm_ai_pos nowhere = {1 + CLLM_LLM_CMP_QUANT, 0, 0, CLLM_AI_STAGE_PREPARE, 0};
        CHECK_INT(cllm_run_plan_find_ai(&plan, 0, &run3), 10);
        CHECK_INT(cllm_run_plan_find_ai(&plan, 11, &run3), -1);
        CHECK_INT(cllm_run_plan_find_ai(&plan, 0, &medium), 24);
        CHECK_INT(cllm_run_plan_find_ai(&plan, 0, &nowhere), -1);
        CHECK_INT(cllm_run_plan_find_classic(&plan, 0, 2), 3);
        CHECK_INT(cllm_run_plan_find_classic(&plan, 4, 2), -1);
    }
    cllm_run_plan_free(&plan);

    /* a server engine: no ladder; --skip-classic: no classic step */
    p.ai.server_url = "http://127.0.0.1:1";
    p.skip_classic = true;
    p.ai.compare = 0;
    CHECK_INT(cllm_run_plan_build(&p, hw, &plan), CLLM_OK);
    CHECK_INT(plan.n, 1 + 2 * 6 + 1);
    for (int i = 0; i < plan.n; i++)
        CHECK(strcmp(cllm_plan_step_kind_name(&plan.steps[i]), "ladder") != 0 &&
              plan.steps[i].kind != CLLM_PLAN_CLASSIC);
    cllm_run_plan_free(&plan);
    free(hw);
}

static void test_tracker(void)
{
    struct cllm_run_params p = params();
    struct cllm_hw_info *hw = machine();
    struct cllm_run_plan plan;
    struct cllm_plan_tracker t;
    double f, prev = 0, before_prepare;

    CHECK_INT(cllm_run_plan_build(&p, hw, &plan), CLLM_OK);
    cllm_plan_tracker_init(&t, 100.0);
    CHECK(cllm_plan_tracker_fraction(&plan, &t, 100.0) == 0);
    cllm_plan_tracker_move(&plan, &t, 1, 101.0);
    f = cllm_plan_tracker_fraction(&plan, &t, 101.0);
    CHECK(fabs(f - plan.steps[0].weight_s / plan.total_s) < 1e-9);
    /* time within a step counts against its weight, at most 90 % of it */
    f = cllm_plan_tracker_fraction(&plan, &t, 101.0 + 100 * plan.steps[1].weight_s);
    CHECK(fabs(f - (plan.steps[0].weight_s + 0.9 * plan.steps[1].weight_s) / plan.total_s) < 1e-9);
    /* never back: an earlier step, or an earlier time, changes nothing */
    cllm_plan_tracker_move(&plan, &t, 0, 102.0);
    CHECK_INT(t.cursor, 1);
    CHECK(cllm_plan_tracker_fraction(&plan, &t, 101.0) == f);
    /* a download's bytes: half of the model file step */
    cllm_plan_tracker_move(&plan, &t, 5, 200.0);
    before_prepare = 0;
    for (int i = 0; i < 5; i++)
        before_prepare += plan.steps[i].weight_s;
    cllm_plan_tracker_step_fraction(&t, 0.5);
    cllm_plan_tracker_step_fraction(&t, 0.25);   /* a smaller share later is ignored */
    f = cllm_plan_tracker_fraction(&plan, &t, 200.0);
    CHECK(fabs(f - (before_prepare + 0.5 * plan.steps[5].weight_s) / plan.total_s) < 1e-9);
    /* every step reached in turn: the share only grows and stays below 1 */
    for (int i = 6; i <= plan.n; i++) {
        cllm_plan_tracker_move(&plan, &t, i, 200.0 + i);
        f = cllm_plan_tracker_fraction(&plan, &t, 200.0 + i);
        CHECK(f >= prev && f < 1);
        prev = f;
        CHECK(isfinite(cllm_plan_tracker_remaining_s(&plan, &t, 100.0 + i, 200.0 + i)));
    }
    CHECK(f >= 0.99 - 1e-9);
    cllm_plan_tracker_finish(&plan, &t);
    CHECK(cllm_plan_tracker_fraction(&plan, &t, 500.0) == 1);
    CHECK(isnan(cllm_plan_tracker_remaining_s(&plan, &t, 300.0, 500.0)));
    cllm_run_plan_free(&plan);
    free(hw);
}

/* the run: classic phases only could not pass 50 %; with the plan they end just before the results file */
static void test_classic_only_past_half(void)
{
    struct cllm_run_params p = params();
    struct cllm_hw_info *hw = machine();
    struct cllm_run_plan plan;
    struct cllm_plan_tracker t;
    double f, rem;

    p.skip_ai = true;
    CHECK_INT(cllm_run_plan_build(&p, hw, &plan), CLLM_OK);
    CHECK_INT(plan.n, 6);
    cllm_plan_tracker_init(&t, 0);
    cllm_plan_tracker_move(&plan, &t, cllm_run_plan_find_classic(&plan, 0, 3) + 1, 10.0);
    f = cllm_plan_tracker_fraction(&plan, &t, 10.0);
    CHECK(f > 0.5 && f < 1);
    /* the time left follows the pace measured: twice as slow as planned, twice the weight left */
    rem = cllm_plan_tracker_remaining_s(&plan, &t, 2 * f * plan.total_s, 10.0);
    CHECK(fabs(rem - 2 * (1 - f) * plan.total_s) < 1e-6);
    cllm_run_plan_free(&plan);
    free(hw);
}

int main(void)
{
    setup();
    RUN(test_steps_in_run_order);
    RUN(test_tracker);
    RUN(test_classic_only_past_half);
    unlink(models_file);
    rmdir(models_dir);
    return test_summary();
}
