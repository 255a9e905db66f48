/* computellm sweep's option parser (src/app/sweep.h): argv from a command line, or the GUI later. The input is
 * split at newlines into arguments. */
#include "app/sweep.h"
#include "core/status.h"
#include <math.h>

#include "fuzz.h"

static void in_range(const struct cllm_sweep_list *l, int lo, int hi)
{
    FUZZ_CHECK(l->n >= 1 && l->n <= CLLM_SWEEP_MAX_LIST);
    for (int i = 0; i < l->n; i++)
        FUZZ_CHECK(l->v[i] >= lo && l->v[i] <= hi);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char *argv[256];
    int argc = 0;
    char err[CLLM_ERR_LEN] = "";
    bool help = false;
    struct cllm_sweep_params p = cllm_sweep_default_params();
    enum cllm_status st;

    for (char *s = text, *nl; s && argc < 256; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        argv[argc++] = s;
    }
    st = cllm_sweep_parse(argc, argv, &p, &help, err, sizeof(err));
    if (st != CLLM_OK) {
        FUZZ_CHECK(st == CLLM_ERR_INVALID_ARG && err[0] != '\0');
    } else if (!help) {
        /* a parsed matrix is within every bound the runner relies on */
        FUZZ_CHECK(p.n_models >= 1 && p.n_models <= CLLM_SWEEP_MAX_MODELS);
        FUZZ_CHECK(cllm_sweep_count(&p) >= 1 && cllm_sweep_count(&p) * p.n_models <= CLLM_SWEEP_MAX_TESTS);
        FUZZ_CHECK(p.repetitions >= 1 && p.repetitions <= 1000);
        in_range(&p.n_prompt, 0, 1 << 20);
        in_range(&p.n_gen, 0, 1 << 20);
        in_range(&p.n_depth, 0, 1 << 20);
        in_range(&p.n_batch, 1, 1 << 20);
        in_range(&p.n_ubatch, 1, 1 << 20);
        in_range(&p.n_gpu_layers, -1, 100000);
        in_range(&p.poll, 0, 100);
        in_range(&p.flash_attn, -1, 1);
        in_range(&p.split_mode, 0, 2);
        FUZZ_CHECK(p.n_threads.n == 0 || (p.n_threads.v[0] >= 1 && p.n_threads.v[0] <= 512));
        FUZZ_CHECK(p.n_ts >= 0 && p.n_ts <= 8);
        for (int i = 0; i < p.n_ts; i++)
            FUZZ_CHECK(p.ts_len[i] >= 1 && p.ts_len[i] <= CLLM_BENCH_MAX_SPLIT);
        FUZZ_CHECK(p.delay_s >= 0 && p.delay_s <= 3600);
        FUZZ_CHECK(isnan(p.until_stable_cv) || (p.until_stable_cv > 0 && p.until_stable_cv <= 1));
        for (int i = 0; i < p.n_models; i++)
            FUZZ_CHECK(p.models[i] && p.models[i][0]);
    }
    free(text);
    return 0;
}
