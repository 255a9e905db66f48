/* computellm serve-bench: serving load against an OpenAI-compatible server, one concurrency level after another;
 * a line per level as it ends, a table at the end, the results file written atomically (also on Ctrl-C, with the
 * interrupted level marked). */
#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "app/run_request.h"
#include "app/serve_plan.h"
#include "cli/cli.h"
#include "report/fields_core.h"
#include "report/write.h"
#include "serve/serve_bench.h"
#include "serve/workload.h"

void usage_serve_bench(FILE *f)
{
    fputs("usage: computellm serve-bench --server-url URL [OPTIONS]\n"
          "\n"
          "Serving load against an OpenAI-compatible server (llama-server, vLLM, Ollama, LM Studio), level after\n"
          "level: closed loop (--concurrency c: c streaming chat completions in flight, one ends and the next\n"
          "starts) or open loop (--request-rate R: requests sent on a seeded schedule of R per second whatever the\n"
          "server does). Per level: TTFT (first output token, content or reasoning), inter-token latency (ITL),\n"
          "TPOT and end-to-end latency p50/p90/p99, output tokens/s, requests/s, the sends' achieved rate and\n"
          "inter-arrival CV, error rate, goodput, the p99 SLO check and the energy the machine's sensors saw.\n"
          "--find-max searches the highest concurrency or rate meeting every p99 SLO.\n"
          "Writes results/benchmark_{CPU}_{OS}_{timestamp}.json (section serving_benchmarks) and prints its path\n"
          "on stdout; progress and the table go to stderr.\n"
          "\n"
          "  --server-url URL      the server, http://HOST:PORT (required)\n"
          "  --server-model NAME   the model to ask for (default: the first one GET /v1/models lists)\n"
          "  --api-key KEY         sent as a Bearer token (never written to the results)\n"
          "  --concurrency LIST    closed-loop levels, comma-separated, run in order (default 1,2,4,8)\n"
          "  --request-rate LIST   open-loop levels in requests/s, e.g. 1,2,4,inf (inf: all at once, as vLLM)\n"
          "  --burstiness B        gamma shape of the inter-arrival times: 1 Poisson (default), < 1 burstier\n"
          "                        (coefficient of variation 1/sqrt(B))\n"
          "  --max-concurrency N   open loop: at most N requests in flight; later arrivals wait (the wait is kept)\n"
          "  --ramp-up S           open loop: the rate grows linearly from 0 to R over the first S seconds\n"
          "  --seed N              seed of the arrival schedule and the unique prefixes (default 42)\n"
          "  --requests N          requests per level (default max(16, 4 x c) closed, 100 open; with --duration:\n"
          "                        no limit)\n"
          "  --duration S          per level, start no new request after S seconds; those in flight finish\n"
          "  --max-tokens N        max_tokens of each request (default 256)\n"
          "  --ignore-eos          ask for exactly max_tokens per request (llama-server, vLLM): same-length requests\n"
          "  --prompt TEXT         the user message (default: the benchmark's prompt)\n"
          "  --input-len SPEC      a workload: each request a user message of about SPEC tokens made from the\n"
          "                        project's prompt corpus (six languages x six genres): N fixed, MEAN,STD normal\n"
          "                        (clipped to 1 ..), or MIN-MAX uniform; counted by the server's tokenizer where it\n"
          "                        has one (llama-server POST /tokenize), else estimated (the results say which)\n"
          "  --output-len SPEC     each request's max_tokens, the same forms (default --max-tokens, fixed)\n"
          "  --dataset FILE        a workload of your own: JSONL, one {\"prompt\": \"...\"} or {\"messages\": [...]}\n"
          "                        a line (optional \"output_len\"), sent in file order (docs/prompts.md)\n"
          "  --languages LIST      the corpus's languages, e.g. en,fr (en, fr, zh, es, de, ar; default all)\n"
          "  --genres LIST         the corpus's genres, e.g. chat,code (chat, summary, code, story, translation,\n"
          "                        extraction; default all)\n"
          "  --prefix-cache MODE   off (default: a unique random prefix opens every prompt and cache_prompt is\n"
          "                        false), on (the same content, cache_prompt true: the cached case), or\n"
          "                        shared-prefix N (every request opens with the same ~N-token system prefix)\n"
          "  --slo KEY=MS,...      ttft_ms, itl_ms: goodput (requests within them, per second); ttft_p99_ms,\n"
          "                        itl_p99_ms, e2e_p99_ms, tpot_p99_ms: each level's p99s are checked\n"
          "  --slo-preset NAME     mlperf-llama2-70b-server (TTFT p99 2000 ms, TPOT p99 200 ms) or\n"
          "                        mlperf-llama2-70b-interactive (450 ms, 40 ms)\n"
          "  --find-max WHAT       concurrency or rate: the highest level meeting every p99 SLO, by doubling then\n"
          "                        bisection (to 1 stream; to --find-resolution of the rate)\n"
          "  --probe-requests N    each probe: at least N measured requests (default 32) ...\n"
          "  --probe-seconds S     ... and at least S measured seconds (default 5)\n"
          "  --warmup-share F      ... after a warm-up of this share of its requests and time (default 0.2)\n"
          "  --find-resolution F   rate search: stop when high - low <= F x high (default 0.05)\n"
          "  --find-start-rate R   rate search: the first probe in req/s (default 1)\n"
          "  --find-limit N        the highest concurrency or rate probed (default 1024)\n"
          "  --save-requests FILE  also write every request as a line of JSON (a new file, never over one)\n"
          "  --no-monitor          no resource monitor (then no energy per level)\n"
          "  --no-server-metrics   do not scrape the server's Prometheus GET /metrics around each level\n"
          "                        (llama-server --metrics, vLLM: KV-cache use, requests waiting, token counters)\n"
          "  --metrics-interval-s S   scrape /metrics every S s during a level too (default 1; 0: before and after)\n"
          "  --metrics-timeout-s S    each scrape's deadline (default 5)\n"
          "  --stall-s N           a stream without a token for N s fails its request (default 60; keep-alive\n"
          "                        comments and empty events do not count)\n"
          "  --deadline-base-s S   each request's deadline is S + max_tokens x the per-token budget (default 120)\n"
          "  --deadline-per-token-s S   the per-token budget of that deadline (default 2)\n"
          "  --output-dir DIR      folder for the results file (default: results/)\n"
          "  --json                print the serving_benchmarks section as JSON on stdout instead of the path\n"
          "\n"
          "Ctrl-C stops at once (the streams in flight are dropped), keeps the levels done and the interrupted one\n"
          "(marked \"cancelled\"), writes the file and exits 130. Exit 1 when every request of a level failed (the\n"
          "file is still written). A server that sends more than max_tokens fails that request.\n"
          "\n"
          "examples:\n"
          "  computellm serve-bench --server-url http://127.0.0.1:8080 --concurrency 1,2,4,8 --slo ttft_ms=500,itl_ms=50\n"
          "  computellm serve-bench --server-url http://127.0.0.1:8080 --request-rate 1,2,4,inf --duration 30\n"          "  computellm serve-bench --server-url http://127.0.0.1:8080 --request-rate 2 --input-len 512,128 \\\n"
          "      --output-len 64-256 --languages en,fr --requests 50\n"
          "  computellm serve-bench --server-url http://127.0.0.1:8080 --concurrency 4 --dataset my_prompts.jsonl\n"
          "  computellm serve-bench --server-url http://127.0.0.1:8080 --find-max concurrency --slo-preset "
          "mlperf-llama2-70b-interactive\n",
          f);
}

