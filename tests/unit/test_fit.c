/* model/fit.h: the memory a model needs, where it fits and the predicted rates, checked against numbers worked out
 * by hand from the formulas in fit.h (Mistral 7B's shape: 32 layers, 4096 wide, FFN 14336, 32 heads, 8 KV heads,
 * 32000 tokens). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fit.h"
#include "test.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

static const struct cllm_model_arch MISTRAL = {"llama", 32, 4096, 14336, 32, 8, 32000, 32768, 1e6, 1e-5};

static void test_kv_and_params(void)
{
    /* 2 x 32 layers x 2048 tokens x 8 heads x 128 dims x 2 bytes = 268435456 (256 MiB) */
    CHECK_NEAR(cllm_fit_kv_bytes(&MISTRAL, 2048, 2), 268435456.0, 0.5);
    /* q8_0: 34 bytes per 32 elements */
    CHECK_NEAR(cllm_fit_kv_bytes(&MISTRAL, 2048, cllm_fit_kv_type_bytes("q8_0")), 268435456.0 * 34 / 64, 0.5);
    CHECK_NEAR(cllm_fit_kv_type_bytes("F16"), 2, 0);
    CHECK_NEAR(cllm_fit_kv_type_bytes("q4_0"), 18.0 / 32, 0);
    CHECK(isnan(cllm_fit_kv_type_bytes("q3_x")));
    CHECK(isnan(cllm_fit_kv_type_bytes(NULL)));
    /* per layer 2x4096^2 + 2x4096x1024 + 3x4096x14336 = 218103808; + 2 x 32000 x 4096 = 7241465856 in all */
    CHECK_NEAR(cllm_fit_layer_params(&MISTRAL), 218103808.0, 0.5);
    CHECK_NEAR(cllm_fit_params(&MISTRAL), 7241465856.0, 0.5);
    /* 4 bytes x 512 x (32000 + 32 x 2048 + 3 x 14336 + 4 x 4096) = 321388544 */
    CHECK_NEAR(cllm_fit_compute_bytes(&MISTRAL, 2048), 321388544.0, 0.5);
}

static void mistral_q4(struct cllm_fit_need *n)
{
    cllm_fit_need_estimate(&MISTRAL, 4.37e9, 2048, 2, n);
}

static void test_need_estimate(void)
{
    struct cllm_fit_need n;
    mistral_q4(&n);
    /* embedding 4.37e9 x 131072000 / 7241465856 = 79097885.9 bytes; output the same; layers the rest / 32 */
    CHECK_NEAR(n.embd_bytes, 79097885.9, 1);
    CHECK_NEAR(n.output_bytes, 79097885.9, 1);
    CHECK_NEAR(n.layer_bytes, 131618882.1, 1);
    CHECK_NEAR(n.kv_bytes, 268435456.0, 0.5);
    CHECK_INT(n.n_layer, 32);
    /* 2 x (7241465856 - 131072000) */
    CHECK_NEAR(n.flops_per_token, 14220787712.0, 1);
}

