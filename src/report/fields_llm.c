/* The LLM section's field tables (see report/fields_llm.h). */
#include "report/fields_llm.h"
#include "report/fields_sweep.h"

#include <stddef.h>

#include "report/fields_core.h"

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define BOOL CLLM_FT_BOOL
#define OBJ CLLM_FT_OBJECT
#define ARR CLLM_FT_ARRAY
#define NUL CLLM_FF_NULLABLE

/* ---- ai_benchmarks.llama ---- */

const struct cllm_field CLLM_F_AI_LLAMA_PATH = {"path", STR, "", "absolute path of the libllama loaded", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_LLAMA_VARIANT = {"variant", STR, "",
    "its build (cpu, vulkan, cuda) from the folder it was found in; empty when not known", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_LLAMA_VERSION = {"version", STR, "", "llama_version() of the library", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_LLAMA_GGML_VERSION = {"ggml_version", STR, "",
    "ggml_version(); empty when the library lacks it", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_LLAMA_GGML_COMMIT = {"ggml_commit", STR, "", "ggml_commit() of the library", NULL,
    0, 0};
const struct cllm_field CLLM_F_AI_LLAMA_CUDA_BUILD = {"cuda_build", STR, "",
    "which CUDA build of the folder ran: main, fallback (node-llama-cpp's fallback/libggml-cuda.so: the main build "
    "has no code the GPUs run), none (neither runs: no CUDA backend loaded); empty without a CUDA backend or an "
    "NVIDIA GPU", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_LLAMA_CUDA_NOTE = {"cuda_note", STR, "",
    "why: the builds' SASS and PTX images against the GPUs' compute capabilities and the driver's CUDA version",
    NULL, 0, 0};
static const struct cllm_field *const llama_fields[] = {&CLLM_F_AI_LLAMA_PATH, &CLLM_F_AI_LLAMA_VARIANT,
    &CLLM_F_AI_LLAMA_VERSION, &CLLM_F_AI_LLAMA_GGML_VERSION, &CLLM_F_AI_LLAMA_GGML_COMMIT,
    &CLLM_F_AI_LLAMA_CUDA_BUILD, &CLLM_F_AI_LLAMA_CUDA_NOTE, &CLLM_F_ERROR, NULL};
const struct cllm_record CLLM_R_AI_LLAMA = {"ai_llama", "the libllama this run loaded, or the error why none",
    llama_fields, false};

/* ---- a model's facts ---- */

const struct cllm_field CLLM_F_LLM_M_KEY = {"key", STR, "", "the model's key in the registry", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_NAME = {"name", STR, "", "the model's name in the registry", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_PARAMS = {"params", STR, "", "parameter count as the registry writes it (1.1B)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_QUANT = {"quant", STR, "", "the quantization run (Q4_K_M, ...)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_FILE = {"file", STR, "", "path of the GGUF file loaded", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_SOURCE = {"source", STR, "",
    "where the file came from: present, downloaded, synthetic (made now), synthetic (reused), server", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_SERVER_URL = {"server_url", STR, "",
    "manual server mode: the server holding the model", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_SYNTHETIC = {"synthetic", BOOL, "",
    "a synthetic stand-in: the real architecture and quantization with random weights (speed is real, text not)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_NOTICE = {"notice", STR, "", "what a synthetic model means for the numbers",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DL_URL = {"url", STR, "", "the address the file was downloaded from", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DL_BYTES = {"bytes", INT, "bytes", "size of the file downloaded", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DL_ELAPSED_S = {"elapsed_s", NUM, "s", "wall time of the download", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DL_SHA256_CHECKED = {"sha256_checked", BOOL, "",
    "the file's SHA-256 matched the registry's", NULL, 0, 0};
static const struct cllm_field *const download_fields[] = {&CLLM_F_LLM_DL_URL, &CLLM_F_LLM_DL_BYTES,
    &CLLM_F_LLM_DL_ELAPSED_S, &CLLM_F_LLM_DL_SHA256_CHECKED, NULL};
const struct cllm_record CLLM_R_LLM_DOWNLOAD = {"llm_download", "the model file's download", download_fields,
    false};
const struct cllm_field CLLM_F_LLM_M_DOWNLOAD = {"download", OBJ, "", "the download, when the file was downloaded",
    &CLLM_R_LLM_DOWNLOAD, 0, 0};
const struct cllm_field CLLM_F_LLM_M_DOWNLOAD_ERROR = {"download_error", STR, "",
    "why the file was not downloaded (then a synthetic model stands in)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_FILE_SIZE_GB = {"actual_file_size_gb", NUM, "GB",
    "size of the file loaded, 10^9 bytes", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_LOAD_TIME_S = {"model_load_time_s", NUM, "s",
    "the engine's open: model load and context", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB = {"memory_after_load_gb", NUM, "GiB",
    "resident set of the process holding the model after the load", NULL, 0, NUL};
static const struct cllm_field *const model_fields[] = {&CLLM_F_LLM_M_KEY, &CLLM_F_LLM_M_NAME, &CLLM_F_LLM_M_PARAMS,
    &CLLM_F_LLM_M_QUANT, &CLLM_F_LLM_M_FILE, &CLLM_F_LLM_M_SOURCE, &CLLM_F_LLM_M_SERVER_URL, &CLLM_F_LLM_M_SYNTHETIC,
    &CLLM_F_LLM_M_NOTICE, &CLLM_F_LLM_M_DOWNLOAD, &CLLM_F_LLM_M_DOWNLOAD_ERROR, &CLLM_F_LLM_M_FILE_SIZE_GB,
    &CLLM_F_LLM_M_LOAD_TIME_S, &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB, NULL};
const struct cllm_record CLLM_R_LLM_MODEL = {"llm_model", "the model run: registry entry, file and load",
    model_fields, false};

/* ---- fit, load, stall ---- */

const struct cllm_field CLLM_F_LLM_FIT_RESULT = {"result", STR, "",
    "the pre-check's verdict: ok, cpu_only, skipped_ram, bad_quant", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_FIT_REASON = {"reason", STR, "", "the figures behind the verdict", NULL, 0, 0};
static const struct cllm_field *const fit_fields[] = {&CLLM_F_LLM_FIT_RESULT, &CLLM_F_LLM_FIT_REASON, NULL};
const struct cllm_record CLLM_R_LLM_FIT = {"llm_fit", "whether the model fits this machine's memory", fit_fields,
    false};

const struct cllm_field CLLM_F_LLM_LOAD_MEMORY_BEFORE_GB = {"memory_before_load_gb", NUM, "GiB",
    "resident set of the process holding the model before the load", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_LOAD_MEMORY_PROCESS = {"memory_process", STR, "",
    "server engine: whose memory the values are (llama-server started by this run, one found listening, remote)",
    NULL, 0, 0};
static const struct cllm_field *const load_fields[] = {&CLLM_F_LLM_LOAD_MEMORY_BEFORE_GB, &CLLM_F_LLM_M_LOAD_TIME_S,
    &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB, &CLLM_F_LLM_LOAD_MEMORY_PROCESS, NULL};
const struct cllm_record CLLM_R_LLM_LOAD = {"llm_load", "the model's load", load_fields, false};

const struct cllm_field CLLM_F_LLM_STALL_AT = {"at", STR, "", "the run that timed out (warmup run 1, run 2, ...)",
    NULL, 0, 0};
static const struct cllm_field *const stall_fields[] = {&CLLM_F_LLM_STALL_AT, &CLLM_F_ERROR, NULL};
const struct cllm_record CLLM_R_LLM_STALL = {"llm_stall",
    "server engine: the first run that timed out; the model's later runs and variants are skipped", stall_fields,
    false};

/* ---- engine ---- */

const struct cllm_field CLLM_F_LLM_DEV_NAME = {"name", STR, "", "ggml device name (CPU, CUDA0, Vulkan0)", NULL, 0,
    0};
const struct cllm_field CLLM_F_LLM_DEV_DESCRIPTION = {"description", STR, "", "the device as its backend names it",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DEV_BACKEND = {"backend", STR, "", "ggml backend (CPU, CUDA, Vulkan, Metal, ...)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DEV_TYPE = {"type", STR, "", "cpu, gpu, igpu, accel", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DEV_MEMORY_TOTAL_GB = {"memory_total_gb", NUM, "GiB",
    "device memory, when the backend says", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DEV_MEMORY_FREE_GB = {"memory_free_gb", NUM, "GiB",
    "free device memory at the load, when the backend says", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_DEV_DEVICE_ID = {"device_id", STR, "",
    "ggml_backend_dev_props.device_id: the PCI bus id (0000:01:00.0), when the backend says", NULL, 0, 0};
static const struct cllm_field *const device_fields[] = {&CLLM_F_LLM_DEV_NAME, &CLLM_F_LLM_DEV_DESCRIPTION,
    &CLLM_F_LLM_DEV_BACKEND, &CLLM_F_LLM_DEV_TYPE, &CLLM_F_LLM_DEV_MEMORY_TOTAL_GB, &CLLM_F_LLM_DEV_MEMORY_FREE_GB,
    &CLLM_F_LLM_DEV_DEVICE_ID, NULL};
const struct cllm_record CLLM_R_LLM_ENGINE_DEVICE = {"llm_engine_device", "a ggml device of the library",
    device_fields, false};

const struct cllm_field CLLM_F_LLM_EM_PATH = {"path", STR, "", "the GGUF file", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_EM_DESCRIPTION = {"description", STR, "", "llama_model_desc()", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_EM_N_PARAMS = {"n_params", INT, "", "parameters, llama_model_n_params()", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_EM_SIZE_BYTES = {"size_bytes", INT, "bytes", "tensor bytes, llama_model_size()",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_EM_N_LAYERS = {"n_layers", INT, "", "transformer layers", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_EM_N_VOCAB = {"n_vocab", INT, "", "tokens of the vocabulary", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_EM_CHAT_TEMPLATE = {"chat_template", STR, "",
    "which chat template formats the prompt", NULL, 0, 0};
static const struct cllm_field *const engine_model_fields[] = {&CLLM_F_LLM_EM_PATH, &CLLM_F_LLM_EM_DESCRIPTION,
    &CLLM_F_LLM_EM_N_PARAMS, &CLLM_F_LLM_EM_SIZE_BYTES, &CLLM_F_LLM_EM_N_LAYERS, &CLLM_F_LLM_EM_N_VOCAB,
    &CLLM_F_LLM_EM_CHAT_TEMPLATE, NULL};
const struct cllm_record CLLM_R_LLM_ENGINE_MODEL = {"llm_engine_model", "the model as llama.cpp sees it",
    engine_model_fields, false};

const struct cllm_field CLLM_F_LLM_CAP_TOKEN_STREAM = {"token_stream", BOOL, "", "tokens are timed one by one", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_CAP_ENGINE_COUNTERS = {"engine_counters", BOOL, "",
    "the engine has its own prompt and decode counters", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_CAP_IGNORE_EOS = {"ignore_eos", BOOL, "",
    "generation can go on through end-of-generation tokens", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_CAP_GPU_OFFLOAD = {"gpu_offload", BOOL, "",
    "the library can offload layers to a GPU (llama_supports_gpu_offload)", NULL, 0, 0};
static const struct cllm_field *const caps_fields[] = {&CLLM_F_LLM_CAP_TOKEN_STREAM, &CLLM_F_LLM_CAP_ENGINE_COUNTERS,
    &CLLM_F_LLM_CAP_IGNORE_EOS, &CLLM_F_LLM_CAP_GPU_OFFLOAD, NULL};
const struct cllm_record CLLM_R_LLM_ENGINE_CAPS = {"llm_engine_capabilities", "what the engine can do",
    caps_fields, false};

const struct cllm_field CLLM_F_LLM_LIM_STALL_S = {"stall_s", NUM, "s",
    "a stream without tokens this long fails the run", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_LIM_DEADLINE_BASE_S = {"deadline_base_s", NUM, "s",
    "each request's deadline is this plus max_tokens times deadline_per_token_s", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_LIM_DEADLINE_PER_TOKEN_S = {"deadline_per_token_s", NUM, "s",
    "the deadline's allowance per token asked for", NULL, 0, 0};
static const struct cllm_field *const limits_fields[] = {&CLLM_F_LLM_LIM_STALL_S, &CLLM_F_LLM_LIM_DEADLINE_BASE_S,
    &CLLM_F_LLM_LIM_DEADLINE_PER_TOKEN_S, NULL};
const struct cllm_record CLLM_R_LLM_ENGINE_LIMITS = {"llm_engine_limits",
    "what ends a server request that goes wrong (config server.*)", limits_fields, false};

const struct cllm_field CLLM_F_LLM_ST_PROMPT_N = {"prompt_n", INT, "", "llama-server's prompt tokens", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_ST_PREDICTED_N = {"predicted_n", INT, "", "llama-server's generated tokens",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_ST_PREDICTED_PER_SECOND = {"predicted_per_second", NUM, "tokens/s",
    "llama-server's own decode rate", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_ST_PROMPT_PER_SECOND = {"prompt_per_second", NUM, "tokens/s",
    "llama-server's own prompt-processing rate", NULL, 0, 0};
static const struct cllm_field *const timings_fields[] = {&CLLM_F_LLM_ST_PROMPT_N, &CLLM_F_LLM_ST_PREDICTED_N,
    &CLLM_F_LLM_ST_PREDICTED_PER_SECOND, &CLLM_F_LLM_ST_PROMPT_PER_SECOND, NULL};
const struct cllm_record CLLM_R_LLM_SERVER_TIMINGS = {"llm_server_timings", "llama-server's timings of the run",
    timings_fields, false};

const struct cllm_field CLLM_F_LLM_SR_TOKEN_COUNT_SOURCE = {"token_count_source", STR, "",
    "where the generated token count came from: usage, timings or chunks", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_SR_CONTENT_CHUNKS = {"content_chunks", INT, "",
    "content deltas received (one timestamp each)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_SR_FINISH_REASON = {"finish_reason", STR, "", "the server's finish_reason", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_SR_SERVER_TIMINGS = {"server_timings", OBJ, "",
    "llama-server's own timings, when it sent them", &CLLM_R_LLM_SERVER_TIMINGS, 0, 0};
static const struct cllm_field *const server_run_fields[] = {&CLLM_F_LLM_SR_TOKEN_COUNT_SOURCE,
    &CLLM_F_LLM_SR_CONTENT_CHUNKS, &CLLM_F_LLM_SR_FINISH_REASON, &CLLM_F_LLM_SR_SERVER_TIMINGS, NULL};
const struct cllm_record CLLM_R_LLM_SERVER_RUN = {"llm_server_run", "the server engine's account of its last run",
    server_run_fields, false};

/* ---- engine.rpc (--rpc) ---- */

const struct cllm_field CLLM_F_LLM_RPCS_ENDPOINT = {"endpoint", STR, "", "the rpc-server, host:port as given", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_RPCS_N_DEVICES = {"n_devices", INT, "", "devices the server offers", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RPCS_PROTOCOL = {"protocol", STR, "",
    "the ggml-rpc protocol version its HELLO answered (major.minor.patch)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RPCS_CONNECT_MS = {"connect_ms", NUM, "ms",
    "TCP connect time of computellm's probe connection", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RPCS_RTT_MIN_MS = {"rtt_min_ms", NUM, "ms",
    "network round trip: the fastest of rtt_samples DEVICE_COUNT requests on the probe connection (measured by "
    "computellm before the load; llama.cpp does not expose its own)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RPCS_RTT_MEDIAN_MS = {"rtt_median_ms", NUM, "ms",
    "the median of the same round trips", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RPCS_RTT_SAMPLES = {"rtt_samples", INT, "", "round trips timed", NULL, 0, 0};
static const struct cllm_field *const rpc_server_fields[] = {&CLLM_F_LLM_RPCS_ENDPOINT, &CLLM_F_LLM_RPCS_N_DEVICES,
    &CLLM_F_LLM_RPCS_PROTOCOL, &CLLM_F_LLM_RPCS_CONNECT_MS, &CLLM_F_LLM_RPCS_RTT_MIN_MS,
    &CLLM_F_LLM_RPCS_RTT_MEDIAN_MS, &CLLM_F_LLM_RPCS_RTT_SAMPLES, NULL};
const struct cllm_record CLLM_R_LLM_RPC_SERVER = {"llm_rpc_server", "an rpc-server the model was split onto",
    rpc_server_fields, false};

const struct cllm_field CLLM_F_LLM_SHARE_DEVICE = {"device", STR, "", "ggml device name (CPU, RPC0, CUDA0)", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_SHARE_ENDPOINT = {"endpoint", STR, "",
    "an RPC device's server (host:port); null for a device of this machine", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_SHARE_LAYERS = {"layers", INT, "",
    "repeating layers llama.cpp assigned to the device (its load log)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_SHARE_MODEL_MIB = {"model_mib", NUM, "MiB",
    "the device's model (weights) buffers, as llama.cpp logs them (2 decimals)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_SHARE_KV_MIB = {"kv_mib", NUM, "MiB", "the device's KV cache buffers", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_LLM_SHARE_COMPUTE_MIB = {"compute_mib", NUM, "MiB", "the device's compute buffers",
    NULL, 0, NUL};
static const struct cllm_field *const share_fields[] = {&CLLM_F_LLM_SHARE_DEVICE, &CLLM_F_LLM_SHARE_ENDPOINT,
    &CLLM_F_LLM_SHARE_LAYERS, &CLLM_F_LLM_SHARE_MODEL_MIB, &CLLM_F_LLM_SHARE_KV_MIB, &CLLM_F_LLM_SHARE_COMPUTE_MIB,
    NULL};
const struct cllm_record CLLM_R_LLM_RPC_SHARE = {"llm_rpc_share",
    "one device's share of the split model: the CPU of this machine and every device offloaded to", share_fields,
    false};

const struct cllm_field CLLM_F_LLM_RPC_LIBRARY = {"library", STR, "",
    "the RPC backend loaded (libggml-rpc.so), or built into the loaded library", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RPC_SERVERS = {"servers", ARR, "", "the rpc-servers, in the order given",
    &CLLM_R_LLM_RPC_SERVER, 0, 0};
const struct cllm_field CLLM_F_LLM_RPC_OFFLOADED = {"offloaded_layers", INT, "",
    "llama.cpp's \"offloaded N/M layers\": N (repeating layers plus the output layer)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RPC_OFFLOADABLE = {"offloadable_layers", INT, "", "the same line's M", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_LLM_RPC_DEVICES = {"devices", ARR, "", "each device's share of layers and memory",
    &CLLM_R_LLM_RPC_SHARE, 0, 0};
const struct cllm_field CLLM_F_LLM_RPC_BYTES_PER_TOKEN = {"bytes_per_token", NUM, "bytes",
    "network bytes moved per generated token", NULL, 0, NUL};
static const struct cllm_field *const rpc_fields[] = {&CLLM_F_LLM_RPC_LIBRARY, &CLLM_F_LLM_RPC_SERVERS,
    &CLLM_F_LLM_RPC_OFFLOADED, &CLLM_F_LLM_RPC_OFFLOADABLE, &CLLM_F_LLM_RPC_DEVICES, &CLLM_F_LLM_RPC_BYTES_PER_TOKEN,
    NULL};
const struct cllm_record CLLM_R_LLM_ENGINE_RPC = {"llm_engine_rpc",
    "in-process with --rpc: the rpc-servers the model was split onto and each device's share", rpc_fields, false};

const struct cllm_field CLLM_F_LLM_E_ENGINE = {"engine", STR, "", "in-process: llama.cpp", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_LIBRARY = {"library", STR, "",
    "in-process: the libllama file; server: llama-server (when /props answers as it does) or openai-compatible",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_LLAMA_VERSION = {"llama_version", STR, "", "llama_version()", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_GGML_VERSION = {"ggml_version", STR, "", "ggml_version()", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_GGML_COMMIT = {"ggml_commit", STR, "", "ggml_commit()", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_VARIANT = {"variant", STR, "", "the library's build: cpu, vulkan, cuda", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_E_BACKEND = {"backend", STR, "",
    "the backend the model runs on: CPU, CUDA, ROCm, SYCL, Metal, Vulkan", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_N_GPU_LAYERS = {"n_gpu_layers", INT, "", "layers asked on the GPU (0: CPU)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_OP_OFFLOAD = {"op_offload", BOOL, "", "the model was offloaded to GPU devices",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_N_THREADS = {"n_threads", INT, "", "CPU threads of the context", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_N_CTX = {"n_ctx", INT, "", "context size in tokens", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_N_BATCH = {"n_batch", INT, "", "prompt tokens per decode call", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_FLASH_ATTN = {"flash_attn", STR, "", "flash attention setting", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_NOTICE = {"notice", STR, "",
    "when a detected GPU has no backend in this library: what that means", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_E_DEVICES_USED = {"devices_used", ARR, "", "the devices the model runs on",
    &CLLM_R_LLM_ENGINE_DEVICE, 0, 0};
const struct cllm_field CLLM_F_LLM_E_DEVICES_AVAILABLE = {"devices_available", ARR, "",
    "every ggml device of the library", &CLLM_R_LLM_ENGINE_DEVICE, 0, 0};
const struct cllm_field CLLM_F_LLM_E_MODEL = {"model", CLLM_FT_ANY, "",
    "in-process: the model as llama.cpp sees it (path, description, n_params, size_bytes, n_layers, n_vocab, "
    "chat_template); server: the model name sent in requests", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_SYSTEM_INFO = {"system_info", STR, "", "llama_print_system_info()", NULL, 0,
    0};
const struct cllm_field CLLM_F_LLM_E_CAPABILITIES = {"capabilities", OBJ, "", "what the engine can do",
    &CLLM_R_LLM_ENGINE_CAPS, 0, 0};
const struct cllm_field CLLM_F_LLM_E_RPC = {"rpc", OBJ, "",
    "in-process with --rpc only: the rpc-servers and where the model went", &CLLM_R_LLM_ENGINE_RPC, 0, 0};
const struct cllm_field CLLM_F_LLM_E_MODE = {"mode", STR, "",
    "server: auto (llama-server started by this run) or manual (--server-url)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_URL = {"url", STR, "", "server: its address", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_LIMITS = {"limits", OBJ, "", "server: what ends a request that goes wrong",
    &CLLM_R_LLM_ENGINE_LIMITS, 0, 0};
const struct cllm_field CLLM_F_LLM_E_SERVER_PID = {"server_pid", INT, "",
    "server: the llama-server process (auto mode, or found listening on a loopback URL's port)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_E_LAST_RUN = {"last_run", OBJ, "",
    "server: its account of the last run before this was written", &CLLM_R_LLM_SERVER_RUN, 0, 0};
/* gpu_plan: the GPUs a model was offloaded to (run --gpus, --split-mode, --tensor-split) */
const struct cllm_field CLLM_F_LLM_GP_GPUS = {"gpus", ARR, "",
    "per device used: the detected GPU (hardware.gpu.devices index); -1 not matched", NULL, INT, 0};
const struct cllm_field CLLM_F_LLM_GP_MAPPED_BY = {"mapped_by", STR, "",
    "pci_bus_id (ggml's device_id = detection's bus id), order (the runtime's device number) or all (no "
    "selection: every device of the backend)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_GP_SPLIT_MODE = {"split_mode", STR, "",
    "none (one GPU), layer (layers split between the GPUs) or row (also rows of each matrix)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_GP_MAIN_GPU = {"main_gpu", INT, "", "llama_model_params.main_gpu: index into "
    "devices_used", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_GP_TENSOR_SPLIT = {"tensor_split", ARR, "",
    "share of the model per device used (sums to 1)", NULL, NUM, 0};
const struct cllm_field CLLM_F_LLM_GP_TENSOR_SPLIT_BY = {"tensor_split_by", STR, "",
    "free (by free memory at the load) or even", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_GP_ENV = {"visible_env", ARR, "",
    "CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES / ZE_AFFINITY_MASK as NAME=VALUE, those set", NULL, STR, 0};
static const struct cllm_field *const gpu_plan_fields[] = {&CLLM_F_LLM_GP_GPUS, &CLLM_F_LLM_GP_MAPPED_BY,
    &CLLM_F_LLM_GP_SPLIT_MODE, &CLLM_F_LLM_GP_MAIN_GPU, &CLLM_F_LLM_GP_TENSOR_SPLIT, &CLLM_F_LLM_GP_TENSOR_SPLIT_BY,
    &CLLM_F_LLM_GP_ENV, NULL};
const struct cllm_record CLLM_R_LLM_GPU_PLAN = {"llm_gpu_plan", "the GPUs the model was offloaded to and the split",
    gpu_plan_fields, false};
const struct cllm_field CLLM_F_LLM_E_GPU_PLAN = {"gpu_plan", OBJ, "",
    "in-process on GPUs: which detected GPUs, how they were matched to ggml devices, split mode and shares",
    &CLLM_R_LLM_GPU_PLAN, 0, 0};

static const struct cllm_field *const engine_fields[] = {&CLLM_F_LLM_E_ENGINE, &CLLM_F_LLM_E_LIBRARY,
    &CLLM_F_LLM_E_LLAMA_VERSION, &CLLM_F_LLM_E_GGML_VERSION, &CLLM_F_LLM_E_GGML_COMMIT, &CLLM_F_LLM_E_VARIANT,
    &CLLM_F_LLM_E_BACKEND, &CLLM_F_LLM_E_N_GPU_LAYERS, &CLLM_F_LLM_E_OP_OFFLOAD, &CLLM_F_LLM_E_N_THREADS,
    &CLLM_F_LLM_E_N_CTX, &CLLM_F_LLM_E_N_BATCH, &CLLM_F_LLM_E_FLASH_ATTN, &CLLM_F_LLM_E_NOTICE,
    &CLLM_F_LLM_E_DEVICES_USED, &CLLM_F_LLM_E_GPU_PLAN, &CLLM_F_LLM_E_DEVICES_AVAILABLE, &CLLM_F_LLM_E_MODEL,
    &CLLM_F_LLM_E_SYSTEM_INFO,
    &CLLM_F_LLM_E_CAPABILITIES, &CLLM_F_LLM_E_RPC, &CLLM_F_LLM_E_MODE, &CLLM_F_LLM_E_URL, &CLLM_F_LLM_E_LIMITS,
    &CLLM_F_LLM_E_SERVER_PID, &CLLM_F_LLM_E_LAST_RUN, NULL};
const struct cllm_record CLLM_R_LLM_ENGINE = {"llm_engine",
    "the engine that ran the model: in-process llama.cpp's identity, or the server engine's", engine_fields, false};

/* ---- runs[] ---- */

#define FEW "; null below 2 generated tokens"
const struct cllm_field CLLM_F_LLM_RUN_RUN = {"run", INT, "", "the run's number, from 1", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RUN_STATUS = {"status", STR, "",
    "ok, failed + error, cancelled, skipped + reason (after a stall)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RUN_PROMPT_TOKENS = {"prompt_tokens", INT, "",
    "tokens of the templated prompt", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_GENERATED_TOKENS = {"generated_tokens", INT, "", "tokens generated", NULL, 0,
    0};
const struct cllm_field CLLM_F_LLM_RUN_TOTAL_TIME_S = {"total_time_s", NUM, "s",
    "request start (before templating) to the last token", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S = {"first_token_latency_s", NUM, "s",
    "request start to the first token with text", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_TPS = {"tokens_per_second", NUM, "tokens/s",
    "generated tokens / total time (the original's definition)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_DECODE_TPS = {"decode_tokens_per_second", NUM, "tokens/s",
    "(generated tokens - 1) / first to last token time" FEW, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_PROMPT_TPS = {"prompt_tokens_per_second", NUM, "tokens/s",
    "prompt tokens / request start to the first token", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ENGINE_PROMPT_TPS = {"engine_prompt_tokens_per_second", NUM, "tokens/s",
    "the engine's own prompt-processing counter (llama_perf_context, llama-server's timings)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ENGINE_DECODE_TPS = {"engine_decode_tokens_per_second", NUM, "tokens/s",
    "the engine's own decode counter", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ENGINE_PROMPT_MS = {"engine_prompt_ms", NUM, "ms",
    "the engine's prompt-processing time (t_p_eval_ms)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ENGINE_PROMPT_TOKENS = {"engine_prompt_tokens", INT, "",
    "the engine's prompt tokens (n_p_eval)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ENGINE_DECODE_MS = {"engine_decode_ms", NUM, "ms",
    "the engine's decode time (t_eval_ms)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ENGINE_DECODE_TOKENS = {"engine_decode_tokens", INT, "",
    "the engine's decoded tokens (n_eval)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ITL_MEAN_MS = {"inter_token_latency_mean_ms", NUM, "ms",
    "mean gap between consecutive tokens of the run" FEW, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ITL_P50_MS = {"inter_token_latency_p50_ms", NUM, "ms",
    "median gap between consecutive tokens of the run (interpolated between ranks)" FEW, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ITL_P90_MS = {"inter_token_latency_p90_ms", NUM, "ms",
    "90th percentile of the run's gaps between tokens" FEW, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_ITL_P99_MS = {"inter_token_latency_p99_ms", NUM, "ms",
    "99th percentile of the run's gaps between tokens" FEW, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_LOOP_OVERHEAD_PERCENT = {"loop_overhead_percent", NUM, "%",
    "sampling, detokenizing and bookkeeping time / decode time of the token loop (in-process engine)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_SAMPLING = {"sampling", STR, "",
    "where the in-process engine picked each token: device (llama.cpp's backend sampling: the whole sampler chain "
    "inside the decode graph on the device holding the output layer, one token id read back), device_top_k (only "
    "the top-k + penalty window in the graph, those logits read back and the chain finished on the CPU: the same "
    "tokens) or host (all logits read back and sampled on the CPU); null for a server engine", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_SAMPLING_NOTE = {"sampling_note", STR, "",
    "why the tokens were picked on the host when device sampling was asked for or chosen (the library lacks it, "
    "a sampler or op the backend cannot run); null when sampling is what was asked", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_MEMORY_BEFORE_GB = {"memory_before_gb", NUM, "GiB",
    "resident set of the process holding the model before the run", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_MEMORY_AFTER_GB = {"memory_after_gb", NUM, "GiB",
    "resident set of the process holding the model after the run", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_RUN_THROTTLED = {"throttled", BOOL, "",
    "the monitor saw the GPU's SM clock below 90 % of the highest over the runs, or a thermal/power throttle reason, "
    "during this run (absent without the monitor)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RUN_THROTTLE_REASON = {"throttle_reason", STR, "", "why it is marked throttled",
    NULL, 0, 0};
/* ---- energy ---- */

#define EN_NULL "; null with the reason when not measured"
const struct cllm_field CLLM_F_EN_WINDOW_S = {"energy_window_s", NUM, "s",
    "length of the window the energy is over (a sweep test: its repetitions added)", NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_TOKENS = {"energy_tokens", INT, "",
    "tokens of the window: a run's prompt window the prompt's tokens, its decode window the tokens after the first; "
    "a sweep test (n_prompt + n_gen) x repetitions", NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_JOULES = {"joules", NUM, "J",
    "energy over the window of the parts in energy_domains (GPUs the model ran on + CPU package)" EN_NULL, NULL, 0,
    NUL};
const struct cllm_field CLLM_F_EN_WATTS = {"watts", NUM, "W", "joules / energy_window_s: the mean power" EN_NULL,
    NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_J_PER_TOKEN = {"joules_per_token", NUM, "J/token",
    "joules / energy_tokens" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_TOKENS_PER_J = {"tokens_per_joule", NUM, "tokens/J",
    "energy_tokens / joules: tokens per watt-second" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_DOMAINS = {"energy_domains", STR, "",
    "what joules covers: gpu+cpu_package, gpu or cpu_package" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_SOURCE = {"energy_source", STR, "",
    "where each domain's number came from, in domain order, + between: nvml_energy_counter (NVML total energy), "
    "amdgpu_energy (hwmon energy1_input), power_samples (the monitor's power readings integrated), rapl (CPU "
    "package counters)" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_GPU_JOULES = {"gpu_joules", NUM, "J",
    "the GPUs' part: every GPU the model ran on (a server engine: every GPU)" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_GPU_SOURCE = {"gpu_source", STR, "",
    "nvml_energy_counter, amdgpu_energy or power_samples" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_CPU_JOULES = {"cpu_package_joules", NUM, "J",
    "the CPU packages' part (RAPL)" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_CPU_SOURCE = {"cpu_package_source", STR, "", "rapl" EN_NULL, NULL, 0, NUL};
const struct cllm_field CLLM_F_EN_NOTE = {"energy_note", STR, "",
    "what is approximate or left out (a part not measured, edges interpolated between readings far apart); "
    "absent when nothing is", NULL, 0, 0};
static const struct cllm_field *const energy_fields[] = {&CLLM_F_EN_WINDOW_S, &CLLM_F_EN_TOKENS, &CLLM_F_EN_JOULES,
    &CLLM_F_EN_WATTS, &CLLM_F_EN_J_PER_TOKEN, &CLLM_F_EN_TOKENS_PER_J, &CLLM_F_EN_DOMAINS, &CLLM_F_EN_SOURCE,
    &CLLM_F_EN_GPU_JOULES, &CLLM_F_EN_GPU_SOURCE, &CLLM_F_EN_CPU_JOULES, &CLLM_F_EN_CPU_SOURCE, &CLLM_F_EN_NOTE,
    NULL};
const struct cllm_record CLLM_R_ENERGY = {"energy_window",
    "energy over a window from the monitor's readings: GPU energy counters (else power readings integrated) and "
    "the CPU package's RAPL counters, interpolated at the window's edges", energy_fields, false};
const struct cllm_field CLLM_F_LLM_RUN_PROMPT_ENERGY = {"prompt_energy", OBJ, "",
    "energy from the request's start to the first generated token, per prompt token", &CLLM_R_ENERGY, 0, 0};
const struct cllm_field CLLM_F_LLM_RUN_DECODE_ENERGY = {"decode_energy", OBJ, "",
    "energy from the first to the last generated token, per token generated after the first", &CLLM_R_ENERGY, 0, 0};

static const struct cllm_field *const run_fields[] = {&CLLM_F_LLM_RUN_PROMPT_TOKENS, &CLLM_F_LLM_RUN_GENERATED_TOKENS,
    &CLLM_F_LLM_RUN_TOTAL_TIME_S, &CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S, &CLLM_F_LLM_RUN_TPS,
    &CLLM_F_LLM_RUN_DECODE_TPS, &CLLM_F_LLM_RUN_PROMPT_TPS, &CLLM_F_LLM_RUN_ENGINE_PROMPT_TPS,
    &CLLM_F_LLM_RUN_ENGINE_DECODE_TPS, &CLLM_F_LLM_RUN_ENGINE_PROMPT_MS, &CLLM_F_LLM_RUN_ENGINE_PROMPT_TOKENS,
    &CLLM_F_LLM_RUN_ENGINE_DECODE_MS, &CLLM_F_LLM_RUN_ENGINE_DECODE_TOKENS, &CLLM_F_LLM_RUN_ITL_MEAN_MS,
    &CLLM_F_LLM_RUN_ITL_P50_MS, &CLLM_F_LLM_RUN_ITL_P90_MS, &CLLM_F_LLM_RUN_ITL_P99_MS,
    &CLLM_F_LLM_RUN_LOOP_OVERHEAD_PERCENT, &CLLM_F_LLM_RUN_SAMPLING, &CLLM_F_LLM_RUN_SAMPLING_NOTE, &CLLM_F_ERROR, &CLLM_F_LLM_SR_TOKEN_COUNT_SOURCE,
    &CLLM_F_LLM_SR_CONTENT_CHUNKS, &CLLM_F_LLM_SR_FINISH_REASON, &CLLM_F_LLM_SR_SERVER_TIMINGS, &CLLM_F_LLM_RUN_RUN,
    &CLLM_F_LLM_RUN_STATUS, &CLLM_F_REASON, &CLLM_F_LLM_RUN_MEMORY_BEFORE_GB, &CLLM_F_LLM_RUN_MEMORY_AFTER_GB,
    &CLLM_F_LLM_RUN_THROTTLED, &CLLM_F_LLM_RUN_THROTTLE_REASON, &CLLM_F_LLM_RUN_PROMPT_ENERGY,
    &CLLM_F_LLM_RUN_DECODE_ENERGY, NULL};
const struct cllm_record CLLM_R_LLM_RUN = {"llm_run", "one timed generation run", run_fields, false};

/* ---- summary ---- */

#define NO_TWO "; null when no successful run generated 2 tokens"
const struct cllm_field CLLM_F_LLM_RUNS_COUNT = {"runs", INT, "", "timed runs attempted", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_SUCCESSFUL_RUNS = {"successful_runs", INT, "",
    "runs that succeeded (only they enter the statistics)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_AVG_TPS = {"avg_tokens_per_second", NUM, "tokens/s",
    "mean over successful runs of generated tokens / total time", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_STD_TPS = {"std_tokens_per_second", NUM, "tokens/s",
    "sample standard deviation (n - 1) of the runs' tokens/s; 0 for one run", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_CV_TPS = {"cv_tokens_per_second_percent", NUM, "%",
    "coefficient of variation of the runs' tokens/s (std / mean x 100): how much they varied; null below 2 runs",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_THROTTLED_RUNS = {"throttled_runs", INT, "",
    "successful runs marked throttled (absent without the monitor)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_AVG_TPS_UNTHROTTLED = {"avg_tokens_per_second_unthrottled", NUM, "tokens/s",
    "avg_tokens_per_second over the successful runs not marked throttled", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_UNTIL_STABLE_CV = {"until_stable_cv", NUM, "",
    "run --until-stable: the target (std / mean of tokens/s of the unthrottled runs, a fraction)", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_UNTIL_STABLE_REACHED = {"until_stable_reached", BOOL, "",
    "run --until-stable: the runs varied less than the target before runs.count ran out", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_MIN_TPS = {"min_tokens_per_second", NUM, "tokens/s",
    "slowest successful run's tokens/s", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_MAX_TPS = {"max_tokens_per_second", NUM, "tokens/s",
    "fastest successful run's tokens/s", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S = {"avg_first_token_latency_s", NUM, "s",
    "mean first-token latency over the successful runs that produced text", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_AVG_DECODE_TPS = {"avg_decode_tokens_per_second", NUM, "tokens/s",
    "mean decode rate (after the first token) over the successful runs", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_AVG_PROMPT_TPS = {"avg_prompt_tokens_per_second", NUM, "tokens/s",
    "mean prompt-processing rate over the successful runs", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_ITL_MEAN_MS = {"inter_token_latency_mean_ms", NUM, "ms",
    "mean gap between consecutive tokens, every gap of every successful run pooled" NO_TWO, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_ITL_P50_MS = {"inter_token_latency_p50_ms", NUM, "ms",
    "median of the pooled gaps (interpolated between ranks)" NO_TWO, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_ITL_P90_MS = {"inter_token_latency_p90_ms", NUM, "ms",
    "90th percentile of the pooled gaps" NO_TWO, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_ITL_P99_MS = {"inter_token_latency_p99_ms", NUM, "ms",
    "99th percentile of the pooled gaps" NO_TWO, NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_PEAK_MEMORY_GB = {"peak_memory_gb", NUM, "GiB",
    "largest resident set of the process holding the model around and during the runs", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_STABILITY = {"stability", STR, "",
    "stable when every run succeeded, else unstable", NULL, 0, 0};

const struct cllm_field CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN = {"avg_decode_joules_per_token", NUM, "J/token",
    "mean of the successful runs' decode_energy.joules_per_token; null with the reason when no run has it", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_LLM_AVG_DECODE_TOKENS_PER_J = {"avg_decode_tokens_per_joule", NUM, "tokens/J",
    "mean of the runs' decode_energy.tokens_per_joule (tokens per watt-second)", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_AVG_DECODE_WATTS = {"avg_decode_watts", NUM, "W",
    "mean of the runs' decode_energy.watts", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN = {"avg_prompt_joules_per_token", NUM, "J/token",
    "mean of the runs' prompt_energy.joules_per_token", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_AVG_PROMPT_WATTS = {"avg_prompt_watts", NUM, "W",
    "mean of the runs' prompt_energy.watts", NULL, 0, NUL};
const struct cllm_field CLLM_F_LLM_ENERGY_RUNS = {"energy_runs", INT, "",
    "successful runs with a decode J/token (the energy means are over them)", NULL, 0, 0};

const struct cllm_field CLLM_F_LLM_RL_BYTES_PER_TOKEN = {"bytes_per_token", NUM, "bytes",
    "the model file's size: a dense model reads every weight once per token", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RL_BANDWIDTH_GBPS = {"bandwidth_gbps", NUM, "GB/s",
    "the memory bandwidth measured in this run where the model runs", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RL_RATIO = {"ratio", NUM, "",
    "decode tokens/s x bytes per token / bandwidth: how close decoding runs to the memory-bound limit", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_LLM_RL_MAX_TPS = {"max_tokens_per_second", NUM, "tokens/s",
    "the memory-bound limit: bandwidth / bytes per token", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_RL_BASIS = {"basis", STR, "", "which bandwidth was used", NULL, 0, 0};
static const struct cllm_field *const roofline_fields[] = {&CLLM_F_LLM_RL_BYTES_PER_TOKEN,
    &CLLM_F_LLM_RL_BANDWIDTH_GBPS, &CLLM_F_LLM_RL_RATIO, &CLLM_F_LLM_RL_MAX_TPS, &CLLM_F_LLM_RL_BASIS, NULL};
const struct cllm_record CLLM_R_LLM_ROOFLINE = {"llm_roofline", "decoding against the memory-bound limit",
    roofline_fields, false};
const struct cllm_field CLLM_F_LLM_ROOFLINE = {"roofline", OBJ, "", "plain phase: the memory-bound limit",
    &CLLM_R_LLM_ROOFLINE, 0, 0};

static const struct cllm_field *const summary_fields[] = {&CLLM_F_LLM_RUNS_COUNT, &CLLM_F_LLM_SUCCESSFUL_RUNS,
    &CLLM_F_LLM_AVG_TPS, &CLLM_F_LLM_STD_TPS, &CLLM_F_LLM_CV_TPS, &CLLM_F_LLM_MIN_TPS, &CLLM_F_LLM_MAX_TPS,
    &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S, &CLLM_F_LLM_AVG_DECODE_TPS, &CLLM_F_LLM_AVG_PROMPT_TPS,
    &CLLM_F_LLM_ITL_MEAN_MS, &CLLM_F_LLM_ITL_P50_MS, &CLLM_F_LLM_ITL_P90_MS, &CLLM_F_LLM_ITL_P99_MS,
    &CLLM_F_LLM_PEAK_MEMORY_GB, &CLLM_F_LLM_STABILITY, &CLLM_F_LLM_ROOFLINE, &CLLM_F_LLM_THROTTLED_RUNS,
    &CLLM_F_LLM_AVG_TPS_UNTHROTTLED, &CLLM_F_LLM_UNTIL_STABLE_CV, &CLLM_F_LLM_UNTIL_STABLE_REACHED,
    &CLLM_F_LLM_ENERGY_RUNS, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN, &CLLM_F_LLM_AVG_DECODE_TOKENS_PER_J,
    &CLLM_F_LLM_AVG_DECODE_WATTS, &CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN, &CLLM_F_LLM_AVG_PROMPT_WATTS,
    &CLLM_F_EN_DOMAINS, &CLLM_F_EN_SOURCE, NULL};
const struct cllm_record CLLM_R_LLM_SUMMARY = {"llm_summary", "statistics over a model's timed runs",
    summary_fields, false};

/* ---- results[KEY] ---- */

const struct cllm_field CLLM_F_LLM_STATUS = {"status", STR, "",
    "ok; skipped + reason (not enough RAM); failed + error; cancelled; unavailable + reason", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_MODEL = {"model", OBJ, "", "the model run", &CLLM_R_LLM_MODEL, 0, 0};
const struct cllm_field CLLM_F_LLM_FIT = {"fit", OBJ, "", "the pre-check of the model against this machine",
    &CLLM_R_LLM_FIT, 0, 0};
const struct cllm_field CLLM_F_LLM_LOAD = {"load", OBJ, "", "the model's load", &CLLM_R_LLM_LOAD, 0, 0};
const struct cllm_field CLLM_F_LLM_ENGINE = {"engine", OBJ, "", "the engine that ran the model", &CLLM_R_LLM_ENGINE,
    0, 0};
const struct cllm_field CLLM_F_LLM_WARMUP_RUNS = {"warmup_runs", INT, "", "untimed runs before the timed ones", NULL,
    0, 0};
const struct cllm_field CLLM_F_LLM_WARMUP_MAX_TOKENS = {"warmup_max_tokens", INT, "",
    "tokens each warmup run generates at most", NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_STALL = {"stall", OBJ, "", "server engine: the first run that timed out",
    &CLLM_R_LLM_STALL, 0, 0};
const struct cllm_field CLLM_F_LLM_RUNS = {"runs", ARR, "", "the timed runs (config runs.count)", &CLLM_R_LLM_RUN,
    0, 0};
const struct cllm_field CLLM_F_LLM_SUMMARY = {"summary", OBJ, "", "statistics over the timed runs",
    &CLLM_R_LLM_SUMMARY, 0, 0};
const struct cllm_field CLLM_F_LLM_PROMPT_TOKENS = {"prompt_tokens", INT, "",
    "tokens of the templated prompt of the first successful run", NULL, 0, NUL};
/* ---- results[KEY].ladder ---- */

const struct cllm_field CLLM_F_LLM_RUNG_NAME = {"name", STR, "",
    "llama-bench method | llama-bench method, prompt in the context | chat in-process | chat through llama-server",
    NULL, 0, CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_ADDS = {"adds", STR, "", "what this rung does that the one above does not",
    NULL, 0, CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_STATUS = {"status", STR, "", "ok, skipped or failed (reason says why)", NULL,
    0, CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_DECODE_TPS = {"decode_tokens_per_second", NUM, "tokens/s",
    "generated tokens per second (the llama-bench rungs: its tg t/s)", NULL, 0, NUL | CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_PROMPT_TPS = {"prompt_tokens_per_second", NUM, "tokens/s",
    "prompt tokens per second (the first rung: llama-bench's pp t/s at the prompt's length)", NULL, 0,
    NUL | CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_TTFT_S = {"ttft_s", NUM, "s",
    "time to the first token: the chat rungs as measured; the first rung: prompt / pp t/s + 1 / tg t/s", NULL, 0,
    NUL | CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_DECODE_COST = {"decode_cost_percent", NUM, "%",
    "decode rate lost against the nearest measured rung above: (above - this) / above x 100", NULL, 0,
    NUL | CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_TTFT_COST = {"ttft_cost_percent", NUM, "%",
    "time to first token added against the nearest measured rung above: (this - above) / above x 100", NULL, 0,
    NUL | CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_RUNG_RUNS = {"runs", INT, "", "repetitions or runs the numbers are over", NULL, 0,
    CLLM_FF_REQUIRED};
static const struct cllm_field *const rung_fields[] = {&CLLM_F_LLM_RUNG_NAME, &CLLM_F_LLM_RUNG_ADDS,
    &CLLM_F_LLM_RUNG_STATUS, &CLLM_F_REASON, &CLLM_F_LLM_RUNG_DECODE_TPS, &CLLM_F_LLM_RUNG_PROMPT_TPS,
    &CLLM_F_LLM_RUNG_TTFT_S, &CLLM_F_LLM_RUNG_DECODE_COST, &CLLM_F_LLM_RUNG_TTFT_COST, &CLLM_F_LLM_RUNG_RUNS, NULL};
const struct cllm_record CLLM_R_LLM_RUNG = {"llm_ladder_rung", "one rung of the ladder", rung_fields, false};

const struct cllm_field CLLM_F_LLM_LADDER_N_PROMPT = {"n_prompt", INT, "tokens",
    "the chat prompt's tokens: the pp length and the depth of the second rung", NULL, 0, CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_LADDER_N_GEN = {"n_gen", INT, "tokens", "tokens generated per run", NULL, 0,
    CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_LADDER_N_THREADS = {"n_threads", INT, "", "CPU threads of every rung", NULL, 0,
    CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_LADDER_NGL = {"n_gpu_layers", INT, "layers", "layers on the GPU (every rung)",
    NULL, 0, CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_LADDER_BACKEND = {"backend", STR, "", "the ggml backend of the chat engine",
    NULL, 0, CLLM_FF_REQUIRED};
const struct cllm_field CLLM_F_LLM_LADDER_RUNGS = {"rungs", ARR, "",
    "from llama-bench's method down to the chat through llama-server, in that order", &CLLM_R_LLM_RUNG, 0,
    CLLM_FF_REQUIRED};
static const struct cllm_field *const ladder_fields[] = {&CLLM_F_LLM_LADDER_N_PROMPT, &CLLM_F_LLM_LADDER_N_GEN,
    &CLLM_F_LLM_LADDER_N_THREADS, &CLLM_F_LLM_LADDER_NGL, &CLLM_F_LLM_LADDER_BACKEND, &CLLM_F_LLM_LADDER_RUNGS, NULL};
const struct cllm_record CLLM_R_LLM_LADDER = {"llm_ladder",
    "why is the chat slower than llama-bench: the same model, threads and device from llama-bench's method to the "
    "chat through llama-server, each rung's cost", ladder_fields, false};
const struct cllm_field CLLM_F_LLM_LADDER = {"ladder", OBJ, "",
    "the first model's (run --ladder all: every model's) ladder from llama-bench's numbers to the chat's",
    &CLLM_R_LLM_LADDER, 0, 0};

static const struct cllm_field *const model_result_fields[] = {&CLLM_F_LLM_MODEL, &CLLM_F_LLM_FIT, &CLLM_F_CLEANUP,
    &CLLM_F_LLM_LOAD, &CLLM_F_LLM_ENGINE, &CLLM_F_LLM_WARMUP_RUNS, &CLLM_F_LLM_WARMUP_MAX_TOKENS, &CLLM_F_LLM_STALL,
    &CLLM_F_LLM_RUNS, &CLLM_F_MONITOR, &CLLM_F_LLM_SUMMARY, &CLLM_F_LLM_PROMPT_TOKENS, &CLLM_F_LLM_LADDER,
    &CLLM_F_LLM_STATUS, &CLLM_F_ERROR, &CLLM_F_REASON, NULL};
const struct cllm_record CLLM_R_LLM_MODEL_RESULT = {"llm_model_result", "one model's plain LLM phase",
    model_result_fields, false};

/* ---- comparisons ---- */

const struct cllm_field CLLM_F_LLM_V_TEMPERATURE = {"temperature", NUM, "", "the sampling temperature of the runs",
    NULL, 0, 0};
const struct cllm_field CLLM_F_LLM_V_PROMPT = {"prompt", STR, "", "the user message of the runs", NULL, 0, 0};
static const struct cllm_field *const variant_fields[] = {&CLLM_F_LLM_M_KEY, &CLLM_F_LLM_M_NAME,
    &CLLM_F_LLM_M_PARAMS, &CLLM_F_LLM_M_QUANT, &CLLM_F_LLM_M_FILE, &CLLM_F_LLM_M_SOURCE, &CLLM_F_LLM_M_SERVER_URL,
    &CLLM_F_LLM_M_SYNTHETIC, &CLLM_F_LLM_M_NOTICE, &CLLM_F_LLM_M_DOWNLOAD, &CLLM_F_LLM_M_DOWNLOAD_ERROR,
    &CLLM_F_LLM_M_FILE_SIZE_GB, &CLLM_F_LLM_M_LOAD_TIME_S, &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB, &CLLM_F_LLM_FIT,
    &CLLM_F_CLEANUP, &CLLM_F_LLM_LOAD, &CLLM_F_LLM_ENGINE, &CLLM_F_LLM_WARMUP_RUNS, &CLLM_F_LLM_WARMUP_MAX_TOKENS,
    &CLLM_F_LLM_STALL, &CLLM_F_LLM_V_TEMPERATURE, &CLLM_F_LLM_V_PROMPT, &CLLM_F_LLM_RUNS, &CLLM_F_MONITOR,
    &CLLM_F_LLM_SUMMARY, &CLLM_F_LLM_PROMPT_TOKENS, &CLLM_F_LLM_STATUS, &CLLM_F_ERROR, &CLLM_F_REASON, NULL};
const struct cllm_record CLLM_R_LLM_VARIANT = {"llm_variant",
    "one variant of a comparison phase: runs and summary as a model's, with the model's facts inline",
    variant_fields, false};

#define VARIANT(cname, label, meaning) \
    static const struct cllm_field cname = {label, OBJ, "", meaning, &CLLM_R_LLM_VARIANT, 0, 0}
VARIANT(v_q2_k, "Q2_K", "the model at Q2_K");
VARIANT(v_q3_k_m, "Q3_K_M", "the model at Q3_K_M");
VARIANT(v_q4_k_m, "Q4_K_M", "the model at Q4_K_M");
VARIANT(v_q5_k_m, "Q5_K_M", "the model at Q5_K_M");
VARIANT(v_q6_k, "Q6_K", "the model at Q6_K");
VARIANT(v_q8_0, "Q8_0", "the model at Q8_0");
VARIANT(v_low, "low", "temperature 0.25");
VARIANT(v_medium, "medium", "temperature 0.50");
VARIANT(v_high, "high", "temperature 0.75");
VARIANT(v_en, "en", "the question in English");
VARIANT(v_fr, "fr", "the question in French");
VARIANT(v_zh, "zh", "the question in Chinese");
VARIANT(v_es, "es", "the question in Spanish");
VARIANT(v_de, "de", "the question in German");
VARIANT(v_ar, "ar", "the question in Arabic");
VARIANT(v_general, "general", "a general-knowledge question");
VARIANT(v_code, "code", "a Python function to write");
VARIANT(v_reasoning, "reasoning", "a logic puzzle");
VARIANT(v_creative, "creative", "a poem to write");
VARIANT(v_math, "math", "a word problem");

VARIANT(v_gpu0, "gpu0", "detected GPU 0 alone (split none)");
VARIANT(v_gpu1, "gpu1", "detected GPU 1 alone (split none)");
VARIANT(v_gpu2, "gpu2", "detected GPU 2 alone (split none)");
VARIANT(v_gpu3, "gpu3", "detected GPU 3 alone (split none)");
VARIANT(v_gpu4, "gpu4", "detected GPU 4 alone (split none)");
VARIANT(v_gpu5, "gpu5", "detected GPU 5 alone (split none)");
VARIANT(v_gpu6, "gpu6", "detected GPU 6 alone (split none)");
VARIANT(v_gpu7, "gpu7", "detected GPU 7 alone (split none)");
VARIANT(v_gpu8, "gpu8", "detected GPU 8 alone (split none)");
VARIANT(v_gpu9, "gpu9", "detected GPU 9 alone (split none)");
VARIANT(v_gpu10, "gpu10", "detected GPU 10 alone (split none)");
VARIANT(v_gpu11, "gpu11", "detected GPU 11 alone (split none)");
VARIANT(v_gpu12, "gpu12", "detected GPU 12 alone (split none)");
VARIANT(v_gpu13, "gpu13", "detected GPU 13 alone (split none)");
VARIANT(v_gpu14, "gpu14", "detected GPU 14 alone (split none)");
VARIANT(v_gpu15, "gpu15", "detected GPU 15 alone (split none)");
VARIANT(v_split_layer, "layer", "every selected GPU, split_mode layer");
VARIANT(v_split_row, "row", "every selected GPU, split_mode row");
const struct cllm_field *const CLLM_LLM_GPU_VARIANTS[CLLM_LLM_N_GPU_VARIANTS] = {&v_gpu0, &v_gpu1, &v_gpu2, &v_gpu3, &v_gpu4, &v_gpu5, &v_gpu6, &v_gpu7, &v_gpu8, &v_gpu9, &v_gpu10, &v_gpu11, &v_gpu12, &v_gpu13, &v_gpu14, &v_gpu15, &v_split_layer, &v_split_row};
static const struct cllm_field *const gpu_variant_fields[] = {&v_gpu0, &v_gpu1, &v_gpu2, &v_gpu3, &v_gpu4, &v_gpu5, &v_gpu6, &v_gpu7, &v_gpu8, &v_gpu9, &v_gpu10, &v_gpu11, &v_gpu12, &v_gpu13, &v_gpu14, &v_gpu15, &v_split_layer, &v_split_row, NULL};
const struct cllm_field *const CLLM_LLM_QUANT_VARIANTS[CLLM_LLM_N_QUANT_VARIANTS] = {&v_q2_k, &v_q3_k_m, &v_q4_k_m,
    &v_q5_k_m, &v_q6_k, &v_q8_0};
const struct cllm_field *const CLLM_LLM_TEMPERATURE_VARIANTS[CLLM_LLM_N_TEMPERATURE_VARIANTS] = {&v_low, &v_medium,
    &v_high};
const struct cllm_field *const CLLM_LLM_LANGUAGE_VARIANTS[CLLM_LLM_N_LANGUAGE_VARIANTS] = {&v_en, &v_fr, &v_zh, &v_es,
    &v_de, &v_ar};
const struct cllm_field *const CLLM_LLM_PROMPT_TYPE_VARIANTS[CLLM_LLM_N_PROMPT_TYPE_VARIANTS] = {&v_general, &v_code,
    &v_reasoning, &v_creative, &v_math};

static const struct cllm_field *const quant_variant_fields[] = {&v_q2_k, &v_q3_k_m, &v_q4_k_m, &v_q5_k_m, &v_q6_k,
    &v_q8_0, NULL};
static const struct cllm_field *const temperature_variant_fields[] = {&v_low, &v_medium, &v_high, NULL};
static const struct cllm_field *const language_variant_fields[] = {&v_en, &v_fr, &v_zh, &v_es, &v_de, &v_ar, NULL};
static const struct cllm_field *const prompt_type_variant_fields[] = {&v_general, &v_code, &v_reasoning,
    &v_creative, &v_math, NULL};
const struct cllm_record CLLM_R_LLM_CMP_QUANT = {"llm_cmp_quantization",
    "a model's quantizations, each loaded on its own", quant_variant_fields, false};
const struct cllm_record CLLM_R_LLM_CMP_TEMPERATURE = {"llm_cmp_temperature",
    "a model's temperatures (one load)", temperature_variant_fields, false};
const struct cllm_record CLLM_R_LLM_CMP_LANGUAGE = {"llm_cmp_language",
    "one question translated: the tokenizer's cost per language (one load)", language_variant_fields, false};
const struct cllm_record CLLM_R_LLM_CMP_PROMPT_TYPE = {"llm_cmp_prompt_type", "kinds of task (one load)",
    prompt_type_variant_fields, false};

const struct cllm_record CLLM_R_LLM_CMP_GPUS = {"llm_cmp_gpus",
    "a model on each selected GPU alone, then on all of them split by layer and by row (each loaded on its own)",
    gpu_variant_fields, false};
const struct cllm_field CLLM_F_AI_CMP_STATUS = {"status", STR, "",
    "ok; partial (cancelled); failed + error (registry unreadable)", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_CMP_QUANTIZATION = {"quantization", CLLM_FT_MAP, "",
    "phase 6, by model key: Q2_K .. Q8_0", &CLLM_R_LLM_CMP_QUANT, 0, 0};
const struct cllm_field CLLM_F_AI_CMP_TEMPERATURE = {"temperature", CLLM_FT_MAP, "",
    "phase 8, by model key: low, medium, high", &CLLM_R_LLM_CMP_TEMPERATURE, 0, 0};
const struct cllm_field CLLM_F_AI_CMP_LANGUAGE = {"language", CLLM_FT_MAP, "",
    "phase 9, by model key: en, fr, zh, es, de, ar", &CLLM_R_LLM_CMP_LANGUAGE, 0, 0};
const struct cllm_field CLLM_F_AI_CMP_PROMPT_TYPE = {"prompt_type", CLLM_FT_MAP, "",
    "phase 10, by model key: general, code, reasoning, creative, math", &CLLM_R_LLM_CMP_PROMPT_TYPE, 0, 0};
const struct cllm_field CLLM_F_AI_CMP_GPUS = {"gpus", CLLM_FT_MAP, "",
    "multi-GPU phase (two or more GPUs selected), by model key: gpu<i> each alone, layer, row",
    &CLLM_R_LLM_CMP_GPUS, 0, 0};
static const struct cllm_field *const comparisons_fields[] = {&CLLM_F_AI_CMP_QUANTIZATION, &CLLM_F_AI_CMP_TEMPERATURE,
    &CLLM_F_AI_CMP_LANGUAGE, &CLLM_F_AI_CMP_PROMPT_TYPE, &CLLM_F_AI_CMP_GPUS, &CLLM_F_AI_CMP_STATUS, &CLLM_F_ERROR,
    NULL};
const struct cllm_record CLLM_R_AI_COMPARISONS = {"ai_comparisons",
    "the comparison phases (run --compare), after the plain one on the same models", comparisons_fields, false};

/* ---- ai_benchmarks ---- */

const struct cllm_field CLLM_F_AI_STATUS = {"status", STR, "",
    "ok; partial (cancelled); failed (no model could run, or + error); skipped + reason (--skip-ai)", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_REGISTRY = {"registry", STR, "", "the model registry files merged", NULL, 0, 0};
const struct cllm_field CLLM_F_AI_LLAMA = {"llama", OBJ, "", "the libllama loaded", &CLLM_R_AI_LLAMA, 0, 0};
const struct cllm_field CLLM_F_AI_RESULTS = {"results", CLLM_FT_MAP, "", "by model key: the plain LLM phase",
    &CLLM_R_LLM_MODEL_RESULT, 0, 0};
const struct cllm_field CLLM_F_AI_COMPARISONS = {"comparisons", OBJ, "", "the comparison phases, when asked for",
    &CLLM_R_AI_COMPARISONS, 0, 0};
const struct cllm_field CLLM_F_AI_SWEEP = {"sweep", OBJ, "", "computellm sweep's test matrix (llama-bench's method)",
    &CLLM_R_SWEEP, 0, 0};
static const struct cllm_field *const ai_fields[] = {&CLLM_F_AI_RESULTS, &CLLM_F_AI_REGISTRY, &CLLM_F_AI_LLAMA,
    &CLLM_F_AI_STATUS, &CLLM_F_REASON, &CLLM_F_ERROR, &CLLM_F_AI_COMPARISONS, &CLLM_F_AI_SWEEP, NULL};
const struct cllm_record CLLM_R_AI_BENCHMARKS = {"ai_benchmarks", "the LLM inference phases", ai_fields, false};
