/* Linux CPU formats on buffers and trees: /proc/cpuinfo (x86 and arm64) and /sys/devices/system/{cpu,node}.
 * Plain C and stdio only, so tests run on any host against captures in tests/data/machines/. */
#include "hw/hw.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_priv.h"

/* ---------------------------------------------------------------- /proc/cpuinfo */

struct flag_map {
    const char   *flag;
    enum cllm_isa isa;
};

/* x86 "flags" tokens as the kernel spells them (arch/x86/include/asm/cpufeatures.h). */
static const struct flag_map x86_flags[] = {
    {"sse4_2", CLLM_ISA_SSE4_2},           {"avx", CLLM_ISA_AVX},
    {"avx2", CLLM_ISA_AVX2},               {"fma", CLLM_ISA_FMA},
    {"f16c", CLLM_ISA_F16C},               {"avx_vnni", CLLM_ISA_AVX_VNNI},
    {"avx512f", CLLM_ISA_AVX512F},         {"avx512bw", CLLM_ISA_AVX512BW},
    {"avx512vl", CLLM_ISA_AVX512VL},       {"avx512_vnni", CLLM_ISA_AVX512_VNNI},
    {"avx512_bf16", CLLM_ISA_AVX512_BF16}, {"avx512_fp16", CLLM_ISA_AVX512_FP16},
    {"avx512vbmi", CLLM_ISA_AVX512_VBMI},  {"amx_tile", CLLM_ISA_AMX_TILE},
    {"amx_int8", CLLM_ISA_AMX_INT8},       {"amx_bf16", CLLM_ISA_AMX_BF16},
};

/* arm64 "Features" tokens (arch/arm64 hwcaps); 32-bit ARM kernels say "neon" where arm64 says "asimd". */
static const struct flag_map arm_flags[] = {
    {"asimd", CLLM_ISA_NEON}, {"neon", CLLM_ISA_NEON}, {"asimddp", CLLM_ISA_ASIMD_DOTPROD},
    {"i8mm", CLLM_ISA_I8MM},  {"bf16", CLLM_ISA_ARM_BF16}, {"sve", CLLM_ISA_SVE},
    {"sve2", CLLM_ISA_SVE2},
};

struct arm_name {
    int         id;
    const char *name;
};

/* "CPU implementer" codes (Arm ARM, MIDR_EL1.Implementer), named as lscpu names them. */
static const struct arm_name arm_implementers[] = {
    {0x41, "ARM"},     {0x42, "Broadcom"}, {0x43, "Cavium"},    {0x46, "Fujitsu"},   {0x48, "HiSilicon"},
    {0x4e, "NVIDIA"},  {0x50, "APM"},      {0x51, "Qualcomm"},  {0x53, "Samsung"},   {0x56, "Marvell"},
    {0x61, "Apple"},   {0x69, "Intel"},    {0x6d, "Microsoft"}, {0x70, "Phytium"},   {0xc0, "Ampere"},
};

struct arm_part {
    int         implementer;
    int         part;
    const char *name;
};

