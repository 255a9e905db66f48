/* struct cllm_hw_info → results "hardware". Unknown values become null, with the reason under the object's
 * "null_reasons" (the reason hw/ recorded under the struct member's name, else a generic one). */
#include "report/write_hw.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "hw/hw.h"
#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/write.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

static const char *const unknown = "not reported by any source on this machine";

/* hw/ keys reasons by struct member: the field's name, or "freq_<name>" for the frequency members. */
static const char *why_of(const struct cllm_reasons *why, const struct cllm_field *f)
{
    const char *r = cllm_reason_get(why, f->name);
    if (!r) {
        char alt[64];
        snprintf(alt, sizeof(alt), "freq_%s", f->name);
        r = cllm_reason_get(why, alt);
    }
    return r ? r : unknown;
}

static void put_str(cJSON *o, const struct cllm_reasons *why, const struct cllm_field *f, const char *v)
{
    cllm_w_str(o, f, v && v[0] ? v : NULL, why_of(why, f));
}

/* a count; negative is unknown */
static void put_int(cJSON *o, const struct cllm_reasons *why, const struct cllm_field *f, long long v)
{
    if (v >= 0)
        cllm_w_int(o, f, v);
    else
        cllm_w_null(o, f, why_of(why, f));
}

static double round_to(double v, double step) { return round(v / step) * step; }

static void put_num(cJSON *o, const struct cllm_reasons *why, const struct cllm_field *f, double v, double step)
{
    cllm_w_num(o, f, isfinite(v) && step > 0 ? round_to(v, step) : v, why_of(why, f));
}

/* bytes → GiB with 2 decimals, as the original's total_gb; negative is unknown */
static void put_gib(cJSON *o, const struct cllm_reasons *why, const struct cllm_field *f, int64_t bytes)
{
    put_num(o, why, f, bytes >= 0 ? (double)bytes / GIB : NAN, 0.01);
}

static void os_json(cJSON *hw, const struct cllm_os_info *os)
{
    cJSON *j = cllm_w_obj(hw, &CLLM_F_HW_OS);
    put_str(j, &os->why, &CLLM_F_HW_OS_SYSTEM, os->system);
    put_str(j, &os->why, &CLLM_F_HW_OS_RELEASE, os->release);
    put_str(j, &os->why, &CLLM_F_HW_OS_VERSION, os->version);
    put_str(j, &os->why, &CLLM_F_HW_OS_MACHINE, os->machine);
    put_str(j, &os->why, &CLLM_F_HW_OS_HOSTNAME, os->hostname);
    put_str(j, &os->why, &CLLM_F_HW_OS_KERNEL, os->kernel);
    put_str(j, &os->why, &CLLM_F_HW_OS_DISTRIBUTION, os->distribution);
}

static void cache_json(cJSON *caches, const struct cllm_reasons *why, const struct cllm_field *f,
                       const struct cllm_cache_level *c)
{
    cJSON *e;
    if (c->size_bytes < 0) {
        cllm_w_null(caches, f, why_of(why, f));
        return;
    }
    e = cllm_w_obj(caches, f);
    cllm_w_int(e, &CLLM_F_HW_CACHE_SIZE_BYTES, c->size_bytes);
    cllm_w_num(e, &CLLM_F_HW_CACHE_SIZE_KB, (double)c->size_bytes / 1024.0, NULL);
    put_int(e, why, &CLLM_F_HW_CACHE_INSTANCES, c->instances);
}

