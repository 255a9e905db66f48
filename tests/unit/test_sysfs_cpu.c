/* sysfs CPU topology parser against the trees in tests/data/machines/<machine>/sys/devices/system/. */
#include "hw_check.h"

#define KIB 1024LL
#define MIB (1024LL * 1024LL)

static void parse(const char *machine, struct cllm_cpu_info *c, enum cllm_status want)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "machines/%s", machine);
    cllm_cpu_info_init(c);
    CHECK_INT(cllm_parse_sysfs_cpu(test_data(rel), c), want);
}

#define CHECK_CACHE(lv, size, n)                                                                         \
    do {                                                                                                 \
        CHECK_INT((lv).size_bytes, (size));                                                              \
        CHECK_INT((lv).instances, (n));                                                                  \
    } while (0)

static void test_epyc_vm_capture(void)
{
    struct cllm_cpu_info c;
    parse("epyc-vm", &c, CLLM_OK);
    /* lscpu on that VM: 2 CPUs, 2 cores, 1 socket, 1 NUMA node; L1d 64 KiB (2 instances), L2 2 MiB (2), L3 32 MiB (1) */
    CHECK_INT(c.logical_cores, 2);
    CHECK_INT(c.physical_cores, 2);
    CHECK_INT(c.sockets, 1);
    CHECK_INT(c.numa_nodes, 1);
    CHECK_STR(c.topology_source, "sysfs");
    CHECK_CACHE(c.l1d, 32 * KIB, 2);
    CHECK_CACHE(c.l1i, 32 * KIB, 2);
    CHECK_CACHE(c.l2, 1 * MIB, 2);
    CHECK_CACHE(c.l3, 32 * MIB, 1);
    /* no cpufreq directory in that VM */
    CHECK(isnan(c.freq_max_mhz));
    CHECK(isnan(c.freq_min_mhz));
    CHECK(isnan(c.freq_base_mhz));
    CHECK(isnan(c.freq_current_mhz));
    CHECK_REASON_HAS(&c.why, "freq_max_mhz", "cpufreq not exposed in /sys/devices/system/cpu/cpu0/cpufreq");
    CHECK_REASON_HAS(&c.why, "freq_base_mhz", "virtual machine or driver missing");
    CHECK_STR(c.governor, "");
    CHECK(cllm_reason_get(&c.why, "governor") != NULL);
    CHECK(cllm_reason_get(&c.why, "physical_cores") == NULL);
    CHECK(cllm_reason_get(&c.why, "l3") == NULL);
}

static void test_spr_vm_capture(void)
{
    struct cllm_cpu_info c;
    parse("spr-h200-vm", &c, CLLM_OK);
    /* lscpu there: 16 CPUs, 16 cores, 1 socket; L1d 768 KiB (16), L1i 512 KiB (16), L2 32 MiB (16), L3 300 MiB (1) */
    CHECK_INT(c.logical_cores, 16);
    CHECK_INT(c.physical_cores, 16);
    CHECK_INT(c.sockets, 1);
    CHECK_INT(c.numa_nodes, 1);
    CHECK_CACHE(c.l1d, 48 * KIB, 16);
    CHECK_CACHE(c.l1i, 32 * KIB, 16);
    CHECK_CACHE(c.l2, 2 * MIB, 16);
    CHECK_CACHE(c.l3, 300 * MIB, 1);
    CHECK(isnan(c.freq_max_mhz));
    CHECK_REASON_HAS(&c.why, "freq_max_mhz", "cpufreq not exposed");
}

static void test_xeon_spr_with_intel_pstate(void)
{
    struct cllm_cpu_info c;
    parse("xeon-w3-spr", &c, CLLM_OK);
    CHECK_INT(c.logical_cores, 12);
    CHECK_INT(c.physical_cores, 6);
    CHECK_INT(c.sockets, 1);
    CHECK_INT(c.numa_nodes, 1);
    CHECK_CACHE(c.l1d, 48 * KIB, 6);
    CHECK_CACHE(c.l1i, 32 * KIB, 6);
    CHECK_CACHE(c.l2, 2 * MIB, 6);
    CHECK_CACHE(c.l3, 15 * MIB, 1);
    CHECK_NEAR(c.freq_base_mhz, 2100.0, 1e-9);
    CHECK_NEAR(c.freq_max_mhz, 4200.0, 1e-9);
    CHECK_NEAR(c.freq_min_mhz, 800.0, 1e-9);
    CHECK_NEAR(c.freq_current_mhz, 19600.0 / 12.0, 1e-9);  /* mean of scaling_cur_freq over 12 CPUs */
    CHECK_STR(c.governor, "powersave");
    CHECK(cllm_reason_get(&c.why, "freq_base_mhz") == NULL);
    CHECK(cllm_reason_get(&c.why, "governor") == NULL);
}