/* "CPU part" codes of cores seen in servers, boards and laptops, named as lscpu names them. */
static const struct arm_part arm_parts[] = {
    {0x41, 0xd03, "Cortex-A53"},   {0x41, 0xd04, "Cortex-A35"},   {0x41, 0xd05, "Cortex-A55"},
    {0x41, 0xd07, "Cortex-A57"},   {0x41, 0xd08, "Cortex-A72"},   {0x41, 0xd09, "Cortex-A73"},
    {0x41, 0xd0a, "Cortex-A75"},   {0x41, 0xd0b, "Cortex-A76"},   {0x41, 0xd0c, "Neoverse-N1"},
    {0x41, 0xd0d, "Cortex-A77"},   {0x41, 0xd40, "Neoverse-V1"},  {0x41, 0xd41, "Cortex-A78"},
    {0x41, 0xd44, "Cortex-X1"},    {0x41, 0xd46, "Cortex-A510"},  {0x41, 0xd47, "Cortex-A710"},
    {0x41, 0xd48, "Cortex-X2"},    {0x41, 0xd49, "Neoverse-N2"},  {0x41, 0xd4a, "Neoverse-E1"},
    {0x41, 0xd4b, "Cortex-A78C"},  {0x41, 0xd4d, "Cortex-A715"},  {0x41, 0xd4e, "Cortex-X3"},
    {0x41, 0xd4f, "Neoverse-V2"},  {0x41, 0xd80, "Cortex-A520"},  {0x41, 0xd81, "Cortex-A720"},
    {0x41, 0xd82, "Cortex-X4"},    {0x41, 0xd84, "Neoverse-V3"},  {0x41, 0xd85, "Cortex-X925"},
    {0x41, 0xd87, "Cortex-A725"},  {0x41, 0xd8e, "Neoverse-N3"},
    {0x43, 0x0a1, "ThunderX 88XX"}, {0x43, 0x0af, "ThunderX2 99xx"},
    {0x46, 0x001, "A64FX"},
    {0x48, 0xd01, "TaiShan-v110"}, {0x48, 0xd02, "TaiShan-v120"},
    {0x4e, 0x003, "Denver 2"},     {0x4e, 0x004, "Carmel"},
    {0x51, 0x001, "Oryon"},        {0x51, 0x800, "Falkor V1/Kryo"}, {0x51, 0xc00, "Falkor"},
    {0x61, 0x022, "Icestorm-M1"},  {0x61, 0x023, "Firestorm-M1"}, {0x61, 0x032, "Blizzard-M2"},
    {0x61, 0x033, "Avalanche-M2"},
    {0xc0, 0xac3, "Ampere-1"},     {0xc0, 0xac4, "Ampere-1a"},
};

static const char *implementer_name(int id)
{
    for (size_t i = 0; i < sizeof(arm_implementers) / sizeof(arm_implementers[0]); i++)
        if (arm_implementers[i].id == id)
            return arm_implementers[i].name;
    return NULL;
}

static const char *part_name(int implementer, int part)
{
    for (size_t i = 0; i < sizeof(arm_parts) / sizeof(arm_parts[0]); i++)
        if (arm_parts[i].implementer == implementer && arm_parts[i].part == part)
            return arm_parts[i].name;
    return NULL;
}

/* True when `word` is one of the white-space separated tokens of list[0..n). */
static bool has_token(const char *list, size_t n, const char *word)
{
    size_t wl = strlen(word), i = 0;

    while (i < n) {
        while (i < n && isspace((unsigned char)list[i]))
            i++;
        size_t start = i;
        while (i < n && !isspace((unsigned char)list[i]))
            i++;
        if (i - start == wl && memcmp(list + start, word, wl) == 0)
            return true;
    }
    return false;
}

/* One architecture's list decides every feature: those of the other architecture are known absent. */
static void isa_from_list(struct cllm_cpu_info *out, const char *list, size_t n, const struct flag_map *map,
                          size_t nmap)
{
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        out->isa[i] = CLLM_TRI_NO;
    for (size_t i = 0; i < nmap; i++)
        if (has_token(list, n, map[i].flag))
            out->isa[map[i].isa] = CLLM_TRI_YES;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int count_distinct_u64(uint64_t *v, size_t n)
{
    int d = 0;

    qsort(v, n, sizeof(v[0]), cmp_u64);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || v[i] != v[i - 1])
            d++;
    return d;
}

/* A growable array of 64-bit keys; a failed growth drops the key and marks the array incomplete. */
struct keys {
    uint64_t *v;
    size_t    n, cap;
    bool      lost;
};

static void keys_push(struct keys *k, uint64_t key)
{
    if (k->n == k->cap) {
        size_t ncap = k->cap ? k->cap * 2 : 64;
        uint64_t *nv = (uint64_t *)realloc(k->v, ncap * sizeof(uint64_t));
        if (!nv) {
            k->lost = true;
            return;
        }
        k->v = nv;
        k->cap = ncap;
    }
    k->v[k->n++] = key;
}

