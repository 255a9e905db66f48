/* serve-bench's plan (see app/serve_plan.h). */
#include "app/serve_plan.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "hw/hw.h"
#include "report/fields_core.h"
#include "report/fields_serve.h"
#include "report/result.h"
#include "report/write.h"

/* A phase section of the document that serve-bench does not run: "skipped" with the reason. */
static void not_run(cJSON *result, const struct cllm_field *section)
{
    cllm_json_set_status(cJSON_GetObjectItemCaseSensitive(result, section->name), "skipped", CLLM_F_REASON.name,
                         "serve-bench measures a server's serving load only");
}

enum cllm_status cllm_run_serve_bench(const struct cllm_serve_params *p, const char *output_dir,
                                     struct cllm_serve_result *run_out, char *path_out, size_t path_n,
                                     cJSON **result_out, char *err, size_t errlen)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_hw_info *hw;
    const char *dir = output_dir ? output_dir : "results";
    time_t started = time(NULL);
    cJSON *result, *section;
    enum cllm_status st, wst;
    bool elsewhere = false;

    memset(run_out, 0, sizeof(*run_out));
    if (result_out)
        *result_out = NULL;
    if (path_n)
        path_out[0] = '\0';
    st = cllm_serve_check(p, err, errlen);
    if (st != CLLM_OK)
        return st;
    if (!cllm_serve_supported())
        return cllm_serve_run(p, run_out, err, errlen);
    /* an unwritable folder found after the whole load test would cost the test: check it first */
    st = cllm_result_dir_check(dir, err, errlen);
    if (st != CLLM_OK)
        return st;
    hw = calloc(1, sizeof(*hw));
    if (!hw) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    /* the hardware of the machine that ran the client: the server may be elsewhere */
    cllm_hw_detect(&hp, hw);
    result = cllm_result_new(hw, NULL, started);
    free(hw);
    if (!result) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    not_run(result, &CLLM_F_CLASSIC_BENCHMARKS);
    not_run(result, &CLLM_F_AI_BENCHMARKS);
    st = cllm_serve_run(p, run_out, err, errlen);
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED && st != CLLM_ERR_NOMEM) {
        cJSON_Delete(result);
        return st;
    }
    section = cllm_w_obj(result, &CLLM_F_SERVING_BENCHMARKS);
    cllm_write_serving(section, run_out);
    cllm_result_set_status(result, st == CLLM_ERR_CANCELLED             ? "cancelled"
                                   : run_out->status == CLLM_SERVE_OK ? "complete"
                                                                        : "failed",
                           time(NULL));
    /* a full disk keeps the measurements in a fallback folder (CLLM_ERR_IO with path_out set) */
    wst = cllm_result_save(result, dir, path_out, path_n, &elsewhere, err, errlen);
    if (wst != CLLM_OK && !elsewhere && path_n)
        path_out[0] = '\0';
    if (result_out)
        *result_out = result;
    else
        cJSON_Delete(result);
    return wst != CLLM_OK ? wst : st;
}
