/* computellm sweep (app/sweep.c) on a scripted engine: the option parser (lists, ranges, refusals), llama-bench's
 * expansion order, the depth state built once per depth whatever the order, --until-stable against a known noise
 * sequence, throttled repetitions kept out of the kept statistics, a model that cannot load → skipped rows. */
#include <stdint.h>

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "app/sweep.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "report/fields_sweep.h"
#include "llm/bench.h"
#include "monitor/monitor.h"
#include "test.h"

/* ---- the fake engine: a clock that advances by a cost per token, times a noise factor per repetition ---- */

#define MAX_CALLS 4096

struct fake {
    uint64_t clock;
    int loads, unloads, ctx_news, ctx_frees, saves, restores;
    int builds_at[16];            /* depth builds per depth index (depth / 128) */
    int clock_reads;
    uint64_t starts[64];          /* each timed repetition's start (odd clock reads) */
    int n_starts;
    int fail_load_ngl;            /* a load with this -ngl fails; -99: none */
    bool restore_refuses;
    const double *noise;          /* the timed prompt/gen cost factor per timed repetition, in order */
    int n_noise, noise_i;
    int pos;                      /* tokens in the fake KV cache */
    bool in_depth;                /* the runner is filling a depth (no clock read between) */
    int calls;
    int sel_n, sel_first;         /* the --gpus selection the last load got (0: none) */
    bool sel_has_gpus;            /* ... with the detected list beside it */
};

struct fake_ctx {
    struct fake *f;
    int saved_pos;
};

static enum cllm_status f_load(void *self, const struct cllm_bench_load_params *p, void **model,
                               struct cllm_bench_model_info *info, char *err, size_t errlen)
{
    struct fake *f = self;
    if (p->k->n_gpu_layers == f->fail_load_ngl) {
        snprintf(err, errlen, "not enough VRAM for %d layers", p->k->n_gpu_layers);
        return CLLM_ERR_NOMEM;
    }
    f->loads++;
    f->sel_n = p->gpu_sel ? p->gpu_sel->n : 0;
    f->sel_first = p->gpu_sel && p->gpu_sel->n ? p->gpu_sel->index[0] : -1;
    f->sel_has_gpus = p->gpus != NULL;
    snprintf(info->model_type, sizeof(info->model_type), "fake 1B Q4_K");
    info->model_size = 1 << 20;
    info->model_n_params = 1000000;
    snprintf(info->backends, sizeof(info->backends), "CPU");
    snprintf(info->build_commit, sizeof(info->build_commit), "fake");
    *model = f;
    return CLLM_OK;
}

static void f_unload(void *self, void *model)
{
    (void)model;
    ((struct fake *)self)->unloads++;
}

static enum cllm_status f_ctx_new(void *self, void *model, const struct cllm_bench_knobs *k, int n_ctx, void **ctx,
                                  char *err, size_t errlen)
{
    struct fake_ctx *c = calloc(1, sizeof(*c));
    (void)model, (void)k, (void)n_ctx, (void)err, (void)errlen;
    c->f = self;
    c->f->ctx_news++;
    *ctx = c;
    return CLLM_OK;
}

static void f_ctx_free(void *self, void *ctx)
{
    ((struct fake *)self)->ctx_frees++;
    free(ctx);
}

static void f_clear(void *self, void *ctx)
{
    (void)ctx;
    ((struct fake *)self)->pos = 0;
}

/* cost: 1 µs per prompt token, plus 1 ns per token already in the cache (depth matters, as attention does) */
static double noise_now(struct fake *f) { return f->noise && f->noise_i < f->n_noise ? f->noise[f->noise_i] : 1.0; }

static enum cllm_status f_prompt(void *self, void *ctx, int n, int n_batch, uint64_t *rng, char *err, size_t errlen)
{
    struct fake *f = self;
    (void)ctx, (void)n_batch, (void)rng, (void)err, (void)errlen;
    f->clock += (uint64_t)((1000.0 * n + f->pos) * noise_now(f));
    f->pos += n;
    f->calls++;
    return CLLM_OK;
}

