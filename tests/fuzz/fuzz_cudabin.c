/* A CUDA library's .nv_fatbin section (src/llm/cudabin.h, cllm_cudabin_parse): the library folder a user names
 * is read before ggml loads it. Whatever is accepted must describe itself and answer the driver's rule for any
 * GPU without reading past the bytes. */
#include "llm/cudabin.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cllm_cudabin b;
    char err[CLLM_ERR_LEN] = "", d[512], why[400];
    long images = 0;
    /* a copy of exactly size bytes, so that ASan sees any read past them */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    if (size)
        memcpy(copy, data, size);
    if (cllm_cudabin_parse(copy, size, &b, err, sizeof(err)) != CLLM_OK) {
        FUZZ_CHECK(err[0] != '\0');
        free(copy);
        return 0;
    }
    FUZZ_CHECK(b.n_fatbins >= 1 && b.n_images >= 0 && b.n_images <= CLLM_CUDABIN_MAX_IMAGES);
    for (int i = 0; i < b.n_images; i++) {
        FUZZ_CHECK(b.images[i].count >= 1);
        FUZZ_CHECK(b.images[i].kind == CLLM_CUDABIN_PTX || b.images[i].kind == CLLM_CUDABIN_SASS);
        FUZZ_CHECK(b.images[i].arch >= 0 && b.images[i].arch <= 10000);
        images += b.images[i].count;
    }
    FUZZ_CHECK(images <= b.n_entries);
    cllm_cudabin_describe(&b, d, sizeof(d));
    FUZZ_CHECK(strlen(d) < sizeof(d));
    for (int cc = 30; cc <= 130; cc += 7)
        (void)cllm_cudabin_runs(&b, cc / 10, cc % 10, 13000, why, sizeof(why));
    free(copy);
    return 0;
}
