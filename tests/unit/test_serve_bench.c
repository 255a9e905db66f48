/* serve-bench against the schedule-streaming test server (sched_server.h): at concurrency 1, 2 and 4 the aggregate
 * output tokens/s and requests/s are what the schedule implies for a closed loop, TTFT and ITL p50 match it, a
 * server failing every k-th request gives that error rate, SLO goodput counts exactly the requests the schedule
 * puts inside the SLOs, --duration stops starting requests, Ctrl-C keeps the levels done; plus the argument
 * parsers. `test_serve_bench --serve` runs the server alone for tests/cli/test_serve_bench.sh. */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/clock.h"
#include "report/fields_serve.h"
#include "serve/serve_bench.h"
#include "platform/proc.h"
#include "sched_server.h"
#include "test.h"
#include "core/json.h"

static void parse(void)
{
    struct cllm_serve_params p = cllm_serve_default_params();
    char err[256];

    CHECK_INT(cllm_serve_parse_concurrency(&p, "1,2,4,8", err, sizeof(err)), CLLM_OK);
    CHECK_INT(p.n_levels, 4);
    CHECK_INT(p.concurrency[3], 8);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "3", err, sizeof(err)), CLLM_OK);
    CHECK_INT(p.n_levels, 1);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "1,0,4", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "'0' is not a positive integer") != NULL);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "1,-2", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "'-2'") != NULL);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "1,,2", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "2x", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK_INT(cllm_serve_parse_concurrency(&p, "100000", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK_INT(p.n_levels, 1);   /* a refused list leaves the levels as they were */

    CHECK_INT(cllm_serve_parse_slo(&p, "ttft_ms=500,itl_ms=50", err, sizeof(err)), CLLM_OK);
    CHECK_NEAR(p.slo_ttft_ms, 500, 0);
    CHECK_NEAR(p.slo_itl_ms, 50, 0);
    CHECK_INT(cllm_serve_parse_slo(&p, "itl_ms=12.5", err, sizeof(err)), CLLM_OK);
    CHECK_NEAR(p.slo_ttft_ms, 0, 0);
    CHECK_NEAR(p.slo_itl_ms, 12.5, 0);
    CHECK_INT(cllm_serve_parse_slo(&p, "ttft=500", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "unknown key 'ttft'") != NULL);
    CHECK_INT(cllm_serve_parse_slo(&p, "ttft_ms=fast", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "ttft_ms=fast") != NULL);
    CHECK_INT(cllm_serve_parse_slo(&p, "ttft_ms=-1", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK_INT(cllm_serve_parse_slo(&p, "ttft_ms", err, sizeof(err)), CLLM_ERR_CONFIG);

    p.server_url = "ftp://host:21";
    CHECK_INT(cllm_serve_check(&p, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "http://") != NULL);
    p.server_url = "http://";
    CHECK_INT(cllm_serve_check(&p, err, sizeof(err)), CLLM_ERR_CONFIG);
    p.server_url = "http://127.0.0.1:8080";
    CHECK_INT(cllm_serve_check(&p, err, sizeof(err)), CLLM_OK);
}

/* The writer alone, on a run made by hand: every key in serve-bench's order, nulls with their reasons beside them,
 * llama-server's props as they came (a string, a number, one absent), the ITL SLO alone, a cancelled level. */
static void writer(void)
{
    static const char *const want =
        "{\"status\":\"partial\",\"server\":{\"url\":\"http://h:1\",\"library\":\"llama-server\",\"props\":"
        "{\"build_info\":\"b1234\",\"total_slots\":4,\"n_ctx\":4096},\"model\":\"m\",\"model_source\":\"/v1/models\","
        "\"client\":\"libcurl/8\"},\"params\":{\"concurrency\":[2],\"requests\":null,\"null_reasons\":{\"requests\":"
        "\"not given: as many as duration_s allows\"},\"duration_s\":1.5,\"max_tokens\":8,\"ignore_eos\":true,"
        "\"prompt\":\"hi\",\"system_prompt\":\"\",\"temperature\":0.5,\"top_p\":0.9,\"seed\":42,\"stall_s\":60,"
        "\"deadline_base_s\":120,\"deadline_per_token_s\":2,\"slo\":{\"itl_ms\":50,\"itl_measure\":\"the mean "
        "inter-token latency of each request (a request with one token meets it)\"}},\"levels\":[{\"concurrency\":2,"
        "\"status\":\"cancelled\",\"request_limit\":null,\"null_reasons\":{\"request_limit\":\"until duration_s\"},"
        "\"n_requests\":1,\"n_ok\":0,\"n_failed\":1,\"n_cancelled\":1,\"wall_s\":0.5,\"ttft_s\":{\"p50\":null,"
        "\"null_reasons\":{\"p50\":\"no request succeeded\",\"p90\":\"no request succeeded\",\"p99\":\"no request "
        "succeeded\",\"mean\":\"no request succeeded\"},\"p90\":null,\"p99\":null,\"mean\":null,\"n\":0},\"itl_s\":"
        "{\"p50\":null,\"null_reasons\":{\"p50\":\"no successful request had 2 tokens\",\"p90\":\"no successful "
        "request had 2 tokens\",\"p99\":\"no successful request had 2 tokens\",\"mean\":\"no successful request had "
        "2 tokens\"},\"p90\":null,\"p99\":null,\"mean\":null,\"n\":0},\"e2e_s\":{\"p50\":null,\"null_reasons\":"
        "{\"p50\":\"no request succeeded\",\"p90\":\"no request succeeded\",\"p99\":\"no request succeeded\","
        "\"mean\":\"no request succeeded\"},\"p90\":null,\"p99\":null,\"mean\":null,\"n\":0},\"output_tokens\":0,"
        "\"output_tokens_per_second\":0,\"requests_per_second\":0,\"error_rate\":1,\"goodput\":{\"slo\":{\"itl_ms\":50,"
        "\"itl_measure\":\"the mean inter-token latency of each request (a request with one token meets it)\"},"
        "\"n_good\":0,\"requests_per_second\":0,\"fraction\":0},\"token_count_sources\":{},\"errors\":[\"HTTP 500: "
        "x\"],\"requests\":[{\"status\":\"failed\",\"http_status\":500,\"ttft_s\":null,\"null_reasons\":{\"ttft_s\":"
        "\"no token with text came\",\"itl_mean_s\":\"fewer than 2 tokens came\",\"prompt_tokens\":\"the server sent "
        "neither usage nor timings\"},\"e2e_s\":0.25,\"itl_mean_s\":null,\"output_tokens\":0,\"prompt_tokens\":null,"
        "\"token_count_source\":\"chunks\",\"error\":\"HTTP 500: x\"}]}]}";
    char msg[] = "HTTP 500: x";
    const char *errors[] = {msg};
    struct cllm_serve_request req = {.ok = false, .http_status = 500, .ttft_s = NAN, .e2e_s = 0.25,
                                     .itl_mean_s = NAN, .prompt_tokens = -1, .token_count_source = "chunks",
                                     .error = msg};
    struct cllm_serve_dist none = {NAN, NAN, NAN, NAN, 0};
    struct cllm_serve_level L = {.concurrency = 2, .status = CLLM_SERVE_LEVEL_CANCELLED, .n_requests = 1,
                                 .n_failed = 1, .n_cancelled = 1, .wall_s = 0.5, .ttft_s = none, .itl_s = none,
                                 .e2e_s = none, .error_rate = 1, .has_goodput = true, .errors = errors,
                                 .n_errors = 1, .requests = &req};
    struct cllm_serve_result r;
    cJSON *s = cJSON_CreateObject();
    char *text;

    memset(&r, 0, sizeof(r));
    r.status = CLLM_SERVE_NOT_RUN;
    cllm_write_serving(s, &r);
    CHECK(cJSON_GetArraySize(s) == 0);   /* refused parameters: nothing to say */
    r.status = CLLM_SERVE_PARTIAL;
    snprintf(r.server.url, sizeof(r.server.url), "http://h:1");
    r.server.library = "llama-server";
    r.server.has_props = true;
    r.server.build_info = (struct cllm_serve_value){CLLM_SERVE_VALUE_STRING, 0, (char *)"b1234"};
    r.server.total_slots = (struct cllm_serve_value){CLLM_SERVE_VALUE_NUMBER, 4, NULL};
    r.server.n_ctx = 4096;
    snprintf(r.server.model, sizeof(r.server.model), "m");
    r.server.model_source = "/v1/models";
    r.server.client = "libcurl/8";
    r.setup = (struct cllm_serve_setup){.concurrency = {2}, .n_levels = 1, .duration_s = 1.5, .max_tokens = 8,
                                        .ignore_eos = true, .prompt = "hi", .system_prompt = "", .temperature = 0.5,
                                        .top_p = 0.9, .seed = 42, .stall_s = 60, .deadline_base_s = 120,
                                        .deadline_per_token_s = 2, .slo_itl_ms = 50};
    r.levels = &L;
    r.n_levels = 1;
    cllm_write_serving(s, &r);
    text = cJSON_PrintUnformatted(s);
    CHECK_STR(text, want);
    free(text);
    cJSON_Delete(s);
}

#if defined(CLLM_TEST_HAVE_MHD) && defined(CLLM_WITH_CURL)

static int g_port;

static double num(const cJSON *root, const char *path)
{
    const cJSON *v = cllm_json_path(root, path);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static const char *str(const cJSON *root, const char *path)
{
    const cJSON *v = cllm_json_path(root, path);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* The run's structs as the results file's section (report/write_serve.c), checked against the structs. */
static cJSON *section_of(const struct cllm_serve_result *r)
{
    cJSON *s = cJSON_CreateObject();
    cllm_write_serving(s, r);
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(s, "levels")), r->n_levels);
    for (int i = 0; i < r->n_levels; i++) {
        const cJSON *L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), i);
        CHECK_INT(num(L, "n_requests"), r->levels[i].n_requests);
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(L, "requests")), r->levels[i].n_requests);
        CHECK_INT(num(L, "n_ok"), r->levels[i].n_ok);
    }
    return s;
}

