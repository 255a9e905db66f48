/* The LLM section's field table (report/fields_llm.h). */
#include "report/fields_llm.h"

#include <stddef.h>

/* open until the section's fields are listed */
static const struct cllm_field *const ai_fields[] = {NULL};
const struct cllm_record CLLM_R_AI_BENCHMARKS = {"ai_benchmarks", "the LLM inference phases", ai_fields, true};
