/* Resource monitor: parsers on captured /proc and sysfs files, RAPL wraparound, the GPU vendors' readings (amdgpu
 * on a captured tree, NVML on a fake table), the monitor's thread and summary on a synthetic sampler, windows over
 * a scripted sampler and the throttle marks made of them, and one run with this machine's sampler. */
#include "test.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "gpu/nvml.h"
#include "gpu_fake.h"
#include "monitor/monitor.h"
#include "monitor/monitor_priv.h"
#include "report/fields_core.h"
#include "report/write_core.h"


/* The monitor as the results hold it: its snapshot (struct cllm_monitor_report) through report's writer; NULL for
 * no monitor. */
static cJSON *monitor_json(const struct cllm_monitor *m, bool with_samples)
{
    static struct cllm_monitor_report r;   /* large: not on the stack */
    cJSON *o, *j;
    if (cllm_monitor_report(m, with_samples, &r) == CLLM_ERR_INVALID_ARG)
        return NULL;
    o = cJSON_CreateObject();
    cllm_w_monitor(o, &CLLM_F_MONITOR, &r);
    cllm_monitor_report_free(&r);
    j = cJSON_DetachItemFromObjectCaseSensitive(o, CLLM_F_MONITOR.name);
    cJSON_Delete(o);
    return j;
}
static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static cJSON *obj(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

/* ---------------------------------------------------------------------------------------------------------- */
/* parsers                                                                                                    */

static void test_parse_proc_stat(void)
{
    struct cllm_cpu_ticks a, b;
    char *s1 = test_slurp(test_data("monitor/proc_stat.1"), NULL);
    char *s2 = test_slurp(test_data("monitor/proc_stat.2"), NULL);

    CHECK(cllm_mon_parse_proc_stat("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n", &a));
    CHECK_INT(a.busy, 150);
    CHECK_INT(a.total, 1000);
    /* guest time is already inside user: not counted twice */
    CHECK(cllm_mon_parse_proc_stat("cpu 200 10 60 900 60 5 5 10 40 0\n", &b));
    CHECK_INT(b.busy, 290);
    CHECK_INT(b.total, 1250);
    CHECK_NEAR(cllm_mon_cpu_pct(&a, &b), 100.0 * 140 / 250, 1e-12);
    /* old kernels: four fields */
    CHECK(cllm_mon_parse_proc_stat("cpu 1 2 3 4\n", &a));
    CHECK_INT(a.busy, 6);
    CHECK_INT(a.total, 10);
    CHECK(!cllm_mon_parse_proc_stat("cpu0 1 2 3 4\n", &a));
    CHECK(!cllm_mon_parse_proc_stat("cpu 1 2\n", &a));
    CHECK(!cllm_mon_parse_proc_stat("intr 5 6 7 8\n", &a));
    CHECK(!cllm_mon_parse_proc_stat("", &a));

    /* captured: one of two CPUs busy for a second */
    CHECK(s1 && s2);
    if (s1 && s2) {
        CHECK(cllm_mon_parse_proc_stat(s1, &a));
        CHECK(cllm_mon_parse_proc_stat(s2, &b));
        CHECK_INT(a.busy, 34085);
        CHECK_INT(a.total, 578323);
        CHECK_NEAR(cllm_mon_cpu_pct(&a, &b), 100.0 * 100 / 199, 1e-9);
    }
    /* no tick elapsed, or counters went backwards (CPU hot-unplug): unknown, not 0 */
    CHECK(isnan(cllm_mon_cpu_pct(&a, &a)));
    if (s1 && s2)
        CHECK(isnan(cllm_mon_cpu_pct(&b, &a)));
    free(s1);
    free(s2);
}

static void test_parse_cpu_count_and_clock(void)
{
    char *s1 = test_slurp(test_data("monitor/proc_stat.1"), NULL);
    double mhz = 0;

    CHECK(s1 != NULL);
    if (s1)
        CHECK_INT(cllm_mon_parse_proc_stat_cpus(s1), 2);   /* cpu0, cpu1; the aggregate line is not a CPU */
    free(s1);
    CHECK_INT(cllm_mon_parse_proc_stat_cpus("cpu  1 2 3 4\nintr 1\n"), 0);
    CHECK_INT(cllm_mon_parse_proc_stat_cpus("cpu 1 2 3 4\ncpu0 1 2 3 4\ncpu17 1\nctxt 5\ncpufoo\n"), 2);
    CHECK_INT(cllm_mon_parse_proc_stat_cpus(""), 0);

    CHECK(cllm_mon_parse_cpuinfo_mhz("processor\t: 0\ncpu MHz\t\t: 2000.500\nflags\t: fpu\n\nprocessor\t: 1\n"
                                     "cpu MHz\t\t: 3000.500\n", &mhz));
    CHECK_NEAR(mhz, 2500.5, 1e-9);
    CHECK(cllm_mon_parse_cpuinfo_mhz("cpu MHz : 1200\n", &mhz));
    CHECK_NEAR(mhz, 1200, 0);
    mhz = -1;
    CHECK(!cllm_mon_parse_cpuinfo_mhz("processor : 0\nBogoMIPS : 50.00\n", &mhz));   /* arm64: no MHz line */
    CHECK(!cllm_mon_parse_cpuinfo_mhz("cpu MHz : fast\n", &mhz));
    CHECK(!cllm_mon_parse_cpuinfo_mhz("cpu MHz : -5\n", &mhz));
    CHECK(!cllm_mon_parse_cpuinfo_mhz("", &mhz));
    CHECK_NEAR(mhz, -1, 0);   /* untouched on failure */
}

static void test_parse_memory(void)
{
    char *mi = test_slurp(test_data("monitor/meminfo"), NULL);
    char *sm = test_slurp(test_data("monitor/statm"), NULL);
    unsigned long long pages = 0;
    double used = NAN;

    CHECK(mi && sm);
    if (!mi || !sm) {
        free(mi);
        free(sm);
        return;
    }
    CHECK(cllm_mon_parse_mem_used(mi, &used));
    CHECK_NEAR(used, (24684084.0 - 24272964.0) / (1024.0 * 1024.0), 1e-9);
    CHECK(cllm_mon_parse_statm(sm, &pages));
    CHECK_INT(pages, 426);
    CHECK(!cllm_mon_parse_mem_used("MemTotal: 100 kB\n", &used));
    CHECK(!cllm_mon_parse_statm("765", &pages));
    CHECK(!cllm_mon_parse_statm("", &pages));
    free(mi);
    free(sm);
}

static void test_rapl_delta(void)
{
    unsigned long long d = 0;
    const unsigned long long max = 262143328850ull;

    CHECK(cllm_mon_rapl_delta_uj(1000, 5000, max, &d));
    CHECK_INT(d, 4000);
    CHECK(cllm_mon_rapl_delta_uj(max - 1000000, 2000000, max, &d));
    CHECK_INT(d, 3000000);
    CHECK(cllm_mon_rapl_delta_uj(7, 7, 0, &d));
    CHECK_INT(d, 0);
    CHECK(!cllm_mon_rapl_delta_uj(5000, 1000, 0, &d));         /* wrapped with no known range */
    CHECK(!cllm_mon_rapl_delta_uj(max + 5, 1000, max, &d));    /* previous reading beyond the range */
}

static void test_rapl_tree(void)
{
    struct cllm_mon_rapl r;
    char root[256], why[256] = "";
    double w, total;

    /* captured layout: package zones only, in order; sub-zones, the control type and mmio zones skipped */
    CHECK_INT(cllm_mon_rapl_open(&r, test_data("monitor/rapl-2pkg"), 10.0), 2);
    CHECK(strstr(r.energy_path[0], "/intel-rapl:0/energy_uj") != NULL);
    CHECK(strstr(r.energy_path[1], "/intel-rapl:1/energy_uj") != NULL);
    CHECK_INT(r.max_uj[0], 262143328850ull);
    CHECK_INT(r.prev_uj[0], 262143000000ull);
    CHECK_INT(r.prev_uj[1], 5000000);

    /* a copy whose counters move: package 0 wraps (0.33 J to the top + 2.67 J), package 1 counts 1 J, in 2 s */
    if (!test_mkdtemp(root, sizeof(root), "monitor"))
        SKIP("no temporary directory");
    tree_write(root, "sys/class/powercap/intel-rapl:0/energy_uj", "262143000000\n");
    tree_write(root, "sys/class/powercap/intel-rapl:0/max_energy_range_uj", "262143328850\n");
    tree_write(root, "sys/class/powercap/intel-rapl:1/energy_uj", "5000000\n");
    tree_write(root, "sys/class/powercap/intel-rapl:1/max_energy_range_uj", "262143328850\n");
    CHECK_INT(cllm_mon_rapl_open(&r, root, 100.0), 2);
    tree_write(root, "sys/class/powercap/intel-rapl:0/energy_uj", "2671150\n");
    tree_write(root, "sys/class/powercap/intel-rapl:1/energy_uj", "6000000\n");
    /* too soon after the baseline: unknown, and the baseline is kept */
    w = cllm_mon_rapl_sample(&r, 100.001, &total, why, sizeof(why));
    CHECK(isnan(w));
    CHECK(strstr(why, "too short") != NULL);
    CHECK_NEAR(total, 0.0, 0);   /* the total since open is still known: nothing counted yet */
    w = cllm_mon_rapl_sample(&r, 102.0, &total, why, sizeof(why));
    CHECK_NEAR(w, (328850.0 + 2671150.0 + 1000000.0) * 1e-6 / 2.0, 1e-9);
    /* the energy total bridges package 0's wrap: 0.32885 + 2.67115 + 1 J */
    CHECK_NEAR(total, 4.0, 1e-9);
    /* no change for a second: 0 W is a reading here, not an unknown */
    w = cllm_mon_rapl_sample(&r, 103.0, &total, why, sizeof(why));
    CHECK_NEAR(w, 0.0, 1e-12);
    CHECK_NEAR(total, 4.0, 1e-9);
    /* package 1 goes backwards and its range is unknown: that interval is lost, the total says so (NAN) */
    tree_write(root, "sys/class/powercap/intel-rapl:1/max_energy_range_uj", "0\n");
    CHECK_INT(cllm_mon_rapl_open(&r, root, 200.0), 2);
    tree_write(root, "sys/class/powercap/intel-rapl:1/energy_uj", "10\n");
    w = cllm_mon_rapl_sample(&r, 201.0, &total, why, sizeof(why));
    CHECK(isnan(w) && isnan(total));
    CHECK(strstr(why, "went backwards") != NULL);

    /* a counter that cannot be read: nothing reported (a partial sum would be wrong) */
    test_rmtree(root);
    if (!test_mkdtemp(root, sizeof(root), "monitor"))
        SKIP("no temporary directory");
    tree_write(root, "sys/class/powercap/intel-rapl:0/energy_uj/x", "");
    CHECK_INT(cllm_mon_rapl_open(&r, root, 0.0), 0);
    CHECK(strncmp(r.why, "RAPL not readable: ", 19) == 0);
    CHECK(strstr(r.why, "energy_uj") != NULL);
    w = cllm_mon_rapl_sample(&r, 5.0, &total, why, sizeof(why));
    CHECK(isnan(w) && isnan(total));
    CHECK(strncmp(why, "RAPL not readable: ", 19) == 0);
    test_rmtree(root);

    /* no powercap at all (VMs, containers) */
    CHECK_INT(cllm_mon_rapl_open(&r, test_data("monitor/amdgpu"), 0.0), 0);
    CHECK(strncmp(r.why, "RAPL not readable: ", 19) == 0);
}

/* Every reading unknown, so a reader that leaves one alone shows. */
static void clear_sample(struct cllm_sample *s, int n_gpus)
{
    s->t_s = s->cpu_pct = s->proc_cpu_pct = s->ram_used_gb = s->rss_gb = s->cpu_package_w = s->cpu_clock_mhz = NAN;
    s->cpu_package_energy_j = NAN;
    s->n_gpus = n_gpus;
    for (int g = 0; g < CLLM_MONITOR_MAX_GPUS; g++)
        cllm_gpu_sample_clear(&s->gpu[g]);
}

/* The Linux host reader on a tree: /proc/stat replaced between two readings. */
static void test_host_on_tree(void)
{
#ifdef __linux__
    struct cllm_sampler_info info;
    struct cllm_reasons why;
    struct cllm_sample s;
    struct cllm_mon_host *h;
    char root[256], *s1, *s2, *mi, *sm;
    long page = sysconf(_SC_PAGESIZE);

    s1 = test_slurp(test_data("monitor/proc_stat.1"), NULL);
    s2 = test_slurp(test_data("monitor/proc_stat.2"), NULL);
    mi = test_slurp(test_data("monitor/meminfo"), NULL);
    sm = test_slurp(test_data("monitor/statm"), NULL);
    if (!s1 || !s2 || !mi || !sm || !test_mkdtemp(root, sizeof(root), "monitor")) {
        free(s1); free(s2); free(mi); free(sm);
        CHECK(0);
        return;
    }
    tree_write(root, "proc/stat", s1);
    tree_write(root, "proc/meminfo", mi);
    tree_write(root, "proc/self/statm", sm);
    tree_write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "2000000\n");
    tree_write(root, "sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "3100000\n");
    tree_write(root, "sys/devices/system/cpu/cpufreq/policy0/scaling_cur_freq", "9999999\n");   /* not a CPU */
    tree_write(root, "proc/cpuinfo", "cpu MHz\t: 1000.0\n");   /* cpufreq comes first */
    memset(&info, 0, sizeof(info));
    memset(&why, 0, sizeof(why));
    h = cllm_mon_host_open(root, &info, &why);
    CHECK(h != NULL);
    CHECK_INT(info.logical_cpus, 2);   /* the tree's /proc/stat, not this machine */
    CHECK_INT(info.n_sources, 2);
    CHECK_STR(info.sources[0].name, "proc");
    CHECK_STR(info.sources[0].status, "ok");
    CHECK_STR(info.sources[1].name, "rapl");
    CHECK_STR(info.sources[1].status, "unavailable");
    CHECK(cllm_reason_get(&why, "cpu_package_w") && strstr(cllm_reason_get(&why, "cpu_package_w"), "RAPL"));
    tree_write(root, "proc/stat", s2);
    if (h) {
        clear_sample(&s, 0);
        cllm_mon_host_sample(h, cllm_now_s() + 1.0, &s, &why);
        CHECK_NEAR(s.cpu_pct, 100.0 * 100 / 199, 1e-9);
        CHECK(isfinite(s.proc_cpu_pct) && s.proc_cpu_pct >= 0);
        CHECK_NEAR(s.ram_used_gb, (24684084.0 - 24272964.0) / (1024.0 * 1024.0), 1e-9);
        CHECK_NEAR(s.rss_gb, 426.0 * (double)page / (1024.0 * 1024.0 * 1024.0), 1e-12);
        CHECK(isnan(s.cpu_package_w));
        CHECK_NEAR(s.cpu_clock_mhz, 2550.0, 1e-9);   /* mean of the CPUs' scaling_cur_freq, kHz → MHz */
        tree_write(root, "sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "1000000\n");
        clear_sample(&s, 0);
        cllm_mon_host_sample(h, cllm_now_s() + 1.5, &s, &why);
        CHECK_NEAR(s.cpu_clock_mhz, 1500.0, 1e-9);   /* read again at each sample */
        /* the same /proc/stat again: no tick counted, unknown with a reason */
        s.cpu_pct = NAN;
        cllm_mon_host_sample(h, cllm_now_s() + 2.0, &s, &why);
        CHECK(isnan(s.cpu_pct));
        CHECK(cllm_reason_get(&why, "cpu_pct") != NULL);
        cllm_mon_host_close(h);
    }
    /* no /proc at all: each field unknown with the file named */
    test_rmtree(root);
    if (test_mkdtemp(root, sizeof(root), "monitor")) {
        memset(&info, 0, sizeof(info));
        memset(&why, 0, sizeof(why));
        h = cllm_mon_host_open(root, &info, &why);
        CHECK_STR(info.sources[0].status, "unavailable");
        clear_sample(&s, 0);
        cllm_mon_host_sample(h, cllm_now_s() + 1.0, &s, &why);
        CHECK(isnan(s.cpu_pct) && isnan(s.ram_used_gb) && isnan(s.rss_gb));
        CHECK(cllm_reason_get(&why, "ram_used_gb") && strstr(cllm_reason_get(&why, "ram_used_gb"), "meminfo"));
        CHECK(cllm_reason_get(&why, "rss_gb") && strstr(cllm_reason_get(&why, "rss_gb"), "statm"));
        CHECK(cllm_reason_get(&why, "cpu_pct") && strstr(cllm_reason_get(&why, "cpu_pct"), "/proc/stat"));
        CHECK(isnan(s.cpu_clock_mhz));
        CHECK(cllm_reason_get(&why, "cpu_clock_mhz") && strstr(cllm_reason_get(&why, "cpu_clock_mhz"), "cpuinfo"));
        cllm_mon_host_close(h);
        /* no cpufreq (a VM): /proc/cpuinfo's "cpu MHz" lines */
        tree_write(root, "proc/cpuinfo", "processor\t: 0\ncpu MHz\t\t: 2445.406\n\nprocessor\t: 1\ncpu MHz\t\t: "
                   "2445.406\n");
        memset(&info, 0, sizeof(info));
        memset(&why, 0, sizeof(why));
        h = cllm_mon_host_open(root, &info, &why);
        clear_sample(&s, 0);
        cllm_mon_host_sample(h, cllm_now_s() + 1.0, &s, &why);
        CHECK_NEAR(s.cpu_clock_mhz, 2445.406, 1e-9);
        CHECK(info.logical_cpus > 0);   /* no /proc/stat in the tree: the live machine's count */
        cllm_mon_host_close(h);
        test_rmtree(root);
    }
    free(s1); free(s2); free(mi); free(sm);
#else
    SKIP("the host reader with /proc is Linux-only");
#endif
}

/* The amdgpu vendor's readings on a captured tree, through the GPU set the system sampler uses. */
static void test_amdgpu_tree(void)
{
#ifndef _WIN32
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_amdgpu};
    struct cllm_gpu_params gp = {test_data("monitor/amdgpu"), false};
    struct cllm_gpu_info *info = calloc(1, sizeof(*info));
    struct cllm_gpu_set *set;
    struct cllm_reasons why;
    struct cllm_sample s;

    memset(&why, 0, sizeof(why));
    set = cllm_gpu_open(&gp, v, 1, info);
    CHECK(set != NULL);
    CHECK_INT(cllm_gpu_count(set), 2);
    CHECK_INT(info->n_devices, 2);
    /* the names detection gives: libdrm's table for a board without product_name (0x744c rev c8) */
    CHECK_STR(info->devices[0].name, "AMD Radeon RX 7900 XTX");
    CHECK_STR(info->devices[0].source, "amdgpu");
    CHECK_STR(info->devices[0].pci_bus_id, "0000:03:00.0");
    CHECK_STR(info->devices[1].name, "AMD Instinct MI300X OAM");
    CHECK_STR(info->devices[1].pci_bus_id, "0000:1b:00.0");
    CHECK_STR(info->notes[0].source, "amdgpu");
    CHECK_STR(info->notes[0].status, "ok");

    clear_sample(&s, 2);
    cllm_gpu_sample(set, s.gpu, &why);
    CHECK_NEAR(s.gpu[0].util_pct, 37, 0);
    CHECK_NEAR(s.gpu[0].vram_used_gb, 1.5, 1e-12);
    CHECK_NEAR(s.gpu[0].temp_c, 45.0, 1e-12);
    CHECK_NEAR(s.gpu[0].power_w, 31.0, 1e-12);
    CHECK_NEAR(s.gpu[0].sm_clock_mhz, 500.0, 1e-9);
    CHECK_NEAR(s.gpu[0].energy_j, 123456.789, 1e-6);   /* hwmon energy1_input, µJ */
    CHECK(isnan(s.gpu[1].energy_j));
    CHECK(cllm_reason_get(&why, "gpu1_energy_j") && strstr(cllm_reason_get(&why, "gpu1_energy_j"), "energy1_input"));
    CHECK_NEAR(s.gpu[1].util_pct, 100, 0);
    CHECK_NEAR(s.gpu[1].vram_used_gb, 103070826496.0 / (1024.0 * 1024 * 1024), 1e-9);
    CHECK(isnan(s.gpu[1].temp_c));
    CHECK(cllm_reason_get(&why, "gpu1_temp_c") && strstr(cllm_reason_get(&why, "gpu1_temp_c"), "temp1_input"));
    CHECK(cllm_reason_get(&why, "gpu0_temp_c") == NULL);
    CHECK_NEAR(s.gpu[1].power_w, 612.0, 1e-9);   /* power1_input where power1_average is absent */
    CHECK_NEAR(s.gpu[1].sm_clock_mhz, 2100.0, 1e-9);
    CHECK(isnan(s.gpu[2].util_pct));   /* past the set: left alone */
    cllm_gpu_close(set);

    /* no DRM at all */
    gp.root = test_data("monitor/rapl-2pkg");
    set = cllm_gpu_open(&gp, v, 1, info);
    CHECK(set != NULL);
    CHECK_INT(cllm_gpu_count(set), 0);
    CHECK_INT(info->n_devices, 0);
    CHECK_STR(info->notes[0].status, "unavailable");
    cllm_gpu_close(set);
    free(info);
#else
    SKIP("no amdgpu sysfs on Windows");
#endif
}

/* ---------------------------------------------------------------------------------------------------------- */
/* NVML reader on a fake table                                                                                */

static int g_power_calls;

static cllm_nvml_ret fk_count(unsigned int *n) { *n = 2; return CLLM_NVML_SUCCESS; }
static cllm_nvml_ret fk_handle(unsigned int i, cllm_nvml_device *d)
{
    *d = (cllm_nvml_device)(size_t)(i + 1);
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_name(cllm_nvml_device d, char *name, unsigned int len)
{
    snprintf(name, len, "%s", (size_t)d == 1 ? "NVIDIA H100 80GB HBM3" : "NVIDIA L4");
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_pci(cllm_nvml_device d, struct cllm_nvml_pci_info *p)
{
    snprintf(p->busId, sizeof(p->busId), "00000000:%02X:00.0", (size_t)d == 1 ? 0x18 : 0xAF);
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_util(cllm_nvml_device d, struct cllm_nvml_utilization *u)
{
    u->gpu = (size_t)d == 1 ? 97 : 3;
    u->memory = 40;
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_mem(cllm_nvml_device d, struct cllm_nvml_memory *m)
{
    m->total = 80ull << 30;
    m->used = (size_t)d == 1 ? (40ull << 30) : (1ull << 29);
    m->free = m->total - m->used;
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_temp(cllm_nvml_device d, int sensor, unsigned int *c)
{
    if (sensor != CLLM_NVML_TEMPERATURE_GPU)
        return 2;
    *c = (size_t)d == 1 ? 71 : 40;
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_power(cllm_nvml_device d, unsigned int *mw)
{
    g_power_calls++;
    if ((size_t)d == 2)
        return CLLM_NVML_ERROR_NOT_SUPPORTED;
    *mw = 612345;
    return CLLM_NVML_SUCCESS;
}
static cllm_nvml_ret fk_reasons(cllm_nvml_device d, unsigned long long *reasons)
{
    if ((size_t)d == 2)
        return CLLM_NVML_ERROR_NOT_SUPPORTED;
    *reasons = CLLM_GPU_THROTTLE_SW_POWER_CAP | CLLM_GPU_THROTTLE_HW_THERMAL;
    return CLLM_NVML_SUCCESS;
}
/* the total energy counter: GPU 1 counts (mJ), GPU 2 (an L4 here) answers "not supported" */
static unsigned long long g_energy_mj = 1234567890123ull;
static int g_energy_calls;
static cllm_nvml_ret fk_energy(cllm_nvml_device d, unsigned long long *mj)
{
    g_energy_calls++;
    if ((size_t)d == 2)
        return CLLM_NVML_ERROR_NOT_SUPPORTED;
    *mj = g_energy_mj;
    return CLLM_NVML_SUCCESS;
}
static const char *fk_str(cllm_nvml_ret r) { return r == CLLM_NVML_ERROR_NOT_SUPPORTED ? "Not Supported" : "Unknown Error"; }

/* The NVML vendor's list, static facts and readings on a fake table. */
static void test_nvml_fake_table(void)
{
    static struct cllm_nvml t;
    const struct cllm_gpu_vendor *nv = &cllm_gpu_vendor_nvml;
    struct cllm_gpu_device d;
    struct cllm_reasons why;
    struct cllm_sample out;
    char err[256];
    void *ctx = NULL;

    memset(&t, 0, sizeof(t));
    t.path = "/fake/libnvidia-ml.so.1";
    t.get_count = fk_count;
    t.get_handle = fk_handle;
    t.get_name = fk_name;
    t.get_pci = fk_pci;
    t.get_utilization = fk_util;
    t.get_memory = fk_mem;
    t.get_temperature = fk_temp;
    t.get_power = fk_power;
    t.get_clock = NULL;   /* an old library without nvmlDeviceGetClockInfo */
    t.get_clocks_event_reasons = fk_reasons;
    t.error_string = fk_str;
    t.get_total_energy = fk_energy;
    memset(&why, 0, sizeof(why));
    g_power_calls = 0;
    g_energy_calls = 0;

    CHECK_INT(cllm_nvml_vendor_open(&t, &ctx, err, sizeof(err)), CLLM_OK);
    CHECK_STR(err, "/fake/libnvidia-ml.so.1");
    CHECK_INT(nv->devices(ctx, CLLM_GPU_MAX, err, sizeof(err)), 2);
    nv->static_info(ctx, 0, &d);
    CHECK_STR(d.name, "NVIDIA H100 80GB HBM3");
    CHECK_STR(d.source, "nvml");
    CHECK_STR(d.pci_bus_id, "0000:18:00.0");
    CHECK_NEAR(d.vram_total_gb, 80.0, 1e-12);
    CHECK_NEAR(d.vram_free_gb, 40.0, 1e-12);
    CHECK(cllm_reason_get(&d.why, "driver_version") != NULL);   /* the fake has no nvmlSystemGetDriverVersion */
    nv->static_info(ctx, 1, &d);
    CHECK_STR(d.name, "NVIDIA L4");
    CHECK_STR(d.pci_bus_id, "0000:af:00.0");

    /* the vendor's device k reads into the index the merged list gives it (here 3 and 4) */
    clear_sample(&out, 5);
    nv->sample(ctx, 0, 3, &out.gpu[3], &why);
    nv->sample(ctx, 1, 4, &out.gpu[4], &why);
    CHECK_NEAR(out.gpu[3].util_pct, 97, 0);
    CHECK_NEAR(out.gpu[3].vram_used_gb, 40.0, 1e-12);
    CHECK_NEAR(out.gpu[3].temp_c, 71, 0);
    CHECK_NEAR(out.gpu[3].power_w, 612.345, 1e-9);
    CHECK(isnan(out.gpu[3].sm_clock_mhz));
    CHECK_STR(cllm_reason_get(&why, "gpu3_sm_clock_mhz"), "nvmlDeviceGetClockInfo missing from the NVML library");
    CHECK_NEAR(out.gpu[4].vram_used_gb, 0.5, 1e-12);
    CHECK(isnan(out.gpu[4].power_w));
    CHECK_STR(cllm_reason_get(&why, "gpu4_power_w"), "nvmlDeviceGetPowerUsage: Not Supported");
    CHECK(cllm_reason_get(&why, "gpu3_power_w") == NULL);
    CHECK(isnan(out.gpu[0].util_pct));   /* not ours */
    CHECK_INT(g_power_calls, 2);
    CHECK(out.gpu[3].throttle_known);
    CHECK_INT(out.gpu[3].throttle_reasons, 0x44);   /* nvmlClocksEventReasonSwPowerCap | HwThermalSlowdown */
    CHECK(!out.gpu[4].throttle_known);
    CHECK_STR(cllm_reason_get(&why, "gpu4_throttle_reasons"), "nvmlDeviceGetCurrentClocksEventReasons: Not Supported");
    /* the energy counter in J from mJ; "not supported" with its reason */
    CHECK_NEAR(out.gpu[3].energy_j, 1234567890.123, 1e-6);
    CHECK(isnan(out.gpu[4].energy_j));
    CHECK_STR(cllm_reason_get(&why, "gpu4_energy_j"), "nvmlDeviceGetTotalEnergyConsumption: Not Supported");
    CHECK_INT(g_energy_calls, 2);
    g_energy_mj += 2500;
    /* "not supported" is not asked again */
    clear_sample(&out, 5);
    nv->sample(ctx, 0, 3, &out.gpu[3], &why);
    nv->sample(ctx, 1, 4, &out.gpu[4], &why);
    CHECK_INT(g_power_calls, 3);
    CHECK(isnan(out.gpu[4].power_w));
    CHECK_NEAR(out.gpu[3].power_w, 612.345, 1e-9);
    CHECK(!out.gpu[4].throttle_known);
    CHECK_INT(g_energy_calls, 3);
    CHECK_NEAR(out.gpu[3].energy_j, 1234567892.623, 1e-6);
    nv->shutdown(ctx);   /* the table was the caller's: nothing released */

    /* a library without either clocks-event function: unknown, with the reason */
    t.get_clocks_event_reasons = NULL;
    memset(&why, 0, sizeof(why));
    CHECK_INT(cllm_nvml_vendor_open(&t, &ctx, err, sizeof(err)), CLLM_OK);
    CHECK_INT(nv->devices(ctx, CLLM_GPU_MAX, err, sizeof(err)), 2);
    clear_sample(&out, 1);
    nv->sample(ctx, 0, 0, &out.gpu[0], &why);
    CHECK(!out.gpu[0].throttle_known);
    CHECK_STR(cllm_reason_get(&why, "gpu0_throttle_reasons"),
              "nvmlDeviceGetCurrentClocksEventReasons missing from the NVML library");
    CHECK_NEAR(out.gpu[0].energy_j, 1234567892.623, 1e-6);
    nv->shutdown(ctx);
}

/* The shared binding: a missing or wrong library is an error with the reason, and holds nothing. */
static void test_nvml_acquire_missing(void)
{
    const struct cllm_nvml *nv = (const struct cllm_nvml *)&nv;
    char err[512];
    enum cllm_status st;

    setenv("CLLM_NVML_LIB", "/nonexistent/libnvidia-ml.so.1", 1);
    for (int i = 0; i < 2; i++) {
        st = cllm_nvml_acquire(&nv, err, sizeof(err));
        CHECK_INT(st, CLLM_ERR_LIBRARY);
        CHECK(nv == NULL);
        CHECK(strstr(err, "/nonexistent/libnvidia-ml.so.1") != NULL);
    }
    cllm_nvml_release();   /* more releases than acquires: harmless */
#ifdef __linux__
    setenv("CLLM_NVML_LIB", "libm.so.6", 1);
    st = cllm_nvml_acquire(&nv, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_SYMBOL);
    CHECK(nv == NULL);
    CHECK(strstr(err, "nvmlInit_v2") != NULL);
#endif
    unsetenv("CLLM_NVML_LIB");
    CHECK_STR(cllm_nvml_error_str(NULL, 999), "NVML error 999");
}

/* ---------------------------------------------------------------------------------------------------------- */
/* the monitor on a synthetic sampler                                                                         */

struct fake {
    int    n_gpus;          /* announced when gpu is asked for */
    bool   ramp;            /* cpu_pct = 10, 20, 30, ... */
    bool   leave_nan;       /* cpu_pct and gpu0 temp unknown (temp with a reason) */
    double watts;           /* cpu_package_w and gpu power */
    int    logical_cpus;    /* announced at open (0: unknown) */
    int    calls, opens, closes;
    enum cllm_status open_status;
    /* the script (under mu): when set, cpu_pct/proc_cpu_pct are fixed and the GPUs read these */
    pthread_mutex_t mu;
    bool   scripted;
    double cpu_pct, proc_cpu_pct, cpu_clock_mhz, sm_clock_mhz;
    unsigned long long reasons;
    uint64_t last_call_ns;  /* cllm_now_ns() inside the latest sample call */
    /* energy counters: the CPU package's and GPU 0's totals grow at watts and 2 x watts from origin_s */
    bool   counters;
    double origin_s;
};

static enum cllm_status fake_open(const struct cllm_sampler *self, bool gpu, void **state,
                                  struct cllm_sampler_info *info, struct cllm_reasons *why, char *err, size_t errlen)
{
    struct fake *f = self->user_data;
    (void)why;
    f->opens++;
    if (f->open_status != CLLM_OK) {
        snprintf(err, errlen, "fake: cannot open");
        return f->open_status;
    }
    *state = f;
    info->logical_cpus = f->logical_cpus;
    for (int g = 0; gpu && g < f->n_gpus; g++)
        cllm_mon_info_add_gpu(info, "Fake GPU", "fake", "0000:01:00.0");
    cllm_mon_info_source(info, "fake", "ok", "synthetic");
    return CLLM_OK;
}

static void fake_sample(void *state, struct cllm_sample *out, struct cllm_reasons *why)
{
    struct fake *f = state;
    f->calls++;
    out->cpu_pct = f->leave_nan ? NAN : f->ramp ? 10.0 * f->calls : 50.0;
    out->proc_cpu_pct = 100.0 + f->calls;
    out->ram_used_gb = 8.0 + 0.5 * f->calls;
    out->rss_gb = 0.25;
    out->cpu_package_w = f->watts;
    for (int g = 0; g < out->n_gpus; g++) {
        out->gpu[g].util_pct = 50.0 + g;
        out->gpu[g].vram_used_gb = 1.0 * f->calls;
        out->gpu[g].temp_c = 60.0 + f->calls;
        out->gpu[g].power_w = f->watts;
        out->gpu[g].sm_clock_mhz = 1980;
    }
    if (f->counters) {
        double el = cllm_now_s() - f->origin_s;
        out->cpu_package_energy_j = 1000.0 + f->watts * el;
        if (out->n_gpus > 0)
            out->gpu[0].energy_j = 5e6 + 2.0 * f->watts * el;
    } else {
        cllm_reason_set(why, "cpu_package_energy_j", "fake: RAPL not readable (powercap absent)");
    }
    if (f->leave_nan && out->n_gpus > 0) {
        out->gpu[0].temp_c = NAN;
        cllm_reason_set(why, "gpu0_temp_c", "fake: no sensor");
    }
    if (f->scripted) {
        pthread_mutex_lock(&f->mu);
        out->cpu_pct = f->cpu_pct;
        out->proc_cpu_pct = f->proc_cpu_pct;
        out->cpu_clock_mhz = f->cpu_clock_mhz;
        for (int g = 0; g < out->n_gpus; g++) {
            out->gpu[g].sm_clock_mhz = f->sm_clock_mhz + 10.0 * g;
            out->gpu[g].throttle_reasons = g == 0 ? f->reasons : 0;
            out->gpu[g].throttle_known = true;
        }
        f->last_call_ns = cllm_now_ns();
        pthread_mutex_unlock(&f->mu);
    }
}

static void fake_close(void *state) { ((struct fake *)state)->closes++; }

static struct cllm_sampler fake_sampler(struct fake *f)
{
    struct cllm_sampler s = {"fake", f, fake_open, fake_sample, fake_close};
    return s;
}

static struct cllm_monitor *start_fake(struct cllm_sampler *s, double interval, size_t max_samples, bool gpu)
{
    struct cllm_monitor_params p = cllm_monitor_default_params();
    char err[256];
    struct cllm_monitor *m;
    p.interval_s = interval;
    p.sampler = s;
    p.gpu = gpu;
    if (max_samples)
        p.max_samples = max_samples;
    m = cllm_monitor_start(&p, err, sizeof(err));
    if (!m)
        fprintf(stderr, "  monitor start: %s\n", err);
    return m;
}

static void test_summary_ramp(void)
{
    struct fake f = {.ramp = true, .watts = 100.0};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor *m = start_fake(&s, 0.1, 0, false);
    const struct cllm_monitor_summary *sum;
    double n;

    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(cllm_monitor_summary(m) == NULL);   /* only once stopped */
    sleep_s(0.35);
    cllm_monitor_stop(m);
    sum = cllm_monitor_summary(m);
    CHECK(sum != NULL);
    CHECK_INT(f.opens, 1);
    CHECK_INT(f.closes, 1);
    CHECK_INT(sum->n_samples, f.calls);
    CHECK(sum->n_samples >= 4);   /* start, 0.1, 0.2, 0.3, stop */
    n = (double)sum->n_samples;
    CHECK_NEAR(sum->cpu_pct_mean, 5.0 * (n + 1), 1e-9);
    CHECK_NEAR(sum->cpu_pct_min, 10.0, 0);
    CHECK_NEAR(sum->cpu_pct_max, 10.0 * n, 1e-9);
    CHECK_NEAR(sum->proc_cpu_pct_mean, 100.0 + (n + 1) / 2, 1e-9);
    CHECK_NEAR(sum->proc_cpu_pct_max, 100.0 + n, 1e-9);
    CHECK_NEAR(sum->ram_used_gb_peak, 8.0 + 0.5 * n, 1e-9);
    CHECK_NEAR(sum->rss_gb_peak, 0.25, 0);
    CHECK_INT(sum->n_gpus, 0);
    CHECK(isfinite(sum->sample_cost_ms_mean) && sum->sample_cost_ms_mean >= 0);
    CHECK(sum->duration_s >= 0.3 && sum->duration_s < 1.5);
    cllm_monitor_stop(m);   /* idempotent */
    CHECK_INT(f.closes, 1);
    CHECK_INT(sum->n_samples, f.calls);
    cllm_monitor_free(m);
}

static void test_energy_constant_power(void)
{
    struct fake f = {.n_gpus = 1, .watts = 100.0};
    struct cllm_sampler s = fake_sampler(&f);
    double t0 = cllm_now_s(), wall;
    struct cllm_monitor *m = start_fake(&s, 0.1, 0, true);
    const struct cllm_monitor_summary *sum;

    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.5);
    cllm_monitor_stop(m);
    wall = cllm_now_s() - t0;
    sum = cllm_monitor_summary(m);
    CHECK_INT(sum->n_gpus, 1);
    CHECK_NEAR(sum->gpu[0].energy_j, 100.0 * sum->duration_s, 1e-6);
    CHECK_NEAR(sum->gpu[0].energy_j, 100.0 * wall, 0.05 * 100.0 * wall);
    CHECK_NEAR(sum->gpu[0].power_w_mean, 100.0, 1e-9);
    CHECK_NEAR(sum->gpu[0].power_w_peak, 100.0, 0);
    CHECK_NEAR(sum->cpu_package_energy_j, 100.0 * wall, 0.05 * 100.0 * wall);
    CHECK_NEAR(sum->cpu_package_w_mean, 100.0, 1e-9);
    CHECK_NEAR(sum->gpu[0].util_pct_peak, 50.0, 0);
    CHECK_NEAR(sum->gpu[0].vram_used_gb_peak, (double)f.calls, 1e-12);
    CHECK_NEAR(sum->gpu[0].temp_c_peak, 60.0 + f.calls, 1e-12);
    CHECK_NEAR(sum->gpu[0].sm_clock_mhz_mean, 1980, 1e-9);
    cllm_monitor_free(m);
}

/* ---- energy windows ---- */

/* Counter deltas interpolated at the edges; power integrated; lost readings, resets and missing edges refused. */
static void test_energy_pure(void)
{
    const double t[] = {0.0, 1.0, 2.0, 3.0, 4.0};
    const double e[] = {100.0, 150.0, 250.0, 250.0, 300.0};   /* J, cumulative */
    const double p[] = {100.0, 100.0, 200.0, 200.0, 0.0};     /* W */
    double e_lost[] = {100.0, 150.0, NAN, 250.0, 300.0};
    double e_reset[] = {100.0, 150.0, 10.0, 20.0, 30.0};
    double j, gap;
    char why[200];

    /* exact readings at the edges */
    CHECK(cllm_monitor_energy_from_counter(t, e, 5, 1.0, 3.0, &j, &gap, why, sizeof(why)));
    CHECK_NEAR(j, 100.0, 1e-12);
    CHECK_NEAR(gap, 0.0, 0);
    /* edges inside intervals: 0.5 -> 125, 2.5 -> 250, 3.5 -> 275 */
    CHECK(cllm_monitor_energy_from_counter(t, e, 5, 0.5, 3.5, &j, &gap, why, sizeof(why)));
    CHECK_NEAR(j, 275.0 - 125.0, 1e-12);
    CHECK_NEAR(gap, 1.0, 1e-12);
    /* a window inside one interval: the interval's mean power x its length */
    CHECK(cllm_monitor_energy_from_counter(t, e, 5, 1.25, 1.75, &j, &gap, why, sizeof(why)));
    CHECK_NEAR(j, 50.0, 1e-12);
    /* a window without a reading after its end, or before its start */
    CHECK(!cllm_monitor_energy_from_counter(t, e, 5, 3.5, 4.5, &j, &gap, why, sizeof(why)));
    CHECK(strstr(why, "after the window's end") != NULL && isnan(j));
    CHECK(!cllm_monitor_energy_from_counter(t + 1, e + 1, 4, 0.5, 2.0, &j, &gap, why, sizeof(why)));
    CHECK(strstr(why, "before the window's start") != NULL);
    /* a lost reading inside; the same reading outside the window does not matter */
    CHECK(!cllm_monitor_energy_from_counter(t, e_lost, 5, 0.5, 3.5, &j, &gap, why, sizeof(why)));
    CHECK(strstr(why, "lost") != NULL);
    CHECK(cllm_monitor_energy_from_counter(t, e_lost, 5, 3.0, 4.0, &j, &gap, why, sizeof(why)));
    CHECK_NEAR(j, 50.0, 1e-12);
    /* a counter reset inside the window */
    CHECK(!cllm_monitor_energy_from_counter(t, e_reset, 5, 0.0, 4.0, &j, &gap, why, sizeof(why)));
    CHECK(strstr(why, "backwards") != NULL);

    /* power: trapezoids, clipped: [0.5, 2.5] = 50 (0.5-1 at 100 W) + 150 (1-2 ramp) + 100 (2-2.5 at 200 W) */
    CHECK(cllm_monitor_energy_from_power(t, p, 5, 0.5, 2.5, &j, &gap, why, sizeof(why)));
    CHECK_NEAR(j, 300.0, 1e-12);
    /* [3.5, 4]: 100 W at 3.5 falling to 0 */
    CHECK(cllm_monitor_energy_from_power(t, p, 5, 3.5, 4.0, &j, &gap, why, sizeof(why)));
    CHECK_NEAR(j, 25.0, 1e-12);
    CHECK(!cllm_monitor_energy_from_power(t, p, 5, 3.5, 4.5, &j, &gap, why, sizeof(why)));
}

/* The window's parts from a series: counters first, power where a GPU has none, the short-window rules, no GPU. */
static void test_energy_window_series(void)
{
    double t[] = {0.0, 0.5, 1.0, 1.5, 2.0, 2.5};
    double cpu[] = {10.0, 20.0, 30.0, 40.0, 50.0, 60.0};        /* 20 W */
    double g0j[] = {1e6, 1e6 + 150, 1e6 + 300, 1e6 + 450, 1e6 + 600, 1e6 + 750};   /* 300 W */
    double g1w[] = {80.0, 80.0, 80.0, 80.0, 80.0, 80.0};
    double none[] = {NAN, NAN, NAN, NAN, NAN, NAN};
    struct cllm_mon_energy_series s;
    struct cllm_energy_window w;

    memset(&s, 0, sizeof(s));
    s.n = 6;
    s.t = t;
    s.cpu_j = cpu;
    s.n_gpus = 2;
    s.gpu_j[0] = g0j;
    s.gpu_w[0] = g1w;   /* power too, but the counter wins */
    s.gpu_kind[0] = "nvml";
    s.gpu_j[1] = none;
    s.gpu_w[1] = g1w;
    s.gpu_kind[1] = "nvml";
    s.interval_s = 0.5;

    /* both GPUs and the CPU over [0.5, 2.0] */
    cllm_mon_energy_window(&s, 0.5, 2.0, 0x3, &w);
    CHECK_NEAR(w.window_s, 1.5, 1e-12);
    CHECK_NEAR(w.gpu.j, 450.0 + 120.0, 1e-6);
    CHECK_STR(w.gpu.source, "nvml_energy_counter+power_samples");
    CHECK_NEAR(w.cpu.j, 30.0, 1e-9);
    CHECK_STR(w.cpu.source, "rapl");
    CHECK_NEAR(w.j, 600.0, 1e-6);
    CHECK_NEAR(w.w, 400.0, 1e-6);
    CHECK_STR(w.domains, "gpu+cpu_package");
    CHECK_STR(w.source, "nvml_energy_counter+power_samples+rapl");
    CHECK_STR(w.note, "");

    /* GPU 0 alone, a window shorter than NVML's counter period: GPU null with why; the CPU part is measured but
     * the total is null (the CPU alone would pass for a GPU run's energy) */
    cllm_mon_energy_window(&s, 1.0, 1.05, 0x1, &w);
    CHECK(isnan(w.gpu.j));
    CHECK(strstr(w.gpu.why, "shorter than the NVML energy counter's update period (100 ms)") != NULL);
    CHECK_NEAR(w.cpu.j, 1.0, 1e-9);
    CHECK(isnan(w.j) && isnan(w.w));
    CHECK_STR(w.domains, "");
    CHECK(strstr(w.note, "GPU not measured: GPU0: the window (50.0 ms) is shorter") != NULL);
    /* the run used no GPU: the CPU package is the run's energy */
    cllm_mon_energy_window(&s, 1.0, 1.05, 0, &w);
    CHECK_NEAR(w.j, 1.0, 1e-9);
    CHECK_STR(w.domains, "cpu_package");
    CHECK_STR(w.source, "rapl");
    /* GPU 1 (power only) over a window shorter than the monitor's interval */
    cllm_mon_energy_window(&s, 1.0, 1.3, 0x2, &w);
    CHECK(isnan(w.gpu.j));
    CHECK(strstr(w.gpu.why, "shorter than the monitor's interval (500 ms)") != NULL);
    /* a window a little longer than the readings' spacing: measured, and said to be approximate */
    cllm_mon_energy_window(&s, 0.6, 1.4, 0x1, &w);
    CHECK_NEAR(w.gpu.j, 240.0, 1e-6);
    CHECK(strstr(w.gpu.why, "approximate") != NULL);
    CHECK(strstr(w.note, "approximate") != NULL);

    /* no RAPL, the run used no GPU: null with both reasons */
    s.cpu_j = NULL;
    s.cpu_why = "RAPL not readable: /sys/class/powercap: No such file or directory";
    cllm_mon_energy_window(&s, 0.5, 2.0, 0, &w);
    CHECK(isnan(w.j) && isnan(w.w));
    CHECK_STR(w.domains, "");
    CHECK(strstr(w.note, "no energy reading: CPU package: RAPL not readable") != NULL);
    CHECK(strstr(w.note, "GPU: the run used no GPU") != NULL);
    /* no GPU at all */
    s.n_gpus = 0;
    cllm_mon_energy_window(&s, 0.5, 2.0, 0, &w);
    CHECK(strstr(w.note, "GPU: no GPU") != NULL);
    /* a GPU with neither counter nor power */
    s.n_gpus = 2;
    s.gpu_w[1] = none;
    s.gpu_why[1] = "nvmlDeviceGetPowerUsage: Not Supported";
    cllm_mon_energy_window(&s, 0.5, 2.0, 0x3, &w);
    CHECK(isnan(w.gpu.j));
    CHECK(strstr(w.gpu.why, "GPU1: no energy counter and no power reading: nvmlDeviceGetPowerUsage") != NULL);
    /* amdgpu's counter is named as such */
    s.gpu_kind[0] = "amdgpu";
    cllm_mon_energy_window(&s, 0.5, 2.0, 0x1, &w);
    CHECK_STR(w.gpu.source, "amdgpu_energy");
    CHECK_NEAR(w.gpu.j, 450.0, 1e-6);
}

/* Through a running monitor: counters on the monitor's clock, the window after stop, power-only GPUs. */
static void test_energy_monitor(void)
{
    struct fake f = {.n_gpus = 1, .watts = 50.0, .counters = true};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_energy_window w;
    struct cllm_monitor *m;
    uint64_t a, b;

    f.origin_s = cllm_now_s();
    m = start_fake(&s, 0.1, 0, true);
    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.15);
    a = cllm_now_ns();
    sleep_s(0.5);
    b = cllm_now_ns();
    CHECK_INT(cllm_monitor_energy(m, b, a, 1, &w), CLLM_ERR_INVALID_ARG);
    cllm_monitor_stop(m);   /* its last sample closes the window */
    CHECK_INT(cllm_monitor_energy(m, a, b, 1, &w), CLLM_OK);
    CHECK_NEAR(w.window_s, (double)(b - a) / 1e9, 1e-9);
    /* linear counters interpolated linearly: exact but for the microseconds between a sample's time and its
     * reading */
    CHECK_NEAR(w.cpu.j, 50.0 * w.window_s, 0.01);
    CHECK_NEAR(w.gpu.j, 100.0 * w.window_s, 0.02);
    CHECK_STR(w.gpu.source, "nvml_energy_counter");   /* a counter of a GPU not amdgpu's */
    CHECK_STR(w.domains, "gpu+cpu_package");
    CHECK_NEAR(w.w, 150.0, 0.1);
    cllm_monitor_free(m);

    /* no counters: the GPU's power readings integrated; the CPU's RAPL reason carried */
    memset(&f, 0, sizeof(f));
    f.n_gpus = 1;
    f.watts = 80.0;
    m = start_fake(&s, 0.1, 0, true);
    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.15);
    a = cllm_now_ns();
    sleep_s(0.4);
    b = cllm_now_ns();
    cllm_monitor_stop(m);
    CHECK_INT(cllm_monitor_energy(m, a, b, 1, &w), CLLM_OK);
    CHECK_NEAR(w.gpu.j, 80.0 * w.window_s, 1e-6);
    CHECK_STR(w.gpu.source, "power_samples");
    CHECK(isnan(w.cpu.j));
    CHECK(strstr(w.cpu.why, "powercap absent") != NULL);
    CHECK_STR(w.domains, "gpu");
    CHECK(strstr(w.note, "CPU package not measured: fake: RAPL not readable") != NULL);
    /* a window before the first sample */
    CHECK_INT(cllm_monitor_energy(m, a - 2000000000ull, a - 1000000000ull, 1, &w), CLLM_OK);
    CHECK(isnan(w.j));
    CHECK(strstr(w.note, "before the window's start") != NULL);
    cllm_monitor_free(m);
}

static void test_stop_is_prompt(void)
{
    struct fake f = {.watts = 1.0};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor *m = start_fake(&s, 1.0, 0, false);
    double t;

    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.15);
    t = cllm_now_s();
    cllm_monitor_stop(m);
    t = cllm_now_s() - t;
    CHECK(t < 0.5);   /* woken by the condition variable, not after the 1 s interval */
    CHECK_INT(cllm_monitor_summary(m)->n_samples, 2);   /* the first at start, the last at stop */
    CHECK_INT(f.calls, 2);
    cllm_monitor_free(m);
}

static void test_nan_is_null_with_reason(void)
{
    struct fake f = {.n_gpus = 1, .leave_nan = true, .watts = 50.0};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor *m = start_fake(&s, 0.1, 0, true);
    cJSON *j, *sum, *reasons, *g0, *samples, *col;

    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.15);
    cllm_monitor_stop(m);
    CHECK(isnan(cllm_monitor_summary(m)->cpu_pct_mean));
    j = monitor_json(m, true);
    CHECK(j != NULL);
    sum = obj(j, "summary");
    CHECK(cJSON_IsNull(obj(sum, "cpu_pct_mean")));
    CHECK(cJSON_IsNull(obj(sum, "cpu_pct_min")));
    reasons = obj(sum, "null_reasons");
    CHECK(cJSON_IsString(obj(reasons, "cpu_pct_mean")));
    CHECK(obj(reasons, "ram_used_gb_peak") == NULL);
    CHECK(cJSON_IsNumber(obj(sum, "ram_used_gb_peak")));
    g0 = cJSON_GetArrayItem(obj(sum, "gpus"), 0);
    CHECK(cJSON_IsNull(obj(g0, "temp_c_peak")));
    CHECK_STR(cJSON_GetStringValue(obj(obj(g0, "null_reasons"), "temp_c_peak")), "fake: no sensor");
    CHECK(cJSON_IsNumber(obj(g0, "power_w_mean")));
    samples = obj(j, "samples");
    col = obj(samples, "gpu0_temp_c");
    CHECK(cJSON_IsArray(col) && cJSON_GetArraySize(col) == (int)f.calls);
    CHECK(cJSON_IsNull(cJSON_GetArrayItem(col, 0)));
    CHECK_STR(cJSON_GetStringValue(obj(obj(samples, "null_reasons"), "gpu0_temp_c")), "fake: no sensor");
    CHECK(cJSON_IsString(obj(obj(samples, "null_reasons"), "cpu_pct")));
    CHECK(obj(obj(samples, "null_reasons"), "gpu0_power_w") == NULL);
    CHECK(cJSON_IsNumber(cJSON_GetArrayItem(obj(samples, "gpu0_power_w"), 0)));
    cJSON_Delete(j);
    cllm_monitor_free(m);
}

static void test_max_samples_bound(void)
{
    struct fake f = {.ramp = true, .watts = 10.0};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor *m = start_fake(&s, 0.1, 3, false);
    const struct cllm_monitor_summary *sum;
    cJSON *j, *t, *cpu;
    int n;

    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.55);
    cllm_monitor_stop(m);
    sum = cllm_monitor_summary(m);
    n = (int)sum->n_samples;
    CHECK(n >= 6);
    /* the summary covers every sample, the series keeps the newest three */
    CHECK_NEAR(sum->cpu_pct_max, 10.0 * n, 1e-9);
    CHECK_NEAR(sum->cpu_pct_min, 10.0, 0);
    j = monitor_json(m, true);
    CHECK_INT(cJSON_GetNumberValue(obj(j, "n_samples")), n);
    CHECK_INT(cJSON_GetNumberValue(obj(j, "samples_kept")), 3);
    CHECK_INT(cJSON_GetNumberValue(obj(j, "samples_dropped")), n - 3);
    t = obj(obj(j, "samples"), "t_s");
    cpu = obj(obj(j, "samples"), "cpu_pct");
    CHECK_INT(cJSON_GetArraySize(t), 3);
    CHECK_INT(cJSON_GetArraySize(cpu), 3);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetArrayItem(cpu, 0)), 10.0 * (n - 2), 1e-9);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetArrayItem(cpu, 2)), 10.0 * n, 1e-9);
    CHECK(cJSON_GetNumberValue(cJSON_GetArrayItem(t, 0)) < cJSON_GetNumberValue(cJSON_GetArrayItem(t, 1)));
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetArrayItem(t, 2)), sum->duration_s, 0.001);
    /* without samples: no series */
    cJSON_Delete(j);
    j = monitor_json(m, false);
    CHECK(obj(j, "samples") == NULL);
    CHECK(obj(j, "summary") != NULL);
    cJSON_Delete(j);
    cllm_monitor_free(m);

    /* one sample kept */
    f.calls = 0;
    m = start_fake(&s, 0.1, 1, false);
    sleep_s(0.25);
    cllm_monitor_stop(m);
    j = monitor_json(m, true);
    CHECK_INT(cJSON_GetArraySize(obj(obj(j, "samples"), "cpu_pct")), 1);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetArrayItem(obj(obj(j, "samples"), "cpu_pct"), 0)), 10.0 * f.calls, 1e-9);
    cJSON_Delete(j);
    cllm_monitor_free(m);
}

