/* The advice section of the results format: "advice" (computellm advise --json, and the results file `run`
 * writes): the inputs of the predictions with where each came from, the memory the machine offers, one row per
 * model x quantization (or GGUF file) with its memory need, where it fits and its predicted rates, and the
 * recommendations. Key strings are spelled only in report/fields_advice.c; the writer is report/write_advice.c. */
#ifndef CLLM_REPORT_FIELDS_ADVICE_H
#define CLLM_REPORT_FIELDS_ADVICE_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_fit_advice;

/* results.advice */
extern const struct cllm_field CLLM_F_ADVICE;            /* the top-level key (listed in CLLM_R_RESULTS) */
extern const struct cllm_field CLLM_F_ADV_N_CTX;
extern const struct cllm_field CLLM_F_ADV_KV_TYPE;
extern const struct cllm_field CLLM_F_ADV_DEPTH;
extern const struct cllm_field CLLM_F_ADV_MIN_TPS;
extern const struct cllm_field CLLM_F_ADV_MEASURED_FROM;
extern const struct cllm_field CLLM_F_ADV_INPUTS;
extern const struct cllm_field CLLM_F_ADV_MEMORY;
extern const struct cllm_field CLLM_F_ADV_MODELS;
extern const struct cllm_field CLLM_F_ADV_RECOMMEND;
extern const struct cllm_record CLLM_R_ADVICE;

/* .inputs.<name>: {value, measured, source}, in struct cllm_fit_rates order */
#define CLLM_ADV_N_INPUTS 9
extern const struct cllm_field *const CLLM_ADV_INPUT_FIELDS[CLLM_ADV_N_INPUTS];
extern const struct cllm_field CLLM_F_ADV_IN_VALUE;
extern const struct cllm_field CLLM_F_ADV_IN_MEASURED;
extern const struct cllm_field CLLM_F_ADV_IN_SOURCE;

/* .memory */
extern const struct cllm_field CLLM_F_ADV_MEM_N_GPUS;
extern const struct cllm_field CLLM_F_ADV_MEM_GPU_NAME;
extern const struct cllm_field CLLM_F_ADV_MEM_GPU_FREE_GB;
extern const struct cllm_field CLLM_F_ADV_MEM_UNIFIED;
extern const struct cllm_field CLLM_F_ADV_MEM_RAM_FREE_GB;

/* .models[] */
extern const struct cllm_field CLLM_F_ADV_M_KEY;
extern const struct cllm_field CLLM_F_ADV_M_NAME;
extern const struct cllm_field CLLM_F_ADV_M_QUANT;
extern const struct cllm_field CLLM_F_ADV_M_ORIGIN;
extern const struct cllm_field CLLM_F_ADV_M_FILE;
extern const struct cllm_field CLLM_F_ADV_M_DOWNLOADED;
extern const struct cllm_field CLLM_F_ADV_M_PARAMS_B;
extern const struct cllm_field CLLM_F_ADV_M_WEIGHTS_GB;
extern const struct cllm_field CLLM_F_ADV_M_KV_GB;
extern const struct cllm_field CLLM_F_ADV_M_COMPUTE_GB;
extern const struct cllm_field CLLM_F_ADV_M_SIZE_BASIS;
extern const struct cllm_field CLLM_F_ADV_M_WHERE;
extern const struct cllm_field CLLM_F_ADV_M_GPU_LAYERS;
extern const struct cllm_field CLLM_F_ADV_M_N_LAYER;
extern const struct cllm_field CLLM_F_ADV_M_VRAM_GB;
extern const struct cllm_field CLLM_F_ADV_M_RAM_GB;
extern const struct cllm_field CLLM_F_ADV_M_REASON;
extern const struct cllm_field CLLM_F_ADV_M_DECODE_TPS;
extern const struct cllm_field CLLM_F_ADV_M_PROMPT_TPS;
extern const struct cllm_field CLLM_F_ADV_M_CPU_TPS;
extern const struct cllm_field CLLM_F_ADV_M_GPU_ALL_TPS;
extern const struct cllm_field CLLM_F_ADV_M_PARTIAL_COST;
extern const struct cllm_field CLLM_F_ADV_M_BEST_GPU;
extern const struct cllm_field CLLM_F_ADV_M_BEST_CPU;
extern const struct cllm_field CLLM_F_ADV_M_RUN_FIT;
extern const struct cllm_field CLLM_F_ADV_M_RUN_FIT_REASON;
extern const struct cllm_record CLLM_R_ADVICE_MODEL;

/* .recommendations */
extern const struct cllm_field CLLM_F_ADV_R_LARGEST;
extern const struct cllm_field CLLM_F_ADV_R_LARGEST_WHY;
extern const struct cllm_field CLLM_F_ADV_R_BEST;
extern const struct cllm_field CLLM_F_ADV_R_PARTIAL;
extern const struct cllm_field CLLM_F_ADV_R_KEY;
extern const struct cllm_field CLLM_F_ADV_R_QUANT;
extern const struct cllm_field CLLM_F_ADV_R_TEXT;

/* The advice as results JSON (the section's object); NULL when out of memory. */
struct cJSON *cllm_write_advice(const struct cllm_fit_advice *a);
/* The same, attached to a results file's root as "advice". */
void cllm_write_advice_into(struct cJSON *result, const struct cllm_fit_advice *a);

#ifdef __cplusplus
}
#endif

#endif
