/* The token sampler of the in-process engine: repeat penalty → top-k → top-p → temperature → seeded draw, the
 * order and the meaning of llama.cpp's sampler chain, computed over the logits in one pass with a small heap.
 * llama.cpp's chain builds and sorts a 32 000-entry candidate array per token: 0.27 ms, 18 % of a TinyLlama decode
 * step on an H100 (docs/performance.md); this costs a few microseconds. */
#ifndef CLLM_LLM_SAMPLER_H
#define CLLM_LLM_SAMPLER_H

#include <stdint.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_SAMPLER_MAX_K    256   /* largest top-k kept (0 or larger values are clamped here) */
#define CLLM_SAMPLER_MAX_HIST 1024  /* longest repeat-penalty window */

struct cllm_sampler {
    int      n_vocab;
    int      top_k;            /* 1..CLLM_SAMPLER_MAX_K */
    float    top_p;            /* (0, 1]; 1 = off */
    float    temperature;      /* <= 0: greedy (argmax after the penalty) */
    float    repeat_penalty;   /* 1 = off; as llama.cpp: logit / p when positive, logit × p when negative */
    int      last_n;           /* tokens the penalty looks back over */
    uint64_t rng;              /* splitmix64 state */
    int32_t  hist[CLLM_SAMPLER_MAX_HIST];
    int      n_hist;           /* valid entries in hist (≤ last_n) */
    int      hist_pos;         /* next slot to overwrite */
};

/* top_k <= 0 means the largest supported k. */
enum cllm_status cllm_sampler_init(struct cllm_sampler *s, int n_vocab, int top_k, double top_p, double temperature,
                                   double repeat_penalty, int last_n, uint64_t seed);

/* Picks the next token from n_vocab logits (not modified) and records it in the penalty window. */
int32_t cllm_sampler_sample(struct cllm_sampler *s, const float *logits);

/* How many of the best logits the chain can pick from: top-k, plus the penalty window when a penalty > 1 may push
 * window tokens out of the k best (then the k best after it are among the k + last_n best before it). */
int cllm_sampler_candidates_needed(const struct cllm_sampler *s);

/* Picks the next token as cllm_sampler_sample would from the whole vocabulary, given only its n best logits
 * (any order; ids their tokens) — at least cllm_sampler_candidates_needed(s) of them, e.g. a device's top-k.
 * -1 when there is none, or the penalty is < 1 (it may raise tokens from outside the list: use the whole logits). */
int32_t cllm_sampler_sample_candidates(struct cllm_sampler *s, const float *logits, const int32_t *ids, int n);

/* Records a token in the penalty window without sampling (e.g. the prompt's tail). */
void cllm_sampler_accept(struct cllm_sampler *s, int32_t token);

#ifdef __cplusplus
}
#endif

#endif
