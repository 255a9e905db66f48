/* Where a model fits and how fast it should run there, before anything is downloaded: the memory a model needs
 * (weights, KV cache at n_ctx and a KV type, a compute buffer estimate), where that fits on a machine (all layers
 * on one GPU, split across GPUs, unified memory, N of L layers on the GPU, CPU only, not at all), and the decode
 * and prompt rates the memory bandwidth and GEMM rate of where the layers sit predict. The math is here, in one
 * place; app/advise.c gathers the inputs (registry, GGUF headers, measured results) and report/write_advice.c
 * writes the rows.
 *
 * Decode model: a dense model reads each layer's weights (and the KV cache up to the current depth) once per token,
 * the output head once, and one row of the token embedding table, so
 *   seconds per token = bytes on the GPU / (GPU read GB/s x GPU efficiency) + layers on the GPU x GPU layer time
 *                     + bytes in RAM   / (host read GB/s x CPU efficiency)
 * where the efficiencies are a measured run's decode rate x its bytes per token / the bandwidth (its roofline
 * ratio; on the GPU after the layer time is taken off the token's time), or an assumed value when no run was
 * measured. The GPU layer time is what a token costs per layer beyond reading its weights (kernel launches and the
 * small kernels between the matrix products): on an H200 about 40 us, which is most of a 1B model's token (22
 * layers, 0.9 of 1.25 ms) and a third of a 7B's; with two or more measured GPU runs of different shapes both the
 * layer time and the efficiency are fitted from them (cllm_fit_gpu_terms).
 * Prompt model: 2 x (parameters outside the embedding table) FLOPs per prompt token at the GEMM rate of where the
 * layers sit x an efficiency. */
#ifndef CLLM_MODEL_FIT_H
#define CLLM_MODEL_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "model/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_FIT_MAX_GPUS 16
/* llama.cpp's default micro-batch: the compute buffer is sized for it */
#define CLLM_FIT_UBATCH 512

/* Bytes per element of a KV cache type: "f32" 4, "f16"/"bf16" 2, "q8_0" 34/32, "q4_0" 18/32, "q4_1" 20/32,
 * "q5_0" 22/32, "q5_1" 24/32 (llama.cpp's --cache-type-k/-v names, case-insensitive); NAN when unknown. */
double cllm_fit_kv_type_bytes(const char *name);

/* Bytes of a K+V cache: 2 x n_layer x n_ctx x n_head_kv x head_dim x type_bytes (head_dim = n_embd / n_head). */
double cllm_fit_kv_bytes(const struct cllm_model_arch *a, int n_ctx, double type_bytes);

/* Parameters of the dense llama shape: embedding and output n_vocab x n_embd each, per layer q and o n_embd^2, k
 * and v n_embd x n_head_kv x head_dim each, three FFN matrices n_embd x n_ff (norms ignored). */
double cllm_fit_layer_params(const struct cllm_model_arch *a);
double cllm_fit_params(const struct cllm_model_arch *a);

/* What a model needs, in bytes. */
struct cllm_fit_need {
    int    n_layer;
    double weights_bytes;   /* every tensor (the file less its header when estimated from a size) */
    double embd_bytes;      /* token embedding table: stays in RAM, one row read per token */
    double output_bytes;    /* output head (and final norm): on the GPU only when every layer is */
    double layer_bytes;     /* one block's weights (mean over the blocks) */
    double kv_bytes;        /* K+V cache at n_ctx, all layers */
    double compute_bytes;   /* compute buffer estimate, per backend holding layers */
    double flops_per_token; /* 2 x parameters outside the embedding table */
    int    n_ctx;
    double kv_type_bytes;
    const char *basis;      /* where the split of the weights came from (static string) */
};

/* From a registry quantization: weights = size_bytes (or size_gb x 1e9), split into embedding, output and layers
 * by parameter counts (every tensor taken at the same bits per weight). */
void cllm_fit_need_estimate(const struct cllm_model_arch *a, double weights_bytes, int n_ctx, double kv_type_bytes,
                            struct cllm_fit_need *out);

/* From a GGUF file's tensors: embd = token_embd.weight, output = output.weight + output_norm.weight (a model
 * without output.weight reuses the embedding: its bytes count as output too), layers = the rest / n_layer. */
void cllm_fit_need_from_tensors(const struct cllm_model_arch *a, double total_bytes, double embd_bytes,
                                double output_bytes, bool tied_output, int n_ctx, double kv_type_bytes,
                                struct cllm_fit_need *out);

