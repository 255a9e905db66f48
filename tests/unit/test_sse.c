/* The SSE parser: events come out the same however the stream is split. */
#include <stdbool.h>

#include "serve/sse.h"
#include "test.h"

struct got {
    char buf[4096];   /* events as "event|data\x1e" */
    size_t len;
    int n;
    int stop_after;   /* 0: never stop */
};

static bool collect(const struct cllm_sse_event *ev, void *ud)
{
    struct got *g = ud;
    g->len += (size_t)snprintf(g->buf + g->len, sizeof(g->buf) - g->len, "%s|%s\x1e", ev->event, ev->data);
    g->n++;
    return g->stop_after == 0 || g->n < g->stop_after;
}

/* LF and CRLF, a keep-alive comment, multi-line data, a UTF-8 character, [DONE], an event name, a field with
 * no space after the colon, a lone CR line end, and blank lines with no data (no event). */
static const char STREAM[] =
    ": keep-alive\n\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"h\xc3\xa9llo \xe4\xb8\x96\"}}]}\n\n"
    "data: line one\r\ndata: line two\r\n\r\n"
    "event: ping\ndata:nospace\n\n"
    "\n\n"
    "data: cr only\r\r"
    "id: 7\ndata: \n\n"
    "data: [DONE]\n\n";

static const char EXPECT[] =
    "|{\"choices\":[{\"delta\":{\"content\":\"h\xc3\xa9llo \xe4\xb8\x96\"}}]}\x1e"
    "|line one\nline two\x1e"
    "ping|nospace\x1e"
    "|cr only\x1e"
    "|\x1e"
    "|[DONE]\x1e";

static void whole(void)
{
    struct cllm_sse_parser p;
    struct got g = {0};
    cllm_sse_init(&p, collect, &g);
    CHECK_INT(cllm_sse_feed(&p, STREAM, sizeof(STREAM) - 1), CLLM_OK);
    CHECK_INT(g.n, 6);
    CHECK_STR(g.buf, EXPECT);
    CHECK_INT(p.n_comments, 1);
    CHECK(!cllm_sse_pending(&p));
    cllm_sse_free(&p);
}

/* every split into two pieces, and every byte on its own */
static void every_split(void)
{
    size_t n = sizeof(STREAM) - 1;
    for (size_t cut = 0; cut <= n; cut++) {
        struct cllm_sse_parser p;
        struct got g = {0};
        cllm_sse_init(&p, collect, &g);
        CHECK_INT(cllm_sse_feed(&p, STREAM, cut), CLLM_OK);
        CHECK_INT(cllm_sse_feed(&p, STREAM + cut, n - cut), CLLM_OK);
        if (strcmp(g.buf, EXPECT) != 0) {
            fprintf(stderr, "split at %zu differs\n", cut);
            CHECK_STR(g.buf, EXPECT);
        }
        cllm_sse_free(&p);
    }
    {
        struct cllm_sse_parser p;
        struct got g = {0};
        cllm_sse_init(&p, collect, &g);
        for (size_t i = 0; i < n; i++)
            CHECK_INT(cllm_sse_feed(&p, STREAM + i, 1), CLLM_OK);
        CHECK_STR(g.buf, EXPECT);
        cllm_sse_free(&p);
    }
}

static void pending_and_stop(void)
{
    struct cllm_sse_parser p;
    struct got g = {0};
    cllm_sse_init(&p, collect, &g);
    CHECK_INT(cllm_sse_feed(&p, "data: {\"a\":", 11), CLLM_OK);
    CHECK(cllm_sse_pending(&p));
    CHECK_INT(cllm_sse_feed(&p, "1}\n", 3), CLLM_OK);
    CHECK(cllm_sse_pending(&p));   /* a data line not yet closed by a blank line */
    CHECK_INT(g.n, 0);
    cllm_sse_free(&p);

    g = (struct got){0};
    g.stop_after = 1;
    cllm_sse_init(&p, collect, &g);
    CHECK_INT(cllm_sse_feed(&p, "data: a\n\ndata: b\n\n", 18), CLLM_ERR_CANCELLED);
    CHECK_INT(g.n, 1);
    CHECK_INT(cllm_sse_feed(&p, "data: c\n\n", 9), CLLM_ERR_CANCELLED);
    cllm_sse_free(&p);

    g = (struct got){0};
    cllm_sse_init(&p, collect, &g);
    p.max_line = 8;
    CHECK_INT(cllm_sse_feed(&p, "data: 0123456789\n\n", 18), CLLM_ERR_PARSE);
    cllm_sse_free(&p);

    /* short data lines that never end their event: bounded like a line (it used to grow without end) */
    g = (struct got){0};
    cllm_sse_init(&p, collect, &g);
    p.max_line = 64;
    for (int i = 0; i < 20; i++) {
        enum cllm_status st = cllm_sse_feed(&p, "data: abc\n", 10);
        if (st != CLLM_OK) {
            CHECK_INT(st, CLLM_ERR_PARSE);
            CHECK(i >= 60 / 4 && i <= 64 / 4);   /* 4 bytes of data per line */
            break;
        }
        CHECK(i < 17);
    }
    CHECK(p.data_len <= 64);
    CHECK_INT(g.n, 0);
    cllm_sse_free(&p);
}

int main(void)
{
    RUN(whole);
    RUN(every_split);
    RUN(pending_and_stop);
    return test_summary();
}
