#include "web/api.h"
#include "web/views.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/advise.h"
#include "app/run.h"
#include "core/clock.h"
#include "report/compare.h"
#include "core/config.h"
#include "report/export_csv.h"
#include "platform/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "report/result.h"
#include "classic/gpu_gemm.h"
#include "classic/membw.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/fields_llm.h"
#include "report/fields_prom.h"
#include "report/fields_serve.h"
#include "report/fields_sweep.h"
#include "report/write.h"
#include "report/write_hw.h"
#include "hw/hw.h"
#include "serve/engine_server.h"
#include "serve/prom.h"
#include "llm/bench.h"
#include "llm/llama_api.h"
#include "llm/llm_result.h"
#include "model/registry.h"
#include "app/ai_phase.h"
#include "app/run_plan.h"
#include "app/run_request.h"
#include "monitor/monitor.h"
#include "core/file.h"
#include "core/stats.h"
#include "core/strutil.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct web_event {
    char *type;   /* "hardware", "phase", "ai", "done" */
    char *data;   /* one-line JSON */
};

struct web_run {
    char   id[32];
    struct cllm_run_params rp;
    struct cllm_run_request rq;       /* the request as checked; rp.ai points into it. Its api_key is wiped
                                         when the run ends, never logged */
    char   llama_server[PATH_MAX];    /* auto mode: the llama-server binary, resolved from the allowed list */
    volatile sig_atomic_t cancel;
    pthread_t thread;
    bool   joined;
    bool   finished;
    char   status[16];            /* running, complete, cancelled, failed */
    char   path[PATH_MAX];        /* the results file, "" until written */
    char   error[CLLM_ERR_LEN];
    time_t started, ended;
    double t0_s;                  /* cllm_now_s() at the start: the live monitor's time axis, elapsed time */
    double t_end_s;               /* cllm_now_s() at the end */
    /* the plan's steps (built once the hardware is known) and where the run is in them: the GUI's progress bar.
     * Under api->mu. */
    struct cllm_run_plan plan;
    bool   has_plan;
    struct cllm_plan_tracker tracker;
    struct web_event *events;
    size_t n_events, cap_events;
    struct cllm_web_api *api;
    struct web_run *next;
};

struct cllm_web_api {
    struct cllm_web_api_params p;
    char  *results_dir, *models_dir, *models_file, *llama_lib;   /* owned copies of p's strings */
    char **llama_given, **llama_real;  /* params.llama_servers as given and resolved (absolute) */
    size_t n_llama;
    pthread_mutex_t mu;
    pthread_cond_t  cond;          /* broadcast on every new event and at shutdown */
    struct web_run *runs;          /* newest first */
    struct web_run *running;       /* NULL when idle */
    char  *hardware_json;          /* cached cllm_report_hardware text */
    struct cllm_hw_info *hw;       /* the same detection as a struct (the models' fit); NULL until detected */
    pthread_mutex_t detect_mu;     /* one detection at a time: the detectors keep state in statics */
    bool   shutting_down;
};

struct cllm_web_stream {
    struct cllm_web_api *api;
    struct web_run *run;
    size_t next;                   /* index of the next event to send */
    char  *pending;                /* formatted text not yet copied out */
    size_t pending_len, pending_off;
    bool   ended;
};

struct cllm_web_api_params cllm_web_api_default_params(void)
{
    struct cllm_web_api_params p = {
        .results_dir = "results",
        .models_dir = NULL,
        .models_file = NULL,
        .llama_lib = NULL,
        .max_upload_bytes = CLLM_WEB_MAX_UPLOAD_BYTES,
        .probe_llama = true,
    };
    return p;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void notify_locked(struct cllm_web_api *api)
{
    pthread_cond_broadcast(&api->cond);
    if (api->p.notify)
        api->p.notify(api->p.notify_user);
}

struct cllm_web_api *cllm_web_api_new(const struct cllm_web_api_params *p, char *err, size_t errlen)
{
    struct cllm_web_api *api = calloc(1, sizeof(*api));
    if (!api) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    api->p = *p;
    api->p.llama_servers = NULL;
    api->results_dir = strdup(p->results_dir ? p->results_dir : "results");
    api->models_dir = dup_or_null(p->models_dir);
    api->models_file = dup_or_null(p->models_file);
    api->llama_lib = dup_or_null(p->llama_lib);
    if (p->n_llama_servers) {
        api->llama_given = calloc(p->n_llama_servers, sizeof(char *));
        api->llama_real = calloc(p->n_llama_servers, sizeof(char *));
    }
    if (!api->results_dir || (p->n_llama_servers && (!api->llama_given || !api->llama_real))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    /* each allowed executable is resolved now: what a run starts is fixed when the server starts */
    for (size_t i = 0; i < p->n_llama_servers; i++) {
        char real[PATH_MAX], ferr[512];
        const char *given = p->llama_servers[i] ? p->llama_servers[i] : "";
        if (cllm_serve_llama_server_find(given, real, sizeof(real), ferr, sizeof(ferr)) != CLLM_OK) {
            snprintf(err, errlen, "--llama-server %s: %s", given, ferr);
            goto fail;
        }
        api->llama_given[i] = strdup(given);
        api->llama_real[i] = strdup(real);
        api->n_llama = i + 1;
        if (!api->llama_given[i] || !api->llama_real[i]) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    if (api->p.max_upload_bytes == 0)
        api->p.max_upload_bytes = CLLM_WEB_MAX_UPLOAD_BYTES;
    pthread_mutex_init(&api->mu, NULL);
    pthread_mutex_init(&api->detect_mu, NULL);
    pthread_cond_init(&api->cond, NULL);
    return api;
fail:
    free_strings(api->llama_given, api->n_llama);
    free_strings(api->llama_real, api->n_llama);
    free(api->results_dir);
    free(api->models_dir);
    free(api->models_file);
    free(api->llama_lib);
    free(api);
    return NULL;
}

void cllm_web_api_shutdown(struct cllm_web_api *api)
{
    if (!api)
        return;
    pthread_mutex_lock(&api->mu);
    api->shutting_down = true;
    if (api->running)
        api->running->cancel = 1;
    notify_locked(api);
    pthread_mutex_unlock(&api->mu);
}

void cllm_web_api_free(struct cllm_web_api *api)
{
    if (!api)
        return;
    cllm_web_api_shutdown(api);
    for (struct web_run *r = api->runs; r; r = r->next)
        if (!r->joined) {
            pthread_join(r->thread, NULL);
            r->joined = true;
        }
    while (api->runs) {
        struct web_run *r = api->runs;
        api->runs = r->next;
        for (size_t i = 0; i < r->n_events; i++) {
            free(r->events[i].type);
            free(r->events[i].data);
        }
        free(r->events);
        cllm_run_plan_free(&r->plan);
        free(r);
    }
    pthread_cond_destroy(&api->cond);
    pthread_mutex_destroy(&api->mu);
    pthread_mutex_destroy(&api->detect_mu);
    free(api->hardware_json);
    free(api->hw);
    free(api->results_dir);
    free(api->models_dir);
    free(api->models_file);
    free(api->llama_lib);
    free_strings(api->llama_given, api->n_llama);
    free_strings(api->llama_real, api->n_llama);
    free(api);
}

void cllm_web_response_free(struct cllm_web_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
}

/* ---- responses ---- */

void cllm_web_reply_text(struct cllm_web_response *resp, int status, const char *type, char *body)
{
    resp->status = status;
    resp->content_type = type;
    resp->body = body;
    resp->body_len = body ? strlen(body) : 0;
}

void cllm_web_reply_json(struct cllm_web_response *resp, int status, struct cJSON *obj)
{
    char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    if (!text) {
        cllm_web_reply_text(resp, 500, "application/json", strdup("{\"error\":\"out of memory\"}"));
        return;
    }
    cllm_web_reply_text(resp, status, "application/json", text);
}

void cllm_web_reply_error(struct cllm_web_response *resp, int status, const char *fmt, ...)
{
    char msg[1200];
    va_list ap;
    cJSON *o = cJSON_CreateObject();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cJSON_AddStringToObject(o, "error", msg);
    cllm_web_reply_json(resp, status, o);
}

/* ---- names ---- */

bool cllm_web_valid_result_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 6 || n > 200 || name[0] == '.' || strstr(name, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '-')
            return false;
    }
    return strcmp(name + n - 5, ".json") == 0;
}

bool cllm_web_valid_quant(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 31)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_')
            return false;
    return true;
}

static bool valid_run_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)id[i]) && id[i] != '_')
            return false;
    return true;
}

/* ---- run events (called from the run thread) ---- */

/* Appends one event; the caller holds api->mu. Takes ownership of type and text (freed on failure). */
static void append_locked(struct web_run *r, char *type, char *text)
{
    if (!type || !text) {
        free(type);
        free(text);
        return;
    }
    if (r->n_events == r->cap_events) {
        size_t cap = r->cap_events ? r->cap_events * 2 : 32;
        struct web_event *ev = realloc(r->events, cap * sizeof(*ev));
        if (!ev) {
            free(text);
            free(type);
            return;
        }
        r->events = ev;
        r->cap_events = cap;
    }
    r->events[r->n_events].type = type;
    r->events[r->n_events].data = text;
    r->n_events++;
    notify_locked(r->api);
}

static cJSON *state_json_locked(struct web_run *r, double now_s);

/* Adds the run's progress to event data o: "progress" (0..1), "progress_pct" (the bar's width: a whole
 * percentage, rounded down, so 100 only at the end) and "state" (state_json_locked). Caller holds api->mu. */
static void add_progress_locked(struct web_run *r, cJSON *o, double now_s)
{
    double f = r->has_plan ? cllm_plan_tracker_fraction(&r->plan, &r->tracker, now_s) : 0;
    cJSON_AddNumberToObject(o, "progress", f);
    cJSON_AddNumberToObject(o, "progress_pct", floor(f * 100));
    cJSON_AddItemToObject(o, "state", state_json_locked(r, now_s));
}

/* Takes ownership of data; an object gets the run's progress. */
static void add_event(struct web_run *r, const char *type, cJSON *data)
{
    char *text, *t = strdup(type);
    pthread_mutex_lock(&r->api->mu);
    if (cJSON_IsObject(data))
        add_progress_locked(r, data, cllm_now_s());
    text = data ? cJSON_PrintUnformatted(data) : strdup("{}");
    cJSON_Delete(data);
    if (text && t)
        append_locked(r, t, text);
    else {
        free(text);
        free(t);
    }
    pthread_mutex_unlock(&r->api->mu);
}

/* Monitor time series make a phase summary megabytes long; the stream carries the numbers, not the samples. */
static void drop_samples(cJSON *o)
{
    cJSON *c;
    if (!cJSON_IsObject(o) && !cJSON_IsArray(o))
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(o, CLLM_F_MON_SAMPLES.name);
    cJSON_ArrayForEach(c, o) drop_samples(c);
}

/* The hardware event's text also fills GET /api/hardware's cache: printed once for both. */
static void on_hardware(const struct cllm_hw_info *hw, void *user_data)
{
    struct web_run *r = user_data;
    cJSON *j = cllm_report_hardware(hw);
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    struct cllm_run_plan plan;
    bool planned = cllm_run_plan_build(&r->rp, hw, &plan) == CLLM_OK;
    cJSON_Delete(j);
    pthread_mutex_lock(&r->api->mu);
    if (planned) {
        /* detection (the plan's first step) is done */
        r->plan = plan;
        r->has_plan = true;
        cllm_plan_tracker_init(&r->tracker, cllm_now_s());
        cllm_plan_tracker_move(&r->plan, &r->tracker, 1, cllm_now_s());
    }
    if (!text) {
        pthread_mutex_unlock(&r->api->mu);
        return;
    }
    if (!r->api->hardware_json)
        r->api->hardware_json = strdup(text);
    if (!r->api->hw && (r->api->hw = malloc(sizeof(*r->api->hw))) != NULL)
        *r->api->hw = *hw;
    append_locked(r, strdup("hardware"), text);
    pthread_mutex_unlock(&r->api->mu);
}

static void add_num_or_null(cJSON *o, const char *key, double v);
static void add_str_or_null(cJSON *o, const char *key, const char *s);

/* Moves the run to plan step index (a start) or past it (after: the step's end). */
static void plan_move(struct web_run *r, int index, bool after)
{
    if (index < 0)
        return;
    pthread_mutex_lock(&r->api->mu);
    if (r->has_plan)
        cllm_plan_tracker_move(&r->plan, &r->tracker, index + (after ? 1 : 0), cllm_now_s());
    pthread_mutex_unlock(&r->api->mu);
}

/* The step of the plan going on: {"index", "kind", "label", "name" (classic), "model", "phase", "variant", "run"
 * (from 1), "runs"}; null when none. Caller holds api->mu. */
static cJSON *step_json_locked(const struct web_run *r)
{
    const struct cllm_plan_step *s;
    cJSON *o;
    if (!r->has_plan || r->tracker.cursor >= r->plan.n || r->finished)
        return cJSON_CreateNull();
    s = &r->plan.steps[r->tracker.cursor];
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "index", r->tracker.cursor);
    cJSON_AddStringToObject(o, "kind", cllm_plan_step_kind_name(s));
    cJSON_AddStringToObject(o, "label", s->label);
    if (s->kind == CLLM_PLAN_CLASSIC)
        cJSON_AddStringToObject(o, "name", s->label);
    if (s->kind == CLLM_PLAN_AI) {
        cJSON_AddStringToObject(o, "model", s->model);
        cJSON_AddStringToObject(o, "phase", s->phase_name);
        cJSON_AddStringToObject(o, "variant", s->variant);
        if (s->ai.stage == CLLM_AI_STAGE_RUN) {
            cJSON_AddNumberToObject(o, "run", s->ai.run + 1);
            cJSON_AddNumberToObject(o, "runs", s->n_runs);
        }
    }
    return o;
}

/* The run's state as the GUI shows it: {"status": "running" | "cancelling" | "complete" | "cancelled" | "failed",
 * "steps_done", "steps_total" (null before the plan is known), "step", "fraction", "pct", "elapsed_s",
 * "remaining_s" (null when not running or not known), "planned_s"}. Caller holds api->mu. */
static cJSON *state_json_locked(struct web_run *r, double now_s)
{
    cJSON *o = cJSON_CreateObject();
    double elapsed = (r->finished ? r->t_end_s : now_s) - r->t0_s;
    double f = r->has_plan ? cllm_plan_tracker_fraction(&r->plan, &r->tracker, now_s) : 0;
    cJSON_AddStringToObject(o, "status", r->finished ? r->status : r->cancel ? "cancelling" : "running");
    if (r->has_plan) {
        cJSON_AddNumberToObject(o, "steps_done", r->tracker.cursor);
        cJSON_AddNumberToObject(o, "steps_total", r->plan.n);
        cJSON_AddNumberToObject(o, "planned_s", r->plan.total_s);
    } else {
        cJSON_AddNullToObject(o, "steps_done");
        cJSON_AddNullToObject(o, "steps_total");
        cJSON_AddNullToObject(o, "planned_s");
    }
    cJSON_AddItemToObject(o, "step", step_json_locked(r));
    cJSON_AddNumberToObject(o, "fraction", f);
    cJSON_AddNumberToObject(o, "pct", floor(f * 100));
    cJSON_AddNumberToObject(o, "elapsed_s", elapsed > 0 ? elapsed : 0);
    if (!r->finished && !r->cancel && r->has_plan)
        add_num_or_null(o, "remaining_s", cllm_plan_tracker_remaining_s(&r->plan, &r->tracker, elapsed, now_s));
    else
        cJSON_AddNullToObject(o, "remaining_s");
    return o;
}

/* Each AI step as it starts: the plan moves to it, and a "step" event says so. */
static void on_ai_step(const struct cllm_ai_pos *at, void *user_data)
{
    struct web_run *r = user_data;
    int index;
    pthread_mutex_lock(&r->api->mu);
    index = r->has_plan ? cllm_run_plan_find_ai(&r->plan, r->tracker.cursor, at) : -1;
    pthread_mutex_unlock(&r->api->mu);
    if (index < 0)
        return;
    plan_move(r, index, false);
    add_event(r, "step", cJSON_CreateObject());
}

static void on_classic(enum cllm_phase_event ev, int index, int count, const char *name, const cJSON *phase,
                       void *user_data)
{
    struct web_run *r = user_data;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "section", "classic");
    cJSON_AddStringToObject(o, "event", ev == CLLM_PHASE_START ? "start" : "done");
    cJSON_AddNumberToObject(o, "index", index);
    cJSON_AddNumberToObject(o, "count", count);
    cJSON_AddStringToObject(o, "name", name ? name : "");
    {
        int at;
        pthread_mutex_lock(&r->api->mu);
        at = r->has_plan ? cllm_run_plan_find_classic(&r->plan, r->tracker.cursor, index) : -1;
        pthread_mutex_unlock(&r->api->mu);
        plan_move(r, at, ev == CLLM_PHASE_DONE);
    }
    if (ev == CLLM_PHASE_DONE) {
        /* what the GUI shows of a finished phase: its status, and its monitor summary as one point of the live
         * chart (for runs without live samples), in the live samples' keys */
        const cJSON *sum = cllm_r_get(cllm_r_get(phase, &CLLM_F_MONITOR), &CLLM_F_MON_SUMMARY);
        const cJSON *gpus = cllm_r_get(sum, &CLLM_F_MON_SUMMARY_GPUS);
        const char *st = cllm_r_str(phase, &CLLM_F_CL_STATUS);
        cJSON_AddStringToObject(o, "status", st ? st : "ok");
        if (sum) {
            cJSON *pt = cJSON_AddObjectToObject(o, "monitor_point");
            add_num_or_null(pt, "cpu_pct", cllm_r_num(sum, &CLLM_F_MON_CPU_PCT_MEAN));
            add_num_or_null(pt, "ram_used_gb", cllm_r_num(sum, &CLLM_F_MON_RAM_USED_GB_PEAK));
            add_num_or_null(pt, "gpu0_util_pct", cllm_r_num(cJSON_IsArray(gpus) ? cJSON_GetArrayItem(gpus, 0) : NULL,
                                                            &CLLM_F_MON_UTIL_PCT_MEAN));
        } else {
            cJSON_AddNullToObject(o, "monitor_point");
        }
        if (phase) {
            cJSON *copy = cJSON_Duplicate(phase, 1);
            drop_samples(copy);
            cJSON_AddItemToObject(o, "phase", copy);
        }
    }
    add_event(r, "phase", o);
}

