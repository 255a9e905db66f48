/* The results hub's storage (computellm hub, docs/api.md "Hub"): one small interface over an SQL database with two
 * real backends, SQLite (`sqlite:PATH`, WAL mode) and PostgreSQL (`postgresql://...`). One SQL schema for both,
 * versioned migrations applied at open, each submitted results file kept whole (raw JSON) beside the indexed
 * columns of its machine and of each model it ran (store/record.h). A pool of connections, one per concurrent
 * caller; a connection the database dropped is opened again on the next call, and while the database cannot be
 * reached every call returns CLLM_ERR_UNAVAILABLE (the hub answers 503). */
#ifndef CLLM_STORE_H
#define CLLM_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "store/record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version the migrations of this build lead to (store.c's migration list). */
#define CLLM_STORE_SCHEMA_VERSION 2
#define CLLM_STORE_MAX_LIMIT 10000   /* rows a leaderboard query returns at most */

struct cllm_store_params {
    const char *url;            /* "sqlite:PATH" or "postgresql://..." / "postgres://..." (libpq's URI) */
    unsigned    pool_size;      /* connections kept open (default 4): the concurrent calls served at once */
    unsigned    busy_timeout_ms;/* SQLite: how long a writer waits for the lock (default 10000) */
};

struct cllm_store_params cllm_store_default_params(void);

struct cllm_store;

/* Opens the database, applies the migrations it lacks (in one transaction each) and checks the pool can connect.
 * NULL with the reason in err: a URL of no known kind, a backend this build lacks (CLLM_ERR_UNSUPPORTED), a
 * database that cannot be reached (*st = CLLM_ERR_UNAVAILABLE), a schema newer than this build. st may be NULL. */
struct cllm_store *cllm_store_open(const struct cllm_store_params *p, enum cllm_status *st, char *err,
                                   size_t errlen);
void cllm_store_close(struct cllm_store *s);

/* "sqlite" or "postgresql". */
const char *cllm_store_backend(const struct cllm_store *s);

/* True when this build has the backend ("sqlite", "postgresql"). */
bool cllm_store_has_backend(const char *name);

/* The schema version the database is at (after open: CLLM_STORE_SCHEMA_VERSION). */
enum cllm_status cllm_store_schema_version(struct cllm_store *s, int *version, char *err, size_t errlen);

/* Stores one submission: the machine and run rows of rec and the raw file text, in one transaction. Idempotent by
 * (result id, machine fingerprint): *added is false when that pair is already stored (nothing changes). */
enum cllm_status cllm_store_submit(struct cllm_store *s, const struct cllm_store_record *rec, const char *raw,
                                   size_t raw_len, const char *submitter, bool *added, char *err, size_t errlen);

/* Leaderboard filters; NULL / -1 = any. Every string is compared for equality (case-sensitive). */
struct cllm_store_filter {
    const char *model;          /* model key, e.g. "tinyllama-1.1b" */
    const char *quant;          /* "Q4_K_M" */
    const char *backend;        /* the engine's backend: "CPU", "CUDA", "Vulkan", ... */
    const char *gpu_vendor;     /* the machine's first GPU's vendor, "none" without a GPU */
    const char *os;             /* hardware.os.system: "Linux", "Darwin", "Windows" */
    const char *machine;        /* machine fingerprint */
    const char *since;          /* results timestamp >= this (ISO 8601 text, compared as text) */
    const char *until;          /* results timestamp < this */
    int         synthetic;      /* 1: synthetic models only, 0: real ones only, -1: both */
    size_t      limit;          /* rows at most (0: 1000; at most CLLM_STORE_MAX_LIMIT) */
};

struct cllm_store_filter cllm_store_default_filter(void);

/* One leaderboard row: a model's run on a machine (absent numbers are NAN). */
struct cllm_store_row {
    char   result_id[CLLM_STORE_ID_LEN];
    char   fingerprint[CLLM_STORE_FP_LEN];
    char   submitter[CLLM_STORE_NAME_LEN];
    char   received_at[32];     /* ISO 8601 UTC, when the hub stored it */
    char   timestamp[40];       /* the results file's */
    char   hostname[CLLM_STORE_TEXT_LEN];
    char   os[CLLM_STORE_TEXT_LEN];
    char   cpu[CLLM_STORE_TEXT_LEN];
    char   gpu_vendor[CLLM_STORE_TEXT_LEN];
    char   gpu_name[CLLM_STORE_TEXT_LEN];
    struct cllm_store_run run;
    double score;               /* LocalScore's 10 * cbrt(prompt_tps * decode_tps * 1000 / ttft_ms); NAN unless
                                   all three are known */
};

/* The rows that pass f, best first within each comparable group (model, quant, backend, prompt tokens, max
 * tokens) by score, then decode tokens/s. Caller frees *rows. */
enum cllm_status cllm_store_leaderboard(struct cllm_store *s, const struct cllm_store_filter *f,
                                        struct cllm_store_row **rows, size_t *n, char *err, size_t errlen);

/* The number of submissions (results files) stored. */
enum cllm_status cllm_store_count(struct cllm_store *s, long long *n, char *err, size_t errlen);

/* The raw results file text of (result id, fingerprint): *raw malloc'd, NULL with CLLM_ERR_NOT_FOUND. */
enum cllm_status cllm_store_raw(struct cllm_store *s, const char *result_id, const char *fingerprint, char **raw,
                                char *err, size_t errlen);

/* LocalScore's composite of one run (docs/api.md "Score"): 10 * cbrt(prompt_tps * decode_tps * 1000 / ttft_ms);
 * NAN when one input is unknown or not positive. */
double cllm_store_localscore(double prompt_tps, double decode_tps, double ttft_ms);

#ifdef __cplusplus
}
#endif

#endif
