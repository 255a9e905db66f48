#include "store/store.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "store/store_priv.h"

#define DEFAULT_POOL 4
#define MAX_POOL 64
#define DEFAULT_BUSY_MS 10000
#define POOL_WAIT_S 15          /* a caller waits this long for a free connection, then gets UNAVAILABLE */
#define DEFAULT_LIMIT 1000

static const struct cllm_store_driver *const g_drivers[] = {
#ifdef CLLM_WITH_SQLITE
    &cllm_store_sqlite_driver,
#endif
#ifdef CLLM_WITH_PQ
    &cllm_store_pg_driver,
#endif
    NULL,
};

/* The migrations, in order: migration i leads to version i + 1. Plain SQL that SQLite and PostgreSQL both read
 * (TEXT, INTEGER, DOUBLE PRECISION, composite keys, ON CONFLICT); a migration is never edited once released, a
 * change is a new one. */
static const char *const k_migration_1[] = {
    "CREATE TABLE submissions ("
    " result_id TEXT NOT NULL, fingerprint TEXT NOT NULL, submitter TEXT NOT NULL, received_at TEXT NOT NULL,"
    " result_timestamp TEXT NOT NULL, hostname TEXT NOT NULL, os TEXT NOT NULL, os_detail TEXT NOT NULL,"
    " cpu TEXT NOT NULL, gpu_vendor TEXT NOT NULL, gpu_name TEXT NOT NULL, ram_gb DOUBLE PRECISION,"
    " n_runs INTEGER NOT NULL, raw_json TEXT NOT NULL,"
    " PRIMARY KEY (result_id, fingerprint))",
    "CREATE TABLE runs ("
    " result_id TEXT NOT NULL, fingerprint TEXT NOT NULL, model TEXT NOT NULL, quant TEXT NOT NULL,"
    " backend TEXT NOT NULL, synthetic INTEGER, decode_tps DOUBLE PRECISION NOT NULL,"
    " prompt_tps DOUBLE PRECISION, ttft_ms DOUBLE PRECISION, j_per_token DOUBLE PRECISION,"
    " prompt_tokens INTEGER NOT NULL, max_tokens INTEGER NOT NULL, score DOUBLE PRECISION,"
    " result_timestamp TEXT NOT NULL,"
    " PRIMARY KEY (result_id, fingerprint, model),"
    " FOREIGN KEY (result_id, fingerprint) REFERENCES submissions (result_id, fingerprint))",
    "CREATE INDEX runs_group ON runs (model, quant, backend, prompt_tokens, max_tokens, score)",
    "CREATE INDEX runs_machine ON runs (fingerprint, result_timestamp)",
    "CREATE INDEX submissions_time ON submissions (result_timestamp)",
    "CREATE INDEX submissions_gpu ON submissions (gpu_vendor, os)",
    NULL,
};
/* 2: the leaderboard's every filter answered by walking an index in the board's order (docs/performance.md,
 * "Results hub under load"): the machine's GPU vendor and OS copied into runs (the filters no longer go through
 * the join), score_order (the score, -1 when unknown: the sort key that puts unknown scores last in both
 * databases, which order NULLs differently) and one index per filter column that leads to the board's order. */
static const char *const k_migration_2[] = {
    "ALTER TABLE runs ADD COLUMN gpu_vendor TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE runs ADD COLUMN os TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE runs ADD COLUMN score_order DOUBLE PRECISION NOT NULL DEFAULT -1",
    "UPDATE runs SET"
    " gpu_vendor = (SELECT s.gpu_vendor FROM submissions s"
    "  WHERE s.result_id = runs.result_id AND s.fingerprint = runs.fingerprint),"
    " os = (SELECT s.os FROM submissions s WHERE s.result_id = runs.result_id AND s.fingerprint = runs.fingerprint),"
    " score_order = COALESCE(score, -1)",
    "DROP INDEX runs_group",
    "DROP INDEX submissions_gpu",
    "CREATE INDEX runs_board ON runs"
    " (model, quant, backend, prompt_tokens, max_tokens, score_order DESC, decode_tps DESC, result_id, fingerprint)",
    "CREATE INDEX runs_board_gpu ON runs (gpu_vendor,"
    " model, quant, backend, prompt_tokens, max_tokens, score_order DESC, decode_tps DESC, result_id, fingerprint)",
    "CREATE INDEX runs_board_os ON runs (os,"
    " model, quant, backend, prompt_tokens, max_tokens, score_order DESC, decode_tps DESC, result_id, fingerprint)",
    "CREATE INDEX runs_board_backend ON runs (backend,"
    " model, quant, prompt_tokens, max_tokens, score_order DESC, decode_tps DESC, result_id, fingerprint)",
    "CREATE INDEX runs_board_synthetic ON runs (synthetic,"
    " model, quant, backend, prompt_tokens, max_tokens, score_order DESC, decode_tps DESC, result_id, fingerprint)",
    "CREATE INDEX runs_time ON runs (result_timestamp)",
    NULL,
};
static const char *const *const k_migrations[] = {k_migration_1, k_migration_2};
#define N_MIGRATIONS ((int)(sizeof(k_migrations) / sizeof(k_migrations[0])))

