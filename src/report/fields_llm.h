/* The LLM section of the results format: the fields and records of "ai_benchmarks" (model results, their runs and
 * summaries, the engine's identity, the comparison phases: quantization, temperature, language, prompt type). Key
 * strings are spelled only in report/fields_llm.c. */
#ifndef CLLM_REPORT_FIELDS_LLM_H
#define CLLM_REPORT_FIELDS_LLM_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

/* results.ai_benchmarks (its "reason" and "error": CLLM_F_REASON, CLLM_F_ERROR of report/fields_core.h) */
extern const struct cllm_field CLLM_F_AI_STATUS;
extern const struct cllm_field CLLM_F_AI_REGISTRY;
extern const struct cllm_field CLLM_F_AI_LLAMA;
extern const struct cllm_field CLLM_F_AI_RESULTS;        /* map: model key → CLLM_R_LLM_MODEL_RESULT */
extern const struct cllm_field CLLM_F_AI_COMPARISONS;
extern const struct cllm_field CLLM_F_AI_SWEEP;

/* results[KEY].ladder */
extern const struct cllm_field CLLM_F_LLM_LADDER;
extern const struct cllm_field CLLM_F_LLM_LADDER_N_PROMPT;
extern const struct cllm_field CLLM_F_LLM_LADDER_N_GEN;
extern const struct cllm_field CLLM_F_LLM_LADDER_N_THREADS;
extern const struct cllm_field CLLM_F_LLM_LADDER_NGL;
extern const struct cllm_field CLLM_F_LLM_LADDER_BACKEND;
extern const struct cllm_field CLLM_F_LLM_LADDER_RUNGS;
extern const struct cllm_record CLLM_R_LLM_LADDER;
extern const struct cllm_field CLLM_F_LLM_RUNG_NAME;
extern const struct cllm_field CLLM_F_LLM_RUNG_ADDS;
extern const struct cllm_field CLLM_F_LLM_RUNG_STATUS;
extern const struct cllm_field CLLM_F_LLM_RUNG_DECODE_TPS;
extern const struct cllm_field CLLM_F_LLM_RUNG_PROMPT_TPS;
extern const struct cllm_field CLLM_F_LLM_RUNG_TTFT_S;
extern const struct cllm_field CLLM_F_LLM_RUNG_DECODE_COST;
extern const struct cllm_field CLLM_F_LLM_RUNG_TTFT_COST;
extern const struct cllm_field CLLM_F_LLM_RUNG_RUNS;
extern const struct cllm_record CLLM_R_LLM_RUNG;
extern const struct cllm_record CLLM_R_AI_BENCHMARKS;

/* ai_benchmarks.llama */
extern const struct cllm_field CLLM_F_AI_LLAMA_PATH;
extern const struct cllm_field CLLM_F_AI_LLAMA_VARIANT;
extern const struct cllm_field CLLM_F_AI_LLAMA_VERSION;
extern const struct cllm_field CLLM_F_AI_LLAMA_GGML_VERSION;
extern const struct cllm_field CLLM_F_AI_LLAMA_GGML_COMMIT;
extern const struct cllm_field CLLM_F_AI_LLAMA_CUDA_BUILD;
extern const struct cllm_field CLLM_F_AI_LLAMA_CUDA_NOTE;
extern const struct cllm_record CLLM_R_AI_LLAMA;

/* results[KEY] and a comparison variant: what both have */
extern const struct cllm_field CLLM_F_LLM_STATUS;
extern const struct cllm_field CLLM_F_LLM_MODEL;         /* results[KEY].model (a variant has these facts inline) */
extern const struct cllm_field CLLM_F_LLM_FIT;
extern const struct cllm_field CLLM_F_LLM_LOAD;
extern const struct cllm_field CLLM_F_LLM_ENGINE;
extern const struct cllm_field CLLM_F_LLM_WARMUP_RUNS;
extern const struct cllm_field CLLM_F_LLM_WARMUP_MAX_TOKENS;
extern const struct cllm_field CLLM_F_LLM_STALL;
extern const struct cllm_field CLLM_F_LLM_RUNS;
extern const struct cllm_field CLLM_F_LLM_SUMMARY;
extern const struct cllm_field CLLM_F_LLM_PROMPT_TOKENS; /* of the first successful run's templated prompt */
extern const struct cllm_record CLLM_R_LLM_MODEL_RESULT;

