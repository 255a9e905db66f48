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
 *   ai_sweep_tokens_per_second            computellm sweep: one row per test that ran ("MODEL pp512 ngl 99"):
 *                                         avg_ts, samples samples_ts
 *   serving_output_tokens_per_second, serving_requests_per_second, serving_ttft_p50, serving_itl_p50
 *                                         serve-bench: one row per concurrency level ("c=4") that ran to its end
 * ratio = value / baseline value for every row; `lower_is_better` tells how to read it (latency, memory).
 *
 * Whether a difference is real: each row keeps the per-run samples behind its values where the files have them
 * (runs[] of a model: tokens/s, first-token latency, decode tokens/s, decode J/token; a sweep test's samples_ts;
 * the GEMM products' times_s;
 * the memory passes' and GPU copies' times_s as GB/s), and each machine gets a verdict against the baseline:
 * Welch's t test on the means at 95 %, the ratio of the means with Fieller's 95 % interval (method
 * CLLM_COMPARE_METHOD; docs/results-schema.md, "Comparison statistics"). Fewer than 2 samples on a side: "not
 * enough runs". */
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

#define CLLM_COMPARE_LEVEL 0.95               /* the confidence level of every interval and test */
#define CLLM_COMPARE_METHOD "welch-fieller"   /* Welch's t on the means, Fieller's interval of their ratio */

enum cllm_compare_verdict {
    CLLM_VERDICT_NONE,             /* the baseline's own column, or the value missing on either side */
    CLLM_VERDICT_NOT_ENOUGH_RUNS,  /* fewer than 2 samples on a side */
    CLLM_VERDICT_NO_DIFFERENCE,    /* the test does not reject equal means at CLLM_COMPARE_LEVEL */
    CLLM_VERDICT_FASTER,           /* higher-is-better row: significantly higher */
    CLLM_VERDICT_SLOWER,
    CLLM_VERDICT_BETTER,           /* lower-is-better row (latency, J/token, memory): significantly lower */
    CLLM_VERDICT_WORSE,
};

/* One machine against the baseline on one row. */
struct cllm_compare_stat {
    enum cllm_compare_verdict verdict;
    int    n_a, n_b;          /* samples of the baseline, of this machine */
    double ratio;             /* this machine / baseline of the sample means (rows of times: of the rates, i.e.
                                 baseline mean time / this mean time); NAN without samples */
    double ci_low, ci_high;   /* Fieller's interval of ratio at CLLM_COMPARE_LEVEL; NAN when not computed or
                                 unbounded (the baseline's mean not distinguishable from 0) */
    double p_value;           /* Welch's two-sided p; NAN when not computed */
    double df;                /* Welch–Satterthwaite degrees of freedom; NAN when not computed or no spread */
};

struct cllm_compare_row {
    const char *family;        /* chart group key, e.g. "memory_bandwidth" */
    const char *family_title;  /* "Memory bandwidth, all threads" */
    char        name[128];     /* within the family: "2048x2048", "triad", "fp16", a model key */
    const char *unit;          /* "GFLOPS", "GB/s", "TFLOPS", "tokens/s", "s", "GiB" */
    bool        lower_is_better;
    double     *values;        /* n_machines entries; NAN = missing */
    double     *std;           /* n_machines entries; NAN = none (tokens/s std over runs) */
    double     *ratios;        /* value / baseline value; NAN when either is missing or the baseline is 0 */
    double    **samples;       /* n_machines arrays (NULL: none) of the per-run samples behind values */
    int        *n_samples;     /* their lengths */
    bool        samples_are_times;  /* samples are times of a fixed work (GEMM products): the rate ratio is the
                                       inverse ratio of the mean times, which is the ratio column's */
    struct cllm_compare_stat *stats;  /* n_machines entries: each machine against the baseline */
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

/* The table as JSON: {baseline, level, method, machines[{label,id,origin}], rows[{family, family_title, name, unit,
 * better ("higher"|"lower"), values[], std[], ratios[], n[], stats[]}]} with null for missing numbers; stats[m] is
 * null for the baseline and where a value is missing, else {verdict, text, ratio, ci_low, ci_high, method, n_a,
 * n_b, p_value, df}. NULL on allocation failure. */
struct cJSON *cllm_compare_to_json(const struct cllm_compare_table *t);

/* "faster", "slower", "better", "worse", "no_difference", "not_enough_runs"; NULL for CLLM_VERDICT_NONE. */
const char *cllm_compare_verdict_str(enum cllm_compare_verdict v);

/* The verdict in words: "faster (1.24×, CI 1.21–1.26)", "no significant difference", "not enough runs"; an
 * unbounded interval reads "CI unbounded"; "" for CLLM_VERDICT_NONE. */
void cllm_compare_verdict_text(const struct cllm_compare_stat *s, char *buf, size_t n);

enum cllm_compare_format {
    CLLM_COMPARE_TEXT,      /* aligned columns for a terminal */
    CLLM_COMPARE_MARKDOWN,  /* a GitHub-style pipe table */
    CLLM_COMPARE_CSV,       /* RFC 4180, CRLF: family,metric,unit,better,<label>...,ratio <label> / <baseline>...,
                               then per compared machine: verdict, ratio of means, ci_low, ci_high, n, n baseline */
};

/* Writes the table; missing values are "—" (empty in CSV). Ratios print as "2.00x"; each compared machine has a
 * verdict column ("[2] vs [1]") with cllm_compare_verdict_text. */
enum cllm_status cllm_compare_write(const struct cllm_compare_table *t, enum cllm_compare_format fmt, FILE *out);

/* A self-contained HTML report: inline CSS, `chart_js` (the chart library's text, may be NULL: tables only)
 * inlined, the table as JSON, and grouped bar charts per family. */
enum cllm_status cllm_compare_write_html(const struct cllm_compare_table *t, const char *chart_js, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
