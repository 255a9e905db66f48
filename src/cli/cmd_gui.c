/* computellm gui: the web interface. Starts the embedded server (src/web/), prints its URL, opens the browser,
 * and serves until Ctrl-C; a run in progress is then cancelled and its results file still written. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if !defined(_WIN32)
#include <spawn.h>
#include <sys/wait.h>
extern char **environ;
#endif

#include "cli/cli.h"
#ifdef CLLM_WITH_WEB
#include "web/server.h"
#endif

void usage_gui(FILE *f)
{
    fputs("usage: computellm gui [OPTIONS]                (alias: computellm --gui)\n"
          "\n"
          "Starts the web interface (hardware, one-button benchmark with live progress, results and comparison)\n"
          "on an embedded HTTP server, prints its URL on stdout and opens the default browser. Ctrl-C stops it.\n"
          "The REST API is documented in docs/api.md.\n"
          "\n"
          "Every API call needs the launch token, also on loopback: the printed URL (http://HOST:PORT/?token=T)\n"
          "logs the browser in (an HttpOnly cookie); scripts send it as the X-ComputeLLM-Token header.\n"
          "\n"
          "  --port N            TCP port (default 8501; 0 picks a free one)\n"
          "  --host ADDR         address to listen on (default 127.0.0.1); anything but loopback needs --token\n"
          "  --token T           the token (letters, digits, - . _ ~); default: 32 random hex digits per launch\n"
          "  --no-token          no token at all (loopback only; any local program can then use the API)\n"
          "  --allow-host NAME   also accept this Host name (repeatable; default: the bound address, localhost,\n"
          "                      127.0.0.1, [::1]); other names are refused (DNS rebinding)\n"
          "  --llama-server PATH a llama-server the interface's auto engine may start besides \"llama-server\" on\n"
          "                      PATH (repeatable); the API runs no other executable\n"
          "  --no-browser        do not open a browser (also when stdout is not a terminal or there is no display)\n"
          "  --output DIR        results folder the interface runs into and lists (default: results/)\n"
          "  --models-dir DIR    where GGUF files are kept (default: models/)\n"
          "  --llama-lib PATH    libllama file or folder (default: $COMPUTELLM_LLAMA_LIB, then .deps/llama/)\n"
          "\n"
          "example:\n"
          "  computellm gui --port 8600 --no-browser\n"
          "  computellm gui --llama-server ~/llama.cpp/build/bin/llama-server\n",
          f);
}

#ifdef CLLM_WITH_WEB
/* Opening a browser is a convenience: skip it where nobody could see the window. */
static bool can_open_browser(void)
{
    if (!isatty(STDOUT_FILENO))
        return false;
#if defined(__linux__)
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY"))
        return false;
#endif
    return true;
}

static void open_browser(const char *url)
{
#if defined(_WIN32)
    (void)url;
#else
#if defined(__APPLE__)
    char *const args[] = {(char *)"open", (char *)url, NULL};
#else
    char *const args[] = {(char *)"xdg-open", (char *)url, NULL};
#endif
    pid_t pid;
    if (posix_spawnp(&pid, args[0], NULL, NULL, args, environ) != 0) {
        fprintf(stderr, "computellm gui: could not start %s; open %s yourself\n", args[0], url);
        return;
    }
    /* xdg-open returns once the browser is launched; waiting avoids a zombie */
    waitpid(pid, NULL, 0);
#endif
}
#endif

