/* What the LLM phases measured, as plain structs: one model's plain phase (results[KEY]) or one variant of a
 * comparison phase, with its timed runs. The AI phase (app/ai_phase.c) fills them; report/write_llm.c is the one
 * place that turns them into results JSON. */
#ifndef CLLM_LLM_LLM_RESULT_H
#define CLLM_LLM_LLM_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/log.h"
#include "llm/engine.h"
#include "llm/metrics.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- energy per token (computed in llm/metrics.c) ---- */

/* One window's energy (monitor/monitor.h's cllm_monitor_energy) and the tokens it made: a run's prompt window
 * (request start to the first generated token: the prompt's tokens) or decode window (first to last token: the
 * tokens after the first), a sweep test's repetitions together. */
struct cllm_llm_energy {
    struct cllm_energy_window win;
    int    tokens;            /* tokens of the window; -1 unknown */
    double j_per_token;       /* win.j / tokens, J/token; NAN with why */
    double tokens_per_j;      /* tokens / win.j: tokens per watt-second; NAN with why */
    char   why[480];          /* the numbers NAN: why (the window's note when it has no energy) */
};

/* Sets e->tokens and the per-token numbers from e->win (filled before). */
void cllm_llm_energy_per_token(struct cllm_llm_energy *e, int tokens);

/* e with no reading at all: every number NAN, why as given (printf-style). */
void cllm_llm_energy_none(struct cllm_llm_energy *e, const char *fmt, ...) CLLM_PRINTF(2, 3);

/* The n windows (a sweep test's repetitions) as one: energies and seconds added; NAN with the first failing
 * repetition's note when any has no energy or they were measured from different parts. */
void cllm_llm_energy_sum(const struct cllm_energy_window *w, int n, struct cllm_energy_window *out);

/* The runs' energy in the model's summary. */
struct cllm_llm_energy_summary {
    int    n;                          /* runs whose decode J/token is known (the means are over them) */
    double decode_j_per_token;         /* mean over those runs; NAN none */
    double decode_tokens_per_j;
    double decode_w;                   /* mean watts in the decode window */
    double prompt_j_per_token;         /* mean over the runs whose prompt J/token is known; NAN none */
    double prompt_w;
    char   domains[32];                /* of the first run with a decode number */
    char   source[100];
    char   why[480];                   /* no decode number: the first run's reason */
};

/* Means over the n runs with ok[i] (decode[i], prompt[i] as cllm_llm_energy_per_token left them). */
void cllm_llm_energy_summarize(const struct cllm_llm_energy *decode, const struct cllm_llm_energy *prompt,
                               const bool *ok, int n, struct cllm_llm_energy_summary *out);

/* One timed run. */
struct cllm_llm_run_result {
    int         run;                     /* from 1 */
    const char *status;                  /* "ok", "failed", "cancelled", "skipped" (static strings) */
    char        text[768];               /* skipped: the reason; otherwise, without metrics: what failed */
    bool        has_metrics;             /* the run succeeded and its metrics were computed */
    struct cllm_llm_run_metrics metrics;
    bool        has_engine_run;          /* the engine's own account of the run (the server engine) */
    struct cllm_engine_run_info engine_run;
    double      memory_before_gb;        /* GiB, of the process holding the model; NAN: memory_why */
    double      memory_after_gb;
    char        memory_why[256];
    bool        has_throttle;            /* the monitor ran: throttled below is known */
    bool        throttled;               /* GPU clock drop or a thermal/power reason during the run */
    char        throttle_reason[200];
    bool        has_energy;              /* the two below were filled (a run with metrics) */
    struct cllm_llm_energy prompt_energy;   /* request start to the first token; tokens: the prompt's */
    struct cllm_llm_energy decode_energy;   /* first to last token; tokens: those after the first */
};

