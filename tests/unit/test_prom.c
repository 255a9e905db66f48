/* serve/prom: the Prometheus text parser on llama-server's and vLLM's exposition (tests/data/prom/, written to
 * their formats), its refusals with line numbers and limits, the common keys, a level's before/after record and
 * its results object, and the scrape against a libmicrohttpd server on 127.0.0.1: one that answers, one without
 * --metrics (501), one that never answers (the deadline) and one that sends 100 MB (the cap). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/file.h"
#include "core/status.h"
#include "report/fields_prom.h"
#include "serve/prom.h"
#include "test.h"

#if defined(CLLM_TEST_HAVE_MHD) && defined(CLLM_WITH_CURL)
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>
#define HAVE_SERVER 1
#endif

static char *fixture(const char *name, size_t *len)
{
    char path[1024], err[CLLM_ERR_LEN], *buf = NULL;
    const char *dir = getenv("CLLM_TEST_DATA");
    snprintf(path, sizeof(path), "%s/prom/%s", dir ? dir : "tests/data", name);
    if (cllm_file_read(path, 1u << 20, &buf, len, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "  %s\n", err);
        return NULL;
    }
    return buf;
}

static enum cllm_status parse_str(const char *text, struct cllm_prom_set *set, char *err)
{
    return cllm_prom_parse(text, strlen(text), NULL, set, err, CLLM_ERR_LEN);
}

static void test_llama_server_exposition(void)
{
    size_t len;
    char *text = fixture("llama_server.txt", &len), err[CLLM_ERR_LEN];
    struct cllm_prom_set set;
    struct cllm_prom_snapshot snap;
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK_INT(cllm_prom_parse(text, len, NULL, &set, err, sizeof(err)), CLLM_OK);
    CHECK_INT(set.n, 15);
    CHECK_STR(set.s[0].name, "llamacpp:prompt_tokens_total");
    CHECK_INT(set.s[0].type, CLLM_PROM_COUNTER);
    CHECK_NEAR(set.s[0].value, 1234570, 0.5);
    CHECK_STR(set.s[14].name, "llamacpp:spec_decode_num_accepted_tokens_per_pos_total");
    CHECK_STR(cllm_prom_label(&set.s[14], "position"), "1");
    CHECK_INT(set.s[11].type, CLLM_PROM_GAUGE);

    cllm_prom_snapshot_from(&set, &snap);
    CHECK_STR(snap.server, "llama-server");
    CHECK(!snap.present[CLLM_PROM_KV_CACHE_USAGE]);   /* the pinned release exports none */
    CHECK(isnan(snap.value[CLLM_PROM_KV_CACHE_USAGE]));
    CHECK_NEAR(snap.value[CLLM_PROM_REQUESTS_RUNNING], 3, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_REQUESTS_WAITING], 1, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_PROMPT_TOKENS], 1234570, 0.5);
    CHECK_NEAR(snap.value[CLLM_PROM_PROMPT_TOKENS_CACHED], 4096, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_GENERATION_TOKENS], 20480, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_DECODE_CALLS], 7311, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_PROMPT_SECONDS], 52.918, 1e-9);
    CHECK_NEAR(snap.value[CLLM_PROM_GENERATION_SECONDS], 410.5, 1e-9);
    CHECK(!snap.present[CLLM_PROM_PREEMPTIONS]);
    CHECK_STR(snap.source[CLLM_PROM_REQUESTS_WAITING], "llamacpp:requests_deferred");
    cllm_prom_set_free(&set);
    free(text);
}

