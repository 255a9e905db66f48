/* The LLM section's writer: ai_benchmarks from the LLM phases' structs (llm/llm_result.h, llm/metrics.h,
 * llm/engine.h). The AI phase (app/ai_phase.c) calls these as each model or variant ends. */
#ifndef CLLM_REPORT_WRITE_LLM_H
#define CLLM_REPORT_WRITE_LLM_H

#include "llm/llm_result.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;

/* A window's energy keys (report/fields_llm.c CLLM_R_ENERGY's) into o: numbers or null with the reason. The run's
 * prompt_energy/decode_energy objects and a sweep row (its keys inline) both take them from here. */
void cllm_w_llm_energy(struct cJSON *o, const struct cllm_llm_energy *e);

/* section.results, made when missing (the map the models go into). */
struct cJSON *cllm_write_ai_results(struct cJSON *section);
/* section.registry and section.llama (before the models). */
void cllm_write_ai_start(struct cJSON *section, const char *registry, const struct cllm_ai_llama *llama);
/* section.status, replaced; error (NULL: none) as section.error. */
void cllm_write_ai_status(struct cJSON *section, const char *status, const char *error);
/* --skip-ai: results {}, status "skipped", reason. */
void cllm_write_ai_skipped(struct cJSON *section, const char *reason);
/* results[key] = r (a model result of shape PLAIN), replacing an earlier one. */
void cllm_write_llm_model_result(struct cJSON *results, const char *key, const struct cllm_llm_model_result *r);

/* section.comparisons = {} (replacing an earlier one); returned. */
struct cJSON *cllm_write_ai_comparisons(struct cJSON *section);
/* comparisons[phase] = {} ; returned. */
struct cJSON *cllm_write_ai_cmp_phase(struct cJSON *cmp, enum cllm_llm_cmp_phase phase);
/* phase[key] = {} (the model's variants go in it); returned. */
struct cJSON *cllm_write_ai_cmp_model(struct cJSON *phase, const char *key);
/* per_model[v->label] = v, a variant of `phase` (shape QUANT or VARIANT). */
void cllm_write_llm_variant(struct cJSON *per_model, enum cllm_llm_cmp_phase phase,
                            const struct cllm_llm_model_result *v);
/* comparisons.status (replaced) and error (NULL: none). */
void cllm_write_ai_cmp_status(struct cJSON *cmp, const char *status, const char *error);

/* The pieces as objects of their own (caller deletes; NULL on allocation failure): a run's metrics
 * (CLLM_R_LLM_RUN's metric keys, NAN as null with the reason), a summary, an engine's identity. */
struct cJSON *cllm_write_llm_run_metrics(const struct cllm_llm_run_metrics *m);
struct cJSON *cllm_write_llm_summary(const struct cllm_llm_summary *s);
struct cJSON *cllm_write_llm_engine(const struct cllm_engine_info *e);

#ifdef __cplusplus
}
#endif

#endif