static uint64_t pair_key(long hi, long lo)
{
    return ((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo;
}

/* What one "processor" block said. */
struct cpuinfo_block {
    long phys, core;        /* "physical id", "core id" (x86) */
    long implementer, part; /* "CPU implementer", "CPU part" (arm) */
};

static void block_reset(struct cpuinfo_block *b)
{
    b->phys = b->core = b->implementer = b->part = -1;
}

static void block_flush(const struct cpuinfo_block *b, struct keys *cores, struct keys *parts)
{
    if (b->phys >= 0 && b->core >= 0)
        keys_push(cores, pair_key(b->phys, b->core));
    if (b->implementer >= 0 && b->part >= 0)
        keys_push(parts, pair_key(b->implementer, b->part));
}

/* Model name from distinct (implementer, part) pairs in order of first appearance: "Cortex-A55 + Cortex-A76". */
static void arm_model(const struct keys *parts, char *out, size_t outlen)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < parts->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            if (parts->v[j] == parts->v[i])
                seen = true;
        if (seen)
            continue;
        int impl = (int)(parts->v[i] >> 32), part = (int)(parts->v[i] & 0xffffffffu);
        const char *name = part_name(impl, part);
        const char *vend = implementer_name(impl);
        char one[64];
        if (name)
            snprintf(one, sizeof(one), "%s", name);
        else if (vend)
            snprintf(one, sizeof(one), "%s part 0x%03x", vend, part);
        else
            snprintf(one, sizeof(one), "part 0x%02x:0x%03x", impl, part);
        int w = snprintf(out + used, outlen - used, "%s%s", used ? " + " : "", one);
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
    }
}

enum cllm_status cllm_parse_cpuinfo(const char *buf, struct cllm_cpu_info *out)
{
    struct keys cores = {0}, parts = {0};
    struct cpuinfo_block blk;
    const char *line = buf;
    int processors = 0;
    double mhz_sum = 0.0;
    int mhz_n = 0;
    long first_impl = -1;
    bool have_model = false, have_vendor = false, have_isa = false;

    if (!buf || !out)
        return CLLM_ERR_INVALID_ARG;
    block_reset(&blk);
    while (*line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *colon = memchr(line, ':', len);

        if (colon) {
            char key[64];
            const char *val = colon + 1;
            size_t vlen = len - (size_t)(val - line);

            cllm_hw_copy_trim(key, sizeof(key), line, (size_t)(colon - line));
            while (vlen > 0 && isspace((unsigned char)*val)) {
                val++;
                vlen--;
            }
            while (vlen > 0 && isspace((unsigned char)val[vlen - 1]))
                vlen--;

            if (strcmp(key, "processor") == 0 && vlen > 0 && isdigit((unsigned char)val[0])) {
                /* a new block starts: the previous one is complete */
                if (processors > 0)
                    block_flush(&blk, &cores, &parts);
                block_reset(&blk);
                processors++;
            } else if (strcmp(key, "model name") == 0 && !have_model && vlen > 0) {
                cllm_hw_copy_trim(out->model, sizeof(out->model), val, vlen);
                have_model = true;
            } else if (strcmp(key, "vendor_id") == 0 && !have_vendor && vlen > 0) {
                cllm_hw_copy_trim(out->vendor, sizeof(out->vendor), val, vlen);
                have_vendor = true;
            } else if (strcmp(key, "flags") == 0 && !have_isa) {
                isa_from_list(out, val, vlen, x86_flags, sizeof(x86_flags) / sizeof(x86_flags[0]));
                have_isa = true;
            } else if (strcmp(key, "Features") == 0 && !have_isa) {
                isa_from_list(out, val, vlen, arm_flags, sizeof(arm_flags) / sizeof(arm_flags[0]));
                have_isa = true;
            } else if (strcmp(key, "cpu MHz") == 0) {
                double v = strtod(val, NULL);
                if (v > 0.0) {
                    mhz_sum += v;
                    mhz_n++;
                }
            } else if (strcmp(key, "physical id") == 0) {
                blk.phys = strtol(val, NULL, 10);
            } else if (strcmp(key, "core id") == 0) {
                blk.core = strtol(val, NULL, 10);
            } else if (strcmp(key, "CPU implementer") == 0) {
                blk.implementer = strtol(val, NULL, 0);
                if (first_impl < 0)
                    first_impl = blk.implementer;
            } else if (strcmp(key, "CPU part") == 0) {
                blk.part = strtol(val, NULL, 0);
            }
        }
        line += len;
        if (*line == '\n')
            line++;
    }
    block_flush(&blk, &cores, &parts);

    if (processors == 0 && !have_model && !have_isa) {
        free(cores.v);
        free(parts.v);
        return CLLM_ERR_PARSE;
    }

    if (!have_model && parts.n > 0)
        arm_model(&parts, out->model, sizeof(out->model));
    if (out->model[0])
        cllm_reason_clear(&out->why, "model");
    else
        cllm_reason_set(&out->why, "model", "no 'model name' or 'CPU part' line in /proc/cpuinfo");