/* Three significant digits or so ("123", "12.3", "1.23", "0.123"), or "—" when unknown. */
static const char *fmt(char *buf, size_t n, double v)
{
    if (!isfinite(v))
        snprintf(buf, n, "\xe2\x80\x94");
    else if (fabs(v) >= 100)
        snprintf(buf, n, "%.0f", v);
    else if (fabs(v) >= 10)
        snprintf(buf, n, "%.1f", v);
    else if (fabs(v) >= 1)
        snprintf(buf, n, "%.2f", v);
    else
        snprintf(buf, n, "%.3f", v);
    return buf;
}

/* "c=4" or "4 req/s" / "inf req/s" */
static const char *level_name(char *buf, size_t n, bool open_loop, double v)
{
    if (!open_loop)
        snprintf(buf, n, "concurrency %.0f", v);
    else if (isfinite(v))
        snprintf(buf, n, "rate %g req/s", v);
    else
        snprintf(buf, n, "rate inf");
    return buf;
}

static void on_level(int index, int count, bool open_loop, double value, const struct cllm_serve_level *L,
                     void *user_data)
{
    FILE *f = user_data ? (FILE *)user_data : stderr;
    char a[32], b[32], d[32], e[32], g[32], h[32], name[48], of[24];
    level_name(name, sizeof(name), open_loop, value);
    if (count > 0)
        snprintf(of, sizeof(of), "%d/%d", index + 1, count);
    else
        snprintf(of, sizeof(of), "probe %d", index + 1);
    if (!L) {
        fprintf(f, "[serve %s] %s ...\n", of, name);
        return;
    }
    fprintf(f, "[serve %s] %s: ", of, name);
    if (L->status == CLLM_SERVE_LEVEL_FAILED) {
        fprintf(f, "failed, %d of %d requests: %s\n", L->n_failed, L->n_requests, L->error ? L->error : "");
        return;
    }
    if (L->status == CLLM_SERVE_LEVEL_CANCELLED)
        fprintf(f, "cancelled after %d requests (%d dropped in flight); ", L->n_requests, L->n_cancelled);
    fprintf(f, "%d ok, %d failed in %s s: %s req/s, %s out tok/s, TTFT p50 %s ms, ITL p50 %s ms, e2e p50 %s s",
            L->n_ok, L->n_failed, fmt(a, sizeof(a), L->wall_s), fmt(b, sizeof(b), L->requests_per_second),
            fmt(d, sizeof(d), L->output_tokens_per_second), fmt(e, sizeof(e), L->ttft_s.p50 * 1e3),
            fmt(g, sizeof(g), L->itl_s.p50 * 1e3), fmt(h, sizeof(h), L->e2e_s.p50));
    if (L->open_loop)
        fprintf(f, ", sent at %s req/s (CV %s)", fmt(a, sizeof(a), L->achieved_rate),
                fmt(b, sizeof(b), L->interarrival_cv));
    if (L->has_goodput)
        fprintf(f, ", goodput %s req/s (%.0f%%)", fmt(b, sizeof(b), L->goodput_requests_per_second),
                100 * L->goodput_fraction);
    if (L->has_slo)
        fprintf(f, ", SLO %s%s", L->slo_met ? "met" : "missed: ", L->slo_met ? "" : L->slo_failed);
    if (L->n_failed > 0)
        fprintf(f, "; first error: %s", L->n_errors > 0 ? L->errors[0] : "");
    fputc('\n', f);
}

