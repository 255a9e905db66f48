/* The client of the results hub (computellm submit, run --submit): sends results files to POST /api/submit with
 * the submitter's token, retrying with exponential backoff (jittered) while the hub is unreachable, busy or its
 * database down (connection errors, 429, 5xx); a file still not delivered then is queued as a new file in the
 * queue folder (results/.submit-queue/) and sent first by the next call. A file the hub refuses (400, 413) or a
 * wrong token (401, 403) is not retried: it is a mistake to fix, and the queued copy stays. */
#ifndef CLLM_APP_SUBMIT_H
#define CLLM_APP_SUBMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_SUBMIT_QUEUE_DIR ".submit-queue"   /* under the results folder */
#define CLLM_SUBMIT_TOKEN_ENV "COMPUTELLM_HUB_TOKEN"

struct cllm_submit_params {
    const char *url;            /* the hub: http(s)://host:port (a trailing / and /api/submit may be given) */
    const char *token;          /* the submitter's token; NULL: $COMPUTELLM_HUB_TOKEN */
    const char *queue_dir;      /* where undelivered files wait ("results/.submit-queue") */
    int         retries;        /* attempts after the first (default 5) */
    double      backoff_s;      /* the first wait (default 0.5 s), doubled each retry, ±25 % jitter */
    double      max_backoff_s;  /* a wait is at most this (default 8 s) */
    double      timeout_s;      /* one attempt's whole deadline, connect included (default 30 s) */
    const volatile int *cancel; /* non-zero stops the waits (Ctrl-C); may be NULL */
};

struct cllm_submit_params cllm_submit_default_params(void);

enum cllm_submit_outcome {
    CLLM_SUBMIT_ADDED,          /* 201: stored */
    CLLM_SUBMIT_DUPLICATE,      /* 200: the hub had it already */
    CLLM_SUBMIT_QUEUED,         /* not delivered, kept in the queue folder for the next call */
    CLLM_SUBMIT_REJECTED,       /* the hub refused it (bad file, wrong token): err says why */
};

/* Sends one file. CLLM_OK with *outcome ADDED, DUPLICATE or QUEUED; otherwise the error (a file that cannot be
 * read or is not a results file is refused here, before any request, and not queued). *http is the last HTTP
 * status (0: none). err gets the reason of a refusal, or of the last failure for QUEUED. */
enum cllm_status cllm_submit_file(const struct cllm_submit_params *p, const char *path,
                                  enum cllm_submit_outcome *outcome, int *http, char *err, size_t errlen);

/* Sends every file of the queue folder (oldest name first), removing each the hub took (added or duplicate);
 * stops at the first that cannot be delivered (the hub is still unreachable). *sent and *left count them. */
enum cllm_status cllm_submit_flush_queue(const struct cllm_submit_params *p, int *sent, int *left, char *err,
                                         size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
