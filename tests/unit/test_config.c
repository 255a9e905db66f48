/* Config: defaults, overrides, and refusal of bad files with the key named. */
#include <cjson/cJSON.h>

#include "core/config.h"
#include "test.h"

static void test_defaults_match_the_original(void)
{
    struct cllm_config c;
    cllm_config_defaults(&c);
    CHECK_INT(c.n_models, 1);
    CHECK_STR(c.models[0], "tinyllama-1.1b");
    CHECK_STR(c.prompt, "Explain the concept of artificial intelligence in simple terms");
    CHECK_INT(c.inference.max_tokens, 256);
    CHECK_NEAR(c.inference.temperature, 0.7, 1e-12);
    CHECK_NEAR(c.inference.top_p, 0.9, 1e-12);
    CHECK_NEAR(c.inference.repeat_penalty, 1.1, 1e-12);
    CHECK_INT(c.inference.seed, 42);
    CHECK_INT(c.inference.n_ctx, 2048);
    CHECK_INT(c.runs, 3);
    CHECK_INT(c.warmup_runs, 1);
    CHECK_INT(c.warmup_max_tokens, 32);
    CHECK_INT(c.n_cpu_matrix_sizes, 3);
    CHECK_INT(c.cpu_matrix_sizes[2], 2048);
    CHECK_INT(c.gpu_matrix_sizes[2], 4096);
    CHECK_NEAR(c.monitor_interval_s, 0.5, 1e-12);
    CHECK_INT(c.server_stall_s, 60);
    CHECK_NEAR(c.server_deadline_base_s, 120, 1e-12);
    CHECK_NEAR(c.server_deadline_per_token_s, 2, 1e-12);
}

static void test_partial_override(void)
{
    struct cllm_config c;
    char err[512];
    cllm_config_defaults(&c);
    CHECK_INT(cllm_config_apply_json(&c,
                                     "{\"models\":[\"mistral-7b\",\"llama2-13b\"],"
                                     "\"inference\":{\"temperature\":0.25},"
                                     "\"classic\":{\"cpu_matrix_sizes\":[256]},\"monitor\":{\"interval_s\":0.1}}",
                                     "t.json", err, sizeof(err)),
              CLLM_OK);
    CHECK_INT(c.n_models, 2);
    CHECK_STR(c.models[1], "llama2-13b");
    CHECK_NEAR(c.inference.temperature, 0.25, 1e-12);
    CHECK_NEAR(c.inference.top_p, 0.9, 1e-12);   /* untouched */
    CHECK_INT(c.n_cpu_matrix_sizes, 1);
    CHECK_INT(c.cpu_matrix_sizes[0], 256);
    CHECK_NEAR(c.monitor_interval_s, 0.1, 1e-12);
    CHECK_INT(cllm_config_apply_json(&c, "{\"server\":{\"stall_s\":5,\"deadline_per_token_s\":0.05}}", "s.json", err,
                                     sizeof(err)),
              CLLM_OK);
    CHECK_INT(c.server_stall_s, 5);
    CHECK_NEAR(c.server_deadline_per_token_s, 0.05, 1e-12);
    CHECK_NEAR(c.server_deadline_base_s, 120, 1e-12);   /* untouched */
}

