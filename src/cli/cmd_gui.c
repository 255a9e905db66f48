#include "cli/cli.h"

#include <string.h>

void usage_gui(FILE *f)
{
    fputs("usage: computellm gui [--port N] [--host ADDR] [--no-browser]\n"
          "\n"
          "The web interface (hardware, one-button benchmark, results comparison) is not part of this version.\n"
          "Use `computellm detect` and `computellm run` meanwhile.\n",
          f);
}

int cmd_gui(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "gui"};
    for (; it.i < argc; it.i++)
        if (strcmp(argv[it.i], "-h") == 0 || strcmp(argv[it.i], "--help") == 0) {
            usage_gui(stdout);
            return CLI_EXIT_OK;
        }
    fputs("computellm gui: the web interface is not part of this version; use `computellm detect` and "
          "`computellm run`\n",
          stderr);
    return CLI_EXIT_FAIL;
}
