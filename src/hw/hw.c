/* Hardware detection entry points, initialisers, names, and the file helpers shared by the detectors. */
#include "hw/hw.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_priv.h"

struct cllm_hw_params cllm_hw_default_params(void)
{
    struct cllm_hw_params p;
    p.root = "/";
    p.live = true;
    return p;
}

void cllm_os_info_init(struct cllm_os_info *o)
{
    memset(o, 0, sizeof(*o));
}

static void cache_unknown(struct cllm_cache_level *c)
{
    c->size_bytes = -1;
    c->instances = -1;
}

void cllm_cpu_info_init(struct cllm_cpu_info *c)
{
    memset(c, 0, sizeof(*c));
    c->physical_cores = -1;
    c->logical_cores = -1;
    c->sockets = -1;
    c->numa_nodes = -1;
    c->freq_base_mhz = NAN;
    c->freq_max_mhz = NAN;
    c->freq_min_mhz = NAN;
    c->freq_current_mhz = NAN;
    cache_unknown(&c->l1d);
    cache_unknown(&c->l1i);
    cache_unknown(&c->l2);
    cache_unknown(&c->l3);
    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        c->isa[i] = CLLM_TRI_UNKNOWN;
}

void cllm_ram_info_init(struct cllm_ram_info *r)
{
    memset(r, 0, sizeof(*r));
    r->total_bytes = -1;
    r->available_bytes = -1;
    r->swap_total_bytes = -1;
    r->swap_free_bytes = -1;
    r->unified_memory = false;
    r->speed_mts = -1;
    r->populated_slots = -1;
}

const char *cllm_isa_name(enum cllm_isa f)
{
    static const char *const names[CLLM_ISA_COUNT] = {
        [CLLM_ISA_SSE4_2]        = "sse4_2",
        [CLLM_ISA_AVX]           = "avx",
        [CLLM_ISA_AVX2]          = "avx2",
        [CLLM_ISA_FMA]           = "fma",
        [CLLM_ISA_F16C]          = "f16c",
        [CLLM_ISA_AVX_VNNI]      = "avx_vnni",
        [CLLM_ISA_AVX512F]       = "avx512f",
        [CLLM_ISA_AVX512BW]      = "avx512bw",
        [CLLM_ISA_AVX512VL]      = "avx512vl",
        [CLLM_ISA_AVX512_VNNI]   = "avx512_vnni",
        [CLLM_ISA_AVX512_BF16]   = "avx512_bf16",
        [CLLM_ISA_AVX512_FP16]   = "avx512_fp16",
        [CLLM_ISA_AVX512_VBMI]   = "avx512_vbmi",
        [CLLM_ISA_AMX_TILE]      = "amx_tile",
        [CLLM_ISA_AMX_INT8]      = "amx_int8",
        [CLLM_ISA_AMX_BF16]      = "amx_bf16",
        [CLLM_ISA_NEON]          = "neon",
        [CLLM_ISA_ASIMD_DOTPROD] = "asimd_dotprod",
        [CLLM_ISA_I8MM]          = "i8mm",
        [CLLM_ISA_ARM_BF16]      = "arm_bf16",
        [CLLM_ISA_SVE]           = "sve",
        [CLLM_ISA_SVE2]          = "sve2",
    };
    if ((unsigned)f >= CLLM_ISA_COUNT)
        return "unknown";
    return names[f];
}

void cllm_hw_detect(const struct cllm_hw_params *p, struct cllm_hw_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();

    if (!p)
        p = &def;
    memset(out, 0, sizeof(*out));
    cllm_os_detect(p, &out->os);
    cllm_cpu_detect(p, &out->cpu);
    cllm_ram_detect(p, &out->ram);
    {
        struct cllm_gpu_params gp = {p->root, p->live};
        cllm_gpu_detect(&gp, NULL, 0, &out->gpu);
        cllm_gpu_opencl_detect(&gp, NULL, &out->opencl);
    }
}

/* ---- helpers for the detectors (hw_priv.h) ---- */

bool cllm_hw_root_is_live(const char *root)
{
    return !root || root[0] == '\0' || strcmp(root, "/") == 0;
}

bool cllm_hw_may_ask_os(const struct cllm_hw_params *p)
{
    return p && p->live && cllm_hw_root_is_live(p->root);
}

bool cllm_hw_path(char *out, size_t outlen, const char *root, const char *path)
{
    int n;

    if (cllm_hw_root_is_live(root))
        n = snprintf(out, outlen, "%s", path);
    else
        n = snprintf(out, outlen, "%s%s%s", root, (path[0] == '/' || root[strlen(root) - 1] == '/') ? "" : "/",
                     path);
    return n >= 0 && (size_t)n < outlen;
}

