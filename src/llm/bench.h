/* llama-bench's method on the runtime-loaded libllama (`computellm sweep`, and the first rung of run's ladder):
 * random tokens, no sampling, no tokenizer; a prompt in n_batch-token llama_decode calls, generation one token per
 * call with a synchronize after each; a fresh KV state per repetition, a context depth filled first (untimed) and
 * saved once so every repetition starts from the same state.
 *
 * The runner (app/sweep.c) drives a struct cllm_bench_ops table: cllm_bench_llama here, a scripted fake in tests.
 * The rows it measures (struct cllm_bench_test) are what report/write_sweep.c writes, under llama-bench's field
 * names where llama-bench has one. */
#ifndef CLLM_LLM_BENCH_H
#define CLLM_LLM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "llm/llm_result.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_gpu_info;
struct cllm_gpu_selection;

#define CLLM_BENCH_MAX_SPLIT 16   /* -ts entries (llama_max_devices() is 16 in the pinned build) */

enum cllm_bench_split { CLLM_BENCH_SPLIT_NONE = 0, CLLM_BENCH_SPLIT_LAYER = 1, CLLM_BENCH_SPLIT_ROW = 2 };

/* One test's settings: llama-bench's knobs, names in comments as its -o json writes them. */
struct cllm_bench_knobs {
    int   n_prompt;          /* n_prompt: tokens of the timed prompt (pp); 0 none */
    int   n_gen;             /* n_gen: tokens generated (tg); 0 none */
    int   n_depth;           /* n_depth: tokens already in the context (filled first, not timed) */
    int   n_batch;           /* n_batch: logical batch, prompt tokens per llama_decode call (2048) */
    int   n_ubatch;          /* n_ubatch: physical batch (512) */
    int   n_threads;         /* n_threads (physical cores) */
    int   type_k, type_v;    /* type_k / type_v: KV cache ggml_type (1 = f16) */
    int   n_gpu_layers;      /* n_gpu_layers: layers offloaded; -1 all (llama-bench's default) */
    int   split_mode;        /* split_mode: enum cllm_bench_split (layer) */
    int   main_gpu;          /* main_gpu (0) */
    bool  no_kv_offload;     /* no_kv_offload: KV cache kept in host memory */
    bool  no_op_offload;     /* no_op_offload: host ops (large prompt batches) not shipped to a GPU */
    int   flash_attn;        /* flash_attn: -1 auto, 0 off, 1 on */
    int   n_tensor_split;    /* entries of tensor_split; 0: the library's even split */
    float tensor_split[CLLM_BENCH_MAX_SPLIT];
    bool  use_mmap;          /* use_mmap (true) */
    int   poll;              /* poll: the thread pool's polling level, 0..100 (50) */
};

/* llama-bench's defaults (-p 512 -n 128 -b 2048 -ub 512 -ctk f16 -ctv f16 -ngl -1 -sm layer -fa auto -mmp 1
 * --poll 50; n_threads 0 = the physical cores). */
struct cllm_bench_knobs cllm_bench_default_knobs(void);

/* "f16" → 1 ...: the KV cache types llama-bench takes (f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1); -1
 * unknown. */
int cllm_bench_type_from_name(const char *name);
const char *cllm_bench_type_name(int type);     /* "f16"; "?" unknown */
const char *cllm_bench_split_name(int mode);    /* "none", "layer", "row" */

/* What a loaded model says of itself (llama-bench's model_* fields). */
struct cllm_bench_model_info {
    char    model_type[128];     /* llama_model_desc: "llama 1B Q4_K - Medium" */
    int64_t model_size;          /* bytes of its tensors */
    int64_t model_n_params;
    int     n_layers;
    char    backends[64];        /* llama-bench's "backends": the non-CPU backends registered, else "CPU" */
    char    build_commit[32];    /* ggml_commit */
    char    llama_version[32];
    char    library[1024];       /* the libllama file */
    char    gpu_info[256];       /* the GPU devices' descriptions, ", " between; "" none */
};

struct cllm_bench_load_params {
    const char *model_path;
    const char *lib;             /* libllama file or folder; NULL: cllm_llama_load's default search */
    const struct cllm_bench_knobs *k;   /* the model-level knobs: n_gpu_layers, split_mode, main_gpu,
                                           tensor_split, use_mmap */
    const struct cllm_gpu_info *gpus;   /* detected GPUs (for gpu_sel); may be NULL */
    const struct cllm_gpu_selection *gpu_sel;   /* sweep --gpus: only these GPUs' ggml devices; NULL: every device */
    const char *rpc;             /* NULL, or rpc-servers ("HOST:PORT,...") whose devices are added (llm/rpc.h) */
};