static void cpu_json(cJSON *hw, const struct cllm_cpu_info *c)
{
    cJSON *j = cllm_w_obj(hw, &CLLM_F_HW_CPU), *freq, *caches, *isa;
    put_str(j, &c->why, &CLLM_F_HW_CPU_MODEL, c->model);
    put_str(j, &c->why, &CLLM_F_HW_CPU_VENDOR, c->vendor);
    put_int(j, &c->why, &CLLM_F_HW_CPU_PHYSICAL_CORES, c->physical_cores);
    put_int(j, &c->why, &CLLM_F_HW_CPU_LOGICAL_CORES, c->logical_cores);
    put_int(j, &c->why, &CLLM_F_HW_CPU_SOCKETS, c->sockets);
    put_int(j, &c->why, &CLLM_F_HW_CPU_NUMA_NODES, c->numa_nodes);

    /* frequency keeps its own reasons so the keys stay short */
    freq = cllm_w_obj(j, &CLLM_F_HW_CPU_FREQUENCY);
    put_num(freq, &c->why, &CLLM_F_HW_CPU_BASE_MHZ, c->freq_base_mhz, 1);
    put_num(freq, &c->why, &CLLM_F_HW_CPU_MAX_MHZ, c->freq_max_mhz, 1);
    put_num(freq, &c->why, &CLLM_F_HW_CPU_MIN_MHZ, c->freq_min_mhz, 1);
    put_num(freq, &c->why, &CLLM_F_HW_CPU_CURRENT_MHZ, c->freq_current_mhz, 1);

    caches = cllm_w_obj(j, &CLLM_F_HW_CPU_CACHES);
    cache_json(caches, &c->why, &CLLM_F_HW_CACHE_L1D, &c->l1d);
    cache_json(caches, &c->why, &CLLM_F_HW_CACHE_L1I, &c->l1i);
    cache_json(caches, &c->why, &CLLM_F_HW_CACHE_L2, &c->l2);
    cache_json(caches, &c->why, &CLLM_F_HW_CACHE_L3, &c->l3);

    put_str(j, &c->why, &CLLM_F_HW_CPU_GOVERNOR, c->governor);

    /* a map: the feature names are hw/'s (cllm_isa_name), null when unknown */
    isa = cllm_w_obj(j, &CLLM_F_HW_CPU_ISA);
    for (int i = 0; i < CLLM_ISA_COUNT; i++) {
        if (c->isa[i] == CLLM_TRI_UNKNOWN)
            cJSON_AddNullToObject(isa, cllm_isa_name((enum cllm_isa)i));
        else
            cJSON_AddBoolToObject(isa, cllm_isa_name((enum cllm_isa)i), c->isa[i] == CLLM_TRI_YES);
    }
    if (c->topology_source[0])
        cllm_w_str(j, &CLLM_F_HW_CPU_TOPOLOGY_SOURCE, c->topology_source, NULL);
}

static void ram_json(cJSON *hw, const struct cllm_ram_info *m)
{
    cJSON *j = cllm_w_obj(hw, &CLLM_F_HW_RAM);
    put_gib(j, &m->why, &CLLM_F_HW_RAM_TOTAL_GB, m->total_bytes);
    put_gib(j, &m->why, &CLLM_F_HW_RAM_AVAILABLE_GB, m->available_bytes);
    put_gib(j, &m->why, &CLLM_F_HW_RAM_SWAP_TOTAL_GB, m->swap_total_bytes);
    put_gib(j, &m->why, &CLLM_F_HW_RAM_SWAP_FREE_GB, m->swap_free_bytes);
    put_int(j, &m->why, &CLLM_F_HW_RAM_TOTAL_BYTES, m->total_bytes);
    put_int(j, &m->why, &CLLM_F_HW_RAM_AVAILABLE_BYTES, m->available_bytes);
    cllm_w_bool(j, &CLLM_F_HW_RAM_UNIFIED_MEMORY, m->unified_memory);
    put_int(j, &m->why, &CLLM_F_HW_RAM_SPEED_MTS, m->speed_mts);
    put_int(j, &m->why, &CLLM_F_HW_RAM_POPULATED_SLOTS, m->populated_slots);
    put_str(j, &m->why, &CLLM_F_HW_RAM_TYPE, m->type);
}

