/* llm/cudabin: the images of a .nv_fatbin section (fatbins made here, entry by entry, and wrapped in a minimal ELF
 * file), the driver's rule of which GPU runs which image, the pick between a main and a fallback build, and — when
 * scripts/setup --llama-variant cuda installed it — node-llama-cpp's real CUDA library and its fallback. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llm/cudabin.h"
#include "test.h"

struct buf {
    unsigned char b[1 << 16];
    size_t n;
};

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }
static void put64(unsigned char *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* One fatbin: n entries of (kind, arch, isa major, isa minor, flags), payload_len bytes each. */
struct ent { int kind, arch, isa_major, isa_minor; uint64_t flags; };

static void fatbin(struct buf *o, const struct ent *e, int n, uint32_t payload_len)
{
    size_t start = o->n, body = 0;
    unsigned char *h = o->b + start;
    memset(h, 0, 16);
    o->n += 16;
    for (int i = 0; i < n; i++) {
        unsigned char *eh = o->b + o->n;
        memset(eh, 0, 64 + payload_len);
        put16(eh, (unsigned)e[i].kind);
        put16(eh + 2, 0x0101);
        put32(eh + 4, 64);
        put64(eh + 8, payload_len);
        put32(eh + 16, payload_len);
        put16(eh + 24, (unsigned)e[i].isa_minor);
        put16(eh + 26, (unsigned)e[i].isa_major);
        put32(eh + 28, (uint32_t)e[i].arch);
        put64(eh + 40, e[i].flags);
        o->n += 64 + payload_len;
        body += 64 + payload_len;
    }
    put32(h, 0xBA55ED50u);
    put16(h + 4, 1);
    put16(h + 6, 16);
    put64(h + 8, body);
    while (o->n % 8)
        o->b[o->n++] = 0;
}

/* node-llama-cpp 3.22.1's main CUDA build, as read off its libggml-cuda.so: PTX 7.5/8.0/9.0 at ISA 9.1, SASS
 * sm_86, sm_89, sm_120a, sm_121a (zstd payloads: flag 0x8000) */
static const struct ent k_main[] = {
    {1, 75, 9, 1, 0x8011}, {1, 80, 9, 1, 0x8011}, {2, 86, 0, 0, 0x8011}, {2, 89, 0, 0, 0x8011},
    {1, 90, 9, 1, 0x8011}, {2, 120, 0, 0, 0x1108011}, {2, 121, 0, 0, 0x1108011},
};
/* and its fallback: PTX 5.0 .. 8.0 at ISA 8.4 (LZ4: 0x2000), SASS sm_86 */
static const struct ent k_fallback[] = {
    {1, 50, 8, 4, 0x2011}, {1, 61, 8, 4, 0x2011}, {1, 70, 8, 4, 0x2011}, {1, 75, 8, 4, 0x2011},
    {1, 80, 8, 4, 0x2011}, {2, 86, 0, 0, 0x11},
};

static void make(struct buf *o, const struct ent *e, int n, int copies)
{
    o->n = 0;
    for (int c = 0; c < copies; c++) {
        fatbin(o, e, n, 24);
        if (c == 0) {   /* zero padding between fatbins, as the linker leaves it */
            memset(o->b + o->n, 0, 16);
            o->n += 16;
        }
    }
}

static const struct cllm_cudabin_image *find(const struct cllm_cudabin *b, int kind, int arch)
{
    for (int i = 0; i < b->n_images; i++)
        if ((int)b->images[i].kind == kind && b->images[i].arch == arch)
            return &b->images[i];
    return NULL;
}

static void test_parse_main(void)
{
    static struct buf o;
    struct cllm_cudabin b;
    char err[256], d[300];
    make(&o, k_main, 7, 3);
    CHECK_INT(cllm_cudabin_parse(o.b, o.n, &b, err, sizeof(err)), CLLM_OK);
    CHECK_INT(b.n_fatbins, 3);
    CHECK_INT(b.n_entries, 21);
    CHECK_INT(b.n_images, 7);
    CHECK(find(&b, 1, 90) && find(&b, 1, 90)->isa_major == 9 && find(&b, 1, 90)->isa_minor == 1);
    CHECK(find(&b, 1, 90) && find(&b, 1, 90)->count == 3);
    CHECK(find(&b, 2, 120) && find(&b, 2, 120)->specific);
    CHECK(find(&b, 2, 86) && !find(&b, 2, 86)->specific);
    cllm_cudabin_describe(&b, d, sizeof(d));
    CHECK_STR(d, "SASS sm_86 sm_89 sm_120a sm_121a; PTX compute_75 compute_80 compute_90 (ISA 9.1)");
}