/* One serve-bench run against the path `spec` of the test server (POSTs counted from 1). */
static enum cllm_status run(const char *spec, const int *levels, int n_levels, struct cllm_serve_params *p,
                            cJSON **section)
{
    char url[256], err[512] = "";
    struct cllm_serve_result r;
    enum cllm_status st;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", g_port, spec);
    p->server_url = url;
    p->n_levels = n_levels;
    for (int i = 0; i < n_levels; i++)
        p->concurrency[i] = levels[i];
    sched_server_reset();
    st = cllm_serve_run(p, &r, err, sizeof(err));
    *section = section_of(&r);
    cllm_serve_result_free(&r);
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED)
        fprintf(stderr, "  %s: %s\n", cllm_status_str(st), err);
    p->server_url = NULL;
    return st;
}

#define T_TOK 20
#define T_FIRST 50
#define T_GAP 10

/* The closed loop's throughput: c streams, each T tokens in t0 + (T − 1)·d. */
static void throughput_once(void)
{
    static const int levels[] = {1, 2, 4};
    struct cllm_serve_params p = cllm_serve_default_params();
    double per_req_s = (T_FIRST + (T_TOK - 1) * T_GAP) / 1e3;
    cJSON *s = NULL;
    char path[64];

    p.max_tokens = T_TOK;
    CHECK_INT(run("/n=20,first=50,gap=10", levels, 3, &p, &s), CLLM_OK);
    CHECK_STR(str(s, "status"), "ok");
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(s, "levels")), 3);
    for (int i = 0; i < 3; i++) {
        int c = levels[i];
        double want_tps = c * T_TOK / per_req_s, want_rps = c / per_req_s;
        const cJSON *L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), i);
        snprintf(path, sizeof(path), "levels[%d]", i);
        fprintf(stderr, "  c=%d: %.1f out tok/s (schedule %.1f), %.2f req/s (%.2f), TTFT p50 %.2f ms, ITL p50 %.2f "
                "ms, e2e p50 %.1f ms, wall %.3f s\n", c, num(L, "output_tokens_per_second"), want_tps,
                num(L, "requests_per_second"), want_rps, num(L, "ttft_s.p50") * 1e3, num(L, "itl_s.p50") * 1e3,
                num(L, "e2e_s.p50") * 1e3, num(L, "wall_s"));
        CHECK_INT(num(L, "concurrency"), c);
        CHECK_STR(str(L, "status"), "ok");
        CHECK_INT(num(L, "n_requests"), 4 * c > 16 ? 4 * c : 16);
        CHECK_INT(num(L, "n_failed"), 0);
        CHECK_NEAR(num(L, "error_rate"), 0, 0);
        CHECK_INT(num(L, "output_tokens"), T_TOK * num(L, "n_requests"));
        CHECK_NEAR(num(L, "output_tokens_per_second"), want_tps, 0.10 * want_tps);
        CHECK_NEAR(num(L, "requests_per_second"), want_rps, 0.10 * want_rps);
        CHECK_NEAR(num(L, "ttft_s.p50") * 1e3, T_FIRST, 5.0);   /* request delivery + the schedule */
        CHECK_NEAR(num(L, "itl_s.p50") * 1e3, T_GAP, 2.0);
        CHECK_NEAR(num(L, "e2e_s.p50"), per_req_s, 0.010);
        CHECK_INT(num(L, "itl_s.n"), (T_TOK - 1) * num(L, "n_requests"));
        CHECK(num(L, "ttft_s.p50") <= num(L, "ttft_s.p90") && num(L, "ttft_s.p90") <= num(L, "ttft_s.p99"));
        CHECK_INT(num(L, "token_count_sources.usage"), num(L, "n_ok"));
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(L, "requests")), num(L, "n_requests"));
        CHECK_INT(num(L, "requests.0.prompt_tokens"), 12);
        CHECK(cJSON_IsNull(cllm_json_path(L, "goodput")));
        CHECK_STR(str(L, "null_reasons.goodput"), "no --slo given");
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(L, "errors")), 0);
    }
    CHECK_STR(str(s, "server.library"), "openai-compatible");
    CHECK_STR(str(s, "server.model"), "default");
    CHECK_INT(num(s, "params.max_tokens"), T_TOK);
    cJSON_Delete(s);
}

