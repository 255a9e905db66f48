/* computellm: command dispatch. Subcommands and the original's flags (--detect, --cli, --gui) as aliases. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

void usage_main(FILE *f)
{
    fputs("usage: computellm [-v|-q] COMMAND [OPTIONS]\n"
          "\n"
          "Benchmarks a machine's hardware for local LLM inference.\n"
          "\n"
          "commands:\n"
          "  detect      print the hardware (CPU, RAM, GPUs); --json for machine-readable output  (alias --detect)\n"
          "  run         run the benchmark plan and write a results file                          (alias --cli)\n"
          "  export      convert a results file: export FILE.json --csv [-o OUT]\n"
          "  compare     compare results files: compare A.json B.json ... [--baseline N] [--md|--csv|--html OUT]\n"
          "  serve-bench serving load on an OpenAI-compatible server: concurrent streams, latency p50-p99, goodput\n"
          "  sweep       llama-bench's test matrix (-p/-n/-d/-t/-b/-ngl lists) in-process: pp/tg t/s, md/csv/json/sql\n"
          "  advise      which models fit here, where (GPU, split, partial offload, CPU) and predicted tokens/s\n"
          "  synth       write a synthetic GGUF of a registry model (real shape and quantization, random weights)\n"
          "  config      print the default configuration or check a config file\n"
          "  gui         web interface on http://127.0.0.1:8501 (the default on an interactive terminal)  (alias --gui)\n"
          "  hub         self-hosted results hub: submissions from many machines, leaderboard, SQLite or PostgreSQL\n"
          "  submit      send results files to a hub (retries; queued in results/.submit-queue/ when unreachable)\n"
          "  help        this text; `computellm COMMAND --help` for a command's options\n"
          "\n"
          "global options:\n"
          "  -v, --verbose   more log on stderr (twice: debug)\n"
          "  -q, --quiet     errors only on stderr\n"
          "  --version       tool version and git commit\n"
          "  -h, --help      this text\n"
          "\n"
          "examples:\n"
          "  computellm detect --json\n"
          "  computellm run --skip-ai --output results/\n"
          "  computellm export results/benchmark_AMD_EPYC_Linux_20260206_143022.json --csv -o out.csv\n"
          "  computellm compare results/a.json results/b.json --html compare.html\n"
          "  computellm serve-bench --server-url http://127.0.0.1:8080 --concurrency 1,2,4,8\n"
          "  computellm sweep -m tinyllama-1.1b -p 512 -n 128 -r 5\n"
          "  computellm advise --min-tps 20\n"
          "  computellm hub --db sqlite:hub.db --port 8600\n"
          "  computellm submit http://hub.lab:8600 results/*.json\n",
          f);
}

/* The subcommands; alias: the original's flag for it. */
static const struct {
    const char *name;
    const char *alias;
    int (*fn)(int, char *const *);
    void (*usage)(FILE *);
} g_cmds[] = {
    {"detect", "--detect", cmd_detect, usage_detect}, {"run", "--cli", cmd_run, usage_run},
    {"gui", "--gui", cmd_gui, usage_gui},             {"export", NULL, cmd_export, usage_export},
    {"config", NULL, cmd_config, usage_config},       {"synth", NULL, cmd_synth, usage_synth},
    {"compare", NULL, cmd_compare, usage_compare},    {"serve-bench", NULL, cmd_serve_bench, usage_serve_bench},
    {"sweep", NULL, cmd_sweep, usage_sweep},          {"advise", NULL, cmd_advise, usage_advise},
    {"hub", NULL, cmd_hub, usage_hub},                {"submit", NULL, cmd_submit, usage_submit},
};

static int help_for(const char *cmd)
{
    for (size_t i = 0; i < sizeof(g_cmds) / sizeof(g_cmds[0]); i++)
        if (strcmp(cmd, g_cmds[i].name) == 0) {
            g_cmds[i].usage(stdout);
            return CLI_EXIT_OK;
        }
    fprintf(stderr, "computellm help: unknown command '%s'\n\n", cmd);
    usage_main(stderr);
    return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = ""};

    cli_save_argv(argv);
    cli_install_crash_handler();

    for (; it.i < argc; it.i++) {
        const char *a = argv[it.i];
        if (cli_global_opt(&it))
            continue;
        if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
            cli_print_version(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage_main(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "help") == 0)
            return it.i + 1 < argc ? help_for(argv[it.i + 1]) : (usage_main(stdout), CLI_EXIT_OK);
        for (size_t c = 0; c < sizeof(g_cmds) / sizeof(g_cmds[0]); c++) {
            if (strcmp(a, g_cmds[c].name) == 0 || (g_cmds[c].alias && strcmp(a, g_cmds[c].alias) == 0))
                /* the subcommand sees its own name as argv[0] and everything after it */
                return g_cmds[c].fn(argc - it.i, argv + it.i);
        }
        if (a[0] == '-')
            fprintf(stderr, "computellm: unknown option '%s'\n\n", a);
        else
            fprintf(stderr, "computellm: unknown command '%s'\n\n", a);
        usage_main(stderr);
        return CLI_EXIT_USAGE;
    }
    /* no command: the GUI on an interactive terminal (as the original), help otherwise (scripts, pipes) */
    if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
        char *gui_argv[] = {(char *)"gui", NULL};
        return cmd_gui(1, gui_argv);
    }
    usage_main(stdout);
    return CLI_EXIT_OK;
}
