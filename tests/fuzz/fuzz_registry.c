/* The model registry (src/model/registry.h): data/models.json, ~/.config/computellm/models.json, --models-file. The
 * input is merged into an empty registry and, when that works, over the built-in one, then every entry is read
 * the way the pipeline reads it. */
#include <math.h>

#include "core/status.h"
#include "model/registry.h"
#include "fuzz.h"

static char *g_builtin;   /* data/models.json of the source tree, read once */

static void read_builtin(void)
{
    FILE *f = fopen(CLLM_FUZZ_SOURCE_DIR "/data/models.json", "rb");
    long n;
    if (!f)
        return;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
        g_builtin = calloc(1, (size_t)n + 1);
        if (g_builtin && fread(g_builtin, 1, (size_t)n, f) != (size_t)n) {
            free(g_builtin);
            g_builtin = NULL;
        }
    }
    fclose(f);
}

static void walk(const struct cllm_registry *r)
{
    int n = cllm_registry_count(r);
    FUZZ_CHECK(n >= 0);
    for (int i = 0; i < n; i++) {
        const struct cllm_model *m = cllm_registry_at(r, i);
        char path[1024];
        FUZZ_CHECK(m != NULL);
        FUZZ_CHECK(cllm_registry_find(r, m->key) == m);
        FUZZ_CHECK(m->n_quants >= 0 && m->n_quants <= CLLM_MODEL_MAX_QUANTS);
        (void)cllm_model_kv_cache_bytes(m, 2048);
        (void)cllm_model_find_quant(m, NULL);
        for (int q = 0; q < m->n_quants; q++) {
            const struct cllm_model_quant *mq = &m->quants[q];
            FUZZ_CHECK(cllm_model_find_quant(m, mq->name) != NULL);
            FUZZ_CHECK(mq->n_parts == 0 || (mq->n_parts >= 2 && mq->n_parts <= CLLM_MODEL_MAX_PARTS));
            cllm_model_local_path(mq, "/models", path, sizeof(path));
            cllm_model_synthetic_path(m, mq, "/models", path, sizeof(path));
        }
    }
    (void)cllm_registry_origins(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    char *text = fuzz_cstr(data, size);
    char err[512] = "";
    struct cllm_registry *r = cllm_registry_new();
    enum cllm_status st;

    if (!once) {
        once = 1;
        read_builtin();
    }
    FUZZ_CHECK(r != NULL);
    st = cllm_registry_merge_json(r, text, "fuzz.json", err, sizeof(err));
    if (st != CLLM_OK) {
        FUZZ_CHECK(err[0] != '\0');
        FUZZ_CHECK(cllm_registry_count(r) == 0);   /* on error the registry is unchanged */
    } else {
        walk(r);
        /* merging the same text again changes nothing it has not already set */
        st = cllm_registry_merge_json(r, text, "fuzz.json", err, sizeof(err));
        if (st != CLLM_OK)
            fprintf(stderr, "second merge: %s\n", err);
        FUZZ_CHECK(st == CLLM_OK);
        walk(r);
        if (g_builtin) {
            struct cllm_registry *b = cllm_registry_new();
            FUZZ_CHECK(b != NULL);
            FUZZ_CHECK(cllm_registry_merge_json(b, g_builtin, "models.json", err, sizeof(err)) == CLLM_OK);
            if (cllm_registry_merge_json(b, text, "fuzz.json", err, sizeof(err)) == CLLM_OK)
                walk(b);
            cllm_registry_free(b);
        }
    }
    cllm_registry_free(r);
    free(text);
    return 0;
}
