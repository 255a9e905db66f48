/* libllama loaded with dlopen, checked against the 0.5.0-dev layouts, its log routed into ours. */
#define _GNU_SOURCE
#include "llm/llama_api.h"

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/strutil.h"
#include "llm/cudabin.h"
#include "platform/dl.h"
#include "platform/fs.h"

#ifndef CLLM_SOURCE_DIR
#define CLLM_SOURCE_DIR "."
#endif

/* File names of libllama tried in a folder: the npm builds' versioned names (one per variant) first. */
static const char *const k_lib_names[] = {"libllama.v0.5.0.so", "libllama.vulkan.v0.5.0.so", "libllama.cuda.v0.5.0.so",
                                          "libllama.so", "libllama.dylib", "llama.dll", NULL};
/* Variants under .deps/llama/, most capable first: a GPU build still runs on the CPU. */
static const char *const k_variants[] = {"cuda", "vulkan", "cpu", NULL};

/* A GPU build is worth preferring only where a GPU device node exists (NVIDIA's, or a DRM render node). */
static bool variant_usable(const char *v)
{
    bool nvidia = access("/dev/nvidiactl", F_OK) == 0, dri = access("/dev/dri", F_OK) == 0;
    if (strcmp(v, "cuda") == 0)
        return nvidia;
    if (strcmp(v, "vulkan") == 0)
        return nvidia || dri;
    return true;
}

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cllm_llama g_api;
/* never closed: llama.cpp keeps global state; volatile keeps the store, so leak checkers see the handle */
static struct cllm_dl *volatile g_dl;
static int g_loaded;


/* ---- llama.cpp's log → CLLM_LOG ---- */

static pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;
static char g_log_line[1024];
static size_t g_log_len;
static int g_log_level = CLLM_GGML_LOG_INFO;
static char g_last_error[512];
static void (*g_tap)(const char *line, void *user);
static void *g_tap_user;

/* Quiet by default: llama.cpp's errors and warnings are our info (the caller reports a failure itself, with
 * the first error line appended), its info our debug. */
static enum cllm_log_level map_level(int ggml_level)
{
    switch (ggml_level) {
    case CLLM_GGML_LOG_ERROR:
    case CLLM_GGML_LOG_WARN:  return CLLM_LOG_INFO;
    default:                  return CLLM_LOG_DEBUG;
    }
}

static void flush_line_locked(void)
{
    while (g_log_len && (g_log_line[g_log_len - 1] == '\n' || g_log_line[g_log_len - 1] == '\r'))
        g_log_len--;
    g_log_line[g_log_len] = '\0';
    if (g_log_len) {
        /* the first error since the last take names the cause; later ones say "failed" again */
        if (g_log_level == CLLM_GGML_LOG_ERROR && !g_last_error[0])
            cllm_strlcpy(g_last_error, g_log_line, sizeof(g_last_error));
        CLLM_LOG(map_level(g_log_level), "llama.cpp: %s", g_log_line);
        if (g_tap)
            g_tap(g_log_line, g_tap_user);
    }
    g_log_len = 0;
}

/* llama.cpp sends pieces of lines (CONT continues the previous level): join them and log whole lines. */
static void on_llama_log(int level, const char *text, void *user_data)
{
    (void)user_data;
    if (!text)
        return;
    pthread_mutex_lock(&g_log_lock);
    if (level != CLLM_GGML_LOG_CONT && level != g_log_level) {
        if (g_log_len)
            flush_line_locked();
        g_log_level = level;
    }
    for (const char *p = text; *p; p++) {
        if (g_log_len + 1 < sizeof(g_log_line))
            g_log_line[g_log_len++] = *p;
        if (*p == '\n')
            flush_line_locked();
    }
    pthread_mutex_unlock(&g_log_lock);
}

void cllm_llama_log_tap(void (*fn)(const char *line, void *user), void *user)
{
    pthread_mutex_lock(&g_log_lock);
    if (g_log_len)
        flush_line_locked();
    g_tap = fn;
    g_tap_user = user;
    pthread_mutex_unlock(&g_log_lock);
}

void cllm_llama_take_error(char *out, size_t n)
{
    pthread_mutex_lock(&g_log_lock);
    if (out && n)
        cllm_strlcpy(out, g_last_error, n);
    g_last_error[0] = '\0';
    pthread_mutex_unlock(&g_log_lock);
}

/* ---- layout checks ---- */

#define SENTINEL   0xA5
#define RAW_BYTES  1024   /* room for a library whose struct grew: we see the overflow instead of a smashed stack */

/* A struct this large comes back through a hidden pointer to caller memory. On x86-64 (SysV and Windows) that
 * pointer travels as the first argument, so calling the function as f(buffer) hands it our sentinel-filled
 * buffer directly and we see every byte it writes, even past the struct we know. Elsewhere we call it typed
 * and check the fields only. */
struct raw_params { unsigned char b[RAW_BYTES]; };
#if defined(__x86_64__) || defined(_M_X64)
#define CLLM_RAW_SRET 1
typedef void (*raw_params_fn)(void *out);
#endif

static bool tail_untouched(const struct raw_params *r, size_t from, char *why, size_t n, const char *what)
{
    for (size_t i = from; i < from + 64; i++) {
        if (r->b[i] != SENTINEL) {
            cllm_errf(why, n, "%s: the library wrote past the %zu bytes of the 0.5.0-dev struct", what, from);
            return false;
        }
    }
    return true;
}

static bool raw_bool(const void *p, size_t off, bool want, const char *field, char *why, size_t n)
{
    unsigned char v = ((const unsigned char *)p)[off];
    if (v != (want ? 1 : 0)) {
        cllm_errf(why, n, "%s = %u, expected %s", field, v, want ? "true" : "false");
        return false;
    }
    return true;
}

