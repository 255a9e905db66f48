/* computellm sweep: llama-bench's test matrix on the in-process libllama. The table (or csv/json/jsonl/sql rows)
 * goes to stdout, progress and notes to stderr; --output DIR also writes a results file. Ctrl-C stops at once,
 * keeps the tests done (and the results file) and exits 130. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/sweep.h"
#include "cli/cli.h"
#include "core/log.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "monitor/monitor.h"
#include "report/result.h"
#include "report/fields_sweep.h"

void usage_sweep(FILE *f)
{
    char text[8192];
    cllm_sweep_usage(text, sizeof(text));
    fputs(text, f);
    fputs("\nExit 0 when every test ran or was skipped with a reason, 1 when a test failed, 2 for a bad option,\n"
          "130 after Ctrl-C (the tests done are printed and written).\n",
          f);
}

struct ui {
    enum cllm_sweep_format fmt;
    const struct cllm_bench_sweep *live;   /* the rows so far (streamed formats) */
    int printed;
};

static enum cllm_sweepout_format out_fmt(enum cllm_sweep_format f)
{
    switch (f) {
    case CLLM_SWEEP_CSV: return CLLM_SWEEPOUT_CSV;
    case CLLM_SWEEP_JSON: return CLLM_SWEEPOUT_JSON;
    case CLLM_SWEEP_JSONL: return CLLM_SWEEPOUT_JSONL;
    case CLLM_SWEEP_SQL: return CLLM_SWEEPOUT_SQL;
    default: return CLLM_SWEEPOUT_MD;
    }
}

static void on_event(enum cllm_sweep_event ev, const char *text, const struct cllm_bench_test *t, void *user_data)
{
    struct ui *ui = user_data;
    switch (ev) {
    case CLLM_SWEEP_EV_MODEL:
        fprintf(stderr, "sweep: model %s\n", text);
        break;
    case CLLM_SWEEP_EV_NOTICE:
        fprintf(stderr, "sweep: %s\n", text);
        break;
    case CLLM_SWEEP_EV_STEP:
        fprintf(stderr, "computellm sweep: %s\n", text);
        break;
    case CLLM_SWEEP_EV_TEST_DONE:
        if (t && t->n_samples > 0 && !isnan(t->avg_ts))
            fprintf(stderr, "sweep: %s: %.2f \xc2\xb1 %.2f t/s (%d repetitions%s%s)\n", text, t->avg_ts,
                    isnan(t->stddev_ts) ? 0.0 : t->stddev_ts, t->n_samples, t->n_throttled ? ", some throttled" : "",
                    t->noisy ? ", other processes busy" : "");
        else if (t)
            fprintf(stderr, "sweep: %s: %s%s%s\n", text, t->status ? t->status : "failed", t->reason[0] ? ": " : "",
                    t->reason);
        /* the streamed formats print each row as it ends */
        if (t && ui->fmt != CLLM_SWEEP_MD && ui->fmt != CLLM_SWEEP_NONE) {
            struct cllm_bench_sweep one = *ui->live;
            cllm_sweepout_test(stdout, out_fmt(ui->fmt), &one, t, ui->printed == 0);
            ui->printed++;
        }
        break;
    }
}

