/* Model registry: the built-in data/models.json, user files merged over it, validation messages, pre-checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/hw.h"
#include "model/registry.h"
#include "test.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

static struct cllm_registry *load_builtin(void)
{
    struct cllm_registry_params p = cllm_registry_default_params();
    struct cllm_registry *r = NULL;
    char err[512] = "";
    p.read_user_config = false;   /* the developer's ~/.config must not change the test */
    p.user_path = "";
    if (cllm_registry_load(&p, &r, err, sizeof(err)) != CLLM_OK)
        fprintf(stderr, "load: %s\n", err);
    return r;
}

static void test_builtin_five_models(void)
{
    static const struct {
        const char *key, *repo, *q4_file, *tmpl;
        double min_ram, q4_gb;
        int n_layer, n_embd, n_ff, n_head, n_head_kv, n_ctx;
        double theta;
    } want[] = {
        {"tinyllama-1.1b", "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF", "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf", "zephyr",
         2, 0.67, 22, 2048, 5632, 32, 4, 2048, 1e4},
        {"mistral-7b", "TheBloke/Mistral-7B-Instruct-v0.2-GGUF", "mistral-7b-instruct-v0.2.Q4_K_M.gguf", "mistral",
         8, 4.37, 32, 4096, 14336, 32, 8, 32768, 1e6},
        {"llama2-13b", "TheBloke/Llama-2-13B-chat-GGUF", "llama-2-13b-chat.Q4_K_M.gguf", "llama2",
         16, 7.87, 40, 5120, 13824, 40, 40, 4096, 1e4},
        {"codellama-34b", "TheBloke/CodeLlama-34B-Instruct-GGUF", "codellama-34b-instruct.Q4_K_M.gguf", "llama2",
         32, 20.22, 48, 8192, 22016, 64, 8, 16384, 1e6},
        {"llama2-70b", "TheBloke/Llama-2-70B-Chat-GGUF", "llama-2-70b-chat.Q4_K_M.gguf", "llama2",
         64, 41.42, 80, 8192, 28672, 64, 8, 4096, 1e4},
    };
    static const char *const quants[] = {"Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"};
    struct cllm_registry *r = load_builtin();

    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_INT(cllm_registry_count(r), 5);
    CHECK(strstr(cllm_registry_origins(r), "models.json") != NULL);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct cllm_model *m = cllm_registry_find(r, want[i].key);
        const struct cllm_model_quant *q;
        CHECK(m != NULL);
        if (!m)
            continue;
        CHECK_STR(cllm_registry_at(r, (int)i)->key, want[i].key);   /* file order: smallest first */
        CHECK_STR(m->repo, want[i].repo);
        CHECK_STR(m->chat_template, want[i].tmpl);
        CHECK_STR(m->default_quant, "Q4_K_M");
        CHECK_STR(m->revision, "main");
        CHECK_NEAR(m->min_ram_gb, want[i].min_ram, 1e-9);
        CHECK_STR(m->arch.arch, "llama");
        CHECK_INT(m->arch.n_layer, want[i].n_layer);
        CHECK_INT(m->arch.n_embd, want[i].n_embd);
        CHECK_INT(m->arch.n_ff, want[i].n_ff);
        CHECK_INT(m->arch.n_head, want[i].n_head);
        CHECK_INT(m->arch.n_head_kv, want[i].n_head_kv);
        CHECK_INT(m->arch.n_vocab, 32000);
        CHECK_INT(m->arch.n_ctx_train, want[i].n_ctx);
        CHECK_NEAR(m->arch.rope_theta, want[i].theta, 1e-6);
        CHECK_INT(m->n_quants, 6);
        for (size_t k = 0; k < 6; k++)
            CHECK(cllm_model_find_quant(m, quants[k]) != NULL);
        q = cllm_model_find_quant(m, NULL);
        CHECK(q && strcmp(q->name, "Q4_K_M") == 0);
        if (!q)
            continue;
        CHECK_STR(q->file, want[i].q4_file);
        CHECK_NEAR(q->size_gb, want[i].q4_gb, 1e-9);
        CHECK_NEAR(q->min_ram_gb, want[i].min_ram, 1e-9);
        CHECK(q->min_vram_gb > q->size_gb * 1e9 / GIB && q->min_vram_gb < q->size_gb * 1e9 / GIB + 3);
        CHECK(cllm_model_find_quant(m, "q4_k_m") == q);   /* case-insensitive */
        /* other quants: RAM scaled by file size, rounded up */
        CHECK_NEAR(cllm_model_find_quant(m, "Q8_0")->min_ram_gb,
                   ceil(want[i].min_ram * cllm_model_find_quant(m, "Q8_0")->size_gb / want[i].q4_gb - 1e-9), 1e-9);
    }
    {
        const struct cllm_model *m = cllm_registry_find(r, "llama2-70b");
        const struct cllm_model_quant *q6 = m ? cllm_model_find_quant(m, "Q6_K") : NULL;
        CHECK(q6 && q6->n_parts == 2);
        if (q6 && q6->n_parts == 2) {
            CHECK_STR(q6->file, "llama-2-70b-chat.Q6_K.gguf");
            CHECK_STR(q6->parts[0].file, "llama-2-70b-chat.Q6_K.gguf-split-a");
            CHECK_STR(q6->parts[1].file, "llama-2-70b-chat.Q6_K.gguf-split-b");
            CHECK_INT(strlen(q6->parts[0].sha256), 64);
            CHECK(q6->sha256[0] == '\0');
        }
    }
    CHECK(cllm_registry_find(r, "gpt-5") == NULL);
    cllm_registry_free(r);
}

