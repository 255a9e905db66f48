/* The in-process engine: llama.cpp through the runtime-loaded libllama (llm/llama_api.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/strutil.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "llm/placement.h"
#include "llm/rpc.h"
#include "llm/sampler.h"

struct llama_engine {
    const struct cllm_llama   *L;
    struct llama_model        *model;
    struct llama_context      *ctx;
    struct ggml_threadpool    *tp;              /* our thread pool, attached to ctx; NULL: ggml's per graph */
    const struct llama_vocab  *vocab;
    struct cllm_llama_device   devs[CLLM_LLAMA_MAX_DEVICES];
    int                        n_devs;
    struct cllm_backend_choice choice;
    struct cllm_backend_gpu_plan plan;          /* the GPUs offloaded to and the split */
    float                      tensor_split[CLLM_LLAMA_MAX_DEVICES];   /* llama_max_devices() entries */
    char                       gpu_env[3][300];
    struct ggml_backend_device *offload[CLLM_LLAMA_MAX_DEVICES + 1];  /* NULL-terminated */
    int                        n_threads;
    int                        n_batch;
    uint32_t                   n_ctx;
    const char                *chat_template;   /* owned by the model; NULL: plain text fallback */
    char                       template_note[160];
    char                       model_path[1024];
    char                       desc[128];
    cllm_llama_token          *tokens;
    int                        tokens_cap;
    char                      *text;
    size_t                     text_cap;
    struct cllm_engine_rpc     rpc;             /* --rpc: servers and each device's share */
    struct cllm_placement      placement;       /* read from llama.cpp's log while loading */
    int                        sampling_mode;   /* enum cllm_sampling_mode */
    bool                       output_on_gpu;   /* the output layer is offloaded: auto samples on the device */
    struct llama_sampler      *dev_chain;       /* attached to ctx (backend sampling); freed after ctx */
    struct cllm_gen_params     dev_g;           /* the sampling values dev_chain was made with */
    int                        dev_kind;        /* enum cllm_sampled of dev_chain */
    bool                       dev_refused;     /* llama_set_sampler said no: host for every run */
};

/* Physical cores (llama.cpp's own default is 4 threads, whatever the machine). */
static int physical_cores(void)
{
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_cpu_info *cpu = malloc(sizeof(*cpu));
    int n = -1;
    if (cpu) {
        cllm_cpu_detect(&hp, cpu);
        n = cpu->physical_cores > 0 ? cpu->physical_cores : cpu->logical_cores;
        free(cpu);
    }
    return n > 0 ? n : 1;
}

static bool grow_text(struct llama_engine *E, size_t need)
{
    char *t;
    if (need <= E->text_cap)
        return true;
    t = realloc(E->text, need);
    if (!t)
        return false;
    E->text = t;
    E->text_cap = need;
    return true;
}

/* Formats system + user through the model's chat template into E->text; false on allocation failure.
 * *fallback says the plain form was used. */
static bool format_prompt(struct llama_engine *E, const char *system, const char *user, bool *fallback)
{
    struct cllm_llama_chat_message msgs[2];
    size_t n = 0, len;
    int32_t got;

    if (system && system[0])
        msgs[n++] = (struct cllm_llama_chat_message){"system", system};
    msgs[n++] = (struct cllm_llama_chat_message){"user", user};
    len = strlen(user) + (system ? strlen(system) : 0);
    *fallback = true;
    if (E->chat_template) {
        if (!grow_text(E, 2 * len + 256))
            return false;
        got = E->L->chat_apply_template(E->chat_template, msgs, n, true, E->text, (int32_t)E->text_cap);
        if (got >= 0 && (size_t)got >= E->text_cap) {
            if (!grow_text(E, (size_t)got + 1))
                return false;
            got = E->L->chat_apply_template(E->chat_template, msgs, n, true, E->text, (int32_t)E->text_cap);
        }
        if (got >= 0 && (size_t)got < E->text_cap) {
            E->text[got] = '\0';
            *fallback = false;
            return true;
        }
    }
    /* no usable template: the two messages as plain text, as a user would type them */
    if (!grow_text(E, len + 3))
        return false;
    snprintf(E->text, E->text_cap, "%s%s%s", system && system[0] ? system : "", system && system[0] ? "\n\n" : "",
             user);
    return true;
}

