/* Terminal output of the classic phases: one progress line per phase and the final table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "classic/classic.h"
#include "cli/cli.h"
#include "report/result.h"
#include "core/json.h"

static const char *str(const cJSON *root, const char *path)
{
    const cJSON *v = cllm_json_path(root, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* One line of what the phase measured, e.g. "512: 80.1, 1024: 90.2, 2048: 95.3 GFLOPS". */
static void phase_result(FILE *f, const char *name, const cJSON *ph)
{
    const char *status = str(ph, "status");
    const cJSON *results = cllm_json_path(ph, "results"), *r;
    int first = 1;

    if (!status || strcmp(status, "ok") != 0) {
        const char *why = str(ph, "reason");
        if (!why)
            why = str(ph, "error");
        fprintf(f, "%s", why ? why : "");
        return;
    }
    if (strcmp(name, "memory_bandwidth") == 0) {
        static const char *const k[] = {"write", "read", "copy", "triad"};
        for (int t = 0; t < 2; t++) {
            const char *mode = t == 0 ? "all_threads" : "single_thread";
            fprintf(f, "%s%s:", t ? "; " : "", t == 0 ? "all threads" : "1 thread");
            for (int i = 0; i < 4; i++) {
                char path[96];
                snprintf(path, sizeof(path), "results.%s.%s.gbps", mode, k[i]);
                fprintf(f, " %s %.1f", k[i], cli_num(ph, path));
            }
        }
        fputs(" GB/s", f);
        return;
    }
    cJSON_ArrayForEach(r, results) {
        double g = cli_num(r, "gflops");
        const char *dot = strchr(r->string, 'x');
        fprintf(f, "%s%.*s: ", first ? "" : ", ", dot ? (int)(dot - r->string) : (int)strlen(r->string), r->string);
        if (g >= 10000)
            fprintf(f, "%.1f TFLOPS", g / 1000);
        else
            fprintf(f, "%.1f GFLOPS", g);
        first = 0;
    }
    if (strcmp(name, "gpu_compute") == 0) {
        const cJSON *last = results ? cJSON_GetArrayItem(results, cJSON_GetArraySize(results) - 1) : NULL;
        static const char *const prec[] = {"tf32", "fp16", "bf16"};
        if (last) {
            fprintf(f, " FP32; at %s:", last->string);
            for (int i = 0; i < 3; i++) {
                char path[64];
                snprintf(path, sizeof(path), "%s.mean_tflops", prec[i]);
                if (isfinite(cli_num(last, path)))
                    fprintf(f, " %s %.0f", prec[i], cli_num(last, path));
            }
            fputs(" TFLOPS", f);
        }
        if (isfinite(cli_num(ph, "memory.d2d.best_gbps")))
            fprintf(f, "; device copy %.0f GB/s", cli_num(ph, "memory.d2d.best_gbps"));
        if (isfinite(cli_num(ph, "memory.h2d.best_gbps")))
            fprintf(f, ", host->device %.0f GB/s", cli_num(ph, "memory.h2d.best_gbps"));
    }
    if (isfinite(cli_num(ph, "peak.gflops_estimate")) && isfinite(cli_num(ph, "peak.ratio")))
        fprintf(f, "; peak estimate %.0f GFLOPS (ratio %.2f)", cli_num(ph, "peak.gflops_estimate"),
                cli_num(ph, "peak.ratio"));
}

void cli_classic_progress(enum cllm_phase_event ev, int index, int count, const char *name, const cJSON *phase,
                          void *user_data)
{
    FILE *f = user_data ? (FILE *)user_data : stderr;
    if (ev == CLLM_PHASE_START) {
        fprintf(f, "[classic %d/%d] %s ...\n", index + 1, count, name);
        return;
    }
    fprintf(f, "[classic %d/%d] %s: %s in %.1f s — ", index + 1, count, name,
            str(phase, "status") ? str(phase, "status") : "?", cli_num(phase, "duration_s"));
    phase_result(f, name, phase);
    fputc('\n', f);
}

void cli_print_classic_table(FILE *f, const cJSON *section)
{
    const char *const *names;
    int n = cllm_classic_phase_names(&names);
    const cJSON *benchmarks = cllm_json_path(section, "benchmarks");

    fprintf(f, "\nClassic benchmarks\n  %-18s %-8s %s\n", "phase", "status", "result");
    for (int i = 0; i < n; i++) {
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(benchmarks, names[i]);
        if (!ph)
            continue;
        fprintf(f, "  %-18s %-8s ", names[i], str(ph, "status") ? str(ph, "status") : "?");
        phase_result(f, names[i], ph);
        fputc('\n', f);
    }
}
