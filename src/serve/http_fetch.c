/* One bounded HTTP exchange over libcurl's easy interface (see http_fetch.h). */
#include "serve/http_fetch.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CLLM_WITH_CURL
#include <curl/curl.h>
#endif

/* the process's stop flag (Ctrl-C): a fetch in flight ends within curl's progress period (about a second at
 * worst, usually at once) */
static const volatile sig_atomic_t *g_cancel;

void cllm_fetch_set_cancel(const volatile sig_atomic_t *flag)
{
    g_cancel = flag;
}

void cllm_fetch_answer_free(struct cllm_fetch_answer *a)
{
    if (!a)
        return;
    free(a->body);
    a->body = NULL;
    a->len = 0;
}

#ifdef CLLM_WITH_CURL

struct sink {
    char  *buf;
    size_t len, cap, max;
    bool   too_big, nomem;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    struct sink *s = ud;
    size_t n = size * nmemb;
    if (s->len + n > s->max) {
        s->too_big = true;
        return 0;   /* cuts the transfer: CURLE_WRITE_ERROR */
    }
    if (s->len + n + 1 > s->cap) {
        size_t nc = s->cap ? s->cap : 4096;
        char *nb;
        while (nc < s->len + n + 1)
            nc *= 2;
        if (nc > s->max + 1)
            nc = s->max + 1;
        if (!(nb = realloc(s->buf, nc))) {
            s->nomem = true;
            return 0;
        }
        s->buf = nb;
        s->cap = nc;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)ud, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return g_cancel && *g_cancel ? 1 : 0;   /* non-zero: CURLE_ABORTED_BY_CALLBACK */
}

enum cllm_status cllm_fetch(const char *url, const char *auth, const char *post_json, double timeout_s,
                            size_t max_bytes, struct cllm_fetch_answer *out, char *err, size_t errlen)
{
    struct sink s = {NULL, 0, 0, max_bytes, false, false};
    struct curl_slist *h = NULL;
    enum cllm_status st = CLLM_OK;
    long ms = timeout_s > 0 ? (long)(timeout_s * 1000.0 + 0.5) : 1;
    CURLcode cc;
    CURL *c;

    memset(out, 0, sizeof(*out));
    if (errlen)
        err[0] = '\0';
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        cllm_errf(err, errlen, "%s: only http:// and https:// URLs can be fetched", url);
        return CLLM_ERR_CONFIG;
    }
    if (!(c = curl_easy_init())) {
        cllm_errf(err, errlen, "cannot make a libcurl handle");
        return CLLM_ERR_NOMEM;
    }
    if (auth && auth[0])
        h = curl_slist_append(h, auth);
    if (post_json)
        h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    if (post_json) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_json);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(post_json));
    }
    if (g_cancel && *g_cancel) {
        cllm_errf(err, errlen, "%s: not asked: stopped (Ctrl-C)", url);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return CLLM_ERR_CANCELLED;
    }
    cc = curl_easy_perform(c);
    if (cc == CURLE_ABORTED_BY_CALLBACK) {
        cllm_errf(err, errlen, "%s: stopped (Ctrl-C)", url);
        st = CLLM_ERR_CANCELLED;
    } else if (s.nomem) {
        cllm_errf(err, errlen, "%s: out of memory for the answer", url);
        st = CLLM_ERR_NOMEM;
    } else if (s.too_big) {
        cllm_errf(err, errlen, "%s: the answer is larger than %zu bytes (cut there)", url, max_bytes);
        st = CLLM_ERR_IO;
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        cllm_errf(err, errlen, "%s: no whole answer within %.3g s", url, timeout_s);
        st = CLLM_ERR_TIMEOUT;
    } else if (cc != CURLE_OK) {
        cllm_errf(err, errlen, "%s: %s", url, curl_easy_strerror(cc));
        st = CLLM_ERR_IO;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->http_status);
        out->body = s.buf;
        out->len = s.len;
        s.buf = NULL;
        if (!out->body && (out->body = calloc(1, 1)) == NULL)
            st = CLLM_ERR_NOMEM;
    }
    free(s.buf);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return st;
}

#else

enum cllm_status cllm_fetch(const char *url, const char *auth, const char *post_json, double timeout_s,
                            size_t max_bytes, struct cllm_fetch_answer *out, char *err, size_t errlen)
{
    (void)auth, (void)post_json, (void)timeout_s, (void)max_bytes;
    memset(out, 0, sizeof(*out));
    cllm_errf(err, errlen, "%s: fetching over HTTP needs libcurl (this build has none)", url);
    return CLLM_ERR_UNSUPPORTED;
}

#endif
