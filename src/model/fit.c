#include "model/fit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "core/strutil.h"
#include "hw/hw.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

double cllm_fit_kv_type_bytes(const char *name)
{
    static const struct {
        const char *name;
        double bytes;
    } types[] = {{"f32", 4}, {"f16", 2}, {"bf16", 2}, {"q8_0", 34.0 / 32}, {"q4_0", 18.0 / 32},
                 {"q4_1", 20.0 / 32}, {"q5_0", 22.0 / 32}, {"q5_1", 24.0 / 32}};
    for (size_t i = 0; name && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcasecmp(name, types[i].name) == 0)
            return types[i].bytes;
    return NAN;
}

static double head_dim(const struct cllm_model_arch *a)
{
    return a->n_head > 0 ? (double)(a->n_embd / a->n_head) : 0;
}

double cllm_fit_kv_bytes(const struct cllm_model_arch *a, int n_ctx, double type_bytes)
{
    if (a->n_head <= 0 || n_ctx <= 0 || !(type_bytes > 0))
        return 0;
    return 2.0 * a->n_layer * (double)n_ctx * a->n_head_kv * head_dim(a) * type_bytes;
}

double cllm_fit_layer_params(const struct cllm_model_arch *a)
{
    double e = a->n_embd, kv = a->n_head_kv * head_dim(a);
    return 2 * e * e + 2 * e * kv + 3 * e * a->n_ff;
}

double cllm_fit_params(const struct cllm_model_arch *a)
{
    return 2.0 * a->n_vocab * a->n_embd + a->n_layer * cllm_fit_layer_params(a);
}

double cllm_fit_compute_bytes(const struct cllm_model_arch *a, int n_ctx)
{
    double per_token = (double)a->n_vocab + (double)a->n_head * n_ctx + 3.0 * a->n_ff + 4.0 * a->n_embd;
    return 4.0 * CLLM_FIT_UBATCH * per_token;
}

static void need_common(const struct cllm_model_arch *a, int n_ctx, double kv_type_bytes, struct cllm_fit_need *o)
{
    o->n_layer = a->n_layer > 0 ? a->n_layer : 1;
    o->kv_bytes = cllm_fit_kv_bytes(a, n_ctx, kv_type_bytes);
    o->compute_bytes = cllm_fit_compute_bytes(a, n_ctx);
    o->flops_per_token = 2.0 * (cllm_fit_params(a) - (double)a->n_vocab * a->n_embd);
    o->n_ctx = n_ctx;
    o->kv_type_bytes = kv_type_bytes;
}

void cllm_fit_need_estimate(const struct cllm_model_arch *a, double weights_bytes, int n_ctx, double kv_type_bytes,
                            struct cllm_fit_need *out)
{
    double total = cllm_fit_params(a), vocab = (double)a->n_vocab * a->n_embd;
    memset(out, 0, sizeof(*out));
    need_common(a, n_ctx, kv_type_bytes, out);
    out->weights_bytes = weights_bytes;
    out->embd_bytes = total > 0 ? weights_bytes * vocab / total : 0;
    out->output_bytes = out->embd_bytes;
    out->layer_bytes = (weights_bytes - out->embd_bytes - out->output_bytes) / out->n_layer;
    out->basis = "registry file size, split into embedding, output and layers by parameter counts";
}

void cllm_fit_need_from_tensors(const struct cllm_model_arch *a, double total_bytes, double embd_bytes,
                                double output_bytes, bool tied_output, int n_ctx, double kv_type_bytes,
                                struct cllm_fit_need *out)
{
    memset(out, 0, sizeof(*out));
    need_common(a, n_ctx, kv_type_bytes, out);
    out->weights_bytes = total_bytes;
    out->embd_bytes = embd_bytes;
    /* a tied head reads the embedding table as the output matrix: all of it, every token */
    out->output_bytes = tied_output ? output_bytes + embd_bytes : output_bytes;
    out->layer_bytes = (total_bytes - embd_bytes - output_bytes) / out->n_layer;
    if (out->layer_bytes < 0)
        out->layer_bytes = 0;
    out->basis = "GGUF tensor sizes";
}

