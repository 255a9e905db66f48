/* serve/workload: length specs and their draws, the prompt corpus (every language × genre, valid UTF-8, enough text),
 * prompts cut to a token target with a fake tokenizer (exact counts) and with the estimate (prompt_tokens -1),
 * round-robin and seeded picks, --dataset lines and files with their errors, and POST /tokenize against a
 * libmicrohttpd server on 127.0.0.1. With CLLM_TEST_TOKENIZE_URL set (tests/cli/test_workload_tokenize.sh starts
 * a real llama-server), the targeting is checked against the model's own tokenizer too. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/json.h"
#include "core/status.h"
#include "serve/http_fetch.h"
#include "serve/prom.h"
#include "serve/workload.h"
#include "test.h"
#if CLLM_WORKLOAD_HOOK
#include "serve/serve_bench.h"
#endif

#if defined(CLLM_TEST_HAVE_MHD) && defined(CLLM_WITH_CURL)
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#define HAVE_SERVER 1
#endif

static char g_tmp[256];

static const char *corpus_dir(void)
{
    static char dir[1024];
    const char *data = getenv("CLLM_TEST_DATA");
    snprintf(dir, sizeof(dir), "%s/../../data/prompts", data ? data : "tests/data");
    return dir;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* ---- specs ---- */

