#include "web/server.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/log.h"
#include "web/assets.h"
#include "web/hub.h"

#define STREAM_BLOCK 4096     /* bytes per SSE read */
#define KEEPALIVE_S 15.0      /* proxies and browsers drop silent streams; a comment keeps them open */
#define KEEPALIVE_TEXT ": keepalive\n\n"
#define DEFAULT_THREADS 4
#define DEFAULT_MAX_CONNS 256
#define DEFAULT_MAX_CONNS_PER_IP 32
#define DEFAULT_TIMEOUT_S 20  /* idle connections go; above KEEPALIVE_S so a quiet event stream stays */
#define MAX_HOSTS 64

/* One events stream: parked (MHD_suspend_connection) while nothing is pending, resumed by the API's notify, by
 * the ticker when its keepalive is due, and at stop. A pool thread never waits for a run. */
struct sse {
    struct cllm_web_server *srv;
    struct cllm_web_stream *st;
    struct MHD_Connection  *conn;
    bool   parked;              /* in srv->parked; guarded by srv->wmu */
    double keepalive_at_s;      /* cllm_now_s() when the next keepalive comment is due */
    struct sse *prev, *next;
};

struct cllm_web_server {
    struct MHD_Daemon   *daemon;
    struct cllm_web_api *api;
    char  *token;               /* NULL: no token needed (no_token); else the first of toks */
    char **toks, **tok_names;   /* every accepted token and its submitter name ("default" for --token) */
    size_t n_toks;
    struct cllm_hub *hub;       /* non-NULL: the results hub's API instead of the GUI's */
    char   cookie_name[48];
    size_t max_body;            /* bytes */
    int    port;
    char  *hosts[MAX_HOSTS];    /* allowed Host names: lower case, IPv6 in brackets, without the port */
    size_t n_hosts;
    bool   any_ip_literal;      /* bound to a wildcard address: any numeric address may name this machine */
    unsigned max_conns, reserve;   /* above max_conns - reserve, requests without the token get 503 */
    atomic_uint open_conns;

    pthread_mutex_t wmu;        /* guards parked, gen, stopping */
    pthread_cond_t  wcond;
    struct sse     *parked;
    unsigned long   gen;        /* bumped by every notify: a stream that saw it change reads again */
    bool            stopping;
    pthread_t       ticker;
    bool            ticker_started;
};

/* One request's state across libmicrohttpd's calls: the body as it arrives. */
struct conn_ctx {
    char  *body;
    size_t len, cap;
    bool   too_large;
    bool   answered;            /* refused on the first call: the body is not read */
};

struct cllm_web_params cllm_web_default_params(void)
{
    struct cllm_web_params p = {
        .host = "127.0.0.1",
        .port = CLLM_WEB_DEFAULT_PORT,
        .token = NULL,
        .no_token = false,
        .allow_hosts = NULL,
        .n_allow_hosts = 0,
        .threads = DEFAULT_THREADS,
        .max_connections = DEFAULT_MAX_CONNS,
        .max_connections_per_ip = DEFAULT_MAX_CONNS_PER_IP,
        .connection_timeout_s = DEFAULT_TIMEOUT_S,
        .api = cllm_web_api_default_params(),
    };
    return p;
}

bool cllm_web_host_is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (!host)
        return false;
    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return false;
}

/* Compares in time independent of where the strings differ, so the token cannot be guessed byte by byte. */
static bool token_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned char diff = (unsigned char)(na != nb);
    for (size_t i = 0; i < nb; i++)
        diff |= (unsigned char)(a[i < na ? i : 0] ^ b[i]);
    return diff == 0 && na > 0;
}

/* 32 hex digits from the kernel's random source. */
static bool random_token(char *out, size_t n)
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof(b)) {
        ssize_t k = getrandom(b + got, sizeof(b) - got, 0);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)k;
    }
    if (got < sizeof(b)) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        got = 0;
        while (fd >= 0 && got < sizeof(b)) {
            ssize_t k = read(fd, b + got, sizeof(b) - got);
            if (k <= 0) {
                if (k < 0 && errno == EINTR)
                    continue;
                break;
            }
            got += (size_t)k;
        }
        if (fd >= 0)
            close(fd);
        if (got < sizeof(b))
            return false;
    }
    if (n < 2 * sizeof(b) + 1)
        return false;
    for (size_t i = 0; i < sizeof(b); i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    return true;
}

/* ---- Host and Origin ---- */