/* A gauge's largest value or a counter's difference over the level, or "—" when the server did not export it. */
static const char *prom_cell(char *buf, size_t n, const struct cllm_prom_level *P, enum cllm_prom_key k, double scale)
{
    const struct cllm_prom_metric *m = &P->m[k];
    if (!m->present)
        return fmt(buf, n, NAN);
    if (cllm_prom_key_is_counter(k) && isfinite(m->delta)) {
        snprintf(buf, n, "%.0f", m->delta * scale);   /* a count of tokens: whole */
        return buf;
    }
    return fmt(buf, n, (cllm_prom_key_is_counter(k) ? m->delta : m->max) * scale);
}

/* The server's own view of each level (its /metrics), when some level has one; else one line saying why not. */
static void print_server_view(FILE *f, const struct cllm_serve_result *s)
{
    const struct cllm_prom_view_column *cols = cllm_prom_view_columns;
    const int nc = CLLM_PROM_VIEW_N_COLUMNS;
    const char *why = NULL;
    bool any = false;
    for (int i = 0; i < s->n_levels; i++) {
        const struct cllm_serve_level *L = &s->levels[i];
        if (!L->has_server_metrics)
            continue;
        if (L->server_metrics.measured)
            any = true;
        else if (!why)
            why = L->server_metrics.why;
    }
    if (!any) {
        if (why)
            fprintf(f, "  server's /metrics: none (%s)\n", why[0] ? why : "not scraped");
        return;
    }
    fprintf(f, "\nThe server's view (GET /metrics over each level):\n  %11s", s->levels[0].open_loop ? "rate" : "concurrency");
    for (int k = 0; k < nc; k++)
        fprintf(f, " %10s", cols[k].head);
    fprintf(f, "\n  %11s", "");
    for (int k = 0; k < nc; k++)
        fprintf(f, " %10s", cols[k].unit);
    fputc('\n', f);
    for (int i = 0; i < s->n_levels; i++) {
        const struct cllm_serve_level *L = &s->levels[i];
        char name[24], v[32];
        if (L->open_loop && isfinite(L->rate))
            snprintf(name, sizeof(name), "%g", L->rate);
        else if (L->open_loop)
            snprintf(name, sizeof(name), "inf");
        else
            snprintf(name, sizeof(name), "%d", L->concurrency);
        fprintf(f, "  %11s", name);
        if (!L->has_server_metrics || !L->server_metrics.measured) {
            fprintf(f, " unavailable: %s\n", L->has_server_metrics ? L->server_metrics.why : "not scraped");
            continue;
        }
        for (int k = 0; k < nc; k++) {
            int len;
            prom_cell(v, sizeof(v), &L->server_metrics, cols[k].k, cols[k].scale);
            len = (int)strlen(v) - (strncmp(v, "\xe2\x80\x94", 3) == 0 ? 2 : 0);
            fprintf(f, " %*s%s", 10 - len > 0 ? 10 - len : 0, "", v);
        }
        fputc('\n', f);
    }
}

