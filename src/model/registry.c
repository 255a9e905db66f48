#include "model/registry.h"
#include "model/fit.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "platform/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/strutil.h"
#include "hw/hw.h"
#include "core/file.h"

#define GIB (1024.0 * 1024.0 * 1024.0)
#define REGISTRY_MAX_BYTES (4u << 20)
#define REGISTRY_MAX_MODELS 256
#define VRAM_CTX_TOKENS 2048       /* n_ctx of the benchmark runs: the KV cache min_vram_gb allows for */
#define VRAM_OVERHEAD_GIB 0.5      /* llama.cpp compute buffers at n_batch 512, rounded up */

struct cllm_registry {
    cJSON *models;                 /* merged "models" object, file order */
    cJSON *origin_of;              /* key -> file that last touched the entry */
    struct cllm_model *list;
    int n;
    char origins[1024];
};

static const char *const g_templates[] = {"zephyr", "llama2", "mistral", "chatml", "llama3", "none"};

struct cllm_registry_params cllm_registry_default_params(void)
{
    struct cllm_registry_params p = {.builtin_path = NULL, .read_user_config = true, .user_path = NULL};
    return p;
}

struct cllm_registry *cllm_registry_new(void)
{
    struct cllm_registry *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->models = cJSON_CreateObject();
    r->origin_of = cJSON_CreateObject();
    if (!r->models || !r->origin_of) {
        cllm_registry_free(r);
        return NULL;
    }
    return r;
}

void cllm_registry_free(struct cllm_registry *r)
{
    if (!r)
        return;
    cJSON_Delete(r->models);
    cJSON_Delete(r->origin_of);
    free(r->list);
    free(r);
}

int cllm_registry_count(const struct cllm_registry *r) { return r ? r->n : 0; }

const struct cllm_model *cllm_registry_at(const struct cllm_registry *r, int i)
{
    return (r && i >= 0 && i < r->n) ? &r->list[i] : NULL;
}

const struct cllm_model *cllm_registry_find(const struct cllm_registry *r, const char *key)
{
    if (!r || !key)
        return NULL;
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->list[i].key, key) == 0)
            return &r->list[i];
    return NULL;
}

const char *cllm_registry_origins(const struct cllm_registry *r) { return r ? r->origins : ""; }

/* ---- field readers: each names the full path of what it rejects ---- */

struct ctx {
    const char *origin;
    char *err;
    size_t errlen;
};

#define FAIL(c, path, ...)                                                           \
    do {                                                                             \
        char _m[400];                                                                \
        snprintf(_m, sizeof(_m), __VA_ARGS__);                                       \
        snprintf((c)->err, (c)->errlen, "%s: %s: %s", (c)->origin, (path), _m);      \
        return CLLM_ERR_CONFIG;                                                      \
    } while (0)

/* Fields a section accepts; anything else (bar "_comments") is a typo worth reporting. */
static enum cllm_status check_known(const struct ctx *c, const cJSON *obj, const char *path,
                                    const char *const *known, size_t n_known)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        size_t i;
        if (v->string[0] == '_')
            continue;
        for (i = 0; i < n_known; i++)
            if (strcmp(v->string, known[i]) == 0)
                break;
        if (i == n_known) {
            char list[200] = "";
            for (i = 0; i < n_known; i++) {
                strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
                strncat(list, known[i], sizeof(list) - strlen(list) - 1);
            }
            FAIL(c, path, "unknown field \"%s\" (expected %s)", v->string, list);
        }
    }
    return CLLM_OK;
}

/* obj.field into *v (NULL when absent, which is an error only when required); p gets "path.field". */
static enum cllm_status get_field(const struct ctx *c, const cJSON *obj, const char *field, const char *path,
                                  bool required, char p[256], const cJSON **v)
{
    *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    snprintf(p, 256, "%s.%s", path, field);
    if (!*v && required)
        FAIL(c, path, "missing field \"%s\"", field);
    return CLLM_OK;
}

static enum cllm_status get_string(const struct ctx *c, const cJSON *obj, const char *field, const char *path,
                                   bool required, char *out, size_t n)
{
    const cJSON *v;
    char p[256];
    enum cllm_status st = get_field(c, obj, field, path, required, p, &v);
    if (st != CLLM_OK || !v)
        return st;
    if (!cJSON_IsString(v))
        FAIL(c, p, "expected a string, got %s", cllm_json_type_name(v));
    if (!v->valuestring[0])
        FAIL(c, p, "must not be empty");
    if (strlen(v->valuestring) >= n)
        FAIL(c, p, "longer than %zu bytes", n - 1);
    cllm_strlcpy(out, v->valuestring, n);
    return CLLM_OK;
}

