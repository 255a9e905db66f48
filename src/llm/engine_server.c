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
#include "core/strutil.h"
#include "llm/engine.h"
#include "llm/engine_server.h"
#include "llm/sse.h"
#ifndef _WIN32
#include "platform/proc.h"
#endif

#if defined(CLLM_WITH_CURL) && !defined(_WIN32)
#include <curl/curl.h>

struct srv {
    char   base[512];             /* "http://HOST:PORT" without a trailing slash */
    char   model[256];
    char   auth[512];             /* "Authorization: Bearer ..." or "" */
    int    stall_s;
    bool   is_llama_server;       /* auto mode, or /props answered as llama-server does */
    bool   auto_mode;
    struct cllm_proc proc;
    char   log_path[512];
    bool   has_last;
    struct cllm_server_run_info last;
};

/* One request's state, shared by curl's write callback and the SSE event callback. */
struct req {
    struct srv *S;
    const struct cllm_gen_params *g;
    struct cllm_llm_trace *trace;
    CURL  *c;
    struct cllm_sse_parser sse;
    uint64_t chunk_ns;            /* arrival time of the bytes being parsed */
    uint64_t last_rx_ns;          /* last time bytes came (or the request began) */
    bool   stalled;
    long   http;
    char  *body;                  /* an error response's body */
    size_t body_len;
    bool   done;                  /* data: [DONE] came */
    bool   has_usage;
    int    usage_completion, usage_prompt;
    enum cllm_status st;
    char   msg[512];
    struct cllm_server_run_info info;
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double num(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static void fail(struct req *r, enum cllm_status st, const char *fmt, const char *arg)
{
    if (r->st != CLLM_OK)
        return;
    r->st = st;
    snprintf(r->msg, sizeof(r->msg), fmt, arg);
}

static bool on_event(const struct cllm_sse_event *ev, void *ud)
{
    struct req *r = ud;
    cJSON *j, *e, *choices, *usage, *timings;

    if (r->done)
        return true;
    if (strcmp(ev->data, "[DONE]") == 0) {
        r->done = true;
        return true;
    }
    j = cJSON_ParseWithLength(ev->data, ev->data_len);
    if (!j || !cJSON_IsObject(j)) {
        char head[96];
        cllm_strlcpy(head, ev->data, sizeof(head));
        cJSON_Delete(j);
        fail(r, CLLM_ERR_PARSE, "malformed JSON in the server's stream: %s", head);
        return false;
    }
    e = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (e && !cJSON_IsNull(e)) {
        const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
        fail(r, CLLM_ERR_IO, "the server reported an error mid-stream: %s",
             cJSON_IsString(m) ? m->valuestring : "(no message)");
        cJSON_Delete(j);
        return false;
    }
    choices = cJSON_GetObjectItemCaseSensitive(j, "choices");
    if (cJSON_IsArray(choices) && cJSON_GetArraySize(choices) > 0) {
        cJSON *c0 = cJSON_GetArrayItem(choices, 0);
        cJSON *delta = cJSON_GetObjectItemCaseSensitive(c0, "delta");
        cJSON *content = cJSON_GetObjectItemCaseSensitive(delta, "content");
        cJSON *fr = cJSON_GetObjectItemCaseSensitive(c0, "finish_reason");
        if (cJSON_IsString(content) && content->valuestring[0]) {
            size_t len = strlen(content->valuestring);
            /* one trace entry per content delta: a multi-token chunk is one arrival */
            if (cllm_llm_trace_add(r->trace, r->chunk_ns, (uint32_t)len) != CLLM_OK) {
                fail(r, CLLM_ERR_NOMEM, "%s", "out of memory recording tokens");
                cJSON_Delete(j);
                return false;
            }
            r->info.n_chunks++;
            if (r->g->on_token && !r->g->on_token(content->valuestring, len, r->chunk_ns, r->g->user_data)) {
                fail(r, CLLM_ERR_CANCELLED, "%s", "stopped");
                cJSON_Delete(j);
                return false;
            }
        }
        if (cJSON_IsString(fr))
            cllm_strlcpy(r->info.finish_reason, fr->valuestring, sizeof(r->info.finish_reason));
    }
    usage = cJSON_GetObjectItemCaseSensitive(j, "usage");
    if (cJSON_IsObject(usage)) {
        r->has_usage = true;
        r->usage_completion = (int)num(usage, "completion_tokens", -1);
        r->usage_prompt = (int)num(usage, "prompt_tokens", -1);
    }
    timings = cJSON_GetObjectItemCaseSensitive(j, "timings");
    if (cJSON_IsObject(timings)) {
        r->info.has_timings = true;
        r->info.timings_prompt_n = (int)num(timings, "prompt_n", -1);
        r->info.timings_predicted_n = (int)num(timings, "predicted_n", -1);
        r->info.timings_prompt_ms = num(timings, "prompt_ms", NAN);
        r->info.timings_predicted_ms = num(timings, "predicted_ms", NAN);
        r->info.timings_predicted_per_second = num(timings, "predicted_per_second", NAN);
        r->info.timings_prompt_per_second = num(timings, "prompt_per_second", NAN);
    }
    cJSON_Delete(j);
    return true;
}

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct req *r = ud;
    size_t n = size * nmemb;
    enum cllm_status st;

    r->chunk_ns = cllm_now_ns();
    r->last_rx_ns = r->chunk_ns;
    if (r->http == 0)
        curl_easy_getinfo(r->c, CURLINFO_RESPONSE_CODE, &r->http);
    if (r->http >= 400) {
        /* keep the error body (bounded) for its message */
        size_t room = r->body_len < 65536 ? 65536 - r->body_len : 0, k = n < room ? n : room;
        char *b = realloc(r->body, r->body_len + k + 1);
        if (!b)
            return 0;
        r->body = b;
        memcpy(r->body + r->body_len, ptr, k);
        r->body_len += k;
        r->body[r->body_len] = '\0';
        return n;
    }
    st = cllm_sse_feed(&r->sse, ptr, n);
    if (st == CLLM_ERR_PARSE)
        fail(r, CLLM_ERR_PARSE, "%s", "malformed event stream: a line longer than the parser's limit");
    else if (st == CLLM_ERR_NOMEM)
        fail(r, CLLM_ERR_NOMEM, "%s", "out of memory parsing the stream");
    return st == CLLM_OK ? n : 0;
}

/* curl's low-speed check averages over seconds of history, so a stream that stops right after a burst is
 * caught late; this measures the silence itself. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    struct req *r = ud;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    if (cllm_now_ns() - r->last_rx_ns > (uint64_t)r->S->stall_s * 1000000000ULL) {
        r->stalled = true;
        return 1;
    }
    return 0;
}

/* The message of an error body: {"error":{"message":..}}, {"error":".."}, {"message":..} or the raw text. */
static void body_message(const char *body, char *out, size_t n)
{
    cJSON *j = body ? cJSON_Parse(body) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error"), *m = NULL;
    if (cJSON_IsObject(e))
        m = cJSON_GetObjectItemCaseSensitive(e, "message");
    else if (cJSON_IsString(e))
        m = e;
    if (!m)
        m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (cJSON_IsString(m))
        cllm_strlcpy(out, m->valuestring, n);
    else
        cllm_strlcpy(out, body && body[0] ? body : "(empty body)", n);
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    cJSON_Delete(j);
}

static char *request_body(const struct srv *S, const struct cllm_gen_params *g)
{
    cJSON *root = cJSON_CreateObject(), *msgs = cJSON_AddArrayToObject(root, "messages"), *m, *so;
    char *s;
    cJSON_AddStringToObject(root, "model", S->model);
    if (g->system_prompt && g->system_prompt[0]) {
        m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "system");
        cJSON_AddStringToObject(m, "content", g->system_prompt);
        cJSON_AddItemToArray(msgs, m);
    }
    m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "role", "user");
    cJSON_AddStringToObject(m, "content", g->prompt ? g->prompt : "");
    cJSON_AddItemToArray(msgs, m);
    cJSON_AddTrueToObject(root, "stream");
    so = cJSON_AddObjectToObject(root, "stream_options");
    cJSON_AddTrueToObject(so, "include_usage");
    cJSON_AddNumberToObject(root, "max_tokens", g->max_tokens);
    cJSON_AddNumberToObject(root, "temperature", g->temperature);
    cJSON_AddNumberToObject(root, "top_p", g->top_p);
    cJSON_AddNumberToObject(root, "seed", g->seed);
    /* llama-server's own names for the in-process sampler's settings; other servers ignore them */
    cJSON_AddNumberToObject(root, "repeat_penalty", g->repeat_penalty);
    if (g->top_k > 0)
        cJSON_AddNumberToObject(root, "top_k", g->top_k);
    if (g->repeat_last_n > 0)
        cJSON_AddNumberToObject(root, "repeat_last_n", g->repeat_last_n);
    if (g->ignore_eos)
        cJSON_AddTrueToObject(root, "ignore_eos");
    /* llama-server applies frequency_penalty on top of repeat_penalty, so it gets only repeat_penalty; other
     * servers know only the OpenAI field, which gets the closest additive form (not the same formula) */
    if (!S->is_llama_server && g->repeat_penalty > 1.0)
        cJSON_AddNumberToObject(root, "frequency_penalty", g->repeat_penalty - 1.0);
    s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

