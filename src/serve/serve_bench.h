/* Serving load (`computellm serve-bench`): an OpenAI-compatible server (llama-server, vLLM, Ollama, ...) under c
 * concurrent streaming chat completions for each concurrency level c, as a closed loop (a request ends, the next
 * one starts) from one thread over curl's multi interface, so every stream is timestamped as its bytes arrive.
 * Per request TTFT, inter-token gaps, end-to-end latency and token counts (serve/chat_stream.h); per level
 * p50/p90/p99 and means, aggregate output tokens/s, requests/s, error rate and goodput under SLOs. The library
 * prints nothing: the caller watches through on_level. */
#ifndef CLLM_LLM_SERVE_BENCH_H
#define CLLM_LLM_SERVE_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

#define CLLM_SERVE_MAX_LEVELS 32
#define CLLM_SERVE_MAX_CONCURRENCY 1024

/* on_level: before a level starts (level NULL) and when it ended (level: its JSON object, as in the results). */
typedef void (*cllm_serve_level_fn)(int index, int count, int concurrency, const struct cJSON *level,
                                    void *user_data);

struct cllm_serve_params {
    const char *server_url;      /* http(s)://HOST:PORT[/prefix] of an OpenAI-compatible server (required) */
    const char *server_model;    /* "model" sent; NULL: the first model GET /v1/models lists, else "default" */
    const char *api_key;         /* sent as "Authorization: Bearer KEY"; NULL: none. Never written anywhere */
    int         concurrency[CLLM_SERVE_MAX_LEVELS];  /* the levels, run in this order; each 1 .. 1024 */
    int         n_levels;
    int         requests;        /* requests per level; 0: max(16, 4 × c), or no limit when duration_s is set */
    double      duration_s;      /* per level: no new request after this many seconds (those in flight finish);
                                    0: no limit */
    int         max_tokens;      /* max_tokens of each request (256) */
    bool        ignore_eos;      /* ask for exactly max_tokens (llama-server and vLLM honour "ignore_eos"): every
                                    request the same length, as with synthetic models */
    const char *prompt;          /* the user message (the benchmark's default prompt) */
    const char *system_prompt;   /* the system message; "" none (the benchmark's default) */
    double      slo_ttft_ms;     /* a good request's time to first token is at most this; <= 0: no such SLO */
    double      slo_itl_ms;      /* a good request's mean inter-token latency is at most this; <= 0: none */
    int         stall_s;         /* a stream without a token this long fails its request (60); keep-alive
                                    comments and empty events do not count */
    double      deadline_base_s;       /* each request's deadline: this + max_tokens × deadline_per_token_s (120) */
    double      deadline_per_token_s;  /* (2) */
    int         max_errors;      /* distinct error messages kept per level (5) */
    const volatile sig_atomic_t *cancel;   /* non-zero: stop at once (in-flight requests are aborted and dropped),
                                              keep what ended */
    cllm_serve_level_fn on_level;          /* may be NULL */
    void       *user_data;
};

struct cllm_serve_params cllm_serve_default_params(void);

/* Whether this build can run serve-bench (it needs libcurl). */
bool cllm_serve_supported(void);

/* "1,2,4,8" into p->concurrency / n_levels: positive integers up to CLLM_SERVE_MAX_CONCURRENCY, comma-separated.
 * CLLM_ERR_CONFIG with err naming the bad item. */
enum cllm_status cllm_serve_parse_concurrency(struct cllm_serve_params *p, const char *list, char *err,
                                              size_t errlen);

/* "ttft_ms=500,itl_ms=50" (either or both) into p->slo_*. CLLM_ERR_CONFIG with err naming the bad key or value. */
enum cllm_status cllm_serve_parse_slo(struct cllm_serve_params *p, const char *spec, char *err, size_t errlen);

/* Checks the parameters (URL scheme, levels, counts). CLLM_ERR_CONFIG with err saying what is wrong. */
enum cllm_status cllm_serve_check(const struct cllm_serve_params *p, char *err, size_t errlen);

/* Runs every level into section (the results file's serving_benchmarks object: status, server, params,
 * levels[]). A level where no request succeeded ends the run (section status "failed"). Returns CLLM_OK (the
 * section says how it went), CLLM_ERR_CANCELLED (levels done kept, the interrupted one marked "cancelled"),
 * CLLM_ERR_CONFIG (bad parameters), CLLM_ERR_UNSUPPORTED (no libcurl), CLLM_ERR_NOMEM; err says why. */
enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, struct cJSON *section, char *err,
                                size_t errlen);

/* The whole results file as `computellm run` writes it (hardware of this machine, tool, run status; the classic and
 * AI sections "skipped") with serving_benchmarks, written atomically into output_dir; its path into path_out.
 * *result_out (may be NULL) receives the tree. Returns as cllm_serve_run, or the file's write error. */
enum cllm_status cllm_serve_bench(const struct cllm_serve_params *p, const char *output_dir, char *path_out,
                                  size_t path_n, struct cJSON **result_out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
