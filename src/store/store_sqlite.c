/* SQLite backend of store/store.h (libsqlite3): "sqlite:PATH", WAL journal (readers never wait for the writer),
 * synchronous=NORMAL (a commit survives the process being killed; an operating-system crash may lose the last
 * commits), a busy timeout for writers, foreign keys on. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/store_priv.h"

static bool sq_accepts(const char *url) { return url && strncmp(url, "sqlite:", 7) == 0; }

static enum cllm_status sq_exec(void *conn, const char *sql, const char *const *params, int n, cllm_store_row_fn fn,
                                void *user, long long *changes, char *err, size_t errlen)
{
    sqlite3 *db = conn;
    sqlite3_stmt *st = NULL;
    int rc;

    if (changes)
        *changes = 0;
    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CLLM_ERR_UNAVAILABLE : CLLM_ERR_IO;
    }
    for (int i = 0; i < n; i++) {
        rc = params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i + 1);
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "sqlite: parameter %d: %s", i + 1, sqlite3_errmsg(db));
            sqlite3_finalize(st);
            return CLLM_ERR_IO;
        }
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *vals[64];
        int nc = sqlite3_column_count(st);
        if (nc > 64)
            nc = 64;
        for (int i = 0; i < nc; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if (fn && !fn(user, nc, vals))
            break;
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CLLM_ERR_UNAVAILABLE : CLLM_ERR_IO;
    }
    if (changes)
        *changes = sqlite3_changes(db);
    sqlite3_finalize(st);
    return CLLM_OK;
}

static void sq_disconnect(void *conn)
{
    if (conn)
        sqlite3_close_v2(conn);
}

static bool mode_row(void *user, int ncols, const char *const *vals)
{
    char *mode = user;
    if (ncols > 0 && vals[0])
        snprintf(mode, 16, "%s", vals[0]);
    return false;
}

static void *sq_connect(const char *url, unsigned busy_timeout_ms, enum cllm_status *st, char *err, size_t errlen)
{
    const char *path = url + 7;
    sqlite3 *db = NULL;
    char mode[16] = "";
    int rc;

    if (!path[0]) {
        snprintf(err, errlen, "--db sqlite:PATH: the database file is missing after 'sqlite:'");
        *st = CLLM_ERR_INVALID_ARG;
        return NULL;
    }
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        *st = CLLM_ERR_IO;
        return NULL;
    }
    sqlite3_busy_timeout(db, (int)busy_timeout_ms);
    *st = sq_exec(db, "PRAGMA journal_mode=WAL", NULL, 0, mode_row, mode, NULL, err, errlen);
    if (*st == CLLM_OK && strcmp(mode, "wal") != 0) {
        snprintf(err, errlen, "sqlite: %s: the WAL journal could not be turned on (journal_mode %s)", path, mode);
        *st = CLLM_ERR_IO;
    }
    if (*st == CLLM_OK)
        *st = sq_exec(db, "PRAGMA synchronous=NORMAL", NULL, 0, NULL, NULL, NULL, err, errlen);
    if (*st == CLLM_OK)
        *st = sq_exec(db, "PRAGMA foreign_keys=ON", NULL, 0, NULL, NULL, NULL, err, errlen);
    if (*st != CLLM_OK) {
        sqlite3_close_v2(db);
        return NULL;
    }
    return db;
}

const struct cllm_store_driver cllm_store_sqlite_driver = {
    .name = "sqlite",
    .begin_write = "BEGIN IMMEDIATE",
    .lock_schema = NULL,
    .accepts = sq_accepts,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .exec = sq_exec,
};
