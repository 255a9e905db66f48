/* Thread-safe logger to stderr. The level is checked before formatting. */
#ifndef CLLM_LOG_H
#define CLLM_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

enum cllm_log_level {
    CLLM_LOG_ERROR = 0,
    CLLM_LOG_WARN  = 1,
    CLLM_LOG_INFO  = 2,
    CLLM_LOG_DEBUG = 3,
};

/* Messages above this level are dropped; default CLLM_LOG_WARN (-q: ERROR, -v: INFO, -vv: DEBUG). */
void cllm_log_set_level(enum cllm_log_level level);
enum cllm_log_level cllm_log_get_level(void);

#if defined(__GNUC__)
#define CLLM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLLM_PRINTF(a, b)
#endif

void cllm_log_write(enum cllm_log_level level, const char *fmt, ...) CLLM_PRINTF(2, 3);

#define CLLM_LOG(level, ...)                                          \
    do {                                                              \
        if ((int)(level) <= (int)cllm_log_get_level())                \
            cllm_log_write((level), __VA_ARGS__);                     \
    } while (0)

#ifdef __cplusplus
}
#endif

#endif