/* "name", "1.2.3.4" or "[v6]" into out, lower case, IPv6 in its canonical form; false when it is none of them. */
static bool normal_host(const char *name, size_t n, char *out, size_t outlen)
{
    if (n == 0 || n >= outlen)
        return false;
    if (name[0] == '[') {
        char inner[INET6_ADDRSTRLEN + 1], canon[INET6_ADDRSTRLEN];
        struct in6_addr a6;
        if (n < 3 || name[n - 1] != ']' || n - 2 >= sizeof(inner))
            return false;
        memcpy(inner, name + 1, n - 2);
        inner[n - 2] = '\0';
        if (inet_pton(AF_INET6, inner, &a6) != 1 || !inet_ntop(AF_INET6, &a6, canon, sizeof(canon)))
            return false;
        return (size_t)snprintf(out, outlen, "[%s]", canon) < outlen;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '.' && c != '-')
            return false;
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    return true;
}

/* A Host header value (or an Origin's host part): an allowed name, and the server's port (none only on port 80). */
static bool host_allowed(const struct cllm_web_server *s, const char *v)
{
    char name[300];
    const char *port = NULL;
    size_t n;

    if (!v || !*v)
        return false;
    if (v[0] == '[') {
        const char *e = strchr(v, ']');
        if (!e)
            return false;
        n = (size_t)(e - v) + 1;
        if (e[1] == ':')
            port = e + 2;
        else if (e[1])
            return false;
    } else {
        const char *colon = strchr(v, ':');
        n = colon ? (size_t)(colon - v) : strlen(v);
        if (colon)
            port = colon + 1;
    }
    if (!normal_host(v, n, name, sizeof(name)))
        return false;
    if (port) {
        size_t k = strlen(port);
        if (k == 0 || k > 5 || strspn(port, "0123456789") != k || atoi(port) != s->port)
            return false;
    } else if (s->port != 80) {
        return false;
    }
    for (size_t i = 0; i < s->n_hosts; i++)
        if (strcmp(name, s->hosts[i]) == 0)
            return true;
    if (s->any_ip_literal) {
        /* a numeric address cannot be rebound by a DNS server: on a wildcard bind any of them may name us */
        struct in_addr a4;
        if (name[0] == '[' || inet_pton(AF_INET, name, &a4) == 1)
            return true;
    }
    return false;
}

/* An Origin header: exactly http://<allowed host>[:port], no path ("null" and other schemes refused). */
static bool origin_allowed(const struct cllm_web_server *s, const char *o)
{
    if (strncasecmp(o, "http://", 7) != 0 || strchr(o + 7, '/'))
        return false;
    return host_allowed(s, o + 7);
}

static bool add_host(struct cllm_web_server *s, const char *name, char *err, size_t errlen)
{
    char norm[300];
    if (s->n_hosts >= MAX_HOSTS) {
        snprintf(err, errlen, "--allow-host: at most %d names", MAX_HOSTS - 4);
        return false;
    }
    if (!normal_host(name, strlen(name), norm, sizeof(norm))) {
        snprintf(err, errlen, "--allow-host '%.200s': expected a host name (letters, digits, '.', '-'), an IPv4 "
                 "address or an IPv6 address in brackets, without a port", name);
        return false;
    }
    for (size_t i = 0; i < s->n_hosts; i++)
        if (strcmp(s->hosts[i], norm) == 0)
            return true;
    s->hosts[s->n_hosts] = strdup(norm);
    if (!s->hosts[s->n_hosts]) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->n_hosts++;
    return true;
}

/* ---- responses ---- */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
    enum MHD_Result ret;
    if (!r)
        return MHD_NO;
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void common_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
}

/* {"error": msg} with msg escaped and made UTF-8 (it may quote a header the client sent). */
static struct MHD_Response *json_error(const char *fmt, ...) CLLM_PRINTF(1, 2);
static struct MHD_Response *json_error(const char *fmt, ...)
{
    char msg[1024], *text, *fixed;
    va_list ap;
    cJSON *o = cJSON_CreateObject();
    struct MHD_Response *r;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fixed = cllm_utf8_repair(msg, strlen(msg), NULL);
    cJSON_AddStringToObject(o, "error", fixed ? fixed : "error");
    free(fixed);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return NULL;
    r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return NULL;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    common_headers(r);
    return r;
}

/* ---- event streams ---- */

/* The caller holds wmu. */
static void unpark_locked(struct cllm_web_server *s, struct sse *e)
{
    if (!e->parked)
        return;
    if (e->prev)
        e->prev->next = e->next;
    else
        s->parked = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->prev = e->next = NULL;
    e->parked = false;
    MHD_resume_connection(e->conn);
}

/* The API's notify (a new event, a run's end, shutdown), called with the API's lock held. */
static void on_api_event(void *user)
{
    struct cllm_web_server *s = user;
    pthread_mutex_lock(&s->wmu);
    s->gen++;
    while (s->parked)
        unpark_locked(s, s->parked);
    pthread_mutex_unlock(&s->wmu);
}

