/* Synthetic models: a tiny model written and read back exactly, deterministic weights, refused shapes, and —
 * with libllama — the quantized sizes per type (ordered, each near the size its bits per weight give) and a
 * quantized model that llama.cpp loads and decodes. */
#include <stdint.h>
#include <unistd.h>

#include "model/gguf.h"
#include "llm/llama_api.h"
#include "model/synth.h"
#include "model/vocab.h"
#include "test.h"

static char tmpdir[256];

static const char *tmp_path(const char *name) { return test_join(tmpdir, name); }

/* A made-up SentencePiece vocabulary of n pieces (unk, s, /s, 256 bytes, then "p0", "p1", ...). */
static struct cllm_vocab *made_up_vocab(uint32_t n)
{
    char **pieces = calloc(n, sizeof(char *));
    struct cllm_vocab *v = NULL;
    char err[256];
    for (uint32_t i = 0; i < n; i++) {
        pieces[i] = malloc(16);
        if (i == 0)
            strcpy(pieces[i], "<unk>");
        else if (i == 1)
            strcpy(pieces[i], "<s>");
        else if (i == 2)
            strcpy(pieces[i], "</s>");
        else if (i < 259)
            snprintf(pieces[i], 16, "<0x%02X>", i - 3);
        else
            snprintf(pieces[i], 16, "p%u", i - 259);
    }
    if (cllm_vocab_from_pieces((const char *const *)pieces, n, &v, err, sizeof(err)) != CLLM_OK)
        fprintf(stderr, "%s\n", err);
    for (uint32_t i = 0; i < n; i++)
        free(pieces[i]);
    free(pieces);
    return v;
}

static struct cllm_synth_params tiny_params(const struct cllm_vocab *v, const char *path)
{
    struct cllm_synth_params p = cllm_synth_default_params();
    p.n_layer = 2;
    p.n_embd = 64;
    p.n_ff = 128;
    p.n_head = 4;
    p.n_head_kv = 2;
    p.n_vocab = cllm_vocab_n_tokens(v);
    p.n_ctx_train = 512;
    p.rope_freq_base = 1e6f;
    p.name = "tiny";
    p.model_key = "tiny-test";
    p.path = path;
    p.quant = "F16";
    p.vocab = v;
    p.chat_template = cllm_vocab_chat_template_by_name("llama2");
    return p;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, x;
    float f;
    if (exp == 0)
        return (sign ? -1.0f : 1.0f) * ldexpf((float)man, -24);
    if (exp == 31)
        x = sign | 0x7f800000u | (man << 13);
    else
        x = sign | ((exp - 15 + 127) << 23) | (man << 13);
    memcpy(&f, &x, 4);
    return f;
}

static int stage_calls[3];
static bool count_progress(enum cllm_synth_stage s, double f, void *u)
{
    (void)u;
    CHECK(f >= 0.0 && f <= 1.0);
    stage_calls[s]++;
    return true;
}

