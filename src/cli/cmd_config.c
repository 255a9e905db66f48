/* computellm config: the default configuration, and checking a config file. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"

void usage_config(FILE *f)
{
    fputs("usage: computellm config --print-defaults\n"
          "       computellm config --check FILE\n"
          "\n"
          "  --print-defaults   print the built-in configuration as JSON (a starting point for --config FILE)\n"
          "  --check FILE       validate FILE and print the configuration it gives (exit 2 if invalid)\n"
          "\n"
          "A config file may hold any subset of the keys; unknown keys and bad values are refused with the key\n"
          "named.\n"
          "\n"
          "example:\n"
          "  computellm config --print-defaults > my.json && computellm run --config my.json\n",
          f);
}

int cmd_config(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "config"};
    struct cllm_config cfg;
    const char *check = NULL;
    bool defaults = false;
    char err[CLLM_ERR_LEN];
    char *text;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_config(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--print-defaults", NULL, false)) {
            defaults = true;
        } else if (cli_opt(&it, "--check", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            check = it.value;
        } else {
            return cli_unknown(&it, usage_config);
        }
    }
    if (!defaults && !check) {
        usage_config(stderr);
        return CLI_EXIT_USAGE;
    }
    cllm_config_defaults(&cfg);
    if (check && cllm_config_load(&cfg, check, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm config: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    text = cllm_config_to_json_text(&cfg);
    if (!text) {
        fputs("computellm config: out of memory\n", stderr);
        return CLI_EXIT_FAIL;
    }
    printf("%s\n", text);
    free(text);
    return CLI_EXIT_OK;
}
