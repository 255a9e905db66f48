/* CSV export: stable columns, quoting, units (from the field tables; a key they do not list by its suffix), and a
 * round trip back to the JSON values. */
#include <cjson/cJSON.h>

#include "core/csv.h"
#include "report/export_csv.h"
#include "report/fields.h"
#include "test.h"

static const char *g_doc =
    "{\"schema_version\":1,\"id\":\"20260206_143022\",\"timestamp\":\"2026-02-06T14:30:22+01:00\","
    "\"hardware\":{\"os\":{\"system\":\"Linux\"},\"cpu\":{\"model\":\"Intel(R) Xeon(R), \\\"Gold\\\"\","
    "\"physical_cores\":32,\"frequency\":{\"max_mhz\":null,\"null_reasons\":{\"max_mhz\":\"no cpufreq\"}}},"
    "\"ram\":{\"total_gb\":251.54,\"unified_memory\":false},"
    "\"gpu\":{\"devices\":[{\"name\":\"H100\",\"vram_total_gb\":79.65},{\"name\":\"A100\",\"vram_total_gb\":39.5}],"
    "\"primary_backend\":\"cuda\"}},"
    "\"config\":{\"inference\":{\"max_tokens\":256},\"classic\":{\"cpu_matrix_sizes\":[512,1024,2048]}},"
    "\"classic_benchmarks\":{\"benchmarks\":{\"cpu_multi_thread\":{\"results\":{\"2048x2048\":"
    "{\"gflops\":190.123456789012345,\"mean_time_s\":0.0903}}},\"memory_bandwidth\":{\"samples\":[1,2,3]}}},"
    "\"ai_benchmarks\":{\"results\":{\"tinyllama-1.1b\":{\"summary\":{\"avg_tokens_per_second\":47.25},"
    "\"runs\":[{\"tokens_per_second\":47.0},{\"tokens_per_second\":47.5}]}}}}";

#define MAXF 8

struct row {
    char f[MAXF][512];
    int  n;
};

static int read_rows(const char *csv, struct row *rows, int max)
{
    size_t pos = 0;
    int n = 0;
    while (n < max) {
        int k = cllm_csv_read_record(csv, &pos, rows[n].f, MAXF);
        if (k == 0)
            break;
        if (k < 0)
            return -1;
        rows[n++].n = k;
    }
    return n;
}

static const struct row *find(const struct row *rows, int n, const char *section, const char *name,
                              const char *params)
{
    for (int i = 0; i < n; i++)
        if (strcmp(rows[i].f[0], section) == 0 && strcmp(rows[i].f[1], name) == 0 &&
            strcmp(rows[i].f[2], params) == 0)
            return &rows[i];
    return NULL;
}

static void test_rows_and_units(void)
{
    cJSON *doc = cJSON_Parse(g_doc);
    char *csv = cllm_results_csv(doc, &CLLM_R_RESULTS);
    static struct row rows[128];
    int n = read_rows(csv, rows, 128);
    const struct row *r;

    CHECK(n > 10);
    CHECK(strncmp(csv, "section,name,params,value,unit\r\n", 32) == 0);
    for (int i = 0; i < n; i++)
        CHECK_INT(rows[i].n, 5);
    r = find(rows, n, "classic_benchmarks.cpu_multi_thread", "gflops", "2048x2048");
    CHECK(r && strcmp(r->f[4], "GFLOPS") == 0);
    /* not a key of the tables (time_s_mean is): the unit from its suffix */
    r = find(rows, n, "classic_benchmarks.cpu_multi_thread", "mean_time_s", "2048x2048");
    CHECK(r && strcmp(r->f[4], "s") == 0);
    /* from the config table: the suffix says nothing */
    r = find(rows, n, "config.inference", "max_tokens", "");
    CHECK(r && strcmp(r->f[3], "256") == 0 && strcmp(r->f[4], "tokens") == 0);
    r = find(rows, n, "ai_benchmarks.tinyllama-1.1b", "summary.avg_tokens_per_second", "");
    if (!r)
        r = find(rows, n, "ai_benchmarks.summary", "avg_tokens_per_second", "tinyllama-1.1b");
    CHECK(r && strcmp(r->f[3], "47.25") == 0 && strcmp(r->f[4], "tokens/s") == 0);
    r = find(rows, n, "ai_benchmarks.runs", "tokens_per_second", "tinyllama-1.1b;runs=1");
    CHECK(r && strcmp(r->f[3], "47.5") == 0);
    r = find(rows, n, "hardware.gpu", "devices.vram_total_gb", "devices=1");
    CHECK(r && strcmp(r->f[3], "39.5") == 0 && strcmp(r->f[4], "GiB") == 0);
    r = find(rows, n, "hardware.cpu", "model", "");
    CHECK(r && strcmp(r->f[3], "Intel(R) Xeon(R), \"Gold\"") == 0);
    r = find(rows, n, "hardware.cpu", "frequency.max_mhz", "");
    CHECK(r && r->f[3][0] == '\0' && strcmp(r->f[4], "MHz") == 0);
    r = find(rows, n, "config.classic", "cpu_matrix_sizes", "");
    CHECK(r && strcmp(r->f[3], "512;1024;2048") == 0);
    r = find(rows, n, "result", "id", "");
    CHECK(r && strcmp(r->f[3], "20260206_143022") == 0);
    /* time series and reasons are not metrics */
    CHECK(strstr(csv, "samples") == NULL);
    CHECK(strstr(csv, "null_reasons") == NULL);
    free(csv);
    cJSON_Delete(doc);
}