static void test_len_specs(void)
{
    struct cllm_workload_len l;
    char err[CLLM_ERR_LEN];
    CHECK_INT(cllm_workload_parse_len("128", "--input-len", &l, err, sizeof(err)), CLLM_OK);
    CHECK(l.dist == CLLM_WORKLOAD_FIXED && l.a == 128);
    CHECK_INT(cllm_workload_parse_len("128,32", "--input-len", &l, err, sizeof(err)), CLLM_OK);
    CHECK(l.dist == CLLM_WORKLOAD_NORMAL && l.a == 128 && l.b == 32);
    CHECK_INT(cllm_workload_parse_len("100.5,0", "--input-len", &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_workload_parse_len("64-256", "--output-len", &l, err, sizeof(err)), CLLM_OK);
    CHECK(l.dist == CLLM_WORKLOAD_UNIFORM && l.a == 64 && l.b == 256);
    CHECK_INT(cllm_workload_parse_len("7-7", "--output-len", &l, err, sizeof(err)), CLLM_OK);

    static const struct {
        const char *spec, *says;
    } bad[] = {
        {"", "empty"}, {"0", "1 .. 131072"}, {"-5", "min-max"}, {"abc", "not a length spec"},
        {"12x", "not a length spec"}, {"256-64", "min <= max"}, {"0-10", "min <= max"}, {"1-999999", "min <= max"},
        {"128,", "mean,std"}, {",32", "mean,std"}, {"0,5", "the mean must be"}, {"12,-3", "min-max"},
        {"1e3", "not a length spec"}, {"10,5,2", "mean,std"}, {"5-6-7", "min-max"}, {"200000", "1 .. 131072"},
        {" 12", "not a length spec"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_INT(cllm_workload_parse_len(bad[i].spec, "--input-len", &l, err, sizeof(err)), CLLM_ERR_CONFIG);
        if (!strstr(err, bad[i].says) || !strstr(err, "--input-len"))
            fprintf(stderr, "  '%s': '%s' lacks '%s'\n", bad[i].spec, err, bad[i].says);
        CHECK(strstr(err, bad[i].says) != NULL && strstr(err, "--input-len") != NULL);
    }
}

static void test_len_draws(void)
{
    struct cllm_workload_len l;
    char err[CLLM_ERR_LEN];
    uint64_t s = 7, s2 = 7;
    double sum = 0, sum2 = 0;
    int n = 40000, lo = 1 << 30, hi = 0, hit_lo = 0, hit_hi = 0, clipped = 0;

    CHECK_INT(cllm_workload_parse_len("128,32", "x", &l, err, sizeof(err)), CLLM_OK);
    for (int i = 0; i < n; i++) {
        int v = cllm_workload_len_draw(&l, &s);
        sum += v;
        sum2 += (double)v * v;
    }
    CHECK_NEAR(sum / n, 128, 0.8);
    CHECK_NEAR(sqrt(sum2 / n - (sum / n) * (sum / n)), 32, 0.8);

    /* clipped to >= 1: a mean of 5 with std 100 has many draws below 1 */
    CHECK_INT(cllm_workload_parse_len("5,100", "x", &l, err, sizeof(err)), CLLM_OK);
    for (int i = 0; i < 2000; i++) {
        int v = cllm_workload_len_draw(&l, &s);
        CHECK(v >= 1);
        clipped += v == 1;
    }
    CHECK(clipped > 800);   /* about P(X < 1.5) = 0.49 of them */

    CHECK_INT(cllm_workload_parse_len("64-70", "x", &l, err, sizeof(err)), CLLM_OK);
    for (int i = 0; i < 5000; i++) {
        int v = cllm_workload_len_draw(&l, &s);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
        hit_lo += v == 64;
        hit_hi += v == 70;
    }
    CHECK_INT(lo, 64);
    CHECK_INT(hi, 70);
    CHECK(hit_lo > 550 && hit_lo < 880 && hit_hi > 550 && hit_hi < 880);   /* 5000 / 7 = 714 each */

    /* the same seed, the same draws */
    s = s2 = 12345;
    for (int i = 0; i < 100; i++)
        CHECK(cllm_workload_rng_next(&s) == cllm_workload_rng_next(&s2));
    s = 0;
    CHECK(cllm_workload_rng_next(&s) == 0xE220A8397B1DCDAFull);   /* SplitMix64's first output for seed 0 */
}

/* ---- the corpus ---- */

static void test_corpus_complete(void)
{
    char err[CLLM_ERR_LEN], found[1024];
    size_t bytes[CLLM_WORKLOAD_N_LANGUAGES];
    CHECK_INT(cllm_workload_corpus_check(corpus_dir(), bytes, err, sizeof(err)), CLLM_OK);
    if (err[0])
        fprintf(stderr, "  %s\n", err);
    for (int l = 0; l < CLLM_WORKLOAD_N_LANGUAGES; l++) {
        /* at least 6 KB of passages each (tests/cli/test_workload_tokenize.sh counts them in tokens) */
        if (bytes[l] < 6000)
            fprintf(stderr, "  %s: %zu bytes of passages\n", cllm_workload_languages[l], bytes[l]);
        CHECK(bytes[l] >= 6000);
    }
    /* the binary in its build folder finds the source tree's data/prompts */
    CHECK(cllm_workload_corpus_dir(found, sizeof(found)));
    CHECK(strstr(found, "data/prompts") != NULL);
}

static void test_corpus_errors(void)
{
    static const struct {
        const char *line, *says;
    } bad[] = {
        {"{\"lang\":\"en\",\"genre\":\"chat\",\"kind\":\"instruction\",\"text\":\"\xc3\x28\"}\n", "invalid UTF-8"},
        {"{\"lang\":\"xx\",\"genre\":\"chat\",\"kind\":\"passage\",\"text\":\"a\"}\n", "unknown language 'xx'"},
        {"{\"lang\":\"en\",\"genre\":\"poem\",\"kind\":\"passage\",\"text\":\"a\"}\n", "unknown genre 'poem'"},
        {"{\"lang\":\"en\",\"genre\":\"chat\",\"kind\":\"note\",\"text\":\"a\"}\n", "instruction or passage"},
        {"{\"lang\":\"en\",\"genre\":\"chat\",\"kind\":\"passage\",\"text\":\"  \"}\n", "empty text"},
        {"{\"lang\":\"en\",\"genre\":\"chat\",\"kind\":\"passage\"}\n", "four strings"},
        {"{\"lang\":\"*\",\"genre\":\"chat\",\"kind\":\"passage\",\"text\":\"a\"}\n", "only code passages"},
        {"[1,2]\n", "four strings"},
        {"{\"lang\":\"en\",", "line 1"},
    };
    char dir[300], path[400], err[CLLM_ERR_LEN];
    static const char *const files[] = {"en", "fr", "zh", "es", "de", "ar", "code"};
    snprintf(dir, sizeof(dir), "%s/corpus", g_tmp);
    mkdir(dir, 0700);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (size_t f = 0; f < 7; f++) {
            snprintf(path, sizeof(path), "%s/%s.jsonl", dir, files[f]);
            write_file(path, "");
        }
        snprintf(path, sizeof(path), "%s/en.jsonl", dir);
        write_file(path, bad[i].line);
        CHECK_INT(cllm_workload_corpus_check(dir, NULL, err, sizeof(err)), CLLM_ERR_PARSE);
        if (!strstr(err, bad[i].says) || !strstr(err, "en.jsonl"))
            fprintf(stderr, "  case %zu: '%s' lacks '%s'\n", i, err, bad[i].says);
        CHECK(strstr(err, bad[i].says) != NULL && strstr(err, "en.jsonl") != NULL);
    }
    /* valid lines, but a pair missing */
    snprintf(path, sizeof(path), "%s/en.jsonl", dir);
    write_file(path, "{\"lang\":\"en\",\"genre\":\"chat\",\"kind\":\"instruction\",\"text\":\"Q?\"}\n");
    CHECK_INT(cllm_workload_corpus_check(dir, NULL, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "en/chat has no passage") != NULL);
    /* a file missing */
    snprintf(path, sizeof(path), "%s/ar.jsonl", dir);
    unlink(path);
    CHECK_INT(cllm_workload_corpus_check(dir, NULL, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "ar.jsonl") != NULL);
}

/* ---- targeting ---- */

/* A fake tokenizer: one token per whitespace-separated word, plus one per CJK character; counts its calls. */
static int g_calls;
static int fake_count(void *ud, const char *text, size_t len, char *err, size_t errlen)
{
    int n = 0;
    bool in_word = false;
    (void)ud, (void)err, (void)errlen;
    g_calls++;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == 0xE3 || c == 0xE4 || c == 0xE5 || c == 0xE6 || c == 0xE7 || c == 0xE8 || c == 0xE9 || c == 0xEF) {
            n++;   /* a three-byte CJK character (U+3000 .. U+9FFF, U+FF00 ..) */
            in_word = false;
            i += 2;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            in_word = false;
        } else if (!in_word) {
            in_word = true;
            n++;
        }
    }
    return n;
}

