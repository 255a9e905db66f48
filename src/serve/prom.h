/* The server's own view of a serve-bench level: its Prometheus /metrics (llama-server started with --metrics,
 * vLLM always), parsed from the text exposition format (version 0.0.4: # HELP / # TYPE, labels with escapes,
 * +Inf / -Inf / NaN, optional timestamps), the names llama-server and vLLM use mapped to common keys
 * (KV-cache usage, requests running / waiting, prompt / generation token counters, ...), and a level's
 * before/after record: counters as the difference, gauges as the value after and the largest seen.
 *
 * How serve-bench uses it (the lead wires it into serve_bench.c's level loop and write_serve.c):
 *
 *     struct cllm_prom_level pl; struct cllm_prom_snapshot snap;
 *     cllm_prom_level_init(&pl);
 *     if (cllm_prom_scrape(url, auth, CLLM_PROM_SCRAPE_TIMEOUT_S, &snap, err, sizeof(err)) == CLLM_OK)
 *         cllm_prom_level_before(&pl, &snap);
 *     else cllm_prom_level_unavailable(&pl, err);           // e.g. llama-server without --metrics: 501
 *     ... run the level; optionally every second: scrape + cllm_prom_level_sample(&pl, &snap) ...
 *     scrape again → cllm_prom_level_after(&pl, &snap) (or _unavailable with the error)
 *     level->server_metrics = pl;                           // a plain struct, no pointers
 *     cllm_write_prom_level(level_json, &pl);               // report/write_prom.h: "server_metrics"
 *
 * Unknown is not zero: a key the server does not export stays absent (present false), never 0. */
#ifndef CLLM_SERVE_PROM_H
#define CLLM_SERVE_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_PROM_MAX_LINE 65536          /* default: longest line accepted, bytes */
#define CLLM_PROM_MAX_SERIES 100000       /* default: most samples in one exposition */
#define CLLM_PROM_MAX_BYTES (8u << 20)    /* a scrape's body at most 8 MiB (the transfer is cut past it) */
#define CLLM_PROM_SCRAPE_TIMEOUT_S 5.0    /* a scrape's whole exchange */

/* ---- the exposition format ---- */

enum cllm_prom_type {
    CLLM_PROM_UNTYPED,        /* no # TYPE line (or "untyped") */
    CLLM_PROM_COUNTER,
    CLLM_PROM_GAUGE,
    CLLM_PROM_HISTOGRAM,      /* its _bucket / _sum / _count samples */
    CLLM_PROM_SUMMARY
};

struct cllm_prom_label {
    char *name, *value;       /* value unescaped (\\, \", \n) */
};

struct cllm_prom_sample {
    char   *name;             /* metric name as written, e.g. "vllm:num_requests_running" */
    struct cllm_prom_label *labels;
    int     n_labels;
    double  value;            /* may be +/-INFINITY or NAN as the text said */
    bool    has_timestamp;
    int64_t timestamp_ms;
    enum cllm_prom_type type; /* from the family's # TYPE line */
};

struct cllm_prom_set {
    struct cllm_prom_sample *s;
    int n;
};

struct cllm_prom_limits {
    size_t max_line;          /* 0: CLLM_PROM_MAX_LINE */
    int    max_series;        /* 0: CLLM_PROM_MAX_SERIES */
};

/* Parses text[0..len) into *out (cllm_prom_set_free it; emptied on failure). Refused (CLLM_ERR_PARSE, "line N:
 * what" in err): invalid UTF-8 or a NUL byte, a bad metric or label name, an unknown escape, an unterminated
 * label value, a repeated label, a value that is not a number, a timestamp that is not an integer, trailing
 * text, a second # TYPE for one name or an unknown type, more than the limits (lim NULL: the defaults). Comments
 * other than HELP and TYPE, blank lines and a CR before LF are allowed. */
enum cllm_status cllm_prom_parse(const char *text, size_t len, const struct cllm_prom_limits *lim,
                                 struct cllm_prom_set *out, char *err, size_t errlen);

void cllm_prom_set_free(struct cllm_prom_set *set);

/* The label's value of sample s, or NULL. */
const char *cllm_prom_label(const struct cllm_prom_sample *s, const char *name);

/* ---- common keys ---- */

