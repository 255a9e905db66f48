#include "model/download.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "platform/fs.h"
#include "core/log.h"
#include "core/strutil.h"
#include "model/registry.h"

#define DEFAULT_ENDPOINT "https://huggingface.co"

const char *cllm_download_failure_name(enum cllm_download_failure f)
{
    switch (f) {
    case CLLM_DL_OK: return "ok";
    case CLLM_DL_UNSUPPORTED: return "unsupported";
    case CLLM_DL_OFFLINE: return "offline";
    case CLLM_DL_NETWORK: return "network";
    case CLLM_DL_HTTP: return "http";
    case CLLM_DL_INTEGRITY: return "integrity";
    case CLLM_DL_DISK: return "disk";
    case CLLM_DL_CANCELLED: return "cancelled";
    case CLLM_DL_BUSY: return "busy";
    }
    return "unknown";
}

struct cllm_download_params cllm_download_default_params(void)
{
    struct cllm_download_params p = {
        .endpoint = NULL, .token = NULL, .revision = NULL,
        .connect_timeout_s = 10, .low_speed_bytes = 1024, .low_speed_time_s = 30,
        .retries = 2, .retry_delay_s = 1.0, .progress_interval_s = 0.25,
        .progress = NULL, .user_data = NULL, .expected_total_bytes = -1,
    };
    return p;
}

static const char *endpoint_or_default(const char *endpoint)
{
    const char *env = getenv("HF_ENDPOINT");
    if (endpoint && endpoint[0])
        return endpoint;
    return env && env[0] ? env : DEFAULT_ENDPOINT;
}

/* Percent-encodes everything but RFC 3986 unreserved characters (and '/' where it separates segments). */
static size_t append_encoded(char *out, size_t k, size_t n, const char *s, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 4 < n; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' || (keep_slash && *p == '/')) {
            out[k++] = (char)*p;
        } else {
            out[k++] = '%';
            out[k++] = hex[*p >> 4];
            out[k++] = hex[*p & 15];
        }
    }
    out[k] = '\0';
    return k;
}

void cllm_download_resolve_url(const char *endpoint, const char *repo, const char *revision, const char *file,
                               char *out, size_t n)
{
    const char *base = endpoint_or_default(endpoint);
    size_t k, blen = strlen(base);

    if (n == 0)
        return;
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    k = (size_t)snprintf(out, n, "%.*s/", (int)blen, base);
    if (k >= n)
        return;
    k = append_encoded(out, k, n, repo, true);
    k += (size_t)snprintf(out + k, n - k, "/resolve/");
    if (k >= n)
        return;
    k = append_encoded(out, k, n, revision && revision[0] ? revision : "main", false);
    if (k + 1 < n)
        out[k++] = '/';
    append_encoded(out, k, n, file, false);
}

/* ---- response headers (no libcurl needed: tests and tests/fuzz feed lines directly) ---- */

static int64_t parse_i64(const char *s)
{
    char *end;
    long long v;
    while (*s == ' ' || *s == '\t')
        s++;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (end == s || errno || v < 0)
        return -1;
    return (int64_t)v;
}

/* Header value after "Name:", trimmed, into out (truncated to n - 1 bytes). */
static bool header_value(const char *line, size_t len, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name), k;
    if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return false;
    line += nl + 1;
    len -= nl + 1;
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
        len--;
    k = len < n - 1 ? len : n - 1;
    memcpy(out, line, k);
    out[k] = '\0';
    return true;
}

void cllm_download_headers_init(struct cllm_download_headers *h)
{
    memset(h, 0, sizeof(*h));
    h->content_length = -1;
    h->cr_start = h->cr_total = -1;
    h->linked_size = -1;
}

/* The status code of "HTTP/1.1 206 Partial Content" or "HTTP/2 200", read within len (the line is not
 * NUL-terminated); 0 when there is none. */
static long status_code(const char *line, size_t len)
{
    const char *sp = memchr(line, ' ', len);
    size_t i, k = 0;
    long code = 0;

    if (!sp)
        return 0;
    i = (size_t)(sp - line);
    while (i < len && line[i] == ' ')
        i++;
    while (i < len && k < 3 && line[i] >= '0' && line[i] <= '9') {
        code = code * 10 + (line[i] - '0');
        i++, k++;
    }
    return k == 3 ? code : 0;
}