static void on_ai(enum cllm_ai_event ev, const char *model_key, const char *text, double fraction, void *user_data)
{
    static const char *const names[] = {"model_start", "notice", "download", "synth", "loaded", "run_done",
                                        "model_done"};
    struct web_run *r = user_data;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "section", "ai");
    cJSON_AddStringToObject(o, "event",
                            (int)ev >= 0 && (size_t)ev < sizeof(names) / sizeof(names[0]) ? names[ev] : "other");
    cJSON_AddStringToObject(o, "model", model_key ? model_key : "");
    cJSON_AddStringToObject(o, "text", text ? text : "");
    if (isfinite(fraction))
        cJSON_AddNumberToObject(o, "fraction", fraction);
    else
        cJSON_AddNullToObject(o, "fraction");
    /* a download's bytes are its step's share done (a synthetic model's stages each count from 0: its step goes by
     * time) */
    if (ev == CLLM_AI_DOWNLOAD) {
        pthread_mutex_lock(&r->api->mu);
        if (r->has_plan && r->tracker.cursor < r->plan.n && r->plan.steps[r->tracker.cursor].kind == CLLM_PLAN_AI &&
            r->plan.steps[r->tracker.cursor].ai.stage == CLLM_AI_STAGE_PREPARE)
            cllm_plan_tracker_step_fraction(&r->tracker, fraction);
        pthread_mutex_unlock(&r->api->mu);
    }
    add_event(r, "ai", o);
}

/* A live monitor sample: seconds since the run started, host and first-GPU readings (null when unknown). */
static void on_monitor(const struct cllm_sample *smp, void *user_data)
{
    struct web_run *r = user_data;
    cJSON *o = cJSON_CreateObject();
    const struct { const char *key; double v; } f[] = {
        {"cpu_pct", smp->cpu_pct}, {"proc_cpu_pct", smp->proc_cpu_pct}, {"ram_used_gb", smp->ram_used_gb},
        {"rss_gb", smp->rss_gb}, {"cpu_package_w", smp->cpu_package_w},
        {"gpu0_util_pct", smp->n_gpus > 0 ? smp->gpu[0].util_pct : NAN},
        {"gpu0_vram_used_gb", smp->n_gpus > 0 ? smp->gpu[0].vram_used_gb : NAN},
        {"gpu0_temp_c", smp->n_gpus > 0 ? smp->gpu[0].temp_c : NAN},
        {"gpu0_power_w", smp->n_gpus > 0 ? smp->gpu[0].power_w : NAN},
    };
    cJSON_AddNumberToObject(o, "t_s", cllm_now_s() - r->t0_s);
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        if (isfinite(f[i].v))
            cJSON_AddNumberToObject(o, f[i].key, f[i].v);
        else
            cJSON_AddNullToObject(o, f[i].key);
    }
    add_event(r, "monitor", o);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void *run_thread(void *arg)
{
    struct web_run *r = arg;
    char path[PATH_MAX] = "", err[512] = "";
    enum cllm_status st = cllm_run_benchmark(&r->rp, path, sizeof(path), NULL, err, sizeof(err));
    cJSON *o = cJSON_CreateObject();
    char *text;
    const char *status = st == CLLM_OK ? "complete" : st == CLLM_ERR_CANCELLED ? "cancelled" : "failed";

    /* the key is needed only while the run talks to the server */
    memset(r->rq.api_key, 0, sizeof(r->rq.api_key));
    r->rp.ai.api_key = NULL;

    cJSON_AddStringToObject(o, "status", status);
    if (st == CLLM_OK || st == CLLM_ERR_CANCELLED) {
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddStringToObject(o, "file", base_name(path));
    } else {
        cJSON_AddStringToObject(o, "error", err);
    }
    pthread_mutex_lock(&r->api->mu);
    snprintf(r->path, sizeof(r->path), "%s", st == CLLM_OK || st == CLLM_ERR_CANCELLED ? path : "");
    snprintf(r->error, sizeof(r->error), "%s", st == CLLM_OK || st == CLLM_ERR_CANCELLED ? "" : err);
    snprintf(r->status, sizeof(r->status), "%s", status);
    r->ended = time(NULL);
    r->t_end_s = cllm_now_s();
    r->finished = true;
    /* complete: the whole plan is done; cancelled or failed, the bar stays where the run stopped */
    if (st == CLLM_OK && r->has_plan)
        cllm_plan_tracker_finish(&r->plan, &r->tracker);
    add_progress_locked(r, o, r->t_end_s);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (r->api->running == r)
        r->api->running = NULL;
    /* "done" goes in with the final status, in one step: whoever sees it also sees the file */
    if (text)
        append_locked(r, strdup("done"), text);
    notify_locked(r->api);
    pthread_mutex_unlock(&r->api->mu);
    return NULL;
}

/* ---- handlers ---- */

/* The body as one strict JSON object (cllm_json_parse: no trailing content, no NUL, valid UTF-8); an empty body
 * is {}. NULL with 400 sent, the byte offset in the message. */
static cJSON *parse_body(const struct cllm_web_request *req, struct cllm_web_response *resp)
{
    char err[CLLM_ERR_LEN];
    cJSON *j;
    if (!req->body || req->body_len == 0)
        return cJSON_CreateObject();
    j = cllm_json_parse(req->body, req->body_len, "request body", err, sizeof(err));
    if (!j) {
        cllm_web_reply_error(resp, 400, "%s", err);
        return NULL;
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        cllm_web_reply_error(resp, 400, "request body: expected a JSON object");
        return NULL;
    }
    return j;
}

static void llama_info(struct cllm_web_api *api, cJSON *out, bool run_active)
{
    const struct cllm_llama *ll = cllm_llama_get();
    char dir[1024], err[1024];
    cJSON *backends;

    if (!ll && api->p.probe_llama && !run_active) {
        /* a run loads the library itself; loading it here too at the same moment is not safe */
        if (cllm_llama_load(api->llama_lib, &ll, err, sizeof(err)) != CLLM_OK) {
            cJSON_AddFalseToObject(out, "found");
            cJSON_AddStringToObject(out, "reason", err);
            return;
        }
    }
    if (!ll) {
        if (cllm_llama_find(dir, sizeof(dir), err, sizeof(err)) != CLLM_OK) {
            cJSON_AddFalseToObject(out, "found");
            cJSON_AddStringToObject(out, "reason", err);
            return;
        }
        cJSON_AddTrueToObject(out, "found");
        cJSON_AddStringToObject(out, "path", dir);
        cJSON_AddNullToObject(out, "version");
        cJSON_AddStringToObject(out, "reason", run_active ? "not loaded yet (a run is starting)" : "not loaded");
        return;
    }
    cJSON_AddTrueToObject(out, "found");
    cJSON_AddStringToObject(out, "path", ll->lib_path);
    cJSON_AddStringToObject(out, "version", ll->version);
    if (ll->variant[0])
        cJSON_AddStringToObject(out, "variant", ll->variant);
    else
        cJSON_AddNullToObject(out, "variant");
    if (ll->ggml_version[0])
        cJSON_AddStringToObject(out, "ggml_version", ll->ggml_version);
    backends = cJSON_AddArrayToObject(out, "backends");
    if (ll->ggml_backend_dev_count && ll->ggml_backend_dev_get && ll->ggml_backend_dev_backend_reg &&
        ll->ggml_backend_reg_name) {
        size_t n = ll->ggml_backend_dev_count();
        for (size_t i = 0; i < n; i++) {
            const char *name = ll->ggml_backend_reg_name(ll->ggml_backend_dev_backend_reg(ll->ggml_backend_dev_get(i)));
            bool seen = false;
            cJSON *b;
            if (!name)
                continue;
            cJSON_ArrayForEach(b, backends) if (strcmp(b->valuestring, name) == 0) seen = true;
            if (!seen)
                cJSON_AddItemToArray(backends, cJSON_CreateString(name));
        }
    }
}

/* Detects the hardware once (or takes what a run detected): the JSON text of GET /api/hardware and the struct the
 * models' fit is computed from. False when out of memory. */
static bool detect_once(struct cllm_web_api *api)
{
    bool have;
    pthread_mutex_lock(&api->mu);
    have = api->hardware_json && api->hw;
    pthread_mutex_unlock(&api->mu);
    if (have)
        return true;
    pthread_mutex_lock(&api->detect_mu);
    pthread_mutex_lock(&api->mu);
    have = api->hardware_json && api->hw;
    pthread_mutex_unlock(&api->mu);
    if (!have) {
        struct cllm_hw_params hp = cllm_hw_default_params();
        struct cllm_hw_info *info = calloc(1, sizeof(*info));
        cJSON *j;
        char *text = NULL;
        if (info) {
            cllm_hw_detect(&hp, info);
            j = cllm_report_hardware(info);
            text = j ? cJSON_PrintUnformatted(j) : NULL;
            cJSON_Delete(j);
        }
        pthread_mutex_lock(&api->mu);
        if (text && !api->hardware_json) {
            api->hardware_json = text;
            text = NULL;
        }
        if (info && !api->hw) {
            api->hw = info;
            info = NULL;
        }
        have = api->hardware_json && api->hw;
        pthread_mutex_unlock(&api->mu);
        free(text);
        free(info);
    }
    pthread_mutex_unlock(&api->detect_mu);
    return have;
}


/* The hardware page's "what fits" table: computellm advise on this machine, with the newest results file of the
 * results folder as the measured inputs; the GUI draws these cells as they are. */
static cJSON *fits_view(struct cllm_web_api *api, const struct cllm_hw_info *hw)
{
    struct cllm_advise_params p = cllm_advise_default_params();
    struct cllm_fit_advice a;
    char path[PATH_MAX], err[CLLM_ERR_LEN], cell[160];
    cJSON *res = NULL, *o = cJSON_CreateObject(), *head, *rows, *notes;
    static const char *const cols[] = {"Model", "Quant", "Size (GiB)", "Where", "GPU layers", "Decode t/s (predicted)",
                                       "Prompt t/s (predicted)", "Downloaded"};
    const struct { const char *label; const struct cllm_fit_input *in; const char *unit; } ins[] = {
        {"host read bandwidth", &a.rates.cpu_read_gbps, "GB/s"}, {"GPU read bandwidth", &a.rates.gpu_read_gbps, "GB/s"},
        {"CPU decode efficiency", &a.rates.cpu_decode_eff, ""}, {"GPU decode efficiency", &a.rates.gpu_decode_eff, ""},
        {"GPU time per layer", &a.rates.gpu_layer_us, "us"},
        {"CPU GEMM", &a.rates.cpu_gflops, "GFLOPS"}, {"GPU GEMM", &a.rates.gpu_gflops, "GFLOPS"}};

    if (!o)
        return NULL;
    p.hw = hw;
    p.models_dir = api->models_dir ? api->models_dir : "models";
    p.models_file = api->models_file;
    if (cllm_advise_find_results(api->results_dir, path, sizeof(path)) &&
        cllm_result_load(path, &res, err, sizeof(err)) == CLLM_OK) {
        p.result = res;
        p.result_origin = base_name(path);
    }
    if (cllm_advise(&p, &a, err, sizeof(err)) != CLLM_OK) {
        cJSON_AddStringToObject(o, "error", err);
        cJSON_Delete(res);
        return o;
    }
    cJSON_Delete(res);
    head = cJSON_AddArrayToObject(o, "head");
    for (size_t i = 0; head && i < sizeof(cols) / sizeof(cols[0]); i++)
        cJSON_AddItemToArray(head, cJSON_CreateString(cols[i]));
    rows = cJSON_AddArrayToObject(o, "rows");
    for (int i = 0; rows && i < a.n_rows; i++) {
        const struct cllm_fit_row *w = &a.rows[i];
        cJSON *r = cJSON_CreateObject(), *cells = r ? cJSON_AddArrayToObject(r, "cells") : NULL;
        if (!cells) {
            cJSON_Delete(r);
            break;
        }
        cJSON_AddItemToArray(cells, cJSON_CreateString(w->name));
        cJSON_AddItemToArray(cells, cJSON_CreateString(w->quant));
        snprintf(cell, sizeof(cell), "%.2f", w->need.weights_bytes / (1024.0 * 1024.0 * 1024.0));
        cJSON_AddItemToArray(cells, cJSON_CreateString(cell));
        cJSON_AddItemToArray(cells, cJSON_CreateString(cllm_fit_where_name(w->place.where)));
        snprintf(cell, sizeof(cell), "%d/%d", w->place.n_gpu_layers, w->need.n_layer);
        cJSON_AddItemToArray(cells, cJSON_CreateString(cell));
        snprintf(cell, sizeof(cell), isfinite(w->decode_tps) ? "%.1f" : "-", w->decode_tps);
        cJSON_AddItemToArray(cells, cJSON_CreateString(cell));
        snprintf(cell, sizeof(cell), isfinite(w->prompt_tps) ? "%.1f" : "-", w->prompt_tps);
        cJSON_AddItemToArray(cells, cJSON_CreateString(cell));
        cJSON_AddItemToArray(cells, cJSON_CreateString(w->downloaded ? w->downloaded : "no"));
        cJSON_AddStringToObject(r, "kind", cllm_fit_where_name(w->place.where));
        cJSON_AddStringToObject(r, "title", w->place.reason);
        cJSON_AddBoolToObject(r, "best", w->best_on_gpu || w->best_on_cpu);
        cJSON_AddItemToArray(rows, r);
    }
    notes = cJSON_AddArrayToObject(o, "notes");
    {
        char line[320];
        snprintf(line, sizeof(line), "Largest model at %g tokens/s or more: %s", a.min_tps, a.largest_why);
        cJSON_AddItemToArray(notes, cJSON_CreateString(line));
    }
    for (size_t i = 0; notes && i < sizeof(ins) / sizeof(ins[0]); i++) {
        char line[320];
        snprintf(line, sizeof(line), "%s: %.*f %s (%s)", ins[i].label, ins[i].unit[0] ? 1 : 2, ins[i].in->value,
                 ins[i].unit, ins[i].in->source);
        cJSON_AddItemToArray(notes, cJSON_CreateString(line));
    }
    cllm_fit_advice_free(&a);
    return o;
}

static void get_hardware(struct cllm_web_api *api, struct cllm_web_response *resp)
{
    char *text;
    bool active;
    cJSON *hw, *ll;

    if (!detect_once(api)) {
        cllm_web_reply_error(resp, 500, "out of memory");
        return;
    }
    pthread_mutex_lock(&api->mu);
    text = strdup(api->hardware_json);
    active = api->running != NULL;
    pthread_mutex_unlock(&api->mu);
    hw = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!hw) {
        cllm_web_reply_error(resp, 500, "hardware detection gave no JSON");
        return;
    }
    ll = cJSON_AddObjectToObject(hw, "llama_library");
    llama_info(api, ll, active);
    {
        struct cllm_hw_info *h = malloc(sizeof(*h));
        cJSON *fits;
        if (h) {
            pthread_mutex_lock(&api->mu);
            *h = *api->hw;
            pthread_mutex_unlock(&api->mu);
            fits = fits_view(api, h);
            if (fits)
                cJSON_AddItemToObject(hw, "what_fits", fits);
            free(h);
        }
    }
    cllm_web_reply_json(resp, 200, hw);
}

static void get_config(struct cllm_web_api *api, struct cllm_web_response *resp)
{
    struct cllm_config c;
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    char err[CLLM_ERR_LEN];
    cJSON *o = cJSON_CreateObject(), *models;
    struct cllm_hw_info *hw = NULL;

    cllm_config_defaults(&c);
    if (detect_once(api)) {
        pthread_mutex_lock(&api->mu);
        hw = malloc(sizeof(*hw));
        if (hw)
            *hw = *api->hw;
        pthread_mutex_unlock(&api->mu);
    }
    cJSON_AddItemToObject(o, "defaults", cllm_config_to_json(&c));
    rp.user_path = api->models_file;
    models = cJSON_AddArrayToObject(o, "models");
    if (cllm_registry_load(&rp, &reg, err, sizeof(err)) != CLLM_OK) {
        cJSON_AddStringToObject(o, "models_error", err);
    } else {
        for (int i = 0; i < cllm_registry_count(reg); i++) {
            const struct cllm_model *m = cllm_registry_at(reg, i);
            cJSON *e = cJSON_CreateObject(), *qs;
            cJSON_AddStringToObject(e, "key", m->key);
            cJSON_AddStringToObject(e, "name", m->name);
            cJSON_AddStringToObject(e, "params", m->params);
            cJSON_AddStringToObject(e, "default_quant", m->default_quant);
            cJSON_AddNumberToObject(e, "min_ram_gb", m->min_ram_gb);
            /* the pipeline's own pre-check of the default quantization on this machine: the GUI shows this verdict */
            if (hw) {
                char reason[512] = "";
                enum cllm_fit fit = cllm_model_check_fit(m, NULL, hw, reason, sizeof(reason));
                cJSON *fj = cJSON_AddObjectToObject(e, "fit");
                cJSON_AddStringToObject(fj, "result", cllm_fit_name(fit));
                cJSON_AddStringToObject(fj, "reason", reason);
            } else {
                cJSON_AddNullToObject(e, "fit");
            }
            qs = cJSON_AddArrayToObject(e, "quants");
            for (int k = 0; k < m->n_quants; k++) {
                const struct cllm_model_quant *q = &m->quants[k];
                cJSON *qj = cJSON_CreateObject();
                cJSON_AddStringToObject(qj, "name", q->name);
                if (isfinite(q->size_gb))
                    cJSON_AddNumberToObject(qj, "size_gb", q->size_gb);
                else
                    cJSON_AddNullToObject(qj, "size_gb");
                cJSON_AddNumberToObject(qj, "min_ram_gb", q->min_ram_gb);
                cJSON_AddNumberToObject(qj, "min_vram_gb", q->min_vram_gb);
                cJSON_AddItemToArray(qs, qj);
            }
            cJSON_AddItemToArray(models, e);
        }
        cllm_registry_free(reg);
    }
    /* what a run's llama_server may name: the one name, and the paths allowed at start */
    {
        cJSON *ls = cJSON_AddArrayToObject(o, "llama_servers");
        cJSON_AddItemToArray(ls, cJSON_CreateString("llama-server"));
        for (size_t i = 0; i < api->n_llama; i++)
            cJSON_AddItemToArray(ls, cJSON_CreateString(api->llama_given[i]));
    }
    free(hw);
    cllm_web_reply_json(resp, 200, o);
}