/* A number in [min, max]; absent leaves *out as it is unless required. */
static enum cllm_status get_number(const struct ctx *c, const cJSON *obj, const char *field, const char *path,
                                   bool required, bool integer, double min, double max, double *out)
{
    const cJSON *v;
    char p[256];
    enum cllm_status st = get_field(c, obj, field, path, required, p, &v);
    if (st != CLLM_OK || !v)
        return st;
    if (!cJSON_IsNumber(v))
        FAIL(c, p, "expected a number, got %s", cllm_json_type_name(v));
    if (!isfinite(v->valuedouble) || (integer && v->valuedouble != floor(v->valuedouble)))
        FAIL(c, p, "expected a whole number, got %g", v->valuedouble);
    if (!(v->valuedouble >= min && v->valuedouble <= max))
        FAIL(c, p, "%g is out of range [%g, %g]", v->valuedouble, min, max);
    *out = v->valuedouble;
    return CLLM_OK;
}

static enum cllm_status get_int(const struct ctx *c, const cJSON *obj, const char *field, const char *path,
                                int min, int max, int *out)
{
    double d = 0;
    enum cllm_status st = get_number(c, obj, field, path, true, true, min, max, &d);
    if (st == CLLM_OK)
        *out = (int)d;
    return st;
}

/* A file name inside a repository: no folders, no leading dot, plain characters (it becomes a local path). */
static bool is_plain_file_name(const char *s)
{
    if (!s[0] || s[0] == '.')
        return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-' || *p == '+'))
            return false;
    return true;
}

static bool is_repo_id(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/'))
        return false;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '_' || *p == '-' || *p == '/'))
            return false;
    return !strstr(s, "..");
}

static enum cllm_status get_sha256(const struct ctx *c, const cJSON *obj, const char *path, char out[65])
{
    char tmp[80] = "";
    enum cllm_status st = get_string(c, obj, "sha256", path, false, tmp, sizeof(tmp));
    if (st != CLLM_OK || !tmp[0])
        return st;
    if (strlen(tmp) != 64 || strspn(tmp, "0123456789abcdefABCDEF") != 64) {
        char p[256];
        snprintf(p, sizeof(p), "%s.sha256", path);
        FAIL(c, p, "expected 64 hexadecimal digits");
    }
    for (int i = 0; i < 64; i++)
        out[i] = (char)tolower((unsigned char)tmp[i]);
    out[64] = '\0';
    return CLLM_OK;
}

/* "1.1B" → 1.1, "350M" → 0.35. */
static bool parse_params(const char *s, double *billions)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || !isfinite(v) || v <= 0)
        return false;
    if ((end[0] == 'B' || end[0] == 'b') && !end[1])
        *billions = v;
    else if ((end[0] == 'M' || end[0] == 'm') && !end[1])
        *billions = v / 1000.0;
    else if ((end[0] == 'T' || end[0] == 't') && !end[1])
        *billions = v * 1000.0;
    else
        return false;
    return true;
}

static bool is_quant_name(const char *s)
{
    if (!s[0] || strlen(s) > 15)
        return false;
    for (const char *p = s; *p; p++)
        if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return false;
    return true;
}

static enum cllm_status parse_arch(const struct ctx *c, const cJSON *a, const char *path, struct cllm_model_arch *o)
{
    static const char *const known[] = {"arch", "n_layer", "n_embd", "n_ff", "n_head", "n_head_kv", "n_vocab",
                                        "n_ctx_train", "rope_theta", "rms_norm_eps"};
    enum cllm_status st;