static void test_vllm_exposition(void)
{
    size_t len;
    char *text = fixture("vllm.txt", &len), err[CLLM_ERR_LEN];
    struct cllm_prom_set set;
    struct cllm_prom_snapshot snap;
    int inf_bucket = -1;
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK_INT(cllm_prom_parse(text, len, NULL, &set, err, sizeof(err)), CLLM_OK);
    CHECK_INT(set.n, 28);
    for (int i = 0; i < set.n; i++)
        if (cllm_prom_label(&set.s[i], "le") && strcmp(cllm_prom_label(&set.s[i], "le"), "+Inf") == 0)
            inf_bucket = i;
    CHECK(inf_bucket >= 0);
    if (inf_bucket >= 0) {
        CHECK_INT(set.s[inf_bucket].type, CLLM_PROM_HISTOGRAM);   /* _bucket of a histogram family */
        CHECK_INT(set.s[inf_bucket].n_labels, 3);
        CHECK_NEAR(set.s[inf_bucket].value, 1000, 0);
    }
    cllm_prom_snapshot_from(&set, &snap);
    CHECK_STR(snap.server, "vllm");
    CHECK_NEAR(snap.value[CLLM_PROM_REQUESTS_RUNNING], 12, 0);     /* the two engines summed */
    CHECK_NEAR(snap.value[CLLM_PROM_REQUESTS_WAITING], 2, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_KV_CACHE_USAGE], 0.6125, 1e-12);   /* the fuller engine */
    CHECK_NEAR(snap.value[CLLM_PROM_PROMPT_TOKENS], 1000000, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_GENERATION_TOKENS], 125000, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_PREEMPTIONS], 4, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_PREFIX_CACHE_QUERIES], 100000, 0);
    CHECK_NEAR(snap.value[CLLM_PROM_PREFIX_CACHE_HITS], 50000, 0);
    CHECK(!snap.present[CLLM_PROM_DECODE_CALLS]);
    CHECK_STR(snap.source[CLLM_PROM_KV_CACHE_USAGE], "vllm:kv_cache_usage_perc");
    cllm_prom_set_free(&set);
    free(text);

    /* an older vLLM: gpu_cache_usage_perc */
    CHECK_INT(parse_str("vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.25\n", &set, err), CLLM_OK);
    cllm_prom_snapshot_from(&set, &snap);
    CHECK_NEAR(snap.value[CLLM_PROM_KV_CACHE_USAGE], 0.25, 0);
    CHECK_STR(snap.source[CLLM_PROM_KV_CACHE_USAGE], "vllm:gpu_cache_usage_perc");
    cllm_prom_set_free(&set);
}

static void test_format_details(void)
{
    char err[CLLM_ERR_LEN];
    struct cllm_prom_set set;
    const char *text = "# a plain comment\n"
                       "\n"
                       "   \t\n"
                       "# HELP m_total A \\\\ help with \\n escapes and \"quotes\"\r\n"
                       "# TYPE m_total counter\n"
                       "m_total{path=\"/a\\\"b\\\\c\\nd\",code=\"200\",} 12.5 1700000000123\n"
                       "m_total { path = \"x\" } -Inf\n"
                       "up NaN\n"
                       "x:y_z 1e-3\n"
                       "big +Inf -5\n"
                       "m_total{path=\"\u00e9t\u00e9\"} 7\n";
    CHECK_INT(parse_str(text, &set, err), CLLM_OK);
    CHECK_INT(set.n, 6);
    if (set.n == 6) {
        CHECK_STR(cllm_prom_label(&set.s[0], "path"), "/a\"b\\c\nd");
        CHECK_STR(cllm_prom_label(&set.s[0], "code"), "200");
        CHECK(set.s[0].has_timestamp);
        CHECK_INT(set.s[0].timestamp_ms, 1700000000123LL);
        CHECK_NEAR(set.s[0].value, 12.5, 0);
        CHECK(isinf(set.s[1].value) && set.s[1].value < 0);
        CHECK_STR(cllm_prom_label(&set.s[1], "path"), "x");
        CHECK(isnan(set.s[2].value));
        CHECK_INT(set.s[2].type, CLLM_PROM_UNTYPED);
        CHECK_NEAR(set.s[3].value, 0.001, 1e-15);
        CHECK(isinf(set.s[4].value) && set.s[4].timestamp_ms == -5);
        CHECK_STR(cllm_prom_label(&set.s[5], "path"), "\u00e9t\u00e9");
    }
    cllm_prom_set_free(&set);
    CHECK_INT(parse_str("", &set, err), CLLM_OK);
    CHECK_INT(set.n, 0);
}

