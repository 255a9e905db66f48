/* The shared NVML binding end to end on a stand-in library (fake_nvml.c, loaded through CLLM_NVML_LIB): GPU
 * detection and the monitor hold it at the same time, nvmlInit runs once, and the last release unloads it; with
 * sysfs fixtures beside it, the monitor's GPU i is detection's GPU i. */
#include "test.h"

#include <cjson/cJSON.h>
#include <time.h>
#ifndef _WIN32
#include <dlfcn.h>
#endif

#include "core/clock.h"
#include "gpu/nvml.h"
#include "gpu/gpu_vendors.h"
#include "monitor/monitor.h"
#include "monitor/monitor_priv.h"

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
    struct cllm_gpu_params hp = {"/", true};
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_nvml};
    struct cllm_monitor_params mp = cllm_monitor_default_params();
    const struct cllm_monitor_summary *sum;
    const struct cllm_nvml *nv = NULL;
    struct cllm_monitor *m;
    struct timespec ts = {0, 250000000};
    char err[512];
    int *live, *inits;
    uint64_t t_start;

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
    t_start = cllm_now_ns();
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
        /* the clocks-event reasons come through the older name, the only one the stand-in exports */
        struct cllm_monitor_window w;
        unsigned long long *bits = (unsigned long long *)(void *)fake_counter("cllm_fake_nvml_reasons");
        CHECK_INT(cllm_monitor_window(m, t_start, cllm_now_ns(), &w), CLLM_OK);
        CHECK_INT(w.n_gpus, 1);
        CHECK(w.gpu[0].throttle_known);
        CHECK_INT(w.gpu[0].throttle_reasons, 0x4);   /* SwPowerCap */
        CHECK_NEAR(w.gpu[0].sm_clock_mhz_min, 1755, 0);
        CHECK_NEAR(w.gpu[0].temp_c_max, 55, 0);
        CHECK(bits != NULL);
        if (bits) {
            struct cllm_throttle_mark mark;
            uint64_t t = cllm_now_ns();
            *bits = 0x40;   /* HwThermalSlowdown from now on */
            nanosleep(&ts, NULL);
            CHECK_INT(cllm_monitor_window(m, t, cllm_now_ns(), &w), CLLM_OK);
            CHECK(w.gpu[0].throttle_reasons & 0x40);
            CHECK_INT(cllm_monitor_mark_throttled(&w, 1, &mark), 1);
            CHECK(strstr(mark.reason, "GPU0 HW thermal slowdown") != NULL);
            *bits = 0x4;
        }
        {
            /* the total energy counter (mJ) steps by 5 J between two quiet spells: a window from the first spell
             * to the second holds exactly that step; one of 50 ms is below the counter's 100 ms period */
            unsigned long long *mj = (unsigned long long *)(void *)fake_counter("cllm_fake_nvml_energy_mj");
            struct cllm_energy_window ew;
            struct timespec spell = {0, 300000000};
            uint64_t a, b;
            CHECK(mj != NULL);
            if (mj) {
                nanosleep(&spell, NULL);
                a = cllm_now_ns();
                nanosleep(&spell, NULL);
                *mj += 5000;
                nanosleep(&spell, NULL);
                b = cllm_now_ns();
                nanosleep(&spell, NULL);
                CHECK_INT(cllm_monitor_energy(m, a, b, 1, &ew), CLLM_OK);
                CHECK_NEAR(ew.gpu.j, 5.0, 1e-9);
                CHECK_STR(ew.gpu.source, "nvml_energy_counter");
                CHECK_NEAR(ew.gpu.w, 5.0 / ew.window_s, 1e-9);
                CHECK_INT(cllm_monitor_energy(m, a, a + 50000000ull, 1, &ew), CLLM_OK);
                CHECK(isnan(ew.gpu.j));
                CHECK(strstr(ew.gpu.why, "update period") != NULL);
            }
        }
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

#ifdef CLLM_FAKE_NVML_LIB
/* NVML reads the live machine, never the root: the stand-in library beside a captured sysfs tree. */
static enum cllm_status nvml_beside_tree_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    struct cllm_gpu_params live = {"/", true};
    (void)p;
    return cllm_gpu_vendor_nvml.init(&live, ctx, err, errlen);
}
#endif

/* Detection and the monitor open the same vendor list through the same code: GPU i is the same device in both,
 * and the monitor's readings of GPU i come from that device's vendor. */