enum cllm_prom_key {
    CLLM_PROM_KV_CACHE_USAGE,      /* gauge, fraction 0..1 of the KV cache in use */
    CLLM_PROM_REQUESTS_RUNNING,    /* gauge, requests being processed */
    CLLM_PROM_REQUESTS_WAITING,    /* gauge, requests queued (llama-server: deferred) */
    CLLM_PROM_PROMPT_TOKENS,       /* counter, prompt tokens processed (llama-server: excluding cached ones) */
    CLLM_PROM_PROMPT_TOKENS_CACHED,   /* counter, prompt tokens reused from the cache (llama-server) */
    CLLM_PROM_GENERATION_TOKENS,   /* counter, tokens generated */
    CLLM_PROM_DECODE_CALLS,        /* counter, llama_decode() calls (llama-server) */
    CLLM_PROM_PREEMPTIONS,         /* counter, requests preempted (vLLM) */
    CLLM_PROM_PREFIX_CACHE_QUERIES,   /* counter, prefix-cache lookups, tokens (vLLM) */
    CLLM_PROM_PREFIX_CACHE_HITS,   /* counter, prefix-cache hits, tokens (vLLM) */
    CLLM_PROM_PROMPT_SECONDS,      /* counter, s spent on prompts (llama-server) */
    CLLM_PROM_GENERATION_SECONDS,  /* counter, s spent generating (llama-server) */
    CLLM_PROM_N_KEYS
};

/* The key's name in results ("kv_cache_usage", ...), whether it is a counter, and its unit. */
const char *cllm_prom_key_name(enum cllm_prom_key k);
bool cllm_prom_key_is_counter(enum cllm_prom_key k);
const char *cllm_prom_key_unit(enum cllm_prom_key k);

/* The columns of "the server's view" of a serve-bench level (the CLI's table and the GUI's): the key, a short
 * heading, the unit shown ("%", "max": a gauge's largest value, "+": what a counter's level added) and the scale
 * from the stored value to it. */
struct cllm_prom_view_column {
    enum cllm_prom_key k;
    const char *head, *unit;
    double scale;
};
#define CLLM_PROM_VIEW_N_COLUMNS 6
extern const struct cllm_prom_view_column cllm_prom_view_columns[CLLM_PROM_VIEW_N_COLUMNS];

/* What one scrape said, in common keys. A key's value is the sum over its series (labels such as model_name or
 * engine), the KV-cache usage the largest of them. */
struct cllm_prom_snapshot {
    const char *server;              /* "llama-server", "vllm" or "unknown" (no known name seen) */
    bool   present[CLLM_PROM_N_KEYS];
    double value[CLLM_PROM_N_KEYS];
    const char *source[CLLM_PROM_N_KEYS];   /* the server's metric name the value came from (static text) */
    int    n_series;                 /* samples in the exposition */
    uint64_t at_ns;                  /* when the answer came (cllm_now_ns clock) */
};

/* Maps a parsed exposition to common keys (at_ns left 0). */
void cllm_prom_snapshot_from(const struct cllm_prom_set *set, struct cllm_prom_snapshot *out);

/* GET base/metrics (base: the server's URL without a trailing /metrics; "/v1" at its end is dropped) within
 * timeout_s, at most CLLM_PROM_MAX_BYTES, parsed and mapped into *out. CLLM_ERR_NOT_FOUND when the server
 * answers 404 or 501 (llama-server without --metrics: err says to start it with --metrics), CLLM_ERR_TIMEOUT,
 * CLLM_ERR_IO (no answer, another status, larger than the cap), CLLM_ERR_PARSE, CLLM_ERR_UNSUPPORTED (no
 * libcurl). set (may be NULL) keeps the whole exposition. */
enum cllm_status cllm_prom_scrape(const char *base, const char *auth, double timeout_s,
                                  struct cllm_prom_snapshot *out, struct cllm_prom_set *set, char *err,
                                  size_t errlen);

/* ---- one level's record ---- */

struct cllm_prom_metric {
    bool   present;          /* the server exported it before and after (a gauge: after) */
    double before, after;    /* the values of the scrape before and after the level */
    double delta;            /* counter: after - before (NAN when it went down: the server restarted) */
    double max;              /* gauge: the largest of before, the samples during the level and after */
    const char *source;      /* the server's metric name */
};

struct cllm_prom_level {
    bool   measured;         /* scraped before and after */
    char   why[256];         /* !measured: why not ("" until a scrape failed or the level ended) */
    const char *server;      /* the before snapshot's server */
    int    n_samples;        /* scrapes folded in: before, during, after */
    double interval_s;       /* after.at_ns - before.at_ns in s (NAN without both) */
    uint64_t before_ns;      /* the before scrape's time; 0: none came */
    struct cllm_prom_metric m[CLLM_PROM_N_KEYS];
};

void cllm_prom_level_init(struct cllm_prom_level *L);
void cllm_prom_level_before(struct cllm_prom_level *L, const struct cllm_prom_snapshot *s);
/* A scrape during the level: only the gauges' largest values use it. */
void cllm_prom_level_sample(struct cllm_prom_level *L, const struct cllm_prom_snapshot *s);
/* The scrape after: counters' deltas, gauges' after values; measured true when before came too. */
void cllm_prom_level_after(struct cllm_prom_level *L, const struct cllm_prom_snapshot *s);
/* A scrape failed: measured false with why (the first failure is kept). */
void cllm_prom_level_unavailable(struct cllm_prom_level *L, const char *why);

#ifdef __cplusplus
}
#endif

#endif