    if (!have_vendor && first_impl >= 0) {
        const char *v = implementer_name((int)first_impl);
        if (v)
            snprintf(out->vendor, sizeof(out->vendor), "%s", v);
        else
            snprintf(out->vendor, sizeof(out->vendor), "0x%02lx", first_impl);
    }
    if (out->vendor[0])
        cllm_reason_clear(&out->why, "vendor");
    else
        cllm_reason_set(&out->why, "vendor", "no 'vendor_id' or 'CPU implementer' line in /proc/cpuinfo");

    if (have_isa)
        cllm_reason_clear(&out->why, "isa");
    else
        cllm_reason_set(&out->why, "isa", "no 'flags' or 'Features' line in /proc/cpuinfo");

    if (mhz_n > 0) {
        out->freq_current_mhz = mhz_sum / mhz_n;
        cllm_reason_clear(&out->why, "freq_current_mhz");
    } else if (isnan(out->freq_current_mhz)) {
        cllm_reason_set(&out->why, "freq_current_mhz", "no 'cpu MHz' line in /proc/cpuinfo");
    }

    if (processors > 0) {
        out->logical_cores = processors;
        cllm_reason_clear(&out->why, "logical_cores");
    }
    /* x86 blocks name their package and core: a fallback when sysfs topology is missing */
    if (cores.n > 0 && !cores.lost && (int)cores.n == processors) {
        out->physical_cores = count_distinct_u64(cores.v, cores.n);
        for (size_t i = 0; i < cores.n; i++)
            cores.v[i] >>= 32;
        out->sockets = count_distinct_u64(cores.v, cores.n);
        snprintf(out->topology_source, sizeof(out->topology_source), "cpuinfo");
        cllm_reason_clear(&out->why, "physical_cores");
        cllm_reason_clear(&out->why, "sockets");
        cllm_reason_clear(&out->why, "topology_source");
    }
    free(cores.v);
    free(parts.v);
    return CLLM_OK;
}

/* ---------------------------------------------------------------- sysfs */

#define SYS_CPU "/sys/devices/system/cpu"

static long read_cpu_file(const char *root, int cpu, const char *rel, char *buf, size_t len)
{
    char path[256];

    snprintf(path, sizeof(path), SYS_CPU "/cpu%d/%s", cpu, rel);
    return cllm_hw_read_small(root, path, buf, len);
}

static bool read_cpu_long(const char *root, int cpu, const char *rel, long *v)
{
    char buf[64], *end;

    if (read_cpu_file(root, cpu, rel, buf, sizeof(buf)) <= 0)
        return false;
    *v = strtol(buf, &end, 10);
    return end != buf;
}

/* "32K", "1024K", "2M", "32768" (bytes) → bytes; -1 when malformed. */
static int64_t parse_cache_size(const char *s)
{
    char *end;
    long long v = strtoll(s, &end, 10);

    if (end == s || v < 0)
        return -1;
    switch (toupper((unsigned char)*end)) {
    case 'K': return (int64_t)v << 10;
    case 'M': return (int64_t)v << 20;
    case 'G': return (int64_t)v << 30;
    case '\0': return (int64_t)v;
    default: return -1;
    }
}

/* Sets `field`'s reason only while its value is still unknown: an earlier source may have filled it. */
#define WHY_IF_UNKNOWN(out, unknown, field, ...)                                                        \
    do {                                                                                                \
        if (unknown)                                                                                    \
            cllm_reason_set(&(out)->why, (field), __VA_ARGS__);                                         \
    } while (0)

static void sysfs_topology(const char *root, const int *cpus, int n, struct cllm_cpu_info *out)
{
    struct keys pairs = {0};
    int missing_cpu = -1;

    for (int i = 0; i < n; i++) {
        long pkg, core;
        if (!read_cpu_long(root, cpus[i], "topology/physical_package_id", &pkg) ||
            !read_cpu_long(root, cpus[i], "topology/core_id", &core)) {
            missing_cpu = cpus[i];
            break;
        }
        keys_push(&pairs, pair_key(pkg, core));
    }
    if (missing_cpu >= 0 || pairs.lost) {
        WHY_IF_UNKNOWN(out, out->physical_cores < 0, "physical_cores",
                       "no topology/core_id or physical_package_id in " SYS_CPU "/cpu%d", missing_cpu);
        WHY_IF_UNKNOWN(out, out->sockets < 0, "sockets",
                       "no topology/physical_package_id in " SYS_CPU "/cpu%d", missing_cpu);
        free(pairs.v);
        return;
    }
    /* lscpu's "Core(s) per socket" × "Socket(s)": core ids repeat across packages, so count pairs */
    out->physical_cores = count_distinct_u64(pairs.v, pairs.n);
    for (size_t i = 0; i < pairs.n; i++)
        pairs.v[i] >>= 32;
    out->sockets = count_distinct_u64(pairs.v, pairs.n);
    snprintf(out->topology_source, sizeof(out->topology_source), "sysfs");
    cllm_reason_clear(&out->why, "physical_cores");
    cllm_reason_clear(&out->why, "sockets");
    cllm_reason_clear(&out->why, "topology_source");
    free(pairs.v);
}

