/* Synthetic models: a tiny model written and read back exactly, deterministic weights, refused shapes, and —
 * with libllama — the quantized sizes per type (ordered, each near the size its bits per weight give) and a
 * quantized model that llama.cpp loads and decodes. */
#include <dirent.h>
#include <stdint.h>
#include <unistd.h>

#include "model/gguf.h"
#include "llm/llama_api.h"
#include "model/synth.h"
#include "model/synth_internal.h"
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

/* ---------------------------------------------------------------- the direct writer */

static struct cllm_synth_params small_params(const struct cllm_vocab *v, const char *path, const char *quant,
                                             const struct cllm_llama *L)
{
    struct cllm_synth_params p = tiny_params(v, path);
    p.n_layer = 8;      /* enough layers for the quantizer's per-layer rules (first/last eighth, every third) */
    p.n_embd = 512;     /* the skeleton is narrower (8 heads of 32 = 256): the mix must not depend on widths */
    p.n_ff = 768;
    p.n_head = 8;
    p.n_head_kv = 2;    /* GQA 4: Q2_K's attn_v rule */
    p.quant = quant;
    p.llama = L;
    p.n_threads = 2;
    return p;
}

/* Equal key sets and values (numbers, strings, arrays); names the first difference. */
static bool same_kvs(const struct cllm_gguf *a, const struct cllm_gguf *b, char *why, size_t n)
{
    if (cllm_gguf_n_kv(a) != cllm_gguf_n_kv(b)) {
        snprintf(why, n, "%zu keys vs %zu", cllm_gguf_n_kv(a), cllm_gguf_n_kv(b));
        return false;
    }
    for (size_t i = 0; i < cllm_gguf_n_kv(a); i++) {
        const struct cllm_gguf_kv *x = cllm_gguf_kv_at(a, i), *y = cllm_gguf_find_kv(b, x->key);
        bool eq = y && x->type == y->type && x->elem_type == y->elem_type && x->n == y->n;
        for (uint64_t k = 0; eq && x->strs && k < x->n; k++)
            eq = x->lens[k] == y->lens[k] && memcmp(x->strs[k], y->strs[k], x->lens[k]) == 0;
        if (eq && x->data) {
            size_t esz = x->elem_type == CLLM_GGUF_UINT64 || x->elem_type == CLLM_GGUF_INT64 ||
                                 x->elem_type == CLLM_GGUF_FLOAT64 ? 8
                         : x->elem_type == CLLM_GGUF_UINT16 || x->elem_type == CLLM_GGUF_INT16 ? 2
                         : x->elem_type == CLLM_GGUF_UINT8 || x->elem_type == CLLM_GGUF_INT8 ||
                                 x->elem_type == CLLM_GGUF_BOOL ? 1 : 4;
            eq = memcmp(x->data, y->data, (size_t)x->n * esz) == 0;
        }
        if (!eq) {
            snprintf(why, n, "key %s differs", x->key);
            return false;
        }
    }
    return true;
}

/* The same tensors (name, type, shape, offset, in the same order) in both files; counts the mismatches. */
static int tensor_mismatches(const struct cllm_gguf *a, const struct cllm_gguf *b, const char *label)
{
    int bad = 0;
    if (cllm_gguf_n_tensors(a) != cllm_gguf_n_tensors(b)) {
        fprintf(stderr, "  %s: %zu tensors vs %zu\n", label, cllm_gguf_n_tensors(a), cllm_gguf_n_tensors(b));
        return 1;
    }
    for (size_t i = 0; i < cllm_gguf_n_tensors(a); i++) {
        const struct cllm_gguf_tensor *x = cllm_gguf_tensor_at(a, i), *y = cllm_gguf_find_tensor(b, x->name);
        if (!y || x->type != y->type || x->n_dims != y->n_dims || x->ne[0] != y->ne[0] || x->ne[1] != y->ne[1] ||
            x->offset != y->offset || y != cllm_gguf_tensor_at(b, i)) {
            if (bad++ < 4)
                fprintf(stderr, "  %s: tensor %s: type %d vs %d\n", label, x->name, (int)x->type,
                        y ? (int)y->type : -1);
        }
    }
    return bad;
}

