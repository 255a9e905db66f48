/* The web GUI's REST API through a real server on 127.0.0.1 (a free port) with libcurl as the client: hardware,
 * runs (complete, 409 while one runs, cancel; comparison phases and engine fields refused with the bad value
 * named; manual mode against an unreachable server ends failed without leaking the API key), the events stream,
 * results list/get/CSV/import/delete, the comparison of two files (JSON and CSV, bad names and baselines, missing
 * files, an imported file by name), the launch token (given or random, header or per-port cookie, the login
 * redirect), path traversal and oversized uploads refused; the results view (metrics, comparison phases, serving,
 * each model's ladder, stability with the CV, busy-machine notes, the sweep's table). Every request carries the server's token unless a test
 * says otherwise; tests/unit/test_web_security.c attacks the server. Results go to a temporary folder. */
#include "test.h"

#if defined(CLLM_WITH_WEB) && defined(CLLM_WITH_CURL)

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#include "platform/fs.h"
#include "core/log.h"
#include "report/fields_core.h"
#include "report/fields_classic.h"
#include "report/fields_llm.h"
#include "report/fields_serve.h"
#include "report/fields_sweep.h"
#include "report/result.h"
#include "report/write.h"
#include "report/write_core.h"
#include "report/write_llm.h"
#include "hw/hw.h"
#include "llm/bench.h"
#include "llm/llm_result.h"
#include "monitor/monitor.h"
#include "model/registry.h"
#include "serve/serve_bench.h"
#include "web/server.h"

static char tmpdir[256];
static struct cllm_web_server *srv;

#include "web_reply.h"
#include "core/file.h"
#include "core/json.h"



/* One request to s with its token (X-ComputeLLM-Token) when with_token; header may be NULL ("Name: value"); the
 * caller frees r->body. */
static void http_tok(struct cllm_web_server *s, bool with_token, const char *method, const char *path,
                     const char *body, size_t len, const char *header, struct reply *r)
{
    char url[512], tok[160];
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    memset(r, 0, sizeof(*r));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", cllm_web_port(s), path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);   /* send "../" as written: the server must refuse it */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        h = curl_slist_append(h, "Content-Type: application/json");
    }
    if (header)
        h = curl_slist_append(h, header);
    if (with_token && cllm_web_token(s)) {
        snprintf(tok, sizeof(tok), "X-ComputeLLM-Token: %s", cllm_web_token(s));
        h = curl_slist_append(h, tok);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!r->body)
        r->body = strdup("");
}

static void http(struct cllm_web_server *s, const char *method, const char *path, const char *body, size_t len,
                 const char *header, struct reply *r)
{
    http_tok(s, true, method, path, body, len, header, r);
}

static cJSON *json_of(const struct reply *r) { return cJSON_Parse(r->body); }

static const char *str_of(const cJSON *o, const char *path)
{
    const cJSON *v = cllm_json_path(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Imports a results file (POST /api/results, 201) and reads its view back (GET /api/results/{name}/view, 200): the
 * view (NULL after a failed CHECK), the stored file's name in name. */
static cJSON *import_view(const char *body, size_t len, char *name, size_t name_len)
{
    struct reply r;
    char path[512];
    cJSON *o;

    http(srv, "POST", "/api/results", body, len, NULL, &r);
    CHECK_INT(r.status, 201);
    o = json_of(&r);
    snprintf(name, name_len, "%s", str_of(o, "name") ? str_of(o, "name") : "");
    cJSON_Delete(o);
    free(r.body);
    snprintf(path, sizeof(path), "/api/results/%s/view", name);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    o = json_of(&r);
    CHECK(o != NULL);
    free(r.body);
    return o;
}

/* Polls GET /api/runs/{id} until it is no longer running; returns its final status (static buffer). */
static const char *wait_run(const char *id)
{
    static char status[32];
    char path[128];
    snprintf(path, sizeof(path), "/api/runs/%s", id);
    snprintf(status, sizeof(status), "timeout");
    for (int i = 0; i < 600; i++) {   /* 60 s */
        struct reply r;
        cJSON *o;
        const char *s;
        http(srv, "GET", path, NULL, 0, NULL, &r);
        o = json_of(&r);
        s = str_of(o, "status");
        if (s && strcmp(s, "running") != 0) {
            snprintf(status, sizeof(status), "%s", s);
            cJSON_Delete(o);
            free(r.body);
            break;
        }
        cJSON_Delete(o);
        free(r.body);
        usleep(100 * 1000);
    }
    return status;
}

/* GET /api/runs/{id} into r (the caller frees r->body) and its results_file into file ("" when none); the parsed
 * reply, which the caller deletes. */
static cJSON *get_run(const char *id, char *file, size_t n, struct reply *r)
{
    char path[128];
    cJSON *o;
    snprintf(path, sizeof(path), "/api/runs/%s", id);
    http(srv, "GET", path, NULL, 0, NULL, r);
    o = json_of(r);
    snprintf(file, n, "%s", str_of(o, "results_file") ? str_of(o, "results_file") : "");
    return o;
}

/* POST /api/runs with body, checked to answer 202; the new run's id into id ("" when none). */
static void start_run(const char *body, char *id, size_t n)
{
    struct reply r;
    cJSON *o;
    http(srv, "POST", "/api/runs", body, strlen(body), NULL, &r);
    CHECK_INT(r.status, 202);
    o = json_of(&r);
    snprintf(id, n, "%s", str_of(o, "id") ? str_of(o, "id") : "");
    cJSON_Delete(o);
    free(r.body);
}

static char first_file[256];   /* results file written by the quick run */

static void test_hardware(void)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_cpu_info cpu;
    struct reply r;
    cJSON *o;

    cllm_cpu_detect(&hp, &cpu);
    http(srv, "GET", "/api/hardware", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "application/json") != NULL);
    o = json_of(&r);
    CHECK(o != NULL);
    CHECK_STR(str_of(o, "cpu.model"), cpu.model);
    CHECK(cJSON_IsBool(cllm_json_path(o, "llama_library.found")));
    /* the hardware page's what-fits table: advise's rows as cells, one per registry model x quantization */
    {
        const cJSON *rows = cllm_json_path(o, "what_fits.rows"), *row;
        int n = 0;
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cllm_json_path(o, "what_fits"), "head")) == 8);
        CHECK(cJSON_GetArraySize(rows) >= 30);
        cJSON_ArrayForEach(row, rows) {
            const cJSON *cells = cJSON_GetObjectItemCaseSensitive(row, "cells");
            const char *kind = str_of(row, "kind");
            CHECK(cJSON_GetArraySize(cells) == 8);
            CHECK(kind && (strcmp(kind, "gpu") == 0 || strcmp(kind, "gpu_split") == 0 || strcmp(kind, "unified") == 0 ||
                           strcmp(kind, "partial") == 0 || strcmp(kind, "cpu") == 0 || strcmp(kind, "none") == 0));
            /* the fourth cell says where, as the row's kind */
            CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cells, 3)), kind);
            n++;
        }
        CHECK(n >= 30);
    }
    cJSON_Delete(o);
    free(r.body);

    http(srv, "GET", "/api/config", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    o = json_of(&r);
    CHECK(cJSON_IsArray(cllm_json_path(o, "defaults.models")));
    /* each model's fit is the pipeline's own pre-check on this machine (the GUI shows it, computes nothing) */
    {
        struct cllm_registry_params rp = cllm_registry_default_params();
        struct cllm_registry *reg = NULL;
        struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
        char err[256];
        const cJSON *m;
        int n = 0;
        CHECK(cllm_registry_load(&rp, &reg, err, sizeof(err)) == CLLM_OK);
        if (hw)
            cllm_hw_detect(&hp, hw);
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(o, "models")) {
            const struct cllm_model *rm = reg ? cllm_registry_find(reg, str_of(m, "key")) : NULL;
            char reason[512] = "";
            CHECK(rm != NULL);
            if (!rm || !hw)
                continue;
            enum cllm_fit fit = cllm_model_check_fit(rm, NULL, hw, reason, sizeof(reason));
            CHECK_STR(str_of(m, "fit.result"), cllm_fit_name(fit));
            CHECK_STR(str_of(m, "fit.reason"), reason);
            n++;
        }
        CHECK(n >= 5);
        cllm_registry_free(reg);
        free(hw);
    }
    cJSON_Delete(o);
    free(r.body);

    http(srv, "GET", "/", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "text/html") != NULL);
    free(r.body);

    /* the icon browsers ask for on their own: no content, not a 404 in the page's console */
    http(srv, "GET", "/favicon.ico", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 204);
    free(r.body);

    http(srv, "GET", "/api/nothing", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 404);
    CHECK(strstr(r.body, "\"error\"") != NULL);
    free(r.body);
}

static void test_quick_run(void)
{
    const char *body = "{\"skip_classic\": true, \"skip_ai\": true}";
    struct reply r;
    cJSON *o, *it;
    char id[64] = "", path[128];
    bool listed = false;

    start_run(body, id, sizeof(id));
    CHECK(id[0] != '\0');
    CHECK_STR(wait_run(id), "complete");

    o = get_run(id, first_file, sizeof(first_file), &r);
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "events")) >= 2);
    {
        /* the run's state: every step of its plan done (detection and the results file: both phases skipped) */
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "state");
        const cJSON *plan = cJSON_GetObjectItemCaseSensitive(o, "plan");
        const cJSON *set = cJSON_GetObjectItemCaseSensitive(o, "settings");
        CHECK_STR(str_of(st, "status"), "complete");
        CHECK_INT(cJSON_GetArraySize(plan), 2);
        CHECK_STR(str_of(cJSON_GetArrayItem(plan, 0), "kind"), "detect");
        CHECK_STR(str_of(cJSON_GetArrayItem(plan, 1), "kind"), "save");
        CHECK_INT(cJSON_GetObjectItemCaseSensitive(st, "steps_done")->valueint, 2);
        CHECK_INT(cJSON_GetObjectItemCaseSensitive(st, "steps_total")->valueint, 2);
        CHECK_INT(cJSON_GetObjectItemCaseSensitive(st, "pct")->valueint, 100);
        CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(st, "remaining_s")));
        CHECK(cJSON_GetObjectItemCaseSensitive(st, "elapsed_s")->valuedouble >= 0);
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(set, "skip_ai")));
        CHECK_STR(str_of(set, "engine"), "in-process");
        CHECK(cJSON_GetObjectItemCaseSensitive(set, "api_key") == NULL);
    }
    cJSON_Delete(o);
    free(r.body);
    CHECK(first_file[0] != '\0');

    http(srv, "GET", "/api/results", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    o = json_of(&r);
    cJSON_ArrayForEach(it, o) {
        if (strcmp(str_of(it, "name") ? str_of(it, "name") : "", first_file) == 0) {
            listed = true;
            CHECK_STR(str_of(it, "status"), "complete");
            CHECK_STR(str_of(it, "id"), id);
        }
    }
    CHECK(listed);
    cJSON_Delete(o);
    free(r.body);

    /* the finished run's stream replays everything and ends with "done" */
    snprintf(path, sizeof(path), "/api/runs/%s/events", id);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "text/event-stream") != NULL);
    CHECK(strstr(r.body, "event: hardware\n") != NULL);
    {
        const char *done = strstr(r.body, "event: done\n");
        CHECK(done != NULL);
        CHECK(done && strstr(done, first_file) != NULL);
        CHECK(done && strstr(done + 1, "event:") == NULL);
        /* the progress bar's width comes with the events: full at the end */
        CHECK(done && strstr(done, "\"progress_pct\":100") != NULL);
    }
    free(r.body);

    /* resuming after the last event id sends only what follows */
    http(srv, "GET", path, NULL, 0, "Last-Event-ID: 0", &r);
    CHECK(strstr(r.body, "event: hardware\n") == NULL);
    CHECK(strstr(r.body, "event: done\n") != NULL);
    free(r.body);
}