    if (!cJSON_IsObject(a))
        FAIL(c, path, "expected an object, got %s", cllm_json_type_name(a));
    if ((st = check_known(c, a, path, known, sizeof(known) / sizeof(known[0]))) != CLLM_OK ||
        (st = get_string(c, a, "arch", path, true, o->arch, sizeof(o->arch))) != CLLM_OK ||
        (st = get_int(c, a, "n_layer", path, 1, 1024, &o->n_layer)) != CLLM_OK ||
        (st = get_int(c, a, "n_embd", path, 1, 1 << 20, &o->n_embd)) != CLLM_OK ||
        (st = get_int(c, a, "n_ff", path, 1, 1 << 22, &o->n_ff)) != CLLM_OK ||
        (st = get_int(c, a, "n_head", path, 1, 4096, &o->n_head)) != CLLM_OK ||
        (st = get_int(c, a, "n_head_kv", path, 1, 4096, &o->n_head_kv)) != CLLM_OK ||
        (st = get_int(c, a, "n_vocab", path, 1, 1 << 24, &o->n_vocab)) != CLLM_OK ||
        (st = get_int(c, a, "n_ctx_train", path, 1, 1 << 24, &o->n_ctx_train)) != CLLM_OK)
        return st;
    o->rope_theta = 10000.0;
    o->rms_norm_eps = 1e-5;
    if ((st = get_number(c, a, "rope_theta", path, false, false, 1.0, 1e12, &o->rope_theta)) != CLLM_OK ||
        (st = get_number(c, a, "rms_norm_eps", path, false, false, 1e-12, 1e-1, &o->rms_norm_eps)) != CLLM_OK)
        return st;
    if (o->n_embd % o->n_head != 0)
        FAIL(c, path, "n_embd %d is not a multiple of n_head %d", o->n_embd, o->n_head);
    if (o->n_head_kv > o->n_head || o->n_head % o->n_head_kv != 0)
        FAIL(c, path, "n_head %d is not a multiple of n_head_kv %d", o->n_head, o->n_head_kv);
    return CLLM_OK;
}

static enum cllm_status parse_part(const struct ctx *c, const cJSON *e, const char *path, struct cllm_model_part *o)
{
    static const char *const known[] = {"file", "size_gb", "sha256"};
    enum cllm_status st;

    if (!cJSON_IsObject(e))
        FAIL(c, path, "expected an object {\"file\": ...}, got %s", cllm_json_type_name(e));
    o->size_gb = NAN;
    if ((st = check_known(c, e, path, known, 3)) != CLLM_OK ||
        (st = get_string(c, e, "file", path, true, o->file, sizeof(o->file))) != CLLM_OK ||
        (st = get_number(c, e, "size_gb", path, false, false, 1e-9, 1e6, &o->size_gb)) != CLLM_OK ||
        (st = get_sha256(c, e, path, o->sha256)) != CLLM_OK)
        return st;
    if (!is_plain_file_name(o->file))
        FAIL(c, path, "file \"%s\": expected a plain file name (letters, digits, . _ - +; no folders)", o->file);
    return CLLM_OK;
}

static enum cllm_status parse_quant(const struct ctx *c, const cJSON *e, const char *path, struct cllm_model_quant *o)
{
    static const char *const known[] = {"file", "parts", "size_gb", "size_bytes", "sha256", "min_ram_gb",
                                        "min_vram_gb", "verified"};
    const cJSON *parts, *verified;
    double bytes = -1;
    enum cllm_status st;

    if (!cJSON_IsObject(e))
        FAIL(c, path, "expected an object, got %s", cllm_json_type_name(e));
    o->size_gb = NAN;
    o->min_ram_gb = NAN;
    o->min_vram_gb = NAN;
    o->size_bytes = -1;
    if ((st = check_known(c, e, path, known, sizeof(known) / sizeof(known[0]))) != CLLM_OK ||
        (st = get_string(c, e, "file", path, true, o->file, sizeof(o->file))) != CLLM_OK ||
        (st = get_number(c, e, "size_gb", path, false, false, 1e-9, 1e6, &o->size_gb)) != CLLM_OK ||
        (st = get_number(c, e, "size_bytes", path, false, true, 1, 9e15, &bytes)) != CLLM_OK ||
        (st = get_sha256(c, e, path, o->sha256)) != CLLM_OK ||
        (st = get_number(c, e, "min_ram_gb", path, false, false, 0.01, 1e6, &o->min_ram_gb)) != CLLM_OK ||
        (st = get_number(c, e, "min_vram_gb", path, false, false, 0.01, 1e6, &o->min_vram_gb)) != CLLM_OK)
        return st;
    if (!is_plain_file_name(o->file) || !cllm_str_ends_with(o->file, ".gguf"))
        FAIL(c, path, "file \"%s\": expected a plain file name ending in .gguf (no folders)", o->file);
    verified = cJSON_GetObjectItemCaseSensitive(e, "verified");
    if (verified && !cJSON_IsBool(verified))
        FAIL(c, path, "verified: expected true or false, got %s", cllm_json_type_name(verified));
    o->verified = cJSON_IsTrue(verified);
    if (bytes > 0) {
        o->size_bytes = (int64_t)bytes;
        if (isnan(o->size_gb))
            o->size_gb = bytes / 1e9;
        else if (fabs(o->size_gb * 1e9 - bytes) > 0.02 * bytes + 0.01e9)
            FAIL(c, path, "size_gb %g and size_bytes %.0f disagree", o->size_gb, bytes);
    }

