/* The results hub's REST API (computellm hub, docs/api.md "Results hub"), apart from the HTTP transport that
 * web/server.c shares with the GUI: a request in, a response out. POST /api/submit stores a results file through
 * store/store.h; GET /api/leaderboard (JSON), /api/leaderboard.csv, /api/machines/{fingerprint},
 * /api/results/{id}/{fingerprint} (the raw file), /api/compare (report/compare.h over stored files) and
 * /api/health read it back. */
#ifndef CLLM_WEB_HUB_H
#define CLLM_WEB_HUB_H

#include "web/api.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_store;
struct cllm_hub;

/* The hub's routes over an open store (not owned). NULL when out of memory. */
struct cllm_hub *cllm_hub_new(struct cllm_store *store);
void cllm_hub_free(struct cllm_hub *hub);

/* Answers one request; submitter is the name of the token the request carried (NULL: none needed). The caller
 * frees the response with cllm_web_response_free. */
void cllm_hub_handle(struct cllm_hub *hub, const struct cllm_web_request *req, const char *submitter,
                     struct cllm_web_response *resp);

#ifdef __cplusplus
}
#endif

#endif