static void test_bad_params(void)
{
    struct fake f = {.open_status = CLLM_ERR_LIBRARY};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor_params p = cllm_monitor_default_params();
    char err[256];

    CHECK_NEAR(p.interval_s, 0.5, 0);
    CHECK_INT(p.max_samples, 100000);
    CHECK(p.gpu);
    CHECK(p.sampler == NULL);
    p.sampler = &s;
    p.interval_s = 0.05;
    CHECK(cllm_monitor_start(&p, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "interval_s") != NULL);
    p.interval_s = NAN;
    CHECK(cllm_monitor_start(&p, err, sizeof(err)) == NULL);
    p.interval_s = 11;
    CHECK(cllm_monitor_start(&p, err, sizeof(err)) == NULL);
    p.interval_s = 0.5;
    p.max_samples = 0;
    CHECK(cllm_monitor_start(&p, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "max_samples") != NULL);
    CHECK_INT(f.opens, 0);
    p.max_samples = 10;
    CHECK(cllm_monitor_start(&p, err, sizeof(err)) == NULL);   /* the sampler's open fails */
    CHECK_STR(err, "fake: cannot open");
    CHECK_INT(f.opens, 1);
    CHECK_INT(f.closes, 0);
    cllm_monitor_free(NULL);
    cllm_monitor_stop(NULL);
    CHECK(cllm_monitor_summary(NULL) == NULL);
    CHECK(monitor_json(NULL, true) == NULL);
}