_Static_assert(N_MIGRATIONS == CLLM_STORE_SCHEMA_VERSION, "CLLM_STORE_SCHEMA_VERSION is the last migration's");

struct slot {
    void *conn;     /* NULL: not connected (connected on the next use) */
    bool  busy;
};

struct cllm_store {
    const struct cllm_store_driver *drv;
    char           *url;
    unsigned        busy_ms;
    pthread_mutex_t mu;
    pthread_cond_t  cond;
    struct slot     slots[MAX_POOL];
    unsigned        n_slots;
};

struct cllm_store_params cllm_store_default_params(void)
{
    struct cllm_store_params p = {.url = NULL, .pool_size = DEFAULT_POOL, .busy_timeout_ms = DEFAULT_BUSY_MS};
    return p;
}

struct cllm_store_filter cllm_store_default_filter(void)
{
    struct cllm_store_filter f;
    memset(&f, 0, sizeof(f));
    f.synthetic = -1;
    return f;
}

bool cllm_store_has_backend(const char *name)
{
    for (int i = 0; g_drivers[i]; i++)
        if (name && strcmp(g_drivers[i]->name, name) == 0)
            return true;
    return false;
}

const char *cllm_store_backend(const struct cllm_store *s) { return s ? s->drv->name : NULL; }

double cllm_store_localscore(double prompt_tps, double decode_tps, double ttft_ms)
{
    if (!(prompt_tps > 0) || !(decode_tps > 0) || !(ttft_ms > 0) || !isfinite(prompt_tps) || !isfinite(decode_tps) ||
        !isfinite(ttft_ms))
        return NAN;
    return 10.0 * cbrt(prompt_tps * decode_tps * 1000.0 / ttft_ms);
}

/* ---- the pool ---- */

/* A free slot, marked busy (its connection opened when missing). NULL with the reason. */
static struct slot *acquire(struct cllm_store *s, enum cllm_status *st, char *err, size_t errlen)
{
    struct slot *sl = NULL;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += POOL_WAIT_S;

    pthread_mutex_lock(&s->mu);
    for (;;) {
        for (unsigned i = 0; i < s->n_slots && !sl; i++)
            if (!s->slots[i].busy)
                sl = &s->slots[i];
        if (sl)
            break;
        if (pthread_cond_timedwait(&s->cond, &s->mu, &until) == ETIMEDOUT) {
            pthread_mutex_unlock(&s->mu);
            snprintf(err, errlen, "%s: every database connection stayed busy for %d s", s->drv->name, POOL_WAIT_S);
            *st = CLLM_ERR_UNAVAILABLE;
            return NULL;
        }
    }
    sl->busy = true;
    pthread_mutex_unlock(&s->mu);
    if (!sl->conn) {
        sl->conn = s->drv->connect(s->url, s->busy_ms, st, err, errlen);
        if (!sl->conn) {
            pthread_mutex_lock(&s->mu);
            sl->busy = false;
            pthread_cond_signal(&s->cond);
            pthread_mutex_unlock(&s->mu);
            return NULL;
        }
    }
    *st = CLLM_OK;
    return sl;
}

/* Gives the slot back; after CLLM_ERR_UNAVAILABLE its connection is dropped (opened again on the next use). */
static void release(struct cllm_store *s, struct slot *sl, enum cllm_status st)
{
    if (st == CLLM_ERR_UNAVAILABLE && sl->conn) {
        s->drv->disconnect(sl->conn);
        sl->conn = NULL;
    }
    pthread_mutex_lock(&s->mu);
    sl->busy = false;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->mu);
}

static enum cllm_status run(struct cllm_store *s, struct slot *sl, const char *sql, const char *const *params, int n,
                            cllm_store_row_fn fn, void *user, long long *changes, char *err, size_t errlen)
{
    return s->drv->exec(sl->conn, sql, params, n, fn, user, changes, err, errlen);
}

/* ROLLBACK after a failure inside a transaction (its own error is not the one to report). */
static void rollback(struct cllm_store *s, struct slot *sl)
{
    char ignored[256];
    s->drv->exec(sl->conn, "ROLLBACK", NULL, 0, NULL, NULL, NULL, ignored, sizeof(ignored));
}

static bool int_row(void *user, int ncols, const char *const *vals)
{
    long long *v = user;
    *v = ncols > 0 && vals[0] ? strtoll(vals[0], NULL, 10) : 0;
    return false;
}

/* ---- migrations ---- */

static enum cllm_status migrate(struct cllm_store *s, struct slot *sl, char *err, size_t errlen)
{
    enum cllm_status st;
    long long version = 0;
    char when[32];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    st = run(s, sl, "CREATE TABLE IF NOT EXISTS cllm_schema (version INTEGER NOT NULL, applied_at TEXT NOT NULL)",
             NULL, 0, NULL, NULL, NULL, err, errlen);
    if (st != CLLM_OK)
        return st;
    /* one transaction per migration, the schema table locked first: two hubs starting at once apply each once */
    for (;;) {
        char vtext[24];
        const char *params[2];
        st = run(s, sl, s->drv->begin_write, NULL, 0, NULL, NULL, NULL, err, errlen);
        if (st == CLLM_OK && s->drv->lock_schema)
            st = run(s, sl, s->drv->lock_schema, NULL, 0, NULL, NULL, NULL, err, errlen);
        if (st == CLLM_OK)
            st = run(s, sl, "SELECT COALESCE(MAX(version), 0) FROM cllm_schema", NULL, 0, int_row, &version, NULL,
                     err, errlen);
        if (st != CLLM_OK) {
            rollback(s, sl);
            return st;
        }
        if (version > N_MIGRATIONS) {
            rollback(s, sl);
            snprintf(err, errlen, "the database's schema is version %lld, newer than this computellm's (%d): "
                     "update computellm", version, N_MIGRATIONS);
            return CLLM_ERR_UNSUPPORTED;
        }
        if (version == N_MIGRATIONS) {
            rollback(s, sl);
            return CLLM_OK;
        }
        for (const char *const *q = k_migrations[version]; *q && st == CLLM_OK; q++)
            st = run(s, sl, *q, NULL, 0, NULL, NULL, NULL, err, errlen);
        snprintf(vtext, sizeof(vtext), "%lld", version + 1);
        params[0] = vtext;
        params[1] = when;
        if (st == CLLM_OK)
            st = run(s, sl, "INSERT INTO cllm_schema (version, applied_at) VALUES ($1, $2)", params, 2, NULL, NULL,
                     NULL, err, errlen);
        if (st == CLLM_OK)
            st = run(s, sl, "COMMIT", NULL, 0, NULL, NULL, NULL, err, errlen);
        if (st != CLLM_OK) {
            char why[CLLM_ERR_LEN];
            snprintf(why, sizeof(why), "%s", err);
            rollback(s, sl);
            snprintf(err, errlen, "migration to schema version %lld: %s", version + 1, why);
            return st;
        }
        CLLM_LOG(CLLM_LOG_INFO, "store: %s database migrated to schema version %lld", s->drv->name, version + 1);
    }
}

