#include "app/ai_phase.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/stats.h"
#include "core/clock.h"
#include "core/config.h"
#include "platform/fs.h"
#include "core/log.h"
#include "report/result.h"
#include "core/strutil.h"
#include "hw/hw.h"
#include "model/download.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "llm/metrics.h"
#include "model/registry.h"
#include "model/synth.h"
#include "model/vocab.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"
#include "core/json.h"
#include "platform/proc.h"

#ifndef CLLM_SOURCE_DIR
#define CLLM_SOURCE_DIR "."
#endif

#define GIB (1024.0 * 1024.0 * 1024.0)

struct cllm_ai_params cllm_ai_default_params(void)
{
    struct cllm_ai_params p = {
        .cfg = NULL, .hw = NULL, .models_dir = "models", .models_file = NULL, .quant = NULL, .llama_lib = NULL,
        .device = NULL, .server_url = NULL, .server_model = NULL, .api_key = NULL, .llama_server = NULL,
        .allow_download = true, .allow_synthetic = true, .cleanup = true, .cleanup_pause_s = 1.0,
        .monitor = true, .cpu_read_gbps = NAN, .gpu_read_gbps = NAN, .cancel = NULL, .engine = NULL,
        .compare = 0, .progress = NULL, .monitor_sample = NULL, .user_data = NULL,
    };
    return p;
}

static void say(const struct cllm_ai_params *p, enum cllm_ai_event ev, const char *key, double fraction,
                const char *fmt, ...) CLLM_PRINTF(5, 6);
static void say(const struct cllm_ai_params *p, enum cllm_ai_event ev, const char *key, double fraction,
                const char *fmt, ...)
{
    char text[512];
    va_list ap;
    if (!p->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    p->progress(ev, key, text, fraction, p->user_data);
}

static bool cancelled(const struct cllm_ai_params *p) { return p->cancel && *p->cancel; }

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : -1;
}

/* ---- getting the model file ---- */

struct dl_ctx {
    const struct cllm_ai_params *p;
    const char *key;
};

static int on_download(const struct cllm_download_progress *d, void *ud)
{
    struct dl_ctx *c = ud;
    double frac = d->total_bytes > 0 ? (double)d->done_bytes / (double)d->total_bytes : NAN;
    say(c->p, CLLM_AI_DOWNLOAD, c->key, frac, "%s %.1f MB/s", d->file, d->rate_bps / 1e6);
    return cancelled(c->p) ? 1 : 0;
}

static bool on_synth(enum cllm_synth_stage stage, double fraction, void *ud)
{
    struct dl_ctx *c = ud;
    say(c->p, CLLM_AI_SYNTH, c->key, fraction, "%s",
        stage == CLLM_SYNTH_STAGE_WEIGHTS ? "writing random F16 weights" : "quantizing with llama.cpp");
    return !cancelled(c->p);
}

/* An installed binary's default vocabulary, P/share/computellm/llama-tokenizer.js (cmake --install), unless
 * $COMPUTELLM_VOCAB names one; false sends the lookup to the source tree's .deps/ (cllm_vocab_find_default). */
static bool installed_vocab(char *out, size_t n)
{
    const char *env = getenv(CLLM_VOCAB_PATH_ENV);
    return !(env && env[0]) && cllm_fs_exe_relative("../share/computellm/llama-tokenizer.js", out, n);
}

/* Writes the synthetic stand-in for model m at quantization q into path; vocab_from NULL = the default
 * vocabulary (scripts/setup installs it). */
static enum cllm_status make_synthetic(const struct cllm_ai_params *p, const struct cllm_model *m,
                                       const struct cllm_model_quant *q, const char *vocab_from, const char *path,
                                       char *err, size_t errlen)
{
    const char *roots[] = {CLLM_SOURCE_DIR, ".", NULL};
    char vocab_path[1024], dir[1024];
    struct cllm_vocab *vocab = NULL;
    struct cllm_synth_params sp = cllm_synth_default_params();
    const struct cllm_llama *llama = NULL;
    struct dl_ctx ctx = {p, m->key};
    enum cllm_status st = CLLM_OK;
    char *slash;

    if (vocab_from)
        cllm_strlcpy(vocab_path, vocab_from, sizeof(vocab_path));
    else if (!installed_vocab(vocab_path, sizeof(vocab_path)))
        st = cllm_vocab_find_default(roots, vocab_path, sizeof(vocab_path), err, errlen);
    if (st == CLLM_OK)
        st = cllm_vocab_load(vocab_path, &vocab, err, errlen);
    if (st != CLLM_OK)
        return st;
    st = cllm_llama_load(p->llama_lib, &llama, err, errlen);
    if (st != CLLM_OK) {
        cllm_vocab_free(vocab);
        return st;
    }
    cllm_strlcpy(dir, path, sizeof(dir));
    slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        st = cllm_fs_mkdir_p(dir, err, errlen);
        if (st != CLLM_OK) {
            cllm_vocab_free(vocab);
            return st;
        }
    }
    sp.arch = m->arch.arch;
    sp.n_layer = (uint32_t)m->arch.n_layer;
    sp.n_embd = (uint32_t)m->arch.n_embd;
    sp.n_ff = (uint32_t)m->arch.n_ff;
    sp.n_head = (uint32_t)m->arch.n_head;
    sp.n_head_kv = (uint32_t)m->arch.n_head_kv;
    sp.n_vocab = (uint32_t)m->arch.n_vocab;
    sp.n_ctx_train = (uint32_t)m->arch.n_ctx_train;
    sp.rope_freq_base = (float)m->arch.rope_theta;
    sp.rms_norm_eps = (float)m->arch.rms_norm_eps;
    sp.name = m->name;
    sp.model_key = m->key;
    sp.path = path;
    sp.quant = q->name;
    sp.vocab = vocab;
    sp.chat_template = cllm_chat_template_by_name(m->chat_template);
    sp.llama = llama;
    sp.progress = on_synth;
    sp.user_data = &ctx;
    st = cllm_synth_write(&sp, err, errlen);
    cllm_vocab_free(vocab);
    return st;
}

