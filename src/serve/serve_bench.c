/* Serving load against an OpenAI-compatible server (see serve_bench.h). */
#include "serve/serve_bench.h"
#include "report/result.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "hw/hw.h"
#include "serve/chat_stream.h"
#include "llm/engine.h"
#include "llm/metrics.h"
#include "core/json.h"

#define ITL_MEASURE "the mean inter-token latency of each request (a request with one token meets it)"

struct cllm_serve_params cllm_serve_default_params(void)
{
    struct cllm_serve_params p;
    struct cllm_gen_params g = cllm_gen_default_params();
    memset(&p, 0, sizeof(p));
    p.max_tokens = g.max_tokens;
    p.prompt = g.prompt;
    p.system_prompt = g.system_prompt;
    p.stall_s = CLLM_CHAT_STALL_S;
    p.deadline_base_s = CLLM_CHAT_DEADLINE_BASE_S;
    p.deadline_per_token_s = CLLM_CHAT_DEADLINE_PER_TOKEN_S;
    p.max_errors = 5;
    return p;
}

enum cllm_status cllm_serve_parse_concurrency(struct cllm_serve_params *p, const char *list, char *err,
                                              size_t errlen)
{
    const char *s = list ? list : "";
    int n = 0;

    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char item[32];
        char *stop;
        long v;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "%s (want positive integers separated by commas, e.g. 1,2,4,8)",
                     len ? "an item is too long" : "an empty item");
            return CLLM_ERR_CONFIG;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        v = strtol(item, &stop, 10);
        if (*stop || !isdigit((unsigned char)item[0]) || v < 1) {
            snprintf(err, errlen, "'%s' is not a positive integer (want e.g. 1,2,4,8)", item);
            return CLLM_ERR_CONFIG;
        }
        if (v > CLLM_SERVE_MAX_CONCURRENCY) {
            snprintf(err, errlen, "%ld is more than %d streams", v, CLLM_SERVE_MAX_CONCURRENCY);
            return CLLM_ERR_CONFIG;
        }
        if (n == CLLM_SERVE_MAX_LEVELS) {
            snprintf(err, errlen, "more than %d levels", CLLM_SERVE_MAX_LEVELS);
            return CLLM_ERR_CONFIG;
        }
        p->concurrency[n++] = (int)v;
        if (!end)
            break;
        s = end + 1;
    }
    p->n_levels = n;
    return CLLM_OK;
}

enum cllm_status cllm_serve_parse_slo(struct cllm_serve_params *p, const char *spec, char *err, size_t errlen)
{
    const char *s = spec ? spec : "";
    double ttft = 0, itl = 0;

    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char item[96], *eq, *stop;
        double v;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "%s (want ttft_ms=N,itl_ms=N)", len ? "an item is too long" : "an empty item");
            return CLLM_ERR_CONFIG;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        eq = strchr(item, '=');
        if (!eq) {
            snprintf(err, errlen, "'%s' is not KEY=VALUE (want ttft_ms=N,itl_ms=N)", item);
            return CLLM_ERR_CONFIG;
        }
        *eq = '\0';
        if (strcmp(item, "ttft_ms") != 0 && strcmp(item, "itl_ms") != 0) {
            snprintf(err, errlen, "unknown key '%s' (known: ttft_ms, itl_ms)", item);
            return CLLM_ERR_CONFIG;
        }
        v = strtod(eq + 1, &stop);
        if (stop == eq + 1 || *stop || !isfinite(v) || v <= 0) {
            snprintf(err, errlen, "%s=%s: not a positive number of milliseconds", item, eq + 1);
            return CLLM_ERR_CONFIG;
        }
        if (item[0] == 't')
            ttft = v;
        else
            itl = v;
        if (!end)
            break;
        s = end + 1;
    }
    p->slo_ttft_ms = ttft;
    p->slo_itl_ms = itl;
    return CLLM_OK;
}

