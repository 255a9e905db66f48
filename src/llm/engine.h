/* The engine seam: one table of function pointers per way of running a model (in-process llama.cpp here, the
 * llama-server HTTP engine later). Every engine fills the same trace (llm/metrics.h) token by token, so no
 * metric is computed twice. */
#ifndef CLLM_LLM_ENGINE_H
#define CLLM_LLM_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "llm/metrics.h"
#include "llm/rpc.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_gpu_info;
struct cllm_gpu_selection;

#define CLLM_ENGINE_MAX_DEVICES 16

/* How a model is spread over several GPUs (llama_model_params.split_mode's values). */
enum cllm_split_mode {
    CLLM_SPLIT_DEFAULT = -1,   /* layer when there are several GPUs, none with one */
    CLLM_SPLIT_NONE = 0,       /* the whole model on main_gpu */
    CLLM_SPLIT_LAYER = 1,      /* layers and KV cache divided between the GPUs (pipeline) */
    CLLM_SPLIT_ROW = 2,        /* also each weight matrix's rows (tensor parallel where the backend does it) */
};

/* "none", "layer", "row" ("default" for CLLM_SPLIT_DEFAULT). */
const char *cllm_split_mode_name(int mode);

/* How the shares of tensor_split are chosen. */
enum cllm_tensor_split_by {
    CLLM_TENSOR_SPLIT_FREE = 0,   /* by each device's free memory at load (llama.cpp's own default) */
    CLLM_TENSOR_SPLIT_EVEN = 1,   /* the same share each */
};

/* Where the in-process engine picks each generated token, with llama.cpp's backend sampling
 * (llama_set_sampler: samplers inside the decode graph, on the device that computes the logits) or on the host.
 * The chain is the benchmark's: repetition penalty, top-k, top-p, temperature, seeded draw. What ran is recorded
 * per run (trace.sampling), with the reason when it is not what was asked. */
enum cllm_sampling_mode {
    CLLM_SAMPLING_AUTO = 0,        /* device-top-k when the model's output layer is on a GPU, host otherwise */
    CLLM_SAMPLING_DEVICE = 1,      /* the whole chain in the graph; one token id read back */
    CLLM_SAMPLING_DEVICE_TOP_K = 2,/* only the top-(k + penalty window) in the graph, those logits and ids read back
                                      and the rest of the chain on the host over them: the same tokens as the
                                      whole chain (the penalty only lowers window tokens), far fewer GPU kernels */
    CLLM_SAMPLING_HOST = 3,        /* all logits read back, the chain on the host */
};

/* What a run did: the values of trace.sampling. */
enum cllm_sampled {
    CLLM_SAMPLED_HOST = 0,
    CLLM_SAMPLED_DEVICE = 1,
    CLLM_SAMPLED_DEVICE_TOP_K = 2,
};

/* "auto", "device", "device-top-k", "host". */
const char *cllm_sampling_mode_name(int mode);
/* The mode of a name; false for anything else. */
bool cllm_sampling_mode_parse(const char *name, int *mode);
/* "host", "device", "device_top_k": the recorded value of an enum cllm_sampled. */
const char *cllm_sampled_name(int sampled);
/* The in-process engine's choice for one run (enum cllm_sampled). output_on_gpu: the model's output layer is
 * offloaded; has_backend: libllama exports backend sampling (llama_set_sampler, llama_get_sampled_token_ith);
 * has_candidates: also llama_get_sampled_{logits,candidates}_ith; repeat_penalty of the run. When the mode asked
 * for is not what is chosen, note says why ("" otherwise). */
int cllm_sampling_choose(int mode, bool output_on_gpu, bool has_backend, bool has_candidates, double repeat_penalty,
                         char *note, size_t n);

