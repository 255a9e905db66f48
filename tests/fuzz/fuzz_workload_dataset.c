/* One --dataset line (src/serve/workload.h cllm_workload_parse_line): untrusted JSONL from a user's file. What it
 * promises: OK with a non-empty user message and a system message that are valid UTF-8 without NUL (they go into
 * a request body), max_tokens 0 or 1 .. CLLM_WORKLOAD_MAX_LEN; NOT_FOUND only for an all-blank line; otherwise
 * PARSE with "line N" in the message and nothing allocated. */
#include "core/json.h"
#include "core/status.h"
#include "serve/workload.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cllm_workload_item it;
    char err[CLLM_ERR_LEN];
    /* an exact-size copy, not NUL-terminated: the parser must read only len bytes */
    char *line = malloc(size ? size : 1);
    enum cllm_status st;
    FUZZ_CHECK(line != NULL);
    if (size)
        memcpy(line, data, size);
    err[0] = '\0';
    st = cllm_workload_parse_line(line, size, 42, &it, err, sizeof(err));
    if (st == CLLM_OK) {
        FUZZ_CHECK(it.user && it.system && it.user[0]);
        FUZZ_CHECK(cllm_utf8_valid(it.user, strlen(it.user), NULL));
        FUZZ_CHECK(cllm_utf8_valid(it.system, strlen(it.system), NULL));
        FUZZ_CHECK(it.max_tokens == 0 || (it.max_tokens >= 1 && it.max_tokens <= CLLM_WORKLOAD_MAX_LEN));
        cllm_workload_item_free(&it);
    } else if (st == CLLM_ERR_NOT_FOUND) {
        for (size_t i = 0; i < size; i++)
            FUZZ_CHECK(line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r');
        FUZZ_CHECK(it.user == NULL && it.system == NULL);
    } else {
        FUZZ_CHECK(st == CLLM_ERR_PARSE);
        FUZZ_CHECK(it.user == NULL && it.system == NULL);
        FUZZ_CHECK(strstr(err, "line 42") != NULL);
    }
    free(line);
    return 0;
}
