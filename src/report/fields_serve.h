/* The serve-bench section of the results format: the fields and records of "serving_benchmarks" (the setup of a
 * serve-bench run, the server's facts, its concurrency levels with their request records and statistics, SLO
 * goodput), and its writer. Key strings are spelled only in report/fields_serve.c. */
#ifndef CLLM_REPORT_FIELDS_SERVE_H
#define CLLM_REPORT_FIELDS_SERVE_H

#include <stddef.h>

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_serve_result;
struct cllm_serve_level;

/* results.serving_benchmarks (its error: CLLM_F_ERROR of fields_core.h, as in levels and requests) */
extern const struct cllm_field CLLM_F_SERVE_STATUS;
extern const struct cllm_field CLLM_F_SERVE_SERVER;
extern const struct cllm_field CLLM_F_SERVE_PARAMS;
extern const struct cllm_field CLLM_F_SERVE_LEVELS;
extern const struct cllm_record CLLM_R_SERVING_BENCHMARKS;

/* .server */
extern const struct cllm_field CLLM_F_SERVE_URL;
extern const struct cllm_field CLLM_F_SERVE_LIBRARY;
extern const struct cllm_field CLLM_F_SERVE_PROPS;
extern const struct cllm_field CLLM_F_SERVE_MODELS_ERROR;
extern const struct cllm_field CLLM_F_SERVE_MODEL;
extern const struct cllm_field CLLM_F_SERVE_MODEL_SOURCE;
extern const struct cllm_field CLLM_F_SERVE_CLIENT;
extern const struct cllm_record CLLM_R_SERVE_SERVER;

/* .server.props (llama-server's /props) */
extern const struct cllm_field CLLM_F_SERVE_PROPS_BUILD_INFO;
extern const struct cllm_field CLLM_F_SERVE_PROPS_MODEL_PATH;
extern const struct cllm_field CLLM_F_SERVE_PROPS_TOTAL_SLOTS;
extern const struct cllm_field CLLM_F_SERVE_PROPS_N_CTX;
extern const struct cllm_record CLLM_R_SERVE_PROPS;

/* .params */
extern const struct cllm_field CLLM_F_SERVE_P_CONCURRENCY;
extern const struct cllm_field CLLM_F_SERVE_P_REQUESTS;
extern const struct cllm_field CLLM_F_SERVE_P_DURATION_S;
extern const struct cllm_field CLLM_F_SERVE_P_MAX_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_P_IGNORE_EOS;
extern const struct cllm_field CLLM_F_SERVE_P_PROMPT;
extern const struct cllm_field CLLM_F_SERVE_P_SYSTEM_PROMPT;
extern const struct cllm_field CLLM_F_SERVE_P_TEMPERATURE;
extern const struct cllm_field CLLM_F_SERVE_P_TOP_P;
extern const struct cllm_field CLLM_F_SERVE_P_SEED;
extern const struct cllm_field CLLM_F_SERVE_P_STALL_S;
extern const struct cllm_field CLLM_F_SERVE_P_DEADLINE_BASE_S;
extern const struct cllm_field CLLM_F_SERVE_P_DEADLINE_PER_TOKEN_S;
extern const struct cllm_field CLLM_F_SERVE_P_SLO;
extern const struct cllm_record CLLM_R_SERVE_PARAMS;

/* .params.slo and .levels[].goodput.slo */
extern const struct cllm_field CLLM_F_SERVE_SLO_TTFT_MS;
extern const struct cllm_field CLLM_F_SERVE_SLO_ITL_MS;
extern const struct cllm_field CLLM_F_SERVE_SLO_ITL_MEASURE;
extern const struct cllm_record CLLM_R_SERVE_SLO;

