#include "model/gguf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

/* ggml's own limit on tensor names, terminating NUL included (GGML_MAX_NAME) */
#define GGUF_MAX_NAME 64
/* nested arrays deeper than this are refused rather than recursed into */
#define GGUF_MAX_ARRAY_DEPTH 4

/* ---------------------------------------------------------------- types */

static const struct {
    const char *name;
    uint32_t    block_elems, block_bytes;
} ggml_types[CLLM_GGML_TYPE_COUNT] = {
    /* values read from the pinned libggml-base (ggml_blck_size / ggml_type_size) */
    [CLLM_GGML_F32] = {"f32", 1, 4},          [CLLM_GGML_F16] = {"f16", 1, 2},
    [CLLM_GGML_Q4_0] = {"q4_0", 32, 18},      [CLLM_GGML_Q4_1] = {"q4_1", 32, 20},
    [CLLM_GGML_Q5_0] = {"q5_0", 32, 22},      [CLLM_GGML_Q5_1] = {"q5_1", 32, 24},
    [CLLM_GGML_Q8_0] = {"q8_0", 32, 34},      [CLLM_GGML_Q8_1] = {"q8_1", 32, 36},
    [CLLM_GGML_Q2_K] = {"q2_K", 256, 84},     [CLLM_GGML_Q3_K] = {"q3_K", 256, 110},
    [CLLM_GGML_Q4_K] = {"q4_K", 256, 144},    [CLLM_GGML_Q5_K] = {"q5_K", 256, 176},
    [CLLM_GGML_Q6_K] = {"q6_K", 256, 210},    [CLLM_GGML_Q8_K] = {"q8_K", 256, 292},
    [CLLM_GGML_IQ2_XXS] = {"iq2_xxs", 256, 66}, [CLLM_GGML_IQ2_XS] = {"iq2_xs", 256, 74},
    [CLLM_GGML_IQ3_XXS] = {"iq3_xxs", 256, 98}, [CLLM_GGML_IQ1_S] = {"iq1_s", 256, 50},
    [CLLM_GGML_IQ4_NL] = {"iq4_nl", 32, 18},  [CLLM_GGML_IQ3_S] = {"iq3_s", 256, 110},
    [CLLM_GGML_IQ2_S] = {"iq2_s", 256, 82},   [CLLM_GGML_IQ4_XS] = {"iq4_xs", 256, 136},
    [CLLM_GGML_I8] = {"i8", 1, 1},            [CLLM_GGML_I16] = {"i16", 1, 2},
    [CLLM_GGML_I32] = {"i32", 1, 4},          [CLLM_GGML_I64] = {"i64", 1, 8},
    [CLLM_GGML_F64] = {"f64", 1, 8},          [CLLM_GGML_IQ1_M] = {"iq1_m", 256, 56},
    [CLLM_GGML_BF16] = {"bf16", 1, 2},        [CLLM_GGML_TQ1_0] = {"tq1_0", 256, 54},
    [CLLM_GGML_TQ2_0] = {"tq2_0", 256, 66},   [CLLM_GGML_MXFP4] = {"mxfp4", 32, 17},
    [CLLM_GGML_NVFP4] = {"nvfp4", 64, 36},    [CLLM_GGML_Q1_0] = {"q1_0", 128, 18},
    [CLLM_GGML_Q2_0] = {"q2_0", 64, 18},
};

bool cllm_ggml_type_info(enum cllm_ggml_type t, const char **name, uint32_t *block_elems, uint32_t *block_bytes)
{
    if ((unsigned)t >= CLLM_GGML_TYPE_COUNT || !ggml_types[t].name)
        return false;
    if (name)
        *name = ggml_types[t].name;
    if (block_elems)
        *block_elems = ggml_types[t].block_elems;
    if (block_bytes)
        *block_bytes = ggml_types[t].block_bytes;
    return true;
}

uint64_t cllm_ggml_nbytes(enum cllm_ggml_type t, uint64_t n_elems)
{
    uint32_t be, bb;
    if (!cllm_ggml_type_info(t, NULL, &be, &bb) || n_elems % be)
        return 0;
    return n_elems / be * bb;
}

static const char *const gguf_type_names[CLLM_GGUF_TYPE_COUNT] = {
    "uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array",
    "uint64", "int64", "float64",
};

const char *cllm_gguf_type_name(enum cllm_gguf_type t)
{
    return (unsigned)t < CLLM_GGUF_TYPE_COUNT ? gguf_type_names[t] : "?";
}

/* bytes of one value of a fixed-size type; 0 for string/array/unknown */
static size_t scalar_size(enum cllm_gguf_type t)
{
    switch (t) {
    case CLLM_GGUF_UINT8: case CLLM_GGUF_INT8: case CLLM_GGUF_BOOL: return 1;
    case CLLM_GGUF_UINT16: case CLLM_GGUF_INT16: return 2;
    case CLLM_GGUF_UINT32: case CLLM_GGUF_INT32: case CLLM_GGUF_FLOAT32: return 4;
    case CLLM_GGUF_UINT64: case CLLM_GGUF_INT64: case CLLM_GGUF_FLOAT64: return 8;
    default: return 0;
    }
}

void cllm_gguf_kv_clear(struct cllm_gguf_kv *kv)
{
    if (kv->strs) {
        for (uint64_t i = 0; i < kv->n; i++)
            free(kv->strs[i]);
    }
    free(kv->strs);
    free(kv->lens);
    free(kv->data);
    free(kv->key);
    memset(kv, 0, sizeof(*kv));
}

/* ---------------------------------------------------------------- reader */

struct cllm_gguf {
    uint32_t                 version, alignment;
    uint64_t                 data_offset, file_size;
    struct cllm_gguf_kv     *kvs;
    size_t                   n_kv;
    struct cllm_gguf_tensor *tensors;
    size_t                   n_tensors;
};

/* Byte source: a FILE or a memory buffer, with the total size known up front so every length is checked
 * against what is left before anything is allocated. */
struct src {
    FILE                *f;
    const unsigned char *buf;
    uint64_t             size, pos;
    char                *err;
    size_t               errlen;
    const char          *name;
};

