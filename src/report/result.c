#include "report/result.h"

#include "core/json.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <process.h>
#define getpid _getpid
#else
#include <unistd.h>
#endif

#include "build_info.h"
#include "core/clock.h"
#include "core/config.h"
#include "platform/fs.h"
#include "core/log.h"
#include "core/strutil.h"
#include "core/file.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/fields_llm.h"
#include "report/write.h"
#include "report/write_hw.h"

cJSON *cllm_result_new(const struct cllm_hw_info *hw, const struct cllm_config *cfg, time_t started)
{
    char id[32], ts[40];
    cJSON *r = cJSON_CreateObject(), *tool, *run, *classic, *ai, *hwj;

    if (!r)
        return NULL;
    cllm_time_id(started, id, sizeof(id));
    cllm_time_iso8601(started, ts, sizeof(ts));
    cllm_w_int(r, &CLLM_F_SCHEMA_VERSION, CLLM_SCHEMA_VERSION);
    cllm_w_str(r, &CLLM_F_ID, id, NULL);
    cllm_w_str(r, &CLLM_F_TIMESTAMP, ts, NULL);

    tool = cllm_w_obj(r, &CLLM_F_TOOL);
    cllm_w_str(tool, &CLLM_F_TOOL_NAME, "computellm", NULL);
    cllm_w_str(tool, &CLLM_F_TOOL_VERSION, CLLM_VERSION, NULL);
    cllm_w_str(tool, &CLLM_F_TOOL_GIT_COMMIT, CLLM_GIT_COMMIT, NULL);
    cllm_w_str(tool, &CLLM_F_TOOL_BUILD_FLAGS, CLLM_BUILD_FLAGS, NULL);
    cllm_w_str(tool, &CLLM_F_TOOL_COMPILER, CLLM_COMPILER, NULL);
    cllm_w_str(tool, &CLLM_F_TOOL_CJSON_VERSION, cJSON_Version(), NULL);

    run = cllm_w_obj(r, &CLLM_F_RUN);
    cllm_w_str(run, &CLLM_F_RUN_STATUS, "running", NULL);
    cllm_w_str(run, &CLLM_F_RUN_STARTED_AT, ts, NULL);
    cllm_w_null(run, &CLLM_F_RUN_FINISHED_AT, "the run has not finished");

    hwj = hw ? cllm_report_hardware(hw) : cJSON_CreateObject();
    cJSON_AddItemToObject(r, CLLM_F_HARDWARE.name, hwj);
    if (cfg)
        cJSON_AddItemToObject(r, CLLM_F_CONFIG.name, cllm_config_to_json(cfg));

    /* the sections' owners fill these; the keys of their contents are theirs */
    classic = cllm_w_obj(r, &CLLM_F_CLASSIC_BENCHMARKS);
    ai = cllm_w_obj(r, &CLLM_F_AI_BENCHMARKS);
    /* the sections' inner objects, so a file without its phases (skipped, cancelled) has the same shape */
    cllm_w_obj(classic, &CLLM_F_CL_BENCHMARKS);
    cllm_w_obj(ai, &CLLM_F_AI_RESULTS);
    return r;
}

void cllm_result_set_status(cJSON *result, const char *status, time_t finished)
{
    char ts[40];
    cJSON *run = cJSON_GetObjectItemCaseSensitive(result, CLLM_F_RUN.name), *nr;
    if (!run)
        run = cllm_w_obj(result, &CLLM_F_RUN);
    cllm_time_iso8601(finished, ts, sizeof(ts));
    cllm_w_set_str(run, &CLLM_F_RUN_STATUS, status);
    cllm_w_set_str(run, &CLLM_F_RUN_FINISHED_AT, ts);
    /* finished_at is known now: its reason goes */
    nr = cJSON_GetObjectItemCaseSensitive(run, CLLM_F_NULL_REASONS.name);
    if (nr) {
        cJSON_DeleteItemFromObjectCaseSensitive(nr, CLLM_F_RUN_FINISHED_AT.name);
        if (!nr->child)
            cJSON_DeleteItemFromObjectCaseSensitive(run, CLLM_F_NULL_REASONS.name);
    }
}

void cllm_result_filename(const cJSON *result, char *out, size_t n)
{
    char cpu[96], os[32], id[32];
    const cJSON *hw = cllm_r_get(result, &CLLM_F_HARDWARE);
    cllm_sanitize_filename(cllm_r_str(cllm_r_get(hw, &CLLM_F_HW_CPU), &CLLM_F_HW_CPU_MODEL), cpu, sizeof(cpu));
    cllm_sanitize_filename(cllm_r_str(cllm_r_get(hw, &CLLM_F_HW_OS), &CLLM_F_HW_OS_SYSTEM), os, sizeof(os));
    cllm_sanitize_filename(cllm_r_str(result, &CLLM_F_ID), id, sizeof(id));
    /* the id has one '_' between date and time; sanitising keeps it */
    snprintf(out, n, "benchmark_%s_%s_%s.json", cpu, os, id);
}

