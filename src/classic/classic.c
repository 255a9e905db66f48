#include "classic/classic.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"

enum {
    PH_CPU1 = CLLM_CLASSIC_CPU_SINGLE, PH_CPUN = CLLM_CLASSIC_CPU_MULTI, PH_MEM = CLLM_CLASSIC_MEMORY,
    PH_GPU = CLLM_CLASSIC_GPU, PH_COUNT = CLLM_CLASSIC_PHASE_COUNT
};

/* for the log only (the results keys are report/fields_classic.c's) */
static const char *const g_log_names[PH_COUNT] = {"CPU GEMM, 1 thread", "CPU GEMM, all cores", "memory bandwidth",
                                                  "GPU compute"};

struct cllm_classic_params cllm_classic_default_params(void)
{
    struct cllm_classic_params p = {
        .cfg = NULL, .hw = NULL, .cancel = NULL, .cleanup = true, .cleanup_pause_s = 1.0, .drop_page_cache = true,
        .monitor = true, .keep_samples = true, .only = -1, .gpus = NULL, .gpu_backends = NULL,
        .n_gpu_backends = 0, .gpu_copy_bytes = 0, .gpu_h2d_bytes = 0, .progress = NULL, .monitor_sample = NULL,
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

enum cllm_classic_status cllm_classic_phase_status(const struct cllm_classic_result *r, int index)
{
    if (!r || index < 0 || index >= PH_COUNT || !r->phase[index].ran)
        return CLLM_CLASSIC_NONE;
    switch (index) {
    case PH_CPU1: return r->cpu_single.status;
    case PH_CPUN: return r->cpu_multi.status;
    case PH_MEM:  return r->memory.status;
    case PH_GPU:  return r->gpu.status;
    default:      return CLLM_CLASSIC_NONE;
    }
}

/* The GPU compute phase on each selected GPU (opened by its PCI bus id where detection has one, else by its
 * runtime device number), then the copies between them. */
static void run_gpu_phase(const struct cllm_classic_params *p, struct cllm_classic_result *r)
{
    const struct cllm_config *cfg = p->cfg;
    const struct cllm_hw_info *hw = p->hw;
    const struct cllm_gpu_selection *sel = p->gpus;
    struct cllm_gpugemm_params g = cllm_gpugemm_default_params();
    int n = sel ? sel->n : 0, devices[CLLM_GPU_MAX];

    g.sizes = cfg->gpu_matrix_sizes;
    g.n_sizes = cfg->n_gpu_matrix_sizes;
    g.iterations = cfg->gemm_iterations;
    g.backends = p->gpu_backends;
    g.n_backends = p->n_gpu_backends;
    if (p->gpu_copy_bytes)
        g.copy_bytes = p->gpu_copy_bytes;
    if (p->gpu_h2d_bytes)
        g.h2d_bytes = p->gpu_h2d_bytes;
    if (n > CLLM_GPU_MAX)
        n = CLLM_GPU_MAX;
    if (n >= 2) {
        r->per_gpu_more = calloc((size_t)(n - 1), sizeof(*r->per_gpu_more));
        if (!r->per_gpu_more)
            n = 1;
    }
    for (int k = 0; k < (n > 0 ? n : 1); k++) {
        struct cllm_gpugemm_result *out = k == 0 ? &r->gpu : &r->per_gpu_more[k - 1];
        if (n > 0) {
            int gi = sel->index[k];
            g.device = sel->runtime_index[k] >= 0 ? sel->runtime_index[k] : k;
            g.pci_bus_id = hw && gi < hw->gpu.n_devices && hw->gpu.devices[gi].pci_bus_id[0]
                               ? hw->gpu.devices[gi].pci_bus_id : NULL;
            r->per_gpu_index[k] = gi;
        }
        if (k > 0 && p->cancel && *p->cancel)
            break;
        cllm_gpugemm_run(&g, hw, out);
        devices[k] = out->params.device;
        if (n >= 2)
            r->n_per_gpu = k + 1;
    }
    if (r->n_per_gpu >= 2 && !(p->cancel && *p->cancel)) {
        r->peers = calloc(1, sizeof(*r->peers));
        if (r->peers) {
            g.pci_bus_id = NULL;
            cllm_gpugemm_peers_run(&g, devices, r->per_gpu_index, r->n_per_gpu, r->peers);
        }
    }
}

static void run_phase(int which, const struct cllm_classic_params *p, struct cllm_classic_result *r)
{
    const struct cllm_config *cfg = p->cfg;
    const struct cllm_hw_info *hw = p->hw;

    switch (which) {
    case PH_CPU1:
    case PH_CPUN: {
        struct cllm_cpugemm_params g = cllm_cpugemm_default_params();
        g.sizes = cfg->cpu_matrix_sizes;
        g.n_sizes = cfg->n_cpu_matrix_sizes;
        g.iterations = cfg->gemm_iterations;
        g.threads = which == PH_CPU1 ? 1 : physical_cores(hw);
        g.report_peak = which == PH_CPUN;
        g.cancel = p->cancel;
        cllm_cpugemm_run(&g, &hw->cpu, which == PH_CPU1 ? &r->cpu_single : &r->cpu_multi);
        if (which == PH_CPUN && r->phase[PH_CPU1].ran)
            cllm_cpugemm_mark_suspect(&r->cpu_single, &r->cpu_multi);
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
        cllm_membw_run(&m, &r->memory);
        break;
    }
    case PH_GPU:
        run_gpu_phase(p, r);
        break;
    default:
        break;
    }
}

void cllm_classic_result_free(struct cllm_classic_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < PH_COUNT; i++) {
        if (r->phase[i].has_monitor)
            cllm_monitor_report_free(&r->phase[i].monitor);
    }
    cllm_cpugemm_result_free(&r->cpu_single);
    cllm_cpugemm_result_free(&r->cpu_multi);
    cllm_membw_result_free(&r->memory);
    cllm_gpugemm_result_free(&r->gpu);
    for (int i = 0; r->per_gpu_more && i < r->n_per_gpu - 1; i++)
        cllm_gpugemm_result_free(&r->per_gpu_more[i]);
    free(r->per_gpu_more);
    if (r->peers)
        cllm_gpugemm_peers_free(r->peers);
    free(r->peers);
    memset(r, 0, sizeof(*r));
}

void cllm_classic_run(const struct cllm_classic_params *p, struct cllm_classic_result *r)
{
    enum cllm_classic_status overall = CLLM_CLASSIC_OK;

    memset(r, 0, sizeof(*r));
    for (int i = 0; i < PH_COUNT; i++) {
        struct cllm_classic_phase *ph = &r->phase[i];
        struct cllm_monitor *mon = NULL;
        enum cllm_classic_status st;
        double t0;

        if (p->only >= 0 && p->only != i)
            continue;
        if (p->cancel && *p->cancel) {
            overall = CLLM_CLASSIC_PARTIAL;
            break;
        }
        ph->ran = true;
        if (p->progress)
            p->progress(CLLM_PHASE_START, i, PH_COUNT, r, p->user_data);
        t0 = cllm_now_s();
        if (p->cleanup) {
            struct cllm_cleanup_params cp = cllm_cleanup_default_params();
            cp.pause_s = p->cleanup_pause_s;
            cp.drop_caches = p->drop_page_cache;
            cllm_cleanup_do(&cp, &ph->cleanup);
            ph->has_cleanup = true;
        }
        if (p->monitor) {
            struct cllm_monitor_params mp = cllm_monitor_default_params();
            mp.interval_s = p->cfg->monitor_interval_s;
            mp.gpu = p->hw->gpu.n_devices > 0;
            mp.on_sample = p->monitor_sample;
            mp.user_data = p->user_data;
            ph->monitor_asked = true;
            mon = cllm_monitor_start(&mp, ph->monitor_error, sizeof(ph->monitor_error));
            if (!mon)
                CLLM_LOG(CLLM_LOG_WARN, "%s: resource monitor did not start: %s", g_log_names[i], ph->monitor_error);
        }
        run_phase(i, p, r);
        if (mon) {
            cllm_monitor_stop(mon);
            /* out of memory for the series still gives the report without it */
            ph->has_monitor = cllm_monitor_report(mon, p->keep_samples, &ph->monitor) != CLLM_ERR_INVALID_ARG;
            cllm_monitor_free(mon);
        }
        ph->duration_s = cllm_now_s() - t0;
        ph->finished = true;
        st = cllm_classic_phase_status(r, i);
        if (st == CLLM_CLASSIC_FAILED && overall == CLLM_CLASSIC_OK)
            overall = CLLM_CLASSIC_FAILED;
        if (st == CLLM_CLASSIC_CANCELLED)
            overall = CLLM_CLASSIC_PARTIAL;
        if (p->progress)
            p->progress(CLLM_PHASE_DONE, i, PH_COUNT, r, p->user_data);
    }
    r->status = overall;
}
