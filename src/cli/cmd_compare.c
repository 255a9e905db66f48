/* computellm compare: several results files side by side, with ratios to a baseline. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "report/compare.h"
#include "report/compare_html.h"
#include "platform/fs.h"
#include "report/result.h"
#include "core/file.h"

void usage_compare(FILE *f)
{
    fputs("usage: computellm compare A.json B.json [C.json ...] [--baseline N]\n"
          "                          [--md | --json | --csv OUT | --html OUT]\n"
          "\n"
          "Compares results files (one column per machine) per classic metric and per model, with the ratio\n"
          "of each file to the baseline. For latencies, energy and memory lower is better; the table says so.\n"
          "Each file also gets a verdict against the baseline from the per-run samples (Welch's t test on the\n"
          "means, the ratio of the means with Fieller's 95 % interval): \"faster (1.24×, CI 1.21–1.26)\",\n"
          "\"slower (...)\", \"better\"/\"worse\" where lower is better, \"no significant difference\", or\n"
          "\"not enough runs\" (fewer than 2 samples a side).\n"
          "\n"
          "  --baseline N   the file the ratios divide by, 1-based (default 1: the first file)\n"
          "  --md           Markdown table on stdout\n"
          "  --json         the table as JSON on stdout (rows[].stats[]: verdict, ratio, ci_low, ci_high, method,\n"
          "                 n_a, n_b, p_value, df)\n"
          "  --csv OUT      CSV to OUT ('-' = stdout)\n"
          "  --html OUT     self-contained HTML report with charts ('-' = stdout); the chart library is\n"
          "                 the one embedded at build time, or $COMPUTELLM_WEB_DEPS/chart.umd.js when set\n"
          "\n"
          "example:\n"
          "  computellm compare results/benchmark_AMD_EPYC_Linux_20260206_143022.json other.json --html cmp.html\n",
          f);
}

/* The chart library's text: $COMPUTELLM_WEB_DEPS/chart.umd.js when set, else the copy embedded at build time.
 * NULL (with a warning saying why) when there is none: the report then has tables only. *owned is set when the
 * text is malloc'd (to free). */
static const char *load_chart_js(char **owned)
{
    const char *env = getenv("COMPUTELLM_WEB_DEPS"), *embedded;
    char path[1024], err[CLLM_ERR_LEN];
    size_t len;

    *owned = NULL;
    if (env && *env) {
        snprintf(path, sizeof(path), "%s/%s", env, CLLM_CHART_JS_FILE);
        if (cllm_file_read(path, 8u << 20, owned, &len, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm compare: warning: no chart library from COMPUTELLM_WEB_DEPS (%s): the report "
                            "has tables only; unset COMPUTELLM_WEB_DEPS to use the built-in copy\n", err);
            return NULL;
        }
        return *owned;
    }
    embedded = cllm_compare_chart_js(NULL);
    if (!embedded)
        fprintf(stderr, "computellm compare: warning: this computellm was built without the chart library (.deps/web/"
                        CLLM_CHART_JS_FILE " was missing at build time): the report has tables only; run "
                        "scripts/setup and rebuild, or set COMPUTELLM_WEB_DEPS to a folder holding "
                        CLLM_CHART_JS_FILE "\n");
    return embedded;
}

/* Writes the table in `fmt` (or HTML) to OUT, atomically unless OUT is "-". */
static int write_output(const struct cllm_compare_table *t, int fmt, bool html, const char *out_path)
{
    FILE *tmp;
    char *buf = NULL, *chart_owned = NULL, err[CLLM_ERR_LEN];
    const char *chart = NULL;
    long len;
    int rc = CLI_EXIT_FAIL;
    enum cllm_status st;

    if (html)
        chart = load_chart_js(&chart_owned);
    if (!out_path || strcmp(out_path, "-") == 0) {
        st = html ? cllm_compare_write_html(t, chart, stdout) : cllm_compare_write(t, fmt, stdout);
        free(chart_owned);
        return st == CLLM_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    }
    /* rendered into a temp file first so OUT is replaced in one rename */
    tmp = tmpfile();
    if (!tmp) {
        perror("computellm compare: tmpfile");
        goto cleanup;
    }
    st = html ? cllm_compare_write_html(t, chart, tmp) : cllm_compare_write(t, fmt, tmp);
    if (st != CLLM_OK || fflush(tmp) != 0 || (len = ftell(tmp)) < 0) {
        fputs("computellm compare: could not render the output\n", stderr);
        goto cleanup;
    }
    rewind(tmp);
    buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, tmp) != (size_t)len) {
        fputs("computellm compare: could not render the output\n", stderr);
        goto cleanup;
    }
    if (cllm_fs_write_atomic(out_path, buf, (size_t)len, NULL, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm compare: %s\n", err);
        goto cleanup;
    }
    fprintf(stderr, "wrote %s\n", out_path);
    rc = CLI_EXIT_OK;
cleanup:
    if (tmp)
        fclose(tmp);
    free(buf);
    free(chart_owned);
    return rc;
}