/* Resumes the streams whose keepalive is due, once a second, until stop. */
static void *ticker_main(void *arg)
{
    struct cllm_web_server *s = arg;
    pthread_mutex_lock(&s->wmu);
    while (!s->stopping) {
        struct timespec ts;
        double now;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&s->wcond, &s->wmu, &ts);
        now = cllm_now_s();
        for (struct sse *e = s->parked, *next; e; e = next) {
            next = e->next;
            if (now >= e->keepalive_at_s)
                unpark_locked(s, e);
        }
    }
    pthread_mutex_unlock(&s->wmu);
    return NULL;
}

/* Never blocks: the next bytes, or the connection parked until something happens (libmicrohttpd calls a reader
 * that returned 0 again at once unless its connection is suspended). */
static ssize_t sse_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct sse *e = cls;
    struct cllm_web_server *s = e->srv;
    (void)pos;

    for (;;) {
        unsigned long gen;
        bool ended = false;
        size_t n;

        pthread_mutex_lock(&s->wmu);
        gen = s->gen;
        pthread_mutex_unlock(&s->wmu);
        n = cllm_web_stream_read(e->st, buf, max, &ended);
        if (n > 0) {
            e->keepalive_at_s = cllm_now_s() + KEEPALIVE_S;
            return (ssize_t)n;
        }
        if (ended)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (cllm_now_s() >= e->keepalive_at_s && max >= sizeof(KEEPALIVE_TEXT) - 1) {
            memcpy(buf, KEEPALIVE_TEXT, sizeof(KEEPALIVE_TEXT) - 1);
            e->keepalive_at_s = cllm_now_s() + KEEPALIVE_S;
            return (ssize_t)(sizeof(KEEPALIVE_TEXT) - 1);
        }
        pthread_mutex_lock(&s->wmu);
        if (s->stopping) {
            pthread_mutex_unlock(&s->wmu);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (s->gen != gen) {   /* an event came between the read and now: read again rather than miss it */
            pthread_mutex_unlock(&s->wmu);
            continue;
        }
        MHD_suspend_connection(e->conn);
        e->parked = true;
        e->prev = NULL;
        e->next = s->parked;
        if (s->parked)
            s->parked->prev = e;
        s->parked = e;
        pthread_mutex_unlock(&s->wmu);
        return 0;
    }
}

static void sse_free(void *cls)
{
    struct sse *e = cls;
    struct cllm_web_server *s = e->srv;
    pthread_mutex_lock(&s->wmu);
    unpark_locked(s, e);   /* not expected (a parked connection is not closed), but never leave a dangling entry */
    pthread_mutex_unlock(&s->wmu);
    cllm_web_stream_close(e->st);
    free(e);
}

/* ---- requests ---- */

/* The index of the accepted token h is, or -1; every token is compared, so the time says nothing of which. */
static long token_index(const struct cllm_web_server *s, const char *h)
{
    long found = -1;
    if (!h)
        return -1;
    for (size_t i = 0; i < s->n_toks; i++)
        if (token_equal(h, s->toks[i]) && found < 0)
            found = (long)i;
    return found;
}

