/* GGUF v3 files (llama.cpp's model format): a streaming writer (tensor data never held whole in memory, written
 * to NAME.part then renamed) and a reader of the metadata and tensor infos that validates the file against its
 * size, so a corrupt or truncated file gives an error naming what is wrong. Little-endian hosts only. */
#ifndef CLLM_GGUF_H
#define CLLM_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_GGUF_MAGIC            0x46554747u /* "GGUF" read as a little-endian u32 */
#define CLLM_GGUF_VERSION          3u
#define CLLM_GGUF_DEFAULT_ALIGNMENT 32u       /* used when general.alignment is absent */
#define CLLM_GGUF_MAX_DIMS         4u

/* Metadata value types, as numbered in the file. */
enum cllm_gguf_type {
    CLLM_GGUF_UINT8   = 0,
    CLLM_GGUF_INT8    = 1,
    CLLM_GGUF_UINT16  = 2,
    CLLM_GGUF_INT16   = 3,
    CLLM_GGUF_UINT32  = 4,
    CLLM_GGUF_INT32   = 5,
    CLLM_GGUF_FLOAT32 = 6,
    CLLM_GGUF_BOOL    = 7,
    CLLM_GGUF_STRING  = 8,
    CLLM_GGUF_ARRAY   = 9,
    CLLM_GGUF_UINT64  = 10,
    CLLM_GGUF_INT64   = 11,
    CLLM_GGUF_FLOAT64 = 12,
    CLLM_GGUF_TYPE_COUNT
};

/* Tensor element types (ggml_type numbers of the pinned ggml 0.25.1; gaps are types ggml removed). */
enum cllm_ggml_type {
    CLLM_GGML_F32 = 0, CLLM_GGML_F16 = 1, CLLM_GGML_Q4_0 = 2, CLLM_GGML_Q4_1 = 3, CLLM_GGML_Q5_0 = 6,
    CLLM_GGML_Q5_1 = 7, CLLM_GGML_Q8_0 = 8, CLLM_GGML_Q8_1 = 9, CLLM_GGML_Q2_K = 10, CLLM_GGML_Q3_K = 11,
    CLLM_GGML_Q4_K = 12, CLLM_GGML_Q5_K = 13, CLLM_GGML_Q6_K = 14, CLLM_GGML_Q8_K = 15,
    CLLM_GGML_IQ2_XXS = 16, CLLM_GGML_IQ2_XS = 17, CLLM_GGML_IQ3_XXS = 18, CLLM_GGML_IQ1_S = 19,
    CLLM_GGML_IQ4_NL = 20, CLLM_GGML_IQ3_S = 21, CLLM_GGML_IQ2_S = 22, CLLM_GGML_IQ4_XS = 23,
    CLLM_GGML_I8 = 24, CLLM_GGML_I16 = 25, CLLM_GGML_I32 = 26, CLLM_GGML_I64 = 27, CLLM_GGML_F64 = 28,
    CLLM_GGML_IQ1_M = 29, CLLM_GGML_BF16 = 30, CLLM_GGML_TQ1_0 = 34, CLLM_GGML_TQ2_0 = 35,
    CLLM_GGML_MXFP4 = 39, CLLM_GGML_NVFP4 = 40, CLLM_GGML_Q1_0 = 41, CLLM_GGML_Q2_0 = 42,
    CLLM_GGML_TYPE_COUNT = 43
};

/* Name of a metadata type ("uint32", "array", ...); "?" when unknown. */
const char *cllm_gguf_type_name(enum cllm_gguf_type t);

/* Tensor type facts: name ("q4_K"), elements per block, bytes per block. False for unknown/removed types. */
bool cllm_ggml_type_info(enum cllm_ggml_type t, const char **name, uint32_t *block_elems, uint32_t *block_bytes);

/* Bytes of a tensor of n_elems elements of type t (n_elems a multiple of the block size); 0 if not valid. */
uint64_t cllm_ggml_nbytes(enum cllm_ggml_type t, uint64_t n_elems);