bool cllm_download_header_line(struct cllm_download_headers *h, const char *line, size_t len)
{
    char v[256];

    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        h->hops++;
        h->status = status_code(line, len);
        h->content_length = -1;
        h->has_content_range = false;
        h->cr_start = h->cr_total = -1;
        return true;
    }
    if (header_value(line, len, "Content-Length", v, sizeof(v))) {
        h->content_length = parse_i64(v);
    } else if (header_value(line, len, "Content-Range", v, sizeof(v))) {
        /* "bytes START-END/TOTAL"; a 416 has an asterisk in place of START-END */
        const char *sl = strchr(v, '/');
        h->has_content_range = true;
        if (sl)
            h->cr_total = strcmp(sl + 1, "*") == 0 ? -1 : parse_i64(sl + 1);
        if (strncasecmp(v, "bytes ", 6) == 0 && v[6] != '*')
            h->cr_start = parse_i64(v + 6);
    } else if (header_value(line, len, "X-Linked-Size", v, sizeof(v))) {
        if (h->linked_size < 0)
            h->linked_size = parse_i64(v);
    } else if (header_value(line, len, "X-Linked-Etag", v, sizeof(v))) {
        if (!h->linked_etag[0]) {
            const char *e = v;
            size_t k;
            if (strncmp(e, "W/", 2) == 0)
                e += 2;
            while (*e == '"')
                e++;
            k = strcspn(e, "\"");
            snprintf(h->linked_etag, sizeof(h->linked_etag), "%.*s", (int)k, e);
        }
    } else if (header_value(line, len, "Location", v, sizeof(v))) {
        h->location_relative = v[0] == '/' && v[1] != '/';
    }
    return false;
}

#if defined(CLLM_WITH_CURL)

#include <curl/curl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <sys/file.h>

#include "build_info.h"
#include "core/file.h"

#define HASH_CHUNK (4u << 20)

static void sha_hex(struct sha256_ctx *ctx, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(ctx, sizeof(d), d);   /* also resets ctx */
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

bool cllm_download_supported(void) { return true; }

enum cllm_status cllm_sha256_hex(const void *data, size_t len, char out[65])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha_hex(&ctx, out);
    return CLLM_OK;
}

enum cllm_status cllm_sha256_file(const char *path, char out[65], char *err, size_t errlen)
{
    struct sha256_ctx ctx;
    unsigned char *buf = malloc(HASH_CHUNK);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    enum cllm_status st = CLLM_ERR_IO;

    if (!buf || fd < 0) {
        snprintf(err, errlen, "%s: %s", path, buf ? strerror(errno) : "out of memory");
        st = !buf ? CLLM_ERR_NOMEM : errno == ENOENT ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
        goto cleanup;
    }
    sha256_init(&ctx);
    for (;;) {
        ssize_t got = read(fd, buf, HASH_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(err, errlen, "reading %s: %s", path, strerror(errno));
            goto cleanup;
        }
        if (got == 0)
            break;
        sha256_update(&ctx, (size_t)got, buf);
    }
    sha_hex(&ctx, out);
    st = CLLM_OK;
cleanup:
    if (fd >= 0)
        close(fd);
    free(buf);
    return st;
}

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static CURLcode g_curl_init_rc = CURLE_FAILED_INIT;
static void curl_init_once(void) { g_curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

/* One download call: the .part file, the request in flight and what its headers said. */
struct xfer {
    const struct cllm_download_params *p;
    struct cllm_download_result *res;
    char *err;
    size_t errlen;
    const char *part_path;
    int fd;

    /* the repository file in progress */
    const char *file;
    int part, n_parts;
    int64_t base;                  /* where it starts in the .part */
    int64_t offset;                /* next write position; offset - base bytes of it are in place and hashed */
    struct sha256_ctx sha;

    struct cllm_download_headers h;   /* headers of the current request, every hop */

    /* body of the current request */
    bool body_started, discard, restarted;
    char body_head[200];           /* start of an error body, for messages */
    size_t body_head_len;
    int64_t req_bytes;             /* body bytes received by the current request */

    /* a failure raised inside a callback */
    enum cllm_status cb_status;
    enum cllm_download_failure cb_failure;
    bool cancelled;

    char curl_err[CURL_ERROR_SIZE];   /* libcurl's detail for the last failed request */

    /* progress */
    int64_t total_hint;            /* size of the final file; -1 unknown */
    double t0, t_last_cb, t_mark, recv_s;
    int64_t bytes_mark;
    double rate;
};

static int report(struct xfer *x, enum cllm_download_phase phase, int64_t done, bool force)
{
    const struct cllm_download_params *p = x->p;
    double now = cllm_now_s();
    struct cllm_download_progress pr;

    if (now - x->t_mark >= 1.0) {
        x->rate = (double)(x->res->fetched_bytes - x->bytes_mark) / (now - x->t_mark);
        x->t_mark = now;
        x->bytes_mark = x->res->fetched_bytes;
    }
    if (!p->progress || (!force && now - x->t_last_cb < p->progress_interval_s))
        return 0;
    x->t_last_cb = now;
    pr.phase = phase;
    pr.file = x->file;
    pr.part = x->part;
    pr.n_parts = x->n_parts;
    pr.done_bytes = done;
    pr.total_bytes = x->total_hint;
    pr.rate_bps = phase == CLLM_DL_PHASE_FETCHING ? x->rate : 0;
    pr.eta_s = (x->total_hint > 0 && pr.rate_bps > 0) ? (double)(x->total_hint - done) / pr.rate_bps : -1;
    pr.elapsed_s = now - x->t0;
    if (p->progress(&pr, p->user_data) != 0) {
        x->cancelled = true;
        return 1;
    }
    return 0;
}

/* Every header line of every hop (libcurl calls this for redirects too, which is where X-Linked-* live). */
static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * nitems;
    char loc[121];

    if (cllm_download_header_line(&x->h, buf, len))
        CLLM_LOG(CLLM_LOG_DEBUG, "download: %s: hop %d: HTTP %ld", x->file, x->h.hops, x->h.status);
    else if (header_value(buf, len, "Location", loc, sizeof(loc)))
        CLLM_LOG(CLLM_LOG_DEBUG, "download: %s: hop %d redirects to %s", x->file, x->h.hops, loc);
    return len;
}