static void test_decode_7b_q4(void)
{
    struct cllm_fit_need n;
    struct cllm_fit_place cpu, gpu;
    struct cllm_fit_rates r;
    double g, c;
    mistral_q4(&n);
    cllm_fit_rates_default(&r);
    r.cpu_read_gbps.value = 40;
    r.cpu_decode_eff.value = 1;
    r.gpu_read_gbps.value = 2000;
    r.gpu_decode_eff.value = 0.5;
    r.gpu_layer_us.value = 0;
    cllm_fit_place_all(&n, CLLM_WHERE_CPU, &cpu);
    cllm_fit_bytes_per_token(&n, &cpu, 0, &g, &c);
    /* every weight but the embedding table: 4.37e9 - 79097885.9 = 4290902114.1 bytes per token */
    CHECK_NEAR(g, 0, 0);
    CHECK_NEAR(c, 4290902114.1, 1);
    /* at 40 GB/s: 40e9 / 4290902114.1 = 9.3220 tokens/s */
    CHECK_NEAR(cllm_fit_decode_tps(&n, &cpu, 0, &r), 9.32205, 1e-4);
    /* at depth 1024 the KV cache adds half of its 268435456 bytes: 40e9 / 4425119842.1 = 9.0393 */
    CHECK_NEAR(cllm_fit_decode_tps(&n, &cpu, 1024, &r), 9.03930, 1e-4);
    /* all on the GPU at 2000 GB/s x 0.5: 1000e9 / 4290902114.1 = 233.05 */
    cllm_fit_place_all(&n, CLLM_WHERE_GPU, &gpu);
    CHECK_NEAR(cllm_fit_decode_tps(&n, &gpu, 0, &r), 233.0512, 1e-3);
    /* with 40 us per layer the GPU adds 32 x 40 us = 1.28 ms: 1 / (4290902114.1 / 1e12 + 0.00128) = 179.5041 */
    r.gpu_layer_us.value = 40;
    CHECK_NEAR(cllm_fit_decode_tps(&n, &gpu, 0, &r), 179.50414, 1e-3);
    /* the CPU placement has no layer time */
    CHECK_NEAR(cllm_fit_decode_tps(&n, &cpu, 0, &r), 9.32205, 1e-4);
    /* the efficiency that predicts a measured 8 tokens/s at 40 GB/s: 8 x 4290902114.1 / 40e9 = 0.85818 */
    CHECK_NEAR(cllm_fit_efficiency(&n, 8, 0, 40, 0), 0.858180, 1e-6);
    CHECK(isnan(cllm_fit_efficiency(&n, 8, 0, NAN, 0)));
    /* less 32 x 100 us of layer time: 4290902114.1 / (40e9 x (0.125 - 0.0032)) = 0.880727 */
    CHECK_NEAR(cllm_fit_efficiency(&n, 8, 0, 40, 100), 0.880727, 1e-6);
    /* a layer time that is the whole token (32 x 4 ms > 125 ms): no efficiency */
    CHECK(isnan(cllm_fit_efficiency(&n, 8, 0, 40, 4000)));
    /* prompt: 14220787712 FLOPs per token at 200 GFLOPS x 1.0 = 14.064 tokens/s */
    r.cpu_gflops.value = 200;
    r.cpu_prompt_eff.value = 1;
    CHECK_NEAR(cllm_fit_prompt_tps(&n, &cpu, &r), 14.0639, 1e-3);
}

static void test_partial_decode(void)
{
    /* 10 layers of 1e9 bytes, a 0.5e9 output head and embedding, no KV: 4 layers on the GPU at 1000 GB/s read
     * 4e9 bytes in 4 ms, the CPU reads 6 layers + the head (6.5e9) at 50 GB/s in 130 ms: 1 / 0.134 s = 7.4627 */
    struct cllm_model_arch a = {"llama", 10, 64, 128, 1, 1, 10, 1, 1e4, 1e-5};
    struct cllm_fit_need n;
    struct cllm_fit_place p;
    struct cllm_fit_rates r;
    cllm_fit_need_from_tensors(&a, 11.0e9, 0.5e9, 0.5e9, false, 1, 2, &n);
    CHECK_NEAR(n.layer_bytes, 1e9, 1);
    cllm_fit_rates_default(&r);
    r.gpu_read_gbps.value = 1000;
    r.cpu_read_gbps.value = 50;
    r.gpu_decode_eff.value = r.cpu_decode_eff.value = 1;
    r.gpu_layer_us.value = 0;
    memset(&p, 0, sizeof(p));
    p.where = CLLM_WHERE_PARTIAL;
    p.n_gpu_layers = 4;
    p.n_layer = 10;
    CHECK_NEAR(cllm_fit_decode_tps(&n, &p, 0, &r), 1 / 0.134, 1e-6);
    /* 40 us for each of the 4 GPU layers: 1 / (0.134 + 0.00016) = 7.45379 */
    r.gpu_layer_us.value = 40;
    CHECK_NEAR(cllm_fit_decode_tps(&n, &p, 0, &r), 7.453787, 1e-5);
    /* a tied head reads the embedding table as the output matrix */
    cllm_fit_need_from_tensors(&a, 11.0e9, 0.5e9, 0, true, 1, 2, &n);
    CHECK_NEAR(n.output_bytes, 0.5e9, 1);
    CHECK_NEAR(n.layer_bytes, 1.05e9, 1);
}

