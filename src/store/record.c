#include "store/record.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/json.h"
#include "report/fields_core.h"
#include "report/fields_hw.h"
#include "report/fields_llm.h"
#include "report/result.h"
#include "report/write.h"

/* The field f of obj, checked: NULL when absent or null; *bad set (and err naming path.f) when present with
 * another JSON type. */
static const cJSON *get(const cJSON *obj, const struct cllm_field *f, const char *path, bool *bad, char *err,
                        size_t errlen)
{
    const cJSON *v, *typed;
    const char *want;
    if (*bad || !cJSON_IsObject(obj))
        return NULL;
    v = cJSON_GetObjectItemCaseSensitive(obj, f->name);
    if (!v || cJSON_IsNull(v))
        return NULL;
    typed = cllm_r_get(obj, f);
    if (typed)
        return typed;
    switch (f->type) {
    case CLLM_FT_NUMBER:
    case CLLM_FT_INTEGER: want = "a number"; break;
    case CLLM_FT_STRING:  want = "a string"; break;
    case CLLM_FT_BOOL:    want = "true or false"; break;
    case CLLM_FT_ARRAY:   want = "an array"; break;
    default:              want = "an object"; break;
    }
    snprintf(err, errlen, "%s%s%s: expected %s", path, path[0] ? "." : "", f->name, want);
    *bad = true;
    return NULL;
}

static void copy_text(char *dst, size_t n, const cJSON *v)
{
    dst[0] = '\0';
    if (cJSON_IsString(v) && v->valuestring)
        snprintf(dst, n, "%s", v->valuestring);
}

static double num_of(const cJSON *v)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : NAN;
}

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '-';
}

/* FNV-1a 64 over the identity strings, each followed by a 0 byte so "ab"+"c" differs from "a"+"bc". */
static uint64_t fnv(uint64_t h, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    h ^= 0;
    h *= 1099511628211ull;
    return h;
}

void cllm_store_fingerprint(const cJSON *root, char out[CLLM_STORE_FP_LEN])
{
    const cJSON *hw = cllm_r_get(root, &CLLM_F_HARDWARE);
    const cJSON *os = cllm_r_get(hw, &CLLM_F_HW_OS), *cpu = cllm_r_get(hw, &CLLM_F_HW_CPU);
    const cJSON *ram = cllm_r_get(hw, &CLLM_F_HW_RAM), *gpu = cllm_r_get(hw, &CLLM_F_HW_GPU), *d;
    uint64_t h = 14695981039346656037ull;
    char num[32];

    h = fnv(h, cllm_r_str(os, &CLLM_F_HW_OS_HOSTNAME));
    h = fnv(h, cllm_r_str(os, &CLLM_F_HW_OS_SYSTEM));
    h = fnv(h, cllm_r_str(os, &CLLM_F_HW_OS_MACHINE));
    h = fnv(h, cllm_r_str(cpu, &CLLM_F_HW_CPU_MODEL));
    snprintf(num, sizeof(num), "%.0f", num_of(cllm_r_get(cpu, &CLLM_F_HW_CPU_LOGICAL_CORES)));
    h = fnv(h, num);
    /* whole GiB: the kernel's MemTotal moves by a few MB between boots and kernels */
    snprintf(num, sizeof(num), "%.0f", floor(num_of(cllm_r_get(ram, &CLLM_F_HW_RAM_TOTAL_GB)) + 0.5));
    h = fnv(h, num);
    cJSON_ArrayForEach(d, cllm_r_get(gpu, &CLLM_F_HW_GPU_DEVICES))
        h = fnv(h, cllm_r_str(d, &CLLM_F_HW_DEV_NAME));
    snprintf(out, CLLM_STORE_FP_LEN, "%016llx", (unsigned long long)h);
}

