/* Library search folders, 16-bit float conversions and error text for the GPU compute backends. */
#if !defined(_WIN32)
#define _GNU_SOURCE   /* strverscmp */
#endif
#include "classic/gpu_gemm_priv.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#if !defined(_WIN32)
#include <glob.h>
#include <unistd.h>
#endif

#include "core/strutil.h"
#include "platform/dl.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

void cllm_gpugemm_version_1000(int v, char *out, size_t n)
{
    snprintf(out, n, "%d.%d", v / 1000, (v % 1000) / 10);
}

/* ---- search folders ---- */

void cllm_gpugemm_dirs_init(struct cllm_gpugemm_dirs *d) { memset(d, 0, sizeof(*d)); }

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Real path of a folder, or the path itself where the OS cannot tell. */
static void real_dir(const char *in, char *out, size_t n)
{
#if defined(_WIN32)
    cllm_strlcpy(out, in, n);
#else
    char buf[PATH_MAX];
    cllm_strlcpy(out, realpath(in, buf) ? buf : in, n);
#endif
}

void cllm_gpugemm_dirs_add(struct cllm_gpugemm_dirs *d, const char *dir)
{
    char real[CLLM_GPUGEMM_DIR_LEN], other[CLLM_GPUGEMM_DIR_LEN];

    if (!dir || d->n >= CLLM_GPUGEMM_DIRS_MAX || strlen(dir) >= CLLM_GPUGEMM_DIR_LEN)
        return;
    if (dir[0] && !is_dir(dir))
        return;
    real_dir(dir, real, sizeof(real));
    for (int i = 0; i < d->n; i++) {
        if (!d->dir[i][0] || !dir[0]) {
            if (!d->dir[i][0] && !dir[0])
                return;
            continue;
        }
        real_dir(d->dir[i], other, sizeof(other));
        if (strcmp(real, other) == 0)
            return;
    }
    snprintf(d->dir[d->n++], CLLM_GPUGEMM_DIR_LEN, "%s", dir);
}

void cllm_gpugemm_dirs_add_env(struct cllm_gpugemm_dirs *d, const char *var, const char *suffix)
{
    const char *v = getenv(var);
    char buf[CLLM_GPUGEMM_DIR_LEN];
    if (!v || !v[0])
        return;
    if ((size_t)snprintf(buf, sizeof(buf), "%s%s", v, suffix ? suffix : "") < sizeof(buf))
        cllm_gpugemm_dirs_add(d, buf);
}

#if !defined(_WIN32)
static int newest_first(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
#if defined(__GLIBC__)
    return strverscmp(y, x);
#else
    return strcmp(y, x);
#endif
}
#endif

void cllm_gpugemm_dirs_add_glob(struct cllm_gpugemm_dirs *d, const char *pattern)
{
#if defined(_WIN32)
    cllm_gpugemm_dirs_add(d, pattern);
#else
    glob_t g;
    memset(&g, 0, sizeof(g));
    if (glob(pattern, GLOB_ONLYDIR, NULL, &g) == 0) {
        qsort(g.gl_pathv, g.gl_pathc, sizeof(char *), newest_first);
        for (size_t i = 0; i < g.gl_pathc; i++)
            cllm_gpugemm_dirs_add(d, g.gl_pathv[i]);
    }
    globfree(&g);
#endif
}

void cllm_gpugemm_dirs_add_wheels(struct cllm_gpugemm_dirs *d, const char *const *pkgs)
{
#if !defined(_WIN32)
    static const char *const roots[] = {"/usr/local/lib/python3*/dist-packages", "/usr/local/lib/python3*/site-packages",
                                        "/usr/lib/python3*/dist-packages", "/usr/lib/python3*/site-packages", NULL};
    const char *env_roots[][2] = {{"VIRTUAL_ENV", "/lib/python3*/site-packages"},
                                  {"CONDA_PREFIX", "/lib/python3*/site-packages"},
                                  {"HOME", "/.local/lib/python3*/site-packages"}};
    char pat[CLLM_GPUGEMM_DIR_LEN];

    for (size_t k = 0; pkgs && pkgs[k]; k++) {
        /* an active environment wins over the system's */
        for (size_t e = 0; e < sizeof(env_roots) / sizeof(env_roots[0]); e++) {
            const char *v = getenv(env_roots[e][0]);
            if (v && v[0] && (size_t)snprintf(pat, sizeof(pat), "%s%s/%s", v, env_roots[e][1], pkgs[k]) < sizeof(pat))
                cllm_gpugemm_dirs_add_glob(d, pat);
        }
        for (size_t r = 0; roots[r]; r++)
            if ((size_t)snprintf(pat, sizeof(pat), "%s/%s", roots[r], pkgs[k]) < sizeof(pat))
                cllm_gpugemm_dirs_add_glob(d, pat);
    }
#else
    (void)d;
    (void)pkgs;
#endif
}

