/* The server_metrics record of a serve-bench level (see report/fields_prom.h; docs/results-schema.md
 * ## serving_benchmarks, server_metrics). */
#include "report/fields_prom.h"

#include <stddef.h>

#include "report/fields_core.h"

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define OBJ CLLM_FT_OBJECT
#define NUL CLLM_FF_NULLABLE
#define REQ CLLM_FF_REQUIRED

const struct cllm_field CLLM_F_PROM_BEFORE = {"before", NUM, "",
    "the value the scrape before the level read (unit: the key's)", NULL, 0, NUL};
const struct cllm_field CLLM_F_PROM_AFTER = {"after", NUM, "",
    "the value the scrape after the level read (unit: the key's)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_PROM_DELTA = {"delta", NUM, "",
    "after - before: what the level added to the counter; null when it went down (the server restarted)",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_PROM_MAX = {"max", NUM, "",
    "the largest value of the scrapes before, during and after the level", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_PROM_SOURCE = {"source", STR, "",
    "the server's metric name the value came from, e.g. llamacpp:prompt_tokens_total", NULL, 0, REQ};

static const struct cllm_field *const counter_fields[] = {&CLLM_F_PROM_BEFORE, &CLLM_F_PROM_AFTER,
    &CLLM_F_PROM_DELTA, &CLLM_F_PROM_SOURCE, NULL};
const struct cllm_record CLLM_R_PROM_COUNTER = {"serve_prom_counter",
    "a counter of the server's /metrics around one level", counter_fields, false};
static const struct cllm_field *const gauge_fields[] = {&CLLM_F_PROM_BEFORE, &CLLM_F_PROM_AFTER,
    &CLLM_F_PROM_MAX, &CLLM_F_PROM_SOURCE, NULL};
const struct cllm_record CLLM_R_PROM_GAUGE = {"serve_prom_gauge",
    "a gauge of the server's /metrics around one level", gauge_fields, false};

#define COUNTER(id, key, unit, what) \
    static const struct cllm_field id = {key, OBJ, unit, what, &CLLM_R_PROM_COUNTER, 0, NUL}
#define GAUGE(id, key, unit, what) \
    static const struct cllm_field id = {key, OBJ, unit, what, &CLLM_R_PROM_GAUGE, 0, NUL}

GAUGE(F_KV, "kv_cache_usage", "fraction", "share of the KV cache in use, 0..1 (llama-server before the pinned "
      "release: kv_cache_usage_ratio; vLLM: kv_cache_usage_perc or gpu_cache_usage_perc)");
GAUGE(F_RUNNING, "requests_running", "requests", "requests being processed (llama-server: requests_processing; "
      "vLLM: num_requests_running)");
GAUGE(F_WAITING, "requests_waiting", "requests", "requests queued (llama-server: requests_deferred; vLLM: "
      "num_requests_waiting)");
COUNTER(F_PROMPT, "prompt_tokens", "tokens", "prompt tokens processed (llama-server: prompt_tokens_total, "
        "excluding cached ones; vLLM: prompt_tokens_total)");
COUNTER(F_PROMPT_CACHED, "prompt_tokens_cached", "tokens", "prompt tokens reused from the cache "
        "(llama-server: prompt_tokens_cached_total)");
COUNTER(F_GEN, "generation_tokens", "tokens", "tokens generated (llama-server: tokens_predicted_total; vLLM: "
        "generation_tokens_total)");
COUNTER(F_DECODE, "decode_calls", "calls", "llama_decode() calls (llama-server: n_decode_total)");
COUNTER(F_PREEMPT, "preemptions", "requests", "requests preempted (vLLM: num_preemptions_total)");
COUNTER(F_PC_QUERIES, "prefix_cache_queries", "tokens", "prefix-cache lookups (vLLM: prefix_cache_queries_total)");
COUNTER(F_PC_HITS, "prefix_cache_hits", "tokens", "prefix-cache hits (vLLM: prefix_cache_hits_total)");
COUNTER(F_PROMPT_S, "prompt_seconds", "s", "time spent on prompts (llama-server: prompt_seconds_total)");
COUNTER(F_GEN_S, "generation_seconds", "s", "time spent generating (llama-server: "
        "tokens_predicted_seconds_total)");

const struct cllm_field *const cllm_prom_key_fields[] = {&F_KV, &F_RUNNING, &F_WAITING, &F_PROMPT,
    &F_PROMPT_CACHED, &F_GEN, &F_DECODE, &F_PREEMPT, &F_PC_QUERIES, &F_PC_HITS, &F_PROMPT_S, &F_GEN_S, NULL};

const struct cllm_field CLLM_F_PROM_STATUS = {"status", STR, "",
    "measured (scraped before and after the level) or unavailable (reason says why)", NULL, 0, REQ};
const struct cllm_field CLLM_F_PROM_SERVER = {"server", STR, "",
    "whose metric names were found: llama-server, vllm or unknown", NULL, 0, 0};
const struct cllm_field CLLM_F_PROM_SCRAPES = {"scrapes", INT, "", "scrapes of GET /metrics folded in", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_PROM_INTERVAL_S = {"interval_s", NUM, "s",
    "between the scrape before and the scrape after", NULL, 0, NUL};

static const struct cllm_field *const server_metrics_fields[] = {&CLLM_F_PROM_STATUS, &CLLM_F_REASON,
    &CLLM_F_PROM_SERVER, &CLLM_F_PROM_SCRAPES, &CLLM_F_PROM_INTERVAL_S, &F_KV, &F_RUNNING, &F_WAITING, &F_PROMPT,
    &F_PROMPT_CACHED, &F_GEN, &F_DECODE, &F_PREEMPT, &F_PC_QUERIES, &F_PC_HITS, &F_PROMPT_S, &F_GEN_S, NULL};
const struct cllm_record CLLM_R_SERVE_SERVER_METRICS = {"serve_server_metrics",
    "the server's own Prometheus /metrics around one level: counters as differences, gauges after and at most",
    server_metrics_fields, false};

const struct cllm_field CLLM_F_SERVE_L_SERVER_METRICS = {"server_metrics", OBJ, "",
    "the server's own /metrics scraped before, during and after the level (llama-server --metrics, vLLM); null "
    "with --no-server-metrics", &CLLM_R_SERVE_SERVER_METRICS, 0, NUL | REQ};
