/* CPU on macOS through sysctlbyname(3): brand, core counts, caches per performance level, ISA flags.
 * Not verified by CI (no macOS runner); the sysctl names are those Apple documents and ships. */
#if defined(__APPLE__)

#include "hw/hw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/types.h>

#include "core/log.h"
#include "hw/hw_priv.h"

/* Integer sysctl of 4 or 8 bytes (the kernel uses both). */
static bool sc_int(const char *name, int64_t *v)
{
    unsigned char buf[8];
    size_t len = sizeof(buf);

    memset(buf, 0, sizeof(buf));
    if (sysctlbyname(name, buf, &len, NULL, 0) != 0)
        return false;
    if (len == 4) {
        int32_t x;
        memcpy(&x, buf, 4);
        *v = x;
    } else if (len == 8) {
        int64_t x;
        memcpy(&x, buf, 8);
        *v = x;
    } else {
        return false;
    }
    return true;
}

static bool sc_str(const char *name, char *out, size_t outlen)
{
    size_t len = outlen;

    if (outlen == 0)
        return false;
    memset(out, 0, outlen);
    if (sysctlbyname(name, out, &len, NULL, 0) != 0)
        return false;
    out[outlen - 1] = '\0';
    return out[0] != '\0';
}

/* A feature sysctl that reads 1; absent means the OS does not know it, hence no such feature here. */
static int8_t sc_flag(const char *name)
{
    int64_t v = 0;
    return sc_int(name, &v) && v != 0 ? CLLM_TRI_YES : CLLM_TRI_NO;
}

/* True when `word` is a space-separated token of machdep.cpu.features / leaf7_features (x86 Macs). */
static bool has_word(const char *list, const char *word)
{
    size_t wl = strlen(word);
    for (const char *q = list; (q = strstr(q, word)) != NULL; q += wl)
        if ((q == list || q[-1] == ' ') && (q[wl] == '\0' || q[wl] == ' '))
            return true;
    return false;
}

static void set_cache(struct cllm_cpu_info *out, struct cllm_cache_level *lv, const char *field, int64_t size,
                      int64_t instances)
{
    if (size > 0 && instances > 0) {
        lv->size_bytes = size;
        lv->instances = (int)instances;
        cllm_reason_clear(&out->why, field);
    }
}

/* Apple Silicon: caches per performance level (hw.perflevelN.*), summed over levels; the largest size kept. */
static bool caches_perflevels(struct cllm_cpu_info *out)
{
    int64_t nlevels = 0;
    int64_t l1d = -1, l1i = -1, l2 = -1, l3 = -1, n1 = 0, n2 = 0, n3 = 0;

    if (!sc_int("hw.nperflevels", &nlevels) || nlevels <= 0)
        return false;
    for (int64_t i = 0; i < nlevels; i++) {
        char name[64];
        int64_t phys = 0, v = 0, per_l2 = 0, per_l3 = 0;
        snprintf(name, sizeof(name), "hw.perflevel%lld.physicalcpu", (long long)i);
        if (!sc_int(name, &phys) || phys <= 0)
            continue;
        snprintf(name, sizeof(name), "hw.perflevel%lld.l1dcachesize", (long long)i);
        if (sc_int(name, &v) && v > l1d)
            l1d = v;
        snprintf(name, sizeof(name), "hw.perflevel%lld.l1icachesize", (long long)i);
        if (sc_int(name, &v) && v > l1i)
            l1i = v;
        n1 += phys;
        snprintf(name, sizeof(name), "hw.perflevel%lld.l2cachesize", (long long)i);
        if (sc_int(name, &v) && v > 0) {
            if (v > l2)
                l2 = v;
            snprintf(name, sizeof(name), "hw.perflevel%lld.cpusperl2", (long long)i);
            /* a cluster of cores shares one L2 */
            n2 += sc_int(name, &per_l2) && per_l2 > 0 ? (phys + per_l2 - 1) / per_l2 : 1;
        }
        snprintf(name, sizeof(name), "hw.perflevel%lld.l3cachesize", (long long)i);
        if (sc_int(name, &v) && v > 0) {
            if (v > l3)
                l3 = v;
            snprintf(name, sizeof(name), "hw.perflevel%lld.cpusperl3", (long long)i);
            n3 += sc_int(name, &per_l3) && per_l3 > 0 ? (phys + per_l3 - 1) / per_l3 : 1;
        }
    }
    set_cache(out, &out->l1d, "l1d", l1d, n1);
    set_cache(out, &out->l1i, "l1i", l1i, n1);
    set_cache(out, &out->l2, "l2", l2, n2);
    set_cache(out, &out->l3, "l3", l3, n3);
    if (out->l3.size_bytes < 0)
        cllm_reason_set(&out->why, "l3", "Apple Silicon does not publish its system-level cache through sysctl");
    return true;
}

