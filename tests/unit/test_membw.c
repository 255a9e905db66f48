/* Memory bandwidth phase: byte counts, STREAM-style validation catching a wrong value, array sizing. */
#include <cjson/cJSON.h>
#include <math.h>

#include "bench/membw.h"
#include "core/result.h"
#include "test.h"

static void test_bytes_per_kernel(void)
{
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_WRITE, 1000), 8000, 0);
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_READ, 1000), 8000, 0);
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_COPY, 1000), 16000, 0);
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_TRIAD, 1000), 24000, 0);
    CHECK_STR(cllm_membw_kernel_name(CLLM_MEMBW_TRIAD), "triad");
}

static void test_check_catches_a_wrong_element(void)
{
    double a[64], b[64], c[64];
    for (int i = 0; i < 64; i++)
        a[i] = 5, b[i] = 2, c[i] = 1;
    CHECK_NEAR(cllm_membw_check(a, b, c, 64, 5, 2, 1), 0, 0);
    c[40] = 1.5;
    CHECK(cllm_membw_check(a, b, c, 64, 5, 2, 1) >= 0.5);
    c[40] = NAN;
    CHECK(isinf(cllm_membw_check(a, b, c, 64, 5, 2, 1)));
}

static void test_small_run_is_valid(void)
{
    struct cllm_membw_params p = cllm_membw_default_params();
    cJSON *ph = cJSON_CreateObject();
    p.array_bytes = 4u << 20;
    p.llc_bytes = -1;
    p.threads_all = 2;
    cllm_membw_run(&p, ph);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "ok");
    CHECK(cJSON_IsTrue(cllm_json_path(ph, "validation.passed")));
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "array_bytes")), 4 << 20, 0);
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        char path[96];
        double all;
        snprintf(path, sizeof(path), "results.all_threads.%s.gbps", cllm_membw_kernel_name(k));
        all = cJSON_GetNumberValue(cllm_json_path(ph, path));
        CHECK(all > 0.1);
        snprintf(path, sizeof(path), "results.single_thread.%s.times_s", cllm_membw_kernel_name(k));
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(ph, path)), 5);
        /* the phase's headline number is the all-threads best */
        snprintf(path, sizeof(path), "%s_gbps", cllm_membw_kernel_name(k));
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, path)), all, 0);
    }
    /* gbps is the best pass: bytes / shortest time */
    {
        cJSON *times = cllm_json_path(ph, "results.single_thread.copy.times_s"), *t;
        double best = 1e9;
        cJSON_ArrayForEach(t, times) if (t->valuedouble < best) best = t->valuedouble;
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "results.single_thread.copy.gbps")),
                   16.0 * (double)(4 << 20) / 8.0 / best / 1e9, 1e-6);
    }
    cJSON_Delete(ph);
}

static void test_arrays_are_at_least_4x_llc(void)
{
    struct cllm_membw_params p = cllm_membw_default_params();
    cJSON *ph = cJSON_CreateObject();
    p.array_bytes = 1u << 20;
    p.llc_bytes = 2u << 20;
    p.threads_all = 1;
    cllm_membw_run(&p, ph);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "array_bytes")), 8 << 20, 0);
    cJSON_Delete(ph);
}

int main(void)
{
    RUN(test_bytes_per_kernel);
    RUN(test_check_catches_a_wrong_element);
    RUN(test_small_run_is_valid);
    RUN(test_arrays_are_at_least_4x_llc);
    return test_summary();
}