static void test_conflict_and_cancel(void)
{
    const char *body =
        "{\"skip_ai\": true, \"config\": {\"classic\": {\"cpu_matrix_sizes\": [64], \"memory_repeats\": 5}}}";
    const char *quick = "{\"skip_classic\": true, \"skip_ai\": true}";
    struct reply r;
    cJSON *o;
    char id[64] = "", path[512], file[256] = "";

    start_run(body, id, sizeof(id));

    /* each classic phase starts with a cleanup pause of about 1 s: the run is still going */
    http(srv, "POST", "/api/runs", quick, strlen(quick), NULL, &r);
    CHECK_INT(r.status, 409);
    o = json_of(&r);
    CHECK_STR(str_of(o, "running_id"), id);
    CHECK(str_of(o, "error") != NULL);
    cJSON_Delete(o);
    free(r.body);

    snprintf(path, sizeof(path), "/api/runs/%s/cancel", id);
    http(srv, "POST", path, "", 0, NULL, &r);
    CHECK_INT(r.status, 202);
    free(r.body);
    /* at once: the state says "cancelling" until the run stops */
    snprintf(path, sizeof(path), "/api/runs/%s", id);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    o = json_of(&r);
    if (strcmp(str_of(o, "status") ? str_of(o, "status") : "", "running") == 0)
        CHECK_STR(str_of(o, "state.status"), "cancelling");
    cJSON_Delete(o);
    free(r.body);
    CHECK_STR(wait_run(id), "cancelled");

    o = get_run(id, file, sizeof(file), &r);
    {
        /* a "state" event said "cancelling"; the bar stays where the run stopped: below 100 */
        const cJSON *ev, *evs = cJSON_GetObjectItemCaseSensitive(o, "events");
        bool said = false;
        cJSON_ArrayForEach(ev, evs) {
            const char *type = str_of(ev, "type"), *st = str_of(ev, "data.state.status");
            if (type && strcmp(type, "state") == 0)
                said = st && strcmp(st, "cancelling") == 0;
        }
        CHECK(said);
        CHECK_STR(str_of(o, "state.status"), "cancelled");
        CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "state"), "pct")->valueint < 100);
    }
    cJSON_Delete(o);
    free(r.body);
    CHECK(file[0] != '\0');
    snprintf(path, sizeof(path), "/api/results/%s", file);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    o = json_of(&r);
    CHECK_STR(str_of(o, "run.status"), "cancelled");
    cJSON_Delete(o);
    free(r.body);

    http(srv, "POST", "/api/runs", "{\"bogus\": 1}", 12, NULL, &r);
    CHECK_INT(r.status, 400);
    CHECK(strstr(r.body, "bogus") != NULL);
    free(r.body);
}

/* POST /api/runs refusing bad comparison and engine fields: 400 naming the key and the bad value, no run started. */
static void test_run_validation(void)
{
    static const struct { const char *body, *want1, *want2; } cases[] = {
        {"{\"compare\": [\"temperature\", \"colour\"]}", "compare", "colour"},
        {"{\"compare\": \"quant,flavour\"}", "compare", "flavour"},
        {"{\"compare\": [42]}", "compare", "strings"},
        {"{\"compare\": [\"temperature\"], \"skip_ai\": true}", "compare", "skip_ai"},
        {"{\"engine\": \"manual\", \"server_url\": \"ftp://127.0.0.1:8080\"}", "server_url", "ftp://127.0.0.1:8080"},
        {"{\"engine\": \"manual\", \"server_url\": \"127.0.0.1:8080\"}", "server_url", "http://"},
        {"{\"engine\": \"manual\", \"server_url\": \"http://\"}", "server_url", "http://"},
        {"{\"engine\": \"manual\", \"server_url\": \"http://user:pw@127.0.0.1:1/v1\"}", "server_url", "api_key"},
        {"{\"engine\": \"manual\"}", "server_url", "manual"},
        {"{\"engine\": \"auto\", \"llama_server\": \"/nonexistent/bin/llama-server\"}", "llama_server",
         "/nonexistent/bin/llama-server"},
        {"{\"engine\": \"auto\"}", "llama_server", "auto"},
        {"{\"engine\": \"auto\", \"llama_server\": \"no-such-llama-server-x\"}", "llama_server",
         "computellm gui --llama-server PATH"},
        {"{\"engine\": \"auto\", \"llama_server\": \"/tmp\"}", "llama_server", "not allowed"},
        {"{\"engine\": \"turbo\"}", "engine", "manual"},
        {"{\"server_url\": \"http://127.0.0.1:1\", \"llama_server\": \"/bin/sh\"}", "llama_server", "not both"},
        {"{\"engine\": \"in-process\", \"server_url\": \"http://127.0.0.1:1\"}", "server_url", "manual"},
        {"{\"engine\": \"auto\", \"llama_server\": \"/bin/sh\", \"api_key\": \"k\"}", "api_key", "manual"},
        {"{\"engine\": \"manual\", \"server_url\": 8080}", "server_url", "string"},
    };
    const char *leaky = "{\"engine\": \"manual\", \"server_url\": \"http://127.0.0.1:1\", "
                        "\"api_key\": \"SeCrEt-KeY\\r\\nX-Injected: 1\"}";
    char noexec[512], body[1024];
    struct reply r;
    FILE *f;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        http(srv, "POST", "/api/runs", cases[i].body, strlen(cases[i].body), NULL, &r);
        if (r.status != 400 || !strstr(r.body, cases[i].want1) || !strstr(r.body, cases[i].want2))
            fprintf(stderr, "  %s -> %ld %s\n", cases[i].body, r.status, r.body);
        CHECK_INT(r.status, 400);
        CHECK(strstr(r.body, cases[i].want1) != NULL);
        CHECK(strstr(r.body, cases[i].want2) != NULL);
        free(r.body);
    }

    /* a file that exists, even an executable one, is not run unless the server was started with it */
    snprintf(noexec, sizeof(noexec), "%s/some-executable", tmpdir);
    f = fopen(noexec, "w");
    CHECK(f != NULL);
    if (f) {
        fputs("#!/bin/sh\n", f);
        fclose(f);
    }
    chmod(noexec, 0755);
    snprintf(body, sizeof(body), "{\"engine\": \"auto\", \"llama_server\": \"%s\"}", noexec);
    http(srv, "POST", "/api/runs", body, strlen(body), NULL, &r);
    CHECK_INT(r.status, 400);
    CHECK(strstr(r.body, "not allowed") != NULL);
    free(r.body);
    unlink(noexec);

    /* a key with a line break would add headers to the server's requests; the refusal does not repeat it */
    http(srv, "POST", "/api/runs", leaky, strlen(leaky), NULL, &r);
    CHECK_INT(r.status, 400);
    CHECK(strstr(r.body, "api_key") != NULL);
    CHECK(strstr(r.body, "SeCrEt") == NULL);
    free(r.body);

    /* none of them started a run */
    http(srv, "GET", "/api/runs", NULL, 0, NULL, &r);
    {
        cJSON *o = json_of(&r);
        CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "running_id")));
        cJSON_Delete(o);
    }
    free(r.body);
}

/* Manual mode against a port nothing listens on, with the temperature comparison: the run ends (no hang), the
 * model and each temperature variant are "failed" with the connection error, and the API key appears neither in
 * the results file, nor in the run's events, nor in the log (at debug level). */