/* each refused with the line (and what) in the message */
static void test_refusals(void)
{
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"ok 1\n9bad 1\n", "line 2"},
        {"m{9x=\"a\"} 1\n", "label name"},
        {"m{a=\"x\\t\"} 1\n", "unknown escape"},
        {"m{a=\"unterminated} 1\n", "closing quote"},
        {"m{a=\"1\",a=\"2\"} 1\n", "repeated"},
        {"m{a=\"1\" b=\"2\"} 1\n", "',' or '}'"},
        {"m{a=1} 1\n", "double quotes"},
        {"m abc\n", "not a number"},
        {"m 0x10\n", "not a number"},
        {"m\n", "no value"},
        {"m 1 2.5\n", "timestamp"},
        {"m 1 2 3\n", "after the timestamp"},
        {"# TYPE m counter\n# TYPE m gauge\n", "second # TYPE"},
        {"# TYPE m widget\n", "unknown type"},
        {"# TYPE\n", "without a metric name"},
        {"m-x 1\n", "bad character"},
        {"m 1\n\xc3\x28 2\n", "invalid UTF-8"},
    };
    char err[CLLM_ERR_LEN];
    struct cllm_prom_set set;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum cllm_status st = parse_str(bad[i].text, &set, err);
        CHECK_INT(st, CLLM_ERR_PARSE);
        CHECK(set.n == 0 && set.s == NULL);
        if (!strstr(err, bad[i].says))
            fprintf(stderr, "  case %zu: '%s' lacks '%s'\n", i, err, bad[i].says);
        CHECK(strstr(err, bad[i].says) != NULL);
    }
    /* a NUL byte inside */
    CHECK_INT(cllm_prom_parse("m 1\n\0m 2\n", 9, NULL, &set, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "NUL") != NULL);
}

static void test_limits(void)
{
    char err[CLLM_ERR_LEN], line[200];
    struct cllm_prom_limits lim = {64, 3};
    struct cllm_prom_set set;
    CHECK_INT(cllm_prom_parse("a 1\nb 2\nc 3\n", 12, &lim, &set, err, sizeof(err)), CLLM_OK);
    CHECK_INT(set.n, 3);
    cllm_prom_set_free(&set);
    CHECK_INT(cllm_prom_parse("a 1\nb 2\nc 3\nd 4\n", 16, &lim, &set, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "line 4") && strstr(err, "more than 3 series"));
    memset(line, 'x', 100);
    memcpy(line + 100, " 1\n", 4);
    CHECK_INT(cllm_prom_parse(line, strlen(line), &lim, &set, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "line 1") && strstr(err, "longer than the 64"));
}

static void snap_of(const char *text, uint64_t at_ns, struct cllm_prom_snapshot *s)
{
    char err[CLLM_ERR_LEN];
    struct cllm_prom_set set;
    CHECK_INT(parse_str(text, &set, err), CLLM_OK);
    cllm_prom_snapshot_from(&set, s);
    s->at_ns = at_ns;
    cllm_prom_set_free(&set);
}