/* A loaded machine (the suite runs beside CPU benchmarks) can delay a thread wake-up past the tolerance: up to
 * three tries, the first within tolerance counts. */
static void throughput(void) { test_retry3(throughput_once); }

static void errors(void)
{
    static const int levels[] = {2};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL, *L;
    char *text;
    p.requests = 12;
    p.api_key = "sk-never-written-42";
    CHECK_INT(run("/n=5,first=10,gap=5,fail=4", levels, 1, &p, &s), CLLM_OK);
    L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), 0);
    CHECK_STR(str(L, "status"), "ok");
    CHECK_INT(num(L, "n_requests"), 12);
    CHECK_INT(num(L, "n_failed"), 3);
    CHECK_INT(num(L, "n_ok"), 9);
    CHECK_NEAR(num(L, "error_rate"), 0.25, 1e-12);
    CHECK_NEAR(num(L, "requests_per_second"), 9 / num(L, "wall_s"), 1e-9);
    CHECK_INT(num(L, "output_tokens"), 9 * 5);
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(L, "errors")), 1);
    fprintf(stderr, "  %s\n", str(L, "errors.0"));
    CHECK(strstr(str(L, "errors.0"), "HTTP 500") && strstr(str(L, "errors.0"), "model exploded"));
    text = cJSON_PrintUnformatted(s);
    CHECK(text && !strstr(text, "sk-never-written-42"));
    free(text);
    cJSON_Delete(s);
}

