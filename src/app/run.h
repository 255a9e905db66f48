/* The whole benchmark plan, as `computellm run` and the web GUI both start it: hardware detection, the classic
 * phases, the LLM phase, and the results file written atomically (also when cancelled: what was measured is kept
 * with run.status "cancelled"). The library prints nothing; callers watch through the callbacks. */
#ifndef CLLM_RUN_H
#define CLLM_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "classic/classic.h"
#include "core/config.h"
#include "core/status.h"
#include "app/ai_phase.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_hw_info;
struct cllm_sample;

/* Called at the start and end of each classic phase; `phase` is its results JSON (status set at DONE; empty at
 * START). */
typedef void (*cllm_phase_progress_fn)(enum cllm_phase_event ev, int index, int count, const char *name,
                                       const struct cJSON *phase, void *user_data);

struct cllm_run_params {
    struct cllm_config  cfg;            /* the plan (models, prompt, runs, sizes, monitor interval) */
    bool        skip_classic;
    bool        skip_ai;
    const char *output_dir;             /* "results" */
    const char *gpus;                   /* --gpus: detected GPU indices "0,2" (gpu/select.h); NULL: every GPU the
                                           runtimes see. Checked after detection: a GPU that does not exist or is
                                           hidden fails the run before any phase (CLLM_ERR_INVALID_ARG) */
    struct cllm_ai_params ai;           /* models_dir, quant, llama_lib, device, downloads, compare (the comparison
                                           phases run after the LLM phase); cfg/hw/cancel/progress and
                                           cleanup_pause_s (config runs.cleanup_pause_s) are filled by
                                           cllm_run_benchmark */
    const volatile sig_atomic_t *cancel;
    void (*on_hardware)(const struct cllm_hw_info *hw, void *user_data);   /* after detection; may be NULL */
    cllm_phase_progress_fn classic_progress;   /* may be NULL */
    cllm_ai_progress_fn    ai_progress;        /* may be NULL */
    cllm_ai_step_fn        ai_step;            /* as each AI step starts (app/run_plan.h); may be NULL */
    void (*monitor_sample)(const struct cllm_sample *s, void *user_data);  /* live samples; may be NULL */
    void *user_data;                           /* passed to the callbacks */
};

/* Defaults: the built-in config, both phases, results/. */
struct cllm_run_params cllm_run_default_params(void);

/* Checks first that output_dir takes new files (cllm_result_dir_check: CLLM_ERR_IO before any phase, err names the
 * folder), then runs the plan and writes the results file as a new file (cllm_result_save; its path into path_out).
 * *result_out (may be NULL) receives the tree; the caller deletes it. Returns CLLM_OK (run.status "complete"),
 * CLLM_ERR_CANCELLED (file written with "cancelled"), or an error: with path_out not empty, the file could not be
 * written in output_dir and was saved to that fallback path instead (err says both); with path_out empty, nothing
 * was written (err says why). */
enum cllm_status cllm_run_benchmark(const struct cllm_run_params *p, char *path_out, size_t path_n,
                                    struct cJSON **result_out, char *err, size_t errlen);

/* True when the LLM phase was asked for and none of the requested models ran (each failed, or was skipped or
 * unavailable for a reason that was not the user's choice: too little RAM, no file, a server error), or the phase
 * could not start (registry, engine); why gets a one-line reason. False for --skip-ai, a cancelled run, an empty
 * model list, or when at least one model ran. */
bool cllm_run_ai_failed(const struct cJSON *result, char *why, size_t n);

#ifdef __cplusplus
}
#endif

#endif
