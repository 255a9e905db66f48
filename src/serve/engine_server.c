/* The server engine: an OpenAI-compatible /v1/chat/completions stream over libcurl (manual mode), or a
 * llama-server this engine starts on the model, waits for and always stops (auto mode). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strutil.h"
#include "llm/engine.h"
#include "serve/chat_stream.h"
#include "serve/engine_server.h"
#ifndef _WIN32
#include "platform/fs.h"
#include "platform/proc.h"
#endif

#if defined(CLLM_WITH_CURL) && !defined(_WIN32)
#include <curl/curl.h>

struct srv {
    char   base[512];             /* "http://HOST:PORT" without a trailing slash */
    char   model[256];
    char   auth[512];             /* "Authorization: Bearer ..." or "" */
    int    stall_s;
    double deadline_base_s, deadline_per_token_s;   /* each request's deadline (chat_stream.h); 0: defaults */
    bool   is_llama_server;       /* auto mode, or /props answered as llama-server does */
    bool   auto_mode;
    long   local_pid;             /* manual mode: the llama-server listening on the URL's loopback port; 0 none */
    struct cllm_proc proc;
    char   log_path[512];
    bool   has_last;
    struct cllm_server_run_info last;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static enum cllm_status srv_generate(void *impl, const struct cllm_gen_params *g, struct cllm_llm_trace *trace,
                                     char *err, size_t errlen)
{
    struct srv *S = impl;
    struct cllm_chat_target t = {
        .base = S->base, .model = S->model, .auth = S->auth, .is_llama_server = S->is_llama_server,
        .stall_s = S->stall_s, .deadline_base_s = S->deadline_base_s,
        .deadline_per_token_s = S->deadline_per_token_s,
    };
    struct cllm_chat_stream *cs;
    struct cllm_server_run_info info;
    enum cllm_status st;
    int cc;

    cllm_llm_trace_reset(trace);
    if (S->auto_mode && !cllm_proc_alive(&S->proc)) {
        snprintf(err, errlen, "llama-server is no longer running (exit code %d)", S->proc.exit_code);
        return CLLM_ERR_IO;
    }
    st = cllm_chat_stream_new(&t, g, trace, &cs, err, errlen);
    if (st != CLLM_OK)
        return st;
    cllm_chat_stream_begin(cs);
    /* polled, not curl_easy_perform: Ctrl-C (g->cancel) ends the transfer within 50 ms */
    cc = cllm_chat_stream_perform(cs);
    st = cllm_chat_stream_finish(cs, cc, &info, err, errlen);
    info.server_pid = S->proc.pid;
    S->last = info;
    S->has_last = true;
    cllm_chat_stream_free(cs);
    return st;
}

/* GET base+path: the HTTP status (0: no answer). */
static long http_get(const struct srv *S, const char *path, long timeout_ms)
{
    return cllm_chat_http_get(S->base, S->auth, path, timeout_ms);
}

/* Only llama-server answers GET /props with its generation settings. A body that is not strict JSON is that
 * server's error: said in the log, and the server is taken for a generic one. */
static bool probe_llama_server(const struct srv *S)
{
    char jerr[256];
    cJSON *j = NULL;
    bool yes;
    long code = cllm_chat_http_get_json(S->base, S->auth, "/props", 3000, &j, jerr, sizeof(jerr));
    if (code == 200 && !j)
        CLLM_LOG(CLLM_LOG_WARN, "%s answered GET /props with a body that is not valid JSON (%s): taken for a "
                 "generic OpenAI-compatible server", S->base, jerr);
    yes = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "default_generation_settings"));
    cJSON_Delete(j);
    return yes;
}

/* The last ~400 bytes of the server's log, on one line, for error messages. */
static void log_tail(const char *path, char *out, size_t n)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0;
    out[0] = '\0';
    if (!f)
        return;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        long want = size > 400 ? 400 : size;
        if (want > 0 && (size_t)want < n && fseek(f, size - want, SEEK_SET) == 0)
            len = fread(out, 1, (size_t)want, f);
    }
    fclose(f);
    out[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
            out[i] = ' ';
}

static void srv_close(void *impl)
{
    struct srv *S = impl;
    if (!S)
        return;
    if (S->auto_mode) {
        cllm_proc_stop(&S->proc, 5000);
        if (S->log_path[0])
            unlink(S->log_path);
    }
    free(S);
}

