/* Comparison of several results files: one row per metric, one column per machine, ratios to a baseline.
 * Built as data so `computellm compare` and the GUI server print/serve the same table.
 *
 * Rows, in this order (families group rows for charts; a row appears when any file has the value):
 *   cpu_single_thread / cpu_multi_thread   GFLOPS per matrix size (results[NxN].gflops)
 *   memory_bandwidth                      all-threads best GB/s: write, read, copy, triad
 *   gpu_compute                           TFLOPS: fp32, tf32, fp16, bf16 (summary, best mean over sizes)
 *   gpu_memory                            device bandwidth GB/s: d2d, h2d, d2h (best)
 *   ai_tokens_per_second, ai_first_token_latency, ai_decode_tokens_per_second, ai_decode_joules_per_token,
 *   ai_peak_memory                        one row per model key (summary.*; J/token: avg_decode_joules_per_token,
 *                                         a ratio only where both files have it)
 *   serving_output_tokens_per_second, serving_requests_per_second, serving_ttft_p50, serving_itl_p50
 *                                         serve-bench: one row per concurrency level ("c=4") that ran to its end
 * ratio = value / baseline value for every row; `lower_is_better` tells how to read it (latency, memory). */
#ifndef CLLM_COMPARE_H
#define CLLM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

struct cllm_compare_row {
    const char *family;        /* chart group key, e.g. "memory_bandwidth" */
    const char *family_title;  /* "Memory bandwidth, all threads" */
    char        name[128];     /* within the family: "2048x2048", "triad", "fp16", a model key */
    const char *unit;          /* "GFLOPS", "GB/s", "TFLOPS", "tokens/s", "s", "GiB" */
    bool        lower_is_better;
    double     *values;        /* n_machines entries; NAN = missing */
    double     *std;           /* n_machines entries; NAN = none (tokens/s std over runs) */
    double     *ratios;        /* value / baseline value; NAN when either is missing or the baseline is 0 */
};

struct cllm_compare_machine {
    char label[256];           /* "CPU model / GPU name / id" */
    char id[64];               /* the results file's id */
    char origin[256];          /* file name or upload name the caller gave */
};

struct cllm_compare_table {
    int                          n_machines;
    int                          baseline;   /* index into machines */
    struct cllm_compare_machine *machines;
    int                          n_rows;
    struct cllm_compare_row     *rows;
};

/* Builds the table from n loaded results trees (origins[i] names each; may be NULL). baseline is 0-based.
 * Returns CLLM_ERR_INVALID_ARG for n < 1 or a baseline out of range (message in err), CLLM_ERR_NOMEM on allocation
 * failure. Free with cllm_compare_free. */
enum cllm_status cllm_compare_build(const struct cJSON *const *results, const char *const *origins, int n,
                                    int baseline, struct cllm_compare_table **out, char *err, size_t errlen);
void cllm_compare_free(struct cllm_compare_table *t);

/* The table as JSON: {baseline, machines[{label,id,origin}], rows[{family, family_title, name, unit, better
 * ("higher"|"lower"), values[], std[], ratios[]}]} with null for missing numbers. NULL on allocation failure. */
struct cJSON *cllm_compare_to_json(const struct cllm_compare_table *t);

enum cllm_compare_format {
    CLLM_COMPARE_TEXT,      /* aligned columns for a terminal */
    CLLM_COMPARE_MARKDOWN,  /* a GitHub-style pipe table */
    CLLM_COMPARE_CSV,       /* RFC 4180, CRLF: family,metric,unit,better,<label>...,<label> / <baseline>... */
};

/* Writes the table; missing values are "—" (empty in CSV). Ratios print as "2.00x". */
enum cllm_status cllm_compare_write(const struct cllm_compare_table *t, enum cllm_compare_format fmt, FILE *out);

/* A self-contained HTML report: inline CSS, `chart_js` (the chart library's text, may be NULL: tables only)
 * inlined, the table as JSON, and grouped bar charts per family. */
enum cllm_status cllm_compare_write_html(const struct cllm_compare_table *t, const char *chart_js, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
