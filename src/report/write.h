/* The results writer's primitives: the only functions that put a key into results JSON, each taking the key's
 * `struct cllm_field` (report/fields.h) rather than a string. The per-section writers (report/write_*.c) turn the
 * phases' structs into JSON with them; nothing outside src/report/ builds results JSON.
 *
 * A number that is not finite is written as null with `why` under the object's null_reasons (unknown is not
 * zero); a field used with the wrong type is a programmer error (assert). */
#ifndef CLLM_REPORT_WRITE_H
#define CLLM_REPORT_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* NUMBER (or INTEGER) field: v, or null with why when v is NAN/inf (why NULL: "not measured"). */
void cllm_w_num(struct cJSON *obj, const struct cllm_field *f, double v, const char *why);
/* INTEGER field. */
void cllm_w_int(struct cJSON *obj, const struct cllm_field *f, long long v);
/* STRING field; s NULL writes null with why (the field must be CLLM_FF_NULLABLE). */
void cllm_w_str(struct cJSON *obj, const struct cllm_field *f, const char *s, const char *why);
void cllm_w_bool(struct cJSON *obj, const struct cllm_field *f, bool v);
/* null with why under null_reasons[f->name] (the field must be CLLM_FF_NULLABLE). */
void cllm_w_null(struct cJSON *obj, const struct cllm_field *f, const char *why);
/* OBJECT / MAP field: adds an empty object under f->name and returns it (NULL on allocation failure). */
struct cJSON *cllm_w_obj(struct cJSON *obj, const struct cllm_field *f);
/* ARRAY field: adds an empty array and returns it. */
struct cJSON *cllm_w_arr(struct cJSON *obj, const struct cllm_field *f);
/* ARRAY of numbers from v[0..n). */
void cllm_w_nums(struct cJSON *obj, const struct cllm_field *f, const double *v, size_t n);
/* MAP entry: adds an empty object under `key` (a data key: a model key, "2048x2048") of map and returns it. */
struct cJSON *cllm_w_entry(struct cJSON *map, const char *key);
/* ANY field: attaches `value` (ownership passes; NULL writes nothing). */
void cllm_w_any(struct cJSON *obj, const struct cllm_field *f, struct cJSON *value);
/* Replaces a field already written (status updates, totals known at the end): removes f->name, then writes. */
void cllm_w_set_str(struct cJSON *obj, const struct cllm_field *f, const char *s);

/* Readers: the value of field f in obj (NULL when absent or of another JSON type). */
const struct cJSON *cllm_r_get(const struct cJSON *obj, const struct cllm_field *f);
/* The number of field f, or NAN when absent, null or not a number. */
double cllm_r_num(const struct cJSON *obj, const struct cllm_field *f);
/* The number of field f of obj as an int, or dflt when it is missing, not a number, not finite or outside int's
 * range (a file from elsewhere may hold anything: a cast of those would be undefined). */
int cllm_r_int(const struct cJSON *obj, const struct cllm_field *f, int dflt);
/* The string of field f, or NULL. */
const char *cllm_r_str(const struct cJSON *obj, const struct cllm_field *f);
/* The reason obj's null_reasons gives for field f, or NULL. */
const char *cllm_r_null_why(const struct cJSON *obj, const struct cllm_field *f);

#ifdef __cplusplus
}
#endif

#endif