/* fp16 scales of one block of a type (ggml-common.h's block layouts): byte offsets, -1 ends. */
static const int *scale_offsets(enum cllm_ggml_type t)
{
    static const int q4_0[] = {0, -1}, q4_1[] = {0, 2, -1}, q8_0[] = {0, -1}, q2_k[] = {80, 82, -1},
                     q3_k[] = {108, -1}, q45_k[] = {0, 2, -1}, q6_k[] = {208, -1};
    switch (t) {
    case CLLM_GGML_Q4_0: case CLLM_GGML_Q5_0: return q4_0;
    case CLLM_GGML_Q4_1: case CLLM_GGML_Q5_1: return q4_1;
    case CLLM_GGML_Q8_0: return q8_0;
    case CLLM_GGML_Q2_K: return q2_k;
    case CLLM_GGML_Q3_K: return q3_k;
    case CLLM_GGML_Q4_K: case CLLM_GGML_Q5_K: return q45_k;
    case CLLM_GGML_Q6_K: return q6_k;
    default: return NULL;
    }
}

/* Blocks of a quantized tensor that break a rule: an fp16 scale NaN/Inf (or the block scale d
 * exactly 0: Q3_K and Q6_K store it negative), a Q8_0 value of -128 (outside -127..127), or ggml's own validator refusing the row data. Also
 * counts repeated blocks among the first 4096 (a writer copying one block everywhere fails). */
static uint64_t bad_blocks(const struct cllm_llama *L, const struct cllm_gguf_tensor *t, const uint8_t *data,
                           uint64_t *repeats)
{
    uint32_t be, bb;
    const int *offs = scale_offsets(t->type);
    uint64_t n_blocks, bad = 0;
    cllm_ggml_type_info(t->type, NULL, &be, &bb);
    n_blocks = t->nbytes / bb;
    for (uint64_t b = 0; offs && b < n_blocks; b++) {
        const uint8_t *blk = data + b * bb;
        bool ok = true;
        for (int k = 0; offs[k] >= 0; k++) {
            uint16_t h;
            float f;
            memcpy(&h, blk + offs[k], 2);
            f = cllm_synth_half_to_float(h);
            ok = ok && isfinite(f) && (k > 0 || f != 0);
        }
        if (t->type == CLLM_GGML_Q8_0)
            for (int k = 0; k < 32; k++)
                ok = ok && (int8_t)blk[2 + k] != -128;
        bad += !ok;
    }
    if (L->ggml_validate_row_data && !L->ggml_validate_row_data((int)t->type, data, t->nbytes))
        bad++;
    *repeats = 0;
    for (uint64_t b = 1; b < n_blocks && b < 4096; b++)
        if (memcmp(data + b * bb, data + (b - 1) * bb, bb) == 0)
            (*repeats)++;
    return bad;
}

static bool stage_seen[8];
static bool note_stage(enum cllm_synth_stage s, double f, void *u)
{
    (void)f;
    (void)u;
    if ((unsigned)s < 8)
        stage_seen[s] = true;
    return true;
}

/* For each quantization: the mix learned from the skeleton equals, tensor by tensor, what llama_model_quantize
 * makes of the whole small model; the direct file has those tensors at the same offsets, the quantizer's
 * metadata, (nearly) its size, the size cllm_synth_file_bytes predicted, and only valid blocks. */
