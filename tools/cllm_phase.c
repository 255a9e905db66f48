/* Runs one classic phase of computellm and prints its JSON on stdout (no cleanup pause, no monitor):
 *   cllm_phase cpu_multi_thread|cpu_single_thread|memory_bandwidth|gpu_compute [config.json]
 * Used by the scripts in tools/ to compare a phase with a reference tool in the same run. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "classic/classic.h"
#include "core/config.h"
#include "hw/hw.h"
#include "report/fields_classic.h"
#include "report/write_classic.h"

int main(int argc, char **argv)
{
    struct cllm_config cfg;
    struct cllm_hw_params hp = cllm_hw_default_params();
    static struct cllm_hw_info hw;
    struct cllm_classic_params p = cllm_classic_default_params();
    static struct cllm_classic_result r;
    cJSON *ph;
    char err[512], *text;

    if (argc < 2) {
        fprintf(stderr, "usage: cllm_phase PHASE [config.json]\n");
        return 2;
    }
    cllm_config_defaults(&cfg);
    if (argc > 2 && cllm_config_load(&cfg, argv[2], err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "cllm_phase: %s\n", err);
        return 2;
    }
    cllm_hw_detect(&hp, &hw);
    p.cfg = &cfg;
    p.hw = &hw;
    for (int i = 0; i < CLLM_CLASSIC_PHASE_COUNT; i++)
        if (strcmp(argv[1], CLLM_CLASSIC_PHASE_FIELDS[i]->name) == 0)
            p.only = i;
    if (p.only < 0) {
        fprintf(stderr, "cllm_phase: unknown phase '%s'\n", argv[1]);
        return 2;
    }
    p.cleanup = false;
    p.monitor = false;
    cllm_classic_run(&p, &r);
    ph = cllm_write_classic_phase(&r, p.only);
    text = ph ? cJSON_Print(ph) : NULL;
    puts(text ? text : "{}");
    free(text);
    cJSON_Delete(ph);
    cllm_classic_result_free(&r);
    return 0;
}
