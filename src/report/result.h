/* The results file: one in-memory cJSON tree per benchmark run, written atomically as
 * results/benchmark_{CPU}_{OS}_{id}.json. Layout documented in docs/results-schema.md. */
#ifndef CLLM_RESULT_H
#define CLLM_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_SCHEMA_VERSION 1

struct cJSON;
struct cllm_hw_info;
struct cllm_config;

/* Builds the tree: schema_version, id, timestamp, tool, hardware, config, run status, and the empty
 * classic_benchmarks / ai_benchmarks sections that phases fill. Returns NULL on allocation failure. */
struct cJSON *cllm_result_new(const struct cllm_hw_info *hw, const struct cllm_config *cfg, time_t started);

/* Sets run.status ("running", "complete", "partial", "cancelled", "failed") and run.finished_at. */
void cllm_result_set_status(struct cJSON *result, const char *status, time_t finished);

/* "benchmark_{CPU}_{OS}_{id}.json", CPU and OS sanitised for file names. */
void cllm_result_filename(const struct cJSON *result, char *out, size_t n);

/* Writes the tree to a new file dir/<cllm_result_filename> (creating dir), atomically and never over an existing
 * file: when the name is taken (another run of the same second) "_2", "_3", ... is added before ".json"
 * (cllm_fs_write_new). The full path goes to path_out ("" on failure). */
enum cllm_status cllm_result_write(const struct cJSON *result, const char *dir, char *path_out, size_t path_n,
                                   char *err, size_t errlen);

/* Before a run: dir can be created and takes new files (cllm_fs_check_writable; CLLM_ERR_IO with the folder and
 * the reason in err), and temp files of results writes killed earlier are removed (cllm_fs_remove_stale_temps, logged). */
enum cllm_status cllm_result_dir_check(const char *dir, char *err, size_t errlen);

/* Fallback folder i (0, 1, ...) of cllm_result_save into out, in order: $XDG_STATE_HOME/computellm (when set and
 * absolute) or else ~/.local/state/computellm, then $TMPDIR (when absolute), then /tmp. False past the last. */
bool cllm_result_fallback_dir(int i, char *out, size_t n);

/* cllm_result_write into dir; when that fails for any reason but lack of memory, into the first fallback folder
 * that takes it. CLLM_OK: written in dir. CLLM_ERR_IO with *elsewhere true: saved in a fallback folder, path_out
 * names the file and err says why dir failed and where the file is. Otherwise nothing was written (err says why). */
enum cllm_status cllm_result_save(const struct cJSON *result, const char *dir, char *path_out, size_t path_n,
                                  bool *elsewhere, char *err, size_t errlen);

/* TEST ONLY: when this variable names a folder, every results file written (cllm_result_write) or imported (the
 * web API) is also copied there, so the test suite can check each against docs/results.schema.json
 * (tests/CMakeLists.txt sets it for every test). Not for users: nothing reads the copies. */
#define CLLM_TEST_RESULTS_COPY_ENV "CLLM_TEST_RESULTS_COPY"

/* Copies text[0..len) as DIR/<pid>_<name> when CLLM_TEST_RESULTS_COPY_ENV is set (never fails the caller). */
void cllm_result_test_copy(const char *text, size_t len, const char *name);

/* Reads and checks a results file: JSON object with schema_version, id, timestamp and hardware.
 * Caller deletes *out. err names the missing or mistyped key. */
enum cllm_status cllm_result_load(const char *path, struct cJSON **out, char *err, size_t errlen);

/* Same check on text already in memory (uploads); `origin` names it in messages. */
enum cllm_status cllm_result_parse(const char *text, const char *origin, struct cJSON **out, char *err,
                                   size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
