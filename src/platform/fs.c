#include "platform/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#ifndef _WIN32
#include <sys/statvfs.h>
#endif
#include <unistd.h>

#include "core/log.h"
#include "core/strutil.h"

struct cllm_fs_write_params cllm_fs_write_default_params(void)
{
    struct cllm_fs_write_params p = {.chunk_bytes = 1u << 20, .progress = NULL, .user_data = NULL,
                                  .no_hard_links = false};
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

/* Writes data to a new hidden temp file next to the target ("." + base + ".tmp." + pid + random, the pid so that a
 * later run can tell a dead writer's leftover from a live one's), fsyncs and closes it; its path goes to tmp. */
static enum cllm_status write_temp(const char *path, const char *dir, const char *base, const void *data, size_t len,
                                   const struct cllm_fs_write_params *p, char *tmp, size_t tmpn, char *err,
                                   size_t errlen)
{
    struct cllm_fs_write_params def = cllm_fs_write_default_params();
    const unsigned char *bytes = data;
    size_t done = 0, chunk;
    int fd;

    if (!p)
        p = &def;
    chunk = p->chunk_bytes ? p->chunk_bytes : def.chunk_bytes;
    if (snprintf(tmp, tmpn, "%s/.%s.tmp.%ld.XXXXXX", dir, base, (long)getpid()) >= (int)tmpn) {
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
            snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
            goto fail;
        }
        done += (size_t)w;
        if (p->progress)
            p->progress(done, p->user_data);
    }
    /* delayed allocation (ext4, xfs, NFS) may report a full disk only here */
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        snprintf(err, errlen, "writing %s: %s", path, strerror(errno));
        goto fail;
    }
    return CLLM_OK;

fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return CLLM_ERR_IO;
}

/* The rename or link itself is durable only once the folder is synced. */
static void sync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
}

enum cllm_status cllm_fs_write_atomic(const char *path, const void *data, size_t len,
                                   const struct cllm_fs_write_params *p, char *err, size_t errlen)
{
    char dir[PATH_MAX], tmp[PATH_MAX];
    const char *base;
    enum cllm_status st;

    split_path(path, dir, sizeof(dir), &base);
    if (!*base) {
        snprintf(err, errlen, "%s: not a file name", path);
        return CLLM_ERR_INVALID_ARG;
    }
    /* same folder as the target, so rename(2) is atomic; hidden so listings skip it */
    st = write_temp(path, dir, base, data, len, p, tmp, sizeof(tmp), err, errlen);
    if (st != CLLM_OK)
        return st;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "renaming %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        return CLLM_ERR_IO;
    }
    sync_dir(dir);
    return CLLM_OK;
}

/* Candidate k of path: k = 1 is path itself, then "stem_2.ext", "stem_3.ext", ... */
static int candidate(const char *path, int k, char *out, size_t n)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (k == 1)
        return snprintf(out, n, "%s", path) >= (int)n ? -1 : 0;
    if (!dot || (slash && dot < slash) || dot == (slash ? slash + 1 : path))
        dot = path + strlen(path);   /* no extension (or a hidden name): the suffix goes at the end */
    return snprintf(out, n, "%.*s_%d%s", (int)(dot - path), path, k, dot) >= (int)n ? -1 : 0;
}

#ifndef _WIN32
/* errno values by which link(2) says the file system has no hard links (FAT, exFAT, some FUSE and SMB mounts). */
static bool no_hard_links(int e)
{
    return e == EPERM || e == ENOSYS || e == EOPNOTSUPP
#if defined(ENOTSUP) && ENOTSUP != EOPNOTSUPP
           || e == ENOTSUP
#endif
        ;
}
#endif

#define CLLM_WRITE_NEW_MAX 9999

enum cllm_status cllm_fs_write_new(const char *path, const void *data, size_t len, const struct cllm_fs_write_params *p,
                                char *path_out, size_t path_n, char *err, size_t errlen)
{
    char dir[PATH_MAX], tmp[PATH_MAX], name[PATH_MAX];
    const char *base;
    bool use_link = !(p && p->no_hard_links);
    enum cllm_status st;

    if (path_n)
        path_out[0] = '\0';
    split_path(path, dir, sizeof(dir), &base);
    if (!*base) {
        snprintf(err, errlen, "%s: not a file name", path);
        return CLLM_ERR_INVALID_ARG;
    }
#ifdef _WIN32
    use_link = false;   /* no link(2) there: the O_EXCL reservation */
#endif
    st = write_temp(path, dir, base, data, len, p, tmp, sizeof(tmp), err, errlen);
    if (st != CLLM_OK)
        return st;
    for (int k = 1; k <= CLLM_WRITE_NEW_MAX; k++) {
        if (candidate(path, k, name, sizeof(name)) != 0) {
            snprintf(err, errlen, "%s: path too long", path);
            st = CLLM_ERR_INVALID_ARG;
            goto done;
        }
#ifndef _WIN32
        if (use_link) {
            /* link(2) creates the name only when it does not exist, atomically: the complete file appears at once */
            if (link(tmp, name) == 0)
                goto claimed;
            if (errno == EEXIST)
                continue;
            if (!no_hard_links(errno)) {
                snprintf(err, errlen, "writing %s: %s", name, strerror(errno));
                st = CLLM_ERR_IO;
                goto done;
            }
            use_link = false;
        }
#endif
        {
            /* no hard links here: reserve the name, then rename the complete temp file onto our reservation */
            int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
            if (fd < 0 && errno == EEXIST)
                continue;
            if (fd < 0) {
                snprintf(err, errlen, "writing %s: %s", name, strerror(errno));
                st = CLLM_ERR_IO;
                goto done;
            }
            close(fd);
            if (rename(tmp, name) != 0) {
                snprintf(err, errlen, "renaming %s to %s: %s", tmp, name, strerror(errno));
                unlink(name);
                st = CLLM_ERR_IO;
                goto done;
            }
            goto claimed;
        }
    }
    snprintf(err, errlen, "%s and %d numbered copies of it exist already", path, CLLM_WRITE_NEW_MAX - 1);
    st = CLLM_ERR_IO;
    goto done;

claimed:
    unlink(tmp);   /* after link(2): the temp name only (after rename it is gone already) */
    sync_dir(dir); /* one folder sync makes the new name and the temp name's removal durable */
    cllm_strlcpy(path_out, name, path_n);
    return CLLM_OK;
done:
    unlink(tmp);
    return st;
}