static void test_direct_equals_quantizer(void)
{
    static const char *const qs[] = {"Q2_K", "Q3_K_S", "Q3_K_M", "Q4_K_M", "Q4_K_S", "Q5_K_M", "Q6_K", "Q8_0"};
    const struct cllm_llama *L = NULL;
    struct cllm_vocab *v;
    char err[1024];

    if (cllm_llama_load(NULL, &L, err, sizeof(err)) != CLLM_OK)
        SKIP("libllama not available (run scripts/setup): %s", err);
    v = made_up_vocab(1024);
    for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
        struct cllm_synth_params d = small_params(v, tmp_path("direct.gguf"), qs[i], L);
        struct cllm_synth_params q = small_params(v, tmp_path("quant.gguf"), qs[i], L);
        struct cllm_synth_mix mix = {0};
        struct cllm_gguf *gd = NULL, *gq = NULL;
        uint64_t predicted = 0, bad = 0, repeats = 0, blocks = 0;
        char why[256] = "";
        size_t len = 0;
        char *raw;

        q.method = CLLM_SYNTH_QUANTIZER;
        memset(stage_seen, 0, sizeof(stage_seen));
        d.progress = note_stage;
        CHECK_INT(cllm_synth_write(&q, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_synth_write(&d, err, sizeof(err)), CLLM_OK);
        /* the direct path ran: mix and blocks stages, no F16 file, no quantizing of the whole model */
        CHECK(stage_seen[CLLM_SYNTH_STAGE_MIX] && stage_seen[CLLM_SYNTH_STAGE_BLOCKS]);
        CHECK(!stage_seen[CLLM_SYNTH_STAGE_WEIGHTS] && !stage_seen[CLLM_SYNTH_STAGE_QUANTIZE]);
        CHECK_INT(cllm_synth_file_bytes(&d, &predicted, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_synth_learn_mix(&d, &mix, err, sizeof(err)), CLLM_OK);
        if (cllm_gguf_open(d.path, &gd, err, sizeof(err)) != CLLM_OK ||
            cllm_gguf_open(q.path, &gq, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "  %s: %s\n", qs[i], err);
            t_checks_failed++;
            cllm_gguf_close(gd);
            cllm_synth_mix_free(&mix);
            continue;
        }
        /* the learned mix, name by name */
        CHECK_INT(mix.n, cllm_gguf_n_tensors(gq));
        for (size_t k = 0; k < mix.n; k++) {
            const struct cllm_gguf_tensor *t = cllm_gguf_find_tensor(gq, mix.t[k].name);
            CHECK(t && t->type == mix.t[k].type && t->ne[0] == mix.t[k].ne[0] && t->ne[1] == mix.t[k].ne[1]);
        }
        CHECK_INT(tensor_mismatches(gd, gq, qs[i]), 0);
        CHECK(same_kvs(gd, gq, why, sizeof(why)));
        if (*why)
            fprintf(stderr, "  %s: %s\n", qs[i], why);
        CHECK(fabs((double)cllm_gguf_file_size(gd) / (double)cllm_gguf_file_size(gq) - 1) < 0.01);
        CHECK_INT(predicted, cllm_gguf_file_size(gd));
        /* every block of every quantized tensor */
        raw = test_slurp(d.path, &len);
        CHECK(raw && len == cllm_gguf_file_size(gd));
        for (size_t k = 0; raw && k < cllm_gguf_n_tensors(gd); k++) {
            const struct cllm_gguf_tensor *t = cllm_gguf_tensor_at(gd, k);
            uint64_t rep = 0;
            if (t->type == CLLM_GGML_F32 || t->type == CLLM_GGML_F16)
                continue;
            bad += bad_blocks(L, t, (const uint8_t *)raw + cllm_gguf_data_offset(gd) + t->offset, &rep);
            repeats += rep;
            blocks += t->nbytes;
        }
        fprintf(stderr, "  %-6s %zu tensors as the quantizer's, %llu bytes (quantizer %llu), %llu bad blocks, "
                "%llu repeats\n", qs[i], mix.n, (unsigned long long)cllm_gguf_file_size(gd),
                (unsigned long long)cllm_gguf_file_size(gq), (unsigned long long)bad,
                (unsigned long long)repeats);
        CHECK(blocks > 0);
        CHECK_INT(bad, 0);
        /* the checker itself: one scale made Inf, one block copied onto its neighbour */
        for (size_t k = 0; raw && k < cllm_gguf_n_tensors(gd); k++) {
            const struct cllm_gguf_tensor *t = cllm_gguf_tensor_at(gd, k);
            uint8_t *at = (uint8_t *)raw + cllm_gguf_data_offset(gd) + t->offset;
            const int *offs = scale_offsets(t->type);
            uint32_t bb;
            uint64_t rep = 0;
            if (!offs)
                continue;
            cllm_ggml_type_info(t->type, NULL, NULL, &bb);
            memcpy(at + bb, at, bb);
            at[3 * bb + (uint32_t)offs[0]] = 0x00;
            at[3 * bb + (uint32_t)offs[0] + 1] = 0x7c; /* +Inf */
            CHECK(bad_blocks(L, t, at, &rep) >= 1);
            CHECK(rep >= 1);
            break;
        }
        CHECK_INT(repeats, 0);
        free(raw);
        cllm_gguf_close(gd);
        cllm_gguf_close(gq);
        cllm_synth_mix_free(&mix);
    }
    cllm_vocab_free(v);
}

/* Rows that are not a multiple of 256 (n_embd 384, n_ff 640): the quantizer falls back to 32-wide types; the
 * skeleton keeps those rows' real lengths, so the learned mix has the same fallbacks. */
static void test_fallback_rows(void)
{
    static const char *const qs[] = {"Q2_K", "Q4_K_M", "Q6_K"};
    const struct cllm_llama *L = NULL;
    struct cllm_vocab *v;
    char err[1024];

    if (cllm_llama_load(NULL, &L, err, sizeof(err)) != CLLM_OK)
        SKIP("libllama not available (run scripts/setup): %s", err);
    v = made_up_vocab(512);
    for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
        struct cllm_synth_params d = small_params(v, tmp_path("fd.gguf"), qs[i], L);
        struct cllm_synth_params q;
        struct cllm_gguf *gd = NULL, *gq = NULL;
        bool fell_back = false;
        d.n_layer = 4;
        d.n_embd = 384;
        d.n_head = 6;
        d.n_head_kv = 2;
        d.n_ff = 640;
        q = d;
        q.path = tmp_path("fq.gguf");
        q.method = CLLM_SYNTH_QUANTIZER;
        CHECK_INT(cllm_synth_write(&q, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_synth_write(&d, err, sizeof(err)), CLLM_OK);
        if (cllm_gguf_open(d.path, &gd, err, sizeof(err)) == CLLM_OK &&
            cllm_gguf_open(q.path, &gq, err, sizeof(err)) == CLLM_OK) {
            CHECK_INT(tensor_mismatches(gd, gq, qs[i]), 0);
            for (size_t k = 0; k < cllm_gguf_n_tensors(gq); k++) {
                enum cllm_ggml_type t = cllm_gguf_tensor_at(gq, k)->type;
                fell_back |= t == CLLM_GGML_Q4_0 || t == CLLM_GGML_Q5_0 || t == CLLM_GGML_Q5_1 ||
                             t == CLLM_GGML_Q8_0;
            }
            CHECK(fell_back); /* the shape does exercise the fallback */
            CHECK_INT(cllm_gguf_file_size(gd), cllm_gguf_file_size(gq));
        } else {
            fprintf(stderr, "  %s: %s\n", qs[i], err);
            t_checks_failed++;
        }
        cllm_gguf_close(gd);
        cllm_gguf_close(gq);
    }
    cllm_vocab_free(v);
}

static char part_seen_path[512];
static bool part_seen;
static bool cancel_mid_blocks(enum cllm_synth_stage s, double f, void *u)
{
    (void)u;
    if (s != CLLM_SYNTH_STAGE_BLOCKS || f <= 0)
        return true;
    part_seen = access(part_seen_path, F_OK) == 0;
    return false;
}

/* Cancelling while blocks stream: CLLM_ERR_CANCELLED, the .part (which existed then) removed, no file, and no
 * temporary file of the skeleton left. */
static void test_direct_cancel(void)
{
    const struct cllm_llama *L = NULL;
    struct cllm_vocab *v;
    struct cllm_synth_params p;
    char err[1024];

    if (cllm_llama_load(NULL, &L, err, sizeof(err)) != CLLM_OK)
        SKIP("libllama not available (run scripts/setup): %s", err);
    v = made_up_vocab(1024);
    p = small_params(v, tmp_path("dc.gguf"), "Q8_0", L);
    p.n_embd = 2048; /* 8 layers of 2048 x (4 x 2048 + 2 x 512 + 3 x 768) Q8_0: several 8 MB buffers */
    p.n_head = 16;
    p.n_head_kv = 4;
    p.progress = cancel_mid_blocks;
    snprintf(part_seen_path, sizeof(part_seen_path), "%s.part", p.path);
    part_seen = false;
    CHECK_INT(cllm_synth_write(&p, err, sizeof(err)), CLLM_ERR_CANCELLED);
    CHECK(part_seen);
    CHECK(access(p.path, F_OK) != 0);
    CHECK(access(part_seen_path, F_OK) != 0);
    {
        DIR *d = opendir(tmpdir);
        struct dirent *e;
        int hidden = 0;
        while (d && (e = readdir(d)))
            hidden += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
        if (d)
            closedir(d);
        CHECK_INT(hidden, 0);
    }
    cllm_vocab_free(v);
}

/* The disk the write needs: the direct path the final file only, the quantizer the F16 file besides. */
static void test_disk_need(void)
{
    struct cllm_vocab *v = made_up_vocab(300);
    struct cllm_synth_params p = tiny_params(v, "x.gguf");
    uint64_t tmp = 1, out = 0;
    p.n_layer = 80;
    p.n_embd = 8192;
    p.n_ff = 28672;
    p.n_head = 64;
    p.n_head_kv = 8;
    p.n_vocab = 32000;
    p.quant = "Q4_K_M";
    cllm_synth_disk_need(&p, 41422911392ull, &tmp, &out);
    CHECK_INT(tmp, 0);
    CHECK_INT(out, 41422911392ull);
    p.method = CLLM_SYNTH_QUANTIZER;
    cllm_synth_disk_need(&p, 41422911392ull, &tmp, &out);
    CHECK_INT(tmp, cllm_synth_f16_bytes(&p) + (8u << 20));
    CHECK(tmp > 137000000000ull); /* Llama 2 70B in F16: 138 GB */
    CHECK_INT(out, 41422911392ull);
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
    RUN(test_direct_equals_quantizer);
    RUN(test_fallback_rows);
    RUN(test_direct_cancel);
    RUN(test_disk_need);
    test_rmtree(tmpdir);
    return test_summary();
}