static int g_fail_after;
static int failing_count(void *ud, const char *text, size_t len, char *err, size_t errlen)
{
    if (--g_fail_after < 0) {
        snprintf(err, errlen, "the tokenizer went away");
        return -1;
    }
    return fake_count(ud, text, len, err, errlen);
}

static struct cllm_workload *make(const char *in, const char *out, uint64_t seed, cllm_workload_count_fn fn)
{
    struct cllm_workload_params p = cllm_workload_default_params();
    struct cllm_workload *w = NULL;
    char err[CLLM_ERR_LEN];
    p.input_len = in;
    p.output_len = out;
    p.seed = seed;
    p.corpus_dir = corpus_dir();
    p.count = fn;
    if (cllm_workload_new(&p, &w, err, sizeof(err)) != CLLM_OK)
        fprintf(stderr, "  %s\n", err);
    return w;
}

static void test_targeting_exact(void)
{
    static const int targets[] = {1, 3, 17, 128, 700, 2000};
    char err[CLLM_ERR_LEN], spec[16];
    for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
        struct cllm_workload *w;
        snprintf(spec, sizeof(spec), "%d", targets[t]);
        w = make(spec, "64", 42, fake_count);
        CHECK(w != NULL);
        if (!w)
            return;
        g_calls = 0;
        for (long i = 0; i < 36; i++) {
            const char *sys, *user, *origin;
            int mt, pt, real;
            CHECK_INT(cllm_workload_get(w, i, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
            real = fake_count(NULL, user, strlen(user), NULL, 0);
            g_calls--;
            CHECK_INT(pt, real);   /* the count reported is the text's */
            if (pt > targets[t] || pt < targets[t] - CLLM_WORKLOAD_TOLERANCE)
                fprintf(stderr, "  target %d: %s has %d\n", targets[t], origin, pt);
            CHECK(pt <= targets[t] && pt >= targets[t] - CLLM_WORKLOAD_TOLERANCE);
            CHECK(pt >= 1);
            CHECK_INT(mt, 64);
            CHECK_STR(sys, "");
            CHECK(cllm_utf8_valid(user, strlen(user), NULL));
            CHECK(user[0] && user[strlen(user) - 1] != ' ' && user[strlen(user) - 1] != '\n');
        }
        /* bisection: a few dozen counts per request, not one per word */
        CHECK(g_calls < 36 * 40);
        cllm_workload_free(w);
    }
}

static void test_targeting_estimate(void)
{
    struct cllm_workload *w = make("300", "10-20", 42, NULL);
    char err[CLLM_ERR_LEN];
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK(!cllm_workload_exact_counts(w));
    for (long i = 0; i < 12; i++) {
        const char *sys, *user, *origin;
        int mt, pt, est;
        CHECK_INT(cllm_workload_get(w, i, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
        CHECK_INT(pt, -1);   /* an estimate says it is one */
        est = cllm_workload_estimate_tokens(user, strlen(user));
        CHECK(est <= 300 && est >= 300 - CLLM_WORKLOAD_TOLERANCE);
        CHECK(mt >= 10 && mt <= 20);
    }
    cllm_workload_free(w);
    CHECK_INT(cllm_workload_estimate_tokens("abcdefgh", 8), 2);
    CHECK_INT(cllm_workload_estimate_tokens("\xe4\xb8\xad\xe6\x96\x87", 6), 2);   /* two CJK characters */
    CHECK_INT(cllm_workload_estimate_tokens("", 0), 0);
    CHECK_INT(cllm_workload_estimate_tokens("a", 1), 1);
}

static void test_picks(void)
{
    struct cllm_workload *w = make("50", "128,32", 42, fake_count), *w2 = make("50", "128,32", 42, fake_count),
                         *w3 = make("50", "128,32", 43, fake_count);
    char err[CLLM_ERR_LEN], seen[CLLM_WORKLOAD_N_LANGUAGES][CLLM_WORKLOAD_N_GENRES];
    int differ = 0;
    CHECK(w && w2 && w3);
    if (!w || !w2 || !w3)
        goto done;
    memset(seen, 0, sizeof(seen));
    CHECK_STR(cllm_workload_source(w), "corpus");
    CHECK_INT(cllm_workload_size(w), 36);
    /* round robin: the first 36 requests are the 36 pairs */
    for (long i = 0; i < 36; i++) {
        const char *sys, *user, *origin;
        int mt, pt;
        char lang[8] = "", genre[16] = "";
        CHECK_INT(cllm_workload_get(w, i, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
        CHECK(sscanf(origin, "corpus:%7[^/]/%15[^#]#", lang, genre) == 2);
        for (int l = 0; l < CLLM_WORKLOAD_N_LANGUAGES; l++)
            for (int g = 0; g < CLLM_WORKLOAD_N_GENRES; g++)
                if (!strcmp(lang, cllm_workload_languages[l]) && !strcmp(genre, cllm_workload_genres[g]))
                    seen[l][g]++;
    }
    for (int l = 0; l < CLLM_WORKLOAD_N_LANGUAGES; l++)
        for (int g = 0; g < CLLM_WORKLOAD_N_GENRES; g++)
            CHECK_INT(seen[l][g], 1);
    /* in any order, the same index gives the same request; another seed other lengths */
    CHECK_INT(cllm_workload_prepare(w2, 5, err, sizeof(err)), CLLM_OK);
    for (long i = 99; i >= 0; i -= 11) {
        const char *s1, *u1, *o1, *s2, *u2, *o2;
        int m1, p1, m2, p2, m3, p3;
        CHECK_INT(cllm_workload_get(w, i, &s1, &u1, &m1, &p1, &o1, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_workload_get(w2, i, &s2, &u2, &m2, &p2, &o2, err, sizeof(err)), CLLM_OK);
        CHECK_STR(u1, u2);
        CHECK_STR(o1, o2);
        CHECK_INT(m1, m2);
        CHECK_INT(cllm_workload_get(w3, i, &s2, &u2, &m3, &p3, &o2, err, sizeof(err)), CLLM_OK);
        differ += m3 != m1;
    }
    CHECK(differ >= 5);
    /* the next round of a pair starts at another passage */
    {
        const char *s1, *u1, *o1, *s2, *u2, *o2;
        int m, p;
        CHECK_INT(cllm_workload_get(w, 0, &s1, &u1, &m, &p, &o1, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_workload_get(w, 36, &s2, &u2, &m, &p, &o2, err, sizeof(err)), CLLM_OK);
        CHECK_STR(o1, "corpus:en/chat#0");
        CHECK_STR(o2, "corpus:en/chat#1");
    }
done:
    cllm_workload_free(w);
    cllm_workload_free(w2);
    cllm_workload_free(w3);
}

static void test_filters_and_errors(void)
{
    struct cllm_workload_params p = cllm_workload_default_params();
    struct cllm_workload *w = NULL;
    char err[CLLM_ERR_LEN];
    const char *sys, *user, *origin;
    int mt, pt;

    p.corpus_dir = corpus_dir();
    p.languages = "zh,ar";
    p.genres = "story";
    p.pick = CLLM_WORKLOAD_RANDOM;
    p.system = "You are terse.";
    p.count = fake_count;
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_workload_size(w), 2);
    for (long i = 0; i < 10 && w; i++) {
        CHECK_INT(cllm_workload_get(w, i, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
        CHECK(strncmp(origin, "corpus:zh/story#", 16) == 0 || strncmp(origin, "corpus:ar/story#", 16) == 0);
        CHECK_STR(sys, "You are terse.");
    }
    CHECK_INT(cllm_workload_get(w, -1, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    cllm_workload_free(w);

    p.languages = "en,xx";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "unknown 'xx'") && strstr(err, "en, fr, zh, es, de, ar"));
    p.languages = "en,en";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "twice") != NULL);
    p.languages = NULL;
    p.input_len = "0";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "--input-len") != NULL);
    p.input_len = "64";
    p.output_len = "9-1";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "--output-len") != NULL);
    p.output_len = "8";
    p.corpus_dir = "/nonexistent/prompts";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "/nonexistent/prompts/en.jsonl") != NULL);

    /* a tokenizer failing mid-way fails the request, with its reason */
    p.corpus_dir = corpus_dir();
    p.count = failing_count;
    g_fail_after = 3;
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_workload_get(w, 0, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "request 0") && strstr(err, "the tokenizer went away"));
    cllm_workload_free(w);
}