/* A device of the in-process engine's library (ggml's list). */
struct cllm_engine_device {
    char        name[64];            /* ggml device name: "CPU", "CUDA0", "Vulkan0" */
    char        description[160];
    char        backend[32];         /* ggml backend: "CPU", "CUDA", "Vulkan", ... */
    const char *type;                /* "cpu", "gpu", "igpu", "accel", "unknown" (static strings) */
    double      memory_total_gb;     /* GiB; NAN when the backend does not say (then free is not written either) */
    double      memory_free_gb;
    char        device_id[64];       /* ggml's PCI bus id of the device; "" not reported */
};

/* One device's share of a model split over devices (--rpc), as llama.cpp's load log says it. */
struct cllm_engine_share {
    char   device[64];           /* ggml device name: "CPU", "RPC0", "CUDA0" */
    char   endpoint[272];        /* an RPC device's server "host:port"; "" for a device of this machine */
    int    layers;               /* repeating layers assigned to it; -1 unknown */
    double model_mib;            /* its model (weights) buffers; NAN unknown */
    double kv_mib;               /* its KV cache buffers; NAN unknown */
    double compute_mib;          /* its compute buffers; NAN unknown */
};

/* The in-process engine's RPC account: the servers --rpc attached and where the model went. */
struct cllm_engine_rpc {
    bool   used;                 /* --rpc was given (everything below is filled only then) */
    struct cllm_rpc_attach attach;
    int    offloaded;            /* llama.cpp's "offloaded N/M layers": N; -1 when it did not say */
    int    offloadable;          /* M */
    int    n_shares;
    struct cllm_engine_share shares[CLLM_ENGINE_MAX_DEVICES + 1];
};

/* What an engine knows of its last run beyond the trace (the server engine). */
struct cllm_engine_run_info {
    char   token_count_source[16];         /* "usage" | "timings" | "chunks" */
    int    content_chunks;                 /* content deltas received */
    char   finish_reason[32];              /* "" when none came */
    bool   has_timings;                    /* llama-server's own timings came */
    int    timings_prompt_n;
    int    timings_predicted_n;
    double timings_predicted_per_second;   /* tokens/s; NAN when not sent */
    double timings_prompt_per_second;      /* tokens/s; NAN when not sent */
};

enum cllm_engine_kind {
    CLLM_ENGINE_KIND_NONE,         /* the engine says nothing (an unavailable one) */
    CLLM_ENGINE_KIND_IN_PROCESS,   /* llama.cpp in this process */
    CLLM_ENGINE_KIND_SERVER,       /* an OpenAI-compatible server */
};

