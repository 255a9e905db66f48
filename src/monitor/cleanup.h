/* System cleanup before a benchmark phase: give back what we hold, drop the OS page cache where permitted, then
 * pause so the machine settles. Records what was done and what was skipped and why; never fails the run. */
#ifndef CLLM_CLEANUP_H
#define CLLM_CLEANUP_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

struct cllm_cleanup_params {
    double      pause_s;       /* seconds to sleep after the actions, 0 .. 60; default 1.0 */
    bool        drop_caches;   /* drop the OS page cache where permitted; default true */
    const char *root;          /* prefix for /proc/sys/vm/drop_caches: NULL, "" or "/" = this machine (tests
                                  pass a temporary tree) */
};

struct cllm_cleanup_params cllm_cleanup_default_params(void);

/* Runs the cleanup. Returns {"actions": [{"action", "status": "done"|"skipped", "detail"}, ...], "pause_s",
 * "duration_s"}; actions are "free_heap" (malloc_trim), "gpu_cache" and "drop_page_cache". NULL only when out of
 * memory. p NULL: the defaults. */
struct cJSON *cllm_cleanup_run(const struct cllm_cleanup_params *p);

#ifdef __cplusplus
}
#endif

#endif
