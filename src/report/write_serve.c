/* serve-bench's results section from its structs (serve/serve_bench.h): the serving_benchmarks object, key by key
 * through report/fields_serve.c's fields, in the order serve-bench has always written them. */
#include <cjson/cJSON.h>
#include <math.h>

#include "report/fields_core.h"
#include "report/fields_serve.h"
#include "report/write.h"
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
}

static void level(cJSON *o, const struct cllm_serve_level *L, const struct cllm_serve_setup *s)
{
    static const char *const status[] = {[CLLM_SERVE_LEVEL_OK] = "ok", [CLLM_SERVE_LEVEL_FAILED] = "failed",
                                         [CLLM_SERVE_LEVEL_CANCELLED] = "cancelled"};
    const char *none = "no request succeeded";
    cJSON *a;

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

static void params(cJSON *o, const struct cllm_serve_setup *s)
{
    cJSON *a = cllm_w_arr(o, &CLLM_F_SERVE_P_CONCURRENCY);
    for (int i = 0; a && i < s->n_levels; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(s->concurrency[i]));
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
    if (r->status == CLLM_SERVE_FAILED)
        cllm_w_str(section, &CLLM_F_ERROR, r->error, NULL);
}
