/* CPU GFLOPS phase: formulas, validation catching a wrong product, thread forcing, JSON names. */
#include <cjson/cJSON.h>
#include <math.h>

#include "core/stats.h"
#include "classic/cpu_gemm.h"
#include "report/write_classic.h"
#include "report/result.h"
#include "hw/hw.h"
#include "test.h"
#include "core/json.h"

static void naive_sgemm(int n, const float *a, const float *b, float *c)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            float s = 0;
            for (int k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

/* Fast and wrong: one element off by a lot. */
static void wrong_sgemm(int n, const float *a, const float *b, float *c)
{
    naive_sgemm(n, a, b, c);
    c[n + 1] += 10.0f;
}

/* Right on small products, wrong on larger ones: only the spot check at the timed size can catch it. */
static void wrong_when_large(int n, const float *a, const float *b, float *c)
{
    naive_sgemm(n, a, b, c);
    if (n > 128)
        for (int i = 0; i < n * n; i++)
            c[i] *= 1.01f;
}

static void test_formulas(void)
{
    struct cllm_stats s;
    double v[] = {1, 2, 3, 4};
    CHECK_NEAR(cllm_gemm_gflops(2048, 0.1), 2.0 * 2048.0 * 2048.0 * 2048.0 / 0.1 / 1e9, 1e-9);
    CHECK_NEAR(cllm_gemm_gflops(1000, 2.0), 1.0, 1e-12);
    CHECK(isnan(cllm_gemm_gflops(100, 0)));
    CHECK_NEAR(cllm_bandwidth_gbps(3e9, 1.5), 2.0, 1e-12);
    cllm_stats_compute(v, 4, &s);
    CHECK_NEAR(s.mean, 2.5, 1e-12);
    CHECK_NEAR(s.std, sqrt(5.0 / 3.0), 1e-12);
    CHECK_NEAR(s.min, 1, 0);
    CHECK_NEAR(s.max, 4, 0);
}

static void test_rel_error(void)
{
    float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {19, 22, 43, 50};
    CHECK_NEAR(cllm_sgemm_rel_error(2, a, b, c), 0, 1e-12);
    c[3] = 51;
    CHECK(cllm_sgemm_rel_error(2, a, b, c) > 1e-3);
}

static const int g_sizes[] = {64, 96};

/* Runs the phase into its struct and returns the writer's JSON of it (what the results file holds). */
static cJSON *run_iters(cllm_sgemm_fn fn, int threads, const int *sizes, int n_sizes, int iterations,
                        struct cllm_cpugemm_result *r)
{
    struct cllm_cpugemm_params p = cllm_cpugemm_default_params();
    cJSON *phase = cJSON_CreateObject();
    p.sizes = sizes;
    p.n_sizes = n_sizes;
    p.threads = threads;
    p.validate_n = 32;
    p.iterations = iterations;
    p.sgemm = fn;
    cllm_cpugemm_run(&p, NULL, r);
    cllm_write_cpu_gemm(phase, r);
    return phase;
}

static cJSON *run_with(cllm_sgemm_fn fn, int threads, const int *sizes, int n_sizes)
{
    struct cllm_cpugemm_result r;
    cJSON *phase = run_iters(fn, threads, sizes, n_sizes, 3, &r);
    cllm_cpugemm_result_free(&r);
    return phase;
}

/* The struct holds what the JSON says; classic.gemm_iterations up to its maximum (100) is every product timed. */
static void test_struct_and_every_iteration(void)
{
    static const int sizes[] = {16, 24};
    struct cllm_cpugemm_result r;
    cJSON *ph = run_iters(naive_sgemm, 1, sizes, 2, 100, &r);
    CHECK_INT(r.status, CLLM_CLASSIC_OK);
    CHECK_INT(r.n_sizes, 2);
    CHECK_INT(r.sizes[1].n, 24);
    CHECK_INT(r.sizes[1].iterations, 100);
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(ph, "results[\"24x24\"].times_s")), 100);
    CHECK_INT((int)cJSON_GetNumberValue(cllm_json_path(ph, "results[\"24x24\"].iterations")), 100);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "results[\"24x24\"].gflops")), r.sizes[1].gflops, 0);
    CHECK(r.validation_passed);
    CHECK(cJSON_IsTrue(cllm_json_path(ph, "validation.passed")));
    CHECK_INT(r.threads_requested, 1);
    cllm_cpugemm_result_free(&r);
    cJSON_Delete(ph);
}

static void test_wrong_result_fails_the_phase(void)
{
    static const int big[] = {64, 192};
    cJSON *ph = run_with(wrong_sgemm, 1, g_sizes, 2);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "failed");
    CHECK(strstr(cJSON_GetStringValue(cllm_json_path(ph, "error")), "wrong") != NULL);
    CHECK(cJSON_IsFalse(cllm_json_path(ph, "validation.passed")));
    cJSON_Delete(ph);

    ph = run_with(wrong_when_large, 1, big, 2);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "failed");
    CHECK(strstr(cJSON_GetStringValue(cllm_json_path(ph, "error")), "192x192") != NULL);
    CHECK(cJSON_IsTrue(cllm_json_path(ph, "validation.passed")));
    cJSON_Delete(ph);
}