static void device_json(cJSON *devs, const struct cllm_gpu_device *d)
{
    cJSON *j = cJSON_CreateObject();
    const char *b;
    if (!j)
        return;
    cllm_w_int(j, &CLLM_F_GPU_INDEX, d->index);
    put_str(j, &d->why, &CLLM_F_HW_DEV_VENDOR, d->vendor);
    put_str(j, &d->why, &CLLM_F_HW_DEV_NAME, d->name);
    put_num(j, &d->why, &CLLM_F_HW_DEV_VRAM_TOTAL_GB, d->vram_total_gb, 0.01);
    put_num(j, &d->why, &CLLM_F_HW_DEV_VRAM_FREE_GB, d->vram_free_gb, 0.01);
    put_str(j, &d->why, &CLLM_F_HW_DEV_DRIVER_VERSION, d->driver_version);
    cllm_w_str(j, &CLLM_F_HW_DEV_BACKEND, cllm_gpu_backend_name(d->backend), NULL);
    put_str(j, &d->why, &CLLM_F_HW_DEV_COMPUTE_CAPABILITY, d->compute_capability);
    put_str(j, &d->why, &CLLM_F_HW_DEV_PCI_BUS_ID, d->pci_bus_id);
    cllm_w_bool(j, &CLLM_F_HW_DEV_INTEGRATED, d->integrated);
    put_str(j, &d->why, &CLLM_F_HW_DEV_SOURCE, d->source);
    /* why the backend is what it is (e.g. none: no driver library), though it is never null */
    b = cllm_reason_get(&d->why, CLLM_F_HW_DEV_BACKEND.name);
    if (b) {
        cJSON *nr = cJSON_GetObjectItemCaseSensitive(j, CLLM_F_NULL_REASONS.name);
        if (!nr)
            nr = cllm_w_obj(j, &CLLM_F_NULL_REASONS);
        cJSON_AddStringToObject(nr, CLLM_F_HW_DEV_BACKEND.name, b);
    }
    cJSON_AddItemToArray(devs, j);
}

static void gpu_json(cJSON *hw, const struct cllm_gpu_info *g)
{
    cJSON *j = cllm_w_obj(hw, &CLLM_F_HW_GPU), *devs, *notes;
    devs = cllm_w_arr(j, &CLLM_F_HW_GPU_DEVICES);
    for (int i = 0; i < g->n_devices; i++)
        device_json(devs, &g->devices[i]);
    cllm_w_int(j, &CLLM_F_HW_GPU_COUNT, g->n_devices);
    cllm_w_str(j, &CLLM_F_HW_GPU_PRIMARY_BACKEND, cllm_gpu_backend_name(g->primary_backend), NULL);
    notes = cllm_w_arr(j, &CLLM_F_HW_GPU_SOURCES);
    for (int i = 0; i < g->n_notes; i++) {
        cJSON *n = cJSON_CreateObject();
        cllm_w_str(n, &CLLM_F_HW_SRC_SOURCE, g->notes[i].source, NULL);
        cllm_w_str(n, &CLLM_F_HW_SRC_STATUS, g->notes[i].status, NULL);
        cllm_w_str(n, &CLLM_F_DETAIL, g->notes[i].detail, NULL);
        cJSON_AddItemToArray(notes, n);
    }
}

/* OpenCL's reasons are keyed "<kind><i>_<member>" in one list for the section (gpu/gpu.h) */
static const char *cl_why(const struct cllm_opencl_info *cl, char kind, int i, const struct cllm_field *f)
{
    char key[64];
    const char *r;
    snprintf(key, sizeof(key), "%c%d_%s", kind, i, f->name);
    r = cllm_reason_get(&cl->why, key);
    return r ? r : "not reported by this OpenCL platform";
}

static void cl_str(cJSON *o, const struct cllm_opencl_info *cl, char kind, int i, const struct cllm_field *f,
                   const char *v)
{
    cllm_w_str(o, f, v[0] ? v : NULL, cl_why(cl, kind, i, f));
}

/* a count or size of device k; negative is unknown */
static void cl_count(cJSON *o, const struct cllm_opencl_info *cl, int k, const struct cllm_field *f, long long v)
{
    if (v >= 0)
        cllm_w_int(o, f, v);
    else
        cllm_w_null(o, f, cl_why(cl, 'd', k, f));
}

