/* The classic section's writer (see report/write_classic.h): the same JSON the phases built themselves before the
 * typed results model, key for key. */
#include "report/write_classic.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/write.h"

const char *cllm_classic_status_str(enum cllm_classic_status st)
{
    switch (st) {
    case CLLM_CLASSIC_OK:        return "ok";
    case CLLM_CLASSIC_SKIPPED:   return "skipped";
    case CLLM_CLASSIC_FAILED:    return "failed";
    case CLLM_CLASSIC_CANCELLED: return "cancelled";
    case CLLM_CLASSIC_PARTIAL:   return "partial";
    default:                     return NULL;
    }
}

/* A null without a reason under null_reasons: the layout these phases always had (a reason, where there is one,
 * has its own key). */
static void bare_null(cJSON *obj, const struct cllm_field *f)
{
    cJSON_AddNullToObject(obj, f->name);
}

/* An error that is not finite (a NaN result) is written as 1e308, as the phases always did. */
static double finite_or_max(double v) { return isfinite(v) ? v : 1e308; }

/* The status, and after the phase's data its message under the key its status names. */
static void write_message(cJSON *phase, enum cllm_classic_status st, const char *msg)
{
    if (st == CLLM_CLASSIC_FAILED)
        cllm_w_str(phase, &CLLM_F_ERROR, msg, NULL);
    else if (st == CLLM_CLASSIC_SKIPPED)
        cllm_w_str(phase, &CLLM_F_REASON, msg, NULL);
    else if (st == CLLM_CLASSIC_CANCELLED)
        cllm_w_str(phase, &CLLM_F_CL_CANCELLED, msg, NULL);
}

static void write_status(cJSON *phase, enum cllm_classic_status st)
{
    const char *s = cllm_classic_status_str(st);
    if (s)
        cllm_w_str(phase, &CLLM_F_CL_STATUS, s, NULL);
}

static void size_key(int n, char *key, size_t len) { snprintf(key, len, "%dx%d", n, n); }

/* ---- CPU GEMM ---- */

void cllm_write_cpu_gemm(cJSON *phase, const struct cllm_cpu_gemm_result *r)
{
    if (r->library)
        cllm_w_str(phase, &CLLM_F_CPU_LIBRARY, r->library, NULL);
    if (r->blas_kernels)
        cllm_w_str(phase, &CLLM_F_CPU_BLAS_KERNELS, r->blas_kernels, NULL);
    if (r->blas_coretype_env)
        cllm_w_str(phase, &CLLM_F_CPU_BLAS_CORETYPE_ENV, r->blas_coretype_env, NULL);
    if (r->legacy_kernels)
        cllm_w_str(phase, &CLLM_F_CPU_WARNING, "OpenBLAS runs kernels older than this CPU's ISA: GFLOPS are far "
                   "below the hardware; set OPENBLAS_CORETYPE (computellm run does this itself)", NULL);
    if (r->blas_threads >= 0)
        cllm_w_int(phase, &CLLM_F_CPU_BLAS_THREADS, r->blas_threads);
    write_status(phase, r->status);
    if (r->threads_requested > 0)
        cllm_w_int(phase, &CLLM_F_CPU_THREADS_REQUESTED, r->threads_requested);
    if (r->validated) {
        cJSON *v = cllm_w_obj(phase, &CLLM_F_CPU_VALIDATION);
        /* validation_n 0: out of memory before the product (the object stays empty) */
        if (v && r->validation_n > 0) {
            cllm_w_int(v, &CLLM_F_CL_N, r->validation_n);
            cllm_w_num(v, &CLLM_F_CL_MAX_REL_ERROR, finite_or_max(r->validation_max_rel_error), NULL);
            cllm_w_num(v, &CLLM_F_CL_TOLERANCE, r->validation_tolerance, NULL);
            cllm_w_bool(v, &CLLM_F_CL_PASSED, r->validation_passed);
        }
    }
    if (r->has_results) {
        cJSON *res = cllm_w_obj(phase, &CLLM_F_CPU_RESULTS);
        for (int s = 0; res && s < r->n_sizes; s++) {
            const struct cllm_cpu_gemm_size *z = &r->sizes[s];
            char key[32];
            cJSON *o;
            size_key(z->n, key, sizeof(key));
            o = cllm_w_entry(res, key);
            cllm_w_num(o, &CLLM_F_CL_GFLOPS, z->gflops, NULL);
            cllm_w_num(o, &CLLM_F_CPU_GFLOPS_BEST, z->gflops_best, NULL);
            cllm_w_num(o, &CLLM_F_CPU_GFLOPS_MEAN, z->gflops_mean, NULL);
            cllm_w_num(o, &CLLM_F_CPU_TIME_S_MEAN, z->time_s_mean, NULL);
            cllm_w_num(o, &CLLM_F_CPU_TIME_S_BEST, z->time_s_best, NULL);
            cllm_w_num(o, &CLLM_F_CPU_TIME_S_STD, z->time_s_std, NULL);
            cllm_w_nums(o, &CLLM_F_CL_TIMES_S, z->times_s, (size_t)z->iterations);
            cllm_w_int(o, &CLLM_F_CL_ITERATIONS, z->iterations);
            if (isfinite(z->effective_threads)) {
                cllm_w_num(o, &CLLM_F_CPU_EFFECTIVE_THREADS, z->effective_threads, NULL);
            } else {
                bare_null(o, &CLLM_F_CPU_EFFECTIVE_THREADS);
                cllm_w_str(o, &CLLM_F_CPU_EFFECTIVE_THREADS_REASON, "timed window under 50 ms: too short to measure",
                           NULL);
            }
            cllm_w_num(o, &CLLM_F_CPU_SPOT_CHECK, z->spot_check_max_rel_error, NULL);
        }
    }
    if (r->has_peak) {
        cJSON *pk = cllm_w_obj(phase, &CLLM_F_CPU_PEAK);
        if (isfinite(r->peak_gflops))
            cllm_w_num(pk, &CLLM_F_CPU_PEAK_GFLOPS, r->peak_gflops, NULL);
        else
            bare_null(pk, &CLLM_F_CPU_PEAK_GFLOPS);
        if (isfinite(r->peak_ratio))
            cllm_w_num(pk, &CLLM_F_CPU_PEAK_RATIO, r->peak_ratio, NULL);
        else
            bare_null(pk, &CLLM_F_CPU_PEAK_RATIO);
        cllm_w_str(pk, &CLLM_F_CPU_PEAK_BASIS, r->peak_basis, NULL);
    }
    write_message(phase, r->status, r->message);
}

