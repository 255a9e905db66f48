/* One streaming chat completion over libcurl (see chat_stream.h). */
#include "serve/chat_stream.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strutil.h"
#include "serve/sse.h"

#if defined(CLLM_WITH_CURL) && !defined(_WIN32)
#include <curl/curl.h>

#include "core/json.h"

#define ERROR_BODY_MAX 65536          /* bytes of an error answer kept for its message */
#define GET_BODY_MAX (1u << 20)       /* bytes of a GET answer read as JSON */

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
    double deadline_base_s, per_token_s;
    uint64_t deadline_ns;         /* the whole request, from its start */
    int    max_chunks;            /* content chunks accepted: max_tokens + margin */
    struct cllm_sse_parser sse;
    uint64_t chunk_ns;            /* arrival time of the bytes being parsed */
    uint64_t last_token_ns;       /* last time a token (or the end) came, or the request began */
    bool   stalled;               /* no token for stall_s */
    bool   over_deadline;         /* past deadline_ns */
    bool   cancelled;             /* g->cancel was set */
    long   http;
    char  *body;                  /* an error response's body */
    size_t body_len;
    bool   done;                  /* data: [DONE] came */
    bool   has_usage;
    int    usage_completion, usage_prompt;
    int    n_reasoning;           /* reasoning_content deltas (thinking models): tokens too, in the trace only
                                     with trace_reasoning */
    bool   trace_reasoning;
    enum cllm_status st;
    char   msg[512];
    struct cllm_server_run_info info;
};

