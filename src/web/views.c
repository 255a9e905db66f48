#include "web/views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/fields_llm.h"
#include "report/write.h"

/* The reason obj's null_reasons gives for field f, or NULL. */
static const char *why_of(const cJSON *obj, const struct cllm_field *f)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(cllm_r_get(obj, &CLLM_F_NULL_REASONS), f->name);
    return cJSON_IsString(w) ? w->valuestring : NULL;
}

static cJSON *row(cJSON *arr, const char *key, const char *unit, int digits)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "key", key);
    cJSON_AddStringToObject(r, "unit", unit ? unit : "");
    cJSON_AddNumberToObject(r, "digits", digits);
    cJSON_AddItemToArray(arr, r);
    return r;
}

/* A null gets its reason; a whole object missing says so, so the GUI never shows a bare dash. */
static void set_why(cJSON *r, const cJSON *obj, const struct cllm_field *f)
{
    const char *why = obj ? why_of(obj, f) : "not in this file";
    if (why)
        cJSON_AddStringToObject(r, "why", why);
    else
        cJSON_AddNullToObject(r, "why");
}

static void num_row(cJSON *arr, const char *key, const cJSON *obj, const struct cllm_field *f, int digits)
{
    double v = cllm_r_num(obj, f);
    cJSON *r = row(arr, key, f->unit, digits);
    if (isfinite(v)) {
        cJSON_AddNumberToObject(r, "value", v);
        cJSON_AddNullToObject(r, "why");
    } else {
        cJSON_AddNullToObject(r, "value");
        set_why(r, obj, f);
    }
}

/* A row whose value is known text. */
static void text_row(cJSON *arr, const char *key, const char *text)
{
    cJSON *r = row(arr, key, "", 0);
    cJSON_AddStringToObject(r, "value", text);
    cJSON_AddNullToObject(r, "why");
}

static void str_row(cJSON *arr, const char *key, const cJSON *obj, const struct cllm_field *f)
{
    const char *s = cllm_r_str(obj, f);
    cJSON *r;
    if (s && *s) {
        text_row(arr, key, s);
        return;
    }
    r = row(arr, key, "", 0);
    cJSON_AddNullToObject(r, "value");
    set_why(r, obj, f);
}

