/* The LLM phase on several GPUs without a GPU: cllm_ai_run with a fake in-process engine whose "library" lists
 * one CUDA ggml device per fake GPU (with its PCI bus id and free memory); the engine does what engine_llama does
 * with the open params (cllm_backend_choose, then cllm_backend_gpu_plan) and reports the plan. Checks the plain
 * phase on all selected GPUs and comparisons.gpus: each GPU alone, then layer and row, with the split modes and
 * shares recorded; two and four GPUs (one with less free memory), selection by flag and by CUDA_VISIBLE_DEVICES. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/ai_phase.h"
#include "core/clock.h"
#include "core/config.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "llm/engine.h"
#include "monitor/monitor.h"
#include "test.h"

/* what each open got, in order */
static struct {
    int  n;
    int  n_devices[32];
    int  first_gpu[32];
    char split[32][8];
} G;

static const struct cllm_hw_info *g_hw;
static double g_free_gb[4];

struct fake_engine {
    struct cllm_backend_gpu_plan plan;
    struct cllm_backend_gpu_dev gd[5];
};

static enum cllm_status fe_open(const struct cllm_engine_open_params *p, void **impl, char *err, size_t errlen)
{
    struct fake_engine *E = calloc(1, sizeof(*E));
    struct cllm_backend_device bd[5];
    struct cllm_backend_choice c;
    int n = g_hw->gpu.n_devices + 1;
    enum cllm_status st;

    memset(bd, 0, sizeof(bd));
    strcpy(bd[0].backend, "CPU");
    strcpy(E->gd[0].name, "CPU");
    for (int i = 1; i < n; i++) {
        strcpy(bd[i].backend, "CUDA");
        bd[i].type = 1;
        snprintf(E->gd[i].name, sizeof(E->gd[i].name), "CUDA%d", i - 1);
        snprintf(E->gd[i].device_id, sizeof(E->gd[i].device_id), "%s", g_hw->gpu.devices[i - 1].pci_bus_id);
        E->gd[i].memory_free_gb = g_free_gb[i - 1];
    }
    cllm_backend_choose(bd, n, !(p->device && !strcmp(p->device, "cpu")), p->n_gpu_layers, p->gpus, "cuda", &c);
    st = cllm_backend_gpu_plan(E->gd, n, &c, p->gpus, p->gpu_sel, p->split_mode, p->tensor_split_by, &E->plan, err,
                               errlen);
    if (st != CLLM_OK) {
        free(E);
        return st;
    }
    if (G.n < 32) {
        G.n_devices[G.n] = E->plan.n;
        G.first_gpu[G.n] = E->plan.n ? E->plan.gpus[0] : -1;
        snprintf(G.split[G.n], sizeof(G.split[0]), "%s", cllm_split_mode_name(E->plan.split_mode));
        G.n++;
    }
    *impl = E;
    return CLLM_OK;
}

/* > 0: generate takes real time, this many ms per token (the energy test: windows the monitor can measure) */
static int g_token_ms;

static enum cllm_status fe_generate(void *impl, const struct cllm_gen_params *g, struct cllm_llm_trace *t, char *err,
                                    size_t errlen)
{
    uint64_t now = cllm_now_ns();
    (void)impl;
    (void)err;
    (void)errlen;
    cllm_llm_trace_reset(t);
    t->start_ns = now;
    t->n_prompt_tokens = 10;
    for (int i = 0; i < g->max_tokens; i++) {
        if (g_token_ms > 0) {
            struct timespec ts = {0, (long)g_token_ms * 1000000L};
            nanosleep(&ts, NULL);
            cllm_llm_trace_add(t, cllm_now_ns(), 3);
        } else {
            cllm_llm_trace_add(t, now + (uint64_t)(i + 1) * 1000000u, 3);
        }
    }
    t->end_ns = g_token_ms > 0 ? cllm_now_ns() : now + (uint64_t)(g->max_tokens + 1) * 1000000u;
    return CLLM_OK;
}

