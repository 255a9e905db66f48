/* GPU detection and sampling: runs each vendor of this platform (nvtop's vendor loop), merges what they saw into
 * one list, picks per device the best llama.cpp backend this machine can run, and keeps the vendors open for
 * readings where asked. */
#include "gpu/gpu_vendors.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef _WIN32
#define strcasecmp  _stricmp
#define strncasecmp _strnicmp
#else
#include <dirent.h>
#include <strings.h>
#include <unistd.h>
#endif

#include "core/log.h"
#include "platform/dl.h"

/* ------------------------------------------------------------------------------------------------------------ */
/* names and small helpers                                                                                      */

const char *cllm_gpu_backend_name(enum cllm_gpu_backend b)
{
    static const char *const names[CLLM_BACKEND_COUNT] = {
        [CLLM_BACKEND_NONE]   = "none",
        [CLLM_BACKEND_CUDA]   = "cuda",
        [CLLM_BACKEND_ROCM]   = "rocm",
        [CLLM_BACKEND_SYCL]   = "sycl",
        [CLLM_BACKEND_METAL]  = "metal",
        [CLLM_BACKEND_VULKAN] = "vulkan",
    };
    if ((unsigned)b >= CLLM_BACKEND_COUNT)
        return "unknown";
    return names[b];
}

void cllm_gpu_device_init(struct cllm_gpu_device *d)
{
    memset(d, 0, sizeof(*d));
    d->index = -1;
    d->vram_total_gb = NAN;
    d->vram_free_gb = NAN;
    d->backend = CLLM_BACKEND_NONE;
    d->integrated = false;
}

void cllm_gpu_sample_clear(struct cllm_gpu_sample *s)
{
    s->util_pct = s->vram_used_gb = s->temp_c = s->power_w = s->sm_clock_mhz = s->energy_j = NAN;
    s->throttle_reasons = 0;
    s->throttle_known = false;
}

const char *cllm_gpu_vendor_label(unsigned pci_vendor)
{
    switch (pci_vendor) {
    case CLLM_PCI_VENDOR_NVIDIA: return "NVIDIA";
    case CLLM_PCI_VENDOR_AMD:    return "AMD";
    case CLLM_PCI_VENDOR_INTEL:  return "Intel";
    case CLLM_PCI_VENDOR_APPLE:  return "Apple";
    default:                     return NULL;
    }
}

