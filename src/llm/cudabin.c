/* A CUDA library's images from its .nv_fatbin section, and whether a GPU runs them (cudabin.h).
 *
 * The section is a run of fatbins, each 8-byte aligned (zero padding between them):
 *   header  u32 magic 0xBA55ED50, u16 version, u16 header size, u64 size of the entries after the header
 *   entry   u16 kind (1 PTX, 2 ELF/SASS), u16 version, u32 header size, u64 padded payload size, u32 payload size,
 *           u32 -, u16 minor + u16 major (PTX: the ISA version), u32 architecture (86), u32 -, u32 -, u64 flags
 *           (0x2000 LZ4, 0x8000 zstd payload; 0x1000000 on the arch-specific sm_120a / sm_121a images of
 *           node-llama-cpp's build), then the payload
 * (the layout nvcc writes, as read off node-llama-cpp 3.22.1's main and fallback libggml-cuda.so, checked
 * against the images' own ".target" lines and cubin headers). Only headers are read: a library's section is
 * hundreds of MB. */
#define _FILE_OFFSET_BITS 64
#include "llm/cudabin.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "core/strutil.h"
#include "platform/dl.h"

#define FATBIN_MAGIC       0xBA55ED50u
#define ENTRY_MIN_HEADER   32u         /* through the architecture */
#define FLAG_SPECIFIC      0x1000000u
#define SHSTRTAB_MAX       (1u << 20)

/* Bytes at an offset of the section: from memory, or from the file at base + offset. */
struct src {
    const unsigned char *buf;
    FILE    *f;
    uint64_t base, len;
};

