/* LLM inference metrics: the one place they are computed. Every engine fills a trace (request start, each
 * generated token's arrival on the monotonic clock and the bytes of text it produced, end) and this module
 * turns traces into per-run metrics and a summary over runs. */
#ifndef CLLM_LLM_METRICS_H
#define CLLM_LLM_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One generation run as an engine saw it. Times are cllm_now_ns() values. */
struct cllm_llm_trace {
    uint64_t  start_ns;          /* the request began (before templating and tokenizing) */
    uint64_t  end_ns;            /* the last token arrived / generation returned */
    int       n_prompt_tokens;   /* tokens of the templated prompt; -1 unknown */
    int       n_tokens;          /* generated tokens recorded below */
    int       cap;               /* allocated entries */
    uint64_t *token_ns;          /* arrival time of each generated token */
    uint32_t *piece_bytes;       /* bytes of text each token produced; 0 = an empty piece (control token, ...) */
    /* the engine's own counters (llama.cpp: llama_perf_context), when it has them */
    bool      has_engine_counters;
    double    engine_prompt_ms;      /* t_p_eval_ms */
    int       engine_prompt_tokens;  /* n_p_eval */
    double    engine_decode_ms;      /* t_eval_ms */
    int       engine_decode_tokens;  /* n_eval */
    /* an in-process engine's split of its token loop, when it has one (has_loop_split) */
    bool      has_loop_split;
    double    loop_decode_ms;        /* inside the model's decode call for generated tokens */
    double    loop_other_ms;         /* sampling, detokenizing, callbacks and bookkeeping */
    /* an in-process engine: where the tokens were picked, "device" or "host" (static strings; NULL: the engine
     * does not say, e.g. a server); why, when the mode asked for was not what ran */
    const char *sampling;
    char      sampling_note[160];
};

void cllm_llm_trace_init(struct cllm_llm_trace *t);
/* Forgets the run (keeps the buffers). */
void cllm_llm_trace_reset(struct cllm_llm_trace *t);
/* Records one generated token arriving at t_ns with piece_bytes of text. CLLM_ERR_NOMEM on allocation failure. */
enum cllm_status cllm_llm_trace_add(struct cllm_llm_trace *t, uint64_t t_ns, uint32_t piece_bytes);
void cllm_llm_trace_free(struct cllm_llm_trace *t);

/* Metrics of one run. NAN where the run does not define the value (see each field). */
struct cllm_llm_run_metrics {
    int    n_prompt_tokens;                 /* -1 unknown */
    int    n_tokens;                        /* generated */
    double total_s;                         /* start → end */
    double first_token_latency_s;           /* start → first token with non-empty text; NAN if none */
    double tokens_per_second;               /* n_tokens / total_s (the original's definition) */
    double decode_tokens_per_second;        /* (n_tokens − 1) / (last − first token time); NAN below 2 tokens */
    double prompt_tokens_per_second;        /* n_prompt_tokens / (first token time − start); NAN if unknown */
    double engine_prompt_tokens_per_second; /* the engine's own prompt counter; NAN without counters */
    double engine_decode_tokens_per_second; /* the engine's own decode counter; NAN without counters */
    double engine_prompt_ms;                /* the counters themselves: NAN / -1 without them */
    int    engine_prompt_tokens;
    double engine_decode_ms;
    int    engine_decode_tokens;
    double itl_mean_ms;                     /* inter-token latency: gaps between consecutive tokens */
    double itl_p50_ms;                      /* percentiles interpolated linearly between ranks (numpy's) */
    double itl_p90_ms;
    double itl_p99_ms;                      /* all four NAN below 2 tokens */
    double loop_overhead_percent;           /* 100 × loop_other_ms / loop_decode_ms; NAN without the split */
    const char *sampling;                   /* the trace's: "device", "host", NULL unknown */
    char   sampling_note[160];
};

/* CLLM_ERR_INVALID_ARG when the trace's times go backwards. */
enum cllm_status cllm_llm_run_metrics_compute(const struct cllm_llm_trace *t, struct cllm_llm_run_metrics *out);

/* p-th percentile (0..100) of v (n values, any order) with linear interpolation between closest ranks;
 * NAN when n is 0. */
double cllm_percentile(const double *v, size_t n, double p);

/* Appends the trace's gaps between consecutive tokens (ms) to *buf (n entries used of cap allocated; grown with
 * realloc, the caller frees). CLLM_ERR_NOMEM on allocation failure. */
enum cllm_status cllm_llm_trace_gaps_ms(const struct cllm_llm_trace *t, double **buf, size_t *n, size_t *cap);

/* Mean and percentiles (as cllm_percentile) of a sample; all NAN when it is empty. */
struct cllm_llm_dist {
    double mean, p50, p90, p99;
};

/* Sorts v (n values) in place and fills out. */
void cllm_llm_dist_compute(double *v, size_t n, struct cllm_llm_dist *out);

/* Summary over the timed runs of one model. */
struct cllm_llm_summary {
    int         n_runs;                      /* runs attempted */
    int         n_ok;                        /* runs that succeeded (only those enter the numbers below) */
    double      tps_mean;                    /* tokens/s, mean over the successful runs; NAN when none */
    double      tps_std;                     /* sample standard deviation (n − 1); 0 for one run */
    double      tps_cv_pct;                  /* tps_std / tps_mean x 100: the runs' variation; NAN below 2 runs */
    double      tps_min;
    double      tps_max;
    double      avg_first_token_latency_s;   /* over runs that had a first token */
    double      avg_decode_tokens_per_second;
    double      avg_prompt_tokens_per_second;
    double      itl_mean_ms;                 /* over every gap of every successful run pooled */
    double      itl_p50_ms;
    double      itl_p90_ms;
    double      itl_p99_ms;
    double      peak_memory_gb;              /* largest RSS value passed in; NAN when none */
    const char *stability;                   /* "stable" when every run succeeded, else "unstable" */
};

/* runs[i] with ok[i] for n runs; rss_gb: n_rss RSS readings (GiB) taken around and during the runs, NAN
 * entries ignored. */
enum cllm_status cllm_llm_summarize(const struct cllm_llm_trace *runs, const bool *ok, int n,
                                    const double *rss_gb, size_t n_rss, struct cllm_llm_summary *out);

#ifdef __cplusplus
}
#endif

#endif
