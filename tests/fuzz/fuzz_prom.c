/* The Prometheus text exposition parser (src/serve/prom.h): a server's GET /metrics answer. Byte 0 picks the
 * limits (0: the defaults; else a short line limit and few series); the rest is the text. What it promises: on OK
 * every sample has a valid metric name and labels (names valid, values valid UTF-8, no label twice), at most
 * max_series samples, and the common-key mapping sees only finite-or-not values it can sum; on failure the set is
 * empty and the message names a line or byte. Parsing twice gives the same samples. */
#include <math.h>
#include <stdbool.h>

#include "core/json.h"
#include "core/status.h"
#include "serve/prom.h"
#include "fuzz.h"

static bool metric_name_ok(const char *s, bool metric)
{
    if (!s || !s[0])
        return false;
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':') ||
                  (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cllm_prom_limits lim = {0, 0};
    struct cllm_prom_set a, b;
    struct cllm_prom_snapshot snap;
    char err[CLLM_ERR_LEN];
    char *text;
    enum cllm_status st, st2;
    size_t n;

    if (size < 1)
        return 0;
    if (data[0]) {
        lim.max_line = 8 + data[0];
        lim.max_series = 1 + data[0] % 16;
    }
    n = size - 1;
    text = malloc(n ? n : 1);   /* exact size: a read past the end is caught */
    FUZZ_CHECK(text != NULL);
    if (n)
        memcpy(text, data + 1, n);
    st = cllm_prom_parse(text, n, &lim, &a, err, sizeof(err));
    st2 = cllm_prom_parse(text, n, &lim, &b, err, sizeof(err));
    FUZZ_CHECK(st == st2);
    if (st == CLLM_OK) {
        FUZZ_CHECK(a.n == b.n);
        FUZZ_CHECK(a.n <= (lim.max_series ? lim.max_series : CLLM_PROM_MAX_SERIES));
        for (int i = 0; i < a.n; i++) {
            const struct cllm_prom_sample *s = &a.s[i];
            FUZZ_CHECK(metric_name_ok(s->name, true));
            FUZZ_CHECK(strcmp(s->name, b.s[i].name) == 0);
            FUZZ_CHECK((isnan(s->value) && isnan(b.s[i].value)) || s->value == b.s[i].value);
            for (int k = 0; k < s->n_labels; k++) {
                FUZZ_CHECK(metric_name_ok(s->labels[k].name, false));
                FUZZ_CHECK(cllm_utf8_valid(s->labels[k].value, strlen(s->labels[k].value), NULL));
                for (int j = 0; j < k; j++)
                    FUZZ_CHECK(strcmp(s->labels[j].name, s->labels[k].name) != 0);
            }
        }
        cllm_prom_snapshot_from(&a, &snap);
        FUZZ_CHECK(snap.n_series == a.n);
        for (int k = 0; k < CLLM_PROM_N_KEYS; k++)
            FUZZ_CHECK(snap.present[k] == (snap.source[k] != NULL));
    } else {
        FUZZ_CHECK(st == CLLM_ERR_PARSE);
        FUZZ_CHECK(a.n == 0 && a.s == NULL);
        FUZZ_CHECK(strstr(err, "line ") != NULL || strstr(err, "byte ") != NULL);
    }
    cllm_prom_set_free(&a);
    cllm_prom_set_free(&b);
    free(text);
    return 0;
}
