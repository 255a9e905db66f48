/* Fake GPU vendors for tests: each FAKE_VENDOR(id) is a vendor table (listing only, no readings) whose answers come
 * from id_cfg, so a test swaps tables instead of libraries. Also a tiny tree builder for root-relative sysfs files. */
#ifndef CLLM_GPU_FAKE_H
#define CLLM_GPU_FAKE_H

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "platform/fs.h"
#include "gpu/gpu_vendors.h"
#include "test.h"

struct fake_cfg {
    enum cllm_status init_status;
    const char      *init_msg;      /* written to err by init */
    int              n;             /* devices returned; -1: get_devices fails */
    const char      *get_err;
    struct cllm_gpu_device dev[CLLM_GPU_MAX];
    int              inits, shutdowns;
};

#define FAKE_VENDOR(id)                                                                                        \
    static struct fake_cfg id##_cfg;                                                                           \
    static enum cllm_status id##_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)  \
    {                                                                                                          \
        (void)p;                                                                                               \
        id##_cfg.inits++;                                                                                      \
        *ctx = &id##_cfg;                                                                                      \
        snprintf(err, errlen, "%s", id##_cfg.init_msg ? id##_cfg.init_msg : "");                              \
        return id##_cfg.init_status;                                                                           \
    }                                                                                                          \
    static int id##_devices(void *ctx, int max, char *err, size_t errlen)                                      \
    {                                                                                                          \
        const struct fake_cfg *c = ctx;                                                                        \
        if (c->n < 0) {                                                                                        \
            snprintf(err, errlen, "%s", c->get_err ? c->get_err : "");                                        \
            return -1;                                                                                         \
        }                                                                                                      \
        return c->n < max ? c->n : max;                                                                        \
    }                                                                                                          \
    static void id##_info(void *ctx, int k, struct cllm_gpu_device *out)                                       \
    {                                                                                                          \
        *out = ((const struct fake_cfg *)ctx)->dev[k];                                                         \
    }                                                                                                          \
    static void id##_shutdown(void *ctx) { ((struct fake_cfg *)ctx)->shutdowns++; }                            \
    static const struct cllm_gpu_vendor id = {#id, id##_init, id##_devices, id##_info, NULL, id##_shutdown}

static inline void fake_reset(struct fake_cfg *c)
{
    memset(c, 0, sizeof(*c));
    c->init_status = CLLM_OK;
}

/* Appends a device as a detector would report it; vram NAN leaves it unknown, bus NULL leaves it unknown. */
static inline struct cllm_gpu_device *fake_add(struct fake_cfg *c, const char *source, const char *vendor,
                                               const char *name, const char *bus, double vram_gb)
{
    struct cllm_gpu_device *d = &c->dev[c->n++];
    cllm_gpu_device_init(d);
    snprintf(d->source, sizeof(d->source), "%s", source);
    snprintf(d->vendor, sizeof(d->vendor), "%s", vendor);
    snprintf(d->name, sizeof(d->name), "%s", name);
    if (bus)
        snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "%s", bus);
    else
        cllm_reason_set(&d->why, "pci_bus_id", "fake: no bus id");
    d->vram_total_gb = vram_gb;
    if (isnan(vram_gb))
        cllm_reason_set(&d->why, "vram_total_gb", "fake: unknown");
    return d;
}

/* ---- building small trees under a temporary root (test_mkdtemp, removed with test_rmtree) ---- */

/* Writes root/rel with text, creating the directories on the way. */
static inline void tree_write(const char *root, const char *rel, const char *text)
{
    char path[1024], dir[1024], err[256];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    snprintf(dir, sizeof(dir), "%s", path);
    *strrchr(dir, '/') = '\0';
    if (cllm_fs_mkdir_p(dir, err, sizeof(err)) != CLLM_OK)
        fprintf(stderr, "%s\n", err);
    f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static inline const struct cllm_gpu_source_note *note_of(const struct cllm_gpu_info *g, const char *source)
{
    for (int i = 0; i < g->n_notes; i++)
        if (strcmp(g->notes[i].source, source) == 0)
            return &g->notes[i];
    return NULL;
}

#endif
