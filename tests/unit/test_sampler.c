/* The engine's sampler: greedy, top-k, top-p, temperature, repeat penalty, seeded draws with the right odds. */
#include <math.h>

#include "llm/sampler.h"
#include "test.h"

static void test_greedy_and_top1(void)
{
    float logits[6] = {0.1f, 2.0f, -1.0f, 1.9f, 0.0f, 0.5f};
    struct cllm_sampler s;
    CHECK_INT(cllm_sampler_init(&s, 6, 40, 0.9, 0.0, 1.0, 64, 1), CLLM_OK);
    CHECK_INT(cllm_sampler_sample(&s, logits), 1);
    CHECK_INT(cllm_sampler_init(&s, 6, 1, 1.0, 0.8, 1.0, 64, 1), CLLM_OK);
    for (int i = 0; i < 50; i++)
        CHECK_INT(cllm_sampler_sample(&s, logits), 1);
}

static void test_repeat_penalty_lowers_the_last_token(void)
{
    float logits[4] = {1.0f, 2.0f, 1.9f, -3.0f};
    struct cllm_sampler s;
    /* greedy: token 1 first; then penalised 2.0 / 1.5 = 1.33 < 1.9, so token 2 */
    CHECK_INT(cllm_sampler_init(&s, 4, 40, 1.0, 0.0, 1.5, 64, 1), CLLM_OK);
    CHECK_INT(cllm_sampler_sample(&s, logits), 1);
    CHECK_INT(cllm_sampler_sample(&s, logits), 2);
    /* both penalised now: 1.33 vs 1.27, token 1 again */
    CHECK_INT(cllm_sampler_sample(&s, logits), 1);
    /* a penalty below 1 can lift a token from outside the top-k list */
    {
        float l2[5] = {5.0f, 4.0f, 3.0f, 2.0f, 1.9f};
        CHECK_INT(cllm_sampler_init(&s, 5, 2, 1.0, 0.0, 0.1, 64, 1), CLLM_OK);
        cllm_sampler_accept(&s, 4);
        CHECK_INT(cllm_sampler_sample(&s, l2), 4);   /* 1.9 / 0.1 = 19 */
    }
}

static void test_draws_follow_the_softmax(void)
{
    /* logits 0 and log 3: probabilities 1/4 and 3/4 at temperature 1 */
    float logits[3] = {0.0f, logf(3.0f), -1e9f};
    struct cllm_sampler s;
    int count[3] = {0}, n = 40000;
    CHECK_INT(cllm_sampler_init(&s, 3, 0, 1.0, 1.0, 1.0, 0, 42), CLLM_OK);
    for (int i = 0; i < n; i++)
        count[cllm_sampler_sample(&s, logits)]++;
    CHECK_NEAR((double)count[1] / n, 0.75, 0.01);
    CHECK_INT(count[2], 0);
    /* temperature 2 flattens: p1 = 3^0.5 / (1 + 3^0.5) */
    count[0] = count[1] = 0;
    CHECK_INT(cllm_sampler_init(&s, 3, 0, 1.0, 2.0, 1.0, 0, 7), CLLM_OK);
    for (int i = 0; i < n; i++)
        count[cllm_sampler_sample(&s, logits)]++;
    CHECK_NEAR((double)count[1] / n, sqrt(3.0) / (1 + sqrt(3.0)), 0.01);
}

static void test_top_p_cuts_the_tail(void)
{
    /* probabilities 0.6, 0.3, 0.1: top_p 0.5 keeps only the first, 0.85 the first two */
    float logits[3] = {logf(0.6f), logf(0.3f), logf(0.1f)};
    struct cllm_sampler s;
    int count[3] = {0};
    CHECK_INT(cllm_sampler_init(&s, 3, 0, 0.5, 1.0, 1.0, 0, 3), CLLM_OK);
    for (int i = 0; i < 1000; i++)
        CHECK_INT(cllm_sampler_sample(&s, logits), 0);
    CHECK_INT(cllm_sampler_init(&s, 3, 0, 0.85, 1.0, 1.0, 0, 3), CLLM_OK);
    for (int i = 0; i < 20000; i++)
        count[cllm_sampler_sample(&s, logits)]++;
    CHECK_INT(count[2], 0);
    CHECK_NEAR((double)count[0] / 20000, 0.6 / 0.9, 0.015);
}

