/* Serving load (`computellm serve-bench`): an OpenAI-compatible server (llama-server, vLLM, Ollama, ...) under c
 * concurrent streaming chat completions for each concurrency level c, as a closed loop (a request ends, the next
 * one starts) from one thread over curl's multi interface, so every stream is timestamped as its bytes arrive.
 * Per request TTFT, inter-token gaps, end-to-end latency and token counts (serve/chat_stream.h); per level
 * p50/p90/p99 and means, aggregate output tokens/s, requests/s, error rate and goodput under SLOs, returned as
 * structs (report/write_serve.c turns them into results JSON; app/serve_plan.c writes the file). The library
 * prints nothing: the caller watches through on_level. */
#ifndef CLLM_LLM_SERVE_BENCH_H
#define CLLM_LLM_SERVE_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_SERVE_MAX_LEVELS 32
#define CLLM_SERVE_MAX_CONCURRENCY 1024

/* One request of a level, in the order they ended. */
struct cllm_serve_request {
    bool        ok;
    int         http_status;       /* 0: no HTTP answer */
    double      ttft_s;            /* to the first content delta; NAN: no token with text came */
    double      e2e_s;             /* request sent to stream ended; NAN: no timing */
    double      itl_mean_s;        /* mean gap between content deltas; NAN below 2 tokens */
    int         output_tokens;
    int         prompt_tokens;     /* -1: the server sent neither usage nor timings */
    char        token_count_source[16];   /* "usage", "timings" or "chunks" */
    char       *error;             /* what failed (malloc'd); NULL when ok */
};

/* p50, p90, p99 and mean (numpy's interpolated percentiles), in seconds; NAN when n is 0. */
struct cllm_serve_dist {
    double p50, p90, p99, mean;
    size_t n;
};

/* How many successful requests took their token count from one source. */
struct cllm_serve_source_count {
    char source[16];
    int  n;
};

enum cllm_serve_level_status {
    CLLM_SERVE_LEVEL_OK,          /* ran to its end (some requests may have failed) */
    CLLM_SERVE_LEVEL_FAILED,      /* no request succeeded */
    CLLM_SERVE_LEVEL_CANCELLED    /* Ctrl-C */
};

/* One concurrency level: its request records and statistics over them. */
struct cllm_serve_level {
    int         concurrency;
    enum cllm_serve_level_status status;
    const char *error;            /* FAILED: the first request's error (or a fixed text); else NULL */
    int         request_limit;    /* requests the level could start; 0: no limit (until duration_s) */
    int         n_requests;       /* ended (the length of requests[]) */
    int         n_ok, n_failed;
    int         n_cancelled;      /* CANCELLED: in flight at Ctrl-C, dropped and not counted */
    double      wall_s;           /* first request sent to last one ended; NAN when none ended */
    struct cllm_serve_dist ttft_s, itl_s, e2e_s;   /* over the successful requests (itl_s: every gap pooled) */
    long long   output_tokens;    /* of the successful requests */
    double      output_tokens_per_second;   /* output_tokens / wall_s; NAN when no request ended */
    double      requests_per_second;        /* n_ok / wall_s */
    double      error_rate;                 /* n_failed / n_requests */
    bool        has_goodput;      /* an SLO was given: the three below are set */
    int         n_good;           /* successful requests within every SLO given */
    double      goodput_requests_per_second;   /* n_good / wall_s */
    double      goodput_fraction;              /* n_good / n_requests */
    struct cllm_serve_source_count *sources;   /* in the order first seen */
    int         n_sources;
    const char **errors;          /* the first max_errors distinct messages (pointing into requests[]) */
    int         n_errors;
    struct cllm_serve_request *requests;
};

enum cllm_serve_value_kind { CLLM_SERVE_VALUE_NONE, CLLM_SERVE_VALUE_NUMBER, CLLM_SERVE_VALUE_STRING };

/* A scalar the server sent (llama-server's /props), kept as it came. */
struct cllm_serve_value {
    enum cllm_serve_value_kind kind;
    double num;
    char  *str;                   /* STRING: malloc'd */
};

/* What the server says about itself. */
struct cllm_serve_server {
    char        url[512];         /* as given, without "user:password@" */
    const char *library;          /* "llama-server" (GET /props answers with its settings) or "openai-compatible" */
    bool        has_props;        /* llama-server: the four below */
    struct cllm_serve_value build_info, model_path, total_slots;
    double      n_ctx;            /* per slot; NAN when not sent */
    char        props_why[400];   /* !has_props: why there are none */
    char        models_error[300];   /* GET /v1/models answered 200 with what is not strict JSON; "" none */
    char        model[256];       /* sent in every request */
    const char *model_source;     /* "--server-model", "/v1/models" or "default" */
    const char *client;           /* libcurl's version string */
};

/* The run's setup as the requests were sent (the caller's strings: valid while the params' are). */
struct cllm_serve_setup {
    int         concurrency[CLLM_SERVE_MAX_LEVELS];
    int         n_levels;
    int         requests;         /* 0: not given */
    double      duration_s;       /* 0: not given */
    int         max_tokens;
    bool        ignore_eos;
    const char *prompt, *system_prompt;
    double      temperature, top_p;
    uint32_t    seed;
    int         stall_s;
    double      deadline_base_s, deadline_per_token_s;
    double      slo_ttft_ms, slo_itl_ms;   /* 0: no such SLO */
};

enum cllm_serve_run_status {
    CLLM_SERVE_NOT_RUN,           /* the parameters were refused: nothing else is set */
    CLLM_SERVE_RUNNING,           /* ended before its levels (curl's multi handle could not be made) */
    CLLM_SERVE_OK,
    CLLM_SERVE_PARTIAL,           /* Ctrl-C: the levels done and the interrupted one are kept */
    CLLM_SERVE_FAILED             /* error says why */
};

/* One serve-bench run: the results file's serving_benchmarks (report/write_serve.c writes it). */
struct cllm_serve_result {
    enum cllm_serve_run_status status;
    char        error[CLLM_ERR_LEN];       /* FAILED: why; "" otherwise */
    struct cllm_serve_server server;
    struct cllm_serve_setup  setup;
    struct cllm_serve_level *levels;   /* in the order run */
    int         n_levels;
};

/* on_level: before a level starts (level NULL) and when it ended (level: its record and statistics). */
typedef void (*cllm_serve_level_fn)(int index, int count, int concurrency, const struct cllm_serve_level *level,
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

/* Runs every level into *out (zeroed first; free it with cllm_serve_result_free). A level where no request
 * succeeded ends the run (status FAILED). Returns CLLM_OK (out->status says how it went), CLLM_ERR_CANCELLED
 * (levels done kept, the interrupted one marked CANCELLED), CLLM_ERR_CONFIG (bad parameters), CLLM_ERR_UNSUPPORTED
 * (no libcurl), CLLM_ERR_NOMEM (out keeps what ended, status FAILED), or a failure to start a request; err says
 * why. */
enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, struct cllm_serve_result *out, char *err,
                                size_t errlen);

void cllm_serve_result_free(struct cllm_serve_result *r);

#ifdef __cplusplus
}
#endif

#endif
