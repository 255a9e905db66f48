/* computellm export: a results file as CSV (one row per metric). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/export_csv.h"
#include "platform/fs.h"
#include "report/result.h"

void usage_export(FILE *f)
{
    fputs("usage: computellm export FILE.json --csv [-o OUT]\n"
          "\n"
          "Converts a results file. CSV columns: " CLLM_RESULTS_CSV_HEADER "\n"
          "(one row per metric; params holds sizes, model keys and run numbers).\n"
          "\n"
          "  --csv          CSV output (the only format for now; required)\n"
          "  -o, --output   write to OUT (atomically) instead of stdout\n"
          "\n"
          "example:\n"
          "  computellm export results/benchmark_AMD_EPYC_Linux_20260206_143022.json --csv -o run.csv\n",
          f);
}

int cmd_export(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "export"};
    const char *input = NULL, *output = NULL;
    bool csv = false;
    char err[CLLM_ERR_LEN];
    cJSON *result = NULL;
    char *text;
    int rc = CLI_EXIT_FAIL;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_export(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--csv", NULL, false)) {
            csv = true;
        } else if (cli_opt(&it, "--output", "-o", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            output = it.value;
        } else if (argv[it.i][0] != '-' && !input) {
            input = argv[it.i];
        } else {
            return cli_unknown(&it, usage_export);
        }
    }
    if (!input) {
        fputs("computellm export: missing the results file to export\n\n", stderr);
        usage_export(stderr);
        return CLI_EXIT_USAGE;
    }
    if (!csv) {
        fputs("computellm export: choose a format: --csv\n\n", stderr);
        usage_export(stderr);
        return CLI_EXIT_USAGE;
    }
    if (cllm_result_load(input, &result, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm export: %s\n", err);
        return CLI_EXIT_FAIL;
    }
    text = cllm_results_csv(result, &CLLM_R_RESULTS);
    if (!text) {
        fputs("computellm export: out of memory\n", stderr);
        goto cleanup;
    }
    if (output) {
        if (cllm_fs_write_atomic(output, text, strlen(text), NULL, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm export: %s\n", err);
            free(text);
            goto cleanup;
        }
        fprintf(stderr, "wrote %s\n", output);
    } else {
        fputs(text, stdout);
    }
    free(text);
    rc = CLI_EXIT_OK;
cleanup:
    cJSON_Delete(result);
    return rc;
}
