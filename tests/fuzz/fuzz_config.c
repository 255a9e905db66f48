/* The benchmark configuration (src/core/config.h): a --config file or a GUI request's config object. */
#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/status.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char err[512] = "";
    struct cllm_config c, before, back;
    char *dump_before, *dump_after;
    enum cllm_status st;

    cllm_config_defaults(&c);
    before = c;
    dump_before = cllm_config_to_json_text(&before);
    st = cllm_config_apply_json(&c, text, "fuzz", err, sizeof(err));
    dump_after = cllm_config_to_json_text(&c);
    FUZZ_CHECK(dump_before && dump_after);
    if (st != CLLM_OK) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(strcmp(dump_before, dump_after) == 0);   /* on error the config is unchanged */
    } else {
        /* every value is in range and the dump loads back to the same config */
        FUZZ_CHECK(c.n_models >= 1 && c.n_models <= CLLM_CONFIG_MAX_MODELS);
        FUZZ_CHECK(c.n_cpu_matrix_sizes >= 1 && c.n_cpu_matrix_sizes <= CLLM_CONFIG_MAX_SIZES);
        FUZZ_CHECK(c.n_gpu_matrix_sizes >= 1 && c.n_gpu_matrix_sizes <= CLLM_CONFIG_MAX_SIZES);
        FUZZ_CHECK(c.inference.max_tokens < c.inference.n_ctx);
        FUZZ_CHECK(memchr(c.prompt, '\0', sizeof(c.prompt)) && memchr(c.system_prompt, '\0', sizeof(c.system_prompt)));
        cllm_config_defaults(&back);
        st = cllm_config_apply_json(&back, dump_after, "fuzz (dumped)", err, sizeof(err));
        if (st != CLLM_OK)
            fprintf(stderr, "%s\n", err);
        FUZZ_CHECK(st == CLLM_OK);
        {
            char *dump_back = cllm_config_to_json_text(&back);
            FUZZ_CHECK(dump_back && strcmp(dump_back, dump_after) == 0);
            free(dump_back);
        }
    }
    free(dump_before);
    free(dump_after);
    free(text);
    return 0;
}