enum cllm_status cllm_fs_check_writable(const char *dir, char *err, size_t errlen)
{
    char probe[PATH_MAX], why[512];
    int fd;

    if (cllm_fs_mkdir_p(dir, why, sizeof(why)) != CLLM_OK) {
        snprintf(err, errlen, "%s", why);
        return CLLM_ERR_IO;
    }
    if (snprintf(probe, sizeof(probe), "%s/.computellm-probe.%ld.XXXXXX", dir, (long)getpid()) >= (int)sizeof(probe)) {
        snprintf(err, errlen, "%s: path too long", dir);
        return CLLM_ERR_INVALID_ARG;
    }
    /* access(W_OK) is not enough: root passes it on a read-only mount, and ACLs or quotas are not seen */
    fd = mkstemp(probe);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in folder %s: %s", dir, strerror(errno));
        return CLLM_ERR_IO;
    }
    close(fd);
    if (unlink(probe) != 0) {
        snprintf(err, errlen, "cannot remove a file from folder %s: %s", dir, strerror(errno));
        return CLLM_ERR_IO;
    }
    return CLLM_OK;
}

/* The pid in a temp name ".NAME.tmp.PID.XXXXXX"; -1 for the older ".NAME.tmp.XXXXXX" names without one. */
static long temp_pid(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    char *end;
    long pid;
    if (!t)
        return -1;
    t += 5;
    pid = strtol(t, &end, 10);
    return (end != t && *end == '.' && pid > 0) ? pid : -1;
}

int cllm_fs_remove_stale_temps(const char *dir, const char *prefix, int min_age_s)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    time_t now = time(NULL);
    int removed = 0;
    size_t plen;

    if (!d)
        return 0;
    plen = strlen(prefix);
    while ((e = readdir(d))) {
        char full[PATH_MAX];
        struct stat sb;
        long pid;
        double age;
        bool writer_gone;

        /* only our own temp files: "." + prefix + ... + ".tmp." */
        if (e->d_name[0] != '.' || strncmp(e->d_name + 1, prefix, plen) != 0 || !strstr(e->d_name, ".tmp."))
            continue;
        if (snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) >= (int)sizeof(full))
            continue;
        if (lstat(full, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        age = difftime(now, sb.st_mtime);
        pid = temp_pid(e->d_name);
#ifndef _WIN32
        writer_gone = pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
#else
        writer_gone = false;   /* no kill(pid, 0): the age rule alone */
#endif
        /* a live writer's temp file is seconds old; after an hour it is a leftover even if its pid was reused
         * (or the name has none), and min_age_s spares a writer on another machine sharing the folder */
        if (!((writer_gone && age >= min_age_s) || age >= 3600))
            continue;
        if (unlink(full) == 0) {
            removed++;
            CLLM_LOG(CLLM_LOG_WARN, "removed %s: a temp file left by a write that was killed (%s)", full,
                     writer_gone ? "its process is gone" : "more than an hour old");
        } else {
            CLLM_LOG(CLLM_LOG_WARN, "%s is a temp file left by a write that was killed, and cannot be removed: %s",
                     full, strerror(errno));
        }
    }
    closedir(d);
    return removed;
}

enum cllm_status cllm_fs_mkdir_p(const char *dir, char *err, size_t errlen)
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

int64_t cllm_fs_free_bytes(const char *dir)
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

bool cllm_fs_exe_relative(const char *rel, char *out, size_t n)
{
    if (!n)
        return false;
    out[0] = '\0';
#if defined(__linux__)
    {
        char exe[PATH_MAX];
        struct stat sb;
        char *slash;
        ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (len <= 0)
            return false;
        exe[len] = '\0';
        if (!(slash = strrchr(exe, '/')))
            return false;
        *slash = '\0';
        if (snprintf(out, n, "%s/%s", exe, rel) >= (int)n) {
            out[0] = '\0';
            return false;
        }
        return stat(out, &sb) == 0;
    }
#else
    (void)rel;
    return false;
#endif
}