/* .levels[] */
extern const struct cllm_field CLLM_F_SERVE_L_CONCURRENCY;
extern const struct cllm_field CLLM_F_SERVE_L_STATUS;
extern const struct cllm_field CLLM_F_SERVE_L_REQUEST_LIMIT;
extern const struct cllm_field CLLM_F_SERVE_L_N_REQUESTS;
extern const struct cllm_field CLLM_F_SERVE_L_N_OK;
extern const struct cllm_field CLLM_F_SERVE_L_N_FAILED;
extern const struct cllm_field CLLM_F_SERVE_L_N_CANCELLED;
extern const struct cllm_field CLLM_F_SERVE_L_WALL_S;
extern const struct cllm_field CLLM_F_SERVE_L_TTFT_S;
extern const struct cllm_field CLLM_F_SERVE_L_ITL_S;
extern const struct cllm_field CLLM_F_SERVE_L_E2E_S;
extern const struct cllm_field CLLM_F_SERVE_L_OUTPUT_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_L_OUTPUT_TPS;
extern const struct cllm_field CLLM_F_SERVE_L_RPS;
extern const struct cllm_field CLLM_F_SERVE_L_ERROR_RATE;
extern const struct cllm_field CLLM_F_SERVE_L_GOODPUT;
extern const struct cllm_field CLLM_F_SERVE_L_TOKEN_COUNT_SOURCES;
extern const struct cllm_field CLLM_F_SERVE_L_ERRORS;
extern const struct cllm_field CLLM_F_SERVE_L_REQUESTS;
extern const struct cllm_record CLLM_R_SERVE_LEVEL;

/* .levels[].{ttft_s,itl_s,e2e_s} */
extern const struct cllm_field CLLM_F_SERVE_D_P50;
extern const struct cllm_field CLLM_F_SERVE_D_P90;
extern const struct cllm_field CLLM_F_SERVE_D_P99;
extern const struct cllm_field CLLM_F_SERVE_D_MEAN;
extern const struct cllm_field CLLM_F_SERVE_D_N;
extern const struct cllm_record CLLM_R_SERVE_DIST;

/* .levels[].goodput */
extern const struct cllm_field CLLM_F_SERVE_G_SLO;
extern const struct cllm_field CLLM_F_SERVE_G_N_GOOD;
extern const struct cllm_field CLLM_F_SERVE_G_RPS;
extern const struct cllm_field CLLM_F_SERVE_G_FRACTION;
extern const struct cllm_record CLLM_R_SERVE_GOODPUT;

/* .levels[].requests[] */
extern const struct cllm_field CLLM_F_SERVE_R_STATUS;
extern const struct cllm_field CLLM_F_SERVE_R_HTTP_STATUS;
extern const struct cllm_field CLLM_F_SERVE_R_TTFT_S;
extern const struct cllm_field CLLM_F_SERVE_R_E2E_S;
extern const struct cllm_field CLLM_F_SERVE_R_ITL_MEAN_S;
extern const struct cllm_field CLLM_F_SERVE_R_OUTPUT_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_R_PROMPT_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_R_TOKEN_COUNT_SOURCE;
extern const struct cllm_record CLLM_R_SERVE_REQUEST;

