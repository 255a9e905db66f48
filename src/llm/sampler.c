#include "llm/sampler.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum cllm_status cllm_sampler_init(struct cllm_sampler *s, int n_vocab, int top_k, double top_p, double temperature,
                                   double repeat_penalty, int last_n, uint64_t seed)
{
    if (n_vocab <= 0)
        return CLLM_ERR_INVALID_ARG;
    memset(s, 0, sizeof(*s));
    s->n_vocab = n_vocab;
    s->top_k = (top_k <= 0 || top_k > CLLM_SAMPLER_MAX_K) ? CLLM_SAMPLER_MAX_K : top_k;
    if (s->top_k > n_vocab)
        s->top_k = n_vocab;
    s->top_p = (top_p > 0 && top_p < 1) ? (float)top_p : 1.0f;
    s->temperature = (float)temperature;
    s->repeat_penalty = repeat_penalty > 0 ? (float)repeat_penalty : 1.0f;
    s->last_n = last_n < 0 ? 0 : last_n > CLLM_SAMPLER_MAX_HIST ? CLLM_SAMPLER_MAX_HIST : last_n;
    s->rng = seed;
    return CLLM_OK;
}

void cllm_sampler_accept(struct cllm_sampler *s, int32_t token)
{
    if (s->last_n == 0)
        return;
    s->hist[s->hist_pos] = token;
    s->hist_pos = (s->hist_pos + 1) % s->last_n;
    if (s->n_hist < s->last_n)
        s->n_hist++;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool in_history(const struct cllm_sampler *s, int32_t t)
{
    for (int i = 0; i < s->n_hist; i++)
        if (s->hist[i] == t)
            return true;
    return false;
}

static float penalized(const struct cllm_sampler *s, int32_t t, float v)
{
    if (s->repeat_penalty == 1.0f || !in_history(s, t))
        return v;
    return v > 0 ? v / s->repeat_penalty : v * s->repeat_penalty;
}

/* Min-heap of the k best (value, id) pairs: the root is the weakest kept. */
static void sift_down(float *v, int32_t *id, int n, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && v[l] < v[m])
            m = l;
        if (r < n && v[r] < v[m])
            m = r;
        if (m == i)
            return;
        float tv = v[i];
        int32_t ti = id[i];
        v[i] = v[m], id[i] = id[m];
        v[m] = tv, id[m] = ti;
        i = m;
    }
}

struct cand {
    float   v;
    int32_t id;
};

static int32_t finish(struct cllm_sampler *s, struct cand *c, int nc);

static int by_value_desc(const void *a, const void *b)
{
    float x = ((const struct cand *)a)->v, y = ((const struct cand *)b)->v;
    return (x < y) - (x > y);
}

int32_t cllm_sampler_sample(struct cllm_sampler *s, const float *logits)
{
    float hv[CLLM_SAMPLER_MAX_K + CLLM_SAMPLER_MAX_HIST];
    int32_t hid[CLLM_SAMPLER_MAX_K + CLLM_SAMPLER_MAX_HIST];
    struct cand c[CLLM_SAMPLER_MAX_K + 2 * CLLM_SAMPLER_MAX_HIST];
    int k = s->temperature <= 0 ? 1 : s->top_k, n = 0, nc, cap;

    /* A penalty > 1 only lowers the logits of the ≤ n_hist window tokens, so the k best after it are among the
     * k + n_hist best before it: one pass keeps those in a min-heap (root = weakest kept), then the penalty is
     * applied to that short list only. */
    cap = k + (s->repeat_penalty != 1.0f ? s->n_hist : 0);
    for (int32_t t = 0; t < s->n_vocab; t++) {
        float x = logits[t];
        if (n < cap) {
            hv[n] = x, hid[n] = t;
            if (++n == cap)
                for (int i = cap / 2 - 1; i >= 0; i--)
                    sift_down(hv, hid, cap, i);
        } else if (x > hv[0]) {
            hv[0] = x, hid[0] = t;
            sift_down(hv, hid, cap, 0);
        }
    }
    nc = 0;
    for (int i = 0; i < n; i++) {
        c[nc].id = hid[i];
        c[nc++].v = s->n_hist ? penalized(s, hid[i], hv[i]) : hv[i];
    }
    /* a penalty < 1 raises window tokens: they may come from outside the list */
    if (s->repeat_penalty < 1.0f)
        for (int h = 0; h < s->n_hist; h++) {
            bool seen = false;
            for (int i = 0; i < nc && !seen; i++)
                seen = c[i].id == s->hist[h];
            if (!seen && s->hist[h] >= 0 && s->hist[h] < s->n_vocab) {
                c[nc].id = s->hist[h];
                c[nc++].v = penalized(s, s->hist[h], logits[s->hist[h]]);
            }
        }
    return finish(s, c, nc);
}