static void test_place(void)
{
    struct cllm_fit_need n;
    struct cllm_fit_memory m;
    struct cllm_fit_place p;
    double per_layer;
    mistral_q4(&n);
    per_layer = n.layer_bytes + n.kv_bytes / 32;

    /* one GPU with 80 GiB free: all on it; the VRAM holds weights - embedding + KV + compute = 4880726114 bytes */
    memset(&m, 0, sizeof(m));
    m.n_gpus = 1;
    m.gpu_free_bytes[0] = 80 * GIB;
    m.ram_free_bytes = 16 * GIB;
    strcpy(m.gpu_name, "Test GPU");
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "gpu");
    CHECK_INT(p.n_gpu_layers, 32);
    CHECK_NEAR(p.gpu_bytes, 4880726114.1, 1);
    CHECK(strstr(p.reason, "all 32 layers on GPU 0") != NULL);

    /* 2 GiB free: (2 GiB - 321388544) / (131618882.1 + 8388608) = 13.04 -> 13 layers */
    m.gpu_free_bytes[0] = 2 * GIB;
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "partial");
    CHECK_INT(p.n_gpu_layers, 13);
    CHECK_NEAR(p.gpu_bytes, 13 * per_layer + 321388544.0, 1);
    CHECK_NEAR(p.ram_bytes, 19 * per_layer + 2 * 79097885.9 + 321388544.0, 1);
    CHECK(strstr(p.reason, "13 of 32 layers") != NULL);

    /* two GPUs of 3 GiB: 4880726114 + one more compute buffer = 5202114658 <= 6 GiB: split */
    m.n_gpus = 2;
    m.gpu_free_bytes[0] = m.gpu_free_bytes[1] = 3 * GIB;
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "gpu_split");
    CHECK_INT(p.n_gpus_used, 2);
    CHECK_NEAR(p.gpu_bytes, 5202114658.1, 1);

    /* no GPU, 16 GiB: CPU; weights + KV + compute = 4959824000 bytes */
    m.n_gpus = 0;
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "cpu");
    CHECK_NEAR(p.ram_bytes, 4959824000.0, 1);
    CHECK(strstr(p.reason, "no GPU") != NULL);

    /* 4 GiB of RAM: does not fit */
    m.ram_free_bytes = 4 * GIB;
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "none");
    CHECK(strstr(p.reason, "does not fit") != NULL);

    /* unified memory with room: on the GPU, in system memory */
    m.unified = true;
    m.ram_free_bytes = 16 * GIB;
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "unified");

    /* a GPU too small for one layer: CPU, saying so */
    m.unified = false;
    m.n_gpus = 1;
    m.gpu_free_bytes[0] = 0.2 * GIB;
    cllm_fit_place(&n, &m, &p);
    CHECK_STR(cllm_fit_where_name(p.where), "cpu");
    CHECK(strstr(p.reason, "not one layer") != NULL);
}

static void test_recommend(void)
{
    struct cllm_fit_advice a;
    struct cllm_model_arch small = MISTRAL;
    const double sizes[4] = {3.0e9, 5.0e9, 7.7e9, 30e9};
    const char *quants[4] = {"Q3", "Q5", "Q8", "Q8"};
    memset(&a, 0, sizeof(a));
    cllm_fit_rates_default(&a.rates);
    a.rates.gpu_read_gbps.value = 100;
    a.rates.gpu_decode_eff.value = 1;
    a.rates.gpu_layer_us.value = 0;
    a.rates.cpu_read_gbps.value = 20;
    a.rates.cpu_decode_eff.value = 1;
    a.depth = 0;
    a.min_tps = 10;
    a.mem.n_gpus = 1;
    a.mem.gpu_free_bytes[0] = 8 * GIB;
    a.mem.ram_free_bytes = 64 * GIB;
    a.n_rows = 4;
    a.rows = calloc(4, sizeof(*a.rows));
    for (int i = 0; i < 4; i++) {
        strcpy(a.rows[i].key, i < 3 ? "m7" : "m34");
        strcpy(a.rows[i].origin, "registry");
        strcpy(a.rows[i].quant, quants[i]);
        a.rows[i].params_b = i < 3 ? 7.2 : 34;
        cllm_fit_need_estimate(&small, sizes[i], 2048, 2, &a.rows[i].need);
    }
    cllm_fit_advise(&a);
    /* 7.7e9 less its embedding + KV + compute = 7.59 GiB on the GPU: fits in 8; the 34B file does not */
    CHECK_STR(cllm_fit_where_name(a.rows[2].place.where), "gpu");
    CHECK(a.rows[2].best_on_gpu && !a.rows[0].best_on_gpu && !a.rows[1].best_on_gpu);
    CHECK_STR(cllm_fit_where_name(a.rows[3].place.where), "partial");
    CHECK(!a.rows[3].best_on_gpu);
    /* the 34B decodes at about 1.5 tokens/s partly offloaded: the largest at >= 10 tokens/s is the 7B's Q8 at
     * 100e9 / (7.7e9 x (1 - 131072000 / 7241465856)) = 13.2264 */
    CHECK_INT(a.largest_row, 2);
    CHECK_NEAR(a.rows[2].decode_tps, 13.2264, 1e-3);
    CHECK(a.rows[3].decode_tps < a.rows[3].decode_tps_gpu_all && a.rows[3].decode_tps > a.rows[3].decode_tps_cpu);
    a.min_tps = 1000;
    cllm_fit_advise(&a);
    CHECK_INT(a.largest_row, -1);
    CHECK(strstr(a.largest_why, "no model") != NULL);
    cllm_fit_advice_free(&a);
}

