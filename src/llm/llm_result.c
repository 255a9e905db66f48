/* The LLM phases' result structs (llm/llm_result.h). */
#include "llm/llm_result.h"

#include <stdlib.h>

void cllm_llm_model_result_free(struct cllm_llm_model_result *r)
{
    if (!r)
        return;
    free(r->runs);
    r->runs = NULL;
    r->n_runs = 0;
    if (r->has_monitor)
        cllm_monitor_report_free(&r->monitor);
    r->has_monitor = false;
}
