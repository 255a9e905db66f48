/* The REST API of the web GUI (docs/api.md), apart from the HTTP transport: a request (method, decoded path,
 * body) in, a response (status, type, body) out, so the routing and the run state are testable without sockets.
 * One benchmark run at a time, in a background thread through cllm_run_benchmark; its progress callbacks
 * become events that GET /api/runs/{id} lists and the events stream (Server-Sent Events) replays and follows. */
#ifndef CLLM_WEB_API_H
#define CLLM_WEB_API_H

#include <stdbool.h>
#include <stddef.h>

#include "core/log.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_WEB_MAX_UPLOAD_BYTES (16u << 20)   /* default limit of a request body: 16 MiB */

struct cllm_web_api_params {
    const char *results_dir;        /* where runs write and where results are listed/imported ("results") */
    const char *models_dir;         /* NULL: the pipeline's default ("models") */
    const char *models_file;        /* extra model registry; NULL: $COMPUTELLM_MODELS_FILE */
    const char *llama_lib;          /* libllama file or folder; NULL: the default search */
    size_t      max_upload_bytes;   /* request bodies above this get 413 */
    bool        probe_llama;        /* GET /api/hardware loads libllama to report its version (default true) */
    /* the llama-server executables a run body may name besides "llama-server" (computellm gui --llama-server);
     * each must be an executable file when the API starts. The API never runs any other path. */
    const char *const *llama_servers;
    size_t      n_llama_servers;
    /* called after every new event, when a run ends and at shutdown, with the API's lock held: it must not call
     * back into the API (the transport resumes its waiting event streams here). NULL: none. */
    void      (*notify)(void *user);
    void       *notify_user;
};

struct cllm_web_api_params cllm_web_api_default_params(void);

struct cJSON;
/* The view of one parsed results file, what GET /api/results/{name}/view sends (docs/api.md): the numbers the GUI
 * draws, in the units it shows, with the file's null reasons. The file may come from anywhere (an import): every
 * key is checked for its type. The caller frees it (cJSON_Delete). */
struct cJSON *cllm_web_result_view(const struct cJSON *res);

struct cllm_web_request {
    const char *method;             /* "GET", "POST", "DELETE", ... */
    const char *path;               /* percent-decoded path without the query, e.g. "/api/results/x.json" */
    const char *body;               /* may be NULL */
    size_t      body_len;           /* bytes */
    bool        body_too_large;     /* the transport stopped reading above max_upload_bytes */
    const char *last_event_id;      /* SSE "Last-Event-ID" header, or NULL */
    const char *const *query_keys;  /* the query's arguments, decoded (the hub's filters); the GUI's API ignores */
    const char *const *query_vals;  /* them; a value may be NULL ("?a" without "=") */
    size_t      n_query;
};

struct cllm_web_response {
    int         status;             /* HTTP status */
    const char *content_type;       /* static string */
    char       *body;               /* malloc'd, body_len bytes */
    size_t      body_len;
    char        attachment[256];    /* non-empty: sent as Content-Disposition: attachment; filename="..." */
    char        stream_run[64];     /* non-empty: answer with the events stream of this run instead of body */
    long        stream_from;        /* index of the first event to stream */
    int         retry_after_s;      /* > 0: sent as Retry-After (a 503 while the hub's database is down) */
};

struct cllm_web_api;

/* NULL with the reason in err: out of memory, or a llama_servers entry that is not an executable file. */
struct cllm_web_api *cllm_web_api_new(const struct cllm_web_api_params *p, char *err, size_t errlen);

/* Cancels the running run (its results file is still written), wakes every stream so it ends. */
void cllm_web_api_shutdown(struct cllm_web_api *api);

/* Shuts down, waits for the run thread, frees everything. */
void cllm_web_api_free(struct cllm_web_api *api);

/* Answers one request; the caller frees the response with cllm_web_response_free. */
void cllm_web_api_handle(struct cllm_web_api *api, const struct cllm_web_request *req,
                         struct cllm_web_response *resp);
void cllm_web_response_free(struct cllm_web_response *resp);

/* A response of the GUI's and the hub's routes: body (malloc'd, owned by resp) of a type; obj as compact JSON
 * (taken over; a 500 when it cannot be printed); {"error": "..."} from a format. */
struct cJSON;
void cllm_web_reply_text(struct cllm_web_response *resp, int status, const char *type, char *body);
void cllm_web_reply_json(struct cllm_web_response *resp, int status, struct cJSON *obj);
void cllm_web_reply_error(struct cllm_web_response *resp, int status, const char *fmt, ...)
    CLLM_PRINTF(3, 4);

/* Events stream: "id: N\nevent: TYPE\ndata: JSON\n\n" per event, from event index `from`; ends after "done". */
struct cllm_web_stream;
struct cllm_web_stream *cllm_web_stream_open(struct cllm_web_api *api, const char *run_id, long from);
/* Copies the next bytes into buf without waiting. Returns the byte count; 0 with *ended true at the end of the
 * stream (run done and sent, or shutdown), 0 with *ended false when nothing is pending yet (the transport waits
 * for params.notify, and sends its own keepalive comments). Event text is valid UTF-8 (repaired if need be). */
size_t cllm_web_stream_read(struct cllm_web_stream *s, char *buf, size_t n, bool *ended);
void cllm_web_stream_close(struct cllm_web_stream *s);

/* A quantization name the API accepts: 1 to 31 of [A-Za-z0-9_] ("Q4_K_M", "IQ2_XXS", "F16"). */
bool cllm_web_valid_quant(const char *name);

/* A results file name the API accepts: [A-Za-z0-9._-], not hidden, no "..", ends in ".json", at most 200 chars. */
bool cllm_web_valid_result_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif
