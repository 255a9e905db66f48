#include "model/synth.h"
#include "model/synth_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "platform/fs.h"
#include "core/strutil.h"
#include "model/gguf.h"
#include "llm/llama_api.h"
#include "model/vocab.h"
#include "core/file.h"

#define CHUNK_ELEMS       (1u << 20)

/* ---------------------------------------------------------------- quant names */

static const struct {
    const char *name;
    int         ftype;  /* llama_ftype */
    double      bpw;    /* typical bits per weight of the whole mix, for size estimates and progress only */
} quants[] = {
    {"F16", CLLM_LLAMA_FTYPE_F16, 16.0},        {"Q8_0", CLLM_LLAMA_FTYPE_Q8_0, 8.5},
    {"Q6_K", CLLM_LLAMA_FTYPE_Q6_K, 6.56},      {"Q5_K_M", CLLM_LLAMA_FTYPE_Q5_K_M, 5.7},
    {"Q5_K_S", CLLM_LLAMA_FTYPE_Q5_K_S, 5.55},  {"Q4_K_M", CLLM_LLAMA_FTYPE_Q4_K_M, 4.85},
    {"Q4_K_S", CLLM_LLAMA_FTYPE_Q4_K_S, 4.6},   {"Q4_0", CLLM_LLAMA_FTYPE_Q4_0, 4.55},
    {"Q3_K_L", CLLM_LLAMA_FTYPE_Q3_K_L, 4.3},   {"Q3_K_M", CLLM_LLAMA_FTYPE_Q3_K_M, 3.9},
    {"Q3_K_S", CLLM_LLAMA_FTYPE_Q3_K_S, 3.5},   {"Q2_K", CLLM_LLAMA_FTYPE_Q2_K, 3.0},
};

static int quant_index(const char *quant)
{
    for (size_t i = 0; quant && i < sizeof(quants) / sizeof(quants[0]); i++)
        if (strcasecmp(quant, quants[i].name) == 0)
            return (int)i;
    return -1;
}

bool cllm_synth_quant_ftype(const char *quant, int *ftype)
{
    int i = quant_index(quant);
    if (i < 0)
        return false;
    *ftype = quants[i].ftype;
    return true;
}

struct cllm_synth_params cllm_synth_default_params(void)
{
    struct cllm_synth_params p;
    memset(&p, 0, sizeof(p));
    p.arch = "llama";
    p.rope_freq_base = 10000.0f;
    p.rms_norm_eps = 1e-5f;
    p.quant = "Q4_K_M";
    p.seed = 42;
    return p;
}

/* ---------------------------------------------------------------- shape */

bool cllm_synth_shape_valid(const struct cllm_synth_params *p, char *err, size_t errlen)
{
    if (!p->arch || strcmp(p->arch, "llama") != 0) {
        snprintf(err, errlen, "architecture '%s' is not supported (only llama)", p->arch ? p->arch : "");
        return false;
    }
    if (!p->n_layer || !p->n_embd || !p->n_ff || !p->n_head || !p->n_head_kv || !p->n_vocab || !p->n_ctx_train) {
        snprintf(err, errlen, "shape has a zero: n_layer %u n_embd %u n_ff %u n_head %u n_head_kv %u n_vocab %u "
                 "n_ctx_train %u", p->n_layer, p->n_embd, p->n_ff, p->n_head, p->n_head_kv, p->n_vocab,
                 p->n_ctx_train);
        return false;
    }
    if (p->n_embd % p->n_head || p->n_head % p->n_head_kv || (p->n_embd / p->n_head) % 2) {
        snprintf(err, errlen, "n_embd %u, n_head %u, n_head_kv %u: heads must divide n_embd into even head sizes "
                 "and n_head_kv must divide n_head", p->n_embd, p->n_head, p->n_head_kv);
        return false;
    }
    if (p->n_layer > 1000 || p->n_embd > 65536 || p->n_ff > 262144 || p->n_vocab > 1000000) {
        snprintf(err, errlen, "shape too large (n_layer %u, n_embd %u, n_ff %u, n_vocab %u)", p->n_layer, p->n_embd,
                 p->n_ff, p->n_vocab);
        return false;
    }
    return true;
}

/* Tensor i of the model in file order (llama.cpp's names and shapes for arch llama); false past the end. */
bool cllm_synth_tensor_at(const struct cllm_synth_params *p, size_t i, struct cllm_synth_spec *t)
{
    static const char *const block[] = {"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output",
                                        "ffn_norm", "ffn_gate", "ffn_down", "ffn_up"};
    const size_t per = sizeof(block) / sizeof(block[0]);
    const uint64_t n_embd_kv = (uint64_t)p->n_embd / p->n_head * p->n_head_kv;

    memset(t, 0, sizeof(*t));
    t->kind = CLLM_SYNTH_MATRIX;
    t->n_dims = 2;
    if (i == 0) {
        snprintf(t->name, sizeof(t->name), "token_embd.weight");
        t->ne[0] = p->n_embd;
        t->ne[1] = p->n_vocab;
        return true;
    }
    i--;
    if (i < (size_t)p->n_layer * per) {
        size_t layer = i / per, k = i % per;
        snprintf(t->name, sizeof(t->name), "blk.%zu.%s.weight", layer, block[k]);
        t->ne[0] = p->n_embd;
        switch (k) {
        case 0: case 5: t->kind = CLLM_SYNTH_NORM; t->n_dims = 1; t->ne[1] = 1; break;
        case 1: case 4: t->ne[1] = p->n_embd; break;
        case 2: case 3: t->ne[1] = n_embd_kv; break;
        case 6: case 8: t->ne[1] = p->n_ff; break;
        default: t->ne[0] = p->n_ff; t->ne[1] = p->n_embd; break; /* ffn_down maps n_ff back to n_embd */
        }
        return true;
    }
    i -= (size_t)p->n_layer * per;
    if (i == 0) {
        snprintf(t->name, sizeof(t->name), "output_norm.weight");
        t->kind = CLLM_SYNTH_NORM;
        t->n_dims = 1;
        t->ne[0] = p->n_embd;
        t->ne[1] = 1;
        return true;
    }
    if (i == 1) {
        snprintf(t->name, sizeof(t->name), "output.weight");
        t->ne[0] = p->n_embd;
        t->ne[1] = p->n_vocab;
        return true;
    }
    return false;
}

/* Sum over the tensors of their element counts (bytes_in_f16: of their bytes in the F16 file, norms in F32). */
static uint64_t shape_sum(const struct cllm_synth_params *p, bool bytes_in_f16)
{
    struct cllm_synth_spec t;
    uint64_t n = 0;
    if (!cllm_synth_shape_valid(p, NULL, 0))
        return 0;
    for (size_t i = 0; cllm_synth_tensor_at(p, i, &t); i++)
        n += t.ne[0] * t.ne[1] * (!bytes_in_f16 ? 1 : t.kind == CLLM_SYNTH_NORM ? 4 : 2);
    return n;
}

uint64_t cllm_synth_n_params(const struct cllm_synth_params *p) { return shape_sum(p, false); }

uint64_t cllm_synth_f16_bytes(const struct cllm_synth_params *p) { return shape_sum(p, true); }

/* ---------------------------------------------------------------- random weights */

/* IEEE half from float, round to nearest even (values here are small and finite). */
static uint16_t f32_to_f16(float f)
{
    uint32_t x, sign, exp, man;
    memcpy(&x, &f, 4);
    sign = (x >> 16) & 0x8000u;
    exp = (x >> 23) & 0xffu;
    man = x & 0x7fffffu;
    if (exp == 0xff)
        return (uint16_t)(sign | 0x7c00u | (man ? 0x200u : 0));
    if ((int)exp - 127 > 15)
        return (uint16_t)(sign | 0x7c00u);
    if ((int)exp - 127 < -25)
        return (uint16_t)sign;
    if ((int)exp - 127 < -14) {
        /* subnormal half: shift the full mantissa into place, rounding */
        uint32_t full = man | 0x800000u;
        int shift = -((int)exp - 127) - 1; /* half subnormal = full * 2^(e+1) */
        uint32_t half = full >> shift, rem = full & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1)))
            half++;
        return (uint16_t)(sign | half);
    }
    {
        uint32_t h = ((exp - 127 + 15) << 10) | (man >> 13), rem = man & 0x1fffu;
        if (rem > 0x1000u || (rem == 0x1000u && (h & 1)))
            h++; /* may carry into the exponent, which is still correct */
        return (uint16_t)(sign | h);
    }
}

