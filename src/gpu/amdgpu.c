/* AMD GPUs through the amdgpu kernel driver's sysfs files and the KFD (ROCm kernel) topology: no library needed,
 * so the list is right even where ROCm is not installed. Readings: gpu_busy_percent, mem_info_vram_used and the
 * card's hwmon (temp1_input or temp2_input in m°C, power1_average or power1_input in µW, freq1_input = sclk in Hz,
 * energy1_input in µJ where the SMU counts it).
 * Reads p->root, so tests feed captured trees. */
#include "gpu/gpu_vendors.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <dirent.h>
#endif

#define GIB (1024.0 * 1024.0 * 1024.0)

/* Below this much dedicated memory the "VRAM" is a BIOS carve-out of system RAM (APUs default to 512 MiB; the
 * smallest discrete amdgpu boards have 2 GiB or more). */
#define AMD_APU_VRAM_BYTES (1ull << 30)

/* Fallback names and ISAs when the board has no product_name and libdrm's amdgpu.ids does not know the id.
 * revision 0xffff matches any revision. */
static const struct {
    unsigned    device, revision;
    const char *name;
    const char *gfx;
} g_amd_ids[] = {
    {0x74a1, 0xffff, "AMD Instinct MI300X", "gfx942"},
    {0x74a0, 0xffff, "AMD Instinct MI300A", "gfx942"},
    {0x74a5, 0xffff, "AMD Instinct MI325X", "gfx942"},
    {0x75a0, 0xffff, "AMD Instinct MI350X", "gfx950"},
    {0x75a3, 0xffff, "AMD Instinct MI355X", "gfx950"},
    {0x740c, 0xffff, "AMD Instinct MI250X / MI250", "gfx90a"},
    {0x740f, 0xffff, "AMD Instinct MI210", "gfx90a"},
    {0x738c, 0xffff, "AMD Instinct MI100", "gfx908"},
    {0x744c, 0xc8, "AMD Radeon RX 7900 XTX", "gfx1100"},
    {0x744c, 0xcc, "AMD Radeon RX 7900 XT", "gfx1100"},
    {0x744c, 0xce, "AMD Radeon RX 7900 GRE", "gfx1100"},
    {0x744c, 0xffff, "AMD Radeon RX 7900 series", "gfx1100"},
    {0x7448, 0xffff, "AMD Radeon Pro W7900", "gfx1100"},
    {0x747e, 0xc8, "AMD Radeon RX 7800 XT", "gfx1101"},
    {0x747e, 0xff, "AMD Radeon RX 7700 XT", "gfx1101"},
    {0x7480, 0xcf, "AMD Radeon RX 7600", "gfx1102"},
    {0x7480, 0xc0, "AMD Radeon RX 7600 XT", "gfx1102"},
    {0x7550, 0xc0, "AMD Radeon RX 9070 XT", "gfx1201"},
    {0x7550, 0xc3, "AMD Radeon RX 9070", "gfx1201"},
    {0x73bf, 0xffff, "AMD Radeon RX 6800 / 6900 series", "gfx1030"},
    {0x73df, 0xffff, "AMD Radeon RX 6700 series", "gfx1031"},
    {0x15bf, 0xffff, "AMD Radeon 780M / 760M Graphics", "gfx1103"},
    {0x1681, 0xffff, "AMD Radeon 680M / 660M Graphics", "gfx1035"},
    {0x164e, 0xffff, "AMD Radeon Graphics (Raphael)", "gfx1036"},
};

static int amd_table_find(unsigned device, unsigned revision)
{
    int any = -1;
    for (size_t i = 0; i < sizeof(g_amd_ids) / sizeof(g_amd_ids[0]); i++) {
        if (g_amd_ids[i].device != device)
            continue;
        if (g_amd_ids[i].revision == revision)
            return (int)i;
        if (g_amd_ids[i].revision == 0xffff && any < 0)
            any = (int)i;
    }
    return any;
}

/* libdrm's amdgpu.ids ("744C,\tC8,\tAMD Radeon RX 7900 XTX"): the names Mesa and amdgpu_top show.
 * An exact (device, revision) match wins; else the device's first line. */
