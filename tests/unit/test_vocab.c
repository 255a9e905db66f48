/* Vocabularies: SentencePiece types/scores rules, llama-tokenizer-js's vocabulary against llama.cpp's own
 * Llama SPM vocab (../shared/data), tokenizer.json and GGUF sources, chat templates, and — through libllama —
 * that a model carrying our vocabulary tokenizes the benchmark prompt to 11 tokens as the real one does. */
#include <stdint.h>
#include <unistd.h>

#include "model/gguf.h"
#include "llm/llama_api.h"
#include "model/synth.h"
#include "model/vocab.h"
#include "test.h"

#define PROMPT "Explain the concept of artificial intelligence in simple terms"

static char tmpdir[256];

static const char *tmp_path(const char *name) { return test_join(tmpdir, name); }

/* The source tree: CLLM_TEST_DATA is <src>/tests/data. */
static const char *source_root(void)
{
    static char root[1024];
    const char *d = getenv("CLLM_TEST_DATA");
    snprintf(root, sizeof(root), "%s/../..", d ? d : "tests/data");
    return root;
}

static const char *reference_gguf(void)
{
    static char path[1024];
    const char *d = getenv("CLLM_SHARED_DATA");
    snprintf(path, sizeof(path), "%s/ggml-vocab-llama-spm.gguf", d ? d : "../shared/data");
    return access(path, R_OK) == 0 ? path : NULL;
}

/* The installed llama-tokenizer-js vocabulary, or NULL (the caller skips). */
static struct cllm_vocab *load_default_vocab(char *why, size_t n)
{
    const char *roots[] = {source_root(), NULL};
    char path[1024];
    struct cllm_vocab *v = NULL;
    if (cllm_vocab_find_default(roots, path, sizeof(path), why, n) != CLLM_OK)
        return NULL;
    if (cllm_vocab_load(path, &v, why, n) != CLLM_OK)
        return NULL;
    return v;
}

/* unk, s, /s, 256 bytes, then the given normal pieces */
static struct cllm_vocab *small_vocab(const char *const *extra, uint32_t n_extra)
{
    static char bytes[256][8];
    const char *pieces[600];
    struct cllm_vocab *v = NULL;
    char err[256];
    uint32_t n = 0;
    pieces[n++] = "<unk>";
    pieces[n++] = "<s>";
    pieces[n++] = "</s>";
    for (int b = 0; b < 256; b++) {
        snprintf(bytes[b], sizeof(bytes[b]), "<0x%02X>", b);
        pieces[n++] = bytes[b];
    }
    for (uint32_t i = 0; i < n_extra; i++)
        pieces[n++] = extra[i];
    if (cllm_vocab_from_pieces(pieces, n, &v, err, sizeof(err)) != CLLM_OK)
        fprintf(stderr, "%s\n", err);
    return v;
}

static void test_rules(void)
{
    static const char *const extra[] = {"\xe2\x96\x81\xe2\x96\x81", "\xe2\x96\x81t", "er", "\xe2\x96\x81", "in"};
    struct cllm_vocab *v = small_vocab(extra, 5);
    const struct cllm_gguf_kv *tok, *sc, *ty, *kv;

    CHECK(v != NULL);
    if (!v)
        return;
    CHECK_INT(cllm_vocab_n_tokens(v), 264);
    tok = cllm_vocab_find_kv(v, "tokenizer.ggml.tokens");
    sc = cllm_vocab_find_kv(v, "tokenizer.ggml.scores");
    ty = cllm_vocab_find_kv(v, "tokenizer.ggml.token_type");
    CHECK(tok && sc && ty && tok->n == 264 && sc->n == 264 && ty->n == 264);
    if (tok && sc && ty) {
        const float *s = sc->data;
        const int32_t *t = ty->data;
        CHECK_INT(t[0], CLLM_TOKEN_UNKNOWN);
        CHECK_INT(t[1], CLLM_TOKEN_CONTROL);
        CHECK_INT(t[2], CLLM_TOKEN_CONTROL);
        CHECK_INT(t[3], CLLM_TOKEN_BYTE);
        CHECK_INT(t[258], CLLM_TOKEN_BYTE);
        CHECK_STR(tok->strs[258], "<0xFF>");
        CHECK_INT(t[259], CLLM_TOKEN_NORMAL);
        CHECK(s[0] == 0.0f && s[258] == 0.0f);
        CHECK(s[259] == -1e9f);  /* "▁▁" */
        CHECK(s[260] == -1.0f);  /* "▁t" */
        CHECK(s[261] == -2.0f);
        CHECK(s[262] == -1e9f);  /* "▁" */
        CHECK(s[263] == -4.0f);
    }
    kv = cllm_vocab_find_kv(v, "tokenizer.ggml.bos_token_id");
    CHECK(kv && *(uint32_t *)kv->data == 1);
    kv = cllm_vocab_find_kv(v, "tokenizer.ggml.eos_token_id");
    CHECK(kv && *(uint32_t *)kv->data == 2);
    CHECK_STR(cllm_vocab_find_kv(v, "tokenizer.ggml.model")->strs[0], "llama");
    cllm_vocab_free(v);

    /* missing byte pieces are refused with the reason */
    {
        const char *bad[] = {"<unk>", "<s>", "</s>", "a"};
        char err[256];
        CHECK_INT(cllm_vocab_from_pieces(bad, 4, &v, err, sizeof(err)), CLLM_ERR_PARSE);
        CHECK(strstr(err, "0 byte pieces") != NULL);
    }
}