static void test_rule(void)
{
    static struct buf o;
    struct cllm_cudabin m, f;
    char err[256], why[400];
    make(&o, k_main, 7, 1);
    CHECK_INT(cllm_cudabin_parse(o.b, o.n, &m, err, sizeof(err)), CLLM_OK);
    make(&o, k_fallback, 6, 1);
    CHECK_INT(cllm_cudabin_parse(o.b, o.n, &f, err, sizeof(err)), CLLM_OK);

    /* the H200 under a CUDA 13.0 driver: no sm_9x SASS, and PTX ISA 9.1 needs 13.1 */
    CHECK(!cllm_cudabin_runs(&m, 9, 0, 13000, why, sizeof(why)));
    CHECK(strstr(why, "compute_90 is ISA 9.1, which needs a CUDA 13.1 driver (this one is CUDA 13.0)") != NULL);
    /* a 13.1 driver JITs it */
    CHECK(cllm_cudabin_runs(&m, 9, 0, 13010, why, sizeof(why)));
    CHECK(strstr(why, "PTX compute_90 (ISA 9.1)") != NULL);
    /* the fallback's PTX 8.0 at ISA 8.4 runs on 9.0 under 13.0 */
    CHECK(cllm_cudabin_runs(&f, 9, 0, 13000, why, sizeof(why)));
    CHECK(strstr(why, "compute_80") != NULL);
    /* SASS: same major, minor at or below: sm_86 on an 8.9 card and on 8.6, not on 8.0 */
    CHECK(cllm_cudabin_runs(&m, 8, 9, 12040, why, sizeof(why)));
    CHECK(strstr(why, "SASS sm_86") != NULL || strstr(why, "SASS sm_89") != NULL);
    CHECK(cllm_cudabin_runs(&m, 8, 6, 12040, why, sizeof(why)));
    /* 8.0 has no SASS; PTX compute_75 / compute_80 need 13.1 */
    CHECK(!cllm_cudabin_runs(&m, 8, 0, 13000, why, sizeof(why)));
    CHECK(cllm_cudabin_runs(&f, 8, 0, 13000, why, sizeof(why)));
    /* arch-specific sm_120a: 12.0 only, not 12.1 (which has its own sm_121a) nor a future 12.2 */
    CHECK(cllm_cudabin_runs(&m, 12, 0, 13000, why, sizeof(why)));
    CHECK(strstr(why, "sm_120a") != NULL);
    CHECK(cllm_cudabin_runs(&m, 12, 1, 13000, why, sizeof(why)));
    CHECK(strstr(why, "sm_121a") != NULL);
    CHECK(!cllm_cudabin_runs(&m, 12, 2, 13000, why, sizeof(why)));
    /* a GPU older than every image */
    CHECK(!cllm_cudabin_runs(&f, 3, 5, 13000, why, sizeof(why)));
    CHECK(strstr(why, "no PTX of an architecture at or below it") != NULL);
    /* driver unknown (0): PTX counted as runnable */
    CHECK(cllm_cudabin_runs(&m, 9, 0, 0, why, sizeof(why)));
    /* the runtime: a CUDA 13 build does not start on a 12.x driver, whatever its kernels; a CUDA 12 one does on
     * 13.0 */
    m.runtime_major = 13;
    CHECK(!cllm_cudabin_runs(&m, 8, 6, 12080, why, sizeof(why)));
    CHECK(strstr(why, "needs the CUDA 13 runtime (libcudart.so.13), which needs a CUDA 13.x driver (this one is "
                      "CUDA 12.8)") != NULL);
    CHECK(cllm_cudabin_runs(&m, 8, 6, 13000, why, sizeof(why)));
    f.runtime_major = 12;
    CHECK(cllm_cudabin_runs(&f, 9, 0, 13000, why, sizeof(why)));
}

static void test_ptx_table(void)
{
    CHECK_INT(cllm_cudabin_ptx_cuda(9, 1), 13010);
    CHECK_INT(cllm_cudabin_ptx_cuda(9, 0), 13000);
    CHECK_INT(cllm_cudabin_ptx_cuda(8, 4), 12040);
    CHECK_INT(cllm_cudabin_ptx_cuda(8, 6), 12070);
    CHECK_INT(cllm_cudabin_ptx_cuda(5, 0), 9000);
    CHECK(cllm_cudabin_ptx_cuda(9, 5) > 13010);
}

