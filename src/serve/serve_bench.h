/* Serving load (`computellm serve-bench`): an OpenAI-compatible server (llama-server, vLLM, Ollama, ...) under
 * streaming chat completions, level after level, from one thread over curl's multi interface, so every stream is
 * timestamped as its bytes arrive. A level is closed-loop (c requests in flight: one ends, the next starts) or
 * open-loop (requests sent at a rate R on a seeded gamma schedule of shape B — Poisson when B = 1 —, optionally
 * capped at max_concurrency in flight and ramped up linearly). Every request's content comes from next_request (or
 * the fixed prompt) with the prefix-cache mode applied on top. The SLA search (find_max) picks its levels itself:
 * the highest concurrency or rate whose probe meets every p99 SLO. Per request TTFT (first output token: content or
 * reasoning), inter-token gaps, end-to-end latency and token counts (serve/chat_stream.h); per level p50/p90/p99
 * and means, aggregate output tokens/s, requests/s, arrival statistics, error rate, goodput and the p99 SLO check,
 * returned as structs (report/write_serve.c turns them into results JSON; app/serve_plan.c writes the file). The
 * library prints nothing: the caller watches through on_level. */
#ifndef CLLM_LLM_SERVE_BENCH_H
#define CLLM_LLM_SERVE_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "llm/llm_result.h"
#include "serve/prom.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_SERVE_MAX_LEVELS 32
#define CLLM_SERVE_MAX_CONCURRENCY 1024
#define CLLM_SERVE_MAX_PROBES 48       /* levels an SLA search may run */
#define CLLM_SERVE_DEFAULT_OPEN_REQUESTS 100   /* an open-loop level's requests without --requests/--duration */

/* What one request sends. Filled by params.next_request (serve/workload.c); without one every request sends
 * params.prompt / system_prompt / max_tokens. Strings stay valid until cllm_serve_run returns. */
struct cllm_serve_content {
    const char *system;        /* the system message; "" none */
    const char *user;          /* the user message */
    int         max_tokens;    /* this request's max_tokens (its output length) */
    int         prompt_tokens; /* the prompt's tokens as the model's tokenizer counted them; -1 unknown */
    const char *origin;        /* where it came from, e.g. "corpus:fr/story#3" or "dataset:17"; for --save-requests */
};
/* index counts the run's requests from 0 across levels. CLLM_OK, or an error (err set) that ends the run. */
typedef enum cllm_status (*cllm_serve_next_fn)(void *user_data, long index, struct cllm_serve_content *out,
                                               char *err, size_t errlen);

/* What next_request's content is, for the results' params (serve/workload.h made it; app/serve_plan.c fills this
 * in). Strings are the caller's and stay valid while the params' do. */
struct cllm_serve_workload_info {
    const char *source;        /* "corpus" or "dataset" */
    const char *input_len;     /* the --input-len spec ("256", "128,32", "64-256"); NULL with a dataset */
    const char *output_len;    /* the --output-len spec (lines of a dataset without their own output length) */
    const char *dataset;       /* the --dataset path; NULL for the corpus */
    const char *languages, *genres;   /* the corpus's languages and genres asked for; NULL: all */
    long        size;          /* dataset: its prompts; corpus: language x genre pairs */
    bool        counted;       /* each prompt's tokens counted by the server's tokenizer (POST /tokenize); false:
                                  estimated (why_estimated) */
    char        why_estimated[256];   /* !counted: why there was no tokenizer */
    uint64_t    seed;          /* the lengths' generator's seed */
};

/* What the prompt cache may reuse (the engine applies it on top of each request's content). */
enum cllm_serve_prefix_cache {
    CLLM_SERVE_CACHE_OFF,      /* a unique random prefix opens every prompt and "cache_prompt": false: nothing is
                                  shared between requests (the default) */
    CLLM_SERVE_CACHE_ON,       /* "cache_prompt": true and the content as it is: the cached case, measured on purpose */
    CLLM_SERVE_CACHE_SHARED    /* every request opens with the same system prefix of about shared_prefix_tokens
                                  tokens, then a unique marker; "cache_prompt": true */
};

