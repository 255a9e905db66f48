/* Serving load against an OpenAI-compatible server (see serve_bench.h). */
#include "serve/serve_bench.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "llm/engine.h"
#include "llm/metrics.h"
#include "serve/chat_stream.h"

struct cllm_serve_params cllm_serve_default_params(void)
{
    struct cllm_serve_params p;
    struct cllm_gen_params g = cllm_gen_default_params();
    memset(&p, 0, sizeof(p));
    p.max_tokens = g.max_tokens;
    p.prompt = g.prompt;
    p.system_prompt = g.system_prompt;
    p.stall_s = CLLM_CHAT_STALL_S;
    p.deadline_base_s = CLLM_CHAT_DEADLINE_BASE_S;
    p.deadline_per_token_s = CLLM_CHAT_DEADLINE_PER_TOKEN_S;
    p.max_errors = 5;
    p.burstiness = 1.0;
    p.seed = 42;
    p.probe_requests = 32;
    p.probe_s = 5.0;
    p.warmup_share = 0.2;
    p.rate_resolution = 0.05;
    p.find_start_rate = 1.0;
    p.server_metrics = true;
    p.metrics_interval_s = 1.0;
    p.metrics_timeout_s = CLLM_PROM_SCRAPE_TIMEOUT_S;
    return p;
}

enum cllm_status cllm_serve_parse_rates(struct cllm_serve_params *p, const char *list, char *err, size_t errlen)
{
    const char *s = list ? list : "";
    double v[CLLM_SERVE_MAX_LEVELS];
    int n = 0;

    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char item[32], *stop;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "%s (want requests per second separated by commas, e.g. 1,2,4,inf)",
                     len ? "an item is too long" : "an empty item");
            return CLLM_ERR_CONFIG;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        if (n == CLLM_SERVE_MAX_LEVELS) {
            snprintf(err, errlen, "more than %d levels", CLLM_SERVE_MAX_LEVELS);
            return CLLM_ERR_CONFIG;
        }
        if (strcmp(item, "inf") == 0) {
            v[n++] = INFINITY;
        } else {
            double d = strtod(item, &stop);
            if (*stop || stop == item || !isfinite(d) || !(d > 0) || !(isdigit((unsigned char)item[0]) || item[0] == '.')) {
                snprintf(err, errlen, "'%s' is not a positive number of requests per second or inf (want e.g. "
                         "1,2,4,inf)", item);
                return CLLM_ERR_CONFIG;
            }
            if (d > 1e6) {
                snprintf(err, errlen, "%s requests per second is more than 1e6 (inf sends them all at once)", item);
                return CLLM_ERR_CONFIG;
            }
            v[n++] = d;
        }
        if (!end)
            break;
        s = end + 1;
    }
    memcpy(p->rates, v, (size_t)n * sizeof(v[0]));
    p->n_rates = n;
    return CLLM_OK;
}

enum cllm_status cllm_serve_parse_prefix_cache(struct cllm_serve_params *p, const char *mode, const char *n,
                                               char *err, size_t errlen)
{
    if (mode && strcmp(mode, "off") == 0) {
        p->prefix_cache = CLLM_SERVE_CACHE_OFF;
    } else if (mode && strcmp(mode, "on") == 0) {
        p->prefix_cache = CLLM_SERVE_CACHE_ON;
    } else if (mode && strcmp(mode, "shared-prefix") == 0) {
        char *stop;
        long v = n ? strtol(n, &stop, 10) : 0;
        if (!n || *stop || stop == n || v < 1 || v > 100000) {
            snprintf(err, errlen, "shared-prefix needs its length in tokens, 1 .. 100000 (got %s)", n ? n : "none");
            return CLLM_ERR_CONFIG;
        }
        p->prefix_cache = CLLM_SERVE_CACHE_SHARED;
        p->shared_prefix_tokens = (int)v;
    } else {
        snprintf(err, errlen, "'%s' is not a prefix-cache mode (known: off, on, shared-prefix N)", mode ? mode : "");
        return CLLM_ERR_CONFIG;
    }
    return CLLM_OK;
}

enum cllm_status cllm_serve_slo_preset(struct cllm_serve_params *p, const char *name, char *err, size_t errlen)
{
    /* MLPerf Inference's Llama 2 70B latency constraints (server and interactive scenarios) */
    if (name && strcmp(name, "mlperf-llama2-70b-server") == 0) {
        p->slo.ttft_p99_ms = 2000;
        p->slo.tpot_p99_ms = 200;
    } else if (name && strcmp(name, "mlperf-llama2-70b-interactive") == 0) {
        p->slo.ttft_p99_ms = 450;
        p->slo.tpot_p99_ms = 40;
    } else {
        snprintf(err, errlen, "unknown SLO preset '%s' (known: mlperf-llama2-70b-server, "
                 "mlperf-llama2-70b-interactive)", name ? name : "");
        return CLLM_ERR_CONFIG;
    }
    return CLLM_OK;
}

/* splitmix64: a small, well-mixed stream from any seed */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* uniform in (0, 1) */
static double rng_unit(uint64_t *s) { return ((double)(rng_next(s) >> 11) + 0.5) / 9007199254740992.0; }

static double rng_normal(uint64_t *s)
{
    double u = rng_unit(s), v = rng_unit(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* Gamma(shape k, scale 1): Marsaglia and Tsang's method; k < 1 through Gamma(k + 1) × U^(1/k). */
static double rng_gamma(uint64_t *s, double k)
{
    double d, c;
    if (k < 1)
        return rng_gamma(s, k + 1) * pow(rng_unit(s), 1.0 / k);
    d = k - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = rng_normal(s), v = 1 + c * x, u;
        if (v <= 0)
            continue;
        v = v * v * v;
        u = rng_unit(s);
        if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
            return d * v;
    }
}

/* The open-loop schedule as it is drawn: arrivals in "expected requests" time u (gaps Gamma(B) / B, mean 1),
 * mapped through the inverse of Λ(t) = ∫ rate: R t² / 2S during a ramp of S seconds, then R (t − S/2). */
struct arrivals {
    uint64_t rng;
    double   u;          /* expected requests before the next arrival */
    double   rate, shape, ramp_s;
    bool     first;
};

static void arrivals_init(struct arrivals *a, double rate, double shape, double ramp_s, uint32_t seed)
{
    a->rng = 0x5eedULL ^ ((uint64_t)seed << 32) ^ seed;
    a->u = 0;
    a->rate = rate;
    a->shape = shape > 0 ? shape : 1;
    a->ramp_s = ramp_s > 0 ? ramp_s : 0;
    a->first = true;
}

/* The next send time, seconds from the level's start (the first is 0). */
static double arrivals_next(struct arrivals *a)
{
    double u, t;
    if (!isfinite(a->rate))
        return 0;
    if (a->first)
        a->first = false;
    else
        a->u += rng_gamma(&a->rng, a->shape) / a->shape;
    u = a->u;
    if (a->ramp_s > 0 && u < a->rate * a->ramp_s / 2)
        t = sqrt(2 * a->ramp_s * u / a->rate);
    else
        t = u / a->rate + a->ramp_s / 2;
    return t;
}

void cllm_serve_arrivals(double rate, double burstiness, double ramp_up_s, uint32_t seed, int n, double *t_out)
{
    struct arrivals a;
    arrivals_init(&a, rate, burstiness, ramp_up_s, seed);
    for (int i = 0; i < n; i++)
        t_out[i] = arrivals_next(&a);
}

void cllm_serve_gap_stats(const double *t, int n, double *mean_out, double *cv_out)
{
    double sum = 0, ss = 0, mean;
    *mean_out = *cv_out = NAN;
    if (n < 2)
        return;
    for (int i = 1; i < n; i++)
        sum += t[i] - t[i - 1];
    mean = sum / (n - 1);
    *mean_out = mean;
    if (n < 3 || !(mean > 0))
        return;
    for (int i = 1; i < n; i++) {
        double d = t[i] - t[i - 1] - mean;
        ss += d * d;
    }
    *cv_out = sqrt(ss / (n - 2)) / mean;
}

enum cllm_status cllm_serve_parse_concurrency(struct cllm_serve_params *p, const char *list, char *err,
                                              size_t errlen)
{
    const char *s = list ? list : "";
    int n = 0;

    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char item[32];
        char *stop;
        long v;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "%s (want positive integers separated by commas, e.g. 1,2,4,8)",
                     len ? "an item is too long" : "an empty item");
            return CLLM_ERR_CONFIG;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        v = strtol(item, &stop, 10);
        if (*stop || !isdigit((unsigned char)item[0]) || v < 1) {
            snprintf(err, errlen, "'%s' is not a positive integer (want e.g. 1,2,4,8)", item);
            return CLLM_ERR_CONFIG;
        }
        if (v > CLLM_SERVE_MAX_CONCURRENCY) {
            snprintf(err, errlen, "%ld is more than %d streams", v, CLLM_SERVE_MAX_CONCURRENCY);
            return CLLM_ERR_CONFIG;
        }
        if (n == CLLM_SERVE_MAX_LEVELS) {
            snprintf(err, errlen, "more than %d levels", CLLM_SERVE_MAX_LEVELS);
            return CLLM_ERR_CONFIG;
        }
        p->concurrency[n++] = (int)v;
        if (!end)
            break;
        s = end + 1;
    }
    p->n_levels = n;
    return CLLM_OK;
}

