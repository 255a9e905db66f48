/* CSV export of a results file: one row per metric, columns section,name,params,value,unit (RFC 4180 quoting).
 *
 * Rows come from the JSON leaves in document order. Keys that hold data rather than names (the children of any
 * "results" object, and array positions) go to `params`; the grouping keys "benchmarks" and "results" are
 * dropped; `section` is the first two remaining path parts, `name` the rest. Monitor time series ("samples")
 * and "null_reasons" are not metrics and are left out; a null metric is a row with an empty value. */
#ifndef CLLM_CSV_H
#define CLLM_CSV_H

#include <stdio.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

#define CLLM_CSV_HEADER "section,name,params,value,unit"

/* Writes the header and every row to `out`. */
enum cllm_status cllm_csv_export(const struct cJSON *result, FILE *out);

/* Same into a malloc'd string (caller frees); NULL on allocation failure. */
char *cllm_csv_export_string(const struct cJSON *result);

/* Unit of a metric from its key, e.g. "gflops" → "GFLOPS", "total_gb" → "GiB", "ttft_ms" → "ms"; "" if none. */
const char *cllm_csv_unit_for(const char *key);

/* Splits one CSV record (RFC 4180; quoted fields may hold commas, quotes and newlines) starting at *pos in text.
 * Fields are written NUL-terminated into fields[i] (each of size cap); returns the field count, 0 at the end of
 * input, -1 on a malformed record or overflow. *pos advances past the record. */
int cllm_csv_read_record(const char *text, size_t *pos, char fields[][512], int max_fields);

#ifdef __cplusplus
}
#endif

#endif
