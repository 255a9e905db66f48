/* Which GPUs a CUDA library can run on, read from its ELF without the CUDA toolkit (no cuobjdump): the images of
 * its .nv_fatbin section (SASS for a real architecture, PTX for a virtual one with its ISA version), and the rule
 * the driver applies to them. A GPU of compute capability X.Y runs SASS sm_XZ with Z <= Y (an arch-specific image
 * such as sm_120a only on exactly that capability), or PTX compute_AB with AB <= XY that the driver's JIT reads:
 * the PTX ISA version must be one the driver's CUDA version knows (ISA 9.1 needs CUDA 13.1). node-llama-cpp's
 * prebuilt CUDA library ships a main build and a fallback build (cuda/fallback/libggml-cuda.so); the binding
 * (llama_api.c) loads the fallback's CUDA backend when the main build has nothing a visible GPU can run and the
 * fallback has (seen on an H200, capability 9.0, driver CUDA 13.0: the main build's SASS is sm_86/89/120a/121a
 * and its PTX is ISA 9.1, so every kernel launch failed and ggml aborted). */
#ifndef CLLM_LLM_CUDABIN_H
#define CLLM_LLM_CUDABIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_CUDABIN_MAX_IMAGES 64
#define CLLM_CUDABIN_MAX_GPUS   64

enum cllm_cudabin_kind { CLLM_CUDABIN_PTX = 1, CLLM_CUDABIN_SASS = 2 };

/* One distinct kind of image (a library holds one per compiled source file and architecture). */
struct cllm_cudabin_image {
    enum cllm_cudabin_kind kind;
    int  arch;                 /* 86 for sm_86 / compute_86 */
    bool specific;             /* an arch-specific image (sm_120a): that exact capability only */
    int  isa_major, isa_minor; /* PTX: the ISA version (".version 9.1"); SASS: 0 */
    int  count;                /* entries of this kind */
};

struct cllm_cudabin {
    struct cllm_cudabin_image images[CLLM_CUDABIN_MAX_IMAGES];   /* in the order first seen */
    int  n_images;
    int  n_fatbins;            /* fatbin headers walked */
    int  runtime_major;        /* cllm_cudabin_read: N of the libcudart.so.N it needs (its runtime wants a CUDA N.x
                                  driver or newer); 0 unknown */
    long n_entries;            /* images of every kind, skipped kinds included */
};

/* The images of a .nv_fatbin section's bytes. CLLM_ERR_PARSE (err says where) when the bytes are not fatbins. */
enum cllm_status cllm_cudabin_parse(const void *section, size_t len, struct cllm_cudabin *out, char *err,
                                    size_t errlen);

/* The images of the ELF shared library at path (only headers are read, not the payloads), and the CUDA runtime
 * it names in its dynamic strings. CLLM_ERR_IO when it
 * cannot be read, CLLM_ERR_PARSE when it is not a 64-bit little-endian ELF, CLLM_ERR_NOT_FOUND when it has no
 * .nv_fatbin section. */
enum cllm_status cllm_cudabin_read(const char *path, struct cllm_cudabin *out, char *err, size_t errlen);

/* The CUDA version (as cuDriverGetVersion: 13010 for 13.1) whose driver JITs PTX of this ISA version; for an ISA
 * newer than the table, one more than the newest CUDA version it knows. */
int cllm_cudabin_ptx_cuda(int isa_major, int isa_minor);

/* Whether a GPU of capability cc_major.cc_minor under a driver of CUDA version `driver` (cuDriverGetVersion) runs
 * the library; why (may be NULL) says which image it would run or why none. */
bool cllm_cudabin_runs(const struct cllm_cudabin *b, int cc_major, int cc_minor, int driver, char *why,
                       size_t n);

/* "SASS sm_86 sm_89 sm_120a; PTX compute_75 compute_80 compute_90 (ISA 9.1)". */
void cllm_cudabin_describe(const struct cllm_cudabin *b, char *out, size_t n);

/* The GPUs the CUDA driver shows this process (CUDA_VISIBLE_DEVICES applies): their capabilities as 10 × major +
 * minor, and the driver's CUDA version. Returns how many (0 without libcuda or a GPU: *driver 0, why says). */
int cllm_cudabin_gpus(int *cc, int max, int *driver, char *why, size_t n);

enum cllm_cudabin_pick { CLLM_CUDABIN_MAIN, CLLM_CUDABIN_FALLBACK, CLLM_CUDABIN_NONE };

/* Which of two CUDA builds of one library the GPUs cc[0..n) (10 × major + minor) run under `driver`: the main one
 * when it runs on all of them, else the fallback when it does (fallback may be NULL: none installed), else NONE.
 * note says what was decided and why, with both builds' images. Unreadable files count as "runs" (the decision is
 * left to the driver, as without this check). */
enum cllm_cudabin_pick cllm_cudabin_pick(const char *main_lib, const char *fallback_lib, const int *cc, int n,
                                         int driver, char *note, size_t notelen);

#ifdef __cplusplus
}
#endif

#endif
