/* Model downloads from Hugging Face over HTTPS (libcurl): https://huggingface.co/{repo}/resolve/{revision}/{file}
 * into `dest` through `dest.part`, with
 *   - HF_ENDPOINT (base URL of a mirror) and HF_TOKEN (sent as "Authorization: Bearer", never to redirect targets
 *     on other hosts) honoured; HF_HUB_OFFLINE=1 fails at once as offline;
 *   - resume: an existing .part is hashed, then continued with a Range request (206 appends; 200 restarts from
 *     zero; 416 means the part is already whole);
 *   - checks: size against X-Linked-Size and sha256 against X-Linked-Etag, which Hugging Face sends for LFS files on
 *     the first (redirect) response, read from every hop; plus the registry's sha256 where it has one. On a mismatch
 *     the .part is deleted and the message names both hashes;
 *   - files held in parts (split-a, split-b) fetched in order and joined into one file;
 *   - atomic rename of the .part on success; on a lost connection the .part is kept for the next run.
 * Nothing here prints; the CLI draws the progress bar from the callback. */
#ifndef CLLM_DOWNLOAD_H
#define CLLM_DOWNLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a download failed, for the caller's choice (the pipeline turns any failure into "use a synthetic model"). */
enum cllm_download_failure {
    CLLM_DL_OK = 0,
    CLLM_DL_UNSUPPORTED,     /* built without libcurl */
    CLLM_DL_OFFLINE,         /* server not reachable: DNS, connect refused or timed out, HF_HUB_OFFLINE=1 */
    CLLM_DL_NETWORK,         /* connection lost or too slow mid-transfer, TLS error; the .part is kept */
    CLLM_DL_HTTP,            /* the server answered an error status (404, 401, 5xx, ...) */
    CLLM_DL_INTEGRITY,       /* size or sha256 mismatch; the .part was removed */
    CLLM_DL_DISK,            /* local file error or not enough free space */
    CLLM_DL_CANCELLED,       /* the progress callback asked to stop; the .part is kept */
    CLLM_DL_BUSY,            /* another process is writing the same .part */
};

/* "ok", "unsupported", "offline", "network", "http", "integrity", "disk", "cancelled", "busy". */
const char *cllm_download_failure_name(enum cllm_download_failure f);

enum cllm_download_phase {
    CLLM_DL_PHASE_CHECKING,  /* hashing the bytes already in the .part before resuming */
    CLLM_DL_PHASE_FETCHING,  /* receiving */
};

struct cllm_download_progress {
    enum cllm_download_phase phase;
    const char *file;        /* repository file in progress (a part name for split files) */
    int     part;            /* 1-based index of that file */
    int     n_parts;
    int64_t done_bytes;      /* bytes of the final file in place (checked or received), resumed bytes included */
    int64_t total_bytes;     /* size of the final file; -1 unknown */
    double  rate_bps;        /* receive rate over the last second or so, bytes/s; 0 before the first sample */
    double  eta_s;           /* seconds left at that rate; -1 unknown */
    double  elapsed_s;       /* since the call started */
};

/* Called at most every progress_interval_s (and once at the end of each phase). Return nonzero to cancel. */
typedef int (*cllm_download_progress_fn)(const struct cllm_download_progress *p, void *user_data);

struct cllm_download_params {
    const char *endpoint;          /* base URL; NULL: $HF_ENDPOINT, else "https://huggingface.co" */
    const char *token;             /* NULL: $HF_TOKEN; "" sends none */
    const char *revision;          /* NULL: "main" (cllm_download_model uses the model's revision) */
    long   connect_timeout_s;      /* give up connecting after this long; 10 */
    long   low_speed_bytes;        /* abort when slower than this many bytes/s ... */
    long   low_speed_time_s;       /* ... for this many seconds; 1024 B/s for 30 s */
    int    retries;                /* extra attempts, resuming, after a connection lost mid-transfer; 2 */
    double retry_delay_s;          /* pause before each retry; 1 */
    double progress_interval_s;    /* 0.25 */
    cllm_download_progress_fn progress;  /* may be NULL */
    void  *user_data;
    int64_t expected_total_bytes;  /* progress total before the server says it (split files); -1 unknown */
};

struct cllm_download_params cllm_download_default_params(void);