/* Finds or makes the GGUF: the file in models/, else a download, else a synthetic stand-in (with a notice). */
static enum cllm_status get_model_file(const struct cllm_ai_params *p, const struct cllm_model *m,
                                       const struct cllm_model_quant *q, char *path, size_t n, cJSON *info,
                                       char *err, size_t errlen)
{
    char why_download[512] = "", synth_path[1024];
    struct dl_ctx ctx = {p, m->key};
    enum cllm_status st;
    struct stat sb;
    bool empty;

    cllm_model_local_path(q, p->models_dir, path, n);
    if (file_size(path) > 0) {
        cJSON_AddStringToObject(info, "source", "present");
        cJSON_AddBoolToObject(info, "synthetic", false);
        return CLLM_OK;
    }
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        /* nothing to download into, and a stand-in would hide the mistake */
        snprintf(err, errlen, "%.400s: is a folder, expected a GGUF file", path);
        return CLLM_ERR_INVALID_ARG;
    }
    empty = file_size(path) == 0;   /* say what is there: not "not found" */
    if (p->allow_download && cllm_download_supported()) {
        struct cllm_download_params dp = cllm_download_default_params();
        struct cllm_download_result res;
        dp.progress = on_download;
        dp.user_data = &ctx;
        st = cllm_download_model(m, q, p->models_dir, &dp, &res, why_download, sizeof(why_download));
        if (st == CLLM_OK) {
            cJSON *d = cJSON_AddObjectToObject(info, "download");
            cJSON_AddStringToObject(info, "source", "downloaded");
            cJSON_AddBoolToObject(info, "synthetic", false);
            cJSON_AddStringToObject(d, "url", res.url);
            cJSON_AddNumberToObject(d, "bytes", (double)res.bytes);
            cJSON_AddNumberToObject(d, "elapsed_s", res.elapsed_s);
            cJSON_AddBoolToObject(d, "sha256_checked", res.sha256_checked);
            return CLLM_OK;
        }
        if (st == CLLM_ERR_CANCELLED || cancelled(p)) {
            snprintf(err, errlen, "download cancelled");
            return CLLM_ERR_CANCELLED;
        }
    } else {
        snprintf(why_download, sizeof(why_download), "%s",
                 p->allow_download ? "this build cannot download (built without libcurl)" : "downloads are off");
    }
    if (!p->allow_synthetic) {
        snprintf(err, errlen, empty ? "%.400s: empty file (0 bytes), and not downloaded (%.400s)"
                                    : "%.400s not found and not downloaded (%.400s)", path, why_download);
        return CLLM_ERR_NOT_FOUND;
    }
    cllm_model_synthetic_path(m, q, p->models_dir, synth_path, sizeof(synth_path));
    cJSON_AddStringToObject(info, "download_error", why_download);
    if (file_size(synth_path) <= 0) {
        say(p, CLLM_AI_NOTICE, m->key, NAN,
            "%s%s could not be downloaded (%s): making a SYNTHETIC model with the same shape and quantization "
            "(random weights: speed is real, the text is not)", q->file, empty ? " (an empty file, 0 bytes)" : "",
            why_download);
        st = make_synthetic(p, m, q, NULL, synth_path, err, errlen);
        if (st != CLLM_OK)
            return st;
        cJSON_AddStringToObject(info, "source", "synthetic (made now)");
    } else {
        say(p, CLLM_AI_NOTICE, m->key, NAN,
            "%s%s could not be downloaded (%s): using the SYNTHETIC model %s (random weights: speed is real, the "
            "text is not)", q->file, empty ? " (an empty file, 0 bytes)" : "", why_download, synth_path);
        cJSON_AddStringToObject(info, "source", "synthetic (reused)");
    }
    cJSON_AddBoolToObject(info, "synthetic", true);
    cJSON_AddStringToObject(info, "notice", "synthetic model: real architecture and quantization, random weights; "
                                            "end-of-sequence ignored so every run generates max_tokens");
    cllm_strlcpy(path, synth_path, n);
    return CLLM_OK;
}

/* ---- runs ---- */

struct run_ctx {
    const struct cllm_ai_params *p;
};

static bool on_token(const char *piece, size_t len, uint64_t t_ns, void *ud)
{
    struct run_ctx *c = ud;
    (void)piece, (void)len, (void)t_ns;
    return !cancelled(c->p);
}

static struct cllm_gen_params gen_params(const struct cllm_ai_params *p, bool synthetic, struct run_ctx *rc)
{
    struct cllm_gen_params g = cllm_gen_default_params();
    const struct cllm_config *cfg = p->cfg;
    g.system_prompt = cfg->system_prompt;
    g.prompt = cfg->prompt;
    g.max_tokens = cfg->inference.max_tokens;
    g.temperature = cfg->inference.temperature;
    g.top_p = cfg->inference.top_p;
    g.repeat_penalty = cfg->inference.repeat_penalty;
    g.seed = (uint32_t)cfg->inference.seed;
    g.ignore_eos = synthetic;
    g.on_token = on_token;
    g.user_data = rc;
    g.cancel = p->cancel;   /* the server engine aborts its transfer at once, also while no token comes */
    return g;
}

/* Decode t/s × bytes read per token ÷ bandwidth: how close decoding runs to the memory-bound limit. For a dense
 * model every weight is read once per generated token, so the file size stands for the bytes per token. basis NULL:
 * where the model runs is not known (a server), so there is no bandwidth to compare with. */
static void add_roofline(cJSON *summary, double decode_tps, int64_t model_bytes, double gbps, const char *basis)
{
    cJSON *r = cJSON_AddObjectToObject(summary, "roofline");
    cJSON_AddNumberToObject(r, "bytes_per_token", (double)model_bytes);
    if (isfinite(gbps) && gbps > 0 && isfinite(decode_tps) && model_bytes > 0) {
        cJSON_AddNumberToObject(r, "bandwidth_gbps", gbps);
        cJSON_AddNumberToObject(r, "ratio", decode_tps * (double)model_bytes / 1e9 / gbps);
        cJSON_AddNumberToObject(r, "max_tokens_per_second", gbps * 1e9 / (double)model_bytes);
        cJSON_AddStringToObject(r, "basis", basis);
    } else {
        cllm_json_set_null(r, "ratio", !basis ? "the server's backend (CPU or GPU) is not known here"
                                       : isfinite(gbps) ? "no decode rate"
                                       : "memory bandwidth not measured in this run (run the classic phases too)");
    }
}

/* ---- one model, one or more variants: the routine the plain phase and the comparison phases share ---- */

