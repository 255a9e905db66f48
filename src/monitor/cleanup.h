/* System cleanup before a benchmark phase: give back what we hold, drop the OS page cache where permitted, then
 * pause so the machine settles. Records what was done and what was skipped and why; never fails the run. */
#ifndef CLLM_CLEANUP_H
#define CLLM_CLEANUP_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_cleanup_params {
    double      pause_s;       /* seconds to sleep after the actions, 0 .. 60; default 1.0 */
    bool        drop_caches;   /* drop the OS page cache where permitted; default true */
    const char *root;          /* prefix for /proc/sys/vm/drop_caches: NULL, "" or "/" = this machine (tests
                                  pass a temporary tree) */
};

struct cllm_cleanup_params cllm_cleanup_default_params(void);

#define CLLM_CLEANUP_MAX_ACTIONS 4

/* One step: "free_heap" (malloc_trim), "gpu_cache" or "drop_page_cache". */
struct cllm_cleanup_action {
    char action[24];
    bool done;              /* false: skipped, detail says why */
    char detail[400];
};

/* What a cleanup did (report/write_core.c writes it as a phase's "cleanup"). */
struct cllm_cleanup_result {
    int    n_actions;
    struct cllm_cleanup_action actions[CLLM_CLEANUP_MAX_ACTIONS];
    double pause_s;         /* the settling pause slept, after clamping to 0 .. 60 */
    double duration_s;      /* wall time of the whole cleanup, ms resolution */
};

/* Runs the cleanup into *out. p NULL: the defaults. */
void cllm_cleanup_do(const struct cllm_cleanup_params *p, struct cllm_cleanup_result *out);

#ifdef __cplusplus
}
#endif

#endif