/* Intel Macs: hw.cacheconfig[i] is how many logical CPUs share one level-i cache. */
static void caches_flat(struct cllm_cpu_info *out)
{
    uint64_t cfg[10];
    size_t len = sizeof(cfg);
    int64_t sz;
    const char *const names[4] = {"hw.l1dcachesize", "hw.l1icachesize", "hw.l2cachesize", "hw.l3cachesize"};
    struct cllm_cache_level *lv[4] = {&out->l1d, &out->l1i, &out->l2, &out->l3};
    const char *const fields[4] = {"l1d", "l1i", "l2", "l3"};
    const int level[4] = {1, 1, 2, 3};

    memset(cfg, 0, sizeof(cfg));
    if (sysctlbyname("hw.cacheconfig", cfg, &len, NULL, 0) != 0)
        len = 0;
    for (int i = 0; i < 4; i++) {
        if (!sc_int(names[i], &sz) || sz <= 0)
            continue;
        int64_t share = (size_t)level[i] < len / sizeof(cfg[0]) ? (int64_t)cfg[level[i]] : 0;
        if (share > 0 && out->logical_cores > 0)
            set_cache(out, lv[i], fields[i], sz, (out->logical_cores + share - 1) / share);
    }
}

static void isa_arm64(struct cllm_cpu_info *out)
{
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        out->isa[i] = CLLM_TRI_NO;
    out->isa[CLLM_ISA_NEON] = sc_flag("hw.optional.AdvSIMD") == CLLM_TRI_YES ? CLLM_TRI_YES
                                                                           : sc_flag("hw.optional.neon");
    out->isa[CLLM_ISA_ASIMD_DOTPROD] = sc_flag("hw.optional.arm.FEAT_DotProd");
    out->isa[CLLM_ISA_I8MM] = sc_flag("hw.optional.arm.FEAT_I8MM");
    out->isa[CLLM_ISA_ARM_BF16] = sc_flag("hw.optional.arm.FEAT_BF16");
    /* Apple cores have no SVE outside SME streaming mode; the sysctls below do not exist today */
    out->isa[CLLM_ISA_SVE] = sc_flag("hw.optional.arm.FEAT_SVE");
    out->isa[CLLM_ISA_SVE2] = sc_flag("hw.optional.arm.FEAT_SVE2");
    cllm_reason_clear(&out->why, "isa");
}

