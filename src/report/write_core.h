/* The core section's writers: a phase's cleanup and monitor (structs of monitor/), for the sections' writers. */
#ifndef CLLM_REPORT_WRITE_CORE_H
#define CLLM_REPORT_WRITE_CORE_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_cleanup_result;
struct cllm_monitor_report;

/* obj[f->name] (f: &CLLM_F_CLEANUP) = {"actions": [{"action", "status": done|skipped, "detail"}], "pause_s",
 * "duration_s"}. */
struct cllm_gpu_selection;
/* result.run.gpu_selection from the selection (gpu/select.h). */
void cllm_write_gpu_selection(struct cJSON *result, const struct cllm_gpu_selection *sel);

void cllm_w_cleanup(struct cJSON *obj, const struct cllm_field *f, const struct cllm_cleanup_result *r);

/* obj[f->name] (f: &CLLM_F_MONITOR) = {"sampler", "interval_s", "running", "n_samples", "samples_kept",
 * "samples_dropped", "sample_cost_ms_mean", "sample_cost_ms_max", "sources", "gpus", "summary"} and "samples"
 * (columns, oldest first) when r has them; rounded to each column's resolution. */
void cllm_w_monitor(struct cJSON *obj, const struct cllm_field *f, const struct cllm_monitor_report *r);

#ifdef __cplusplus
}
#endif

#endif