/* What the run was asked to do, as the GUI's form shows it (never the API key): the request's options and the
 * config's values the form sets. */
static cJSON *settings_json(const struct web_run *r)
{
    static const struct { unsigned bit; const char *name; } cmp[] = {
        {CLLM_AI_COMPARE_QUANT, "quant"}, {CLLM_AI_COMPARE_TEMPERATURE, "temperature"},
        {CLLM_AI_COMPARE_LANGUAGE, "language"}, {CLLM_AI_COMPARE_PROMPT_TYPE, "prompt-type"},
    };
    const struct cllm_config *c = &r->rp.cfg;
    cJSON *o = cJSON_CreateObject(), *arr;
    cJSON_AddBoolToObject(o, "skip_classic", r->rp.skip_classic);
    cJSON_AddBoolToObject(o, "skip_ai", r->rp.skip_ai);
    arr = cJSON_AddArrayToObject(o, "models");
    for (int i = 0; i < c->n_models && i < CLLM_CONFIG_MAX_MODELS; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(c->models[i]));
    add_str_or_null(o, "quant", r->rq.quant[0] ? r->rq.quant : NULL);
    cJSON_AddBoolToObject(o, "cpu", r->rq.cpu);
    arr = cJSON_AddArrayToObject(o, "compare");
    for (size_t i = 0; i < sizeof(cmp) / sizeof(cmp[0]); i++)
        if (r->rq.compare_bits & cmp[i].bit)
            cJSON_AddItemToArray(arr, cJSON_CreateString(cmp[i].name));
    cJSON_AddStringToObject(o, "engine", r->rq.mode[0] ? r->rq.mode : "in-process");
    add_str_or_null(o, "llama_server", r->rq.llama_server[0] ? r->rq.llama_server : NULL);
    add_str_or_null(o, "server_url", r->rq.server_url[0] ? r->rq.server_url : NULL);
    add_str_or_null(o, "server_model", r->rq.server_model[0] ? r->rq.server_model : NULL);
    cJSON_AddNumberToObject(o, "runs", c->runs);
    cJSON_AddNumberToObject(o, "max_tokens", c->inference.max_tokens);
    cJSON_AddStringToObject(o, "prompt", c->prompt);
    return o;
}

/* The plan's steps: [{"kind", "label", "weight_s"}] in the order they run. */
static cJSON *plan_json(const struct web_run *r)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; r->has_plan && i < r->plan.n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "kind", cllm_plan_step_kind_name(&r->plan.steps[i]));
        cJSON_AddStringToObject(e, "label", r->plan.steps[i].label);
        cJSON_AddNumberToObject(e, "weight_s", floor(r->plan.steps[i].weight_s * 1000 + 0.5) / 1000);
        cJSON_AddItemToArray(arr, e);
    }
    return arr;
}

/* Caller holds api->mu. */
static cJSON *run_to_json(struct web_run *r, bool with_events)
{
    cJSON *o = cJSON_CreateObject();
    char ts[32];
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "status", r->status);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", localtime(&r->started));
    cJSON_AddStringToObject(o, "started_at", ts);
    if (r->finished) {
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S%z", localtime(&r->ended));
        cJSON_AddStringToObject(o, "finished_at", ts);
    } else {
        cJSON_AddNullToObject(o, "finished_at");
    }
    if (r->path[0]) {
        cJSON_AddStringToObject(o, "results_path", r->path);
        cJSON_AddStringToObject(o, "results_file", base_name(r->path));
    } else {
        cJSON_AddNullToObject(o, "results_file");
    }
    if (r->error[0])
        cJSON_AddStringToObject(o, "error", r->error);
    cJSON_AddItemToObject(o, "state", state_json_locked(r, cllm_now_s()));
    cJSON_AddNumberToObject(o, "n_events", (double)r->n_events);
    if (with_events) {
        cJSON_AddItemToObject(o, "settings", settings_json(r));
        cJSON_AddItemToObject(o, "plan", plan_json(r));
        cJSON *evs = cJSON_AddArrayToObject(o, "events");
        for (size_t i = 0; i < r->n_events; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "id", (double)i);
            cJSON_AddStringToObject(e, "type", r->events[i].type);
            cJSON_AddItemToObject(e, "data", cJSON_Parse(r->events[i].data));
            cJSON_AddItemToArray(evs, e);
        }
    }
    return o;
}

static struct web_run *find_run(struct cllm_web_api *api, const char *id)
{
    for (struct web_run *r = api->runs; r; r = r->next)
        if (strcmp(r->id, id) == 0)
            return r;
    return NULL;
}

/* auto mode's executable: never a path the request chose. The name "llama-server" is resolved like the CLI does
 * (PATH, then the build of scripts/setup --llama-server); anything else must be one of the paths the server was
 * started with (computellm gui --llama-server PATH, as given or resolved). 400 otherwise. */
static bool llama_server_from_body(struct web_run *r, const char *value, struct cllm_web_response *resp)
{
    if (strcmp(value, "llama-server") == 0) {
        char ferr[512];
        if (cllm_serve_llama_server_find(value, r->llama_server, sizeof(r->llama_server), ferr, sizeof(ferr)) != CLLM_OK) {
            cllm_web_reply_error(resp, 400, "llama_server: %s", ferr);
            return false;
        }
        r->rp.ai.llama_server = r->llama_server;
        return true;
    }
    for (size_t i = 0; i < r->api->n_llama; i++)
        if (strcmp(value, r->api->llama_given[i]) == 0 || strcmp(value, r->api->llama_real[i]) == 0) {
            snprintf(r->llama_server, sizeof(r->llama_server), "%s", r->api->llama_real[i]);
            r->rp.ai.llama_server = r->llama_server;
            return true;
        }
    cllm_web_reply_error(resp, 400, "llama_server: '%.300s' is not allowed: the API runs only \"llama-server\" (found on PATH "
                "or in the build of scripts/setup --llama-server) or a path allowed when the server starts "
                "(`computellm gui --llama-server PATH`; %zu allowed now)", value, r->api->n_llama);
    return false;
}

/* Fills rp from the request body through the one run-request table and check (app/run_request.h: the CLI's
 * messages are the same); on a bad value replies 400 and returns false. */
static bool run_params_from_body(struct web_run *r, const cJSON *body, struct cllm_web_response *resp)
{
    struct cllm_registry_params regp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    const cJSON *cfg;
    char err[CLLM_ERR_LEN];
    bool ok;

    cllm_run_request_init(&r->rq);
    if (cllm_run_request_from_json(&r->rq, body, err, sizeof(err)) != CLLM_OK) {
        cllm_web_reply_error(resp, 400, "%s", err);
        return false;
    }
    cfg = cJSON_GetObjectItemCaseSensitive(body, "config");
    if (cfg) {
        char *text = cJSON_PrintUnformatted(cfg);
        if (!text || cllm_config_apply_json(&r->rp.cfg, text, "config", err, sizeof(err)) != CLLM_OK) {
            free(text);
            cllm_web_reply_error(resp, 400, "%s", text ? err : "out of memory");
            return false;
        }
        free(text);
    }
    /* a registry that cannot be read is the run's to report (models_error in GET /api/config says it too) */
    regp.user_path = r->api->models_file;
    if (cllm_registry_load(&regp, &reg, err, sizeof(err)) != CLLM_OK)
        reg = NULL;
    ok = cllm_run_request_check(&r->rq, reg, err, sizeof(err)) == CLLM_OK;
    cllm_registry_free(reg);
    if (!ok) {
        cllm_web_reply_error(resp, 400, "%s", err);
        return false;
    }
    cllm_run_request_apply(&r->rq, &r->rp);
    /* auto mode runs only an executable the server allows, never the path as the request gave it */
    r->rp.ai.llama_server = NULL;
    if (strcmp(r->rq.mode, "auto") == 0)
        return llama_server_from_body(r, r->rq.llama_server, resp);
    return true;
}

static void make_run_id(struct cllm_web_api *api, char *out, size_t n)
{
    time_t now = time(NULL);
    char base[24];
    strftime(base, sizeof(base), "%Y%m%d_%H%M%S", localtime(&now));
    snprintf(out, n, "%s", base);
    /* two starts within one second get _2, _3, ... */
    for (int k = 2; find_run(api, out) && k < 1000; k++)
        snprintf(out, n, "%.15s_%d", base, k);
}

/* A run that never started: its copy of the API key goes with it. */
static void discard_run(struct web_run *r)
{
    memset(r->rq.api_key, 0, sizeof(r->rq.api_key));
    free(r);
}

static void post_run(struct cllm_web_api *api, const struct cllm_web_request *req, struct cllm_web_response *resp)
{
    cJSON *body = parse_body(req, resp), *o;
    struct web_run *r;

    if (!body)
        return;
    r = calloc(1, sizeof(*r));
    if (!r) {
        cJSON_Delete(body);
        cllm_web_reply_error(resp, 500, "out of memory");
        return;
    }
    r->api = api;
    r->rp = cllm_run_default_params();
    r->rp.output_dir = api->results_dir;
    if (api->models_dir)
        r->rp.ai.models_dir = api->models_dir;
    r->rp.ai.models_file = api->models_file;
    r->rp.ai.llama_lib = api->llama_lib;
    if (!run_params_from_body(r, body, resp)) {
        cJSON_Delete(body);
        discard_run(r);
        return;
    }
    cJSON_Delete(body);
    r->rp.cancel = &r->cancel;
    r->rp.on_hardware = on_hardware;
    r->rp.classic_progress = on_classic;
    r->rp.ai_progress = on_ai;
    r->rp.ai_step = on_ai_step;
    r->rp.monitor_sample = on_monitor;
    r->t0_s = cllm_now_s();
    r->rp.user_data = r;
    snprintf(r->status, sizeof(r->status), "running");
    r->started = time(NULL);

    pthread_mutex_lock(&api->mu);
    if (api->shutting_down) {
        pthread_mutex_unlock(&api->mu);
        discard_run(r);
        cllm_web_reply_error(resp, 503, "the server is shutting down");
        return;
    }
    if (api->running) {
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", "a benchmark run is already in progress");
        cJSON_AddStringToObject(o, "running_id", api->running->id);
        pthread_mutex_unlock(&api->mu);
        discard_run(r);
        cllm_web_reply_json(resp, 409, o);
        return;
    }
    /* finished runs' threads have returned: reap them now rather than at shutdown */
    for (struct web_run *p = api->runs; p; p = p->next)
        if (p->finished && !p->joined) {
            pthread_join(p->thread, NULL);
            p->joined = true;
        }
    make_run_id(api, r->id, sizeof(r->id));
    if (pthread_create(&r->thread, NULL, run_thread, r) != 0) {
        pthread_mutex_unlock(&api->mu);
        discard_run(r);
        cllm_web_reply_error(resp, 500, "cannot start the run thread: %s", strerror(errno));
        return;
    }
    r->next = api->runs;
    api->runs = r;
    api->running = r;
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", r->id);
    cJSON_AddStringToObject(o, "status", "running");
    pthread_mutex_unlock(&api->mu);
    CLLM_LOG(CLLM_LOG_INFO, "web: run %s started (engine %s, comparison phases 0x%x)", r->id,
             r->rp.ai.server_url ? "manual" : r->rp.ai.llama_server ? "auto" : "in-process", r->rp.ai.compare);
    cllm_web_reply_json(resp, 202, o);
}

static void get_runs(struct cllm_web_api *api, struct cllm_web_response *resp)
{
    cJSON *o = cJSON_CreateObject(), *arr;
    pthread_mutex_lock(&api->mu);
    if (api->running)
        cJSON_AddStringToObject(o, "running_id", api->running->id);
    else
        cJSON_AddNullToObject(o, "running_id");
    arr = cJSON_AddArrayToObject(o, "runs");
    for (struct web_run *r = api->runs; r; r = r->next)
        cJSON_AddItemToArray(arr, run_to_json(r, false));
    pthread_mutex_unlock(&api->mu);
    cllm_web_reply_json(resp, 200, o);
}

static void run_route(struct cllm_web_api *api, const struct cllm_web_request *req, struct cllm_web_response *resp,
                      const char *rest)
{
    char id[64];
    const char *slash = strchr(rest, '/');
    const char *action = slash ? slash + 1 : "";
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    struct web_run *r;

    if (n >= sizeof(id)) {
        cllm_web_reply_error(resp, 400, "invalid run id");
        return;
    }
    memcpy(id, rest, n);
    id[n] = '\0';
    if (!valid_run_id(id)) {
        cllm_web_reply_error(resp, 400, "invalid run id '%s'", id);
        return;
    }
    pthread_mutex_lock(&api->mu);
    r = find_run(api, id);
    if (!r) {
        pthread_mutex_unlock(&api->mu);
        cllm_web_reply_error(resp, 404, "no run '%s'", id);
        return;
    }
    if (strcmp(action, "") == 0 && strcmp(req->method, "GET") == 0) {
        cJSON *o = run_to_json(r, true);
        pthread_mutex_unlock(&api->mu);
        cllm_web_reply_json(resp, 200, o);
    } else if (strcmp(action, "cancel") == 0 && strcmp(req->method, "POST") == 0) {
        cJSON *o;
        if (!r->finished && !r->cancel) {
            cJSON *ev = cJSON_CreateObject();
            char *text;
            r->cancel = 1;
            /* the streams learn it at once: a "state" event with status "cancelling" */
            add_progress_locked(r, ev, cllm_now_s());
            text = cJSON_PrintUnformatted(ev);
            cJSON_Delete(ev);
            if (text)
                append_locked(r, strdup("state"), text);
        }
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", r->id);
        cJSON_AddStringToObject(o, "status", r->finished ? r->status : "cancelling");
        pthread_mutex_unlock(&api->mu);
        CLLM_LOG(CLLM_LOG_INFO, "web: run %s cancel requested", id);
        cllm_web_reply_json(resp, 202, o);
    } else if (strcmp(action, "events") == 0 && strcmp(req->method, "GET") == 0) {
        pthread_mutex_unlock(&api->mu);
        resp->status = 200;
        resp->content_type = "text/event-stream";
        snprintf(resp->stream_run, sizeof(resp->stream_run), "%s", id);
        resp->stream_from = req->last_event_id ? atol(req->last_event_id) + 1 : 0;
        if (resp->stream_from < 0)
            resp->stream_from = 0;
    } else {
        pthread_mutex_unlock(&api->mu);
        if (strcmp(action, "") == 0 || strcmp(action, "cancel") == 0 || strcmp(action, "events") == 0)
            cllm_web_reply_error(resp, 405, "method %s not allowed here", req->method);
        else
            cllm_web_reply_error(resp, 404, "no such endpoint");
    }
}

/* ---- results ---- */

static void result_path(struct cllm_web_api *api, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", api->results_dir, name);
}

static int cmp_results(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    const cJSON *tx = cJSON_GetObjectItemCaseSensitive(x, "timestamp");
    const cJSON *ty = cJSON_GetObjectItemCaseSensitive(y, "timestamp");
    const char *sx = cJSON_IsString(tx) ? tx->valuestring : "";
    const char *sy = cJSON_IsString(ty) ? ty->valuestring : "";
    int c = strcmp(sy, sx);   /* newest first */
    if (c)
        return c;
    return strcmp(cJSON_GetObjectItemCaseSensitive(x, "name")->valuestring,
                  cJSON_GetObjectItemCaseSensitive(y, "name")->valuestring);
}

/* key: the string of field f in obj (results keys are read through the report/fields_*.h objects), or null. */
static void add_field_str(cJSON *o, const char *key, const cJSON *obj, const struct cllm_field *f)
{
    const char *v = cllm_r_str(obj, f);
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void get_results(struct cllm_web_api *api, struct cllm_web_response *resp)
{
    DIR *d = opendir(api->results_dir);
    struct dirent *e;
    cJSON **items = NULL, *arr = cJSON_CreateArray();
    size_t n = 0, cap = 0;

    if (!d) {
        if (errno != ENOENT) {
            cJSON_Delete(arr);
            cllm_web_reply_error(resp, 500, "cannot read %s: %s", api->results_dir, strerror(errno));
            return;
        }
        cllm_web_reply_json(resp, 200, arr);
        return;
    }
    while ((e = readdir(d))) {
        char path[PATH_MAX], err[512];
        cJSON *res = NULL, *o;
        struct stat sb;
        /* hidden names are temp files of atomic writes (and anything else not ours) */
        if (!cllm_web_valid_result_name(e->d_name))
            continue;
        result_path(api, e->d_name, path, sizeof(path));
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", e->d_name);
        cJSON_AddNumberToObject(o, "size_bytes", (double)sb.st_size);
        if (cllm_result_load(path, &res, err, sizeof(err)) == CLLM_OK) {
            const cJSON *hw = cllm_r_get(res, &CLLM_F_HARDWARE);
            add_field_str(o, "id", res, &CLLM_F_ID);
            add_field_str(o, "timestamp", res, &CLLM_F_TIMESTAMP);
            add_field_str(o, "cpu_model", cllm_r_get(hw, &CLLM_F_HW_CPU), &CLLM_F_HW_CPU_MODEL);
            add_field_str(o, "os", cllm_r_get(hw, &CLLM_F_HW_OS), &CLLM_F_HW_OS_SYSTEM);
            add_field_str(o, "status", cllm_r_get(res, &CLLM_F_RUN), &CLLM_F_RUN_STATUS);
            cJSON_Delete(res);
        } else {
            cJSON_AddNullToObject(o, "id");
            cJSON_AddNullToObject(o, "timestamp");
            cJSON_AddStringToObject(o, "error", err);
        }
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            cJSON **ni = realloc(items, nc * sizeof(*ni));
            if (!ni) {
                cJSON_Delete(o);
                break;
            }
            items = ni;
            cap = nc;
        }
        items[n++] = o;
    }
    closedir(d);
    if (n > 1)
        qsort(items, n, sizeof(*items), cmp_results);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, items[i]);
    free(items);
    cllm_web_reply_json(resp, 200, arr);
}