static void test_paths_and_kv(void)
{
    struct cllm_registry *r = load_builtin();
    const struct cllm_model *m = r ? cllm_registry_find(r, "tinyllama-1.1b") : NULL;
    char path[512];

    CHECK(m != NULL);
    if (!m) {
        cllm_registry_free(r);
        return;
    }
    cllm_model_local_path(cllm_model_find_quant(m, NULL), "models", path, sizeof(path));
    CHECK_STR(path, "models/tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf");
    cllm_model_synthetic_path(m, cllm_model_find_quant(m, "Q8_0"), "/data/models", path, sizeof(path));
    CHECK_STR(path, "/data/models/synthetic/tinyllama-1.1b.Q8_0.gguf");
    cllm_model_synthetic_path(m, NULL, NULL, path, sizeof(path));
    CHECK_STR(path, "models/synthetic/tinyllama-1.1b.Q4_K_M.gguf");
    /* 2 (K,V) × 22 layers × 2048 tokens × 4 KV heads × 64 dims × 2 bytes */
    CHECK_INT(cllm_model_kv_cache_bytes(m, 2048), 46137344);
    cllm_registry_free(r);
}

static const char *g_user =
    "{\"_comment\": \"mine\", \"models\": {\n"
    "  \"tinyllama-1.1b\": {\"repo\": \"me/TinyLlama-mirror\", \"quants\": {\"Q4_K_M\": {\"min_ram_gb\": 3}}},\n"
    "  \"llama2-70b\": null,\n"
    "  \"phi-tiny\": {\"name\": \"Phi Tiny\", \"params\": \"350M\", \"repo\": \"me/phi-tiny-GGUF\",\n"
    "    \"min_ram_gb\": 1, \"chat_template\": \"chatml\",\n"
    "    \"arch\": {\"arch\": \"llama\", \"n_layer\": 4, \"n_embd\": 256, \"n_ff\": 512, \"n_head\": 4,\n"
    "             \"n_head_kv\": 2, \"n_vocab\": 32000, \"n_ctx_train\": 1024},\n"
    "    \"quants\": {\"Q8_0\": {\"file\": \"phi-tiny.Q8_0.gguf\", \"size_gb\": 0.4},\n"
    "                 \"Q2_K\": {\"file\": \"phi-tiny.Q2_K.gguf\", \"size_gb\": 0.1}}}\n"
    "}}\n";

