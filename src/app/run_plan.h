/* A run's plan as a list of steps — detection, each classic phase, and for each model of each LLM phase its file,
 * load, warmup and timed runs (and the ladder), each comparison variant likewise, then the results file — in the
 * order cllm_run_benchmark goes through them, each weighted by its expected time. A tracker follows the run's
 * callbacks through the list: the share done (never going back, 1 only when the run completed), the step going on,
 * and the time left. The GUI's progress bar is this. */
#ifndef CLLM_RUN_PLAN_H
#define CLLM_RUN_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "app/ai_phase.h"
#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_run_params;
struct cllm_hw_info;

enum cllm_plan_kind {
    CLLM_PLAN_DETECT,      /* hardware detection */
    CLLM_PLAN_CLASSIC,     /* one classic phase (cleanup + phase) */
    CLLM_PLAN_AI,          /* one step of an LLM phase (struct cllm_ai_pos) */
    CLLM_PLAN_SAVE,        /* advice and the results file */
};

struct cllm_plan_step {
    enum cllm_plan_kind kind;
    int    classic;                /* CLASSIC: enum cllm_classic_phase_id */
    struct cllm_ai_pos ai;         /* AI: where */
    int    n_runs;                 /* AI RUN: the timed runs of its model or variant (config runs.count) */
    const char *phase_name;        /* AI: "plain", or the comparison's results key ("quantization", ...) */
    const char *model;             /* AI: the model key (points into the run's config) */
    const char *variant;           /* AI: the comparison variant's results key ("Q2_K", "low", "en"); "" plain */
    double weight_s;               /* expected duration, s (an estimate from the plan's sizes; > 0) */
    char   label[160];             /* English: "cpu_single_thread", "tiny-test: run 2/3", "tiny-test, temperature
                                      low: run 1/3" */
};

struct cllm_run_plan {
    struct cllm_plan_step *steps;
    int    n;
    double total_s;                /* sum of the weights */
};

/* The plan of p on the machine hw (the GPU count, the selection p->gpus as cllm_run_benchmark makes it): every step
 * that may run, each weighted by its expected time. The models' sizes and files come from the registry
 * (p->ai.models_file, p->ai.models_dir). CLLM_ERR_NOMEM, or CLLM_OK. */
enum cllm_status cllm_run_plan_build(const struct cllm_run_params *p, const struct cllm_hw_info *hw,
                                     struct cllm_run_plan *out);
void cllm_run_plan_free(struct cllm_run_plan *plan);

/* The index of the first step at or after `from` that is classic phase `classic` / AI position `at`; -1 none. */
int cllm_run_plan_find_classic(const struct cllm_run_plan *plan, int from, int classic);
int cllm_run_plan_find_ai(const struct cllm_run_plan *plan, int from, const struct cllm_ai_pos *at);

/* Where a run is in its plan. Only moves forward: a step reached means every step before it ended (ran, was
 * skipped, or failed). */
struct cllm_plan_tracker {
    int    cursor;                 /* the step going on (plan->n: all done) */
    double step_start_s;           /* cllm_now_s() when it started */
    double step_fraction;          /* the step's own share done (a download's bytes), 0..1; NAN none */
    double shown;                  /* the largest fraction given out (never goes back) */
    bool   finished;               /* the run completed: the fraction is 1 */
};

void cllm_plan_tracker_init(struct cllm_plan_tracker *t, double now_s);

/* Moves to step index (ignored when it is not ahead of the cursor). */
void cllm_plan_tracker_move(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t, int index, double now_s);

/* The current step's own fraction (0..1; NAN: none known). */
void cllm_plan_tracker_step_fraction(struct cllm_plan_tracker *t, double fraction);

/* The run completed: every step done, fraction 1. */
void cllm_plan_tracker_finish(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t);

/* The share of the plan done (0..1): the steps before the cursor, plus the current step's own fraction or else
 * the time it has run against its weight (at most 90 % of it); below 1 until finished, never going back. */
double cllm_plan_tracker_fraction(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t, double now_s);

/* Seconds left: the weight not done, scaled by the pace measured so far (elapsed / weight done) once a tenth of
 * the plan is done; NAN when finished. */
double cllm_plan_tracker_remaining_s(const struct cllm_run_plan *plan, struct cllm_plan_tracker *t, double elapsed_s,
                                     double now_s);

/* "detect", "classic", "prepare", "load", "warmup", "run", "ladder", "save". */
const char *cllm_plan_step_kind_name(const struct cllm_plan_step *s);

#ifdef __cplusplus
}
#endif

#endif
