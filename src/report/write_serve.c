/* serve-bench's results section from its structs (serve/serve_bench.h): the serving_benchmarks object, key by key
 * through report/fields_serve.c's fields, in the order serve-bench has always written them. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/fields_core.h"
#include "report/fields_prom.h"
#include "report/fields_serve.h"
#include "report/write.h"
#include "report/write_llm.h"
#include "serve/serve_bench.h"

#define ITL_MEASURE "the mean inter-token latency of each request (a request with one token meets it)"
#define NO_SLO "no --slo given"
#define NONE_ENDED "no request ended"

static void dist(cJSON *level, const struct cllm_field *f, const struct cllm_serve_dist *d, const char *why)
{
    cJSON *o = cllm_w_obj(level, f);
    if (!o)
        return;
    cllm_w_num(o, &CLLM_F_SERVE_D_P50, d->p50, why);
    cllm_w_num(o, &CLLM_F_SERVE_D_P90, d->p90, why);
    cllm_w_num(o, &CLLM_F_SERVE_D_P99, d->p99, why);
    cllm_w_num(o, &CLLM_F_SERVE_D_MEAN, d->mean, why);
    cllm_w_int(o, &CLLM_F_SERVE_D_N, (long long)d->n);
}

static void request(cJSON *o, const struct cllm_serve_request *r)
{
    cllm_w_str(o, &CLLM_F_SERVE_R_STATUS, r->ok ? "ok" : "failed", NULL);
    if (r->http_status > 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_HTTP_STATUS, r->http_status);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_HTTP_STATUS, "no HTTP answer");
    cllm_w_num(o, &CLLM_F_SERVE_R_TTFT_S, r->ttft_s, "no token with text came");
    cllm_w_num(o, &CLLM_F_SERVE_R_E2E_S, r->e2e_s, "no timing");
    cllm_w_num(o, &CLLM_F_SERVE_R_ITL_MEAN_S, r->itl_mean_s, "fewer than 2 tokens came");
    cllm_w_int(o, &CLLM_F_SERVE_R_OUTPUT_TOKENS, r->output_tokens);
    if (r->prompt_tokens >= 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_PROMPT_TOKENS, r->prompt_tokens);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_PROMPT_TOKENS, "the server sent neither usage nor timings");
    cllm_w_str(o, &CLLM_F_SERVE_R_TOKEN_COUNT_SOURCE, r->token_count_source, NULL);
    if (r->error)
        cllm_w_str(o, &CLLM_F_ERROR, r->error, NULL);
    cllm_w_int(o, &CLLM_F_SERVE_R_INDEX, r->index);
    cllm_w_bool(o, &CLLM_F_SERVE_R_WARMUP, r->warmup);
    cllm_w_num(o, &CLLM_F_SERVE_R_SCHEDULED_S, r->scheduled_s, "closed loop: sent when a stream was free");
    cllm_w_num(o, &CLLM_F_SERVE_R_SENT_S, r->sent_s, NULL);
    cllm_w_num(o, &CLLM_F_SERVE_R_TTFT_CONTENT_S, r->ttft_content_s, "no content delta with text came");
    cllm_w_num(o, &CLLM_F_SERVE_R_TTFT_REASONING_S, r->ttft_reasoning_s, "no reasoning_content delta came");
    cllm_w_num(o, &CLLM_F_SERVE_R_TPOT_S, r->tpot_s, "fewer than 2 output tokens");
    cllm_w_int(o, &CLLM_F_SERVE_R_REASONING_TOKENS, r->reasoning_tokens);
    if (r->cached_tokens >= 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_CACHED_TOKENS, r->cached_tokens);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_CACHED_TOKENS, "the server did not say (no timings.cache_n, no "
                    "usage.prompt_tokens_details.cached_tokens)");
    if (r->prompt_tokens_counted >= 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED, r->prompt_tokens_counted);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED, "no tokenizer count (the fixed prompt, or the "
                    "workload had none)");
    cllm_w_str(o, &CLLM_F_SERVE_R_ORIGIN, r->origin, "the fixed prompt");
}

const char *cllm_write_serve_level_label(const cJSON *level, char *buf, size_t n)
{
    const char *mode = cllm_r_str(level, &CLLM_F_SERVE_L_MODE);
    double rate = cllm_r_num(level, &CLLM_F_SERVE_L_RATE);
    if (mode && strcmp(mode, "open-loop") == 0) {
        if (isfinite(rate))
            snprintf(buf, n, "rate=%g", rate);
        else
            snprintf(buf, n, "rate=inf");
    } else {
        snprintf(buf, n, "c=%.0f", cllm_r_num(level, &CLLM_F_SERVE_L_CONCURRENCY));
    }
    return buf;
}

static double plus(double a, double b) { return isfinite(a) && isfinite(b) ? a + b : NAN; }

cJSON *cllm_write_serve_request_line(const struct cllm_serve_result *res, int level, int k)
{
    const struct cllm_serve_level *L = &res->levels[level];
    const struct cllm_serve_request *r = &L->requests[k];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cllm_w_int(o, &CLLM_F_SERVE_J_LEVEL, level);
    if (L->open_loop)
        cllm_w_num(o, &CLLM_F_SERVE_J_LEVEL_VALUE, isfinite(L->rate) ? L->rate : NAN, "inf: every request at once");
    else
        cllm_w_num(o, &CLLM_F_SERVE_J_LEVEL_VALUE, L->concurrency, NULL);
    cllm_w_int(o, &CLLM_F_SERVE_R_INDEX, r->index);
    cllm_w_num(o, &CLLM_F_SERVE_R_SCHEDULED_S, r->scheduled_s, "closed loop: sent when a stream was free");
    cllm_w_num(o, &CLLM_F_SERVE_R_SENT_S, r->sent_s, NULL);
    cllm_w_num(o, &CLLM_F_SERVE_J_FIRST_TOKEN_S, plus(r->sent_s, r->ttft_s), "no output token came");
    cllm_w_num(o, &CLLM_F_SERVE_J_FIRST_CONTENT_S, plus(r->sent_s, r->ttft_content_s), "no content token came");
    cllm_w_num(o, &CLLM_F_SERVE_J_END_S, plus(r->sent_s, r->e2e_s), "no timing");
    if (r->prompt_tokens >= 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_PROMPT_TOKENS, r->prompt_tokens);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_PROMPT_TOKENS, "the server sent neither usage nor timings");
    if (r->prompt_tokens_counted >= 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED, r->prompt_tokens_counted);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_PROMPT_TOKENS_COUNTED, "no tokenizer count");
    if (r->cached_tokens >= 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_CACHED_TOKENS, r->cached_tokens);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_CACHED_TOKENS, "the server did not say");
    cllm_w_int(o, &CLLM_F_SERVE_R_OUTPUT_TOKENS, r->output_tokens);
    cllm_w_int(o, &CLLM_F_SERVE_R_REASONING_TOKENS, r->reasoning_tokens);
    cllm_w_str(o, &CLLM_F_SERVE_R_STATUS, r->ok ? "ok" : "failed", NULL);
    if (r->http_status > 0)
        cllm_w_int(o, &CLLM_F_SERVE_R_HTTP_STATUS, r->http_status);
    else
        cllm_w_null(o, &CLLM_F_SERVE_R_HTTP_STATUS, "no HTTP answer");
    cllm_w_str(o, &CLLM_F_SERVE_J_ERROR, r->error, "none");
    cllm_w_str(o, &CLLM_F_SERVE_R_ORIGIN, r->origin, "the fixed prompt");
    cllm_w_bool(o, &CLLM_F_SERVE_R_WARMUP, r->warmup);
    cllm_w_num(o, &CLLM_F_SERVE_J_ENERGY_J, L->energy_per_request_j,
               !L->has_energy ? "the monitor was off" : L->energy.why[0] ? L->energy.why : "not measured");
    return o;
}

static void level(cJSON *o, const struct cllm_serve_level *L, const struct cllm_serve_setup *s)
{
    static const char *const status[] = {[CLLM_SERVE_LEVEL_OK] = "ok", [CLLM_SERVE_LEVEL_FAILED] = "failed",
                                         [CLLM_SERVE_LEVEL_CANCELLED] = "cancelled"};
    const char *none = "no request succeeded";
    cJSON *a;

    cllm_w_str(o, &CLLM_F_SERVE_L_MODE, L->open_loop ? "open-loop" : "closed-loop", NULL);
    if (L->open_loop)
        cllm_w_num(o, &CLLM_F_SERVE_L_RATE, L->rate, "inf: every request sent at once");
    else
        cllm_w_null(o, &CLLM_F_SERVE_L_RATE, "closed loop");
    if (L->open_loop && L->concurrency <= 0)
        cllm_w_null(o, &CLLM_F_SERVE_L_CONCURRENCY, "open loop without --max-concurrency: no cap");
    else
        cllm_w_int(o, &CLLM_F_SERVE_L_CONCURRENCY, L->concurrency);
    cllm_w_str(o, &CLLM_F_SERVE_L_STATUS, status[L->status], NULL);
    if (L->status == CLLM_SERVE_LEVEL_FAILED)
        cllm_w_str(o, &CLLM_F_ERROR, L->error ? L->error : "every request failed", NULL);
    if (L->request_limit > 0)
        cllm_w_int(o, &CLLM_F_SERVE_L_REQUEST_LIMIT, L->request_limit);
    else
        cllm_w_null(o, &CLLM_F_SERVE_L_REQUEST_LIMIT, "until duration_s");
    cllm_w_int(o, &CLLM_F_SERVE_L_N_REQUESTS, L->n_requests);
    cllm_w_int(o, &CLLM_F_SERVE_L_N_OK, L->n_ok);
    cllm_w_int(o, &CLLM_F_SERVE_L_N_FAILED, L->n_failed);
    if (L->status == CLLM_SERVE_LEVEL_CANCELLED)
        cllm_w_int(o, &CLLM_F_SERVE_L_N_CANCELLED, L->n_cancelled);
    cllm_w_num(o, &CLLM_F_SERVE_L_WALL_S, L->wall_s, NONE_ENDED);
    dist(o, &CLLM_F_SERVE_L_TTFT_S, &L->ttft_s, none);
    dist(o, &CLLM_F_SERVE_L_ITL_S, &L->itl_s, "no successful request had 2 tokens");
    dist(o, &CLLM_F_SERVE_L_E2E_S, &L->e2e_s, none);
    cllm_w_int(o, &CLLM_F_SERVE_L_OUTPUT_TOKENS, L->output_tokens);
    cllm_w_num(o, &CLLM_F_SERVE_L_OUTPUT_TPS, L->output_tokens_per_second, NONE_ENDED);
    cllm_w_num(o, &CLLM_F_SERVE_L_RPS, L->requests_per_second, NONE_ENDED);
    cllm_w_num(o, &CLLM_F_SERVE_L_ERROR_RATE, L->error_rate, NONE_ENDED);
    if (L->has_goodput) {
        cJSON *gp = cllm_w_obj(o, &CLLM_F_SERVE_L_GOODPUT), *slo = gp ? cllm_w_obj(gp, &CLLM_F_SERVE_G_SLO) : NULL;
        if (slo && s->slo_ttft_ms > 0)
            cllm_w_num(slo, &CLLM_F_SERVE_SLO_TTFT_MS, s->slo_ttft_ms, NULL);
        if (slo && s->slo_itl_ms > 0) {
            cllm_w_num(slo, &CLLM_F_SERVE_SLO_ITL_MS, s->slo_itl_ms, NULL);
            cllm_w_str(slo, &CLLM_F_SERVE_SLO_ITL_MEASURE, ITL_MEASURE, NULL);
        }
        if (gp) {
            cllm_w_int(gp, &CLLM_F_SERVE_G_N_GOOD, L->n_good);
            cllm_w_num(gp, &CLLM_F_SERVE_G_RPS, L->goodput_requests_per_second, NONE_ENDED);
            cllm_w_num(gp, &CLLM_F_SERVE_G_FRACTION, L->goodput_fraction, NONE_ENDED);
        }
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_L_GOODPUT, NO_SLO);
    }
    cllm_w_num(o, &CLLM_F_SERVE_L_ACHIEVED_RATE, L->achieved_rate, "fewer than 2 sends, or all at once");
    cllm_w_num(o, &CLLM_F_SERVE_L_IA_MEAN_S, L->interarrival_mean_s, "fewer than 2 sends");
    cllm_w_num(o, &CLLM_F_SERVE_L_IA_CV, L->interarrival_cv, "fewer than 3 sends, or all at once");
    if (L->open_loop) {
        cllm_w_num(o, &CLLM_F_SERVE_L_SCHEDULE_CV, L->schedule_cv, "fewer than 3 sends, or all at once");
        cllm_w_num(o, &CLLM_F_SERVE_L_SCHEDULE_RATE, L->schedule_rate, "fewer than 2 sends, or all at once");
        cllm_w_int(o, &CLLM_F_SERVE_L_N_WAITED, L->n_waited);
        dist(o, &CLLM_F_SERVE_L_WAIT_S, &L->wait_s, "no send");
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_L_SCHEDULE_CV, "closed loop: no schedule");
        cllm_w_null(o, &CLLM_F_SERVE_L_SCHEDULE_RATE, "closed loop: no schedule");
        cllm_w_null(o, &CLLM_F_SERVE_L_N_WAITED, "closed loop: no schedule");
        cllm_w_null(o, &CLLM_F_SERVE_L_WAIT_S, "closed loop: no schedule");
    }
    cllm_w_int(o, &CLLM_F_SERVE_L_N_WARMUP, L->n_warmup);
    dist(o, &CLLM_F_SERVE_L_TTFT_CONTENT_S, &L->ttft_content_s, "no successful request had a content token");
    dist(o, &CLLM_F_SERVE_L_TTFT_REASONING_S, &L->ttft_reasoning_s, "no successful request had a reasoning token");
    dist(o, &CLLM_F_SERVE_L_TPOT_S, &L->tpot_s, "no successful request had 2 tokens");
    cllm_w_int(o, &CLLM_F_SERVE_L_REASONING_TOKENS, L->reasoning_tokens);
    if (L->has_slo) {
        cJSON *c = cllm_w_obj(o, &CLLM_F_SERVE_L_SLO_CHECK);
        if (c) {
            cllm_w_bool(c, &CLLM_F_SERVE_C_MET, L->slo_met);
            cllm_w_str(c, &CLLM_F_SERVE_C_FAILED, L->slo_met ? "" : L->slo_failed, NULL);
        }
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_L_SLO_CHECK, "no p99 SLO given");
    }
    if (L->has_energy) {
        cJSON *e = cllm_w_obj(o, &CLLM_F_SERVE_L_ENERGY);
        if (e)
            cllm_w_llm_energy(e, &L->energy);
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_L_ENERGY, "the resource monitor was off (--no-monitor)");
    }
    cllm_w_num(o, &CLLM_F_SERVE_L_ENERGY_PER_REQUEST_J, L->energy_per_request_j,
               !L->has_energy ? "the resource monitor was off (--no-monitor)"
               : L->energy.why[0] ? L->energy.why : "no energy reading over the level");
    if (L->has_server_metrics)
        cllm_write_prom_level(o, &L->server_metrics);
    else
        cllm_w_null(o, &CLLM_F_SERVE_L_SERVER_METRICS, "not scraped (--no-server-metrics)");
    /* data keys (a token count's source) and plain strings: no field of their own */
    a = cllm_w_obj(o, &CLLM_F_SERVE_L_TOKEN_COUNT_SOURCES);
    for (int i = 0; a && i < L->n_sources; i++)
        cJSON_AddNumberToObject(a, L->sources[i].source, L->sources[i].n);
    a = cllm_w_arr(o, &CLLM_F_SERVE_L_ERRORS);
    for (int i = 0; a && i < L->n_errors; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(L->errors[i]));
    a = cllm_w_arr(o, &CLLM_F_SERVE_L_REQUESTS);
    for (int i = 0; a && i < L->n_requests; i++) {
        cJSON *q = cJSON_CreateObject();
        if (!q)
            break;
        cJSON_AddItemToArray(a, q);
        request(q, &L->requests[i]);
    }
}

