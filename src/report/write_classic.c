/* The classic section's writer (see report/write_classic.h): the same JSON the phases built themselves before the
 * typed results model, key for key. */
#include "report/write_classic.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/write.h"
#include "report/write_core.h"

const char *cllm_write_classic_status_name(enum cllm_classic_status st)
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
    const char *s = cllm_write_classic_status_name(st);
    if (s)
        cllm_w_str(phase, &CLLM_F_CL_STATUS, s, NULL);
}

static void size_key(int n, char *key, size_t len) { snprintf(key, len, "%dx%d", n, n); }

/* ---- CPU GEMM ---- */

void cllm_write_cpu_gemm(cJSON *phase, const struct cllm_cpugemm_result *r)
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
    if (r->method[0])
        cllm_w_str(phase, &CLLM_F_CPU_METHOD, r->method, NULL);
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
            const struct cllm_cpugemm_size *z = &r->sizes[s];
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
            cllm_w_int(o, &CLLM_F_CPU_WARMUP_PRODUCTS, z->warmup_products);
            cllm_w_num(o, &CLLM_F_CPU_WARMUP_S, z->warmup_s, NULL);
            if (z->suspect_checked)
                cllm_w_bool(o, &CLLM_F_CPU_SUSPECT, z->suspect);
            if (z->suspect)
                cllm_w_str(o, &CLLM_F_CPU_SUSPECT_REASON, z->suspect_reason, NULL);
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

static void write_lib(cJSON *libs, const struct cllm_field *f, const struct cllm_gpugemm_lib *lib,
                      const char *gemm_ex_api)
{
    cJSON *o;
    if (!lib->path[0] && !lib->version[0])
        return;
    o = cllm_w_obj(libs, f);
    if (lib->path[0])
        cllm_w_str(o, CLLM_GPU_LIB_ITEM_FIELDS[0], lib->path, NULL);
    if (gemm_ex_api)
        cllm_w_str(o, CLLM_GPU_LIB_ITEM_FIELDS[1], gemm_ex_api, NULL);
    if (lib->version[0])
        cllm_w_str(o, CLLM_GPU_LIB_ITEM_FIELDS[2], lib->version, NULL);
}

static void write_device(cJSON *o, const struct cllm_gpugemm_device *d)
{
    cllm_w_int(o, CLLM_GPU_DEVICE_FIELDS[0], d->index);
    cllm_w_str(o, CLLM_GPU_DEVICE_FIELDS[1], d->name[0] ? d->name : NULL, d->name_why);
    cllm_w_str(o, CLLM_GPU_DEVICE_FIELDS[2], d->compute_capability[0] ? d->compute_capability : NULL,
               d->compute_capability_why);
    if (d->multiprocessors >= 0)
        cllm_w_int(o, CLLM_GPU_DEVICE_FIELDS[3], d->multiprocessors);
    else
        cllm_w_null(o, CLLM_GPU_DEVICE_FIELDS[3], d->multiprocessors_why);
    if (d->l2_cache_bytes >= 0)
        cllm_w_int(o, CLLM_GPU_DEVICE_FIELDS[4], d->l2_cache_bytes);
    else
        cllm_w_null(o, CLLM_GPU_DEVICE_FIELDS[4], d->l2_cache_bytes_why);
    cllm_w_str(o, CLLM_GPU_DEVICE_FIELDS[5], d->pci_bus_id[0] ? d->pci_bus_id : NULL, d->pci_bus_id_why);
    cllm_w_num(o, CLLM_GPU_DEVICE_FIELDS[6], d->vram_total_gb, d->vram_why);
    cllm_w_num(o, CLLM_GPU_DEVICE_FIELDS[7], d->vram_free_gb, d->vram_why);
    if (d->driver_version[0])
        cllm_w_str(o, CLLM_GPU_DEVICE_FIELDS[8], d->driver_version, NULL);
}

