/* /proc/cpuinfo parser against captured (epyc-vm) and hand-made (others) files in tests/data/machines/. */
#include "hw_check.h"

static char *load(const char *machine)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "machines/%s/proc/cpuinfo", machine);
    char *buf = test_slurp(test_data(rel), NULL);
    if (!buf)
        fprintf(stderr, "cannot read %s\n", test_data(rel));
    return buf;
}

/* Parses a machine's cpuinfo into c (initialised first); false when the file is missing. */
static int parse(const char *machine, struct cllm_cpu_info *c)
{
    char *buf = load(machine);
    cllm_cpu_info_init(c);
    if (!buf)
        return 0;
    CHECK_INT(cllm_parse_cpuinfo(buf, c), CLLM_OK);
    free(buf);
    return 1;
}

static void test_epyc_vm_capture(void)
{
    struct cllm_cpu_info c;
    if (!parse("epyc-vm", &c)) {
        CHECK(0);
        return;
    }
    CHECK_STR(c.model, "AMD EPYC");
    CHECK_STR(c.vendor, "AuthenticAMD");
    CHECK_INT(c.logical_cores, 2);
    CHECK_INT(c.physical_cores, 2);
    CHECK_INT(c.sockets, 1);
    CHECK_STR(c.topology_source, "cpuinfo");
    CHECK_NEAR(c.freq_current_mhz, 2596.132, 1e-6);
    CHECK_INT(c.isa[CLLM_ISA_SSE4_2], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX2], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_FMA], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_F16C], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX_VNNI], CLLM_TRI_NO);   /* Zen 4 has the EVEX form only */
    CHECK_INT(c.isa[CLLM_ISA_AVX512F], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512BW], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512VL], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512_VNNI], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512_BF16], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512_VBMI], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512_FP16], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_AMX_TILE], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_NEON], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_SVE], CLLM_TRI_NO);
    CHECK(cllm_reason_get(&c.why, "model") == NULL);
    CHECK(cllm_reason_get(&c.why, "isa") == NULL);
}

static void test_xeon_sapphire_rapids_amx(void)
{
    struct cllm_cpu_info c;
    if (!parse("xeon-w3-spr", &c)) {
        CHECK(0);
        return;
    }
    CHECK_STR(c.model, "Intel(R) Xeon(R) w3-2423");
    CHECK_STR(c.vendor, "GenuineIntel");
    CHECK_INT(c.logical_cores, 12);
    CHECK_INT(c.physical_cores, 6);
    CHECK_INT(c.sockets, 1);
    /* mean of the twelve "cpu MHz" lines: 19600 / 12 */
    CHECK_NEAR(c.freq_current_mhz, 19600.0 / 12.0, 1e-9);
    for (int f = CLLM_ISA_SSE4_2; f <= CLLM_ISA_AMX_BF16; f++)
        if (c.isa[f] != CLLM_TRI_YES) {
            fprintf(stderr, "  %s not detected on Sapphire Rapids\n", cllm_isa_name((enum cllm_isa)f));
            CHECK(0);
        }
    for (int f = CLLM_ISA_NEON; f < CLLM_ISA_COUNT; f++)
        CHECK_INT(c.isa[f], CLLM_TRI_NO);
}

/* captured on the project's GPU machine: a 16-vCPU KVM guest on Sapphire Rapids (lscpu: "Intel(R) Xeon(R) Processor") */
static void test_spr_vm_capture(void)
{
    struct cllm_cpu_info c;
    if (!parse("spr-h200-vm", &c)) {
        CHECK(0);
        return;
    }
    CHECK_STR(c.model, "Intel(R) Xeon(R) Processor");
    CHECK_STR(c.vendor, "GenuineIntel");
    CHECK_INT(c.logical_cores, 16);
    CHECK_INT(c.physical_cores, 16);
    CHECK_INT(c.sockets, 1);
    CHECK_INT(c.isa[CLLM_ISA_AMX_TILE], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AMX_INT8], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AMX_BF16], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512_FP16], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX_VNNI], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512_VNNI], CLLM_TRI_YES);
}

static void test_two_sockets_with_smt(void)
{
    struct cllm_cpu_info c;
    if (!parse("xeon-2s-smt", &c)) {
        CHECK(0);
        return;
    }
    CHECK_STR(c.model, "Intel(R) Xeon(R) CPU E5-2623 v4 @ 2.60GHz");
    CHECK_INT(c.logical_cores, 16);
    /* core ids 0,1,8,9 repeat in both packages: 8 distinct (package, core) pairs, not 4 */
    CHECK_INT(c.physical_cores, 8);
    CHECK_INT(c.sockets, 2);
    CHECK_NEAR(c.freq_current_mhz, 2600.0, 1e-9);
    CHECK_INT(c.isa[CLLM_ISA_AVX2], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_FMA], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX512F], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_AVX_VNNI], CLLM_TRI_NO);
}