enum cllm_status cllm_serve_check(const struct cllm_serve_params *p, char *err, size_t errlen)
{
    const char *u = p->server_url;
    if (!u || !u[0]) {
        snprintf(err, errlen, "no server URL given (--server-url http://HOST:PORT)");
        return CLLM_ERR_CONFIG;
    }
    if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) {
        snprintf(err, errlen, "server URL must start with http:// or https://: %s", u);
        return CLLM_ERR_CONFIG;
    }
    if (!u[strncmp(u, "http://", 7) == 0 ? 7 : 8]) {
        snprintf(err, errlen, "server URL has no host: %s", u);
        return CLLM_ERR_CONFIG;
    }
    if (p->n_levels < 1 || p->n_levels > CLLM_SERVE_MAX_LEVELS) {
        snprintf(err, errlen, "no concurrency level given");
        return CLLM_ERR_CONFIG;
    }
    for (int i = 0; i < p->n_levels; i++)
        if (p->concurrency[i] < 1 || p->concurrency[i] > CLLM_SERVE_MAX_CONCURRENCY) {
            snprintf(err, errlen, "concurrency %d is out of range (1 .. %d)", p->concurrency[i],
                     CLLM_SERVE_MAX_CONCURRENCY);
            return CLLM_ERR_CONFIG;
        }
    if (p->requests < 0 || !(p->duration_s >= 0) || !isfinite(p->duration_s) || p->max_tokens < 1 ||
        p->slo_ttft_ms < 0 || p->slo_itl_ms < 0) {
        snprintf(err, errlen, "requests, duration and SLOs must not be negative, max_tokens at least 1");
        return CLLM_ERR_CONFIG;
    }
    if (p->stall_s < 1 || !(p->deadline_base_s > 0) || !isfinite(p->deadline_base_s) ||
        !(p->deadline_per_token_s > 0) || !isfinite(p->deadline_per_token_s)) {
        snprintf(err, errlen, "the stall time and both deadline settings must be positive");
        return CLLM_ERR_CONFIG;
    }
    return CLLM_OK;
}

/* Replaces (or adds) a string member, keeping the key's place when it exists. */
static void set_str(cJSON *o, const char *key, const char *v)
{
    if (cJSON_GetObjectItemCaseSensitive(o, key))
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(v));
    else
        cJSON_AddStringToObject(o, key, v);
}

#if defined(CLLM_WITH_CURL) && !defined(_WIN32)
#include <curl/curl.h>

/* The URL as written in results: without "user:password@". */
static void public_url(const char *url, char *out, size_t n)
{
    const char *host = strstr(url, "://");
    const char *at, *slash;
    host = host ? host + 3 : url;
    at = strchr(host, '@');
    slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(out, n, "%.*s%s", (int)(host - url), url, at + 1);
    else
        cllm_strlcpy(out, url, n);
}

static cJSON *params_json(const struct cllm_serve_params *p, const struct cllm_gen_params *g)
{
    cJSON *o = cJSON_CreateObject(), *a;
    a = cJSON_AddArrayToObject(o, "concurrency");
    for (int i = 0; i < p->n_levels; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(p->concurrency[i]));
    if (p->requests > 0)
        cJSON_AddNumberToObject(o, "requests", p->requests);
    else
        cllm_json_set_null(o, "requests", p->duration_s > 0 ? "not given: as many as duration_s allows"
                                                            : "not given: max(16, 4 x concurrency) per level");
    if (p->duration_s > 0)
        cJSON_AddNumberToObject(o, "duration_s", p->duration_s);
    else
        cllm_json_set_null(o, "duration_s", "not given: each level runs its requests to the end");
    cJSON_AddNumberToObject(o, "max_tokens", g->max_tokens);
    cJSON_AddBoolToObject(o, "ignore_eos", g->ignore_eos);
    cJSON_AddStringToObject(o, "prompt", g->prompt ? g->prompt : "");
    cJSON_AddStringToObject(o, "system_prompt", g->system_prompt ? g->system_prompt : "");
    cJSON_AddNumberToObject(o, "temperature", g->temperature);
    cJSON_AddNumberToObject(o, "top_p", g->top_p);
    cJSON_AddNumberToObject(o, "seed", g->seed);
    cJSON_AddNumberToObject(o, "stall_s", p->stall_s);
    cJSON_AddNumberToObject(o, "deadline_base_s", p->deadline_base_s);
    cJSON_AddNumberToObject(o, "deadline_per_token_s", p->deadline_per_token_s);
    if (p->slo_ttft_ms > 0 || p->slo_itl_ms > 0) {
        cJSON *s = cJSON_AddObjectToObject(o, "slo");
        if (p->slo_ttft_ms > 0)
            cJSON_AddNumberToObject(s, "ttft_ms", p->slo_ttft_ms);
        if (p->slo_itl_ms > 0)
            cJSON_AddNumberToObject(s, "itl_ms", p->slo_itl_ms);
        cJSON_AddStringToObject(s, "itl_measure", ITL_MEASURE);
    } else {
        cllm_json_set_null(o, "slo", "no --slo given");
    }
    return o;
}