/* An engine's identity and capabilities, as the engine fills it (report/write_llm.c writes it as "engine"). */
struct cllm_engine_info {
    enum cllm_engine_kind kind;
    char   library[1024];          /* in-process: the libllama file; server: "llama-server" | "openai-compatible" */
    /* in-process */
    char   engine[32];             /* "llama.cpp" */
    char   llama_version[32];
    char   ggml_version[32];
    char   ggml_commit[32];
    char   variant[16];            /* "cpu", "vulkan", "cuda" or "" */
    char   backend[32];            /* the chosen backend: "CPU", "CUDA", "ROCm", "SYCL", "Metal", "Vulkan" */
    int    n_gpu_layers;
    bool   op_offload;             /* offloaded to GPU devices */
    int    n_threads;
    int    n_ctx;                  /* tokens */
    int    n_batch;                /* prompt tokens per decode call */
    char   flash_attn[16];         /* "auto" */
    char   notice[512];            /* a detected GPU this library cannot use; "" none */
    int    n_devices_used;
    struct cllm_engine_device devices_used[CLLM_ENGINE_MAX_DEVICES];
    int    n_devices_available;
    struct cllm_engine_device devices_available[CLLM_ENGINE_MAX_DEVICES];
    /* the GPUs offloaded to (cllm_backend_gpu_plan); n_gpus 0: no GPU (then nothing below is written) */
    int    n_gpus;
    int    gpus[CLLM_ENGINE_MAX_DEVICES];         /* detected GPU index of each device used; -1 not matched */
    char   gpu_mapped_by[16];      /* "pci_bus_id" | "order" | "all" (no selection: every device of the backend) */
    char   split_mode[8];          /* "none", "layer", "row" */
    int    main_gpu;               /* index into devices_used */
    float  tensor_split[CLLM_ENGINE_MAX_DEVICES];  /* share of each device used (sums to 1) */
    char   tensor_split_by[8];     /* "free" | "even" */
    char   gpu_env[3][300];        /* CUDA_VISIBLE_DEVICES=..., HIP_VISIBLE_DEVICES=..., ZE_AFFINITY_MASK=...; ""
                                      when unset */
    char   model_path[1024];       /* the model as llama.cpp sees it */
    char   model_description[128];
    int64_t model_n_params;
    int64_t model_size_bytes;
    int    model_n_layers;
    int    model_n_vocab;
    char   chat_template[160];     /* which template formats the prompt */
    char   system_info[2048];      /* llama_print_system_info() */
    struct cllm_engine_rpc rpc;    /* in-process with --rpc */
    bool   cap_token_stream, cap_engine_counters, cap_ignore_eos, cap_gpu_offload;
    /* server */
    char   mode[16];               /* "auto" (started by the engine) | "manual" */
    char   url[512];
    char   model_name[256];        /* "model" sent in requests */
    int    stall_s;                /* the limits requests run under */
    double deadline_base_s;
    double deadline_per_token_s;
    bool   has_server_pid;         /* auto mode, or a llama-server found listening on a loopback URL's port */
    long   server_pid;             /* that llama-server process */
    bool   has_last_run;
    struct cllm_engine_run_info last_run;
};

/* Called with each generated token's text (len may be 0: a control token renders as nothing; a piece may end
 * inside a UTF-8 sequence) and its arrival time (cllm_now_ns). Return false to stop the run. */
typedef bool (*cllm_token_fn)(const char *piece, size_t len, uint64_t t_ns, void *user_data);

struct cllm_engine_open_params {
    const char *model_path;        /* GGUF file (first part of a split model) */
    int         n_ctx;             /* context in tokens (2048) */
    int         n_gpu_layers;      /* -1: every layer on the GPU when the library has a usable one; 0: CPU only */
    int         n_threads;         /* CPU threads; <= 0: physical cores */
    int         n_batch;           /* prompt tokens per llama_decode call (512) */
    uint32_t    seed;              /* default sampling seed (42) */
    const char *lib;               /* libllama file or folder; NULL: cllm_llama_load's default search */
    const char *device;            /* NULL or "auto": best GPU backend, else CPU; "cpu": CPU only */
    const struct cllm_gpu_info *gpus;  /* detected GPUs, to say when none of them has a backend; may be NULL */
    const struct cllm_gpu_selection *gpu_sel;  /* the detected GPUs to use (gpu/select.h); NULL or n 0: every
                                                  device of the chosen backend */
    int         split_mode;        /* enum cllm_split_mode; CLLM_SPLIT_DEFAULT by default */
    int         tensor_split_by;   /* enum cllm_tensor_split_by; FREE by default */
    int         sampling;          /* enum cllm_sampling_mode; AUTO by default */
    const char *rpc;               /* NULL, or "HOST:PORT,..." rpc-servers whose devices join the chosen ones */
    const char *rpc_lib;           /* libggml-rpc.so; NULL: cllm_llama_rpc_load's default search */
    /* server engine (engine_server.c); all NULL/0 by default */
    const char *server_url;        /* manual mode: "http://HOST:PORT" of an OpenAI-compatible server */
    const char *server_model;      /* "model" sent in requests; NULL: the model file's name (or "default") */
    const char *api_key;           /* sent as "Authorization: Bearer KEY"; NULL: none */
    const char *llama_server;      /* auto mode: path of a llama-server binary started on model_path */
    int         server_stall_s;    /* a stream without tokens this long fails the run (keep-alive comments and
                                      empty events do not count); 0: 60 */
    double      server_deadline_base_s;       /* each request's overall deadline is this plus max_tokens ×
                                                 server_deadline_per_token_s; <= 0: 120 */
    double      server_deadline_per_token_s;  /* <= 0: 2 */
    int         server_ready_s;    /* auto mode: seconds to wait for GET /health; 0: 300 */
    const volatile sig_atomic_t *cancel;  /* non-zero: stop waiting (auto mode's load); may be NULL */
};