/* Whether POST number n (from 1) meets the SLOs under the schedule of goodput_case(). */
static bool in_slo(int n, bool ttft_slo, bool itl_slo)
{
    return !(ttft_slo && n % 3 == 0) && !(itl_slo && n % 5 == 0);
}

static void goodput_case(bool ttft_slo, bool itl_slo)
{
    static const int levels[] = {3};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL, *L;
    int want = 0;
    p.requests = 15;
    /* fast requests: TTFT 20 ms, ITL 2 ms; every 3rd: TTFT 300 ms; every 5th: ITL 60 ms. The SLOs sit halfway, so
     * only a wake-up late by over 100 ms moves a request across */
    p.slo_ttft_ms = ttft_slo ? 150 : 0;
    p.slo_itl_ms = itl_slo ? 30 : 0;
    for (int n = 1; n <= 15; n++)
        want += in_slo(n, ttft_slo, itl_slo);
    CHECK_INT(run("/n=10,first=20,gap=2,slowfirst=3:300,slowgap=5:60", levels, 1, &p, &s), CLLM_OK);
    L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), 0);
    fprintf(stderr, "  SLO%s%s: %d good of %d (want %d), %.2f good req/s\n", ttft_slo ? " ttft_ms=150" : "",
            itl_slo ? " itl_ms=30" : "", (int)num(L, "goodput.n_good"), (int)num(L, "n_requests"), want,
            num(L, "goodput.requests_per_second"));
    CHECK_INT(num(L, "n_ok"), 15);
    CHECK_INT(num(L, "goodput.n_good"), want);
    CHECK_NEAR(num(L, "goodput.fraction"), want / 15.0, 1e-12);
    CHECK_NEAR(num(L, "goodput.requests_per_second"), want / num(L, "wall_s"), 1e-9);
    if (ttft_slo)
        CHECK_NEAR(num(L, "goodput.slo.ttft_ms"), 150, 0);
    else
        CHECK(!cllm_json_path(L, "goodput.slo.ttft_ms"));
    if (itl_slo)
        CHECK(strstr(str(L, "goodput.slo.itl_measure"), "mean inter-token latency of each request") != NULL);
    cJSON_Delete(s);
}

