#include "core/csv.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Key suffix → unit; the first match wins, so longer suffixes come first. */
static const struct { const char *suffix; const char *unit; } g_units[] = {
    {"tokens_per_second", "tokens/s"}, {"_per_second", "1/s"}, {"gflops", "GFLOPS"}, {"tflops", "TFLOPS"},
    {"_gbps", "GB/s"}, {"_gb", "GiB"}, {"_mb", "MiB"}, {"_kb", "KiB"}, {"_bytes", "bytes"}, {"_mhz", "MHz"},
    {"_mts", "MT/s"}, {"_ms", "ms"}, {"_s", "s"}, {"_pct", "%"}, {"_percent", "%"}, {"_w", "W"}, {"_j", "J"},
    {"_c", "°C"},
};

const char *cllm_csv_unit_for(const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < sizeof(g_units) / sizeof(g_units[0]); i++) {
        size_t sl = strlen(g_units[i].suffix);
        if (kl >= sl && strcmp(key + kl - sl, g_units[i].suffix) == 0)
            return g_units[i].unit;
    }
    return "";
}

/* A statistic's key (ttft_s: {p50, p90, p99, mean}) has no unit of its own: its parent's key names it. */
static bool is_stat_key(const char *k)
{
    static const char *const stats[] = {"p50", "p90", "p95", "p99", "mean", "std", "min", "max", "median"};
    for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
        if (strcmp(k, stats[i]) == 0)
            return true;
    return false;
}

/* A growable string. */
struct sbuf {
    char  *p;
    size_t n, cap;
    int    oom;
};

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *np;
        while (cap < b->n + n + 1)
            cap *= 2;
        np = realloc(b->p, cap);
        if (!np) {
            b->oom = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_field(struct sbuf *b, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        sb_str(b, s);
        return;
    }
    sb_put(b, "\"", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            sb_put(b, "\"", 1);
        sb_put(b, p, 1);
    }
    sb_put(b, "\"", 1);
}

#define MAX_DEPTH 24

struct walk {
    struct sbuf *out;
    const char  *parts[MAX_DEPTH];   /* name parts of the current path */
    int          n_parts;
    char         params[MAX_DEPTH][96];
    int          n_params;
};

static const char *leaf_unit(const struct walk *w)
{
    if (w->n_parts == 0)
        return "";
    if (w->n_parts >= 2 && is_stat_key(w->parts[w->n_parts - 1]))
        return cllm_csv_unit_for(w->parts[w->n_parts - 2]);
    return cllm_csv_unit_for(w->parts[w->n_parts - 1]);
}

static void emit(struct walk *w, const cJSON *leaf)
{
    char section[256] = "", name[256] = "", params[512] = "", value[64];
    const char *val = value;
    /* id → section "result"; ram.total_gb → ram / total_gb; hardware.os.system → hardware.os / system */
    int split = w->n_parts == 1 ? 0 : w->n_parts == 2 ? 1 : 2;

    for (int i = 0; i < w->n_parts; i++) {
        char *dst = i < split ? section : name;
        size_t cap = i < split ? sizeof(section) : sizeof(name);
        if (dst[0])
            strncat(dst, ".", cap - strlen(dst) - 1);
        strncat(dst, w->parts[i], cap - strlen(dst) - 1);
    }
    if (split == 0)
        strcpy(section, "result");
    for (int i = 0; i < w->n_params; i++) {
        if (i)
            strncat(params, ";", sizeof(params) - strlen(params) - 1);
        strncat(params, w->params[i], sizeof(params) - strlen(params) - 1);
    }
    if (cJSON_IsNumber(leaf))
        snprintf(value, sizeof(value), "%.17g", leaf->valuedouble);
    else if (cJSON_IsBool(leaf))
        val = cJSON_IsTrue(leaf) ? "true" : "false";
    else if (cJSON_IsString(leaf))
        val = leaf->valuestring;
    else
        val = "";
    sb_field(w->out, section);
    sb_put(w->out, ",", 1);
    sb_field(w->out, name);
    sb_put(w->out, ",", 1);
    sb_field(w->out, params);
    sb_put(w->out, ",", 1);
    sb_field(w->out, val);
    sb_put(w->out, ",", 1);
    sb_field(w->out, cJSON_IsString(leaf) || cJSON_IsBool(leaf) ? "" : leaf_unit(w));
    sb_put(w->out, "\r\n", 2);
}