enum cllm_status cllm_result_write(const cJSON *result, const char *dir, char *path_out, size_t path_n,
                                   char *err, size_t errlen)
{
    char name[256], path[PATH_MAX];
    char *text;
    size_t len;
    enum cllm_status st;

    if (path_n)
        path_out[0] = '\0';
    st = cllm_fs_mkdir_p(dir, err, errlen);
    if (st != CLLM_OK)
        return st;
    cllm_result_filename(result, name, sizeof(name));
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path)) {
        snprintf(err, errlen, "%s: path too long", dir);
        return CLLM_ERR_INVALID_ARG;
    }
    text = cJSON_Print(result);
    if (!text) {
        snprintf(err, errlen, "out of memory serialising results");
        return CLLM_ERR_NOMEM;
    }
    len = strlen(text);
    {
        /* a trailing newline keeps the file friendly to cat and diff */
        char *withnl = realloc(text, len + 2);
        if (withnl) {
            text = withnl;
            text[len++] = '\n';
            text[len] = '\0';
        }
    }
    /* two runs started in the same second have the same name: the second gets "_2", never the first's file */
    st = cllm_fs_write_new(path, text, len, NULL, path_out, path_n, err, errlen);
    if (st == CLLM_OK)
        cllm_result_test_copy(text, len, name);
    free(text);
    return st;
}

void cllm_result_test_copy(const char *text, size_t len, const char *name)
{
    const char *dir = getenv(CLLM_TEST_RESULTS_COPY_ENV);
    char path[PATH_MAX], err[256];
    if (!dir || !dir[0])
        return;
    /* tests in parallel write here at once: the pid keeps their names apart, write_new the rest */
    if (snprintf(path, sizeof(path), "%s/%ld_%s", dir, (long)getpid(), name) >= (int)sizeof(path))
        return;
    if (cllm_fs_mkdir_p(dir, err, sizeof(err)) != CLLM_OK
        || cllm_fs_write_new(path, text, len, NULL, NULL, 0, err, sizeof(err)) != CLLM_OK)
        CLLM_LOG(CLLM_LOG_WARN, "%s: copy of the results for the schema check: %s", CLLM_TEST_RESULTS_COPY_ENV, err);
}

enum cllm_status cllm_result_dir_check(const char *dir, char *err, size_t errlen)
{
    enum cllm_status st = cllm_fs_check_writable(dir, err, errlen);
    if (st == CLLM_OK)
        (void)cllm_fs_remove_stale_temps(dir, "benchmark_", 60);
    return st;
}

bool cllm_result_fallback_dir(int i, char *out, size_t n)
{
    const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME"), *tmp = getenv("TMPDIR");
    char dirs[3][PATH_MAX];
    int k = 0;

    /* the XDG base-directory spec ignores relative values */
    if (state && state[0] == '/')
        snprintf(dirs[k++], PATH_MAX, "%s/computellm", state);
    else if (home && home[0] == '/')
        snprintf(dirs[k++], PATH_MAX, "%s/.local/state/computellm", home);
    if (tmp && tmp[0] == '/' && strcmp(tmp, "/tmp") != 0)
        snprintf(dirs[k++], PATH_MAX, "%s", tmp);
    snprintf(dirs[k++], PATH_MAX, "/tmp");
    if (i < 0 || i >= k)
        return false;
    cllm_strlcpy(out, dirs[i], n);
    return true;
}

enum cllm_status cllm_result_save(const cJSON *result, const char *dir, char *path_out, size_t path_n,
                                  bool *elsewhere, char *err, size_t errlen)
{
    char first[1024], why[512], fb[PATH_MAX];
    enum cllm_status st;

    *elsewhere = false;
    st = cllm_result_write(result, dir, path_out, path_n, first, sizeof(first));
    if (st == CLLM_OK || st == CLLM_ERR_NOMEM) {
        if (st != CLLM_OK)
            snprintf(err, errlen, "%s", first);
        return st;
    }
    /* whatever stopped the write (disk full, quota, I/O error, the folder gone or read-only), the measurements
     * must not be lost: the first fallback folder that takes the file keeps them */
    for (int i = 0; cllm_result_fallback_dir(i, fb, sizeof(fb)); i++) {
        if (strcmp(fb, dir) == 0)
            continue;
        if (cllm_result_write(result, fb, path_out, path_n, why, sizeof(why)) == CLLM_OK) {
            *elsewhere = true;
            snprintf(err, errlen, "%s; the results were saved to %s instead", first, path_out);
            return CLLM_ERR_IO;
        }
        CLLM_LOG(CLLM_LOG_WARN, "fallback folder for the results: %s", why);
    }
    snprintf(err, errlen, "%s; no fallback folder could take them either (tried $XDG_STATE_HOME/computellm or "
             "~/.local/state/computellm, then the temp folder)", first);
    return st;
}

