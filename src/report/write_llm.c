/* ai_benchmarks as results JSON (report/write_llm.h). */
#include "report/write_llm.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/write.h"
#include "report/write_core.h"

/* ---- a run ---- */

static void put_run_metrics(cJSON *o, const struct cllm_llm_run_metrics *m)
{
    const char *few = "fewer than 2 generated tokens";
    if (m->n_prompt_tokens >= 0)
        cllm_w_int(o, &CLLM_F_LLM_RUN_PROMPT_TOKENS, m->n_prompt_tokens);
    else
        cllm_w_null(o, &CLLM_F_LLM_RUN_PROMPT_TOKENS, "the engine did not report the prompt's token count");
    cllm_w_int(o, &CLLM_F_LLM_RUN_GENERATED_TOKENS, m->n_tokens);
    cllm_w_num(o, &CLLM_F_LLM_RUN_TOTAL_TIME_S, m->total_s, "no timing");
    cllm_w_num(o, &CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S, m->first_token_latency_s, "no token with text was generated");
    cllm_w_num(o, &CLLM_F_LLM_RUN_TPS, m->tokens_per_second, "zero elapsed time");
    cllm_w_num(o, &CLLM_F_LLM_RUN_DECODE_TPS, m->decode_tokens_per_second, few);
    cllm_w_num(o, &CLLM_F_LLM_RUN_PROMPT_TPS, m->prompt_tokens_per_second,
               "no prompt token count or no generated token");
    cllm_w_num(o, &CLLM_F_LLM_RUN_ENGINE_PROMPT_TPS, m->engine_prompt_tokens_per_second,
               "the engine has no prompt-processing counter");
    cllm_w_num(o, &CLLM_F_LLM_RUN_ENGINE_DECODE_TPS, m->engine_decode_tokens_per_second,
               "the engine has no decode counter (or decoded no single token)");
    if (m->engine_prompt_tokens >= 0) {
        cllm_w_num(o, &CLLM_F_LLM_RUN_ENGINE_PROMPT_MS, m->engine_prompt_ms, NULL);
        cllm_w_int(o, &CLLM_F_LLM_RUN_ENGINE_PROMPT_TOKENS, m->engine_prompt_tokens);
        cllm_w_num(o, &CLLM_F_LLM_RUN_ENGINE_DECODE_MS, m->engine_decode_ms, NULL);
        cllm_w_int(o, &CLLM_F_LLM_RUN_ENGINE_DECODE_TOKENS, m->engine_decode_tokens);
    } else {
        const char *why = "the engine has no counters of its own";
        cllm_w_null(o, &CLLM_F_LLM_RUN_ENGINE_PROMPT_MS, why);
        cllm_w_null(o, &CLLM_F_LLM_RUN_ENGINE_PROMPT_TOKENS, why);
        cllm_w_null(o, &CLLM_F_LLM_RUN_ENGINE_DECODE_MS, why);
        cllm_w_null(o, &CLLM_F_LLM_RUN_ENGINE_DECODE_TOKENS, why);
    }
    cllm_w_num(o, &CLLM_F_LLM_RUN_ITL_MEAN_MS, m->itl_mean_ms, few);
    cllm_w_num(o, &CLLM_F_LLM_RUN_ITL_P50_MS, m->itl_p50_ms, few);
    cllm_w_num(o, &CLLM_F_LLM_RUN_ITL_P90_MS, m->itl_p90_ms, few);
    cllm_w_num(o, &CLLM_F_LLM_RUN_ITL_P99_MS, m->itl_p99_ms, few);
    cllm_w_num(o, &CLLM_F_LLM_RUN_LOOP_OVERHEAD_PERCENT, m->loop_overhead_percent,
               "the engine does not split its token loop into decode and the rest");
    cllm_w_str(o, &CLLM_F_LLM_RUN_SAMPLING, m->sampling, "the engine does not say where it samples");
    cllm_w_str(o, &CLLM_F_LLM_RUN_SAMPLING_NOTE, m->sampling_note[0] ? m->sampling_note : NULL,
               m->sampling ? "sampling ran where it was asked to" : "the engine does not say where it samples");
}

cJSON *cllm_write_llm_run_metrics(const struct cllm_llm_run_metrics *m)
{
    cJSON *o = cJSON_CreateObject();
    if (o)
        put_run_metrics(o, m);
    return o;
}

/* The server engine's account of a run: into a run's object, or engine.last_run. */
static void put_engine_run(cJSON *o, const struct cllm_engine_run_info *r)
{
    cllm_w_str(o, &CLLM_F_LLM_SR_TOKEN_COUNT_SOURCE, r->token_count_source, NULL);
    cllm_w_int(o, &CLLM_F_LLM_SR_CONTENT_CHUNKS, r->content_chunks);
    if (r->finish_reason[0])
        cllm_w_str(o, &CLLM_F_LLM_SR_FINISH_REASON, r->finish_reason, NULL);
    if (r->has_timings) {
        cJSON *t = cllm_w_obj(o, &CLLM_F_LLM_SR_SERVER_TIMINGS);
        if (!t)
            return;
        cllm_w_int(t, &CLLM_F_LLM_ST_PROMPT_N, r->timings_prompt_n);
        cllm_w_int(t, &CLLM_F_LLM_ST_PREDICTED_N, r->timings_predicted_n);
        if (isfinite(r->timings_predicted_per_second))
            cllm_w_num(t, &CLLM_F_LLM_ST_PREDICTED_PER_SECOND, r->timings_predicted_per_second, NULL);
        if (isfinite(r->timings_prompt_per_second))
            cllm_w_num(t, &CLLM_F_LLM_ST_PROMPT_PER_SECOND, r->timings_prompt_per_second, NULL);
    }
}