static void test_manual_unreachable(void)
{
    static const char *const key = "sk-test-0123456789-do-not-echo";
    char body[1024], id[64] = "", path[512], file[256] = "", logpath[512];
    struct reply r;
    cJSON *o;
    const cJSON *m, *v, *per_model;
    const char *variants[] = {"low", "medium", "high"};
    enum cllm_log_level level = cllm_log_get_level();
    int saved_err = -1, logfd;

    snprintf(body, sizeof(body),
             "{\"skip_classic\": true, \"models\": [\"tinyllama-1.1b\"], \"compare\": [\"temperature\"], "
             "\"engine\": \"manual\", \"server_url\": \"http://127.0.0.1:1\", \"server_model\": \"tiny\", "
             "\"api_key\": \"%s\", \"config\": {\"runs\": {\"count\": 2, \"cleanup_pause_s\": 0}}}", key);
    /* everything the run logs goes to a file the test reads back */
    snprintf(logpath, sizeof(logpath), "%s/stderr.log", tmpdir);
    logfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(logfd >= 0);
    fflush(stderr);
    if (logfd >= 0) {
        saved_err = dup(2);
        dup2(logfd, 2);
        close(logfd);
    }
    cllm_log_set_level(CLLM_LOG_DEBUG);

    start_run(body, id, sizeof(id));
    CHECK_STR(wait_run(id), "complete");

    cllm_log_set_level(level);
    fflush(stderr);
    if (saved_err >= 0) {
        dup2(saved_err, 2);
        close(saved_err);
    }

    o = get_run(id, file, sizeof(file), &r);
    CHECK(strstr(r.body, key) == NULL);
    cJSON_Delete(o);
    free(r.body);
    CHECK(file[0] != '\0');

    snprintf(path, sizeof(path), "/api/runs/%s/events", id);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK(strstr(r.body, "event: done\n") != NULL);
    CHECK(strstr(r.body, key) == NULL);
    free(r.body);

    snprintf(path, sizeof(path), "/api/results/%s", file);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.body, key) == NULL);
    o = json_of(&r);
    CHECK_STR(str_of(o, "run.status"), "complete");
    /* the model key has a dot: looked up by hand, not through a dotted path */
    m = cJSON_GetObjectItemCaseSensitive(cllm_json_path(o, "ai_benchmarks.results"), "tinyllama-1.1b");
    CHECK_STR(str_of(m, "status"), "failed");
    CHECK(str_of(m, "error") && strstr(str_of(m, "error"), "127.0.0.1:1") != NULL);
    CHECK_STR(str_of(m, "engine.mode"), "manual");
    CHECK_STR(str_of(m, "engine.model"), "tiny");
    CHECK_STR(str_of(m, "summary.stability"), "unstable");
    /* the comparison asked for ran, each variant failing the same way */
    per_model = cJSON_GetObjectItemCaseSensitive(cllm_json_path(o, "ai_benchmarks.comparisons.temperature"),
                                                 "tinyllama-1.1b");
    CHECK_INT(cJSON_GetArraySize(per_model), 3);
    for (size_t i = 0; i < 3; i++) {
        v = cJSON_GetObjectItemCaseSensitive(per_model, variants[i]);
        CHECK_STR(str_of(v, "status"), "failed");
        CHECK(str_of(v, "error") && strstr(str_of(v, "error"), "127.0.0.1:1") != NULL);
    }
    CHECK(cllm_json_path(o, "ai_benchmarks.comparisons.language") == NULL);
    cJSON_Delete(o);
    free(r.body);

    {
        char *log = NULL;
        size_t len = 0;
        char err[256];
        CHECK(cllm_file_read(logpath, 0, &log, &len, err, sizeof(err)) == CLLM_OK);
        CHECK(log && strstr(log, "web: run") != NULL);   /* the capture worked */
        CHECK(log && strstr(log, key) == NULL);
        free(log);
        unlink(logpath);
    }
}

/* The row `key` of an item's "metrics" (GET /api/results/{name}/view). */
static const cJSON *view_row(const cJSON *item, const char *key)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(item, "metrics"))
        if (str_of(m, "key") && strcmp(str_of(m, "key"), key) == 0)
            return m;
    return NULL;
}

static double row_num(const cJSON *row, const char *what)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, what);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The view the GUI draws is computed here, from a file of the version before the redesign: the model's metric rows
 * carry the summary's numbers, the first-token latency's sd is computed from the successful runs, the comparison
 * variants come in the file's order with the phase's own columns. */
static void test_result_view(void)
{
    const char *fixture = test_data("golden/results_v0.1.0_before_redesign.json");
    size_t len = 0;
    char *text = test_slurp(fixture, &len), path[512], name[256] = "";
    struct reply r;
    cJSON *o, *file;
    const cJSON *m, *row, *sec, *v, *runs, *sum;
    static const char *const quants[] = {"Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"};
    double a, b;
    int i;

    CHECK(text != NULL);
    if (!text)
        return;
    file = cJSON_Parse(text);
    o = import_view(text, len, name, sizeof(name));
    free(text);
    snprintf(path, sizeof(path), "/api/results/%s/view", name);
    /* the model: the summary's mean and sd, the TTFT sd over the two successful runs (n - 1) */
    m = cJSON_GetArrayItem(cllm_json_path(o, "ai.models"), 0);
    CHECK_STR(str_of(m, "key"), "tiny-test");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "has_summary")));
    sum = cllm_json_path(cJSON_GetObjectItemCaseSensitive(cllm_json_path(file, "ai_benchmarks.results"), "tiny-test"),
                         "summary");
    row = view_row(m, "tps");
    CHECK(fabs(row_num(row, "value") - cJSON_GetObjectItemCaseSensitive(sum, "avg_tokens_per_second")->valuedouble)
          < 1e-9);
    CHECK(fabs(row_num(row, "sd") - cJSON_GetObjectItemCaseSensitive(sum, "std_tokens_per_second")->valuedouble)
          < 1e-9);
    CHECK_STR(str_of(row, "unit"), "tokens/s");
    runs = cllm_json_path(cJSON_GetObjectItemCaseSensitive(cllm_json_path(file, "ai_benchmarks.results"), "tiny-test"),
                          "runs");
    a = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 0), "first_token_latency_s")->valuedouble;
    b = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 1), "first_token_latency_s")->valuedouble;
    row = view_row(m, "ttft");
    CHECK(fabs(row_num(row, "value") - (a + b) / 2) < 1e-12);
    CHECK(fabs(row_num(row, "sd") - fabs(a - b) / sqrt(2.0)) < 1e-12);
    CHECK(view_row(m, "itl_p99") != NULL);
    /* the charts name metrics the rows have */
    CHECK_STR(str_of(cJSON_GetArrayItem(cllm_json_path(o, "ai.charts"), 2), "id"), "itl");

    /* the comparison sections: quantization first (the file's order), its variants in order, with file size */
    CHECK(cJSON_IsTrue(cllm_json_path(o, "phases.present")));
    sec = cJSON_GetArrayItem(cllm_json_path(o, "phases.sections"), 0);
    CHECK_STR(str_of(sec, "phase"), "quantization");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sec, "variants")), 6);
    i = 0;
    cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(sec, "variants")) {
        CHECK_STR(str_of(v, "key"), quants[i < 6 ? i : 5]);
        i++;
    }
    CHECK(view_row(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sec, "variants"), 0), "file_size") != NULL);
    CHECK_STR(str_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sec, "charts"), 2), "id"), "phase-size-load");
    cJSON_ArrayForEach(sec, cllm_json_path(o, "phases.sections")) {
        if (strcmp(str_of(sec, "phase"), "temperature") != 0)
            continue;
        v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sec, "variants"), 0);
        CHECK_STR(str_of(v, "key"), "low");
        CHECK(fabs(row_num(v, "temperature") - 0.25) < 1e-12);
        /* its TTFT sd too comes from its own runs */
        runs = cllm_json_path(cJSON_GetObjectItemCaseSensitive(cllm_json_path(file,
                              "ai_benchmarks.comparisons.temperature"), "tiny-test"), "low.runs");
        a = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 0), "first_token_latency_s")->valuedouble;
        b = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(runs, 1), "first_token_latency_s")->valuedouble;
        CHECK(fabs(row_num(view_row(v, "ttft"), "sd") - fabs(a - b) / sqrt(2.0)) < 1e-12);
        CHECK(view_row(v, "file_size") == NULL);
    }
    /* the classic charts: GFLOPS per size, bandwidth per kernel with sd, GPU per precision */
    CHECK_STR(str_of(cJSON_GetArrayItem(cllm_json_path(o, "classic.charts"), 0), "id"), "gflops");
    CHECK_STR(str_of(cJSON_GetArrayItem(cllm_json_path(o, "classic.charts"), 1), "id"), "bandwidth");
    {
        const cJSON *bw = cJSON_GetArrayItem(cllm_json_path(o, "classic.charts"), 1);
        const cJSON *gf = cJSON_GetArrayItem(cllm_json_path(o, "classic.charts"), 0);
        const cJSON *triad = cllm_json_path(file, "classic_benchmarks.benchmarks.memory_bandwidth.results."
                                                  "single_thread.triad.gbps");
        const cJSON *mt = cllm_json_path(file, "classic_benchmarks.benchmarks.cpu_multi_thread.results");
        CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(bw, "labels"), 3)->valuestring, "triad");
        CHECK(triad && fabs(cJSON_GetArrayItem(cllm_json_path(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(bw,
              "series"), 0), "values"), 3)->valuedouble - triad->valuedouble) < 1e-12);
        /* one label per matrix size the file has, each with the multi-thread GFLOPS of that size */
        CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(gf, "labels")), cJSON_GetArraySize(mt));
        i = 0;
        cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(gf, "labels")) {
            const cJSON *want = cllm_json_path(cJSON_GetObjectItemCaseSensitive(mt, v->valuestring), "gflops");
            const cJSON *got = cJSON_GetArrayItem(cllm_json_path(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(gf,
                                                  "series"), 1), "values"), i++);
            CHECK(want && got && fabs(got->valuedouble - want->valuedouble) < 1e-12);
        }
        /* no GPU in the file: the GPU chart says it has no data */
        CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cllm_json_path(o, "classic.charts"), 2),
                                                              "has_data")));
    }
    CHECK(cJSON_IsArray(cllm_json_path(o, "monitor")));
    /* no serve-bench section in this file: none in its view; nor a ladder, a sweep or a noisy phase (the file
     * is older than them), and its stability without a CV */
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "serving")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "sweep")));
    CHECK(cJSON_IsArray(cllm_json_path(o, "noise")) && cJSON_GetArraySize(cllm_json_path(o, "noise")) == 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "ladder")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "cv_pct")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m, "noisy")));
    CHECK_STR(str_of(m, "stability_text"), cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "runs_ok"))
              ? "all runs OK" : "some runs failed");
    cJSON_Delete(o);
    cJSON_Delete(file);

    http(srv, "POST", path, "{}", 2, NULL, &r);
    CHECK_INT(r.status, 405);
    free(r.body);
    http(srv, "GET", "/api/results/no_such_file.json/view", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 404);
    free(r.body);
    http(srv, "GET", "/api/results/..%2Fx.json/view", NULL, 0, NULL, &r);
    CHECK(r.status == 400 || r.status == 404);
    free(r.body);
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    unlink(path);
}

/* The energy of the view (issue 15 §4): the summary's J/token, watts and source per model, each run's windows, a
 * null's reason from the file; a file older than the energy keys has none (null, not zeros). The numbers are put
 * into the pre-redesign fixture here: the view must show the file's own. */
