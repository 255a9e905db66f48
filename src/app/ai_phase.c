#include "app/ai_phase.h"
#include "app/sweep.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "core/strutil.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "llm/llm_result.h"
#include "llm/metrics.h"
#include "model/download.h"
#include "model/registry.h"
#include "model/synth.h"
#include "model/vocab.h"
#include "monitor/cleanup.h"
#include "monitor/monitor.h"
#include "platform/fs.h"
#include "platform/proc.h"
#include "report/fields_llm.h"
#include "report/write_llm.h"
#include "serve/engine_server.h"

#ifndef CLLM_SOURCE_DIR
#define CLLM_SOURCE_DIR "."
#endif


struct cllm_ai_params cllm_ai_default_params(void)
{
    struct cllm_ai_params p = {
        .cfg = NULL, .hw = NULL, .models_dir = "models", .models_file = NULL, .quant = NULL, .llama_lib = NULL,
        .device = NULL, .server_url = NULL, .server_model = NULL, .api_key = NULL, .llama_server = NULL,
        .allow_download = true, .allow_synthetic = true, .cleanup = true, .cleanup_pause_s = 1.0,
        .monitor = true, .cpu_read_gbps = NAN, .gpu_read_gbps = NAN, .cancel = NULL, .engine = NULL,
        .compare = 0, .ladder = CLLM_AI_LADDER_FIRST, .until_stable_cv = NAN, .progress = NULL, .step = NULL,
        .monitor_sample = NULL, .user_data = NULL, .gpu_sel = NULL, .split_mode = CLLM_SPLIT_DEFAULT,
        .split_modes = CLLM_AI_SPLIT_BOTH, .tensor_split_by = CLLM_TENSOR_SPLIT_FREE, .monitor_sampler = NULL,
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

/* Tells the caller which step of the plan starts now (app/run_plan.c lists them in this order); true, for
 * chains of && between the steps. */
static bool at_step(const struct cllm_ai_params *p, int phase, int model, int variant, enum cllm_ai_stage stage,
                    int run)
{
    if (p->step) {
        struct cllm_ai_pos at = {phase, model, variant, stage, run};
        p->step(&at, p->user_data);
    }
    return true;
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
    static const char *const what[] = {"writing random F16 weights", "quantizing with llama.cpp", "done",
                                       "learning the quantizer's type mix", "writing random quantized blocks"};
    say(c->p, CLLM_AI_SYNTH, c->key, fraction, "%s",
        (unsigned)stage < sizeof(what) / sizeof(what[0]) ? what[stage] : "writing");
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
                                       uint64_t *size_only, char *err, size_t errlen)
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
    if (slash && !size_only) {
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
    sp.chat_template = cllm_vocab_chat_template_by_name(m->chat_template);
    sp.llama = llama;
    sp.progress = on_synth;
    sp.user_data = &ctx;
    sp.method = p->synth_via_quantizer ? CLLM_SYNTH_QUANTIZER : CLLM_SYNTH_DIRECT;
    if (size_only) {
        /* the skeleton's temporary files go to the system's temporary folder: the output folder may not exist */
        const char *tmp = getenv("TMPDIR");
        sp.tmp_dir = tmp && *tmp ? tmp : "/tmp";
        st = cllm_synth_file_bytes(&sp, size_only, err, errlen);
    } else {
        st = cllm_synth_write(&sp, err, errlen);
    }
    cllm_vocab_free(vocab);
    return st;
}

/* Finds or makes the GGUF: the file in models/, else a download, else a synthetic stand-in (with a notice); where
 * it came from into info. */
static enum cllm_status get_model_file(const struct cllm_ai_params *p, const struct cllm_model *m,
                                       const struct cllm_model_quant *q, char *path, size_t n,
                                       struct cllm_llm_model_facts *info, char *err, size_t errlen)
{
    char why_download[512] = "", synth_path[1024];
    struct dl_ctx ctx = {p, m->key};
    enum cllm_status st;
    struct stat sb;
    bool empty;

