/* llama.cpp loaded at run time: our own declarations of the part of its C API we use, and one table of typed
 * function pointers filled once per process by cllm_llama_load().
 *
 * Written for the pinned build: llama_version() "0.5.0-dev", ggml_version() "0.25.1", ggml_commit() "0ad4a86"
 * (npm @node-llama-cpp/linux-x64*@3.22.1). Two structs passed by value (model and context params) differ from
 * llama.cpp's newest public header; the layouts below are those of 0.5.0-dev, and cllm_llama_load() checks them
 * against the library's own default-params functions before anything else is called.
 *
 * Opaque llama.cpp handles keep the vendor's tag names (struct llama_model, ...): we never define them. The
 * structs we define carry our prefix (struct cllm_llama_model_params, ...). */
#ifndef CLLM_LLAMA_API_H
#define CLLM_LLAMA_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_LLAMA_SUPPORTED_VERSION "0.5.0-dev"
#define CLLM_LLAMA_NPM_VERSION       "3.22.1"   /* @node-llama-cpp/linux-x64*@ this version carry it */
#define CLLM_LLAMA_LIB_ENV           "COMPUTELLM_LLAMA_LIB"
/* Set to 1 to accept a libllama whose llama_version() differs when every layout check still passes. */
#define CLLM_LLAMA_ANY_VERSION_ENV   "COMPUTELLM_LLAMA_ANY_VERSION"
/* "main" or "fallback": that CUDA build of a folder holding both, whatever the check of llm/cudabin.h says */
#define CLLM_LLAMA_CUDA_BUILD_ENV    "COMPUTELLM_CUDA_BUILD"

/* ---- opaque llama.cpp / ggml handles ---- */
struct llama_model;
struct llama_context;
struct llama_vocab;
struct llama_sampler;
struct llama_memory_i;
struct ggml_backend_device;
struct ggml_threadpool;

typedef int32_t cllm_llama_token;
typedef int32_t cllm_llama_pos;
typedef int32_t cllm_llama_seq_id;

/* ---- enums (values as in llama.h / ggml.h) ---- */
enum cllm_llama_split_mode { CLLM_LLAMA_SPLIT_NONE = 0, CLLM_LLAMA_SPLIT_LAYER = 1, CLLM_LLAMA_SPLIT_ROW = 2 };

/* 0.5.0-dev replaced the use_mmap / use_mlock / use_direct_io bools by this enum. */
enum cllm_llama_load_mode {
    CLLM_LLAMA_LOAD_AUTO = -1, CLLM_LLAMA_LOAD_NONE = 0, CLLM_LLAMA_LOAD_MMAP = 1, CLLM_LLAMA_LOAD_MLOCK = 2,
    CLLM_LLAMA_LOAD_MMAP_MLOCK = 3, CLLM_LLAMA_LOAD_DIRECT_IO = 4
};

enum cllm_llama_lazy_mode { CLLM_LLAMA_LAZY_OFF = 0, CLLM_LLAMA_LAZY_AUTO = 1, CLLM_LLAMA_LAZY_ON = 2 };

enum cllm_llama_flash_attn {
    CLLM_LLAMA_FLASH_ATTN_AUTO = -1, CLLM_LLAMA_FLASH_ATTN_OFF = 0, CLLM_LLAMA_FLASH_ATTN_ON = 1
};

/* llama_ftype values used for quantizing (LLAMA_FTYPE_MOSTLY_*). */
enum cllm_llama_ftype {
    CLLM_LLAMA_FTYPE_ALL_F32 = 0, CLLM_LLAMA_FTYPE_F16 = 1, CLLM_LLAMA_FTYPE_Q4_0 = 2, CLLM_LLAMA_FTYPE_Q8_0 = 7,
    CLLM_LLAMA_FTYPE_Q2_K = 10, CLLM_LLAMA_FTYPE_Q3_K_S = 11, CLLM_LLAMA_FTYPE_Q3_K_M = 12,
    CLLM_LLAMA_FTYPE_Q3_K_L = 13, CLLM_LLAMA_FTYPE_Q4_K_S = 14, CLLM_LLAMA_FTYPE_Q4_K_M = 15,
    CLLM_LLAMA_FTYPE_Q5_K_S = 16, CLLM_LLAMA_FTYPE_Q5_K_M = 17, CLLM_LLAMA_FTYPE_Q6_K = 18,
    CLLM_LLAMA_FTYPE_BF16 = 32
};

