#include "app/advise.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "core/strutil.h"
#include "hw/hw.h"
#include "model/download.h"
#include "model/gguf.h"
#include "model/registry.h"
#include "report/fields_classic.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/write.h"

struct cllm_advise_params cllm_advise_default_params(void)
{
    struct cllm_advise_params p;
    memset(&p, 0, sizeof(p));
    p.models_dir = "models";
    p.registry = true;
    p.n_ctx = 2048;
    p.kv_type = "f16";
    p.n_gen = 128;
    p.min_tps = 10;
    return p;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- measured inputs from a results tree ---- */

static const cJSON *classic_phase(const cJSON *res, const struct cllm_field *phase)
{
    const cJSON *b = cllm_r_get(cllm_r_get(res, &CLLM_F_CLASSIC_BENCHMARKS), &CLLM_F_CL_BENCHMARKS);
    const cJSON *ph = cllm_r_get(b, phase);
    const char *st = cllm_r_str(ph, &CLLM_F_CL_STATUS);
    return st && strcmp(st, "ok") == 0 ? ph : NULL;
}

void cllm_advise_rates_from_result(const cJSON *res, const char *origin, const struct cllm_registry *reg, int n_ctx,
                                   double kv_type_bytes, struct cllm_fit_rates *r)
{
    const cJSON *ph, *it;
    char src[192];
    double best_cpu_bytes = 0, best_gpu_bytes = 0, gpu_gbps = NAN, layer_us, eff;
    const char *o = origin && origin[0] ? origin : "the results file";
    struct cllm_fit_sample gpu_runs[16];
    char gpu_names[96] = "";
    int n_gpu_runs = 0;

    if ((ph = classic_phase(res, &CLLM_F_CL_MEMORY))) {
        snprintf(src, sizeof(src), "measured: memory_bandwidth read_gbps of %s", o);
        cllm_fit_input_set(&r->cpu_read_gbps, cllm_r_num(ph, &CLLM_F_MEM_READ_GBPS), src);
    }
    if ((ph = classic_phase(res, &CLLM_F_CL_CPU_MULTI))) {
        double best = NAN;
        cJSON_ArrayForEach(it, cllm_r_get(ph, &CLLM_F_CPU_RESULTS)) {
            double g = cllm_r_num(it, &CLLM_F_CL_GFLOPS);
            if (isfinite(g) && !(g <= best))
                best = g;
        }
        snprintf(src, sizeof(src), "measured: cpu_multi_thread GFLOPS (best size) of %s", o);
        cllm_fit_input_set(&r->cpu_gflops, best, src);
    }
    if ((ph = classic_phase(res, &CLLM_F_CL_GPU))) {
        double d2d = cllm_r_num(cllm_r_get(cllm_r_get(ph, &CLLM_F_GPU_MEMORY), &CLLM_F_GPU_D2D), &CLLM_F_GPU_BEST_GBPS);
        double fp16 = cllm_r_num(cllm_r_get(ph, &CLLM_F_GPU_SUMMARY), CLLM_GPU_SUMMARY_FIELDS[CLLM_GPUGEMM_FP16]);
        snprintf(src, sizeof(src), "measured: half of gpu_compute's device-to-device copy rate of %s", o);
        cllm_fit_input_set(&r->gpu_read_gbps, d2d / 2, src);
        snprintf(src, sizeof(src), "measured: gpu_compute fp16 TFLOPS of %s", o);
        cllm_fit_input_set(&r->gpu_gflops, fp16 * 1000, src);
    }
    /* decode efficiency: the largest model each side ran (small models fit in caches and say little) */
    cJSON_ArrayForEach(it, cllm_r_get(cllm_r_get(res, &CLLM_F_AI_BENCHMARKS), &CLLM_F_AI_RESULTS)) {
        const char *st = cllm_r_str(it, &CLLM_F_LLM_STATUS);
        const cJSON *mj = cllm_r_get(it, &CLLM_F_LLM_MODEL), *rl;
        const char *key = cllm_r_str(mj, &CLLM_F_LLM_M_KEY), *quant = cllm_r_str(mj, &CLLM_F_LLM_M_QUANT);
        const char *backend = cllm_r_str(cllm_r_get(it, &CLLM_F_LLM_ENGINE), &CLLM_F_LLM_E_BACKEND);
        const struct cllm_model *m = reg && key ? cllm_registry_find(reg, key) : NULL;
        const struct cllm_model_quant *q = m ? cllm_model_find_quant(m, quant) : NULL;
        struct cllm_fit_need need;
        double tps, gbps, fsize;
        int depth;
        bool gpu;
        if (!st || strcmp(st, "ok") != 0 || !m || !backend)
            continue;
        rl = cllm_r_get(cllm_r_get(it, &CLLM_F_LLM_SUMMARY), &CLLM_F_LLM_ROOFLINE);
        tps = cllm_r_num(cllm_r_get(it, &CLLM_F_LLM_SUMMARY), &CLLM_F_LLM_AVG_TPS);
        gbps = cllm_r_num(rl, &CLLM_F_LLM_RL_BANDWIDTH_GBPS);
        fsize = cllm_r_num(rl, &CLLM_F_LLM_RL_BYTES_PER_TOKEN);
        if (!isfinite(fsize) && q)
            fsize = q->size_bytes > 0 ? (double)q->size_bytes : q->size_gb * 1e9;
        if (!isfinite(tps) || !isfinite(gbps) || !(fsize > 0))
            continue;
        depth = cllm_r_int(it, &CLLM_F_LLM_PROMPT_TOKENS, 0);
        if (depth < 0)
            depth = 0;
        cllm_fit_need_estimate(&m->arch, fsize, n_ctx, kv_type_bytes, &need);
        gpu = strcasecmp(backend, "CPU") != 0;
        if (gpu) {
            /* only a run with every layer on the GPU says what the GPU does per token */
            double ngl = cllm_r_num(cllm_r_get(it, &CLLM_F_LLM_ENGINE), &CLLM_F_LLM_E_N_GPU_LAYERS);
            struct cllm_fit_place all;
            double g, c;
            if (isfinite(ngl) && ngl >= 0 && ngl < need.n_layer)
                continue;
            cllm_fit_place_all(&need, CLLM_WHERE_GPU, &all);
            cllm_fit_bytes_per_token(&need, &all, depth, &g, &c);
            if (n_gpu_runs < (int)(sizeof(gpu_runs) / sizeof(gpu_runs[0]))) {
                gpu_runs[n_gpu_runs] = (struct cllm_fit_sample){need.n_layer, g + c, 1.0 / tps};
                snprintf(gpu_names + strlen(gpu_names), sizeof(gpu_names) - strlen(gpu_names), "%s%s %s",
                         n_gpu_runs ? ", " : "", key, quant ? quant : "");
                n_gpu_runs++;
                gpu_gbps = gbps;
            }
        }
        eff = cllm_fit_efficiency(&need, tps, depth, gbps, gpu ? r->gpu_layer_us.value : 0);
        if (!(eff > 0) || fsize <= (gpu ? best_gpu_bytes : best_cpu_bytes))
            continue;
        snprintf(src, sizeof(src), "measured: %s %s decoding at %.1f tokens/s on %s in %s%s", key, quant ? quant : "",
                 tps, backend, o, gpu ? " (less the layer time)" : "");
        cllm_fit_input_set(gpu ? &r->gpu_decode_eff : &r->cpu_decode_eff, eff, src);
        *(gpu ? &best_gpu_bytes : &best_cpu_bytes) = fsize;
    }
    /* two or more GPU runs of different shapes: the layer time and the efficiency fitted together from them */
    if (n_gpu_runs >= 2 && cllm_fit_gpu_terms(gpu_runs, n_gpu_runs, gpu_gbps, &layer_us, &eff)) {
        snprintf(src, sizeof(src), "measured: fitted from %d GPU runs (%s) in %s", n_gpu_runs, gpu_names, o);
        cllm_fit_input_set(&r->gpu_layer_us, layer_us, src);
        cllm_fit_input_set(&r->gpu_decode_eff, eff, src);
    }
}

bool cllm_advise_find_results(const char *dir, char *out, size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    time_t newest = 0;
    bool found = false;
    if (!d)
        return false;
    while ((e = readdir(d))) {
        char path[4096];
        struct stat st;
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "benchmark_", 10) != 0 || len < 15 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (found && st.st_mtime <= newest))
            continue;
        newest = st.st_mtime;
        cllm_strlcpy(out, path, n);
        found = true;
    }
    closedir(d);
    return found;
}

