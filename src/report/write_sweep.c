/* The sweep's results section from its structs (llm/bench.h), key by key through report/fields_sweep.c. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llm/bench.h"
#include "report/fields_sweep.h"
#include "report/write.h"

#define METHOD                                                                                                     \
    "llama-bench's: per test a fresh context of n_prompt + n_gen + n_depth tokens with its own thread pool, a "      \
    "warmup (the prompt once, one generated token), then per repetition an emptied KV cache, the depth filled "     \
    "(untimed; built once and restored from a saved state afterwards), the prompt as random tokens in n_batch-token " \
    "llama_decode calls, and n_gen single-token calls each followed by a synchronize; no sampling, no tokenizer"

static void tensor_split_str(const struct cllm_bench_knobs *k, char *out, size_t n)
{
    int last = 0;
    out[0] = '\0';
    for (int i = 0; i < k->n_tensor_split; i++)
        if (k->tensor_split[i] > 0)
            last = i;
    /* llama-bench's form: up to the last non-zero share, "/" between, two decimals; 0.00 when none is set */
    for (int i = 0; i <= last; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%.2f", i ? "/" : "", i < k->n_tensor_split ? k->tensor_split[i] : 0.0);
    }
}

cJSON *cllm_write_sweep_test(const struct cllm_bench_sweep *s, const struct cllm_bench_test *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a;
    char ts[256];
    const char *none = t->n_samples > 0 ? "" : t->status && strcmp(t->status, "ok") != 0 ? t->reason : "no repetition";
    const char *no_kept = t->n_samples > 0 && t->n_throttled == t->n_samples ? "every repetition was throttled" : none;

    if (!o)
        return NULL;
    cllm_w_str(o, &CLLM_F_SW_STATUS, t->status ? t->status : "failed", NULL);
    if (t->reason[0])
        cllm_w_str(o, &CLLM_F_SW_REASON, t->reason, NULL);
    cllm_w_str(o, &CLLM_F_SW_BUILD_COMMIT, t->info.build_commit, NULL);
    cllm_w_str(o, &CLLM_F_SW_LLAMA_VERSION, t->info.llama_version, NULL);
    cllm_w_str(o, &CLLM_F_SW_LIBRARY, t->info.library, NULL);
    cllm_w_str(o, &CLLM_F_SW_CPU_INFO, s->cpu_info, NULL);
    cllm_w_str(o, &CLLM_F_SW_GPU_INFO, t->info.gpu_info, NULL);
    cllm_w_str(o, &CLLM_F_SW_BACKENDS, t->info.backends[0] ? t->info.backends : "CPU", NULL);
    cllm_w_str(o, &CLLM_F_SW_MODEL_FILENAME, t->model, NULL);
    if (t->model_key[0])
        cllm_w_str(o, &CLLM_F_SW_MODEL_KEY, t->model_key, NULL);
    cllm_w_bool(o, &CLLM_F_SW_SYNTHETIC, t->synthetic);
    cllm_w_str(o, &CLLM_F_SW_MODEL_TYPE, t->info.model_type, NULL);
    cllm_w_int(o, &CLLM_F_SW_MODEL_SIZE, t->info.model_size);
    cllm_w_int(o, &CLLM_F_SW_MODEL_N_PARAMS, t->info.model_n_params);
    cllm_w_int(o, &CLLM_F_SW_N_BATCH, t->k.n_batch);
    cllm_w_int(o, &CLLM_F_SW_N_UBATCH, t->k.n_ubatch);
    cllm_w_int(o, &CLLM_F_SW_N_THREADS, t->k.n_threads);
    cllm_w_int(o, &CLLM_F_SW_POLL, t->k.poll);
    cllm_w_str(o, &CLLM_F_SW_TYPE_K, cllm_bench_type_name(t->k.type_k), NULL);
    cllm_w_str(o, &CLLM_F_SW_TYPE_V, cllm_bench_type_name(t->k.type_v), NULL);
    cllm_w_int(o, &CLLM_F_SW_N_GPU_LAYERS, t->k.n_gpu_layers);
    cllm_w_str(o, &CLLM_F_SW_SPLIT_MODE, cllm_bench_split_name(t->k.split_mode), NULL);
    cllm_w_int(o, &CLLM_F_SW_MAIN_GPU, t->k.main_gpu);
    cllm_w_bool(o, &CLLM_F_SW_NO_KV_OFFLOAD, t->k.no_kv_offload);
    cllm_w_int(o, &CLLM_F_SW_FLASH_ATTN, t->k.flash_attn);
    tensor_split_str(&t->k, ts, sizeof(ts));
    cllm_w_str(o, &CLLM_F_SW_TENSOR_SPLIT, ts, NULL);
    cllm_w_bool(o, &CLLM_F_SW_USE_MMAP, t->k.use_mmap);
    cllm_w_str(o, &CLLM_F_SW_LOAD_MODE, t->k.use_mmap ? "auto" : "none", NULL);
    cllm_w_int(o, &CLLM_F_SW_N_PROMPT, t->k.n_prompt);
    cllm_w_int(o, &CLLM_F_SW_N_GEN, t->k.n_gen);
    cllm_w_int(o, &CLLM_F_SW_N_DEPTH, t->k.n_depth);
    cllm_w_int(o, &CLLM_F_SW_N_CTX, t->k.n_prompt + t->k.n_gen + t->k.n_depth);
    cllm_w_str(o, &CLLM_F_SW_TEST_TIME, t->test_time, NULL);
    cllm_w_num(o, &CLLM_F_SW_AVG_NS, t->avg_ns, none);
    cllm_w_num(o, &CLLM_F_SW_STDDEV_NS, t->stddev_ns, none);
    cllm_w_num(o, &CLLM_F_SW_AVG_TS, t->avg_ts, none);
    cllm_w_num(o, &CLLM_F_SW_STDDEV_TS, t->stddev_ts, none);
    if ((a = cllm_w_arr(o, &CLLM_F_SW_SAMPLES_NS)))
        for (int i = 0; i < t->n_samples; i++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber((double)t->samples[i].ns));
    if ((a = cllm_w_arr(o, &CLLM_F_SW_SAMPLES_TS)))
        for (int i = 0; i < t->n_samples; i++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(t->samples[i].ts));
    cllm_w_int(o, &CLLM_F_SW_DEPTH_BUILDS, t->depth_builds);
    if ((a = cllm_w_arr(o, &CLLM_F_SW_THROTTLED)))
        for (int i = 0; i < t->n_samples; i++)
            cJSON_AddItemToArray(a, cJSON_CreateBool(t->samples[i].throttled));
    if ((a = cllm_w_arr(o, &CLLM_F_SW_THROTTLE_REASONS)))
        for (int i = 0; i < t->n_samples; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(t->samples[i].throttle_reason));
    cllm_w_int(o, &CLLM_F_SW_N_THROTTLED, t->n_throttled);
    cllm_w_num(o, &CLLM_F_SW_AVG_TS_KEPT, t->avg_ts_kept, no_kept);
    cllm_w_num(o, &CLLM_F_SW_STDDEV_TS_KEPT, t->stddev_ts_kept, no_kept);
    cllm_w_num(o, &CLLM_F_SW_CV_KEPT, t->cv_kept, t->n_samples - t->n_throttled < 2 ? "fewer than 2 kept repetitions"
                                                                                     : no_kept);
    if (!isnan(t->until_stable_cv)) {
        cllm_w_num(o, &CLLM_F_SW_UNTIL_STABLE_CV, t->until_stable_cv, NULL);
        cllm_w_bool(o, &CLLM_F_SW_STABLE, t->stable);
    }
    cllm_w_num(o, &CLLM_F_SW_OTHER_CPU_PCT, t->other_cpu_pct, "no monitor readings (--no-monitor, or none covered it)");
    cllm_w_bool(o, &CLLM_F_SW_NOISY, t->noisy);
    return o;
}