void cllm_gpu_copy(char *dst, size_t dstlen, const char *src)
{
    size_t n;
    if (!dstlen)
        return;
    n = src ? strlen(src) : 0;
    if (n >= dstlen)
        n = dstlen - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

double cllm_gpu_bytes_to_gb(uint64_t bytes) { return (double)bytes / (1024.0 * 1024.0 * 1024.0); }

/* ------------------------------------------------------------------------------------------------------------ */
/* shared sysfs helpers                                                                                         */

/* One hex field of a bus id: 1..max_digits hex digits (no "0x", no sign), then `sep`. */
static const char *hex_field(const char *s, int max_digits, char sep, unsigned *out)
{
    unsigned v = 0;
    int n = 0;
    while (isxdigit((unsigned char)s[n]) && n < max_digits) {
        v = v * 16 + (unsigned)(isdigit((unsigned char)s[n]) ? s[n] - '0' : tolower((unsigned char)s[n]) - 'a' + 10);
        n++;
    }
    if (n == 0 || s[n] != sep)
        return NULL;
    *out = v;
    return s + n + 1;
}

bool cllm_gpu_normalize_bus_id(const char *in, char *out, size_t outlen)
{
    unsigned dom, bus, dev, fn;
    const char *s = in;

    if (outlen)
        out[0] = '\0';
    if (!s)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    /* domain:bus:device.function; NVML writes an 8-digit domain */
    if (!(s = hex_field(s, 8, ':', &dom)) || !(s = hex_field(s, 2, ':', &bus)) || !(s = hex_field(s, 2, '.', &dev)))
        return false;
    if (*s < '0' || *s > '7')
        return false;
    fn = (unsigned)(*s++ - '0');
    while (isspace((unsigned char)*s))
        s++;
    if (*s || dev > 0x1f)
        return false;
    snprintf(out, outlen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
    return true;
}

static bool root_is_live(const char *root) { return !root || root[0] == '\0' || strcmp(root, "/") == 0; }

bool cllm_gpu_may_ask_os(const struct cllm_gpu_params *p)
{
    return !p || (p->live && root_is_live(p->root));
}

bool cllm_gpu_root_path(const struct cllm_gpu_params *p, char *out, size_t outlen, const char *path)
{
    const char *root = p ? p->root : NULL;
    int n;

    if (root_is_live(root))
        n = snprintf(out, outlen, "%s", path);
    else
        n = snprintf(out, outlen, "%s%s%s", root, (path[0] == '/' || root[strlen(root) - 1] == '/') ? "" : "/",
                     path);
    return n >= 0 && (size_t)n < outlen;
}

int cllm_gpu_read_text(const char *path, char *buf, size_t buflen)
{
    FILE *f;
    size_t n, start = 0;

    if (buflen == 0) {
        errno = EINVAL;
        return -1;
    }
    buf[0] = '\0';
    f = fopen(path, "rb");
    if (!f)
        return -1;
    n = fread(buf, 1, buflen - 1, f);
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        errno = e ? e : EIO;
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    /* sysfs values end in a newline */
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    while (start < n && isspace((unsigned char)buf[start]))
        start++;
    if (start > 0) {
        memmove(buf, buf + start, n - start + 1);
        n -= start;
    }
    return (int)n;
}

bool cllm_gpu_read_u64(const char *path, uint64_t *out)
{
    char buf[64], *end;
    unsigned long long v;

    if (cllm_gpu_read_text(path, buf, sizeof(buf)) <= 0)
        return false;
    errno = 0;
    v = strtoull(buf, &end, 0);
    if (errno || end == buf || *end != '\0')
        return false;
    *out = (uint64_t)v;
    return true;
}

bool cllm_gpu_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

bool cllm_gpu_kv_get(const char *buf, const char *key, char sep, char *out, size_t outlen)
{
    size_t kl = strlen(key);
    const char *line = buf;

    while (line && *line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > kl && strncmp(line, key, kl) == 0 && line[kl] == sep) {
            const char *v = line + kl + 1;
            size_t vl = len - kl - 1;
            while (vl > 0 && isspace((unsigned char)*v)) {
                v++;
                vl--;
            }
            while (vl > 0 && isspace((unsigned char)v[vl - 1]))
                vl--;
            snprintf(out, outlen, "%.*s", (int)vl, v);
            return true;
        }
        line = eol ? eol + 1 : NULL;
    }
    return false;
}

#ifndef _WIN32
static const char *path_base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Basename of a symlink's target (the bound driver, the PCI slot); false when it is not a link. */
static bool link_base(const char *path, char *out, size_t outlen)
{
    char target[512];
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n <= 0)
        return false;
    target[n] = '\0';
    cllm_gpu_copy(out, outlen, path_base(target));
    return true;
}

static int card_cmp(const void *a, const void *b)
{
    const struct cllm_drm_card *x = a, *y = b;
    return (x->card > y->card) - (x->card < y->card);
}
#endif

