/* The model registry: the models the LLM phases know, where their GGUF files are on Hugging Face, their shapes and
 * what machine they need. It is data, not code: data/models.json (found next to the binary or in the source tree),
 * then the user's ~/.config/computellm/models.json, then --models-file / $COMPUTELLM_MODELS_FILE, each merged over
 * the previous one key by key (objects field by field; a key set to null removes it).
 *
 * Units: size_gb is a file size in GB (10^9 bytes, as Hugging Face lists files); min_ram_gb and min_vram_gb are
 * GiB, compared with total RAM and total VRAM as detected. */
#ifndef CLLM_MODELS_H
#define CLLM_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_MODEL_MAX_QUANTS 16
#define CLLM_MODEL_MAX_PARTS  8
#define CLLM_MODEL_FILE_MAX   160

/* One piece of a file that Hugging Face holds in parts (its 50 GB per-file limit): parts are concatenated in
 * order into the quantization's `file`. */
struct cllm_model_part {
    char   file[CLLM_MODEL_FILE_MAX];  /* file name in the repository, e.g. "llama-2-70b-chat.Q6_K.gguf-split-a" */
    double size_gb;                    /* expected size, GB; NAN unknown */
    char   sha256[65];                 /* lower-case hex; "" unknown */
};

struct cllm_model_quant {
    char    name[16];                  /* "Q4_K_M" */
    char    file[CLLM_MODEL_FILE_MAX]; /* file name in the repository; for split files the joined local name */
    int     n_parts;                   /* 0: one file; >= 2: `parts` are fetched in order and joined into `file` */
    struct cllm_model_part parts[CLLM_MODEL_MAX_PARTS];
    double  size_gb;                   /* expected file size, GB; NAN unknown (sum of parts when split) */
    int64_t size_bytes;                /* exact size; -1 unknown */
    char    sha256[65];                /* whole file, lower-case hex; "" unknown (always "" when split) */
    double  min_ram_gb;                /* total RAM needed, GiB (given, or scaled from the default quant by size) */
    double  min_vram_gb;               /* VRAM to run fully on the GPU(s), GiB: file + f16 KV cache at n_ctx 2048
                                        * + 0.5 GiB compute buffers when not given; NAN unknown */
    bool    verified;                  /* the name (and size) was seen on the repository listing */
};

/* The shape llama.cpp builds; the synthetic-model writer uses it to make same-cost GGUF files. */
struct cllm_model_arch {
    char   arch[16];                   /* GGUF general.architecture, "llama" */
    int    n_layer;                    /* transformer blocks */
    int    n_embd;                     /* hidden size */
    int    n_ff;                       /* feed-forward inner size */
    int    n_head;                     /* attention (query) heads */
    int    n_head_kv;                  /* key/value heads (grouped-query attention when < n_head) */
    int    n_vocab;                    /* vocabulary size */
    int    n_ctx_train;                /* context length the model was trained with, tokens */
    double rope_theta;                 /* RoPE base frequency (10000; 1e6 for Mistral v0.2 and CodeLlama) */
    double rms_norm_eps;               /* RMSNorm epsilon */
};

struct cllm_model {
    char   key[65];                    /* registry key, "tinyllama-1.1b" */
    char   name[128];                  /* display name, "TinyLlama 1.1B Chat v1.0" */
    char   params[16];                 /* parameter count as written, "1.1B" */
    double params_b;                   /* parameter count in billions, 1.1 */
    char   repo[128];                  /* Hugging Face repository, "TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF" */
    char   revision[64];               /* branch, tag or commit to fetch from; "main" */
    char   default_quant[16];          /* quantization used when none is asked for, "Q4_K_M" */
    char   chat_template[16];          /* "zephyr", "llama2", "mistral", "chatml", "llama3" or "none" */
    double min_ram_gb;                 /* total RAM needed for the default quant, GiB */
    struct cllm_model_arch arch;
    int    n_quants;
    struct cllm_model_quant quants[CLLM_MODEL_MAX_QUANTS];
    char   origin[256];                /* registry file that defined or last changed this entry */
};

/* ---- the registry ---- */

struct cllm_registry;

