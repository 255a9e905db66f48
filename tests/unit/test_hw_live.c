/* Live machine: what the detectors say against what lscpu, nproc and /proc/meminfo say. Linux only. */
#include "hw_check.h"

#include <ctype.h>

#ifdef CLLM_WITH_HWLOC
#include <hwloc.h>
#endif

#ifdef __linux__

/* Runs a command and returns its stdout (malloc'd), or NULL when it could not run or printed nothing. */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    char *buf = NULL;
    size_t n = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (n + 1024 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = (char *)realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    int rc = pclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (rc != 0 || n == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Value of the first "Key:   value" line (key at line start), trimmed, into out; false when absent. */
static int field(const char *text, const char *key, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) != 0 || l[kl] != ':')
            continue;
        const char *v = l + kl + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t n = strcspn(v, "\n");
        while (n > 0 && isspace((unsigned char)v[n - 1]))
            n--;
        if (n >= outlen)
            n = outlen - 1;
        memcpy(out, v, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

static int int_field(const char *text, const char *key)
{
    char v[64];
    char *end;
    if (!field(text, key, v, sizeof(v)))
        return -1;
    long n = strtol(v, &end, 10);
    return end == v ? -1 : (int)n;
}

/* lscpu cache line "32 MiB (1 instance)" → total bytes and instances; false when not in that form. */
static int cache_field(const char *text, const char *key, double *total, int *instances)
{
    char v[128], unit[16];
    double size;
    if (!field(text, key, v, sizeof(v)))
        return 0;
    if (sscanf(v, "%lf %15s (%d", &size, unit, instances) != 3)
        return 0;
    double mul = strcmp(unit, "KiB") == 0 ? 1024.0 : strcmp(unit, "MiB") == 0 ? 1048576.0
               : strcmp(unit, "GiB") == 0 ? 1073741824.0 : strcmp(unit, "B") == 0 ? 1.0 : 0.0;
    if (mul == 0.0)
        return 0;
    *total = size * mul;
    return 1;
}

static char *lscpu_text(void)
{
    return run("LC_ALL=C lscpu 2>/dev/null");
}

static int nproc_now(void)
{
    char *s = run("nproc 2>/dev/null");
    int n = s ? atoi(s) : -1;
    free(s);
    return n;
}

static void test_cpu_matches_lscpu_and_nproc(void)
{
    char *ls = lscpu_text();
    struct cllm_cpu_info c;
    struct cllm_hw_params p = cllm_hw_default_params();
    char model[128];
    int nproc = nproc_now();

    if (!ls)
        SKIP("lscpu is not installed or failed");
    cllm_cpu_detect(&p, &c);
    check_cpu_reasons(&c);
    fprintf(stderr, "  detected: %s, %d cores / %d threads, %d socket(s), %d NUMA, source %s\n", c.model,
            c.physical_cores, c.logical_cores, c.sockets, c.numa_nodes, c.topology_source);

    int cpus = int_field(ls, "CPU(s)");
    int per_socket = int_field(ls, "Core(s) per socket");
    int sockets = int_field(ls, "Socket(s)");
    fprintf(stderr, "  lscpu: CPU(s) %d, Core(s) per socket %d, Socket(s) %d; nproc %d\n", cpus, per_socket,
            sockets, nproc);

    /* nproc counts the CPUs this process may run on: fewer than lscpu's inside a cpuset or under taskset.
     * hwloc follows cpusets but not taskset, so a restricted run lands between the two. */
    int restricted = nproc > 0 && cpus > 0 && nproc < cpus;
    if (!restricted && nproc > 0) {
        CHECK_INT(c.logical_cores, nproc);
    } else if (restricted) {
        CHECK(c.logical_cores >= nproc && c.logical_cores <= cpus);
    }
    if (!restricted) {
        if (per_socket > 0 && sockets > 0) {
            CHECK_INT(c.physical_cores, per_socket * sockets);
            CHECK_INT(c.sockets, sockets);
        } else {
            fprintf(stderr, "  lscpu prints no per-socket core count here; cores not compared\n");
        }
        int numa = int_field(ls, "NUMA node(s)");
        if (numa > 0)
            CHECK_INT(c.numa_nodes, numa);
    } else {
        fprintf(stderr, "  affinity-restricted (nproc %d < %d): physical cores not compared\n", nproc, cpus);
    }

    if (field(ls, "Model name", model, sizeof(model))) {
#if defined(__x86_64__) || defined(__i386__)
        CHECK_STR(c.model, model);
#else
        /* arm64: lscpu prints one Model name per core type; ours joins them with " + " */
        CHECK(strstr(c.model, model) != NULL);
#endif
    }

    /* caches: lscpu sums all instances; we keep one instance's size (the largest on hybrid CPUs) */
    static const char *const keys[] = {"L1d cache", "L1i cache", "L2 cache", "L3 cache"};
    const struct cllm_cache_level *lv[] = {&c.l1d, &c.l1i, &c.l2, &c.l3};
    for (int i = 0; i < 4 && !restricted; i++) {
        double total;
        int inst;
        if (!cache_field(ls, keys[i], &total, &inst))
            continue;
        fprintf(stderr, "  %s: lscpu %.0f bytes in %d; ours %lld x %d\n", keys[i], total, inst,
                (long long)lv[i]->size_bytes, lv[i]->instances);
        CHECK_INT(lv[i]->instances, inst);
        /* lscpu rounds to 3 significant digits */
        CHECK((double)lv[i]->size_bytes <= total * 1.01);
        CHECK((double)lv[i]->size_bytes * lv[i]->instances >= total * 0.99);
    }
    free(ls);
}

static void test_ram_total_matches_meminfo(void)
{
    struct cllm_ram_info r;
    struct cllm_hw_params p = cllm_hw_default_params();
    long long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];

    if (!f)
        SKIP("no /proc/meminfo");
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
            break;
    fclose(f);
    cllm_ram_detect(&p, &r);
    check_ram_reasons(&r);
    CHECK(kb > 0);
    CHECK_NEAR((double)r.total_bytes, (double)kb * 1024.0, (double)kb * 1024.0 * 0.01);
    CHECK(r.available_bytes > 0 && r.available_bytes <= r.total_bytes);
    fprintf(stderr, "  RAM %.2f GiB, available %.2f GiB; DIMMs: %s\n", r.total_bytes / 1073741824.0,
            r.available_bytes / 1073741824.0,
            r.populated_slots >= 0 ? r.type : cllm_reason_get(&r.why, "populated_slots"));
}

static void test_os_live(void)
{
    struct cllm_os_info o;
    struct cllm_hw_params p = cllm_hw_default_params();

    cllm_os_detect(&p, &o);
    check_os_reasons(&o);
    CHECK_STR(o.system, "Linux");
    CHECK(o.release[0] != '\0');
    CHECK(o.machine[0] != '\0');
    CHECK(o.hostname[0] != '\0');
    fprintf(stderr, "  %s on %s, %s\n", o.kernel, o.machine, o.distribution[0] ? o.distribution : "(no os-release)");
}

/* The sysfs parser and hwloc count the same cores (both over the whole machine, cpusets ignored). */
static void test_sysfs_agrees_with_hwloc(void)
{
#ifdef CLLM_WITH_HWLOC
    struct cllm_cpu_info c;
    hwloc_topology_t t;

    cllm_cpu_info_init(&c);
    if (cllm_parse_sysfs_cpu("/", &c) != CLLM_OK)
        SKIP("no sysfs CPU tree here");
    CHECK(hwloc_topology_init(&t) == 0);
    hwloc_topology_set_flags(t, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
    CHECK(hwloc_topology_load(t) == 0);
    int cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    int pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
    int pkgs = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
    int l3 = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_L3CACHE);
    hwloc_topology_destroy(t);
    fprintf(stderr, "  hwloc: %d cores, %d PUs, %d packages, %d L3; sysfs: %d, %d, %d, %d\n", cores, pus, pkgs, l3,
            c.physical_cores, c.logical_cores, c.sockets, c.l3.instances);
    CHECK_INT(c.physical_cores, cores);
    CHECK_INT(c.logical_cores, pus);
    CHECK_INT(c.sockets, pkgs);
    if (l3 > 0)
        CHECK_INT(c.l3.instances, l3);
#else
    SKIP("built without hwloc");
#endif
}

#endif

int main(void)
{
#ifdef __linux__
    RUN(test_cpu_matches_lscpu_and_nproc);
    RUN(test_ram_total_matches_meminfo);
    RUN(test_os_live);
    RUN(test_sysfs_agrees_with_hwloc);
#else
    fprintf(stderr, "skip: live checks compare against Linux tools\n");
#endif
    return test_summary();
}
