/* struct cllm_hw_info → JSON. Unknown values become null, with the reason under the section's "null_reasons". */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hw/hw.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

/* Adds null for `key` and null_reasons[key] = why. The reason is looked up under `key`, or under "freq_<key>"
 * for the frequency section (struct fields are freq_*_mhz). */
static void add_null(cJSON *obj, cJSON *reasons, const struct cllm_reasons *why, const char *key)
{
    const char *r = why ? cllm_reason_get(why, key) : NULL;
    if (!r && why) {
        char alt[64];
        snprintf(alt, sizeof(alt), "freq_%s", key);
        r = cllm_reason_get(why, alt);
    }
    cJSON_AddNullToObject(obj, key);
    cJSON_AddStringToObject(reasons, key, r ? r : "not reported by any source on this machine");
}

static void add_str(cJSON *obj, cJSON *reasons, const struct cllm_reasons *why, const char *key, const char *v)
{
    if (v && v[0])
        cJSON_AddStringToObject(obj, key, v);
    else
        add_null(obj, reasons, why, key);
}

static void add_int(cJSON *obj, cJSON *reasons, const struct cllm_reasons *why, const char *key, long long v)
{
    if (v >= 0)
        cJSON_AddNumberToObject(obj, key, (double)v);
    else
        add_null(obj, reasons, why, key);
}

static double round_to(double v, double step) { return round(v / step) * step; }

static void add_num(cJSON *obj, cJSON *reasons, const struct cllm_reasons *why, const char *key, double v,
                    double step)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(obj, key, step > 0 ? round_to(v, step) : v);
    else
        add_null(obj, reasons, why, key);
}

/* Bytes → GiB with 2 decimals, as the original's total_gb; -1 stays unknown. */
static void add_gib(cJSON *obj, cJSON *reasons, const struct cllm_reasons *why, const char *key, int64_t bytes)
{
    if (bytes >= 0)
        cJSON_AddNumberToObject(obj, key, round_to((double)bytes / GIB, 0.01));
    else
        add_null(obj, reasons, why, key);
}

/* Moves the reasons object to the end of obj, or drops it when empty. */
static void finish(cJSON *obj, cJSON *reasons)
{
    if (cJSON_GetArraySize(reasons) > 0)
        cJSON_AddItemToObject(obj, "null_reasons", reasons);
    else
        cJSON_Delete(reasons);
}

static cJSON *os_json(const struct cllm_os_info *o)
{
    cJSON *j = cJSON_CreateObject(), *r = cJSON_CreateObject();
    add_str(j, r, &o->why, "system", o->system);
    add_str(j, r, &o->why, "release", o->release);
    add_str(j, r, &o->why, "version", o->version);
    add_str(j, r, &o->why, "machine", o->machine);
    add_str(j, r, &o->why, "hostname", o->hostname);
    add_str(j, r, &o->why, "kernel", o->kernel);
    add_str(j, r, &o->why, "distribution", o->distribution);
    finish(j, r);
    return j;
}

static void add_cache(cJSON *caches, cJSON *r, const struct cllm_reasons *why, const char *name,
                      const struct cllm_cache_level *c)
{
    cJSON *e;
    if (c->size_bytes < 0) {
        add_null(caches, r, why, name);
        return;
    }
    e = cJSON_AddObjectToObject(caches, name);
    cJSON_AddNumberToObject(e, "size_bytes", (double)c->size_bytes);
    cJSON_AddNumberToObject(e, "size_kb", (double)c->size_bytes / 1024.0);
    if (c->instances >= 0)
        cJSON_AddNumberToObject(e, "instances", c->instances);
    else
        cJSON_AddNullToObject(e, "instances");
}

