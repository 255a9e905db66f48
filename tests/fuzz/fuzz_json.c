/* The strict JSON reader and the UTF-8 helpers (src/core/json.h): every JSON text from outside goes through them. */
#include <cjson/cJSON.h>
#include <stdbool.h>

#include "core/json.h"
#include "fuzz.h"

/* True when some object in the tree has a key twice (objects of up to 512 keys are checked, pair by pair). */
static bool has_duplicate_key(const cJSON *node)
{
    const cJSON *a, *b;
    int n = 0;
    for (a = node->child; a; a = a->next)
        n++;
    if (cJSON_IsObject(node) && n <= 512)
        for (a = node->child; a; a = a->next)
            for (b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return true;
    for (a = node->child; a; a = a->next)
        if (has_duplicate_key(a))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char err[256] = "";
    size_t bad = (size_t)-1, rlen = 0;
    bool valid = cllm_utf8_valid(text, size, &bad);
    char *rep = cllm_utf8_repair(text, size, &rlen);
    cJSON *root;

    FUZZ_CHECK(valid || bad < size);
    FUZZ_CHECK(rep != NULL);
    FUZZ_CHECK(rep[rlen] == '\0');
    FUZZ_CHECK(cllm_utf8_valid(rep, rlen, NULL));
    if (valid)
        FUZZ_CHECK(rlen == size && memcmp(rep, text, size) == 0);   /* valid text is left as it is */
    else
        FUZZ_CHECK(rlen > size);   /* each bad byte became the 3-byte U+FFFD */

    root = cllm_json_parse(text, size, "fuzz", err, sizeof(err));
    if (root) {
        char *out;
        FUZZ_CHECK(valid && memchr(text, '\0', size) == NULL);
        /* raw control characters are only allowed as whitespace between tokens (RFC 8259) */
        for (size_t i = 0; i < size; i++)
            FUZZ_CHECK((unsigned char)text[i] >= 0x20 || text[i] == '\t' || text[i] == '\n' || text[i] == '\r');
        FUZZ_CHECK(!has_duplicate_key(root));
        /* what was accepted prints as JSON that the same reader accepts again */
        out = cJSON_PrintUnformatted(root);
        if (out) {
            cJSON *again = cllm_json_parse(out, strlen(out), "fuzz (printed)", err, sizeof(err));
            if (!again)
                fprintf(stderr, "%s\n", err);
            FUZZ_CHECK(again != NULL);
            cJSON_Delete(again);
            free(out);
        }
        cJSON_Delete(root);
    } else {
        FUZZ_CHECK(strncmp(err, "fuzz: ", 6) == 0);   /* a refusal always says why */
    }

    /* the repaired text is valid UTF-8, so the reader refuses it, if at all, for another reason */
    root = cllm_json_parse(rep, rlen, "fuzz (repaired)", err, sizeof(err));
    if (!root)
        FUZZ_CHECK(strncmp(err, "fuzz (repaired): invalid UTF-8 at", 33) != 0);
    cJSON_Delete(root);
    free(rep);
    return 0;
}