int cllm_gpu_drm_scan(const struct cllm_gpu_params *p, unsigned pci_vendor, struct cllm_drm_card *out, int max,
                      char *err, size_t errlen)
{
#ifdef _WIN32
    (void)p; (void)pci_vendor; (void)out; (void)max;
    snprintf(err, errlen, "no DRM sysfs on Windows");
    return -1;
#else
    char drm[512], path[700], text[2048];
    DIR *dir;
    struct dirent *e;
    int n = 0;

    if (!cllm_gpu_root_path(p, drm, sizeof(drm), "/sys/class/drm") || !(dir = opendir(drm))) {
        snprintf(err, errlen, "%s: %s", drm, strerror(errno ? errno : ENAMETOOLONG));
        return -1;
    }
    while ((e = readdir(dir)) && n < max) {
        struct cllm_drm_card *c = &out[n];
        uint64_t v;
        char *end;
        long num;

        /* only "cardN": "card0-DP-1" is a connector, "renderD128" a render node of the same device */
        if (strncmp(e->d_name, "card", 4) != 0 || !isdigit((unsigned char)e->d_name[4]))
            continue;
        num = strtol(e->d_name + 4, &end, 10);
        if (*end != '\0')
            continue;
        memset(c, 0, sizeof(*c));
        c->card = (int)num;
        c->render_minor = -1;
        snprintf(c->device_dir, sizeof(c->device_dir), "%.440s/%.60s/device", drm, e->d_name);

        /* a DRM device that is not on PCI (simple-framebuffer, vkms, SoC GPUs) has no vendor file */
        snprintf(path, sizeof(path), "%s/vendor", c->device_dir);
        if (!cllm_gpu_read_u64(path, &v))
            continue;
        c->vendor = (unsigned)v;
        if (pci_vendor && c->vendor != pci_vendor)
            continue;
        snprintf(path, sizeof(path), "%s/device", c->device_dir);
        if (cllm_gpu_read_u64(path, &v))
            c->device = (unsigned)v;
        snprintf(path, sizeof(path), "%s/revision", c->device_dir);
        if (cllm_gpu_read_u64(path, &v))
            c->revision = (unsigned)v;

        /* uevent holds both the driver and the slot; captured trees keep it where symlinks became dirs */
        snprintf(path, sizeof(path), "%s/uevent", c->device_dir);
        if (cllm_gpu_read_text(path, text, sizeof(text)) > 0) {
            char slot[64];
            cllm_gpu_kv_get(text, "DRIVER", '=', c->driver, sizeof(c->driver));
            if (cllm_gpu_kv_get(text, "PCI_SLOT_NAME", '=', slot, sizeof(slot)))
                cllm_gpu_normalize_bus_id(slot, c->bus_id, sizeof(c->bus_id));
        }
        if (!c->driver[0]) {
            snprintf(path, sizeof(path), "%s/driver", c->device_dir);
            link_base(path, c->driver, sizeof(c->driver));
        }
        if (!c->bus_id[0]) {
            char slot[128];
            if (link_base(c->device_dir, slot, sizeof(slot)))
                cllm_gpu_normalize_bus_id(slot, c->bus_id, sizeof(c->bus_id));
        }

        /* the render node's minor ties the card to its KFD topology node */
        snprintf(path, sizeof(path), "%s/drm", c->device_dir);
        {
            DIR *sub = opendir(path);
            struct dirent *s;
            while (sub && (s = readdir(sub))) {
                if (strncmp(s->d_name, "renderD", 7) == 0 && isdigit((unsigned char)s->d_name[7])) {
                    c->render_minor = atoi(s->d_name + 7);
                    break;
                }
            }
            if (sub)
                closedir(sub);
        }
        n++;
    }
    closedir(dir);
    qsort(out, (size_t)n, sizeof(out[0]), card_cmp);
    return n;
#endif
}

/* ------------------------------------------------------------------------------------------------------------ */
/* registry                                                                                                     */

/* Most specific first: the first source to report a device wins, later ones only fill its unknown fields.
 * macOS puts Metal first (it is the specific source there); the sysfs detectors exist only on Linux. */
/* Most specific first: the first source to report a device wins, later ones only fill its unknown fields.
 * Vendors with readings (nvml, amdgpu) come first, so the monitor's set (those vendors only) lists the same devices
 * at the same indices. macOS puts Metal first (it is the specific source there); the sysfs vendors exist only on
 * Linux. */
static const struct cllm_gpu_vendor *const g_builtin[] = {
#if defined(__APPLE__)
    &cllm_gpu_vendor_metal,
    &cllm_gpu_vendor_vulkan,
#elif defined(_WIN32)
    &cllm_gpu_vendor_nvml,
    &cllm_gpu_vendor_vulkan,
#else
    &cllm_gpu_vendor_nvml,
    &cllm_gpu_vendor_amdgpu,
    &cllm_gpu_vendor_intel,
    &cllm_gpu_vendor_vulkan,
#endif
#if defined(CLLM_WITH_PCI)
    &cllm_gpu_vendor_pci,
#endif
#if defined(_WIN32)
    &cllm_gpu_vendor_dxgi,
#endif
};

const struct cllm_gpu_vendor *const *cllm_gpu_builtin(int *n)
{
    *n = (int)(sizeof(g_builtin) / sizeof(g_builtin[0]));
    return g_builtin;
}