bool cllm_serve_supported(void) { return true; }

/* One finished request. */
struct rec {
    enum cllm_status st;
    int    http_status;
    double ttft_s;              /* NAN: no token with text */
    double e2e_s;
    double itl_mean_s;          /* NAN below 2 tokens */
    int    output_tokens;
    int    prompt_tokens;       /* -1 unknown */
    char   source[16];          /* token_count_source */
    char  *error;               /* NULL when ok */
};

struct level {
    struct rec *recs;
    int         n, cap;
    double     *gaps_ms;        /* every inter-token gap of the successful requests */
    size_t      n_gaps, gaps_cap;
    uint64_t    first_ns;       /* the first request's start */
    uint64_t    last_ns;        /* the last completion */
    int         n_cancelled;    /* in flight when Ctrl-C came: dropped, not counted */
    int         limit;          /* requests the level may start; INT_MAX: until duration_s */
};

struct slot {
    struct cllm_chat_stream *cs;   /* NULL: free */
    struct cllm_llm_trace    tr;
};

static void level_free(struct level *L)
{
    for (int i = 0; i < L->n; i++)
        free(L->recs[i].error);
    free(L->recs);
    free(L->gaps_ms);
    memset(L, 0, sizeof(*L));
}

/* Finishes slot s's request (ended with res) into L; one that Ctrl-C stopped is counted as dropped, not as a
 * result. The slot is freed for the next request. */
static enum cllm_status record(CURLM *m, struct level *L, struct slot *s, CURLcode res)
{
    struct cllm_server_run_info info;
    struct cllm_llm_run_metrics lm;
    struct rec *r;
    char err[512] = "";
    enum cllm_status rst;

    curl_multi_remove_handle(m, cllm_chat_stream_curl(s->cs));
    rst = cllm_chat_stream_finish(s->cs, (int)res, &info, err, sizeof(err));
    if (rst == CLLM_ERR_CANCELLED) {
        L->n_cancelled++;
        goto out;
    }
    if (L->n == L->cap) {
        int cap = L->cap ? L->cap * 2 : 64;
        struct rec *nr = realloc(L->recs, (size_t)cap * sizeof(*nr));
        if (!nr) {
            rst = CLLM_ERR_NOMEM;
            goto out;
        }
        L->recs = nr;
        L->cap = cap;
    }
    r = &L->recs[L->n++];
    memset(r, 0, sizeof(*r));
    r->st = rst;
    r->http_status = info.http_status;
    r->output_tokens = info.n_tokens;
    r->prompt_tokens = info.n_prompt_tokens;
    cllm_strlcpy(r->source, info.token_count_source, sizeof(r->source));
    r->ttft_s = r->e2e_s = r->itl_mean_s = NAN;
    if (cllm_llm_run_metrics_compute(&s->tr, &lm) == CLLM_OK) {
        r->ttft_s = lm.first_token_latency_s;
        r->e2e_s = lm.total_s;
        r->itl_mean_s = lm.itl_mean_ms / 1e3;
    }
    if (s->tr.end_ns > L->last_ns)
        L->last_ns = s->tr.end_ns;
    rst = CLLM_OK;
    if (r->st != CLLM_OK) {
        r->error = strdup(err[0] ? err : cllm_status_str(r->st));
        if (!r->error)
            rst = CLLM_ERR_NOMEM;
    } else if (cllm_llm_trace_gaps_ms(&s->tr, &L->gaps_ms, &L->n_gaps, &L->gaps_cap) != CLLM_OK) {
        rst = CLLM_ERR_NOMEM;
    }
out:
    cllm_chat_stream_free(s->cs);
    s->cs = NULL;
    return rst == CLLM_ERR_CANCELLED ? CLLM_OK : rst;
}