static bool write_all(int fd, const void *data, size_t n, int64_t off)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return true;
}

/* Starts the file in progress over from zero (server ignored the Range, or the .part is unusable). */
static bool restart_part(struct xfer *x)
{
    if (ftruncate(x->fd, (off_t)x->base) != 0)
        return false;
    x->res->resumed_bytes -= x->offset - x->base;
    if (x->res->resumed_bytes < 0)
        x->res->resumed_bytes = 0;
    x->offset = x->base;
    sha256_init(&x->sha);
    return true;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;

    if (!x->body_started) {
        x->body_started = true;
        if (x->h.status == 206) {
            if (x->h.cr_start != x->offset - x->base) {
                snprintf(x->err, x->errlen, "%s: the server resumed at byte %lld, not at %lld as asked", x->file,
                         (long long)x->h.cr_start, (long long)(x->offset - x->base));
                x->cb_status = CLLM_ERR_IO;
                x->cb_failure = CLLM_DL_NETWORK;
                return 0;
            }
        } else if (x->h.status == 200) {
            if (x->offset > x->base) {
                CLLM_LOG(CLLM_LOG_INFO, "download: %s: the server sent the whole file (200), restarting from zero",
                         x->file);
                x->restarted = true;
                if (!restart_part(x)) {
                    snprintf(x->err, x->errlen, "truncating %s: %s", x->part_path, strerror(errno));
                    x->cb_status = CLLM_ERR_IO;
                    x->cb_failure = CLLM_DL_DISK;
                    return 0;
                }
            }
        } else {
            x->discard = true;
        }
    }
    if (x->discard) {
        size_t room = sizeof(x->body_head) - 1 - x->body_head_len, k = n < room ? n : room;
        memcpy(x->body_head + x->body_head_len, ptr, k);
        x->body_head_len += k;
        x->body_head[x->body_head_len] = '\0';
        return n;
    }
    if (!write_all(x->fd, ptr, n, x->offset)) {
        snprintf(x->err, x->errlen, "writing %s: %s", x->part_path, errno ? strerror(errno) : "short write");
        x->cb_status = CLLM_ERR_IO;
        x->cb_failure = CLLM_DL_DISK;
        return 0;
    }
    sha256_update(&x->sha, n, (const uint8_t *)ptr);
    x->offset += (int64_t)n;
    x->req_bytes += (int64_t)n;
    x->res->fetched_bytes += (int64_t)n;
    return n;
}

static int on_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    struct xfer *x = ud;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return report(x, CLLM_DL_PHASE_FETCHING, x->offset, false);
}

static void reset_request(struct xfer *x)
{
    cllm_download_headers_init(&x->h);
    x->body_started = x->discard = x->restarted = false;
    x->body_head[0] = '\0';
    x->body_head_len = 0;
    x->req_bytes = 0;
    x->cb_status = CLLM_OK;
    x->cb_failure = CLLM_DL_OK;
    x->curl_err[0] = '\0';
}

static size_t discard_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    (void)ptr, (void)ud;
    return size * nmemb;
}

static bool is_sha256_hex(const char *s)
{
    return strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64;
}

/* Turns a failed curl_easy_perform into status + failure kind + message. */
static enum cllm_status classify_curl(struct xfer *x, CURLcode rc, const char *url)
{
    const char *why = x->curl_err[0] ? x->curl_err : curl_easy_strerror(rc);

    if (rc == CURLE_ABORTED_BY_CALLBACK && x->cancelled) {
        x->res->failure = CLLM_DL_CANCELLED;
        snprintf(x->err, x->errlen, "download of %s cancelled; %lld bytes kept in %s", x->file,
                 (long long)x->offset, x->part_path);
        return CLLM_ERR_CANCELLED;
    }
    if (rc == CURLE_WRITE_ERROR && x->cb_status != CLLM_OK) {
        x->res->failure = x->cb_failure;
        return x->cb_status;
    }
    if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_COULDNT_CONNECT ||
        (rc == CURLE_OPERATION_TIMEDOUT && x->h.hops == 0)) {
        x->res->failure = CLLM_DL_OFFLINE;
        snprintf(x->err, x->errlen, "cannot reach %s (%s): offline or blocked by a firewall/proxy", url, why);
        return CLLM_ERR_IO;
    }
    x->res->failure = CLLM_DL_NETWORK;
    snprintf(x->err, x->errlen, "download of %s failed after %lld bytes: %s", x->file, (long long)x->req_bytes, why);
    return CLLM_ERR_IO;
}

