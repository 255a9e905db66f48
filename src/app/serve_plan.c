/* serve-bench's plan (see app/serve_plan.h). */
#include "app/serve_plan.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "core/log.h"
#include "platform/fs.h"
#include "hw/hw.h"
#include "report/fields_core.h"
#include "report/fields_serve.h"
#include "report/result.h"
#include "report/write.h"
#include "serve/http_fetch.h"
#include "serve/workload.h"

/* A phase section of the document that serve-bench does not run: "skipped" with the reason. */
static void not_run(cJSON *result, const struct cllm_field *section)
{
    cllm_json_set_status(cJSON_GetObjectItemCaseSensitive(result, section->name), "skipped", CLLM_F_REASON.name,
                         "serve-bench measures a server's serving load only");
}

struct cllm_run_serve_opts cllm_run_serve_default_opts(void)
{
    struct cllm_run_serve_opts o;
    memset(&o, 0, sizeof(o));
    o.monitor = true;
    return o;
}

/* Each level's energy over [its first send, its last end] from the stopped monitor (its last sample closes the last
 * window); the level's output tokens per joule beside it. */
static void level_energy(struct cllm_monitor *mon, const char *why_none, struct cllm_serve_result *r)
{
    for (int i = 0; i < r->n_levels; i++) {
        struct cllm_serve_level *L = &r->levels[i];
        L->has_energy = true;
        L->energy_per_request_j = NAN;
        if (!mon) {
            cllm_llm_energy_none(&L->energy, "no energy readings: the resource monitor did not start (%s)", why_none);
            continue;
        }
        if (!L->t0_ns || L->t1_ns < L->t0_ns) {
            cllm_llm_energy_none(&L->energy, "no request ended in the level");
            continue;
        }
        if (cllm_monitor_energy(mon, L->t0_ns, L->t1_ns, CLLM_ENERGY_ALL_GPUS, &L->energy.win) != CLLM_OK) {
            cllm_llm_energy_none(&L->energy, "no energy window for the level");
            continue;
        }
        cllm_llm_energy_per_token(&L->energy, L->output_tokens > INT32_MAX ? -1 : (int)L->output_tokens);
        if (isfinite(L->energy.win.j) && L->n_requests > 0)
            L->energy_per_request_j = L->energy.win.j / L->n_requests;
    }
}

/* --save-requests: one JSON object per line, every request of every level, as a new file. */
static enum cllm_status save_requests(const struct cllm_serve_result *r, const char *path, char *path_out,
                                      size_t path_n, char *err, size_t errlen)
{
    struct cllm_fs_write_params wp = cllm_fs_write_default_params();
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    enum cllm_status st;

    if (!buf) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    buf[0] = '\0';
    for (int i = 0; i < r->n_levels; i++) {
        for (int k = 0; k < r->levels[i].n_requests; k++) {
            cJSON *o = cllm_write_serve_request_line(r, i, k);
            char *line = o ? cJSON_PrintUnformatted(o) : NULL;
            size_t n = line ? strlen(line) : 0;
            cJSON_Delete(o);
            if (!line) {
                free(buf);
                snprintf(err, errlen, "out of memory");
                return CLLM_ERR_NOMEM;
            }
            if (len + n + 2 > cap) {
                char *nb;
                while (len + n + 2 > cap)
                    cap *= 2;
                nb = realloc(buf, cap);
                if (!nb) {
                    free(line);
                    free(buf);
                    snprintf(err, errlen, "out of memory");
                    return CLLM_ERR_NOMEM;
                }
                buf = nb;
            }
            memcpy(buf + len, line, n);
            len += n;
            buf[len++] = '\n';
            buf[len] = '\0';
            free(line);
        }
    }
    st = cllm_fs_write_new(path, buf, len, &wp, path_out, path_n, err, errlen);
    free(buf);
    return st;
}

/* The folder of a --save-requests path, checked before any request (a path ending in '/' names a folder: refused). */
static enum cllm_status requests_path_check(const char *path, char *err, size_t errlen)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (!path[0] || (slash && !slash[1])) {
        snprintf(err, errlen, "--save-requests: '%s' names no file", path);
        return CLLM_ERR_CONFIG;
    }
    if (n >= sizeof(dir)) {
        snprintf(err, errlen, "--save-requests: the path is too long");
        return CLLM_ERR_CONFIG;
    }
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (n == 0)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)n, path);
    if (cllm_fs_check_writable(dir, err, errlen) != CLLM_OK) {
        char e[CLLM_ERR_LEN];
        snprintf(e, sizeof(e), "--save-requests: %s", err);
        snprintf(err, errlen, "%s", e);
        return CLLM_ERR_IO;
    }
    return CLLM_OK;
}

/* The requests a run sends, where that can be known (each level's limit); else a bounded guess: what
 * cllm_workload_prepare builds before the clock runs (later ones are built as they are sent). */
static long planned_requests(const struct cllm_serve_params *p)
{
    long n = 0;
    if (p->find_max != CLLM_SERVE_FIND_NONE)
        return 4L * p->probe_requests;
    if (p->n_rates > 0)
        n = (long)p->n_rates * (p->requests > 0 ? p->requests : p->duration_s > 0 ? 256 : CLLM_SERVE_DEFAULT_OPEN_REQUESTS);
    else
        for (int i = 0; i < p->n_levels; i++)
            n += p->requests > 0 ? p->requests : p->duration_s > 0 ? 256 : (4 * p->concurrency[i] > 16 ? 4 * p->concurrency[i] : 16);
    return n < 4096 ? n : 4096;
}

