/* computellm run: the benchmark plan. Detects the hardware, runs the phases this version has, and writes the
 * results file atomically; on Ctrl-C what was measured is kept with run.status "cancelled". */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classic/classic.h"
#include "app/run.h"
#include "classic/cpu_gemm.h"
#include "build_info.h"
#include "cli/cli.h"
#include "core/config.h"
#include "report/result.h"
#include "hw/hw.h"
#include "model/registry.h"
#include "app/ai_phase.h"
#include "core/json.h"

void usage_run(FILE *f)
{
    fputs("usage: computellm run [OPTIONS]                (alias: computellm --cli)\n"
          "\n"
          "Runs the benchmark plan and writes results/benchmark_{CPU}_{OS}_{timestamp}.json.\n"
          "The path of the results file is printed on stdout; progress goes to stderr.\n"
          "\n"
          "  --models KEY...     models to benchmark (space- or comma-separated), e.g. tinyllama-1.1b mistral-7b\n"
          "  --skip-ai           skip the LLM inference phases\n"
          "  --skip-classic      skip the classic phases (CPU GFLOPS, memory bandwidth, GPU GEMM)\n"
          "  --output DIR        folder for the results file (default: results/)\n"
          "  --config FILE       JSON configuration overriding the defaults (see `computellm config`)\n"
          "  --quant Q           quantization of the models (default: each model's, Q4_K_M)\n"
          "  --models-dir DIR    where GGUF files are kept and downloaded (default: models/)\n"
          "  --models-file FILE  extra model registry merged over data/models.json\n"
          "  --llama-lib PATH    libllama file or folder (default: $COMPUTELLM_LLAMA_LIB, then .deps/llama/)\n"
          "  --cpu               run the models on the CPU even when a GPU backend is usable\n"
          "  --server-url URL    benchmark an OpenAI-compatible server instead (llama-server, Ollama, vLLM, LM Studio)\n"
          "  --server-model NAME its model name; --api-key KEY its Bearer token\n"
          "  --llama-server PATH start this llama-server on the model file, benchmark it, stop it\n"
          "  --no-download       never download: use files present in models/ or synthetic ones\n"
          "  --no-synthetic      never fall back to a synthetic model\n"
          "  --compare LIST      comparison phases after the LLM phase, any of quant,temperature,language,prompt-type\n"
          "                      (quant: Q2_K..Q8_0; temperature: 0.25/0.50/0.75; language: en fr zh es de ar;\n"
          "                      prompt-type: general code reasoning creative math), runs.count runs per variant\n"
          "  --all-phases        every comparison phase (--compare all)\n"
          "\n"
          "Phases: hardware detection; classic benchmarks (CPU GFLOPS single- and multi-thread through OpenBLAS,\n"
          "memory bandwidth, GPU GEMM and bandwidth through cuBLAS), each after a system cleanup and watched by\n"
          "the resource monitor; then for each model: the GGUF file (models/, downloaded from Hugging Face, or a\n"
          "SYNTHETIC stand-in with the real shape and quantization when neither works, said clearly), load, one\n"
          "warmup run and the timed runs through llama.cpp (tokens/s, first-token latency, inter-token latency,\n"
          "memory, stability).\n"
          "Ctrl-C stops after the current step and writes what was measured (run.status \"cancelled\").\n"
          "\n"
          "Each run writes a new file: when its name exists (another run of the same second), _2, _3, ... is added.\n"
          "The results folder is checked before the first phase. When the file cannot be written there at the end\n"
          "(disk full, quota, I/O error), it is saved to $XDG_STATE_HOME/computellm/ (~/.local/state/computellm/),\n"
          "else the temp folder, and that path is printed.\n"
          "\n"
          "Exit status: 0 done; 1 the work failed (no requested model ran, or the results went to a fallback\n"
          "folder); 2 usage or configuration error (bad --config or --models-file, results folder not writable),\n"
          "before any phase; 130 interrupted.\n"
          "\n"
          "example:\n"
          "  computellm run --models tinyllama-1.1b --skip-classic --output /tmp/results\n"
          "  computellm run --models tinyllama-1.1b --skip-classic --compare temperature,language\n",
          f);
}

static void on_hardware(const struct cllm_hw_info *hw, void *user_data)
{
    (void)user_data;
    cli_print_hw(stderr, hw);
}

