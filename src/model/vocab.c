#include "model/vocab.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/fs.h"
#include "core/strutil.h"
#include "core/file.h"

/* bundles and tokenizer.json files are a few MB; refuse anything far larger */
#define VOCAB_MAX_FILE_BYTES (256u << 20)
/* Llama's tokenizer.model gives whitespace-only pieces this score */
#define SPM_WHITESPACE_SCORE (-1e9f)

struct cllm_vocab {
    struct cllm_gguf_kv *kvs;
    size_t               n_kv, cap;
    uint32_t             n_tokens;
    char                 source[1200];
};

void cllm_vocab_free(struct cllm_vocab *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n_kv; i++)
        cllm_gguf_kv_clear(&v->kvs[i]);
    free(v->kvs);
    free(v);
}

uint32_t cllm_vocab_n_tokens(const struct cllm_vocab *v) { return v->n_tokens; }
const char *cllm_vocab_source(const struct cllm_vocab *v) { return v->source; }
size_t cllm_vocab_n_kv(const struct cllm_vocab *v) { return v->n_kv; }

const struct cllm_gguf_kv *cllm_vocab_kv_at(const struct cllm_vocab *v, size_t i)
{
    return i < v->n_kv ? &v->kvs[i] : NULL;
}

const struct cllm_gguf_kv *cllm_vocab_find_kv(const struct cllm_vocab *v, const char *key)
{
    for (size_t i = 0; i < v->n_kv; i++)
        if (strcmp(v->kvs[i].key, key) == 0)
            return &v->kvs[i];
    return NULL;
}

static struct cllm_vocab *vocab_new(const char *source)
{
    struct cllm_vocab *v = calloc(1, sizeof(*v));
    if (v)
        cllm_strlcpy(v->source, source, sizeof(v->source));
    return v;
}

/* Takes ownership of *kv (moved in, zeroed), replacing a key of the same name. */
static bool vocab_put(struct cllm_vocab *v, struct cllm_gguf_kv *kv)
{
    for (size_t i = 0; i < v->n_kv; i++)
        if (strcmp(v->kvs[i].key, kv->key) == 0) {
            cllm_gguf_kv_clear(&v->kvs[i]);
            v->kvs[i] = *kv;
            memset(kv, 0, sizeof(*kv));
            return true;
        }
    if (v->n_kv == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 16;
        struct cllm_gguf_kv *nk = realloc(v->kvs, nc * sizeof(*nk));
        if (!nk)
            return false;
        v->kvs = nk;
        v->cap = nc;
    }
    v->kvs[v->n_kv++] = *kv;
    memset(kv, 0, sizeof(*kv));
    return true;
}

/* Stores a copy of a key/value whose storage the caller keeps. */
static bool put_copy(struct cllm_vocab *v, const struct cllm_gguf_kv *src)
{
    struct cllm_gguf_kv kv;
    bool ok;
    if (cllm_gguf_kv_copy(&kv, src) != CLLM_OK)
        return false;
    ok = vocab_put(v, &kv);
    cllm_gguf_kv_clear(&kv);
    return ok;
}

/* A scalar or numeric-array key/value. */
static bool put_num(struct cllm_vocab *v, const char *key, enum cllm_gguf_type type, enum cllm_gguf_type elem,
                    const void *data, uint64_t n)
{
    struct cllm_gguf_kv src = {.key = (char *)key, .type = type, .elem_type = elem, .n = n, .data = (void *)data};
    return put_copy(v, &src);
}

static bool put_u32(struct cllm_vocab *v, const char *key, uint32_t x)
{
    return put_num(v, key, CLLM_GGUF_UINT32, CLLM_GGUF_UINT32, &x, 1);
}

static bool put_bool(struct cllm_vocab *v, const char *key, bool b)
{
    unsigned char x = b;
    return put_num(v, key, CLLM_GGUF_BOOL, CLLM_GGUF_BOOL, &x, 1);
}

static bool put_strs(struct cllm_vocab *v, const char *key, enum cllm_gguf_type type, char **strs, uint64_t n)
{
    struct cllm_gguf_kv src = {.key = (char *)key, .type = type, .elem_type = CLLM_GGUF_STRING, .n = n,
                               .strs = strs};
    return put_copy(v, &src);
}

