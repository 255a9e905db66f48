/* serve-bench's request content: length specs, the seeded generator, the prompt corpus, --dataset files and
 * prompts cut to a token target (see workload.h and docs/prompts.md). */
#include "serve/workload.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <unistd.h>
#endif

#include "core/file.h"
#include "core/json.h"
#include "core/strutil.h"
#include "platform/fs.h"
#include "serve/http_fetch.h"
#if CLLM_WORKLOAD_HOOK
#include "serve/serve_bench.h"
#endif

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

const char *const cllm_workload_languages[CLLM_WORKLOAD_N_LANGUAGES] = {"en", "fr", "zh", "es", "de", "ar"};
const char *const cllm_workload_genres[CLLM_WORKLOAD_N_GENRES] = {"chat", "summary", "code", "story", "translation",
                                                                 "extraction"};
#define GENRE_CODE 2
#define CORPUS_FILE_MAX (8u << 20)   /* one corpus file at most 8 MiB */

/* ---- length specs and the generator ---- */

static bool whole(const char *s, const char *end, long *v)
{
    char *e;
    if (s == end || *s < '0' || *s > '9')
        return false;
    errno = 0;
    *v = strtol(s, &e, 10);
    return errno == 0 && e == end;
}

static bool number(const char *s, const char *end, double *v)
{
    char buf[64];
    char *e;
    size_t n = (size_t)(end - s);
    if (n == 0 || n >= sizeof(buf))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *v = strtod(buf, &e);
    return *e == '\0' && isfinite(*v);
}

enum cllm_status cllm_workload_parse_len(const char *spec, const char *what, struct cllm_workload_len *out,
                                         char *err, size_t errlen)
{
    const char *forms = "a whole number (\"128\"), mean,std (\"128,32\": normal, clipped to at least 1) or "
                        "min-max (\"64-256\": uniform)";
    const char *comma, *dash, *end;
    long a, b;
    double m, sd;

    if (!what)
        what = "length";
    if (!spec || !spec[0]) {
        cllm_errf(err, errlen, "%s is empty: give %s", what, forms);
        return CLLM_ERR_CONFIG;
    }
    end = spec + strlen(spec);
    comma = strchr(spec, ',');
    dash = strchr(spec, '-');
    if (comma && !dash) {
        if (!number(spec, comma, &m) || !number(comma + 1, end, &sd)) {
            cllm_errf(err, errlen, "%s '%s': mean,std must be two non-negative numbers; give %s", what, spec, forms);
            return CLLM_ERR_CONFIG;
        }
        if (m < 1 || m > CLLM_WORKLOAD_MAX_LEN || sd > CLLM_WORKLOAD_MAX_LEN) {
            cllm_errf(err, errlen, "%s '%s': the mean must be 1 .. %d and the std 0 .. %d tokens", what, spec,
                      CLLM_WORKLOAD_MAX_LEN, CLLM_WORKLOAD_MAX_LEN);
            return CLLM_ERR_CONFIG;
        }
        *out = (struct cllm_workload_len){CLLM_WORKLOAD_NORMAL, m, sd};
        return CLLM_OK;
    }
    if (dash && !comma) {
        if (!whole(spec, dash, &a) || !whole(dash + 1, end, &b)) {
            cllm_errf(err, errlen, "%s '%s': min-max must be two whole numbers; give %s", what, spec, forms);
            return CLLM_ERR_CONFIG;
        }
        if (a < 1 || b > CLLM_WORKLOAD_MAX_LEN || a > b) {
            cllm_errf(err, errlen, "%s '%s': need 1 <= min <= max <= %d tokens", what, spec, CLLM_WORKLOAD_MAX_LEN);
            return CLLM_ERR_CONFIG;
        }
        *out = (struct cllm_workload_len){CLLM_WORKLOAD_UNIFORM, (double)a, (double)b};
        return CLLM_OK;
    }
    if (!comma && !dash && whole(spec, end, &a)) {
        if (a < 1 || a > CLLM_WORKLOAD_MAX_LEN) {
            cllm_errf(err, errlen, "%s '%s': must be 1 .. %d tokens", what, spec, CLLM_WORKLOAD_MAX_LEN);
            return CLLM_ERR_CONFIG;
        }
        *out = (struct cllm_workload_len){CLLM_WORKLOAD_FIXED, (double)a, 0};
        return CLLM_OK;
    }
    cllm_errf(err, errlen, "%s '%s' is not a length spec: give %s", what, spec, forms);
    return CLLM_ERR_CONFIG;
}