/* ---- rows ---- */

static struct cllm_fit_row *add_row(struct cllm_fit_advice *a, int *cap)
{
    if (a->n_rows == *cap) {
        int nc = *cap ? *cap * 2 : 32;
        struct cllm_fit_row *nr = realloc(a->rows, (size_t)nc * sizeof(*nr));
        if (!nr)
            return NULL;
        a->rows = nr;
        *cap = nc;
    }
    memset(&a->rows[a->n_rows], 0, sizeof(a->rows[0]));
    return &a->rows[a->n_rows++];
}

/* llama.cpp's general.file_type numbers (llama_ftype) */
static const char *ftype_name(uint64_t t)
{
    static const struct {
        unsigned t;
        const char *name;
    } names[] = {{0, "F32"},     {1, "F16"},     {2, "Q4_0"},    {3, "Q4_1"},    {7, "Q8_0"},   {8, "Q5_0"},
                 {9, "Q5_1"},    {10, "Q2_K"},   {11, "Q3_K_S"}, {12, "Q3_K_M"}, {13, "Q3_K_L"}, {14, "Q4_K_S"},
                 {15, "Q4_K_M"}, {16, "Q5_K_S"}, {17, "Q5_K_M"}, {18, "Q6_K"},   {32, "BF16"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].t == t)
            return names[i].name;
    return "?";
}

