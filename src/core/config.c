#include "core/config.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/strutil.h"
#include "core/file.h"

enum field_type { F_INT, F_DOUBLE, F_STRING, F_INT_LIST, F_KEY_LIST };

/* One configurable key: its JSON path, where it lives in struct cllm_config, and its valid range. */
struct field {
    const char     *path;     /* "inference.temperature" */
    enum field_type type;
    size_t          offset;
    size_t          size;     /* string buffer size, or list capacity */
    size_t          count_offset;  /* lists: offset of the int element count */
    double          min, max; /* numbers and list elements */
    const char     *unit;     /* "s", "MiB", ...; "" when none */
    const char     *meaning;  /* one line: results schema and docs */
};

#define OFF(m) offsetof(struct cllm_config, m)

static const struct field g_fields[] = {
    {"models", F_KEY_LIST, OFF(models), CLLM_CONFIG_MAX_MODELS, OFF(n_models), 0, 0,
     "", "registry keys of the models to benchmark, in order"},
    {"system_prompt", F_STRING, OFF(system_prompt), sizeof(((struct cllm_config *)0)->system_prompt), 0, 0, 0,
     "", "system message of every chat"},
    {"prompt", F_STRING, OFF(prompt), sizeof(((struct cllm_config *)0)->prompt), 0, 0, 0,
     "", "user message of the timed runs"},
    {"inference.max_tokens", F_INT, OFF(inference.max_tokens), 0, 0, 1, 32768,
     "tokens", "tokens generated per timed run"},
    {"inference.temperature", F_DOUBLE, OFF(inference.temperature), 0, 0, 0, 2,
     "", "sampling temperature"},
    {"inference.top_p", F_DOUBLE, OFF(inference.top_p), 0, 0, 0.01, 1,
     "", "nucleus sampling threshold"},
    {"inference.repeat_penalty", F_DOUBLE, OFF(inference.repeat_penalty), 0, 0, 0.5, 2,
     "", "repetition penalty (1 = off)"},
    {"inference.seed", F_INT, OFF(inference.seed), 0, 0, 0, 2147483647.0,
     "", "sampler seed"},
    {"inference.n_ctx", F_INT, OFF(inference.n_ctx), 0, 0, 128, 1048576,
     "tokens", "context size"},
    {"runs.count", F_INT, OFF(runs), 0, 0, 1, 100,
     "", "timed runs per model"},
    {"runs.warmup", F_INT, OFF(warmup_runs), 0, 0, 0, 10,
     "", "untimed runs before the timed ones"},
    {"runs.warmup_max_tokens", F_INT, OFF(warmup_max_tokens), 0, 0, 1, 4096,
     "tokens", "tokens generated per warmup run"},
    {"runs.cleanup_pause_s", F_DOUBLE, OFF(cleanup_pause_s), 0, 0, 0, 60,
     "s", "settling pause of each LLM cleanup"},
    {"classic.cpu_matrix_sizes", F_INT_LIST, OFF(cpu_matrix_sizes), CLLM_CONFIG_MAX_SIZES, OFF(n_cpu_matrix_sizes),
     16, 16384,
     "", "N of the N×N CPU sgemm products"},
    /* 32768: the GPU phase's own limit (classic/gpu_gemm.c), refused here rather than after the CPU phases */
    {"classic.gpu_matrix_sizes", F_INT_LIST, OFF(gpu_matrix_sizes), CLLM_CONFIG_MAX_SIZES, OFF(n_gpu_matrix_sizes),
     16, 32768,
     "", "N of the N×N GPU GEMM products"},
    {"classic.gemm_iterations", F_INT, OFF(gemm_iterations), 0, 0, 1, 100,
     "", "timed products per matrix size"},
    {"classic.memory_array_mb", F_INT, OFF(memory_array_mb), 0, 0, 1, 65536,
     "MiB", "size of each memory-bandwidth array (raised to 4× the last-level cache)"},
    {"classic.memory_repeats", F_INT, OFF(memory_repeats), 0, 0, 5, 100,
     "", "timed passes per memory-bandwidth kernel"},
    {"monitor.interval_s", F_DOUBLE, OFF(monitor_interval_s), 0, 0, 0.1, 10,
     "s", "resource monitor sampling period"},
    {"server.stall_s", F_INT, OFF(server_stall_s), 0, 0, 1, 3600,
     "s", "server engine: no token for this long fails the run"},
    {"server.deadline_base_s", F_DOUBLE, OFF(server_deadline_base_s), 0, 0, 0.1, 86400,
     "s", "server engine: each request's deadline is this plus max_tokens times the next"},
    {"server.deadline_per_token_s", F_DOUBLE, OFF(server_deadline_per_token_s), 0, 0, 0.001, 600,
     "s", "server engine: deadline added per requested token"},
};
#define N_FIELDS (sizeof(g_fields) / sizeof(g_fields[0]))