/* ---------------------------------------------------------------------------------------------------------- */
/* windows and throttle marks                                                                                 */

static void script(struct fake *f, double sm_clock, unsigned long long reasons, double cpu_clock)
{
    pthread_mutex_lock(&f->mu);
    f->sm_clock_mhz = sm_clock;
    f->reasons = reasons;
    f->cpu_clock_mhz = cpu_clock;
    pthread_mutex_unlock(&f->mu);
}

/* Waits until the sampler was called after t: every sample stamped at or before t has then read the script. */
static void wait_sampled_after(struct fake *f, uint64_t t)
{
    for (int i = 0; i < 500; i++) {
        uint64_t last;
        pthread_mutex_lock(&f->mu);
        last = f->last_call_ns;
        pthread_mutex_unlock(&f->mu);
        if (last > t)
            return;
        sleep_s(0.005);
    }
    CHECK(0);   /* the monitor's thread stopped sampling */
}

/* Five repetitions of 0.25 s under a monitor sampling every 0.1 s; rep `drop` (0-based, -1 none) has its GPU0 SM
 * clock at 1410 MHz instead of 1980, rep `bit_rep` the reason bits `bits`. The windows are taken while the monitor
 * runs. */
static int scripted_reps(struct fake *f, bool gpu, int drop, int bit_rep, unsigned long long bits,
                         struct cllm_monitor_window *w, struct cllm_throttle_mark *marks)
{
    struct cllm_sampler s = fake_sampler(f);
    struct cllm_monitor *m;

