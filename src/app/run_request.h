/* One run request, as `computellm run` flags and the body of POST /api/runs give it: one table of options (CLI
 * flag, JSON key, type, default, range, help) drives the CLI parser, its --help list, the API's accepted keys and
 * the option tables of README.md and docs/api.md; one check (cllm_run_request_check) gives the same message for the
 * same bad request from both. Credentials: a server address with user:password@, a query or a fragment is refused
 * here (the address is written to the results and logged); the key goes in api_key, which is never written. */
#ifndef CLLM_RUN_REQUEST_H
#define CLLM_RUN_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/config.h"
#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_registry;
struct cllm_run_params;

#define CLLM_RQ_PATH_MAX 4096

/* What the request says; strings are "" when not given. */
struct cllm_run_request {
    int  n_models;                                   /* 0: the config's models */
    char models[CLLM_CONFIG_MAX_MODELS][65];         /* registry keys as given (checked by cllm_run_request_check) */
    bool skip_classic, skip_ai;
    char quant[64];                                  /* "" each model's default */
    bool cpu;                                        /* CPU only */
    bool download;                                   /* true: fetch missing files */
    bool synthetic;                                  /* true: fall back to a synthetic model */
    double runs;                                     /* timed runs per model (config runs.count), when given */
    char compare[256];                               /* comparison phases, comma-separated as given */
    bool all_phases;                                 /* --all-phases */
    char ladder[16];                                 /* "first", "all", "off"; "" the default (first) */
    double until_stable;                             /* --until-stable CV, when given */
    char engine[16];                                 /* API: "in-process", "auto", "manual"; "" implied */
    char llama_server[CLLM_RQ_PATH_MAX];             /* auto mode: the executable (the API allows only a few) */
    char server_url[1024];                           /* manual mode: base URL */
    char server_model[256];                          /* manual mode: model name sent in requests */
    char api_key[512];                               /* manual mode: Bearer token; never written or logged */
    char gpus[128];                                  /* --gpus / --gpu: detected GPU indices, "0,2" */
    char sampling[16];                               /* "auto", "device", "host" (llm/engine.h) */
    char split_mode[16];                             /* multi-GPU "together" loads: "layer", "row", "both" */
    char tensor_split[16];                           /* "free", "even" */
    /* CLI only (the API uses its server's folders) */
    char output[CLLM_RQ_PATH_MAX];                   /* results folder ("results") */
    char config[CLLM_RQ_PATH_MAX];                   /* --config FILE */
    char models_dir[CLLM_RQ_PATH_MAX];
    char models_file[CLLM_RQ_PATH_MAX];
    char llama_lib[CLLM_RQ_PATH_MAX];
    char rpc[4352];                                  /* --rpc HOST:PORT,... (16 servers at most) */
    char submit[1024];                               /* --submit URL: the results hub the file is sent to */
    char submit_token[300];                          /* --submit-token T (default $COMPUTELLM_HUB_TOKEN) */
    bool has_config_object;                          /* API: "config" was given (applied by the API itself) */
    uint64_t given;                                  /* bit i: option i of the table was given */
    /* filled by cllm_run_request_check */
    unsigned compare_bits;                           /* CLLM_AI_COMPARE_* */
    char mode[16];                                   /* "in-process", "auto", "manual" */
};

enum cllm_run_opt_type {
    CLLM_RO_BOOL,      /* CLI: a flag that sets flag_value; JSON: true/false */
    CLLM_RO_INT,       /* CLI: N; JSON: a whole number; in [min, max] */
    CLLM_RO_NUMBER,    /* CLI: a number; JSON: a number; in [min, max] */
    CLLM_RO_STRING,    /* CLI: a word; JSON: a string (null or "" = not given) */
    CLLM_RO_KEYS,      /* CLI: words up to the next option (space- or comma-separated); JSON: array of strings */
    CLLM_RO_LIST,      /* CLI: comma-separated; JSON: array of strings or one comma-separated string */
    CLLM_RO_OBJECT,    /* JSON only: an object (the API applies it) */
};

/* One option. flag NULL: API only; key NULL: CLI only. */
struct cllm_run_opt {
    const char *flag;          /* "--server-url" */
    const char *short_flag;    /* "-m", or NULL */
    const char *key;           /* "server_url" */
    enum cllm_run_opt_type type;
    const char *metavar;       /* "URL" in --help; NULL for flags */
    bool        flag_value;    /* BOOL: what the CLI flag sets (--no-download: false) */
    double      min, max;      /* INT range */
    const char *def;           /* the default, as the docs show it */
    const char *help;          /* one line; the docs' meaning */
    size_t      offset, size;  /* in struct cllm_run_request; size: string buffer bytes */
};

/* The table, NULL-flag-and-key terminated: n returned. */
const struct cllm_run_opt *cllm_run_options(size_t *n);

/* Defaults: nothing given, downloads and synthetic models allowed. */
void cllm_run_request_init(struct cllm_run_request *rq);

/* "server_url (--server-url)", "engine", "--output": how messages name an option in both front ends. */
void cllm_run_opt_name(const struct cllm_run_opt *o, char *out, size_t n);

/* The option whose flag (or short flag, or "--flag=value" form) is arg; NULL when none. */
const struct cllm_run_opt *cllm_run_opt_by_flag(const char *arg);

/* Sets one option from a CLI value (NULL for BOOL). CLLM_ERR_INVALID_ARG with the message when the value does not
 * parse (a number that is not one, a string too long); range and meaning are checked by cllm_run_request_check. */
enum cllm_status cllm_run_request_set_cli(struct cllm_run_request *rq, const struct cllm_run_opt *o,
                                          const char *value, char *err, size_t errlen);

/* Fills rq from a POST /api/runs body (a JSON object). Unknown keys and values of the wrong JSON type are refused
 * (CLLM_ERR_INVALID_ARG, message naming the key). The "config" object is not applied here: the API applies it. */
enum cllm_status cllm_run_request_from_json(struct cllm_run_request *rq, const struct cJSON *body, char *err,
                                            size_t errlen);

/* THE check of a request, for the CLI and the API alike: model keys known to reg (when not NULL) and well formed,
 * quantization name, runs range, comparison phases (known; not with skip_ai), one engine mode and only its fields,
 * the server address (cllm_run_check_server_url), control characters in the model name and key. Fills
 * compare_bits and mode. CLLM_ERR_INVALID_ARG with the message (never repeating api_key). */
enum cllm_status cllm_run_request_check(struct cllm_run_request *rq, const struct cllm_registry *reg, char *err,
                                        size_t errlen);

/* The server address rule of every command that takes one (run, serve-bench, the API): http:// or https://, a
 * host, no spaces or control characters, and no credentials: user:password@, a query or a fragment are refused
 * (the address is written to results and logs; a key goes in api_key / --api-key, sent as a Bearer token and
 * never written). CLLM_ERR_INVALID_ARG with a message that does not repeat the credentials. */
enum cllm_status cllm_run_check_server_url(const char *url, char *err, size_t errlen);

/* Applies a checked request to run params: skip flags, cfg models and runs, ai fields pointing into rq (which
 * must outlive rp). Folders (output, models_dir, ...) only when given. */
void cllm_run_request_apply(const struct cllm_run_request *rq, struct cllm_run_params *rp);

/* The options list of `computellm run --help` (CLI options in table order). */
void cllm_run_options_help(FILE *f);

/* The Markdown table of every option (README.md and docs/api.md hold it between <!-- run-options --> markers). */
void cllm_run_options_markdown(FILE *f);

#ifdef __cplusplus
}
#endif

#endif