bool cllm_config_key_info(size_t i, struct cllm_config_key *out)
{
    static const enum cllm_config_type types[] = {
        [F_INT] = CLLM_CONFIG_INT, [F_DOUBLE] = CLLM_CONFIG_DOUBLE, [F_STRING] = CLLM_CONFIG_STRING,
        [F_INT_LIST] = CLLM_CONFIG_INT_LIST, [F_KEY_LIST] = CLLM_CONFIG_KEY_LIST,
    };
    if (i >= N_FIELDS)
        return false;
    out->path = g_fields[i].path;
    out->type = types[g_fields[i].type];
    out->min = g_fields[i].min;
    out->max = g_fields[i].max;
    out->unit = g_fields[i].unit;
    out->meaning = g_fields[i].meaning;
    return true;
}

void cllm_config_defaults(struct cllm_config *c)
{
    static const int cpu_sizes[] = {512, 1024, 2048};
    static const int gpu_sizes[] = {1024, 2048, 4096};

    memset(c, 0, sizeof(*c));
    c->n_models = 1;
    cllm_strlcpy(c->models[0], "tinyllama-1.1b", sizeof(c->models[0]));
    cllm_strlcpy(c->system_prompt, "You are a helpful assistant.", sizeof(c->system_prompt));
    cllm_strlcpy(c->prompt, "Explain the concept of artificial intelligence in simple terms", sizeof(c->prompt));
    c->inference.max_tokens = 256;
    c->inference.temperature = 0.7;
    c->inference.top_p = 0.9;
    c->inference.repeat_penalty = 1.1;
    c->inference.seed = 42;
    c->inference.n_ctx = 2048;
    c->runs = 3;
    c->warmup_runs = 1;
    c->warmup_max_tokens = 32;
    c->cleanup_pause_s = 1.0;
    c->n_cpu_matrix_sizes = 3;
    memcpy(c->cpu_matrix_sizes, cpu_sizes, sizeof(cpu_sizes));
    c->n_gpu_matrix_sizes = 3;
    memcpy(c->gpu_matrix_sizes, gpu_sizes, sizeof(gpu_sizes));
    c->gemm_iterations = 3;
    c->memory_array_mb = 256;
    c->memory_repeats = 5;
    c->monitor_interval_s = 0.5;
    /* the same as serve/chat_stream.h's CLLM_CHAT_* defaults (core does not include llm/) */
    c->server_stall_s = 60;
    c->server_deadline_base_s = 120;
    c->server_deadline_per_token_s = 2;
}

static const struct field *find_field(const char *path)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(g_fields[i].path, path) == 0)
            return &g_fields[i];
    return NULL;
}

/* True when some field's path starts with "prefix." (the key names a section). */
static int is_section(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strncmp(g_fields[i].path, prefix, n) == 0 && g_fields[i].path[n] == '.')
            return 1;
    return 0;
}

const char *cllm_json_type_name(const cJSON *v)
{
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "a list";
    if (cJSON_IsObject(v)) return "an object";
    return "an unknown value";
}

static int is_integer(double d) { return isfinite(d) && d == floor(d); }