/* One metadata key/value. Scalars are arrays of one element (n == 1, type == elem_type). Numbers are packed in
 * host order in `data` (bool: one byte each); strings are `strs[i]` (NUL-terminated, `lens[i]` bytes, may contain
 * NUL). Arrays of arrays are read past but not kept (elem_type ARRAY, n counted, data NULL). */
struct cllm_gguf_kv {
    char               *key;
    enum cllm_gguf_type type;      /* CLLM_GGUF_ARRAY for arrays, else the scalar's type */
    enum cllm_gguf_type elem_type; /* element type of an array; equal to type for a scalar */
    uint64_t            n;         /* number of elements (1 for a scalar) */
    void               *data;      /* numbers: n values of elem_type; NULL for strings */
    char              **strs;      /* strings: n NUL-terminated copies; NULL otherwise */
    uint64_t           *lens;      /* strings: their byte lengths */
};

struct cllm_gguf_tensor {
    char               *name;
    uint32_t            n_dims;
    uint64_t            ne[CLLM_GGUF_MAX_DIMS]; /* elements per dimension, ne[0] contiguous; unused dims = 1 */
    enum cllm_ggml_type type;
    uint64_t            offset;  /* bytes from the start of the data section (a multiple of the alignment) */
    uint64_t            nbytes;  /* bytes of data */
};

/* Frees what a key/value owns and zeroes it. */
void cllm_gguf_kv_clear(struct cllm_gguf_kv *kv);

/* Deep copy (arrays of arrays are refused with CLLM_ERR_UNSUPPORTED). */
enum cllm_status cllm_gguf_kv_copy(struct cllm_gguf_kv *dst, const struct cllm_gguf_kv *src);

/* ---------------------------------------------------------------- reader */

/* A parsed file: header, metadata and tensor infos (no tensor data). */
struct cllm_gguf;

/* Reads and validates `path`: magic, version (2 or 3), counts, every key and string length against the bytes
 * left, known value and tensor types, dims, offsets aligned and not overlapping, and that every tensor's data
 * lies inside the file. On failure returns CLLM_ERR_PARSE (or IO/NOMEM) and names the problem and its place in
 * err ("truncated: tensor 'output.weight' needs bytes up to 669000000, file has 4096"). */
enum cllm_status cllm_gguf_open(const char *path, struct cllm_gguf **out, char *err, size_t errlen);

/* Same checks on a file image in memory (the whole file, or at least the part up to its data section with
 * `check_data` false). */
enum cllm_status cllm_gguf_open_buffer(const void *buf, size_t len, bool check_data, struct cllm_gguf **out,
                                       char *err, size_t errlen);

void cllm_gguf_close(struct cllm_gguf *g);

uint32_t cllm_gguf_version(const struct cllm_gguf *g);
uint32_t cllm_gguf_alignment(const struct cllm_gguf *g);
uint64_t cllm_gguf_data_offset(const struct cllm_gguf *g); /* file offset of the data section */
uint64_t cllm_gguf_file_size(const struct cllm_gguf *g);   /* bytes of the file (or buffer) read */

size_t cllm_gguf_n_kv(const struct cllm_gguf *g);
const struct cllm_gguf_kv *cllm_gguf_kv_at(const struct cllm_gguf *g, size_t i);
const struct cllm_gguf_kv *cllm_gguf_find_kv(const struct cllm_gguf *g, const char *key); /* NULL if absent */

size_t cllm_gguf_n_tensors(const struct cllm_gguf *g);
const struct cllm_gguf_tensor *cllm_gguf_tensor_at(const struct cllm_gguf *g, size_t i);
const struct cllm_gguf_tensor *cllm_gguf_find_tensor(const struct cllm_gguf *g, const char *name);

/* Typed scalar reads of a key: false when absent or of another type. get_uint accepts any unsigned or
 * non-negative signed integer type; get_float accepts float32 and float64. */