enum cllm_status cllm_gpu_snapshot_new(const struct cllm_gpu_params *p, void **ctx, char *err, size_t errlen)
{
    struct cllm_gpu_snapshot *s = calloc(1, sizeof(*s));

    *ctx = s;
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    if (p)
        s->p = *p;
    else
        s->p.live = true;
    return CLLM_OK;
}

void cllm_gpu_snapshot_info(void *ctx, int k, struct cllm_gpu_device *out)
{
    const struct cllm_gpu_snapshot *s = ctx;
    if (k >= 0 && k < s->n)
        *out = s->dev[k];
    else
        cllm_gpu_device_init(out);
}

void cllm_gpu_snapshot_free(void *ctx) { free(ctx); }

/* ------------------------------------------------------------------------------------------------------------ */
/* runtimes that decide the backend                                                                             */

enum { RT_UNKNOWN = -1, RT_NO = 0, RT_YES = 1 };

struct runtimes {
    int  rocm, vulkan, level_zero;   /* RT_* ; probed lazily, once per detect */
};

/* Library directories looked at in a captured tree (the live machine uses the loader's own search). */
static const char *const g_lib_dirs[] = {
    "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
    "/opt/rocm/lib", NULL,
};

static bool tree_has_lib(const struct cllm_gpu_params *p, const char *name)
{
    char path[512], rel[256];
    for (int i = 0; g_lib_dirs[i]; i++) {
        snprintf(rel, sizeof(rel), "%s/%s", g_lib_dirs[i], name);
        if (cllm_gpu_root_path(p, path, sizeof(path), rel) && cllm_gpu_path_exists(path))
            return true;
    }
    return false;
}

static bool live_loads(const char *const *dirs, const char *const *names)
{
    char err[CLLM_ERR_LEN];
    struct cllm_dl *dl = cllm_dl_open_in(dirs, names, err, sizeof(err));
    if (!dl)
        return false;
    cllm_dl_close(dl);
    return true;
}

static bool has_rocm(const struct cllm_gpu_params *p)
{
    static const char *const dirs[] = {"/opt/rocm/lib", NULL};
#ifdef _WIN32
    static const char *const names[] = {"amdhip64_6.dll", "amdhip64.dll", NULL};
#else
    static const char *const names[] = {"libamdhip64.so", "libamdhip64.so.6", "libamdhip64.so.7", "libamdhip64.so.5",
                                        NULL};
#endif
    char path[512];
    if (cllm_gpu_root_path(p, path, sizeof(path), "/opt/rocm") && cllm_gpu_path_exists(path))
        return true;
    return cllm_gpu_may_ask_os(p) ? live_loads(dirs, names) : tree_has_lib(p, "libamdhip64.so");
}

static bool has_vulkan_loader(const struct cllm_gpu_params *p)
{
    return cllm_gpu_may_ask_os(p) ? live_loads(NULL, cllm_gpu_vulkan_lib_names) : tree_has_lib(p, "libvulkan.so.1");
}

/* SYCL on an Intel GPU needs the Level Zero loader and Intel's Level Zero GPU driver beside it. */
static bool has_level_zero(const struct cllm_gpu_params *p)
{
#ifdef _WIN32
    static const char *const loader[] = {"ze_loader.dll", NULL};
    static const char *const driver[] = {"ze_intel_gpu64.dll", NULL};
#else
    static const char *const loader[] = {"libze_loader.so.1", "libze_loader.so", NULL};
    static const char *const driver[] = {"libze_intel_gpu.so.1", "libze_intel_gpu.so", NULL};
#endif
    if (!cllm_gpu_may_ask_os(p))
        return tree_has_lib(p, "libze_loader.so.1") && tree_has_lib(p, "libze_intel_gpu.so.1");
    return live_loads(NULL, loader) && live_loads(NULL, driver);
}

