/* The schedule-streaming test server (see sched_server.h). */
#include "sched_server.h"

#ifdef CLLM_TEST_HAVE_MHD
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>

#include "core/clock.h"

enum mode {
    M_OK, M_CUT, M_BADJSON, M_STALL,
    /* hostile servers */
    M_KEEPALIVE,   /* ": ping" comments every ping_ms, never a token */
    M_EMPTY,       /* empty events and token-less deltas every ping_ms, never a token */
    M_ENDLESS,     /* a token every gap_ms for ever: max_tokens ignored, no [DONE] */
    M_BADUTF8,     /* token 2 carries invalid UTF-8 */
    M_TRAILING,    /* token 2's JSON has a second value after it */
    M_NUL,         /* token 2's content has a \u0000 */
    M_NOTOBJ,      /* token 2's data is a JSON array */
    M_PLAIN,       /* one application/json completion: "stream" ignored */
    M_REASONING,   /* role-only and empty deltas first, then reasoning_content tokens, then content */
};

static const struct { const char *name; enum mode mode; } g_modes[] = {
    {"cut", M_CUT}, {"badjson", M_BADJSON}, {"stall", M_STALL}, {"keepalive", M_KEEPALIVE}, {"empty", M_EMPTY},
    {"endless", M_ENDLESS}, {"badutf8", M_BADUTF8}, {"trailing", M_TRAILING}, {"nul", M_NUL},
    {"notobj", M_NOTOBJ}, {"plain", M_PLAIN}, {"reasoning", M_REASONING},
};

static struct MHD_Daemon *g_d;
static struct sched_spec g_dflt;
static volatile int g_quit;
static volatile int g_health = 200;
static int g_posts;                  /* POSTs since the last reset (atomic) */
static volatile uint64_t g_req_ns;   /* when the server took the last POST */
static volatile uint64_t g_first_ns; /* when a stream last handed its first token to the socket */
static int g_in_flight, g_max_in_flight;   /* streams being answered since the last reset (atomic) */
static int g_epoch;                        /* resets so far: a stream of an earlier test does not count */
/* the server's own /metrics (llama-server's names): what it served, counted as it serves (atomic) */
static long long g_m_prompt;      /* prompt tokens evaluated (the usage's prompt_tokens less the cached ones) */
static long long g_m_cached;      /* prompt tokens taken from the cache model */
static long long g_m_gen;         /* tokens streamed by streams that ended normally */
static long long g_m_requests;    /* chat requests taken */

/* the cache model's prompts (cache_prompt true), each its words joined by single spaces */
#define CACHE_MAX 512
static pthread_mutex_t g_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static char *g_cache[CACHE_MAX];
static int g_n_cache;

/* A POST's body, gathered as it comes. */
struct body {
    char  *data;
    size_t len;
};

struct stream {
    enum mode mode;
    int       n_tok, first_ms, gap_ms, stall_at, quiet_ms, ping_ms;
    uint64_t  t0;
    int       i;        /* next token */
    int       stage;    /* 0 tokens, 1 usage sent, 2 [DONE] sent */
    int       think;    /* M_REASONING: reasoning tokens first */
    int       pre;      /* M_REASONING: token-less deltas sent (role, empty content) */
    int       prompt_words, cached_words;
    bool      counted;  /* still in g_in_flight */
    int       epoch;
};

/* The stream is no longer in flight: at its [DONE] (a client starts its next request on [DONE], before the server
 * has closed this one), or when it is freed. */
static void stream_done(struct stream *s)
{
    if (s->counted && s->epoch == __atomic_load_n(&g_epoch, __ATOMIC_SEQ_CST))
        __atomic_sub_fetch(&g_in_flight, 1, __ATOMIC_SEQ_CST);
    s->counted = false;
}

static void stream_free(void *cls)
{
    stream_done(cls);
    free(cls);
}

