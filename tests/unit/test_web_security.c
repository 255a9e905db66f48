/* The GUI server as an attacker meets it (issue 10, section 1), through real servers on 127.0.0.1 (free ports)
 * with libcurl and raw sockets: requests without the launch token get 401 on loopback too; a foreign or missing
 * Host gets 403 on the API and on static files (DNS rebinding), --allow-host names pass; a cross-origin POST
 * (text/plain or JSON), Origin null and Sec-Fetch-Site cross-site get 403 and start nothing; bodies without
 * Content-Type: application/json get 415; llama_server is only "llama-server" or a path allowed at start (a path
 * or name in the body gets 400 saying how to allow it), a quant that is no name gets 400; trailing content, NUL
 * bytes, \u0000 and invalid UTF-8 in bodies get 400 with the byte offset; answers stay valid UTF-8 whatever is in
 * the results folder; 1000 slow connections from one address do not keep a request with the token (from another
 * loopback address) from being answered within 1 s, their excess is closed and the server recovers; near the
 * connection limit requests without the token get 503 and those with it are served; event streams do not hold
 * pool threads, and stopping the server with streams open ends promptly. The results hub's server (computellm hub)
 * passes the same gate on every route its section of docs/api.md documents. */
#include "test.h"

#if defined(CLLM_WITH_WEB) && defined(CLLM_WITH_CURL)

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "platform/fs.h"
#include "core/json.h"
#include "report/result.h"
#include "store/store.h"
#include "web/server.h"

static char tmpdir[256];
static char allowed_exe[512];   /* the --llama-server path the main server allows */
static struct cllm_web_server *srv;

#include "web_reply.h"

/* One request's options: headers ("Name: value", NULL-terminated), a raw body (NULL: none), the token header
 * or not, a source address to bind (NULL: the default). */
struct req {
    const char *method, *path;
    const char *body;
    size_t      len;
    const char *headers[8];
    bool        token;
    const char *from;
};



/* The caller frees r->body. No header is added that the request does not list (curl adds Host, and
 * Content-Type only if a listed "Content-Type:" line says nothing: it is removed). */
static void http(struct cllm_web_server *s, const struct req *q, struct reply *r)
{
    char url[512], tok[160], iface[64];
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    double t0 = cllm_now_s();
    memset(r, 0, sizeof(*r));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", cllm_web_port(s), q->path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (q->from) {
        snprintf(iface, sizeof(iface), "host!%s", q->from);
        curl_easy_setopt(c, CURLOPT_INTERFACE, iface);
    }
    if (q->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->len);
        h = curl_slist_append(h, "Content-Type:");   /* curl's default form type off: only what the test says */
    }
    for (size_t i = 0; i < sizeof(q->headers) / sizeof(q->headers[0]) && q->headers[i]; i++)
        h = curl_slist_append(h, q->headers[i]);
    if (q->token && cllm_web_token(s)) {
        snprintf(tok, sizeof(tok), "X-ComputeLLM-Token: %s", cllm_web_token(s));
        h = curl_slist_append(h, tok);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    r->rc = curl_easy_perform(c);
    if (r->rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    r->elapsed_s = cllm_now_s() - t0;
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (!r->body)
        r->body = strdup("");
}

/* The usual request: the token and, with a body, Content-Type: application/json. */
static long call(const char *method, const char *path, const char *body, struct reply *r)
{
    struct req q = {.method = method, .path = path, .body = body, .len = body ? strlen(body) : 0, .token = true};
    if (body)
        q.headers[0] = "Content-Type: application/json";
    http(srv, &q, r);
    return r->status;
}

static bool has(const struct reply *r, const char *needle) { return r->body && strstr(r->body, needle) != NULL; }

/* The number of runs the server knows (GET /api/runs). */
static int run_count(void)
{
    struct reply r;
    cJSON *o;
    int n = -1;
    call("GET", "/api/runs", NULL, &r);
    o = cJSON_Parse(r.body);
    if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "runs")))
        n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "runs"));
    cJSON_Delete(o);
    free(r.body);
    return n;
}

/* Polls until no run is going (at most 60 s). */
static void wait_idle(void)
{
    for (int i = 0; i < 600; i++) {
        struct reply r;
        bool idle;
        call("GET", "/api/runs", NULL, &r);
        idle = strstr(r.body, "\"running_id\":null") != NULL;
        free(r.body);
        if (idle)
            return;
        usleep(100 * 1000);
    }
}

static void test_token_on_loopback(void)
{
    struct req q = {.method = "GET", .path = "/api/results"};
    const char *paths[] = {"/api/results", "/api/hardware", "/api/runs", "/api/config", "/api/results/x.json"};
    struct reply r;
    char cookie[160];

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        q.path = paths[i];
        http(srv, &q, &r);
        CHECK_INT(r.status, 401);
        CHECK(has(&r, "token"));
        CHECK(strstr(r.headers, "application/json") != NULL);
        free(r.body);
    }
    q.path = "/api/results";
    q.headers[0] = "X-ComputeLLM-Token: 00000000000000000000000000000000";
    http(srv, &q, &r);
    CHECK_INT(r.status, 401);
    free(r.body);
    /* a cancel or a delete without it does nothing */
    q.method = "DELETE";
    q.path = "/api/results/victim.json";
    q.headers[0] = NULL;
    http(srv, &q, &r);
    CHECK_INT(r.status, 401);
    free(r.body);
    q.method = "POST";
    q.path = "/api/runs";
    q.body = "{\"skip_classic\": true, \"skip_ai\": true}";
    q.len = strlen(q.body);
    q.headers[0] = "Content-Type: application/json";
    http(srv, &q, &r);
    CHECK_INT(r.status, 401);
    free(r.body);
    CHECK_INT(run_count(), 0);

    q = (struct req){.method = "GET", .path = "/api/results", .token = true};
    http(srv, &q, &r);
    CHECK_INT(r.status, 200);
    free(r.body);
    snprintf(cookie, sizeof(cookie), "Cookie: %s=%s", cllm_web_cookie_name(srv), cllm_web_token(srv));
    q = (struct req){.method = "GET", .path = "/api/results", .headers = {cookie}};
    http(srv, &q, &r);
    CHECK_INT(r.status, 200);
    free(r.body);
}

