/* AMD GPU readings from the amdgpu driver's sysfs files: gpu_busy_percent, mem_info_vram_used, and the card's
 * hwmon (temp1_input or temp2_input in m°C, power1_average or power1_input in µW, freq1_input = sclk in Hz).
 * No library needed. */
#include "monitor/monitor_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#ifndef _WIN32
#include <dirent.h>
#endif

#include "gpu/gpu_vendors.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* dir/name into out when that file exists, else "" and a reason for the column. */
static void find_file(char *out, size_t outlen, const char *dir, const char *const *names, int gpu, const char *col,
                      struct cllm_reasons *why)
{
    char key[48];
    for (int i = 0; dir && dir[0] && names[i]; i++) {
        snprintf(out, outlen, "%.500s/%s", dir, names[i]);
        if (exists(out))
            return;
    }
    out[0] = '\0';
    snprintf(key, sizeof(key), "gpu%d_%s", gpu, col);
    if (!dir || !dir[0])
        cllm_reason_set(why, key, "amdgpu card has no hwmon folder");
    else
        cllm_reason_set(why, key, "no %s in %.150s", names[0], dir);
}

#ifndef _WIN32
/* The card's hwmon folder: device/hwmon/hwmonN (one per card). */
static bool hwmon_dir(const char *device_dir, char *out, size_t outlen)
{
    char dir[600];
    DIR *d;
    struct dirent *e;
    bool found = false;

    snprintf(dir, sizeof(dir), "%.500s/hwmon", device_dir);
    if (!(d = opendir(dir)))
        return false;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "hwmon", 5) == 0) {
            snprintf(out, outlen, "%.500s/%.40s", dir, e->d_name);
            found = true;
            break;
        }
    }
    closedir(d);
    return found;
}
#endif

void cllm_mon_amdgpu_open(struct cllm_mon_amdgpu *s, const char *root, struct cllm_sampler_info *info,
                          struct cllm_reasons *why)
{
#ifdef _WIN32
    (void)root; (void)why;
    memset(s, 0, sizeof(*s));
    s->first = info->n_gpus;
    cllm_mon_info_source(info, "amdgpu", "unavailable", "no amdgpu sysfs on Windows");
#else
    static const char *const busy[] = {"gpu_busy_percent", NULL};
    static const char *const vram[] = {"mem_info_vram_used", NULL};
    /* edge sensor; Instinct boards have only junction (temp2) and memory (temp3) */
    static const char *const temp[] = {"temp1_input", "temp2_input", NULL};
    static const char *const power[] = {"power1_average", "power1_input", NULL};
    static const char *const clock[] = {"freq1_input", NULL};
    struct cllm_hw_params hp = {root, false};
    struct cllm_drm_card cards[CLLM_MONITOR_MAX_GPUS];
    char err[300] = "";
    int nc;

    memset(s, 0, sizeof(*s));
    s->first = info->n_gpus;
    nc = cllm_gpu_drm_scan(&hp, CLLM_PCI_VENDOR_AMD, cards, CLLM_MONITOR_MAX_GPUS, err, sizeof(err));
    if (nc < 0) {
        cllm_mon_info_source(info, "amdgpu", "unavailable", "%s", err);
        return;
    }
    for (int i = 0; i < nc; i++) {
        struct cllm_mon_amdgpu_card *c = &s->card[s->n];
        char name[96], path[700], hw[600] = "";
        int idx;

        snprintf(path, sizeof(path), "%.500s/mem_info_vram_total", cards[i].device_dir);
        /* radeon or an unbound device has no amdgpu counters */
        if (cards[i].driver[0] ? strcmp(cards[i].driver, "amdgpu") != 0 : !exists(path))
            continue;
        snprintf(path, sizeof(path), "%.500s/product_name", cards[i].device_dir);
        if (cllm_gpu_read_text(path, name, sizeof(name)) <= 0)
            snprintf(name, sizeof(name), "AMD GPU 0x%04x", cards[i].device);
        idx = cllm_mon_info_add_gpu(info, name, "amdgpu", cards[i].bus_id);
        if (idx < 0)
            break;
        find_file(c->busy, sizeof(c->busy), cards[i].device_dir, busy, idx, "util_pct", why);
        find_file(c->vram, sizeof(c->vram), cards[i].device_dir, vram, idx, "vram_used_gb", why);
        hwmon_dir(cards[i].device_dir, hw, sizeof(hw));
        find_file(c->temp, sizeof(c->temp), hw, temp, idx, "temp_c", why);
        find_file(c->power, sizeof(c->power), hw, power, idx, "power_w", why);
        find_file(c->clock, sizeof(c->clock), hw, clock, idx, "sm_clock_mhz", why);
        s->n++;
    }
    if (s->n)
        cllm_mon_info_source(info, "amdgpu", "ok", "%d GPU(s) in %.150s", s->n, cards[0].device_dir);
    else
        cllm_mon_info_source(info, "amdgpu", "ok", "no amdgpu card");
#endif
}

/* One counter file into *out scaled by `scale`; a reason for the column when it cannot be read. */
static void read_scaled(const char *path, double scale, double *out, int gpu, const char *col,
                        struct cllm_reasons *why)
{
    unsigned long long v;
    int err = 0;
    char key[48];

    if (!path[0])
        return;   /* absent: the reason was set at open */
    if (cllm_mon_read_ull(path, &v, &err)) {
        *out = (double)v * scale;
        return;
    }
    snprintf(key, sizeof(key), "gpu%d_%s", gpu, col);
    cllm_reason_set(why, key, "%.150s: %s", path, strerror(err));
}

void cllm_mon_amdgpu_sample(struct cllm_mon_amdgpu *s, struct cllm_sample *out, struct cllm_reasons *why)
{
    for (int k = 0; k < s->n; k++) {
        const struct cllm_mon_amdgpu_card *c = &s->card[k];
        struct cllm_gpu_sample *g = &out->gpu[s->first + k];
        int idx = s->first + k;

        read_scaled(c->busy, 1.0, &g->util_pct, idx, "util_pct", why);
        read_scaled(c->vram, 1.0 / GIB, &g->vram_used_gb, idx, "vram_used_gb", why);
        read_scaled(c->temp, 1e-3, &g->temp_c, idx, "temp_c", why);
        read_scaled(c->power, 1e-6, &g->power_w, idx, "power_w", why);
        read_scaled(c->clock, 1e-6, &g->sm_clock_mhz, idx, "sm_clock_mhz", why);
    }
}