static enum cllm_status start(CURLM *m, const struct cllm_chat_target *t, const struct cllm_gen_params *g,
                              struct slot *s, char *err, size_t errlen)
{
    enum cllm_status st = cllm_chat_stream_new(t, g, &s->tr, &s->cs, err, errlen);
    CURL *e;
    if (st != CLLM_OK)
        return st;
    e = cllm_chat_stream_curl(s->cs);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)s);
    cllm_chat_stream_begin(s->cs);
    if (curl_multi_add_handle(m, e) != CURLM_OK) {
        cllm_chat_stream_free(s->cs);
        s->cs = NULL;
        snprintf(err, errlen, "cannot add a transfer to curl's multi handle");
        return CLLM_ERR_INTERNAL;
    }
    return CLLM_OK;
}

/* Ends slot s's request (curl said res): recorded, the slot freed. false when out of memory (err says so). */
static bool end_request(CURLM *m, struct level *L, struct slot *s, CURLcode res, int *in_flight, bool *any_ok,
                        bool *stop_starting, char *err, size_t errlen)
{
    int n = L->n;
    (*in_flight)--;
    if (record(m, L, s, res) != CLLM_OK) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (L->n == n)
        return true;   /* dropped by Ctrl-C */
    if (L->recs[L->n - 1].st == CLLM_OK)
        *any_ok = true;
    else if (L->recs[L->n - 1].http_status == 0 && !*any_ok)
        *stop_starting = true;   /* no HTTP answer and none succeeded yet: the server is not there */
    return true;
}

/* One level: c streams in flight until limit requests were started (or duration_s passed) and all ended; a request
 * that got no HTTP answer before any succeeded stops the starting (a server that is not there fails fast). */
static enum cllm_status run_level(CURLM *m, const struct cllm_chat_target *t, const struct cllm_gen_params *g,
                                  const struct cllm_serve_params *p, int c, struct level *L, bool *cancelled,
                                  char *err, size_t errlen)
{
    struct slot *slots = calloc((size_t)c, sizeof(*slots));
    uint64_t deadline = 0;
    int started = 0, in_flight = 0;
    bool stop_starting = false, any_ok = false;
    enum cllm_status st = CLLM_OK;

    if (!slots) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    for (int i = 0; i < c; i++)
        cllm_llm_trace_init(&slots[i].tr);
    L->limit = p->requests > 0 ? p->requests : p->duration_s > 0 ? INT_MAX : (4 * c > 16 ? 4 * c : 16);
    for (;;) {
        CURLMsg *msg;
        int running, left;
        bool ended = false;
        long wait_ms = 50;

        if (p->cancel && *p->cancel) {
            *cancelled = true;
            break;
        }
        if (deadline && cllm_now_ns() >= deadline)
            stop_starting = true;
        for (int i = 0; i < c && !stop_starting && started < L->limit; i++) {
            if (slots[i].cs)
                continue;
            st = start(m, t, g, &slots[i], err, errlen);
            if (st != CLLM_OK)
                goto out;
            if (!L->first_ns) {
                L->first_ns = slots[i].tr.start_ns;
                if (p->duration_s > 0)
                    deadline = L->first_ns + (uint64_t)(p->duration_s * 1e9);
            }
            started++;
            in_flight++;
        }
        if (in_flight == 0)
            break;
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left))) {
            struct slot *s;
            char *priv = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            s = (struct slot *)(void *)priv;
            if (!end_request(m, L, s, msg->data.result, &in_flight, &any_ok, &stop_starting, err, errlen)) {
                st = CLLM_ERR_NOMEM;
                goto out;
            }
            ended = true;
        }
        /* a stalled stream, one past its deadline, or Ctrl-C: ended here, whatever curl's callbacks did */
        for (int i = 0; i < c; i++) {
            if (!slots[i].cs || !cllm_chat_stream_expired(slots[i].cs))
                continue;
            if (!end_request(m, L, &slots[i], CURLE_ABORTED_BY_CALLBACK, &in_flight, &any_ok, &stop_starting, err,
                             errlen)) {
                st = CLLM_ERR_NOMEM;
                goto out;
            }
            ended = true;
        }
        if (p->cancel && *p->cancel) {
            *cancelled = true;
            break;
        }
        /* a request ended: start the next one now, not after the poll (the loop stays closed) */
        if (ended)
            continue;
        if (deadline) {
            uint64_t now = cllm_now_ns();
            long left_ms = now < deadline ? (long)((deadline - now) / 1000000ULL) + 1 : 0;
            if (left_ms < wait_ms)
                wait_ms = left_ms;
        }
        curl_multi_poll(m, NULL, 0, (int)wait_ms, NULL);
    }
