/* serve-bench's option values (src/serve/serve_bench.h): the input's first line is --request-rate, the second
 * --slo, the third --concurrency, the fourth --prefix-cache (and the fifth its N), the sixth --slo-preset, the
 * seventh --input-len and the eighth --output-len (serve/workload.h's length specs). What
 * each parser promises: accepted values are in range (rates positive, finite or inf; SLOs positive and finite;
 * levels 1 .. 1024; a known mode; a length spec's draws 1 .. CLLM_WORKLOAD_MAX_LEN), a refused one leaves the
 * parameters as they were and says why. */
#include <math.h>

#include "serve/serve_bench.h"
#include "serve/workload.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char *lines[8] = {"", "", "", "", NULL, "", "", ""};
    int n = 0;
    struct cllm_serve_params p = cllm_serve_default_params(), before;
    char err[CLLM_ERR_LEN];

    for (char *s = text, *nl; s && n < 8; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        lines[n++] = s;
    }
    before = p;
    err[0] = '\0';
    if (cllm_serve_parse_rates(&p, lines[0], err, sizeof(err)) == CLLM_OK) {
        FUZZ_CHECK(p.n_rates >= 1 && p.n_rates <= CLLM_SERVE_MAX_LEVELS);
        for (int i = 0; i < p.n_rates; i++)
            FUZZ_CHECK(p.rates[i] > 0 && (isfinite(p.rates[i]) ? p.rates[i] <= 1e6 : isinf(p.rates[i])));
    } else {
        FUZZ_CHECK(err[0] && p.n_rates == before.n_rates);
    }
    before = p;
    err[0] = '\0';
    if (cllm_serve_parse_slo(&p, lines[1], err, sizeof(err)) == CLLM_OK) {
        const double v[6] = {p.slo_ttft_ms, p.slo_itl_ms, p.slo.ttft_p99_ms, p.slo.itl_p99_ms, p.slo.e2e_p99_ms,
                             p.slo.tpot_p99_ms};
        int given = 0;
        for (int i = 0; i < 6; i++) {
            FUZZ_CHECK(v[i] >= 0 && isfinite(v[i]));
            given += v[i] > 0;
        }
        FUZZ_CHECK(given >= 1);
    } else {
        FUZZ_CHECK(err[0] && p.slo_ttft_ms == before.slo_ttft_ms && p.slo.ttft_p99_ms == before.slo.ttft_p99_ms);
    }
    before = p;
    err[0] = '\0';
    if (cllm_serve_parse_concurrency(&p, lines[2], err, sizeof(err)) == CLLM_OK) {
        FUZZ_CHECK(p.n_levels >= 1 && p.n_levels <= CLLM_SERVE_MAX_LEVELS);
        for (int i = 0; i < p.n_levels; i++)
            FUZZ_CHECK(p.concurrency[i] >= 1 && p.concurrency[i] <= CLLM_SERVE_MAX_CONCURRENCY);
    } else {
        FUZZ_CHECK(err[0] && p.n_levels == before.n_levels);
    }
    before = p;
    err[0] = '\0';
    if (cllm_serve_parse_prefix_cache(&p, lines[3], lines[4], err, sizeof(err)) == CLLM_OK) {
        FUZZ_CHECK(p.prefix_cache == CLLM_SERVE_CACHE_OFF || p.prefix_cache == CLLM_SERVE_CACHE_ON ||
                   (p.prefix_cache == CLLM_SERVE_CACHE_SHARED && p.shared_prefix_tokens >= 1 &&
                    p.shared_prefix_tokens <= 100000));
    } else {
        FUZZ_CHECK(err[0] && p.prefix_cache == before.prefix_cache);
    }
    err[0] = '\0';
    if (cllm_serve_slo_preset(&p, lines[5], err, sizeof(err)) == CLLM_OK)
        FUZZ_CHECK(p.slo.ttft_p99_ms > 0 && p.slo.tpot_p99_ms > 0);
    else
        FUZZ_CHECK(err[0]);
    for (int k = 6; k < 8; k++) {
        struct cllm_workload_len l;
        uint64_t rng = 42;
        err[0] = '\0';
        if (cllm_workload_parse_len(lines[k], k == 6 ? "--input-len" : "--output-len", &l, err, sizeof(err)) ==
            CLLM_OK) {
            FUZZ_CHECK(l.dist == CLLM_WORKLOAD_FIXED || l.dist == CLLM_WORKLOAD_NORMAL ||
                       l.dist == CLLM_WORKLOAD_UNIFORM);
            for (int i = 0; i < 16; i++) {
                int d = cllm_workload_len_draw(&l, &rng);
                FUZZ_CHECK(d >= 1 && d <= CLLM_WORKLOAD_MAX_LEN);
                if (l.dist == CLLM_WORKLOAD_FIXED)
                    FUZZ_CHECK(d == (int)l.a);
                if (l.dist == CLLM_WORKLOAD_UNIFORM)
                    FUZZ_CHECK(d >= (int)l.a && d <= (int)l.b);
            }
        } else {
            /* the message names the option (what the CLI prints with exit 2) */
            FUZZ_CHECK(err[0] && strstr(err, k == 6 ? "--input-len" : "--output-len"));
        }
    }
    p.server_url = "http://127.0.0.1:8080";
    err[0] = '\0';
    if (cllm_serve_check(&p, err, sizeof(err)) != CLLM_OK)
        FUZZ_CHECK(err[0]);
    free(text);
    return 0;
}