bool cllm_gguf_get_uint(const struct cllm_gguf *g, const char *key, uint64_t *out);
bool cllm_gguf_get_float(const struct cllm_gguf *g, const char *key, double *out);
bool cllm_gguf_get_bool(const struct cllm_gguf *g, const char *key, bool *out);
const char *cllm_gguf_get_str(const struct cllm_gguf *g, const char *key); /* NULL unless a string */

/* ---------------------------------------------------------------- writer */

/* Usage: new → set_* metadata → add_tensor for each tensor (in file order) → begin (writes header, metadata and
 * tensor infos to PATH.part) → write_data for each tensor in order, in chunks of any size → finish (fsync, rename
 * PATH.part to PATH). free at any point removes an unfinished PATH.part. The first error sticks: later calls
 * return it, and cllm_gguf_writer_error tells what it was. */
struct cllm_gguf_writer;

struct cllm_gguf_writer *cllm_gguf_writer_new(void); /* NULL when out of memory */
void cllm_gguf_writer_free(struct cllm_gguf_writer *w);
const char *cllm_gguf_writer_error(const struct cllm_gguf_writer *w); /* "" when none */

/* Metadata. A key set twice is an error (CLLM_ERR_INVALID_ARG). general.alignment is written first, always. */
enum cllm_status cllm_gguf_set_u32(struct cllm_gguf_writer *w, const char *key, uint32_t v);
enum cllm_status cllm_gguf_set_i32(struct cllm_gguf_writer *w, const char *key, int32_t v);
enum cllm_status cllm_gguf_set_u64(struct cllm_gguf_writer *w, const char *key, uint64_t v);
enum cllm_status cllm_gguf_set_f32(struct cllm_gguf_writer *w, const char *key, float v);
enum cllm_status cllm_gguf_set_bool(struct cllm_gguf_writer *w, const char *key, bool v);
enum cllm_status cllm_gguf_set_str(struct cllm_gguf_writer *w, const char *key, const char *v);
/* Arrays: n elements of a numeric elem_type from `values` (host order), or n strings. */
enum cllm_status cllm_gguf_set_arr(struct cllm_gguf_writer *w, const char *key, enum cllm_gguf_type elem_type,
                                   const void *values, uint64_t n);
enum cllm_status cllm_gguf_set_arr_str(struct cllm_gguf_writer *w, const char *key, const char *const *strs,
                                       uint64_t n);
/* Copies a key/value as read by the reader (arrays of arrays are refused). */
enum cllm_status cllm_gguf_set_kv(struct cllm_gguf_writer *w, const struct cllm_gguf_kv *kv);
bool cllm_gguf_writer_has_key(const struct cllm_gguf_writer *w, const char *key);

/* Declares the next tensor; its data offset follows the previous one, aligned. ne[0] must be a multiple of the
 * type's block size. */
enum cllm_status cllm_gguf_add_tensor(struct cllm_gguf_writer *w, const char *name, enum cllm_ggml_type type,
                                      uint32_t n_dims, const uint64_t *ne);

/* Bytes the finished file will have (valid once every tensor is added). */
uint64_t cllm_gguf_writer_total_bytes(const struct cllm_gguf_writer *w);

/* Creates PATH.part (replacing a stale one) and writes everything but the tensor data. */
enum cllm_status cllm_gguf_writer_begin(struct cllm_gguf_writer *w, const char *path);

/* Appends tensor data: chunks fill the tensors in the order they were added; padding between tensors is
 * written by the writer. More bytes than declared is an error. */
enum cllm_status cllm_gguf_writer_write_data(struct cllm_gguf_writer *w, const void *data, size_t len);

/* Index of the tensor the next write_data bytes belong to (n_tensors when all are written). */
size_t cllm_gguf_writer_current_tensor(const struct cllm_gguf_writer *w);

/* Checks every tensor got all its bytes, flushes, fsyncs and renames PATH.part to PATH. */
enum cllm_status cllm_gguf_writer_finish(struct cllm_gguf_writer *w);

#ifdef __cplusplus
}
#endif

#endif
