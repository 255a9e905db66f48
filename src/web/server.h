/* The embedded HTTP server of `computellm gui` (libmicrohttpd): the front-end files embedded at build time and
 * the REST API of web/api.h. Safe against the web pages the user visits (docs/api.md, Security): a per-launch
 * token on every /api/ request (loopback too), a Host allow-list on every request (DNS rebinding), an Origin and
 * Sec-Fetch-Site check on the API, JSON-only bodies; a worker pool with connection limits, idle timeouts and
 * event streams parked (suspended) between events, so slow clients cannot take every thread. */
#ifndef CLLM_WEB_SERVER_H
#define CLLM_WEB_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"
#include "web/api.h"

struct cllm_store;

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_WEB_DEFAULT_PORT 8501

struct cllm_web_params {
    const char *host;               /* numeric address or "localhost" to bind ("127.0.0.1") */
    int         port;               /* TCP port; 0 picks a free one (see cllm_web_port) */
    const char *token;              /* the secret every /api/ request carries; NULL: a random one per start */
    bool        no_token;           /* no token at all: loopback hosts only (start fails otherwise) */
    const char *const *allow_hosts; /* Host names accepted besides the bound address, localhost, 127.0.0.1, [::1] */
    size_t      n_allow_hosts;
    unsigned    threads;                 /* worker threads polling the connections (default 4) */
    unsigned    max_connections;         /* open connections in all (default 256) */
    unsigned    max_connections_per_ip;  /* open connections per client address (default 32) */
    unsigned    connection_timeout_s;    /* an idle connection is closed after this (default 20 s) */
    struct cllm_web_api_params api; /* results folder, models, upload limit, allowed llama-server paths */
    /* the results hub (computellm hub): non-NULL serves web/hub.h's API over this store (not owned) instead of the
     * GUI's, and the hub page at / */
    struct cllm_store *hub_store;
    /* several named tokens (hub --tokens-file): each accepted, its name recorded as the submitter; with token or
     * no_token: refused */
    const struct cllm_web_tokens *tokens;
};

/* Named tokens: a tokens file is one "NAME TOKEN" per line ('#' comments and blank lines skipped); NAME 1 to 64 of
 * [A-Za-z0-9._@-], TOKEN 16 to 256 of [A-Za-z0-9._~-]; names and tokens each unique. */
#define CLLM_WEB_MAX_TOKENS 4096
struct cllm_web_tokens {
    char  **names;
    char  **tokens;
    size_t  n;
};

/* Parses a tokens file's text; CLLM_ERR_PARSE with "line N: ..." in err. Free with cllm_web_tokens_free. */
enum cllm_status cllm_web_tokens_parse(const char *text, size_t len, struct cllm_web_tokens *out, char *err,
                                       size_t errlen);
void cllm_web_tokens_free(struct cllm_web_tokens *t);

struct cllm_web_params cllm_web_default_params(void);

struct cllm_web_server;

/* Starts the server in its own threads. NULL on failure with the reason in err (address in use, bad host, bad
 * token or --allow-host name, no_token on a non-loopback host, a llama-server path that is not executable). */
struct cllm_web_server *cllm_web_start(const struct cllm_web_params *p, char *err, size_t errlen);

/* The port actually bound. */
int cllm_web_port(const struct cllm_web_server *s);

/* The token the API wants (the one given, or the random one made at start); NULL with no_token. */
const char *cllm_web_token(const struct cllm_web_server *s);

/* The name of the cookie that carries the token: "computellm_token_<port>" (cookies are not kept per port). */
const char *cllm_web_cookie_name(const struct cllm_web_server *s);

/* Cancels a running benchmark (its results file is still written), ends the streams, stops, frees. */
void cllm_web_stop(struct cllm_web_server *s);

/* True for 127.0.0.0/8, ::1, ::ffff:127.x.x.x and "localhost"; false for anything else or unparsable. */
bool cllm_web_host_is_loopback(const char *host);

#ifdef __cplusplus
}
#endif

#endif