/* ---- memory bandwidth ---- */

static void write_mode(cJSON *results, const struct cllm_field *f, const struct cllm_membw_mode *m)
{
    cJSON *o;
    if (!m->started)
        return;
    o = cllm_w_obj(results, f);
    if (!o || m->threads <= 0)
        return;
    cllm_w_int(o, &CLLM_F_MEM_THREADS, m->threads);
    if (!m->measured)
        return;
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        const struct cllm_membw_kernel_result *e = &m->k[k];
        cJSON *ko = cllm_w_obj(o, CLLM_MEM_KERNEL_FIELDS[k]);
        cllm_w_num(ko, &CLLM_F_MEM_GBPS, e->gbps_best, NULL);
        cllm_w_num(ko, &CLLM_F_MEM_GBPS_BEST, e->gbps_best, NULL);
        cllm_w_num(ko, &CLLM_F_MEM_GBPS_MEAN, e->gbps_mean, NULL);
        cllm_w_num(ko, &CLLM_F_MEM_GBPS_STD, e->gbps_std, NULL);
        cllm_w_num(ko, &CLLM_F_MEM_BYTES_PER_PASS, e->bytes_per_pass, NULL);
        cllm_w_nums(ko, &CLLM_F_CL_TIMES_S, e->times_s, (size_t)e->n_times);
    }
}

void cllm_write_membw(cJSON *phase, const struct cllm_membw_result *r)
{
    write_status(phase, r->status);
    if (r->status == CLLM_CLASSIC_SKIPPED) {
        write_message(phase, r->status, r->message);
        cllm_w_num(phase, &CLLM_F_MEM_ARRAY_BYTES, r->array_bytes, NULL);
        cllm_w_num(phase, &CLLM_F_MEM_RAM_AVAILABLE_BYTES, (double)r->ram_available_bytes, NULL);
        return;
    }
    if (r->started) {
        cllm_w_num(phase, &CLLM_F_MEM_ARRAY_BYTES, r->array_bytes, NULL);
        cllm_w_num(phase, &CLLM_F_MEM_ARRAY_MB, r->array_bytes / (1024.0 * 1024.0), NULL);
        if (r->llc_bytes > 0)
            cllm_w_num(phase, &CLLM_F_MEM_LLC_BYTES, (double)r->llc_bytes, NULL);
        else
            bare_null(phase, &CLLM_F_MEM_LLC_BYTES);
        cllm_w_int(phase, &CLLM_F_MEM_THREADS_ALL, r->threads_all);
        cllm_w_int(phase, &CLLM_F_MEM_REPEATS, r->repeats);
        cllm_w_str(phase, &CLLM_F_MEM_STORES, r->streaming_stores
                   ? "non-temporal (streaming) stores; bytes counted once per array touched"
                   : "plain stores; bytes counted once per array touched", NULL);
    }
    if (r->has_results) {
        cJSON *res = cllm_w_obj(phase, &CLLM_F_MEM_RESULTS);
        if (res) {
            write_mode(res, &CLLM_F_MEM_SINGLE_THREAD, &r->single_thread);
            write_mode(res, &CLLM_F_MEM_ALL_THREADS, &r->all_threads);
        }
    }
    if (r->has_best)
        for (int k = 0; k < CLLM_MEMBW_COUNT; k++)
            cllm_w_num(phase, CLLM_MEM_HEADLINE_FIELDS[k], r->best_gbps[k], NULL);
    if (r->validated) {
        cJSON *v = cllm_w_obj(phase, &CLLM_F_MEM_VALIDATION);
        cllm_w_num(v, &CLLM_F_CL_MAX_REL_ERROR, finite_or_max(r->max_rel_error), NULL);
        cllm_w_num(v, &CLLM_F_MEM_READ_SUM_REL_ERROR, finite_or_max(r->read_sum_rel_error), NULL);
        cllm_w_num(v, &CLLM_F_CL_TOLERANCE, r->tolerance, NULL);
        cllm_w_num(v, &CLLM_F_MEM_READ_SUM_TOLERANCE, r->read_sum_tolerance, NULL);
        cllm_w_bool(v, &CLLM_F_CL_PASSED, r->validation_passed);
    }
    write_message(phase, r->status, r->message);
}