    cllm_model_local_path(q, p->models_dir, path, n);
    if (file_size(path) > 0) {
        cllm_strlcpy(info->source, "present", sizeof(info->source));
        info->synthetic = false;
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
            info->has_download = true;
            cllm_strlcpy(info->download_url, res.url, sizeof(info->download_url));
            info->download_bytes = res.bytes;
            info->download_elapsed_s = res.elapsed_s;
            info->download_sha256_checked = res.sha256_checked;
            cllm_strlcpy(info->source, "downloaded", sizeof(info->source));
            info->synthetic = false;
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
    info->has_download_error = true;
    cllm_strlcpy(info->download_error, why_download, sizeof(info->download_error));
    if (file_size(synth_path) <= 0) {
        say(p, CLLM_AI_NOTICE, m->key, NAN,
            "%s%s could not be downloaded (%s): making a SYNTHETIC model with the same shape and quantization "
            "(random weights: speed is real, the text is not)", q->file, empty ? " (an empty file, 0 bytes)" : "",
            why_download);
        st = make_synthetic(p, m, q, NULL, synth_path, NULL, err, errlen);
        if (st != CLLM_OK)
            return st;
        cllm_strlcpy(info->source, "synthetic (made now)", sizeof(info->source));
    } else {
        say(p, CLLM_AI_NOTICE, m->key, NAN,
            "%s%s could not be downloaded (%s): using the SYNTHETIC model %s (random weights: speed is real, the "
            "text is not)", q->file, empty ? " (an empty file, 0 bytes)" : "", why_download, synth_path);
        cllm_strlcpy(info->source, "synthetic (reused)", sizeof(info->source));
    }
    info->synthetic = true;
    cllm_strlcpy(info->notice, "synthetic model: real architecture and quantization, random weights; "
                               "end-of-sequence ignored so every run generates max_tokens", sizeof(info->notice));
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
static void roofline(struct cllm_llm_roofline *r, double decode_tps, int64_t model_bytes, double gbps,
                     const char *basis)
{
    memset(r, 0, sizeof(*r));
    r->bytes_per_token = (double)model_bytes;
    if (isfinite(gbps) && gbps > 0 && isfinite(decode_tps) && model_bytes > 0) {
        r->has_bandwidth = true;
        r->bandwidth_gbps = gbps;
        r->ratio = decode_tps * (double)model_bytes / 1e9 / gbps;
        r->max_tokens_per_second = gbps * 1e9 / (double)model_bytes;
        r->basis = basis;
    } else {
        r->ratio_why = !basis ? "the server's backend (CPU or GPU) is not known here"
                       : isfinite(gbps) ? "no decode rate"
                       : "memory bandwidth not measured in this run (run the classic phases too)";
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

/* A result (or variant) as it starts: "running", nothing measured yet. NULL when out of memory. */
static struct cllm_llm_model_result *new_result(enum cllm_llm_result_shape shape, const char *label)
{
    struct cllm_llm_model_result *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->shape = shape;
    r->label = label;
    r->status = "running";
    r->temperature = NAN;
    r->prompt_tokens = -1;
    r->until_stable_cv = NAN;
    r->tps_mean_unthrottled = NAN;
    return r;
}

static void free_result(struct cllm_llm_model_result *r)
{
    cllm_llm_model_result_free(r);
    free(r);
}

/* The result's status and what says why: under "error" (is_error) or "reason"; text NULL keeps the text. */
static void set_status(struct cllm_llm_model_result *r, const char *status, bool is_error, const char *text)
{
    r->status = status;
    if (text && is_error)
        cllm_strlcpy(r->error, text, sizeof(r->error));
    else if (text)
        cllm_strlcpy(r->reason, text, sizeof(r->reason));
}

static void do_cleanup(const struct cllm_ai_params *p, struct cllm_llm_model_result *r)
{
    struct cllm_cleanup_params cp = cllm_cleanup_default_params();
    if (!p->cleanup)
        return;
    cp.pause_s = p->cleanup_pause_s;
    cllm_cleanup_do(&cp, &r->cleanup);
    r->has_cleanup = true;
}

/* Pre-checks, the file (present / downloaded / synthetic) and a cleanup: the model's identity into res->model, fit
 * and cleanup into res. quant NULL: the default one; a quantization the registry lacks is made synthetic when
 * allowed. false with res's status set when the model cannot run. */
static bool prepare_model(const struct cllm_ai_params *p, const struct cllm_model *m, const char *quant,
                          struct cllm_llm_model_result *res, struct prepared *pm)
{
    struct cllm_llm_model_facts *info = &res->model;
    char err[CLLM_ERR_LEN] = "", reason[512] = "";
    enum cllm_status st;
    bool listed;

    memset(pm, 0, sizeof(*pm));
    pm->m = m;
    cllm_strlcpy(info->key, m->key, sizeof(info->key));
    cllm_strlcpy(info->name, m->name, sizeof(info->name));
    cllm_strlcpy(info->params, m->params, sizeof(info->params));
    if (p->server_url) {
        /* manual mode: the server already holds its model; nothing to fetch or check on this machine */
        pm->q = cllm_model_find_quant(m, quant);
        if (!pm->q)
            pm->q = cllm_model_find_quant(m, NULL);
        pm->fit = CLLM_FIT_OK;
        pm->model_bytes = -1;
        cllm_strlcpy(info->source, "server", sizeof(info->source));
        cllm_strlcpy(info->server_url, p->server_url, sizeof(info->server_url));
        info->synthetic = false;
        if (pm->q)
            cllm_strlcpy(info->quant, pm->q->name, sizeof(info->quant));
        do_cleanup(p, res);
        return pm->q != NULL;
    }
    listed = !quant || cllm_model_find_quant(m, quant) != NULL;
    /* an unlisted quantization has no size of its own: the default one's fit stands in for it */
    pm->fit = cllm_model_check_fit(m, listed ? quant : NULL, p->hw, reason, sizeof(reason));
    res->has_fit = true;
    cllm_strlcpy(res->fit_result, cllm_fit_name(pm->fit), sizeof(res->fit_result));
    cllm_strlcpy(res->fit_reason, reason, sizeof(res->fit_reason));
    if (pm->fit == CLLM_FIT_SKIP_RAM || pm->fit == CLLM_FIT_BAD_QUANT) {
        say(p, CLLM_AI_NOTICE, m->key, NAN, "skipped: %s", reason);
        if (pm->fit == CLLM_FIT_SKIP_RAM)
            set_status(res, "skipped", false, reason);
        else
            set_status(res, "failed", true, reason);
        return false;
    }
    if (pm->fit == CLLM_FIT_CPU_ONLY)
        say(p, CLLM_AI_NOTICE, m->key, NAN, "%s", reason);
    if (listed) {
        pm->q = cllm_model_find_quant(m, quant);
    } else {
        int ftype;
        if (!p->allow_synthetic || !cllm_synth_quant_ftype(quant, &ftype)) {
            set_status(res, "unavailable", false, "quantization not in the registry (no file to download) and "
                                                  "synthetic models are off");
            return false;
        }
        cllm_strlcpy(pm->qbuf.name, quant, sizeof(pm->qbuf.name));
        snprintf(pm->qbuf.file, sizeof(pm->qbuf.file), "%s.%s.gguf", m->key, quant);
        pm->qbuf.size_gb = NAN;
        pm->qbuf.size_bytes = -1;
        pm->q = &pm->qbuf;
    }
    cllm_strlcpy(info->quant, pm->q->name, sizeof(info->quant));
    {
        /* an unlisted quantization has no known file on Hugging Face: straight to the synthetic stand-in */
        struct cllm_ai_params pp = *p;
        if (!listed)
            pp.allow_download = false;
        st = get_model_file(&pp, m, pm->q, pm->path, sizeof(pm->path), info, err, sizeof(err));
    }
    if (st != CLLM_OK) {
        set_status(res, st == CLLM_ERR_CANCELLED ? "cancelled" : "failed", true, err);
        return false;
    }
    pm->synthetic = info->synthetic;
    pm->model_bytes = file_size(pm->path);
    cllm_strlcpy(info->file, pm->path, sizeof(info->file));
    info->file_size_gb = (double)pm->model_bytes / 1e9;
    do_cleanup(p, res);
    return true;
}

/* Loads the prepared model: res's load, engine, and load time / memory into res->model. NULL on failure with
 * res's status set. */
static struct cllm_engine *load_model(const struct cllm_ai_params *p, const struct prepared *pm,
                                      struct cllm_llm_model_result *res)
{
    struct cllm_engine_open_params op = cllm_engine_default_open_params();
    struct cllm_engine *eng = NULL;
    char err[CLLM_ERR_LEN] = "", why[256] = "";
    double before = cllm_proc_self_rss_gb(), after;
    long pid;
    enum cllm_status st;

    op.model_path = pm->path;
    op.n_ctx = p->cfg->inference.n_ctx;
    op.seed = (uint32_t)p->cfg->inference.seed;
    op.lib = p->llama_lib;
    /* with --rpc the layers go to the servers whatever this machine's own fit says */
    op.device = pm->fit == CLLM_FIT_CPU_ONLY && !p->rpc ? "cpu" : p->device;
    op.n_gpu_layers = (op.device && strcmp(op.device, "cpu") == 0) ? 0 : -1;
    op.rpc = p->rpc;
    op.n_threads = p->hw->cpu.physical_cores;
    op.gpus = &p->hw->gpu;
    op.gpu_sel = p->gpu_sel;
    op.split_mode = p->split_mode;
    op.tensor_split_by = p->tensor_split_by;
    op.sampling = p->sampling;
    op.server_url = p->server_url;
    op.server_model = p->server_model;
    op.api_key = p->api_key;
    op.llama_server = p->llama_server;
    op.server_stall_s = p->cfg->server_stall_s;
    op.server_deadline_base_s = p->cfg->server_deadline_base_s;
    op.server_deadline_per_token_s = p->cfg->server_deadline_per_token_s;
    op.cancel = p->cancel;
    res->has_load = true;
    res->load_memory_before_gb = before;
    cllm_strlcpy(res->load_before_why, "this process's resident set could not be read",
                 sizeof(res->load_before_why));
    st = cllm_engine_open(p->engine ? p->engine
                          : (p->server_url || p->llama_server) ? &cllm_engine_server : &cllm_engine_llama,
                          &op, &eng, err, sizeof(err));
    if (st != CLLM_OK) {
        if (st == CLLM_ERR_CANCELLED || cancelled(p))
            set_status(res, "cancelled", false, "stopped by the user");
        else
            set_status(res, "failed", true, err);
        return NULL;
    }
    pid = cllm_engine_model_pid(eng);
    after = cllm_engine_model_rss_gb(eng, false, why, sizeof(why));
    res->model.loaded = true;
    res->model.load_time_s = cllm_engine_load_time_s(eng);
    res->model.memory_after_load_gb = after;
    cllm_strlcpy(res->model.memory_why, why, sizeof(res->model.memory_why));
    cllm_engine_info(eng, &res->engine);
    res->has_engine = true;
    if (pid != 0) {
        /* the model lives in a server: its memory, not this process's, is the number */
        bool started = pid > 0 && strcmp(res->engine.mode, "auto") == 0;
        if (started)
            cllm_strlcpy(res->memory_process, "llama-server (started by this run)", sizeof(res->memory_process));
        else if (pid > 0)
            snprintf(res->memory_process, sizeof(res->memory_process),
                     "llama-server (pid %ld, listening on the URL's port)", pid);
        else
            cllm_strlcpy(res->memory_process, "remote", sizeof(res->memory_process));
        res->load_memory_process = res->memory_process;
        res->load_memory_before_gb = NAN;
        cllm_strlcpy(res->load_before_why, started ? "the server process had not started yet"
                                           : pid > 0 ? "the server had loaded its model before this run" : why,
                     sizeof(res->load_before_why));
    }
    say(p, CLLM_AI_LOADED, pm->m->key, NAN, "%s loaded in %.2f s on %s", pm->q->name, cllm_engine_load_time_s(eng),
        res->engine.kind == CLLM_ENGINE_KIND_IN_PROCESS ? res->engine.backend : "?");
    return eng;
}

/* What one model's runs learned on the way: after its first stall (a run that timed out: the server stalled or
 * passed the deadline) the rest of its runs and variants are skipped, not waited for one by one. */
struct model_state {
    char stall[640];   /* "" until a run timed out; then where and why ("run 2: the server's stream stalled..") */
};

#define STALL_SKIP "skipped after a stall: "

/* Records the stall of run `at` (err) in res's stall and in ms. */
static void note_stall(const struct cllm_ai_params *p, const char *key, struct model_state *ms,
                       struct cllm_llm_model_result *res, const char *at, const char *err)
{
    snprintf(ms->stall, sizeof(ms->stall), "%.100s: %.500s", at, err);
    res->has_stall = true;
    cllm_strlcpy(res->stall_at, at, sizeof(res->stall_at));
    cllm_strlcpy(res->stall_error, err, sizeof(res->stall_error));
    say(p, CLLM_AI_NOTICE, key, NAN, "%s timed out (%s): the rest of this model's runs are skipped", at, err);
}

/* The untimed warmup runs (config runs.warmup of runs.warmup_max_tokens each). */
static void warmup(const struct cllm_ai_params *p, struct cllm_engine *eng, const struct prepared *pm,
                   struct cllm_llm_model_result *res, struct model_state *ms)
{
    struct run_ctx rc = {p};
    struct cllm_gen_params g = gen_params(p, pm->synthetic, &rc);
    struct cllm_llm_trace wt;
    char err[CLLM_ERR_LEN] = "", at[32];

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
    res->has_warmup = true;
    res->warmup_runs = p->cfg->warmup_runs;
    res->warmup_max_tokens = p->cfg->warmup_max_tokens;
    cllm_llm_trace_free(&wt);
}

/* What one variant changes in the generation; NULL / NAN keep the config's value. */
struct variant {
    const char *label;         /* "" for the plain phase, else the variant's name in progress lines */
    const char *prompt;
    double      temperature;
};

/* The timed runs of one variant (config runs.count) under the monitor: res's runs, monitor, summary, prompt
 * tokens and status. with_samples keeps the monitor's samples (the plain phase's charts). */
/* The monitor's verdict on the runs so far: each run's window [start, end] judged with cllm_monitor_mark_throttled
 * (a GPU clock below 90 % of the highest seen, or a thermal/power reason). No monitor: nothing known. */
static void judge_runs(struct cllm_monitor *mon, const struct cllm_llm_trace *traces, int done,
                       struct cllm_llm_model_result *res)
{
    struct cllm_monitor_window *w;
    struct cllm_throttle_mark *marks;
    if (!mon || done <= 0)
        return;
    w = calloc((size_t)done, sizeof(*w));
    marks = calloc((size_t)done, sizeof(*marks));
    if (w && marks) {
        for (int r = 0; r < done; r++)
            if (traces[r].end_ns < traces[r].start_ns ||
                cllm_monitor_window(mon, traces[r].start_ns, traces[r].end_ns, &w[r]) != CLLM_OK)
                memset(&w[r], 0, sizeof(w[r]));   /* no reading: nothing to judge it by */
        cllm_monitor_mark_throttled(w, done, marks);
        for (int r = 0; r < done; r++) {
            res->runs[r].has_throttle = true;
            res->runs[r].throttled = marks[r].throttled;
            cllm_strlcpy(res->runs[r].throttle_reason, marks[r].reason, sizeof(res->runs[r].throttle_reason));
        }
        res->has_throttle = true;
    }
    free(w);
    free(marks);
}

/* Which GPUs of the monitor's list the model ran on (bit i = GPU i, the detected GPUs' order): the in-process
 * engine's offload plan (none when it ran on the CPU), every GPU for a server (its placement is not known here). */
static uint32_t energy_gpu_mask(const struct cllm_llm_model_result *res)
{
    uint32_t all = CLLM_ENERGY_ALL_GPUS, mask = 0;
    if (!res->has_engine || res->engine.kind != CLLM_ENGINE_KIND_IN_PROCESS)
        return all;
    if (res->engine.n_gpus == 0 && res->engine.n_gpu_layers != 0 && res->engine.backend[0] &&
        strcmp(res->engine.backend, "CPU") != 0)
        return all;   /* offloaded without a plan of detected GPUs: count them all rather than miss the GPU */
    for (int i = 0; i < res->engine.n_gpus && i < CLLM_ENGINE_MAX_DEVICES; i++) {
        int g = res->engine.gpus[i];
        if (g < 0)
            return all;   /* a device not matched to a detected GPU: count them all rather than miss it */
        if (g < 32)
            mask |= 1u << g;   /* one the monitor does not sample makes the GPU part null, saying so */
    }
    return mask;
}

/* Each successful run's prompt and decode energy from the monitor's readings (mon NULL: none, with why), and their
 * means for the summary. */
static void energy_runs(struct cllm_monitor *mon, const char *mon_why, const struct cllm_llm_trace *traces,
                        const bool *ok, int done, struct cllm_llm_model_result *res)
{
    struct cllm_llm_energy *dec = calloc((size_t)done + 1, sizeof(*dec));
    struct cllm_llm_energy *pro = calloc((size_t)done + 1, sizeof(*pro));
    uint32_t mask = energy_gpu_mask(res);

    if (!dec || !pro) {
        free(dec);
        free(pro);
        return;
    }
    for (int r = 0; r < done; r++) {
        struct cllm_llm_run_result *rr = &res->runs[r];
        const struct cllm_llm_trace *t = &traces[r];
        if (!ok[r] || !rr->has_metrics)
            continue;
        if (!mon) {
            cllm_llm_energy_none(&rr->prompt_energy, "%s", mon_why);
            cllm_llm_energy_none(&rr->decode_energy, "%s", mon_why);
        } else if (t->n_tokens < 1 || t->token_ns[0] < t->start_ns) {
            cllm_llm_energy_none(&rr->prompt_energy, "no generated token ends the prompt window");
            cllm_llm_energy_none(&rr->decode_energy, "no generated token");
        } else {
            uint64_t first = t->token_ns[0], last = t->token_ns[t->n_tokens - 1];
            cllm_monitor_energy(mon, t->start_ns, first, mask, &rr->prompt_energy.win);
            cllm_llm_energy_per_token(&rr->prompt_energy, t->n_prompt_tokens);
            if (t->n_tokens < 2) {
                cllm_llm_energy_none(&rr->decode_energy, "fewer than 2 generated tokens: no decode window");
            } else {
                cllm_monitor_energy(mon, first, last, mask, &rr->decode_energy.win);
                cllm_llm_energy_per_token(&rr->decode_energy, t->n_tokens - 1);
            }
        }
        rr->has_energy = true;
        dec[r] = rr->decode_energy;
        pro[r] = rr->prompt_energy;
    }
    cllm_llm_energy_summarize(dec, pro, ok, done, &res->energy);
    res->has_energy = true;
    free(dec);
    free(pro);
}

/* The successful runs the monitor did not mark throttled, summarised (tokens/s mean and CV); k: how many. */
static void kept_summary(const struct cllm_llm_trace *traces, const bool *ok, int done,
                         const struct cllm_llm_model_result *res, struct cllm_llm_summary *out, int *k)
{
    bool *keep = calloc((size_t)done + 1, sizeof(*keep));
    *k = 0;
    if (!keep) {
        cllm_llm_summarize(NULL, NULL, 0, NULL, 0, out);
        return;
    }
    for (int r = 0; r < done; r++) {
        keep[r] = ok[r] && !(res->runs[r].has_throttle && res->runs[r].throttled);
        *k += keep[r];
    }
    cllm_llm_summarize(traces, keep, done, NULL, 0, out);
    free(keep);
}

static void timed_runs(const struct cllm_ai_params *p, struct cllm_engine *eng, const struct prepared *pm,
                       const struct variant *v, struct cllm_ai_pos at, bool with_samples,
                       struct cllm_llm_model_result *res, struct model_state *ms)
{
    const char *key = pm->m->key, *lab = v->label ? v->label : "", *sep = lab[0] ? ": " : "";
    /* sized by the config's runs.count (its range is checked when the config is read): every run asked for is
     * done and recorded; rss holds before, after and the run's peak for each run, and the monitor's peak */
    int n_runs = p->cfg->runs > 0 ? p->cfg->runs : 0, done = 0;
    struct cllm_llm_trace *traces = calloc((size_t)n_runs + 1, sizeof(*traces));
    bool *ok = calloc((size_t)n_runs + 1, sizeof(*ok));
    size_t rss_cap = 3 * (size_t)n_runs + 1, n_rss = 0;
    double *rss = calloc(rss_cap, sizeof(*rss));
    bool peak_reset;
    char why[256] = "";
    char err[CLLM_ERR_LEN] = "";
    struct cllm_monitor *mon = NULL;
    struct run_ctx rc = {p};
    struct cllm_gen_params g = gen_params(p, pm->synthetic, &rc);
    long pid = cllm_engine_model_pid(eng);
    bool was_cancelled = false;

    res->runs = calloc((size_t)n_runs + 1, sizeof(*res->runs));
    res->n_runs = 0;
    res->has_runs = true;
    if (!traces || !ok || !rss || !res->runs) {
        free(traces);
        free(ok);
        free(rss);
        set_status(res, "failed", true, "out of memory for the runs' records (runs.count)");
        cllm_llm_summarize(NULL, NULL, 0, NULL, 0, &res->summary);
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
        mp.sampler = p->monitor_sampler;
        mon = cllm_monitor_start(&mp, merr, sizeof(merr));
        if (!mon)
            CLLM_LOG(CLLM_LOG_WARN, "%s: resource monitor did not start: %s", key, merr);
    }
    for (int r = 0; r < n_runs; r++) {
        struct cllm_llm_run_result *rr = &res->runs[r];
        enum cllm_status st;
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
                res->runs[k].run = k + 1;
                res->runs[k].status = "skipped";
                cllm_strlcpy(res->runs[k].text, reason, sizeof(res->runs[k].text));
            }
            res->n_runs = n_runs;
            say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%sruns %d-%d/%d %s", lab, sep, r + 1, n_runs, n_runs, reason);
            break;
        }
        at_step(p, at.phase, at.model, at.variant, CLLM_AI_STAGE_RUN, r);
        cllm_llm_trace_init(&traces[r]);
        done = r + 1;
        res->n_runs = done;
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
        if (st == CLLM_OK && cllm_llm_run_metrics_compute(&traces[r], &rr->metrics) == CLLM_OK) {
            rr->has_metrics = true;
            if (res->prompt_tokens < 0)
                res->prompt_tokens = rr->metrics.n_prompt_tokens;
            say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%srun %d/%d: %.1f tokens/s, first token %.3f s, %d tokens", lab,
                sep, r + 1, n_runs, rr->metrics.tokens_per_second, rr->metrics.first_token_latency_s,
                rr->metrics.n_tokens);
        } else {
            ok[r] = false;
            cllm_strlcpy(rr->text, err[0] ? err : "metrics could not be computed", sizeof(rr->text));
            say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%srun %d/%d failed: %s", lab, sep, r + 1, n_runs, err);
        }
        /* the engine's own account of the run (the server engine: where the token count came from and
         * llama-server's timings) */
        rr->has_engine_run = cllm_engine_run_info(eng, &rr->engine_run);
        rr->run = r + 1;
        rr->status = ok[r] ? "ok" : (st == CLLM_ERR_CANCELLED ? "cancelled" : "failed");
        rr->memory_before_gb = before;
        rr->memory_after_gb = after;
        cllm_strlcpy(rr->memory_why, why, sizeof(rr->memory_why));
        if (isfinite(p->until_stable_cv) && p->until_stable_cv > 0 && ok[r]) {
            /* --until-stable: enough when the kept runs' tokens/s vary less than the target */
            struct cllm_llm_summary ks;
            int k;
            judge_runs(mon, traces, done, res);
            kept_summary(traces, ok, done, res, &ks, &k);
            if (k >= 3 && isfinite(ks.tps_cv_pct) && ks.tps_cv_pct < p->until_stable_cv * 100.0) {
                res->until_stable_reached = true;
                say(p, CLLM_AI_RUN_DONE, key, NAN, "%s%sstable after %d runs: tokens/s vary %.1f %% (< %.1f %%)", lab,
                    sep, done, ks.tps_cv_pct, p->until_stable_cv * 100.0);
                break;
            }
        }
    }
    res->until_stable_cv = isfinite(p->until_stable_cv) && p->until_stable_cv > 0 ? p->until_stable_cv : NAN;
    if (isfinite(res->until_stable_cv) && !res->until_stable_reached && !was_cancelled)
        say(p, CLLM_AI_NOTICE, key, NAN, "%s%snot stable after %d runs (target: tokens/s varying less than %.1f %%; "
            "raise runs.count to allow more)", lab, sep, done, res->until_stable_cv * 100.0);
    judge_runs(mon, traces, done, res);
    if (mon) {
        cllm_monitor_stop(mon);
        energy_runs(mon, NULL, traces, ok, done, res);
        /* out of memory for the series: the report is kept without it */
        cllm_monitor_report(mon, with_samples, &res->monitor);
        res->has_monitor = true;
        {
            const struct cllm_monitor_summary *msum = cllm_monitor_summary(mon);
            if (msum && isfinite(msum->rss_gb_peak) && pid >= 0 && n_rss < rss_cap)
                rss[n_rss++] = msum->rss_gb_peak;
        }
        cllm_monitor_free(mon);
    } else {
        energy_runs(NULL, p->monitor ? "no energy readings: the resource monitor did not start (see the log)"
                                     : "no energy readings: the resource monitor was off", traces, ok, done, res);
    }
    cllm_llm_summarize(traces, ok, done, rss, n_rss, &res->summary);
    res->tps_mean_unthrottled = NAN;
    if (res->has_throttle) {
        struct cllm_llm_summary ks;
        int k;
        kept_summary(traces, ok, done, res, &ks, &k);
        res->n_throttled = 0;
        for (int r = 0; r < done; r++)
            res->n_throttled += ok[r] && res->runs[r].throttled;
        res->tps_mean_unthrottled = ks.tps_mean;
        if (res->n_throttled > 0)
            say(p, CLLM_AI_NOTICE, key, NAN, "%s%s%d of %d runs throttled (%s): %.1f tokens/s without them", lab, sep,
                res->n_throttled, done, res->runs[0].throttled ? res->runs[0].throttle_reason : "see the runs",
                ks.tps_mean);
    }
    if (was_cancelled)
        set_status(res, "cancelled", false, "stopped by the user");
    else if (res->summary.n_ok > 0)
        set_status(res, "ok", false, NULL);
    else
        set_status(res, "failed", true, err[0] ? err : ms->stall[0] ? ms->stall : "no run succeeded");
    for (int r = 0; r < done; r++)
        cllm_llm_trace_free(&traces[r]);
    free(traces);
    free(ok);
    free(rss);
}

/* ---- the ladder: "why is my chat slower than llama-bench?" ---- */

static void rung_skip(struct cllm_llm_ladder_rung *g, const char *status, const char *why)
{
    g->status = status;
    cllm_strlcpy(g->reason, why, sizeof(g->reason));
    g->decode_tps = g->prompt_tps = g->ttft_s = NAN;
}

/* Rungs 1 and 2: llama-bench's method (llm/bench.c through app/sweep.c) on the same file, threads and layers:
 * pp of the prompt's length and tg at depth 0, then tg with the prompt already in the context. */
static void ladder_bench(const struct cllm_ai_params *p, const struct prepared *pm, struct cllm_llm_ladder *l)
{
    struct cllm_sweep_params sp = cllm_sweep_default_params();
    struct cllm_sweep_run_params rp;
    struct cllm_bench_sweep s;
    struct cllm_llm_ladder_rung *g0 = &l->rung[CLLM_LLM_RUNG_BENCH], *g1 = &l->rung[CLLM_LLM_RUNG_BENCH_DEPTH];
    char err[CLLM_ERR_LEN] = "";
    const struct cllm_bench_test *pp = NULL, *tg0 = NULL, *tgd = NULL;

    sp.n_models = 1;
    sp.models[0] = pm->path;
    sp.n_prompt = (struct cllm_sweep_list){1, {l->n_prompt}};
    sp.n_gen = (struct cllm_sweep_list){1, {l->n_gen}};
    sp.n_depth = (struct cllm_sweep_list){2, {0, l->n_prompt}};
    sp.n_threads = (struct cllm_sweep_list){1, {l->n_threads}};
    sp.n_gpu_layers = (struct cllm_sweep_list){1, {l->n_gpu_layers}};
    /* the chat engine's batches: the prompt goes in one call as the engine sends it; the rest llama-bench's */
    sp.n_batch = (struct cllm_sweep_list){1, {512}};
    sp.n_ubatch = (struct cllm_sweep_list){1, {512}};
    cllm_sweep_fill_defaults(&sp);
    sp.repetitions = p->cfg->runs > 0 ? p->cfg->runs : 1;
    sp.llama_lib = p->llama_lib;
    sp.rpc = p->rpc;
    memset(&rp, 0, sizeof(rp));
    rp.p = &sp;
    rp.hw = p->hw;
    rp.cancel = p->cancel;
    if (cllm_sweep_run(&rp, &s, err, sizeof(err)) != CLLM_OK && s.n_tests == 0) {
        rung_skip(g0, "failed", err);
        rung_skip(g1, "failed", err);
        return;
    }
    for (int i = 0; i < s.n_tests; i++) {
        const struct cllm_bench_test *t = &s.tests[i];
        if (!t->status || strcmp(t->status, "ok") != 0)
            continue;
        if (t->k.n_prompt > 0 && t->k.n_depth == 0)
            pp = t;
        else if (t->k.n_gen > 0 && t->k.n_depth == 0)
            tg0 = t;
        else if (t->k.n_gen > 0 && t->k.n_depth > 0)
            tgd = t;
    }
    if (pp && tg0) {
        g0->status = "ok";
        g0->prompt_tps = pp->avg_ts;
        g0->decode_tps = tg0->avg_ts;
        /* llama-bench has no first-token time: the prompt's processing plus one generated token */
        g0->ttft_s = l->n_prompt / pp->avg_ts + 1.0 / tg0->avg_ts;
        g0->runs = tg0->n_samples;
    } else {
        const struct cllm_bench_test *bad = s.n_tests > 0 ? &s.tests[0] : NULL;
        rung_skip(g0, "failed", bad && bad->reason[0] ? bad->reason : "the llama-bench tests did not run");
    }
    if (tgd) {
        g1->status = "ok";
        g1->decode_tps = tgd->avg_ts;
        g1->prompt_tps = NAN;
        g1->ttft_s = NAN;
        g1->runs = tgd->n_samples;
    } else {
        rung_skip(g1, "failed", "the depth test did not run");
    }
    cllm_bench_sweep_free(&s);
}

/* Rung 4: the same chat through a llama-server this run starts on the same file (auto mode), when one is
 * installed (PATH or scripts/setup --llama-server). */
static void ladder_server(const struct cllm_ai_params *p, const struct prepared *pm, struct cllm_llm_ladder *l)
{
    struct cllm_llm_ladder_rung *g = &l->rung[CLLM_LLM_RUNG_SERVER];
    struct cllm_engine_open_params op = cllm_engine_default_open_params();
    struct cllm_engine *eng = NULL;
    struct run_ctx rc = {p};
    struct cllm_gen_params gp = gen_params(p, pm->synthetic, &rc);
    char exe[1024], err[CLLM_ERR_LEN] = "";
    int n = p->cfg->runs > 0 ? p->cfg->runs : 1;
    struct cllm_llm_trace *tr;
    bool *ok;
    struct cllm_llm_summary sum;
    int good = 0;

    if (cllm_serve_llama_server_find("llama-server", exe, sizeof(exe), err, sizeof(err)) != CLLM_OK) {
        rung_skip(g, "skipped", "no llama-server installed (scripts/setup --llama-server builds one; or put "
                                "llama-server on PATH)");
        return;
    }
    op.model_path = pm->path;
    op.n_ctx = p->cfg->inference.n_ctx;
    op.seed = (uint32_t)p->cfg->inference.seed;
    op.n_gpu_layers = l->n_gpu_layers;
    op.n_threads = l->n_threads;
    op.llama_server = exe;
    op.server_stall_s = p->cfg->server_stall_s;
    op.server_deadline_base_s = p->cfg->server_deadline_base_s;
    op.server_deadline_per_token_s = p->cfg->server_deadline_per_token_s;
    op.cancel = p->cancel;
    if (cllm_engine_open(&cllm_engine_server, &op, &eng, err, sizeof(err)) != CLLM_OK) {
        rung_skip(g, cancelled(p) ? "skipped" : "failed", cancelled(p) ? "stopped by the user" : err);
        return;
    }
    tr = calloc((size_t)n, sizeof(*tr));
    ok = calloc((size_t)n, sizeof(*ok));
    if (!tr || !ok) {
        rung_skip(g, "failed", "out of memory");
        goto done;
    }
    {
        /* one untimed run, as the chat rung had its warmup */
        struct cllm_llm_trace w;
        cllm_llm_trace_init(&w);
        (void)cllm_engine_generate(eng, &gp, &w, err, sizeof(err));
        cllm_llm_trace_free(&w);
    }
    for (int i = 0; i < n && !cancelled(p); i++) {
        cllm_llm_trace_init(&tr[i]);
        ok[i] = cllm_engine_generate(eng, &gp, &tr[i], err, sizeof(err)) == CLLM_OK;
        good += ok[i];
    }
    cllm_llm_summarize(tr, ok, n, NULL, 0, &sum);
    if (good > 0) {
        g->status = "ok";
        g->decode_tps = sum.avg_decode_tokens_per_second;
        g->prompt_tps = NAN;
        g->ttft_s = sum.avg_first_token_latency_s;
        g->runs = good;
    } else {
        rung_skip(g, cancelled(p) ? "skipped" : "failed", cancelled(p) ? "stopped by the user" : err);
    }
    for (int i = 0; i < n; i++)
        cllm_llm_trace_free(&tr[i]);
done:
    free(tr);
    free(ok);
    cllm_engine_close(eng);
}

/* The ladder of a model whose plain phase ran in-process (the chat rung is its summary); the chat engine is closed
 * first so the model is in memory once. */
static void ladder(const struct cllm_ai_params *p, const struct prepared *pm, struct cllm_llm_model_result *res)
{
    struct cllm_llm_ladder *l = &res->ladder;
    struct cllm_llm_ladder_rung *chat = &l->rung[CLLM_LLM_RUNG_CHAT];

    memset(l, 0, sizeof(*l));
    res->has_ladder = true;
    l->n_prompt = res->prompt_tokens > 0 ? res->prompt_tokens : 0;
    l->n_gen = p->cfg->inference.max_tokens;
    l->n_threads = res->engine.n_threads;
    l->n_gpu_layers = res->engine.n_gpu_layers;
    cllm_strlcpy(l->backend, res->engine.backend, sizeof(l->backend));
    if (res->summary.n_ok > 0 && isfinite(res->summary.avg_decode_tokens_per_second)) {
        chat->status = "ok";
        chat->decode_tps = res->summary.avg_decode_tokens_per_second;
        chat->prompt_tps = NAN;
        chat->ttft_s = res->summary.avg_first_token_latency_s;
        chat->runs = res->summary.n_ok;
    } else {
        rung_skip(chat, "failed", "no timed chat run succeeded");
    }
    if (l->n_prompt <= 0) {
        rung_skip(&l->rung[CLLM_LLM_RUNG_BENCH], "skipped", "the prompt's token count is not known");
        rung_skip(&l->rung[CLLM_LLM_RUNG_BENCH_DEPTH], "skipped", "the prompt's token count is not known");
    } else {
        say(p, CLLM_AI_NOTICE, pm->m->key, NAN, "ladder: llama-bench's method on the same model (pp%d, tg%d, tg%d @ "
            "d%d)", l->n_prompt, l->n_gen, l->n_gen, l->n_prompt);
        ladder_bench(p, pm, l);
    }
    if (cancelled(p)) {
        rung_skip(&l->rung[CLLM_LLM_RUNG_SERVER], "skipped", "stopped by the user");
        return;
    }
    say(p, CLLM_AI_NOTICE, pm->m->key, NAN, "ladder: the same chat through llama-server");
    ladder_server(p, pm, l);
    for (int i = 1; i < CLLM_LLM_N_RUNGS; i++) {
        double c = cllm_llm_rung_decode_cost_pct(l, (enum cllm_llm_rung)i);
        if (isfinite(c))
            say(p, CLLM_AI_NOTICE, pm->m->key, NAN, "ladder: %s: %.1f tokens/s (%s: %.1f %% of the rate above)",
                cllm_llm_rung_name((enum cllm_llm_rung)i), l->rung[i].decode_tps,
                cllm_llm_rung_cost((enum cllm_llm_rung)i), c);
    }
}

/* What the plain phase leaves for the summary line and the comparison phases. */
struct model_outcome {
    bool ran;                  /* results[key] was written */
    bool counts_ok;            /* "ok" or "skipped" */
    struct model_state ms;
};

/* The plain LLM phase for one model: results[key]. */
static void run_model(const struct cllm_ai_params *p, const struct cllm_registry *reg, const char *key, int index,
                      bool want_ladder, cJSON *results, struct model_outcome *out)
{
    const struct cllm_model *m = cllm_registry_find(reg, key);
    struct cllm_llm_model_result *res = new_result(CLLM_LLM_SHAPE_PLAIN, NULL);
    struct prepared pm;
    struct cllm_engine *eng = NULL;
    struct variant v = {"", NULL, NAN};

    memset(out, 0, sizeof(*out));
    if (!res) {
        CLLM_LOG(CLLM_LOG_ERROR, "%s: out of memory for its results", key);
        return;
    }
    out->ran = true;
    if (!m) {
        set_status(res, "failed", true, "unknown model key (see data/models.json, or add it in a models file)");
        goto write;
    }
    say(p, CLLM_AI_MODEL_START, key, NAN, "%s", m->name);
    at_step(p, 0, index, 0, CLLM_AI_STAGE_PREPARE, 0);
    if (!prepare_model(p, m, p->quant, res, &pm) || !at_step(p, 0, index, 0, CLLM_AI_STAGE_LOAD, 0) ||
        !(eng = load_model(p, &pm, res)))
        goto write;
    at_step(p, 0, index, 0, CLLM_AI_STAGE_WARMUP, 0);
    warmup(p, eng, &pm, res, &out->ms);
    timed_runs(p, eng, &pm, &v, (struct cllm_ai_pos){0, index, 0, CLLM_AI_STAGE_RUN, 0}, true, res, &out->ms);
    {
        /* the server engine does not say where the server runs the model: no bandwidth to compare with */
        bool known = res->engine.kind == CLLM_ENGINE_KIND_IN_PROCESS;
        bool on_gpu = known && strcmp(res->engine.backend, "CPU") != 0;
        const struct cllm_llm_summary *s = &res->summary;
        roofline(&res->roofline, s->avg_decode_tokens_per_second, pm.model_bytes,
                 !known ? NAN : on_gpu ? p->gpu_read_gbps : p->cpu_read_gbps,
                 !known  ? NULL
                 : on_gpu ? "GPU device bandwidth: half of gpu_compute's device-to-device copy rate (read + write)"
                          : "CPU memory read bandwidth, all threads (memory_bandwidth read_gbps)");
        res->has_roofline = true;
        if (strcmp(res->status, "ok") == 0) {
            /* "stable" means every run succeeded, not that the rates agree: say that, with their variation */
            char cv[32] = "";
            if (isfinite(s->tps_cv_pct))
                snprintf(cv, sizeof(cv), ", CV %.1f %%", s->tps_cv_pct);
            say(p, CLLM_AI_MODEL_DONE, key, NAN, "%s: %.1f tokens/s (± %.1f), first token %.3f s, %s%s%s", res->status,
                s->tps_mean, s->tps_std, s->avg_first_token_latency_s,
                s->stability && strcmp(s->stability, "stable") == 0 ? "all runs OK" : "some runs failed", cv,
                pm.synthetic ? " [synthetic model]" : "");
        } else {
            say(p, CLLM_AI_MODEL_DONE, key, NAN, "%s: %s", res->status, res->reason[0] ? res->reason : res->error);
        }
    }
    if (want_ladder && res->engine.kind == CLLM_ENGINE_KIND_IN_PROCESS && strcmp(res->status, "ok") == 0 &&
        !cancelled(p)) {
        cllm_engine_close(eng);
        eng = NULL;
        at_step(p, 0, index, 0, CLLM_AI_STAGE_LADDER, 0);
        ladder(p, &pm, res);
    }
write:
    if (eng)
        cllm_engine_close(eng);
    out->counts_ok = strcmp(res->status, "ok") == 0 || strcmp(res->status, "skipped") == 0;
    cllm_write_llm_model_result(results, key, res);
    free_result(res);
}

static void ai_compare(const struct cllm_ai_params *p, cJSON *section, const struct model_outcome *outcomes);
static bool multi_gpu(const struct cllm_ai_params *p);

enum cllm_status cllm_ai_model_file(const struct cllm_ai_params *p, const char *key, const char *quant, char *path,
                                    size_t n, bool *synthetic, char *err, size_t errlen)
{
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    struct cllm_llm_model_result *res = new_result(CLLM_LLM_SHAPE_PLAIN, NULL);
    struct prepared pm;
    const struct cllm_model *m;
    struct cllm_ai_params pp = *p;
    enum cllm_status st = CLLM_OK;

    *synthetic = false;
    if (!res)
        return CLLM_ERR_NOMEM;
    if (p->models_file)
        rp.user_path = p->models_file;
    st = cllm_registry_load(&rp, &reg, err, errlen);
    if (st != CLLM_OK)
        goto done;
    m = cllm_registry_find(reg, key);
    if (!m) {
        cllm_errf(err, errlen, "unknown model key %s (see data/models.json, `computellm run --help`, or give a "
                  "GGUF file's path)", key);
        st = CLLM_ERR_NOT_FOUND;
        goto done;
    }
    pp.cleanup = false;
    pp.server_url = NULL;
    if (!prepare_model(&pp, m, quant, res, &pm)) {
        cllm_errf(err, errlen, "%s", res->error[0] ? res->error : res->reason);
        st = strcmp(res->status, "skipped") == 0 ? CLLM_ERR_NOMEM
             : strcmp(res->status, "cancelled") == 0 ? CLLM_ERR_CANCELLED : CLLM_ERR_NOT_FOUND;
        goto done;
    }
    cllm_strlcpy(path, pm.path, n);
    *synthetic = pm.synthetic;
done:
    free_result(res);
    cllm_registry_free(reg);
    return st;
}

void cllm_ai_run(const struct cllm_ai_params *p, cJSON *section)
{
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    struct model_outcome *outcomes = calloc(CLLM_CONFIG_MAX_MODELS, sizeof(*outcomes));
    char err[CLLM_ERR_LEN];
    cJSON *results = cllm_write_ai_results(section);
    int n_ok = 0, n_total = 0;

    if (!outcomes) {
        cllm_write_ai_status(section, "failed", "out of memory");
        return;
    }
    if (p->models_file)
        rp.user_path = p->models_file;
    if (cllm_registry_load(&rp, &reg, err, sizeof(err)) != CLLM_OK) {
        cllm_write_ai_status(section, "failed", err);
        goto compare;
    }
    {
        const struct cllm_llama *ll = NULL;
        struct cllm_ai_llama lib;
        memset(&lib, 0, sizeof(lib));
        if (cllm_llama_load(p->llama_lib, &ll, lib.error, sizeof(lib.error)) == CLLM_OK) {
            lib.loaded = true;
            cllm_strlcpy(lib.path, ll->lib_path, sizeof(lib.path));
            cllm_strlcpy(lib.variant, ll->variant, sizeof(lib.variant));
            cllm_strlcpy(lib.version, ll->version, sizeof(lib.version));
            cllm_strlcpy(lib.ggml_version, ll->ggml_version, sizeof(lib.ggml_version));
            cllm_strlcpy(lib.ggml_commit, ll->ggml_commit, sizeof(lib.ggml_commit));
            cllm_strlcpy(lib.cuda_build, ll->cuda_build, sizeof(lib.cuda_build));
            cllm_strlcpy(lib.cuda_note, ll->cuda_note, sizeof(lib.cuda_note));
        }
        cllm_write_ai_start(section, cllm_registry_origins(reg), &lib);
    }
    for (int i = 0; i < p->cfg->n_models && i < CLLM_CONFIG_MAX_MODELS; i++) {
        if (cancelled(p))
            break;
        run_model(p, reg, p->cfg->models[i], i,
                  p->ladder == CLLM_AI_LADDER_ALL || (p->ladder == CLLM_AI_LADDER_FIRST && i == 0), results,
                  &outcomes[i]);
    }
    for (int i = 0; i < p->cfg->n_models && i < CLLM_CONFIG_MAX_MODELS; i++) {
        bool later = false;   /* a key given twice: its last run is the one in results */
        for (int j = i + 1; j < p->cfg->n_models && j < CLLM_CONFIG_MAX_MODELS && !later; j++)
            later = outcomes[j].ran && strcmp(p->cfg->models[i], p->cfg->models[j]) == 0;
        if (!outcomes[i].ran || later)
            continue;
        n_total++;
        n_ok += outcomes[i].counts_ok;
    }
    cllm_write_ai_status(section, cancelled(p) ? "partial" : (n_total > 0 && n_ok == 0) ? "failed" : "ok", NULL);
    cllm_registry_free(reg);
compare:
    /* the comparison phases (6, 8, 9, 10) after the plain one, on the same models */
    if ((p->compare || multi_gpu(p)) && !cancelled(p))
        ai_compare(p, section, outcomes);
    free(outcomes);
}

/* ---- the comparison phases (the original's phases 6, 8, 9, 10) ---- */

/* Each table in the order of its phase's variant fields (report/fields_llm.h), whose names are the labels. */
static const struct variant g_cmp_temperatures[CLLM_LLM_N_TEMPERATURE_VARIANTS] = {
    {NULL, NULL, 0.25}, {NULL, NULL, 0.50}, {NULL, NULL, 0.75},
};

/* The same request in six languages, so the difference is the tokenizer's cost, not the task. */
static const struct variant g_cmp_languages[CLLM_LLM_N_LANGUAGE_VARIANTS] = {
    {NULL, "Explain the concept of artificial intelligence in simple terms.", NAN},
    {NULL, "Explique le concept d'intelligence artificielle en termes simples.", NAN},
    {NULL, "\xe8\xaf\xb7\xe7\x94\xa8\xe7\xae\x80\xe5\x8d\x95\xe7\x9a\x84\xe8\xaf\xad\xe8\xa8\x80\xe8\xa7\xa3\xe9\x87"
           "\x8a\xe4\xba\xba\xe5\xb7\xa5\xe6\x99\xba\xe8\x83\xbd\xe7\x9a\x84\xe6\xa6\x82\xe5\xbf\xb5\xe3\x80\x82", NAN},
    {NULL, "Explica el concepto de inteligencia artificial en t\xc3\xa9rminos sencillos.", NAN},
    {NULL, "Erkl\xc3\xa4re das Konzept der k\xc3\xbcnstlichen Intelligenz in einfachen Worten.", NAN},
    {NULL, "\xd8\xa7\xd8\xb4\xd8\xb1\xd8\xad \xd9\x85\xd9\x81\xd9\x87\xd9\x88\xd9\x85 \xd8\xa7\xd9\x84\xd8\xb0\xd9\x83"
           "\xd8\xa7\xd8\xa1 \xd8\xa7\xd9\x84\xd8\xa7\xd8\xb5\xd8\xb7\xd9\x86\xd8\xa7\xd8\xb9\xd9\x8a \xd8\xa8\xd8\xb9"
           "\xd8\xa8\xd8\xa7\xd8\xb1\xd8\xa7\xd8\xaa \xd8\xa8\xd8\xb3\xd9\x8a\xd8\xb7\xd8\xa9.", NAN},
};

static const struct variant g_cmp_prompt_types[CLLM_LLM_N_PROMPT_TYPE_VARIANTS] = {
    {NULL, "What causes the seasons on Earth, and why are they reversed between the two hemispheres?", NAN},
    {NULL, "Write a Python function that returns True when a string is a palindrome, ignoring case, spaces and "
           "punctuation, with a docstring and two examples.", NAN},
    {NULL, "Anna is older than Ben. Ben is older than Chloe. David is younger than Chloe but older than Emma. "
           "Who is the oldest, who is the youngest, and who is in the middle? Explain each step.", NAN},
    {NULL, "Write a short poem about a lighthouse keeper who watches a storm pass during the night.", NAN},
    {NULL, "A train covers 180 km in 2.5 hours. What is its average speed in km/h, and how long would it take to "
           "cover 300 km at that speed? Show your work.", NAN},
};

/* A variant of a model that already stalled: status "skipped", reason "skipped after a stall: .."; false when the
 * model has not stalled. */
static bool skip_after_stall(struct cllm_llm_model_result *e, const struct model_state *ms)
{
    char reason[sizeof(ms->stall) + 32];
    if (!ms->stall[0])
        return false;
    snprintf(reason, sizeof(reason), STALL_SKIP "%.639s", ms->stall);
    set_status(e, "skipped", false, reason);
    return true;
}

/* Writes variant v of phase ph and frees it. */
static void put_variant(cJSON *per_model, enum cllm_llm_cmp_phase ph, struct cllm_llm_model_result *v)
{
    cllm_write_llm_variant(per_model, ph, v);
    free_result(v);
}

/* Phase 6: each quantization loaded on its own (cleanup before each load), warmup, timed runs. */
static void compare_quants(const struct cllm_ai_params *p, const struct cllm_model *m, int model, cJSON *per_model,
                           struct model_state *ms)
{
    const int ph = 1 + CLLM_LLM_CMP_QUANT;
    for (size_t i = 0; i < CLLM_LLM_N_QUANT_VARIANTS && !cancelled(p); i++) {
        const char *quant = CLLM_LLM_QUANT_VARIANTS[i]->name;
        struct cllm_llm_model_result *e = new_result(CLLM_LLM_SHAPE_QUANT, quant);
        struct variant v = {quant, NULL, NAN};
        struct cllm_engine *eng;
        struct prepared pm;

        if (!e)
            return;
        if (!skip_after_stall(e, ms) && at_step(p, ph, model, (int)i, CLLM_AI_STAGE_PREPARE, 0) &&
            prepare_model(p, m, quant, e, &pm) && at_step(p, ph, model, (int)i, CLLM_AI_STAGE_LOAD, 0) &&
            (eng = load_model(p, &pm, e))) {
            at_step(p, ph, model, (int)i, CLLM_AI_STAGE_WARMUP, 0);
            warmup(p, eng, &pm, e, ms);
            timed_runs(p, eng, &pm, &v, (struct cllm_ai_pos){ph, model, (int)i, CLLM_AI_STAGE_RUN, 0}, false, e, ms);
            cllm_engine_close(eng);
        }
        put_variant(per_model, CLLM_LLM_CMP_QUANT, e);
    }
}

/* Phases 8-10: the model loaded once, one warmup, then each variant's timed runs after a cleanup. */
static void compare_variants(const struct cllm_ai_params *p, const struct cllm_model *m, int model,
                             enum cllm_llm_cmp_phase ph,
                             const struct cllm_field *const *labels, const struct variant *vs, size_t n,
                             bool fixed_temperature, cJSON *per_model, struct model_state *ms)
{
    /* the load's own record: its facts are copied into each variant, its status given to them when it fails */
    struct cllm_llm_model_result *ctx = new_result(CLLM_LLM_SHAPE_VARIANT, NULL);
    struct cllm_engine *eng = NULL;
    struct prepared pm;

    if (!ctx)
        return;
    if (ms->stall[0]) {
        /* no load for a model whose server already stalled */
        for (size_t i = 0; i < n; i++) {
            struct cllm_llm_model_result *e = new_result(CLLM_LLM_SHAPE_VARIANT, labels[i]->name);
            if (!e)
                break;
            skip_after_stall(e, ms);
            put_variant(per_model, ph, e);
        }
        goto out;
    }
    at_step(p, 1 + (int)ph, model, 0, CLLM_AI_STAGE_PREPARE, 0);
    if (!prepare_model(p, m, p->quant, ctx, &pm) || !at_step(p, 1 + (int)ph, model, 0, CLLM_AI_STAGE_LOAD, 0) ||
        !(eng = load_model(p, &pm, ctx))) {
        /* every variant gets the model's own status and why */
        for (size_t i = 0; i < n; i++) {
            struct cllm_llm_model_result *e = new_result(CLLM_LLM_SHAPE_VARIANT, labels[i]->name);
            if (!e)
                break;
            set_status(e, ctx->status, false, ctx->error[0] ? ctx->error : ctx->reason[0] ? ctx->reason : NULL);
            put_variant(per_model, ph, e);
        }
        goto out;
    }
    at_step(p, 1 + (int)ph, model, 0, CLLM_AI_STAGE_WARMUP, 0);
    warmup(p, eng, &pm, ctx, ms);
    for (size_t i = 0; i < n && !cancelled(p); i++) {
        struct cllm_llm_model_result *e = new_result(CLLM_LLM_SHAPE_VARIANT, labels[i]->name);
        struct variant v = vs[i];

        if (!e)
            break;
        v.label = labels[i]->name;
        if (skip_after_stall(e, ms)) {
            if (i == 0 && ctx->has_stall) {
                e->has_stall = true;
                cllm_strlcpy(e->stall_at, ctx->stall_at, sizeof(e->stall_at));
                cllm_strlcpy(e->stall_error, ctx->stall_error, sizeof(e->stall_error));
            }
            put_variant(per_model, ph, e);
            continue;
        }
        if (fixed_temperature)
            v.temperature = p->cfg->inference.temperature;
        e->model = ctx->model;
        e->temperature = v.temperature;
        e->prompt = vs[i].prompt;
        if (i > 0)
            do_cleanup(p, e);
        timed_runs(p, eng, &pm, &v, (struct cllm_ai_pos){1 + (int)ph, model, (int)i, CLLM_AI_STAGE_RUN, 0}, false, e,
                   ms);
        put_variant(per_model, ph, e);
    }
out:
    if (eng)
        cllm_engine_close(eng);
    free_result(ctx);
}

/* The multi-GPU phase runs for in-process models (not through a server) on two or more selected GPUs. */
static bool multi_gpu(const struct cllm_ai_params *p)
{
    return p->gpu_sel && p->gpu_sel->n >= 2 && !p->server_url && !p->llama_server &&
           !(p->device && strcmp(p->device, "cpu") == 0);
}

/* Multi-GPU: the model on each selected GPU alone (gpu<i>, split none), then on all of them with each split mode
 * asked for (layer, row), each loaded on its own after a cleanup, with warmup and timed runs. The engine's
 * gpu_plan in each variant says which ggml devices, split and shares it got. */
static void compare_gpus(const struct cllm_ai_params *p, const struct cllm_model *m, int model, cJSON *per_model,
                         struct model_state *ms)
{
    const int ph = 1 + CLLM_LLM_CMP_GPUS;
    const struct cllm_gpu_selection *all = p->gpu_sel;
    int n_var = all->n + 2;