/* An HTTP error status as a message naming the URL. */
static enum cllm_status http_error(struct xfer *x, const char *url, bool have_token)
{
    const char *hint = "";
    x->res->failure = CLLM_DL_HTTP;
    if (x->h.status == 404)
        hint = ": no such file or repository";
    else if (x->h.status == 401 || x->h.status == 403)
        hint = have_token ? ": access refused for the token in HF_TOKEN (gated or private repository?)"
                          : ": access refused; the repository may be gated or private: set HF_TOKEN to an access token";
    else if (x->h.status == 429)
        hint = ": too many requests; try again later";
    else if (x->h.status >= 500)
        hint = ": server error; try again later";
    snprintf(x->err, x->errlen, "HTTP %ld for %s%s", x->h.status, url, hint);
    return x->h.status == 404 ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
}

static void set_common(CURL *h, struct xfer *x, const struct curl_slist *hdrs, bool https_only)
{
    const struct cllm_download_params *p = x->p;
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 8L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    /* no downgrade to plain HTTP on a redirect from an https endpoint */
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, https_only ? "https" : "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(https_only ? CURLPROTO_HTTPS : CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(h, CURLOPT_USERAGENT, "computellm/" CLLM_VERSION);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, p->connect_timeout_s > 0 ? p->connect_timeout_s : 10L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, p->low_speed_bytes > 0 ? p->low_speed_bytes : 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, p->low_speed_time_s > 0 ? p->low_speed_time_s : 30L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->curl_err);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
}

/* HEAD of the resolve URL: size and sha256 before touching the .part. As huggingface_hub does, redirects are
 * followed only within the host: an LFS file's first answer (a redirect to the CDN) carries X-Linked-Size and
 * X-Linked-Etag, and the CDN's signed URL need not accept HEAD. */
static enum cllm_status probe(CURL *h, struct xfer *x, const char *url, bool have_token, int64_t *size,
                              char sha[65])
{
    char cur[sizeof(x->res->url)], etag[sizeof(x->h.linked_etag)] = "";
    int64_t linked_size = -1;
    CURLcode rc = CURLE_OK;

    cllm_strlcpy(cur, url, sizeof(cur));
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(h, CURLOPT_RANGE, NULL);   /* left over from the previous part's resume */
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, NULL);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
    for (int hop = 0; hop < 8; hop++) {
        char *next = NULL;
        reset_request(x);
        curl_easy_setopt(h, CURLOPT_URL, cur);
        rc = curl_easy_perform(h);
        if (rc != CURLE_OK)
            break;
        if (linked_size < 0)
            linked_size = x->h.linked_size;
        if (!etag[0])
            cllm_strlcpy(etag, x->h.linked_etag, sizeof(etag));
        if (x->h.status >= 300 && x->h.status < 400 && x->h.location_relative && linked_size < 0 &&
            curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &next) == CURLE_OK && next) {
            cllm_strlcpy(cur, next, sizeof(cur));
            continue;
        }
        break;
    }
    curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 0L);
    x->res->http_status = x->h.status;
    if (rc != CURLE_OK)
        return classify_curl(x, rc, url);
    *size = -1;
    sha[0] = '\0';
    if (x->h.status == 405 || x->h.status == 501)
        return CLLM_OK;   /* a mirror without HEAD: the size comes with the GET */
    if (x->h.status < 200 || (x->h.status >= 400) || (x->h.status > 200 && x->h.status < 300))
        return http_error(x, url, have_token);
    /* 200, or a redirect to another host (the CDN) whose first answer said all there is to know */
    *size = linked_size >= 0 ? linked_size : x->h.status == 200 ? x->h.content_length : -1;
    if (is_sha256_hex(etag)) {
        for (int i = 0; i < 64; i++)
            sha[i] = (char)tolower((unsigned char)etag[i]);
        sha[64] = '\0';
    }   /* else not an LFS file: Hugging Face gives no sha256 for it */
    return CLLM_OK;
}

/* Hashes the bytes [base, base + n) already in the .part. */
static enum cllm_status hash_existing(struct xfer *x, int64_t n)
{
    unsigned char *buf = malloc(HASH_CHUNK);
    int64_t done = 0;

