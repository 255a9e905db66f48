/* The in-process llama.cpp engine end to end on a tiny synthetic model (2 layers, 64 wide, a made-up
 * vocabulary, the zephyr chat template, F16): streamed tokens, timestamps, counters, determinism, greedy,
 * stop from the callback, a missing and a corrupt model file. Skips when no libllama is installed. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <unistd.h>

#include "report/result.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "model/synth.h"
#include "model/vocab.h"
#include "report/fields_llm.h"
#include "report/write.h"
#include "report/write_llm.h"
#include "test.h"
#include "core/json.h"

static char g_dir[256];
static char g_model[300];
static int g_ready;   /* 1: model written; -1: cannot run (skip) */
static char g_why[1200];

struct collect {
    char     text[4096];
    size_t   len;
    int      calls;
    int      stop_after;   /* > 0: return false on that call */
    uint64_t last_ns;
    int      backwards;
};

static bool on_token(const char *piece, size_t len, uint64_t t_ns, void *user_data)
{
    struct collect *c = user_data;
    if (t_ns < c->last_ns)
        c->backwards++;
    c->last_ns = t_ns;
    if (c->len + len < sizeof(c->text)) {
        memcpy(c->text + c->len, piece, len);
        c->len += len;
        c->text[c->len] = '\0';
    }
    c->calls++;
    return !(c->stop_after > 0 && c->calls >= c->stop_after);
}

/* Writes the tiny model once; later tests reuse it. */
static int ensure_model(void)
{
    static const char *const words[] = {"▁the", "▁a", "▁of", "▁and", "▁to", "▁in", "▁is", "▁it", "▁that",
                                        "▁AI", "▁Explain", "▁concept", "▁artificial", "▁intelligence",
                                        "▁simple", "▁terms", "▁You", "▁are", "▁helpful", "▁assistant", "s", "e",
                                        "t", "a", "▁", "<|", "|>", "user", "system"};
    const char *pieces[3 + 256 + sizeof(words) / sizeof(words[0])];
    char bytes[256][8];
    uint32_t n = 0;
    struct cllm_vocab *vocab = NULL;
    struct cllm_synth_params sp;
    char dir[1024], err[1024];

    if (g_ready)
        return g_ready;
    g_ready = -1;
    if (cllm_llama_find(dir, sizeof(dir), err, sizeof(err)) != CLLM_OK) {
        snprintf(g_why, sizeof(g_why), "no llama.cpp libraries installed (%s)", err);
        return g_ready;
    }
    pieces[n++] = "<unk>";
    pieces[n++] = "<s>";
    pieces[n++] = "</s>";
    for (int b = 0; b < 256; b++) {
        snprintf(bytes[b], sizeof(bytes[b]), "<0x%02X>", b);
        pieces[n++] = bytes[b];
    }
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        pieces[n++] = words[i];
    if (cllm_vocab_from_pieces(pieces, n, &vocab, err, sizeof(err)) != CLLM_OK) {
        snprintf(g_why, sizeof(g_why), "vocabulary: %s", err);
        return g_ready;
    }
    if (!test_mkdtemp(g_dir, sizeof(g_dir), "engine")) {
        snprintf(g_why, sizeof(g_why), "no temporary folder");
        cllm_vocab_free(vocab);
        return g_ready;
    }
    snprintf(g_model, sizeof(g_model), "%s/tiny.gguf", g_dir);

    sp = cllm_synth_default_params();
    sp.n_layer = 2;
    sp.n_embd = 64;
    sp.n_ff = 128;
    sp.n_head = 4;
    sp.n_head_kv = 4;
    sp.n_vocab = n;
    sp.n_ctx_train = 512;
    sp.name = "tiny engine test";
    sp.path = g_model;
    sp.quant = "F16";
    sp.vocab = vocab;
    sp.chat_template = cllm_vocab_chat_template_by_name("zephyr");
    if (cllm_synth_write(&sp, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "  synth: %s\n", err);
        CHECK(!"cllm_synth_write failed");
    } else {
        g_ready = 1;
    }
    cllm_vocab_free(vocab);
    return g_ready;
}

/* Peak address space of this process in MiB (VmPeak: a large allocation counts even before it is touched),
 * -1 unknown. */
static long peak_vm_mib(void)
{
    char *s = test_slurp("/proc/self/status", NULL), *p;
    long kb = -1;
    if (s && (p = strstr(s, "VmPeak:")) != NULL)
        kb = strtol(p + 7, NULL, 10);
    free(s);
    return kb < 0 ? -1 : kb / 1024;
}

static struct cllm_engine *open_tiny_sampling(int sampling)
{
    struct cllm_engine_open_params o = cllm_engine_default_open_params();
    struct cllm_engine *e = NULL;
    char err[1024];
    o.model_path = g_model;
    o.n_ctx = 256;
    o.n_threads = 1;   /* one thread: no spin-waiting beside other tests running in parallel */
    o.device = "cpu";
    o.sampling = sampling;
    CHECK_INT(cllm_engine_open(&cllm_engine_llama, &o, &e, err, sizeof(err)), CLLM_OK);
    if (!e)
        fprintf(stderr, "  open: %s\n", err);
    return e;
}