void cllm_fit_memory_from_hw(const struct cllm_hw_info *hw, struct cllm_fit_memory *out)
{
    const struct cllm_gpu_info *g = &hw->gpu;
    memset(out, 0, sizeof(*out));
    out->ram_free_bytes = hw->ram.available_bytes > 0 ? (double)hw->ram.available_bytes
                          : hw->ram.total_bytes > 0   ? (double)hw->ram.total_bytes
                                                      : NAN;
    if (g->primary_backend == CLLM_BACKEND_NONE)
        return;
    for (int i = 0; i < g->n_devices && out->n_gpus < CLLM_FIT_MAX_GPUS; i++) {
        const struct cllm_gpu_device *d = &g->devices[i];
        if (d->backend != g->primary_backend)
            continue;
        if (d->integrated || hw->ram.unified_memory) {
            out->unified = true;
            out->n_gpus = 0;
            cllm_strlcpy(out->gpu_name, d->name[0] ? d->name : "the GPU", sizeof(out->gpu_name));
            return;
        }
        if (out->n_gpus == 0)
            cllm_strlcpy(out->gpu_name, d->name[0] ? d->name : "the GPU", sizeof(out->gpu_name));
        out->gpu_free_bytes[out->n_gpus++] = isfinite(d->vram_free_gb)    ? d->vram_free_gb * GIB
                                             : isfinite(d->vram_total_gb) ? d->vram_total_gb * GIB
                                                                          : NAN;
    }
}

const char *cllm_fit_where_name(enum cllm_fit_where w)
{
    static const char *const names[CLLM_WHERE_COUNT] = {"gpu", "gpu_split", "unified", "partial", "cpu", "none"};
    return (unsigned)w < CLLM_WHERE_COUNT ? names[w] : "unknown";
}

static double ram_need_all(const struct cllm_fit_need *n)
{
    return n->weights_bytes + n->kv_bytes + n->compute_bytes;
}

static double gpu_need_all(const struct cllm_fit_need *n)
{
    /* the embedding table stays in host memory, the rest moves */
    return n->weights_bytes - n->embd_bytes + n->kv_bytes + n->compute_bytes;
}

static double kv_layer(const struct cllm_fit_need *n)
{
    return n->kv_bytes / n->n_layer;
}

void cllm_fit_place_all(const struct cllm_fit_need *need, enum cllm_fit_where where, struct cllm_fit_place *out)
{
    memset(out, 0, sizeof(*out));
    out->where = where;
    out->n_layer = need->n_layer;
    if (where == CLLM_WHERE_CPU || where == CLLM_WHERE_NONE) {
        out->ram_bytes = ram_need_all(need);
        return;
    }
    out->n_gpu_layers = need->n_layer;
    out->n_gpus_used = 1;
    out->gpu_bytes = gpu_need_all(need);
    out->ram_bytes = need->embd_bytes;
}

