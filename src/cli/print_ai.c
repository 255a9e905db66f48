/* Terminal output of the LLM phase: progress lines, a progress bar for downloads and synthetic models, and the
 * final table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "app/ai_phase.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "monitor/monitor.h"
#include "report/write.h"

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
    cJSON_ArrayForEach(run, cllm_r_get(r, &CLLM_F_LLM_RUNS)) {
        double srv = cllm_r_num(cllm_r_get(run, &CLLM_F_LLM_SR_SERVER_TIMINGS), &CLLM_F_LLM_ST_PREDICTED_PER_SECOND);
        double ours = cllm_r_num(run, &CLLM_F_LLM_RUN_DECODE_TPS);
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

/* "stability" keeps the seed's meaning (every run succeeded); shown as such, with the runs' variation beside it. */
static const char *stability_text(const cJSON *sum, char *buf, size_t n)
{
    const char *st = cllm_r_str(sum, &CLLM_F_LLM_STABILITY);
    double cv = cllm_r_num(sum, &CLLM_F_LLM_CV_TPS);
    const char *what = !st ? "?" : strcmp(st, "stable") == 0 ? "all runs OK" : "some runs failed";
    if (isfinite(cv))
        snprintf(buf, n, "%s, CV %.1f %%", what, cv);
    else
        snprintf(buf, n, "%s", what);
    return buf;
}

/* The ladder of one model: llama-bench's method down to the chat through llama-server, each rung's cost. */
static void ladder_table(FILE *f, const char *key, const cJSON *lad)
{
    const cJSON *rung;
    const char *backend = cllm_r_str(lad, &CLLM_F_LLM_LADDER_BACKEND);
    fprintf(f, "\nWhy is the chat slower than llama-bench? %s on %s, %d threads, %d-token prompt, %d generated\n",
            key, backend ? backend : "?", cllm_r_int(lad, &CLLM_F_LLM_LADDER_N_THREADS, 0),
            cllm_r_int(lad, &CLLM_F_LLM_LADDER_N_PROMPT, 0), cllm_r_int(lad, &CLLM_F_LLM_LADDER_N_GEN, 0));
    fprintf(f, "  %-42s %11s %8s %9s %8s  %s\n", "rung", "decode t/s", "cost", "TTFT s", "cost", "what it adds");
    cJSON_ArrayForEach(rung, cllm_r_get(lad, &CLLM_F_LLM_LADDER_RUNGS)) {
        const char *name = cllm_r_str(rung, &CLLM_F_LLM_RUNG_NAME), *st = cllm_r_str(rung, &CLLM_F_LLM_RUNG_STATUS);
        const char *adds = cllm_r_str(rung, &CLLM_F_LLM_RUNG_ADDS);
        char c1[16] = "-", c2[16] = "-", tt[16] = "-";
        double dc = cllm_r_num(rung, &CLLM_F_LLM_RUNG_DECODE_COST), tc = cllm_r_num(rung, &CLLM_F_LLM_RUNG_TTFT_COST);
        double ttft = cllm_r_num(rung, &CLLM_F_LLM_RUNG_TTFT_S);
        if (!st || strcmp(st, "ok") != 0) {
            const char *why = cllm_r_str(rung, &CLLM_F_REASON);
            fprintf(f, "  %-42s %s: %s\n", name ? name : "?", st ? st : "?", why ? why : "");
            continue;
        }
        if (isfinite(dc))
            snprintf(c1, sizeof(c1), "%.1f %%", dc);
        if (isfinite(tc))
            snprintf(c2, sizeof(c2), "%.1f %%", tc);
        if (isfinite(ttft))
            snprintf(tt, sizeof(tt), "%.3f", ttft);
        fprintf(f, "  %-42s %11.1f %8s %9s %8s  %s\n", name ? name : "?",
                cllm_r_num(rung, &CLLM_F_LLM_RUNG_DECODE_TPS), c1, tt, c2, adds ? adds : "");
    }
    fprintf(f, "  (cost: the share of the rung above's decode rate lost, and the time to first token added; a "
               "negative cost is within the runs' noise)\n");
}

/* The status's why: reason, else error. */
static const char *why_of(const cJSON *o)
{
    const char *why = cllm_r_str(o, &CLLM_F_REASON);
    return why ? why : cllm_r_str(o, &CLLM_F_ERROR);
}

