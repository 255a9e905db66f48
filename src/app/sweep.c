/* `computellm sweep`: the matrix, its parser and its runner (see sweep.h). */
#include "app/sweep.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/ai_phase.h"
#include "core/json.h"
#include "report/fields_core.h"
#include "report/fields_llm.h"
#include "report/fields_sweep.h"
#include "report/result.h"
#include "report/write.h"
#include "core/clock.h"
#include "core/strutil.h"
#include "gpu/select.h"
#include "llm/rpc.h"
#include "hw/hw.h"
#include "monitor/monitor.h"

struct cllm_sweep_params cllm_sweep_default_params(void)
{
    struct cllm_sweep_params p;
    memset(&p, 0, sizeof(p));
    p.repetitions = 5;
    p.until_stable_cv = NAN;
    p.warmup = true;
    p.format = CLLM_SWEEP_MD;
    p.models_dir = "models";
    p.allow_download = true;
    p.allow_synthetic = true;
    p.monitor = true;
    /* the run's default: a sampling thread waking 10 times a second cost a 2-core machine's spinning thread pool
     * a few % of pp512 against llama-bench, which has none */
    p.monitor_interval_s = 0.5;
    return p;
}

/* ---- parsing ---- */

static bool parse_long(const char *s, const char **end, long *out)
{
    char *e;
    long v;
    if (!isdigit((unsigned char)*s) && !(*s == '-' && isdigit((unsigned char)s[1])))
        return false;
    errno = 0;
    v = strtol(s, &e, 10);
    if (errno || v > INT_MAX / 2 || v < -(INT_MAX / 2))
        return false;
    *out = v;
    *end = e;
    return true;
}

enum cllm_status cllm_sweep_parse_ints(const char *s, bool allow_negative, struct cllm_sweep_list *l, char *err,
                                       size_t errlen)
{
    const char *p = s;
    if (!s || !*s) {
        cllm_errf(err, errlen, "an empty list (give numbers: 512, 1,2,4, 1-8*2 or 128-512+128)");
        return CLLM_ERR_INVALID_ARG;
    }
    for (;;) {
        long first, last, step = 1;
        char op = '+';
        const char *e;
        if (*p == '-' && !allow_negative) {
            cllm_errf(err, errlen, "\"%s\": negative values are not allowed here", s);
            return CLLM_ERR_INVALID_ARG;
        }
        if (!parse_long(p, &e, &first)) {
            cllm_errf(err, errlen, "\"%s\": expected a number at \"%s\" (lists: 1,2,4; ranges: first-last, "
                      "first-last+step, first-last*mult)", s, p);
            return CLLM_ERR_INVALID_ARG;
        }
        p = e;
        last = first;
        if (*p == '-') {
            if (!isdigit((unsigned char)p[1]) || !parse_long(p + 1, &e, &last)) {
                cllm_errf(err, errlen, "\"%s\": a range's end must be a number (first-last)", s);
                return CLLM_ERR_INVALID_ARG;
            }
            p = e;
            if (*p == '+' || *p == '*') {
                op = *p;
                if (!isdigit((unsigned char)p[1]) || !parse_long(p + 1, &e, &step)) {
                    cllm_errf(err, errlen, "\"%s\": %c must be followed by a number", s, op);
                    return CLLM_ERR_INVALID_ARG;
                }
                p = e;
            }
            if (last < first) {
                cllm_errf(err, errlen, "\"%s\": the range %ld-%ld ends below its start", s, first, last);
                return CLLM_ERR_INVALID_ARG;
            }
            if ((op == '+' && step < 1) || (op == '*' && (step < 2 || first < 1))) {
                cllm_errf(err, errlen, "\"%s\": the range never advances (+ needs a step >= 1, * a factor >= 2 "
                          "from a start >= 1)", s);
                return CLLM_ERR_INVALID_ARG;
            }
        }
        for (long v = first; v <= last; v = op == '+' ? v + step : v * step) {
            if (l->n >= CLLM_SWEEP_MAX_LIST) {
                cllm_errf(err, errlen, "\"%s\": more than %d values", s, CLLM_SWEEP_MAX_LIST);
                return CLLM_ERR_INVALID_ARG;
            }
            l->v[l->n++] = (int)v;
        }
        if (*p == '\0')
            return CLLM_OK;
        if (*p != ',' || p[1] == '\0') {
            cllm_errf(err, errlen, "\"%s\": unexpected \"%s\" (values are separated by commas)", s, p);
            return CLLM_ERR_INVALID_ARG;
        }
        p++;
    }
}