static bool put_str(struct cllm_vocab *v, const char *key, const char *s)
{
    char *one = (char *)s;
    return put_strs(v, key, CLLM_GGUF_STRING, &one, 1);
}

enum cllm_status cllm_vocab_set_chat_template(struct cllm_vocab *v, const char *tmpl, char *err, size_t errlen)
{
    if (!tmpl || !*tmpl) {
        snprintf(err, errlen, "empty chat template");
        return CLLM_ERR_INVALID_ARG;
    }
    if (!put_str(v, "tokenizer.chat_template", tmpl)) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    return CLLM_OK;
}

enum cllm_status cllm_vocab_write(const struct cllm_vocab *v, struct cllm_gguf_writer *w)
{
    enum cllm_status st = CLLM_OK;
    for (size_t i = 0; i < v->n_kv && !st; i++)
        st = cllm_gguf_set_kv(w, &v->kvs[i]);
    return st;
}

/* ---------------------------------------------------------------- SentencePiece rules */

/* "<0xAB>" with two upper-case hex digits: the byte-fallback pieces */
static bool is_byte_piece(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    /* length 6 makes s[3] and s[4] non-NUL, so strchr cannot match the terminator */
    return strlen(s) == 6 && memcmp(s, "<0x", 3) == 0 && s[5] == '>' && strchr(hex, s[3]) && strchr(hex, s[4]);
}

/* a piece made only of U+2581 ('▁', e2 96 81): a run of spaces */
static bool is_whitespace_piece(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n % 3)
        return false;
    for (size_t i = 0; i < n; i += 3)
        if ((unsigned char)s[i] != 0xe2 || (unsigned char)s[i + 1] != 0x96 || (unsigned char)s[i + 2] != 0x81)
            return false;
    return true;
}

/* Builds the tokenizer.* keys of a Llama-style SentencePiece vocabulary from its pieces in id order.
 * special[i] marks control pieces (NULL: <s> and </s> are); unk_id is the unknown piece. */