static void test_energy_view(void)
{
    const char *fixture = test_data("golden/results_v0.1.0_before_redesign.json");
    size_t len = 0;
    char *text = test_slurp(fixture, &len), name[256] = "", path[512], *out;
    cJSON *file, *o, *m, *sum, *runs, *r, *nr;
    const cJSON *vm, *e, *vr, *w;
    int i = 0;

    CHECK(text != NULL);
    if (!text)
        return;
    /* the fixture as it is: no energy keys, no energy in the view */
    o = import_view(text, len, name, sizeof(name));
    m = cJSON_GetArrayItem(cllm_json_path(o, "ai.models"), 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, "energy")));
    CHECK(cJSON_IsNull(cllm_json_path(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(m, "runs"), 0),
                                      "decode_energy")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(m, "runs")), 2);
    cJSON_Delete(o);
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    unlink(path);

    file = cJSON_Parse(text);
    free(text);
    cJSON_ReplaceItemInObject(file, "id", cJSON_CreateString("20990101_000009"));
    m = cJSON_GetObjectItemCaseSensitive(cllm_json_path(file, "ai_benchmarks.results"), "tiny-test");
    sum = cJSON_GetObjectItemCaseSensitive(m, "summary");
    runs = cJSON_GetObjectItemCaseSensitive(m, "runs");
    cJSON_AddNumberToObject(sum, "energy_runs", 2);
    cJSON_AddNumberToObject(sum, "avg_decode_joules_per_token", 0.0421);
    cJSON_AddNumberToObject(sum, "avg_decode_tokens_per_joule", 23.75);
    cJSON_AddNumberToObject(sum, "avg_decode_watts", 311.5);
    cJSON_AddNullToObject(sum, "avg_prompt_joules_per_token");
    cJSON_AddNullToObject(sum, "avg_prompt_watts");
    cJSON_AddStringToObject(sum, "energy_domains", "gpu");
    cJSON_AddStringToObject(sum, "energy_source", "nvml_energy_counter");
    nr = cJSON_AddObjectToObject(sum, "null_reasons");
    cJSON_AddStringToObject(nr, "avg_prompt_joules_per_token", "window shorter than the NVML counter's 100 ms");
    cJSON_ArrayForEach(r, runs) {
        cJSON *d = cJSON_AddObjectToObject(r, "decode_energy"), *p = cJSON_AddObjectToObject(r, "prompt_energy");
        cJSON_AddNumberToObject(d, "energy_window_s", 1.5 + i);
        cJSON_AddNumberToObject(d, "energy_tokens", 23);
        cJSON_AddNumberToObject(d, "joules", 0.9 + i);
        cJSON_AddNumberToObject(d, "watts", 300 + i);
        cJSON_AddNumberToObject(d, "joules_per_token", 0.04 + 0.001 * i);
        cJSON_AddNumberToObject(d, "tokens_per_joule", 25 - i);
        cJSON_AddStringToObject(d, "energy_source", "nvml_energy_counter");
        cJSON_AddNumberToObject(p, "energy_window_s", 0.02);
        cJSON_AddNullToObject(p, "joules_per_token");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "null_reasons"), "joules_per_token",
                                "window shorter than the NVML counter's 100 ms");
        i++;
    }
    out = cJSON_PrintUnformatted(file);
    o = import_view(out, strlen(out), name, sizeof(name));
    free(out);
    vm = cJSON_GetArrayItem(cllm_json_path(o, "ai.models"), 0);
    e = cJSON_GetObjectItemCaseSensitive(vm, "energy");
    CHECK(fabs(row_num(e, "decode_jpt") - 0.0421) < 1e-15);
    CHECK(fabs(row_num(e, "decode_tpj") - 23.75) < 1e-12);
    CHECK(fabs(row_num(e, "decode_watts") - 311.5) < 1e-12);
    CHECK(fabs(row_num(e, "runs") - 2) < 1e-12);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "prompt_jpt")));
    CHECK_STR(str_of(e, "why_prompt"), "window shorter than the NVML counter's 100 ms");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "why_decode")));
    CHECK_STR(str_of(e, "source"), "nvml_energy_counter");
    CHECK_STR(str_of(e, "domains"), "gpu");
    /* the metric rows the energy chart draws */
    CHECK(fabs(row_num(view_row(vm, "decode_jpt"), "value") - 0.0421) < 1e-15);
    CHECK_STR(str_of(view_row(vm, "decode_jpt"), "unit"), "J/token");
    /* each run's windows */
    i = 0;
    cJSON_ArrayForEach(vr, cJSON_GetObjectItemCaseSensitive(vm, "runs")) {
        w = cJSON_GetObjectItemCaseSensitive(vr, "decode_energy");
        CHECK(fabs(row_num(w, "jpt") - (0.04 + 0.001 * i)) < 1e-15);
        CHECK(fabs(row_num(w, "watts") - (300 + i)) < 1e-12);
        CHECK(fabs(row_num(w, "window_s") - (1.5 + i)) < 1e-12);
        CHECK(fabs(row_num(w, "tokens") - 23) < 1e-12);
        CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(w, "why")));
        w = cJSON_GetObjectItemCaseSensitive(vr, "prompt_energy");
        CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(w, "jpt")));
        CHECK_STR(str_of(w, "why"), "window shorter than the NVML counter's 100 ms");
        CHECK_STR(str_of(vr, "status"), "ok");
        i++;
    }
    CHECK_INT(i, 2);
    cJSON_Delete(o);
    cJSON_Delete(file);
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    unlink(path);
}

/* The serving part of the view, from a serve-bench section written by the results writer (report/write_serve.c):
 * each level's rows in the unit shown (TTFT and ITL in ms, E2E in s), a null with the reason the file gives, the
 * errors listed once, the levels asked for and not run, the charts' series. */
static void test_serving_view(void)
{
    const char *fixture = test_data("golden/results_v0.1.0_before_redesign.json");
    char *text = test_slurp(fixture, NULL), *out, path[512], name[256] = "";
    const char *errs[] = {"HTTP 500: boom", "HTTP 500: boom", "stalled"};
    static char boom[] = "HTTP 500: boom", stalled[] = "stalled";
    struct cllm_serve_request q0[8], q1[8];
    struct cllm_serve_level lv[2];
    struct cllm_serve_result res;
    cJSON *file, *o, *sec;
    const cJSON *L0, *L1, *row, *c, *want;

    CHECK(text != NULL);
    if (!text)
        return;
    memset(&res, 0, sizeof(res));
    memset(lv, 0, sizeof(lv));
    res.status = CLLM_SERVE_FAILED;
    snprintf(res.error, sizeof(res.error), "every request of a level failed");
    snprintf(res.server.url, sizeof(res.server.url), "http://127.0.0.1:9/");
    res.server.library = "openai-compatible";
    snprintf(res.server.props_why, sizeof(res.server.props_why), "not llama-server");
    res.server.n_ctx = NAN;
    snprintf(res.server.model, sizeof(res.server.model), "default");
    res.server.model_source = "default";
    res.server.client = "libcurl";
    res.setup.concurrency[0] = 1;
    res.setup.concurrency[1] = 2;
    res.setup.concurrency[2] = 4;
    res.setup.n_levels = 3;
    res.setup.requests = 8;
    res.setup.max_tokens = 16;
    res.setup.prompt = res.setup.system_prompt = "";
    res.setup.temperature = 0.7;
    res.setup.top_p = 0.9;
    res.setup.stall_s = 60;
    res.setup.deadline_base_s = 120;
    res.setup.deadline_per_token_s = 2;
    res.setup.slo_ttft_ms = 100;
    lv[0] = (struct cllm_serve_level){.concurrency = 1, .status = CLLM_SERVE_LEVEL_OK, .request_limit = 8,
        .n_requests = 8, .n_ok = 7, .n_failed = 1, .wall_s = 2.0, .ttft_s = {0.030, 0.040, 0.050, 0.035, 7},
        .itl_s = {0.005, 0.006, 0.008, 0.0055, 100}, .e2e_s = {0.2, 0.25, 0.3, 0.22, 7}, .output_tokens = 192,
        .output_tokens_per_second = 96.0, .requests_per_second = 3.5, .error_rate = 0.125, .has_goodput = true,
        .n_good = 6, .goodput_requests_per_second = 3.0, .goodput_fraction = 0.75, .errors = errs + 1, .n_errors = 1};
    lv[1] = (struct cllm_serve_level){.concurrency = 2, .status = CLLM_SERVE_LEVEL_FAILED, .error = errs[0],
        .request_limit = 8, .n_requests = 8, .n_failed = 8, .wall_s = 1.0, .ttft_s = {NAN, NAN, NAN, NAN, 0},
        .itl_s = {NAN, NAN, NAN, NAN, 0}, .e2e_s = {NAN, NAN, NAN, NAN, 0}, .output_tokens_per_second = 0,
        .requests_per_second = 0, .error_rate = 1.0, .has_goodput = true, .goodput_requests_per_second = 0,
        .goodput_fraction = 0, .errors = errs, .n_errors = 3};
    /* the request records the statistics above summarise: the 8th of c = 1 stalled, all of c = 2 failed */
    for (int k = 0; k < 8; k++) {
        q0[k] = (struct cllm_serve_request){.ok = k != 7, .http_status = 200, .ttft_s = 0.03, .e2e_s = 0.2,
                                            .itl_mean_s = 0.005, .output_tokens = k != 7 ? 16 : 0,
                                            .prompt_tokens = 10, .token_count_source = "usage",
                                            .error = k != 7 ? NULL : stalled};
        q1[k] = (struct cllm_serve_request){.http_status = 500, .ttft_s = NAN, .e2e_s = 0.01, .itl_mean_s = NAN,
                                            .prompt_tokens = -1, .token_count_source = "chunks", .error = boom};
    }
    lv[0].requests = q0;
    lv[1].requests = q1;
    res.levels = lv;
    res.n_levels = 2;
    file = cJSON_Parse(text);
    free(text);
    CHECK(file != NULL);
    if (!file)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(file, CLLM_F_SERVING_BENCHMARKS.name);
    sec = cllm_w_obj(file, &CLLM_F_SERVING_BENCHMARKS);
    cllm_write_serving(sec, &res);
    out = cJSON_PrintUnformatted(file);
    o = import_view(out, strlen(out), name, sizeof(name));
    free(out);
    CHECK_STR(str_of(cllm_json_path(o, "serving"), "status"), "failed");
    CHECK_STR(str_of(cllm_json_path(o, "serving.server"), "library"), "openai-compatible");
    CHECK_STR(str_of(cllm_json_path(o, "serving.server"), "props_why"), "not llama-server");
    CHECK(fabs(row_num(cllm_json_path(o, "serving.params"), "slo_ttft_ms") - 100) < 1e-12);
    CHECK(cJSON_IsNull(cllm_json_path(o, "serving.params.slo_itl_ms")));
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(o, "serving.levels")), 2);
    L0 = cJSON_GetArrayItem(cllm_json_path(o, "serving.levels"), 0);
    L1 = cJSON_GetArrayItem(cllm_json_path(o, "serving.levels"), 1);
    /* the first level: seconds as ms for TTFT and ITL, E2E in s, the shares as fractions to show as percentages */
    row = view_row(L0, "ttft_p50");
    CHECK(fabs(row_num(row, "value") - 30.0) < 1e-9);
    CHECK_STR(str_of(row, "unit"), "ms");
    CHECK(fabs(row_num(view_row(L0, "ttft_p99"), "value") - 50.0) < 1e-9);
    CHECK(fabs(row_num(view_row(L0, "itl_p99"), "value") - 8.0) < 1e-9);
    CHECK(fabs(row_num(view_row(L0, "itl_p50"), "digits") - 2) < 1e-12);
    row = view_row(L0, "e2e_p50");
    CHECK(fabs(row_num(row, "value") - 0.2) < 1e-12);
    CHECK_STR(str_of(row, "unit"), "s");
    CHECK(fabs(row_num(view_row(L0, "tps"), "value") - 96.0) < 1e-12);
    CHECK_STR(str_of(view_row(L0, "tps"), "unit"), "tokens/s");
    CHECK(fabs(row_num(view_row(L0, "rps"), "value") - 3.5) < 1e-12);
    row = view_row(L0, "error_rate");
    CHECK(fabs(row_num(row, "value") - 0.125) < 1e-12);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "percent")));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "bad")));
    CHECK(fabs(row_num(view_row(L0, "good_pct"), "value") - 0.75) < 1e-12);
    CHECK(fabs(row_num(view_row(L0, "good_rps"), "value") - 3.0) < 1e-12);
    CHECK(fabs(row_num(L0, "n_ok") - 7) < 1e-12);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(L0, "errors")), 1);
    /* the failed level: its TTFT null with the reason the file gives, its own error first, each error once */
    row = view_row(L1, "ttft_p50");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(row, "value")));
    want = cJSON_GetObjectItemCaseSensitive(cllm_json_path(cJSON_GetArrayItem(cllm_json_path(file,
        "serving_benchmarks.levels"), 1), "ttft_s.null_reasons"), "p50");
    CHECK(cJSON_IsString(want) && str_of(row, "why") && strcmp(str_of(row, "why"), want->valuestring) == 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(view_row(L1, "error_rate"), "bad")));
    CHECK_STR(str_of(L1, "error"), "HTTP 500: boom");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(L1, "errors")), 2);
    CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(L1, "errors"), 0)->valuestring, "HTTP 500: boom");
    /* c = 4 was asked for and not run */
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(o, "serving.not_run")), 1);
    CHECK(fabs(cJSON_GetArrayItem(cllm_json_path(o, "serving.not_run"), 0)->valuedouble - 4) < 1e-12);
    /* the charts: throughput (tokens/s left, req/s right), TTFT and ITL in ms, one point per level */
    c = cJSON_GetArrayItem(cllm_json_path(o, "serving.charts"), 0);
    CHECK_STR(str_of(c, "id"), "serving-throughput");
    CHECK_STR(str_of(c, "unit"), "tokens/s");
    CHECK_STR(str_of(c, "unit2"), "req/s");
    CHECK_STR(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "labels"), 1)->valuestring, "c=2");
    CHECK(fabs(cJSON_GetArrayItem(cllm_json_path(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "series"), 0),
                                                 "values"), 0)->valuedouble - 96.0) < 1e-12);
    CHECK_STR(str_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "series"), 1), "axis"), "y1");
    c = cJSON_GetArrayItem(cllm_json_path(o, "serving.charts"), 1);
    CHECK_STR(str_of(c, "id"), "serving-ttft");
    CHECK(fabs(cJSON_GetArrayItem(cllm_json_path(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c, "series"), 1),
                                                 "values"), 0)->valuedouble - 50.0) < 1e-9);
    CHECK(cJSON_IsNull(cJSON_GetArrayItem(cllm_json_path(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(c,
                                                         "series"), 0), "values"), 1)));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "has_data")));
    cJSON_Delete(o);
    cJSON_Delete(file);
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    unlink(path);
}