/* Splits a comma list of words, each mapped by fn to an int (< INT_MIN/2: refused). */
static enum cllm_status parse_words(const char *opt, const char *s, int (*fn)(const char *w),
                                    const char *what, struct cllm_sweep_list *l, char *err, size_t errlen)
{
    char buf[512];
    char *save = NULL, *w;
    if (!s || !*s || strlen(s) >= sizeof(buf)) {
        cllm_errf(err, errlen, "%s: expected %s", opt, what);
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_strlcpy(buf, s, sizeof(buf));
    for (w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int v = fn(w);
        if (v < INT_MIN / 2) {
            cllm_errf(err, errlen, "%s: \"%s\" is not %s", opt, w, what);
            return CLLM_ERR_INVALID_ARG;
        }
        if (l->n >= CLLM_SWEEP_MAX_LIST) {
            cllm_errf(err, errlen, "%s: more than %d values", opt, CLLM_SWEEP_MAX_LIST);
            return CLLM_ERR_INVALID_ARG;
        }
        l->v[l->n++] = v;
    }
    if (l->n == 0) {
        cllm_errf(err, errlen, "%s: expected %s", opt, what);
        return CLLM_ERR_INVALID_ARG;
    }
    return CLLM_OK;
}

static int word_fa(const char *w)
{
    if (!strcmp(w, "1") || !strcmp(w, "on") || !strcmp(w, "true") || !strcmp(w, "enabled"))
        return 1;
    if (!strcmp(w, "0") || !strcmp(w, "off") || !strcmp(w, "false") || !strcmp(w, "disabled"))
        return 0;
    if (!strcmp(w, "auto") || !strcmp(w, "-1"))
        return -1;
    return INT_MIN;
}

static int word_bool(const char *w)
{
    if (!strcmp(w, "1") || !strcmp(w, "true") || !strcmp(w, "on"))
        return 1;
    if (!strcmp(w, "0") || !strcmp(w, "false") || !strcmp(w, "off"))
        return 0;
    return INT_MIN;
}

static int word_sm(const char *w)
{
    if (!strcmp(w, "none"))
        return CLLM_BENCH_SPLIT_NONE;
    if (!strcmp(w, "layer"))
        return CLLM_BENCH_SPLIT_LAYER;
    if (!strcmp(w, "row"))
        return CLLM_BENCH_SPLIT_ROW;
    return INT_MIN;
}

static int word_type(const char *w)
{
    int t = cllm_bench_type_from_name(w);
    return t < 0 ? INT_MIN : t;
}

static enum cllm_status parse_ts(const char *s, struct cllm_sweep_params *p, char *err, size_t errlen)
{
    char buf[512];
    char *save = NULL, *item;
    if (!s || !*s || strlen(s) >= sizeof(buf)) {
        cllm_errf(err, errlen, "-ts: expected proportions per GPU, e.g. 3/1 or 1;1;2 (a comma between settings)");
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_strlcpy(buf, s, sizeof(buf));
    for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *save2 = NULL, *num;
        int k = 0;
        double sum = 0;
        if (p->n_ts >= 8) {
            cllm_errf(err, errlen, "-ts: more than 8 settings");
            return CLLM_ERR_INVALID_ARG;
        }
        for (num = strtok_r(item, "/;", &save2); num; num = strtok_r(NULL, "/;", &save2)) {
            char *e;
            double v;
            errno = 0;
            v = strtod(num, &e);
            if (errno || *e || e == num || !(v >= 0) || v > 1e6) {
                cllm_errf(err, errlen, "-ts: \"%s\" is not a proportion (a number >= 0)", num);
                return CLLM_ERR_INVALID_ARG;
            }
            if (k >= CLLM_BENCH_MAX_SPLIT) {
                cllm_errf(err, errlen, "-ts: more than %d devices", CLLM_BENCH_MAX_SPLIT);
                return CLLM_ERR_INVALID_ARG;
            }
            p->ts[p->n_ts][k++] = (float)v;
            sum += v;
        }
        if (k == 0 || !(sum > 0)) {
            cllm_errf(err, errlen, "-ts: \"%s\" gives no device a share", s);
            return CLLM_ERR_INVALID_ARG;
        }
        p->ts_len[p->n_ts++] = k;
    }
    return CLLM_OK;
}

static enum cllm_status parse_double(const char *opt, const char *s, double lo, double hi, bool lo_open,
                                     double *out, char *err, size_t errlen)
{
    char *e;
    double v;
    errno = 0;
    v = s ? strtod(s, &e) : NAN;
    if (!s || errno || e == s || *e || !(lo_open ? v > lo : v >= lo) || !(v <= hi)) {
        cllm_errf(err, errlen, "%s: \"%s\" must be a number %s %g and <= %g", opt, s ? s : "", lo_open ? ">" : ">=",
                  lo, hi);
        return CLLM_ERR_INVALID_ARG;
    }
    *out = v;
    return CLLM_OK;
}

/* Every value of l within [lo, hi]. */
static enum cllm_status check_range(const char *opt, const struct cllm_sweep_list *l, int lo, int hi, char *err,
                                    size_t errlen)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i] < lo || l->v[i] > hi) {
            cllm_errf(err, errlen, "%s: %d is out of range (%d..%d)", opt, l->v[i], lo, hi);
            return CLLM_ERR_INVALID_ARG;
        }
    return CLLM_OK;
}

static bool is(const char *a, const char *s1, const char *s2) { return !strcmp(a, s1) || (s2 && !strcmp(a, s2)); }

void cllm_sweep_fill_defaults(struct cllm_sweep_params *p)
{
    struct cllm_bench_knobs d = cllm_bench_default_knobs();
    struct {
        struct cllm_sweep_list *l;
        int v;
    } defs[] = {
        {&p->n_prompt, d.n_prompt}, {&p->n_gen, d.n_gen}, {&p->n_depth, 0}, {&p->n_batch, d.n_batch},
        {&p->n_ubatch, d.n_ubatch}, {&p->type_k, d.type_k}, {&p->type_v, d.type_v},
        {&p->n_gpu_layers, d.n_gpu_layers}, {&p->split_mode, d.split_mode}, {&p->main_gpu, 0},
        {&p->no_kv_offload, 0}, {&p->no_op_offload, 0}, {&p->flash_attn, d.flash_attn}, {&p->use_mmap, 1},
        {&p->poll, d.poll},
    };
    for (size_t k = 0; k < sizeof(defs) / sizeof(defs[0]); k++)
        if (defs[k].l->n == 0)
            defs[k].l->v[defs[k].l->n++] = defs[k].v;
}