uint64_t cllm_workload_rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double cllm_workload_rng_unit(uint64_t *state)
{
    return (double)(cllm_workload_rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

int cllm_workload_len_draw(const struct cllm_workload_len *l, uint64_t *state)
{
    double v;
    switch (l->dist) {
    case CLLM_WORKLOAD_NORMAL: {
        /* Box-Muller; 1 - u keeps the logarithm's argument in (0, 1] */
        double u1 = 1.0 - cllm_workload_rng_unit(state), u2 = cllm_workload_rng_unit(state);
        v = l->a + l->b * sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
        v = floor(v + 0.5);
        break;
    }
    case CLLM_WORKLOAD_UNIFORM:
        v = l->a + floor(cllm_workload_rng_unit(state) * (l->b - l->a + 1.0));
        if (v > l->b)
            v = l->b;
        break;
    default:
        v = l->a;
    }
    if (!(v >= 1))
        v = 1;
    if (v > CLLM_WORKLOAD_MAX_LEN)
        v = CLLM_WORKLOAD_MAX_LEN;
    return (int)v;
}

/* ---- UTF-8 and counting ---- */

/* The code point at s[i] (valid UTF-8 assumed: every text here passed cllm_json_parse) and its length. */
static unsigned cp_at(const char *s, size_t len, size_t i, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s + i;
    size_t left = len - i;
    if (u[0] < 0x80 || left < 2) {
        *n = 1;
        return u[0];
    }
    if ((u[0] & 0xE0) == 0xC0) {
        *n = 2;
        return (unsigned)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    }
    if ((u[0] & 0xF0) == 0xE0 && left >= 3) {
        *n = 3;
        return (unsigned)(u[0] & 0x0F) << 12 | (unsigned)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    }
    if (left >= 4) {
        *n = 4;
        return (unsigned)(u[0] & 0x07) << 18 | (unsigned)(u[1] & 0x3F) << 12 | (unsigned)(u[2] & 0x3F) << 6 |
               (u[3] & 0x3F);
    }
    *n = 1;
    return u[0];
}

static bool is_cjk(unsigned cp)
{
    return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFFEF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}

static bool is_space(unsigned cp) { return cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r'; }

int cllm_workload_estimate_tokens(const char *text, size_t len)
{
    size_t ascii = 0, cjk = 0, other = 0, i = 0, n;
    while (i < len) {
        unsigned cp = cp_at(text, len, i, &n);
        if (cp < 0x80)
            ascii++;
        else if (is_cjk(cp))
            cjk++;
        else
            other++;
        i += n;
    }
    if (!len)
        return 0;
    n = (ascii + 3) / 4 + cjk + (other + 1) / 2;
    return n ? (int)n : 1;
}

int cllm_workload_tokenize_http(const char *base, const char *auth, const char *text, size_t len, char *err,
                                size_t errlen)
{
    char url[1024];
    struct cllm_fetch_answer a;
    enum cllm_status st;
    cJSON *req = cJSON_CreateObject(), *res = NULL, *toks;
    char *body = NULL, *copy = malloc(len + 1);
    int n = -1;
    size_t bl = strlen(base);

    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    if (!req || !copy) {
        cllm_errf(err, errlen, "tokenize: out of memory");
        goto done;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    cJSON_AddStringToObject(req, "content", copy);
    cJSON_AddBoolToObject(req, "add_special", 0);
    if (!(body = cJSON_PrintUnformatted(req))) {
        cllm_errf(err, errlen, "tokenize: out of memory");
        goto done;
    }
    snprintf(url, sizeof(url), "%.*s/tokenize", (int)(bl < 900 ? bl : 900), base);
    st = cllm_fetch(url, auth, body, CLLM_WORKLOAD_TOKENIZE_TIMEOUT_S, 64u << 20, &a, err, errlen);
    if (st != CLLM_OK)
        goto done;
    if (a.http_status != 200) {
        cllm_errf(err, errlen, "POST %s answered HTTP %ld (the server has no llama-server tokenizer?)", url,
                  a.http_status);
    } else if ((res = cllm_json_parse(a.body, a.len, "POST /tokenize", err, errlen)) != NULL) {
        toks = cJSON_GetObjectItemCaseSensitive(res, "tokens");
        if (!cJSON_IsArray(toks))
            cllm_errf(err, errlen, "POST %s: the answer has no \"tokens\" array", url);
        else
            n = cJSON_GetArraySize(toks);
    }
    cllm_fetch_answer_free(&a);
done:
    cJSON_Delete(req);
    cJSON_Delete(res);
    free(body);
    free(copy);
    return n;
}

/* ---- the dataset's lines ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

void cllm_workload_item_free(struct cllm_workload_item *it)
{
    if (!it)
        return;
    free(it->system);
    free(it->user);
    it->system = it->user = NULL;
}

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_space((unsigned char)s[i]))
            return false;
    return true;
}

enum cllm_status cllm_workload_parse_line(const char *line, size_t len, long lineno, struct cllm_workload_item *out,
                                          char *err, size_t errlen)
{
    char origin[48], sub[CLLM_ERR_LEN];
    const char *sys = "", *user = NULL;
    enum cllm_status st = CLLM_ERR_PARSE;
    cJSON *root, *it;
    int n_len = 0;

    memset(out, 0, sizeof(*out));
    if (is_blank(line, len))
        return CLLM_ERR_NOT_FOUND;
    if (len > CLLM_WORKLOAD_DATASET_MAX_LINE) {
        cllm_errf(err, errlen, "line %ld: %zu bytes, more than the %u a line may hold", lineno, len,
                  CLLM_WORKLOAD_DATASET_MAX_LINE);
        return CLLM_ERR_PARSE;
    }
    snprintf(origin, sizeof(origin), "line %ld", lineno);
    if (!(root = cllm_json_parse(line, len, origin, sub, sizeof(sub)))) {
        cllm_errf(err, errlen, "%s", sub);
        return CLLM_ERR_PARSE;
    }
    if (!cJSON_IsObject(root)) {
        cllm_errf(err, errlen, "line %ld: not a JSON object (each line is {\"prompt\": ...} or {\"messages\": ...})",
                  lineno);
        goto done;
    }
    cJSON_ArrayForEach(it, root) {
        const char *k = it->string;
        if (strcmp(k, "prompt") == 0) {
            if (!cJSON_IsString(it)) {
                cllm_errf(err, errlen, "line %ld: \"prompt\" must be a string", lineno);
                goto done;
            }
            user = it->valuestring;
        } else if (strcmp(k, "messages") == 0) {
            cJSON *m;
            int i = 0, n_user = 0;
            if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) == 0) {
                cllm_errf(err, errlen, "line %ld: \"messages\" must be a non-empty array of {\"role\", \"content\"}",
                          lineno);
                goto done;
            }
            cJSON_ArrayForEach(m, it) {
                cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
                cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
                if (!cJSON_IsObject(m) || !cJSON_IsString(role) || !cJSON_IsString(content) ||
                    cJSON_GetArraySize(m) != 2) {
                    cllm_errf(err, errlen, "line %ld: messages[%d] must be {\"role\": \"...\", \"content\": \"...\"} "
                              "(content a string)", lineno, i);
                    goto done;
                }
                if (strcmp(role->valuestring, "system") == 0 && i == 0) {
                    sys = content->valuestring;
                } else if (strcmp(role->valuestring, "user") == 0 && n_user == 0) {
                    user = content->valuestring;
                    n_user++;
                } else {
                    cllm_errf(err, errlen, "line %ld: messages[%d] (role '%.32s'): serve-bench sends one optional "
                              "system message first and one user message; put a conversation into one user "
                              "message", lineno, i, role->valuestring);
                    goto done;
                }
                i++;
            }
            if (!n_user) {
                cllm_errf(err, errlen, "line %ld: \"messages\" has no user message", lineno);
                goto done;
            }
        } else if (strcmp(k, "output_len") == 0 || strcmp(k, "max_tokens") == 0) {
            double v = it->valuedouble;
            if (!cJSON_IsNumber(it) || v != floor(v) || v < 1 || v > CLLM_WORKLOAD_MAX_LEN) {
                cllm_errf(err, errlen, "line %ld: \"%s\" must be a whole number 1 .. %d", lineno, k,
                          CLLM_WORKLOAD_MAX_LEN);
                goto done;
            }
            if (n_len++) {
                cllm_errf(err, errlen, "line %ld: give \"output_len\" or \"max_tokens\", not both", lineno);
                goto done;
            }
            out->max_tokens = (int)v;
        } else {
            cllm_errf(err, errlen, "line %ld: unknown key \"%.64s\" (known: prompt, messages, output_len, "
                      "max_tokens)", lineno, k);
            goto done;
        }
    }
    if (cJSON_GetObjectItemCaseSensitive(root, "prompt") && cJSON_GetObjectItemCaseSensitive(root, "messages")) {
        cllm_errf(err, errlen, "line %ld: give \"prompt\" or \"messages\", not both", lineno);
        goto done;
    }
    if (!user) {
        cllm_errf(err, errlen, "line %ld: no \"prompt\" nor \"messages\"", lineno);
        goto done;
    }
    if (!user[0]) {
        cllm_errf(err, errlen, "line %ld: the user message is empty", lineno);
        goto done;
    }
    out->system = dup_str(sys);
    out->user = dup_str(user);
    if (!out->system || !out->user) {
        cllm_workload_item_free(out);
        cllm_errf(err, errlen, "line %ld: out of memory", lineno);
        st = CLLM_ERR_NOMEM;
        goto done;
    }
    st = CLLM_OK;
done:
    if (st != CLLM_OK && st != CLLM_ERR_NOMEM)
        out->max_tokens = 0;
    cJSON_Delete(root);
    return st;
}

/* ---- the corpus ---- */

struct entry {
    int    lang;       /* index into cllm_workload_languages; -1: every language ("*") */
    int    genre;
    bool   instruction;
    char  *text;
    size_t len;
};

struct corpus {
    struct entry *e;
    int n, cap;
};

static void corpus_free(struct corpus *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->e[i].text);
    free(c->e);
    memset(c, 0, sizeof(*c));
}

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

/* Parses one corpus file into c. */
static enum cllm_status corpus_read_file(struct corpus *c, const char *path, char *err, size_t errlen)
{
    char *buf = NULL, sub[CLLM_ERR_LEN];
    size_t len = 0, pos = 0;
    long lineno = 0;
    enum cllm_status st = cllm_file_read(path, CORPUS_FILE_MAX, &buf, &len, sub, sizeof(sub));

    if (st != CLLM_OK) {
        cllm_errf(err, errlen, "prompt corpus: %s", sub);
        return st;
    }
    while (pos < len && st == CLLM_OK) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        char origin[PATH_MAX + 32];
        cJSON *o, *lang, *genre, *kind, *text;
        lineno++;
        if (!is_blank(buf + pos, ll)) {
            snprintf(origin, sizeof(origin), "%s line %ld", path, lineno);
            if (!(o = cllm_json_parse(buf + pos, ll, origin, sub, sizeof(sub)))) {
                cllm_errf(err, errlen, "prompt corpus: %s", sub);
                st = CLLM_ERR_PARSE;
                break;
            }
            lang = cJSON_GetObjectItemCaseSensitive(o, "lang");
            genre = cJSON_GetObjectItemCaseSensitive(o, "genre");
            kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
            text = cJSON_GetObjectItemCaseSensitive(o, "text");
            if (!cJSON_IsObject(o) || cJSON_GetArraySize(o) != 4 || !cJSON_IsString(lang) || !cJSON_IsString(genre) ||
                !cJSON_IsString(kind) || !cJSON_IsString(text)) {
                cllm_errf(err, errlen, "prompt corpus: %s: each line is {\"lang\", \"genre\", \"kind\", \"text\"}, "
                          "four strings (docs/prompts.md)", origin);
                st = CLLM_ERR_PARSE;
            } else {
                struct entry e = {0};
                e.lang = strcmp(lang->valuestring, "*") == 0
                             ? -1 : index_of(cllm_workload_languages, CLLM_WORKLOAD_N_LANGUAGES, lang->valuestring);
                e.genre = index_of(cllm_workload_genres, CLLM_WORKLOAD_N_GENRES, genre->valuestring);
                e.instruction = strcmp(kind->valuestring, "instruction") == 0;
                if (e.lang == -1 && strcmp(lang->valuestring, "*") != 0) {
                    cllm_errf(err, errlen, "prompt corpus: %s: unknown language '%.16s' (en, fr, zh, es, de, ar, *)",
                              origin, lang->valuestring);
                    st = CLLM_ERR_PARSE;
                } else if (e.genre < 0) {
                    cllm_errf(err, errlen, "prompt corpus: %s: unknown genre '%.32s' (chat, summary, code, story, "
                              "translation, extraction)", origin, genre->valuestring);
                    st = CLLM_ERR_PARSE;
                } else if (!e.instruction && strcmp(kind->valuestring, "passage") != 0) {
                    cllm_errf(err, errlen, "prompt corpus: %s: kind must be instruction or passage", origin);
                    st = CLLM_ERR_PARSE;
                } else if (e.lang == -1 && (e.instruction || e.genre != GENRE_CODE)) {
                    cllm_errf(err, errlen, "prompt corpus: %s: only code passages may be shared (lang \"*\")", origin);
                    st = CLLM_ERR_PARSE;
                } else if (!text->valuestring[0] || is_blank(text->valuestring, strlen(text->valuestring))) {
                    cllm_errf(err, errlen, "prompt corpus: %s: empty text", origin);
                    st = CLLM_ERR_PARSE;
                } else {
                    if (c->n == c->cap) {
                        int nc = c->cap ? c->cap * 2 : 64;
                        struct entry *ne = realloc(c->e, (size_t)nc * sizeof(*ne));
                        if (!ne) {
                            cJSON_Delete(o);
                            free(buf);
                            cllm_errf(err, errlen, "prompt corpus: out of memory");
                            return CLLM_ERR_NOMEM;
                        }
                        c->e = ne;
                        c->cap = nc;
                    }
                    e.len = strlen(text->valuestring);
                    if (!(e.text = dup_str(text->valuestring))) {
                        st = CLLM_ERR_NOMEM;
                        cllm_errf(err, errlen, "prompt corpus: out of memory");
                    } else {
                        c->e[c->n++] = e;
                    }
                }
            }
            cJSON_Delete(o);
        }
        pos += ll + 1;
    }
    free(buf);
    return st;
}

/* The files of a corpus folder, in this order: one per language, then the shared code. */
static const char *const k_corpus_files[] = {"en.jsonl", "fr.jsonl", "zh.jsonl", "es.jsonl", "de.jsonl",
                                             "ar.jsonl", "code.jsonl"};

static enum cllm_status corpus_load(const char *dir, struct corpus *c, char *err, size_t errlen)
{
    char path[PATH_MAX];
    enum cllm_status st = CLLM_OK;
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < sizeof(k_corpus_files) / sizeof(k_corpus_files[0]) && st == CLLM_OK; i++) {
        if (snprintf(path, sizeof(path), "%s/%s", dir, k_corpus_files[i]) >= (int)sizeof(path)) {
            cllm_errf(err, errlen, "prompt corpus: the folder's path is too long");
            st = CLLM_ERR_CONFIG;
        } else {
            st = corpus_read_file(c, path, err, errlen);
        }
    }
    /* every language × genre has an instruction and a passage */
    for (int l = 0; l < CLLM_WORKLOAD_N_LANGUAGES && st == CLLM_OK; l++)
        for (int g = 0; g < CLLM_WORKLOAD_N_GENRES && st == CLLM_OK; g++) {
            bool ins = false, pas = false;
            for (int i = 0; i < c->n; i++)
                if (c->e[i].genre == g && (c->e[i].lang == l || (c->e[i].lang == -1 && !c->e[i].instruction))) {
                    if (c->e[i].instruction)
                        ins = ins || c->e[i].lang == l;
                    else
                        pas = true;
                }
            if (!ins || !pas) {
                cllm_errf(err, errlen, "prompt corpus %s: %s/%s has no %s", dir, cllm_workload_languages[l],
                          cllm_workload_genres[g], !ins ? "instruction" : "passage");
                st = CLLM_ERR_PARSE;
            }
        }
    if (st != CLLM_OK)
        corpus_free(c);
    return st;
}

enum cllm_status cllm_workload_corpus_check(const char *dir, size_t n_bytes[CLLM_WORKLOAD_N_LANGUAGES], char *err,
                                            size_t errlen)
{
    struct corpus c;
    enum cllm_status st = corpus_load(dir, &c, err, errlen);
    if (st != CLLM_OK)
        return st;
    if (n_bytes) {
        for (int l = 0; l < CLLM_WORKLOAD_N_LANGUAGES; l++)
            n_bytes[l] = 0;
        for (int i = 0; i < c.n; i++)
            if (!c.e[i].instruction && c.e[i].lang >= 0)
                n_bytes[c.e[i].lang] += c.e[i].len;
    }
    corpus_free(&c);
    return CLLM_OK;
}

#if defined(__linux__) && defined(CLLM_SOURCE_DATA_DIR) && defined(CLLM_BUILD_DIR)
/* Whether the running binary lies under the build folder it was built in (as model/registry.c decides). */
static bool in_build_dir(void)
{
    char exe[PATH_MAX];
    const char *build = CLLM_BUILD_DIR;
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    size_t bl = strlen(build);
    if (len <= 0)
        return false;
    exe[len] = '\0';
    while (bl > 1 && build[bl - 1] == '/')
        bl--;
    return strncmp(exe, build, bl) == 0 && (exe[bl] == '/' || bl == 1);
}
#endif

bool cllm_workload_corpus_dir(char *out, size_t n)
{
    if (cllm_fs_exe_relative("../share/computellm/prompts/en.jsonl", out, n)) {
        cllm_fs_exe_relative("../share/computellm/prompts", out, n);
        return true;
    }
    /* an installed binary keeps out of the source tree it was built from */
    if (cllm_fs_exe_relative("../share/computellm", out, n))
        return false;
#if defined(__linux__) && defined(CLLM_SOURCE_DATA_DIR) && defined(CLLM_BUILD_DIR)
    if (in_build_dir() && snprintf(out, n, "%s/prompts", CLLM_SOURCE_DATA_DIR) < (int)n)
        return true;
#endif
    if (n)
        out[0] = '\0';
    return false;
}

/* ---- the workload ---- */

struct built {
    bool  done;
    char *user;
    char  origin[64];
    int   max_tokens;
    int   prompt_tokens;
};

struct cllm_workload {
    struct cllm_workload_params p;
    struct cllm_workload_len in, out;
    bool   has_in;
    char  *system;                  /* corpus requests' system message (a copy) */
    char  *tokenize_url, *auth;     /* copies */
    /* corpus */
    struct corpus c;
    int    langs[CLLM_WORKLOAD_N_LANGUAGES], n_langs;
    int    genres[CLLM_WORKLOAD_N_GENRES], n_genres;
    /* dataset */
    struct cllm_workload_item *items;
    long  *item_line;
    long   n_items;
    /* requests built so far, by index */
    struct built *b;
    long   n_b;
};

struct cllm_workload_params cllm_workload_default_params(void)
{
    struct cllm_workload_params p;
    memset(&p, 0, sizeof(p));
    p.input_len = "256";
    p.output_len = "128";
    p.seed = 42;
    p.pick = CLLM_WORKLOAD_ROUND_ROBIN;
    p.system = "";
    return p;
}

/* "en,fr" into idx[] (indices of names); NULL or "": every name. */
static enum cllm_status parse_list(const char *list, const char *const *names, int n_names, const char *what,
                                   int *idx, int *n, char *err, size_t errlen)
{
    const char *s = list;
    *n = 0;
    if (!list || !list[0]) {
        for (int i = 0; i < n_names; i++)
            idx[(*n)++] = i;
        return CLLM_OK;
    }
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char one[32];
        int k;
        if (len == 0 || len >= sizeof(one)) {
            cllm_errf(err, errlen, "%s '%s': an empty or overlong item", what, list);
            return CLLM_ERR_CONFIG;
        }
        memcpy(one, s, len);
        one[len] = '\0';
        if ((k = index_of(names, n_names, one)) < 0) {
            char known[128] = "";
            for (int i = 0; i < n_names; i++) {
                strncat(known, names[i], sizeof(known) - strlen(known) - 1);
                if (i + 1 < n_names)
                    strncat(known, ", ", sizeof(known) - strlen(known) - 1);
            }
            cllm_errf(err, errlen, "%s: unknown '%s' (known: %s)", what, one, known);
            return CLLM_ERR_CONFIG;
        }
        for (int i = 0; i < *n; i++)
            if (idx[i] == k) {
                cllm_errf(err, errlen, "%s: '%s' given twice", what, one);
                return CLLM_ERR_CONFIG;
            }
        idx[(*n)++] = k;
        s += len;
        if (*s == ',')
            s++;
    }
    return CLLM_OK;
}

