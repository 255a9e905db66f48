#include "web/hub.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/log.h"
#include "report/compare.h"
#include "report/result.h"
#include "store/store.h"
#include "web/views.h"

#define MAX_FILTER_LEN 128   /* characters of one filter value */
#define RETRY_AFTER_S 5      /* told to clients when the database is unreachable */
#define COMPARE_MAX 16       /* results files one comparison loads (each whole) */

struct cllm_hub {
    struct cllm_store *store;
};

struct cllm_hub *cllm_hub_new(struct cllm_store *store)
{
    struct cllm_hub *h = calloc(1, sizeof(*h));
    if (h)
        h->store = store;
    return h;
}

void cllm_hub_free(struct cllm_hub *hub) { free(hub); }

/* ---- responses ---- */

/* A store failure as HTTP: the database unreachable is 503 with Retry-After (clients retry, then queue). */
static void reply_store_error(struct cllm_web_response *resp, enum cllm_status st, const char *err)
{
    if (st == CLLM_ERR_UNAVAILABLE) {
        CLLM_LOG(CLLM_LOG_WARN, "hub: database unavailable: %s", err);
        cllm_web_reply_error(resp, 503, "the database is unavailable now (%s): try again later", err);
        resp->retry_after_s = RETRY_AFTER_S;
    } else if (st == CLLM_ERR_NOT_FOUND) {
        cllm_web_reply_error(resp, 404, "%s", err);
    } else {
        CLLM_LOG(CLLM_LOG_ERROR, "hub: database error: %s", err);
        cllm_web_reply_error(resp, 500, "database error: %s", err);
    }
}

