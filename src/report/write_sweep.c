/* The sweep's results section from its structs (llm/bench.h), key by key through report/fields_sweep.c. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llm/bench.h"
#include "report/fields_sweep.h"
#include "report/write.h"
#include "report/write_llm.h"

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

/* Why a test has no numbers: its reason when it did not run, else "no repetition". */
static const char *none_why(const struct cllm_bench_test *t)
{
    return t->status && strcmp(t->status, "ok") != 0 && t->reason[0] ? t->reason : "no repetition";
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
    cllm_w_int(o, &CLLM_F_SW_NO_OP_OFFLOAD, t->k.no_op_offload);
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
    if ((a = cllm_w_arr(o, &CLLM_F_SW_REPETITIONS)))
        for (int i = 0; i < t->n_samples; i++) {
            const struct cllm_bench_sample *x = &t->samples[i];
            const char *none = x->has_readings ? "not readable on this machine" : "no monitor readings";
            const char *gnone = x->has_readings ? "no GPU reading (no GPU, or not readable)" : none;
            cJSON *r = cJSON_CreateObject();
            if (!r)
                break;
            cllm_w_bool(r, &CLLM_F_SW_R_THROTTLED, x->throttled);
            if (x->throttle_reason[0])
                cllm_w_str(r, &CLLM_F_SW_R_THROTTLE_REASON, x->throttle_reason, NULL);
            cllm_w_bool(r, &CLLM_F_SW_R_DEPTH_BUILT, x->depth_built);
            cllm_w_num(r, &CLLM_F_SW_R_CPU_CLOCK, x->has_readings ? x->cpu_clock_mhz : NAN, none);
            cllm_w_num(r, &CLLM_F_SW_R_GPU_SM_MIN, x->has_readings ? x->gpu_sm_clock_mhz_min : NAN, gnone);
            cllm_w_num(r, &CLLM_F_SW_R_GPU_SM_MAX, x->has_readings ? x->gpu_sm_clock_mhz_max : NAN, gnone);
            cllm_w_num(r, &CLLM_F_SW_R_GPU_TEMP, x->has_readings ? x->gpu_temp_c_max : NAN, gnone);
            cllm_w_num(r, &CLLM_F_SW_R_GPU_POWER, x->has_readings ? x->gpu_power_w_mean : NAN, gnone);
            if (x->has_readings && isfinite(x->gpu_sm_clock_mhz_max))
                cllm_w_int(r, &CLLM_F_SW_R_GPU_REASONS, (long long)x->gpu_throttle_reasons);
            else
                cllm_w_null(r, &CLLM_F_SW_R_GPU_REASONS, gnone);
            cllm_w_num(r, &CLLM_F_SW_R_OTHER_CPU, x->has_readings ? x->other_cpu_pct : NAN, none);
            cJSON_AddItemToArray(a, r);
        }
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
    if (t->has_energy) {
        cllm_w_llm_energy(o, &t->energy);
    } else {
        struct cllm_llm_energy none;
        cllm_llm_energy_none(&none, "%s", t->n_samples > 0 ? "not measured" : none_why(t));
        cllm_w_llm_energy(o, &none);
    }
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
    if (s->n_gpus > 0) {
        cJSON *g = cllm_w_arr(section, &CLLM_F_SW_S_GPUS);
        for (int i = 0; g && i < s->n_gpus; i++)
            cJSON_AddItemToArray(g, cJSON_CreateNumber(s->gpus[i]));
    }
    cllm_w_str(section, &CLLM_F_SW_S_METHOD, METHOD, NULL);
    tests = cllm_w_arr(section, &CLLM_F_SW_S_TESTS);
    for (int i = 0; tests && i < s->n_tests; i++) {
        cJSON *o = cllm_write_sweep_test(s, &s->tests[i]);
        if (o)
            cJSON_AddItemToArray(tests, o);
    }
}
