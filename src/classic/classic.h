/* The classic phases in order — cpu_single_thread, cpu_multi_thread, memory_bandwidth, gpu_compute — each preceded
 * by the system cleanup and watched by the resource monitor. Fills a struct cllm_classic_result: each phase's own
 * result plus its cleanup, monitor and duration; report/write_classic.c writes it as
 * classic_benchmarks.benchmarks.<phase>. The library prints nothing: progress goes through the callback. */
#ifndef CLLM_CLASSIC_H
#define CLLM_CLASSIC_H

#include <signal.h>
#include <stdbool.h>

#include "classic/classic_status.h"
#include "classic/cpu_gemm.h"
#include "classic/gpu_gemm.h"
#include "classic/membw.h"
#include "gpu/gpu.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_config;
struct cllm_gpu_selection;
struct cllm_hw_info;
struct cllm_sample;

enum cllm_phase_event { CLLM_PHASE_START, CLLM_PHASE_DONE };

enum cllm_classic_phase_id {
    CLLM_CLASSIC_CPU_SINGLE = 0, CLLM_CLASSIC_CPU_MULTI, CLLM_CLASSIC_MEMORY, CLLM_CLASSIC_GPU,
    CLLM_CLASSIC_PHASE_COUNT
};

/* What the runner adds to each phase it ran. */
struct cllm_classic_phase {
    bool   ran;                 /* started (the fields below are set) */
    bool   has_cleanup;         /* the system cleanup ran before it */
    struct cllm_cleanup_result cleanup;
    bool   monitor_asked;       /* a monitor was wanted */
    bool   has_monitor;         /* it ran: `monitor` holds its report (free with cllm_classic_result_free); false
                                   with monitor_asked: it did not start (monitor_error says why) */
    struct cllm_monitor_report monitor;
    char   monitor_error[CLLM_ERR_LEN];
    bool   finished;            /* the phase returned (duration_s and its status are set) */
    double duration_s;          /* cleanup + phase, s */
};

struct cllm_classic_result {
    enum cllm_classic_status status;   /* OK (every phase ran, even if one was skipped), PARTIAL (cancelled),
                                          FAILED (a phase failed); NONE: not run */
    struct cllm_classic_phase phase[CLLM_CLASSIC_PHASE_COUNT];
    struct cllm_cpugemm_result cpu_single, cpu_multi;
    struct cllm_membw_result    memory;
    struct cllm_gpugemm_result  gpu;        /* the first selected GPU (the only one without a selection) */
    /* two or more selected GPUs: each one's own GPU compute phase (per_gpu[0] is `gpu`) and the copies between them */
    int    n_per_gpu;
    int    per_gpu_index[CLLM_GPU_MAX];   /* detected GPU of each (hardware.gpu.devices index) */
    struct cllm_gpugemm_result *per_gpu_more;   /* [n_per_gpu - 1]: the second selected GPU onwards (malloc'd) */
    struct cllm_gpugemm_peers  *peers;          /* NULL: not run (malloc'd) */
};

/* Called at the start and end of each phase (index: enum cllm_classic_phase_id); r holds what is done so far
 * (phase `index`'s own result at DONE). */
typedef void (*cllm_classic_progress_fn)(enum cllm_phase_event ev, int index, int count,
                                         const struct cllm_classic_result *r, void *user_data);

struct cllm_classic_params {
    const struct cllm_config  *cfg;
    const struct cllm_hw_info *hw;
    const volatile sig_atomic_t *cancel;   /* stop between phases and between sizes; may be NULL */
    bool   cleanup;                 /* system cleanup before each phase (default true) */
    double cleanup_pause_s;         /* pause after it (default 1 s) */
    bool   drop_page_cache;         /* try to drop the OS page cache (default true; needs root) */
    bool   monitor;                 /* resource monitor around each phase (default true) */
    bool   keep_samples;            /* keep the monitor time series in the results (default true) */
    int    only;                    /* -1 (default): every phase; else the one phase to run (enum
                                       cllm_classic_phase_id; bench programs) */
    const struct cllm_gpu_selection *gpus;   /* GPUs for the GPU compute phase; NULL or n 0: runtime device 0 */
    const struct cllm_gpugemm_backend *const *gpu_backends;   /* NULL: the built-in list (tests give fakes) */
    int    n_gpu_backends;
    size_t gpu_copy_bytes, gpu_h2d_bytes;     /* 0: gpu_gemm's defaults (1 GiB, 256 MiB); tests give less */
    cllm_classic_progress_fn progress;
    /* each monitor sample as it is taken (live charts), on the monitor's thread; may be NULL */
    void (*monitor_sample)(const struct cllm_sample *s, void *user_data);
    void  *user_data;
};

struct cllm_classic_params cllm_classic_default_params(void);

/* The status of phase `index` in r (NONE when it did not run). */
enum cllm_classic_status cllm_classic_phase_status(const struct cllm_classic_result *r, int index);

/* Runs the phases into *r (zeroed first). Free with cllm_classic_result_free. */
void cllm_classic_run(const struct cllm_classic_params *p, struct cllm_classic_result *r);
void cllm_classic_result_free(struct cllm_classic_result *r);

#ifdef __cplusplus
}
#endif

#endif