/* Our llama-tokenizer-js vocabulary is llama.cpp's Llama SPM vocabulary: same pieces, scores and types. */
static void test_llama_js_matches_reference(void)
{
    char why[1024];
    const char *ref = reference_gguf();
    struct cllm_vocab *v, *r = NULL;
    static const char *const keys[] = {"tokenizer.ggml.model", "tokenizer.ggml.tokens", "tokenizer.ggml.scores",
                                       "tokenizer.ggml.token_type", "tokenizer.ggml.bos_token_id",
                                       "tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id",
                                       "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token",
                                       "tokenizer.ggml.pre"};

    if (!ref)
        SKIP("no ../shared/data/ggml-vocab-llama-spm.gguf (CLLM_SHARED_DATA): nothing to compare with");
    v = load_default_vocab(why, sizeof(why));
    if (!v)
        SKIP("llama-tokenizer-js not installed: %s", why);
    CHECK_INT(cllm_vocab_load_gguf(ref, &r, why, sizeof(why)), CLLM_OK);
    if (!r) {
        fprintf(stderr, "%s\n", why);
        cllm_vocab_free(v);
        return;
    }
    CHECK_INT(cllm_vocab_n_tokens(v), 32000);
    CHECK_INT(cllm_vocab_n_tokens(r), 32000);
    /* every key of the reference is ours too, with the same type and values */
    CHECK_INT(cllm_vocab_n_kv(r), sizeof(keys) / sizeof(keys[0]));
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
        const struct cllm_gguf_kv *a = cllm_vocab_find_kv(v, keys[k]), *b = cllm_vocab_find_kv(r, keys[k]);
        int diffs = 0;
        CHECK(a && b);
        if (!a || !b)
            continue;
        if (a->type != b->type || a->elem_type != b->elem_type || a->n != b->n) {
            fprintf(stderr, "  %s: type/length differ\n", keys[k]);
            t_checks_failed++;
            continue;
        }
        for (uint64_t i = 0; i < a->n; i++) {
            bool same;
            if (a->elem_type == CLLM_GGUF_STRING)
                same = a->lens[i] == b->lens[i] && memcmp(a->strs[i], b->strs[i], a->lens[i]) == 0;
            else if (a->elem_type == CLLM_GGUF_FLOAT32)
                same = ((float *)a->data)[i] == ((float *)b->data)[i];
            else if (a->elem_type == CLLM_GGUF_INT32 || a->elem_type == CLLM_GGUF_UINT32)
                same = ((int32_t *)a->data)[i] == ((int32_t *)b->data)[i];
            else
                same = ((unsigned char *)a->data)[i] == ((unsigned char *)b->data)[i];
            if (!same && diffs++ < 3) {
                fprintf(stderr, "  %s[%llu] differs\n", keys[k], (unsigned long long)i);
                t_checks_failed++;
            }
        }
    }
    cllm_vocab_free(r);
    cllm_vocab_free(v);
}

