#include "core/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strutil.h"

enum cllm_status cllm_file_read(const char *path, size_t max_bytes, char **out, size_t *len, char *err,
                                size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    *out = NULL;
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
    }
    for (;;) {
        size_t got;
        if (n + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return CLLM_ERR_NOMEM;
            }
            buf = nb;
            cap = ncap;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (max_bytes && n > max_bytes) {
            free(buf);
            fclose(f);
            snprintf(err, errlen, "%s: larger than the %zu-byte limit", path, max_bytes);
            return CLLM_ERR_INVALID_ARG;
        }
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "reading %s: %s", path, strerror(errno));
                return CLLM_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    if (len)
        *len = n;
    return CLLM_OK;
}

void cllm_path_dirname(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        cllm_strlcpy(out, ".", n);
    else if (slash == path)
        cllm_strlcpy(out, "/", n);
    else
        snprintf(out, n, "%.*s", (int)(slash - path), path);
}