enum cllm_status cllm_serve_parse_slo(struct cllm_serve_params *p, const char *spec, char *err, size_t errlen)
{
    static const char *const keys[] = {"ttft_ms", "itl_ms", "ttft_p99_ms", "itl_p99_ms", "e2e_p99_ms", "tpot_p99_ms"};
    const char *s = spec ? spec : "";
    double v[6] = {0};

    for (;;) {
        const char *end = strchr(s, ',');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char item[96], *eq, *stop;
        int k = 0;
        double d;
        if (len == 0 || len >= sizeof(item)) {
            snprintf(err, errlen, "%s (want e.g. ttft_p99_ms=500,itl_p99_ms=50 or ttft_ms=N,itl_ms=N)",
                     len ? "an item is too long" : "an empty item");
            return CLLM_ERR_CONFIG;
        }
        memcpy(item, s, len);
        item[len] = '\0';
        eq = strchr(item, '=');
        if (!eq) {
            snprintf(err, errlen, "'%s' is not KEY=VALUE (want e.g. ttft_p99_ms=500,itl_ms=50)", item);
            return CLLM_ERR_CONFIG;
        }
        *eq = '\0';
        while (k < 6 && strcmp(item, keys[k]) != 0)
            k++;
        if (k == 6) {
            snprintf(err, errlen, "unknown key '%s' (known: ttft_ms, itl_ms, ttft_p99_ms, itl_p99_ms, e2e_p99_ms, "
                     "tpot_p99_ms)", item);
            return CLLM_ERR_CONFIG;
        }
        d = strtod(eq + 1, &stop);
        if (stop == eq + 1 || *stop || !isfinite(d) || d <= 0) {
            snprintf(err, errlen, "%s=%s: not a positive number of milliseconds", item, eq + 1);
            return CLLM_ERR_CONFIG;
        }
        v[k] = d;
        if (!end)
            break;
        s = end + 1;
    }
    p->slo_ttft_ms = v[0];
    p->slo_itl_ms = v[1];
    p->slo.ttft_p99_ms = v[2];
    p->slo.itl_p99_ms = v[3];
    p->slo.e2e_p99_ms = v[4];
    p->slo.tpot_p99_ms = v[5];
    return CLLM_OK;
}

static bool has_p99_slo(const struct cllm_serve_slo *s)
{
    return s->ttft_p99_ms > 0 || s->itl_p99_ms > 0 || s->e2e_p99_ms > 0 || s->tpot_p99_ms > 0;
}

enum cllm_status cllm_serve_check(const struct cllm_serve_params *p, char *err, size_t errlen)
{
    const char *u = p->server_url;
    if (!u || !u[0]) {
        snprintf(err, errlen, "no server URL given (--server-url http://HOST:PORT)");
        return CLLM_ERR_CONFIG;
    }
    if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) {
        snprintf(err, errlen, "server URL must start with http:// or https://: %s", u);
        return CLLM_ERR_CONFIG;
    }
    if (!u[strncmp(u, "http://", 7) == 0 ? 7 : 8]) {
        snprintf(err, errlen, "server URL has no host: %s", u);
        return CLLM_ERR_CONFIG;
    }
    if (p->n_rates < 0 || p->n_rates > CLLM_SERVE_MAX_LEVELS) {
        snprintf(err, errlen, "the number of rate levels is out of range");
        return CLLM_ERR_CONFIG;
    }
    for (int i = 0; i < p->n_rates; i++)
        if (!(p->rates[i] > 0)) {
            snprintf(err, errlen, "request rate %g is not positive", p->rates[i]);
            return CLLM_ERR_CONFIG;
        }
    if (!(p->burstiness > 0) || !isfinite(p->burstiness) || p->burstiness < 0.01 || p->burstiness > 100) {
        snprintf(err, errlen, "burstiness %g is out of range (0.01 .. 100; 1 is Poisson)", p->burstiness);
        return CLLM_ERR_CONFIG;
    }
    if (p->max_concurrency < 0 || p->max_concurrency > CLLM_SERVE_MAX_CONCURRENCY) {
        snprintf(err, errlen, "max concurrency %d is out of range (1 .. %d)", p->max_concurrency,
                 CLLM_SERVE_MAX_CONCURRENCY);
        return CLLM_ERR_CONFIG;
    }
    if (!(p->ramp_up_s >= 0) || !isfinite(p->ramp_up_s)) {
        snprintf(err, errlen, "the ramp-up must be a number of seconds, 0 or more");
        return CLLM_ERR_CONFIG;
    }
    if ((p->ramp_up_s > 0 || p->max_concurrency > 0 || p->burstiness != 1.0) && p->n_rates == 0 &&
        p->find_max != CLLM_SERVE_FIND_RATE) {
        snprintf(err, errlen, "--burstiness, --max-concurrency and --ramp-up shape open-loop arrivals: give "
                 "--request-rate (or --find-max rate) too");
        return CLLM_ERR_CONFIG;
    }
    if (p->prefix_cache == CLLM_SERVE_CACHE_SHARED && (p->shared_prefix_tokens < 1 || p->shared_prefix_tokens > 100000)) {
        snprintf(err, errlen, "shared-prefix needs its length in tokens, 1 .. 100000");
        return CLLM_ERR_CONFIG;
    }
    if (p->find_max != CLLM_SERVE_FIND_NONE) {
        if (!has_p99_slo(&p->slo)) {
            snprintf(err, errlen, "the SLA search needs a p99 SLO: --slo ttft_p99_ms=N,itl_p99_ms=N,e2e_p99_ms=N,"
                     "tpot_p99_ms=N or --slo-preset");
            return CLLM_ERR_CONFIG;
        }
        if (p->probe_requests < 1 || !(p->probe_s >= 0) || !isfinite(p->probe_s) || !(p->warmup_share >= 0) ||
            !(p->warmup_share < 0.9) || !(p->rate_resolution > 0) || !(p->rate_resolution < 1) ||
            !(p->find_start_rate > 0) || !isfinite(p->find_start_rate) || p->find_limit < 0) {
            snprintf(err, errlen, "the SLA search's probe rule is out of range (probe requests >= 1, probe seconds "
                     ">= 0, warm-up share 0 .. 0.9, resolution 0 .. 1, a positive start rate)");
            return CLLM_ERR_CONFIG;
        }
        if (p->find_max == CLLM_SERVE_FIND_CONCURRENCY && p->find_limit > CLLM_SERVE_MAX_CONCURRENCY) {
            snprintf(err, errlen, "the search's limit %d is more than %d streams", p->find_limit,
                     CLLM_SERVE_MAX_CONCURRENCY);
            return CLLM_ERR_CONFIG;
        }
        if (p->requests > 0 || p->duration_s > 0) {
            snprintf(err, errlen, "the SLA search sizes its probes itself (--probe-requests, --probe-seconds): "
                     "leave out --requests and --duration");
            return CLLM_ERR_CONFIG;
        }
    } else if (p->n_rates == 0 && (p->n_levels < 1 || p->n_levels > CLLM_SERVE_MAX_LEVELS)) {
        snprintf(err, errlen, "no concurrency level given");
        return CLLM_ERR_CONFIG;
    }
    for (int i = 0; i < p->n_levels && p->n_rates == 0 && p->find_max == CLLM_SERVE_FIND_NONE; i++)
        if (p->concurrency[i] < 1 || p->concurrency[i] > CLLM_SERVE_MAX_CONCURRENCY) {
            snprintf(err, errlen, "concurrency %d is out of range (1 .. %d)", p->concurrency[i],
                     CLLM_SERVE_MAX_CONCURRENCY);
            return CLLM_ERR_CONFIG;
        }
    if (p->requests < 0 || !(p->duration_s >= 0) || !isfinite(p->duration_s) || p->max_tokens < 1 ||
        p->slo_ttft_ms < 0 || p->slo_itl_ms < 0) {
        snprintf(err, errlen, "requests, duration and SLOs must not be negative, max_tokens at least 1");
        return CLLM_ERR_CONFIG;
    }
    if (p->stall_s < 1 || !(p->deadline_base_s > 0) || !isfinite(p->deadline_base_s) ||
        !(p->deadline_per_token_s > 0) || !isfinite(p->deadline_per_token_s)) {
        snprintf(err, errlen, "the stall time and both deadline settings must be positive");
        return CLLM_ERR_CONFIG;
    }
    if (p->server_metrics && (!(p->metrics_timeout_s > 0) || p->metrics_timeout_s > 600 ||
                              !(p->metrics_interval_s >= 0) || p->metrics_interval_s > 3600)) {
        snprintf(err, errlen, "the /metrics scrape's timeout must be 0 .. 600 s (not 0) and its interval 0 .. 3600 s");
        return CLLM_ERR_CONFIG;
    }
    return CLLM_OK;
}

