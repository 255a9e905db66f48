/* The results format as data (report/fields.h): the committed docs/results.schema.json is what cllm_schema_json
 * makes, the tables are complete, and the writer's primitives and the core writers put what they should. */
#include "test.h"

#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/file.h"
#include "hw/hw.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"
#include "report/fields.h"
#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/write.h"
#include "report/write_core.h"
#include "report/write_hw.h"

static void test_committed_schema_is_generated(void)
{
    char path[1024], err[256], *committed = NULL, *made = cllm_schema_json();
    size_t len = 0;
    const char *data = getenv("CLLM_TEST_DATA");
    CHECK(made != NULL);
    snprintf(path, sizeof(path), "%s/../../docs/results.schema.json", data ? data : "tests/data");
    CHECK(cllm_file_read(path, 16u << 20, &committed, &len, err, sizeof(err)) == CLLM_OK);
    if (made && committed) {
        size_t n = strlen(made);
        int same = len == n + 1 && memcmp(committed, made, n) == 0 && committed[n] == '\n';
        if (!same)
            fprintf(stderr, "  %s is not what the field tables make: run `cmake --build BUILD --target "
                            "results-schema` and commit it\n", path);
        CHECK(same);
    }
    free(committed);
    free(made);
}

/* Every record reachable from the root: names unique, fields named and explained, children where the type needs
 * one, no key twice in a record. */
static const struct cllm_record *g_seen[512];
static int g_n_seen;

static void walk(const struct cllm_record *rec)
{
    rec = cllm_record_resolved(rec);
    for (int i = 0; i < g_n_seen; i++) {
        if (g_seen[i] == rec)
            return;
        if (strcmp(g_seen[i]->name, rec->name) == 0) {
            fprintf(stderr, "  record name '%s' used twice\n", rec->name);
            CHECK(0);
        }
    }
    if (g_n_seen >= 512)
        return;
    g_seen[g_n_seen++] = rec;
    CHECK(rec->meaning && rec->meaning[0]);
    for (const struct cllm_field *const *f = rec->fields; *f; f++) {
        CHECK((*f)->name && (*f)->name[0]);
        if (!(*f)->meaning || !(*f)->meaning[0])
            fprintf(stderr, "  %s.%s has no meaning\n", rec->name, (*f)->name);
        CHECK((*f)->meaning && (*f)->meaning[0]);
        CHECK((*f)->unit != NULL);
        CHECK(cllm_record_field(rec, (*f)->name) == *f);   /* the first of that name: no key twice */
        if ((*f)->type == CLLM_FT_OBJECT)
            CHECK((*f)->child != NULL);
        if (((*f)->type == CLLM_FT_MAP || (*f)->type == CLLM_FT_ARRAY) && !(*f)->child)
            CHECK((*f)->items <= CLLM_FT_BOOL);
        if ((*f)->child)
            walk((*f)->child);
    }
}

static void test_tables_are_complete(void)
{
    g_n_seen = 0;
    walk(&CLLM_R_RESULTS);
    CHECK(g_n_seen > 20);
    CHECK(cllm_record_field(&CLLM_R_RESULTS, "hardware") == &CLLM_F_HARDWARE);
    CHECK(cllm_record_field(&CLLM_R_RESULTS, "hardwares") == NULL);
    CHECK(cllm_record_field(&CLLM_R_HW_CPU, "physical_cores") == &CLLM_F_HW_CPU_PHYSICAL_CORES);
}

/* Every key `config --print-defaults` writes is a field of the config record, with the table's type. */
static void check_config_keys(const cJSON *obj, const struct cllm_record *rec)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, obj) {
        const struct cllm_field *f = cllm_record_field(rec, v->string);
        if (!f)
            fprintf(stderr, "  config key '%s' is not in the config record\n", v->string);
        CHECK(f != NULL);
        if (!f)
            continue;
        if (cJSON_IsObject(v)) {
            CHECK(f->type == CLLM_FT_OBJECT);
            check_config_keys(v, f->child);
        } else if (cJSON_IsArray(v)) {
            CHECK(f->type == CLLM_FT_ARRAY);
        } else if (cJSON_IsString(v)) {
            CHECK(f->type == CLLM_FT_STRING);
        } else {
            CHECK(f->type == CLLM_FT_NUMBER || f->type == CLLM_FT_INTEGER);
        }
    }
}

static void test_config_record_is_the_config_table(void)
{
    struct cllm_config c;
    const struct cllm_record *rec = cllm_record_resolved(&CLLM_R_CONFIG);
    const struct cllm_field *inf = cllm_record_field(rec, "inference"), *t;
    cJSON *j;

    CHECK(rec != &CLLM_R_CONFIG);
    CHECK(!rec->open);
    CHECK(inf && inf->type == CLLM_FT_OBJECT);
    t = inf ? cllm_record_field(inf->child, "temperature") : NULL;
    CHECK(t && t->type == CLLM_FT_NUMBER);
    t = cllm_record_field(rec, "runs") ? cllm_record_field(cllm_record_field(rec, "runs")->child, "cleanup_pause_s")
                                       : NULL;
    CHECK(t && strcmp(t->unit, "s") == 0);
    cllm_config_defaults(&c);
    j = cllm_config_to_json(&c);
    check_config_keys(j, rec);
    cJSON_Delete(j);
}

