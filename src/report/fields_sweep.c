/* The sweep's field tables (see report/fields_sweep.h). Meanings as docs/results-schema.md (## sweep) says them. */
#include "report/fields_sweep.h"

#include "report/fields_llm.h"

#include <stddef.h>

#define NUM  CLLM_FT_NUMBER
#define INT  CLLM_FT_INTEGER
#define STR  CLLM_FT_STRING
#define BOOL CLLM_FT_BOOL
#define ARR  CLLM_FT_ARRAY
#define NUL  CLLM_FF_NULLABLE
#define REQ  CLLM_FF_REQUIRED

/* ---- ai_benchmarks.sweep.tests[].repetitions[] ---- */

const struct cllm_field CLLM_F_SW_R_THROTTLED = {"throttled", BOOL, "",
    "the GPU SM clock fell below 90 % of the test's highest, or a thermal/power throttle reason was set", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_SW_R_THROTTLE_REASON = {"throttle_reason", STR, "", "why it is marked throttled",
    NULL, 0, 0};
const struct cllm_field CLLM_F_SW_R_DEPTH_BUILT = {"depth_built", BOOL, "",
    "the depth was filled in this repetition (false: restored from the saved state, or no depth)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_R_CPU_CLOCK = {"cpu_clock_mhz", NUM, "MHz", "mean CPU clock across it", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SW_R_GPU_SM_MIN = {"gpu_sm_clock_mhz_min", NUM, "MHz", "GPU 0's lowest SM clock",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_R_GPU_SM_MAX = {"gpu_sm_clock_mhz_max", NUM, "MHz", "GPU 0's highest SM clock",
    NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_R_GPU_TEMP = {"gpu_temp_c_max", NUM, "C", "GPU 0's highest temperature", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SW_R_GPU_POWER = {"gpu_power_w_mean", NUM, "W", "GPU 0's mean power", NULL, 0,
    NUL | REQ};
const struct cllm_field CLLM_F_SW_R_GPU_REASONS = {"gpu_throttle_reasons", INT, "",
    "GPU 0's NVML clocks-event reason bits seen across it, OR'd (0x4 SW power cap, 0x8 HW slowdown, 0x20 SW "
    "thermal, 0x40 HW thermal, 0x80 HW power brake, 0x1 idle)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_R_OTHER_CPU = {"other_cpu_pct", NUM, "%",
    "other processes' CPU use across it, % of the machine", NULL, 0, NUL | REQ};
static const struct cllm_field *const rep_fields[] = {&CLLM_F_SW_R_THROTTLED, &CLLM_F_SW_R_THROTTLE_REASON,
    &CLLM_F_SW_R_DEPTH_BUILT, &CLLM_F_SW_R_CPU_CLOCK, &CLLM_F_SW_R_GPU_SM_MIN, &CLLM_F_SW_R_GPU_SM_MAX,
    &CLLM_F_SW_R_GPU_TEMP, &CLLM_F_SW_R_GPU_POWER, &CLLM_F_SW_R_GPU_REASONS, &CLLM_F_SW_R_OTHER_CPU, NULL};
const struct cllm_record CLLM_R_SWEEP_REP = {"sweep_repetition", "one repetition of a sweep test", rep_fields,
    false};

/* ---- ai_benchmarks.sweep.tests[] ---- */

const struct cllm_field CLLM_F_SW_STATUS = {"status", STR, "",
    "ok, skipped (the model or context could not be made with these knobs: reason says why), failed, "
    "or cancelled", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_REASON = {"reason", STR, "",
    "why the test was skipped, failed or did not become stable", NULL, 0, 0};
const struct cllm_field CLLM_F_SW_BUILD_COMMIT = {"build_commit", STR, "",
    "llama-bench's build_commit: the ggml commit of the libllama used", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_LLAMA_VERSION = {"llama_version", STR, "",
    "llama_version() of the libllama used", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_LIBRARY = {"library", STR, "", "the libllama file", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_CPU_INFO = {"cpu_info", STR, "",
    "llama-bench's cpu_info: the CPU model", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_GPU_INFO = {"gpu_info", STR, "",
    "llama-bench's gpu_info: the library's GPU devices, \", \" between; empty: none", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_BACKENDS = {"backends", STR, "",
    "llama-bench's backends: the non-CPU ggml backends registered, else CPU", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_MODEL_FILENAME = {"model_filename", STR, "", "the GGUF file", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_MODEL_KEY = {"model_key", STR, "",
    "the registry key the file came from (absent for a path)", NULL, 0, 0};
const struct cllm_field CLLM_F_SW_SYNTHETIC = {"synthetic", BOOL, "",
    "a synthetic stand-in: real shapes and quantization, random weights", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_MODEL_TYPE = {"model_type", STR, "",
    "llama_model_desc: architecture, size class and quantization", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_MODEL_SIZE = {"model_size", INT, "bytes",
    "bytes of the model's tensors", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_MODEL_N_PARAMS = {"model_n_params", INT, "", "parameters", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_BATCH = {"n_batch", INT, "tokens",
    "-b: logical batch (prompt tokens per llama_decode call)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_UBATCH = {"n_ubatch", INT, "tokens", "-ub: physical batch", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_THREADS = {"n_threads", INT, "", "-t: CPU threads", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_POLL = {"poll", INT, "",
    "--poll: the thread pool's polling level (0..100)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_TYPE_K = {"type_k", STR, "", "-ctk: K cache type", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_TYPE_V = {"type_v", STR, "", "-ctv: V cache type", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_GPU_LAYERS = {"n_gpu_layers", INT, "layers",
    "-ngl: layers offloaded to the GPU (-1: all)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_SPLIT_MODE = {"split_mode", STR, "", "-sm: none, layer or row", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_MAIN_GPU = {"main_gpu", INT, "", "-mg", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_NO_KV_OFFLOAD = {"no_kv_offload", BOOL, "",
    "-nkvo: KV cache kept in host memory", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_NO_OP_OFFLOAD = {"no_op_offload", INT, "",
    "-nopo: 1 when host ops (large prompt batches) were kept off the GPU", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_FLASH_ATTN = {"flash_attn", INT, "", "-fa: -1 auto, 0 off, 1 on", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_TENSOR_SPLIT = {"tensor_split", STR, "",
    "-ts: proportions per GPU as llama-bench prints them (0.00 = the library's)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_USE_MMAP = {"use_mmap", BOOL, "",
    "-mmp: the model file mapped (load_mode auto) or read (none)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_LOAD_MODE = {"load_mode", STR, "",
    "the pinned llama-bench's load_mode: auto (-mmp 1) or none (-mmp 0)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_PROMPT = {"n_prompt", INT, "tokens", "-p / -pg: timed prompt tokens", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_GEN = {"n_gen", INT, "tokens", "-n / -pg: generated tokens", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_DEPTH = {"n_depth", INT, "tokens",
    "-d: tokens already in the context (filled first, not timed)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_N_CTX = {"n_ctx", INT, "tokens",
    "the context: n_prompt + n_gen + n_depth", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_TEST_TIME = {"test_time", STR, "",
    "when the test started (RFC 3339, UTC)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_AVG_NS = {"avg_ns", NUM, "ns",
    "mean wall time of a repetition (prompt + generation)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_STDDEV_NS = {"stddev_ns", NUM, "ns",
    "its sample standard deviation", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_AVG_TS = {"avg_ts", NUM, "tokens/s",
    "mean over repetitions of (n_prompt + n_gen) / wall time, as llama-bench", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_STDDEV_TS = {"stddev_ts", NUM, "tokens/s",
    "its sample standard deviation", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_SAMPLES_NS = {"samples_ns", ARR, "ns",
    "each repetition's wall time, in order", NULL, NUM, REQ};
const struct cllm_field CLLM_F_SW_SAMPLES_TS = {"samples_ts", ARR, "tokens/s",
    "each repetition's tokens/s, in order", NULL, NUM, REQ};
const struct cllm_field CLLM_F_SW_DEPTH_BUILDS = {"depth_builds", INT, "",
    "times the depth was filled in this test (0 when every repetition restored a saved state; 1 when "
    "the first built it)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_REPETITIONS = {"repetitions", ARR, "",
    "per repetition, in order: whether it is marked throttled and the monitor's readings across it",
    &CLLM_R_SWEEP_REP, 0, REQ};
const struct cllm_field CLLM_F_SW_N_THROTTLED = {"n_throttled", INT, "", "repetitions marked throttled", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_AVG_TS_KEPT = {"avg_ts_kept", NUM, "tokens/s",
    "avg_ts over the repetitions not marked throttled", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_STDDEV_TS_KEPT = {"stddev_ts_kept", NUM, "tokens/s",
    "stddev_ts over the repetitions not marked throttled", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_CV_KEPT = {"cv_kept", NUM, "",
    "coefficient of variation (stddev / mean) of the kept repetitions' tokens/s", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_UNTIL_STABLE_CV = {"until_stable_cv", NUM, "",
    "--until-stable: the CV target (absent: off)", NULL, 0, NUL};
const struct cllm_field CLLM_F_SW_STABLE = {"stable", BOOL, "",
    "--until-stable: the target was reached before -r repetitions", NULL, 0, 0};
const struct cllm_field CLLM_F_SW_OTHER_CPU_PCT = {"other_cpu_pct", NUM, "%",
    "other processes' CPU use during the test, % of the machine (the monitor's machine CPU minus "
    "ours)", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_SW_NOISY = {"noisy", BOOL, "",
    "other_cpu_pct above 10 %: the numbers may be low", NULL, 0, REQ};
static const struct cllm_field *const test_fields[] = {&CLLM_F_SW_STATUS, &CLLM_F_SW_REASON, &CLLM_F_SW_BUILD_COMMIT,
    &CLLM_F_SW_LLAMA_VERSION, &CLLM_F_SW_LIBRARY, &CLLM_F_SW_CPU_INFO, &CLLM_F_SW_GPU_INFO, &CLLM_F_SW_BACKENDS,
    &CLLM_F_SW_MODEL_FILENAME, &CLLM_F_SW_MODEL_KEY, &CLLM_F_SW_SYNTHETIC, &CLLM_F_SW_MODEL_TYPE,
    &CLLM_F_SW_MODEL_SIZE, &CLLM_F_SW_MODEL_N_PARAMS, &CLLM_F_SW_N_BATCH, &CLLM_F_SW_N_UBATCH, &CLLM_F_SW_N_THREADS,
    &CLLM_F_SW_POLL, &CLLM_F_SW_TYPE_K, &CLLM_F_SW_TYPE_V, &CLLM_F_SW_N_GPU_LAYERS, &CLLM_F_SW_SPLIT_MODE,
    &CLLM_F_SW_MAIN_GPU, &CLLM_F_SW_NO_KV_OFFLOAD, &CLLM_F_SW_NO_OP_OFFLOAD, &CLLM_F_SW_FLASH_ATTN,
    &CLLM_F_SW_TENSOR_SPLIT,
    &CLLM_F_SW_USE_MMAP, &CLLM_F_SW_LOAD_MODE, &CLLM_F_SW_N_PROMPT, &CLLM_F_SW_N_GEN, &CLLM_F_SW_N_DEPTH,
    &CLLM_F_SW_N_CTX, &CLLM_F_SW_TEST_TIME, &CLLM_F_SW_AVG_NS, &CLLM_F_SW_STDDEV_NS, &CLLM_F_SW_AVG_TS,
    &CLLM_F_SW_STDDEV_TS, &CLLM_F_SW_SAMPLES_NS, &CLLM_F_SW_SAMPLES_TS, &CLLM_F_SW_DEPTH_BUILDS, &CLLM_F_SW_REPETITIONS,
    &CLLM_F_SW_N_THROTTLED, &CLLM_F_SW_AVG_TS_KEPT, &CLLM_F_SW_STDDEV_TS_KEPT,
    &CLLM_F_SW_CV_KEPT, &CLLM_F_SW_UNTIL_STABLE_CV, &CLLM_F_SW_STABLE, &CLLM_F_SW_OTHER_CPU_PCT, &CLLM_F_SW_NOISY,
    /* ours after llama-bench's: the repetitions' energy (report/fields_llm.c's energy keys) */
    &CLLM_F_EN_WINDOW_S, &CLLM_F_EN_TOKENS, &CLLM_F_EN_JOULES, &CLLM_F_EN_WATTS, &CLLM_F_EN_J_PER_TOKEN,
    &CLLM_F_EN_TOKENS_PER_J, &CLLM_F_EN_DOMAINS, &CLLM_F_EN_SOURCE, &CLLM_F_EN_GPU_JOULES, &CLLM_F_EN_GPU_SOURCE,
    &CLLM_F_EN_CPU_JOULES, &CLLM_F_EN_CPU_SOURCE, &CLLM_F_EN_NOTE, NULL};
const struct cllm_record CLLM_R_SWEEP_TEST = {"sweep_test",
    "one test of computellm sweep's matrix (llama-bench's fields where it has them)", test_fields, false};

/* ---- ai_benchmarks.sweep ---- */

const struct cllm_field CLLM_F_SW_S_STATUS = {"status", STR, "",
    "ok, partial (cancelled or some tests failed) or failed", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_S_REPETITIONS = {"repetitions", INT, "",
    "-r: repetitions per test (the most with --until-stable)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_S_WARMUP = {"warmup", BOOL, "",
    "a warmup run before each test (false: --no-warmup)", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_S_DELAY_S = {"delay_s", NUM, "s",
    "--delay: cool-down before each test", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_S_UNTIL_STABLE_CV = {"until_stable_cv", NUM, "",
    "--until-stable target (absent: off)", NULL, 0, NUL};
const struct cllm_field CLLM_F_SW_S_GPUS = {"gpus", ARR, "",
    "--gpus: the detected GPUs (hardware.gpu.devices indices) the models were loaded on; absent: every device",
    NULL, CLLM_FT_INTEGER, 0};
const struct cllm_field CLLM_F_SW_S_METHOD = {"method", STR, "", "how the tests were measured", NULL, 0, REQ};
const struct cllm_field CLLM_F_SW_S_TESTS = {"tests", ARR, "",
    "the matrix's tests, in the order run", &CLLM_R_SWEEP_TEST, 0, REQ};
static const struct cllm_field *const sweep_fields[] = {&CLLM_F_SW_S_STATUS, &CLLM_F_SW_S_REPETITIONS,
    &CLLM_F_SW_S_WARMUP, &CLLM_F_SW_S_DELAY_S, &CLLM_F_SW_S_UNTIL_STABLE_CV, &CLLM_F_SW_S_GPUS, &CLLM_F_SW_S_METHOD,
    &CLLM_F_SW_S_TESTS, NULL};
const struct cllm_record CLLM_R_SWEEP = {"sweep",
    "computellm sweep: llama-bench's test matrix on the in-process libllama", sweep_fields, false};
