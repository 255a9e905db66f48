#include "app/submit.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef CLLM_WITH_CURL
#include <curl/curl.h>
#endif

#include "core/file.h"
#include "core/log.h"
#include "platform/fs.h"
#include "report/result.h"

#define MAX_FILE_BYTES (256u << 20)
#define MAX_REPLY_BYTES (64u << 10)
#define MAX_QUEUE 10000

struct cllm_submit_params cllm_submit_default_params(void)
{
    struct cllm_submit_params p = {
        .url = NULL, .token = NULL, .queue_dir = "results/" CLLM_SUBMIT_QUEUE_DIR, .retries = 5, .backoff_s = 0.5,
        .max_backoff_s = 8.0, .timeout_s = 30.0, .cancel = NULL,
    };
    return p;
}

#ifdef CLLM_WITH_CURL
struct reply {
    char  *text;
    size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct reply *r = user;
    size_t n = size * nmemb;
    if (r->len + n > MAX_REPLY_BYTES)
        return 0;   /* a hub does not answer megabytes: stop */
    char *t = realloc(r->text, r->len + n + 1);
    if (!t)
        return 0;
    memcpy(t + r->len, ptr, n);
    r->len += n;
    t[r->len] = '\0';
    r->text = t;
    return n;
}

/* The hub's {"error": ...} text, else the body's start. */
static void reply_reason(const struct reply *r, char *out, size_t n)
{
    cJSON *o = r->text ? cJSON_Parse(r->text) : NULL;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
    snprintf(out, n, "%s", cJSON_IsString(e) ? e->valuestring : r->text ? r->text : "(no body)");
    cJSON_Delete(o);
}

/* One POST. Returns the HTTP status, or 0 with the transport error in err. */
static long post_once(const struct cllm_submit_params *p, const char *url, const char *token, const char *body,
                      size_t len, struct reply *rep, char *err, size_t errlen)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char tokhdr[400];
    long code = 0;
    CURLcode rc;

    if (!h) {
        snprintf(err, errlen, "libcurl: cannot start a request");
        return 0;
    }
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    if (token) {
        snprintf(tokhdr, sizeof(tokhdr), "X-ComputeLLM-Token: %s", token);
        hdr = curl_slist_append(hdr, tokhdr);
    }
    hdr = curl_slist_append(hdr, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(p->timeout_s * 1000));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(p->timeout_s * 1000 < 10000 ? p->timeout_s * 1000 : 10000));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, rep);
    rc = curl_easy_perform(h);
    if (rc == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    else
        snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return code;
}

static bool retryable(long code) { return code == 0 || code == 408 || code == 429 || code >= 500; }

static void pause_s(double s, const volatile int *cancel)
{
    while (s > 0 && !(cancel && *cancel)) {
        double step = s > 0.1 ? 0.1 : s;
        struct timespec ts = {(time_t)step, (long)((step - floor(step)) * 1e9)};
        nanosleep(&ts, NULL);
        s -= step;
    }
}
#endif

/* The submit address: URL without a trailing '/', then /api/submit (unless given). */
static bool submit_url(const char *url, char *out, size_t n, char *err, size_t errlen)
{
    size_t k;
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        snprintf(err, errlen, "hub URL '%s': expected http://HOST:PORT or https://HOST:PORT", url ? url : "");
        return false;
    }
    k = strlen(url);
    while (k > 0 && url[k - 1] == '/')
        k--;
    if (k >= 11 && strncmp(url + k - 11, "/api/submit", 11) == 0)
        return (size_t)snprintf(out, n, "%.*s", (int)k, url) < n;
    return (size_t)snprintf(out, n, "%.*s/api/submit", (int)k, url) < n;
}

/* Sends text; *outcome ADDED / DUPLICATE / REJECTED, or CLLM_ERR_UNAVAILABLE after the retries. */
static enum cllm_status send_text(const struct cllm_submit_params *p, const char *text, size_t len,
                                  enum cllm_submit_outcome *outcome, int *http, char *err, size_t errlen)
{
#ifdef CLLM_WITH_CURL
    char url[2048];
    const char *token = p->token ? p->token : getenv(CLLM_SUBMIT_TOKEN_ENV);
    double wait = p->backoff_s > 0 ? p->backoff_s : 0.5;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

