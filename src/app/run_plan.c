#include "app/run_plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/run.h"
#include "classic/classic.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "llm/llm_result.h"
#include "model/registry.h"
#include "report/fields_classic.h"
#include "report/fields_llm.h"

/* The weights are expected seconds from the plan's own sizes and round rates of a small machine; they only share
 * the bar out between the steps, and the time left is scaled by the pace the run measures. */
#define CPU_CORE_FLOPS 30e9        /* one core's sgemm rate */
#define GPU_FLOPS 20e12
#define MEM_BPS 10e9               /* memory bandwidth, bytes/s */
#define DOWNLOAD_BPS 30e6
#define SYNTH_S_PER_GB 20.0        /* writing and quantizing a synthetic model, after SYNTH_BASE_S */
#define SYNTH_BASE_S 4.0
#define CLEANUP_S 2.5              /* the system cleanup before a classic phase, with its pause */
#define LOAD_S_PER_GB 1.0
#define CPU_DECODE_BPS 20e9        /* decode reads the whole model per token */
#define GPU_DECODE_BPS 200e9
#define RUN_OVERHEAD_S 0.3         /* the prompt and the request around each run */

struct plan_ctx {
    const struct cllm_run_params *p;
    const struct cllm_hw_info *hw;
    struct cllm_run_plan *plan;
    int cap;
    bool nomem;
};