/* A way to run the method. `self` is the implementation's; every pointer is required. */
struct cllm_bench_ops {
    const char *name;
    void *self;
    enum cllm_status (*load)(void *self, const struct cllm_bench_load_params *p, void **model,
                             struct cllm_bench_model_info *info, char *err, size_t errlen);
    void (*unload)(void *self, void *model);
    /* A context of n_ctx tokens with k's context-level knobs (threads, batches, KV types, fa, nkvo, poll). */
    enum cllm_status (*ctx_new)(void *self, void *model, const struct cllm_bench_knobs *k, int n_ctx, void **ctx,
                                char *err, size_t errlen);
    void (*ctx_free)(void *self, void *ctx);
    void (*clear)(void *self, void *ctx);                       /* empties the KV cache */
    /* n random tokens in n_batch-token calls (the first one BOS when the vocabulary adds it), then a
     * synchronize; *rng is the random state. */
    enum cllm_status (*prompt)(void *self, void *ctx, int n, int n_batch, uint64_t *rng, char *err, size_t errlen);
    /* n single-token calls, each followed by a synchronize. */
    enum cllm_status (*gen)(void *self, void *ctx, int n, uint64_t *rng, char *err, size_t errlen);
    /* Saves sequence 0's state into *buf (malloc'd, *len bytes); false when it cannot. */
    bool (*state_save)(void *self, void *ctx, uint8_t **buf, size_t *len);
    /* Restores a saved state; false when the context refuses it (then the caller rebuilds it). */
    bool (*state_restore)(void *self, void *ctx, const uint8_t *buf, size_t len);
    uint64_t (*now_ns)(void *self);
    void (*sleep_s)(void *self, double s);
};

/* llama.cpp in this process through llm/llama_api.h; self NULL. */
extern const struct cllm_bench_ops cllm_bench_llama;

/* The random token stream of the method (xorshift64*, seeded like llama-bench's rand() start: 1). */
uint64_t cllm_bench_rng_seed(void);
uint32_t cllm_bench_rng_next(uint64_t *state);

/* One repetition as measured. */
struct cllm_bench_sample {
    uint64_t ns;                 /* prompt + generation wall time */
    double   ts;                 /* (n_prompt + n_gen) / seconds */
    bool     depth_built;        /* the depth was filled in this repetition (not restored) */
    bool     throttled;          /* the monitor saw a clock drop or a throttle reason during it */
    char     throttle_reason[200];
    /* the monitor's readings across it (NAN / 0 when none); the GPU ones are GPU 0's */
    bool     has_readings;
    double   cpu_clock_mhz;      /* mean */
    double   gpu_sm_clock_mhz_min, gpu_sm_clock_mhz_max;
    double   gpu_temp_c_max;
    double   gpu_power_w_mean;
    unsigned long long gpu_throttle_reasons;   /* NVML clocks-event reason bits OR'd (CLLM_GPU_THROTTLE_*) */
    double   other_cpu_pct;      /* other processes' CPU use, % of the machine */
};

/* One row of the matrix. */
struct cllm_bench_test {
    char   model[1024];          /* model_filename: the GGUF path */
    char   model_key[64];        /* the registry key it came from; "" a path */
    bool   synthetic;            /* a synthetic stand-in (random weights, real shapes) */
    struct cllm_bench_model_info info;
    struct cllm_bench_knobs k;
    const char *status;          /* "ok", "skipped", "failed", "cancelled" (static strings) */
    char   reason[512];          /* why skipped/failed; "" */
    char   test_time[32];        /* RFC 3339 UTC, when the test started */
    int    n_ctx;
    int    depth_builds;         /* how many times the depth was filled (1 when every later repetition restored) */
    int    n_samples;
    struct cllm_bench_sample *samples;   /* n_samples, in order */
    /* statistics over every sample, and over the kept (not throttled) ones; NAN without samples */
    double avg_ns, stddev_ns, avg_ts, stddev_ts;
    int    n_throttled;
    double avg_ts_kept, stddev_ts_kept, cv_kept;   /* cv: stddev / mean of the kept samples' t/s */
    /* --until-stable */
    double until_stable_cv;      /* the target; NAN: off */
    bool   stable;               /* the kept samples' CV reached the target before the repetitions ran out */
    /* the monitor during the test */
    double other_cpu_pct;        /* other processes' CPU use, % of the machine; NAN unknown */
    bool   noisy;                /* other_cpu_pct > 10 */
    /* the repetitions' energy together (tokens: (n_prompt + n_gen) x repetitions); has_energy false before the
     * runner filled it */
    bool   has_energy;
    struct cllm_llm_energy energy;
};

/* The whole sweep. */
struct cllm_bench_sweep {
    int    repetitions;          /* -r (the most with --until-stable) */
    bool   warmup;
    double delay_s;
    double until_stable_cv;      /* NAN: off */
    char   cpu_info[160];
    char   gpu_info[256];
    int    n_gpus;               /* sweep --gpus: the detected GPUs given; 0 none */
    int    gpus[CLLM_BENCH_MAX_SPLIT];
    int    n_tests;
    struct cllm_bench_test *tests;
};

/* Fills the statistics of t from its samples (llm/metrics.c's definitions: mean and sample stddev). */
void cllm_bench_test_summarize(struct cllm_bench_test *t);
void cllm_bench_sweep_free(struct cllm_bench_sweep *s);

/* "pp512", "tg128", "pp512+tg128", then " @ d1024" when the depth is not 0 (llama-bench's test column). */
void cllm_bench_test_name(const struct cllm_bench_knobs *k, char *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
