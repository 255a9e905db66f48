/* Incremental Server-Sent-Events parser (the text/event-stream format OpenAI-compatible servers stream):
 * bytes go in as they arrive, split anywhere (inside a line, a CRLF or a UTF-8 sequence), and one callback
 * fires per complete event. */
#ifndef CLLM_LLM_SSE_H
#define CLLM_LLM_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One complete event. data is the "data:" lines joined with '\n' (NUL-terminated); event and id are "" when
 * the event had none. */
struct cllm_sse_event {
    const char *event;
    const char *data;
    size_t      data_len;
    const char *id;
};

/* Return false to stop parsing (cllm_sse_feed then returns CLLM_ERR_CANCELLED). */
typedef bool (*cllm_sse_event_fn)(const struct cllm_sse_event *ev, void *user_data);

struct cllm_sse_parser {
    cllm_sse_event_fn fn;
    void   *user_data;
    char   *line;           /* the line being assembled */
    size_t  line_len, line_cap;
    char   *data;           /* data of the event being assembled */
    size_t  data_len, data_cap;
    bool    has_data;       /* at least one data: line (an empty data: line counts) */
    char    event[64];
    char    id[128];
    bool    after_cr;       /* the last byte was CR: a following LF belongs to the same line end */
    bool    stopped;        /* the callback asked to stop: later input is ignored */
    size_t  max_line;       /* longest line, and largest event data, accepted (bytes); 0: 4 MiB */
    size_t  n_comments;     /* ": ..." lines (keep-alives) seen */
};

void cllm_sse_init(struct cllm_sse_parser *p, cllm_sse_event_fn fn, void *user_data);
/* Feeds n bytes. CLLM_ERR_CANCELLED when the callback stopped, CLLM_ERR_PARSE when a line or an event's data
 * exceeds max_line, CLLM_ERR_NOMEM. */
enum cllm_status cllm_sse_feed(struct cllm_sse_parser *p, const char *buf, size_t n);
/* True when the stream so far ends inside an event (bytes of a line or data lines not yet closed by a blank
 * line): an input that stops here was cut. */
bool cllm_sse_pending(const struct cllm_sse_parser *p);
void cllm_sse_free(struct cllm_sse_parser *p);

#ifdef __cplusplus
}
#endif

#endif