static enum cllm_status build_spm(struct cllm_vocab *v, char **pieces, uint32_t n, const bool *special,
                                  int64_t unk_id, char *err, size_t errlen)
{
    float *scores = malloc(n * sizeof(float));
    int32_t *types = malloc(n * sizeof(int32_t));
    int64_t bos = -1, eos = -1, first_normal = -1;
    uint32_t n_bytes = 0;
    enum cllm_status st = CLLM_ERR_NOMEM;

    if (!scores || !types) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    for (uint32_t i = 0; i < n; i++) {
        bool is_bos = strcmp(pieces[i], "<s>") == 0, is_eos = !is_bos && strcmp(pieces[i], "</s>") == 0;
        if (is_bos)
            bos = i;
        else if (is_eos)
            eos = i;
        if ((int64_t)i == unk_id)
            types[i] = CLLM_TOKEN_UNKNOWN;
        else if (special ? special[i] : is_bos || is_eos)
            types[i] = CLLM_TOKEN_CONTROL;
        else if (is_byte_piece(pieces[i])) {
            types[i] = CLLM_TOKEN_BYTE;
            n_bytes++;
        } else {
            types[i] = CLLM_TOKEN_NORMAL;
            if (first_normal < 0)
                first_normal = i;
        }
    }
    if (first_normal < 0 || bos < 0 || eos < 0 || unk_id < 0 || n_bytes != 256) {
        snprintf(err, errlen, "not a SentencePiece vocabulary with byte fallback: %s%s%s%s(%u byte pieces)",
                 bos < 0 ? "no <s>, " : "", eos < 0 ? "no </s>, " : "", unk_id < 0 ? "no unknown piece, " : "",
                 first_normal < 0 ? "no normal piece, " : "", n_bytes);
        st = CLLM_ERR_PARSE;
        goto cleanup;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (types[i] != CLLM_TOKEN_NORMAL)
            scores[i] = 0.0f;
        else if (is_whitespace_piece(pieces[i]))
            scores[i] = SPM_WHITESPACE_SCORE;
        else
            scores[i] = -(float)((int64_t)i - first_normal);
    }
    if (!put_str(v, "tokenizer.ggml.model", "llama") || !put_str(v, "tokenizer.ggml.pre", "default") ||
        !put_strs(v, "tokenizer.ggml.tokens", CLLM_GGUF_ARRAY, pieces, n) ||
        !put_num(v, "tokenizer.ggml.scores", CLLM_GGUF_ARRAY, CLLM_GGUF_FLOAT32, scores, n) ||
        !put_num(v, "tokenizer.ggml.token_type", CLLM_GGUF_ARRAY, CLLM_GGUF_INT32, types, n) ||
        !put_u32(v, "tokenizer.ggml.bos_token_id", (uint32_t)bos) ||
        !put_u32(v, "tokenizer.ggml.eos_token_id", (uint32_t)eos) ||
        !put_u32(v, "tokenizer.ggml.unknown_token_id", (uint32_t)unk_id) ||
        !put_bool(v, "tokenizer.ggml.add_bos_token", true) || !put_bool(v, "tokenizer.ggml.add_eos_token", false)) {
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    v->n_tokens = n;
    st = CLLM_OK;

cleanup:
    free(scores);
    free(types);
    return st;
}

/* Puts "PATH: " in front of the message already in err. */
static void prefix_path(char *err, size_t errlen, const char *path)
{
    char inner[512];
    cllm_strlcpy(inner, err, sizeof(inner));
    snprintf(err, errlen, "%s: %s", path, inner);
}

/* A new vocabulary named `source` from build_spm; path (may be NULL) prefixes its messages. */
static enum cllm_status spm_vocab_new(const char *source, char **pieces, uint32_t n, const bool *special,
                                      int64_t unk_id, const char *path, struct cllm_vocab **out, char *err,
                                      size_t errlen)
{
    struct cllm_vocab *v = vocab_new(source);
    enum cllm_status st;

    if (!v) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    st = build_spm(v, pieces, n, special, unk_id, err, errlen);
    if (st) {
        if (path)
            prefix_path(err, errlen, path);
        cllm_vocab_free(v);
        return st;
    }
    *out = v;
    return CLLM_OK;
}

enum cllm_status cllm_vocab_from_pieces(const char *const *pieces, uint32_t n, struct cllm_vocab **out, char *err,
                                        size_t errlen)
{
    *out = NULL;
    return spm_vocab_new("piece list", (char **)pieces, n, NULL, n && strcmp(pieces[0], "<unk>") == 0 ? 0 : -1,
                         NULL, out, err, errlen);
}

/* ---------------------------------------------------------------- llama-tokenizer-js */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes standard base64 (padding optional) into a malloc'd NUL-terminated buffer; NULL on a bad character. */
static unsigned char *b64_decode(const char *in, size_t len, size_t *out_len)
{
    unsigned char *out = malloc(len / 4 * 3 + 4);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        int x;
        if (in[i] == '=')
            break;
        x = b64_value((unsigned char)in[i]);
        if (x < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    out[o] = '\0'; /* o <= len / 4 * 3 + 2 */
    *out_len = o;
    return out;
}

enum cllm_status cllm_vocab_load_llama_js(const char *path, struct cllm_vocab **out, char *err, size_t errlen)
{
    static const char marker[] = "llama_vocab_base64 = \"";
    char *text = NULL, *start, *end, **pieces = NULL;
    unsigned char *raw = NULL;
    size_t len, raw_len = 0;
    uint32_t n = 0;
    char src[1200];
    enum cllm_status st;

    *out = NULL;
    if ((st = cllm_file_read(path, VOCAB_MAX_FILE_BYTES, &text, &len, err, errlen)))
        return st;
    st = CLLM_ERR_PARSE;
    start = strstr(text, marker);
    if (!start) {
        snprintf(err, errlen, "%s: no llama_vocab_base64 string (not llama-tokenizer-js's llama-tokenizer.js?)", path);
        goto cleanup;
    }
    start += sizeof(marker) - 1;
    end = strchr(start, '"');
    if (!end) {
        snprintf(err, errlen, "%s: llama_vocab_base64 string is not closed", path);
        goto cleanup;
    }
    raw = b64_decode(start, (size_t)(end - start), &raw_len);
    if (!raw) {
        snprintf(err, errlen, "%s: llama_vocab_base64 is not valid base64", path);
        goto cleanup;
    }
    /* one piece per line, in id order (no piece contains a newline: that byte is <0x0A>) */
    for (size_t i = 0; i < raw_len; i++)
        if (raw[i] == '\n')
            n++;
    n++;
    pieces = calloc(n, sizeof(char *));
    if (!pieces) {
        snprintf(err, errlen, "out of memory");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    {
        char *p = (char *)raw;
        for (uint32_t i = 0; i < n; i++) {
            char *nl = strchr(p, '\n');
            if (nl)
                *nl = '\0';
            pieces[i] = p;
            p = nl ? nl + 1 : p + strlen(p);
        }
    }
    if (n < 259 || strcmp(pieces[0], "<unk>") != 0) {
        snprintf(err, errlen, "%s: %u pieces, first '%s': not a Llama SentencePiece vocabulary", path, n, pieces[0]);
        goto cleanup;
    }
    snprintf(src, sizeof(src), "llama-tokenizer-js (%s)", path);
    st = spm_vocab_new(src, pieces, n, NULL, 0, path, out, err, errlen);

cleanup:
    free(pieces);
    free(raw);
    free(text);
    return st;
}

/* ---------------------------------------------------------------- tokenizer.json */

enum cllm_status cllm_vocab_load_hf_json(const char *path, struct cllm_vocab **out, char *err, size_t errlen)
{
    char *text = NULL, **pieces = NULL, src[1200];
    bool *special = NULL;
    cJSON *root = NULL, *model, *vocab, *item, *added;
    const char *unk_name;
    int64_t unk_id = -1;
    uint32_t n;
    size_t len;
    enum cllm_status st;

    *out = NULL;
    if ((st = cllm_file_read(path, VOCAB_MAX_FILE_BYTES, &text, &len, err, errlen)))
        return st;
    st = CLLM_ERR_PARSE;
    root = cJSON_ParseWithLength(text, len);
    if (!root) {
        snprintf(err, errlen, "%s: not valid JSON", path);
        goto cleanup;
    }
    model = cJSON_GetObjectItemCaseSensitive(root, "model");
    vocab = cJSON_GetObjectItemCaseSensitive(model, "vocab");
    if (!cJSON_IsObject(vocab) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(model, "type")) ||
        strcmp(cJSON_GetObjectItemCaseSensitive(model, "type")->valuestring, "BPE") != 0) {
        snprintf(err, errlen, "%s: model is not a BPE model with a vocab object", path);
        goto cleanup;
    }
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(model, "byte_fallback"))) {
        snprintf(err, errlen, "%s: model has no byte_fallback: not a SentencePiece-style vocabulary", path);
        goto cleanup;
    }
    n = (uint32_t)cJSON_GetArraySize(vocab);
    pieces = calloc(n ? n : 1, sizeof(char *));
    special = calloc(n ? n : 1, sizeof(bool));
    if (!pieces || !special) {
        snprintf(err, errlen, "out of memory");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    cJSON_ArrayForEach(item, vocab) {
        double id = cJSON_IsNumber(item) ? item->valuedouble : -1;
        if (id < 0 || id >= n || id != (double)(uint32_t)id || pieces[(uint32_t)id]) {
            snprintf(err, errlen, "%s: vocab id of '%s' is not a unique integer in 0..%u", path, item->string, n - 1);
            goto cleanup;
        }
        pieces[(uint32_t)id] = item->string;
    }
    added = cJSON_GetObjectItemCaseSensitive(root, "added_tokens");
    cJSON_ArrayForEach(item, added) {
        cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "special")) && cJSON_IsNumber(id) &&
            id->valuedouble >= 0 && id->valuedouble < n)
            special[(uint32_t)id->valuedouble] = true;
    }
    item = cJSON_GetObjectItemCaseSensitive(model, "unk_token");
    unk_name = cJSON_IsString(item) ? item->valuestring : "<unk>";
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(pieces[i], unk_name) == 0)
            unk_id = i;
    snprintf(src, sizeof(src), "tokenizer.json (%s)", path);
    st = spm_vocab_new(src, pieces, n, special, unk_id, path, out, err, errlen);

