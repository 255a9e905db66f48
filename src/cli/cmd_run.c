/* computellm run: the benchmark plan. Detects the hardware, runs the phases this version has, and writes the
 * results file atomically; on Ctrl-C what was measured is kept with run.status "cancelled". */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classic/classic.h"
#include "app/run.h"
#include "classic/cpu_gemm.h"
#include "build_info.h"
#include "cli/cli.h"
#include "core/config.h"
#include "report/result.h"
#include "hw/hw.h"
#include "model/registry.h"
#include "app/ai_phase.h"
#include "app/run_request.h"
#include "app/submit.h"
#include "core/json.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/write.h"

void usage_run(FILE *f)
{
    fputs("usage: computellm run [OPTIONS]                (alias: computellm --cli)\n"
          "\n"
          "Runs the benchmark plan and writes results/benchmark_{CPU}_{OS}_{timestamp}.json.\n"
          "The path of the results file is printed on stdout; progress goes to stderr.\n"
          "\n", f);
    /* the options come from the one table that also makes the API's keys and the docs' tables */
    cllm_run_options_help(f);
    fputs("\n"
          "Phases: hardware detection; classic benchmarks (CPU GFLOPS single- and multi-thread through OpenBLAS,\n"
          "memory bandwidth, GPU GEMM and bandwidth through cuBLAS), each after a system cleanup and watched by\n"
          "the resource monitor; then for each model: the GGUF file (models/, downloaded from Hugging Face, or a\n"
          "SYNTHETIC stand-in with the real shape and quantization when neither works, said clearly), load, one\n"
          "warmup run and the timed runs through llama.cpp (tokens/s, first-token latency, inter-token latency,\n"
          "memory, stability).\n"
          "Ctrl-C stops after the current step and writes what was measured (run.status \"cancelled\").\n"
          "\n"
          "Each run writes a new file: when its name exists (another run of the same second), _2, _3, ... is added.\n"
          "The results folder is checked before the first phase. When the file cannot be written there at the end\n"
          "(disk full, quota, I/O error), it is saved to $XDG_STATE_HOME/computellm/ (~/.local/state/computellm/),\n"
          "else the temp folder, and that path is printed.\n"
          "\n"
          "Exit status: 0 done; 1 the work failed (no requested model ran, or the results went to a fallback\n"
          "folder); 2 usage or configuration error (a bad option value, an unknown model key, bad --config or\n"
          "--models-file, results folder not writable), before any phase; 130 interrupted.\n"
          "\n"
          "example:\n"
          "  computellm run --models tinyllama-1.1b --skip-classic --output /tmp/results\n"
          "  computellm run --models tinyllama-1.1b --skip-classic --compare temperature,language\n",
          f);
}

static void on_hardware(const struct cllm_hw_info *hw, void *user_data)
{
    (void)user_data;
    cli_print_hw(stderr, hw);
}

/* The value of option o at argv[it->i] ("--flag=value" or the next word); NULL with the message printed. KEYS take
 * every following word up to the next option, as the original's argparse nargs='+'. */
static int parse_one(struct cli_iter *it, const struct cllm_run_opt *o, struct cllm_run_request *rq)
{
    const char *a = it->argv[it->i], *eq = strchr(a, '=');
    char err[CLLM_ERR_LEN];

    if (o->type == CLLM_RO_BOOL) {
        cllm_run_request_set_cli(rq, o, NULL, err, sizeof(err));
        return 0;
    }
    if (eq && strncmp(a, "--", 2) == 0) {
        if (cllm_run_request_set_cli(rq, o, eq + 1, err, sizeof(err)) != CLLM_OK)
            goto bad;
        return 0;
    }
    if (o->type == CLLM_RO_KEYS) {
        int n = 0;
        /* an empty list is given to the check, which names the option */
        cllm_run_request_set_cli(rq, o, "", err, sizeof(err));
        while (it->i + 1 < it->argc && it->argv[it->i + 1][0] != '-') {
            if (cllm_run_request_set_cli(rq, o, it->argv[++it->i], err, sizeof(err)) != CLLM_OK)
                goto bad;
            n++;
        }
        (void)n;
        return 0;
    }
    if (it->i + 1 >= it->argc) {
        fprintf(stderr, "computellm run: option %s needs a value\n", a);
        return -1;
    }
    if (cllm_run_request_set_cli(rq, o, it->argv[++it->i], err, sizeof(err)) != CLLM_OK)
        goto bad;
    return 0;
bad:
    fprintf(stderr, "computellm run: %s\n", err);
    return -1;
}

/* run --submit: the queue first, then this run's file; a hub that cannot be reached queues it (the run itself
 * succeeded: its exit status stays 0). */
static void submit_result(const struct cllm_run_request *rq, const char *output_dir, const char *path)
{
    struct cllm_submit_params sp = cllm_submit_default_params();
    enum cllm_submit_outcome out = CLLM_SUBMIT_REJECTED;
    char queue[4200], err[CLLM_ERR_LEN];
    int http = 0, sent = 0, left = 0;

    snprintf(queue, sizeof(queue), "%s/%s", output_dir, CLLM_SUBMIT_QUEUE_DIR);
    sp.url = rq->submit;
    sp.token = rq->submit_token[0] ? rq->submit_token : NULL;
    sp.queue_dir = queue;
    sp.cancel = (const volatile int *)cli_cancel_flag();
    if (cllm_submit_flush_queue(&sp, &sent, &left, err, sizeof(err)) != CLLM_OK || sent || left)
        fprintf(stderr, "submit: queue %s: %d delivered, %d still queued\n", queue, sent, left);
    if (cllm_submit_file(&sp, path, &out, &http, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "submit: %s: %s\n", path, err);
        return;
    }
    switch (out) {
    case CLLM_SUBMIT_ADDED: fprintf(stderr, "submit: sent to %s (added)\n", rq->submit); break;
    case CLLM_SUBMIT_DUPLICATE: fprintf(stderr, "submit: sent to %s (the hub had it already)\n", rq->submit); break;
    case CLLM_SUBMIT_QUEUED: fprintf(stderr, "submit: %s\n", err); break;
    case CLLM_SUBMIT_REJECTED: fprintf(stderr, "submit: refused by the hub (HTTP %d): %s\n", http, err); break;
    }
}