struct cllm_engine_open_params cllm_engine_default_open_params(void);

struct cllm_gen_params {
    const char   *system_prompt;   /* may be NULL or "" (then only the user message) */
    const char   *prompt;          /* the user message */
    int           max_tokens;      /* tokens to generate at most */
    double        temperature;     /* 0: greedy */
    int           top_k;           /* 0: off; 40 is llama.cpp's and llama-cpp-python's default */
    double        top_p;
    double        repeat_penalty;  /* 1: off */
    int           repeat_last_n;   /* tokens the penalty looks back over (64) */
    uint32_t      seed;
    bool          ignore_eos;      /* keep generating through end-of-generation tokens: exactly max_tokens */
    cllm_token_fn on_token;        /* may be NULL */
    void         *user_data;
    /* non-zero: stop the run at once, also while no token comes (the server engine aborts its transfer);
     * CLLM_ERR_CANCELLED. May be NULL */
    const volatile sig_atomic_t *cancel;
};

/* The benchmark's defaults: 256 tokens, temperature 0.7, top_k 40, top_p 0.9, repeat_penalty 1.1 over 64,
 * seed 42. */
struct cllm_gen_params cllm_gen_default_params(void);

/* An engine. `impl` is the engine's own state. */
struct cllm_engine_ops {
    const char *name;              /* "llama.cpp" (in-process), "llama-server" */
    /* Loads the model; on failure a one-line reason in err (CLLM_ERR_LIBRARY: no usable libllama,
     * CLLM_ERR_NOT_FOUND / CLLM_ERR_PARSE: the model file). */
    enum cllm_status (*open)(const struct cllm_engine_open_params *p, void **impl, char *err, size_t errlen);
    /* One run from an empty context: fills trace (reset first) and streams tokens to g->on_token.
     * CLLM_ERR_CANCELLED when on_token asked to stop or g->cancel was set; CLLM_ERR_TIMEOUT when the run stalled
     * or passed its deadline (the next runs of that model would most likely do the same). */
    enum cllm_status (*generate)(void *impl, const struct cllm_gen_params *g, struct cllm_llm_trace *trace,
                                 char *err, size_t errlen);
    /* Identity and capabilities into *out (zeroed by the caller): library, versions, backend, devices, model. */
    void (*info)(const void *impl, struct cllm_engine_info *out);
    void (*close)(void *impl);
    /* The process whose memory holds the model: 0 this one (also when NULL), > 0 another process on this machine
     * (auto mode's llama-server, or a llama-server found listening on a loopback URL's port), -1 out of reach. */
    long (*model_pid)(const void *impl);
    /* What the engine knows of its last run beyond the trace, written into that run's results (the server
     * engine: token count source, chunks, llama-server's own timings); NULL op or false: nothing. */
    bool (*run_info)(const void *impl, struct cllm_engine_run_info *out);
};

/* In-process llama.cpp through the runtime-loaded libllama (engine_llama.c). */
extern const struct cllm_engine_ops cllm_engine_llama;
/* An OpenAI-compatible server over HTTP, or a llama-server it starts itself (engine_server.c). */
extern const struct cllm_engine_ops cllm_engine_server;

struct cllm_engine;

enum cllm_status cllm_engine_open(const struct cllm_engine_ops *ops, const struct cllm_engine_open_params *p,
                                  struct cllm_engine **out, char *err, size_t errlen);
enum cllm_status cllm_engine_generate(struct cllm_engine *e, const struct cllm_gen_params *g,
                                      struct cllm_llm_trace *trace, char *err, size_t errlen);
