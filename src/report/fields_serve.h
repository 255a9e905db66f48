/* The serve-bench section of the results format: the fields and records of "serving_benchmarks" (the setup of a
 * serve-bench run, the server's facts, its concurrency levels with their request records and statistics, SLO
 * goodput), and its writer. Key strings are spelled only in report/fields_serve.c. */
#ifndef CLLM_REPORT_FIELDS_SERVE_H
#define CLLM_REPORT_FIELDS_SERVE_H

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

/* The writer (report/write_serve.c): a serve-bench run (serve/serve_bench.h) into section, the results file's
 * serving_benchmarks object, as computellm serve-bench has always written it. Nothing for a run whose parameters
 * were refused. An allocation failure leaves a shorter object (cJSON's adds fail quietly). */
void cllm_write_serving(struct cJSON *section, const struct cllm_serve_result *r);

#ifdef __cplusplus
}
#endif

#endif
