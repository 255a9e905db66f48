#include "web/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"
#include "web/assets.h"

#define STREAM_BLOCK 4096   /* bytes per SSE read */
#define CONN_TIMEOUT_S 300  /* idle keep-alive connections hold a thread each: let them go */

struct cllm_web_server {
    struct MHD_Daemon   *daemon;
    struct cllm_web_api *api;
    char  *token;          /* NULL: no token needed */
    size_t max_body;       /* bytes */
    int    port;
};

/* One request's state across libmicrohttpd's calls: the body as it arrives. */
struct conn_ctx {
    char  *body;
    size_t len, cap;
    bool   too_large;
};

struct cllm_web_params cllm_web_default_params(void)
{
    struct cllm_web_params p = {
        .host = "127.0.0.1",
        .port = CLLM_WEB_DEFAULT_PORT,
        .token = NULL,
        .require_token = false,
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

static bool authorized(struct cllm_web_server *s, struct MHD_Connection *c)
{
    const char *h;
    if (!s->token)
        return true;
    h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-ComputeLLM-Token");
    if (h && token_equal(h, s->token))
        return true;
    h = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "computellm_token");
    return h && token_equal(h, s->token);
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
    enum MHD_Result ret;
    if (!r)
        return MHD_NO;
    ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static struct MHD_Response *json_error(const char *msg)
{
    char buf[512];
    struct MHD_Response *r;
    snprintf(buf, sizeof(buf), "{\"error\":\"%s\"}", msg);   /* callers pass fixed messages without quotes */
    r = MHD_create_response_from_buffer(strlen(buf), buf, MHD_RESPMEM_MUST_COPY);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    }
    return r;
}

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    size_t n;
    (void)pos;
    n = cllm_web_stream_read(cls, buf, max);
    return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static void stream_free(void *cls) { cllm_web_stream_close(cls); }

static enum MHD_Result serve_api(struct cllm_web_server *s, struct MHD_Connection *c, const char *url,
                                 const char *method, struct conn_ctx *cc)
{
    struct cllm_web_request req = {
        .method = method, .path = url, .body = cc->body, .body_len = cc->len, .body_too_large = cc->too_large,
        .last_event_id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID"),
    };
    struct cllm_web_response resp;
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (!authorized(s, c))
        return queue(c, MHD_HTTP_UNAUTHORIZED,
                     json_error("missing or wrong token: send it as the X-ComputeLLM-Token header or the "
                                "computellm_token cookie"));
    cllm_web_api_handle(s->api, &req, &resp);
    if (resp.stream_run[0]) {
        struct cllm_web_stream *st = cllm_web_stream_open(s->api, resp.stream_run, resp.stream_from);
        cllm_web_response_free(&resp);
        if (!st)
            return queue(c, MHD_HTTP_NOT_FOUND, json_error("no such run"));
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK, stream_reader, st, stream_free);
        if (!r) {
            cllm_web_stream_close(st);
            return MHD_NO;
        }
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        return queue(c, MHD_HTTP_OK, r);
    }
    r = MHD_create_response_from_buffer(resp.body_len, resp.body ? resp.body : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp.content_type);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
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

static enum MHD_Result serve_static(struct cllm_web_server *s, struct MHD_Connection *c, const char *url,
                                    const char *method)
{
    const struct cllm_web_asset *a;
    const char *tok;
    struct MHD_Response *r;

    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, json_error("method not allowed"));
    a = cllm_web_asset_find(url);
    if (!a)
        return queue(c, MHD_HTTP_NOT_FOUND, json_error("not found"));
    r = MHD_create_response_from_buffer(a->size, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, cllm_web_mime_type(a->path));
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    /* the URL printed with ?token= logs the browser in: the page's API calls then carry the cookie */
    tok = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (s->token && tok && token_equal(tok, s->token)) {
        char cookie[512];
        snprintf(cookie, sizeof(cookie), "computellm_token=%s; Path=/; HttpOnly; SameSite=Strict", s->token);
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
    }
    return queue(c, MHD_HTTP_OK, r);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload_data, size_t *upload_data_size,
                               void **con_cls)
{
    struct cllm_web_server *s = cls;
    struct conn_ctx *cc = *con_cls;
    (void)version;

    if (!cc) {
        const char *cl;
        cc = calloc(1, sizeof(*cc));
        if (!cc)
            return MHD_NO;
        *con_cls = cc;
        /* a declared size above the limit is refused without buffering it */
        cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > s->max_body)
            cc->too_large = true;
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
    if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0)
        return serve_api(s, c, url, method, cc);
    return serve_static(s, c, url, method);
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

struct cllm_web_server *cllm_web_start(const struct cllm_web_params *p, char *err, size_t errlen)
{
    struct cllm_web_server *s;
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    const char *host = p->host ? p->host : "127.0.0.1";
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    const union MHD_DaemonInfo *info;

    if (p->port < 0 || p->port > 65535) {
        snprintf(err, errlen, "port %d: expected 0 to 65535", p->port);
        return NULL;
    }
    if (p->require_token && (!p->token || !p->token[0])) {
        snprintf(err, errlen, "listening on %s (not loopback) needs a token (--token)", host);
        return NULL;
    }
    /* the token goes into a cookie header: keep it to characters that need no quoting */
    for (const char *t = p->token; t && *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
              strchr("-._~", *t))) {
            snprintf(err, errlen, "token: use letters, digits, '-', '.', '_' or '~' only");
            return NULL;
        }
    memset(&ss, 0, sizeof(ss));
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)p->port);
    } else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)p->port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "host '%s': expected a numeric IPv4 or IPv6 address or localhost", host);
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->token = p->token && p->token[0] ? strdup(p->token) : NULL;
    s->max_body = p->api.max_upload_bytes ? p->api.max_upload_bytes : CLLM_WEB_MAX_UPLOAD_BYTES;
    s->api = cllm_web_api_new(&p->api);
    if (!s->api) {
        snprintf(err, errlen, "out of memory");
        free(s->token);
        free(s);
        return NULL;
    }
    s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                                 MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
                                 (unsigned)CONN_TIMEOUT_S, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %d (address in use, or not an address of this machine)",
                 host, p->port);
        cllm_web_api_free(s->api);
        free(s->token);
        free(s);
        return NULL;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? (int)info->port : p->port;
    CLLM_LOG(CLLM_LOG_INFO, "web: listening on %s port %d", host, s->port);
    return s;
}

int cllm_web_port(const struct cllm_web_server *s) { return s ? s->port : -1; }

void cllm_web_stop(struct cllm_web_server *s)
{
    if (!s)
        return;
    /* streams and the run see the shutdown first, so the daemon's connection threads can end */
    cllm_web_api_shutdown(s->api);
    MHD_stop_daemon(s->daemon);
    cllm_web_api_free(s->api);
    free(s->token);
    free(s);
}