void cllm_fit_place(const struct cllm_fit_need *need, const struct cllm_fit_memory *mem, struct cllm_fit_place *out)
{
    double all_gpu = gpu_need_all(need), all_ram = ram_need_all(need), ram = mem->ram_free_bytes;
    double sum = 0, biggest = 0;
    int n_known = 0, best = -1;
    bool ram_ok = !isfinite(ram) || all_ram <= ram;
    char ram_txt[64];

    if (isfinite(ram))
        snprintf(ram_txt, sizeof(ram_txt), "%.1f GiB of RAM free", ram / GIB);
    else
        snprintf(ram_txt, sizeof(ram_txt), "free RAM unknown");
    for (int i = 0; i < mem->n_gpus; i++) {
        if (!isfinite(mem->gpu_free_bytes[i]))
            continue;
        n_known++;
        sum += mem->gpu_free_bytes[i];
        if (mem->gpu_free_bytes[i] > biggest) {
            biggest = mem->gpu_free_bytes[i];
            best = i;
        }
    }

    if (mem->unified && ram_ok) {
        cllm_fit_place_all(need, CLLM_WHERE_UNIFIED, out);
        snprintf(out->reason, sizeof(out->reason), "all %d layers on %s (system memory): needs %.2f GiB, %s",
                 need->n_layer, mem->gpu_name, all_ram / GIB, ram_txt);
        return;
    }
    if (best >= 0 && all_gpu <= biggest) {
        cllm_fit_place_all(need, CLLM_WHERE_GPU, out);
        snprintf(out->reason, sizeof(out->reason), "all %d layers on GPU %d (%s): needs %.2f GiB of VRAM, %.1f GiB free",
                 need->n_layer, best, mem->gpu_name, all_gpu / GIB, biggest / GIB);
        return;
    }
    /* a split holds a compute buffer on every GPU */
    if (n_known > 1 && all_gpu + (n_known - 1) * need->compute_bytes <= sum) {
        cllm_fit_place_all(need, CLLM_WHERE_GPU_SPLIT, out);
        out->n_gpus_used = n_known;
        out->gpu_bytes = all_gpu + (n_known - 1) * need->compute_bytes;
        snprintf(out->reason, sizeof(out->reason),
                 "all %d layers split across %d GPUs: needs %.2f GiB of VRAM, %.1f GiB free together", need->n_layer,
                 n_known, out->gpu_bytes / GIB, sum / GIB);
        return;
    }
    if (n_known > 0) {
        /* as many layers (weights + their KV) as fit beside one compute buffer per GPU used */
        double per_layer = need->layer_bytes + kv_layer(need);
        double room = (n_known > 1 ? sum - (n_known - 1) * need->compute_bytes : biggest) - need->compute_bytes;
        int n = per_layer > 0 && room > 0 ? (int)floor(room / per_layer) : 0;
        if (n >= need->n_layer)
            n = need->n_layer - 1; /* all layers would fit but the output head does not: keep one back */
        if (n > 0) {
            double on_cpu = (need->n_layer - n) * per_layer + need->embd_bytes + need->output_bytes +
                            need->compute_bytes;
            if (!isfinite(ram) || on_cpu <= ram) {
                memset(out, 0, sizeof(*out));
                out->where = CLLM_WHERE_PARTIAL;
                out->n_layer = need->n_layer;
                out->n_gpu_layers = n;
                out->n_gpus_used = n_known > 1 ? n_known : 1;
                out->gpu_bytes = n * per_layer + need->compute_bytes * out->n_gpus_used;
                out->ram_bytes = on_cpu;
                snprintf(out->reason, sizeof(out->reason),
                         "%d of %d layers on the GPU%s (%.2f GiB of %.1f GiB free), %.2f GiB in RAM (%s): all on the "
                         "GPU would need %.2f GiB",
                         n, need->n_layer, n_known > 1 ? "s" : "", out->gpu_bytes / GIB,
                         (n_known > 1 ? sum : biggest) / GIB, on_cpu / GIB, ram_txt, all_gpu / GIB);
                return;
            }
        }
    }
    if (ram_ok) {
        cllm_fit_place_all(need, CLLM_WHERE_CPU, out);
        if (mem->n_gpus > 0 || mem->unified)
            snprintf(out->reason, sizeof(out->reason), "CPU only: needs %.2f GiB of RAM, %s; not one layer fits in %s",
                     all_ram / GIB, ram_txt, n_known > 0 ? "the free VRAM" : "VRAM of unknown size");
        else
            snprintf(out->reason, sizeof(out->reason), "CPU only (no GPU): needs %.2f GiB of RAM, %s", all_ram / GIB,
                     ram_txt);
        return;
    }
    cllm_fit_place_all(need, CLLM_WHERE_NONE, out);
    snprintf(out->reason, sizeof(out->reason), "does not fit: needs %.2f GiB, %s%s", all_ram / GIB, ram_txt,
             n_known > 0 ? " and too little VRAM for the rest" : "");
}

void cllm_fit_rates_default(struct cllm_fit_rates *r)
{
    static const char *const why = "assumed: not measured";
    static const char *const h200 = "assumed: not measured (fitted on an H200: TinyLlama and Mistral 7B Q4_K_M)";
    struct {
        struct cllm_fit_input *in;
        double v;
        const char *why;
    } d[] = {{&r->cpu_read_gbps, 20, why},   {&r->gpu_read_gbps, 300, why},    {&r->cpu_decode_eff, 0.75, why},
             {&r->gpu_decode_eff, 0.9, h200}, {&r->cpu_gflops, 100, why},      {&r->gpu_gflops, 20000, why},
             {&r->cpu_prompt_eff, 1.3, why},  {&r->gpu_prompt_eff, 0.1, why},  {&r->gpu_layer_us, 40, h200}};
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        d[i].in->value = d[i].v;
        d[i].in->measured = false;
        cllm_strlcpy(d[i].in->source, d[i].why, sizeof(d[i].in->source));
    }
}

