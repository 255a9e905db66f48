/* Which GPUs a run uses: `--gpus 0,2` / `--gpu N` as indices of the detected list (gpu.h's cllm_gpu_info, the
 * order `computellm detect` prints: NVML's index order for NVIDIA, which is PCI bus order), checked against what
 * the vendor runtimes can see through CUDA_VISIBLE_DEVICES (NVIDIA), HIP_VISIBLE_DEVICES (AMD) and
 * ZE_AFFINITY_MASK (Intel). Each selected GPU also gets the device number its runtime gives it (the k-th visible
 * device of its vendor), which the classic GPU phase opens; the LLM engine maps the GPU to a ggml device by PCI
 * bus id where the backend reports one (llm/engine.h, cllm_backend_gpu_plan). */
#ifndef CLLM_GPU_SELECT_H
#define CLLM_GPU_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "gpu/gpu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The variables that hide GPUs from their runtime, in this order. */
enum cllm_gpu_env_var { CLLM_GPU_ENV_CUDA = 0, CLLM_GPU_ENV_HIP, CLLM_GPU_ENV_ZE, CLLM_GPU_ENV_COUNT };

/* "CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "ZE_AFFINITY_MASK". */
const char *cllm_gpu_env_name(enum cllm_gpu_env_var v);

/* The values as the process had them; set false: the variable is absent (an empty value hides every device). */
struct cllm_gpu_visible_env {
    bool set[CLLM_GPU_ENV_COUNT];
    char value[CLLM_GPU_ENV_COUNT][256];
};

/* Reads the three variables from the environment. */
void cllm_gpu_visible_env_read(struct cllm_gpu_visible_env *e);

struct cllm_gpu_selection {
    int  n;                               /* selected GPUs */
    int  index[CLLM_GPU_MAX];             /* their positions in cllm_gpu_info.devices, in the order given */
    int  runtime_index[CLLM_GPU_MAX];     /* per selected GPU: its device number in its vendor's runtime with the
                                             variables applied (CUDA, HIP, Level Zero); -1 unknown */
    char source[16];                      /* "flag" (--gpus/--gpu), "environment" (a variable narrowed the
                                             default), "all" (every detected GPU) */
    char spec[128];                       /* the flag's text as given; "" none */
    bool visible[CLLM_GPU_MAX];           /* per detected GPU: its runtime can see it */
    int  visible_rank[CLLM_GPU_MAX];      /* per detected GPU: its device number in its runtime; -1 hidden */
    char note[256];                       /* a variable that could not be applied (UUID entries); "" none */
    struct cllm_gpu_visible_env env;
};

/* Builds the selection: spec NULL or "" takes every GPU the runtimes can see; otherwise a comma-separated list
 * of detected indices ("0,2"), each once. CLLM_ERR_INVALID_ARG with err naming what is wrong and the GPUs there
 * are ("GPU 3 does not exist: this machine has 2 GPUs: 0 NVIDIA H100 (0000:01:00.0), 1 ..."), or the variable
 * that hides a GPU asked for. env NULL reads the process's. A GPU list with no GPU and no spec gives n 0. */
enum cllm_status cllm_gpu_select(const struct cllm_gpu_info *g, const char *spec,
                                 const struct cllm_gpu_visible_env *env, struct cllm_gpu_selection *out, char *err,
                                 size_t errlen);

/* "0 NVIDIA H100 (0000:01:00.0), 1 ..." for messages; "none" for an empty list. */
void cllm_gpu_list_describe(const struct cllm_gpu_info *g, char *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