enum cllm_status cllm_sweep_parse(int argc, char **argv, struct cllm_sweep_params *p, bool *help, char *err,
                                  size_t errlen)
{
    enum cllm_status st = CLLM_OK;
    *help = false;
    for (int i = 0; i < argc && st == CLLM_OK; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
#define INTS(list, neg, lo, hi)                                                                                        \
    do {                                                                                                               \
        char e2[CLLM_ERR_LEN];                                                                                         \
        if (!v) {                                                                                                      \
            cllm_errf(err, errlen, "%s needs a value (see computellm sweep --help)", a);                               \
            return CLLM_ERR_INVALID_ARG;                                                                               \
        }                                                                                                              \
        if (cllm_sweep_parse_ints(v, neg, &p->list, e2, sizeof(e2)) != CLLM_OK) {                                      \
            cllm_errf(err, errlen, "%s: %s", a, e2);                                                                   \
            return CLLM_ERR_INVALID_ARG;                                                                               \
        }                                                                                                              \
        st = check_range(a, &p->list, lo, hi, err, errlen);                                                            \
    } while (0)
        if (is(a, "-h", "--help")) {
            *help = true;
            return CLLM_OK;
        }
        if (!v && strncmp(a, "--no-", 5) != 0 && !is(a, "--progress", NULL)) {
            cllm_errf(err, errlen, "%s%s", a, a[0] == '-' ? " needs a value, or is not an option (see computellm "
                      "sweep --help)" : ": unexpected argument (options start with -; see computellm sweep --help)");
            return CLLM_ERR_INVALID_ARG;
        }
        if (is(a, "-m", "--model")) {
            char *save = NULL;
            (void)save;
            if (p->n_models >= CLLM_SWEEP_MAX_MODELS) {
                cllm_errf(err, errlen, "-m: more than %d models", CLLM_SWEEP_MAX_MODELS);
                return CLLM_ERR_INVALID_ARG;
            }
            if (!*v) {
                cllm_errf(err, errlen, "-m: an empty model name (a registry key such as tinyllama-1.1b, or a GGUF "
                          "file's path)");
                return CLLM_ERR_INVALID_ARG;
            }
            p->models[p->n_models++] = v;
        } else if (is(a, "-p", "--n-prompt")) {
            INTS(n_prompt, false, 0, 1 << 20);
        } else if (is(a, "-n", "--n-gen")) {
            INTS(n_gen, false, 0, 1 << 20);
        } else if (is(a, "-d", "--n-depth")) {
            INTS(n_depth, false, 0, 1 << 20);
        } else if (is(a, "-b", "--batch-size")) {
            INTS(n_batch, false, 1, 1 << 20);
        } else if (is(a, "-ub", "--ubatch-size")) {
            INTS(n_ubatch, false, 1, 1 << 20);
        } else if (is(a, "-t", "--threads")) {
            INTS(n_threads, false, 1, 512);
        } else if (is(a, "-ngl", "--n-gpu-layers")) {
            INTS(n_gpu_layers, true, -1, 100000);
        } else if (is(a, "-mg", "--main-gpu")) {
            INTS(main_gpu, false, 0, CLLM_BENCH_MAX_SPLIT - 1);
        } else if (is(a, "--poll", NULL)) {
            INTS(poll, false, 0, 100);
        } else if (is(a, "-pg", NULL)) {
            long pp, nn;
            const char *e;
            if (p->n_pg >= CLLM_SWEEP_MAX_LIST) {
                cllm_errf(err, errlen, "-pg: more than %d settings", CLLM_SWEEP_MAX_LIST);
                return CLLM_ERR_INVALID_ARG;
            }
            if (!parse_long(v, &e, &pp) || *e != ',' || !parse_long(e + 1, &e, &nn) || *e || pp < 1 || nn < 1 ||
                pp > (1 << 20) || nn > (1 << 20)) {
                cllm_errf(err, errlen, "-pg: \"%s\" must be P,N (prompt tokens, then generated tokens, both >= 1)",
                          v);
                return CLLM_ERR_INVALID_ARG;
            }
            p->pg[p->n_pg][0] = (int)pp;
            p->pg[p->n_pg++][1] = (int)nn;
        } else if (is(a, "-fa", "--flash-attn")) {
            st = parse_words(a, v, word_fa, "0, 1 or auto", &p->flash_attn, err, errlen);
        } else if (is(a, "-nkvo", "--no-kv-offload")) {
            st = parse_words(a, v, word_bool, "0 or 1", &p->no_kv_offload, err, errlen);
        } else if (is(a, "-nopo", "--no-op-offload")) {
            st = parse_words(a, v, word_bool, "0 or 1", &p->no_op_offload, err, errlen);
        } else if (is(a, "-mmp", "--mmap")) {
            st = parse_words(a, v, word_bool, "0 or 1", &p->use_mmap, err, errlen);
        } else if (is(a, "-sm", "--split-mode")) {
            st = parse_words(a, v, word_sm, "none, layer or row", &p->split_mode, err, errlen);
        } else if (is(a, "-ctk", "--cache-type-k")) {
            st = parse_words(a, v, word_type, "a KV cache type (f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1)",
                             &p->type_k, err, errlen);
        } else if (is(a, "-ctv", "--cache-type-v")) {
            st = parse_words(a, v, word_type, "a KV cache type (f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1)",
                             &p->type_v, err, errlen);
        } else if (is(a, "-ts", "--tensor-split")) {
            st = parse_ts(v, p, err, errlen);
        } else if (is(a, "-r", "--repetitions")) {
            double r;
            st = parse_double(a, v, 1, 1000, false, &r, err, errlen);
            if (st != CLLM_OK)
                return st;
            if (r != floor(r)) {
                cllm_errf(err, errlen, "-r: \"%s\" must be a whole number of repetitions", v);
                return CLLM_ERR_INVALID_ARG;
            }
            p->repetitions = (int)r;
        } else if (is(a, "--delay", NULL)) {
            st = parse_double(a, v, 0, 3600, false, &p->delay_s, err, errlen);
        } else if (is(a, "--monitor-interval", NULL)) {
            st = parse_double(a, v, 0.1, 10, false, &p->monitor_interval_s, err, errlen);
        } else if (is(a, "--until-stable", NULL)) {
            st = parse_double(a, v, 0, 1, true, &p->until_stable_cv, err, errlen);
        } else if (is(a, "-o", NULL)) {
            static const char *const names[] = {"md", "csv", "json", "jsonl", "sql", "none"};
            int f = -1;
            for (int k = 0; k < 6; k++)
                if (!strcmp(v, names[k]))
                    f = k;
            if (f < 0) {
                cllm_errf(err, errlen, "-o: \"%s\" is not a format (md, csv, json, jsonl, sql or none); a results "
                          "folder is --output DIR", v);
                return CLLM_ERR_INVALID_ARG;
            }
            p->format = (enum cllm_sweep_format)f;
        } else if (is(a, "--output", NULL)) {
            if (!*v) {
                cllm_errf(err, errlen, "--output: an empty folder name");
                return CLLM_ERR_INVALID_ARG;
            }
            p->output_dir = v;
        } else if (is(a, "--quant", NULL)) {
            p->quant = v;
        } else if (is(a, "--models-dir", NULL)) {
            p->models_dir = v;
        } else if (is(a, "--models-file", NULL)) {
            p->models_file = v;
        } else if (is(a, "--llama-lib", NULL)) {
            p->llama_lib = v;
        } else if (is(a, "--gpus", NULL)) {
            p->gpus = v;   /* checked against the machine when the sweep starts (cllm_gpu_select) */
        } else if (is(a, "--rpc", NULL)) {
            struct cllm_rpc_list list;
            if (cllm_rpc_parse_list(v, &list, err, errlen) != CLLM_OK)
                return CLLM_ERR_INVALID_ARG;
            p->rpc = v;
        } else {
            takes = false;
            if (is(a, "--no-warmup", NULL))
                p->warmup = false;
            else if (is(a, "--progress", NULL))
                p->progress = true;
            else if (is(a, "--no-download", NULL))
                p->allow_download = false;
            else if (is(a, "--no-synthetic", NULL))
                p->allow_synthetic = false;
            else if (is(a, "--no-monitor", NULL))
                p->monitor = false;
            else {
                cllm_errf(err, errlen, "%s: unknown option (see computellm sweep --help)", a);
                return CLLM_ERR_INVALID_ARG;
            }
        }
#undef INTS
        if (takes)
            i++;
    }
    if (st != CLLM_OK)
        return st;
    if (p->n_models == 0) {
        cllm_errf(err, errlen, "no model: give -m KEY (a registry key such as tinyllama-1.1b) or -m FILE.gguf");
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_sweep_fill_defaults(p);
    if (cllm_sweep_count(p) == 0) {
        cllm_errf(err, errlen, "no test to run: -p and -n are all 0 and no -pg is given");
        return CLLM_ERR_INVALID_ARG;
    }
    if (cllm_sweep_count(p) * p->n_models > CLLM_SWEEP_MAX_TESTS) {
        cllm_errf(err, errlen, "the matrix has %ld tests, more than %d: give shorter lists",
                  cllm_sweep_count(p) * p->n_models, CLLM_SWEEP_MAX_TESTS);
        return CLLM_ERR_INVALID_ARG;
    }
    return CLLM_OK;
}

void cllm_sweep_usage(char *out, size_t n)
{
    snprintf(out, n,
             "usage: computellm sweep -m MODEL [options]\n"
             "\n"
             "llama-bench's test matrix, run in-process on the same libllama as `computellm run` (llama-bench's\n"
             "method: a warmup, random tokens, no sampling, the prompt in -b batches, one token per decode for\n"
             "generation, a fresh KV state per repetition). Every option takes a comma list; the integer ones also\n"
             "ranges: first-last, first-last+step, first-last*mult (e.g. -p 128-1024*2).\n"
             "\n"
             "  -m, --model KEY|FILE        a registry key (tinyllama-1.1b) or a GGUF path; several -m or a list\n"
             "  -p, --n-prompt N            prompt tokens (default 512; 0: no pp test)\n"
             "  -n, --n-gen N               generated tokens (default 128; 0: no tg test)\n"
             "  -pg P,N                     prompt then generation, one timing (several -pg allowed)\n"
             "  -d, --n-depth N             tokens already in the context, filled first and not timed (default 0)\n"
             "  -r, --repetitions N         repetitions per test (default 5; the most with --until-stable)\n"
             "  -t, --threads N             CPU threads (default: the physical cores)\n"
             "  -b, --batch-size N          logical batch (default 2048)\n"
             "  -ub, --ubatch-size N        physical batch (default 512)\n"
             "  -fa, --flash-attn 0|1|auto  flash attention (default auto)\n"
             "  -ctk, --cache-type-k T      K cache type: f32 f16 bf16 q8_0 q4_0 q4_1 iq4_nl q5_0 q5_1 (default f16)\n"
             "  -ctv, --cache-type-v T      V cache type (default f16)\n"
             "  -ngl, --n-gpu-layers N      layers on the GPU; a list gives a partial-offload curve (default -1: all)\n"
             "  -sm, --split-mode none|layer|row   how a model spreads over GPUs (default layer)\n"
             "  -mg, --main-gpu I           the GPU for -sm none (default 0)\n"
             "  -ts, --tensor-split A/B/... proportions per GPU (default: the library's)\n"
             "  -nkvo, --no-kv-offload 0|1  keep the KV cache in host memory (default 0)\n"
             "  -nopo, --no-op-offload 0|1  do not ship host ops (large prompt batches) to a GPU (default 0)\n"
             "  -mmp, --mmap 0|1            map the model file (default 1)\n"
             "  --poll 0..100               thread-pool polling level (default 50)\n"
             "  --delay S                   cool-down seconds before each test (default 0)\n"
             "  --until-stable CV           repeat until the coefficient of variation of the repetitions not marked\n"
             "                              throttled is below CV (e.g. 0.02), at most -r times (then it says so)\n"
             "  --no-warmup                 no warmup run before each test\n"
             "  --progress                  a line per step on stderr\n"
             "  -o md|csv|json|jsonl|sql|none   stdout format, llama-bench's field names (default md)\n"
             "  --output DIR                also write a results file (ai_benchmarks.sweep) into DIR\n"
             "  --quant Q                   quantization of registry models (default: each model's)\n"
             "  --models-dir DIR            where registry models are kept (default models)\n"
             "  --models-file FILE          an extra registry file\n"
             "  --llama-lib PATH            the libllama file or folder (default: as computellm run)\n"
             "  --gpus LIST                 load the models on these GPUs only, as computellm detect numbers them\n"
             "                              (e.g. 0,2; -sm/-ts/-mg then split among them)\n"
             "  --rpc HOST:PORT,...         add the devices of these llama.cpp rpc-servers (scripts/setup --rpc)\n"
             "  --no-download, --no-synthetic   do not fetch missing models / make synthetic stand-ins\n"
             "  --no-monitor                no clock, throttle and other-process readings\n"
             "  --monitor-interval S        seconds between the monitor's readings, 0.1 .. 10 (default 0.5)\n"
             "\n"
             "examples:\n"
             "  computellm sweep -m tinyllama-1.1b -p 512 -n 128 -r 5 -t 2\n"
             "  computellm sweep -m model.gguf -p 0 -n 128 -d 0,512,1024 -o json\n"
             "  computellm sweep -m model.gguf -ngl 0-32+8 -o csv --output results\n");
}

/* ---- expansion ---- */

struct instance {
    int model;                       /* index in p->models */
    struct cllm_bench_knobs k;
};

long cllm_sweep_count(const struct cllm_sweep_params *p)
{
    long per = 0;
    long outer = 1;
    int ts = p->n_ts > 0 ? p->n_ts : 1;
    for (int i = 0; i < p->n_prompt.n; i++)
        per += p->n_prompt.v[i] > 0;
    for (int i = 0; i < p->n_gen.n; i++)
        per += p->n_gen.v[i] > 0;
    per += p->n_pg;
    outer = (long)(p->n_gpu_layers.n ? p->n_gpu_layers.n : 1) * (p->split_mode.n ? p->split_mode.n : 1) *
            (p->use_mmap.n ? p->use_mmap.n : 1) * (p->main_gpu.n ? p->main_gpu.n : 1) * ts *
            (p->n_batch.n ? p->n_batch.n : 1) * (p->n_ubatch.n ? p->n_ubatch.n : 1) *
            (p->type_k.n ? p->type_k.n : 1) * (p->type_v.n ? p->type_v.n : 1) *
            (p->no_kv_offload.n ? p->no_kv_offload.n : 1) * (p->no_op_offload.n ? p->no_op_offload.n : 1) *
            (p->flash_attn.n ? p->flash_attn.n : 1) *
            (p->n_threads.n ? p->n_threads.n : 1) * (p->n_depth.n ? p->n_depth.n : 1) * (p->poll.n ? p->poll.n : 1);
    if (outer > CLLM_SWEEP_MAX_TESTS * 16L)
        return CLLM_SWEEP_MAX_TESTS * 16L;
    return per * outer;
}

/* llama-bench's loop order: model-level knobs outermost (a model loads once per setting), depth innermost of the
 * knobs, then the pp tests, the tg tests, the pg tests. */
static int expand(const struct cllm_sweep_params *p, int threads_default, struct instance *out, int max)
{
    int n = 0;
    const struct cllm_sweep_list one_thread = {1, {threads_default}};
    const struct cllm_sweep_list *thr = p->n_threads.n ? &p->n_threads : &one_thread;
    int n_ts = p->n_ts > 0 ? p->n_ts : 1;

    for (int m = 0; m < p->n_models; m++)
    for (int a = 0; a < p->n_gpu_layers.n; a++)
    for (int b = 0; b < p->split_mode.n; b++)
    for (int c = 0; c < p->use_mmap.n; c++)
    for (int d = 0; d < p->main_gpu.n; d++)
    for (int e = 0; e < n_ts; e++)
    for (int f = 0; f < p->n_batch.n; f++)
    for (int g = 0; g < p->n_ubatch.n; g++)
    for (int h = 0; h < p->type_k.n; h++)
    for (int i = 0; i < p->type_v.n; i++)
    for (int j = 0; j < p->no_kv_offload.n; j++)
    for (int jj = 0; jj < p->no_op_offload.n; jj++)
    for (int k = 0; k < p->flash_attn.n; k++)
    for (int l = 0; l < thr->n; l++)
    for (int o = 0; o < p->n_depth.n; o++)
    for (int q = 0; q < p->poll.n; q++) {
        struct cllm_bench_knobs kb = cllm_bench_default_knobs();
        kb.n_gpu_layers = p->n_gpu_layers.v[a];
        kb.split_mode = p->split_mode.v[b];
        kb.use_mmap = p->use_mmap.v[c] != 0;
        kb.main_gpu = p->main_gpu.v[d];
        if (p->n_ts > 0) {
            kb.n_tensor_split = p->ts_len[e];
            memcpy(kb.tensor_split, p->ts[e], sizeof(kb.tensor_split));
        }
        kb.n_batch = p->n_batch.v[f];
        kb.n_ubatch = p->n_ubatch.v[g];
        kb.type_k = p->type_k.v[h];
        kb.type_v = p->type_v.v[i];
        kb.no_kv_offload = p->no_kv_offload.v[j] != 0;
        kb.no_op_offload = p->no_op_offload.v[jj] != 0;
        kb.flash_attn = p->flash_attn.v[k];
        kb.n_threads = thr->v[l];
        kb.n_depth = p->n_depth.v[o];
        kb.poll = p->poll.v[q];
        for (int t = 0; t < p->n_prompt.n + p->n_gen.n + p->n_pg; t++) {
            struct instance *x;
            if (t < p->n_prompt.n && p->n_prompt.v[t] == 0)
                continue;
            if (t >= p->n_prompt.n && t < p->n_prompt.n + p->n_gen.n && p->n_gen.v[t - p->n_prompt.n] == 0)
                continue;
            if (n >= max)
                return -1;
            x = &out[n++];
            x->model = m;
            x->k = kb;
            if (t < p->n_prompt.n) {
                x->k.n_prompt = p->n_prompt.v[t];
                x->k.n_gen = 0;
            } else if (t < p->n_prompt.n + p->n_gen.n) {
                x->k.n_prompt = 0;
                x->k.n_gen = p->n_gen.v[t - p->n_prompt.n];
            } else {
                x->k.n_prompt = p->pg[t - p->n_prompt.n - p->n_gen.n][0];
                x->k.n_gen = p->pg[t - p->n_prompt.n - p->n_gen.n][1];
            }
        }
    }
    return n;
}

static bool same_model_knobs(const struct cllm_bench_knobs *a, const struct cllm_bench_knobs *b)
{
    return a->n_gpu_layers == b->n_gpu_layers && a->split_mode == b->split_mode && a->use_mmap == b->use_mmap &&
           a->main_gpu == b->main_gpu && a->n_tensor_split == b->n_tensor_split &&
           memcmp(a->tensor_split, b->tensor_split, sizeof(a->tensor_split)) == 0;
}

/* ---- running ---- */

#define DEPTH_CACHE 8

/* A depth's saved state; valid for one loaded model and one KV layout. */
struct depth_state {
    int      depth;
    int      type_k, type_v;
    bool     no_kv_offload;
    int      flash_attn;
    uint8_t *buf;
    size_t   len;
    unsigned use;                    /* last use, for replacing the oldest */
};

struct runner {
    const struct cllm_sweep_run_params *rp;
    const struct cllm_sweep_params *p;
    const struct cllm_bench_ops *ops;
    struct depth_state cache[DEPTH_CACHE];
    unsigned tick;
    int idx, total;                  /* the test being run, 1-based, of total */
};

static bool cancelled(const struct runner *r) { return r->rp->cancel && *r->rp->cancel; }

static void event(const struct runner *r, enum cllm_sweep_event ev, const struct cllm_bench_test *t, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
static void event(const struct runner *r, enum cllm_sweep_event ev, const struct cllm_bench_test *t, const char *fmt,
                  ...)
{
    char text[CLLM_ERR_LEN];
    va_list ap;
    if (!r->rp->on_event)
        return;
    if (ev == CLLM_SWEEP_EV_STEP && !r->p->progress)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    r->rp->on_event(ev, text, t, r->rp->user_data);
}

static void cache_clear(struct runner *r)
{
    for (int i = 0; i < DEPTH_CACHE; i++) {
        free(r->cache[i].buf);
        memset(&r->cache[i], 0, sizeof(r->cache[i]));
    }
}

static struct depth_state *cache_find(struct runner *r, const struct cllm_bench_knobs *k)
{
    for (int i = 0; i < DEPTH_CACHE; i++) {
        struct depth_state *d = &r->cache[i];
        if (d->buf && d->depth == k->n_depth && d->type_k == k->type_k && d->type_v == k->type_v &&
            d->no_kv_offload == k->no_kv_offload && d->flash_attn == k->flash_attn)
            return d;
    }
    return NULL;
}

static void cache_put(struct runner *r, const struct cllm_bench_knobs *k, uint8_t *buf, size_t len)
{
    struct depth_state *slot = cache_find(r, k);
    if (!slot) {
        slot = &r->cache[0];
        for (int i = 0; i < DEPTH_CACHE; i++) {
            if (!r->cache[i].buf) {
                slot = &r->cache[i];
                break;
            }
            if (r->cache[i].use < slot->use)
                slot = &r->cache[i];
        }
    }
    free(slot->buf);
    slot->depth = k->n_depth;
    slot->type_k = k->type_k;
    slot->type_v = k->type_v;
    slot->no_kv_offload = k->no_kv_offload;
    slot->flash_attn = k->flash_attn;
    slot->buf = buf;
    slot->len = len;
    slot->use = ++r->tick;
}

static void set_status(struct cllm_bench_test *t, const char *status, const char *reason)
{
    t->status = status;
    if (reason)
        cllm_strlcpy(t->reason, reason, sizeof(t->reason));
}

/* The kept samples' CV after the monitor's judgement so far. */
static double kept_cv(struct cllm_bench_test *t)
{
    cllm_bench_test_summarize(t);
    return t->cv_kept;
}

static void judge(struct runner *r, struct cllm_bench_test *t, const uint64_t *t0, const uint64_t *t1)
{
    const struct cllm_sweep_monitor *m = &r->rp->monitor;
    int n = t->n_samples;
    struct cllm_monitor_window *w;
    struct cllm_throttle_mark *marks;
    struct cllm_monitor_window all;

    if (!m->window || n == 0)
        return;
    w = calloc((size_t)n, sizeof(*w));
    marks = calloc((size_t)n, sizeof(*marks));
    if (!w || !marks) {
        free(w);
        free(marks);
        return;
    }
    for (int i = 0; i < n; i++) {
        struct cllm_bench_sample *s = &t->samples[i];
        bool got = m->window(m->user_data, t0[i], t1[i], &w[i]) == CLLM_OK && w[i].n_samples > 0;
        s->has_readings = got;
        s->cpu_clock_mhz = got ? w[i].cpu_clock_mhz_mean : NAN;
        s->other_cpu_pct = got ? w[i].other_cpu_pct_mean : NAN;
        s->gpu_sm_clock_mhz_min = got && w[i].n_gpus > 0 ? w[i].gpu[0].sm_clock_mhz_min : NAN;
        s->gpu_sm_clock_mhz_max = got && w[i].n_gpus > 0 ? w[i].gpu[0].sm_clock_mhz_max : NAN;
        s->gpu_temp_c_max = got && w[i].n_gpus > 0 ? w[i].gpu[0].temp_c_max : NAN;
        s->gpu_power_w_mean = got && w[i].n_gpus > 0 ? w[i].gpu[0].power_w_mean : NAN;
        s->gpu_throttle_reasons = got && w[i].n_gpus > 0 ? w[i].gpu[0].throttle_reasons : 0;
        if (!got)
            memset(&w[i], 0, sizeof(w[i]));   /* no readings: nothing to judge it by */
    }
    cllm_monitor_mark_throttled(w, n, marks);
    for (int i = 0; i < n; i++) {
        t->samples[i].throttled = marks[i].throttled;
        cllm_strlcpy(t->samples[i].throttle_reason, marks[i].reason, sizeof(t->samples[i].throttle_reason));
    }
    /* other processes over the whole test, not the mean of the repetitions' means */
    if (m->window(m->user_data, t0[0], t1[n - 1], &all) == CLLM_OK && all.n_samples > 0) {
        t->other_cpu_pct = all.other_cpu_pct_mean;
        t->noisy = isfinite(all.other_cpu_pct_mean) && all.other_cpu_pct_mean > 10.0;
    }
    free(w);
    free(marks);
}

static enum cllm_status monitor_window(void *user_data, uint64_t t0, uint64_t t1, struct cllm_monitor_window *out)
{
    return cllm_monitor_window(user_data, t0, t1, out);
}

static enum cllm_status monitor_energy(void *user_data, uint64_t t0, uint64_t t1, uint32_t mask,
                                       struct cllm_energy_window *out)
{
    return cllm_monitor_energy(user_data, t0, t1, mask, out);
}

struct cllm_sweep_monitor cllm_sweep_monitor_of(struct cllm_monitor *m)
{
    struct cllm_sweep_monitor s = {m ? monitor_window : NULL, m, m ? monitor_energy : NULL};
    return s;
}

/* The GPUs a test ran on, as a monitor mask: none with -ngl 0, the --gpus selection, else every GPU. */
static uint32_t test_gpu_mask(const struct runner *r, const struct cllm_bench_test *t)
{
    uint32_t mask = 0;
    if (t->k.n_gpu_layers == 0)
        return 0;
    if (!r->rp->gpu_sel || r->rp->gpu_sel->n <= 0)
        return CLLM_ENERGY_ALL_GPUS;
    for (int i = 0; i < r->rp->gpu_sel->n; i++)
        if (r->rp->gpu_sel->index[i] >= 0 && r->rp->gpu_sel->index[i] < 32)
            mask |= 1u << r->rp->gpu_sel->index[i];
    return mask;
}

/* The energy of the test's repetitions, added: a window each (the prompt and generation it timed). */
static void test_energy(struct runner *r, struct cllm_bench_test *t, const uint64_t *t0, const uint64_t *t1)
{
    const struct cllm_sweep_monitor *m = &r->rp->monitor;
    struct cllm_energy_window *w;
    int n = t->n_samples;

    t->has_energy = true;
    if (!m->energy) {
        cllm_llm_energy_none(&t->energy, "no energy readings: the monitor was off (--no-monitor) or did not start");
        return;
    }
    if (n == 0) {
        cllm_llm_energy_none(&t->energy, "no repetition");
        return;
    }
    w = calloc((size_t)n, sizeof(*w));
    if (!w) {
        cllm_llm_energy_none(&t->energy, "out of memory for the energy windows");
        return;
    }
    for (int i = 0; i < n; i++) {
        /* the last repetition ended moments ago: wait for the monitor's next reading to close its window */
        double waited = 0, most = r->p->monitor_interval_s + 0.5;
        for (;;) {
            if (m->energy(m->user_data, t0[i], t1[i], test_gpu_mask(r, t), &w[i]) != CLLM_OK) {
                snprintf(w[i].note, sizeof(w[i].note), "no energy window for the repetition");
                break;
            }
            if (!w[i].awaiting || waited >= most || cancelled(r))
                break;
            r->ops->sleep_s(r->ops->self, 0.05);
            waited += 0.05;
        }
    }
    cllm_llm_energy_sum(w, n, &t->energy.win);
    cllm_llm_energy_per_token(&t->energy, (t->k.n_prompt + t->k.n_gen) * n);
    free(w);
}

/* Fills the depth of one repetition: restored when a saved state takes, else built and saved. */
static enum cllm_status fill_depth(struct runner *r, void *ctx, struct cllm_bench_test *t, uint64_t *rng,
                                   bool *built, char *err, size_t errlen)
{
    const struct cllm_bench_ops *o = r->ops;
    struct depth_state *d = cache_find(r, &t->k);
    uint8_t *buf;
    size_t len;
    enum cllm_status st;

    *built = false;
    if (d && o->state_restore(o->self, ctx, d->buf, d->len)) {
        d->use = ++r->tick;
        return CLLM_OK;
    }
    o->clear(o->self, ctx);
    st = o->prompt(o->self, ctx, t->k.n_depth, t->k.n_batch, rng, err, errlen);
    if (st != CLLM_OK)
        return st;
    *built = true;
    t->depth_builds++;
    if (o->state_save(o->self, ctx, &buf, &len))
        cache_put(r, &t->k, buf, len);
    return CLLM_OK;
}

static void run_test(struct runner *r, void *model, struct cllm_bench_test *t)
{
    const struct cllm_bench_ops *o = r->ops;
    const struct cllm_sweep_params *p = r->p;
    int max = p->repetitions;
    uint64_t *t0 = calloc((size_t)max * 2, sizeof(uint64_t)), *t1 = t0 ? t0 + max : NULL;
    uint64_t rng = cllm_bench_rng_seed();
    char err[CLLM_ERR_LEN] = "", name[48];
    void *ctx = NULL;
    enum cllm_status st;

    cllm_bench_test_name(&t->k, name, sizeof(name));
    t->samples = calloc((size_t)max, sizeof(*t->samples));
    if (!t0 || !t->samples) {
        set_status(t, "failed", "out of memory");
        free(t0);
        return;
    }
    t->n_ctx = t->k.n_prompt + t->k.n_gen + t->k.n_depth;
    st = o->ctx_new(o->self, model, &t->k, t->n_ctx, &ctx, err, sizeof(err));
    if (st != CLLM_OK) {
        set_status(t, "skipped", err);
        event(r, CLLM_SWEEP_EV_NOTICE, t, "%s: skipped: %s", name, err);
        free(t0);
        return;
    }
    o->clear(o->self, ctx);
    if (p->delay_s > 0) {
        event(r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: cooling down %.0f s", r->idx, r->total, p->delay_s);
        o->sleep_s(o->self, p->delay_s);
    }
    if (p->warmup && !cancelled(r)) {
        if (t->k.n_prompt > 0) {
            event(r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: warmup prompt run", r->idx, r->total);
            st = o->prompt(o->self, ctx, t->k.n_prompt, t->k.n_batch, &rng, err, sizeof(err));
        }
        if (st == CLLM_OK && t->k.n_gen > 0) {
            event(r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: warmup generation run", r->idx, r->total);
            st = o->gen(o->self, ctx, 1, &rng, err, sizeof(err));
        }
    }
    for (int i = 0; i < max && st == CLLM_OK; i++) {
        struct cllm_bench_sample *s = &t->samples[i];
        uint64_t a, b;
        if (cancelled(r)) {
            st = CLLM_ERR_CANCELLED;
            break;
        }
        o->clear(o->self, ctx);
        if (t->k.n_depth > 0) {
            bool built;
            event(r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: depth run %d/%d", r->idx, r->total, i + 1, max);
            st = fill_depth(r, ctx, t, &rng, &built, err, sizeof(err));
            if (st != CLLM_OK)
                break;
            s->depth_built = built;
        }
        a = o->now_ns(o->self);
        if (t->k.n_prompt > 0) {
            event(r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: prompt run %d/%d", r->idx, r->total, i + 1, max);
            st = o->prompt(o->self, ctx, t->k.n_prompt, t->k.n_batch, &rng, err, sizeof(err));
        }
        if (st == CLLM_OK && t->k.n_gen > 0) {
            event(r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: generation run %d/%d", r->idx, r->total, i + 1, max);
            st = o->gen(o->self, ctx, t->k.n_gen, &rng, err, sizeof(err));
        }
        b = o->now_ns(o->self);
        if (st != CLLM_OK)
            break;
        s->ns = b - a;
        t0[i] = a;
        t1[i] = b;
        t->n_samples = i + 1;
        if (!isnan(p->until_stable_cv) && t->n_samples >= 3) {
            double cv;
            judge(r, t, t0, t1);
            cv = kept_cv(t);
            if (!isnan(cv) && cv < p->until_stable_cv) {
                t->stable = true;
                break;
            }
        }
    }
    o->ctx_free(o->self, ctx);
    judge(r, t, t0, t1);
    test_energy(r, t, t0, t1);
    cllm_bench_test_summarize(t);
    free(t0);
    if (st == CLLM_ERR_CANCELLED || cancelled(r))
        set_status(t, "cancelled", "stopped by the user (the repetitions so far are kept)");
    else if (st != CLLM_OK)
        set_status(t, "failed", err);
    else
        set_status(t, "ok", NULL);
    if (st == CLLM_OK && !isnan(p->until_stable_cv) && !t->stable)
        snprintf(t->reason, sizeof(t->reason), "not stable: the CV of the kept repetitions stayed at %.1f %% after "
                 "%d repetitions (target %.1f %%; raise -r to allow more)", t->cv_kept * 100, t->n_samples,
                 p->until_stable_cv * 100);
}

/* A GGUF path as given, or a registry key resolved like run does. */
static enum cllm_status resolve_model(const struct cllm_sweep_run_params *rp, const char *m, char *path, size_t n,
                                      bool *synthetic, char *key, size_t kn, char *err, size_t errlen)
{
    const struct cllm_sweep_params *p = rp->p;
    struct stat sb;
    size_t len = strlen(m);
    *synthetic = false;
    key[0] = '\0';
    if (strchr(m, '/') || (len > 5 && strcmp(m + len - 5, ".gguf") == 0)) {
        if (stat(m, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            cllm_errf(err, errlen, "-m %s: no such GGUF file (a registry key has no '/' and no .gguf)", m);
            return CLLM_ERR_NOT_FOUND;
        }
        cllm_strlcpy(path, m, n);
        return CLLM_OK;
    }
    {
        struct cllm_ai_params ap = cllm_ai_default_params();
        ap.hw = rp->hw;
        ap.models_dir = p->models_dir;
        ap.models_file = p->models_file;
        ap.allow_download = p->allow_download;
        ap.allow_synthetic = p->allow_synthetic;
        ap.llama_lib = p->llama_lib;
        ap.cancel = rp->cancel;
        cllm_strlcpy(key, m, kn);
        return cllm_ai_model_file(&ap, m, p->quant, path, n, synthetic, err, errlen);
    }
}

enum cllm_status cllm_sweep_run(const struct cllm_sweep_run_params *rp, struct cllm_bench_sweep *out, char *err,
                                size_t errlen)
{
    const struct cllm_sweep_params *p = rp->p;
    struct runner r;
    struct instance *inst;
    int n, threads = 1;
    void *model = NULL;
    int loaded_model = -1;
    struct cllm_bench_knobs loaded_knobs;
    char load_err[CLLM_ERR_LEN] = "";
    enum cllm_status load_st = CLLM_OK;
    struct cllm_bench_model_info info;
    char paths[CLLM_SWEEP_MAX_MODELS][1024], keys[CLLM_SWEEP_MAX_MODELS][64], why[CLLM_SWEEP_MAX_MODELS][512];
    bool synth[CLLM_SWEEP_MAX_MODELS], have[CLLM_SWEEP_MAX_MODELS];
    enum cllm_status result = CLLM_OK;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    memset(&info, 0, sizeof(info));
    r.rp = rp;
    r.p = p;
    r.ops = rp->ops ? rp->ops : &cllm_bench_llama;
    out->repetitions = p->repetitions;
    out->warmup = p->warmup;
    out->delay_s = p->delay_s;
    out->until_stable_cv = p->until_stable_cv;
    for (int i = 0; rp->gpu_sel && i < rp->gpu_sel->n && i < CLLM_BENCH_MAX_SPLIT; i++)
        out->gpus[out->n_gpus++] = rp->gpu_sel->index[i];
    if (rp->hw) {
        threads = rp->hw->cpu.physical_cores > 0 ? rp->hw->cpu.physical_cores : rp->hw->cpu.logical_cores;
        cllm_strlcpy(out->cpu_info, rp->hw->cpu.model, sizeof(out->cpu_info));
    }
    if (threads <= 0)
        threads = 1;
    inst = calloc(CLLM_SWEEP_MAX_TESTS, sizeof(*inst));
    if (!inst)
        return CLLM_ERR_NOMEM;
    n = expand(p, threads, inst, CLLM_SWEEP_MAX_TESTS);
    if (n < 0) {
        cllm_errf(err, errlen, "the matrix has more than %d tests: give shorter lists", CLLM_SWEEP_MAX_TESTS);
        free(inst);
        return CLLM_ERR_INVALID_ARG;
    }
    out->tests = calloc((size_t)(n > 0 ? n : 1), sizeof(*out->tests));
    if (!out->tests) {
        free(inst);
        return CLLM_ERR_NOMEM;
    }
    r.total = n;
    /* every model's file first: a download or a synthetic model is made before any timing */
    for (int m = 0; m < p->n_models; m++) {
        char e2[CLLM_ERR_LEN] = "";
        event(&r, CLLM_SWEEP_EV_MODEL, NULL, "%s", p->models[m]);
        have[m] = resolve_model(rp, p->models[m], paths[m], sizeof(paths[m]), &synth[m], keys[m], sizeof(keys[m]),
                                e2, sizeof(e2)) == CLLM_OK;
        cllm_strlcpy(why[m], e2, sizeof(why[m]));
        if (!have[m])
            event(&r, CLLM_SWEEP_EV_NOTICE, NULL, "%s: %s", p->models[m], e2);
        else if (synth[m])
            event(&r, CLLM_SWEEP_EV_NOTICE, NULL, "%s: a SYNTHETIC model (real shapes and quantization, random "
                  "weights: the speed is real) %s", p->models[m], paths[m]);
        if (cancelled(&r))
            break;
    }
    for (int i = 0; i < n; i++) {
        struct cllm_bench_test *t = &out->tests[out->n_tests++];
        const struct instance *x = &inst[i];
        time_t now = time(NULL);
        char name[48];

        r.idx = i + 1;
        t->k = x->k;
        t->until_stable_cv = p->until_stable_cv;
        t->other_cpu_pct = NAN;
        t->avg_ns = t->stddev_ns = t->avg_ts = t->stddev_ts = NAN;
        t->avg_ts_kept = t->stddev_ts_kept = t->cv_kept = NAN;
        cllm_time_iso8601(now, t->test_time, sizeof(t->test_time));
        cllm_strlcpy(t->model, have[x->model] ? paths[x->model] : p->models[x->model], sizeof(t->model));
        cllm_strlcpy(t->model_key, keys[x->model], sizeof(t->model_key));
        t->synthetic = synth[x->model];
        cllm_bench_test_name(&t->k, name, sizeof(name));
        if (cancelled(&r)) {
            set_status(t, "cancelled", "stopped by the user before this test");
            result = CLLM_ERR_CANCELLED;
            break;
        }
        if (!have[x->model]) {
            set_status(t, "failed", why[x->model]);
            event(&r, CLLM_SWEEP_EV_TEST_DONE, t, "%s", name);
            continue;
        }
        if (loaded_model != x->model || !same_model_knobs(&loaded_knobs, &x->k)) {
            struct cllm_bench_load_params lp = {paths[x->model], p->llama_lib, &x->k, rp->hw ? &rp->hw->gpu : NULL,
                                                rp->gpu_sel, p->rpc};
            if (model)
                r.ops->unload(r.ops->self, model);
            model = NULL;
            cache_clear(&r);
            memset(&info, 0, sizeof(info));
            event(&r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: loading %s (-ngl %d)", r.idx, r.total,
                  paths[x->model], x->k.n_gpu_layers);
            load_st = r.ops->load(r.ops->self, &lp, &model, &info, load_err, sizeof(load_err));
            loaded_model = x->model;
            loaded_knobs = x->k;
            if (load_st == CLLM_ERR_LIBRARY) {
                /* no usable libllama: nothing else can run either */
                cllm_errf(err, errlen, "%s", load_err);
                set_status(t, "failed", load_err);
                result = CLLM_ERR_LIBRARY;
                break;
            }
        }
        t->info = info;
        if (!out->gpu_info[0])
            cllm_strlcpy(out->gpu_info, info.gpu_info, sizeof(out->gpu_info));
        if (load_st != CLLM_OK) {
            set_status(t, "skipped", load_err);
            event(&r, CLLM_SWEEP_EV_TEST_DONE, t, "%s", name);
            continue;
        }
        event(&r, CLLM_SWEEP_EV_STEP, t, "benchmark %d/%d: starting %s", r.idx, r.total, name);
        run_test(&r, model, t);
        event(&r, CLLM_SWEEP_EV_TEST_DONE, t, "%s", name);
        if (strcmp(t->status, "cancelled") == 0) {
            result = CLLM_ERR_CANCELLED;
            break;
        }
    }
    if (model)
        r.ops->unload(r.ops->self, model);
    cache_clear(&r);
    free(inst);
    return result;
}

enum cllm_status cllm_sweep_save(const struct cllm_hw_info *hw, const struct cllm_bench_sweep *s, time_t started,
                                 bool cancelled, const char *dir, char *path_out, size_t path_n, char *err,
                                 size_t errlen)
{
    cJSON *result = cllm_result_new(hw, NULL, started), *ai, *sweep;
    bool elsewhere = false, failed = false, any_ok = false;
    enum cllm_status st;

    if (path_n)
        path_out[0] = '\0';
    if (!result) {
        cllm_errf(err, errlen, "out of memory");
        return CLLM_ERR_NOMEM;
    }
    cllm_json_set_status(cJSON_GetObjectItemCaseSensitive(result, CLLM_F_CLASSIC_BENCHMARKS.name), "skipped",
                         CLLM_F_REASON.name, "computellm sweep runs the LLM test matrix only");
    ai = cJSON_GetObjectItemCaseSensitive(result, CLLM_F_AI_BENCHMARKS.name);
    sweep = ai ? cllm_w_obj(ai, &CLLM_F_AI_SWEEP) : NULL;
    if (sweep)
        cllm_write_sweep(sweep, s);
    for (int i = 0; i < s->n_tests; i++) {
        const char *t = s->tests[i].status ? s->tests[i].status : "failed";
        failed |= strcmp(t, "failed") == 0;
        any_ok |= strcmp(t, "ok") == 0;
    }
    if (ai)
        cllm_w_set_str(ai, &CLLM_F_AI_STATUS, cancelled ? "partial" : any_ok ? "ok" : "failed");
    cllm_result_set_status(result, cancelled ? "cancelled" : !any_ok ? "failed" : failed ? "partial" : "complete",
                           time(NULL));
    st = cllm_result_save(result, dir, path_out, path_n, &elsewhere, err, errlen);
    if (st != CLLM_OK && !elsewhere && path_n)
        path_out[0] = '\0';
    cJSON_Delete(result);
    return st;
}