void cllm_fit_input_set(struct cllm_fit_input *in, double value, const char *source)
{
    if (!isfinite(value) || value <= 0)
        return;
    in->value = value;
    in->measured = true;
    cllm_strlcpy(in->source, source, sizeof(in->source));
}

void cllm_fit_bytes_per_token(const struct cllm_fit_need *need, const struct cllm_fit_place *p, int depth,
                              double *gpu_bytes, double *ram_bytes)
{
    double kv_per_layer = need->n_ctx > 0 ? kv_layer(need) / need->n_ctx * (depth > 0 ? depth : 0) : 0;
    double per_layer = need->layer_bytes + kv_per_layer;
    int on_gpu = p->where == CLLM_WHERE_CPU || p->where == CLLM_WHERE_NONE ? 0 : p->n_gpu_layers;
    bool head_on_gpu = on_gpu >= need->n_layer;

    *gpu_bytes = on_gpu * per_layer + (head_on_gpu ? need->output_bytes : 0);
    /* one row of the embedding table: negligible next to the layers, counted as nothing */
    *ram_bytes = (need->n_layer - on_gpu) * per_layer + (head_on_gpu ? 0 : need->output_bytes);
}

double cllm_fit_decode_tps(const struct cllm_fit_need *need, const struct cllm_fit_place *p, int depth,
                           const struct cllm_fit_rates *r)
{
    double g, c, s = 0;
    if (p->where == CLLM_WHERE_NONE)
        return NAN;
    cllm_fit_bytes_per_token(need, p, depth, &g, &c);
    if (g > 0) {
        /* unified memory: the GPU reads system memory at the GPU's measured rate when there is one */
        s += g / (r->gpu_read_gbps.value * 1e9 * r->gpu_decode_eff.value);
        s += p->n_gpu_layers * r->gpu_layer_us.value * 1e-6;
    }
    if (c > 0)
        s += c / (r->cpu_read_gbps.value * 1e9 * r->cpu_decode_eff.value);
    return s > 0 ? 1.0 / s : NAN;
}

double cllm_fit_prompt_tps(const struct cllm_fit_need *need, const struct cllm_fit_place *p,
                           const struct cllm_fit_rates *r)
{
    double share, s = 0;
    if (p->where == CLLM_WHERE_NONE || !(need->flops_per_token > 0))
        return NAN;
    share = p->where == CLLM_WHERE_CPU ? 0 : (double)p->n_gpu_layers / need->n_layer;
    if (share > 0)
        s += share * need->flops_per_token / (r->gpu_gflops.value * 1e9 * r->gpu_prompt_eff.value);
    if (share < 1)
        s += (1 - share) * need->flops_per_token / (r->cpu_gflops.value * 1e9 * r->cpu_prompt_eff.value);
    return 1.0 / s;
}

double cllm_fit_efficiency(const struct cllm_fit_need *need, double tps, int depth, double gbps, double layer_us)
{
    struct cllm_fit_place all;
    double g, c, s;
    if (!isfinite(tps) || tps <= 0 || !isfinite(gbps) || gbps <= 0 || !(layer_us >= 0))
        return NAN;
    cllm_fit_place_all(need, CLLM_WHERE_CPU, &all);
    cllm_fit_bytes_per_token(need, &all, depth, &g, &c);
    s = 1.0 / tps - need->n_layer * layer_us * 1e-6;
    return s > 0 ? (g + c) / (gbps * 1e9 * s) : NAN;
}

bool cllm_fit_gpu_terms(const struct cllm_fit_sample *s, int n, double gbps, double *layer_us, double *eff)
{
    /* normal equations of t = a L + b B (no intercept), in ms, layers and GB to keep them well scaled */
    double sll = 0, slb = 0, sbb = 0, slt = 0, sbt = 0, det, a, b;
    if (!s || n < 2 || !isfinite(gbps) || gbps <= 0)
        return false;
    for (int i = 0; i < n; i++) {
        double l = s[i].n_layer, bb = s[i].bytes / 1e9, t = s[i].seconds * 1e3;
        if (!(l > 0) || !(bb > 0) || !(t > 0) || !isfinite(t))
            return false;
        sll += l * l;
        slb += l * bb;
        sbb += bb * bb;
        slt += l * t;
        sbt += bb * t;
    }
    det = sll * sbb - slb * slb;
    /* samples with (nearly) the same bytes per layer make the two columns proportional */
    if (!(det > 1e-9 * sll * sbb))
        return false;
    a = (slt * sbb - sbt * slb) / det; /* ms per layer */
    b = (sll * sbt - slb * slt) / det; /* ms per GB */
    if (!(a > 0) || !(b > 0))
        return false;
    *layer_us = a * 1e3;
    *eff = 1e3 / (b * gbps); /* GB/ms = 1e3 GB/s: efficiency = (1 / b) x 1e3 / gbps */
    return true;
}