static void test_user_file_merges(void)
{
    struct cllm_registry *r = load_builtin();
    const struct cllm_model *m;
    const struct cllm_model_quant *q;
    char err[512] = "";

    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_INT(cllm_registry_merge_json(r, g_user, "user.json", err, sizeof(err)), CLLM_OK);
    if (err[0])
        fprintf(stderr, "merge: %s\n", err);
    CHECK_INT(cllm_registry_count(r), 5);   /* 70b removed, phi-tiny added */
    CHECK(cllm_registry_find(r, "llama2-70b") == NULL);
    m = cllm_registry_find(r, "tinyllama-1.1b");
    CHECK(m && strcmp(m->repo, "me/TinyLlama-mirror") == 0);
    CHECK(m && strcmp(m->name, "TinyLlama 1.1B Chat v1.0") == 0);   /* untouched fields kept */
    CHECK(m && strcmp(m->origin, "user.json") == 0);
    q = m ? cllm_model_find_quant(m, NULL) : NULL;
    CHECK(q && q->min_ram_gb == 3 && strcmp(q->file, "tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf") == 0);
    m = cllm_registry_find(r, "phi-tiny");
    CHECK(m != NULL);
    if (m) {
        CHECK_NEAR(m->params_b, 0.35, 1e-12);
        CHECK_STR(m->default_quant, "Q8_0");   /* no Q4_K_M: the first listed */
        CHECK_NEAR(m->arch.rope_theta, 10000, 0);
        q = cllm_model_find_quant(m, "Q2_K");
        /* not given: RAM scaled from the default quant by size, VRAM from file + KV + buffers */
        CHECK(q && q->min_ram_gb == 1);
        CHECK(q && fabs(q->min_vram_gb - 0.6) < 1e-9);   /* 0.093 + 0.004 + 0.5 GiB, rounded up */
    }
    CHECK(strstr(cllm_registry_origins(r), "user.json") != NULL);

    /* the model-level RAM need moves every quantization that does not set its own */
    CHECK_INT(cllm_registry_merge_json(r, "{\"models\": {\"llama2-13b\": {\"min_ram_gb\": 12}}}", "ram.json", err,
                                       sizeof(err)), CLLM_OK);
    m = cllm_registry_find(r, "llama2-13b");
    CHECK(m && cllm_model_find_quant(m, NULL)->min_ram_gb == 12);
    CHECK(m && cllm_model_find_quant(m, "Q8_0")->min_ram_gb == 22);   /* ceil(12 × 13.83 / 7.87) */
    cllm_registry_free(r);
}