enum cllm_serve_find { CLLM_SERVE_FIND_NONE, CLLM_SERVE_FIND_CONCURRENCY, CLLM_SERVE_FIND_RATE };

/* Latency SLOs on a level's p99s (--slo ttft_p99_ms=...; the presets set ttft and tpot); 0: no such SLO. */
struct cllm_serve_slo {
    double ttft_p99_ms;        /* time to first token */
    double itl_p99_ms;         /* every inter-token gap pooled */
    double e2e_p99_ms;         /* request sent to stream ended */
    double tpot_p99_ms;        /* per request (e2e - ttft) / (output tokens - 1), MLPerf's TPOT */
};

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
    int         level;             /* index of its level in the result */
    long        index;             /* the run's request number, from 0 (what next_request was given) */
    double      scheduled_s;       /* open loop: when it was due, from the level's start; NAN in a closed loop */
    double      sent_s;            /* when it was sent, from the level's start */
    double      ttft_content_s;    /* sent to the first content delta; NAN: none */
    double      ttft_reasoning_s;  /* sent to the first reasoning_content delta; NAN: none */
    double      tpot_s;            /* (e2e - ttft) / (output_tokens - 1); NAN below 2 tokens */
    int         reasoning_tokens;  /* reasoning_content deltas */
    int         cached_tokens;     /* prompt tokens the server said it took from its cache; -1 not said */
    int         prompt_tokens_counted;   /* next_request's count of the prompt; -1 unknown */
    bool        warmup;            /* an SLA probe's warm-up share: not in the level's statistics */
    char       *origin;            /* next_request's origin (malloc'd); NULL: the fixed prompt */
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