static void test_two_sockets_smt(void)
{
    struct cllm_cpu_info c;
    parse("xeon-2s-smt", &c, CLLM_OK);
    CHECK_INT(c.logical_cores, 16);
    CHECK_INT(c.physical_cores, 8);   /* core_id repeats across packages: pairs, not ids */
    CHECK_INT(c.sockets, 2);
    CHECK_INT(c.numa_nodes, 2);
    CHECK_CACHE(c.l1d, 32 * KIB, 8);  /* one per core, shared by its two threads */
    CHECK_CACHE(c.l2, 256 * KIB, 8);
    CHECK_CACHE(c.l3, 10 * MIB, 2);   /* one per socket */
    CHECK_NEAR(c.freq_max_mhz, 3200.0, 1e-9);
    CHECK_NEAR(c.freq_min_mhz, 1200.0, 1e-9);
    CHECK_NEAR(c.freq_current_mhz, 2600.0, 1e-9);
    CHECK_STR(c.governor, "performance");
    /* Broadwell has no HWP: intel_pstate publishes no base_frequency */
    CHECK(isnan(c.freq_base_mhz));
    CHECK_REASON_HAS(&c.why, "freq_base_mhz", "base_frequency");
}

static void test_arm64_server(void)
{
    struct cllm_cpu_info c;
    parse("graviton4", &c, CLLM_OK);
    CHECK_INT(c.logical_cores, 8);
    CHECK_INT(c.physical_cores, 8);
    CHECK_INT(c.sockets, 1);
    CHECK_INT(c.numa_nodes, 1);
    CHECK_CACHE(c.l1d, 64 * KIB, 8);
    CHECK_CACHE(c.l1i, 64 * KIB, 8);
    CHECK_CACHE(c.l2, 2 * MIB, 8);
    CHECK_CACHE(c.l3, 36 * MIB, 1);
    CHECK(isnan(c.freq_max_mhz));
    CHECK_REASON_HAS(&c.why, "freq_max_mhz", "cpufreq not exposed");
}

static void test_raspberry_pi(void)
{
    struct cllm_cpu_info c;
    parse("rpi4", &c, CLLM_OK);
    CHECK_INT(c.logical_cores, 4);
    CHECK_INT(c.physical_cores, 4);
    CHECK_INT(c.sockets, 1);
    /* no NUMA in that kernel, no cache description in its device tree */
    CHECK_INT(c.numa_nodes, -1);
    CHECK_REASON_HAS(&c.why, "numa_nodes", "/sys/devices/system/node");
    CHECK_CACHE(c.l1d, -1, -1);
    CHECK_CACHE(c.l3, -1, -1);
    CHECK_REASON_HAS(&c.why, "l1d", "no cache information");
    CHECK_REASON_HAS(&c.why, "l3", "no cache information");
    CHECK_NEAR(c.freq_max_mhz, 1800.0, 1e-9);
    CHECK_NEAR(c.freq_min_mhz, 600.0, 1e-9);
    CHECK_NEAR(c.freq_current_mhz, 600.0, 1e-9);
    CHECK_STR(c.governor, "ondemand");
    CHECK(isnan(c.freq_base_mhz));
    CHECK(cllm_reason_get(&c.why, "freq_base_mhz") != NULL);
}

static void test_missing_tree(void)
{
    struct cllm_cpu_info c;
    parse("no-such-machine", &c, CLLM_ERR_NOT_FOUND);
    CHECK_INT(c.logical_cores, -1);
    CHECK_REASON_HAS(&c.why, "logical_cores", "/sys/devices/system/cpu/online");
    CHECK_REASON_HAS(&c.why, "physical_cores", "/sys/devices/system/cpu/online");
}

/* sysfs fills what cpuinfo could not and clears the reasons cpuinfo left. */
static void test_sysfs_after_cpuinfo(void)
{
    struct cllm_cpu_info c;
    char *buf = test_slurp(test_data("machines/graviton4/proc/cpuinfo"), NULL);

    cllm_cpu_info_init(&c);
    CHECK(buf != NULL);
    if (!buf)
        return;
    CHECK_INT(cllm_parse_cpuinfo(buf, &c), CLLM_OK);
    free(buf);
    CHECK(cllm_reason_get(&c.why, "freq_current_mhz") != NULL);
    CHECK_INT(cllm_parse_sysfs_cpu(test_data("machines/graviton4"), &c), CLLM_OK);
    CHECK_INT(c.physical_cores, 8);
    CHECK(cllm_reason_get(&c.why, "physical_cores") == NULL);
    CHECK_STR(c.model, "Neoverse-V2");
}

int main(void)
{
    RUN(test_epyc_vm_capture);
    RUN(test_spr_vm_capture);
    RUN(test_xeon_spr_with_intel_pstate);
    RUN(test_two_sockets_smt);
    RUN(test_arm64_server);
    RUN(test_raspberry_pi);
    RUN(test_missing_tree);
    RUN(test_sysfs_after_cpuinfo);
    return test_summary();
}
