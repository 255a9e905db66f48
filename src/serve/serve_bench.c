/* Serving load against an OpenAI-compatible server (see serve_bench.h). */
#include "serve/serve_bench.h"

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
#include "llm/engine.h"
#include "llm/metrics.h"
#include "serve/chat_stream.h"

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

void cllm_serve_result_free(struct cllm_serve_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n_levels; i++) {
        struct cllm_serve_level *L = &r->levels[i];
        for (int k = 0; k < L->n_requests; k++)
            free(L->requests[k].error);
        free(L->requests);
        free(L->sources);
        free((void *)L->errors);
    }
    free(r->levels);
    free(r->server.build_info.str);
    free(r->server.model_path.str);
    free(r->server.total_slots.str);
    memset(r, 0, sizeof(*r));
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

static void setup_fill(struct cllm_serve_setup *o, const struct cllm_serve_params *p,
                       const struct cllm_gen_params *g)
{
    memcpy(o->concurrency, p->concurrency, sizeof(o->concurrency));
    o->n_levels = p->n_levels;
    o->requests = p->requests > 0 ? p->requests : 0;
    o->duration_s = p->duration_s > 0 ? p->duration_s : 0;
    o->max_tokens = g->max_tokens;
    o->ignore_eos = g->ignore_eos;
    o->prompt = g->prompt ? g->prompt : "";
    o->system_prompt = g->system_prompt ? g->system_prompt : "";
    o->temperature = g->temperature;
    o->top_p = g->top_p;
    o->seed = g->seed;
    o->stall_s = p->stall_s;
    o->deadline_base_s = p->deadline_base_s;
    o->deadline_per_token_s = p->deadline_per_token_s;
    o->slo_ttft_ms = p->slo_ttft_ms > 0 ? p->slo_ttft_ms : 0;
    o->slo_itl_ms = p->slo_itl_ms > 0 ? p->slo_itl_ms : 0;
}

bool cllm_serve_supported(void) { return true; }

/* A level while it runs. */
struct level {
    struct cllm_serve_request *recs;
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
    struct cllm_serve_request *r;
    char err[CLLM_ERR_LEN] = "";
    enum cllm_status rst;