static bool read_at(const struct src *s, uint64_t off, void *dst, size_t n)
{
    if (off > s->len || n > s->len - off)
        return false;
    if (s->buf) {
        memcpy(dst, s->buf + off, n);
        return true;
    }
    return fseeko(s->f, (off_t)(s->base + off), SEEK_SET) == 0 && fread(dst, 1, n, s->f) == n;
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t le64(const unsigned char *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

static void add_image(struct cllm_cudabin *b, const struct cllm_cudabin_image *im)
{
    for (int i = 0; i < b->n_images; i++) {
        struct cllm_cudabin_image *o = &b->images[i];
        if (o->kind == im->kind && o->arch == im->arch && o->specific == im->specific &&
            o->isa_major == im->isa_major && o->isa_minor == im->isa_minor) {
            o->count++;
            return;
        }
    }
    if (b->n_images < CLLM_CUDABIN_MAX_IMAGES) {
        b->images[b->n_images] = *im;
        b->images[b->n_images++].count = 1;
    }
}

static enum cllm_status walk(const struct src *s, struct cllm_cudabin *out, char *err, size_t errlen)
{
    uint64_t off = 0;
    memset(out, 0, sizeof(*out));
    while (off + 16 <= s->len) {
        unsigned char h[16];
        uint64_t end, e;
        if (!read_at(s, off, h, sizeof(h))) {
            cllm_errf(err, errlen, "fatbin section: cannot read at offset %llu", (unsigned long long)off);
            return CLLM_ERR_IO;
        }
        if (le32(h) != FATBIN_MAGIC) {
            static const unsigned char zero[8];
            if (memcmp(h, zero, 8) == 0) {   /* padding to the next fatbin's alignment */
                off += 8;
                continue;
            }
            cllm_errf(err, errlen, "fatbin section: no fatbin header at offset %llu (0x%08x)",
                      (unsigned long long)off, (unsigned)le32(h));
            return CLLM_ERR_PARSE;
        }
        if (le16(h + 6) < 16 || le16(h + 6) > s->len - off || le64(h + 8) > s->len - off - le16(h + 6)) {
            cllm_errf(err, errlen, "fatbin at offset %llu: header size %u and size %llu run past the section "
                      "(%llu bytes)", (unsigned long long)off, (unsigned)le16(h + 6),
                      (unsigned long long)le64(h + 8), (unsigned long long)s->len);
            return CLLM_ERR_PARSE;
        }
        out->n_fatbins++;
        e = off + le16(h + 6);
        end = e + le64(h + 8);
        while (e < end) {
            unsigned char eh[48];
            uint32_t ehs;
            uint64_t padded;
            size_t want = end - e < sizeof(eh) ? (size_t)(end - e) : sizeof(eh);
            if (want < ENTRY_MIN_HEADER || !read_at(s, e, eh, want)) {
                cllm_errf(err, errlen, "fatbin at offset %llu: a truncated entry at %llu", (unsigned long long)off,
                          (unsigned long long)e);
                return CLLM_ERR_PARSE;
            }
            ehs = le32(eh + 4);
            padded = le64(eh + 8);
            if (ehs < ENTRY_MIN_HEADER || ehs > end - e || padded > end - e - ehs) {
                cllm_errf(err, errlen, "fatbin entry at offset %llu: header size %u, payload %llu run past its "
                          "fatbin", (unsigned long long)e, (unsigned)ehs, (unsigned long long)padded);
                return CLLM_ERR_PARSE;
            }
            out->n_entries++;
            if (le16(eh) == CLLM_CUDABIN_PTX || le16(eh) == CLLM_CUDABIN_SASS) {
                struct cllm_cudabin_image im = {0};
                im.kind = (enum cllm_cudabin_kind)le16(eh);
                im.arch = (int)(le32(eh + 28) > 10000 ? 10000 : le32(eh + 28));
                if (im.kind == CLLM_CUDABIN_PTX) {
                    im.isa_minor = le16(eh + 24);
                    im.isa_major = le16(eh + 26);
                }
                im.specific = want >= 48 && ehs >= 48 && (le64(eh + 40) & FLAG_SPECIFIC);
                add_image(out, &im);
            }
            e += ehs + padded;
        }
        off = end;
    }
    if (!out->n_fatbins) {
        cllm_errf(err, errlen, "fatbin section of %llu bytes holds no fatbin", (unsigned long long)s->len);
        return CLLM_ERR_PARSE;
    }
    return CLLM_OK;
}

enum cllm_status cllm_cudabin_parse(const void *section, size_t len, struct cllm_cudabin *out, char *err,
                                    size_t errlen)
{
    struct src s = {(const unsigned char *)section, NULL, 0, len};
    if (!section && len) {
        cllm_errf(err, errlen, "no fatbin section");
        return CLLM_ERR_INVALID_ARG;
    }
    return walk(&s, out, err, errlen);
}

/* N of the first "libcudart.so.N" in the dynamic strings at off (size bytes, at most 1 MiB read); 0 none. */
static int runtime_of(FILE *f, uint64_t off, uint64_t size)
{
    static const char key[] = "libcudart.so.";
    char chunk[4096 + 32];
    uint64_t pos = 0;
    if (size > (1u << 20))
        size = 1u << 20;
    while (pos < size) {
        size_t want = size - pos < 4096 ? (size_t)(size - pos) : 4096, got;
        if (fseeko(f, (off_t)(off + pos), SEEK_SET) != 0 || (got = fread(chunk, 1, want + 16 < sizeof(chunk) ?
                                                                             want + 16 : want, f)) == 0)
            return 0;
        for (size_t i = 0; i + sizeof(key) - 1 < got; i++) {
            if (memcmp(chunk + i, key, sizeof(key) - 1) == 0) {
                int n = 0;
                for (size_t k = i + sizeof(key) - 1; k < got && chunk[k] >= '0' && chunk[k] <= '9' && n < 1000; k++)
                    n = n * 10 + (chunk[k] - '0');
                if (n > 0)
                    return n;
            }
        }
        pos += want;
    }
    return 0;
}

enum cllm_status cllm_cudabin_read(const char *path, struct cllm_cudabin *out, char *err, size_t errlen)
{
    unsigned char eh[64], sh[64];
    uint64_t shoff, str_off = 0, str_size = 0;
    unsigned shentsize, shnum, shstrndx;
    char names[4096];
    enum cllm_status st = CLLM_ERR_NOT_FOUND;
    FILE *f;

    memset(out, 0, sizeof(*out));
    f = fopen(path, "rb");
    if (!f) {
        cllm_errf(err, errlen, "cannot open %s", path);
        return CLLM_ERR_IO;
    }
    if (fread(eh, 1, sizeof(eh), f) != sizeof(eh) || memcmp(eh, "\x7f" "ELF", 4) != 0 || eh[4] != 2 || eh[5] != 1) {
        cllm_errf(err, errlen, "%s is not a 64-bit little-endian ELF file", path);
        fclose(f);
        return CLLM_ERR_PARSE;
    }
    shoff = le64(eh + 0x28);
    shentsize = le16(eh + 0x3a);
    shnum = le16(eh + 0x3c);
    shstrndx = le16(eh + 0x3e);
    if (shentsize < 64 || shstrndx >= shnum) {
        cllm_errf(err, errlen, "%s: bad section headers (entry size %u, %u sections, names in %u)", path, shentsize,
                  shnum, shstrndx);
        fclose(f);
        return CLLM_ERR_PARSE;
    }
    /* the section names' table */
    if (fseeko(f, (off_t)(shoff + (uint64_t)shstrndx * shentsize), SEEK_SET) != 0 || fread(sh, 1, 64, f) != 64) {
        cllm_errf(err, errlen, "%s: cannot read its section headers", path);
        fclose(f);
        return CLLM_ERR_PARSE;
    }
    str_off = le64(sh + 0x18);
    str_size = le64(sh + 0x20);
    if (str_size > SHSTRTAB_MAX)
        str_size = SHSTRTAB_MAX;
    for (unsigned i = 0; i < shnum; i++) {
        uint32_t name;
        size_t got;
        if (fseeko(f, (off_t)(shoff + (uint64_t)i * shentsize), SEEK_SET) != 0 || fread(sh, 1, 64, f) != 64)
            break;
        name = le32(sh);
        if (name >= str_size || fseeko(f, (off_t)(str_off + name), SEEK_SET) != 0)
            continue;
        got = fread(names, 1, sizeof(names) - 1, f);
        names[got] = '\0';
        if (strcmp(names, ".nv_fatbin") == 0) {
            struct src s = {NULL, f, le64(sh + 0x18), le64(sh + 0x20)};
            char why[CLLM_ERR_LEN];
            int runtime = out->runtime_major;
            st = walk(&s, out, why, sizeof(why));
            out->runtime_major = runtime;
            if (st != CLLM_OK) {
                cllm_errf(err, errlen, "%s: %s", path, why);
                break;
            }
        } else if (strcmp(names, ".dynstr") == 0 && !out->runtime_major) {
            out->runtime_major = runtime_of(f, le64(sh + 0x18), le64(sh + 0x20));
        }
    }
    if (st == CLLM_ERR_NOT_FOUND)
        cllm_errf(err, errlen, "%s has no .nv_fatbin section (no CUDA code)", path);
    fclose(f);
    return st;
}

int cllm_cudabin_ptx_cuda(int isa_major, int isa_minor)
{
    /* PTX ISA → the CUDA release that introduced it (NVIDIA's PTX ISA release notes) */
    static const struct { int isa, cuda; } table[] = {
        {60, 9000},  {61, 9010},  {62, 9020},  {63, 10000}, {64, 10010}, {65, 10020}, {70, 11000}, {71, 11010},
        {72, 11020}, {73, 11030}, {74, 11040}, {75, 11050}, {76, 11060}, {77, 11070}, {78, 11080}, {80, 12000},
        {81, 12010}, {82, 12020}, {83, 12030}, {84, 12040}, {85, 12050}, {86, 12070}, {87, 12080}, {88, 12090},
        {90, 13000}, {91, 13010},
    };
    int isa = isa_major * 10 + (isa_minor > 9 ? 9 : isa_minor);
    size_t n = sizeof(table) / sizeof(table[0]);
    if (isa < table[0].isa)
        return table[0].cuda;
    for (size_t i = 0; i < n; i++)
        if (table[i].isa >= isa)
            return table[i].cuda;
    return table[n - 1].cuda + 10;
}

static void image_name(const struct cllm_cudabin_image *im, char *out, size_t n)
{
    snprintf(out, n, "%s_%d%s", im->kind == CLLM_CUDABIN_SASS ? "sm" : "compute", im->arch, im->specific ? "a" : "");
}

bool cllm_cudabin_runs(const struct cllm_cudabin *b, int cc_major, int cc_minor, int driver, char *why, size_t n)
{
    int cc = cc_major * 10 + cc_minor;
    const struct cllm_cudabin_image *ptx_new = NULL, *ptx = NULL;
    char name[32];

    /* a CUDA N runtime starts on an N.x driver or newer only */
    if (driver > 0 && b->runtime_major > 0 && b->runtime_major > driver / 1000) {
        if (why)
            snprintf(why, n, "it needs the CUDA %d runtime (libcudart.so.%d), which needs a CUDA %d.x driver (this "
                     "one is CUDA %d.%d)", b->runtime_major, b->runtime_major, b->runtime_major, driver / 1000,
                     driver % 1000 / 10);
        return false;
    }

    for (int i = 0; i < b->n_images; i++) {
        const struct cllm_cudabin_image *im = &b->images[i];
        bool ok = im->kind == CLLM_CUDABIN_SASS && (im->specific ? im->arch == cc
                                                                 : im->arch / 10 == cc_major && im->arch <= cc);
        if (ok) {
            image_name(im, name, sizeof(name));
            if (why)
                snprintf(why, n, "SASS %s runs on compute capability %d.%d", name, cc_major, cc_minor);
            return true;
        }
    }
    /* the driver JITs the newest PTX at or below the GPU's capability */
    for (int i = 0; i < b->n_images; i++) {
        const struct cllm_cudabin_image *im = &b->images[i];
        if (im->kind != CLLM_CUDABIN_PTX || im->arch > cc || (im->specific && im->arch != cc))
            continue;
        if (driver > 0 && cllm_cudabin_ptx_cuda(im->isa_major, im->isa_minor) > driver) {
            if (!ptx_new || im->arch > ptx_new->arch)
                ptx_new = im;
            continue;
        }
        if (!ptx || im->arch > ptx->arch)
            ptx = im;
    }
    if (ptx) {
        image_name(ptx, name, sizeof(name));
        if (why)
            snprintf(why, n, "PTX %s (ISA %d.%d) JIT-compiled by the driver for compute capability %d.%d", name,
                     ptx->isa_major, ptx->isa_minor, cc_major, cc_minor);
        return true;
    }
    if (why) {
        if (ptx_new) {
            int need = cllm_cudabin_ptx_cuda(ptx_new->isa_major, ptx_new->isa_minor);
            image_name(ptx_new, name, sizeof(name));
            snprintf(why, n, "no SASS for compute capability %d.%d, and its PTX %s is ISA %d.%d, which needs a "
                     "CUDA %d.%d driver (this one is CUDA %d.%d)", cc_major, cc_minor, name, ptx_new->isa_major,
                     ptx_new->isa_minor, need / 1000, need % 1000 / 10, driver / 1000, driver % 1000 / 10);
        } else {
            snprintf(why, n, "no SASS for compute capability %d.%d and no PTX of an architecture at or below it",
                     cc_major, cc_minor);
        }
    }
    return false;
}

void cllm_cudabin_describe(const struct cllm_cudabin *b, char *out, size_t n)
{
    size_t used = 0;
    if (!n)
        return;
    out[0] = '\0';
    for (int pass = 0; pass < 2; pass++) {
        enum cllm_cudabin_kind kind = pass == 0 ? CLLM_CUDABIN_SASS : CLLM_CUDABIN_PTX;
        int isa_major = -1, isa_minor = -1;
        bool any = false, one_isa = true;
        for (int i = 0; i < b->n_images; i++) {
            const struct cllm_cudabin_image *im = &b->images[i];
            char name[32];
            if (im->kind != kind)
                continue;
            if (isa_major >= 0 && (im->isa_major != isa_major || im->isa_minor != isa_minor))
                one_isa = false;
            isa_major = im->isa_major;
            isa_minor = im->isa_minor;
            image_name(im, name, sizeof(name));
            if (used < n)
                used += (size_t)snprintf(out + used, n - used, "%s%s%s", any ? " " : (used ? "; " : ""),
                                         any ? "" : (kind == CLLM_CUDABIN_SASS ? "SASS " : "PTX "), name);
            if (kind == CLLM_CUDABIN_PTX && used < n && !one_isa)
                used += (size_t)snprintf(out + used, n - used, " (ISA %d.%d)", im->isa_major, im->isa_minor);
            any = true;
        }
        if (kind == CLLM_CUDABIN_PTX && any && one_isa && used < n)
            used += (size_t)snprintf(out + used, n - used, " (ISA %d.%d)", isa_major, isa_minor);
        if (!any && used < n)
            used += (size_t)snprintf(out + used, n - used, "%sno %s", used ? "; " : "",
                                     kind == CLLM_CUDABIN_SASS ? "SASS" : "PTX");
    }
    if (b->runtime_major > 0 && used < n)
        snprintf(out + used, n - used, "; CUDA %d runtime", b->runtime_major);
}

/* ---- the driver's view: libcuda's driver API, no context made ---- */

typedef int (*cu_init_fn)(unsigned flags);
typedef int (*cu_int_fn)(int *v);
typedef int (*cu_get_fn)(int *dev, int ordinal);
typedef int (*cu_attr_fn)(int *v, int attr, int dev);

int cllm_cudabin_gpus(int *cc, int max, int *driver, char *why, size_t n)
{
    static const char *const names[] = {"libcuda.so.1", "libcuda.so", NULL};
    char dlerr[512] = "";
    struct cllm_dl *dl = cllm_dl_open_first(names, dlerr, sizeof(dlerr));
    cu_init_fn init;
    cu_int_fn version, count;
    cu_get_fn get;
    cu_attr_fn attr;
    void *p[5];
    int ndev = 0, got = 0, r;

    *driver = 0;
    if (!dl) {
        cllm_errf(why, n, "no CUDA driver (libcuda): %s", dlerr);
        return 0;
    }
    p[0] = cllm_dl_sym(dl, "cuInit");
    p[1] = cllm_dl_sym(dl, "cuDriverGetVersion");
    p[2] = cllm_dl_sym(dl, "cuDeviceGetCount");
    p[3] = cllm_dl_sym(dl, "cuDeviceGet");
    p[4] = cllm_dl_sym(dl, "cuDeviceGetAttribute");
    if (!p[0] || !p[1] || !p[2] || !p[3] || !p[4]) {
        cllm_errf(why, n, "%s lacks the driver API's cuInit / cuDeviceGetAttribute", cllm_dl_path(dl));
        cllm_dl_close(dl);
        return 0;
    }
    memcpy(&init, &p[0], sizeof(init));
    memcpy(&version, &p[1], sizeof(version));
    memcpy(&count, &p[2], sizeof(count));
    memcpy(&get, &p[3], sizeof(get));
    memcpy(&attr, &p[4], sizeof(attr));
    if ((r = version(driver)) != 0)
        *driver = 0;
    if ((r = init(0)) != 0 || (r = count(&ndev)) != 0) {
        cllm_errf(why, n, "the CUDA driver answered error %d (cuInit / cuDeviceGetCount)", r);
        ndev = 0;
    }
    for (int i = 0; i < ndev && got < max; i++) {
        int dev, major = 0, minor = 0;
        /* CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR 75, _MINOR 76 */
        if (get(&dev, i) != 0 || attr(&major, 75, dev) != 0 || attr(&minor, 76, dev) != 0)
            continue;
        cc[got++] = major * 10 + minor;
    }
    if (!got && ndev == 0 && why && !why[0])
        cllm_errf(why, n, "the CUDA driver shows no GPU");
    /* libcuda stays loaded: ggml's CUDA backend loads it again right after */
    cllm_dl_close(dl);
    return got;
}

enum cllm_cudabin_pick cllm_cudabin_pick(const char *main_lib, const char *fallback_lib, const int *cc, int n,
                                         int driver, char *note, size_t notelen)
{
    struct cllm_cudabin mb, fb;
    char err[CLLM_ERR_LEN], why[400], mdesc[300], fdesc[300];
    int bad = -1;

    if (cllm_cudabin_read(main_lib, &mb, err, sizeof(err)) != CLLM_OK) {
        cllm_errf(note, notelen, "main CUDA build not checked: %s", err);
        return CLLM_CUDABIN_MAIN;
    }
    cllm_cudabin_describe(&mb, mdesc, sizeof(mdesc));
    for (int i = 0; i < n && bad < 0; i++)
        if (!cllm_cudabin_runs(&mb, cc[i] / 10, cc[i] % 10, driver, why, sizeof(why)))
            bad = i;
    if (bad < 0) {
        cllm_errf(note, notelen, "main CUDA build (%s) runs on every GPU", mdesc);
        return CLLM_CUDABIN_MAIN;
    }
    if (!fallback_lib) {
        cllm_errf(note, notelen, "the CUDA build cannot run on GPU %d: %s (%s); no fallback build beside it", bad,
                  why, mdesc);
        return CLLM_CUDABIN_NONE;
    }
    if (cllm_cudabin_read(fallback_lib, &fb, err, sizeof(err)) != CLLM_OK) {
        cllm_errf(note, notelen, "the main CUDA build cannot run on GPU %d: %s (%s); the fallback is unreadable: "
                  "%s", bad, why, mdesc, err);
        return CLLM_CUDABIN_NONE;
    }
    cllm_cudabin_describe(&fb, fdesc, sizeof(fdesc));
    for (int i = 0; i < n; i++) {
        char fwhy[400];
        if (!cllm_cudabin_runs(&fb, cc[i] / 10, cc[i] % 10, driver, fwhy, sizeof(fwhy))) {
            cllm_errf(note, notelen, "neither CUDA build runs on GPU %d: main (%s): %s; fallback (%s): %s", i,
                      mdesc, why, fdesc, fwhy);
            return CLLM_CUDABIN_NONE;
        }
    }
    cllm_errf(note, notelen, "fallback CUDA build (%s) chosen: the main one (%s) cannot run on GPU %d: %s", fdesc,
              mdesc, bad, why);
    return CLLM_CUDABIN_FALLBACK;
}