/* A model ready to run: its registry entry, quantization, fit and file. */
struct prepared {
    const struct cllm_model *m;
    struct cllm_model_quant qbuf;        /* a quantization the registry does not list (synthetic only) */
    const struct cllm_model_quant *q;
    enum cllm_fit fit;
    char path[1024];
    bool synthetic;
    int64_t model_bytes;
};

static void do_cleanup(const struct cllm_ai_params *p, cJSON *obj)
{
    struct cllm_cleanup_params cp = cllm_cleanup_default_params();
    if (!p->cleanup)
        return;
    cp.pause_s = p->cleanup_pause_s;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, "cleanup");
    cJSON_AddItemToObject(obj, "cleanup", cllm_cleanup_run(&cp));
}

/* Pre-checks, the file (present / downloaded / synthetic) and a cleanup; the model's identity into info, fit and
 * cleanup into res. quant NULL: the default one; a quantization the registry lacks is made synthetic when allowed.
 * false with res's status set when the model cannot run. */
static bool prepare_model(const struct cllm_ai_params *p, const struct cllm_model *m, const char *quant, cJSON *res,
                          cJSON *info, struct prepared *pm)
{
    char err[1024] = "", reason[512] = "";
    enum cllm_status st;
    bool listed;

    memset(pm, 0, sizeof(*pm));
    pm->m = m;
    cJSON_AddStringToObject(info, "key", m->key);
    cJSON_AddStringToObject(info, "name", m->name);
    cJSON_AddStringToObject(info, "params", m->params);
    if (p->server_url) {
        /* manual mode: the server already holds its model; nothing to fetch or check on this machine */
        pm->q = cllm_model_find_quant(m, quant);
        if (!pm->q)
            pm->q = cllm_model_find_quant(m, NULL);
        pm->fit = CLLM_FIT_OK;
        pm->model_bytes = -1;
        cJSON_AddStringToObject(info, "source", "server");
        cJSON_AddStringToObject(info, "server_url", p->server_url);
        cJSON_AddBoolToObject(info, "synthetic", false);
        if (pm->q)
            cJSON_AddStringToObject(info, "quant", pm->q->name);
        do_cleanup(p, res);
        return pm->q != NULL;
    }
    listed = !quant || cllm_model_find_quant(m, quant) != NULL;
    /* an unlisted quantization has no size of its own: the default one's fit stands in for it */
    pm->fit = cllm_model_check_fit(m, listed ? quant : NULL, p->hw, reason, sizeof(reason));
    {
        cJSON *f = cJSON_AddObjectToObject(res, "fit");
        cJSON_AddStringToObject(f, "result", cllm_fit_name(pm->fit));
        cJSON_AddStringToObject(f, "reason", reason);
    }
    if (pm->fit == CLLM_FIT_SKIP_RAM || pm->fit == CLLM_FIT_BAD_QUANT) {
        say(p, CLLM_AI_NOTICE, m->key, NAN, "skipped: %s", reason);
        cllm_json_set_status(res, pm->fit == CLLM_FIT_SKIP_RAM ? "skipped" : "failed",
                   pm->fit == CLLM_FIT_SKIP_RAM ? "reason" : "error", reason);
        return false;
    }
    if (pm->fit == CLLM_FIT_CPU_ONLY)
        say(p, CLLM_AI_NOTICE, m->key, NAN, "%s", reason);
    if (listed) {
        pm->q = cllm_model_find_quant(m, quant);
    } else {
        int ftype;
        if (!p->allow_synthetic || !cllm_synth_quant_ftype(quant, &ftype)) {
            cllm_json_set_status(res, "unavailable", "reason", "quantization not in the registry (no file to download) and "
                                                     "synthetic models are off");
            return false;
        }
        cllm_strlcpy(pm->qbuf.name, quant, sizeof(pm->qbuf.name));
        snprintf(pm->qbuf.file, sizeof(pm->qbuf.file), "%s.%s.gguf", m->key, quant);
        pm->qbuf.size_gb = NAN;
        pm->qbuf.size_bytes = -1;
        pm->q = &pm->qbuf;
    }
    cJSON_AddStringToObject(info, "quant", pm->q->name);
    {
        /* an unlisted quantization has no known file on Hugging Face: straight to the synthetic stand-in */
        struct cllm_ai_params pp = *p;
        if (!listed)
            pp.allow_download = false;
        st = get_model_file(&pp, m, pm->q, pm->path, sizeof(pm->path), info, err, sizeof(err));
    }
    if (st != CLLM_OK) {
        cllm_json_set_status(res, st == CLLM_ERR_CANCELLED ? "cancelled" : "failed", "error", err);
        return false;
    }
    pm->synthetic = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(info, "synthetic"));
    pm->model_bytes = file_size(pm->path);
    cJSON_AddStringToObject(info, "file", pm->path);
    cJSON_AddNumberToObject(info, "actual_file_size_gb", (double)pm->model_bytes / 1e9);
    do_cleanup(p, res);
    return true;
}

/* Loads the prepared model: res.load {...}, res.engine, and load time / memory into info. NULL on failure with
 * res's status set. */