void cllm_serve_result_free(struct cllm_serve_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n_levels; i++) {
        struct cllm_serve_level *L = &r->levels[i];
        for (int k = 0; k < L->n_requests; k++) {
            free(L->requests[k].error);
            free(L->requests[k].origin);
        }
        free(L->requests);
        free(L->sources);
        free((void *)L->errors);
    }
    free(r->levels);
    free(r->server.build_info.str);
    free(r->server.model_path.str);
    free(r->server.total_slots.str);
    memset(r, 0, sizeof(*r));
}

#if defined(CLLM_WITH_CURL) && !defined(_WIN32)
#include <curl/curl.h>

/* The URL as written in results: without "user:password@". */
static void public_url(const char *url, char *out, size_t n)
{
    const char *host = strstr(url, "://");
    const char *at, *slash;
    host = host ? host + 3 : url;
    at = strchr(host, '@');
    slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(out, n, "%.*s%s", (int)(host - url), url, at + 1);
    else
        cllm_strlcpy(out, url, n);
}

static void setup_fill(struct cllm_serve_setup *o, const struct cllm_serve_params *p,
                       const struct cllm_gen_params *g)
{
    memcpy(o->concurrency, p->concurrency, sizeof(o->concurrency));
    o->n_levels = p->n_levels;
    memcpy(o->rates, p->rates, sizeof(o->rates));
    o->n_rates = p->n_rates;
    o->burstiness = p->burstiness;
    o->ramp_up_s = p->ramp_up_s;
    o->max_concurrency = p->max_concurrency;
    o->content_hook = p->next_request != NULL;
    o->has_workload = p->next_request && p->workload;
    if (o->has_workload)
        o->workload = *p->workload;
    o->server_metrics = p->server_metrics;
    o->metrics_interval_s = p->metrics_interval_s;
    o->metrics_timeout_s = p->metrics_timeout_s;
    o->prefix_cache = p->prefix_cache;
    o->shared_prefix_tokens = p->prefix_cache == CLLM_SERVE_CACHE_SHARED ? p->shared_prefix_tokens : 0;
    o->slo = p->slo;
    o->find_max = p->find_max;
    o->probe_requests = p->probe_requests;
    o->probe_s = p->probe_s;
    o->warmup_share = p->warmup_share;
    o->rate_resolution = p->rate_resolution;
    o->find_start_rate = p->find_start_rate;
    o->find_limit = p->find_limit;
    o->arrival_seed = p->seed;
    o->requests = p->requests > 0 ? p->requests : 0;
    o->duration_s = p->duration_s > 0 ? p->duration_s : 0;
    o->max_tokens = g->max_tokens;
    o->ignore_eos = g->ignore_eos;
    o->prompt = g->prompt ? g->prompt : "";
    o->system_prompt = g->system_prompt ? g->system_prompt : "";
    o->temperature = g->temperature;
    o->top_p = g->top_p;
    o->seed = g->seed;
    o->stall_s = p->stall_s;
    o->deadline_base_s = p->deadline_base_s;
    o->deadline_per_token_s = p->deadline_per_token_s;
    o->slo_ttft_ms = p->slo_ttft_ms > 0 ? p->slo_ttft_ms : 0;
    o->slo_itl_ms = p->slo_itl_ms > 0 ? p->slo_itl_ms : 0;
}

bool cllm_serve_supported(void) { return true; }

/* What a level is to do. */
struct plan {
    bool   open_loop;
    int    concurrency;     /* closed: streams in flight; open: the cap (0: none) */
    double rate;            /* open: req/s */
    int    limit;           /* requests to start; INT_MAX: until duration_s (or the probe rule) */
    double duration_s;      /* no new request after this many seconds from the level's start; 0: none */
    int    min_started;     /* a probe: start at least this many ... */
    double min_s;           /* ... and keep starting until this many seconds passed; then stop */
    int    n_warmup;        /* the first n_warmup sends are the probe's warm-up */
};

/* The run while it goes: what every level shares. */
struct run {
    const struct cllm_serve_params *p;
    const struct cllm_chat_target *t;
    const struct cllm_gen_params *g;
    CURLM *m;
    long   next_index;      /* the run's next request number */
    uint64_t rng;           /* the unique prefixes' random stream */
    char  *shared_prefix;   /* CACHE_SHARED: the text every request opens with */
    int    level_index;
    const char *base, *auth;   /* the server's URL (no trailing /) and the Authorization header line or "" */
    char   metrics_off[256];   /* the server said it has no /metrics (404, 501): every later level says so too */
};

/* A level while it runs. */
struct level {
    struct cllm_serve_request *recs;
    int         n, cap;
    double     *gaps_ms;        /* every inter-token gap of the successful measured requests */
    size_t      n_gaps, gaps_cap;
    uint64_t    t0_ns;          /* the level's start (open loop) or its first send (closed loop) */
    uint64_t    first_ns;       /* the first request's start */
    uint64_t    last_ns;        /* the last completion */
    int         n_cancelled;    /* in flight when Ctrl-C came: dropped, not counted */
    int         limit;          /* requests the level may start; INT_MAX: until duration_s */
    double     *sends_s;        /* every send, from t0, in send order */
    double     *waits_s;        /* open loop: each send's lateness (sent - due) */
    int         n_sends, sends_cap;
    int         n_waited;       /* sends held back by the cap */
    double      schedule_cv, schedule_rate;
};

struct slot {
    struct cllm_chat_stream *cs;   /* NULL: free */
    struct cllm_llm_trace    tr;
    struct cllm_gen_params   g;    /* this request's (its own prompt and max_tokens) */
    char    *system, *user;        /* what it sends (malloc'd) */
    char    *origin;
    long     index;
    int      prompt_tokens_counted;
    double   scheduled_s, sent_s;
    bool     warmup;
};

static void slot_clear(struct slot *s)
{
    free(s->system);
    free(s->user);
    free(s->origin);
    s->system = s->user = s->origin = NULL;
}

static void level_free(struct level *L)
{
    for (int i = 0; i < L->n; i++) {
        free(L->recs[i].error);
        free(L->recs[i].origin);
    }
    free(L->recs);
    free(L->gaps_ms);
    free(L->sends_s);
    free(L->waits_s);
    memset(L, 0, sizeof(*L));
}

/* Words that are one token each in the common vocabularies (Llama's SentencePiece, GPT-2's BPE), so a prefix of
 * n of them is about n tokens; the count the server reports is recorded beside it. */
static const char *const k_words[] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
    "this", "are", "at", "from", "but", "have", "an", "they", "which", "one", "you", "were", "all", "we", "her",
    "she", "there", "would", "their", "will", "when", "who", "him", "been", "has", "more", "if", "no", "out",
    "so", "said", "what", "up", "its", "about", "into", "than", "them", "can", "only", "other", "new", "some",
    "could", "time", "these", "two", "may", "then", "do", "first", "any", "my", "now", "such", "like", "our",
    "over", "man", "me", "even", "most", "made", "after", "also", "did", "many", "before", "must", "through",
    "back", "years", "where", "much", "your", "way", "well", "down", "should", "because", "each", "just", "those",
    "people", "how", "too", "little", "state", "good", "very", "make", "world", "still", "own", "see", "men",
    "work", "long", "get", "here", "between", "both", "life", "being", "under", "never", "day", "same", "another",
    "know", "while", "last", "might", "us", "great", "old", "year", "off", "come", "since", "against", "go",
    "came", "right", "used", "take", "three",
};

/* n words of k_words in a fixed, non-repeating-looking order, a period every 12 words. */
static char *make_shared_prefix(int n)
{
    size_t nw = sizeof(k_words) / sizeof(k_words[0]), cap = (size_t)n * 9 + 64, o = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *w = k_words[((size_t)i * 37 + (size_t)i / 141) % nw];
        o += (size_t)snprintf(s + o, cap - o, "%s%s%s", i ? " " : "", w, i % 12 == 11 || i == n - 1 ? "." : "");
    }
    s[o] = '\0';
    return s;
}

