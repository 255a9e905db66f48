/* The sweep's part of the results format: ai_benchmarks.sweep (computellm sweep's matrix) and its tests, under
 * llama-bench's field names where llama-bench has one; the writer; and the stdout formats (-o md, csv, json,
 * jsonl, sql), which print the same objects the writer makes, so a key is spelled only in report/fields_sweep.c. */
#ifndef CLLM_REPORT_FIELDS_SWEEP_H
#define CLLM_REPORT_FIELDS_SWEEP_H

#include <stdio.h>

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_bench_sweep;
struct cllm_bench_test;

/* ai_benchmarks.sweep.tests[].repetitions[] */
extern const struct cllm_field CLLM_F_SW_R_THROTTLED;
extern const struct cllm_field CLLM_F_SW_R_THROTTLE_REASON;
extern const struct cllm_field CLLM_F_SW_R_DEPTH_BUILT;
extern const struct cllm_field CLLM_F_SW_R_CPU_CLOCK;
extern const struct cllm_field CLLM_F_SW_R_GPU_SM_MIN;
extern const struct cllm_field CLLM_F_SW_R_GPU_SM_MAX;
extern const struct cllm_field CLLM_F_SW_R_GPU_TEMP;
extern const struct cllm_field CLLM_F_SW_R_GPU_POWER;
extern const struct cllm_field CLLM_F_SW_R_GPU_REASONS;
extern const struct cllm_field CLLM_F_SW_R_OTHER_CPU;
extern const struct cllm_record CLLM_R_SWEEP_REP;

/* ai_benchmarks.sweep.tests[] */
extern const struct cllm_field CLLM_F_SW_STATUS;
extern const struct cllm_field CLLM_F_SW_REASON;
extern const struct cllm_field CLLM_F_SW_BUILD_COMMIT;
extern const struct cllm_field CLLM_F_SW_LLAMA_VERSION;
extern const struct cllm_field CLLM_F_SW_LIBRARY;
extern const struct cllm_field CLLM_F_SW_CPU_INFO;
extern const struct cllm_field CLLM_F_SW_GPU_INFO;
extern const struct cllm_field CLLM_F_SW_BACKENDS;
extern const struct cllm_field CLLM_F_SW_MODEL_FILENAME;
extern const struct cllm_field CLLM_F_SW_MODEL_KEY;
extern const struct cllm_field CLLM_F_SW_SYNTHETIC;
extern const struct cllm_field CLLM_F_SW_MODEL_TYPE;
extern const struct cllm_field CLLM_F_SW_MODEL_SIZE;
extern const struct cllm_field CLLM_F_SW_MODEL_N_PARAMS;
extern const struct cllm_field CLLM_F_SW_N_BATCH;
extern const struct cllm_field CLLM_F_SW_N_UBATCH;
extern const struct cllm_field CLLM_F_SW_N_THREADS;
extern const struct cllm_field CLLM_F_SW_POLL;
extern const struct cllm_field CLLM_F_SW_TYPE_K;
extern const struct cllm_field CLLM_F_SW_TYPE_V;
extern const struct cllm_field CLLM_F_SW_N_GPU_LAYERS;
extern const struct cllm_field CLLM_F_SW_SPLIT_MODE;
extern const struct cllm_field CLLM_F_SW_MAIN_GPU;
extern const struct cllm_field CLLM_F_SW_NO_KV_OFFLOAD;
extern const struct cllm_field CLLM_F_SW_NO_OP_OFFLOAD;
extern const struct cllm_field CLLM_F_SW_FLASH_ATTN;
extern const struct cllm_field CLLM_F_SW_TENSOR_SPLIT;
extern const struct cllm_field CLLM_F_SW_USE_MMAP;
extern const struct cllm_field CLLM_F_SW_LOAD_MODE;
extern const struct cllm_field CLLM_F_SW_N_PROMPT;
extern const struct cllm_field CLLM_F_SW_N_GEN;
extern const struct cllm_field CLLM_F_SW_N_DEPTH;
extern const struct cllm_field CLLM_F_SW_N_CTX;
extern const struct cllm_field CLLM_F_SW_TEST_TIME;
extern const struct cllm_field CLLM_F_SW_AVG_NS;
extern const struct cllm_field CLLM_F_SW_STDDEV_NS;
extern const struct cllm_field CLLM_F_SW_AVG_TS;
extern const struct cllm_field CLLM_F_SW_STDDEV_TS;
extern const struct cllm_field CLLM_F_SW_SAMPLES_NS;
extern const struct cllm_field CLLM_F_SW_SAMPLES_TS;
extern const struct cllm_field CLLM_F_SW_DEPTH_BUILDS;
extern const struct cllm_field CLLM_F_SW_REPETITIONS;
extern const struct cllm_field CLLM_F_SW_N_THROTTLED;
extern const struct cllm_field CLLM_F_SW_AVG_TS_KEPT;
extern const struct cllm_field CLLM_F_SW_STDDEV_TS_KEPT;
extern const struct cllm_field CLLM_F_SW_CV_KEPT;
extern const struct cllm_field CLLM_F_SW_UNTIL_STABLE_CV;
extern const struct cllm_field CLLM_F_SW_STABLE;
extern const struct cllm_field CLLM_F_SW_OTHER_CPU_PCT;
extern const struct cllm_field CLLM_F_SW_NOISY;
extern const struct cllm_record CLLM_R_SWEEP_TEST;

/* ai_benchmarks.sweep */
extern const struct cllm_field CLLM_F_SW_S_STATUS;
extern const struct cllm_field CLLM_F_SW_S_REPETITIONS;
extern const struct cllm_field CLLM_F_SW_S_WARMUP;
extern const struct cllm_field CLLM_F_SW_S_DELAY_S;
extern const struct cllm_field CLLM_F_SW_S_UNTIL_STABLE_CV;
extern const struct cllm_field CLLM_F_SW_S_GPUS;
extern const struct cllm_field CLLM_F_SW_S_METHOD;
extern const struct cllm_field CLLM_F_SW_S_TESTS;
extern const struct cllm_record CLLM_R_SWEEP;

/* The writer (report/write_sweep.c): the sweep into section (ai_benchmarks.sweep's object). */
void cllm_write_sweep(struct cJSON *section, const struct cllm_bench_sweep *s);
/* One test as its object (the tests[] item); NULL when out of memory. Caller deletes. */
struct cJSON *cllm_write_sweep_test(const struct cllm_bench_sweep *s, const struct cllm_bench_test *t);

/* The stdout formats of computellm sweep (report/sweep_out.c). */
enum cllm_sweepout_format {
    CLLM_SWEEPOUT_MD, CLLM_SWEEPOUT_CSV, CLLM_SWEEPOUT_JSON, CLLM_SWEEPOUT_JSONL, CLLM_SWEEPOUT_SQL
};

/* Prints the header (csv: the column line; json: "["; sql: CREATE TABLE; md: the table head, whose columns are
 * the knobs that vary across s's tests or differ from llama-bench's defaults, as llama-bench chooses them). */
void cllm_sweepout_header(FILE *f, enum cllm_sweepout_format fmt, const struct cllm_bench_sweep *s);
/* One test; `first` for the json separator. */
void cllm_sweepout_test(FILE *f, enum cllm_sweepout_format fmt, const struct cllm_bench_sweep *s,
                        const struct cllm_bench_test *t, bool first);
/* The end (json: "]"; md: the build line and the notes: synthetic models, throttled, noisy, skipped). */
void cllm_sweepout_footer(FILE *f, enum cllm_sweepout_format fmt, const struct cllm_bench_sweep *s);

#ifdef __cplusplus
}
#endif

#endif