/* ggml_log_level */
enum cllm_ggml_log_level {
    CLLM_GGML_LOG_NONE = 0, CLLM_GGML_LOG_DEBUG = 1, CLLM_GGML_LOG_INFO = 2, CLLM_GGML_LOG_WARN = 3,
    CLLM_GGML_LOG_ERROR = 4, CLLM_GGML_LOG_CONT = 5
};

/* ggml_backend_dev_type */
enum cllm_ggml_dev_type {
    CLLM_GGML_DEV_CPU = 0, CLLM_GGML_DEV_GPU = 1, CLLM_GGML_DEV_IGPU = 2, CLLM_GGML_DEV_ACCEL = 3
};

/* ggml_backend_dev_props and its caps, as ggml 0.25.1's ggml-backend.h lays them out (name, description, free,
 * total, type, device_id, caps). device_id: for PCI devices the lower-case bus id "0000:c1:00.0" (CUDA, Vulkan;
 * CUDA adds "-vN" for virtual devices), NULL when the backend does not know it. */
struct cllm_ggml_dev_caps {
    bool async, host_buffer, buffer_from_host_ptr, events, mmap_support;
};
struct cllm_ggml_dev_props {
    const char *name;
    const char *description;
    size_t      memory_free;
    size_t      memory_total;
    int         type;                       /* enum cllm_ggml_dev_type */
    const char *device_id;
    struct cllm_ggml_dev_caps caps;
};

typedef void (*cllm_ggml_log_fn)(int level /* enum cllm_ggml_log_level */, const char *text, void *user_data);
typedef bool (*cllm_llama_progress_fn)(float progress, void *user_data);

/* ---- structs passed by value: 0.5.0-dev layouts, field order as the library's ---- */

/* llama_model_params (80 bytes on LP64). */
struct cllm_llama_model_params {
    struct ggml_backend_device **devices;      /* NULL-terminated list to offload to; NULL = every device */
    const void *tensor_buft_overrides;
    int32_t     n_gpu_layers;                  /* layers in VRAM; -1 = all */
    int32_t     split_mode;                    /* enum cllm_llama_split_mode */
    int32_t     load_mode;                     /* enum cllm_llama_load_mode */
    int32_t     lazy_mode;                     /* enum cllm_llama_lazy_mode */
    int32_t     main_gpu;
    const float *tensor_split;
    cllm_llama_progress_fn progress_callback;
    void       *progress_callback_user_data;
    const void *kv_overrides;
    bool        vocab_only;
    bool        check_tensors;
    bool        use_extra_bufts;
    bool        no_host;
    bool        no_alloc;
    bool        load_mtp;
};

/* llama_context_params (160 bytes on LP64). */
struct cllm_llama_context_params {
    uint32_t n_ctx;                  /* tokens; 0 = from the model */
    uint32_t n_batch;                /* most tokens one llama_decode call takes */
    uint32_t n_ubatch;               /* physical batch */
    uint32_t n_seq_max;
    uint32_t n_rs_seq;
    uint32_t n_outputs_max;
    uint32_t n_outputs_max_per_seq;
    int32_t  n_threads;              /* threads for single-token decode */
    int32_t  n_threads_batch;        /* threads for prompt batches */
    int32_t  ctx_type;
    int32_t  rope_scaling_type;
    int32_t  pooling_type;
    int32_t  attention_type;
    int32_t  flash_attn_type;        /* enum cllm_llama_flash_attn */
    float    rope_freq_base;
    float    rope_freq_scale;
    float    yarn_ext_factor;
    float    yarn_attn_factor;
    float    yarn_beta_fast;
    float    yarn_beta_slow;
    uint32_t yarn_orig_ctx;
    float    defrag_thold;
    void    *cb_eval;
    void    *cb_eval_user_data;
    int32_t  type_k;                 /* ggml_type of the K cache; 1 = F16 */
    int32_t  type_v;
    void    *abort_callback;
    void    *abort_callback_data;
    bool     embeddings;
    bool     offload_kqv;
    bool     no_perf;                /* true turns llama.cpp's own timers off */
    bool     op_offload;             /* offload host ops to a GPU; must be false for a CPU-only measurement */
    bool     swa_full;
    bool     kv_unified;
    void    *samplers;
    size_t   n_samplers;
    void    *ctx_other;
};