static struct cllm_engine *load_model(const struct cllm_ai_params *p, const struct prepared *pm, cJSON *res,
                                      cJSON *info)
{
    struct cllm_engine_open_params op = cllm_engine_default_open_params();
    struct cllm_engine *eng = NULL;
    char err[1024] = "", why[256] = "";
    cJSON *load = cJSON_AddObjectToObject(res, "load");
    double before = cllm_proc_self_rss_gb(), after;
    long pid;
    enum cllm_status st;

    op.model_path = pm->path;
    op.n_ctx = p->cfg->inference.n_ctx;
    op.seed = (uint32_t)p->cfg->inference.seed;
    op.lib = p->llama_lib;
    op.device = pm->fit == CLLM_FIT_CPU_ONLY ? "cpu" : p->device;
    op.n_gpu_layers = (op.device && strcmp(op.device, "cpu") == 0) ? 0 : -1;
    op.n_threads = p->hw->cpu.physical_cores;
    op.gpus = &p->hw->gpu;
    op.server_url = p->server_url;
    op.server_model = p->server_model;
    op.api_key = p->api_key;
    op.llama_server = p->llama_server;
    op.server_stall_s = p->cfg->server_stall_s;
    op.server_deadline_base_s = p->cfg->server_deadline_base_s;
    op.server_deadline_per_token_s = p->cfg->server_deadline_per_token_s;
    op.cancel = p->cancel;
    cJSON_AddNumberToObject(load, "memory_before_load_gb", before);
    st = cllm_engine_open(p->engine ? p->engine
                          : (p->server_url || p->llama_server) ? &cllm_engine_server : &cllm_engine_llama,
                          &op, &eng, err, sizeof(err));
    if (st != CLLM_OK) {
        if (st == CLLM_ERR_CANCELLED || cancelled(p))
            cllm_json_set_status(res, "cancelled", "reason", "stopped by the user");
        else
            cllm_json_set_status(res, "failed", "error", err);
        return NULL;
    }
    pid = cllm_engine_model_pid(eng);
    after = cllm_engine_model_rss_gb(eng, false, why, sizeof(why));
    cJSON_AddNumberToObject(load, "model_load_time_s", cllm_engine_load_time_s(eng));
    cJSON_AddNumberToObject(info, "model_load_time_s", cllm_engine_load_time_s(eng));
    cllm_json_set_number(load, "memory_after_load_gb", after, why);
    cllm_json_set_number(info, "memory_after_load_gb", after, why);
    cJSON_AddItemToObject(res, "engine", cllm_engine_info(eng));
    if (pid != 0) {
        /* the model lives in a server: its memory, not this process's, is the number */
        const char *mode = cJSON_GetStringValue(cllm_json_path(res, "engine.mode"));
        bool started = pid > 0 && mode && strcmp(mode, "auto") == 0;
        char label[96];
        if (pid > 0 && !started)
            snprintf(label, sizeof(label), "llama-server (pid %ld, listening on the URL's port)", pid);
        cJSON_AddStringToObject(load, "memory_process", started ? "llama-server (started by this run)"
                                                        : pid > 0 ? label : "remote");
        cJSON_DeleteItemFromObjectCaseSensitive(load, "memory_before_load_gb");
        cllm_json_set_null(load, "memory_before_load_gb",
                           started ? "the server process had not started yet"
                           : pid > 0 ? "the server had loaded its model before this run" : why);
    }
    {
        cJSON *be = cllm_json_path(res, "engine.backend");
        say(p, CLLM_AI_LOADED, pm->m->key, NAN, "%s loaded in %.2f s on %s", pm->q->name,
            cllm_engine_load_time_s(eng), cJSON_IsString(be) ? be->valuestring : "?");
    }
    return eng;
}

/* What one model's runs learned on the way: after its first stall (a run that timed out: the server stalled or
 * passed the deadline) the rest of its runs and variants are skipped, not waited for one by one. */
struct model_state {
    char stall[640];   /* "" until a run timed out; then where and why ("run 2: the server's stream stalled..") */
};

#define STALL_SKIP "skipped after a stall: "

/* Records the stall of run `at` (err) in res.stall and in ms. */
static void note_stall(const struct cllm_ai_params *p, const char *key, struct model_state *ms, cJSON *res,
                       const char *at, const char *err)
{
    cJSON *o;
    snprintf(ms->stall, sizeof(ms->stall), "%.100s: %.500s", at, err);
    cJSON_DeleteItemFromObjectCaseSensitive(res, "stall");
    o = cJSON_AddObjectToObject(res, "stall");
    cJSON_AddStringToObject(o, "at", at);
    cJSON_AddStringToObject(o, "error", err);
    say(p, CLLM_AI_NOTICE, key, NAN, "%s timed out (%s): the rest of this model's runs are skipped", at, err);
}

/* The untimed warmup runs (config runs.warmup of runs.warmup_max_tokens each). */
static void warmup(const struct cllm_ai_params *p, struct cllm_engine *eng, const struct prepared *pm, cJSON *res,
                   struct model_state *ms)
{
    struct run_ctx rc = {p};
    struct cllm_gen_params g = gen_params(p, pm->synthetic, &rc);
    struct cllm_llm_trace wt;
    char err[1024] = "", at[32];

    cllm_llm_trace_init(&wt);
    g.max_tokens = p->cfg->warmup_max_tokens;
    for (int w = 0; w < p->cfg->warmup_runs && !cancelled(p) && !ms->stall[0]; w++) {
        enum cllm_status st = cllm_engine_generate(eng, &g, &wt, err, sizeof(err));
        if (st == CLLM_ERR_TIMEOUT) {
            snprintf(at, sizeof(at), "warmup run %d", w + 1);
            note_stall(p, pm->m->key, ms, res, at, err);
        } else if (st != CLLM_OK && st != CLLM_ERR_CANCELLED) {
            CLLM_LOG(CLLM_LOG_WARN, "%s: warmup run failed: %s", pm->m->key, err);
        }
    }
    cJSON_AddNumberToObject(res, "warmup_runs", p->cfg->warmup_runs);
    cJSON_AddNumberToObject(res, "warmup_max_tokens", p->cfg->warmup_max_tokens);
    cllm_llm_trace_free(&wt);
}

/* What one variant changes in the generation; NULL / NAN keep the config's value. */
struct variant {
    const char *label;         /* "" for the plain phase, else the variant's name in progress lines */
    const char *prompt;
    double      temperature;
};

/* The timed runs of one variant (config runs.count) under the monitor: res.runs[], res.monitor, res.summary,
 * res.status; the summary into *s. with_samples keeps the monitor's samples (the plain phase's charts). */
static void timed_runs(const struct cllm_ai_params *p, struct cllm_engine *eng, const struct prepared *pm,
                       const struct variant *v, bool with_samples, cJSON *res, struct cllm_llm_summary *s,
                       struct model_state *ms)
{
    const char *key = pm->m->key, *lab = v->label ? v->label : "", *sep = lab[0] ? ": " : "";
    /* sized by the config's runs.count (its range is checked when the config is read): every run asked for is
     * done and recorded; rss holds before, after and the run's peak for each run, and the monitor's peak */
    int n_runs = p->cfg->runs > 0 ? p->cfg->runs : 0, done = 0, prompt_tokens = -1;
    struct cllm_llm_trace *traces = calloc((size_t)n_runs + 1, sizeof(*traces));
    bool *ok = calloc((size_t)n_runs + 1, sizeof(*ok));
    size_t rss_cap = 3 * (size_t)n_runs + 1, n_rss = 0;
    double *rss = calloc(rss_cap, sizeof(*rss));
    bool peak_reset;
    char why[256] = "";
    char err[1024] = "";
    struct cllm_monitor *mon = NULL;
    struct run_ctx rc = {p};
    struct cllm_gen_params g = gen_params(p, pm->synthetic, &rc);
    long pid = cllm_engine_model_pid(eng);
    bool was_cancelled = false;
    cJSON *runs;