void cllm_w_llm_energy(cJSON *o, const struct cllm_llm_energy *e)
{
    const struct cllm_energy_window *w = &e->win;
    const char *why = e->why[0] ? e->why : w->note[0] ? w->note : "not measured";
    const char *wwhy = w->note[0] ? w->note : why;
    bool has = isfinite(w->j);

    cllm_w_num(o, &CLLM_F_EN_WINDOW_S, w->window_s, "no window");
    if (e->tokens >= 0)
        cllm_w_int(o, &CLLM_F_EN_TOKENS, e->tokens);
    else
        cllm_w_null(o, &CLLM_F_EN_TOKENS, "the window's token count is unknown");
    cllm_w_num(o, &CLLM_F_EN_JOULES, w->j, wwhy);
    cllm_w_num(o, &CLLM_F_EN_WATTS, w->w, wwhy);
    cllm_w_num(o, &CLLM_F_EN_J_PER_TOKEN, e->j_per_token, why);
    cllm_w_num(o, &CLLM_F_EN_TOKENS_PER_J, e->tokens_per_j, why);
    cllm_w_str(o, &CLLM_F_EN_DOMAINS, has ? w->domains : NULL, wwhy);
    cllm_w_str(o, &CLLM_F_EN_SOURCE, has ? w->source : NULL, wwhy);
    cllm_w_num(o, &CLLM_F_EN_GPU_JOULES, w->gpu.j, w->gpu.why[0] ? w->gpu.why : wwhy);
    cllm_w_str(o, &CLLM_F_EN_GPU_SOURCE, isfinite(w->gpu.j) ? w->gpu.source : NULL,
               w->gpu.why[0] ? w->gpu.why : wwhy);
    cllm_w_num(o, &CLLM_F_EN_CPU_JOULES, w->cpu.j, w->cpu.why[0] ? w->cpu.why : wwhy);
    cllm_w_str(o, &CLLM_F_EN_CPU_SOURCE, isfinite(w->cpu.j) ? w->cpu.source : NULL,
               w->cpu.why[0] ? w->cpu.why : wwhy);
    if (has && w->note[0])
        cllm_w_str(o, &CLLM_F_EN_NOTE, w->note, NULL);
}

static cJSON *run_json(const struct cllm_llm_run_result *r)
{
    cJSON *o = cJSON_CreateObject();
    bool skipped = r->status && r->status[0] == 's';   /* "skipped": only why */
    if (!o)
        return NULL;
    if (skipped) {
        cllm_w_int(o, &CLLM_F_LLM_RUN_RUN, r->run);
        cllm_w_str(o, &CLLM_F_LLM_RUN_STATUS, r->status, NULL);
        cllm_w_str(o, &CLLM_F_REASON, r->text, NULL);
        return o;
    }
    if (r->has_metrics)
        put_run_metrics(o, &r->metrics);
    else
        cllm_w_str(o, &CLLM_F_ERROR, r->text[0] ? r->text : "metrics could not be computed", NULL);
    if (r->has_engine_run)
        put_engine_run(o, &r->engine_run);
    cllm_w_int(o, &CLLM_F_LLM_RUN_RUN, r->run);
    cllm_w_str(o, &CLLM_F_LLM_RUN_STATUS, r->status ? r->status : "failed", NULL);
    cllm_w_num(o, &CLLM_F_LLM_RUN_MEMORY_BEFORE_GB, r->memory_before_gb, r->memory_why);
    cllm_w_num(o, &CLLM_F_LLM_RUN_MEMORY_AFTER_GB, r->memory_after_gb, r->memory_why);
    if (r->has_throttle) {
        cllm_w_bool(o, &CLLM_F_LLM_RUN_THROTTLED, r->throttled);
        if (r->throttle_reason[0])
            cllm_w_str(o, &CLLM_F_LLM_RUN_THROTTLE_REASON, r->throttle_reason, NULL);
    }
    if (r->has_energy) {
        cJSON *e = cllm_w_obj(o, &CLLM_F_LLM_RUN_PROMPT_ENERGY);
        if (e)
            cllm_w_llm_energy(e, &r->prompt_energy);
        if ((e = cllm_w_obj(o, &CLLM_F_LLM_RUN_DECODE_ENERGY)))
            cllm_w_llm_energy(e, &r->decode_energy);
    }
    return o;
}

/* ---- summary ---- */

