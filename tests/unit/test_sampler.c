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

int main(void)
{
    RUN(test_greedy_and_top1);
    RUN(test_repeat_penalty_lowers_the_last_token);
    RUN(test_draws_follow_the_softmax);
    RUN(test_top_p_cuts_the_tail);
    RUN(test_same_seed_same_tokens);
    return test_summary();
}
