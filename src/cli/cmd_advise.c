/* computellm advise: which models fit this machine, where, and how fast they should decode (app/advise.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/advise.h"
#include "cli/cli.h"
#include "core/config.h"
#include "hw/hw.h"
#include "report/fields_advice.h"
#include "report/result.h"

#define GIB (1024.0 * 1024.0 * 1024.0)
#define MAX_GGUF 32

void usage_advise(FILE *f)
{
    fputs("usage: computellm advise [--json] [--min-tps N] [--ctx N] [--kv-type T] [--model KEY] [--gguf PATH]...\n"
          "                         [--hf OWNER/REPO/FILE]... [--results FILE | --no-results] [--models-dir DIR]\n"
          "                         [--models-file FILE]\n"
          "\n"
          "For every registry model x quantization (and each GGUF file named, read from its header only): the\n"
          "weights, the KV cache at the context size and KV type, a compute buffer estimate; where it fits here\n"
          "(all layers on a GPU, across GPUs, unified memory, N of L layers on the GPU, CPU only, does not fit);\n"
          "and the predicted decode and prompt tokens/s from the memory bandwidth and GEMM rate of where the\n"
          "layers sit. Bandwidths, GEMM rates and the roofline efficiency come from a results file when there is\n"
          "one (the newest in results/, or --results FILE); each input says whether it was measured or assumed.\n"
          "\n"
          "  --json              machine-readable output (the \"advice\" section of a results file)\n"
          "  --min-tps N         decode target of the \"largest model\" recommendation, tokens/s (default 10)\n"
          "  --ctx N             context size the KV cache is sized for (default: the configuration's n_ctx)\n"
          "  --kv-type T         KV cache type: f16 (default), bf16, f32, q8_0, q4_0, q4_1, q5_0, q5_1\n"
          "  --gen N             tokens generated: decode is predicted at depth N/2 (default 128)\n"
          "  --model KEY         only this registry model\n"
          "  --gguf PATH         add a GGUF file (its header is read; repeat for several)\n"
          "  --hf OWNER/REPO/FILE  add a Hugging Face file: only its GGUF header is fetched (a Range request;\n"
          "                      HF_ENDPOINT, HF_TOKEN honoured), nothing is downloaded\n"
          "  --no-registry       only the GGUF files named\n"
          "  --results FILE      take measured inputs from this results file\n"
          "  --results-dir DIR   where to look for the newest results file (default results/)\n"
          "  --no-results        use no results file: every input assumed\n"
          "  --models-dir DIR    models folder, to say what is downloaded (default models/)\n"
          "  --models-file FILE  extra model registry\n"
          "\n"
          "examples:\n"
          "  computellm advise --min-tps 20\n"
          "  computellm advise --json --results results/benchmark_AMD_EPYC_Linux_20260206_143022.json\n"
          "  computellm advise --no-registry --gguf models/my-model.Q4_K_M.gguf\n",
          f);
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static void print_input(FILE *f, const char *label, const struct cllm_fit_input *in, const char *unit)
{
    fprintf(f, "  %-28s %10.*f %-9s %s\n", label, strcmp(unit, "") == 0 ? 2 : 1, in->value, unit, in->source);
}

static void print_tps(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, " %8.1f", v);
    else
        fprintf(f, " %8s", "-");
}

static void print_advice(FILE *f, const struct cllm_fit_advice *a)
{
    const struct cllm_fit_rates *r = &a->rates;
    fprintf(f, "Inputs (KV cache: n_ctx %d, %s; decode predicted at depth %d)%s%s\n", a->n_ctx, a->kv_type, a->depth,
            a->measured_from[0] ? ", measured from " : "", a->measured_from);
    print_input(f, "host read bandwidth", &r->cpu_read_gbps, "GB/s");
    print_input(f, "GPU read bandwidth", &r->gpu_read_gbps, "GB/s");
    print_input(f, "CPU decode efficiency", &r->cpu_decode_eff, "");
    print_input(f, "GPU decode efficiency", &r->gpu_decode_eff, "");
    print_input(f, "GPU time per layer", &r->gpu_layer_us, "us");
    print_input(f, "CPU GEMM", &r->cpu_gflops, "GFLOPS");
    print_input(f, "GPU GEMM (fp16)", &r->gpu_gflops, "GFLOPS");
    print_input(f, "CPU prompt efficiency", &r->cpu_prompt_eff, "");
    print_input(f, "GPU prompt efficiency", &r->gpu_prompt_eff, "");
    fprintf(f, "Memory: ");
    if (isfinite(a->mem.ram_free_bytes))
        fprintf(f, "RAM %.1f GiB free", a->mem.ram_free_bytes / GIB);
    else
        fprintf(f, "RAM free unknown");
    if (a->mem.unified)
        fprintf(f, "; %s uses system memory", a->mem.gpu_name);
    for (int i = 0; i < a->mem.n_gpus; i++)
        fprintf(f, "; GPU %d %.1f GiB free", i, a->mem.gpu_free_bytes[i] / GIB);
    if (!a->mem.unified && a->mem.n_gpus == 0)
        fprintf(f, "; no GPU");
    fprintf(f, "\n\n%-22s %-7s %8s %7s %8s %-10s %7s %8s %8s %8s %-10s\n", "model", "quant", "weights", "KV", "compute",
            "where", "layers", "decode", "prompt", "CPU-only", "downloaded");
    fprintf(f, "%-22s %-7s %8s %7s %8s %-10s %7s %8s %8s %8s\n", "", "", "GiB", "GiB", "GiB", "", "on GPU", "t/s",
            "t/s", "t/s");
    for (int i = 0; i < a->n_rows; i++) {
        const struct cllm_fit_row *w = &a->rows[i];
        char layers[24];
        snprintf(layers, sizeof(layers), "%d/%d", w->place.n_gpu_layers, w->need.n_layer);
        fprintf(f, "%-22.22s %-7s %8.2f %7.2f %8.2f %-10s %7s", w->key, w->quant, w->need.weights_bytes / GIB,
                w->need.kv_bytes / GIB, w->need.compute_bytes / GIB, cllm_fit_where_name(w->place.where), layers);
        print_tps(f, w->decode_tps);
        print_tps(f, w->prompt_tps);
        print_tps(f, w->decode_tps_cpu);
        fprintf(f, " %-10s%s\n", w->downloaded ? w->downloaded : "no",
                w->best_on_gpu ? "  <- best on GPU" : w->best_on_cpu ? "  <- best in RAM" : "");
    }
    fprintf(f, "\nRecommendations:\n  largest model at >= %g tokens/s: %s\n", a->min_tps, a->largest_why);
    for (int i = 0; i < a->n_rows; i++) {
        const struct cllm_fit_row *w = &a->rows[i];
        if (w->best_on_gpu || w->best_on_cpu)
            fprintf(f, "  %s: %s fits %s (%.1f tokens/s predicted)\n", w->key, w->quant,
                    w->best_on_gpu ? "entirely on the GPU" : "in RAM", w->decode_tps);
        if (w->place.where == CLLM_WHERE_PARTIAL)
            fprintf(f, "  %s %s: partial offload, %d of %d layers on the GPU: %.1f tokens/s, against %.1f all on the "
                    "GPU (if it fitted) and %.1f all on the CPU\n", w->key, w->quant, w->place.n_gpu_layers,
                    w->need.n_layer, w->decode_tps, w->decode_tps_gpu_all, w->decode_tps_cpu);
    }
    fprintf(f, "\nPredicted rates are estimates: decode = bytes read per token / (bandwidth x efficiency) of where "
               "the layers sit; inputs marked assumed were not measured on this machine.\n");
}

int cmd_advise(int argc, char *const *argv)
{
    struct cli_iter it = {.argc = argc, .argv = argv, .i = 1, .cmd = "advise"};
    struct cllm_advise_params p = cllm_advise_default_params();
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_hw_info *hw = NULL;
    struct cllm_config cfg;
    struct cllm_fit_advice adv;
    const char *gguf[MAX_GGUF], *hf[MAX_GGUF], *results = NULL, *results_dir = "results";
    char found[PATH_MAX], err[CLLM_ERR_LEN];
    cJSON *res = NULL;
    bool json = false, no_results = false;
    enum cllm_status st;
    int rc = CLI_EXIT_FAIL;

    cllm_config_defaults(&cfg);
    p.n_ctx = cfg.inference.n_ctx;
    p.gguf_paths = gguf;
    p.hf_files = hf;
    for (; it.i < argc; it.i++) {
        if (cli_global_opt(&it))
            continue;
        if (cli_opt(&it, "--help", "-h", false)) {
            usage_advise(stdout);
            return CLI_EXIT_OK;
        }
        if (cli_opt(&it, "--json", NULL, false)) {
            json = true;
        } else if (cli_opt(&it, "--min-tps", NULL, true)) {
            char *end;
            errno = 0;
            p.min_tps = it.value ? strtod(it.value, &end) : NAN;
            if (!it.value || errno || end == it.value || *end || !(p.min_tps > 0) || !isfinite(p.min_tps)) {
                fprintf(stderr, "computellm advise: --min-tps '%s' is not a number of tokens/s above 0\n",
                        it.value ? it.value : "");
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--ctx", NULL, true)) {
            if (it.value && !parse_int(it.value, 1, 1 << 24, &p.n_ctx)) {
                fprintf(stderr, "computellm advise: --ctx '%s' is not a context size (1 to %d tokens)\n", it.value,
                        1 << 24);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--gen", NULL, true)) {
            if (it.value && !parse_int(it.value, 1, 1 << 24, &p.n_gen)) {
                fprintf(stderr, "computellm advise: --gen '%s' is not a token count (1 to %d)\n", it.value, 1 << 24);
                return CLI_EXIT_USAGE;
            }
        } else if (cli_opt(&it, "--kv-type", NULL, true)) {
            p.kv_type = it.value;
        } else if (cli_opt(&it, "--model", "-m", true)) {
            p.model = it.value;
        } else if (cli_opt(&it, "--gguf", NULL, true)) {
            if (p.n_gguf == MAX_GGUF) {
                fprintf(stderr, "computellm advise: at most %d --gguf files\n", MAX_GGUF);
                return CLI_EXIT_USAGE;
            }
            if (it.value)
                gguf[p.n_gguf++] = it.value;
        } else if (cli_opt(&it, "--hf", NULL, true)) {
            if (p.n_hf == MAX_GGUF) {
                fprintf(stderr, "computellm advise: at most %d --hf files\n", MAX_GGUF);
                return CLI_EXIT_USAGE;
            }
            if (it.value)
                hf[p.n_hf++] = it.value;
        } else if (cli_opt(&it, "--no-registry", NULL, false)) {
            p.registry = false;
        } else if (cli_opt(&it, "--results", NULL, true)) {
            results = it.value;
        } else if (cli_opt(&it, "--results-dir", NULL, true)) {
            results_dir = it.value;
        } else if (cli_opt(&it, "--no-results", NULL, false)) {
            no_results = true;
        } else if (cli_opt(&it, "--models-dir", NULL, true)) {
            p.models_dir = it.value;
        } else if (cli_opt(&it, "--models-file", NULL, true)) {
            p.models_file = it.value;
        } else {
            return cli_unknown(&it, usage_advise);
        }
        if (it.error)
            return CLI_EXIT_USAGE;
    }
    if (!p.registry && p.n_gguf == 0 && p.n_hf == 0) {
        fputs("computellm advise: --no-registry leaves nothing to advise on: name a file with --gguf PATH or --hf "
              "OWNER/REPO/FILE\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (results && no_results) {
        fputs("computellm advise: --results and --no-results together: choose one\n", stderr);
        return CLI_EXIT_USAGE;
    }
    if (!results && !no_results && cllm_advise_find_results(results_dir, found, sizeof(found)))
        results = found;
    if (results) {
        st = cllm_result_load(results, &res, err, sizeof(err));
        if (st != CLLM_OK) {
            fprintf(stderr, "computellm advise: %s\n", err);
            return st == CLLM_ERR_NOT_FOUND ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        }
        p.result = res;
        p.result_origin = results;
    }
    hw = calloc(1, sizeof(*hw));
    if (!hw) {
        fputs("computellm advise: out of memory\n", stderr);
        goto cleanup;
    }
    cllm_hw_detect(&hp, hw);
    p.hw = hw;
    st = cllm_advise(&p, &adv, err, sizeof(err));
    if (st != CLLM_OK) {
        fprintf(stderr, "computellm advise: %s\n", err);
        rc = st == CLLM_ERR_INVALID_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        goto cleanup;
    }
    if (json) {
        cJSON *o = cllm_write_advice(&adv);
        char *text = o ? cJSON_Print(o) : NULL;
        if (text)
            printf("%s\n", text);
        free(text);
        cJSON_Delete(o);
        rc = text ? CLI_EXIT_OK : CLI_EXIT_FAIL;
    } else {
        print_advice(stdout, &adv);
        rc = CLI_EXIT_OK;
    }
    cllm_fit_advice_free(&adv);
cleanup:
    cJSON_Delete(res);
    free(hw);
    return rc;
}