static void test_level_record(void)
{
    struct cllm_prom_level L;
    struct cllm_prom_snapshot a, mid, b;
    cJSON *o = cJSON_CreateObject(), *sm, *v;

    snap_of("llamacpp:prompt_tokens_total 1000\nllamacpp:tokens_predicted_total 500\n"
            "llamacpp:requests_processing 0\nllamacpp:requests_deferred 0\nllamacpp:n_decode_total 90\n",
            1000000000ull, &a);
    snap_of("llamacpp:requests_processing 4\nllamacpp:requests_deferred 6\n", 2000000000ull, &mid);
    snap_of("llamacpp:prompt_tokens_total 3048\nllamacpp:tokens_predicted_total 1524\n"
            "llamacpp:requests_processing 1\nllamacpp:requests_deferred 0\nllamacpp:n_decode_total 40\n",
            3500000000ull, &b);
    cllm_prom_level_init(&L);
    cllm_prom_level_before(&L, &a);
    cllm_prom_level_sample(&L, &mid);
    cllm_prom_level_after(&L, &b);
    CHECK(L.measured);
    CHECK_STR(L.server, "llama-server");
    CHECK_INT(L.n_samples, 3);
    CHECK_NEAR(L.interval_s, 2.5, 1e-9);
    CHECK(L.m[CLLM_PROM_PROMPT_TOKENS].present);
    CHECK_NEAR(L.m[CLLM_PROM_PROMPT_TOKENS].delta, 2048, 0);
    CHECK_NEAR(L.m[CLLM_PROM_GENERATION_TOKENS].delta, 1024, 0);
    CHECK(L.m[CLLM_PROM_DECODE_CALLS].present && isnan(L.m[CLLM_PROM_DECODE_CALLS].delta));   /* went down */
    CHECK_NEAR(L.m[CLLM_PROM_REQUESTS_RUNNING].after, 1, 0);
    CHECK_NEAR(L.m[CLLM_PROM_REQUESTS_RUNNING].max, 4, 0);
    CHECK_NEAR(L.m[CLLM_PROM_REQUESTS_WAITING].max, 6, 0);
    CHECK(!L.m[CLLM_PROM_KV_CACHE_USAGE].present);

    cllm_write_prom_level(o, &L);
    sm = cJSON_GetObjectItem(o, "server_metrics");
    CHECK(sm != NULL);
    if (sm) {
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(sm, "status")), "measured");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(sm, "server")), "llama-server");
        v = cJSON_GetObjectItem(sm, "prompt_tokens");
        CHECK(v && cJSON_GetNumberValue(cJSON_GetObjectItem(v, "delta")) == 2048);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(v, "source")), "llamacpp:prompt_tokens_total");
        v = cJSON_GetObjectItem(sm, "requests_waiting");
        CHECK(v && cJSON_GetNumberValue(cJSON_GetObjectItem(v, "max")) == 6);
        CHECK(cJSON_IsNull(cJSON_GetObjectItem(sm, "kv_cache_usage")));
        v = cJSON_GetObjectItem(cJSON_GetObjectItem(sm, "null_reasons"), "kv_cache_usage");
        CHECK(v && strstr(cJSON_GetStringValue(v), "does not export"));
        v = cJSON_GetObjectItem(sm, "decode_calls");
        CHECK(v && cJSON_IsNull(cJSON_GetObjectItem(v, "delta")));
    }
    cJSON_Delete(o);

    /* a failed scrape: unavailable with the reason, nothing else */
    cllm_prom_level_init(&L);
    cllm_prom_level_unavailable(&L, "GET /metrics answered HTTP 501");
    cllm_prom_level_after(&L, &b);
    CHECK(!L.measured);
    o = cJSON_CreateObject();
    cllm_write_prom_level(o, &L);
    sm = cJSON_GetObjectItem(o, "server_metrics");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(sm, "status")), "unavailable");
    CHECK(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(sm, "reason")), "501") != NULL);
    /* every key null with that reason: unknown, not 0 */
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(sm, "prompt_tokens")));
    CHECK(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(sm, "null_reasons"),
                                                           "prompt_tokens")), "501") != NULL);
    cJSON_Delete(o);

    /* the key table and the record agree */
    for (int k = 0; k < CLLM_PROM_N_KEYS; k++) {
        CHECK(cllm_prom_key_fields[k] != NULL);
        if (cllm_prom_key_fields[k])
            CHECK_STR(cllm_prom_key_fields[k]->name, cllm_prom_key_name((enum cllm_prom_key)k));
    }
    CHECK(cllm_prom_key_fields[CLLM_PROM_N_KEYS] == NULL);
}

#ifdef HAVE_SERVER

static char *g_body;
static size_t g_body_len;
static int g_status;

