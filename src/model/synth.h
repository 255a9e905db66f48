/* Synthetic models: a GGUF with a real model's architecture shape (llama arch), a real tokenizer vocabulary
 * and random but valid weights, quantized by llama.cpp's own llama_model_quantize so the tensor-type mix, the
 * file size and the cost of inference match the real file's. Used when a model cannot be downloaded.
 *
 * Steps: random F16 matrices + F32 norms are streamed tensor by tensor into a temporary F16 GGUF (never the
 * whole model in memory), which libllama quantizes into PATH.part, renamed to PATH once checked; the
 * temporary file is always deleted. The GGUF says it is synthetic: computellm.synthetic = true, and
 * general.name starts with "synthetic ". */
#ifndef CLLM_SYNTH_H
#define CLLM_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_vocab;
struct cllm_llama;

enum cllm_synth_stage {
    CLLM_SYNTH_STAGE_WEIGHTS = 0,   /* writing the random F16 GGUF */
    CLLM_SYNTH_STAGE_QUANTIZE = 1,  /* llama_model_quantize running (fraction from the output's growth) */
    CLLM_SYNTH_STAGE_DONE = 2,
};

/* Progress: fraction 0..1 of the stage. Called from the calling thread, at most ~10 times a second.
 * Returning false cancels (during WEIGHTS at once; during QUANTIZE when llama.cpp returns, it cannot be
 * interrupted) → CLLM_ERR_CANCELLED. */
typedef bool (*cllm_synth_progress_fn)(enum cllm_synth_stage stage, double fraction, void *user_data);

struct cllm_synth_params {
    /* shape, from the model registry */
    const char *arch;            /* "llama" (the only architecture written) */
    uint32_t    n_layer;         /* transformer blocks */
    uint32_t    n_embd;          /* hidden size; a multiple of 256 for k-quants (else llama.cpp falls back) */
    uint32_t    n_ff;            /* feed-forward size */
    uint32_t    n_head;          /* attention heads; n_embd % n_head == 0 */
    uint32_t    n_head_kv;       /* key/value heads (GQA); n_head % n_head_kv == 0 */
    uint32_t    n_vocab;         /* must equal the vocabulary's token count */
    uint32_t    n_ctx_train;     /* llama.context_length */
    float       rope_freq_base;  /* rope theta; default 10000 */
    float       rms_norm_eps;    /* default 1e-5 */
    const char *name;            /* general.name; "synthetic " is prefixed when absent; NULL → "synthetic model" */
    const char *model_key;       /* registry key, recorded as computellm.model_key; may be NULL */

    /* output */
    const char *path;            /* the GGUF to write (atomically: PATH.part, then rename) */
    const char *quant;           /* "F16" (no libllama needed), "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M",
                                    "Q2_K" (also Q4_0, Q3_K_S, Q3_K_L, Q4_K_S, Q5_K_S); default "Q4_K_M" */
    const char *tmp_dir;         /* folder of the temporary F16 GGUF; NULL → the folder of path */

    /* tokenizer */
    const struct cllm_vocab *vocab;  /* required: its tokenizer.* keys are copied */
    const char *chat_template;       /* Jinja for tokenizer.chat_template; NULL keeps the vocabulary's */

    uint64_t seed;               /* same seed and shape → same F16 weights (and the same quantized file) */
    int      n_threads;          /* quantizer threads; <= 0 → all CPUs */
    const struct cllm_llama *llama;  /* loaded libllama for quantizing; NULL → cllm_llama_load(NULL) */

    cllm_synth_progress_fn progress; /* may be NULL */
    void                  *user_data;
};

/* arch "llama", rope 10000, eps 1e-5, quant "Q4_K_M", seed 42; shape, path and vocab left empty. */
struct cllm_synth_params cllm_synth_default_params(void);

/* Writes the model. Errors: CLLM_ERR_INVALID_ARG (bad shape, n_vocab ≠ vocabulary, unknown quant),
 * CLLM_ERR_IO (disk full or too little free space: checked first, the message gives GB needed and free),
 * CLLM_ERR_LIBRARY (no libllama for a quantized type; err says how to install it), CLLM_ERR_CANCELLED. */
enum cllm_status cllm_synth_write(const struct cllm_synth_params *p, char *err, size_t errlen);

/* llama_ftype of a quant name (case-insensitive); false when unknown. F16 → 1. */
bool cllm_synth_quant_ftype(const char *quant, int *ftype);

/* Parameters and bytes of the F16 intermediate file for this shape (header excluded); 0 for an invalid shape. */
uint64_t cllm_synth_n_params(const struct cllm_synth_params *p);
uint64_t cllm_synth_f16_bytes(const struct cllm_synth_params *p);

#ifdef __cplusplus
}
#endif

#endif