/* the layer time and the GPU efficiency fitted from measured runs */
static void test_gpu_terms(void)
{
    struct cllm_fit_sample s[3];
    const int layers[3] = {22, 32, 40};
    const double bytes[3] = {0.630e9, 4.30e9, 7.80e9};
    struct cllm_fit_rates r;
    double us = 0, eff = 0;
    /* runs made from 40 us per layer and 0.9 of 2112 GB/s: the fit gives both back */
    for (int i = 0; i < 3; i++)
        s[i] = (struct cllm_fit_sample){layers[i], bytes[i], layers[i] * 40e-6 + bytes[i] / (2112e9 * 0.9)};
    CHECK(cllm_fit_gpu_terms(s, 3, 2112, &us, &eff));
    CHECK_NEAR(us, 40, 1e-6);
    CHECK_NEAR(eff, 0.9, 1e-9);
    /* the two runs measured on the H200 (docs/performance.md): TinyLlama 803.44, Mistral 7B 277.53 tokens/s;
     * solved by hand: a = (t1 B2 - t2 B1) / (L1 B2 - L2 B1) = 41.40 us, 1 / (b x 2112.2e9) = 0.89354 */
    s[0] = (struct cllm_fit_sample){22, 0.630e9, 1 / 803.44};
    s[1] = (struct cllm_fit_sample){32, 4.30e9, 1 / 277.53};
    CHECK(cllm_fit_gpu_terms(s, 2, 2112.2, &us, &eff));
    CHECK_NEAR(us, 41.40196, 1e-4);
    CHECK_NEAR(eff, 0.893537, 1e-5);
    /* one run, or runs with the same bytes per layer, cannot tell the terms apart */
    CHECK(!cllm_fit_gpu_terms(s, 1, 2112, &us, &eff));
    s[1] = (struct cllm_fit_sample){44, 1.26e9, 1 / 400.0};
    CHECK(!cllm_fit_gpu_terms(s, 2, 2112, &us, &eff));
    /* a bigger model that is faster per byte than a small one: a negative term, refused */
    s[0] = (struct cllm_fit_sample){22, 0.630e9, 1 / 100.0};
    s[1] = (struct cllm_fit_sample){32, 4.30e9, 1 / 277.53};
    CHECK(!cllm_fit_gpu_terms(s, 2, 2112, &us, &eff));
    CHECK(!cllm_fit_gpu_terms(s, 2, NAN, &us, &eff));
    /* the defaults say they are assumed and where they come from */
    cllm_fit_rates_default(&r);
    CHECK_NEAR(r.gpu_layer_us.value, 40, 0);
    CHECK_NEAR(r.gpu_decode_eff.value, 0.9, 0);
    CHECK(!r.gpu_layer_us.measured && strstr(r.gpu_layer_us.source, "H200") != NULL);
    CHECK(strstr(r.cpu_decode_eff.source, "H200") == NULL);
}

int main(void)
{
    RUN(test_kv_and_params);
    RUN(test_need_estimate);
    RUN(test_decode_7b_q4);
    RUN(test_partial_decode);
    RUN(test_place);
    RUN(test_recommend);
    RUN(test_gpu_terms);
    return test_summary();
}