static ssize_t big_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    (void)pos;
    for (size_t i = 0; i < max; i++)
        buf[i] = (i % 8 == 7) ? '\n' : "m_x 10 "[i % 8];
    return (ssize_t)max;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *data, size_t *size, void **state)
{
    struct MHD_Response *r;
    enum MHD_Result ret;
    (void)cls, (void)version, (void)data, (void)size, (void)state, (void)method;
    if (strcmp(url, "/metrics") != 0) {
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        ret = MHD_queue_response(c, 404, r);
    } else if (g_status == -1) {   /* 100 MB */
        r = MHD_create_response_from_callback(100ull << 20, 64 * 1024, big_read, NULL, NULL);
        ret = MHD_queue_response(c, 200, r);
    } else {
        r = MHD_create_response_from_buffer(g_body_len, g_body, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(r, "Content-Type", "text/plain; version=0.0.4");
        ret = MHD_queue_response(c, (unsigned)g_status, r);
    }
    MHD_destroy_response(r);
    return ret;
}

static struct MHD_Daemon *start(int *port)
{
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!d)
        return NULL;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    *port = info ? info->port : 0;
    return d;
}

static void test_scrape(void)
{
    int port = 0;
    struct MHD_Daemon *d = start(&port);
    char url[128], err[CLLM_ERR_LEN];
    struct cllm_prom_snapshot snap;
    struct cllm_prom_set set;
    uint64_t t0;
    CHECK(d != NULL && port > 0);
    if (!d)
        return;
    g_body = fixture("vllm.txt", &g_body_len);
    g_status = 200;
    /* the chat URL's /v1 is dropped: GET base/metrics */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/", port);
    CHECK_INT(cllm_prom_scrape(url, NULL, 5.0, &snap, &set, err, sizeof(err)), CLLM_OK);
    CHECK_STR(snap.server, "vllm");
    CHECK_NEAR(snap.value[CLLM_PROM_REQUESTS_RUNNING], 12, 0);
    CHECK(snap.at_ns > 0);
    CHECK_INT(set.n, 28);
    cllm_prom_set_free(&set);

    /* llama-server without --metrics answers 501 */
    g_status = 501;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    CHECK_INT(cllm_prom_scrape(url, NULL, 5.0, &snap, NULL, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "501") && strstr(err, "--metrics"));
    /* not Prometheus text */
    g_status = 200;
    free(g_body);
    g_body = strdup("<html>hello</html>\n");
    g_body_len = strlen(g_body);
    CHECK_INT(cllm_prom_scrape(url, NULL, 5.0, &snap, NULL, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "not Prometheus text") && strstr(err, "line 1"));
    /* 100 MB: cut at the cap, long before the end */
    g_status = -1;
    t0 = cllm_now_ns();
    CHECK_INT(cllm_prom_scrape(url, NULL, 30.0, &snap, NULL, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "larger than") != NULL);
    CHECK((cllm_now_ns() - t0) / 1e9 < 20);
    free(g_body);
    g_body = NULL;
    MHD_stop_daemon(d);
}

/* a server that takes the connection and never answers: the deadline ends the scrape */
static void test_scrape_deadline(void)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char url[128], err[CLLM_ERR_LEN];
    struct cllm_prom_snapshot snap;
    uint64_t t0;
    double took;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 4) == 0 &&
          getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
    /* the kernel completes the handshake into the backlog; nobody reads or writes */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
    t0 = cllm_now_ns();
    CHECK_INT(cllm_prom_scrape(url, NULL, 1.0, &snap, NULL, err, sizeof(err)), CLLM_ERR_TIMEOUT);
    took = (double)(cllm_now_ns() - t0) / 1e9;
    CHECK(took >= 0.9 && took < 5.0);
    CHECK(strstr(err, "within 1 s") != NULL);
    close(fd);
    /* nothing listening: refused at once */
    CHECK_INT(cllm_prom_scrape(url, NULL, 1.0, &snap, NULL, err, sizeof(err)), CLLM_ERR_IO);
}

#else
static void test_scrape(void) { SKIP("built without libmicrohttpd or libcurl: no local server"); }
static void test_scrape_deadline(void) { SKIP("built without libmicrohttpd or libcurl"); }
#endif

int main(void)
{
    RUN(test_llama_server_exposition);
    RUN(test_vllm_exposition);
    RUN(test_format_details);
    RUN(test_refusals);
    RUN(test_limits);
    RUN(test_level_record);
    RUN(test_scrape);
    RUN(test_scrape_deadline);
    return test_summary();
}