/* Inverse of the standard normal CDF by bisection on erfc (table building only). */
static double normal_quantile(double q)
{
    double lo = -10, hi = 10;
    for (int it = 0; it < 80; it++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < q)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* 65536 equiprobable normal values (as halves): one 16-bit random number picks one, so a 64-bit draw gives four
 * weights with no float math in the hot loop. */
static uint16_t normal_table[65536];
static pthread_once_t normal_once = PTHREAD_ONCE_INIT;

static void build_normal_table(void)
{
    for (uint32_t i = 0; i < 65536; i++)
        normal_table[i] = f32_to_f16((float)(CLLM_SYNTH_WEIGHT_STD * normal_quantile((i + 0.5) / 65536.0)));
}

const uint16_t *cllm_synth_normal_halves(void)
{
    pthread_once(&normal_once, build_normal_table);
    return normal_table;
}

float cllm_synth_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, x;
    float f;
    if (exp == 0)
        return (sign ? -1.0f : 1.0f) * ldexpf((float)man, -24);
    x = exp == 31 ? sign | 0x7f800000u | (man << 13) : sign | ((exp - 15 + 127) << 23) | (man << 13);
    memcpy(&f, &x, 4);
    return f;
}

uint64_t cllm_synth_splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* ---------------------------------------------------------------- files and disk */

/* Checks the free space for the F16 file in tmp_dir and the final file in out_dir (both on one disk: the sum). */
enum cllm_status cllm_synth_check_space(const char *tmp_dir, const char *out_dir, uint64_t tmp_need,
                                        uint64_t out_need, char *err, size_t errlen)
{
    struct stat a, b;
    int64_t free_a = cllm_fs_free_bytes(tmp_dir), free_b = cllm_fs_free_bytes(out_dir);
    uint64_t fa = (uint64_t)free_a, fb = (uint64_t)free_b;
    if (free_a < 0 || free_b < 0)
        return CLLM_OK; /* cannot tell: the write itself reports a full disk */
    if (tmp_need == 0) {
        if (fb < out_need) {
            snprintf(err, errlen, "not enough disk space in %s: the synthetic model is %.2f GB, %.2f GB free",
                     out_dir, out_need / 1e9, fb / 1e9);
            return CLLM_ERR_IO;
        }
        return CLLM_OK;
    }
    if (stat(tmp_dir, &a) == 0 && stat(out_dir, &b) == 0 && a.st_dev == b.st_dev) {
        if (fa < tmp_need + out_need) {
            snprintf(err, errlen, "not enough disk space in %s: a synthetic model needs %.2f GB there (%.2f GB "
                     "temporary F16 file + %.2f GB result), %.2f GB free", out_dir, (tmp_need + out_need) / 1e9,
                     tmp_need / 1e9, out_need / 1e9, fa / 1e9);
            return CLLM_ERR_IO;
        }
        return CLLM_OK;
    }
    if (fa < tmp_need) {
        snprintf(err, errlen, "not enough disk space in %s for the temporary F16 file: %.2f GB needed, %.2f GB free",
                 tmp_dir, tmp_need / 1e9, fa / 1e9);
        return CLLM_ERR_IO;
    }
    if (fb < out_need) {
        snprintf(err, errlen, "not enough disk space in %s: %.2f GB needed, %.2f GB free", out_dir, out_need / 1e9,
                 fb / 1e9);
        return CLLM_ERR_IO;
    }
    return CLLM_OK;
}

/* ---------------------------------------------------------------- F16 GGUF */

bool cllm_synth_report(const struct cllm_synth_params *p, enum cllm_synth_stage stage, double frac, double *last)
{
    double t;
    if (!p->progress)
        return true;
    t = cllm_now_s();
    if (frac < 1.0 && last && t - *last < CLLM_SYNTH_PROGRESS_S)
        return true;
    if (last)
        *last = t;
    return p->progress(stage, frac > 1.0 ? 1.0 : frac, p->user_data);
}