/* The engine's identity into *out (all zero, kind NONE, when the engine says nothing). */
void cllm_engine_info(const struct cllm_engine *e, struct cllm_engine_info *out);
const char *cllm_engine_name(const struct cllm_engine *e);
/* Seconds open() took (model load + context), measured here for every engine alike. */
double cllm_engine_load_time_s(const struct cllm_engine *e);
void cllm_engine_close(struct cllm_engine *e);
/* The engine's run_info for its last run into *out; false when it has none. */
bool cllm_engine_run_info(const struct cllm_engine *e, struct cllm_engine_run_info *out);
/* The model_pid of the engine (0 when the engine does not say). */
long cllm_engine_model_pid(const struct cllm_engine *e);
/* Resident set of that process in GiB; peak: its high-water mark since the last cllm_engine_reset_rss_peak (or
 * since it started). NAN when out of reach (with why, when not NULL, saying so). */
double cllm_engine_model_rss_gb(const struct cllm_engine *e, bool peak, char *why, size_t whylen);
/* Starts a new high-water mark for a child's peak (Linux: /proc/PID/clear_refs); false when it cannot. */
bool cllm_engine_reset_rss_peak(const struct cllm_engine *e);

/* ---- backend choice (the original's priority) ---- */

/* Devices as a library lists them (llm/llama_api.h fills these from ggml); kept plain for tests. */
struct cllm_backend_device {
    char backend[32];     /* ggml backend name: "CPU", "CUDA", "ROCm", "SYCL", "Metal", "Vulkan", ... */
    int  type;            /* enum cllm_ggml_dev_type: 0 CPU, 1 GPU, 2 integrated GPU, 3 accelerator */
};

struct cllm_backend_choice {
    char backend[32];     /* chosen backend: "CUDA", "ROCm", "SYCL", "Metal", "Vulkan" or "CPU" */
    int  n_devices;       /* GPU devices to offload to (all of the chosen backend's); 0 for CPU */
    int  devices[16];     /* their indices in the device list */
    int  n_gpu_layers;    /* what to pass to the model: requested layers on a GPU, 0 on CPU */
    char notice[512];     /* one sentence when a detected GPU cannot be used by this library, else "" */
};

/* Picks CUDA → ROCm → SYCL → Metal → Vulkan → CPU among the library's GPU devices. want_gpu false (or
 * n_gpu_layers 0) forces CPU. gpus (detected hardware, may be NULL) and variant ("cpu", "vulkan", "cuda" or "")
 * only shape the notice. */
void cllm_backend_choose(const struct cllm_backend_device *devs, int n, bool want_gpu, int n_gpu_layers,
                         const struct cllm_gpu_info *gpus, const char *variant, struct cllm_backend_choice *out);

/* A vendor of detected GPUs that the library cannot drive: none of its backends (NVIDIA: CUDA or Vulkan; AMD: ROCm
 * or Vulkan; Intel: SYCL or Vulkan; Apple: Metal; others: Vulkan) has a GPU device in the library's list. */
struct cllm_backend_gap {
    int  gpu;             /* the first such GPU: an index into gpus->devices */
    int  n_gpus;          /* GPUs of that vendor */
    char message[1600];   /* "<GPU> detected but ...: run scripts/setup --llama-variant ..." (what to install) */
};

/* One gap per vendor of gpus whose backends devs (the library's device list) lacks, at most max; returns how many.
 * variant ("cpu", "vulkan", "cuda" or "") says which pinned build the library is, to tell "this build lacks the
 * backend" from "the backend is there but found no device". */
int cllm_backend_gaps(const struct cllm_backend_device *devs, int n, const struct cllm_gpu_info *gpus,
                      const char *variant, struct cllm_backend_gap *out, int max);

/* The same for a library on disk: loads libllama (lib: a file or folder; NULL: where cllm_llama_load looks), lists
 * its devices and fills out. Returns the number of gaps, or -1 with err set when no library loads; *lib_out (may
 * be NULL) gets the library's path. */