static void goodput_both(void) { goodput_case(true, true); }
static void goodput_ttft(void) { goodput_case(true, false); }
static void goodput_itl(void) { goodput_case(false, true); }

static void goodput(void)
{
    test_retry3(goodput_both);
    test_retry3(goodput_ttft);
    test_retry3(goodput_itl);
}

static void duration_once(void)
{
    static const int levels[] = {2};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL, *L;
    /* 300 ms per request, no new one after 450 ms: two waves of two, the second left to finish */
    p.duration_s = 0.45;
    CHECK_INT(run("/n=10,first=30,gap=30", levels, 1, &p, &s), CLLM_OK);
    L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), 0);
    CHECK_INT(num(L, "n_requests"), 4);
    CHECK_INT(num(L, "n_ok"), 4);
    CHECK(cJSON_IsNull(cllm_json_path(L, "request_limit")));
    CHECK_NEAR(num(L, "wall_s"), 0.6, 0.1);
    CHECK_NEAR(num(s, "params.duration_s"), 0.45, 0);
    cJSON_Delete(s);
}

static void duration(void) { test_retry3(duration_once); }

static void all_fail(void)
{
    static const int levels[] = {1, 2};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL, *L;
    p.requests = 3;
    CHECK_INT(run("/err500", levels, 2, &p, &s), CLLM_OK);
    CHECK_STR(str(s, "status"), "failed");
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(s, "levels")), 1);   /* the next level is not run */
    L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), 0);
    CHECK_STR(str(L, "status"), "failed");
    CHECK(strstr(str(L, "error"), "HTTP 500") != NULL);
    CHECK_NEAR(num(L, "error_rate"), 1, 0);
    CHECK(cJSON_IsNull(cllm_json_path(L, "ttft_s.p50")));
    CHECK_STR(str(L, "ttft_s.null_reasons.p50"), "no request succeeded");
    cJSON_Delete(s);
}

static void refused(void)
{
    static const int levels[] = {2};
    struct cllm_serve_params p = cllm_serve_default_params();
    char url[64], err[512] = "";
    struct cllm_serve_result r;
    cJSON *s;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", cllm_free_tcp_port());
    p.server_url = url;
    p.concurrency[0] = levels[0];
    p.n_levels = 1;
    p.requests = 2;
    CHECK_INT(cllm_serve_run(&p, &r, err, sizeof(err)), CLLM_OK);
    CHECK_INT(r.status, CLLM_SERVE_FAILED);
    CHECK_INT(r.n_levels, 1);
    CHECK_INT(r.levels[0].status, CLLM_SERVE_LEVEL_FAILED);
    CHECK_INT(r.levels[0].requests[0].http_status, 0);
    s = section_of(&r);
    cllm_serve_result_free(&r);
    CHECK_STR(str(s, "status"), "failed");
    fprintf(stderr, "  %s\n", str(s, "levels.0.errors.0"));
    CHECK(strstr(str(s, "levels.0.errors.0"), "cannot connect") != NULL);
    CHECK(cJSON_IsNull(cllm_json_path(s, "levels.0.requests.0.http_status")));
    cJSON_Delete(s);
}

