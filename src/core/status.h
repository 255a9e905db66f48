/* Stable status codes shared by every module (as curl's CURLcode). */
#ifndef CLLM_STATUS_H
#define CLLM_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum cllm_status {
    CLLM_OK = 0,
    CLLM_ERR_INVALID_ARG,   /* caller passed something unusable */
    CLLM_ERR_IO,            /* read/write/rename failed; errno in the detail */
    CLLM_ERR_PARSE,         /* input text or file is malformed */
    CLLM_ERR_NOMEM,
    CLLM_ERR_NOT_FOUND,     /* file, library, device or key absent */
    CLLM_ERR_UNSUPPORTED,   /* not available on this platform or build */
    CLLM_ERR_LIBRARY,       /* a vendor library could not be loaded */
    CLLM_ERR_SYMBOL,        /* a required symbol is missing from a library */
    CLLM_ERR_CONFIG,        /* configuration value invalid */
    CLLM_ERR_CANCELLED,     /* stopped by the user (Ctrl-C, cancel) */
    CLLM_ERR_INTERNAL,
    CLLM_ERR_TIMEOUT,       /* a deadline passed: a stream stalled or a request ran past its time */
    CLLM_ERR_UNAVAILABLE,   /* a service this needs (a database, a hub) cannot be reached now: try again later */
    CLLM_STATUS_COUNT
};

/* Size of a caller's error buffer (char err[CLLM_ERR_LEN]): room for a message naming a path or two and the reason;
 * cllm_errf and snprintf cut a longer one. */
#define CLLM_ERR_LEN 1024

/* Short, stable English text for a status; never NULL. */
const char *cllm_status_str(enum cllm_status s);

/* printf into a caller's error buffer (err NULL or errlen 0: nothing), never overflowing it. */
void cllm_errf(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif
