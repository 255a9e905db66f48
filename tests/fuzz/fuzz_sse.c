/* The Server-Sent-Events parser (src/serve/sse.h) on a stream from an OpenAI-compatible server. The same bytes are
 * fed whole and in chunks of random sizes; the events, the status and the pending state must be the same, since
 * the parser promises that input may be split anywhere.
 *
 * Input layout: byte 0 picks the longest line accepted (0: the default), byte 1 after how many events the
 * callback stops (0: never), bytes 2..3 seed the chunk sizes; the rest is the stream. */
#include <stdbool.h>

#include "core/status.h"
#include "serve/sse.h"
#include "fuzz.h"

/* The events seen, serialised: length-prefixed event, id and data, so any difference shows. */
struct trace {
    char  *buf;
    size_t len, cap;
    int    n, stop_after;
};

static void put(struct trace *t, const void *p, size_t n)
{
    if (t->len + n > t->cap) {
        size_t nc = t->cap ? t->cap : 1024;
        while (nc < t->len + n)
            nc *= 2;
        t->buf = realloc(t->buf, nc);
        FUZZ_CHECK(t->buf != NULL);
        t->cap = nc;
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static void put_field(struct trace *t, const char *s, size_t n)
{
    put(t, &n, sizeof(n));
    put(t, s, n);
}

static bool on_event(const struct cllm_sse_event *ev, void *ud)
{
    struct trace *t = ud;
    FUZZ_CHECK(ev->event && ev->data && ev->id);
    FUZZ_CHECK(ev->data[ev->data_len] == '\0');
    FUZZ_CHECK(strlen(ev->event) < 64 && strlen(ev->id) < 128);
    put_field(t, ev->event, strlen(ev->event));
    put_field(t, ev->id, strlen(ev->id));
    put_field(t, ev->data, ev->data_len);
    t->n++;
    return t->stop_after == 0 || t->n < t->stop_after;
}

/* Feeds stream[0..n) in pieces; returns the first status that is not OK (feeding stops there, as callers do). */
static enum cllm_status run(const char *stream, size_t n, size_t max_line, int stop_after, uint32_t seed,
                            bool chunked, struct trace *t, bool *pending)
{
    struct cllm_sse_parser p;
    enum cllm_status st = CLLM_OK;
    size_t i = 0;

    memset(t, 0, sizeof(*t));
    t->stop_after = stop_after;
    cllm_sse_init(&p, on_event, t);
    p.max_line = max_line;
    while (i < n && st == CLLM_OK) {
        size_t k = n - i;
        char *piece;
        if (chunked) {
            seed = seed * 1103515245u + 12345u;
            k = 1 + (seed >> 16) % 17;   /* 1..17 bytes: splits CRLF pairs, lines and UTF-8 sequences */
            if (k > n - i)
                k = n - i;
        }
        /* an exact-size copy, so a read past the piece's end is caught */
        piece = malloc(k);
        FUZZ_CHECK(piece != NULL);
        memcpy(piece, stream + i, k);
        st = cllm_sse_feed(&p, piece, k);
        free(piece);
        i += k;
    }
    *pending = cllm_sse_pending(&p);
    cllm_sse_free(&p);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct trace whole, parts;
    bool pend_whole, pend_parts;
    enum cllm_status st_whole, st_parts;
    size_t max_line;
    int stop_after;
    uint32_t seed;

    if (size < 4)
        return 0;
    max_line = data[0] ? (size_t)data[0] * 4 : 0;
    stop_after = data[1] % 8;
    seed = (uint32_t)data[2] << 8 | data[3];
    st_whole = run((const char *)data + 4, size - 4, max_line, stop_after, seed, false, &whole, &pend_whole);
    st_parts = run((const char *)data + 4, size - 4, max_line, stop_after, seed, true, &parts, &pend_parts);

    FUZZ_CHECK(st_whole == CLLM_OK || st_whole == CLLM_ERR_PARSE || st_whole == CLLM_ERR_CANCELLED);
    FUZZ_CHECK(st_whole == st_parts);
    FUZZ_CHECK(whole.n == parts.n && whole.len == parts.len);
    FUZZ_CHECK(whole.len == 0 || memcmp(whole.buf, parts.buf, whole.len) == 0);
    if (st_whole == CLLM_OK)
        FUZZ_CHECK(pend_whole == pend_parts);
    if (stop_after)
        FUZZ_CHECK(whole.n <= stop_after);
    free(whole.buf);
    free(parts.buf);
    return 0;
}