enum cllm_status cllm_synth_set_metadata(const struct cllm_synth_params *p, struct cllm_gguf_writer *w,
                                         uint32_t file_type, uint32_t quant_version, char *err, size_t errlen)
{
    char name[256];
    const char *base = p->name && *p->name ? p->name : "model";
    enum cllm_status st;

    if (strncmp(base, "synthetic", 9) == 0)
        cllm_strlcpy(name, base, sizeof(name));
    else
        snprintf(name, sizeof(name), "synthetic %s", base);
    /* the vocabulary's own keys first, so a chat template of ours can replace its one below */
    st = cllm_gguf_set_str(w, "general.architecture", "llama");
    if (!st) st = cllm_gguf_set_str(w, "general.name", name);
    if (!st && !quant_version) st = cllm_gguf_set_u32(w, "general.file_type", file_type);
    if (!st) st = cllm_gguf_set_u32(w, "llama.context_length", p->n_ctx_train);
    if (!st) st = cllm_gguf_set_u32(w, "llama.embedding_length", p->n_embd);
    if (!st) st = cllm_gguf_set_u32(w, "llama.block_count", p->n_layer);
    if (!st) st = cllm_gguf_set_u32(w, "llama.feed_forward_length", p->n_ff);
    if (!st) st = cllm_gguf_set_u32(w, "llama.rope.dimension_count", p->n_embd / p->n_head);
    if (!st) st = cllm_gguf_set_u32(w, "llama.attention.head_count", p->n_head);
    if (!st) st = cllm_gguf_set_u32(w, "llama.attention.head_count_kv", p->n_head_kv);
    if (!st) st = cllm_gguf_set_f32(w, "llama.attention.layer_norm_rms_epsilon", p->rms_norm_eps);
    if (!st) st = cllm_gguf_set_f32(w, "llama.rope.freq_base", p->rope_freq_base);
    if (!st) st = cllm_gguf_set_u32(w, "llama.vocab_size", p->n_vocab);
    if (!st) st = cllm_gguf_set_bool(w, "computellm.synthetic", true);
    if (!st) st = cllm_gguf_set_u64(w, "computellm.synthetic_seed", p->seed);
    if (!st && p->model_key) st = cllm_gguf_set_str(w, "computellm.model_key", p->model_key);
    for (size_t i = 0; !st && i < cllm_vocab_n_kv(p->vocab); i++) {
        const struct cllm_gguf_kv *kv = cllm_vocab_kv_at(p->vocab, i);
        if (p->chat_template && strcmp(kv->key, "tokenizer.chat_template") == 0)
            continue;
        st = cllm_gguf_set_kv(w, kv);
    }
    if (!st && p->chat_template)
        st = cllm_gguf_set_str(w, "tokenizer.chat_template", p->chat_template);
    /* llama_model_quantize appends these two after the keys it copies (its file_type replaces the F16 one) */
    if (!st && quant_version)
        st = cllm_gguf_set_u32(w, "general.quantization_version", quant_version);
    if (!st && quant_version)
        st = cllm_gguf_set_u32(w, "general.file_type", file_type);
    if (st)
        snprintf(err, errlen, "GGUF metadata: %s", cllm_gguf_writer_error(w));
    return st;
}