/* results[KEY].model: the model's facts */
extern const struct cllm_field CLLM_F_LLM_M_KEY;
extern const struct cllm_field CLLM_F_LLM_M_NAME;
extern const struct cllm_field CLLM_F_LLM_M_PARAMS;
extern const struct cllm_field CLLM_F_LLM_M_QUANT;
extern const struct cllm_field CLLM_F_LLM_M_FILE;
extern const struct cllm_field CLLM_F_LLM_M_SOURCE;
extern const struct cllm_field CLLM_F_LLM_M_SERVER_URL;
extern const struct cllm_field CLLM_F_LLM_M_SYNTHETIC;
extern const struct cllm_field CLLM_F_LLM_M_NOTICE;
extern const struct cllm_field CLLM_F_LLM_M_DOWNLOAD;
extern const struct cllm_field CLLM_F_LLM_M_DOWNLOAD_ERROR;
extern const struct cllm_field CLLM_F_LLM_M_FILE_SIZE_GB;
extern const struct cllm_field CLLM_F_LLM_M_LOAD_TIME_S;
extern const struct cllm_field CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB;
extern const struct cllm_record CLLM_R_LLM_MODEL;

/* model.download */
extern const struct cllm_field CLLM_F_LLM_DL_URL;
extern const struct cllm_field CLLM_F_LLM_DL_BYTES;
extern const struct cllm_field CLLM_F_LLM_DL_ELAPSED_S;
extern const struct cllm_field CLLM_F_LLM_DL_SHA256_CHECKED;
extern const struct cllm_record CLLM_R_LLM_DOWNLOAD;

/* fit: the pre-check (its "reason": CLLM_F_LLM_FIT_REASON) */
extern const struct cllm_field CLLM_F_LLM_FIT_RESULT;
extern const struct cllm_field CLLM_F_LLM_FIT_REASON;
extern const struct cllm_record CLLM_R_LLM_FIT;

/* load (also model_load_time_s, memory_after_load_gb: CLLM_F_LLM_M_*) */
extern const struct cllm_field CLLM_F_LLM_LOAD_MEMORY_BEFORE_GB;
extern const struct cllm_field CLLM_F_LLM_LOAD_MEMORY_PROCESS;
extern const struct cllm_record CLLM_R_LLM_LOAD;

/* stall (its "error": CLLM_F_ERROR) */
extern const struct cllm_field CLLM_F_LLM_STALL_AT;
extern const struct cllm_record CLLM_R_LLM_STALL;

/* engine: the in-process engine's identity, or the server engine's */
extern const struct cllm_field CLLM_F_LLM_E_ENGINE;
extern const struct cllm_field CLLM_F_LLM_E_LIBRARY;
extern const struct cllm_field CLLM_F_LLM_E_LLAMA_VERSION;
extern const struct cllm_field CLLM_F_LLM_E_GGML_VERSION;
extern const struct cllm_field CLLM_F_LLM_E_GGML_COMMIT;
extern const struct cllm_field CLLM_F_LLM_E_VARIANT;
extern const struct cllm_field CLLM_F_LLM_E_BACKEND;
extern const struct cllm_field CLLM_F_LLM_E_N_GPU_LAYERS;
extern const struct cllm_field CLLM_F_LLM_E_OP_OFFLOAD;
extern const struct cllm_field CLLM_F_LLM_E_N_THREADS;
extern const struct cllm_field CLLM_F_LLM_E_N_CTX;
extern const struct cllm_field CLLM_F_LLM_E_N_BATCH;
extern const struct cllm_field CLLM_F_LLM_E_FLASH_ATTN;
extern const struct cllm_field CLLM_F_LLM_E_NOTICE;
extern const struct cllm_field CLLM_F_LLM_E_DEVICES_USED;
extern const struct cllm_field CLLM_F_LLM_E_DEVICES_AVAILABLE;
extern const struct cllm_field CLLM_F_LLM_E_MODEL;       /* in-process: object of CLLM_R_LLM_ENGINE_MODEL; server:
                                                            the model name (string) */
