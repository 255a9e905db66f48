/* The server engine against a libmicrohttpd server that streams a known token schedule: TTFT and ITL match the
 * schedule, every failure gives a clear error, and auto mode (this binary re-run as a fake llama-server) never
 * leaves a process behind. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/clock.h"
#include "core/json.h"
#include "llm/engine.h"
#include "serve/engine_server.h"
#include "llm/metrics.h"
#include "platform/proc.h"
#include "report/fields_llm.h"
#include "report/write.h"
#include "report/write_llm.h"
#include "test.h"

#if defined(CLLM_TEST_HAVE_MHD) && defined(CLLM_WITH_CURL)
#include "sched_server.h"

#define N_TOK 20
#define FIRST_MS 100
#define GAP_MS 20

static const struct sched_spec g_spec = {.n_tok = N_TOK, .first_ms = FIRST_MS, .gap_ms = GAP_MS};

static int g_port;

static enum cllm_status run_once(const char *prefix, int stall_s, struct cllm_llm_trace *tr, char *err,
                                 size_t errlen, struct cllm_server_run_info *info)
{
    struct cllm_engine_open_params p = cllm_engine_default_open_params();
    struct cllm_gen_params g = cllm_gen_default_params();
    char url[128];
    void *impl = NULL;
    enum cllm_status st;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", g_port, prefix);
    p.server_url = url;
    p.server_model = "test-model";
    p.api_key = "secret";
    p.server_stall_s = stall_s;
    st = cllm_engine_server.open(&p, &impl, err, errlen);
    if (st != CLLM_OK)
        return st;
    st = cllm_engine_server.generate(impl, &g, tr, err, errlen);
    if (info)
        cllm_serve_engine_last_run(impl, info);
    cllm_engine_server.close(impl);
    return st;
}

static void schedule_once(void)
{
    struct cllm_llm_trace tr;
    struct cllm_llm_run_metrics m;
    struct cllm_server_run_info info;
    char err[512] = "";
    double setup_ms;
    uint64_t req_ns, first_ns;
    enum cllm_status st;
    cllm_llm_trace_init(&tr);
    st = run_once("", 10, &tr, err, sizeof(err), &info);
    if (st != CLLM_OK)
        fprintf(stderr, "  %s\n", err);
    CHECK_INT(st, CLLM_OK);
    CHECK_INT(tr.n_tokens, N_TOK);
    CHECK_INT(cllm_llm_run_metrics_compute(&tr, &m), CLLM_OK);
    req_ns = sched_server_last_request_ns();
    first_ns = sched_server_last_first_token_ns();
    setup_ms = (double)(req_ns - tr.start_ns) / 1e6;
    fprintf(stderr, "  TTFT %.3f ms (connection and request %.3f ms), ITL mean %.3f p50 %.3f p99 %.3f ms\n",
            m.first_token_latency_s * 1e3, setup_ms, m.itl_mean_ms, m.itl_p50_ms, m.itl_p99_ms);
    fprintf(stderr, "  first token sent %.3f ms after the request came, stamped by us %.3f ms after it was sent\n",
            (double)(first_ns - req_ns) / 1e6, (double)(tr.token_ns[0] - first_ns) / 1e6);
    /* our timestamps: the first token stamped within 2 ms of the server sending it, the mean gap within 2 ms of
     * the schedule; the schedule itself (server thread wake-ups) gets more room on a loaded machine */
    CHECK(tr.token_ns[0] >= first_ns);
    CHECK_NEAR((double)(tr.token_ns[0] - first_ns) / 1e6, 0.0, 2.0);
    CHECK_NEAR(m.first_token_latency_s * 1e3 - setup_ms, FIRST_MS, 25.0);
    CHECK(setup_ms >= 0 && setup_ms < 50);
    CHECK_NEAR(m.itl_mean_ms, GAP_MS, 2.0);
    CHECK_NEAR(m.itl_p50_ms, GAP_MS, 5.0);
    CHECK_INT(m.n_prompt_tokens, 12);
    CHECK_STR(info.token_count_source, "usage");
    CHECK_INT(info.n_tokens, N_TOK);
    CHECK_INT(info.n_chunks, N_TOK);
    CHECK(info.has_timings);
    CHECK_NEAR(info.timings_predicted_per_second, 41.6, 1e-9);
    CHECK_STR(info.finish_reason, "length");
    CHECK(tr.has_engine_counters);
    CHECK_INT(tr.engine_decode_tokens, N_TOK);
    cllm_llm_trace_free(&tr);
}