static bool arch_uint(const struct cllm_gguf *g, const char *arch, const char *suffix, int *out)
{
    char key[128];
    uint64_t v;
    snprintf(key, sizeof(key), "%s.%s", arch, suffix);
    if (!cllm_gguf_get_uint(g, key, &v) || v > 1u << 30)
        return false;
    *out = (int)v;
    return true;
}

/* A GGUF's shape and tensor bytes (g, closed here) into a row; path names it. */
static enum cllm_status gguf_row(struct cllm_gguf *g, const char *path, const struct cllm_advise_params *p,
                                 double kv_bytes, struct cllm_fit_row *row, char *err, size_t errlen)
{
    struct cllm_model_arch a;
    const char *arch, *name, *base;
    const struct cllm_gguf_tensor *te, *to, *tn;
    const struct cllm_gguf_kv *tokens;
    double total = 0;
    uint64_t ft;

    memset(&a, 0, sizeof(a));
    arch = cllm_gguf_get_str(g, "general.architecture");
    if (!arch || !arch_uint(g, arch, "block_count", &a.n_layer) || !arch_uint(g, arch, "embedding_length", &a.n_embd) ||
        !arch_uint(g, arch, "attention.head_count", &a.n_head) || a.n_layer <= 0 || a.n_head <= 0 || a.n_embd <= 0) {
        snprintf(err, errlen, "%s: not a transformer GGUF advise can size (needs general.architecture and its "
                 "block_count, embedding_length, attention.head_count)", path);
        cllm_gguf_close(g);
        return CLLM_ERR_PARSE;
    }
    cllm_strlcpy(a.arch, arch, sizeof(a.arch));
    if (!arch_uint(g, arch, "attention.head_count_kv", &a.n_head_kv))
        a.n_head_kv = a.n_head;
    arch_uint(g, arch, "feed_forward_length", &a.n_ff);
    arch_uint(g, arch, "context_length", &a.n_ctx_train);
    tokens = cllm_gguf_find_kv(g, "tokenizer.ggml.tokens");
    te = cllm_gguf_find_tensor(g, "token_embd.weight");
    to = cllm_gguf_find_tensor(g, "output.weight");
    tn = cllm_gguf_find_tensor(g, "output_norm.weight");
    a.n_vocab = tokens ? (int)tokens->n : te && te->n_dims >= 2 ? (int)te->ne[1] : 0;
    for (size_t i = 0; i < cllm_gguf_n_tensors(g); i++)
        total += (double)cllm_gguf_tensor_at(g, i)->nbytes;
    cllm_fit_need_from_tensors(&a, total, te ? (double)te->nbytes : 0,
                               (to ? (double)to->nbytes : 0) + (tn ? (double)tn->nbytes : 0), !to, p->n_ctx,
                               kv_bytes, &row->need);
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    name = cllm_gguf_get_str(g, "general.name");
    cllm_strlcpy(row->key, base, sizeof(row->key));
    cllm_strlcpy(row->name, name && name[0] ? name : base, sizeof(row->name));
    cllm_strlcpy(row->quant, cllm_gguf_get_uint(g, "general.file_type", &ft) ? ftype_name(ft) : "?",
                 sizeof(row->quant));
    cllm_strlcpy(row->origin, "gguf", sizeof(row->origin));
    cllm_strlcpy(row->path, path, sizeof(row->path));
    row->downloaded = "given";
    row->params_b = cllm_fit_params(&a) / 1e9;
    cllm_gguf_close(g);
    return CLLM_OK;
}


/* A Hugging Face file's header, "OWNER/REPO/FILE": its first bytes by a Range request (4 MiB, doubled while the
 * metadata runs past them, at most 64 MiB), parsed without the tensor data. */
/* One part of OWNER/REPO/FILE: Hugging Face's name characters (letters, digits, - _ .), not "." or ".."; FILE may
 * have folders (each part so). */