/* ---- GPU compute ---- */

void cllm_write_gpu_compute(cJSON *phase, const struct cllm_gpugemm_result *r)
{
    /* the runner's object, key for key (its typed fields are the ones other phases read) */
    for (const cJSON *c = r->phase ? r->phase->child : NULL; c; c = c->next)
        cJSON_AddItemToObject(phase, c->string, cJSON_Duplicate(c, 1));
}

/* ---- the runner ---- */

static void write_phase_into(cJSON *o, const struct cllm_classic_result *r, int index)
{
    const struct cllm_classic_phase *ph = &r->phase[index];

    if (ph->cleanup)
        cllm_w_any(o, &CLLM_F_CLEANUP, cJSON_Duplicate(ph->cleanup, 1));
    if (!ph->finished)
        return;
    switch (index) {
    case CLLM_CLASSIC_CPU_SINGLE: cllm_write_cpu_gemm(o, &r->cpu_single); break;
    case CLLM_CLASSIC_CPU_MULTI:  cllm_write_cpu_gemm(o, &r->cpu_multi); break;
    case CLLM_CLASSIC_MEMORY:     cllm_write_membw(o, &r->memory); break;
    case CLLM_CLASSIC_GPU:        cllm_write_gpu_compute(o, &r->gpu); break;
    default: break;
    }
    if (ph->monitor) {
        cllm_w_any(o, &CLLM_F_MONITOR, cJSON_Duplicate(ph->monitor, 1));
    } else if (ph->monitor_asked) {
        cJSON *m = cllm_w_obj(o, &CLLM_F_MONITOR);
        bare_null(m, &CLLM_F_MON_SUMMARY);
        cllm_w_str(m, &CLLM_F_REASON, ph->monitor_error[0] ? ph->monitor_error : "monitor unavailable", NULL);
    }
    cllm_w_num(o, &CLLM_F_CL_DURATION_S, ph->duration_s, NULL);
}

cJSON *cllm_write_classic_phase(const struct cllm_classic_result *r, int index)
{
    cJSON *o = cJSON_CreateObject();
    if (o && r && index >= 0 && index < CLLM_CLASSIC_PHASE_COUNT && r->phase[index].ran)
        write_phase_into(o, r, index);
    return o;
}

void cllm_write_classic(cJSON *section, const struct cllm_classic_result *r)
{
    cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(section, CLLM_F_CL_BENCHMARKS.name);

    if (!benchmarks)
        benchmarks = cllm_w_obj(section, &CLLM_F_CL_BENCHMARKS);
    for (int i = 0; benchmarks && i < CLLM_CLASSIC_PHASE_COUNT; i++) {
        const char *name = CLLM_CLASSIC_PHASE_FIELDS[i]->name;
        if (!r->phase[i].ran)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(benchmarks, name);
        write_phase_into(cllm_w_obj(benchmarks, CLLM_CLASSIC_PHASE_FIELDS[i]), r, i);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(section, CLLM_F_CL_STATUS.name);
    cJSON_DeleteItemFromObjectCaseSensitive(section, CLLM_F_REASON.name);
    cllm_w_str(section, &CLLM_F_CL_STATUS, cllm_classic_status_str(r->status != CLLM_CLASSIC_NONE ? r->status
                                                                                                : CLLM_CLASSIC_OK),
               NULL);
}
