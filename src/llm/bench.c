/* llama-bench's method on the loaded libllama (see bench.h). */
#define _POSIX_C_SOURCE 200809L
#include "llm/bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "gpu/select.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "llm/rpc.h"

struct cllm_bench_knobs cllm_bench_default_knobs(void)
{
    struct cllm_bench_knobs k;
    memset(&k, 0, sizeof(k));
    k.n_prompt = 512;
    k.n_gen = 128;
    k.n_batch = 2048;
    k.n_ubatch = 512;
    k.type_k = k.type_v = 1;
    k.n_gpu_layers = -1;
    k.split_mode = CLLM_BENCH_SPLIT_LAYER;
    k.flash_attn = -1;
    k.use_mmap = true;
    k.poll = 50;
    return k;
}

static const struct {
    const char *name;
    int         type;
} k_types[] = {
    {"f32", 0}, {"f16", 1}, {"q4_0", 2}, {"q4_1", 3}, {"q5_0", 6}, {"q5_1", 7}, {"q8_0", 8}, {"iq4_nl", 20},
    {"bf16", 30},
};

int cllm_bench_type_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof(k_types) / sizeof(k_types[0]); i++)
        if (strcmp(name, k_types[i].name) == 0)
            return k_types[i].type;
    return -1;
}

const char *cllm_bench_type_name(int type)
{
    for (size_t i = 0; i < sizeof(k_types) / sizeof(k_types[0]); i++)
        if (k_types[i].type == type)
            return k_types[i].name;
    return "?";
}

const char *cllm_bench_split_name(int mode)
{
    switch (mode) {
    case CLLM_BENCH_SPLIT_NONE: return "none";
    case CLLM_BENCH_SPLIT_LAYER: return "layer";
    case CLLM_BENCH_SPLIT_ROW: return "row";
    default: return "?";
    }
}

void cllm_bench_test_name(const struct cllm_bench_knobs *k, char *out, size_t n)
{
    int len;
    if (k->n_prompt > 0 && k->n_gen == 0)
        len = snprintf(out, n, "pp%d", k->n_prompt);
    else if (k->n_gen > 0 && k->n_prompt == 0)
        len = snprintf(out, n, "tg%d", k->n_gen);
    else
        len = snprintf(out, n, "pp%d+tg%d", k->n_prompt, k->n_gen);
    if (k->n_depth > 0 && len > 0 && (size_t)len < n)
        snprintf(out + len, n - (size_t)len, " @ d%d", k->n_depth);
}

uint64_t cllm_bench_rng_seed(void) { return 1; }

uint32_t cllm_bench_rng_next(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

void cllm_bench_sweep_free(struct cllm_bench_sweep *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n_tests; i++)
        free(s->tests[i].samples);
    free(s->tests);
    s->tests = NULL;
    s->n_tests = 0;
}

/* ---- llama.cpp in this process ---- */

struct bench_model {
    const struct cllm_llama *L;
    struct llama_model *model;
    const struct llama_vocab *vocab;
    int n_vocab;
    bool add_bos;
    cllm_llama_token bos;
    float tensor_split[CLLM_BENCH_MAX_SPLIT];
    struct ggml_backend_device *devices[CLLM_LLAMA_MAX_DEVICES + 1];   /* sweep --gpus: NULL-terminated */
};

struct bench_ctx {
    struct bench_model *m;
    struct llama_context *ctx;
    struct ggml_threadpool *tp;
    cllm_llama_token *tokens;
    int cap;
};

static void backends_of(const struct cllm_llama *L, char *out, size_t n, char *gpus, size_t gn)
{
    struct cllm_llama_device devs[CLLM_LLAMA_MAX_DEVICES];
    int nd = cllm_llama_devices(L, devs, CLLM_LLAMA_MAX_DEVICES);
    out[0] = gpus[0] = '\0';
    for (int i = 0; i < nd; i++) {
        if (devs[i].type == CLLM_GGML_DEV_CPU || !devs[i].backend[0])
            continue;
        if (!strstr(out, devs[i].backend))
            snprintf(out + strlen(out), n - strlen(out), "%s%s", out[0] ? "," : "", devs[i].backend);
        snprintf(gpus + strlen(gpus), gn - strlen(gpus), "%s%s", gpus[0] ? ", " : "", devs[i].description);
    }
    if (!out[0])
        cllm_strlcpy(out, "CPU", n);
}

/* sweep --gpus: the selected GPUs' devices of the chosen backend, matched as the run's engine matches them
 * (cllm_backend_gpu_plan); -sm, -mg and -ts then apply among them. */