static enum cllm_status start_llama_server(struct srv *S, const struct cllm_engine_open_params *p, int ready_s,
                                           char *err, size_t errlen)
{
    char port_s[16], ctx_s[16], ngl_s[16], seed_s[16], thr_s[16], tail[512], spawn_err[512], exe[4096];
    const char *tmp = getenv("TMPDIR");
    const char *argv[16];
    int port = cllm_free_tcp_port(), fd, ngl;
    uint64_t deadline;
    enum cllm_status st;

    if (!p->model_path) {
        snprintf(err, errlen, "auto mode needs a model file for llama-server");
        return CLLM_ERR_INVALID_ARG;
    }
    st = cllm_serve_llama_server_find(p->llama_server, exe, sizeof(exe), spawn_err, sizeof(spawn_err));
    if (st != CLLM_OK) {
        snprintf(err, errlen, "cannot start llama-server: %s", spawn_err);
        return st;
    }
    if (port <= 0) {
        snprintf(err, errlen, "no free TCP port on 127.0.0.1 for llama-server");
        return CLLM_ERR_IO;
    }
    snprintf(S->log_path, sizeof(S->log_path), "%s/cllm-llama-server-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    fd = mkstemp(S->log_path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create llama-server's log file in %s", tmp && tmp[0] ? tmp : "/tmp");
        S->log_path[0] = '\0';
        return CLLM_ERR_IO;
    }
    close(fd);
    ngl = (p->device && strcmp(p->device, "cpu") == 0) ? 0 : p->n_gpu_layers < 0 ? -1 : p->n_gpu_layers;
    snprintf(port_s, sizeof(port_s), "%d", port);
    snprintf(ctx_s, sizeof(ctx_s), "%d", p->n_ctx > 0 ? p->n_ctx : 2048);
    snprintf(ngl_s, sizeof(ngl_s), "%d", ngl);
    snprintf(seed_s, sizeof(seed_s), "%u", (unsigned)p->seed);
    {
        int k = 0;
        argv[k++] = exe;
        argv[k++] = "-m";
        argv[k++] = p->model_path;
        argv[k++] = "--port";
        argv[k++] = port_s;
        argv[k++] = "--host";
        argv[k++] = "127.0.0.1";
        argv[k++] = "--ctx-size";
        argv[k++] = ctx_s;
        argv[k++] = "-ngl";
        argv[k++] = ngl_s;
        argv[k++] = "--seed";
        argv[k++] = seed_s;
        if (p->n_threads > 0) {
            /* the same threads as the in-process engine (physical cores), so the two modes compare */
            snprintf(thr_s, sizeof(thr_s), "%d", p->n_threads);
            argv[k++] = "--threads";
            argv[k++] = thr_s;
        }
        argv[k] = NULL;
    }
    st = cllm_proc_spawn(argv, S->log_path, &S->proc, spawn_err, sizeof(spawn_err));
    if (st != CLLM_OK) {
        snprintf(err, errlen, "cannot start llama-server: %s", spawn_err);
        return st;
    }
    S->auto_mode = true;
    S->is_llama_server = true;
    snprintf(S->base, sizeof(S->base), "http://127.0.0.1:%d", port);
    deadline = cllm_now_ns() + (uint64_t)ready_s * 1000000000ULL;
    for (;;) {
        /* /health answers 503 while the model loads, 200 once it serves */
        if (http_get(S, "/health", 2000) == 200)
            return CLLM_OK;
        if (p->cancel && *p->cancel) {
            snprintf(err, errlen, "stopped by the user while llama-server was loading the model");
            return CLLM_ERR_CANCELLED;
        }
        if (!cllm_proc_alive(&S->proc)) {
            log_tail(S->log_path, tail, sizeof(tail));
            snprintf(err, errlen, "llama-server exited (code %d) before it was ready: %s", S->proc.exit_code,
                     tail[0] ? tail : "(no output)");
            return CLLM_ERR_IO;
        }
        if (cllm_now_ns() > deadline) {
            log_tail(S->log_path, tail, sizeof(tail));
            snprintf(err, errlen, "llama-server not ready after %d s: %s", ready_s, tail[0] ? tail : "(no output)");
            return CLLM_ERR_IO;
        }
        sleep_ms(100);
    }
}

/* A llama-server on this machine (a loopback URL): the process listening on its port, whose memory holds the
 * model; 0 for another host or when it cannot be found. Other servers are left out: Ollama, say, keeps the model
 * in a runner process beside the one that listens. */
static long loopback_listener(const char *base)
{
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    long pid = 0;
    if (u && curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        (strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 || strcmp(host, "[::1]") == 0))
        pid = cllm_proc_find_tcp_listener(atoi(port));
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return pid;
}

static enum cllm_status srv_open(const struct cllm_engine_open_params *p, void **impl, char *err, size_t errlen)
{
    struct srv *S;
    enum cllm_status st = CLLM_OK;