static void put_summary(cJSON *o, const struct cllm_llm_summary *s)
{
    const char *none = "no run succeeded", *two = "no successful run generated 2 tokens";
    cllm_w_int(o, &CLLM_F_LLM_RUNS_COUNT, s->n_runs);
    cllm_w_int(o, &CLLM_F_LLM_SUCCESSFUL_RUNS, s->n_ok);
    cllm_w_num(o, &CLLM_F_LLM_AVG_TPS, s->tps_mean, none);
    cllm_w_num(o, &CLLM_F_LLM_STD_TPS, s->tps_std, none);
    cllm_w_num(o, &CLLM_F_LLM_CV_TPS, s->tps_cv_pct, s->n_ok < 2 ? "fewer than 2 successful runs" : none);
    cllm_w_num(o, &CLLM_F_LLM_MIN_TPS, s->tps_min, none);
    cllm_w_num(o, &CLLM_F_LLM_MAX_TPS, s->tps_max, none);
    cllm_w_num(o, &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S, s->avg_first_token_latency_s,
               "no successful run produced text");
    cllm_w_num(o, &CLLM_F_LLM_AVG_DECODE_TPS, s->avg_decode_tokens_per_second, two);
    cllm_w_num(o, &CLLM_F_LLM_AVG_PROMPT_TPS, s->avg_prompt_tokens_per_second,
               "no successful run reported its prompt tokens");
    cllm_w_num(o, &CLLM_F_LLM_ITL_MEAN_MS, s->itl_mean_ms, two);
    cllm_w_num(o, &CLLM_F_LLM_ITL_P50_MS, s->itl_p50_ms, two);
    cllm_w_num(o, &CLLM_F_LLM_ITL_P90_MS, s->itl_p90_ms, two);
    cllm_w_num(o, &CLLM_F_LLM_ITL_P99_MS, s->itl_p99_ms, two);
    cllm_w_num(o, &CLLM_F_LLM_PEAK_MEMORY_GB, s->peak_memory_gb, "no memory reading");
    cllm_w_str(o, &CLLM_F_LLM_STABILITY, s->stability ? s->stability : "unstable", NULL);
}

cJSON *cllm_write_llm_summary(const struct cllm_llm_summary *s)
{
    cJSON *o = cJSON_CreateObject();
    if (o)
        put_summary(o, s);
    return o;
}

static void put_ladder(cJSON *parent, const struct cllm_llm_ladder *l)
{
    cJSON *o = cllm_w_obj(parent, &CLLM_F_LLM_LADDER), *rungs;
    if (!o)
        return;
    cllm_w_int(o, &CLLM_F_LLM_LADDER_N_PROMPT, l->n_prompt);
    cllm_w_int(o, &CLLM_F_LLM_LADDER_N_GEN, l->n_gen);
    cllm_w_int(o, &CLLM_F_LLM_LADDER_N_THREADS, l->n_threads);
    cllm_w_int(o, &CLLM_F_LLM_LADDER_NGL, l->n_gpu_layers);
    cllm_w_str(o, &CLLM_F_LLM_LADDER_BACKEND, l->backend, NULL);
    rungs = cllm_w_arr(o, &CLLM_F_LLM_LADDER_RUNGS);
    for (int i = 0; rungs && i < CLLM_LLM_N_RUNGS; i++) {
        const struct cllm_llm_ladder_rung *g = &l->rung[i];
        const char *why = g->status && strcmp(g->status, "ok") != 0 ? g->reason : "not measured on this rung";
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cllm_w_str(x, &CLLM_F_LLM_RUNG_NAME, cllm_llm_rung_name((enum cllm_llm_rung)i), NULL);
        cllm_w_str(x, &CLLM_F_LLM_RUNG_ADDS, cllm_llm_rung_cost((enum cllm_llm_rung)i), NULL);
        cllm_w_str(x, &CLLM_F_LLM_RUNG_STATUS, g->status ? g->status : "skipped", NULL);
        if (!g->status || strcmp(g->status, "ok") != 0)
            cllm_w_str(x, &CLLM_F_REASON, g->status ? g->reason : "not reached (cancelled)", NULL);
        cllm_w_num(x, &CLLM_F_LLM_RUNG_DECODE_TPS, g->decode_tps, why);
        cllm_w_num(x, &CLLM_F_LLM_RUNG_PROMPT_TPS, g->prompt_tps,
                   i == CLLM_LLM_RUNG_BENCH ? why : "measured on the first rung only");
        cllm_w_num(x, &CLLM_F_LLM_RUNG_TTFT_S, g->ttft_s,
                   i == CLLM_LLM_RUNG_BENCH_DEPTH ? "the same prompt as the first rung" : why);
        cllm_w_num(x, &CLLM_F_LLM_RUNG_DECODE_COST, cllm_llm_rung_decode_cost_pct(l, (enum cllm_llm_rung)i),
                   i == 0 ? "the first rung" : "this rung or every rung above has no decode rate");
        cllm_w_num(x, &CLLM_F_LLM_RUNG_TTFT_COST, cllm_llm_rung_ttft_cost_pct(l, (enum cllm_llm_rung)i),
                   i == 0 ? "the first rung" : "this rung or every rung above has no time to first token");
        cllm_w_int(x, &CLLM_F_LLM_RUNG_RUNS, g->runs);
        cJSON_AddItemToArray(rungs, x);
    }
}