static bool amd_ids_file_name(const struct cllm_gpu_params *p, unsigned device, unsigned revision, char *out,
                              size_t outlen, bool *exact)
{
    char path[512], line[256];
    bool found_any = false;
    FILE *f;

    *exact = false;
    if (!cllm_gpu_root_path(p, path, sizeof(path), "/usr/share/libdrm/amdgpu.ids") || !(f = fopen(path, "r")))
        return false;
    while (fgets(line, sizeof(line), f)) {
        unsigned dev, rev;
        char *name, *nl;
        if (line[0] == '#' || sscanf(line, "%x , %x ,", &dev, &rev) != 2 || dev != device)
            continue;
        name = strchr(line, ',');
        name = name ? strchr(name + 1, ',') : NULL;
        if (!name)
            continue;
        name++;
        while (isspace((unsigned char)*name))
            name++;
        if ((nl = strpbrk(name, "\r\n")))
            *nl = '\0';
        if (!name[0])
            continue;
        if (rev == revision) {
            cllm_gpu_copy(out, outlen, name);
            found_any = true;
            *exact = true;
            break;
        }
        if (!found_any) {
            cllm_gpu_copy(out, outlen, name);
            found_any = true;
        }
    }
    fclose(f);
    return found_any;
}

/* KFD gfx_target_version is major*10000 + minor*100 + stepping; the ISA name prints the stepping in hex
 * (90402 → gfx942, 90010 → gfx90a, 110000 → gfx1100). */
static bool gfx_name(unsigned long v, char *out, size_t outlen)
{
    unsigned major = (unsigned)(v / 10000), minor = (unsigned)(v / 100 % 100), step = (unsigned)(v % 100);
    if (major == 0 || minor > 15 || step > 15)
        return false;
    snprintf(out, outlen, "gfx%u%x%x", major, minor, step);
    return true;
}

struct kfd_node {
    bool          found;
    unsigned long gfx_target_version;   /* 0: absent */
    long          cpu_cores_count;      /* > 0 together with SIMDs: an APU's combined node */
};

#ifndef _WIN32
static long props_long(const char *props, const char *key, long dflt)
{
    char v[64];
    return cllm_gpu_kv_get(props, key, ' ', v, sizeof(v)) ? strtol(v, NULL, 10) : dflt;
}
#endif

/* The KFD topology node of a card: by its render minor, else by PCI location (bus << 8 | dev << 3 | fn). */
static struct kfd_node kfd_find(const struct cllm_gpu_params *p, const struct cllm_drm_card *c)
{
    struct kfd_node r = {false, 0, 0};
#ifndef _WIN32
    char dir[512], path[800], props[4096];
    unsigned dom = 0, bus = 0, dev = 0, fn = 0;
    bool have_loc = c->bus_id[0] && sscanf(c->bus_id, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4;
    DIR *d;
    struct dirent *e;

    if (!cllm_gpu_root_path(p, dir, sizeof(dir), "/sys/class/kfd/kfd/topology/nodes") || !(d = opendir(dir)))
        return r;
    while ((e = readdir(d))) {
        long minor, loc, domain;
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof(path), "%s/%s/properties", dir, e->d_name);
        if (cllm_gpu_read_text(path, props, sizeof(props)) <= 0)
            continue;
        if (props_long(props, "simd_count", 0) <= 0)
            continue;   /* a CPU-only node */
        minor = props_long(props, "drm_render_minor", -1);
        loc = props_long(props, "location_id", -1);
        domain = props_long(props, "domain", 0);
        if ((c->render_minor >= 0 && minor == c->render_minor) ||
            (c->render_minor < 0 && have_loc && loc == (long)((bus << 8) | (dev << 3) | fn) && domain == (long)dom)) {
            r.found = true;
            r.gfx_target_version = (unsigned long)props_long(props, "gfx_target_version", 0);
            r.cpu_cores_count = props_long(props, "cpu_cores_count", 0);
            break;
        }
    }
    closedir(d);
#else
    (void)p; (void)c;
#endif
    return r;
}