enum { SLOT_L1D, SLOT_L1I, SLOT_L2, SLOT_L3, SLOT_COUNT };

struct cache_entry {
    int   slot;
    char *shared; /* shared_cpu_list: one distinct list per cache instance */
};

static int cmp_cache_entry(const void *a, const void *b)
{
    const struct cache_entry *x = (const struct cache_entry *)a, *y = (const struct cache_entry *)b;
    if (x->slot != y->slot)
        return x->slot - y->slot;
    return strcmp(x->shared, y->shared);
}

static int cache_slot(long level, const char *type)
{
    if (level == 1)
        return strcmp(type, "Instruction") == 0 ? SLOT_L1I : SLOT_L1D;
    if (level == 2 && strcmp(type, "Instruction") != 0)
        return SLOT_L2;
    if (level == 3 && strcmp(type, "Instruction") != 0)
        return SLOT_L3;
    return -1;
}

static void sysfs_caches(const char *root, const int *cpus, int n, struct cllm_cpu_info *out)
{
    static const char *const names[SLOT_COUNT] = {"l1d", "l1i", "l2", "l3"};
    static const char *const desc[SLOT_COUNT] = {"level-1 data", "level-1 instruction", "level-2", "level-3"};
    struct cllm_cache_level *lv[SLOT_COUNT] = {&out->l1d, &out->l1i, &out->l2, &out->l3};
    int64_t size[SLOT_COUNT] = {-1, -1, -1, -1};
    struct cache_entry *e = NULL;
    size_t ne = 0, cap = 0;
    bool oom = false;

    for (int i = 0; i < n && !oom; i++) {
        for (int k = 0; k < 64; k++) {
            char rel[64], type[32], sz[32], shared[1024];
            long level;
            int slot;

            snprintf(rel, sizeof(rel), "cache/index%d/level", k);
            if (!read_cpu_long(root, cpus[i], rel, &level))
                break;
            snprintf(rel, sizeof(rel), "cache/index%d/type", k);
            if (read_cpu_file(root, cpus[i], rel, type, sizeof(type)) < 0)
                continue;
            slot = cache_slot(level, type);
            if (slot < 0)
                continue;
            snprintf(rel, sizeof(rel), "cache/index%d/size", k);
            if (read_cpu_file(root, cpus[i], rel, sz, sizeof(sz)) > 0) {
                int64_t b = parse_cache_size(sz);
                /* hybrid CPUs have unequal instances: keep the largest, what one thread can use */
                if (b > size[slot])
                    size[slot] = b;
            }
            snprintf(rel, sizeof(rel), "cache/index%d/shared_cpu_list", k);
            if (read_cpu_file(root, cpus[i], rel, shared, sizeof(shared)) <= 0) {
                snprintf(rel, sizeof(rel), "cache/index%d/shared_cpu_map", k);
                if (read_cpu_file(root, cpus[i], rel, shared, sizeof(shared)) <= 0)
                    continue;
            }
            if (ne == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                struct cache_entry *ne_ = (struct cache_entry *)realloc(e, ncap * sizeof(*e));
                if (!ne_) {
                    oom = true;
                    break;
                }
                e = ne_;
                cap = ncap;
            }
            size_t sl = strlen(shared) + 1;
            e[ne].slot = slot;
            e[ne].shared = (char *)malloc(sl);
            if (!e[ne].shared) {
                oom = true;
                break;
            }
            memcpy(e[ne].shared, shared, sl);
            ne++;
        }
    }

    int inst[SLOT_COUNT] = {0, 0, 0, 0};
    if (ne > 0)
        qsort(e, ne, sizeof(e[0]), cmp_cache_entry);
    for (size_t i = 0; i < ne; i++)
        if (i == 0 || cmp_cache_entry(&e[i], &e[i - 1]) != 0)
            inst[e[i].slot]++;

    for (int s = 0; s < SLOT_COUNT; s++) {
        bool unknown = lv[s]->size_bytes < 0 || lv[s]->instances < 0;
        if (!oom && inst[s] > 0 && size[s] >= 0) {
            lv[s]->size_bytes = size[s];
            lv[s]->instances = inst[s];
            cllm_reason_clear(&out->why, names[s]);
        } else if (oom) {
            WHY_IF_UNKNOWN(out, unknown, names[s], "out of memory while reading sysfs caches");
        } else if (ne == 0) {
            WHY_IF_UNKNOWN(out, unknown, names[s],
                           "no cache information in " SYS_CPU "/cpu%d/cache (firmware does not describe caches)",
                           n > 0 ? cpus[0] : 0);
        } else {
            WHY_IF_UNKNOWN(out, unknown, names[s], "no %s cache reported in " SYS_CPU "/cpu*/cache", desc[s]);
        }
    }
    for (size_t i = 0; i < ne; i++)
        free(e[i].shared);
    free(e);
}