/* The summary's energy: J/token of decode (and of the prompt), or why it was not measured. */
static void energy_line(FILE *f, const cJSON *sum)
{
    double jpt = cllm_r_num(sum, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN);
    double pjt = cllm_r_num(sum, &CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN);
    const char *why;
    if (!cJSON_GetObjectItemCaseSensitive(sum, CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN.name))
        return;   /* a file from before energy was measured */
    if (isfinite(jpt)) {
        const char *dom = cllm_r_str(sum, &CLLM_F_EN_DOMAINS), *src = cllm_r_str(sum, &CLLM_F_EN_SOURCE);
        fprintf(f, "  %-16s energy: decode %.4f J/token (%.1f tokens/J, %.1f W)", "", jpt,
                cllm_r_num(sum, &CLLM_F_LLM_AVG_DECODE_TOKENS_PER_J), cllm_r_num(sum, &CLLM_F_LLM_AVG_DECODE_WATTS));
        if (isfinite(pjt))
            fprintf(f, ", prompt %.4f J/token (%.1f W)", pjt, cllm_r_num(sum, &CLLM_F_LLM_AVG_PROMPT_WATTS));
        fprintf(f, "; %s from %s\n", dom ? dom : "?", src ? src : "?");
        return;
    }
    why = cllm_r_null_why(sum, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN);
    fprintf(f, "  %-16s energy: J/token null: %s\n", "", why ? why : "not measured");
}

void cli_print_ai_table(FILE *f, const cJSON *section)
{
    const cJSON *results = cllm_r_get(section, &CLLM_F_AI_RESULTS), *r;
    const cJSON *first = results ? results->child : NULL;
    const cJSON *first_engine = cllm_r_get(first, &CLLM_F_LLM_ENGINE);
    const char *lib = cllm_r_str(first_engine, &CLLM_F_LLM_E_LIBRARY);

    end_bar(f);
    if (lib && cllm_r_str(first_engine, &CLLM_F_LLM_E_URL)) {
        /* the server engine: name the server, not the local library (used only to make synthetic models) */
        const char *mode = cllm_r_str(first_engine, &CLLM_F_LLM_E_MODE);
        const char *url = cllm_r_str(first_engine, &CLLM_F_LLM_E_URL);
        fprintf(f, "\nLLM inference through %s (%s mode, %s)\n", lib, mode ? mode : "?", url ? url : "?");
    } else {
        const cJSON *llama = cllm_r_get(section, &CLLM_F_AI_LLAMA);
        const char *ver = cllm_r_str(llama, &CLLM_F_AI_LLAMA_VERSION);
        const char *var = cllm_r_str(llama, &CLLM_F_AI_LLAMA_VARIANT);
        fprintf(f, "\nLLM inference (llama.cpp %s, %s)\n", ver ? ver : "not loaded", var && var[0] ? var : "-");
    }
    fprintf(f, "  %-16s %-9s %-8s %12s %10s %9s %9s %9s  %s\n", "model", "status", "backend", "tokens/s", "TTFT s",
            "ITL ms", "p90 ms", "peak GB", "runs");
    cJSON_ArrayForEach(r, results) {
        const cJSON *engine = cllm_r_get(r, &CLLM_F_LLM_ENGINE), *sum = cllm_r_get(r, &CLLM_F_LLM_SUMMARY);
        const cJSON *stall = cllm_r_get(r, &CLLM_F_LLM_STALL);
        const char *status = cllm_r_str(r, &CLLM_F_LLM_STATUS);
        const char *backend = cllm_r_str(engine, &CLLM_F_LLM_E_BACKEND);
        bool synth = cJSON_IsTrue(cllm_r_get(cllm_r_get(r, &CLLM_F_LLM_MODEL), &CLLM_F_LLM_M_SYNTHETIC));
        if (!backend && cllm_r_str(engine, &CLLM_F_LLM_E_URL))
            backend = "server";
        fprintf(f, "  %-16s %-9s %-8s ", r->string, status ? status : "?", backend ? backend : "-");
        if (status && strcmp(status, "ok") == 0) {
            char sbuf[64];
            const char *stability = stability_text(sum, sbuf, sizeof(sbuf));
            fprintf(f, "%6.1f ±%4.1f %10.3f %9.1f %9.1f %9.2f  %s%s\n", cllm_r_num(sum, &CLLM_F_LLM_AVG_TPS),
                    cllm_r_num(sum, &CLLM_F_LLM_STD_TPS), cllm_r_num(sum, &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S),
                    cllm_r_num(sum, &CLLM_F_LLM_ITL_MEAN_MS), cllm_r_num(sum, &CLLM_F_LLM_ITL_P90_MS),
                    cllm_r_num(sum, &CLLM_F_LLM_PEAK_MEMORY_GB), stability ? stability : "(null)",
                    synth ? "  (synthetic)" : "");
            server_rate_line(f, r);
            energy_line(f, sum);
            {
                struct cllm_monitor_summary ms;
                double pct;
                memset(&ms, 0, sizeof(ms));
                ms.other_cpu_pct_mean = cllm_r_num(cllm_r_get(cllm_r_get(r, &CLLM_F_MONITOR), &CLLM_F_MON_SUMMARY),
                                                   &CLLM_F_MON_OTHER_CPU_PCT_MEAN);
                if (cllm_monitor_noisy(&ms, &pct))
                    fprintf(f, "  %-16s note: other processes used %.0f %% of the CPU during the runs: numbers may "
                               "be low\n", "", pct);
            }
            if (cllm_r_str(stall, &CLLM_F_LLM_STALL_AT)) {
                const char *serr = cllm_r_str(stall, &CLLM_F_ERROR);
                fprintf(f, "  %-16s %s timed out, the later runs were skipped: %s\n", "",
                        cllm_r_str(stall, &CLLM_F_LLM_STALL_AT), serr ? serr : "(null)");
            }
        } else {
            const char *why = why_of(r);
            fprintf(f, "%s\n", why ? why : "");
        }
    }
    cJSON_ArrayForEach(r, results) {
        const cJSON *lad = cllm_r_get(r, &CLLM_F_LLM_LADDER);
        if (lad)
            ladder_table(f, r->string, lad);
    }
}