static char *join3(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

/* Request `index`'s content into s: next_request's or the fixed prompt, with the prefix-cache mode on top. */
static enum cllm_status make_content(struct run *R, struct slot *s, char *err, size_t errlen)
{
    const struct cllm_serve_params *p = R->p;
    struct cllm_serve_content c;
    char marker[80];
    enum cllm_status st;

    c.system = R->g->system_prompt ? R->g->system_prompt : "";
    c.user = R->g->prompt ? R->g->prompt : "";
    c.max_tokens = R->g->max_tokens;
    c.prompt_tokens = -1;
    c.origin = NULL;
    s->index = R->next_index++;
    if (p->next_request) {
        char e[CLLM_ERR_LEN] = "";
        st = p->next_request(p->next_user_data, s->index, &c, e, sizeof(e));
        if (st != CLLM_OK) {
            snprintf(err, errlen, "the workload gave no request %ld: %s", s->index, e[0] ? e : cllm_status_str(st));
            return st;
        }
        if (!c.user || c.max_tokens < 1) {
            snprintf(err, errlen, "the workload's request %ld has %s", s->index,
                     !c.user ? "no user message" : "max_tokens below 1");
            return CLLM_ERR_INTERNAL;
        }
        if (!c.system)
            c.system = "";
    }
    /* a unique opening: 64 random bits first, then the request number, so no two prompts share a cacheable
     * prefix (not even the marker's first word) */
    snprintf(marker, sizeof(marker), "%016llx: request %ld. ", (unsigned long long)rng_next(&R->rng), s->index);
    switch (p->prefix_cache) {
    case CLLM_SERVE_CACHE_OFF:
        if (c.system[0]) {
            s->system = join3(marker, c.system, "");
            s->user = strdup(c.user);
        } else {
            s->system = strdup("");
            s->user = join3(marker, c.user, "");
        }
        break;
    case CLLM_SERVE_CACHE_ON:
        s->system = strdup(c.system);
        s->user = strdup(c.user);
        break;
    case CLLM_SERVE_CACHE_SHARED:
        s->system = join3(R->shared_prefix, c.system[0] ? "\n\n" : "", c.system);
        s->user = join3(marker, c.user, "");
        break;
    }
    s->origin = c.origin ? strdup(c.origin) : NULL;
    if (!s->system || !s->user || (c.origin && !s->origin)) {
        slot_clear(s);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    s->prompt_tokens_counted = c.prompt_tokens;
    s->g = *R->g;
    s->g.system_prompt = s->system;
    s->g.prompt = s->user;
    s->g.max_tokens = c.max_tokens;
    return CLLM_OK;
}

static bool push_send(struct level *L, double sent_s, double wait_s)
{
    if (L->n_sends == L->sends_cap) {
        int cap = L->sends_cap ? L->sends_cap * 2 : 128;
        double *a = realloc(L->sends_s, (size_t)cap * sizeof(*a));
        double *b = a ? realloc(L->waits_s, (size_t)cap * sizeof(*b)) : NULL;
        if (a)
            L->sends_s = a;
        if (!a || !b)
            return false;
        L->waits_s = b;
        L->sends_cap = cap;
    }
    L->sends_s[L->n_sends] = sent_s;
    L->waits_s[L->n_sends] = wait_s;
    L->n_sends++;
    return true;
}

static double s_between(uint64_t a, uint64_t b) { return b >= a ? (double)(b - a) / 1e9 : -(double)(a - b) / 1e9; }

/* Finishes slot s's request (ended with res) into L; one that Ctrl-C stopped is counted as dropped, not as a
 * result. The slot is freed for the next request. */
static enum cllm_status record(struct run *R, struct level *L, struct slot *s, CURLcode res)
{
    struct cllm_server_run_info info;
    struct cllm_llm_run_metrics lm;
    struct cllm_serve_request *r;
    char err[CLLM_ERR_LEN] = "";
    enum cllm_status rst;

    curl_multi_remove_handle(R->m, cllm_chat_stream_curl(s->cs));
    rst = cllm_chat_stream_finish(s->cs, (int)res, &info, err, sizeof(err));
    if (rst == CLLM_ERR_CANCELLED) {
        L->n_cancelled++;
        goto out;
    }
    if (L->n == L->cap) {
        int cap = L->cap ? L->cap * 2 : 64;
        struct cllm_serve_request *nr = realloc(L->recs, (size_t)cap * sizeof(*nr));
        if (!nr) {
            rst = CLLM_ERR_NOMEM;
            goto out;
        }
        L->recs = nr;
        L->cap = cap;
    }
    r = &L->recs[L->n++];
    memset(r, 0, sizeof(*r));
    r->ok = rst == CLLM_OK;
    r->http_status = info.http_status;
    r->output_tokens = info.n_tokens;
    r->prompt_tokens = info.n_prompt_tokens;
    cllm_strlcpy(r->token_count_source, info.token_count_source, sizeof(r->token_count_source));
    r->level = R->level_index;
    r->index = s->index;
    r->scheduled_s = s->scheduled_s;
    r->sent_s = s->sent_s;
    r->reasoning_tokens = info.n_reasoning;
    r->cached_tokens = info.cached_tokens;
    r->prompt_tokens_counted = s->prompt_tokens_counted;
    r->warmup = s->warmup;
    r->origin = s->origin;
    s->origin = NULL;
    r->ttft_s = r->e2e_s = r->itl_mean_s = r->tpot_s = NAN;
    r->ttft_content_s = info.first_content_ns ? s_between(s->tr.start_ns, info.first_content_ns) : NAN;
    r->ttft_reasoning_s = info.first_reasoning_ns ? s_between(s->tr.start_ns, info.first_reasoning_ns) : NAN;
    if (cllm_llm_run_metrics_compute(&s->tr, &lm) == CLLM_OK) {
        r->ttft_s = lm.first_token_latency_s;
        r->e2e_s = lm.total_s;
        r->itl_mean_s = lm.itl_mean_ms / 1e3;
        if (r->output_tokens >= 2 && isfinite(r->ttft_s))
            r->tpot_s = (r->e2e_s - r->ttft_s) / (r->output_tokens - 1);
    }
    if (s->tr.end_ns > L->last_ns)
        L->last_ns = s->tr.end_ns;
    if (!r->ok) {
        r->error = strdup(err[0] ? err : cllm_status_str(rst));
        rst = CLLM_OK;
        if (!r->error)
            rst = CLLM_ERR_NOMEM;
    } else if (!r->warmup && cllm_llm_trace_gaps_ms(&s->tr, &L->gaps_ms, &L->n_gaps, &L->gaps_cap) != CLLM_OK) {
        rst = CLLM_ERR_NOMEM;
    }
out:
    cllm_chat_stream_free(s->cs);
    s->cs = NULL;
    slot_clear(s);
    return rst == CLLM_ERR_CANCELLED ? CLLM_OK : rst;
}

/* Starts the next request of the run in slot s, due at scheduled_s (NAN: closed loop). */
static enum cllm_status start(struct run *R, struct level *L, struct slot *s, double scheduled_s, bool warmup,
                              char *err, size_t errlen)
{
    enum cllm_status st = make_content(R, s, err, errlen);
    CURL *e;
    if (st != CLLM_OK)
        return st;
    st = cllm_chat_stream_new(R->t, &s->g, &s->tr, &s->cs, err, errlen);
    if (st != CLLM_OK) {
        slot_clear(s);
        return st;
    }
    e = cllm_chat_stream_curl(s->cs);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)s);
    cllm_chat_stream_begin(s->cs);
    if (curl_multi_add_handle(R->m, e) != CURLM_OK) {
        cllm_chat_stream_free(s->cs);
        s->cs = NULL;
        slot_clear(s);
        snprintf(err, errlen, "cannot add a transfer to curl's multi handle");
        return CLLM_ERR_INTERNAL;
    }
    if (!L->first_ns)
        L->first_ns = s->tr.start_ns;
    if (!L->t0_ns)
        L->t0_ns = s->tr.start_ns;
    s->scheduled_s = scheduled_s;
    s->sent_s = s_between(L->t0_ns, s->tr.start_ns);
    s->warmup = warmup;
    if (!push_send(L, s->sent_s, isfinite(scheduled_s) ? s->sent_s - scheduled_s : NAN)) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    return CLLM_OK;
}

/* Ends slot s's request (curl said res): recorded, the slot freed. false when out of memory (err says so). */
static bool end_request(struct run *R, struct level *L, struct slot *s, CURLcode res, int *in_flight, bool *any_ok,
                        bool *stop_starting, char *err, size_t errlen)
{
    int n = L->n;
    (*in_flight)--;
    if (record(R, L, s, res) != CLLM_OK) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (L->n == n)
        return true;   /* dropped by Ctrl-C */
    if (L->recs[L->n - 1].ok)
        *any_ok = true;
    else if (L->recs[L->n - 1].http_status == 0 && !*any_ok)
        *stop_starting = true;   /* no HTTP answer and none succeeded yet: the server is not there */
    return true;
}

/* One level. Closed loop: c streams in flight until limit requests were started (or duration_s passed) and all
 * ended. Open loop: each request sent when the schedule says (held back while max_concurrency are in flight) until
 * limit were sent or the schedule passed duration_s. A probe keeps starting until it started min_started and min_s
 * passed. A request that got no HTTP answer before any succeeded stops the starting (a server that is not there
 * fails fast). */