static enum cllm_status src_fail(struct src *s, enum cllm_status st, const char *fmt, ...) CLLM_PRINTF(3, 4);

static enum cllm_status src_fail(struct src *s, enum cllm_status st, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(s->err, s->errlen, "%s: %s", s->name, msg);
    return st;
}

static enum cllm_status src_read(struct src *s, void *out, uint64_t n, const char *what)
{
    if (n > s->size - s->pos)
        return src_fail(s, CLLM_ERR_PARSE, "truncated: %s at offset %" PRIu64 " needs %" PRIu64
                        " bytes, only %" PRIu64 " left", what, s->pos, n, s->size - s->pos);
    if (s->f) {
        if (fread(out, 1, (size_t)n, s->f) != (size_t)n)
            return src_fail(s, CLLM_ERR_IO, "read error at offset %" PRIu64 ": %s", s->pos, strerror(errno));
    } else {
        memcpy(out, s->buf + s->pos, (size_t)n);
    }
    s->pos += n;
    return CLLM_OK;
}

static enum cllm_status src_skip(struct src *s, uint64_t n, const char *what)
{
    if (n > s->size - s->pos)
        return src_fail(s, CLLM_ERR_PARSE, "truncated: %s at offset %" PRIu64 " needs %" PRIu64
                        " bytes, only %" PRIu64 " left", what, s->pos, n, s->size - s->pos);
    if (s->f && fseeko(s->f, (off_t)(s->pos + n), SEEK_SET) != 0)
        return src_fail(s, CLLM_ERR_IO, "seek error at offset %" PRIu64 ": %s", s->pos, strerror(errno));
    s->pos += n;
    return CLLM_OK;
}

static enum cllm_status src_u32(struct src *s, uint32_t *v, const char *what)
{
    return src_read(s, v, 4, what);
}

static enum cllm_status src_u64(struct src *s, uint64_t *v, const char *what)
{
    return src_read(s, v, 8, what);
}

/* Reads a GGUF string (u64 length + bytes) into a malloc'd NUL-terminated copy. */
static enum cllm_status src_str(struct src *s, char **out, uint64_t *len_out, const char *what)
{
    uint64_t len;
    enum cllm_status st = src_u64(s, &len, what);
    if (st)
        return st;
    if (len > s->size - s->pos)
        return src_fail(s, CLLM_ERR_PARSE, "%s at offset %" PRIu64 " claims %" PRIu64
                        " bytes, only %" PRIu64 " left in the file", what, s->pos - 8, len, s->size - s->pos);
    *out = malloc((size_t)len + 1);
    if (!*out)
        return src_fail(s, CLLM_ERR_NOMEM, "out of memory for %s (%" PRIu64 " bytes)", what, len);
    st = src_read(s, *out, len, what);
    if (st) {
        free(*out);
        *out = NULL;
        return st;
    }
    (*out)[len] = '\0';
    if (len_out)
        *len_out = len;
    return CLLM_OK;
}

/* Skips one value of type t (used for arrays nested in arrays, which we do not keep). */
static enum cllm_status skip_value(struct src *s, enum cllm_gguf_type t, int depth, const char *key)
{
    enum cllm_status st;
    if (t == CLLM_GGUF_STRING) {
        uint64_t len;
        if ((st = src_u64(s, &len, "string length")))
            return st;
        return src_skip(s, len, "string");
    }
    if (t == CLLM_GGUF_ARRAY) {
        uint32_t et;
        uint64_t n;
        if (depth >= GGUF_MAX_ARRAY_DEPTH)
            return src_fail(s, CLLM_ERR_PARSE, "key '%s': arrays nested deeper than %d", key, GGUF_MAX_ARRAY_DEPTH);
        if ((st = src_u32(s, &et, "array type")) || (st = src_u64(s, &n, "array length")))
            return st;
        if (et >= CLLM_GGUF_TYPE_COUNT)
            return src_fail(s, CLLM_ERR_PARSE, "key '%s': unknown array element type %u", key, et);
        if (scalar_size((enum cllm_gguf_type)et)) {
            uint64_t es = scalar_size((enum cllm_gguf_type)et);
            if (n > (s->size - s->pos) / es)
                return src_fail(s, CLLM_ERR_PARSE, "key '%s': array of %" PRIu64 " elements does not fit in the file",
                                key, n);
            return src_skip(s, n * es, "array data");
        }
        if (n > (s->size - s->pos) / 8)
            return src_fail(s, CLLM_ERR_PARSE, "key '%s': array of %" PRIu64 " elements does not fit in the file",
                            key, n);
        for (uint64_t i = 0; i < n; i++)
            if ((st = skip_value(s, (enum cllm_gguf_type)et, depth + 1, key)))
                return st;
        return CLLM_OK;
    }
    if (!scalar_size(t))
        return src_fail(s, CLLM_ERR_PARSE, "key '%s': unknown value type %u", key, (unsigned)t);
    return src_skip(s, scalar_size(t), "value");
}

static enum cllm_status read_kv(struct src *s, struct cllm_gguf_kv *kv, uint64_t index)
{
    enum cllm_status st;
    uint32_t t;
    uint64_t keylen, at = s->pos;