/* Every route of the API (docs/api.md) passes the same gate: no token → 401; the token with a foreign Host or
 * Origin → 403; a body route with the token but not JSON → 415. Nothing reaches a handler: no run starts, no file
 * goes. */
static void test_every_endpoint(void)
{
    static const struct { const char *method, *path; bool body; } routes[] = {
        {"GET", "/api/hardware", false}, {"GET", "/api/config", false}, {"GET", "/api/runs", false},
        {"POST", "/api/runs", true}, {"GET", "/api/runs/20260101_000000", false},
        {"POST", "/api/runs/20260101_000000/cancel", false}, {"GET", "/api/runs/20260101_000000/events", false},
        {"GET", "/api/results", false}, {"POST", "/api/results", true}, {"GET", "/api/results/keep_me.json", false},
        {"DELETE", "/api/results/keep_me.json", false}, {"GET", "/api/results/keep_me.json/csv", false},
        {"GET", "/api/results/keep_me.json/view", false}, {"POST", "/api/compare", true},
    };
    char *doc = test_slurp(test_data("../../docs/api.md"), NULL), *line, *save = NULL;
    int n_doc = 0;
    char host[96], keep[512];
    struct reply r;
    struct stat sb;

    snprintf(host, sizeof(host), "Host: rebind.evil.example:%d", cllm_web_port(srv));
    snprintf(keep, sizeof(keep), "%s/keep_me.json", tmpdir);
    CHECK(cllm_fs_write_atomic(keep, "{}", 2, NULL, host, sizeof(host)) == CLLM_OK);
    snprintf(host, sizeof(host), "Host: rebind.evil.example:%d", cllm_web_port(srv));
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const char *json = routes[i].body ? "{}" : NULL;
        struct req q = {.method = routes[i].method, .path = routes[i].path, .body = json, .len = json ? 2 : 0,
                        .headers = {json ? "Content-Type: application/json" : NULL}};
        http(srv, &q, &r);
        if (r.status != 401)
            fprintf(stderr, "  %s %s without the token: %ld\n", routes[i].method, routes[i].path, r.status);
        CHECK_INT(r.status, 401);
        free(r.body);
        q.token = true;
        q.headers[json ? 1 : 0] = "Origin: http://evil.example";
        http(srv, &q, &r);
        if (r.status != 403)
            fprintf(stderr, "  %s %s from another origin: %ld\n", routes[i].method, routes[i].path, r.status);
        CHECK_INT(r.status, 403);
        free(r.body);
        q.headers[json ? 1 : 0] = host;
        http(srv, &q, &r);
        CHECK_INT(r.status, 403);
        free(r.body);
        if (json) {
            q.headers[0] = "Content-Type: text/plain";
            q.headers[1] = NULL;
            http(srv, &q, &r);
            if (r.status != 415)
                fprintf(stderr, "  %s %s as text/plain: %ld\n", routes[i].method, routes[i].path, r.status);
            CHECK_INT(r.status, 415);
            free(r.body);
        }
    }
    CHECK_INT(run_count(), 0);
    CHECK(stat(keep, &sb) == 0);
    unlink(keep);

    /* the list above is every route docs/api.md documents ("### `METHOD /api/...`"): a new one must join it */
    CHECK(doc != NULL);
    for (line = doc ? strtok_r(doc, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        char method[16], tmpl[256], want[300];
        const char *at;
        bool found = false;
        /* the results hub's routes (computellm hub) follow: another server's, tested in test_store and test_hub.sh */
        if (strncmp(line, "## Results hub", 14) == 0)
            break;
        if (sscanf(line, "### `%15s %255[^`]`", method, tmpl) != 2 || strncmp(tmpl, "/api/", 5) != 0)
            continue;
        n_doc++;
        if ((at = strstr(tmpl, "{id}")) != NULL)
            snprintf(want, sizeof(want), "%.*s20260101_000000%s", (int)(at - tmpl), tmpl, at + 4);
        else if ((at = strstr(tmpl, "{name}")) != NULL)
            snprintf(want, sizeof(want), "%.*skeep_me.json%s", (int)(at - tmpl), tmpl, at + 6);
        else
            snprintf(want, sizeof(want), "%s", tmpl);
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
            found |= strcmp(routes[i].method, method) == 0 && strcmp(routes[i].path, want) == 0;
        if (!found)
            fprintf(stderr, "  docs/api.md documents %s %s: not in test_every_endpoint's list\n", method, tmpl);
        CHECK(found);
    }
    CHECK_INT(n_doc, (int)(sizeof(routes) / sizeof(routes[0])));
    free(doc);
}

#ifdef CLLM_WITH_SQLITE
/* The results hub (computellm hub) behind the same gate: every route of docs/api.md's "Results hub" section, on a
 * hub server over a fresh SQLite store — no token → 401; the token with a foreign Origin or Host → 403; POST with
 * the token but not JSON → 415; a body over the size limit → 413; with the token and the right headers each route
 * gets past the gate (the control: a status that is none of those). Nothing is stored. A route documented there
 * and missing from the list fails the test. */
