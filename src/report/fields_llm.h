/* The LLM section of the results format: the fields and records of "ai_benchmarks" (model results, their runs and
 * summaries, the comparison phases: quantization, temperature, language, prompt type). Key strings are spelled
 * only in report/fields_llm.c. */
#ifndef CLLM_REPORT_FIELDS_LLM_H
#define CLLM_REPORT_FIELDS_LLM_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const struct cllm_record CLLM_R_AI_BENCHMARKS;

#ifdef __cplusplus
}
#endif

#endif