static void put_roofline(cJSON *summary, const struct cllm_llm_roofline *r)
{
    cJSON *o = cllm_w_obj(summary, &CLLM_F_LLM_ROOFLINE);
    if (!o)
        return;
    cllm_w_num(o, &CLLM_F_LLM_RL_BYTES_PER_TOKEN, r->bytes_per_token, NULL);
    if (r->has_bandwidth) {
        cllm_w_num(o, &CLLM_F_LLM_RL_BANDWIDTH_GBPS, r->bandwidth_gbps, NULL);
        cllm_w_num(o, &CLLM_F_LLM_RL_RATIO, r->ratio, NULL);
        cllm_w_num(o, &CLLM_F_LLM_RL_MAX_TPS, r->max_tokens_per_second, NULL);
        cllm_w_str(o, &CLLM_F_LLM_RL_BASIS, r->basis ? r->basis : "", NULL);
    } else {
        cllm_w_null(o, &CLLM_F_LLM_RL_RATIO, r->ratio_why);
    }
}

/* ---- engine ---- */

static cJSON *device_json(const struct cllm_engine_device *d)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cllm_w_str(o, &CLLM_F_LLM_DEV_NAME, d->name, NULL);
    cllm_w_str(o, &CLLM_F_LLM_DEV_DESCRIPTION, d->description, NULL);
    cllm_w_str(o, &CLLM_F_LLM_DEV_BACKEND, d->backend, NULL);
    cllm_w_str(o, &CLLM_F_LLM_DEV_TYPE, d->type ? d->type : "unknown", NULL);
    if (isfinite(d->memory_total_gb)) {
        cllm_w_num(o, &CLLM_F_LLM_DEV_MEMORY_TOTAL_GB, d->memory_total_gb, NULL);
        cllm_w_num(o, &CLLM_F_LLM_DEV_MEMORY_FREE_GB, d->memory_free_gb, NULL);
    }
    if (d->device_id[0])
        cllm_w_str(o, &CLLM_F_LLM_DEV_DEVICE_ID, d->device_id, NULL);
    return o;
}

/* engine.gpu_plan: only for a model on GPUs */
static void put_gpu_plan(cJSON *o, const struct cllm_engine_info *e)
{
    cJSON *p, *arr;
    double share[CLLM_ENGINE_MAX_DEVICES];
    int n = e->n_gpus < CLLM_ENGINE_MAX_DEVICES ? e->n_gpus : CLLM_ENGINE_MAX_DEVICES;

    if (n <= 0 || !(p = cllm_w_obj(o, &CLLM_F_LLM_E_GPU_PLAN)))
        return;
    arr = cllm_w_arr(p, &CLLM_F_LLM_GP_GPUS);
    for (int i = 0; arr && i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(e->gpus[i]));
    cllm_w_str(p, &CLLM_F_LLM_GP_MAPPED_BY, e->gpu_mapped_by, NULL);
    cllm_w_str(p, &CLLM_F_LLM_GP_SPLIT_MODE, e->split_mode, NULL);
    cllm_w_int(p, &CLLM_F_LLM_GP_MAIN_GPU, e->main_gpu);
    for (int i = 0; i < n; i++)
        share[i] = round((double)e->tensor_split[i] * 1e6) / 1e6;
    cllm_w_nums(p, &CLLM_F_LLM_GP_TENSOR_SPLIT, share, (size_t)n);
    cllm_w_str(p, &CLLM_F_LLM_GP_TENSOR_SPLIT_BY, e->tensor_split_by, NULL);
    arr = cllm_w_arr(p, &CLLM_F_LLM_GP_ENV);
    for (int i = 0; arr && i < 3; i++)
        if (e->gpu_env[i][0])
            cJSON_AddItemToArray(arr, cJSON_CreateString(e->gpu_env[i]));
}