/* kHz value of a cpufreq file → MHz; NAN when absent. */
static double read_khz(const char *root, int cpu, const char *rel)
{
    long v;
    return read_cpu_long(root, cpu, rel, &v) && v > 0 ? (double)v / 1000.0 : NAN;
}

static void sysfs_cpufreq(const char *root, const int *cpus, int n, struct cllm_cpu_info *out)
{
    double maxf = NAN, minf = NAN, base = NAN, cur_sum = 0.0;
    int cur_n = 0, with_cpufreq = 0, first = n > 0 ? cpus[0] : 0;
    char gov[64] = "";

    for (int i = 0; i < n; i++) {
        double mx = read_khz(root, cpus[i], "cpufreq/cpuinfo_max_freq");
        double mn = read_khz(root, cpus[i], "cpufreq/cpuinfo_min_freq");
        double cur = read_khz(root, cpus[i], "cpufreq/scaling_cur_freq");
        if (!isnan(mx) || !isnan(mn) || !isnan(cur))
            with_cpufreq++;
        /* hybrid CPUs: the fastest core's ceiling and the slowest core's floor */
        if (!isnan(mx) && (isnan(maxf) || mx > maxf))
            maxf = mx;
        if (!isnan(mn) && (isnan(minf) || mn < minf))
            minf = mn;
        if (!isnan(cur)) {
            cur_sum += cur;
            cur_n++;
        }
        if (isnan(base))
            base = read_khz(root, cpus[i], "cpufreq/base_frequency");
        if (isnan(base)) {
            long nominal;
            /* AMD and arm64 servers publish the nominal clock through ACPI CPPC, in MHz */
            if (read_cpu_long(root, cpus[i], "acpi_cppc/nominal_freq", &nominal) && nominal > 0)
                base = (double)nominal;
        }
        if (gov[0] == '\0')
            read_cpu_file(root, cpus[i], "cpufreq/scaling_governor", gov, sizeof(gov));
    }

    char nofreq[200];
    snprintf(nofreq, sizeof(nofreq),
             "cpufreq not exposed in " SYS_CPU "/cpu%d/cpufreq (virtual machine or driver missing)", first);

    if (!isnan(maxf)) {
        out->freq_max_mhz = maxf;
        cllm_reason_clear(&out->why, "freq_max_mhz");
    } else {
        WHY_IF_UNKNOWN(out, isnan(out->freq_max_mhz), "freq_max_mhz", "%s",
                       with_cpufreq ? "cpufreq driver does not report cpuinfo_max_freq" : nofreq);
    }
    if (!isnan(minf)) {
        out->freq_min_mhz = minf;
        cllm_reason_clear(&out->why, "freq_min_mhz");
    } else {
        WHY_IF_UNKNOWN(out, isnan(out->freq_min_mhz), "freq_min_mhz", "%s",
                       with_cpufreq ? "cpufreq driver does not report cpuinfo_min_freq" : nofreq);
    }
    if (!isnan(base)) {
        out->freq_base_mhz = base;
        cllm_reason_clear(&out->why, "freq_base_mhz");
    } else {
        WHY_IF_UNKNOWN(out, isnan(out->freq_base_mhz), "freq_base_mhz", "%s",
                       with_cpufreq ? "neither cpufreq/base_frequency (intel_pstate only) nor "
                                      "acpi_cppc/nominal_freq in sysfs"
                                    : nofreq);
    }
    if (cur_n > 0) {
        out->freq_current_mhz = cur_sum / cur_n;
        cllm_reason_clear(&out->why, "freq_current_mhz");
    } else {
        WHY_IF_UNKNOWN(out, isnan(out->freq_current_mhz), "freq_current_mhz", "%s",
                       with_cpufreq ? "cpufreq driver does not report scaling_cur_freq" : nofreq);
    }
    if (gov[0]) {
        cllm_hw_copy_trim(out->governor, sizeof(out->governor), gov, strlen(gov));
        cllm_reason_clear(&out->why, "governor");
    } else {
        WHY_IF_UNKNOWN(out, out->governor[0] == '\0', "governor", "%s",
                       with_cpufreq ? "cpufreq driver does not report scaling_governor" : nofreq);
    }
}

