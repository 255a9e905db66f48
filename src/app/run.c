#include "app/run.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/advise.h"
#include "core/log.h"
#include "report/fields_advice.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/result.h"
#include "report/write.h"
#include "report/write_classic.h"
#include "report/write_llm.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "core/json.h"
#include "report/write_core.h"

struct cllm_run_params cllm_run_default_params(void)
{
    struct cllm_run_params p;
    cllm_config_defaults(&p.cfg);
    p.skip_classic = false;
    p.skip_ai = false;
    p.output_dir = "results";
    p.gpus = NULL;
    p.ai = cllm_ai_default_params();
    p.cancel = NULL;
    p.on_hardware = NULL;
    p.classic_progress = NULL;
    p.ai_progress = NULL;
    p.ai_step = NULL;
    p.monitor_sample = NULL;
    p.user_data = NULL;
    return p;
}

static bool cancelled(const struct cllm_run_params *p) { return p->cancel && *p->cancel; }

/* The classic runner's progress as the callers see it: each phase as its results JSON. */
static void classic_progress(enum cllm_phase_event ev, int index, int count, const struct cllm_classic_result *r,
                             void *user_data)
{
    const struct cllm_run_params *p = user_data;
    cJSON *phase = ev == CLLM_PHASE_DONE ? cllm_write_classic_phase(r, index) : cJSON_CreateObject();
    if (phase)
        p->classic_progress(ev, index, count, CLLM_CLASSIC_PHASE_FIELDS[index]->name, phase, p->user_data);
    cJSON_Delete(phase);
}

/* The classic phase's monitor samples go to the caller's callback with the caller's user_data. */
static void classic_sample(const struct cllm_sample *s, void *user_data)
{
    const struct cllm_run_params *p = user_data;
    p->monitor_sample(s, p->user_data);
}