/* A model's summary, monitor and ladder as the AI phase fills them (the writer's structs; the rest NAN). */
static void fill_model(struct cllm_llm_model_result *r, const char *key, const char *stability, double cv,
                       double other_cpu)
{
    memset(r, 0, sizeof(*r));
    r->shape = CLLM_LLM_SHAPE_PLAIN;
    snprintf(r->model.key, sizeof(r->model.key), "%s", key);
    snprintf(r->model.name, sizeof(r->model.name), "Model %s", key);
    snprintf(r->model.source, sizeof(r->model.source), "synthetic (reused)");
    r->model.synthetic = true;
    r->has_runs = true;
    r->summary = (struct cllm_llm_summary){.n_runs = 3, .n_ok = 3, .tps_mean = 30, .tps_std = 1.5, .tps_cv_pct = cv,
        .tps_min = 28, .tps_max = 32, .avg_first_token_latency_s = 0.25, .avg_decode_tokens_per_second = 40,
        .avg_prompt_tokens_per_second = 300, .itl_mean_ms = 25, .itl_p50_ms = 24, .itl_p90_ms = 30, .itl_p99_ms = 40,
        .peak_memory_gb = 0.1, .stability = stability};
    r->has_monitor = true;
    snprintf(r->monitor.sampler, sizeof(r->monitor.sampler), "linux");
    r->monitor.interval_s = 0.5;
    r->monitor.summary = (struct cllm_monitor_summary){.duration_s = 2, .n_samples = 4, .cpu_pct_mean = NAN,
        .cpu_pct_min = NAN, .cpu_pct_max = NAN, .proc_cpu_pct_mean = NAN, .proc_cpu_pct_max = NAN,
        .ram_used_gb_peak = NAN, .rss_gb_peak = NAN, .cpu_package_w_mean = NAN, .cpu_package_energy_j = NAN,
        .sample_cost_ms_mean = 0.1, .sample_cost_ms_max = 0.2, .other_cpu_pct_mean = other_cpu};
    r->until_stable_cv = NAN;
    r->prompt_tokens = 34;
    r->status = "ok";
}

/* The view's parts of issue 12, from a file made by the real writers: each model's ladder (rows in the file's
 * order with their costs, a skipped rung with its reason), "all runs OK" / "some runs failed" with the runs' CV,
 * a note for each phase during which other processes used more than 10 % of the CPU (a model and a classic
 * phase; 5 % is not noisy), and computellm sweep's matrix (test names built here, the knob columns chosen as
 * llama-bench's table, t/s as numbers, a skipped test's reason, the throttled and noisy marks). */
