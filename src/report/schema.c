/* docs/results.schema.json from the field tables: one $defs entry per record reachable from CLLM_R_RESULTS. */
#include "report/fields.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fields_core.h"

#define MAX_RECORDS 512

struct walk {
    const struct cllm_record *seen[MAX_RECORDS];
    size_t n;
    cJSON *defs;
    bool failed;   /* out of memory, too many records, or two records of one name */
};

static cJSON *record_schema(struct walk *w, const struct cllm_record *rec);

static const char *type_name(enum cllm_ftype t)
{
    switch (t) {
    case CLLM_FT_NUMBER:  return "number";
    case CLLM_FT_INTEGER: return "integer";
    case CLLM_FT_STRING:  return "string";
    case CLLM_FT_BOOL:    return "boolean";
    case CLLM_FT_OBJECT:
    case CLLM_FT_MAP:     return "object";
    case CLLM_FT_ARRAY:   return "array";
    case CLLM_FT_ANY:     return NULL;
    }
    return NULL;
}

/* {"type": t} or {"type": [t, "null"]}. */
static cJSON *scalar(enum cllm_ftype t, bool nullable)
{
    cJSON *s = cJSON_CreateObject();
    const char *name = type_name(t);
    if (!name)
        return s;
    if (nullable) {
        cJSON *arr = cJSON_AddArrayToObject(s, "type");
        cJSON_AddItemToArray(arr, cJSON_CreateString(name));
        cJSON_AddItemToArray(arr, cJSON_CreateString("null"));
    } else {
        cJSON_AddStringToObject(s, "type", name);
    }
    return s;
}

/* {"$ref": "#/$defs/<name>"} after adding the record's definition (once). */
static cJSON *ref_to(struct walk *w, const struct cllm_record *rec)
{
    char ref[160];
    cJSON *s;
    rec = cllm_record_resolved(rec);
    if (!rec) {
        w->failed = true;
        return cJSON_CreateObject();
    }
    if (!record_schema(w, rec))
        w->failed = true;
    snprintf(ref, sizeof(ref), "#/$defs/%s", rec->name);
    s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "$ref", ref);
    return s;
}

/* The schema of one value of the field: an item of an array, a value of a map, or the field itself. */
static cJSON *value_schema(struct walk *w, const struct cllm_record *child, enum cllm_ftype items, bool nullable)
{
    cJSON *s;
    if (!child)
        return scalar(items, nullable);
    s = ref_to(w, child);
    if (nullable) {
        cJSON *any = cJSON_CreateObject(), *of = cJSON_AddArrayToObject(any, "anyOf");
        cJSON_AddItemToArray(of, s);
        cJSON_AddItemToArray(of, scalar(CLLM_FT_OBJECT, false));
        cJSON_DeleteItemFromObject(cJSON_GetArrayItem(of, 1), "type");
        cJSON_AddStringToObject(cJSON_GetArrayItem(of, 1), "type", "null");
        s = any;
    }
    return s;
}

static cJSON *field_schema(struct walk *w, const struct cllm_field *f)
{
    bool nullable = (f->flags & CLLM_FF_NULLABLE) != 0, null_items = (f->flags & CLLM_FF_NULL_ITEMS) != 0;
    char desc[1024];
    cJSON *s;

    switch (f->type) {
    case CLLM_FT_OBJECT:
        s = value_schema(w, f->child, CLLM_FT_OBJECT, nullable);
        break;
    case CLLM_FT_MAP:
        s = scalar(CLLM_FT_MAP, nullable);
        cJSON_AddItemToObject(s, "additionalProperties", value_schema(w, f->child, f->items, null_items));
        break;
    case CLLM_FT_ARRAY:
        s = scalar(CLLM_FT_ARRAY, nullable);
        cJSON_AddItemToObject(s, "items", value_schema(w, f->child, f->items, null_items));
        break;
    default:
        s = scalar(f->type, nullable);
        break;
    }
    if (f->unit && f->unit[0])
        snprintf(desc, sizeof(desc), "%s [%s]", f->meaning, f->unit);
    else
        snprintf(desc, sizeof(desc), "%s", f->meaning);
    if (s)
        cJSON_AddStringToObject(s, "description", desc);
    return s;
}