static void props_value(cJSON *o, const struct cllm_field *f, const struct cllm_serve_value *v)
{
    if (v->kind == CLLM_SERVE_VALUE_NUMBER)
        cllm_w_any(o, f, cJSON_CreateNumber(v->num));
    else if (v->kind == CLLM_SERVE_VALUE_STRING)
        cllm_w_any(o, f, cJSON_CreateString(v->str));
}

static void server(cJSON *o, const struct cllm_serve_server *s)
{
    cllm_w_str(o, &CLLM_F_SERVE_URL, s->url, NULL);
    cllm_w_str(o, &CLLM_F_SERVE_LIBRARY, s->library ? s->library : "", NULL);
    if (s->has_props) {
        cJSON *p = cllm_w_obj(o, &CLLM_F_SERVE_PROPS);
        if (p) {
            props_value(p, &CLLM_F_SERVE_PROPS_BUILD_INFO, &s->build_info);
            props_value(p, &CLLM_F_SERVE_PROPS_MODEL_PATH, &s->model_path);
            props_value(p, &CLLM_F_SERVE_PROPS_TOTAL_SLOTS, &s->total_slots);
            if (isfinite(s->n_ctx))
                cllm_w_num(p, &CLLM_F_SERVE_PROPS_N_CTX, s->n_ctx, NULL);
        }
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_PROPS, s->props_why);
    }
    if (s->models_error[0])
        cllm_w_str(o, &CLLM_F_SERVE_MODELS_ERROR, s->models_error, NULL);
    cllm_w_str(o, &CLLM_F_SERVE_MODEL, s->model, NULL);
    cllm_w_str(o, &CLLM_F_SERVE_MODEL_SOURCE, s->model_source ? s->model_source : "", NULL);
    cllm_w_str(o, &CLLM_F_SERVE_CLIENT, s->client ? s->client : "", NULL);
}