cleanup:
    free(pieces);
    free(special);
    cJSON_Delete(root);
    free(text);
    return st;
}

/* ---------------------------------------------------------------- GGUF */

enum cllm_status cllm_vocab_load_gguf(const char *path, struct cllm_vocab **out, char *err, size_t errlen)
{
    struct cllm_gguf *g = NULL;
    struct cllm_vocab *v = NULL;
    const struct cllm_gguf_kv *tokens;
    char src[1200];
    enum cllm_status st;

    *out = NULL;
    if ((st = cllm_gguf_open(path, &g, err, errlen)))
        return st;
    tokens = cllm_gguf_find_kv(g, "tokenizer.ggml.tokens");
    if (!tokens || tokens->type != CLLM_GGUF_ARRAY || tokens->elem_type != CLLM_GGUF_STRING) {
        snprintf(err, errlen, "%s: no tokenizer.ggml.tokens string array: no vocabulary to copy", path);
        st = CLLM_ERR_NOT_FOUND;
        goto cleanup;
    }
    if (tokens->n == 0 || tokens->n > INT32_MAX) {
        snprintf(err, errlen, "%s: tokenizer.ggml.tokens has %llu tokens", path, (unsigned long long)tokens->n);
        st = CLLM_ERR_PARSE;
        goto cleanup;
    }
    snprintf(src, sizeof(src), "GGUF (%s)", path);
    v = vocab_new(src);
    if (!v) {
        st = CLLM_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < cllm_gguf_n_kv(g); i++) {
        const struct cllm_gguf_kv *kv = cllm_gguf_kv_at(g, i);
        struct cllm_gguf_kv copy;
        if (strncmp(kv->key, "tokenizer.", 10) != 0)
            continue;
        st = cllm_gguf_kv_copy(&copy, kv);
        if (st == CLLM_ERR_UNSUPPORTED) {
            snprintf(err, errlen, "%s: key '%s' is an array of arrays, which cannot be copied", path, kv->key);
            goto cleanup;
        }
        if (st || !vocab_put(v, &copy)) {
            cllm_gguf_kv_clear(&copy);
            st = CLLM_ERR_NOMEM;
            snprintf(err, errlen, "out of memory");
            goto cleanup;
        }
    }
    v->n_tokens = (uint32_t)tokens->n;
    *out = v;
    v = NULL;
    st = CLLM_OK;

cleanup:
    cllm_vocab_free(v);
    cllm_gguf_close(g);
    return st;
}