/* Adds rec's definition to w->defs unless it is there; NULL on a name taken by another record. */
static cJSON *record_schema(struct walk *w, const struct cllm_record *rec)
{
    cJSON *def, *props, *req, *nr = NULL;
    bool has_null = false;

    for (size_t i = 0; i < w->n; i++)
        if (w->seen[i] == rec)
            return cJSON_GetObjectItemCaseSensitive(w->defs, rec->name);
    if (w->n >= MAX_RECORDS || cJSON_GetObjectItemCaseSensitive(w->defs, rec->name))
        return NULL;
    w->seen[w->n++] = rec;

    def = cJSON_AddObjectToObject(w->defs, rec->name);
    if (!def)
        return NULL;
    cJSON_AddStringToObject(def, "type", "object");
    cJSON_AddStringToObject(def, "description", rec->meaning);
    props = cJSON_AddObjectToObject(def, "properties");
    req = cJSON_CreateArray();
    for (const struct cllm_field *const *f = rec->fields; f && *f; f++) {
        if (cJSON_GetObjectItemCaseSensitive(props, (*f)->name)) {
            w->failed = true;   /* one key twice in a record */
            continue;
        }
        cJSON_AddItemToObject(props, (*f)->name, field_schema(w, *f));
        if ((*f)->flags & CLLM_FF_REQUIRED)
            cJSON_AddItemToArray(req, cJSON_CreateString((*f)->name));
        if ((*f)->flags & (CLLM_FF_NULLABLE | CLLM_FF_NULL_ITEMS))
            has_null = true;
    }
    if (has_null && !cJSON_GetObjectItemCaseSensitive(props, CLLM_F_NULL_REASONS.name)) {
        /* keyed by this record's fields: a misspelled reason key fails too */
        cJSON *names, *pn;
        nr = field_schema(w, &CLLM_F_NULL_REASONS);
        if (!rec->open) {
            pn = cJSON_AddObjectToObject(nr, "propertyNames");
            names = cJSON_AddArrayToObject(pn, "enum");
            for (const struct cllm_field *const *f = rec->fields; f && *f; f++)
                cJSON_AddItemToArray(names, cJSON_CreateString((*f)->name));
        }
        cJSON_AddItemToObject(props, CLLM_F_NULL_REASONS.name, nr);
    }
    if (cJSON_GetArraySize(req) > 0)
        cJSON_AddItemToObject(def, "required", req);
    else
        cJSON_Delete(req);
    if (!rec->open)
        cJSON_AddBoolToObject(def, "additionalProperties", false);
    return def;
}

char *cllm_schema_json(void)
{
    struct walk *w = calloc(1, sizeof(*w));
    cJSON *root = cJSON_CreateObject(), *ref;
    char *text = NULL;

    if (!w || !root)
        goto done;
    cJSON_AddStringToObject(root, "$schema", "https://json-schema.org/draft/2020-12/schema");
    cJSON_AddStringToObject(root, "title", "ComputeLLM results file");
    cJSON_AddStringToObject(root, "description",
                            "Made by cllm_schema_json from the field tables in src/report/fields_*.c; "
                            "docs/results-schema.md explains the fields.");
    w->defs = cJSON_CreateObject();
    ref = ref_to(w, &CLLM_R_RESULTS);
    cJSON_AddItemToObject(root, "$ref", cJSON_DetachItemFromObject(ref, "$ref"));
    cJSON_Delete(ref);
    cJSON_AddItemToObject(root, "$defs", w->defs);
    if (!w->failed)
        text = cJSON_Print(root);
done:
    cJSON_Delete(root);
    free(w);
    return text;
}