    script(f, 1980, 0, 3000);
    m = start_fake(&s, 0.1, 0, gpu);
    CHECK(m != NULL);
    if (!m)
        return -1;
    for (int r = 0; r < 5; r++) {
        uint64_t t0, t1;
        script(f, r == drop ? 1410 : 1980, r == bit_rep ? bits : 0, r == drop ? 2000 : 3000);
        t0 = cllm_now_ns();
        sleep_s(0.25);
        t1 = cllm_now_ns();
        wait_sampled_after(f, t1);
        CHECK_INT(cllm_monitor_window(m, t0, t1, &w[r]), CLLM_OK);
        CHECK(w[r].n_samples >= 1 && !w[r].nearest);
    }
    cllm_monitor_free(m);
    return cllm_monitor_mark_throttled(w, 5, marks);
}

static void test_window_marks_clock_drop(void)
{
    static struct fake f = {.n_gpus = 2, .watts = 300.0, .logical_cpus = 4, .scripted = true, .cpu_pct = 60,
                            .proc_cpu_pct = 80};
    struct cllm_monitor_window w[5];
    struct cllm_throttle_mark marks[5];

    pthread_mutex_init(&f.mu, NULL);
    CHECK_INT(scripted_reps(&f, true, 2, -1, 0, w, marks), 1);
    for (int r = 0; r < 5; r++) {
        CHECK_INT(w[r].n_gpus, 2);
        CHECK(marks[r].throttled == (r == 2));
        CHECK_NEAR(w[r].gpu[0].sm_clock_mhz_min, r == 2 ? 1410 : 1980, 0);
        CHECK_NEAR(w[r].gpu[0].sm_clock_mhz_max, r == 2 ? 1410 : 1980, 0);
        CHECK_NEAR(w[r].gpu[1].sm_clock_mhz_mean, r == 2 ? 1420 : 1990, 1e-9);
        CHECK(w[r].gpu[0].throttle_known);
        CHECK_INT(w[r].gpu[0].throttle_reasons, 0);
        CHECK_NEAR(w[r].gpu[0].power_w_mean, 300.0, 1e-9);
        CHECK(w[r].gpu[0].temp_c_max > 60.0);
        CHECK_NEAR(w[r].cpu_clock_mhz_min, r == 2 ? 2000 : 3000, 0);
        CHECK_NEAR(w[r].cpu_clock_mhz_mean, r == 2 ? 2000 : 3000, 1e-9);
        /* 60 % of the machine busy, this process 80 % of one of its 4 CPUs = 20 % of the machine */
        CHECK_NEAR(w[r].other_cpu_pct_mean, 40.0, 1e-9);
        if (r != 2)
            CHECK_STR(marks[r].reason, "");
    }
    /* both GPUs fell, each against its own highest */
    CHECK_STR(marks[2].reason, "GPU0 SM clock 1410 MHz < 90 % of 1980 MHz; GPU1 SM clock 1420 MHz < 90 % of 1990 MHz");
    pthread_mutex_destroy(&f.mu);
}

