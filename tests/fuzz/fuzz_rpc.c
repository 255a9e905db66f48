/* The --rpc server list (src/llm/rpc.h) and the load-log lines the placement reads (src/llm/placement.h): what a
 * user types, and what a libllama prints. The input is parsed whole as a list, then line by line as log. */
#include "llm/placement.h"
#include "llm/rpc.h"
#include <math.h>

#include "fuzz.h"

static bool host_ok(const char *h)
{
    size_t n = strlen(h);
    if (n == 0 || n > CLLM_RPC_HOST_MAX)
        return false;
    for (const char *p = h; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
              *p == '.'))
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char err[CLLM_ERR_LEN] = "";
    struct cllm_rpc_list l;
    struct cllm_placement p;
    enum cllm_status st = cllm_rpc_parse_list(text, &l, err, sizeof(err));

    if (st != CLLM_OK) {
        FUZZ_CHECK(st == CLLM_ERR_INVALID_ARG && err[0] != '\0');
    } else {
        /* what reaches llama.cpp's client: 1..16 distinct host:port, a plain host, a port in range */
        FUZZ_CHECK(l.n >= 1 && l.n <= CLLM_RPC_MAX_SERVERS);
        for (int i = 0; i < l.n; i++) {
            char again[sizeof(l.e[i].text)];
            FUZZ_CHECK(host_ok(l.e[i].host));
            FUZZ_CHECK(l.e[i].port >= 1 && l.e[i].port <= 65535);
            snprintf(again, sizeof(again), "%s:%d", l.e[i].host, l.e[i].port);
            FUZZ_CHECK(strcmp(again, l.e[i].text) == 0);
            FUZZ_CHECK(!strchr(l.e[i].text, '@') && !strchr(l.e[i].text, '/'));
            for (int j = 0; j < i; j++)
                FUZZ_CHECK(strcmp(l.e[i].text, l.e[j].text) != 0);
        }
    }

    cllm_placement_init(&p);
    for (char *s = text, *nl; s; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        cllm_placement_line(&p, s);
    }
    FUZZ_CHECK(p.n >= 0 && p.n <= CLLM_PLACEMENT_MAX);
    FUZZ_CHECK((p.offloaded == -1) == (p.offloadable == -1));
    for (int i = 0; i < p.n; i++) {
        const struct cllm_placement_entry *e = &p.e[i];
        FUZZ_CHECK(e->name[0] != '\0' && e->layers >= 0);
        FUZZ_CHECK(isfinite(e->model_mib) && e->model_mib >= 0);
        FUZZ_CHECK(isfinite(e->kv_mib) && e->kv_mib >= 0);
        FUZZ_CHECK(isfinite(e->compute_mib) && e->compute_mib >= 0);
    }
    free(text);
    return 0;
}