/* The words of s (split at white space) appended to out, single-spaced; the word count. */
static int add_words(const char *s, char **out, size_t *len, size_t *cap)
{
    int n = 0;
    while (s && *s) {
        const char *w;
        while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
            s++;
        if (!*s)
            break;
        w = s;
        while (*s && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r')
            s++;
        if (*len + (size_t)(s - w) + 2 > *cap) {
            char *nb;
            *cap = (*len + (size_t)(s - w) + 2) * 2;
            nb = realloc(*out, *cap);
            if (!nb)
                return n;
            *out = nb;
        }
        if (*len)
            (*out)[(*len)++] = ' ';
        memcpy(*out + *len, w, (size_t)(s - w));
        *len += (size_t)(s - w);
        (*out)[*len] = '\0';
        n++;
    }
    return n;
}

/* Words two single-spaced word strings share from the start. */
static int common_words(const char *a, const char *b)
{
    int n = 0;
    for (;;) {
        const char *ea = strchr(a, ' '), *eb = strchr(b, ' ');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la == 0 || la != lb || memcmp(a, b, la) != 0)
            return n;
        n++;
        if (!ea || !eb)
            return n;
        a = ea + 1;
        b = eb + 1;
    }
}

/* The cache model on a POST body: its prompt words and how many of them an earlier cache_prompt request cached. */
static void cache_model(const struct body *b, int *words, int *cached)
{
    cJSON *j = b && b->data ? cJSON_ParseWithLength(b->data, b->len) : NULL;
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(j, "messages"), *m;
    char *prompt = NULL;
    size_t len = 0, cap = 0;
    bool use = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "cache_prompt"));
    *words = *cached = 0;
    cJSON_ArrayForEach(m, msgs) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "content");
        if (cJSON_IsString(c))
            *words += add_words(c->valuestring, &prompt, &len, &cap);
    }
    cJSON_Delete(j);
    if (!prompt)
        return;
    if (use) {
        pthread_mutex_lock(&g_cache_mu);
        for (int i = 0; i < g_n_cache; i++) {
            int k = common_words(g_cache[i], prompt);
            if (k > *cached)
                *cached = k;
        }
        if (*cached >= *words && *words > 0)
            *cached = *words - 1;   /* as llama-server: the last prompt token is evaluated again for its logits */
        if (g_n_cache < CACHE_MAX)
            g_cache[g_n_cache++] = prompt, prompt = NULL;
        pthread_mutex_unlock(&g_cache_mu);
    }
    free(prompt);
}


