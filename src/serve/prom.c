/* Prometheus text exposition: the parser, the common keys of llama-server's and vLLM's names, the scrape and a
 * level's before/after record (see prom.h). */
#include "serve/prom.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/strutil.h"
#include "serve/http_fetch.h"

/* ---- the parser ---- */

struct type_decl {
    char *name;
    enum cllm_prom_type type;
};

struct parse {
    const char *s;
    size_t len, pos;        /* the line: s[0..len), pos the cursor */
    long lineno;
    char *err;
    size_t errlen;
    struct cllm_prom_set *out;
    int cap;
    struct type_decl *types;
    int n_types, cap_types;
    int max_series;
};

static bool name_start(char c, bool metric)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
}

static bool name_char(char c, bool metric) { return name_start(c, metric) || (c >= '0' && c <= '9'); }

static void skip_blanks(struct parse *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t'))
        p->pos++;
}

static bool fail(struct parse *p, const char *what)
{
    cllm_errf(p->err, p->errlen, "line %ld, column %zu: %s", p->lineno, p->pos + 1, what);
    return false;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A name at the cursor: its length, 0 when none. */
static size_t read_name(struct parse *p, bool metric)
{
    size_t start = p->pos;
    if (p->pos >= p->len || !name_start(p->s[p->pos], metric))
        return 0;
    while (p->pos < p->len && name_char(p->s[p->pos], metric))
        p->pos++;
    return p->pos - start;
}

/* A float as the format writes it: decimal or exponent notation, +Inf / -Inf / NaN (any case, as Go's parser). */
static bool parse_value(const char *s, size_t n, double *v)
{
    char buf[64];
    char *e;
    size_t i = 0;
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (buf[0] == '+' || buf[0] == '-')
        i = 1;
    if (strcasecmp(buf + i, "inf") == 0 || strcasecmp(buf + i, "infinity") == 0) {
        *v = buf[0] == '-' ? -INFINITY : INFINITY;
        return true;
    }
    if (strcasecmp(buf + i, "nan") == 0) {
        *v = NAN;
        return true;
    }
    for (size_t k = i; k < n; k++)
        if (!((buf[k] >= '0' && buf[k] <= '9') || buf[k] == '.' || buf[k] == 'e' || buf[k] == 'E' || buf[k] == '+' ||
              buf[k] == '-'))
            return false;
    if (!((buf[i] >= '0' && buf[i] <= '9') || buf[i] == '.'))
        return false;
    errno = 0;
    *v = strtod(buf, &e);
    return *e == '\0' && e != buf;
}

static bool parse_int64(const char *s, size_t n, int64_t *v)
{
    char buf[32];
    char *e;
    size_t i = (n && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (n == 0 || n >= sizeof(buf) || i == n)
        return false;
    for (size_t k = i; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    *v = strtoll(buf, &e, 10);
    return errno == 0 && *e == '\0';
}

static enum cllm_prom_type type_of(const struct parse *p, const char *name)
{
    static const char *const suffixes[] = {"_bucket", "_sum", "_count", "_total", "_created", NULL};
    size_t n = strlen(name);
    for (int i = 0; i < p->n_types; i++)
        if (strcmp(p->types[i].name, name) == 0)
            return p->types[i].type;
    for (int k = 0; suffixes[k]; k++) {
        size_t sl = strlen(suffixes[k]);
        if (n > sl && strcmp(name + n - sl, suffixes[k]) == 0)
            for (int i = 0; i < p->n_types; i++)
                if (strlen(p->types[i].name) == n - sl && strncmp(p->types[i].name, name, n - sl) == 0)
                    return p->types[i].type;
    }
    return CLLM_PROM_UNTYPED;
}

static bool comment(struct parse *p)
{
    size_t kw, nl;
    const char *name;
    p->pos++;   /* '#' */
    skip_blanks(p);
    kw = p->pos;
    while (p->pos < p->len && p->s[p->pos] != ' ' && p->s[p->pos] != '\t')
        p->pos++;
    if (!((p->pos - kw == 4 && strncmp(p->s + kw, "HELP", 4) == 0) ||
          (p->pos - kw == 4 && strncmp(p->s + kw, "TYPE", 4) == 0)))
        return true;   /* another comment */
    skip_blanks(p);
    name = p->s + p->pos;
    if (!(nl = read_name(p, true)))
        return fail(p, strncmp(p->s + kw, "HELP", 4) == 0 ? "# HELP without a metric name"
                                                           : "# TYPE without a metric name");
    if (p->pos < p->len && p->s[p->pos] != ' ' && p->s[p->pos] != '\t')
        return fail(p, "a bad character in the metric name");
    if (strncmp(p->s + kw, "HELP", 4) == 0) {
        /* the docstring: \\ and \n are its escapes; any other backslash is taken as it is, as Prometheus does */
        return true;
    }
    {
        static const struct { const char *n; enum cllm_prom_type t; } types[] = {
            {"counter", CLLM_PROM_COUNTER}, {"gauge", CLLM_PROM_GAUGE}, {"histogram", CLLM_PROM_HISTOGRAM},
            {"summary", CLLM_PROM_SUMMARY}, {"untyped", CLLM_PROM_UNTYPED}};
        size_t t0;
        int k = -1;
        skip_blanks(p);
        t0 = p->pos;
        while (p->pos < p->len && p->s[p->pos] != ' ' && p->s[p->pos] != '\t')
            p->pos++;
        for (int i = 0; i < 5; i++)
            if (strlen(types[i].n) == p->pos - t0 && strncmp(types[i].n, p->s + t0, p->pos - t0) == 0)
                k = i;
        if (k < 0)
            return fail(p, "# TYPE names an unknown type (counter, gauge, histogram, summary, untyped)");
        skip_blanks(p);
        if (p->pos != p->len)
            return fail(p, "text after the type in # TYPE");
        for (int i = 0; i < p->n_types; i++)
            if (strlen(p->types[i].name) == nl && strncmp(p->types[i].name, name, nl) == 0)
                return fail(p, "a second # TYPE line for one metric");
        if (p->n_types == p->cap_types) {
            int nc = p->cap_types ? p->cap_types * 2 : 32;
            struct type_decl *nt = realloc(p->types, (size_t)nc * sizeof(*nt));
            if (!nt)
                return fail(p, "out of memory");
            p->types = nt;
            p->cap_types = nc;
        }
        if (p->n_types >= p->max_series)
            return fail(p, "more # TYPE lines than the series limit");
        if (!(p->types[p->n_types].name = dup_n(name, nl)))
            return fail(p, "out of memory");
        p->types[p->n_types++].type = types[k].t;
    }
    return true;
}

static void sample_free(struct cllm_prom_sample *s)
{
    for (int i = 0; i < s->n_labels; i++) {
        free(s->labels[i].name);
        free(s->labels[i].value);
    }
    free(s->labels);
    free(s->name);
    memset(s, 0, sizeof(*s));
}

static bool labels(struct parse *p, struct cllm_prom_sample *s)
{
    int cap = 0;
    p->pos++;   /* '{' */
    for (;;) {
        size_t n0, nl;
        char *val;
        size_t vl = 0;
        skip_blanks(p);
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return true;
        }
        n0 = p->pos;
        if (!(nl = read_name(p, false)))
            return fail(p, "a label name must start with a letter or '_'");
        for (int i = 0; i < s->n_labels; i++)
            if (strlen(s->labels[i].name) == nl && strncmp(s->labels[i].name, p->s + n0, nl) == 0)
                return fail(p, "a label repeated in one sample");
        skip_blanks(p);
        if (p->pos >= p->len || p->s[p->pos] != '=')
            return fail(p, "'=' expected after the label name");
        p->pos++;
        skip_blanks(p);
        if (p->pos >= p->len || p->s[p->pos] != '"')
            return fail(p, "a label value must be in double quotes");
        p->pos++;
        if (!(val = malloc(p->len - p->pos + 1)))
            return fail(p, "out of memory");
        for (;;) {
            char c;
            if (p->pos >= p->len) {
                free(val);
                return fail(p, "the label value has no closing quote");
            }
            c = p->s[p->pos++];
            if (c == '"')
                break;
            if (c == '\\') {
                char e = p->pos < p->len ? p->s[p->pos++] : '\0';
                if (e == '\\' || e == '"')
                    c = e;
                else if (e == 'n')
                    c = '\n';
                else {
                    free(val);
                    p->pos--;
                    return fail(p, "an unknown escape in a label value (\\\\, \\\" and \\n are the escapes)");
                }
            }
            val[vl++] = c;
        }
        val[vl] = '\0';
        if (s->n_labels == cap) {
            int nc = cap ? cap * 2 : 4;
            struct cllm_prom_label *nlb = realloc(s->labels, (size_t)nc * sizeof(*nlb));
            if (!nlb) {
                free(val);
                return fail(p, "out of memory");
            }
            s->labels = nlb;
            cap = nc;
        }
        s->labels[s->n_labels].value = val;
        if (!(s->labels[s->n_labels].name = dup_n(p->s + n0, nl))) {
            free(val);
            return fail(p, "out of memory");
        }
        s->n_labels++;
        skip_blanks(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return true;
        }
        return fail(p, "',' or '}' expected after a label value");
    }
}

static bool sample(struct parse *p)
{
    struct cllm_prom_sample s;
    size_t n0 = p->pos, nl, v0;
    memset(&s, 0, sizeof(s));
    if (!(nl = read_name(p, true)))
        return fail(p, "a metric name must start with a letter, '_' or ':'");
    if (!(s.name = dup_n(p->s + n0, nl)))
        return fail(p, "out of memory");
    if (p->pos < p->len && p->s[p->pos] != ' ' && p->s[p->pos] != '\t' && p->s[p->pos] != '{') {
        sample_free(&s);
        return fail(p, "a bad character in the metric name");
    }
    skip_blanks(p);
    if (p->pos < p->len && p->s[p->pos] == '{' && !labels(p, &s)) {
        sample_free(&s);
        return false;
    }
    skip_blanks(p);
    v0 = p->pos;
    while (p->pos < p->len && p->s[p->pos] != ' ' && p->s[p->pos] != '\t')
        p->pos++;
    if (v0 == p->pos) {
        sample_free(&s);
        return fail(p, "the sample has no value");
    }
    if (!parse_value(p->s + v0, p->pos - v0, &s.value)) {
        p->pos = v0;
        sample_free(&s);
        return fail(p, "the value is not a number (a float, +Inf, -Inf or NaN)");
    }
    skip_blanks(p);
    if (p->pos < p->len) {
        size_t t0 = p->pos;
        while (p->pos < p->len && p->s[p->pos] != ' ' && p->s[p->pos] != '\t')
            p->pos++;
        if (!parse_int64(p->s + t0, p->pos - t0, &s.timestamp_ms)) {
            p->pos = t0;
            sample_free(&s);
            return fail(p, "the timestamp is not an integer (milliseconds)");
        }
        s.has_timestamp = true;
        skip_blanks(p);
        if (p->pos < p->len) {
            sample_free(&s);
            return fail(p, "text after the timestamp");
        }
    }
    if (p->out->n >= p->max_series) {
        sample_free(&s);
        cllm_errf(p->err, p->errlen, "line %ld: more than %d series", p->lineno, p->max_series);
        return false;
    }
    if (p->out->n == p->cap) {
        int nc = p->cap ? p->cap * 2 : 64;
        struct cllm_prom_sample *ns = realloc(p->out->s, (size_t)nc * sizeof(*ns));
        if (!ns) {
            sample_free(&s);
            return fail(p, "out of memory");
        }
        p->out->s = ns;
        p->cap = nc;
    }
    s.type = type_of(p, s.name);
    p->out->s[p->out->n++] = s;
    return true;
}

void cllm_prom_set_free(struct cllm_prom_set *set)
{
    if (!set)
        return;
    for (int i = 0; i < set->n; i++)
        sample_free(&set->s[i]);
    free(set->s);
    set->s = NULL;
    set->n = 0;
}

enum cllm_status cllm_prom_parse(const char *text, size_t len, const struct cllm_prom_limits *lim,
                                 struct cllm_prom_set *out, char *err, size_t errlen)
{
    size_t max_line = lim && lim->max_line ? lim->max_line : CLLM_PROM_MAX_LINE, pos = 0, bad;
    struct parse p;
    const char *nul;
    bool ok = true;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    p.err = err;
    p.errlen = errlen;
    p.out = out;
    p.max_series = lim && lim->max_series > 0 ? lim->max_series : CLLM_PROM_MAX_SERIES;
    if (errlen)
        err[0] = '\0';
    if ((nul = memchr(text, '\0', len)) != NULL) {
        cllm_errf(err, errlen, "byte %zu: a NUL byte in the exposition", (size_t)(nul - text));
        return CLLM_ERR_PARSE;
    }
    if (!cllm_utf8_valid(text, len, &bad)) {
        cllm_errf(err, errlen, "byte %zu: invalid UTF-8 in the exposition", bad);
        return CLLM_ERR_PARSE;
    }
    while (pos < len && ok) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
        p.lineno++;
        p.s = text + pos;
        p.len = ll;
        p.pos = 0;
        if (ll > max_line) {
            cllm_errf(err, errlen, "line %ld: %zu bytes, longer than the %zu accepted", p.lineno, ll, max_line);
            ok = false;
            break;
        }
        if (p.len > 0 && p.s[p.len - 1] == '\r')
            p.len--;
        skip_blanks(&p);
        if (p.pos < p.len)
            ok = p.s[p.pos] == '#' ? comment(&p) : sample(&p);
        pos += ll + 1;
    }
    for (int i = 0; i < p.n_types; i++)
        free(p.types[i].name);
    free(p.types);
    if (!ok) {
        cllm_prom_set_free(out);
        return CLLM_ERR_PARSE;
    }
    return CLLM_OK;
}

const char *cllm_prom_label(const struct cllm_prom_sample *s, const char *name)
{
    for (int i = 0; i < s->n_labels; i++)
        if (strcmp(s->labels[i].name, name) == 0)
            return s->labels[i].value;
    return NULL;
}

/* ---- common keys ---- */

static const struct {
    const char *name, *unit;
    bool counter;
} k_keys[CLLM_PROM_N_KEYS] = {
    [CLLM_PROM_KV_CACHE_USAGE] = {"kv_cache_usage", "fraction", false},
    [CLLM_PROM_REQUESTS_RUNNING] = {"requests_running", "requests", false},
    [CLLM_PROM_REQUESTS_WAITING] = {"requests_waiting", "requests", false},
    [CLLM_PROM_PROMPT_TOKENS] = {"prompt_tokens", "tokens", true},
    [CLLM_PROM_PROMPT_TOKENS_CACHED] = {"prompt_tokens_cached", "tokens", true},
    [CLLM_PROM_GENERATION_TOKENS] = {"generation_tokens", "tokens", true},
    [CLLM_PROM_DECODE_CALLS] = {"decode_calls", "calls", true},
    [CLLM_PROM_PREEMPTIONS] = {"preemptions", "requests", true},
    [CLLM_PROM_PREFIX_CACHE_QUERIES] = {"prefix_cache_queries", "tokens", true},
    [CLLM_PROM_PREFIX_CACHE_HITS] = {"prefix_cache_hits", "tokens", true},
    [CLLM_PROM_PROMPT_SECONDS] = {"prompt_seconds", "s", true},
    [CLLM_PROM_GENERATION_SECONDS] = {"generation_seconds", "s", true},
};

const char *cllm_prom_key_name(enum cllm_prom_key k) { return k < CLLM_PROM_N_KEYS ? k_keys[k].name : "?"; }
bool cllm_prom_key_is_counter(enum cllm_prom_key k) { return k < CLLM_PROM_N_KEYS && k_keys[k].counter; }
const char *cllm_prom_key_unit(enum cllm_prom_key k) { return k < CLLM_PROM_N_KEYS ? k_keys[k].unit : ""; }

const struct cllm_prom_view_column cllm_prom_view_columns[CLLM_PROM_VIEW_N_COLUMNS] = {
    {CLLM_PROM_KV_CACHE_USAGE, "KV max", "%", 100}, {CLLM_PROM_REQUESTS_RUNNING, "running", "max", 1},
    {CLLM_PROM_REQUESTS_WAITING, "waiting", "max", 1}, {CLLM_PROM_PROMPT_TOKENS, "prompt tok", "+", 1},
    {CLLM_PROM_PROMPT_TOKENS_CACHED, "cached tok", "+", 1}, {CLLM_PROM_GENERATION_TOKENS, "gen tok", "+", 1},
};

/* The servers' names. llama-server: tools/server/server-task.cpp's to_metrics() of the pinned release
 * (deps/llama-server.lock) — kv_cache_usage_ratio is older releases' (the pinned one does not export a KV
 * usage). vLLM: docs.vllm.ai "Production Metrics"; kv_cache_usage_perc (V1) and gpu_cache_usage_perc (V0) are
 * both fractions 0..1 despite the name; the first of a key's names present wins. */
static const struct {
    const char *server, *name;
    enum cllm_prom_key key;
} k_names[] = {
    {"llama-server", "llamacpp:kv_cache_usage_ratio", CLLM_PROM_KV_CACHE_USAGE},
    {"llama-server", "llamacpp:requests_processing", CLLM_PROM_REQUESTS_RUNNING},
    {"llama-server", "llamacpp:requests_deferred", CLLM_PROM_REQUESTS_WAITING},
    {"llama-server", "llamacpp:prompt_tokens_total", CLLM_PROM_PROMPT_TOKENS},
    {"llama-server", "llamacpp:prompt_tokens_cached_total", CLLM_PROM_PROMPT_TOKENS_CACHED},
    {"llama-server", "llamacpp:tokens_predicted_total", CLLM_PROM_GENERATION_TOKENS},
    {"llama-server", "llamacpp:n_decode_total", CLLM_PROM_DECODE_CALLS},
    {"llama-server", "llamacpp:prompt_seconds_total", CLLM_PROM_PROMPT_SECONDS},
    {"llama-server", "llamacpp:tokens_predicted_seconds_total", CLLM_PROM_GENERATION_SECONDS},
    {"vllm", "vllm:kv_cache_usage_perc", CLLM_PROM_KV_CACHE_USAGE},
    {"vllm", "vllm:gpu_cache_usage_perc", CLLM_PROM_KV_CACHE_USAGE},
    {"vllm", "vllm:num_requests_running", CLLM_PROM_REQUESTS_RUNNING},
    {"vllm", "vllm:num_requests_waiting", CLLM_PROM_REQUESTS_WAITING},
    {"vllm", "vllm:prompt_tokens_total", CLLM_PROM_PROMPT_TOKENS},
    {"vllm", "vllm:generation_tokens_total", CLLM_PROM_GENERATION_TOKENS},
    {"vllm", "vllm:num_preemptions_total", CLLM_PROM_PREEMPTIONS},
    {"vllm", "vllm:prefix_cache_queries_total", CLLM_PROM_PREFIX_CACHE_QUERIES},
    {"vllm", "vllm:prefix_cache_hits_total", CLLM_PROM_PREFIX_CACHE_HITS},
};

void cllm_prom_snapshot_from(const struct cllm_prom_set *set, struct cllm_prom_snapshot *out)
{
    memset(out, 0, sizeof(*out));
    out->server = "unknown";
    out->n_series = set->n;
    for (int k = 0; k < CLLM_PROM_N_KEYS; k++)
        out->value[k] = NAN;
    for (size_t j = 0; j < sizeof(k_names) / sizeof(k_names[0]); j++) {
        enum cllm_prom_key k = k_names[j].key;
        bool seen = false;
        double v = 0;
        if (out->present[k])
            continue;   /* an earlier name of the key was there */
        for (int i = 0; i < set->n; i++) {
            if (strcmp(set->s[i].name, k_names[j].name) != 0)
                continue;
            if (k == CLLM_PROM_KV_CACHE_USAGE)
                v = seen ? fmax(v, set->s[i].value) : set->s[i].value;
            else
                v += set->s[i].value;
            seen = true;
        }
        if (seen) {
            out->present[k] = true;
            out->value[k] = v;
            out->source[k] = k_names[j].name;
            if (strcmp(out->server, "unknown") == 0)
                out->server = k_names[j].server;
        }
    }
}

enum cllm_status cllm_prom_scrape(const char *base, const char *auth, double timeout_s,
                                  struct cllm_prom_snapshot *out, struct cllm_prom_set *set, char *err,
                                  size_t errlen)
{
    char url[1100], sub[CLLM_ERR_LEN];
    size_t bl = strlen(base);
    struct cllm_fetch_answer a;
    struct cllm_prom_set local;
    enum cllm_status st;

    memset(out, 0, sizeof(*out));
    out->server = "unknown";
    if (set)
        memset(set, 0, sizeof(*set));
    while (bl > 0 && base[bl - 1] == '/')
        bl--;
    if (bl >= 3 && strncmp(base + bl - 3, "/v1", 3) == 0)
        bl -= 3;
    if (bl > 1000) {
        cllm_errf(err, errlen, "metrics: the server URL is too long");
        return CLLM_ERR_CONFIG;
    }
    snprintf(url, sizeof(url), "%.*s/metrics", (int)bl, base);
    st = cllm_fetch(url, auth, NULL, timeout_s, CLLM_PROM_MAX_BYTES, &a, sub, sizeof(sub));
    if (st != CLLM_OK) {
        cllm_errf(err, errlen, "GET /metrics: %s", sub);
        return st;
    }
    if (a.http_status == 404 || a.http_status == 501) {
        cllm_errf(err, errlen, "GET %s answered HTTP %ld: the server exports no metrics (llama-server: start it "
                  "with --metrics)", url, a.http_status);
        cllm_fetch_answer_free(&a);
        return CLLM_ERR_NOT_FOUND;
    }
    if (a.http_status != 200) {
        cllm_errf(err, errlen, "GET %s answered HTTP %ld", url, a.http_status);
        cllm_fetch_answer_free(&a);
        return CLLM_ERR_IO;
    }
    out->at_ns = cllm_now_ns();
    st = cllm_prom_parse(a.body, a.len, NULL, &local, sub, sizeof(sub));
    cllm_fetch_answer_free(&a);
    if (st != CLLM_OK) {
        cllm_errf(err, errlen, "GET %s: not Prometheus text: %s", url, sub);
        return st;
    }
    cllm_prom_snapshot_from(&local, out);
    out->at_ns = out->at_ns ? out->at_ns : cllm_now_ns();
    if (set)
        *set = local;
    else
        cllm_prom_set_free(&local);
    return CLLM_OK;
}

/* ---- a level's record ---- */

void cllm_prom_level_init(struct cllm_prom_level *L)
{
    memset(L, 0, sizeof(*L));
    L->server = "unknown";
    L->interval_s = NAN;
    for (int k = 0; k < CLLM_PROM_N_KEYS; k++)
        L->m[k].before = L->m[k].after = L->m[k].delta = L->m[k].max = NAN;
}

static void fold_max(struct cllm_prom_metric *m, double v)
{
    if (isnan(v))
        return;
    if (isnan(m->max) || v > m->max)
        m->max = v;
}

void cllm_prom_level_before(struct cllm_prom_level *L, const struct cllm_prom_snapshot *s)
{
    L->server = s->server;
    L->n_samples++;
    for (int k = 0; k < CLLM_PROM_N_KEYS; k++) {
        if (!s->present[k])
            continue;
        L->m[k].before = s->value[k];
        L->m[k].source = s->source[k];
        if (!k_keys[k].counter)
            fold_max(&L->m[k], s->value[k]);
    }
    L->before_ns = s->at_ns ? s->at_ns : 1;
}

void cllm_prom_level_sample(struct cllm_prom_level *L, const struct cllm_prom_snapshot *s)
{
    L->n_samples++;
    for (int k = 0; k < CLLM_PROM_N_KEYS; k++)
        if (s->present[k] && !k_keys[k].counter) {
            fold_max(&L->m[k], s->value[k]);
            if (!L->m[k].source)
                L->m[k].source = s->source[k];
        }
}

void cllm_prom_level_after(struct cllm_prom_level *L, const struct cllm_prom_snapshot *s)
{
    bool had_before = L->before_ns != 0;
    L->n_samples++;
    if (strcmp(L->server, "unknown") == 0)
        L->server = s->server;
    for (int k = 0; k < CLLM_PROM_N_KEYS; k++) {
        struct cllm_prom_metric *m = &L->m[k];
        if (!s->present[k])
            continue;
        m->after = s->value[k];
        if (!m->source)
            m->source = s->source[k];
        if (k_keys[k].counter) {
            m->present = !isnan(m->before);
            if (m->present)
                m->delta = m->after >= m->before ? m->after - m->before : NAN;
        } else {
            m->present = true;
            fold_max(m, s->value[k]);
        }
    }
    if (had_before && !L->why[0]) {
        L->interval_s = s->at_ns >= L->before_ns ? (double)(s->at_ns - L->before_ns) / 1e9 : NAN;
        L->measured = true;
    } else {
        L->interval_s = NAN;
        if (!L->why[0])
            cllm_strlcpy(L->why, "no scrape before the level", sizeof(L->why));
    }
}

void cllm_prom_level_unavailable(struct cllm_prom_level *L, const char *why)
{
    L->measured = false;
    if (!L->why[0])
        cllm_strlcpy(L->why, why && why[0] ? why : "the scrape failed", sizeof(L->why));
}