static enum cllm_status dataset_load(struct cllm_workload *w, const char *path, char *err, size_t errlen)
{
    char *buf = NULL, sub[CLLM_ERR_LEN];
    size_t len = 0, pos = 0;
    long lineno = 0, cap = 0;
    enum cllm_status st = cllm_file_read(path, CLLM_WORKLOAD_DATASET_MAX_BYTES, &buf, &len, sub, sizeof(sub));

    if (st != CLLM_OK) {
        cllm_errf(err, errlen, "--dataset: %s", sub);
        return st;
    }
    while (pos < len && st == CLLM_OK) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        struct cllm_workload_item it;
        lineno++;
        if (ll > 0 && buf[pos + ll - 1] == '\r')
            ll--;
        st = cllm_workload_parse_line(buf + pos, ll, lineno, &it, sub, sizeof(sub));
        if (st == CLLM_ERR_NOT_FOUND) {
            st = CLLM_OK;
        } else if (st != CLLM_OK) {
            cllm_errf(err, errlen, "--dataset %s: %s", path, sub);
        } else if (w->n_items >= CLLM_WORKLOAD_DATASET_MAX_ITEMS) {
            cllm_workload_item_free(&it);
            cllm_errf(err, errlen, "--dataset %s: more than %d prompts (line %ld)", path,
                      CLLM_WORKLOAD_DATASET_MAX_ITEMS, lineno);
            st = CLLM_ERR_PARSE;
        } else {
            if (w->n_items == cap) {
                long nc = cap ? cap * 2 : 256;
                struct cllm_workload_item *ni = realloc(w->items, (size_t)nc * sizeof(*ni));
                long *nlines = ni ? realloc(w->item_line, (size_t)nc * sizeof(*nlines)) : NULL;
                if (ni)
                    w->items = ni;
                if (nlines)
                    w->item_line = nlines;
                if (!ni || !nlines) {
                    cllm_workload_item_free(&it);
                    cllm_errf(err, errlen, "--dataset: out of memory");
                    st = CLLM_ERR_NOMEM;
                    break;
                }
                cap = nc;
            }
            w->item_line[w->n_items] = lineno;
            w->items[w->n_items++] = it;
        }
        pos += (nl ? (size_t)(nl - (buf + pos)) : len - pos) + 1;
    }
    free(buf);
    if (st == CLLM_OK && w->n_items == 0) {
        cllm_errf(err, errlen, "--dataset %s: no prompt in the file (one JSON object a line: {\"prompt\": \"...\"})",
                  path);
        st = CLLM_ERR_PARSE;
    }
    return st;
}