static void put_rpc(cJSON *o, const struct cllm_engine_rpc *r)
{
    cJSON *rpc = cllm_w_obj(o, &CLLM_F_LLM_E_RPC), *arr;
    const char *no_log = "llama.cpp's load log did not say (another llama.cpp release?)";
    if (!rpc)
        return;
    cllm_w_str(rpc, &CLLM_F_LLM_RPC_LIBRARY, r->attach.lib, NULL);
    arr = cllm_w_arr(rpc, &CLLM_F_LLM_RPC_SERVERS);
    for (int i = 0; arr && i < r->attach.n; i++) {
        const struct cllm_rpc_server *s = &r->attach.s[i];
        char proto[32];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        snprintf(proto, sizeof(proto), "%d.%d.%d", s->probe.proto_major, s->probe.proto_minor, s->probe.proto_patch);
        cllm_w_str(x, &CLLM_F_LLM_RPCS_ENDPOINT, s->endpoint.text, NULL);
        cllm_w_int(x, &CLLM_F_LLM_RPCS_N_DEVICES, s->n_devices);
        cllm_w_str(x, &CLLM_F_LLM_RPCS_PROTOCOL, proto, NULL);
        cllm_w_num(x, &CLLM_F_LLM_RPCS_CONNECT_MS, s->probe.connect_ms, NULL);
        cllm_w_num(x, &CLLM_F_LLM_RPCS_RTT_MIN_MS, s->probe.rtt_min_ms, NULL);
        cllm_w_num(x, &CLLM_F_LLM_RPCS_RTT_MEDIAN_MS, s->probe.rtt_median_ms, NULL);
        cllm_w_int(x, &CLLM_F_LLM_RPCS_RTT_SAMPLES, s->probe.rtt_samples);
        cJSON_AddItemToArray(arr, x);
    }
    if (r->offloaded >= 0) {
        cllm_w_int(rpc, &CLLM_F_LLM_RPC_OFFLOADED, r->offloaded);
        cllm_w_int(rpc, &CLLM_F_LLM_RPC_OFFLOADABLE, r->offloadable);
    } else {
        cllm_w_null(rpc, &CLLM_F_LLM_RPC_OFFLOADED, no_log);
        cllm_w_null(rpc, &CLLM_F_LLM_RPC_OFFLOADABLE, no_log);
    }
    arr = cllm_w_arr(rpc, &CLLM_F_LLM_RPC_DEVICES);
    for (int i = 0; arr && i < r->n_shares; i++) {
        const struct cllm_engine_share *d = &r->shares[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cllm_w_str(x, &CLLM_F_LLM_SHARE_DEVICE, d->device, NULL);
        cllm_w_str(x, &CLLM_F_LLM_SHARE_ENDPOINT, d->endpoint[0] ? d->endpoint : NULL, "a device of this machine");
        if (d->layers >= 0)
            cllm_w_int(x, &CLLM_F_LLM_SHARE_LAYERS, d->layers);
        else
            cllm_w_null(x, &CLLM_F_LLM_SHARE_LAYERS, no_log);
        cllm_w_num(x, &CLLM_F_LLM_SHARE_MODEL_MIB, d->model_mib, no_log);
        cllm_w_num(x, &CLLM_F_LLM_SHARE_KV_MIB, d->kv_mib, no_log);
        cllm_w_num(x, &CLLM_F_LLM_SHARE_COMPUTE_MIB, d->compute_mib, no_log);
        cJSON_AddItemToArray(arr, x);
    }
    cllm_w_null(rpc, &CLLM_F_LLM_RPC_BYTES_PER_TOKEN,
                "unknown: llama.cpp's RPC backend (ggml-rpc.h of the pinned release) exposes no traffic counters, "
                "and its sockets are its own");
}

static void put_engine(cJSON *o, const struct cllm_engine_info *e)
{
    if (e->kind == CLLM_ENGINE_KIND_IN_PROCESS) {
        cJSON *arr, *model, *caps;
        cllm_w_str(o, &CLLM_F_LLM_E_ENGINE, e->engine, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_LIBRARY, e->library, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_LLAMA_VERSION, e->llama_version, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_GGML_VERSION, e->ggml_version, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_GGML_COMMIT, e->ggml_commit, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_VARIANT, e->variant, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_BACKEND, e->backend, NULL);
        cllm_w_int(o, &CLLM_F_LLM_E_N_GPU_LAYERS, e->n_gpu_layers);
        cllm_w_bool(o, &CLLM_F_LLM_E_OP_OFFLOAD, e->op_offload);
        cllm_w_int(o, &CLLM_F_LLM_E_N_THREADS, e->n_threads);
        cllm_w_int(o, &CLLM_F_LLM_E_N_CTX, e->n_ctx);
        cllm_w_int(o, &CLLM_F_LLM_E_N_BATCH, e->n_batch);
        cllm_w_str(o, &CLLM_F_LLM_E_FLASH_ATTN, e->flash_attn, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_NOTICE, e->notice[0] ? e->notice : NULL,
                   "no detected GPU lacks a backend in this library");
        arr = cllm_w_arr(o, &CLLM_F_LLM_E_DEVICES_USED);
        for (int i = 0; arr && i < e->n_devices_used; i++)
            cJSON_AddItemToArray(arr, device_json(&e->devices_used[i]));
        put_gpu_plan(o, e);
        arr = cllm_w_arr(o, &CLLM_F_LLM_E_DEVICES_AVAILABLE);
        for (int i = 0; arr && i < e->n_devices_available; i++)
            cJSON_AddItemToArray(arr, device_json(&e->devices_available[i]));
        /* an ANY field (a string for the server engine): the object is made here from its record's fields */
        model = cJSON_CreateObject();
        if (model) {
            cllm_w_str(model, &CLLM_F_LLM_EM_PATH, e->model_path, NULL);
            cllm_w_str(model, &CLLM_F_LLM_EM_DESCRIPTION, e->model_description, NULL);
            cllm_w_int(model, &CLLM_F_LLM_EM_N_PARAMS, e->model_n_params);
            cllm_w_int(model, &CLLM_F_LLM_EM_SIZE_BYTES, e->model_size_bytes);
            cllm_w_int(model, &CLLM_F_LLM_EM_N_LAYERS, e->model_n_layers);
            cllm_w_int(model, &CLLM_F_LLM_EM_N_VOCAB, e->model_n_vocab);
            cllm_w_str(model, &CLLM_F_LLM_EM_CHAT_TEMPLATE, e->chat_template, NULL);
            cllm_w_any(o, &CLLM_F_LLM_E_MODEL, model);
        }
        cllm_w_str(o, &CLLM_F_LLM_E_SYSTEM_INFO, e->system_info, NULL);
        caps = cllm_w_obj(o, &CLLM_F_LLM_E_CAPABILITIES);
        if (caps) {
            cllm_w_bool(caps, &CLLM_F_LLM_CAP_TOKEN_STREAM, e->cap_token_stream);
            cllm_w_bool(caps, &CLLM_F_LLM_CAP_ENGINE_COUNTERS, e->cap_engine_counters);
            cllm_w_bool(caps, &CLLM_F_LLM_CAP_IGNORE_EOS, e->cap_ignore_eos);
            cllm_w_bool(caps, &CLLM_F_LLM_CAP_GPU_OFFLOAD, e->cap_gpu_offload);
        }
        if (e->rpc.used)
            put_rpc(o, &e->rpc);
    } else if (e->kind == CLLM_ENGINE_KIND_SERVER) {
        cJSON *lim;
        cllm_w_str(o, &CLLM_F_LLM_E_LIBRARY, e->library, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_MODE, e->mode, NULL);
        cllm_w_str(o, &CLLM_F_LLM_E_URL, e->url, NULL);
        cllm_w_any(o, &CLLM_F_LLM_E_MODEL, cJSON_CreateString(e->model_name));
        lim = cllm_w_obj(o, &CLLM_F_LLM_E_LIMITS);
        if (lim) {
            cllm_w_int(lim, &CLLM_F_LLM_LIM_STALL_S, e->stall_s);
            cllm_w_num(lim, &CLLM_F_LLM_LIM_DEADLINE_BASE_S, e->deadline_base_s, NULL);
            cllm_w_num(lim, &CLLM_F_LLM_LIM_DEADLINE_PER_TOKEN_S, e->deadline_per_token_s, NULL);
        }
        if (e->has_server_pid)
            cllm_w_int(o, &CLLM_F_LLM_E_SERVER_PID, e->server_pid);
        if (e->has_last_run) {
            cJSON *l = cllm_w_obj(o, &CLLM_F_LLM_E_LAST_RUN);
            if (l)
                put_engine_run(l, &e->last_run);
        }
    }
}

cJSON *cllm_write_llm_engine(const struct cllm_engine_info *e)
{
    cJSON *o = cJSON_CreateObject();
    if (o)
        put_engine(o, e);
    return o;
}

/* ---- a model result or variant ---- */

static void put_facts(cJSON *o, const struct cllm_llm_model_facts *m)
{
    cllm_w_str(o, &CLLM_F_LLM_M_KEY, m->key, NULL);
    cllm_w_str(o, &CLLM_F_LLM_M_NAME, m->name, NULL);
    cllm_w_str(o, &CLLM_F_LLM_M_PARAMS, m->params, NULL);
    if (m->quant[0])
        cllm_w_str(o, &CLLM_F_LLM_M_QUANT, m->quant, NULL);
    if (m->has_download_error)
        cllm_w_str(o, &CLLM_F_LLM_M_DOWNLOAD_ERROR, m->download_error, NULL);
    if (m->has_download) {
        cJSON *d = cllm_w_obj(o, &CLLM_F_LLM_M_DOWNLOAD);
        if (d) {
            cllm_w_str(d, &CLLM_F_LLM_DL_URL, m->download_url, NULL);
            cllm_w_int(d, &CLLM_F_LLM_DL_BYTES, m->download_bytes);
            cllm_w_num(d, &CLLM_F_LLM_DL_ELAPSED_S, m->download_elapsed_s, NULL);
            cllm_w_bool(d, &CLLM_F_LLM_DL_SHA256_CHECKED, m->download_sha256_checked);
        }
    }
    if (m->source[0]) {
        cllm_w_str(o, &CLLM_F_LLM_M_SOURCE, m->source, NULL);
        if (m->server_url[0])
            cllm_w_str(o, &CLLM_F_LLM_M_SERVER_URL, m->server_url, NULL);
        cllm_w_bool(o, &CLLM_F_LLM_M_SYNTHETIC, m->synthetic);
    }
    if (m->notice[0])
        cllm_w_str(o, &CLLM_F_LLM_M_NOTICE, m->notice, NULL);
    if (m->file[0]) {
        cllm_w_str(o, &CLLM_F_LLM_M_FILE, m->file, NULL);
        cllm_w_num(o, &CLLM_F_LLM_M_FILE_SIZE_GB, m->file_size_gb, NULL);
    }
    if (m->loaded) {
        cllm_w_num(o, &CLLM_F_LLM_M_LOAD_TIME_S, m->load_time_s, NULL);
        cllm_w_num(o, &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB, m->memory_after_load_gb, m->memory_why);
    }
}

/* The facts every variant of one load shares (the model is loaded once for phases 8-10). */
static void put_shared_facts(cJSON *o, const struct cllm_llm_model_facts *m)
{
    if (m->quant[0])
        cllm_w_str(o, &CLLM_F_LLM_M_QUANT, m->quant, NULL);
    if (m->source[0]) {
        cllm_w_str(o, &CLLM_F_LLM_M_SOURCE, m->source, NULL);
        cllm_w_bool(o, &CLLM_F_LLM_M_SYNTHETIC, m->synthetic);
    }
    if (m->file[0])
        cllm_w_num(o, &CLLM_F_LLM_M_FILE_SIZE_GB, m->file_size_gb, NULL);
    if (m->loaded) {
        cllm_w_num(o, &CLLM_F_LLM_M_LOAD_TIME_S, m->load_time_s, NULL);
        cllm_w_num(o, &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB, m->memory_after_load_gb, m->memory_why);
    }
}

static void put_result(cJSON *o, const struct cllm_llm_model_result *r)
{
    if (r->shape == CLLM_LLM_SHAPE_PLAIN) {
        cJSON *m = r->model.key[0] ? cllm_w_obj(o, &CLLM_F_LLM_MODEL) : NULL;
        if (m)
            put_facts(m, &r->model);
    } else if (r->shape == CLLM_LLM_SHAPE_QUANT) {
        if (r->model.key[0])
            put_facts(o, &r->model);
    } else {
        put_shared_facts(o, &r->model);
        if (isfinite(r->temperature))   /* NAN: the variant did not run (a stall, a failed load) */
            cllm_w_num(o, &CLLM_F_LLM_V_TEMPERATURE, r->temperature, NULL);
        if (r->prompt)
            cllm_w_str(o, &CLLM_F_LLM_V_PROMPT, r->prompt, NULL);
    }
    if (r->has_fit) {
        cJSON *f = cllm_w_obj(o, &CLLM_F_LLM_FIT);
        if (f) {
            cllm_w_str(f, &CLLM_F_LLM_FIT_RESULT, r->fit_result, NULL);
            cllm_w_str(f, &CLLM_F_LLM_FIT_REASON, r->fit_reason, NULL);
        }
    }
    if (r->has_cleanup)
        cllm_w_cleanup(o, &CLLM_F_CLEANUP, &r->cleanup);
    if (r->has_load) {
        cJSON *l = cllm_w_obj(o, &CLLM_F_LLM_LOAD);
        if (l) {
            cllm_w_num(l, &CLLM_F_LLM_LOAD_MEMORY_BEFORE_GB, r->load_memory_before_gb, r->load_before_why);
            if (r->model.loaded) {
                cllm_w_num(l, &CLLM_F_LLM_M_LOAD_TIME_S, r->model.load_time_s, NULL);
                cllm_w_num(l, &CLLM_F_LLM_M_MEMORY_AFTER_LOAD_GB, r->model.memory_after_load_gb,
                           r->model.memory_why);
            }
            if (r->load_memory_process)
                cllm_w_str(l, &CLLM_F_LLM_LOAD_MEMORY_PROCESS, r->load_memory_process, NULL);
        }
    }
    if (r->has_engine) {
        cJSON *e = cllm_w_obj(o, &CLLM_F_LLM_ENGINE);
        if (e)
            put_engine(e, &r->engine);
    }
    if (r->has_warmup) {
        cllm_w_int(o, &CLLM_F_LLM_WARMUP_RUNS, r->warmup_runs);
        cllm_w_int(o, &CLLM_F_LLM_WARMUP_MAX_TOKENS, r->warmup_max_tokens);
    }
    if (r->has_stall) {
        cJSON *s = cllm_w_obj(o, &CLLM_F_LLM_STALL);
        if (s) {
            cllm_w_str(s, &CLLM_F_LLM_STALL_AT, r->stall_at, NULL);
            cllm_w_str(s, &CLLM_F_ERROR, r->stall_error, NULL);
        }
    }
    if (r->has_runs) {
        cJSON *runs = cllm_w_arr(o, &CLLM_F_LLM_RUNS), *s;
        for (int i = 0; runs && i < r->n_runs; i++)
            cJSON_AddItemToArray(runs, run_json(&r->runs[i]));
        if (r->has_monitor)
            cllm_w_monitor(o, &CLLM_F_MONITOR, &r->monitor);
        s = cllm_w_obj(o, &CLLM_F_LLM_SUMMARY);
        if (s) {
            put_summary(s, &r->summary);
            if (r->has_roofline)
                put_roofline(s, &r->roofline);
            if (r->has_throttle) {
                cllm_w_int(s, &CLLM_F_LLM_THROTTLED_RUNS, r->n_throttled);
                cllm_w_num(s, &CLLM_F_LLM_AVG_TPS_UNTHROTTLED, r->tps_mean_unthrottled,
                           "every successful run was throttled, or none succeeded");
            }
            if (isfinite(r->until_stable_cv)) {
                cllm_w_num(s, &CLLM_F_LLM_UNTIL_STABLE_CV, r->until_stable_cv, NULL);
                cllm_w_bool(s, &CLLM_F_LLM_UNTIL_STABLE_REACHED, r->until_stable_reached);
            }
            if (r->has_energy) {
                const struct cllm_llm_energy_summary *e = &r->energy;
                const char *why = e->why[0] ? e->why : "no run has it";
                cllm_w_int(s, &CLLM_F_LLM_ENERGY_RUNS, e->n);
                cllm_w_num(s, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN, e->decode_j_per_token, why);
                cllm_w_num(s, &CLLM_F_LLM_AVG_DECODE_TOKENS_PER_J, e->decode_tokens_per_j, why);
                cllm_w_num(s, &CLLM_F_LLM_AVG_DECODE_WATTS, e->decode_w, why);
                cllm_w_num(s, &CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN, e->prompt_j_per_token,
                           "no run's prompt window was measured (see the runs' prompt_energy)");
                cllm_w_num(s, &CLLM_F_LLM_AVG_PROMPT_WATTS, e->prompt_w,
                           "no run's prompt window was measured (see the runs' prompt_energy)");
                cllm_w_str(s, &CLLM_F_EN_DOMAINS, e->n > 0 ? e->domains : NULL, why);
                cllm_w_str(s, &CLLM_F_EN_SOURCE, e->n > 0 ? e->source : NULL, why);
            }
        }
        if (r->prompt_tokens >= 0)
            cllm_w_int(o, &CLLM_F_LLM_PROMPT_TOKENS, r->prompt_tokens);
        else
            cllm_w_null(o, &CLLM_F_LLM_PROMPT_TOKENS, "no run succeeded or the engine did not count them");
    }
    if (r->has_ladder)
        put_ladder(o, &r->ladder);
    cllm_w_str(o, &CLLM_F_LLM_STATUS, r->status ? r->status : "failed", NULL);
    if (r->error[0])
        cllm_w_str(o, &CLLM_F_ERROR, r->error, NULL);
    if (r->reason[0])
        cllm_w_str(o, &CLLM_F_REASON, r->reason, NULL);
}

void cllm_write_llm_model_result(cJSON *results, const char *key, const struct cllm_llm_model_result *r)
{
    cJSON *o;
    cJSON_DeleteItemFromObjectCaseSensitive(results, key);
    o = cllm_w_entry(results, key);
    if (o)
        put_result(o, r);
}

/* ---- the section ---- */

cJSON *cllm_write_ai_results(cJSON *section)
{
    cJSON *r = (cJSON *)cllm_r_get(section, &CLLM_F_AI_RESULTS);
    return r ? r : cllm_w_obj(section, &CLLM_F_AI_RESULTS);
}

void cllm_write_ai_start(cJSON *section, const char *registry, const struct cllm_ai_llama *llama)
{
    cJSON *lib;
    cllm_w_str(section, &CLLM_F_AI_REGISTRY, registry ? registry : "", NULL);
    lib = cllm_w_obj(section, &CLLM_F_AI_LLAMA);
    if (!lib)
        return;
    if (llama->loaded) {
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_PATH, llama->path, NULL);
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_VARIANT, llama->variant, NULL);
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_VERSION, llama->version, NULL);
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_GGML_VERSION, llama->ggml_version, NULL);
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_GGML_COMMIT, llama->ggml_commit, NULL);
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_CUDA_BUILD, llama->cuda_build, NULL);
        cllm_w_str(lib, &CLLM_F_AI_LLAMA_CUDA_NOTE, llama->cuda_note, NULL);
    } else {
        cllm_w_str(lib, &CLLM_F_ERROR, llama->error, NULL);
    }
}