int cmd_compare(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "compare"};
    const char **files = calloc((size_t)argc, sizeof(*files));
    cJSON **trees = calloc((size_t)argc, sizeof(*trees));
    const char *out_path = NULL;
    int n = 0, baseline = 1, fmt = CLLM_COMPARE_TEXT, rc = CLI_EXIT_FAIL;
    bool html = false, json = false;
    char err[CLLM_ERR_LEN];
    struct cllm_compare_table *t = NULL;

    if (!files || !trees) {
        fputs("computellm compare: out of memory\n", stderr);
        goto cleanup;
    }
    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_compare(stdout);
            rc = CLI_EXIT_OK;
            goto cleanup;
        }
        if (cli_opt(&it, "--baseline", NULL, true)) {
            char *end;
            if (it.error) {
                rc = CLI_EXIT_USAGE;
                goto cleanup;
            }
            baseline = (int)strtol(it.value, &end, 10);
            if (*end || end == it.value || baseline < 1) {
                fprintf(stderr, "computellm compare: --baseline wants a file number from 1 (got '%s')\n", it.value);
                rc = CLI_EXIT_USAGE;
                goto cleanup;
            }
        } else if (cli_opt(&it, "--md", NULL, false)) {
            fmt = CLLM_COMPARE_MARKDOWN;
        } else if (cli_opt(&it, "--json", NULL, false)) {
            json = true;
        } else if (cli_opt(&it, "--csv", NULL, true) || (html = cli_opt(&it, "--html", NULL, true))) {
            if (it.error) {
                rc = CLI_EXIT_USAGE;
                goto cleanup;
            }
            fmt = html ? CLLM_COMPARE_TEXT : CLLM_COMPARE_CSV;
            out_path = it.value;
        } else if (argv[it.i][0] != '-') {
            files[n++] = argv[it.i];
        } else {
            rc = cli_unknown(&it, usage_compare);
            goto cleanup;
        }
    }
    if (n < 2) {
        fprintf(stderr, "computellm compare: needs at least two results files (got %d)\n\n", n);
        usage_compare(stderr);
        rc = CLI_EXIT_USAGE;
        goto cleanup;
    }
    if (baseline > n) {
        fprintf(stderr, "computellm compare: --baseline %d but only %d files\n", baseline, n);
        rc = CLI_EXIT_USAGE;
        goto cleanup;
    }
    for (int i = 0; i < n; i++)
        if (cllm_result_load(files[i], &trees[i], err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm compare: %s: %s\n", files[i], err);
            goto cleanup;
        }
    if (cllm_compare_build((const cJSON *const *)trees, files, n, baseline - 1, &t, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm compare: %s\n", err);
        goto cleanup;
    }
    if (json) {
        cJSON *j = cllm_compare_to_json(t);
        char *text = j ? cJSON_Print(j) : NULL;
        cJSON_Delete(j);
        if (!text) {
            fputs("computellm compare: out of memory\n", stderr);
            goto cleanup;
        }
        puts(text);
        free(text);
        rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
        goto cleanup;
    }
    rc = write_output(t, fmt, html, out_path);
cleanup:
    cllm_compare_free(t);
    for (int i = 0; trees && i < n; i++)
        cJSON_Delete(trees[i]);
    free(trees);
    free(files);
    return rc;
}