    if (!buf) {
        snprintf(x->err, x->errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    while (done < n) {
        size_t want = (size_t)(n - done < HASH_CHUNK ? n - done : HASH_CHUNK);
        ssize_t got = pread(x->fd, buf, want, (off_t)(x->base + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            snprintf(x->err, x->errlen, "reading %s: %s", x->part_path, got < 0 ? strerror(errno) : "short file");
            free(buf);
            x->res->failure = CLLM_DL_DISK;
            return CLLM_ERR_IO;
        }
        sha256_update(&x->sha, (size_t)got, buf);
        done += got;
        if (report(x, CLLM_DL_PHASE_CHECKING, x->base + done, false)) {
            free(buf);
            x->res->failure = CLLM_DL_CANCELLED;
            snprintf(x->err, x->errlen, "download of %s cancelled while checking %s", x->file, x->part_path);
            return CLLM_ERR_CANCELLED;
        }
    }
    free(buf);
    x->offset = x->base + n;
    report(x, CLLM_DL_PHASE_CHECKING, x->offset, true);
    return CLLM_OK;
}

/* GET of the resolve URL from byte offset - base on, appending to the .part; retried on a lost connection. */
static enum cllm_status fetch(CURL *h, struct xfer *x, const char *url, int64_t size, bool have_token)
{
    int attempt = 0;
    bool ranged_416_retry = false;

    for (;;) {
        char range[48];
        int64_t have = x->offset - x->base;
        double t_start;
        CURLcode rc;
        enum cllm_status st;

        reset_request(x);
        curl_easy_setopt(h, CURLOPT_URL, url);
        if (have > 0) {
            snprintf(range, sizeof(range), "%lld-", (long long)have);
            curl_easy_setopt(h, CURLOPT_RANGE, range);
            CLLM_LOG(CLLM_LOG_INFO, "download: %s: resuming at byte %lld", x->file, (long long)have);
        } else {
            curl_easy_setopt(h, CURLOPT_RANGE, NULL);
        }
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
        t_start = cllm_now_s();
        rc = curl_easy_perform(h);
        x->recv_s += cllm_now_s() - t_start;
        x->res->http_status = x->h.status;

        if (rc == CURLE_OK) {
            if (x->h.status == 416 && have > 0) {
                int64_t total = x->h.cr_total >= 0 ? x->h.cr_total : size;
                if (total == have)
                    return CLLM_OK;   /* the part was already whole */
                if (ranged_416_retry) {
                    snprintf(x->err, x->errlen, "HTTP 416 for %s twice; the server rejects the resume", url);
                    x->res->failure = CLLM_DL_HTTP;
                    return CLLM_ERR_IO;
                }
                CLLM_LOG(CLLM_LOG_INFO, "download: %s: %s holds more than the file (%lld bytes); starting over",
                         x->file, x->part_path, (long long)total);
                ranged_416_retry = true;
                if (!restart_part(x)) {
                    snprintf(x->err, x->errlen, "truncating %s: %s", x->part_path, strerror(errno));
                    x->res->failure = CLLM_DL_DISK;
                    return CLLM_ERR_IO;
                }
                continue;
            }
            if (x->h.status != 200 && x->h.status != 206)
                return http_error(x, url, have_token);
            return CLLM_OK;
        }
        st = classify_curl(x, rc, url);
        if (x->res->failure != CLLM_DL_NETWORK || attempt >= x->p->retries)
            return st;
        attempt++;
        CLLM_LOG(CLLM_LOG_WARN, "%s; retrying (%d of %d) from byte %lld", x->err, attempt, x->p->retries,
                 (long long)(x->offset - x->base));
        if (x->p->retry_delay_s > 0)
            usleep((useconds_t)(x->p->retry_delay_s * 1e6));
        x->res->failure = CLLM_DL_OK;
    }
}

static void sync_dir_of(const char *path)
{
    char dir[PATH_MAX];
    int dfd;
    cllm_path_dirname(path, dir, sizeof(dir));
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
}

enum cllm_status cllm_download_hf(const char *repo, const struct cllm_download_part *parts, int n_parts,
                                  const char *dest, const struct cllm_download_params *p,
                                  struct cllm_download_result *res, char *err, size_t errlen)
{
    struct cllm_download_params def = cllm_download_default_params();
    struct cllm_download_result dummy;
    struct xfer x;
    struct curl_slist *hdrs = NULL;
    CURL *h = NULL;
    char part_path[PATH_MAX], dir[PATH_MAX], auth[1100], url[sizeof(res->url)];
    const char *token, *endpoint, *offline;
    struct stat sb;
    bool all_checked = true, keep_part = true;
    enum cllm_status st = CLLM_ERR_IO;

    if (!res)
        res = &dummy;
    memset(res, 0, sizeof(*res));
    if (!p)
        p = &def;
    if (!repo || !parts || n_parts < 1 || !dest || !dest[0]) {
        snprintf(err, errlen, "download: missing repository, file or destination");
        return CLLM_ERR_INVALID_ARG;
    }
    if (stat(dest, &sb) == 0 && S_ISREG(sb.st_mode)) {
        res->already_present = true;
        res->bytes = (int64_t)sb.st_size;
        return CLLM_OK;
    }
    offline = getenv("HF_HUB_OFFLINE");
    if (offline && offline[0] && strcmp(offline, "0") != 0) {
        res->failure = CLLM_DL_OFFLINE;
        snprintf(err, errlen, "HF_HUB_OFFLINE is set: not downloading %s from %s", parts[0].file, repo);
        return CLLM_ERR_IO;
    }
    pthread_once(&g_curl_once, curl_init_once);
    if (g_curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl initialisation failed: %s", curl_easy_strerror(g_curl_init_rc));
        res->failure = CLLM_DL_NETWORK;
        return CLLM_ERR_LIBRARY;
    }
    if (snprintf(part_path, sizeof(part_path), "%s.part", dest) >= (int)sizeof(part_path)) {
        snprintf(err, errlen, "download: path too long: %s", dest);
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_path_dirname(dest, dir, sizeof(dir));
    if ((st = cllm_fs_mkdir_p(dir, err, errlen)) != CLLM_OK) {
        res->failure = CLLM_DL_DISK;
        return st;
    }

    memset(&x, 0, sizeof(x));
    x.p = p;
    x.res = res;
    x.err = err;
    x.errlen = errlen;
    x.part_path = part_path;
    x.n_parts = n_parts;
    x.file = parts[0].file;
    x.total_hint = p->expected_total_bytes;
    x.t0 = x.t_last_cb = x.t_mark = cllm_now_s();
    x.t_last_cb -= 1e9;   /* the first report goes out at once */
    x.fd = open(part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (x.fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", part_path, strerror(errno));
        res->failure = CLLM_DL_DISK;
        return CLLM_ERR_IO;
    }
    /* two runs appending to one .part would corrupt it */
    if (flock(x.fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "%s is being written by another process (a download already running?)", part_path);
        res->failure = CLLM_DL_BUSY;
        close(x.fd);
        return CLLM_ERR_IO;
    }

    token = p->token ? p->token : getenv("HF_TOKEN");
    if (token && token[0]) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
        hdrs = curl_slist_append(hdrs, auth);
    }
    endpoint = endpoint_or_default(p->endpoint);
    h = curl_easy_init();
    if (!h || (token && token[0] && !hdrs)) {
        snprintf(err, errlen, "libcurl: cannot create a handle");
        res->failure = CLLM_DL_NETWORK;
        st = CLLM_ERR_LIBRARY;
        goto cleanup;
    }
    set_common(h, &x, hdrs, strncasecmp(endpoint, "https:", 6) == 0);

    for (int i = 0; i < n_parts; i++) {
        const struct cllm_download_part *pt = &parts[i];
        int64_t size = -1, file_size, have;
        char server_sha[65] = "", got[65];
        const char *want_reg = pt->sha256 && pt->sha256[0] ? pt->sha256 : NULL;

        x.file = pt->file;
        x.part = i + 1;
        x.offset = x.base;
        sha256_init(&x.sha);
        cllm_download_resolve_url(p->endpoint, repo, p->revision, pt->file, url, sizeof(url));
        cllm_strlcpy(res->url, url, sizeof(res->url));
        CLLM_LOG(CLLM_LOG_INFO, "download: %s", url);

        if ((st = probe(h, &x, url, token && token[0], &size, server_sha)) != CLLM_OK) {
            goto cleanup;
        }
        if (size < 0)
            size = pt->size_bytes;
        if (n_parts == 1 && size >= 0)
            x.total_hint = size;

        if (fstat(x.fd, &sb) != 0) {
            snprintf(err, errlen, "%s: %s", part_path, strerror(errno));
            res->failure = CLLM_DL_DISK;
            st = CLLM_ERR_IO;
            goto cleanup;
        }
        file_size = (int64_t)sb.st_size;
        have = file_size > x.base ? file_size - x.base : 0;
        if (size >= 0 && have > size) {
            if (i == n_parts - 1) {
                /* longer than the file: a stale tail; drop it and let the hash judge the rest */
                if (ftruncate(x.fd, (off_t)(x.base + size)) != 0) {
                    snprintf(err, errlen, "truncating %s: %s", part_path, strerror(errno));
                    res->failure = CLLM_DL_DISK;
                    st = CLLM_ERR_IO;
                    goto cleanup;
                }
            }
            have = size;
        }
        if (have > 0) {
            CLLM_LOG(CLLM_LOG_INFO, "download: %s: checking %lld bytes already in %s", pt->file, (long long)have,
                     part_path);
            if ((st = hash_existing(&x, have)) != CLLM_OK)
                goto cleanup;
            res->resumed_bytes += have;
        }
        if (size < 0 || have < size) {
            if ((st = fetch(h, &x, url, size, token && token[0])) != CLLM_OK)
                goto cleanup;
        }
        report(&x, CLLM_DL_PHASE_FETCHING, x.offset, true);

        /* size, then hash, against every source that gave one */
        {
            int64_t got_size = x.offset - x.base;
            int64_t want_size = size >= 0 ? size : x.h.linked_size >= 0 ? x.h.linked_size : pt->size_bytes;
            const char *want_server = server_sha[0] ? server_sha
                                      : (is_sha256_hex(x.h.linked_etag) ? x.h.linked_etag : NULL);
            sha_hex(&x.sha, got);
            if (want_size >= 0 && got_size != want_size) {
                snprintf(err, errlen, "%s: size mismatch: expected %lld bytes, got %lld; removed %s", pt->file,
                         (long long)want_size, (long long)got_size, part_path);
                res->failure = CLLM_DL_INTEGRITY;
                keep_part = false;
                st = CLLM_ERR_IO;
                goto cleanup;
            }
            if (want_server && strcasecmp(want_server, got) != 0) {
                snprintf(err, errlen, "%s: sha256 mismatch: expected %s (from the server), got %s; removed %s",
                         pt->file, want_server, got, part_path);
                res->failure = CLLM_DL_INTEGRITY;
                keep_part = false;
                st = CLLM_ERR_IO;
                goto cleanup;
            }
            if (want_reg && strcasecmp(want_reg, got) != 0) {
                snprintf(err, errlen, "%s: sha256 mismatch: expected %s (from the model registry), got %s; removed %s",
                         pt->file, want_reg, got, part_path);
                res->failure = CLLM_DL_INTEGRITY;
                keep_part = false;
                st = CLLM_ERR_IO;
                goto cleanup;
            }
            if (!want_server && !want_reg)
                all_checked = false;
            if (n_parts == 1)
                cllm_strlcpy(res->sha256, got, sizeof(res->sha256));
            x.base = x.offset;
        }
    }

    if (fsync(x.fd) != 0 || rename(part_path, dest) != 0) {
        snprintf(err, errlen, "finishing %s: %s", dest, strerror(errno));
        res->failure = CLLM_DL_DISK;
        st = CLLM_ERR_IO;
        goto cleanup;
    }
    sync_dir_of(dest);
    res->bytes = x.base;
    res->sha256_checked = all_checked;
    st = CLLM_OK;

cleanup:
    res->elapsed_s = cllm_now_s() - x.t0;
    res->rate_bps = x.recv_s > 0 ? (double)res->fetched_bytes / x.recv_s : 0;
    if (h)
        curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    if (st != CLLM_OK) {
        /* an empty .part (failed before any byte) is litter; a partial one is the next run's head start */
        if (keep_part && fstat(x.fd, &sb) == 0 && sb.st_size > 0)
            (void)fsync(x.fd);   /* what was received survives a crash */
        else
            unlink(part_path);
    }
    close(x.fd);
    return st;
}


/* ---- the first bytes of a repository file (a GGUF header) ---- */

struct head_buf {
    char  *data;
    size_t len, max;
    bool   enough;        /* max bytes are in: the transfer was stopped on purpose */
    bool   oom;
};

static size_t on_head_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    struct head_buf *b = ud;
    size_t n = size * nmemb, take = n < b->max - b->len ? n : b->max - b->len;
    memcpy(b->data + b->len, ptr, take);
    b->len += take;
    if (b->len >= b->max) {
        b->enough = true;
        return 0;   /* a server that ignores Range sends the whole file: stop at max */
    }
    return n;
}

enum cllm_status cllm_download_head(const char *repo, const char *file, const struct cllm_download_params *p,
                                    size_t max_bytes, void **buf_out, size_t *len_out, char *err, size_t errlen)
{
    struct cllm_download_params def = cllm_download_default_params();
    struct cllm_download_result res;
    struct xfer x;
    struct head_buf b = {0};
    struct curl_slist *hdrs = NULL;
    CURL *h = NULL;
    char url[768], auth[1100], range[64];
    const char *token, *endpoint, *offline;
    enum cllm_status st = CLLM_ERR_IO;
    CURLcode rc;

    *buf_out = NULL;
    *len_out = 0;
    if (!p)
        p = &def;
    if (!repo || !repo[0] || !file || !file[0] || max_bytes == 0) {
        snprintf(err, errlen, "download: missing repository or file");
        return CLLM_ERR_INVALID_ARG;
    }
    offline = getenv("HF_HUB_OFFLINE");
    if (offline && offline[0] && strcmp(offline, "0") != 0) {
        snprintf(err, errlen, "HF_HUB_OFFLINE is set: not reading %s from %s", file, repo);
        return CLLM_ERR_IO;
    }
    pthread_once(&g_curl_once, curl_init_once);
    if (g_curl_init_rc != CURLE_OK) {
        snprintf(err, errlen, "libcurl initialisation failed: %s", curl_easy_strerror(g_curl_init_rc));
        return CLLM_ERR_LIBRARY;
    }
    memset(&x, 0, sizeof(x));
    memset(&res, 0, sizeof(res));
    x.p = p;
    x.res = &res;
    x.err = err;
    x.errlen = errlen;
    x.file = file;
    x.fd = -1;
    b.max = max_bytes;
    b.data = malloc(max_bytes);
    if (!b.data) {
        snprintf(err, errlen, "out of memory for %zu bytes of %s", max_bytes, file);
        return CLLM_ERR_NOMEM;
    }
    token = p->token ? p->token : getenv("HF_TOKEN");
    if (token && token[0]) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
        hdrs = curl_slist_append(hdrs, auth);
    }
    endpoint = endpoint_or_default(p->endpoint);
    cllm_download_resolve_url(endpoint, repo, p->revision, file, url, sizeof(url));
    h = curl_easy_init();
    if (!h || (token && token[0] && !hdrs)) {
        snprintf(err, errlen, "libcurl: cannot create a handle");
        st = CLLM_ERR_LIBRARY;
        goto cleanup;
    }
    set_common(h, &x, hdrs, strncasecmp(endpoint, "https:", 6) == 0);
    snprintf(range, sizeof(range), "0-%zu", max_bytes - 1);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_RANGE, range);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_head_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    cllm_download_headers_init(&x.h);
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && b.enough)) {
        st = classify_curl(&x, rc, url);
        goto cleanup;
    }
    if (x.h.status != 200 && x.h.status != 206) {
        st = http_error(&x, url, token && token[0]);
        goto cleanup;
    }
    *buf_out = b.data;
    *len_out = b.len;
    b.data = NULL;
    st = CLLM_OK;