    if (!traces || !ok || !rss) {
        free(traces);
        free(ok);
        free(rss);
        cJSON_AddArrayToObject(res, "runs");
        cllm_json_set_status(res, "failed", "error", "out of memory for the runs' records (runs.count)");
        cllm_llm_summarize(NULL, NULL, 0, NULL, 0, s);
        return;
    }
    if (v->prompt)
        g.prompt = v->prompt;
    if (isfinite(v->temperature))
        g.temperature = v->temperature;
    if (p->monitor) {
        struct cllm_monitor_params mp = cllm_monitor_default_params();
        char merr[256];
        mp.interval_s = p->cfg->monitor_interval_s;
        mp.gpu = p->hw->gpu.n_devices > 0;
        mp.on_sample = p->monitor_sample;
        mp.user_data = p->user_data;
        mp.rss_pid = pid > 0 ? pid : 0;
        mon = cllm_monitor_start(&mp, merr, sizeof(merr));
        if (!mon)
            CLLM_LOG(CLLM_LOG_WARN, "%s: resource monitor did not start: %s", key, merr);
    }
    runs = cJSON_AddArrayToObject(res, "runs");
    for (int r = 0; r < n_runs; r++) {
        struct cllm_llm_run_metrics rm;
        enum cllm_status st;
        cJSON *rj;
        double before, after;

        if (cancelled(p)) {
            was_cancelled = true;
            break;
        }
        if (ms->stall[0]) {
            /* the server stalled on an earlier run of this model: the next would most likely wait as long */
            char reason[sizeof(ms->stall) + 32];
            snprintf(reason, sizeof(reason), STALL_SKIP "%.639s", ms->stall);
            for (int k = r; k < n_runs; k++) {
                rj = cJSON_CreateObject();
                cJSON_AddNumberToObject(rj, "run", k + 1);
                cJSON_AddStringToObject(rj, "status", "skipped");
                cJSON_AddStringToObject(rj, "reason", reason);
                cJSON_AddItemToArray(runs, rj);
            }
            if (r < n_runs)
                say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%sruns %d-%d/%d %s", lab, sep, r + 1, n_runs, n_runs, reason);
            break;
        }
        cllm_llm_trace_init(&traces[r]);
        done = r + 1;
        before = cllm_engine_model_rss_gb(eng, false, why, sizeof(why));
        peak_reset = cllm_engine_reset_rss_peak(eng);
        st = cllm_engine_generate(eng, &g, &traces[r], err, sizeof(err));
        after = cllm_engine_model_rss_gb(eng, false, why, sizeof(why));
        if (n_rss + 3 <= rss_cap) {
            rss[n_rss++] = before;
            rss[n_rss++] = after;
            /* a server's high-water mark over this run alone (a child: its whole life would include loading) */
            if (peak_reset)
                rss[n_rss++] = cllm_engine_model_rss_gb(eng, true, NULL, 0);
        }
        ok[r] = st == CLLM_OK;
        was_cancelled |= st == CLLM_ERR_CANCELLED;
        if (st == CLLM_ERR_TIMEOUT) {
            char at[96];
            snprintf(at, sizeof(at), "%s%srun %d", lab, lab[0] ? " " : "", r + 1);
            note_stall(p, key, ms, res, at, err);
        }
        if (st == CLLM_OK && cllm_llm_run_metrics_compute(&traces[r], &rm) == CLLM_OK) {
            rj = cllm_llm_run_metrics_to_json(&rm);
            if (prompt_tokens < 0)
                prompt_tokens = rm.n_prompt_tokens;
            say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%srun %d/%d: %.1f tokens/s, first token %.3f s, %d tokens", lab,
                sep, r + 1, n_runs, rm.tokens_per_second, rm.first_token_latency_s, rm.n_tokens);
        } else {
            ok[r] = false;
            rj = cJSON_CreateObject();
            cJSON_AddStringToObject(rj, "error", err[0] ? err : "metrics could not be computed");
            say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%srun %d/%d failed: %s", lab, sep, r + 1, n_runs, err);
        }
        {
            /* the engine's own account of the run (the server engine: where the token count came from and
             * llama-server's timings) */
            cJSON *extra = cllm_engine_run_info(eng), *it;
            while (extra && (it = extra->child) != NULL)
                cJSON_AddItemToObject(rj, it->string, cJSON_DetachItemViaPointer(extra, it));
            cJSON_Delete(extra);
        }
        cJSON_AddNumberToObject(rj, "run", r + 1);
        cJSON_AddStringToObject(rj, "status", ok[r] ? "ok" : (st == CLLM_ERR_CANCELLED ? "cancelled" : "failed"));
        cllm_json_set_number(rj, "memory_before_gb", before, why);
        cllm_json_set_number(rj, "memory_after_gb", after, why);
        cJSON_AddItemToArray(runs, rj);
    }
    if (mon) {
        cllm_monitor_stop(mon);
        cJSON_AddItemToObject(res, "monitor", cllm_monitor_to_json(mon, with_samples));
        {
            const struct cllm_monitor_summary *ms = cllm_monitor_summary(mon);
            if (ms && isfinite(ms->rss_gb_peak) && pid >= 0 && n_rss < rss_cap)
                rss[n_rss++] = ms->rss_gb_peak;
        }
        cllm_monitor_free(mon);
    }
    cllm_llm_summarize(traces, ok, done, rss, n_rss, s);
    cJSON_AddItemToObject(res, "summary", cllm_llm_summary_to_json(s));
    if (prompt_tokens >= 0)
        cJSON_AddNumberToObject(res, "prompt_tokens", prompt_tokens);
    else
        cllm_json_set_null(res, "prompt_tokens", "no run succeeded or the engine did not count them");
    if (was_cancelled)
        cllm_json_set_status(res, "cancelled", "reason", "stopped by the user");
    else if (s->n_ok > 0)
        cllm_json_set_status(res, "ok", NULL, NULL);
    else
        cllm_json_set_status(res, "failed", "error", err[0] ? err : ms->stall[0] ? ms->stall : "no run succeeded");
    for (int r = 0; r < done; r++)
        cllm_llm_trace_free(&traces[r]);
    free(traces);
    free(ok);
    free(rss);
}