static void test_hub_every_endpoint(void)
{
#define HUB_FP "0123456789abcdef"
    static const struct { const char *method, *path; bool body; } routes[] = {
        {"POST", "/api/submit", true},        {"GET", "/api/leaderboard", false},
        {"GET", "/api/leaderboard.csv", false}, {"GET", "/api/machines/" HUB_FP, false},
        {"GET", "/api/compare?results=r1/" HUB_FP ",r2/" HUB_FP, false},
        {"GET", "/api/results/r1/" HUB_FP, false}, {"GET", "/api/health", false},
    };
    struct cllm_web_params wp = cllm_web_default_params();
    struct cllm_store_params sp = cllm_store_default_params();
    struct cllm_web_server *hub;
    struct cllm_store *store;
    char url[400], err[CLLM_ERR_LEN], host[96], origin[96];
    char *doc = test_slurp(test_data("../../docs/api.md"), NULL), *line, *save = NULL, *big;
    const size_t limit = 64 * 1024;
    bool in_hub = false;
    int n_doc = 0;
    long long count = -1;
    struct reply r;

    snprintf(url, sizeof(url), "sqlite:%s/hub_sec.db", tmpdir);
    sp.url = url;
    store = cllm_store_open(&sp, NULL, err, sizeof(err));
    CHECK(store != NULL);
    if (!store) {
        fprintf(stderr, "  store: %s\n", err);
        free(doc);
        return;
    }
    wp.port = 0;
    wp.token = "hub-security-token-0123456789";
    wp.hub_store = store;
    wp.api.max_upload_bytes = limit;
    hub = cllm_web_start(&wp, err, sizeof(err));
    CHECK(hub != NULL);
    if (!hub) {
        fprintf(stderr, "  hub: %s\n", err);
        cllm_store_close(store);
        free(doc);
        return;
    }
    big = malloc(limit + 2);
    memset(big, ' ', limit + 1);
    big[0] = '{';
    big[limit] = '}';
    big[limit + 1] = '\0';
    snprintf(host, sizeof(host), "Host: rebind.evil.example:%d", cllm_web_port(hub));
    snprintf(origin, sizeof(origin), "Origin: http://evil.example");
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const char *json = routes[i].body ? "{}" : NULL, *m = routes[i].method, *p = routes[i].path;
        struct req q = {.method = m, .path = p, .body = json, .len = json ? 2 : 0,
                        .headers = {json ? "Content-Type: application/json" : NULL}};
        const int at = json ? 1 : 0;
        http(hub, &q, &r);
        if (r.status != 401)
            fprintf(stderr, "  hub %s %s without the token: %ld\n", m, p, r.status);
        CHECK_INT(r.status, 401);
        free(r.body);
        q.token = true;
        http(hub, &q, &r);   /* the control: the gate lets it through */
        if (r.status == 401 || r.status == 403 || r.status == 413 || r.status == 415 || r.status == 0)
            fprintf(stderr, "  hub %s %s with the token: %ld\n", m, p, r.status);
        CHECK(r.status != 401 && r.status != 403 && r.status != 413 && r.status != 415 && r.status != 0);
        free(r.body);
        q.headers[at] = origin;
        http(hub, &q, &r);
        if (r.status != 403)
            fprintf(stderr, "  hub %s %s from another origin: %ld\n", m, p, r.status);
        CHECK_INT(r.status, 403);
        free(r.body);
        q.headers[at] = host;
        http(hub, &q, &r);
        if (r.status != 403)
            fprintf(stderr, "  hub %s %s with a foreign Host: %ld\n", m, p, r.status);
        CHECK_INT(r.status, 403);
        free(r.body);
        q.headers[at] = NULL;
        if (json) {
            q.headers[0] = "Content-Type: text/plain";
            http(hub, &q, &r);
            if (r.status != 415)
                fprintf(stderr, "  hub %s %s as text/plain: %ld\n", m, p, r.status);
            CHECK_INT(r.status, 415);
            free(r.body);
        }
        /* one byte over the limit, JSON-typed: refused before it is read */
        q.headers[0] = "Content-Type: application/json";
        q.body = big;
        q.len = limit + 1;
        http(hub, &q, &r);
        if (r.status != 413)
            fprintf(stderr, "  hub %s %s with %zu bytes: %ld\n", m, p, limit + 1, r.status);
        CHECK_INT(r.status, 413);
        free(r.body);
    }
    CHECK_INT(cllm_store_count(store, &count, err, sizeof(err)), CLLM_OK);
    CHECK_INT(count, 0);

    /* the list above is every route of docs/api.md's hub section: a new one must join it */
    CHECK(doc != NULL);
    for (line = doc ? strtok_r(doc, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
        char method[16], tmpl[256], want[300];
        const char *at;
        bool found = false;
        if (strncmp(line, "## ", 3) == 0) {
            in_hub = strncmp(line, "## Results hub", 14) == 0;
            continue;
        }
        if (!in_hub || sscanf(line, "### `%15s %255[^`]`", method, tmpl) != 2 || strncmp(tmpl, "/api/", 5) != 0)
            continue;
        n_doc++;
        snprintf(want, sizeof(want), "%s", tmpl);
        if ((at = strstr(tmpl, "{result id}/{fingerprint}")) != NULL)
            snprintf(want, sizeof(want), "%.*sr1/" HUB_FP "%s", (int)(at - tmpl), tmpl, at + 25);
        else if ((at = strstr(tmpl, "{fingerprint}")) != NULL)
            snprintf(want, sizeof(want), "%.*s" HUB_FP "%s", (int)(at - tmpl), tmpl, at + 13);
        for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
            size_t plen = strcspn(routes[i].path, "?");
            found |= strcmp(routes[i].method, method) == 0 && strlen(want) == plen &&
                     strncmp(routes[i].path, want, plen) == 0;
        }
        if (!found)
            fprintf(stderr, "  docs/api.md's hub section documents %s %s: not in test_hub_every_endpoint's list\n",
                    method, tmpl);
        CHECK(found);
    }
    CHECK_INT(n_doc, (int)(sizeof(routes) / sizeof(routes[0])));
    free(big);
    free(doc);
    cllm_web_stop(hub);
    cllm_store_close(store);
#undef HUB_FP
}
#endif