    parts = cJSON_GetObjectItemCaseSensitive(e, "parts");
    if (parts) {
        char pp[256];
        double sum = 0;
        int i = 0;
        const cJSON *pe;
        snprintf(pp, sizeof(pp), "%s.parts", path);
        if (!cJSON_IsArray(parts) || cJSON_GetArraySize(parts) < 2 || cJSON_GetArraySize(parts) > CLLM_MODEL_MAX_PARTS)
            FAIL(c, pp, "expected a list of 2 to %d parts", CLLM_MODEL_MAX_PARTS);
        if (o->sha256[0])
            FAIL(c, path, "sha256 is given per part for split files, not for the joined file");
        cJSON_ArrayForEach(pe, parts) {
            char ip[280];
            snprintf(ip, sizeof(ip), "%s[%d]", pp, i);
            if ((st = parse_part(c, pe, ip, &o->parts[i])) != CLLM_OK)
                return st;
            sum += o->parts[i].size_gb;
            i++;
        }
        o->n_parts = i;
        if (isnan(o->size_gb) && !isnan(sum))
            o->size_gb = sum;
    }
    return CLLM_OK;
}

/* Defaults that follow from other fields: per-quant RAM scaled from the default quant by file size; VRAM from
 * file + KV cache + compute buffers. */
static void fill_quant_defaults(struct cllm_model *m)
{
    const struct cllm_model_quant *def = cllm_model_find_quant(m, NULL);
    double kv_gib = (double)cllm_model_kv_cache_bytes(m, VRAM_CTX_TOKENS) / GIB;

    for (int i = 0; i < m->n_quants; i++) {
        struct cllm_model_quant *q = &m->quants[i];
        if (isnan(q->min_ram_gb)) {
            if (q == def || isnan(q->size_gb) || isnan(def->size_gb))
                q->min_ram_gb = m->min_ram_gb;
            else
                q->min_ram_gb = ceil(m->min_ram_gb * q->size_gb / def->size_gb - 1e-9);
        }
        if (isnan(q->min_vram_gb) && !isnan(q->size_gb))
            q->min_vram_gb = ceil((q->size_gb * 1e9 / GIB + kv_gib + VRAM_OVERHEAD_GIB) * 10.0 - 1e-9) / 10.0;
    }
}

static enum cllm_status parse_model(const struct ctx *c, const cJSON *e, const char *key, struct cllm_model *m)
{
    static const char *const known[] = {"name", "params", "repo", "revision", "default_quant", "min_ram_gb",
                                        "chat_template", "arch", "quants"};
    char path[128];
    const cJSON *quants, *qe;
    enum cllm_status st;
    size_t t;

    snprintf(path, sizeof(path), "models.%s", key);
    memset(m, 0, sizeof(*m));
    cllm_strlcpy(m->key, key, sizeof(m->key));
    cllm_strlcpy(m->revision, "main", sizeof(m->revision));
    if (!cJSON_IsObject(e))
        FAIL(c, path, "expected an object, got %s", cllm_json_type_name(e));
    if ((st = check_known(c, e, path, known, sizeof(known) / sizeof(known[0]))) != CLLM_OK ||
        (st = get_string(c, e, "name", path, true, m->name, sizeof(m->name))) != CLLM_OK ||
        (st = get_string(c, e, "params", path, true, m->params, sizeof(m->params))) != CLLM_OK ||
        (st = get_string(c, e, "repo", path, true, m->repo, sizeof(m->repo))) != CLLM_OK ||
        (st = get_string(c, e, "revision", path, false, m->revision, sizeof(m->revision))) != CLLM_OK ||
        (st = get_string(c, e, "default_quant", path, false, m->default_quant, sizeof(m->default_quant))) != CLLM_OK ||
        (st = get_number(c, e, "min_ram_gb", path, true, false, 0.01, 1e6, &m->min_ram_gb)) != CLLM_OK ||
        (st = get_string(c, e, "chat_template", path, true, m->chat_template, sizeof(m->chat_template))) != CLLM_OK)
        return st;
    if (!parse_params(m->params, &m->params_b))
        FAIL(c, path, "params \"%s\": expected a count like \"1.1B\" or \"350M\"", m->params);
    if (!is_repo_id(m->repo))
        FAIL(c, path, "repo \"%s\": expected \"owner/name\" as on Hugging Face", m->repo);
    if (strchr(m->revision, '/') || strstr(m->revision, ".."))
        FAIL(c, path, "revision \"%s\": expected a branch, tag or commit id", m->revision);
    for (t = 0; t < sizeof(g_templates) / sizeof(g_templates[0]); t++)
        if (strcmp(m->chat_template, g_templates[t]) == 0)
            break;
    if (t == sizeof(g_templates) / sizeof(g_templates[0]))
        FAIL(c, path, "chat_template \"%s\": expected zephyr, llama2, mistral, chatml, llama3 or none",
             m->chat_template);
    {
        char ap[160];
        snprintf(ap, sizeof(ap), "%s.arch", path);
        if (!cJSON_GetObjectItemCaseSensitive(e, "arch"))
            FAIL(c, path, "missing field \"arch\"");
        if ((st = parse_arch(c, cJSON_GetObjectItemCaseSensitive(e, "arch"), ap, &m->arch)) != CLLM_OK)
            return st;
    }

