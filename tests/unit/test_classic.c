/* The classic runner and its writer: the struct a run fills (status per phase, duration, the section status,
 * cancel between phases) and the section JSON report/write_classic.c makes of it (benchmarks.<phase> replaced,
 * the section's earlier status and reason replaced, a monitor that did not start written with its reason). */
#include <cjson/cJSON.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "classic/classic.h"
#include "core/config.h"
#include "core/json.h"
#include "hw/hw.h"
#include "report/write_classic.h"
#include "test.h"

static struct cllm_hw_info g_hw;

static struct cllm_classic_params params(const struct cllm_config *cfg)
{
    struct cllm_classic_params p = cllm_classic_default_params();
    p.cfg = cfg;
    p.hw = &g_hw;
    p.cleanup = false;
    p.monitor = false;
    return p;
}

static struct cllm_config small_config(void)
{
    struct cllm_config c;
    cllm_config_defaults(&c);
    c.n_cpu_matrix_sizes = 1;
    c.cpu_matrix_sizes[0] = 32;
    c.gemm_iterations = 2;
    return c;
}

static int g_events[2];

static void count_events(enum cllm_phase_event ev, int index, int count, const struct cllm_classic_result *r,
                         void *user_data)
{
    (void)count;
    (void)user_data;
    g_events[ev]++;
    /* at DONE the phase's own result is there */
    if (ev == CLLM_PHASE_DONE)
        CHECK(cllm_classic_phase_status(r, index) != CLLM_CLASSIC_NONE);
}

/* One phase only: the struct says which ran; the writer replaces that phase and the section's status. */
static void test_one_phase_written(void)
{
    struct cllm_config cfg = small_config();
    struct cllm_classic_params p = params(&cfg);
    static struct cllm_classic_result r;
    cJSON *section = cJSON_CreateObject(), *bm, *ph;
    enum cllm_classic_status st;

    cJSON_AddStringToObject(section, "status", "running");
    cJSON_AddStringToObject(section, "reason", "stale");
    bm = cJSON_AddObjectToObject(section, "benchmarks");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(bm, "cpu_single_thread"), "old", "replaced");
    p.only = CLLM_CLASSIC_CPU_SINGLE;
    p.progress = count_events;
    memset(g_events, 0, sizeof(g_events));
    cllm_classic_run(&p, &r);
    CHECK_INT(g_events[CLLM_PHASE_START], 1);
    CHECK_INT(g_events[CLLM_PHASE_DONE], 1);
    CHECK(r.phase[CLLM_CLASSIC_CPU_SINGLE].ran && r.phase[CLLM_CLASSIC_CPU_SINGLE].finished);
    CHECK(!r.phase[CLLM_CLASSIC_CPU_MULTI].ran && !r.phase[CLLM_CLASSIC_MEMORY].ran);
    CHECK(r.phase[CLLM_CLASSIC_CPU_SINGLE].duration_s >= 0);
    st = cllm_classic_phase_status(&r, CLLM_CLASSIC_CPU_SINGLE);
    /* ok with OpenBLAS, skipped without it: either way the section is ok */
    CHECK(st == CLLM_CLASSIC_OK || st == CLLM_CLASSIC_SKIPPED);
    CHECK_INT(r.status, CLLM_CLASSIC_OK);
    CHECK_INT(cllm_classic_phase_status(&r, CLLM_CLASSIC_GPU), CLLM_CLASSIC_NONE);

    cllm_write_classic(section, &r);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(section, "status")), "ok");
    CHECK(!cJSON_GetObjectItem(section, "reason"));
    ph = cllm_json_path(section, "benchmarks.cpu_single_thread");
    CHECK(cJSON_IsObject(ph));
    CHECK(!cJSON_GetObjectItem(ph, "old"));
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(ph, "status")), cllm_write_classic_status_name(st));
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(ph, "duration_s")),
               r.phase[CLLM_CLASSIC_CPU_SINGLE].duration_s, 0);
    CHECK(!cJSON_GetObjectItem(ph, "cleanup"));   /* cleanup off */
    CHECK(!cJSON_GetObjectItem(ph, "monitor"));   /* monitor off */
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(section, "benchmarks")), 1);
    if (st == CLLM_CLASSIC_OK)
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "results[\"32x32\"].gflops")), r.cpu_single.sizes[0].gflops,
                   0);
    cllm_classic_result_free(&r);
    cJSON_Delete(section);
}