static void test_bad_sections(void)
{
    static struct buf o;
    struct cllm_cudabin b;
    char err[256];
    make(&o, k_main, 7, 1);
    /* not a fatbin */
    CHECK_INT(cllm_cudabin_parse("hello, world, not a fatbin", 26, &b, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "no fatbin header at offset 0") != NULL);
    /* empty, or zeros only */
    CHECK_INT(cllm_cudabin_parse(o.b + o.n, 0, &b, err, sizeof(err)), CLLM_ERR_PARSE);
    /* truncated: the header says more than there is */
    CHECK_INT(cllm_cudabin_parse(o.b, o.n - 40, &b, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "run past the section") != NULL);
    /* an entry whose payload runs past its fatbin */
    put64(o.b + 16 + 8, 1u << 30);
    CHECK_INT(cllm_cudabin_parse(o.b, o.n, &b, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "run past its fatbin") != NULL);
    /* an entry header too small to hold the architecture */
    make(&o, k_main, 7, 1);
    put32(o.b + 16 + 4, 8);
    CHECK_INT(cllm_cudabin_parse(o.b, o.n, &b, err, sizeof(err)), CLLM_ERR_PARSE);
}

/* A minimal ELF64 shared object: header, the section names, the .nv_fatbin bytes, three section headers. */
static void write_elf(const char *path, const struct buf *fb)
{
    static unsigned char f[1 << 17];
    static const char names[] = "\0.shstrtab\0.nv_fatbin\0";
    size_t names_off = 64, fb_off = 128, sh_off = (fb_off + fb->n + 7) / 8 * 8, n = sh_off + 3 * 64;
    FILE *out;
    memset(f, 0, n);
    memcpy(f, "\x7f" "ELF", 4);
    f[4] = 2;
    f[5] = 1;
    f[6] = 1;
    put16(f + 16, 3);       /* ET_DYN */
    put16(f + 18, 62);      /* x86-64 */
    put64(f + 0x28, sh_off);
    put16(f + 0x34, 64);
    put16(f + 0x3a, 64);
    put16(f + 0x3c, 3);
    put16(f + 0x3e, 1);
    memcpy(f + names_off, names, sizeof(names));
    memcpy(f + fb_off, fb->b, fb->n);
    /* [1] .shstrtab */
    put32(f + sh_off + 64, 1);
    put32(f + sh_off + 64 + 4, 3);
    put64(f + sh_off + 64 + 0x18, names_off);
    put64(f + sh_off + 64 + 0x20, sizeof(names));
    /* [2] .nv_fatbin */
    put32(f + sh_off + 128, 11);
    put32(f + sh_off + 128 + 4, 1);
    put64(f + sh_off + 128 + 0x18, fb_off);
    put64(f + sh_off + 128 + 0x20, fb->n);
    out = fopen(path, "wb");
    CHECK(out != NULL);
    if (out) {
        CHECK(fwrite(f, 1, n, out) == n);
        fclose(out);
    }
}