    curl_multi_remove_handle(m, cllm_chat_stream_curl(s->cs));
    rst = cllm_chat_stream_finish(s->cs, (int)res, &info, err, sizeof(err));
    if (rst == CLLM_ERR_CANCELLED) {
        L->n_cancelled++;
        goto out;
    }
    if (L->n == L->cap) {
        int cap = L->cap ? L->cap * 2 : 64;
        struct cllm_serve_request *nr = realloc(L->recs, (size_t)cap * sizeof(*nr));
        if (!nr) {
            rst = CLLM_ERR_NOMEM;
            goto out;
        }
        L->recs = nr;
        L->cap = cap;
    }
    r = &L->recs[L->n++];
    memset(r, 0, sizeof(*r));
    r->ok = rst == CLLM_OK;
    r->http_status = info.http_status;
    r->output_tokens = info.n_tokens;
    r->prompt_tokens = info.n_prompt_tokens;
    cllm_strlcpy(r->token_count_source, info.token_count_source, sizeof(r->token_count_source));
    r->ttft_s = r->e2e_s = r->itl_mean_s = NAN;
    if (cllm_llm_run_metrics_compute(&s->tr, &lm) == CLLM_OK) {
        r->ttft_s = lm.first_token_latency_s;
        r->e2e_s = lm.total_s;
        r->itl_mean_s = lm.itl_mean_ms / 1e3;
    }
    if (s->tr.end_ns > L->last_ns)
        L->last_ns = s->tr.end_ns;
    if (!r->ok) {
        r->error = strdup(err[0] ? err : cllm_status_str(rst));
        rst = CLLM_OK;
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
    if (L->recs[L->n - 1].ok)
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

static struct cllm_serve_dist dist_of(double *v, size_t n, double scale)
{
    struct cllm_llm_dist d;
    struct cllm_serve_dist o;
    cllm_llm_dist_compute(v, n, &d);
    o.p50 = d.p50 * scale;
    o.p90 = d.p90 * scale;
    o.p99 = d.p99 * scale;
    o.mean = d.mean * scale;
    o.n = n;
    return o;
}

static bool is_good(const struct cllm_serve_request *r, const struct cllm_serve_params *p)
{
    if (!r->ok)
        return false;
    if (p->slo_ttft_ms > 0 && !(r->ttft_s * 1e3 <= p->slo_ttft_ms))
        return false;
    if (p->slo_itl_ms > 0 && isfinite(r->itl_mean_s) && !(r->itl_mean_s * 1e3 <= p->slo_itl_ms))
        return false;
    return true;
}

/* The level's record and statistics into o; L's requests move into it. Sorts L's gaps in place (the level is
 * freed after). false when out of memory (L keeps its requests). */
static bool level_stats(struct level *L, const struct cllm_serve_params *p, int c, bool cancelled,
                        struct cllm_serve_level *o)
{
    double *ttft = malloc(((size_t)L->n + 1) * sizeof(double));
    double *e2e = malloc(((size_t)L->n + 1) * sizeof(double));
    struct cllm_serve_source_count *sources = calloc((size_t)L->n + 1, sizeof(*sources));
    const char **errors = calloc((size_t)(p->max_errors > 0 ? p->max_errors : 0) + 1, sizeof(*errors));
    size_t n_ttft = 0, n_e2e = 0;
    double wall_s = L->n > 0 ? (double)(L->last_ns - L->first_ns) / 1e9 : NAN;
    const char *first_error = NULL;

    memset(o, 0, sizeof(*o));
    if (!ttft || !e2e || !sources || !errors) {
        free(ttft);
        free(e2e);
        free(sources);
        free((void *)errors);
        return false;
    }
    for (int i = 0; i < L->n; i++) {
        const struct cllm_serve_request *r = &L->recs[i];
        if (!r->ok) {
            if (!first_error)
                first_error = r->error;
            /* the first few distinct messages */
            if (o->n_errors < p->max_errors) {
                int k = 0;
                while (k < o->n_errors && strcmp(errors[k], r->error) != 0)
                    k++;
                if (k == o->n_errors)
                    errors[o->n_errors++] = r->error;
            }
            continue;
        }
        o->n_ok++;
        o->output_tokens += r->output_tokens;
        if (isfinite(r->ttft_s))
            ttft[n_ttft++] = r->ttft_s;
        if (isfinite(r->e2e_s))
            e2e[n_e2e++] = r->e2e_s;
        o->n_good += is_good(r, p);
        {
            int k = 0;
            while (k < o->n_sources && strcmp(sources[k].source, r->token_count_source) != 0)
                k++;
            if (k == o->n_sources)
                cllm_strlcpy(sources[o->n_sources++].source, r->token_count_source, sizeof(sources[k].source));
            sources[k].n++;
        }
    }

    o->concurrency = c;
    o->status = cancelled                  ? CLLM_SERVE_LEVEL_CANCELLED
                : L->n > 0 && o->n_ok == 0 ? CLLM_SERVE_LEVEL_FAILED
                                           : CLLM_SERVE_LEVEL_OK;
    if (o->status == CLLM_SERVE_LEVEL_FAILED)
        o->error = first_error ? first_error : "every request failed";
    o->request_limit = L->limit < INT_MAX ? L->limit : 0;
    o->n_requests = L->n;
    o->n_failed = L->n - o->n_ok;
    o->n_cancelled = cancelled ? L->n_cancelled : 0;
    o->wall_s = wall_s;
    o->ttft_s = dist_of(ttft, n_ttft, 1.0);
    o->itl_s = dist_of(L->gaps_ms, L->n_gaps, 1e-3);
    o->e2e_s = dist_of(e2e, n_e2e, 1.0);
    o->output_tokens_per_second = wall_s > 0 ? (double)o->output_tokens / wall_s : NAN;
    o->requests_per_second = wall_s > 0 ? o->n_ok / wall_s : NAN;
    o->error_rate = L->n > 0 ? (double)(L->n - o->n_ok) / L->n : NAN;
    o->has_goodput = p->slo_ttft_ms > 0 || p->slo_itl_ms > 0;
    if (o->has_goodput) {
        o->goodput_requests_per_second = wall_s > 0 ? o->n_good / wall_s : NAN;
        o->goodput_fraction = L->n > 0 ? (double)o->n_good / L->n : NAN;
    } else {
        o->n_good = 0;
    }
    o->sources = sources;
    o->errors = errors;
    o->requests = L->recs;
    L->recs = NULL;
    L->n = L->cap = 0;
    free(ttft);
    free(e2e);
    return true;
}

/* A string or number of the server's answer, kept; false when out of memory. */
static bool keep_value(const cJSON *v, struct cllm_serve_value *out)
{
    if (cJSON_IsNumber(v)) {
        out->kind = CLLM_SERVE_VALUE_NUMBER;
        out->num = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        out->str = strdup(v->valuestring);
        if (!out->str)
            return false;
        out->kind = CLLM_SERVE_VALUE_STRING;
    }
    return true;
}

/* What the server says about itself: llama-server's /props, and the model to ask for. */
static void server_info(const struct cllm_serve_params *p, const char *base, const char *auth,
                        struct cllm_serve_server *o)
{
    cJSON *j = NULL;
    char jerr[300] = "";
    long code;

    public_url(p->server_url, o->url, sizeof(o->url));
    o->n_ctx = NAN;
    o->model_source = "--server-model";
    code = cllm_chat_http_get_json(base, auth, "/props", 3000, &j, jerr, sizeof(jerr));
    if (j) {
        /* llama-server's API keys (what it answers), not results keys */
        const cJSON *dgs = cJSON_GetObjectItemCaseSensitive(j, "default_generation_settings");
        if (cJSON_IsObject(dgs)) {
            /* only llama-server answers /props with its generation settings */
            const cJSON *nctx = cJSON_GetObjectItemCaseSensitive(dgs, "n_ctx");
            o->has_props = keep_value(cJSON_GetObjectItemCaseSensitive(j, "build_info"), &o->build_info) &&
                           keep_value(cJSON_GetObjectItemCaseSensitive(j, "model_path"), &o->model_path) &&
                           keep_value(cJSON_GetObjectItemCaseSensitive(j, "total_slots"), &o->total_slots);
            if (cJSON_IsNumber(nctx))
                o->n_ctx = nctx->valuedouble;
        }
        cJSON_Delete(j);
    }
    o->library = o->has_props ? "llama-server" : "openai-compatible";
    if (!o->has_props) {
        /* a 200 answer that is not strict JSON is this server's error, said as such */
        snprintf(o->props_why, sizeof(o->props_why), "%s",
                 code == 200 && jerr[0] ? jerr : "GET /props gave no llama-server settings");
    }
    if (p->server_model && p->server_model[0]) {
        cllm_strlcpy(o->model, p->server_model, sizeof(o->model));
    } else {
        o->model_source = "default";
        cllm_strlcpy(o->model, "default", sizeof(o->model));
        code = cllm_chat_http_get_json(base, auth, "/v1/models", 3000, &j, jerr, sizeof(jerr));
        if (j) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "data"), 0), "id");
            if (cJSON_IsString(id) && id->valuestring[0]) {
                cllm_strlcpy(o->model, id->valuestring, sizeof(o->model));
                o->model_source = "/v1/models";
            }
            cJSON_Delete(j);
        } else if (code == 200 && jerr[0]) {
            cllm_strlcpy(o->models_error, jerr, sizeof(o->models_error));
        }
    }
    o->client = curl_version();
}

enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, struct cllm_serve_result *out, char *err,
                                size_t errlen)
{
    struct cllm_gen_params g = cllm_gen_default_params();
    struct cllm_chat_target t;
    char base[512], auth[600] = "";
    bool cancelled = false, failed = false;
    CURLM *m;
    enum cllm_status st;
    size_t n;

    memset(out, 0, sizeof(*out));
    st = cllm_serve_check(p, err, errlen);
    if (st != CLLM_OK)
        return st;
    out->levels = calloc((size_t)p->n_levels, sizeof(*out->levels));
    if (!out->levels) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
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

    out->status = CLLM_SERVE_RUNNING;
    server_info(p, base, auth, &out->server);
    setup_fill(&out->setup, p, &g);
    t.base = base;
    t.model = out->server.model;
    t.auth = auth;
    t.is_llama_server = out->server.has_props;
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
        struct cllm_serve_level *lo = &out->levels[out->n_levels];
        int c = p->concurrency[i];
        memset(&L, 0, sizeof(L));
        if (p->on_level)
            p->on_level(i, p->n_levels, c, NULL, p->user_data);
        st = run_level(m, &t, &g, p, c, &L, &cancelled, err, errlen);
        if (st != CLLM_OK) {
            level_free(&L);
            break;
        }
        if (!level_stats(&L, p, c, cancelled, lo)) {
            level_free(&L);
            snprintf(err, errlen, "out of memory");
            st = CLLM_ERR_NOMEM;
            break;
        }
        level_free(&L);
        out->n_levels++;
        failed = lo->status == CLLM_SERVE_LEVEL_FAILED;
        if (p->on_level)
            p->on_level(i, p->n_levels, c, lo, p->user_data);
    }
    curl_multi_cleanup(m);
    if (st != CLLM_OK) {
        out->status = CLLM_SERVE_FAILED;
        cllm_strlcpy(out->error, err, sizeof(out->error));
        return st;
    }
    out->status = cancelled ? CLLM_SERVE_PARTIAL : failed ? CLLM_SERVE_FAILED : CLLM_SERVE_OK;
    if (failed)
        cllm_strlcpy(out->error, "every request of a level failed; the levels after it were not run",
                     sizeof(out->error));
    if (cancelled)
        snprintf(err, errlen, "interrupted: the levels done and the interrupted one are kept");
    return cancelled ? CLLM_ERR_CANCELLED : CLLM_OK;
}

#else /* no libcurl (or not POSIX) */

bool cllm_serve_supported(void) { return false; }

enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, struct cllm_serve_result *out, char *err,
                                size_t errlen)
{
    (void)p;
    memset(out, 0, sizeof(*out));
    snprintf(err, errlen, "serve-bench needs libcurl (this build has none: install libcurl4-openssl-dev and rebuild)");
    return CLLM_ERR_UNSUPPORTED;
}
#endif