    quants = cJSON_GetObjectItemCaseSensitive(e, "quants");
    if (!quants)
        FAIL(c, path, "missing field \"quants\"");
    if (!cJSON_IsObject(quants))
        FAIL(c, path, "quants: expected an object keyed by quantization (\"Q4_K_M\": {...}), got %s",
             cllm_json_type_name(quants));
    cJSON_ArrayForEach(qe, quants) {
        char qp[200];
        if (qe->string[0] == '_')
            continue;
        snprintf(qp, sizeof(qp), "%s.quants.%s", path, qe->string);
        if (!is_quant_name(qe->string))
            FAIL(c, qp, "expected a quantization name in upper case, like Q4_K_M");
        if (m->n_quants == CLLM_MODEL_MAX_QUANTS)
            FAIL(c, path, "more than %d quantizations", CLLM_MODEL_MAX_QUANTS);
        cllm_strlcpy(m->quants[m->n_quants].name, qe->string, sizeof(m->quants[0].name));
        if ((st = parse_quant(c, qe, qp, &m->quants[m->n_quants])) != CLLM_OK)
            return st;
        m->n_quants++;
    }
    if (m->n_quants == 0)
        FAIL(c, path, "quants: at least one quantization is needed");
    if (!m->default_quant[0])
        cllm_strlcpy(m->default_quant, cllm_model_find_quant(m, "Q4_K_M") ? "Q4_K_M" : m->quants[0].name,
                     sizeof(m->default_quant));
    if (!cllm_model_find_quant(m, m->default_quant))
        FAIL(c, path, "default_quant \"%s\" is not among its quants", m->default_quant);
    fill_quant_defaults(m);
    return CLLM_OK;
}

static bool merge_into(cJSON *dst, const cJSON *src);

/* Sets dst[name] from s: null removes it, two objects merge field by field, anything else replaces. */
static bool merge_member(cJSON *dst, const char *name, const cJSON *s)
{
    cJSON *d = cJSON_GetObjectItemCaseSensitive(dst, name);
    cJSON *copy;

    if (cJSON_IsNull(s)) {
        cJSON_DeleteItemFromObjectCaseSensitive(dst, name);
        return true;
    }
    if (d && cJSON_IsObject(d) && cJSON_IsObject(s))
        return merge_into(d, s);
    copy = cJSON_Duplicate(s, 1);
    if (!copy)
        return false;
    if (d ? cJSON_ReplaceItemInObjectCaseSensitive(dst, name, copy) : cJSON_AddItemToObject(dst, name, copy))
        return true;
    cJSON_Delete(copy);
    return false;
}

static bool merge_into(cJSON *dst, const cJSON *src)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, src) {
        if (!merge_member(dst, s->string, s))
            return false;
    }
    return true;
}

/* Builds the model list from a merged tree; the origin of each entry names it in messages. */
static enum cllm_status build_list(const cJSON *models, const cJSON *origin_of, struct cllm_model **out, int *n_out,
                                   char *err, size_t errlen)
{
    int n = cJSON_GetArraySize(models), i = 0;
    struct cllm_model *list;
    const cJSON *e;

    if (n > REGISTRY_MAX_MODELS) {
        snprintf(err, errlen, "model registry: more than %d models", REGISTRY_MAX_MODELS);
        return CLLM_ERR_CONFIG;
    }
    list = calloc(n ? (size_t)n : 1, sizeof(*list));
    if (!list) {
        snprintf(err, errlen, "model registry: out of memory");
        return CLLM_ERR_NOMEM;
    }
    cJSON_ArrayForEach(e, models) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(origin_of, e->string);
        struct ctx c = {cJSON_IsString(o) ? o->valuestring : "models.json", err, errlen};
        enum cllm_status st = parse_model(&c, e, e->string, &list[i]);
        if (st != CLLM_OK) {
            free(list);
            return st;
        }
        cllm_strlcpy(list[i].origin, c.origin, sizeof(list[i].origin));
        i++;
    }
    *out = list;
    *n_out = i;
    return CLLM_OK;
}