static enum cllm_status run_level(struct run *R, const struct plan *P, struct level *L, bool *cancelled, char *err,
                                  size_t errlen)
{
    const struct cllm_serve_params *p = R->p;
    int n_slots = P->open_loop ? (P->concurrency > 0 ? P->concurrency : CLLM_SERVE_MAX_CONCURRENCY) : P->concurrency;
    struct slot *slots = calloc((size_t)n_slots, sizeof(*slots));
    struct arrivals arr;
    double next_due_s = 0;
    bool waiting = false;   /* the due arrival is held back by the cap (counted once) */
    int started = 0, in_flight = 0;
    bool stop_starting = false, any_ok = false;
    enum cllm_status st = CLLM_OK;

    if (!slots) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    for (int i = 0; i < n_slots; i++)
        cllm_llm_trace_init(&slots[i].tr);
    L->limit = P->limit;
    L->schedule_cv = L->schedule_rate = NAN;
    if (P->open_loop) {
        arrivals_init(&arr, P->rate, p->burstiness, p->ramp_up_s, p->seed + (uint32_t)R->level_index);
        next_due_s = arrivals_next(&arr);
        L->t0_ns = cllm_now_ns();
    }
    for (;;) {
        CURLMsg *msg;
        int running, left;
        bool ended = false;
        long wait_ms = 50;
        uint64_t now;

        if (p->cancel && *p->cancel) {
            *cancelled = true;
            break;
        }
        now = cllm_now_ns();
        if (L->first_ns) {
            double el = s_between(P->open_loop ? L->t0_ns : L->first_ns, now);
            if (P->duration_s > 0 && !P->open_loop && el >= P->duration_s)
                stop_starting = true;
            if (P->min_started > 0 && started >= P->min_started && el >= P->min_s)
                stop_starting = true;
        }
        if (started >= L->limit)
            stop_starting = true;
        if (P->open_loop) {
            while (!stop_starting) {
                int free_slot = -1;
                if (P->duration_s > 0 && next_due_s >= P->duration_s && !(P->min_started > 0 && started < P->min_started)) {
                    stop_starting = true;
                    break;
                }
                if (L->t0_ns + (uint64_t)(next_due_s * 1e9) > now)
                    break;
                for (int i = 0; i < n_slots && free_slot < 0; i++)
                    if (!slots[i].cs)
                        free_slot = i;
                if (free_slot < 0) {
                    if (!waiting)
                        L->n_waited++;
                    waiting = true;
                    break;
                }
                waiting = false;
                st = start(R, L, &slots[free_slot], next_due_s, started < P->n_warmup, err, errlen);
                if (st != CLLM_OK)
                    goto out;
                started++;
                in_flight++;
                next_due_s = arrivals_next(&arr);
                if (started >= L->limit)
                    stop_starting = true;
                now = cllm_now_ns();
            }
        } else {
            for (int i = 0; i < n_slots && !stop_starting && started < L->limit; i++) {
                if (slots[i].cs)
                    continue;
                st = start(R, L, &slots[i], NAN, started < P->n_warmup, err, errlen);
                if (st != CLLM_OK)
                    goto out;
                started++;
                in_flight++;
            }
        }
        if (in_flight == 0 && (stop_starting || !P->open_loop))
            break;
        curl_multi_perform(R->m, &running);
        while ((msg = curl_multi_info_read(R->m, &left))) {
            struct slot *s;
            char *priv = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            s = (struct slot *)(void *)priv;
            if (!end_request(R, L, s, msg->data.result, &in_flight, &any_ok, &stop_starting, err, errlen)) {
                st = CLLM_ERR_NOMEM;
                goto out;
            }
            ended = true;
        }
        /* a stalled stream, one past its deadline, or Ctrl-C: ended here, whatever curl's callbacks did */
        for (int i = 0; i < n_slots; i++) {
            if (!slots[i].cs || !cllm_chat_stream_expired(slots[i].cs))
                continue;
            if (!end_request(R, L, &slots[i], CURLE_ABORTED_BY_CALLBACK, &in_flight, &any_ok, &stop_starting, err,
                             errlen)) {
                st = CLLM_ERR_NOMEM;
                goto out;
            }
            ended = true;
        }
        if (p->cancel && *p->cancel) {
            *cancelled = true;
            break;
        }
        /* a request ended: start the next one now, not after the poll (the loop stays closed; a held-back
         * arrival goes at once) */
        if (ended)
            continue;
        now = cllm_now_ns();
        if (P->open_loop && !stop_starting && !waiting) {
            uint64_t due = L->t0_ns + (uint64_t)(next_due_s * 1e9);
            long ms = due > now ? (long)((due - now) / 1000000ULL) : 0;
            if (ms < wait_ms)
                wait_ms = ms;
        }
        if (!P->open_loop && P->duration_s > 0 && L->first_ns) {
            uint64_t deadline = L->first_ns + (uint64_t)(P->duration_s * 1e9);
            long left_ms = now < deadline ? (long)((deadline - now) / 1000000ULL) + 1 : 0;
            if (left_ms < wait_ms)
                wait_ms = left_ms;
        }
        if (wait_ms > 0)
            curl_multi_poll(R->m, NULL, 0, (int)wait_ms, NULL);
        else if (P->open_loop && !stop_starting && !waiting) {
            /* under a millisecond to the next send: wait it out on the clock, not in a busy loop over curl */
            uint64_t due = L->t0_ns + (uint64_t)(next_due_s * 1e9);
            while (cllm_now_ns() < due)
                ;
        }
    }
out:
    for (int i = 0; i < n_slots; i++) {
        if (slots[i].cs) {
            /* dropped in flight (Ctrl-C or an error): not a result */
            curl_multi_remove_handle(R->m, cllm_chat_stream_curl(slots[i].cs));
            cllm_chat_stream_free(slots[i].cs);
            L->n_cancelled++;
        }
        slot_clear(&slots[i]);
        cllm_llm_trace_free(&slots[i].tr);
    }
    free(slots);
    if (P->open_loop && isfinite(P->rate) && L->n_sends >= 3) {
        /* the schedule's own CV over as many arrivals as were sent: what the sends are compared with */
        double *t = malloc((size_t)L->n_sends * sizeof(*t)), mean;
        if (t) {
            cllm_serve_arrivals(P->rate, p->burstiness, p->ramp_up_s, p->seed + (uint32_t)R->level_index,
                                L->n_sends, t);
            cllm_serve_gap_stats(t, L->n_sends, &mean, &L->schedule_cv);
            if (t[L->n_sends - 1] > t[0])
                L->schedule_rate = (L->n_sends - 1) / (t[L->n_sends - 1] - t[0]);
            free(t);
        }
    }
    return st;
}

static struct cllm_serve_dist dist_of(double *v, size_t n, double scale)
{
    struct cllm_llm_dist d;
    struct cllm_serve_dist o;
    cllm_llm_dist_compute(v, n, &d);
    o.p50 = d.p50 * scale;
    o.p90 = d.p90 * scale;
    o.p99 = d.p99 * scale;
    o.mean = d.mean * scale;
    o.n = n;
    return o;
}

static bool is_good(const struct cllm_serve_request *r, const struct cllm_serve_params *p)
{
    if (!r->ok)
        return false;
    if (p->slo_ttft_ms > 0 && !(r->ttft_s * 1e3 <= p->slo_ttft_ms))
        return false;
    if (p->slo_itl_ms > 0 && isfinite(r->itl_mean_s) && !(r->itl_mean_s * 1e3 <= p->slo_itl_ms))
        return false;
    return true;
}

/* One p99 SLO against its measured value, into the level's verdict. */
static void slo_one(struct cllm_serve_level *o, const char *name, double p99_s, double limit_ms)
{
    size_t len = strlen(o->slo_failed);
    if (limit_ms <= 0)
        return;
    if (isfinite(p99_s) && p99_s * 1e3 <= limit_ms)
        return;
    o->slo_met = false;
    if (isfinite(p99_s))
        snprintf(o->slo_failed + len, sizeof(o->slo_failed) - len, "%s%s p99 %.1f ms > %g ms", len ? "; " : "", name,
                 p99_s * 1e3, limit_ms);
    else
        snprintf(o->slo_failed + len, sizeof(o->slo_failed) - len, "%s%s p99 not measured (no request had one)",
                 len ? "; " : "", name);
}

/* The level's record and statistics into o; L's requests move into it. Latency distributions and the SLO check
 * leave out the warm-up requests. false when out of memory (L keeps its requests). */
static bool level_stats(struct level *L, const struct cllm_serve_params *p, const struct plan *P, bool cancelled,
                        struct cllm_serve_level *o)
{
    size_t cap = (size_t)(L->n > L->n_sends ? L->n : L->n_sends) + 1;
    double *v[6] = {malloc(cap * sizeof(double)), malloc(cap * sizeof(double)), malloc(cap * sizeof(double)),
                    malloc(cap * sizeof(double)), malloc(cap * sizeof(double)), malloc(cap * sizeof(double))};
    size_t nv[6] = {0};   /* ttft, e2e, ttft_content, ttft_reasoning, tpot, wait */
    struct cllm_serve_source_count *sources = calloc((size_t)L->n + 1, sizeof(*sources));
    const char **errors = calloc((size_t)(p->max_errors > 0 ? p->max_errors : 0) + 1, sizeof(*errors));
    double wall_s = L->n > 0 ? (double)(L->last_ns - L->first_ns) / 1e9 : NAN;
    const char *first_error = NULL;
    int n_failed_measured = 0, n_ok_measured = 0;
    bool ok = true;