void cllm_workload_free(struct cllm_workload *w)
{
    if (!w)
        return;
    corpus_free(&w->c);
    for (long i = 0; i < w->n_items; i++)
        cllm_workload_item_free(&w->items[i]);
    free(w->items);
    free(w->item_line);
    for (long i = 0; i < w->n_b; i++)
        free(w->b[i].user);
    free(w->b);
    free(w->system);
    free(w->tokenize_url);
    free(w->auth);
    free(w);
}

enum cllm_status cllm_workload_new(const struct cllm_workload_params *p, struct cllm_workload **out, char *err,
                                   size_t errlen)
{
    struct cllm_workload *w;
    enum cllm_status st;
    char dir[PATH_MAX];

    *out = NULL;
    if (errlen)
        err[0] = '\0';
    if (!(w = calloc(1, sizeof(*w)))) {
        cllm_errf(err, errlen, "workload: out of memory");
        return CLLM_ERR_NOMEM;
    }
    w->p = *p;
    w->system = dup_str(p->system ? p->system : "");
    w->tokenize_url = p->tokenize_url ? dup_str(p->tokenize_url) : NULL;
    w->auth = p->auth ? dup_str(p->auth) : NULL;
    w->p.system = w->system;
    w->p.tokenize_url = w->tokenize_url;
    w->p.auth = w->auth;
    w->p.corpus_dir = w->p.dataset = w->p.languages = w->p.genres = w->p.input_len = w->p.output_len = NULL;
    if (!w->system || (p->tokenize_url && !w->tokenize_url) || (p->auth && !w->auth)) {
        st = CLLM_ERR_NOMEM;
        cllm_errf(err, errlen, "workload: out of memory");
        goto fail;
    }
    if ((st = cllm_workload_parse_len(p->output_len ? p->output_len : "128", "--output-len", &w->out, err,
                                      errlen)) != CLLM_OK)
        goto fail;
    if (p->dataset) {
        if (p->input_len) {
            cllm_errf(err, errlen, "--input-len does not apply to --dataset (its prompts are sent as they are); "
                      "leave one out");
            st = CLLM_ERR_CONFIG;
            goto fail;
        }
        if (p->languages || p->genres) {
            cllm_errf(err, errlen, "languages and genres pick from the prompt corpus, not from --dataset");
            st = CLLM_ERR_CONFIG;
            goto fail;
        }
        if ((st = dataset_load(w, p->dataset, err, errlen)) != CLLM_OK)
            goto fail;
    } else {
        if ((st = cllm_workload_parse_len(p->input_len ? p->input_len : "256", "--input-len", &w->in, err,
                                          errlen)) != CLLM_OK)
            goto fail;
        w->has_in = true;
        if ((st = parse_list(p->languages, cllm_workload_languages, CLLM_WORKLOAD_N_LANGUAGES, "languages",
                             w->langs, &w->n_langs, err, errlen)) != CLLM_OK ||
            (st = parse_list(p->genres, cllm_workload_genres, CLLM_WORKLOAD_N_GENRES, "genres", w->genres,
                             &w->n_genres, err, errlen)) != CLLM_OK)
            goto fail;
        if (p->corpus_dir) {
            cllm_strlcpy(dir, p->corpus_dir, sizeof(dir));
        } else if (!cllm_workload_corpus_dir(dir, sizeof(dir))) {
            cllm_errf(err, errlen, "the prompt corpus (data/prompts, installed as share/computellm/prompts) was not "
                      "found beside this binary: reinstall it, or give --dataset FILE");
            st = CLLM_ERR_NOT_FOUND;
            goto fail;
        }
        if ((st = corpus_load(dir, &w->c, err, errlen)) != CLLM_OK)
            goto fail;
    }
    *out = w;
    return CLLM_OK;
fail:
    cllm_workload_free(w);
    return st;
}