static void test_window_marks_reason_bit(void)
{
    static struct fake f = {.n_gpus = 1, .watts = 300.0, .logical_cpus = 4, .scripted = true, .cpu_pct = 60,
                            .proc_cpu_pct = 80};
    struct cllm_monitor_window w[5];
    struct cllm_throttle_mark marks[5];

    pthread_mutex_init(&f.mu, NULL);
    CHECK_INT(scripted_reps(&f, true, -1, 1, CLLM_GPU_THROTTLE_HW_THERMAL, w, marks), 1);
    for (int r = 0; r < 5; r++)
        CHECK(marks[r].throttled == (r == 1));
    CHECK_INT(w[1].gpu[0].throttle_reasons, CLLM_GPU_THROTTLE_HW_THERMAL);
    CHECK_STR(marks[1].reason, "GPU0 HW thermal slowdown");

    /* a reason that is not a slowdown (sync boost) marks nothing */
    CHECK_INT(scripted_reps(&f, true, -1, 3, CLLM_GPU_THROTTLE_SYNC_BOOST, w, marks), 0);
    CHECK_INT(w[3].gpu[0].throttle_reasons, CLLM_GPU_THROTTLE_SYNC_BOOST);

    /* no GPUs sampled: the same clock drop and bits mark nothing */
    CHECK_INT(scripted_reps(&f, false, 2, 1, CLLM_GPU_THROTTLE_HW_THERMAL, w, marks), 0);
    for (int r = 0; r < 5; r++) {
        CHECK_INT(w[r].n_gpus, 0);
        CHECK(!marks[r].throttled);
        CHECK_NEAR(w[r].other_cpu_pct_mean, 40.0, 1e-9);
    }
    pthread_mutex_destroy(&f.mu);
}