    if ((st = src_str(s, &kv->key, &keylen, "metadata key")))
        return st;
    if (keylen == 0)
        return src_fail(s, CLLM_ERR_PARSE, "metadata key %" PRIu64 " at offset %" PRIu64 " is empty", index, at);
    if ((st = src_u32(s, &t, "value type")))
        return st;
    if (t >= CLLM_GGUF_TYPE_COUNT)
        return src_fail(s, CLLM_ERR_PARSE, "key '%s' has unknown value type %u", kv->key, t);
    kv->type = (enum cllm_gguf_type)t;
    kv->elem_type = kv->type;
    kv->n = 1;
    if (kv->type == CLLM_GGUF_ARRAY) {
        uint32_t et;
        if ((st = src_u32(s, &et, "array element type")) || (st = src_u64(s, &kv->n, "array length")))
            return st;
        if (et >= CLLM_GGUF_TYPE_COUNT)
            return src_fail(s, CLLM_ERR_PARSE, "key '%s': unknown array element type %u", kv->key, et);
        kv->elem_type = (enum cllm_gguf_type)et;
        if (kv->elem_type == CLLM_GGUF_ARRAY) {
            /* kept as a count only; nothing we use has arrays of arrays */
            uint64_t n = kv->n;
            if (n > (s->size - s->pos) / 12)
                return src_fail(s, CLLM_ERR_PARSE, "key '%s': array of %" PRIu64 " arrays does not fit in the file",
                                kv->key, n);
            for (uint64_t i = 0; i < n; i++)
                if ((st = skip_value(s, CLLM_GGUF_ARRAY, 1, kv->key)))
                    return st;
            return CLLM_OK;
        }
    }
    if (kv->elem_type == CLLM_GGUF_STRING) {
        /* each string takes at least its 8-byte length */
        if (kv->n > (s->size - s->pos) / 8)
            return src_fail(s, CLLM_ERR_PARSE, "key '%s': %" PRIu64 " strings do not fit in the %" PRIu64
                            " bytes left", kv->key, kv->n, s->size - s->pos);
        kv->strs = calloc((size_t)kv->n ? (size_t)kv->n : 1, sizeof(char *));
        kv->lens = calloc((size_t)kv->n ? (size_t)kv->n : 1, sizeof(uint64_t));
        if (!kv->strs || !kv->lens)
            return src_fail(s, CLLM_ERR_NOMEM, "out of memory for key '%s'", kv->key);
        for (uint64_t i = 0; i < kv->n; i++)
            if ((st = src_str(s, &kv->strs[i], &kv->lens[i], "string value")))
                return st;
        return CLLM_OK;
    }
    {
        uint64_t es = scalar_size(kv->elem_type);
        if (kv->n > (s->size - s->pos) / es)
            return src_fail(s, CLLM_ERR_PARSE, "key '%s': array of %" PRIu64 " %s does not fit in the %" PRIu64
                            " bytes left", kv->key, kv->n, cllm_gguf_type_name(kv->elem_type), s->size - s->pos);
        kv->data = malloc(kv->n ? (size_t)(kv->n * es) : 1);
        if (!kv->data)
            return src_fail(s, CLLM_ERR_NOMEM, "out of memory for key '%s'", kv->key);
        if ((st = src_read(s, kv->data, kv->n * es, "value")))
            return st;
        if (kv->elem_type == CLLM_GGUF_BOOL) {
            const unsigned char *b = kv->data;
            for (uint64_t i = 0; i < kv->n; i++)
                if (b[i] > 1)
                    return src_fail(s, CLLM_ERR_PARSE, "key '%s': bool value %u is neither 0 nor 1", kv->key, b[i]);
        }
    }
    return CLLM_OK;
}

static enum cllm_status read_tensor(struct src *s, struct cllm_gguf_tensor *t, uint64_t index)
{
    enum cllm_status st;
    uint64_t namelen, n_elems = 1;
    uint32_t type, be, bb;
    const char *tname;

    if ((st = src_str(s, &t->name, &namelen, "tensor name")))
        return st;
    if (namelen == 0 || namelen >= GGUF_MAX_NAME)
        return src_fail(s, CLLM_ERR_PARSE, "tensor %" PRIu64 ": name of %" PRIu64 " bytes (must be 1..%d)", index,
                        namelen, GGUF_MAX_NAME - 1);
    if ((st = src_u32(s, &t->n_dims, "tensor dimension count")))
        return st;
    if (t->n_dims == 0 || t->n_dims > CLLM_GGUF_MAX_DIMS)
        return src_fail(s, CLLM_ERR_PARSE, "tensor '%s': %u dimensions (must be 1..%u)", t->name, t->n_dims,
                        CLLM_GGUF_MAX_DIMS);
    for (uint32_t d = 0; d < CLLM_GGUF_MAX_DIMS; d++)
        t->ne[d] = 1;
    for (uint32_t d = 0; d < t->n_dims; d++) {
        if ((st = src_u64(s, &t->ne[d], "tensor dimension")))
            return st;
        /* ggml keeps sizes in int64 */
        if (t->ne[d] > (uint64_t)INT64_MAX / (n_elems ? n_elems : 1))
            return src_fail(s, CLLM_ERR_PARSE, "tensor '%s': dimensions overflow (%" PRIu64 " in dim %u)", t->name,
                            t->ne[d], d);
        n_elems *= t->ne[d];
    }
    if ((st = src_u32(s, &type, "tensor type")))
        return st;
    if (!cllm_ggml_type_info((enum cllm_ggml_type)type, &tname, &be, &bb))
        return src_fail(s, CLLM_ERR_PARSE, "tensor '%s': unknown tensor type %u", t->name, type);
    t->type = (enum cllm_ggml_type)type;
    if (t->ne[0] % be)
        return src_fail(s, CLLM_ERR_PARSE, "tensor '%s': row of %" PRIu64 " elements is not a multiple of %s's block "
                        "of %u", t->name, t->ne[0], tname, be);
    /* sizes stay below 2^63 (ggml's int64), so offset sums cannot wrap */
    if (n_elems / be > (uint64_t)INT64_MAX / bb)
        return src_fail(s, CLLM_ERR_PARSE, "tensor '%s': %" PRIu64 " elements of %s take more than 2^63 bytes",
                        t->name, n_elems, tname);
    t->nbytes = n_elems / be * bb;
    return src_u64(s, &t->offset, "tensor offset");
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) / a * a;
}

static enum cllm_status parse(struct src *s, bool check_data, struct cllm_gguf **out)
{
    struct cllm_gguf *g = calloc(1, sizeof(*g));
    enum cllm_status st;
    uint32_t magic;
    uint64_t n_tensors, n_kv, expect = 0;