static enum cllm_status select_devices(struct bench_model *M, const struct cllm_bench_load_params *p, char *err,
                                       size_t errlen)
{
    struct cllm_llama_device devs[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_backend_device bdev[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_backend_gpu_dev gdev[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_backend_choice choice;
    struct cllm_backend_gpu_plan plan;
    int nd = cllm_llama_devices(M->L, devs, CLLM_LLAMA_MAX_DEVICES);
    char why[CLLM_ERR_LEN];

    for (int i = 0; i < nd; i++) {
        cllm_strlcpy(bdev[i].backend, devs[i].backend, sizeof(bdev[i].backend));
        bdev[i].type = devs[i].type;
        cllm_strlcpy(gdev[i].name, devs[i].name, sizeof(gdev[i].name));
        cllm_strlcpy(gdev[i].device_id, devs[i].device_id, sizeof(gdev[i].device_id));
        gdev[i].memory_free_gb = devs[i].memory_free_gb;
    }
    cllm_backend_choose(bdev, nd, true, -1, p->gpus, M->L->variant, &choice);
    if (choice.n_devices == 0) {
        cllm_errf(err, errlen, "--gpus: this libllama (%s) has no GPU device%s%s", M->L->lib_path,
                  choice.notice[0] ? ": " : "", choice.notice);
        return CLLM_ERR_INVALID_ARG;
    }
    if (cllm_backend_gpu_plan(gdev, nd, &choice, p->gpus, p->gpu_sel, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE,
                              &plan, why, sizeof(why)) != CLLM_OK) {
        cllm_errf(err, errlen, "--gpus: %s", why);
        return CLLM_ERR_INVALID_ARG;
    }
    for (int i = 0; i < plan.n; i++)
        M->devices[i] = devs[plan.devices[i]].handle;
    /* --rpc beside --gpus: the servers' devices after the selected GPUs (as the run's engine orders them) */
    for (int i = 0; p->rpc && p->rpc[0] && i < nd && plan.n < CLLM_LLAMA_MAX_DEVICES; i++)
        if (strcmp(devs[i].backend, "RPC") == 0)
            M->devices[plan.n++] = devs[i].handle;
    M->devices[plan.n] = NULL;
    return CLLM_OK;
}

static enum cllm_status llama_load(void *self, const struct cllm_bench_load_params *p, void **out,
                                   struct cllm_bench_model_info *info, char *err, size_t errlen)
{
    struct bench_model *M;
    struct cllm_llama_model_params mp;
    const struct cllm_bench_knobs *k = p->k;
    char last[512];
    enum cllm_status st;

    (void)self;
    *out = NULL;
    M = calloc(1, sizeof(*M));
    if (!M)
        return CLLM_ERR_NOMEM;
    st = cllm_llama_load(p->lib, &M->L, err, errlen);
    if (st != CLLM_OK) {
        free(M);
        return st;
    }
    if (p->rpc && p->rpc[0]) {
        /* registered once per process: llama.cpp then offloads to them as to any GPU (devices NULL = all) */
        struct cllm_rpc_attach *ra = malloc(sizeof(*ra));
        st = ra ? cllm_rpc_attach(M->L, p->rpc, NULL, 0, ra, err, errlen) : CLLM_ERR_NOMEM;
        free(ra);
        if (st != CLLM_OK) {
            free(M);
            return st;
        }
    }
    if (!M->L->state_seq_get_size || !M->L->state_seq_get_data || !M->L->state_seq_set_data) {
        cllm_errf(err, errlen, "libllama %s lacks llama_state_seq_get_data/set_data (needed for -d)", M->L->lib_path);
        free(M);
        return CLLM_ERR_LIBRARY;
    }
    mp = M->L->model_default_params();
    mp.n_gpu_layers = k->n_gpu_layers;
    mp.split_mode = k->split_mode;
    mp.main_gpu = k->main_gpu;
    mp.load_mode = k->use_mmap ? CLLM_LLAMA_LOAD_AUTO : CLLM_LLAMA_LOAD_NONE;
    if (p->gpu_sel && p->gpu_sel->n > 0 && k->n_gpu_layers != 0) {
        st = select_devices(M, p, err, errlen);
        if (st != CLLM_OK) {
            free(M);
            return st;
        }
        mp.devices = M->devices;
    }
    if (k->n_tensor_split > 0) {
        for (int i = 0; i < k->n_tensor_split && i < CLLM_BENCH_MAX_SPLIT; i++)
            M->tensor_split[i] = k->tensor_split[i];
        mp.tensor_split = M->tensor_split;
    }
    cllm_llama_take_error(last, sizeof(last));
    M->model = M->L->model_load_from_file(p->model_path, mp);
    if (!M->model) {
        cllm_llama_take_error(last, sizeof(last));
        cllm_errf(err, errlen, "llama.cpp could not load %s with -ngl %d%s%s", p->model_path, k->n_gpu_layers,
                  last[0] ? ": " : "", last);
        free(M);
        return CLLM_ERR_PARSE;
    }
    M->vocab = M->L->model_get_vocab(M->model);
    M->n_vocab = M->L->vocab_n_tokens(M->vocab);
    M->add_bos = M->L->vocab_get_add_bos ? M->L->vocab_get_add_bos(M->vocab) : true;
    M->bos = M->L->vocab_bos(M->vocab);
    if (M->n_vocab <= 0) {
        cllm_errf(err, errlen, "%s has an empty vocabulary", p->model_path);
        M->L->model_free(M->model);
        free(M);
        return CLLM_ERR_PARSE;
    }
    if (M->L->model_desc(M->model, info->model_type, sizeof(info->model_type)) < 0)
        info->model_type[0] = '\0';
    info->model_size = (int64_t)M->L->model_size(M->model);
    info->model_n_params = (int64_t)M->L->model_n_params(M->model);
    info->n_layers = M->L->model_n_layer(M->model);
    backends_of(M->L, info->backends, sizeof(info->backends), info->gpu_info, sizeof(info->gpu_info));
    cllm_strlcpy(info->build_commit, M->L->ggml_commit, sizeof(info->build_commit));
    cllm_strlcpy(info->llama_version, M->L->version, sizeof(info->llama_version));
    cllm_strlcpy(info->library, M->L->lib_path, sizeof(info->library));
    *out = M;
    return CLLM_OK;
}

static void llama_unload(void *self, void *model)
{
    struct bench_model *M = model;
    (void)self;
    if (!M)
        return;
    M->L->model_free(M->model);
    free(M);
}

static void llama_ctx_free(void *self, void *ctx)
{
    struct bench_ctx *C = ctx;
    (void)self;
    if (!C)
        return;
    if (C->ctx)
        C->m->L->free(C->ctx);
    cllm_llama_threadpool_free(C->m->L, C->tp);
    free(C->tokens);
    free(C);
}

static enum cllm_status llama_ctx_new(void *self, void *model, const struct cllm_bench_knobs *k, int n_ctx,
                                      void **out, char *err, size_t errlen)
{
    struct bench_model *M = model;
    const struct cllm_llama *L = M->L;
    struct cllm_llama_context_params cp = L->context_default_params();
    struct bench_ctx *C;
    char last[512];

    *out = NULL;
    C = calloc(1, sizeof(*C));
    if (!C)
        return CLLM_ERR_NOMEM;
    C->m = M;
    C->cap = k->n_batch > 0 ? k->n_batch : 1;
    C->tokens = malloc((size_t)C->cap * sizeof(*C->tokens));
    if (!C->tokens) {
        free(C);
        return CLLM_ERR_NOMEM;
    }
    cp.n_ctx = (uint32_t)n_ctx;
    cp.n_batch = (uint32_t)k->n_batch;
    cp.n_ubatch = (uint32_t)k->n_ubatch;
    cp.n_threads = k->n_threads;
    cp.n_threads_batch = k->n_threads;
    cp.type_k = k->type_k;
    cp.type_v = k->type_v;
    cp.offload_kqv = !k->no_kv_offload;
    cp.op_offload = !k->no_op_offload;
    cp.flash_attn_type = k->flash_attn;
    cp.no_perf = true;          /* llama-bench: its own timers are off */
    cllm_llama_take_error(last, sizeof(last));
    C->ctx = L->init_from_model(M->model, cp);
    if (!C->ctx) {
        cllm_llama_take_error(last, sizeof(last));
        cllm_errf(err, errlen, "llama.cpp could not create a context of %d tokens (-b %d -ub %d -ctk %s -ctv %s -fa %d)"
                  "%s%s", n_ctx, k->n_batch, k->n_ubatch, cllm_bench_type_name(k->type_k),
                  cllm_bench_type_name(k->type_v), k->flash_attn, last[0] ? ": " : "", last);
        llama_ctx_free(self, C);
        return CLLM_ERR_LIBRARY;
    }
    /* one pool for the test, as llama-bench attaches: not one set of threads started per graph */
    C->tp = cllm_llama_threadpool_new(L, k->n_threads, k->poll);
    if (C->tp)
        L->attach_threadpool(C->ctx, C->tp, NULL);
    *out = C;
    return CLLM_OK;
}

static void llama_clear(void *self, void *ctx)
{
    struct bench_ctx *C = ctx;
    (void)self;
    C->m->L->memory_clear(C->m->L->get_memory(C->ctx), false);
}

static void sync_ctx(const struct cllm_llama *L, struct llama_context *c)
{
    if (L->synchronize)
        L->synchronize(c);
}

static enum cllm_status llama_prompt(void *self, void *ctx, int n, int n_batch, uint64_t *rng, char *err,
                                     size_t errlen)
{
    struct bench_ctx *C = ctx;
    const struct cllm_llama *L = C->m->L;
    int done = 0;
    (void)self;
    if (n_batch <= 0 || n_batch > C->cap)
        n_batch = C->cap;
    while (done < n) {
        int nt = n - done < n_batch ? n - done : n_batch, ret;
        for (int i = 0; i < nt; i++)
            C->tokens[i] = (cllm_llama_token)(cllm_bench_rng_next(rng) % (uint32_t)C->m->n_vocab);
        if (done == 0 && C->m->add_bos && C->m->bos >= 0)
            C->tokens[0] = C->m->bos;
        ret = L->decode(C->ctx, L->batch_get_one(C->tokens, nt));
        if (ret != 0) {
            char last[512];
            cllm_llama_take_error(last, sizeof(last));
            cllm_errf(err, errlen, "llama_decode failed on a %d-token prompt batch (%d)%s%s", nt, ret,
                      last[0] ? ": " : "", last);
            return CLLM_ERR_LIBRARY;
        }
        done += nt;
    }
    sync_ctx(L, C->ctx);
    return CLLM_OK;
}

static enum cllm_status llama_gen(void *self, void *ctx, int n, uint64_t *rng, char *err, size_t errlen)
{
    struct bench_ctx *C = ctx;
    const struct cllm_llama *L = C->m->L;
    cllm_llama_token tok = C->m->add_bos && C->m->bos >= 0
                               ? C->m->bos
                               : (cllm_llama_token)(cllm_bench_rng_next(rng) % (uint32_t)C->m->n_vocab);
    (void)self;
    for (int i = 0; i < n; i++) {
        int ret = L->decode(C->ctx, L->batch_get_one(&tok, 1));
        if (ret != 0) {
            char last[512];
            cllm_llama_take_error(last, sizeof(last));
            cllm_errf(err, errlen, "llama_decode failed after %d generated tokens (%d)%s%s", i, ret,
                      last[0] ? ": " : "", last);
            return CLLM_ERR_LIBRARY;
        }
        sync_ctx(L, C->ctx);
        tok = (cllm_llama_token)(cllm_bench_rng_next(rng) % (uint32_t)C->m->n_vocab);
    }
    return CLLM_OK;
}

static bool llama_state_save(void *self, void *ctx, uint8_t **buf, size_t *len)
{
    struct bench_ctx *C = ctx;
    const struct cllm_llama *L = C->m->L;
    size_t n = L->state_seq_get_size(C->ctx, 0);
    (void)self;
    *buf = NULL;
    *len = 0;
    if (n == 0 || !(*buf = malloc(n)))
        return false;
    *len = L->state_seq_get_data(C->ctx, *buf, n, 0);
    if (*len == 0) {
        free(*buf);
        *buf = NULL;
        return false;
    }
    return true;
}

static bool llama_state_restore(void *self, void *ctx, const uint8_t *buf, size_t len)
{
    struct bench_ctx *C = ctx;
    (void)self;
    return C->m->L->state_seq_set_data(C->ctx, buf, len, 0) != 0;
}

static uint64_t llama_now(void *self)
{
    (void)self;
    return cllm_now_ns();
}

static void llama_sleep(void *self, double s)
{
    /* a signal (Ctrl-C) ends it early: the runner then sees its cancel flag */
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    (void)self;
    if (s > 0)
        nanosleep(&ts, NULL);
}

const struct cllm_bench_ops cllm_bench_llama = {
    .name = "llama.cpp",
    .self = NULL,
    .load = llama_load,
    .unload = llama_unload,
    .ctx_new = llama_ctx_new,
    .ctx_free = llama_ctx_free,
    .clear = llama_clear,
    .prompt = llama_prompt,
    .gen = llama_gen,
    .state_save = llama_state_save,
    .state_restore = llama_state_restore,
    .now_ns = llama_now,
    .sleep_s = llama_sleep,
};