out:
    for (int i = 0; i < c; i++) {
        if (slots[i].cs) {
            /* dropped in flight (Ctrl-C or an error): not a result */
            curl_multi_remove_handle(m, cllm_chat_stream_curl(slots[i].cs));
            cllm_chat_stream_free(slots[i].cs);
            L->n_cancelled++;
        }
        cllm_llm_trace_free(&slots[i].tr);
    }
    free(slots);
    return st;
}

static cJSON *dist_json(double *v, size_t n, double scale, const char *why)
{
    struct cllm_llm_dist d;
    cJSON *o = cJSON_CreateObject();
    cllm_llm_dist_compute(v, n, &d);
    cllm_json_set_number(o, "p50", d.p50 * scale, why);
    cllm_json_set_number(o, "p90", d.p90 * scale, why);
    cllm_json_set_number(o, "p99", d.p99 * scale, why);
    cllm_json_set_number(o, "mean", d.mean * scale, why);
    cJSON_AddNumberToObject(o, "n", (double)n);
    return o;
}

static bool is_good(const struct rec *r, const struct cllm_serve_params *p)
{
    if (r->st != CLLM_OK)
        return false;
    if (p->slo_ttft_ms > 0 && !(r->ttft_s * 1e3 <= p->slo_ttft_ms))
        return false;
    if (p->slo_itl_ms > 0 && isfinite(r->itl_mean_s) && !(r->itl_mean_s * 1e3 <= p->slo_itl_ms))
        return false;
    return true;
}