/* In-tree amdgpu has no module version; the DKMS driver that ROCm ships sets one. */
static void amd_driver_version(const struct cllm_gpu_params *p, struct cllm_gpu_device *d)
{
    char path[512], v[64];
    if (cllm_gpu_root_path(p, path, sizeof(path), "/sys/module/amdgpu/version") &&
        cllm_gpu_read_text(path, v, sizeof(v)) > 0) {
        cllm_gpu_copy(d->driver_version, sizeof(d->driver_version), v);
        return;
    }
    if (cllm_gpu_root_path(p, path, sizeof(path), "/proc/sys/kernel/osrelease") &&
        cllm_gpu_read_text(path, v, sizeof(v)) > 0) {
        snprintf(d->driver_version, sizeof(d->driver_version), "amdgpu (kernel %.40s)", v);
        return;
    }
    cllm_reason_set(&d->why, "driver_version", "no /sys/module/amdgpu/version and kernel release unreadable");
}

/* ------------------------------------------------------------------------------------------------------------ */
/* the vendor                                                                                                   */

/* One amdgpu card: its DRM entry and the files its readings come from ("" when the card has none). */
struct amd_card {
    struct cllm_drm_card drm;
    char hwmon[600];      /* device/hwmon/hwmonN */
    char busy[700];       /* gpu_busy_percent */
    char vram[700];       /* mem_info_vram_used, bytes */
    char temp[700];       /* hwmon temp1_input (edge) or temp2_input (junction), m°C */
    char power[700];      /* hwmon power1_average or power1_input, microwatts */
    char clock[700];      /* hwmon freq1_input (sclk), Hz */
    char energy[700];     /* hwmon energy1_input, microjoules accumulated (boards whose SMU reports it) */
};

struct amd_ctx {
    struct cllm_gpu_params p;
    int n;
    struct amd_card card[CLLM_GPU_MAX];
};

/* The files each reading may come from, first found wins. */
static const char *const g_busy[] = {"gpu_busy_percent", NULL};
static const char *const g_vram[] = {"mem_info_vram_used", NULL};
static const char *const g_temp[] = {"temp1_input", "temp2_input", NULL};   /* Instinct boards: junction only */
static const char *const g_power[] = {"power1_average", "power1_input", NULL};
static const char *const g_clock[] = {"freq1_input", NULL};
static const char *const g_energy[] = {"energy1_input", NULL};