static void test_same_seed_same_tokens(void)
{
    float logits[100];
    struct cllm_sampler a, b;
    for (int i = 0; i < 100; i++)
        logits[i] = (float)sin(i * 0.7);
    cllm_sampler_init(&a, 100, 40, 0.9, 0.7, 1.1, 64, 99);
    cllm_sampler_init(&b, 100, 40, 0.9, 0.7, 1.1, 64, 99);
    for (int i = 0; i < 200; i++)
        CHECK_INT(cllm_sampler_sample(&a, logits), cllm_sampler_sample(&b, logits));
}

/* A device's top-(k + window) in any order gives the same tokens as the whole vocabulary: the device top-k mode of
 * the engine picks exactly what the host sampler (and llama.cpp's chain order) would */
static void test_candidates_match_the_whole_vocabulary(void)
{
    enum { V = 32000, K = 40, LAST = 64 };
    static float logits[V];
    struct cllm_sampler a, b;
    uint64_t x = 7;
    int same = 0, steps = 100;
    CHECK(cllm_sampler_init(&a, V, K, 0.9, 0.7, 1.1, LAST, 42) == CLLM_OK);
    CHECK(cllm_sampler_init(&b, V, K, 0.9, 0.7, 1.1, LAST, 42) == CLLM_OK);
    CHECK_INT(cllm_sampler_candidates_needed(&a), K + LAST);
    for (int step = 0; step < steps; step++) {
        static float cv[K + LAST];
        static int32_t ci[K + LAST];
        int n = cllm_sampler_candidates_needed(&b);
        /* logits with a few strong tokens that repeat, so the penalty matters */
        for (int t = 0; t < V; t++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            logits[t] = (float)((x >> 40) % 1000) / 100.0f + (t % 97 == 0 ? 6.0f : 0.0f) + (float)t * 1e-5f; /* no ties */
        }
        /* the n best, then shuffled (a device's top-k is unsorted) */
        {
            static int32_t order[V];
            for (int t = 0; t < V; t++)
                order[t] = t;
            for (int i = 0; i < n; i++) {
                int best = i;
                for (int j = i + 1; j < V; j++)
                    if (logits[order[j]] > logits[order[best]])
                        best = j;
                int32_t tmp = order[i];
                order[i] = order[best];
                order[best] = tmp;
            }
            for (int i = 0; i < n; i++)
                ci[i] = order[(i * 37) % n], cv[i] = logits[ci[i]];
        }
        int32_t ta = cllm_sampler_sample(&a, logits), tb = cllm_sampler_sample_candidates(&b, cv, ci, n);
        same += ta == tb;
    }
    CHECK_INT(same, steps);
    /* too few or no candidates, or a penalty below 1 (it can raise tokens from outside the list): refused */
    CHECK_INT(cllm_sampler_sample_candidates(&b, NULL, NULL, 0), -1);
    CHECK(cllm_sampler_init(&b, V, K, 0.9, 0.7, 0.9, LAST, 42) == CLLM_OK);
    CHECK_INT(cllm_sampler_sample_candidates(&b, logits, (int32_t[]){1}, 1), -1);
    /* greedy without a penalty needs one candidate */
    CHECK(cllm_sampler_init(&b, V, K, 0.9, 0.0, 1.0, LAST, 42) == CLLM_OK);
    CHECK_INT(cllm_sampler_candidates_needed(&b), 1);
}

int main(void)
{
    RUN(test_greedy_and_top1);
    RUN(test_repeat_penalty_lowers_the_last_token);
    RUN(test_draws_follow_the_softmax);
    RUN(test_top_p_cuts_the_tail);
    RUN(test_same_seed_same_tokens);
    RUN(test_candidates_match_the_whole_vocabulary);
    return test_summary();
}