const char *cllm_workload_source(const struct cllm_workload *w) { return w->n_items ? "dataset" : "corpus"; }

long cllm_workload_size(const struct cllm_workload *w)
{
    return w->n_items ? w->n_items : (long)w->n_langs * w->n_genres;
}

bool cllm_workload_exact_counts(const struct cllm_workload *w) { return w->p.count || w->p.tokenize_url; }

/* The generator's state for request index: depends on the seed and the index only, so requests come out the same
 * in any order. `stream` separates the draws of one request. */
static uint64_t rng_for(const struct cllm_workload *w, long index, uint64_t stream)
{
    uint64_t s = w->p.seed ^ ((uint64_t)index * 0xD6E8FEB86659FD93ull) ^ (stream * 0xA0761D6478BD642Full);
    cllm_workload_rng_next(&s);
    return s;
}

/* tokens of text[0..len): the tokenizer's (-1 with err on its failure) or the estimate */
static int count(struct cllm_workload *w, const char *text, size_t len, char *err, size_t errlen)
{
    if (w->p.count)
        return w->p.count(w->p.count_user_data, text, len, err, errlen);
    if (w->p.tokenize_url)
        return cllm_workload_tokenize_http(w->p.tokenize_url, w->p.auth, text, len, err, errlen);
    return cllm_workload_estimate_tokens(text, len);
}

