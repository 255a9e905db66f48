/* What the hub indexes of a results file: its id, the machine (a fingerprint of its hardware identity, OS, CPU, first
 * GPU) and one row per model of ai_benchmarks.results (model key, quantization, backend, synthetic or not, decode
 * and prompt tokens/s, time to first token, decode joules per token). Read from the tree that report/result.h's
 * cllm_result_parse checked, through the report/ field tables; a field of the wrong type is refused, named by its
 * path ("ai_benchmarks.results.tiny.summary.avg_decode_tokens_per_second: expected a number"). */
#ifndef CLLM_STORE_RECORD_H
#define CLLM_STORE_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_STORE_ID_LEN 64      /* a result id: 1 to 63 of [A-Za-z0-9._:-] */
#define CLLM_STORE_FP_LEN 17      /* 16 hex digits */
#define CLLM_STORE_NAME_LEN 65    /* a submitter name: 1 to 64 of [A-Za-z0-9._@-] */
#define CLLM_STORE_TEXT_LEN 128   /* names (CPU, GPU, OS, model key) cut to this */
#define CLLM_STORE_MAX_RUNS 256   /* models of one results file indexed at most */

struct cJSON;

/* One model of a results file (absent numbers NAN, absent strings ""). */
struct cllm_store_run {
    char   model[CLLM_STORE_TEXT_LEN];   /* ai_benchmarks.results key */
    char   quant[32];
    char   backend[32];                  /* engine.backend: "CPU", "CUDA", "Vulkan", "server", ... */
    int    synthetic;                    /* 1, 0, or -1 when the file does not say */
    double decode_tps;                   /* summary.avg_decode_tokens_per_second, tokens/s */
    double prompt_tps;                   /* summary.avg_prompt_tokens_per_second, tokens/s */
    double ttft_ms;                      /* summary.avg_first_token_latency_s × 1000 */
    double j_per_token;                  /* summary.avg_decode_joules_per_token, J/token */
    long   prompt_tokens;                /* the templated prompt's tokens; -1 unknown */
    long   max_tokens;                   /* config.inference.max_tokens; -1 unknown */
};

struct cllm_store_record {
    char   result_id[CLLM_STORE_ID_LEN];
    char   fingerprint[CLLM_STORE_FP_LEN];
    char   timestamp[40];                /* the file's, ISO 8601 */
    char   hostname[CLLM_STORE_TEXT_LEN];
    char   os[CLLM_STORE_TEXT_LEN];      /* hardware.os.system */
    char   os_detail[CLLM_STORE_TEXT_LEN];/* hardware.os.distribution */
    char   cpu[CLLM_STORE_TEXT_LEN];
    char   gpu_vendor[CLLM_STORE_TEXT_LEN];  /* first GPU's vendor; "none" without one */
    char   gpu_name[CLLM_STORE_TEXT_LEN];
    double ram_gb;                       /* NAN unknown */
    struct cllm_store_run runs[CLLM_STORE_MAX_RUNS];
    size_t n_runs;
};

/* Fills rec from a results tree; CLLM_ERR_PARSE with the path of the wrong field in err. */
enum cllm_status cllm_store_record_from_result(const struct cJSON *root, struct cllm_store_record *rec, char *err,
                                               size_t errlen);

/* Parses (report/result.h's checks) and extracts in one call: what the hub does with a submitted body. */
enum cllm_status cllm_store_record_parse(const char *text, size_t len, struct cllm_store_record *rec, char *err,
                                         size_t errlen);

/* The machine fingerprint: 16 hex digits of a 64-bit FNV-1a hash over hostname, OS, machine type, CPU model,
 * logical cores, RAM GiB (whole) and every GPU's name, so two files of one machine share it. An identifier,
 * not a secret. */
void cllm_store_fingerprint(const struct cJSON *root, char out[CLLM_STORE_FP_LEN]);

#ifdef __cplusplus
}
#endif

#endif