static void test_tiny_round_trip(void)
{
    struct cllm_vocab *v = made_up_vocab(300);
    struct cllm_synth_params p = tiny_params(v, tmp_path("tiny.gguf"));
    struct cllm_gguf *g = NULL;
    char err[512];
    uint64_t u;
    double d;
    bool b;
    size_t len;
    char *raw;
    static const char *const names[] = {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                                        "ffn_norm", "ffn_gate", "ffn_down", "ffn_up"};

    p.progress = count_progress;
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_OK);
    CHECK(stage_calls[CLLM_SYNTH_STAGE_WEIGHTS] >= 1 && stage_calls[CLLM_SYNTH_STAGE_DONE] == 1);
    CHECK(access(tmp_path("tiny.gguf.part"), F_OK) != 0);
    CHECK_INT(cllm_gguf_open(p.path, &g, err, sizeof(err)), CLLM_OK);
    if (!g) {
        fprintf(stderr, "%s\n", err);
        cllm_vocab_free(v);
        return;
    }
    CHECK_STR(cllm_gguf_get_str(g, "general.architecture"), "llama");
    CHECK_STR(cllm_gguf_get_str(g, "general.name"), "synthetic tiny");
    CHECK(cllm_gguf_get_bool(g, "computellm.synthetic", &b) && b);
    CHECK_STR(cllm_gguf_get_str(g, "computellm.model_key"), "tiny-test");
    CHECK(cllm_gguf_get_uint(g, "computellm.synthetic_seed", &u) && u == 42);
    CHECK(cllm_gguf_get_uint(g, "general.file_type", &u) && u == 1);
    CHECK(cllm_gguf_get_uint(g, "llama.block_count", &u) && u == 2);
    CHECK(cllm_gguf_get_uint(g, "llama.embedding_length", &u) && u == 64);
    CHECK(cllm_gguf_get_uint(g, "llama.feed_forward_length", &u) && u == 128);
    CHECK(cllm_gguf_get_uint(g, "llama.attention.head_count", &u) && u == 4);
    CHECK(cllm_gguf_get_uint(g, "llama.attention.head_count_kv", &u) && u == 2);
    CHECK(cllm_gguf_get_uint(g, "llama.rope.dimension_count", &u) && u == 16);
    CHECK(cllm_gguf_get_uint(g, "llama.context_length", &u) && u == 512);
    CHECK(cllm_gguf_get_uint(g, "llama.vocab_size", &u) && u == 300);
    CHECK(cllm_gguf_get_float(g, "llama.rope.freq_base", &d) && d == 1e6);
    CHECK(cllm_gguf_get_float(g, "llama.attention.layer_norm_rms_epsilon", &d) && fabs(d - 1e-5) < 1e-10);
    CHECK_STR(cllm_gguf_get_str(g, "tokenizer.chat_template"), cllm_vocab_chat_template_by_name("llama2"));
    CHECK(cllm_gguf_find_kv(g, "tokenizer.ggml.tokens") && cllm_gguf_find_kv(g, "tokenizer.ggml.tokens")->n == 300);

    /* tensor infos: llama.cpp's names, shapes and order */
    CHECK_INT(cllm_gguf_n_tensors(g), 1 + 9 * 2 + 2);
    {
        const struct cllm_gguf_tensor *t = cllm_gguf_tensor_at(g, 0);
        CHECK_STR(t->name, "token_embd.weight");
        CHECK(t->type == CLLM_GGML_F16 && t->n_dims == 2 && t->ne[0] == 64 && t->ne[1] == 300);
        for (int l = 0; l < 2; l++)
            for (int k = 0; k < 9; k++) {
                char want[64];
                snprintf(want, sizeof(want), "blk.%d.%s.weight", l, names[k]);
                t = cllm_gguf_tensor_at(g, 1 + (size_t)l * 9 + (size_t)k);
                CHECK_STR(t->name, want);
            }
        t = cllm_gguf_find_tensor(g, "blk.1.attn_norm.weight");
        CHECK(t && t->type == CLLM_GGML_F32 && t->n_dims == 1 && t->ne[0] == 64);
        t = cllm_gguf_find_tensor(g, "blk.0.attn_k.weight");
        CHECK(t && t->type == CLLM_GGML_F16 && t->ne[0] == 64 && t->ne[1] == 32); /* 2 kv heads of 16 */
        t = cllm_gguf_find_tensor(g, "blk.0.ffn_down.weight");
        CHECK(t && t->ne[0] == 128 && t->ne[1] == 64);
        t = cllm_gguf_find_tensor(g, "blk.0.ffn_up.weight");
        CHECK(t && t->ne[0] == 64 && t->ne[1] == 128);
        t = cllm_gguf_tensor_at(g, 19);
        CHECK_STR(t->name, "output_norm.weight");
        t = cllm_gguf_tensor_at(g, 20);
        CHECK_STR(t->name, "output.weight");
        CHECK(t->ne[0] == 64 && t->ne[1] == 300);
    }

    /* weights: norms exactly 1, matrices mean ~0 and std ~0.02, all finite */
    raw = test_slurp(p.path, &len);
    CHECK(raw && len == cllm_gguf_file_size(g));
    if (raw) {
        const struct cllm_gguf_tensor *t = cllm_gguf_find_tensor(g, "output_norm.weight");
        const char *base = raw + cllm_gguf_data_offset(g);
        double s = 0, s2 = 0;
        uint64_t n;
        for (uint64_t i = 0; i < 64; i++) {
            float f;
            memcpy(&f, base + t->offset + 4 * i, 4);
            CHECK(f == 1.0f);
        }
        t = cllm_gguf_find_tensor(g, "output.weight");
        n = t->ne[0] * t->ne[1];
        for (uint64_t i = 0; i < n; i++) {
            uint16_t h;
            float f;
            memcpy(&h, base + t->offset + 2 * i, 2);
            f = half_to_float(h);
            CHECK(isfinite(f) && fabsf(f) < 0.1f);
            s += f;
            s2 += (double)f * f;
        }
        CHECK_NEAR(s / n, 0.0, 0.002);
        CHECK_NEAR(sqrt(s2 / n - (s / n) * (s / n)), 0.02, 0.001);
    }
    free(raw);
    cllm_gguf_close(g);

    /* same seed → same bytes; another seed → other weights, same layout */
    {
        struct cllm_synth_params q = p;
        size_t l1, l2, l3;
        char *a, *c, *e;
        q.progress = NULL;
        q.path = tmp_path("tiny2.gguf");
        CHECK_INT(cllm_synth_write(&q, err, sizeof(err)), CLLM_OK);
        q.path = tmp_path("tiny3.gguf");
        q.seed = 7;
        CHECK_INT(cllm_synth_write(&q, err, sizeof(err)), CLLM_OK);
        a = test_slurp(p.path, &l1);
        c = test_slurp(tmp_path("tiny2.gguf"), &l2);
        e = test_slurp(tmp_path("tiny3.gguf"), &l3);
        CHECK(a && c && e && l1 == l2 && l1 == l3);
        if (a && c && e && l1 == l2 && l1 == l3) {
            CHECK(memcmp(a, c, l1) == 0);
            CHECK(memcmp(a, e, l1) != 0);
        }
        free(a);
        free(c);
        free(e);
    }
    cllm_vocab_free(v);
}

