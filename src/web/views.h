/* Parts of a results file's view (GET /api/results/{name}/view) that explain a result: the machine it ran on, the
 * settings it ran with, and each model's roofline. Read through the field tables; the GUI formats and draws. */
#ifndef CLLM_WEB_VIEWS_H
#define CLLM_WEB_VIEWS_H
#include <cjson/cJSON.h>
#ifdef __cplusplus
extern "C" {
#endif

/* The machine of a results file (its "hardware" object, imported files too): [{"key", "value" (number, string or
 * null), "unit", "digits", "why" (the file's reason for a null)}] in display order; [] when the file has none. */
cJSON *cllm_web_view_machine(const cJSON *res);

/* The settings the file ran with: its "config" object flattened to [{"key": "inference.max_tokens", "value": text}],
 * arrays as "a, b"; [] when the file has none. */
cJSON *cllm_web_view_settings(const cJSON *res);

/* A model's roofline from its summary: {"max_tps", "ratio", "bandwidth_gbps", "bytes_per_token_gib", "basis",
 * "why"}, numbers null with the file's reason in why; JSON null when the summary has no roofline. */
cJSON *cllm_web_view_roofline(const cJSON *summary);

#ifdef __cplusplus
}
#endif
#endif