enum cllm_status cllm_synth_write_f16(const struct cllm_synth_params *p, const char *path, bool progress,
                                      char *err, size_t errlen)
{
    struct cllm_gguf_writer *w = cllm_gguf_writer_new();
    struct cllm_synth_spec t;
    uint16_t *buf = NULL;
    float *ones = NULL;
    uint64_t total, done = 0;
    double last = 0;
    enum cllm_status st;

    if (!w) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    if ((st = cllm_synth_set_metadata(p, w, CLLM_LLAMA_FTYPE_F16, 0, err, errlen)))
        goto cleanup;
    for (size_t i = 0; cllm_synth_tensor_at(p, i, &t); i++) {
        if ((st = cllm_gguf_add_tensor(w, t.name, t.kind == CLLM_SYNTH_NORM ? CLLM_GGML_F32 : CLLM_GGML_F16, t.n_dims,
                                       t.ne))) {
            snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
            goto cleanup;
        }
    }
    total = cllm_synth_f16_bytes(p);
    buf = malloc(CHUNK_ELEMS * sizeof(uint16_t));
    ones = malloc((size_t)p->n_embd * sizeof(float));
    if (!buf || !ones) {
        snprintf(err, errlen, "out of memory");
        st = CLLM_ERR_NOMEM;
        goto cleanup;
    }
    for (uint32_t i = 0; i < p->n_embd; i++)
        ones[i] = 1.0f;
    pthread_once(&normal_once, build_normal_table);
    if ((st = cllm_gguf_writer_begin(w, path))) {
        snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
        goto cleanup;
    }
    for (size_t i = 0; cllm_synth_tensor_at(p, i, &t); i++) {
        uint64_t n = t.ne[0] * t.ne[1];
        /* one stream per tensor: a tensor's values do not depend on the shapes of the others */
        uint64_t rng = p->seed * 0x100000001b3ull ^ (i + 1) * 0x9e3779b97f4a7c15ull;
        if (t.kind == CLLM_SYNTH_NORM) {
            /* RMSNorm weights of 1: normalised activations pass unscaled */
            st = cllm_gguf_writer_write_data(w, ones, (size_t)n * sizeof(float));
            done += n * sizeof(float);
        } else {
            for (uint64_t off = 0; off < n && !st; off += CHUNK_ELEMS) {
                size_t k = n - off < CHUNK_ELEMS ? (size_t)(n - off) : CHUNK_ELEMS;
                for (size_t j = 0; j < k; j += 4) {
                    uint64_t r = cllm_synth_splitmix64(&rng);
                    buf[j] = normal_table[r & 0xffff];
                    if (j + 1 < k) buf[j + 1] = normal_table[(r >> 16) & 0xffff];
                    if (j + 2 < k) buf[j + 2] = normal_table[(r >> 32) & 0xffff];
                    if (j + 3 < k) buf[j + 3] = normal_table[r >> 48];
                }
                st = cllm_gguf_writer_write_data(w, buf, k * sizeof(uint16_t));
                done += k * sizeof(uint16_t);
                if (!st && progress && !cllm_synth_report(p, CLLM_SYNTH_STAGE_WEIGHTS, (double)done / total, &last)) {
                    snprintf(err, errlen, "cancelled");
                    st = CLLM_ERR_CANCELLED;
                    goto cleanup;
                }
            }
        }
        if (st) {
            snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
            goto cleanup;
        }
    }
    if ((st = cllm_gguf_writer_finish(w))) {
        snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
        goto cleanup;
    }
    if (progress)
        cllm_synth_report(p, CLLM_SYNTH_STAGE_WEIGHTS, 1.0, NULL);

cleanup:
    free(buf);
    free(ones);
    cllm_gguf_writer_free(w); /* removes PATH.part when unfinished */
    return st;
}

/* ---------------------------------------------------------------- quantize */

struct quant_job {
    const struct cllm_llama *L;
    const char              *in, *out;
    struct cllm_llama_quantize_params qp;
    uint32_t                 rc;
    atomic_bool              done;
};

static void *quant_thread(void *arg)
{
    struct quant_job *j = arg;
    j->rc = j->L->model_quantize(j->in, j->out, &j->qp);
    atomic_store(&j->done, true);
    return NULL;
}

/* Runs llama_model_quantize on a worker thread; this thread reports progress from the output's size. */
static enum cllm_status quantize(const struct cllm_synth_params *p, const struct cllm_llama *L, int qi,
                                 const char *in, const char *out, char *err, size_t errlen)
{
    struct quant_job job;
    pthread_t th;
    double expect = (double)cllm_synth_n_params(p) * quants[qi].bpw / 8.0, last = 0;
    bool cancel = false;
    struct timespec pause = {0, 50 * 1000 * 1000};

    memset(&job, 0, sizeof(job));
    job.L = L;
    job.in = in;
    job.out = out;
    job.qp = L->model_quantize_default_params();
    job.qp.nthread = p->n_threads > 0 ? p->n_threads : 0;
    job.qp.ftype = quants[qi].ftype;
    atomic_init(&job.done, false);
    if (pthread_create(&th, NULL, quant_thread, &job) != 0) {
        snprintf(err, errlen, "cannot start the quantizer thread: %s", strerror(errno));
        return CLLM_ERR_INTERNAL;
    }
    while (!atomic_load(&job.done)) {
        struct stat sb;
        nanosleep(&pause, NULL);
        if (!cancel && stat(out, &sb) == 0 && expect > 0) {
            double f = (double)sb.st_size / expect;
            if (!cllm_synth_report(p, CLLM_SYNTH_STAGE_QUANTIZE, f > 0.99 ? 0.99 : f, &last))
                cancel = true; /* llama_model_quantize cannot be interrupted: wait for it */
        }
    }
    pthread_join(th, NULL);
    if (job.rc != 0) {
        char why[512];
        cllm_llama_take_error(why, sizeof(why));
        snprintf(err, errlen, "llama_model_quantize to %s failed (code %u)%s%s", quants[qi].name, job.rc,
                 *why ? ": " : "", why);
        return CLLM_ERR_LIBRARY;
    }
    if (cancel) {
        snprintf(err, errlen, "cancelled");
        return CLLM_ERR_CANCELLED;
    }
    cllm_synth_report(p, CLLM_SYNTH_STAGE_QUANTIZE, 1.0, NULL);
    return CLLM_OK;
}