static cJSON *cpu_json(const struct cllm_cpu_info *c)
{
    cJSON *j = cJSON_CreateObject(), *r = cJSON_CreateObject(), *freq, *caches, *isa, *fr;
    add_str(j, r, &c->why, "model", c->model);
    add_str(j, r, &c->why, "vendor", c->vendor);
    add_int(j, r, &c->why, "physical_cores", c->physical_cores);
    add_int(j, r, &c->why, "logical_cores", c->logical_cores);
    add_int(j, r, &c->why, "sockets", c->sockets);
    add_int(j, r, &c->why, "numa_nodes", c->numa_nodes);

    /* frequency keeps its own reasons so the keys stay short */
    freq = cJSON_AddObjectToObject(j, "frequency");
    fr = cJSON_CreateObject();
    add_num(freq, fr, &c->why, "base_mhz", c->freq_base_mhz, 1);
    add_num(freq, fr, &c->why, "max_mhz", c->freq_max_mhz, 1);
    add_num(freq, fr, &c->why, "min_mhz", c->freq_min_mhz, 1);
    add_num(freq, fr, &c->why, "current_mhz", c->freq_current_mhz, 1);
    finish(freq, fr);

    caches = cJSON_AddObjectToObject(j, "caches");
    fr = cJSON_CreateObject();
    add_cache(caches, fr, &c->why, "l1d", &c->l1d);
    add_cache(caches, fr, &c->why, "l1i", &c->l1i);
    add_cache(caches, fr, &c->why, "l2", &c->l2);
    add_cache(caches, fr, &c->why, "l3", &c->l3);
    finish(caches, fr);

    add_str(j, r, &c->why, "governor", c->governor);

    isa = cJSON_AddObjectToObject(j, "isa");
    for (int i = 0; i < CLLM_ISA_COUNT; i++) {
        if (c->isa[i] == CLLM_TRI_UNKNOWN)
            cJSON_AddNullToObject(isa, cllm_isa_name((enum cllm_isa)i));
        else
            cJSON_AddBoolToObject(isa, cllm_isa_name((enum cllm_isa)i), c->isa[i] == CLLM_TRI_YES);
    }
    if (c->topology_source[0])
        cJSON_AddStringToObject(j, "topology_source", c->topology_source);
    finish(j, r);
    return j;
}

static cJSON *ram_json(const struct cllm_ram_info *m)
{
    cJSON *j = cJSON_CreateObject(), *r = cJSON_CreateObject();
    add_gib(j, r, &m->why, "total_gb", m->total_bytes);
    add_gib(j, r, &m->why, "available_gb", m->available_bytes);
    add_gib(j, r, &m->why, "swap_total_gb", m->swap_total_bytes);
    add_gib(j, r, &m->why, "swap_free_gb", m->swap_free_bytes);
    add_int(j, r, &m->why, "total_bytes", m->total_bytes);
    add_int(j, r, &m->why, "available_bytes", m->available_bytes);
    cJSON_AddBoolToObject(j, "unified_memory", m->unified_memory);
    add_int(j, r, &m->why, "speed_mts", m->speed_mts);
    add_int(j, r, &m->why, "populated_slots", m->populated_slots);
    add_str(j, r, &m->why, "type", m->type);
    finish(j, r);
    return j;
}

static cJSON *gpu_device_json(const struct cllm_gpu_device *d)
{
    cJSON *j = cJSON_CreateObject(), *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "index", d->index);
    add_str(j, r, &d->why, "vendor", d->vendor);
    add_str(j, r, &d->why, "name", d->name);
    add_num(j, r, &d->why, "vram_total_gb", d->vram_total_gb, 0.01);
    add_num(j, r, &d->why, "vram_free_gb", d->vram_free_gb, 0.01);
    add_str(j, r, &d->why, "driver_version", d->driver_version);
    cJSON_AddStringToObject(j, "backend", cllm_backend_name(d->backend));
    add_str(j, r, &d->why, "compute_capability", d->compute_capability);
    add_str(j, r, &d->why, "pci_bus_id", d->pci_bus_id);
    cJSON_AddBoolToObject(j, "integrated", d->integrated);
    add_str(j, r, &d->why, "source", d->source);
    {
        const char *b = cllm_reason_get(&d->why, "backend");
        if (b)
            cJSON_AddStringToObject(r, "backend", b);
    }
    finish(j, r);
    return j;
}

static cJSON *gpu_json(const struct cllm_gpu_info *g)
{
    cJSON *j = cJSON_CreateObject(), *devs, *notes;
    devs = cJSON_AddArrayToObject(j, "devices");
    for (int i = 0; i < g->n_devices; i++)
        cJSON_AddItemToArray(devs, gpu_device_json(&g->devices[i]));
    cJSON_AddNumberToObject(j, "count", g->n_devices);
    cJSON_AddStringToObject(j, "primary_backend", cllm_backend_name(g->primary_backend));
    notes = cJSON_AddArrayToObject(j, "sources");
    for (int i = 0; i < g->n_notes; i++) {
        cJSON *n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "source", g->notes[i].source);
        cJSON_AddStringToObject(n, "status", g->notes[i].status);
        cJSON_AddStringToObject(n, "detail", g->notes[i].detail);
        cJSON_AddItemToArray(notes, n);
    }
    return j;
}

cJSON *cllm_hw_to_json(const struct cllm_hw_info *hw)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "os", os_json(&hw->os));
    cJSON_AddItemToObject(j, "cpu", cpu_json(&hw->cpu));
    cJSON_AddItemToObject(j, "ram", ram_json(&hw->ram));
    cJSON_AddItemToObject(j, "gpu", gpu_json(&hw->gpu));
    return j;
}