struct cllm_store *cllm_store_open(const struct cllm_store_params *p, enum cllm_status *st_out, char *err,
                                   size_t errlen)
{
    const struct cllm_store_driver *drv = NULL;
    struct cllm_store *s;
    struct slot *sl;
    enum cllm_status st = CLLM_ERR_INVALID_ARG, dummy;
    unsigned pool = p && p->pool_size ? p->pool_size : DEFAULT_POOL;

    if (!st_out)
        st_out = &dummy;
    *st_out = CLLM_ERR_INVALID_ARG;
    if (!p || !p->url || !p->url[0]) {
        snprintf(err, errlen, "--db: missing (sqlite:PATH or postgresql://...)");
        return NULL;
    }
    for (int i = 0; g_drivers[i] && !drv; i++)
        if (g_drivers[i]->accepts(p->url))
            drv = g_drivers[i];
    if (!drv) {
        bool pg = strncmp(p->url, "postgres", 8) == 0, sq = strncmp(p->url, "sqlite:", 7) == 0;
        if (pg || sq) {
            snprintf(err, errlen, "--db %s: this build has no %s backend (lib%s not found at build time: run "
                     "scripts/setup and rebuild)", pg ? "postgresql://..." : "sqlite:...", pg ? "PostgreSQL" : "SQLite",
                     pg ? "pq" : "sqlite3");
            *st_out = CLLM_ERR_UNSUPPORTED;
        } else {
            snprintf(err, errlen, "--db: expected sqlite:PATH or postgresql://[user@]host[:port]/dbname (or "
                     "postgresql:///dbname?host=/socket/folder)");
        }
        return NULL;
    }
    if (pool > MAX_POOL)
        pool = MAX_POOL;
    s = calloc(1, sizeof(*s));
    if (!s || !(s->url = strdup(p->url))) {
        free(s);
        snprintf(err, errlen, "out of memory");
        *st_out = CLLM_ERR_NOMEM;
        return NULL;
    }
    s->drv = drv;
    s->busy_ms = p->busy_timeout_ms ? p->busy_timeout_ms : DEFAULT_BUSY_MS;
    s->n_slots = pool;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cond, NULL);
    sl = acquire(s, &st, err, errlen);
    if (sl) {
        st = migrate(s, sl, err, errlen);
        release(s, sl, st);
    }
    if (st != CLLM_OK) {
        *st_out = st;
        cllm_store_close(s);
        return NULL;
    }
    *st_out = CLLM_OK;
    return s;
}

void cllm_store_close(struct cllm_store *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < s->n_slots; i++)
        if (s->slots[i].conn)
            s->drv->disconnect(s->slots[i].conn);
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->mu);
    free(s->url);
    free(s);
}

enum cllm_status cllm_store_schema_version(struct cllm_store *s, int *version, char *err, size_t errlen)
{
    enum cllm_status st;
    long long v = 0;
    struct slot *sl = acquire(s, &st, err, errlen);
    if (!sl)
        return st;
    st = run(s, sl, "SELECT COALESCE(MAX(version), 0) FROM cllm_schema", NULL, 0, int_row, &v, NULL, err, errlen);
    release(s, sl, st);
    *version = (int)v;
    return st;
}

enum cllm_status cllm_store_count(struct cllm_store *s, long long *n, char *err, size_t errlen)
{
    enum cllm_status st;
    struct slot *sl = acquire(s, &st, err, errlen);
    *n = 0;
    if (!sl)
        return st;
    st = run(s, sl, "SELECT COUNT(*) FROM submissions", NULL, 0, int_row, n, NULL, err, errlen);
    release(s, sl, st);
    return st;
}

/* ---- submit ---- */

static const char *num_text(char *buf, size_t n, double v)
{
    if (!isfinite(v))
        return NULL;
    snprintf(buf, n, "%.17g", v);
    return buf;
}