static enum cllm_status set_field(struct cllm_config *c, const struct field *f, const cJSON *v, char *err,
                                  size_t errlen)
{
    char *base = (char *)c;

    switch (f->type) {
    case F_INT:
    case F_DOUBLE: {
        double d;
        if (!cJSON_IsNumber(v)) {
            snprintf(err, errlen, "%s: expected a number, got %s", f->path, cllm_json_type_name(v));
            return CLLM_ERR_CONFIG;
        }
        d = v->valuedouble;
        if (f->type == F_INT && !is_integer(d)) {
            snprintf(err, errlen, "%s: expected a whole number, got %g", f->path, d);
            return CLLM_ERR_CONFIG;
        }
        if (!(d >= f->min && d <= f->max)) {
            snprintf(err, errlen, "%s: %g is out of range [%g, %g]", f->path, d, f->min, f->max);
            return CLLM_ERR_CONFIG;
        }
        if (f->type == F_INT)
            *(int *)(base + f->offset) = (int)d;
        else
            *(double *)(base + f->offset) = d;
        return CLLM_OK;
    }
    case F_STRING:
        if (!cJSON_IsString(v)) {
            snprintf(err, errlen, "%s: expected a string, got %s", f->path, cllm_json_type_name(v));
            return CLLM_ERR_CONFIG;
        }
        if (strlen(v->valuestring) >= f->size) {
            snprintf(err, errlen, "%s: longer than %zu bytes", f->path, f->size - 1);
            return CLLM_ERR_CONFIG;
        }
        if (!v->valuestring[0]) {
            snprintf(err, errlen, "%s: must not be empty", f->path);
            return CLLM_ERR_CONFIG;
        }
        cllm_strlcpy(base + f->offset, v->valuestring, f->size);
        return CLLM_OK;
    case F_INT_LIST:
    case F_KEY_LIST: {
        int n = cJSON_GetArraySize(v), i = 0;
        const cJSON *e;
        if (!cJSON_IsArray(v)) {
            snprintf(err, errlen, "%s: expected a list, got %s", f->path, cllm_json_type_name(v));
            return CLLM_ERR_CONFIG;
        }
        if (n < 1 || (size_t)n > f->size) {
            snprintf(err, errlen, "%s: expected 1 to %zu entries, got %d", f->path, f->size, n);
            return CLLM_ERR_CONFIG;
        }
        cJSON_ArrayForEach(e, v) {
            if (f->type == F_INT_LIST) {
                if (!cJSON_IsNumber(e) || !is_integer(e->valuedouble) || e->valuedouble < f->min ||
                    e->valuedouble > f->max) {
                    snprintf(err, errlen, "%s[%d]: expected a whole number in [%g, %g]", f->path, i, f->min, f->max);
                    return CLLM_ERR_CONFIG;
                }
                ((int *)(base + f->offset))[i] = (int)e->valuedouble;
            } else {
                if (!cJSON_IsString(e) || !cllm_is_valid_key(e->valuestring)) {
                    snprintf(err, errlen, "%s[%d]: expected a model key like \"tinyllama-1.1b\" (lower case, digits, "
                             ". _ -)", f->path, i);
                    return CLLM_ERR_CONFIG;
                }
                cllm_strlcpy(c->models[i], e->valuestring, sizeof(c->models[i]));
            }
            i++;
        }
        *(int *)(base + f->count_offset) = n;
        return CLLM_OK;
    }
    }
    return CLLM_ERR_INTERNAL;
}

/* Walks obj; `prefix` is the dotted path of obj ("" at the top). */
static enum cllm_status apply_object(struct cllm_config *c, const cJSON *obj, const char *prefix, char *err,
                                     size_t errlen)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        char path[128];
        const struct field *f;
        enum cllm_status st;

        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", v->string);
        f = find_field(path);
        if (f) {
            st = set_field(c, f, v, err, errlen);
        } else if (is_section(path)) {
            if (!cJSON_IsObject(v)) {
                snprintf(err, errlen, "%s: expected an object, got %s", path, cllm_json_type_name(v));
                return CLLM_ERR_CONFIG;
            }
            st = apply_object(c, v, path, err, errlen);
        } else {
            snprintf(err, errlen, "%s: unknown key (see `computellm config --print-defaults` for the valid keys)",
                     path);
            return CLLM_ERR_CONFIG;
        }
        if (st != CLLM_OK)
            return st;
    }
    return CLLM_OK;
}

enum cllm_status cllm_config_apply_json(struct cllm_config *c, const char *text, const char *origin, char *err,
                                        size_t errlen)
{
    struct cllm_config work = *c;
    char detail[384] = "";
    enum cllm_status st;
    cJSON *root = cllm_json_parse(text, text ? strlen(text) : 0, origin, err, errlen);

    if (!root)
        return CLLM_ERR_CONFIG;
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: the top level must be a JSON object", origin);
        cJSON_Delete(root);
        return CLLM_ERR_CONFIG;
    }
    st = apply_object(&work, root, "", detail, sizeof(detail));
    if (st == CLLM_OK && work.inference.max_tokens >= work.inference.n_ctx) {
        snprintf(detail, sizeof(detail), "inference.max_tokens: %d must be below inference.n_ctx (%d)",
                 work.inference.max_tokens, work.inference.n_ctx);
        st = CLLM_ERR_CONFIG;
    }
    cJSON_Delete(root);
    if (st != CLLM_OK) {
        snprintf(err, errlen, "%s: %s", origin, detail);
        return st;
    }
    *c = work;
    return CLLM_OK;
}

