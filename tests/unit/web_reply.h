/* One HTTP answer as the web tests' libcurl client collects it (test_web_api.c, test_web_security.c). */
#ifndef CLLM_TEST_WEB_REPLY_H
#define CLLM_TEST_WEB_REPLY_H

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

struct reply {
    long     status;
    CURLcode rc;
    char    *body;         /* NUL-terminated, len bytes */
    size_t   len;
    char     headers[4096];
    double   elapsed_s;
};

/* CURLOPT_WRITEFUNCTION: appends to r->body. */
static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    struct reply *r = ud;
    char *b = realloc(r->body, r->len + sz * n + 1);
    if (!b)
        return 0;
    r->body = b;
    memcpy(r->body + r->len, p, sz * n);
    r->len += sz * n;
    r->body[r->len] = '\0';
    return sz * n;
}

/* CURLOPT_HEADERFUNCTION: keeps the headers that fit in r->headers. */
static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    struct reply *r = ud;
    size_t used = strlen(r->headers);
    if (used + sz * n + 1 < sizeof(r->headers)) {
        memcpy(r->headers + used, p, sz * n);
        r->headers[used + sz * n] = '\0';
    }
    return sz * n;
}

#endif