/* llama_model_quantize_params (64 bytes on LP64). The last two int32 exist in 0.5.0-dev (defaults 0 and 2)
 * but not in any public header we could read: keep the values llama_model_quantize_default_params() gives. */
struct cllm_llama_quantize_params {
    int32_t nthread;                 /* <= 0: hardware concurrency */
    int32_t ftype;                   /* enum cllm_llama_ftype */
    int32_t output_tensor_type;      /* ggml_type; GGML_TYPE_COUNT (43 here) = decided by ftype */
    int32_t token_embedding_type;
    bool    allow_requantize;
    bool    quantize_output_tensor;
    bool    only_copy;
    bool    pure;                    /* one type for every tensor (no k-quant mix) */
    bool    keep_split;
    bool    dry_run;
    const void *imatrix;
    const void *kv_overrides;
    const void *tt_overrides;
    const int32_t *prune_layers;
    int32_t reserved_0x38;
    int32_t reserved_0x3c;
};

struct cllm_llama_batch {
    int32_t n_tokens;
    cllm_llama_token *token;
    float *embd;
    cllm_llama_pos *pos;
    int32_t *n_seq_id;
    cllm_llama_seq_id **seq_id;
    int8_t *logits;
};

struct cllm_llama_chat_message {
    const char *role;
    const char *content;
};

struct cllm_llama_sampler_chain_params {
    bool no_perf;
};

struct cllm_llama_perf_context_data {
    double  t_start_ms;
    double  t_load_ms;
    double  t_p_eval_ms;   /* prompt processing time */
    double  t_eval_ms;     /* token generation time */
    int32_t n_p_eval;      /* prompt tokens evaluated */
    int32_t n_eval;        /* generated tokens evaluated */
    int32_t n_reused;
};

struct cllm_llama_perf_sampler_data {
    double  t_sample_ms;   /* time spent in the sampler chain */
    int32_t n_sample;
};

/* ggml_threadpool_params (ggml.h; 528 bytes on LP64): what ggml_threadpool_params_default fills. */
#define CLLM_GGML_MAX_N_THREADS 512
struct cllm_ggml_threadpool_params {
    bool     cpumask[CLLM_GGML_MAX_N_THREADS];   /* all false: the default affinity */
    int      n_threads;
    int      prio;                               /* enum ggml_sched_priority: 0 normal */
    uint32_t poll;                               /* 0 no polling .. 100 aggressive; llama-bench's default 50 */
    bool     strict_cpu;
    bool     paused;
};

/* ---- the loaded library ---- */
struct cllm_llama {
    char lib_path[1024];      /* absolute path of the libllama that was loaded */
    char lib_dir[1024];       /* its folder (backends are loaded from there) */
    char variant[16];         /* "cpu", "vulkan", "cuda" from .deps/llama/ or lib/computellm/llama/, else "" */
    char version[32];         /* llama_version() */
    char ggml_version[32];    /* ggml_version(), "" when the library lacks it */
    char ggml_commit[32];     /* ggml_commit() */
    /* a folder with libggml-cuda.so (llm/cudabin.h): "main", "fallback" (its fallback/libggml-cuda.so was loaded:
     * the main build has no code the visible GPUs run), "none" (neither runs: no CUDA backend loaded), or "" (no
     * CUDA backend beside the library, or no NVIDIA GPU to check against); cuda_note says why */
    char cuda_build[16];
    char cuda_note[1024];

