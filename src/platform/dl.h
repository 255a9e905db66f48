/* The one place that loads shared libraries at run time (dlopen / LoadLibrary).
 * Vendor files describe their symbols in a table and call cllm_dl_load_syms once. */
#ifndef CLLM_DL_H
#define CLLM_DL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_dl;

/* Tries each name in order (NULL-terminated list) and returns the first that loads.
 * On failure returns NULL and writes every name tried with the loader's message into err. */
struct cllm_dl *cllm_dl_open_first(const char *const *names, char *err, size_t errlen);

/* Same, with extra directories searched first for each name (NULL-terminated, may be NULL). */
struct cllm_dl *cllm_dl_open_in(const char *const *dirs, const char *const *names, char *err, size_t errlen);

void *cllm_dl_sym(struct cllm_dl *dl, const char *name);

/* Loads `name` into the process's global symbol scope, once, and keeps it (POSIX: RTLD_GLOBAL; elsewhere a no-op
 * returning true). For a C++ runtime a C program's libraries need ahead of their own dependencies. */
bool cllm_dl_preload_global(const char *name, char *err, size_t errlen);

/* Keeps every library now loaded in this process whose file name contains `part` loaded for the process's life
 * (POSIX: RTLD_NODELETE; elsewhere a no-op), so a later close by whoever loaded it does not unload it. For drivers
 * that keep one-time state (Mesa's Vulkan ICDs, which the Vulkan loader loads and unloads with each instance).
 * Returns how many were kept. */
int cllm_dl_keep_loaded(const char *part);

/* The process's signal dispositions, to put back after code that loads libraries which take signals for
 * themselves (PoCL's LLVM installs its own SIGSEGV, SIGINT, SIGTERM, ... handlers when OpenCL is first asked, which
 * would swallow a crash or replace the program's Ctrl-C, and may give the calling thread an alternate signal stack
 * of its own). Save before, restore after, on the same thread; restore frees the snapshot.
 * Restore returns how many dispositions (and the alternate stack) it put back (0 when none had changed, NULL snapshot or elsewhere than
 * POSIX). Save returns NULL when out of memory (restore then does nothing). */
struct cllm_dl_signals;
struct cllm_dl_signals *cllm_dl_signals_save(void);
int cllm_dl_signals_restore(struct cllm_dl_signals *saved);

/* Absolute path of the loaded file where the OS tells, else the name it was opened by. */
const char *cllm_dl_path(const struct cllm_dl *dl);

void cllm_dl_close(struct cllm_dl *dl);

/* One symbol to resolve: `names` is a NULL-terminated list tried in order (newest ABI first, e.g.
 * "nvmlInit_v2", "nvmlInit"); the address lands in *slot. */
struct cllm_dl_sym_spec {
    const char *names[4];
    void      **slot;
    bool        required;
};

/* Resolves every spec. A missing required symbol → CLLM_ERR_SYMBOL with its name in err;
 * missing optional ones leave *slot NULL. */
enum cllm_status cllm_dl_load_syms(struct cllm_dl *dl, const struct cllm_dl_sym_spec *specs, size_t n,
                                   char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