static volatile sig_atomic_t g_cancel;

static void *cancel_later(void *arg)
{
    (void)arg;
    usleep(150 * 1000);
    g_cancel = 1;
    return NULL;
}

static void on_level(int index, int count, int c, const struct cllm_serve_level *level, void *user_data)
{
    pthread_t *th = user_data;
    (void)count, (void)c;
    /* Ctrl-C 150 ms into the second level, whose requests take 580 ms */
    if (index == 1 && !level)
        pthread_create(th, NULL, cancel_later, NULL);
}

static void cancel(void)
{
    static const int levels[] = {1, 2, 4};
    struct cllm_serve_params p = cllm_serve_default_params();
    pthread_t th;
    cJSON *s = NULL, *L;
    g_cancel = 0;
    p.requests = 2;
    p.cancel = &g_cancel;
    p.on_level = on_level;
    p.user_data = &th;
    CHECK_INT(run("/n=20,first=10,gap=30", levels, 3, &p, &s), CLLM_ERR_CANCELLED);
    pthread_join(th, NULL);
    CHECK_STR(str(s, "status"), "partial");
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(s, "levels")), 2);
    CHECK_STR(str(s, "levels.0.status"), "ok");
    CHECK_INT(num(s, "levels.0.n_ok"), 2);
    L = cJSON_GetArrayItem(cllm_json_path(s, "levels"), 1);
    CHECK_STR(str(L, "status"), "cancelled");
    CHECK_INT(num(L, "n_requests"), 0);
    CHECK_INT(num(L, "n_cancelled"), 2);
    cJSON_Delete(s);
}

/* ---- hostile servers: every request ends (stall, deadline, max_tokens), Ctrl-C at once ---- */

static double seconds_since(uint64_t t0) { return (double)(cllm_now_ns() - t0) / 1e9; }

static void hostile_keepalive(void)
{
    static const int levels[] = {2};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL;
    uint64_t t0 = cllm_now_ns();
    double el;
    p.requests = 2;
    p.stall_s = 1;
    /* comments only: the old code reset the stall timer on them and never ended */
    CHECK_INT(run("/keepalive", levels, 1, &p, &s), CLLM_OK);
    el = seconds_since(t0);
    fprintf(stderr, "  keepalive: %.2f s, %s\n", el, str(s, "levels.0.errors.0"));
    CHECK(el < 3.0);
    CHECK_STR(str(s, "status"), "failed");
    CHECK_INT(num(s, "levels.0.n_failed"), 2);
    CHECK(strstr(str(s, "levels.0.errors.0"), "stalled: no token for 1 s") != NULL);
    cJSON_Delete(s);

    /* a long stall time: the deadline (0.3 s + 4 x 0.05 s) ends them */
    p = cllm_serve_default_params();
    p.requests = 2;
    p.max_tokens = 4;
    p.deadline_base_s = 0.3;
    p.deadline_per_token_s = 0.05;
    t0 = cllm_now_ns();
    CHECK_INT(run("/keepalive", levels, 1, &p, &s), CLLM_OK);
    el = seconds_since(t0);
    fprintf(stderr, "  keepalive, deadline: %.2f s, %s\n", el, str(s, "levels.0.errors.0"));
    CHECK(el < 2.5);
    CHECK(strstr(str(s, "levels.0.errors.0"), "passed its deadline of 0.5 s") != NULL);
    CHECK_NEAR(num(s, "params.deadline_per_token_s"), 0.05, 0);
    cJSON_Delete(s);
}

static void hostile_endless(void)
{
    static const int levels[] = {1};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL;
    p.requests = 2;
    p.max_tokens = 10;
    CHECK_INT(run("/endless/gap=2", levels, 1, &p, &s), CLLM_OK);
    CHECK_INT(num(s, "levels.0.n_requests"), 2);
    CHECK_INT(num(s, "levels.0.n_failed"), 2);
    CHECK(strstr(str(s, "levels.0.errors.0"), "the server sent more than max_tokens (10)") != NULL);
    cJSON_Delete(s);
}