int cllm_sampler_candidates_needed(const struct cllm_sampler *s)
{
    return (s->temperature <= 0 ? 1 : s->top_k) + (s->repeat_penalty != 1.0f ? s->last_n : 0);
}

int32_t cllm_sampler_sample_candidates(struct cllm_sampler *s, const float *logits, const int32_t *ids, int n)
{
    struct cand c[CLLM_SAMPLER_MAX_K + CLLM_SAMPLER_MAX_HIST];
    int nc = 0;
    if (n <= 0 || !logits || !ids || s->repeat_penalty < 1.0f)
        return -1;
    if (n > CLLM_SAMPLER_MAX_K + CLLM_SAMPLER_MAX_HIST)
        n = CLLM_SAMPLER_MAX_K + CLLM_SAMPLER_MAX_HIST;
    for (int i = 0; i < n; i++) {
        if (ids[i] < 0 || ids[i] >= s->n_vocab)
            continue;
        c[nc].id = ids[i];
        c[nc++].v = s->n_hist ? penalized(s, ids[i], logits[i]) : logits[i];
    }
    if (nc == 0)
        return -1;
    return finish(s, c, nc);
}

/* The chain after the candidate list is known: sort, top-k, top-p, temperature, draw; records the token. */
static int32_t finish(struct cllm_sampler *s, struct cand *c, int nc)
{
    float v[CLLM_SAMPLER_MAX_K];
    int32_t id[CLLM_SAMPLER_MAX_K];
    int k = s->temperature <= 0 ? 1 : s->top_k, n, keep;
    double sum = 0, cum, r;
    float maxv;
    int32_t tok;

    qsort(c, (size_t)nc, sizeof(c[0]), by_value_desc);
    n = nc < k ? nc : k;
    for (int i = 0; i < n; i++)
        v[i] = c[i].v, id[i] = c[i].id;
    if (s->temperature <= 0 || n == 1) {
        tok = id[0];
        goto done;
    }
    /* top-p on the softmax of the (penalized) logits, before temperature, as llama.cpp's chain does */
    maxv = v[0];
    keep = n;
    if (s->top_p < 1.0f) {
        double p[CLLM_SAMPLER_MAX_K];
        for (int i = 0; i < n; i++)
            sum += (p[i] = exp((double)(v[i] - maxv)));
        cum = 0;
        for (int i = 0; i < n; i++) {
            cum += p[i] / sum;
            if (cum >= s->top_p) {
                keep = i + 1;
                break;
            }
        }
    }
    /* temperature, softmax over what is kept, draw */
    sum = 0;
    {
        double p[CLLM_SAMPLER_MAX_K];
        for (int i = 0; i < keep; i++)
            sum += (p[i] = exp((double)(v[i] - maxv) / s->temperature));
        r = (double)(splitmix64(&s->rng) >> 11) / 9007199254740992.0 * sum;
        tok = id[keep - 1];
        cum = 0;
        for (int i = 0; i < keep; i++) {
            cum += p[i];
            if (r < cum) {
                tok = id[i];
                break;
            }
        }
    }
done:
    cllm_sampler_accept(s, tok);
    return tok;
}