static void test_user_file_from_env(void)
{
    char dir[] = "/tmp/cllm_models_XXXXXX", path[128], err[512] = "";
    struct cllm_registry_params p = cllm_registry_default_params();
    struct cllm_registry *r = NULL;
    FILE *f;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/extra.json", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(g_user, f);
    fclose(f);
    p.read_user_config = false;
    setenv("COMPUTELLM_MODELS_FILE", path, 1);
    CHECK_INT(cllm_registry_load(&p, &r, err, sizeof(err)), CLLM_OK);
    CHECK(r && cllm_registry_find(r, "phi-tiny") != NULL);
    cllm_registry_free(r);
    r = NULL;
    snprintf(path, sizeof(path), "%s/missing.json", dir);
    setenv("COMPUTELLM_MODELS_FILE", path, 1);
    CHECK_INT(cllm_registry_load(&p, &r, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(r == NULL && strstr(err, "missing.json") != NULL);
    unsetenv("COMPUTELLM_MODELS_FILE");
    test_rmtree(dir);
}

/* A bad entry is refused with file, key and field named, and the registry keeps what it had. */
static void test_validation_messages(void)
{
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"models\": {\"tinyllama-1.1b\": {\"quants\": {\"Q4_K_M\": {\"file\": \"../evil.gguf\"}}}}}",
         "bad.json: models.tinyllama-1.1b.quants.Q4_K_M: file \"../evil.gguf\""},
        {"{\"models\": {\"tinyllama-1.1b\": {\"arch\": {\"n_head_kv\": 5}}}}",
         "models.tinyllama-1.1b.arch: n_head 32 is not a multiple of n_head_kv 5"},
        {"{\"models\": {\"tinyllama-1.1b\": {\"chat_template\": \"alpaca\"}}}",
         "models.tinyllama-1.1b: chat_template \"alpaca\""},
        {"{\"models\": {\"tinyllama-1.1b\": {\"min_ram_gb\": \"lots\"}}}",
         "models.tinyllama-1.1b.min_ram_gb: expected a number, got a string"},
        {"{\"models\": {\"tinyllama-1.1b\": {\"sizegb\": 1}}}",
         "models.tinyllama-1.1b: unknown field \"sizegb\""},
        {"{\"models\": {\"tinyllama-1.1b\": {\"quants\": {\"Q4_K_M\": {\"sha256\": \"abc\"}}}}}",
         "models.tinyllama-1.1b.quants.Q4_K_M.sha256: expected 64 hexadecimal digits"},
        {"{\"models\": {\"tinyllama-1.1b\": {\"default_quant\": \"Q9_K\"}}}",
         "default_quant \"Q9_K\" is not among its quants"},
        {"{\"models\": {\"Big Model\": {}}}", "models.Big Model: not a valid model key"},
        {"{\"models\": {\"new-one\": {\"name\": \"x\"}}}", "models.new-one: missing field \"params\""},
        {"{\"modles\": {}}", "bad.json: unknown key \"modles\""},
        {"{\"models\": {\"tinyllama-1.1b\": {\"repo\": \"no-slash\"}}}", "repo \"no-slash\": expected \"owner/name\""},
        {"{\"models\": [1, 2]", "bad.json: not valid JSON"},
    };
    struct cllm_registry *r = load_builtin();

    CHECK(r != NULL);
    if (!r)
        return;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[512] = "";
        enum cllm_status st = cllm_registry_merge_json(r, cases[i].json, "bad.json", err, sizeof(err));
        CHECK(st != CLLM_OK);
        if (!strstr(err, cases[i].want)) {
            fprintf(stderr, "case %zu: got \"%s\", want \"%s\"\n", i, err, cases[i].want);
            t_checks_failed++;
        }
    }
    CHECK_INT(cllm_registry_count(r), 5);
    CHECK_STR(cllm_registry_find(r, "tinyllama-1.1b")->repo, "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF");
    cllm_registry_free(r);
}

static void fake_hw(struct cllm_hw_info *hw, double ram_gib)
{
    memset(hw, 0, sizeof(*hw));
    hw->ram.total_bytes = (int64_t)(ram_gib * GIB);
    hw->gpu.primary_backend = CLLM_BACKEND_NONE;
}

static void add_gpu(struct cllm_hw_info *hw, const char *name, double vram, enum cllm_gpu_backend b)
{
    struct cllm_gpu_device *d = &hw->gpu.devices[hw->gpu.n_devices++];
    cllm_gpu_device_init(d);
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->vram_total_gb = vram;
    d->backend = b;
    hw->gpu.primary_backend = b;
}