static bool on_gpu_whole(enum cllm_fit_where w)
{
    return w == CLLM_WHERE_GPU || w == CLLM_WHERE_GPU_SPLIT || w == CLLM_WHERE_UNIFIED;
}

void cllm_fit_advise(struct cllm_fit_advice *a)
{
    bool any_gpu = a->mem.n_gpus > 0 || a->mem.unified;

    a->largest_row = -1;
    for (int i = 0; i < a->n_rows; i++) {
        struct cllm_fit_row *r = &a->rows[i];
        struct cllm_fit_place all;
        cllm_fit_place(&r->need, &a->mem, &r->place);
        r->decode_tps = cllm_fit_decode_tps(&r->need, &r->place, a->depth, &a->rates);
        r->prompt_tps = cllm_fit_prompt_tps(&r->need, &r->place, &a->rates);
        cllm_fit_place_all(&r->need, CLLM_WHERE_CPU, &all);
        r->decode_tps_cpu = cllm_fit_decode_tps(&r->need, &all, a->depth, &a->rates);
        r->decode_tps_gpu_all = NAN;
        if (any_gpu) {
            cllm_fit_place_all(&r->need, CLLM_WHERE_GPU, &all);
            r->decode_tps_gpu_all = cllm_fit_decode_tps(&r->need, &all, a->depth, &a->rates);
        }
        r->best_on_gpu = r->best_on_cpu = false;
    }
    /* per model: the largest quantization that fits entirely on the GPU (or, without one, in RAM) */
    for (int i = 0; i < a->n_rows; i++) {
        struct cllm_fit_row *r = &a->rows[i];
        int best = -1;
        bool seen = false;
        for (int j = 0; j < i && !seen; j++)
            seen = strcmp(a->rows[j].key, r->key) == 0 && strcmp(a->rows[j].origin, r->origin) == 0;
        if (seen)
            continue;
        for (int j = i; j < a->n_rows; j++) {
            const struct cllm_fit_row *q = &a->rows[j];
            bool ok = any_gpu ? on_gpu_whole(q->place.where) : q->place.where == CLLM_WHERE_CPU;
            if (strcmp(q->key, r->key) != 0 || strcmp(q->origin, r->origin) != 0 || !ok)
                continue;
            if (best < 0 || q->need.weights_bytes > a->rows[best].need.weights_bytes)
                best = j;
        }
        if (best >= 0) {
            if (any_gpu)
                a->rows[best].best_on_gpu = true;
            else
                a->rows[best].best_on_cpu = true;
        }
    }
    /* the largest model predicted to decode at min_tps or faster: most parameters, then its largest such file */
    for (int i = 0; i < a->n_rows; i++) {
        const struct cllm_fit_row *r = &a->rows[i], *b;
        if (!(r->decode_tps >= a->min_tps))
            continue;
        b = a->largest_row >= 0 ? &a->rows[a->largest_row] : NULL;
        if (!b || r->params_b > b->params_b + 1e-9 ||
            (fabs(r->params_b - b->params_b) <= 1e-9 && r->need.weights_bytes > b->need.weights_bytes))
            a->largest_row = i;
    }
    if (a->largest_row >= 0) {
        const struct cllm_fit_row *b = &a->rows[a->largest_row];
        snprintf(a->largest_why, sizeof(a->largest_why), "%s %s: %.1f tokens/s predicted (%s), target %g", b->key,
                 b->quant, b->decode_tps, cllm_fit_where_name(b->place.where), a->min_tps);
    } else {
        snprintf(a->largest_why, sizeof(a->largest_why), "no model is predicted to decode at %g tokens/s or faster",
                 a->min_tps);
    }
}

void cllm_fit_advice_free(struct cllm_fit_advice *a)
{
    free(a->rows);
    a->rows = NULL;
    a->n_rows = 0;
}
