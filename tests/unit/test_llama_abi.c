/* The libllama binding: a wrong version, wrong default values, a grown struct and missing symbols are refused
 * with the library named; the pinned library from .deps/ (when installed) is accepted. */
#include <stdlib.h>

#include "llm/llama_api.h"
#include "test.h"

static void test_wrong_version_refused(void)
{
    char err[1024];
    const struct cllm_llama *L = (const struct cllm_llama *)1;
    enum cllm_status st = cllm_llama_load(CLLM_FAKE_LLAMA_DIR "/version", &L, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_LIBRARY);
    CHECK(L == NULL);
    CHECK(strstr(err, "is version 0.9.9") != NULL);
    CHECK(strstr(err, "supports 0.5.0-dev") != NULL);
    CHECK(strstr(err, CLLM_FAKE_LLAMA_DIR "/version/libllama.so") != NULL);
    CHECK(cllm_llama_get() == NULL);
}

static void test_missing_version_refused(void)
{
    char err[1024];
    const struct cllm_llama *L;
    enum cllm_status st = cllm_llama_load(CLLM_FAKE_LLAMA_DIR "/noversion/libllama.so", &L, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_LIBRARY);
    CHECK(strstr(err, "no llama_version()") != NULL);
}

static void test_wrong_default_refused(void)
{
    char err[1024];
    const struct cllm_llama *L;
    enum cllm_status st = cllm_llama_load(CLLM_FAKE_LLAMA_DIR "/defaults", &L, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_LIBRARY);
    CHECK(strstr(err, "llama_context_default_params() gives op_offload = 0, expected true") != NULL);
    CHECK(strstr(err, "(version 0.5.0-dev)") != NULL);
    CHECK(strstr(err, "/defaults/libllama.so") != NULL);
}

static void test_grown_struct_refused(void)
{
    char err[1024];
    const struct cllm_llama *L;
    enum cllm_status st = cllm_llama_load(CLLM_FAKE_LLAMA_DIR "/grown", &L, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_LIBRARY);
    CHECK(strstr(err, "llama_model_params: the library wrote past the 80 bytes") != NULL);
}

static void test_missing_symbol_refused(void)
{
    char err[1024];
    const struct cllm_llama *L;
    enum cllm_status st = cllm_llama_load(CLLM_FAKE_LLAMA_DIR "/good", &L, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_SYMBOL);
    CHECK(strstr(err, "symbol llama_sampler_chain_default_params missing") != NULL);
    CHECK(cllm_llama_get() == NULL);
}

static void test_not_found(void)
{
    char err[1024];
    const struct cllm_llama *L;
    CHECK_INT(cllm_llama_load("/nonexistent/llama", &L, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "/nonexistent/llama") != NULL);
    CHECK_INT(cllm_llama_load(CLLM_FAKE_LLAMA_DIR, &L, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "no libllama") != NULL);
}

static void test_layout_sizes(void)
{
    /* LP64 sizes of 0.5.0-dev, read from the library's own default-params code */
    if (sizeof(void *) != 8)
        SKIP("not an LP64 build");
    CHECK_INT(sizeof(struct cllm_llama_model_params), 80);
    CHECK_INT(sizeof(struct cllm_llama_context_params), 160);
    CHECK_INT(sizeof(struct cllm_llama_quantize_params), 64);
    CHECK_INT(sizeof(struct cllm_llama_batch), 56);
    CHECK_INT(sizeof(struct cllm_llama_perf_context_data), 48);
}

static void test_real_library(void)
{
    char dir[1024], err[1024];
    const struct cllm_llama *L, *again;
    struct cllm_llama_device devs[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_llama_quantize_params q;
    int n, cpu = 0;

    if (cllm_llama_find(dir, sizeof(dir), err, sizeof(err)) != CLLM_OK)
        SKIP("no llama.cpp libraries installed (%s)", err);
    CHECK_INT(cllm_llama_load(dir, &L, err, sizeof(err)), CLLM_OK);
    if (!L) {
        fprintf(stderr, "  %s\n", err);
        return;
    }
    fprintf(stderr, "  loaded %s: llama %s, ggml %s, commit %s, variant %s\n", L->lib_path, L->version,
            L->ggml_version, L->ggml_commit, L->variant);
    CHECK_STR(L->version, "0.5.0-dev");
    CHECK_STR(L->ggml_version, "0.25.1");
    CHECK(strncmp(L->ggml_commit, "0ad4a86", 7) == 0);
    CHECK(L->variant[0] != '\0');
    CHECK(cllm_llama_get() == L);

    q = L->model_quantize_default_params();
    CHECK_INT(q.ftype, CLLM_LLAMA_FTYPE_Q8_0);
    CHECK(q.quantize_output_tensor);

    n = cllm_llama_devices(L, devs, CLLM_LLAMA_MAX_DEVICES);
    CHECK(n >= 1);
    for (int i = 0; i < n; i++) {
        fprintf(stderr, "  device %s (%s) backend %s type %d\n", devs[i].name, devs[i].description,
                devs[i].backend, devs[i].type);
        cpu += devs[i].type == CLLM_GGML_DEV_CPU;
    }
    CHECK_INT(cpu, 1);

    /* once loaded, the same table comes back; another library is refused */
    CHECK_INT(cllm_llama_load(NULL, &again, err, sizeof(err)), CLLM_OK);
    CHECK(again == L);
    CHECK_INT(cllm_llama_load(L->lib_path, &again, err, sizeof(err)), CLLM_OK);
    CHECK(again == L);
    CHECK_INT(cllm_llama_load(CLLM_FAKE_LLAMA_DIR "/version", &again, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "already loaded") != NULL);
}

int main(void)
{
    RUN(test_layout_sizes);
    RUN(test_not_found);
    RUN(test_wrong_version_refused);
    RUN(test_missing_version_refused);
    RUN(test_wrong_default_refused);
    RUN(test_grown_struct_refused);
    RUN(test_missing_symbol_refused);
    RUN(test_real_library);
    return test_summary();
}