/* The model's facts: registry entry, file and load. */
struct cllm_llm_model_facts {
    char    key[65];
    char    name[128];
    char    params[16];
    char    quant[32];                   /* "" before a quantization was chosen */
    char    source[32];                  /* "present", "downloaded", "synthetic (made now)", "synthetic (reused)",
                                            "server"; "" before the file was looked for (synthetic unwritten too) */
    char    server_url[512];             /* manual server mode; "" otherwise */
    bool    synthetic;
    char    notice[256];                 /* synthetic: what it means for the numbers; "" none */
    bool    has_download;
    char    download_url[768];
    int64_t download_bytes;
    double  download_elapsed_s;
    bool    download_sha256_checked;
    bool    has_download_error;
    char    download_error[CLLM_ERR_LEN];         /* why the file was not downloaded */
    char    file[1024];                  /* the GGUF loaded; "" not known (then no size either) */
    double  file_size_gb;                /* 10^9 bytes */
    bool    loaded;                      /* the two below are known */
    double  load_time_s;
    double  memory_after_load_gb;        /* GiB; NAN: memory_why */
    char    memory_why[256];
};

enum cllm_llm_result_shape {
    CLLM_LLM_SHAPE_PLAIN,     /* results[KEY]: the facts under "model"; the summary has its roofline */
    CLLM_LLM_SHAPE_QUANT,     /* a quantization variant: every fact inline, as its own load */
    CLLM_LLM_SHAPE_VARIANT,   /* a temperature / language / prompt-type variant: the shared facts inline */
};

/* Decode rate against the memory-bound limit (the plain phase's summary.roofline). */
struct cllm_llm_roofline {
    double      bytes_per_token;         /* the model file's bytes */
    bool        has_bandwidth;           /* the three below are known; else ratio is null with ratio_why */
    double      bandwidth_gbps;
    double      ratio;
    double      max_tokens_per_second;
    const char *basis;
    const char *ratio_why;
};

/* "Why is my chat slower than llama-bench?": the same model, threads and device measured from llama-bench's
 * method up to the chat through llama-server (app/ai_phase.c's ladder). */
enum cllm_llm_rung {
    CLLM_LLM_RUNG_BENCH,        /* llama-bench's method: tg at depth 0, pp of the prompt's length */
    CLLM_LLM_RUNG_BENCH_DEPTH,  /* the same generation with the prompt already in the context */
    CLLM_LLM_RUNG_CHAT,         /* the chat completion in-process: template, tokenizer, sampling, detokenize */
    CLLM_LLM_RUNG_SERVER,       /* the same chat through llama-server: HTTP, SSE, the server's loop */
    CLLM_LLM_N_RUNGS
};

struct cllm_llm_ladder_rung {
    const char *status;          /* "ok", "skipped", "failed" (static strings); NULL: not reached */
    char        reason[512];     /* skipped/failed: why */
    double      decode_tps;      /* generated tokens/s */
    double      prompt_tps;      /* prompt tokens/s; NAN where the rung does not say */
    double      ttft_s;          /* first token: the prompt plus one generated token; NAN where not measured */
    int         runs;            /* repetitions / runs the numbers are over */
};

struct cllm_llm_ladder {
    int    n_prompt;             /* the chat prompt's tokens (the pp length and the depth) */
    int    n_gen;                /* tokens generated per run */
    int    n_threads;
    int    n_gpu_layers;
    char   backend[32];
    struct cllm_llm_ladder_rung rung[CLLM_LLM_N_RUNGS];
};

/* The rung's name and what it adds over the one above (static strings). */
const char *cllm_llm_rung_name(enum cllm_llm_rung r);
const char *cllm_llm_rung_cost(enum cllm_llm_rung r);
/* Decode cost of rung r over the nearest rung above it with a number: (above - this) / above x 100; NAN when
 * either is unknown or r is the first. ttft: the same for the first token (this - above) / above x 100. */
double cllm_llm_rung_decode_cost_pct(const struct cllm_llm_ladder *l, enum cllm_llm_rung r);
double cllm_llm_rung_ttft_cost_pct(const struct cllm_llm_ladder *l, enum cllm_llm_rung r);