static void test_monitor_indices_match_detection(void)
{
#if defined(CLLM_FAKE_NVML_LIB) && !defined(_WIN32)
    static struct cllm_gpu_info g;
    struct cllm_gpu_vendor nvml = cllm_gpu_vendor_nvml;
    const struct cllm_gpu_vendor *const v[] = {&nvml, &cllm_gpu_vendor_amdgpu, &cllm_gpu_vendor_intel};
    struct cllm_mon_system_cfg cfg;
    struct cllm_sampler sampler;
    struct cllm_monitor_params mp = cllm_monitor_default_params();
    const struct cllm_monitor_summary *sum;
    const struct cllm_sampler_info *info;
    struct cllm_monitor *m;
    char err[512];

    nvml.init = nvml_beside_tree_init;
    cfg.root = test_data("monitor/amdgpu");
    cfg.gpu.root = cfg.root;
    cfg.gpu.live = false;
    cfg.vendors = v;
    cfg.n_vendors = 3;
    sampler = cllm_monitor_sampler_system_with(&cfg);
    setenv("CLLM_NVML_LIB", CLLM_FAKE_NVML_LIB, 1);

    cllm_gpu_detect(&cfg.gpu, v, 3, &g);
    CHECK_INT(g.n_devices, 3);   /* the fake NVIDIA GPU, then the tree's two amdgpu cards (not its ASPEED BMC) */
    mp.interval_s = 0.1;
    mp.sampler = &sampler;
    m = cllm_monitor_start(&mp, err, sizeof(err));
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  %s\n", err);
        unsetenv("CLLM_NVML_LIB");
        return;
    }
    cllm_monitor_stop(m);
    info = cllm_monitor_info(m);
    sum = cllm_monitor_summary(m);
    CHECK_INT(info->n_gpus, g.n_devices);
    for (int i = 0; i < info->n_gpus && i < g.n_devices; i++) {
        CHECK_STR(info->gpu[i].pci_bus_id, g.devices[i].pci_bus_id);
        CHECK_STR(info->gpu[i].source, g.devices[i].source);
        CHECK_STR(info->gpu[i].name, g.devices[i].name);
    }
    CHECK_STR(g.devices[0].pci_bus_id, "0000:65:00.0");
    CHECK_STR(g.devices[1].pci_bus_id, "0000:03:00.0");
    CHECK_STR(g.devices[2].pci_bus_id, "0000:1b:00.0");
    /* each GPU's readings are its own device's: the fake's 42 %, the tree's 37 % and 100 % */
    CHECK_NEAR(sum->gpu[0].util_pct_peak, 42, 0);
    CHECK_NEAR(sum->gpu[0].sm_clock_mhz_mean, 1755, 0);
    CHECK_NEAR(sum->gpu[1].util_pct_peak, 37, 0);
    CHECK_NEAR(sum->gpu[1].power_w_peak, 31.0, 1e-9);
    CHECK_NEAR(sum->gpu[2].util_pct_peak, 100, 0);
    CHECK_NEAR(sum->gpu[2].power_w_peak, 612.0, 1e-9);
    /* the sources the monitor reports are the vendors with readings, as detection's notes call them */
    CHECK_INT(info->n_sources >= 2, 1);
    cllm_monitor_free(m);
    CHECK(fake_counter("cllm_fake_nvml_live") == NULL);   /* both let go of the library */
    unsetenv("CLLM_NVML_LIB");
#else
    SKIP("built without the stand-in NVML (tests/CMakeLists.txt: cllm_fake_nvml) or on Windows");
#endif
}

/* The built-in list puts the vendors with readings first: the monitor's set is then a prefix of detection's. */
static void test_builtin_order(void)
{
    int n = 0, listing = 0;
    const struct cllm_gpu_vendor *const *v = cllm_gpu_builtin(&n);

    CHECK(n > 0);
    for (int i = 0; i < n; i++) {
        CHECK(v[i]->init && v[i]->devices && v[i]->static_info && v[i]->shutdown);
        if (!v[i]->sample)
            listing = 1;
        else
            CHECK(!listing);   /* a vendor with readings after one without would shift the monitor's indices */
    }
}

int main(void)
{
    RUN(test_shared_reference);
    RUN(test_monitor_indices_match_detection);
    RUN(test_builtin_order);
    return test_summary();
}