    *http = 0;
    if (!submit_url(p->url, url, sizeof(url), err, errlen))
        return CLLM_ERR_INVALID_ARG;
    for (int attempt = 0; attempt <= p->retries; attempt++) {
        struct reply rep = {0};
        long code = post_once(p, url, token && token[0] ? token : NULL, text, len, &rep, err, errlen);
        *http = (int)code;
        if (code == 200 || code == 201) {
            *outcome = code == 201 ? CLLM_SUBMIT_ADDED : CLLM_SUBMIT_DUPLICATE;
            free(rep.text);
            return CLLM_OK;
        }
        if (code)
            reply_reason(&rep, err, errlen);
        free(rep.text);
        if (!retryable(code)) {
            *outcome = CLLM_SUBMIT_REJECTED;
            return CLLM_OK;
        }
        if (attempt == p->retries || (p->cancel && *p->cancel))
            break;
        {
            double jitter = 0.75 + 0.5 * (double)(rand_r(&seed) % 1000) / 1000.0;
            double w = (wait < p->max_backoff_s ? wait : p->max_backoff_s) * jitter;
            CLLM_LOG(CLLM_LOG_INFO, "submit: %s (HTTP %ld); retry %d of %d in %.2f s", err, code, attempt + 1,
                     p->retries, w);
            pause_s(w, p->cancel);
            wait *= 2;
        }
    }
    return CLLM_ERR_UNAVAILABLE;
#else
    (void)p; (void)text; (void)len; (void)outcome;
    *http = 0;
    snprintf(err, errlen, "this build has no HTTP client (built without libcurl): run scripts/setup and rebuild");
    return CLLM_ERR_UNSUPPORTED;
#endif
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

enum cllm_status cllm_submit_file(const struct cllm_submit_params *p, const char *path,
                                  enum cllm_submit_outcome *outcome, int *http, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    cJSON *root = NULL;
    enum cllm_status st;

    *http = 0;
    st = cllm_file_read(path, MAX_FILE_BYTES, &text, &len, err, errlen);
    if (st != CLLM_OK)
        return st;
    if (strlen(text) != len) {
        snprintf(err, errlen, "%s: a NUL byte: not a results file", path);
        free(text);
        return CLLM_ERR_PARSE;
    }
    st = cllm_result_parse(text, path, &root, err, errlen);
    cJSON_Delete(root);
    if (st != CLLM_OK) {
        free(text);
        return st;
    }
    st = send_text(p, text, len, outcome, http, err, errlen);
    if (st == CLLM_ERR_UNAVAILABLE) {
        char dest[4096], why[CLLM_ERR_LEN], werr[CLLM_ERR_LEN], got[4096];
        struct cllm_fs_write_params wp = cllm_fs_write_default_params();
        snprintf(why, sizeof(why), "%s", err);
        snprintf(dest, sizeof(dest), "%s/%s", p->queue_dir, base_name(path));
        if (cllm_fs_mkdir_p(p->queue_dir, werr, sizeof(werr)) != CLLM_OK ||
            cllm_fs_write_new(dest, text, len, &wp, got, sizeof(got), werr, sizeof(werr)) != CLLM_OK) {
            snprintf(err, errlen, "not delivered (%s) and not queued: %s", why, werr);
            free(text);
            return CLLM_ERR_IO;
        }
        snprintf(err, errlen, "not delivered (%s): queued as %s", why, got);
        *outcome = CLLM_SUBMIT_QUEUED;
        st = CLLM_OK;
    }
    free(text);
    return st;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

enum cllm_status cllm_submit_flush_queue(const struct cllm_submit_params *p, int *sent, int *left, char *err,
                                         size_t errlen)
{
    DIR *d = opendir(p->queue_dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    enum cllm_status st = CLLM_OK;

    *sent = *left = 0;
    if (!d)
        return CLLM_OK;   /* no queue: nothing waits */
    while ((e = readdir(d)) && n < MAX_QUEUE) {
        size_t k = strlen(e->d_name);
        if (e->d_name[0] == '.' || k < 6 || strcmp(e->d_name + k - 5, ".json") != 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap ? cap * 2 : 16) * sizeof(char *));
            if (!nn)
                break;
            names = nn;
            cap = cap ? cap * 2 : 16;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(char *), by_name);
    for (size_t i = 0; i < n; i++) {
        char path[4096], *text = NULL;
        size_t len = 0;
        enum cllm_submit_outcome out = CLLM_SUBMIT_REJECTED;
        int http = 0;
        snprintf(path, sizeof(path), "%s/%s", p->queue_dir, names[i]);
        if (st != CLLM_OK) {
            (*left)++;
            continue;
        }
        if (cllm_file_read(path, MAX_FILE_BYTES, &text, &len, err, errlen) != CLLM_OK) {
            (*left)++;
            continue;
        }
        st = send_text(p, text, len, &out, &http, err, errlen);
        free(text);
        if (st == CLLM_OK && (out == CLLM_SUBMIT_ADDED || out == CLLM_SUBMIT_DUPLICATE)) {
            unlink(path);
            (*sent)++;
            CLLM_LOG(CLLM_LOG_INFO, "submit: queued %s delivered (%s)", names[i],
                     out == CLLM_SUBMIT_ADDED ? "added" : "duplicate");
        } else {
            (*left)++;
            if (st == CLLM_OK) {
                CLLM_LOG(CLLM_LOG_WARN, "submit: the hub refused queued %s (HTTP %d: %s); it stays in %s", names[i],
                         http, err, p->queue_dir);
                if (http == 401 || http == 403)
                    st = CLLM_ERR_INVALID_ARG;   /* the same token would be refused for every file */
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}
