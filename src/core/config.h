/* The benchmark plan (the original's config.py): models, prompt, inference parameters, runs, matrix sizes,
 * monitor interval. Defaults compiled in; a JSON file overrides any subset; bad values are refused with the key
 * named. */
#ifndef CLLM_CONFIG_H
#define CLLM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_CONFIG_MAX_MODELS 32
#define CLLM_CONFIG_MAX_SIZES  8

struct cllm_inference_params {
    int    max_tokens;         /* tokens generated per timed run */
    double temperature;        /* 0 .. 2 */
    double top_p;              /* (0, 1] */
    double repeat_penalty;     /* 1 = off */
    int    seed;
    int    n_ctx;              /* context size in tokens */
};

struct cllm_config {
    int    n_models;
    char   models[CLLM_CONFIG_MAX_MODELS][65];   /* registry keys, e.g. "tinyllama-1.1b" */
    char   system_prompt[512];
    char   prompt[2048];
    struct cllm_inference_params inference;
    int    runs;                 /* timed runs per model */
    int    warmup_runs;          /* untimed runs before them */
    int    warmup_max_tokens;    /* tokens per warmup run */
    double cleanup_pause_s;      /* settling pause of each LLM cleanup (before a load, between variants), 0 .. 60 */
    int    n_cpu_matrix_sizes;
    int    cpu_matrix_sizes[CLLM_CONFIG_MAX_SIZES];   /* N for N×N sgemm on the CPU */
    int    n_gpu_matrix_sizes;
    int    gpu_matrix_sizes[CLLM_CONFIG_MAX_SIZES];   /* N for N×N GEMM on the GPU */
    int    gemm_iterations;      /* timed iterations per size */
    int    memory_array_mb;      /* size of each bandwidth array in MiB (raised to 4× LLC when smaller) */
    int    memory_repeats;       /* timed repetitions per bandwidth kernel (best of) */
    double monitor_interval_s;   /* resource monitor sampling period, 0.1 .. 10 */
    /* the server engine (--server-url / --llama-server): what ends a request that goes wrong */
    int    server_stall_s;               /* no token for this long fails the run, 1 .. 3600 (60) */
    double server_deadline_base_s;       /* each request's deadline: this + max_tokens × the next, 0.1 .. 86400 (120) */
    double server_deadline_per_token_s;  /* 0.001 .. 600 (2) */
};

void cllm_config_defaults(struct cllm_config *c);

enum cllm_config_type {
    CLLM_CONFIG_INT, CLLM_CONFIG_DOUBLE, CLLM_CONFIG_STRING,
    CLLM_CONFIG_INT_LIST,   /* list of whole numbers, each in [min, max] */
    CLLM_CONFIG_KEY_LIST    /* list of model keys */
};

/* One key of the configuration table: what the results' "config" object holds (its schema is made from this). */
struct cllm_config_key {
    const char           *path;      /* "inference.temperature": section and key */
    enum cllm_config_type type;
    double                min, max;  /* numbers and list elements */
    const char           *unit;      /* "s", "MiB", "tokens"; "" when none */
    const char           *meaning;
};

/* Key i (0, 1, ...) of the table in file order into *out; false past the last. */
bool cllm_config_key_info(size_t i, struct cllm_config_key *out);

/* Applies the keys present in JSON text `text` (named `origin` in messages) over *c. On error *c is unchanged
 * and err names the key and what was expected, e.g. "inference.temperature: expected a number in [0, 2]". */
enum cllm_status cllm_config_apply_json(struct cllm_config *c, const char *text, const char *origin, char *err,
                                        size_t errlen);

/* Reads FILE and applies it (cllm_config_apply_json). */
enum cllm_status cllm_config_load(struct cllm_config *c, const char *path, char *err, size_t errlen);

/* The whole config as a cJSON object (caller deletes), as stored in results under "config". */
struct cJSON;
struct cJSON *cllm_config_to_json(const struct cllm_config *c);

/* The whole config as pretty JSON (malloc'd; the caller frees). Loading it back gives the same config. */
char *cllm_config_to_json_text(const struct cllm_config *c);

/* "a number", "a string", "a boolean", "null", "a list", "an object": a JSON value's kind, for messages that
 * refuse a config or registry value of the wrong type. */
const char *cllm_json_type_name(const struct cJSON *v);

/* Replaces the model list from a comma- or space-separated list; rejects invalid keys naming them. */
enum cllm_status cllm_config_set_models(struct cllm_config *c, const char *const *keys, int n, char *err,
                                        size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
