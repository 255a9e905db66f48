/* The classic section's field tables (see report/fields_classic.h). */
#include "report/fields_classic.h"

#include <stddef.h>

static const struct cllm_field *const classic_fields[] = {NULL};

/* open until the classic fields are listed */
const struct cllm_record CLLM_R_CLASSIC_BENCHMARKS = {"classic_benchmarks",
    "the classic phases: CPU GEMM (single and multi thread), memory bandwidth, GPU compute", classic_fields, true};