/* The request's token: its index, or -1 when it has none that is accepted (-2: no token needed). */
static long token_of(const struct cllm_web_server *s, struct MHD_Connection *c)
{
    long i;
    if (!s->token)
        return -2;
    i = token_index(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-ComputeLLM-Token"));
    if (i >= 0)
        return i;
    return token_index(s, MHD_lookup_connection_value(c, MHD_COOKIE_KIND, s->cookie_name));
}

static bool token_ok(const struct cllm_web_server *s, struct MHD_Connection *c) { return token_of(s, c) != -1; }

/* "application/json", any case, parameters such as "; charset=utf-8" allowed. */
static bool is_json_type(const char *ct)
{
    size_t n;
    if (!ct)
        return false;
    ct += strspn(ct, " \t");
    n = strcspn(ct, "; \t");
    if (n != 16 || strncasecmp(ct, "application/json", 16) != 0)
        return false;
    ct += n;
    ct += strspn(ct, " \t");
    return *ct == '\0' || *ct == ';';
}

static bool has_body(struct MHD_Connection *c)
{
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return true;
    return cl && strtoull(cl, NULL, 10) > 0;
}

static bool is_read_method(const char *m) { return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0; }

/* The endpoints whose body is JSON even when it is empty. */
static bool takes_json(const char *url, const char *method)
{
    return strcmp(method, "POST") == 0 &&
           (strcmp(url, "/api/runs") == 0 || strcmp(url, "/api/results") == 0 || strcmp(url, "/api/compare") == 0 ||
            strcmp(url, "/api/submit") == 0);
}

/* Every check that does not need the body, on the first call: Host, Origin, load, token, Content-Type, size.
 * Queues the refusal and returns true when the request is refused. */
static bool refuse_early(struct cllm_web_server *s, struct MHD_Connection *c, const char *url, const char *method,
                         bool is_api, struct conn_ctx *cc, enum MHD_Result *ret)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    bool authed = token_ok(s, c);
    struct MHD_Response *r = NULL;
    unsigned status = 0;

    if (!host_allowed(s, host)) {
        /* DNS rebinding: a page of another site, its name pointed at this machine, still sends its own name */
        status = MHD_HTTP_FORBIDDEN;
        r = json_error("Host '%.200s' is not allowed: use http://127.0.0.1:%d/ or http://localhost:%d/, or start "
                       "the server with --allow-host NAME", host ? host : "(none)", s->port, s->port);
    } else if ((is_api || !is_read_method(method)) && origin && !origin_allowed(s, origin)) {
        status = MHD_HTTP_FORBIDDEN;
        r = json_error("Origin '%.200s' is not allowed: the API answers pages of this server only", origin);
    } else if ((is_api || !is_read_method(method)) && site &&
               (strcasecmp(site, "cross-site") == 0 || strcasecmp(site, "same-site") == 0)) {
        status = MHD_HTTP_FORBIDDEN;
        r = json_error("a %s request (Sec-Fetch-Site) is not allowed: the API answers pages of this server only",
                       strcasecmp(site, "cross-site") == 0 ? "cross-site" : "same-site");
    } else if (!authed && atomic_load(&s->open_conns) + s->reserve >= s->max_conns) {
        /* the last slots are kept for requests that carry the token */
        status = MHD_HTTP_SERVICE_UNAVAILABLE;
        r = json_error("server busy: %u connections open (limit %u); try again in a few seconds",
                       atomic_load(&s->open_conns), s->max_conns);
        if (r) {
            MHD_add_response_header(r, "Retry-After", "5");
            MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
        }
    } else if (is_api && !authed) {
        status = MHD_HTTP_UNAUTHORIZED;
        r = s->hub ? json_error("missing or wrong token: send your submitter token as the X-ComputeLLM-Token header "
                                "(computellm submit --token T, or $COMPUTELLM_HUB_TOKEN), or open the hub page "
                                "with ?token=T")
                   : json_error("missing or wrong token: open the URL that `computellm gui` printed (it sets the %s "
                                "cookie), or send the token as the X-ComputeLLM-Token header", s->cookie_name);
    } else if (!is_read_method(method) && (has_body(c) || takes_json(url, method)) &&
               !is_json_type(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        status = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
        r = json_error("Content-Type '%.100s': request bodies must be JSON, sent as Content-Type: application/json",
                       ct ? ct : "(none)");
    } else if (cl && strtoull(cl, NULL, 10) > s->max_body) {
        status = MHD_HTTP_CONTENT_TOO_LARGE;
        r = json_error("request body larger than %zu bytes", s->max_body);
    } else if (!is_api && !is_read_method(method)) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        r = json_error("method %.20s not allowed here", method);
    }
    if (!status)
        return false;
    cc->answered = true;
    if (status == MHD_HTTP_FORBIDDEN || status == MHD_HTTP_UNAUTHORIZED)
        CLLM_LOG(CLLM_LOG_DEBUG, "web: %u for %s %s", status, method, url);
    *ret = queue(c, status, r);
    return true;
}

#define MAX_QUERY 32   /* query arguments read per request; more get 400 from the hub */

struct query {
    const char *keys[MAX_QUERY], *vals[MAX_QUERY];
    size_t n;
    bool too_many;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct query *q = cls;
    (void)kind;
    if (q->n == MAX_QUERY) {
        q->too_many = true;
        return MHD_NO;
    }
    q->keys[q->n] = key ? key : "";
    q->vals[q->n] = value;
    q->n++;
    return MHD_YES;
}

