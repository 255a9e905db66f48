/* The serve-bench section's field tables (see report/fields_serve.h). */
#include "report/fields_serve.h"

#include <stddef.h>

static const struct cllm_field *const serving_fields[] = {NULL};

/* open until the serve-bench fields are listed */
const struct cllm_record CLLM_R_SERVING_BENCHMARKS = {"serving_benchmarks",
    "a serve-bench run against an OpenAI-compatible server: setup, concurrency levels, goodput", serving_fields,
    true};