    *out = NULL;
    if (!g)
        return src_fail(s, CLLM_ERR_NOMEM, "out of memory");
    g->file_size = s->size;
    if (s->size < 4) {
        st = src_fail(s, CLLM_ERR_PARSE, "not a GGUF file: only %" PRIu64 " bytes", s->size);
        goto fail;
    }
    if ((st = src_u32(s, &magic, "magic")))
        goto fail;
    if (magic != CLLM_GGUF_MAGIC) {
        const unsigned char *m = (const unsigned char *)&magic;
        st = src_fail(s, CLLM_ERR_PARSE, "not a GGUF file: bad magic %02x %02x %02x %02x (expected \"GGUF\")", m[0],
                      m[1], m[2], m[3]);
        goto fail;
    }
    if ((st = src_u32(s, &g->version, "version")))
        goto fail;
    if (g->version == 0) {
        st = src_fail(s, CLLM_ERR_PARSE, "GGUF version 0 does not exist: a corrupt header");
        goto fail;
    }
    if (g->version == 1) {
        st = src_fail(s, CLLM_ERR_PARSE, "GGUF version 1 is not supported (llama.cpp dropped it too)");
        goto fail;
    }
    if (g->version > CLLM_GGUF_VERSION) {
        /* a byte-swapped small number means a big-endian file */
        if ((g->version & 0xffff) == 0)
            st = src_fail(s, CLLM_ERR_PARSE, "big-endian GGUF (version field %#x) is not supported", g->version);
        else
            st = src_fail(s, CLLM_ERR_PARSE, "GGUF version %u is newer than the supported %u", g->version,
                          CLLM_GGUF_VERSION);
        goto fail;
    }
    if ((st = src_u64(s, &n_tensors, "tensor count")) || (st = src_u64(s, &n_kv, "metadata count")))
        goto fail;
    /* a key/value takes at least 13 bytes, a tensor info at least 32: anything more cannot fit */
    if (n_kv > (s->size - s->pos) / 13) {
        st = src_fail(s, CLLM_ERR_PARSE, "absurd metadata count %" PRIu64 " for a file of %" PRIu64 " bytes", n_kv,
                      s->size);
        goto fail;
    }
    if (n_tensors > (s->size - s->pos) / 32) {
        st = src_fail(s, CLLM_ERR_PARSE, "absurd tensor count %" PRIu64 " for a file of %" PRIu64 " bytes",
                      n_tensors, s->size);
        goto fail;
    }
    g->kvs = calloc(n_kv ? (size_t)n_kv : 1, sizeof(*g->kvs));
    g->tensors = calloc(n_tensors ? (size_t)n_tensors : 1, sizeof(*g->tensors));
    if (!g->kvs || !g->tensors) {
        st = src_fail(s, CLLM_ERR_NOMEM, "out of memory");
        goto fail;
    }
    g->alignment = CLLM_GGUF_DEFAULT_ALIGNMENT;
    for (uint64_t i = 0; i < n_kv; i++) {
        struct cllm_gguf_kv *kv = &g->kvs[i];
        g->n_kv = (size_t)i + 1;
        if ((st = read_kv(s, kv, i)))
            goto fail;
        for (uint64_t j = 0; j < i; j++)
            if (strcmp(g->kvs[j].key, kv->key) == 0) {
                st = src_fail(s, CLLM_ERR_PARSE, "duplicate metadata key '%s'", kv->key);
                goto fail;
            }
        if (strcmp(kv->key, "general.alignment") == 0) {
            uint32_t a;
            if (kv->type != CLLM_GGUF_UINT32) {
                st = src_fail(s, CLLM_ERR_PARSE, "general.alignment is a %s, expected uint32",
                              cllm_gguf_type_name(kv->type));
                goto fail;
            }
            memcpy(&a, kv->data, 4);
            if (a == 0 || (a & (a - 1))) {
                st = src_fail(s, CLLM_ERR_PARSE, "general.alignment %u is not a power of two", a);
                goto fail;
            }
            g->alignment = a;
        }
    }
    for (uint64_t i = 0; i < n_tensors; i++) {
        struct cllm_gguf_tensor *t = &g->tensors[i];
        g->n_tensors = (size_t)i + 1;
        if ((st = read_tensor(s, t, i)))
            goto fail;
        for (uint64_t j = 0; j < i; j++)
            if (strcmp(g->tensors[j].name, t->name) == 0) {
                st = src_fail(s, CLLM_ERR_PARSE, "duplicate tensor name '%s'", t->name);
                goto fail;
            }
        /* ggml packs tensors in order, each padded to the alignment; anything else is a corrupt index */
        if (t->offset != expect) {
            st = src_fail(s, CLLM_ERR_PARSE, "tensor '%s' has data offset %" PRIu64 ", expected %" PRIu64, t->name,
                          t->offset, expect);
            goto fail;
        }
        if (t->offset > (uint64_t)INT64_MAX || t->nbytes > (uint64_t)INT64_MAX - t->offset) {
            st = src_fail(s, CLLM_ERR_PARSE, "tensor '%s': data would end past 2^63 bytes (offset %" PRIu64
                          ", %" PRIu64 " bytes)", t->name, t->offset, t->nbytes);
            goto fail;
        }
        expect = align_up(t->offset + t->nbytes, g->alignment);
    }
    g->data_offset = align_up(s->pos, g->alignment);
    if (n_tensors && check_data) {
        const struct cllm_gguf_tensor *last = &g->tensors[n_tensors - 1];
        uint64_t need = g->data_offset + last->offset + last->nbytes;
        if (need > s->size) {
            /* name the first tensor whose data is cut */
            for (uint64_t i = 0; i < n_tensors; i++) {
                const struct cllm_gguf_tensor *t = &g->tensors[i];
                if (g->data_offset + t->offset + t->nbytes > s->size) {
                    st = src_fail(s, CLLM_ERR_PARSE, "truncated: tensor '%s' needs bytes up to %" PRIu64
                                  ", the file has %" PRIu64 " (%" PRIu64 " bytes missing in all)", t->name,
                                  g->data_offset + t->offset + t->nbytes, s->size, need - s->size);
                    goto fail;
                }
            }
        }
    }
    *out = g;
    return CLLM_OK;

fail:
    cllm_gguf_close(g);
    return st;
}