/* A monitor sampler of the machine's GPUs whose NVML energy counters count (g + 1) x 100 W from g_origin_s; no
 * RAPL. */
static double g_origin_s;
static enum cllm_status fs_open(const struct cllm_sampler *self, bool gpu, void **state,
                                struct cllm_sampler_info *info, struct cllm_reasons *why, char *err, size_t errlen)
{
    (void)self, (void)why, (void)err, (void)errlen;
    *state = NULL;
    for (int g = 0; gpu && g < g_hw->gpu.n_devices; g++) {
        int k = info->n_gpus++;
        snprintf(info->gpu[k].name, sizeof(info->gpu[k].name), "%s", g_hw->gpu.devices[g].name);
        snprintf(info->gpu[k].source, sizeof(info->gpu[k].source), "nvml");
    }
    return CLLM_OK;
}
static void fs_sample(void *state, struct cllm_sample *out, struct cllm_reasons *why)
{
    double el = cllm_now_s() - g_origin_s;
    (void)state;
    cllm_reason_set(why, "cpu_package_energy_j", "fake: RAPL not readable (powercap absent)");
    for (int g = 0; g < out->n_gpus; g++) {
        out->gpu[g].energy_j = 1000.0 + (g + 1) * 100.0 * el;
        out->gpu[g].power_w = (g + 1) * 100.0;
    }
}
static void fs_close(void *state) { (void)state; }
static const struct cllm_sampler g_fake_sampler = {"fake", NULL, fs_open, fs_sample, fs_close};
static bool g_with_monitor;

static void fe_info(const void *impl, struct cllm_engine_info *o)
{
    const struct fake_engine *E = impl;
    o->kind = CLLM_ENGINE_KIND_IN_PROCESS;
    strcpy(o->engine, "llama.cpp");
    strcpy(o->backend, E->plan.n ? "CUDA" : "CPU");
    o->n_gpus = E->plan.n;
    o->n_devices_used = E->plan.n;
    for (int i = 0; i < E->plan.n; i++) {
        o->gpus[i] = E->plan.gpus[i];
        o->tensor_split[i] = E->plan.tensor_split[i];
        snprintf(o->devices_used[i].name, sizeof(o->devices_used[i].name), "%s", E->gd[E->plan.devices[i]].name);
        snprintf(o->devices_used[i].device_id, sizeof(o->devices_used[i].device_id), "%s",
                 E->gd[E->plan.devices[i]].device_id);
        o->devices_used[i].memory_total_gb = NAN;
    }
    snprintf(o->gpu_mapped_by, sizeof(o->gpu_mapped_by), "%s", E->plan.mapped_by);
    snprintf(o->split_mode, sizeof(o->split_mode), "%s", cllm_split_mode_name(E->plan.split_mode));
    snprintf(o->tensor_split_by, sizeof(o->tensor_split_by), "%s", E->plan.tensor_split_by);
}

static void fe_close(void *impl) { free(impl); }

static const struct cllm_engine_ops g_fake_engine = {
    .name = "llama.cpp", .open = fe_open, .generate = fe_generate, .info = fe_info, .close = fe_close,
};

static char g_dir[256];

static struct cllm_hw_info *machine(int n)
{
    struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
    hw->cpu.physical_cores = hw->cpu.logical_cores = 2;
    hw->ram.total_bytes = hw->ram.available_bytes = (int64_t)64 << 30;
    hw->gpu.n_devices = n;
    for (int i = 0; i < n; i++) {
        struct cllm_gpu_device *d = &hw->gpu.devices[i];
        cllm_gpu_device_init(d);
        d->index = i;
        strcpy(d->vendor, "NVIDIA");
        snprintf(d->name, sizeof(d->name), "Fake %dGB", i == 3 ? 40 : 80);
        snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "0000:%02x:00.0", 0x10 * (i + 1));
        g_free_gb[i] = i == 3 ? 39 : 78;
    }
    return hw;
}

