#include "report/write.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>

#include "report/fields_core.h"

/* The key under which an object keeps the reasons of its nulls (unknown is not zero). */
static void add_null(cJSON *obj, const struct cllm_field *f, const char *why)
{
    cJSON *nr = cJSON_GetObjectItemCaseSensitive(obj, CLLM_F_NULL_REASONS.name);
    cJSON_AddNullToObject(obj, f->name);
    if (!nr)
        nr = cJSON_AddObjectToObject(obj, CLLM_F_NULL_REASONS.name);
    if (nr)
        cJSON_AddStringToObject(nr, f->name, why ? why : "not measured");
}

void cllm_w_num(cJSON *obj, const struct cllm_field *f, double v, const char *why)
{
    assert(f->type == CLLM_FT_NUMBER || f->type == CLLM_FT_INTEGER);
    if (isfinite(v))
        cJSON_AddNumberToObject(obj, f->name, v);
    else
        add_null(obj, f, why);
}

void cllm_w_int(cJSON *obj, const struct cllm_field *f, long long v)
{
    assert(f->type == CLLM_FT_INTEGER || f->type == CLLM_FT_NUMBER);
    cJSON_AddNumberToObject(obj, f->name, (double)v);
}

void cllm_w_str(cJSON *obj, const struct cllm_field *f, const char *s, const char *why)
{
    assert(f->type == CLLM_FT_STRING);
    if (s)
        cJSON_AddStringToObject(obj, f->name, s);
    else
        cllm_w_null(obj, f, why);
}

void cllm_w_bool(cJSON *obj, const struct cllm_field *f, bool v)
{
    assert(f->type == CLLM_FT_BOOL);
    cJSON_AddBoolToObject(obj, f->name, v);
}

void cllm_w_null(cJSON *obj, const struct cllm_field *f, const char *why)
{
    assert(f->flags & CLLM_FF_NULLABLE);
    add_null(obj, f, why);
}

cJSON *cllm_w_obj(cJSON *obj, const struct cllm_field *f)
{
    assert(f->type == CLLM_FT_OBJECT || f->type == CLLM_FT_MAP);
    return cJSON_AddObjectToObject(obj, f->name);
}

cJSON *cllm_w_arr(cJSON *obj, const struct cllm_field *f)
{
    assert(f->type == CLLM_FT_ARRAY);
    return cJSON_AddArrayToObject(obj, f->name);
}

void cllm_w_nums(cJSON *obj, const struct cllm_field *f, const double *v, size_t n)
{
    cJSON *arr = cllm_w_arr(obj, f);
    for (size_t i = 0; arr && i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(v[i]));
}

cJSON *cllm_w_entry(cJSON *map, const char *key)
{
    return cJSON_AddObjectToObject(map, key);
}

void cllm_w_any(cJSON *obj, const struct cllm_field *f, cJSON *value)
{
    if (value)
        cJSON_AddItemToObject(obj, f->name, value);
}

void cllm_w_set_str(cJSON *obj, const struct cllm_field *f, const char *s)
{
    assert(f->type == CLLM_FT_STRING);
    cJSON_DeleteItemFromObjectCaseSensitive(obj, f->name);
    cJSON_AddStringToObject(obj, f->name, s);
}

const cJSON *cllm_r_get(const cJSON *obj, const struct cllm_field *f)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, f->name) : NULL;
    if (!v)
        return NULL;
    switch (f->type) {
    case CLLM_FT_NUMBER:
    case CLLM_FT_INTEGER: return cJSON_IsNumber(v) ? v : NULL;
    case CLLM_FT_STRING:  return cJSON_IsString(v) ? v : NULL;
    case CLLM_FT_BOOL:    return cJSON_IsBool(v) ? v : NULL;
    case CLLM_FT_OBJECT:
    case CLLM_FT_MAP:     return cJSON_IsObject(v) ? v : NULL;
    case CLLM_FT_ARRAY:   return cJSON_IsArray(v) ? v : NULL;
    case CLLM_FT_ANY:     return v;
    }
    return NULL;
}

double cllm_r_num(const cJSON *obj, const struct cllm_field *f)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, f->name) : NULL;
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int cllm_r_int(const cJSON *obj, const struct cllm_field *f, int dflt)
{
    double v = cllm_r_num(obj, f);
    return isfinite(v) && v >= INT_MIN && v <= INT_MAX ? (int)v : dflt;
}

const char *cllm_r_str(const cJSON *obj, const struct cllm_field *f)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, f->name) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *cllm_r_null_why(const cJSON *obj, const struct cllm_field *f)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(cllm_r_get(obj, &CLLM_F_NULL_REASONS), f->name);
    return cJSON_IsString(w) ? w->valuestring : NULL;
}