void cllm_write_sweep(cJSON *section, const struct cllm_bench_sweep *s)
{
    int ok = 0, bad = 0;
    cJSON *tests;
    for (int i = 0; i < s->n_tests; i++) {
        const char *st = s->tests[i].status ? s->tests[i].status : "failed";
        if (!strcmp(st, "ok") || !strcmp(st, "skipped"))
            ok++;
        else
            bad++;
    }
    cllm_w_str(section, &CLLM_F_SW_S_STATUS, bad == 0 ? "ok" : ok > 0 ? "partial" : "failed", NULL);
    cllm_w_int(section, &CLLM_F_SW_S_REPETITIONS, s->repetitions);
    cllm_w_bool(section, &CLLM_F_SW_S_WARMUP, s->warmup);
    cllm_w_num(section, &CLLM_F_SW_S_DELAY_S, s->delay_s, NULL);
    if (!isnan(s->until_stable_cv))
        cllm_w_num(section, &CLLM_F_SW_S_UNTIL_STABLE_CV, s->until_stable_cv, NULL);
    cllm_w_str(section, &CLLM_F_SW_S_METHOD, METHOD, NULL);
    tests = cllm_w_arr(section, &CLLM_F_SW_S_TESTS);
    for (int i = 0; tests && i < s->n_tests; i++) {
        cJSON *o = cllm_write_sweep_test(s, &s->tests[i]);
        if (o)
            cJSON_AddItemToArray(tests, o);
    }
}
