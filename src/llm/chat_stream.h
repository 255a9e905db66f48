/* One streaming POST /v1/chat/completions to an OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio):
 * the request body, the SSE stream timestamped delta by delta into a trace, stall detection, the error of a failed
 * transfer in one line, and the token counts (usage, else llama-server's timings, else counted chunks). Shared by
 * the server engine (one request through curl_easy_perform) and serve-bench (many through curl's multi interface);
 * the caller owns the transfer. Needs libcurl: without it cllm_chat_stream_new says so. */
#ifndef CLLM_LLM_CHAT_STREAM_H
#define CLLM_LLM_CHAT_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "llm/engine.h"
#include "llm/engine_server.h"
#include "llm/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_chat_target {
    const char *base;             /* "http://HOST:PORT[/prefix]" without a trailing slash */
    const char *model;            /* "model" sent in the request */
    const char *auth;             /* a whole header line "Authorization: Bearer KEY"; NULL or "": none */
    bool        is_llama_server;  /* llama-server: repeat_penalty only (others get frequency_penalty), no prompt cache */
    int         stall_s;          /* a stream silent this long fails; <= 0: 60 */
};

struct cllm_chat_stream;

/* Builds one request from g (the sampling settings, prompt, max_tokens; g->on_token is called per content
 * delta) into an easy handle with its callbacks set; trace is reset and filled as bytes arrive. t, g and trace
 * must outlive the stream. CLLM_ERR_UNSUPPORTED without libcurl, CLLM_ERR_NOMEM. */
enum cllm_status cllm_chat_stream_new(const struct cllm_chat_target *t, const struct cllm_gen_params *g,
                                      struct cllm_llm_trace *trace, struct cllm_chat_stream **out, char *err,
                                      size_t errlen);

/* The request's libcurl easy handle (a CURL *), for curl_easy_perform or curl_multi_add_handle. */
void *cllm_chat_stream_curl(struct cllm_chat_stream *s);

/* Stamps the request's start (trace->start_ns): call right before the transfer starts. */
void cllm_chat_stream_begin(struct cllm_chat_stream *s);

/* After the transfer ended with CURLcode cc: stamps trace->end_ns, picks the token counts (also into the trace,
 * with llama-server's timings as the engine's counters), and says how the request went: CLLM_OK, or an error with
 * one line in err — HTTP status and the server's message, cannot connect, stalled, broken off, malformed stream,
 * no [DONE] (401/403: CLLM_ERR_CONFIG, 404: CLLM_ERR_NOT_FOUND, on_token stopped: CLLM_ERR_CANCELLED, else
 * CLLM_ERR_IO / CLLM_ERR_PARSE). info (may be NULL) gets what the stream said (server_pid left 0). */
enum cllm_status cllm_chat_stream_finish(struct cllm_chat_stream *s, int cc, struct cllm_server_run_info *info,
                                         char *err, size_t errlen);

/* Frees the request (its easy handle too: remove it from a multi handle first). NULL is fine. */
void cllm_chat_stream_free(struct cllm_chat_stream *s);

/* GET base + path with the auth header line (may be NULL): the HTTP status, 0 when no answer came; the body
 * (at most n - 1 bytes, NUL-terminated) into out when out is not NULL. */
long cllm_chat_http_get(const char *base, const char *auth, const char *path, char *out, size_t n,
                        long timeout_ms);

#ifdef __cplusplus
}
#endif

#endif