/* issue 17's keys: open loop, prefix cache, p99 SLOs, the SLA search, energy, --save-requests lines */
extern const struct cllm_field CLLM_F_SERVE_R_INDEX;
extern const struct cllm_field CLLM_F_SERVE_R_WARMUP;
extern const struct cllm_field CLLM_F_SERVE_R_SCHEDULED_S;
extern const struct cllm_field CLLM_F_SERVE_R_SENT_S;
extern const struct cllm_field CLLM_F_SERVE_R_TTFT_CONTENT_S;
extern const struct cllm_field CLLM_F_SERVE_R_TTFT_REASONING_S;
extern const struct cllm_field CLLM_F_SERVE_R_TPOT_S;
extern const struct cllm_field CLLM_F_SERVE_R_REASONING_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_R_CACHED_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED;
extern const struct cllm_field CLLM_F_SERVE_R_ORIGIN;
extern const struct cllm_field CLLM_F_SERVE_J_LEVEL;
extern const struct cllm_field CLLM_F_SERVE_J_LEVEL_VALUE;
extern const struct cllm_field CLLM_F_SERVE_J_FIRST_TOKEN_S;
extern const struct cllm_field CLLM_F_SERVE_J_FIRST_CONTENT_S;
extern const struct cllm_field CLLM_F_SERVE_J_END_S;
extern const struct cllm_field CLLM_F_SERVE_J_ERROR;
extern const struct cllm_field CLLM_F_SERVE_J_ENERGY_J;
extern const struct cllm_record CLLM_R_SERVE_REQUEST_LINE;
extern const struct cllm_field CLLM_F_SERVE_L_MODE;
extern const struct cllm_field CLLM_F_SERVE_L_RATE;
extern const struct cllm_field CLLM_F_SERVE_L_ACHIEVED_RATE;
extern const struct cllm_field CLLM_F_SERVE_L_IA_MEAN_S;
extern const struct cllm_field CLLM_F_SERVE_L_IA_CV;
extern const struct cllm_field CLLM_F_SERVE_L_SCHEDULE_CV;
extern const struct cllm_field CLLM_F_SERVE_L_SCHEDULE_RATE;
extern const struct cllm_field CLLM_F_SERVE_L_N_WAITED;
extern const struct cllm_field CLLM_F_SERVE_L_WAIT_S;
extern const struct cllm_field CLLM_F_SERVE_L_N_WARMUP;
extern const struct cllm_field CLLM_F_SERVE_L_TTFT_CONTENT_S;
extern const struct cllm_field CLLM_F_SERVE_L_TTFT_REASONING_S;
extern const struct cllm_field CLLM_F_SERVE_L_TPOT_S;
extern const struct cllm_field CLLM_F_SERVE_L_REASONING_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_C_MET;
extern const struct cllm_field CLLM_F_SERVE_C_FAILED;
extern const struct cllm_record CLLM_R_SERVE_SLO_CHECK;
extern const struct cllm_field CLLM_F_SERVE_L_SLO_CHECK;
extern const struct cllm_field CLLM_F_SERVE_L_ENERGY;
extern const struct cllm_field CLLM_F_SERVE_L_ENERGY_PER_REQUEST_J;
extern const struct cllm_field CLLM_F_SERVE_P_REQUEST_RATE;
extern const struct cllm_field CLLM_F_SERVE_P_BURSTINESS;
extern const struct cllm_field CLLM_F_SERVE_P_MAX_CONCURRENCY;
extern const struct cllm_field CLLM_F_SERVE_P_RAMP_UP_S;
extern const struct cllm_field CLLM_F_SERVE_P_ARRIVAL_SEED;
extern const struct cllm_field CLLM_F_SERVE_P_CONTENT;
extern const struct cllm_field CLLM_F_SERVE_PC_MODE;
extern const struct cllm_field CLLM_F_SERVE_PC_CACHE_PROMPT;
extern const struct cllm_field CLLM_F_SERVE_PC_SHARED_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_PC_SHARED_WORDS;
extern const struct cllm_field CLLM_F_SERVE_PC_SHARED_COUNTED;
extern const struct cllm_record CLLM_R_SERVE_PREFIX_CACHE;
extern const struct cllm_field CLLM_F_SERVE_P_PREFIX_CACHE;
extern const struct cllm_field CLLM_F_SERVE_S99_TTFT;
extern const struct cllm_field CLLM_F_SERVE_S99_ITL;
extern const struct cllm_field CLLM_F_SERVE_S99_E2E;
extern const struct cllm_field CLLM_F_SERVE_S99_TPOT;
extern const struct cllm_record CLLM_R_SERVE_SLO_P99;
extern const struct cllm_field CLLM_F_SERVE_P_SLO_P99;
extern const struct cllm_field CLLM_F_SERVE_F_MODE;
extern const struct cllm_field CLLM_F_SERVE_F_PROBE_REQUESTS;
extern const struct cllm_field CLLM_F_SERVE_F_PROBE_S;
extern const struct cllm_field CLLM_F_SERVE_F_WARMUP_SHARE;
extern const struct cllm_field CLLM_F_SERVE_F_RESOLUTION;
extern const struct cllm_field CLLM_F_SERVE_F_START_RATE;
extern const struct cllm_field CLLM_F_SERVE_F_LIMIT;
extern const struct cllm_record CLLM_R_SERVE_FIND_PARAMS;
extern const struct cllm_field CLLM_F_SERVE_P_FIND_MAX;
/* params.workload: what --input-len / --output-len / --dataset sent (null with the fixed prompt) */
extern const struct cllm_field CLLM_F_SERVE_P_WORKLOAD;
extern const struct cllm_record CLLM_R_SERVE_WORKLOAD;
extern const struct cllm_field CLLM_F_SERVE_W_SOURCE;
extern const struct cllm_field CLLM_F_SERVE_W_INPUT_LEN;
extern const struct cllm_field CLLM_F_SERVE_W_OUTPUT_LEN;
extern const struct cllm_field CLLM_F_SERVE_W_DATASET;
extern const struct cllm_field CLLM_F_SERVE_W_LANGUAGES;
extern const struct cllm_field CLLM_F_SERVE_W_GENRES;
extern const struct cllm_field CLLM_F_SERVE_W_SIZE;
extern const struct cllm_field CLLM_F_SERVE_W_PROMPT_TOKENS;
extern const struct cllm_field CLLM_F_SERVE_W_SEED;
/* params.server_metrics: the /metrics scrapes' settings (null with --no-server-metrics) */
extern const struct cllm_field CLLM_F_SERVE_P_SERVER_METRICS;
extern const struct cllm_record CLLM_R_SERVE_METRICS_PARAMS;
extern const struct cllm_field CLLM_F_SERVE_M_INTERVAL_S;
extern const struct cllm_field CLLM_F_SERVE_M_TIMEOUT_S;
extern const struct cllm_field CLLM_F_SERVE_PR_VALUE;
extern const struct cllm_field CLLM_F_SERVE_PR_LEVEL;
extern const struct cllm_field CLLM_F_SERVE_PR_MET;
extern const struct cllm_field CLLM_F_SERVE_PR_WHY;
extern const struct cllm_record CLLM_R_SERVE_PROBE;
extern const struct cllm_field CLLM_F_SERVE_SR_MODE;
extern const struct cllm_field CLLM_F_SERVE_SR_FOUND;
extern const struct cllm_field CLLM_F_SERVE_SR_BEST;
extern const struct cllm_field CLLM_F_SERVE_SR_LOWEST_FAILED;
extern const struct cllm_field CLLM_F_SERVE_SR_LIMIT_REACHED;
extern const struct cllm_field CLLM_F_SERVE_SR_RULE;
extern const struct cllm_field CLLM_F_SERVE_SR_PROBES;
extern const struct cllm_record CLLM_R_SERVE_SEARCH;
extern const struct cllm_field CLLM_F_SERVE_SEARCH;

/* The writer (report/write_serve.c): a serve-bench run (serve/serve_bench.h) into section, the results file's
 * serving_benchmarks object, as computellm serve-bench has always written it. Nothing for a run whose parameters
 * were refused. An allocation failure leaves a shorter object (cJSON's adds fail quietly). */
void cllm_write_serving(struct cJSON *section, const struct cllm_serve_result *r);

/* A level's short name from its results object: "c=4" (closed loop), "rate=2.5" or "rate=inf" (open loop). */
const char *cllm_write_serve_level_label(const struct cJSON *level, char *buf, size_t n);

/* One line of --save-requests: request k of level `level` (CLLM_R_SERVE_REQUEST_LINE's keys); NULL out of memory. */
struct cJSON *cllm_write_serve_request_line(const struct cllm_serve_result *r, int level, int k);

#ifdef __cplusplus
}
#endif

#endif