enum cllm_status cllm_store_record_from_result(const cJSON *root, struct cllm_store_record *rec, char *err,
                                               size_t errlen)
{
    bool bad = false;
    const cJSON *id, *ts, *hw, *os, *cpu, *ram, *gpu, *devs, *ai, *results, *it, *cfg, *inf, *mt;
    long max_tokens = -1;

    memset(rec, 0, sizeof(*rec));
    rec->ram_gb = NAN;
    id = get(root, &CLLM_F_ID, "", &bad, err, errlen);
    ts = get(root, &CLLM_F_TIMESTAMP, "", &bad, err, errlen);
    hw = get(root, &CLLM_F_HARDWARE, "", &bad, err, errlen);
    if (bad)
        return CLLM_ERR_PARSE;
    if (!id || !id->valuestring[0] || strlen(id->valuestring) >= CLLM_STORE_ID_LEN) {
        snprintf(err, errlen, "id: expected a string of 1 to %d characters", CLLM_STORE_ID_LEN - 1);
        return CLLM_ERR_PARSE;
    }
    for (const char *p = id->valuestring; *p; p++)
        if (!id_char(*p)) {
            snprintf(err, errlen, "id: only letters, digits, '.', '_', ':' and '-' (got '%.*s')", CLLM_STORE_ID_LEN,
                     id->valuestring);
            return CLLM_ERR_PARSE;
        }
    if (!ts || strlen(ts->valuestring) >= sizeof(rec->timestamp)) {
        snprintf(err, errlen, "timestamp: expected an ISO 8601 date and time");
        return CLLM_ERR_PARSE;
    }
    snprintf(rec->result_id, sizeof(rec->result_id), "%s", id->valuestring);
    snprintf(rec->timestamp, sizeof(rec->timestamp), "%s", ts->valuestring);
    os = get(hw, &CLLM_F_HW_OS, "hardware", &bad, err, errlen);
    cpu = get(hw, &CLLM_F_HW_CPU, "hardware", &bad, err, errlen);
    ram = get(hw, &CLLM_F_HW_RAM, "hardware", &bad, err, errlen);
    gpu = get(hw, &CLLM_F_HW_GPU, "hardware", &bad, err, errlen);
    copy_text(rec->hostname, sizeof(rec->hostname), get(os, &CLLM_F_HW_OS_HOSTNAME, "hardware.os", &bad, err, errlen));
    copy_text(rec->os, sizeof(rec->os), get(os, &CLLM_F_HW_OS_SYSTEM, "hardware.os", &bad, err, errlen));
    copy_text(rec->os_detail, sizeof(rec->os_detail),
              get(os, &CLLM_F_HW_OS_DISTRIBUTION, "hardware.os", &bad, err, errlen));
    copy_text(rec->cpu, sizeof(rec->cpu), get(cpu, &CLLM_F_HW_CPU_MODEL, "hardware.cpu", &bad, err, errlen));
    get(cpu, &CLLM_F_HW_CPU_LOGICAL_CORES, "hardware.cpu", &bad, err, errlen);
    rec->ram_gb = num_of(get(ram, &CLLM_F_HW_RAM_TOTAL_GB, "hardware.ram", &bad, err, errlen));
    devs = get(gpu, &CLLM_F_HW_GPU_DEVICES, "hardware.gpu", &bad, err, errlen);
    snprintf(rec->gpu_vendor, sizeof(rec->gpu_vendor), "none");
    cJSON_ArrayForEach(it, devs) {
        const cJSON *vendor = get(it, &CLLM_F_HW_DEV_VENDOR, "hardware.gpu.devices[]", &bad, err, errlen);
        const cJSON *name = get(it, &CLLM_F_HW_DEV_NAME, "hardware.gpu.devices[]", &bad, err, errlen);
        if (bad)
            return CLLM_ERR_PARSE;
        if (it == devs->child) {
            copy_text(rec->gpu_vendor, sizeof(rec->gpu_vendor), vendor);
            copy_text(rec->gpu_name, sizeof(rec->gpu_name), name);
            if (!rec->gpu_vendor[0])
                snprintf(rec->gpu_vendor, sizeof(rec->gpu_vendor), "unknown");
        }
    }
    if (bad)
        return CLLM_ERR_PARSE;
    cllm_store_fingerprint(root, rec->fingerprint);

    /* config.inference.max_tokens (core/config.c's key): the decode length, part of what makes runs comparable */
    cfg = get(root, &CLLM_F_CONFIG, "", &bad, err, errlen);
    inf = cJSON_IsObject(cfg) ? cJSON_GetObjectItemCaseSensitive(cfg, "inference") : NULL;
    mt = cJSON_IsObject(inf) ? cJSON_GetObjectItemCaseSensitive(inf, "max_tokens") : NULL;
    if (cJSON_IsNumber(mt) && mt->valuedouble >= 0 && mt->valuedouble < 1e9)
        max_tokens = (long)mt->valuedouble;

    ai = get(root, &CLLM_F_AI_BENCHMARKS, "", &bad, err, errlen);
    results = get(ai, &CLLM_F_AI_RESULTS, "ai_benchmarks", &bad, err, errlen);
    if (bad)
        return CLLM_ERR_PARSE;
    cJSON_ArrayForEach(it, results) {
        char path[CLLM_STORE_TEXT_LEN + 64], sub[CLLM_STORE_TEXT_LEN + 96];
        const cJSON *model, *engine, *sum, *v;
        struct cllm_store_run *r;

        if (!it->string)
            continue;
        snprintf(path, sizeof(path), "ai_benchmarks.results.%.*s", CLLM_STORE_TEXT_LEN - 1, it->string);
        if (!cJSON_IsObject(it)) {
            snprintf(err, errlen, "%s: expected an object", path);
            return CLLM_ERR_PARSE;
        }
        if (rec->n_runs >= CLLM_STORE_MAX_RUNS) {
            snprintf(err, errlen, "ai_benchmarks.results: more than %d models", CLLM_STORE_MAX_RUNS);
            return CLLM_ERR_PARSE;
        }
        sum = get(it, &CLLM_F_LLM_SUMMARY, path, &bad, err, errlen);
        model = get(it, &CLLM_F_LLM_MODEL, path, &bad, err, errlen);
        engine = get(it, &CLLM_F_LLM_ENGINE, path, &bad, err, errlen);
        if (bad)
            return CLLM_ERR_PARSE;
        if (!sum)
            continue;   /* a model that did not run (skipped, failed): nothing to rank */
        r = &rec->runs[rec->n_runs];
        snprintf(r->model, sizeof(r->model), "%s", it->string);
        snprintf(sub, sizeof(sub), "%s.model", path);
        copy_text(r->quant, sizeof(r->quant), get(model, &CLLM_F_LLM_M_QUANT, sub, &bad, err, errlen));
        v = get(model, &CLLM_F_LLM_M_SYNTHETIC, sub, &bad, err, errlen);
        r->synthetic = v ? cJSON_IsTrue(v) : -1;
        snprintf(sub, sizeof(sub), "%s.engine", path);
        copy_text(r->backend, sizeof(r->backend), get(engine, &CLLM_F_LLM_E_BACKEND, sub, &bad, err, errlen));
        snprintf(sub, sizeof(sub), "%s.summary", path);
        r->decode_tps = num_of(get(sum, &CLLM_F_LLM_AVG_DECODE_TPS, sub, &bad, err, errlen));
        r->prompt_tps = num_of(get(sum, &CLLM_F_LLM_AVG_PROMPT_TPS, sub, &bad, err, errlen));
        r->ttft_ms = num_of(get(sum, &CLLM_F_LLM_AVG_FIRST_TOKEN_LATENCY_S, sub, &bad, err, errlen)) * 1000.0;
        r->j_per_token = num_of(get(sum, &CLLM_F_LLM_AVG_DECODE_J_PER_TOKEN, sub, &bad, err, errlen));
        v = get(it, &CLLM_F_LLM_PROMPT_TOKENS, path, &bad, err, errlen);
        r->prompt_tokens = v && v->valuedouble >= 0 && v->valuedouble < 1e9 ? (long)v->valuedouble : -1;
        r->max_tokens = max_tokens;
        if (bad)
            return CLLM_ERR_PARSE;
        if (isnan(r->decode_tps))
            continue;   /* no successful run: no decode rate to rank (the raw file still keeps it all) */
        rec->n_runs++;
    }
    return CLLM_OK;
}

enum cllm_status cllm_store_record_parse(const char *text, size_t len, struct cllm_store_record *rec, char *err,
                                         size_t errlen)
{
    cJSON *root = NULL;
    enum cllm_status st;
    char why[CLLM_ERR_LEN];

    if (!text || len == 0) {
        snprintf(err, errlen, "empty body: send a results file (results/benchmark_*.json)");
        return CLLM_ERR_PARSE;
    }
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "a NUL byte in the body: not a results file");
        return CLLM_ERR_PARSE;
    }
    st = cllm_result_parse(text, "results file", &root, why, sizeof(why));
    if (st != CLLM_OK) {
        snprintf(err, errlen, "%s", why);
        return st == CLLM_ERR_NOMEM ? st : CLLM_ERR_PARSE;
    }
    st = cllm_store_record_from_result(root, rec, err, errlen);
    cJSON_Delete(root);
    return st;
}
