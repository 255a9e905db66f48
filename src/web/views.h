/* Parts of a results file's view (GET /api/results/{name}/view) that explain a result: the machine it ran on, the
 * settings it ran with, each model's roofline and energy. Read through the field tables; the GUI formats and draws. */
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

/* One energy window: a run's prompt_energy or decode_energy, or a sweep test (whose row holds the keys itself):
 * {"jpt" (J/token), "tpj" (tokens/J), "joules", "watts", "window_s", "tokens", "source", "domains", "note", "why"
 * (the file's reason for a null J/token)}, numbers as the file has them; JSON null when win has no energy keys (a
 * file older than them). */
cJSON *cllm_web_view_energy_window(const cJSON *win);

/* A model's or variant's energy from its summary: {"runs" (runs with a decode J/token), "decode_jpt",
 * "decode_tpj", "decode_watts", "prompt_jpt", "prompt_watts", "source", "domains", "why_decode", "why_prompt"
 * (the file's reasons for a null)}; JSON null when the summary has no energy keys. */
cJSON *cllm_web_view_energy(const cJSON *summary);

#ifdef __cplusplus
}
#endif
#endif
