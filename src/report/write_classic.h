/* The classic section's writer: turns the classic phases' structs (classic/classic.h) into results JSON through
 * the field tables of report/fields_classic.h. */
#ifndef CLLM_REPORT_WRITE_CLASSIC_H
#define CLLM_REPORT_WRITE_CLASSIC_H

#include "classic/classic.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* "ok", "skipped", "failed", "cancelled", "partial"; NULL for CLLM_CLASSIC_NONE. */
const char *cllm_write_classic_status_name(enum cllm_classic_status st);

/* Writes r into `section` (results.classic_benchmarks): benchmarks.<phase> for each phase that ran (replacing one
 * of that name), then the section's status in place of an earlier status and reason. */
void cllm_write_classic(struct cJSON *section, const struct cllm_classic_result *r);

/* The section not run: status "skipped" with `reason` (replacing an earlier status and reason). */
void cllm_write_classic_skipped(struct cJSON *section, const char *reason);

/* A new object holding phase `index` of r as benchmarks.<phase> holds it (its cleanup, data, monitor, duration);
 * NULL when out of memory. */
struct cJSON *cllm_write_classic_phase(const struct cllm_classic_result *r, int index);

/* One phase's own data into `phase` (without the runner's cleanup, monitor and duration). */
void cllm_write_cpu_gemm(struct cJSON *phase, const struct cllm_cpugemm_result *r);
void cllm_write_membw(struct cJSON *phase, const struct cllm_membw_result *r);
void cllm_write_gpu_compute(struct cJSON *phase, const struct cllm_gpugemm_result *r);
/* gpu_compute.per_gpu and gpu_compute.peer_copies of a run on two or more GPUs (nothing with fewer). */
void cllm_write_gpu_per_gpu(struct cJSON *phase, const struct cllm_classic_result *r);

#ifdef __cplusplus
}
#endif

#endif
