/* The shared NVML binding end to end on a stand-in library (fake_nvml.c, loaded through CLLM_NVML_LIB): GPU
 * detection and the monitor hold it at the same time, nvmlInit runs once, and the last release unloads it. */
#include "test.h"

#include <cjson/cJSON.h>
#include <time.h>
#ifndef _WIN32
#include <dlfcn.h>
#endif

#include "gpu/nvml.h"
#include "gpu/gpu_vendors.h"
#include "monitor/monitor.h"

#ifdef CLLM_FAKE_NVML_LIB
/* The stand-in's counters while it is loaded; NULL once unloaded. */
static int *fake_counter(const char *name)
{
    void *h = dlopen(CLLM_FAKE_NVML_LIB, RTLD_NOW | RTLD_NOLOAD);
    int *v;
    if (!h)
        return NULL;
    v = (int *)dlsym(h, name);
    dlclose(h);   /* drops only the reference RTLD_NOLOAD took */
    return v;
}
#endif

static void test_shared_reference(void)
{
#ifdef CLLM_FAKE_NVML_LIB
    static struct cllm_gpu_info g;
    struct cllm_hw_params hp = {"/", true};
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_nvml};
    struct cllm_monitor_params mp = cllm_monitor_default_params();
    const struct cllm_monitor_summary *sum;
    const struct cllm_nvml *nv = NULL;
    struct cllm_monitor *m;
    struct timespec ts = {0, 250000000};
    char err[512];
    int *live, *inits;

    setenv("CLLM_NVML_LIB", CLLM_FAKE_NVML_LIB, 1);
    CHECK_INT(cllm_nvml_acquire(&nv, err, sizeof(err)), CLLM_OK);
    CHECK(nv != NULL && strcmp(nv->path, CLLM_FAKE_NVML_LIB) == 0);
    live = fake_counter("cllm_fake_nvml_live");
    inits = fake_counter("cllm_fake_nvml_inits");
    CHECK(live && inits);
    if (!live || !inits) {
        cllm_nvml_release();
        unsetenv("CLLM_NVML_LIB");
        return;
    }
    CHECK_INT(*live, 1);

    /* the monitor and detection take their own references: still one nvmlInit */
    mp.interval_s = 0.1;
    m = cllm_monitor_start(&mp, err, sizeof(err));
    CHECK(m != NULL);
    cllm_gpu_detect(&hp, v, 1, &g);
    CHECK_INT(*inits, 1);
    CHECK_INT(*live, 1);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(g.devices[0].name, "NVIDIA Fake 80GB");
    CHECK_STR(g.devices[0].compute_capability, "9.0");
    CHECK_STR(g.devices[0].pci_bus_id, "0000:65:00.0");
    CHECK_STR(g.devices[0].driver_version, "999.1");
    CHECK_NEAR(g.devices[0].vram_total_gb, 80.0, 1e-9);
    nanosleep(&ts, NULL);
    if (m) {
        cllm_monitor_stop(m);
        sum = cllm_monitor_summary(m);
        CHECK_INT(sum->n_gpus, 1);
        CHECK_STR(cllm_monitor_info(m)->gpu[0].name, "NVIDIA Fake 80GB");
        CHECK_STR(cllm_monitor_info(m)->gpu[0].pci_bus_id, "0000:65:00.0");
        CHECK_NEAR(sum->gpu[0].util_pct_peak, 42, 0);
        CHECK_NEAR(sum->gpu[0].vram_used_gb_peak, 10.0, 1e-12);
        CHECK_NEAR(sum->gpu[0].temp_c_peak, 55, 0);
        CHECK_NEAR(sum->gpu[0].power_w_mean, 250.5, 1e-9);
        CHECK_NEAR(sum->gpu[0].energy_j, 250.5 * sum->duration_s, 1e-6);
        CHECK_NEAR(sum->gpu[0].sm_clock_mhz_mean, 1755, 0);
        cllm_monitor_free(m);
    }
    CHECK_INT(*live, 1);   /* ours is still held */
    cllm_nvml_release();
    CHECK(fake_counter("cllm_fake_nvml_live") == NULL);   /* nvmlShutdown ran and the library is gone */
    unsetenv("CLLM_NVML_LIB");
#else
    SKIP("built without the stand-in NVML (tests/CMakeLists.txt: cllm_fake_nvml)");
#endif
}

int main(void)
{
    RUN(test_shared_reference);
    return test_summary();
}