static void test_writer_nulls_and_readers(void)
{
    cJSON *o = cJSON_CreateObject(), *nr;

    cllm_w_num(o, &CLLM_F_MON_CPU_PCT_MEAN, 12.5, "unused");
    cllm_w_num(o, &CLLM_F_MON_CPU_PCT_MIN, NAN, "no /proc/stat");
    cllm_w_num(o, &CLLM_F_MON_CPU_PCT_MAX, INFINITY, NULL);
    cllm_w_str(o, &CLLM_F_MON_GPU_PCI_BUS_ID, NULL, "no bus id");
    cllm_w_str(o, &CLLM_F_MON_SAMPLER, "fake", NULL);
    CHECK_NEAR(cllm_r_num(o, &CLLM_F_MON_CPU_PCT_MEAN), 12.5, 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, "cpu_pct_min")));
    CHECK(isnan(cllm_r_num(o, &CLLM_F_MON_CPU_PCT_MIN)));
    CHECK(isnan(cllm_r_num(o, &CLLM_F_MON_DURATION_S)));   /* absent */
    CHECK(isnan(cllm_r_num(o, &CLLM_F_MON_SAMPLER)));      /* a string */
    CHECK(cllm_r_get(o, &CLLM_F_MON_CPU_PCT_MIN) == NULL);
    CHECK_STR(cllm_r_str(o, &CLLM_F_MON_SAMPLER), "fake");
    CHECK(cllm_r_str(o, &CLLM_F_MON_GPU_PCI_BUS_ID) == NULL);
    nr = cJSON_GetObjectItemCaseSensitive(o, "null_reasons");
    CHECK(cJSON_IsObject(nr));
    CHECK_INT(cJSON_GetArraySize(nr), 3);   /* one object for all of them */
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(nr, "cpu_pct_min")->valuestring, "no /proc/stat");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(nr, "cpu_pct_max")->valuestring, "not measured");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(nr, "pci_bus_id")->valuestring, "no bus id");
    CHECK(cJSON_GetObjectItemCaseSensitive(nr, "cpu_pct_mean") == NULL);
    cllm_w_set_str(o, &CLLM_F_MON_SAMPLER, "other");
    CHECK_STR(cllm_r_str(o, &CLLM_F_MON_SAMPLER), "other");
    {
        int n = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, o)
            n += strcmp(v->string, "sampler") == 0;
        CHECK_INT(n, 1);
    }
    cJSON_Delete(o);
}

static void test_cleanup_writer(void)
{
    struct cllm_cleanup_result r = {0};
    cJSON *o = cJSON_CreateObject(), *c, *a;

    r.n_actions = 2;
    snprintf(r.actions[0].action, sizeof(r.actions[0].action), "free_heap");
    r.actions[0].done = true;
    snprintf(r.actions[0].detail, sizeof(r.actions[0].detail), "trimmed");
    snprintf(r.actions[1].action, sizeof(r.actions[1].action), "drop_page_cache");
    snprintf(r.actions[1].detail, sizeof(r.actions[1].detail), "not root");
    r.pause_s = 0.5;
    r.duration_s = 0.512;
    cllm_w_cleanup(o, &CLLM_F_CLEANUP, &r);
    c = cJSON_GetObjectItemCaseSensitive(o, "cleanup");
    CHECK(cJSON_IsObject(c));
    a = cJSON_GetObjectItemCaseSensitive(c, "actions");
    CHECK_INT(cJSON_GetArraySize(a), 2);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a, 0), "status")->valuestring, "done");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a, 1), "status")->valuestring, "skipped");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a, 1), "detail")->valuestring, "not root");
    CHECK_NEAR(cllm_r_num(c, &CLLM_F_CLEANUP_DURATION_S), 0.512, 1e-12);
    cJSON_Delete(o);
}