static enum MHD_Result serve_api(struct cllm_web_server *s, struct MHD_Connection *c, const char *url,
                                 const char *method, struct conn_ctx *cc)
{
    struct query q = {.n = 0};
    struct cllm_web_request req = {
        .method = method, .path = url, .body = cc->body, .body_len = cc->len, .body_too_large = cc->too_large,
        .last_event_id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID"),
    };
    struct cllm_web_response resp;
    struct MHD_Response *r;
    enum MHD_Result ret;

    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
    if (q.too_many)
        return queue(c, MHD_HTTP_BAD_REQUEST, json_error("more than %d query arguments", MAX_QUERY));
    req.query_keys = q.keys;
    req.query_vals = q.vals;
    req.n_query = q.n;
    if (s->hub) {
        long ti = token_of(s, c);
        cllm_hub_handle(s->hub, &req, ti >= 0 ? s->tok_names[ti] : NULL, &resp);
    } else {
        cllm_web_api_handle(s->api, &req, &resp);
    }
    if (resp.stream_run[0]) {
        struct cllm_web_stream *st = cllm_web_stream_open(s->api, resp.stream_run, resp.stream_from);
        struct sse *e;
        cllm_web_response_free(&resp);
        if (!st)
            return queue(c, MHD_HTTP_NOT_FOUND, json_error("no such run"));
        e = calloc(1, sizeof(*e));
        if (!e) {
            cllm_web_stream_close(st);
            return MHD_NO;
        }
        e->srv = s;
        e->st = st;
        e->conn = c;
        e->keepalive_at_s = cllm_now_s() + KEEPALIVE_S;
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, sse_reader, e, sse_free);
        if (!r) {
            cllm_web_stream_close(st);
            free(e);
            return MHD_NO;
        }
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        common_headers(r);
        return queue(c, MHD_HTTP_OK, r);
    }
    /* whatever is on disk (a file someone else put in the results folder), the answer is UTF-8 */
    if (resp.body && !cllm_utf8_valid(resp.body, resp.body_len, NULL)) {
        size_t n = 0;
        char *fixed = cllm_utf8_repair(resp.body, resp.body_len, &n);
        if (fixed) {
            free(resp.body);
            resp.body = fixed;
            resp.body_len = n;
        }
    }
    r = MHD_create_response_from_buffer(resp.body_len, resp.body ? resp.body : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp.content_type);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        common_headers(r);
        if (resp.retry_after_s > 0) {
            char ra[16];
            snprintf(ra, sizeof(ra), "%d", resp.retry_after_s);
            MHD_add_response_header(r, "Retry-After", ra);
        }
        if (resp.attachment[0]) {
            char cd[320];
            snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", resp.attachment);
            MHD_add_response_header(r, "Content-Disposition", cd);
        }
    }
    ret = queue(c, (unsigned)resp.status, r);
    cllm_web_response_free(&resp);
    return ret;
}

/* A static path fit for a Location header as it is. */
static bool plain_path(const char *url)
{
    return url[0] == '/' && strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") ==
                                strlen(url) && !strstr(url, "//");
}

static enum MHD_Result serve_static(struct cllm_web_server *s, struct MHD_Connection *c, const char *url)
{
    const struct cllm_web_asset *a;
    const char *tok = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    struct MHD_Response *r;

    /* the URL printed with ?token= logs the browser in: a cookie, then the same page without the token in the
     * address bar (and in the history) */
    if (s->token && tok) {
        char cookie[400];
        long ti = token_index(s, tok);
        if (ti < 0)
            return queue(c, MHD_HTTP_UNAUTHORIZED,
                         json_error("wrong token in the address: open the URL that `computellm %s` printed",
                                    s->hub ? "hub" : "gui"));
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict", s->cookie_name, s->toks[ti]);
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, plain_path(url) ? url : "/");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        common_headers(r);
        return queue(c, MHD_HTTP_SEE_OTHER, r);
    }
    a = cllm_web_asset_find(s->hub && strcmp(url, "/") == 0 ? "/hub.html" : url);
    if (!a && strcmp(url, "/favicon.ico") == 0) {
        /* browsers ask for it on their own: "no icon" rather than a 404 in the page's console */
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        common_headers(r);
        return queue(c, MHD_HTTP_NO_CONTENT, r);
    }
    if (!a)
        return queue(c, MHD_HTTP_NOT_FOUND, json_error("not found"));
    r = MHD_create_response_from_buffer(a->size, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, cllm_web_mime_type(a->path));
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Content-Security-Policy", "frame-ancestors 'none'");
    common_headers(r);
    return queue(c, MHD_HTTP_OK, r);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload_data, size_t *upload_data_size,
                               void **con_cls)
{
    struct cllm_web_server *s = cls;
    struct conn_ctx *cc = *con_cls;
    bool is_api = strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
    (void)version;

    if (!cc) {
        enum MHD_Result ret = MHD_YES;
        cc = calloc(1, sizeof(*cc));
        if (!cc)
            return MHD_NO;
        *con_cls = cc;
        if (refuse_early(s, c, url, method, is_api, cc, &ret))
            return ret;
        return MHD_YES;
    }
    if (cc->answered) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (cc->too_large || cc->len + n > s->max_body) {
            cc->too_large = true;
            free(cc->body);
            cc->body = NULL;
            cc->len = cc->cap = 0;
            return MHD_YES;
        }
        if (cc->len + n + 1 > cc->cap) {
            size_t cap = cc->cap ? cc->cap : 4096;
            char *b;
            while (cap < cc->len + n + 1)
                cap *= 2;
            b = realloc(cc->body, cap);
            if (!b)
                return MHD_NO;
            cc->body = b;
            cc->cap = cap;
        }
        memcpy(cc->body + cc->len, upload_data, n);
        cc->len += n;
        cc->body[cc->len] = '\0';
        return MHD_YES;
    }
    if (is_api)
        return serve_api(s, c, url, method, cc);
    return serve_static(s, c, url);
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
    struct conn_ctx *cc = *con_cls;
    (void)cls;
    (void)c;
    (void)t;
    if (cc) {
        free(cc->body);
        free(cc);
        *con_cls = NULL;
    }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct cllm_web_server *s = cls;
    (void)c;
    (void)socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&s->open_conns, 1);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&s->open_conns, 1);
}