    memset(o, 0, sizeof(*o));
    for (int k = 0; k < 6; k++)
        ok &= v[k] != NULL;
    if (!ok || !sources || !errors) {
        ok = false;
        goto done;
    }
    for (int i = 0; i < L->n; i++) {
        const struct cllm_serve_request *r = &L->recs[i];
        if (r->warmup)
            o->n_warmup++;
        if (!r->ok) {
            n_failed_measured += !r->warmup;
            if (!first_error)
                first_error = r->error;
            /* the first few distinct messages */
            if (o->n_errors < p->max_errors) {
                int k = 0;
                while (k < o->n_errors && strcmp(errors[k], r->error) != 0)
                    k++;
                if (k == o->n_errors)
                    errors[o->n_errors++] = r->error;
            }
            continue;
        }
        o->n_ok++;
        o->output_tokens += r->output_tokens;
        o->reasoning_tokens += r->reasoning_tokens;
        o->n_good += is_good(r, p);
        {
            int k = 0;
            while (k < o->n_sources && strcmp(sources[k].source, r->token_count_source) != 0)
                k++;
            if (k == o->n_sources)
                cllm_strlcpy(sources[o->n_sources++].source, r->token_count_source, sizeof(sources[k].source));
            sources[k].n++;
        }
        if (r->warmup)
            continue;
        n_ok_measured++;
        if (isfinite(r->ttft_s))
            v[0][nv[0]++] = r->ttft_s;
        if (isfinite(r->e2e_s))
            v[1][nv[1]++] = r->e2e_s;
        if (isfinite(r->ttft_content_s))
            v[2][nv[2]++] = r->ttft_content_s;
        if (isfinite(r->ttft_reasoning_s))
            v[3][nv[3]++] = r->ttft_reasoning_s;
        if (isfinite(r->tpot_s))
            v[4][nv[4]++] = r->tpot_s;
    }

    o->open_loop = P->open_loop;
    o->concurrency = P->concurrency;
    o->rate = P->open_loop ? P->rate : NAN;
    o->status = cancelled                  ? CLLM_SERVE_LEVEL_CANCELLED
                : L->n > 0 && o->n_ok == 0 ? CLLM_SERVE_LEVEL_FAILED
                                           : CLLM_SERVE_LEVEL_OK;
    if (o->status == CLLM_SERVE_LEVEL_FAILED)
        o->error = first_error ? first_error : "every request failed";
    o->request_limit = L->limit < INT_MAX ? L->limit : 0;
    o->n_requests = L->n;
    o->n_failed = L->n - o->n_ok;
    o->n_cancelled = cancelled ? L->n_cancelled : 0;
    o->wall_s = wall_s;
    o->ttft_s = dist_of(v[0], nv[0], 1.0);
    o->itl_s = dist_of(L->gaps_ms, L->n_gaps, 1e-3);
    o->e2e_s = dist_of(v[1], nv[1], 1.0);
    o->ttft_content_s = dist_of(v[2], nv[2], 1.0);
    o->ttft_reasoning_s = dist_of(v[3], nv[3], 1.0);
    o->tpot_s = dist_of(v[4], nv[4], 1.0);
    o->output_tokens_per_second = wall_s > 0 ? (double)o->output_tokens / wall_s : NAN;
    o->requests_per_second = wall_s > 0 ? o->n_ok / wall_s : NAN;
    o->error_rate = L->n > 0 ? (double)(L->n - o->n_ok) / L->n : NAN;
    o->has_goodput = p->slo_ttft_ms > 0 || p->slo_itl_ms > 0;
    if (o->has_goodput) {
        o->goodput_requests_per_second = wall_s > 0 ? o->n_good / wall_s : NAN;
        o->goodput_fraction = L->n > 0 ? (double)o->n_good / L->n : NAN;
    } else {
        o->n_good = 0;
    }
    /* the sends: their rate and spacing (every send of the level, in send order) */
    o->achieved_rate = o->interarrival_mean_s = o->interarrival_cv = NAN;
    cllm_serve_gap_stats(L->sends_s, L->n_sends, &o->interarrival_mean_s, &o->interarrival_cv);
    if (L->n_sends >= 2 && L->sends_s[L->n_sends - 1] > L->sends_s[0])
        o->achieved_rate = (L->n_sends - 1) / (L->sends_s[L->n_sends - 1] - L->sends_s[0]);
    o->schedule_cv = L->schedule_cv;
    o->schedule_rate = L->schedule_rate;
    o->n_waited = L->n_waited;
    if (P->open_loop) {
        for (int i = 0; i < L->n_sends; i++)
            v[5][nv[5]++] = L->waits_s[i] > 0 ? L->waits_s[i] : 0;
        o->wait_s = dist_of(v[5], nv[5], 1.0);
    } else {
        o->wait_s = dist_of(NULL, 0, 1.0);
    }
    o->has_slo = has_p99_slo(&p->slo);
    if (o->has_slo) {
        o->slo_met = true;
        slo_one(o, "ttft", o->ttft_s.p99, p->slo.ttft_p99_ms);
        slo_one(o, "itl", o->itl_s.p99, p->slo.itl_p99_ms);
        slo_one(o, "e2e", o->e2e_s.p99, p->slo.e2e_p99_ms);
        slo_one(o, "tpot", o->tpot_s.p99, p->slo.tpot_p99_ms);
        if (n_failed_measured > 0) {
            size_t len = strlen(o->slo_failed);
            o->slo_met = false;
            snprintf(o->slo_failed + len, sizeof(o->slo_failed) - len, "%s%d request%s failed", len ? "; " : "",
                     n_failed_measured, n_failed_measured > 1 ? "s" : "");
        }
        if (n_ok_measured == 0 && o->slo_met) {
            o->slo_met = false;
            cllm_strlcpy(o->slo_failed, "no measured request succeeded", sizeof(o->slo_failed));
        }
    }
    o->t0_ns = L->first_ns;
    o->t1_ns = L->last_ns;
    o->energy_per_request_j = NAN;
    o->sources = sources;
    o->errors = errors;
    o->requests = L->recs;
    L->recs = NULL;
    L->n = L->cap = 0;
    sources = NULL;
    errors = NULL;
done:
    for (int k = 0; k < 6; k++)
        free(v[k]);
    free(sources);
    free((void *)errors);
    return ok;
}

/* A string or number of the server's answer, kept; false when out of memory. */
static bool keep_value(const cJSON *v, struct cllm_serve_value *out)
{
    if (cJSON_IsNumber(v)) {
        out->kind = CLLM_SERVE_VALUE_NUMBER;
        out->num = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        out->str = strdup(v->valuestring);
        if (!out->str)
            return false;
        out->kind = CLLM_SERVE_VALUE_STRING;
    }
    return true;
}

/* What the server says about itself: llama-server's /props, and the model to ask for. */
static void server_info(const struct cllm_serve_params *p, const char *base, const char *auth,
                        struct cllm_serve_server *o)
{
    cJSON *j = NULL;
    char jerr[300] = "";
    long code;

    public_url(p->server_url, o->url, sizeof(o->url));
    o->n_ctx = NAN;
    o->model_source = "--server-model";
    code = cllm_chat_http_get_json(base, auth, "/props", 3000, &j, jerr, sizeof(jerr));
    if (j) {
        /* llama-server's API keys (what it answers), not results keys */
        const cJSON *dgs = cJSON_GetObjectItemCaseSensitive(j, "default_generation_settings");
        if (cJSON_IsObject(dgs)) {
            /* only llama-server answers /props with its generation settings */
            const cJSON *nctx = cJSON_GetObjectItemCaseSensitive(dgs, "n_ctx");
            o->has_props = keep_value(cJSON_GetObjectItemCaseSensitive(j, "build_info"), &o->build_info) &&
                           keep_value(cJSON_GetObjectItemCaseSensitive(j, "model_path"), &o->model_path) &&
                           keep_value(cJSON_GetObjectItemCaseSensitive(j, "total_slots"), &o->total_slots);
            if (cJSON_IsNumber(nctx))
                o->n_ctx = nctx->valuedouble;
        }
        cJSON_Delete(j);
    }
    o->library = o->has_props ? "llama-server" : "openai-compatible";
    if (!o->has_props) {
        /* a 200 answer that is not strict JSON is this server's error, said as such */
        snprintf(o->props_why, sizeof(o->props_why), "%s",
                 code == 200 && jerr[0] ? jerr : "GET /props gave no llama-server settings");
    }
    if (p->server_model && p->server_model[0]) {
        cllm_strlcpy(o->model, p->server_model, sizeof(o->model));
    } else {
        o->model_source = "default";
        cllm_strlcpy(o->model, "default", sizeof(o->model));
        code = cllm_chat_http_get_json(base, auth, "/v1/models", 3000, &j, jerr, sizeof(jerr));
        if (j) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "data"), 0), "id");
            if (cJSON_IsString(id) && id->valuestring[0]) {
                cllm_strlcpy(o->model, id->valuestring, sizeof(o->model));
                o->model_source = "/v1/models";
            }
            cJSON_Delete(j);
        } else if (code == 200 && jerr[0]) {
            cllm_strlcpy(o->models_error, jerr, sizeof(o->models_error));
        }
    }
    o->client = curl_version();
}

