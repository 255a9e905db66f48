/* Runs the GPU compute phase alone and prints its JSON on stdout (progress on stderr with -v):
 *   gpu_compute_bench [--sizes 1024,2048,4096] [--iterations N] [--warmup N] [--copy-mb MiB] [--h2d-mb MiB]
 *                     [--device I] [--batch-ms MS] [-v]
 * Built by tools/gpu_vs_torch.sh with only the libraries it needs, so it can travel to a GPU machine. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "classic/gpu_gemm.h"
#include "hw/hw.h"
#include "report/write_classic.h"

static int usage(void)
{
    fprintf(stderr, "usage: gpu_compute_bench [--sizes N,N,...] [--iterations N] [--warmup N] [--copy-mb MiB] "
                    "[--h2d-mb MiB] [--device I] [--batch-ms MS] [-v]\n");
    return 2;
}

int main(int argc, char **argv)
{
    static struct cllm_hw_info hw;
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_gpugemm_params p = cllm_gpugemm_default_params();
    int sizes[16];
    struct cllm_gpugemm_result r;
    cJSON *phase;
    char *text;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-v") == 0) {
            cllm_log_set_level(CLLM_LOG_INFO);
            continue;
        }
        if (!v)
            return usage();
        i++;
        if (strcmp(a, "--sizes") == 0) {
            char buf[256], *save = NULL;
            int n = 0;
            snprintf(buf, sizeof(buf), "%s", v);
            for (char *t = strtok_r(buf, ",", &save); t && n < 16; t = strtok_r(NULL, ",", &save))
                sizes[n++] = atoi(t);
            p.sizes = sizes;
            p.n_sizes = n;
        } else if (strcmp(a, "--iterations") == 0) {
            p.iterations = atoi(v);
        } else if (strcmp(a, "--warmup") == 0) {
            p.warmup = atoi(v);
        } else if (strcmp(a, "--copy-mb") == 0) {
            p.copy_bytes = (size_t)atol(v) << 20;
        } else if (strcmp(a, "--h2d-mb") == 0) {
            p.h2d_bytes = (size_t)atol(v) << 20;
        } else if (strcmp(a, "--device") == 0) {
            p.device = atoi(v);
        } else if (strcmp(a, "--batch-ms") == 0) {
            p.batch_target_s = atof(v) / 1000.0;
        } else {
            return usage();
        }
    }
    cllm_hw_detect(&hp, &hw);
    phase = cJSON_CreateObject();
    cllm_gpugemm_run(&p, &hw, &r);
    if (phase)
        cllm_write_gpu_compute(phase, &r);
    cllm_gpugemm_result_free(&r);
    text = cJSON_Print(phase);
    puts(text ? text : "{}");
    free(text);
    cJSON_Delete(phase);
    return 0;
}
