/* The GGUF reader (src/model/gguf.h) on a file image: a downloaded or user-given model is read before llama.cpp
 * sees it. Read with and without the tensor-data check; what is accepted is walked the way synth and the
 * pipeline read it, and must be self-consistent. */
#include <stdbool.h>

#include "core/status.h"
#include "model/gguf.h"
#include "fuzz.h"

static void walk(const struct cllm_gguf *g, bool check_data, size_t size)
{
    size_t nkv = cllm_gguf_n_kv(g), nt = cllm_gguf_n_tensors(g);
    uint64_t data_off = cllm_gguf_data_offset(g), align = cllm_gguf_alignment(g);

    FUZZ_CHECK(cllm_gguf_version(g) == 2 || cllm_gguf_version(g) == 3);
    FUZZ_CHECK(align > 0);
    FUZZ_CHECK(cllm_gguf_file_size(g) == size);
    FUZZ_CHECK(data_off % align == 0);
    for (size_t i = 0; i < nkv; i++) {
        const struct cllm_gguf_kv *kv = cllm_gguf_kv_at(g, i);
        struct cllm_gguf_kv copy;
        uint64_t u;
        double d;
        bool b;
        FUZZ_CHECK(kv && kv->key);
        FUZZ_CHECK(cllm_gguf_find_kv(g, kv->key) != NULL);
        (void)cllm_gguf_type_name(kv->type);
        (void)cllm_gguf_get_uint(g, kv->key, &u);
        (void)cllm_gguf_get_float(g, kv->key, &d);
        (void)cllm_gguf_get_bool(g, kv->key, &b);
        (void)cllm_gguf_get_str(g, kv->key);
        if (kv->elem_type == CLLM_GGUF_STRING) {
            FUZZ_CHECK(kv->strs && kv->lens);
            for (uint64_t k = 0; k < kv->n; k++)
                FUZZ_CHECK(kv->strs[k][kv->lens[k]] == '\0');
        }
        memset(&copy, 0, sizeof(copy));
        if (cllm_gguf_kv_copy(&copy, kv) == CLLM_OK) {
            FUZZ_CHECK(copy.n == kv->n && copy.type == kv->type && strcmp(copy.key, kv->key) == 0);
            cllm_gguf_kv_clear(&copy);
        }
    }
    for (size_t i = 0; i < nt; i++) {
        const struct cllm_gguf_tensor *t = cllm_gguf_tensor_at(g, i);
        uint64_t n_elems = 1;
        FUZZ_CHECK(t && t->name);
        FUZZ_CHECK(t->n_dims >= 1 && t->n_dims <= CLLM_GGUF_MAX_DIMS);
        FUZZ_CHECK(t->offset % align == 0);
        FUZZ_CHECK(cllm_gguf_find_tensor(g, t->name) != NULL);
        for (uint32_t k = 0; k < t->n_dims; k++) {
            FUZZ_CHECK(t->ne[k] == 0 || n_elems <= UINT64_MAX / t->ne[k]);
            n_elems *= t->ne[k];
        }
        {
            /* the byte count without wrap-around: a tensor is never smaller than its elements */
            uint32_t be = 0, bb = 0;
            FUZZ_CHECK(cllm_ggml_type_info(t->type, NULL, &be, &bb) && be > 0);
            FUZZ_CHECK((unsigned __int128)t->nbytes == (unsigned __int128)(n_elems / be) * bb);
        }
        if (check_data) {
            FUZZ_CHECK(data_off <= size && t->offset <= size - data_off);
            FUZZ_CHECK(t->nbytes <= size - data_off - t->offset);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int pass = 0; pass < 2; pass++) {
        bool check_data = pass == 1;
        struct cllm_gguf *g = NULL;
        char err[512] = "";
        enum cllm_status st = cllm_gguf_open_buffer(data, size, check_data, &g, err, sizeof(err));
        if (st == CLLM_OK) {
            FUZZ_CHECK(g != NULL);
            walk(g, check_data, size);
            cllm_gguf_close(g);
        } else {
            FUZZ_CHECK(g == NULL && err[0] != '\0');
        }
    }
    return 0;
}