static const char *const k_cache_modes[] = {[CLLM_SERVE_CACHE_OFF] = "off", [CLLM_SERVE_CACHE_ON] = "on",
                                            [CLLM_SERVE_CACHE_SHARED] = "shared-prefix"};

static void slo_p99(cJSON *o, const struct cllm_serve_slo *s)
{
    if (s->ttft_p99_ms > 0)
        cllm_w_num(o, &CLLM_F_SERVE_S99_TTFT, s->ttft_p99_ms, NULL);
    if (s->itl_p99_ms > 0)
        cllm_w_num(o, &CLLM_F_SERVE_S99_ITL, s->itl_p99_ms, NULL);
    if (s->e2e_p99_ms > 0)
        cllm_w_num(o, &CLLM_F_SERVE_S99_E2E, s->e2e_p99_ms, NULL);
    if (s->tpot_p99_ms > 0)
        cllm_w_num(o, &CLLM_F_SERVE_S99_TPOT, s->tpot_p99_ms, NULL);
}

static void params(cJSON *o, const struct cllm_serve_setup *s)
{
    cJSON *a, *pc;
    bool search = s->find_max != CLLM_SERVE_FIND_NONE;
    bool open = s->n_rates > 0 || s->find_max == CLLM_SERVE_FIND_RATE;
    if (s->n_rates > 0 || search)
        cllm_w_null(o, &CLLM_F_SERVE_P_CONCURRENCY, search ? "the SLA search chose the levels" : "open loop: rates");
    else if ((a = cllm_w_arr(o, &CLLM_F_SERVE_P_CONCURRENCY)))
        for (int i = 0; i < s->n_levels; i++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(s->concurrency[i]));
    if (s->n_rates > 0 && (a = cllm_w_arr(o, &CLLM_F_SERVE_P_REQUEST_RATE))) {
        for (int i = 0; i < s->n_rates; i++) {
            char v[32];
            if (isfinite(s->rates[i]))
                snprintf(v, sizeof(v), "%g", s->rates[i]);
            else
                snprintf(v, sizeof(v), "inf");
            cJSON_AddItemToArray(a, cJSON_CreateString(v));
        }
    } else if (s->n_rates == 0) {
        cllm_w_null(o, &CLLM_F_SERVE_P_REQUEST_RATE, search ? "the SLA search chose the levels" : "closed loop");
    }
    cllm_w_num(o, &CLLM_F_SERVE_P_BURSTINESS, s->burstiness, NULL);
    if (open && s->max_concurrency > 0)
        cllm_w_int(o, &CLLM_F_SERVE_P_MAX_CONCURRENCY, s->max_concurrency);
    else
        cllm_w_null(o, &CLLM_F_SERVE_P_MAX_CONCURRENCY, open ? "no cap" : "closed loop");
    cllm_w_num(o, &CLLM_F_SERVE_P_RAMP_UP_S, s->ramp_up_s, NULL);
    cllm_w_int(o, &CLLM_F_SERVE_P_ARRIVAL_SEED, s->arrival_seed);
    cllm_w_str(o, &CLLM_F_SERVE_P_CONTENT, s->content_hook ? "workload" : "fixed", NULL);
    if (s->has_workload) {
        const struct cllm_serve_workload_info *w = &s->workload;
        cJSON *wo = cllm_w_obj(o, &CLLM_F_SERVE_P_WORKLOAD);
        if (wo) {
            const char *ds = w->dataset ? "a dataset: its prompts as they are" : NULL;
            const char *all = w->dataset ? "a dataset" : NULL;
            cllm_w_str(wo, &CLLM_F_SERVE_W_SOURCE, w->source ? w->source : "corpus", NULL);
            cllm_w_str(wo, &CLLM_F_SERVE_W_INPUT_LEN, w->input_len, ds ? ds : "not given");
            char dflt[24];
            snprintf(dflt, sizeof(dflt), "%d", s->max_tokens);   /* not given: max_tokens, fixed */
            cllm_w_str(wo, &CLLM_F_SERVE_W_OUTPUT_LEN, w->output_len ? w->output_len : dflt, NULL);
            cllm_w_str(wo, &CLLM_F_SERVE_W_DATASET, w->dataset, "the prompt corpus");
            cllm_w_str(wo, &CLLM_F_SERVE_W_LANGUAGES, w->languages, all ? all : "all six");
            cllm_w_str(wo, &CLLM_F_SERVE_W_GENRES, w->genres, all ? all : "all");
            cllm_w_int(wo, &CLLM_F_SERVE_W_SIZE, w->size);
            cllm_w_str(wo, &CLLM_F_SERVE_W_PROMPT_TOKENS, w->counted ? "counted" : "estimated", NULL);
            if (!w->counted)
                cllm_w_str(wo, &CLLM_F_REASON, w->why_estimated[0] ? w->why_estimated : "no tokenizer", NULL);
            cllm_w_int(wo, &CLLM_F_SERVE_W_SEED, (long long)w->seed);
        }
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_P_WORKLOAD, "every request sent prompt and system_prompt (no --input-len, "
                    "--output-len or --dataset)");
    }
    if (s->server_metrics) {
        cJSON *mo = cllm_w_obj(o, &CLLM_F_SERVE_P_SERVER_METRICS);
        if (mo) {
            cllm_w_num(mo, &CLLM_F_SERVE_M_INTERVAL_S, s->metrics_interval_s, NULL);
            cllm_w_num(mo, &CLLM_F_SERVE_M_TIMEOUT_S, s->metrics_timeout_s, NULL);
        }
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_P_SERVER_METRICS, "--no-server-metrics");
    }
    if ((pc = cllm_w_obj(o, &CLLM_F_SERVE_P_PREFIX_CACHE))) {
        bool shared = s->prefix_cache == CLLM_SERVE_CACHE_SHARED;
        cllm_w_str(pc, &CLLM_F_SERVE_PC_MODE, k_cache_modes[s->prefix_cache], NULL);
        cllm_w_bool(pc, &CLLM_F_SERVE_PC_CACHE_PROMPT, s->prefix_cache != CLLM_SERVE_CACHE_OFF);
        if (shared) {
            cllm_w_int(pc, &CLLM_F_SERVE_PC_SHARED_TOKENS, s->shared_prefix_tokens);
            cllm_w_int(pc, &CLLM_F_SERVE_PC_SHARED_WORDS, s->shared_prefix_words);
            if (s->shared_prefix_tokens_counted >= 0)
                cllm_w_int(pc, &CLLM_F_SERVE_PC_SHARED_COUNTED, s->shared_prefix_tokens_counted);
            else
                cllm_w_null(pc, &CLLM_F_SERVE_PC_SHARED_COUNTED, s->shared_prefix_count_why);
        } else {
            cllm_w_null(pc, &CLLM_F_SERVE_PC_SHARED_TOKENS, "not shared-prefix");
            cllm_w_null(pc, &CLLM_F_SERVE_PC_SHARED_WORDS, "not shared-prefix");
            cllm_w_null(pc, &CLLM_F_SERVE_PC_SHARED_COUNTED, "not shared-prefix");
        }
    }
    if (s->slo.ttft_p99_ms > 0 || s->slo.itl_p99_ms > 0 || s->slo.e2e_p99_ms > 0 || s->slo.tpot_p99_ms > 0) {
        cJSON *q = cllm_w_obj(o, &CLLM_F_SERVE_P_SLO_P99);
        if (q)
            slo_p99(q, &s->slo);
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_P_SLO_P99, "no p99 SLO given");
    }
    if (search) {
        cJSON *f = cllm_w_obj(o, &CLLM_F_SERVE_P_FIND_MAX);
        bool conc = s->find_max == CLLM_SERVE_FIND_CONCURRENCY;
        if (f) {
            cllm_w_str(f, &CLLM_F_SERVE_F_MODE, conc ? "concurrency" : "rate", NULL);
            cllm_w_int(f, &CLLM_F_SERVE_F_PROBE_REQUESTS, s->probe_requests);
            cllm_w_num(f, &CLLM_F_SERVE_F_PROBE_S, s->probe_s, NULL);
            cllm_w_num(f, &CLLM_F_SERVE_F_WARMUP_SHARE, s->warmup_share, NULL);
            cllm_w_num(f, &CLLM_F_SERVE_F_RESOLUTION, s->rate_resolution, NULL);
            cllm_w_num(f, &CLLM_F_SERVE_F_START_RATE, s->find_start_rate, NULL);
            cllm_w_num(f, &CLLM_F_SERVE_F_LIMIT, s->find_limit_used, NULL);
        }
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_P_FIND_MAX, "no --find-max");
    }
    if (s->requests > 0)
        cllm_w_int(o, &CLLM_F_SERVE_P_REQUESTS, s->requests);
    else
        cllm_w_null(o, &CLLM_F_SERVE_P_REQUESTS, s->duration_s > 0 ? "not given: as many as duration_s allows"
                                                                   : "not given: max(16, 4 x concurrency) per level");
    if (s->duration_s > 0)
        cllm_w_num(o, &CLLM_F_SERVE_P_DURATION_S, s->duration_s, NULL);
    else
        cllm_w_null(o, &CLLM_F_SERVE_P_DURATION_S, "not given: each level runs its requests to the end");
    cllm_w_int(o, &CLLM_F_SERVE_P_MAX_TOKENS, s->max_tokens);
    cllm_w_bool(o, &CLLM_F_SERVE_P_IGNORE_EOS, s->ignore_eos);
    cllm_w_str(o, &CLLM_F_SERVE_P_PROMPT, s->prompt ? s->prompt : "", NULL);
    cllm_w_str(o, &CLLM_F_SERVE_P_SYSTEM_PROMPT, s->system_prompt ? s->system_prompt : "", NULL);
    cllm_w_num(o, &CLLM_F_SERVE_P_TEMPERATURE, s->temperature, NULL);
    cllm_w_num(o, &CLLM_F_SERVE_P_TOP_P, s->top_p, NULL);
    cllm_w_int(o, &CLLM_F_SERVE_P_SEED, s->seed);
    cllm_w_int(o, &CLLM_F_SERVE_P_STALL_S, s->stall_s);
    cllm_w_num(o, &CLLM_F_SERVE_P_DEADLINE_BASE_S, s->deadline_base_s, NULL);
    cllm_w_num(o, &CLLM_F_SERVE_P_DEADLINE_PER_TOKEN_S, s->deadline_per_token_s, NULL);
    if (s->slo_ttft_ms > 0 || s->slo_itl_ms > 0) {
        cJSON *slo = cllm_w_obj(o, &CLLM_F_SERVE_P_SLO);
        if (!slo)
            return;
        if (s->slo_ttft_ms > 0)
            cllm_w_num(slo, &CLLM_F_SERVE_SLO_TTFT_MS, s->slo_ttft_ms, NULL);
        if (s->slo_itl_ms > 0)
            cllm_w_num(slo, &CLLM_F_SERVE_SLO_ITL_MS, s->slo_itl_ms, NULL);
        cllm_w_str(slo, &CLLM_F_SERVE_SLO_ITL_MEASURE, ITL_MEASURE, NULL);
    } else {
        cllm_w_null(o, &CLLM_F_SERVE_P_SLO, NO_SLO);
    }
}

