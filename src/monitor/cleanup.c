/* System cleanup: malloc_trim, a note on GPU caches, the OS page cache (Linux drop_caches, macOS purge), a pause.
 * Each action is recorded as done or skipped with the reason; nothing here fails the run. */
#include "monitor/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef _WIN32
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__APPLE__)
#include <spawn.h>
#include <sys/wait.h>
extern char **environ;
#endif

#include "core/clock.h"
#include "core/log.h"

#define PAUSE_MAX_S 60.0

struct cllm_cleanup_params cllm_cleanup_default_params(void)
{
    struct cllm_cleanup_params p = {.pause_s = 1.0, .drop_caches = true, .root = NULL};
    return p;
}

static void add_action(struct cllm_cleanup_result *r, const char *action, bool done, const char *fmt, ...)
    CLLM_PRINTF(4, 5);

static void add_action(struct cllm_cleanup_result *r, const char *action, bool done, const char *fmt, ...)
{
    struct cllm_cleanup_action *a;
    va_list ap;

    if (r->n_actions >= CLLM_CLEANUP_MAX_ACTIONS)
        return;
    a = &r->actions[r->n_actions++];
    snprintf(a->action, sizeof(a->action), "%s", action);
    a->done = done;
    va_start(ap, fmt);
    vsnprintf(a->detail, sizeof(a->detail), fmt, ap);
    va_end(ap);
    CLLM_LOG(CLLM_LOG_DEBUG, "cleanup: %s %s: %s", action, done ? "done" : false, a->detail);
}

static void free_heap(struct cllm_cleanup_result *actions)
{
#if defined(__GLIBC__)
    /* glibc keeps freed memory in its arenas; trimming hands it back so the next phase starts from what it uses */
    if (malloc_trim(0))
        add_action(actions, "free_heap", true, "malloc_trim(0) returned free heap memory to the OS");
    else
        add_action(actions, "free_heap", true, "malloc_trim(0): no free heap memory to return");
#else
    add_action(actions, "free_heap", false, "malloc_trim is glibc-only; this C library returns memory itself");
#endif
}

static void drop_page_cache(struct cllm_cleanup_result *actions, const struct cllm_cleanup_params *p)
{
    if (!p->drop_caches) {
        add_action(actions, "drop_page_cache", false, "disabled (drop_caches = false)");
        return;
    }
#if defined(__linux__)
    {
        const char *root = p->root;
        char path[512];
        int fd;

        if (!root || (root[0] == '/' && !root[1]))
            root = "";
        snprintf(path, sizeof(path), "%.480s/proc/sys/vm/drop_caches", root);
        if (geteuid() != 0) {
            add_action(actions, "drop_page_cache", false, "not root (writing %s needs root)", path);
            return;
        }
        sync();   /* only clean pages are dropped: write the dirty ones first */
        fd = open(path, O_WRONLY | O_TRUNC);
        if (fd < 0) {
            add_action(actions, "drop_page_cache", false, "%s: %s", path, strerror(errno));
            return;
        }
        /* 3 = page cache + dentries and inodes */
        if (write(fd, "3\n", 2) != 2) {
            int e = errno;
            close(fd);
            add_action(actions, "drop_page_cache", false, "%s: write: %s", path, strerror(e));
            return;
        }
        if (close(fd) != 0) {
            add_action(actions, "drop_page_cache", false, "%s: close: %s", path, strerror(errno));
            return;
        }
        add_action(actions, "drop_page_cache", true, "sync, then 3 written to %s", path);
    }
#elif defined(__APPLE__)
    {
        static const char *const purge = "/usr/sbin/purge";
        char *argv[] = {(char *)"purge", NULL};
        pid_t pid;
        int rc, status = 0;

        if (geteuid() != 0) {
            add_action(actions, "drop_page_cache", false, "not root (purge needs root)");
            return;
        }
        if (access(purge, X_OK) != 0) {
            add_action(actions, "drop_page_cache", false, "%s: %s", purge, strerror(errno));
            return;
        }
        rc = posix_spawn(&pid, purge, NULL, NULL, argv, environ);
        if (rc != 0) {
            add_action(actions, "drop_page_cache", false, "%s: %s", purge, strerror(rc));
            return;
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            add_action(actions, "drop_page_cache", true, "ran %s", purge);
        else
            add_action(actions, "drop_page_cache", false, "%s failed (wait status %d)", purge, status);
    }
#else
    (void)p;
    add_action(actions, "drop_page_cache", false, "not supported on this platform");
#endif
}

/* Sleeps the whole pause even when a signal interrupts the sleep. */
static void pause_for(double seconds)
{
    double end = cllm_now_s() + seconds, left;
    while ((left = end - cllm_now_s()) > 0) {
#ifdef _WIN32
        Sleep((unsigned long)(left * 1e3) + 1);
#else
        struct timespec ts;
        ts.tv_sec = (time_t)left;
        ts.tv_nsec = (long)((left - (double)ts.tv_sec) * 1e9);
        nanosleep(&ts, NULL);
#endif
    }
}

void cllm_cleanup_do(const struct cllm_cleanup_params *p, struct cllm_cleanup_result *out)
{
    struct cllm_cleanup_params dp = cllm_cleanup_default_params();
    double t0 = cllm_now_s(), pause;

    memset(out, 0, sizeof(*out));
    if (!p)
        p = &dp;
    pause = isfinite(p->pause_s) ? p->pause_s : 0.0;
    pause = pause < 0 ? 0 : pause > PAUSE_MAX_S ? PAUSE_MAX_S : pause;
    free_heap(out);
    add_action(out, "gpu_cache", false,
               "no GPU allocator cache in computellm: each GPU phase frees its device memory");
    drop_page_cache(out, p);
    pause_for(pause);
    out->pause_s = pause;
    out->duration_s = round((cllm_now_s() - t0) * 1e3) / 1e3;
}