/* Answers 400 (and returns false) unless name is a results file name the API accepts; what prefixes the message
 * ("files[1]: ") when the name came in a body. Nothing touches the disk before this. */
static bool check_result_name(const char *name, const char *what, struct cllm_web_response *resp)
{
    if (cllm_web_valid_result_name(name))
        return true;
    cllm_web_reply_error(resp, 400, "%sinvalid results file name '%.200s' (expected letters, digits, '.', '_', '-', ending in "
                ".json)", what, name);
    return false;
}

/* Loads a checked name from the results folder: 404 when absent, 422 when not a valid results file. */
static bool load_named_result(struct cllm_web_api *api, const char *name, cJSON **out,
                              struct cllm_web_response *resp)
{
    char path[PATH_MAX], err[512];
    *out = NULL;
    result_path(api, name, path, sizeof(path));
    if (access(path, F_OK) != 0) {
        cllm_web_reply_error(resp, 404, "no results file '%s'", name);
        return false;
    }
    if (cllm_result_load(path, out, err, sizeof(err)) != CLLM_OK) {
        cllm_web_reply_error(resp, 422, "%s", err);
        return false;
    }
    return true;
}

/* ---- result views: what the GUI draws, computed here (GET /api/results/{name}/view); the GUI formats ---- */

/* One metric row: id (the GUI's label key), English label, unit, digits to show, and the field it shows. */
struct view_metric {
    const char *id, *label;
    int         digits;
    const struct cllm_field *f;      /* in the summary (in_summary) or in the variant object; gives the unit */
    const struct cllm_field *sd_f;   /* summary field of its standard deviation; NULL none */
    bool        in_summary;
    const struct cllm_field *run_f;  /* sd over the successful runs' values of this run field; NULL none */
    double      scale;               /* value and sd times this (0: as the file has it) */
    const char *unit;                /* the unit after scale; NULL: the field's */
};

static const struct view_metric g_m_tps = {"tps", "tokens/s", 1, &CLLM_F_LLM_AVG_TPS, &CLLM_F_LLM_STD_TPS, true, NULL,
                                           0, NULL};
static const struct view_metric g_m_ttft = {"ttft", "first token", 3, &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S, NULL,
                                            true, &CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S, 0, NULL};
static const struct view_metric g_m_itl = {"itl", "mean", 1, &CLLM_F_LLM_ITL_MEAN_MS, NULL, true, NULL, 0, NULL};
static const struct view_metric g_m_itl50 = {"itl_p50", "p50", 1, &CLLM_F_LLM_ITL_P50_MS, NULL, true, NULL, 0, NULL};
static const struct view_metric g_m_itl90 = {"itl_p90", "p90", 1, &CLLM_F_LLM_ITL_P90_MS, NULL, true, NULL, 0, NULL};
static const struct view_metric g_m_itl99 = {"itl_p99", "p99", 1, &CLLM_F_LLM_ITL_P99_MS, NULL, true, NULL, 0, NULL};
static const struct view_metric g_m_peak = {"peak", "peak memory", 2, &CLLM_F_LLM_PEAK_MEMORY_GB, NULL, true, NULL, 0, NULL};
/* file sizes in GiB like every memory quantity of the GUI (the file keeps 10^9 bytes) */
static const struct view_metric g_m_size = {"file_size", "file size", 3, &CLLM_F_LLM_M_FILE_SIZE_GB, NULL, false, NULL,
                                            1e9 / (1024.0 * 1024.0 * 1024.0), "GiB"};
static const struct view_metric g_m_decode = {"decode_tps", "decode tokens/s", 1, &CLLM_F_LLM_AVG_DECODE_TPS, NULL,
                                              true, &CLLM_F_LLM_RUN_DECODE_TPS, 0, NULL};
static const struct view_metric g_m_prompt_tps = {"prompt_tps", "prompt tokens/s", 1, &CLLM_F_LLM_AVG_PROMPT_TPS, NULL,
                                                  true, &CLLM_F_LLM_RUN_PROMPT_TPS, 0, NULL};
static const struct view_metric g_m_load = {"load_time", "load time", 2, &CLLM_F_LLM_M_LOAD_TIME_S, NULL, false, NULL, 0, NULL};
static const struct view_metric g_m_prompt = {"prompt_tokens", "prompt tokens", 0, &CLLM_F_LLM_PROMPT_TOKENS, NULL,
                                              false, NULL, 0, NULL};
static const struct view_metric g_m_decode_j = {"decode_jpt", "decode J/token", 4, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN,
                                                NULL, true, NULL, 0, NULL};
static const struct view_metric g_m_prompt_j = {"prompt_jpt", "prompt J/token", 4, &CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN,
                                                NULL, true, NULL, 0, NULL};

static void add_num_or_null(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

/* Sample standard deviation (n - 1) of run field f over the runs that succeeded; NAN under two values. */
static double runs_sd(const cJSON *item, const struct cllm_field *f)
{
    const cJSON *runs = cllm_r_get(item, &CLLM_F_LLM_RUNS), *r;
    const cJSON *list = cJSON_IsArray(runs) ? runs : NULL;
    double v[256];
    size_t n = 0;
    struct cllm_stats st;
    cJSON_ArrayForEach(r, list) {
        const char *s = cllm_r_str(r, &CLLM_F_LLM_RUN_STATUS);
        double x = cllm_r_num(r, f);
        if (s && strcmp(s, "ok") == 0 && isfinite(x) && n < sizeof(v) / sizeof(v[0]))
            v[n++] = x;
    }
    if (n < 2)
        return NAN;
    cllm_stats_compute(v, n, &st);
    return st.std;
}

/* {"key", "label", "unit", "digits", "value", "sd"} of metric m for a model result or a comparison variant. */
static cJSON *metric_row(const struct view_metric *m, const cJSON *item)
{
    const cJSON *sum = cllm_r_get(item, &CLLM_F_LLM_SUMMARY);
    cJSON *o = cJSON_CreateObject();
    double k = m->scale > 0 ? m->scale : 1;
    double v = cllm_r_num(m->in_summary ? sum : item, m->f) * k;
    double sd = (m->sd_f ? cllm_r_num(sum, m->sd_f) : m->run_f ? runs_sd(item, m->run_f) : NAN) * k;
    cJSON_AddStringToObject(o, "key", m->id);
    cJSON_AddStringToObject(o, "label", m->label);
    cJSON_AddStringToObject(o, "unit", m->unit ? m->unit : m->f->unit);
    cJSON_AddNumberToObject(o, "digits", m->digits);
    add_num_or_null(o, "value", v);
    add_num_or_null(o, "sd", sd);
    return o;
}

static void add_metrics(cJSON *o, const cJSON *item, const struct view_metric *const *ms, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(o, "metrics");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, metric_row(ms[i], item));
}

/* A chart of the metrics named (rows of each item): {"id", "title", "unit", "metrics": [ids]}. */
static void add_chart(cJSON *charts, const char *id, const char *title, const char *const *metrics, size_t n)
{
    cJSON *c = cJSON_CreateObject(), *a;
    cJSON_AddStringToObject(c, "id", id);
    cJSON_AddStringToObject(c, "title", title);
    a = cJSON_AddArrayToObject(c, "metrics");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(metrics[i]));
    cJSON_AddItemToArray(charts, c);
}

/* The status line of an item: status, and its error or reason. */
static void add_status(cJSON *o, const cJSON *item)
{
    const char *why = cllm_r_str(item, &CLLM_F_ERROR);
    add_str_or_null(o, "status", cllm_r_str(item, &CLLM_F_LLM_STATUS));
    add_str_or_null(o, "why", why ? why : cllm_r_str(item, &CLLM_F_REASON));
}

static const char *null_why(const cJSON *obj, const struct cllm_field *f);

/* "stability" keeps the seed's meaning (every run succeeded): shown as runs_ok with the runs' coefficient of
 * variation beside it, and as the terminal's text ("all runs OK, CV 3.2 %"). */
static void add_stability(cJSON *o, const cJSON *sum)
{
    const char *st = cllm_r_str(sum, &CLLM_F_LLM_STABILITY);
    double cv = cllm_r_num(sum, &CLLM_F_LLM_CV_TPS);
    char text[64];
    add_str_or_null(o, "stability", st);
    if (!st) {
        cJSON_AddNullToObject(o, "runs_ok");
        add_num_or_null(o, "cv_pct", cv);
        cJSON_AddNullToObject(o, "stability_text");
        return;
    }
    cJSON_AddBoolToObject(o, "runs_ok", strcmp(st, "stable") == 0);
    add_num_or_null(o, "cv_pct", cv);
    if (isfinite(cv))
        snprintf(text, sizeof(text), "%s, CV %.1f %%", strcmp(st, "stable") == 0 ? "all runs OK" : "some runs failed",
                 cv);
    else
        snprintf(text, sizeof(text), "%s", strcmp(st, "stable") == 0 ? "all runs OK" : "some runs failed");
    cJSON_AddStringToObject(o, "stability_text", text);
}

/* Other processes' CPU use during the phase of item (its monitor summary's mean, % of the machine; NAN unknown);
 * *noisy by the monitor's rule (cllm_monitor_noisy: above CLLM_MONITOR_NOISY_PCT). */
static double other_cpu_of(const cJSON *item, bool *noisy)
{
    struct cllm_monitor_summary ms;
    double pct;
    memset(&ms, 0, sizeof(ms));
    ms.other_cpu_pct_mean = cllm_r_num(cllm_r_get(cllm_r_get(item, &CLLM_F_MONITOR), &CLLM_F_MON_SUMMARY),
                                       &CLLM_F_MON_OTHER_CPU_PCT_MEAN);
    *noisy = cllm_monitor_noisy(&ms, &pct);
    return pct;
}

/* other_cpu_pct (null unknown) and noisy of a model's or variant's phase; a phase that measured nothing (not ok)
 * has no numbers to be low, as the terminal says. */
static void add_noise(cJSON *o, const cJSON *item)
{
    bool noisy;
    const char *st = cllm_r_str(item, &CLLM_F_LLM_STATUS);
    add_num_or_null(o, "other_cpu_pct", other_cpu_of(item, &noisy));
    cJSON_AddBoolToObject(o, "noisy", noisy && st && strcmp(st, "ok") == 0);
}

/* The ladder of a model ("why is my chat slower than llama-bench?"), null when the file has none: the setup and a
 * row per rung in the file's order, its numbers as the file has them (costs in %, TTFT in s), a null's reason
 * from the file in why_*; id names the rung for the GUI's own language (null: a rung this version does not know). */
static cJSON *ladder_view(const cJSON *lad)
{
    /* a rung's numbers, and the key of a null's reason where the file can give one */
    static const struct {
        const char *key, *why;
        const struct cllm_field *f;
    } nums[] = {
        {"decode_tps", "why_decode_tps", &CLLM_F_LLM_RUNG_DECODE_TPS},
        {"decode_cost", "why_decode_cost", &CLLM_F_LLM_RUNG_DECODE_COST},
        {"ttft", "why_ttft", &CLLM_F_LLM_RUNG_TTFT_S},
        {"ttft_cost", "why_ttft_cost", &CLLM_F_LLM_RUNG_TTFT_COST},
        {"prompt_tps", NULL, &CLLM_F_LLM_RUNG_PROMPT_TPS},
        {"runs", NULL, &CLLM_F_LLM_RUNG_RUNS},
    };
    const cJSON *rung;
    cJSON *o, *d, *arr;
    int step = 0;
    if (!cJSON_IsObject(lad))
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    add_str_or_null(o, "backend", cllm_r_str(lad, &CLLM_F_LLM_LADDER_BACKEND));
    add_num_or_null(o, "threads", cllm_r_num(lad, &CLLM_F_LLM_LADDER_N_THREADS));
    add_num_or_null(o, "ngl", cllm_r_num(lad, &CLLM_F_LLM_LADDER_NGL));
    add_num_or_null(o, "prompt_len", cllm_r_num(lad, &CLLM_F_LLM_LADDER_N_PROMPT));
    add_num_or_null(o, "gen_len", cllm_r_num(lad, &CLLM_F_LLM_LADDER_N_GEN));
    d = cJSON_AddObjectToObject(o, "digits");
    cJSON_AddNumberToObject(d, "tps", 1);
    cJSON_AddNumberToObject(d, "cost", 1);
    cJSON_AddNumberToObject(d, "ttft", 3);
    arr = cJSON_AddArrayToObject(o, "rungs");
    cJSON_ArrayForEach(rung, cllm_r_get(lad, &CLLM_F_LLM_LADDER_RUNGS)) {
        static const char *const ids[CLLM_LLM_N_RUNGS] = {"bench", "bench_depth", "chat", "server"};
        const char *name = cllm_r_str(rung, &CLLM_F_LLM_RUNG_NAME), *id = NULL;
        cJSON *e = cJSON_CreateObject();
        for (int r = 0; name && r < CLLM_LLM_N_RUNGS; r++)
            if (strcmp(name, cllm_llm_rung_name((enum cllm_llm_rung)r)) == 0)
                id = ids[r];
        cJSON_AddNumberToObject(e, "step", ++step);
        add_str_or_null(e, "id", id);
        add_str_or_null(e, "name", name);
        add_str_or_null(e, "adds", cllm_r_str(rung, &CLLM_F_LLM_RUNG_ADDS));
        add_str_or_null(e, "status", cllm_r_str(rung, &CLLM_F_LLM_RUNG_STATUS));
        add_str_or_null(e, "why", cllm_r_str(rung, &CLLM_F_REASON));
        for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
            add_num_or_null(e, nums[k].key, cllm_r_num(rung, nums[k].f));
            if (nums[k].why)
                add_str_or_null(e, nums[k].why, null_why(rung, nums[k].f));
        }
        cJSON_AddItemToArray(arr, e);
    }
    return o;
}

/* Each timed run of a model as the file has it: {"run", "status", "why", "generated_tokens", "tps", "decode_tps",
 * "ttft", "prompt_energy", "decode_energy"} (the energy windows of cllm_web_view_energy_window). */
static cJSON *runs_view(const cJSON *item)
{
    const cJSON *r;
    cJSON *arr = cJSON_CreateArray();
    cJSON_ArrayForEach(r, cllm_r_get(item, &CLLM_F_LLM_RUNS)) {
        const char *why = cllm_r_str(r, &CLLM_F_ERROR);
        cJSON *e = cJSON_CreateObject();
        add_num_or_null(e, "run", cllm_r_num(r, &CLLM_F_LLM_RUN_RUN));
        add_str_or_null(e, "status", cllm_r_str(r, &CLLM_F_LLM_RUN_STATUS));
        add_str_or_null(e, "why", why ? why : cllm_r_str(r, &CLLM_F_REASON));
        add_num_or_null(e, "generated_tokens", cllm_r_num(r, &CLLM_F_LLM_RUN_GENERATED_TOKENS));
        add_num_or_null(e, "tps", cllm_r_num(r, &CLLM_F_LLM_RUN_TPS));
        add_num_or_null(e, "decode_tps", cllm_r_num(r, &CLLM_F_LLM_RUN_DECODE_TPS));
        add_num_or_null(e, "ttft", cllm_r_num(r, &CLLM_F_LLM_RUN_FIRST_TOKEN_LATENCY_S));
        cJSON_AddItemToObject(e, "prompt_energy", cllm_web_view_energy_window(cllm_r_get(r, &CLLM_F_LLM_RUN_PROMPT_ENERGY)));
        cJSON_AddItemToObject(e, "decode_energy", cllm_web_view_energy_window(cllm_r_get(r, &CLLM_F_LLM_RUN_DECODE_ENERGY)));
        cJSON_AddItemToArray(arr, e);
    }
    return arr;
}

static cJSON *models_view(const cJSON *ai)
{
    static const struct view_metric *const ms[] = {&g_m_tps, &g_m_ttft, &g_m_itl, &g_m_itl50, &g_m_itl90, &g_m_itl99,
                                                   &g_m_peak, &g_m_prompt_tps, &g_m_decode, &g_m_decode_j,
                                                   &g_m_prompt_j};
    static const char *const tps[] = {"tps"}, *const ttft[] = {"ttft"}, *const pd[] = {"prompt_tps", "decode_tps"},
                             *const peak[] = {"peak"}, *const jpt[] = {"decode_jpt", "prompt_jpt"},
                             *const itl[] = {"itl", "itl_p50", "itl_p90", "itl_p99"};
    const cJSON *results = cllm_r_get(ai, &CLLM_F_AI_RESULTS), *m;
    cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "models"), *charts;

    cJSON_ArrayForEach(m, results) {
        const cJSON *model = cllm_r_get(m, &CLLM_F_LLM_MODEL), *eng = cllm_r_get(m, &CLLM_F_LLM_ENGINE);
        const cJSON *sum = cllm_r_get(m, &CLLM_F_LLM_SUMMARY);
        const char *lib = cllm_r_str(eng, &CLLM_F_LLM_E_LIBRARY), *url = cllm_r_str(eng, &CLLM_F_LLM_E_URL);
        const char *engine = cllm_r_str(eng, &CLLM_F_LLM_E_ENGINE), *backend = cllm_r_str(eng, &CLLM_F_LLM_E_BACKEND);
        cJSON *e = cJSON_CreateObject(), *ej;
        cJSON_AddStringToObject(e, "key", m->string);
        add_str_or_null(e, "name", cllm_r_str(model, &CLLM_F_LLM_M_NAME));
        cJSON_AddBoolToObject(e, "synthetic", cJSON_IsTrue(cllm_r_get(model, &CLLM_F_LLM_M_SYNTHETIC)));
        add_status(e, m);
        cJSON_AddBoolToObject(e, "has_summary", sum != NULL);
        add_stability(e, sum);
        add_noise(e, m);
        /* the engine as one line: a server's library and address with its mode, or llama.cpp and its backend */
        ej = cJSON_AddObjectToObject(e, "engine");
        add_str_or_null(ej, "mode", cllm_r_str(eng, &CLLM_F_LLM_E_MODE));
        add_str_or_null(ej, "library", lib);
        add_str_or_null(ej, "url", url);
        {
            char text[1024];
            if (cllm_r_str(eng, &CLLM_F_LLM_E_MODE))
                snprintf(text, sizeof(text), "%s%s%s", lib ? lib : "server", url ? " " : "", url ? url : "");
            else
                snprintf(text, sizeof(text), "%s%s%s", engine ? engine : "", engine && backend ? ", " : "",
                         backend ? backend : "");
            add_str_or_null(ej, "text", text[0] ? text : NULL);
        }
        add_metrics(e, m, ms, sizeof(ms) / sizeof(ms[0]));
        cJSON_AddItemToObject(e, "ladder", ladder_view(cllm_r_get(m, &CLLM_F_LLM_LADDER)));
        cJSON_AddItemToObject(e, "roofline", cllm_web_view_roofline(sum));
        cJSON_AddItemToObject(e, "energy", cllm_web_view_energy(sum));
        cJSON_AddItemToObject(e, "runs", runs_view(m));
        cJSON_AddItemToArray(arr, e);
    }
    charts = cJSON_AddArrayToObject(o, "charts");
    add_chart(charts, "tps", "tps", tps, 1);
    add_chart(charts, "ttft", "ttft", ttft, 1);
    add_chart(charts, "itl", "itl", itl, 4);
    add_chart(charts, "prompt_decode", "prompt_decode", pd, 2);
    add_chart(charts, "peak", "peak", peak, 1);
    add_chart(charts, "energy", "energy", jpt, 2);
    return o;
}

