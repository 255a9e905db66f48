/* "Unknown is not zero": a small list of (field, why) kept beside a struct whose fields could not be read.
 * Serialised as JSON null for the field plus an entry in the section's "null_reasons" object. */
#ifndef CLLM_REASONS_H
#define CLLM_REASONS_H

#include "core/log.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_REASONS_MAX 32

struct cllm_reasons {
    int n;
    struct {
        char field[48];   /* JSON key of the unknown field */
        char why[200];    /* one line: what was tried and why it gave nothing */
    } v[CLLM_REASONS_MAX];
};

/* Sets (or replaces) the reason for `field`. */
void cllm_reason_set(struct cllm_reasons *r, const char *field, const char *fmt, ...) CLLM_PRINTF(3, 4);

/* The reason for `field`, or NULL when none was recorded. */
const char *cllm_reason_get(const struct cllm_reasons *r, const char *field);

void cllm_reason_clear(struct cllm_reasons *r, const char *field);

#ifdef __cplusplus
}
#endif

#endif
