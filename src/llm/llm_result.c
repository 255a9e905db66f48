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

const char *cllm_llm_rung_name(enum cllm_llm_rung r)
{
    switch (r) {
    case CLLM_LLM_RUNG_BENCH: return "llama-bench method";
    case CLLM_LLM_RUNG_BENCH_DEPTH: return "llama-bench method, prompt in the context";
    case CLLM_LLM_RUNG_CHAT: return "chat in-process";
    case CLLM_LLM_RUNG_SERVER: return "chat through llama-server";
    default: return "?";
    }
}

const char *cllm_llm_rung_cost(enum cllm_llm_rung r)
{
    switch (r) {
    case CLLM_LLM_RUNG_BENCH: return "";
    case CLLM_LLM_RUNG_BENCH_DEPTH: return "attention over the prompt's tokens";
    case CLLM_LLM_RUNG_CHAT: return "chat template, tokenizer, sampling, detokenize";
    case CLLM_LLM_RUNG_SERVER: return "HTTP + SSE and the server's loop";
    default: return "";
    }
}