static void test_refused(void)
{
    struct cllm_vocab *v = made_up_vocab(300);
    struct cllm_synth_params p = tiny_params(v, tmp_path("bad.gguf"));
    char err[512];

    p.n_vocab = 32000;
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "n_vocab 32000") && strstr(err, "300 tokens"));
    p = tiny_params(v, tmp_path("bad.gguf"));
    p.n_head_kv = 3;
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "n_head_kv") != NULL);
    p = tiny_params(v, tmp_path("bad.gguf"));
    p.quant = "Q9_X";
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "Q9_X") != NULL);
    p = tiny_params(v, tmp_path("bad.gguf"));
    p.arch = "gpt2";
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    p = tiny_params(v, "/nonexistent-dir/x.gguf");
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "/nonexistent-dir/x.gguf.part") != NULL);
    CHECK(access(tmp_path("bad.gguf"), F_OK) != 0);
    {
        int ft;
        CHECK(cllm_synth_quant_ftype("q4_k_m", &ft) && ft == 15);
        CHECK(cllm_synth_quant_ftype("Q8_0", &ft) && ft == 7);
        CHECK(!cllm_synth_quant_ftype("Q1", &ft));
    }
    /* TinyLlama's shape: 1.1B parameters, a 2.2 GB F16 intermediate */
    p = tiny_params(v, "x");
    p.n_layer = 22;
    p.n_embd = 2048;
    p.n_ff = 5632;
    p.n_head = 32;
    p.n_head_kv = 4;
    p.n_vocab = 32000;
    CHECK_INT(cllm_synth_n_params(&p), 1100048384);
    CHECK_INT(cllm_synth_f16_bytes(&p), 2200281088); /* norms are F32 */
    cllm_vocab_free(v);
}

