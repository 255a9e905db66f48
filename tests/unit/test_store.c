/* The results hub's storage and routes without sockets (src/store/, src/web/hub.c): what is indexed of a real
 * results file (tests/data/hub/tiny_run.json: a tiny run of this project, its monitor samples cut), the machine
 * fingerprint, a field of the wrong type named, LocalScore's formula, the tokens file, and an SQLite store:
 * migrations once, idempotent submits, filters, a schema newer than the build refused, the routes' 400s. */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <math.h>
#include <unistd.h>
#ifdef CLLM_WITH_SQLITE
#include <sqlite3.h>
#endif

#include "core/file.h"
#include "store/record.h"
#include "store/store.h"
#ifdef CLLM_WITH_WEB
#include "web/hub.h"
#include "web/server.h"
#endif
#include "test.h"

static char *read_tiny(size_t *len)
{
    char path[1024], err[CLLM_ERR_LEN], *text = NULL;
    const char *d = getenv("CLLM_TEST_DATA");
    snprintf(path, sizeof(path), "%s/hub/tiny_run.json", d ? d : "tests/data");
    if (cllm_file_read(path, 1u << 20, &text, len, err, sizeof(err)) != CLLM_OK)
        fprintf(stderr, "%s\n", err);
    return text;
}

/* text with one edit made through cJSON: key path a.b set to value (a JSON text). */
static char *edit(const char *text, const char *a, const char *b, const char *value)
{
    cJSON *root = cJSON_Parse(text), *o = cJSON_GetObjectItem(root, a);
    char *out;
    if (b) {
        cJSON_ReplaceItemInObject(o, b, cJSON_Parse(value));
    } else {
        cJSON_ReplaceItemInObject(root, a, cJSON_Parse(value));
    }
    out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return out;
}

static void test_record_of_a_real_run(void)
{
    size_t len = 0;
    char *text = read_tiny(&len), err[CLLM_ERR_LEN] = "";
    struct cllm_store_record *rec = malloc(sizeof(*rec)), *rec2 = malloc(sizeof(*rec2));
    CHECK(text != NULL);
    if (!text)
        return;
    CHECK_INT(cllm_store_record_parse(text, len, rec, err, sizeof(err)), CLLM_OK);
    CHECK_STR(rec->result_id, "20261203_113114");
    CHECK_STR(rec->os, "Linux");
    CHECK_STR(rec->hostname, "vm");
    CHECK_STR(rec->gpu_vendor, "none");
    CHECK_INT((long)rec->n_runs, 1);
    CHECK_STR(rec->runs[0].model, "tiny-test");
    CHECK_STR(rec->runs[0].quant, "Q4_K_M");
    CHECK_STR(rec->runs[0].backend, "CPU");
    CHECK_INT(rec->runs[0].synthetic, 1);
    CHECK_NEAR(rec->runs[0].decode_tps, 2096.8712583953484, 1e-9);
    CHECK_NEAR(rec->runs[0].prompt_tps, 2395.133989430978, 1e-9);
    CHECK_NEAR(rec->runs[0].ttft_ms, 14.195448, 1e-9);
    CHECK(isnan(rec->runs[0].j_per_token));   /* no energy reading on this machine: null in the file, not 0 */
    CHECK_INT(rec->runs[0].prompt_tokens, 34);
    CHECK_INT(rec->runs[0].max_tokens, 4);
    CHECK_INT((long)strlen(rec->fingerprint), 16);
    {
        /* another file of the same machine: the same fingerprint; another hostname: another one */
        char *other = edit(text, "id", NULL, "\"x2\"");
        CHECK_INT(cllm_store_record_parse(other, strlen(other), rec2, err, sizeof(err)), CLLM_OK);
        CHECK_STR(rec2->fingerprint, rec->fingerprint);
        free(other);
        other = edit(text, "hardware", NULL, "{\"os\": {\"hostname\": \"elsewhere\", \"system\": \"Linux\"},"
                                             "\"cpu\": {}, \"ram\": {}, \"gpu\": {}}");
        CHECK_INT(cllm_store_record_parse(other, strlen(other), rec2, err, sizeof(err)), CLLM_OK);
        CHECK(strcmp(rec2->fingerprint, rec->fingerprint) != 0);
        free(other);
    }
    free(rec);
    free(rec2);
    free(text);
}