/* ---- the dataset ---- */

static void test_dataset_lines(void)
{
    struct cllm_workload_item it;
    char err[CLLM_ERR_LEN];
    const char *l1 = "{\"prompt\": \"Hello there\", \"output_len\": 12}";
    const char *l2 = "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, "
                     "{\"role\": \"user\", \"content\": \"Why is the sky blue?\"}], \"max_tokens\": 300}";
    CHECK_INT(cllm_workload_parse_line(l1, strlen(l1), 1, &it, err, sizeof(err)), CLLM_OK);
    CHECK_STR(it.user, "Hello there");
    CHECK_STR(it.system, "");
    CHECK_INT(it.max_tokens, 12);
    cllm_workload_item_free(&it);
    CHECK_INT(cllm_workload_parse_line(l2, strlen(l2), 2, &it, err, sizeof(err)), CLLM_OK);
    CHECK_STR(it.system, "Be brief.");
    CHECK_STR(it.user, "Why is the sky blue?");
    CHECK_INT(it.max_tokens, 300);
    cllm_workload_item_free(&it);
    CHECK_INT(cllm_workload_parse_line("  \t ", 4, 3, &it, err, sizeof(err)), CLLM_ERR_NOT_FOUND);

    static const struct {
        const char *line, *says;
    } bad[] = {
        {"{\"prompt\": \"a\"", "line 7"},
        {"[\"a\"]", "not a JSON object"},
        {"{\"prompt\": 5}", "\"prompt\" must be a string"},
        {"{\"prompt\": \"\"}", "empty"},
        {"{\"output_len\": 4}", "no \"prompt\" nor \"messages\""},
        {"{\"prompt\": \"a\", \"temperature\": 1}", "unknown key \"temperature\""},
        {"{\"prompt\": \"a\", \"messages\": [{\"role\": \"user\", \"content\": \"b\"}]}", "not both"},
        {"{\"prompt\": \"a\", \"output_len\": 0}", "whole number 1 .."},
        {"{\"prompt\": \"a\", \"output_len\": 2.5}", "whole number"},
        {"{\"prompt\": \"a\", \"max_tokens\": 1e9}", "whole number"},
        {"{\"prompt\": \"a\", \"max_tokens\": \"5\"}", "whole number"},
        {"{\"prompt\": \"a\", \"output_len\": 4, \"max_tokens\": 4}", "not both"},
        {"{\"messages\": []}", "non-empty array"},
        {"{\"messages\": [{\"role\": \"user\"}]}", "messages[0]"},
        {"{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}",
         "one user message"},
        {"{\"messages\": [{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"system\", \"content\": \"b\"}]}",
         "messages[1]"},
        {"{\"messages\": [{\"role\": \"system\", \"content\": \"a\"}]}", "no user message"},
        {"{\"messages\": [{\"role\": \"user\", \"content\": [\"parts\"]}]}", "content a string"},
        {"{\"prompt\": \"a\", \"prompt\": \"b\"}", "duplicate key"},
        {"{\"prompt\": \"\\u0000\"}", "line 7"},
        {"{\"prompt\": \"\xff\"}", "UTF-8"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum cllm_status st = cllm_workload_parse_line(bad[i].line, strlen(bad[i].line), 7, &it, err, sizeof(err));
        CHECK_INT(st, CLLM_ERR_PARSE);
        CHECK(it.user == NULL && it.system == NULL);
        if (!strstr(err, bad[i].says) || !strstr(err, "line 7"))
            fprintf(stderr, "  case %zu: '%s' lacks '%s'\n", i, err, bad[i].says);
        CHECK(strstr(err, bad[i].says) != NULL && strstr(err, "line 7") != NULL);
    }
}

static void test_dataset_file(void)
{
    struct cllm_workload_params p = cllm_workload_default_params();
    struct cllm_workload *w = NULL;
    char path[300], err[CLLM_ERR_LEN];
    const char *sys, *user, *origin;
    int mt, pt;

    snprintf(path, sizeof(path), "%s/ds.jsonl", g_tmp);
    write_file(path, "{\"prompt\": \"one two three\", \"max_tokens\": 5}\r\n"
                     "\n"
                     "{\"messages\": [{\"role\": \"system\", \"content\": \"S\"}, {\"role\": \"user\", \"content\": "
                     "\"four five\"}]}\n");
    p.input_len = NULL;
    p.output_len = "100-200";
    p.dataset = path;
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_OK);
    if (!w)
        return;
    CHECK_STR(cllm_workload_source(w), "dataset");
    CHECK_INT(cllm_workload_size(w), 2);
    CHECK_INT(cllm_workload_get(w, 0, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
    CHECK_STR(user, "one two three");
    CHECK_INT(mt, 5);
    CHECK_INT(pt, -1);   /* no tokenizer */
    CHECK_STR(origin, "dataset:1");
    CHECK_INT(cllm_workload_get(w, 1, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
    CHECK_STR(sys, "S");
    CHECK_STR(user, "four five");
    CHECK(mt >= 100 && mt <= 200);   /* no length on the line: the spec draws it */
    CHECK_STR(origin, "dataset:3");
    /* past the last line: from the start again */
    CHECK_INT(cllm_workload_get(w, 4, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
    CHECK_STR(origin, "dataset:1");
    cllm_workload_free(w);

    /* counted by the tokenizer */
    p.count = fake_count;
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_workload_get(w, 0, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
    CHECK_INT(pt, 3);
    cllm_workload_free(w);
    p.count = NULL;

    /* a bad line: the file and the line number */
    write_file(path, "{\"prompt\": \"ok\"}\n{\"prompt\": \"ok\"}\n{\"prompt\": \"no end\n");
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "ds.jsonl") && strstr(err, "line 3"));
    write_file(path, "\n \n");
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_PARSE);
    CHECK(strstr(err, "no prompt") != NULL);
    p.input_len = "128";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "--input-len does not apply to --dataset") != NULL);
    p.input_len = NULL;
    p.dataset = "/nonexistent/ds.jsonl";
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(strstr(err, "/nonexistent/ds.jsonl") != NULL);
}

/* ---- POST /tokenize ---- */

#ifdef HAVE_SERVER
struct body {
    char  *buf;
    size_t len;
};

/* a stand-in for llama-server's /tokenize: one token id per word of "content" */
static enum MHD_Result tok_handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                   const char *version, const char *data, size_t *size, void **state)
{
    struct body *b = *state;
    struct MHD_Response *r;
    enum MHD_Result ret;
    char *out;
    (void)cls, (void)version;
    if (!b) {
        *state = calloc(1, sizeof(struct body));
        return MHD_YES;
    }
    if (*size) {
        b->buf = realloc(b->buf, b->len + *size + 1);
        memcpy(b->buf + b->len, data, *size);
        b->len += *size;
        b->buf[b->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/tokenize") != 0 || strcmp(method, "POST") != 0) {
        r = MHD_create_response_from_buffer(9, (void *)"not found", MHD_RESPMEM_PERSISTENT);
        ret = MHD_queue_response(c, 404, r);
    } else {
        cJSON *req = cJSON_Parse(b->buf ? b->buf : ""), *res = cJSON_CreateObject(), *toks = cJSON_CreateArray();
        cJSON *content = cJSON_GetObjectItem(req, "content");
        int n = cJSON_IsString(content) ? fake_count(NULL, content->valuestring, strlen(content->valuestring), NULL, 0)
                                        : 0;
        /* llama-server adds BOS only when asked: the client must not ask */
        if (cJSON_IsTrue(cJSON_GetObjectItem(req, "add_special")))
            n++;
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(toks, cJSON_CreateNumber(100 + i));
        cJSON_AddItemToObject(res, "tokens", toks);
        out = cJSON_PrintUnformatted(res);
        r = MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_FREE);
        ret = MHD_queue_response(c, 200, r);
        cJSON_Delete(req);
        cJSON_Delete(res);
    }
    MHD_destroy_response(r);
    return ret;
}

static void tok_done(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode t)
{
    struct body *b = *state;
    (void)cls, (void)c, (void)t;
    if (b) {
        free(b->buf);
        free(b);
    }
    *state = NULL;
}

static void test_tokenize_http(void)
{
    struct sockaddr_in sa;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    char url[128], err[CLLM_ERR_LEN];
    struct cllm_workload_params p = cllm_workload_default_params();
    struct cllm_workload *w = NULL;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, tok_handler, NULL, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&sa, MHD_OPTION_NOTIFY_COMPLETED, tok_done, NULL, MHD_OPTION_END);
    CHECK(d != NULL);
    if (!d)
        return;
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", info ? info->port : 0);
    CHECK_INT(cllm_workload_tokenize_http(url, NULL, "a b c d", 7, err, sizeof(err)), 4);
    CHECK_INT(cllm_workload_tokenize_http(url, NULL, "a b c d", 3, err, sizeof(err)), 2);   /* only len bytes */

    p.input_len = "90";
    p.output_len = "16";
    p.corpus_dir = corpus_dir();
    p.tokenize_url = url;
    CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_OK);
    CHECK(cllm_workload_exact_counts(w));
    CHECK_INT(cllm_workload_prepare(w, 12, err, sizeof(err)), CLLM_OK);
    for (long i = 0; i < 12 && w; i++) {
        const char *sys, *user, *origin;
        int mt, pt;
        CHECK_INT(cllm_workload_get(w, i, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
        CHECK_INT(pt, fake_count(NULL, user, strlen(user), NULL, 0));
        CHECK(pt <= 90 && pt >= 90 - CLLM_WORKLOAD_TOLERANCE);
    }
    cllm_workload_free(w);
    /* a server without /tokenize */
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/x", info ? info->port : 0);
    CHECK_INT(cllm_workload_tokenize_http(url, NULL, "a", 1, err, sizeof(err)), -1);
    CHECK(strstr(err, "404") != NULL);
    MHD_stop_daemon(d);
    /* nobody there */
    CHECK_INT(cllm_workload_tokenize_http(url, NULL, "a", 1, err, sizeof(err)), -1);
    CHECK(err[0] != '\0');
}
#else
static void test_tokenize_http(void) { SKIP("built without libmicrohttpd or libcurl: no local server"); }
#endif

/* The real tokenizer: a llama-server that tests/cli/test_workload_tokenize.sh started on a synthetic model. */
static void test_real_tokenizer(void)
{
    const char *url = getenv("CLLM_TEST_TOKENIZE_URL");
    static const int targets[] = {16, 128, 512, 2000};
    char err[CLLM_ERR_LEN], spec[16];
    int worst = 0;
    if (!url || !url[0])
        SKIP("CLLM_TEST_TOKENIZE_URL not set (tests/cli/test_workload_tokenize.sh runs this against llama-server)");
    for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
        struct cllm_workload_params p = cllm_workload_default_params();
        struct cllm_workload *w = NULL;
        snprintf(spec, sizeof(spec), "%d", targets[t]);
        p.input_len = spec;
        p.corpus_dir = corpus_dir();
        p.tokenize_url = url;
        CHECK_INT(cllm_workload_new(&p, &w, err, sizeof(err)), CLLM_OK);
        for (long i = 0; i < 36 && w; i++) {
            const char *sys, *user, *origin;
            int mt, pt, again;
            CHECK_INT(cllm_workload_get(w, i, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
            again = cllm_workload_tokenize_http(url, NULL, user, strlen(user), err, sizeof(err));
            CHECK_INT(pt, again);
            if (targets[t] - pt > worst)
                worst = targets[t] - pt;
            if (pt > targets[t] || pt < targets[t] - CLLM_WORKLOAD_TOLERANCE)
                fprintf(stderr, "  target %d: %s has %d tokens\n", targets[t], origin, pt);
            CHECK(pt <= targets[t] && pt >= targets[t] - CLLM_WORKLOAD_TOLERANCE);
        }
        cllm_workload_free(w);
    }
    fprintf(stderr, "  real tokenizer: 4 targets x 36 pairs, at most %d tokens under the target\n", worst);
}

/* serve/prom against the same real llama-server: with --metrics a generation moves its counters by what it made;
 * without it (CLLM_TEST_PROM_EXPECT=501) the scrape says how to turn them on. */
static void test_real_metrics(void)
{
    const char *url = getenv("CLLM_TEST_PROM_URL"), *expect = getenv("CLLM_TEST_PROM_EXPECT");
    struct cllm_prom_snapshot a, b;
    struct cllm_prom_level L;
    struct cllm_fetch_answer ans;
    char err[CLLM_ERR_LEN], target[300];
    if (!url || !url[0])
        SKIP("CLLM_TEST_PROM_URL not set (tests/cli/test_workload_tokenize.sh runs this against llama-server)");
    if (expect && strcmp(expect, "501") == 0) {
        CHECK_INT(cllm_prom_scrape(url, NULL, 5.0, &a, NULL, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
        CHECK(strstr(err, "501") && strstr(err, "--metrics"));
        return;
    }
    CHECK_INT(cllm_prom_scrape(url, NULL, 5.0, &a, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_STR(a.server, "llama-server");
    cllm_prom_level_init(&L);
    cllm_prom_level_before(&L, &a);
    snprintf(target, sizeof(target), "%s/completion", url);
    CHECK_INT(cllm_fetch(target, NULL,
                         "{\"prompt\": \"The lighthouse keeper\", \"n_predict\": 8, \"ignore_eos\": true, "
                         "\"cache_prompt\": false}", 60.0, 1u << 20, &ans, err, sizeof(err)), CLLM_OK);
    CHECK_INT(ans.http_status, 200);
    cllm_fetch_answer_free(&ans);
    CHECK_INT(cllm_prom_scrape(url, NULL, 5.0, &b, NULL, err, sizeof(err)), CLLM_OK);
    cllm_prom_level_after(&L, &b);
    CHECK(L.measured);
    CHECK(L.m[CLLM_PROM_GENERATION_TOKENS].present);
    CHECK_NEAR(L.m[CLLM_PROM_GENERATION_TOKENS].delta, 8, 0);
    CHECK(L.m[CLLM_PROM_PROMPT_TOKENS].delta >= 2);
    CHECK(L.m[CLLM_PROM_DECODE_CALLS].delta >= 8);
    CHECK(L.m[CLLM_PROM_REQUESTS_RUNNING].present && L.m[CLLM_PROM_REQUESTS_RUNNING].after == 0);
    CHECK(!L.m[CLLM_PROM_KV_CACHE_USAGE].present);   /* the pinned release exports no KV usage */
    fprintf(stderr, "  real /metrics: prompt_tokens +%.0f, generation_tokens +%.0f, decode_calls +%.0f\n",
            L.m[CLLM_PROM_PROMPT_TOKENS].delta, L.m[CLLM_PROM_GENERATION_TOKENS].delta,
            L.m[CLLM_PROM_DECODE_CALLS].delta);
}

/* cllm_workload_next is serve-bench's next_request hook (serve/serve_bench.h's cllm_serve_next_fn): built and
 * checked once that header declares struct cllm_serve_content (src/serve/sources.cmake looks). */
#if CLLM_WORKLOAD_HOOK
static void test_hook(void)
{
    struct cllm_serve_params params = cllm_serve_default_params();
    struct cllm_workload *w = make("40", "12", 42, fake_count);
    struct cllm_serve_content c;
    char err[CLLM_ERR_LEN];
    const char *sys, *user, *origin;
    int mt, pt;
    params.next_request = cllm_workload_next;   /* the signature matches */
    params.next_user_data = w;
    CHECK(w != NULL);
    if (!w)
        return;
    memset(&c, 0, sizeof(c));
    CHECK_INT(params.next_request(params.next_user_data, 7, &c, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_workload_get(w, 7, &sys, &user, &mt, &pt, &origin, err, sizeof(err)), CLLM_OK);
    CHECK(c.user == user && c.system == sys && c.origin == origin);
    CHECK_INT(c.max_tokens, 12);
    CHECK_INT(c.prompt_tokens, pt);
    CHECK(pt <= 40 && pt >= 40 - CLLM_WORKLOAD_TOLERANCE);
    cllm_workload_free(w);
}
#else
static void test_hook(void) { SKIP("serve/serve_bench.h has no struct cllm_serve_content yet (branch serve)"); }
#endif

int main(void)
{
    snprintf(g_tmp, sizeof(g_tmp), "/tmp/cllm_wl_test.%d", (int)getpid());
    mkdir(g_tmp, 0700);
    RUN(test_len_specs);
    RUN(test_len_draws);
    RUN(test_corpus_complete);
    RUN(test_corpus_errors);
    RUN(test_targeting_exact);
    RUN(test_targeting_estimate);
    RUN(test_picks);
    RUN(test_filters_and_errors);
    RUN(test_dataset_lines);
    RUN(test_dataset_file);
    RUN(test_tokenize_http);
    RUN(test_hook);
    RUN(test_real_tokenizer);
    RUN(test_real_metrics);
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", g_tmp);
    }
    return test_summary();
}
