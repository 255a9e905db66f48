#include "app/run_request.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/ai_phase.h"
#include "app/run.h"
#include "core/strutil.h"
#include "llm/engine.h"
#include "llm/rpc.h"
#include "model/registry.h"

#define RQ(m) offsetof(struct cllm_run_request, m), sizeof(((struct cllm_run_request *)0)->m)

/* Table order is the order of --help and of the docs' table. */
static const struct cllm_run_opt g_opts[] = {
    {"--models", "-m", "models", CLLM_RO_KEYS, "KEY...", false, 0, 0, "the config's (`tinyllama-1.1b`)",
     "models to benchmark: registry keys (space- or comma-separated), e.g. tinyllama-1.1b mistral-7b", RQ(models)},
    {"--skip-classic", NULL, "skip_classic", CLLM_RO_BOOL, NULL, true, 0, 0, "false",
     "skip the classic phases (CPU GFLOPS, memory bandwidth, GPU GEMM)", RQ(skip_classic)},
    {"--skip-ai", NULL, "skip_ai", CLLM_RO_BOOL, NULL, true, 0, 0, "false", "skip the LLM inference phases",
     RQ(skip_ai)},
    {"--quant", NULL, "quant", CLLM_RO_STRING, "Q", false, 0, 0, "each model's (`Q4_K_M`)",
     "quantization of the models (Q2_K, Q3_K_M, Q4_K_M, Q5_K_M, Q6_K, Q8_0): 1 to 31 letters, digits and _",
     RQ(quant)},
    {"--cpu", NULL, "cpu", CLLM_RO_BOOL, NULL, true, 0, 0, "false",
     "run the models on the CPU even when a GPU backend is usable", RQ(cpu)},
    {"--no-download", NULL, "download", CLLM_RO_BOOL, NULL, false, 0, 0, "true",
     "never download missing model files from Hugging Face (files present in models/ or synthetic ones are "
     "used); in the API, \"download\": false", RQ(download)},
    {"--no-synthetic", NULL, "synthetic", CLLM_RO_BOOL, NULL, false, 0, 0, "true",
     "never fall back to a synthetic model (real shape and quantization, random weights) when no file is "
     "found; in the API, \"synthetic\": false", RQ(synthetic)},
    {"--runs", NULL, "runs", CLLM_RO_INT, "N", false, 1, 100, "config `runs.count` (3)",
     "timed runs per model and per comparison variant (sets config runs.count)", RQ(runs)},
    {"--compare", NULL, "compare", CLLM_RO_LIST, "LIST", false, 0, 0, "none",
     "comparison phases after the LLM phase, any of quant, temperature, language, prompt-type or all (quant: "
     "Q2_K..Q8_0; temperature: 0.25/0.50/0.75; language: en fr zh es de ar; prompt-type: general code reasoning "
     "creative math), runs.count runs per variant; refused with skip_ai", RQ(compare)},
    {"--all-phases", NULL, NULL, CLLM_RO_BOOL, NULL, true, 0, 0, "false", "every comparison phase (--compare all)",
     RQ(all_phases)},
    {"--until-stable", NULL, "until_stable", CLLM_RO_NUMBER, "CV", false, 0.001, 1, "off",
     "repeat each model's timed runs until their tokens/s vary less than CV (std / mean, e.g. 0.02; runs the monitor "
     "marks throttled left out), from 3 runs and at most runs.count (then it says so)", RQ(until_stable)},
    {"--ladder", NULL, "ladder", CLLM_RO_STRING, "WHICH", false, 0, 0, "`first`",
     "\"why is my chat slower than llama-bench?\": for the first model (first), every model (all) or none (off), "
     "llama-bench's method on the same model (tg, pp of the prompt, tg with the prompt in the context), the chat "
     "in-process, the chat through llama-server when one is installed, each rung's cost; in-process engine only",
     RQ(ladder)},
    {NULL, NULL, "engine", CLLM_RO_STRING, NULL, false, 0, 0, "`in-process`",
     "how the models run: \"in-process\" (llama.cpp in this process), \"auto\" (starts llama_server) or \"manual\" "
     "(server_url); when absent, llama_server means auto and server_url manual", RQ(engine)},
    {"--llama-server", NULL, "llama_server", CLLM_RO_STRING, "PATH", false, 0, 0, "none",
     "auto mode: start this llama-server on each model file, benchmark it, stop it (the API runs only "
     "\"llama-server\", found on PATH or built by scripts/setup --llama-server, or a path allowed with "
     "computellm gui --llama-server PATH)", RQ(llama_server)},
    {"--server-url", NULL, "server_url", CLLM_RO_STRING, "URL", false, 0, 0, "none",
     "manual mode: benchmark the OpenAI-compatible server (llama-server, Ollama, vLLM, LM Studio) at this http:// "
     "or https:// address; no user:password@, query or fragment (the address is written to the results and the "
     "log: a key goes in api_key)", RQ(server_url)},
    {"--server-model", NULL, "server_model", CLLM_RO_STRING, "NAME", false, 0, 0, "the server's",
     "manual mode: the model name sent in requests", RQ(server_model)},
    {"--api-key", NULL, "api_key", CLLM_RO_STRING, "KEY", false, 0, 0, "none",
     "manual mode: sent as Authorization: Bearer KEY; never written to the results, the events or the log, never "
     "repeated in a message", RQ(api_key)},
    /* multi-GPU (gpu/select.h, llm/engine.h's cllm_backend_gpu_plan) */
    {"--gpus", NULL, "gpus", CLLM_RO_STRING, "LIST", false, 0, 0, "every GPU the runtimes see",
     "GPUs to use, as `computellm detect` numbers them (e.g. 0,2), for the GPU compute phase and the LLM phases; "
     "refused when one does not exist or CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES / ZE_AFFINITY_MASK hide it; "
     "with two or more: each GPU alone, then all together (comparisons.gpus)", RQ(gpus)},
    {"--gpu", NULL, NULL, CLLM_RO_STRING, "N", false, 0, 0, "none", "one GPU: the same as --gpus N", RQ(gpus)},
    {"--split-mode", NULL, "split_mode", CLLM_RO_STRING, "WHICH", false, 0, 0, "`both`",
     "multi-GPU: how the all-GPUs loads split the model: layer, row or both (one load each); the plain phase "
     "uses layer", RQ(split_mode)},
    {"--sampling", NULL, "sampling", CLLM_RO_STRING, "WHERE", false, 0, 0, "`auto`",
     "where the in-process engine picks each token (llama.cpp's backend sampling): device (the whole chain in the "
     "decode graph, one token id read back), device-top-k (only the top-k + penalty window there, the rest on the "
     "host: the same tokens, fewer GPU kernels), host (all logits read back), auto (device-top-k when the output "
     "layer is on a GPU, else host); recorded per run (sampling, sampling_note)", RQ(sampling)},
    {"--tensor-split", NULL, "tensor_split", CLLM_RO_STRING, "BY", false, 0, 0, "`free`",
     "multi-GPU: each GPU's share of the model, by free memory (free) or the same for each (even)",
     RQ(tensor_split)},
    {NULL, NULL, "config", CLLM_RO_OBJECT, NULL, false, 0, 0, "none",
     "configuration overrides, the keys of a --config file, e.g. {\"classic\": {\"cpu_matrix_sizes\": [512]}}",
     RQ(has_config_object)},
    {"--config", "-c", NULL, CLLM_RO_STRING, "FILE", false, 0, 0, "none",
     "JSON configuration overriding the defaults (see computellm config)", RQ(config)},
    {"--output", "-o", NULL, CLLM_RO_STRING, "DIR", false, 0, 0, "`results/`", "folder for the results file",
     RQ(output)},
    {"--models-dir", NULL, NULL, CLLM_RO_STRING, "DIR", false, 0, 0, "`models/`",
     "where GGUF files are kept and downloaded", RQ(models_dir)},
    {"--models-file", NULL, NULL, CLLM_RO_STRING, "FILE", false, 0, 0, "none",
     "extra model registry merged over data/models.json", RQ(models_file)},
    {"--llama-lib", NULL, NULL, CLLM_RO_STRING, "PATH", false, 0, 0, "`$COMPUTELLM_LLAMA_LIB`, then `.deps/llama/`",
     "libllama file or folder", RQ(llama_lib)},
    {"--rpc", NULL, NULL, CLLM_RO_STRING, "HOST:PORT,...", false, 0, 0, "none",
     "split each model over llama.cpp rpc-servers (at most 16; IPv4 address or host name, port 1..65535, no "
     "scheme or user@): their devices join this machine's, each server probed with a 5 s deadline first; needs "
     "scripts/setup --rpc; in-process engine only; rpc-server has no authentication: private networks only",
     RQ(rpc)},
    {"--submit", NULL, NULL, CLLM_RO_STRING, "URL", false, 0, 0, "none",
     "send the results file to this results hub (computellm hub) when the run ends, as computellm submit does: "
     "retries with backoff, then queued in the results folder's .submit-queue/ for the next submit",
     RQ(submit)},
    {"--submit-token", NULL, NULL, CLLM_RO_STRING, "T", false, 0, 0, "`$COMPUTELLM_HUB_TOKEN`",
     "the submitter's token for --submit", RQ(submit_token)},
};
_Static_assert(sizeof(g_opts) / sizeof(g_opts[0]) <= 64, "struct cllm_run_request.given has 64 bits");
#define N_OPTS (sizeof(g_opts) / sizeof(g_opts[0]))

