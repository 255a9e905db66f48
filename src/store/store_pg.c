/* PostgreSQL backend of store/store.h (libpq): "postgresql://..." or "postgres://..." as libpq reads them, with a
 * connect timeout and a statement timeout (every wait on the server has a deadline). A lost connection, a server
 * shutting down or refusing connections is CLLM_ERR_UNAVAILABLE, so the hub answers 503 and the pool reconnects. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/store_priv.h"

#define PG_CONNECT_TIMEOUT "5"                           /* seconds */
#define PG_OPTIONS "-c statement_timeout=30000"          /* ms */

static bool pg_accepts(const char *url)
{
    return url && (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0);
}

/* SQLSTATE classes that mean "not now" rather than "wrong": 08 connection exception, 57P operator intervention
 * (shutdown, cannot connect now), 53 insufficient resources. */
static bool transient_state(const char *sqlstate)
{
    return sqlstate && (strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P", 3) == 0 ||
                        strncmp(sqlstate, "53", 2) == 0);
}

static void one_line(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    for (size_t n = strlen(s); n > 0 && s[n - 1] == ' '; n--)
        s[n - 1] = '\0';
}

/* The server's notices ("relation ... already exists, skipping") go to the debug log, not straight to stderr. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    CLLM_LOG(CLLM_LOG_DEBUG, "postgresql: %s", message);
}

static void *pg_connect(const char *url, unsigned busy_timeout_ms, enum cllm_status *st, char *err, size_t errlen)
{
    /* ours first: what the URL sets (its own connect_timeout, options) comes later and wins */
    const char *keys[] = {"connect_timeout", "options", "application_name", "dbname", NULL};
    const char *vals[] = {PG_CONNECT_TIMEOUT, PG_OPTIONS, "computellm-hub", url, NULL};
    PGconn *c;
    (void)busy_timeout_ms;

    c = PQconnectdbParams(keys, vals, 1);
    if (!c) {
        snprintf(err, errlen, "postgresql: out of memory");
        *st = CLLM_ERR_NOMEM;
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, errlen, "postgresql: cannot connect: %s", PQerrorMessage(c));
        one_line(err);
        PQfinish(c);
        *st = CLLM_ERR_UNAVAILABLE;
        return NULL;
    }
    PQsetNoticeProcessor(c, on_notice, NULL);
    *st = CLLM_OK;
    return c;
}

static void pg_disconnect(void *conn)
{
    if (conn)
        PQfinish(conn);
}

static enum cllm_status pg_exec(void *conn, const char *sql, const char *const *params, int n, cllm_store_row_fn fn,
                                void *user, long long *changes, char *err, size_t errlen)
{
    PGconn *c = conn;
    PGresult *r;
    ExecStatusType es;
    enum cllm_status st = CLLM_OK;

    if (changes)
        *changes = 0;
    r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    es = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (es == PGRES_TUPLES_OK) {
        int rows = PQntuples(r), nc = PQnfields(r);
        if (nc > 64)
            nc = 64;
        for (int i = 0; i < rows && fn; i++) {
            const char *v[64];
            for (int k = 0; k < nc; k++)
                v[k] = PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
            if (!fn(user, nc, v))
                break;
        }
    } else if (es == PGRES_COMMAND_OK) {
        const char *t = PQcmdTuples(r);
        if (changes && t && *t)
            *changes = strtoll(t, NULL, 10);
    } else {
        const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
        snprintf(err, errlen, "postgresql: %s", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
        one_line(err);
        st = PQstatus(c) != CONNECTION_OK || transient_state(state) ? CLLM_ERR_UNAVAILABLE : CLLM_ERR_IO;
    }
    PQclear(r);
    return st;
}

const struct cllm_store_driver cllm_store_pg_driver = {
    .name = "postgresql",
    .begin_write = "BEGIN",
    .lock_schema = "LOCK TABLE cllm_schema IN EXCLUSIVE MODE",
    .accepts = pg_accepts,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec = pg_exec,
};