/* The server's token count of text (llama-server's POST /tokenize, without BOS); -1 when it does not say. */
static int count_tokens(const char *base, const char *auth, const char *text)
{
    cJSON *req = cJSON_CreateObject(), *j = NULL;
    char jerr[200], *body;
    int n = -1;
    if (!req)
        return -1;
    cJSON_AddStringToObject(req, "content", text);
    cJSON_AddFalseToObject(req, "add_special");
    body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    if (!body)
        return -1;
    if (cllm_chat_http_post_json(base, auth, "/tokenize", body, 5000, &j, jerr, sizeof(jerr)) == 200 && j) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "tokens");
        if (cJSON_IsArray(t))
            n = cJSON_GetArraySize(t);
    }
    cJSON_Delete(j);
    free(body);
    return n;
}

/* The shared prefix of about n tokens: n one-token words, then, where the server counts tokens (llama-server),
 * the word count scaled by n / counted until the count is n (at most 5 counts). NULL out of memory. */
static char *shared_prefix(const char *base, const char *auth, bool can_count, int n, struct cllm_serve_setup *o)
{
    int words = n;
    char *text = make_shared_prefix(words);
    o->shared_prefix_tokens_counted = -1;
    for (int k = 0; text && can_count && k < 5; k++) {
        int c = count_tokens(base, auth, text), nw;
        o->shared_prefix_tokens_counted = c;
        if (c <= 0 || c == n || k == 4)
            break;
        nw = (int)llround((double)words * n / c);
        if (nw < 1)
            nw = 1;
        if (nw == words)
            break;
        words = nw;
        free(text);
        text = make_shared_prefix(words);
    }
    o->shared_prefix_words = words;
    if (o->shared_prefix_tokens_counted < 0)
        snprintf(o->shared_prefix_count_why, sizeof(o->shared_prefix_count_why), "%s",
                 can_count ? "llama-server's POST /tokenize gave no count"
                           : "not llama-server: no /tokenize to count with (the words are one token each in common "
                             "vocabularies; each request's prompt_tokens is the server's count)");
    return text;
}

/* The scrapes during a level: a second thread, so the request loop's timing is not the scrape's. It owns pl from
 * its start to its join. */
struct sampler {
    const char *base, *auth;
    double interval_s, timeout_s;
    struct cllm_prom_level *pl;
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    bool stop;
};

static void *sampler_main(void *arg)
{
    struct sampler *S = arg;
    pthread_mutex_lock(&S->mu);
    while (!S->stop) {
        struct timespec ts;
        uint64_t ns;
        clock_gettime(CLOCK_REALTIME, &ts);
        ns = (uint64_t)ts.tv_nsec + (uint64_t)(S->interval_s * 1e9);
        ts.tv_sec += (time_t)(ns / 1000000000ULL);
        ts.tv_nsec = (long)(ns % 1000000000ULL);
        pthread_cond_timedwait(&S->cv, &S->mu, &ts);
        if (S->stop)
            break;
        pthread_mutex_unlock(&S->mu);
        {
            struct cllm_prom_snapshot snap;
            char e[CLLM_ERR_LEN];
            /* a failed sample is only a missing sample: the level's record stands on before and after */
            if (cllm_prom_scrape(S->base, S->auth, S->timeout_s, &snap, NULL, e, sizeof(e)) == CLLM_OK)
                cllm_prom_level_sample(S->pl, &snap);
        }
        pthread_mutex_lock(&S->mu);
    }
    pthread_mutex_unlock(&S->mu);
    return NULL;
}

/* One scrape into pl: before (true) or after the level; false when it failed (pl says why). */
static bool scrape_into(struct run *R, struct cllm_prom_level *pl, bool before)
{
    struct cllm_prom_snapshot snap;
    char e[CLLM_ERR_LEN];
    enum cllm_status st = cllm_prom_scrape(R->base, R->auth, R->p->metrics_timeout_s, &snap, NULL, e, sizeof(e));
    if (st != CLLM_OK) {
        char why[sizeof(pl->why)];
        snprintf(why, sizeof(why), "%s the level: %.230s", before ? "before" : "after", e);
        cllm_prom_level_unavailable(pl, why);
        if (st == CLLM_ERR_NOT_FOUND || st == CLLM_ERR_UNSUPPORTED)
            cllm_strlcpy(R->metrics_off, e, sizeof(R->metrics_off));
        return false;
    }
    if (before)
        cllm_prom_level_before(pl, &snap);
    else
        cllm_prom_level_after(pl, &snap);
    return true;
}