/* A loaded machine (the suite runs in parallel with CPU benchmarks) can delay a thread wake-up by more than the
 * tolerance: up to three tries, the first within tolerance counts. */
static void schedule(void) { test_retry3(schedule_once); }

static void expect_fail(const char *prefix, int stall_s, const char *needle)
{
    struct cllm_llm_trace tr;
    char err[512] = "";
    uint64_t t0 = cllm_now_ns();
    enum cllm_status st;
    cllm_llm_trace_init(&tr);
    st = run_once(prefix, stall_s, &tr, err, sizeof(err), NULL);
    fprintf(stderr, "  %s -> %s (%.2f s)\n", prefix, err, (double)(cllm_now_ns() - t0) / 1e9);
    CHECK(st != CLLM_OK);
    CHECK(strstr(err, needle) != NULL);
    cllm_llm_trace_free(&tr);
}

static void failures(void)
{
    expect_fail("/err500", 10, "HTTP 500");
    expect_fail("/err500", 10, "model exploded");
    expect_fail("/cut", 10, "broke off");
    expect_fail("/badjson", 10, "malformed JSON");
    expect_fail("/stall", 1, "stalled");
}

/* ---- hostile servers ---- */

struct hostile {
    const char *prefix;
    int    stall_s;
    double base_s, per_token_s;   /* the deadline; 0: the defaults */
    int    max_tokens;
    const volatile sig_atomic_t *cancel;
    /* out */
    enum cllm_status st;
    double elapsed_s;
    char   err[512];
    struct cllm_server_run_info info;
    char   library[32];
};

static void run_hostile(struct hostile *h)
{
    struct cllm_engine_open_params p = cllm_engine_default_open_params();
    struct cllm_gen_params g = cllm_gen_default_params();
    struct cllm_llm_trace tr;
    char url[160];
    void *impl = NULL;
    uint64_t t0;
    struct cllm_engine_info ei;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", g_port, h->prefix);
    p.server_url = url;
    p.server_stall_s = h->stall_s;
    p.server_deadline_base_s = h->base_s;
    p.server_deadline_per_token_s = h->per_token_s;
    if (h->max_tokens > 0)
        g.max_tokens = h->max_tokens;
    g.cancel = h->cancel;
    h->err[0] = '\0';
    memset(&h->info, 0, sizeof(h->info));
    h->st = cllm_engine_server.open(&p, &impl, h->err, sizeof(h->err));
    CHECK_INT(h->st, CLLM_OK);
    if (h->st != CLLM_OK)
        return;
    memset(&ei, 0, sizeof(ei));
    cllm_engine_server.info(impl, &ei);
    CHECK_INT(ei.kind, CLLM_ENGINE_KIND_SERVER);
    snprintf(h->library, sizeof(h->library), "%.31s", ei.library);
    cllm_llm_trace_init(&tr);
    t0 = cllm_now_ns();
    h->st = cllm_engine_server.generate(impl, &g, &tr, h->err, sizeof(h->err));
    h->elapsed_s = (double)(cllm_now_ns() - t0) / 1e9;
    cllm_serve_engine_last_run(impl, &h->info);
    cllm_engine_server.close(impl);
    cllm_llm_trace_free(&tr);
    fprintf(stderr, "  %s -> %s (%.2f s): %s\n", h->prefix, cllm_status_str(h->st), h->elapsed_s, h->err);
    /* whatever the server sent, the message is one line of valid UTF-8 */
    CHECK(cllm_utf8_valid(h->err, strlen(h->err), NULL));
    CHECK(!strchr(h->err, '\n') && !strchr(h->err, '\x01'));
}