/* Sorts L's gaps in place (the level is freed after). */
static cJSON *level_json(struct level *L, const struct cllm_serve_params *p, int c, bool cancelled)
{
    cJSON *o = cJSON_CreateObject(), *errors, *sources, *reqs, *gp;
    double *ttft = malloc(((size_t)L->n + 1) * sizeof(double));
    double *e2e = malloc(((size_t)L->n + 1) * sizeof(double));
    size_t n_ttft = 0, n_e2e = 0;
    int n_ok = 0, n_good = 0;
    double tokens = 0, wall_s = L->n > 0 ? (double)(L->last_ns - L->first_ns) / 1e9 : NAN;
    const char *none = "no request succeeded";
    const char *first_error = NULL;

    if (!o || !ttft || !e2e) {
        free(ttft);
        free(e2e);
        cJSON_Delete(o);
        return NULL;
    }
    for (int i = 0; i < L->n; i++) {
        const struct rec *r = &L->recs[i];
        if (r->st != CLLM_OK) {
            if (!first_error)
                first_error = r->error;
            continue;
        }
        n_ok++;
        tokens += r->output_tokens;
        if (isfinite(r->ttft_s))
            ttft[n_ttft++] = r->ttft_s;
        if (isfinite(r->e2e_s))
            e2e[n_e2e++] = r->e2e_s;
        n_good += is_good(r, p);
    }

    cJSON_AddNumberToObject(o, "concurrency", c);
    cJSON_AddStringToObject(o, "status", cancelled ? "cancelled" : L->n > 0 && n_ok == 0 ? "failed" : "ok");
    if (!cancelled && L->n > 0 && n_ok == 0)
        cJSON_AddStringToObject(o, "error", first_error ? first_error : "every request failed");
    if (L->limit < INT_MAX)
        cJSON_AddNumberToObject(o, "request_limit", L->limit);
    else
        cllm_json_set_null(o, "request_limit", "until duration_s");
    cJSON_AddNumberToObject(o, "n_requests", L->n);
    cJSON_AddNumberToObject(o, "n_ok", n_ok);
    cJSON_AddNumberToObject(o, "n_failed", L->n - n_ok);
    if (cancelled)
        cJSON_AddNumberToObject(o, "n_cancelled", L->n_cancelled);
    cllm_json_set_number(o, "wall_s", wall_s, "no request ended");
    cJSON_AddItemToObject(o, "ttft_s", dist_json(ttft, n_ttft, 1.0, none));
    cJSON_AddItemToObject(o, "itl_s", dist_json(L->gaps_ms, L->n_gaps, 1e-3, "no successful request had 2 tokens"));
    cJSON_AddItemToObject(o, "e2e_s", dist_json(e2e, n_e2e, 1.0, none));
    cJSON_AddNumberToObject(o, "output_tokens", tokens);
    cllm_json_set_number(o, "output_tokens_per_second", wall_s > 0 ? tokens / wall_s : NAN, "no request ended");
    cllm_json_set_number(o, "requests_per_second", wall_s > 0 ? n_ok / wall_s : NAN, "no request ended");
    cllm_json_set_number(o, "error_rate", L->n > 0 ? (double)(L->n - n_ok) / L->n : NAN, "no request ended");
    if (p->slo_ttft_ms > 0 || p->slo_itl_ms > 0) {
        cJSON *slo;
        gp = cJSON_AddObjectToObject(o, "goodput");
        slo = cJSON_AddObjectToObject(gp, "slo");
        if (p->slo_ttft_ms > 0)
            cJSON_AddNumberToObject(slo, "ttft_ms", p->slo_ttft_ms);
        if (p->slo_itl_ms > 0) {
            cJSON_AddNumberToObject(slo, "itl_ms", p->slo_itl_ms);
            cJSON_AddStringToObject(slo, "itl_measure", ITL_MEASURE);
        }
        cJSON_AddNumberToObject(gp, "n_good", n_good);
        cllm_json_set_number(gp, "requests_per_second", wall_s > 0 ? n_good / wall_s : NAN, "no request ended");
        cllm_json_set_number(gp, "fraction", L->n > 0 ? (double)n_good / L->n : NAN, "no request ended");
    } else {
        cllm_json_set_null(o, "goodput", "no --slo given");
    }
    sources = cJSON_AddObjectToObject(o, "token_count_sources");
    errors = cJSON_AddArrayToObject(o, "errors");
    for (int i = 0; i < L->n; i++) {
        const struct rec *r = &L->recs[i];
        cJSON *k;
        if (r->st == CLLM_OK) {
            k = cJSON_GetObjectItemCaseSensitive(sources, r->source);
            if (k)
                cJSON_SetNumberValue(k, k->valuedouble + 1);
            else
                cJSON_AddNumberToObject(sources, r->source, 1);
            continue;
        }
        /* the first few distinct messages */
        if (cJSON_GetArraySize(errors) >= p->max_errors)
            continue;
        k = NULL;
        cJSON_ArrayForEach(k, errors) if (strcmp(k->valuestring, r->error) == 0) break;
        if (!k)
            cJSON_AddItemToArray(errors, cJSON_CreateString(r->error));
    }
    reqs = cJSON_AddArrayToObject(o, "requests");
    for (int i = 0; i < L->n; i++) {
        const struct rec *r = &L->recs[i];
        cJSON *q = cJSON_CreateObject();
        cJSON_AddItemToArray(reqs, q);
        cJSON_AddStringToObject(q, "status", r->st == CLLM_OK ? "ok" : "failed");
        if (r->http_status > 0)
            cJSON_AddNumberToObject(q, "http_status", r->http_status);
        else
            cllm_json_set_null(q, "http_status", "no HTTP answer");
        cllm_json_set_number(q, "ttft_s", r->ttft_s, "no token with text came");
        cllm_json_set_number(q, "e2e_s", r->e2e_s, "no timing");
        cllm_json_set_number(q, "itl_mean_s", r->itl_mean_s, "fewer than 2 tokens came");
        cJSON_AddNumberToObject(q, "output_tokens", r->output_tokens);
        if (r->prompt_tokens >= 0)
            cJSON_AddNumberToObject(q, "prompt_tokens", r->prompt_tokens);
        else
            cllm_json_set_null(q, "prompt_tokens", "the server sent neither usage nor timings");
        cJSON_AddStringToObject(q, "token_count_source", r->source);
        if (r->error)
            cJSON_AddStringToObject(q, "error", r->error);
    }
    free(ttft);
    free(e2e);
    return o;
}

