/* Load benchmark of the results hub (docs/performance.md; not a test). Three modes, each bounded:
 *   hub_load submit URL TOKEN FILE N C   N distinct submissions (FILE under ids load<i>_<pid>) over C concurrent
 *                                        connections (libcurl multi, keep-alive); prints submissions/s, 2xx count
 *   hub_load seed DBURL FILE N           N results directly into a database through store/ (ids seed<i>, 20 model
 *                                        keys, 4 backends, 4 GPU vendors, 3 OSes, 2 years of dates, a third of
 *                                        them real models), to size the leaderboard query
 *   hub_load profile DBURL FILE N        N submissions in this process, one at a time: the mean time of the
 *                                        checked parse, the record and the store's transaction
 *   hub_load query URL TOKEN QUERY N     N sequential GET /api/leaderboard?QUERY; prints p50, p99, max (ms)
 * Every request has a 60 s deadline. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/file.h"
#include "report/result.h"
#include "store/record.h"
#include "store/store.h"

static size_t sink(char *p, size_t s, size_t n, void *u)
{
    (void)p;
    (void)u;
    return s * n;
}

static char *with_id(const char *text, const char *id)
{
    cJSON *root = cJSON_Parse(text);
    char *out;
    if (!root)
        return NULL;
    cJSON_ReplaceItemInObject(root, "id", cJSON_CreateString(id));
    out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

static int mode_submit(const char *url, const char *token, const char *text, long n, long c)
{
    CURLM *m = curl_multi_init();
    char submit[1024], tok[400];
    struct curl_slist *hdr = NULL;
    long started = 0, done = 0, ok = 0;
    double t0;
    char **bodies = calloc((size_t)n, sizeof(char *));
    CURL **pool = calloc((size_t)c, sizeof(CURL *));

    snprintf(submit, sizeof(submit), "%s/api/submit", url);
    snprintf(tok, sizeof(tok), "X-ComputeLLM-Token: %s", token);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, tok);
    hdr = curl_slist_append(hdr, "Expect:");
    for (long i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof(id), "load%ld_%d", i, (int)getpid());
        bodies[i] = with_id(text, id);
        if (!bodies[i]) {
            fprintf(stderr, "hub_load: FILE is not JSON\n");
            return 1;
        }
    }
    for (long k = 0; k < c; k++)
        pool[k] = curl_easy_init();
    t0 = cllm_now_s();
    for (long k = 0; k < c && started < n; k++, started++) {
        CURL *h = pool[k];
        curl_easy_setopt(h, CURLOPT_URL, submit);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[started]);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
        curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_multi_add_handle(m, h);
    }
    while (done < n) {
        int running = 0, q = 0;
        CURLMsg *msg;
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &q))) {
            long code = 0;
            CURL *h = msg->easy_handle;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
            ok += code == 200 || code == 201;
            done++;
            curl_multi_remove_handle(m, h);
            if (started < n) {
                curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[started++]);
                curl_multi_add_handle(m, h);
            }
        }
        if (done < n)
            curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    {
        double dt = cllm_now_s() - t0;
        printf("submit: %ld requests, %ld answered 2xx, %ld concurrent, %.2f s, %.0f submissions/s\n", n, ok, c, dt,
               (double)ok / dt);
    }
    for (long k = 0; k < c; k++)
        curl_easy_cleanup(pool[k]);
    for (long i = 0; i < n; i++)
        free(bodies[i]);
    free(bodies);
    free(pool);
    curl_slist_free_all(hdr);
    curl_multi_cleanup(m);
    return ok == n ? 0 : 1;
}

static int mode_seed(const char *db, const char *text, long n)
{
    static const char *const backends[] = {"CPU", "CUDA", "Vulkan", "Metal"};
    static const char *const vendors[] = {"none", "NVIDIA", "AMD", "Apple"};
    struct cllm_store_params p = cllm_store_default_params();
    struct cllm_store_record *rec = malloc(sizeof(*rec));
    char err[CLLM_ERR_LEN];
    enum cllm_status st;
    struct cllm_store *s;
    double t0;
    unsigned seed = 1;

    p.url = db;
    s = cllm_store_open(&p, &st, err, sizeof(err));
    if (!s || cllm_store_record_parse(text, strlen(text), rec, err, sizeof(err)) != CLLM_OK || rec->n_runs == 0) {
        fprintf(stderr, "hub_load seed: %s\n", s ? "FILE has no model run" : err);
        return 1;
    }
    t0 = cllm_now_s();
    for (long i = 0; i < n; i++) {
        bool added;
        snprintf(rec->result_id, sizeof(rec->result_id), "seed%ld", i);
        snprintf(rec->fingerprint, sizeof(rec->fingerprint), "%016lx", (unsigned long)(i % 5000));
        snprintf(rec->gpu_vendor, sizeof(rec->gpu_vendor), "%s", vendors[i % 4]);
        /* Apple's machines run macOS; the others Linux, one in five Windows */
        snprintf(rec->os, sizeof(rec->os), "%s", i % 4 == 3 ? "Darwin" : i % 5 == 0 ? "Windows" : "Linux");
        /* spread over 2025-2026, one file every ~10 minutes: the date filters have something to cut */
        {
            time_t when = (time_t)1735689600 + (time_t)i * 631;
            struct tm tm;
            gmtime_r(&when, &tm);
            strftime(rec->timestamp, sizeof(rec->timestamp), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
        }
        rec->runs[0].synthetic = i % 3 == 0 ? 0 : 1;
        snprintf(rec->runs[0].model, sizeof(rec->runs[0].model), "model-%ld", i % 20);
        snprintf(rec->runs[0].backend, sizeof(rec->runs[0].backend), "%s", backends[(i / 20) % 4]);
        rec->runs[0].decode_tps = 5 + (double)(rand_r(&seed) % 100000) / 100.0;
        rec->runs[0].prompt_tps = 50 + (double)(rand_r(&seed) % 100000) / 10.0;
        rec->runs[0].ttft_ms = 5 + (double)(rand_r(&seed) % 10000) / 10.0;
        rec->n_runs = 1;
        /* a synthetic row: raw_json is the seed file as it is (its own id inside), the columns vary */
        st = cllm_store_submit(s, rec, text, strlen(text), "seed", &added, err, sizeof(err));
        if (st != CLLM_OK) {
            fprintf(stderr, "hub_load seed: row %ld: %s\n", i, err);
            return 1;
        }
    }
    printf("seed: %ld rows in %.1f s\n", n, cllm_now_s() - t0);
    cllm_store_close(s);
    free(rec);
    return 0;
}

