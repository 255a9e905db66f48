#include "core/strutil.h"

#include <ctype.h>
#include <string.h>

size_t cllm_strlcpy(char *dst, const char *src, size_t n)
{
    size_t len = strlen(src);
    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(dst, src, k);
        dst[k] = '\0';
    }
    return len;
}

char *cllm_trim(char *s)
{
    char *start = s, *end;
    while (*start && isspace((unsigned char)*start))
        start++;
    end = start + strlen(start);
    while (end > start && isspace((unsigned char)end[-1]))
        end--;
    *end = '\0';
    if (start != s)
        memmove(s, start, (size_t)(end - start) + 1);
    return s;
}

void cllm_sanitize_filename(const char *in, char *out, size_t n)
{
    size_t k = 0;
    bool gap = false;

    if (n == 0)
        return;
    for (const char *p = in ? in : ""; *p && k + 1 < n; p++) {
        if (isalnum((unsigned char)*p)) {
            if (gap && k > 0 && k + 2 < n)
                out[k++] = '_';
            gap = false;
            out[k++] = *p;
        } else {
            gap = true;
        }
    }
    out[k] = '\0';
    if (k == 0)
        cllm_strlcpy(out, "unknown", n);
}

bool cllm_is_valid_key(const char *s)
{
    size_t len;
    if (!s || !*s)
        return false;
    len = strlen(s);
    if (len > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool cllm_str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}