enum cllm_status cllm_vocab_load(const char *path, struct cllm_vocab **out, char *err, size_t errlen)
{
    if (cllm_str_ends_with(path, ".gguf"))
        return cllm_vocab_load_gguf(path, out, err, errlen);
    if (cllm_str_ends_with(path, ".json"))
        return cllm_vocab_load_hf_json(path, out, err, errlen);
    return cllm_vocab_load_llama_js(path, out, err, errlen);
}

/* True when CLLM_VOCAB_JS_RELPATH under dir can be read (its path then in out); else appends it to tried. */
static bool try_root(const char *dir, char *out, size_t n, char *tried, size_t tried_n, size_t *used)
{
    char cand[PATH_MAX + 128];
    snprintf(cand, sizeof(cand), "%s/%s", dir, CLLM_VOCAB_JS_RELPATH);
    if (access(cand, R_OK) == 0) {
        cllm_strlcpy(out, cand, n);
        return true;
    }
    *used += (size_t)snprintf(tried + *used, *used < tried_n ? tried_n - *used : 0, "%s%s", *used ? ", " : "", cand);
    if (*used >= tried_n)
        *used = tried_n - 1;
    return false;
}

enum cllm_status cllm_vocab_find_default(const char *const *roots, char *out, size_t n, char *err, size_t errlen)
{
    const char *env = getenv(CLLM_VOCAB_PATH_ENV);
    char tried[2048] = "", cwd[PATH_MAX];
    size_t used = 0;