/* Raises the soft limit on open files toward the hard one so max connections fit; returns what fits. */
static unsigned fit_open_files(unsigned want)
{
    const rlim_t spare = 128;   /* results files, libraries, the run's own files */
    struct rlimit rl;
    rlim_t need = (rlim_t)want + spare;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return want;
    {
        struct rlimit raised = {rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max,
                                rl.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            rl.rlim_cur = raised.rlim_cur;
    }
    if (rl.rlim_cur >= need)
        return want;
    want = rl.rlim_cur > spare + 16 ? (unsigned)(rl.rlim_cur - spare) : 16;
    CLLM_LOG(CLLM_LOG_WARN, "web: the open-file limit (%llu) allows %u connections", (unsigned long long)rl.rlim_cur,
             want);
    return want;
}

static void free_server(struct cllm_web_server *s)
{
    for (size_t i = 0; i < s->n_hosts; i++)
        free(s->hosts[i]);
    for (size_t i = 0; i < s->n_toks; i++) {
        memset(s->toks[i], 0, strlen(s->toks[i]));
        free(s->toks[i]);
        free(s->tok_names[i]);
    }
    free(s->toks);
    free(s->tok_names);
    cllm_hub_free(s->hub);
    pthread_cond_destroy(&s->wcond);
    pthread_mutex_destroy(&s->wmu);
    free(s);
}

struct cllm_web_server *cllm_web_start(const struct cllm_web_params *p, char *err, size_t errlen)
{
    struct cllm_web_server *s;
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    const char *host = p->host ? p->host : "127.0.0.1";
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
    unsigned threads = p->threads ? p->threads : DEFAULT_THREADS;
    unsigned max_conns = p->max_connections ? p->max_connections : DEFAULT_MAX_CONNS;
    unsigned per_ip = p->max_connections_per_ip ? p->max_connections_per_ip : DEFAULT_MAX_CONNS_PER_IP;
    unsigned timeout_s = p->connection_timeout_s ? p->connection_timeout_s : DEFAULT_TIMEOUT_S;
    const union MHD_DaemonInfo *info;
    struct cllm_web_api_params ap = p->api;
    char bound[INET6_ADDRSTRLEN + 2];

    if (p->port < 0 || p->port > 65535) {
        snprintf(err, errlen, "port %d: expected 0 to 65535", p->port);
        return NULL;
    }
    if (p->no_token && p->token) {
        snprintf(err, errlen, "--token and --no-token: give one");
        return NULL;
    }
    if (p->no_token && !cllm_web_host_is_loopback(host)) {
        snprintf(err, errlen, "--no-token is allowed on a loopback address only (%s is reachable from other "
                 "machines)", host);
        return NULL;
    }
    if (p->token && !p->token[0]) {
        snprintf(err, errlen, "token: empty (leave --token out for a random one)");
        return NULL;
    }
    /* the token goes into a cookie header: keep it to characters that need no quoting */
    for (const char *t = p->token; t && *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
              strchr("-._~", *t))) {
            snprintf(err, errlen, "token: use letters, digits, '-', '.', '_' or '~' only");
            return NULL;
        }
    if (threads > 64 || per_ip > max_conns) {
        snprintf(err, errlen, "limits: at most 64 threads, and per-address connections at most the total");
        return NULL;
    }
    memset(&ss, 0, sizeof(ss));
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)p->port);
        snprintf(bound, sizeof(bound), "%s", host);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        char canon[INET6_ADDRSTRLEN];
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)p->port);
        flags |= MHD_USE_IPv6;
        inet_ntop(AF_INET6, &sin6->sin6_addr, canon, sizeof(canon));
        snprintf(bound, sizeof(bound), "[%s]", canon);
    } else {
        snprintf(err, errlen, "host '%s': expected a numeric IPv4 or IPv6 address or localhost", host);
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->wmu, NULL);
    pthread_cond_init(&s->wcond, NULL);
    atomic_init(&s->open_conns, 0);
    if (p->tokens) {
        if (p->token || p->no_token || p->tokens->n == 0) {
            snprintf(err, errlen, p->tokens->n == 0 ? "--tokens-file: no token in the file"
                                                    : "--tokens-file with --token or --no-token: give one");
            free_server(s);
            return NULL;
        }
        s->toks = calloc(p->tokens->n, sizeof(char *));
        s->tok_names = calloc(p->tokens->n, sizeof(char *));
        for (size_t i = 0; s->toks && s->tok_names && i < p->tokens->n; i++) {
            s->toks[i] = strdup(p->tokens->tokens[i]);
            s->tok_names[i] = strdup(p->tokens->names[i]);
            s->n_toks = i + 1;
            if (!s->toks[i] || !s->tok_names[i])
                break;
        }
        if (!s->toks || !s->tok_names || s->n_toks != p->tokens->n || !s->toks[s->n_toks - 1] ||
            !s->tok_names[s->n_toks - 1]) {
            snprintf(err, errlen, "out of memory");
            free_server(s);
            return NULL;
        }
        s->token = s->toks[0];
    } else if (!p->no_token) {
        char made[64];
        if (!p->token && !random_token(made, sizeof(made))) {
            snprintf(err, errlen, "cannot read random bytes for the token (getrandom, /dev/urandom)");
            free_server(s);
            return NULL;
        }
        s->toks = calloc(1, sizeof(char *));
        s->tok_names = calloc(1, sizeof(char *));
        if (s->toks && s->tok_names) {
            s->toks[0] = strdup(p->token ? p->token : made);
            s->tok_names[0] = strdup("default");
            s->n_toks = 1;
        }
        memset(made, 0, sizeof(made));
        if (!s->toks || !s->tok_names || !s->toks[0] || !s->tok_names[0]) {
            snprintf(err, errlen, "out of memory");
            free_server(s);
            return NULL;
        }
        s->token = s->toks[0];
    }
    s->any_ip_literal = strcmp(bound, "0.0.0.0") == 0 || strcmp(bound, "[::]") == 0;
    if ((!s->any_ip_literal && !add_host(s, bound, err, errlen)) || !add_host(s, "localhost", err, errlen) ||
        !add_host(s, "127.0.0.1", err, errlen) || !add_host(s, "[::1]", err, errlen)) {
        free_server(s);
        return NULL;
    }
    for (size_t i = 0; i < p->n_allow_hosts; i++)
        if (!add_host(s, p->allow_hosts[i] ? p->allow_hosts[i] : "", err, errlen)) {
            free_server(s);
            return NULL;
        }
    s->max_body = p->api.max_upload_bytes ? p->api.max_upload_bytes : CLLM_WEB_MAX_UPLOAD_BYTES;
    max_conns = fit_open_files(max_conns);
    if (per_ip > max_conns)
        per_ip = max_conns;
    s->max_conns = max_conns;
    s->reserve = max_conns / 8 > 2 ? max_conns / 8 : 2;
    if (threads > max_conns)
        threads = max_conns;
    ap.notify = on_api_event;
    ap.notify_user = s;
    if (p->hub_store) {
        s->hub = cllm_hub_new(p->hub_store);
        if (!s->hub) {
            snprintf(err, errlen, "out of memory");
            free_server(s);
            return NULL;
        }
    } else {
        s->api = cllm_web_api_new(&ap, err, errlen);
        if (!s->api) {
            free_server(s);
            return NULL;
        }
    }
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                 MHD_OPTION_THREAD_POOL_SIZE, threads,
                                 MHD_OPTION_CONNECTION_LIMIT, max_conns,
                                 MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
                                 MHD_OPTION_CONNECTION_TIMEOUT, timeout_s,
                                 MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                                 MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %d (address in use, or not an address of this machine)",
                 host, p->port);
        if (s->api)
        cllm_web_api_free(s->api);
        free_server(s);
        return NULL;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? (int)info->port : p->port;
    snprintf(s->cookie_name, sizeof(s->cookie_name), "computellm_token_%d", s->port);
    if (pthread_create(&s->ticker, NULL, ticker_main, s) != 0) {
        snprintf(err, errlen, "cannot start the keepalive thread: %s", strerror(errno));
        MHD_stop_daemon(s->daemon);
        if (s->api)
        cllm_web_api_free(s->api);
        free_server(s);
        return NULL;
    }
    s->ticker_started = true;
    CLLM_LOG(CLLM_LOG_INFO, "web: listening on %s port %d (%u threads, at most %u connections, %u per address, "
             "%u s idle timeout)", host, s->port, threads, max_conns, per_ip, timeout_s);
    return s;
}

