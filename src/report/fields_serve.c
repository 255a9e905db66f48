/* The serve-bench section's field tables (see report/fields_serve.h). Meanings as docs/results-schema.md
 * (## serving_benchmarks) says them. */
#include "report/fields_serve.h"

#include <stddef.h>

#include "report/fields_core.h"

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define NUL CLLM_FF_NULLABLE
#define REQ CLLM_FF_REQUIRED

/* ---- levels[].requests[] ---- */

const struct cllm_field CLLM_F_SERVE_R_STATUS = {"status", STR, "", "ok or failed (error says why)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_R_HTTP_STATUS = {"http_status", INT, "",
    "the server's HTTP status; null when it gave no HTTP answer", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_TTFT_S = {"ttft_s", NUM, "s", "request sent to its first content delta",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_E2E_S = {"e2e_s", NUM, "s", "request sent to its stream ended", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_ITL_MEAN_S = {"itl_mean_s", NUM, "s",
    "mean gap between the request's consecutive content deltas", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_OUTPUT_TOKENS = {"output_tokens", INT, "tokens",
    "tokens the request generated (counted as token_count_source says)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_R_PROMPT_TOKENS = {"prompt_tokens", INT, "tokens",
    "the prompt's tokens as the server counted them (usage or timings)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_TOKEN_COUNT_SOURCE = {"token_count_source", STR, "",
    "where output_tokens came from: usage, else llama-server's timings, else the content deltas counted (chunks)",
    NULL, 0, REQ};
static const struct cllm_field *const request_fields[] = {&CLLM_F_SERVE_R_STATUS, &CLLM_F_SERVE_R_HTTP_STATUS,
    &CLLM_F_SERVE_R_TTFT_S, &CLLM_F_SERVE_R_E2E_S, &CLLM_F_SERVE_R_ITL_MEAN_S, &CLLM_F_SERVE_R_OUTPUT_TOKENS,
    &CLLM_F_SERVE_R_PROMPT_TOKENS, &CLLM_F_SERVE_R_TOKEN_COUNT_SOURCE, &CLLM_F_ERROR, NULL};
const struct cllm_record CLLM_R_SERVE_REQUEST = {"serve_request", "one streaming chat completion of a level",
    request_fields, false};

/* ---- levels[].{ttft_s,itl_s,e2e_s} ---- */

const struct cllm_field CLLM_F_SERVE_D_P50 = {"p50", NUM, "s", "median (interpolated between ranks, numpy's)",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_D_P90 = {"p90", NUM, "s", "90th percentile (interpolated between ranks)",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_D_P99 = {"p99", NUM, "s", "99th percentile (interpolated between ranks)",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_D_MEAN = {"mean", NUM, "s", "mean", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_D_N = {"n", INT, "", "values the statistics are over", NULL, 0, REQ};
static const struct cllm_field *const dist_fields[] = {&CLLM_F_SERVE_D_P50, &CLLM_F_SERVE_D_P90,
    &CLLM_F_SERVE_D_P99, &CLLM_F_SERVE_D_MEAN, &CLLM_F_SERVE_D_N, NULL};
const struct cllm_record CLLM_R_SERVE_DIST = {"serve_distribution",
    "percentiles and mean of a latency over a level's successful requests", dist_fields, false};

/* ---- params.slo, levels[].goodput.slo ---- */

const struct cllm_field CLLM_F_SERVE_SLO_TTFT_MS = {"ttft_ms", NUM, "ms",
    "a good request's time to first token is at most this", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_SLO_ITL_MS = {"itl_ms", NUM, "ms",
    "a good request's mean inter-token latency is at most this", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_SLO_ITL_MEASURE = {"itl_measure", STR, "",
    "what the ITL SLO is checked against", NULL, 0, 0};
static const struct cllm_field *const slo_fields[] = {&CLLM_F_SERVE_SLO_TTFT_MS, &CLLM_F_SERVE_SLO_ITL_MS,
    &CLLM_F_SERVE_SLO_ITL_MEASURE, NULL};
const struct cllm_record CLLM_R_SERVE_SLO = {"serve_slo", "the SLOs of --slo (only those given)", slo_fields,
    false};

/* ---- levels[].goodput ---- */

const struct cllm_field CLLM_F_SERVE_G_SLO = {"slo", CLLM_FT_OBJECT, "", "the SLOs the requests were held to",
    &CLLM_R_SERVE_SLO, 0, REQ};
const struct cllm_field CLLM_F_SERVE_G_N_GOOD = {"n_good", INT, "", "successful requests within every SLO given",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_G_RPS = {"requests_per_second", NUM, "req/s", "n_good / wall_s", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_G_FRACTION = {"fraction", NUM, "", "n_good / n_requests", NULL, 0,
    NUL | REQ};
static const struct cllm_field *const goodput_fields[] = {&CLLM_F_SERVE_G_SLO, &CLLM_F_SERVE_G_N_GOOD,
    &CLLM_F_SERVE_G_RPS, &CLLM_F_SERVE_G_FRACTION, NULL};
const struct cllm_record CLLM_R_SERVE_GOODPUT = {"serve_goodput", "requests within the SLOs of --slo",
    goodput_fields, false};

/* ---- levels[] ---- */

const struct cllm_field CLLM_F_SERVE_L_CONCURRENCY = {"concurrency", INT, "", "streams kept in flight", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_SERVE_L_STATUS = {"status", STR, "",
    "ok (ran to its end; some requests may have failed), failed + error (no request succeeded), cancelled (Ctrl-C)",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_REQUEST_LIMIT = {"request_limit", INT, "",
    "requests the level could start; null with --duration alone", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_N_REQUESTS = {"n_requests", INT, "", "requests that ended", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_N_OK = {"n_ok", INT, "", "requests that succeeded", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_N_FAILED = {"n_failed", INT, "", "requests that failed", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_N_CANCELLED = {"n_cancelled", INT, "",
    "cancelled level only: requests in flight at Ctrl-C, dropped and not counted", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_L_WALL_S = {"wall_s", NUM, "s",
    "from the first request sent to the last one ended", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_TTFT_S = {"ttft_s", CLLM_FT_OBJECT, "s",
    "time to the first content delta of the successful requests", &CLLM_R_SERVE_DIST, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_ITL_S = {"itl_s", CLLM_FT_OBJECT, "s",
    "every gap between consecutive content deltas, all successful requests' gaps pooled", &CLLM_R_SERVE_DIST, 0,
    REQ};
const struct cllm_field CLLM_F_SERVE_L_E2E_S = {"e2e_s", CLLM_FT_OBJECT, "s",
    "request sent to stream ended, of the successful requests", &CLLM_R_SERVE_DIST, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_OUTPUT_TOKENS = {"output_tokens", INT, "tokens",
    "generated tokens of the successful requests", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_OUTPUT_TPS = {"output_tokens_per_second", NUM, "tokens/s",
    "output_tokens / wall_s: aggregate over all streams", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_RPS = {"requests_per_second", NUM, "req/s", "n_ok / wall_s", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_ERROR_RATE = {"error_rate", NUM, "", "n_failed / n_requests", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_GOODPUT = {"goodput", CLLM_FT_OBJECT, "",
    "requests within the SLOs of --slo; null without --slo", &CLLM_R_SERVE_GOODPUT, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_TOKEN_COUNT_SOURCES = {"token_count_sources", CLLM_FT_MAP, "",
    "token_count_source → how many successful requests used it", NULL, INT, REQ};
const struct cllm_field CLLM_F_SERVE_L_ERRORS = {"errors", CLLM_FT_ARRAY, "",
    "the first distinct error messages (5 at most)", NULL, STR, REQ};
const struct cllm_field CLLM_F_SERVE_L_REQUESTS = {"requests", CLLM_FT_ARRAY, "",
    "per request, in the order they ended", &CLLM_R_SERVE_REQUEST, 0, REQ};
static const struct cllm_field *const level_fields[] = {&CLLM_F_SERVE_L_CONCURRENCY, &CLLM_F_SERVE_L_STATUS,
    &CLLM_F_ERROR, &CLLM_F_SERVE_L_REQUEST_LIMIT, &CLLM_F_SERVE_L_N_REQUESTS, &CLLM_F_SERVE_L_N_OK,
    &CLLM_F_SERVE_L_N_FAILED, &CLLM_F_SERVE_L_N_CANCELLED, &CLLM_F_SERVE_L_WALL_S, &CLLM_F_SERVE_L_TTFT_S,
    &CLLM_F_SERVE_L_ITL_S, &CLLM_F_SERVE_L_E2E_S, &CLLM_F_SERVE_L_OUTPUT_TOKENS, &CLLM_F_SERVE_L_OUTPUT_TPS,
    &CLLM_F_SERVE_L_RPS, &CLLM_F_SERVE_L_ERROR_RATE, &CLLM_F_SERVE_L_GOODPUT, &CLLM_F_SERVE_L_TOKEN_COUNT_SOURCES,
    &CLLM_F_SERVE_L_ERRORS, &CLLM_F_SERVE_L_REQUESTS, NULL};
const struct cllm_record CLLM_R_SERVE_LEVEL = {"serve_level",
    "one concurrency level: c streams in flight as a closed loop", level_fields, false};

/* ---- params ---- */

const struct cllm_field CLLM_F_SERVE_P_CONCURRENCY = {"concurrency", CLLM_FT_ARRAY, "",
    "the levels, in the order run", NULL, INT, REQ};
const struct cllm_field CLLM_F_SERVE_P_REQUESTS = {"requests", INT, "",
    "requests per level; null when not given: max(16, 4 x c), or no limit with duration_s", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_P_DURATION_S = {"duration_s", NUM, "s",
    "per level, no new request after this; null when not given", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_P_MAX_TOKENS = {"max_tokens", INT, "tokens", "max_tokens of each request",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_IGNORE_EOS = {"ignore_eos", CLLM_FT_BOOL, "",
    "exactly max_tokens asked for (llama-server and vLLM honour it)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_PROMPT = {"prompt", STR, "", "the user message", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_SYSTEM_PROMPT = {"system_prompt", STR, "", "the system message; \"\" none",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_TEMPERATURE = {"temperature", NUM, "", "sampling temperature sent", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_SERVE_P_TOP_P = {"top_p", NUM, "", "top_p sent", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_SEED = {"seed", INT, "", "seed sent", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_STALL_S = {"stall_s", INT, "s",
    "a stream without a token this long fails its request", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_DEADLINE_BASE_S = {"deadline_base_s", NUM, "s",
    "each request's deadline: this + max_tokens x deadline_per_token_s", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_DEADLINE_PER_TOKEN_S = {"deadline_per_token_s", NUM, "s",
    "the per-token budget of each request's deadline", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_SLO = {"slo", CLLM_FT_OBJECT, "", "the SLOs of --slo; null without it",
    &CLLM_R_SERVE_SLO, 0, NUL | REQ};
static const struct cllm_field *const params_fields[] = {&CLLM_F_SERVE_P_CONCURRENCY, &CLLM_F_SERVE_P_REQUESTS,
    &CLLM_F_SERVE_P_DURATION_S, &CLLM_F_SERVE_P_MAX_TOKENS, &CLLM_F_SERVE_P_IGNORE_EOS, &CLLM_F_SERVE_P_PROMPT,
    &CLLM_F_SERVE_P_SYSTEM_PROMPT, &CLLM_F_SERVE_P_TEMPERATURE, &CLLM_F_SERVE_P_TOP_P, &CLLM_F_SERVE_P_SEED,
    &CLLM_F_SERVE_P_STALL_S, &CLLM_F_SERVE_P_DEADLINE_BASE_S, &CLLM_F_SERVE_P_DEADLINE_PER_TOKEN_S,
    &CLLM_F_SERVE_P_SLO, NULL};
const struct cllm_record CLLM_R_SERVE_PARAMS = {"serve_params", "the run's setup as the requests were sent",
    params_fields, false};

/* ---- server ---- */

const struct cllm_field CLLM_F_SERVE_PROPS_BUILD_INFO = {"build_info", CLLM_FT_ANY, "",
    "llama-server's build, as /props sent it", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_PROPS_MODEL_PATH = {"model_path", CLLM_FT_ANY, "",
    "the model file llama-server loaded, as /props sent it", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_PROPS_TOTAL_SLOTS = {"total_slots", CLLM_FT_ANY, "",
    "llama-server's parallel slots, as /props sent it", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_PROPS_N_CTX = {"n_ctx", NUM, "tokens", "context size per slot", NULL, 0, 0};
static const struct cllm_field *const props_fields[] = {&CLLM_F_SERVE_PROPS_BUILD_INFO,
    &CLLM_F_SERVE_PROPS_MODEL_PATH, &CLLM_F_SERVE_PROPS_TOTAL_SLOTS, &CLLM_F_SERVE_PROPS_N_CTX, NULL};
const struct cllm_record CLLM_R_SERVE_PROPS = {"serve_props", "what llama-server's GET /props says of it",
    props_fields, false};

const struct cllm_field CLLM_F_SERVE_URL = {"url", STR, "", "the server as given, without any user:password@",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_LIBRARY = {"library", STR, "",
    "llama-server when GET /props answers with its generation settings, else openai-compatible", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PROPS = {"props", CLLM_FT_OBJECT, "",
    "llama-server's settings; null with the reason for other servers", &CLLM_R_SERVE_PROPS, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_MODELS_ERROR = {"models_error", STR, "",
    "GET /v1/models answered with what is not strict JSON: what was wrong", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_MODEL = {"model", STR, "", "the model sent in every request", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_MODEL_SOURCE = {"model_source", STR, "",
    "--server-model, /v1/models (its first model) or default", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_CLIENT = {"client", STR, "", "libcurl's version string", NULL, 0, REQ};
static const struct cllm_field *const server_fields[] = {&CLLM_F_SERVE_URL, &CLLM_F_SERVE_LIBRARY,
    &CLLM_F_SERVE_PROPS, &CLLM_F_SERVE_MODELS_ERROR, &CLLM_F_SERVE_MODEL, &CLLM_F_SERVE_MODEL_SOURCE,
    &CLLM_F_SERVE_CLIENT, NULL};
const struct cllm_record CLLM_R_SERVE_SERVER = {"serve_server",
    "the server under load, as it describes itself (the API key is never written)", server_fields, false};

/* ---- serving_benchmarks ---- */

const struct cllm_field CLLM_F_SERVE_STATUS = {"status", STR, "",
    "ok; partial (Ctrl-C: the levels done and the interrupted one kept); failed + error (every request of a level "
    "failed: the levels after it not run)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_SERVER = {"server", CLLM_FT_OBJECT, "", "the server under load",
    &CLLM_R_SERVE_SERVER, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PARAMS = {"params", CLLM_FT_OBJECT, "", "the run's setup",
    &CLLM_R_SERVE_PARAMS, 0, REQ};
const struct cllm_field CLLM_F_SERVE_LEVELS = {"levels", CLLM_FT_ARRAY, "", "one object per level run, in order",
    &CLLM_R_SERVE_LEVEL, 0, REQ};
static const struct cllm_field *const serving_fields[] = {&CLLM_F_SERVE_STATUS, &CLLM_F_SERVE_SERVER,
    &CLLM_F_SERVE_PARAMS, &CLLM_F_SERVE_LEVELS, &CLLM_F_ERROR, NULL};
const struct cllm_record CLLM_R_SERVING_BENCHMARKS = {"serving_benchmarks",
    "a serve-bench run against an OpenAI-compatible server: c streaming chat completions in flight per level",
    serving_fields, false};