static void test_elf_and_pick(void)
{
    static struct buf o;
    char dir[] = "/tmp/cllm_cudabin.XXXXXX", mainp[64], fbp[64], plain[64], note[1024], err[256];
    struct cllm_cudabin b;
    int h200[] = {90}, mixed[] = {89, 90}, ada[] = {89}, old[] = {35};
    FILE *f;
    CHECK(mkdtemp(dir) != NULL);
    snprintf(mainp, sizeof(mainp), "%s/main.so", dir);
    snprintf(fbp, sizeof(fbp), "%s/fallback.so", dir);
    snprintf(plain, sizeof(plain), "%s/plain.so", dir);
    make(&o, k_main, 7, 2);
    write_elf(mainp, &o);
    make(&o, k_fallback, 6, 2);
    write_elf(fbp, &o);
    CHECK_INT(cllm_cudabin_read(mainp, &b, err, sizeof(err)), CLLM_OK);
    CHECK_INT(b.n_fatbins, 2);
    CHECK_INT(b.n_images, 7);

    CHECK_INT(cllm_cudabin_pick(mainp, fbp, h200, 1, 13000, note, sizeof(note)), CLLM_CUDABIN_FALLBACK);
    CHECK(strstr(note, "fallback CUDA build (SASS sm_86; PTX compute_50") != NULL);
    CHECK(strstr(note, "cannot run on GPU 0") != NULL);
    CHECK_INT(cllm_cudabin_pick(mainp, fbp, h200, 1, 13010, note, sizeof(note)), CLLM_CUDABIN_MAIN);
    CHECK_INT(cllm_cudabin_pick(mainp, fbp, ada, 1, 13000, note, sizeof(note)), CLLM_CUDABIN_MAIN);
    /* one GPU the main build cannot run is enough to take the fallback (which runs both) */
    CHECK_INT(cllm_cudabin_pick(mainp, fbp, mixed, 2, 13000, note, sizeof(note)), CLLM_CUDABIN_FALLBACK);
    CHECK(strstr(note, "GPU 1") != NULL);
    CHECK_INT(cllm_cudabin_pick(mainp, NULL, h200, 1, 13000, note, sizeof(note)), CLLM_CUDABIN_NONE);
    CHECK(strstr(note, "no fallback build") != NULL);
    CHECK_INT(cllm_cudabin_pick(mainp, fbp, old, 1, 13000, note, sizeof(note)), CLLM_CUDABIN_NONE);
    CHECK(strstr(note, "neither CUDA build runs on GPU 0") != NULL);
    /* unreadable main: left to the driver, as without the check */
    CHECK_INT(cllm_cudabin_pick("/nonexistent/libggml-cuda.so", fbp, h200, 1, 13000, note, sizeof(note)),
              CLLM_CUDABIN_MAIN);
    CHECK(strstr(note, "not checked") != NULL);

    /* not an ELF; an ELF without the section */
    f = fopen(plain, "wb");
    if (f) {
        fputs("#!/bin/sh\n", f);
        fclose(f);
    }
    CHECK_INT(cllm_cudabin_read(plain, &b, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "not a 64-bit little-endian ELF") != NULL);
    o.n = 0;
    {
        struct buf none = {{0}, 16};
        write_elf(plain, &none);   /* a zero-filled ".nv_fatbin": holds no fatbin */
        CHECK_INT(cllm_cudabin_read(plain, &b, err, sizeof(err)), CLLM_ERR_PARSE);
    }
    unlink(mainp);
    unlink(fbp);
    unlink(plain);
    rmdir(dir);
}

/* The real library, when installed (scripts/setup --llama-variant cuda): the images cuobjdump would list. */
static void test_real_library(void)
{
    const char *data = getenv("CLLM_TEST_DATA");
    char mainp[1024], fbp[1024], err[CLLM_ERR_LEN], d[400], note[1024];
    struct cllm_cudabin m, f;
    int h200[] = {90};
    snprintf(mainp, sizeof(mainp), "%s/../../.deps/llama/cuda/libggml-cuda.so", data ? data : "tests/data");
    snprintf(fbp, sizeof(fbp), "%s/../../.deps/llama/cuda/fallback/libggml-cuda.so", data ? data : "tests/data");
    if (access(mainp, R_OK) != 0 || access(fbp, R_OK) != 0)
        SKIP("no .deps/llama/cuda/{,fallback/}libggml-cuda.so (scripts/setup --llama-variant cuda installs them)");
    CHECK_INT(cllm_cudabin_read(mainp, &m, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_cudabin_read(fbp, &f, err, sizeof(err)), CLLM_OK);
    cllm_cudabin_describe(&m, d, sizeof(d));
    fprintf(stderr, "  main:     %s (%d fatbins)\n", d, m.n_fatbins);
    cllm_cudabin_describe(&f, d, sizeof(d));
    fprintf(stderr, "  fallback: %s (%d fatbins)\n", d, f.n_fatbins);
    CHECK(m.n_fatbins > 10);
    CHECK(find(&m, 2, 86) != NULL);
    CHECK(find(&f, 1, 80) != NULL);
    /* their NEEDED entries: libcudart.so.13 and libcudart.so.12 */
    CHECK_INT(m.runtime_major, 13);
    CHECK_INT(f.runtime_major, 12);
    /* what happened on the H200 (driver 580, CUDA 13.0) */
    CHECK_INT(cllm_cudabin_pick(mainp, fbp, h200, 1, 13000, note, sizeof(note)), CLLM_CUDABIN_FALLBACK);
    fprintf(stderr, "  H200, CUDA 13.0: %s\n", note);
}

int main(void)
{
    RUN(test_parse_main);
    RUN(test_rule);
    RUN(test_ptx_table);
    RUN(test_bad_sections);
    RUN(test_elf_and_pick);
    RUN(test_real_library);
    return test_summary();
}