    /* libllama: required */
    struct cllm_llama_model_params   (*model_default_params)(void);
    struct cllm_llama_context_params (*context_default_params)(void);
    struct cllm_llama_sampler_chain_params (*sampler_chain_default_params)(void);
    void (*backend_init)(void);
    void (*log_set)(cllm_ggml_log_fn fn, void *user_data);
    const char *(*print_system_info)(void);
    bool (*supports_gpu_offload)(void);
    struct llama_model *(*model_load_from_file)(const char *path, struct cllm_llama_model_params p);
    void (*model_free)(struct llama_model *m);
    struct llama_context *(*init_from_model)(struct llama_model *m, struct cllm_llama_context_params p);
    void (*free)(struct llama_context *c);
    const struct llama_vocab *(*model_get_vocab)(const struct llama_model *m);
    uint64_t (*model_n_params)(const struct llama_model *m);
    uint64_t (*model_size)(const struct llama_model *m);      /* bytes of all tensors */
    int32_t (*model_desc)(const struct llama_model *m, char *buf, size_t n);
    const char *(*model_chat_template)(const struct llama_model *m, const char *name);  /* NULL: none */
    int32_t (*model_n_layer)(const struct llama_model *m);
    int32_t (*tokenize)(const struct llama_vocab *v, const char *text, int32_t text_len, cllm_llama_token *out,
                        int32_t n_max, bool add_special, bool parse_special);
    int32_t (*token_to_piece)(const struct llama_vocab *v, cllm_llama_token t, char *buf, int32_t n,
                              int32_t lstrip, bool special);
    cllm_llama_token (*vocab_bos)(const struct llama_vocab *v);
    cllm_llama_token (*vocab_eos)(const struct llama_vocab *v);
    bool (*vocab_is_eog)(const struct llama_vocab *v, cllm_llama_token t);
    int32_t (*vocab_n_tokens)(const struct llama_vocab *v);
    int32_t (*chat_apply_template)(const char *tmpl, const struct cllm_llama_chat_message *msgs, size_t n_msg,
                                   bool add_assistant, char *buf, int32_t len);
    struct cllm_llama_batch (*batch_get_one)(cllm_llama_token *tokens, int32_t n);
    int32_t (*decode)(struct llama_context *c, struct cllm_llama_batch b);
    struct llama_memory_i *(*get_memory)(const struct llama_context *c);
    void (*memory_clear)(struct llama_memory_i *mem, bool data);
    uint32_t (*n_ctx)(const struct llama_context *c);
    uint32_t (*n_batch)(const struct llama_context *c);
    struct llama_sampler *(*sampler_chain_init)(struct cllm_llama_sampler_chain_params p);
    void (*sampler_chain_add)(struct llama_sampler *chain, struct llama_sampler *s);
    cllm_llama_token (*sampler_sample)(struct llama_sampler *s, struct llama_context *c, int32_t idx);
    void (*sampler_accept)(struct llama_sampler *s, cllm_llama_token t);
    void (*sampler_reset)(struct llama_sampler *s);
    void (*sampler_free)(struct llama_sampler *s);
    /* 0.5.0-dev takes the vocabulary size first (llama.cpp's newest header does not): checked in its code */
    struct llama_sampler *(*sampler_init_penalties)(int32_t n_vocab, int32_t last_n, float repeat, float freq,
                                                    float present);
    struct llama_sampler *(*sampler_init_top_k)(int32_t k);
    struct llama_sampler *(*sampler_init_top_p)(float p, size_t min_keep);
    struct llama_sampler *(*sampler_init_temp)(float t);
    struct llama_sampler *(*sampler_init_dist)(uint32_t seed);
    struct llama_sampler *(*sampler_init_greedy)(void);
    struct cllm_llama_perf_context_data (*perf_context)(const struct llama_context *c);
    void (*perf_context_reset)(struct llama_context *c);
    void (*synchronize)(struct llama_context *c);                   /* optional: waits for the last decode's GPU work */
    float *(*get_logits_ith)(struct llama_context *c, int32_t i);   /* optional: the engine's own sampler reads these */
    struct cllm_llama_perf_sampler_data (*perf_sampler)(const struct llama_sampler *chain);
    struct cllm_llama_quantize_params (*model_quantize_default_params)(void);
    uint32_t (*model_quantize)(const char *in, const char *out, const struct cllm_llama_quantize_params *p);

    /* libllama: optional (NULL when absent) */
    const char *(*llama_version_fn)(void);
    /* the sweep's method (llm/bench.c): a context's state of sequence 0 saved and restored, our own thread pool,
     * whether the vocabulary adds BOS */
    size_t (*state_seq_get_size)(struct llama_context *c, cllm_llama_seq_id seq);
    size_t (*state_seq_get_data)(struct llama_context *c, uint8_t *dst, size_t size, cllm_llama_seq_id seq);
    size_t (*state_seq_set_data)(struct llama_context *c, const uint8_t *src, size_t size, cllm_llama_seq_id seq);
    void (*attach_threadpool)(struct llama_context *c, struct ggml_threadpool *tp, struct ggml_threadpool *tp_batch);
    void (*detach_threadpool)(struct llama_context *c);
    bool (*vocab_get_add_bos)(const struct llama_vocab *v);
    /* backend sampling [EXPERIMENTAL in llama.cpp]: a sampler chain run inside the decode graph on the output
     * device; the chosen token is read back instead of the logits (engine_llama.c, CLLM_SAMPLING_*) */
    bool (*set_sampler)(struct llama_context *c, cllm_llama_seq_id seq, struct llama_sampler *chain);
    cllm_llama_token (*get_sampled_token_ith)(struct llama_context *c, int32_t i);  /* LLAMA_TOKEN_NULL (-1): none */
    uint32_t (*get_sampled_candidates_count_ith)(struct llama_context *c, int32_t i);
    cllm_llama_token *(*get_sampled_candidates_ith)(struct llama_context *c, int32_t i);
    float *(*get_sampled_logits_ith)(struct llama_context *c, int32_t i);
    uint32_t (*get_sampled_logits_count_ith)(struct llama_context *c, int32_t i);

