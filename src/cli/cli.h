/* Shared pieces of the command-line front end. The CLI parses and prints; the work is in the library. */
#ifndef CLLM_CLI_H
#define CLLM_CLI_H

#include <stdbool.h>
#include <signal.h>
#include <stdio.h>

#include "classic/classic.h"
#include "app/ai_phase.h"

/* Exit codes: 0 success, 1 the work failed, 2 usage or configuration error, 130 interrupted (Ctrl-C). */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_INTERRUPTED = 130 };

/* Walks a subcommand's arguments: "--name value", "--name=value", short "-o value". */
struct cli_iter {
    int          argc;
    char *const *argv;
    int          i;        /* index of the argument being looked at */
    const char  *cmd;      /* subcommand name for messages */
    const char  *value;    /* value of the last matched option that takes one */
    bool         error;    /* a value was missing; message printed */
};

/* True when argv[i] is option `lng` (e.g. "--output") or `shrt` (e.g. "-o", may be NULL). With takes_value,
 * the value is read from "=value" or the next argument into it->value. */
bool cli_opt(struct cli_iter *it, const char *lng, const char *shrt, bool takes_value);

/* Handles -v/--verbose, -q/--quiet anywhere; returns true when argv[i] was one of them. */
bool cli_global_opt(struct cli_iter *it);

/* Prints "computellm CMD: unknown option 'X'" and the usage to stderr; returns CLI_EXIT_USAGE. */
int cli_unknown(const struct cli_iter *it, void (*usage)(FILE *));

/* When OpenBLAS picked kernels older than this CPU (a CPU model it does not know), re-executes this process once
 * with OPENBLAS_CORETYPE set so the GFLOPS phases measure the hardware; returns when nothing had to be done. */
void cli_fix_blas_kernels(void);

/* The process's argv as main received it (for re-executing itself). */
void cli_save_argv(char **argv);
char *const *cli_saved_argv(void);

/* "computellm 0.1.0 (commit abc, flags)". */
void cli_print_version(FILE *f);

/* Ctrl-C / SIGTERM: the first one sets the flag (work stops at the next check and partial results are kept);
 * a second one exits at once. */
void cli_install_signal_handlers(void);
bool cli_interrupted(void);
/* On a crash: kill the servers this process started, print the call stack to stderr, die by the same signal. */
void cli_install_crash_handler(void);
/* The flag itself, for library calls that stop when it becomes non-zero. */
const volatile sig_atomic_t *cli_cancel_flag(void);

struct cJSON;
/* The number at path (cllm_json_path) under root; NAN when absent, null or not a number. */
double cli_num(const struct cJSON *root, const char *path);

struct cllm_hw_info;
/* The human-readable hardware report of `computellm detect`. */
void cli_print_hw(FILE *f, const struct cllm_hw_info *hw);

struct cJSON;
/* Progress line per classic phase (user_data: the FILE*, NULL = stderr) and the final table. */
void cli_classic_progress(enum cllm_phase_event ev, int index, int count, const char *name,
                          const struct cJSON *phase, void *user_data);
void cli_print_classic_table(FILE *f, const struct cJSON *section);

/* Progress of the LLM phase (user_data: the FILE*, NULL = stderr) and its final table. */
void cli_ai_progress(enum cllm_ai_event ev, const char *model_key, const char *text, double fraction,
                     void *user_data);
void cli_print_ai_table(FILE *f, const struct cJSON *section);
/* The comparison phases' tables (ai_benchmarks.comparisons), one per phase and model. */
void cli_print_compare_tables(FILE *f, const struct cJSON *section);

int cmd_detect(int argc, char *const *argv);
int cmd_run(int argc, char *const *argv);
int cmd_advise(int argc, char *const *argv);
void usage_advise(FILE *f);
int cmd_export(int argc, char *const *argv);
int cmd_config(int argc, char *const *argv);
int cmd_gui(int argc, char *const *argv);
int cmd_hub(int argc, char *const *argv);
int cmd_submit(int argc, char *const *argv);
int cmd_synth(int argc, char *const *argv);
int cmd_compare(int argc, char *const *argv);
int cmd_serve_bench(int argc, char *const *argv);
int cmd_sweep(int argc, char *const *argv);

void usage_main(FILE *f);
void usage_detect(FILE *f);
void usage_run(FILE *f);
void usage_export(FILE *f);
void usage_config(FILE *f);
void usage_gui(FILE *f);
void usage_hub(FILE *f);
void usage_submit(FILE *f);
void usage_synth(FILE *f);
void usage_compare(FILE *f);
void usage_serve_bench(FILE *f);
void usage_sweep(FILE *f);

#endif
