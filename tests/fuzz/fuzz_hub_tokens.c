/* The hub's --tokens-file (src/web/server.h, cllm_web_tokens_parse): a file an administrator writes. Every token
 * accepted must be one the server can compare and put in a cookie, every name one the store records. */
#include "web/server.h"

#include "fuzz.h"

static bool all_of(const char *s, const char *extra)
{
    if (!*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr(extra, *p)))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cllm_web_tokens t;
    char err[CLLM_ERR_LEN] = "";
    enum cllm_status st = cllm_web_tokens_parse((const char *)data, size, &t, err, sizeof(err));

    if (st != CLLM_OK) {
        FUZZ_CHECK(err[0] != '\0' && t.n == 0 && !t.names && !t.tokens);
        return 0;
    }
    FUZZ_CHECK(t.n >= 1 && t.n <= CLLM_WEB_MAX_TOKENS);
    for (size_t i = 0; i < t.n; i++) {
        size_t nn = strlen(t.names[i]), nt = strlen(t.tokens[i]);
        FUZZ_CHECK(nn >= 1 && nn <= 64 && all_of(t.names[i], "._@-"));
        FUZZ_CHECK(nt >= 16 && nt <= 256 && all_of(t.tokens[i], "-._~"));
        for (size_t k = 0; k < i; k++)
            FUZZ_CHECK(strcmp(t.names[k], t.names[i]) != 0 && strcmp(t.tokens[k], t.tokens[i]) != 0);
    }
    cllm_web_tokens_free(&t);
    return 0;
}