    /* libggml / libggml-base, reached through libllama's dependencies */
    void (*ggml_backend_load_all_from_path)(const char *dir);
    size_t (*ggml_backend_dev_count)(void);
    struct ggml_backend_device *(*ggml_backend_dev_get)(size_t i);
    const char *(*ggml_backend_dev_name)(struct ggml_backend_device *d);
    const char *(*ggml_backend_dev_description)(struct ggml_backend_device *d);
    int (*ggml_backend_dev_type)(struct ggml_backend_device *d);       /* enum cllm_ggml_dev_type */
    void (*ggml_backend_dev_memory)(struct ggml_backend_device *d, size_t *free_b, size_t *total_b);
    void *(*ggml_backend_dev_backend_reg)(struct ggml_backend_device *d);
    void (*ggml_backend_dev_get_props)(struct ggml_backend_device *d, struct cllm_ggml_dev_props *props); /* opt. */
    const char *(*ggml_backend_reg_name)(void *reg);                  /* "CPU", "CUDA", "Vulkan", "Metal", ... */
    const char *(*ggml_version_fn)(void);                             /* optional */
    const char *(*ggml_commit_fn)(void);                              /* optional */
    void (*ggml_log_set)(cllm_ggml_log_fn fn, void *user_data);       /* optional */
    struct cllm_ggml_threadpool_params (*ggml_threadpool_params_default)(int n_threads);   /* optional */
    void *(*ggml_backend_reg_get_proc_address)(void *reg, const char *name);               /* optional */
    /* optional, for llama.cpp's RPC backend (cllm_llama_rpc_*) */
    void *(*ggml_backend_load)(const char *path);            /* dlopen inside libggml; registers the backend */
    void *(*ggml_backend_reg_by_name)(const char *name);
    void (*ggml_backend_register)(void *reg);
    size_t (*ggml_backend_reg_dev_count)(void *reg);
    /* optional, for synthetic models written directly (model/synth_direct.c): ggml's own quantizers (type is a
     * ggml_type; rows of n_per_row elements, a multiple of the type's block size; returns bytes written) and its
     * block checker (false when a scale is NaN/Inf or a value is out of the type's range) */
    void (*ggml_quantize_init)(int type);
    size_t (*ggml_quantize_chunk)(int type, const float *src, void *dst, int64_t start, int64_t nrows,
                                  int64_t n_per_row, const float *imatrix);
    bool (*ggml_validate_row_data)(int type, const void *data, size_t nbytes);
};

/* Loads libllama once per process and returns the shared table (never freed: llama.cpp keeps global state).
 * lib_path_or_dir: a libllama file, or a folder holding libllama*.v0.5.0.so or libllama.so; NULL →
 * $COMPUTELLM_LLAMA_LIB, then (cllm_llama_find) an installed binary's P/lib/computellm/llama/{cuda,vulkan,cpu}/, then
 * .deps/llama/{cuda,vulkan,cpu}/ under the source tree, the executable's parent folders and the current folder.
 * Checks llama_version() and the default-params layouts, loads the ggml backends found beside the library
 * (ggml_backend_load_all_from_path), routes llama.cpp's log into CLLM_LOG and calls llama_backend_init.
 * A later call returns the same table when it names the same library (or NULL); naming another one while a
 * library is loaded → CLLM_ERR_INVALID_ARG. A refused library (CLLM_ERR_LIBRARY, err names its path, its
 * version and the supported one) is unloaded and a later call may try another. A library lacking
 * llama_version() is refused too: it predates the layouts declared here. */
enum cllm_status cllm_llama_load(const char *lib_path_or_dir, const struct cllm_llama **out, char *err,
                                 size_t errlen);

/* The loaded table, or NULL when cllm_llama_load has not succeeded. */
const struct cllm_llama *cllm_llama_get(void);