enum cllm_status cllm_store_submit(struct cllm_store *s, const struct cllm_store_record *rec, const char *raw,
                                   size_t raw_len, const char *submitter, bool *added, char *err, size_t errlen)
{
    static const char *const ins_sub =
        "INSERT INTO submissions (result_id, fingerprint, submitter, received_at, result_timestamp, hostname, os,"
        " os_detail, cpu, gpu_vendor, gpu_name, ram_gb, n_runs, raw_json)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        " ON CONFLICT (result_id, fingerprint) DO NOTHING";
    static const char *const ins_run =
        "INSERT INTO runs (result_id, fingerprint, model, quant, backend, synthetic, decode_tps, prompt_tps, ttft_ms,"
        " j_per_token, prompt_tokens, max_tokens, score, result_timestamp, gpu_vendor, os, score_order)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";
    enum cllm_status st;
    struct slot *sl;
    long long changes = 0;
    char when[32], ram[32], nruns[16];
    char *body;
    time_t now = time(NULL);
    struct tm tm;

    *added = false;
    if (strlen(raw) != raw_len) {
        snprintf(err, errlen, "a NUL byte in the results text");
        return CLLM_ERR_INVALID_ARG;
    }
    body = (char *)raw;
    gmtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(nruns, sizeof(nruns), "%zu", rec->n_runs);
    sl = acquire(s, &st, err, errlen);
    if (!sl)
        return st;
    st = run(s, sl, s->drv->begin_write, NULL, 0, NULL, NULL, NULL, err, errlen);
    if (st == CLLM_OK) {
        const char *p[14] = {rec->result_id, rec->fingerprint, submitter ? submitter : "", when, rec->timestamp,
                             rec->hostname, rec->os, rec->os_detail, rec->cpu, rec->gpu_vendor, rec->gpu_name,
                             num_text(ram, sizeof(ram), rec->ram_gb), nruns, body};
        st = run(s, sl, ins_sub, p, 14, NULL, NULL, &changes, err, errlen);
    }
    for (size_t i = 0; st == CLLM_OK && changes == 1 && i < rec->n_runs; i++) {
        const struct cllm_store_run *r = &rec->runs[i];
        char b[6][40], syn[4], pt[24], mt[24];
        snprintf(syn, sizeof(syn), "%d", r->synthetic);
        snprintf(pt, sizeof(pt), "%ld", r->prompt_tokens);
        snprintf(mt, sizeof(mt), "%ld", r->max_tokens);
        {
            const char *score = num_text(b[4], sizeof(b[4]),
                                         cllm_store_localscore(r->prompt_tps, r->decode_tps, r->ttft_ms));
            const char *p[17] = {rec->result_id, rec->fingerprint, r->model, r->quant, r->backend,
                                 r->synthetic < 0 ? NULL : syn, num_text(b[0], sizeof(b[0]), r->decode_tps),
                                 num_text(b[1], sizeof(b[1]), r->prompt_tps), num_text(b[2], sizeof(b[2]), r->ttft_ms),
                                 num_text(b[3], sizeof(b[3]), r->j_per_token), pt, mt, score,
                                 rec->timestamp, rec->gpu_vendor, rec->os, score ? score : "-1"};
            st = run(s, sl, ins_run, p, 17, NULL, NULL, NULL, err, errlen);
        }
    }
    if (st == CLLM_OK)
        st = run(s, sl, "COMMIT", NULL, 0, NULL, NULL, NULL, err, errlen);
    if (st != CLLM_OK)
        rollback(s, sl);
    else
        *added = changes == 1;
    release(s, sl, st);
    return st;
}

/* ---- leaderboard ---- */

struct rows_acc {
    struct cllm_store_row *rows;
    size_t n, cap;
    bool   nomem;
};

static void text_to(char *dst, size_t n, const char *v) { snprintf(dst, n, "%s", v ? v : ""); }
static double num_of(const char *v) { return v ? strtod(v, NULL) : NAN; }

static bool board_row(void *user, int ncols, const char *const *v)
{
    struct rows_acc *a = user;
    struct cllm_store_row *r;
    if (ncols < 21)
        return false;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        struct cllm_store_row *nr = realloc(a->rows, cap * sizeof(*nr));
        if (!nr) {
            a->nomem = true;
            return false;
        }
        a->rows = nr;
        a->cap = cap;
    }
    r = &a->rows[a->n++];
    memset(r, 0, sizeof(*r));
    text_to(r->result_id, sizeof(r->result_id), v[0]);
    text_to(r->fingerprint, sizeof(r->fingerprint), v[1]);
    text_to(r->submitter, sizeof(r->submitter), v[2]);
    text_to(r->received_at, sizeof(r->received_at), v[3]);
    text_to(r->timestamp, sizeof(r->timestamp), v[4]);
    text_to(r->hostname, sizeof(r->hostname), v[5]);
    text_to(r->os, sizeof(r->os), v[6]);
    text_to(r->cpu, sizeof(r->cpu), v[7]);
    text_to(r->gpu_vendor, sizeof(r->gpu_vendor), v[8]);
    text_to(r->gpu_name, sizeof(r->gpu_name), v[9]);
    text_to(r->run.model, sizeof(r->run.model), v[10]);
    text_to(r->run.quant, sizeof(r->run.quant), v[11]);
    text_to(r->run.backend, sizeof(r->run.backend), v[12]);
    r->run.synthetic = v[13] ? atoi(v[13]) : -1;
    r->run.decode_tps = num_of(v[14]);
    r->run.prompt_tps = num_of(v[15]);
    r->run.ttft_ms = num_of(v[16]);
    r->run.j_per_token = num_of(v[17]);
    r->run.prompt_tokens = v[18] ? atol(v[18]) : -1;
    r->run.max_tokens = v[19] ? atol(v[19]) : -1;
    r->score = num_of(v[20]);
    return true;
}