int cmd_run(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "run"};
    struct cllm_run_params rp = cllm_run_default_params();
    struct cllm_run_request *rq = malloc(sizeof(*rq));
    struct cllm_registry *reg = NULL;
    enum cllm_status st;
    char err[CLLM_ERR_LEN], why[512], path[PATH_MAX];
    bool ai_failed;
    int rc = CLI_EXIT_USAGE;
    cJSON *result = NULL;
    const cJSON *ai;

    if (!rq) {
        fputs("computellm run: out of memory\n", stderr);
        return CLI_EXIT_FAIL;
    }
    cllm_run_request_init(rq);
    for (; it.i < argc; it.i++) {
        const struct cllm_run_opt *o;
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_run(stdout);
            rc = CLI_EXIT_OK;
            goto done;
        }
        /* hidden: the option table as Markdown, which README.md and docs/api.md hold (tests/cli/test_cli.sh) */
        if (strcmp(argv[it.i], "--options-markdown") == 0) {
            cllm_run_options_markdown(stdout);
            rc = CLI_EXIT_OK;
            goto done;
        }
        o = cllm_run_opt_by_flag(argv[it.i]);
        if (!o) {
            rc = cli_unknown(&it, usage_run);
            goto done;
        }
        if (parse_one(&it, o, rq) != 0)
            goto done;
    }

    if (rq->config[0] && cllm_config_load(&rp.cfg, rq->config, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm run: config error: %s\n", err);
        goto done;
    }
    if (rq->models_file[0] || !rq->skip_ai) {
        /* a broken registry found only inside the results file, after the classic phases, is found too late */
        struct cllm_registry_params regp = cllm_registry_default_params();
        if (rq->models_file[0])
            regp.user_path = rq->models_file;
        if (cllm_registry_load(&regp, &reg, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm run: %s%s\n", rq->models_file[0] ? "--models-file: " : "model registry: ", err);
            goto done;
        }
    }
    /* the same check, and the same messages, as POST /api/runs */
    if (cllm_run_request_check(rq, reg, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm run: %s\n", err);
        goto done;
    }
    cllm_run_request_apply(rq, &rp);
    if (cllm_result_dir_check(rp.output_dir, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm run: results folder '%s' cannot be written: %s\n"
                "  choose another folder with --output DIR\n", rp.output_dir, err);
        goto done;
    }
    cllm_registry_free(reg);
    reg = NULL;
    if (!rp.skip_classic)
        cli_fix_blas_kernels();
    cli_install_signal_handlers();
    fprintf(stderr, "computellm %s: benchmark run started\nhardware detection ...\n", CLLM_VERSION);
    rp.cancel = cli_cancel_flag();
    rp.on_hardware = on_hardware;
    rp.classic_progress = cli_classic_progress;
    rp.ai_progress = cli_ai_progress;
    st = cllm_run_benchmark(&rp, path, sizeof(path), &result, err, sizeof(err));
    ai = cllm_r_get(result, &CLLM_F_AI_BENCHMARKS);
    if (result && !rp.skip_classic)
        cli_print_classic_table(stderr, cllm_r_get(result, &CLLM_F_CLASSIC_BENCHMARKS));
    if (result && !rp.skip_ai && cJSON_GetArraySize(cllm_r_get(ai, &CLLM_F_AI_RESULTS)) > 0)
        cli_print_ai_table(stderr, ai);
    if (result && !rp.skip_ai && cllm_r_get(ai, &CLLM_F_AI_COMPARISONS))
        cli_print_compare_tables(stderr, ai);
    ai_failed = result && cllm_run_ai_failed(result, why, sizeof(why));
    cJSON_Delete(result);
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED) {
        rc = CLI_EXIT_FAIL;
        if (!path[0] && st == CLLM_ERR_INVALID_ARG) {
            /* a request the machine cannot serve (--gpus naming a GPU that is not there): nothing ran */
            fprintf(stderr, "computellm run: %s\n", err);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        if (!path[0]) {
            fprintf(stderr, "computellm run: cannot write results: %s\n", err);
            goto done;
        }
        /* the measurements are kept elsewhere: say where, and print that path as a normal run would */
        fprintf(stderr, "computellm run: cannot write results to '%s': %s\n"
                "results written to %s (a fallback folder: move the file where you keep results)\n", rp.output_dir,
                err, path);
        printf("%s\n", path);
        fflush(stdout);
        goto done;
    }
    printf("%s\n", path);
    fflush(stdout);
    fprintf(stderr, "results written to %s\n", path);
    rc = CLI_EXIT_OK;
    if (rq->submit[0])
        submit_result(rq, rp.output_dir, path);
    if (st == CLLM_ERR_CANCELLED) {
        rc = CLI_EXIT_INTERRUPTED;
    } else if (ai_failed) {
        fprintf(stderr, "computellm run: the LLM phase failed: %s\n", why);
        rc = CLI_EXIT_FAIL;
    }
done:
    cllm_registry_free(reg);
    /* the key is needed only while the run talks to the server */
    memset(rq->api_key, 0, sizeof(rq->api_key));
    free(rq);
    return rc;
}