/* Each bad document must be refused, leave the config unchanged, and name the key. */
static void test_bad_values_name_the_key(void)
{
    static const struct { const char *json; const char *key; } cases[] = {
        {"{\"inference\":{\"temprature\":0.5}}", "inference.temprature"},
        {"{\"inference\":{\"temperature\":\"hot\"}}", "inference.temperature"},
        {"{\"inference\":{\"temperature\":5}}", "inference.temperature"},
        {"{\"inference\":{\"max_tokens\":12.5}}", "inference.max_tokens"},
        {"{\"inference\":{\"max_tokens\":4000}}", "inference.max_tokens"},
        {"{\"runs\":{\"count\":0}}", "runs.count"},
        {"{\"runs\":{\"count\":101}}", "runs.count"},
        /* below the memory benchmark's minimum: refused, not raised to 5 without a word */
        {"{\"classic\":{\"memory_repeats\":4}}", "classic.memory_repeats"},
        {"{\"classic\":{\"memory_repeats\":1}}", "classic.memory_repeats"},
        {"{\"classic\":{\"memory_repeats\":101}}", "classic.memory_repeats"},
        {"{\"classic\":{\"cpu_matrix_sizes\":[512,\"x\"]}}", "classic.cpu_matrix_sizes[1]"},
        {"{\"classic\":{\"cpu_matrix_sizes\":[]}}", "classic.cpu_matrix_sizes"},
        {"{\"models\":[\"Bad Key\"]}", "models[0]"},
        {"{\"monitor\":{\"interval_s\":0.01}}", "monitor.interval_s"},
        {"{\"monitor\":5}", "monitor"},
        {"{\"server\":{\"stall_s\":0}}", "server.stall_s"},
        {"{\"server\":{\"deadline_per_token_s\":0}}", "server.deadline_per_token_s"},
        {"{\"server\":{\"deadline_base_s\":-1}}", "server.deadline_base_s"},
        {"{\"prompt\":\"\"}", "prompt"},
        {"{\"nope\":1}", "nope"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cllm_config c, before;
        char err[512] = "";
        cllm_config_defaults(&c);
        before = c;
        CHECK_INT(cllm_config_apply_json(&c, cases[i].json, "bad.json", err, sizeof(err)), CLLM_ERR_CONFIG);
        if (!strstr(err, cases[i].key) || !strstr(err, "bad.json"))
            fprintf(stderr, "case %zu: message \"%s\" does not name %s\n", i, err, cases[i].key);
        CHECK(strstr(err, cases[i].key) != NULL);
        CHECK(memcmp(&c, &before, sizeof(c)) == 0);
    }
}

/* The ends of the ranges are taken as written: runs.count up to 100, memory_repeats from 5 (nothing is changed). */
static void test_range_ends_kept(void)
{
    struct cllm_config c;
    char err[512] = "";
    cllm_config_defaults(&c);
    CHECK_INT(cllm_config_apply_json(&c, "{\"runs\":{\"count\":100},\"classic\":{\"memory_repeats\":5}}",
                                     "ok.json", err, sizeof(err)), CLLM_OK);
    CHECK_INT(c.runs, 100);
    CHECK_INT(c.memory_repeats, 5);
    CHECK_INT(cllm_config_apply_json(&c, "{\"runs\":{\"count\":20},\"classic\":{\"memory_repeats\":100}}",
                                     "ok.json", err, sizeof(err)), CLLM_OK);
    CHECK_INT(c.runs, 20);
    CHECK_INT(c.memory_repeats, 100);
}

static void test_invalid_json_gives_line(void)
{
    struct cllm_config c;
    char err[512];
    cllm_config_defaults(&c);
    CHECK_INT(cllm_config_apply_json(&c, "{\n\"runs\": {\n\"count\": 3,,\n}}", "x.json", err, sizeof(err)),
              CLLM_ERR_CONFIG);
    CHECK(strstr(err, "line 3") != NULL);
    CHECK_INT(cllm_config_apply_json(&c, "[1,2]", "x.json", err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "object") != NULL);
}

static void test_round_trip_through_json(void)
{
    struct cllm_config a, b;
    char err[512];
    char *text;
    cllm_config_defaults(&a);
    a.inference.temperature = 0.5;
    a.n_gpu_matrix_sizes = 2;
    a.gpu_matrix_sizes[0] = 8192;
    a.gpu_matrix_sizes[1] = 16384;
    text = cllm_config_to_json_text(&a);
    cllm_config_defaults(&b);
    CHECK_INT(cllm_config_apply_json(&b, text, "printed", err, sizeof(err)), CLLM_OK);
    CHECK(memcmp(&a, &b, sizeof(a)) == 0);
    free(text);
}

static void test_models_from_cli(void)
{
    struct cllm_config c;
    char err[512];
    const char *ok[] = {"tinyllama-1.1b,mistral-7b", "llama2-13b"};
    const char *bad[] = {"tinyllama-1.1b", "../etc"};
    cllm_config_defaults(&c);
    CHECK_INT(cllm_config_set_models(&c, ok, 2, err, sizeof(err)), CLLM_OK);
    CHECK_INT(c.n_models, 3);
    CHECK_STR(c.models[2], "llama2-13b");
    CHECK_INT(cllm_config_set_models(&c, bad, 2, err, sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "../etc") != NULL);
    CHECK_INT(c.n_models, 3);
}

int main(void)
{
    RUN(test_defaults_match_the_original);
    RUN(test_partial_override);
    RUN(test_bad_values_name_the_key);
    RUN(test_range_ends_kept);
    RUN(test_invalid_json_gives_line);
    RUN(test_round_trip_through_json);
    RUN(test_models_from_cli);
    return test_summary();
}
