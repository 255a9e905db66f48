/* The results format as data: every key of a results file is one `struct cllm_field` (its JSON name, type, unit
 * and meaning), and every JSON object of the file is one `struct cllm_record` listing the fields it may hold. The
 * key strings are spelled only in the report/fields_*.c tables; the writer (report/write.h), the readers (compare,
 * export, the CLI printers, the web API) and docs/results.schema.json (cllm_schema_json) all go through them, so a
 * key cannot be misspelled in one place or written without being documented.
 *
 * Naming: a field is `CLLM_F_<SECTION>_<NAME>` (an object, declared in the section's header report/fields_*.h),
 * a record `CLLM_R_<NAME>`. Sections: core (results file top, config, tool, run, monitor, cleanup), hw (hardware),
 * classic (CPU GEMM, memory bandwidth, GPU compute), llm (model results, runs, summaries, comparisons), serve
 * (serve-bench levels). */
#ifndef CLLM_REPORT_FIELDS_H
#define CLLM_REPORT_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cllm_ftype {
    CLLM_FT_NUMBER,   /* JSON number (double) */
    CLLM_FT_INTEGER,  /* JSON number holding a whole value */
    CLLM_FT_STRING,
    CLLM_FT_BOOL,
    CLLM_FT_OBJECT,   /* an object of record `child` */
    CLLM_FT_MAP,      /* an object whose keys are data (model keys, matrix sizes, quant names): each value of
                         record `child`, or of scalar type `items` when child is NULL */
    CLLM_FT_ARRAY,    /* items of record `child`, or of scalar type `items` when child is NULL */
    CLLM_FT_ANY       /* free-form JSON made by a component we do not control (an engine's info, a server's
                         answer): documented, not checked inside */
};

/* Field flags. */
#define CLLM_FF_NULLABLE 0x1u  /* may be null, with the reason under the object's null_reasons[name] */
#define CLLM_FF_REQUIRED 0x2u  /* every object of the record has it (the reader's checks and the schema) */
#define CLLM_FF_NULL_ITEMS 0x4u /* ARRAY / MAP of scalars: an item may be null (a time series' missing sample) */

struct cllm_record;

struct cllm_field {
    const char               *name;     /* the JSON key */
    enum cllm_ftype           type;
    const char               *unit;     /* "tokens/s", "s", "ms", "GB/s", "GiB", "bytes", "%"; "" when none */
    const char               *meaning;  /* one line for docs/results-schema.md and the schema's description */
    const struct cllm_record *child;    /* OBJECT, MAP, ARRAY: the record of the values / items; else NULL */
    enum cllm_ftype           items;    /* MAP, ARRAY of scalars (child NULL): their type */
    unsigned                  flags;    /* CLLM_FF_* */
};

struct cllm_record {
    const char                     *name;     /* schema definition name, e.g. "llm_summary" */
    const char                     *meaning;
    const struct cllm_field *const *fields;   /* NULL-terminated */
    bool                            open;     /* other keys allowed (objects that carry what an outside source
                                                 sent); false: an unknown key fails validation */
};

/* rec, or for a record made at run time from another table (CLLM_R_CONFIG: core/config.c's keys) the record
 * built from it; walkers of the tables (schema, CSV units, cllm_record_field) go through this. */
const struct cllm_record *cllm_record_resolved(const struct cllm_record *rec);

/* The root record: one results file. */
extern const struct cllm_record CLLM_R_RESULTS;

/* The field named `name` among rec's fields; NULL when the record has none of that name. */
const struct cllm_field *cllm_record_field(const struct cllm_record *rec, const char *name);

/* The JSON Schema (draft 2020-12) of a results file, made from the records reachable from CLLM_R_RESULTS:
 * additionalProperties false on every closed record, required lists, units and meanings as descriptions; a
 * record with a CLLM_FF_NULLABLE field also allows "null_reasons" (an object of strings keyed by its field
 * names).
 * malloc'd pretty-printed text; NULL on allocation failure. docs/results.schema.json is this text. */
char *cllm_schema_json(void);

#ifdef __cplusplus
}
#endif

#endif
