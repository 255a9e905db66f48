/* Synthetic models: a GGUF with a real model's architecture shape (llama arch), a real tokenizer vocabulary
 * and random but valid weights, with the tensor-type mix llama.cpp's own quantizer gives that shape, so the file
 * size and the cost of inference match the real file's. Used when a model cannot be downloaded.
 *
 * Two ways to write one (cllm_synth_params.method):
 *  - direct (default): the type mix is learned by quantizing a skeleton of the model (same layer count, heads,
 *    KV heads, vocabulary and row divisibility; tiny widths) with llama_model_quantize and reading the types
 *    back; then random valid blocks of those types (a pool quantized from random normal data by ggml's own
 *    quantizers, picked per block by a PRNG and varied in their quant bits) are streamed into PATH.part, renamed
 *    to PATH. Disk: the final file only (the skeleton's temporary files are a few MB). Runs at disk speed.
 *  - quantizer: random F16 matrices + F32 norms are streamed into a temporary F16 GGUF (2 bytes per weight),
 *    which libllama quantizes into PATH.part; the temporary file is always deleted.
 * The GGUF says it is synthetic: computellm.synthetic = true, and general.name starts with "synthetic ". */
#ifndef CLLM_SYNTH_H
#define CLLM_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "model/gguf.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_vocab;
struct cllm_llama;

enum cllm_synth_stage {
    CLLM_SYNTH_STAGE_WEIGHTS = 0,   /* writing the random F16 GGUF */
    CLLM_SYNTH_STAGE_QUANTIZE = 1,  /* llama_model_quantize running (fraction from the output's growth) */
    CLLM_SYNTH_STAGE_DONE = 2,
    CLLM_SYNTH_STAGE_MIX = 3,       /* direct: quantizing the skeleton to learn the type mix (0, then 1) */
    CLLM_SYNTH_STAGE_BLOCKS = 4,    /* direct: streaming quantized blocks into the file */
};

enum cllm_synth_method {
    CLLM_SYNTH_DIRECT = 0,          /* quantized blocks straight to the file (default) */
    CLLM_SYNTH_QUANTIZER = 1,       /* F16 temporary file + llama_model_quantize */
};

/* Progress: fraction 0..1 of the stage. Called from the calling thread, at most ~10 times a second.
 * Returning false cancels (during WEIGHTS at once; during QUANTIZE when llama.cpp returns, it cannot be
 * interrupted; during BLOCKS at once) → CLLM_ERR_CANCELLED, PATH.part removed. */
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
    enum cllm_synth_method method;  /* CLLM_SYNTH_DIRECT (default) or CLLM_SYNTH_QUANTIZER; F16 is always direct */
    const char *tmp_dir;         /* folder of the temporary files (F16 GGUF, skeleton); NULL → the folder of path */

    /* tokenizer */
    const struct cllm_vocab *vocab;  /* required: its tokenizer.* keys are copied */
    const char *chat_template;       /* Jinja for tokenizer.chat_template; NULL keeps the vocabulary's */

    uint64_t seed;               /* same seed and shape → same F16 weights (and the same quantized file) */
    int      n_threads;          /* quantizer threads (whole model or skeleton); <= 0 → all CPUs */
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

/* The tensors of the file in order with the types llama.cpp's quantizer gives them for this shape and quant. */
struct cllm_synth_tensor {
    char                name[64];
    enum cllm_ggml_type type;
    uint32_t            n_dims;
    uint64_t            ne[2];
};
struct cllm_synth_mix {
    struct cllm_synth_tensor *t;
    size_t                    n;
    uint32_t                  file_type;      /* general.file_type the quantizer wrote (the llama_ftype) */
    uint32_t                  quant_version;  /* general.quantization_version it wrote (0: none) */
};

/* Learns the mix: writes the skeleton (same n_layer, n_head, n_head_kv, n_vocab, arch; head size and n_ff
 * shrunk only where the real row length is a multiple of 256, so no row falls back to another type that the
 * real one would not) as an F16 GGUF in tmp_dir, quantizes it with p->llama (loaded when NULL), reads the types
 * back and deletes both files. F16: every matrix F16, no library needed. Free with cllm_synth_mix_free. */
enum cllm_status cllm_synth_learn_mix(const struct cllm_synth_params *p, struct cllm_synth_mix *out, char *err,
                                      size_t errlen);
void cllm_synth_mix_free(struct cllm_synth_mix *m);

/* Bytes of the file the direct writer makes for p (header + metadata + every tensor with its alignment),
 * computed from the learned mix without writing it. */
enum cllm_status cllm_synth_file_bytes(const struct cllm_synth_params *p, uint64_t *bytes, char *err,
                                       size_t errlen);

/* Free disk space a write needs, given the final file's size: direct → out_bytes = file_bytes, tmp_bytes = 0;
 * quantizer → tmp_bytes = the F16 file, out_bytes = file_bytes. */
void cllm_synth_disk_need(const struct cllm_synth_params *p, uint64_t file_bytes, uint64_t *tmp_bytes,
                          uint64_t *out_bytes);

/* Parameters and bytes of the F16 intermediate file for this shape (header excluded); 0 for an invalid shape. */
uint64_t cllm_synth_n_params(const struct cllm_synth_params *p);
uint64_t cllm_synth_f16_bytes(const struct cllm_synth_params *p);

#ifdef __cplusplus
}
#endif

#endif