enum cllm_status cllm_gguf_open(const char *path, struct cllm_gguf **out, char *err, size_t errlen)
{
    struct src s = {.err = err, .errlen = errlen, .name = path};
    struct stat sb;
    enum cllm_status st;

    *out = NULL;
    s.f = fopen(path, "rb");
    if (!s.f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return errno == ENOENT ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
    }
    if (fstat(fileno(s.f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(s.f);
        return CLLM_ERR_IO;
    }
    s.size = (uint64_t)sb.st_size;
    st = parse(&s, true, out);
    fclose(s.f);
    return st;
}

enum cllm_status cllm_gguf_open_buffer(const void *buf, size_t len, bool check_data, struct cllm_gguf **out,
                                       char *err, size_t errlen)
{
    struct src s = {.buf = buf, .size = len, .err = err, .errlen = errlen, .name = "GGUF buffer"};
    return parse(&s, check_data, out);
}

void cllm_gguf_close(struct cllm_gguf *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_kv; i++)
        cllm_gguf_kv_clear(&g->kvs[i]);
    for (size_t i = 0; i < g->n_tensors; i++)
        free(g->tensors[i].name);
    free(g->kvs);
    free(g->tensors);
    free(g);
}

uint32_t cllm_gguf_version(const struct cllm_gguf *g) { return g->version; }
uint32_t cllm_gguf_alignment(const struct cllm_gguf *g) { return g->alignment; }
uint64_t cllm_gguf_data_offset(const struct cllm_gguf *g) { return g->data_offset; }
uint64_t cllm_gguf_file_size(const struct cllm_gguf *g) { return g->file_size; }
size_t cllm_gguf_n_kv(const struct cllm_gguf *g) { return g->n_kv; }
size_t cllm_gguf_n_tensors(const struct cllm_gguf *g) { return g->n_tensors; }

const struct cllm_gguf_kv *cllm_gguf_kv_at(const struct cllm_gguf *g, size_t i)
{
    return i < g->n_kv ? &g->kvs[i] : NULL;
}

const struct cllm_gguf_kv *cllm_gguf_find_kv(const struct cllm_gguf *g, const char *key)
{
    for (size_t i = 0; i < g->n_kv; i++)
        if (strcmp(g->kvs[i].key, key) == 0)
            return &g->kvs[i];
    return NULL;
}

const struct cllm_gguf_tensor *cllm_gguf_tensor_at(const struct cllm_gguf *g, size_t i)
{
    return i < g->n_tensors ? &g->tensors[i] : NULL;
}

const struct cllm_gguf_tensor *cllm_gguf_find_tensor(const struct cllm_gguf *g, const char *name)
{
    for (size_t i = 0; i < g->n_tensors; i++)
        if (strcmp(g->tensors[i].name, name) == 0)
            return &g->tensors[i];
    return NULL;
}

bool cllm_gguf_get_uint(const struct cllm_gguf *g, const char *key, uint64_t *out)
{
    const struct cllm_gguf_kv *kv = cllm_gguf_find_kv(g, key);
    int64_t sv;
    if (!kv || kv->type == CLLM_GGUF_ARRAY)
        return false;
    switch (kv->type) {
    case CLLM_GGUF_UINT8: *out = *(const uint8_t *)kv->data; return true;
    case CLLM_GGUF_UINT16: *out = *(const uint16_t *)kv->data; return true;
    case CLLM_GGUF_UINT32: *out = *(const uint32_t *)kv->data; return true;
    case CLLM_GGUF_UINT64: *out = *(const uint64_t *)kv->data; return true;
    case CLLM_GGUF_INT8: sv = *(const int8_t *)kv->data; break;
    case CLLM_GGUF_INT16: sv = *(const int16_t *)kv->data; break;
    case CLLM_GGUF_INT32: sv = *(const int32_t *)kv->data; break;
    case CLLM_GGUF_INT64: sv = *(const int64_t *)kv->data; break;
    default: return false;
    }
    if (sv < 0)
        return false;
    *out = (uint64_t)sv;
    return true;
}

bool cllm_gguf_get_float(const struct cllm_gguf *g, const char *key, double *out)
{
    const struct cllm_gguf_kv *kv = cllm_gguf_find_kv(g, key);
    if (!kv)
        return false;
    if (kv->type == CLLM_GGUF_FLOAT32) {
        float f;
        memcpy(&f, kv->data, 4);
        *out = f;
        return true;
    }
    if (kv->type == CLLM_GGUF_FLOAT64) {
        memcpy(out, kv->data, 8);
        return true;
    }
    return false;
}

bool cllm_gguf_get_bool(const struct cllm_gguf *g, const char *key, bool *out)
{
    const struct cllm_gguf_kv *kv = cllm_gguf_find_kv(g, key);
    if (!kv || kv->type != CLLM_GGUF_BOOL)
        return false;
    *out = *(const unsigned char *)kv->data != 0;
    return true;
}

const char *cllm_gguf_get_str(const struct cllm_gguf *g, const char *key)
{
    const struct cllm_gguf_kv *kv = cllm_gguf_find_kv(g, key);
    return kv && kv->type == CLLM_GGUF_STRING ? kv->strs[0] : NULL;
}

/* ---------------------------------------------------------------- writer */

struct cllm_gguf_writer {
    struct cllm_gguf_kv     *kvs;
    size_t                   n_kv, cap_kv;
    struct cllm_gguf_tensor *tensors;
    size_t                   n_tensors, cap_tensors;
    uint64_t                 data_bytes;   /* size of the data section, padding included */
    FILE                    *f;
    char                    *path, *part;
    size_t                   cur;          /* tensor receiving data */
    uint64_t                 cur_done;     /* bytes of it written */
    bool                     begun, finished;
    enum cllm_status         status;       /* first error, sticky */
    char                     err[CLLM_ERR_LEN];
};

static enum cllm_status w_fail(struct cllm_gguf_writer *w, enum cllm_status st, const char *fmt, ...)
    CLLM_PRINTF(3, 4);

static enum cllm_status w_fail(struct cllm_gguf_writer *w, enum cllm_status st, const char *fmt, ...)
{
    va_list ap;
    if (w->status)
        return w->status;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof(w->err), fmt, ap);
    va_end(ap);
    w->status = st;
    return st;
}