static void add_num(cJSON *o, const char *k, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static void add_int_or_null(cJSON *o, const char *k, long v)
{
    if (v >= 0)
        cJSON_AddNumberToObject(o, k, (double)v);
    else
        cJSON_AddNullToObject(o, k);
}

/* ---- POST /api/submit ---- */

static void post_submit(struct cllm_hub *h, const struct cllm_web_request *req, const char *submitter,
                        struct cllm_web_response *resp)
{
    struct cllm_store_record *rec;
    char err[CLLM_ERR_LEN];
    enum cllm_status st;
    bool added = false;
    cJSON *o;

    if (req->body_too_large) {
        cllm_web_reply_error(resp, 413, "results file larger than the hub's limit");
        return;
    }
    rec = malloc(sizeof(*rec));
    if (!rec) {
        cllm_web_reply_error(resp, 500, "out of memory");
        return;
    }
    st = cllm_store_record_parse(req->body, req->body_len, rec, err, sizeof(err));
    if (st != CLLM_OK) {
        cllm_web_reply_error(resp, st == CLLM_ERR_NOMEM ? 500 : 400, "not a valid results file: %s", err);
        free(rec);
        return;
    }
    st = cllm_store_submit(h->store, rec, req->body, req->body_len, submitter, &added, err, sizeof(err));
    if (st != CLLM_OK) {
        reply_store_error(resp, st, err);
        free(rec);
        return;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", added ? "added" : "duplicate");
    cJSON_AddStringToObject(o, "result_id", rec->result_id);
    cJSON_AddStringToObject(o, "machine", rec->fingerprint);
    cJSON_AddNumberToObject(o, "runs", (double)rec->n_runs);
    CLLM_LOG(CLLM_LOG_DEBUG, "hub: %s %s/%s from %s", added ? "added" : "duplicate", rec->result_id, rec->fingerprint,
             submitter ? submitter : "-");
    free(rec);
    cllm_web_reply_json(resp, added ? 201 : 200, o);
}

/* ---- filters ---- */

static const char *query_value(const struct cllm_web_request *req, const char *key)
{
    for (size_t i = 0; i < req->n_query; i++)
        if (strcmp(req->query_keys[i], key) == 0)
            return req->query_vals[i];
    return NULL;
}

/* The filters of the query; false (400 queued) on an unknown key or a bad value. */
static bool read_filter(const struct cllm_web_request *req, struct cllm_store_filter *f, bool machine_route,
                        struct cllm_web_response *resp)
{
    static const char *const keys[] = {"model", "quant", "backend", "gpu_vendor", "os", "machine", "since", "until",
                                       "synthetic", "limit", NULL};
    const char *v;
    *f = cllm_store_default_filter();
    for (size_t i = 0; i < req->n_query; i++) {
        bool known = false;
        for (int k = 0; keys[k] && !known; k++)
            known = strcmp(req->query_keys[i], keys[k]) == 0;
        if (!known) {
            cllm_web_reply_error(resp, 400, "unknown filter '%.64s': expected model, quant, backend, gpu_vendor, os, machine, "
                        "since, until, synthetic or limit", req->query_keys[i]);
            return false;
        }
        v = req->query_vals[i] ? req->query_vals[i] : "";
        if (strlen(v) > MAX_FILTER_LEN) {
            cllm_web_reply_error(resp, 400, "filter %s: at most %d characters", req->query_keys[i], MAX_FILTER_LEN);
            return false;
        }
    }
    f->model = query_value(req, "model");
    f->quant = query_value(req, "quant");
    f->backend = query_value(req, "backend");
    f->gpu_vendor = query_value(req, "gpu_vendor");
    f->os = query_value(req, "os");
    f->since = query_value(req, "since");
    f->until = query_value(req, "until");
    if (!machine_route)
        f->machine = query_value(req, "machine");
    if ((v = query_value(req, "synthetic"))) {
        if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
            f->synthetic = 1;
        else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
            f->synthetic = 0;
        else {
            cllm_web_reply_error(resp, 400, "filter synthetic: expected true or false, got '%.32s'", v);
            return false;
        }
    }
    if ((v = query_value(req, "limit"))) {
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < 1 || n > CLLM_STORE_MAX_LIMIT) {
            cllm_web_reply_error(resp, 400, "limit: expected 1 to %d, got '%.32s'", CLLM_STORE_MAX_LIMIT, v);
            return false;
        }
        f->limit = (size_t)n;
    }
    /* empty values mean "any", as an empty filter box in the page does */
    const char **all[] = {&f->model, &f->quant, &f->backend, &f->gpu_vendor, &f->os, &f->machine, &f->since,
                          &f->until};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (*all[i] && !**all[i])
            *all[i] = NULL;
    return true;
}

/* Comparable: the same model, quantization, backend, prompt tokens and max tokens (the ORDER BY's first keys). */
static bool same_group(const struct cllm_store_row *a, const struct cllm_store_row *b)
{
    return strcmp(a->run.model, b->run.model) == 0 && strcmp(a->run.quant, b->run.quant) == 0 &&
           strcmp(a->run.backend, b->run.backend) == 0 && a->run.prompt_tokens == b->run.prompt_tokens &&
           a->run.max_tokens == b->run.max_tokens;
}

static cJSON *row_json(const struct cllm_store_row *r, long rank)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "result_id", r->result_id);
    cJSON_AddStringToObject(o, "machine", r->fingerprint);
    cJSON_AddStringToObject(o, "submitter", r->submitter);
    cJSON_AddStringToObject(o, "received_at", r->received_at);
    cJSON_AddStringToObject(o, "timestamp", r->timestamp);
    cJSON_AddStringToObject(o, "hostname", r->hostname);
    cJSON_AddStringToObject(o, "os", r->os);
    cJSON_AddStringToObject(o, "cpu", r->cpu);
    cJSON_AddStringToObject(o, "gpu_vendor", r->gpu_vendor);
    cJSON_AddStringToObject(o, "gpu_name", r->gpu_name);
    cJSON_AddStringToObject(o, "model", r->run.model);
    cJSON_AddStringToObject(o, "quant", r->run.quant);
    cJSON_AddStringToObject(o, "backend", r->run.backend);
    if (r->run.synthetic >= 0)
        cJSON_AddBoolToObject(o, "synthetic", r->run.synthetic);
    else
        cJSON_AddNullToObject(o, "synthetic");
    add_num(o, "decode_tps", r->run.decode_tps);
    add_num(o, "prompt_tps", r->run.prompt_tps);
    add_num(o, "ttft_ms", r->run.ttft_ms);
    add_num(o, "j_per_token", r->run.j_per_token);
    add_int_or_null(o, "prompt_tokens", r->run.prompt_tokens);
    add_int_or_null(o, "max_tokens", r->run.max_tokens);
    add_num(o, "score", r->score);
    if (rank > 0)
        cJSON_AddNumberToObject(o, "rank", (double)rank);
    return o;
}