cJSON *cllm_web_view_machine(const cJSON *res)
{
    const cJSON *hw = cllm_r_get(res, &CLLM_F_HARDWARE), *d;
    const cJSON *os = cllm_r_get(hw, &CLLM_F_HW_OS), *cpu = cllm_r_get(hw, &CLLM_F_HW_CPU);
    const cJSON *freq = cllm_r_get(cpu, &CLLM_F_HW_CPU_FREQUENCY), *ram = cllm_r_get(hw, &CLLM_F_HW_RAM);
    const cJSON *gpu = cllm_r_get(hw, &CLLM_F_HW_GPU), *tool = cllm_r_get(res, &CLLM_F_TOOL);
    const cJSON *llama = cllm_r_get(cllm_r_get(res, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_LLAMA);
    cJSON *arr = cJSON_CreateArray();

    if (!arr || !cJSON_IsObject(hw))
        return arr;
    str_row(arr, "cpu_model", cpu, &CLLM_F_HW_CPU_MODEL);
    num_row(arr, "physical_cores", cpu, &CLLM_F_HW_CPU_PHYSICAL_CORES, 0);
    num_row(arr, "logical_cores", cpu, &CLLM_F_HW_CPU_LOGICAL_CORES, 0);
    num_row(arr, "base_mhz", freq, &CLLM_F_HW_CPU_BASE_MHZ, 0);
    num_row(arr, "max_mhz", freq, &CLLM_F_HW_CPU_MAX_MHZ, 0);
    num_row(arr, "current_mhz", freq, &CLLM_F_HW_CPU_CURRENT_MHZ, 0);
    num_row(arr, "ram_total", ram, &CLLM_F_HW_RAM_TOTAL_GB, 2);
    num_row(arr, "ram_available", ram, &CLLM_F_HW_RAM_AVAILABLE_GB, 2);
    num_row(arr, "swap_total", ram, &CLLM_F_HW_RAM_SWAP_TOTAL_GB, 2);
    str_row(arr, "ram_type", ram, &CLLM_F_HW_RAM_TYPE);
    num_row(arr, "ram_speed", ram, &CLLM_F_HW_RAM_SPEED_MTS, 0);
    cJSON_ArrayForEach(d, cllm_r_get(gpu, &CLLM_F_HW_GPU_DEVICES)) {
        const char *name = cllm_r_str(d, &CLLM_F_HW_DEV_NAME), *be = cllm_r_str(d, &CLLM_F_HW_DEV_BACKEND);
        double vram = cllm_r_num(d, &CLLM_F_HW_DEV_VRAM_TOTAL_GB);
        char text[512];
        cJSON *r = row(arr, "gpu", CLLM_F_HW_DEV_VRAM_TOTAL_GB.unit, 1);
        snprintf(text, sizeof(text), "%s%s%s%s", name ? name : "?", be ? " (" : "", be ? be : "", be ? ")" : "");
        cJSON_AddStringToObject(r, "value", text);
        if (isfinite(vram))
            cJSON_AddNumberToObject(r, "vram", vram);
        else
            cJSON_AddNullToObject(r, "vram");
        set_why(r, d, &CLLM_F_HW_DEV_VRAM_TOTAL_GB);
    }
    if (!cJSON_GetArraySize(cllm_r_get(gpu, &CLLM_F_HW_GPU_DEVICES)))
        text_row(arr, "gpu", "none");
    str_row(arr, "os", os, &CLLM_F_HW_OS_DISTRIBUTION);
    str_row(arr, "kernel", os, &CLLM_F_HW_OS_KERNEL);
    str_row(arr, "arch", os, &CLLM_F_HW_OS_MACHINE);
    if (llama) {
        const char *v = cllm_r_str(llama, &CLLM_F_AI_LLAMA_VERSION), *var = cllm_r_str(llama, &CLLM_F_AI_LLAMA_VARIANT);
        char text[256];
        snprintf(text, sizeof(text), "%s%s%s%s", v ? v : "?", var ? " (" : "", var ? var : "", var ? ")" : "");
        text_row(arr, "llama", text);
    }
    if (tool) {
        const char *v = cllm_r_str(tool, &CLLM_F_TOOL_VERSION), *c = cllm_r_str(tool, &CLLM_F_TOOL_GIT_COMMIT);
        char text[256];
        snprintf(text, sizeof(text), "computellm %s%s%s%s", v ? v : "?", c ? " (" : "", c ? c : "", c ? ")" : "");
        text_row(arr, "tool", text);
    }
    return arr;
}

/* Appends the leaves of o under prefix; arrays of scalars as one "a, b" value. */
static void flatten(cJSON *arr, const cJSON *o, const char *prefix, int depth)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, o) {
        char key[256], text[512] = "";
        if (!c->string)
            continue;
        snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", c->string);
        if (cJSON_IsObject(c) && depth < 4) {
            flatten(arr, c, key, depth + 1);
            continue;
        }
        if (cJSON_IsArray(c)) {
            const cJSON *x;
            size_t n = 0;
            cJSON_ArrayForEach(x, c) {
                char one[64];
                if (cJSON_IsNumber(x))
                    snprintf(one, sizeof(one), "%g", x->valuedouble);
                else if (cJSON_IsString(x))
                    snprintf(one, sizeof(one), "%s", x->valuestring);
                else
                    snprintf(one, sizeof(one), "%s", cJSON_IsTrue(x) ? "true" : cJSON_IsFalse(x) ? "false" : "null");
                n += (size_t)snprintf(text + n, n < sizeof(text) ? sizeof(text) - n : 0, "%s%s", n ? ", " : "", one);
                if (n >= sizeof(text))
                    break;
            }
        } else if (cJSON_IsNumber(c)) {
            snprintf(text, sizeof(text), "%g", c->valuedouble);
        } else if (cJSON_IsString(c)) {
            snprintf(text, sizeof(text), "%s", c->valuestring);
        } else if (cJSON_IsBool(c)) {
            snprintf(text, sizeof(text), "%s", cJSON_IsTrue(c) ? "true" : "false");
        } else {
            snprintf(text, sizeof(text), "null");
        }
        {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "key", key);
            cJSON_AddStringToObject(r, "value", text);
            cJSON_AddItemToArray(arr, r);
        }
    }
}

cJSON *cllm_web_view_settings(const cJSON *res)
{
    const cJSON *cfg = cllm_r_get(res, &CLLM_F_CONFIG);
    cJSON *arr = cJSON_CreateArray();
    if (arr && cJSON_IsObject(cfg))
        flatten(arr, cfg, "", 0);
    return arr;
}