extern const struct cllm_field CLLM_F_LLM_E_SYSTEM_INFO;
extern const struct cllm_field CLLM_F_LLM_E_CAPABILITIES;
extern const struct cllm_field CLLM_F_LLM_E_RPC;
extern const struct cllm_field CLLM_F_LLM_RPC_LIBRARY;
extern const struct cllm_field CLLM_F_LLM_RPC_SERVERS;
extern const struct cllm_field CLLM_F_LLM_RPC_OFFLOADED;
extern const struct cllm_field CLLM_F_LLM_RPC_OFFLOADABLE;
extern const struct cllm_field CLLM_F_LLM_RPC_DEVICES;
extern const struct cllm_field CLLM_F_LLM_RPC_BYTES_PER_TOKEN;
extern const struct cllm_field CLLM_F_LLM_RPCS_ENDPOINT;
extern const struct cllm_field CLLM_F_LLM_RPCS_N_DEVICES;
extern const struct cllm_field CLLM_F_LLM_RPCS_PROTOCOL;
extern const struct cllm_field CLLM_F_LLM_RPCS_CONNECT_MS;
extern const struct cllm_field CLLM_F_LLM_RPCS_RTT_MIN_MS;
extern const struct cllm_field CLLM_F_LLM_RPCS_RTT_MEDIAN_MS;
extern const struct cllm_field CLLM_F_LLM_RPCS_RTT_SAMPLES;
extern const struct cllm_field CLLM_F_LLM_SHARE_DEVICE;
extern const struct cllm_field CLLM_F_LLM_SHARE_ENDPOINT;
extern const struct cllm_field CLLM_F_LLM_SHARE_LAYERS;
extern const struct cllm_field CLLM_F_LLM_SHARE_MODEL_MIB;
extern const struct cllm_field CLLM_F_LLM_SHARE_KV_MIB;
extern const struct cllm_field CLLM_F_LLM_SHARE_COMPUTE_MIB;
extern const struct cllm_field CLLM_F_LLM_E_MODE;
extern const struct cllm_field CLLM_F_LLM_E_URL;
extern const struct cllm_field CLLM_F_LLM_E_LIMITS;
extern const struct cllm_field CLLM_F_LLM_E_SERVER_PID;
extern const struct cllm_field CLLM_F_LLM_E_LAST_RUN;
extern const struct cllm_field CLLM_F_LLM_E_GPU_PLAN;
extern const struct cllm_field CLLM_F_LLM_GP_GPUS, CLLM_F_LLM_GP_MAPPED_BY, CLLM_F_LLM_GP_SPLIT_MODE,
    CLLM_F_LLM_GP_MAIN_GPU, CLLM_F_LLM_GP_TENSOR_SPLIT, CLLM_F_LLM_GP_TENSOR_SPLIT_BY, CLLM_F_LLM_GP_ENV;
extern const struct cllm_record CLLM_R_LLM_ENGINE;

extern const struct cllm_field CLLM_F_LLM_DEV_NAME;
extern const struct cllm_field CLLM_F_LLM_DEV_DESCRIPTION;
extern const struct cllm_field CLLM_F_LLM_DEV_BACKEND;
extern const struct cllm_field CLLM_F_LLM_DEV_TYPE;
extern const struct cllm_field CLLM_F_LLM_DEV_MEMORY_TOTAL_GB;
extern const struct cllm_field CLLM_F_LLM_DEV_MEMORY_FREE_GB;
extern const struct cllm_field CLLM_F_LLM_DEV_DEVICE_ID;
extern const struct cllm_record CLLM_R_LLM_ENGINE_DEVICE;