/* One file of the repository, with what is known of it beforehand (e.g. from the registry). */
struct cllm_download_part {
    const char *file;              /* file name in the repository */
    const char *sha256;            /* expected lower- or upper-case hex; NULL or "" unknown */
    int64_t     size_bytes;        /* expected exact size; -1 unknown */
};

struct cllm_download_result {
    enum cllm_download_failure failure;
    long    http_status;           /* final status of the last request; 0 none */
    char    url[768];              /* the last URL requested (resolve URL, before redirects) */
    bool    already_present;       /* dest existed: nothing fetched, nothing checked */
    int64_t bytes;                 /* size of the final file */
    int64_t resumed_bytes;         /* bytes found in the .part and kept (hashed again) */
    int64_t fetched_bytes;         /* bytes received in this call */
    double  elapsed_s;
    double  rate_bps;              /* fetched_bytes / seconds spent receiving; 0 when nothing was fetched */
    bool    sha256_checked;        /* every file's sha256 matched a server- or registry-given value */
    char    sha256[65];            /* of the final file when it is a single file; "" for joined parts */
};

/* What the response headers of one request said, over every hop: libcurl hands each header line of each redirect
 * to one callback, and this is what it keeps. Needs no libcurl (tests and tests/fuzz feed lines directly). */
struct cllm_download_headers {
    int     hops;                  /* status lines seen ("HTTP/1.1 302 Found" starts a hop) */
    long    status;                /* status code of the latest hop; 0 none or unreadable */
    int64_t content_length;        /* Content-Length of the latest hop, bytes; -1 none or invalid */
    bool    has_content_range;     /* the latest hop had a Content-Range */
    int64_t cr_start, cr_total;    /* its "bytes START-END/TOTAL", bytes; -1 unknown ("*") or invalid */
    int64_t linked_size;           /* X-Linked-Size of the first hop that had one, bytes; -1 none */
    char    linked_etag[96];       /* X-Linked-Etag of the first hop that had one, W/ and quotes removed; "" none */
    bool    location_relative;     /* the latest Location stays on the same host ("/path", not "//host/...") */
};

void cllm_download_headers_init(struct cllm_download_headers *h);

/* Reads one header line of len bytes as received (not NUL-terminated, CRLF included or not) into h. True when it
 * was a status line (a new hop: the per-hop fields are reset). */
bool cllm_download_header_line(struct cllm_download_headers *h, const char *line, size_t len);

/* True when this build can download (libcurl and a SHA-256 implementation were found at build time). */
bool cllm_download_supported(void);

/* endpoint + "/" + repo + "/resolve/" + revision + "/" + file, with unsafe characters percent-encoded.
 * NULL endpoint / revision take the defaults above. */
void cllm_download_resolve_url(const char *endpoint, const char *repo, const char *revision, const char *file,
                               char *out, size_t n);

/* Fetches `parts` (one, or several joined in order) of `repo` into dest. dest existing already is success with
 * res->already_present. res is filled on failure too. */
enum cllm_status cllm_download_hf(const char *repo, const struct cllm_download_part *parts, int n_parts,
                                  const char *dest, const struct cllm_download_params *p,
                                  struct cllm_download_result *res, char *err, size_t errlen);

/* The first max_bytes of `file` in `repo` (a GGUF's header: metadata and tensor infos) with a Range request, into
 * *buf_out (malloc'd, *len_out bytes; fewer when the file is shorter). A server that ignores Range is read up to
 * max_bytes and cut off. Endpoint, token, revision and timeouts as cllm_download_hf; err names the URL. */
enum cllm_status cllm_download_head(const char *repo, const char *file, const struct cllm_download_params *p,
                                    size_t max_bytes, void **buf_out, size_t *len_out, char *err, size_t errlen);

struct cllm_model;
struct cllm_model_quant;

/* The registry's file for model m at quantization q into models_dir/<file> (cllm_model_local_path), with the
 * registry's sizes and hashes as expectations; checks free disk space first when the size is known. */
enum cllm_status cllm_download_model(const struct cllm_model *m, const struct cllm_model_quant *q,
                                     const char *models_dir, const struct cllm_download_params *p,
                                     struct cllm_download_result *res, char *err, size_t errlen);

/* SHA-256 of a buffer / a file as 64 lower-case hex digits (GNU Nettle). UNSUPPORTED when built without it. */
enum cllm_status cllm_sha256_hex(const void *data, size_t len, char out[65]);
enum cllm_status cllm_sha256_file(const char *path, char out[65], char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