static bool hf_part_ok(const char *s, size_t n, bool folders)
{
    size_t start = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (folders && s[i] == '/')) {
            size_t len = i - start;
            if (len == 0 || (len == 1 && s[start] == '.') || (len == 2 && s[start] == '.' && s[start + 1] == '.'))
                return false;
            start = i + 1;
        } else if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.') {
            return false;
        }
    }
    return true;
}

static enum cllm_status hf_open(const char *ref, struct cllm_gguf **g, char *err, size_t errlen)
{
    const char *slash = strchr(ref, '/'), *file = slash ? strchr(slash + 1, '/') : NULL;
    char repo[256], derr[CLLM_ERR_LEN];
    struct cllm_download_params dp = cllm_download_default_params();
    enum cllm_status st;

    if (!slash || !file || file - ref >= (long)sizeof(repo) || slash == ref || file == slash + 1 || !file[1]) {
        snprintf(err, errlen, "'%s' is not a Hugging Face file: write OWNER/REPO/FILE.gguf", ref);
        return CLLM_ERR_INVALID_ARG;
    }
    if (!hf_part_ok(ref, (size_t)(slash - ref), false) || !hf_part_ok(slash + 1, (size_t)(file - slash - 1), false) ||
        !hf_part_ok(file + 1, strlen(file + 1), true)) {
        snprintf(err, errlen, "'%s' is not a Hugging Face file: OWNER, REPO and FILE are names of letters, digits, "
                 "'-', '_' and '.' (FILE may have folders), none of them '.' or '..'", ref);
        return CLLM_ERR_INVALID_ARG;
    }
    memcpy(repo, ref, (size_t)(file - ref));
    repo[file - ref] = '\0';
    file++;
    dp.retries = 0;
    for (size_t max = 4u << 20;; max *= 2) {
        void *buf = NULL;
        size_t len = 0;
        st = cllm_download_head(repo, file, &dp, max, &buf, &len, derr, sizeof(derr));
        if (st != CLLM_OK) {
            snprintf(err, errlen, "cannot read the GGUF header of %s: %s", ref, derr);
            return st;
        }
        st = cllm_gguf_open_buffer(buf, len, false, g, derr, sizeof(derr));
        free(buf);
        if (st == CLLM_OK)
            return CLLM_OK;
        if (len < max || max >= (64u << 20)) {
            snprintf(err, errlen, "%s: %s%s", ref, derr, len < max ? "" : " (metadata larger than 64 MiB?)");
            return st;
        }
    }
}

