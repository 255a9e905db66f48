/* Helpers shared by the GPU compute backends and the runner (gpu_gemm_util.c): where to look for vendor libraries,
 * 16-bit float conversions, error text. Internal to src/classic/gpu_gemm*.c and their tests. */
#ifndef CLLM_GPUGEMM_PRIV_H
#define CLLM_GPUGEMM_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_dl;

#define CLLM_GPUGEMM_DIRS_MAX 48
#define CLLM_GPUGEMM_DIR_LEN  512

/* An ordered list of folders to search. The empty string stands for the loader's own search path
 * (LD_LIBRARY_PATH, ld.so.cache); other entries exist and are distinct by real path. */
struct cllm_gpugemm_dirs {
    int  n;
    char dir[CLLM_GPUGEMM_DIRS_MAX][CLLM_GPUGEMM_DIR_LEN];
};

void cllm_gpugemm_dirs_init(struct cllm_gpugemm_dirs *d);
/* Adds `dir` when it is a folder not yet in the list; "" adds the loader's path. */
void cllm_gpugemm_dirs_add(struct cllm_gpugemm_dirs *d, const char *dir);
/* Adds $var + suffix when the variable is set and not empty. */
void cllm_gpugemm_dirs_add_env(struct cllm_gpugemm_dirs *d, const char *var, const char *suffix);
/* Adds every folder matching a glob pattern, newest version first (reverse version order). */
void cllm_gpugemm_dirs_add_glob(struct cllm_gpugemm_dirs *d, const char *pattern);
/* Adds the library folders of Python wheels named `pkgs` (e.g. "nvidia/cublas/lib") in the system, user, venv
 * and conda site-packages. */
void cllm_gpugemm_dirs_add_wheels(struct cllm_gpugemm_dirs *d, const char *const *pkgs);
/* "the loader's path, /usr/local/cuda/lib64, ..." (cut to fit). */
void cllm_gpugemm_dirs_describe(const struct cllm_gpugemm_dirs *d, char *out, size_t n);

/* Opens the first of `names` found, folder by folder in list order (names in order within a folder). A file that
 * exists but fails to load is reported in err with the loader's message; otherwise err says "not found".
 * CLLM_OK with *out set, CLLM_ERR_LIBRARY otherwise. */
enum cllm_status cllm_gpugemm_dl_search(const struct cllm_gpugemm_dirs *d, const char *const *names,
                                        struct cllm_dl **out, char *err, size_t errlen);

/* Keeps a vendor library loaded until the process exits and returns the handle to use: the one kept before for
 * the same file (closing `dl`), else `dl`. GPU runtimes are never unloaded: cuBLAS, cuBLASLt and the CUDA runtime
 * carry static C++ state (libstdc++'s exception pool, atexit work) that leaks or breaks when they go, and a
 * second phase in the same process reuses them. */
struct cllm_dl *cllm_gpugemm_dl_keep(struct cllm_dl *dl);

/* Folder part of a loaded library's path ("" when it came by bare name). */
void cllm_gpugemm_dl_dir(const struct cllm_dl *dl, char *out, size_t n);

/* IEEE binary16 and bfloat16 from float, round to nearest even (NaN stays NaN), and back. */
uint16_t cllm_gpugemm_f32_to_f16(float f);
float    cllm_gpugemm_f16_to_f32(uint16_t h);
uint16_t cllm_gpugemm_f32_to_bf16(float f);
float    cllm_gpugemm_bf16_to_f32(uint16_t b);

/* "13.0" from 13000 (CUDA/HIP runtime encoding major·1000 + minor·10). */
void cllm_gpugemm_version_1000(int v, char *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