static void print_table(FILE *f, const struct cllm_serve_result *s)
{
    bool partial = false;
    char v[11][32];

    fprintf(f, "\nServing load: %s, model %s (%s)\n", s->server.url, s->server.model,
            s->server.library ? s->server.library : "");
    fprintf(f, "  %11s %7s %9s %8s %8s %7s %7s %7s %7s %6s  %s\n", s->n_levels > 0 && s->levels[0].open_loop
            ? "rate" : "concurrency", "req/s", "out tok/s", "TTFT p50",
            "TTFT p99", "ITL p50", "ITL p99", "e2e p50", "e2e p99", "errors", "goodput");
    fprintf(f, "  %11s %7s %9s %8s %8s %7s %7s %7s %7s\n", "", "", "", "ms", "ms", "ms", "ms", "s", "s");
    for (int i = 0; i < s->n_levels; i++) {
        const struct cllm_serve_level *L = &s->levels[i];
        char conc[24];
        bool cancelled = L->status == CLLM_SERVE_LEVEL_CANCELLED;
        partial |= cancelled;
        if (L->open_loop && isfinite(L->rate))
            snprintf(conc, sizeof(conc), "%s%g", cancelled ? "*" : "", L->rate);
        else if (L->open_loop)
            snprintf(conc, sizeof(conc), "%sinf", cancelled ? "*" : "");
        else
            snprintf(conc, sizeof(conc), "%s%d", cancelled ? "*" : "", L->concurrency);
        fmt(v[0], 32, L->requests_per_second);
        fmt(v[1], 32, L->output_tokens_per_second);
        fmt(v[2], 32, L->ttft_s.p50 * 1e3);
        fmt(v[3], 32, L->ttft_s.p99 * 1e3);
        fmt(v[4], 32, L->itl_s.p50 * 1e3);
        fmt(v[5], 32, L->itl_s.p99 * 1e3);
        fmt(v[6], 32, L->e2e_s.p50);
        fmt(v[7], 32, L->e2e_s.p99);
        if (isfinite(L->error_rate))
            snprintf(v[8], 32, "%.1f%%", 100 * L->error_rate);
        else
            fmt(v[8], 32, NAN);
        if (L->has_goodput)
            snprintf(v[9], 32, "%s req/s (%.0f%%)", fmt(v[10], 32, L->goodput_requests_per_second),
                     100 * L->goodput_fraction);
        else
            snprintf(v[9], 32, "\xe2\x80\x94 (no --slo)");
        /* "—" is 3 bytes for 1 column: pad by hand so the columns stay aligned */
        fprintf(f, "  %11s", conc);
        for (int k = 0; k < 9; k++) {
            static const int w[9] = {7, 9, 8, 8, 7, 7, 7, 7, 6};
            int len = (int)strlen(v[k]), cols = strncmp(v[k], "\xe2\x80\x94", 3) == 0 ? len - 2 : len;
            fprintf(f, " %*s%s", w[k] - cols > 0 ? w[k] - cols : 0, "", v[k]);
        }
        fprintf(f, "  %s\n", v[9]);
    }
    if (partial)
        fputs("  * cancelled (Ctrl-C): the requests that ended before it\n", f);
    print_server_view(f, s);
    if (s->search.mode != CLLM_SERVE_FIND_NONE) {
        const struct cllm_serve_search *S = &s->search;
        bool conc = S->mode == CLLM_SERVE_FIND_CONCURRENCY;
        fprintf(f, "\nSLA search (%s):", conc ? "concurrency" : "rate");
        for (int i = 0; i < S->n_probes; i++)
            fprintf(f, " %g%s", S->probes[i].value, S->probes[i].met ? " ok" : " miss");
        if (S->found)
            fprintf(f, "\n  highest %s meeting every SLO: %g%s%s\n", conc ? "concurrency" : "rate", S->best,
                    conc ? "" : " req/s", S->limit_reached ? " (the search's limit: it may go higher)" : "");
        else
            fprintf(f, "\n  no %s probed met the SLOs\n", conc ? "concurrency" : "rate");
    }
}

