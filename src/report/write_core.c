/* A phase's cleanup and monitor as results JSON (report/write_core.h). */
#include "report/write_core.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "gpu/select.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"
#include "report/fields_core.h"
#include "report/write.h"

void cllm_w_cleanup(cJSON *obj, const struct cllm_field *f, const struct cllm_cleanup_result *r)
{
    cJSON *j = cllm_w_obj(obj, f), *actions;
    if (!j)
        return;
    actions = cllm_w_arr(j, &CLLM_F_CLEANUP_ACTIONS);
    for (int i = 0; actions && i < r->n_actions; i++) {
        cJSON *o = cJSON_CreateObject();
        cllm_w_str(o, &CLLM_F_CLEANUP_ACTION, r->actions[i].action, NULL);
        cllm_w_str(o, &CLLM_F_CLEANUP_ACTION_STATUS, r->actions[i].done ? "done" : "skipped", NULL);
        cllm_w_str(o, &CLLM_F_DETAIL, r->actions[i].detail, NULL);
        cJSON_AddItemToArray(actions, o);
    }
    cllm_w_num(j, &CLLM_F_CLEANUP_PAUSE_S, r->pause_s, NULL);
    cllm_w_num(j, &CLLM_F_CLEANUP_DURATION_S, r->duration_s, NULL);
}

/* ---- monitor ---- */

/* The series' columns in monitor.h's order, and the decimals each is written with (its resolution). */
static const struct cllm_field *const host_cols[CLLM_MONITOR_HOST_COLS] = {&CLLM_F_MON_COL_T_S,
    &CLLM_F_MON_COL_CPU_PCT, &CLLM_F_MON_COL_PROC_CPU_PCT, &CLLM_F_MON_COL_RAM_USED_GB, &CLLM_F_MON_COL_RSS_GB,
    &CLLM_F_MON_COL_CPU_PACKAGE_W};
static const int host_decimals[CLLM_MONITOR_HOST_COLS] = {3, 1, 1, 3, 4, 1};
static const struct cllm_field *const gpu_cols[CLLM_MONITOR_GPU_COLS] = {&CLLM_F_MON_COL_GPU_UTIL_PCT,
    &CLLM_F_MON_COL_GPU_VRAM_USED_GB, &CLLM_F_MON_COL_GPU_TEMP_C, &CLLM_F_MON_COL_GPU_POWER_W,
    &CLLM_F_MON_COL_GPU_SM_CLOCK_MHZ};
static const int gpu_decimals[CLLM_MONITOR_GPU_COLS] = {1, 3, 1, 1, 0};
/* host column indices the summary's reasons come from */
enum { COL_CPU = 1, COL_PROC = 2, COL_RAM = 3, COL_RSS = 4, COL_PKG = 5 };

static double round_dec(double v, int decimals)
{
    static const double scale[] = {1, 10, 100, 1000, 10000};
    double s = scale[decimals < 0 ? 0 : decimals > 4 ? 4 : decimals];
    return round(v * s) / s;
}

/* The reason the sampler gave for column c, else `fallback`. */
static const char *col_why(const struct cllm_monitor_report *r, int c, const char *fallback)
{
    return c >= 0 && c < r->cols && r->col_why[c][0] ? r->col_why[c] : fallback;
}

static void put(cJSON *o, const struct cllm_field *f, double v, int decimals, const char *why)
{
    cllm_w_num(o, f, isfinite(v) ? round_dec(v, decimals) : v, why);
}

/* Why other_cpu_pct_mean is unknown: the machine's or the process's CPU use, or the CPU count, was missing. */
static const char *other_why(const struct cllm_monitor_report *r)
{
    if (isnan(r->summary.cpu_pct_mean))
        return col_why(r, COL_CPU, "no sample had the machine's CPU use");
    if (isnan(r->summary.proc_cpu_pct_mean))
        return col_why(r, COL_PROC, "no sample had this process's CPU use");
    if (r->info.logical_cpus <= 0)
        return "the sampler did not give the logical CPU count";
    return "no sample had the machine's and this process's CPU use together";
}