/* ---------------------------------------------------------------- entry point */

void cllm_synth_disk_need(const struct cllm_synth_params *p, uint64_t file_bytes, uint64_t *tmp_bytes,
                          uint64_t *out_bytes)
{
    int qi = quant_index(p->quant ? p->quant : "Q4_K_M");
    bool via_f16 = p->method == CLLM_SYNTH_QUANTIZER && qi >= 0 && quants[qi].ftype != CLLM_LLAMA_FTYPE_F16;
    *tmp_bytes = via_f16 ? cllm_synth_f16_bytes(p) + (8u << 20) : 0;
    *out_bytes = file_bytes;
}

/* The quantizer path: F16 file in tmp_dir, llama_model_quantize into PATH.part, checked, renamed. */
static enum cllm_status write_via_quantizer(const struct cllm_synth_params *p, const struct cllm_llama *L, int qi,
                                            const char *out_dir, const char *tmp_path, const char *part,
                                            char *err, size_t errlen)
{
    struct cllm_gguf *g = NULL;
    bool synthetic = false;
    uint64_t tmp_need, out_need;
    enum cllm_status st;

    cllm_synth_disk_need(p, (uint64_t)((double)cllm_synth_n_params(p) * quants[qi].bpw / 8.0 * 1.05) + (8u << 20),
                         &tmp_need, &out_need);
    if ((st = cllm_synth_check_space(p->tmp_dir ? p->tmp_dir : out_dir, out_dir, tmp_need, out_need, err,
                                     errlen)))
        return st;
    CLLM_LOG(CLLM_LOG_INFO, "synth: writing %.2f GB of random F16 weights to %s", tmp_need / 1e9, tmp_path);
    if ((st = cllm_synth_write_f16(p, tmp_path, true, err, errlen)))
        goto cleanup;
    CLLM_LOG(CLLM_LOG_INFO, "synth: quantizing to %s with llama.cpp", quants[qi].name);
    remove(part);
    if ((st = quantize(p, L, qi, tmp_path, part, err, errlen)))
        goto cleanup;
    /* what llama.cpp wrote must read back whole and still say it is synthetic */
    if ((st = cllm_gguf_open(part, &g, err, errlen)))
        goto cleanup;
    if (!cllm_gguf_get_bool(g, "computellm.synthetic", &synthetic) || !synthetic) {
        snprintf(err, errlen, "%s: the quantized file lost computellm.synthetic", part);
        st = CLLM_ERR_INTERNAL;
        goto cleanup;
    }
    if (rename(part, p->path) != 0) {
        snprintf(err, errlen, "renaming %s to %s: %s", part, p->path, strerror(errno));
        st = CLLM_ERR_IO;
        goto cleanup;
    }

cleanup:
    cllm_gguf_close(g);
    remove(tmp_path);
    if (st)
        remove(part);
    return st;
}

