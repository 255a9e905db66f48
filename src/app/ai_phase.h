/* The LLM inference phase (the original's phase 5): for each selected model — pre-checks, the GGUF file (present,
 * downloaded, or synthetic with a notice), cleanup, load, one warmup run, then the timed runs streamed token by
 * token under the resource monitor — into ai_benchmarks.results[MODEL_KEY] {runs[], summary, ...}.
 * The library prints nothing: progress goes through the callback. */
#ifndef CLLM_LLM_PIPELINE_H
#define CLLM_LLM_PIPELINE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_config;
struct cllm_hw_info;
struct cllm_engine_ops;
struct cllm_sample;
struct cllm_gpu_selection;

enum cllm_ai_event {
    CLLM_AI_MODEL_START,   /* text: model name */
    CLLM_AI_NOTICE,        /* text: something the user must know (synthetic model, CPU only, skipped, ...) */
    CLLM_AI_DOWNLOAD,      /* fraction: bytes done / total (NAN unknown); text: rate */
    CLLM_AI_SYNTH,         /* fraction of the current stage; text: stage */
    CLLM_AI_LOADED,        /* text: load time and backend */
    CLLM_AI_RUN_DONE,      /* text: "run 2/3: 47.1 tokens/s, first token 0.21 s" */
    CLLM_AI_MODEL_DONE,    /* text: status and summary */
};

typedef void (*cllm_ai_progress_fn)(enum cllm_ai_event ev, const char *model_key, const char *text,
                                    double fraction, void *user_data);

/* The steps of the AI phase, in the order a model goes through them (app/run_plan.h lists a run's steps). */
enum cllm_ai_stage {
    CLLM_AI_STAGE_PREPARE,   /* the model file: present, downloaded or synthesized (CLLM_AI_DOWNLOAD/SYNTH fractions) */
    CLLM_AI_STAGE_LOAD,      /* cleanup, then the load */
    CLLM_AI_STAGE_WARMUP,    /* the untimed warmup runs (config runs.warmup) */
    CLLM_AI_STAGE_RUN,       /* one timed run */
    CLLM_AI_STAGE_LADDER,    /* the ladder's rungs after the plain runs */
};

/* Where the AI phase is: which step starts now. */
struct cllm_ai_pos {
    int phase;                  /* 0: the plain phase; 1 + enum cllm_llm_cmp_phase for a comparison phase */
    int model;                  /* index in cfg->models */
    int variant;                /* the comparison phase's variant index (its results order); 0 in the plain phase */
    enum cllm_ai_stage stage;
    int run;                    /* CLLM_AI_STAGE_RUN: the timed run, from 0; else 0 */
};
typedef void (*cllm_ai_step_fn)(const struct cllm_ai_pos *at, void *user_data);

/* The comparison phases (the original's 6, 8, 9, 10). */
enum {
    CLLM_AI_COMPARE_QUANT       = 1u << 0,   /* Q2_K .. Q8_0, each loaded on its own */
    CLLM_AI_COMPARE_TEMPERATURE = 1u << 1,   /* low 0.25, medium 0.50, high 0.75 */
    CLLM_AI_COMPARE_LANGUAGE    = 1u << 2,   /* en, fr, zh, es, de, ar: one question translated */
    CLLM_AI_COMPARE_PROMPT_TYPE = 1u << 3,   /* general, code, reasoning, creative, math */
    CLLM_AI_COMPARE_ALL         = 0xfu,
};

/* The multi-GPU phase's "all together" loads (run --split-mode). */
enum { CLLM_AI_SPLIT_LAYER = 1u << 0, CLLM_AI_SPLIT_ROW = 1u << 1, CLLM_AI_SPLIT_BOTH = 3u };

/* Which models get the ladder (llama-bench's method → chat in-process → chat through llama-server). */
enum cllm_ai_ladder { CLLM_AI_LADDER_OFF, CLLM_AI_LADDER_FIRST, CLLM_AI_LADDER_ALL };