/* ": ping" every 200 ms and never a token: comments do not reset the stall timer (the old code waited for ever) */
static void keepalive_stalls(void)
{
    struct hostile h = {.prefix = "/keepalive", .stall_s = 1};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_ERR_TIMEOUT);
    CHECK(strstr(h.err, "stalled: no token for 1 s after 0 chunks") != NULL);
    CHECK(strstr(h.err, "keep-alive comments, which do not count") != NULL);
    CHECK(h.elapsed_s >= 0.95 && h.elapsed_s < 3.0);
}

/* The same server under a long stall time: the request's deadline (0.5 s + 10 tokens x 0.1 s) ends it */
static void keepalive_deadline(void)
{
    struct hostile h = {.prefix = "/keepalive", .stall_s = 60, .base_s = 0.5, .per_token_s = 0.1, .max_tokens = 10};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_ERR_TIMEOUT);
    CHECK(strstr(h.err, "passed its deadline of 1.5 s (0.5 s + 10 max_tokens x 0.1 s per token)") != NULL);
    CHECK(h.elapsed_s >= 1.45 && h.elapsed_s < 4.0);
}

/* Empty events and deltas without text are no tokens either */
static void empty_events_stall(void)
{
    struct hostile h = {.prefix = "/empty", .stall_s = 1};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_ERR_TIMEOUT);
    CHECK(strstr(h.err, "stalled: no token for 1 s") != NULL);
    CHECK(h.elapsed_s < 3.0);
}

/* Tokens for ever, no [DONE]: cut after max_tokens + the margin, the run fails with the reason */
static void endless_fails(void)
{
    struct hostile h = {.prefix = "/endless/gap=2", .stall_s = 10, .max_tokens = 20};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_ERR_IO);
    CHECK(strstr(h.err, "the server sent more than max_tokens (20)") != NULL);
    CHECK_INT(h.info.n_chunks, 20 + 16 + 1);
    CHECK(h.elapsed_s < 3.0);
}

/* Every event's JSON is read strictly: the server's fault, said with where, never a crash */
static void strict_json(void)
{
    static const struct { const char *prefix, *needle; } cases[] = {
        {"/badutf8", "invalid UTF-8 at byte"},
        {"/trailing", "trailing content after the JSON value"},
        {"/nul", "(NUL) character"},
        {"/notobj", "event data is a list, not an object"},
        {"/badjson", "malformed JSON in the server's stream after 3 chunks"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct hostile h = {.prefix = cases[i].prefix, .stall_s = 5};
        run_hostile(&h);
        CHECK_INT(h.st, CLLM_ERR_PARSE);
        CHECK(strstr(h.err, cases[i].needle) != NULL);
    }
}

/* An error body that is not JSON, not UTF-8, with control characters: one clean line */
static void error_body_cleaned(void)
{
    struct hostile h = {.prefix = "/err500bin", .stall_s = 5};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_ERR_IO);
    CHECK(strstr(h.err, "HTTP 500") != NULL);
    CHECK(strstr(h.err, "upstream \xef\xbf\xbd\xef\xbf\xbd failed") != NULL);   /* U+FFFD for each bad byte */
    CHECK(strstr(h.err, "badly") != NULL);
}

/* A server that ignores "stream": true answers one JSON completion: said as such */
static void not_a_stream(void)
{
    struct hostile h = {.prefix = "/plain", .stall_s = 5};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_ERR_IO);
    CHECK(strstr(h.err, "answered with Content-Type application/json, not an event stream") != NULL);
}

/* GET /props: llama-server's answer is recognised; one with trailing content is refused (a generic server) */
static void props_strict(void)
{
    struct hostile h = {.prefix = "/llama", .stall_s = 5};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_OK);
    CHECK_STR(h.library, "llama-server");
    h = (struct hostile){.prefix = "/badprops", .stall_s = 5};
    run_hostile(&h);
    CHECK_INT(h.st, CLLM_OK);
    CHECK_STR(h.library, "openai-compatible");
}