static void test_host(void)
{
    static const char *const bad[] = {
        "Host: rebind.evil.example:%d", "Host: rebind.evil.example", "Host: 127.0.0.1:1", "Host: localhost.:%d",
        "Host: 127.0.0.1.evil.example:%d", "Host: [::2]:%d", "Host: 192.168.1.10:%d", "Host: localhost:%d0",
        "Host: localhost:%d:%d",
    };
    static const char *const good[] = {"Host: 127.0.0.1:%d", "Host: localhost:%d", "Host: LocalHost:%d",
                                       "Host: [::1]:%d", "Host: [0:0:0:0:0:0:0:1]:%d"};
    static const char *const paths[] = {"/api/hardware", "/api/results", "/", "/js/api.js", "/app.css"};
    int port = cllm_web_port(srv);
    struct reply r;
    char hdr[128];

    for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            struct req q = {.method = "GET", .path = paths[p], .headers = {hdr}, .token = true};
            snprintf(hdr, sizeof(hdr), bad[i], port, port);
            http(srv, &q, &r);
            if (r.status != 403)
                fprintf(stderr, "  %s %s -> %ld\n", paths[p], hdr, r.status);
            CHECK_INT(r.status, 403);
            CHECK(has(&r, "Host"));
            free(r.body);
        }
        for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
            struct req q = {.method = "GET", .path = paths[p], .headers = {hdr}, .token = true};
            if (strcmp(paths[p], "/api/hardware") == 0)
                continue;   /* detection is slow; /api/results stands for the API */
            snprintf(hdr, sizeof(hdr), good[i], port);
            http(srv, &q, &r);
            if (r.status != 200)
                fprintf(stderr, "  %s %s -> %ld\n", paths[p], hdr, r.status);
            CHECK_INT(r.status, 200);
            free(r.body);
        }
    }
    /* a DELETE through a rebound name is refused before anything is touched */
    {
        char path[512], text[] = "{}";
        struct req q = {.method = "DELETE", .path = "/api/results/keep_me.json", .headers = {hdr}, .token = true};
        snprintf(path, sizeof(path), "%s/keep_me.json", tmpdir);
        CHECK(cllm_fs_write_atomic(path, text, 2, NULL, hdr, sizeof(hdr)) == CLLM_OK);
        snprintf(hdr, sizeof(hdr), "Host: rebind.evil.example:%d", port);
        http(srv, &q, &r);
        CHECK_INT(r.status, 403);
        free(r.body);
        CHECK(access(path, F_OK) == 0);
        unlink(path);
    }
    /* no Host at all (HTTP/1.0 allows leaving it out; libmicrohttpd itself refuses that in HTTP/1.1) */
    {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        const char *raw = "GET /api/results HTTP/1.0\r\nX-ComputeLLM-Token: %s\r\n\r\n";
        char req[256], buf[2048] = "";
        size_t got = 0;
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
        snprintf(req, sizeof(req), raw, cllm_web_token(srv));
        CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
        CHECK(write(fd, req, strlen(req)) == (ssize_t)strlen(req));
        for (;;) {
            ssize_t k = read(fd, buf + got, sizeof(buf) - 1 - got);
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        buf[got] = '\0';
        close(fd);
        CHECK(strncmp(buf, "HTTP/1.0 403", 12) == 0 || strncmp(buf, "HTTP/1.1 403", 12) == 0);
    }
}

static void test_allow_host(void)
{
    static const char *const names[] = {"bench.lan", "Lab-PC"};
    struct cllm_web_params wp = cllm_web_default_params();
    struct cllm_web_server *s;
    struct reply r;
    char err[256], hdr[128];
    struct req q = {.method = "GET", .path = "/api/results", .headers = {hdr}, .token = true};

    wp.port = 0;
    wp.api.results_dir = tmpdir;
    wp.api.probe_llama = false;
    wp.allow_hosts = names;
    wp.n_allow_hosts = 2;
    s = cllm_web_start(&wp, err, sizeof(err));
    CHECK(s != NULL);
    if (!s)
        return;
    snprintf(hdr, sizeof(hdr), "Host: bench.lan:%d", cllm_web_port(s));
    http(s, &q, &r);
    CHECK_INT(r.status, 200);
    free(r.body);
    snprintf(hdr, sizeof(hdr), "Host: lab-pc:%d", cllm_web_port(s));
    http(s, &q, &r);
    CHECK_INT(r.status, 200);
    free(r.body);
    snprintf(hdr, sizeof(hdr), "Host: bench.lan.evil.example:%d", cllm_web_port(s));
    http(s, &q, &r);
    CHECK_INT(r.status, 403);
    free(r.body);
    cllm_web_stop(s);

    {
        const char *bad_name[] = {"evil.example:8501"};
        wp.allow_hosts = bad_name;
        wp.n_allow_hosts = 1;
        CHECK(cllm_web_start(&wp, err, sizeof(err)) == NULL);
        CHECK(strstr(err, "--allow-host") != NULL);
    }
}

static void test_cross_origin(void)
{
    static const char *const origins[] = {"Origin: http://evil.example", "Origin: null",
                                          "Origin: http://127.0.0.1:1", "Origin: https://127.0.0.1:%d",
                                          "Origin: http://rebind.evil.example:%d"};
    static const char *const types[] = {"Content-Type: text/plain", "Content-Type: application/json",
                                        "Content-Type: application/x-www-form-urlencoded"};
    const char *body = "{\"skip_classic\": true, \"skip_ai\": true}";
    int port = cllm_web_port(srv), runs_before = run_count();
    struct reply r;
    char origin[128], own[128];

    for (size_t o = 0; o < sizeof(origins) / sizeof(origins[0]); o++)
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
            for (int with_token = 0; with_token < 2; with_token++) {
                struct req q = {.method = "POST", .path = "/api/runs", .body = body, .len = strlen(body),
                                .headers = {origin, types[t]}, .token = with_token};
                snprintf(origin, sizeof(origin), origins[o], port);
                http(srv, &q, &r);
                if (r.status != 403)
                    fprintf(stderr, "  %s %s token=%d -> %ld %s\n", origin, types[t], with_token, r.status, r.body);
                CHECK_INT(r.status, 403);
                CHECK(has(&r, "Origin"));
                free(r.body);
            }
    /* the browser's own word for it, without an Origin */
    {
        struct req q = {.method = "POST", .path = "/api/runs", .body = body, .len = strlen(body),
                        .headers = {"Sec-Fetch-Site: cross-site", "Content-Type: application/json"}, .token = true};
        http(srv, &q, &r);
        CHECK_INT(r.status, 403);
        CHECK(has(&r, "cross-site"));
        free(r.body);
    }
    /* API reads too, cancel and delete */
    {
        struct req q = {.method = "GET", .path = "/api/hardware", .headers = {"Origin: http://evil.example"},
                        .token = true};
        http(srv, &q, &r);
        CHECK_INT(r.status, 403);
        free(r.body);
        q.method = "POST";
        q.path = "/api/runs/20260101_000000/cancel";
        http(srv, &q, &r);
        CHECK_INT(r.status, 403);
        free(r.body);
        q.method = "DELETE";
        q.path = "/api/results/x.json";
        http(srv, &q, &r);
        CHECK_INT(r.status, 403);
        free(r.body);
    }
    CHECK_INT(run_count(), runs_before);

    /* the server's own pages are allowed */
    {
        struct req q = {.method = "GET", .path = "/api/results", .headers = {own, "Sec-Fetch-Site: same-origin"},
                        .token = true};
        snprintf(own, sizeof(own), "Origin: http://localhost:%d", port);
        http(srv, &q, &r);
        CHECK_INT(r.status, 200);
        free(r.body);
    }
}