/* Every numeric leaf of the JSON appears once in the CSV with exactly the same value. */
static int g_leaves, g_found;

static void check_leaves(const cJSON *node, const struct row *rows, int n)
{
    const cJSON *c;
    if (cJSON_IsNumber(node) && node->string) {
        int hits = 0;
        for (int i = 0; i < n; i++) {
            const char *name = strrchr(rows[i].f[1], '.');
            name = name ? name + 1 : rows[i].f[1];
            if (strcmp(name, node->string) == 0 && rows[i].f[3][0] && strtod(rows[i].f[3], NULL) == node->valuedouble)
                hits++;
        }
        g_leaves++;
        g_found += hits >= 1;
        if (hits < 1)
            fprintf(stderr, "leaf %s = %.17g missing from CSV\n", node->string, node->valuedouble);
        return;
    }
    if (node->string && (!strcmp(node->string, "samples") || !strcmp(node->string, "null_reasons")))
        return;
    if (cJSON_IsArray(node) && cJSON_GetArraySize(node) > 0 && cJSON_IsNumber(cJSON_GetArrayItem(node, 0)))
        return;   /* plain lists are one joined row, checked in test_rows_and_units */
    cJSON_ArrayForEach(c, node) check_leaves(c, rows, n);
}

static void test_round_trip_values(void)
{
    cJSON *doc = cJSON_Parse(g_doc);
    char *csv = cllm_results_csv(doc, &CLLM_R_RESULTS);
    static struct row rows[128];
    int n = read_rows(csv, rows, 128);
    g_leaves = g_found = 0;
    check_leaves(doc, rows, n);
    CHECK(g_leaves >= 8);
    CHECK_INT(g_found, g_leaves);
    free(csv);
    cJSON_Delete(doc);
}

static void test_reader_handles_quotes_and_newlines(void)
{
    const char *text = "a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\nx,y\n";
    char f[8][512];
    size_t pos = 0;
    CHECK_INT(cllm_csv_read_record(text, &pos, f, 8), 5);
    CHECK_STR(f[1], "b,c");
    CHECK_STR(f[2], "say \"hi\"");
    CHECK_STR(f[3], "two\nlines");
    CHECK_STR(f[4], "");
    CHECK_INT(cllm_csv_read_record(text, &pos, f, 8), 2);
    CHECK_STR(f[1], "y");
    CHECK_INT(cllm_csv_read_record(text, &pos, f, 8), 0);
    pos = 0;
    CHECK_INT(cllm_csv_read_record("\"unterminated", &pos, f, 8), -1);
}

static void test_units(void)
{
    CHECK_STR(cllm_results_csv_unit_guess("avg_tokens_per_second"), "tokens/s");
    CHECK_STR(cllm_results_csv_unit_guess("gflops"), "GFLOPS");
    CHECK_STR(cllm_results_csv_unit_guess("copy_gbps"), "GB/s");
    CHECK_STR(cllm_results_csv_unit_guess("avg_first_token_latency_s"), "s");
    CHECK_STR(cllm_results_csv_unit_guess("itl_p90_ms"), "ms");
    CHECK_STR(cllm_results_csv_unit_guess("physical_cores"), "");
}

int main(void)
{
    RUN(test_rows_and_units);
    RUN(test_round_trip_values);
    RUN(test_reader_handles_quotes_and_newlines);
    RUN(test_units);
    return test_summary();
}