/* Tokenizes E->text (with BOS, special tokens parsed) into E->tokens; returns the count or -1. */
static int tokenize_prompt(struct llama_engine *E)
{
    int32_t len = (int32_t)strlen(E->text);
    int32_t n;
    cllm_llama_token bos;

    if (E->tokens_cap < len + 8) {
        cllm_llama_token *t = realloc(E->tokens, (size_t)(len + 8) * sizeof(*t));
        if (!t)
            return -1;
        E->tokens = t;
        E->tokens_cap = len + 8;
    }
    n = E->L->tokenize(E->vocab, E->text, len, E->tokens, E->tokens_cap, true, true);
    if (n < 0 && n != INT32_MIN) {
        cllm_llama_token *t = realloc(E->tokens, (size_t)(-n) * sizeof(*t));
        if (!t)
            return -1;
        E->tokens = t;
        E->tokens_cap = -n;
        n = E->L->tokenize(E->vocab, E->text, len, E->tokens, E->tokens_cap, true, true);
    }
    if (n < 0)
        return -1;
    /* a template that writes the BOS text itself plus add_special would give two BOS tokens */
    bos = E->L->vocab_bos(E->vocab);
    if (n >= 2 && bos >= 0 && E->tokens[0] == bos && E->tokens[1] == bos) {
        memmove(E->tokens, E->tokens + 1, (size_t)(n - 1) * sizeof(*E->tokens));
        n--;
    }
    return n;
}

/* The visibility variables as the model saw them (the selection's copy, else the process's). */
static void record_gpu_env(struct llama_engine *E, const struct cllm_gpu_selection *sel)
{
    struct cllm_gpu_visible_env env;
    if (sel)
        env = sel->env;
    else
        cllm_gpu_visible_env_read(&env);
    for (int i = 0; i < CLLM_GPU_ENV_COUNT && i < 3; i++) {
        E->gpu_env[i][0] = '\0';
        if (env.set[i])
            snprintf(E->gpu_env[i], sizeof(E->gpu_env[i]), "%s=%s", cllm_gpu_env_name((enum cllm_gpu_env_var)i),
                     env.value[i]);
    }
}

static void llama_engine_close(void *impl)
{
    struct llama_engine *E = impl;
    if (!E)
        return;
    if (E->ctx)
        E->L->free(E->ctx);
    if (E->dev_chain)
        E->L->sampler_free(E->dev_chain);   /* the context used it until freed */
    cllm_llama_threadpool_free(E->L, E->tp);
    if (E->model)
        E->L->model_free(E->model);
    free(E->tokens);
    free(E->text);
    free(E);
}

static void placement_tap(const char *line, void *user)
{
    cllm_placement_line(user, line);
}

/* Sums the memory entries that belong to device d: its own name, for the CPU also CPU_Mapped / CPU_REPACK / ...,
 * for the k-th device of an RPC server the buffer "RPCk[host:port]". */
static void share_of(const struct llama_engine *E, int di, struct cllm_engine_share *o)
{
    const struct cllm_llama_device *d = &E->devs[di];
    const struct cllm_placement *P = &E->placement;
    const struct cllm_placement_entry *e = cllm_placement_find(P, d->name);
    bool rpc = strcmp(d->backend, "RPC") == 0, cpu = d->type == CLLM_GGML_DEV_CPU;
    char buf_name[96] = "";
    bool any_model = false, any_kv = false, any_compute = false;

    memset(o, 0, sizeof(*o));
    cllm_strlcpy(o->device, d->name, sizeof(o->device));
    if (rpc) {
        int k = 0;
        for (int i = 0; i < di; i++)
            if (strcmp(E->devs[i].backend, "RPC") == 0 && strcmp(E->devs[i].description, d->description) == 0)
                k++;
        cllm_strlcpy(o->endpoint, d->description, sizeof(o->endpoint));
        snprintf(buf_name, sizeof(buf_name), "RPC%d[%s]", k, d->description);
    }
    /* no "assigned to device" line at all means the log did not say (not: zero layers) */
    o->layers = P->layer_lines > 0 ? (e ? e->layers : 0) : -1;
    o->model_mib = o->kv_mib = o->compute_mib = 0;
    for (int i = 0; i < P->n; i++) {
        const struct cllm_placement_entry *b = &P->e[i];
        bool mine = rpc ? strcmp(b->name, buf_name) == 0
                        : strcmp(b->name, d->name) == 0 || (cpu && strncmp(b->name, "CPU_", 4) == 0);
        if (!mine)
            continue;
        if (b->has_model) { o->model_mib += b->model_mib; any_model = true; }
        if (b->has_kv) { o->kv_mib += b->kv_mib; any_kv = true; }
        if (b->has_compute) { o->compute_mib += b->compute_mib; any_compute = true; }
    }
    /* the log lists every buffer of the model once: a device without a line holds none of that kind */
    bool logged_model = false, logged_kv = false, logged_compute = false;
    for (int i = 0; i < P->n; i++) {
        logged_model |= P->e[i].has_model;
        logged_kv |= P->e[i].has_kv;
        logged_compute |= P->e[i].has_compute;
    }
    if (!any_model && !logged_model)
        o->model_mib = NAN;
    if (!any_kv && !logged_kv)
        o->kv_mib = NAN;
    if (!any_compute && !logged_compute)
        o->compute_mib = NAN;
}

