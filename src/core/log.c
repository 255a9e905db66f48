#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static enum cllm_log_level g_level = CLLM_LOG_WARN;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

void cllm_log_set_level(enum cllm_log_level level) { __atomic_store_n(&g_level, level, __ATOMIC_RELAXED); }

enum cllm_log_level cllm_log_get_level(void) { return __atomic_load_n(&g_level, __ATOMIC_RELAXED); }

void cllm_log_write(enum cllm_log_level level, const char *fmt, ...)
{
    static const char *const tags[] = {"error", "warning", "info", "debug"};
    char line[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* one fputs per line under the lock: lines of two threads never interleave */
    pthread_mutex_lock(&g_lock);
    fprintf(stderr, "computellm: %s: %s\n", tags[(unsigned)level < 4 ? level : 3], line);
    pthread_mutex_unlock(&g_lock);
}