static void sleep_until(uint64_t t_ns)
{
    struct timespec ts = {(time_t)(t_ns / 1000000000ULL), (long)(t_ns % 1000000000ULL)};
    /* cllm_now_ns is CLOCK_MONOTONIC, so an absolute sleep on it hits the schedule without drift */
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

/* Sleeps ms in 10 ms steps; false when the server is stopping. */
static bool nap(int ms)
{
    uint64_t end = cllm_now_ns() + (uint64_t)ms * 1000000ULL;
    while (!g_quit && cllm_now_ns() < end)
        sleep_until(cllm_now_ns() + 10000000ULL);
    return !g_quit;
}

/* What a hostile stream sends next (no token, or tokens for ever): until the client goes or the server stops. */
static ssize_t hostile_read(struct stream *s, char *buf, size_t max)
{
    static const char *const empties[] = {
        "data:\n\n", "data: {\"choices\":[{\"index\":0,\"delta\":{}}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"}}]}\n\n", "\n\n",
    };
    if (s->mode == M_ENDLESS) {
        sleep_until(s->t0 + (uint64_t)(s->first_ms + s->gap_ms * s->i) * 1000000ULL);
        if (g_quit)
            return MHD_CONTENT_READER_END_OF_STREAM;
        return snprintf(buf, max, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"},"
                        "\"finish_reason\":null}]}\n\n", s->i++);
    }
    if (!nap(s->ping_ms))
        return MHD_CONTENT_READER_END_OF_STREAM;
    s->i++;
    if (s->mode == M_KEEPALIVE)
        return snprintf(buf, max, ": ping\n\n");
    return snprintf(buf, max, "%s", empties[s->i % 4]);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    int n;
    (void)pos;
    if (s->mode == M_KEEPALIVE || s->mode == M_EMPTY || s->mode == M_ENDLESS)
        return hostile_read(s, buf, max);
    if (s->mode == M_REASONING && s->pre < 2) {
        /* not tokens: a client that stamps TTFT here measures the connection, not the model */
        static const char *const pre[] = {
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}\n\n",
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":null}]}\n\n",
        };
        return snprintf(buf, max, "%s", pre[s->pre++]);
    }
    if (s->mode == M_REASONING && s->stage == 0 && s->i < s->think) {
        sleep_until(s->t0 + (uint64_t)(s->first_ms + s->gap_ms * s->i) * 1000000ULL);
        n = snprintf(buf, max, "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"think%d \"},"
                     "\"finish_reason\":null}]}\n\n", s->i);
        s->i++;
        return n;
    }
    if (s->stage == 0 && s->i < s->n_tok + s->think) {
        if (s->mode == M_CUT && s->i == 5)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (s->mode == M_STALL && s->i == s->stall_at) {
            nap(s->quiet_ms);   /* nothing, ended early when the test is over */
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        sleep_until(s->t0 + (uint64_t)(s->first_ms + s->gap_ms * s->i) * 1000000ULL);
        if (s->mode == M_BADJSON && s->i == 3) {
            s->i++;
            return snprintf(buf, max, "data: {\"choices\":[{\"delta\":{\"content\":\"x\"\n\n");
        }
        if (s->i == 2 && s->mode >= M_BADUTF8 && s->mode <= M_NOTOBJ) {
            static const char *const bad[] = {
                [M_BADUTF8] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xff\xfe\"}}]}\n\n",
                [M_TRAILING] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}{\"x\":1}\n\n",
                [M_NUL] = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\\u0000b\"}}]}\n\n",
                [M_NOTOBJ] = "data: [1,2]\n\n",
            };
            s->i++;
            return snprintf(buf, max, "%s", bad[s->mode]);
        }
        if (s->i == s->think)
            g_first_ns = cllm_now_ns();
        n = snprintf(buf, max,
                     "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                     "\"delta\":{\"content\":\"tok%d \"},\"finish_reason\":null}]}\n\n",
                     s->i);
        s->i++;
        return n;
    }
    if (s->stage == 0) {
        int out = s->n_tok + s->think;
        double decode_ms = (double)s->gap_ms * (out > 1 ? out - 1 : 0);
        s->stage = 1;
        __atomic_add_fetch(&g_m_gen, out, __ATOMIC_SEQ_CST);
        if (s->prompt_words > 0)
            /* the cache model: the prompt's words, of them cached */
            return snprintf(buf, max,
                            "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                            "\"usage\":{\"prompt_tokens\":%d,\"completion_tokens\":%d,\"total_tokens\":%d},"
                            "\"timings\":{\"cache_n\":%d,\"prompt_n\":%d,\"prompt_ms\":5.0,\"predicted_n\":%d,"
                            "\"predicted_ms\":%.1f,\"predicted_per_second\":41.6}}\n\n",
                            s->prompt_words, out, out + s->prompt_words, s->cached_words,
                            s->prompt_words - s->cached_words, out, decode_ms);
        return snprintf(buf, max,
                        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                        "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":%d,\"total_tokens\":%d},"
                        "\"timings\":{\"prompt_n\":12,\"prompt_ms\":5.0,\"predicted_n\":%d,\"predicted_ms\":%.1f,"
                        "\"predicted_per_second\":41.6}}\n\n: keep-alive\n\n",
                        out, out + 12, out, decode_ms);
    }
    if (s->stage == 1) {
        s->stage = 2;
        stream_done(s);
        return snprintf(buf, max, "data: [DONE]\n\n");
    }
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* "n=20,first=50,gap=10,fail=4,slowfirst=3:150,slowgap=5:30" (up to the next '/') over *sp. */
static void parse_spec(const char *p, struct sched_spec *sp)
{
    while (*p && *p != '/') {
        char key[16];
        int k = 0, a = 0, b = 0;
        while (*p && *p != '=' && *p != '/' && k < (int)sizeof(key) - 1)
            key[k++] = *p++;
        key[k] = '\0';
        if (*p == '=')
            p++;
        a = (int)strtol(p, (char **)&p, 10);
        if (*p == ':')
            b = (int)strtol(p + 1, (char **)&p, 10);
        if (strcmp(key, "n") == 0)
            sp->n_tok = a;
        else if (strcmp(key, "first") == 0)
            sp->first_ms = a;
        else if (strcmp(key, "gap") == 0)
            sp->gap_ms = a;
        else if (strcmp(key, "fail") == 0)
            sp->fail_every = a;
        else if (strcmp(key, "slowfirst") == 0)
            sp->slow_first_every = a, sp->slow_first_ms = b;
        else if (strcmp(key, "slowgap") == 0)
            sp->slow_gap_every = a, sp->slow_gap_ms = b;
        else if (strcmp(key, "at") == 0)
            sp->stall_at = a;
        else if (strcmp(key, "quiet") == 0)
            sp->quiet_ms = a;
        else if (strcmp(key, "ping") == 0)
            sp->ping_ms = a;
        else if (strcmp(key, "think") == 0)
            sp->think = a;
        else if (strcmp(key, "ptok") == 0)
            sp->ptok_us = a;
        else if (strcmp(key, "knee") == 0)
            sp->knee = a, sp->knee_ms = b;
        while (*p && *p != ',' && *p != '/')
            p++;
        if (*p == ',')
            p++;
    }
}

/* The segments before /v1/: a mode name and/or a schedule (any order). */
static enum mode parse_path(const char *url, struct sched_spec *sp)
{
    enum mode m = M_OK;
    const char *seg = url;
    while (seg[0] == '/' && strncmp(seg, "/v1/", 4) != 0) {
        const char *end = strchr(seg + 1, '/');
        size_t len = end ? (size_t)(end - seg - 1) : strlen(seg + 1);
        if (memchr(seg + 1, '=', len))
            parse_spec(seg + 1, sp);
        for (size_t i = 0; i < sizeof(g_modes) / sizeof(g_modes[0]); i++)
            if (strlen(g_modes[i].name) == len && strncmp(seg + 1, g_modes[i].name, len) == 0)
                m = g_modes[i].mode;
        if (!end)
            break;
        seg = end;
    }
    return m;
}

/* GET .../metrics: llama-server's counters and gauges of what this server did; hostile ones on request (a path
 * segment): nometrics 404 (llama-server without --metrics), metrics-endless (comment lines for ever),
 * metrics-huge (16 MiB of valid samples), metrics-garbage (not Prometheus text). */
struct endless {
    size_t sent, limit;   /* limit 0: never ends */
    int    n;
};

static ssize_t endless_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct endless *e = cls;
    size_t n = 0;
    (void)pos;
    if (g_quit || (e->limit && e->sent >= e->limit))
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (!e->limit)
        nap(5);   /* slow enough not to eat the machine, never done */
    while (n + 64 < max) {
        int k = e->limit ? snprintf(buf + n, max - n, "llamacpp:filler_%d %d\n", e->n % 1000, e->n)
                         : snprintf(buf + n, max - n, "# still going %d\n", e->n);
        e->n++;
        n += (size_t)k;
    }
    e->sent += n;
    return (ssize_t)n;
}

