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
#include "serve/engine_server.h"
#include "llm/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every read has a deadline: connecting (CLLM_CHAT_CONNECT_S), the stall (no token for stall_s: SSE comments,
 * empty events and bytes that carry no token do not count) and the whole request (deadline_base_s + max_tokens ×
 * deadline_per_token_s). A stream that sends more than max_tokens + CLLM_CHAT_MAX_TOKENS_MARGIN(max_tokens)
 * content chunks is cut and fails: the server ignores max_tokens. */
#define CLLM_CHAT_CONNECT_S 10
#define CLLM_CHAT_STALL_S 60
#define CLLM_CHAT_DEADLINE_BASE_S 120.0
#define CLLM_CHAT_DEADLINE_PER_TOKEN_S 2.0
/* servers may split a token over chunks (a UTF-8 sequence, a detokenizer's flush): 16 or a tenth more */
#define CLLM_CHAT_MAX_TOKENS_MARGIN(n) ((n) / 10 > 16 ? (n) / 10 : 16)

struct cllm_chat_target {
    const char *base;             /* "http://HOST:PORT[/prefix]" without a trailing slash */
    const char *model;            /* "model" sent in the request */
    const char *auth;             /* a whole header line "Authorization: Bearer KEY"; NULL or "": none */
    bool        is_llama_server;  /* llama-server: repeat_penalty only (others get frequency_penalty), and
                                     "cache_prompt" as cache_prompt says */
    bool        cache_prompt;     /* llama-server: "cache_prompt": true (reuse a cached prompt prefix); false (the
                                     default): "cache_prompt": false, every prompt evaluated whole */
    bool        trace_reasoning;  /* reasoning_content deltas are trace entries too (output: TTFT is then the first
                                     token of either kind); false: only content deltas are (the run engine's) */
    int         stall_s;          /* no token this long fails the request (CLLM_ERR_TIMEOUT); <= 0: 60 */
    double      deadline_base_s;  /* overall deadline: this + max_tokens × deadline_per_token_s; <= 0: 120 */
    double      deadline_per_token_s;  /* <= 0: 2 */
};

struct cllm_chat_stream;

/* Builds one request from g (the sampling settings, prompt, max_tokens; g->on_token is called per content
 * delta; g->cancel, when set, aborts the transfer from curl's progress callback) into an easy handle with its
 * callbacks set; trace is reset and filled as bytes arrive. t, g and trace must outlive the stream.
 * CLLM_ERR_UNSUPPORTED without libcurl, CLLM_ERR_NOMEM. */
enum cllm_status cllm_chat_stream_new(const struct cllm_chat_target *t, const struct cllm_gen_params *g,
                                      struct cllm_llm_trace *trace, struct cllm_chat_stream **out, char *err,
                                      size_t errlen);

/* The request's libcurl easy handle (a CURL *), for curl_easy_perform or curl_multi_add_handle. */
void *cllm_chat_stream_curl(struct cllm_chat_stream *s);

/* Stamps the request's start (trace->start_ns): call right before the transfer starts. */
void cllm_chat_stream_begin(struct cllm_chat_stream *s);

/* Runs the transfer alone (its own multi handle, polled every 50 ms so g->cancel stops it at once) and returns
 * its CURLcode, for cllm_chat_stream_finish. Call after cllm_chat_stream_begin. */
int cllm_chat_stream_perform(struct cllm_chat_stream *s);

/* Whether the request must end now (g->cancel set, no token for stall_s, past its deadline), for a caller that
 * runs the transfer in its own multi handle: remove it and finish it with CURLE_ABORTED_BY_CALLBACK (42). The
 * progress callback checks the same; this also works where curl calls it rarely. */
bool cllm_chat_stream_expired(struct cllm_chat_stream *s);

/* After the transfer ended with CURLcode cc: stamps trace->end_ns, picks the token counts (also into the trace,
 * with llama-server's timings as the engine's counters), and says how the request went: CLLM_OK, or an error with
 * one line in err — HTTP status and the server's message, cannot connect, stalled, past its deadline, more than
 * max_tokens, broken off, malformed stream (invalid JSON, trailing content, NUL, invalid UTF-8), no [DONE]
 * (401/403: CLLM_ERR_CONFIG, 404: CLLM_ERR_NOT_FOUND, stalled or past the deadline: CLLM_ERR_TIMEOUT, on_token
 * stopped or g->cancel: CLLM_ERR_CANCELLED, else CLLM_ERR_IO / CLLM_ERR_PARSE). The message is valid UTF-8
 * whatever the server sent. info (may be NULL) gets what the stream said (server_pid left 0). */
enum cllm_status cllm_chat_stream_finish(struct cllm_chat_stream *s, int cc, struct cllm_server_run_info *info,
                                         char *err, size_t errlen);

/* Frees the request (its easy handle too: remove it from a multi handle first). NULL is fine. */
void cllm_chat_stream_free(struct cllm_chat_stream *s);

/* GET base + path with the auth header line (may be NULL): the HTTP status, 0 when no answer came (the body is
 * dropped). */
long cllm_chat_http_get(const char *base, const char *auth, const char *path, long timeout_ms);

/* GET base + path and its body read strictly as JSON (core/json.h: no trailing content, NUL or invalid UTF-8; at
 * most 1 MiB): the HTTP status (0: no answer). *out gets the tree on a 200 answer that parses (the caller deletes
 * it), else NULL with err saying why (valid UTF-8) when the answer was 200 but its body was not JSON. */
struct cJSON;
long cllm_chat_http_get_json(const char *base, const char *auth, const char *path, long timeout_ms,
                             struct cJSON **out, char *err, size_t errlen);

/* The same for a POST of the JSON text body (llama-server's /tokenize). */
long cllm_chat_http_post_json(const char *base, const char *auth, const char *path, const char *body,
                              long timeout_ms, struct cJSON **out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
