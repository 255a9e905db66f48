/* The results tree: the key paths the original's users read, names, loading and validation. */
#include <cjson/cJSON.h>
#include <math.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "report/result.h"
#include "hw/hw.h"
#include "test.h"
#include "core/json.h"
#include "core/file.h"

/* A machine described by hand: what the detectors would have filled. */
static void fake_hw(struct cllm_hw_info *hw)
{
    memset(hw, 0, sizeof(*hw));
    snprintf(hw->os.system, sizeof(hw->os.system), "Linux");
    snprintf(hw->os.machine, sizeof(hw->os.machine), "x86_64");
    snprintf(hw->os.release, sizeof(hw->os.release), "6.1.0-18-amd64");
    cllm_cpu_info_init(&hw->cpu);
    snprintf(hw->cpu.model, sizeof(hw->cpu.model), "AMD EPYC 9654 96-Core Processor");
    hw->cpu.physical_cores = 96;
    hw->cpu.logical_cores = 192;
    cllm_reason_set(&hw->cpu.why, "freq_max_mhz", "cpufreq not exposed");
    cllm_ram_info_init(&hw->ram);
    hw->ram.total_bytes = 64ll << 30;
    hw->ram.unified_memory = false;
    cllm_reason_set(&hw->ram.why, "speed_mts", "SMBIOS table not readable (needs root)");
    hw->gpu.n_devices = 0;
    hw->gpu.primary_backend = CLLM_BACKEND_NONE;
}

static int matches(const char *s, const char *re)
{
    regex_t r;
    int ok;
    if (!s || regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
        return 0;
    ok = regexec(&r, s, 0, NULL, 0) == 0;
    regfree(&r);
    return ok;
}

static void test_original_key_paths(void)
{
    struct cllm_hw_info hw;
    struct cllm_config cfg;
    cJSON *r;

    fake_hw(&hw);
    cllm_config_defaults(&cfg);
    r = cllm_result_new(&hw, &cfg, (time_t)1770388222);
    CHECK(r != NULL);
    CHECK(matches(cJSON_GetStringValue(cllm_json_path(r, "id")), "^[0-9]{8}_[0-9]{6}$"));
    CHECK(matches(cJSON_GetStringValue(cllm_json_path(r, "timestamp")),
                  "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2})?$"));
    CHECK_INT((int)cJSON_GetNumberValue(cllm_json_path(r, "schema_version")), CLLM_SCHEMA_VERSION);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "hardware.os.system")), "Linux");
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "hardware.os.machine")), "x86_64");
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "hardware.cpu.model")), "AMD EPYC 9654 96-Core Processor");
    CHECK_INT((int)cJSON_GetNumberValue(cllm_json_path(r, "hardware.cpu.physical_cores")), 96);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "hardware.gpu.primary_backend")), "none");
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(r, "hardware.ram.total_gb")), 64.0, 1e-9);
    CHECK(cJSON_IsFalse(cllm_json_path(r, "hardware.ram.unified_memory")));
    CHECK(cJSON_IsObject(cllm_json_path(r, "classic_benchmarks.benchmarks")));
    CHECK(cJSON_IsObject(cllm_json_path(r, "ai_benchmarks.results")));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "tool.name")), "computellm");
    CHECK(cJSON_IsString(cllm_json_path(r, "tool.git_commit")));
    CHECK(cJSON_IsString(cllm_json_path(r, "tool.version")));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "run.status")), "running");
    CHECK_INT((int)cJSON_GetNumberValue(cllm_json_path(r, "config.inference.max_tokens")), 256);
    cJSON_Delete(r);
}

static void test_unknown_is_null_with_reason(void)
{
    struct cllm_hw_info hw;
    cJSON *r;
    fake_hw(&hw);
    r = cllm_result_new(&hw, NULL, time(NULL));
    CHECK(cJSON_IsNull(cllm_json_path(r, "hardware.cpu.frequency.max_mhz")));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "hardware.cpu.frequency.null_reasons.max_mhz")),
              "cpufreq not exposed");
    CHECK(cJSON_IsNull(cllm_json_path(r, "hardware.ram.speed_mts")));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(r, "hardware.ram.null_reasons.speed_mts")),
              "SMBIOS table not readable (needs root)");
    /* every null in the hardware section has a reason beside it */
    CHECK(cJSON_IsNull(cllm_json_path(r, "hardware.cpu.vendor")));
    CHECK(cJSON_IsString(cllm_json_path(r, "hardware.cpu.null_reasons.vendor")));
    cJSON_Delete(r);
}