static enum MHD_Result metrics(struct MHD_Connection *c, const char *url)
{
    static const char garbage[] = "llamacpp:prompt_tokens_total{{{ twelve\n\x01 not prometheus\n";
    char buf[2048];
    struct MHD_Response *r;
    int in_flight = __atomic_load_n(&g_in_flight, __ATOMIC_SEQ_CST);
    if (strstr(url, "/nometrics/"))
        return queue(c, 501, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
    if (strstr(url, "/metrics-garbage/"))
        return queue(c, 200, MHD_create_response_from_buffer(sizeof(garbage) - 1, (void *)garbage,
                                                             MHD_RESPMEM_PERSISTENT));
    if (strstr(url, "/metrics-endless/") || strstr(url, "/metrics-huge/")) {
        struct endless *e = calloc(1, sizeof(*e));
        if (!e)
            return MHD_NO;
        e->limit = strstr(url, "/metrics-huge/") ? (16u << 20) : 0;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, endless_read, e, free);
        MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
        return queue(c, 200, r);
    }
    snprintf(buf, sizeof(buf),
             "# HELP llamacpp:prompt_tokens_total Number of prompt tokens processed.\n"
             "# TYPE llamacpp:prompt_tokens_total counter\n"
             "llamacpp:prompt_tokens_total %lld\n"
             "# TYPE llamacpp:prompt_tokens_cached_total counter\n"
             "llamacpp:prompt_tokens_cached_total %lld\n"
             "# TYPE llamacpp:tokens_predicted_total counter\n"
             "llamacpp:tokens_predicted_total %lld\n"
             "# TYPE llamacpp:n_decode_total counter\n"
             "llamacpp:n_decode_total %lld\n"
             "# TYPE llamacpp:requests_processing gauge\n"
             "llamacpp:requests_processing %d\n"
             "# TYPE llamacpp:requests_deferred gauge\n"
             "llamacpp:requests_deferred 0\n"
             "# TYPE llamacpp:kv_cache_usage_ratio gauge\n"
             "llamacpp:kv_cache_usage_ratio %.3f\n",
             __atomic_load_n(&g_m_prompt, __ATOMIC_SEQ_CST), __atomic_load_n(&g_m_cached, __ATOMIC_SEQ_CST),
             __atomic_load_n(&g_m_gen, __ATOMIC_SEQ_CST), __atomic_load_n(&g_m_gen, __ATOMIC_SEQ_CST) +
             __atomic_load_n(&g_m_requests, __ATOMIC_SEQ_CST), in_flight, in_flight > 8 ? 1.0 : in_flight / 8.0);
    r = MHD_create_response_from_buffer(strlen(buf), buf, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
    return queue(c, 200, r);
}

/* POST .../tok/tokenize {"content": text}: a word a token (white space splits), as {"tokens": [...]}. */
static enum MHD_Result tokenize(struct MHD_Connection *c, const struct body *b)
{
    cJSON *j = b && b->data ? cJSON_ParseWithLength(b->data, b->len) : NULL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "content");
    char *words = NULL, *out;
    size_t len = 0, cap = 0;
    int n = cJSON_IsString(t) ? add_words(t->valuestring, &words, &len, &cap) : -1;
    cJSON *res = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(res, "tokens");
    free(words);
    cJSON_Delete(j);
    if (n < 0) {
        cJSON_Delete(res);
        return queue(c, 400, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
    }
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(i));
    out = cJSON_PrintUnformatted(res);
    cJSON_Delete(res);
    if (!out)
        return MHD_NO;
    return queue(c, 200, MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_FREE));
}