cleanup:
    free(b.data);
    if (h)
        curl_easy_cleanup(h);
    curl_slist_free_all(hdrs);
    return st;
}

#else /* !CLLM_WITH_CURL */

enum cllm_status cllm_download_head(const char *repo, const char *file, const struct cllm_download_params *p,
                                    size_t max_bytes, void **buf_out, size_t *len_out, char *err, size_t errlen)
{
    (void)repo, (void)p, (void)max_bytes;
    *buf_out = NULL;
    *len_out = 0;
    snprintf(err, errlen, "cannot read %s from Hugging Face: unsupported: built without libcurl", file ? file : "");
    return CLLM_ERR_UNSUPPORTED;
}

bool cllm_download_supported(void) { return false; }

enum cllm_status cllm_sha256_hex(const void *data, size_t len, char out[65])
{
    (void)data, (void)len;
    out[0] = '\0';
    return CLLM_ERR_UNSUPPORTED;
}

enum cllm_status cllm_sha256_file(const char *path, char out[65], char *err, size_t errlen)
{
    out[0] = '\0';
    snprintf(err, errlen, "%s: unsupported: built without libcurl (and Nettle's SHA-256)", path);
    return CLLM_ERR_UNSUPPORTED;
}

enum cllm_status cllm_download_hf(const char *repo, const struct cllm_download_part *parts, int n_parts,
                                  const char *dest, const struct cllm_download_params *p,
                                  struct cllm_download_result *res, char *err, size_t errlen)
{
    struct stat sb;
    (void)repo, (void)parts, (void)n_parts, (void)p;
    if (res) {
        memset(res, 0, sizeof(*res));
        res->failure = CLLM_DL_UNSUPPORTED;
    }
    if (dest && stat(dest, &sb) == 0 && S_ISREG(sb.st_mode)) {
        if (res) {
            res->failure = CLLM_DL_OK;
            res->already_present = true;
            res->bytes = (int64_t)sb.st_size;
        }
        return CLLM_OK;
    }
    snprintf(err, errlen, "unsupported: built without libcurl");
    return CLLM_ERR_UNSUPPORTED;
}