const struct cllm_run_opt *cllm_run_options(size_t *n)
{
    *n = N_OPTS;
    return g_opts;
}

static const struct cllm_run_opt *opt_by_key(const char *key)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (g_opts[i].key && strcmp(g_opts[i].key, key) == 0)
            return &g_opts[i];
    return NULL;
}

static int opt_index(const struct cllm_run_opt *o) { return (int)(o - g_opts); }

static void mark(struct cllm_run_request *rq, const struct cllm_run_opt *o)
{
    rq->given |= (uint64_t)1 << opt_index(o);
}

static bool given(const struct cllm_run_request *rq, const char *key)
{
    const struct cllm_run_opt *o = opt_by_key(key);
    return o && (rq->given & ((uint64_t)1 << opt_index(o)));
}

void cllm_run_request_init(struct cllm_run_request *rq)
{
    memset(rq, 0, sizeof(*rq));
    rq->download = true;
    rq->synthetic = true;
}

void cllm_run_opt_name(const struct cllm_run_opt *o, char *out, size_t n)
{
    if (o->key && o->flag)
        snprintf(out, n, "%s (%s)", o->key, o->flag);
    else
        snprintf(out, n, "%s", o->key ? o->key : o->flag);
}

/* cllm_run_opt_name of the option with this JSON key, into buf. */
static const char *name_of(const char *key, char *buf, size_t n)
{
    const struct cllm_run_opt *o = opt_by_key(key);
    if (o)
        cllm_run_opt_name(o, buf, n);
    else
        snprintf(buf, n, "%s", key);
    return buf;
}

