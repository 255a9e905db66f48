/* Whole detectors (not live) on captured machine trees, initialisers and names. */
#include "hw_check.h"

static struct cllm_hw_params params_for(const char *machine)
{
    static char root[4][1024];
    static int slot;
    char rel[256];
    char *r = root[slot++ & 3];

    snprintf(rel, sizeof(rel), "machines/%s", machine);
    snprintf(r, 1024, "%s", test_data(rel));
    struct cllm_hw_params p = cllm_hw_default_params();
    p.root = r;
    p.live = false;
    return p;
}

static void test_defaults_and_init(void)
{
    struct cllm_hw_params p = cllm_hw_default_params();
    struct cllm_cpu_info c;
    struct cllm_ram_info r;
    struct cllm_gpu_device d;
    struct cllm_os_info o;

    CHECK_STR(p.root, "/");
    CHECK(p.live);

    cllm_cpu_info_init(&c);
    CHECK_INT(c.physical_cores, -1);
    CHECK_INT(c.logical_cores, -1);
    CHECK_INT(c.sockets, -1);
    CHECK_INT(c.numa_nodes, -1);
    CHECK(isnan(c.freq_base_mhz) && isnan(c.freq_max_mhz) && isnan(c.freq_min_mhz) && isnan(c.freq_current_mhz));
    CHECK_INT(c.l1d.size_bytes, -1);
    CHECK_INT(c.l3.instances, -1);
    CHECK_STR(c.model, "");
    CHECK_STR(c.governor, "");
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        CHECK_INT(c.isa[i], CLLM_TRI_UNKNOWN);
    CHECK_INT(c.why.n, 0);

    cllm_ram_info_init(&r);
    CHECK_INT(r.total_bytes, -1);
    CHECK_INT(r.available_bytes, -1);
    CHECK_INT(r.swap_total_bytes, -1);
    CHECK_INT(r.swap_free_bytes, -1);
    CHECK_INT(r.speed_mts, -1);
    CHECK_INT(r.populated_slots, -1);
    CHECK_STR(r.type, "");
    CHECK(!r.unified_memory);

    cllm_gpu_device_init(&d);
    CHECK(isnan(d.vram_total_gb) && isnan(d.vram_free_gb));
    CHECK_INT(d.backend, CLLM_BACKEND_NONE);
    CHECK_STR(d.name, "");
    CHECK_STR(d.pci_bus_id, "");

    cllm_os_info_init(&o);
    CHECK_STR(o.system, "");
    CHECK_INT(o.why.n, 0);
}

static void test_names(void)
{
    CHECK_STR(cllm_isa_name(CLLM_ISA_AVX512_VNNI), "avx512_vnni");
    CHECK_STR(cllm_isa_name(CLLM_ISA_AMX_INT8), "amx_int8");
    CHECK_STR(cllm_isa_name(CLLM_ISA_NEON), "neon");
    CHECK_STR(cllm_isa_name(CLLM_ISA_SVE2), "sve2");
    CHECK_STR(cllm_isa_name(CLLM_ISA_COUNT), "unknown");
    /* every feature has a distinct JSON key */
    for (int i = 0; i < CLLM_ISA_COUNT; i++) {
        CHECK(cllm_isa_name((enum cllm_isa)i) != NULL && strcmp(cllm_isa_name((enum cllm_isa)i), "unknown") != 0);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(cllm_isa_name((enum cllm_isa)i), cllm_isa_name((enum cllm_isa)j)) != 0);
    }
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_NONE), "none");
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_CUDA), "cuda");
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_ROCM), "rocm");
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_SYCL), "sycl");
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_METAL), "metal");
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_VULKAN), "vulkan");
    CHECK_STR(cllm_gpu_backend_name(CLLM_BACKEND_COUNT), "unknown");
}

#ifdef __linux__
static void test_cpu_detect_on_trees(void)
{
    static const char *const machines[] = {"epyc-vm", "spr-h200-vm", "xeon-w3-spr", "xeon-2s-smt", "graviton4",
                                           "rpi4"};
    static const int logical[] = {2, 16, 12, 16, 8, 4}, physical[] = {2, 16, 6, 8, 8, 4};

    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        struct cllm_hw_params p = params_for(machines[i]);
        struct cllm_cpu_info c;
        cllm_cpu_detect(&p, &c);
        fprintf(stderr, "  %s\n", machines[i]);
        CHECK_INT(c.logical_cores, logical[i]);
        CHECK_INT(c.physical_cores, physical[i]);
        CHECK_STR(c.topology_source, "sysfs");   /* hwloc only runs on the live machine */
        CHECK(c.model[0] != '\0');
        check_cpu_reasons(&c);
    }
}

static void test_ram_detect_on_tree(void)
{
    struct cllm_hw_params p = params_for("epyc-vm");
    struct cllm_ram_info r;

    cllm_ram_detect(&p, &r);
    CHECK_INT(r.total_bytes, 24684084LL * 1024);
    CHECK(!r.unified_memory);
    /* the capture has no /sys/firmware/dmi, like the VM it came from */
    CHECK_INT(r.speed_mts, -1);
    CHECK_REASON_HAS(&r.why, "speed_mts", "SMBIOS");
    check_ram_reasons(&r);
}

static void test_os_detect_on_trees(void)
{
    struct cllm_hw_params p = params_for("epyc-vm");
    struct cllm_os_info o;

    cllm_os_detect(&p, &o);
    CHECK_STR(o.system, "Linux");
    CHECK_STR(o.release, "6.18.44-fc-v669");
    CHECK_STR(o.machine, "x86_64");
    CHECK_STR(o.kernel, "Linux 6.18.44-fc-v669");
    CHECK_STR(o.distribution, "Debian GNU/Linux 12 (bookworm)");
    check_os_reasons(&o);

    p = params_for("spr-h200-vm");
    cllm_os_detect(&p, &o);
    CHECK_STR(o.distribution, "Ubuntu 24.04.3 LTS");
    CHECK_STR(o.hostname, "captured-host");
    check_os_reasons(&o);

    /* a kernel older than /proc/sys/kernel/arch: machine unknown, with the path in the reason */
    p = params_for("rpi4");
    cllm_os_detect(&p, &o);
    CHECK_STR(o.release, "6.6.51+rpt-rpi-v8");
    CHECK_STR(o.hostname, "raspberrypi");
    CHECK_STR(o.machine, "");
    CHECK_REASON_HAS(&o.why, "machine", "/proc/sys/kernel/arch");
    check_os_reasons(&o);

    /* nothing there at all */
    p = params_for("no-such-machine");
    cllm_os_detect(&p, &o);
    CHECK_STR(o.system, "");
    CHECK_REASON_HAS(&o.why, "distribution", "os-release");
    check_os_reasons(&o);
}

static void test_cpu_detect_on_missing_tree(void)
{
    struct cllm_hw_params p = params_for("no-such-machine");
    struct cllm_cpu_info c;

    cllm_cpu_detect(&p, &c);
    CHECK_INT(c.logical_cores, -1);
    CHECK_REASON_HAS(&c.why, "model", "/proc/cpuinfo");
    check_cpu_reasons(&c);
}
#endif

int main(void)
{
    RUN(test_defaults_and_init);
    RUN(test_names);
#ifdef __linux__
    RUN(test_cpu_detect_on_trees);
    RUN(test_ram_detect_on_tree);
    RUN(test_os_detect_on_trees);
    RUN(test_cpu_detect_on_missing_tree);
#endif
    return test_summary();
}