extern const struct cllm_field CLLM_F_LLM_EM_PATH;
extern const struct cllm_field CLLM_F_LLM_EM_DESCRIPTION;
extern const struct cllm_field CLLM_F_LLM_EM_N_PARAMS;
extern const struct cllm_field CLLM_F_LLM_EM_SIZE_BYTES;
extern const struct cllm_field CLLM_F_LLM_EM_N_LAYERS;
extern const struct cllm_field CLLM_F_LLM_EM_N_VOCAB;
extern const struct cllm_field CLLM_F_LLM_EM_CHAT_TEMPLATE;
extern const struct cllm_record CLLM_R_LLM_ENGINE_MODEL;

extern const struct cllm_field CLLM_F_LLM_CAP_TOKEN_STREAM;
extern const struct cllm_field CLLM_F_LLM_CAP_ENGINE_COUNTERS;
extern const struct cllm_field CLLM_F_LLM_CAP_IGNORE_EOS;
extern const struct cllm_field CLLM_F_LLM_CAP_GPU_OFFLOAD;
extern const struct cllm_record CLLM_R_LLM_ENGINE_CAPS;

extern const struct cllm_field CLLM_F_LLM_LIM_STALL_S;
extern const struct cllm_field CLLM_F_LLM_LIM_DEADLINE_BASE_S;
extern const struct cllm_field CLLM_F_LLM_LIM_DEADLINE_PER_TOKEN_S;
extern const struct cllm_record CLLM_R_LLM_ENGINE_LIMITS;
extern const struct cllm_record CLLM_R_LLM_ENGINE_RPC;
extern const struct cllm_record CLLM_R_LLM_RPC_SERVER;
extern const struct cllm_record CLLM_R_LLM_RPC_SHARE;

/* the server engine's account of a run: runs[] entries and engine.last_run */
extern const struct cllm_field CLLM_F_LLM_SR_TOKEN_COUNT_SOURCE;
extern const struct cllm_field CLLM_F_LLM_SR_CONTENT_CHUNKS;
extern const struct cllm_field CLLM_F_LLM_SR_FINISH_REASON;
extern const struct cllm_field CLLM_F_LLM_SR_SERVER_TIMINGS;
extern const struct cllm_record CLLM_R_LLM_SERVER_RUN;
extern const struct cllm_field CLLM_F_LLM_ST_PROMPT_N;
extern const struct cllm_field CLLM_F_LLM_ST_PREDICTED_N;
extern const struct cllm_field CLLM_F_LLM_ST_PREDICTED_PER_SECOND;
extern const struct cllm_field CLLM_F_LLM_ST_PROMPT_PER_SECOND;
extern const struct cllm_record CLLM_R_LLM_SERVER_TIMINGS;

/* runs[]: one timed run (its "reason", "error": CLLM_F_REASON, CLLM_F_ERROR) */
extern const struct cllm_field CLLM_F_LLM_RUN_RUN;
extern const struct cllm_field CLLM_F_LLM_RUN_STATUS;
extern const struct cllm_field CLLM_F_LLM_RUN_PROMPT_TOKENS;
extern const struct cllm_field CLLM_F_LLM_RUN_GENERATED_TOKENS;
extern const struct cllm_field CLLM_F_LLM_RUN_TOTAL_TIME_S;
extern const struct cllm_field CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S;
extern const struct cllm_field CLLM_F_LLM_RUN_TPS;
extern const struct cllm_field CLLM_F_LLM_RUN_DECODE_TPS;
extern const struct cllm_field CLLM_F_LLM_RUN_PROMPT_TPS;
extern const struct cllm_field CLLM_F_LLM_RUN_ENGINE_PROMPT_TPS;
extern const struct cllm_field CLLM_F_LLM_RUN_ENGINE_DECODE_TPS;
extern const struct cllm_field CLLM_F_LLM_RUN_ENGINE_PROMPT_MS;
extern const struct cllm_field CLLM_F_LLM_RUN_ENGINE_PROMPT_TOKENS;
extern const struct cllm_field CLLM_F_LLM_RUN_ENGINE_DECODE_MS;
extern const struct cllm_field CLLM_F_LLM_RUN_ENGINE_DECODE_TOKENS;
extern const struct cllm_field CLLM_F_LLM_RUN_ITL_MEAN_MS;
extern const struct cllm_field CLLM_F_LLM_RUN_ITL_P50_MS;
extern const struct cllm_field CLLM_F_LLM_RUN_ITL_P90_MS;
extern const struct cllm_field CLLM_F_LLM_RUN_ITL_P99_MS;
extern const struct cllm_field CLLM_F_LLM_RUN_LOOP_OVERHEAD_PERCENT;
extern const struct cllm_field CLLM_F_LLM_RUN_SAMPLING;
extern const struct cllm_field CLLM_F_LLM_RUN_SAMPLING_NOTE;
extern const struct cllm_field CLLM_F_LLM_RUN_MEMORY_BEFORE_GB;
extern const struct cllm_field CLLM_F_LLM_RUN_MEMORY_AFTER_GB;
extern const struct cllm_record CLLM_R_LLM_RUN;

