/* One bounded HTTP exchange for the small side requests of serve-bench (a server's /metrics, llama-server's
 * /tokenize): a deadline on the whole transfer, a cap on the body (the transfer is cut when it passes it), the
 * answer in memory. Needs libcurl: without it every call says so. */
#ifndef CLLM_SERVE_HTTP_FETCH_H
#define CLLM_SERVE_HTTP_FETCH_H

#include <signal.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_fetch_answer {
    long   http_status;   /* 0: no HTTP answer */
    char  *body;          /* malloc'd, NUL-terminated (the caller frees it); NULL when nothing came */
    size_t len;
};

/* GET url (post_json NULL) or POST post_json as application/json, with auth (a whole header line such as
 * "Authorization: Bearer KEY", or NULL), within timeout_s seconds (connect included), the body at most max_bytes.
 * CLLM_OK when an HTTP answer came (any status: the caller judges it), else CLLM_ERR_TIMEOUT (past the deadline),
 * CLLM_ERR_IO (cannot connect, broken off, body over max_bytes: err says which), CLLM_ERR_CANCELLED (the stop
 * flag below), CLLM_ERR_UNSUPPORTED (no libcurl), CLLM_ERR_NOMEM. Only http:// and https:// URLs are followed; no redirects. */
enum cllm_status cllm_fetch(const char *url, const char *auth, const char *post_json, double timeout_s,
                            size_t max_bytes, struct cllm_fetch_answer *out, char *err, size_t errlen);

void cllm_fetch_answer_free(struct cllm_fetch_answer *a);

/* The process's stop flag (non-zero: Ctrl-C): every later or in-flight fetch ends with CLLM_ERR_CANCELLED as soon
 * as it is set (curl's progress callback). NULL: none. serve-bench sets it from its params' cancel. */
void cllm_fetch_set_cancel(const volatile sig_atomic_t *flag);

#ifdef __cplusplus
}
#endif

#endif
