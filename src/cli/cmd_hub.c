/* computellm hub: the self-hosted results hub. Opens the database (store/store.h: migrations applied), starts the
 * same embedded server as the GUI (web/server.h) with the hub's API and page, prints its URL, serves until
 * Ctrl-C or SIGTERM. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/file.h"
#include "store/store.h"
#ifdef CLLM_WITH_WEB
#include "web/server.h"
#endif

void usage_hub(FILE *f)
{
    fputs("usage: computellm hub --db URL [--host H] [--port P] [--token T | --tokens-file F] [OPTIONS]\n"
          "\n"
          "A results hub for a fleet: machines send their results files (computellm submit, run --submit), the\n"
          "hub keeps each whole with indexed columns in a database and serves a leaderboard (API and page).\n"
          "The API is documented in docs/api.md (Results hub).\n"
          "\n"
          "  --db URL            sqlite:PATH (one file, WAL mode) or postgresql://[user@]host[:port]/dbname\n"
          "                      (libpq's URI, e.g. postgresql:///hub?host=/run/postgresql); schema migrations\n"
          "                      are applied at start\n"
          "  --port N            TCP port (default 8600; 0 picks a free one)\n"
          "  --host ADDR         address to listen on (default 127.0.0.1); anything but loopback needs --token\n"
          "                      or --tokens-file\n"
          "  --token T           one token for every submitter (recorded as submitter \"default\")\n"
          "  --tokens-file F     one 'NAME TOKEN' per line: each submitter's token, its NAME recorded with each\n"
          "                      submission ('#' comments; TOKEN 16 to 256 of letters, digits, - . _ ~)\n"
          "                      default without either: 32 random hex digits per launch, printed\n"
          "  --allow-host NAME   also accept this Host name (repeatable), as the GUI\n"
          "  --threads N         request threads, one database connection each (default 8)\n"
          "  --max-connections N open connections in all (default 1024; 512 per client address)\n"
          "\n"
          "example:\n"
          "  computellm hub --db sqlite:hub.db --port 8600 --token lab-secret-0123456789\n"
          "  computellm hub --db postgresql://hub@db.lab/hub --host 0.0.0.0 --tokens-file tokens.txt\n",
          f);
}

static bool parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (!*v || *end || n < lo || n > hi)
        return false;
    *out = (unsigned)n;
    return true;
}

int cmd_hub(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "hub"};
#ifdef CLLM_WITH_WEB
    struct cllm_web_params wp = cllm_web_default_params();
    struct cllm_store_params sp = cllm_store_default_params();
    struct cllm_web_tokens toks = {0};
    struct cllm_web_server *srv;
    struct cllm_store *store;
    const char *allow_hosts[32], *tokens_file = NULL;
    size_t n_allow = 0;
    char err[CLLM_ERR_LEN];
    unsigned port = 8600, threads = 8, max_conns = 1024;
    enum cllm_status st;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_hub(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--db", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            sp.url = it.value;
        } else if (cli_opt(&it, "--port", "-p", true)) {
            if (it.error || !parse_uint(it.value, 0, 65535, &port)) {
                fprintf(stderr, "computellm hub: --port: expected 0 to 65535\n");
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--host", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.host = it.value;
        } else if (cli_opt(&it, "--token", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.token = it.value;
        } else if (cli_opt(&it, "--tokens-file", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            tokens_file = it.value;
        } else if (cli_opt(&it, "--threads", NULL, true)) {
            if (it.error || !parse_uint(it.value, 1, 64, &threads)) {
                fprintf(stderr, "computellm hub: --threads: expected 1 to 64\n");
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--max-connections", NULL, true)) {
            if (it.error || !parse_uint(it.value, 16, 65536, &max_conns)) {
                fprintf(stderr, "computellm hub: --max-connections: expected 16 to 65536\n");
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--allow-host", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (n_allow >= sizeof(allow_hosts) / sizeof(allow_hosts[0])) {
                fprintf(stderr, "computellm hub: --allow-host: at most %zu names\n", n_allow);
                return CLI_EXIT_USAGE;
            }
            allow_hosts[n_allow++] = it.value;
        } else {
            return cli_unknown(&it, usage_hub);
        }
    }
    if (!sp.url) {
        fprintf(stderr, "computellm hub: --db is required (sqlite:PATH or postgresql://...)\n");
        return CLI_EXIT_USAGE;
    }
    if (tokens_file && wp.token) {
        fprintf(stderr, "computellm hub: --token and --tokens-file: give one\n");
        return CLI_EXIT_USAGE;
    }
    if (!cllm_web_host_is_loopback(wp.host) && !wp.token && !tokens_file) {
        fprintf(stderr, "computellm hub: --host %s is not a loopback address: give --token or --tokens-file\n",
                wp.host);
        return CLI_EXIT_USAGE;
    }
    if (tokens_file) {
        char *text = NULL;
        size_t len = 0;
        if (cllm_file_read(tokens_file, 1u << 20, &text, &len, err, sizeof(err)) != CLLM_OK ||
            cllm_web_tokens_parse(text, len, &toks, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm hub: --tokens-file %s: %s\n", tokens_file, err);
            free(text);
            return CLI_EXIT_USAGE;
        }
        free(text);
        wp.tokens = &toks;
    }
    sp.pool_size = threads;
    store = cllm_store_open(&sp, &st, err, sizeof(err));
    if (!store) {
        fprintf(stderr, "computellm hub: %s\n", err);
        cllm_web_tokens_free(&toks);
        return st == CLLM_ERR_INVALID_ARG || st == CLLM_ERR_UNSUPPORTED ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    wp.port = (int)port;
    wp.threads = threads;
    wp.max_connections = max_conns;
    wp.max_connections_per_ip = max_conns / 2;
    wp.allow_hosts = allow_hosts;
    wp.n_allow_hosts = n_allow;
    wp.hub_store = store;
    cli_install_signal_handlers();
    srv = cllm_web_start(&wp, err, sizeof(err));
    cllm_web_tokens_free(&toks);
    if (!srv) {
        fprintf(stderr, "computellm hub: %s\n", err);
        cllm_store_close(store);
        return CLI_EXIT_FAIL;
    }
    {
        const char *h = wp.host;
        bool v6 = strchr(h, ':') != NULL;
        if (strcmp(h, "0.0.0.0") == 0)
            h = "127.0.0.1";
        else if (strcmp(h, "::") == 0)
            h = "::1";
        printf("http://%s%s%s:%d/\n", v6 ? "[" : "", h, v6 ? "]" : "", cllm_web_port(srv));
        fflush(stdout);
        fprintf(stderr, "computellm hub: serving on port %d with the %s database (Ctrl-C to stop)\n",
                cllm_web_port(srv), cllm_store_backend(store));
        if (!tokens_file && !wp.token)
            fprintf(stderr, "computellm hub: token for this launch: %s (send it as X-ComputeLLM-Token, or open the "
                    "page with ?token=...)\n", cllm_web_token(srv));
    }
    while (!cli_interrupted()) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "computellm hub: stopping\n");
    cllm_web_stop(srv);
    cllm_store_close(store);
    return CLI_EXIT_OK;
#else
    for (; it.i < argc; it.i++)
        if (strcmp(argv[it.i], "-h") == 0 || strcmp(argv[it.i], "--help") == 0) {
            usage_hub(stdout);
            return CLI_EXIT_OK;
        }
    fputs("computellm hub: this build has no HTTP server (built without libmicrohttpd; run scripts/setup and "
          "rebuild)\n", stderr);
    return CLI_EXIT_FAIL;
#endif
}
