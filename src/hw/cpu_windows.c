/* CPU on Windows: GetLogicalProcessorInformationEx for cores, packages, NUMA and caches; the CentralProcessor
 * registry key for the name; CPUID (x86) or IsProcessorFeaturePresent (arm64) for the ISA; CallNtPowerInformation
 * (powrprof.dll, loaded through platform/dl) for clocks. Not verified by CI. */
#if defined(_WIN32)

#include "hw/hw.h"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_M_X64) || defined(_M_IX86) || defined(__x86_64__) || defined(__i386__)
#define CLLM_X86 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#endif

#include "hw/hw_priv.h"
#include "platform/dl.h"

#define CPU0_KEY "HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0"

static bool reg_str(const char *name, char *out, DWORD outlen)
{
    DWORD len = outlen;
    if (RegGetValueA(HKEY_LOCAL_MACHINE, CPU0_KEY, name, RRF_RT_REG_SZ, NULL, out, &len) != ERROR_SUCCESS)
        return false;
    out[outlen - 1] = '\0';
    return out[0] != '\0';
}

static int popcount_ptr(KAFFINITY m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* Cores, logical CPUs (all processor groups), packages, NUMA nodes and caches in one walk. */
static void topology(struct cllm_cpu_info *out)
{
    DWORD len = 0;
    unsigned char *buf = NULL;
    int cores = 0, logical = 0, packages = 0, numa = 0;
    int64_t size[4] = {-1, -1, -1, -1};
    int inst[4] = {0, 0, 0, 0};

    if (GetLogicalProcessorInformationEx(RelationAll, NULL, &len) || GetLastError() != ERROR_INSUFFICIENT_BUFFER ||
        !(buf = (unsigned char *)malloc(len))) {
        cllm_hw_cpu_reconcile(out, "GetLogicalProcessorInformationEx failed");
        return;
    }
    if (!GetLogicalProcessorInformationEx(RelationAll, (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)buf, &len)) {
        free(buf);
        cllm_hw_cpu_reconcile(out, "GetLogicalProcessorInformationEx failed");
        return;
    }
    for (DWORD off = 0; off < len;) {
        PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX info = (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX)(buf + off);
        if (info->Size == 0)
            break;
        switch (info->Relationship) {
        case RelationProcessorCore:
            cores++;
            for (WORD g = 0; g < info->Processor.GroupCount; g++)
                logical += popcount_ptr(info->Processor.GroupMask[g].Mask);
            break;
        case RelationProcessorPackage:
            packages++;
            break;
        case RelationNumaNode:
            numa++;
            break;
        case RelationCache: {
            const CACHE_RELATIONSHIP *c = &info->Cache;
            int slot = -1;
            if (c->Level == 1)
                slot = c->Type == CacheInstruction ? 1 : (c->Type == CacheData || c->Type == CacheUnified) ? 0 : -1;
            else if (c->Level == 2 && c->Type != CacheInstruction)
                slot = 2;
            else if (c->Level == 3 && c->Type != CacheInstruction)
                slot = 3;
            if (slot >= 0) {
                inst[slot]++;
                if ((int64_t)c->CacheSize > size[slot])
                    size[slot] = (int64_t)c->CacheSize;
            }
            break;
        }
        default:
            break;
        }
        off += info->Size;
    }
    free(buf);

    if (cores > 0)
        out->physical_cores = cores;
    if (logical > 0)
        out->logical_cores = logical;
    if (packages > 0)
        out->sockets = packages;
    if (numa > 0)
        out->numa_nodes = numa;
    struct cllm_cache_level *lv[4] = {&out->l1d, &out->l1i, &out->l2, &out->l3};
    for (int i = 0; i < 4; i++)
        if (inst[i] > 0 && size[i] > 0) {
            lv[i]->size_bytes = size[i];
            lv[i]->instances = inst[i];
        }
    snprintf(out->topology_source, sizeof(out->topology_source), "windows");
}

/* Layout documented for CallNtPowerInformation(ProcessorInformation); not in the SDK headers. */
struct power_info {
    ULONG Number, MaxMhz, CurrentMhz, MhzLimit, MaxIdleState, CurrentIdleState;
};
typedef LONG(WINAPI *call_nt_power_fn)(int level, void *in, ULONG inlen, void *out, ULONG outlen);
#define PROCESSOR_INFORMATION_LEVEL 11

static void clocks(struct cllm_cpu_info *out)
{
    static const char *const names[] = {"powrprof.dll", NULL};
    char err[CLLM_ERR_LEN];
    struct cllm_dl *dl = cllm_dl_open_first(names, err, sizeof(err));
    call_nt_power_fn call = NULL;
    DWORD mhz = 0, mlen = sizeof(mhz);

    /* "~MHz" is the nominal clock the firmware reports */
    if (RegGetValueA(HKEY_LOCAL_MACHINE, CPU0_KEY, "~MHz", RRF_RT_REG_DWORD, NULL, &mhz, &mlen) == ERROR_SUCCESS &&
        mhz > 0)
        out->freq_base_mhz = (double)mhz;

    if (dl)
        *(void **)&call = cllm_dl_sym(dl, "CallNtPowerInformation");
    if (call && out->logical_cores > 0) {
        ULONG n = (ULONG)out->logical_cores;
        struct power_info *pi = (struct power_info *)calloc(n, sizeof(*pi));
        if (pi && call(PROCESSOR_INFORMATION_LEVEL, NULL, 0, pi, n * (ULONG)sizeof(*pi)) == 0) {
            double sum = 0.0;
            ULONG maxm = 0;
            for (ULONG i = 0; i < n; i++) {
                sum += pi[i].CurrentMhz;
                if (pi[i].MaxMhz > maxm)
                    maxm = pi[i].MaxMhz;
            }
            out->freq_current_mhz = sum / n;
            /* MaxMhz is the rated clock, not the turbo ceiling */
            if (isnan(out->freq_base_mhz) && maxm > 0)
                out->freq_base_mhz = maxm;
        } else {
            cllm_reason_set(&out->why, "freq_current_mhz", "CallNtPowerInformation(ProcessorInformation) failed");
        }
        free(pi);
    } else {
        cllm_reason_set(&out->why, "freq_current_mhz", "powrprof.dll not usable: %s", dl ? "no symbol" : err);
    }
    if (dl)
        cllm_dl_close(dl);
    cllm_reason_set(&out->why, "freq_max_mhz", "Windows publishes no turbo ceiling");
    cllm_reason_set(&out->why, "freq_min_mhz", "Windows publishes no minimum clock");
    cllm_reason_set(&out->why, "governor", "Windows has power plans, not cpufreq governors");
}

#ifdef CLLM_X86
static void cpuid(unsigned leaf, unsigned sub, unsigned r[4])
{
#if defined(_MSC_VER)
    int v[4];
    __cpuidex(v, (int)leaf, (int)sub);
    for (int i = 0; i < 4; i++)
        r[i] = (unsigned)v[i];
#else
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
#endif
}

/* XCR0: which register states the OS saves on a context switch. */
static unsigned long long xgetbv0(void)
{
#if defined(_MSC_VER)
    return _xgetbv(0);
#else
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
#endif
}

static int8_t bit(unsigned reg, int b, bool os_ok)
{
    return (os_ok && ((reg >> b) & 1u)) ? CLLM_TRI_YES : CLLM_TRI_NO;
}

static void isa(struct cllm_cpu_info *out)
{
    unsigned r0[4], r1[4], r7[4] = {0, 0, 0, 0}, r71[4] = {0, 0, 0, 0};
    char vendor[13];

    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        out->isa[i] = CLLM_TRI_NO;
    cpuid(0, 0, r0);
    memcpy(vendor, &r0[1], 4);
    memcpy(vendor + 4, &r0[3], 4);
    memcpy(vendor + 8, &r0[2], 4);
    vendor[12] = '\0';
    if (!out->vendor[0])
        snprintf(out->vendor, sizeof(out->vendor), "%s", vendor);
    cpuid(1, 0, r1);
    if (r0[0] >= 7) {
        cpuid(7, 0, r7);
        if (r7[0] >= 1)
            cpuid(7, 1, r71);
    }
    unsigned long long xcr0 = ((r1[2] >> 27) & 1u) ? xgetbv0() : 0;  /* OSXSAVE */
    bool avx_os = (xcr0 & 0x6) == 0x6;
    bool avx512_os = avx_os && (xcr0 & 0xe0) == 0xe0;
    bool amx_os = (xcr0 & 0x60000) == 0x60000;

    out->isa[CLLM_ISA_SSE4_2] = bit(r1[2], 20, true);
    out->isa[CLLM_ISA_FMA] = bit(r1[2], 12, avx_os);
    out->isa[CLLM_ISA_AVX] = bit(r1[2], 28, avx_os);
    out->isa[CLLM_ISA_F16C] = bit(r1[2], 29, avx_os);
    out->isa[CLLM_ISA_AVX2] = bit(r7[1], 5, avx_os);
    out->isa[CLLM_ISA_AVX512F] = bit(r7[1], 16, avx512_os);
    out->isa[CLLM_ISA_AVX512BW] = bit(r7[1], 30, avx512_os);
    out->isa[CLLM_ISA_AVX512VL] = bit(r7[1], 31, avx512_os);
    out->isa[CLLM_ISA_AVX512_VBMI] = bit(r7[2], 1, avx512_os);
    out->isa[CLLM_ISA_AVX512_VNNI] = bit(r7[2], 11, avx512_os);
    out->isa[CLLM_ISA_AVX512_FP16] = bit(r7[3], 23, avx512_os);
    out->isa[CLLM_ISA_AMX_BF16] = bit(r7[3], 22, amx_os);
    out->isa[CLLM_ISA_AMX_TILE] = bit(r7[3], 24, amx_os);
    out->isa[CLLM_ISA_AMX_INT8] = bit(r7[3], 25, amx_os);
    out->isa[CLLM_ISA_AVX_VNNI] = bit(r71[0], 4, avx_os);
    out->isa[CLLM_ISA_AVX512_BF16] = bit(r71[0], 5, avx512_os);
}
#else
/* Feature numbers from winnt.h; older SDKs lack the newer ones and older Windows answers FALSE for them. */
#ifndef PF_ARM_NEON_INSTRUCTIONS_AVAILABLE
#define PF_ARM_NEON_INSTRUCTIONS_AVAILABLE 19
#endif
#ifndef PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE
#define PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE 43
#endif
#ifndef PF_ARM_SVE_INSTRUCTIONS_AVAILABLE
#define PF_ARM_SVE_INSTRUCTIONS_AVAILABLE 46
#endif
#ifndef PF_ARM_SVE2_INSTRUCTIONS_AVAILABLE
#define PF_ARM_SVE2_INSTRUCTIONS_AVAILABLE 47
#endif
#ifndef PF_ARM_V82_I8MM_INSTRUCTIONS_AVAILABLE
#define PF_ARM_V82_I8MM_INSTRUCTIONS_AVAILABLE 66
#endif
#ifndef PF_ARM_V86_BF16_INSTRUCTIONS_AVAILABLE
#define PF_ARM_V86_BF16_INSTRUCTIONS_AVAILABLE 68
#endif

static int8_t pf(DWORD f)
{
    return IsProcessorFeaturePresent(f) ? CLLM_TRI_YES : CLLM_TRI_NO;
}

static void isa(struct cllm_cpu_info *out)
{
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        out->isa[i] = CLLM_TRI_NO;
    out->isa[CLLM_ISA_NEON] = pf(PF_ARM_NEON_INSTRUCTIONS_AVAILABLE);
    out->isa[CLLM_ISA_ASIMD_DOTPROD] = pf(PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE);
    out->isa[CLLM_ISA_I8MM] = pf(PF_ARM_V82_I8MM_INSTRUCTIONS_AVAILABLE);
    out->isa[CLLM_ISA_ARM_BF16] = pf(PF_ARM_V86_BF16_INSTRUCTIONS_AVAILABLE);
    out->isa[CLLM_ISA_SVE] = pf(PF_ARM_SVE_INSTRUCTIONS_AVAILABLE);
    out->isa[CLLM_ISA_SVE2] = pf(PF_ARM_SVE2_INSTRUCTIONS_AVAILABLE);
}
#endif

void cllm_cpu_detect(const struct cllm_hw_params *p, struct cllm_cpu_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();

    if (!p)
        p = &def;
    cllm_cpu_info_init(out);
    if (!cllm_hw_may_ask_os(p)) {
        cllm_hw_cpu_reconcile(out, "reading a captured tree is supported on Linux only");
        return;
    }
    char name[sizeof(out->model)];
    /* the registry pads some names with spaces */
    if (reg_str("ProcessorNameString", name, sizeof(name)))
        cllm_hw_copy_trim(out->model, sizeof(out->model), name, strlen(name));
    reg_str("VendorIdentifier", out->vendor, sizeof(out->vendor));
    topology(out);
    clocks(out);
    isa(out);
    cllm_hw_cpu_reconcile(out, "not reported by Windows");
}

#else
typedef int cllm_cpu_windows_unused; /* keeps the unit non-empty off Windows */
#endif