static void test_ladder_sweep_view(void)
{
    const char *fixture = test_data("golden/results_v0.1.0_before_redesign.json");
    char *text = test_slurp(fixture, NULL), *out, path[512], name[256] = "";
    struct cllm_llm_model_result mr;
    struct cllm_llm_ladder *L = &mr.ladder;
    struct cllm_monitor_report mon;
    struct cllm_bench_sample samples[2], deep[1];
    struct cllm_bench_test tests[3];
    struct cllm_bench_sweep sw;
    cJSON *file, *o, *results, *mb;
    const cJSON *m, *lad, *g, *sv, *t, *c, *n;
    static const char *const ids[] = {"bench", "bench_depth", "chat", "server"};
    static const char *const cols[] = {"model", "size", "params", "backend", "threads", "ngl", "n_batch", "test"};
    static const char *const names[] = {"pp512", "tg128", "tg128 @ d1024"};
    int i;

    CHECK(text != NULL);
    if (!text)
        return;
    file = cJSON_Parse(text);
    free(text);
    CHECK(file != NULL);
    if (!file)
        return;
    results = (cJSON *)cllm_r_get(cllm_r_get(file, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_RESULTS);
    CHECK(results != NULL);
    /* tiny-test: all runs OK, CV 5 %, other processes at 25 % of the CPU, and its ladder (llama-server not found) */
    fill_model(&mr, "tiny-test", "stable", 5.0, 25.0);
    mr.has_ladder = true;
    L->n_prompt = 34;
    L->n_gen = 8;
    L->n_threads = 2;
    L->n_gpu_layers = 0;
    snprintf(L->backend, sizeof(L->backend), "CPU");
    L->rung[0] = (struct cllm_llm_ladder_rung){.status = "ok", .decode_tps = 50, .prompt_tps = 400, .ttft_s = 0.2,
                                               .runs = 3};
    L->rung[1] = (struct cllm_llm_ladder_rung){.status = "ok", .decode_tps = 45, .prompt_tps = NAN, .ttft_s = NAN,
                                               .runs = 3};
    L->rung[2] = (struct cllm_llm_ladder_rung){.status = "ok", .decode_tps = 40, .prompt_tps = NAN, .ttft_s = 0.25,
                                               .runs = 3};
    L->rung[3] = (struct cllm_llm_ladder_rung){.status = "skipped", .decode_tps = NAN, .prompt_tps = NAN,
                                               .ttft_s = NAN};
    snprintf(L->rung[3].reason, sizeof(L->rung[3].reason), "no llama-server found (PATH, .deps/llama-server)");
    cllm_write_llm_model_result(results, "tiny-test", &mr);
    /* tiny-two: a run failed, one successful run (no CV), a quiet machine (5 %), no ladder */
    fill_model(&mr, "tiny-two", "unstable", NAN, 5.0);
    cllm_write_llm_model_result(results, "tiny-two", &mr);
    /* tiny-fail: failed with other processes at 60 %: it measured nothing, so nothing to be low */
    fill_model(&mr, "tiny-fail", "unstable", NAN, 60.0);
    mr.status = "failed";
    snprintf(mr.error, sizeof(mr.error), "the model could not be loaded");
    cllm_write_llm_model_result(results, "tiny-fail", &mr);
    /* the classic memory phase with other processes at 40 % */
    mb = (cJSON *)cllm_r_get(cllm_r_get(cllm_r_get(file, &CLLM_F_CLASSIC_BENCHMARKS), &CLLM_F_CL_BENCHMARKS),
                             &CLLM_F_CL_MEMORY);
    CHECK(mb != NULL);
    cJSON_DeleteItemFromObjectCaseSensitive(mb, CLLM_F_MONITOR.name);
    memset(&mon, 0, sizeof(mon));
    mon.summary = mr.monitor.summary;
    mon.summary.other_cpu_pct_mean = 40.0;
    cllm_w_monitor(mb, &CLLM_F_MONITOR, &mon);

    /* the sweep: pp512 (two repetitions, one throttled, other processes busy), tg128 skipped, tg128 at depth
     * 1024 with -b 512 (so n_batch gets a column) */
    memset(&sw, 0, sizeof(sw));
    memset(tests, 0, sizeof(tests));
    memset(samples, 0, sizeof(samples));
    memset(deep, 0, sizeof(deep));
    sw.repetitions = 2;
    sw.warmup = true;
    sw.until_stable_cv = NAN;
    snprintf(sw.cpu_info, sizeof(sw.cpu_info), "Test CPU");
    for (i = 0; i < 3; i++) {
        struct cllm_bench_test *x = &tests[i];
        x->k = cllm_bench_default_knobs();
        x->k.n_threads = 2;
        snprintf(x->model, sizeof(x->model), "/m/tiny-test.Q4_K_M.gguf");
        snprintf(x->model_key, sizeof(x->model_key), "tiny-test");
        x->synthetic = true;
        snprintf(x->info.model_type, sizeof(x->info.model_type), "llama ?B Q4_K - Medium");
        x->info.model_size = 12037734;   /* 11.48 MiB */
        x->info.model_n_params = 17560000;
        snprintf(x->info.backends, sizeof(x->info.backends), "CPU");
        snprintf(x->info.build_commit, sizeof(x->info.build_commit), "0ad4a86");
        snprintf(x->info.llama_version, sizeof(x->info.llama_version), "0.5.0-dev");
        x->status = "ok";
        x->avg_ns = x->stddev_ns = x->avg_ts = x->stddev_ts = x->avg_ts_kept = x->stddev_ts_kept = x->cv_kept = NAN;
        x->until_stable_cv = NAN;
        x->other_cpu_pct = 2.0;
    }
    tests[0].k.n_prompt = 512;
    tests[0].k.n_gen = 0;
    /* t/s from the wall times, as llama-bench: 512 tokens in 4 s and in 5 s */
    samples[0] = (struct cllm_bench_sample){.ns = 4000000000ull};
    samples[1] = (struct cllm_bench_sample){.ns = 5000000000ull, .throttled = true};
    tests[0].samples = samples;
    tests[0].n_samples = 2;
    cllm_bench_test_summarize(&tests[0]);
    tests[0].n_throttled = 1;
    tests[0].other_cpu_pct = 30.0;
    tests[0].noisy = true;
    tests[1].k.n_prompt = 0;
    tests[1].k.n_gen = 128;
    tests[1].status = "skipped";
    snprintf(tests[1].reason, sizeof(tests[1].reason), "the context could not be made: out of memory");
    tests[2].k.n_prompt = 0;
    tests[2].k.n_gen = 128;
    tests[2].k.n_depth = 1024;
    tests[2].k.n_batch = 512;
    deep[0] = (struct cllm_bench_sample){.ns = 1000000000ull};
    tests[2].samples = deep;
    tests[2].n_samples = 1;
    cllm_bench_test_summarize(&tests[2]);
    sw.tests = tests;
    sw.n_tests = 3;
    cllm_write_sweep(cllm_w_obj((cJSON *)cllm_r_get(file, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_SWEEP), &sw);

    out = cJSON_PrintUnformatted(file);
    o = import_view(out, strlen(out), name, sizeof(name));
    free(out);

    /* the ladder: four rungs in order, the file's numbers; costs over the rung above */
    m = NULL;
    cJSON_ArrayForEach(c, cllm_json_path(o, "ai.models"))
        if (str_of(c, "key") && strcmp(str_of(c, "key"), "tiny-test") == 0)
            m = c;
    CHECK(m != NULL);
    lad = cJSON_GetObjectItemCaseSensitive(m, "ladder");
    CHECK(cJSON_IsObject(lad));
    CHECK_STR(str_of(lad, "backend"), "CPU");
    CHECK(fabs(row_num(lad, "threads") - 2) < 1e-12 && fabs(row_num(lad, "prompt_len") - 34) < 1e-12);
    CHECK(fabs(row_num(lad, "gen_len") - 8) < 1e-12 && fabs(row_num(lad, "ngl")) < 1e-12);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(lad, "rungs")), 4);
    i = 0;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(lad, "rungs")) {
        CHECK_STR(str_of(g, "id"), ids[i < 4 ? i : 3]);
        CHECK(fabs(row_num(g, "step") - (i + 1)) < 1e-12);
        CHECK_STR(str_of(g, "name"), cllm_llm_rung_name((enum cllm_llm_rung)(i < 4 ? i : 3)));
        i++;
    }
    g = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lad, "rungs"), 0);
    CHECK(fabs(row_num(g, "decode_tps") - 50) < 1e-12 && fabs(row_num(g, "ttft") - 0.2) < 1e-12);
    CHECK(fabs(row_num(g, "prompt_tps") - 400) < 1e-12 && fabs(row_num(g, "runs") - 3) < 1e-12);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "decode_cost")));
    CHECK_STR(str_of(g, "why_decode_cost"), "the first rung");
    g = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lad, "rungs"), 1);
    CHECK(fabs(row_num(g, "decode_cost") - 10.0) < 1e-9);             /* (50 - 45) / 50 */
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "ttft")));
    CHECK_STR(str_of(g, "why_ttft"), "the same prompt as the first rung");
    CHECK_STR(str_of(g, "adds"), cllm_llm_rung_cost(CLLM_LLM_RUNG_BENCH_DEPTH));
    g = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lad, "rungs"), 2);
    CHECK(fabs(row_num(g, "decode_cost") - 500.0 / 45.0) < 1e-9);     /* (45 - 40) / 45 */
    CHECK(fabs(row_num(g, "ttft_cost") - 25.0) < 1e-9);               /* (0.25 - 0.2) / 0.2, over rung 1 */
    g = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(lad, "rungs"), 3);
    CHECK_STR(str_of(g, "status"), "skipped");
    CHECK(str_of(g, "why") && strstr(str_of(g, "why"), "no llama-server found") != NULL);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(g, "decode_tps")));
    /* stability as the terminal shows it, the CV beside it; other processes' share and the noisy mark */
    CHECK_STR(str_of(m, "stability"), "stable");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "runs_ok")));
    CHECK(fabs(row_num(m, "cv_pct") - 5.0) < 1e-12);
    CHECK_STR(str_of(m, "stability_text"), "all runs OK, CV 5.0 %");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "noisy")));
    CHECK(fabs(row_num(m, "other_cpu_pct") - 25.0) < 1e-12);
    cJSON_ArrayForEach(c, cllm_json_path(o, "ai.models"))
        if (str_of(c, "key") && strcmp(str_of(c, "key"), "tiny-two") == 0) {
            CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "runs_ok")));
            CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c, "cv_pct")));
            CHECK_STR(str_of(c, "stability_text"), "some runs failed");
            CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "noisy")));
            CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c, "ladder")));
        } else if (str_of(c, "key") && strcmp(str_of(c, "key"), "tiny-fail") == 0) {
            CHECK(fabs(row_num(c, "other_cpu_pct") - 60.0) < 1e-12);
            CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "noisy")));
        }
    /* the noisy phases, in the file's order: the classic memory phase, then tiny-test; not tiny-two at 5 %, nor
     * the failed tiny-fail */
    n = cllm_json_path(o, "noise");
    CHECK_INT(cJSON_GetArraySize(n), 2);
    CHECK_STR(str_of(cJSON_GetArrayItem(n, 0), "section"), "classic");
    CHECK_STR(str_of(cJSON_GetArrayItem(n, 0), "name"), CLLM_F_CL_MEMORY.name);
    CHECK(fabs(row_num(cJSON_GetArrayItem(n, 0), "other_cpu_pct") - 40.0) < 1e-12);
    CHECK_STR(str_of(cJSON_GetArrayItem(n, 1), "section"), "ai");
    CHECK_STR(str_of(cJSON_GetArrayItem(n, 1), "model"), "tiny-test");
    CHECK_STR(str_of(cJSON_GetArrayItem(n, 1), "text"),
              "other processes used 25 % of the CPU during this phase: numbers may be low");

    /* the sweep: the columns, then each test's cells in that order */
    sv = cllm_json_path(o, "sweep");
    CHECK(cJSON_IsObject(sv));
    CHECK_STR(str_of(sv, "status"), "ok");
    CHECK(fabs(row_num(sv, "repetitions") - 2) < 1e-12);
    CHECK(str_of(sv, "method") && strstr(str_of(sv, "method"), "random tokens") != NULL);
    CHECK_STR(str_of(sv, "build"), "0ad4a86 (libllama 0.5.0-dev)");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sv, "columns")), 8);
    i = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(sv, "columns")) {
        CHECK_STR(str_of(c, "key"), cols[i < 8 ? i : 7]);
        i++;
    }
    /* the one model: its columns are the same in every test, the test names are not */
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sv,
          "columns"), 0), "same")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sv,
          "columns"), 7), "same")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sv,
          "columns"), 6), "same")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sv, "tests")), 3);
    i = 0;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(sv, "tests")) {
        const cJSON *cells = cJSON_GetObjectItemCaseSensitive(t, "cells");
        CHECK_INT(cJSON_GetArraySize(cells), 8);
        CHECK_STR(str_of(t, "test"), names[i < 3 ? i : 2]);
        CHECK_STR(cJSON_GetArrayItem(cells, 7)->valuestring, names[i < 3 ? i : 2]);
        CHECK_STR(cJSON_GetArrayItem(cells, 0)->valuestring, "llama ?B Q4_K - Medium");
        CHECK_STR(cJSON_GetArrayItem(cells, 1)->valuestring, "11.48 MiB");
        CHECK_STR(cJSON_GetArrayItem(cells, 2)->valuestring, "17.56 M");
        CHECK_STR(cJSON_GetArrayItem(cells, 4)->valuestring, "2");
        CHECK_STR(cJSON_GetArrayItem(cells, 5)->valuestring, "-1");
        CHECK_STR(cJSON_GetArrayItem(cells, 6)->valuestring, i == 2 ? "512" : "2048");
        CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "synthetic")));
        i++;
    }
    t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sv, "tests"), 0);
    CHECK(fabs(row_num(t, "rate") - 115.2) < 1e-9);                   /* 128 and 102.4 t/s */
    CHECK(fabs(row_num(t, "rate_sd") - 25.6 / sqrt(2.0)) < 1e-9);     /* their sample sd */
    CHECK(fabs(row_num(t, "reps") - 2) < 1e-12 && fabs(row_num(t, "throttled") - 1) < 1e-12);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "noisy")));
    CHECK(fabs(row_num(t, "other_cpu_pct") - 30.0) < 1e-12);
    t = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sv, "tests"), 1);
    CHECK_STR(str_of(t, "status"), "skipped");
    CHECK_STR(str_of(t, "why"), "the context could not be made: out of memory");
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "rate")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(t, "noisy")));
    CHECK(cJSON_IsTrue(cllm_json_path(sv, "notes.synthetic")) && cJSON_IsTrue(cllm_json_path(sv, "notes.throttled")));
    CHECK(cJSON_IsTrue(cllm_json_path(sv, "notes.noisy")));
    cJSON_Delete(o);

    cJSON_Delete(file);
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    unlink(path);
}