/* The window's edges: the nearest sample stands in for an empty span, nothing before the first sample, bad spans. */
static void test_window_edges(void)
{
    static struct fake f = {.n_gpus = 1, .watts = 100.0, .logical_cpus = 0, .scripted = true, .cpu_pct = 30,
                            .proc_cpu_pct = 100, .sm_clock_mhz = 1700, .cpu_clock_mhz = 2400};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor_window w;
    struct cllm_monitor *m;
    uint64_t before, t0, t1;
    int rc;

    pthread_mutex_init(&f.mu, NULL);
    before = cllm_now_ns();
    sleep_s(0.01);
    m = start_fake(&s, 10.0, 0, true);   /* one sample at start, the next at stop */
    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.05);
    t0 = cllm_now_ns();
    sleep_s(0.02);
    t1 = cllm_now_ns();
    CHECK_INT(cllm_monitor_window(m, t0, t1, &w), CLLM_OK);   /* while running */
    CHECK_INT(w.n_samples, 1);
    CHECK(w.nearest);
    CHECK_NEAR(w.gpu[0].sm_clock_mhz_min, 1700, 0);
    CHECK_NEAR(w.cpu_clock_mhz_mean, 2400, 0);
    CHECK(isnan(w.other_cpu_pct_mean));   /* the sampler did not say how many CPUs */
    CHECK(w.t0_ns == t0 && w.t1_ns == t1);
    rc = cllm_monitor_window(m, before - 1000, before, &w);
    CHECK_INT(rc, CLLM_ERR_NOT_FOUND);
    CHECK_INT(w.n_samples, 0);
    CHECK(isnan(w.gpu[0].sm_clock_mhz_min) && isnan(w.cpu_clock_mhz_min));
    CHECK_INT(cllm_monitor_window(m, t1, t0, &w), CLLM_ERR_INVALID_ARG);
    CHECK_INT(cllm_monitor_window(NULL, t0, t1, &w), CLLM_ERR_INVALID_ARG);
    CHECK_INT(cllm_monitor_window(m, t0, t1, NULL), CLLM_ERR_INVALID_ARG);
    /* from before the monitor to after stop: both samples */
    cllm_monitor_stop(m);
    CHECK_INT(cllm_monitor_window(m, before, cllm_now_ns(), &w), CLLM_OK);
    CHECK_INT(w.n_samples, 2);
    CHECK(!w.nearest);
    CHECK(isnan(cllm_monitor_summary(m)->other_cpu_pct_mean));
    cllm_monitor_free(m);
    pthread_mutex_destroy(&f.mu);
}