static void get_leaderboard(struct cllm_hub *h, const struct cllm_web_request *req, struct cllm_web_response *resp)
{
    struct cllm_store_filter f;
    struct cllm_store_row *rows = NULL;
    size_t n = 0;
    char err[CLLM_ERR_LEN];
    enum cllm_status st;
    cJSON *o, *arr;
    long rank = 0;

    if (!read_filter(req, &f, false, resp))
        return;
    st = cllm_store_leaderboard(h->store, &f, &rows, &n, err, sizeof(err));
    if (st != CLLM_OK) {
        reply_store_error(resp, st, err);
        return;
    }
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", (double)n);
    cJSON_AddStringToObject(o, "score", "localscore: 10 * cbrt(prompt_tps * decode_tps * 1000 / ttft_ms), ranked "
                                        "within runs of the same model, quant, backend, prompt and max tokens");
    arr = cJSON_AddArrayToObject(o, "rows");
    for (size_t i = 0; i < n; i++) {
        rank = i > 0 && same_group(&rows[i - 1], &rows[i]) ? rank + 1 : 1;
        cJSON_AddItemToArray(arr, row_json(&rows[i], rank));
    }
    free(rows);
    cllm_web_reply_json(resp, 200, o);
}

static const char *num_cell(char *buf, size_t n, double v)
{
    if (!isfinite(v))
        return "";
    snprintf(buf, n, "%.6g", v);
    return buf;
}

/* A text cell a spreadsheet would read as a formula gets a leading quote (CSV injection). */
static const char *safe_cell(char *buf, size_t n, const char *s)
{
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
        snprintf(buf, n, "'%s", s);
        return buf;
    }
    return s;
}

static void get_leaderboard_csv(struct cllm_hub *h, const struct cllm_web_request *req,
                                struct cllm_web_response *resp)
{
    static const char *const head[] = {"rank", "model", "quant", "backend", "score", "decode_tps", "prompt_tps",
                                       "ttft_ms", "j_per_token", "prompt_tokens", "max_tokens", "synthetic",
                                       "hostname", "os", "cpu", "gpu_vendor", "gpu_name", "timestamp", "submitter",
                                       "machine", "result_id"};
    struct cllm_store_filter f;
    struct cllm_store_row *rows = NULL;
    size_t n = 0;
    char err[CLLM_ERR_LEN];
    enum cllm_status st;
    struct cllm_csv csv = {0};
    long rank = 0;
    char *text;

    if (!read_filter(req, &f, false, resp))
        return;
    st = cllm_store_leaderboard(h->store, &f, &rows, &n, err, sizeof(err));
    if (st != CLLM_OK) {
        reply_store_error(resp, st, err);
        return;
    }
    cllm_csv_row(&csv, head, (int)(sizeof(head) / sizeof(head[0])));
    for (size_t i = 0; i < n; i++) {
        const struct cllm_store_row *r = &rows[i];
        char b[8][40], t[6][CLLM_STORE_TEXT_LEN + 2];
        rank = i > 0 && same_group(&rows[i - 1], r) ? rank + 1 : 1;
        snprintf(b[0], sizeof(b[0]), "%ld", rank);
        snprintf(b[5], sizeof(b[5]), "%ld", r->run.prompt_tokens);
        snprintf(b[6], sizeof(b[6]), "%ld", r->run.max_tokens);
        {
            const char *cells[] = {b[0], safe_cell(t[0], sizeof(t[0]), r->run.model), r->run.quant,
                                   safe_cell(t[1], sizeof(t[1]), r->run.backend),
                                   num_cell(b[1], sizeof(b[1]), r->score),
                                   num_cell(b[2], sizeof(b[2]), r->run.decode_tps),
                                   num_cell(b[3], sizeof(b[3]), r->run.prompt_tps),
                                   num_cell(b[4], sizeof(b[4]), r->run.ttft_ms),
                                   num_cell(b[7], sizeof(b[7]), r->run.j_per_token),
                                   r->run.prompt_tokens >= 0 ? b[5] : "", r->run.max_tokens >= 0 ? b[6] : "",
                                   r->run.synthetic < 0 ? "" : r->run.synthetic ? "true" : "false",
                                   safe_cell(t[2], sizeof(t[2]), r->hostname), safe_cell(t[3], sizeof(t[3]), r->os),
                                   safe_cell(t[4], sizeof(t[4]), r->cpu), r->gpu_vendor,
                                   safe_cell(t[5], sizeof(t[5]), r->gpu_name), r->timestamp, r->submitter,
                                   r->fingerprint, r->result_id};
            cllm_csv_row(&csv, cells, (int)(sizeof(cells) / sizeof(cells[0])));
        }
    }
    free(rows);
    text = cllm_csv_finish(&csv);
    if (!text) {
        cllm_web_reply_error(resp, 500, "out of memory");
        return;
    }
    cllm_web_reply_text(resp, 200, "text/csv; charset=utf-8", text);
    snprintf(resp->attachment, sizeof(resp->attachment), "leaderboard.csv");
}

