#define _GNU_SOURCE
#include "platform/dl.h"

#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cllm_dl {
    void *handle;
    char  path[PATH_MAX];
};

static void append(char *err, size_t errlen, const char *text)
{
    size_t used;
    if (!err || errlen == 0)
        return;
    used = strnlen(err, errlen);
    if (used + 1 < errlen)
        snprintf(err + used, errlen - used, "%s%s", used ? "; " : "", text);
}

static struct cllm_dl *wrap(void *handle, const char *name)
{
    struct cllm_dl *dl = calloc(1, sizeof(*dl));
    if (!dl) {
        dlclose(handle);
        return NULL;
    }
    dl->handle = handle;
    snprintf(dl->path, sizeof(dl->path), "%s", name);
#if defined(__linux__) || defined(__FreeBSD__)
    /* the path the loader really opened (a bare soname resolves somewhere on the search path) */
    {
        struct link_map *lm = NULL;
        if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) == 0 && lm && lm->l_name && lm->l_name[0])
            snprintf(dl->path, sizeof(dl->path), "%s", lm->l_name);
    }
#endif
    return dl;
}

struct cllm_dl *cllm_dl_open_in(const char *const *dirs, const char *const *names, char *err, size_t errlen)
{
    char full[PATH_MAX];
    char msg[PATH_MAX + 256];

    if (err && errlen)
        err[0] = '\0';
    for (size_t i = 0; names && names[i]; i++) {
        for (size_t d = 0; dirs && dirs[d]; d++) {
            void *h;
            snprintf(full, sizeof(full), "%s/%s", dirs[d], names[i]);
            h = dlopen(full, RTLD_NOW | RTLD_LOCAL);
            if (h)
                return wrap(h, full);
        }
        {
            void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
            const char *why;
            if (h)
                return wrap(h, names[i]);
            why = dlerror();
            /* dlerror() already starts with the name it tried */
            snprintf(msg, sizeof(msg), "%s", why ? why : names[i]);
            append(err, errlen, msg);
        }
    }
    return NULL;
}

struct keep_ctx {
    const char *part;
    char      (*names)[PATH_MAX];
    int         n, cap;
};

static int keep_one(struct dl_phdr_info *info, size_t size, void *data)
{
    struct keep_ctx *k = data;
    const char *base;
    (void)size;
    if (!info->dlpi_name || !info->dlpi_name[0] || k->n >= k->cap)
        return 0;
    base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    if (strstr(base, k->part))
        snprintf(k->names[k->n++], PATH_MAX, "%s", info->dlpi_name);
    return 0;
}

int cllm_dl_keep_loaded(const char *part)
{
    char names[16][PATH_MAX];
    struct keep_ctx k = {part, names, 0, 16};
    int kept = 0;
    /* collected first: dlopen must not run inside dl_iterate_phdr's callback (it holds the loader's lock) */
    dl_iterate_phdr(keep_one, &k);
    for (int i = 0; i < k.n; i++)
        if (dlopen(names[i], RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE))
            kept++;   /* the reference is never dropped: the library stays mapped */
    return kept;
}

bool cllm_dl_preload_global(const char *name, char *err, size_t errlen)
{
    /* never closed: the libraries that bind to it stay loaded for the process's life */
    void *h = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!h && err && errlen) {
        const char *m = dlerror();
        snprintf(err, errlen, "%s", m ? m : name);
    }
    return h != NULL;
}

struct cllm_dl *cllm_dl_open_first(const char *const *names, char *err, size_t errlen)
{
    return cllm_dl_open_in(NULL, names, err, errlen);
}

void *cllm_dl_sym(struct cllm_dl *dl, const char *name)
{
    return dl ? dlsym(dl->handle, name) : NULL;
}

const char *cllm_dl_path(const struct cllm_dl *dl) { return dl ? dl->path : ""; }

void cllm_dl_close(struct cllm_dl *dl)
{
    if (!dl)
        return;
    dlclose(dl->handle);
    free(dl);
}

/* the classic signals 1..31: glibc keeps the first realtime ones for itself and refuses them to sigaction */
#define CLLM_DL_NSIG 32

struct cllm_dl_signals {
    bool             have[CLLM_DL_NSIG];
    struct sigaction sa[CLLM_DL_NSIG];
    bool             have_alt;
    stack_t          alt; /* this thread's alternate signal stack */
};

struct cllm_dl_signals *cllm_dl_signals_save(void)
{
    struct cllm_dl_signals *s = calloc(1, sizeof(*s));
    for (int sig = 1; s && sig < CLLM_DL_NSIG; sig++)
        s->have[sig] = sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &s->sa[sig]) == 0;
    if (s)
        s->have_alt = sigaltstack(NULL, &s->alt) == 0;
    return s;
}

static bool same_disposition(const struct sigaction *a, const struct sigaction *b)
{
    if ((a->sa_flags & SA_SIGINFO) != (b->sa_flags & SA_SIGINFO))
        return false;
    return (a->sa_flags & SA_SIGINFO) ? a->sa_sigaction == b->sa_sigaction : a->sa_handler == b->sa_handler;
}

int cllm_dl_signals_restore(struct cllm_dl_signals *saved)
{
    int restored = 0;
    for (int sig = 1; saved && sig < CLLM_DL_NSIG; sig++) {
        struct sigaction now;
        if (!saved->have[sig] || sigaction(sig, NULL, &now) != 0 || same_disposition(&now, &saved->sa[sig]))
            continue;
        if (sigaction(sig, &saved->sa[sig], NULL) == 0)
            restored++;
    }
    /* LLVM also gives the thread an alternate signal stack of its own (malloc'd) when the one there is small or
     * missing; a sanitizer that unmaps "its" stack at thread exit then fails on LLVM's. Put the thread's back. */
    if (saved && saved->have_alt) {
        stack_t now;
        if (sigaltstack(NULL, &now) == 0 && !(now.ss_flags & SS_ONSTACK) &&
            ((now.ss_flags & SS_DISABLE) != (saved->alt.ss_flags & SS_DISABLE) ||
             (!(now.ss_flags & SS_DISABLE) && (now.ss_sp != saved->alt.ss_sp || now.ss_size != saved->alt.ss_size)))) {
            stack_t back = saved->alt;
            back.ss_flags &= SS_DISABLE;
            if (sigaltstack(&back, NULL) == 0)
                restored++;
        }
    }
    free(saved);
    return restored;
}