const struct cllm_run_opt *cllm_run_opt_by_flag(const char *arg)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct cllm_run_opt *o = &g_opts[i];
        size_t ln;
        if (!o->flag)
            continue;
        ln = strlen(o->flag);
        if (strcmp(arg, o->flag) == 0 || (o->short_flag && strcmp(arg, o->short_flag) == 0))
            return o;
        if (o->type != CLLM_RO_BOOL && strncmp(arg, o->flag, ln) == 0 && arg[ln] == '=')
            return o;
    }
    return NULL;
}

static enum cllm_status set_string(struct cllm_run_request *rq, const struct cllm_run_opt *o, const char *v,
                                   char *err, size_t errlen)
{
    char nm[64];
    if (strlen(v) >= o->size) {
        cllm_run_opt_name(o, nm, sizeof(nm));
        snprintf(err, errlen, "%s: longer than %zu characters", nm, o->size - 1);
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_strlcpy((char *)rq + o->offset, v, o->size);
    mark(rq, o);
    return CLLM_OK;
}

/* Appends the keys of one word ("a,b" or "a") to rq->models. */
static enum cllm_status add_keys(struct cllm_run_request *rq, const struct cllm_run_opt *o, const char *word,
                                 char *err, size_t errlen)
{
    char nm[64];
    cllm_run_opt_name(o, nm, sizeof(nm));
    mark(rq, o);
    while (*word) {
        size_t len = strcspn(word, ", ");
        if (len > 0) {
            if (rq->n_models >= CLLM_CONFIG_MAX_MODELS) {
                snprintf(err, errlen, "%s: at most %d model keys", nm, CLLM_CONFIG_MAX_MODELS);
                return CLLM_ERR_INVALID_ARG;
            }
            if (len >= sizeof(rq->models[0])) {
                snprintf(err, errlen, "%s: a model key is at most %zu characters", nm, sizeof(rq->models[0]) - 1);
                return CLLM_ERR_INVALID_ARG;
            }
            memcpy(rq->models[rq->n_models], word, len);
            rq->models[rq->n_models][len] = '\0';
            rq->n_models++;
        }
        word += len;
        word += strspn(word, ", ");
    }
    return CLLM_OK;
}

/* Appends one comma-separated piece to rq->compare. */
static enum cllm_status add_list(struct cllm_run_request *rq, const struct cllm_run_opt *o, const char *v, char *err,
                                 size_t errlen)
{
    char *dst = (char *)rq + o->offset, nm[64];
    size_t have = strlen(dst);
    mark(rq, o);
    if (have + strlen(v) + 2 > o->size) {
        cllm_run_opt_name(o, nm, sizeof(nm));
        snprintf(err, errlen, "%s: longer than %zu characters", nm, o->size - 2);
        return CLLM_ERR_INVALID_ARG;
    }
    snprintf(dst + have, o->size - have, "%s%s", have ? "," : "", v);
    return CLLM_OK;
}

enum cllm_status cllm_run_request_set_cli(struct cllm_run_request *rq, const struct cllm_run_opt *o,
                                          const char *value, char *err, size_t errlen)
{
    char nm[64];
    cllm_run_opt_name(o, nm, sizeof(nm));
    switch (o->type) {
    case CLLM_RO_BOOL:
        *(bool *)((char *)rq + o->offset) = o->flag_value;
        mark(rq, o);
        return CLLM_OK;
    case CLLM_RO_INT: {
        char *end = NULL;
        double d = value && *value ? strtod(value, &end) : NAN;
        if (!end || *end || !isfinite(d) || d != floor(d)) {
            snprintf(err, errlen, "%s: expected a whole number, got '%.40s'", nm, value ? value : "");
            return CLLM_ERR_INVALID_ARG;
        }
        *(double *)((char *)rq + o->offset) = d;
        mark(rq, o);
        return CLLM_OK;
    }
    case CLLM_RO_NUMBER: {
        char *end = NULL;
        double d = value && *value ? strtod(value, &end) : NAN;
        if (!end || *end || !isfinite(d)) {
            snprintf(err, errlen, "%s: expected a number, got '%.40s'", nm, value ? value : "");
            return CLLM_ERR_INVALID_ARG;
        }
        *(double *)((char *)rq + o->offset) = d;
        mark(rq, o);
        return CLLM_OK;
    }
    case CLLM_RO_STRING:
        return set_string(rq, o, value ? value : "", err, errlen);
    case CLLM_RO_KEYS:
        return add_keys(rq, o, value ? value : "", err, errlen);
    case CLLM_RO_LIST:
        return add_list(rq, o, value ? value : "", err, errlen);
    case CLLM_RO_OBJECT:
        break;
    }
    snprintf(err, errlen, "%s: not a command-line option", nm);
    return CLLM_ERR_INVALID_ARG;
}

static void known_keys(char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < N_OPTS; i++) {
        if (!g_opts[i].key)
            continue;
        k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%s", k ? ", " : "", g_opts[i].key);
        if (k >= n)
            break;
    }
}

