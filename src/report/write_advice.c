/* The advice as results JSON (report/fields_advice.h): every key through its field. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "model/fit.h"
#include "report/fields_advice.h"
#include "report/write.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

static void put_pick(cJSON *arr_or_obj, bool as_obj, const struct cllm_field *f, const struct cllm_fit_row *r,
                     const char *text)
{
    cJSON *o = as_obj ? cllm_w_obj(arr_or_obj, f) : cJSON_CreateObject();
    if (!o)
        return;
    cllm_w_str(o, &CLLM_F_ADV_R_KEY, r->key, NULL);
    cllm_w_str(o, &CLLM_F_ADV_R_QUANT, r->quant, NULL);
    cllm_w_str(o, &CLLM_F_ADV_R_TEXT, text, NULL);
    if (!as_obj)
        cJSON_AddItemToArray(arr_or_obj, o);
}

static void put_row(cJSON *o, const struct cllm_fit_row *r)
{
    const struct cllm_fit_need *n = &r->need;
    const struct cllm_fit_place *p = &r->place;
    cllm_w_str(o, &CLLM_F_ADV_M_KEY, r->key, NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_NAME, r->name, NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_QUANT, r->quant, NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_ORIGIN, r->origin, NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_FILE, r->path[0] ? r->path : NULL, "no local file");
    cllm_w_str(o, &CLLM_F_ADV_M_DOWNLOADED, r->downloaded ? r->downloaded : "no", NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_PARAMS_B, r->params_b, NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_WEIGHTS_GB, n->weights_bytes / GIB, NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_KV_GB, n->kv_bytes / GIB, NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_COMPUTE_GB, n->compute_bytes / GIB, NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_SIZE_BASIS, n->basis ? n->basis : "", NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_WHERE, cllm_fit_where_name(p->where), NULL);
    cllm_w_int(o, &CLLM_F_ADV_M_GPU_LAYERS, p->n_gpu_layers);
    cllm_w_int(o, &CLLM_F_ADV_M_N_LAYER, n->n_layer);
    cllm_w_num(o, &CLLM_F_ADV_M_VRAM_GB, p->gpu_bytes / GIB, NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_RAM_GB, p->ram_bytes / GIB, NULL);
    cllm_w_str(o, &CLLM_F_ADV_M_REASON, p->reason, NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_DECODE_TPS, r->decode_tps, "does not fit");
    cllm_w_num(o, &CLLM_F_ADV_M_PROMPT_TPS, r->prompt_tps, "does not fit");
    cllm_w_num(o, &CLLM_F_ADV_M_CPU_TPS, r->decode_tps_cpu, NULL);
    cllm_w_num(o, &CLLM_F_ADV_M_GPU_ALL_TPS, r->decode_tps_gpu_all, "no GPU");
    if (p->where == CLLM_WHERE_PARTIAL && isfinite(r->decode_tps_gpu_all) && r->decode_tps_gpu_all > 0)
        cllm_w_num(o, &CLLM_F_ADV_M_PARTIAL_COST,
                   (r->decode_tps_gpu_all - r->decode_tps) / r->decode_tps_gpu_all * 100, NULL);
    cllm_w_bool(o, &CLLM_F_ADV_M_BEST_GPU, r->best_on_gpu);
    cllm_w_bool(o, &CLLM_F_ADV_M_BEST_CPU, r->best_on_cpu);
    if (r->run_fit) {
        cllm_w_str(o, &CLLM_F_ADV_M_RUN_FIT, r->run_fit, NULL);
        cllm_w_str(o, &CLLM_F_ADV_M_RUN_FIT_REASON, r->run_fit_reason, NULL);
    }
}

cJSON *cllm_write_advice(const struct cllm_fit_advice *a)
{
    cJSON *o = cJSON_CreateObject(), *in, *mem, *rows, *rec, *best, *partial;
    const struct cllm_fit_input *inputs[CLLM_ADV_N_INPUTS] = {&a->rates.cpu_read_gbps, &a->rates.gpu_read_gbps,
        &a->rates.cpu_decode_eff, &a->rates.gpu_decode_eff, &a->rates.cpu_gflops, &a->rates.gpu_gflops,
        &a->rates.cpu_prompt_eff, &a->rates.gpu_prompt_eff, &a->rates.gpu_layer_us};
    double free_gb[CLLM_FIT_MAX_GPUS];
    char text[512];

    if (!o)
        return NULL;
    cllm_w_int(o, &CLLM_F_ADV_N_CTX, a->n_ctx);
    cllm_w_str(o, &CLLM_F_ADV_KV_TYPE, a->kv_type, NULL);
    cllm_w_int(o, &CLLM_F_ADV_DEPTH, a->depth);
    cllm_w_num(o, &CLLM_F_ADV_MIN_TPS, a->min_tps, NULL);
    cllm_w_str(o, &CLLM_F_ADV_MEASURED_FROM, a->measured_from[0] ? a->measured_from : NULL,
               "no results file: every input is assumed");
    in = cllm_w_obj(o, &CLLM_F_ADV_INPUTS);
    for (int i = 0; in && i < CLLM_ADV_N_INPUTS; i++) {
        cJSON *x = cllm_w_obj(in, CLLM_ADV_INPUT_FIELDS[i]);
        cllm_w_num(x, &CLLM_F_ADV_IN_VALUE, inputs[i]->value, NULL);
        cllm_w_bool(x, &CLLM_F_ADV_IN_MEASURED, inputs[i]->measured);
        cllm_w_str(x, &CLLM_F_ADV_IN_SOURCE, inputs[i]->source, NULL);
    }
    mem = cllm_w_obj(o, &CLLM_F_ADV_MEMORY);
    if (mem) {
        cllm_w_int(mem, &CLLM_F_ADV_MEM_N_GPUS, a->mem.n_gpus);
        if (a->mem.gpu_name[0])
            cllm_w_str(mem, &CLLM_F_ADV_MEM_GPU_NAME, a->mem.gpu_name, NULL);
        for (int i = 0; i < a->mem.n_gpus; i++)
            free_gb[i] = a->mem.gpu_free_bytes[i] / GIB;
        cllm_w_nums(mem, &CLLM_F_ADV_MEM_GPU_FREE_GB, free_gb, (size_t)a->mem.n_gpus);
        cllm_w_bool(mem, &CLLM_F_ADV_MEM_UNIFIED, a->mem.unified);
        cllm_w_num(mem, &CLLM_F_ADV_MEM_RAM_FREE_GB, a->mem.ram_free_bytes / GIB, "available RAM not readable");
    }
    rows = cllm_w_arr(o, &CLLM_F_ADV_MODELS);
    for (int i = 0; rows && i < a->n_rows; i++) {
        cJSON *r = cJSON_CreateObject();
        if (!r)
            break;
        put_row(r, &a->rows[i]);
        cJSON_AddItemToArray(rows, r);
    }
    rec = cllm_w_obj(o, &CLLM_F_ADV_RECOMMEND);
    if (!rec)
        return o;
    if (a->largest_row >= 0)
        put_pick(rec, true, &CLLM_F_ADV_R_LARGEST, &a->rows[a->largest_row], a->largest_why);
    else
        cllm_w_null(rec, &CLLM_F_ADV_R_LARGEST, a->largest_why);
    cllm_w_str(rec, &CLLM_F_ADV_R_LARGEST_WHY, a->largest_why, NULL);
    best = cllm_w_arr(rec, &CLLM_F_ADV_R_BEST);
    partial = cllm_w_arr(rec, &CLLM_F_ADV_R_PARTIAL);
    for (int i = 0; i < a->n_rows; i++) {
        const struct cllm_fit_row *r = &a->rows[i];
        if (best && (r->best_on_gpu || r->best_on_cpu)) {
            snprintf(text, sizeof(text), "%s: %s (%.2f GiB of weights) fits %s, %.1f tokens/s predicted", r->key,
                     r->quant, r->need.weights_bytes / GIB,
                     r->best_on_gpu ? "entirely on the GPU" : "in RAM (no GPU)", r->decode_tps);
            put_pick(best, false, NULL, r, text);
        }
        if (partial && r->place.where == CLLM_WHERE_PARTIAL) {
            snprintf(text, sizeof(text),
                     "%s %s: %d of %d layers on the GPU, %.1f tokens/s predicted; all on the GPU %.1f (if it fitted), "
                     "all on the CPU %.1f",
                     r->key, r->quant, r->place.n_gpu_layers, r->place.n_layer, r->decode_tps, r->decode_tps_gpu_all,
                     r->decode_tps_cpu);
            put_pick(partial, false, NULL, r, text);
        }
    }
    return o;
}

void cllm_write_advice_into(cJSON *result, const struct cllm_fit_advice *a)
{
    cJSON *o = cllm_write_advice(a);
    if (o)
        cJSON_AddItemToObject(result, CLLM_F_ADVICE.name, o);
}