/* Checks what every write needs; fills out_dir, the F16 temporary path and PATH.part. */
static enum cllm_status check_params(const struct cllm_synth_params *p, int *qi, char *out_dir, char *tmp_path,
                                     char *part, char *err, size_t errlen)
{
    const char *slash;
    char base[256];

    if (!p->path || !*p->path || !p->vocab) {
        snprintf(err, errlen, "synth: %s is required", !p->vocab ? "a vocabulary" : "an output path");
        return CLLM_ERR_INVALID_ARG;
    }
    if (!cllm_synth_shape_valid(p, err, errlen))
        return CLLM_ERR_INVALID_ARG;
    if (cllm_vocab_n_tokens(p->vocab) != p->n_vocab) {
        snprintf(err, errlen, "the model has n_vocab %u but the vocabulary from %s has %u tokens", p->n_vocab,
                 cllm_vocab_source(p->vocab), cllm_vocab_n_tokens(p->vocab));
        return CLLM_ERR_INVALID_ARG;
    }
    *qi = quant_index(p->quant ? p->quant : "Q4_K_M");
    if (*qi < 0) {
        snprintf(err, errlen, "unknown quantization '%s' (F16, Q8_0, Q6_K, Q5_K_M, Q4_K_M, Q3_K_M, Q2_K, ...)",
                 p->quant);
        return CLLM_ERR_INVALID_ARG;
    }
    if (p->method != CLLM_SYNTH_DIRECT && p->method != CLLM_SYNTH_QUANTIZER) {
        snprintf(err, errlen, "synth: unknown method %d", (int)p->method);
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_path_dirname(p->path, out_dir, PATH_MAX);
    slash = strrchr(p->path, '/');
    cllm_strlcpy(base, slash ? slash + 1 : p->path, sizeof(base));
    if (snprintf(tmp_path, PATH_MAX, "%s/.%s.f16.tmp", p->tmp_dir ? p->tmp_dir : out_dir, base) >= PATH_MAX ||
        snprintf(part, PATH_MAX, "%s.part", p->path) >= PATH_MAX) {
        snprintf(err, errlen, "%s: path too long", p->path);
        return CLLM_ERR_INVALID_ARG;
    }
    return CLLM_OK;
}

static enum cllm_status need_llama(const struct cllm_synth_params *p, int qi, const struct cllm_llama **L,
                                   char *err, size_t errlen)
{
    char why[768];
    *L = p->llama;
    if (*L)
        return CLLM_OK;
    if (cllm_llama_load(NULL, L, why, sizeof(why)) == CLLM_OK)
        return CLLM_OK;
    snprintf(err, errlen, "a synthetic %s model needs llama.cpp's library (its quantizer picks the tensor types): "
             "%s (run scripts/setup, or use --quant F16)", quants[qi].name, why);
    return CLLM_ERR_LIBRARY;
}

enum cllm_status cllm_synth_file_bytes(const struct cllm_synth_params *p, uint64_t *bytes, char *err,
                                       size_t errlen)
{
    char out_dir[PATH_MAX], tmp_path[PATH_MAX], part[PATH_MAX];
    struct cllm_synth_params q = *p;
    struct cllm_synth_mix mix = {0};
    struct cllm_gguf_writer *w = NULL;
    const struct cllm_llama *L = NULL;
    enum cllm_status st;
    int qi;

    *bytes = 0;
    if ((st = check_params(p, &qi, out_dir, tmp_path, part, err, errlen)))
        return st;
    if (quants[qi].ftype != CLLM_LLAMA_FTYPE_F16 && (st = need_llama(p, qi, &L, err, errlen)))
        return st;
    q.llama = L;
    q.progress = NULL;
    if ((st = cllm_synth_learn_mix(&q, &mix, err, errlen)))
        return st;
    if (!(w = cllm_gguf_writer_new())) {
        cllm_synth_mix_free(&mix);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    st = cllm_synth_set_metadata(p, w, mix.file_type, mix.quant_version, err, errlen);
    for (size_t i = 0; !st && i < mix.n; i++)
        if ((st = cllm_gguf_add_tensor(w, mix.t[i].name, mix.t[i].type, mix.t[i].n_dims, mix.t[i].ne)))
            snprintf(err, errlen, "%s", cllm_gguf_writer_error(w));
    if (!st)
        *bytes = cllm_gguf_writer_total_bytes(w);
    cllm_gguf_writer_free(w);
    cllm_synth_mix_free(&mix);
    return st;
}

enum cllm_status cllm_synth_write(const struct cllm_synth_params *p, char *err, size_t errlen)
{
    char out_dir[PATH_MAX], tmp_path[PATH_MAX], part[PATH_MAX];
    const struct cllm_llama *L = NULL;
    int qi;
    enum cllm_status st;

    if ((st = check_params(p, &qi, out_dir, tmp_path, part, err, errlen)))
        return st;
    if (quants[qi].ftype == CLLM_LLAMA_FTYPE_F16) {
        if ((st = cllm_synth_check_space(out_dir, out_dir, 0, cllm_synth_f16_bytes(p) + (8u << 20), err, errlen)))
            return st;
        st = cllm_synth_write_f16(p, p->path, true, err, errlen);
    } else if ((st = need_llama(p, qi, &L, err, errlen)) == CLLM_OK) {
        st = p->method == CLLM_SYNTH_QUANTIZER
                 ? write_via_quantizer(p, L, qi, out_dir, tmp_path, part, err, errlen)
                 : cllm_synth_write_direct(p, L, quants[qi].ftype, err, errlen);
    }
    if (!st)
        cllm_synth_report(p, CLLM_SYNTH_STAGE_DONE, 1.0, NULL);
    return st;
}
