/* The server's own metrics of a serve-bench level ("server_metrics", serve/prom.h's struct cllm_prom_level): the
 * field the lead adds to a level's fields (CLLM_F_SERVE_L_SERVER_METRICS into fields_serve.c's level_fields), its
 * record and the writer (report/write_prom.c). Key strings are spelled only in report/fields_prom.c. */
#ifndef CLLM_REPORT_FIELDS_PROM_H
#define CLLM_REPORT_FIELDS_PROM_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON;
struct cllm_prom_level;

/* levels[].server_metrics */
extern const struct cllm_field CLLM_F_SERVE_L_SERVER_METRICS;
extern const struct cllm_record CLLM_R_SERVE_SERVER_METRICS;
extern const struct cllm_field CLLM_F_PROM_STATUS;
extern const struct cllm_field CLLM_F_PROM_SERVER;
extern const struct cllm_field CLLM_F_PROM_SCRAPES;
extern const struct cllm_field CLLM_F_PROM_INTERVAL_S;
/* one per common key (serve/prom.h enum cllm_prom_key, in its order), NULL-terminated */
extern const struct cllm_field *const cllm_prom_key_fields[];

/* .<key> of a counter / of a gauge */
extern const struct cllm_field CLLM_F_PROM_BEFORE;
extern const struct cllm_field CLLM_F_PROM_AFTER;
extern const struct cllm_field CLLM_F_PROM_DELTA;
extern const struct cllm_field CLLM_F_PROM_MAX;
extern const struct cllm_field CLLM_F_PROM_SOURCE;
extern const struct cllm_record CLLM_R_PROM_COUNTER;
extern const struct cllm_record CLLM_R_PROM_GAUGE;

/* Writes L as obj's "server_metrics" object (the level's object of serving_benchmarks.levels[]). */
void cllm_write_prom_level(struct cJSON *obj, const struct cllm_prom_level *L);

#ifdef __cplusplus
}
#endif

#endif