int cllm_web_port(const struct cllm_web_server *s) { return s ? s->port : -1; }

const char *cllm_web_token(const struct cllm_web_server *s) { return s ? s->token : NULL; }

const char *cllm_web_cookie_name(const struct cllm_web_server *s) { return s ? s->cookie_name : NULL; }

void cllm_web_stop(struct cllm_web_server *s)
{
    if (!s)
        return;
    /* the run and the streams see the shutdown first; every parked stream is resumed and then ends, since
     * libmicrohttpd must not be stopped with a connection suspended */
    if (s->api)
        cllm_web_api_shutdown(s->api);
    pthread_mutex_lock(&s->wmu);
    s->stopping = true;
    while (s->parked)
        unpark_locked(s, s->parked);
    pthread_cond_broadcast(&s->wcond);
    pthread_mutex_unlock(&s->wmu);
    if (s->ticker_started)
        pthread_join(s->ticker, NULL);
    MHD_stop_daemon(s->daemon);
    if (s->api)
        cllm_web_api_free(s->api);
    free_server(s);
}

/* ---- tokens file ---- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("._@-", c));
}

static bool tok_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c && strchr("-._~", c));
}

void cllm_web_tokens_free(struct cllm_web_tokens *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        if (t->tokens[i])
            memset(t->tokens[i], 0, strlen(t->tokens[i]));
        free(t->tokens[i]);
        free(t->names[i]);
    }
    free(t->tokens);
    free(t->names);
    memset(t, 0, sizeof(*t));
}

enum cllm_status cllm_web_tokens_parse(const char *text, size_t len, struct cllm_web_tokens *out, char *err,
                                       size_t errlen)
{
    size_t pos = 0, line = 0, cap = 0;
    memset(out, 0, sizeof(*out));
    while (pos < len) {
        size_t end = pos, a, b, c, d;
        line++;
        while (end < len && text[end] != '\n')
            end++;
        a = pos;
        while (a < end && (text[a] == ' ' || text[a] == '\t'))
            a++;
        if (a == end || text[a] == '#' || (text[a] == '\r' && a + 1 == end)) {
            pos = end + 1;
            continue;
        }
        for (b = a; b < end && name_char(text[b]); b++)
            ;
        for (c = b; c < end && (text[c] == ' ' || text[c] == '\t'); c++)
            ;
        for (d = c; d < end && tok_char(text[d]); d++)
            ;
        {
            size_t tail = d;
            while (tail < end && (text[tail] == ' ' || text[tail] == '\t' || text[tail] == '\r'))
                tail++;
            if (b == a || b - a > 64 || c == b || tail != end || d - c < 16 || d - c > 256) {
                snprintf(err, errlen, "line %zu: expected 'NAME TOKEN': NAME 1 to 64 of letters, digits, '.', '_', "
                         "'@', '-'; TOKEN 16 to 256 of letters, digits, '-', '.', '_', '~'", line);
                cllm_web_tokens_free(out);
                return CLLM_ERR_PARSE;
            }
        }
        for (size_t i = 0; i < out->n; i++) {
            bool same_name = strlen(out->names[i]) == b - a && memcmp(out->names[i], text + a, b - a) == 0;
            bool same_tok = strlen(out->tokens[i]) == d - c && memcmp(out->tokens[i], text + c, d - c) == 0;
            if (same_name || same_tok) {
                snprintf(err, errlen, "line %zu: %s already given on an earlier line (each submitter has one name "
                         "and one token)", line, same_tok ? "this token is" : "this name is");
                cllm_web_tokens_free(out);
                return CLLM_ERR_PARSE;
            }
        }
        if (out->n == CLLM_WEB_MAX_TOKENS) {
            snprintf(err, errlen, "line %zu: more than %d tokens", line, CLLM_WEB_MAX_TOKENS);
            cllm_web_tokens_free(out);
            return CLLM_ERR_PARSE;
        }
        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            char **nn = realloc(out->names, ncap * sizeof(char *));
            char **nt = nn ? realloc(out->tokens, ncap * sizeof(char *)) : NULL;
            if (nn)
                out->names = nn;
            if (!nt) {
                snprintf(err, errlen, "out of memory");
                cllm_web_tokens_free(out);
                return CLLM_ERR_NOMEM;
            }
            out->tokens = nt;
            cap = ncap;
        }
        out->names[out->n] = strndup(text + a, b - a);
        out->tokens[out->n] = strndup(text + c, d - c);
        out->n++;
        if (!out->names[out->n - 1] || !out->tokens[out->n - 1]) {
            snprintf(err, errlen, "out of memory");
            cllm_web_tokens_free(out);
            return CLLM_ERR_NOMEM;
        }
        pos = end + 1;
    }
    if (out->n == 0) {
        snprintf(err, errlen, "no 'NAME TOKEN' line");
        return CLLM_ERR_PARSE;
    }
    return CLLM_OK;
}
