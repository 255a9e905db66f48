/* computellm submit URL FILE...: sends results files to a hub (app/submit.h), the queue of undelivered ones first. */
#include <stdlib.h>
#include <string.h>

#include "app/submit.h"
#include "cli/cli.h"

void usage_submit(FILE *f)
{
    fputs("usage: computellm submit URL [FILE.json...] [OPTIONS]\n"
          "\n"
          "Sends results files to a results hub (computellm hub) at URL. Files queued earlier (the hub was\n"
          "unreachable) are sent first; with no FILE only the queue is sent. Connection errors, 429 and 5xx are\n"
          "retried with exponential backoff; a file still not delivered is queued in the results folder's\n"
          ".submit-queue/ for the next submit. One line per file on stdout: added, duplicate or queued.\n"
          "\n"
          "  --token T           the submitter's token (default: $COMPUTELLM_HUB_TOKEN)\n"
          "  --output DIR        the results folder whose .submit-queue/ is used (default: results/)\n"
          "  --retries N         retries after the first attempt (default 5; 0 to 20)\n"
          "  --backoff-ms MS     the first retry's wait, doubled each time up to 8 s (default 500)\n"
          "  --timeout S         one attempt's deadline in seconds (default 30)\n"
          "\n"
          "exit status: 0 every file delivered, 1 a file refused (bad file, wrong token) or unreadable,\n"
          "3 some file queued (the hub unreachable), 2 usage error.\n"
          "\n"
          "example:\n"
          "  COMPUTELLM_HUB_TOKEN=lab-secret-0123456789 computellm submit http://hub.lab:8600 results/*.json\n",
          f);
}

enum { EXIT_QUEUED = 3 };

int cmd_submit(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "submit"};
    struct cllm_submit_params p = cllm_submit_default_params();
    const char *files[4096], *url = NULL, *out_dir = "results";
    size_t n_files = 0;
    char err[CLLM_ERR_LEN], queue[4096];
    int rc = CLI_EXIT_OK, sent = 0, left = 0;
    enum cllm_status st;

    for (; it.i < argc; it.i++) {
        char *end;
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_submit(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--token", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            p.token = it.value;
        } else if (cli_opt(&it, "--output", "-o", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            out_dir = it.value;
        } else if (cli_opt(&it, "--retries", NULL, true)) {
            long v = it.error ? -1 : strtol(it.value, &end, 10);
            if (it.error || *end || v < 0 || v > 20) {
                fprintf(stderr, "computellm submit: --retries: expected 0 to 20\n");
                return CLI_EXIT_USAGE;
            }
            p.retries = (int)v;
        } else if (cli_opt(&it, "--backoff-ms", NULL, true)) {
            long v = it.error ? -1 : strtol(it.value, &end, 10);
            if (it.error || *end || v < 1 || v > 60000) {
                fprintf(stderr, "computellm submit: --backoff-ms: expected 1 to 60000\n");
                return CLI_EXIT_USAGE;
            }
            p.backoff_s = (double)v / 1000.0;
        } else if (cli_opt(&it, "--timeout", NULL, true)) {
            double v = it.error ? -1 : strtod(it.value, &end);
            if (it.error || *end || !(v >= 0.1 && v <= 3600)) {
                fprintf(stderr, "computellm submit: --timeout: expected 0.1 to 3600 seconds\n");
                return CLI_EXIT_USAGE;
            }
            p.timeout_s = v;
        } else if (argv[it.i][0] == '-' && argv[it.i][1]) {
            return cli_unknown(&it, usage_submit);
        } else if (!url) {
            url = argv[it.i];
        } else if (n_files < sizeof(files) / sizeof(files[0])) {
            files[n_files++] = argv[it.i];
        } else {
            fprintf(stderr, "computellm submit: at most %zu files per call\n", n_files);
            return CLI_EXIT_USAGE;
        }
    }
    if (!url) {
        usage_submit(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        fprintf(stderr, "computellm submit: '%s': expected the hub's http://HOST:PORT\n", url);
        return CLI_EXIT_USAGE;
    }
    snprintf(queue, sizeof(queue), "%s/%s", out_dir, CLLM_SUBMIT_QUEUE_DIR);
    p.url = url;
    p.queue_dir = queue;
    cli_install_signal_handlers();
    p.cancel = (const volatile int *)cli_cancel_flag();
    st = cllm_submit_flush_queue(&p, &sent, &left, err, sizeof(err));
    if (sent || left)
        fprintf(stderr, "computellm submit: queue %s: %d delivered, %d still queued%s%s\n", queue, sent, left,
                st != CLLM_OK ? ": " : "", st != CLLM_OK ? err : "");
    if (left)
        rc = st == CLLM_ERR_INVALID_ARG ? CLI_EXIT_FAIL : EXIT_QUEUED;
    for (size_t i = 0; i < n_files; i++) {
        enum cllm_submit_outcome out = CLLM_SUBMIT_REJECTED;
        int http = 0;
        st = cllm_submit_file(&p, files[i], &out, &http, err, sizeof(err));
        if (st != CLLM_OK) {
            fprintf(stderr, "computellm submit: %s: %s\n", files[i], err);
            rc = CLI_EXIT_FAIL;
            continue;
        }
        switch (out) {
        case CLLM_SUBMIT_ADDED: printf("added %s\n", files[i]); break;
        case CLLM_SUBMIT_DUPLICATE: printf("duplicate %s\n", files[i]); break;
        case CLLM_SUBMIT_QUEUED:
            printf("queued %s\n", files[i]);
            fprintf(stderr, "computellm submit: %s: %s\n", files[i], err);
            if (rc == CLI_EXIT_OK)
                rc = EXIT_QUEUED;
            break;
        case CLLM_SUBMIT_REJECTED:
            fprintf(stderr, "computellm submit: %s: refused by the hub (HTTP %d): %s\n", files[i], http, err);
            rc = CLI_EXIT_FAIL;
            break;
        }
    }
    return rc;
}
