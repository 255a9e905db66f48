/* CSV export of a results file (`computellm export --csv`, the GUI's CSV download): one row per metric, columns
 * section,name,params,value,unit.
 *
 * Rows come from the JSON leaves in document order. Keys that hold data rather than names (the children of any
 * "results" object, and array positions) go to `params`; the grouping keys "benchmarks" and "results" are
 * dropped; `section` is the first two remaining path parts, `name` the rest. Monitor time series ("samples")
 * and "null_reasons" are not metrics and are left out; a null metric is a row with an empty value. The unit is
 * the field's (report/fields_*.c); a value without one inside an object that has one takes the object's (ttft_s:
 * {p50, ...}); a key the tables do not know (a file of another version) gets its unit from its suffix. */
#ifndef CLLM_REPORT_EXPORT_CSV_H
#define CLLM_REPORT_EXPORT_CSV_H

#include <stdio.h>

#include "core/status.h"
#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

#define CLLM_RESULTS_CSV_HEADER "section,name,params,value,unit"

/* The CSV of obj, an object of record rec (&CLLM_R_RESULTS for a results file; a section's record for a part of
 * one), as a malloc'd string (the caller frees); NULL on allocation failure. */
char *cllm_results_csv(const struct cJSON *obj, const struct cllm_record *rec);

/* cllm_results_csv of a whole results file to `out`. */
enum cllm_status cllm_results_csv_write(const struct cJSON *result, FILE *out);

/* The unit a key's suffix suggests ("gflops" → "GFLOPS", "total_gb" → "GiB", "ttft_ms" → "ms"; "" if none): only
 * for keys the field tables do not list. */
const char *cllm_results_csv_unit_guess(const char *key);

#ifdef __cplusplus
}
#endif

#endif
