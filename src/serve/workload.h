/* What serve-bench's requests say: a workload of mixed lengths made from the project's own prompt corpus
 * (data/prompts/: six languages × six genres, docs/prompts.md) or a user's `--dataset FILE` of JSONL prompts. Each
 * request gets a user message of about input-len tokens (counted by the model's tokenizer where one is given:
 * llama-server's POST /tokenize, or a caller's callback; else an estimate, and prompt_tokens -1) and max_tokens =
 * output-len, drawn from the length specs with a seeded generator, so the same seed sends the same requests.
 *
 * How serve-bench uses it (the lead wires it into cmd_serve_bench.c / app/serve_plan.c):
 *
 *     struct cllm_workload_params wp = cllm_workload_default_params();
 *     wp.input_len = "128,32"; wp.output_len = "64-256"; wp.seed = seed;     // --input-len / --output-len / --seed
 *     wp.dataset = path_or_NULL;                                              // --dataset FILE (input_len NULL)
 *     wp.tokenize_url = server_url; wp.auth = "Authorization: Bearer KEY";   // llama-server: exact counts
 *     struct cllm_workload *w;
 *     if (cllm_workload_new(&wp, &w, err, sizeof(err)) != CLLM_OK) fail(err);
 *     cllm_workload_prepare(w, total_requests, err, sizeof(err));             // optional: tokenize ahead of time
 *     params.next_request = cllm_workload_next; params.next_user_data = w;   // serve/serve_bench.h's hook
 *     cllm_serve_run(&params, &result, err, sizeof(err));
 *     cllm_workload_free(w);                                                  // after the run: strings die here
 *
 * Token targeting (docs/prompts.md): the message is the genre's instruction, a blank line and passages of the
 * corpus, cut at a word end (or between CJK characters) found by bisection so that its count is the largest not
 * above the target: with a tokenizer the message has exactly the target or up to CLLM_WORKLOAD_TOLERANCE tokens
 * fewer (a word is one to a few tokens). The count is of the user message alone (no BOS, no chat template: the
 * server's own usage.prompt_tokens adds its template's tokens). */
#ifndef CLLM_SERVE_WORKLOAD_H
#define CLLM_SERVE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_WORKLOAD_MAX_LEN 131072         /* the largest input or output length a spec may ask for, tokens */
#define CLLM_WORKLOAD_TOLERANCE 8            /* a targeted prompt has target - 8 .. target tokens (see above) */
#define CLLM_WORKLOAD_DATASET_MAX_BYTES (256u << 20)   /* a --dataset file at most 256 MiB */
#define CLLM_WORKLOAD_DATASET_MAX_LINE (4u << 20)      /* one line at most 4 MiB */
#define CLLM_WORKLOAD_DATASET_MAX_ITEMS 1000000        /* at most a million prompts */
#define CLLM_WORKLOAD_TOKENIZE_TIMEOUT_S 10.0          /* each POST /tokenize */

/* ---- length specs ---- */

enum cllm_workload_dist {
    CLLM_WORKLOAD_FIXED,      /* "128": always a */
    CLLM_WORKLOAD_NORMAL,     /* "128,32": normal, mean a, standard deviation b, rounded, clipped to [1, max] */
    CLLM_WORKLOAD_UNIFORM     /* "64-256": uniform whole numbers in [a, b] */
};

struct cllm_workload_len {
    enum cllm_workload_dist dist;
    double a, b;
};

/* Parses a length spec (what: "--input-len", named in errors). Whole numbers 1 .. CLLM_WORKLOAD_MAX_LEN; a mean
 * 1 .. max and a standard deviation 0 .. max; min <= max. CLLM_ERR_CONFIG with err naming the spec and the forms. */
enum cllm_status cllm_workload_parse_len(const char *spec, const char *what, struct cllm_workload_len *out,
                                         char *err, size_t errlen);

/* The seeded generator (SplitMix64: the same seed, the same sequence on every platform). */
uint64_t cllm_workload_rng_next(uint64_t *state);
/* A double in [0, 1) from the generator. */
double cllm_workload_rng_unit(uint64_t *state);
/* One length drawn from l (>= 1, <= CLLM_WORKLOAD_MAX_LEN). */
int cllm_workload_len_draw(const struct cllm_workload_len *l, uint64_t *state);

/* ---- the token counter ---- */

/* Counts text's tokens with the model's tokenizer: >= 0, or -1 with err set (the workload then fails: a count
 * that cannot be had is an error, never a silent estimate once a tokenizer was asked for). */
typedef int (*cllm_workload_count_fn)(void *user_data, const char *text, size_t len, char *err, size_t errlen);

/* llama-server's tokenizer: POST base/tokenize {"content": text, "add_special": false} → {"tokens": [...]}, its
 * length; each call bounded by CLLM_WORKLOAD_TOKENIZE_TIMEOUT_S. auth: a header line or NULL. -1 with err (no
 * answer, HTTP status, not that shape; no libcurl in this build). */
int cllm_workload_tokenize_http(const char *base, const char *auth, const char *text, size_t len, char *err,
                                size_t errlen);

/* The estimate used without a tokenizer: ASCII bytes / 4 + one per CJK character + one half per other non-ASCII
 * character, at least 1 for a non-empty text. Said to be one: prompt_tokens is -1 then. */
int cllm_workload_estimate_tokens(const char *text, size_t len);

/* ---- the dataset's lines ---- */

/* One --dataset line: {"prompt": "..."} or {"messages": [{"role": "system"|"user", "content": "..."}, ...]}
 * (at most one system message, first, then exactly one user message: serve-bench sends those two), optional
 * "output_len" or "max_tokens" (one of them, 1 .. CLLM_WORKLOAD_MAX_LEN). Other keys are refused (a typo would
 * otherwise be dropped silently). */