static struct cllm_engine *open_tiny(void)
{
    return open_tiny_sampling(CLLM_SAMPLING_AUTO);
}

static struct cllm_gen_params gen(struct collect *c, int max_tokens)
{
    struct cllm_gen_params g = cllm_gen_default_params();
    g.max_tokens = max_tokens;
    g.ignore_eos = true;
    g.on_token = on_token;
    g.user_data = c;
    return g;
}

static void test_generate(void)
{
    struct cllm_engine *e;
    struct cllm_llm_trace t;
    struct cllm_llm_run_metrics m;
    struct collect c1, c2;
    struct cllm_gen_params g;
    char err[512];
    struct cllm_engine_info ei;
    cJSON *info;

    if (ensure_model() < 0)
        SKIP("%s", g_why);
    if (!(e = open_tiny()))
        return;
    CHECK_STR(cllm_engine_name(e), "llama.cpp");
    CHECK(cllm_engine_load_time_s(e) > 0);
    /* the engine's struct, then the same values as report/write_llm.c writes them */
    cllm_engine_info(e, &ei);
    CHECK_INT(ei.kind, CLLM_ENGINE_KIND_IN_PROCESS);
    CHECK_STR(ei.backend, "CPU");
    CHECK_STR(ei.llama_version, "0.5.0-dev");
    CHECK_INT(ei.n_ctx, 256);
    CHECK_INT(ei.n_devices_used, 0);
    CHECK(ei.n_devices_available >= 1);
    CHECK(!ei.op_offload);
    CHECK_INT(ei.model_n_layers, 2);
    CHECK(strstr(ei.chat_template, "model's own") != NULL);
    info = cllm_write_llm_engine(&ei);
    CHECK_STR(cllm_r_str(info, &CLLM_F_LLM_E_BACKEND), "CPU");
    CHECK_STR(cllm_r_str(info, &CLLM_F_LLM_E_LLAMA_VERSION), "0.5.0-dev");
    CHECK(cllm_r_num(info, &CLLM_F_LLM_E_N_CTX) == 256);
    CHECK_INT(cJSON_GetArraySize(cllm_r_get(info, &CLLM_F_LLM_E_DEVICES_USED)), 0);
    CHECK(cJSON_IsFalse(cllm_r_get(info, &CLLM_F_LLM_E_OP_OFFLOAD)));
    CHECK(cllm_r_num(cllm_r_get(info, &CLLM_F_LLM_E_MODEL), &CLLM_F_LLM_EM_N_LAYERS) == 2);
    CHECK(strstr(cllm_r_str(cllm_r_get(info, &CLLM_F_LLM_E_MODEL), &CLLM_F_LLM_EM_CHAT_TEMPLATE), "model's own")
          != NULL);
    cJSON_Delete(info);

    cllm_llm_trace_init(&t);
    memset(&c1, 0, sizeof(c1));
    g = gen(&c1, 8);
    CHECK_INT(cllm_engine_generate(e, &g, &t, err, sizeof(err)), CLLM_OK);
    CHECK_INT(t.n_tokens, 8);            /* ignore_eos: exactly max_tokens */
    CHECK_INT(c1.calls, 8);
    CHECK_INT(c1.backwards, 0);
    CHECK(t.n_prompt_tokens > 10);
    CHECK(t.has_engine_counters);
    CHECK_INT(t.engine_prompt_tokens, t.n_prompt_tokens);
    CHECK_INT(t.engine_decode_tokens, 7); /* the last sampled token is not decoded */
    CHECK(t.has_loop_split);
    CHECK(t.start_ns < t.token_ns[0] && t.token_ns[7] <= t.end_ns);
    CHECK_INT(cllm_llm_run_metrics_compute(&t, &m), CLLM_OK);
    CHECK(m.tokens_per_second > 0);
    CHECK(m.decode_tokens_per_second > 0);
    CHECK(isfinite(m.itl_p90_ms));

    /* same seed, fresh context: the same text again */
    memset(&c2, 0, sizeof(c2));
    g = gen(&c2, 8);
    CHECK_INT(cllm_engine_generate(e, &g, &t, err, sizeof(err)), CLLM_OK);
    CHECK_INT(t.n_tokens, 8);
    CHECK_INT(c2.len, c1.len);
    CHECK(memcmp(c1.text, c2.text, c1.len) == 0);

    /* greedy, no template system message, and a stop from the callback after 3 tokens */
    memset(&c2, 0, sizeof(c2));
    c2.stop_after = 3;
    g = gen(&c2, 16);
    g.temperature = 0;
    g.system_prompt = NULL;
    CHECK_INT(cllm_engine_generate(e, &g, &t, err, sizeof(err)), CLLM_ERR_CANCELLED);
    CHECK_INT(t.n_tokens, 3);
    CHECK(t.end_ns >= t.token_ns[2]);

    /* nothing asked, nothing generated */
    memset(&c2, 0, sizeof(c2));
    g = gen(&c2, 0);
    CHECK_INT(cllm_engine_generate(e, &g, &t, err, sizeof(err)), CLLM_OK);
    CHECK_INT(t.n_tokens, 0);

    cllm_llm_trace_free(&t);
    cllm_engine_close(e);

    /* a tiny model stays tiny: a call with the wrong signature (the penalty sampler's window read from a
     * garbage register) once allocated gigabytes here */
#ifndef __SANITIZE_ADDRESS__   /* ASan reserves terabytes of shadow address space */
    {
        long mib = peak_vm_mib();
        fprintf(stderr, "  peak address space %ld MiB\n", mib);
        CHECK(mib < 1024);
    }
#endif
}