static struct cllm_plan_step *add(struct plan_ctx *c, enum cllm_plan_kind kind, double weight_s)
{
    struct cllm_plan_step *s;
    if (c->nomem)
        return NULL;
    if (c->plan->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 64;
        struct cllm_plan_step *v = realloc(c->plan->steps, (size_t)cap * sizeof(*v));
        if (!v) {
            c->nomem = true;
            return NULL;
        }
        c->plan->steps = v;
        c->cap = cap;
    }
    s = &c->plan->steps[c->plan->n++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->weight_s = weight_s > 0.05 ? weight_s : 0.05;
    c->plan->total_s += s->weight_s;
    return s;
}

static double gemm_s(const int *sizes, int n, int iterations, double flops)
{
    double t = 0;
    for (int i = 0; i < n; i++)
        t += 2.0 * sizes[i] * (double)sizes[i] * sizes[i] * (iterations + 1) / flops;
    return t;
}

static void add_classic(struct plan_ctx *c)
{
    const struct cllm_config *cfg = &c->p->cfg;
    int cores = c->hw->cpu.logical_cores > 0 ? c->hw->cpu.logical_cores : 1;
    /* write, read, copy, triad move 8, 8, 16 and 24 bytes per element; a warmup pass, single and all threads */
    double mem = 56.0 * ((double)cfg->memory_array_mb * 1048576.0 / 8.0) * (cfg->memory_repeats + 1) * 2 / MEM_BPS;
    double w[CLLM_CLASSIC_PHASE_COUNT] = {
        [CLLM_CLASSIC_CPU_SINGLE] = gemm_s(cfg->cpu_matrix_sizes, cfg->n_cpu_matrix_sizes, cfg->gemm_iterations,
                                           CPU_CORE_FLOPS),
        [CLLM_CLASSIC_CPU_MULTI] = gemm_s(cfg->cpu_matrix_sizes, cfg->n_cpu_matrix_sizes, cfg->gemm_iterations,
                                          CPU_CORE_FLOPS * cores),
        [CLLM_CLASSIC_MEMORY] = mem,
        [CLLM_CLASSIC_GPU] = c->hw->gpu.n_devices > 0
                                 ? 3.0 + gemm_s(cfg->gpu_matrix_sizes, cfg->n_gpu_matrix_sizes, cfg->gemm_iterations,
                                                GPU_FLOPS)
                                 : 0.2,
    };
    for (int i = 0; i < CLLM_CLASSIC_PHASE_COUNT; i++) {
        /* each phase has the system cleanup and its pause before it */
        struct cllm_plan_step *s = add(c, CLLM_PLAN_CLASSIC, w[i] + CLEANUP_S);
        if (!s)
            return;
        s->classic = i;
        snprintf(s->label, sizeof(s->label), "%s", CLLM_CLASSIC_PHASE_FIELDS[i]->name);
    }
}

/* What one model (at one quantization) costs: the file, the load, a run. */
struct model_cost {
    double prepare_s, load_s, warmup_s, run_s;
};

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static struct model_cost model_cost(const struct plan_ctx *c, const struct cllm_model *m, const char *quant)
{
    const struct cllm_run_params *p = c->p;
    const struct cllm_model_quant *q = m ? cllm_model_find_quant(m, quant) : NULL;
    const struct cllm_model_quant *dq = m ? cllm_model_find_quant(m, NULL) : NULL;
    double gb = q && isfinite(q->size_gb) ? q->size_gb : dq && isfinite(dq->size_gb) ? dq->size_gb : 1.0;
    bool server = p->ai.server_url != NULL;
    bool gpu = c->hw->gpu.n_devices > 0 && !(p->ai.device && strcmp(p->ai.device, "cpu") == 0);
    double pause = p->cfg.cleanup_pause_s;
    double tps = (gpu ? GPU_DECODE_BPS : CPU_DECODE_BPS) / (gb * 1e9);
    struct model_cost k;
    char path[4096 + 256];

    if (tps > 2000)
        tps = 2000;
    if (tps < 1)
        tps = 1;
    k.prepare_s = pause + 0.2;
    k.load_s = server ? 0.5 : 0.5 + gb * LOAD_S_PER_GB;
    if (!server && m) {
        bool have = false;
        if (q) {
            cllm_model_local_path(q, p->ai.models_dir, path, sizeof(path));
            have = exists(path);
        }
        if (!have) {
            cllm_model_synthetic_path(m, q, p->ai.models_dir, path, sizeof(path));
            have = exists(path);
        }
        if (!have)
            k.prepare_s += q && p->ai.allow_download ? gb * 1e9 / DOWNLOAD_BPS : SYNTH_BASE_S + gb * SYNTH_S_PER_GB;
    }
    k.warmup_s = p->cfg.warmup_runs * (p->cfg.warmup_max_tokens / tps + RUN_OVERHEAD_S);
    k.run_s = p->cfg.inference.max_tokens / tps + RUN_OVERHEAD_S;
    return k;
}

static struct cllm_plan_step *add_ai(struct plan_ctx *c, int phase, const char *phase_name, int model,
                                     const char *variant, enum cllm_ai_stage stage, int run, double weight_s)
{
    struct cllm_plan_step *s = add(c, CLLM_PLAN_AI, weight_s);
    const char *key = c->p->cfg.models[model];
    char where[128];
    if (!s)
        return NULL;
    s->ai = (struct cllm_ai_pos){phase, model, 0, stage, run};
    s->phase_name = phase_name;
    s->model = key;
    s->variant = variant ? variant : "";
    s->n_runs = c->p->cfg.runs;
    if (phase == 0)
        snprintf(where, sizeof(where), "%s", key);
    else
        snprintf(where, sizeof(where), "%s, %s %s", key, phase_name, s->variant);
    switch (stage) {
    case CLLM_AI_STAGE_PREPARE: snprintf(s->label, sizeof(s->label), "%s: model file", where); break;
    case CLLM_AI_STAGE_LOAD: snprintf(s->label, sizeof(s->label), "%s: load", where); break;
    case CLLM_AI_STAGE_WARMUP: snprintf(s->label, sizeof(s->label), "%s: warmup", where); break;
    case CLLM_AI_STAGE_RUN: snprintf(s->label, sizeof(s->label), "%s: run %d/%d", where, run + 1, s->n_runs); break;
    case CLLM_AI_STAGE_LADDER: snprintf(s->label, sizeof(s->label), "%s: ladder", where); break;
    }
    return s;
}

/* Prepare, load, warmup and the timed runs of one model or variant; runs_only: the variant shares the load of
 * variant 0 (temperature, language, prompt type). */
static void add_model_steps(struct plan_ctx *c, int phase, const char *phase_name, int model, int variant,
                            const char *vname, const struct model_cost *k, bool runs_only)
{
    struct cllm_plan_step *s;
    if (!runs_only) {
        if ((s = add_ai(c, phase, phase_name, model, vname, CLLM_AI_STAGE_PREPARE, 0, k->prepare_s)))
            s->ai.variant = variant;
        if ((s = add_ai(c, phase, phase_name, model, vname, CLLM_AI_STAGE_LOAD, 0, k->load_s)))
            s->ai.variant = variant;
        if ((s = add_ai(c, phase, phase_name, model, vname, CLLM_AI_STAGE_WARMUP, 0, k->warmup_s)))
            s->ai.variant = variant;
    }
    for (int r = 0; r < c->p->cfg.runs; r++) {
        /* a variant after the first has a cleanup (and its pause) before its runs */
        double extra = runs_only && variant > 0 && r == 0 ? c->p->cfg.cleanup_pause_s : 0;
        if ((s = add_ai(c, phase, phase_name, model, vname, CLLM_AI_STAGE_RUN, r, k->run_s + extra)))
            s->ai.variant = variant;
    }
}

static void add_ai_phases(struct plan_ctx *c, const struct cllm_registry *reg)
{
    const struct cllm_run_params *p = c->p;
    const struct cllm_ai_params *ap = &p->ai;
    bool in_process = !ap->server_url && !ap->llama_server && !ap->engine;
    struct cllm_gpu_selection sel;
    bool multi;
    char why[256];
    int n_models = p->cfg.n_models < CLLM_CONFIG_MAX_MODELS ? p->cfg.n_models : CLLM_CONFIG_MAX_MODELS;

    memset(&sel, 0, sizeof(sel));
    /* the selection cllm_run_benchmark makes (a bad one fails the run before any phase) */
    if (cllm_gpu_select(&c->hw->gpu, p->gpus, NULL, &sel, why, sizeof(why)) != CLLM_OK)
        sel.n = 0;
    multi = sel.n >= 2 && !ap->server_url && !ap->llama_server && !(ap->device && strcmp(ap->device, "cpu") == 0);

    for (int i = 0; i < n_models; i++) {
        const struct cllm_model *m = cllm_registry_find(reg, p->cfg.models[i]);
        struct model_cost k = model_cost(c, m, ap->quant);
        add_model_steps(c, 0, "plain", i, 0, "", &k, false);
        if (in_process && (ap->ladder == CLLM_AI_LADDER_ALL || (ap->ladder == CLLM_AI_LADDER_FIRST && i == 0)))
            /* llama-bench's three rungs with their repetitions, then the chat through llama-server */
            add_ai(c, 0, "plain", i, "", CLLM_AI_STAGE_LADDER, 0, 4 * k.run_s + k.load_s + k.warmup_s);
    }
    if (ap->compare & CLLM_AI_COMPARE_QUANT)
        for (int i = 0; i < n_models; i++)
            for (int v = 0; v < CLLM_LLM_N_QUANT_VARIANTS; v++) {
                const struct cllm_model *m = cllm_registry_find(reg, p->cfg.models[i]);
                const char *qn = CLLM_LLM_QUANT_VARIANTS[v]->name;
                struct model_cost k = model_cost(c, m, qn);
                add_model_steps(c, 1 + CLLM_LLM_CMP_QUANT, CLLM_F_AI_CMP_QUANTIZATION.name, i, v, qn, &k, false);
            }
    {
        static const struct {
            unsigned bit;
            int phase;
            const struct cllm_field *key;
            const struct cllm_field *const *labels;
            int n;
        } vs[] = {
            {CLLM_AI_COMPARE_TEMPERATURE, CLLM_LLM_CMP_TEMPERATURE, &CLLM_F_AI_CMP_TEMPERATURE,
             CLLM_LLM_TEMPERATURE_VARIANTS, CLLM_LLM_N_TEMPERATURE_VARIANTS},
            {CLLM_AI_COMPARE_LANGUAGE, CLLM_LLM_CMP_LANGUAGE, &CLLM_F_AI_CMP_LANGUAGE, CLLM_LLM_LANGUAGE_VARIANTS,
             CLLM_LLM_N_LANGUAGE_VARIANTS},
            {CLLM_AI_COMPARE_PROMPT_TYPE, CLLM_LLM_CMP_PROMPT_TYPE, &CLLM_F_AI_CMP_PROMPT_TYPE,
             CLLM_LLM_PROMPT_TYPE_VARIANTS, CLLM_LLM_N_PROMPT_TYPE_VARIANTS},
        };
        for (size_t ph = 0; ph < sizeof(vs) / sizeof(vs[0]); ph++) {
            if (!(ap->compare & vs[ph].bit))
                continue;
            for (int i = 0; i < n_models; i++) {
                const struct cllm_model *m = cllm_registry_find(reg, p->cfg.models[i]);
                struct model_cost k = model_cost(c, m, ap->quant);
                for (int v = 0; v < vs[ph].n; v++)
                    add_model_steps(c, 1 + vs[ph].phase, vs[ph].key->name, i, v, vs[ph].labels[v]->name, &k, v > 0);
            }
        }
    }
    if (multi)
        for (int i = 0; i < n_models; i++) {
            const struct cllm_model *m = cllm_registry_find(reg, p->cfg.models[i]);
            struct model_cost k = model_cost(c, m, ap->quant);
            for (int v = 0; v < sel.n + 2; v++) {
                const struct cllm_field *label;
                if (v < sel.n) {
                    if (sel.index[v] >= CLLM_LLM_N_GPU_VARIANTS - 2)
                        continue;
                    label = CLLM_LLM_GPU_VARIANTS[sel.index[v]];
                } else {
                    bool row = v == sel.n + 1;
                    if (!(ap->split_modes & (row ? CLLM_AI_SPLIT_ROW : CLLM_AI_SPLIT_LAYER)))
                        continue;
                    label = CLLM_LLM_GPU_VARIANTS[CLLM_LLM_N_GPU_VARIANTS - 2 + (row ? 1 : 0)];
                }
                add_model_steps(c, 1 + CLLM_LLM_CMP_GPUS, CLLM_F_AI_CMP_GPUS.name, i, v, label->name, &k, false);
            }
        }
}

enum cllm_status cllm_run_plan_build(const struct cllm_run_params *p, const struct cllm_hw_info *hw,
                                     struct cllm_run_plan *out)
{
    struct plan_ctx c = {p, hw, out, 0, false};
    struct cllm_plan_step *s;