/* One section per comparison phase and model, variants in the file's order (the pipeline's). */
static cJSON *phases_view(const cJSON *ai)
{
    static const struct view_metric *const base[] = {&g_m_tps, &g_m_ttft, &g_m_itl, &g_m_peak};
    static const struct view_metric *const quant[] = {&g_m_tps, &g_m_ttft, &g_m_itl, &g_m_peak, &g_m_size, &g_m_load};
    static const struct view_metric *const prompt[] = {&g_m_tps, &g_m_ttft, &g_m_itl, &g_m_peak, &g_m_prompt};
    static const char *const c_tps[] = {"tps"}, *const c_ttft[] = {"ttft"}, *const c_sl[] = {"file_size", "load_time"},
                             *const c_pt[] = {"prompt_tokens"};
    const cJSON *results = cllm_r_get(ai, &CLLM_F_AI_RESULTS), *cmp = cllm_r_get(ai, &CLLM_F_AI_COMPARISONS);
    const cJSON *phase, *per_model;
    cJSON *o = cJSON_CreateObject(), *arr;

    cJSON_AddBoolToObject(o, "present", cmp != NULL);
    add_str_or_null(o, "status", cllm_r_str(cmp, &CLLM_F_AI_CMP_STATUS));
    add_str_or_null(o, "error", cllm_r_str(cmp, &CLLM_F_ERROR));
    arr = cJSON_AddArrayToObject(o, "sections");
    cJSON_ArrayForEach(phase, cmp) {
        const struct view_metric *const *ms = base;
        size_t n = sizeof(base) / sizeof(base[0]);
        const char *extra = NULL;
        if (!cJSON_IsObject(phase))
            continue;
        if (strcmp(phase->string, CLLM_F_AI_CMP_QUANTIZATION.name) == 0) {
            ms = quant;
            n = sizeof(quant) / sizeof(quant[0]);
            extra = "quant";
        } else if (strcmp(phase->string, CLLM_F_AI_CMP_LANGUAGE.name) == 0 ||
                   strcmp(phase->string, CLLM_F_AI_CMP_PROMPT_TYPE.name) == 0) {
            ms = prompt;
            n = sizeof(prompt) / sizeof(prompt[0]);
            extra = "prompt";
        }
        cJSON_ArrayForEach(per_model, phase) {
            /* the model's entry is keyed by data (its registry key), its facts through the fields */
            const cJSON *v, *model = cllm_r_get(cJSON_GetObjectItemCaseSensitive(results, per_model->string),
                                                &CLLM_F_LLM_MODEL);
            cJSON *s = cJSON_CreateObject(), *vars, *cols, *charts;
            bool all_synth = true;
            int nv = 0;
            if (!cJSON_IsObject(per_model)) {
                cJSON_Delete(s);
                continue;
            }
            cJSON_AddStringToObject(s, "phase", phase->string);
            cJSON_AddStringToObject(s, "model", per_model->string);
            add_str_or_null(s, "model_name", cllm_r_str(model, &CLLM_F_LLM_M_NAME));
            cols = cJSON_AddArrayToObject(s, "columns");
            for (size_t i = 0; i < n; i++) {
                cJSON *c = cJSON_CreateObject();
                cJSON_AddStringToObject(c, "key", ms[i]->id);
                cJSON_AddStringToObject(c, "label", ms[i]->label);
                cJSON_AddStringToObject(c, "unit", ms[i]->f->unit);
                cJSON_AddItemToArray(cols, c);
            }
            vars = cJSON_AddArrayToObject(s, "variants");
            cJSON_ArrayForEach(v, per_model) {
                cJSON *e = cJSON_CreateObject();
                bool synth = cJSON_IsTrue(cllm_r_get(v, &CLLM_F_LLM_M_SYNTHETIC));
                all_synth = all_synth && synth;
                nv++;
                cJSON_AddStringToObject(e, "key", v->string);
                add_num_or_null(e, "temperature", cllm_r_num(v, &CLLM_F_LLM_V_TEMPERATURE));
                add_status(e, v);
                cJSON_AddBoolToObject(e, "synthetic", synth);
                add_stability(e, cllm_r_get(v, &CLLM_F_LLM_SUMMARY));
                add_noise(e, v);
                add_metrics(e, v, ms, n);
                cJSON_AddItemToArray(vars, e);
            }
            cJSON_AddBoolToObject(s, "all_synthetic", nv > 0 && all_synth);
            charts = cJSON_AddArrayToObject(s, "charts");
            add_chart(charts, "phase-tps", "chart_tps", c_tps, 1);
            add_chart(charts, "phase-ttft", "chart_ttft", c_ttft, 1);
            if (extra && strcmp(extra, "quant") == 0)
                add_chart(charts, "phase-size-load", "chart_size_load", c_sl, 2);
            else if (extra)
                add_chart(charts, "phase-prompt-tokens", "chart_prompt_tokens", c_pt, 1);
            cJSON_AddItemToArray(arr, s);
        }
    }
    return o;
}

/* A bar chart with its labels and series: {"id", "unit", "labels", "series": [{"key", "values", "sd"}],
 * "has_data"}. */
static cJSON *bar_spec(const char *id, const char *unit, bool has_data)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "id", id);
    cJSON_AddStringToObject(c, "unit", unit);
    cJSON_AddBoolToObject(c, "has_data", has_data);
    cJSON_AddArrayToObject(c, "labels");
    cJSON_AddArrayToObject(c, "series");
    return c;
}

static cJSON *series_of(cJSON *chart, const char *key, bool with_sd)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "key", key);
    cJSON_AddArrayToObject(s, "values");
    if (with_sd)
        cJSON_AddArrayToObject(s, "sd");
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(chart, "series"), s);
    return s;
}

static void push_num(cJSON *series, const char *arr, double v)
{
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(series, arr),
                         isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

/* Why a classic phase gave its chart nothing (its reason or error; "not run" when the phase is absent): the GUI says
 * it once instead of drawing an empty chart. */
static void add_phase_why(cJSON *chart, const cJSON *phase)
{
    const char *why = cllm_r_str(phase, &CLLM_F_REASON);
    if (!why)
        why = cllm_r_str(phase, &CLLM_F_ERROR);
    if (!why && !phase)
        why = "not run";
    add_str_or_null(chart, "why", why);
}

static cJSON *classic_view(const cJSON *classic)
{
    const cJSON *b = cllm_r_get(classic, &CLLM_F_CL_BENCHMARKS), *it;
    const cJSON *cpu[2] = {cllm_r_get(cllm_r_get(b, &CLLM_F_CL_CPU_SINGLE), &CLLM_F_CPU_RESULTS),
                           cllm_r_get(cllm_r_get(b, &CLLM_F_CL_CPU_MULTI), &CLLM_F_CPU_RESULTS)};
    const cJSON *mr = cllm_r_get(cllm_r_get(b, &CLLM_F_CL_MEMORY), &CLLM_F_MEM_RESULTS);
    const cJSON *gs = cllm_r_get(cllm_r_get(b, &CLLM_F_CL_GPU), &CLLM_F_GPU_SUMMARY);
    cJSON *o = cJSON_CreateObject(), *charts, *c, *s1, *s2, *labels;

    cJSON_AddBoolToObject(o, "ran", b && cJSON_GetArraySize(b) > 0);
    {
        const char *why = cllm_r_str(classic, &CLLM_F_REASON);
        add_str_or_null(o, "why", why ? why : cllm_r_str(classic, &CLLM_F_ERROR));
    }
    charts = cJSON_AddArrayToObject(o, "charts");
    /* GFLOPS per matrix size, the sizes either thread count measured */
    c = bar_spec("gflops", CLLM_F_CL_GFLOPS.unit, false);
    labels = cJSON_GetObjectItemCaseSensitive(c, "labels");
    for (size_t t = 0; t < 2; t++)
        cJSON_ArrayForEach(it, cpu[t]) {
            bool seen = false;
            const cJSON *l;
            cJSON_ArrayForEach(l, labels) seen = seen || strcmp(l->valuestring, it->string) == 0;
            if (!seen)
                cJSON_AddItemToArray(labels, cJSON_CreateString(it->string));
        }
    cJSON_ReplaceItemInObjectCaseSensitive(c, "has_data", cJSON_CreateBool(cJSON_GetArraySize(labels) > 0));
    add_phase_why(c, cllm_r_get(b, &CLLM_F_CL_CPU_MULTI));
    s1 = series_of(c, "single", false);
    s2 = series_of(c, "multi", false);
    cJSON_ArrayForEach(it, labels) {
        /* a size's entry is keyed by data ("2048x2048"), its numbers through the fields */
        const cJSON *e0 = cJSON_GetObjectItemCaseSensitive(cpu[0], it->valuestring);
        const cJSON *e1 = cJSON_GetObjectItemCaseSensitive(cpu[1], it->valuestring);
        push_num(s1, "values", cllm_r_num(e0, &CLLM_F_CL_GFLOPS));
        push_num(s2, "values", cllm_r_num(e1, &CLLM_F_CL_GFLOPS));
    }
    cJSON_AddItemToArray(charts, c);
    /* memory bandwidth per kernel, one thread and all threads, ± sd */
    c = bar_spec("bandwidth", CLLM_F_MEM_GBPS.unit, mr != NULL);
    add_phase_why(c, cllm_r_get(b, &CLLM_F_CL_MEMORY));
    labels = cJSON_GetObjectItemCaseSensitive(c, "labels");
    s1 = series_of(c, "single", true);
    s2 = series_of(c, "multi", true);
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        const cJSON *one = cllm_r_get(cllm_r_get(mr, &CLLM_F_MEM_SINGLE_THREAD), CLLM_MEM_KERNEL_FIELDS[k]);
        const cJSON *all = cllm_r_get(cllm_r_get(mr, &CLLM_F_MEM_ALL_THREADS), CLLM_MEM_KERNEL_FIELDS[k]);
        cJSON_AddItemToArray(labels, cJSON_CreateString(cllm_membw_kernel_name((enum cllm_membw_kernel)k)));
        push_num(s1, "values", cllm_r_num(one, &CLLM_F_MEM_GBPS));
        push_num(s1, "sd", cllm_r_num(one, &CLLM_F_MEM_GBPS_STD));
        push_num(s2, "values", cllm_r_num(all, &CLLM_F_MEM_GBPS));
        push_num(s2, "sd", cllm_r_num(all, &CLLM_F_MEM_GBPS_STD));
    }
    cJSON_AddItemToArray(charts, c);
    /* GPU TFLOPS per precision */
    c = bar_spec("gpu", CLLM_F_GPU_MEAN_TFLOPS.unit, gs != NULL);
    add_phase_why(c, cllm_r_get(b, &CLLM_F_CL_GPU));
    labels = cJSON_GetObjectItemCaseSensitive(c, "labels");
    s1 = series_of(c, "tflops", false);
    for (int p = 0; p < CLLM_GPUGEMM_PRECISION_COUNT; p++) {
        cJSON_AddItemToArray(labels, cJSON_CreateString(cllm_gpugemm_precision_name((enum cllm_gpugemm_precision)p)));
        push_num(s1, "values", cllm_r_num(gs, CLLM_GPU_SUMMARY_FIELDS[p]));
    }
    cJSON_AddItemToArray(charts, c);
    return o;
}

/* The monitor time series per phase and model that has samples: {"name", "t_s": [...], "series": [{"key",
 * "values"}]} with the columns that hold any value. */
static cJSON *monitor_view(const cJSON *res)
{
    const cJSON *groups[2] = {cllm_r_get(cllm_r_get(res, &CLLM_F_CLASSIC_BENCHMARKS), &CLLM_F_CL_BENCHMARKS),
                              cllm_r_get(cllm_r_get(res, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_RESULTS)};
    cJSON *arr = cJSON_CreateArray();
    for (size_t g = 0; g < 2; g++) {
        const cJSON *p;
        cJSON_ArrayForEach(p, groups[g]) {
            const cJSON *smp = cllm_r_get(cllm_r_get(p, &CLLM_F_MONITOR), &CLLM_F_MON_SAMPLES), *t = NULL, *col;
            cJSON *e, *series;
            if (smp)
                t = cJSON_GetObjectItemCaseSensitive(smp, CLLM_F_MON_COL_T_S.name);
            if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) == 0)
                continue;
            e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", p->string);
            cJSON_AddItemToObject(e, "t_s", cJSON_Duplicate(t, 1));
            series = cJSON_AddArrayToObject(e, "series");
            cJSON_ArrayForEach(col, smp) {
                bool any = false, pct;
                const cJSON *x;
                cJSON *s;
                if (col == t || !cJSON_IsArray(col))
                    continue;
                cJSON_ArrayForEach(x, col) any = any || cJSON_IsNumber(x);
                if (!any)
                    continue;
                s = cJSON_CreateObject();
                cJSON_AddStringToObject(s, "key", col->string);
                /* percentages on the left axis (0-100), the other units on the right */
                /* this process's CPU counts 100 per core: it can pass 100, so it goes on the right */
                pct = cllm_str_ends_with(col->string, "_pct") && strcmp(col->string, CLLM_F_MON_COL_PROC_CPU_PCT.name) != 0;
                cJSON_AddStringToObject(s, "axis", pct ? "y" : "y1");
                cJSON_AddStringToObject(s, "unit", pct                                       ? "%"
                                                   : cllm_str_ends_with(col->string, "_pct") ? "% of a core"
                                                   : cllm_str_ends_with(col->string, "_gb")  ? "GiB"
                                                   : cllm_str_ends_with(col->string, "_w")   ? "W"
                                                   : cllm_str_ends_with(col->string, "_c")   ? "°C"
                                                   : cllm_str_ends_with(col->string, "_mhz") ? "MHz"
                                                                                             : "");
                cJSON_AddItemToObject(s, "values", cJSON_Duplicate(col, 1));
                cJSON_AddItemToArray(series, s);
            }
            cJSON_AddItemToArray(arr, e);
        }
    }
    return arr;
}

/* ---- the serving section (serving_benchmarks, written by serve-bench): rows in the unit shown, nulls with their
 * reason ---- */

/* The reason the file gives for field f of obj being null (its null_reasons), or NULL. */
static const char *null_why(const cJSON *obj, const struct cllm_field *f)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(cllm_r_get(obj, &CLLM_F_NULL_REASONS), f->name);
    return cJSON_IsString(w) ? w->valuestring : NULL;
}

/* One column of a level's row: the field f of the level (or of its sub-object `sub`: a distribution, the goodput),
 * times scale, in unit; percent: a fraction the GUI shows as a percentage. */
struct serve_metric {
    const char *id, *label, *unit;
    int         digits;
    double      scale;
    const struct cllm_field *sub, *f;
    bool        percent;
};

static const struct serve_metric g_serve_metrics[] = {
    {"wall", "wall", "s", 2, 1, NULL, &CLLM_F_SERVE_L_WALL_S, false},
    {"rps", "requests/s", "req/s", 2, 1, NULL, &CLLM_F_SERVE_L_RPS, false},
    {"tps", "output tokens/s", "tokens/s", 1, 1, NULL, &CLLM_F_SERVE_L_OUTPUT_TPS, false},
    {"ttft_p50", "TTFT p50", "ms", 1, 1e3, &CLLM_F_SERVE_L_TTFT_S, &CLLM_F_SERVE_D_P50, false},
    {"ttft_p99", "TTFT p99", "ms", 1, 1e3, &CLLM_F_SERVE_L_TTFT_S, &CLLM_F_SERVE_D_P99, false},
    {"itl_p50", "ITL p50", "ms", 2, 1e3, &CLLM_F_SERVE_L_ITL_S, &CLLM_F_SERVE_D_P50, false},
    {"itl_p99", "ITL p99", "ms", 2, 1e3, &CLLM_F_SERVE_L_ITL_S, &CLLM_F_SERVE_D_P99, false},
    {"e2e_p50", "E2E p50", "s", 3, 1, &CLLM_F_SERVE_L_E2E_S, &CLLM_F_SERVE_D_P50, false},
    {"e2e_p99", "E2E p99", "s", 3, 1, &CLLM_F_SERVE_L_E2E_S, &CLLM_F_SERVE_D_P99, false},
    {"error_rate", "errors", "", 1, 1, NULL, &CLLM_F_SERVE_L_ERROR_RATE, true},
    {"good_rps", "goodput requests/s", "req/s", 2, 1, &CLLM_F_SERVE_L_GOODPUT, &CLLM_F_SERVE_G_RPS, false},
    {"good_pct", "goodput", "", 1, 1, &CLLM_F_SERVE_L_GOODPUT, &CLLM_F_SERVE_G_FRACTION, true},
};
#define SERVE_METRIC_COUNT (sizeof(g_serve_metrics) / sizeof(g_serve_metrics[0]))