enum cllm_status cllm_registry_merge_json(struct cllm_registry *r, const char *text, const char *origin, char *err,
                                          size_t errlen)
{
    cJSON *root = NULL, *models = NULL, *origin_of = NULL;
    const cJSON *v, *in_models;
    struct cllm_model *list = NULL;
    struct ctx c = {origin ? origin : "models.json", err, errlen};
    enum cllm_status st = CLLM_ERR_CONFIG;
    int n = 0;

    if (!r || !text) {
        snprintf(err, errlen, "model registry: no registry or text");
        return CLLM_ERR_INVALID_ARG;
    }
    root = cllm_json_parse(text, strlen(text), c.origin, err, errlen);
    if (!root)
        return CLLM_ERR_PARSE;
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: expected a JSON object with \"models\"", c.origin);
        goto cleanup;
    }
    cJSON_ArrayForEach(v, root) {
        if (v->string[0] == '_' || strcmp(v->string, "models") == 0)
            continue;
        if (strcmp(v->string, "schema_version") == 0) {
            if (!cJSON_IsNumber(v) || v->valuedouble != 1) {
                snprintf(err, errlen, "%s: schema_version: this build reads version 1", c.origin);
                goto cleanup;
            }
            continue;
        }
        snprintf(err, errlen, "%s: unknown key \"%s\" (expected schema_version, models)", c.origin, v->string);
        goto cleanup;
    }
    in_models = cJSON_GetObjectItemCaseSensitive(root, "models");
    if (!cJSON_IsObject(in_models)) {
        snprintf(err, errlen, "%s: models: expected an object keyed by model key", c.origin);
        goto cleanup;
    }
    models = cJSON_Duplicate(r->models, 1);
    origin_of = cJSON_Duplicate(r->origin_of, 1);
    if (!models || !origin_of) {
        snprintf(err, errlen, "%s: out of memory", c.origin);
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    cJSON_ArrayForEach(v, in_models) {
        cJSON *cur;
        if (v->string[0] == '_')
            continue;
        if (!cllm_is_valid_key(v->string)) {
            snprintf(err, errlen, "%s: models.%s: not a valid model key (lower case letters, digits, . _ -; at most "
                     "64)", c.origin, v->string);
            goto cleanup;
        }
        if (!cJSON_IsObject(v) && !cJSON_IsNull(v)) {
            snprintf(err, errlen, "%s: models.%s: expected an object (or null to remove it), got %s", c.origin,
                     v->string, cllm_json_type_name(v));
            goto cleanup;
        }
        if (!merge_member(models, v->string, v)) {
            snprintf(err, errlen, "%s: out of memory", c.origin);
            st = CLLM_ERR_NOMEM;
            goto cleanup;
        }
        cur = cJSON_GetObjectItemCaseSensitive(origin_of, v->string);
        if (cJSON_IsNull(v))
            cJSON_DeleteItemFromObjectCaseSensitive(origin_of, v->string);
        else if (cur)
            cJSON_ReplaceItemInObjectCaseSensitive(origin_of, v->string, cJSON_CreateString(c.origin));
        else
            cJSON_AddStringToObject(origin_of, v->string, c.origin);
    }
    if ((st = build_list(models, origin_of, &list, &n, err, errlen)) != CLLM_OK)
        goto cleanup;

    cJSON_Delete(r->models);
    cJSON_Delete(r->origin_of);
    free(r->list);
    r->models = models;
    r->origin_of = origin_of;
    r->list = list;
    r->n = n;
    models = origin_of = NULL;
    if (r->origins[0])
        strncat(r->origins, "; ", sizeof(r->origins) - strlen(r->origins) - 1);
    strncat(r->origins, c.origin, sizeof(r->origins) - strlen(r->origins) - 1);
    st = CLLM_OK;
cleanup:
    cJSON_Delete(root);
    cJSON_Delete(models);
    cJSON_Delete(origin_of);
    return st;
}

