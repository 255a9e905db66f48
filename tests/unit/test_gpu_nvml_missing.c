/* A missing NVML is a normal outcome: the source is "unavailable" with the library named, nothing crashes. */
#include "test.h"

#include "gpu_fake.h"

FAKE_VENDOR(fake_nvml);

static void test_fake_nvml_init_fails(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {test_data("sysfs/no-gpu-bochs"), false};
    const struct cllm_gpu_vendor *const v[] = {&fake_nvml};

    fake_reset(&fake_nvml_cfg);
    fake_nvml_cfg.init_status = CLLM_ERR_LIBRARY;
    fake_nvml_cfg.init_msg = "libnvidia-ml.so.1: cannot open shared object file: No such file or directory";
    cllm_gpu_detect(&p, v, 1, &g);
    CHECK_INT(g.n_devices, 0);
    CHECK_INT(g.n_notes, 1);
    CHECK_STR(g.notes[0].source, "fake_nvml");
    CHECK_STR(g.notes[0].status, "unavailable");
    CHECK_STR(g.notes[0].detail, "libnvidia-ml.so.1: cannot open shared object file: No such file or directory");
    CHECK_INT(fake_nvml_cfg.shutdowns, 0);
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);

    /* no message: the status text stands in */
    fake_reset(&fake_nvml_cfg);
    fake_nvml_cfg.init_status = CLLM_ERR_NOT_FOUND;
    cllm_gpu_detect(&p, v, 1, &g);
    CHECK_STR(g.notes[0].status, "unavailable");
    CHECK_STR(g.notes[0].detail, cllm_status_str(CLLM_ERR_NOT_FOUND));
}

static void test_real_nvml_missing_library(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {"/", true};
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_nvml};

    setenv("CLLM_NVML_LIB", "/nonexistent/libnvidia-ml.so.1", 1);
    cllm_gpu_detect(&p, v, 1, &g);
    unsetenv("CLLM_NVML_LIB");
    CHECK_INT(g.n_devices, 0);
    CHECK_INT(g.n_notes, 1);
    CHECK_STR(g.notes[0].source, "nvml");
    CHECK_STR(g.notes[0].status, "unavailable");
    CHECK(strstr(g.notes[0].detail, "/nonexistent/libnvidia-ml.so.1") != NULL);
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);

    /* twice in a row: init/shutdown leave no state behind */
    setenv("CLLM_NVML_LIB", "/nonexistent/libnvidia-ml.so.1", 1);
    cllm_gpu_detect(&p, v, 1, &g);
    unsetenv("CLLM_NVML_LIB");
    CHECK_STR(g.notes[0].status, "unavailable");
}

/* A library that loads but is not NVML: a required symbol is missing → "error" naming it. */
static void test_real_nvml_wrong_library(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {"/", true};
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_nvml};

#ifdef __linux__
    setenv("CLLM_NVML_LIB", "libm.so.6", 1);
    cllm_gpu_detect(&p, v, 1, &g);
    unsetenv("CLLM_NVML_LIB");
    CHECK_INT(g.n_devices, 0);
    CHECK_STR(g.notes[0].status, "error");
    CHECK(strstr(g.notes[0].detail, "nvmlInit_v2") != NULL);
#else
    (void)g; (void)p; (void)v;
    SKIP("libm.so.6 is a Linux name");
#endif
}

static void test_nvml_not_asked_for_captured_tree(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {test_data("sysfs/amd-mi300x"), false};
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_nvml, &cllm_gpu_vendor_vulkan};

    cllm_gpu_detect(&p, v, 2, &g);
    CHECK_INT(g.n_notes, 2);
    CHECK_STR(g.notes[0].status, "unavailable");
    CHECK(strstr(g.notes[0].detail, "captured tree") != NULL);
    CHECK_STR(g.notes[1].source, "vulkan");
    CHECK_STR(g.notes[1].status, "unavailable");
}

int main(void)
{
    RUN(test_fake_nvml_init_fails);
    RUN(test_real_nvml_missing_library);
    RUN(test_real_nvml_wrong_library);
    RUN(test_nvml_not_asked_for_captured_tree);
    return test_summary();
}