/* Level `index` of the run as P says, into out->levels[out->n_levels]. */
static enum cllm_status one_level(struct run *R, struct cllm_serve_result *out, const struct plan *P, int count,
                                  bool *cancelled, bool *failed, char *err, size_t errlen)
{
    const struct cllm_serve_params *p = R->p;
    struct cllm_serve_level *lo = &out->levels[out->n_levels];
    double value = P->open_loop ? P->rate : P->concurrency;
    struct level L;
    struct cllm_prom_level pl;
    struct sampler S;
    pthread_t th;
    bool scraped = false, sampling = false;
    enum cllm_status st;

    memset(&L, 0, sizeof(L));
    R->level_index = out->n_levels;
    if (p->on_level)
        p->on_level(out->n_levels, count, P->open_loop, value, NULL, p->user_data);
    cllm_prom_level_init(&pl);
    if (p->server_metrics && R->metrics_off[0])
        cllm_prom_level_unavailable(&pl, R->metrics_off);
    else if (p->server_metrics)
        scraped = scrape_into(R, &pl, true);
    if (scraped && p->metrics_interval_s > 0) {
        memset(&S, 0, sizeof(S));
        S.base = R->base;
        S.auth = R->auth;
        S.interval_s = p->metrics_interval_s;
        /* a sample in flight holds the level's end for at most a second (or the interval, when longer) */
        S.timeout_s = fmin(p->metrics_timeout_s, fmax(p->metrics_interval_s, 1.0));
        S.pl = &pl;
        pthread_mutex_init(&S.mu, NULL);
        pthread_cond_init(&S.cv, NULL);
        sampling = pthread_create(&th, NULL, sampler_main, &S) == 0;
        if (!sampling) {
            pthread_cond_destroy(&S.cv);
            pthread_mutex_destroy(&S.mu);
        }
    }
    st = run_level(R, P, &L, cancelled, err, errlen);
    if (sampling) {
        pthread_mutex_lock(&S.mu);
        S.stop = true;
        pthread_cond_signal(&S.cv);
        pthread_mutex_unlock(&S.mu);
        pthread_join(th, NULL);
        pthread_cond_destroy(&S.cv);
        pthread_mutex_destroy(&S.mu);
    }
    if (st != CLLM_OK) {
        level_free(&L);
        return st;
    }
    if (scraped && *cancelled)
        cllm_prom_level_unavailable(&pl, "cancelled (Ctrl-C) before the scrape after the level");
    else if (scraped)
        scrape_into(R, &pl, false);
    if (!level_stats(&L, p, P, *cancelled, lo)) {
        level_free(&L);
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    level_free(&L);
    lo->has_server_metrics = p->server_metrics;
    lo->server_metrics = pl;
    out->n_levels++;
    *failed = lo->status == CLLM_SERVE_LEVEL_FAILED;
    if (p->on_level)
        p->on_level(out->n_levels - 1, count, P->open_loop, value, lo, p->user_data);
    return CLLM_OK;
}

/* A probe of the SLA search at value v: long enough by the probe rule, its verdict into *met. */
static enum cllm_status probe(struct run *R, struct cllm_serve_result *out, double v, bool *met, bool *cancelled,
                              bool *failed, char *err, size_t errlen)
{
    const struct cllm_serve_params *p = R->p;
    struct cllm_serve_search *S = &out->search;
    struct plan P;
    struct cllm_serve_probe *pr;
    enum cllm_status st;
    double keep = 1.0 - p->warmup_share;

    *met = false;
    if (S->n_probes == CLLM_SERVE_MAX_PROBES) {
        snprintf(err, errlen, "the SLA search ran out of probes (%d)", CLLM_SERVE_MAX_PROBES);
        return CLLM_ERR_INTERNAL;
    }
    memset(&P, 0, sizeof(P));
    P.open_loop = p->find_max == CLLM_SERVE_FIND_RATE;
    P.concurrency = P.open_loop ? p->max_concurrency : (int)v;
    P.rate = P.open_loop ? v : NAN;
    P.limit = INT_MAX;
    /* the probe rule: at least probe_requests measured after a warm-up share of warmup_share, and at least
     * probe_s seconds of sending of which the same share is warm-up */
    P.min_started = (int)ceil(p->probe_requests / keep - 1e-9);
    P.min_s = p->probe_s / keep;
    P.n_warmup = P.min_started - p->probe_requests;
    st = one_level(R, out, &P, 0, cancelled, failed, err, errlen);
    if (st != CLLM_OK || *cancelled)
        return st;
    pr = &S->probes[S->n_probes++];
    pr->value = v;
    pr->level = out->n_levels - 1;
    pr->met = out->levels[pr->level].slo_met;
    cllm_strlcpy(pr->why, pr->met ? "" : out->levels[pr->level].slo_failed, sizeof(pr->why));
    if (*failed && !pr->met && !pr->why[0])
        cllm_strlcpy(pr->why, "every request failed", sizeof(pr->why));
    *met = pr->met;
    return CLLM_OK;
}

/* The SLA search: grow the level (doubling) until a probe misses an SLO, then bisect between the last that met
 * them and the first that did not, to one stream (concurrency) or to rate_resolution of the upper end (rate). */
static enum cllm_status search(struct run *R, struct cllm_serve_result *out, bool *cancelled, bool *failed,
                               char *err, size_t errlen)
{
    const struct cllm_serve_params *p = R->p;
    struct cllm_serve_search *S = &out->search;
    bool conc = p->find_max == CLLM_SERVE_FIND_CONCURRENCY, met;
    double limit = p->find_limit > 0 ? p->find_limit : conc ? CLLM_SERVE_MAX_CONCURRENCY : 1024;
    double lo = 0, hi = NAN, v = conc ? 1 : p->find_start_rate;
    enum cllm_status st;

    S->mode = p->find_max;
    S->lowest_failed = NAN;
    out->setup.find_limit_used = limit;
    if (v > limit)
        v = limit;
    for (;;) {
        st = probe(R, out, v, &met, cancelled, failed, err, errlen);
        if (st != CLLM_OK || *cancelled)
            return st;
        if (*failed && lo == 0)
            return CLLM_OK;   /* every request of the first probe failed: the server is not answering */
        *failed = false;
        if (!met) {
            hi = v;
            break;
        }
        lo = v;
        if (v >= limit) {
            S->limit_reached = true;
            break;
        }
        v = v * 2 < limit ? v * 2 : limit;
    }
    /* the start rate missed already: halve down to a thousandth of it */
    while (!conc && lo == 0 && isfinite(hi) && hi / 2 >= p->find_start_rate / 1024) {
        v = hi / 2;
        st = probe(R, out, v, &met, cancelled, failed, err, errlen);
        if (st != CLLM_OK || *cancelled)
            return st;
        *failed = false;
        if (met)
            lo = v;
        else
            hi = v;
    }
    while (lo > 0 && isfinite(hi) && (conc ? hi - lo > 1 : hi - lo > p->rate_resolution * hi)) {
        v = conc ? floor((lo + hi) / 2) : (lo + hi) / 2;
        st = probe(R, out, v, &met, cancelled, failed, err, errlen);
        if (st != CLLM_OK || *cancelled)
            return st;
        *failed = false;
        if (met)
            lo = v;
        else
            hi = v;
    }
    S->found = lo > 0;
    S->best = lo;
    S->lowest_failed = hi;
    return CLLM_OK;
}

enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, struct cllm_serve_result *out, char *err,
                                size_t errlen)
{
    struct cllm_gen_params g = cllm_gen_default_params();
    struct cllm_chat_target t;
    struct run R;
    char base[512], auth[600] = "";
    bool cancelled = false, failed = false;
    enum cllm_status st = CLLM_OK;
    int n_alloc;
    size_t n;

    memset(out, 0, sizeof(*out));
    memset(&R, 0, sizeof(R));
    st = cllm_serve_check(p, err, errlen);
    if (st != CLLM_OK)
        return st;
    n_alloc = p->find_max != CLLM_SERVE_FIND_NONE ? CLLM_SERVE_MAX_PROBES : p->n_rates > 0 ? p->n_rates : p->n_levels;
    out->levels = calloc((size_t)n_alloc, sizeof(*out->levels));
    if (!out->levels) {
        snprintf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    cllm_strlcpy(base, p->server_url, sizeof(base));
    n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        base[--n] = '\0';
    if (p->api_key && p->api_key[0])
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->api_key);
    g.max_tokens = p->max_tokens;
    g.ignore_eos = p->ignore_eos;
    g.cancel = p->cancel;
    if (p->prompt)
        g.prompt = p->prompt;
    if (p->system_prompt)
        g.system_prompt = p->system_prompt;

    out->status = CLLM_SERVE_RUNNING;
    server_info(p, base, auth, &out->server);
    setup_fill(&out->setup, p, &g);
    out->search.mode = p->find_max;
    out->search.lowest_failed = NAN;
    memset(&t, 0, sizeof(t));
    t.base = base;
    t.model = out->server.model;
    t.auth = auth;
    t.is_llama_server = out->server.has_props;
    t.cache_prompt = p->prefix_cache != CLLM_SERVE_CACHE_OFF;
    t.trace_reasoning = true;
    t.stall_s = p->stall_s;
    t.deadline_base_s = p->deadline_base_s;
    t.deadline_per_token_s = p->deadline_per_token_s;
    R.p = p;
    R.t = &t;
    R.g = &g;
    R.rng = 0xcafe0000ULL ^ p->seed;
    R.base = base;
    R.auth = auth;
    if (p->prefix_cache == CLLM_SERVE_CACHE_SHARED) {
        R.shared_prefix = shared_prefix(base, auth, out->server.has_props, p->shared_prefix_tokens, &out->setup);
        if (!R.shared_prefix) {
            snprintf(err, errlen, "out of memory");
            return CLLM_ERR_NOMEM;
        }
    }

    R.m = curl_multi_init();
    if (!R.m) {
        free(R.shared_prefix);
        snprintf(err, errlen, "cannot create curl's multi handle");
        return CLLM_ERR_NOMEM;
    }
    if (p->find_max != CLLM_SERVE_FIND_NONE) {
        st = search(&R, out, &cancelled, &failed, err, errlen);
    } else {
        int count = p->n_rates > 0 ? p->n_rates : p->n_levels;
        for (int i = 0; i < count && !cancelled && !failed && st == CLLM_OK; i++) {
            struct plan P;
            memset(&P, 0, sizeof(P));
            P.open_loop = p->n_rates > 0;
            P.duration_s = p->duration_s;
            if (P.open_loop) {
                P.rate = p->rates[i];
                P.concurrency = p->max_concurrency;
                /* "inf" sends the level's requests at once: a count, not a time */
                P.limit = p->requests > 0                          ? p->requests
                          : p->duration_s > 0 && isfinite(P.rate) ? INT_MAX
                                                                   : CLLM_SERVE_DEFAULT_OPEN_REQUESTS;
            } else {
                int c = p->concurrency[i];
                P.concurrency = c;
                P.limit = p->requests > 0 ? p->requests : p->duration_s > 0 ? INT_MAX : (4 * c > 16 ? 4 * c : 16);
            }
            st = one_level(&R, out, &P, count, &cancelled, &failed, err, errlen);
        }
    }
    curl_multi_cleanup(R.m);
    free(R.shared_prefix);
    if (st != CLLM_OK) {
        out->status = CLLM_SERVE_FAILED;
        cllm_strlcpy(out->error, err, sizeof(out->error));
        return st;
    }
    out->status = cancelled ? CLLM_SERVE_PARTIAL : failed ? CLLM_SERVE_FAILED : CLLM_SERVE_OK;
    if (failed)
        cllm_strlcpy(out->error, p->find_max != CLLM_SERVE_FIND_NONE
                                     ? "every request of the SLA search's first probe failed"
                                     : "every request of a level failed; the levels after it were not run",
                     sizeof(out->error));
    if (cancelled)
        snprintf(err, errlen, "interrupted: the levels done and the interrupted one are kept");
    return cancelled ? CLLM_ERR_CANCELLED : CLLM_OK;
}

#else /* no libcurl (or not POSIX) */

bool cllm_serve_supported(void) { return false; }

enum cllm_status cllm_serve_run(const struct cllm_serve_params *p, struct cllm_serve_result *out, char *err,
                                size_t errlen)
{
    (void)p;
    memset(out, 0, sizeof(*out));
    snprintf(err, errlen, "serve-bench needs libcurl (this build has none: install libcurl4-openssl-dev and rebuild)");
    return CLLM_ERR_UNSUPPORTED;
}
#endif