enum cllm_status cllm_registry_merge_file(struct cllm_registry *r, const char *path, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    enum cllm_status st = cllm_file_read(path, REGISTRY_MAX_BYTES, &text, &len, err, errlen);
    if (st != CLLM_OK)
        return st;
    if (strlen(text) != len) {   /* a NUL byte would end the text early without a word */
        snprintf(err, errlen, "%s: a NUL byte at byte %zu: not a model registry", path, strlen(text));
        free(text);
        return CLLM_ERR_PARSE;
    }
    st = cllm_registry_merge_json(r, text, path, err, errlen);
    free(text);
    return st;
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Candidates for the built-in file, in order: next to the binary (installed or build tree), then the source tree
 * this binary was built from. */
#ifdef CLLM_SOURCE_DATA_DIR
/* Whether the running binary lies under the build folder it was built in (CLLM_BUILD_DIR, resolved by CMake, so
 * compared as a string: nothing under it is looked at). Without the define, or where the binary's path is
 * unknown (not Linux), it is taken to be. */
static bool in_build_dir(void)
{
#if defined(__linux__) && defined(CLLM_BUILD_DIR)
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
#else
    return true;
#endif
}
#endif

static int builtin_candidates(char out[][PATH_MAX], int max)
{
    int n = 0;
#if defined(__linux__)
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        static const char *const rel[] = {"data/models.json", "../data/models.json", "../share/computellm/models.json"};
        char *slash;
        exe[len] = '\0';
        slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]) && n < max; i++)
            if (snprintf(out[n], PATH_MAX, "%s/%s", exe, rel[i]) < PATH_MAX)
                n++;
    }
#endif
#ifdef CLLM_SOURCE_DATA_DIR
    /* the source tree's copy only for binaries still in their build folder (the tool, tests, benches): an
     * installed one reads P/share/computellm/ and never the tree it was built from */
    if (n < max && in_build_dir() && snprintf(out[n], PATH_MAX, "%s/models.json", CLLM_SOURCE_DATA_DIR) < PATH_MAX)
        n++;
#endif
    return n;
}

enum cllm_status cllm_registry_load(const struct cllm_registry_params *p, struct cllm_registry **out, char *err,
                                    size_t errlen)
{
    struct cllm_registry_params def = cllm_registry_default_params();
    struct cllm_registry *r;
    char cand[4][PATH_MAX], user[PATH_MAX];
    const char *builtin = NULL, *extra;
    enum cllm_status st;

    *out = NULL;
    if (!p)
        p = &def;
    if (p->builtin_path) {
        builtin = p->builtin_path;
    } else {
        int n = builtin_candidates(cand, 4);
        for (int i = 0; i < n && !builtin; i++)
            if (file_exists(cand[i]))
                builtin = cand[i];
        if (!builtin) {
            size_t k = (size_t)snprintf(err, errlen, "model registry data/models.json not found; looked in:");
            for (int i = 0; i < n && k < errlen; i++)
                k += (size_t)snprintf(err + k, errlen - k, "%s %s", i ? "," : "", cand[i]);
            return CLLM_ERR_NOT_FOUND;
        }
    }
    r = cllm_registry_new();
    if (!r) {
        snprintf(err, errlen, "model registry: out of memory");
        return CLLM_ERR_NOMEM;
    }
    if ((st = cllm_registry_merge_file(r, builtin, err, errlen)) != CLLM_OK)
        goto fail;
    CLLM_LOG(CLLM_LOG_DEBUG, "model registry: %s (%d models)", builtin, r->n);

    if (p->read_user_config) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        user[0] = '\0';
        if (xdg && xdg[0] == '/')
            snprintf(user, sizeof(user), "%s/computellm/models.json", xdg);
        else if (home && home[0])
            snprintf(user, sizeof(user), "%s/.config/computellm/models.json", home);
        if (user[0] && file_exists(user)) {
            if ((st = cllm_registry_merge_file(r, user, err, errlen)) != CLLM_OK)
                goto fail;
            CLLM_LOG(CLLM_LOG_INFO, "model registry: merged %s", user);
        }
    }
    extra = p->user_path ? p->user_path : getenv("COMPUTELLM_MODELS_FILE");
    if (extra && extra[0]) {
        if ((st = cllm_registry_merge_file(r, extra, err, errlen)) != CLLM_OK)
            goto fail;
        CLLM_LOG(CLLM_LOG_INFO, "model registry: merged %s", extra);
    }
    *out = r;
    return CLLM_OK;
fail:
    cllm_registry_free(r);
    return st;
}

/* ---- one model ---- */

const struct cllm_model_quant *cllm_model_find_quant(const struct cllm_model *m, const char *quant)
{
    if (!m)
        return NULL;
    if (!quant || !quant[0])
        quant = m->default_quant;
    for (int i = 0; i < m->n_quants; i++)
        if (strcasecmp(m->quants[i].name, quant) == 0)
            return &m->quants[i];
    return NULL;
}

void cllm_model_local_path(const struct cllm_model_quant *q, const char *models_dir, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", models_dir && models_dir[0] ? models_dir : "models", q->file);
}

