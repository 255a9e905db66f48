/* Terminal output of the LLM phase: progress lines, a progress bar for downloads and synthetic models, and the
 * final table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/result.h"
#include "app/ai_phase.h"
#include "core/json.h"

static bool g_bar_open;

static void end_bar(FILE *f)
{
    if (g_bar_open)
        fputc('\n', f);
    g_bar_open = false;
}

void cli_ai_progress(enum cllm_ai_event ev, const char *model_key, const char *text, double fraction,
                     void *user_data)
{
    FILE *f = user_data ? (FILE *)user_data : stderr;
    bool tty = isatty(fileno(f));

    if (ev == CLLM_AI_DOWNLOAD || ev == CLLM_AI_SYNTH) {
        static double last_shown = -1;
        int width = 30, filled;
        if (!isfinite(fraction))
            fraction = 0;
        /* on a pipe, print only every 10 % so logs stay short */
        if (!tty && fraction - last_shown < 0.1 && fraction >= last_shown)
            return;
        last_shown = fraction;
        filled = (int)(fraction * width + 0.5);
        fprintf(f, "%s  [%.*s%*s] %5.1f%% %s", tty ? "\r" : "", filled, "##############################",
                width - filled, "", 100 * fraction, text);
        if (tty)
            fputs("\033[K", f);
        else
            fputc('\n', f);
        g_bar_open = tty;
        fflush(f);
        return;
    }
    end_bar(f);
    switch (ev) {
    case CLLM_AI_MODEL_START: fprintf(f, "[ai] %s: %s\n", model_key, text); break;
    case CLLM_AI_NOTICE:      fprintf(f, "[ai] %s: NOTICE: %s\n", model_key, text); break;
    default:                  fprintf(f, "[ai] %s: %s\n", model_key, text); break;
    }
}

/* llama-server's own decode rate (its timings.predicted_per_second) beside ours, when it sent them */
static void server_rate_line(FILE *f, const cJSON *r)
{
    const cJSON *run;
    double sum_srv = 0, sum_ours = 0;
    int n = 0;
    cJSON_ArrayForEach(run, cllm_json_path(r, "runs")) {
        double srv = cli_num(run, "server_timings.predicted_per_second");
        double ours = cli_num(run, "decode_tokens_per_second");
        if (isfinite(srv) && isfinite(ours)) {
            sum_srv += srv;
            sum_ours += ours;
            n++;
        }
    }
    if (n > 0)
        fprintf(f, "  %-16s decode %.1f tokens/s by our timestamps, %.1f by llama-server's own timings\n", "",
                sum_ours / n, sum_srv / n);
}

