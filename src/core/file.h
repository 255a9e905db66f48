/* Whole-file reads and path arithmetic with the C library only (no operating-system calls: those are in
 * src/platform/fs.h). */
#ifndef CLLM_FILE_H
#define CLLM_FILE_H

#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a whole file (at most max_bytes; 0 = no limit) into a malloc'd NUL-terminated buffer. */
enum cllm_status cllm_file_read(const char *path, size_t max_bytes, char **out, size_t *len, char *err,
                                size_t errlen);

/* The folder part of path into out ("." when there is none, "/" for a file at the root). */
void cllm_path_dirname(const char *path, char *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