static void test_bad_fields_are_named(void)
{
    size_t len = 0;
    char *text = read_tiny(&len), err[CLLM_ERR_LEN] = "", *bad;
    struct cllm_store_record *rec = malloc(sizeof(*rec));
    if (!text)
        return;
    bad = edit(text, "hardware", NULL, "{\"os\": {\"system\": 7}, \"cpu\": {}, \"ram\": {}, \"gpu\": {}}");
    CHECK_INT(cllm_store_record_parse(bad, strlen(bad), rec, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "hardware.os.system: expected a string") != NULL);
    free(bad);
    bad = edit(text, "id", NULL, "\"../x\"");
    CHECK_INT(cllm_store_record_parse(bad, strlen(bad), rec, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strncmp(err, "id:", 3) == 0);
    free(bad);
    bad = edit(text, "hardware", NULL, "5");
    CHECK_INT(cllm_store_record_parse(bad, strlen(bad), rec, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "hardware") != NULL);
    free(bad);
    CHECK_INT(cllm_store_record_parse("", 0, rec, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK_INT(cllm_store_record_parse("{\"a\":1}\0x", 9, rec, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "NUL") != NULL);
    free(rec);
    free(text);
}

static void test_localscore(void)
{
    /* 10 * cbrt(100 * 10 * 1000 / 100) = 10 * cbrt(10000) */
    CHECK_NEAR(cllm_store_localscore(100, 10, 100), 215.44346900318837, 1e-9);
    CHECK(isnan(cllm_store_localscore(100, 10, 0)));
    CHECK(isnan(cllm_store_localscore(NAN, 10, 5)));
    CHECK(isnan(cllm_store_localscore(-1, 10, 5)));
}

#ifdef CLLM_WITH_WEB
static void test_tokens_file(void)
{
    struct cllm_web_tokens t;
    char err[CLLM_ERR_LEN];
    const char *ok = "# lab\n\nalice  alice-token-0123456789\r\nbob\tbob.token_0123456789~\n";
    CHECK_INT(cllm_web_tokens_parse(ok, strlen(ok), &t, err, sizeof(err)), CLLM_OK);
    CHECK_INT((long)t.n, 2);
    if (t.n == 2) {
        CHECK_STR(t.names[0], "alice");
        CHECK_STR(t.tokens[0], "alice-token-0123456789");
        CHECK_STR(t.names[1], "bob");
        CHECK_STR(t.tokens[1], "bob.token_0123456789~");
    }
    cllm_web_tokens_free(&t);
    CHECK_INT(cllm_web_tokens_parse("a short\n", 8, &t, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "line 1") != NULL);
    {
        const char *dup = "a token-0123456789abcdef\nb token-0123456789abcdef\n";
        CHECK_INT(cllm_web_tokens_parse(dup, strlen(dup), &t, err, sizeof(err)), CLLM_ERR_PARSE);
        CHECK(strstr(err, "line 2: this token is already given") != NULL);
    }
    CHECK_INT(cllm_web_tokens_parse("# none\n", 7, &t, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK_INT(cllm_web_tokens_parse("a\0b token-0123456789abcdef\n", 26, &t, err, sizeof(err)), CLLM_ERR_PARSE);
}
#endif

#ifdef CLLM_WITH_SQLITE
static void test_sqlite_store(void)
{
    char dir[] = "/tmp/cllm_store_XXXXXX", url[256], path[200], err[CLLM_ERR_LEN] = "";
    struct cllm_store_params p = cllm_store_default_params();
    struct cllm_store_record *rec = malloc(sizeof(*rec));
    struct cllm_store_filter f = cllm_store_default_filter();
    struct cllm_store_row *rows = NULL;
    struct cllm_store *s;
    enum cllm_status st;
    size_t len = 0, n = 0;
    char *text = read_tiny(&len);
    bool added = false;
    int version = 0;
    long long count = -1;

    if (!text || !mkdtemp(dir))
        return;
    snprintf(path, sizeof(path), "%s/hub.db", dir);
    snprintf(url, sizeof(url), "sqlite:%s", path);
    p.url = url;
    s = cllm_store_open(&p, &st, err, sizeof(err));
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STR(cllm_store_backend(s), "sqlite");
    CHECK_INT(cllm_store_schema_version(s, &version, err, sizeof(err)), CLLM_OK);
    CHECK_INT(version, CLLM_STORE_SCHEMA_VERSION);
    CHECK_INT(cllm_store_record_parse(text, len, rec, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_store_submit(s, rec, text, len, "alice", &added, err, sizeof(err)), CLLM_OK);
    CHECK(added);
    CHECK_INT(cllm_store_submit(s, rec, text, len, "bob", &added, err, sizeof(err)), CLLM_OK);
    CHECK(!added);
    CHECK_INT(cllm_store_count(s, &count, err, sizeof(err)), CLLM_OK);
    CHECK_INT(count, 1);
    f.model = "tiny-test";
    f.synthetic = 1;
    CHECK_INT(cllm_store_leaderboard(s, &f, &rows, &n, err, sizeof(err)), CLLM_OK);
    CHECK_INT((long)n, 1);
    if (n == 1) {
        CHECK_STR(rows[0].submitter, "alice");
        CHECK_NEAR(rows[0].run.decode_tps, rec->runs[0].decode_tps, 1e-9);
        CHECK_NEAR(rows[0].score, cllm_store_localscore(rec->runs[0].prompt_tps, rec->runs[0].decode_tps,
                                                        rec->runs[0].ttft_ms), 1e-9);
        CHECK(isnan(rows[0].run.j_per_token));
    }
    free(rows);
    f.quant = "Q8_0";
    CHECK_INT(cllm_store_leaderboard(s, &f, &rows, &n, err, sizeof(err)), CLLM_OK);
    CHECK_INT((long)n, 0);
    free(rows);
    {
        char *raw = NULL;
        CHECK_INT(cllm_store_raw(s, rec->result_id, rec->fingerprint, &raw, err, sizeof(err)), CLLM_OK);
        CHECK(raw && strcmp(raw, text) == 0);   /* the file kept whole */
        free(raw);
        CHECK_INT(cllm_store_raw(s, "nope", rec->fingerprint, &raw, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    }
#ifdef CLLM_WITH_WEB
    {
        struct cllm_hub *h = cllm_hub_new(s);
        struct cllm_web_response resp;
        const char *k[] = {"gpu"}, *v[] = {"x"};
        struct cllm_web_request rq = {.method = "GET", .path = "/api/leaderboard", .query_keys = k, .query_vals = v,
                                      .n_query = 1};
        cllm_hub_handle(h, &rq, NULL, &resp);
        CHECK_INT(resp.status, 400);
        CHECK(resp.body && strstr(resp.body, "unknown filter 'gpu'"));
        cllm_web_response_free(&resp);
        rq.n_query = 0;
        cllm_hub_handle(h, &rq, NULL, &resp);
        CHECK_INT(resp.status, 200);
        CHECK(resp.body && strstr(resp.body, "\"count\":1"));
        cllm_web_response_free(&resp);
        rq.method = "POST";
        rq.path = "/api/submit";
        rq.body = "{\"schema_version\": 1}";
        rq.body_len = strlen(rq.body);
        cllm_hub_handle(h, &rq, "alice", &resp);
        CHECK_INT(resp.status, 400);
        cllm_web_response_free(&resp);
        rq.body = text;
        rq.body_len = len;
        cllm_hub_handle(h, &rq, "alice", &resp);
        CHECK_INT(resp.status, 200);   /* stored already: a duplicate */
        CHECK(resp.body && strstr(resp.body, "\"status\":\"duplicate\""));
        cllm_web_response_free(&resp);
        cllm_hub_free(h);
    }
#endif
    cllm_store_close(s);
    /* reopened: no migration again; a schema newer than this build is refused */
    s = cllm_store_open(&p, &st, err, sizeof(err));
    CHECK(s != NULL);
    cllm_store_close(s);
    {
        sqlite3 *db = NULL;
        sqlite3_open(path, &db);
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM cllm_schema", -1, &q, NULL);
        CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == CLLM_STORE_SCHEMA_VERSION);
        sqlite3_finalize(q);
        sqlite3_exec(db, "INSERT INTO cllm_schema VALUES (99, 'later')", NULL, NULL, NULL);
        sqlite3_close(db);
    }
    s = cllm_store_open(&p, &st, err, sizeof(err));
    CHECK(s == NULL);
    CHECK_INT(st, CLLM_ERR_UNSUPPORTED);
    CHECK(strstr(err, "version 99") != NULL);
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK_INT(system(cmd), 0);
    }
    free(rec);
    free(text);
}
#endif

#ifdef CLLM_WITH_SQLITE
/* A database of schema version 1 (its tables as the released migration 1 made them, with rows in) is migrated
 * to version 2: the GPU vendor and OS copied into runs, the score's sort key, the new indexes; the leaderboard's
 * filters and order then read the copied columns. */
static void test_sqlite_migration_1_to_2(void)
{
    static const char *const v1 =
        "CREATE TABLE cllm_schema (version INTEGER NOT NULL, applied_at TEXT NOT NULL);"
        "INSERT INTO cllm_schema VALUES (1, '2026-12-03T00:00:00Z');"
        "CREATE TABLE submissions (result_id TEXT NOT NULL, fingerprint TEXT NOT NULL, submitter TEXT NOT NULL,"
        " received_at TEXT NOT NULL, result_timestamp TEXT NOT NULL, hostname TEXT NOT NULL, os TEXT NOT NULL,"
        " os_detail TEXT NOT NULL, cpu TEXT NOT NULL, gpu_vendor TEXT NOT NULL, gpu_name TEXT NOT NULL,"
        " ram_gb DOUBLE PRECISION, n_runs INTEGER NOT NULL, raw_json TEXT NOT NULL, PRIMARY KEY (result_id, fingerprint));"
        "CREATE TABLE runs (result_id TEXT NOT NULL, fingerprint TEXT NOT NULL, model TEXT NOT NULL, quant TEXT NOT NULL,"
        " backend TEXT NOT NULL, synthetic INTEGER, decode_tps DOUBLE PRECISION NOT NULL, prompt_tps DOUBLE PRECISION,"
        " ttft_ms DOUBLE PRECISION, j_per_token DOUBLE PRECISION, prompt_tokens INTEGER NOT NULL,"
        " max_tokens INTEGER NOT NULL, score DOUBLE PRECISION, result_timestamp TEXT NOT NULL,"
        " PRIMARY KEY (result_id, fingerprint, model),"
        " FOREIGN KEY (result_id, fingerprint) REFERENCES submissions (result_id, fingerprint));"
        "CREATE INDEX runs_group ON runs (model, quant, backend, prompt_tokens, max_tokens, score);"
        "CREATE INDEX runs_machine ON runs (fingerprint, result_timestamp);"
        "CREATE INDEX submissions_time ON submissions (result_timestamp);"
        "CREATE INDEX submissions_gpu ON submissions (gpu_vendor, os);"
        "INSERT INTO submissions VALUES ('a', '00000000000000aa', 'alice', 'x', '2026-01-01T00:00:00+00:00', 'h1',"
        " 'Linux', '', 'cpu1', 'NVIDIA', 'RTX', 64, 1, '{}');"
        "INSERT INTO submissions VALUES ('b', '00000000000000bb', 'bob', 'x', '2026-01-02T00:00:00+00:00', 'h2',"
        " 'Darwin', '', 'cpu2', 'Apple', 'M2', 32, 2, '{}');"
        "INSERT INTO runs VALUES ('a', '00000000000000aa', 'm', 'Q4_K_M', 'CUDA', 0, 100, 1000, 10, NULL, 30, 8,"
        " 464.1588833612779, '2026-01-01T00:00:00+00:00');"
        "INSERT INTO runs VALUES ('b', '00000000000000bb', 'm', 'Q4_K_M', 'CUDA', 0, 50, 500, 20, NULL, 30, 8,"
        " 232.07944168063895, '2026-01-02T00:00:00+00:00');"
        "INSERT INTO runs VALUES ('b', '00000000000000bb', 'm2', 'Q4_K_M', 'CUDA', 0, 60, NULL, NULL, NULL, 30, 8,"
        " NULL, '2026-01-02T00:00:00+00:00');";
    char dir[] = "/tmp/cllm_store_mig_XXXXXX", url[256], path[200], err[CLLM_ERR_LEN] = "";
    struct cllm_store_params p = cllm_store_default_params();
    struct cllm_store_filter f = cllm_store_default_filter();
    struct cllm_store_row *rows = NULL;
    struct cllm_store *s;
    sqlite3 *db = NULL;
    enum cllm_status st;
    size_t n = 0;
    int version = 0;

    if (!mkdtemp(dir))
        return;
    snprintf(path, sizeof(path), "%s/v1.db", dir);
    snprintf(url, sizeof(url), "sqlite:%s", path);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, v1, NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(db);
    p.url = url;
    s = cllm_store_open(&p, &st, err, sizeof(err));
    if (!s)
        fprintf(stderr, "  open: %s\n", err);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_INT(cllm_store_schema_version(s, &version, err, sizeof(err)), CLLM_OK);
    CHECK_INT(version, 2);
    f.gpu_vendor = "Apple";
    CHECK_INT(cllm_store_leaderboard(s, &f, &rows, &n, err, sizeof(err)), CLLM_OK);
    CHECK_INT((long)n, 2);   /* both of b's runs: the vendor came from its submission */
    for (size_t i = 0; i < n; i++)
        CHECK_STR(rows[i].hostname, "h2");
    free(rows);
    f.gpu_vendor = NULL;
    f.os = "Linux";
    CHECK_INT(cllm_store_leaderboard(s, &f, &rows, &n, err, sizeof(err)), CLLM_OK);
    CHECK_INT((long)n, 1);
    if (n == 1)
        CHECK_STR(rows[0].result_id, "a");
    free(rows);
    /* the order: model m (a's score above b's), then m2 (unknown score, still listed) */
    f.os = NULL;
    CHECK_INT(cllm_store_leaderboard(s, &f, &rows, &n, err, sizeof(err)), CLLM_OK);
    CHECK_INT((long)n, 3);
    if (n == 3) {
        CHECK_STR(rows[0].result_id, "a");
        CHECK_STR(rows[1].result_id, "b");
        CHECK_STR(rows[2].run.model, "m2");
        CHECK(isnan(rows[2].score));
    }
    free(rows);
    cllm_store_close(s);
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    {
        sqlite3_stmt *q = NULL;
        sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('runs_group',"
                           " 'submissions_gpu', 'runs_board', 'runs_board_gpu', 'runs_board_os', 'runs_board_backend',"
                           " 'runs_board_synthetic', 'runs_time')", -1, &q, NULL);
        CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 6);   /* two dropped, six made */
        sqlite3_finalize(q);
        sqlite3_prepare_v2(db, "SELECT score_order FROM runs WHERE model = 'm2'", -1, &q, NULL);
        CHECK(sqlite3_step(q) == SQLITE_ROW && sqlite3_column_double(q, 0) == -1.0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
    }
}
#endif

static void test_bad_urls(void)
{
    struct cllm_store_params p = cllm_store_default_params();
    enum cllm_status st;
    char err[CLLM_ERR_LEN];
    p.url = "mysql://x";
    CHECK(cllm_store_open(&p, &st, err, sizeof(err)) == NULL);
    CHECK_INT(st, CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "sqlite:PATH") != NULL);
#ifdef CLLM_WITH_PQ
    /* nothing listens there: unavailable, not a crash or a hang (connect timeout) */
    p.url = "postgresql:///x?host=/nonexistent-socket-dir&port=1";
    CHECK(cllm_store_open(&p, &st, err, sizeof(err)) == NULL);
    CHECK_INT(st, CLLM_ERR_UNAVAILABLE);
#endif
}

int main(void)
{
    RUN(test_record_of_a_real_run);
    RUN(test_bad_fields_are_named);
    RUN(test_localscore);
#ifdef CLLM_WITH_WEB
    RUN(test_tokens_file);
#endif
#ifdef CLLM_WITH_SQLITE
    RUN(test_sqlite_store);
    RUN(test_sqlite_migration_1_to_2);
#endif
    RUN(test_bad_urls);
    return test_summary();
}
