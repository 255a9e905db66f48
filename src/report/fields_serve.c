/* The serve-bench section's field tables (see report/fields_serve.h). Meanings as docs/results-schema.md
 * (## serving_benchmarks) says them. */
#include "report/fields_serve.h"

#include <stddef.h>

#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/fields_prom.h"

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define NUL CLLM_FF_NULLABLE
#define REQ CLLM_FF_REQUIRED
#define BOOL CLLM_FT_BOOL

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
const struct cllm_field CLLM_F_SERVE_R_INDEX = {"index", INT, "",
    "the run's request number, from 0 across levels (what the workload was asked for)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_R_WARMUP = {"warmup", BOOL, "",
    "an SLA probe's warm-up request: left out of the level's latency statistics and SLO check", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_R_SCHEDULED_S = {"scheduled_s", NUM, "s",
    "open loop: when the schedule said to send it, from the level's start; null in a closed loop", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_SENT_S = {"sent_s", NUM, "s",
    "when it was sent, from the level's start (open loop) or its first send (closed loop)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_R_TTFT_CONTENT_S = {"ttft_content_s", NUM, "s",
    "request sent to its first delta with content text", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_TTFT_REASONING_S = {"ttft_reasoning_s", NUM, "s",
    "request sent to its first delta with reasoning_content text", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_TPOT_S = {"tpot_s", NUM, "s",
    "time per output token after the first: (e2e_s - ttft_s) / (output_tokens - 1)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_REASONING_TOKENS = {"reasoning_tokens", INT, "tokens",
    "reasoning_content deltas the request streamed (part of output_tokens when the server counts them)", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_SERVE_R_CACHED_TOKENS = {"cached_tokens", INT, "tokens",
    "prompt tokens the server took from its prompt cache (llama-server timings.cache_n, OpenAI/vLLM "
    "usage.prompt_tokens_details.cached_tokens)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED = {"prompt_tokens_counted", INT, "tokens",
    "the workload's own count of the prompt with the model's tokenizer (before the prefix-cache marker)", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_R_ORIGIN = {"origin", STR, "",
    "where the workload took the request from (corpus:..., dataset:N); null: the fixed prompt", NULL, 0, NUL | REQ};
static const struct cllm_field *const request_fields[] = {&CLLM_F_SERVE_R_STATUS, &CLLM_F_SERVE_R_HTTP_STATUS,
    &CLLM_F_SERVE_R_TTFT_S, &CLLM_F_SERVE_R_E2E_S, &CLLM_F_SERVE_R_ITL_MEAN_S, &CLLM_F_SERVE_R_OUTPUT_TOKENS,
    &CLLM_F_SERVE_R_PROMPT_TOKENS, &CLLM_F_SERVE_R_TOKEN_COUNT_SOURCE, &CLLM_F_ERROR, &CLLM_F_SERVE_R_INDEX,
    &CLLM_F_SERVE_R_WARMUP, &CLLM_F_SERVE_R_SCHEDULED_S, &CLLM_F_SERVE_R_SENT_S, &CLLM_F_SERVE_R_TTFT_CONTENT_S,
    &CLLM_F_SERVE_R_TTFT_REASONING_S, &CLLM_F_SERVE_R_TPOT_S, &CLLM_F_SERVE_R_REASONING_TOKENS,
    &CLLM_F_SERVE_R_CACHED_TOKENS, &CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED, &CLLM_F_SERVE_R_ORIGIN, NULL};
const struct cllm_record CLLM_R_SERVE_REQUEST = {"serve_request", "one streaming chat completion of a level",
    request_fields, false};

/* ---- a line of --save-requests (JSONL): a request's keys above plus its level and times on the level's clock ---- */

const struct cllm_field CLLM_F_SERVE_J_LEVEL = {"level", INT, "", "index of the request's level in levels[]", NULL,
    0, REQ};
const struct cllm_field CLLM_F_SERVE_J_LEVEL_VALUE = {"level_value", NUM, "",
    "the level's concurrency (closed loop) or requested rate in req/s (open loop; null: inf)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_J_FIRST_TOKEN_S = {"first_token_s", NUM, "s",
    "when its first output token (content or reasoning) came, from the level's start", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_J_FIRST_CONTENT_S = {"first_content_s", NUM, "s",
    "when its first content token came, from the level's start", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_J_END_S = {"end_s", NUM, "s", "when its stream ended, from the level's start",
    NULL, 0, NUL | REQ};
/* the line's error: null when the request succeeded (CLLM_F_ERROR is never null: written only on failure) */
const struct cllm_field CLLM_F_SERVE_J_ERROR = {"error", STR, "", "what failed; null when the request succeeded",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_J_ENERGY_J = {"energy_j", NUM, "J",
    "the level's energy divided by its requests (the monitor's window over the level)", NULL, 0, NUL | REQ};
static const struct cllm_field *const line_fields[] = {&CLLM_F_SERVE_J_LEVEL, &CLLM_F_SERVE_J_LEVEL_VALUE,
    &CLLM_F_SERVE_R_INDEX, &CLLM_F_SERVE_R_SCHEDULED_S, &CLLM_F_SERVE_R_SENT_S, &CLLM_F_SERVE_J_FIRST_TOKEN_S,
    &CLLM_F_SERVE_J_FIRST_CONTENT_S, &CLLM_F_SERVE_J_END_S, &CLLM_F_SERVE_R_PROMPT_TOKENS,
    &CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED, &CLLM_F_SERVE_R_CACHED_TOKENS, &CLLM_F_SERVE_R_OUTPUT_TOKENS,
    &CLLM_F_SERVE_R_REASONING_TOKENS, &CLLM_F_SERVE_R_STATUS, &CLLM_F_SERVE_R_HTTP_STATUS, &CLLM_F_SERVE_J_ERROR,
    &CLLM_F_SERVE_R_ORIGIN, &CLLM_F_SERVE_R_WARMUP, &CLLM_F_SERVE_J_ENERGY_J, NULL};
const struct cllm_record CLLM_R_SERVE_REQUEST_LINE = {"serve_request_line",
    "one line of serve-bench --save-requests", line_fields, false};

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

const struct cllm_field CLLM_F_SERVE_L_CONCURRENCY = {"concurrency", INT, "",
    "closed loop: streams kept in flight; open loop: max_concurrency, the cap on requests in flight (null: none)",
    NULL, 0, NUL | REQ};
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
const struct cllm_field CLLM_F_SERVE_L_MODE = {"mode", STR, "",
    "closed-loop (concurrency streams, one ends and the next starts) or open-loop (sent at rate)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_RATE = {"rate", NUM, "req/s",
    "open loop: the requested rate; null in a closed loop, or inf (every request sent at once)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_ACHIEVED_RATE = {"achieved_rate", NUM, "req/s",
    "the sends' own rate: (sends - 1) / (last send - first send)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_IA_MEAN_S = {"interarrival_mean_s", NUM, "s",
    "mean gap between consecutive sends", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_IA_CV = {"interarrival_cv", NUM, "",
    "coefficient of variation of the gaps between sends (sample sd / mean): 1 Poisson, 1/sqrt(burstiness) gamma",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_SCHEDULE_CV = {"schedule_cv", NUM, "",
    "open loop: the same CV of the seeded schedule itself, over as many arrivals as were sent", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_SCHEDULE_RATE = {"schedule_rate", NUM, "req/s",
    "open loop: the seeded schedule's own rate over the arrivals sent, (n - 1) / span: a short level's sample of a "
    "random process is off the requested rate by chance (Poisson: 1/sqrt(n)); achieved_rate is compared with this",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_N_WAITED = {"n_waited", INT, "",
    "open loop: arrivals held back because max_concurrency requests were in flight", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_WAIT_S = {"wait_s", CLLM_FT_OBJECT, "s",
    "open loop: due to sent of every send (the cap's hold and the client's lateness)", &CLLM_R_SERVE_DIST, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_N_WARMUP = {"n_warmup", INT, "",
    "requests left out of the latency statistics as an SLA probe's warm-up", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_TTFT_CONTENT_S = {"ttft_content_s", CLLM_FT_OBJECT, "s",
    "time to the first content delta (reasoning left out)", &CLLM_R_SERVE_DIST, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_TTFT_REASONING_S = {"ttft_reasoning_s", CLLM_FT_OBJECT, "s",
    "time to the first reasoning_content delta, of the requests that had one", &CLLM_R_SERVE_DIST, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_TPOT_S = {"tpot_s", CLLM_FT_OBJECT, "s",
    "each request's time per output token after the first (MLPerf's TPOT)", &CLLM_R_SERVE_DIST, 0, REQ};
const struct cllm_field CLLM_F_SERVE_L_REASONING_TOKENS = {"reasoning_tokens", INT, "tokens",
    "reasoning_content deltas of the successful requests", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_C_MET = {"met", BOOL, "", "every p99 SLO met and no measured request failed",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_C_FAILED = {"failed", STR, "", "what missed (\"\" when met)", NULL, 0, REQ};
static const struct cllm_field *const check_fields[] = {&CLLM_F_SERVE_C_MET, &CLLM_F_SERVE_C_FAILED, NULL};
const struct cllm_record CLLM_R_SERVE_SLO_CHECK = {"serve_slo_check", "the level against the p99 SLOs",
    check_fields, false};
const struct cllm_field CLLM_F_SERVE_L_SLO_CHECK = {"slo_check", CLLM_FT_OBJECT, "",
    "the level against the p99 SLOs of --slo / --slo-preset; null without one", &CLLM_R_SERVE_SLO_CHECK, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_ENERGY = {"energy", CLLM_FT_OBJECT, "",
    "the machine's energy from the level's first send to its last end (the resource monitor's window; tokens: "
    "the level's output tokens)", &CLLM_R_ENERGY, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_L_ENERGY_PER_REQUEST_J = {"energy_per_request_j", NUM, "J",
    "energy.joules / n_requests", NULL, 0, NUL | REQ};
static const struct cllm_field *const level_fields[] = {&CLLM_F_SERVE_L_MODE, &CLLM_F_SERVE_L_RATE,
    &CLLM_F_SERVE_L_CONCURRENCY, &CLLM_F_SERVE_L_STATUS,
    &CLLM_F_ERROR, &CLLM_F_SERVE_L_REQUEST_LIMIT, &CLLM_F_SERVE_L_N_REQUESTS, &CLLM_F_SERVE_L_N_OK,
    &CLLM_F_SERVE_L_N_FAILED, &CLLM_F_SERVE_L_N_CANCELLED, &CLLM_F_SERVE_L_WALL_S, &CLLM_F_SERVE_L_TTFT_S,
    &CLLM_F_SERVE_L_ITL_S, &CLLM_F_SERVE_L_E2E_S, &CLLM_F_SERVE_L_OUTPUT_TOKENS, &CLLM_F_SERVE_L_OUTPUT_TPS,
    &CLLM_F_SERVE_L_RPS, &CLLM_F_SERVE_L_ERROR_RATE, &CLLM_F_SERVE_L_GOODPUT, &CLLM_F_SERVE_L_TOKEN_COUNT_SOURCES,
    &CLLM_F_SERVE_L_ACHIEVED_RATE, &CLLM_F_SERVE_L_IA_MEAN_S, &CLLM_F_SERVE_L_IA_CV, &CLLM_F_SERVE_L_SCHEDULE_CV,
    &CLLM_F_SERVE_L_SCHEDULE_RATE, &CLLM_F_SERVE_L_N_WAITED, &CLLM_F_SERVE_L_WAIT_S, &CLLM_F_SERVE_L_N_WARMUP, &CLLM_F_SERVE_L_TTFT_CONTENT_S,
    &CLLM_F_SERVE_L_TTFT_REASONING_S, &CLLM_F_SERVE_L_TPOT_S, &CLLM_F_SERVE_L_REASONING_TOKENS,
    &CLLM_F_SERVE_L_SLO_CHECK, &CLLM_F_SERVE_L_ENERGY, &CLLM_F_SERVE_L_ENERGY_PER_REQUEST_J,
    &CLLM_F_SERVE_L_SERVER_METRICS, &CLLM_F_SERVE_L_ERRORS, &CLLM_F_SERVE_L_REQUESTS, NULL};
const struct cllm_record CLLM_R_SERVE_LEVEL = {"serve_level",
    "one level: c streams in flight as a closed loop, or requests sent at a rate (open loop)", level_fields, false};

/* ---- params ---- */

const struct cllm_field CLLM_F_SERVE_P_CONCURRENCY = {"concurrency", CLLM_FT_ARRAY, "",
    "the closed-loop levels, in the order run; null for open-loop levels or an SLA search", NULL, INT, NUL | REQ};
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
const struct cllm_field CLLM_F_SERVE_P_REQUEST_RATE = {"request_rate", CLLM_FT_ARRAY, "req/s",
    "open-loop levels as given (inf: every request at once); null: closed loop", NULL, STR, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_P_BURSTINESS = {"burstiness", NUM, "",
    "gamma shape of the inter-arrival times (1 Poisson; below 1 burstier)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_MAX_CONCURRENCY = {"max_concurrency", INT, "",
    "open loop: requests in flight at most (later arrivals wait); null: no cap", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_P_RAMP_UP_S = {"ramp_up_s", NUM, "s",
    "open loop: the rate grows linearly from 0 to the level's over this time (0: none)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_ARRIVAL_SEED = {"arrival_seed", INT, "",
    "seed of the arrival schedule and the unique prefixes (level i draws with seed + i)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_P_CONTENT = {"content", STR, "",
    "fixed (every request sends prompt and system_prompt) or workload (each request's own content)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PC_MODE = {"mode", STR, "",
    "off (a unique random prefix opens every prompt, cache_prompt false), on (the content as it is, cache_prompt "
    "true) or shared-prefix (one shared system prefix, then a unique marker; cache_prompt true)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PC_CACHE_PROMPT = {"cache_prompt", BOOL, "",
    "what llama-server was sent as cache_prompt (other servers get no such field)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PC_SHARED_TOKENS = {"shared_prefix_tokens", INT, "tokens",
    "shared-prefix: the length asked for; null in the other modes", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_PC_SHARED_WORDS = {"shared_prefix_words", INT, "",
    "shared-prefix: words of the prefix made (each about one token; the prompt_tokens the server counted are in the "
    "requests)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_PC_SHARED_COUNTED = {"shared_prefix_tokens_counted", INT, "tokens",
    "shared-prefix: the server's token count of the prefix text (llama-server POST /tokenize, without BOS; the words "
    "were scaled until it matched); null when the server cannot count", NULL, 0, NUL | REQ};
static const struct cllm_field *const pc_fields[] = {&CLLM_F_SERVE_PC_MODE, &CLLM_F_SERVE_PC_CACHE_PROMPT,
    &CLLM_F_SERVE_PC_SHARED_TOKENS, &CLLM_F_SERVE_PC_SHARED_WORDS, &CLLM_F_SERVE_PC_SHARED_COUNTED, NULL};
const struct cllm_record CLLM_R_SERVE_PREFIX_CACHE = {"serve_prefix_cache", "what the prompt cache could reuse",
    pc_fields, false};
const struct cllm_field CLLM_F_SERVE_P_PREFIX_CACHE = {"prefix_cache", CLLM_FT_OBJECT, "",
    "the prefix-cache mode measured", &CLLM_R_SERVE_PREFIX_CACHE, 0, REQ};
const struct cllm_field CLLM_F_SERVE_S99_TTFT = {"ttft_p99_ms", NUM, "ms", "TTFT p99 at most this", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_S99_ITL = {"itl_p99_ms", NUM, "ms", "ITL p99 (gaps pooled) at most this",
    NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_S99_E2E = {"e2e_p99_ms", NUM, "ms", "e2e p99 at most this", NULL, 0, 0};
const struct cllm_field CLLM_F_SERVE_S99_TPOT = {"tpot_p99_ms", NUM, "ms", "TPOT p99 at most this", NULL, 0, 0};
static const struct cllm_field *const s99_fields[] = {&CLLM_F_SERVE_S99_TTFT, &CLLM_F_SERVE_S99_ITL,
    &CLLM_F_SERVE_S99_E2E, &CLLM_F_SERVE_S99_TPOT, NULL};
const struct cllm_record CLLM_R_SERVE_SLO_P99 = {"serve_slo_p99", "the p99 SLOs (only those given)", s99_fields,
    false};
const struct cllm_field CLLM_F_SERVE_P_SLO_P99 = {"slo_p99", CLLM_FT_OBJECT, "",
    "the p99 SLOs every level is checked against; null without one", &CLLM_R_SERVE_SLO_P99, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_F_MODE = {"mode", STR, "", "concurrency or rate", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_F_PROBE_REQUESTS = {"probe_requests", INT, "",
    "a probe's measured requests, at least", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_F_PROBE_S = {"probe_s", NUM, "s", "a probe's measured seconds, at least", NULL,
    0, REQ};
const struct cllm_field CLLM_F_SERVE_F_WARMUP_SHARE = {"warmup_share", NUM, "",
    "a probe's first share of requests (and of its sending time), left out as warm-up", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_F_RESOLUTION = {"rate_resolution", NUM, "",
    "rate: the bisection stops when high - low <= this x high", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_F_START_RATE = {"start_rate", NUM, "req/s", "rate: the first probe", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_SERVE_F_LIMIT = {"limit", NUM, "", "the highest level the search probes", NULL, 0,
    REQ};
static const struct cllm_field *const findp_fields[] = {&CLLM_F_SERVE_F_MODE, &CLLM_F_SERVE_F_PROBE_REQUESTS,
    &CLLM_F_SERVE_F_PROBE_S, &CLLM_F_SERVE_F_WARMUP_SHARE, &CLLM_F_SERVE_F_RESOLUTION, &CLLM_F_SERVE_F_START_RATE,
    &CLLM_F_SERVE_F_LIMIT, NULL};
const struct cllm_record CLLM_R_SERVE_FIND_PARAMS = {"serve_find_params", "the SLA search's settings and probe rule",
    findp_fields, false};
const struct cllm_field CLLM_F_SERVE_P_FIND_MAX = {"find_max", CLLM_FT_OBJECT, "",
    "the SLA search's settings; null without --find-max", &CLLM_R_SERVE_FIND_PARAMS, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_W_SOURCE = {"source", STR, "",
    "corpus (the project's prompt corpus, data/prompts) or dataset (--dataset FILE)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_W_INPUT_LEN = {"input_len", STR, "tokens",
    "--input-len: N fixed, mean,std normal (clipped) or min-max uniform; null with a dataset", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_W_OUTPUT_LEN = {"output_len", STR, "tokens",
    "--output-len (each request's max_tokens; a dataset line's own output_len wins), same forms", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_W_DATASET = {"dataset", STR, "", "the --dataset file as given; null: the corpus",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_W_LANGUAGES = {"languages", STR, "",
    "the corpus's languages used, comma-separated; null: all six (or a dataset)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_W_GENRES = {"genres", STR, "",
    "the corpus's genres used, comma-separated; null: all (or a dataset)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_W_SIZE = {"size", INT, "",
    "dataset: its prompts; corpus: the language x genre pairs the requests go round", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_W_PROMPT_TOKENS = {"prompt_tokens", STR, "",
    "counted (each prompt's tokens counted by the server's tokenizer, POST /tokenize: "
    "requests[].prompt_tokens_counted) or estimated (no tokenizer: bytes and characters; reason says why)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_W_SEED = {"seed", INT, "", "seed of the lengths drawn", NULL, 0, REQ};
static const struct cllm_field *const workload_fields[] = {&CLLM_F_SERVE_W_SOURCE, &CLLM_F_SERVE_W_INPUT_LEN,
    &CLLM_F_SERVE_W_OUTPUT_LEN, &CLLM_F_SERVE_W_DATASET, &CLLM_F_SERVE_W_LANGUAGES, &CLLM_F_SERVE_W_GENRES,
    &CLLM_F_SERVE_W_SIZE, &CLLM_F_SERVE_W_PROMPT_TOKENS, &CLLM_F_REASON, &CLLM_F_SERVE_W_SEED, NULL};
const struct cllm_record CLLM_R_SERVE_WORKLOAD = {"serve_workload",
    "what each request sent: lengths drawn from specs over the corpus, or a dataset's prompts", workload_fields,
    false};
const struct cllm_field CLLM_F_SERVE_P_WORKLOAD = {"workload", CLLM_FT_OBJECT, "",
    "--input-len / --output-len / --dataset; null: every request sent prompt and system_prompt",
    &CLLM_R_SERVE_WORKLOAD, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_M_INTERVAL_S = {"interval_s", NUM, "s",
    "scrapes during a level every this often (0: before and after only)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_M_TIMEOUT_S = {"timeout_s", NUM, "s", "each scrape's deadline", NULL, 0, REQ};
static const struct cllm_field *const mparams_fields[] = {&CLLM_F_SERVE_M_INTERVAL_S, &CLLM_F_SERVE_M_TIMEOUT_S,
    NULL};
const struct cllm_record CLLM_R_SERVE_METRICS_PARAMS = {"serve_metrics_params",
    "how the server's /metrics were scraped around each level", mparams_fields, false};
const struct cllm_field CLLM_F_SERVE_P_SERVER_METRICS = {"server_metrics", CLLM_FT_OBJECT, "",
    "the server's /metrics scraped before, during and after each level; null with --no-server-metrics",
    &CLLM_R_SERVE_METRICS_PARAMS, 0, NUL | REQ};
static const struct cllm_field *const params_fields[] = {&CLLM_F_SERVE_P_CONCURRENCY, &CLLM_F_SERVE_P_REQUEST_RATE,
    &CLLM_F_SERVE_P_BURSTINESS, &CLLM_F_SERVE_P_MAX_CONCURRENCY, &CLLM_F_SERVE_P_RAMP_UP_S,
    &CLLM_F_SERVE_P_ARRIVAL_SEED, &CLLM_F_SERVE_P_CONTENT, &CLLM_F_SERVE_P_WORKLOAD, &CLLM_F_SERVE_P_SERVER_METRICS,
    &CLLM_F_SERVE_P_PREFIX_CACHE, &CLLM_F_SERVE_P_SLO_P99,
    &CLLM_F_SERVE_P_FIND_MAX, &CLLM_F_SERVE_P_REQUESTS,
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
const struct cllm_field CLLM_F_SERVE_PR_VALUE = {"value", NUM, "", "the concurrency or rate (req/s) probed", NULL,
    0, REQ};
const struct cllm_field CLLM_F_SERVE_PR_LEVEL = {"level", INT, "", "the probe's index in levels[]", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PR_MET = {"met", BOOL, "", "the probe met every p99 SLO", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_PR_WHY = {"why", STR, "", "what missed (\"\" when met)", NULL, 0, REQ};
static const struct cllm_field *const probe_fields[] = {&CLLM_F_SERVE_PR_VALUE, &CLLM_F_SERVE_PR_LEVEL,
    &CLLM_F_SERVE_PR_MET, &CLLM_F_SERVE_PR_WHY, NULL};
const struct cllm_record CLLM_R_SERVE_PROBE = {"serve_probe", "one probe of the SLA search", probe_fields, false};
const struct cllm_field CLLM_F_SERVE_SR_MODE = {"mode", STR, "", "concurrency or rate", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_SR_FOUND = {"found", BOOL, "", "some probe met the SLOs", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_SR_BEST = {"max_meeting_slo", NUM, "",
    "the highest concurrency or rate (req/s) that met every SLO; null when none did", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_SR_LOWEST_FAILED = {"lowest_failing", NUM, "",
    "the lowest level probed that missed; null when none missed (the search's limit met them)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SERVE_SR_LIMIT_REACHED = {"limit_reached", BOOL, "",
    "every probe up to the search's limit met the SLOs: the true maximum may be higher", NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_SR_RULE = {"rule", STR, "", "how the search chose its probes and their length",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_SERVE_SR_PROBES = {"probes", CLLM_FT_ARRAY, "", "the probes in the order run",
    &CLLM_R_SERVE_PROBE, 0, REQ};
static const struct cllm_field *const search_fields[] = {&CLLM_F_SERVE_SR_MODE, &CLLM_F_SERVE_SR_FOUND,
    &CLLM_F_SERVE_SR_BEST, &CLLM_F_SERVE_SR_LOWEST_FAILED, &CLLM_F_SERVE_SR_LIMIT_REACHED, &CLLM_F_SERVE_SR_RULE,
    &CLLM_F_SERVE_SR_PROBES, NULL};
const struct cllm_record CLLM_R_SERVE_SEARCH = {"serve_search", "the SLA search's outcome and probes",
    search_fields, false};
const struct cllm_field CLLM_F_SERVE_SEARCH = {"sla_search", CLLM_FT_OBJECT, "",
    "--find-max: the highest level meeting every p99 SLO and the probes' table; null without it",
    &CLLM_R_SERVE_SEARCH, 0, NUL | REQ};
static const struct cllm_field *const serving_fields[] = {&CLLM_F_SERVE_STATUS, &CLLM_F_SERVE_SERVER,
    &CLLM_F_SERVE_PARAMS, &CLLM_F_SERVE_LEVELS, &CLLM_F_SERVE_SEARCH, &CLLM_F_ERROR, NULL};
const struct cllm_record CLLM_R_SERVING_BENCHMARKS = {"serving_benchmarks",
    "a serve-bench run against an OpenAI-compatible server: streaming chat completions, closed- or open-loop levels",
    serving_fields, false};