struct strbuf {
    char  *s;
    size_t len, cap;
};

static bool sb_add(struct strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        char *ns;
        while (nc < b->len + n + 1)
            nc *= 2;
        if (!(ns = realloc(b->s, nc)))
            return false;
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return true;
}

/* The cut points of text: every word end (a non-space followed by a space, or the text's end) and every boundary
 * after a CJK character, in order. */
static size_t *cut_points(const char *s, size_t len, size_t *n_out)
{
    size_t cap = 256, n = 0, i = 0, k;
    size_t *cuts = malloc(cap * sizeof(*cuts));
    unsigned prev = ' ';
    if (!cuts)
        return NULL;
    while (i <= len) {
        unsigned cp = i < len ? cp_at(s, len, i, &k) : ' ';
        if (i == len)
            k = 1;
        if (i > 0 && ((is_space(cp) && !is_space(prev)) || (is_cjk(prev) && !is_space(cp)))) {
            if (n == cap) {
                size_t *nc = realloc(cuts, cap * 2 * sizeof(*nc));
                if (!nc) {
                    free(cuts);
                    return NULL;
                }
                cuts = nc;
                cap *= 2;
            }
            cuts[n++] = i;
        }
        prev = cp;
        i += k;
    }
    *n_out = n;
    return cuts;
}

