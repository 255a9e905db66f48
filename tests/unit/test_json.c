/* Strict JSON input (core/json.c): trailing content, NUL characters and invalid UTF-8 are refused with the byte
 * offset, and the config, registry and results readers all go through it. */
#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/json.h"
#include "report/result.h"
#include "model/registry.h"
#include "test.h"

static bool refused(const char *text, size_t len, const char *want)
{
    char err[256] = "";
    cJSON *j = cllm_json_parse(text, len, "t.json", err, sizeof(err));
    if (j) {
        fprintf(stderr, "  accepted: %.*s\n", (int)len, text);
        cJSON_Delete(j);
        return false;
    }
    if (!strstr(err, want)) {
        fprintf(stderr, "  message '%s' lacks '%s'\n", err, want);
        return false;
    }
    return true;
}

static void test_trailing(void)
{
    const char *a = "{\"a\":1}{\"b\":2}", *b = "{\"a\":1} garbage", *c = "[1]\n]";
    CHECK(refused(a, strlen(a), "trailing content after the JSON value at byte 7 (line 1, column 8)"));
    CHECK(refused(b, strlen(b), "trailing content after the JSON value at byte 8"));
    CHECK(refused(c, strlen(c), "at byte 4 (line 2, column 1)"));
    /* whitespace after the value is fine */
    {
        char err[256];
        cJSON *j = cllm_json_parse("{\"a\":1}\n \t\r\n", 12, "t", err, sizeof(err));
        CHECK(j && cJSON_GetObjectItem(j, "a")->valueint == 1);
        cJSON_Delete(j);
    }
}

static void test_nul(void)
{
    const char *esc = "{\"prompt\":\"a\\u0000b\"}";
    const char raw[] = "{\"a\":\"x\0y\"}";
    CHECK(refused(esc, strlen(esc), "\\u0000 (NUL) character in a string at byte 12"));
    CHECK(refused(raw, sizeof(raw) - 1, "a NUL byte at byte 7 (line 1, column 8)"));
    /* an escaped backslash followed by "u0000" is plain text, not a NUL */
    {
        const char *ok = "{\"a\":\"\\\\u0000\"}";
        char err[256];
        cJSON *j = cllm_json_parse(ok, strlen(ok), "t", err, sizeof(err));
        CHECK(j != NULL);
        if (j)
            CHECK_STR(cJSON_GetObjectItem(j, "a")->valuestring, "\\u0000");
        cJSON_Delete(j);
    }
}

/* Only RFC 8259's escapes: cJSON took "\u?" and a backslash before a raw control character (a fuzz finding) */
static void test_escapes(void)
{
    const char bad_u[] = "{\"a\":\"\\u?\"}", bad_ctl[] = "{\"a\":\"\\\x10\"}", bad_x[] = "{\"a\":\"\\x41\"}";
    char err[256];
    cJSON *j;
    CHECK(refused(bad_u, sizeof(bad_u) - 1, "invalid \\u escape in a string (expected 4 hex digits) at byte 6"));
    CHECK(refused(bad_ctl, sizeof(bad_ctl) - 1, "invalid escape in a string"));
    CHECK(refused(bad_x, sizeof(bad_x) - 1, "invalid escape in a string"));
    {
        const char *ok = "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"]";
        j = cllm_json_parse(ok, strlen(ok), "t", err, sizeof(err));
    }
    CHECK(j != NULL);
    if (!j)
        fprintf(stderr, "  %s\n", err);
    cJSON_Delete(j);
}

static void test_utf8(void)
{
    static const struct { const char *s; size_t bad; } bad[] = {
        {"ab\xff", 2}, {"\xc0\xaf", 0}, {"x\xed\xa0\x80", 1}, {"\xf4\x90\x80\x80", 0}, {"\xe2\x82", 0},
        {"ok\xe2\x28\xa1", 2},
    };
    size_t at = 99;
    CHECK(cllm_utf8_valid("plain é € 𝄞", strlen("plain é € 𝄞"), NULL));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        at = 99;
        CHECK(!cllm_utf8_valid(bad[i].s, strlen(bad[i].s), &at));
        CHECK_INT(at, bad[i].bad);
    }
    CHECK(refused("{\"cpu\":\"\xff\"}", 11, "invalid UTF-8 at byte 8"));
    {
        size_t n = 0;
        char *r = cllm_utf8_repair("a\xffz\xe2\x82", 5, &n);
        CHECK_STR(r, "a\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd");
        CHECK_INT(n, strlen("a\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd"));
        CHECK(r && cllm_utf8_valid(r, n, NULL));
        free(r);
    }
}

static void test_invalid_position(void)
{
    const char *t = "{\n  \"a\": 1,,\n}";
    /* cJSON points at or just after the fault */
    CHECK(refused(t, strlen(t), "not valid JSON at byte 1"));
    CHECK(refused(t, strlen(t), "(line 2, column 1"));
    CHECK(refused("", 0, "empty: no JSON value"));
    CHECK(refused(" \n ", 3, "empty: no JSON value"));
}

/* The readers that take JSON from users and other machines refuse the same things. */
static void test_readers(void)
{
    char err[512] = "";
    struct cllm_config c;
    cJSON *res = NULL;
    struct cllm_registry *r = cllm_registry_new();

    cllm_config_defaults(&c);
    CHECK_INT(cllm_config_apply_json(&c, "{\"runs\":{\"count\":2}} {\"runs\":{\"count\":9}}", "cfg.json", err,
                                     sizeof(err)), CLLM_ERR_CONFIG);
    CHECK(strstr(err, "cfg.json: trailing content") != NULL);
    CHECK_INT(c.runs, 3);
    CHECK_INT(cllm_config_apply_json(&c, "{\"prompt\":\"hi\\u0000there\"}", "cfg.json", err, sizeof(err)),
              CLLM_ERR_CONFIG);
    CHECK(strstr(err, "NUL") != NULL);

    CHECK(cllm_result_parse("{\"schema_version\":2,\"id\":\"x\",\"timestamp\":\"t\",\"hardware\":{\"os\":{},"
                            "\"cpu\":{},\"ram\":{},\"gpu\":{}}}garbage", "up.json", &res, err, sizeof(err)) != CLLM_OK);
    CHECK(res == NULL);
    CHECK(strstr(err, "up.json: trailing content") != NULL);

    CHECK(r != NULL);
    CHECK(cllm_registry_merge_json(r, "{\"models\":{}} x", "m.json", err, sizeof(err)) != CLLM_OK);
    CHECK(strstr(err, "m.json: trailing content") != NULL);
    cllm_registry_free(r);
}

int main(void)
{
    RUN(test_trailing);
    RUN(test_nul);
    RUN(test_escapes);
    RUN(test_utf8);
    RUN(test_invalid_position);
    RUN(test_readers);
    return test_summary();
}