static void write_timing(cJSON *size, const struct cllm_field *f, const struct cllm_gpugemm_timing *t)
{
    static const char *const zero = "the device timer reported zero time";
    cJSON *o;
    if (!t->present) {
        if (t->why[0])
            cllm_w_null(size, f, t->why);
        return;
    }
    o = cllm_w_obj(size, f);
    cllm_w_num(o, &CLLM_F_GPU_MEAN_TFLOPS, t->mean_tflops, zero);
    cllm_w_num(o, &CLLM_F_GPU_BEST_TFLOPS, t->best_tflops, zero);
    cllm_w_num(o, &CLLM_F_GPU_MEAN_S, t->mean_s, NULL);
    cllm_w_num(o, &CLLM_F_GPU_STD_S, t->std_s, NULL);
    cllm_w_nums(o, &CLLM_F_CL_TIMES_S, t->times_s, (size_t)t->n_times);
    cllm_w_int(o, &CLLM_F_GPU_BATCH, t->batch);
    cllm_w_num(o, &CLLM_F_GPU_CHECK_REL_ERR, t->check_rel_err, "the result holds NaN");
}

static void write_copy(cJSON *mem, const struct cllm_field *f, const struct cllm_gpugemm_copy *c)
{
    cJSON *o;
    if (!c->present)
        return;
    o = cllm_w_obj(mem, f);
    cllm_w_num(o, &CLLM_F_GPU_BEST_GBPS, c->best_gbps, "the device timer reported zero time");
    if (isfinite(c->best_gbps)) {
        cllm_w_num(o, &CLLM_F_GPU_MEAN_GBPS, c->mean_gbps, NULL);
        cllm_w_num(o, &CLLM_F_GPU_STD_GBPS, c->std_gbps, NULL);
    }
    cllm_w_nums(o, &CLLM_F_CL_TIMES_S, c->times_s, (size_t)c->n_times);
    cllm_w_num(o, &CLLM_F_GPU_BYTES, c->bytes, NULL);
}

/* How the runner takes its numbers (classic/gpu_gemm.c), one line each. */
static void write_method(cJSON *o)
{
    const struct cllm_record *rec = CLLM_F_GPU_METHOD.child;
    static const char *const text[] = {
        "device events around each batch (cudaEventElapsedTime / hipEventElapsedTime)",
        "2*N^3",
        "column-major, no transpose, C = A*B, beta 0, inputs uniform in [-1, 1)",
        "back-to-back GEMMs per timed batch, chosen from one timed GEMM so a batch lasts about batch_target_s "
        "(1 to 2000); times_s are per GEMM",
        "max |C - ref| / RMS(ref), ref in double on the CPU: every entry at validate_n, 256 sampled entries of each "
        "timed result",
        "d2d counts read + write (2 x bytes / time); h2d and d2h use pinned host memory and count bytes once",
    };
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]) && rec->fields[i]; i++)
        cllm_w_str(o, rec->fields[i], text[i], NULL);
}

static void write_params(cJSON *o, const struct cllm_gpugemm_params *p)
{
    const struct cllm_field *const *f = CLLM_F_GPU_PARAMETERS.child->fields;
    cJSON *arr = cllm_w_arr(o, f[0]);
    for (int i = 0; arr && i < p->n_sizes; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(p->sizes[i]));
    cllm_w_int(o, f[1], p->warmup);
    cllm_w_int(o, f[2], p->iterations);
    cllm_w_num(o, f[3], (double)p->copy_bytes, NULL);
    cllm_w_num(o, f[4], (double)p->h2d_bytes, NULL);
    cllm_w_int(o, f[5], p->device);
    cllm_w_int(o, f[6], p->validate_n);
    cllm_w_num(o, f[7], p->batch_target_s, NULL);
}