static void test_path_lookup_with_brackets(void)
{
    cJSON *doc = cJSON_Parse("{\"classic_benchmarks\":{\"benchmarks\":{\"cpu_multi_thread\":{\"results\":"
                             "{\"2048x2048\":{\"gflops\":190.5}}}}},\"ai_benchmarks\":{\"results\":"
                             "{\"tinyllama-1.1b\":{\"summary\":{\"avg_tokens_per_second\":47.2}}}},\"list\":[1,2,3]}");
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(
                   doc, "classic_benchmarks.benchmarks.cpu_multi_thread.results[\"2048x2048\"].gflops")),
               190.5, 1e-12);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(
                   doc, "classic_benchmarks.benchmarks.cpu_multi_thread.results[2048x2048].gflops")),
               190.5, 1e-12);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(
                   doc, "ai_benchmarks.results[tinyllama-1.1b].summary.avg_tokens_per_second")),
               47.2, 1e-12);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(doc, "list[2]")), 3, 0);
    CHECK(cllm_json_path(doc, "list[7]") == NULL);
    CHECK(cllm_json_path(doc, "nope.deeper") == NULL);
    cJSON_Delete(doc);
}

static void test_filename_is_sanitised(void)
{
    struct cllm_hw_info hw;
    char name[256];
    cJSON *r;
    fake_hw(&hw);
    snprintf(hw.cpu.model, sizeof(hw.cpu.model), "Intel(R) Xeon(R) Gold 6430 @ 2.1GHz / x");
    r = cllm_result_new(&hw, NULL, (time_t)1770388222);
    cllm_result_filename(r, name, sizeof(name));
    CHECK(matches(name, "^benchmark_Intel_R_Xeon_R_Gold_6430_2_1GHz_x_Linux_[0-9]{8}_[0-9]{6}\\.json$"));
    CHECK(strchr(name, '/') == NULL && strchr(name, ' ') == NULL);
    cJSON_Delete(r);
}

static void test_write_then_load(void)
{
    struct cllm_hw_info hw;
    char dir[128], path[512], err[256];
    cJSON *r, *back = NULL;
    fake_hw(&hw);
    snprintf(dir, sizeof(dir), "/tmp/cllm_result_%d/sub", (int)getpid());
    r = cllm_result_new(&hw, NULL, time(NULL));
    cllm_result_set_status(r, "complete", time(NULL));
    CHECK_INT(cllm_result_write(r, dir, path, sizeof(path), err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_result_load(path, &back, err, sizeof(err)), CLLM_OK);
    CHECK(back && cJSON_Compare(r, back, 1));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(back, "run.status")), "complete");
    unlink(path);
    cJSON_Delete(r);
    cJSON_Delete(back);
}