/* The plain LLM phase for one model: results[key]. */
static void run_model(const struct cllm_ai_params *p, const struct cllm_registry *reg, const char *key,
                      cJSON *results)
{
    const struct cllm_model *m = cllm_registry_find(reg, key);
    struct prepared pm;
    struct cllm_engine *eng;
    struct cllm_llm_summary s;
    struct variant v = {"", NULL, NAN};
    struct model_state ms = {""};
    cJSON *res, *info;

    cJSON_DeleteItemFromObjectCaseSensitive(results, key);
    res = cJSON_AddObjectToObject(results, key);
    cJSON_AddStringToObject(res, "status", "running");
    if (!m) {
        cllm_json_set_status(res, "failed", "error", "unknown model key (see data/models.json, or add it in a models file)");
        return;
    }
    say(p, CLLM_AI_MODEL_START, key, NAN, "%s", m->name);
    info = cJSON_AddObjectToObject(res, "model");
    if (!prepare_model(p, m, p->quant, res, info, &pm))
        return;
    eng = load_model(p, &pm, res, info);
    if (!eng)
        return;
    warmup(p, eng, &pm, res, &ms);
    timed_runs(p, eng, &pm, &v, true, res, &s, &ms);
    {
        /* the server engine does not say where the server runs the model: no bandwidth to compare with */
        cJSON *be = cllm_json_path(res, "engine.backend");
        const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "status"));
        bool known = cJSON_IsString(be), on_gpu = known && strcmp(be->valuestring, "CPU") != 0;
        add_roofline(cJSON_GetObjectItemCaseSensitive(res, "summary"), s.avg_decode_tokens_per_second,
                     pm.model_bytes, !known ? NAN : on_gpu ? p->gpu_read_gbps : p->cpu_read_gbps,
                     !known  ? NULL
                     : on_gpu ? "GPU device bandwidth: half of gpu_compute's device-to-device copy rate (read + write)"
                              : "CPU memory read bandwidth, all threads (memory_bandwidth read_gbps)");
        if (status && strcmp(status, "ok") == 0) {
            say(p, CLLM_AI_MODEL_DONE, key, NAN, "%s: %.1f tokens/s (± %.1f), first token %.3f s, %s%s", status,
                s.avg_tokens_per_second, s.std_tokens_per_second, s.avg_first_token_latency_s, s.stability,
                pm.synthetic ? " [synthetic model]" : "");
        } else {
            const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "reason"));
            if (!why)
                why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "error"));
            say(p, CLLM_AI_MODEL_DONE, key, NAN, "%s: %s", status ? status : "?", why ? why : "");
        }
    }
    cllm_engine_close(eng);
}

void cllm_ai_run(const struct cllm_ai_params *p, cJSON *section)
{
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    char err[1024];
    cJSON *results = cJSON_GetObjectItemCaseSensitive(section, "results"), *r;
    int n_ok = 0, n_total = 0;
    const char *overall;

    if (!results)
        results = cJSON_AddObjectToObject(section, "results");
    if (p->models_file)
        rp.user_path = p->models_file;
    if (cllm_registry_load(&rp, &reg, err, sizeof(err)) != CLLM_OK) {
        cllm_json_set_status(section, "failed", "error", err);
        return;
    }
    cJSON_AddStringToObject(section, "registry", cllm_registry_origins(reg));
    {
        const struct cllm_llama *ll = NULL;
        char lerr[1024];
        cJSON *lib = cJSON_AddObjectToObject(section, "llama");
        if (cllm_llama_load(p->llama_lib, &ll, lerr, sizeof(lerr)) == CLLM_OK) {
            cJSON_AddStringToObject(lib, "path", ll->lib_path);
            cJSON_AddStringToObject(lib, "variant", ll->variant);
            cJSON_AddStringToObject(lib, "version", ll->version);
            cJSON_AddStringToObject(lib, "ggml_version", ll->ggml_version);
            cJSON_AddStringToObject(lib, "ggml_commit", ll->ggml_commit);
        } else {
            cJSON_AddStringToObject(lib, "error", lerr);
        }
    }
    for (int i = 0; i < p->cfg->n_models; i++) {
        if (cancelled(p))
            break;
        run_model(p, reg, p->cfg->models[i], results);
    }
    cJSON_ArrayForEach(r, results) {
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "status"));
        n_total++;
        n_ok += st && (strcmp(st, "ok") == 0 || strcmp(st, "skipped") == 0);
    }
    overall = cancelled(p) ? "partial" : (n_total > 0 && n_ok == 0) ? "failed" : "ok";
    cllm_json_set_status(section, overall, NULL, NULL);
    cllm_registry_free(reg);
}

/* ---- the comparison phases (the original's phases 6, 8, 9, 10) ---- */