enum cllm_status cllm_run_benchmark(const struct cllm_run_params *p, char *path_out, size_t path_n,
                                    cJSON **result_out, char *err, size_t errlen)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
    struct cllm_gpu_selection sel;
    time_t started = time(NULL);
    cJSON *result;
    enum cllm_status st;
    /* the roofline's bandwidths, from the classic phases when they ran */
    double cpu_read_gbps = NAN, gpu_d2d_gbps = NAN;

    if (result_out)
        *result_out = NULL;
    if (path_n)
        path_out[0] = '\0';
    /* an unwritable folder found after an hour of benchmarks would cost the hour: check it first */
    st = cllm_result_dir_check(p->output_dir ? p->output_dir : "results", err, errlen);
    if (st != CLLM_OK) {
        free(hw);
        return st;
    }
    if (!hw) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    cllm_hw_detect(&hp, hw);
    /* a GPU asked for that is not there fails now, before an hour of phases */
    {
        char why[CLLM_ERR_LEN];
        if (cllm_gpu_select(&hw->gpu, p->gpus, NULL, &sel, why, sizeof(why)) != CLLM_OK) {
            snprintf(err, errlen, "--gpus: %s", why);
            free(hw);
            return CLLM_ERR_INVALID_ARG;
        }
    }
    if (p->on_hardware)
        p->on_hardware(hw, p->user_data);
    result = cllm_result_new(hw, &p->cfg, started);
    if (!result) {
        free(hw);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    if (hw->gpu.n_devices > 0 || (p->gpus && p->gpus[0]))
        cllm_write_gpu_selection(result, &sel);

    if (p->skip_classic) {
        cllm_write_classic_skipped(cJSON_GetObjectItemCaseSensitive(result, CLLM_F_CLASSIC_BENCHMARKS.name),
                                   "--skip-classic given");
    } else if (!cancelled(p)) {
        struct cllm_classic_params cp = cllm_classic_default_params();
        struct cllm_classic_result *cr = calloc(1, sizeof(*cr));
        if (!cr) {
            cJSON_Delete(result);
            free(hw);
            snprintf(err, errlen, "out of memory");
            return CLLM_ERR_NOMEM;
        }
        cp.cfg = &p->cfg;
        cp.hw = hw;
        cp.cancel = p->cancel;
        cp.gpus = &sel;
        cp.progress = p->classic_progress ? classic_progress : NULL;
        cp.monitor_sample = p->monitor_sample ? classic_sample : NULL;
        cp.user_data = (void *)p;
        cllm_classic_run(&cp, cr);
        cllm_write_classic(cJSON_GetObjectItemCaseSensitive(result, CLLM_F_CLASSIC_BENCHMARKS.name), cr);
        if (cr->phase[CLLM_CLASSIC_MEMORY].finished && cr->memory.has_best)
            cpu_read_gbps = cr->memory.best_gbps[CLLM_MEMBW_READ];
        if (cr->phase[CLLM_CLASSIC_GPU].finished)
            gpu_d2d_gbps = cr->gpu.d2d_best_gbps;
        cllm_classic_result_free(cr);
        free(cr);
    }

    if (p->skip_ai) {
        cllm_write_ai_skipped(cJSON_GetObjectItemCaseSensitive(result, CLLM_F_AI_BENCHMARKS.name), "--skip-ai given");
    } else if (!cancelled(p)) {
        struct cllm_ai_params ap = p->ai;
        ap.cfg = &p->cfg;
        ap.hw = hw;
        ap.cancel = p->cancel;
        ap.gpu_sel = sel.n > 0 ? &sel : NULL;
        ap.progress = p->ai_progress;
        ap.step = p->ai_step;
        ap.monitor_sample = p->monitor_sample;
        ap.user_data = p->user_data;
        ap.cpu_read_gbps = cpu_read_gbps;
        /* a device-to-device copy counts read + write: the read rate is half */
        ap.gpu_read_gbps = gpu_d2d_gbps / 2;
        ap.cleanup_pause_s = p->cfg.cleanup_pause_s;
        /* the plain phase, then the comparison phases (6, 8, 9, 10) ap.compare names, on the same models */
        cllm_ai_run(&ap, cJSON_GetObjectItemCaseSensitive(result, CLLM_F_AI_BENCHMARKS.name));
    }

    if (!cancelled(p)) {
        /* what fits here and how fast, with this run's own measurements as the inputs */
        struct cllm_advise_params adp = cllm_advise_default_params();
        struct cllm_fit_advice adv;
        char aerr[CLLM_ERR_LEN];
        adp.hw = hw;
        adp.models_dir = p->ai.models_dir ? p->ai.models_dir : "models";
        adp.models_file = p->ai.models_file;
        adp.n_ctx = p->cfg.inference.n_ctx;
        adp.result = result;
        adp.result_origin = "this run";
        if (cllm_advise(&adp, &adv, aerr, sizeof(aerr)) == CLLM_OK) {
            cllm_write_advice_into(result, &adv);
            cllm_fit_advice_free(&adv);
        } else {
            CLLM_LOG(CLLM_LOG_WARN, "advice not written: %s", aerr);
        }
    }
    cllm_result_set_status(result, cancelled(p) ? "cancelled" : "complete", time(NULL));
    {
        bool elsewhere;
        st = cllm_result_save(result, p->output_dir ? p->output_dir : "results", path_out, path_n, &elsewhere, err,
                              errlen);
        if (st != CLLM_OK && !elsewhere && path_n)
            path_out[0] = '\0';
    }
    if (st == CLLM_OK && cancelled(p))
        st = CLLM_ERR_CANCELLED;
    if (result_out)
        *result_out = result;
    else
        cJSON_Delete(result);
    free(hw);
    return st;
}

bool cllm_run_ai_failed(const cJSON *result, char *why, size_t n)
{
    const cJSON *section = cllm_r_get(result, &CLLM_F_AI_BENCHMARKS), *m;
    const char *status = cllm_r_str(section, &CLLM_F_AI_STATUS);
    const char *first = NULL, *first_why = NULL;
    int n_models = 0;

    if (n)
        why[0] = '\0';
    /* skipped (--skip-ai), cancelled (partial) or never started: not a failure of the work */
    if (!status || strcmp(status, "skipped") == 0 || strcmp(status, "partial") == 0 ||
        strcmp(status, "running") == 0)
        return false;
    cJSON_ArrayForEach(m, cllm_r_get(section, &CLLM_F_AI_RESULTS)) {
        const char *ms = cllm_r_str(m, &CLLM_F_LLM_STATUS);
        n_models++;
        if (ms && (strcmp(ms, "ok") == 0 || strcmp(ms, "cancelled") == 0))
            return false;
        if (!first) {
            const char *e = cllm_r_str(m, &CLLM_F_ERROR);
            const char *r = cllm_r_str(m, &CLLM_F_REASON);
            first = m->string;
            first_why = e ? e : r ? r : ms ? ms : "no status";
        }
    }
    if (n_models == 0) {
        /* nothing asked for (an empty model list) is fine; a phase that could not start is not */
        const char *e = cllm_r_str(section, &CLLM_F_ERROR);
        if (strcmp(status, "failed") != 0)
            return false;
        snprintf(why, n, "it could not start: %s", e ? e : "no reason given");
        return true;
    }
    snprintf(why, n, "no model ran: %d model%s failed or skipped (%s: %s)", n_models, n_models == 1 ? "" : "s",
             first, first_why);
    return true;
}