struct cllm_gguf_writer *cllm_gguf_writer_new(void)
{
    struct cllm_gguf_writer *w = calloc(1, sizeof(*w));
    if (w && cllm_gguf_set_u32(w, "general.alignment", CLLM_GGUF_DEFAULT_ALIGNMENT) != CLLM_OK) {
        cllm_gguf_writer_free(w);
        return NULL;
    }
    return w;
}

void cllm_gguf_writer_free(struct cllm_gguf_writer *w)
{
    if (!w)
        return;
    if (w->f) {
        fclose(w->f);
        w->f = NULL;
    }
    if (w->part && !w->finished)
        remove(w->part);
    for (size_t i = 0; i < w->n_kv; i++)
        cllm_gguf_kv_clear(&w->kvs[i]);
    for (size_t i = 0; i < w->n_tensors; i++)
        free(w->tensors[i].name);
    free(w->kvs);
    free(w->tensors);
    free(w->path);
    free(w->part);
    free(w);
}

const char *cllm_gguf_writer_error(const struct cllm_gguf_writer *w)
{
    return w->err;
}

bool cllm_gguf_writer_has_key(const struct cllm_gguf_writer *w, const char *key)
{
    for (size_t i = 0; i < w->n_kv; i++)
        if (strcmp(w->kvs[i].key, key) == 0)
            return true;
    return false;
}

/* Fills kv with deep copies; strings come as strs+lens or, with lens NULL, as C strings. */
static enum cllm_status kv_build(struct cllm_gguf_kv *kv, const char *key, enum cllm_gguf_type type,
                                 enum cllm_gguf_type elem_type, uint64_t n, const void *data,
                                 const char *const *strs, const uint64_t *lens)
{
    memset(kv, 0, sizeof(*kv));
    kv->type = type;
    kv->elem_type = elem_type;
    kv->n = n;
    kv->key = strdup(key);
    if (!kv->key)
        goto nomem;
    if (elem_type == CLLM_GGUF_STRING) {
        kv->strs = calloc(n ? (size_t)n : 1, sizeof(char *));
        kv->lens = calloc(n ? (size_t)n : 1, sizeof(uint64_t));
        if (!kv->strs || !kv->lens)
            goto nomem;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t len = lens ? lens[i] : strlen(strs[i]);
            kv->strs[i] = malloc((size_t)len + 1);
            if (!kv->strs[i])
                goto nomem;
            memcpy(kv->strs[i], strs[i], (size_t)len);
            kv->strs[i][len] = '\0';
            kv->lens[i] = len;
        }
    } else {
        size_t bytes = (size_t)n * scalar_size(elem_type);
        kv->data = malloc(bytes ? bytes : 1);
        if (!kv->data)
            goto nomem;
        if (bytes)
            memcpy(kv->data, data, bytes);
    }
    return CLLM_OK;

nomem:
    cllm_gguf_kv_clear(kv);
    return CLLM_ERR_NOMEM;
}

enum cllm_status cllm_gguf_kv_copy(struct cllm_gguf_kv *dst, const struct cllm_gguf_kv *src)
{
    memset(dst, 0, sizeof(*dst));
    if (src->elem_type == CLLM_GGUF_ARRAY || (unsigned)src->elem_type >= CLLM_GGUF_TYPE_COUNT)
        return CLLM_ERR_UNSUPPORTED;
    return kv_build(dst, src->key, src->type, src->elem_type, src->n, src->data, (const char *const *)src->strs,
                    src->lens);
}

/* Adds a deep copy of a key/value to the writer. */
static enum cllm_status add_kv(struct cllm_gguf_writer *w, const char *key, enum cllm_gguf_type type,
                               enum cllm_gguf_type elem_type, uint64_t n, const void *data,
                               const char *const *strs, const uint64_t *lens)
{
    if (w->status)
        return w->status;
    if (w->begun)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "metadata '%s' set after the header was written", key);
    if (!key || !*key)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "empty metadata key");
    if (cllm_gguf_writer_has_key(w, key))
        return w_fail(w, CLLM_ERR_INVALID_ARG, "metadata key '%s' set twice", key);
    if (elem_type == CLLM_GGUF_ARRAY || (unsigned)elem_type >= CLLM_GGUF_TYPE_COUNT)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "metadata '%s': unsupported element type %d", key, (int)elem_type);
    if (n > SIZE_MAX / sizeof(char *))
        return w_fail(w, CLLM_ERR_INVALID_ARG, "metadata '%s': %" PRIu64 " elements", key, n);
    if (w->n_kv == w->cap_kv) {
        size_t nc = w->cap_kv ? w->cap_kv * 2 : 32;
        struct cllm_gguf_kv *nk = realloc(w->kvs, nc * sizeof(*nk));
        if (!nk)
            return w_fail(w, CLLM_ERR_NOMEM, "out of memory");
        w->kvs = nk;
        w->cap_kv = nc;
    }
    if (kv_build(&w->kvs[w->n_kv], key, type, elem_type, n, data, strs, lens) != CLLM_OK)
        return w_fail(w, CLLM_ERR_NOMEM, "out of memory for metadata '%s'", key);
    w->n_kv++;
    return CLLM_OK;
}

enum cllm_status cllm_gguf_set_u32(struct cllm_gguf_writer *w, const char *key, uint32_t v)
{
    return add_kv(w, key, CLLM_GGUF_UINT32, CLLM_GGUF_UINT32, 1, &v, NULL, NULL);
}

enum cllm_status cllm_gguf_set_i32(struct cllm_gguf_writer *w, const char *key, int32_t v)
{
    return add_kv(w, key, CLLM_GGUF_INT32, CLLM_GGUF_INT32, 1, &v, NULL, NULL);
}