/* The workload of o (NULL when o asks for none): the server's tokenizer when it has one, checked with one count. */
static enum cllm_status workload_make(const struct cllm_serve_params *p, const struct cllm_run_serve_opts *o,
                                      struct cllm_workload **out, struct cllm_serve_workload_info *info, char *err,
                                      size_t errlen)
{
    struct cllm_workload_params wp = cllm_workload_default_params();
    char auth[600] = "", out_len[24], terr[CLLM_ERR_LEN];
    enum cllm_status st;

    *out = NULL;
    memset(info, 0, sizeof(*info));
    if (!o->input_len && !o->output_len && !o->dataset && !o->languages && !o->genres)
        return CLLM_OK;
    if (p->api_key && p->api_key[0])
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->api_key);
    snprintf(out_len, sizeof(out_len), "%d", p->max_tokens);
    wp.input_len = o->dataset ? o->input_len : o->input_len ? o->input_len : "256";
    wp.output_len = o->output_len ? o->output_len : out_len;
    wp.dataset = o->dataset;
    wp.languages = o->languages;
    wp.genres = o->genres;
    wp.seed = p->seed;
    wp.auth = auth[0] ? auth : NULL;
    if (cllm_workload_tokenize_http(p->server_url, wp.auth, "hello world", 11, terr, sizeof(terr)) >= 0) {
        wp.tokenize_url = p->server_url;
        info->counted = true;
    } else {
        snprintf(info->why_estimated, sizeof(info->why_estimated), "no tokenizer at the server: %.200s", terr);
    }
    st = cllm_workload_new(&wp, out, err, errlen);
    if (st == CLLM_OK)
        st = cllm_workload_prepare(*out, planned_requests(p), err, errlen);
    if (st != CLLM_OK) {
        cllm_workload_free(*out);
        *out = NULL;
        return st;
    }
    info->source = cllm_workload_source(*out);
    info->input_len = o->dataset ? NULL : wp.input_len;
    info->output_len = o->output_len ? o->output_len : NULL;
    info->dataset = o->dataset;
    info->languages = o->languages;
    info->genres = o->genres;
    info->size = cllm_workload_size(*out);
    info->seed = wp.seed;
    return CLLM_OK;
}

enum cllm_status cllm_run_serve_bench(const struct cllm_serve_params *p, const struct cllm_run_serve_opts *opts,
                                     const char *output_dir, struct cllm_serve_result *run_out, char *path_out,
                                     size_t path_n, cJSON **result_out, char *err, size_t errlen)
{
    struct cllm_run_serve_opts dflt = cllm_run_serve_default_opts();
    const struct cllm_run_serve_opts *o = opts ? opts : &dflt;
    struct cllm_monitor *mon = NULL;
    char merr[256] = "";
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_hw_info *hw;
    const char *dir = output_dir ? output_dir : "results";
    time_t started = time(NULL);
    cJSON *result, *section;
    enum cllm_status st, wst;
    bool elsewhere = false;
    struct cllm_workload *wl = NULL;
    struct cllm_serve_workload_info winfo;
    struct cllm_serve_params q;

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
    /* Ctrl-C ends the side requests too: the workload tokenizer's counts and the /metrics scrapes */
    cllm_fetch_set_cancel(p->cancel);
    /* a bad spec or dataset line is found before any request or folder is made */
    st = workload_make(p, o, &wl, &winfo, err, errlen);
    if (st != CLLM_OK)
        return st;
    q = *p;
    if (wl) {
        q.next_request = cllm_workload_next;
        q.next_user_data = wl;
        q.workload = &winfo;
    }
    p = &q;
    /* an unwritable folder found after the whole load test would cost the test: check it first */
    st = cllm_result_dir_check(dir, err, errlen);
    if (st != CLLM_OK) {
        cllm_workload_free(wl);
        return st;
    }
    if (o->requests_path_out && o->requests_path_n)
        o->requests_path_out[0] = '\0';
    if (o->save_requests) {
        st = requests_path_check(o->save_requests, err, errlen);
        if (st != CLLM_OK) {
            cllm_workload_free(wl);
            return st;
        }
    }
    hw = calloc(1, sizeof(*hw));
    if (!hw) {
        cllm_workload_free(wl);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    /* the hardware of the machine that ran the client: the server may be elsewhere */
    cllm_hw_detect(&hp, hw);
    result = cllm_result_new(hw, NULL, started);
    free(hw);
    if (!result) {
        cllm_workload_free(wl);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    not_run(result, &CLLM_F_CLASSIC_BENCHMARKS);
    not_run(result, &CLLM_F_AI_BENCHMARKS);
    if (o->monitor) {
        struct cllm_monitor_params mp = cllm_monitor_default_params();
        mp.sampler = o->monitor_sampler;
        mon = cllm_monitor_start(&mp, merr, sizeof(merr));
        if (!mon)
            CLLM_LOG(CLLM_LOG_WARN, "serve-bench: resource monitor did not start: %s", merr);
    }
    st = cllm_serve_run(p, run_out, err, errlen);
    cllm_monitor_stop(mon);
    if (o->monitor)
        level_energy(mon, merr, run_out);
    cllm_monitor_free(mon);
    /* the requests' strings were copied into run_out: the workload is done */
    cllm_workload_free(wl);
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED && st != CLLM_ERR_NOMEM) {
        cJSON_Delete(result);
        return st;
    }
    if (o->save_requests && run_out->n_levels > 0) {
        char rerr[CLLM_ERR_LEN];
        enum cllm_status rst = save_requests(run_out, o->save_requests, o->requests_path_out, o->requests_path_n,
                                             rerr, sizeof(rerr));
        if (rst != CLLM_OK)
            CLLM_LOG(CLLM_LOG_ERROR, "serve-bench: --save-requests %s was not written: %s", o->save_requests, rerr);
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