static void summary_json(cJSON *mon, const struct cllm_monitor_report *r)
{
    static const char *const none = "no sample had a value";
    const struct cllm_monitor_summary *s = &r->summary;
    cJSON *j = cllm_w_obj(mon, &CLLM_F_MON_SUMMARY), *gpus;

    if (!j)
        return;
    put(j, &CLLM_F_MON_DURATION_S, s->duration_s, 3, "no sample taken");
    cllm_w_int(j, &CLLM_F_MON_N_SAMPLES, (long long)s->n_samples);
    put(j, &CLLM_F_MON_CPU_PCT_MEAN, s->cpu_pct_mean, 2, col_why(r, COL_CPU, none));
    put(j, &CLLM_F_MON_CPU_PCT_MIN, s->cpu_pct_min, 2, col_why(r, COL_CPU, none));
    put(j, &CLLM_F_MON_CPU_PCT_MAX, s->cpu_pct_max, 2, col_why(r, COL_CPU, none));
    put(j, &CLLM_F_MON_PROC_CPU_PCT_MEAN, s->proc_cpu_pct_mean, 2, col_why(r, COL_PROC, none));
    put(j, &CLLM_F_MON_PROC_CPU_PCT_MAX, s->proc_cpu_pct_max, 2, col_why(r, COL_PROC, none));
    put(j, &CLLM_F_MON_OTHER_CPU_PCT_MEAN, s->other_cpu_pct_mean, 2, other_why(r));
    put(j, &CLLM_F_MON_RAM_USED_GB_PEAK, s->ram_used_gb_peak, 3, col_why(r, COL_RAM, none));
    put(j, &CLLM_F_MON_RSS_GB_PEAK, s->rss_gb_peak, 4, col_why(r, COL_RSS, none));
    put(j, &CLLM_F_MON_CPU_PACKAGE_W_MEAN, s->cpu_package_w_mean, 2, col_why(r, COL_PKG, none));
    put(j, &CLLM_F_MON_CPU_PACKAGE_ENERGY_J, s->cpu_package_energy_j, 2,
        isfinite(s->cpu_package_w_mean) ? "needs package power over an interval"
                                        : col_why(r, COL_PKG, "needs package power over an interval"));
    gpus = cllm_w_arr(j, &CLLM_F_MON_SUMMARY_GPUS);
    for (int g = 0; gpus && g < s->n_gpus && g < CLLM_MONITOR_MAX_GPUS; g++) {
        const struct cllm_monitor_gpu_summary *v = &s->gpu[g];
        int c0 = CLLM_MONITOR_HOST_COLS + g * CLLM_MONITOR_GPU_COLS;
        cJSON *o = cJSON_CreateObject();
        cllm_w_int(o, &CLLM_F_GPU_INDEX, g);
        put(o, &CLLM_F_MON_UTIL_PCT_MEAN, v->util_pct_mean, 2, col_why(r, c0 + 0, none));
        put(o, &CLLM_F_MON_UTIL_PCT_PEAK, v->util_pct_peak, 2, col_why(r, c0 + 0, none));
        put(o, &CLLM_F_MON_VRAM_USED_GB_PEAK, v->vram_used_gb_peak, 3, col_why(r, c0 + 1, none));
        put(o, &CLLM_F_MON_TEMP_C_PEAK, v->temp_c_peak, 1, col_why(r, c0 + 2, none));
        put(o, &CLLM_F_MON_POWER_W_MEAN, v->power_w_mean, 2, col_why(r, c0 + 3, none));
        put(o, &CLLM_F_MON_POWER_W_PEAK, v->power_w_peak, 2, col_why(r, c0 + 3, none));
        put(o, &CLLM_F_MON_ENERGY_J, v->energy_j, 2,
            isfinite(v->power_w_mean) ? "needs two power readings in a row"
                                      : col_why(r, c0 + 3, "needs two power readings in a row"));
        put(o, &CLLM_F_MON_SM_CLOCK_MHZ_MEAN, v->sm_clock_mhz_mean, 0, col_why(r, c0 + 4, none));
        cJSON_AddItemToArray(gpus, o);
    }
}

static void samples_json(cJSON *mon, const struct cllm_monitor_report *r)
{
    cJSON *j = cllm_w_obj(mon, &CLLM_F_MON_SAMPLES), *reasons = NULL;

    for (int c = 0; j && c < r->cols; c++) {
        char gname[64];
        const char *name;
        int dec;
        bool has_null = false;
        cJSON *arr;

        if (c < CLLM_MONITOR_HOST_COLS) {
            name = host_cols[c]->name;
            dec = host_decimals[c];
        } else {
            int g = (c - CLLM_MONITOR_HOST_COLS) / CLLM_MONITOR_GPU_COLS;
            int k = (c - CLLM_MONITOR_HOST_COLS) % CLLM_MONITOR_GPU_COLS;
            snprintf(gname, sizeof(gname), "gpu%d_%s", g, gpu_cols[k]->name);
            name = gname;
            dec = gpu_decimals[k];
        }
        arr = cJSON_AddArrayToObject(j, name);
        for (size_t i = 0; arr && r->samples && i < r->rows; i++) {
            double v = r->samples[i * (size_t)r->cols + (size_t)c];
            if (isfinite(v)) {
                cJSON_AddItemToArray(arr, cJSON_CreateNumber(round_dec(v, dec)));
            } else {
                cJSON_AddItemToArray(arr, cJSON_CreateNull());
                has_null = true;
            }
        }
        if (has_null) {
            if (!reasons)
                reasons = cJSON_CreateObject();
            cJSON_AddStringToObject(reasons, name, col_why(r, c, "the sampler gave no value"));
        }
    }
    /* after the columns, as the series' reasons always were */
    if (reasons)
        cJSON_AddItemToObject(j, CLLM_F_NULL_REASONS.name, reasons);
}