static void isa_x86(struct cllm_cpu_info *out)
{
    char f1[2048], f7[2048];

    if (!sc_str("machdep.cpu.features", f1, sizeof(f1)))
        f1[0] = '\0';
    if (!sc_str("machdep.cpu.leaf7_features", f7, sizeof(f7)))
        f7[0] = '\0';
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        out->isa[i] = CLLM_TRI_NO;
    /* hw.optional.* also says whether the OS saves the register state (AVX, AVX-512) */
    out->isa[CLLM_ISA_SSE4_2] = sc_flag("hw.optional.sse4_2");
    out->isa[CLLM_ISA_AVX] = sc_flag("hw.optional.avx1_0");
    out->isa[CLLM_ISA_AVX2] = sc_flag("hw.optional.avx2_0");
    out->isa[CLLM_ISA_FMA] = sc_flag("hw.optional.fma");
    out->isa[CLLM_ISA_F16C] = has_word(f1, "F16C") ? CLLM_TRI_YES : CLLM_TRI_NO;
    out->isa[CLLM_ISA_AVX512F] = sc_flag("hw.optional.avx512f");
    out->isa[CLLM_ISA_AVX512BW] = sc_flag("hw.optional.avx512bw");
    out->isa[CLLM_ISA_AVX512VL] = sc_flag("hw.optional.avx512vl");
    out->isa[CLLM_ISA_AVX512_VNNI] = sc_flag("hw.optional.avx512vnni");
    out->isa[CLLM_ISA_AVX512_VBMI] = has_word(f7, "AVX512VBMI") ? CLLM_TRI_YES : CLLM_TRI_NO;
    /* no Intel Mac shipped AVX-VNNI, AVX512-BF16/FP16 or AMX: left "no" */
    cllm_reason_clear(&out->why, "isa");
}

void cllm_cpu_detect(const struct cllm_hw_params *p, struct cllm_cpu_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    int64_t v, translated = 0;
    bool arm64;

    if (!p)
        p = &def;
    cllm_cpu_info_init(out);
    if (!cllm_hw_may_ask_os(p)) {
        cllm_hw_cpu_reconcile(out, "reading a captured tree is supported on Linux only");
        return;
    }
#if defined(__aarch64__) || defined(__arm64__)
    arm64 = true;
#else
    /* an x86_64 build under Rosetta 2 runs on Apple Silicon: the ISA flags are then Rosetta's */
    arm64 = false;
    if (sc_int("sysctl.proc_translated", &translated) && translated == 1)
        CLLM_LOG(CLLM_LOG_INFO, "running under Rosetta 2: x86 features are those Rosetta emulates");
#endif
    (void)translated;

    sc_str("machdep.cpu.brand_string", out->model, sizeof(out->model));
    if (arm64)
        snprintf(out->vendor, sizeof(out->vendor), "Apple");
    else
        sc_str("machdep.cpu.vendor", out->vendor, sizeof(out->vendor));

    if (sc_int("hw.physicalcpu", &v) && v > 0)
        out->physical_cores = (int)v;
    if (sc_int("hw.logicalcpu", &v) && v > 0)
        out->logical_cores = (int)v;
    if (sc_int("hw.packages", &v) && v > 0)
        out->sockets = (int)v;
    /* every Mac is one memory domain: macOS has no NUMA nodes to report */
    out->numa_nodes = 1;
    snprintf(out->topology_source, sizeof(out->topology_source), "sysctl");

    if (!caches_perflevels(out))
        caches_flat(out);

    /* Hz; only Intel Macs publish these */
    if (sc_int("hw.cpufrequency", &v) && v > 0)
        out->freq_base_mhz = (double)v / 1e6;
    if (sc_int("hw.cpufrequency_max", &v) && v > 0)
        out->freq_max_mhz = (double)v / 1e6;
    if (sc_int("hw.cpufrequency_min", &v) && v > 0)
        out->freq_min_mhz = (double)v / 1e6;
    if (arm64) {
        cllm_reason_set(&out->why, "freq_base_mhz", "Apple Silicon publishes no clock through sysctl");
        cllm_reason_set(&out->why, "freq_max_mhz", "Apple Silicon publishes no clock through sysctl");
        cllm_reason_set(&out->why, "freq_min_mhz", "Apple Silicon publishes no clock through sysctl");
    }
    cllm_reason_set(&out->why, "freq_current_mhz", "macOS reports current clocks only through powermetrics (root)");
    cllm_reason_set(&out->why, "governor", "macOS has no cpufreq governors");

    if (arm64)
        isa_arm64(out);
    else
        isa_x86(out);
    cllm_hw_cpu_reconcile(out, "not reported by sysctl on this Mac");
}

#else
typedef int cllm_cpu_apple_unused; /* keeps the unit non-empty off macOS */
#endif