/* A results file of the version before the typed results model (issue 11) goes through the GUI: imported twice,
 * read back as JSON and as CSV (the unit from the field tables), and the two copies compared. */
static void test_old_results_import(void)
{
    const char *fixture = test_data("golden/results_v0.1.0_before_redesign.json");
    size_t len = 0;
    char *text = test_slurp(fixture, &len), path[600], names[2][256] = {"", ""}, body[700];
    struct reply r;
    cJSON *o;

    CHECK(text != NULL);
    if (!text)
        return;
    for (int k = 0; k < 2; k++) {
        http(srv, "POST", "/api/results", text, len, NULL, &r);
        CHECK_INT(r.status, 201);
        o = json_of(&r);
        snprintf(names[k], sizeof(names[k]), "%s", str_of(o, "name") ? str_of(o, "name") : "");
        cJSON_Delete(o);
        free(r.body);
    }
    CHECK(names[0][0] && names[1][0] && strcmp(names[0], names[1]) != 0);

    snprintf(path, sizeof(path), "/api/results/%s", names[1]);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.len == len && memcmp(r.body, text, len) == 0);
    free(r.body);
    snprintf(path, sizeof(path), "/api/results/%s/csv", names[0]);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strncmp(r.body, "section,name,params,value,unit\r\n", 32) == 0);
    CHECK(strstr(r.body, "\r\nai_benchmarks.summary,avg_tokens_per_second,tiny-test,419.99159301865285,tokens/s\r\n")
          != NULL);
    free(r.body);

    snprintf(body, sizeof(body), "{\"files\": [\"%s\", \"%s\"], \"format\": \"csv\"}", names[0], names[1]);
    http(srv, "POST", "/api/compare", body, strlen(body), NULL, &r);
    CHECK_INT(r.status, 200);
    /* then the verdict's columns (the same file twice: whatever its runs say, never a difference) */
    CHECK(strstr(r.body, "\r\nai_tokens_per_second,tiny-test,tokens/s,higher,419.99159301865285,"
                         "419.99159301865285,1,") != NULL);
    CHECK(strstr(r.body, "\r\nai_tokens_per_second,tiny-test,tokens/s,higher,419.99159301865285,"
                         "419.99159301865285,1,faster") == NULL);
    free(r.body);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[k]);
        unlink(path);
    }
    free(text);
}

static void test_results_files(void)
{
    struct reply r, imp;
    char path[512], name[256] = "", *orig;
    size_t orig_len;
    cJSON *o;

    if (!first_file[0])
        SKIP("no results file from the quick run");
    snprintf(path, sizeof(path), "/api/results/%s/csv", first_file);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "text/csv") != NULL);
    CHECK(strstr(r.headers, "Content-Disposition: attachment; filename=\"") != NULL);
    CHECK(strncmp(r.body, "section,name,params,value,unit", 30) == 0);
    free(r.body);

    /* import the file back: it is kept beside the original under a new safe name */
    snprintf(path, sizeof(path), "/api/results/%s", first_file);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    http(srv, "POST", "/api/results", r.body, r.len, NULL, &imp);
    orig = r.body;
    orig_len = r.len;
    CHECK_INT(imp.status, 201);
    o = json_of(&imp);
    if (str_of(o, "name"))
        snprintf(name, sizeof(name), "%s", str_of(o, "name"));
    cJSON_Delete(o);
    free(imp.body);
    CHECK(name[0] != '\0' && strcmp(name, first_file) != 0);
    CHECK(cllm_web_valid_result_name(name));

    /* the import keeps the uploaded bytes as they were */
    snprintf(path, sizeof(path), "/api/results/%s", name);
    http(srv, "GET", path, NULL, 0, NULL, &imp);
    CHECK_INT(imp.status, 200);
    CHECK(imp.len == orig_len && orig && memcmp(imp.body, orig, orig_len) == 0);
    free(imp.body);
    free(orig);

    http(srv, "DELETE", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    free(r.body);
    http(srv, "GET", path, NULL, 0, NULL, &r);
    CHECK_INT(r.status, 404);
    free(r.body);
}

/* Two small results files written into the results folder: B has twice A's triad bandwidth and half its TTFT. */
static void write_result(const char *name, const char *cpu, const char *id, double triad, double ttft)
{
    char path[512], text[1024], err[256];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    snprintf(text, sizeof(text),
             "{\"schema_version\":1,\"id\":\"%s\",\"timestamp\":\"t\",\"hardware\":{\"os\":{\"system\":\"Linux\"},"
             "\"cpu\":{\"model\":\"%s\"},\"ram\":{},\"gpu\":{\"devices\":[],\"count\":0,"
             "\"primary_backend\":\"none\"}},"
             "\"classic_benchmarks\":{\"status\":\"ok\",\"benchmarks\":{\"memory_bandwidth\":{\"status\":\"ok\","
             "\"triad_gbps\":%g}}},"
             "\"ai_benchmarks\":{\"status\":\"ok\",\"results\":{\"m1\":{\"status\":\"ok\",\"summary\":"
             "{\"avg_first_token_latency_s\":%g}}}}}",
             id, cpu, triad, ttft);
    CHECK(cllm_fs_write_atomic(path, text, strlen(text), NULL, err, sizeof(err)) == CLLM_OK);
}

static const cJSON *row_of(const cJSON *cmp, const char *family, const char *name)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(cmp, "rows"))
        if (str_of(r, "family") && strcmp(str_of(r, "family"), family) == 0 && str_of(r, "name") &&
            strcmp(str_of(r, "name"), name) == 0)
            return r;
    return NULL;
}

static double ratio_of(const cJSON *row, int m)
{
    const cJSON *v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(row, "ratios"), m);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void test_compare(void)
{
    const char *ok = "{\"files\": [\"cmp_a.json\", \"cmp_b.json\"]}";
    const char *ok_b1 = "{\"files\": [\"cmp_a.json\", \"cmp_b.json\"], \"baseline\": 1}";
    const char *csv = "{\"files\": [\"cmp_a.json\", \"cmp_b.json\"], \"format\": \"csv\"}";
    static const struct { const char *body; const char *needle; } bad[] = {
        {"{\"files\": [\"cmp_a.json\", \"../../etc/passwd\"]}", "files[1]: invalid results file name '../../etc/passwd'"},
        {"{\"files\": [\".cmp_a.json\", \"cmp_b.json\"]}", "files[0]: invalid"},
        {"{\"files\": [\"cmp_a.json\", 3]}", "files[1]"},
        {"{\"files\": [\"cmp_a.json\"]}", "files: expected"},
        {"{\"files\": [\"cmp_a.json\", \"cmp_b.json\"], \"baseline\": 2}", "baseline: expected a file index from 0 to 1 (got 2)"},
        {"{\"files\": [\"cmp_a.json\", \"cmp_b.json\"], \"baseline\": 0.5}", "baseline"},
        {"{\"files\": [\"cmp_a.json\", \"cmp_b.json\"], \"format\": \"xml\"}", "format"},
        {"{\"files\": [\"cmp_a.json\", \"cmp_b.json\"], \"colour\": 1}", "unknown key 'colour'"},
    };
    struct reply r;
    cJSON *o;
    const cJSON *row;

    write_result("cmp_a.json", "CPU A", "20260101_000000", 10, 0.4);
    write_result("cmp_b.json", "CPU B", "20260102_000000", 20, 0.2);

    http(srv, "POST", "/api/compare", ok, strlen(ok), NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "application/json") != NULL);
    o = json_of(&r);
    CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "baseline")) &&
          cJSON_GetObjectItemCaseSensitive(o, "baseline")->valueint == 0);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "machines")), 2);
    CHECK(str_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "machines"), 1), "label") &&
          strcmp(str_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "machines"), 1), "label"),
                 "CPU B / no GPU / 20260102_000000") == 0);
    CHECK(str_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "machines"), 0), "origin") &&
          strcmp(str_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "machines"), 0), "origin"),
                 "cmp_a.json") == 0);
    row = row_of(o, "memory_bandwidth", "triad");
    CHECK(row && str_of(row, "better") && strcmp(str_of(row, "better"), "higher") == 0);
    CHECK_NEAR(ratio_of(row, 0), 1.0, 1e-12);
    CHECK_NEAR(ratio_of(row, 1), 2.0, 1e-12);
    row = row_of(o, "ai_first_token_latency", "m1");
    CHECK(row && str_of(row, "better") && strcmp(str_of(row, "better"), "lower") == 0);
    CHECK_NEAR(ratio_of(row, 1), 0.5, 1e-12);
    CHECK(row_of(o, "memory_bandwidth", "copy") == NULL);   /* in neither file: no row */
    cJSON_Delete(o);
    free(r.body);

    http(srv, "POST", "/api/compare", ok_b1, strlen(ok_b1), NULL, &r);
    CHECK_INT(r.status, 200);
    o = json_of(&r);
    CHECK_NEAR(ratio_of(row_of(o, "memory_bandwidth", "triad"), 0), 0.5, 1e-12);
    {
        const cJSON *st = cJSON_GetObjectItem(row_of(o, "memory_bandwidth", "triad"), "stats");
        CHECK(cJSON_IsNull(cJSON_GetArrayItem(st, 1)));   /* the baseline (file 2) */
        CHECK(str_of(cJSON_GetArrayItem(st, 0), "verdict") &&
              strcmp(str_of(cJSON_GetArrayItem(st, 0), "verdict"), "not_enough_runs") == 0);
    }
    cJSON_Delete(o);
    free(r.body);

    /* the CSV is `computellm compare --csv`'s */
    http(srv, "POST", "/api/compare", csv, strlen(csv), NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "text/csv") != NULL);
    CHECK(strstr(r.headers, "filename=\"comparison.csv\"") != NULL);
    CHECK(strncmp(r.body, "family,metric,unit,better,CPU A / no GPU / 20260101_000000,"
                          "CPU B / no GPU / 20260102_000000,ratio CPU B / no GPU / 20260102_000000 / "
                          "CPU A / no GPU / 20260101_000000\r\n", 160) == 0);
    /* no per-run samples in these files: the verdict says so */
    CHECK(strstr(r.body, "\r\nmemory_bandwidth,triad,GB/s,higher,10,20,2,not_enough_runs,,,,0,0\r\n") != NULL);
    free(r.body);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        http(srv, "POST", "/api/compare", bad[i].body, strlen(bad[i].body), NULL, &r);
        if (r.status != 400 || !strstr(r.body, bad[i].needle))
            fprintf(stderr, "  %s -> %ld %s\n", bad[i].body, r.status, r.body);
        CHECK_INT(r.status, 400);
        CHECK(strstr(r.body, bad[i].needle) != NULL);
        free(r.body);
    }
    {
        const char *missing = "{\"files\": [\"cmp_a.json\", \"cmp_gone.json\"]}";
        http(srv, "POST", "/api/compare", missing, strlen(missing), NULL, &r);
        CHECK_INT(r.status, 404);
        CHECK(strstr(r.body, "cmp_gone.json") != NULL);
        free(r.body);
    }
    http(srv, "GET", "/api/compare", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 405);
    free(r.body);

    /* an imported file is compared by the name the import answered */
    {
        struct reply g, imp;
        char body[600], name[256] = "";
        http(srv, "GET", "/api/results/cmp_b.json", NULL, 0, NULL, &g);
        http(srv, "POST", "/api/results", g.body, g.len, NULL, &imp);
        CHECK_INT(imp.status, 201);
        o = json_of(&imp);
        if (str_of(o, "name"))
            snprintf(name, sizeof(name), "%s", str_of(o, "name"));
        cJSON_Delete(o);
        free(imp.body);
        free(g.body);
        snprintf(body, sizeof(body), "{\"files\": [\"cmp_a.json\", \"%s\"]}", name);
        http(srv, "POST", "/api/compare", body, strlen(body), NULL, &r);
        CHECK_INT(r.status, 200);
        o = json_of(&r);
        CHECK_NEAR(ratio_of(row_of(o, "memory_bandwidth", "triad"), 1), 2.0, 1e-12);
        cJSON_Delete(o);
        free(r.body);
        snprintf(body, sizeof(body), "%s/%s", tmpdir, name);
        unlink(body);
    }
    snprintf(r.headers, sizeof(r.headers), "%s/cmp_a.json", tmpdir);
    unlink(r.headers);
    snprintf(r.headers, sizeof(r.headers), "%s/cmp_b.json", tmpdir);
    unlink(r.headers);
}