    *impl = NULL;
    if (!p->server_url && !p->llama_server) {
        snprintf(err, errlen, "the server engine needs a server URL or a llama-server path");
        return CLLM_ERR_INVALID_ARG;
    }
    S = calloc(1, sizeof(*S));
    if (!S) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    S->stall_s = p->server_stall_s > 0 ? p->server_stall_s : CLLM_CHAT_STALL_S;
    S->deadline_base_s = p->server_deadline_base_s > 0 ? p->server_deadline_base_s : CLLM_CHAT_DEADLINE_BASE_S;
    S->deadline_per_token_s =
        p->server_deadline_per_token_s > 0 ? p->server_deadline_per_token_s : CLLM_CHAT_DEADLINE_PER_TOKEN_S;
    if (p->api_key && p->api_key[0])
        snprintf(S->auth, sizeof(S->auth), "Authorization: Bearer %s", p->api_key);
    if (p->server_model && p->server_model[0]) {
        cllm_strlcpy(S->model, p->server_model, sizeof(S->model));
    } else if (p->model_path && p->model_path[0]) {
        const char *b = strrchr(p->model_path, '/');
        cllm_strlcpy(S->model, b ? b + 1 : p->model_path, sizeof(S->model));
    } else {
        cllm_strlcpy(S->model, "default", sizeof(S->model));
    }
    if (p->llama_server) {
        st = start_llama_server(S, p, p->server_ready_s > 0 ? p->server_ready_s : 300, err, errlen);
    } else {
        size_t n;
        if (strncmp(p->server_url, "http://", 7) != 0 && strncmp(p->server_url, "https://", 8) != 0) {
            snprintf(err, errlen, "server URL must start with http:// or https://: %s", p->server_url);
            st = CLLM_ERR_CONFIG;
        } else {
            cllm_strlcpy(S->base, p->server_url, sizeof(S->base));
            n = strlen(S->base);
            while (n > 0 && S->base[n - 1] == '/')
                S->base[--n] = '\0';
            S->is_llama_server = probe_llama_server(S);
            if (S->is_llama_server)
                S->local_pid = loopback_listener(S->base);
        }
    }
    if (st != CLLM_OK) {
        srv_close(S);
        return st;
    }
    *impl = S;
    return CLLM_OK;
}

/* What the last run left beyond the trace: where the token count came from, the content chunks, llama-server's
 * own timings (its predicted_per_second beside ours). */
static void last_run_info(const struct cllm_server_run_info *l, struct cllm_engine_run_info *r)
{
    cllm_strlcpy(r->token_count_source, l->token_count_source, sizeof(r->token_count_source));
    r->content_chunks = l->n_chunks;
    cllm_strlcpy(r->finish_reason, l->finish_reason, sizeof(r->finish_reason));
    r->has_timings = l->has_timings;
    r->timings_prompt_n = l->timings_prompt_n;
    r->timings_predicted_n = l->timings_predicted_n;
    r->timings_predicted_per_second = l->timings_predicted_per_second;
    r->timings_prompt_per_second = l->timings_prompt_per_second;
}

static void srv_info(const void *impl, struct cllm_engine_info *o)
{
    const struct srv *S = impl;
    o->kind = CLLM_ENGINE_KIND_SERVER;
    cllm_strlcpy(o->library, S->is_llama_server ? "llama-server" : "openai-compatible", sizeof(o->library));
    cllm_strlcpy(o->mode, S->auto_mode ? "auto" : "manual", sizeof(o->mode));
    cllm_strlcpy(o->url, S->base, sizeof(o->url));
    cllm_strlcpy(o->model_name, S->model, sizeof(o->model_name));
    /* what ends a request that goes wrong (chat_stream.h) */
    o->stall_s = S->stall_s;
    o->deadline_base_s = S->deadline_base_s;
    o->deadline_per_token_s = S->deadline_per_token_s;
    o->has_server_pid = S->auto_mode || S->local_pid > 0;
    o->server_pid = S->auto_mode ? S->proc.pid : S->local_pid;   /* manual: found by its listening port */
    o->has_last_run = S->has_last;
    if (S->has_last)
        last_run_info(&S->last, &o->last_run);
}

static bool srv_run_info(const void *impl, struct cllm_engine_run_info *out)
{
    const struct srv *S = impl;
    if (!S || !S->has_last)
        return false;
    last_run_info(&S->last, out);
    return true;
}

/* auto mode: the llama-server child holds the model; manual mode: a llama-server listening on this machine, else
 * a server out of reach */
static long srv_model_pid(const void *impl)
{
    const struct srv *S = impl;
    if (S && S->auto_mode && S->proc.pid > 0)
        return S->proc.pid;
    return S && S->local_pid > 0 ? S->local_pid : -1;
}

bool cllm_serve_engine_last_run(const void *impl, struct cllm_server_run_info *out)
{
    const struct srv *S = impl;
    if (!S || !S->has_last)
        return false;
    *out = S->last;
    return true;
}