int cmd_sweep(int argc, char *const *argv)
{
    struct cllm_sweep_params p = cllm_sweep_default_params();
    struct cllm_sweep_run_params rp;
    struct cllm_bench_sweep s;
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_hw_info *hw;
    struct cllm_gpu_selection sel;
    struct ui ui;
    struct cllm_monitor *mon = NULL;
    char err[CLLM_ERR_LEN] = "";
    bool help = false;
    time_t started = time(NULL);
    enum cllm_status st;
    int rc;

    /* -v / -q anywhere */
    {
        int n = 0;
        char **args = calloc((size_t)argc + 1, sizeof(char *));
        if (!args)
            return CLI_EXIT_FAIL;
        for (int i = 1; i < argc; i++) {
            struct cli_iter it = {.argc = argc, .argv = argv, .i = i, .cmd = "sweep"};
            if (!cli_global_opt(&it))
                args[n++] = argv[i];
        }
        st = cllm_sweep_parse(n, args, &p, &help, err, sizeof(err));
        /* p keeps pointers into argv (not into args) */
        free(args);
    }
    if (help) {
        usage_sweep(stdout);
        return CLI_EXIT_OK;
    }
    if (st != CLLM_OK) {
        fprintf(stderr, "computellm sweep: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (p.output_dir && cllm_result_dir_check(p.output_dir, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm sweep: --output %s: %s\n", p.output_dir, err);
        return CLI_EXIT_USAGE;
    }
    cli_install_signal_handlers();
    cli_fix_blas_kernels();
    hw = calloc(1, sizeof(*hw));
    if (!hw)
        return CLI_EXIT_FAIL;
    cllm_hw_detect(&hp, hw);
    if (p.gpus) {
        /* a GPU that is not there, or hidden by CUDA_VISIBLE_DEVICES & co., is refused before any test */
        if (cllm_gpu_select(&hw->gpu, p.gpus, NULL, &sel, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm sweep: --gpus: %s\n", err);
            free(hw);
            return CLI_EXIT_USAGE;
        }
    }

    memset(&rp, 0, sizeof(rp));
    memset(&s, 0, sizeof(s));
    memset(&ui, 0, sizeof(ui));
    ui.fmt = p.format;
    ui.live = &s;
    rp.p = &p;
    rp.hw = hw;
    rp.gpu_sel = p.gpus ? &sel : NULL;
    rp.cancel = cli_cancel_flag();
    rp.on_event = on_event;
    rp.user_data = &ui;
    if (p.monitor) {
        /* clocks, throttle reasons and other processes across every repetition */
        struct cllm_monitor_params mp = cllm_monitor_default_params();
        char merr[CLLM_ERR_LEN];
        mp.interval_s = p.monitor_interval_s;
        mp.gpu = hw->gpu.n_devices > 0;
        mon = cllm_monitor_start(&mp, merr, sizeof(merr));
        if (mon)
            rp.monitor = cllm_sweep_monitor_of(mon);
        else
            CLLM_LOG(CLLM_LOG_WARN, "no monitor (no throttle marking, no other-process reading): %s", merr);
    }
    if (p.format != CLLM_SWEEP_MD && p.format != CLLM_SWEEP_NONE)
        cllm_sweepout_header(stdout, out_fmt(p.format), &s);
    st = cllm_sweep_run(&rp, &s, err, sizeof(err));
    cllm_monitor_free(mon);
    if (p.format == CLLM_SWEEP_MD) {
        cllm_sweepout_header(stdout, CLLM_SWEEPOUT_MD, &s);
        for (int i = 0; i < s.n_tests; i++)
            cllm_sweepout_test(stdout, CLLM_SWEEPOUT_MD, &s, &s.tests[i], i == 0);
    }
    if (p.format != CLLM_SWEEP_NONE)
        cllm_sweepout_footer(stdout, out_fmt(p.format), &s);
    fflush(stdout);
    rc = CLI_EXIT_OK;
    if (st == CLLM_ERR_CANCELLED || cli_interrupted())
        rc = CLI_EXIT_INTERRUPTED;
    else if (st != CLLM_OK) {
        fprintf(stderr, "computellm sweep: %s\n", err);
        rc = CLI_EXIT_FAIL;
    }
    for (int i = 0; i < s.n_tests && rc == CLI_EXIT_OK; i++)
        if (s.tests[i].status && strcmp(s.tests[i].status, "failed") == 0)
            rc = CLI_EXIT_FAIL;
    if (p.output_dir) {
        char path[1024] = "";
        enum cllm_status ws = cllm_sweep_save(hw, &s, started, rc == CLI_EXIT_INTERRUPTED, p.output_dir, path,
                                              sizeof(path), err, sizeof(err));
        if (ws == CLLM_OK)
            fprintf(stderr, "sweep: results written to %s\n", path);
        else if (path[0])
            fprintf(stderr, "computellm sweep: %s\nsweep: results written to %s\n", err, path);
        else {
            fprintf(stderr, "computellm sweep: results not written: %s\n", err);
            if (rc == CLI_EXIT_OK)
                rc = CLI_EXIT_FAIL;
        }
    }
    cllm_bench_sweep_free(&s);
    free(hw);
    return rc;
}