/* What the server says about itself: llama-server's /props, and the model to ask for. */
static cJSON *server_json(const struct cllm_serve_params *p, const char *base, const char *auth, char *model,
                          size_t model_n, bool *is_llama_server)
{
    cJSON *o = cJSON_CreateObject(), *j = NULL, *props = NULL;
    char url[512], jerr[300] = "";
    const char *model_source = "--server-model";
    long code;

    public_url(p->server_url, url, sizeof(url));
    cJSON_AddStringToObject(o, "url", url);
    code = cllm_chat_http_get_json(base, auth, "/props", 3000, &j, jerr, sizeof(jerr));
    if (j) {
        const cJSON *dgs = cJSON_GetObjectItemCaseSensitive(j, "default_generation_settings");
        if (cJSON_IsObject(dgs)) {
            /* only llama-server answers /props with its generation settings */
            static const char *const keys[] = {"build_info", "model_path", "total_slots"};
            const cJSON *nctx = cJSON_GetObjectItemCaseSensitive(dgs, "n_ctx");
            props = cJSON_CreateObject();
            for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
                if (cJSON_IsString(v) || cJSON_IsNumber(v))
                    cJSON_AddItemToObject(props, keys[i], cJSON_Duplicate(v, false));
            }
            if (cJSON_IsNumber(nctx))
                cJSON_AddNumberToObject(props, "n_ctx", nctx->valuedouble);
        }
        cJSON_Delete(j);
    }
    *is_llama_server = props != NULL;
    cJSON_AddStringToObject(o, "library", props ? "llama-server" : "openai-compatible");
    if (props) {
        cJSON_AddItemToObject(o, "props", props);
    } else {
        char why[400];
        /* a 200 answer that is not strict JSON is this server's error, said as such */
        snprintf(why, sizeof(why), "%s", code == 200 && jerr[0] ? jerr : "GET /props gave no llama-server settings");
        cllm_json_set_null(o, "props", why);
    }
    if (p->server_model && p->server_model[0]) {
        cllm_strlcpy(model, p->server_model, model_n);
    } else {
        model_source = "default";
        cllm_strlcpy(model, "default", model_n);
        code = cllm_chat_http_get_json(base, auth, "/v1/models", 3000, &j, jerr, sizeof(jerr));
        if (j) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "data"), 0), "id");
            if (cJSON_IsString(id) && id->valuestring[0]) {
                cllm_strlcpy(model, id->valuestring, model_n);
                model_source = "/v1/models";
            }
            cJSON_Delete(j);
        } else if (code == 200 && jerr[0]) {
            cJSON_AddStringToObject(o, "models_error", jerr);
        }
    }
    cJSON_AddStringToObject(o, "model", model);
    cJSON_AddStringToObject(o, "model_source", model_source);
    cJSON_AddStringToObject(o, "client", curl_version());
    return o;
}

enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, cJSON *section, char *err, size_t errlen)
{
    struct cllm_gen_params g = cllm_gen_default_params();
    struct cllm_chat_target t;
    char base[512], auth[600] = "", model[256];
    bool is_llama_server, cancelled = false, failed = false;
    cJSON *levels;
    CURLM *m;
    enum cllm_status st = cllm_serve_check(p, err, errlen);
    size_t n;

    if (st != CLLM_OK)
        return st;
    cllm_strlcpy(base, p->server_url, sizeof(base));
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    if (p->api_key && p->api_key[0])
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->api_key);
    g.max_tokens = p->max_tokens;
    g.ignore_eos = p->ignore_eos;
    g.cancel = p->cancel;
    if (p->prompt)
        g.prompt = p->prompt;
    if (p->system_prompt)
        g.system_prompt = p->system_prompt;

    set_str(section, "status", "running");
    cJSON_AddItemToObject(section, "server", server_json(p, base, auth, model, sizeof(model), &is_llama_server));
    cJSON_AddItemToObject(section, "params", params_json(p, &g));
    levels = cJSON_AddArrayToObject(section, "levels");
    t.base = base;
    t.model = model;
    t.auth = auth;
    t.is_llama_server = is_llama_server;
    t.stall_s = p->stall_s;
    t.deadline_base_s = p->deadline_base_s;
    t.deadline_per_token_s = p->deadline_per_token_s;

    m = curl_multi_init();
    if (!m) {
        snprintf(err, errlen, "cannot create curl's multi handle");
        return CLLM_ERR_NOMEM;
    }
    for (int i = 0; i < p->n_levels && !cancelled && !failed; i++) {
        struct level L;
        cJSON *lj;
        int c = p->concurrency[i];
        memset(&L, 0, sizeof(L));
        if (p->on_level)
            p->on_level(i, p->n_levels, c, NULL, p->user_data);
        st = run_level(m, &t, &g, p, c, &L, &cancelled, err, errlen);
        if (st != CLLM_OK) {
            level_free(&L);
            break;
        }
        lj = level_json(&L, p, c, cancelled);
        level_free(&L);
        if (!lj) {
            snprintf(err, errlen, "out of memory");
            st = CLLM_ERR_NOMEM;
            break;
        }
        cJSON_AddItemToArray(levels, lj);
        failed = strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(lj, "status")), "failed") == 0;
        if (p->on_level)
            p->on_level(i, p->n_levels, c, lj, p->user_data);
    }
    curl_multi_cleanup(m);
    if (st != CLLM_OK) {
        set_str(section, "status", "failed");
        set_str(section, "error", err);
        return st;
    }
    set_str(section, "status", cancelled ? "partial" : failed ? "failed" : "ok");
    if (failed)
        set_str(section, "error", "every request of a level failed; the levels after it were not run");
    if (cancelled)
        snprintf(err, errlen, "interrupted: the levels done and the interrupted one are kept");
    return cancelled ? CLLM_ERR_CANCELLED : CLLM_OK;
}