/* One model's plain phase, or one variant of a comparison phase. */
struct cllm_llm_model_result {
    enum cllm_llm_result_shape shape;
    const char *label;                   /* a variant's name (its key under the model), a static string */
    struct cllm_llm_model_facts model;
    bool        has_fit;
    char        fit_result[16];          /* "ok", "cpu_only", "skipped_ram", "bad_quant" */
    char        fit_reason[512];
    bool        has_cleanup;
    struct cllm_cleanup_result cleanup;
    bool        has_load;
    double      load_memory_before_gb;   /* GiB; NAN: load_before_why */
    char        load_before_why[256];
    const char *load_memory_process;     /* server engine: whose memory (NULL in-process) */
    char        memory_process[96];      /* storage for load_memory_process */
    bool        has_engine;
    struct cllm_engine_info engine;
    bool        has_warmup;
    int         warmup_runs;
    int         warmup_max_tokens;
    bool        has_stall;
    char        stall_at[96];            /* "warmup run 1", "run 2", "low run 1" */
    char        stall_error[CLLM_ERR_LEN];
    double      temperature;             /* SHAPE_VARIANT: the runs' temperature */
    const char *prompt;                  /* SHAPE_VARIANT: the user message, when the variant sets it */
    bool        has_runs;                /* the timed runs were reached (runs, summary, prompt_tokens written) */
    int         n_runs;
    struct cllm_llm_run_result *runs;    /* n_runs entries (config runs.count), malloc'd */
    bool        has_monitor;
    struct cllm_monitor_report monitor;
    struct cllm_llm_summary summary;
    bool        has_throttle;            /* the runs were judged by the monitor (the two below are known) */
    int         n_throttled;             /* successful runs marked throttled */
    double      tps_mean_unthrottled;    /* avg tokens/s over the successful runs not marked; NAN: none */
    double      until_stable_cv;         /* run --until-stable: the CV target (fraction); NAN off */
    bool        until_stable_reached;    /* the runs' CV fell below it before runs.count */
    bool        has_roofline;
    struct cllm_llm_roofline roofline;
    bool        has_energy;              /* the runs' energy summarised (written into the summary) */
    struct cllm_llm_energy_summary energy;
    int         prompt_tokens;           /* of the first successful run; -1 unknown */
    bool        has_ladder;              /* the plain phase of a model the ladder ran for */
    struct cllm_llm_ladder ladder;
    const char *status;                  /* "running", "ok", "failed", "skipped", "unavailable", "cancelled" */
    char        error[CLLM_ERR_LEN];             /* failed (or a cancelled download): what; "" none */
    char        reason[1024];            /* skipped / unavailable / cancelled: why; "" none */
};

/* Frees what r holds (its runs, the monitor's samples); r itself is the caller's. */
void cllm_llm_model_result_free(struct cllm_llm_model_result *r);

/* The comparison phases, in run order (the keys of ai_benchmarks.comparisons). */
enum cllm_llm_cmp_phase {
    CLLM_LLM_CMP_QUANT,
    CLLM_LLM_CMP_TEMPERATURE,
    CLLM_LLM_CMP_LANGUAGE,
    CLLM_LLM_CMP_PROMPT_TYPE,
    CLLM_LLM_CMP_GPUS,           /* each selected GPU alone, then all of them by layer and by row */
    CLLM_LLM_CMP_COUNT
};

/* The libllama the section names (ai_benchmarks.llama). */
struct cllm_ai_llama {
    bool loaded;
    char path[1024];
    char variant[16];
    char version[32];
    char ggml_version[32];
    char ggml_commit[32];
    char cuda_build[16];                         /* cllm_llama.cuda_build: "main", "fallback", "none" or "" */
    char cuda_note[1024];
    char error[CLLM_ERR_LEN];                    /* !loaded: why */
};

#ifdef __cplusplus
}
#endif

#endif