int cmd_run(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "run"};
    struct cllm_run_params rp = cllm_run_default_params();
    enum cllm_status st;
    const char *output = "results";
    const char *config_path = NULL;
    const char *models[CLLM_CONFIG_MAX_MODELS * 2];
    int n_models = 0;
    bool skip_ai = false, skip_classic = false, models_given = false;
    struct cllm_ai_params ap = cllm_ai_default_params();
    char err[1536], why[512], path[PATH_MAX];
    bool ai_failed;
    cJSON *result = NULL;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_run(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--skip-ai", NULL, false)) {
            skip_ai = true;
        } else if (cli_opt(&it, "--skip-classic", NULL, false)) {
            skip_classic = true;
        } else if (cli_opt(&it, "--output", "-o", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            output = it.value;
        } else if (cli_opt(&it, "--quant", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.quant = it.value;
        } else if (cli_opt(&it, "--models-dir", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.models_dir = it.value;
        } else if (cli_opt(&it, "--models-file", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.models_file = it.value;
        } else if (cli_opt(&it, "--llama-lib", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.llama_lib = it.value;
        } else if (cli_opt(&it, "--server-url", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.server_url = it.value;
        } else if (cli_opt(&it, "--server-model", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.server_model = it.value;
        } else if (cli_opt(&it, "--api-key", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.api_key = it.value;
        } else if (cli_opt(&it, "--llama-server", NULL, true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            ap.llama_server = it.value;
        } else if (cli_opt(&it, "--cpu", NULL, false)) {
            ap.device = "cpu";
        } else if (cli_opt(&it, "--no-download", NULL, false)) {
            ap.allow_download = false;
        } else if (cli_opt(&it, "--no-synthetic", NULL, false)) {
            ap.allow_synthetic = false;
        } else if (cli_opt(&it, "--all-phases", NULL, false)) {
            ap.compare = CLLM_AI_COMPARE_ALL;
        } else if (cli_opt(&it, "--compare", NULL, true)) {
            unsigned bits;
            if (it.error)
                return CLI_EXIT_USAGE;
            bits = cllm_ai_compare_parse(it.value, err, sizeof(err));
            if (!bits) {
                fprintf(stderr, "computellm run: --compare: %s\n", err);
                return CLI_EXIT_USAGE;
            }
            ap.compare |= bits;
        } else if (cli_opt(&it, "--config", "-c", true)) {
            if (it.error)
                return CLI_EXIT_USAGE;
            config_path = it.value;
        } else if (strncmp(argv[it.i], "--models=", 9) == 0) {
            models_given = true;
            if (n_models < (int)(sizeof(models) / sizeof(models[0])))
                models[n_models++] = argv[it.i] + 9;
        } else if (strcmp(argv[it.i], "--models") == 0 || strcmp(argv[it.i], "-m") == 0) {
            /* as the original's argparse nargs='+': every following word up to the next option */
            models_given = true;
            while (it.i + 1 < argc && argv[it.i + 1][0] != '-' &&
                   n_models < (int)(sizeof(models) / sizeof(models[0])))
                models[n_models++] = argv[++it.i];
            if (n_models == 0) {
                fputs("computellm run: --models needs at least one model key\n", stderr);
                return CLI_EXIT_USAGE;
            }
        } else {
            return cli_unknown(&it, usage_run);
        }
    }

    if (ap.server_url && ap.llama_server) {
        fputs("computellm run: --server-url (a running server) and --llama-server (start one) exclude each other\n",
              stderr);
        return CLI_EXIT_USAGE;
    }
    if (ap.server_url && strncmp(ap.server_url, "http://", 7) != 0 && strncmp(ap.server_url, "https://", 8) != 0) {
        fprintf(stderr, "computellm run: --server-url: expected http://HOST:PORT or https://..., got '%s'\n",
                ap.server_url);
        return CLI_EXIT_USAGE;
    }
    rp.ai = ap;
    if (config_path && cllm_config_load(&rp.cfg, config_path, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm run: config error: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (models_given && cllm_config_set_models(&rp.cfg, models, n_models, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm run: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    if (ap.models_file || !skip_ai) {
        /* a broken registry found only inside the results file, after the classic phases, is found too late */
        struct cllm_registry_params regp = cllm_registry_default_params();
        struct cllm_registry *reg = NULL;
        if (ap.models_file)
            regp.user_path = ap.models_file;
        if (cllm_registry_load(&regp, &reg, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "computellm run: %s%s\n", ap.models_file ? "--models-file: " : "model registry: ", err);
            return CLI_EXIT_USAGE;
        }
        cllm_registry_free(reg);
    }
    if (cllm_result_dir_check(output, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "computellm run: results folder '%s' cannot be written: %s\n"
                "  choose another folder with --output DIR\n", output, err);
        return CLI_EXIT_USAGE;
    }
    if (!skip_classic)
        cli_fix_blas_kernels();
    cli_install_signal_handlers();
    fprintf(stderr, "computellm %s: benchmark run started\nhardware detection ...\n", CLLM_VERSION);
    rp.skip_classic = skip_classic;
    rp.skip_ai = skip_ai;
    rp.output_dir = output;
    rp.cancel = cli_cancel_flag();
    rp.on_hardware = on_hardware;
    rp.classic_progress = cli_classic_progress;
    rp.ai_progress = cli_ai_progress;
    st = cllm_run_benchmark(&rp, path, sizeof(path), &result, err, sizeof(err));
    if (result && !skip_classic)
        cli_print_classic_table(stderr, cJSON_GetObjectItemCaseSensitive(result, "classic_benchmarks"));
    if (result && !skip_ai && cllm_json_path(result, "ai_benchmarks.results") &&
        cJSON_GetArraySize(cllm_json_path(result, "ai_benchmarks.results")) > 0)
        cli_print_ai_table(stderr, cJSON_GetObjectItemCaseSensitive(result, "ai_benchmarks"));
    if (result && !skip_ai && cllm_json_path(result, "ai_benchmarks.comparisons"))
        cli_print_compare_tables(stderr, cJSON_GetObjectItemCaseSensitive(result, "ai_benchmarks"));
    ai_failed = result && cllm_run_ai_failed(result, why, sizeof(why));
    cJSON_Delete(result);
    if (st != CLLM_OK && st != CLLM_ERR_CANCELLED) {
        if (!path[0]) {
            fprintf(stderr, "computellm run: cannot write results: %s\n", err);
            return CLI_EXIT_FAIL;
        }
        /* the measurements are kept elsewhere: say where, and print that path as a normal run would */
        fprintf(stderr, "computellm run: cannot write results to '%s': %s\n"
                "results written to %s (a fallback folder: move the file where you keep results)\n", output, err, path);
        printf("%s\n", path);
        fflush(stdout);
        return CLI_EXIT_FAIL;
    }
    printf("%s\n", path);
    fflush(stdout);
    fprintf(stderr, "results written to %s\n", path);
    if (st == CLLM_ERR_CANCELLED)
        return CLI_EXIT_INTERRUPTED;
    if (ai_failed) {
        fprintf(stderr, "computellm run: the LLM phase failed: %s\n", why);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}