#else /* no libcurl (or not POSIX) */

bool cllm_serve_supported(void) { return false; }

enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, cJSON *section, char *err, size_t errlen)
{
    (void)p, (void)section;
    snprintf(err, errlen, "serve-bench needs libcurl (this build has none: install libcurl4-openssl-dev and rebuild)");
    return CLLM_ERR_UNSUPPORTED;
}
#endif

static void mark_not_run(cJSON *result, const char *section, const char *reason)
{
    cJSON *s = cJSON_GetObjectItemCaseSensitive(result, section);
    set_str(s, "status", "skipped");
    set_str(s, "reason", reason);
}

enum cllm_status cllm_serve_bench(const struct cllm_serve_params *p, const char *output_dir, char *path_out,
                                  size_t path_n, cJSON **result_out, char *err, size_t errlen)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_hw_info *hw;
    time_t started = time(NULL);
    cJSON *result, *section;
    const char *status;
    enum cllm_status st, wst;

    if (result_out)
        *result_out = NULL;
    if (path_n)
        path_out[0] = '\0';
    st = cllm_serve_check(p, err, errlen);
    if (st != CLLM_OK)
        return st;
    if (!cllm_serve_supported())
        return cllm_serve_run(p, NULL, err, errlen);
    /* an unwritable folder found after the whole load test would cost the test: check it first */
    st = cllm_result_dir_check(output_dir ? output_dir : "results", err, errlen);
    if (st != CLLM_OK)
        return st;
    hw = calloc(1, sizeof(*hw));
    if (!hw) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    /* the hardware of the machine that ran the client: the server may be elsewhere */
    cllm_hw_detect(&hp, hw);
    result = cllm_result_new(hw, NULL, started);
    free(hw);
    if (!result) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    mark_not_run(result, "classic_benchmarks", "serve-bench measures a server's serving load only");
    mark_not_run(result, "ai_benchmarks", "serve-bench measures a server's serving load only");
    section = cJSON_AddObjectToObject(result, "serving_benchmarks");
    st = cllm_serve_run(p, section, err, errlen);
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED && st != CLLM_ERR_NOMEM) {
        cJSON_Delete(result);
        return st;
    }
    status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(section, "status"));
    cllm_result_set_status(result, st == CLLM_ERR_CANCELLED            ? "cancelled"
                                   : status && strcmp(status, "ok") == 0 ? "complete"
                                                                         : "failed",
                           time(NULL));
    {
        bool elsewhere = false;
        /* a full disk keeps the measurements in a fallback folder (CLLM_ERR_IO with path_out set) */
        wst = cllm_result_save(result, output_dir ? output_dir : "results", path_out, path_n, &elsewhere, err,
                               errlen);
        if (wst != CLLM_OK && !elsewhere && path_n)
            path_out[0] = '\0';
    }
    if (result_out)
        *result_out = result;
    else
        cJSON_Delete(result);
    return wst != CLLM_OK ? wst : st;
}