    for (int k = 0; k < n_var && !cancelled(p); k++) {
        struct cllm_gpu_selection one = *all;
        struct cllm_ai_params q = *p;
        const struct cllm_field *label;
        struct cllm_llm_model_result *e;
        struct variant v = {NULL, NULL, NAN};
        struct cllm_engine *eng;
        struct prepared pm;

        if (k < all->n) {
            if (all->index[k] >= CLLM_LLM_N_GPU_VARIANTS - 2)
                continue;   /* results keys exist for gpu0 .. gpu15 */
            label = CLLM_LLM_GPU_VARIANTS[all->index[k]];
            one.n = 1;
            /* asked for by the phase: a GPU the library has no device for fails its variant with the reason */
            cllm_strlcpy(one.source, "flag", sizeof(one.source));
            one.index[0] = all->index[k];
            one.runtime_index[0] = all->runtime_index[k];
            q.gpu_sel = &one;
            q.split_mode = CLLM_SPLIT_NONE;
        } else {
            bool row = k == all->n + 1;
            if (!(p->split_modes & (row ? CLLM_AI_SPLIT_ROW : CLLM_AI_SPLIT_LAYER)))
                continue;
            label = CLLM_LLM_GPU_VARIANTS[CLLM_LLM_N_GPU_VARIANTS - 2 + (row ? 1 : 0)];
            q.split_mode = row ? CLLM_SPLIT_ROW : CLLM_SPLIT_LAYER;
        }
        e = new_result(CLLM_LLM_SHAPE_QUANT, label->name);
        if (!e)
            return;
        v.label = label->name;
        if (!skip_after_stall(e, ms) && at_step(p, ph, model, k, CLLM_AI_STAGE_PREPARE, 0) &&
            prepare_model(&q, m, p->quant, e, &pm) && at_step(p, ph, model, k, CLLM_AI_STAGE_LOAD, 0) &&
            (eng = load_model(&q, &pm, e))) {
            if (e->engine.kind == CLLM_ENGINE_KIND_IN_PROCESS && e->engine.n_gpus == 0) {
                /* the library drives none of the selected GPUs: a CPU number under a GPU's name would mislead */
                char why[700];
                snprintf(why, sizeof(why), "the model loaded on the CPU: this libllama has no device for the "
                         "selected GPUs%s%.600s", e->engine.notice[0] ? " (" : "", e->engine.notice);
                if (e->engine.notice[0])
                    cllm_strlcpy(why + strlen(why), ")", sizeof(why) - strlen(why));
                set_status(e, "skipped", false, why);
            } else {
                at_step(p, ph, model, k, CLLM_AI_STAGE_WARMUP, 0);
                warmup(&q, eng, &pm, e, ms);
                timed_runs(&q, eng, &pm, &v, (struct cllm_ai_pos){ph, model, k, CLLM_AI_STAGE_RUN, 0}, false, e, ms);
            }
            cllm_engine_close(eng);
        }
        put_variant(per_model, CLLM_LLM_CMP_GPUS, e);
    }
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


/* Runs the comparison phases p->compare names into section.comparisons: quantization[KEY][QUANT],
 * temperature[KEY][low|medium|high], language[KEY][en|fr|zh|es|de|ar], prompt_type[KEY][general|code|...], each
 * variant {status, runs[], summary, prompt_tokens, ...} with config runs.count timed runs. outcomes: the plain
 * phase's, per model (a model that stalled there is not waited for again). */
static void ai_compare(const struct cllm_ai_params *p, cJSON *section, const struct model_outcome *outcomes)
{
    static const struct {
        unsigned bit;
        enum cllm_llm_cmp_phase phase;
        const char *title;
    } phases[] = {
        {CLLM_AI_COMPARE_QUANT, CLLM_LLM_CMP_QUANT, "phase 6: quantizations"},
        {CLLM_AI_COMPARE_TEMPERATURE, CLLM_LLM_CMP_TEMPERATURE, "phase 8: temperatures"},
        {CLLM_AI_COMPARE_LANGUAGE, CLLM_LLM_CMP_LANGUAGE, "phase 9: languages"},
        {CLLM_AI_COMPARE_PROMPT_TYPE, CLLM_LLM_CMP_PROMPT_TYPE, "phase 10: prompt types"},
        {0, CLLM_LLM_CMP_GPUS, "multi-GPU: each GPU alone, then together"},
    };
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    struct model_state ms[CLLM_CONFIG_MAX_MODELS];
    char err[CLLM_ERR_LEN];
    cJSON *cmp;

    if (!p->compare && !multi_gpu(p))
        return;
    for (int i = 0; i < p->cfg->n_models && i < CLLM_CONFIG_MAX_MODELS; i++) {
        /* the stall of the model's last plain run (a key given twice: the later one's) */
        ms[i].stall[0] = '\0';
        for (int j = 0; j < p->cfg->n_models && j < CLLM_CONFIG_MAX_MODELS; j++)
            if (outcomes[j].ran && strcmp(p->cfg->models[i], p->cfg->models[j]) == 0)
                ms[i] = outcomes[j].ms;
    }
    cmp = cllm_write_ai_comparisons(section);
    if (p->models_file)
        rp.user_path = p->models_file;
    if (cllm_registry_load(&rp, &reg, err, sizeof(err)) != CLLM_OK) {
        cllm_write_ai_cmp_status(cmp, "failed", err);
        return;
    }
    for (size_t ph = 0; ph < sizeof(phases) / sizeof(phases[0]); ph++) {
        cJSON *phase;
        if (phases[ph].bit ? !(p->compare & phases[ph].bit) : !multi_gpu(p))
            continue;
        phase = cllm_write_ai_cmp_phase(cmp, phases[ph].phase);
        for (int i = 0; i < p->cfg->n_models && i < CLLM_CONFIG_MAX_MODELS && !cancelled(p); i++) {
            const char *key = p->cfg->models[i];
            const struct cllm_model *m = cllm_registry_find(reg, key);
            cJSON *per_model = cllm_write_ai_cmp_model(phase, key);
            if (!m)
                continue;
            say(p, CLLM_AI_MODEL_START, key, NAN, "%s, %s", m->name, phases[ph].title);
            switch (phases[ph].phase) {
            case CLLM_LLM_CMP_QUANT:
                compare_quants(p, m, i, per_model, &ms[i]);
                break;
            case CLLM_LLM_CMP_TEMPERATURE:
                compare_variants(p, m, i, CLLM_LLM_CMP_TEMPERATURE, CLLM_LLM_TEMPERATURE_VARIANTS, g_cmp_temperatures,
                                 CLLM_LLM_N_TEMPERATURE_VARIANTS, false, per_model, &ms[i]);
                break;
            case CLLM_LLM_CMP_GPUS:
                compare_gpus(p, m, i, per_model, &ms[i]);
                break;
            case CLLM_LLM_CMP_LANGUAGE:
                compare_variants(p, m, i, CLLM_LLM_CMP_LANGUAGE, CLLM_LLM_LANGUAGE_VARIANTS, g_cmp_languages,
                                 CLLM_LLM_N_LANGUAGE_VARIANTS, true, per_model, &ms[i]);
                break;
            default:
                compare_variants(p, m, i, CLLM_LLM_CMP_PROMPT_TYPE, CLLM_LLM_PROMPT_TYPE_VARIANTS, g_cmp_prompt_types,
                                 CLLM_LLM_N_PROMPT_TYPE_VARIANTS, true, per_model, &ms[i]);
                break;
            }
        }
    }
    cllm_write_ai_cmp_status(cmp, cancelled(p) ? "partial" : "ok", NULL);
    cllm_registry_free(reg);
}

enum cllm_status cllm_ai_synthesize(const struct cllm_ai_params *p, const char *model_key, const char *vocab_from,
                                    const char *out_path, char *path_out, size_t n, uint64_t *size_only, char *err,
                                    size_t errlen)
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
    st = make_synthetic(p, m, q, vocab_from, path_out, size_only, err, errlen);
    cllm_registry_free(reg);
    return st;
}