static cJSON *run_ai(const struct cllm_hw_info *hw, const struct cllm_gpu_selection *sel, unsigned modes)
{
    static struct cllm_config cfg;
    struct cllm_ai_params p = cllm_ai_default_params();
    char models_file[320], models_dir[320];
    cJSON *section = cJSON_CreateObject();

    snprintf(models_file, sizeof(models_file), "%s/models.json", g_dir);
    snprintf(models_dir, sizeof(models_dir), "%s/models", g_dir);
    cllm_config_defaults(&cfg);
    cfg.n_models = 1;
    strcpy(cfg.models[0], "tiny-test");
    cfg.runs = 1;
    cfg.warmup_runs = 1;
    cfg.warmup_max_tokens = 2;
    cfg.inference.max_tokens = 4;
    g_hw = hw;
    p.cfg = &cfg;
    p.hw = hw;
    p.models_dir = models_dir;
    p.models_file = models_file;
    p.allow_download = false;
    p.allow_synthetic = false;
    p.cleanup = false;
    p.monitor = g_with_monitor;
    if (g_with_monitor) {
        cfg.monitor_interval_s = 0.1;
        p.monitor_sampler = &g_fake_sampler;
    }
    p.ladder = CLLM_AI_LADDER_OFF;
    p.engine = &g_fake_engine;
    p.gpu_sel = sel;
    p.split_modes = modes;
    memset(&G, 0, sizeof(G));
    cllm_ai_run(&p, section);
    return section;
}

static const cJSON *at(const cJSON *o, const char *k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
static const char *str_of(const cJSON *o) { return cJSON_GetStringValue(o); }

static void test_two_gpus(void)
{
    struct cllm_hw_info *hw = machine(2);
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    char err[512];
    cJSON *s;
    const cJSON *per, *plain;

    memset(&env, 0, sizeof(env));
    CHECK_INT(cllm_gpu_select(&hw->gpu, NULL, &env, &sel, err, sizeof(err)), CLLM_OK);
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_BOTH);
    /* plain phase on both (layer), then gpu0, gpu1, layer, row: five loads */
    CHECK_INT(G.n, 5);
    CHECK_INT(G.n_devices[0], 2);
    CHECK_STR(G.split[0], "layer");
    CHECK_INT(G.n_devices[1], 1);
    CHECK_INT(G.first_gpu[1], 0);
    CHECK_STR(G.split[1], "none");
    CHECK_INT(G.first_gpu[2], 1);
    CHECK_STR(G.split[3], "layer");
    CHECK_STR(G.split[4], "row");
    CHECK_INT(G.n_devices[4], 2);
    plain = at(at(s, "results"), "tiny-test");
    CHECK_STR(str_of(at(plain, "status")), "ok");
    CHECK_STR(str_of(at(at(at(plain, "engine"), "gpu_plan"), "split_mode")), "layer");
    per = at(at(at(s, "comparisons"), "gpus"), "tiny-test");
    CHECK_INT(cJSON_GetArraySize(per), 4);
    CHECK_STR(str_of(at(at(per, "gpu0"), "status")), "ok");
    CHECK_STR(str_of(at(at(at(at(per, "gpu1"), "engine"), "gpu_plan"), "split_mode")), "none");
    CHECK_INT(cJSON_GetArrayItem(at(at(at(at(per, "gpu1"), "engine"), "gpu_plan"), "gpus"), 0)->valueint, 1);
    CHECK_STR(str_of(at(at(at(at(per, "row"), "engine"), "gpu_plan"), "split_mode")), "row");
    CHECK(cJSON_GetObjectItemCaseSensitive(at(per, "row"), "runs") != NULL);
    cJSON_Delete(s);

    /* --split-mode layer: no row load */
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_LAYER);
    CHECK_INT(G.n, 4);
    per = at(at(at(s, "comparisons"), "gpus"), "tiny-test");
    CHECK(at(per, "row") == NULL && at(per, "layer") != NULL);
    cJSON_Delete(s);

    /* --gpu 1: one GPU, no multi-GPU phase */
    CHECK_INT(cllm_gpu_select(&hw->gpu, "1", &env, &sel, err, sizeof(err)), CLLM_OK);
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_BOTH);
    CHECK_INT(G.n, 1);
    CHECK_INT(G.first_gpu[0], 1);
    CHECK_STR(G.split[0], "none");
    CHECK(at(s, "comparisons") == NULL);
    cJSON_Delete(s);
    free(hw);
}