void cllm_write_ai_status(cJSON *section, const char *status, const char *error)
{
    cllm_w_set_str(section, &CLLM_F_AI_STATUS, status);
    if (error)
        cllm_w_set_str(section, &CLLM_F_ERROR, error);
}

void cllm_write_ai_skipped(cJSON *section, const char *reason)
{
    cllm_write_ai_results(section);
    cllm_w_set_str(section, &CLLM_F_AI_STATUS, "skipped");
    cllm_w_set_str(section, &CLLM_F_REASON, reason);
}

static const struct cllm_field *const cmp_phase_fields[CLLM_LLM_CMP_COUNT] = {&CLLM_F_AI_CMP_QUANTIZATION,
    &CLLM_F_AI_CMP_TEMPERATURE, &CLLM_F_AI_CMP_LANGUAGE, &CLLM_F_AI_CMP_PROMPT_TYPE, &CLLM_F_AI_CMP_GPUS};

cJSON *cllm_write_ai_comparisons(cJSON *section)
{
    cJSON_DeleteItemFromObjectCaseSensitive(section, CLLM_F_AI_COMPARISONS.name);
    return cllm_w_obj(section, &CLLM_F_AI_COMPARISONS);
}

cJSON *cllm_write_ai_cmp_phase(cJSON *cmp, enum cllm_llm_cmp_phase phase)
{
    return phase < CLLM_LLM_CMP_COUNT ? cllm_w_obj(cmp, cmp_phase_fields[phase]) : NULL;
}

cJSON *cllm_write_ai_cmp_model(cJSON *phase, const char *key)
{
    return cllm_w_entry(phase, key);
}

void cllm_write_llm_variant(cJSON *per_model, enum cllm_llm_cmp_phase phase, const struct cllm_llm_model_result *v)
{
    const struct cllm_field *f = phase < CLLM_LLM_CMP_COUNT && v->label
                                 ? cllm_record_field(cmp_phase_fields[phase]->child, v->label) : NULL;
    cJSON *o = f ? cllm_w_obj(per_model, f) : NULL;
    if (o)
        put_result(o, v);
}

void cllm_write_ai_cmp_status(cJSON *cmp, const char *status, const char *error)
{
    cllm_w_set_str(cmp, &CLLM_F_AI_CMP_STATUS, status);
    if (error)
        cllm_w_set_str(cmp, &CLLM_F_ERROR, error);
}