void cllm_w_monitor(cJSON *obj, const struct cllm_field *f, const struct cllm_monitor_report *r)
{
    cJSON *j = cllm_w_obj(obj, f), *arr;
    if (!j)
        return;
    cllm_w_str(j, &CLLM_F_MON_SAMPLER, r->sampler, NULL);
    cllm_w_num(j, &CLLM_F_MON_INTERVAL_S, r->interval_s, NULL);
    cllm_w_bool(j, &CLLM_F_MON_RUNNING, r->running);
    cllm_w_int(j, &CLLM_F_MON_N_SAMPLES, (long long)r->n_samples);
    cllm_w_int(j, &CLLM_F_MON_SAMPLES_KEPT, (long long)r->samples_kept);
    cllm_w_int(j, &CLLM_F_MON_SAMPLES_DROPPED, (long long)(r->n_samples - r->samples_kept));
    put(j, &CLLM_F_MON_SAMPLE_COST_MS_MEAN, r->summary.sample_cost_ms_mean, 4, "no sample taken");
    put(j, &CLLM_F_MON_SAMPLE_COST_MS_MAX, r->summary.sample_cost_ms_max, 4, "no sample taken");
    arr = cllm_w_arr(j, &CLLM_F_MON_SOURCES);
    for (int i = 0; arr && i < r->info.n_sources; i++) {
        cJSON *o = cJSON_CreateObject();
        cllm_w_str(o, &CLLM_F_MON_SOURCE_NAME, r->info.sources[i].name, NULL);
        cllm_w_str(o, &CLLM_F_MON_SOURCE_STATUS, r->info.sources[i].status, NULL);
        cllm_w_str(o, &CLLM_F_DETAIL, r->info.sources[i].detail, NULL);
        cJSON_AddItemToArray(arr, o);
    }
    arr = cllm_w_arr(j, &CLLM_F_MON_GPUS);
    for (int g = 0; arr && g < r->info.n_gpus; g++) {
        cJSON *o = cJSON_CreateObject();
        cllm_w_int(o, &CLLM_F_GPU_INDEX, g);
        cllm_w_str(o, &CLLM_F_MON_GPU_NAME, r->info.gpu[g].name, NULL);
        cllm_w_str(o, &CLLM_F_MON_GPU_SOURCE, r->info.gpu[g].source, NULL);
        cllm_w_str(o, &CLLM_F_MON_GPU_PCI_BUS_ID, r->info.gpu[g].pci_bus_id[0] ? r->info.gpu[g].pci_bus_id : NULL,
                   "the GPU library gave no PCI bus id");
        cJSON_AddItemToArray(arr, o);
    }
    summary_json(j, r);
    if (r->with_samples)
        samples_json(j, r);
}

void cllm_write_gpu_selection(cJSON *result, const struct cllm_gpu_selection *sel)
{
    cJSON *run = cJSON_GetObjectItemCaseSensitive(result, CLLM_F_RUN.name), *o, *arr;
    if (!run || !sel)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(run, CLLM_F_RUN_GPU_SELECTION.name);
    if (!(o = cllm_w_obj(run, &CLLM_F_RUN_GPU_SELECTION)))
        return;
    arr = cllm_w_arr(o, &CLLM_F_GSEL_GPUS);
    for (int i = 0; arr && i < sel->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(sel->index[i]));
    arr = cllm_w_arr(o, &CLLM_F_GSEL_RUNTIME_INDEX);
    for (int i = 0; arr && i < sel->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(sel->runtime_index[i]));
    cllm_w_str(o, &CLLM_F_GSEL_SOURCE, sel->source, NULL);
    if (sel->spec[0])
        cllm_w_str(o, &CLLM_F_GSEL_SPEC, sel->spec, NULL);
    arr = cllm_w_arr(o, &CLLM_F_GSEL_ENV);
    for (int i = 0; arr && i < CLLM_GPU_ENV_COUNT; i++) {
        char kv[300];
        if (!sel->env.set[i])
            continue;
        snprintf(kv, sizeof(kv), "%s=%s", cllm_gpu_env_name((enum cllm_gpu_env_var)i), sel->env.value[i]);
        cJSON_AddItemToArray(arr, cJSON_CreateString(kv));
    }
    if (sel->note[0])
        cllm_w_str(o, &CLLM_F_GSEL_NOTE, sel->note, NULL);
}