/* Writes the folder cllm_llama_load(NULL) would use into out (the first that holds a libllama), or returns
 * CLLM_ERR_NOT_FOUND with every place tried in err. Does not load anything. */
enum cllm_status cllm_llama_find(char *out, size_t n, char *err, size_t errlen);

/* The first line llama.cpp logged at ERROR level since the previous call (then forgotten; it names the cause,
 * later lines repeat "failed"); "" when none. Engines append it to their message when a llama.cpp call fails. */
void cllm_llama_take_error(char *out, size_t n);

/* Every whole line llama.cpp logs from now on also goes to fn (NULL: none), until the next call; one tap per
 * process (the in-process engine sets it around model load to read where layers went, llm/placement.h). fn is
 * called with llama.cpp's log lock held: it must not call back into llama.cpp. */
void cllm_llama_log_tap(void (*fn)(const char *line, void *user), void *user);

/* ---- llama.cpp's RPC backend (remote devices through rpc-server) ---- */
#define CLLM_RPC_LIB_ENV "COMPUTELLM_RPC_LIB"

/* Makes llama.cpp's RPC backend available to the loaded library, once per process: already there when the
 * library was built with it (a --llama-lib build with GGML_RPC, or libggml-rpc.so beside libllama); else
 * ggml_backend_load of rpc_lib, or when NULL $COMPUTELLM_RPC_LIB, then .deps/llama-rpc/lib/libggml-rpc.so of the
 * source tree (scripts/setup --rpc). The library loaded (or "built in") goes to path_out. CLLM_ERR_NOT_FOUND with
 * the places tried and the setup command; CLLM_ERR_LIBRARY when ggml refuses it (another ggml build). */
enum cllm_status cllm_llama_rpc_load(const struct cllm_llama *L, const char *rpc_lib, char *path_out, size_t n,
                                     char *err, size_t errlen);

/* Adds the devices of the rpc-server at endpoint ("host:port") to ggml's device list, once per endpoint per
 * process (ggml_backend_rpc_add_server + ggml_backend_register); how many devices that server has into
 * *n_devices. Only after cllm_rpc_probe succeeded: llama.cpp's client blocks in connect and aborts the process
 * when the server refuses. */
enum cllm_status cllm_llama_rpc_add_server(const struct cllm_llama *L, const char *endpoint, int *n_devices,
                                           char *err, size_t errlen);

/* ---- devices the loaded library can run on ---- */
#define CLLM_LLAMA_MAX_DEVICES 40   /* local GPUs and CPU + up to 16 RPC servers' devices */

struct cllm_llama_device {
    char   name[64];           /* ggml device name: "CPU", "CUDA0", "Vulkan0" */
    char   description[160];   /* e.g. "NVIDIA H100 80GB HBM3", "AMD EPYC 9654 96-Core Processor" */
    char   backend[32];        /* ggml backend (registry) name: "CPU", "CUDA", "Vulkan", "Metal", "SYCL", ... */
    int    type;               /* enum cllm_ggml_dev_type */
    double memory_total_gb;    /* GiB; NAN when the backend does not say */
    double memory_free_gb;
    char   device_id[64];      /* ggml_backend_dev_props.device_id: PCI bus id "0000:01:00.0"; "" not reported */
    struct ggml_backend_device *handle;
};

/* Lists the ggml devices of the loaded library; returns how many (at most max). */
int cllm_llama_devices(const struct cllm_llama *L, struct cllm_llama_device *out, int max);

/* A ggml CPU thread pool of n_threads threads polling at `poll` (0..100), as llama-bench and llama.cpp's own
 * tools attach to their contexts: without one, ggml starts and joins n_threads threads for every graph (every
 * generated token). NULL when the library lacks the functions (then the caller runs without). */
struct ggml_threadpool *cllm_llama_threadpool_new(const struct cllm_llama *L, int n_threads, int poll);
void cllm_llama_threadpool_free(const struct cllm_llama *L, struct ggml_threadpool *tp);

/* Checks the layouts (exposed for tests): fills `why` and returns false when a default value differs from
 * 0.5.0-dev's. The raw buffers hold what the library's default-params functions wrote (see llama_api.c). */
bool cllm_llama_check_model_defaults(const struct cllm_llama_model_params *p, char *why, size_t n);
bool cllm_llama_check_context_defaults(const struct cllm_llama_context_params *p, char *why, size_t n);

#ifdef __cplusplus
}
#endif

#endif