long cllm_hw_read_small(const char *root, const char *path, char *buf, size_t len)
{
    char full[1024];
    FILE *f;
    size_t n;

    if (len == 0) {
        errno = EINVAL;
        return -1;
    }
    buf[0] = '\0';
    if (!cllm_hw_path(full, sizeof(full), root, path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    f = fopen(full, "rb");
    if (!f)
        return -1;
    n = fread(buf, 1, len - 1, f);
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        errno = e ? e : EIO;
        return -1;
    }
    fclose(f);
    buf[n] = '\0';
    /* trim in place: sysfs values end in a newline */
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    size_t start = 0;
    while (start < n && isspace((unsigned char)buf[start]))
        start++;
    if (start > 0) {
        memmove(buf, buf + start, n - start + 1);
        n -= start;
    }
    return (long)n;
}

char *cllm_hw_read_all(const char *root, const char *path, size_t *len)
{
    char full[1024];
    FILE *f;
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!cllm_hw_path(full, sizeof(full), root, path)) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    f = fopen(full, "rb");
    if (!f)
        return NULL;
    for (;;) {
        if (n + 1 >= cap) {
            size_t ncap = cap ? cap * 2 : 16384;
            char *nb = (char *)realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        errno = e ? e : EIO;
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

void cllm_hw_copy_trim(char *dst, size_t dstlen, const char *src, size_t n)
{
    if (dstlen == 0)
        return;
    while (n > 0 && isspace((unsigned char)*src)) {
        src++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)src[n - 1]))
        n--;
    if (n >= dstlen)
        n = dstlen - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Counts the ids of "a-b,c" and stores the first `cap` of them in ids (may be NULL); -1 when malformed. */
static int walk_range_list(const char *s, int *ids, int cap)
{
    int count = 0;
    const char *q = s;

    while (*q && isspace((unsigned char)*q))
        q++;
    if (*q == '\0')
        return 0;
    for (;;) {
        char *end;
        long a = strtol(q, &end, 10), b;
        if (end == q || a < 0)
            return -1;
        q = end;
        b = a;
        if (*q == '-') {
            q++;
            b = strtol(q, &end, 10);
            if (end == q || b < a)
                return -1;
            q = end;
        }
        if (b - a > 1 << 20)
            return -1;
        for (long i = a; i <= b; i++) {
            if (ids && count < cap)
                ids[count] = (int)i;
            count++;
        }
        while (*q && isspace((unsigned char)*q))
            q++;
        if (*q == '\0')
            break;
        if (*q != ',')
            return -1;
        q++;
    }
    return count;
}

int cllm_hw_count_range_list(const char *s)
{
    return walk_range_list(s, NULL, 0);
}

int cllm_hw_parse_range_list(const char *s, int **ids)
{
    int n = walk_range_list(s, NULL, 0);

    *ids = NULL;
    if (n <= 0)
        return n;
    *ids = (int *)malloc((size_t)n * sizeof(int));
    if (!*ids)
        return -1;
    return walk_range_list(s, *ids, n);
}

/* Sets or clears the reason of one field by whether it is known. */
static void reconcile(struct cllm_reasons *r, const char *field, bool known, const char *why)
{
    if (known)
        cllm_reason_clear(r, field);
    else if (!cllm_reason_get(r, field))
        cllm_reason_set(r, field, "%s", why);
}

static bool cache_known(const struct cllm_cache_level *c)
{
    return c->size_bytes >= 0 && c->instances >= 0;
}

void cllm_hw_cpu_reconcile(struct cllm_cpu_info *c, const char *why)
{
    bool isa_known = false;

    for (int i = 0; i < CLLM_ISA_COUNT; i++)
        if (c->isa[i] != CLLM_TRI_UNKNOWN)
            isa_known = true;
    reconcile(&c->why, "model", c->model[0] != '\0', why);
    reconcile(&c->why, "vendor", c->vendor[0] != '\0', why);
    reconcile(&c->why, "physical_cores", c->physical_cores >= 0, why);
    reconcile(&c->why, "logical_cores", c->logical_cores >= 0, why);
    reconcile(&c->why, "sockets", c->sockets >= 0, why);
    reconcile(&c->why, "numa_nodes", c->numa_nodes >= 0, why);
    reconcile(&c->why, "freq_base_mhz", !isnan(c->freq_base_mhz), why);
    reconcile(&c->why, "freq_max_mhz", !isnan(c->freq_max_mhz), why);
    reconcile(&c->why, "freq_min_mhz", !isnan(c->freq_min_mhz), why);
    reconcile(&c->why, "freq_current_mhz", !isnan(c->freq_current_mhz), why);
    reconcile(&c->why, "l1d", cache_known(&c->l1d), why);
    reconcile(&c->why, "l1i", cache_known(&c->l1i), why);
    reconcile(&c->why, "l2", cache_known(&c->l2), why);
    reconcile(&c->why, "l3", cache_known(&c->l3), why);
    reconcile(&c->why, "governor", c->governor[0] != '\0', why);
    reconcile(&c->why, "isa", isa_known, why);
    reconcile(&c->why, "topology_source", c->topology_source[0] != '\0', why);
}

void cllm_hw_ram_reconcile(struct cllm_ram_info *r, const char *why)
{
    reconcile(&r->why, "total_bytes", r->total_bytes >= 0, why);
    reconcile(&r->why, "available_bytes", r->available_bytes >= 0, why);
    reconcile(&r->why, "swap_total_bytes", r->swap_total_bytes >= 0, why);
    reconcile(&r->why, "swap_free_bytes", r->swap_free_bytes >= 0, why);
    reconcile(&r->why, "speed_mts", r->speed_mts >= 0, why);
    reconcile(&r->why, "populated_slots", r->populated_slots >= 0, why);
    reconcile(&r->why, "type", r->type[0] != '\0', why);
}

void cllm_hw_os_reconcile(struct cllm_os_info *o, const char *why)
{
    reconcile(&o->why, "system", o->system[0] != '\0', why);
    reconcile(&o->why, "release", o->release[0] != '\0', why);
    reconcile(&o->why, "version", o->version[0] != '\0', why);
    reconcile(&o->why, "machine", o->machine[0] != '\0', why);
    reconcile(&o->why, "hostname", o->hostname[0] != '\0', why);
    reconcile(&o->why, "kernel", o->kernel[0] != '\0', why);
    reconcile(&o->why, "distribution", o->distribution[0] != '\0', why);
}