static void test_json_names_with_a_correct_product(void)
{
    cJSON *ph = run_with(naive_sgemm, 1, g_sizes, 2), *r;
    double mean;
    if (getenv("CLLM_TEST_DEBUG"))
        fprintf(stderr, "%s\n", cJSON_Print(ph));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "ok");
    r = cllm_json_path(ph, "results[\"96x96\"]");
    CHECK(cJSON_IsObject(r));
    mean = cJSON_GetNumberValue(cllm_json_path(r, "time_s_mean"));
    /* gflops is computed from the mean time, as the original */
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(r, "gflops")), cllm_gemm_gflops(96, mean), 1e-9);
    CHECK(cJSON_GetNumberValue(cllm_json_path(r, "gflops_best")) >= cJSON_GetNumberValue(cllm_json_path(r, "gflops")));
    CHECK_INT(cJSON_GetArraySize(cllm_json_path(r, "times_s")), 3);
    CHECK(cJSON_IsObject(cllm_json_path(ph, "results[\"64x64\"]")));
    cJSON_Delete(ph);
}

static void test_openblas_single_thread_is_one_thread(void)
{
    static const int sizes[] = {1536};  /* ~70 ms a product: long enough to measure the threads used */
    cJSON *ph;
    if (!cllm_blas_info())
        SKIP("built without OpenBLAS");
    ph = run_with(NULL, 1, sizes, 1);
    if (getenv("CLLM_TEST_DEBUG"))
        fprintf(stderr, "%s\n", cJSON_Print(ph));
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "ok");
    CHECK_INT((int)cJSON_GetNumberValue(cllm_json_path(ph, "blas_threads")), 1);
    CHECK(cJSON_GetNumberValue(cllm_json_path(ph, "results[1536x1536].effective_threads")) <= 1.3);
    CHECK(cJSON_GetNumberValue(cllm_json_path(ph, "results[1536x1536].gflops")) > 0.1);
    CHECK(cJSON_GetNumberValue(cllm_json_path(ph, "validation.max_rel_error")) < 1e-5);
    CHECK_STR(getenv("OPENBLAS_NUM_THREADS"), "1");
    CHECK_STR(getenv("OMP_NUM_THREADS"), "1");
    cJSON_Delete(ph);
}

static void test_peak_estimate(void)
{
    struct cllm_cpu_info c;
    char basis[320];
    cllm_cpu_info_init(&c);
    snprintf(c.vendor, sizeof(c.vendor), "GenuineIntel");
    c.isa[CLLM_ISA_AVX512F] = CLLM_TRI_YES;
    c.freq_max_mhz = 3000;
    CHECK_NEAR(cllm_cpugemm_peak_gflops(&c, 8, basis, sizeof(basis)), 8 * 3.0 * 64, 1e-9);
    CHECK(strstr(basis, "estimate") != NULL);
    snprintf(c.vendor, sizeof(c.vendor), "AuthenticAMD");
    CHECK_NEAR(cllm_cpugemm_peak_gflops(&c, 2, basis, sizeof(basis)), 2 * 3.0 * 32, 1e-9);
    c.isa[CLLM_ISA_AVX512F] = CLLM_TRI_NO;
    c.isa[CLLM_ISA_AVX2] = CLLM_TRI_YES;
    c.isa[CLLM_ISA_FMA] = CLLM_TRI_YES;
    c.freq_max_mhz = NAN;
    c.freq_current_mhz = 2500;
    CHECK_NEAR(cllm_cpugemm_peak_gflops(&c, 4, basis, sizeof(basis)), 4 * 2.5 * 32, 1e-9);
    CHECK(strstr(basis, "current clock") != NULL);
    c.freq_current_mhz = NAN;
    CHECK(isnan(cllm_cpugemm_peak_gflops(&c, 4, basis, sizeof(basis))));
}

/* A result of the given sizes and gflops, as the phase would leave it (sizes malloc'd: freed by the caller). */
static void fake_result(struct cllm_cpugemm_result *r, int threads, const int *n, const double *gflops, int count)
{
    memset(r, 0, sizeof(*r));
    r->status = CLLM_CLASSIC_OK;
    r->threads_requested = threads;
    r->has_results = true;
    r->sizes = calloc((size_t)count, sizeof(*r->sizes));
    r->n_sizes = count;
    for (int i = 0; i < count; i++) {
        r->sizes[i].n = n[i];
        r->sizes[i].gflops = gflops[i];
        r->sizes[i].gflops_best = gflops[i] * 1.5;
    }
}

/* The suspect flag from given numbers: set where the multi-thread result is below the single-thread one at the same
 * size, unset where it is not, unchecked where there is nothing to compare with. */