static double num(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* The first bytes of s[0..len) as one line of valid UTF-8 for a message: invalid sequences as U+FFFD, control
 * characters as spaces, never cut inside a character. */
static void clean_text(const char *s, size_t len, char *out, size_t n)
{
    size_t rlen = 0, o = 0, i = 0;
    char *r = cllm_utf8_repair(s ? s : "", s ? len : 0, &rlen);
    if (!n)
        goto done;
    while (r && i < rlen) {
        unsigned char b = (unsigned char)r[i];
        size_t k = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (i + k > rlen || o + k >= n)
            break;
        if (k == 1 && (b < 0x20 || b == 0x7f))
            out[o++] = ' ';
        else
            memcpy(out + o, r + i, k), o += k;
        i += k;
    }
    out[o] = '\0';
done:
    free(r);
}

/* A message cut by snprintf may end inside a UTF-8 character: drop the partial one. */
static void utf8_trim(char *s)
{
    size_t bad;
    if (!cllm_utf8_valid(s, strlen(s), &bad))
        s[bad] = '\0';
}

static void fail(struct cllm_chat_stream *r, enum cllm_status st, const char *fmt, ...) CLLM_PRINTF(3, 4);
static void fail(struct cllm_chat_stream *r, enum cllm_status st, const char *fmt, ...)
{
    va_list ap;
    if (r->st != CLLM_OK)
        return;
    r->st = st;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
    va_end(ap);
}

/* A token (or the stream's end) came: the stall timer starts again. Comments and empty events never get here. */
static void progress(struct cllm_chat_stream *r) { r->last_token_ns = r->chunk_ns; }

static bool on_event(const struct cllm_sse_event *ev, void *ud)
{
    struct cllm_chat_stream *r = ud;
    cJSON *j, *e, *choices, *usage, *timings;
    char jerr[256], head[120];

    if (r->done)
        return false;
    if (ev->data_len == 0)
        return true;   /* an empty event carries nothing */
    if (ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0) {
        r->done = true;
        progress(r);
        return false;  /* nothing after [DONE] is read: a server that keeps the connection open costs nothing */
    }
    j = cllm_json_parse(ev->data, ev->data_len, "event data", jerr, sizeof(jerr));
    if (!j || !cJSON_IsObject(j)) {
        clean_text(ev->data, ev->data_len, head, sizeof(head));
        if (j)
            snprintf(jerr, sizeof(jerr), "event data is %s, not an object", cllm_json_type_name(j));
        cJSON_Delete(j);
        fail(r, CLLM_ERR_PARSE, "malformed JSON in the server's stream after %d chunks: %s (data: %s)",
             r->info.n_chunks, jerr, head);
        return false;
    }
    e = cJSON_GetObjectItemCaseSensitive(j, "error");
    if (e && !cJSON_IsNull(e)) {
        const cJSON *m = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "message") : e;
        clean_text(cJSON_IsString(m) ? m->valuestring : "(no message)",
                   strlen(cJSON_IsString(m) ? m->valuestring : "(no message)"), head, sizeof(head));
        fail(r, CLLM_ERR_IO, "the server reported an error mid-stream: %s", head);
        cJSON_Delete(j);
        return false;
    }
    choices = cJSON_GetObjectItemCaseSensitive(j, "choices");
    if (cJSON_IsArray(choices) && cJSON_GetArraySize(choices) > 0) {
        cJSON *c0 = cJSON_GetArrayItem(choices, 0);
        cJSON *delta = cJSON_GetObjectItemCaseSensitive(c0, "delta");
        cJSON *content = cJSON_GetObjectItemCaseSensitive(delta, "content");
        cJSON *reasoning = cJSON_GetObjectItemCaseSensitive(delta, "reasoning_content");
        cJSON *fr = cJSON_GetObjectItemCaseSensitive(c0, "finish_reason");
        bool text = cJSON_IsString(content) && content->valuestring[0];
        /* role-only deltas, empty content and token-less chunks are not tokens: they stamp nothing */
        if (cJSON_IsString(reasoning) && reasoning->valuestring[0]) {
            r->n_reasoning++;
            if (!r->info.first_reasoning_ns)
                r->info.first_reasoning_ns = r->chunk_ns;
            progress(r);
            if (r->trace_reasoning &&
                cllm_llm_trace_add(r->trace, r->chunk_ns, (uint32_t)strlen(reasoning->valuestring)) != CLLM_OK) {
                fail(r, CLLM_ERR_NOMEM, "%s", "out of memory recording tokens");
                cJSON_Delete(j);
                return false;
            }
        }
        if (text) {
            size_t len = strlen(content->valuestring);
            if (!r->info.first_content_ns)
                r->info.first_content_ns = r->chunk_ns;
            progress(r);
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
        if (r->info.n_chunks + r->n_reasoning > r->max_chunks) {
            fail(r, CLLM_ERR_IO, "the server sent more than max_tokens (%d): %d chunks and no end, so it ignores "
                 "max_tokens; stopped reading", r->g->max_tokens, r->info.n_chunks + r->n_reasoning);
            cJSON_Delete(j);
            return false;
        }
        if (cJSON_IsString(fr)) {
            clean_text(fr->valuestring, strlen(fr->valuestring), r->info.finish_reason,
                       sizeof(r->info.finish_reason));
            progress(r);
        }
    }
    usage = cJSON_GetObjectItemCaseSensitive(j, "usage");
    if (cJSON_IsObject(usage)) {
        r->has_usage = true;
        r->usage_completion = (int)num(usage, "completion_tokens", -1);
        r->usage_prompt = (int)num(usage, "prompt_tokens", -1);
        {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens_details");
            double c = num(d, "cached_tokens", -1);
            if (c >= 0)
                r->info.cached_tokens = (int)c;
        }
        progress(r);
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
        if (num(timings, "cache_n", -1) >= 0)
            r->info.cached_tokens = (int)num(timings, "cache_n", -1);
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
    if (r->http == 0)
        curl_easy_getinfo(r->c, CURLINFO_RESPONSE_CODE, &r->http);
    if (r->http >= 400) {
        /* keep the error body (bounded) for its message; an endless one is cut there */
        size_t room = r->body_len < ERROR_BODY_MAX ? ERROR_BODY_MAX - r->body_len : 0, k = n < room ? n : room;
        char *b = realloc(r->body, r->body_len + k + 1);
        if (!b)
            return 0;
        r->body = b;
        memcpy(r->body + r->body_len, ptr, k);
        r->body_len += k;
        r->body[r->body_len] = '\0';
        return k < n ? 0 : n;
    }
    st = cllm_sse_feed(&r->sse, ptr, n);
    if (st == CLLM_ERR_PARSE)
        fail(r, CLLM_ERR_PARSE, "malformed event stream: a line or an event longer than the parser's limit "
             "(%zu bytes)", r->sse.max_line ? r->sse.max_line : (size_t)4 << 20);
    else if (st == CLLM_ERR_NOMEM)
        fail(r, CLLM_ERR_NOMEM, "%s", "out of memory parsing the stream");
    return st == CLLM_OK ? n : 0;
}

/* Whether the request must end now: Ctrl-C, no token for stall_s, or past its deadline. curl's low-speed check
 * would count keep-alive bytes and averages over seconds of history; this measures the silence itself. */
static bool expired(struct cllm_chat_stream *r)
{
    uint64_t now = cllm_now_ns();
    if (r->g->cancel && *r->g->cancel)
        r->cancelled = true;
    else if (now - r->last_token_ns > (uint64_t)r->stall_s * 1000000000ULL)
        r->stalled = true;
    else if (now - r->trace->start_ns > r->deadline_ns)
        r->over_deadline = true;
    return r->cancelled || r->stalled || r->over_deadline;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return expired(ud) ? 1 : 0;
}

bool cllm_chat_stream_expired(struct cllm_chat_stream *s) { return s && expired(s); }

/* The message of an error body: {"error":{"message":..}}, {"error":".."}, {"message":..} or the raw text, as
 * one line of valid UTF-8. */
static void body_message(const char *body, size_t len, char *out, size_t n)
{
    char jerr[8];
    cJSON *j = body && len ? cllm_json_parse(body, len, "", jerr, sizeof(jerr)) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error"), *m = NULL;
    if (cJSON_IsObject(e))
        m = cJSON_GetObjectItemCaseSensitive(e, "message");
    else if (cJSON_IsString(e))
        m = e;
    if (!m)
        m = cJSON_GetObjectItemCaseSensitive(j, "message");
    if (cJSON_IsString(m))
        clean_text(m->valuestring, strlen(m->valuestring), out, n);
    else if (body && len)
        clean_text(body, len, out, n);
    else
        cllm_strlcpy(out, "(empty body)", n);
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
        cJSON_AddBoolToObject(root, "cache_prompt", t->cache_prompt);
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
    double deadline_s;
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
    r->stall_s = t->stall_s > 0 ? t->stall_s : CLLM_CHAT_STALL_S;
    r->deadline_base_s = t->deadline_base_s > 0 ? t->deadline_base_s : CLLM_CHAT_DEADLINE_BASE_S;
    r->per_token_s = t->deadline_per_token_s > 0 ? t->deadline_per_token_s : CLLM_CHAT_DEADLINE_PER_TOKEN_S;
    deadline_s = r->deadline_base_s + (g->max_tokens > 0 ? g->max_tokens : 0) * r->per_token_s;
    r->deadline_ns = (uint64_t)(deadline_s * 1e9);
    r->max_chunks = g->max_tokens + CLLM_CHAT_MAX_TOKENS_MARGIN(g->max_tokens);
    r->usage_completion = r->usage_prompt = -1;
    r->info.n_prompt_tokens = -1;
    r->info.cached_tokens = -1;
    r->trace_reasoning = t->trace_reasoning;
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
    curl_easy_setopt(r->c, CURLOPT_CONNECTTIMEOUT, (long)CLLM_CHAT_CONNECT_S);
    curl_easy_setopt(r->c, CURLOPT_TCP_NODELAY, 1L);
    /* backstops for a curl that calls the progress callback less often: total silence for stall_s, and the
     * deadline a second late */
    curl_easy_setopt(r->c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(r->c, CURLOPT_LOW_SPEED_TIME, (long)r->stall_s);
    if (deadline_s * 1000 + 1000 < 2147483647.0)   /* beyond ~24 days (a 32-bit long): our own check only */
        curl_easy_setopt(r->c, CURLOPT_TIMEOUT_MS, (long)(deadline_s * 1000) + 1000L);
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
    s->last_token_ns = s->trace->start_ns;
}

int cllm_chat_stream_perform(struct cllm_chat_stream *s)
{
    CURLM *m = curl_multi_init();
    CURLcode res = CURLE_OK;
    bool ended = false;

    if (!m)
        return CURLE_OUT_OF_MEMORY;
    if (curl_multi_add_handle(m, s->c) != CURLM_OK) {
        curl_multi_cleanup(m);
        return CURLE_FAILED_INIT;
    }
    while (!ended) {
        CURLMsg *msg;
        int running, left;
        if (expired(s)) {
            res = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            res = CURLE_FAILED_INIT;
            break;
        }
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == s->c) {
                res = msg->data.result;
                ended = true;
            }
        /* a short wait: Ctrl-C and the deadlines are seen within 50 ms, whatever the server does */
        if (!ended)
            curl_multi_poll(m, NULL, 0, 50, NULL);
    }
    curl_multi_remove_handle(m, s->c);
    curl_multi_cleanup(m);
    return (int)res;
}

enum cllm_status cllm_chat_stream_finish(struct cllm_chat_stream *r, int code, struct cllm_server_run_info *info,
                                         char *err, size_t errlen)
{
    struct cllm_llm_trace *trace = r->trace;
    CURLcode cc = (CURLcode)code;
    double elapsed_s;
    char comments[96] = "";

    trace->end_ns = cllm_now_ns();
    elapsed_s = (double)(trace->end_ns - trace->start_ns) / 1e9;
    if (r->http == 0)
        curl_easy_getinfo(r->c, CURLINFO_RESPONSE_CODE, &r->http);
    r->info.http_status = (int)r->http;
    if (r->sse.n_comments > 0)
        snprintf(comments, sizeof(comments), " (%zu keep-alive comments, which do not count)", r->sse.n_comments);

    if (r->cancelled || (r->g->cancel && *r->g->cancel && !r->done &&
                         (cc == CURLE_ABORTED_BY_CALLBACK || r->st == CLLM_ERR_CANCELLED))) {
        snprintf(err, errlen, "stopped by the user");
        r->st = CLLM_ERR_CANCELLED;
    } else if (r->st != CLLM_OK) {
        snprintf(err, errlen, "%s", r->msg);
    } else if (r->http >= 400) {
        char m[300];
        body_message(r->body, r->body_len, m, sizeof(m));
        snprintf(err, errlen, "HTTP %ld from %s: %s", r->http, r->url, m);
        r->st = r->http == 401 || r->http == 403 ? CLLM_ERR_CONFIG : r->http == 404 ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
    } else if (r->done && (cc == CURLE_OK || cc == CURLE_WRITE_ERROR)) {
        /* [DONE] came: the transfer was ended here (CURLE_WRITE_ERROR) or by the server */
    } else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST) {
        snprintf(err, errlen, "cannot connect to %s (%s): is the server running?", r->base,
                 r->cerr[0] ? r->cerr : curl_easy_strerror(cc));
        r->st = CLLM_ERR_IO;
    } else if (r->over_deadline || (cc == CURLE_OPERATION_TIMEDOUT && r->http > 0 &&
                                    elapsed_s * 1e9 >= (double)r->deadline_ns)) {
        snprintf(err, errlen, "the request passed its deadline of %.1f s (%.1f s + %d max_tokens x %.3g s per token) "
                 "after %d chunks%s: the server is too slow or sends no tokens", (double)r->deadline_ns / 1e9,
                 r->deadline_base_s, r->g->max_tokens, r->per_token_s, r->info.n_chunks, comments);
        r->st = CLLM_ERR_TIMEOUT;
    } else if (cc == CURLE_OPERATION_TIMEDOUT && r->http == 0 && !r->stalled &&
               elapsed_s < (double)r->stall_s) {
        snprintf(err, errlen, "cannot connect to %s within %d s (%s)", r->base, CLLM_CHAT_CONNECT_S,
                 r->cerr[0] ? r->cerr : curl_easy_strerror(cc));
        r->st = CLLM_ERR_TIMEOUT;
    } else if (r->stalled || cc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(err, errlen, "the server's stream stalled: no token for %d s after %d chunks%s", r->stall_s,
                 r->info.n_chunks, comments);
        r->st = CLLM_ERR_TIMEOUT;
    } else if (cc != CURLE_OK) {
        snprintf(err, errlen, "the stream from %s broke off after %d chunks: %s", r->base, r->info.n_chunks,
                 r->cerr[0] ? r->cerr : curl_easy_strerror(cc));
        r->st = CLLM_ERR_IO;
    } else if (!r->done && (cllm_sse_pending(&r->sse) || !r->info.finish_reason[0])) {
        char *ct = NULL, ctype[96] = "";
        curl_easy_getinfo(r->c, CURLINFO_CONTENT_TYPE, &ct);
        if (ct)
            clean_text(ct, strlen(ct), ctype, sizeof(ctype));
        if (r->info.n_chunks == 0 && !strstr(ctype, "text/event-stream"))
            snprintf(err, errlen, "the server answered with %s%s, not an event stream: it does not stream chat "
                     "completions (\"stream\": true)", ctype[0] ? "Content-Type " : "no Content-Type", ctype);
        else
            snprintf(err, errlen, "the server ended the stream before it finished (no [DONE]) after %d chunks",
                     r->info.n_chunks);
        r->st = CLLM_ERR_IO;
    }
    if (r->st != CLLM_OK)
        utf8_trim(err);

    /* token counts: the server's usage, else llama-server's timings, else the chunks we counted */
    if (r->has_usage && r->usage_completion >= 0) {
        r->info.n_tokens = r->usage_completion;
        cllm_strlcpy(r->info.token_count_source, "usage", sizeof(r->info.token_count_source));
    } else if (r->info.has_timings && r->info.timings_predicted_n >= 0) {
        r->info.n_tokens = r->info.timings_predicted_n;
        cllm_strlcpy(r->info.token_count_source, "timings", sizeof(r->info.token_count_source));
    } else {
        r->info.n_tokens = r->info.n_chunks + (r->trace_reasoning ? r->n_reasoning : 0);
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
    r->info.n_reasoning = r->n_reasoning;
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
    char  *data;
    size_t len;
    bool   too_big;
};

static size_t get_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct getbuf *b = ud;
    size_t n = size * nmemb;
    char *nb;
    if (!b)
        return n;   /* the body is not wanted */
    if (b->len + n > GET_BODY_MAX) {
        b->too_big = true;
        return 0;
    }
    nb = realloc(b->data, b->len + n + 1);
    if (!nb)
        return 0;
    b->data = nb;
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

/* GET base + path into b (NULL: the body is dropped): the HTTP status, 0 when no whole answer came. */
/* GET (post NULL) or POST of a JSON body. */
static long http_req(const char *base, const char *auth, const char *path, const char *post, long timeout_ms,
                     struct getbuf *b)
{
    char url[600];
    long code = 0;
    struct curl_slist *h = NULL;
    CURL *c = curl_easy_init();
    if (!c)
        return 0;
    snprintf(url, sizeof(url), "%s%s", base, path);
    if (auth && auth[0])
        h = curl_slist_append(h, auth);
    if (post) {
        h = curl_slist_append(h, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, get_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return code;
}

static long http_get(const char *base, const char *auth, const char *path, long timeout_ms, struct getbuf *b)
{
    return http_req(base, auth, path, NULL, timeout_ms, b);
}

long cllm_chat_http_get(const char *base, const char *auth, const char *path, long timeout_ms)
{
    return http_get(base, auth, path, timeout_ms, NULL);
}

static long http_json(const char *base, const char *auth, const char *path, const char *post, long timeout_ms,
                      cJSON **out, char *err, size_t errlen)
{
    struct getbuf b = {NULL, 0, false};
    char origin[128];
    long code;

    *out = NULL;
    if (errlen)
        err[0] = '\0';
    code = http_req(base, auth, path, post, timeout_ms, &b);
    if (b.too_big) {
        snprintf(err, errlen, "GET %s: the answer is larger than %u bytes", path, GET_BODY_MAX);
        code = 200;
    } else if (code == 200) {
        snprintf(origin, sizeof(origin), "%s %s", post ? "POST" : "GET", path);
        *out = cllm_json_parse(b.data ? b.data : "", b.len, origin, err, errlen);
        utf8_trim(err);
    }
    free(b.data);
    return code;
}

long cllm_chat_http_get_json(const char *base, const char *auth, const char *path, long timeout_ms, cJSON **out,
                             char *err, size_t errlen)
{
    return http_json(base, auth, path, NULL, timeout_ms, out, err, errlen);
}

long cllm_chat_http_post_json(const char *base, const char *auth, const char *path, const char *body,
                              long timeout_ms, cJSON **out, char *err, size_t errlen)
{
    return http_json(base, auth, path, body ? body : "{}", timeout_ms, out, err, errlen);
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

int cllm_chat_stream_perform(struct cllm_chat_stream *s)
{
    (void)s;
    return -1;
}

bool cllm_chat_stream_expired(struct cllm_chat_stream *s)
{
    (void)s;
    return true;
}

long cllm_chat_http_get(const char *base, const char *auth, const char *path, long timeout_ms)
{
    (void)base, (void)auth, (void)path, (void)timeout_ms;
    return 0;
}

long cllm_chat_http_get_json(const char *base, const char *auth, const char *path, long timeout_ms, cJSON **out,
                             char *err, size_t errlen)
{
    (void)base, (void)auth, (void)path, (void)timeout_ms;
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    return 0;
}

long cllm_chat_http_post_json(const char *base, const char *auth, const char *path, const char *body,
                              long timeout_ms, cJSON **out, char *err, size_t errlen)
{
    (void)body;
    return cllm_chat_http_get_json(base, auth, path, timeout_ms, out, err, errlen);
}
#endif