static void opencl_device_json(cJSON *devs, const struct cllm_opencl_info *cl, int k)
{
    const struct cllm_opencl_device *d = &cl->devices[k];
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return;
    cl_str(j, cl, 'd', k, &CLLM_F_HW_CLD_NAME, d->name);
    cl_str(j, cl, 'd', k, &CLLM_F_HW_CLD_VENDOR, d->vendor);
    cl_str(j, cl, 'd', k, &CLLM_F_HW_CLD_TYPE, d->type);
    cl_count(j, cl, k, &CLLM_F_HW_CLD_GLOBAL_MEM_BYTES, d->global_mem_bytes);
    if (d->global_mem_bytes >= 0)
        cllm_w_num(j, &CLLM_F_HW_CLD_GLOBAL_MEM_GB, round_to((double)d->global_mem_bytes / GIB, 0.01), NULL);
    else
        cllm_w_null(j, &CLLM_F_HW_CLD_GLOBAL_MEM_GB, cl_why(cl, 'd', k, &CLLM_F_HW_CLD_GLOBAL_MEM_BYTES));
    cl_count(j, cl, k, &CLLM_F_HW_CLD_COMPUTE_UNITS, d->compute_units);
    cl_count(j, cl, k, &CLLM_F_HW_CLD_MAX_CLOCK_MHZ, d->max_clock_mhz);
    cl_str(j, cl, 'd', k, &CLLM_F_HW_CLD_DRIVER_VERSION, d->driver_version);
    cl_str(j, cl, 'd', k, &CLLM_F_HW_CLD_VERSION, d->version);
    cl_str(j, cl, 'd', k, &CLLM_F_HW_CLD_OPENCL_C_VERSION, d->opencl_c_version);
    cJSON_AddItemToArray(devs, j);
}

static void opencl_json(cJSON *hw, const struct cllm_opencl_info *cl)
{
    cJSON *j = cllm_w_obj(hw, &CLLM_F_HW_OPENCL), *plats;
    if (!j)
        return;
    cllm_w_str(j, &CLLM_F_HW_CL_STATUS, cllm_gpu_opencl_status_name(cl->status), NULL);
    cllm_w_str(j, &CLLM_F_DETAIL, cl->detail[0] ? cl->detail : "not queried", NULL);
    cllm_w_str(j, &CLLM_F_HW_CL_LIBRARY, cl->library[0] ? cl->library : NULL,
               cl->status == CLLM_OPENCL_NO_LOADER ? "no ICD loader found" : "no ICD loader opened");
    plats = cllm_w_arr(j, &CLLM_F_HW_CL_PLATFORMS);
    for (int i = 0; plats && i < cl->n_platforms && i < CLLM_OPENCL_MAX_PLATFORMS; i++) {
        const struct cllm_opencl_platform *pl = &cl->platforms[i];
        cJSON *p = cJSON_CreateObject(), *devs;
        if (!p)
            break;
        cl_str(p, cl, 'p', i, &CLLM_F_HW_CLP_NAME, pl->name);
        cl_str(p, cl, 'p', i, &CLLM_F_HW_CLP_VENDOR, pl->vendor);
        cl_str(p, cl, 'p', i, &CLLM_F_HW_CLP_VERSION, pl->version);
        devs = cllm_w_arr(p, &CLLM_F_HW_CLP_DEVICES);
        for (int k = pl->first_device; devs && k < pl->first_device + pl->n_devices && k < cl->n_devices; k++)
            opencl_device_json(devs, cl, k);
        cJSON_AddItemToArray(plats, p);
    }
    cllm_w_int(j, &CLLM_F_HW_CL_DEVICE_COUNT, cl->n_devices);
}

cJSON *cllm_report_hardware(const struct cllm_hw_info *hw)
{
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    os_json(j, &hw->os);
    cpu_json(j, &hw->cpu);
    ram_json(j, &hw->ram);
    gpu_json(j, &hw->gpu);
    opencl_json(j, &hw->opencl);
    return j;
}
