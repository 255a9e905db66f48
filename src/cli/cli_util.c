#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <execinfo.h>
#endif

#include "classic/cpu_gemm.h"
#include "build_info.h"
#include "cli/cli.h"
#include "core/log.h"
#include "report/result.h"
#include "hw/hw.h"
#include "platform/proc.h"
#include "core/json.h"

bool cli_opt(struct cli_iter *it, const char *lng, const char *shrt, bool takes_value)
{
    const char *a = it->argv[it->i];
    size_t ln = strlen(lng);

    it->value = NULL;
    if (takes_value && strncmp(a, lng, ln) == 0 && a[ln] == '=') {
        it->value = a + ln + 1;
        return true;
    }
    if (strcmp(a, lng) != 0 && !(shrt && strcmp(a, shrt) == 0))
        return false;
    if (!takes_value)
        return true;
    if (it->i + 1 >= it->argc) {
        fprintf(stderr, "computellm %s: option %s needs a value\n", it->cmd, a);
        it->error = true;
        return true;
    }
    it->value = it->argv[++it->i];
    return true;
}

bool cli_global_opt(struct cli_iter *it)
{
    const char *a = it->argv[it->i];
    if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
        cllm_log_set_level(CLLM_LOG_ERROR);
        return true;
    }
    if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
        enum cllm_log_level l = cllm_log_get_level();
        cllm_log_set_level(l < CLLM_LOG_INFO ? CLLM_LOG_INFO : CLLM_LOG_DEBUG);
        return true;
    }
    if (strcmp(a, "-vv") == 0) {
        cllm_log_set_level(CLLM_LOG_DEBUG);
        return true;
    }
    return false;
}

int cli_unknown(const struct cli_iter *it, void (*usage)(FILE *))
{
    const char *a = it->argv[it->i];
    if (a[0] == '-')
        fprintf(stderr, "computellm %s: unknown option '%s'\n\n", it->cmd, a);
    else
        fprintf(stderr, "computellm %s: unexpected argument '%s'\n\n", it->cmd, a);
    usage(stderr);
    return CLI_EXIT_USAGE;
}

double cli_num(const cJSON *root, const char *path)
{
    const cJSON *v = cllm_json_path(root, path);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

void cli_print_version(FILE *f)
{
    fprintf(f, "computellm %s (commit %s; %s; %s)\n", CLLM_VERSION, CLLM_GIT_COMMIT, CLLM_BUILD_FLAGS,
            CLLM_COMPILER);
}

static volatile sig_atomic_t g_interrupted;

static void on_signal(int sig)
{
    static const char msg[] = "\ncomputellm: interrupted; stopping and keeping partial results "
                              "(press Ctrl-C again to quit at once)\n";
    if (g_interrupted) {
        cllm_proc_kill_all();   /* a llama-server we started must not outlive us */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    g_interrupted = 1;
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing to do: stderr is gone */
    }
}

void cli_install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* A crash (most likely inside a loaded library such as libllama): stop the servers this process started, print
 * where it happened (module + offset per frame, for addr2line) and die by the same signal. */
static void on_crash(int sig)
{
    static const char head[] = "computellm: crashed (signal ";
    static const char tail[] = "); call stack (module(+offset) per frame):\n";
    char num[4] = {(char)('0' + sig / 10 % 10), (char)('0' + sig % 10), '\0', '\0'};
    cllm_proc_kill_all();
    if (write(STDERR_FILENO, head, sizeof(head) - 1) < 0 || write(STDERR_FILENO, num, 2) < 0 ||
        write(STDERR_FILENO, tail, sizeof(tail) - 1) < 0)
        _exit(128 + sig);
#if defined(__GLIBC__)
    {
        void *frames[48];
        int n = backtrace(frames, 48);
        backtrace_symbols_fd(frames, n, STDERR_FILENO);
    }
#endif
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_install_crash_handler(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    struct sigaction sa;
#if defined(__GLIBC__)
    void *warm[1];
    backtrace(warm, 1);   /* loads libgcc's unwinder now: not from inside the handler */
#endif
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}

bool cli_interrupted(void) { return g_interrupted != 0; }

const volatile sig_atomic_t *cli_cancel_flag(void) { return &g_interrupted; }

static char **g_argv;

void cli_save_argv(char **argv) { g_argv = argv; }

char *const *cli_saved_argv(void) { return g_argv; }

/* OpenBLAS reads OPENBLAS_CORETYPE only when it loads: when it picked kernels older than the CPU (a CPU model it
 * does not know, as in some VMs), restart this process once with the right core type so GFLOPS are the hardware's. */
void cli_fix_blas_kernels(void)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_cpu_info cpu;
    const char *advice;

    if (getenv("OPENBLAS_CORETYPE") || getenv("CLLM_BLAS_REEXEC"))
        return;
    cllm_cpu_detect(&hp, &cpu);
    advice = cllm_blas_coretype_advice(&cpu);
    if (!advice)
        return;
    fprintf(stderr, "computellm: OpenBLAS picked its %s kernels on this %s CPU; restarting with "
            "OPENBLAS_CORETYPE=%s\n", cllm_blas_corename(), cpu.model[0] ? cpu.model : "unknown", advice);
    setenv("OPENBLAS_CORETYPE", advice, 1);
    setenv("CLLM_BLAS_REEXEC", "1", 1);
    fflush(NULL);
    execv("/proc/self/exe", cli_saved_argv());
    /* exec failed: carry on with the slow kernels; the phase records a warning */
    fprintf(stderr, "computellm: restart failed (%s); CPU GFLOPS will be low\n", strerror(errno));
}