/* The value of metric m of level L in its unit (NAN when null) and, when null, the file's reason in *why. */
static double serve_value(const struct serve_metric *m, const cJSON *L, const char **why)
{
    const cJSON *o = m->sub ? cllm_r_get(L, m->sub) : L;
    double v = cllm_r_num(o, m->f);
    *why = NULL;
    if (!isfinite(v)) {
        /* a whole sub-object null (no goodput without --slo) has its reason in the level */
        *why = m->sub && !o ? null_why(L, m->sub) : null_why(o, m->f);
        return NAN;
    }
    return v * m->scale;
}

/* {"key", "label", "unit", "digits", "percent", "value", "why"} of metric m of level L. */
static cJSON *serve_row(const struct serve_metric *m, const cJSON *L)
{
    const char *why;
    double v = serve_value(m, L, &why);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", m->id);
    cJSON_AddStringToObject(o, "label", m->label);
    cJSON_AddStringToObject(o, "unit", m->unit);
    cJSON_AddNumberToObject(o, "digits", m->digits);
    cJSON_AddBoolToObject(o, "percent", m->percent);
    add_num_or_null(o, "value", v);
    add_str_or_null(o, "why", why);
    /* a share of failed requests above zero is marked */
    if (m->f == &CLLM_F_SERVE_L_ERROR_RATE)
        cJSON_AddBoolToObject(o, "bad", isfinite(v) && v > 0);
    return o;
}

static const struct serve_metric *serve_metric_of(const char *id)
{
    for (size_t i = 0; i < SERVE_METRIC_COUNT; i++)
        if (strcmp(g_serve_metrics[i].id, id) == 0)
            return &g_serve_metrics[i];
    return NULL;
}

/* A line chart over the levels: {"id", "title", "unit", "unit2", "labels", "has_data", "series": [{"key", "label",
 * "axis", "values"}]}, the series' metrics named by ids (a second unit's on the right axis). */
static void add_serve_chart(cJSON *charts, const cJSON *levels, const char *id, const char *title,
                            const char *const *ids, const char *const *labels, size_t n)
{
    cJSON *c = cJSON_CreateObject(), *lab, *series;
    const char *unit = NULL, *unit2 = NULL;
    const cJSON *L;
    bool any = false;
    cJSON_AddStringToObject(c, "id", id);
    cJSON_AddStringToObject(c, "title", title);
    lab = cJSON_AddArrayToObject(c, "labels");
    cJSON_ArrayForEach(L, levels) {
        char text[64];
        cllm_write_serve_level_label(L, text, sizeof(text));
        cJSON_AddItemToArray(lab, cJSON_CreateString(text));
    }
    series = cJSON_AddArrayToObject(c, "series");
    for (size_t i = 0; i < n; i++) {
        const struct serve_metric *m = serve_metric_of(ids[i]);
        cJSON *s = cJSON_CreateObject(), *vals;
        bool right;
        if (!unit)
            unit = m->unit;
        right = strcmp(m->unit, unit) != 0;
        if (right)
            unit2 = m->unit;
        cJSON_AddStringToObject(s, "key", m->id);
        cJSON_AddStringToObject(s, "label", labels[i]);
        cJSON_AddStringToObject(s, "axis", right ? "y1" : "y");
        vals = cJSON_AddArrayToObject(s, "values");
        cJSON_ArrayForEach(L, levels) {
            const char *why;
            double v = serve_value(m, L, &why);
            any = any || isfinite(v);
            cJSON_AddItemToArray(vals, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
        }
        cJSON_AddItemToArray(series, s);
    }
    cJSON_AddStringToObject(c, "unit", unit ? unit : "");
    add_str_or_null(c, "unit2", unit2);
    cJSON_AddBoolToObject(c, "has_data", any);
    cJSON_AddItemToArray(charts, c);
}

static void add_int_or_null(cJSON *o, const char *key, const cJSON *from, const struct cllm_field *f)
{
    add_num_or_null(o, key, cllm_r_num(from, f));
}

/* The server's own view of the levels (their server_metrics, the columns of the CLI's table): {"any", "why",
 * "columns": [{"key", "unit"}], "rows": [{"label", "measured", "why", "cells": [{"value", "why"}]}]}.
 * A gauge's cell is its largest value, a counter's what the level added; "any" is false when no level was
 * measured, "why" then the first level's reason (null when the file has no server_metrics at all). */
static cJSON *server_view(const cJSON *levels)
{
    const struct cllm_prom_view_column *cols = cllm_prom_view_columns;   /* the CLI's columns */
    cJSON *o = cJSON_CreateObject(), *arr, *rows;
    const char *why = NULL;
    const cJSON *L;
    bool any = false, seen = false;

    arr = cJSON_AddArrayToObject(o, "columns");
    for (size_t i = 0; i < CLLM_PROM_VIEW_N_COLUMNS; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "key", cllm_prom_key_name(cols[i].k));
        cJSON_AddStringToObject(c, "unit", cols[i].unit);
        cJSON_AddItemToArray(arr, c);
    }
    rows = cJSON_AddArrayToObject(o, "rows");
    cJSON_ArrayForEach(L, levels) {
        const cJSON *m = cllm_r_get(L, &CLLM_F_SERVE_L_SERVER_METRICS);
        const char *st = cllm_r_str(m, &CLLM_F_PROM_STATUS);
        bool measured = cJSON_IsObject(m) && st && strcmp(st, "measured") == 0;
        const char *lwhy = NULL;
        cJSON *row = cJSON_CreateObject(), *cells;
        char label[48];

        cJSON_AddStringToObject(row, "label", cllm_write_serve_level_label(L, label, sizeof(label)));
        if (cJSON_IsObject(m)) {
            seen = true;
            if (!measured)
                lwhy = cllm_r_str(m, &CLLM_F_REASON) ? cllm_r_str(m, &CLLM_F_REASON) : "not scraped";
        } else {
            lwhy = null_why(L, &CLLM_F_SERVE_L_SERVER_METRICS);
            seen = seen || lwhy;
        }
        any = any || measured;
        if (!why && lwhy)
            why = lwhy;
        cJSON_AddBoolToObject(row, "measured", measured);
        add_str_or_null(row, "why", measured ? NULL : lwhy ? lwhy : "not scraped");
        cells = cJSON_AddArrayToObject(row, "cells");
        for (size_t i = 0; measured && i < CLLM_PROM_VIEW_N_COLUMNS; i++) {
            const struct cllm_field *f = cllm_prom_key_fields[cols[i].k];
            const cJSON *v = cllm_r_get(m, f);
            double x = cllm_r_num(v, cllm_prom_key_is_counter(cols[i].k) ? &CLLM_F_PROM_DELTA : &CLLM_F_PROM_MAX);
            cJSON *c = cJSON_CreateObject();
            add_num_or_null(c, "value", isfinite(x) ? x * cols[i].scale : NAN);
            add_str_or_null(c, "why", isfinite(x) ? NULL : cJSON_IsObject(v) ? "no value" : null_why(m, f));
            cJSON_AddItemToArray(cells, c);
        }
        cJSON_AddItemToArray(rows, row);
    }
    cJSON_AddBoolToObject(o, "any", any);
    add_str_or_null(o, "why", any || !seen ? NULL : why);
    return o;
}

/* The SLA search (sla_search, serve-bench --find-max): {"start_rate", "limit", "probe_requests", "probe_s",
 * "warmup_share", "resolution" (its settings, f: params.find_max), "mode", "found", "best", "lowest_failed",
 * "limit_reached", "rule", "probes": [{"value", "label", "status", "met", "why"}]}; null without one. */
static cJSON *search_view(const cJSON *q, const cJSON *levels, const cJSON *f)
{
    const cJSON *pr;
    cJSON *o, *arr;
    if (!cJSON_IsObject(q))
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    /* the settings (params.find_max), for the rule in the reader's language */
    add_num_or_null(o, "start_rate", cllm_r_num(f, &CLLM_F_SERVE_F_START_RATE));
    add_num_or_null(o, "limit", cllm_r_num(f, &CLLM_F_SERVE_F_LIMIT));
    add_num_or_null(o, "probe_requests", cllm_r_num(f, &CLLM_F_SERVE_F_PROBE_REQUESTS));
    add_num_or_null(o, "probe_s", cllm_r_num(f, &CLLM_F_SERVE_F_PROBE_S));
    add_num_or_null(o, "warmup_share", cllm_r_num(f, &CLLM_F_SERVE_F_WARMUP_SHARE));
    add_num_or_null(o, "resolution", cllm_r_num(f, &CLLM_F_SERVE_F_RESOLUTION));
    add_str_or_null(o, "mode", cllm_r_str(q, &CLLM_F_SERVE_SR_MODE));
    cJSON_AddBoolToObject(o, "found", cJSON_IsTrue(cllm_r_get(q, &CLLM_F_SERVE_SR_FOUND)));
    add_num_or_null(o, "best", cllm_r_num(q, &CLLM_F_SERVE_SR_BEST));
    add_num_or_null(o, "lowest_failed", cllm_r_num(q, &CLLM_F_SERVE_SR_LOWEST_FAILED));
    cJSON_AddBoolToObject(o, "limit_reached", cJSON_IsTrue(cllm_r_get(q, &CLLM_F_SERVE_SR_LIMIT_REACHED)));
    add_str_or_null(o, "rule", cllm_r_str(q, &CLLM_F_SERVE_SR_RULE));
    arr = cJSON_AddArrayToObject(o, "probes");
    cJSON_ArrayForEach(pr, cllm_r_get(q, &CLLM_F_SERVE_SR_PROBES)) {
        cJSON *p = cJSON_CreateObject();
        double lv = cllm_r_num(pr, &CLLM_F_SERVE_PR_LEVEL);
        const cJSON *L = isfinite(lv) && lv >= 0 && lv < cJSON_GetArraySize(levels)
                             ? cJSON_GetArrayItem(levels, (int)lv) : NULL;
        char label[48];
        add_num_or_null(p, "value", cllm_r_num(pr, &CLLM_F_SERVE_PR_VALUE));
        add_str_or_null(p, "label", L ? cllm_write_serve_level_label(L, label, sizeof(label)) : NULL);
        add_str_or_null(p, "status", L ? cllm_r_str(L, &CLLM_F_SERVE_L_STATUS) : NULL);
        cJSON_AddBoolToObject(p, "met", cJSON_IsTrue(cllm_r_get(pr, &CLLM_F_SERVE_PR_MET)));
        add_str_or_null(p, "why", cllm_r_str(pr, &CLLM_F_SERVE_PR_WHY));
        cJSON_AddItemToArray(arr, p);
    }
    return o;
}

/* The serving section: null when the file has none. */
static cJSON *serving_view(const cJSON *s)
{
    static const char *const tput[] = {"tps", "rps"}, *const tput_l[] = {"srv.ds_tps", "srv.ds_rps"};
    static const char *const ttft[] = {"ttft_p50", "ttft_p99"}, *const itl[] = {"itl_p50", "itl_p99"};
    static const char *const pl[] = {"p50", "p99"};
    const cJSON *srv = cllm_r_get(s, &CLLM_F_SERVE_SERVER), *props = cllm_r_get(srv, &CLLM_F_SERVE_PROPS);
    const cJSON *p = cllm_r_get(s, &CLLM_F_SERVE_PARAMS), *slo = cllm_r_get(p, &CLLM_F_SERVE_P_SLO);
    const cJSON *conc = cllm_r_get(p, &CLLM_F_SERVE_P_CONCURRENCY), *levels = cllm_r_get(s, &CLLM_F_SERVE_LEVELS);
    const cJSON *L, *c;
    cJSON *o, *e, *arr;

    if (!cJSON_IsObject(s))
        return cJSON_CreateNull();
    if (!cJSON_IsArray(levels))
        levels = NULL;
    o = cJSON_CreateObject();
    add_str_or_null(o, "status", cllm_r_str(s, &CLLM_F_SERVE_STATUS));
    add_str_or_null(o, "error", cllm_r_str(s, &CLLM_F_ERROR));

    e = cJSON_AddObjectToObject(o, "server");
    add_str_or_null(e, "url", cllm_r_str(srv, &CLLM_F_SERVE_URL));
    add_str_or_null(e, "library", cllm_r_str(srv, &CLLM_F_SERVE_LIBRARY));
    add_str_or_null(e, "model", cllm_r_str(srv, &CLLM_F_SERVE_MODEL));
    add_str_or_null(e, "model_source", cllm_r_str(srv, &CLLM_F_SERVE_MODEL_SOURCE));
    add_str_or_null(e, "client", cllm_r_str(srv, &CLLM_F_SERVE_CLIENT));
    cJSON_AddBoolToObject(e, "has_props", cJSON_IsObject(props));
    add_str_or_null(e, "build_info", cllm_r_str(props, &CLLM_F_SERVE_PROPS_BUILD_INFO));
    add_str_or_null(e, "model_path", cllm_r_str(props, &CLLM_F_SERVE_PROPS_MODEL_PATH));
    add_int_or_null(e, "total_slots", props, &CLLM_F_SERVE_PROPS_TOTAL_SLOTS);
    add_int_or_null(e, "n_ctx", props, &CLLM_F_SERVE_PROPS_N_CTX);
    add_str_or_null(e, "props_why", cJSON_IsObject(props) ? NULL : null_why(srv, &CLLM_F_SERVE_PROPS));

    e = cJSON_AddObjectToObject(o, "params");
    arr = cJSON_AddArrayToObject(e, "concurrency");
    cJSON_ArrayForEach(c, (cJSON_IsArray(conc) ? conc : NULL))
        if (cJSON_IsNumber(c))
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(c->valuedouble));
    /* open-loop levels: the rates asked for, as the file writes them ("4", "inf") */
    arr = cJSON_AddArrayToObject(e, "request_rate");
    cJSON_ArrayForEach(c, cllm_r_get(p, &CLLM_F_SERVE_P_REQUEST_RATE))
        if (cJSON_IsString(c))
            cJSON_AddItemToArray(arr, cJSON_CreateString(c->valuestring));
    add_int_or_null(e, "requests", p, &CLLM_F_SERVE_P_REQUESTS);
    add_str_or_null(e, "requests_why", null_why(p, &CLLM_F_SERVE_P_REQUESTS));
    add_num_or_null(e, "duration_s", cllm_r_num(p, &CLLM_F_SERVE_P_DURATION_S));
    add_str_or_null(e, "duration_why", null_why(p, &CLLM_F_SERVE_P_DURATION_S));
    add_int_or_null(e, "max_tokens", p, &CLLM_F_SERVE_P_MAX_TOKENS);
    if (cJSON_IsBool(cllm_r_get(p, &CLLM_F_SERVE_P_IGNORE_EOS)))
        cJSON_AddBoolToObject(e, "ignore_eos", cJSON_IsTrue(cllm_r_get(p, &CLLM_F_SERVE_P_IGNORE_EOS)));
    else
        cJSON_AddNullToObject(e, "ignore_eos");
    add_num_or_null(e, "temperature", cllm_r_num(p, &CLLM_F_SERVE_P_TEMPERATURE));
    add_num_or_null(e, "top_p", cllm_r_num(p, &CLLM_F_SERVE_P_TOP_P));
    add_int_or_null(e, "seed", p, &CLLM_F_SERVE_P_SEED);
    add_num_or_null(e, "stall_s", cllm_r_num(p, &CLLM_F_SERVE_P_STALL_S));
    add_str_or_null(e, "prompt", cllm_r_str(p, &CLLM_F_SERVE_P_PROMPT));
    add_num_or_null(e, "slo_ttft_ms", cllm_r_num(slo, &CLLM_F_SERVE_SLO_TTFT_MS));
    add_num_or_null(e, "slo_itl_ms", cllm_r_num(slo, &CLLM_F_SERVE_SLO_ITL_MS));
    /* the p99 SLOs each level is checked against (--slo ..._p99_ms, a preset), and why the levels list is null */
    {
        const cJSON *q = cllm_r_get(p, &CLLM_F_SERVE_P_SLO_P99);
        cJSON *s99 = cJSON_IsObject(q) ? cJSON_AddObjectToObject(e, "slo_p99") : NULL;
        if (s99) {
            add_num_or_null(s99, "ttft_ms", cllm_r_num(q, &CLLM_F_SERVE_S99_TTFT));
            add_num_or_null(s99, "itl_ms", cllm_r_num(q, &CLLM_F_SERVE_S99_ITL));
            add_num_or_null(s99, "e2e_ms", cllm_r_num(q, &CLLM_F_SERVE_S99_E2E));
            add_num_or_null(s99, "tpot_ms", cllm_r_num(q, &CLLM_F_SERVE_S99_TPOT));
        } else {
            cJSON_AddNullToObject(e, "slo_p99");
        }
    }
    add_str_or_null(e, "levels_why", null_why(p, &CLLM_F_SERVE_P_CONCURRENCY));

    /* the columns of the table, then a row per level that ran */
    arr = cJSON_AddArrayToObject(o, "columns");
    for (size_t i = 0; i < SERVE_METRIC_COUNT; i++) {
        cJSON *col = cJSON_CreateObject();
        cJSON_AddStringToObject(col, "key", g_serve_metrics[i].id);
        cJSON_AddStringToObject(col, "label", g_serve_metrics[i].label);
        cJSON_AddStringToObject(col, "unit", g_serve_metrics[i].unit);
        cJSON_AddItemToArray(arr, col);
    }
    arr = cJSON_AddArrayToObject(o, "levels");
    cJSON_ArrayForEach(L, levels) {
        const cJSON *x;
        cJSON *row = cJSON_CreateObject(), *errs, *ms;
        char label[48];
        add_num_or_null(row, "concurrency", cllm_r_num(L, &CLLM_F_SERVE_L_CONCURRENCY));
        /* an open-loop level is its rate ("rate=4", "rate=inf"), a closed-loop one its concurrency ("c=4") */
        add_str_or_null(row, "mode", cllm_r_str(L, &CLLM_F_SERVE_L_MODE));
        cJSON_AddStringToObject(row, "label", cllm_write_serve_level_label(L, label, sizeof(label)));
        add_str_or_null(row, "status", cllm_r_str(L, &CLLM_F_SERVE_L_STATUS));
        add_str_or_null(row, "error", cllm_r_str(L, &CLLM_F_ERROR));
        add_num_or_null(row, "n_ok", cllm_r_num(L, &CLLM_F_SERVE_L_N_OK));
        add_num_or_null(row, "n_requests", cllm_r_num(L, &CLLM_F_SERVE_L_N_REQUESTS));
        /* the level's own error, then its first distinct request errors (the file keeps up to 5), each once */
        errs = cJSON_AddArrayToObject(row, "errors");
        if (cllm_r_str(L, &CLLM_F_ERROR) && *cllm_r_str(L, &CLLM_F_ERROR))
            cJSON_AddItemToArray(errs, cJSON_CreateString(cllm_r_str(L, &CLLM_F_ERROR)));
        cJSON_ArrayForEach(x, cllm_r_get(L, &CLLM_F_SERVE_L_ERRORS)) {
            bool seen = false;
            const cJSON *y;
            if (!cJSON_IsString(x) || !*x->valuestring)
                continue;
            cJSON_ArrayForEach(y, errs) seen = seen || strcmp(y->valuestring, x->valuestring) == 0;
            if (!seen)
                cJSON_AddItemToArray(errs, cJSON_CreateString(x->valuestring));
        }
        ms = cJSON_AddArrayToObject(row, "metrics");
        for (size_t i = 0; i < SERVE_METRIC_COUNT; i++)
            cJSON_AddItemToArray(ms, serve_row(&g_serve_metrics[i], L));
        cJSON_AddItemToArray(arr, row);
    }
    /* levels asked for but not run (after a failed level, or Ctrl-C) */
    arr = cJSON_AddArrayToObject(o, "not_run");
    cJSON_ArrayForEach(c, (cJSON_IsArray(conc) ? conc : NULL)) {
        bool ran = false;
        cJSON_ArrayForEach(L, levels) ran = ran || cllm_r_num(L, &CLLM_F_SERVE_L_CONCURRENCY) == c->valuedouble;
        if (cJSON_IsNumber(c) && !ran)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(c->valuedouble));
    }
    arr = cJSON_AddArrayToObject(o, "charts");
    add_serve_chart(arr, levels, "serving-throughput", "srv.chart_tput", tput, tput_l, 2);
    add_serve_chart(arr, levels, "serving-ttft", "srv.chart_ttft", ttft, pl, 2);
    add_serve_chart(arr, levels, "serving-itl", "srv.chart_itl", itl, pl, 2);
    cJSON_AddItemToObject(o, "server_view", server_view(levels));
    cJSON_AddItemToObject(o, "search", search_view(cllm_r_get(s, &CLLM_F_SERVE_SEARCH), levels,
                                                       cllm_r_get(p, &CLLM_F_SERVE_P_FIND_MAX)));
    return o;
}

