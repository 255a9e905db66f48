/* Small string helpers used across modules. */
#ifndef CLLM_STRUTIL_H
#define CLLM_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies src into dst (size n), always NUL-terminated; returns strlen(src) (truncated when >= n). */
size_t cllm_strlcpy(char *dst, const char *src, size_t n);

/* Trims leading/trailing whitespace in place; returns s. */
char *cllm_trim(char *s);

/* Makes a file-name-safe token: letters and digits kept, every other run of characters becomes one '_',
 * no leading/trailing '_', at most n-1 bytes; "unknown" when nothing is left. */
void cllm_sanitize_filename(const char *in, char *out, size_t n);

/* True for a model key / identifier: [a-z0-9][a-z0-9._-]* , at most 64 bytes. */
bool cllm_is_valid_key(const char *s);

/* True when s ends with suffix. */
bool cllm_str_ends_with(const char *s, const char *suffix);

#ifdef __cplusplus
}
#endif

#endif
