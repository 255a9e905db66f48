/* Shared checks for the hardware tests: the contract "a field is unknown exactly when it has a reason". */
#ifndef CLLM_TEST_HW_CHECK_H
#define CLLM_TEST_HW_CHECK_H

#include <math.h>
#include <stdbool.h>

#include "hw/hw.h"
#include "test.h"

/* Checks one field: known ⇔ no reason. */
#define CHECK_REASON_MATCHES(why, field, known)                                                          \
    do {                                                                                                 \
        const char *_r = cllm_reason_get((why), (field));                                                \
        if ((known) && _r) {                                                                             \
            fprintf(stderr, "%s:%d: %s is known but has reason \"%s\"\n", __FILE__, __LINE__, (field), _r); \
            t_checks_failed++;                                                                           \
        } else if (!(known) && !_r) {                                                                    \
            fprintf(stderr, "%s:%d: %s is unknown without a reason\n", __FILE__, __LINE__, (field));     \
            t_checks_failed++;                                                                           \
        }                                                                                                \
    } while (0)

static inline bool hw_cache_known(const struct cllm_cache_level *c)
{
    return c->size_bytes >= 0 && c->instances >= 0;
}

static inline void check_cpu_reasons(const struct cllm_cpu_info *c)
{
    bool isa = false;
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        if (c->isa[i] != CLLM_TRI_UNKNOWN)
            isa = true;
    CHECK_REASON_MATCHES(&c->why, "model", c->model[0] != '\0');
    CHECK_REASON_MATCHES(&c->why, "vendor", c->vendor[0] != '\0');
    CHECK_REASON_MATCHES(&c->why, "physical_cores", c->physical_cores >= 0);
    CHECK_REASON_MATCHES(&c->why, "logical_cores", c->logical_cores >= 0);
    CHECK_REASON_MATCHES(&c->why, "sockets", c->sockets >= 0);
    CHECK_REASON_MATCHES(&c->why, "numa_nodes", c->numa_nodes >= 0);
    CHECK_REASON_MATCHES(&c->why, "freq_base_mhz", !isnan(c->freq_base_mhz));
    CHECK_REASON_MATCHES(&c->why, "freq_max_mhz", !isnan(c->freq_max_mhz));
    CHECK_REASON_MATCHES(&c->why, "freq_min_mhz", !isnan(c->freq_min_mhz));
    CHECK_REASON_MATCHES(&c->why, "freq_current_mhz", !isnan(c->freq_current_mhz));
    CHECK_REASON_MATCHES(&c->why, "l1d", hw_cache_known(&c->l1d));
    CHECK_REASON_MATCHES(&c->why, "l1i", hw_cache_known(&c->l1i));
    CHECK_REASON_MATCHES(&c->why, "l2", hw_cache_known(&c->l2));
    CHECK_REASON_MATCHES(&c->why, "l3", hw_cache_known(&c->l3));
    CHECK_REASON_MATCHES(&c->why, "governor", c->governor[0] != '\0');
    CHECK_REASON_MATCHES(&c->why, "isa", isa);
    CHECK_REASON_MATCHES(&c->why, "topology_source", c->topology_source[0] != '\0');
}

static inline void check_ram_reasons(const struct cllm_ram_info *r)
{
    CHECK_REASON_MATCHES(&r->why, "total_bytes", r->total_bytes >= 0);
    CHECK_REASON_MATCHES(&r->why, "available_bytes", r->available_bytes >= 0);
    CHECK_REASON_MATCHES(&r->why, "swap_total_bytes", r->swap_total_bytes >= 0);
    CHECK_REASON_MATCHES(&r->why, "swap_free_bytes", r->swap_free_bytes >= 0);
    CHECK_REASON_MATCHES(&r->why, "speed_mts", r->speed_mts >= 0);
    CHECK_REASON_MATCHES(&r->why, "populated_slots", r->populated_slots >= 0);
    CHECK_REASON_MATCHES(&r->why, "type", r->type[0] != '\0');
}

static inline void check_os_reasons(const struct cllm_os_info *o)
{
    CHECK_REASON_MATCHES(&o->why, "system", o->system[0] != '\0');
    CHECK_REASON_MATCHES(&o->why, "release", o->release[0] != '\0');
    CHECK_REASON_MATCHES(&o->why, "version", o->version[0] != '\0');
    CHECK_REASON_MATCHES(&o->why, "machine", o->machine[0] != '\0');
    CHECK_REASON_MATCHES(&o->why, "hostname", o->hostname[0] != '\0');
    CHECK_REASON_MATCHES(&o->why, "kernel", o->kernel[0] != '\0');
    CHECK_REASON_MATCHES(&o->why, "distribution", o->distribution[0] != '\0');
}

/* The reason of `field` contains `part`. */
#define CHECK_REASON_HAS(why, field, part)                                                               \
    do {                                                                                                 \
        const char *_r = cllm_reason_get((why), (field));                                                \
        if (!_r || !strstr(_r, (part))) {                                                                \
            fprintf(stderr, "%s:%d: reason of %s is \"%s\", expected to contain \"%s\"\n", __FILE__, __LINE__, \
                    (field), _r ? _r : "(none)", (part));                                                \
            t_checks_failed++;                                                                           \
        }                                                                                                \
    } while (0)

#endif