/* summary: statistics over a model's (or variant's) timed runs */
extern const struct cllm_field CLLM_F_LLM_RUNS_COUNT;
extern const struct cllm_field CLLM_F_LLM_SUCCESSFUL_RUNS;
extern const struct cllm_field CLLM_F_LLM_AVG_TPS;
extern const struct cllm_field CLLM_F_LLM_STD_TPS;
extern const struct cllm_field CLLM_F_LLM_CV_TPS;
extern const struct cllm_field CLLM_F_LLM_THROTTLED_RUNS;
extern const struct cllm_field CLLM_F_LLM_AVG_TPS_UNTHROTTLED;
extern const struct cllm_field CLLM_F_LLM_UNTIL_STABLE_CV;
extern const struct cllm_field CLLM_F_LLM_UNTIL_STABLE_REACHED;
extern const struct cllm_field CLLM_F_LLM_RUN_THROTTLED;
extern const struct cllm_field CLLM_F_LLM_RUN_THROTTLE_REASON;

/* energy of a window (a run's prompt or decode window; a sweep test's repetitions, whose row holds these keys
 * itself) */
extern const struct cllm_field CLLM_F_EN_WINDOW_S;
extern const struct cllm_field CLLM_F_EN_TOKENS;
extern const struct cllm_field CLLM_F_EN_JOULES;
extern const struct cllm_field CLLM_F_EN_WATTS;
extern const struct cllm_field CLLM_F_EN_J_PER_TOKEN;
extern const struct cllm_field CLLM_F_EN_TOKENS_PER_J;
extern const struct cllm_field CLLM_F_EN_DOMAINS;
extern const struct cllm_field CLLM_F_EN_SOURCE;
extern const struct cllm_field CLLM_F_EN_GPU_JOULES;
extern const struct cllm_field CLLM_F_EN_GPU_SOURCE;
extern const struct cllm_field CLLM_F_EN_CPU_JOULES;
extern const struct cllm_field CLLM_F_EN_CPU_SOURCE;
extern const struct cllm_field CLLM_F_EN_NOTE;
extern const struct cllm_record CLLM_R_ENERGY;
extern const struct cllm_field CLLM_F_LLM_RUN_PROMPT_ENERGY;
extern const struct cllm_field CLLM_F_LLM_RUN_DECODE_ENERGY;
/* the summary's */
extern const struct cllm_field CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN;
extern const struct cllm_field CLLM_F_LLM_AVG_DECODE_TOKENS_PER_J;
extern const struct cllm_field CLLM_F_LLM_AVG_DECODE_WATTS;
extern const struct cllm_field CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN;
extern const struct cllm_field CLLM_F_LLM_AVG_PROMPT_WATTS;
extern const struct cllm_field CLLM_F_LLM_ENERGY_RUNS;
extern const struct cllm_field CLLM_F_LLM_MIN_TPS;
extern const struct cllm_field CLLM_F_LLM_MAX_TPS;
extern const struct cllm_field CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S;
extern const struct cllm_field CLLM_F_LLM_AVG_DECODE_TPS;
extern const struct cllm_field CLLM_F_LLM_AVG_PROMPT_TPS;
extern const struct cllm_field CLLM_F_LLM_ITL_MEAN_MS;
extern const struct cllm_field CLLM_F_LLM_ITL_P50_MS;
extern const struct cllm_field CLLM_F_LLM_ITL_P90_MS;
extern const struct cllm_field CLLM_F_LLM_ITL_P99_MS;
extern const struct cllm_field CLLM_F_LLM_PEAK_MEMORY_GB;
extern const struct cllm_field CLLM_F_LLM_STABILITY;
extern const struct cllm_field CLLM_F_LLM_ROOFLINE;
extern const struct cllm_record CLLM_R_LLM_SUMMARY;