/* The longest prefix of b (cut at a word end) with at most target tokens; *tokens its count. */
static enum cllm_status cut_to(struct cllm_workload *w, struct strbuf *b, int target, int *tokens, char *err,
                               size_t errlen)
{
    size_t n_cuts = 0, *cuts = cut_points(b->s, b->len, &n_cuts);
    long lo = -1, hi;   /* count(cuts[lo]) <= target (lo -1: the empty prefix), count(cuts[hi]) > target */
    int c_lo = 0, c;

    if (!cuts) {
        cllm_errf(err, errlen, "workload: out of memory");
        return CLLM_ERR_NOMEM;
    }
    hi = (long)n_cuts;   /* n_cuts: past the end (more than target: the caller made sure) */
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if ((c = count(w, b->s, cuts[mid], err, errlen)) < 0) {
            free(cuts);
            return CLLM_ERR_IO;
        }
        if (c <= target) {
            lo = mid;
            c_lo = c;
        } else {
            hi = mid;
        }
    }
    /* a long word (or too small a target for the first one) leaves a gap: cut inside the next word, between
     * characters, to come closer */
    if (target - c_lo > CLLM_WORKLOAD_TOLERANCE / 2 || lo < 0) {
        size_t from = lo >= 0 ? cuts[lo] : 0, to = hi < (long)n_cuts ? cuts[hi] : b->len, i = from, k;
        while (i < to) {
            cp_at(b->s, b->len, i, &k);
            if (i + k > to)
                break;
            if ((c = count(w, b->s, i + k, err, errlen)) < 0) {
                free(cuts);
                return CLLM_ERR_IO;
            }
            if (c > target)
                break;
            i += k;
            if (!is_space((unsigned char)b->s[i - 1])) {
                from = i;
                c_lo = c;
            }
        }
        b->len = from;
    } else {
        b->len = cuts[lo];
    }
    b->s[b->len] = '\0';
    *tokens = c_lo;
    free(cuts);
    return CLLM_OK;
}

/* The material order of (lang, genre): the genre's passages of the language (code: the shared ones too), then
 * for every genre but code the language's other passages, genre by genre. */
static int material(const struct cllm_workload *w, int lang, int genre, int *idx)
{
    int n = 0;
    for (int i = 0; i < w->c.n; i++)
        if (!w->c.e[i].instruction && w->c.e[i].genre == genre && (w->c.e[i].lang == lang || w->c.e[i].lang == -1))
            idx[n++] = i;
    if (genre != GENRE_CODE)
        for (int g = 0; g < CLLM_WORKLOAD_N_GENRES; g++)
            for (int i = 0; i < w->c.n; i++)
                if (g != genre && g != GENRE_CODE && !w->c.e[i].instruction && w->c.e[i].genre == g &&
                    w->c.e[i].lang == lang)
                    idx[n++] = i;
    return n;
}

static enum cllm_status build_corpus(struct cllm_workload *w, long index, struct built *r, char *err,
                                     size_t errlen)
{
    long pairs = (long)w->n_langs * w->n_genres, round = index / pairs;
    uint64_t pick = rng_for(w, index, 1), lens = rng_for(w, index, 2);
    int lang, genre, target, n_mat, n_ins = 0, first_primary = 0, tokens = 0, c = 0, want_est;
    int *mat = malloc(((size_t)w->c.n + 1) * sizeof(*mat));
    const struct entry *ins = NULL;
    struct strbuf b = {NULL, 0, 0};
    enum cllm_status st = CLLM_OK;
    size_t cap_bytes;
    long used = 0;

    if (!mat) {
        cllm_errf(err, errlen, "workload: out of memory");
        return CLLM_ERR_NOMEM;
    }
    if (w->p.pick == CLLM_WORKLOAD_RANDOM) {
        lang = w->langs[cllm_workload_rng_next(&pick) % (uint64_t)w->n_langs];
        genre = w->genres[cllm_workload_rng_next(&pick) % (uint64_t)w->n_genres];
    } else {
        lang = w->langs[index % w->n_langs];
        genre = w->genres[(index / w->n_langs) % w->n_genres];
    }
    target = cllm_workload_len_draw(&w->in, &lens);
    r->max_tokens = cllm_workload_len_draw(&w->out, &lens);

    for (int i = 0; i < w->c.n; i++)
        if (w->c.e[i].instruction && w->c.e[i].lang == lang && w->c.e[i].genre == genre)
            n_ins++;
    {
        int want = (int)((w->p.pick == CLLM_WORKLOAD_RANDOM ? (long)(cllm_workload_rng_next(&pick) % 1024) : round) %
                         n_ins);
        for (int i = 0, k = 0; i < w->c.n && !ins; i++)
            if (w->c.e[i].instruction && w->c.e[i].lang == lang && w->c.e[i].genre == genre && k++ == want)
                ins = &w->c.e[i];
    }
    n_mat = material(w, lang, genre, mat);
    for (int i = 0; i < n_mat; i++)
        if (w->c.e[mat[i]].genre == genre)
            first_primary++;
    /* each round starts at the next of the genre's own passages, so the same pair's requests differ */
    first_primary = (int)((w->p.pick == CLLM_WORKLOAD_RANDOM ? (long)(cllm_workload_rng_next(&pick) % 1024) : round) %
                          (first_primary ? first_primary : 1));
    snprintf(r->origin, sizeof(r->origin), "corpus:%s/%s#%d", cllm_workload_languages[lang],
             cllm_workload_genres[genre], first_primary);

    if (!sb_add(&b, ins->text, ins->len) || !sb_add(&b, "\n\n", 2))
        goto nomem;
    /* enough text: append passages until the count passes the target (the estimate first, to save round trips);
     * past the whole pool the passages come again (only for long targets: docs/prompts.md) */
    cap_bytes = (size_t)target * 64 + 65536;
    want_est = target + target / 4 + 16;
    for (;;) {
        int est = cllm_workload_estimate_tokens(b.s, b.len);
        while (est < want_est && b.len < cap_bytes) {
            const struct entry *e = &w->c.e[mat[(first_primary + used) % n_mat]];
            used++;
            if (!sb_add(&b, e->text, e->len) || !sb_add(&b, "\n\n", 2))
                goto nomem;
            est = cllm_workload_estimate_tokens(b.s, b.len);
        }
        if ((c = count(w, b.s, b.len, err, errlen)) < 0) {
            st = CLLM_ERR_IO;
            goto done;
        }
        if (c > target)
            break;
        if (b.len >= cap_bytes) {
            cllm_errf(err, errlen, "workload: %zu bytes of the corpus count only %d tokens, fewer than the %d "
                      "asked for", b.len, c, target);
            st = CLLM_ERR_INTERNAL;
            goto done;
        }
        /* the estimate ran short of the tokenizer: grow by what is missing, and a quarter more */
        want_est = est + (int)((double)est * (target - c + 1) / (c > 0 ? c : 1) * 1.25) + 16;
    }
    if ((st = cut_to(w, &b, target, &tokens, err, errlen)) != CLLM_OK)
        goto done;
    r->user = b.s;
    b.s = NULL;
    r->prompt_tokens = cllm_workload_exact_counts(w) ? tokens : -1;
    r->done = true;
    goto done;
nomem:
    cllm_errf(err, errlen, "workload: out of memory");
    st = CLLM_ERR_NOMEM;
done:
    free(b.s);
    free(mat);
    return st;
}

