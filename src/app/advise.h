/* `computellm advise`: which models fit this machine, where, and how fast they should decode, before anything is
 * downloaded. Gathers the inputs — the registry's models x quantizations, GGUF files named by path (read from
 * their header), this machine's free VRAM and RAM, and the measured bandwidths, GEMM rates and roofline
 * efficiencies of a results file — and hands them to model/fit.h's math. `run` calls it at the end of a run with
 * that run's own results (the results file's `advice`). */
#ifndef CLLM_APP_ADVISE_H
#define CLLM_APP_ADVISE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "model/fit.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_hw_info;
struct cllm_registry;

struct cllm_advise_params {
    const struct cllm_hw_info *hw;       /* the machine (free VRAM, RAM) */
    const char *models_dir;              /* where downloaded / synthetic files are looked for; "models" */
    const char *models_file;             /* extra registry file (NULL: $COMPUTELLM_MODELS_FILE) */
    bool        registry;                /* a row per registry model x quantization (default true) */
    const char *model;                   /* only this registry key; NULL all */
    const char *const *gguf_paths;       /* GGUF files to add, read from their header */
    int         n_gguf;
    const char *const *hf_files;         /* Hugging Face files "OWNER/REPO/FILE.gguf": their header is fetched with a
                                            Range request (HF_ENDPOINT, HF_TOKEN honoured), nothing else */
    int         n_hf;
    int         n_ctx;                   /* context the KV cache is sized for, tokens (2048) */
    const char *kv_type;                 /* "f16" (llama.cpp's default), "q8_0", "q4_0", "f32", ... */
    int         n_gen;                   /* tokens generated: decode is predicted at depth n_gen / 2 (128) */
    double      min_tps;                 /* target of the "largest model" recommendation, tokens/s (10) */
    const struct cJSON *result;          /* a results tree to take measured inputs from; NULL none */
    const char *result_origin;           /* its file name, for the inputs' sources */
};

struct cllm_advise_params cllm_advise_default_params(void);

/* Builds the advice into *out (free with cllm_fit_advice_free). CLLM_ERR_INVALID_ARG for a bad n_ctx, KV type or
 * unknown model key; CLLM_ERR_PARSE / CLLM_ERR_IO for a GGUF file that cannot be read (err names it and why). */
enum cllm_status cllm_advise(const struct cllm_advise_params *p, struct cllm_fit_advice *out, char *err,
                             size_t errlen);

/* The measured inputs of a results tree into r (inputs it lacks are left as they are): host read bandwidth
 * (memory_bandwidth read_gbps), GPU read bandwidth (half of gpu_compute's D2D copy rate), CPU GEMM rate (the best
 * multi-thread size), GPU fp16 GEMM rate, and the decode efficiency of the largest model each backend ran
 * (ai_benchmarks results: its decode rate x bytes per token / the bandwidth, as model/fit.h counts bytes). reg
 * gives the models' shapes; origin names the file in the sources. */
void cllm_advise_rates_from_result(const struct cJSON *result, const char *origin, const struct cllm_registry *reg,
                                   int n_ctx, double kv_type_bytes, struct cllm_fit_rates *r);

/* The newest results file (benchmark_*.json by modification time) in dir into out; false when there is none. */
bool cllm_advise_find_results(const char *dir, char *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