/* Where one submission's time goes, in this process (no HTTP): the checked parse of the file (report/result.h),
 * the record built from the tree (store/record.h), and the store's transaction (its statements, round trips and
 * the commit's wait for the disk), each averaged over n distinct submissions. */
static int mode_profile(const char *db, const char *text, long n)
{
    struct cllm_store_params p = cllm_store_default_params();
    struct cllm_store_record *rec = malloc(sizeof(*rec));
    char err[CLLM_ERR_LEN], id[64];
    double t_parse = 0, t_record = 0, t_store = 0;
    enum cllm_status st;
    struct cllm_store *s;
    cJSON *base = cJSON_Parse(text);
    unsigned pid = (unsigned)getpid();

    p.url = db;
    p.pool_size = 1;
    s = cllm_store_open(&p, &st, err, sizeof(err));
    if (!s || !base) {
        fprintf(stderr, "hub_load profile: %s\n", s ? "FILE is not JSON" : err);
        return 1;
    }
    for (long i = 0; i < n; i++) {
        cJSON *tree = NULL;
        char *body;
        bool added = false;
        double t0, t1, t2, t3;
        snprintf(id, sizeof(id), "prof%ld_%u", i, pid);
        cJSON_ReplaceItemInObject(base, "id", cJSON_CreateString(id));
        body = cJSON_PrintUnformatted(base);
        t0 = cllm_now_s();
        st = cllm_result_parse(body, "profile", &tree, err, sizeof(err));
        t1 = cllm_now_s();
        if (st == CLLM_OK)
            st = cllm_store_record_from_result(tree, rec, err, sizeof(err));
        t2 = cllm_now_s();
        if (st == CLLM_OK)
            st = cllm_store_submit(s, rec, body, strlen(body), "profile", &added, err, sizeof(err));
        t3 = cllm_now_s();
        cJSON_Delete(tree);
        free(body);
        if (st != CLLM_OK || !added) {
            fprintf(stderr, "hub_load profile: submission %ld: %s\n", i, st != CLLM_OK ? err : "not added");
            return 1;
        }
        t_parse += t1 - t0;
        t_record += t2 - t1;
        t_store += t3 - t2;
    }
    printf("profile: %ld submissions of %zu bytes, one at a time: parse + checks %.1f us, record %.1f us, "
           "store transaction %.1f us (mean per submission)\n", n, strlen(text), t_parse / (double)n * 1e6,
           t_record / (double)n * 1e6, t_store / (double)n * 1e6);
    cJSON_Delete(base);
    cllm_store_close(s);
    free(rec);
    return 0;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int mode_query(const char *url, const char *token, const char *query, long n)
{
    CURL *h = curl_easy_init();
    char u[2048], tok[400];
    struct curl_slist *hdr = NULL;
    double *ms = calloc((size_t)n, sizeof(double));
    long bad = 0;

    snprintf(u, sizeof(u), "%s/api/leaderboard?%s", url, query);
    snprintf(tok, sizeof(tok), "X-ComputeLLM-Token: %s", token);
    hdr = curl_slist_append(hdr, tok);
    curl_easy_setopt(h, CURLOPT_URL, u);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    for (long i = 0; i < n; i++) {
        long code = 0;
        double t0 = cllm_now_s();
        curl_easy_perform(h);
        ms[i] = (cllm_now_s() - t0) * 1000.0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
        bad += code != 200;
    }
    qsort(ms, (size_t)n, sizeof(double), cmp_d);
    printf("query '%s': %ld requests (%ld not 200), p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", query, n, bad,
           ms[n / 2], ms[(size_t)ceil(0.99 * (double)n) - 1], ms[n - 1]);
    free(ms);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    char err[CLLM_ERR_LEN], *text = NULL;
    size_t len = 0;
    if (argc == 7 && strcmp(argv[1], "submit") == 0) {
        long n = atol(argv[5]), c = atol(argv[6]);
        if (n < 1 || n > 1000000 || c < 1 || c > 1000 ||
            cllm_file_read(argv[4], 64u << 20, &text, &len, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "hub_load submit: N 1..1e6, C 1..1000, a readable FILE\n");
            return 2;
        }
        curl_global_init(CURL_GLOBAL_DEFAULT);
        return mode_submit(argv[2], argv[3], text, n, c);
    }
    if (argc == 5 && strcmp(argv[1], "seed") == 0) {
        long n = atol(argv[4]);
        if (n < 1 || n > 10000000 || cllm_file_read(argv[3], 64u << 20, &text, &len, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "hub_load seed: N 1..1e7, a readable FILE\n");
            return 2;
        }
        return mode_seed(argv[2], text, n);
    }
    if (argc == 5 && strcmp(argv[1], "profile") == 0) {
        long n = atol(argv[4]);
        if (n < 1 || n > 1000000 || cllm_file_read(argv[3], 64u << 20, &text, &len, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "hub_load profile: N 1..1e6, a readable FILE\n");
            return 2;
        }
        return mode_profile(argv[2], text, n);
    }
    if (argc == 6 && strcmp(argv[1], "query") == 0) {
        long n = atol(argv[5]);
        if (n < 1 || n > 1000000)
            return 2;
        curl_global_init(CURL_GLOBAL_DEFAULT);
        return mode_query(argv[2], argv[3], argv[4], n);
    }
    fprintf(stderr, "usage: hub_load submit URL TOKEN FILE N C | seed DBURL FILE N | profile DBURL FILE N | query URL "
            "TOKEN QUERY N\n");
    return 2;
}