static volatile sig_atomic_t g_cancel;

static void *cancel_later(void *arg)
{
    (void)arg;
    usleep(300 * 1000);
    g_cancel = 1;
    return NULL;
}

/* Ctrl-C while the server sends only keep-alives: the transfer ends at once (it used to wait for the stall) */
static void cancel_keepalive(void)
{
    struct hostile h = {.prefix = "/keepalive", .stall_s = 60, .cancel = &g_cancel};
    pthread_t th;
    g_cancel = 0;
    pthread_create(&th, NULL, cancel_later, NULL);
    run_hostile(&h);
    pthread_join(th, NULL);
    CHECK_INT(h.st, CLLM_ERR_CANCELLED);
    CHECK_STR(h.err, "stopped by the user");
    CHECK(h.elapsed_s >= 0.25 && h.elapsed_s < 0.3 + 0.5);
    g_cancel = 0;
}

static void refused(void)
{
    struct cllm_engine_open_params p = cllm_engine_default_open_params();
    struct cllm_gen_params g = cllm_gen_default_params();
    struct cllm_llm_trace tr;
    char url[64], err[512] = "";
    void *impl = NULL;
    int port = cllm_free_tcp_port();
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    p.server_url = url;
    cllm_llm_trace_init(&tr);
    CHECK_INT(cllm_engine_server.open(&p, &impl, err, sizeof(err)), CLLM_OK);
    CHECK(cllm_engine_server.generate(impl, &g, &tr, err, sizeof(err)) != CLLM_OK);
    fprintf(stderr, "  %s\n", err);
    CHECK(strstr(err, "cannot connect") != NULL);
    cllm_engine_server.close(impl);
    cllm_llm_trace_free(&tr);
    p.server_url = "ftp://x";
    CHECK_INT(cllm_engine_server.open(&p, &impl, err, sizeof(err)), CLLM_ERR_CONFIG);
}

/* ---- auto mode: this binary stands in for llama-server ---- */

static char g_self[1024];

static int fake_llama_server(const char *mode, int argc, char **argv)
{
    int port = 0;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
    fprintf(stderr, "fake llama-server (%s) on port %d\n", mode, port);
    if (strcmp(mode, "exit") == 0) {
        fprintf(stderr, "error: failed to load model 'nothing.gguf'\n");
        return 1;
    }
    if (strcmp(mode, "hang") == 0) {
        sched_server_set_health(503);
        signal(SIGTERM, SIG_IGN);   /* only SIGKILL ends it: the stop's second step */
    }
    if (!sched_server_start(port, &g_spec))
        return 2;
    for (;;)
        pause();
}

static bool gone(long pid)
{
    return pid > 0 && kill((pid_t)pid, 0) == -1 && errno == ESRCH && waitpid(-1, NULL, WNOHANG) == -1;
}