static bool fp_valid(const char *s)
{
    return strlen(s) == CLLM_STORE_FP_LEN - 1 && strspn(s, "0123456789abcdef") == CLLM_STORE_FP_LEN - 1;
}

static int by_time(const void *a, const void *b)
{
    const struct cllm_store_row *x = a, *y = b;
    int c = strcmp(x->timestamp, y->timestamp);
    return c ? c : strcmp(x->run.model, y->run.model);
}

static void get_machine(struct cllm_hub *h, const struct cllm_web_request *req, const char *fp,
                        struct cllm_web_response *resp)
{
    struct cllm_store_filter f;
    struct cllm_store_row *rows = NULL;
    size_t n = 0;
    char err[CLLM_ERR_LEN];
    enum cllm_status st;
    cJSON *o, *arr;

    if (!fp_valid(fp)) {
        cllm_web_reply_error(resp, 400, "machine '%.40s': expected the 16 hex digits of a machine fingerprint", fp);
        return;
    }
    if (!read_filter(req, &f, true, resp))
        return;
    f.machine = fp;
    if (!f.limit)
        f.limit = CLLM_STORE_MAX_LIMIT;
    st = cllm_store_leaderboard(h->store, &f, &rows, &n, err, sizeof(err));
    if (st != CLLM_OK) {
        reply_store_error(resp, st, err);
        return;
    }
    if (n == 0) {
        free(rows);
        cllm_web_reply_error(resp, 404, "no runs of machine %s on this hub", fp);
        return;
    }
    qsort(rows, n, sizeof(rows[0]), by_time);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "machine", fp);
    /* the newest file's names: a machine renamed or upgraded in place keeps its latest description */
    cJSON_AddStringToObject(o, "hostname", rows[n - 1].hostname);
    cJSON_AddStringToObject(o, "os", rows[n - 1].os);
    cJSON_AddStringToObject(o, "cpu", rows[n - 1].cpu);
    cJSON_AddStringToObject(o, "gpu_vendor", rows[n - 1].gpu_vendor);
    cJSON_AddStringToObject(o, "gpu_name", rows[n - 1].gpu_name);
    cJSON_AddNumberToObject(o, "count", (double)n);
    /* the hardware as the newest file describes it, in the GUI's machine view (web/views.h) */
    {
        char *raw = NULL;
        cJSON *tree = NULL;
        st = cllm_store_raw(h->store, rows[n - 1].result_id, fp, &raw, err, sizeof(err));
        if (st != CLLM_OK) {
            free(raw);
            free(rows);
            cJSON_Delete(o);
            reply_store_error(resp, st, err);
            return;
        }
        if (cllm_result_parse(raw, "stored results file", &tree, err, sizeof(err)) == CLLM_OK) {
            cJSON_AddItemToObject(o, "hardware", cllm_web_view_machine(tree));
            cJSON_AddStringToObject(o, "hardware_from", rows[n - 1].result_id);
        } else {
            cJSON_AddItemToObject(o, "hardware", cJSON_CreateArray());
        }
        cJSON_Delete(tree);
        free(raw);
    }
    arr = cJSON_AddArrayToObject(o, "runs");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, row_json(&rows[i], 0));
    free(rows);
    cllm_web_reply_json(resp, 200, o);
}

/* GET /api/compare?results=ID/FP,ID/FP[,...]&baseline=N&format=json|csv: the comparison `computellm compare` and
 * the GUI build (report/compare.h: ratios, Welch's t and Fieller's interval per metric) over stored files, with
 * each file's machine view beside it ("hardware"). */