extern const struct cllm_field CLLM_F_LLM_RL_BYTES_PER_TOKEN;
extern const struct cllm_field CLLM_F_LLM_RL_BANDWIDTH_GBPS;
extern const struct cllm_field CLLM_F_LLM_RL_RATIO;
extern const struct cllm_field CLLM_F_LLM_RL_MAX_TPS;
extern const struct cllm_field CLLM_F_LLM_RL_BASIS;
extern const struct cllm_record CLLM_R_LLM_ROOFLINE;

/* ai_benchmarks.comparisons (its "error": CLLM_F_ERROR) */
extern const struct cllm_field CLLM_F_AI_CMP_STATUS;
extern const struct cllm_field CLLM_F_AI_CMP_QUANTIZATION;   /* map: model key → CLLM_R_LLM_CMP_QUANT */
extern const struct cllm_field CLLM_F_AI_CMP_TEMPERATURE;    /* map: model key → CLLM_R_LLM_CMP_TEMPERATURE */
extern const struct cllm_field CLLM_F_AI_CMP_LANGUAGE;
extern const struct cllm_field CLLM_F_AI_CMP_PROMPT_TYPE;
extern const struct cllm_field CLLM_F_AI_CMP_GPUS;
extern const struct cllm_record CLLM_R_AI_COMPARISONS;

/* the variants of each comparison phase: one field per variant (its name is the variant's label), in run order */
#define CLLM_LLM_N_QUANT_VARIANTS 6
#define CLLM_LLM_N_TEMPERATURE_VARIANTS 3
#define CLLM_LLM_N_LANGUAGE_VARIANTS 6
#define CLLM_LLM_N_PROMPT_TYPE_VARIANTS 5
extern const struct cllm_field *const CLLM_LLM_QUANT_VARIANTS[CLLM_LLM_N_QUANT_VARIANTS];
extern const struct cllm_field *const CLLM_LLM_TEMPERATURE_VARIANTS[CLLM_LLM_N_TEMPERATURE_VARIANTS];
extern const struct cllm_field *const CLLM_LLM_LANGUAGE_VARIANTS[CLLM_LLM_N_LANGUAGE_VARIANTS];
extern const struct cllm_field *const CLLM_LLM_PROMPT_TYPE_VARIANTS[CLLM_LLM_N_PROMPT_TYPE_VARIANTS];
extern const struct cllm_record CLLM_R_LLM_CMP_QUANT;
extern const struct cllm_record CLLM_R_LLM_CMP_TEMPERATURE;
extern const struct cllm_record CLLM_R_LLM_CMP_LANGUAGE;
extern const struct cllm_record CLLM_R_LLM_CMP_PROMPT_TYPE;
/* the multi-GPU phase's variants: gpu0 .. gpu15 (one detected GPU alone), then layer and row (all selected) */
#define CLLM_LLM_N_GPU_VARIANTS 18
extern const struct cllm_field *const CLLM_LLM_GPU_VARIANTS[CLLM_LLM_N_GPU_VARIANTS];
extern const struct cllm_record CLLM_R_LLM_CMP_GPUS;

/* a comparison variant: CLLM_R_LLM_MODEL_RESULT's keys with the model's facts inline, plus these */
extern const struct cllm_field CLLM_F_LLM_V_TEMPERATURE;
extern const struct cllm_field CLLM_F_LLM_V_PROMPT;
extern const struct cllm_record CLLM_R_LLM_VARIANT;

#ifdef __cplusplus
}
#endif

#endif