void cli_print_ai_table(FILE *f, const cJSON *section)
{
    const cJSON *results = cllm_json_path(section, "results"), *r;

    const cJSON *first = results ? results->child : NULL;
    const char *lib = cJSON_GetStringValue(cllm_json_path(first, "engine.library"));

    end_bar(f);
    if (lib && cJSON_GetStringValue(cllm_json_path(first, "engine.url"))) {
        /* the server engine: name the server, not the local library (used only to make synthetic models) */
        const char *mode = cJSON_GetStringValue(cllm_json_path(first, "engine.mode"));
        const char *url = cJSON_GetStringValue(cllm_json_path(first, "engine.url"));
        fprintf(f, "\nLLM inference through %s (%s mode, %s)\n", lib, mode ? mode : "?", url ? url : "?");
    } else {
        const char *ver = cJSON_GetStringValue(cllm_json_path(section, "llama.version"));
        const char *var = cJSON_GetStringValue(cllm_json_path(section, "llama.variant"));
        fprintf(f, "\nLLM inference (llama.cpp %s, %s)\n", ver ? ver : "not loaded", var && var[0] ? var : "-");
    }
    fprintf(f, "  %-16s %-9s %-8s %12s %10s %9s %9s %9s  %s\n", "model", "status", "backend", "tokens/s", "TTFT s",
            "ITL ms", "p90 ms", "peak GB", "stability");
    cJSON_ArrayForEach(r, results) {
        const char *status = cJSON_GetStringValue(cllm_json_path(r, "status"));
        const char *backend = cJSON_GetStringValue(cllm_json_path(r, "engine.backend"));
        if (!backend && cJSON_GetStringValue(cllm_json_path(r, "engine.url")))
            backend = "server";
        bool synth = cJSON_IsTrue(cllm_json_path(r, "model.synthetic"));
        fprintf(f, "  %-16s %-9s %-8s ", r->string, status ? status : "?", backend ? backend : "-");
        if (status && strcmp(status, "ok") == 0) {
            fprintf(f, "%6.1f ±%4.1f %10.3f %9.1f %9.1f %9.2f  %s%s\n", cli_num(r, "summary.avg_tokens_per_second"),
                    cli_num(r, "summary.std_tokens_per_second"), cli_num(r, "summary.avg_first_token_latency_s"),
                    cli_num(r, "summary.inter_token_latency_mean_ms"), cli_num(r, "summary.inter_token_latency_p90_ms"),
                    cli_num(r, "summary.peak_memory_gb"),
                    cJSON_GetStringValue(cllm_json_path(r, "summary.stability")), synth ? "  (synthetic)" : "");
            server_rate_line(f, r);
            if (cJSON_GetStringValue(cllm_json_path(r, "stall.at")))
                fprintf(f, "  %-16s %s timed out, the later runs were skipped: %s\n", "",
                        cJSON_GetStringValue(cllm_json_path(r, "stall.at")),
                        cJSON_GetStringValue(cllm_json_path(r, "stall.error")));
        } else {
            const char *why = cJSON_GetStringValue(cllm_json_path(r, "reason"));
            if (!why)
                why = cJSON_GetStringValue(cllm_json_path(r, "error"));
            fprintf(f, "%s\n", why ? why : "");
        }
    }
}

/* One table per phase and model: a row per variant with the shared metrics, plus the phase's own column. */
void cli_print_compare_tables(FILE *f, const cJSON *section)
{
    static const struct { const char *json, *title, *col; } phases[] = {
        {"quantization", "Quantizations", "load s"},
        {"temperature", "Temperatures", "temp"},
        {"language", "Languages", "prompt tok"},
        {"prompt_type", "Prompt types", "prompt tok"},
    };
    const cJSON *cmp = cllm_json_path(section, "comparisons");

    end_bar(f);
    for (size_t ph = 0; ph < sizeof(phases) / sizeof(phases[0]); ph++) {
        const cJSON *phase = cJSON_GetObjectItemCaseSensitive(cmp, phases[ph].json), *model;
        cJSON_ArrayForEach(model, phase) {
            const cJSON *v;
            fprintf(f, "\n%s, %s\n", phases[ph].title, model->string);
            fprintf(f, "  %-10s %-9s %15s %10s %9s %9s %10s  %s\n", "variant", "status", "tokens/s", "TTFT s",
                    "ITL ms", "peak GB", phases[ph].col, "stability");
            cJSON_ArrayForEach(v, model) {
                const char *status = cJSON_GetStringValue(cllm_json_path(v, "status"));
                double extra = ph == 0 ? cli_num(v, "model_load_time_s")
                             : ph == 1 ? cli_num(v, "temperature") : cli_num(v, "prompt_tokens");
                fprintf(f, "  %-10s %-9s ", v->string, status ? status : "?");
                if (status && strcmp(status, "ok") == 0) {
                    fprintf(f, "%7.1f ±%6.1f %10.3f %9.1f %9.2f %10.*f  %s%s\n",
                            cli_num(v, "summary.avg_tokens_per_second"), cli_num(v, "summary.std_tokens_per_second"),
                            cli_num(v, "summary.avg_first_token_latency_s"),
                            cli_num(v, "summary.inter_token_latency_mean_ms"), cli_num(v, "summary.peak_memory_gb"),
                            ph == 0 || ph == 1 ? 2 : 0, extra,
                            cJSON_GetStringValue(cllm_json_path(v, "summary.stability")),
                            cJSON_IsTrue(cllm_json_path(v, "synthetic")) ? "  (synthetic)" : "");
                } else {
                    const char *why = cJSON_GetStringValue(cllm_json_path(v, "reason"));
                    if (!why)
                        why = cJSON_GetStringValue(cllm_json_path(v, "error"));
                    fprintf(f, "%s\n", why ? why : "");
                }
            }
        }
    }
}
