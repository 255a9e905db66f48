/* Terminal output of the classic phases: one progress line per phase and the final table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "classic/classic.h"
#include "cli/cli.h"
#include "monitor/monitor.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/write.h"

/* One line of what the phase measured, e.g. "512: 80.1, 1024: 90.2, 2048: 95.3 GFLOPS". */
static void phase_result(FILE *f, int index, const cJSON *ph)
{
    const char *status = cllm_r_str(ph, &CLLM_F_CL_STATUS);
    const cJSON *results, *r;
    int first = 1;

    if (!status || strcmp(status, "ok") != 0) {
        const char *why = cllm_r_str(ph, &CLLM_F_REASON);
        if (!why)
            why = cllm_r_str(ph, &CLLM_F_ERROR);
        fprintf(f, "%s", why ? why : "");
        return;
    }
    if (index == CLLM_CLASSIC_MEMORY) {
        const cJSON *res = cllm_r_get(ph, &CLLM_F_MEM_RESULTS);
        for (int t = 0; t < 2; t++) {
            const cJSON *mode = cllm_r_get(res, t == 0 ? &CLLM_F_MEM_ALL_THREADS : &CLLM_F_MEM_SINGLE_THREAD);
            fprintf(f, "%s%s:", t ? "; " : "", t == 0 ? "all threads" : "1 thread");
            for (int i = 0; i < CLLM_MEMBW_COUNT; i++)
                fprintf(f, " %s %.1f", CLLM_MEM_KERNEL_FIELDS[i]->name,
                        cllm_r_num(cllm_r_get(mode, CLLM_MEM_KERNEL_FIELDS[i]), &CLLM_F_MEM_GBPS));
        }
        fputs(" GB/s", f);
        return;
    }
    results = cllm_r_get(ph, index == CLLM_CLASSIC_GPU ? &CLLM_F_GPU_RESULTS : &CLLM_F_CPU_RESULTS);
    cJSON_ArrayForEach(r, results) {
        double g = cllm_r_num(r, &CLLM_F_CL_GFLOPS);
        const char *dot = strchr(r->string, 'x');
        fprintf(f, "%s%.*s: ", first ? "" : ", ", dot ? (int)(dot - r->string) : (int)strlen(r->string), r->string);
        if (g >= 10000)
            fprintf(f, "%.1f TFLOPS", g / 1000);
        else
            fprintf(f, "%.1f GFLOPS", g);
        if (cJSON_IsTrue(cllm_r_get(r, &CLLM_F_CPU_SUSPECT)))
            fputs(" (suspect)", f);
        first = 0;
    }
    if (index == CLLM_CLASSIC_GPU) {
        const cJSON *last = results ? cJSON_GetArrayItem(results, cJSON_GetArraySize(results) - 1) : NULL;
        const cJSON *mem = cllm_r_get(ph, &CLLM_F_GPU_MEMORY);
        double d2d = cllm_r_num(cllm_r_get(mem, &CLLM_F_GPU_D2D), &CLLM_F_GPU_BEST_GBPS);
        double h2d = cllm_r_num(cllm_r_get(mem, &CLLM_F_GPU_H2D), &CLLM_F_GPU_BEST_GBPS);
        if (last) {
            fprintf(f, " FP32; at %s:", last->string);
            /* the precisions after fp32 */
            for (int i = CLLM_GPUGEMM_TF32; i < CLLM_GPUGEMM_PRECISION_COUNT; i++) {
                double t = cllm_r_num(cllm_r_get(last, CLLM_GPU_PRECISION_FIELDS[i]), &CLLM_F_GPU_MEAN_TFLOPS);
                if (isfinite(t))
                    fprintf(f, " %s %.0f", CLLM_GPU_PRECISION_FIELDS[i]->name, t);
            }
            fputs(" TFLOPS", f);
        }
        if (isfinite(d2d))
            fprintf(f, "; device copy %.0f GB/s", d2d);
        if (isfinite(h2d))
            fprintf(f, ", host->device %.0f GB/s", h2d);
    }
    {
        const cJSON *pk = cllm_r_get(ph, &CLLM_F_CPU_PEAK);
        double est = cllm_r_num(pk, &CLLM_F_CPU_PEAK_GFLOPS), ratio = cllm_r_num(pk, &CLLM_F_CPU_PEAK_RATIO);
        if (isfinite(est) && isfinite(ratio))
            fprintf(f, "; peak estimate %.0f GFLOPS (ratio %.2f)", est, ratio);
    }
}

static bool status_ok(const cJSON *ph)
{
    const char *st = cllm_r_str(ph, &CLLM_F_CL_STATUS);
    return st && strcmp(st, "ok") == 0;
}

/* Lines under a phase's row: each suspect size with its reason; other processes' CPU use when it was high. */
static void phase_notes(FILE *f, const cJSON *ph)
{
    const cJSON *r;
    struct cllm_monitor_summary sum;
    double pct;

    cJSON_ArrayForEach(r, cllm_r_get(ph, &CLLM_F_CPU_RESULTS)) {
        const char *why = cllm_r_str(r, &CLLM_F_CPU_SUSPECT_REASON);
        if (cJSON_IsTrue(cllm_r_get(r, &CLLM_F_CPU_SUSPECT)))
            fprintf(f, "    note: %s suspect: %s\n", r->string, why ? why : "below the single-thread result");
    }
    memset(&sum, 0, sizeof(sum));
    sum.other_cpu_pct_mean = cllm_r_num(cllm_r_get(cllm_r_get(ph, &CLLM_F_MONITOR), &CLLM_F_MON_SUMMARY),
                                        &CLLM_F_MON_OTHER_CPU_PCT_MEAN);
    /* a phase that measured nothing has no numbers to be low */
    if (cllm_monitor_noisy(&sum, &pct) && status_ok(ph))
        fprintf(f, "    note: other processes used %.0f %% of the CPU during this phase: numbers may be low\n", pct);
}

void cli_classic_progress(enum cllm_phase_event ev, int index, int count, const char *name, const cJSON *phase,
                          void *user_data)
{
    FILE *f = user_data ? (FILE *)user_data : stderr;
    const char *status = cllm_r_str(phase, &CLLM_F_CL_STATUS);
    if (ev == CLLM_PHASE_START) {
        fprintf(f, "[classic %d/%d] %s ...\n", index + 1, count, name);
        return;
    }
    fprintf(f, "[classic %d/%d] %s: %s in %.1f s — ", index + 1, count, name, status ? status : "?",
            cllm_r_num(phase, &CLLM_F_CL_DURATION_S));
    phase_result(f, index, phase);
    fputc('\n', f);
}

void cli_print_classic_table(FILE *f, const cJSON *section)
{
    const cJSON *benchmarks = cllm_r_get(section, &CLLM_F_CL_BENCHMARKS);

    fprintf(f, "\nClassic benchmarks\n  %-18s %-8s %s\n", "phase", "status", "result");
    for (int i = 0; i < CLLM_CLASSIC_PHASE_COUNT; i++) {
        const cJSON *ph = cllm_r_get(benchmarks, CLLM_CLASSIC_PHASE_FIELDS[i]);
        const char *status = cllm_r_str(ph, &CLLM_F_CL_STATUS);
        if (!ph)
            continue;
        fprintf(f, "  %-18s %-8s ", CLLM_CLASSIC_PHASE_FIELDS[i]->name, status ? status : "?");
        phase_result(f, i, ph);
        fputc('\n', f);
        phase_notes(f, ph);
    }
}