static void test_content_type(void)
{
    static const char *const bad[] = {NULL, "Content-Type: text/plain", "Content-Type: multipart/form-data",
                                      "Content-Type: application/x-www-form-urlencoded",
                                      "Content-Type: application/jsonx", "Content-Type: text/json"};
    static const char *const paths[] = {"/api/runs", "/api/results", "/api/compare"};
    const char *body = "{\"skip_classic\": true, \"skip_ai\": true}";
    int runs_before = run_count();
    struct reply r;

    for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++)
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            struct req q = {.method = "POST", .path = paths[p], .body = body, .len = strlen(body),
                            .headers = {bad[i]}, .token = true};
            http(srv, &q, &r);
            if (r.status != 415)
                fprintf(stderr, "  %s %s -> %ld %s\n", paths[p], bad[i] ? bad[i] : "(none)", r.status, r.body);
            CHECK_INT(r.status, 415);
            CHECK(has(&r, "application/json"));
            free(r.body);
        }
    CHECK_INT(run_count(), runs_before);
    /* a parameter is fine */
    {
        struct req q = {.method = "POST", .path = "/api/runs", .body = body, .len = strlen(body),
                        .headers = {"Content-Type: Application/JSON; charset=utf-8"}, .token = true};
        http(srv, &q, &r);
        CHECK_INT(r.status, 202);
        free(r.body);
        wait_idle();
    }
}

static void test_llama_server(void)
{
    static const char *const refused[] = {"../../../bin/sh", "/bin/sh", "sh", "./llama-server", "llama-server ",
                                          "/usr/bin/env", "LLAMA-SERVER"};
    char body[1024], real[512];
    struct reply r;
    int runs_before = run_count();

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        snprintf(body, sizeof(body), "{\"engine\": \"auto\", \"llama_server\": \"%s\", \"skip_classic\": true}",
                 refused[i]);
        call("POST", "/api/runs", body, &r);
        if (r.status != 400 || !has(&r, "computellm gui --llama-server PATH"))
            fprintf(stderr, "  %s -> %ld %s\n", refused[i], r.status, r.body);
        CHECK_INT(r.status, 400);
        CHECK(has(&r, "computellm gui --llama-server PATH"));
        free(r.body);
    }
    /* without "engine" the field alone means auto mode: the same rule */
    call("POST", "/api/runs", "{\"llama_server\": \"/bin/sh\"}", &r);
    CHECK_INT(r.status, 400);
    CHECK(has(&r, "not allowed"));
    free(r.body);
    CHECK_INT(run_count(), runs_before);

    /* the path the server was started with, as given and resolved, is taken (the run skips the LLM phase, so
     * nothing is executed) */
    CHECK(realpath(allowed_exe, real) != NULL);
    snprintf(body, sizeof(body), "{\"engine\": \"auto\", \"llama_server\": \"%s\", \"skip_classic\": true, "
             "\"skip_ai\": true}", allowed_exe);
    CHECK_INT(call("POST", "/api/runs", body, &r), 202);
    free(r.body);
    wait_idle();
    snprintf(body, sizeof(body), "{\"engine\": \"auto\", \"llama_server\": \"%s\", \"skip_classic\": true, "
             "\"skip_ai\": true}", real);
    CHECK_INT(call("POST", "/api/runs", body, &r), 202);
    free(r.body);
    wait_idle();
    /* the name is resolved like the CLI does: taken, or "not found" with where it looked, never "not allowed" */
    call("POST", "/api/runs", "{\"engine\": \"auto\", \"llama_server\": \"llama-server\", \"skip_classic\": true, "
                              "\"skip_ai\": true}", &r);
    CHECK(r.status == 202 || (r.status == 400 && !has(&r, "not allowed") && has(&r, "llama-server")));
    free(r.body);
    wait_idle();
    /* GET /api/config says what is allowed */
    call("GET", "/api/config", NULL, &r);
    CHECK(has(&r, "\"llama_servers\":[\"llama-server\","));
    CHECK(has(&r, allowed_exe));
    free(r.body);

    /* a --llama-server that is no executable stops the start */
    {
        struct cllm_web_params wp = cllm_web_default_params();
        const char *paths[] = {"/nonexistent/llama-server"};
        char err[512];
        wp.port = 0;
        wp.api.results_dir = tmpdir;
        wp.api.llama_servers = paths;
        wp.api.n_llama_servers = 1;
        CHECK(cllm_web_start(&wp, err, sizeof(err)) == NULL);
        CHECK(strstr(err, "--llama-server /nonexistent/llama-server") != NULL);
    }

    /* other fields that name files: quant and model keys are names, never paths */
    {
        static const char *const bodies[] = {
            "{\"quant\": \"../../etc/passwd\"}", "{\"quant\": \"Q4_K_M/../../x\"}", "{\"quant\": \"Q4 K\"}",
            "{\"models\": [\"../x\"]}", "{\"models\": [\"/etc/passwd\"]}", "{\"models_dir\": \"/\"}",
            "{\"llama_lib\": \"/tmp/evil.so\"}", "{\"output_dir\": \"/\"}",
            /* issue 13's options: --rpc is CLI only (a page must not make this machine connect out), GPU selection
             * takes indices of the detected list only, the split knobs their words only */
            "{\"rpc\": \"127.0.0.1:50052\"}", "{\"rpc_lib\": \"/tmp/evil.so\"}", "{\"gpus\": \"../../x\"}",
            "{\"gpus\": \"0,/etc/passwd\"}", "{\"gpus\": 1}", "{\"gpu\": \"0\"}",
            "{\"split_mode\": \"/bin/sh\"}", "{\"tensor_split\": \"lib.so\"}",
        };
        for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
            call("POST", "/api/runs", bodies[i], &r);
            if (r.status != 400)
                fprintf(stderr, "  %s -> %ld %s\n", bodies[i], r.status, r.body);
            CHECK_INT(r.status, 400);
            free(r.body);
        }
    }
    CHECK(cllm_web_valid_quant("Q4_K_M"));
    CHECK(cllm_web_valid_quant("IQ2_XXS"));
    CHECK(!cllm_web_valid_quant("Q4_K_M.gguf"));
    CHECK(!cllm_web_valid_quant(""));
}