static enum cllm_status set_json(struct cllm_run_request *rq, const struct cllm_run_opt *o, const cJSON *v,
                                 char *err, size_t errlen)
{
    char nm[64];
    cllm_run_opt_name(o, nm, sizeof(nm));
    switch (o->type) {
    case CLLM_RO_BOOL:
        if (!cJSON_IsBool(v)) {
            snprintf(err, errlen, "%s: expected true or false", nm);
            return CLLM_ERR_INVALID_ARG;
        }
        *(bool *)((char *)rq + o->offset) = cJSON_IsTrue(v);
        mark(rq, o);
        return CLLM_OK;
    case CLLM_RO_INT:
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble)) {
            char *shown = cJSON_PrintUnformatted(v);
            snprintf(err, errlen, "%s: expected a whole number, got '%.40s'", nm, shown ? shown : "?");
            free(shown);
            return CLLM_ERR_INVALID_ARG;
        }
        *(double *)((char *)rq + o->offset) = v->valuedouble;
        mark(rq, o);
        return CLLM_OK;
    case CLLM_RO_NUMBER:
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) {
            char *shown = cJSON_PrintUnformatted(v);
            snprintf(err, errlen, "%s: expected a number, got '%.40s'", nm, shown ? shown : "?");
            free(shown);
            return CLLM_ERR_INVALID_ARG;
        }
        *(double *)((char *)rq + o->offset) = v->valuedouble;
        mark(rq, o);
        return CLLM_OK;
    case CLLM_RO_STRING:
        if (cJSON_IsNull(v))
            return CLLM_OK;
        if (!cJSON_IsString(v)) {
            snprintf(err, errlen, "%s: expected a string", nm);
            return CLLM_ERR_INVALID_ARG;
        }
        if (!v->valuestring[0])
            return CLLM_OK;
        return set_string(rq, o, v->valuestring, err, errlen);
    case CLLM_RO_KEYS: {
        const cJSON *e;
        if (!cJSON_IsArray(v)) {
            snprintf(err, errlen, "%s: expected an array of model keys", nm);
            return CLLM_ERR_INVALID_ARG;
        }
        mark(rq, o);
        cJSON_ArrayForEach(e, v) {
            if (!cJSON_IsString(e)) {
                snprintf(err, errlen, "%s: expected strings (model keys)", nm);
                return CLLM_ERR_INVALID_ARG;
            }
            /* one element is one key: a comma or space in it is a bad key, as the check says */
            if (rq->n_models >= CLLM_CONFIG_MAX_MODELS) {
                snprintf(err, errlen, "%s: at most %d model keys", nm, CLLM_CONFIG_MAX_MODELS);
                return CLLM_ERR_INVALID_ARG;
            }
            if (strlen(e->valuestring) >= sizeof(rq->models[0])) {
                snprintf(err, errlen, "%s: a model key is at most %zu characters", nm, sizeof(rq->models[0]) - 1);
                return CLLM_ERR_INVALID_ARG;
            }
            cllm_strlcpy(rq->models[rq->n_models++], e->valuestring, sizeof(rq->models[0]));
        }
        return CLLM_OK;
    }
    case CLLM_RO_LIST: {
        const cJSON *e;
        if (cJSON_IsNull(v))
            return CLLM_OK;
        if (cJSON_IsString(v))
            return add_list(rq, o, v->valuestring, err, errlen);
        if (!cJSON_IsArray(v)) {
            snprintf(err, errlen, "%s: expected an array of phase names (quant, temperature, language, prompt-type, "
                     "all)", nm);
            return CLLM_ERR_INVALID_ARG;
        }
        mark(rq, o);
        cJSON_ArrayForEach(e, v) {
            if (!cJSON_IsString(e)) {
                snprintf(err, errlen, "%s: expected strings (quant, temperature, language, prompt-type, all)", nm);
                return CLLM_ERR_INVALID_ARG;
            }
            if (add_list(rq, o, e->valuestring, err, errlen) != CLLM_OK)
                return CLLM_ERR_INVALID_ARG;
        }
        return CLLM_OK;
    }
    case CLLM_RO_OBJECT:
        if (!cJSON_IsObject(v)) {
            snprintf(err, errlen, "%s: expected an object of configuration keys", nm);
            return CLLM_ERR_INVALID_ARG;
        }
        *(bool *)((char *)rq + o->offset) = true;
        mark(rq, o);
        return CLLM_OK;
    }
    return CLLM_ERR_INTERNAL;
}

