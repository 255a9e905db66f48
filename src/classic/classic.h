/* The classic phases in order — cpu_single_thread, cpu_multi_thread, memory_bandwidth, gpu_compute — each preceded
 * by the system cleanup and watched by the resource monitor. Fills classic_benchmarks.benchmarks.<phase> with the
 * phase's data plus "cleanup", "monitor" and "duration_s". The library prints nothing: progress goes through the
 * callback. */
#ifndef CLLM_CLASSIC_H
#define CLLM_CLASSIC_H

#include <signal.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_config;
struct cllm_hw_info;
struct cllm_gpu_compute_backend;
struct cllm_sample;

enum cllm_phase_event { CLLM_PHASE_START, CLLM_PHASE_DONE };

/* Called at the start and end of each phase; `phase` is its JSON (status set at DONE). */
typedef void (*cllm_phase_progress_fn)(enum cllm_phase_event ev, int index, int count, const char *name,
                                       const struct cJSON *phase, void *user_data);

struct cllm_classic_params {
    const struct cllm_config  *cfg;
    const struct cllm_hw_info *hw;
    const volatile sig_atomic_t *cancel;   /* stop between phases and between sizes; may be NULL */
    bool   cleanup;                 /* system cleanup before each phase (default true) */
    double cleanup_pause_s;         /* pause after it (default 1 s) */
    bool   drop_page_cache;         /* try to drop the OS page cache (default true; needs root) */
    bool   monitor;                 /* resource monitor around each phase (default true) */
    bool   keep_samples;            /* keep the monitor time series in the results (default true) */
    const char *only;               /* NULL, or the one phase name to run (bench programs) */
    cllm_phase_progress_fn progress;
    /* each monitor sample as it is taken (live charts), on the monitor's thread; may be NULL */
    void (*monitor_sample)(const struct cllm_sample *s, void *user_data);
    void  *user_data;
};

struct cllm_classic_params cllm_classic_default_params(void);

/* Names of the phases in run order; returns how many. */
int cllm_classic_phase_names(const char *const **names);

/* Runs the phases into `section` (classic_benchmarks): sets its "status" ("ok" when every phase ran, even if one
 * was skipped; "partial" when cancelled; "failed" when a phase failed) and fills "benchmarks". */
void cllm_classic_run(const struct cllm_classic_params *p, struct cJSON *section);

#ifdef __cplusplus
}
#endif

#endif