int cmd_gui(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "gui"};
#ifdef CLLM_WITH_WEB
    struct cllm_web_params wp = cllm_web_default_params();
    struct cllm_web_server *srv;
    const char *allow_hosts[32], *llama_servers[32];
    size_t n_allow = 0, n_llama = 0;
    bool no_browser = false;
    char err[CLLM_ERR_LEN], url[512];
    char *end;
    long port;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_gui(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--port", "-p", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            port = strtol(it.value, &end, 10);
            if (*it.value == '\0' || *end != '\0' || port < 0 || port > 65535) {
                fprintf(stderr, "computellm gui: --port: expected 0 to 65535, got '%s'\n", it.value);
                return CLI_EXIT_USAGE;
            }
            wp.port = (int)port;
        } else if (cli_opt(&it, "--host", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.host = it.value;
        } else if (cli_opt(&it, "--token", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.token = it.value;
        } else if (cli_opt(&it, "--no-token", NULL, false)) {
            wp.no_token = true;
        } else if (cli_opt(&it, "--allow-host", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (n_allow >= sizeof(allow_hosts) / sizeof(allow_hosts[0])) {
                fprintf(stderr, "computellm gui: --allow-host: at most %zu names\n", n_allow);
                return CLI_EXIT_USAGE;
            }
            allow_hosts[n_allow++] = it.value;
        } else if (cli_opt(&it, "--llama-server", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            if (n_llama >= sizeof(llama_servers) / sizeof(llama_servers[0])) {
                fprintf(stderr, "computellm gui: --llama-server: at most %zu paths\n", n_llama);
                return CLI_EXIT_USAGE;
            }
            llama_servers[n_llama++] = it.value;
        } else if (cli_opt(&it, "--no-browser", NULL, false)) {
            no_browser = true;
        } else if (cli_opt(&it, "--output", "-o", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.api.results_dir = it.value;
        } else if (cli_opt(&it, "--models-dir", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.api.models_dir = it.value;
        } else if (cli_opt(&it, "--llama-lib", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            wp.api.llama_lib = it.value;
        } else {
            return cli_unknown(&it, usage_gui);
        }
    }
    wp.allow_hosts = allow_hosts;
    wp.n_allow_hosts = n_allow;
    wp.api.llama_servers = llama_servers;
    wp.api.n_llama_servers = n_llama;
    if (wp.no_token && wp.token) {
        fprintf(stderr, "computellm gui: --token and --no-token: give one\n");
        return CLI_EXIT_USAGE;
    }
    if (!cllm_web_host_is_loopback(wp.host)) {
        /* exposing the interface to the network is a deliberate choice: the secret is chosen, not printed only */
        if (wp.no_token) {
            fprintf(stderr, "computellm gui: --no-token is allowed on a loopback address only (%s is reachable from "
                    "other machines)\n", wp.host);
            return CLI_EXIT_USAGE;
        }
        if (!wp.token || !wp.token[0]) {
            fprintf(stderr, "computellm gui: --host %s is not a loopback address: other machines could reach the "
                    "server, so --token is required\n", wp.host);
            return CLI_EXIT_USAGE;
        }
    }
    if (wp.no_token)
        fprintf(stderr, "computellm gui: WARNING: --no-token: every program and every user of this machine can "
                "start runs and read or delete results through the API (web pages of other sites are still "
                "refused by the Host and Origin checks)\n");
    cli_fix_blas_kernels();   /* runs started from the GUI measure GFLOPS with the right kernels too */
    cli_install_signal_handlers();
    srv = cllm_web_start(&wp, err, sizeof(err));
    if (!srv) {
        fprintf(stderr, "computellm gui: %s\n", err);
        /* a bad --llama-server or --allow-host is the user's argument, not a failure of the work */
        return strncmp(err, "--", 2) == 0 ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    {
        const char *h = wp.host, *tok = cllm_web_token(srv);
        bool v6 = strchr(h, ':') != NULL;
        /* 0.0.0.0 listens everywhere but is no address to browse to */
        if (strcmp(h, "0.0.0.0") == 0)
            h = "127.0.0.1";
        else if (strcmp(h, "::") == 0)
            h = "::1";
        snprintf(url, sizeof(url), "http://%s%s%s:%d/%s%s", v6 ? "[" : "", h, v6 ? "]" : "", cllm_web_port(srv),
                 tok ? "?token=" : "", tok ? tok : "");
    }
    printf("%s\n", url);
    fflush(stdout);
    fprintf(stderr, "computellm gui: serving on %s (Ctrl-C to stop)\n", url);
    if (!no_browser && can_open_browser())
        open_browser(url);
    while (!cli_interrupted()) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "computellm gui: stopping (a run in progress is cancelled and its results kept)\n");
    cllm_web_stop(srv);
    return CLI_EXIT_OK;
#else
    for (; it.i < argc; it.i++)
        if (strcmp(argv[it.i], "-h") == 0 || strcmp(argv[it.i], "--help") == 0) {
            usage_gui(stdout);
            return CLI_EXIT_OK;
        }
    fputs("computellm gui: this build has no web interface (built without libmicrohttpd; run scripts/setup and "
          "rebuild)\n",
          stderr);
    return CLI_EXIT_FAIL;
#endif
}