/* The test suite's schema check sees every results file: a write leaves a copy in $CLLM_TEST_RESULTS_COPY. */
static void test_write_leaves_test_copy(void)
{
    struct cllm_hw_info hw;
    char dir[128], copies[128], path[512], copy[700], err[256], name[256], *a = NULL, *b = NULL;
    const char *old = getenv(CLLM_TEST_RESULTS_COPY_ENV);
    char *saved = old ? strdup(old) : NULL;
    size_t la = 0, lb = 0;
    cJSON *r;

    fake_hw(&hw);
    snprintf(dir, sizeof(dir), "/tmp/cllm_result_copy_%d/out", (int)getpid());
    snprintf(copies, sizeof(copies), "/tmp/cllm_result_copy_%d/copies", (int)getpid());
    setenv(CLLM_TEST_RESULTS_COPY_ENV, copies, 1);
    r = cllm_result_new(&hw, NULL, time(NULL));
    cllm_result_set_status(r, "complete", time(NULL));
    CHECK_INT(cllm_result_write(r, dir, path, sizeof(path), err, sizeof(err)), CLLM_OK);
    cllm_result_filename(r, name, sizeof(name));
    snprintf(copy, sizeof(copy), "%s/%d_%s", copies, (int)getpid(), name);
    CHECK_INT(cllm_file_read(path, 1u << 20, &a, &la, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_file_read(copy, 1u << 20, &b, &lb, err, sizeof(err)), CLLM_OK);
    CHECK(a && b && la == lb && memcmp(a, b, la) == 0);
    unlink(path);
    unlink(copy);
    free(a);
    free(b);
    cJSON_Delete(r);
    if (saved)
        setenv(CLLM_TEST_RESULTS_COPY_ENV, saved, 1);
    else
        unsetenv(CLLM_TEST_RESULTS_COPY_ENV);
    free(saved);
}

static void test_load_refuses_what_is_not_a_result(void)
{
    static const struct { const char *text; const char *needle; } cases[] = {
        {"not json", "not valid JSON"},
        {"[1,2]", "object"},
        {"{\"id\":\"x\"}", "schema_version"},
        {"{\"schema_version\":1,\"id\":5}", "'id' must be a string"},
        {"{\"schema_version\":1,\"id\":\"x\",\"timestamp\":\"t\",\"hardware\":{\"os\":{},\"cpu\":{},\"ram\":{}}}",
         "hardware.gpu"},
        {"{\"schema_version\":99,\"id\":\"x\",\"timestamp\":\"t\",\"hardware\":{\"os\":{},\"cpu\":{},\"ram\":{},"
         "\"gpu\":{}}}",
         "newer"},
        /* an untrusted number: 1e999 is inf in a double, which was cast to int (a fuzz finding) */
        {"{\"schema_version\":1e999,\"id\":\"x\",\"timestamp\":\"t\",\"hardware\":{\"os\":{},\"cpu\":{},\"ram\":{},"
         "\"gpu\":{}}}",
         "schema_version inf: expected a whole number from 1"},
        {"{\"schema_version\":1.5,\"id\":\"x\",\"timestamp\":\"t\",\"hardware\":{\"os\":{},\"cpu\":{},\"ram\":{},"
         "\"gpu\":{}}}",
         "schema_version 1.5"},
        {"{\"schema_version\":0,\"id\":\"x\",\"timestamp\":\"t\",\"hardware\":{\"os\":{},\"cpu\":{},\"ram\":{},"
         "\"gpu\":{}}}",
         "schema_version 0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *out = (cJSON *)1;
        char err[256] = "";
        CHECK(cllm_result_parse(cases[i].text, "up.json", &out, err, sizeof(err)) != CLLM_OK);
        CHECK(out == NULL);
        if (!strstr(err, cases[i].needle))
            fprintf(stderr, "case %zu: \"%s\" lacks \"%s\"\n", i, err, cases[i].needle);
        CHECK(strstr(err, cases[i].needle) != NULL);
    }
}

/* Two runs of the same second have one name: the second file gets "_2", the first is kept whole. */
static void test_write_never_replaces(void)
{
    struct cllm_hw_info hw;
    char dir[128], p1[512], p2[512], err[256];
    cJSON *a, *b, *back = NULL;
    time_t t = time(NULL);
    fake_hw(&hw);
    snprintf(dir, sizeof(dir), "/tmp/cllm_result_%d/same", (int)getpid());
    a = cllm_result_new(&hw, NULL, t);
    b = cllm_result_new(&hw, NULL, t);
    cllm_result_set_status(a, "complete", t);
    cllm_result_set_status(b, "cancelled", t);
    CHECK_INT(cllm_result_write(a, dir, p1, sizeof(p1), err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_result_write(b, dir, p2, sizeof(p2), err, sizeof(err)), CLLM_OK);
    CHECK(strcmp(p1, p2) != 0);
    CHECK(matches(p2, "/benchmark_AMD_EPYC_9654_96_Core_Processor_Linux_[0-9]{8}_[0-9]{6}_2\\.json$"));
    CHECK_INT(cllm_result_load(p1, &back, err, sizeof(err)), CLLM_OK);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(back, "run.status")), "complete");
    cJSON_Delete(back);
    CHECK_INT(cllm_result_load(p2, &back, err, sizeof(err)), CLLM_OK);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(back, "run.status")), "cancelled");
    cJSON_Delete(back);
    unlink(p1);
    unlink(p2);
    rmdir(dir);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