enum cllm_status cllm_store_leaderboard(struct cllm_store *s, const struct cllm_store_filter *f,
                                        struct cllm_store_row **rows, size_t *n, char *err, size_t errlen)
{
    char sql[2048], limit[24], syn[4];
    const char *params[12];
    int np = 0;
    size_t used;
    struct rows_acc acc = {0};
    enum cllm_status st;
    struct slot *sl;
    struct {
        const char *col, *op, *val;
    } conds[] = {
        {"r.model", "=", f->model},          {"r.quant", "=", f->quant},        {"r.backend", "=", f->backend},
        {"r.gpu_vendor", "=", f->gpu_vendor}, {"r.os", "=", f->os},             {"r.fingerprint", "=", f->machine},
        {"r.result_timestamp", ">=", f->since}, {"r.result_timestamp", "<", f->until},
    };
    size_t lim = f->limit ? f->limit : DEFAULT_LIMIT;

    *rows = NULL;
    *n = 0;
    if (lim > CLLM_STORE_MAX_LIMIT)
        lim = CLLM_STORE_MAX_LIMIT;
    used = (size_t)snprintf(sql, sizeof(sql),
                            "SELECT r.result_id, r.fingerprint, s.submitter, s.received_at, r.result_timestamp,"
                            " s.hostname, s.os, s.cpu, s.gpu_vendor, s.gpu_name, r.model, r.quant, r.backend,"
                            " r.synthetic, r.decode_tps, r.prompt_tps, r.ttft_ms, r.j_per_token, r.prompt_tokens,"
                            " r.max_tokens, r.score FROM runs r JOIN submissions s"
                            " ON s.result_id = r.result_id AND s.fingerprint = r.fingerprint WHERE 1 = 1");
    for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
        if (conds[i].val) {
            params[np] = conds[i].val;
            np++;
            used += (size_t)snprintf(sql + used, sizeof(sql) - used, " AND %s %s $%d", conds[i].col, conds[i].op, np);
        }
    if (f->synthetic >= 0) {
        snprintf(syn, sizeof(syn), "%d", f->synthetic ? 1 : 0);
        params[np++] = syn;
        used += (size_t)snprintf(sql + used, sizeof(sql) - used, " AND r.synthetic = $%d", np);
    }
    snprintf(limit, sizeof(limit), "%zu", lim);
    params[np++] = limit;
    /* comparable runs together (same model, quantization, backend, prompt and decode lengths), best score first,
     * unknown scores last: the order of the runs_board* indexes, so the database walks one and stops at the limit */
    snprintf(sql + used, sizeof(sql) - used,
             " ORDER BY r.model, r.quant, r.backend, r.prompt_tokens, r.max_tokens, r.score_order DESC,"
             " r.decode_tps DESC, r.result_id, r.fingerprint LIMIT $%d", np);
    sl = acquire(s, &st, err, errlen);
    if (!sl)
        return st;
    st = run(s, sl, sql, params, np, board_row, &acc, NULL, err, errlen);
    release(s, sl, st);
    if (st == CLLM_OK && acc.nomem) {
        snprintf(err, errlen, "out of memory");
        st = CLLM_ERR_NOMEM;
    }
    if (st != CLLM_OK) {
        free(acc.rows);
        return st;
    }
    *rows = acc.rows;
    *n = acc.n;
    return CLLM_OK;
}

static bool text_row(void *user, int ncols, const char *const *vals)
{
    char **out = user;
    if (ncols > 0 && vals[0])
        *out = strdup(vals[0]);
    return false;
}

enum cllm_status cllm_store_raw(struct cllm_store *s, const char *result_id, const char *fingerprint, char **raw,
                                char *err, size_t errlen)
{
    const char *params[2] = {result_id, fingerprint};
    enum cllm_status st;
    struct slot *sl = acquire(s, &st, err, errlen);
    *raw = NULL;
    if (!sl)
        return st;
    st = run(s, sl, "SELECT raw_json FROM submissions WHERE result_id = $1 AND fingerprint = $2", params, 2,
             text_row, raw, NULL, err, errlen);
    release(s, sl, st);
    if (st == CLLM_OK && !*raw) {
        snprintf(err, errlen, "no results file %s of machine %s", result_id, fingerprint);
        return CLLM_ERR_NOT_FOUND;
    }
    return st;
}