static void walk(struct walk *w, const cJSON *node, const char *key, int key_is_param, const char *array_name,
                 int index)
{
    int pushed_part = 0, pushed_param = 0;

    if (key && (strcmp(key, "samples") == 0 || strcmp(key, "null_reasons") == 0))
        return;
    if (w->n_parts >= MAX_DEPTH || w->n_params >= MAX_DEPTH)
        return;
    if (index >= 0) {
        snprintf(w->params[w->n_params++], sizeof(w->params[0]), "%s=%d", array_name ? array_name : "i", index);
        pushed_param = 1;
    } else if (key && key_is_param) {
        snprintf(w->params[w->n_params++], sizeof(w->params[0]), "%s", key);
        pushed_param = 1;
    } else if (key && strcmp(key, "benchmarks") != 0 && strcmp(key, "results") != 0) {
        w->parts[w->n_parts++] = key;
        pushed_part = 1;
    }

    if (cJSON_IsObject(node)) {
        const cJSON *c;
        int children_are_params = key && strcmp(key, "results") == 0;
        cJSON_ArrayForEach(c, node) walk(w, c, c->string, children_are_params, NULL, -1);
    } else if (cJSON_IsArray(node)) {
        const cJSON *c;
        int i = 0, scalars = 1;
        cJSON_ArrayForEach(c, node) if (cJSON_IsObject(c) || cJSON_IsArray(c)) scalars = 0;
        if (scalars) {
            /* a list of plain values (sizes, model keys) is one row: values joined by ';' */
            struct sbuf joined = {0};
            cJSON tmp;
            cJSON_ArrayForEach(c, node) {
                char num[64];
                if (joined.n)
                    sb_put(&joined, ";", 1);
                if (cJSON_IsNumber(c)) {
                    snprintf(num, sizeof(num), "%.17g", c->valuedouble);
                    sb_str(&joined, num);
                } else if (cJSON_IsString(c)) {
                    sb_str(&joined, c->valuestring);
                } else if (cJSON_IsBool(c)) {
                    sb_str(&joined, cJSON_IsTrue(c) ? "true" : "false");
                }
            }
            memset(&tmp, 0, sizeof(tmp));
            tmp.type = cJSON_String;
            tmp.valuestring = joined.p ? joined.p : (char *)"";
            emit(w, &tmp);
            free(joined.p);
        } else {
            cJSON_ArrayForEach(c, node) walk(w, c, NULL, 0, key, i++);
        }
    } else {
        emit(w, node);
    }
    if (pushed_part)
        w->n_parts--;
    if (pushed_param)
        w->n_params--;
}

char *cllm_csv_export_string(const cJSON *result)
{
    struct sbuf b = {0};
    struct walk w;
    const cJSON *c;

    memset(&w, 0, sizeof(w));
    w.out = &b;
    sb_str(&b, CLLM_CSV_HEADER "\r\n");
    cJSON_ArrayForEach(c, result) walk(&w, c, c->string, 0, NULL, -1);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

enum cllm_status cllm_csv_export(const cJSON *result, FILE *out)
{
    char *text = cllm_csv_export_string(result);
    size_t n;
    if (!text)
        return CLLM_ERR_NOMEM;
    n = strlen(text);
    if (fwrite(text, 1, n, out) != n) {
        free(text);
        return CLLM_ERR_IO;
    }
    free(text);
    return CLLM_OK;
}

int cllm_csv_read_record(const char *text, size_t *pos, char fields[][512], int max_fields)
{
    size_t i = *pos;
    int nf = 0;
    size_t k = 0;
    int quoted = 0, in_field = 0;

    if (!text[i])
        return 0;
    for (;;) {
        char ch = text[i];
        if (nf >= max_fields)
            return -1;
        if (quoted) {
            if (ch == '\0')
                return -1;
            if (ch == '"') {
                if (text[i + 1] == '"') {
                    if (k + 1 >= 512)
                        return -1;
                    fields[nf][k++] = '"';
                    i += 2;
                    continue;
                }
                quoted = 0;
                i++;
                continue;
            }
            if (k + 1 >= 512)
                return -1;
            fields[nf][k++] = ch;
            i++;
            continue;
        }
        if (ch == '"' && k == 0 && !in_field) {
            quoted = 1;
            in_field = 1;
            i++;
            continue;
        }
        if (ch == ',' || ch == '\n' || ch == '\r' || ch == '\0') {
            fields[nf][k] = '\0';
            nf++;
            k = 0;
            in_field = 0;
            if (ch == ',') {
                i++;
                continue;
            }
            if (ch == '\r' && text[i + 1] == '\n')
                i++;
            if (ch != '\0')
                i++;
            *pos = i;
            return nf;
        }
        if (k + 1 >= 512)
            return -1;
        fields[nf][k++] = ch;
        in_field = 1;
        i++;
    }
}