    memset(out, 0, sizeof(*out));
    if ((s = add(&c, CLLM_PLAN_DETECT, 1.0)))
        snprintf(s->label, sizeof(s->label), "hardware detection");
    if (!p->skip_classic)
        add_classic(&c);
    if (!p->skip_ai) {
        struct cllm_registry_params rp = cllm_registry_default_params();
        struct cllm_registry *reg = NULL;
        char err[256];
        rp.user_path = p->ai.models_file;
        /* without a registry the phase fails at once: its models still get their (unknown-size) steps */
        if (cllm_registry_load(&rp, &reg, err, sizeof(err)) != CLLM_OK)
            reg = NULL;
        add_ai_phases(&c, reg);
        cllm_registry_free(reg);
    }
    if ((s = add(&c, CLLM_PLAN_SAVE, 1.0)))
        snprintf(s->label, sizeof(s->label), "results file");
    if (c.nomem) {
        cllm_run_plan_free(out);
        return CLLM_ERR_NOMEM;
    }
    return CLLM_OK;
}

void cllm_run_plan_free(struct cllm_run_plan *plan)
{
    free(plan->steps);
    memset(plan, 0, sizeof(*plan));
}

int cllm_run_plan_find_classic(const struct cllm_run_plan *plan, int from, int classic)
{
    for (int i = from < 0 ? 0 : from; i < plan->n; i++)
        if (plan->steps[i].kind == CLLM_PLAN_CLASSIC && plan->steps[i].classic == classic)
            return i;
    return -1;
}

int cllm_run_plan_find_ai(const struct cllm_run_plan *plan, int from, const struct cllm_ai_pos *at)
{
    for (int i = from < 0 ? 0 : from; i < plan->n; i++) {
        const struct cllm_ai_pos *a = &plan->steps[i].ai;
        if (plan->steps[i].kind == CLLM_PLAN_AI && a->phase == at->phase && a->model == at->model &&
            a->variant == at->variant && a->stage == at->stage && a->run == at->run)
            return i;
    }
    return -1;
}

void cllm_plan_tracker_init(struct cllm_plan_tracker *t, double now_s)
{
    t->cursor = 0;
    t->step_start_s = now_s;
    t->step_fraction = NAN;
    t->shown = 0;
    t->finished = false;
}

void cllm_plan_tracker_move(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t, int index, double now_s)
{
    if (index <= t->cursor || index > plan->n)
        return;
    t->cursor = index;
    t->step_start_s = now_s;
    t->step_fraction = NAN;
}

void cllm_plan_tracker_step_fraction(struct cllm_plan_tracker *t, double fraction)
{
    if (!isfinite(fraction))
        return;
    if (fraction < 0)
        fraction = 0;
    if (fraction > 1)
        fraction = 1;
    if (!isfinite(t->step_fraction) || fraction > t->step_fraction)
        t->step_fraction = fraction;
}

void cllm_plan_tracker_finish(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t)
{
    t->cursor = plan->n;
    t->finished = true;
    t->shown = 1;
}

/* Weight done: the steps before the cursor and the current step's part. */
static double weight_done(const struct cllm_run_plan *plan, const struct cllm_plan_tracker *t, double now_s)
{
    double w = 0, part;
    for (int i = 0; i < t->cursor && i < plan->n; i++)
        w += plan->steps[i].weight_s;
    if (t->cursor >= plan->n)
        return w;
    part = isfinite(t->step_fraction) ? t->step_fraction : (now_s - t->step_start_s) / plan->steps[t->cursor].weight_s;
    if (!(part > 0))
        part = 0;
    if (part > 0.9)
        part = 0.9;
    return w + part * plan->steps[t->cursor].weight_s;
}

double cllm_plan_tracker_fraction(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t, double now_s)
{
    double f;
    if (t->finished)
        return 1;
    if (plan->total_s <= 0)
        return t->shown;
    f = weight_done(plan, t, now_s) / plan->total_s;
    /* the last step's end is the run's end: 1 only from finish */
    if (f > 0.99)
        f = 0.99;
    if (f > t->shown)
        t->shown = f;
    return t->shown;
}

double cllm_plan_tracker_remaining_s(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t, double elapsed_s,
                                     double now_s)
{
    double done, pace = 1;
    if (t->finished)
        return NAN;
    done = cllm_plan_tracker_fraction(plan, t, now_s) * plan->total_s;
    if (done >= 0.1 * plan->total_s && elapsed_s > 0) {
        pace = elapsed_s / done;
        if (pace < 0.1)
            pace = 0.1;
        if (pace > 10)
            pace = 10;
    }
    return (plan->total_s - done) * pace;
}

const char *cllm_plan_step_kind_name(const struct cllm_plan_step *s)
{
    static const char *const stages[] = {"prepare", "load", "warmup", "run", "ladder"};
    switch (s->kind) {
    case CLLM_PLAN_DETECT: return "detect";
    case CLLM_PLAN_CLASSIC: return "classic";
    case CLLM_PLAN_SAVE: return "save";
    case CLLM_PLAN_AI:
        return (int)s->ai.stage >= 0 && (size_t)s->ai.stage < sizeof(stages) / sizeof(stages[0]) ? stages[s->ai.stage]
                                                                                                  : "ai";
    }
    return "?";
}
