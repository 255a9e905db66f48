/* The backends of store/store.h: one table of functions per database (store_sqlite.c, store_pg.c), listed in
 * store.c. Parameters and values cross as text (NULL = SQL NULL), with $1, $2, ... placeholders in order, which
 * both SQLite and PostgreSQL read, so one SQL text serves both. */
#ifndef CLLM_STORE_PRIV_H
#define CLLM_STORE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

/* One row of a query: vals[i] is NULL for SQL NULL. Return false to stop. */
typedef bool (*cllm_store_row_fn)(void *user, int ncols, const char *const *vals);

struct cllm_store_driver {
    const char *name;                 /* "sqlite", "postgresql" */
    const char *begin_write;          /* the statement that starts a write transaction */
    const char *lock_schema;          /* taken at the start of the migration transaction; NULL: begin_write does */
    /* true when this driver takes the URL */
    bool (*accepts)(const char *url);
    /* a new connection; NULL with the reason (CLLM_ERR_UNAVAILABLE when the database cannot be reached) */
    void *(*connect)(const char *url, unsigned busy_timeout_ms, enum cllm_status *st, char *err, size_t errlen);
    void (*disconnect)(void *conn);
    /* runs sql with n text params; each result row to fn (may be NULL); *changes = rows written (may be NULL).
     * CLLM_ERR_UNAVAILABLE when the connection is lost or the database refuses connections now (the pool then
     * drops this connection); CLLM_ERR_IO for any other SQL error (constraint, syntax). */
    enum cllm_status (*exec)(void *conn, const char *sql, const char *const *params, int n, cllm_store_row_fn fn,
                             void *user, long long *changes, char *err, size_t errlen);
};

#ifdef CLLM_WITH_SQLITE
extern const struct cllm_store_driver cllm_store_sqlite_driver;
#endif
#ifdef CLLM_WITH_PQ
extern const struct cllm_store_driver cllm_store_pg_driver;
#endif

#endif