enum cllm_status cllm_advise(const struct cllm_advise_params *p, struct cllm_fit_advice *out, char *err,
                             size_t errlen)
{
    struct cllm_registry_params rp = cllm_registry_default_params();
    struct cllm_registry *reg = NULL;
    double kvb = cllm_fit_kv_type_bytes(p->kv_type);
    enum cllm_status st;
    int cap = 0;

    memset(out, 0, sizeof(*out));
    out->largest_row = -1;
    if (p->n_ctx < 1 || p->n_ctx > 1 << 24) {
        snprintf(err, errlen, "context size %d out of range (1 to %d tokens)", p->n_ctx, 1 << 24);
        return CLLM_ERR_INVALID_ARG;
    }
    if (!isfinite(kvb)) {
        snprintf(err, errlen, "unknown KV cache type '%s' (f32, f16, bf16, q8_0, q4_0, q4_1, q5_0, q5_1)",
                 p->kv_type ? p->kv_type : "");
        return CLLM_ERR_INVALID_ARG;
    }
    if (!(p->min_tps > 0) || !isfinite(p->min_tps)) {
        snprintf(err, errlen, "target decode rate %g out of range (a number of tokens/s above 0)", p->min_tps);
        return CLLM_ERR_INVALID_ARG;
    }
    if (p->n_gen < 1) {
        snprintf(err, errlen, "generated tokens %d out of range (at least 1)", p->n_gen);
        return CLLM_ERR_INVALID_ARG;
    }
    out->n_ctx = p->n_ctx;
    cllm_strlcpy(out->kv_type, p->kv_type, sizeof(out->kv_type));
    for (char *c = out->kv_type; *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    out->depth = p->n_gen / 2;
    out->min_tps = p->min_tps;
    cllm_fit_rates_default(&out->rates);
    cllm_fit_memory_from_hw(p->hw, &out->mem);

    rp.user_path = p->models_file;
    if (p->registry || p->result) {
        st = cllm_registry_load(&rp, &reg, err, errlen);
        if (st != CLLM_OK)
            return st;
    }
    if (p->model && (!reg || !cllm_registry_find(reg, p->model))) {
        snprintf(err, errlen, "unknown model key '%s' (see data/models.json, or add it in a models file)", p->model);
        cllm_registry_free(reg);
        return CLLM_ERR_INVALID_ARG;
    }
    if (p->result) {
        cllm_advise_rates_from_result(p->result, p->result_origin, reg, p->n_ctx, kvb, &out->rates);
        cllm_strlcpy(out->measured_from, p->result_origin ? p->result_origin : "", sizeof(out->measured_from));
    }
    for (int i = 0; p->registry && i < cllm_registry_count(reg); i++) {
        const struct cllm_model *m = cllm_registry_at(reg, i);
        if (p->model && strcmp(p->model, m->key) != 0)
            continue;
        for (int k = 0; k < m->n_quants; k++) {
            const struct cllm_model_quant *q = &m->quants[k];
            struct cllm_fit_row *row = add_row(out, &cap);
            double bytes = q->size_bytes > 0 ? (double)q->size_bytes : q->size_gb * 1e9;
            char local[1024], synth[1024];
            enum cllm_fit f;
            if (!row) {
                snprintf(err, errlen, "out of memory");
                cllm_registry_free(reg);
                cllm_fit_advice_free(out);
                return CLLM_ERR_NOMEM;
            }
            if (!isfinite(bytes)) {
                out->n_rows--;
                continue;
            }
            cllm_strlcpy(row->key, m->key, sizeof(row->key));
            cllm_strlcpy(row->name, m->name, sizeof(row->name));
            cllm_strlcpy(row->quant, q->name, sizeof(row->quant));
            cllm_strlcpy(row->origin, "registry", sizeof(row->origin));
            row->params_b = m->params_b > 0 ? m->params_b : cllm_fit_params(&m->arch) / 1e9;
            cllm_fit_need_estimate(&m->arch, bytes, p->n_ctx, kvb, &row->need);
            cllm_model_local_path(q, p->models_dir, local, sizeof(local));
            cllm_model_synthetic_path(m, q, p->models_dir, synth, sizeof(synth));
            if (file_exists(local)) {
                row->downloaded = "yes";
                cllm_strlcpy(row->path, local, sizeof(row->path));
            } else if (file_exists(synth)) {
                row->downloaded = "synthetic";
                cllm_strlcpy(row->path, synth, sizeof(row->path));
            } else {
                row->downloaded = "no";
            }
            f = cllm_model_check_fit(m, q->name, p->hw, row->run_fit_reason, sizeof(row->run_fit_reason));
            row->run_fit = cllm_fit_name(f);
        }
    }
    cllm_registry_free(reg);
    for (int i = 0; i < p->n_gguf; i++) {
        struct cllm_fit_row *row = add_row(out, &cap);
        if (!row) {
            snprintf(err, errlen, "out of memory");
            cllm_fit_advice_free(out);
            return CLLM_ERR_NOMEM;
        }
        struct cllm_gguf *g = NULL;
        char gerr[CLLM_ERR_LEN];
        st = cllm_gguf_open(p->gguf_paths[i], &g, gerr, sizeof(gerr));
        if (st != CLLM_OK) {
            /* the reader's message names the file already, mostly: not twice */
            bool named = strncmp(gerr, p->gguf_paths[i], strlen(p->gguf_paths[i])) == 0;
            snprintf(err, errlen, "%s%s%s", named ? "" : p->gguf_paths[i], named ? "" : ": ", gerr);
        }
        else
            st = gguf_row(g, p->gguf_paths[i], p, kvb, row, err, errlen);
        if (st != CLLM_OK) {
            cllm_fit_advice_free(out);
            return st;
        }
    }
    for (int i = 0; i < p->n_hf; i++) {
        struct cllm_fit_row *row = add_row(out, &cap);
        struct cllm_gguf *g = NULL;
        if (!row) {
            snprintf(err, errlen, "out of memory");
            cllm_fit_advice_free(out);
            return CLLM_ERR_NOMEM;
        }
        st = hf_open(p->hf_files[i], &g, err, errlen);
        if (st == CLLM_OK) {
            st = gguf_row(g, p->hf_files[i], p, kvb, row, err, errlen);
            if (st == CLLM_OK) {
                cllm_strlcpy(row->origin, "hf", sizeof(row->origin));
                row->path[0] = '\0';
                row->downloaded = "no";
            }
        }
        if (st != CLLM_OK) {
            cllm_fit_advice_free(out);
            return st;
        }
    }
    cllm_fit_advise(out);
    return CLLM_OK;
}
