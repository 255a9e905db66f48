/* Test helper: a libmicrohttpd server on 127.0.0.1 that streams OpenAI-style chat completions on a known token
 * schedule — the first token first_ms after the request came, then one every gap_ms (absolute times, so late
 * wake-ups do not add up), then usage + llama-server timings and [DONE]. One thread per connection, so concurrent
 * streams do not serialise. Used by test_engine_server and test_serve_bench.
 *
 * The path before /v1/... picks the behaviour of a POST:
 *   /err500/...   HTTP 500 with {"error":{"message":"model exploded"}}
 *   /cut/...      the connection breaks after 5 tokens        /badjson/...  a malformed chunk at token 3
 *   /stall/...    silence for 3 s after 3 tokens, then the end (no usage, no [DONE])
 *   /n=20,first=50,gap=10,fail=4,slowfirst=3:150,slowgap=5:30/...   a schedule (any subset of the keys; others
 *                 from the server's default): every 4th POST answers 500, every 3rd sends its first token after
 *                 150 ms, every 5th sends its tokens every 30 ms (POSTs counted from 1 since sched_server_reset)
 * GET /health answers sched_server_set_health's status (200 by default). */
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
};

/* Starts the server on 127.0.0.1:port (0: a free port) with dflt as the schedule of URLs that name none.
 * Returns the port, 0 on failure. One server per process. */
int sched_server_start(int port, const struct sched_spec *dflt);
/* Ends streams that are waiting (stall) and stops the server. */
void sched_server_stop(void);
/* Counts POSTs from 1 again. */
void sched_server_reset(void);
/* The status GET /health answers (200 ready, 503 loading). */
void sched_server_set_health(int status);
/* When (cllm_now_ns) the server took the last POST, and when a stream last handed its first token to the socket
 * (with one stream at a time: that POST's). */
uint64_t sched_server_last_request_ns(void);
uint64_t sched_server_last_first_token_ns(void);

#endif