/* cllm_monitor_mark_throttled on windows made by hand. */
static void test_mark_throttled_pure(void)
{
    struct cllm_monitor_window w[3];
    struct cllm_throttle_mark o[3];

    memset(w, 0, sizeof(w));
    for (int r = 0; r < 3; r++) {
        w[r].n_gpus = 1;
        w[r].gpu[0].sm_clock_mhz_min = w[r].gpu[0].sm_clock_mhz_max = 1980;
        w[r].gpu[0].throttle_known = true;
    }
    /* the highest is over every repetition: a fall to exactly 90 % is not below it */
    w[1].gpu[0].sm_clock_mhz_max = 2000;
    w[2].gpu[0].sm_clock_mhz_min = 1800;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 0);
    w[2].gpu[0].sm_clock_mhz_min = 1799;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 1);
    CHECK_STR(o[2].reason, "GPU0 SM clock 1799 MHz < 90 % of 2000 MHz");
    /* the GPU said it was idle: its clock fell without throttling */
    w[2].gpu[0].throttle_reasons = CLLM_GPU_THROTTLE_GPU_IDLE;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 0);
    /* every slowdown reason, named */
    w[2].gpu[0].throttle_reasons = CLLM_GPU_THROTTLE_SLOWDOWN_MASK;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 1);
    w[2].gpu[0].sm_clock_mhz_min = 1980;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 1);
    CHECK_STR(o[2].reason, "GPU0 HW thermal slowdown; GPU0 SW thermal slowdown; GPU0 HW power brake slowdown; GPU0 "
              "HW slowdown; GPU0 SW power cap");
    /* with the clock drop too, the clock first (a reason too long for the buffer is cut, not overrun) */
    w[2].gpu[0].sm_clock_mhz_min = 1000;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 1);
    {
        static const char head[] = "GPU0 SM clock 1000 MHz < 90 % of 2000 MHz; GPU0 HW thermal slowdown";
        CHECK(strncmp(o[2].reason, head, sizeof(head) - 1) == 0);
    }
    CHECK(strlen(o[2].reason) < sizeof(o[2].reason));
    /* reasons unknown and clocks unknown: nothing to judge */
    w[2].gpu[0].throttle_known = false;
    w[2].gpu[0].sm_clock_mhz_min = NAN;
    CHECK_INT(cllm_monitor_mark_throttled(w, 3, o), 0);
    CHECK(!o[2].throttled);
    CHECK_INT(cllm_monitor_mark_throttled(NULL, 3, o), 0);
    CHECK_INT(cllm_monitor_mark_throttled(w, 0, o), 0);
}