#define CHECK_I(st, f, want)                                                                      \
    do {                                                                                          \
        if ((long long)(st)->f != (long long)(want)) {                                            \
            cllm_errf(why, n, #f " = %lld, expected %lld", (long long)(st)->f, (long long)(want));  \
            return false;                                                                         \
        }                                                                                         \
    } while (0)
#define CHECK_F(st, f, want)                                                                      \
    do {                                                                                          \
        if ((st)->f != (float)(want)) {                                                           \
            cllm_errf(why, n, #f " = %g, expected %g", (double)(st)->f, (double)(want));            \
            return false;                                                                         \
        }                                                                                         \
    } while (0)
#define CHECK_P(st, f)                                                                            \
    do {                                                                                          \
        if ((st)->f != NULL) {                                                                    \
            cllm_errf(why, n, #f " is not NULL");                                                   \
            return false;                                                                         \
        }                                                                                         \
    } while (0)
#define CHECK_B(st, type, f, want)                                                                \
    do {                                                                                          \
        if (!raw_bool((st), offsetof(type, f), (want), #f, why, n))                               \
            return false;                                                                         \
    } while (0)

bool cllm_llama_check_model_defaults(const struct cllm_llama_model_params *p, char *why, size_t n)
{
    typedef struct cllm_llama_model_params T;
    CHECK_P(p, devices);
    CHECK_P(p, tensor_buft_overrides);
    CHECK_I(p, n_gpu_layers, -1);
    CHECK_I(p, split_mode, CLLM_LLAMA_SPLIT_LAYER);
    CHECK_I(p, load_mode, CLLM_LLAMA_LOAD_AUTO);
    CHECK_I(p, lazy_mode, CLLM_LLAMA_LAZY_AUTO);
    CHECK_I(p, main_gpu, 0);
    CHECK_P(p, tensor_split);
    if (p->progress_callback) {
        cllm_errf(why, n, "progress_callback is not NULL");
        return false;
    }
    CHECK_P(p, progress_callback_user_data);
    CHECK_P(p, kv_overrides);
    CHECK_B(p, T, vocab_only, false);
    CHECK_B(p, T, check_tensors, false);
    CHECK_B(p, T, use_extra_bufts, true);
    CHECK_B(p, T, no_host, false);
    CHECK_B(p, T, no_alloc, false);
    CHECK_B(p, T, load_mtp, false);
    return true;
}

bool cllm_llama_check_context_defaults(const struct cllm_llama_context_params *p, char *why, size_t n)
{
    typedef struct cllm_llama_context_params T;
    CHECK_I(p, n_ctx, 512);
    CHECK_I(p, n_batch, 2048);
    CHECK_I(p, n_ubatch, 512);
    CHECK_I(p, n_seq_max, 1);
    CHECK_I(p, n_rs_seq, 0);
    CHECK_I(p, n_outputs_max, 0);
    CHECK_I(p, n_outputs_max_per_seq, 1);
    if (p->n_threads <= 0 || p->n_threads > 4096 || p->n_threads_batch <= 0 || p->n_threads_batch > 4096) {
        cllm_errf(why, n, "n_threads = %d / n_threads_batch = %d, expected small positive counts", (int)p->n_threads,
                (int)p->n_threads_batch);
        return false;
    }
    CHECK_I(p, ctx_type, 0);
    CHECK_I(p, rope_scaling_type, -1);
    CHECK_I(p, pooling_type, -1);
    CHECK_I(p, attention_type, -1);
    CHECK_I(p, flash_attn_type, CLLM_LLAMA_FLASH_ATTN_AUTO);
    CHECK_F(p, rope_freq_base, 0.0f);
    CHECK_F(p, rope_freq_scale, 0.0f);
    CHECK_F(p, yarn_ext_factor, -1.0f);
    CHECK_F(p, yarn_attn_factor, -1.0f);
    CHECK_F(p, yarn_beta_fast, -1.0f);
    CHECK_F(p, yarn_beta_slow, -1.0f);
    CHECK_I(p, yarn_orig_ctx, 0);
    CHECK_F(p, defrag_thold, -1.0f);
    CHECK_P(p, cb_eval);
    CHECK_P(p, cb_eval_user_data);
    CHECK_I(p, type_k, 1);
    CHECK_I(p, type_v, 1);
    CHECK_P(p, abort_callback);
    CHECK_P(p, abort_callback_data);
    CHECK_B(p, T, embeddings, false);
    CHECK_B(p, T, offload_kqv, true);
    CHECK_B(p, T, no_perf, true);
    CHECK_B(p, T, op_offload, true);
    CHECK_B(p, T, swa_full, true);
    CHECK_B(p, T, kv_unified, false);
    CHECK_P(p, samplers);
    CHECK_I(p, n_samplers, 0);
    CHECK_P(p, ctx_other);
    return true;
}

static bool check_quantize_defaults(const struct cllm_llama_quantize_params *p, char *why, size_t n)
{
    typedef struct cllm_llama_quantize_params T;
    CHECK_I(p, nthread, 0);
    CHECK_I(p, ftype, CLLM_LLAMA_FTYPE_Q8_0);
    /* GGML_TYPE_COUNT, "decided by ftype"; 43 in ggml 0.25.1 */
    CHECK_I(p, output_tensor_type, 43);
    CHECK_I(p, token_embedding_type, 43);
    CHECK_B(p, T, allow_requantize, false);
    CHECK_B(p, T, quantize_output_tensor, true);
    CHECK_B(p, T, only_copy, false);
    CHECK_B(p, T, pure, false);
    CHECK_B(p, T, keep_split, false);
    CHECK_B(p, T, dry_run, false);
    CHECK_P(p, imatrix);
    CHECK_P(p, kv_overrides);
    CHECK_P(p, tt_overrides);
    CHECK_P(p, prune_layers);
    CHECK_I(p, reserved_0x38, 0);
    CHECK_I(p, reserved_0x3c, 2);
    return true;
}

/* Calls one default-params function into a sentinel-filled buffer and checks what it wrote. */
static bool check_defaults(struct cllm_dl *dl, const char *sym, size_t size, const char *struct_name,
                           bool (*check)(const void *, char *, size_t), char *why, size_t n)
{
    static struct raw_params r;   /* static: 1 KiB off the stack; loads are serialised by g_lock */
    void *addr = cllm_dl_sym(dl, sym);
    char detail[256] = "";

    if (!addr) {
        cllm_errf(why, n, "%s() is missing", sym);
        return false;
    }
    memset(&r, SENTINEL, sizeof(r));
#ifdef CLLM_RAW_SRET
    {
        raw_params_fn fn;
        memcpy(&fn, &addr, sizeof(fn));
        fn(r.b);
    }
    if (!tail_untouched(&r, size, detail, sizeof(detail), struct_name)) {
        cllm_errf(why, n, "%s() gives %s", sym, detail);
        return false;
    }
#else
    if (strcmp(sym, "llama_model_default_params") == 0) {
        struct cllm_llama_model_params (*fn)(void);
        struct cllm_llama_model_params v;
        memcpy(&fn, &addr, sizeof(fn));
        v = fn();
        memcpy(r.b, &v, sizeof(v));
    } else if (strcmp(sym, "llama_context_default_params") == 0) {
        struct cllm_llama_context_params (*fn)(void);
        struct cllm_llama_context_params v;
        memcpy(&fn, &addr, sizeof(fn));
        v = fn();
        memcpy(r.b, &v, sizeof(v));
    } else {
        struct cllm_llama_quantize_params (*fn)(void);
        struct cllm_llama_quantize_params v;
        memcpy(&fn, &addr, sizeof(fn));
        v = fn();
        memcpy(r.b, &v, sizeof(v));
    }
    (void)size;
    (void)struct_name;
#endif
    if (!check(r.b, detail, sizeof(detail))) {
        cllm_errf(why, n, "%s() gives %s", sym, detail);
        return false;
    }
    return true;
}

/* Copied out of the byte buffer (which has no struct alignment); bools are then read as raw bytes, since a
 * stray sentinel byte is not a valid bool. */
static bool check_model_raw(const void *b, char *why, size_t n)
{
    struct cllm_llama_model_params p;
    memcpy(&p, b, sizeof(p));
    return cllm_llama_check_model_defaults(&p, why, n);
}

static bool check_context_raw(const void *b, char *why, size_t n)
{
    struct cllm_llama_context_params p;
    memcpy(&p, b, sizeof(p));
    return cllm_llama_check_context_defaults(&p, why, n);
}

static bool check_quantize_raw(const void *b, char *why, size_t n)
{
    struct cllm_llama_quantize_params p;
    memcpy(&p, b, sizeof(p));
    return check_quantize_defaults(&p, why, n);
}

/* ---- finding the library ---- */

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The libllama file in `dir`, or false. */
static bool lib_in_dir(const char *dir, char *out, size_t n)
{
    for (size_t i = 0; k_lib_names[i]; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", dir, k_lib_names[i]);
        if (is_file(p)) {
            cllm_strlcpy(out, p, n);
            return true;
        }
    }
    return false;
}

static void append_tried(char *err, size_t errlen, const char *what)
{
    size_t used;
    if (!err || !errlen)
        return;
    used = strnlen(err, errlen);
    if (used + 1 < errlen && snprintf(err + used, errlen - used, "%s%s", used ? ", " : "", what) < 0)
        err[used] = '\0';
}

/* The first variant folder of llama_dir (".../llama") holding a libllama: on the first pass only variants this
 * machine's devices can use, on the second any installed one. Its real path goes to out. */
static bool find_variant(const char *llama_dir, char *out, size_t n)
{
    for (size_t v = 0, pass = 0; pass < 2; v = k_variants[v + 1] ? v + 1 : (pass++, 0)) {
        char dir[PATH_MAX + 32], lib[PATH_MAX + 64];
        if (pass == 0 && !variant_usable(k_variants[v]))
            continue;
        if (snprintf(dir, sizeof(dir), "%s/%s", llama_dir, k_variants[v]) >= (int)sizeof(dir))
            continue;
        if (lib_in_dir(dir, lib, sizeof(lib))) {
            char real[PATH_MAX];
            cllm_strlcpy(out, realpath(dir, real) ? real : dir, n);
            return true;
        }
    }
    return false;
}

enum cllm_status cllm_llama_find(char *out, size_t n, char *err, size_t errlen)
{
    char bases[4][PATH_MAX];
    int nb = 0;
    char exe[PATH_MAX];
    ssize_t len;
    char tried[2048] = "";

    /* installed: P/bin/computellm uses P/lib/computellm/llama/<variant> (cmake --install), before any source tree */
    if (cllm_fs_exe_relative("../lib/computellm/llama", exe, sizeof(exe))) {
        if (find_variant(exe, out, n))
            return CLLM_OK;
        append_tried(tried, sizeof(tried), strncat(exe, "/*", sizeof(exe) - strlen(exe) - 1));
    }
    cllm_strlcpy(bases[nb++], CLLM_SOURCE_DIR, PATH_MAX);
    /* the binary in build/ or a test in build/tests/: the checkout is one or two folders up */
    len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        char *slash;
        exe[len] = '\0';
        if ((slash = strrchr(exe, '/')) != NULL) {
            *slash = '\0';
            if (snprintf(bases[nb], PATH_MAX, "%s/..", exe) < PATH_MAX)
                nb++;
            if (snprintf(bases[nb], PATH_MAX, "%s/../..", exe) < PATH_MAX)
                nb++;
        }
    }
    if (!getcwd(bases[nb], PATH_MAX))
        cllm_strlcpy(bases[nb], ".", PATH_MAX);
    nb++;
    /* the same folder reached two ways is tried (and listed) once */
    for (int b = 0; b < nb; b++) {
        char real[PATH_MAX];
        if (realpath(bases[b], real))
            cllm_strlcpy(bases[b], real, PATH_MAX);
        for (int k = 0; k < b; k++) {
            if (strcmp(bases[k], bases[b]) == 0) {
                memmove(bases[b], bases[b + 1], (size_t)(nb - b - 1) * PATH_MAX);
                nb--;
                b--;
                break;
            }
        }
    }

    for (int b = 0; b < nb; b++) {
        char where[PATH_MAX + 32];
        if (strcmp(bases[b], "/") == 0)
            bases[b][0] = '\0';   /* "" + "/.deps": no double slash */
        if (snprintf(where, sizeof(where), "%s/.deps/llama", bases[b]) >= (int)sizeof(where) - 2)
            continue;
        if (find_variant(where, out, n))
            return CLLM_OK;
        append_tried(tried, sizeof(tried), strcat(where, "/*"));
    }
    cllm_errf(err, errlen, "no libllama in %s: run scripts/setup (it installs the pinned llama.cpp build into "
            ".deps/), or name one with --llama-lib / " CLLM_LLAMA_LIB_ENV, tried);
    return CLLM_ERR_NOT_FOUND;
}

/* Resolves lib_path_or_dir (or the defaults) to the absolute path of a libllama file. */
static enum cllm_status resolve_lib(const char *arg, char *lib, size_t n, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    const char *env = getenv(CLLM_LLAMA_LIB_ENV);

    if (!arg || !arg[0])
        arg = (env && env[0]) ? env : NULL;
    if (!arg) {
        enum cllm_status st = cllm_llama_find(dir, sizeof(dir), err, errlen);
        if (st != CLLM_OK)
            return st;
        arg = dir;
    }
    if (is_dir(arg)) {
        if (!lib_in_dir(arg, lib, n)) {
            cllm_errf(err, errlen, "no libllama (libllama*.v0.5.0.so or libllama.so) in %s", arg);
            return CLLM_ERR_NOT_FOUND;
        }
    } else if (is_file(arg)) {
        cllm_strlcpy(lib, arg, n);
    } else {
        cllm_errf(err, errlen, "libllama %s: no such file or folder", arg);
        return CLLM_ERR_NOT_FOUND;
    }
    {
        char real[PATH_MAX];
        if (realpath(lib, real))
            cllm_strlcpy(lib, real, n);
    }
    return CLLM_OK;
}

/* ---- the symbol table ---- */

#define REQ(field, name) {{name, NULL, NULL, NULL}, (void **)&A->field, true}
#define OPT(field, name) {{name, NULL, NULL, NULL}, (void **)&A->field, false}

static enum cllm_status load_symbols(struct cllm_dl *dl, struct cllm_llama *A, char *err, size_t errlen)
{
    const struct cllm_dl_sym_spec specs[] = {
        REQ(model_default_params, "llama_model_default_params"),
        REQ(context_default_params, "llama_context_default_params"),
        REQ(sampler_chain_default_params, "llama_sampler_chain_default_params"),
        REQ(backend_init, "llama_backend_init"),
        REQ(log_set, "llama_log_set"),
        REQ(print_system_info, "llama_print_system_info"),
        REQ(supports_gpu_offload, "llama_supports_gpu_offload"),
        REQ(model_load_from_file, "llama_model_load_from_file"),
        REQ(model_free, "llama_model_free"),
        REQ(init_from_model, "llama_init_from_model"),
        REQ(free, "llama_free"),
        REQ(model_get_vocab, "llama_model_get_vocab"),
        REQ(model_n_params, "llama_model_n_params"),
        REQ(model_size, "llama_model_size"),
        REQ(model_desc, "llama_model_desc"),
        REQ(model_chat_template, "llama_model_chat_template"),
        REQ(model_n_layer, "llama_model_n_layer"),
        REQ(tokenize, "llama_tokenize"),
        REQ(token_to_piece, "llama_token_to_piece"),
        REQ(vocab_bos, "llama_vocab_bos"),
        REQ(vocab_eos, "llama_vocab_eos"),
        REQ(vocab_is_eog, "llama_vocab_is_eog"),
        REQ(vocab_n_tokens, "llama_vocab_n_tokens"),
        REQ(chat_apply_template, "llama_chat_apply_template"),
        REQ(batch_get_one, "llama_batch_get_one"),
        REQ(decode, "llama_decode"),
        REQ(get_memory, "llama_get_memory"),
        REQ(memory_clear, "llama_memory_clear"),
        REQ(n_ctx, "llama_n_ctx"),
        REQ(n_batch, "llama_n_batch"),
        REQ(sampler_chain_init, "llama_sampler_chain_init"),
        REQ(sampler_chain_add, "llama_sampler_chain_add"),
        REQ(sampler_sample, "llama_sampler_sample"),
        REQ(sampler_accept, "llama_sampler_accept"),
        REQ(sampler_reset, "llama_sampler_reset"),
        REQ(sampler_free, "llama_sampler_free"),
        REQ(sampler_init_penalties, "llama_sampler_init_penalties"),
        REQ(sampler_init_top_k, "llama_sampler_init_top_k"),
        REQ(sampler_init_top_p, "llama_sampler_init_top_p"),
        REQ(sampler_init_temp, "llama_sampler_init_temp"),
        REQ(sampler_init_dist, "llama_sampler_init_dist"),
        REQ(sampler_init_greedy, "llama_sampler_init_greedy"),
        REQ(perf_context, "llama_perf_context"),
        REQ(perf_context_reset, "llama_perf_context_reset"),
        REQ(perf_sampler, "llama_perf_sampler"),
        REQ(model_quantize_default_params, "llama_model_quantize_default_params"),
        REQ(model_quantize, "llama_model_quantize"),
        OPT(llama_version_fn, "llama_version"),
        /* ggml: found through libllama's own dependencies (dlsym searches them) */
        REQ(ggml_backend_load_all_from_path, "ggml_backend_load_all_from_path"),
        REQ(ggml_backend_dev_count, "ggml_backend_dev_count"),
        REQ(ggml_backend_dev_get, "ggml_backend_dev_get"),
        REQ(ggml_backend_dev_name, "ggml_backend_dev_name"),
        REQ(ggml_backend_dev_description, "ggml_backend_dev_description"),
        REQ(ggml_backend_dev_type, "ggml_backend_dev_type"),
        REQ(ggml_backend_dev_memory, "ggml_backend_dev_memory"),
        REQ(ggml_backend_dev_backend_reg, "ggml_backend_dev_backend_reg"),
        REQ(ggml_backend_reg_name, "ggml_backend_reg_name"),
        OPT(ggml_version_fn, "ggml_version"),
        OPT(ggml_commit_fn, "ggml_commit"),
        OPT(ggml_log_set, "ggml_log_set"),
        OPT(synchronize, "llama_synchronize"),
        OPT(get_logits_ith, "llama_get_logits_ith"),
        OPT(state_seq_get_size, "llama_state_seq_get_size"),
        OPT(state_seq_get_data, "llama_state_seq_get_data"),
        OPT(state_seq_set_data, "llama_state_seq_set_data"),
        OPT(attach_threadpool, "llama_attach_threadpool"),
        OPT(detach_threadpool, "llama_detach_threadpool"),
        OPT(vocab_get_add_bos, "llama_vocab_get_add_bos"),
        OPT(set_sampler, "llama_set_sampler"),
        OPT(get_sampled_token_ith, "llama_get_sampled_token_ith"),
        OPT(get_sampled_candidates_count_ith, "llama_get_sampled_candidates_count_ith"),
        OPT(get_sampled_candidates_ith, "llama_get_sampled_candidates_ith"),
        OPT(get_sampled_logits_ith, "llama_get_sampled_logits_ith"),
        OPT(get_sampled_logits_count_ith, "llama_get_sampled_logits_count_ith"),
        OPT(ggml_threadpool_params_default, "ggml_threadpool_params_default"),
        OPT(ggml_backend_reg_get_proc_address, "ggml_backend_reg_get_proc_address"),
        OPT(ggml_backend_dev_get_props, "ggml_backend_dev_get_props"),
        OPT(ggml_backend_load, "ggml_backend_load"),
        OPT(ggml_backend_reg_by_name, "ggml_backend_reg_by_name"),
        OPT(ggml_backend_register, "ggml_backend_register"),
        OPT(ggml_backend_reg_dev_count, "ggml_backend_reg_dev_count"),
        OPT(ggml_quantize_init, "ggml_quantize_init"),
        OPT(ggml_quantize_chunk, "ggml_quantize_chunk"),
        OPT(ggml_validate_row_data, "ggml_validate_row_data"),
    };
    return cllm_dl_load_syms(dl, specs, sizeof(specs) / sizeof(specs[0]), err, errlen);
}

static void variant_of(const char *dir, char *out, size_t n)
{
    const char *base = strrchr(dir, '/');
    base = base ? base + 1 : dir;
    out[0] = '\0';
    for (size_t v = 0; k_variants[v]; v++)
        if (strcmp(base, k_variants[v]) == 0 && (strstr(dir, "/.deps/llama/") || strstr(dir, "/computellm/llama/")))
            cllm_strlcpy(out, base, n);
}

/* The best of the CPU backend's variants in dir (libggml-cpu-<variant>.so, each asked for its
 * ggml_backend_score as ggml does), else libggml-cpu.so; "" when there is none. */
static void best_cpu_backend(const char *dir, char *out, size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int best = 0;
    out[0] = '\0';
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[PATH_MAX + 256], dlerr[256];
        const char *names[] = {path, NULL};
        struct cllm_dl *dl;
        void *sym;
        if (strncmp(e->d_name, "libggml-cpu-", 12) != 0 || len < 4 || strcmp(e->d_name + len - 3, ".so") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if ((dl = cllm_dl_open_first(names, dlerr, sizeof(dlerr))) == NULL)
            continue;
        if ((sym = cllm_dl_sym(dl, "ggml_backend_score")) != NULL) {
            int (*score)(void);
            int s;
            memcpy(&score, &sym, sizeof(score));
            s = score();
            if (s > best) {
                best = s;
                cllm_strlcpy(out, path, n);
            }
        }
        cllm_dl_close(dl);
    }
    if (d)
        closedir(d);
    if (!out[0]) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof(path), "%s/libggml-cpu.so", dir);
        if (is_file(path))
            cllm_strlcpy(out, path, n);
    }
}

/* What ggml_backend_load_all_from_path(dir) loads, one by one, with `cuda` (NULL: none) as the CUDA backend:
 * every libggml-<name>.so of dir but libggml-base and the CUDA one, the best CPU variant, $GGML_BACKEND_PATH.
 * False when `cuda` could not be loaded (why, from the loader, appended to A->cuda_note). */
static bool load_backends_with(struct cllm_llama *A, const char *cuda)
{
    DIR *d = opendir(A->lib_dir);
    struct dirent *e;
    char cpu[PATH_MAX + 256];
    const char *extra = getenv("GGML_BACKEND_PATH");
    bool ok = true;
    if (cuda && !A->ggml_backend_load(cuda)) {
        /* ggml logs the loader's error at its debug level only: ask the loader ourselves */
        const char *names[] = {cuda, NULL};
        char dlerr[512] = "";
        struct cllm_dl *dl = cllm_dl_open_first(names, dlerr, sizeof(dlerr));
        size_t used = strlen(A->cuda_note);
        if (dl)
            cllm_dl_close(dl);
        snprintf(A->cuda_note + used, sizeof(A->cuda_note) - used, "; but it could not be loaded: %s",
                 dlerr[0] ? dlerr : "its ggml_backend_init failed");
        ok = false;
    }
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[PATH_MAX + 256];
        if (strncmp(e->d_name, "libggml-", 8) != 0 || len < 4 || strcmp(e->d_name + len - 3, ".so") != 0 ||
            strcmp(e->d_name, "libggml-base.so") == 0 || strcmp(e->d_name, "libggml-cuda.so") == 0 ||
            strncmp(e->d_name, "libggml-cpu", 11) == 0 || strchr(e->d_name + 8, '-'))
            continue;
        snprintf(path, sizeof(path), "%s/%s", A->lib_dir, e->d_name);
        A->ggml_backend_load(path);
    }
    if (d)
        closedir(d);
    best_cpu_backend(A->lib_dir, cpu, sizeof(cpu));
    if (cpu[0])
        A->ggml_backend_load(cpu);
    if (extra && extra[0])
        A->ggml_backend_load(extra);
    return ok;
}

/* The ggml backends beside the library. A folder with a CUDA backend is checked against the GPUs the CUDA
 * driver shows (llm/cudabin.h) first: node-llama-cpp's main CUDA build has code for some GPUs only, its
 * fallback/ build for older ones through PTX, and a build the GPU cannot run aborts at the first kernel. */
static void load_backends(struct cllm_llama *A)
{
    char main_cuda[PATH_MAX + 32], fallback[PATH_MAX + 48];
    const char *force = getenv(CLLM_LLAMA_CUDA_BUILD_ENV);
    enum cllm_cudabin_pick pick;
    int cc[CLLM_CUDABIN_MAX_GPUS], driver = 0, n;

    A->cuda_build[0] = A->cuda_note[0] = '\0';
    snprintf(main_cuda, sizeof(main_cuda), "%s/libggml-cuda.so", A->lib_dir);
    snprintf(fallback, sizeof(fallback), "%s/fallback/libggml-cuda.so", A->lib_dir);
    if (!is_file(main_cuda) || !A->ggml_backend_load) {
        A->ggml_backend_load_all_from_path(A->lib_dir);
        return;
    }
    if (force && (strcmp(force, "main") == 0 || (strcmp(force, "fallback") == 0 && is_file(fallback)))) {
        cllm_strlcpy(A->cuda_build, force, sizeof(A->cuda_build));
        snprintf(A->cuda_note, sizeof(A->cuda_note), "the %s CUDA build, as " CLLM_LLAMA_CUDA_BUILD_ENV " says",
                 force);
        if (strcmp(force, "main") == 0)
            A->ggml_backend_load_all_from_path(A->lib_dir);
        else if (!load_backends_with(A, fallback)) {
            cllm_strlcpy(A->cuda_build, "none", sizeof(A->cuda_build));
            CLLM_LOG(CLLM_LOG_WARN, "no CUDA backend from %s: %s", A->lib_dir, A->cuda_note);
        }
        return;
    }
    n = access("/dev/nvidiactl", F_OK) == 0 ? cllm_cudabin_gpus(cc, CLLM_CUDABIN_MAX_GPUS, &driver, A->cuda_note,
                                                                 sizeof(A->cuda_note))
                                            : 0;
    if (n <= 0) {
        if (!A->cuda_note[0])
            cllm_strlcpy(A->cuda_note, "no NVIDIA GPU (no /dev/nvidiactl)", sizeof(A->cuda_note));
        A->ggml_backend_load_all_from_path(A->lib_dir);
        return;
    }
    pick = cllm_cudabin_pick(main_cuda, is_file(fallback) ? fallback : NULL, cc, n, driver, A->cuda_note,
                             sizeof(A->cuda_note));
    switch (pick) {
    case CLLM_CUDABIN_MAIN:
        CLLM_LOG(CLLM_LOG_DEBUG, "CUDA backend of %s: %s", A->lib_dir, A->cuda_note);
        cllm_strlcpy(A->cuda_build, "main", sizeof(A->cuda_build));
        A->ggml_backend_load_all_from_path(A->lib_dir);
        break;
    case CLLM_CUDABIN_FALLBACK:
        cllm_strlcpy(A->cuda_build, "fallback", sizeof(A->cuda_build));
        if (load_backends_with(A, fallback)) {
            CLLM_LOG(CLLM_LOG_INFO, "CUDA backend of %s: %s", A->lib_dir, A->cuda_note);
        } else {
            /* the other backends are loaded: the run goes on without CUDA, and says so */
            cllm_strlcpy(A->cuda_build, "none", sizeof(A->cuda_build));
            CLLM_LOG(CLLM_LOG_WARN, "no CUDA backend from %s: %s", A->lib_dir, A->cuda_note);
        }
        break;
    case CLLM_CUDABIN_NONE:
        CLLM_LOG(CLLM_LOG_WARN, "no CUDA backend from %s: %s", A->lib_dir, A->cuda_note);
        /* loading it would abort the process at the first kernel: the other backends only */
        cllm_strlcpy(A->cuda_build, "none", sizeof(A->cuda_build));
        load_backends_with(A, NULL);
        break;
    }
}

/* Opens `lib`, checks it and fills a fresh table; on refusal the library is unloaded. */
static enum cllm_status open_checked(const char *lib, char *err, size_t errlen)
{
    const char *names[] = {lib, NULL};
    struct cllm_llama A;
    struct cllm_dl *dl;
    char dlerr[1024] = "", why[384] = "";
    const char *(*version_fn)(void) = NULL;
    const char *version;
    enum cllm_status st;
    void *addr;
    const char *any = getenv(CLLM_LLAMA_ANY_VERSION_ENV);

    memset(&A, 0, sizeof(A));
#if defined(__linux__)
    /* The C++ runtime first, in the global scope, as a C++ program has it: loaded as libllama's dependency it
     * comes after the ggml libraries in the lookup order, and a libggml-cuda that exports weak copies of
     * libstdc++ templates (built by nvcc with GCC 13) then serves libllama's iostream calls with code made for
     * another libstdc++ — a crash in llama_model_load (seen on an H100 machine with a llama.cpp built there). */
    if (!cllm_dl_preload_global("libstdc++.so.6", dlerr, sizeof(dlerr)))
        CLLM_LOG(CLLM_LOG_DEBUG, "libstdc++.so.6 not preloaded: %s", dlerr);
    dlerr[0] = '\0';
#endif
    dl = cllm_dl_open_first(names, dlerr, sizeof(dlerr));
    if (!dl) {
        cllm_errf(err, errlen, "cannot load libllama %s: %s", lib, dlerr);
        return CLLM_ERR_LIBRARY;
    }
    addr = cllm_dl_sym(dl, "llama_version");
    if (!addr) {
        cllm_errf(err, errlen, "libllama %s has no llama_version(): it predates the supported %s; install the "
                "pinned build with scripts/setup", lib, CLLM_LLAMA_SUPPORTED_VERSION);
        st = CLLM_ERR_LIBRARY;
        goto refuse;
    }
    memcpy(&version_fn, &addr, sizeof(version_fn));
    version = version_fn();
    if (!version)
        version = "(null)";
    if (strcmp(version, CLLM_LLAMA_SUPPORTED_VERSION) != 0 && !(any && strcmp(any, "1") == 0)) {
        cllm_errf(err, errlen, "libllama %s is version %s; this build of ComputeLLM supports %s (struct layouts "
                "differ between versions): install it with scripts/setup, or set " CLLM_LLAMA_ANY_VERSION_ENV
                "=1 to try anyway", lib, version, CLLM_LLAMA_SUPPORTED_VERSION);
        st = CLLM_ERR_LIBRARY;
        goto refuse;
    }
    if (!check_defaults(dl, "llama_model_default_params", sizeof(struct cllm_llama_model_params),
                        "llama_model_params", check_model_raw, why, sizeof(why)) ||
        !check_defaults(dl, "llama_context_default_params", sizeof(struct cllm_llama_context_params),
                        "llama_context_params", check_context_raw, why, sizeof(why)) ||
        !check_defaults(dl, "llama_model_quantize_default_params", sizeof(struct cllm_llama_quantize_params),
                        "llama_model_quantize_params", check_quantize_raw, why, sizeof(why))) {
        cllm_errf(err, errlen, "libllama %s (version %s) does not match the %s layout: %s", lib, version,
                CLLM_LLAMA_SUPPORTED_VERSION, why);
        st = CLLM_ERR_LIBRARY;
        goto refuse;
    }
    st = load_symbols(dl, &A, err, errlen);
    if (st != CLLM_OK)
        goto refuse;

    cllm_strlcpy(A.lib_path, lib, sizeof(A.lib_path));
    cllm_strlcpy(A.lib_dir, lib, sizeof(A.lib_dir));
    {
        char *slash = strrchr(A.lib_dir, '/');
        if (slash)
            *slash = '\0';
        else
            cllm_strlcpy(A.lib_dir, ".", sizeof(A.lib_dir));
    }
    variant_of(A.lib_dir, A.variant, sizeof(A.variant));
    cllm_strlcpy(A.version, version, sizeof(A.version));
    if (A.ggml_version_fn && A.ggml_version_fn())
        cllm_strlcpy(A.ggml_version, A.ggml_version_fn(), sizeof(A.ggml_version));
    if (A.ggml_commit_fn && A.ggml_commit_fn())
        cllm_strlcpy(A.ggml_commit, A.ggml_commit_fn(), sizeof(A.ggml_commit));
    if (strcmp(version, CLLM_LLAMA_SUPPORTED_VERSION) != 0)
        CLLM_LOG(CLLM_LOG_WARN, "libllama %s is version %s, not %s: accepted because " CLLM_LLAMA_ANY_VERSION_ENV
                 "=1 and its layouts match", lib, version, CLLM_LLAMA_SUPPORTED_VERSION);

    /* the log first, so that loading the backends does not print on stderr */
    A.log_set(on_llama_log, NULL);
    if (A.ggml_log_set)
        A.ggml_log_set(on_llama_log, NULL);
    load_backends(&A);
    A.backend_init();

    g_api = A;
    g_dl = dl;
    CLLM_LOG(CLLM_LOG_INFO, "libllama %s: llama %s, ggml %s (%s), %zu device(s)", lib, g_api.version,
             g_api.ggml_version[0] ? g_api.ggml_version : "?", g_api.ggml_commit[0] ? g_api.ggml_commit : "?",
             g_api.ggml_backend_dev_count());
    return CLLM_OK;

refuse:
    cllm_dl_close(dl);
    return st;
}

enum cllm_status cllm_llama_load(const char *lib_path_or_dir, const struct cllm_llama **out, char *err,
                                 size_t errlen)
{
    char lib[PATH_MAX];
    enum cllm_status st;

    if (err && errlen)
        err[0] = '\0';
    if (out)
        *out = NULL;
    pthread_mutex_lock(&g_lock);
    if (g_loaded && (!lib_path_or_dir || !lib_path_or_dir[0])) {
        st = CLLM_OK;
        goto done;
    }
    st = resolve_lib(lib_path_or_dir, lib, sizeof(lib), err, errlen);
    if (st != CLLM_OK)
        goto done;
    if (g_loaded) {
        if (strcmp(lib, g_api.lib_path) != 0) {
            cllm_errf(err, errlen, "libllama %s is already loaded in this process; cannot also load %s",
                    g_api.lib_path, lib);
            st = CLLM_ERR_INVALID_ARG;
        }
        goto done;
    }
    st = open_checked(lib, err, errlen);
    if (st == CLLM_OK)
        g_loaded = 1;
done:
    if (st == CLLM_OK && out)
        *out = &g_api;
    pthread_mutex_unlock(&g_lock);
    return st;
}

const struct cllm_llama *cllm_llama_get(void)
{
    const struct cllm_llama *r;
    pthread_mutex_lock(&g_lock);
    r = g_loaded ? &g_api : NULL;
    pthread_mutex_unlock(&g_lock);
    return r;
}

int cllm_llama_devices(const struct cllm_llama *L, struct cllm_llama_device *out, int max)
{
    size_t count;
    int n = 0;

    if (!L || !out || max <= 0)
        return 0;
    count = L->ggml_backend_dev_count();
    for (size_t i = 0; i < count && n < max; i++) {
        struct ggml_backend_device *d = L->ggml_backend_dev_get(i);
        struct cllm_llama_device *o = &out[n];
        const char *s;
        void *reg;
        size_t free_b = 0, total_b = 0;

        if (!d)
            continue;
        memset(o, 0, sizeof(*o));
        o->handle = d;
        s = L->ggml_backend_dev_name(d);
        cllm_strlcpy(o->name, s ? s : "", sizeof(o->name));
        s = L->ggml_backend_dev_description(d);
        cllm_strlcpy(o->description, s ? s : "", sizeof(o->description));
        reg = L->ggml_backend_dev_backend_reg(d);
        s = reg ? L->ggml_backend_reg_name(reg) : NULL;
        cllm_strlcpy(o->backend, s ? s : "", sizeof(o->backend));
        o->type = L->ggml_backend_dev_type(d);
        L->ggml_backend_dev_memory(d, &free_b, &total_b);
        o->memory_total_gb = total_b ? (double)total_b / (1024.0 * 1024.0 * 1024.0) : NAN;
        o->memory_free_gb = total_b ? (double)free_b / (1024.0 * 1024.0 * 1024.0) : NAN;
        if (L->ggml_backend_dev_get_props) {
            struct cllm_ggml_dev_props props;
            memset(&props, 0, sizeof(props));
            L->ggml_backend_dev_get_props(d, &props);
            cllm_strlcpy(o->device_id, props.device_id ? props.device_id : "", sizeof(o->device_id));
        }
        n++;
    }
    return n;
}

/* ggml_threadpool_new / _free live in the CPU backend (a libggml-cpu-*.so variant loaded at run time): reached
 * through its registry, as llama-bench does. */
static void *cpu_proc(const struct cllm_llama *L, const char *name)
{
    size_t count;
    if (!L || !L->ggml_backend_reg_get_proc_address)
        return NULL;
    count = L->ggml_backend_dev_count();
    for (size_t i = 0; i < count; i++) {
        struct ggml_backend_device *d = L->ggml_backend_dev_get(i);
        void *reg;
        if (!d || L->ggml_backend_dev_type(d) != CLLM_GGML_DEV_CPU)
            continue;
        reg = L->ggml_backend_dev_backend_reg(d);
        return reg ? L->ggml_backend_reg_get_proc_address(reg, name) : NULL;
    }
    return NULL;
}

struct ggml_threadpool *cllm_llama_threadpool_new(const struct cllm_llama *L, int n_threads, int poll)
{
    struct ggml_threadpool *(*tp_new)(struct cllm_ggml_threadpool_params *p);
    struct cllm_ggml_threadpool_params tpp;
    void *addr = cpu_proc(L, "ggml_threadpool_new");

    if (!addr || !L->ggml_threadpool_params_default || !L->attach_threadpool || n_threads <= 0)
        return NULL;
    memcpy(&tp_new, &addr, sizeof(tp_new));
    tpp = L->ggml_threadpool_params_default(n_threads);
    tpp.poll = (uint32_t)(poll < 0 ? 0 : poll > 100 ? 100 : poll);
    return tp_new(&tpp);
}

void cllm_llama_threadpool_free(const struct cllm_llama *L, struct ggml_threadpool *tp)
{
    void (*tp_free)(struct ggml_threadpool *t);
    void *addr;
    if (!tp)
        return;
    addr = cpu_proc(L, "ggml_threadpool_free");
    if (!addr)
        return;   /* cannot happen once _new was found; leaking the pool beats calling nothing */
    memcpy(&tp_free, &addr, sizeof(tp_free));
    tp_free(tp);
}

/* ---- llama.cpp's RPC backend ---- */

static pthread_mutex_t g_rpc_lock = PTHREAD_MUTEX_INITIALIZER;
static void *g_rpc_reg;                 /* the RPC backend's registry, once found or loaded */
static char g_rpc_path[PATH_MAX];
static struct {
    char endpoint[272];
    int  n_devices;
} g_rpc_servers[64];                    /* servers whose devices are registered in this process */
static int g_rpc_n;

enum cllm_status cllm_llama_rpc_load(const struct cllm_llama *L, const char *rpc_lib, char *path_out, size_t n,
                                     char *err, size_t errlen)
{
    char tried[PATH_MAX * 2] = "";
    const char *env = getenv(CLLM_RPC_LIB_ENV);
    char src_lib[PATH_MAX];
    const char *cands[3];
    int nc = 0;
    enum cllm_status st = CLLM_OK;

    if (path_out && n)
        path_out[0] = '\0';
    if (!L || !L->ggml_backend_reg_by_name || !L->ggml_backend_load || !L->ggml_backend_register ||
        !L->ggml_backend_reg_get_proc_address) {
        cllm_errf(err, errlen, "the loaded libllama's ggml lacks ggml_backend_load / ggml_backend_reg_by_name: it "
                  "cannot take llama.cpp's RPC backend");
        return CLLM_ERR_UNSUPPORTED;
    }
    pthread_mutex_lock(&g_rpc_lock);
    if (g_rpc_reg)
        goto done;
    g_rpc_reg = L->ggml_backend_reg_by_name("RPC");
    if (g_rpc_reg) {
        cllm_strlcpy(g_rpc_path, "built into the loaded library", sizeof(g_rpc_path));
        goto done;
    }
    snprintf(src_lib, sizeof(src_lib), "%s/.deps/llama-rpc/lib/libggml-rpc.so", CLLM_SOURCE_DIR);
    if (rpc_lib && rpc_lib[0])
        cands[nc++] = rpc_lib;
    else {
        if (env && env[0])
            cands[nc++] = env;
        cands[nc++] = src_lib;
    }
    for (int i = 0; i < nc && !g_rpc_reg; i++) {
        struct stat sb;
        size_t used = strlen(tried);
        snprintf(tried + used, sizeof(tried) - used, "%s%s", used ? ", " : "", cands[i]);
        if (stat(cands[i], &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        /* ggml checks the backend's API version and registers it; NULL when it refuses */
        if (!L->ggml_backend_load(cands[i])) {
            char last[512];
            cllm_llama_take_error(last, sizeof(last));
            cllm_errf(err, errlen, "ggml refused the RPC backend %s%s%s: it must be built from the same llama.cpp "
                      "release as the libllama (%s): run scripts/setup --rpc", cands[i], last[0] ? ": " : "", last,
                      L->lib_path);
            st = CLLM_ERR_LIBRARY;
            goto done;
        }
        g_rpc_reg = L->ggml_backend_reg_by_name("RPC");
        cllm_strlcpy(g_rpc_path, cands[i], sizeof(g_rpc_path));
    }
    if (!g_rpc_reg) {
        cllm_errf(err, errlen, "llama.cpp's RPC backend is not installed (tried %s): run scripts/setup --rpc, or "
                  "name a libggml-rpc.so with " CLLM_RPC_LIB_ENV, tried);
        st = CLLM_ERR_NOT_FOUND;
    }
done:
    if (st == CLLM_OK && path_out && n)
        cllm_strlcpy(path_out, g_rpc_path, n);
    pthread_mutex_unlock(&g_rpc_lock);
    return st;
}

enum cllm_status cllm_llama_rpc_add_server(const struct cllm_llama *L, const char *endpoint, int *n_devices,
                                           char *err, size_t errlen)
{
    void *(*add_server)(const char *endpoint);
    void *addr, *reg;
    enum cllm_status st = CLLM_OK;

    *n_devices = 0;
    pthread_mutex_lock(&g_rpc_lock);
    if (!g_rpc_reg) {
        cllm_errf(err, errlen, "the RPC backend is not loaded (cllm_llama_rpc_load first)");
        st = CLLM_ERR_INTERNAL;
        goto done;
    }
    for (int i = 0; i < g_rpc_n; i++) {
        if (strcmp(g_rpc_servers[i].endpoint, endpoint) == 0) {
            *n_devices = g_rpc_servers[i].n_devices;
            goto done;
        }
    }
    if (g_rpc_n == (int)(sizeof(g_rpc_servers) / sizeof(g_rpc_servers[0]))) {
        cllm_errf(err, errlen, "too many RPC servers in one process");
        st = CLLM_ERR_INVALID_ARG;
        goto done;
    }
    addr = L->ggml_backend_reg_get_proc_address(g_rpc_reg, "ggml_backend_rpc_add_server");
    if (!addr) {
        cllm_errf(err, errlen, "the RPC backend %s has no ggml_backend_rpc_add_server: another llama.cpp release",
                  g_rpc_path);
        st = CLLM_ERR_SYMBOL;
        goto done;
    }
    memcpy(&add_server, &addr, sizeof(add_server));
    reg = add_server(endpoint);
    if (!reg) {
        cllm_errf(err, errlen, "RPC server %s has no devices", endpoint);
        st = CLLM_ERR_UNSUPPORTED;
        goto done;
    }
    L->ggml_backend_register(reg);
    cllm_strlcpy(g_rpc_servers[g_rpc_n].endpoint, endpoint, sizeof(g_rpc_servers[0].endpoint));
    g_rpc_servers[g_rpc_n].n_devices = L->ggml_backend_reg_dev_count ? (int)L->ggml_backend_reg_dev_count(reg) : 1;
    *n_devices = g_rpc_servers[g_rpc_n].n_devices;
    g_rpc_n++;
done:
    pthread_mutex_unlock(&g_rpc_lock);
    return st;
}