enum cllm_status cllm_run_request_from_json(struct cllm_run_request *rq, const cJSON *body, char *err,
                                            size_t errlen)
{
    const cJSON *it;
    if (!cJSON_IsObject(body)) {
        snprintf(err, errlen, "request body: expected a JSON object");
        return CLLM_ERR_INVALID_ARG;
    }
    cJSON_ArrayForEach(it, body) {
        const struct cllm_run_opt *o = it->string ? opt_by_key(it->string) : NULL;
        if (!o) {
            char keys[512];
            known_keys(keys, sizeof(keys));
            snprintf(err, errlen, "%.100s: unknown key (expected %s)", it->string ? it->string : "?", keys);
            return CLLM_ERR_INVALID_ARG;
        }
        if (set_json(rq, o, it, err, errlen) != CLLM_OK)
            return CLLM_ERR_INVALID_ARG;
    }
    return CLLM_OK;
}

static bool has_control_chars(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

enum cllm_status cllm_run_check_server_url(const char *u, char *err, size_t errlen)
{
    size_t skip = strncasecmp(u, "http://", 7) == 0 ? 7 : strncasecmp(u, "https://", 8) == 0 ? 8 : 0;
    const char *host = strstr(u, "://");
    size_t n;

    host = host ? host + 3 : u;
    n = strcspn(host, "/?#");
    /* credentials first, so that no message below repeats them */
    if (memchr(host, '@', n)) {
        snprintf(err, errlen, "no user or password in the address (it is written to the results and the log); "
                 "give a key with api_key (--api-key), sent as a Bearer token and never written");
        return CLLM_ERR_INVALID_ARG;
    }
    if (strpbrk(u, "?#")) {
        snprintf(err, errlen, "no query or fragment in the address (it is written to the results and the log); "
                 "give a key with api_key (--api-key), sent as a Bearer token and never written");
        return CLLM_ERR_INVALID_ARG;
    }
    if (has_control_chars(u)) {
        snprintf(err, errlen, "control characters are not allowed in the address");
        return CLLM_ERR_INVALID_ARG;
    }
    if (!skip || !u[skip] || u[skip] == '/' || u[skip] == ':' || strchr(u, ' ')) {
        snprintf(err, errlen, "expected an http:// or https:// address with a host, e.g. http://127.0.0.1:8080 "
                 "(got \"%.200s\")", u);
        return CLLM_ERR_INVALID_ARG;
    }
    return CLLM_OK;
}

/* "0", "0,2": indices, comma-separated, no empty item (checked against the machine when the run starts) */
static bool valid_gpu_list(const char *s)
{
    if (!*s)
        return false;
    while (*s) {
        size_t n = strspn(s, "0123456789");
        if (n == 0 || n > 3)
            return false;
        s += n;
        if (*s == ',' && s[1])
            s++;
        else if (*s)
            return false;
    }
    return true;
}

static bool valid_quant(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 31)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
            return false;
    return true;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return CLLM_ERR_INVALID_ARG; } while (0)