static const char *const g_cmp_quants[] = {"Q2_K", "Q3_K_M", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"};

static const struct variant g_cmp_temperatures[] = {
    {"low", NULL, 0.25}, {"medium", NULL, 0.50}, {"high", NULL, 0.75},
};

/* The same request in six languages, so the difference is the tokenizer's cost, not the task. */
static const struct variant g_cmp_languages[] = {
    {"en", "Explain the concept of artificial intelligence in simple terms.", NAN},
    {"fr", "Explique le concept d'intelligence artificielle en termes simples.", NAN},
    {"zh", "\xe8\xaf\xb7\xe7\x94\xa8\xe7\xae\x80\xe5\x8d\x95\xe7\x9a\x84\xe8\xaf\xad\xe8\xa8\x80\xe8\xa7\xa3\xe9\x87"
           "\x8a\xe4\xba\xba\xe5\xb7\xa5\xe6\x99\xba\xe8\x83\xbd\xe7\x9a\x84\xe6\xa6\x82\xe5\xbf\xb5\xe3\x80\x82", NAN},
    {"es", "Explica el concepto de inteligencia artificial en t\xc3\xa9rminos sencillos.", NAN},
    {"de", "Erkl\xc3\xa4re das Konzept der k\xc3\xbcnstlichen Intelligenz in einfachen Worten.", NAN},
    {"ar", "\xd8\xa7\xd8\xb4\xd8\xb1\xd8\xad \xd9\x85\xd9\x81\xd9\x87\xd9\x88\xd9\x85 \xd8\xa7\xd9\x84\xd8\xb0\xd9\x83"
           "\xd8\xa7\xd8\xa1 \xd8\xa7\xd9\x84\xd8\xa7\xd8\xb5\xd8\xb7\xd9\x86\xd8\xa7\xd8\xb9\xd9\x8a \xd8\xa8\xd8\xb9"
           "\xd8\xa8\xd8\xa7\xd8\xb1\xd8\xa7\xd8\xaa \xd8\xa8\xd8\xb3\xd9\x8a\xd8\xb7\xd8\xa9.", NAN},
};

static const struct variant g_cmp_prompt_types[] = {
    {"general", "What causes the seasons on Earth, and why are they reversed between the two hemispheres?", NAN},
    {"code", "Write a Python function that returns True when a string is a palindrome, ignoring case, spaces and "
             "punctuation, with a docstring and two examples.", NAN},
    {"reasoning", "Anna is older than Ben. Ben is older than Chloe. David is younger than Chloe but older than Emma. "
                  "Who is the oldest, who is the youngest, and who is in the middle? Explain each step.", NAN},
    {"creative", "Write a short poem about a lighthouse keeper who watches a storm pass during the night.", NAN},
    {"math", "A train covers 180 km in 2.5 hours. What is its average speed in km/h, and how long would it take to "
             "cover 300 km at that speed? Show your work.", NAN},
};

/* Copies the model-level facts every variant of a loaded model shares (one load, many variants). */
static void copy_shared(cJSON *dst, const cJSON *info)
{
    static const char *const keys[] = {"quant", "source", "synthetic", "actual_file_size_gb", "model_load_time_s",
                                       "memory_after_load_gb"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(info, keys[i]);
        if (v)
            cJSON_AddItemToObject(dst, keys[i], cJSON_Duplicate(v, true));
    }
}

/* A variant of a model that already stalled: {status "skipped", reason "skipped after a stall: .."}; false when
 * the model has not stalled. */
static bool skip_after_stall(cJSON *e, const struct model_state *ms)
{
    char reason[sizeof(ms->stall) + 32];
    if (!ms->stall[0])
        return false;
    snprintf(reason, sizeof(reason), STALL_SKIP "%.639s", ms->stall);
    cllm_json_set_status(e, "skipped", "reason", reason);
    return true;
}

/* Marks every variant of a model that could not run with the model's own status and reason. */
static void fail_variants(cJSON *per_model, const struct variant *vs, size_t n, const cJSON *res)
{
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(res, "status");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(res, "error");
    if (!why)
        why = cJSON_GetObjectItemCaseSensitive(res, "reason");
    for (size_t i = 0; i < n; i++) {
        cJSON *e = cJSON_AddObjectToObject(per_model, vs[i].label);
        cJSON_AddStringToObject(e, "status", cJSON_IsString(st) ? st->valuestring : "failed");
        if (cJSON_IsString(why))
            cJSON_AddStringToObject(e, "reason", why->valuestring);
    }
}

/* Phase 6: each quantization loaded on its own (cleanup before each load), warmup, timed runs. */
static void compare_quants(const struct cllm_ai_params *p, const struct cllm_model *m, cJSON *per_model,
                           struct model_state *ms)
{
    for (size_t i = 0; i < sizeof(g_cmp_quants) / sizeof(g_cmp_quants[0]) && !cancelled(p); i++) {
        cJSON *e = cJSON_AddObjectToObject(per_model, g_cmp_quants[i]);
        struct variant v = {g_cmp_quants[i], NULL, NAN};
        struct cllm_llm_summary s;
        struct cllm_engine *eng;
        struct prepared pm;

        if (skip_after_stall(e, ms))
            continue;
        cJSON_AddStringToObject(e, "status", "running");
        if (!prepare_model(p, m, g_cmp_quants[i], e, e, &pm))
            continue;
        eng = load_model(p, &pm, e, e);
        if (!eng)
            continue;
        warmup(p, eng, &pm, e, ms);
        timed_runs(p, eng, &pm, &v, false, e, &s, ms);
        cllm_engine_close(eng);
    }
}

/* Phases 8-10: the model loaded once, one warmup, then each variant's timed runs after a cleanup. */
static void compare_variants(const struct cllm_ai_params *p, const struct cllm_model *m, const struct variant *vs,
                             size_t n, bool fixed_temperature, cJSON *per_model, struct model_state *ms)
{
    cJSON *ctx = cJSON_CreateObject(), *info = cJSON_CreateObject();
    struct cllm_engine *eng = NULL;
    struct prepared pm;

    if (ms->stall[0]) {
        /* no load for a model whose server already stalled */
        for (size_t i = 0; i < n; i++)
            skip_after_stall(cJSON_AddObjectToObject(per_model, vs[i].label), ms);
        goto out;
    }
    cJSON_AddStringToObject(ctx, "status", "running");
    if (!prepare_model(p, m, p->quant, ctx, info, &pm) || !(eng = load_model(p, &pm, ctx, info))) {
        fail_variants(per_model, vs, n, ctx);
        goto out;
    }
    warmup(p, eng, &pm, ctx, ms);
    for (size_t i = 0; i < n && !cancelled(p); i++) {
        cJSON *e = cJSON_AddObjectToObject(per_model, vs[i].label);
        struct variant v = vs[i];
        struct cllm_llm_summary s;

        if (skip_after_stall(e, ms)) {
            if (i == 0)
                cJSON_AddItemToObject(e, "stall", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(ctx, "stall"), 1));
            continue;
        }
        if (fixed_temperature)
            v.temperature = p->cfg->inference.temperature;
        cJSON_AddStringToObject(e, "status", "running");
        copy_shared(e, info);
        cJSON_AddNumberToObject(e, "temperature", v.temperature);
        if (vs[i].prompt)
            cJSON_AddStringToObject(e, "prompt", vs[i].prompt);
        if (i > 0)
            do_cleanup(p, e);
        timed_runs(p, eng, &pm, &v, false, e, &s, ms);
    }
out:
    if (eng)
        cllm_engine_close(eng);
    cJSON_Delete(ctx);
    cJSON_Delete(info);
}