/* One level: its request records and statistics over them (the warm-up share of an SLA probe left out). */
struct cllm_serve_level {
    bool        open_loop;        /* sent at `rate`; else closed-loop at `concurrency` */
    int         concurrency;      /* closed loop: streams kept in flight; open loop: max_concurrency (0: no cap) */
    double      rate;             /* open loop: requested req/s (INFINITY: all at once); NAN closed loop */
    double      achieved_rate;    /* open loop: (sends - 1) / span of sends; NAN below 2 sends */
    double      interarrival_mean_s, interarrival_cv;   /* of the actual sends; NAN below 2 (3 for cv) sends */
    double      schedule_cv;      /* open loop: the schedule's own inter-arrival CV (what was asked); NAN */
    double      schedule_rate;    /* open loop: the schedule's own rate over the same arrivals; NAN */
    int         n_waited;         /* open loop: sends held back by max_concurrency */
    struct cllm_serve_dist wait_s;   /* open loop: due to sent, over every send */
    int         n_warmup;         /* requests left out as the probe's warm-up */
    bool        has_slo;          /* p99 SLOs were given: slo_met and slo_failed are set */
    bool        slo_met;          /* every p99 SLO met and no request failed */
    char        slo_failed[300];  /* !slo_met: which ("ttft p99 812 ms > 500 ms; 2 requests failed") */
    uint64_t    t0_ns, t1_ns;     /* first send, last end (cllm_now_ns): the energy window; 0 none */
    bool        has_energy;       /* the caller asked the monitor over [t0, t1] (app/serve_plan.c): energy below
                                     (tokens: the level's output tokens; why when there was no reading) */
    struct cllm_llm_energy energy;
    double      energy_per_request_j;   /* energy.win.j / n_requests; NAN when not measured */
    bool        has_server_metrics;   /* the run asked for the server's /metrics (params.server_metrics) */
    struct cllm_prom_level server_metrics;   /* its scrapes before, during and after the level (measured false with
                                                why when the server has none or a scrape failed) */
    enum cllm_serve_level_status status;
    const char *error;            /* FAILED: the first request's error (or a fixed text); else NULL */
    int         request_limit;    /* requests the level could start; 0: no limit (until duration_s) */
    int         n_requests;       /* ended (the length of requests[]) */
    int         n_ok, n_failed;
    int         n_cancelled;      /* CANCELLED: in flight at Ctrl-C, dropped and not counted */
    double      wall_s;           /* first request sent to last one ended; NAN when none ended */
    struct cllm_serve_dist ttft_s, itl_s, e2e_s;   /* over the successful requests (itl_s: every gap pooled) */
    struct cllm_serve_dist ttft_content_s, ttft_reasoning_s, tpot_s;   /* the same, of those that have one */
    long long   reasoning_tokens; /* reasoning deltas of the successful requests */
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

/* One probe of the SLA search. */
struct cllm_serve_probe {
    double      value;            /* the concurrency or rate probed */
    int         level;            /* its index in levels[] */
    bool        met;
    char        why[300];         /* !met: what failed */
};

struct cllm_serve_search {
    enum cllm_serve_find mode;    /* NONE: no search */
    bool        found;            /* some probe met the SLOs: best is set */
    double      best;             /* the highest level that met them */
    double      lowest_failed;    /* the lowest level that did not; NAN when none failed */
    bool        limit_reached;    /* every probe up to the search's limit met them */
    int         n_probes;
    struct cllm_serve_probe probes[CLLM_SERVE_MAX_PROBES];
};

/* The run's setup as the requests were sent (the caller's strings: valid while the params' are). */
struct cllm_serve_setup {
    int         concurrency[CLLM_SERVE_MAX_LEVELS];
    int         n_levels;
    double      rates[CLLM_SERVE_MAX_LEVELS];   /* open-loop levels; n_rates 0: closed loop */
    int         n_rates;
    double      burstiness, ramp_up_s;
    int         max_concurrency;
    bool        content_hook;     /* next_request gave the content */
    bool        has_workload;     /* workload below describes that content */
    struct cllm_serve_workload_info workload;
    bool        server_metrics;   /* the server's /metrics scraped around each level */
    double      metrics_interval_s, metrics_timeout_s;
    enum cllm_serve_prefix_cache prefix_cache;
    int         shared_prefix_tokens;
    int         shared_prefix_words;   /* words of the shared prefix made for it */
    int         shared_prefix_tokens_counted;   /* the server's count of that text (llama-server POST /tokenize);
                                                   -1 unknown (shared_prefix_count_why) */
    char        shared_prefix_count_why[160];
    struct cllm_serve_slo slo;
    enum cllm_serve_find find_max;
    int         probe_requests;
    double      probe_s, warmup_share, rate_resolution, find_start_rate;
    int         find_limit;
    double      find_limit_used;  /* the search's highest level as it ran */
    uint32_t    arrival_seed;
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
    struct cllm_serve_search search;
};

/* on_level: before a level starts (level NULL) and when it ended (level: its record and statistics). value: the
 * concurrency (closed loop) or the rate (open loop); count: the levels to run, 0 in an SLA search. */
typedef void (*cllm_serve_level_fn)(int index, int count, bool open_loop, double value,
                                    const struct cllm_serve_level *level, void *user_data);

struct cllm_serve_params {
    const char *server_url;      /* http(s)://HOST:PORT[/prefix] of an OpenAI-compatible server (required) */
    const char *server_model;    /* "model" sent; NULL: the first model GET /v1/models lists, else "default" */
    const char *api_key;         /* sent as "Authorization: Bearer KEY"; NULL: none. Never written anywhere */
    int         concurrency[CLLM_SERVE_MAX_LEVELS];  /* the levels, run in this order; each 1 .. 1024 */
    int         n_levels;
    double      rates[CLLM_SERVE_MAX_LEVELS];   /* open-loop levels in req/s (INFINITY: all at once); n_rates > 0:
                                                   these levels instead of concurrency's */
    int         n_rates;
    double      burstiness;      /* the gamma shape of the inter-arrival times: 1 Poisson, < 1 burstier (1) */
    int         max_concurrency; /* open loop: at most this many in flight, later arrivals wait; 0: no cap */
    double      ramp_up_s;       /* open loop: the rate grows linearly from 0 to R over this many seconds; 0: none */
    uint32_t    seed;            /* the arrival schedule's and the unique prefixes' random stream (42) */
    enum cllm_serve_prefix_cache prefix_cache;   /* OFF */
    int         shared_prefix_tokens;            /* CACHE_SHARED: the shared prefix's length in tokens */
    struct cllm_serve_slo slo;   /* p99 SLOs: each level is checked; the SLA search needs one */
    enum cllm_serve_find find_max;   /* NONE: run the levels given; else search (the levels given are ignored) */
    int         probe_requests;  /* a probe's measured requests, at least (32) */
    double      probe_s;         /* and its measured seconds, at least (5) */
    double      warmup_share;    /* a probe's first share of requests (by send) left out as warm-up (0.2) */
    double      rate_resolution; /* the rate search stops when (high - low) <= this × high (0.05) */
    double      find_start_rate; /* the rate search's first probe, req/s (1) */
    int         find_limit;      /* the search's highest level, concurrency or req/s; 0: 1024 */
    cllm_serve_next_fn next_request;   /* NULL: the fixed prompt */
    void       *next_user_data;
    const struct cllm_serve_workload_info *workload;   /* what next_request sends, for the results; NULL: none */
    bool        server_metrics;  /* scrape the server's Prometheus /metrics before and after each level (true) */
    double      metrics_interval_s;   /* and every this many seconds during it, from a second thread (1; 0: not
                                         during) */
    double      metrics_timeout_s;    /* each scrape's deadline, the whole exchange (CLLM_PROM_SCRAPE_TIMEOUT_S) */
    int         requests;        /* requests per level; 0: max(16, 4 × c) closed, 100 open loop, or no limit when
                                    duration_s is set */
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

/* "1,2,4,inf" into p->rates / n_rates: positive numbers of requests per second, "inf" all at once.
 * CLLM_ERR_CONFIG with err naming the bad item. */
enum cllm_status cllm_serve_parse_rates(struct cllm_serve_params *p, const char *list, char *err, size_t errlen);

/* "off", "on" or "shared-prefix" (then n, the tokens) into p->prefix_cache. CLLM_ERR_CONFIG with err. */
enum cllm_status cllm_serve_parse_prefix_cache(struct cllm_serve_params *p, const char *mode, const char *n,
                                               char *err, size_t errlen);

/* "mlperf-llama2-70b-server" (TTFT p99 2000 ms, TPOT p99 200 ms) or "mlperf-llama2-70b-interactive" (450 / 40)
 * into p->slo. CLLM_ERR_CONFIG naming the known presets. */
enum cllm_status cllm_serve_slo_preset(struct cllm_serve_params *p, const char *name, char *err, size_t errlen);

/* The open-loop schedule: n send times (seconds from the level's start, ascending) at rate req/s (INFINITY: all
 * 0), gamma inter-arrivals of shape burstiness and mean 1/rate, the rate ramped linearly from 0 over ramp_up_s;
 * seeded, so the same arguments give the same times. Pure. */
void cllm_serve_arrivals(double rate, double burstiness, double ramp_up_s, uint32_t seed, int n, double *t_out);

/* Mean and coefficient of variation (sample sd / mean) of the n - 1 gaps of ascending times t; NAN when too few. */
void cllm_serve_gap_stats(const double *t, int n, double *mean_out, double *cv_out);

/* The SLO keys (ttft_ms, itl_ms: goodput per request; ttft_p99_ms, itl_p99_ms, e2e_p99_ms, tpot_p99_ms: the
 * level's p99s), comma-separated, into p->slo_* and p->slo. CLLM_ERR_CONFIG with err naming the bad key or value. */
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