void cllm_write_gpu_compute(cJSON *phase, const struct cllm_gpugemm_result *r)
{
    write_status(phase, r->status);
    if (r->has_params)
        write_params(cllm_w_obj(phase, &CLLM_F_GPU_PARAMETERS), &r->params);
    if (!r->has_backends) {
        write_message(phase, r->status, r->message);   /* refused parameters */
        return;
    }
    {
        cJSON *arr = cllm_w_arr(phase, &CLLM_F_GPU_BACKENDS);
        for (int i = 0; arr && i < r->n_backends; i++) {
            cJSON *note = cJSON_CreateObject();
            if (!note)
                break;
            cllm_w_str(note, &CLLM_F_GPU_NOTE_NAME, r->backends[i].name, NULL);
            cllm_w_str(note, &CLLM_F_GPU_NOTE_STATUS, r->backends[i].status, NULL);
            cllm_w_str(note, &CLLM_F_DETAIL, r->backends[i].detail, NULL);
            cJSON_AddItemToArray(arr, note);
        }
    }
    if (!r->backend) {
        write_message(phase, r->status, r->message);
        return;
    }
    cllm_w_str(phase, &CLLM_F_GPU_BACKEND, r->backend, NULL);
    cllm_w_bool(phase, &CLLM_F_GPU_VERIFIED, r->verified);
    write_method(cllm_w_obj(phase, &CLLM_F_GPU_METHOD));
    {
        cJSON *libs = cllm_w_obj(phase, &CLLM_F_GPU_LIBRARIES);
        write_lib(libs, CLLM_GPU_LIB_FIELDS[0], &r->libs.runtime, NULL);
        if (r->libs.driver_api_version[0])
            cllm_w_str(libs, CLLM_GPU_LIB_FIELDS[3], r->libs.driver_api_version, NULL);
        write_lib(libs, CLLM_GPU_LIB_FIELDS[1], &r->libs.blas, r->libs.gemm_ex_api);
        write_lib(libs, CLLM_GPU_LIB_FIELDS[2], &r->libs.blas_lt, NULL);
    }
    if (r->has_device) {
        cJSON *dev = cllm_w_obj(phase, &CLLM_F_GPU_DEVICE);
        if (r->device_read)
            write_device(dev, &r->device);
    }
    if (r->has_validation) {
        cJSON *v = cllm_w_obj(phase, &CLLM_F_GPU_VALIDATION);
        cllm_w_int(v, CLLM_F_GPU_VALIDATION_N, r->params.validate_n);
        for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
            const struct cllm_gpugemm_check *c = &r->validation[k];
            cJSON *o;
            if (!c->present) {
                if (c->why[0])
                    cllm_w_null(v, CLLM_GPU_CHECK_FIELDS[k], c->why);
                continue;
            }
            o = cllm_w_obj(v, CLLM_GPU_CHECK_FIELDS[k]);
            if (!c->filled)
                continue;
            cllm_w_num(o, &CLLM_F_GPU_REL_ERR, c->rel_err,
                       isnan(c->rel_err) ? "the result holds NaN" : "the reference is all zero");
            cllm_w_num(o, &CLLM_F_CL_TOLERANCE, c->tolerance, NULL);
            cllm_w_bool(o, &CLLM_F_CL_PASSED, c->passed);
        }
    }
    if (r->has_results) {
        cJSON *res = cllm_w_obj(phase, &CLLM_F_GPU_RESULTS);
        for (int i = 0; res && i < r->n_sizes; i++) {
            const struct cllm_gpugemm_size *z = &r->sizes[i];
            char key[32];
            cJSON *so;
            size_key(z->n, key, sizeof(key));
            so = cllm_w_entry(res, key);
            for (int k = 0; so && k < CLLM_GPUGEMM_PRECISION_COUNT; k++) {
                write_timing(so, CLLM_GPU_PRECISION_FIELDS[k], &z->prec[k]);
                /* the original's key, right after the fp32 entry */
                if (k == CLLM_GPUGEMM_FP32 && isfinite(z->gflops))
                    cllm_w_num(so, &CLLM_F_CL_GFLOPS, z->gflops, NULL);
            }
        }
    }
    if (r->has_summary) {
        cJSON *sum = cllm_w_obj(phase, &CLLM_F_GPU_SUMMARY);
        for (int k = 0; k < CLLM_GPUGEMM_PRECISION_COUNT; k++)
            cllm_w_num(sum, CLLM_GPU_SUMMARY_FIELDS[k], r->summary_tflops[k], r->summary_why[k]);
    }
    if (r->has_memory) {
        cJSON *mem = cllm_w_obj(phase, &CLLM_F_GPU_MEMORY);
        write_copy(mem, &CLLM_F_GPU_D2D, &r->d2d);
        write_copy(mem, &CLLM_F_GPU_H2D, &r->h2d);
        write_copy(mem, &CLLM_F_GPU_D2H, &r->d2h);
    }
    write_message(phase, r->status, r->message);
}

