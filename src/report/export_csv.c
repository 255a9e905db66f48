/* Results file → CSV rows (report/export_csv.h); the CSV text itself is core/csv.h's. */
#include "report/export_csv.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"

/* Key suffix → unit, for keys the tables do not list; the first match wins, so longer suffixes come first. */
static const struct { const char *suffix; const char *unit; } g_units[] = {
    {"tokens_per_second", "tokens/s"}, {"_per_second", "1/s"}, {"gflops", "GFLOPS"}, {"tflops", "TFLOPS"},
    {"_gbps", "GB/s"}, {"_gb", "GiB"}, {"_mb", "MiB"}, {"_kb", "KiB"}, {"_bytes", "bytes"}, {"_mhz", "MHz"},
    {"_mts", "MT/s"}, {"_ms", "ms"}, {"_s", "s"}, {"_pct", "%"}, {"_percent", "%"}, {"_w", "W"}, {"_j", "J"},
    {"_c", "°C"},
};

const char *cllm_results_csv_unit_guess(const char *key)
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

#define MAX_DEPTH 24

/* "results": the per-size (classic) and per-model (ai) maps share the name; their keys go to params */
#define RESULTS_KEY (CLLM_F_AI_RESULTS.name)

struct walk {
    struct cllm_csv *out;
    const char      *parts[MAX_DEPTH];   /* name parts of the current path */
    int              n_parts;
    char             params[MAX_DEPTH][96];
    int              n_params;
};

/* Where a node sits in the tables: f is the field it is the value of (entry false) or an entry / item of (entry
 * true: a value of a MAP or ARRAY field); f NULL where the tables do not know it. outer_unit: the unit of the
 * nearest enclosing field that has one. */
struct place {
    const struct cllm_field *f;
    bool                     entry;
    const char              *outer_unit;
};

static const char *leaf_unit(const struct walk *w, const struct place *pl)
{
    if (pl->f)
        return pl->f->unit[0] ? pl->f->unit : pl->outer_unit;
    /* not in the tables: the key's suffix, or for a statistic its parent's */
    if (w->n_parts == 0)
        return "";
    if (w->n_parts >= 2 && is_stat_key(w->parts[w->n_parts - 1])) {
        const char *u = cllm_results_csv_unit_guess(w->parts[w->n_parts - 2]);
        return u[0] ? u : pl->outer_unit;
    }
    return cllm_results_csv_unit_guess(w->parts[w->n_parts - 1]);
}

static void emit(struct walk *w, const char *val, const char *unit)
{
    char section[256] = "", name[256] = "", params[512] = "";
    const char *row[5];
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
    row[0] = section;
    row[1] = name;
    row[2] = params;
    row[3] = val;
    row[4] = unit;
    cllm_csv_row(w->out, row, 5);
}

/* A scalar's text: numbers with 17 significant digits (they read back exactly), null empty. */
static const char *scalar_text(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "%.17g", v->valuedouble);
        return buf;
    }
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (cJSON_IsString(v))
        return v->valuestring;
    return "";
}

/* The place of a child of a node at pl: an entry of a map or an item of an array, or a key of its record. */
static struct place child_place(const struct place *pl, const char *key)
{
    struct place c = {NULL, false, pl->f && pl->f->unit[0] ? pl->f->unit : pl->outer_unit};
    const struct cllm_record *rec;
    if (!pl->f)
        return c;
    if (!pl->entry && (pl->f->type == CLLM_FT_MAP || pl->f->type == CLLM_FT_ARRAY)) {
        c.f = pl->f;
        c.entry = true;
        return c;
    }
    rec = cllm_record_resolved(pl->f->child);
    c.f = rec && key ? cllm_record_field(rec, key) : NULL;
    return c;
}

static void walk(struct walk *w, const cJSON *node, const char *key, int key_is_param, const char *array_name,
                 int index, struct place pl)
{
    int pushed_part = 0, pushed_param = 0;

    if (key && (strcmp(key, CLLM_F_MON_SAMPLES.name) == 0 || strcmp(key, CLLM_F_NULL_REASONS.name) == 0))
        return;
    if (w->n_parts >= MAX_DEPTH || w->n_params >= MAX_DEPTH)
        return;
    if (index >= 0) {
        snprintf(w->params[w->n_params++], sizeof(w->params[0]), "%s=%d", array_name ? array_name : "i", index);
        pushed_param = 1;
    } else if (key && key_is_param) {
        snprintf(w->params[w->n_params++], sizeof(w->params[0]), "%s", key);
        pushed_param = 1;
    } else if (key && strcmp(key, CLLM_F_CL_BENCHMARKS.name) != 0 && strcmp(key, RESULTS_KEY) != 0) {
        w->parts[w->n_parts++] = key;
        pushed_part = 1;
    }

    if (cJSON_IsObject(node)) {
        const cJSON *c;
        int children_are_params = key && strcmp(key, RESULTS_KEY) == 0;
        cJSON_ArrayForEach(c, node) walk(w, c, c->string, children_are_params, NULL, -1, child_place(&pl, c->string));
    } else if (cJSON_IsArray(node)) {
        const cJSON *c;
        int i = 0, scalars = 1;
        cJSON_ArrayForEach(c, node) if (cJSON_IsObject(c) || cJSON_IsArray(c)) scalars = 0;
        if (scalars) {
            /* a list of plain values (sizes, model keys) is one row: values joined by ';' */
            char *joined = calloc(1, 1), num[64];
            size_t len = 0;
            cJSON_ArrayForEach(c, node) {
                const char *s = scalar_text(c, num, sizeof(num));
                size_t n = strlen(s);
                char *np = joined ? realloc(joined, len + n + 2) : NULL;
                if (!np) {
                    free(joined);
                    joined = NULL;
                    w->out->oom = true;
                    break;
                }
                joined = np;
                if (len)
                    joined[len++] = ';';
                memcpy(joined + len, s, n + 1);
                len += n;
            }
            emit(w, joined ? joined : "", "");
            free(joined);
        } else {
            cJSON_ArrayForEach(c, node) walk(w, c, NULL, 0, key, i++, child_place(&pl, NULL));
        }
    } else {
        char num[64];
        emit(w, scalar_text(node, num, sizeof(num)), cJSON_IsNumber(node) || cJSON_IsNull(node) ? leaf_unit(w, &pl)
                                                                                                : "");
    }
    if (pushed_part)
        w->n_parts--;
    if (pushed_param)
        w->n_params--;
}

char *cllm_results_csv(const cJSON *obj, const struct cllm_record *rec)
{
    /* the top object as the value of a field of record rec */
    const struct cllm_field top = {"", CLLM_FT_OBJECT, "", "", rec, 0, 0};
    struct place pl = {rec ? &top : NULL, false, ""};
    struct cllm_csv out = {0};
    struct walk w;
    const cJSON *c;

    static const char *const header[] = {"section", "name", "params", "value", "unit"};
    memset(&w, 0, sizeof(w));
    w.out = &out;
    cllm_csv_row(&out, header, 5);
    cJSON_ArrayForEach(c, obj) walk(&w, c, c->string, 0, NULL, -1, child_place(&pl, c->string));
    return cllm_csv_finish(&out);
}

enum cllm_status cllm_results_csv_write(const cJSON *result, FILE *out)
{
    char *text = cllm_results_csv(result, &CLLM_R_RESULTS);
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