static void auto_ok(void)
{
    struct cllm_engine_open_params p = cllm_engine_default_open_params();
    struct cllm_gen_params g = cllm_gen_default_params();
    struct cllm_llm_trace tr;
    struct cllm_server_run_info info;
    char err[512] = "";
    void *impl = NULL;
    long pid = 0;
    struct cllm_engine_info ei;
    cJSON *j;
    p.llama_server = g_self;
    p.model_path = "/models/tiny.gguf";
    p.server_ready_s = 20;
    setenv("CLLM_FAKE_LLAMA_SERVER", "ok", 1);
    CHECK_INT(cllm_engine_server.open(&p, &impl, err, sizeof(err)), CLLM_OK);
    unsetenv("CLLM_FAKE_LLAMA_SERVER");
    if (!impl) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    cllm_llm_trace_init(&tr);
    CHECK_INT(cllm_engine_server.generate(impl, &g, &tr, err, sizeof(err)), CLLM_OK);
    CHECK_INT(tr.n_tokens, N_TOK);
    CHECK(cllm_serve_engine_last_run(impl, &info));
    pid = info.server_pid;
    CHECK(pid > 0);
    CHECK(kill((pid_t)pid, 0) == 0);
    memset(&ei, 0, sizeof(ei));
    cllm_engine_server.info(impl, &ei);
    CHECK_STR(ei.mode, "auto");
    CHECK_STR(ei.model_name, "tiny.gguf");
    CHECK(ei.has_server_pid && ei.server_pid == pid);
    CHECK(ei.has_last_run && ei.last_run.content_chunks > 0);
    /* as report/write_llm.c writes it */
    j = cllm_write_llm_engine(&ei);
    CHECK_STR(cllm_r_str(j, &CLLM_F_LLM_E_MODE), "auto");
    CHECK_STR(cJSON_GetStringValue(cllm_r_get(j, &CLLM_F_LLM_E_MODEL)), "tiny.gguf");
    CHECK(cllm_r_num(j, &CLLM_F_LLM_E_SERVER_PID) == (double)pid);
    CHECK(cllm_r_num(cllm_r_get(j, &CLLM_F_LLM_E_LAST_RUN), &CLLM_F_LLM_SR_CONTENT_CHUNKS) ==
          ei.last_run.content_chunks);
    cJSON_Delete(j);
    cllm_engine_server.close(impl);
    CHECK(gone(pid));
    cllm_llm_trace_free(&tr);
}

static void auto_fails(const char *mode, const char *needle)
{
    struct cllm_engine_open_params p = cllm_engine_default_open_params();
    char err[512] = "";
    void *impl = NULL;
    p.llama_server = g_self;
    p.model_path = "/models/nothing.gguf";
    p.server_ready_s = 1;
    setenv("CLLM_FAKE_LLAMA_SERVER", mode, 1);
    CHECK(cllm_engine_server.open(&p, &impl, err, sizeof(err)) != CLLM_OK);
    unsetenv("CLLM_FAKE_LLAMA_SERVER");
    fprintf(stderr, "  %s -> %s\n", mode, err);
    CHECK(impl == NULL);
    CHECK(strstr(err, needle) != NULL);
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);   /* no child left, reaped or running */
}

static void auto_exit(void)
{
    auto_fails("exit", "failed to load model");
}

static void auto_hang(void)
{
    auto_fails("hang", "not ready after 1 s");
}

static void auto_missing(void)
{
    struct cllm_engine_open_params p = cllm_engine_default_open_params();
    char err[512] = "";
    void *impl = NULL;
    p.llama_server = "/nonexistent/llama-server";
    p.model_path = "/models/x.gguf";
    CHECK_INT(cllm_engine_server.open(&p, &impl, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "cannot start llama-server") != NULL);
}

int main(int argc, char **argv)
{
    const char *fake = getenv("CLLM_FAKE_LLAMA_SERVER");
    ssize_t n;
    int rc;
    if (fake)
        return fake_llama_server(fake, argc, argv);
    n = readlink("/proc/self/exe", g_self, sizeof(g_self) - 1);
    g_self[n > 0 ? n : 0] = '\0';
    g_port = sched_server_start(0, &g_spec);
    if (!g_port) {
        fprintf(stderr, "cannot start the test server\n");
        return 1;
    }
    RUN(schedule);
    RUN(failures);
    RUN(refused);
    RUN(keepalive_stalls);
    RUN(keepalive_deadline);
    RUN(empty_events_stall);
    RUN(endless_fails);
    RUN(strict_json);
    RUN(error_body_cleaned);
    RUN(not_a_stream);
    RUN(props_strict);
    RUN(cancel_keepalive);
    RUN(auto_ok);
    RUN(auto_exit);
    RUN(auto_hang);
    RUN(auto_missing);
    sched_server_stop();
    rc = test_summary();
    return rc;
}

#else
static void no_server(void)
{
    SKIP("needs libmicrohttpd and libcurl");
}

int main(void)
{
    RUN(no_server);
    return test_summary();
}
#endif