struct cllm_registry_params {
    const char *builtin_path;          /* NULL: data/models.json next to the binary, else the source tree's data/ */
    bool        read_user_config;      /* merge $XDG_CONFIG_HOME (or ~/.config)/computellm/models.json if present */
    const char *user_path;             /* NULL: $COMPUTELLM_MODELS_FILE; merged last; a missing file is an error */
};

struct cllm_registry_params cllm_registry_default_params(void);

/* Loads the built-in file and merges the user files over it. Every entry is checked; err names the file, the key
 * and the field ("my.json: models.foo.quants.Q4_K_M.file: expected a file name ending in .gguf"). */
enum cllm_status cllm_registry_load(const struct cllm_registry_params *p, struct cllm_registry **out, char *err,
                                    size_t errlen);

/* An empty registry (tests, or callers that build one from text with cllm_registry_merge_json). */
struct cllm_registry *cllm_registry_new(void);

/* Merges registry JSON text (`origin` names it in messages) over r. On error r is unchanged. */
enum cllm_status cllm_registry_merge_json(struct cllm_registry *r, const char *text, const char *origin, char *err,
                                          size_t errlen);

/* Reads FILE and merges it (cllm_registry_merge_json). */
enum cllm_status cllm_registry_merge_file(struct cllm_registry *r, const char *path, char *err, size_t errlen);

void cllm_registry_free(struct cllm_registry *r);

/* Entries in file order (the built-in ones first, then keys the user files add). */
int cllm_registry_count(const struct cllm_registry *r);
const struct cllm_model *cllm_registry_at(const struct cllm_registry *r, int i);

/* NULL when the key is unknown. */
const struct cllm_model *cllm_registry_find(const struct cllm_registry *r, const char *key);

/* The files merged so far, "; "-separated (recorded in results). */
const char *cllm_registry_origins(const struct cllm_registry *r);

/* ---- one model ---- */

/* The quantization named `quant` (case-insensitive), or the default one when quant is NULL or ""; NULL if absent. */
const struct cllm_model_quant *cllm_model_find_quant(const struct cllm_model *m, const char *quant);

/* "models_dir/<file>": where a downloaded (or user-provided) file lives. */
void cllm_model_local_path(const struct cllm_model_quant *q, const char *models_dir, char *out, size_t n);

/* "models_dir/synthetic/<key>.<QUANT>.gguf": where a synthetic stand-in lives. */
void cllm_model_synthetic_path(const struct cllm_model *m, const struct cllm_model_quant *q,
                               const char *models_dir, char *out, size_t n);

/* Bytes of an f16 K+V cache for n_ctx tokens: 2 × n_layer × n_ctx × n_head_kv × (n_embd / n_head) × 2. */
int64_t cllm_model_kv_cache_bytes(const struct cllm_model *m, int n_ctx);

/* ---- pre-checks ---- */

struct cllm_hw_info;

enum cllm_fit {
    CLLM_FIT_OK = 0,        /* runs as planned: on the GPU(s) when there is one with room, else on the CPU */
    CLLM_FIT_CPU_ONLY,      /* a GPU is there but its VRAM is below min_vram_gb: the model runs on the CPU */
    CLLM_FIT_SKIP_RAM,      /* total RAM below min_ram_gb: the model is skipped */
    CLLM_FIT_BAD_QUANT,     /* the model has no such quantization */
};

/* "ok", "cpu_only", "skipped_ram", "bad_quant". */
const char *cllm_fit_name(enum cllm_fit f);

/* The original's pre-check: total RAM < min RAM → skipped ("needs 16 GB of RAM, this machine has 7.6 GB"); then
 * the VRAM of the GPUs of the primary backend (summed: llama.cpp splits layers across them) against min VRAM →
 * CPU only when short. Integrated / unified-memory GPUs are covered by the RAM check. Unknown RAM or VRAM is not
 * held against the model; the reason says it was not checked. quant NULL = the default quantization. */
enum cllm_fit cllm_model_check_fit(const struct cllm_model *m, const char *quant, const struct cllm_hw_info *hw,
                                   char *reason, size_t n);

#ifdef __cplusplus
}
#endif

#endif