static enum cllm_status check_models(const struct cllm_run_request *rq, const struct cllm_registry *reg, char *err,
                                     size_t errlen)
{
    char nm[64];
    name_of("models", nm, sizeof(nm));
    if (given(rq, "models") && rq->n_models == 0)
        FAIL("%s: expected 1 to %d model keys", nm, CLLM_CONFIG_MAX_MODELS);
    for (int i = 0; i < rq->n_models; i++) {
        if (!cllm_is_valid_key(rq->models[i]))
            FAIL("%s: '%.64s' is not a model key (lower case, digits, . _ -, e.g. \"tinyllama-1.1b\")", nm,
                 rq->models[i]);
        /* with skip_ai the models are not used: a registry is not needed for them */
        if (reg && !rq->skip_ai && !cllm_registry_find(reg, rq->models[i])) {
            char known[512];
            size_t k = 0;
            known[0] = '\0';
            for (int j = 0; j < cllm_registry_count(reg) && k < sizeof(known); j++)
                k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%s", j ? ", " : "",
                                      cllm_registry_at(reg, j)->key);
            FAIL("%s: unknown model key '%s' (known: %s; more with a models file)", nm, rq->models[i], known);
        }
    }
    return CLLM_OK;
}

enum cllm_status cllm_run_request_check(struct cllm_run_request *rq, const struct cllm_registry *reg, char *err,
                                        size_t errlen)
{
    char nm[64], nm2[64];
    const char *mode;
    const struct cllm_run_opt *runs = opt_by_key("runs");

    if (check_models(rq, reg, err, errlen) != CLLM_OK)
        return CLLM_ERR_INVALID_ARG;
    if (rq->quant[0] && !valid_quant(rq->quant))
        FAIL("%s: expected a quantization name such as \"Q4_K_M\" (1 to 31 letters, digits and '_'), got '%.40s'",
             name_of("quant", nm, sizeof(nm)), rq->quant);
    if (given(rq, "runs") && !(rq->runs >= runs->min && rq->runs <= runs->max))
        FAIL("%s: %g is out of range [%g, %g]", name_of("runs", nm, sizeof(nm)), rq->runs, runs->min, runs->max);

    {
        const struct cllm_run_opt *us = opt_by_key("until_stable");
        if (given(rq, "until_stable") && !(rq->until_stable >= us->min && rq->until_stable <= us->max))
            FAIL("%s: %g is out of range [%g, %g] (a fraction: 0.02 is 2 %%)", name_of("until_stable", nm, sizeof(nm)),
                 rq->until_stable, us->min, us->max);
        if (given(rq, "until_stable") && rq->skip_ai)
            FAIL("%s: it repeats the LLM phase's runs, and %s is set", name_of("until_stable", nm, sizeof(nm)),
                 name_of("skip_ai", nm2, sizeof(nm2)));
    }
    if (rq->ladder[0] && strcmp(rq->ladder, "first") != 0 && strcmp(rq->ladder, "all") != 0 &&
        strcmp(rq->ladder, "off") != 0)
        FAIL("%s: expected first, all or off", name_of("ladder", nm, sizeof(nm)));
    if (rq->ladder[0] && strcmp(rq->ladder, "off") != 0 && rq->skip_ai)
        FAIL("%s: the ladder runs in the LLM phase, and %s is set", name_of("ladder", nm, sizeof(nm)),
             name_of("skip_ai", nm2, sizeof(nm2)));
    rq->compare_bits = rq->all_phases ? CLLM_AI_COMPARE_ALL : 0;
    if (rq->compare[0]) {
        char why[256];
        unsigned bits = cllm_ai_compare_parse(rq->compare, why, sizeof(why));
        if (!bits)
            FAIL("%s: %s", name_of("compare", nm, sizeof(nm)), why);
        rq->compare_bits |= bits;
    }
    if (rq->gpus[0] && !valid_gpu_list(rq->gpus))
        FAIL("%s: expected GPU indices such as 0 or 0,2 (as `computellm detect` numbers them), got '%.40s'",
             name_of("gpus", nm, sizeof(nm)), rq->gpus);
    if (rq->split_mode[0] && strcmp(rq->split_mode, "layer") != 0 && strcmp(rq->split_mode, "row") != 0 &&
        strcmp(rq->split_mode, "both") != 0)
        FAIL("%s: expected layer, row or both", name_of("split_mode", nm, sizeof(nm)));
    if (rq->sampling[0] && !cllm_sampling_mode_parse(rq->sampling, &(int){0}))
        FAIL("%s: expected auto, device, device-top-k or host", name_of("sampling", nm, sizeof(nm)));
    if (rq->tensor_split[0] && strcmp(rq->tensor_split, "free") != 0 && strcmp(rq->tensor_split, "even") != 0)
        FAIL("%s: expected free or even", name_of("tensor_split", nm, sizeof(nm)));
    if (rq->compare_bits && rq->skip_ai)
        FAIL("%s: the comparison phases run after the LLM phase, and %s is set", name_of("compare", nm, sizeof(nm)),
             name_of("skip_ai", nm2, sizeof(nm2)));

    if (rq->engine[0]) {
        if (strcmp(rq->engine, "in-process") != 0 && strcmp(rq->engine, "auto") != 0 &&
            strcmp(rq->engine, "manual") != 0)
            FAIL("engine: expected \"in-process\", \"auto\" or \"manual\"");
        mode = rq->engine;
    } else if (rq->llama_server[0] && rq->server_url[0]) {
        FAIL("%s and %s exclude each other: benchmark a running server or start one, not both",
             name_of("server_url", nm, sizeof(nm)), name_of("llama_server", nm2, sizeof(nm2)));
    } else {
        mode = rq->llama_server[0] ? "auto" : rq->server_url[0] ? "manual" : "in-process";
    }
    if (strcmp(mode, "manual") != 0) {
        const char *stray = rq->server_url[0] ? "server_url" : rq->server_model[0] ? "server_model"
                          : rq->api_key[0] ? "api_key" : NULL;
        if (stray)
            FAIL("%s: only with a server address (engine \"manual\"); engine is \"%s\"",
                 name_of(stray, nm, sizeof(nm)), mode);
    }
    if (strcmp(mode, "auto") != 0 && rq->llama_server[0])
        FAIL("%s: only with engine \"auto\" (engine is \"%s\")", name_of("llama_server", nm, sizeof(nm)), mode);
    if (strcmp(mode, "auto") == 0 && !rq->llama_server[0])
        FAIL("%s: engine \"auto\" needs the llama-server to start: \"llama-server\" (found on PATH or in the build of "
             "scripts/setup --llama-server) or a path allowed with `computellm gui --llama-server PATH`",
             name_of("llama_server", nm, sizeof(nm)));
    if (strcmp(mode, "manual") == 0) {
        char why[512];
        if (!rq->server_url[0])
            FAIL("%s: engine \"manual\" needs the server's address (http://HOST:PORT)",
                 name_of("server_url", nm, sizeof(nm)));
        if (cllm_run_check_server_url(rq->server_url, why, sizeof(why)) != CLLM_OK)
            FAIL("%s: %s", name_of("server_url", nm, sizeof(nm)), why);
        if (has_control_chars(rq->server_model))
            FAIL("%s: control characters are not allowed", name_of("server_model", nm, sizeof(nm)));
        /* it goes into an HTTP header: a line break would add headers of its own */
        if (has_control_chars(rq->api_key))
            FAIL("%s: control characters are not allowed", name_of("api_key", nm, sizeof(nm)));
    }
    if (rq->rpc[0]) {
        struct cllm_rpc_list list;
        char why[512];
        if (cllm_rpc_parse_list(rq->rpc, &list, why, sizeof(why)) != CLLM_OK)
            FAIL("%s", why);
        if (strcmp(mode, "in-process") != 0)
            FAIL("--rpc: the model is split over rpc-servers by the in-process engine only (engine is \"%s\")", mode);
        if (rq->cpu)
            FAIL("--rpc and --cpu exclude each other: --cpu keeps every layer on this machine's CPU");
    }
    cllm_strlcpy(rq->mode, mode, sizeof(rq->mode));
    return CLLM_OK;
}