static enum cllm_status build_dataset(struct cllm_workload *w, long index, struct built *r, char *err,
                                      size_t errlen)
{
    long k = index % w->n_items;
    const struct cllm_workload_item *it = &w->items[k];
    uint64_t lens = rng_for(w, index, 2);
    int c = -1;

    r->max_tokens = it->max_tokens > 0 ? it->max_tokens : cllm_workload_len_draw(&w->out, &lens);
    if (cllm_workload_exact_counts(w) && (c = count(w, it->user, strlen(it->user), err, errlen)) < 0)
        return CLLM_ERR_IO;
    r->prompt_tokens = c;
    snprintf(r->origin, sizeof(r->origin), "dataset:%ld", w->item_line[k]);
    r->user = NULL;   /* the item's text is used as it is */
    r->done = true;
    return CLLM_OK;
}

static enum cllm_status ensure(struct cllm_workload *w, long index, char *err, size_t errlen)
{
    struct built *r;
    enum cllm_status st;
    if (index < 0) {
        cllm_errf(err, errlen, "workload: request index %ld is negative", index);
        return CLLM_ERR_INVALID_ARG;
    }
    if (index >= w->n_b) {
        long nb = w->n_b ? w->n_b : 64;
        struct built *b;
        while (nb <= index)
            nb *= 2;
        if (!(b = realloc(w->b, (size_t)nb * sizeof(*b)))) {
            cllm_errf(err, errlen, "workload: out of memory");
            return CLLM_ERR_NOMEM;
        }
        memset(b + w->n_b, 0, (size_t)(nb - w->n_b) * sizeof(*b));
        w->b = b;
        w->n_b = nb;
    }
    r = &w->b[index];
    if (r->done)
        return CLLM_OK;
    st = w->n_items ? build_dataset(w, index, r, err, errlen) : build_corpus(w, index, r, err, errlen);
    if (st != CLLM_OK) {
        char sub[CLLM_ERR_LEN];
        cllm_strlcpy(sub, err, sizeof(sub));
        cllm_errf(err, errlen, "request %ld: %s", index, sub);
    }
    return st;
}

enum cllm_status cllm_workload_prepare(struct cllm_workload *w, long n, char *err, size_t errlen)
{
    enum cllm_status st = CLLM_OK;
    for (long i = 0; i < n && st == CLLM_OK; i++)
        st = ensure(w, i, err, errlen);
    return st;
}

enum cllm_status cllm_workload_get(struct cllm_workload *w, long index, const char **system, const char **user,
                                   int *max_tokens, int *prompt_tokens, const char **origin, char *err,
                                   size_t errlen)
{
    enum cllm_status st = ensure(w, index, err, errlen);
    const struct built *r;
    if (st != CLLM_OK)
        return st;
    r = &w->b[index];
    if (w->n_items) {
        const struct cllm_workload_item *it = &w->items[index % w->n_items];
        *system = it->system;
        *user = it->user;
    } else {
        *system = w->system;
        *user = r->user;
    }
    *max_tokens = r->max_tokens;
    *prompt_tokens = r->prompt_tokens;
    *origin = r->origin;
    return CLLM_OK;
}

#if CLLM_WORKLOAD_HOOK
enum cllm_status cllm_workload_next(void *workload, long index, struct cllm_serve_content *out, char *err,
                                    size_t errlen)
{
    return cllm_workload_get(workload, index, &out->system, &out->user, &out->max_tokens, &out->prompt_tokens,
                             &out->origin, err, errlen);
}
#endif