void cllm_write_gpu_per_gpu(cJSON *phase, const struct cllm_classic_result *r)
{
    cJSON *arr;
    if (r->n_per_gpu < 2)
        return;
    arr = cllm_w_arr(phase, &CLLM_F_GPU_PER_GPU);
    for (int k = 0; arr && k < r->n_per_gpu; k++) {
        cJSON *o = cJSON_CreateObject();
        if (!o)
            break;
        cllm_w_int(o, &CLLM_F_GPU_ONE_GPU, r->per_gpu_index[k]);
        cllm_write_gpu_compute(o, k == 0 ? &r->gpu : &r->per_gpu_more[k - 1]);
        cJSON_AddItemToArray(arr, o);
    }
    if (r->peers) {
        const struct cllm_gpugemm_peers *pe = r->peers;
        cJSON *o = cllm_w_obj(phase, &CLLM_F_GPU_PEER_COPIES), *pairs;
        write_status(o, pe->status);
        if (pe->backend)
            cllm_w_str(o, &CLLM_F_GPU_BACKEND, pe->backend, NULL);
        pairs = pe->n > 0 ? cllm_w_arr(o, &CLLM_F_GPU_PEER_PAIRS) : NULL;
        for (int i = 0; pairs && i < pe->n; i++) {
            const struct cllm_gpugemm_peer *q = &pe->pair[i];
            cJSON *po = cJSON_CreateObject();
            if (!po)
                break;
            cllm_w_int(po, &CLLM_F_GPU_PEER_SRC_GPU, q->src_gpu);
            cllm_w_int(po, &CLLM_F_GPU_PEER_DST_GPU, q->dst_gpu);
            cllm_w_int(po, &CLLM_F_GPU_PEER_SRC_DEVICE, q->src_device);
            cllm_w_int(po, &CLLM_F_GPU_PEER_DST_DEVICE, q->dst_device);
            write_status(po, q->status);
            cllm_w_bool(po, &CLLM_F_GPU_PEER_ACCESS, q->peer_access);
            write_copy(po, &CLLM_F_GPU_PEER_COPY, &q->copy);
            write_message(po, q->status, q->message);
            cJSON_AddItemToArray(pairs, po);
        }
        write_message(o, pe->status, pe->message);
    }
}

/* ---- the runner ---- */

static void write_phase_into(cJSON *o, const struct cllm_classic_result *r, int index)
{
    const struct cllm_classic_phase *ph = &r->phase[index];

    if (ph->has_cleanup)
        cllm_w_cleanup(o, &CLLM_F_CLEANUP, &ph->cleanup);
    if (!ph->finished)
        return;
    switch (index) {
    case CLLM_CLASSIC_CPU_SINGLE: cllm_write_cpu_gemm(o, &r->cpu_single); break;
    case CLLM_CLASSIC_CPU_MULTI:  cllm_write_cpu_gemm(o, &r->cpu_multi); break;
    case CLLM_CLASSIC_MEMORY:     cllm_write_membw(o, &r->memory); break;
    case CLLM_CLASSIC_GPU:
        cllm_write_gpu_compute(o, &r->gpu);
        cllm_write_gpu_per_gpu(o, r);
        break;
    default: break;
    }
    if (ph->has_monitor) {
        cllm_w_monitor(o, &CLLM_F_MONITOR, &ph->monitor);
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

void cllm_write_classic_skipped(cJSON *section, const char *reason)
{
    cJSON_DeleteItemFromObjectCaseSensitive(section, CLLM_F_CL_STATUS.name);
    cJSON_DeleteItemFromObjectCaseSensitive(section, CLLM_F_REASON.name);
    cllm_w_str(section, &CLLM_F_CL_STATUS, cllm_write_classic_status_name(CLLM_CLASSIC_SKIPPED), NULL);
    cllm_w_str(section, &CLLM_F_REASON, reason, NULL);
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
    cllm_w_str(section, &CLLM_F_CL_STATUS, cllm_write_classic_status_name(r->status != CLLM_CLASSIC_NONE ? r->status
                                                                                                : CLLM_CLASSIC_OK),
               NULL);
}