/* The summary's other_cpu_pct_mean and its JSON: a number with the CPU count, null with the reason without it. */
static void test_other_cpu_in_summary(void)
{
    static struct fake f = {.watts = 10.0, .logical_cpus = 4, .scripted = true, .cpu_pct = 60, .proc_cpu_pct = 80};
    struct cllm_sampler s = fake_sampler(&f);
    struct cllm_monitor *m;
    double pct;
    cJSON *j;

    pthread_mutex_init(&f.mu, NULL);
    m = start_fake(&s, 0.1, 0, false);
    CHECK(m != NULL);
    if (!m)
        return;
    sleep_s(0.15);
    cllm_monitor_stop(m);
    CHECK_NEAR(cllm_monitor_summary(m)->other_cpu_pct_mean, 40.0, 1e-9);
    CHECK(cllm_monitor_noisy(cllm_monitor_summary(m), &pct));
    CHECK_NEAR(pct, 40.0, 1e-9);
    j = monitor_json(m, false);
    CHECK_NEAR(cJSON_GetNumberValue(obj(obj(j, "summary"), "other_cpu_pct_mean")), 40.0, 1e-9);
    cJSON_Delete(j);
    cllm_monitor_free(m);

    /* this process alone: 4 CPUs all busy with it is nobody else */
    f.cpu_pct = 100;
    f.proc_cpu_pct = 400;
    m = start_fake(&s, 0.1, 0, false);
    sleep_s(0.15);
    cllm_monitor_stop(m);
    CHECK_NEAR(cllm_monitor_summary(m)->other_cpu_pct_mean, 0.0, 1e-9);
    CHECK(!cllm_monitor_noisy(cllm_monitor_summary(m), NULL));
    cllm_monitor_free(m);

    f.logical_cpus = 0;
    m = start_fake(&s, 0.1, 0, false);
    sleep_s(0.15);
    cllm_monitor_stop(m);
    j = monitor_json(m, false);
    CHECK(cJSON_IsNull(obj(obj(j, "summary"), "other_cpu_pct_mean")));
    CHECK_STR(cJSON_GetStringValue(obj(obj(obj(j, "summary"), "null_reasons"), "other_cpu_pct_mean")),
              "the sampler did not give the logical CPU count");
    cJSON_Delete(j);
    cllm_monitor_free(m);
    pthread_mutex_destroy(&f.mu);
}

static void test_noisy(void)
{
    struct cllm_monitor_summary s;
    double pct = 0;

    memset(&s, 0, sizeof(s));
    s.other_cpu_pct_mean = 23.0;
    CHECK(cllm_monitor_noisy(&s, &pct));
    CHECK_NEAR(pct, 23.0, 0);
    s.other_cpu_pct_mean = CLLM_MONITOR_NOISY_PCT;   /* more than 10 %, not 10 % itself */
    CHECK(!cllm_monitor_noisy(&s, &pct));
    s.other_cpu_pct_mean = NAN;
    CHECK(!cllm_monitor_noisy(&s, &pct));
    CHECK(isnan(pct));
    CHECK(!cllm_monitor_noisy(NULL, NULL));
}

/* ---------------------------------------------------------------------------------------------------------- */
/* this machine                                                                                               */

static const cJSON *source_of(const cJSON *j, const char *name)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, obj(j, "sources"))
        if (strcmp(cJSON_GetStringValue(obj(o, "name")), name) == 0)
            return o;
    return NULL;
}

static void test_real_sampler(void)
{
    struct cllm_monitor_params p = cllm_monitor_default_params();
    const struct cllm_monitor_summary *sum;
    const struct cllm_sampler_info *info;
    struct cllm_monitor *m;
    char err[256];
    cJSON *j, *samples;
    volatile double x = 0;
    double t;

    p.interval_s = 0.1;
    m = cllm_monitor_start(&p, err, sizeof(err));
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    /* a snapshot while running */
    j = monitor_json(m, true);
    CHECK(cJSON_IsTrue(obj(j, "running")));
    CHECK(cJSON_GetNumberValue(obj(j, "n_samples")) >= 1);
    cJSON_Delete(j);
    t = cllm_now_s();
    while (cllm_now_s() - t < 0.35)   /* keep one CPU busy */
        x += 1.0;
    cllm_monitor_stop(m);
    sum = cllm_monitor_summary(m);
    info = cllm_monitor_info(m);
    CHECK(sum->n_samples >= 4);
#ifdef __linux__
    CHECK(sum->cpu_pct_mean >= 0 && sum->cpu_pct_mean <= 100);
    CHECK(sum->cpu_pct_min >= 0 && sum->cpu_pct_max <= 100);
    CHECK(sum->proc_cpu_pct_max > 10);   /* the busy loop */
    CHECK(sum->rss_gb_peak > 0 && sum->rss_gb_peak < 64);
    CHECK(sum->ram_used_gb_peak > 0);
    CHECK(info->logical_cpus > 0);
    CHECK(sum->other_cpu_pct_mean >= 0 && sum->other_cpu_pct_mean <= 100);
#endif
    CHECK(sum->sample_cost_ms_mean >= 0 && sum->sample_cost_ms_mean <= sum->sample_cost_ms_max);
    fprintf(stderr, "  %zu samples, sample cost %.3f ms mean, %.3f ms max; %d GPU(s)\n", sum->n_samples,
            sum->sample_cost_ms_mean, sum->sample_cost_ms_max, info->n_gpus);

    j = monitor_json(m, true);
    CHECK(cJSON_IsFalse(obj(j, "running")));
    CHECK_STR(cJSON_GetStringValue(obj(j, "sampler")), "system");
    CHECK(cJSON_IsNumber(obj(j, "sample_cost_ms_mean")));
    CHECK(source_of(j, "nvml") != NULL);
    CHECK(source_of(j, "amdgpu") != NULL);
    samples = obj(j, "samples");
    CHECK_INT(cJSON_GetArraySize(obj(samples, "t_s")), sum->n_samples);
    CHECK(cJSON_IsArray(obj(samples, "cpu_package_w")));
    if (info->n_gpus == 0) {
        /* no GPU on this machine: no GPU columns, no GPU summaries */
        CHECK(obj(samples, "gpu0_util_pct") == NULL);
        CHECK_INT(cJSON_GetArraySize(obj(obj(j, "summary"), "gpus")), 0);
        CHECK_INT(cJSON_GetArraySize(obj(j, "gpus")), 0);
    } else {
        CHECK(cJSON_IsArray(obj(samples, "gpu0_util_pct")));
        CHECK_INT(cJSON_GetArraySize(obj(obj(j, "summary"), "gpus")), info->n_gpus);
    }
    /* package power: a number where RAPL is readable, else null with "RAPL not readable: ..." */
    if (isnan(sum->cpu_package_w_mean)) {
        const char *r = cJSON_GetStringValue(obj(obj(obj(j, "summary"), "null_reasons"), "cpu_package_w_mean"));
        CHECK(r && strstr(r, "RAPL") != NULL);
    }
    cJSON_Delete(j);
    cllm_monitor_free(m);

    /* GPUs not asked for */
    p.gpu = false;
    m = cllm_monitor_start(&p, err, sizeof(err));
    CHECK(m != NULL);
    if (m) {
        cllm_monitor_stop(m);
        j = monitor_json(m, true);
        CHECK_INT(cllm_monitor_info(m)->n_gpus, 0);
        CHECK(obj(obj(j, "samples"), "gpu0_util_pct") == NULL);
        CHECK_STR(cJSON_GetStringValue(obj(source_of(j, "gpu"), "status")), "off");
        cJSON_Delete(j);
        cllm_monitor_free(m);   /* free after stop */
    }
    /* free without stop */
    m = cllm_monitor_start(&p, err, sizeof(err));
    cllm_monitor_free(m);
}

int main(void)
{
    RUN(test_parse_proc_stat);
    RUN(test_parse_cpu_count_and_clock);
    RUN(test_parse_memory);
    RUN(test_rapl_delta);
    RUN(test_rapl_tree);
    RUN(test_host_on_tree);
    RUN(test_amdgpu_tree);
    RUN(test_nvml_fake_table);
    RUN(test_nvml_acquire_missing);
    RUN(test_summary_ramp);
    RUN(test_energy_constant_power);
    RUN(test_energy_pure);
    RUN(test_energy_window_series);
    RUN(test_energy_monitor);
    RUN(test_stop_is_prompt);
    RUN(test_nan_is_null_with_reason);
    RUN(test_max_samples_bound);
    RUN(test_bad_params);
    RUN(test_window_marks_clock_drop);
    RUN(test_window_marks_reason_bit);
    RUN(test_window_edges);
    RUN(test_mark_throttled_pure);
    RUN(test_other_cpu_in_summary);
    RUN(test_noisy);
    RUN(test_real_sampler);
    return test_summary();
}