struct cllm_workload_item {
    char *system;             /* malloc'd; "" none */
    char *user;               /* malloc'd */
    int   max_tokens;         /* 0: not given (the output-len spec draws it) */
};

/* Parses one line (without its newline). CLLM_ERR_PARSE with "line N: ..." in err. An all-whitespace line is
 * CLLM_ERR_NOT_FOUND (skipped by the file reader). */
enum cllm_status cllm_workload_parse_line(const char *line, size_t len, long lineno, struct cllm_workload_item *out,
                                          char *err, size_t errlen);
void cllm_workload_item_free(struct cllm_workload_item *it);

/* ---- the workload ---- */

enum cllm_workload_pick {
    CLLM_WORKLOAD_ROUND_ROBIN,   /* request i: language i mod L, genre (i / L) mod G: every pair in L × G requests */
    CLLM_WORKLOAD_RANDOM         /* language and genre drawn from the seeded generator */
};

struct cllm_workload_params {
    const char *input_len;       /* length spec of the user message, tokens ("256"); NULL with a dataset */
    const char *output_len;      /* length spec of max_tokens ("128"); with a dataset, for lines without one */
    uint64_t    seed;            /* the generator's seed (42) */
    const char *corpus_dir;      /* NULL: the installed data/prompts (cllm_workload_corpus_dir) */
    const char *dataset;         /* a JSONL file: its prompts in file order, from the start again after the last */
    const char *languages;       /* "en,fr": only these (NULL: all six) */
    const char *genres;          /* "chat,code": only these (NULL: all) */
    enum cllm_workload_pick pick;   /* CLLM_WORKLOAD_ROUND_ROBIN */
    const char *system;          /* system message of corpus requests ("" none) */
    const char *tokenize_url;    /* llama-server's base URL: exact counts through POST /tokenize; NULL: none */
    const char *auth;            /* header line for tokenize_url, or NULL */
    cllm_workload_count_fn count;   /* another tokenizer (tests, an in-process vocabulary); wins over the URL */
    void       *count_user_data;
};

struct cllm_workload_params cllm_workload_default_params(void);

struct cllm_workload;

/* Loads the corpus or the dataset and checks the specs. CLLM_ERR_CONFIG (bad spec, unknown language or genre,
 * input_len with a dataset), CLLM_ERR_NOT_FOUND (no corpus, no file), CLLM_ERR_PARSE (a bad line: its number),
 * CLLM_ERR_NOMEM; err says which. */
enum cllm_status cllm_workload_new(const struct cllm_workload_params *p, struct cllm_workload **out, char *err,
                                   size_t errlen);

/* Builds requests 0 .. n-1 now (each cached), so the tokenizer's round trips happen before the clock runs. */
enum cllm_status cllm_workload_prepare(struct cllm_workload *w, long n, char *err, size_t errlen);

/* Request `index` (the hook of serve/serve_bench.h: cllm_serve_next_fn). out's strings stay valid until
 * cllm_workload_free. Not thread-safe: one thread asks (serve-bench's loop calls the hook so). The same index
 * always gives the same content. Built once serve/serve_bench.h declares struct cllm_serve_content
 * ({system, user, max_tokens, prompt_tokens, origin}: src/serve/sources.cmake looks for it). */
struct cllm_serve_content;
enum cllm_status cllm_workload_next(void *workload, long index, struct cllm_serve_content *out, char *err,
                                    size_t errlen);

/* The same as cllm_workload_next into plain fields (for callers and tests without serve_bench.h). */
enum cllm_status cllm_workload_get(struct cllm_workload *w, long index, const char **system, const char **user,
                                   int *max_tokens, int *prompt_tokens, const char **origin, char *err,
                                   size_t errlen);

/* What the workload is, for the results' params: "corpus" or "dataset", the number of prompts (dataset) or of
 * language × genre pairs (corpus), and whether counts are the tokenizer's. */
const char *cllm_workload_source(const struct cllm_workload *w);
long cllm_workload_size(const struct cllm_workload *w);
bool cllm_workload_exact_counts(const struct cllm_workload *w);

void cllm_workload_free(struct cllm_workload *w);

/* ---- the corpus ---- */

#define CLLM_WORKLOAD_N_LANGUAGES 6
#define CLLM_WORKLOAD_N_GENRES 6
/* The language phase's six ("en", "fr", "zh", "es", "de", "ar") and the genres ("chat", "summary", "code",
 * "story", "translation", "extraction"), in that order. */
extern const char *const cllm_workload_languages[CLLM_WORKLOAD_N_LANGUAGES];
extern const char *const cllm_workload_genres[CLLM_WORKLOAD_N_GENRES];

/* The corpus folder: P/share/computellm/prompts beside an installed binary, else (a binary in its build folder)
 * the source tree's data/prompts. False when there is none. */
bool cllm_workload_corpus_dir(char *out, size_t n);

/* Reads and checks every *.jsonl of dir (docs/prompts.md: one object a line, {"lang", "genre", "kind":
 * "instruction"|"passage", "text"}; valid UTF-8, known language and genre, every language × genre with an
 * instruction and a passage — the code genre's passages may be shared, lang "*"). CLLM_OK, or the first problem
 * with its file and line in err. n_bytes (may be NULL) gets the passages' bytes per language. */
enum cllm_status cllm_workload_corpus_check(const char *dir, size_t n_bytes[CLLM_WORKLOAD_N_LANGUAGES], char *err,
                                            size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
