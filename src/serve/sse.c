/* Server-Sent-Events parsing per the WHATWG event-stream rules, kept byte-incremental. */
#include <stdlib.h>
#include <string.h>

#include "serve/sse.h"

void cllm_sse_init(struct cllm_sse_parser *p, cllm_sse_event_fn fn, void *user_data)
{
    memset(p, 0, sizeof(*p));
    p->fn = fn;
    p->user_data = user_data;
}

void cllm_sse_free(struct cllm_sse_parser *p)
{
    free(p->line);
    free(p->data);
    p->line = p->data = NULL;
    p->line_len = p->line_cap = p->data_len = p->data_cap = 0;
}

static bool grow(char **buf, size_t *cap, size_t need)
{
    size_t nc;
    char *b;
    if (need <= *cap)
        return true;
    nc = *cap ? *cap : 256;
    while (nc < need)
        nc *= 2;
    b = realloc(*buf, nc);
    if (!b)
        return false;
    *buf = b;
    *cap = nc;
    return true;
}

static enum cllm_status dispatch(struct cllm_sse_parser *p)
{
    struct cllm_sse_event ev;
    bool go = true;
    if (p->has_data) {
        /* the joined data ends with the '\n' every data line appended; the event's data does not */
        if (p->data_len > 0 && p->data[p->data_len - 1] == '\n')
            p->data_len--;
        p->data[p->data_len] = '\0';
        ev.event = p->event;
        ev.data = p->data;
        ev.data_len = p->data_len;
        ev.id = p->id;
        go = p->fn ? p->fn(&ev, p->user_data) : true;
    }
    p->has_data = false;
    p->data_len = 0;
    p->event[0] = '\0';
    if (!go) {
        p->stopped = true;
        return CLLM_ERR_CANCELLED;
    }
    return CLLM_OK;
}

/* One complete line (without its terminator) in p->line. */
static enum cllm_status process_line(struct cllm_sse_parser *p)
{
    const char *l = p->line, *colon, *value;
    size_t n = p->line_len, name_len, value_len;

    if (n == 0)
        return dispatch(p);
    if (l[0] == ':') {
        p->n_comments++;
        return CLLM_OK;
    }
    colon = memchr(l, ':', n);
    name_len = colon ? (size_t)(colon - l) : n;
    value = colon ? colon + 1 : l + n;
    value_len = colon ? n - name_len - 1 : 0;
    if (value_len > 0 && value[0] == ' ') {
        value++;
        value_len--;
    }
    if (name_len == 4 && memcmp(l, "data", 4) == 0) {
        /* an event is bounded like a line: data lines without the blank line that ends them must not grow
         * without end */
        if (p->data_len + value_len + 1 > (p->max_line ? p->max_line : (size_t)4 << 20))
            return CLLM_ERR_PARSE;
        if (!grow(&p->data, &p->data_cap, p->data_len + value_len + 2))
            return CLLM_ERR_NOMEM;
        memcpy(p->data + p->data_len, value, value_len);
        p->data_len += value_len;
        p->data[p->data_len++] = '\n';
        p->has_data = true;
    } else if (name_len == 5 && memcmp(l, "event", 5) == 0) {
        size_t k = value_len < sizeof(p->event) - 1 ? value_len : sizeof(p->event) - 1;
        memcpy(p->event, value, k);
        p->event[k] = '\0';
    } else if (name_len == 2 && memcmp(l, "id", 2) == 0) {
        size_t k = value_len < sizeof(p->id) - 1 ? value_len : sizeof(p->id) - 1;
        memcpy(p->id, value, k);
        p->id[k] = '\0';
    }
    /* "retry" and unknown fields are ignored, as the format requires */
    return CLLM_OK;
}

enum cllm_status cllm_sse_feed(struct cllm_sse_parser *p, const char *buf, size_t n)
{
    size_t max_line = p->max_line ? p->max_line : (size_t)4 << 20;
    size_t i = 0;

    if (p->stopped)
        return CLLM_ERR_CANCELLED;
    while (i < n) {
        enum cllm_status st;
        size_t j;
        if (p->after_cr) {
            p->after_cr = false;
            if (buf[i] == '\n') {
                i++;
                continue;
            }
        }
        /* copy the run of ordinary bytes up to the next line end in one go */
        for (j = i; j < n && buf[j] != '\n' && buf[j] != '\r'; j++)
            ;
        if (j > i) {
            if (p->line_len + (j - i) > max_line)
                return CLLM_ERR_PARSE;
            if (!grow(&p->line, &p->line_cap, p->line_len + (j - i) + 1))
                return CLLM_ERR_NOMEM;
            memcpy(p->line + p->line_len, buf + i, j - i);
            p->line_len += j - i;
        }
        if (j == n)
            break;
        p->after_cr = buf[j] == '\r';
        i = j + 1;
        st = process_line(p);
        p->line_len = 0;
        if (st != CLLM_OK)
            return st;
    }
    return CLLM_OK;
}

bool cllm_sse_pending(const struct cllm_sse_parser *p)
{
    return p->line_len > 0 || p->has_data;
}