/* One table per phase and model: a row per variant with the shared metrics, plus the phase's own column. */
void cli_print_compare_tables(FILE *f, const cJSON *section)
{
    static const struct { const struct cllm_field *phase; const char *title, *col; } phases[] = {
        {&CLLM_F_AI_CMP_QUANTIZATION, "Quantizations", "load s"},
        {&CLLM_F_AI_CMP_TEMPERATURE, "Temperatures", "temp"},
        {&CLLM_F_AI_CMP_LANGUAGE, "Languages", "prompt tok"},
        {&CLLM_F_AI_CMP_PROMPT_TYPE, "Prompt types", "prompt tok"},
        {&CLLM_F_AI_CMP_GPUS, "GPUs", "load s"},
    };
    const cJSON *cmp = cllm_r_get(section, &CLLM_F_AI_COMPARISONS);

    end_bar(f);
    for (size_t ph = 0; ph < sizeof(phases) / sizeof(phases[0]); ph++) {
        const cJSON *phase = cllm_r_get(cmp, phases[ph].phase), *model;
        cJSON_ArrayForEach(model, phase) {
            const cJSON *v;
            fprintf(f, "\n%s, %s\n", phases[ph].title, model->string);
            fprintf(f, "  %-10s %-9s %15s %10s %9s %9s %10s  %s\n", "variant", "status", "tokens/s", "TTFT s",
                    "ITL ms", "peak GB", phases[ph].col, "runs");
            cJSON_ArrayForEach(v, model) {
                const cJSON *sum = cllm_r_get(v, &CLLM_F_LLM_SUMMARY);
                const char *status = cllm_r_str(v, &CLLM_F_LLM_STATUS);
                double extra = ph == 0 || ph == 4 ? cllm_r_num(v, &CLLM_F_LLM_M_LOAD_TIME_S)
                             : ph == 1 ? cllm_r_num(v, &CLLM_F_LLM_V_TEMPERATURE)
                                       : cllm_r_num(v, &CLLM_F_LLM_PROMPT_TOKENS);
                fprintf(f, "  %-10s %-9s ", v->string, status ? status : "?");
                if (status && strcmp(status, "ok") == 0) {
                    char sbuf[64];
                    const char *stability = stability_text(sum, sbuf, sizeof(sbuf));
                    fprintf(f, "%7.1f ±%6.1f %10.3f %9.1f %9.2f %10.*f  %s%s\n",
                            cllm_r_num(sum, &CLLM_F_LLM_AVG_TPS), cllm_r_num(sum, &CLLM_F_LLM_STD_TPS),
                            cllm_r_num(sum, &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S),
                            cllm_r_num(sum, &CLLM_F_LLM_ITL_MEAN_MS), cllm_r_num(sum, &CLLM_F_LLM_PEAK_MEMORY_GB),
                            ph == 0 || ph == 1 || ph == 4 ? 2 : 0, extra, stability ? stability : "(null)",
                            cJSON_IsTrue(cllm_r_get(v, &CLLM_F_LLM_M_SYNTHETIC)) ? "  (synthetic)" : "");
                } else {
                    const char *why = why_of(v);
                    fprintf(f, "%s\n", why ? why : "");
                }
            }
        }
    }
}