static enum cllm_status srv_generate(void *impl, const struct cllm_gen_params *g, struct cllm_llm_trace *trace,
                                     char *err, size_t errlen)
{
    struct srv *S = impl;
    struct req r;
    struct curl_slist *h = NULL;
    char url[600], cerr[CURL_ERROR_SIZE] = "";
    char *body;
    CURLcode cc;

    memset(&r, 0, sizeof(r));
    r.S = S;
    r.g = g;
    r.trace = trace;
    r.usage_completion = r.usage_prompt = -1;
    r.info.n_prompt_tokens = -1;
    r.info.server_pid = S->proc.pid;
    cllm_llm_trace_reset(trace);
    if (S->auto_mode && !cllm_proc_alive(&S->proc)) {
        snprintf(err, errlen, "llama-server is no longer running (exit code %d)", S->proc.exit_code);
        return CLLM_ERR_IO;
    }
    body = request_body(S, g);
    r.c = curl_easy_init();
    if (!body || !r.c) {
        free(body);
        if (r.c)
            curl_easy_cleanup(r.c);
        snprintf(err, errlen, "out of memory building the request");
        return CLLM_ERR_NOMEM;
    }
    cllm_sse_init(&r.sse, on_event, &r);
    snprintf(url, sizeof(url), "%s/v1/chat/completions", S->base);
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Accept: text/event-stream");
    if (S->auth[0])
        h = curl_slist_append(h, S->auth);
    curl_easy_setopt(r.c, CURLOPT_URL, url);
    curl_easy_setopt(r.c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(r.c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(r.c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(r.c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(r.c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(r.c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r.c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(r.c, CURLOPT_TCP_NODELAY, 1L);
    /* a stream that moves less than a byte a second for stall_s seconds is stuck */
    curl_easy_setopt(r.c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(r.c, CURLOPT_LOW_SPEED_TIME, (long)S->stall_s);
    curl_easy_setopt(r.c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(r.c, CURLOPT_XFERINFODATA, &r);
    curl_easy_setopt(r.c, CURLOPT_NOPROGRESS, 0L);

    trace->start_ns = cllm_now_ns();
    r.last_rx_ns = trace->start_ns;
    cc = curl_easy_perform(r.c);
    trace->end_ns = cllm_now_ns();
    if (r.http == 0)
        curl_easy_getinfo(r.c, CURLINFO_RESPONSE_CODE, &r.http);
    r.info.http_status = (int)r.http;

    if (r.st != CLLM_OK) {
        snprintf(err, errlen, "%s", r.msg);
    } else if (r.http >= 400) {
        char m[300];
        body_message(r.body, m, sizeof(m));
        snprintf(err, errlen, "HTTP %ld from %s: %s", r.http, url, m);
        r.st = r.http == 401 || r.http == 403 ? CLLM_ERR_CONFIG : r.http == 404 ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
    } else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST) {
        snprintf(err, errlen, "cannot connect to %s (%s): is the server running?", S->base, cerr[0] ? cerr : curl_easy_strerror(cc));
        r.st = CLLM_ERR_IO;
    } else if (cc == CURLE_OPERATION_TIMEDOUT || r.stalled) {
        snprintf(err, errlen, "the server's stream stalled: no data for %d s after %d chunks", S->stall_s,
                 r.info.n_chunks);
        r.st = CLLM_ERR_IO;
    } else if (cc != CURLE_OK) {
        snprintf(err, errlen, "the stream from %s broke off after %d chunks: %s", S->base, r.info.n_chunks,
                 cerr[0] ? cerr : curl_easy_strerror(cc));
        r.st = CLLM_ERR_IO;
    } else if (!r.done && (cllm_sse_pending(&r.sse) || !r.info.finish_reason[0])) {
        snprintf(err, errlen, "the server ended the stream before it finished (no [DONE]) after %d chunks",
                 r.info.n_chunks);
        r.st = CLLM_ERR_IO;
    }

    /* token counts: the server's usage, else llama-server's timings, else the chunks we counted */
    if (r.has_usage && r.usage_completion >= 0) {
        r.info.n_tokens = r.usage_completion;
        cllm_strlcpy(r.info.token_count_source, "usage", sizeof(r.info.token_count_source));
    } else if (r.info.has_timings && r.info.timings_predicted_n >= 0) {
        r.info.n_tokens = r.info.timings_predicted_n;
        cllm_strlcpy(r.info.token_count_source, "timings", sizeof(r.info.token_count_source));
    } else {
        r.info.n_tokens = r.info.n_chunks;
        cllm_strlcpy(r.info.token_count_source, "chunks", sizeof(r.info.token_count_source));
    }
    r.info.n_prompt_tokens = r.has_usage && r.usage_prompt >= 0 ? r.usage_prompt
                             : r.info.has_timings              ? r.info.timings_prompt_n
                                                               : -1;
    trace->n_prompt_tokens = r.info.n_prompt_tokens;
    if (r.info.has_timings && isfinite(r.info.timings_predicted_ms)) {
        /* llama-server's own counters sit where the in-process engine puts llama_perf's */
        trace->has_engine_counters = true;
        trace->engine_prompt_ms = r.info.timings_prompt_ms;
        trace->engine_prompt_tokens = r.info.timings_prompt_n;
        trace->engine_decode_ms = r.info.timings_predicted_ms;
        trace->engine_decode_tokens = r.info.timings_predicted_n;
    }
    S->last = r.info;
    S->has_last = true;

    cllm_sse_free(&r.sse);
    free(r.body);
    free(body);
    curl_slist_free_all(h);
    curl_easy_cleanup(r.c);
    return r.st;
}

/* GET base+path: the HTTP status (0: no answer); the body (≤ n bytes) in out when out is not NULL. */
struct getbuf {
    char  *out;
    size_t n, len;
};

static size_t get_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct getbuf *b = ud;
    size_t n = size * nmemb;
    if (b->out && b->len + 1 < b->n) {
        size_t k = n < b->n - 1 - b->len ? n : b->n - 1 - b->len;
        memcpy(b->out + b->len, ptr, k);
        b->len += k;
        b->out[b->len] = '\0';
    }
    return n;
}

static long http_get(const struct srv *S, const char *path, char *out, size_t n, long timeout_ms)
{
    char url[600];
    long code = 0;
    struct getbuf b = {out, n, 0};
    struct curl_slist *h = NULL;
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    if (out && n)
        out[0] = '\0';
    snprintf(url, sizeof(url), "%s%s", S->base, path);
    if (S->auth[0])
        h = curl_slist_append(h, S->auth);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, get_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return code;
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
    char port_s[16], ctx_s[16], ngl_s[16], seed_s[16], tail[512], spawn_err[256];
    const char *tmp = getenv("TMPDIR");
    const char *argv[16];
    int port = cllm_free_tcp_port(), fd, ngl;
    uint64_t deadline;
    enum cllm_status st;

    if (!p->model_path) {
        snprintf(err, errlen, "auto mode needs a model file for llama-server");
        return CLLM_ERR_INVALID_ARG;
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
        argv[k++] = p->llama_server;
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
        if (http_get(S, "/health", NULL, 0, 2000) == 200)
            return CLLM_OK;
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

static enum cllm_status srv_open(const struct cllm_engine_open_params *p, void **impl, char *err, size_t errlen)
{
    struct srv *S;
    enum cllm_status st = CLLM_OK;
    char props[4096];

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
    S->stall_s = p->server_stall_s > 0 ? p->server_stall_s : 60;
    if (p->api_key && p->api_key[0])
        snprintf(S->auth, sizeof(S->auth), "Authorization: Bearer %s", p->api_key);
    if (p->server_model && p->server_model[0]) {
        cllm_strlcpy(S->model, p->server_model, sizeof(S->model));
    } else if (p->model_path) {
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
            /* only llama-server answers /props with its generation settings */
            if (http_get(S, "/props", props, sizeof(props), 3000) == 200 &&
                strstr(props, "default_generation_settings"))
                S->is_llama_server = true;
        }
    }
    if (st != CLLM_OK) {
        srv_close(S);
        return st;
    }
    *impl = S;
    return CLLM_OK;
}

static cJSON *srv_info(const void *impl)
{
    const struct srv *S = impl;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "library", S->is_llama_server ? "llama-server" : "openai-compatible");
    cJSON_AddStringToObject(o, "mode", S->auto_mode ? "auto" : "manual");
    cJSON_AddStringToObject(o, "url", S->base);
    cJSON_AddStringToObject(o, "model", S->model);
    if (S->auto_mode)
        cJSON_AddNumberToObject(o, "server_pid", (double)S->proc.pid);
    if (S->has_last) {
        const struct cllm_server_run_info *l = &S->last;
        cJSON *r = cJSON_AddObjectToObject(o, "last_run");
        cJSON_AddNumberToObject(r, "chunks", l->n_chunks);
        cJSON_AddNumberToObject(r, "tokens", l->n_tokens);
        cJSON_AddStringToObject(r, "token_count_source", l->token_count_source);
        if (l->has_timings) {
            cJSON *t = cJSON_AddObjectToObject(r, "server_timings");
            cJSON_AddNumberToObject(t, "prompt_n", l->timings_prompt_n);
            cJSON_AddNumberToObject(t, "predicted_n", l->timings_predicted_n);
            if (isfinite(l->timings_predicted_per_second))
                cJSON_AddNumberToObject(t, "predicted_per_second", l->timings_predicted_per_second);
            if (isfinite(l->timings_prompt_per_second))
                cJSON_AddNumberToObject(t, "prompt_per_second", l->timings_prompt_per_second);
        }
    }
    return o;
}

/* auto mode: the llama-server child holds the model; manual mode: a server out of reach */
static long srv_model_pid(const void *impl)
{
    const struct srv *S = impl;
    return S && S->auto_mode && S->proc.pid > 0 ? S->proc.pid : -1;
}

bool cllm_engine_server_last_run(const void *impl, struct cllm_server_run_info *out)
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

static cJSON *srv_info(const void *impl)
{
    (void)impl;
    return cJSON_CreateObject();
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

bool cllm_engine_server_last_run(const void *impl, struct cllm_server_run_info *out)
{
    (void)impl, (void)out;
    return false;
}
#endif

const struct cllm_engine_ops cllm_engine_server = {
    .name = "llama-server",
    .open = srv_open,
    .generate = srv_generate,
    .info = srv_info,
    .close = srv_close,
    .model_pid = srv_model_pid,
};
