#include "classic/classic.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "classic/cpu_gemm.h"
#include "classic/membw.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "classic/gpu_gemm.h"
#include "hw/hw.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"

enum { PH_CPU1, PH_CPUN, PH_MEM, PH_GPU, PH_COUNT };

static const char *const g_names[PH_COUNT] = {"cpu_single_thread", "cpu_multi_thread", "memory_bandwidth",
                                              "gpu_compute"};

int cllm_classic_phase_names(const char *const **names)
{
    *names = g_names;
    return PH_COUNT;
}

struct cllm_classic_params cllm_classic_default_params(void)
{
    struct cllm_classic_params p = {
        .cfg = NULL, .hw = NULL, .cancel = NULL, .cleanup = true, .cleanup_pause_s = 1.0, .drop_page_cache = true,
        .monitor = true, .keep_samples = true, .only = NULL, .progress = NULL, .monitor_sample = NULL,
        .user_data = NULL,
    };
    return p;
}

static int physical_cores(const struct cllm_hw_info *hw)
{
    if (hw->cpu.physical_cores > 0)
        return hw->cpu.physical_cores;
    return hw->cpu.logical_cores > 0 ? hw->cpu.logical_cores : 1;
}

static void run_phase(int which, const struct cllm_classic_params *p, cJSON *phase)
{
    const struct cllm_config *cfg = p->cfg;
    const struct cllm_hw_info *hw = p->hw;

    switch (which) {
    case PH_CPU1:
    case PH_CPUN: {
        struct cllm_cpu_gemm_params g = cllm_cpu_gemm_default_params();
        g.sizes = cfg->cpu_matrix_sizes;
        g.n_sizes = cfg->n_cpu_matrix_sizes;
        g.iterations = cfg->gemm_iterations;
        g.threads = which == PH_CPU1 ? 1 : physical_cores(hw);
        g.report_peak = which == PH_CPUN;
        g.cancel = p->cancel;
        cllm_cpu_gemm_run(&g, &hw->cpu, phase);
        break;
    }
    case PH_MEM: {
        struct cllm_membw_params m = cllm_membw_default_params();
        int64_t llc = hw->cpu.l3.size_bytes > 0 ? hw->cpu.l3.size_bytes : hw->cpu.l2.size_bytes;
        int inst = hw->cpu.l3.size_bytes > 0 ? hw->cpu.l3.instances : hw->cpu.l2.instances;
        m.array_bytes = (size_t)cfg->memory_array_mb << 20;
        /* all instances together: with several L3 slices the data can hide in their sum */
        m.llc_bytes = llc > 0 ? llc * (inst > 0 ? inst : 1) : -1;
        m.repeats = cfg->memory_repeats;   /* config range 5..100, refused outside it when the config is read */
        m.threads_all = hw->cpu.logical_cores > 0 ? hw->cpu.logical_cores : 1;
        {
            /* read now, after the cleanup: the earlier phases' memory is back, another program may have taken some */
            struct cllm_ram_info ram;
            cllm_ram_detect(NULL, &ram);
            m.available_bytes = ram.available_bytes >= 0 ? ram.available_bytes : hw->ram.available_bytes;
        }
        m.cancel = p->cancel;
        cllm_membw_run(&m, phase);
        break;
    }
    case PH_GPU: {
        struct cllm_gpu_compute_params g = cllm_gpu_compute_default_params();
        g.sizes = cfg->gpu_matrix_sizes;
        g.n_sizes = cfg->n_gpu_matrix_sizes;
        g.iterations = cfg->gemm_iterations;
        cllm_gpu_compute_run(&g, hw, phase);
        break;
    }
    default:
        break;
    }
}

void cllm_classic_run(const struct cllm_classic_params *p, cJSON *section)
{
    cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(section, "benchmarks");
    const char *overall = "ok";

    if (!benchmarks)
        benchmarks = cJSON_AddObjectToObject(section, "benchmarks");
    for (int i = 0; i < PH_COUNT; i++) {
        cJSON *phase, *st;
        struct cllm_monitor *mon = NULL;
        double t0;
        char err[256] = "";

        if (p->only && strcmp(p->only, g_names[i]) != 0)
            continue;
        if (p->cancel && *p->cancel) {
            overall = "partial";
            break;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(benchmarks, g_names[i]);
        phase = cJSON_AddObjectToObject(benchmarks, g_names[i]);
        if (p->progress)
            p->progress(CLLM_PHASE_START, i, PH_COUNT, g_names[i], phase, p->user_data);
        t0 = cllm_now_s();
        if (p->cleanup) {
            struct cllm_cleanup_params cp = cllm_cleanup_default_params();
            cp.pause_s = p->cleanup_pause_s;
            cp.drop_caches = p->drop_page_cache;
            cJSON_AddItemToObject(phase, "cleanup", cllm_cleanup_run(&cp));
        }
        if (p->monitor) {
            struct cllm_monitor_params mp = cllm_monitor_default_params();
            mp.interval_s = p->cfg->monitor_interval_s;
            mp.gpu = p->hw->gpu.n_devices > 0;
            mp.on_sample = p->monitor_sample;
            mp.user_data = p->user_data;
            mon = cllm_monitor_start(&mp, err, sizeof(err));
            if (!mon)
                CLLM_LOG(CLLM_LOG_WARN, "%s: resource monitor did not start: %s", g_names[i], err);
        }
        run_phase(i, p, phase);
        if (mon) {
            cllm_monitor_stop(mon);
            cJSON_AddItemToObject(phase, "monitor", cllm_monitor_to_json(mon, p->keep_samples));
            cllm_monitor_free(mon);
        } else if (p->monitor) {
            cJSON *m = cJSON_AddObjectToObject(phase, "monitor");
            cJSON_AddNullToObject(m, "summary");
            cJSON_AddStringToObject(m, "reason", err[0] ? err : "monitor unavailable");
        }
        cJSON_AddNumberToObject(phase, "duration_s", cllm_now_s() - t0);
        st = cJSON_GetObjectItemCaseSensitive(phase, "status");
        if (cJSON_IsString(st) && strcmp(st->valuestring, "failed") == 0 && strcmp(overall, "ok") == 0)
            overall = "failed";
        if (cJSON_GetObjectItemCaseSensitive(phase, "cancelled"))
            overall = "partial";
        if (p->progress)
            p->progress(CLLM_PHASE_DONE, i, PH_COUNT, g_names[i], phase, p->user_data);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(section, "status");
    cJSON_DeleteItemFromObjectCaseSensitive(section, "reason");
    cJSON_AddStringToObject(section, "status", overall);
}