int cllm_backend_check_library(const char *lib, const struct cllm_gpu_info *gpus, struct cllm_backend_gap *out,
                               int max, char *lib_out, size_t lib_outlen, char *err, size_t errlen);

/* ---- the GPUs of a model (after the backend choice; separate from it) ---- */

/* What the plan needs of each device beyond struct cllm_backend_device (same indices). */
struct cllm_backend_gpu_dev {
    char   name[64];         /* ggml device name "CUDA0" (messages) */
    char   device_id[64];    /* ggml_backend_dev_props.device_id: PCI bus id "0000:01:00.0"; "" not reported */
    double memory_free_gb;   /* GiB; 0 or NAN unknown */
};

struct cllm_backend_gpu_plan {
    int   n;                              /* devices to offload to (0: CPU) */
    int   devices[CLLM_ENGINE_MAX_DEVICES];  /* their indices in the device list, in the selection's order */
    int   gpus[CLLM_ENGINE_MAX_DEVICES];     /* the detected GPU each one is; -1 not matched (no selection) */
    char  mapped_by[16];                  /* "pci_bus_id" (ggml's device_id = detection's bus id), "order" (the
                                             runtime's device number), "all" (no selection given) */
    int   split_mode;                     /* CLLM_SPLIT_NONE with one device, else as asked (default layer) */
    int   main_gpu;                       /* index into devices: 0 */
    float tensor_split[CLLM_ENGINE_MAX_DEVICES];   /* share per device, sum 1 (one device: 1) */
    char  tensor_split_by[8];             /* "free" | "even" (free asked but unknown for a device: even) */
};

/* Maps the selected detected GPUs (sel; NULL or n 0: every device of the choice) to the chosen backend's ggml
 * devices (choice, from cllm_backend_choose): by PCI bus id when the backend reports device ids, else by the
 * runtime's device number (sel->runtime_index: the k-th device CUDA / HIP / Level Zero shows after the
 * visibility variables; Vulkan and Metal: the position among detected GPUs). Then the split: one device → none;
 * several → split_mode (DEFAULT: layer) with tensor_split by free memory or even. CLLM_ERR_INVALID_ARG with err
 * naming the GPU and the backend's devices when a selected GPU has no device in this library. */
enum cllm_status cllm_backend_gpu_plan(const struct cllm_backend_gpu_dev *devs, int n,
                                       const struct cllm_backend_choice *choice, const struct cllm_gpu_info *gpus,
                                       const struct cllm_gpu_selection *sel, int split_mode, int tensor_split_by,
                                       struct cllm_backend_gpu_plan *out, char *err, size_t errlen);
/* Appends the choice's devices from index `from` on (the RPC devices cllm_backend_add_rpc added after the plan was
 * made of the local GPUs) to a plan, not matched to any detected GPU (gpus -1), and splits again over all of them
 * (split_mode and tensor_split_by as for cllm_backend_gpu_plan). */
void cllm_backend_plan_append(const struct cllm_backend_gpu_dev *devs, const struct cllm_backend_choice *choice,
                              int from, int split_mode, int tensor_split_by, struct cllm_backend_gpu_plan *out);

/* --rpc: appends every device of backend "RPC" (devs, n as for cllm_backend_choose) to a choice, after its local
 * GPUs (llama.cpp splits the layers over them in that order; the CPU keeps the rest and the input layer). A CPU
 * choice becomes "RPC" with n_gpu_layers layers offloaded, a GPU one "<backend>+RPC". CLLM_ERR_INVALID_ARG when
 * n_gpu_layers is 0 (nothing would go to the servers), CLLM_ERR_NOT_FOUND when no RPC device is listed, and when
 * the devices would pass the choice's 16. */
enum cllm_status cllm_backend_add_rpc(const struct cllm_backend_device *devs, int n, int n_gpu_layers,
                                      struct cllm_backend_choice *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