static void test_fallback_order(void)
{
    char d[512];
    char *old_state = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;
    char *old_tmp = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;

    setenv("XDG_STATE_HOME", "/srv/state", 1);
    setenv("TMPDIR", "/var/tmp", 1);
    CHECK(cllm_result_fallback_dir(0, d, sizeof(d)) && strcmp(d, "/srv/state/computellm") == 0);
    CHECK(cllm_result_fallback_dir(1, d, sizeof(d)) && strcmp(d, "/var/tmp") == 0);
    CHECK(cllm_result_fallback_dir(2, d, sizeof(d)) && strcmp(d, "/tmp") == 0);
    CHECK(!cllm_result_fallback_dir(3, d, sizeof(d)));
    /* a relative XDG_STATE_HOME is ignored (base-directory spec): ~/.local/state */
    setenv("XDG_STATE_HOME", "rel/state", 1);
    setenv("HOME", getenv("HOME") ? getenv("HOME") : "/root", 1);
    CHECK(cllm_result_fallback_dir(0, d, sizeof(d)));
    CHECK(strstr(d, "/.local/state/computellm") != NULL && d[0] == '/');
    unsetenv("TMPDIR");
    CHECK(cllm_result_fallback_dir(1, d, sizeof(d)) && strcmp(d, "/tmp") == 0);
    CHECK(!cllm_result_fallback_dir(2, d, sizeof(d)));
    if (old_state)
        setenv("XDG_STATE_HOME", old_state, 1);
    else
        unsetenv("XDG_STATE_HOME");
    if (old_tmp)
        setenv("TMPDIR", old_tmp, 1);
    free(old_state);
    free(old_tmp);
}

/* A results folder that cannot be written (here: under a regular file, which holds for root too): the results
 * land in $XDG_STATE_HOME/computellm, the call says so and returns an error. */
static void test_save_falls_back(void)
{
    struct cllm_hw_info hw;
    char base[128], state[256], bad[256], path[512], err[1024], want[300];
    bool elsewhere = false;
    cJSON *r, *back = NULL;
    FILE *f;
    char *old_state = getenv("XDG_STATE_HOME") ? strdup(getenv("XDG_STATE_HOME")) : NULL;

    fake_hw(&hw);
    snprintf(base, sizeof(base), "/tmp/cllm_result_fb_%d", (int)getpid());
    mkdir(base, 0755);
    snprintf(state, sizeof(state), "%s/state", base);
    snprintf(bad, sizeof(bad), "%s/file/results", base);
    f = fopen(test_join(base, "file"), "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    setenv("XDG_STATE_HOME", state, 1);
    r = cllm_result_new(&hw, NULL, time(NULL));
    cllm_result_set_status(r, "complete", time(NULL));
    CHECK_INT(cllm_result_save(r, base, path, sizeof(path), &elsewhere, err, sizeof(err)), CLLM_OK);
    CHECK(!elsewhere && strncmp(path, base, strlen(base)) == 0);
    unlink(path);
    CHECK_INT(cllm_result_save(r, bad, path, sizeof(path), &elsewhere, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(elsewhere);
    snprintf(want, sizeof(want), "%s/computellm/benchmark_", state);
    CHECK(strncmp(path, want, strlen(want)) == 0);
    CHECK(strstr(err, bad) != NULL && strstr(err, path) != NULL);
    CHECK_INT(cllm_result_load(path, &back, err, sizeof(err)), CLLM_OK);
    CHECK(back && cJSON_Compare(r, back, 1));
    cJSON_Delete(back);
    unlink(path);
    if (old_state)
        setenv("XDG_STATE_HOME", old_state, 1);
    else
        unsetenv("XDG_STATE_HOME");
    free(old_state);
    cJSON_Delete(r);
    test_rmtree(base);
}

int main(void)
{
    RUN(test_original_key_paths);
    RUN(test_unknown_is_null_with_reason);
    RUN(test_path_lookup_with_brackets);
    RUN(test_filename_is_sanitised);
    RUN(test_write_then_load);
    RUN(test_write_leaves_test_copy);
    RUN(test_load_refuses_what_is_not_a_result);
    RUN(test_write_never_replaces);
    RUN(test_fallback_order);
    RUN(test_save_falls_back);
    return test_summary();
}
