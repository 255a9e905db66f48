/* What the server engine learned about its last run beyond the shared trace: where the token count came from
 * and llama-server's own timings. */
#ifndef CLLM_LLM_ENGINE_SERVER_H
#define CLLM_LLM_ENGINE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_server_run_info {
    int    n_chunks;               /* content deltas received (one trace entry each) */
    int    n_tokens;               /* generated tokens by token_count_source */
    int    n_prompt_tokens;        /* from usage / timings; -1 unknown */
    char   token_count_source[16]; /* "usage" | "timings" | "chunks" */
    bool   has_timings;            /* llama-server's "timings" object came */
    int    timings_prompt_n;
    int    timings_predicted_n;
    double timings_prompt_ms;
    double timings_predicted_ms;
    double timings_predicted_per_second;
    double timings_prompt_per_second;
    char   finish_reason[32];      /* "" when none came */
    int    http_status;
    long   server_pid;             /* auto mode: the llama-server process; 0 in manual mode */
    int    n_reasoning;            /* reasoning_content deltas (thinking models) */
    uint64_t first_content_ns;     /* arrival of the first delta with content text; 0: none */
    uint64_t first_reasoning_ns;   /* arrival of the first delta with reasoning_content text; 0: none */
    int    cached_tokens;          /* prompt tokens the server took from its cache (llama-server timings.cache_n,
                                      OpenAI/vLLM usage.prompt_tokens_details.cached_tokens); -1 not said */
};

/* Resolves auto mode's llama-server: a path (must be an executable file), or a name looked up on PATH; the name
 * "llama-server" also finds the build `scripts/setup --llama-server` makes (.deps/llama-server/bin/). The absolute
 * path into out; CLLM_ERR_NOT_FOUND with err saying where it looked and how to get one. */
enum cllm_status cllm_serve_llama_server_find(const char *name, char *out, size_t n, char *err, size_t errlen);

/* impl is what cllm_engine_server.open made. false when no run happened yet. */
bool cllm_serve_engine_last_run(const void *impl, struct cllm_server_run_info *out);

#ifdef __cplusplus
}
#endif

#endif