/* One generation of n tokens with mode's engine into c; the trace's sampling into sampled. */
static void gen_mode(int mode, double temperature, int n, struct collect *c, const char **sampled)
{
    struct cllm_engine *e;
    struct cllm_llm_trace t;
    struct cllm_gen_params g;
    char err[512];

    memset(c, 0, sizeof(*c));
    *sampled = "?";
    if (!(e = open_tiny_sampling(mode)))
        return;
    cllm_llm_trace_init(&t);
    g = gen(c, n);
    g.temperature = temperature;
    g.repeat_penalty = 1.3;   /* the window matters: a token the device sampled must enter its history */
    CHECK_INT(cllm_engine_generate(e, &g, &t, err, sizeof(err)), CLLM_OK);
    CHECK_INT(t.n_tokens, n);
    CHECK_INT(t.engine_decode_tokens, n - 1);
    CHECK(t.has_loop_split && t.loop_decode_ms > 0 && t.loop_other_ms >= 0);
    *sampled = t.sampling;
    cllm_llm_trace_free(&t);
    cllm_engine_close(e);
}

/* The three places a token can be picked give the same tokens where they must: greedy with a repetition penalty
 * in all three (the device's chain keeps its penalty window from the tokens it sampled), the seeded draw in host
 * and device-top-k (the same sampler over all logits or over the device's best candidates); the device's own draw
 * is repeatable. With the CPU library the "device" is the CPU backend running the graph's samplers. */
static void test_sampling_modes_agree(void)
{
    struct collect host, top, dev, dev2;
    const char *sh, *st, *sd;

    if (ensure_model() < 0)
        SKIP("%s", g_why);
    gen_mode(CLLM_SAMPLING_HOST, 0, 48, &host, &sh);
    gen_mode(CLLM_SAMPLING_DEVICE_TOP_K, 0, 48, &top, &st);
    gen_mode(CLLM_SAMPLING_DEVICE, 0, 48, &dev, &sd);
    CHECK_STR(sh, "host");
    CHECK_STR(st, "device_top_k");
    CHECK_STR(sd, "device");
    CHECK(host.len > 0);
    CHECK_STR(top.text, host.text);
    CHECK_STR(dev.text, host.text);

    gen_mode(CLLM_SAMPLING_HOST, 0.8, 48, &host, &sh);
    gen_mode(CLLM_SAMPLING_DEVICE_TOP_K, 0.8, 48, &top, &st);
    CHECK_STR(top.text, host.text);
    gen_mode(CLLM_SAMPLING_DEVICE, 0.8, 48, &dev, &sd);
    gen_mode(CLLM_SAMPLING_DEVICE, 0.8, 48, &dev2, &sd);
    CHECK(dev.len > 0);
    CHECK_STR(dev2.text, dev.text);
}

static void test_bad_model_files(void)
{
    struct cllm_engine_open_params o = cllm_engine_default_open_params();
    struct cllm_engine *e = NULL;
    char err[1024], bad[300];
    FILE *f;

    if (ensure_model() < 0)
        SKIP("%s", g_why);
    o.device = "cpu";
    o.model_path = "/nonexistent/model.gguf";
    CHECK_INT(cllm_engine_open(&cllm_engine_llama, &o, &e, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "/nonexistent/model.gguf") != NULL);

    snprintf(bad, sizeof(bad), "%s/corrupt.gguf", g_dir);
    f = fopen(bad, "wb");
    if (f) {
        fputs("GGUF but not really a model file", f);
        fclose(f);
    }
    o.model_path = bad;
    CHECK_INT(cllm_engine_open(&cllm_engine_llama, &o, &e, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "llama.cpp could not load") != NULL);
    CHECK(strstr(err, bad) != NULL);
    CHECK(strstr(err, "version") != NULL);   /* the first error line: the cause, not "failed to load" */
    fprintf(stderr, "  corrupt file: %s\n", err);
    CHECK(e == NULL);
    unlink(bad);
}

int main(void)
{
    RUN(test_generate);
    RUN(test_sampling_modes_agree);
    RUN(test_bad_model_files);
    if (g_dir[0])
        test_rmtree(g_dir);
    return test_summary();
}