void cllm_write_serving(cJSON *section, const struct cllm_serve_result *r)
{
    static const char *const status[] = {[CLLM_SERVE_RUNNING] = "running", [CLLM_SERVE_OK] = "ok",
                                         [CLLM_SERVE_PARTIAL] = "partial", [CLLM_SERVE_FAILED] = "failed"};
    cJSON *o, *levels;

    if (!section || r->status == CLLM_SERVE_NOT_RUN)
        return;
    cllm_w_str(section, &CLLM_F_SERVE_STATUS, status[r->status], NULL);
    o = cllm_w_obj(section, &CLLM_F_SERVE_SERVER);
    if (o)
        server(o, &r->server);
    o = cllm_w_obj(section, &CLLM_F_SERVE_PARAMS);
    if (o)
        params(o, &r->setup);
    levels = cllm_w_arr(section, &CLLM_F_SERVE_LEVELS);
    for (int i = 0; levels && i < r->n_levels; i++) {
        o = cJSON_CreateObject();
        if (!o)
            break;
        cJSON_AddItemToArray(levels, o);
        level(o, &r->levels[i], &r->setup);
    }
    if (r->search.mode != CLLM_SERVE_FIND_NONE) {
        const struct cllm_serve_search *S = &r->search;
        cJSON *q = cllm_w_obj(section, &CLLM_F_SERVE_SEARCH), *a;
        char rule[400];
        bool conc = S->mode == CLLM_SERVE_FIND_CONCURRENCY;
        if (q) {
            cllm_w_str(q, &CLLM_F_SERVE_SR_MODE, conc ? "concurrency" : "rate", NULL);
            cllm_w_bool(q, &CLLM_F_SERVE_SR_FOUND, S->found);
            cllm_w_num(q, &CLLM_F_SERVE_SR_BEST, S->found ? S->best : NAN, "no probe met the SLOs");
            cllm_w_num(q, &CLLM_F_SERVE_SR_LOWEST_FAILED, S->lowest_failed, "no probe missed");
            cllm_w_bool(q, &CLLM_F_SERVE_SR_LIMIT_REACHED, S->limit_reached);
            snprintf(rule, sizeof(rule), "%s from %g, doubling until a probe misses an SLO (or the limit %g), then "
                     "bisection %s; each probe at least %d measured requests and %g s after a warm-up share of %g",
                     conc ? "concurrency" : "rate", conc ? 1.0 : r->setup.find_start_rate, r->setup.find_limit_used,
                     conc ? "to one stream" : "until high - low <= the resolution x high",
                     r->setup.probe_requests, r->setup.probe_s, r->setup.warmup_share);
            cllm_w_str(q, &CLLM_F_SERVE_SR_RULE, rule, NULL);
            a = cllm_w_arr(q, &CLLM_F_SERVE_SR_PROBES);
            for (int i = 0; a && i < S->n_probes; i++) {
                cJSON *pr = cJSON_CreateObject();
                if (!pr)
                    break;
                cJSON_AddItemToArray(a, pr);
                cllm_w_num(pr, &CLLM_F_SERVE_PR_VALUE, S->probes[i].value, NULL);
                cllm_w_int(pr, &CLLM_F_SERVE_PR_LEVEL, S->probes[i].level);
                cllm_w_bool(pr, &CLLM_F_SERVE_PR_MET, S->probes[i].met);
                cllm_w_str(pr, &CLLM_F_SERVE_PR_WHY, S->probes[i].why, NULL);
            }
        }
    } else {
        cllm_w_null(section, &CLLM_F_SERVE_SEARCH, "no --find-max");
    }
    if (r->status == CLLM_SERVE_FAILED)
        cllm_w_str(section, &CLLM_F_ERROR, r->error, NULL);
}
