#include "core/reasons.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int find(const struct cllm_reasons *r, const char *field)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->v[i].field, field) == 0)
            return i;
    return -1;
}

void cllm_reason_set(struct cllm_reasons *r, const char *field, const char *fmt, ...)
{
    va_list ap;
    int i = find(r, field);

    if (i < 0) {
        if (r->n >= CLLM_REASONS_MAX)
            return;
        i = r->n++;
        snprintf(r->v[i].field, sizeof(r->v[i].field), "%s", field);
    }
    va_start(ap, fmt);
    vsnprintf(r->v[i].why, sizeof(r->v[i].why), fmt, ap);
    va_end(ap);
}

const char *cllm_reason_get(const struct cllm_reasons *r, const char *field)
{
    int i = find(r, field);
    return i < 0 ? NULL : r->v[i].why;
}

void cllm_reason_clear(struct cllm_reasons *r, const char *field)
{
    int i = find(r, field);
    if (i < 0)
        return;
    memmove(&r->v[i], &r->v[i + 1], (size_t)(r->n - i - 1) * sizeof(r->v[0]));
    r->n--;
}