static void test_bad_input(void)
{
    static const char *const bad_paths[] = {
        "/api/results/..%2F..%2Fetc%2Fpasswd", "/api/results/../../etc/passwd", "/api/results/a/b.json",
        "/api/results/.hidden.json", "/api/results/x.txt", "/api/results/..%2Fx.json/csv",
    };
    const char *no_cpu = "{\"schema_version\": 1, \"id\": \"x\", \"timestamp\": \"2026-01-01T00:00:00\", "
                         "\"hardware\": {\"os\": {}}}";
    struct reply r;
    size_t big = (1u << 20) + 1;
    char *blob;

    for (size_t i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
        http(srv, "GET", bad_paths[i], NULL, 0, NULL, &r);
        if (r.status != 400)
            fprintf(stderr, "  %s -> %ld\n", bad_paths[i], r.status);
        CHECK_INT(r.status, 400);
        free(r.body);
    }
    http(srv, "DELETE", "/api/results/..%2F..%2Fetc%2Fpasswd", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 400);
    free(r.body);

    http(srv, "POST", "/api/results", no_cpu, strlen(no_cpu), NULL, &r);
    CHECK_INT(r.status, 400);
    CHECK(strstr(r.body, "hardware.cpu") != NULL);
    free(r.body);
    http(srv, "POST", "/api/results", "{not json", 9, NULL, &r);
    CHECK_INT(r.status, 400);
    CHECK(strstr(r.body, "\"error\"") != NULL);
    free(r.body);

    /* the test server's limit is 1 MiB */
    blob = malloc(big);
    memset(blob, ' ', big);
    http(srv, "POST", "/api/results", blob, big, NULL, &r);
    CHECK_INT(r.status, 413);
    free(r.body);
    free(blob);
}

static void test_token(void)
{
    struct cllm_web_params wp = cllm_web_default_params();
    struct cllm_web_server *s;
    struct reply r;
    char err[256], cookie[128];

    wp.port = 0;
    wp.api.results_dir = tmpdir;
    wp.api.probe_llama = false;
    wp.token = "s3cret-token";
    s = cllm_web_start(&wp, err, sizeof(err));
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(cllm_web_token(s), "s3cret-token");
    http_tok(s, false, "GET", "/api/results", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 401);
    CHECK(strstr(r.body, "\"error\"") != NULL);
    free(r.body);
    http_tok(s, false, "GET", "/api/results", NULL, 0, "X-ComputeLLM-Token: wrong", &r);
    CHECK_INT(r.status, 401);
    free(r.body);
    http_tok(s, false, "GET", "/api/results", NULL, 0, "X-ComputeLLM-Token: s3cret-token", &r);
    CHECK_INT(r.status, 200);
    free(r.body);
    /* the cookie is per port: two servers on one machine do not overwrite each other's */
    snprintf(cookie, sizeof(cookie), "Cookie: %s=s3cret-token", cllm_web_cookie_name(s));
    CHECK(strstr(cookie, "computellm_token_") != NULL);
    http_tok(s, false, "GET", "/api/results", NULL, 0, cookie, &r);
    CHECK_INT(r.status, 200);
    free(r.body);
    http_tok(s, false, "GET", "/api/results", NULL, 0, "Cookie: computellm_token=s3cret-token", &r);
    CHECK_INT(r.status, 401);
    free(r.body);
    /* the printed URL logs in: a cookie for the API, then the page without the token in the address */
    http_tok(s, false, "GET", "/?token=s3cret-token", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 303);
    CHECK(strstr(r.headers, "computellm_token_") != NULL);
    CHECK(strstr(r.headers, "=s3cret-token; Path=/; HttpOnly; SameSite=Strict") != NULL);
    CHECK(strstr(r.headers, "Location: /\r\n") != NULL);
    free(r.body);
    http_tok(s, false, "GET", "/?token=guess", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 401);
    CHECK(strstr(r.headers, "Set-Cookie") == NULL);
    free(r.body);
    /* the page itself holds no data: it loads without the token and asks for the URL */
    http_tok(s, false, "GET", "/", NULL, 0, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.headers, "Set-Cookie") == NULL);
    free(r.body);
    cllm_web_stop(s);

    /* no token given: a random one per start, 32 hex digits, never the same twice */
    wp.token = NULL;
    s = cllm_web_start(&wp, err, sizeof(err));
    CHECK(s != NULL);
    if (s) {
        const char *t = cllm_web_token(s);
        CHECK(t && strlen(t) == 32 && strspn(t, "0123456789abcdef") == 32);
        CHECK(t && cllm_web_token(srv) && strcmp(t, cllm_web_token(srv)) != 0);
        http_tok(s, false, "GET", "/api/runs", NULL, 0, NULL, &r);
        CHECK_INT(r.status, 401);
        free(r.body);
        cllm_web_stop(s);
    }

    /* --no-token: loopback only, and refused with a token */
    wp.no_token = true;
    s = cllm_web_start(&wp, err, sizeof(err));
    CHECK(s != NULL);
    if (s) {
        CHECK(cllm_web_token(s) == NULL);
        http_tok(s, false, "GET", "/api/runs", NULL, 0, NULL, &r);
        CHECK_INT(r.status, 200);
        free(r.body);
        cllm_web_stop(s);
    }
    wp.host = "0.0.0.0";
    CHECK(cllm_web_start(&wp, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "loopback") != NULL);
    wp.host = "127.0.0.1";
    wp.token = "abc";
    CHECK(cllm_web_start(&wp, err, sizeof(err)) == NULL);
    wp.no_token = false;
    wp.token = "bad token";
    CHECK(cllm_web_start(&wp, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "token") != NULL);

    CHECK(cllm_web_host_is_loopback("127.0.0.1"));
    CHECK(cllm_web_host_is_loopback("127.1.2.3"));
    CHECK(cllm_web_host_is_loopback("::1"));
    CHECK(cllm_web_host_is_loopback("localhost"));
    CHECK(!cllm_web_host_is_loopback("0.0.0.0"));
    CHECK(!cllm_web_host_is_loopback("192.168.1.10"));
    CHECK(!cllm_web_host_is_loopback("::"));
}

static void test_names(void)
{
    CHECK(cllm_web_valid_result_name("benchmark_AMD_EPYC_Linux_20261126_100800.json"));
    CHECK(!cllm_web_valid_result_name("../x.json"));
    CHECK(!cllm_web_valid_result_name("a..json"));
    CHECK(!cllm_web_valid_result_name(".x.json"));
    CHECK(!cllm_web_valid_result_name("x.json.tmp"));
    CHECK(!cllm_web_valid_result_name("a b.json"));
    CHECK(!cllm_web_valid_result_name(""));
}

int main(void)
{
    struct cllm_web_params wp = cllm_web_default_params();
    char err[256];
    int rc;

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/cllm_web_api_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    wp.port = 0;
    wp.api.results_dir = tmpdir;
    wp.api.max_upload_bytes = 1u << 20;
    wp.api.probe_llama = false;   /* loading libllama is the pipeline's business; tests stay fast */
    srv = cllm_web_start(&wp, err, sizeof(err));
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    RUN(test_names);
    RUN(test_hardware);
    RUN(test_quick_run);
    RUN(test_conflict_and_cancel);
    RUN(test_run_validation);
    RUN(test_manual_unreachable);
    RUN(test_results_files);
    RUN(test_result_view);
    RUN(test_energy_view);
    RUN(test_serving_view);
    RUN(test_ladder_sweep_view);
    RUN(test_old_results_import);
    RUN(test_compare);
    RUN(test_bad_input);
    RUN(test_token);
    cllm_web_stop(srv);
    rc = test_summary();
    test_rmtree(tmpdir);
    curl_global_cleanup();
    return rc;
}

#else

int main(void)
{
    printf("0 passed, 0 failed, 1 skipped (built without libmicrohttpd or libcurl: no web API)\n");
    return 0;
}

#endif
