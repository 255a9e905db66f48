/* serve-bench's plan, as `computellm serve-bench` starts it: check the results folder before any request, make the
 * results document (hardware of this machine, tool, run status; the classic and AI sections "skipped"), run the
 * load (serve/serve_bench.h), write its section (report/write_serve.c) and the file atomically, into a fallback
 * folder when the results folder fails at the end. The library prints nothing; the caller watches through
 * p->on_level. */
#ifndef CLLM_APP_SERVE_PLAN_H
#define CLLM_APP_SERVE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "monitor/monitor.h"
#include "serve/serve_bench.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* What the plan adds around the load. */
struct cllm_run_serve_opts {
    const char *save_requests;     /* --save-requests: a JSONL file of every request (a new file: never over an
                                      existing one, the path used goes to requests_path_out); NULL: none */
    bool        monitor;           /* the resource monitor around the levels: each level's energy (default true) */
    const struct cllm_sampler *monitor_sampler;   /* NULL: this machine's (tests pass a fake) */
    char       *requests_path_out; /* the JSONL file's path as written ("" none); may be NULL */
    size_t      requests_path_n;
    /* the workload (serve/workload.h): any of these set makes each request's content from the prompt corpus or the
     * dataset instead of p's fixed prompt; prompt tokens counted by the server's POST /tokenize when it answers
     * (llama-server), else estimated, and the results' params.workload say which */
    const char *input_len;         /* --input-len spec (NULL: "256" for the corpus) */
    const char *output_len;        /* --output-len spec (NULL: p->max_tokens, fixed) */
    const char *dataset;           /* --dataset FILE of JSONL prompts */
    const char *languages, *genres;   /* --languages / --genres of the corpus (NULL: all) */
};

struct cllm_run_serve_opts cllm_run_serve_default_opts(void);

/* Runs p against its server (opts may be NULL: the defaults), the resource monitor sampling throughout, each level's
 * energy from its window, and writes the results file into output_dir (NULL: "results"); its path into
 * path_out ("" when none was written). *run_out (required) receives the run's structs (free them with
 * cllm_serve_result_free), *result_out (may be NULL) the whole results tree (cJSON_Delete it). Returns as
 * cllm_serve_run; CLLM_ERR_IO when the folder is unusable before the run (nothing run, *result_out NULL) or the
 * file could not be written there (path_out set: it was saved in a fallback folder, err says where and why). */
enum cllm_status cllm_run_serve_bench(const struct cllm_serve_params *p, const struct cllm_run_serve_opts *opts,
                                     const char *output_dir, struct cllm_serve_result *run_out, char *path_out, size_t path_n,
                                     struct cJSON **result_out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
