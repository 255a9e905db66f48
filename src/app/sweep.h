/* `computellm sweep`: llama-bench's test matrix (its option names and meaning) run with llm/bench.h's method.
 *
 * Every option takes a comma list, and the integer ones also ranges: "first-last" (step 1), "first-last+step",
 * "first-last*mult" (llama-bench's parse_int_range). Tests are expanded in llama-bench's order (model-level knobs
 * outermost so a model is loaded once per setting; per depth: the pp tests, then tg, then pg) and run one after the
 * other: a warmup (unless --no-warmup), then -r repetitions from a fresh KV state each (the depth filled once and
 * restored for later repetitions). A test whose model cannot be loaded with its -ngl is a row "skipped" with the
 * reason; the sweep goes on. */
#ifndef CLLM_APP_SWEEP_H
#define CLLM_APP_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/status.h"
#include "llm/bench.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_hw_info;
struct cllm_gpu_selection;
struct cllm_monitor;
struct cllm_monitor_window;

#define CLLM_SWEEP_MAX_LIST   64   /* values of one option */
#define CLLM_SWEEP_MAX_MODELS 16
#define CLLM_SWEEP_MAX_TESTS  4096

struct cllm_sweep_list {
    int n;
    int v[CLLM_SWEEP_MAX_LIST];
};

enum cllm_sweep_format {
    CLLM_SWEEP_MD, CLLM_SWEEP_CSV, CLLM_SWEEP_JSON, CLLM_SWEEP_JSONL, CLLM_SWEEP_SQL, CLLM_SWEEP_NONE
};

struct cllm_sweep_params {
    int         n_models;
    const char *models[CLLM_SWEEP_MAX_MODELS];   /* -m: registry keys or GGUF paths (argv strings) */
    struct cllm_sweep_list n_prompt, n_gen, n_depth, n_batch, n_ubatch, n_threads, type_k, type_v, n_gpu_layers,
        split_mode, main_gpu, no_kv_offload, no_op_offload, flash_attn, use_mmap, poll;
    int   n_pg;                                  /* -pg P,N (several -pg allowed) */
    int   pg[CLLM_SWEEP_MAX_LIST][2];
    int   n_ts;                                  /* -ts: each a "/"- or ";"-separated proportion list */
    float ts[8][CLLM_BENCH_MAX_SPLIT];
    int   ts_len[8];
    int   repetitions;                           /* -r (5); the most with --until-stable */
    double until_stable_cv;                      /* --until-stable CV (e.g. 0.02); NAN: off */
    double delay_s;                              /* --delay S: cool-down before each test */
    bool  warmup;                                /* false: --no-warmup */
    bool  progress;                              /* --progress: a line per step on stderr */
    enum cllm_sweep_format format;               /* -o (md) */
    const char *output_dir;                      /* --output DIR: also a results file there; NULL none */
    const char *quant;                           /* --quant for registry keys; NULL their default */
    const char *models_dir;                      /* --models-dir (models) */
    const char *models_file;                     /* --models-file */
    const char *llama_lib;                       /* --llama-lib */
    const char *gpus;                            /* --gpus LIST: detected GPU indices the models load on (mapped to
                                                    ggml devices as run's are); NULL: every device of the backend */
    const char *rpc;                             /* --rpc HOST:PORT,...: rpc-servers' devices join the model's */
    bool  allow_download, allow_synthetic;       /* --no-download, --no-synthetic */
    bool  monitor;                               /* --no-monitor: no clocks/throttle/noise readings */
    double monitor_interval_s;                   /* --monitor-interval S (0.5) */
};

/* llama-bench's defaults; the thread list empty (= the physical cores, filled at run time). */
struct cllm_sweep_params cllm_sweep_default_params(void);

/* Gives every knob list still empty llama-bench's default (-p 512, -n 128, -d 0, -b 2048, -ub 512, f16 KV, -ngl
 * all, -sm layer, -fa auto, mmap, --poll 50, ...); the thread list stays as it is (empty: the physical cores). */
void cllm_sweep_fill_defaults(struct cllm_sweep_params *p);

/* Parses `computellm sweep`'s arguments (argv[0] is the first option). CLLM_ERR_INVALID_ARG with a message naming
 * the option, the value and what it takes; *help set (and CLLM_OK) for -h/--help. argv strings are kept, not
 * copied. */