/* ---- other processes' CPU use per phase, and computellm sweep's matrix ---- */

/* A phase during which other processes used more than CLLM_MONITOR_NOISY_PCT % of the CPU, appended to arr:
 * {"section", "name", "model", "variant", "other_cpu_pct", "text"}; status: the phase's (only an ok phase has
 * numbers that may be low). */
static void add_noisy(cJSON *arr, const cJSON *item, const char *status, const char *section, const char *name,
                      const char *model, const char *variant)
{
    bool noisy;
    double pct = other_cpu_of(item, &noisy);
    char text[160];
    cJSON *e;
    if (!noisy || !status || strcmp(status, "ok") != 0)
        return;
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "section", section);
    add_str_or_null(e, "name", name);
    add_str_or_null(e, "model", model);
    add_str_or_null(e, "variant", variant);
    cJSON_AddNumberToObject(e, "other_cpu_pct", pct);
    snprintf(text, sizeof(text), "other processes used %.0f %% of the CPU during this phase: numbers may be low", pct);
    cJSON_AddStringToObject(e, "text", text);
    cJSON_AddItemToArray(arr, e);
}

/* Every noisy phase of the file, in its order: classic phases, models, comparison variants. */
static cJSON *noise_view(const cJSON *res)
{
    const cJSON *ai = cllm_r_get(res, &CLLM_F_AI_BENCHMARKS), *p, *m, *v;
    cJSON *arr = cJSON_CreateArray();
    cJSON_ArrayForEach(p, cllm_r_get(cllm_r_get(res, &CLLM_F_CLASSIC_BENCHMARKS), &CLLM_F_CL_BENCHMARKS))
        if (cJSON_IsObject(p))
            add_noisy(arr, p, cllm_r_str(p, &CLLM_F_CL_STATUS), "classic", p->string, NULL, NULL);
    cJSON_ArrayForEach(m, cllm_r_get(ai, &CLLM_F_AI_RESULTS))
        if (cJSON_IsObject(m))
            add_noisy(arr, m, cllm_r_str(m, &CLLM_F_LLM_STATUS), "ai", m->string, m->string, NULL);
    cJSON_ArrayForEach(p, cllm_r_get(ai, &CLLM_F_AI_COMPARISONS)) {
        if (!cJSON_IsObject(p))
            continue;
        cJSON_ArrayForEach(m, p) {
            if (!cJSON_IsObject(m))
                continue;
            cJSON_ArrayForEach(v, m)
                if (cJSON_IsObject(v))
                    add_noisy(arr, v, cllm_r_str(v, &CLLM_F_LLM_STATUS), "comparison", p->string, m->string,
                              v->string);
        }
    }
    return arr;
}

/* The sweep's table columns besides model, size, params, backend, threads, ngl and test (always there): a knob
 * shown when it varies across the tests or differs from llama-bench's default, as llama-bench's table does;
 * label: llama-bench's column title. */
struct sweep_col {
    const char *key, *label;
    const struct cllm_field *f;
};

static const struct sweep_col g_sweep_knobs[] = {
    {"n_batch", "n_batch", &CLLM_F_SW_N_BATCH},       {"n_ubatch", "n_ubatch", &CLLM_F_SW_N_UBATCH},
    {"type_k", "type_k", &CLLM_F_SW_TYPE_K},          {"type_v", "type_v", &CLLM_F_SW_TYPE_V},
    {"main_gpu", "main_gpu", &CLLM_F_SW_MAIN_GPU},    {"sm", "sm", &CLLM_F_SW_SPLIT_MODE},
    {"nkvo", "nkvo", &CLLM_F_SW_NO_KV_OFFLOAD},       {"nopo", "nopo", &CLLM_F_SW_NO_OP_OFFLOAD},
    {"fa", "fa", &CLLM_F_SW_FLASH_ATTN},              {"ts", "ts", &CLLM_F_SW_TENSOR_SPLIT},
    {"mmap", "mmap", &CLLM_F_SW_USE_MMAP},            {"poll", "poll", &CLLM_F_SW_POLL},
};
#define SWEEP_KNOB_COUNT (sizeof(g_sweep_knobs) / sizeof(g_sweep_knobs[0]))

/* A test's value of field f as text ("" when absent): numbers as integers, booleans as 0/1, strings as written. */
static void sweep_cell(const cJSON *t, const struct cllm_field *f, char *out, size_t n)
{
    const cJSON *v = cllm_r_get(t, f);
    if (cJSON_IsNumber(v))
        snprintf(out, n, "%.0f", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(out, n, "%d", cJSON_IsTrue(v) ? 1 : 0);
    else if (cJSON_IsString(v))
        snprintf(out, n, "%s", v->valuestring);
    else
        out[0] = '\0';
}

/* llama-bench's default of a knob column as the file writes it. */
static void sweep_default(const struct sweep_col *c, char *out, size_t n)
{
    struct cllm_bench_knobs d = cllm_bench_default_knobs();
    const struct cllm_field *f = c->f;
    if (f == &CLLM_F_SW_N_BATCH)
        snprintf(out, n, "%d", d.n_batch);
    else if (f == &CLLM_F_SW_N_UBATCH)
        snprintf(out, n, "%d", d.n_ubatch);
    else if (f == &CLLM_F_SW_TYPE_K)
        snprintf(out, n, "%s", cllm_bench_type_name(d.type_k));
    else if (f == &CLLM_F_SW_TYPE_V)
        snprintf(out, n, "%s", cllm_bench_type_name(d.type_v));
    else if (f == &CLLM_F_SW_MAIN_GPU)
        snprintf(out, n, "%d", d.main_gpu);
    else if (f == &CLLM_F_SW_SPLIT_MODE)
        snprintf(out, n, "%s", cllm_bench_split_name(d.split_mode));
    else if (f == &CLLM_F_SW_NO_KV_OFFLOAD)
        snprintf(out, n, "%d", d.no_kv_offload ? 1 : 0);
    else if (f == &CLLM_F_SW_NO_OP_OFFLOAD)
        snprintf(out, n, "%d", d.no_op_offload ? 1 : 0);
    else if (f == &CLLM_F_SW_FLASH_ATTN)
        snprintf(out, n, "%d", d.flash_attn);
    else if (f == &CLLM_F_SW_USE_MMAP)
        snprintf(out, n, "%d", d.use_mmap ? 1 : 0);
    else if (f == &CLLM_F_SW_POLL)
        snprintf(out, n, "%d", d.poll);
    else
        out[0] = '\0';   /* tensor_split: the library's even split is written as 0.00 entries; shown when given */
}

/* A size in bytes and a parameter count as llama-bench's table prints them ("636.18 MiB", "1.10 B"); "?" unknown. */
static void sweep_size(double bytes, char *out, size_t n)
{
    if (!isfinite(bytes) || bytes <= 0)
        snprintf(out, n, "?");
    else if (bytes < 1024.0 * 1024 * 1024)
        snprintf(out, n, "%.2f MiB", bytes / 1024.0 / 1024.0);
    else
        snprintf(out, n, "%.2f GiB", bytes / 1024.0 / 1024.0 / 1024.0);
}

static void sweep_params(double p, char *out, size_t n)
{
    if (!isfinite(p) || p <= 0)
        snprintf(out, n, "?");
    else if (p < 1e9)
        snprintf(out, n, "%.2f M", p / 1e6);
    else
        snprintf(out, n, "%.2f B", p / 1e9);
}

static void add_col(cJSON *cols, const char *key, const char *label, bool numeric)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "key", key);
    cJSON_AddStringToObject(c, "label", label);
    cJSON_AddBoolToObject(c, "numeric", numeric);
    cJSON_AddItemToArray(cols, c);
}

/* computellm sweep's matrix (ai_benchmarks.sweep), null when the file has none: llama-bench's table, every cell as
 * text in the order of columns (the test name built here: pp512, tg128, pp512+tg128, "tg128 @ d1024"), then each
 * test's t/s mean and sd as numbers, status and reason, throttled repetitions and other processes' CPU use. */
static cJSON *sweep_view(const cJSON *sw)
{
    static const struct { const char *key, *label; bool numeric; } fixed_head[] = {
        {"model", "model", false}, {"size", "size", true}, {"params", "params", true}, {"backend", "backend", false},
        {"threads", "threads", true}, {"ngl", "ngl", true}};
    const cJSON *tests = cllm_r_get(sw, &CLLM_F_SW_S_TESTS), *t, *first;
    bool on[SWEEP_KNOB_COUNT] = {false}, synth = false, thr = false, noisy = false;
    cJSON *o, *cols, *arr, *notes;
    char build[160] = "";

    if (!cJSON_IsObject(sw))
        return cJSON_CreateNull();
    if (!cJSON_IsArray(tests))
        tests = NULL;
    first = tests ? tests->child : NULL;
    o = cJSON_CreateObject();
    add_str_or_null(o, "status", cllm_r_str(sw, &CLLM_F_SW_S_STATUS));
    add_num_or_null(o, "repetitions", cllm_r_num(sw, &CLLM_F_SW_S_REPETITIONS));
    if (cJSON_IsBool(cllm_r_get(sw, &CLLM_F_SW_S_WARMUP)))
        cJSON_AddBoolToObject(o, "warmup", cJSON_IsTrue(cllm_r_get(sw, &CLLM_F_SW_S_WARMUP)));
    else
        cJSON_AddNullToObject(o, "warmup");
    add_num_or_null(o, "delay_s", cllm_r_num(sw, &CLLM_F_SW_S_DELAY_S));
    add_num_or_null(o, "until_stable_cv", cllm_r_num(sw, &CLLM_F_SW_S_UNTIL_STABLE_CV));
    add_str_or_null(o, "method", cllm_r_str(sw, &CLLM_F_SW_S_METHOD));

    /* which knobs get a column */
    cJSON_ArrayForEach(t, tests)
        for (size_t c = 0; c < SWEEP_KNOB_COUNT; c++) {
            char a[128], b[128], d[128];
            sweep_cell(t, g_sweep_knobs[c].f, a, sizeof(a));
            sweep_cell(first, g_sweep_knobs[c].f, b, sizeof(b));
            sweep_default(&g_sweep_knobs[c], d, sizeof(d));
            if (g_sweep_knobs[c].f == &CLLM_F_SW_TENSOR_SPLIT)
                on[c] = on[c] || strcmp(a, b) != 0 || strspn(a, "0./") != strlen(a);
            else
                on[c] = on[c] || strcmp(a, b) != 0 || strcmp(a, d) != 0;
        }
    cols = cJSON_AddArrayToObject(o, "columns");
    for (size_t i = 0; i < sizeof(fixed_head) / sizeof(fixed_head[0]); i++)
        add_col(cols, fixed_head[i].key, fixed_head[i].label, fixed_head[i].numeric);
    for (size_t c = 0; c < SWEEP_KNOB_COUNT; c++)
        if (on[c])
            add_col(cols, g_sweep_knobs[c].key, g_sweep_knobs[c].label, g_sweep_knobs[c].f->type != CLLM_FT_STRING);
    add_col(cols, "test", "test", false);

    arr = cJSON_AddArrayToObject(o, "tests");
    cJSON_ArrayForEach(t, tests) {
        const char *type = cllm_r_str(t, &CLLM_F_SW_MODEL_TYPE), *file = cllm_r_str(t, &CLLM_F_SW_MODEL_FILENAME);
        const char *backends = cllm_r_str(t, &CLLM_F_SW_BACKENDS);
        struct cllm_bench_knobs k = cllm_bench_default_knobs();
        cJSON *e = cJSON_CreateObject(), *cells = cJSON_AddArrayToObject(e, "cells");
        char buf[256];
        bool s = cJSON_IsTrue(cllm_r_get(t, &CLLM_F_SW_SYNTHETIC)), tn = cJSON_IsTrue(cllm_r_get(t, &CLLM_F_SW_NOISY));
        double nthr = cllm_r_num(t, &CLLM_F_SW_N_THROTTLED);
        synth = synth || s;
        noisy = noisy || tn;
        thr = thr || (isfinite(nthr) && nthr > 0);
        if (!build[0] && cllm_r_str(t, &CLLM_F_SW_BUILD_COMMIT) && *cllm_r_str(t, &CLLM_F_SW_BUILD_COMMIT))
            snprintf(build, sizeof(build), "%s (libllama %s)", cllm_r_str(t, &CLLM_F_SW_BUILD_COMMIT),
                     cllm_r_str(t, &CLLM_F_SW_LLAMA_VERSION) ? cllm_r_str(t, &CLLM_F_SW_LLAMA_VERSION) : "?");
        cJSON_AddItemToArray(cells, cJSON_CreateString(type && *type ? type : file ? file : "?"));
        sweep_size(cllm_r_num(t, &CLLM_F_SW_MODEL_SIZE), buf, sizeof(buf));
        cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
        sweep_params(cllm_r_num(t, &CLLM_F_SW_MODEL_N_PARAMS), buf, sizeof(buf));
        cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
        cJSON_AddItemToArray(cells, cJSON_CreateString(backends && *backends ? backends : "?"));
        sweep_cell(t, &CLLM_F_SW_N_THREADS, buf, sizeof(buf));
        cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
        sweep_cell(t, &CLLM_F_SW_N_GPU_LAYERS, buf, sizeof(buf));
        cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
        for (size_t c = 0; c < SWEEP_KNOB_COUNT; c++)
            if (on[c]) {
                sweep_cell(t, g_sweep_knobs[c].f, buf, sizeof(buf));
                cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
            }
        k.n_prompt = cllm_r_int(t, &CLLM_F_SW_N_PROMPT, 0);
        k.n_gen = cllm_r_int(t, &CLLM_F_SW_N_GEN, 0);
        k.n_depth = cllm_r_int(t, &CLLM_F_SW_N_DEPTH, 0);
        cllm_bench_test_name(&k, buf, sizeof(buf));
        cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
        cJSON_AddStringToObject(e, "test", buf);
        /* the axes of the GUI's t/s charts: the test's kind and size, its depth, threads and GPU layers */
        {
            char kind[64];
            if (k.n_prompt > 0 && k.n_gen > 0)
                snprintf(kind, sizeof(kind), "pp%d+tg%d", k.n_prompt, k.n_gen);
            else if (k.n_prompt > 0)
                snprintf(kind, sizeof(kind), "pp%d", k.n_prompt);
            else
                snprintf(kind, sizeof(kind), "tg%d", k.n_gen);
            cJSON_AddStringToObject(e, "kind", kind);
            cJSON_AddNumberToObject(e, "depth", k.n_depth);
            add_num_or_null(e, "threads", cllm_r_num(t, &CLLM_F_SW_N_THREADS));
            add_num_or_null(e, "ngl", cllm_r_num(t, &CLLM_F_SW_N_GPU_LAYERS));
        }
        add_str_or_null(e, "model_key", cllm_r_str(t, &CLLM_F_SW_MODEL_KEY));
        cJSON_AddBoolToObject(e, "synthetic", s);
        add_num_or_null(e, "rate", cllm_r_num(t, &CLLM_F_SW_AVG_TS));
        add_num_or_null(e, "rate_sd", cllm_r_num(t, &CLLM_F_SW_STDDEV_TS));
        cJSON_AddNumberToObject(e, "rate_digits", 2);
        add_num_or_null(e, "reps", (double)cJSON_GetArraySize(cllm_r_get(t, &CLLM_F_SW_SAMPLES_TS)));
        add_str_or_null(e, "status", cllm_r_str(t, &CLLM_F_SW_STATUS));
        add_str_or_null(e, "why", cllm_r_str(t, &CLLM_F_SW_REASON));
        cJSON_AddNumberToObject(e, "throttled", isfinite(nthr) ? nthr : 0);
        add_num_or_null(e, "other_cpu_pct", cllm_r_num(t, &CLLM_F_SW_OTHER_CPU_PCT));
        cJSON_AddBoolToObject(e, "noisy", tn);
        cJSON_AddItemToObject(e, "energy", cllm_web_view_energy_window(t));
        cJSON_AddItemToArray(arr, e);
    }
    /* a column whose cell is the same in every test (the one model of most sweeps): same, so a narrow page can
     * say it once above the table */
    {
        int i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, cols) {
            const cJSON *x = arr->child ? cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(arr->child, "cells"), i)
                                        : NULL, *y;
            bool same = x != NULL && cJSON_GetArraySize(arr) > 1;
            cJSON_ArrayForEach(y, arr) {
                const cJSON *z = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(y, "cells"), i);
                same = same && z && strcmp(z->valuestring, x->valuestring) == 0;
            }
            cJSON_AddBoolToObject((cJSON *)c, "same", same);
            i++;
        }
    }
    add_str_or_null(o, "build", build[0] ? build : NULL);
    notes = cJSON_AddObjectToObject(o, "notes");
    cJSON_AddBoolToObject(notes, "synthetic", synth);
    cJSON_AddBoolToObject(notes, "throttled", thr);
    cJSON_AddBoolToObject(notes, "noisy", noisy);
    return o;
}