enum cllm_status cllm_gguf_set_u64(struct cllm_gguf_writer *w, const char *key, uint64_t v)
{
    return add_kv(w, key, CLLM_GGUF_UINT64, CLLM_GGUF_UINT64, 1, &v, NULL, NULL);
}

enum cllm_status cllm_gguf_set_f32(struct cllm_gguf_writer *w, const char *key, float v)
{
    return add_kv(w, key, CLLM_GGUF_FLOAT32, CLLM_GGUF_FLOAT32, 1, &v, NULL, NULL);
}

enum cllm_status cllm_gguf_set_bool(struct cllm_gguf_writer *w, const char *key, bool v)
{
    unsigned char b = v ? 1 : 0;
    return add_kv(w, key, CLLM_GGUF_BOOL, CLLM_GGUF_BOOL, 1, &b, NULL, NULL);
}

enum cllm_status cllm_gguf_set_str(struct cllm_gguf_writer *w, const char *key, const char *v)
{
    return add_kv(w, key, CLLM_GGUF_STRING, CLLM_GGUF_STRING, 1, NULL, &v, NULL);
}

enum cllm_status cllm_gguf_set_arr(struct cllm_gguf_writer *w, const char *key, enum cllm_gguf_type elem_type,
                                   const void *values, uint64_t n)
{
    if (!scalar_size(elem_type))
        return w_fail(w, CLLM_ERR_INVALID_ARG, "metadata '%s': %s is not a numeric element type", key,
                      cllm_gguf_type_name(elem_type));
    return add_kv(w, key, CLLM_GGUF_ARRAY, elem_type, n, values, NULL, NULL);
}

enum cllm_status cllm_gguf_set_arr_str(struct cllm_gguf_writer *w, const char *key, const char *const *strs,
                                       uint64_t n)
{
    return add_kv(w, key, CLLM_GGUF_ARRAY, CLLM_GGUF_STRING, n, NULL, strs, NULL);
}

enum cllm_status cllm_gguf_set_kv(struct cllm_gguf_writer *w, const struct cllm_gguf_kv *kv)
{
    if (kv->elem_type == CLLM_GGUF_ARRAY)
        return w_fail(w, CLLM_ERR_UNSUPPORTED, "metadata '%s': arrays of arrays cannot be copied", kv->key);
    if (kv->type != CLLM_GGUF_ARRAY && kv->n != 1)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "metadata '%s': a scalar with %" PRIu64 " values", kv->key, kv->n);
    return add_kv(w, kv->key, kv->type, kv->elem_type, kv->n, kv->data, (const char *const *)kv->strs, kv->lens);
}

enum cllm_status cllm_gguf_add_tensor(struct cllm_gguf_writer *w, const char *name, enum cllm_ggml_type type,
                                      uint32_t n_dims, const uint64_t *ne)
{
    struct cllm_gguf_tensor t = {0};
    uint32_t be, bb;
    uint64_t n_elems = 1;

    if (w->status)
        return w->status;
    if (w->begun)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s' added after the header was written", name);
    if (!name || !*name || strlen(name) >= GGUF_MAX_NAME)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor name '%s' is empty or longer than %d bytes", name ? name : "",
                      GGUF_MAX_NAME - 1);
    if (n_dims == 0 || n_dims > CLLM_GGUF_MAX_DIMS)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s': %u dimensions", name, n_dims);
    if (!cllm_ggml_type_info(type, NULL, &be, &bb))
        return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s': unknown type %d", name, (int)type);
    for (size_t i = 0; i < w->n_tensors; i++)
        if (strcmp(w->tensors[i].name, name) == 0)
            return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s' added twice", name);
    for (uint32_t d = 0; d < CLLM_GGUF_MAX_DIMS; d++) {
        t.ne[d] = d < n_dims ? ne[d] : 1;
        if (t.ne[d] == 0 || t.ne[d] > (uint64_t)INT64_MAX / n_elems)
            return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s': bad size %" PRIu64 " in dim %u", name, t.ne[d], d);
        n_elems *= t.ne[d];
    }
    if (t.ne[0] % be)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s': row of %" PRIu64 " not a multiple of the block of %u",
                      name, t.ne[0], be);
    if (w->n_tensors == w->cap_tensors) {
        size_t nc = w->cap_tensors ? w->cap_tensors * 2 : 64;
        struct cllm_gguf_tensor *nt = realloc(w->tensors, nc * sizeof(*nt));
        if (!nt)
            return w_fail(w, CLLM_ERR_NOMEM, "out of memory");
        w->tensors = nt;
        w->cap_tensors = nc;
    }
    t.name = strdup(name);
    if (!t.name)
        return w_fail(w, CLLM_ERR_NOMEM, "out of memory");
    t.n_dims = n_dims;
    t.type = type;
    t.nbytes = n_elems / be * bb;
    t.offset = w->data_bytes;
    w->data_bytes = align_up(t.offset + t.nbytes, CLLM_GGUF_DEFAULT_ALIGNMENT);
    w->tensors[w->n_tensors++] = t;
    return CLLM_OK;
}

/* Growing byte buffer for the header, metadata and tensor infos. */
struct buf {
    unsigned char *p;
    size_t         len, cap;
    bool           oom;
};