enum cllm_status cllm_sweep_parse(int argc, char **argv, struct cllm_sweep_params *p, bool *help, char *err,
                                  size_t errlen);

/* Parses an integer list/range ("512", "1,2,4", "1-8*2", "128-512+128") appending to l; negative values only when
 * allow_negative (a leading '-' on a first value). CLLM_ERR_INVALID_ARG naming what is wrong. */
enum cllm_status cllm_sweep_parse_ints(const char *s, bool allow_negative, struct cllm_sweep_list *l, char *err,
                                       size_t errlen);

/* The help text (llama-bench's options and ours). */
void cllm_sweep_usage(char *out, size_t n);

enum cllm_sweep_event {
    CLLM_SWEEP_EV_MODEL,     /* text: the model file being resolved/loaded */
    CLLM_SWEEP_EV_NOTICE,    /* text: something the user must know (synthetic, skipped) */
    CLLM_SWEEP_EV_STEP,      /* text: "benchmark 3/12: prompt run 2/5" (--progress) */
    CLLM_SWEEP_EV_TEST_DONE, /* test: the finished row */
};

typedef void (*cllm_sweep_event_fn)(enum cllm_sweep_event ev, const char *text, const struct cllm_bench_test *test,
                                    void *user_data);

/* Where the readings of a repetition come from: window summarises [t0, t1] (the ops' clock, cllm_now_ns for the
 * real engine) as monitor/monitor.h's cllm_monitor_window does; NULL: no readings (nothing marked throttled,
 * noise unknown). The runner marks throttled repetitions with cllm_monitor_mark_throttled. */
struct cllm_sweep_monitor {
    enum cllm_status (*window)(void *user_data, uint64_t t0_ns, uint64_t t1_ns, struct cllm_monitor_window *out);
    void *user_data;
    /* the energy of a span (monitor.h's cllm_monitor_energy); NULL: none (the tests' rows say so) */
    enum cllm_status (*energy)(void *user_data, uint64_t t0_ns, uint64_t t1_ns, uint32_t gpu_mask,
                               struct cllm_energy_window *out);
};

/* The readings of a running monitor (user_data: the struct cllm_monitor *). */
struct cllm_sweep_monitor cllm_sweep_monitor_of(struct cllm_monitor *m);

struct cllm_sweep_run_params {
    const struct cllm_sweep_params *p;
    const struct cllm_bench_ops *ops;            /* NULL: cllm_bench_llama */
    const struct cllm_hw_info *hw;               /* for the physical-core default and the model RAM pre-check;
                                                    may be NULL */
    const struct cllm_gpu_selection *gpu_sel;    /* --gpus checked against hw (gpu/select.h); NULL: none given */
    struct cllm_sweep_monitor monitor;
    const volatile sig_atomic_t *cancel;
    cllm_sweep_event_fn on_event;
    void *user_data;
};

/* Expands and runs the matrix into *out (free with cllm_bench_sweep_free). CLLM_OK when every test ran or was
 * skipped with a reason; CLLM_ERR_CANCELLED when stopped (the rows so far kept, the current one "cancelled");
 * CLLM_ERR_INVALID_ARG for a matrix of more than CLLM_SWEEP_MAX_TESTS tests or a model that cannot be had. */
enum cllm_status cllm_sweep_run(const struct cllm_sweep_run_params *rp, struct cllm_bench_sweep *out, char *err,
                                size_t errlen);

/* A results file of the sweep in dir (created; never over another file): hardware (hw), the classic phases
 * "skipped", ai_benchmarks.sweep, run.status complete / partial (cancelled or a test failed) / failed. CLLM_ERR_IO
 * with path_out set when it went to a fallback folder (err says why). */
enum cllm_status cllm_sweep_save(const struct cllm_hw_info *hw, const struct cllm_bench_sweep *s, time_t started,
                                 bool cancelled, const char *dir, char *path_out, size_t path_n, char *err,
                                 size_t errlen);

/* The number of tests p expands to (per model). */
long cllm_sweep_count(const struct cllm_sweep_params *p);

#ifdef __cplusplus
}
#endif

#endif
