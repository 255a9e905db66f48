#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>

const char *cllm_status_str(enum cllm_status s)
{
    static const char *const names[CLLM_STATUS_COUNT] = {
        [CLLM_OK]               = "ok",
        [CLLM_ERR_INVALID_ARG]  = "invalid argument",
        [CLLM_ERR_IO]           = "input/output error",
        [CLLM_ERR_PARSE]        = "malformed input",
        [CLLM_ERR_NOMEM]        = "out of memory",
        [CLLM_ERR_NOT_FOUND]    = "not found",
        [CLLM_ERR_UNSUPPORTED]  = "not supported on this platform or build",
        [CLLM_ERR_LIBRARY]      = "library could not be loaded",
        [CLLM_ERR_SYMBOL]       = "required symbol missing from library",
        [CLLM_ERR_CONFIG]       = "invalid configuration",
        [CLLM_ERR_CANCELLED]    = "cancelled",
        [CLLM_ERR_INTERNAL]     = "internal error",
        [CLLM_ERR_TIMEOUT]      = "timed out",
        [CLLM_ERR_UNAVAILABLE]  = "service unavailable",
    };
    if ((unsigned)s >= CLLM_STATUS_COUNT || !names[s])
        return "unknown status";
    return names[s];
}

void cllm_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