/* Compute buffer estimate at micro-batch CLLM_FIT_UBATCH, f32 activations: logits (n_vocab), attention scores of
 * one layer (n_head x n_ctx), the FFN's inner activations (3 x n_ff) and the hidden states (4 x n_embd), per
 * token of the micro-batch. */
double cllm_fit_compute_bytes(const struct cllm_model_arch *a, int n_ctx);

/* The memory a machine offers. */
struct cllm_fit_memory {
    int    n_gpus;                               /* discrete GPUs of the primary backend */
    double gpu_free_bytes[CLLM_FIT_MAX_GPUS];    /* free VRAM each; NAN unknown (then the total is used) */
    char   gpu_name[128];                        /* the first one's name */
    bool   unified;                              /* an integrated GPU or unified memory: the GPU uses RAM */
    double ram_free_bytes;                       /* MemAvailable; NAN unknown */
};

/* The memory of `hw` (the primary backend's devices, free VRAM or else total VRAM, MemAvailable). */
void cllm_fit_memory_from_hw(const struct cllm_hw_info *hw, struct cllm_fit_memory *out);

enum cllm_fit_where {
    CLLM_WHERE_GPU = 0,     /* every layer, KV and buffers on one GPU */
    CLLM_WHERE_GPU_SPLIT,   /* every layer on the GPUs together (layer split) */
    CLLM_WHERE_UNIFIED,     /* every layer on a GPU that uses system memory */
    CLLM_WHERE_PARTIAL,     /* n_gpu_layers of n_layer on the GPU(s), the rest on the CPU */
    CLLM_WHERE_CPU,         /* everything in RAM */
    CLLM_WHERE_NONE,        /* not in VRAM + RAM together */
    CLLM_WHERE_COUNT
};

/* "gpu", "gpu_split", "unified", "partial", "cpu", "none". */
const char *cllm_fit_where_name(enum cllm_fit_where w);

struct cllm_fit_place {
    enum cllm_fit_where where;
    int    n_gpu_layers;        /* layers on the GPU(s) (0 for cpu/none) */
    int    n_layer;
    int    n_gpus_used;
    double gpu_bytes;           /* what sits in VRAM (summed over the GPUs) */
    double ram_bytes;           /* what sits in RAM */
    char   reason[320];         /* the numbers: "needs 4.9 GB, GPU 0 has 79.1 GB free" */
};

/* Where need fits in mem, in that order: one GPU, the GPUs together, unified memory, as many layers as fit on the
 * GPU(s) with the rest in RAM, RAM alone, nowhere. */
void cllm_fit_place(const struct cllm_fit_need *need, const struct cllm_fit_memory *mem, struct cllm_fit_place *out);

/* One input of a prediction and where it came from. */
struct cllm_fit_input {
    double value;
    bool   measured;
    char   source[192];         /* "memory_bandwidth read_gbps of results/x.json", "assumed: not measured" */
};

/* The inputs of the predictions. */
struct cllm_fit_rates {
    struct cllm_fit_input cpu_read_gbps;   /* host memory read bandwidth, all threads, GB/s */
    struct cllm_fit_input gpu_read_gbps;   /* GPU memory read bandwidth (half the D2D copy rate), GB/s */
    struct cllm_fit_input cpu_decode_eff;  /* roofline efficiency of decoding on the CPU (0..1] */
    struct cllm_fit_input gpu_decode_eff;  /* and on the GPU */
    struct cllm_fit_input cpu_gflops;      /* CPU GEMM rate, all threads, GFLOP/s */
    struct cllm_fit_input gpu_gflops;      /* GPU GEMM rate (fp16), GFLOP/s */
    struct cllm_fit_input cpu_prompt_eff;  /* prompt FLOP rate / GEMM rate on the CPU */
    struct cllm_fit_input gpu_prompt_eff;  /* and on the GPU */
    struct cllm_fit_input gpu_layer_us;    /* time per layer per token on the GPU beyond its bytes, microseconds */
};

/* The assumed values, each marked "assumed: ...": host 20 GB/s, GPU 300 GB/s, decode efficiency CPU 0.75, GPU 0.9
 * (after the layer time), CPU 100 GFLOP/s, GPU 20000 GFLOP/s, prompt efficiency CPU 1.3, GPU 0.1, GPU layer time
 * 40 us (the values llama.cpp reached on this project's machines, the GPU ones fitted on an H200 from TinyLlama and
 * Mistral 7B: docs/performance.md). */
void cllm_fit_rates_default(struct cllm_fit_rates *r);

/* Sets one input as measured; a value that is not finite and > 0 leaves it as it was. */
void cllm_fit_input_set(struct cllm_fit_input *in, double value, const char *source);

