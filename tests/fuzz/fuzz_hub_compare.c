/* The query of the hub's GET /api/compare (src/web/hub.c: results=ID/FP,ID/FP..., baseline, format): any bytes a
 * client puts there. Input: the results list, then optionally a newline and the baseline. Served by a real hub over
 * a SQLite store holding one file (tests/data/hub/tiny_run.json), so a well-formed list of that file compares; the
 * answer must be 200 (a comparison of 2 to 16 files, as JSON), 400 (naming what is wrong) or 404 (a file the hub
 * lacks), never a crash, a 500 or an answer without a body. */
#include <stdbool.h>
#include <unistd.h>

#include "fuzz.h"

#if defined(CLLM_WITH_SQLITE) && defined(CLLM_WITH_WEB)
#include <cjson/cJSON.h>

#include "core/file.h"
#include "store/record.h"
#include "store/store.h"
#include "web/hub.h"

static struct cllm_store *g_store;
static struct cllm_hub *g_hub;
static char g_dir[64];

static void cleanup(void)
{
    char path[128];
    cllm_hub_free(g_hub);
    cllm_store_close(g_store);
    for (const char *const *e = (const char *const[]){"", "-wal", "-shm", NULL}; *e; e++) {
        snprintf(path, sizeof(path), "%s/hub.db%s", g_dir, *e);
        unlink(path);
    }
    rmdir(g_dir);
}

static void setup(void)
{
    struct cllm_store_params p = cllm_store_default_params();
    struct cllm_store_record *rec = malloc(sizeof(*rec));
    char url[128], err[CLLM_ERR_LEN], *text = NULL;
    size_t len = 0;
    bool added = false;

    snprintf(g_dir, sizeof(g_dir), "/tmp/cllm_fuzz_hub_XXXXXX");
    FUZZ_CHECK(rec && mkdtemp(g_dir));
    snprintf(url, sizeof(url), "sqlite:%s/hub.db", g_dir);
    p.url = url;
    p.pool_size = 1;
    g_store = cllm_store_open(&p, NULL, err, sizeof(err));
    FUZZ_CHECK(g_store != NULL);
    FUZZ_CHECK(cllm_file_read(CLLM_FUZZ_SOURCE_DIR "/tests/data/hub/tiny_run.json", 1u << 20, &text, &len, err,
                              sizeof(err)) == CLLM_OK);
    FUZZ_CHECK(cllm_store_record_parse(text, len, rec, err, sizeof(err)) == CLLM_OK);
    FUZZ_CHECK(cllm_store_submit(g_store, rec, text, len, "fuzz", &added, err, sizeof(err)) == CLLM_OK);
    g_hub = cllm_hub_new(g_store);
    FUZZ_CHECK(g_hub != NULL);
    free(text);
    free(rec);
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size), *nl;
    const char *keys[3] = {"results", "baseline", "format"}, *vals[3] = {text, NULL, "json"};
    struct cllm_web_request rq = {.method = "GET", .path = "/api/compare", .query_keys = keys, .query_vals = vals,
                                  .n_query = 1};
    struct cllm_web_response resp;

    if (!g_hub)
        setup();
    if ((nl = strchr(text, '\n')) != NULL) {
        *nl = '\0';
        vals[1] = nl + 1;
        rq.n_query = 3;
    }
    cllm_hub_handle(g_hub, &rq, NULL, &resp);
    FUZZ_CHECK(resp.status == 200 || resp.status == 400 || resp.status == 404);
    FUZZ_CHECK(resp.body != NULL && resp.body_len > 0);
    {
        cJSON *o = cJSON_ParseWithLength(resp.body, resp.body_len);
        FUZZ_CHECK(o != NULL);
        if (resp.status == 200) {
            const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "machines");
            FUZZ_CHECK(cJSON_IsArray(m) && cJSON_GetArraySize(m) >= 2 && cJSON_GetArraySize(m) <= 16);
            FUZZ_CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "hardware")) == cJSON_GetArraySize(m));
        } else {
            FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "error")));
        }
        cJSON_Delete(o);
    }
    cllm_web_response_free(&resp);
    free(text);
    return 0;
}

#else

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    return 0;   /* built without SQLite or the web server: no hub to ask */
}

#endif
