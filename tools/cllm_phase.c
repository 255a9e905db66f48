/* Runs one classic phase of computellm and prints its JSON on stdout (no cleanup pause, no monitor):
 *   cllm_phase cpu_multi_thread|cpu_single_thread|memory_bandwidth|gpu_compute [config.json]
 * Used by the scripts in tools/ to compare a phase with a reference tool in the same run. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "classic/classic.h"
#include "core/config.h"
#include "hw/hw.h"

int main(int argc, char **argv)
{
    struct cllm_config cfg;
    struct cllm_hw_params hp = cllm_hw_default_params();
    static struct cllm_hw_info hw;
    struct cllm_classic_params p = cllm_classic_default_params();
    cJSON *section = cJSON_CreateObject(), *ph;
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
    p.only = argv[1];
    p.cleanup = false;
    p.monitor = false;
    cllm_classic_run(&p, section);
    ph = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(section, "benchmarks"), argv[1]);
    if (!ph) {
        fprintf(stderr, "cllm_phase: unknown phase '%s'\n", argv[1]);
        return 2;
    }
    text = cJSON_Print(ph);
    puts(text);
    free(text);
    cJSON_Delete(section);
    return 0;
}