/* A positive integer option value into *out; false (message printed) when it is not one. */
static bool positive_int(const char *opt, const char *v, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 1 || n > INT_MAX) {
        fprintf(stderr, "computellm serve-bench: %s: '%s' is not a positive integer\n", opt, v);
        return false;
    }
    *out = (int)n;
    return true;
}

/* A positive number of seconds; false (message printed) when it is not one. */
static bool positive_s(const char *opt, const char *v, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d > 0) || !isfinite(d)) {
        fprintf(stderr, "computellm serve-bench: %s: '%s' is not a positive number of seconds\n", opt, v);
        return false;
    }
    *out = d;
    return true;
}

/* A number within [lo, hi] (lo excluded when open_lo); false (message printed) when it is not one. */
static bool number_in(const char *opt, const char *v, double lo, double hi, bool open_lo, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !isfinite(d) || d < lo || d > hi || (open_lo && d <= lo)) {
        fprintf(stderr, "computellm serve-bench: %s: '%s' is not a number in %s%g .. %g%s\n", opt, v,
                open_lo ? "(" : "[", lo, hi, "]");
        return false;
    }
    *out = d;
    return true;
}

/* A workload length spec (serve/workload.h's forms); false (message printed, naming opt and the value) when bad. */
static bool len_spec(const char *opt, const char *v)
{
    struct cllm_workload_len l;
    char err[CLLM_ERR_LEN];
    if (cllm_workload_parse_len(v, opt, &l, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm serve-bench: %s\n", err);
        return false;
    }
    return true;
}

int cmd_serve_bench(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "serve-bench"};
    struct cllm_serve_params p = cllm_serve_default_params();
    struct cllm_run_serve_opts po = cllm_run_serve_default_opts();
    char req_path[PATH_MAX] = "";
    bool concurrency_given = false, prompt_given = false;
    const char *output = "results";
    bool json = false;
    char err[CLLM_ERR_LEN], path[PATH_MAX] = "";
    struct cllm_serve_result run;
    cJSON *result = NULL;
    enum cllm_status st;
    int rc;

    cllm_serve_parse_concurrency(&p, "1,2,4,8", err, sizeof(err));
    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_serve_bench(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--json", NULL, false)) {
            json = true;
        } else if (cli_opt(&it, "--server-url", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            p.server_url = it.value;
        } else if (cli_opt(&it, "--server-model", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            p.server_model = it.value;
        } else if (cli_opt(&it, "--api-key", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            p.api_key = it.value;
        } else if (cli_opt(&it, "--prompt", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            p.prompt = it.value;
            prompt_given = true;
        } else if (cli_opt(&it, "--output-dir", "-o", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            output = it.value;
        } else if (cli_opt(&it, "--concurrency", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            concurrency_given = true;
            if (cllm_serve_parse_concurrency(&p, it.value, err, sizeof(err)) != CLLM_OK) {
                fprintf(stderr, "computellm serve-bench: --concurrency: %s\n", err);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--slo", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (cllm_serve_parse_slo(&p, it.value, err, sizeof(err)) != CLLM_OK) {
                fprintf(stderr, "computellm serve-bench: --slo: %s\n", err);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--request-rate", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (cllm_serve_parse_rates(&p, it.value, err, sizeof(err)) != CLLM_OK) {
                fprintf(stderr, "computellm serve-bench: --request-rate: %s\n", err);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--burstiness", NULL, true)) {
            if (it.error || !number_in("--burstiness", it.value, 0.01, 100, false, &p.burstiness))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--max-concurrency", NULL, true)) {
            if (it.error || !positive_int("--max-concurrency", it.value, &p.max_concurrency))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--ramp-up", NULL, true)) {
            if (it.error || !number_in("--ramp-up", it.value, 0, 86400, false, &p.ramp_up_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--seed", NULL, true)) {
            double d;
            if (it.error || !number_in("--seed", it.value, 0, 4294967295.0, false, &d) || d != floor(d)) {
                if (!it.error && d != floor(d))
                    fprintf(stderr, "computellm serve-bench: --seed: '%s' is not a whole number\n", it.value);
                return CLI_EXIT_USAGE;
            }
            p.seed = (uint32_t)d;
        } else if (cli_opt(&it, "--prefix-cache", NULL, true)) {
            const char *n = NULL;
            char mode[32];
            if (it.error)
                return CLI_EXIT_USAGE;
            /* "shared-prefix N" (two words) or "shared-prefix=N" */
            snprintf(mode, sizeof(mode), "%s", it.value);
            if (strncmp(mode, "shared-prefix=", 14) == 0) {
                mode[13] = '\0';
                n = it.value + 14;
            } else if (strcmp(mode, "shared-prefix") == 0 && it.i + 1 < argc) {
                n = argv[++it.i];
            }
            if (cllm_serve_parse_prefix_cache(&p, mode, n, err, sizeof(err)) != CLLM_OK) {
                fprintf(stderr, "computellm serve-bench: --prefix-cache: %s\n", err);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--slo-preset", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (cllm_serve_slo_preset(&p, it.value, err, sizeof(err)) != CLLM_OK) {
                fprintf(stderr, "computellm serve-bench: --slo-preset: %s\n", err);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--find-max", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (strcmp(it.value, "concurrency") == 0) {
                p.find_max = CLLM_SERVE_FIND_CONCURRENCY;
            } else if (strcmp(it.value, "rate") == 0) {
                p.find_max = CLLM_SERVE_FIND_RATE;
            } else {
                fprintf(stderr, "computellm serve-bench: --find-max: '%s' is not concurrency or rate\n", it.value);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--probe-requests", NULL, true)) {
            if (it.error || !positive_int("--probe-requests", it.value, &p.probe_requests))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--probe-seconds", NULL, true)) {
            if (it.error || !number_in("--probe-seconds", it.value, 0, 3600, false, &p.probe_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--warmup-share", NULL, true)) {
            if (it.error || !number_in("--warmup-share", it.value, 0, 0.8, false, &p.warmup_share))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--find-resolution", NULL, true)) {
            if (it.error || !number_in("--find-resolution", it.value, 0, 0.5, true, &p.rate_resolution))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--find-start-rate", NULL, true)) {
            if (it.error || !number_in("--find-start-rate", it.value, 0, 1e6, true, &p.find_start_rate))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--find-limit", NULL, true)) {
            if (it.error || !positive_int("--find-limit", it.value, &p.find_limit))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--save-requests", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            po.save_requests = it.value;
        } else if (cli_opt(&it, "--no-monitor", NULL, false)) {
            po.monitor = false;
        } else if (cli_opt(&it, "--input-len", NULL, true)) {
            if (it.error || !len_spec("--input-len", it.value))
                return CLI_EXIT_USAGE;
            po.input_len = it.value;
        } else if (cli_opt(&it, "--output-len", NULL, true)) {
            if (it.error || !len_spec("--output-len", it.value))
                return CLI_EXIT_USAGE;
            po.output_len = it.value;
        } else if (cli_opt(&it, "--dataset", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            po.dataset = it.value;
        } else if (cli_opt(&it, "--languages", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            po.languages = it.value;
        } else if (cli_opt(&it, "--genres", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            po.genres = it.value;
        } else if (cli_opt(&it, "--no-server-metrics", NULL, false)) {
            p.server_metrics = false;
        } else if (cli_opt(&it, "--metrics-interval-s", NULL, true)) {
            if (it.error || !number_in("--metrics-interval-s", it.value, 0, 3600, false, &p.metrics_interval_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--metrics-timeout-s", NULL, true)) {
            if (it.error || !number_in("--metrics-timeout-s", it.value, 0, 600, true, &p.metrics_timeout_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--requests", NULL, true)) {
            if (it.error || !positive_int("--requests", it.value, &p.requests))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--max-tokens", NULL, true)) {
            if (it.error || !positive_int("--max-tokens", it.value, &p.max_tokens))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--stall-s", NULL, true)) {
            if (it.error || !positive_int("--stall-s", it.value, &p.stall_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--deadline-base-s", NULL, true)) {
            if (it.error || !positive_s("--deadline-base-s", it.value, &p.deadline_base_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--deadline-per-token-s", NULL, true)) {
            if (it.error || !positive_s("--deadline-per-token-s", it.value, &p.deadline_per_token_s))
                return CLI_EXIT_USAGE;
        } else if (cli_opt(&it, "--ignore-eos", NULL, false)) {
            p.ignore_eos = true;
        } else if (cli_opt(&it, "--duration", NULL, true)) {
            char *end;
            if (it.error)
                return CLI_EXIT_USAGE;
            p.duration_s = strtod(it.value, &end);
            if (end == it.value || *end || !(p.duration_s > 0) || !isfinite(p.duration_s)) {
                fprintf(stderr, "computellm serve-bench: --duration: '%s' is not a positive number of seconds\n",
                        it.value);
                return CLI_EXIT_USAGE;
            }
        } else {
            return cli_unknown(&it, usage_serve_bench);
        }
    }
    if (concurrency_given && p.n_rates > 0) {
        fputs("computellm serve-bench: --concurrency (closed loop) and --request-rate (open loop) are two kinds of "
              "level: give one (--max-concurrency caps an open loop)\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (p.find_max != CLLM_SERVE_FIND_NONE && (concurrency_given || p.n_rates > 0)) {
        fputs("computellm serve-bench: --find-max picks its own levels: leave out --concurrency and --request-rate\n",
              stderr);
        return CLI_EXIT_USAGE;
    }
    if (po.dataset && (po.input_len || po.languages || po.genres)) {
        fprintf(stderr, "computellm serve-bench: %s does not apply to --dataset (its prompts are sent as they are): "
                "leave one out\n", po.input_len ? "--input-len" : po.languages ? "--languages" : "--genres");
        return CLI_EXIT_USAGE;
    }
    if (prompt_given && (po.input_len || po.output_len || po.dataset || po.languages || po.genres)) {
        fputs("computellm serve-bench: --prompt is the fixed prompt; --input-len, --output-len, --dataset, "
              "--languages and --genres make a workload instead: give one of the two\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (!p.server_url) {
        fputs("computellm serve-bench: --server-url URL is required (an OpenAI-compatible server, e.g. "
              "http://127.0.0.1:8080)\n\n", stderr);
        usage_serve_bench(stderr);
        return CLI_EXIT_USAGE;
    }
    /* the one server-address rule of run, serve-bench and the API (app/run_request.h): no credentials in it */
    if (cllm_run_check_server_url(p.server_url, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm serve-bench: --server-url: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (cllm_serve_check(&p, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm serve-bench: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (!cllm_serve_supported()) {
        fputs("computellm serve-bench: this build has no libcurl, which serve-bench needs (install "
              "libcurl4-openssl-dev and rebuild)\n", stderr);
        return CLI_EXIT_USAGE;
    }

    cli_install_signal_handlers();
    p.cancel = cli_cancel_flag();
    p.on_level = on_level;
    p.user_data = stderr;
    if (p.find_max != CLLM_SERVE_FIND_NONE)
        fprintf(stderr, "computellm %s: serve-bench against %s, SLA search over %s\n", CLLM_VERSION, p.server_url,
                p.find_max == CLLM_SERVE_FIND_RATE ? "the request rate" : "concurrency");
    else
        fprintf(stderr, "computellm %s: serve-bench against %s, %d %s level%s\n", CLLM_VERSION, p.server_url,
                p.n_rates > 0 ? p.n_rates : p.n_levels, p.n_rates > 0 ? "rate" : "concurrency",
                (p.n_rates > 0 ? p.n_rates : p.n_levels) > 1 ? "s" : "");
    po.requests_path_out = req_path;
    po.requests_path_n = sizeof(req_path);
    st = cllm_run_serve_bench(&p, &po, output, &run, path, sizeof(path), &result, err, sizeof(err));
    if (req_path[0])
        fprintf(stderr, "every request written to %s\n", req_path);
    if (result)
        print_table(stderr, &run);
    if (st == CLLM_ERR_IO && path[0]) {
        /* the measurements are kept elsewhere: say where, and print that path as a normal run would */
        fprintf(stderr, "computellm serve-bench: %s\n", err);
        printf("%s\n", path);
        fflush(stdout);
        fprintf(stderr, "results written to %s (a fallback folder: move the file where you keep results)\n", path);
        rc = CLI_EXIT_FAIL;
        goto out;
    }
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED) {
        fprintf(stderr, "computellm serve-bench: %s\n", err);
        /* an unusable results folder is found before any request: a usage error, as for run */
        /* so is a workload that cannot be made (no --dataset file, a bad line: file and line named) */
        rc = st == CLLM_ERR_CONFIG || st == CLLM_ERR_UNSUPPORTED ||
                     ((st == CLLM_ERR_IO || st == CLLM_ERR_NOT_FOUND || st == CLLM_ERR_PARSE) && !result)
                 ? CLI_EXIT_USAGE
                                                                                                 : CLI_EXIT_FAIL;
        goto out;
    }
    if (json) {
        char *text = cJSON_Print(cllm_r_get(result, &CLLM_F_SERVING_BENCHMARKS));
        if (text)
            printf("%s\n", text);
        free(text);
    } else {
        printf("%s\n", path);
    }
    fflush(stdout);
    fprintf(stderr, "results written to %s\n", path);
    rc = st == CLLM_ERR_CANCELLED ? CLI_EXIT_INTERRUPTED : CLI_EXIT_OK;
    if (st == CLLM_OK && run.status != CLLM_SERVE_OK) {
        fprintf(stderr, "computellm serve-bench: %s\n", run.error);
        rc = CLI_EXIT_FAIL;
    }
out:
    cllm_serve_result_free(&run);
    cJSON_Delete(result);
    return rc;
}