/* /props with trailing content and /v1/models with invalid UTF-8: refused and said, the run goes on */
static void hostile_metadata(void)
{
    static const int levels[] = {1};
    struct cllm_serve_params p = cllm_serve_default_params();
    cJSON *s = NULL;
    p.requests = 1;
    p.max_tokens = 20;
    CHECK_INT(run("/badprops", levels, 1, &p, &s), CLLM_OK);
    CHECK_STR(str(s, "server.library"), "openai-compatible");
    CHECK(strstr(str(s, "server.null_reasons.props"), "trailing content after the JSON value") != NULL);
    CHECK_STR(str(s, "levels.0.status"), "ok");
    cJSON_Delete(s);
    CHECK_INT(run("/badmodels", levels, 1, &p, &s), CLLM_OK);
    CHECK_STR(str(s, "server.model"), "default");
    CHECK(strstr(str(s, "server.models_error"), "invalid UTF-8") != NULL);
    cJSON_Delete(s);
    CHECK_INT(run("/llama", levels, 1, &p, &s), CLLM_OK);
    CHECK_STR(str(s, "server.library"), "llama-server");
    CHECK_INT(num(s, "server.props.total_slots"), 4);
    cJSON_Delete(s);
}

static void *cancel_in_300ms(void *arg)
{
    (void)arg;
    usleep(300 * 1000);
    g_cancel = 1;
    return NULL;
}

/* Ctrl-C while every stream gets only keep-alives: the level ends at once, marked, the streams dropped */
static void hostile_cancel(void)
{
    static const int levels[] = {3, 4};
    struct cllm_serve_params p = cllm_serve_default_params();
    pthread_t th;
    cJSON *s = NULL;
    uint64_t t0 = cllm_now_ns();
    double el;
    g_cancel = 0;
    p.requests = 3;
    p.cancel = &g_cancel;
    pthread_create(&th, NULL, cancel_in_300ms, NULL);
    CHECK_INT(run("/keepalive", levels, 2, &p, &s), CLLM_ERR_CANCELLED);
    el = seconds_since(t0);
    pthread_join(th, NULL);
    fprintf(stderr, "  cancelled after %.2f s\n", el);
    CHECK(el >= 0.25 && el < 0.3 + 0.5);
    CHECK_STR(str(s, "status"), "partial");
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(s, "levels")), 1);
    CHECK_STR(str(s, "levels.0.status"), "cancelled");
    CHECK_INT(num(s, "levels.0.n_requests"), 0);
    CHECK_INT(num(s, "levels.0.n_cancelled"), 3);
    cJSON_Delete(s);
    g_cancel = 0;
}

/* The server alone, for the CLI test: prints its port, serves until killed. */
static int serve(void)
{
    static const struct sched_spec spec = {.n_tok = 8, .first_ms = 20, .gap_ms = 5};
    int port = sched_server_start(0, &spec);
    if (!port)
        return 1;
    printf("%d\n", port);
    fflush(stdout);
    for (;;)
        pause();
}
#endif

int main(int argc, char **argv)
{
#if defined(CLLM_TEST_HAVE_MHD) && defined(CLLM_WITH_CURL)
    static const struct sched_spec dflt = {.n_tok = 20, .first_ms = 50, .gap_ms = 10};
    if (argc > 1 && strcmp(argv[1], "--serve") == 0)
        return serve();
    RUN(parse);
    RUN(writer);
    g_port = sched_server_start(0, &dflt);
    if (!g_port) {
        fprintf(stderr, "cannot start the test server\n");
        return 1;
    }
    RUN(throughput);
    RUN(errors);
    RUN(goodput);
    RUN(duration);
    RUN(all_fail);
    RUN(refused);
    RUN(cancel);
    RUN(hostile_keepalive);
    RUN(hostile_endless);
    RUN(hostile_metadata);
    RUN(hostile_cancel);
    sched_server_stop();
#else
    (void)argc, (void)argv;
    if (argc > 1 && strcmp(argv[1], "--serve") == 0)
        return 77;
    RUN(parse);
    RUN(writer);
#endif
    return test_summary();
}