void cllm_run_request_apply(const struct cllm_run_request *rq, struct cllm_run_params *rp)
{
    if (rq->gpus[0])
        rp->gpus = rq->gpus;
    rp->ai.split_modes = strcmp(rq->split_mode, "layer") == 0 ? CLLM_AI_SPLIT_LAYER
                         : strcmp(rq->split_mode, "row") == 0 ? CLLM_AI_SPLIT_ROW
                                                              : CLLM_AI_SPLIT_BOTH;
    if (rq->sampling[0])
        cllm_sampling_mode_parse(rq->sampling, &rp->ai.sampling);
    rp->ai.tensor_split_by = strcmp(rq->tensor_split, "even") == 0 ? CLLM_TENSOR_SPLIT_EVEN : CLLM_TENSOR_SPLIT_FREE;
    rp->skip_classic = rq->skip_classic;
    rp->skip_ai = rq->skip_ai;
    if (rq->n_models > 0) {
        rp->cfg.n_models = rq->n_models;
        for (int i = 0; i < rq->n_models; i++)
            cllm_strlcpy(rp->cfg.models[i], rq->models[i], sizeof(rp->cfg.models[i]));
    }
    if (given(rq, "runs"))
        rp->cfg.runs = (int)rq->runs;
    if (rq->quant[0])
        rp->ai.quant = rq->quant;
    if (rq->cpu)
        rp->ai.device = "cpu";
    rp->ai.allow_download = rq->download;
    rp->ai.allow_synthetic = rq->synthetic;
    rp->ai.compare = rq->compare_bits;
    rp->ai.until_stable_cv = given(rq, "until_stable") ? rq->until_stable : NAN;
    rp->ai.ladder = !rq->ladder[0] || strcmp(rq->ladder, "first") == 0 ? CLLM_AI_LADDER_FIRST
                    : strcmp(rq->ladder, "all") == 0              ? CLLM_AI_LADDER_ALL
                                                                  : CLLM_AI_LADDER_OFF;
    if (rq->llama_server[0])
        rp->ai.llama_server = rq->llama_server;
    if (rq->server_url[0])
        rp->ai.server_url = rq->server_url;
    if (rq->server_model[0])
        rp->ai.server_model = rq->server_model;
    if (rq->api_key[0])
        rp->ai.api_key = rq->api_key;
    if (rq->output[0])
        rp->output_dir = rq->output;
    if (rq->models_dir[0])
        rp->ai.models_dir = rq->models_dir;
    if (rq->models_file[0])
        rp->ai.models_file = rq->models_file;
    if (rq->llama_lib[0])
        rp->ai.llama_lib = rq->llama_lib;
    if (rq->rpc[0])
        rp->ai.rpc = rq->rpc;
}

