/* Decode speed of computellm's in-process engine vs a minimal llama-bench-style loop (random tokens, one
 * llama_decode per token, nothing else), alternated in one process on the same library, model and threads.
 *   llm_decode_vs_loop MODEL.gguf [cpu|gpu] [TOKENS] [ROUNDS] [LIBLLAMA] [SAMPLING,...]
 * SAMPLING: the engine's --sampling modes to compare (auto, device, host; default auto), one engine each on the same
 * model, alternated within every round with the loops.
 * Prints per round and mode: engine decode t/s (our timestamps), llama.cpp's own decode counter for the same run,
 * the loop's t/s, and the engine's loop overhead (sampling + detokenizing + bookkeeping, % of decode time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "hw/hw.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "llm/metrics.h"

/* sync: wait for each token's decode before the next, as real generation must (its next token comes from this
 * one's logits); without it a GPU overlaps building the next graph with computing this one, as llama-bench does */
static double loop_tps(const struct cllm_llama *L, const char *path, bool gpu, int threads, int n_tokens,
                       int n_vocab, bool sync)
{
    static struct ggml_backend_device *none[1] = {NULL};
    struct cllm_llama_model_params mp = L->model_default_params();
    struct cllm_llama_context_params cp = L->context_default_params();
    struct llama_model *m;
    struct llama_context *c;
    cllm_llama_token prompt[32], t;
    unsigned x = 12345;
    double t0, dt;

    mp.n_gpu_layers = gpu ? -1 : 0;
    if (!gpu)
        mp.devices = none;   /* as the engine: CPU only, nothing offloaded */
    cp.n_ctx = 2048;
    cp.n_threads = cp.n_threads_batch = threads;
    cp.op_offload = gpu;
    m = L->model_load_from_file(path, mp);
    if (!m)
        return -1;
    c = L->init_from_model(m, cp);
    if (!c)
        return -1;
    for (int i = 0; i < 32; i++) {
        x = x * 1664525u + 1013904223u;
        prompt[i] = (cllm_llama_token)(x % (unsigned)n_vocab);
    }
    L->decode(c, L->batch_get_one(prompt, 32));
    t0 = cllm_now_s();
    for (int i = 0; i < n_tokens; i++) {
        x = x * 1664525u + 1013904223u;
        t = (cllm_llama_token)(x % (unsigned)n_vocab);
        L->decode(c, L->batch_get_one(&t, 1));
        if (sync && L->synchronize)
            L->synchronize(c);
    }
    dt = cllm_now_s() - t0;
    L->free(c);
    L->model_free(m);
    return n_tokens / dt;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : NULL;
    bool gpu = argc > 2 && strcmp(argv[2], "gpu") == 0;
    int n_tokens = argc > 3 ? atoi(argv[3]) : 128, rounds = argc > 4 ? atoi(argv[4]) : 3;
    const char *lib = argc > 5 ? argv[5] : NULL;
    struct cllm_hw_params hp = cllm_hw_default_params();
    static struct cllm_hw_info hw;
    struct cllm_engine_open_params op = cllm_engine_default_open_params();
    struct cllm_engine *e[3] = {NULL, NULL, NULL};
    int modes[3], n_modes = 0;
    const struct cllm_llama *L = NULL;
    char err[1024];

    if (!path) {
        fprintf(stderr, "usage: llm_decode_vs_loop MODEL.gguf [cpu|gpu] [TOKENS] [ROUNDS] [LIBLLAMA] [SAMPLING,...]\n");
        return 2;
    }
    {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", argc > 6 ? argv[6] : "auto");
        for (char *w = strtok(buf, ","); w && n_modes < 3; w = strtok(NULL, ","))
            if (!cllm_sampling_mode_parse(w, &modes[n_modes++])) {
                fprintf(stderr, "sampling mode '%s': expected auto, device or host\n", w);
                return 2;
            }
    }
    cllm_hw_detect(&hp, &hw);
    if (cllm_llama_load(lib, &L, err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    op.model_path = path;
    op.lib = lib;
    op.device = gpu ? "auto" : "cpu";
    op.n_gpu_layers = gpu ? -1 : 0;
    op.gpus = &hw.gpu;
    for (int k = 0; k < n_modes; k++) {
        op.sampling = modes[k];
        if (cllm_engine_open(&cllm_engine_llama, &op, &e[k], err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    printf("round  mode    sampled  engine_decode_tps  llama_counter_tps  engine/counter  loop_tps  engine/loop  "
           "sync_loop_tps  engine/sync_loop  overhead_%%\n");
    for (int r = 0; r < rounds; r++) {
        int threads = hw.cpu.physical_cores > 0 ? hw.cpu.physical_cores : 1;
        double lt = loop_tps(L, path, gpu, threads, n_tokens, 32000, false);
        double ls = loop_tps(L, path, gpu, threads, n_tokens, 32000, true);
        for (int k = 0; k < n_modes; k++) {
            struct cllm_gen_params g = cllm_gen_default_params();
            struct cllm_llm_trace tr;
            struct cllm_llm_run_metrics rm;
            cllm_llm_trace_init(&tr);
            g.max_tokens = n_tokens + 1;   /* n_tokens decode steps after the first token */
            g.ignore_eos = true;
            if (cllm_engine_generate(e[k], &g, &tr, err, sizeof(err)) != CLLM_OK ||
                cllm_llm_run_metrics_compute(&tr, &rm) != CLLM_OK) {
                fprintf(stderr, "engine run failed: %s\n", err);
                return 1;
            }
            printf("%5d  %-6s  %-7s  %17.2f  %17.2f  %13.1f%%  %8.2f  %10.1f%%  %13.2f  %15.1f%%  %9.2f%s%s\n", r + 1,
                   cllm_sampling_mode_name(modes[k]), tr.sampling ? tr.sampling : "?", rm.decode_tokens_per_second,
                   rm.engine_decode_tokens_per_second,
                   100 * rm.decode_tokens_per_second / rm.engine_decode_tokens_per_second, lt,
                   100 * rm.decode_tokens_per_second / lt, ls, 100 * rm.decode_tokens_per_second / ls,
                   rm.loop_overhead_percent, tr.sampling_note[0] ? "  " : "", tr.sampling_note);
            cllm_llm_trace_free(&tr);
        }
    }
    for (int k = 0; k < n_modes; k++)
        cllm_engine_close(e[k]);
    return 0;
}