static void fill_shares(struct llama_engine *E)
{
    struct cllm_engine_rpc *R = &E->rpc;
    R->offloaded = E->placement.offloaded;
    R->offloadable = E->placement.offloadable;
    R->n_shares = 0;
    for (int i = 0; i < E->n_devs && R->n_shares < CLLM_ENGINE_MAX_DEVICES + 1; i++) {
        bool used = E->devs[i].type == CLLM_GGML_DEV_CPU;
        for (int j = 0; j < E->choice.n_devices && !used; j++)
            used = E->choice.devices[j] == i;
        if (used)
            share_of(E, i, &R->shares[R->n_shares++]);
    }
}

static enum cllm_status llama_engine_open(const struct cllm_engine_open_params *p, void **impl, char *err,
                                          size_t errlen)
{
    struct llama_engine *E;
    struct cllm_backend_device bdev[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_backend_gpu_dev gdev[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_llama_model_params mp;
    struct cllm_llama_context_params cp;
    struct stat st;
    char last[512];
    bool want_gpu;
    enum cllm_status s;

    *impl = NULL;
    if (!p->model_path || !p->model_path[0]) {
        snprintf(err, errlen, "no model file given");
        return CLLM_ERR_INVALID_ARG;
    }
    if (stat(p->model_path, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "model file %s not found", p->model_path);
        return CLLM_ERR_NOT_FOUND;
    }
    E = calloc(1, sizeof(*E));
    if (!E)
        return CLLM_ERR_NOMEM;
    s = cllm_llama_load(p->lib, &E->L, err, errlen);
    if (s != CLLM_OK)
        goto fail;
    cllm_strlcpy(E->model_path, p->model_path, sizeof(E->model_path));

    if (p->rpc && p->rpc[0]) {
        /* the servers are probed (bounded) before llama.cpp's client, which cannot be, is pointed at them */
        E->rpc.used = true;
        s = cllm_rpc_attach(E->L, p->rpc, p->rpc_lib, 0, &E->rpc.attach, err, errlen);
        if (s != CLLM_OK)
            goto fail;
    }
    E->n_devs = cllm_llama_devices(E->L, E->devs, CLLM_LLAMA_MAX_DEVICES);
    for (int i = 0; i < E->n_devs; i++) {
        cllm_strlcpy(bdev[i].backend, E->devs[i].backend, sizeof(bdev[i].backend));
        bdev[i].type = E->devs[i].type;
        cllm_strlcpy(gdev[i].name, E->devs[i].name, sizeof(gdev[i].name));
        cllm_strlcpy(gdev[i].device_id, E->devs[i].device_id, sizeof(gdev[i].device_id));
        gdev[i].memory_free_gb = E->devs[i].memory_free_gb;
    }
    want_gpu = !(p->device && strcmp(p->device, "cpu") == 0) && p->n_gpu_layers != 0;
    cllm_backend_choose(bdev, E->n_devs, want_gpu, p->n_gpu_layers, p->gpus, E->L->variant, &E->choice);
    if (E->choice.notice[0])
        CLLM_LOG(CLLM_LOG_WARN, "%s", E->choice.notice);
    /* the plan maps the selected GPUs of this machine; the RPC servers' devices follow them */
    s = cllm_backend_gpu_plan(gdev, E->n_devs, &E->choice, p->gpus, p->gpu_sel, p->split_mode, p->tensor_split_by,
                              &E->plan, err, errlen);
    if (s != CLLM_OK)
        goto fail;
    if (E->rpc.used) {
        int n_local = E->choice.n_devices;
        s = cllm_backend_add_rpc(bdev, E->n_devs, want_gpu ? p->n_gpu_layers : 0, &E->choice, err, errlen);
        if (s != CLLM_OK)
            goto fail;
        cllm_backend_plan_append(gdev, &E->choice, n_local, p->split_mode, p->tensor_split_by, &E->plan);
    }
    record_gpu_env(E, p->gpu_sel);
    /* only the planned GPUs (the chosen backend's, narrowed to the selection); an empty list keeps the model on the
     * CPU even in a GPU build */
    for (int i = 0; i < E->plan.n; i++) {
        E->offload[i] = E->devs[E->plan.devices[i]].handle;
        E->tensor_split[i] = E->plan.tensor_split[i];
    }
    E->offload[E->plan.n] = NULL;

    E->n_threads = p->n_threads > 0 ? p->n_threads : physical_cores();
    E->n_batch = p->n_batch > 0 ? p->n_batch : 512;

    mp = E->L->model_default_params();
    mp.devices = E->offload;
    mp.n_gpu_layers = E->choice.n_gpu_layers;
    if (E->plan.n > 0) {
        mp.split_mode = E->plan.split_mode;
        mp.main_gpu = E->plan.main_gpu;
        mp.tensor_split = E->plan.n > 1 ? E->tensor_split : NULL;
    }
    cllm_llama_take_error(last, sizeof(last));
    cllm_placement_init(&E->placement);
    if (E->rpc.used)
        cllm_llama_log_tap(placement_tap, &E->placement);
    E->model = E->L->model_load_from_file(p->model_path, mp);
    if (!E->model) {
        cllm_llama_log_tap(NULL, NULL);
        cllm_llama_take_error(last, sizeof(last));
        snprintf(err, errlen, "llama.cpp could not load %s%s%s", p->model_path, last[0] ? ": " : "", last);
        s = CLLM_ERR_PARSE;
        goto fail;
    }
    cp = E->L->context_default_params();
    cp.n_ctx = (uint32_t)(p->n_ctx > 0 ? p->n_ctx : 2048);
    cp.n_batch = (uint32_t)E->n_batch;
    cp.n_ubatch = (uint32_t)E->n_batch;
    cp.n_threads = E->n_threads;
    cp.n_threads_batch = E->n_threads;
    cp.no_perf = false;                         /* keep llama.cpp's own counters: reported beside ours */
    /* on the CPU, large prompt batches must not be shipped to a GPU behind our back (FACTS.md) */
    cp.op_offload = E->plan.n > 0;
    E->ctx = E->L->init_from_model(E->model, cp);
    cllm_llama_log_tap(NULL, NULL);
    if (E->rpc.used)
        fill_shares(E);
    if (!E->ctx) {
        cllm_llama_take_error(last, sizeof(last));
        snprintf(err, errlen, "llama.cpp could not create a context of %u tokens for %s%s%s", cp.n_ctx,
                 p->model_path, last[0] ? ": " : "", last);
        s = CLLM_ERR_LIBRARY;
        goto fail;
    }
    /* one thread pool for the context's life, as llama.cpp's own tools (llama-cli, llama-server, llama-bench)
     * attach: without one ggml starts and joins n_threads threads for every graph, i.e. every generated token */
    E->tp = cllm_llama_threadpool_new(E->L, E->n_threads, 50);
    if (E->tp)
        E->L->attach_threadpool(E->ctx, E->tp, NULL);
    E->vocab = E->L->model_get_vocab(E->model);
    E->n_ctx = E->L->n_ctx(E->ctx);
    E->sampling_mode = p->sampling;
    /* llama.cpp puts the output layer on the GPU only when more layers than the blocks are offloaded (-1: all) */
    E->output_on_gpu = E->plan.n > 0 &&
                       (E->choice.n_gpu_layers < 0 || E->choice.n_gpu_layers > E->L->model_n_layer(E->model));
    if (E->L->model_desc(E->model, E->desc, sizeof(E->desc)) < 0)
        E->desc[0] = '\0';

    E->chat_template = E->L->model_chat_template(E->model, NULL);
    if (!E->chat_template) {
        cllm_strlcpy(E->template_note, "none in the model: plain \"system\\n\\nuser\" text", sizeof(E->template_note));
    } else {
        bool fallback;
        if (!format_prompt(E, "s", "u", &fallback)) {
            s = CLLM_ERR_NOMEM;
            goto fail;
        }
        if (fallback) {
            cllm_strlcpy(E->template_note, "the model's template is not one llama.cpp knows: plain text",
                         sizeof(E->template_note));
            E->chat_template = NULL;
        } else {
            cllm_strlcpy(E->template_note, "the model's own (llama_chat_apply_template)", sizeof(E->template_note));
        }
    }
    CLLM_LOG(CLLM_LOG_INFO, "llama.cpp: %s on %s, %d threads, n_ctx %u, chat template: %s", E->desc,
             E->choice.backend, E->n_threads, E->n_ctx, E->template_note);
    *impl = E;
    return CLLM_OK;

fail:
    llama_engine_close(E);
    return s;
}

static struct llama_sampler *make_sampler(const struct cllm_llama *L, const struct llama_vocab *vocab,
                                          const struct cllm_gen_params *g)
{
    struct cllm_llama_sampler_chain_params sp = L->sampler_chain_default_params();
    struct llama_sampler *chain;

    sp.no_perf = false;
    chain = L->sampler_chain_init(sp);
    if (!chain)
        return NULL;
    if (g->repeat_penalty != 1.0)
        L->sampler_chain_add(chain, L->sampler_init_penalties(L->vocab_n_tokens(vocab),
                                                             g->repeat_last_n > 0 ? g->repeat_last_n : 64,
                                                             (float)g->repeat_penalty, 0.0f, 0.0f));
    if (g->temperature <= 0) {
        L->sampler_chain_add(chain, L->sampler_init_greedy());
    } else {
        if (g->top_k > 0)
            L->sampler_chain_add(chain, L->sampler_init_top_k(g->top_k));
        if (g->top_p > 0 && g->top_p < 1)
            L->sampler_chain_add(chain, L->sampler_init_top_p((float)g->top_p, 1));
        L->sampler_chain_add(chain, L->sampler_init_temp((float)g->temperature));
        L->sampler_chain_add(chain, L->sampler_init_dist(g->seed));
    }
    return chain;
}

static bool same_sampling(const struct cllm_gen_params *a, const struct cllm_gen_params *b)
{
    return a->temperature == b->temperature && a->top_k == b->top_k && a->top_p == b->top_p &&
           a->repeat_penalty == b->repeat_penalty && a->repeat_last_n == b->repeat_last_n && a->seed == b->seed;
}

/* The chain for the graph: the whole benchmark chain, or only the top-n_top that the host finishes. */
static struct llama_sampler *make_device_chain(const struct cllm_llama *L, const struct llama_vocab *vocab,
                                               const struct cllm_gen_params *g, int kind, int n_top)
{
    struct cllm_llama_sampler_chain_params sp;
    struct llama_sampler *chain;
    if (kind == CLLM_SAMPLED_DEVICE)
        return make_sampler(L, vocab, g);
    sp = L->sampler_chain_default_params();
    sp.no_perf = false;
    chain = L->sampler_chain_init(sp);
    if (chain)
        L->sampler_chain_add(chain, L->sampler_init_top_k(n_top));
    return chain;
}

/* Where this run picks its tokens (enum cllm_sampled; note says why not where asked). The device chain is attached
 * to the context once and kept while the sampling values stay the same: attaching makes llama.cpp reserve its
 * graphs again, which would land in the next run's prompt time. n_top: the candidates device-top-k keeps. */
#define REFUSED_NOTE "llama.cpp refused backend sampling for this context (a tensor split mode?): host"

static int choose_sampler(struct llama_engine *E, const struct cllm_gen_params *g, int n_top, char *note, size_t n)
{
    const struct cllm_llama *L = E->L;
    struct llama_sampler *chain;
    int kind = cllm_sampling_choose(E->sampling_mode, E->output_on_gpu, L->set_sampler && L->get_sampled_token_ith,
                                    L->get_sampled_logits_ith && L->get_sampled_logits_count_ith &&
                                        L->get_sampled_candidates_ith,
                                    g->repeat_penalty, note, n);
    if (kind == CLLM_SAMPLED_HOST)
        return kind;
    if (kind == CLLM_SAMPLED_DEVICE_TOP_K && n_top <= 0) {
        snprintf(note, n, "the host sampler could not be set up for the device's top-k: host");
        return CLLM_SAMPLED_HOST;
    }
    if (E->dev_refused) {
        snprintf(note, n, "%s", REFUSED_NOTE);
        return CLLM_SAMPLED_HOST;
    }
    if (E->dev_chain && E->dev_kind == kind && same_sampling(&E->dev_g, g)) {
        L->sampler_reset(E->dev_chain);   /* penalty history and the draw's seed, as a new chain */
        return kind;
    }
    chain = make_device_chain(L, E->vocab, g, kind, n_top);
    if (!chain) {
        snprintf(note, n, "llama.cpp could not create the device sampler chain: host");
        return CLLM_SAMPLED_HOST;
    }
    if (!L->set_sampler(E->ctx, 0, chain)) {
        L->sampler_free(chain);
        if (E->dev_chain) {
            L->sampler_free(E->dev_chain);
            E->dev_chain = NULL;
        }
        E->dev_refused = true;
        snprintf(note, n, "%s", REFUSED_NOTE);
        return CLLM_SAMPLED_HOST;
    }
    if (E->dev_chain)
        L->sampler_free(E->dev_chain);    /* replaced by set_sampler above */
    E->dev_chain = chain;
    E->dev_kind = kind;
    E->dev_g = *g;
    return kind;
}

/* A decode started at *t1 (0: none pending) has been waited for: its time joins *t_decode. */
static void decode_waited(uint64_t *t1, uint64_t *t_decode)
{
    if (*t1) {
        *t_decode += cllm_now_ns() - *t1;
        *t1 = 0;
    }
}

static enum cllm_status llama_engine_generate(void *impl, const struct cllm_gen_params *g,
                                              struct cllm_llm_trace *trace, char *err, size_t errlen)
{
    struct llama_engine *E = impl;
    const struct cllm_llama *L = E->L;
    struct llama_sampler *smpl = NULL;
    struct cllm_llama_perf_context_data perf;
    char piece[256], last[512];
    bool fallback;
    int n_prompt, ret;
    uint64_t t_decode = 0, t_loop = 0, t0, t1 = 0;
    enum cllm_status s = CLLM_OK;
    struct cllm_sampler fast;
    bool use_fast, fast_ok, finished_on_host = false;
    int sampled, n_cand = 0;

    cllm_llm_trace_reset(trace);
    trace->start_ns = trace->end_ns = cllm_now_ns();
    if (!g->prompt || g->max_tokens < 0) {
        snprintf(err, errlen, "no prompt, or a negative max_tokens");
        return CLLM_ERR_INVALID_ARG;
    }
    if (!format_prompt(E, g->system_prompt, g->prompt, &fallback) || (n_prompt = tokenize_prompt(E)) < 0) {
        snprintf(err, errlen, "could not template or tokenize the prompt");
        return CLLM_ERR_NOMEM;
    }
    if ((uint32_t)n_prompt >= E->n_ctx) {
        snprintf(err, errlen, "the prompt is %d tokens, the context only %u", n_prompt, E->n_ctx);
        return CLLM_ERR_INVALID_ARG;
    }
    trace->n_prompt_tokens = n_prompt;
    fast_ok = L->get_logits_ith != NULL &&
              cllm_sampler_init(&fast, L->vocab_n_tokens(E->vocab), g->top_k, g->top_p, g->temperature,
                                g->repeat_penalty, g->repeat_last_n > 0 ? g->repeat_last_n : 64, g->seed) == CLLM_OK;
    sampled = choose_sampler(E, g, fast_ok ? cllm_sampler_candidates_needed(&fast) : 0, trace->sampling_note,
                             sizeof(trace->sampling_note));
    trace->sampling = cllm_sampled_name(sampled);
    /* on the host: our one-pass sampler when the library gives the logits; llama.cpp's chain (same order) otherwise */
    use_fast = sampled == CLLM_SAMPLED_HOST && fast_ok;
    smpl = sampled != CLLM_SAMPLED_HOST || use_fast ? NULL : make_sampler(L, E->vocab, g);
    if (sampled == CLLM_SAMPLED_HOST && !use_fast && !smpl) {
        snprintf(err, errlen, "llama.cpp could not create the sampler chain");
        return CLLM_ERR_LIBRARY;
    }
    /* every run starts from an empty context, with fresh counters */
    L->memory_clear(L->get_memory(E->ctx), true);
    L->perf_context_reset(E->ctx);
    cllm_llama_take_error(last, sizeof(last));

    for (int i = 0; i < n_prompt; i += E->n_batch) {
        int n = n_prompt - i < E->n_batch ? n_prompt - i : E->n_batch;
        ret = L->decode(E->ctx, L->batch_get_one(E->tokens + i, n));
        if (ret != 0) {
            cllm_llama_take_error(last, sizeof(last));
            snprintf(err, errlen, "llama_decode failed on the prompt (%d)%s%s", ret, last[0] ? ": " : "", last);
            s = CLLM_ERR_LIBRARY;
            goto done;
        }
    }

    /* a GPU decode returns before its work ends: the prompt's wait stays out of the token loop's split */
    if (L->synchronize)
        L->synchronize(E->ctx);

    /* Each llama_get_* call below waits for the last decode (llama_synchronize, llama-context.cpp), and each wait is
     * a driver call even when the GPU is done. The decode timer t1 therefore ends at the first call that reads its
     * result, and every mode reads as little as it needs: device-top-k two arrays (the count of a top-k row is the
     * graph's k: read once), device the token alone. */
    t0 = cllm_now_ns();
    for (int n_gen = 0; n_gen < g->max_tokens; n_gen++) {
        cllm_llama_token tok;
        int32_t len;
        uint64_t t_tok;

        if (use_fast) {
            const float *logits = L->get_logits_ith(E->ctx, -1);
            decode_waited(&t1, &t_decode);
            if (!logits) {
                snprintf(err, errlen, "llama.cpp returned no logits after %d tokens", n_gen);
                s = CLLM_ERR_LIBRARY;
                goto done;
            }
            tok = cllm_sampler_sample(&fast, logits);
        } else if (sampled == CLLM_SAMPLED_DEVICE_TOP_K) {
            /* the device kept the best n (unsorted); the rest of the chain here, exactly as over all logits */
            const float *cv = L->get_sampled_logits_ith(E->ctx, -1);
            const cllm_llama_token *ci;
            decode_waited(&t1, &t_decode);
            ci = L->get_sampled_candidates_ith(E->ctx, -1);
            if (n_gen == 0)
                n_cand = (int)L->get_sampled_logits_count_ith(E->ctx, -1);
            tok = cllm_sampler_sample_candidates(&fast, cv, ci, n_cand);
            if (tok < 0) {
                snprintf(err, errlen, "llama.cpp returned no device top-k candidates after %d tokens", n_gen);
                s = CLLM_ERR_LIBRARY;
                goto done;
            }
        } else if (sampled == CLLM_SAMPLED_DEVICE) {
            /* the chain ran in the graph and its token is accepted here, as llama_sampler_sample would (the
             * penalty window's history); with a part the device could not run, no token is sampled on the device
             * and llama.cpp finishes the chain on the host over the candidates read back */
            tok = L->get_sampled_token_ith(E->ctx, -1);
            decode_waited(&t1, &t_decode);
            if (tok >= 0) {
                L->sampler_accept(E->dev_chain, tok);
            } else {
                if (!finished_on_host) {
                    finished_on_host = true;
                    trace->sampling = cllm_sampled_name(CLLM_SAMPLED_HOST);
                    snprintf(trace->sampling_note, sizeof(trace->sampling_note),
                             "the device could not run the whole sampler chain (llama.cpp's log names the sampler): "
                             "it was finished on the host");
                }
                tok = L->sampler_sample(E->dev_chain, E->ctx, -1);
            }
        } else {
            if (L->synchronize)
                L->synchronize(E->ctx);
            decode_waited(&t1, &t_decode);
            tok = L->sampler_sample(smpl, E->ctx, -1);   /* samples and accepts */
        }

        if (!g->ignore_eos && L->vocab_is_eog(E->vocab, tok))
            break;
        len = L->token_to_piece(E->vocab, tok, piece, (int32_t)sizeof(piece), 0, false);
        if (len < 0)
            len = 0;   /* longer than any real piece: counted as a token, text dropped */
        t_tok = cllm_now_ns();
        if (cllm_llm_trace_add(trace, t_tok, (uint32_t)len) != CLLM_OK) {
            snprintf(err, errlen, "out of memory recording token times");
            s = CLLM_ERR_NOMEM;
            goto done;
        }
        if (g->on_token && !g->on_token(piece, (size_t)len, t_tok, g->user_data)) {
            s = CLLM_ERR_CANCELLED;
            snprintf(err, errlen, "stopped after %d tokens", n_gen + 1);
            break;
        }
        if (n_gen + 1 == g->max_tokens)
            break;
        if ((uint32_t)(n_prompt + n_gen + 1) >= E->n_ctx) {
            CLLM_LOG(CLLM_LOG_WARN, "context of %u tokens full after %d generated tokens", E->n_ctx, n_gen + 1);
            break;
        }
        t1 = cllm_now_ns();
        ret = L->decode(E->ctx, L->batch_get_one(&tok, 1));
        if (ret != 0) {
            cllm_llama_take_error(last, sizeof(last));
            snprintf(err, errlen, "llama_decode failed after %d tokens (%d)%s%s", n_gen + 1, ret, last[0] ? ": " : "",
                     last);
            s = CLLM_ERR_LIBRARY;
            goto done;
        }
    }
    t_loop = cllm_now_ns() - t0;

done:
    trace->end_ns = cllm_now_ns();
    perf = L->perf_context(E->ctx);
    trace->has_engine_counters = true;
    trace->engine_prompt_ms = perf.t_p_eval_ms;
    trace->engine_prompt_tokens = perf.n_p_eval;
    trace->engine_decode_ms = perf.t_eval_ms;
    trace->engine_decode_tokens = perf.n_eval;
    if (t_loop > 0) {
        trace->has_loop_split = true;
        trace->loop_decode_ms = (double)t_decode / 1e6;
        trace->loop_other_ms = (double)(t_loop - t_decode) / 1e6;
    }
    if (smpl)
        L->sampler_free(smpl);
    return s;
}

static void device_info(const struct cllm_llama_device *d, struct cllm_engine_device *out)
{
    static const char *const types[] = {"cpu", "gpu", "igpu", "accel"};
    cllm_strlcpy(out->name, d->name, sizeof(out->name));
    cllm_strlcpy(out->description, d->description, sizeof(out->description));
    cllm_strlcpy(out->backend, d->backend, sizeof(out->backend));
    out->type = d->type >= 0 && d->type < 4 ? types[d->type] : "unknown";
    out->memory_total_gb = d->memory_total_gb;
    out->memory_free_gb = d->memory_free_gb;
    cllm_strlcpy(out->device_id, d->device_id, sizeof(out->device_id));
}

static void llama_engine_info(const void *impl, struct cllm_engine_info *o)
{
    const struct llama_engine *E = impl;
    const struct cllm_llama *L = E->L;
    const char *sys = L->print_system_info();

    o->kind = CLLM_ENGINE_KIND_IN_PROCESS;
    cllm_strlcpy(o->engine, "llama.cpp", sizeof(o->engine));
    cllm_strlcpy(o->library, L->lib_path, sizeof(o->library));
    cllm_strlcpy(o->llama_version, L->version, sizeof(o->llama_version));
    cllm_strlcpy(o->ggml_version, L->ggml_version, sizeof(o->ggml_version));
    cllm_strlcpy(o->ggml_commit, L->ggml_commit, sizeof(o->ggml_commit));
    cllm_strlcpy(o->variant, L->variant, sizeof(o->variant));
    cllm_strlcpy(o->backend, E->choice.backend, sizeof(o->backend));
    o->n_gpu_layers = E->choice.n_gpu_layers;
    o->op_offload = E->plan.n > 0;
    o->n_threads = E->n_threads;
    o->n_ctx = (int)E->n_ctx;
    o->n_batch = E->n_batch;
    cllm_strlcpy(o->flash_attn, "auto", sizeof(o->flash_attn));
    cllm_strlcpy(o->notice, E->choice.notice, sizeof(o->notice));
    for (int i = 0; i < E->plan.n && o->n_devices_used < CLLM_ENGINE_MAX_DEVICES; i++)
        device_info(&E->devs[E->plan.devices[i]], &o->devices_used[o->n_devices_used++]);
    o->n_gpus = E->plan.n;
    for (int i = 0; i < E->plan.n && i < CLLM_ENGINE_MAX_DEVICES; i++) {
        o->gpus[i] = E->plan.gpus[i];
        o->tensor_split[i] = E->plan.tensor_split[i];
    }
    cllm_strlcpy(o->gpu_mapped_by, E->plan.mapped_by, sizeof(o->gpu_mapped_by));
    cllm_strlcpy(o->split_mode, cllm_split_mode_name(E->plan.split_mode), sizeof(o->split_mode));
    o->main_gpu = E->plan.main_gpu;
    cllm_strlcpy(o->tensor_split_by, E->plan.tensor_split_by, sizeof(o->tensor_split_by));
    for (int i = 0; i < 3; i++)
        cllm_strlcpy(o->gpu_env[i], E->gpu_env[i], sizeof(o->gpu_env[i]));
    for (int i = 0; i < E->n_devs && o->n_devices_available < CLLM_ENGINE_MAX_DEVICES; i++)
        device_info(&E->devs[i], &o->devices_available[o->n_devices_available++]);
    cllm_strlcpy(o->model_path, E->model_path, sizeof(o->model_path));
    cllm_strlcpy(o->model_description, E->desc, sizeof(o->model_description));
    o->model_n_params = (int64_t)L->model_n_params(E->model);
    o->model_size_bytes = (int64_t)L->model_size(E->model);
    o->model_n_layers = L->model_n_layer(E->model);
    o->model_n_vocab = L->vocab_n_tokens(E->vocab);
    cllm_strlcpy(o->chat_template, E->template_note, sizeof(o->chat_template));
    cllm_strlcpy(o->system_info, sys ? sys : "", sizeof(o->system_info));
    o->rpc = E->rpc;
    o->cap_token_stream = true;
    o->cap_engine_counters = true;
    o->cap_ignore_eos = true;
    o->cap_gpu_offload = L->supports_gpu_offload();
}

const struct cllm_engine_ops cllm_engine_llama = {
    .name = "llama.cpp",
    .open = llama_engine_open,
    .generate = llama_engine_generate,
    .info = llama_engine_info,
    .close = llama_engine_close,
};

int cllm_backend_check_library(const char *lib, const struct cllm_gpu_info *gpus, struct cllm_backend_gap *out,
                               int max, char *lib_out, size_t lib_outlen, char *err, size_t errlen)
{
    struct cllm_llama_device devs[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_backend_device bdev[CLLM_LLAMA_MAX_DEVICES];
    const struct cllm_llama *L = NULL;
    int n;

    if (lib_out && lib_outlen)
        lib_out[0] = '\0';
    if (cllm_llama_load(lib, &L, err, errlen) != CLLM_OK)
        return -1;
    if (lib_out && lib_outlen)
        cllm_strlcpy(lib_out, L->lib_path, lib_outlen);
    n = cllm_llama_devices(L, devs, CLLM_LLAMA_MAX_DEVICES);
    for (int i = 0; i < n; i++) {
        cllm_strlcpy(bdev[i].backend, devs[i].backend, sizeof(bdev[i].backend));
        bdev[i].type = devs[i].type;
    }
    return cllm_backend_gaps(bdev, n, gpus, L->variant, out, max);
}