static void buf_put(struct buf *b, const void *data, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        unsigned char *np;
        while (nc < b->len + n)
            nc *= 2;
        np = realloc(b->p, nc);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_u32(struct buf *b, uint32_t v) { buf_put(b, &v, 4); }
static void buf_u64(struct buf *b, uint64_t v) { buf_put(b, &v, 8); }

static void buf_str(struct buf *b, const char *s, uint64_t len)
{
    buf_u64(b, len);
    buf_put(b, s, (size_t)len);
}

static void serialize_head(const struct cllm_gguf_writer *w, struct buf *b)
{
    static const unsigned char zeros[CLLM_GGUF_DEFAULT_ALIGNMENT];

    buf_u32(b, CLLM_GGUF_MAGIC);
    buf_u32(b, CLLM_GGUF_VERSION);
    buf_u64(b, w->n_tensors);
    buf_u64(b, w->n_kv);
    for (size_t i = 0; i < w->n_kv; i++) {
        const struct cllm_gguf_kv *kv = &w->kvs[i];
        buf_str(b, kv->key, strlen(kv->key));
        buf_u32(b, (uint32_t)kv->type);
        if (kv->type == CLLM_GGUF_ARRAY) {
            buf_u32(b, (uint32_t)kv->elem_type);
            buf_u64(b, kv->n);
        }
        if (kv->elem_type == CLLM_GGUF_STRING) {
            for (uint64_t j = 0; j < kv->n; j++)
                buf_str(b, kv->strs[j], kv->lens[j]);
        } else {
            buf_put(b, kv->data, (size_t)kv->n * scalar_size(kv->elem_type));
        }
    }
    for (size_t i = 0; i < w->n_tensors; i++) {
        const struct cllm_gguf_tensor *t = &w->tensors[i];
        buf_str(b, t->name, strlen(t->name));
        buf_u32(b, t->n_dims);
        for (uint32_t d = 0; d < t->n_dims; d++)
            buf_u64(b, t->ne[d]);
        buf_u32(b, (uint32_t)t->type);
        buf_u64(b, t->offset);
    }
    buf_put(b, zeros, (size_t)(align_up(b->len, CLLM_GGUF_DEFAULT_ALIGNMENT) - b->len));
}

uint64_t cllm_gguf_writer_total_bytes(const struct cllm_gguf_writer *w)
{
    struct buf b = {0};
    uint64_t total;
    serialize_head(w, &b);
    total = b.oom ? 0 : b.len + w->data_bytes;
    free(b.p);
    return total;
}

static enum cllm_status w_io(struct cllm_gguf_writer *w, const char *what)
{
    int e = errno;
    return w_fail(w, CLLM_ERR_IO, "%s %s: %s%s", what, w->part, strerror(e),
                  e == ENOSPC ? " (disk full)" : "");
}

enum cllm_status cllm_gguf_writer_begin(struct cllm_gguf_writer *w, const char *path)
{
    struct buf b = {0};
    size_t n;

    if (w->status)
        return w->status;
    if (w->begun)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "writer already begun");
    n = strlen(path);
    w->path = strdup(path);
    w->part = malloc(n + 6);
    if (!w->path || !w->part)
        return w_fail(w, CLLM_ERR_NOMEM, "out of memory");
    memcpy(w->part, path, n);
    memcpy(w->part + n, ".part", 6);
    serialize_head(w, &b);
    if (b.oom) {
        free(b.p);
        return w_fail(w, CLLM_ERR_NOMEM, "out of memory for the GGUF header");
    }
    w->begun = true;
    w->f = fopen(w->part, "wb");
    if (!w->f) {
        free(b.p);
        return w_fail(w, CLLM_ERR_IO, "cannot create %s: %s", w->part, strerror(errno));
    }
    /* large stdio buffer: tensor data arrives in arbitrary chunk sizes */
    setvbuf(w->f, NULL, _IOFBF, 1u << 20);
    if (fwrite(b.p, 1, b.len, w->f) != b.len) {
        free(b.p);
        return w_io(w, "writing");
    }
    free(b.p);
    w->cur = 0;
    w->cur_done = 0;
    return CLLM_OK;
}

/* Writes zeros up to the alignment after a finished tensor, and moves to the next one. */
static enum cllm_status next_tensor(struct cllm_gguf_writer *w)
{
    static const unsigned char zeros[CLLM_GGUF_DEFAULT_ALIGNMENT];
    const struct cllm_gguf_tensor *t = &w->tensors[w->cur];
    size_t pad = (size_t)(align_up(t->nbytes, CLLM_GGUF_DEFAULT_ALIGNMENT) - t->nbytes);
    if (pad && fwrite(zeros, 1, pad, w->f) != pad)
        return w_io(w, "writing");
    w->cur++;
    w->cur_done = 0;
    return CLLM_OK;
}

enum cllm_status cllm_gguf_writer_write_data(struct cllm_gguf_writer *w, const void *data, size_t len)
{
    const unsigned char *p = data;
    enum cllm_status st;

    if (w->status)
        return w->status;
    if (!w->begun || w->finished)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "write_data outside begin/finish");
    /* zero-size tensors do not exist (add_tensor refuses them), so skipping completed ones is enough */
    while (len > 0) {
        const struct cllm_gguf_tensor *t;
        uint64_t room;
        size_t k;
        if (w->cur >= w->n_tensors)
            return w_fail(w, CLLM_ERR_INVALID_ARG, "%zu bytes of tensor data beyond the last tensor", len);
        t = &w->tensors[w->cur];
        room = t->nbytes - w->cur_done;
        k = len < room ? len : (size_t)room;
        if (fwrite(p, 1, k, w->f) != k)
            return w_io(w, "writing");
        p += k;
        len -= k;
        w->cur_done += k;
        if (w->cur_done == t->nbytes && (st = next_tensor(w)))
            return st;
    }
    return CLLM_OK;
}

size_t cllm_gguf_writer_current_tensor(const struct cllm_gguf_writer *w)
{
    return w->cur;
}

enum cllm_status cllm_gguf_writer_finish(struct cllm_gguf_writer *w)
{
    int fd;
    if (w->status)
        return w->status;
    if (!w->begun || w->finished)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "finish without begin");
    if (w->cur < w->n_tensors)
        return w_fail(w, CLLM_ERR_INVALID_ARG, "tensor '%s' got %" PRIu64 " of its %" PRIu64 " bytes",
                      w->tensors[w->cur].name, w->cur_done, w->tensors[w->cur].nbytes);
    if (fflush(w->f) != 0)
        return w_io(w, "flushing");
    fd = fileno(w->f);
    if (fsync(fd) != 0)
        return w_io(w, "syncing");
    if (fclose(w->f) != 0) {
        w->f = NULL;
        return w_io(w, "closing");
    }
    w->f = NULL;
    if (rename(w->part, w->path) != 0)
        return w_fail(w, CLLM_ERR_IO, "renaming %s to %s: %s", w->part, w->path, strerror(errno));
    w->finished = true;
    return CLLM_OK;
}
