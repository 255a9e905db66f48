/* The embedded HTTP server of `computellm gui` (libmicrohttpd): the front-end files embedded at build time and
 * the REST API of web/api.h. Loopback by default; a token guards the API when the server listens beyond it. */
#ifndef CLLM_WEB_SERVER_H
#define CLLM_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "web/api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_WEB_DEFAULT_PORT 8501

struct cllm_web_params {
    const char *host;               /* numeric address or "localhost" to bind ("127.0.0.1") */
    int         port;               /* TCP port; 0 picks a free one (see cllm_web_port) */
    const char *token;              /* required on every /api call when require_token; NULL: none */
    bool        require_token;      /* the CLI sets it for non-loopback hosts; start fails without a token */
    struct cllm_web_api_params api; /* results folder, models, upload limit */
};

struct cllm_web_params cllm_web_default_params(void);

struct cllm_web_server;

/* Starts the server in its own threads. NULL on failure with the reason in err (address in use, bad host,
 * require_token without a token). */
struct cllm_web_server *cllm_web_start(const struct cllm_web_params *p, char *err, size_t errlen);

/* The port actually bound. */
int cllm_web_port(const struct cllm_web_server *s);

/* Cancels a running benchmark (its results file is still written), ends the streams, stops, frees. */
void cllm_web_stop(struct cllm_web_server *s);

/* True for 127.0.0.0/8, ::1, ::ffff:127.x.x.x and "localhost"; false for anything else or unparsable. */
bool cllm_web_host_is_loopback(const char *host);

#ifdef __cplusplus
}
#endif

#endif