/* A results file that passes the import's checks (and the suite's schema check of imports), with `extra` inside
 * its cpu model string. */
static size_t result_text(char *out, size_t n, const char *extra, size_t *extra_at)
{
    int k = snprintf(out, n, "{\"schema_version\":1,\"id\":\"20260301_000000\",\"timestamp\":\"t\",\"hardware\":{"
                     "\"os\":{\"system\":\"Linux\"},\"cpu\":{\"model\":\"CPU ");
    *extra_at = (size_t)k;
    k += snprintf(out + k, n - (size_t)k, "%s\"},\"ram\":{},\"gpu\":{\"devices\":[],\"count\":0,"
                  "\"primary_backend\":\"none\"}}}", extra);
    return (size_t)k;
}

static void test_strict_bodies(void)
{
    static const struct { const char *path, *body; size_t len; const char *needle; } cases[] = {
        {"/api/runs", "{\"skip_ai\": true} {\"skip_classic\": true}", 0, "trailing content after the JSON value at byte 18"},
        {"/api/runs", "{\"skip_ai\": true} garbage", 0, "trailing content"},
        {"/api/runs", "{\"skip_ai\": true}\0{}", 19, "a NUL byte at byte 17"},
        {"/api/runs", "{\"config\": {\"prompt\": \"a\\u0000b\"}}", 0, "\\\\u0000"},
        {"/api/compare", "{\"files\": [\"a.json\", \"b.json\"]}]", 0, "trailing content"},
        {"/api/compare", "{\"files\": [\"a\\u0000.json\", \"b.json\"]}", 0, "NUL"},
        {"/api/runs", "{\"prompt\": \"\xff\"}", 0, "invalid UTF-8 at byte 12"},
    };
    int runs_before = run_count();
    struct reply r;
    char text[1024], with[1100];
    size_t len, at;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct req q = {.method = "POST", .path = cases[i].path, .body = cases[i].body,
                        .len = cases[i].len ? cases[i].len : strlen(cases[i].body),
                        .headers = {"Content-Type: application/json"}, .token = true};
        http(srv, &q, &r);
        if (r.status != 400 || !has(&r, cases[i].needle))
            fprintf(stderr, "  case %zu -> %ld %s\n", i, r.status, r.body);
        CHECK_INT(r.status, 400);
        CHECK(has(&r, cases[i].needle));
        CHECK(cllm_utf8_valid(r.body, r.len, NULL));
        free(r.body);
    }
    CHECK_INT(run_count(), runs_before);

    /* imports: invalid UTF-8 with its offset, NUL (raw, after a complete file, and escaped), trailing content;
     * nothing is written */
    {
        char msg[64];
        struct req q = {.method = "POST", .path = "/api/results", .headers = {"Content-Type: application/json"},
                        .token = true};
        len = result_text(text, sizeof(text), "\xff\xfe", &at);
        q.body = text;
        q.len = len;
        http(srv, &q, &r);
        snprintf(msg, sizeof(msg), "invalid UTF-8 at byte %zu", at);
        if (r.status != 400 || !has(&r, msg))
            fprintf(stderr, "  non-UTF-8 import -> %ld %s (want %s)\n", r.status, r.body, msg);
        CHECK_INT(r.status, 400);
        CHECK(has(&r, msg));
        CHECK(cllm_utf8_valid(r.body, r.len, NULL));
        free(r.body);

        len = result_text(text, sizeof(text), "", &at);
        memcpy(with, text, len);
        with[len] = '\0';
        memcpy(with + len + 1, "{}", 2);
        q.body = with;
        q.len = len + 3;
        http(srv, &q, &r);
        snprintf(msg, sizeof(msg), "a NUL byte at byte %zu", len);
        CHECK_INT(r.status, 400);
        CHECK(has(&r, msg));
        free(r.body);

        memcpy(with, text, len);
        memcpy(with + len, " {}", 3);
        q.len = len + 3;
        http(srv, &q, &r);
        CHECK_INT(r.status, 400);
        CHECK(has(&r, "trailing content"));
        free(r.body);

        len = result_text(text, sizeof(text), "\\u0000", &at);
        q.body = text;
        q.len = len;
        http(srv, &q, &r);
        CHECK_INT(r.status, 400);
        CHECK(has(&r, "NUL"));
        free(r.body);

        /* the same file, clean, is taken */
        len = result_text(text, sizeof(text), "OK", &at);
        q.len = len;
        http(srv, &q, &r);
        CHECK_INT(r.status, 201);
        free(r.body);
    }
}

/* A file someone else put in the results folder with bytes that are not UTF-8: the list and the file itself
 * still answer valid UTF-8 (and the list valid JSON). */
static void test_utf8_answers(void)
{
    char path[512], text[1024], err[256];
    size_t at, len = result_text(text, sizeof(text), "\xff\xc3(", &at);
    struct reply r;
    cJSON *o, *it;
    bool listed = false;

    snprintf(path, sizeof(path), "%s/benchmark_bad_bytes.json", tmpdir);
    CHECK(cllm_fs_write_atomic(path, text, len, NULL, err, sizeof(err)) == CLLM_OK);
    CHECK_INT(call("GET", "/api/results", NULL, &r), 200);
    CHECK(cllm_utf8_valid(r.body, r.len, NULL));
    o = cllm_json_parse(r.body, r.len, "list", err, sizeof(err));
    CHECK(o != NULL);
    cJSON_ArrayForEach(it, o) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, "benchmark_bad_bytes.json") == 0) {
            listed = true;
            CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(it, "error")));
        }
    }
    CHECK(listed);
    cJSON_Delete(o);
    free(r.body);
    CHECK_INT(call("GET", "/api/results/benchmark_bad_bytes.json", NULL, &r), 200);
    CHECK(cllm_utf8_valid(r.body, r.len, NULL));
    CHECK(has(&r, "CPU \xef\xbf\xbd"));   /* U+FFFD where the bad byte was */
    free(r.body);
    unlink(path);
}

/* ---- connection exhaustion ---- */

/* Opens n TCP connections from address `from` to the server and sends an unfinished request head on each. */
static int open_slow(int port, const char *from, int *fds, int n)
{
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct sockaddr_in src = {.sin_family = AF_INET};
    const char *head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    int k = 0;
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    inet_pton(AF_INET, from, &src.sin_addr);
    for (; k < n; k++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            break;
        if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
            close(fd);
            break;
        }
        (void)!write(fd, head, strlen(head));
        fds[k] = fd;
    }
    return k;
}

/* How many of the fds the server has closed (EOF or reset), after waiting up to wait_s for it. */
static int count_closed(int *fds, int n, double wait_s)
{
    double end = cllm_now_s() + wait_s;
    int closed = 0;
    bool *done = calloc((size_t)n, sizeof(bool));
    while (done) {
        for (int i = 0; i < n; i++) {
            struct pollfd p = {.fd = fds[i], .events = POLLIN};
            char b[64];
            if (done[i] || poll(&p, 1, 0) <= 0)
                continue;
            if (recv(fds[i], b, sizeof(b), MSG_DONTWAIT) <= 0) {
                done[i] = true;
                closed++;
            }
        }
        if (cllm_now_s() >= end)
            break;
        usleep(50 * 1000);
    }
    free(done);
    return closed;
}

static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 4096) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 4096 ? 4096 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static void test_slow_connections(void)
{
    enum { N = 1000 };
    struct cllm_web_params defaults = cllm_web_default_params();
    int *fds = calloc(N, sizeof(int)), opened, closed;
    int per_ip = (int)defaults.max_connections_per_ip;
    struct reply r;
    struct req q = {.method = "GET", .path = "/api/results", .token = true, .from = "127.0.0.2"};

    raise_nofile();
    opened = open_slow(cllm_web_port(srv), "127.0.0.1", fds, N);
    CHECK_INT(opened, N);
    /* the user's request, from another loopback address, with the token */
    http(srv, &q, &r);
    if (r.rc == CURLE_INTERFACE_FAILED) {
        free(r.body);
        for (int i = 0; i < opened; i++)
            close(fds[i]);
        free(fds);
        SKIP("cannot bind 127.0.0.2 here");
    }
    fprintf(stderr, "  with %d slow connections open: %ld in %.3f s\n", opened, r.status, r.elapsed_s);
    CHECK_INT(r.status, 200);
    CHECK(r.elapsed_s < 1.0);
    free(r.body);
    /* the page too (static files), from the same other address */
    q.path = "/";
    http(srv, &q, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.elapsed_s < 1.0);
    free(r.body);

    /* the slow peer keeps at most its share; the rest were closed */
    closed = count_closed(fds, opened, 2.0);
    fprintf(stderr, "  the server closed %d of the %d slow connections (per-address limit %d)\n", closed, opened,
            per_ip);
    CHECK(opened - closed <= per_ip);
    CHECK(closed >= opened - per_ip);

    /* and recovers once they go: the same address is served again */
    for (int i = 0; i < opened; i++)
        close(fds[i]);
    free(fds);
    q.from = "127.0.0.1";
    q.path = "/api/results";
    for (int i = 0; i < 50; i++) {
        http(srv, &q, &r);
        if (r.status == 200)
            break;
        free(r.body);
        r.body = NULL;
        usleep(100 * 1000);
    }
    CHECK_INT(r.status, 200);
    free(r.body);
}

/* Near the global limit, the last slots are kept for requests with the token: the others get 503 at once. */
static void test_busy_503(void)
{
    struct cllm_web_params wp = cllm_web_default_params();
    struct cllm_web_server *s;
    int fds[16], n1, n2, closed;
    struct reply r;
    struct req q = {.method = "GET", .path = "/api/results", .from = "127.0.0.2"};
    char err[256];

    wp.port = 0;
    wp.api.results_dir = tmpdir;
    wp.api.probe_llama = false;
    wp.max_connections = 16;
    wp.max_connections_per_ip = 8;
    wp.threads = 1;   /* one worker holds the whole limit (a pool splits it between its threads) */
    s = cllm_web_start(&wp, err, sizeof(err));
    CHECK(s != NULL);
    if (!s)
        return;
    n1 = open_slow(cllm_web_port(s), "127.0.0.1", fds, 8);
    n2 = open_slow(cllm_web_port(s), "127.0.0.3", fds + n1, 6);
    CHECK_INT(n1 + n2, 14);
    usleep(300 * 1000);   /* accepted by then */
    http(s, &q, &r);
    if (r.rc == CURLE_INTERFACE_FAILED) {
        free(r.body);
        for (int i = 0; i < n1 + n2; i++)
            close(fds[i]);
        cllm_web_stop(s);
        SKIP("cannot bind 127.0.0.2 here");
    }
    CHECK_INT(r.status, 503);
    CHECK(has(&r, "busy"));
    CHECK(strstr(r.headers, "Retry-After") != NULL);
    CHECK(r.elapsed_s < 1.0);
    free(r.body);
    q.token = true;
    http(s, &q, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.elapsed_s < 1.0);
    free(r.body);
    closed = count_closed(fds, n1 + n2, 0.2);
    CHECK_INT(closed, 0);   /* under both limits: nothing of theirs was closed */
    for (int i = 0; i < n1 + n2; i++)
        close(fds[i]);
    cllm_web_stop(s);
}

/* ---- event streams ---- */

struct stream_arg {
    struct cllm_web_server *s;
    char path[128];
    struct reply r;
};

static void *read_stream(void *p)
{
    struct stream_arg *a = p;
    struct req q = {.method = "GET", .path = a->path, .token = true};
    http(a->s, &q, &a->r);
    return NULL;
}