/* One key the reader insists on: parent (NULL: the top level) . f, of f's JSON type. */
struct required_key {
    const struct cllm_field *parent, *f;
};

static enum cllm_status check_key(const cJSON *root, const struct required_key *k, const char *origin, char *err,
                                  size_t errlen)
{
    const cJSON *obj = k->parent ? cJSON_GetObjectItemCaseSensitive(root, k->parent->name) : root;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, k->f->name);
    char path[128];
    if (k->parent)
        snprintf(path, sizeof(path), "%s.%s", k->parent->name, k->f->name);
    else
        snprintf(path, sizeof(path), "%s", k->f->name);
    if (!v) {
        snprintf(err, errlen, "%s: missing key '%s' (not a ComputeLLM results file?)", origin, path);
        return CLLM_ERR_PARSE;
    }
    if (!cllm_r_get(obj, k->f)) {
        const char *want = k->f->type == CLLM_FT_OBJECT ? "an object"
                         : k->f->type == CLLM_FT_STRING ? "a string" : "a number";
        snprintf(err, errlen, "%s: '%s' must be %s", origin, path, want);
        return CLLM_ERR_PARSE;
    }
    return CLLM_OK;
}

enum cllm_status cllm_result_parse(const char *text, const char *origin, cJSON **out, char *err, size_t errlen)
{
    /* hardware's own objects are checked only once hardware is known to be an object (the order below) */
    static const struct required_key required[] = {
        {NULL, &CLLM_F_SCHEMA_VERSION}, {NULL, &CLLM_F_ID}, {NULL, &CLLM_F_TIMESTAMP}, {NULL, &CLLM_F_HARDWARE},
        {&CLLM_F_HARDWARE, &CLLM_F_HW_OS}, {&CLLM_F_HARDWARE, &CLLM_F_HW_CPU}, {&CLLM_F_HARDWARE, &CLLM_F_HW_RAM},
        {&CLLM_F_HARDWARE, &CLLM_F_HW_GPU},
    };
    cJSON *root;
    *out = NULL;
    root = cllm_json_parse(text, text ? strlen(text) : 0, origin, err, errlen);
    if (!root)
        return CLLM_ERR_PARSE;
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "%s: the top level must be a JSON object", origin);
        cJSON_Delete(root);
        return CLLM_ERR_PARSE;
    }
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        enum cllm_status st = check_key(root, &required[i], origin, err, errlen);
        if (st != CLLM_OK) {
            cJSON_Delete(root);
            return st;
        }
    }
    {
        const cJSON *v = cllm_r_get(root, &CLLM_F_SCHEMA_VERSION);
        /* an untrusted file's number: no cast to int before it is known to be a small whole number */
        if (!isfinite(v->valuedouble) || v->valuedouble < 1 || v->valuedouble != floor(v->valuedouble)) {
            snprintf(err, errlen, "%s: schema_version %g: expected a whole number from 1", origin, v->valuedouble);
            cJSON_Delete(root);
            return CLLM_ERR_PARSE;
        }
        if (v->valuedouble > CLLM_SCHEMA_VERSION) {
            snprintf(err, errlen, "%s: schema_version %.0f is newer than this tool's (%d): update computellm", origin,
                     v->valuedouble, CLLM_SCHEMA_VERSION);
            cJSON_Delete(root);
            return CLLM_ERR_UNSUPPORTED;
        }
    }
    *out = root;
    return CLLM_OK;
}

enum cllm_status cllm_result_load(const char *path, cJSON **out, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    enum cllm_status st = cllm_file_read(path, 256u << 20, &text, &len, err, errlen);
    if (st != CLLM_OK)
        return st;
    *out = NULL;
    if (strlen(text) != len) {   /* a NUL byte would end the text early without a word */
        snprintf(err, errlen, "%s: a NUL byte at byte %zu: not a results file", path, strlen(text));
        free(text);
        return CLLM_ERR_PARSE;
    }
    st = cllm_result_parse(text, path, out, err, errlen);
    free(text);
    return st;
}