/* Energy per run counts the GPUs the model ran on: both for the plain (layer) load, GPU 0 alone (100 W) and GPU 1
 * alone (200 W) for the per-GPU variants; no RAPL: the CPU part null with the sampler's reason. Without the
 * monitor: null with that reason. */
static void test_energy_counts_the_gpus_used(void)
{
    struct cllm_hw_info *hw = machine(2);
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    static const struct {
        const char *variant;
        double watts;
    } want[] = {{"gpu0", 100.0}, {"gpu1", 200.0}, {"layer", 300.0}};
    char err[512];
    cJSON *s;
    const cJSON *plain, *per, *de, *sum;

    memset(&env, 0, sizeof(env));
    CHECK_INT(cllm_gpu_select(&hw->gpu, NULL, &env, &sel, err, sizeof(err)), CLLM_OK);
    g_token_ms = 60;   /* 4 tokens: a 180 ms decode window, above NVML's 100 ms */
    g_with_monitor = true;
    g_origin_s = cllm_now_s();
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_LAYER);
    g_token_ms = 0;
    g_with_monitor = false;
    plain = at(at(s, "results"), "tiny-test");
    de = at(cJSON_GetArrayItem(at(plain, "runs"), 0), "decode_energy");
    CHECK(de != NULL);
    if (de) {
        double win = cJSON_GetNumberValue(at(de, "energy_window_s"));
        CHECK(win > 0.15);
        CHECK_NEAR(cJSON_GetNumberValue(at(de, "gpu_joules")) / win, 300.0, 1.0);
        CHECK_NEAR(cJSON_GetNumberValue(at(de, "joules_per_token")), cJSON_GetNumberValue(at(de, "joules")) / 3, 1e-9);
        CHECK_INT((int)cJSON_GetNumberValue(at(de, "energy_tokens")), 3);
        CHECK_STR(str_of(at(de, "energy_source")), "nvml_energy_counter");
        CHECK_STR(str_of(at(de, "energy_domains")), "gpu");
        CHECK(cJSON_IsNull(at(de, "cpu_package_joules")));
        CHECK(strstr(str_of(at(at(de, "null_reasons"), "cpu_package_joules")), "powercap absent") != NULL);
        CHECK(strstr(str_of(at(de, "energy_note")), "CPU package not measured") != NULL);
    }
    sum = at(plain, "summary");
    CHECK_NEAR(cJSON_GetNumberValue(at(sum, "avg_decode_watts")), 300.0, 1.0);
    CHECK_INT((int)cJSON_GetNumberValue(at(sum, "energy_runs")), 1);
    per = at(at(at(s, "comparisons"), "gpus"), "tiny-test");
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const cJSON *d = at(cJSON_GetArrayItem(at(at(per, want[i].variant), "runs"), 0), "decode_energy");
        CHECK(d != NULL);
        if (d)
            CHECK_NEAR(cJSON_GetNumberValue(at(d, "watts")), want[i].watts, 1.0);
    }
    cJSON_Delete(s);

    /* no monitor: null with the reason */
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_LAYER);
    de = at(cJSON_GetArrayItem(at(at(at(s, "results"), "tiny-test"), "runs"), 0), "decode_energy");
    CHECK(de && cJSON_IsNull(at(de, "joules_per_token")));
    CHECK(de && strstr(str_of(at(at(de, "null_reasons"), "joules_per_token")), "monitor was off") != NULL);
    cJSON_Delete(s);
    free(hw);
}