static enum cllm_status f_gen(void *self, void *ctx, int n, uint64_t *rng, char *err, size_t errlen)
{
    struct fake *f = self;
    (void)ctx, (void)rng, (void)err, (void)errlen;
    for (int i = 0; i < n; i++) {
        f->clock += (uint64_t)((10000.0 + f->pos) * noise_now(f));
        f->pos++;
    }
    f->calls++;
    return CLLM_OK;
}

static bool f_save(void *self, void *ctx, uint8_t **buf, size_t *len)
{
    struct fake *f = self;
    (void)ctx;
    f->saves++;
    *buf = malloc(sizeof(int));
    memcpy(*buf, &f->pos, sizeof(int));
    *len = sizeof(int);
    if (f->pos / 128 < 16)
        f->builds_at[f->pos / 128]++;
    return true;
}

static bool f_restore(void *self, void *ctx, const uint8_t *buf, size_t len)
{
    struct fake *f = self;
    (void)ctx;
    if (f->restore_refuses || len != sizeof(int))
        return false;
    f->restores++;
    memcpy(&f->pos, buf, sizeof(int));
    return true;
}

static uint64_t f_now(void *self)
{
    struct fake *f = self;
    /* each timed repetition reads the clock twice (start, end): the noise index moves on after the end */
    uint64_t t = f->clock;
    if (f->clock_reads % 2 == 0 && f->n_starts < 64)
        f->starts[f->n_starts++] = t;
    if (++f->clock_reads % 2 == 0)
        f->noise_i++;
    return t;
}

static void f_sleep(void *self, double s) { ((struct fake *)self)->clock += (uint64_t)(s * 1e9); }

static struct cllm_bench_ops fake_ops(struct fake *f)
{
    struct cllm_bench_ops o = {"fake", f, f_load, f_unload, f_ctx_new, f_ctx_free, f_clear, f_prompt, f_gen,
                               f_save, f_restore, f_now, f_sleep};
    return o;
}

static enum cllm_status parse(struct cllm_sweep_params *p, const char *line, char *err, size_t n)
{
    static char buf[1024];
    static char *argv[64];
    int argc = 0;
    bool help;
    snprintf(buf, sizeof(buf), "%s", line);
    for (char *t = strtok(buf, " "); t && argc < 64; t = strtok(NULL, " "))
        argv[argc++] = t;
    *p = cllm_sweep_default_params();
    return cllm_sweep_parse(argc, argv, p, &help, err, n);
}

static struct cllm_bench_sweep run(struct fake *f, const struct cllm_sweep_params *p, enum cllm_status *st,
                                   const struct cllm_sweep_monitor *mon)
{
    struct cllm_bench_ops ops = fake_ops(f);
    struct cllm_sweep_run_params rp;
    struct cllm_bench_sweep s;
    char err[CLLM_ERR_LEN];
    memset(&rp, 0, sizeof(rp));
    rp.p = p;
    rp.ops = &ops;
    if (mon)
        rp.monitor = *mon;
    *st = cllm_sweep_run(&rp, &s, err, sizeof(err));
    return s;
}

/* ---- tests ---- */

