/* Files and folders through the operating system: directory creation, checks, free space, installed files, and
 * atomic writes (temp file + fsync + rename), so a crash or Ctrl-C never leaves a half-written results file under
 * its final name. Whole-file reads with the C library alone are in core/file.h. */
#ifndef CLLM_FS_H
#define CLLM_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called after each chunk written to the temp file (tests use it to die mid-write). */
typedef void (*cllm_fs_progress_fn)(size_t bytes_written, void *user_data);

struct cllm_fs_write_params {
    size_t              chunk_bytes;    /* bytes per write(2); 0 → 1 MiB */
    cllm_fs_progress_fn progress;       /* called after each chunk; may be NULL */
    void               *user_data;      /* passed to progress */
    bool                no_hard_links;  /* cllm_fs_write_new: claim the name with open(O_EXCL) + rename, as on file
                                           systems without link(2) (tests); default false */
};

struct cllm_fs_write_params cllm_fs_write_default_params(void);

/* Writes data to `path` atomically: a hidden temp file in the same folder, fsync, rename over `path`, fsync of
 * the folder. On any failure the temp file is removed and `path` keeps its previous content (or stays absent). */
enum cllm_status cllm_fs_write_atomic(const char *path, const void *data, size_t len,
                                      const struct cllm_fs_write_params *p, char *err, size_t errlen);

/* Writes data to a NEW file and never replaces one: `path` when no file has that name, else the first free of
 * "stem_2.ext", "stem_3.ext", ... (up to _9999); the path used goes to path_out ("" on failure). The complete,
 * fsynced temp file is linked to the name with link(2), which fails when the name exists, so two writers racing
 * for one name get two files and nobody sees a partial one. Where the file system has no hard links (FAT, some
 * FUSE/SMB mounts) the name is reserved with open(O_CREAT|O_EXCL) and the temp file renamed onto it: still
 * exclusive, but an empty file is visible under the name for that instant. */
enum cllm_status cllm_fs_write_new(const char *path, const void *data, size_t len,
                                   const struct cllm_fs_write_params *p, char *path_out, size_t path_n, char *err,
                                   size_t errlen);

/* Creates dir (and its parents) when missing, then creates and removes a probe file in it: CLLM_OK when new files
 * can be written there, else CLLM_ERR_IO with err naming the folder and the reason (read-only, permission, a path
 * under a regular file). */
enum cllm_status cllm_fs_check_writable(const char *dir, char *err, size_t errlen);

/* Removes the hidden temp files (".PREFIX*.tmp.PID.XXXXXX", as cllm_fs_write_atomic/_new name them) that a write
 * killed before its rename left in dir: those whose process is gone and that were not modified for min_age_s
 * seconds, and any older than an hour. Each removal is logged (warning). Returns how many were removed. */
int cllm_fs_remove_stale_temps(const char *dir, const char *prefix, int min_age_s);

/* Bytes an unprivileged user may still write in dir's file system; -1 when unknown. */
int64_t cllm_fs_free_bytes(const char *dir);

/* Creates `dir` and its parents (mode 0755); an existing folder is fine. */
enum cllm_status cllm_fs_mkdir_p(const char *dir, char *err, size_t errlen);

/* The path `rel` taken from the folder of the running executable, into out: "../share/computellm/F" finds what
 * cmake --install put in P/share/computellm/ for P/bin/computellm. True when a file or folder is there; false when
 * nothing is, or where the executable's path is unknown (read from /proc/self/exe: Linux only). */
bool cllm_fs_exe_relative(const char *rel, char *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
