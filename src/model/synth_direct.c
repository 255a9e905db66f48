/* The direct writer of synthetic models: the type mix learned from llama.cpp's quantizer on a skeleton of the
 * model, then random valid blocks of those types streamed into the file (no F16 intermediate). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/file.h"
#include "core/log.h"
#include "core/strutil.h"
#include "llm/llama_api.h"
#include "model/gguf.h"
#include "model/synth.h"
#include "model/synth_internal.h"

#define POOL_ELEMS  (1u << 22)   /* weights quantized per type for the pool: 16384 blocks of 256, 131072 of 32 */
#define BUF_BYTES   (8u << 20)   /* one write_data call */
#define SKEL_ROW    256u         /* k-quant block: a skeleton row length keeps divisibility by it */

/* ---------------------------------------------------------------- the skeleton */

static uint32_t gcd_u32(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Same layer count, heads, KV heads, vocabulary and arch (llama.cpp's rules read those: n_gqa, the model type from
 * n_layer / n_head == n_head_kv / n_vocab, per-layer counters); rows as short as they can be while a row length
 * that is a multiple of 256 stays one (a row that is not keeps its real length, so its fallback type is the
 * real one's). */
static void skeleton_of(const struct cllm_synth_params *p, struct cllm_synth_params *s)
{
    *s = *p;
    if (p->n_embd % SKEL_ROW == 0) {
        uint32_t hd = SKEL_ROW / gcd_u32(p->n_head, SKEL_ROW);
        if (hd % 2)
            hd *= 2; /* rope needs an even head size */
        s->n_embd = p->n_head * hd;
    }
    if (p->n_ff % SKEL_ROW == 0)
        s->n_ff = SKEL_ROW;
    s->progress = NULL;
}

/* Index of the real tensor named `name` (the quantizer writes them in its own order). */
static bool spec_by_name(const struct cllm_synth_params *p, const char *name, struct cllm_synth_spec *t)
{
    for (size_t i = 0; cllm_synth_tensor_at(p, i, t); i++)
        if (strcmp(t->name, name) == 0)
            return true;
    return false;
}

void cllm_synth_mix_free(struct cllm_synth_mix *m)
{
    if (!m)
        return;
    free(m->t);
    memset(m, 0, sizeof(*m));
}

/* F16: every matrix F16, norms F32, in our order (the F16 file is written by us, not the quantizer). */
static enum cllm_status f16_mix(const struct cllm_synth_params *p, struct cllm_synth_mix *out)
{
    struct cllm_synth_spec t;
    size_t n = 0;
    while (cllm_synth_tensor_at(p, n, &t))
        n++;
    out->t = calloc(n, sizeof(*out->t));
    if (!out->t)
        return CLLM_ERR_NOMEM;
    for (size_t i = 0; cllm_synth_tensor_at(p, i, &t); i++) {
        cllm_strlcpy(out->t[i].name, t.name, sizeof(out->t[i].name));
        out->t[i].type = t.kind == CLLM_SYNTH_NORM ? CLLM_GGML_F32 : CLLM_GGML_F16;
        out->t[i].n_dims = t.n_dims;
        out->t[i].ne[0] = t.ne[0];
        out->t[i].ne[1] = t.ne[1];
    }
    out->n = n;
    out->file_type = CLLM_LLAMA_FTYPE_F16;
    out->quant_version = 0;
    return CLLM_OK;
}

/* Reads the quantized skeleton's tensor types onto the real shapes, in the quantizer's order. */
static enum cllm_status read_mix(const struct cllm_synth_params *p, const char *qpath, struct cllm_synth_mix *out,
                                 char *err, size_t errlen)
{
    struct cllm_gguf *g = NULL;
    struct cllm_synth_spec t;
    size_t n_real = 0, n;
    uint64_t u;
    enum cllm_status st;

    if ((st = cllm_gguf_open(qpath, &g, err, errlen)))
        return st;
    while (cllm_synth_tensor_at(p, n_real, &t))
        n_real++;
    n = cllm_gguf_n_tensors(g);
    if (n != n_real) {
        snprintf(err, errlen, "the quantized skeleton has %zu tensors, the model %zu", n, n_real);
        st = CLLM_ERR_INTERNAL;
        goto cleanup;
    }
    if (!(out->t = calloc(n, sizeof(*out->t)))) {
        snprintf(err, errlen, "out of memory");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const struct cllm_gguf_tensor *q = cllm_gguf_tensor_at(g, i);
        const char *tname = "?";
        if (!spec_by_name(p, q->name, &t)) {
            snprintf(err, errlen, "the quantized skeleton has a tensor '%s' the model lacks", q->name);
            st = CLLM_ERR_INTERNAL;
            goto cleanup;
        }
        if (cllm_ggml_nbytes(q->type, t.ne[0]) == 0) {
            cllm_ggml_type_info(q->type, &tname, NULL, NULL);
            snprintf(err, errlen, "%s: type %s learned from the skeleton does not fit rows of %" PRIu64, q->name,
                     tname, t.ne[0]);
            st = CLLM_ERR_INTERNAL;
            goto cleanup;
        }
        cllm_strlcpy(out->t[i].name, t.name, sizeof(out->t[i].name));
        out->t[i].type = q->type;
        out->t[i].n_dims = t.n_dims;
        out->t[i].ne[0] = t.ne[0];
        out->t[i].ne[1] = t.ne[1];
    }
    out->n = n;
    out->file_type = cllm_gguf_get_uint(g, "general.file_type", &u) ? (uint32_t)u : 0;
    out->quant_version = cllm_gguf_get_uint(g, "general.quantization_version", &u) ? (uint32_t)u : 0;

cleanup:
    cllm_gguf_close(g);
    if (st)
        cllm_synth_mix_free(out);
    return st;
}

enum cllm_status cllm_synth_learn_mix(const struct cllm_synth_params *p, struct cllm_synth_mix *out, char *err,
                                      size_t errlen)
{
    char dir[PATH_MAX], f16_path[PATH_MAX], q_path[PATH_MAX], why[512];
    const char *slash = p->path ? strrchr(p->path, '/') : NULL;
    const struct cllm_llama *L = p->llama;
    struct cllm_synth_params s;
    struct cllm_llama_quantize_params qp;
    int ftype;
    uint32_t rc;
    enum cllm_status st;

    memset(out, 0, sizeof(*out));
    if (!cllm_synth_shape_valid(p, err, errlen))
        return CLLM_ERR_INVALID_ARG;
    if (!cllm_synth_quant_ftype(p->quant ? p->quant : "Q4_K_M", &ftype)) {
        snprintf(err, errlen, "unknown quantization '%s'", p->quant);
        return CLLM_ERR_INVALID_ARG;
    }
    if (ftype == CLLM_LLAMA_FTYPE_F16) {
        if (f16_mix(p, out) != CLLM_OK) {
            snprintf(err, errlen, "out of memory");
            return CLLM_ERR_NOMEM;
        }
        return CLLM_OK;
    }
    if (!L && (st = cllm_llama_load(NULL, &L, why, sizeof(why)))) {
        snprintf(err, errlen, "learning the %s type mix needs llama.cpp's library: %s (run scripts/setup)", p->quant,
                 why);
        return CLLM_ERR_LIBRARY;
    }
    if (p->tmp_dir)
        cllm_strlcpy(dir, p->tmp_dir, sizeof(dir));
    else if (p->path)
        cllm_path_dirname(p->path, dir, sizeof(dir));
    else
        cllm_strlcpy(dir, ".", sizeof(dir));
    if (snprintf(f16_path, sizeof(f16_path), "%s/.%s.mix-%ld.f16.tmp", dir, slash ? slash + 1 : "synth",
                 (long)getpid()) >= (int)sizeof(f16_path) ||
        snprintf(q_path, sizeof(q_path), "%s/.%s.mix-%ld.q.tmp", dir, slash ? slash + 1 : "synth",
                 (long)getpid()) >= (int)sizeof(q_path)) {
        snprintf(err, errlen, "%s: path too long", dir);
        return CLLM_ERR_INVALID_ARG;
    }
    skeleton_of(p, &s);
    CLLM_LOG(CLLM_LOG_DEBUG, "synth: skeleton n_embd %u n_ff %u (model %u, %u) for the %s mix", s.n_embd, s.n_ff,
             p->n_embd, p->n_ff, p->quant);
    if ((st = cllm_synth_write_f16(&s, f16_path, false, err, errlen)))
        goto cleanup;
    qp = L->model_quantize_default_params();
    qp.nthread = p->n_threads > 0 ? p->n_threads : 0;
    qp.ftype = ftype;
    rc = L->model_quantize(f16_path, q_path, &qp);
    if (rc != 0) {
        cllm_llama_take_error(why, sizeof(why));
        snprintf(err, errlen, "llama_model_quantize of the %s skeleton failed (code %u)%s%s", p->quant, rc,
                 *why ? ": " : "", why);
        st = CLLM_ERR_LIBRARY;
        goto cleanup;
    }
    st = read_mix(p, q_path, out, err, errlen);

cleanup:
    remove(f16_path);
    remove(q_path);
    return st;
}

/* ---------------------------------------------------------------- block pools */

/* A type's blocks quantized from random normal weights, and the bytes of a block that hold quants: packed 2..6-bit
 * fields (any bit pattern there is a value within the type's range: varied by XOR) or Q8_0's int8 values (in
 * -127..127: varied by swapping values within the block, which keeps every one in range). Scales are never
 * touched. Layouts: ggml-common.h's block_q* structs. */
struct pool {
    enum cllm_ggml_type type;
    uint8_t            *bytes;
    uint32_t            block_bytes, mask;
    uint32_t            var_off, var_len;
    bool                var_swap;
};

static void quant_bits_of(enum cllm_ggml_type t, uint32_t *off, uint32_t *len, bool *swap)
{
    *swap = false;
    switch (t) {
    case CLLM_GGML_Q8_0: *off = 2; *len = 32; *swap = true; break; /* d, qs[32] int8 */
    case CLLM_GGML_Q4_0: *off = 2; *len = 16; break;    /* d, qs[16] */
    case CLLM_GGML_Q4_1: *off = 4; *len = 16; break;    /* d, m, qs[16] */
    case CLLM_GGML_Q5_0: *off = 2; *len = 20; break;    /* d, qh[4], qs[16] */
    case CLLM_GGML_Q5_1: *off = 4; *len = 20; break;    /* d, m, qh[4], qs[16] */
    case CLLM_GGML_Q2_K: *off = 16; *len = 64; break;   /* scales[16], qs[64], d, dmin */
    case CLLM_GGML_Q3_K: *off = 0; *len = 96; break;    /* hmask[32], qs[64], scales[12], d */
    case CLLM_GGML_Q4_K: *off = 16; *len = 128; break;  /* d, dmin, scales[12], qs[128] */
    case CLLM_GGML_Q5_K: *off = 16; *len = 160; break;  /* d, dmin, scales[12], qh[32], qs[128] */
    case CLLM_GGML_Q6_K: *off = 0; *len = 192; break;   /* ql[128], qh[64], scales[16], d */
    default: *off = 0; *len = 0; break;                 /* others: picked from the pool as they are */
    }
}

static enum cllm_status pool_build(const struct cllm_llama *L, enum cllm_ggml_type type, uint64_t seed,
                                   struct pool *pl, char *err, size_t errlen)
{
    const uint16_t *normal = cllm_synth_normal_halves();
    uint32_t be, bb;
    const char *tname = "?";
    float *src;
    size_t n_blocks, got;
    uint64_t rng = seed ^ 0x5851f42d4c957f2dull * ((uint64_t)type + 1);

    memset(pl, 0, sizeof(*pl));
    cllm_ggml_type_info(type, &tname, &be, &bb);
    if (!L->ggml_quantize_chunk) {
        snprintf(err, errlen, "the loaded libllama's ggml lacks ggml_quantize_chunk: write the model with the "
                 "quantizer instead (--via-quantizer)");
        return CLLM_ERR_LIBRARY;
    }
    n_blocks = POOL_ELEMS / be;
    src = malloc((size_t)POOL_ELEMS * sizeof(float));
    pl->bytes = malloc(n_blocks * bb);
    if (!src || !pl->bytes) {
        free(src);
        free(pl->bytes);
        pl->bytes = NULL;
        snprintf(err, errlen, "out of memory for the %s block pool", tname);
        return CLLM_ERR_NOMEM;
    }
    for (size_t i = 0; i < POOL_ELEMS; i += 4) {
        uint64_t r = cllm_synth_splitmix64(&rng);
        for (int k = 0; k < 4; k++)
            src[i + (size_t)k] = cllm_synth_half_to_float(normal[(r >> (16 * k)) & 0xffff]);
    }
    if (L->ggml_quantize_init)
        L->ggml_quantize_init((int)type);
    got = L->ggml_quantize_chunk((int)type, src, pl->bytes, 0, POOL_ELEMS / 4096, 4096, NULL);
    free(src);
    if (got != n_blocks * bb ||
        (L->ggml_validate_row_data && !L->ggml_validate_row_data((int)type, pl->bytes, n_blocks * bb))) {
        free(pl->bytes);
        pl->bytes = NULL;
        snprintf(err, errlen, "ggml's %s quantizer gave %zu bytes for %zu blocks of %u%s", tname, got, n_blocks, bb,
                 got == n_blocks * bb ? " that ggml_validate_row_data refuses" : "");
        return CLLM_ERR_LIBRARY;
    }
    pl->type = type;
    pl->block_bytes = bb;
    pl->mask = (uint32_t)(n_blocks - 1);   /* POOL_ELEMS / block size: a power of two */
    quant_bits_of(type, &pl->var_off, &pl->var_len, &pl->var_swap);
    return CLLM_OK;
}

/* n blocks of the pool's type into dst: one PRNG draw each picks the pool block and varies its quants (8 bytes
 * XORed, or four pairs of Q8_0 values swapped). */
static void pool_fill(const struct pool *pl, uint8_t *dst, size_t n, uint64_t *rng)
{
    const size_t bb = pl->block_bytes;
    const uint64_t span = pl->var_len >= 8 ? pl->var_len - 7 : 0;
    for (size_t b = 0; b < n; b++, dst += bb) {
        uint64_t r = cllm_synth_splitmix64(rng), x, v;
        memcpy(dst, pl->bytes + (size_t)(r & pl->mask) * bb, bb);
        if (pl->var_swap) {
            uint8_t *q = dst + pl->var_off;
            x = r * 0x9e3779b97f4a7c15ull;   /* 8 positions of 5 bits: var_len is 32 */
            for (int k = 0; k < 4; k++) {
                uint8_t *a = q + ((x >> (10 * k)) & 31), *c = q + ((x >> (10 * k + 5)) & 31), t = *a;
                *a = *c;
                *c = t;
            }
        } else if (span) {
            size_t at = pl->var_off + (size_t)(((r >> 32) * span) >> 32);
            memcpy(&v, dst + at, 8);
            x = r * 0x9e3779b97f4a7c15ull;
            v ^= x;
            memcpy(dst + at, &v, 8);
        }
    }
}

/* ---------------------------------------------------------------- the writer */

static const struct pool *pool_of(const struct pool *pools, size_t n, enum cllm_ggml_type t)
{
    for (size_t i = 0; i < n; i++)
        if (pools[i].type == t)
            return &pools[i];
    return NULL;
}

enum cllm_status cllm_synth_write_direct(const struct cllm_synth_params *p, const struct cllm_llama *L, int ftype,
                                         char *err, size_t errlen)
{
    char out_dir[PATH_MAX];
    struct cllm_synth_params q = *p;
    struct cllm_synth_mix mix = {0};
    struct cllm_gguf_writer *w = NULL;
    struct cllm_gguf *g = NULL;
    struct pool pools[8];
    size_t n_pools = 0;
    uint8_t *buf = NULL;
    const uint16_t *normal = cllm_synth_normal_halves();
    uint64_t total, done = 0, tmp_need, out_need;
    double last = 0, t0;
    bool synthetic = false;
    enum cllm_status st;

    (void)ftype;
    memset(pools, 0, sizeof(pools));
    cllm_path_dirname(p->path, out_dir, sizeof(out_dir));
    q.llama = L;
    if (!cllm_synth_report(p, CLLM_SYNTH_STAGE_MIX, 0.0, NULL)) {
        snprintf(err, errlen, "cancelled");
        return CLLM_ERR_CANCELLED;
    }
    if ((st = cllm_synth_learn_mix(&q, &mix, err, errlen)))
        return st;
    if (!cllm_synth_report(p, CLLM_SYNTH_STAGE_MIX, 1.0, NULL)) {
        snprintf(err, errlen, "cancelled");
        st = CLLM_ERR_CANCELLED;
        goto cleanup;
    }
    if (!(w = cllm_gguf_writer_new()) || !(buf = malloc(BUF_BYTES))) {
        snprintf(err, errlen, "out of memory");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    if ((st = cllm_synth_set_metadata(p, w, mix.file_type, mix.quant_version, err, errlen)))
        goto cleanup;
    for (size_t i = 0; i < mix.n; i++) {
        const struct cllm_synth_tensor *t = &mix.t[i];
        uint32_t be;
        if ((st = cllm_gguf_add_tensor(w, t->name, t->type, t->n_dims, t->ne))) {
            snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
            goto cleanup;
        }
        cllm_ggml_type_info(t->type, NULL, &be, NULL);
        if (be > 1 && !pool_of(pools, n_pools, t->type)) {
            if (n_pools == sizeof(pools) / sizeof(pools[0])) {
                snprintf(err, errlen, "more than %zu quantized types in the %s mix", n_pools, p->quant);
                st = CLLM_ERR_INTERNAL;
                goto cleanup;
            }
            if ((st = pool_build(L, t->type, p->seed, &pools[n_pools], err, errlen)))
                goto cleanup;
            n_pools++;
        }
    }
    total = cllm_gguf_writer_total_bytes(w);
    /* the final file is all the disk this needs: nothing else is written beside it (tmp_need 0) */
    cllm_synth_disk_need(p, total, &tmp_need, &out_need);
    if ((st = cllm_synth_check_space(out_dir, out_dir, tmp_need, out_need, err, errlen)))
        goto cleanup;
    CLLM_LOG(CLLM_LOG_INFO, "synth: writing %.2f GB of %s blocks straight to %s.part (%zu tensors, %zu block types)",
             total / 1e9, p->quant, p->path, mix.n, n_pools);
    t0 = cllm_now_s();
    if ((st = cllm_gguf_writer_begin(w, p->path))) {
        snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
        goto cleanup;
    }
    for (size_t i = 0; i < mix.n && !st; i++) {
        const struct cllm_synth_tensor *t = &mix.t[i];
        const struct pool *pl = pool_of(pools, n_pools, t->type);
        uint64_t left = cllm_ggml_nbytes(t->type, t->ne[0] * t->ne[1]);
        /* one stream per tensor name: a tensor's blocks do not depend on the other tensors */
        uint64_t rng = p->seed * 0x100000001b3ull, h = 1469598103934665603ull;
        for (const char *c = t->name; *c; c++)
            h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
        rng ^= h;
        while (left > 0 && !st) {
            size_t k;
            if (pl) {
                size_t nb = (size_t)(left / pl->block_bytes);
                if (nb > BUF_BYTES / pl->block_bytes)
                    nb = BUF_BYTES / pl->block_bytes;
                pool_fill(pl, buf, nb, &rng);
                k = nb * pl->block_bytes;
            } else if (t->type == CLLM_GGML_F16) {
                k = left < BUF_BYTES ? (size_t)left : BUF_BYTES;
                for (size_t j = 0; j < k; j += 8) {
                    uint64_t r = cllm_synth_splitmix64(&rng);
                    uint16_t hv[4] = {normal[r & 0xffff], normal[(r >> 16) & 0xffff], normal[(r >> 32) & 0xffff],
                                      normal[r >> 48]};
                    memcpy(buf + j, hv, k - j < 8 ? k - j : 8);
                }
            } else if (t->type == CLLM_GGML_F32) {
                /* RMSNorm weights of 1: normalised activations pass unscaled */
                const float one = 1.0f;
                k = left < BUF_BYTES ? (size_t)left : BUF_BYTES;
                for (size_t j = 0; j + 4 <= k; j += 4)
                    memcpy(buf + j, &one, 4);
            } else {
                const char *tname = "?";
                cllm_ggml_type_info(t->type, &tname, NULL, NULL);
                snprintf(err, errlen, "%s: type %s cannot be written directly", t->name, tname);
                st = CLLM_ERR_UNSUPPORTED;
                goto cleanup;
            }
            if ((st = cllm_gguf_writer_write_data(w, buf, k))) {
                snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
                goto cleanup;
            }
            left -= k;
            done += k;
            if (!cllm_synth_report(p, CLLM_SYNTH_STAGE_BLOCKS, (double)done / (double)total, &last)) {
                snprintf(err, errlen, "cancelled");
                st = CLLM_ERR_CANCELLED;
                goto cleanup;
            }
        }
    }
    if ((st = cllm_gguf_writer_finish(w))) {
        snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
        goto cleanup;
    }
    CLLM_LOG(CLLM_LOG_INFO, "synth: %.2f GB in %.1f s (%.0f MB/s, fsync included)", total / 1e9, cllm_now_s() - t0,
             total / 1e6 / (cllm_now_s() - t0 > 0 ? cllm_now_s() - t0 : 1));
    cllm_synth_report(p, CLLM_SYNTH_STAGE_BLOCKS, 1.0, NULL);
    /* the file reads back whole and says it is synthetic */
    if ((st = cllm_gguf_open(p->path, &g, err, errlen)))
        goto cleanup;
    if (!cllm_gguf_get_bool(g, "computellm.synthetic", &synthetic) || !synthetic ||
        cllm_gguf_file_size(g) != total) {
        snprintf(err, errlen, "%s: the written file does not read back as the synthetic model of %" PRIu64 " bytes",
                 p->path, total);
        remove(p->path);
        st = CLLM_ERR_INTERNAL;
    }

cleanup:
    cllm_gguf_close(g);
    cllm_gguf_writer_free(w); /* removes PATH.part when unfinished */
    for (size_t i = 0; i < n_pools; i++)
        free(pools[i].bytes);
    free(buf);
    cllm_synth_mix_free(&mix);
    return st;
}