static void test_hf_json(void)
{
    /* a tokenizer.json whose vocab object is out of id order, with added special tokens */
    FILE *f = fopen(tmp_path("tokenizer.json"), "w");
    struct cllm_vocab *v = NULL;
    char err[512];
    const struct cllm_gguf_kv *tok, *ty, *sc;

    fprintf(f, "{\"added_tokens\":[{\"id\":0,\"content\":\"<unk>\",\"special\":true},"
               "{\"id\":1,\"content\":\"<s>\",\"special\":true},{\"id\":2,\"content\":\"</s>\",\"special\":true}],"
               "\"model\":{\"type\":\"BPE\",\"unk_token\":\"<unk>\",\"byte_fallback\":true,\"vocab\":{"
               "\"\\u2581t\":260,\"<unk>\":0,\"<s>\":1,\"</s>\":2");
    for (int b = 0; b < 256; b++)
        fprintf(f, ",\"<0x%02X>\":%d", b, b + 3);
    fprintf(f, ",\"\\u2581\\u2581\":259,\"er\":261},\"merges\":[\"\\u2581 t\"]}}");
    fclose(f);
    CHECK_INT(cllm_vocab_load(tmp_path("tokenizer.json"), &v, err, sizeof(err)), CLLM_OK);
    if (!v) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT(cllm_vocab_n_tokens(v), 262);
    tok = cllm_vocab_find_kv(v, "tokenizer.ggml.tokens");
    ty = cllm_vocab_find_kv(v, "tokenizer.ggml.token_type");
    sc = cllm_vocab_find_kv(v, "tokenizer.ggml.scores");
    CHECK_STR(tok->strs[260], "\xe2\x96\x81t");
    CHECK_STR(tok->strs[3], "<0x00>");
    CHECK_INT(((int32_t *)ty->data)[0], CLLM_TOKEN_UNKNOWN);
    CHECK_INT(((int32_t *)ty->data)[2], CLLM_TOKEN_CONTROL);
    CHECK(((float *)sc->data)[261] == -2.0f);
    CHECK(strstr(cllm_vocab_source(v), "tokenizer.json") != NULL);
    cllm_vocab_free(v);

    /* not BPE with byte fallback: refused with the reason */
    f = fopen(tmp_path("wordpiece.json"), "w");
    fprintf(f, "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{\"a\":0}}}");
    fclose(f);
    CHECK_INT(cllm_vocab_load(tmp_path("wordpiece.json"), &v, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "not a BPE model") != NULL);
}