struct cllm_ai_params {
    const struct cllm_config  *cfg;      /* models, prompt, inference parameters, runs */
    const struct cllm_hw_info *hw;
    const char *models_dir;              /* "models" */
    const char *models_file;             /* extra registry file (NULL: $COMPUTELLM_MODELS_FILE) */
    const char *quant;                   /* NULL: each model's default (Q4_K_M) */
    const char *llama_lib;               /* libllama file or folder; NULL: $COMPUTELLM_LLAMA_LIB, then .deps/ */
    const char *device;                  /* NULL/"auto": GPU when usable; "cpu": CPU only */
    bool        allow_download;          /* fetch missing files from Hugging Face (default true) */
    bool        allow_synthetic;         /* fall back to a synthetic model (default true) */
    bool        synth_via_quantizer;     /* synthetic models through an F16 file + llama_model_quantize instead of
                                            the direct writer (default false) */
    bool        cleanup;                 /* system cleanup before each model (default true) */
    double      cleanup_pause_s;         /* 1 s */
    bool        monitor;                 /* resource monitor around the timed runs (default true) */
    double      cpu_read_gbps;           /* measured memory read bandwidth for the roofline; NAN unknown */
    double      gpu_read_gbps;           /* measured device bandwidth (read rate); NAN unknown */
    const volatile sig_atomic_t *cancel;
    const struct cllm_engine_ops *engine;  /* NULL: in-process llama.cpp, or the server engine when one of the
                                              two fields below is set */
    const char *server_url;              /* manual mode: an OpenAI-compatible server (llama-server, Ollama, vLLM) */
    const char *server_model;            /* its model name ("model" in requests); NULL: the server's default */
    const char *api_key;                 /* Bearer token for the server; NULL: none */
    const char *llama_server;            /* auto mode: the llama-server binary started on the model file */
    const char *rpc;                     /* "HOST:PORT,...": split the in-process models over these rpc-servers */
    unsigned    compare;                 /* CLLM_AI_COMPARE_* bits: comparison phases cllm_ai_run runs (0) */
    enum cllm_ai_ladder ladder;          /* the in-process models that get the ladder (the first) */
    const struct cllm_gpu_selection *gpu_sel;  /* run --gpus: the GPUs the models use (plain phase: all of them,
                                                  split_mode); NULL: every GPU of the chosen backend. With two or
                                                  more, the multi-GPU phase runs after the plain one (each GPU
                                                  alone, then together per split_modes) into comparisons.gpus */
    int         split_mode;              /* the plain phase's split on several GPUs: CLLM_SPLIT_DEFAULT (layer) */
    unsigned    split_modes;             /* CLLM_AI_SPLIT_* of the multi-GPU phase (both) */
    int         tensor_split_by;         /* enum cllm_tensor_split_by (free memory) */
    int         sampling;                /* enum cllm_sampling_mode of the in-process engine (auto) */
    double      until_stable_cv;         /* > 0: timed runs stop once the successful, unthrottled runs' tokens/s
                                            vary less than this (std / mean, from 3 runs), at most runs.count;
                                            NAN: every runs.count run */
    cllm_ai_progress_fn progress;
    cllm_ai_step_fn     step;            /* as each step starts (progress bars); may be NULL */
    /* each monitor sample during the timed runs (live charts), on the monitor's thread; may be NULL */
    void      (*monitor_sample)(const struct cllm_sample *s, void *user_data);
    void       *user_data;
    /* the monitor's sampler (monitor/monitor.h); NULL: the machine's own. Tests give a synthetic one. */
    const struct cllm_sampler *monitor_sampler;
};

struct cllm_ai_params cllm_ai_default_params(void);

/* Runs the LLM phase into `section` (ai_benchmarks, through report/write_llm.h): "status" ("ok", "partial" when
 * cancelled, "failed" when no model could run), library identity, and results[KEY] per model; then, unless
 * cancelled, the comparison phases p->compare names into section.comparisons: quantization[KEY][QUANT],
 * temperature[KEY][low|medium|high], language[KEY][en|fr|zh|es|de|ar], prompt_type[KEY][general|code|...], each
 * variant {status, runs[], summary, prompt_tokens, ...} with config runs.count timed runs. A model that stalled in
 * the plain phase is not waited for again in the comparisons. */
void cllm_ai_run(const struct cllm_ai_params *p, struct cJSON *section);

/* The GGUF file of registry model `key` at `quant` (NULL: its default) as a run would get it: the file in
 * p->models_dir, else a download (p->allow_download), else a synthetic stand-in (p->allow_synthetic, with a notice
 * through p->progress). *synthetic says which. CLLM_ERR_NOMEM (err: the RAM pre-check's reason) when the model
 * does not fit this machine's memory (p->hw); CLLM_ERR_NOT_FOUND for an unknown key or a file that cannot be had. */
enum cllm_status cllm_ai_model_file(const struct cllm_ai_params *p, const char *key, const char *quant, char *path,
                                    size_t n, bool *synthetic, char *err, size_t errlen);

/* "quant,temperature,language,prompt-type" (any subset, or "all") → CLLM_AI_COMPARE_* bits; 0 with err set when
 * a name is unknown or none is given. */
unsigned cllm_ai_compare_parse(const char *list, char *err, size_t errlen);

/* `computellm synth`: writes the synthetic GGUF of model_key at p->quant (NULL: its default) to out_path (NULL:
 * models_dir/synthetic/<key>.<QUANT>.gguf, written to path_out), with the vocabulary of vocab_from (NULL: the
 * default Llama vocabulary scripts/setup installs; or any GGUF / tokenizer.json). Progress through p->progress.
 * size_only not NULL: nothing is written; the bytes the file would have (same type mix, same metadata) go there. */
enum cllm_status cllm_ai_synthesize(const struct cllm_ai_params *p, const char *model_key, const char *vocab_from,
                                    const char *out_path, char *path_out, size_t n, uint64_t *size_only, char *err,
                                    size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