void cllm_model_synthetic_path(const struct cllm_model *m, const struct cllm_model_quant *q,
                               const char *models_dir, char *out, size_t n)
{
    snprintf(out, n, "%s/synthetic/%s.%s.gguf", models_dir && models_dir[0] ? models_dir : "models", m->key,
             q ? q->name : m->default_quant);
}

int64_t cllm_model_kv_cache_bytes(const struct cllm_model *m, int n_ctx)
{
    return (int64_t)cllm_fit_kv_bytes(&m->arch, n_ctx, cllm_fit_kv_type_bytes("f16"));
}

const char *cllm_fit_name(enum cllm_fit f)
{
    switch (f) {
    case CLLM_FIT_OK: return "ok";
    case CLLM_FIT_CPU_ONLY: return "cpu_only";
    case CLLM_FIT_SKIP_RAM: return "skipped_ram";
    case CLLM_FIT_BAD_QUANT: return "bad_quant";
    }
    return "unknown";
}

enum cllm_fit cllm_model_check_fit(const struct cllm_model *m, const char *quant, const struct cllm_hw_info *hw,
                                   char *reason, size_t n)
{
    const struct cllm_model_quant *q = cllm_model_find_quant(m, quant);
    const struct cllm_gpu_info *g = &hw->gpu;
    char ram_part[96], gpu_name[160] = "";
    double vram = 0, ram_gib;
    int n_gpus = 0;
    bool vram_unknown = false;

    if (!q) {
        size_t k = (size_t)snprintf(reason, n, "%s has no quantization %s (it has", m->key, quant ? quant : "?");
        for (int i = 0; i < m->n_quants && k < n; i++)
            k += (size_t)snprintf(reason + k, n - k, "%s %s", i ? "," : "", m->quants[i].name);
        if (k < n)
            snprintf(reason + k, n - k, ")");
        return CLLM_FIT_BAD_QUANT;
    }
    if (hw->ram.total_bytes > 0) {
        ram_gib = (double)hw->ram.total_bytes / GIB;
        if (ram_gib < q->min_ram_gb) {
            snprintf(reason, n, "needs %g GB of RAM, this machine has %.1f GB", q->min_ram_gb, ram_gib);
            return CLLM_FIT_SKIP_RAM;
        }
        snprintf(ram_part, sizeof(ram_part), "needs %g GB of RAM (%.1f GB here)", q->min_ram_gb, ram_gib);
    } else {
        snprintf(ram_part, sizeof(ram_part), "needs %g GB of RAM (total RAM unknown, not checked)", q->min_ram_gb);
    }

    if (g->primary_backend == CLLM_BACKEND_NONE) {
        snprintf(reason, n, "runs on the CPU (no GPU backend); %s", ram_part);
        return CLLM_FIT_OK;
    }
    for (int i = 0; i < g->n_devices; i++) {
        const struct cllm_gpu_device *d = &g->devices[i];
        if (d->backend != g->primary_backend)
            continue;
        if (d->integrated || hw->ram.unified_memory) {
            snprintf(reason, n, "runs on %s (shares system memory); %s", d->name[0] ? d->name : "the GPU", ram_part);
            return CLLM_FIT_OK;
        }
        if (isnan(d->vram_total_gb))
            vram_unknown = true;
        else
            vram += d->vram_total_gb;
        if (n_gpus++ == 0)
            cllm_strlcpy(gpu_name, d->name[0] ? d->name : "the GPU", sizeof(gpu_name));
    }
    if (n_gpus > 1)
        snprintf(gpu_name, sizeof(gpu_name), "%d %s GPUs", n_gpus, cllm_gpu_backend_name(g->primary_backend));
    if (n_gpus == 0) {
        snprintf(reason, n, "runs on the CPU (no %s device listed); %s", cllm_gpu_backend_name(g->primary_backend),
                 ram_part);
        return CLLM_FIT_OK;
    }
    if (vram_unknown || isnan(q->min_vram_gb)) {
        snprintf(reason, n, "runs on %s (VRAM %s, not checked); %s", gpu_name,
                 vram_unknown ? "unknown" : "need unknown", ram_part);
        return CLLM_FIT_OK;
    }
    if (vram < q->min_vram_gb) {
        snprintf(reason, n, "runs on the CPU: needs %g GB of VRAM, %s %s %.1f GB", q->min_vram_gb, gpu_name,
                 n_gpus > 1 ? "have" : "has", vram);
        return CLLM_FIT_CPU_ONLY;
    }
    snprintf(reason, n, "runs on %s (needs %g GB of VRAM, %.1f GB there); %s", gpu_name, q->min_vram_gb, vram,
             ram_part);
    return CLLM_FIT_OK;
}