static void test_four_gpus(void)
{
    struct cllm_hw_info *hw = machine(4);
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    char err[512];
    cJSON *s;
    const cJSON *per, *ts;

    memset(&env, 0, sizeof(env));
    CHECK_INT(cllm_gpu_select(&hw->gpu, "0,3", &env, &sel, err, sizeof(err)), CLLM_OK);
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_BOTH);
    per = at(at(at(s, "comparisons"), "gpus"), "tiny-test");
    CHECK(at(per, "gpu0") && at(per, "gpu3") && !at(per, "gpu1"));
    /* the small GPU gets a third of the model by free memory (39 of 117 GiB) */
    ts = at(at(at(at(per, "layer"), "engine"), "gpu_plan"), "tensor_split");
    CHECK_NEAR(cJSON_GetArrayItem(ts, 1)->valuedouble, 39.0 / 117.0, 1e-5);
    CHECK_STR(str_of(at(at(at(at(per, "layer"), "engine"), "gpu_plan"), "tensor_split_by")), "free");
    cJSON_Delete(s);

    /* CUDA_VISIBLE_DEVICES=2,1: the default selection is GPUs 1 and 2 */
    env.set[CLLM_GPU_ENV_CUDA] = true;
    strcpy(env.value[CLLM_GPU_ENV_CUDA], "2,1");
    CHECK_INT(cllm_gpu_select(&hw->gpu, NULL, &env, &sel, err, sizeof(err)), CLLM_OK);
    s = run_ai(hw, &sel, CLLM_AI_SPLIT_ROW);
    per = at(at(at(s, "comparisons"), "gpus"), "tiny-test");
    CHECK_INT(cJSON_GetArraySize(per), 3);
    CHECK(at(per, "gpu1") && at(per, "gpu2") && at(per, "row"));
    CHECK_INT(G.n_devices[0], 2);
    cJSON_Delete(s);
    free(hw);
}

int main(void)
{
    char path[512];
    FILE *f;
    snprintf(g_dir, sizeof(g_dir), "/tmp/cllm_mgpu_ai.%d", (int)getpid());
    snprintf(path, sizeof(path), "mkdir -p %s/models", g_dir);
    if (system(path) != 0)
        return 1;
    snprintf(path, sizeof(path), "%s/models.json", g_dir);
    f = fopen(path, "w");
    fputs("{\"models\": {\"tiny-test\": {\"name\": \"Tiny\", \"params\": \"0.02B\", \"repo\": \"none/none\", "
          "\"default_quant\": \"Q4_K_M\", \"min_ram_gb\": 0.5, \"chat_template\": \"zephyr\", "
          "\"arch\": {\"arch\": \"llama\", \"n_layer\": 2, \"n_embd\": 256, \"n_ff\": 512, \"n_head\": 4, "
          "\"n_head_kv\": 2, \"n_vocab\": 32000, \"n_ctx_train\": 2048, \"rope_theta\": 10000.0, "
          "\"rms_norm_eps\": 1e-5}, \"quants\": {\"Q4_K_M\": {\"file\": \"tiny-test.Q4_K_M.gguf\", "
          "\"size_gb\": 0.02, \"min_ram_gb\": 0.5}}}}}\n", f);
    fclose(f);
    /* the fake engine reads no file; the phase wants one there */
    snprintf(path, sizeof(path), "%s/models/tiny-test.Q4_K_M.gguf", g_dir);
    f = fopen(path, "w");
    fputs("GGUF not really", f);
    fclose(f);
    RUN(test_two_gpus);
    RUN(test_energy_counts_the_gpus_used);
    RUN(test_four_gpus);
    snprintf(path, sizeof(path), "rm -rf %s", g_dir);
    if (system(path) != 0)
        return 1;
    return test_summary();
}