enum cllm_status cllm_config_load(struct cllm_config *c, const char *path, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    enum cllm_status st = cllm_file_read(path, 1u << 20, &text, &len, err, errlen);
    if (st != CLLM_OK)
        return st == CLLM_ERR_NOT_FOUND ? CLLM_ERR_CONFIG : st;
    if (strlen(text) != len) {   /* a NUL byte would end the text early without a word */
        snprintf(err, errlen, "%s: a NUL byte at byte %zu: not a configuration file", path, strlen(text));
        free(text);
        return CLLM_ERR_CONFIG;
    }
    st = cllm_config_apply_json(c, text, path, err, errlen);
    free(text);
    return st;
}

/* Finds or creates the object for the section part of `path` ("inference" for "inference.top_p"). */
static cJSON *section_for(cJSON *root, const char *path, const char **leaf)
{
    const char *dot = strchr(path, '.');
    char name[64];
    cJSON *sec;

    if (!dot) {
        *leaf = path;
        return root;
    }
    snprintf(name, sizeof(name), "%.*s", (int)(dot - path), path);
    *leaf = dot + 1;
    sec = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!sec)
        sec = cJSON_AddObjectToObject(root, name);
    return sec;
}

cJSON *cllm_config_to_json(const struct cllm_config *c)
{
    const char *base = (const char *)c;
    cJSON *root = cJSON_CreateObject();

    for (size_t i = 0; i < N_FIELDS; i++) {
        const struct field *f = &g_fields[i];
        const char *leaf;
        cJSON *sec = section_for(root, f->path, &leaf);
        switch (f->type) {
        case F_INT:
            cJSON_AddNumberToObject(sec, leaf, *(const int *)(base + f->offset));
            break;
        case F_DOUBLE:
            cJSON_AddNumberToObject(sec, leaf, *(const double *)(base + f->offset));
            break;
        case F_STRING:
            cJSON_AddStringToObject(sec, leaf, base + f->offset);
            break;
        case F_INT_LIST:
            cJSON_AddItemToObject(sec, leaf, cJSON_CreateIntArray((const int *)(base + f->offset),
                                                                  *(const int *)(base + f->count_offset)));
            break;
        case F_KEY_LIST: {
            cJSON *arr = cJSON_AddArrayToObject(sec, leaf);
            for (int k = 0; k < c->n_models; k++)
                cJSON_AddItemToArray(arr, cJSON_CreateString(c->models[k]));
            break;
        }
        }
    }
    return root;
}

char *cllm_config_to_json_text(const struct cllm_config *c)
{
    cJSON *root = cllm_config_to_json(c);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

enum cllm_status cllm_config_set_models(struct cllm_config *c, const char *const *keys, int n, char *err,
                                        size_t errlen)
{
    struct cllm_config work = *c;
    work.n_models = 0;
    for (int i = 0; i < n; i++) {
        char buf[1024];
        char *save = NULL;
        cllm_strlcpy(buf, keys[i], sizeof(buf));
        for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
            if (!cllm_is_valid_key(tok)) {
                snprintf(err, errlen, "--models: '%s' is not a model key (lower case, digits, . _ -; e.g. "
                         "tinyllama-1.1b)", tok);
                return CLLM_ERR_CONFIG;
            }
            if (work.n_models >= CLLM_CONFIG_MAX_MODELS) {
                snprintf(err, errlen, "--models: more than %d models", CLLM_CONFIG_MAX_MODELS);
                return CLLM_ERR_CONFIG;
            }
            cllm_strlcpy(work.models[work.n_models++], tok, sizeof(work.models[0]));
        }
    }
    if (work.n_models == 0) {
        snprintf(err, errlen, "--models: expected at least one model key");
        return CLLM_ERR_CONFIG;
    }
    *c = work;
    return CLLM_OK;
}