static void test_arm64_server_sve(void)
{
    struct cllm_cpu_info c;
    if (!parse("graviton4", &c)) {
        CHECK(0);
        return;
    }
    CHECK_STR(c.model, "Neoverse-V2");  /* from "CPU part 0xd4f": arm64 has no "model name" */
    CHECK_STR(c.vendor, "ARM");         /* "CPU implementer 0x41" */
    CHECK_INT(c.logical_cores, 8);
    CHECK_INT(c.physical_cores, -1);    /* arm64 cpuinfo names no cores: sysfs's job */
    CHECK_INT(c.isa[CLLM_ISA_NEON], CLLM_TRI_YES);  /* "asimd" */
    CHECK_INT(c.isa[CLLM_ISA_ASIMD_DOTPROD], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_I8MM], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_ARM_BF16], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_SVE], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_SVE2], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX2], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_AMX_INT8], CLLM_TRI_NO);
    CHECK(isnan(c.freq_current_mhz));
    CHECK_REASON_HAS(&c.why, "freq_current_mhz", "cpu MHz");
}

static void test_raspberry_pi_without_model_name(void)
{
    struct cllm_cpu_info c;
    if (!parse("rpi4", &c)) {
        CHECK(0);
        return;
    }
    /* the board's "Model : Raspberry Pi 4 ..." line is not the CPU model */
    CHECK_STR(c.model, "Cortex-A72");
    CHECK_STR(c.vendor, "ARM");
    CHECK_INT(c.logical_cores, 4);
    CHECK_INT(c.isa[CLLM_ISA_NEON], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_ASIMD_DOTPROD], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_I8MM], CLLM_TRI_NO);
    CHECK_INT(c.isa[CLLM_ISA_SVE], CLLM_TRI_NO);
}

static void test_big_little_and_unknown_parts(void)
{
    static const char buf[] =
        "processor\t: 0\nFeatures\t: fp asimd asimddp\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n\n"
        "processor\t: 1\nFeatures\t: fp asimd asimddp\nCPU implementer\t: 0x41\nCPU part\t: 0xd05\n\n"
        "processor\t: 2\nFeatures\t: fp asimd asimddp\nCPU implementer\t: 0x41\nCPU part\t: 0xd0b\n\n"
        "processor\t: 3\nFeatures\t: fp asimd asimddp\nCPU implementer\t: 0x41\nCPU part\t: 0xfff\n";
    struct cllm_cpu_info c;

    cllm_cpu_info_init(&c);
    CHECK_INT(cllm_parse_cpuinfo(buf, &c), CLLM_OK);
    CHECK_STR(c.model, "Cortex-A55 + Cortex-A76 + ARM part 0xfff");
    CHECK_INT(c.logical_cores, 4);
    CHECK_INT(c.isa[CLLM_ISA_ASIMD_DOTPROD], CLLM_TRI_YES);

    static const char odd[] = "processor\t: 0\nFeatures\t: fp asimd\nCPU implementer\t: 0x99\nCPU part\t: 0x001\n";
    cllm_cpu_info_init(&c);
    CHECK_INT(cllm_parse_cpuinfo(odd, &c), CLLM_OK);
    CHECK_STR(c.vendor, "0x99");
    CHECK_STR(c.model, "part 0x99:0x001");
}

static void test_arm32_neon_and_model_name(void)
{
    static const char buf[] = "processor\t: 0\nmodel name\t: ARMv7 Processor rev 4 (v7l)\nBogoMIPS\t: 38.40\n"
                              "Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae "
                              "evtstrm crc32\nCPU implementer\t: 0x41\nCPU part\t: 0xd03\n";
    struct cllm_cpu_info c;

    cllm_cpu_info_init(&c);
    CHECK_INT(cllm_parse_cpuinfo(buf, &c), CLLM_OK);
    CHECK_STR(c.model, "ARMv7 Processor rev 4 (v7l)");  /* a "model name" line wins over the part table */
    CHECK_INT(c.isa[CLLM_ISA_NEON], CLLM_TRI_YES);
}

static void test_garbage_and_empty(void)
{
    struct cllm_cpu_info c;

    cllm_cpu_info_init(&c);
    CHECK_INT(cllm_parse_cpuinfo("", &c), CLLM_ERR_PARSE);
    CHECK_INT(cllm_parse_cpuinfo("no colon here\n\n:::\n", &c), CLLM_ERR_PARSE);
    CHECK_INT(c.logical_cores, -1);
    CHECK_INT(cllm_parse_cpuinfo(NULL, &c), CLLM_ERR_INVALID_ARG);

    /* a line without a trailing newline still counts */
    cllm_cpu_info_init(&c);
    CHECK_INT(cllm_parse_cpuinfo("processor : 0\nflags : avx2 fma", &c), CLLM_OK);
    CHECK_INT(c.isa[CLLM_ISA_FMA], CLLM_TRI_YES);
    CHECK_INT(c.isa[CLLM_ISA_AVX], CLLM_TRI_NO);   /* tokens match whole words: "avx2" is not "avx" */
    CHECK(cllm_reason_get(&c.why, "model") != NULL);
    CHECK(cllm_reason_get(&c.why, "vendor") != NULL);
}

int main(void)
{
    RUN(test_epyc_vm_capture);
    RUN(test_xeon_sapphire_rapids_amx);
    RUN(test_spr_vm_capture);
    RUN(test_two_sockets_with_smt);
    RUN(test_arm64_server_sve);
    RUN(test_raspberry_pi_without_model_name);
    RUN(test_big_little_and_unknown_parts);
    RUN(test_arm32_neon_and_model_name);
    RUN(test_garbage_and_empty);
    return test_summary();
}