static bool cancel_at_once(enum cllm_synth_stage s, double f, void *u)
{
    (void)s;
    (void)f;
    (void)u;
    return false;
}

static void test_cancel(void)
{
    struct cllm_vocab *v = made_up_vocab(300);
    struct cllm_synth_params p = tiny_params(v, tmp_path("cancel.gguf"));
    char err[512];
    p.n_embd = 1024; /* more than one progress period of data */
    p.n_ff = 4096;
    p.n_head = 8;
    p.n_head_kv = 8;
    p.progress = cancel_at_once;
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_CANCELLED);
    CHECK(access(tmp_path("cancel.gguf"), F_OK) != 0);
    CHECK(access(tmp_path("cancel.gguf.part"), F_OK) != 0);
    cllm_vocab_free(v);
}

/* bits per weight of each type, llama.cpp's block sizes */
static double type_bpw(enum cllm_ggml_type t)
{
    uint32_t be, bb;
    cllm_ggml_type_info(t, NULL, &be, &bb);
    return 8.0 * bb / be;
}

/* Quantized sizes, ordered, each within 5 % of the size the types' bits per weight give for the mix in
 * outline: matrices of the base type, output.weight Q6_K (Q8_0 for Q8_0), and for Q2_K / Q3_K_M attn_v,
 * attn_output and ffn_down one type up (Q3_K / Q4_K). The details left out (attn_v and ffn_down of some layers
 * raised further, to Q5_K or Q6_K) are what the 5 % covers. */
static bool raised_tensor(const char *name)
{
    return strstr(name, ".attn_v.") || strstr(name, ".attn_output.") || strstr(name, ".ffn_down.");
}

static void test_quant_sizes(void)
{
    static const struct {
        const char         *quant;
        enum cllm_ggml_type base, raised, output;
    } q[] = {
        {"Q2_K", CLLM_GGML_Q2_K, CLLM_GGML_Q3_K, CLLM_GGML_Q6_K},
        {"Q3_K_M", CLLM_GGML_Q3_K, CLLM_GGML_Q4_K, CLLM_GGML_Q6_K},
        {"Q4_K_M", CLLM_GGML_Q4_K, CLLM_GGML_Q4_K, CLLM_GGML_Q6_K},
        {"Q5_K_M", CLLM_GGML_Q5_K, CLLM_GGML_Q5_K, CLLM_GGML_Q6_K},
        {"Q6_K", CLLM_GGML_Q6_K, CLLM_GGML_Q6_K, CLLM_GGML_Q6_K},
        {"Q8_0", CLLM_GGML_Q8_0, CLLM_GGML_Q8_0, CLLM_GGML_Q8_0},
    };
    const struct cllm_llama *L = NULL;
    struct cllm_vocab *v;
    char err[1024];
    uint64_t prev = 0;

    if (cllm_llama_load(NULL, &L, err, sizeof(err)) != CLLM_OK)
        SKIP("libllama not available (run scripts/setup): %s", err);
    v = made_up_vocab(4096);
    for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        struct cllm_synth_params p = tiny_params(v, tmp_path("q.gguf"));
        struct cllm_gguf *g = NULL;
        double expect = 0, got, data = 0;
        p.n_embd = 256;
        p.n_ff = 768;
        p.n_head = 4;
        p.n_head_kv = 2;
        p.n_layer = 4;
        p.quant = q[i].quant;
        p.llama = L;
        p.n_threads = 2;
        CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_OK);
        if (cllm_gguf_open(p.path, &g, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "  %s: %s\n", q[i].quant, err);
            t_checks_failed++;
            continue;
        }
        for (size_t k = 0; k < cllm_gguf_n_tensors(g); k++) {
            const struct cllm_gguf_tensor *t = cllm_gguf_tensor_at(g, k);
            double n = (double)(t->ne[0] * t->ne[1]);
            enum cllm_ggml_type want = t->n_dims == 1                         ? CLLM_GGML_F32
                                       : strcmp(t->name, "output.weight") == 0 ? q[i].output
                                       : raised_tensor(t->name)                ? q[i].raised
                                                                               : q[i].base;
            expect += n * type_bpw(want) / 8;
            data += (double)t->nbytes;
        }
        got = (double)cllm_gguf_file_size(g) - (double)cllm_gguf_data_offset(g);
        fprintf(stderr, "  %-6s %9.0f bytes of tensors, %9.0f expected (%+.1f %%), file %llu\n", q[i].quant, got,
                expect, 100 * (got / expect - 1), (unsigned long long)cllm_gguf_file_size(g));
        CHECK(fabs(got / expect - 1) < 0.05);
        CHECK(got >= data); /* the data section holds every tensor (plus alignment) */
        CHECK(cllm_gguf_file_size(g) > prev);
        prev = cllm_gguf_file_size(g);
        {
            bool b;
            CHECK(cllm_gguf_get_bool(g, "computellm.synthetic", &b) && b);
            CHECK_STR(cllm_gguf_get_str(g, "general.name"), "synthetic tiny");
        }
        cllm_gguf_close(g);
    }
    /* no temporary file left behind */
    CHECK(access(tmp_path(".q.gguf.f16.tmp"), F_OK) != 0);
    CHECK(access(tmp_path("q.gguf.part"), F_OK) != 0);
    cllm_vocab_free(v);
}