static void get_compare(struct cllm_hub *h, const struct cllm_web_request *req, struct cllm_web_response *resp)
{
    char ids[COMPARE_MAX][CLLM_STORE_ID_LEN], fps[COMPARE_MAX][CLLM_STORE_FP_LEN], origins[COMPARE_MAX][CLLM_STORE_ID_LEN + CLLM_STORE_FP_LEN + 1];
    const char *names[COMPARE_MAX];
    cJSON *trees[COMPARE_MAX] = {0};
    const char *list = NULL, *bl = NULL, *fmt = NULL;
    struct cllm_compare_table *t = NULL;
    char err[CLLM_ERR_LEN];
    enum cllm_status st;
    int n = 0, baseline = 0;
    bool csv = false;

    for (size_t i = 0; i < req->n_query; i++) {
        const char *k = req->query_keys[i], *v = req->query_vals[i] ? req->query_vals[i] : "";
        if (strcmp(k, "results") == 0)
            list = v;
        else if (strcmp(k, "baseline") == 0)
            bl = v;
        else if (strcmp(k, "format") == 0)
            fmt = v;
        else {
            cllm_web_reply_error(resp, 400, "unknown key '%.64s': expected results, baseline or format", k);
            return;
        }
    }
    if (!list || !*list) {
        cllm_web_reply_error(resp, 400, "results: expected 2 to %d 'RESULT_ID/MACHINE' pairs separated by commas (the "
                    "leaderboard's result_id and machine)", COMPARE_MAX);
        return;
    }
    for (const char *p = list; *p && n <= COMPARE_MAX;) {
        size_t len = strcspn(p, ","), idn;
        const char *slash = memchr(p, '/', len);
        if (n == COMPARE_MAX) {
            n++;
            break;
        }
        idn = slash ? (size_t)(slash - p) : 0;
        if (!slash || idn == 0 || idn >= CLLM_STORE_ID_LEN || len - idn - 1 != CLLM_STORE_FP_LEN - 1) {
            cllm_web_reply_error(resp, 400, "results[%d] '%.*s': expected RESULT_ID/MACHINE (the 16 hex digits of its "
                        "fingerprint)", n, (int)(len > 100 ? 100 : len), p);
            return;
        }
        memcpy(ids[n], p, idn);
        ids[n][idn] = '\0';
        memcpy(fps[n], slash + 1, CLLM_STORE_FP_LEN - 1);
        fps[n][CLLM_STORE_FP_LEN - 1] = '\0';
        if (!fp_valid(fps[n])) {
            cllm_web_reply_error(resp, 400, "results[%d]: machine '%s': expected 16 lower-case hex digits", n, fps[n]);
            return;
        }
        n++;
        p += len;
        if (*p == ',')
            p++;
    }
    if (n < 2 || n > COMPARE_MAX) {
        cllm_web_reply_error(resp, 400, "results: expected 2 to %d 'RESULT_ID/MACHINE' pairs, got %s%d", COMPARE_MAX,
                    n > COMPARE_MAX ? "more than " : "", n > COMPARE_MAX ? COMPARE_MAX : n);
        return;
    }
    if (bl) {
        char *end;
        long b = strtol(bl, &end, 10);
        if (!*bl || *end || b < 0 || b >= n) {
            cllm_web_reply_error(resp, 400, "baseline: expected an index from 0 to %d, got '%.32s'", n - 1, bl);
            return;
        }
        baseline = (int)b;
    }
    if (fmt) {
        if (strcmp(fmt, "json") != 0 && strcmp(fmt, "csv") != 0) {
            cllm_web_reply_error(resp, 400, "format: expected json or csv, got '%.32s'", fmt);
            return;
        }
        csv = strcmp(fmt, "csv") == 0;
    }
    for (int i = 0; i < n; i++) {
        char *raw = NULL;
        st = cllm_store_raw(h->store, ids[i], fps[i], &raw, err, sizeof(err));
        if (st == CLLM_OK && cllm_result_parse(raw, ids[i], &trees[i], err, sizeof(err)) != CLLM_OK)
            st = CLLM_ERR_PARSE;
        free(raw);
        if (st != CLLM_OK) {
            if (st == CLLM_ERR_PARSE)
                cllm_web_reply_error(resp, 500, "stored results file %s/%s: %s", ids[i], fps[i], err);
            else
                reply_store_error(resp, st, err);
            goto cleanup;
        }
        snprintf(origins[i], sizeof(origins[i]), "%.63s/%.16s", ids[i], fps[i]);
        names[i] = origins[i];
    }
    if (cllm_compare_build((const cJSON *const *)trees, names, n, baseline, &t, err, sizeof(err)) != CLLM_OK) {
        cllm_web_reply_error(resp, 500, "%s", err);
        goto cleanup;
    }
    if (!csv) {
        cJSON *o = cllm_compare_to_json(t), *hw = o ? cJSON_AddArrayToObject(o, "hardware") : NULL;
        for (int i = 0; hw && i < n; i++)
            cJSON_AddItemToArray(hw, cllm_web_view_machine(trees[i]));
        cllm_web_reply_json(resp, 200, o);
    } else {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        st = f ? cllm_compare_write(t, CLLM_COMPARE_CSV, f) : CLLM_ERR_NOMEM;
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
    for (int i = 0; i < n && i < COMPARE_MAX; i++)
        cJSON_Delete(trees[i]);
}

static void get_raw(struct cllm_hub *h, const char *rest, struct cllm_web_response *resp)
{
    char id[CLLM_STORE_ID_LEN], err[CLLM_ERR_LEN], *raw = NULL;
    const char *slash = strchr(rest, '/');
    enum cllm_status st;
    size_t n = slash ? (size_t)(slash - rest) : 0;

    if (!slash || n == 0 || n >= sizeof(id) || !fp_valid(slash + 1)) {
        cllm_web_reply_error(resp, 400, "expected /api/results/{result id}/{machine fingerprint}");
        return;
    }
    memcpy(id, rest, n);
    id[n] = '\0';
    st = cllm_store_raw(h->store, id, slash + 1, &raw, err, sizeof(err));
    if (st != CLLM_OK) {
        reply_store_error(resp, st, err);
        return;
    }
    cllm_web_reply_text(resp, 200, "application/json", raw);
}

static void get_health(struct cllm_hub *h, struct cllm_web_response *resp)
{
    char err[CLLM_ERR_LEN];
    long long n = 0;
    int version = 0;
    enum cllm_status st = cllm_store_count(h->store, &n, err, sizeof(err));
    cJSON *o;
    if (st == CLLM_OK)
        st = cllm_store_schema_version(h->store, &version, err, sizeof(err));
    if (st != CLLM_OK) {
        reply_store_error(resp, st, err);
        return;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", "ok");
    cJSON_AddStringToObject(o, "backend", cllm_store_backend(h->store));
    cJSON_AddNumberToObject(o, "schema_version", version);
    cJSON_AddNumberToObject(o, "submissions", (double)n);
    cllm_web_reply_json(resp, 200, o);
}

void cllm_hub_handle(struct cllm_hub *h, const struct cllm_web_request *req, const char *submitter,
                     struct cllm_web_response *resp)
{
    const char *p = req->path ? req->path : "";
    bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;

    memset(resp, 0, sizeof(*resp));
    if (strcmp(p, "/api/submit") == 0) {
        if (strcmp(req->method, "POST") != 0)
            cllm_web_reply_error(resp, 405, "POST a results file to /api/submit");
        else
            post_submit(h, req, submitter, resp);
        return;
    }
    if (!get) {
        cllm_web_reply_error(resp, 405, "method %.16s not allowed on %.200s", req->method, p);
        return;
    }
    if (strcmp(p, "/api/leaderboard") == 0)
        get_leaderboard(h, req, resp);
    else if (strcmp(p, "/api/leaderboard.csv") == 0)
        get_leaderboard_csv(h, req, resp);
    else if (strncmp(p, "/api/machines/", 14) == 0)
        get_machine(h, req, p + 14, resp);
    else if (strncmp(p, "/api/results/", 13) == 0)
        get_raw(h, p + 13, resp);
    else if (strcmp(p, "/api/compare") == 0)
        get_compare(h, req, resp);
    else if (strcmp(p, "/api/health") == 0)
        get_health(h, resp);
    else
        cllm_web_reply_error(resp, 404, "no route %.200s: the hub serves /api/submit, /api/leaderboard, "
                    "/api/leaderboard.csv, /api/machines/{id}, /api/results/{id}/{machine}, /api/compare, /api/health", p);
}