/* The request's max_tokens (0: not sent). */
static int body_max_tokens(const struct body *b)
{
    cJSON *j = b && b->data ? cJSON_ParseWithLength(b->data, b->len) : NULL;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "max_tokens");
    int n = cJSON_IsNumber(m) ? (int)m->valuedouble : 0;
    cJSON_Delete(j);
    return n;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    (void)cls, (void)version;
    if (strcmp(method, "POST") == 0) {
        static const char err500[] =
            "{\"error\":{\"code\":500,\"message\":\"model exploded\",\"type\":\"server_error\"}}";
        /* not JSON, not UTF-8, with control characters: the message must still be one valid line */
        static const char err500bin[] = "upstream \xff\xfe failed\n\x01\x02 badly";
        struct sched_spec sp = g_dflt;
        struct stream *s;
        struct MHD_Response *r;
        enum mode m = M_OK;
        int nth;
        struct body *b = *con_cls;
        int in_flight;
        if (b == NULL) {
            *con_cls = calloc(1, sizeof(struct body));
            return *con_cls ? MHD_YES : MHD_NO;
        }
        if (*upload_size) {
            /* the body, kept (bounded) for the cache model */
            size_t k = *upload_size;
            if (b->len + k <= (1u << 20)) {
                char *nb = realloc(b->data, b->len + k + 1);
                if (nb) {
                    memcpy(nb + b->len, upload, k);
                    b->data = nb;
                    b->len += k;
                    b->data[b->len] = '\0';
                }
            }
            *upload_size = 0;
            return MHD_YES;
        }
        bool tok = strncmp(url, "/tok/", 5) == 0 || strstr(url, "/tok/") != NULL;
        if (strlen(url) >= 9 && strcmp(url + strlen(url) - 9, "/tokenize") == 0)
            return tok ? tokenize(c, b)
                       : queue(c, 404, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
        nth = __atomic_add_fetch(&g_posts, 1, __ATOMIC_SEQ_CST);
        m = parse_path(url, &sp);
        if (strncmp(url, "/err500bin/", 11) == 0)
            return queue(c, 500, MHD_create_response_from_buffer(sizeof(err500bin) - 1, (void *)err500bin,
                                                                 MHD_RESPMEM_PERSISTENT));
        if (strncmp(url, "/err500/", 8) == 0 || (sp.fail_every > 0 && nth % sp.fail_every == 0))
            return queue(c, 500, MHD_create_response_from_buffer(sizeof(err500) - 1, (void *)err500,
                                                                 MHD_RESPMEM_PERSISTENT));
        if (m == M_PLAIN) {
            static const char plain[] = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                                        "\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}";
            r = MHD_create_response_from_buffer(sizeof(plain) - 1, (void *)plain, MHD_RESPMEM_PERSISTENT);
            MHD_add_response_header(r, "Content-Type", "application/json");
            return queue(c, 200, r);
        }
        if (sp.slow_first_every > 0 && nth % sp.slow_first_every == 0)
            sp.first_ms = sp.slow_first_ms;
        if (sp.slow_gap_every > 0 && nth % sp.slow_gap_every == 0)
            sp.gap_ms = sp.slow_gap_ms;
        s = calloc(1, sizeof(*s));
        if (!s)
            return MHD_NO;
        in_flight = __atomic_add_fetch(&g_in_flight, 1, __ATOMIC_SEQ_CST);
        {
            int mx = __atomic_load_n(&g_max_in_flight, __ATOMIC_SEQ_CST);
            while (in_flight > mx && !__atomic_compare_exchange_n(&g_max_in_flight, &mx, in_flight, false,
                                                                  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                ;
        }
        if (sp.knee > 0 && in_flight > sp.knee)
            sp.first_ms += sp.knee_ms;
        if (sp.ptok_us > 0 || tok)
            cache_model(b, &s->prompt_words, &s->cached_words);
        if (sp.ptok_us > 0)
            sp.first_ms += (int)(((long long)sp.ptok_us * (s->prompt_words - s->cached_words) + 500) / 1000);
        if (tok) {
            /* "tok" behaves as llama-server does: max_tokens honoured */
            int mt = body_max_tokens(b);
            if (mt > 0 && mt < sp.n_tok)
                sp.n_tok = mt;
        }
        __atomic_add_fetch(&g_m_requests, 1, __ATOMIC_SEQ_CST);
        __atomic_add_fetch(&g_m_prompt, s->prompt_words > 0 ? s->prompt_words - s->cached_words : 12,
                           __ATOMIC_SEQ_CST);
        __atomic_add_fetch(&g_m_cached, s->cached_words, __ATOMIC_SEQ_CST);
        s->counted = true;
        s->epoch = __atomic_load_n(&g_epoch, __ATOMIC_SEQ_CST);
        s->think = m == M_REASONING ? sp.think : 0;
        s->mode = m;
        s->n_tok = sp.n_tok;
        s->first_ms = sp.first_ms;
        s->gap_ms = sp.gap_ms;
        s->stall_at = sp.stall_at > 0 ? sp.stall_at : 3;
        s->quiet_ms = sp.quiet_ms > 0 ? sp.quiet_ms : 3000;
        s->ping_ms = sp.ping_ms > 0 ? sp.ping_ms : 200;
        s->t0 = cllm_now_ns();
        g_req_ns = s->t0;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
        MHD_add_response_header(r, "Content-Type", "text/event-stream");
        return queue(c, 200, r);
    }
    if ((strncmp(url, "/llama/", 7) == 0 && strlen(url) >= 12 && strcmp(url + strlen(url) - 6, "/props") == 0) ||
        strcmp(url, "/badprops/props") == 0 || strcmp(url, "/badmodels/v1/models") == 0) {
        static const char props[] = "{\"default_generation_settings\":{\"n_ctx\":2048},\"build_info\":\"sched\","
                                    "\"total_slots\":4}";
        static const char badprops[] = "{\"default_generation_settings\":{\"n_ctx\":2048}} trailing";
        static const char badmodels[] = "{\"data\":[{\"id\":\"m\xff\"}]}";
        const char *b = url[1] == 'l' ? props : url[4] == 'p' ? badprops : badmodels;
        return queue(c, 200, MHD_create_response_from_buffer(strlen(b), (void *)b, MHD_RESPMEM_PERSISTENT));
    }
    if (strlen(url) >= 8 && strcmp(url + strlen(url) - 8, "/metrics") == 0)
        return metrics(c, url);
    if (strcmp(url, "/health") == 0) {
        static const char ok[] = "{\"status\":\"ok\"}", loading[] = "{\"error\":{\"message\":\"Loading model\"}}";
        const char *b = g_health == 200 ? ok : loading;
        return queue(c, (unsigned)g_health,
                     MHD_create_response_from_buffer(strlen(b), (void *)b, MHD_RESPMEM_PERSISTENT));
    }
    return queue(c, 404, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct body *b = *con_cls;
    (void)cls, (void)c, (void)toe;
    if (b)
        free(b->data);
    free(b);
    *con_cls = NULL;
}

/* Nagle would hold a chunk behind the previous one's delayed ACK (tens of ms): not the schedule's timing */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    int one = 1;
    (void)cls, (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED && ci)
        setsockopt(ci->connect_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int sched_server_start(int port, const struct sched_spec *dflt)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_dflt = *dflt;
    g_quit = 0;
    g_d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, (uint16_t)port, NULL,
                           NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                           MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_NOTIFY_COMPLETED,
                           on_completed, NULL, MHD_OPTION_END);
    return g_d ? MHD_get_daemon_info(g_d, MHD_DAEMON_INFO_BIND_PORT)->port : 0;
}

void sched_server_stop(void)
{
    g_quit = 1;
    if (g_d)
        MHD_stop_daemon(g_d);
    g_d = NULL;
}

void sched_server_reset(void)
{
    __atomic_store_n(&g_posts, 0, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&g_epoch, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&g_in_flight, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&g_max_in_flight, 0, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&g_cache_mu);
    for (int i = 0; i < g_n_cache; i++)
        free(g_cache[i]);
    g_n_cache = 0;
    pthread_mutex_unlock(&g_cache_mu);
}

int sched_server_max_in_flight(void) { return __atomic_load_n(&g_max_in_flight, __ATOMIC_SEQ_CST); }

void sched_server_set_health(int status) { g_health = status; }

uint64_t sched_server_last_request_ns(void) { return g_req_ns; }

uint64_t sched_server_last_first_token_ns(void) { return g_first_ns; }

#else
/* built without libmicrohttpd: the tests that need the server skip */
int sched_server_start(int port, const struct sched_spec *dflt)
{
    (void)port, (void)dflt;
    return 0;
}
void sched_server_stop(void) {}
void sched_server_reset(void) {}
void sched_server_set_health(int status) { (void)status; }
uint64_t sched_server_last_request_ns(void) { return 0; }
uint64_t sched_server_last_first_token_ns(void) { return 0; }
int sched_server_max_in_flight(void) { return 0; }
#endif