/* More open event streams than pool threads, on a run that is going: other requests are still answered at once,
 * and every stream follows the run's events up to "done" (the run is cancelled to end it). */
static void test_streams_do_not_hold_threads(void)
{
    enum { N = 8 };
    const char *body = "{\"skip_ai\": true}";
    struct stream_arg a[N];
    pthread_t th[N];
    struct reply r;
    char id[64] = "", path[128];
    cJSON *o;

    CHECK_INT(call("POST", "/api/runs", body, &r), 202);
    o = cJSON_Parse(r.body);
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "id")))
        snprintf(id, sizeof(id), "%s", cJSON_GetObjectItemCaseSensitive(o, "id")->valuestring);
    cJSON_Delete(o);
    free(r.body);
    for (int i = 0; i < N; i++) {
        a[i].s = srv;
        snprintf(a[i].path, sizeof(a[i].path), "/api/runs/%s/events", id);
        pthread_create(&th[i], NULL, read_stream, &a[i]);
    }
    usleep(300 * 1000);
    call("GET", "/api/runs", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.elapsed_s < 1.0);
    CHECK(has(&r, id));
    free(r.body);
    call("GET", "/", NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.elapsed_s < 1.0);
    free(r.body);
    snprintf(path, sizeof(path), "/api/runs/%s/cancel", id);
    CHECK_INT(call("POST", path, NULL, &r), 202);
    free(r.body);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        if (a[i].r.status != 200)
            fprintf(stderr, "  stream %d: curl %d, %zu bytes, ends: %s\n", i, (int)a[i].r.rc, a[i].r.len,
                    a[i].r.len > 300 ? a[i].r.body + a[i].r.len - 300 : a[i].r.body);
        CHECK_INT(a[i].r.status, 200);
        CHECK(a[i].r.body && strstr(a[i].r.body, "event: hardware\n") != NULL);
        CHECK(a[i].r.body && strstr(a[i].r.body, "event: done\n") != NULL);
        CHECK(a[i].r.body && strstr(a[i].r.body, "\"status\":\"cancelled\"") != NULL);
        free(a[i].r.body);
    }
    wait_idle();
}

/* Stopping the server while streams wait on a running run: they end and the stop returns promptly. */
static void test_stop_with_open_streams(void)
{
    struct cllm_web_params wp = cllm_web_default_params();
    const char *body = "{\"skip_ai\": true}";   /* the default classic plan: far longer than this test */
    struct cllm_web_server *s;
    struct stream_arg a[3];
    pthread_t th[3];
    struct req q = {.method = "POST", .path = "/api/runs", .body = body, .len = strlen(body),
                    .headers = {"Content-Type: application/json"}, .token = true};
    struct reply r;
    char err[256], id[64] = "";
    double t0;
    cJSON *o;

    wp.port = 0;
    wp.api.results_dir = tmpdir;
    wp.api.probe_llama = false;
    s = cllm_web_start(&wp, err, sizeof(err));
    CHECK(s != NULL);
    if (!s)
        return;
    http(s, &q, &r);
    CHECK_INT(r.status, 202);
    o = cJSON_Parse(r.body);
    if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "id")))
        snprintf(id, sizeof(id), "%s", cJSON_GetObjectItemCaseSensitive(o, "id")->valuestring);
    cJSON_Delete(o);
    free(r.body);
    /* the streams open once the run has sent its first events (hardware detection) */
    for (int i = 0; i < 200; i++) {
        char path[128];
        bool going;
        struct req g = {.method = "GET", .path = path, .token = true};
        snprintf(path, sizeof(path), "/api/runs/%s", id);
        http(s, &g, &r);
        going = strstr(r.body, "\"type\":\"phase\"") != NULL;
        free(r.body);
        if (going)
            break;
        usleep(50 * 1000);
    }
    for (int i = 0; i < 3; i++) {
        a[i].s = s;
        snprintf(a[i].path, sizeof(a[i].path), "/api/runs/%s/events", id);
        pthread_create(&th[i], NULL, read_stream, &a[i]);
    }
    usleep(500 * 1000);
    t0 = cllm_now_s();
    cllm_web_stop(s);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    fprintf(stderr, "  stopped with 3 open streams in %.2f s\n", cllm_now_s() - t0);
    CHECK(cllm_now_s() - t0 < 10.0);
    for (int i = 0; i < 3; i++) {
        CHECK(a[i].r.body && strstr(a[i].r.body, "event: hardware\n") != NULL);
        free(a[i].r.body);
    }
}

int main(void)
{
    struct cllm_web_params wp = cllm_web_default_params();
    const char *allowed[1];
    char err[512];
    FILE *f;
    int rc;

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/cllm_web_sec_XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(allowed_exe, sizeof(allowed_exe), "%s/bin/../bin/my-llama-server", tmpdir);
    snprintf(err, sizeof(err), "%s/bin", tmpdir);
    mkdir(err, 0755);
    f = fopen(allowed_exe, "w");
    if (f) {
        fputs("#!/bin/sh\nexit 1\n", f);
        fclose(f);
    }
    chmod(allowed_exe, 0755);
    allowed[0] = allowed_exe;
    wp.port = 0;
    wp.api.results_dir = tmpdir;
    wp.api.max_upload_bytes = 1u << 20;
    wp.api.probe_llama = false;
    wp.api.llama_servers = allowed;
    wp.api.n_llama_servers = 1;
    srv = cllm_web_start(&wp, err, sizeof(err));
    if (!srv) {
        fprintf(stderr, "cannot start the server: %s\n", err);
        return 1;
    }
    RUN(test_token_on_loopback);
    RUN(test_every_endpoint);
#ifdef CLLM_WITH_SQLITE
    RUN(test_hub_every_endpoint);
#endif
    RUN(test_host);
    RUN(test_allow_host);
    RUN(test_cross_origin);
    RUN(test_content_type);
    RUN(test_llama_server);
    RUN(test_strict_bodies);
    RUN(test_utf8_answers);
    RUN(test_slow_connections);
    RUN(test_busy_503);
    RUN(test_streams_do_not_hold_threads);
    RUN(test_stop_with_open_streams);
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