#endif

enum cllm_status cllm_download_model(const struct cllm_model *m, const struct cllm_model_quant *q,
                                     const char *models_dir, const struct cllm_download_params *p,
                                     struct cllm_download_result *res, char *err, size_t errlen)
{
    struct cllm_download_params params = p ? *p : cllm_download_default_params();
    struct cllm_download_part parts[CLLM_MODEL_MAX_PARTS];
    struct cllm_download_result dummy;
    char dest[PATH_MAX], part_path[PATH_MAX + 8], dir[PATH_MAX];
    int n = 0;
    int64_t total = -1;
    struct stat sb;

    if (!res)
        res = &dummy;
    memset(res, 0, sizeof(*res));
    if (!m || !q) {
        snprintf(err, errlen, "download: no model or quantization");
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_model_local_path(q, models_dir, dest, sizeof(dest));
    if (q->n_parts == 0) {
        parts[0].file = q->file;
        parts[0].sha256 = q->sha256;
        parts[0].size_bytes = q->size_bytes;
        n = 1;
    } else {
        for (n = 0; n < q->n_parts; n++) {
            parts[n].file = q->parts[n].file;
            parts[n].sha256 = q->parts[n].sha256;
            parts[n].size_bytes = -1;
        }
    }
    if (!params.revision)
        params.revision = m->revision;
    if (q->size_bytes > 0)
        total = q->size_bytes;
    else if (!isnan(q->size_gb))
        total = (int64_t)(q->size_gb * 1e9);
    if (params.expected_total_bytes < 0)
        params.expected_total_bytes = total;

    /* a 40 GB download that dies at 95 % for lack of space wastes hours: check first */
    if (total > 0 && !(stat(dest, &sb) == 0 && S_ISREG(sb.st_mode))) {
        int64_t have = 0, avail;
        snprintf(part_path, sizeof(part_path), "%s.part", dest);
        if (stat(part_path, &sb) == 0)
            have = (int64_t)sb.st_size;
        cllm_path_dirname(dest, dir, sizeof(dir));
        (void)cllm_fs_mkdir_p(dir, err, errlen);
        avail = cllm_fs_free_bytes(dir);
        if (avail >= 0 && avail < total - have) {
            res->failure = CLLM_DL_DISK;
            snprintf(err, errlen, "not enough free space in %s for %s: needs %.1f GB, %.1f GB free", dir, q->file,
                     (double)(total - have) / 1e9, (double)avail / 1e9);
            return CLLM_ERR_IO;
        }
    }
    return cllm_download_hf(m->repo, parts, n, dest, &params, res, err, errlen);
}
