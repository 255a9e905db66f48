/* Test helper: a libmicrohttpd server on 127.0.0.1 that streams OpenAI-style chat completions on a known token
 * schedule — the first token first_ms after the request came, then one every gap_ms (absolute times, so late
 * wake-ups do not add up), then usage + llama-server timings and [DONE]. One thread per connection, so concurrent
 * streams do not serialise. Used by test_engine_server and test_serve_bench.
 *
 * The segments before /v1/... pick the behaviour of a POST: a mode, a schedule, or both (/stall/at=1/v1/...):
 *   /err500/...   HTTP 500 with {"error":{"message":"model exploded"}}
 *   /err500bin/.. HTTP 500 whose body is not JSON, has invalid UTF-8 and control characters
 *   /cut/...      the connection breaks after 5 tokens        /badjson/...  a malformed chunk at token 3
 *   /stall/...    silence for quiet ms (3000) after `at` tokens (3), then the end (no usage, no [DONE])
 *   hostile servers, until the client leaves:
 *   /keepalive/.. ": ping" comments every ping ms (200), never a token
 *   /empty/...    empty events and token-less deltas every ping ms, never a token
 *   /endless/...  a token every gap ms for ever: max_tokens ignored, no [DONE]
 *   /badutf8/, /trailing/, /nul/, /notobj/   token 2's data has invalid UTF-8, a second JSON value after the
 *                 first, a \u0000 in its content, or is an array
 *   /plain/...    one application/json completion, as a server that ignores "stream": true
 *   /reasoning/.. a role-only delta and an empty-content delta at once (not tokens), then `think` reasoning_content
 *                 tokens, then n content tokens, all on the schedule (token i at first + gap·i)
 *   /n=20,first=50,gap=10,fail=4,slowfirst=3:150,slowgap=5:30,at=3,quiet=3000,ping=200/...   a schedule (any
 *                 subset of the keys; others from the server's default): every 4th POST answers 500, every 3rd
 *                 sends its first token after 150 ms, every 5th sends its tokens every 30 ms (POSTs counted from 1
 *                 since sched_server_reset)
 *   cache model (ptok=U, microseconds per uncached prompt token): the prompt is the request body's messages'
 *                 words (system then user, split at white space: one word = one token); with "cache_prompt": true
 *                 the longest word prefix it shares with an earlier cache_prompt request is cached, and the first
 *                 token comes at first + U·(words − cached)/1000 ms. usage.prompt_tokens = words, timings.prompt_n =
 *                 words − cached, timings.cache_n = cached. Requests without cache_prompt true neither use nor fill
 *                 the cache.
 *   knee=K:ms     a POST taken while more than K streams (itself included) are in flight sends its first token ms
 *                 later: latency rises past concurrency K.
 * GET /health answers sched_server_set_health's status (200 by default); GET /llama/props answers as llama-server,
 * /badprops/props with trailing content after the JSON, /badmodels/v1/models with invalid UTF-8. */
#ifndef CLLM_TEST_SCHED_SERVER_H
#define CLLM_TEST_SCHED_SERVER_H

#include <stdint.h>

struct sched_spec {
    int n_tok;              /* content deltas per stream */
    int first_ms;           /* request → first token */
    int gap_ms;             /* between consecutive tokens */
    int fail_every;         /* every k-th POST answers HTTP 500; 0: none */
    int slow_first_every;   /* every k-th POST sends its first token after slow_first_ms instead; 0: none */
    int slow_first_ms;
    int slow_gap_every;     /* every k-th POST sends its tokens every slow_gap_ms instead; 0: none */
    int slow_gap_ms;
    int stall_at;           /* /stall/: tokens before the silence; 0: 3 */
    int quiet_ms;           /* /stall/: the silence; 0: 3000 */
    int ping_ms;            /* /keepalive/, /empty/: between two token-less sends; 0: 200 */
    int think;              /* /reasoning/: reasoning_content tokens before the content */
    int ptok_us;            /* the cache model: microseconds per uncached prompt token; 0: off */
    int knee, knee_ms;      /* more than knee streams in flight: the first token knee_ms later; 0: off */
};

/* Starts the server on 127.0.0.1:port (0: a free port) with dflt as the schedule of URLs that name none.
 * Returns the port, 0 on failure. One server per process. */
int sched_server_start(int port, const struct sched_spec *dflt);
/* Ends streams that are waiting (stall) and stops the server. */
void sched_server_stop(void);
/* Counts POSTs from 1 again and empties the cache model's prompts. */
void sched_server_reset(void);
/* The status GET /health answers (200 ready, 503 loading). */
void sched_server_set_health(int status);
/* When (cllm_now_ns) the server took the last POST, and when a stream last handed its first token to the socket
 * (with one stream at a time: that POST's). */
uint64_t sched_server_last_request_ns(void);
uint64_t sched_server_last_first_token_ns(void);
/* The most streams that were in flight at once since the last reset. */
int sched_server_max_in_flight(void);

#endif