void cllm_gpugemm_dirs_describe(const struct cllm_gpugemm_dirs *d, char *out, size_t n)
{
    size_t used = 0;
    if (!n)
        return;
    out[0] = '\0';
    for (int i = 0; i < d->n && used + 1 < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", d->dir[i][0] ? d->dir[i] : "the loader's path");
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (used >= n && n > 4)
        memcpy(out + n - 4, "...", 4);
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

enum cllm_status cllm_gpugemm_dl_search(const struct cllm_gpugemm_dirs *d, const char *const *names,
                                        struct cllm_dl **out, char *err, size_t errlen)
{
    char path[CLLM_GPUGEMM_DIR_LEN + 128];
    char why[1024];
    char broken[1536] = "";

    *out = NULL;
    for (int i = 0; i < d->n; i++) {
        for (size_t k = 0; names[k]; k++) {
            const char *one[2] = {path, NULL};
            struct cllm_dl *dl;
            if (d->dir[i][0]) {
                snprintf(path, sizeof(path), "%s/%s", d->dir[i], names[k]);
                if (!file_exists(path))
                    continue;
            } else {
                snprintf(path, sizeof(path), "%s", names[k]);
            }
            why[0] = '\0';
            dl = cllm_dl_open_first(one, why, sizeof(why));
            if (dl) {
                *out = dl;
                return CLLM_OK;
            }
            /* a file that is there but does not load (wrong architecture, missing dependency) is worth telling */
            if (d->dir[i][0] && !broken[0])
                snprintf(broken, sizeof(broken), "%s", why);
        }
    }
    if (broken[0])
        cllm_errf(err, errlen, "%s", broken);
    else
        cllm_errf(err, errlen, "%s not found", names[0]);
    return CLLM_ERR_LIBRARY;
}

#define CLLM_GPUGEMM_KEPT_MAX 16

static struct cllm_dl *g_kept[CLLM_GPUGEMM_KEPT_MAX];
static int g_n_kept;

struct cllm_dl *cllm_gpugemm_dl_keep(struct cllm_dl *dl)
{
    if (!dl)
        return NULL;
    for (int i = 0; i < g_n_kept; i++)
        if (strcmp(cllm_dl_path(g_kept[i]), cllm_dl_path(dl)) == 0) {
            cllm_dl_close(dl);   /* drops our extra reference; the kept one holds the library */
            return g_kept[i];
        }
    if (g_n_kept < CLLM_GPUGEMM_KEPT_MAX)
        g_kept[g_n_kept++] = dl;
    return dl;
}

void cllm_gpugemm_dl_dir(const struct cllm_dl *dl, char *out, size_t n)
{
    const char *p = cllm_dl_path(dl);
    const char *slash = strrchr(p, '/');
#if defined(_WIN32)
    const char *bs = strrchr(p, '\\');
    if (bs && (!slash || bs > slash))
        slash = bs;
#endif
    if (!n)
        return;
    if (!slash) {
        out[0] = '\0';
        return;
    }
    snprintf(out, n, "%.*s", (int)(slash - p), p);
}

/* ---- 16-bit floats ---- */

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

uint16_t cllm_gpugemm_f32_to_f16(float f)
{
    uint32_t u = f32_bits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t exp = (u >> 23) & 0xffu;
    uint32_t man = u & 0x7fffffu;
    int e;

    if (exp == 0xffu)   /* Inf or NaN; a NaN keeps a mantissa bit so it stays NaN */
        return (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0));
    e = (int)exp - 127 + 15;
    if (e >= 31)
        return (uint16_t)(sign | 0x7c00u);
    if (e <= 0) {
        /* subnormal half (or zero): shift the full significand into place and round */
        uint32_t sig = man | 0x800000u;
        int shift = 14 - e;   /* 1 - e more than a normal half's 13 */
        uint32_t half, rest, mid;
        if (shift > 24)
            return sign;
        half = sig >> shift;
        rest = sig & ((1u << shift) - 1u);
        mid = 1u << (shift - 1);
        if (rest > mid || (rest == mid && (half & 1u)))
            half++;
        return (uint16_t)(sign | half);
    }
    {
        uint32_t h = ((uint32_t)e << 10) | (man >> 13);
        uint32_t rest = man & 0x1fffu;
        if (rest > 0x1000u || (rest == 0x1000u && (h & 1u)))
            h++;   /* a carry into the exponent is the right result, up to Inf */
        return (uint16_t)(sign | h);
    }
}

float cllm_gpugemm_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;

    if (exp == 0x1fu)
        return bits_f32(sign | 0x7f800000u | (man << 13));
    if (exp == 0) {
        float v = (float)man * (1.0f / 16777216.0f);   /* man · 2^-24 */
        return sign ? -v : v;
    }
    return bits_f32(sign | ((exp - 15 + 127) << 23) | (man << 13));
}

uint16_t cllm_gpugemm_f32_to_bf16(float f)
{
    uint32_t u = f32_bits(f);
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x7fffffu))
        return (uint16_t)((u >> 16) | 0x40u);   /* quiet NaN */
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

float cllm_gpugemm_bf16_to_f32(uint16_t b) { return bits_f32((uint32_t)b << 16); }
