/* The serve-bench section of the results format: the fields and records of "serving_benchmarks" (the setup of a
 * serve-bench run, its concurrency levels with their request records and statistics, SLO goodput, the server's
 * facts). Key strings are spelled only in report/fields_serve.c. */
#ifndef CLLM_REPORT_FIELDS_SERVE_H
#define CLLM_REPORT_FIELDS_SERVE_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

/* results.serving_benchmarks */
extern const struct cllm_record CLLM_R_SERVING_BENCHMARKS;

#ifdef __cplusplus
}
#endif

#endif
