/* A serve-bench level's server_metrics object from serve/prom.h's struct cllm_prom_level, through
 * report/fields_prom.c's fields. */
#include <cjson/cJSON.h>
#include <math.h>

#include "report/fields_core.h"
#include "report/fields_prom.h"
#include "report/write.h"
#include "serve/prom.h"

#define NOT_EXPORTED "the server does not export it"

void cllm_write_prom_level(cJSON *obj, const struct cllm_prom_level *L)
{
    cJSON *o = cllm_w_obj(obj, &CLLM_F_SERVE_L_SERVER_METRICS);
    if (!o)
        return;
    cllm_w_str(o, &CLLM_F_PROM_STATUS, L->measured ? "measured" : "unavailable", NULL);
    if (!L->measured)
        cllm_w_str(o, &CLLM_F_REASON, L->why[0] ? L->why : "not scraped", NULL);
    if (L->server)
        cllm_w_str(o, &CLLM_F_PROM_SERVER, L->server, NULL);
    cllm_w_int(o, &CLLM_F_PROM_SCRAPES, L->n_samples);
    cllm_w_num(o, &CLLM_F_PROM_INTERVAL_S, L->interval_s, "no scrape before and after");
    for (int k = 0; k < CLLM_PROM_N_KEYS && cllm_prom_key_fields[k]; k++) {
        const struct cllm_prom_metric *m = &L->m[k];
        cJSON *v;
        if (!L->measured) {
            /* unknown, not 0: every key null with the reason the level has no server metrics */
            cllm_w_null(o, cllm_prom_key_fields[k], L->why[0] ? L->why : "not scraped");
            continue;
        }
        if (!m->present) {
            cllm_w_null(o, cllm_prom_key_fields[k], NOT_EXPORTED);
            continue;
        }
        if (!(v = cllm_w_obj(o, cllm_prom_key_fields[k])))
            return;
        if (!isnan(m->before))
            cllm_w_num(v, &CLLM_F_PROM_BEFORE, m->before, NULL);
        cllm_w_num(v, &CLLM_F_PROM_AFTER, m->after, "not read after the level");
        if (cllm_prom_key_is_counter((enum cllm_prom_key)k))
            cllm_w_num(v, &CLLM_F_PROM_DELTA, m->delta, "the counter went down: the server restarted");
        else
            cllm_w_num(v, &CLLM_F_PROM_MAX, m->max, "no value read");
        cllm_w_str(v, &CLLM_F_PROM_SOURCE, m->source ? m->source : "?", NULL);
    }
}