/* --vocab-from: tokenizer.* keys of a GGUF copied as they are, other keys left out. */
static void test_from_gguf(void)
{
    static const char *const extra[] = {"a", "b"};
    struct cllm_vocab *v = small_vocab(extra, 2), *c = NULL;
    struct cllm_gguf_writer *w = cllm_gguf_writer_new();
    char err[512];

    CHECK_INT(cllm_vocab_set_chat_template(v, cllm_vocab_chat_template_by_name("zephyr"), err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_gguf_set_str(w, "general.architecture", "llama"), CLLM_OK);
    CHECK_INT(cllm_vocab_write(v, w), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_begin(w, tmp_path("vocab.gguf")), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_finish(w), CLLM_OK);
    cllm_gguf_writer_free(w);
    CHECK_INT(cllm_vocab_load(tmp_path("vocab.gguf"), &c, err, sizeof(err)), CLLM_OK);
    if (c) {
        CHECK_INT(cllm_vocab_n_tokens(c), 261);
        CHECK_INT(cllm_vocab_n_kv(c), cllm_vocab_n_kv(v));
        CHECK(cllm_vocab_find_kv(c, "general.architecture") == NULL);
        CHECK_STR(cllm_vocab_find_kv(c, "tokenizer.chat_template")->strs[0], cllm_vocab_chat_template_by_name("zephyr"));
        /* the template can be replaced */
        CHECK_INT(cllm_vocab_set_chat_template(c, "x", err, sizeof(err)), CLLM_OK);
        CHECK_STR(cllm_vocab_find_kv(c, "tokenizer.chat_template")->strs[0], "x");
        CHECK_INT(cllm_vocab_n_kv(c), cllm_vocab_n_kv(v));
    }
    cllm_vocab_free(c);
    cllm_vocab_free(v);

    /* a GGUF without a vocabulary */
    w = cllm_gguf_writer_new();
    CHECK_INT(cllm_gguf_writer_begin(w, tmp_path("novocab.gguf")), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_finish(w), CLLM_OK);
    cllm_gguf_writer_free(w);
    CHECK_INT(cllm_vocab_load(tmp_path("novocab.gguf"), &c, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "no tokenizer.ggml.tokens") != NULL);
}

static void test_templates(void)
{
    CHECK(strstr(cllm_vocab_chat_template_by_name("zephyr"), "<|user|>") != NULL);
    CHECK(strstr(cllm_vocab_chat_template_by_name("llama2"), "<<SYS>>") != NULL);
    CHECK(strstr(cllm_vocab_chat_template_by_name("mistral"), "[INST]") != NULL);
    CHECK(strstr(cllm_vocab_chat_template_by_name("mistral"), "<<SYS>>") == NULL);
    CHECK(cllm_vocab_chat_template_by_name("codellama") == cllm_vocab_chat_template_by_name("llama2"));
    CHECK(cllm_vocab_chat_template_by_name("chatml") == NULL);
    CHECK(cllm_vocab_chat_template_by_name(NULL) == NULL);
}

/* Token ids of PROMPT through llama.cpp with the vocabulary of the GGUF at path; count or -1. */
static int tokenize_with(const struct cllm_llama *L, const char *path, int32_t *ids, int max)
{
    struct cllm_llama_model_params mp = L->model_default_params();
    struct llama_model *m;
    int n;
    mp.vocab_only = true;
    mp.n_gpu_layers = 0;
    m = L->model_load_from_file(path, mp);
    if (!m)
        return -1;
    n = L->tokenize(L->model_get_vocab(m), PROMPT, (int32_t)strlen(PROMPT), ids, max, true, false);
    L->model_free(m);
    return n;
}

/* A synthetic model with our vocabulary tokenizes the prompt as llama.cpp's own Llama vocabulary does. */
static void test_tokenize_prompt(void)
{
    const struct cllm_llama *L = NULL;
    struct cllm_synth_params p = cllm_synth_default_params();
    struct cllm_vocab *v;
    char why[1024];
    int32_t ours[64], theirs[64];
    int n, n_ref;
    const char *ref = reference_gguf();

    v = load_default_vocab(why, sizeof(why));
    if (!v)
        SKIP("llama-tokenizer-js not installed: %s", why);
    if (cllm_llama_load(NULL, &L, why, sizeof(why)) != CLLM_OK) {
        cllm_vocab_free(v);
        SKIP("libllama not available: %s", why);
    }
    p.n_layer = 1;
    p.n_embd = 64;
    p.n_ff = 256;
    p.n_head = 4;
    p.n_head_kv = 4;
    p.n_vocab = 32000;
    p.n_ctx_train = 256;
    p.name = "tiny";
    p.path = tmp_path("tiny-f16.gguf");
    p.quant = "F16";
    p.vocab = v;
    p.chat_template = cllm_vocab_chat_template_by_name("zephyr");
    CHECK_INT(cllm_synth_write(&p, why, sizeof(why)), CLLM_OK);
    n = tokenize_with(L, p.path, ours, 64);
    CHECK_INT(n, 11);
    CHECK_INT(ours[0], 1); /* BOS */
    if (ref) {
        n_ref = tokenize_with(L, ref, theirs, 64);
        CHECK_INT(n_ref, n);
        for (int i = 0; i < n && i < n_ref; i++)
            CHECK_INT(ours[i], theirs[i]);
    }
    cllm_vocab_free(v);
}

int main(void)
{
    if (!test_mkdtemp(tmpdir, sizeof(tmpdir), "vocab"))
        return 1;
    RUN(test_rules);
    RUN(test_llama_js_matches_reference);
    RUN(test_hf_json);
    RUN(test_from_gguf);
    RUN(test_templates);
    RUN(test_tokenize_prompt);
    test_rmtree(tmpdir);
    return test_summary();
}