    if (env && *env) {
        if (access(env, R_OK) == 0) {
            cllm_strlcpy(out, env, n);
            return CLLM_OK;
        }
        snprintf(err, errlen, "$%s=%s cannot be read", CLLM_VOCAB_PATH_ENV, env);
        return CLLM_ERR_NOT_FOUND;
    }
    for (size_t i = 0; roots && roots[i]; i++)
        if (try_root(roots[i], out, n, tried, sizeof(tried), &used))
            return CLLM_OK;
    /* the current folder and its parents: running from build/ or tests/ of the source tree */
    if (getcwd(cwd, sizeof(cwd))) {
        for (int depth = 0; depth < 4; depth++) {
            char *slash;
            if (try_root(cwd, out, n, tried, sizeof(tried), &used))
                return CLLM_OK;
            slash = strrchr(cwd, '/');
            if (!slash || slash == cwd)
                break;
            *slash = '\0';
        }
    }
    snprintf(err, errlen, "no vocabulary found (tried %s); run scripts/setup to install llama-tokenizer-js, set "
             "$%s, or use --vocab-from FILE.gguf", tried, CLLM_VOCAB_PATH_ENV);
    return CLLM_ERR_NOT_FOUND;
}

/* ---------------------------------------------------------------- chat templates */

/* Our own Jinja, written so llama.cpp's template detection (llama_chat_apply_template) classifies each one as
 * it classifies the real model's template: zephyr → GLM-Edge style (no literal "</s>"), llama2 → Llama 2 with
 * <<SYS>> and content.strip(), mistral → plain Llama 2 ([INST] without <<SYS>>). */
static const char tmpl_zephyr[] =
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ '<|system|>\\n' + message['content'] + eos_token + '\\n' }}"
    "{% elif message['role'] == 'user' %}{{ '<|user|>\\n' + message['content'] + eos_token + '\\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\\n' + message['content'] + eos_token + '\\n' }}"
    "{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

static const char tmpl_llama2[] =
    "{% if messages[0]['role'] == 'system' %}"
    "{% set sys_block = '<<SYS>>\\n' + messages[0]['content'] + '\\n<</SYS>>\\n\\n' %}"
    "{% set turns = messages[1:] %}"
    "{% else %}{% set sys_block = '' %}{% set turns = messages %}{% endif %}"
    "{% for message in turns %}"
    "{% set content = message['content'] %}"
    "{% if message['role'] == 'user' %}"
    "{% if loop.first %}{{ bos_token + '[INST] ' + sys_block + content.strip() + ' [/INST]' }}"
    "{% else %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% endif %}"
    "{% elif message['role'] == 'assistant' %}{{ ' ' + content.strip() + ' ' + eos_token }}"
    "{% endif %}{% endfor %}";

static const char tmpl_mistral[] =
    "{% if messages[0]['role'] == 'system' %}"
    "{% set sys_text = messages[0]['content'] + '\\n\\n' %}{% set turns = messages[1:] %}"
    "{% else %}{% set sys_text = '' %}{% set turns = messages %}{% endif %}"
    "{{ bos_token }}"
    "{% for message in turns %}"
    "{% if message['role'] == 'user' %}"
    "{% if loop.first %}{{ '[INST] ' + sys_text + message['content'] + ' [/INST]' }}"
    "{% else %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% endif %}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token }}"
    "{% endif %}{% endfor %}";

const char *cllm_vocab_chat_template_by_name(const char *name)
{
    if (!name)
        return NULL;
    if (strcmp(name, "zephyr") == 0 || strcmp(name, "tinyllama") == 0)
        return tmpl_zephyr;
    if (strcmp(name, "llama2") == 0 || strcmp(name, "llama-2") == 0 || strcmp(name, "codellama") == 0)
        return tmpl_llama2;
    if (strcmp(name, "mistral") == 0)
        return tmpl_mistral;
    return NULL;
}