static void test_int_lists(void)
{
    struct cllm_sweep_list l;
    char err[CLLM_ERR_LEN];
    memset(&l, 0, sizeof(l));
    CHECK_INT(cllm_sweep_parse_ints("512", false, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 1);
    CHECK_INT(l.v[0], 512);
    memset(&l, 0, sizeof(l));
    CHECK_INT(cllm_sweep_parse_ints("1,2,4", false, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 3);
    CHECK_INT(l.v[2], 4);
    memset(&l, 0, sizeof(l));
    CHECK_INT(cllm_sweep_parse_ints("128-512+128", false, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 4);
    CHECK_INT(l.v[3], 512);
    memset(&l, 0, sizeof(l));
    CHECK_INT(cllm_sweep_parse_ints("1-16*2,100", false, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 6);   /* 1 2 4 8 16 100 */
    CHECK_INT(l.v[4], 16);
    CHECK_INT(l.v[5], 100);
    memset(&l, 0, sizeof(l));
    CHECK_INT(cllm_sweep_parse_ints("3-5", false, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 3);
    memset(&l, 0, sizeof(l));
    CHECK_INT(cllm_sweep_parse_ints("-1,0,8", true, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.v[0], -1);
    /* refusals, each with a message */
    {
        const char *bad[] = {"", "a", "1,", ",1", "5-3", "1-8*1", "0-8*2", "1-8+0", "1--2", "1-", "1-4+", "12x",
                             "-1", "99999999999", "1-1000"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            memset(&l, 0, sizeof(l));
            err[0] = '\0';
            if (cllm_sweep_parse_ints(bad[i], false, &l, err, sizeof(err)) != CLLM_ERR_INVALID_ARG || !err[0])
                fprintf(stderr, "accepted or silent: \"%s\"\n", bad[i]), t_checks_failed++;
        }
    }
}

static void test_options(void)
{
    struct cllm_sweep_params p;
    char err[CLLM_ERR_LEN];
    CHECK_INT(parse(&p, "-m a.gguf -p 512 -n 128 -r 5 -t 2 -o md", err, sizeof(err)), CLLM_OK);
    CHECK_INT(p.n_models, 1);
    CHECK_INT(p.repetitions, 5);
    CHECK_INT(p.n_threads.v[0], 2);
    CHECK_INT(cllm_sweep_count(&p), 2);
    /* every knob with a list */
    CHECK_INT(parse(&p, "-m a.gguf -m b.gguf -p 64,128 -n 16 -pg 32,8 -d 256 -r 3 -t 1,2 -b 256 -ub 64 "
                        "-fa 0,1,auto -ctk f16,q8_0 -ctv q4_0 -ngl 0-32+32 -sm none,row -mg 0 -ts 3/1,1;1 "
                        "-nkvo 0,1 -mmp 0 --poll 50 --delay 0 --no-warmup --progress -o sql --until-stable 0.05",
                  err, sizeof(err)),
              CLLM_OK);
    CHECK_INT(p.n_models, 2);
    CHECK_INT(p.n_pg, 1);
    CHECK_INT(p.flash_attn.n, 3);
    CHECK_INT(p.flash_attn.v[2], -1);
    CHECK_INT(p.type_k.v[1], 8);
    CHECK_INT(p.type_v.v[0], 2);
    CHECK_INT(p.n_gpu_layers.n, 2);
    CHECK_INT(p.n_gpu_layers.v[1], 32);
    CHECK_INT(p.split_mode.v[1], CLLM_BENCH_SPLIT_ROW);
    CHECK_INT(p.use_mmap.v[0], 0);
    CHECK_INT(p.n_ts, 2);
    CHECK_INT(p.ts_len[1], 2);
    CHECK_NEAR(p.ts[0][0], 3.0, 1e-6);
    CHECK(!p.warmup);
    CHECK(p.progress);
    CHECK_INT(p.format, CLLM_SWEEP_SQL);
    CHECK_NEAR(p.until_stable_cv, 0.05, 1e-12);
    /* (2 pp + 1 tg + 1 pg) x t 2 x fa 3 x ctk 2 x ngl 2 x sm 2 x ts 2 x nkvo 2 */
    CHECK_INT(cllm_sweep_count(&p), 4L * 2 * 3 * 2 * 2 * 2 * 2 * 2);
    /* refusals name the option */
    {
        const char *bad[][2] = {
            {"-p 512", "no model"},
            {"-m a.gguf -p 0 -n 0", "no test"},
            {"-m a.gguf -fa maybe", "-fa"},
            {"-m a.gguf -ctk q3", "-ctk"},
            {"-m a.gguf -sm tensor", "-sm"},
            {"-m a.gguf -t 0", "-t"},
            {"-m a.gguf -r 0", "-r"},
            {"-m a.gguf -r 2.5", "-r"},
            {"-m a.gguf -pg 512", "-pg"},
            {"-m a.gguf -o xml", "-o"},
            {"-m a.gguf --poll 101", "--poll"},
            {"-m a.gguf --until-stable 0", "--until-stable"},
            {"-m a.gguf -ts 0/0", "-ts"},
            {"-m a.gguf --bogus", "--bogus"},
            {"-m a.gguf -p", "-p"},
            {"-m a.gguf -ngl -2", "-ngl"},
            {"-m a.gguf -p 1-64*2 -n 1-64*2 -t 1-64 -b 1-64*2", "tests"},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            err[0] = '\0';
            if (parse(&p, bad[i][0], err, sizeof(err)) != CLLM_ERR_INVALID_ARG || !strstr(err, bad[i][1]))
                fprintf(stderr, "\"%s\": got \"%s\", expected a refusal naming %s\n", bad[i][0], err, bad[i][1]),
                    t_checks_failed++;
        }
    }
}

static void test_order_and_depth(void)
{
    struct cllm_sweep_params p;
    struct fake f;
    struct cllm_bench_sweep a, b;
    enum cllm_status st;
    char err[CLLM_ERR_LEN];
    int builds_a[16] = {0}, builds_b[16] = {0};

    CHECK_INT(parse(&p, "-m a.gguf -p 512 -n 128 -d 0,512,1024 -r 4 -t 2", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    a = run(&f, &p, &st, NULL);
    CHECK_INT(st, CLLM_OK);
    CHECK_INT(a.n_tests, 6);
    CHECK_INT(f.loads, 1);   /* one model load for the whole matrix */
    CHECK_INT(f.ctx_news, 6);
    CHECK_INT(f.ctx_frees, 6);
    memcpy(builds_a, f.builds_at, sizeof(builds_a));
    /* llama-bench's order: per depth the pp test, then tg */
    CHECK_INT(a.tests[0].k.n_prompt, 512);
    CHECK_INT(a.tests[1].k.n_gen, 128);
    CHECK_INT(a.tests[2].k.n_depth, 512);
    CHECK_INT(a.tests[2].n_ctx, 1024);
    /* each depth built once for the whole sweep: its pp test builds it, every later repetition restores it */
    CHECK_INT(builds_a[4], 1);
    CHECK_INT(builds_a[8], 1);
    CHECK_INT(builds_a[0], 0);
    CHECK_INT(a.tests[2].depth_builds + a.tests[3].depth_builds, 1);
    CHECK_INT(a.tests[4].depth_builds + a.tests[5].depth_builds, 1);
    CHECK(a.tests[2].samples[0].depth_built);
    CHECK(!a.tests[2].samples[1].depth_built);

    CHECK_INT(parse(&p, "-m a.gguf -p 512 -n 128 -d 1024,512,0 -r 4 -t 2", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    b = run(&f, &p, &st, NULL);
    CHECK_INT(st, CLLM_OK);
    memcpy(builds_b, f.builds_at, sizeof(builds_b));
    CHECK_INT(builds_b[4], 1);
    /* the same test at the same depth gives the same numbers whatever the order */
    for (int i = 0; i < 6; i++) {
        const struct cllm_bench_test *x = &a.tests[i], *y = &b.tests[(2 - i / 2) * 2 + i % 2];
        CHECK_INT(x->k.n_depth, y->k.n_depth);
        CHECK_INT(x->k.n_prompt, y->k.n_prompt);
        CHECK_NEAR(x->avg_ts, y->avg_ts, 1e-9 * x->avg_ts);
        CHECK_INT(x->n_samples, 4);
    }
    /* the numbers: pp512 at depth 0 costs 512 µs: 1e6 t/s; tg128 at depth 0: sum of (10 µs + pos) per token */
    CHECK_NEAR(a.tests[0].avg_ts, 512 / 512e-6, 1e-3);
    {
        double ns = 0;
        for (int t = 0; t < 128; t++)
            ns += 10000.0 + t;
        CHECK_NEAR(a.tests[1].avg_ts, 128 / (ns * 1e-9), 1e-3);
        CHECK_NEAR(a.tests[1].avg_ns, ns, 1.0);
    }
    /* depth makes the timed part dearer (the fake's cost grows with the cache) */
    CHECK(a.tests[5].avg_ts < a.tests[1].avg_ts);
    CHECK_NEAR(a.tests[0].stddev_ts, 0.0, 1e-9);
    cllm_bench_sweep_free(&a);
    cllm_bench_sweep_free(&b);

    /* a context that refuses the saved state: built every repetition, still correct */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 16 -d 256 -r 3", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    f.restore_refuses = true;
    a = run(&f, &p, &st, NULL);
    CHECK_INT(a.tests[0].depth_builds, 3);
    cllm_bench_sweep_free(&a);
}

static void test_until_stable(void)
{
    struct cllm_sweep_params p;
    struct fake f;
    struct cllm_bench_sweep s;
    enum cllm_status st;
    char err[CLLM_ERR_LEN];
    /* repetitions' speed factors: the 3 first ones spread (CV ~ 10 %), then steady */
    static const double noisy_then_steady[] = {1.0, 1.1, 0.92, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    static const double steady[] = {1.0, 1.005, 0.995, 1.0, 1.0};
    static const double never[] = {1.0, 1.3, 0.8, 1.25, 0.75, 1.3, 0.8, 1.2};

    /* steady from the start: stops at the first check, after 3 repetitions */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 32 -r 10 --until-stable 0.02 --no-warmup", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    f.noise = steady;
    f.n_noise = 5;
    s = run(&f, &p, &st, NULL);
    CHECK_INT(s.tests[0].n_samples, 3);
    CHECK(s.tests[0].stable);
    CHECK(s.tests[0].cv_kept < 0.02);
    CHECK_STR(s.tests[0].status, "ok");
    CHECK_STR(s.tests[0].reason, "");
    cllm_bench_sweep_free(&s);

    /* never stable: all -r repetitions, then it says so */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 32 -r 8 --until-stable 0.02 --no-warmup", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    f.noise = never;
    f.n_noise = 8;
    s = run(&f, &p, &st, NULL);
    CHECK_INT(s.tests[0].n_samples, 8);
    CHECK(!s.tests[0].stable);
    CHECK(strstr(s.tests[0].reason, "not stable") != NULL);
    cllm_bench_sweep_free(&s);

    /* spread first, then steady: the CV of all kept repetitions falls below 5 % only after enough steady ones:
     * speeds 1/f: 1, 0.909, 1.087, then 1s; the first n with CV < 5 % is computed here the same way */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 32 -r 12 --until-stable 0.05 --no-warmup", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    f.noise = noisy_then_steady;
    f.n_noise = 12;
    s = run(&f, &p, &st, NULL);
    {
        int expect = -1;
        for (int n = 3; n <= 12 && expect < 0; n++) {
            double m = 0, v = 0;
            for (int i = 0; i < n; i++)
                m += 1.0 / noisy_then_steady[i];
            m /= n;
            for (int i = 0; i < n; i++)
                v += (1.0 / noisy_then_steady[i] - m) * (1.0 / noisy_then_steady[i] - m);
            if (sqrt(v / (n - 1)) / m < 0.05)
                expect = n;
        }
        CHECK(expect > 3);
        CHECK_INT(s.tests[0].n_samples, expect);
        CHECK(s.tests[0].stable);
    }
    cllm_bench_sweep_free(&s);
}

/* A scripted monitor over the fake's clock: GPU 0 at 1980 MHz except in repetition `slow` (900 MHz at its
 * lowest), reason bits `bits` in repetition `flagged`, 25 % of the CPU busy with other processes; no GPU at all
 * when gpus is 0. */
struct script {
    struct fake *f;
    int slow, flagged, gpus;
    unsigned long long bits;
    /* energy: 300 W on the GPUs over each window; the first await_left calls say "no reading after the end yet" */
    int energy_calls, await_left;
    uint32_t last_mask;
};

static enum cllm_status scripted_energy(void *ud, uint64_t t0, uint64_t t1, uint32_t mask,
                                        struct cllm_energy_window *w)
{
    struct script *sc = ud;
    sc->energy_calls++;
    sc->last_mask = mask;
    cllm_monitor_energy_clear(w);
    w->window_s = (double)(t1 - t0) / 1e9;
    if (sc->await_left > 0) {
        sc->await_left--;
        w->awaiting = true;
        snprintf(w->note, sizeof(w->note), "no energy reading: GPU: GPU0: no reading at or after the window's end");
        return CLLM_OK;
    }
    if (mask == 0) {
        snprintf(w->note, sizeof(w->note), "no energy reading: CPU package: RAPL not readable; GPU: the run used no "
                 "GPU");
        return CLLM_OK;
    }
    w->gpu.j = w->j = 300.0 * w->window_s;
    w->gpu.w = w->w = 300.0;
    snprintf(w->gpu.source, sizeof(w->gpu.source), "nvml_energy_counter");
    snprintf(w->source, sizeof(w->source), "nvml_energy_counter");
    snprintf(w->domains, sizeof(w->domains), "gpu");
    return CLLM_OK;
}

static enum cllm_status scripted_window(void *ud, uint64_t t0, uint64_t t1, struct cllm_monitor_window *w)
{
    struct script *sc = ud;
    int rep = -1;
    CHECK(t1 >= t0);
    for (int i = 0; i < sc->f->n_starts; i++)
        if (sc->f->starts[i] == t0)
            rep = i;
    memset(w, 0, sizeof(*w));
    w->t0_ns = t0;
    w->t1_ns = t1;
    w->n_samples = 3;
    w->cpu_clock_mhz_min = w->cpu_clock_mhz_mean = 3000;
    w->other_cpu_pct_mean = 25.0;
    w->n_gpus = sc->gpus;
    for (int g = 0; g < sc->gpus; g++) {
        w->gpu[g].sm_clock_mhz_max = 1980;
        w->gpu[g].sm_clock_mhz_min = rep == sc->slow ? 900 : 1980;
        w->gpu[g].sm_clock_mhz_mean = rep == sc->slow ? 1400 : 1980;
        w->gpu[g].throttle_known = true;
        w->gpu[g].throttle_reasons = rep == sc->flagged ? sc->bits : 0;
        w->gpu[g].temp_c_max = 60;
        w->gpu[g].power_w_mean = 500;
    }
    return CLLM_OK;
}

static void test_throttled_kept_apart(void)
{
    struct cllm_sweep_params p;
    struct fake f;
    struct cllm_bench_sweep s;
    struct script sc = {&f, 1, -1, 1, 0, 0, 0, 0};
    struct cllm_sweep_monitor mon = {scripted_window, &sc, NULL};
    enum cllm_status st;
    char err[CLLM_ERR_LEN];
    static const double slow_second[] = {1.0, 2.0, 1.0, 1.0};

    /* the clock drop in repetition 2 marks it, and only it */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 32 -r 4 --no-warmup", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    f.noise = slow_second;
    f.n_noise = 4;
    s = run(&f, &p, &st, &mon);
    CHECK_INT(s.tests[0].n_samples, 4);
    CHECK_INT(s.tests[0].n_throttled, 1);
    CHECK(s.tests[0].samples[1].throttled);
    CHECK(strstr(s.tests[0].samples[1].throttle_reason, "SM clock") != NULL);
    CHECK(!s.tests[0].samples[0].throttled && !s.tests[0].samples[2].throttled && !s.tests[0].samples[3].throttled);
    CHECK_NEAR(s.tests[0].samples[1].gpu_sm_clock_mhz_min, 900, 1e-9);
    CHECK_NEAR(s.tests[0].samples[0].cpu_clock_mhz, 3000, 1e-9);
    /* kept: the three steady repetitions; all: the slow one pulls the mean down */
    CHECK_NEAR(s.tests[0].cv_kept, 0.0, 1e-9);
    CHECK(s.tests[0].avg_ts < s.tests[0].avg_ts_kept);
    CHECK_NEAR(s.tests[0].avg_ts, (3 * s.tests[0].avg_ts_kept + s.tests[0].avg_ts_kept / 2) / 4,
               1e-6 * s.tests[0].avg_ts_kept);
    CHECK_NEAR(s.tests[0].other_cpu_pct, 25.0, 1e-12);
    CHECK(s.tests[0].noisy);
    cllm_bench_sweep_free(&s);

    /* a thermal reason in repetition 3, clocks steady: marked with that reason */
    sc.slow = -1;
    sc.flagged = 2;
    sc.bits = CLLM_GPU_THROTTLE_HW_THERMAL;
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    s = run(&f, &p, &st, &mon);
    CHECK_INT(s.tests[0].n_throttled, 1);
    CHECK(s.tests[0].samples[2].throttled);
    CHECK(strstr(s.tests[0].samples[2].throttle_reason, "thermal") != NULL);
    CHECK(s.tests[0].samples[2].gpu_throttle_reasons == CLLM_GPU_THROTTLE_HW_THERMAL);
    cllm_bench_sweep_free(&s);

    /* no GPU: nothing to mark */
    sc.gpus = 0;
    sc.slow = 1;
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    s = run(&f, &p, &st, &mon);
    CHECK_INT(s.tests[0].n_throttled, 0);
    CHECK(isnan(s.tests[0].samples[1].gpu_sm_clock_mhz_min));
    cllm_bench_sweep_free(&s);
}

/* Each test's energy: the repetitions' windows added, per token of (n_prompt + n_gen) x repetitions; -ngl 0 asks
 * for no GPU; a window the monitor has not closed yet is waited for; no monitor: null with why. */
static void test_energy_per_test(void)
{
    struct cllm_sweep_params p;
    struct fake f;
    struct cllm_bench_sweep s;
    struct script sc = {&f, -1, -1, 1, 0, 0, 0, 0};
    struct cllm_sweep_monitor mon = {scripted_window, &sc, scripted_energy};
    enum cllm_status st;
    char err[CLLM_ERR_LEN];
    double secs = 0;
    uint64_t before;

    CHECK_INT(parse(&p, "-m a.gguf -p 64 -n 16 -r 3 -ngl 99,0 --no-warmup", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    s = run(&f, &p, &st, &mon);
    CHECK_INT(s.n_tests, 4);   /* pp64 and tg16 at -ngl 99, then at 0 */
    CHECK(s.tests[0].has_energy);
    for (int i = 0; i < s.tests[0].n_samples; i++)
        secs += (double)s.tests[0].samples[i].ns / 1e9;
    CHECK_NEAR(s.tests[0].energy.win.window_s, secs, 1e-9);
    CHECK_NEAR(s.tests[0].energy.win.j, 300.0 * secs, 1e-6);
    CHECK_INT(s.tests[0].energy.tokens, 64 * 3);
    CHECK_NEAR(s.tests[0].energy.j_per_token, 300.0 * secs / 192.0, 1e-9);
    CHECK_NEAR(s.tests[0].energy.tokens_per_j, 192.0 / (300.0 * secs), 1e-9);
    CHECK_INT(s.tests[1].energy.tokens, 16 * 3);
    CHECK_STR(s.tests[1].energy.win.source, "nvml_energy_counter");
    /* -ngl 0: no GPU asked for; nothing measured here, with why */
    CHECK_INT(sc.last_mask, 0);
    CHECK(isnan(s.tests[3].energy.j_per_token));
    CHECK(strstr(s.tests[3].energy.why, "repetition 1: no energy reading") != NULL);
    CHECK(strstr(s.tests[3].energy.why, "the run used no GPU") != NULL);
    cllm_bench_sweep_free(&s);

    /* the last window not closed yet: asked again after a pause (the fake clock moves on) */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 16 -r 1 --no-warmup", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    sc.energy_calls = 0;
    sc.await_left = 2;
    before = f.clock;
    s = run(&f, &p, &st, &mon);
    CHECK_INT(sc.energy_calls, 3);
    CHECK(f.clock >= before + 100000000ull);   /* two 50 ms waits */
    CHECK_INT(sc.last_mask, CLLM_ENERGY_ALL_GPUS);
    CHECK(isfinite(s.tests[0].energy.j_per_token));
    cllm_bench_sweep_free(&s);

    /* no monitor */
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    s = run(&f, &p, &st, NULL);
    CHECK(s.tests[0].has_energy);
    CHECK(isnan(s.tests[0].energy.win.j) && isnan(s.tests[0].energy.j_per_token));
    CHECK(strstr(s.tests[0].energy.why, "monitor was off") != NULL);
    cllm_bench_sweep_free(&s);
}

static void test_skipped_model(void)
{
    struct cllm_sweep_params p;
    struct fake f;
    struct cllm_bench_sweep s;
    enum cllm_status st;
    char err[CLLM_ERR_LEN];
    CHECK_INT(parse(&p, "-m a.gguf -p 64 -n 16 -ngl 0,99,8 -r 2", err, sizeof(err)), CLLM_OK);
    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = 99;
    s = run(&f, &p, &st, NULL);
    CHECK_INT(st, CLLM_OK);
    CHECK_INT(s.n_tests, 6);
    CHECK_STR(s.tests[0].status, "ok");
    CHECK_STR(s.tests[2].status, "skipped");
    CHECK_STR(s.tests[3].status, "skipped");
    CHECK(strstr(s.tests[2].reason, "VRAM") != NULL);
    CHECK_INT(s.tests[2].n_samples, 0);
    CHECK(isnan(s.tests[2].avg_ts));
    CHECK_STR(s.tests[4].status, "ok");
    CHECK_INT(f.loads, 2);   /* ngl 0 and 8; 99 refused */
    cllm_bench_sweep_free(&s);
}

static void test_names(void)
{
    struct cllm_bench_knobs k = cllm_bench_default_knobs();
    char buf[48];
    k.n_gen = 0;
    cllm_bench_test_name(&k, buf, sizeof(buf));
    CHECK_STR(buf, "pp512");
    k.n_prompt = 0;
    k.n_gen = 128;
    k.n_depth = 1024;
    cllm_bench_test_name(&k, buf, sizeof(buf));
    CHECK_STR(buf, "tg128 @ d1024");
    k.n_prompt = 512;
    k.n_depth = 0;
    cllm_bench_test_name(&k, buf, sizeof(buf));
    CHECK_STR(buf, "pp512+tg128");
    CHECK_INT(cllm_bench_type_from_name("q8_0"), 8);
    CHECK_INT(cllm_bench_type_from_name("q3_k"), -1);
    CHECK_STR(cllm_bench_type_name(30), "bf16");
}

/* sweep --gpus: the selection reaches the engine's load and the results name it */
static void test_gpus(void)
{
    struct fake f;
    struct cllm_sweep_params p;
    struct cllm_bench_ops ops;
    struct cllm_sweep_run_params rp;
    struct cllm_bench_sweep s;
    struct cllm_hw_info *hw = calloc(1, sizeof(*hw));
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    char err[CLLM_ERR_LEN];
    cJSON *o;

    memset(&f, 0, sizeof(f));
    f.fail_load_ngl = -99;
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 4 -r 1 --no-warmup --gpus 1,0", err, sizeof(err)), CLLM_OK);
    CHECK_STR(p.gpus, "1,0");
    hw->gpu.n_devices = 2;
    for (int i = 0; i < 2; i++) {
        cllm_gpu_device_init(&hw->gpu.devices[i]);
        strcpy(hw->gpu.devices[i].vendor, "NVIDIA");
        snprintf(hw->gpu.devices[i].pci_bus_id, sizeof(hw->gpu.devices[i].pci_bus_id), "0000:0%d:00.0", i + 1);
    }
    hw->cpu.physical_cores = 2;
    memset(&env, 0, sizeof(env));
    CHECK_INT(cllm_gpu_select(&hw->gpu, p.gpus, &env, &sel, err, sizeof(err)), CLLM_OK);
    ops = fake_ops(&f);
    memset(&rp, 0, sizeof(rp));
    rp.p = &p;
    rp.ops = &ops;
    rp.hw = hw;
    rp.gpu_sel = &sel;
    CHECK_INT(cllm_sweep_run(&rp, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(f.sel_n, 2);
    CHECK_INT(f.sel_first, 1);
    CHECK(f.sel_has_gpus);
    CHECK_INT(s.n_gpus, 2);
    o = cJSON_CreateObject();
    cllm_write_sweep(o, &s);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "gpus")), 2);
    CHECK_INT(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "gpus"), 0)->valueint, 1);
    cJSON_Delete(o);
    cllm_bench_sweep_free(&s);
    /* without --gpus: no selection, no key */
    CHECK_INT(parse(&p, "-m a.gguf -p 0 -n 4 -r 1 --no-warmup", err, sizeof(err)), CLLM_OK);
    rp.gpu_sel = NULL;
    CHECK_INT(cllm_sweep_run(&rp, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(f.sel_n, 0);
    o = cJSON_CreateObject();
    cllm_write_sweep(o, &s);
    CHECK(cJSON_GetObjectItemCaseSensitive(o, "gpus") == NULL);
    cJSON_Delete(o);
    cllm_bench_sweep_free(&s);
    free(hw);
}

int main(void)
{
    /* the fake engine reads no file, but a GGUF path given to -m must exist */
    FILE *m = fopen("a.gguf", "w");
    if (m)
        fclose(m);
    RUN(test_int_lists);
    RUN(test_options);
    RUN(test_order_and_depth);
    RUN(test_until_stable);
    RUN(test_throttled_kept_apart);
    RUN(test_energy_per_test);
    RUN(test_skipped_model);
    RUN(test_names);
    RUN(test_gpus);
    return test_summary();
}