static int rt_get(int *slot, bool (*probe)(const struct cllm_gpu_params *), const struct cllm_gpu_params *p)
{
    if (*slot == RT_UNKNOWN)
        *slot = probe(p) ? RT_YES : RT_NO;
    return *slot;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* merging                                                                                                      */

/* What gpu.c remembers per merged device beside the public struct. */
struct slot {
    unsigned sources;      /* bit i: detector i reported this device */
    bool     vulkan_seen;  /* the Vulkan loader enumerated it, so the Vulkan backend can drive it */
};

/* Lower-case name without "(R)"/"(TM)" and without a trailing "(...)" driver tag ("(RADV NAVI31)"). */
static void name_key(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    char *paren;

    for (const char *s = in; *s && o + 1 < outlen; s++) {
        if (strncasecmp(s, "(r)", 3) == 0) {
            s += 2;
            continue;
        }
        if (strncasecmp(s, "(tm)", 4) == 0) {
            s += 3;
            continue;
        }
        if (isspace((unsigned char)*s)) {
            if (o > 0 && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        out[o++] = (char)tolower((unsigned char)*s);
    }
    out[o] = '\0';
    paren = strrchr(out, '(');
    if (paren && paren > out && out[strlen(out) - 1] == ')')
        *paren = '\0';
    o = strlen(out);
    while (o > 0 && out[o - 1] == ' ')
        out[--o] = '\0';
}

static bool same_name(const struct cllm_gpu_device *a, const struct cllm_gpu_device *b)
{
    char ka[160], kb[160];
    if (!a->name[0] || !b->name[0] || strcasecmp(a->vendor, b->vendor) != 0)
        return false;
    name_key(a->name, ka, sizeof(ka));
    name_key(b->name, kb, sizeof(kb));
    return strcmp(ka, kb) == 0;
}

/* Index of the listed device that `d` (from detector `src`) is, or -1. */
static int find_same(const struct cllm_gpu_info *out, const struct slot *slots, const struct cllm_gpu_device *d,
                     int src)
{
    if (d->pci_bus_id[0])
        for (int i = 0; i < out->n_devices; i++)
            if (strcmp(out->devices[i].pci_bus_id, d->pci_bus_id) == 0)
                return i;
    /* by name only where a bus id is missing, and one-to-one per detector: two identical cards stay two */
    for (int i = 0; i < out->n_devices; i++) {
        const struct cllm_gpu_device *e = &out->devices[i];
        if (e->pci_bus_id[0] && d->pci_bus_id[0])
            continue;
        if (slots[i].sources & (1u << src))
            continue;
        if (same_name(e, d))
            return i;
    }
    return -1;
}

static void fill_str(struct cllm_gpu_device *e, char *dst, size_t dstlen, const char *src, const char *field)
{
    if (!dst[0] && src[0]) {
        cllm_gpu_copy(dst, dstlen, src);
        cllm_reason_clear(&e->why, field);
    }
}

/* A later detector fills what the earlier one could not read; it never overrides a known value. */
static void fill_unknown(struct cllm_gpu_device *e, const struct cllm_gpu_device *d)
{
    if (isnan(e->vram_total_gb) && !isnan(d->vram_total_gb)) {
        e->vram_total_gb = d->vram_total_gb;
        cllm_reason_clear(&e->why, "vram_total_gb");
    }
    if (isnan(e->vram_free_gb) && !isnan(d->vram_free_gb)) {
        e->vram_free_gb = d->vram_free_gb;
        cllm_reason_clear(&e->why, "vram_free_gb");
    }
    fill_str(e, e->driver_version, sizeof(e->driver_version), d->driver_version, "driver_version");
    fill_str(e, e->compute_capability, sizeof(e->compute_capability), d->compute_capability, "compute_capability");
    fill_str(e, e->pci_bus_id, sizeof(e->pci_bus_id), d->pci_bus_id, "pci_bus_id");
    /* a "name" reason marks a placeholder such as "AMD GPU 0x744c": a real name replaces it */
    if (cllm_reason_get(&e->why, "name") && d->name[0] && !cllm_reason_get(&d->why, "name")) {
        cllm_gpu_copy(e->name, sizeof(e->name), d->name);
        cllm_reason_clear(&e->why, "name");
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* backends                                                                                                     */

static void choose_backend(const struct cllm_gpu_params *p, struct cllm_gpu_device *d, const struct slot *s,
                           struct runtimes *rt)
{
    bool from_pci = strcmp(d->source, "pci") == 0;
    const char *why = NULL;

    d->backend = CLLM_BACKEND_NONE;
    if (strcmp(d->vendor, "NVIDIA") == 0) {
        if (strcmp(d->source, "nvml") == 0)
            d->backend = CLLM_BACKEND_CUDA;
        else if (s->vulkan_seen)
            d->backend = CLLM_BACKEND_VULKAN;
        else
            why = "NVIDIA GPU found but NVML not loadable: install the NVIDIA driver";
    } else if (strcmp(d->vendor, "AMD") == 0) {
        if (from_pci && !s->vulkan_seen)
            why = "AMD GPU found on PCI but not driven by amdgpu: load the amdgpu kernel driver";
        else if (rt_get(&rt->rocm, has_rocm, p) == RT_YES)
            d->backend = CLLM_BACKEND_ROCM;
        else if (s->vulkan_seen || rt_get(&rt->vulkan, has_vulkan_loader, p) == RT_YES)
            d->backend = CLLM_BACKEND_VULKAN;
        else
            why = "no ROCm runtime (libamdhip64, /opt/rocm) and no Vulkan loader (libvulkan.so.1): install ROCm "
                  "or Vulkan";
    } else if (strcmp(d->vendor, "Intel") == 0) {
        if (from_pci && !s->vulkan_seen)
            why = "Intel GPU found on PCI but not driven by i915 or xe: load the kernel driver";
        else if (rt_get(&rt->level_zero, has_level_zero, p) == RT_YES)
            d->backend = CLLM_BACKEND_SYCL;
        else if (s->vulkan_seen || rt_get(&rt->vulkan, has_vulkan_loader, p) == RT_YES)
            d->backend = CLLM_BACKEND_VULKAN;
        else
            why = "no Level Zero runtime (libze_loader.so.1 + libze_intel_gpu.so.1) and no Vulkan loader: install "
                  "Intel's compute runtime or Vulkan";
    } else if (strcmp(d->vendor, "Apple") == 0) {
        d->backend = CLLM_BACKEND_METAL;
    } else if (s->vulkan_seen) {
        d->backend = CLLM_BACKEND_VULKAN;
    } else {
        why = "no llama.cpp backend for this vendor without a Vulkan driver";
    }
    if (d->backend == CLLM_BACKEND_NONE)
        cllm_reason_set(&d->why, "backend", "%s", why ? why : "no usable runtime");
    else
        cllm_reason_clear(&d->why, "backend");
}

/* The original's priority: a machine's primary backend is the best one any of its GPUs can use. */
static int backend_rank(enum cllm_gpu_backend b)
{
    switch (b) {
    case CLLM_BACKEND_CUDA:   return 5;
    case CLLM_BACKEND_ROCM:   return 4;
    case CLLM_BACKEND_SYCL:   return 3;
    case CLLM_BACKEND_METAL:  return 2;
    case CLLM_BACKEND_VULKAN: return 1;
    default:                  return 0;
    }
}

/* Every field still unknown after merging says so (unknown is not zero). */
static void explain_unknowns(struct cllm_gpu_device *d)
{
    if (isnan(d->vram_total_gb) && !cllm_reason_get(&d->why, "vram_total_gb"))
        cllm_reason_set(&d->why, "vram_total_gb", "not reported by %s", d->source);
    if (isnan(d->vram_free_gb) && !cllm_reason_get(&d->why, "vram_free_gb"))
        cllm_reason_set(&d->why, "vram_free_gb", "not reported by %s", d->source);
    if (!d->driver_version[0] && !cllm_reason_get(&d->why, "driver_version"))
        cllm_reason_set(&d->why, "driver_version", "not reported by %s", d->source);
    if (!d->compute_capability[0] && !cllm_reason_get(&d->why, "compute_capability"))
        cllm_reason_set(&d->why, "compute_capability", "not reported by %s", d->source);
    if (!d->pci_bus_id[0] && !cllm_reason_get(&d->why, "pci_bus_id"))
        cllm_reason_set(&d->why, "pci_bus_id", "not reported by %s", d->source);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* the loop                                                                                                     */

static const char *status_word(enum cllm_status s)
{
    switch (s) {
    case CLLM_OK:               return "ok";
    case CLLM_ERR_NOT_FOUND:
    case CLLM_ERR_LIBRARY:
    case CLLM_ERR_UNSUPPORTED:  return "unavailable";
    default:                    return "error";
    }
}

static struct cllm_gpu_source_note *add_note(struct cllm_gpu_info *out, const char *source, const char *status)
{
    struct cllm_gpu_source_note *n;
    int cap = (int)(sizeof(out->notes) / sizeof(out->notes[0]));
    if (out->n_notes >= cap)
        return NULL;
    n = &out->notes[out->n_notes++];
    cllm_gpu_copy(n->source, sizeof(n->source), source);
    cllm_gpu_copy(n->status, sizeof(n->status), status);
    n->detail[0] = '\0';
    return n;
}

/* Vendors a set holds open at most: one note each fits in cllm_gpu_info. */
#define SET_MAX_VENDORS ((int)(sizeof(((struct cllm_gpu_info *)0)->notes) / sizeof(struct cllm_gpu_source_note)))

/* The vendors held open for readings and, per merged device, which of them reads it. */
struct cllm_gpu_set {
    int n_open;
    struct {
        const struct cllm_gpu_vendor *v;
        void *ctx;
    } open[SET_MAX_VENDORS];
    int n;
    struct {
        int vendor;   /* into open[] */
        int k;        /* the device's number in that vendor */
    } dev[CLLM_GPU_MAX];
};

/* One vendor: init, list, static facts, merge into out; shut down at once unless `keep` (the set's sampling) takes
 * it. Vendor v is bit v of the slots' sources. */
static void run_vendor(const struct cllm_gpu_params *p, const struct cllm_gpu_vendor *ven, int v,
                       struct cllm_gpu_info *out, struct slot *slots, struct cllm_gpu_set *keep)
{
    struct cllm_gpu_source_note *note;
    char err[sizeof(out->notes[0].detail)], info[sizeof(err)], gerr[sizeof(err)];
    struct cllm_gpu_device d;   /* one at a time: 8 KiB with its reasons */
    enum cllm_status st;
    void *ctx = NULL;
    int got, merged = 0, dropped = 0, slot = -1;

    err[0] = gerr[0] = '\0';
    st = ven->init(p, &ctx, err, sizeof(err));
    if (st != CLLM_OK) {
        note = add_note(out, ven->name, status_word(st));
        if (note)
            cllm_gpu_copy(note->detail, sizeof(note->detail), err[0] ? err : cllm_status_str(st));
        CLLM_LOG(CLLM_LOG_INFO, "gpu: %s %s: %s", ven->name, status_word(st), err[0] ? err : cllm_status_str(st));
        return;
    }
    /* init may leave a short note (the library it loaded) that prefixes the success detail */
    cllm_gpu_copy(info, sizeof(info), err);
    got = ven->devices(ctx, CLLM_GPU_MAX, gerr, sizeof(gerr));
    if (got < 0) {
        ven->shutdown(ctx);
        note = add_note(out, ven->name, "error");
        if (note)
            cllm_gpu_copy(note->detail, sizeof(note->detail), gerr[0] ? gerr : "device query failed");
        CLLM_LOG(CLLM_LOG_INFO, "gpu: %s error: %s", ven->name, gerr);
        return;
    }
    if (got > CLLM_GPU_MAX)
        got = CLLM_GPU_MAX;
    if (keep) {   /* room checked by the caller */
        slot = keep->n_open++;
        keep->open[slot].v = ven;
        keep->open[slot].ctx = ctx;
    }
    for (int i = 0; i < got; i++) {
        int same;

        cllm_gpu_device_init(&d);
        ven->static_info(ctx, i, &d);
        if (!d.source[0])
            cllm_gpu_copy(d.source, sizeof(d.source), ven->name);
        same = find_same(out, slots, &d, v);
        if (same >= 0) {
            fill_unknown(&out->devices[same], &d);
            slots[same].sources |= 1u << v;
            slots[same].vulkan_seen |= strcmp(d.source, "vulkan") == 0;
            merged++;
        } else if (out->n_devices < CLLM_GPU_MAX) {
            int k = out->n_devices++;
            out->devices[k] = d;
            out->devices[k].index = k;
            slots[k].sources = 1u << v;
            slots[k].vulkan_seen = strcmp(d.source, "vulkan") == 0;
            if (slot >= 0) {
                keep->dev[k].vendor = slot;
                keep->dev[k].k = i;
                keep->n = k + 1;
            }
        } else {
            dropped++;
        }
    }
    if (slot < 0)
        ven->shutdown(ctx);
    note = add_note(out, ven->name, "ok");
    if (note) {
        char counts[96] = "no devices";
        size_t c = 0;
        if (got > 0)
            c = (size_t)snprintf(counts, sizeof(counts), "%d device%s", got, got == 1 ? "" : "s");
        if (merged && c < sizeof(counts))
            c += (size_t)snprintf(counts + c, sizeof(counts) - c, " (%d already listed by an earlier source)",
                                  merged);
        if (dropped && c < sizeof(counts))
            snprintf(counts + c, sizeof(counts) - c, ", %d not kept (list full)", dropped);
        snprintf(note->detail, sizeof(note->detail), "%.100s%s%.95s", info, info[0] ? ": " : "", counts);
    }
}

/* One detection at a time. */
static pthread_mutex_t g_detect_lock = PTHREAD_MUTEX_INITIALIZER;

void cllm_gpu_detect(const struct cllm_gpu_params *p, const struct cllm_gpu_vendor *const *vendors, int n,
                     struct cllm_gpu_info *out)
{
    struct cllm_gpu_params live = {"/", true};
    struct slot slots[CLLM_GPU_MAX];
    struct runtimes rt = {RT_UNKNOWN, RT_UNKNOWN, RT_UNKNOWN};
    int best = 0;

    memset(out, 0, sizeof(*out));
    memset(slots, 0, sizeof(slots));
    out->primary_backend = CLLM_BACKEND_NONE;
    if (!p)
        p = &live;
    if (!vendors)
        vendors = cllm_gpu_builtin(&n);
    /* vulkan, pci and dxgi keep their library in statics (libpci's error callback has no user pointer) */
    pthread_mutex_lock(&g_detect_lock);
    for (int v = 0; v < n; v++)
        if (vendors[v])
            run_vendor(p, vendors[v], v, out, slots, NULL);
    pthread_mutex_unlock(&g_detect_lock);

    for (int i = 0; i < out->n_devices; i++) {
        struct cllm_gpu_device *d = &out->devices[i];
        choose_backend(p, d, &slots[i], &rt);
        explain_unknowns(d);
        if (backend_rank(d->backend) > best) {
            best = backend_rank(d->backend);
            out->primary_backend = d->backend;
        }
    }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* the set for readings                                                                                         */

struct cllm_gpu_set *cllm_gpu_open(const struct cllm_gpu_params *p, const struct cllm_gpu_vendor *const *vendors,
                                   int n, struct cllm_gpu_info *out)
{
    struct cllm_gpu_params live = {"/", true};
    struct cllm_gpu_set *s = calloc(1, sizeof(*s));
    struct slot slots[CLLM_GPU_MAX];

    memset(out, 0, sizeof(*out));
    memset(slots, 0, sizeof(slots));
    out->primary_backend = CLLM_BACKEND_NONE;
    if (!s)
        return NULL;
    if (!p)
        p = &live;
    if (!vendors)
        vendors = cllm_gpu_builtin(&n);
    /* the same loop as detection over the vendors with readings; backends are not chosen (no runtime probing) */
    for (int v = 0; v < n && s->n_open < SET_MAX_VENDORS; v++)
        if (vendors[v] && vendors[v]->sample)
            run_vendor(p, vendors[v], v, out, slots, s);
    for (int i = 0; i < out->n_devices; i++)
        explain_unknowns(&out->devices[i]);
    return s;
}

int cllm_gpu_count(const struct cllm_gpu_set *s) { return s ? s->n : 0; }

void cllm_gpu_sample(struct cllm_gpu_set *s, struct cllm_gpu_sample *out, struct cllm_reasons *why)
{
    for (int i = 0; s && i < s->n; i++) {
        const struct cllm_gpu_vendor *v = s->open[s->dev[i].vendor].v;
        v->sample(s->open[s->dev[i].vendor].ctx, s->dev[i].k, i, &out[i], why);
    }
}

void cllm_gpu_close(struct cllm_gpu_set *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_open; i++)
        s->open[i].v->shutdown(s->open[i].ctx);
    free(s);
}