/* A monitor that was asked for but did not start: {"summary": null, "reason"}. */
static void test_monitor_fallback(void)
{
    static struct cllm_classic_result r;
    cJSON *ph;

    memset(&r, 0, sizeof(r));
    r.phase[CLLM_CLASSIC_MEMORY].ran = r.phase[CLLM_CLASSIC_MEMORY].finished = true;
    r.phase[CLLM_CLASSIC_MEMORY].monitor_asked = true;
    snprintf(r.phase[CLLM_CLASSIC_MEMORY].monitor_error, sizeof(r.phase[0].monitor_error), "no /proc");
    r.memory.status = CLLM_CLASSIC_SKIPPED;
    snprintf(r.memory.message, sizeof(r.memory.message), "too little RAM");
    r.memory.array_bytes = 1024;
    r.memory.ram_available_bytes = 10;
    ph = cllm_write_classic_phase(&r, CLLM_CLASSIC_MEMORY);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(ph, "status")), "skipped");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(ph, "reason")), "too little RAM");
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItem(ph, "ram_available_bytes")), 10, 0);
    CHECK(cJSON_IsNull(cllm_json_path(ph, "monitor.summary")));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "monitor.reason")), "no /proc");
    cJSON_Delete(ph);
    /* a phase that did not run gives an empty object */
    ph = cllm_write_classic_phase(&r, CLLM_CLASSIC_GPU);
    CHECK(ph && !ph->child);
    cJSON_Delete(ph);
}

/* Cancelled before the first phase: nothing runs, the section is partial. */
static void test_cancel_between_phases(void)
{
    struct cllm_config cfg = small_config();
    struct cllm_classic_params p = params(&cfg);
    static struct cllm_classic_result r;
    static volatile sig_atomic_t cancel = 1;
    cJSON *section = cJSON_CreateObject();

    p.cancel = &cancel;
    cllm_classic_run(&p, &r);
    CHECK_INT(r.status, CLLM_CLASSIC_PARTIAL);
    for (int i = 0; i < CLLM_CLASSIC_PHASE_COUNT; i++)
        CHECK(!r.phase[i].ran);
    cllm_write_classic(section, &r);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(section, "status")), "partial");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(section, "benchmarks")), 0);
    cllm_classic_result_free(&r);
    cJSON_Delete(section);
}

/* Every phase in one run: cpu_multi_thread is compared with cpu_single_thread at the same size (the suspect flag
 * is there whenever the multi-thread phase ran more than one thread), and each phase's monitor gives other
 * processes' CPU share. */
static void test_cpu_phases_compared(void)
{
    struct cllm_config cfg = small_config();
    struct cllm_classic_params p = params(&cfg);
    static struct cllm_classic_result r;
    cJSON *section = cJSON_CreateObject(), *multi;
    const struct cllm_cpugemm_size *z;

    cfg.memory_array_mb = 8;
    cfg.n_gpu_matrix_sizes = 1;
    cfg.gpu_matrix_sizes[0] = 256;
    p.monitor = true;
    p.keep_samples = false;
    cllm_classic_run(&p, &r);
    if (r.cpu_single.status == CLLM_CLASSIC_SKIPPED) {
        cllm_classic_result_free(&r);
        cJSON_Delete(section);
        SKIP("built without OpenBLAS");
    }
    CHECK_INT(r.cpu_single.status, CLLM_CLASSIC_OK);
    CHECK_INT(r.cpu_multi.status, CLLM_CLASSIC_OK);
    CHECK_INT(r.cpu_multi.n_sizes, 1);
    z = &r.cpu_multi.sizes[0];
    /* until 0.25 s passed, or the cap on products (a 32x32 product takes microseconds) */
    CHECK(z->warmup_products >= 1 && (z->warmup_s >= 0.25 || z->warmup_products == CLLM_CPUGEMM_MAX_WARMUP));
    CHECK(z->suspect_checked == (r.cpu_multi.threads_requested > 1));
    CHECK(z->suspect == (z->suspect_checked && z->gflops < r.cpu_single.sizes[0].gflops));
    cllm_write_classic(section, &r);
    multi = cllm_json_path(section, "benchmarks.cpu_multi_thread");
    if (z->suspect_checked)
        CHECK(cJSON_IsBool(cllm_json_path(multi, "results[\"32x32\"].suspect")));
    CHECK(cllm_json_path(section, "benchmarks.cpu_single_thread.results[\"32x32\"].suspect") == NULL);
    CHECK(strstr(cJSON_GetStringValue(cllm_json_path(multi, "method")), "untimed") != NULL);
    for (int i = 0; i < CLLM_CLASSIC_PHASE_COUNT; i++)
        if (r.phase[i].has_monitor) {
            double o = r.phase[i].monitor.summary.other_cpu_pct_mean;
            CHECK(isnan(o) || (o >= 0 && o <= 100));
        }
    CHECK(r.phase[CLLM_CLASSIC_CPU_MULTI].has_monitor);
    CHECK(cllm_json_path(multi, "monitor.summary.other_cpu_pct_mean") != NULL);
    cllm_classic_result_free(&r);
    cJSON_Delete(section);
}

int main(void)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    cllm_hw_detect(&hp, &g_hw);
    RUN(test_one_phase_written);
    RUN(test_monitor_fallback);
    RUN(test_cancel_between_phases);
    RUN(test_cpu_phases_compared);
    return test_summary();
}
