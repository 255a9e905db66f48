/* Files: whole-file reads, directory creation, and atomic writes (temp file + fsync + rename), so a crash or
 * Ctrl-C never leaves a half-written results file under its final name. */
#ifndef CLLM_FSUTIL_H
#define CLLM_FSUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called after each chunk written to the temp file (tests use it to die mid-write). */
typedef void (*cllm_write_progress_fn)(size_t bytes_written, void *user_data);

struct cllm_write_params {
    size_t                 chunk_bytes;  /* bytes per write(2); 0 → 1 MiB */
    cllm_write_progress_fn progress;     /* may be NULL */
    void                  *user_data;
};

struct cllm_write_params cllm_write_default_params(void);

/* Writes data to `path` atomically: a hidden temp file in the same folder, fsync, rename over `path`, fsync of
 * the folder. On any failure the temp file is removed and `path` keeps its previous content (or stays absent). */
enum cllm_status cllm_write_atomic(const char *path, const void *data, size_t len,
                                   const struct cllm_write_params *p, char *err, size_t errlen);

/* Creates `dir` and its parents (mode 0755); an existing folder is fine. */
/* The folder part of path into out ("." when there is none, "/" for a file at the root). */
void cllm_path_dirname(const char *path, char *out, size_t n);

/* Bytes an unprivileged user may still write in dir's file system; -1 when unknown. */
int64_t cllm_free_bytes(const char *dir);

enum cllm_status cllm_mkdir_p(const char *dir, char *err, size_t errlen);

/* Reads a whole file (at most max_bytes; 0 = no limit) into a malloc'd NUL-terminated buffer. */
enum cllm_status cllm_read_file(const char *path, size_t max_bytes, char **out, size_t *len, char *err,
                                size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