/* Bytes read per generated token at `depth` tokens of context, split by where they sit (p: the placement). */
void cllm_fit_bytes_per_token(const struct cllm_fit_need *need, const struct cllm_fit_place *p, int depth,
                              double *gpu_bytes, double *ram_bytes);

/* Predicted decode tokens/s: 1 / (gpu_bytes / (gpu GB/s x eff) + ram_bytes / (cpu GB/s x eff)); NAN for NONE. */
double cllm_fit_decode_tps(const struct cllm_fit_need *need, const struct cllm_fit_place *p, int depth,
                           const struct cllm_fit_rates *r);

/* Predicted prompt tokens/s: flops_per_token split by the layers' share, at each side's GEMM rate x efficiency. */
double cllm_fit_prompt_tps(const struct cllm_fit_need *need, const struct cllm_fit_place *p,
                           const struct cllm_fit_rates *r);

/* Roofline efficiency of a measured decode rate: bytes per token (as cllm_fit_bytes_per_token counts them, all in
 * one memory) / (GB/s x 1e9 x the token's time less n_layer x layer_us); with layer_us 0 that is tps x bytes / GB/s.
 * NAN when the layer time alone is the token's time or more (the layer time does not fit this run). */
double cllm_fit_efficiency(const struct cllm_fit_need *need, double tps, int depth, double gbps, double layer_us);

/* One measured all-on-GPU decode run for cllm_fit_gpu_terms. */
struct cllm_fit_sample {
    int    n_layer;
    double bytes;               /* bytes per token, cllm_fit_bytes_per_token */
    double seconds;             /* 1 / decode tokens/s */
};

/* Least squares of seconds = n_layer x layer time + bytes / (GB/s x efficiency) over n samples: true with both terms
 * > 0 (layer_us in microseconds, eff for gbps); false when fewer than two samples differ in bytes per layer or the
 * fit gives a term <= 0 (the runs do not tell the two apart). */
bool cllm_fit_gpu_terms(const struct cllm_fit_sample *s, int n, double gbps, double *layer_us, double *eff);

/* The same placement moved entirely to the CPU, or entirely to the GPU (as if it fitted): for "what partial
 * offload costs". */
void cllm_fit_place_all(const struct cllm_fit_need *need, enum cllm_fit_where where, struct cllm_fit_place *out);

/* ---- the advice: one row per model x quantization (or GGUF file) ---- */

struct cllm_fit_row {
    char   key[65];             /* registry key, or the GGUF's general.name / file name */
    char   name[128];
    char   quant[16];           /* "Q4_K_M"; a GGUF's file type name */
    char   origin[16];          /* "registry", "gguf", "hf" */
    char   path[1024];          /* the local file when there is one (downloaded, synthetic or given); "" none */
    const char *downloaded;     /* "yes" (the registry's file is in models/), "synthetic" (only a stand-in is),
                                   "no", "given" (a GGUF path or Hugging Face file named on the command line) */
    double params_b;            /* billions, from the shape */
    struct cllm_fit_need  need;
    struct cllm_fit_place place;
    double decode_tps;          /* predicted where it is placed; NAN when it does not fit */
    double prompt_tps;
    double decode_tps_cpu;      /* the same model all on the CPU */
    double decode_tps_gpu_all;  /* all on the GPU as if it fitted; NAN without a GPU */
    bool   best_on_gpu;         /* the largest quantization of its model that fits entirely on the GPU */
    bool   best_on_cpu;         /* no GPU: the largest quantization of its model that fits in RAM */
    const char *run_fit;        /* what `run`'s pre-check (cllm_model_check_fit) says; NULL for GGUF files */
    char   run_fit_reason[256];
};

struct cllm_fit_advice {
    struct cllm_fit_rates  rates;
    struct cllm_fit_memory mem;
    int    n_ctx;
    char   kv_type[8];
    int    depth;               /* tokens of context the decode prediction is for */
    double min_tps;             /* target decode rate of the "largest model" recommendation */
    char   measured_from[1024]; /* the results file the measured inputs came from; "" none */
    int    n_rows;
    struct cllm_fit_row *rows;  /* malloc'd */
    int    largest_row;         /* the largest model (parameters, then bytes) predicted >= min_tps; -1 none */
    char   largest_why[256];
};

/* Fills the predictions of every row (place, decode, prompt, cpu and gpu-all rates) and the recommendations. */
void cllm_fit_advise(struct cllm_fit_advice *a);

void cllm_fit_advice_free(struct cllm_fit_advice *a);

#ifdef __cplusplus
}
#endif

#endif