static void sysfs_numa(const char *root, struct cllm_cpu_info *out)
{
    char buf[1024];
    int n;

    if (cllm_hw_read_small(root, "/sys/devices/system/node/online", buf, sizeof(buf)) < 0) {
        WHY_IF_UNKNOWN(out, out->numa_nodes < 0, "numa_nodes",
                       "no /sys/devices/system/node/online (kernel built without NUMA)");
        return;
    }
    n = cllm_hw_count_range_list(buf);
    if (n <= 0) {
        WHY_IF_UNKNOWN(out, out->numa_nodes < 0, "numa_nodes",
                       "malformed /sys/devices/system/node/online: '%.60s'", buf);
        return;
    }
    out->numa_nodes = n;
    cllm_reason_clear(&out->why, "numa_nodes");
}

enum cllm_status cllm_parse_sysfs_cpu(const char *root, struct cllm_cpu_info *out)
{
    char buf[4096];
    int *cpus = NULL;
    int n;

    if (!out)
        return CLLM_ERR_INVALID_ARG;
    sysfs_numa(root, out);
    if (cllm_hw_read_small(root, SYS_CPU "/online", buf, sizeof(buf)) < 0) {
        const char *why = "no " SYS_CPU "/online (sysfs not mounted?)";
        WHY_IF_UNKNOWN(out, out->logical_cores < 0, "logical_cores", "%s", why);
        WHY_IF_UNKNOWN(out, out->physical_cores < 0, "physical_cores", "%s", why);
        WHY_IF_UNKNOWN(out, out->sockets < 0, "sockets", "%s", why);
        WHY_IF_UNKNOWN(out, out->l1d.size_bytes < 0, "l1d", "%s", why);
        WHY_IF_UNKNOWN(out, out->l1i.size_bytes < 0, "l1i", "%s", why);
        WHY_IF_UNKNOWN(out, out->l2.size_bytes < 0, "l2", "%s", why);
        WHY_IF_UNKNOWN(out, out->l3.size_bytes < 0, "l3", "%s", why);
        WHY_IF_UNKNOWN(out, isnan(out->freq_max_mhz), "freq_max_mhz", "%s", why);
        WHY_IF_UNKNOWN(out, isnan(out->freq_min_mhz), "freq_min_mhz", "%s", why);
        WHY_IF_UNKNOWN(out, isnan(out->freq_base_mhz), "freq_base_mhz", "%s", why);
        WHY_IF_UNKNOWN(out, out->governor[0] == '\0', "governor", "%s", why);
        return CLLM_ERR_NOT_FOUND;
    }
    n = cllm_hw_parse_range_list(buf, &cpus);
    if (n <= 0) {
        free(cpus);
        WHY_IF_UNKNOWN(out, out->logical_cores < 0, "logical_cores", "malformed " SYS_CPU "/online: '%.60s'",
                       buf);
        return CLLM_ERR_PARSE;
    }
    out->logical_cores = n;
    cllm_reason_clear(&out->why, "logical_cores");
    sysfs_topology(root, cpus, n, out);
    sysfs_caches(root, cpus, n, out);
    sysfs_cpufreq(root, cpus, n, out);
    free(cpus);
    return CLLM_OK;
}