static void test_suspect_flag(void)
{
    static const int n1[] = {512, 1024, 2048}, n16[] = {512, 1024, 2048, 4096};
    static const double g1[] = {95.0, 100.0, 105.0}, g16[] = {18.0, 900.0, 105.0, 1200.0};
    struct cllm_cpugemm_result one, many;
    cJSON *ph;

    fake_result(&one, 1, n1, g1, 3);
    fake_result(&many, 16, n16, g16, 4);
    CHECK_INT(cllm_cpugemm_mark_suspect(&one, &many), 1);
    CHECK(many.sizes[0].suspect_checked && many.sizes[0].suspect);
    CHECK(strstr(many.sizes[0].suspect_reason, "18.0 GFLOPS") != NULL);
    CHECK(strstr(many.sizes[0].suspect_reason, "95.0") != NULL);
    CHECK(strstr(many.sizes[0].suspect_reason, "512x512") != NULL);
    CHECK(many.sizes[1].suspect_checked && !many.sizes[1].suspect);
    CHECK_STR(many.sizes[1].suspect_reason, "");
    CHECK(many.sizes[2].suspect_checked && !many.sizes[2].suspect);   /* equal is not below */
    CHECK(!many.sizes[3].suspect_checked && !many.sizes[3].suspect);  /* no single-thread 4096 */

    /* in the results: the flag where checked, the reason where suspect */
    ph = cJSON_CreateObject();
    cllm_write_cpu_gemm(ph, &many);
    CHECK(cJSON_IsTrue(cllm_json_path(ph, "results[\"512x512\"].suspect")));
    CHECK(strstr(cJSON_GetStringValue(cllm_json_path(ph, "results[\"512x512\"].suspect_reason")), "below") != NULL);
    CHECK(cJSON_IsFalse(cllm_json_path(ph, "results[\"1024x1024\"].suspect")));
    CHECK(cllm_json_path(ph, "results[\"1024x1024\"].suspect_reason") == NULL);
    CHECK(cllm_json_path(ph, "results[\"4096x4096\"].suspect") == NULL);
    cJSON_Delete(ph);

    /* a faster multi-thread run clears an earlier mark */
    many.sizes[0].gflops = 300.0;
    CHECK_INT(cllm_cpugemm_mark_suspect(&one, &many), 0);
    CHECK(!many.sizes[0].suspect);
    /* nothing to compare against: a failed single-thread phase, or a "multi" run on one thread */
    many.sizes[0].gflops = 18.0;
    one.status = CLLM_CLASSIC_FAILED;
    CHECK_INT(cllm_cpugemm_mark_suspect(&one, &many), 0);
    one.status = CLLM_CLASSIC_OK;
    many.threads_requested = 1;
    CHECK_INT(cllm_cpugemm_mark_suspect(&one, &many), 0);
    CHECK_INT(cllm_cpugemm_mark_suspect(NULL, &many), 0);
    cllm_cpugemm_result_free(&one);
    cllm_cpugemm_result_free(&many);
}

/* The warmup runs untimed products until both its count and its time are reached, and says so in the method. */
static void test_warmup_recorded(void)
{
    static const int sizes[] = {16};
    struct cllm_cpugemm_params p = cllm_cpugemm_default_params();
    struct cllm_cpugemm_result r;
    cJSON *ph = cJSON_CreateObject();

    CHECK_NEAR(p.warmup_min_s, 0.25, 0);
    p.sizes = sizes;
    p.n_sizes = 1;
    p.validate_n = 16;
    p.warmup = 2;
    p.warmup_min_s = 0.05;
    p.sgemm = naive_sgemm;
    cllm_cpugemm_run(&p, NULL, &r);
    CHECK_INT(r.status, CLLM_CLASSIC_OK);
    CHECK(r.sizes[0].warmup_products > 2);   /* a 16x16 product takes microseconds: 50 ms is many */
    CHECK(r.sizes[0].warmup_s >= 0.05 || r.sizes[0].warmup_products == CLLM_CPUGEMM_MAX_WARMUP);
    CHECK(strstr(r.method, "untimed") != NULL && strstr(r.method, "0.05 s") != NULL);
    cllm_write_cpu_gemm(ph, &r);
    CHECK_INT((int)cJSON_GetNumberValue(cllm_json_path(ph, "results[\"16x16\"].warmup_products")),
              r.sizes[0].warmup_products);
    CHECK(cJSON_IsString(cllm_json_path(ph, "method")));
    CHECK(cllm_json_path(ph, "results[\"16x16\"].suspect") == NULL);   /* not compared */
    cJSON_Delete(ph);
    cllm_cpugemm_result_free(&r);

    /* time 0: exactly the count */
    p.warmup_min_s = 0;
    cllm_cpugemm_run(&p, NULL, &r);
    CHECK_INT(r.sizes[0].warmup_products, 2);
    cllm_cpugemm_result_free(&r);
}

int main(void)
{
    RUN(test_suspect_flag);
    RUN(test_warmup_recorded);
    RUN(test_formulas);
    RUN(test_rel_error);
    RUN(test_wrong_result_fails_the_phase);
    RUN(test_json_names_with_a_correct_product);
    RUN(test_struct_and_every_iteration);
    RUN(test_openblas_single_thread_is_one_thread);
    RUN(test_peak_estimate);
    return test_summary();
}
