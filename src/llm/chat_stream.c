/* One streaming chat completion over libcurl (see chat_stream.h). */
#include "llm/chat_stream.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "llm/sse.h"

#if defined(CLLM_WITH_CURL) && !defined(_WIN32)
#include <curl/curl.h>

struct cllm_chat_stream {
    const struct cllm_gen_params *g;
    struct cllm_llm_trace *trace;
    CURL  *c;
    struct curl_slist *headers;
    char  *req_body;              /* the JSON posted */
    char   base[512];
    char   url[600];
    char   cerr[CURL_ERROR_SIZE];
    int    stall_s;
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

static double num(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static void fail(struct cllm_chat_stream *r, enum cllm_status st, const char *fmt, const char *arg)
{
    if (r->st != CLLM_OK)
        return;
    r->st = st;
    snprintf(r->msg, sizeof(r->msg), fmt, arg);
}

static bool on_event(const struct cllm_sse_event *ev, void *ud)
{
    struct cllm_chat_stream *r = ud;
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
    struct cllm_chat_stream *r = ud;
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
    struct cllm_chat_stream *r = ud;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    if (cllm_now_ns() - r->last_rx_ns > (uint64_t)r->stall_s * 1000000000ULL) {
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

static char *request_body(const struct cllm_chat_target *t, const struct cllm_gen_params *g)
{
    cJSON *root = cJSON_CreateObject(), *msgs = cJSON_AddArrayToObject(root, "messages"), *m, *so;
    char *s;
    cJSON_AddStringToObject(root, "model", t->model ? t->model : "default");
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
    /* llama-server reuses a cached prompt prefix by default: every run would then skip the prompt after the
     * first, unlike in-process runs, which start from an empty context */
    if (t->is_llama_server)
        cJSON_AddFalseToObject(root, "cache_prompt");
    /* llama-server applies frequency_penalty on top of repeat_penalty, so it gets only repeat_penalty; other
     * servers know only the OpenAI field, which gets the closest additive form (not the same formula) */
    if (!t->is_llama_server && g->repeat_penalty > 1.0)
        cJSON_AddNumberToObject(root, "frequency_penalty", g->repeat_penalty - 1.0);
    s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}

enum cllm_status cllm_chat_stream_new(const struct cllm_chat_target *t, const struct cllm_gen_params *g,
                                      struct cllm_llm_trace *trace, struct cllm_chat_stream **out, char *err,
                                      size_t errlen)
{
    struct cllm_chat_stream *r = calloc(1, sizeof(*r));
    *out = NULL;
    cllm_llm_trace_reset(trace);
    if (r) {
        r->req_body = request_body(t, g);
        r->c = curl_easy_init();
    }
    if (!r || !r->req_body || !r->c) {
        cllm_chat_stream_free(r);
        snprintf(err, errlen, "out of memory building the request");
        return CLLM_ERR_NOMEM;
    }
    r->g = g;
    r->trace = trace;
    r->stall_s = t->stall_s > 0 ? t->stall_s : 60;
    r->usage_completion = r->usage_prompt = -1;
    r->info.n_prompt_tokens = -1;
    cllm_strlcpy(r->base, t->base, sizeof(r->base));
    snprintf(r->url, sizeof(r->url), "%s/v1/chat/completions", r->base);
    cllm_sse_init(&r->sse, on_event, r);
    r->headers = curl_slist_append(r->headers, "Content-Type: application/json");
    r->headers = curl_slist_append(r->headers, "Accept: text/event-stream");
    if (t->auth && t->auth[0])
        r->headers = curl_slist_append(r->headers, t->auth);
    curl_easy_setopt(r->c, CURLOPT_URL, r->url);
    curl_easy_setopt(r->c, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(r->c, CURLOPT_POSTFIELDS, r->req_body);
    curl_easy_setopt(r->c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(r->c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->c, CURLOPT_ERRORBUFFER, r->cerr);
    curl_easy_setopt(r->c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(r->c, CURLOPT_TCP_NODELAY, 1L);
    /* a stream that moves less than a byte a second for stall_s seconds is stuck */
    curl_easy_setopt(r->c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(r->c, CURLOPT_LOW_SPEED_TIME, (long)r->stall_s);
    curl_easy_setopt(r->c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(r->c, CURLOPT_XFERINFODATA, r);
    curl_easy_setopt(r->c, CURLOPT_NOPROGRESS, 0L);
    *out = r;
    return CLLM_OK;
}

void *cllm_chat_stream_curl(struct cllm_chat_stream *s) { return s ? s->c : NULL; }

void cllm_chat_stream_begin(struct cllm_chat_stream *s)
{
    s->trace->start_ns = cllm_now_ns();
    s->last_rx_ns = s->trace->start_ns;
}

enum cllm_status cllm_chat_stream_finish(struct cllm_chat_stream *r, int code, struct cllm_server_run_info *info,
                                         char *err, size_t errlen)
{
    struct cllm_llm_trace *trace = r->trace;
    CURLcode cc = (CURLcode)code;

    trace->end_ns = cllm_now_ns();
    if (r->http == 0)
        curl_easy_getinfo(r->c, CURLINFO_RESPONSE_CODE, &r->http);
    r->info.http_status = (int)r->http;

    if (r->st != CLLM_OK) {
        snprintf(err, errlen, "%s", r->msg);
    } else if (r->http >= 400) {
        char m[300];
        body_message(r->body, m, sizeof(m));
        snprintf(err, errlen, "HTTP %ld from %s: %s", r->http, r->url, m);
        r->st = r->http == 401 || r->http == 403 ? CLLM_ERR_CONFIG : r->http == 404 ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
    } else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST) {
        snprintf(err, errlen, "cannot connect to %s (%s): is the server running?", r->base,
                 r->cerr[0] ? r->cerr : curl_easy_strerror(cc));
        r->st = CLLM_ERR_IO;
    } else if (cc == CURLE_OPERATION_TIMEDOUT || r->stalled) {
        snprintf(err, errlen, "the server's stream stalled: no data for %d s after %d chunks", r->stall_s,
                 r->info.n_chunks);
        r->st = CLLM_ERR_IO;
    } else if (cc != CURLE_OK) {
        snprintf(err, errlen, "the stream from %s broke off after %d chunks: %s", r->base, r->info.n_chunks,
                 r->cerr[0] ? r->cerr : curl_easy_strerror(cc));
        r->st = CLLM_ERR_IO;
    } else if (!r->done && (cllm_sse_pending(&r->sse) || !r->info.finish_reason[0])) {
        snprintf(err, errlen, "the server ended the stream before it finished (no [DONE]) after %d chunks",
                 r->info.n_chunks);
        r->st = CLLM_ERR_IO;
    }

    /* token counts: the server's usage, else llama-server's timings, else the chunks we counted */
    if (r->has_usage && r->usage_completion >= 0) {
        r->info.n_tokens = r->usage_completion;
        cllm_strlcpy(r->info.token_count_source, "usage", sizeof(r->info.token_count_source));
    } else if (r->info.has_timings && r->info.timings_predicted_n >= 0) {
        r->info.n_tokens = r->info.timings_predicted_n;
        cllm_strlcpy(r->info.token_count_source, "timings", sizeof(r->info.token_count_source));
    } else {
        r->info.n_tokens = r->info.n_chunks;
        cllm_strlcpy(r->info.token_count_source, "chunks", sizeof(r->info.token_count_source));
    }
    r->info.n_prompt_tokens = r->has_usage && r->usage_prompt >= 0 ? r->usage_prompt
                              : r->info.has_timings               ? r->info.timings_prompt_n
                                                                  : -1;
    trace->n_prompt_tokens = r->info.n_prompt_tokens;
    if (r->info.has_timings && isfinite(r->info.timings_predicted_ms)) {
        /* llama-server's own counters sit where the in-process engine puts llama_perf's */
        trace->has_engine_counters = true;
        trace->engine_prompt_ms = r->info.timings_prompt_ms;
        trace->engine_prompt_tokens = r->info.timings_prompt_n;
        trace->engine_decode_ms = r->info.timings_predicted_ms;
        trace->engine_decode_tokens = r->info.timings_predicted_n;
    }
    if (info)
        *info = r->info;
    return r->st;
}

void cllm_chat_stream_free(struct cllm_chat_stream *s)
{
    if (!s)
        return;
    cllm_sse_free(&s->sse);
    if (s->c)
        curl_easy_cleanup(s->c);
    curl_slist_free_all(s->headers);
    free(s->body);
    free(s->req_body);
    free(s);
}

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

long cllm_chat_http_get(const char *base, const char *auth, const char *path, char *out, size_t n,
                        long timeout_ms)
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
    snprintf(url, sizeof(url), "%s%s", base, path);
    if (auth && auth[0])
        h = curl_slist_append(h, auth);
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

#else /* no libcurl (or not POSIX) */

enum cllm_status cllm_chat_stream_new(const struct cllm_chat_target *t, const struct cllm_gen_params *g,
                                      struct cllm_llm_trace *trace, struct cllm_chat_stream **out, char *err,
                                      size_t errlen)
{
    (void)t, (void)g, (void)trace;
    *out = NULL;
    snprintf(err, errlen, "streaming from a server needs libcurl on a POSIX system (this build has neither or one)");
    return CLLM_ERR_UNSUPPORTED;
}

void *cllm_chat_stream_curl(struct cllm_chat_stream *s)
{
    (void)s;
    return NULL;
}

void cllm_chat_stream_begin(struct cllm_chat_stream *s) { (void)s; }

enum cllm_status cllm_chat_stream_finish(struct cllm_chat_stream *s, int cc, struct cllm_server_run_info *info,
                                         char *err, size_t errlen)
{
    (void)s, (void)cc, (void)info;
    snprintf(err, errlen, "no libcurl in this build");
    return CLLM_ERR_UNSUPPORTED;
}

void cllm_chat_stream_free(struct cllm_chat_stream *s) { (void)s; }

long cllm_chat_http_get(const char *base, const char *auth, const char *path, char *out, size_t n,
                        long timeout_ms)
{
    (void)base, (void)auth, (void)path, (void)timeout_ms;
    if (out && n)
        out[0] = '\0';
    return 0;
}
#endif
