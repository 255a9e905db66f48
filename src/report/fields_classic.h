/* The classic section of the results format: the fields and records of "classic_benchmarks" (CPU GEMM single and
 * multi thread, memory bandwidth, GPU compute: GEMM and device bandwidth, the runner's status per phase). Key
 * strings are spelled only in report/fields_classic.c. */
#ifndef CLLM_REPORT_FIELDS_CLASSIC_H
#define CLLM_REPORT_FIELDS_CLASSIC_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

/* results.classic_benchmarks */
extern const struct cllm_record CLLM_R_CLASSIC_BENCHMARKS;

#ifdef __cplusplus
}
#endif

#endif