static enum cllm_status amdgpu_init(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    char path[512];
    struct amd_ctx *c;

    *ctx = NULL;
    if (!cllm_gpu_root_path(p, path, sizeof(path), "/sys/class/drm") || !cllm_gpu_path_exists(path)) {
        snprintf(err, errlen, "%s not found: no DRM (kernel GPU) driver loaded", path);
        return CLLM_ERR_NOT_FOUND;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    if (p)
        c->p = *p;
    else
        c->p.live = true;
    *ctx = c;
    return CLLM_OK;
}

static void amdgpu_shutdown(void *ctx) { free(ctx); }

/* dir/name into out for the first name that exists there, else "". */
static void find_file(char *out, size_t outlen, const char *dir, const char *const *names)
{
    for (int i = 0; dir[0] && names[i]; i++) {
        snprintf(out, outlen, "%.500s/%s", dir, names[i]);
        if (cllm_gpu_path_exists(out))
            return;
    }
    out[0] = '\0';
}

/* The card's hwmon folder: device/hwmon/hwmonN (one per card); "" when it has none. */
static void hwmon_dir(const char *device_dir, char *out, size_t outlen)
{
    out[0] = '\0';
#ifndef _WIN32
    {
        char dir[600];
        DIR *d;
        struct dirent *e;

        snprintf(dir, sizeof(dir), "%.500s/hwmon", device_dir);
        if (!(d = opendir(dir)))
            return;
        while ((e = readdir(d))) {
            if (strncmp(e->d_name, "hwmon", 5) == 0) {
                snprintf(out, outlen, "%.500s/%.40s", dir, e->d_name);
                break;
            }
        }
        closedir(d);
    }
#else
    (void)device_dir;
    (void)outlen;
#endif
}

static int amdgpu_devices(void *ctx, int max, char *err, size_t errlen)
{
    struct amd_ctx *c = ctx;
    struct cllm_drm_card cards[CLLM_GPU_MAX];
    int nc = cllm_gpu_drm_scan(&c->p, CLLM_PCI_VENDOR_AMD, cards, CLLM_GPU_MAX, err, errlen);

    c->n = 0;
    if (nc < 0)
        return -1;
    for (int i = 0; i < nc && c->n < max && c->n < CLLM_GPU_MAX; i++) {
        struct amd_card *a = &c->card[c->n];
        char path[700];
        uint64_t total;

        snprintf(path, sizeof(path), "%s/mem_info_vram_total", cards[i].device_dir);
        /* radeon (pre-GCN boards) or an unbound device: the PCI vendor reports those with the reason */
        if (cards[i].driver[0] ? strcmp(cards[i].driver, "amdgpu") != 0 : !cllm_gpu_read_u64(path, &total))
            continue;
        memset(a, 0, sizeof(*a));
        a->drm = cards[i];
        hwmon_dir(a->drm.device_dir, a->hwmon, sizeof(a->hwmon));
        find_file(a->busy, sizeof(a->busy), a->drm.device_dir, g_busy);
        find_file(a->vram, sizeof(a->vram), a->drm.device_dir, g_vram);
        find_file(a->temp, sizeof(a->temp), a->hwmon, g_temp);
        find_file(a->power, sizeof(a->power), a->hwmon, g_power);
        find_file(a->clock, sizeof(a->clock), a->hwmon, g_clock);
        find_file(a->energy, sizeof(a->energy), a->hwmon, g_energy);
        c->n++;
    }
    return c->n;
}

static void amdgpu_static_info(void *ctx, int k, struct cllm_gpu_device *d)
{
    struct amd_ctx *c = ctx;
    const struct cllm_gpu_params *p = &c->p;
    const struct cllm_drm_card *card = &c->card[k].drm;
    char path[700], text[256];
    uint64_t total = 0, used = 0;
    bool have_total;
    struct kfd_node node;
    int row;

    cllm_gpu_device_init(d);
    snprintf(d->vendor, sizeof(d->vendor), "AMD");
    snprintf(d->source, sizeof(d->source), "amdgpu");
    cllm_gpu_copy(d->pci_bus_id, sizeof(d->pci_bus_id), card->bus_id);
    if (!card->bus_id[0])
        cllm_reason_set(&d->why, "pci_bus_id", "no PCI_SLOT_NAME in %s/uevent", card->device_dir);
    row = amd_table_find(card->device, card->revision);

    snprintf(path, sizeof(path), "%s/product_name", card->device_dir);
    if (cllm_gpu_read_text(path, text, sizeof(text)) > 0) {
        cllm_gpu_copy(d->name, sizeof(d->name), text);   /* from the board's FRU EEPROM (server boards) */
    } else {
        /* exact (device, revision) entries first, from amdgpu.ids then ours; a device-only match last */
        bool exact = false, in_ids = amd_ids_file_name(p, card->device, card->revision, text, sizeof(text), &exact);
        bool row_exact = row >= 0 && g_amd_ids[row].revision == card->revision;
        if (in_ids && (exact || !row_exact))
            cllm_gpu_copy(d->name, sizeof(d->name), text);
        else if (row >= 0)
            cllm_gpu_copy(d->name, sizeof(d->name), g_amd_ids[row].name);
        else {
            snprintf(d->name, sizeof(d->name), "AMD GPU 0x%04x", card->device);
            cllm_reason_set(&d->why, "name", "device id 0x%04x (revision 0x%02x) in neither amdgpu.ids nor our "
                            "table", card->device, card->revision);
        }
    }

    snprintf(path, sizeof(path), "%s/mem_info_vram_total", card->device_dir);
    have_total = cllm_gpu_read_u64(path, &total);
    if (have_total) {
        d->vram_total_gb = cllm_gpu_bytes_to_gb(total);
        snprintf(path, sizeof(path), "%s/mem_info_vram_used", card->device_dir);
        if (cllm_gpu_read_u64(path, &used) && used <= total)
            d->vram_free_gb = cllm_gpu_bytes_to_gb(total - used);
        else
            cllm_reason_set(&d->why, "vram_free_gb", "%s unreadable", path);
    } else {
        cllm_reason_set(&d->why, "vram_total_gb", "no mem_info_vram_total in %s", card->device_dir);
        cllm_reason_set(&d->why, "vram_free_gb", "no mem_info_vram_used in %s", card->device_dir);
    }

    node = kfd_find(p, card);
    if (node.found && node.gfx_target_version &&
        gfx_name(node.gfx_target_version, d->compute_capability, sizeof(d->compute_capability))) {
        /* from KFD: exact for this board */
    } else if (row >= 0) {
        cllm_gpu_copy(d->compute_capability, sizeof(d->compute_capability), g_amd_ids[row].gfx);
    } else {
        cllm_reason_set(&d->why, "compute_capability",
                        node.found ? "KFD node has no gfx_target_version"
                                   : "no KFD topology node for this card (amdgpu without KFD)");
    }

    /* An APU's GPU shares the CPU's memory: a small carve-out, or one KFD node holding both CPU cores and
     * SIMDs (how CRAT describes APUs) */
    d->integrated = (have_total && total < AMD_APU_VRAM_BYTES) || (node.found && node.cpu_cores_count > 0);

    amd_driver_version(p, d);
}

/* One counter file into *out scaled by `scale`; a reason for the column when it is absent or unreadable. */
static void read_scaled(const char *path, const char *dir, const char *const *names, double scale, double *out,
                        int index, const char *col, struct cllm_reasons *why)
{
    char key[48], buf[64], *end;
    unsigned long long v;

    snprintf(key, sizeof(key), "gpu%d_%s", index, col);
    if (!path[0]) {
        if (!dir[0])
            cllm_reason_set(why, key, "amdgpu card has no hwmon folder");
        else
            cllm_reason_set(why, key, "no %s in %.150s", names[0], dir);
        return;
    }
    errno = 0;
    if (cllm_gpu_read_text(path, buf, sizeof(buf)) < 0) {
        cllm_reason_set(why, key, "%.150s: %s", path, strerror(errno ? errno : EIO));
        return;
    }
    if (!isdigit((unsigned char)buf[0])) {
        cllm_reason_set(why, key, "%.150s: %s", path, strerror(EINVAL));
        return;
    }
    errno = 0;
    v = strtoull(buf, &end, 10);
    if (errno) {
        cllm_reason_set(why, key, "%.150s: %s", path, strerror(errno));
        return;
    }
    *out = (double)v * scale;
}

static void amdgpu_sample(void *ctx, int k, int index, struct cllm_gpu_sample *g, struct cllm_reasons *why)
{
    const struct amd_card *a = &((struct amd_ctx *)ctx)->card[k];

    read_scaled(a->busy, a->drm.device_dir, g_busy, 1.0, &g->util_pct, index, "util_pct", why);
    read_scaled(a->vram, a->drm.device_dir, g_vram, 1.0 / GIB, &g->vram_used_gb, index, "vram_used_gb", why);
    read_scaled(a->temp, a->hwmon, g_temp, 1e-3, &g->temp_c, index, "temp_c", why);
    read_scaled(a->power, a->hwmon, g_power, 1e-6, &g->power_w, index, "power_w", why);
    read_scaled(a->clock, a->hwmon, g_clock, 1e-6, &g->sm_clock_mhz, index, "sm_clock_mhz", why);
    read_scaled(a->energy, a->hwmon, g_energy, 1e-6, &g->energy_j, index, "energy_j", why);
}

const struct cllm_gpu_vendor cllm_gpu_vendor_amdgpu = {
    .name = "amdgpu",
    .init = amdgpu_init,
    .devices = amdgpu_devices,
    .static_info = amdgpu_static_info,
    .sample = amdgpu_sample,
    .shutdown = amdgpu_shutdown,
};