static void test_monitor_writer(void)
{
    static struct cllm_monitor_report r;   /* large: not on the stack */
    double rows[2][CLLM_MONITOR_HOST_COLS + CLLM_MONITOR_GPU_COLS];
    cJSON *o = cJSON_CreateObject(), *m, *s, *smp, *g;
    const int cols = CLLM_MONITOR_HOST_COLS + CLLM_MONITOR_GPU_COLS;

    memset(&r, 0, sizeof(r));
    snprintf(r.sampler, sizeof(r.sampler), "fake");
    r.interval_s = 0.2;
    r.n_samples = 5;
    r.samples_kept = 2;
    r.info.n_gpus = 1;
    snprintf(r.info.gpu[0].name, sizeof(r.info.gpu[0].name), "Fake GPU");
    snprintf(r.info.gpu[0].source, sizeof(r.info.gpu[0].source), "nvml");
    r.summary.duration_s = 1.23456;
    r.summary.n_samples = 5;
    r.summary.cpu_pct_mean = 33.333333;
    r.summary.cpu_pct_min = r.summary.cpu_pct_max = 40;
    r.summary.proc_cpu_pct_mean = r.summary.proc_cpu_pct_max = 100;
    r.summary.ram_used_gb_peak = 1;
    r.summary.rss_gb_peak = 0.5;
    r.summary.cpu_package_w_mean = NAN;
    r.summary.cpu_package_energy_j = NAN;
    r.summary.n_gpus = 1;
    r.summary.gpu[0] = (struct cllm_monitor_gpu_summary){50, 90, 2, 60, NAN, NAN, NAN, 1500};
    r.summary.sample_cost_ms_mean = 0.123456;
    r.summary.sample_cost_ms_max = 0.5;
    r.cols = cols;
    snprintf(r.col_why[5], sizeof(r.col_why[5]), "no RAPL");
    snprintf(r.col_why[CLLM_MONITOR_HOST_COLS + 3], sizeof(r.col_why[0]), "no power sensor");
    for (int i = 0; i < 2; i++)
        for (int c = 0; c < cols; c++)
            rows[i][c] = (c == 5 || c == CLLM_MONITOR_HOST_COLS + 3) ? NAN : i + c + 0.123456;
    r.with_samples = true;
    r.rows = 2;
    r.samples = &rows[0][0];

    cllm_w_monitor(o, &CLLM_F_MONITOR, &r);
    m = cJSON_GetObjectItemCaseSensitive(o, "monitor");
    CHECK_INT(cllm_r_num(m, &CLLM_F_MON_SAMPLES_DROPPED), 3);
    CHECK_NEAR(cllm_r_num(m, &CLLM_F_MON_SAMPLE_COST_MS_MEAN), 0.1235, 1e-12);
    s = cJSON_GetObjectItemCaseSensitive(m, "summary");
    CHECK_NEAR(cllm_r_num(s, &CLLM_F_MON_DURATION_S), 1.235, 1e-12);
    CHECK_NEAR(cllm_r_num(s, &CLLM_F_MON_CPU_PCT_MEAN), 33.33, 1e-12);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(s, "null_reasons"),
                                               "cpu_package_w_mean")->valuestring, "no RAPL");
    g = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "gpus"), 0);
    CHECK_NEAR(cllm_r_num(g, &CLLM_F_MON_SM_CLOCK_MHZ_MEAN), 1500, 0);
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "null_reasons"),
                                               "power_w_mean")->valuestring, "no power sensor");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(g, "null_reasons"),
                                               "energy_j")->valuestring, "no power sensor");
    smp = cJSON_GetObjectItemCaseSensitive(m, "samples");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(smp, "t_s")), 2);
    CHECK_NEAR(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(smp, "t_s"), 1)->valuedouble, 1.123, 1e-12);
    CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(smp, "gpu0_util_pct")));
    CHECK(cJSON_IsNull(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(smp, "gpu0_power_w"), 0)));
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(smp, "null_reasons"),
                                               "cpu_package_w")->valuestring, "no RAPL");
    CHECK(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(smp, "null_reasons"), "t_s") == NULL);
    cJSON_Delete(o);
}

static void test_hardware_writer(void)
{
    static struct cllm_hw_info hw;
    cJSON *j, *cpu, *nr;

    memset(&hw, 0, sizeof(hw));
    cllm_os_info_init(&hw.os);
    cllm_cpu_info_init(&hw.cpu);
    cllm_ram_info_init(&hw.ram);
    snprintf(hw.cpu.model, sizeof(hw.cpu.model), "Test CPU");
    hw.cpu.physical_cores = 8;
    cllm_reason_set(&hw.cpu.why, "sockets", "no topology");
    hw.ram.total_bytes = 3LL << 30;
    j = cllm_report_hardware(&hw);
    cpu = cJSON_GetObjectItemCaseSensitive(j, "cpu");
    CHECK_STR(cllm_r_str(cpu, &CLLM_F_HW_CPU_MODEL), "Test CPU");
    CHECK_NEAR(cllm_r_num(cpu, &CLLM_F_HW_CPU_PHYSICAL_CORES), 8, 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cpu, "sockets")));
    nr = cJSON_GetObjectItemCaseSensitive(cpu, "null_reasons");
    CHECK_STR(cJSON_GetObjectItemCaseSensitive(nr, "sockets")->valuestring, "no topology");
    CHECK_NEAR(cllm_r_num(cJSON_GetObjectItemCaseSensitive(j, "ram"), &CLLM_F_HW_RAM_TOTAL_GB), 3, 1e-12);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "gpu"),
                                                                  "devices")), 0);
    cJSON_Delete(j);
}

int main(void)
{
    RUN(test_committed_schema_is_generated);
    RUN(test_tables_are_complete);
    RUN(test_config_record_is_the_config_table);
    RUN(test_writer_nulls_and_readers);
    RUN(test_cleanup_writer);
    RUN(test_monitor_writer);
    RUN(test_hardware_writer);
    return test_summary();
}