/* The whole view of one results file (web/api.h). */
cJSON *cllm_web_result_view(const cJSON *res)
{
    const cJSON *ai = cllm_r_get(res, &CLLM_F_AI_BENCHMARKS);
    cJSON *o = cJSON_CreateObject(), *a;
    cJSON_AddItemToObject(o, "classic", classic_view(cllm_r_get(res, &CLLM_F_CLASSIC_BENCHMARKS)));
    a = models_view(ai);
    cJSON_AddBoolToObject(a, "ran", cJSON_GetArraySize(cllm_r_get(ai, &CLLM_F_AI_RESULTS)) > 0);
    {
        const char *why = cllm_r_str(ai, &CLLM_F_REASON);
        add_str_or_null(a, "why", why ? why : cllm_r_str(ai, &CLLM_F_ERROR));
    }
    cJSON_AddItemToObject(o, "ai", a);
    cJSON_AddItemToObject(o, "phases", phases_view(ai));
    cJSON_AddItemToObject(o, "monitor", monitor_view(res));
    cJSON_AddItemToObject(o, "serving", serving_view(cllm_r_get(res, &CLLM_F_SERVING_BENCHMARKS)));
    cJSON_AddItemToObject(o, "sweep", sweep_view(cllm_r_get(ai, &CLLM_F_AI_SWEEP)));
    cJSON_AddItemToObject(o, "noise", noise_view(res));
    cJSON_AddItemToObject(o, "machine", cllm_web_view_machine(res));
    cJSON_AddItemToObject(o, "settings", cllm_web_view_settings(res));
    return o;
}

static void result_route(struct cllm_web_api *api, const struct cllm_web_request *req,
                         struct cllm_web_response *resp, const char *rest)
{
    char name[256], path[PATH_MAX], err[512];
    size_t n = strlen(rest);
    bool csv = false, view = false;
    cJSON *res = NULL;
    enum cllm_status st;

    if (n > 4 && strcmp(rest + n - 4, "/csv") == 0) {
        csv = true;
        n -= 4;
    } else if (n > 5 && strcmp(rest + n - 5, "/view") == 0) {
        view = true;
        n -= 5;
    }
    /* checked before anything touches the disk: no '/', no "..", nothing hidden */
    if (n >= sizeof(name)) {
        cllm_web_reply_error(resp, 400, "invalid results file name");
        return;
    }
    memcpy(name, rest, n);
    name[n] = '\0';
    if (!check_result_name(name, "", resp))
        return;
    result_path(api, name, path, sizeof(path));
    if (view) {
        if (strcmp(req->method, "GET") != 0) {
            cllm_web_reply_error(resp, 405, "method %s not allowed here", req->method);
            return;
        }
        if (!load_named_result(api, name, &res, resp))
            return;
        cllm_web_reply_json(resp, 200, cllm_web_result_view(res));
        cJSON_Delete(res);
        return;
    }
    if (strcmp(req->method, "DELETE") == 0 && !csv) {
        if (unlink(path) != 0) {
            if (errno == ENOENT)
                cllm_web_reply_error(resp, 404, "no results file '%s'", name);
            else
                cllm_web_reply_error(resp, 500, "cannot delete '%s': %s", name, strerror(errno));
            return;
        }
        CLLM_LOG(CLLM_LOG_INFO, "web: deleted %s", path);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "deleted", name);
        cllm_web_reply_json(resp, 200, o);
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        cllm_web_reply_error(resp, 405, "method %s not allowed here", req->method);
        return;
    }
    if (!csv) {
        if (access(path, F_OK) != 0) {
            cllm_web_reply_error(resp, 404, "no results file '%s'", name);
            return;
        }
        char *text = NULL;
        size_t len = 0;
        st = cllm_file_read(path, 0, &text, &len, err, sizeof(err));
        if (st != CLLM_OK) {
            cllm_web_reply_error(resp, 500, "%s", err);
            return;
        }
        resp->status = 200;
        resp->content_type = "application/json";
        resp->body = text;
        resp->body_len = len;
        return;
    }
    if (!load_named_result(api, name, &res, resp))
        return;
    {
        char *text = cllm_results_csv(res, &CLLM_R_RESULTS);
        cJSON_Delete(res);
        if (!text) {
            cllm_web_reply_error(resp, 500, "out of memory");
            return;
        }
        cllm_web_reply_text(resp, 200, "text/csv; charset=utf-8", text);
        snprintf(resp->attachment, sizeof(resp->attachment), "%.*s.csv", (int)(strlen(name) - 5), name);
    }
}

static void post_result(struct cllm_web_api *api, const struct cllm_web_request *req,
                        struct cllm_web_response *resp)
{
    char err[CLLM_ERR_LEN], name[256], base[256], path[PATH_MAX], written[PATH_MAX];
    char *text;
    cJSON *res = NULL, *o;
    enum cllm_status st;

    if (req->body_too_large || req->body_len > api->p.max_upload_bytes) {
        cllm_web_reply_error(resp, 413, "upload larger than %zu bytes", api->p.max_upload_bytes);
        return;
    }
    if (!req->body || req->body_len == 0) {
        cllm_web_reply_error(resp, 400, "empty upload: send the results file's JSON as the request body");
        return;
    }
    /* the whole body, not up to a first NUL byte: invalid UTF-8, NUL and trailing content refused with the offset */
    res = cllm_json_parse(req->body, req->body_len, "upload", err, sizeof(err));
    if (!res) {
        cllm_web_reply_error(resp, 400, "%s", err);
        return;
    }
    cJSON_Delete(res);
    res = NULL;
    text = malloc(req->body_len + 1);
    if (!text) {
        cllm_web_reply_error(resp, 500, "out of memory");
        return;
    }
    memcpy(text, req->body, req->body_len);
    text[req->body_len] = '\0';
    st = cllm_result_parse(text, "upload", &res, err, sizeof(err));
    if (st != CLLM_OK) {
        free(text);
        cllm_web_reply_error(resp, 400, "%s", err);
        return;
    }
    cllm_result_filename(res, base, sizeof(base));
    cJSON_Delete(res);
    if (!cllm_web_valid_result_name(base)) {
        free(text);
        cllm_web_reply_error(resp, 400, "upload: cannot make a safe file name from its id and hardware");
        return;
    }
    if (cllm_fs_mkdir_p(api->results_dir, err, sizeof(err)) != CLLM_OK) {
        free(text);
        cllm_web_reply_error(resp, 500, "%s", err);
        return;
    }
    snprintf(name, sizeof(name), "%s", base);
    /* the same run imported twice, or another machine's file with the same name, is kept beside it */
    for (int k = 2; k < 1000; k++) {
        result_path(api, name, path, sizeof(path));
        if (access(path, F_OK) != 0)
            break;
        snprintf(name, sizeof(name), "%.*s_imported%d.json", (int)(strlen(base) - 5), base, k);
    }
    /* the name is claimed atomically: a file that appeared since the check above (a run finishing, a second
     * import) is never replaced; the file then gets a _2 suffix, and the answer names the file written */
    st = cllm_fs_write_new(path, text, req->body_len, NULL, written, sizeof(written), err, sizeof(err));
    if (st == CLLM_OK)
        cllm_result_test_copy(text, req->body_len, base_name(written));
    free(text);
    if (st != CLLM_OK) {
        cllm_web_reply_error(resp, 500, "%s", err);
        return;
    }
    CLLM_LOG(CLLM_LOG_INFO, "web: imported %s", written);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", base_name(written));
    cllm_web_reply_json(resp, 201, o);
}

/* ---- comparison ---- */

#define COMPARE_MAX_FILES 64   /* each file is loaded whole; a bound keeps one request's memory in check */

/* POST /api/compare {"files": [names], "baseline": 0, "format": "json"|"csv"}: the table `computellm compare`
 * prints, built by cllm_compare_build from files of the results folder. */
static void post_compare(struct cllm_web_api *api, const struct cllm_web_request *req,
                         struct cllm_web_response *resp)
{
    static const char *const known[] = {"files", "baseline", "format"};
    cJSON *body = parse_body(req, resp), **trees = NULL;
    const cJSON *files, *bl, *fmt, *it;
    const char **names = NULL;
    struct cllm_compare_table *t = NULL;
    int n = 0, baseline = 0;
    bool csv = false;
    char err[CLLM_ERR_LEN];

    if (!body)
        return;
    cJSON_ArrayForEach(it, body) {
        bool ok = false;
        for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
            ok = ok || strcmp(it->string, known[k]) == 0;
        if (!ok) {
            cllm_web_reply_error(resp, 400, "unknown key '%.100s' (files, baseline, format)", it->string);
            goto cleanup;
        }
    }
    files = cJSON_GetObjectItemCaseSensitive(body, "files");
    if (!cJSON_IsArray(files) || cJSON_GetArraySize(files) < 2 || cJSON_GetArraySize(files) > COMPARE_MAX_FILES) {
        cllm_web_reply_error(resp, 400, "files: expected an array of 2 to %d results file names, as GET /api/results lists "
                    "them", COMPARE_MAX_FILES);
        goto cleanup;
    }
    n = cJSON_GetArraySize(files);
    bl = cJSON_GetObjectItemCaseSensitive(body, "baseline");
    if (bl) {
        if (!cJSON_IsNumber(bl) || bl->valuedouble != floor(bl->valuedouble) || bl->valuedouble < 0 ||
            bl->valuedouble >= n) {
            char *shown = cJSON_PrintUnformatted(bl);
            cllm_web_reply_error(resp, 400, "baseline: expected a file index from 0 to %d (got %.100s)", n - 1,
                        shown ? shown : "?");
            free(shown);
            goto cleanup;
        }
        baseline = (int)bl->valuedouble;
    }
    fmt = cJSON_GetObjectItemCaseSensitive(body, "format");
    if (fmt) {
        if (!cJSON_IsString(fmt) || (strcmp(fmt->valuestring, "json") != 0 && strcmp(fmt->valuestring, "csv") != 0)) {
            cllm_web_reply_error(resp, 400, "format: expected \"json\" or \"csv\"");
            goto cleanup;
        }
        csv = strcmp(fmt->valuestring, "csv") == 0;
    }
    trees = calloc((size_t)n, sizeof(*trees));
    names = calloc((size_t)n, sizeof(*names));
    if (!trees || !names) {
        cllm_web_reply_error(resp, 500, "out of memory");
        goto cleanup;
    }
    /* every name is checked before any file is opened */
    for (int i = 0; i < n; i++) {
        char what[32];
        it = cJSON_GetArrayItem(files, i);
        snprintf(what, sizeof(what), "files[%d]: ", i);
        if (!cJSON_IsString(it)) {
            cllm_web_reply_error(resp, 400, "%sexpected a results file name (a string)", what);
            goto cleanup;
        }
        if (!check_result_name(it->valuestring, what, resp))
            goto cleanup;
        names[i] = it->valuestring;
    }
    for (int i = 0; i < n; i++)
        if (!load_named_result(api, names[i], &trees[i], resp))
            goto cleanup;
    if (cllm_compare_build((const cJSON *const *)trees, names, n, baseline, &t, err, sizeof(err)) != CLLM_OK) {
        cllm_web_reply_error(resp, 500, "%s", err);
        goto cleanup;
    }
    if (!csv) {
        cllm_web_reply_json(resp, 200, cllm_compare_to_json(t));
    } else {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        enum cllm_status st = f ? cllm_compare_write(t, CLLM_COMPARE_CSV, f) : CLLM_ERR_NOMEM;
        if (f && fclose(f) != 0)
            st = CLLM_ERR_NOMEM;
        if (st != CLLM_OK || !text) {
            free(text);
            cllm_web_reply_error(resp, 500, "cannot write the comparison: %s", cllm_status_str(st));
            goto cleanup;
        }
        cllm_web_reply_text(resp, 200, "text/csv; charset=utf-8", text);
        resp->body_len = len;
        snprintf(resp->attachment, sizeof(resp->attachment), "comparison.csv");
    }
cleanup:
    cllm_compare_free(t);
    for (int i = 0; trees && i < n; i++)
        cJSON_Delete(trees[i]);
    free(trees);
    free(names);
    cJSON_Delete(body);
}

void cllm_web_api_handle(struct cllm_web_api *api, const struct cllm_web_request *req,
                         struct cllm_web_response *resp)
{
    const char *p = req->path;
    const char *m = req->method;

    memset(resp, 0, sizeof(*resp));
    if (strncmp(p, "/api/", 5) != 0) {
        cllm_web_reply_error(resp, 404, "no such endpoint");
        return;
    }
    p += 5;
    if (req->body_too_large) {
        cllm_web_reply_error(resp, 413, "request body larger than %zu bytes", api->p.max_upload_bytes);
        return;
    }
    if (strcmp(p, "hardware") == 0) {
        if (strcmp(m, "GET") != 0)
            cllm_web_reply_error(resp, 405, "method %s not allowed here", m);
        else
            get_hardware(api, resp);
    } else if (strcmp(p, "config") == 0) {
        if (strcmp(m, "GET") != 0)
            cllm_web_reply_error(resp, 405, "method %s not allowed here", m);
        else
            get_config(api, resp);
    } else if (strcmp(p, "runs") == 0) {
        if (strcmp(m, "POST") == 0)
            post_run(api, req, resp);
        else if (strcmp(m, "GET") == 0)
            get_runs(api, resp);
        else
            cllm_web_reply_error(resp, 405, "method %s not allowed here", m);
    } else if (strncmp(p, "runs/", 5) == 0) {
        run_route(api, req, resp, p + 5);
    } else if (strcmp(p, "results") == 0) {
        if (strcmp(m, "GET") == 0)
            get_results(api, resp);
        else if (strcmp(m, "POST") == 0)
            post_result(api, req, resp);
        else
            cllm_web_reply_error(resp, 405, "method %s not allowed here", m);
    } else if (strncmp(p, "results/", 8) == 0) {
        result_route(api, req, resp, p + 8);
    } else if (strcmp(p, "compare") == 0) {
        if (strcmp(m, "POST") != 0)
            cllm_web_reply_error(resp, 405, "method %s not allowed here", m);
        else
            post_compare(api, req, resp);
    } else {
        cllm_web_reply_error(resp, 404, "no such endpoint");
    }
}

/* ---- events stream ---- */

struct cllm_web_stream *cllm_web_stream_open(struct cllm_web_api *api, const char *run_id, long from)
{
    struct cllm_web_stream *s;
    struct web_run *r;

    pthread_mutex_lock(&api->mu);
    r = find_run(api, run_id);
    pthread_mutex_unlock(&api->mu);
    if (!r)
        return NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->api = api;
    s->run = r;   /* runs live as long as the API */
    s->next = from > 0 ? (size_t)from : 0;
    return s;
}

static size_t drain(struct cllm_web_stream *s, char *buf, size_t n)
{
    size_t k = s->pending_len - s->pending_off;
    if (k > n)
        k = n;
    memcpy(buf, s->pending + s->pending_off, k);
    s->pending_off += k;
    if (s->pending_off == s->pending_len) {
        free(s->pending);
        s->pending = NULL;
        s->pending_len = s->pending_off = 0;
    }
    return k;
}

size_t cllm_web_stream_read(struct cllm_web_stream *s, char *buf, size_t n, bool *ended)
{
    struct cllm_web_api *api = s->api;

    *ended = false;
    if (n == 0)
        return 0;
    if (s->pending)
        return drain(s, buf, n);
    if (s->ended) {
        *ended = true;
        return 0;
    }
    pthread_mutex_lock(&api->mu);
    {
        struct web_run *r = s->run;
        if (s->next < r->n_events) {
            const struct web_event *e = &r->events[s->next];
            int len = snprintf(NULL, 0, "id: %zu\nevent: %s\ndata: %s\n\n", s->next, e->type, e->data);
            char *text = malloc((size_t)len + 1);
            if (text) {
                snprintf(text, (size_t)len + 1, "id: %zu\nevent: %s\ndata: %s\n\n", s->next, e->type, e->data);
                /* hardware names come from the machine (cpuinfo, DMI): what reaches the browser is UTF-8 */
                if (!cllm_utf8_valid(text, (size_t)len, NULL)) {
                    size_t fixed_len = 0;
                    char *fixed = cllm_utf8_repair(text, (size_t)len, &fixed_len);
                    free(text);
                    text = fixed;
                    len = (int)fixed_len;
                }
            }
            if (!text) {
                s->ended = true;
            } else {
                s->pending = text;
                s->pending_len = (size_t)len;
                s->pending_off = 0;
                if (strcmp(e->type, "done") == 0)
                    s->ended = true;
                s->next++;
            }
        } else if (r->finished || api->shutting_down) {
            s->ended = true;
        }
    }
    pthread_mutex_unlock(&api->mu);
    if (s->pending)
        return drain(s, buf, n);
    *ended = s->ended;
    return 0;
}

void cllm_web_stream_close(struct cllm_web_stream *s)
{
    if (!s)
        return;
    free(s->pending);
    free(s);
}
