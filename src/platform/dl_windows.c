/* The one place that loads DLLs on Windows (LoadLibrary), with the API of dl_posix.c. */
#include "platform/dl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

struct cllm_dl {
    HMODULE handle;
    char    path[MAX_PATH * 2];
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

/* The system's one-line message for GetLastError(), without its trailing CR LF. */
static void last_error_text(DWORD code, char *buf, size_t len)
{
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, buf,
                             (DWORD)len, NULL);
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    if (n == 0)
        snprintf(buf, len, "error %lu", (unsigned long)code);
}

static HMODULE load(const char *name, bool absolute)
{
    DWORD old_mode = 0;
    HMODULE h;
    /* a missing DLL must not pop up a dialog box in a command-line tool */
    SetThreadErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX, &old_mode);
    /* an absolute path: its own folder is searched for the DLLs it depends on */
    h = LoadLibraryExA(name, NULL, absolute ? LOAD_WITH_ALTERED_SEARCH_PATH : 0);
    SetThreadErrorMode(old_mode, NULL);
    return h;
}

static struct cllm_dl *wrap(HMODULE handle, const char *name)
{
    struct cllm_dl *dl = calloc(1, sizeof(*dl));
    DWORD n;
    if (!dl) {
        FreeLibrary(handle);
        return NULL;
    }
    dl->handle = handle;
    n = GetModuleFileNameA(handle, dl->path, (DWORD)sizeof(dl->path));
    if (n == 0 || n >= sizeof(dl->path))
        snprintf(dl->path, sizeof(dl->path), "%s", name);
    return dl;
}

struct cllm_dl *cllm_dl_open_in(const char *const *dirs, const char *const *names, char *err, size_t errlen)
{
    char full[MAX_PATH * 2];
    char why[256];
    char msg[MAX_PATH * 2 + 300];

    if (err && errlen)
        err[0] = '\0';
    for (size_t i = 0; names && names[i]; i++) {
        HMODULE h;
        for (size_t d = 0; dirs && dirs[d]; d++) {
            snprintf(full, sizeof(full), "%s\\%s", dirs[d], names[i]);
            h = load(full, true);
            if (h)
                return wrap(h, full);
        }
        h = load(names[i], strchr(names[i], '\\') != NULL || strchr(names[i], '/') != NULL);
        if (h)
            return wrap(h, names[i]);
        last_error_text(GetLastError(), why, sizeof(why));
        snprintf(msg, sizeof(msg), "%s: %s", names[i], why);
        append(err, errlen, msg);
    }
    return NULL;
}

int cllm_dl_keep_loaded(const char *part)
{
    (void)part;
    return 0;
}

/* Windows has no sigaction dispositions for a DLL to take over (its crash handling is SEH) */
struct cllm_dl_signals *cllm_dl_signals_save(void) { return NULL; }

int cllm_dl_signals_restore(struct cllm_dl_signals *saved)
{
    (void)saved;
    return 0;
}

bool cllm_dl_preload_global(const char *name, char *err, size_t errlen)
{
    (void)name, (void)err, (void)errlen;
    return true;   /* Windows binds each DLL's imports to the DLL named at link time: no global scope */
}

struct cllm_dl *cllm_dl_open_first(const char *const *names, char *err, size_t errlen)
{
    return cllm_dl_open_in(NULL, names, err, errlen);
}

void *cllm_dl_sym(struct cllm_dl *dl, const char *name)
{
    FARPROC proc;
    void *addr = NULL;
    if (!dl)
        return NULL;
    proc = GetProcAddress(dl->handle, name);
    /* FARPROC is a function pointer: copy its bits rather than cast between function and object pointers */
    if (proc)
        memcpy(&addr, &proc, sizeof(addr) < sizeof(proc) ? sizeof(addr) : sizeof(proc));
    return addr;
}

const char *cllm_dl_path(const struct cllm_dl *dl) { return dl ? dl->path : ""; }

void cllm_dl_close(struct cllm_dl *dl)
{
    if (!dl)
        return;
    FreeLibrary(dl->handle);
    free(dl);
}