/* llama.cpp loads a quantized synthetic model and decodes with it. */
static void test_runs_in_llama(void)
{
    const struct cllm_llama *L = NULL;
    struct cllm_vocab *v;
    struct cllm_synth_params p;
    struct cllm_llama_model_params mp;
    struct cllm_llama_context_params cp;
    struct llama_model *m;
    struct llama_context *c;
    struct llama_sampler *s;
    char err[1024];
    cllm_llama_token toks[8] = {1, 300, 301, 302, 303, 304, 305, 306};

    if (cllm_llama_load(NULL, &L, err, sizeof(err)) != CLLM_OK)
        SKIP("libllama not available (run scripts/setup): %s", err);
    v = made_up_vocab(1024);
    p = tiny_params(v, tmp_path("run.gguf"));
    p.n_embd = 256;
    p.n_ff = 512;
    p.quant = "Q4_K_M";
    p.llama = L;
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_OK);
    mp = L->model_default_params();
    mp.n_gpu_layers = 0;
    m = L->model_load_from_file(p.path, mp);
    CHECK(m != NULL);
    if (!m) {
        cllm_vocab_free(v);
        return;
    }
    CHECK_INT(L->model_n_layer(m), 2);
    CHECK_INT(L->vocab_n_tokens(L->model_get_vocab(m)), 1024);
    cp = L->context_default_params();
    cp.n_ctx = 64;
    cp.n_batch = 64;
    cp.n_ubatch = 64;
    cp.n_threads = 2;
    cp.n_threads_batch = 2;
    c = L->init_from_model(m, cp);
    CHECK(c != NULL);
    if (c) {
        s = L->sampler_init_greedy();
        CHECK_INT(L->decode(c, L->batch_get_one(toks, 8)), 0);
        for (int i = 0; i < 4; i++) {
            cllm_llama_token t = L->sampler_sample(s, c, -1);
            CHECK(t >= 0 && t < 1024);
            CHECK_INT(L->decode(c, L->batch_get_one(&t, 1)), 0);
        }
        L->sampler_free(s);
        L->free(c);
    }
    L->model_free(m);
    cllm_vocab_free(v);
}

int main(void)
{
    if (!test_mkdtemp(tmpdir, sizeof(tmpdir), "synth"))
        return 1;
    RUN(test_tiny_round_trip);
    RUN(test_refused);
    RUN(test_cancel);
    RUN(test_quant_sizes);
    RUN(test_runs_in_llama);
    test_rmtree(tmpdir);
    return test_summary();
}
