/* The advice section's field tables (see report/fields_advice.h). Meanings as docs/results-schema.md (## advice)
 * says them. */
#include "report/fields_advice.h"

#include <stddef.h>

#define NUM  CLLM_FT_NUMBER
#define INT  CLLM_FT_INTEGER
#define STR  CLLM_FT_STRING
#define BOOL CLLM_FT_BOOL
#define OBJ  CLLM_FT_OBJECT
#define MAP  CLLM_FT_MAP
#define ARR  CLLM_FT_ARRAY
#define NUL  CLLM_FF_NULLABLE
#define REQ  CLLM_FF_REQUIRED

/* ---- .inputs ---- */

const struct cllm_field CLLM_F_ADV_IN_VALUE = {"value", NUM, "", "the value used (unit: the input's)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_IN_MEASURED = {"measured", BOOL, "",
    "true: from a measured results file; false: an assumed default", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_IN_SOURCE = {"source", STR, "",
    "where the value came from (\"assumed: not measured\" for a default)", NULL, 0, REQ};
static const struct cllm_field *const input_fields[] = {&CLLM_F_ADV_IN_VALUE, &CLLM_F_ADV_IN_MEASURED,
    &CLLM_F_ADV_IN_SOURCE, NULL};
static const struct cllm_record R_INPUT = {"advice_input", "one input of the predictions", input_fields, false};

static const struct cllm_field F_IN_CPU_BW = {"cpu_read_gbps", OBJ, "GB/s",
    "host memory read bandwidth, all threads", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_GPU_BW = {"gpu_read_gbps", OBJ, "GB/s",
    "GPU memory read bandwidth (half the device-to-device copy rate)", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_CPU_EFF = {"cpu_decode_efficiency", OBJ, "",
    "decode rate x bytes per token / host bandwidth of a measured CPU run", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_GPU_EFF = {"gpu_decode_efficiency", OBJ, "",
    "the same for a measured GPU run, its time less n_layer x gpu_layer_time_us", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_CPU_GF = {"cpu_gflops", OBJ, "GFLOPS", "CPU GEMM rate, all threads", &R_INPUT, 0,
    REQ};
static const struct cllm_field F_IN_GPU_GF = {"gpu_gflops", OBJ, "GFLOPS", "GPU fp16 GEMM rate", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_CPU_PE = {"cpu_prompt_efficiency", OBJ, "",
    "prompt FLOP rate / CPU GEMM rate", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_GPU_PE = {"gpu_prompt_efficiency", OBJ, "",
    "prompt FLOP rate / GPU GEMM rate", &R_INPUT, 0, REQ};
static const struct cllm_field F_IN_GPU_LAYER = {"gpu_layer_time_us", OBJ, "us",
    "time per layer per token on the GPU beyond reading its weights (launches, small kernels): fitted from two or "
    "more measured GPU runs, else assumed", &R_INPUT, 0, REQ};
const struct cllm_field *const CLLM_ADV_INPUT_FIELDS[CLLM_ADV_N_INPUTS] = {&F_IN_CPU_BW, &F_IN_GPU_BW,
    &F_IN_CPU_EFF, &F_IN_GPU_EFF, &F_IN_CPU_GF, &F_IN_GPU_GF, &F_IN_CPU_PE, &F_IN_GPU_PE, &F_IN_GPU_LAYER};
static const struct cllm_field *const inputs_fields[] = {&F_IN_CPU_BW, &F_IN_GPU_BW, &F_IN_CPU_EFF, &F_IN_GPU_EFF,
    &F_IN_CPU_GF, &F_IN_GPU_GF, &F_IN_CPU_PE, &F_IN_GPU_PE, &F_IN_GPU_LAYER, NULL};
static const struct cllm_record R_INPUTS = {"advice_inputs", "the inputs of the predictions", inputs_fields, false};

/* ---- .memory ---- */

const struct cllm_field CLLM_F_ADV_MEM_N_GPUS = {"n_gpus", INT, "",
    "discrete GPUs of the primary backend (0 with unified memory)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_MEM_GPU_NAME = {"gpu_name", STR, "", "the first GPU's name", NULL, 0, 0};
const struct cllm_field CLLM_F_ADV_MEM_GPU_FREE_GB = {"gpu_free_gb", ARR, "GiB",
    "free VRAM of each GPU (total VRAM where free is not readable)", NULL, NUM, REQ | CLLM_FF_NULL_ITEMS};
const struct cllm_field CLLM_F_ADV_MEM_UNIFIED = {"unified", BOOL, "",
    "an integrated GPU or unified memory: the GPU uses system memory", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_MEM_RAM_FREE_GB = {"ram_free_gb", NUM, "GiB", "available RAM (MemAvailable)",
    NULL, 0, NUL | REQ};
static const struct cllm_field *const memory_fields[] = {&CLLM_F_ADV_MEM_N_GPUS, &CLLM_F_ADV_MEM_GPU_NAME,
    &CLLM_F_ADV_MEM_GPU_FREE_GB, &CLLM_F_ADV_MEM_UNIFIED, &CLLM_F_ADV_MEM_RAM_FREE_GB, NULL};
static const struct cllm_record R_MEMORY = {"advice_memory", "the memory the machine offers", memory_fields, false};

/* ---- .models[] ---- */

const struct cllm_field CLLM_F_ADV_M_KEY = {"key", STR, "", "registry key, or the GGUF file's name", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_NAME = {"name", STR, "", "display name", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_QUANT = {"quant", STR, "", "quantization (a GGUF's general.file_type)", NULL,
    0, REQ};
const struct cllm_field CLLM_F_ADV_M_ORIGIN = {"origin", STR, "",
    "registry (data/models.json and models files), gguf (a file named with --gguf), hf (a Hugging Face file's header)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_FILE = {"file", STR, "", "the local file (downloaded, synthetic or given)",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_ADV_M_DOWNLOADED = {"downloaded", STR, "",
    "yes (the registry's file is in the models folder), synthetic (only a synthetic stand-in is), no, given",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_PARAMS_B = {"params_b", NUM, "billions", "parameters", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_WEIGHTS_GB = {"weights_gb", NUM, "GiB",
    "weights: the registry's file size, or the GGUF's tensor bytes", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_KV_GB = {"kv_cache_gb", NUM, "GiB",
    "K+V cache at n_ctx: 2 x n_layer x n_ctx x n_head_kv x head_dim x the KV type's bytes", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_COMPUTE_GB = {"compute_buffer_gb", NUM, "GiB",
    "compute buffer estimate per backend at micro-batch 512 (f32 logits, one layer's attention scores, FFN and "
    "hidden activations)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_SIZE_BASIS = {"size_basis", STR, "",
    "how the weights were split into embedding, output and layers", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_WHERE = {"where", STR, "",
    "gpu (all layers on one GPU), gpu_split (across GPUs), unified, partial (n_gpu_layers of n_layer), cpu, none "
    "(does not fit)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_GPU_LAYERS = {"n_gpu_layers", INT, "", "layers on the GPU(s)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_N_LAYER = {"n_layer", INT, "", "the model's layers", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_VRAM_GB = {"vram_gb", NUM, "GiB", "what sits in VRAM there", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_RAM_GB = {"ram_gb", NUM, "GiB", "what sits in RAM there", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_REASON = {"reason", STR, "", "the placement with its numbers", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_DECODE_TPS = {"predicted_decode_tps", NUM, "tokens/s",
    "predicted decode rate where it is placed, at the advice's decode_depth", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_ADV_M_PROMPT_TPS = {"predicted_prompt_tps", NUM, "tokens/s",
    "predicted prompt rate: 2 x parameters FLOPs per token at the GEMM rate x prompt efficiency", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_ADV_M_CPU_TPS = {"cpu_only_decode_tps", NUM, "tokens/s",
    "predicted decode rate with every layer on the CPU", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_GPU_ALL_TPS = {"all_gpu_decode_tps", NUM, "tokens/s",
    "predicted decode rate with every layer on the GPU, as if it fitted", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_ADV_M_PARTIAL_COST = {"partial_offload_cost_percent", NUM, "%",
    "partial only: how much slower than all on the GPU, (all_gpu - predicted) / all_gpu x 100", NULL, 0, 0};
const struct cllm_field CLLM_F_ADV_M_BEST_GPU = {"best_on_gpu", BOOL, "",
    "the largest quantization of this model that fits entirely on the GPU", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_BEST_CPU = {"best_on_cpu", BOOL, "",
    "no GPU: the largest quantization of this model that fits in RAM", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_M_RUN_FIT = {"run_fit", STR, "",
    "registry models: run's pre-check on this machine (ok, cpu_only, skipped_ram)", NULL, 0, 0};
const struct cllm_field CLLM_F_ADV_M_RUN_FIT_REASON = {"run_fit_reason", STR, "", "its reason", NULL, 0, 0};
static const struct cllm_field *const model_fields[] = {&CLLM_F_ADV_M_KEY, &CLLM_F_ADV_M_NAME, &CLLM_F_ADV_M_QUANT,
    &CLLM_F_ADV_M_ORIGIN, &CLLM_F_ADV_M_FILE, &CLLM_F_ADV_M_DOWNLOADED, &CLLM_F_ADV_M_PARAMS_B,
    &CLLM_F_ADV_M_WEIGHTS_GB, &CLLM_F_ADV_M_KV_GB, &CLLM_F_ADV_M_COMPUTE_GB, &CLLM_F_ADV_M_SIZE_BASIS,
    &CLLM_F_ADV_M_WHERE, &CLLM_F_ADV_M_GPU_LAYERS, &CLLM_F_ADV_M_N_LAYER, &CLLM_F_ADV_M_VRAM_GB,
    &CLLM_F_ADV_M_RAM_GB, &CLLM_F_ADV_M_REASON, &CLLM_F_ADV_M_DECODE_TPS, &CLLM_F_ADV_M_PROMPT_TPS,
    &CLLM_F_ADV_M_CPU_TPS, &CLLM_F_ADV_M_GPU_ALL_TPS, &CLLM_F_ADV_M_PARTIAL_COST, &CLLM_F_ADV_M_BEST_GPU,
    &CLLM_F_ADV_M_BEST_CPU, &CLLM_F_ADV_M_RUN_FIT, &CLLM_F_ADV_M_RUN_FIT_REASON, NULL};
const struct cllm_record CLLM_R_ADVICE_MODEL = {"advice_model", "one model x quantization", model_fields, false};

/* ---- .recommendations ---- */

const struct cllm_field CLLM_F_ADV_R_KEY = {"key", STR, "", "model key", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_R_QUANT = {"quant", STR, "", "quantization", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_R_TEXT = {"text", STR, "", "the recommendation in words, with its numbers", NULL,
    0, REQ};
static const struct cllm_field *const pick_fields[] = {&CLLM_F_ADV_R_KEY, &CLLM_F_ADV_R_QUANT, &CLLM_F_ADV_R_TEXT,
    NULL};
static const struct cllm_record R_PICK = {"advice_pick", "a recommended model x quantization", pick_fields, false};
const struct cllm_field CLLM_F_ADV_R_LARGEST = {"largest_at_target", OBJ, "",
    "the largest model predicted to decode at min_tokens_per_second or faster", &R_PICK, 0, NUL | REQ};
const struct cllm_field CLLM_F_ADV_R_LARGEST_WHY = {"largest_at_target_text", STR, "",
    "the same in words (or why there is none)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_R_BEST = {"best_on_gpu", ARR, "",
    "per model, the largest quantization that fits entirely on the GPU (without a GPU: in RAM)", &R_PICK, 0, REQ};
const struct cllm_field CLLM_F_ADV_R_PARTIAL = {"partial_offload", ARR, "",
    "what partial offload costs: each partly offloaded model against all on the GPU and all on the CPU", &R_PICK, 0,
    REQ};
static const struct cllm_field *const rec_fields[] = {&CLLM_F_ADV_R_LARGEST, &CLLM_F_ADV_R_LARGEST_WHY,
    &CLLM_F_ADV_R_BEST, &CLLM_F_ADV_R_PARTIAL, NULL};
static const struct cllm_record R_RECOMMEND = {"advice_recommendations", "the recommendations", rec_fields, false};

/* ---- advice ---- */

const struct cllm_field CLLM_F_ADV_N_CTX = {"n_ctx", INT, "tokens", "context the KV cache is sized for", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_ADV_KV_TYPE = {"kv_type", STR, "", "KV cache type (f16: llama.cpp's default)", NULL,
    0, REQ};
const struct cllm_field CLLM_F_ADV_DEPTH = {"decode_depth", INT, "tokens",
    "context depth the decode rates are predicted at (half the generated tokens)", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_MIN_TPS = {"min_tokens_per_second", NUM, "tokens/s",
    "the target of the largest-model recommendation", NULL, 0, REQ};
const struct cllm_field CLLM_F_ADV_MEASURED_FROM = {"measured_from", STR, "",
    "the results file the measured inputs came from", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_ADV_INPUTS = {"inputs", OBJ, "", "the inputs, each measured or assumed", &R_INPUTS,
    0, REQ};
const struct cllm_field CLLM_F_ADV_MEMORY = {"memory", OBJ, "", "free VRAM and RAM", &R_MEMORY, 0, REQ};
const struct cllm_field CLLM_F_ADV_MODELS = {"models", ARR, "", "one row per model x quantization",
    &CLLM_R_ADVICE_MODEL, 0, REQ};
const struct cllm_field CLLM_F_ADV_RECOMMEND = {"recommendations", OBJ, "", "what to run", &R_RECOMMEND, 0, REQ};
static const struct cllm_field *const advice_fields[] = {&CLLM_F_ADV_N_CTX, &CLLM_F_ADV_KV_TYPE, &CLLM_F_ADV_DEPTH,
    &CLLM_F_ADV_MIN_TPS, &CLLM_F_ADV_MEASURED_FROM, &CLLM_F_ADV_INPUTS, &CLLM_F_ADV_MEMORY, &CLLM_F_ADV_MODELS,
    &CLLM_F_ADV_RECOMMEND, NULL};
const struct cllm_record CLLM_R_ADVICE = {"advice",
    "which models fit this machine, where, and their predicted decode and prompt rates", advice_fields, false};
const struct cllm_field CLLM_F_ADVICE = {"advice", OBJ, "",
    "computellm advise: models x quantizations, where each fits and its predicted rates (run writes it at the end)",
    &CLLM_R_ADVICE, 0, 0};