/* Writes text wrapped to `width` columns, continuation lines indented by `indent`; the first line starts at col. */
static void wrap(FILE *f, const char *text, size_t col, size_t indent, size_t width)
{
    const char *s = text;
    while (*s) {
        size_t w = strcspn(s, " ");
        if (col > indent && col + 1 + w > width) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(s, 1, w, f);
        col += w;
        s += w;
        s += strspn(s, " ");
    }
    fputc('\n', f);
}

void cllm_run_options_help(FILE *f)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct cllm_run_opt *o = &g_opts[i];
        char left[64];
        int n;
        if (!o->flag)
            continue;
        n = snprintf(left, sizeof(left), "  %s%s%s%s%s", o->flag, o->metavar ? " " : "", o->metavar ? o->metavar : "",
                     o->short_flag ? ", " : "", o->short_flag ? o->short_flag : "");
        fputs(left, f);
        /* the help column starts at 24; a longer flag puts its help on the next line */
        if (n < 23)
            fprintf(f, "%*s", 24 - n, "");
        else
            fprintf(f, "\n%24s", "");
        /* the default, where the flag sets a value (booleans say what they do) */
        if (o->type != CLLM_RO_BOOL && o->def && strcmp(o->def, "none") != 0) {
            char text[1024], *d;
            int  k = snprintf(text, sizeof(text) - 64, "%s; default: ", o->help);
            d = text + (k < 0 ? 0 : k > (int)sizeof(text) - 65 ? (int)sizeof(text) - 65 : k);
            for (const char *s = o->def; *s && d < text + sizeof(text) - 2; s++)
                if (*s != '`')
                    *d++ = *s;
            d[0] = '\0';
            wrap(f, text, 24, 24, 118);
        } else {
            wrap(f, o->help, 24, 24, 118);
        }
    }
}

static const char *type_md(const struct cllm_run_opt *o)
{
    switch (o->type) {
    case CLLM_RO_BOOL: return "bool";
    case CLLM_RO_INT: return "integer";
    case CLLM_RO_NUMBER: return "number";
    case CLLM_RO_STRING: return "string";
    case CLLM_RO_KEYS: return "array of strings";
    case CLLM_RO_LIST: return "array of strings, or one comma-separated string";
    case CLLM_RO_OBJECT: return "object";
    }
    return "?";
}

void cllm_run_options_markdown(FILE *f)
{
    fputs("| CLI flag | API key | type | default | range | meaning |\n|---|---|---|---|---|---|\n", f);
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct cllm_run_opt *o = &g_opts[i];
        fputs("| ", f);
        if (o->flag)
            fprintf(f, "`%s%s%s`%s%s%s", o->flag, o->metavar ? " " : "", o->metavar ? o->metavar : "",
                    o->short_flag ? " (`" : "", o->short_flag ? o->short_flag : "", o->short_flag ? "`)" : "");
        else
            fputs("—", f);
        fprintf(f, " | %s%s%s | %s | %s | ", o->key ? "`" : "", o->key ? o->key : "— (CLI only)", o->key ? "`" : "",
                o->key ? type_md(o) : o->type == CLLM_RO_BOOL ? "flag"
                : o->metavar && strstr("PATH FILE DIR", o->metavar) ? "path" : "string", o->def);
        if (o->type == CLLM_RO_INT || o->type == CLLM_RO_NUMBER)
            fprintf(f, "%g to %g", o->min, o->max);
        fprintf(f, " | %s |\n", o->help);
    }
}
