#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifndef _WIN32
#include <sys/statvfs.h>
#endif
#include <unistd.h>

#include "core/strutil.h"

struct cllm_write_params cllm_write_default_params(void)
{
    struct cllm_write_params p = {.chunk_bytes = 1u << 20, .progress = NULL, .user_data = NULL};
    return p;
}

static void split_path(const char *path, char *dir, size_t dn, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        cllm_strlcpy(dir, ".", dn);
        *base = path;
        return;
    }
    if (slash == path) {
        cllm_strlcpy(dir, "/", dn);
    } else {
        size_t k = (size_t)(slash - path);
        if (k >= dn)
            k = dn - 1;
        memcpy(dir, path, k);
        dir[k] = '\0';
    }
    *base = slash + 1;
}

enum cllm_status cllm_write_atomic(const char *path, const void *data, size_t len,
                                   const struct cllm_write_params *p, char *err, size_t errlen)
{
    struct cllm_write_params def = cllm_write_default_params();
    char dir[PATH_MAX], tmp[PATH_MAX];
    const char *base;
    const unsigned char *bytes = data;
    size_t done = 0, chunk;
    int fd = -1, dfd;
    enum cllm_status st = CLLM_ERR_IO;

    if (!p)
        p = &def;
    chunk = p->chunk_bytes ? p->chunk_bytes : def.chunk_bytes;
    split_path(path, dir, sizeof(dir), &base);
    if (!*base) {
        snprintf(err, errlen, "%s: not a file name", path);
        return CLLM_ERR_INVALID_ARG;
    }
    /* same folder as the target, so rename(2) is atomic; hidden so listings skip it */
    if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.XXXXXX", dir, base) >= (int)sizeof(tmp)) {
        snprintf(err, errlen, "%s: path too long", path);
        return CLLM_ERR_INVALID_ARG;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        return CLLM_ERR_IO;
    }
    while (done < len) {
        size_t want = len - done < chunk ? len - done : chunk;
        ssize_t w = write(fd, bytes + done, want);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
            goto cleanup;
        }
        done += (size_t)w;
        if (p->progress)
            p->progress(done, p->user_data);
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "syncing %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "closing %s: %s", tmp, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "renaming %s to %s: %s", tmp, path, strerror(errno));
        goto cleanup;
    }
    /* the rename itself is durable only once the folder is synced */
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return CLLM_OK;

cleanup:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return st;
}

enum cllm_status cllm_mkdir_p(const char *dir, char *err, size_t errlen)
{
    char buf[PATH_MAX];
    struct stat sb;

    if (cllm_strlcpy(buf, dir, sizeof(buf)) >= sizeof(buf)) {
        snprintf(err, errlen, "%s: path too long", dir);
        return CLLM_ERR_INVALID_ARG;
    }
    for (char *p = buf + 1; ; p++) {
        char saved = *p;
        if (saved != '/' && saved != '\0')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create folder %s: %s", buf, strerror(errno));
            return CLLM_ERR_IO;
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a folder", dir);
        return CLLM_ERR_IO;
    }
    return CLLM_OK;
}

enum cllm_status cllm_read_file(const char *path, size_t max_bytes, char **out, size_t *len, char *err,
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

int64_t cllm_free_bytes(const char *dir)
{
#ifndef _WIN32
    struct statvfs vs;
    if (statvfs(dir, &vs) != 0)
        return -1;
    return (int64_t)vs.f_bavail * (int64_t)vs.f_frsize;
#else
    (void)dir;
    return -1;
#endif
}