#else /* no libcurl (or not POSIX): the engine reports it is unavailable */

static enum cllm_status srv_open(const struct cllm_engine_open_params *p, void **impl, char *err, size_t errlen)
{
    (void)p;
    *impl = NULL;
    snprintf(err, errlen, "the server engine needs libcurl on a POSIX system (this build has neither or one)");
    return CLLM_ERR_UNSUPPORTED;
}

static enum cllm_status srv_generate(void *impl, const struct cllm_gen_params *g, struct cllm_llm_trace *trace,
                                     char *err, size_t errlen)
{
    (void)impl, (void)g, (void)trace;
    snprintf(err, errlen, "server engine unavailable");
    return CLLM_ERR_UNSUPPORTED;
}

static void srv_info(const void *impl, struct cllm_engine_info *out)
{
    (void)impl, (void)out;   /* kind NONE: written as {} */
}

static void srv_close(void *impl)
{
    (void)impl;
}

static long srv_model_pid(const void *impl)
{
    (void)impl;
    return -1;
}

static bool srv_run_info(const void *impl, struct cllm_engine_run_info *out)
{
    (void)impl, (void)out;
    return false;
}

bool cllm_serve_engine_last_run(const void *impl, struct cllm_server_run_info *out)
{
    (void)impl, (void)out;
    return false;
}
#endif

#ifndef CLLM_SOURCE_DIR
#define CLLM_SOURCE_DIR "."
#endif

#ifndef _WIN32
#include <limits.h>
#include <sys/stat.h>

static bool is_exe(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

enum cllm_status cllm_serve_llama_server_find(const char *name, char *out, size_t n, char *err, size_t errlen)
{
    char cand[PATH_MAX + 64], real[PATH_MAX];
    const char *path = getenv("PATH");

    if (!name || !name[0]) {
        snprintf(err, errlen, "no llama-server given");
        return CLLM_ERR_INVALID_ARG;
    }
    if (strchr(name, '/')) {
        if (!is_exe(name)) {
            snprintf(err, errlen, "llama-server '%s' is not an executable file (build one with scripts/setup "
                     "--llama-server, or give the path of an installed llama-server)", name);
            return CLLM_ERR_NOT_FOUND;
        }
        cllm_strlcpy(out, realpath(name, real) ? real : name, n);
        return CLLM_OK;
    }
    /* a bare name: PATH first, as a shell would */
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0 && len < PATH_MAX &&
            snprintf(cand, sizeof(cand), "%.*s/%s", (int)len, path, name) < (int)sizeof(cand) && is_exe(cand)) {
            cllm_strlcpy(out, cand, n);
            return CLLM_OK;
        }
        path = end ? end + 1 : NULL;
    }
    /* an installed binary's copy (cmake --install: P/lib/computellm/llama-server), then the source tree's */
    if (strcmp(name, "llama-server") == 0 && cllm_fs_exe_relative("../lib/computellm/llama-server", cand, sizeof(cand))
        && is_exe(cand)) {
        cllm_strlcpy(out, cand, n);
        return CLLM_OK;
    }
    /* an installed binary (P/share/computellm beside it) keeps out of the source tree it was built in */
    if (strcmp(name, "llama-server") == 0 &&
        !cllm_fs_exe_relative("../share/computellm", cand, sizeof(cand))) {
        const char *bases[2] = {CLLM_SOURCE_DIR, "."};
        for (int b = 0; b < 2; b++) {
            snprintf(cand, sizeof(cand), "%s/.deps/llama-server/bin/llama-server", bases[b]);
            if (is_exe(cand)) {
                cllm_strlcpy(out, realpath(cand, real) ? real : cand, n);
                return CLLM_OK;
            }
        }
    }
    snprintf(err, errlen, "llama-server '%s' not found on PATH%s (build one with scripts/setup --llama-server, or "
             "give its path)", name, strcmp(name, "llama-server") == 0 ? " nor in .deps/llama-server/bin" : "");
    return CLLM_ERR_NOT_FOUND;
}
#else
enum cllm_status cllm_serve_llama_server_find(const char *name, char *out, size_t n, char *err, size_t errlen)
{
    (void)name, (void)out, (void)n;
    snprintf(err, errlen, "auto mode (starting llama-server) is not supported on this platform; start it yourself "
             "and use --server-url");
    return CLLM_ERR_UNSUPPORTED;
}
#endif

const struct cllm_engine_ops cllm_engine_server = {
    .name = "llama-server",
    .open = srv_open,
    .generate = srv_generate,
    .info = srv_info,
    .close = srv_close,
    .model_pid = srv_model_pid,
    .run_info = srv_run_info,
};
