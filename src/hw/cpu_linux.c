/* CPU on Linux: /proc/cpuinfo for model and ISA, sysfs for topology, caches and clocks; on the live machine
 * hwloc (when built with it) is the primary source of cores, packages, caches and NUMA nodes. */
#include "hw/hw.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "hw/hw_priv.h"

#ifdef CLLM_WITH_HWLOC
#include <hwloc.h>

/* Counts one cache type; keeps the largest instance (hybrid CPUs). Leaves lv alone when hwloc has none. */
static void hwloc_cache(hwloc_topology_t t, hwloc_obj_type_t type, struct cllm_cache_level *lv,
                        struct cllm_reasons *why, const char *field)
{
    int n = hwloc_get_nbobjs_by_type(t, type);
    int64_t size = -1;

    for (int i = 0; i < n; i++) {
        hwloc_obj_t o = hwloc_get_obj_by_type(t, type, (unsigned)i);
        if (o && o->attr && (int64_t)o->attr->cache.size > size)
            size = (int64_t)o->attr->cache.size;
    }
    if (n > 0 && size > 0) {
        lv->size_bytes = size;
        lv->instances = n;
        cllm_reason_clear(why, field);
    }
}

/* hwloc's view of the CPUs this process may use (cgroup cpusets applied, as nproc does). */
static bool from_hwloc(struct cllm_cpu_info *out)
{
    hwloc_topology_t t;
    int pus, cores, pkgs, numa;

    if (hwloc_topology_init(&t) != 0) {
        CLLM_LOG(CLLM_LOG_INFO, "hwloc_topology_init failed: %s; CPU topology from sysfs", strerror(errno));
        return false;
    }
    /* instruction caches are filtered out by default */
    hwloc_topology_set_icache_types_filter(t, HWLOC_TYPE_FILTER_KEEP_ALL);
    if (hwloc_topology_load(t) != 0) {
        CLLM_LOG(CLLM_LOG_INFO, "hwloc_topology_load failed: %s; CPU topology from sysfs", strerror(errno));
        hwloc_topology_destroy(t);
        return false;
    }
    pus = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
    cores = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE);
    pkgs = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE);
    numa = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE);
    if (pus <= 0 || cores <= 0) {
        CLLM_LOG(CLLM_LOG_INFO, "hwloc found %d PUs and %d cores; CPU topology from sysfs", pus, cores);
        hwloc_topology_destroy(t);
        return false;
    }
    if (out->physical_cores >= 0 && out->physical_cores != cores)
        CLLM_LOG(CLLM_LOG_INFO, "hwloc counts %d cores, sysfs %d (cpuset restriction?); using hwloc", cores,
                 out->physical_cores);
    out->logical_cores = pus;
    out->physical_cores = cores;
    cllm_reason_clear(&out->why, "logical_cores");
    cllm_reason_clear(&out->why, "physical_cores");
    if (pkgs > 0) {
        out->sockets = pkgs;
        cllm_reason_clear(&out->why, "sockets");
    }
    if (numa > 0) {
        out->numa_nodes = numa;
        cllm_reason_clear(&out->why, "numa_nodes");
    }
    hwloc_cache(t, HWLOC_OBJ_L1CACHE, &out->l1d, &out->why, "l1d");
    hwloc_cache(t, HWLOC_OBJ_L1ICACHE, &out->l1i, &out->why, "l1i");
    hwloc_cache(t, HWLOC_OBJ_L2CACHE, &out->l2, &out->why, "l2");
    hwloc_cache(t, HWLOC_OBJ_L3CACHE, &out->l3, &out->why, "l3");
    snprintf(out->topology_source, sizeof(out->topology_source), "hwloc");
    cllm_reason_clear(&out->why, "topology_source");
    hwloc_topology_destroy(t);
    return true;
}
#endif

void cllm_cpu_detect(const struct cllm_hw_params *p, struct cllm_cpu_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    char *buf;

    if (!p)
        p = &def;
    cllm_cpu_info_init(out);

    buf = cllm_hw_read_all(p->root, "/proc/cpuinfo", NULL);
    if (buf) {
        if (cllm_parse_cpuinfo(buf, out) != CLLM_OK) {
            cllm_reason_set(&out->why, "model", "/proc/cpuinfo has no processor entries");
            cllm_reason_set(&out->why, "vendor", "/proc/cpuinfo has no processor entries");
            cllm_reason_set(&out->why, "isa", "/proc/cpuinfo has no processor entries");
        }
        free(buf);
    } else {
        const char *e = strerror(errno);
        cllm_reason_set(&out->why, "model", "cannot read /proc/cpuinfo: %s", e);
        cllm_reason_set(&out->why, "vendor", "cannot read /proc/cpuinfo: %s", e);
        cllm_reason_set(&out->why, "isa", "cannot read /proc/cpuinfo: %s", e);
    }

    cllm_parse_sysfs_cpu(p->root, out);

    if (cllm_hw_may_ask_os(p)) {
#ifdef CLLM_WITH_HWLOC
        from_hwloc(out);
#endif
        if (out->logical_cores < 0) {
            long n = sysconf(_SC_NPROCESSORS_ONLN);
            if (n > 0) {
                out->logical_cores = (int)n;
                cllm_reason_clear(&out->why, "logical_cores");
            }
        }
    }
    cllm_hw_cpu_reconcile(out, "not reported by /proc/cpuinfo or sysfs on this system");
}