cJSON *cllm_web_view_roofline(const cJSON *summary)
{
    const cJSON *rl = cllm_r_get(summary, &CLLM_F_LLM_ROOFLINE);
    const struct { const char *key; const struct cllm_field *f; double scale; } nums[] = {
        {"max_tps", &CLLM_F_LLM_RL_MAX_TPS, 1}, {"ratio", &CLLM_F_LLM_RL_RATIO, 1},
        {"bandwidth_gbps", &CLLM_F_LLM_RL_BANDWIDTH_GBPS, 1},
        {"bytes_per_token_gib", &CLLM_F_LLM_RL_BYTES_PER_TOKEN, 1.0 / (1024.0 * 1024.0 * 1024.0)}};
    const char *why = NULL, *basis;
    cJSON *o;
    if (!cJSON_IsObject(rl))
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        double v = cllm_r_num(rl, nums[i].f);
        if (isfinite(v)) {
            cJSON_AddNumberToObject(o, nums[i].key, v * nums[i].scale);
        } else {
            cJSON_AddNullToObject(o, nums[i].key);
            if (!why)
                why = why_of(rl, nums[i].f);
        }
    }
    basis = cllm_r_str(rl, &CLLM_F_LLM_RL_BASIS);
    if (basis)
        cJSON_AddStringToObject(o, "basis", basis);
    else
        cJSON_AddNullToObject(o, "basis");
    if (why)
        cJSON_AddStringToObject(o, "why", why);
    else
        cJSON_AddNullToObject(o, "why");
    return o;
}

static void add_num(cJSON *o, const char *key, double v)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_str(cJSON *o, const char *key, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *cllm_web_view_energy_window(const cJSON *win)
{
    cJSON *o;
    double jpt;
    if (!cJSON_IsObject(win) || !cJSON_GetObjectItemCaseSensitive(win, CLLM_F_EN_J_PER_TOKEN.name))
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    jpt = cllm_r_num(win, &CLLM_F_EN_J_PER_TOKEN);
    add_num(o, "jpt", jpt);
    add_num(o, "tpj", cllm_r_num(win, &CLLM_F_EN_TOKENS_PER_J));
    add_num(o, "joules", cllm_r_num(win, &CLLM_F_EN_JOULES));
    add_num(o, "watts", cllm_r_num(win, &CLLM_F_EN_WATTS));
    add_num(o, "window_s", cllm_r_num(win, &CLLM_F_EN_WINDOW_S));
    add_num(o, "tokens", cllm_r_num(win, &CLLM_F_EN_TOKENS));
    add_str(o, "source", cllm_r_str(win, &CLLM_F_EN_SOURCE));
    add_str(o, "domains", cllm_r_str(win, &CLLM_F_EN_DOMAINS));
    add_str(o, "note", cllm_r_str(win, &CLLM_F_EN_NOTE));
    add_str(o, "why", isfinite(jpt) ? NULL : why_of(win, &CLLM_F_EN_J_PER_TOKEN));
    return o;
}

cJSON *cllm_web_view_energy(const cJSON *summary)
{
    cJSON *o;
    double d, p;
    if (!cJSON_IsObject(summary) || !cllm_r_get(summary, &CLLM_F_LLM_ENERGY_RUNS))
        return cJSON_CreateNull();
    o = cJSON_CreateObject();
    d = cllm_r_num(summary, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN);
    p = cllm_r_num(summary, &CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN);
    add_num(o, "runs", cllm_r_num(summary, &CLLM_F_LLM_ENERGY_RUNS));
    add_num(o, "decode_jpt", d);
    add_num(o, "decode_tpj", cllm_r_num(summary, &CLLM_F_LLM_AVG_DECODE_TOKENS_PER_J));
    add_num(o, "decode_watts", cllm_r_num(summary, &CLLM_F_LLM_AVG_DECODE_WATTS));
    add_num(o, "prompt_jpt", p);
    add_num(o, "prompt_watts", cllm_r_num(summary, &CLLM_F_LLM_AVG_PROMPT_WATTS));
    add_str(o, "source", cllm_r_str(summary, &CLLM_F_EN_SOURCE));
    add_str(o, "domains", cllm_r_str(summary, &CLLM_F_EN_DOMAINS));
    add_str(o, "why_decode", isfinite(d) ? NULL : why_of(summary, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN));
    add_str(o, "why_prompt", isfinite(p) ? NULL : why_of(summary, &CLLM_F_LLM_AVG_PROMPT_J_PER_TOKEN));
    return o;
}