static void test_check_fit(void)
{
    struct cllm_registry *r = load_builtin();
    const struct cllm_model *tiny, *l13;
    struct cllm_hw_info hw;
    char why[256];

    CHECK(r != NULL);
    if (!r)
        return;
    tiny = cllm_registry_find(r, "tinyllama-1.1b");
    l13 = cllm_registry_find(r, "llama2-13b");

    /* 8 GB machine (7.6 GiB visible): 13B needs 16 → skipped, with the original's wording */
    fake_hw(&hw, 7.6);
    CHECK_INT(cllm_model_check_fit(l13, NULL, &hw, why, sizeof(why)), CLLM_FIT_SKIP_RAM);
    CHECK_STR(why, "needs 16 GB of RAM, this machine has 7.6 GB");
    CHECK_INT(cllm_model_check_fit(tiny, NULL, &hw, why, sizeof(why)), CLLM_FIT_OK);
    CHECK(strstr(why, "CPU") != NULL);
    CHECK_STR(cllm_fit_name(CLLM_FIT_SKIP_RAM), "skipped_ram");

    /* enough RAM, a 6 GB GPU: 13B (9.4 GB VRAM) runs on the CPU and says so */
    fake_hw(&hw, 31.2);
    add_gpu(&hw, "NVIDIA GeForce RTX 2060", 6.0, CLLM_BACKEND_CUDA);
    CHECK_INT(cllm_model_check_fit(l13, NULL, &hw, why, sizeof(why)), CLLM_FIT_CPU_ONLY);
    CHECK_STR(why, "runs on the CPU: needs 9.4 GB of VRAM, NVIDIA GeForce RTX 2060 has 6.0 GB");
    CHECK_INT(cllm_model_check_fit(tiny, NULL, &hw, why, sizeof(why)), CLLM_FIT_OK);
    CHECK(strstr(why, "RTX 2060") != NULL);

    /* two such GPUs: llama.cpp splits the layers, 12 GB is enough */
    add_gpu(&hw, "NVIDIA GeForce RTX 2060", 6.0, CLLM_BACKEND_CUDA);
    CHECK_INT(cllm_model_check_fit(l13, NULL, &hw, why, sizeof(why)), CLLM_FIT_OK);
    CHECK(strstr(why, "2 cuda GPUs") != NULL);

    /* VRAM unknown: not held against the model */
    fake_hw(&hw, 31.2);
    add_gpu(&hw, "Some GPU", NAN, CLLM_BACKEND_VULKAN);
    CHECK_INT(cllm_model_check_fit(l13, "Q8_0", &hw, why, sizeof(why)), CLLM_FIT_OK);
    CHECK(strstr(why, "not checked") != NULL);

    /* RAM unknown: not held against it either */
    fake_hw(&hw, 1);
    hw.ram.total_bytes = -1;
    CHECK_INT(cllm_model_check_fit(l13, NULL, &hw, why, sizeof(why)), CLLM_FIT_OK);

    /* per-quant RAM: Q8_0 of 13B needs more than Q4_K_M */
    fake_hw(&hw, 20);
    CHECK_INT(cllm_model_check_fit(l13, "Q4_K_M", &hw, why, sizeof(why)), CLLM_FIT_OK);
    CHECK_INT(cllm_model_check_fit(l13, "Q8_0", &hw, why, sizeof(why)), CLLM_FIT_SKIP_RAM);

    CHECK_INT(cllm_model_check_fit(tiny, "Q7_X", &hw, why, sizeof(why)), CLLM_FIT_BAD_QUANT);
    CHECK(strstr(why, "no quantization Q7_X") != NULL && strstr(why, "Q4_K_M") != NULL);
    cllm_registry_free(r);
}

static void test_missing_builtin(void)
{
    struct cllm_registry_params p = cllm_registry_default_params();
    struct cllm_registry *r = NULL;
    char err[512] = "";
    p.builtin_path = "/nonexistent/models.json";
    p.read_user_config = false;
    p.user_path = "";
    CHECK_INT(cllm_registry_load(&p, &r, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(r == NULL && strstr(err, "/nonexistent/models.json") != NULL);
}

int main(void)
{
    RUN(test_builtin_five_models);
    RUN(test_paths_and_kv);
    RUN(test_user_file_merges);
    RUN(test_user_file_from_env);
    RUN(test_validation_messages);
    RUN(test_check_fit);
    RUN(test_missing_builtin);
    return test_summary();
}