unsigned cllm_ai_compare_parse(const char *list, char *err, size_t errlen)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"quant", CLLM_AI_COMPARE_QUANT}, {"quantization", CLLM_AI_COMPARE_QUANT},
        {"temperature", CLLM_AI_COMPARE_TEMPERATURE}, {"language", CLLM_AI_COMPARE_LANGUAGE},
        {"prompt-type", CLLM_AI_COMPARE_PROMPT_TYPE}, {"prompt_type", CLLM_AI_COMPARE_PROMPT_TYPE},
        {"all", CLLM_AI_COMPARE_ALL},
    };
    unsigned bits = 0;
    const char *s = list;

    while (s && *s) {
        size_t len = strcspn(s, ", ");
        bool found = false;
        for (size_t i = 0; len > 0 && i < sizeof(names) / sizeof(names[0]); i++) {
            if (strlen(names[i].name) == len && strncmp(names[i].name, s, len) == 0) {
                bits |= names[i].bit;
                found = true;
            }
        }
        if (len > 0 && !found) {
            snprintf(err, errlen, "unknown comparison '%.*s' (quant, temperature, language, prompt-type, all)",
                     (int)(len > 40 ? 40 : len), s);
            return 0;
        }
        s += len;
        s += strspn(s, ", ");
    }
    if (!bits)
        snprintf(err, errlen, "no comparison named (quant, temperature, language, prompt-type, all)");
    return bits;
}

void cllm_ai_compare(const struct cllm_ai_params *p, cJSON *section)
{
    static const struct {
        unsigned bit;
        const char *json;
        const char *title;
    } phases[] = {
        {CLLM_AI_COMPARE_QUANT, "quantization", "phase 6: quantizations"},
        {CLLM_AI_COMPARE_TEMPERATURE, "temperature", "phase 8: temperatures"},
        {CLLM_AI_COMPARE_LANGUAGE, "language", "phase 9: languages"},
        {CLLM_AI_COMPARE_PROMPT_TYPE, "prompt_type", "phase 10: prompt types"},
    };
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    struct model_state ms[CLLM_CONFIG_MAX_MODELS];
    char err[1024];
    cJSON *cmp;

    if (!p->compare)
        return;
    for (int i = 0; i < p->cfg->n_models && i < CLLM_CONFIG_MAX_MODELS; i++) {
        /* a model that stalled in the plain phase (results[key].stall) is not waited for again */
        const cJSON *st = cllm_json_path(cJSON_GetObjectItemCaseSensitive(
                                             cJSON_GetObjectItemCaseSensitive(section, "results"), p->cfg->models[i]),
                                         "stall");
        const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "at"));
        const char *why = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "error"));
        ms[i].stall[0] = '\0';
        if (at && why)
            snprintf(ms[i].stall, sizeof(ms[i].stall), "%.100s: %.500s", at, why);
    }
    cJSON_DeleteItemFromObjectCaseSensitive(section, "comparisons");
    cmp = cJSON_AddObjectToObject(section, "comparisons");
    if (p->models_file)
        rp.user_path = p->models_file;
    if (cllm_registry_load(&rp, &reg, err, sizeof(err)) != CLLM_OK) {
        cllm_json_set_status(cmp, "failed", "error", err);
        return;
    }
    for (size_t ph = 0; ph < sizeof(phases) / sizeof(phases[0]); ph++) {
        cJSON *phase;
        if (!(p->compare & phases[ph].bit))
            continue;
        phase = cJSON_AddObjectToObject(cmp, phases[ph].json);
        for (int i = 0; i < p->cfg->n_models && !cancelled(p); i++) {
            const char *key = p->cfg->models[i];
            const struct cllm_model *m = cllm_registry_find(reg, key);
            cJSON *per_model = cJSON_AddObjectToObject(phase, key);
            if (!m)
                continue;
            say(p, CLLM_AI_MODEL_START, key, NAN, "%s, %s", m->name, phases[ph].title);
            switch (phases[ph].bit) {
            case CLLM_AI_COMPARE_QUANT:
                compare_quants(p, m, per_model, &ms[i]);
                break;
            case CLLM_AI_COMPARE_TEMPERATURE:
                compare_variants(p, m, g_cmp_temperatures, sizeof(g_cmp_temperatures) / sizeof(g_cmp_temperatures[0]),
                                 false, per_model, &ms[i]);
                break;
            case CLLM_AI_COMPARE_LANGUAGE:
                compare_variants(p, m, g_cmp_languages, sizeof(g_cmp_languages) / sizeof(g_cmp_languages[0]), true,
                                 per_model, &ms[i]);
                break;
            default:
                compare_variants(p, m, g_cmp_prompt_types, sizeof(g_cmp_prompt_types) / sizeof(g_cmp_prompt_types[0]),
                                 true, per_model, &ms[i]);
                break;
            }
        }
    }
    cllm_json_set_status(cmp, cancelled(p) ? "partial" : "ok", NULL, NULL);
    cllm_registry_free(reg);
}

enum cllm_status cllm_ai_synthesize(const struct cllm_ai_params *p, const char *model_key, const char *vocab_from,
                                    const char *out_path, char *path_out, size_t n, char *err, size_t errlen)
{
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    const struct cllm_model *m;
    const struct cllm_model_quant *q;
    struct cllm_model_quant any;   /* a quantization the registry does not list */
    enum cllm_status st;

    if (p->models_file)
        rp.user_path = p->models_file;
    st = cllm_registry_load(&rp, &reg, err, errlen);
    if (st != CLLM_OK)
        return st;
    m = cllm_registry_find(reg, model_key);
    if (!m) {
        snprintf(err, errlen, "unknown model key '%s' (known: see data/models.json)", model_key);
        cllm_registry_free(reg);
        return CLLM_ERR_NOT_FOUND;
    }
    q = cllm_model_find_quant(m, p->quant);
    if (!q) {
        /* a synthetic file can be made in any type llama.cpp quantizes to, listed in the registry or not */
        int ftype;
        if (!p->quant || !cllm_synth_quant_ftype(p->quant, &ftype)) {
            snprintf(err, errlen, "unknown quantization '%s' (Q2_K, Q3_K_M, Q4_K_M, Q5_K_M, Q6_K, Q8_0, F16, ...)",
                     p->quant ? p->quant : "(default)");
            cllm_registry_free(reg);
            return CLLM_ERR_INVALID_ARG;
        }
        memset(&any, 0, sizeof(any));
        cllm_strlcpy(any.name, p->quant, sizeof(any.name));
        snprintf(any.file, sizeof(any.file), "%s.%s.gguf", m->key, p->quant);
        q = &any;
    }
    if (out_path)
        cllm_strlcpy(path_out, out_path, n);
    else
        cllm_model_synthetic_path(m, q, p->models_dir, path_out, n);
    st = make_synthetic(p, m, q, vocab_from, path_out, err, errlen);
    cllm_registry_free(reg);
    return st;
}
