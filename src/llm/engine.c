/* The engine seam: dispatch, load timing, defaults, and the backend choice shared by engines. */
#include "llm/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "gpu/select.h"
#include "hw/hw.h"
#include "llm/llama_api.h"
#ifndef _WIN32
#include "platform/proc.h"
#endif

struct cllm_engine {
    const struct cllm_engine_ops *ops;
    void  *impl;
    double load_time_s;
};

struct cllm_engine_open_params cllm_engine_default_open_params(void)
{
    struct cllm_engine_open_params p;
    memset(&p, 0, sizeof(p));
    p.n_ctx = 2048;
    p.n_gpu_layers = -1;
    p.n_threads = 0;
    p.n_batch = 512;
    p.seed = 42;
    p.split_mode = CLLM_SPLIT_DEFAULT;
    p.tensor_split_by = CLLM_TENSOR_SPLIT_FREE;
    return p;
}

const char *cllm_sampling_mode_name(int mode)
{
    switch (mode) {
    case CLLM_SAMPLING_DEVICE: return "device";
    case CLLM_SAMPLING_DEVICE_TOP_K: return "device-top-k";
    case CLLM_SAMPLING_HOST: return "host";
    default: return "auto";
    }
}

bool cllm_sampling_mode_parse(const char *name, int *mode)
{
    static const int modes[] = {CLLM_SAMPLING_AUTO, CLLM_SAMPLING_DEVICE, CLLM_SAMPLING_DEVICE_TOP_K,
                                CLLM_SAMPLING_HOST};
    for (size_t i = 0; name && i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(name, cllm_sampling_mode_name(modes[i])) == 0) {
            *mode = modes[i];
            return true;
        }
    return false;
}

const char *cllm_sampled_name(int sampled)
{
    return sampled == CLLM_SAMPLED_DEVICE ? "device" : sampled == CLLM_SAMPLED_DEVICE_TOP_K ? "device_top_k" : "host";
}

int cllm_sampling_choose(int mode, bool output_on_gpu, bool has_backend, bool has_candidates, double repeat_penalty,
                         char *note, size_t n)
{
    const char *missing = "this libllama has no backend sampling (llama_set_sampler, llama_get_sampled_*_ith): host";
    if (n)
        note[0] = '\0';
    if (mode == CLLM_SAMPLING_HOST || (mode == CLLM_SAMPLING_AUTO && !output_on_gpu))
        return CLLM_SAMPLED_HOST;
    if (mode == CLLM_SAMPLING_DEVICE) {
        if (has_backend)
            return CLLM_SAMPLED_DEVICE;
        snprintf(note, n, "%s", missing);
        return CLLM_SAMPLED_HOST;
    }
    /* device-top-k, asked for or chosen by auto on a GPU */
    if (has_backend && has_candidates && repeat_penalty >= 1.0)
        return CLLM_SAMPLED_DEVICE_TOP_K;
    if (has_backend && has_candidates) {
        snprintf(note, n, "a repetition penalty below 1 raises tokens from outside the top-k: the whole chain on the "
                 "device");
        return CLLM_SAMPLED_DEVICE;
    }
    snprintf(note, n, "%s", missing);
    return CLLM_SAMPLED_HOST;
}

struct cllm_gen_params cllm_gen_default_params(void)
{
    struct cllm_gen_params g;
    memset(&g, 0, sizeof(g));
    g.system_prompt = "You are a helpful assistant.";
    g.prompt = "Explain the concept of artificial intelligence in simple terms";
    g.max_tokens = 256;
    g.temperature = 0.7;
    g.top_k = 40;
    g.top_p = 0.9;
    g.repeat_penalty = 1.1;
    g.repeat_last_n = 64;
    g.seed = 42;
    return g;
}

enum cllm_status cllm_engine_open(const struct cllm_engine_ops *ops, const struct cllm_engine_open_params *p,
                                  struct cllm_engine **out, char *err, size_t errlen)
{
    struct cllm_engine *e;
    uint64_t t0;
    enum cllm_status st;

    if (err && errlen)
        err[0] = '\0';
    if (!ops || !p || !out)
        return CLLM_ERR_INVALID_ARG;
    *out = NULL;
    e = calloc(1, sizeof(*e));
    if (!e)
        return CLLM_ERR_NOMEM;
    e->ops = ops;
    t0 = cllm_now_ns();
    st = ops->open(p, &e->impl, err, errlen);
    e->load_time_s = (double)(cllm_now_ns() - t0) / 1e9;
    if (st != CLLM_OK) {
        free(e);
        return st;
    }
    *out = e;
    return CLLM_OK;
}

enum cllm_status cllm_engine_generate(struct cllm_engine *e, const struct cllm_gen_params *g,
                                      struct cllm_llm_trace *trace, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!e || !g || !trace)
        return CLLM_ERR_INVALID_ARG;
    return e->ops->generate(e->impl, g, trace, err, errlen);
}

void cllm_engine_info(const struct cllm_engine *e, struct cllm_engine_info *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = CLLM_ENGINE_KIND_NONE;
    if (e && e->ops->info)
        e->ops->info(e->impl, out);
}

const char *cllm_engine_name(const struct cllm_engine *e) { return e ? e->ops->name : ""; }

double cllm_engine_load_time_s(const struct cllm_engine *e) { return e ? e->load_time_s : 0; }

void cllm_engine_close(struct cllm_engine *e)
{
    if (!e)
        return;
    e->ops->close(e->impl);
    free(e);
}

bool cllm_engine_run_info(const struct cllm_engine *e, struct cllm_engine_run_info *out)
{
    memset(out, 0, sizeof(*out));
    out->timings_predicted_per_second = out->timings_prompt_per_second = NAN;
    return e && e->ops->run_info && e->ops->run_info(e->impl, out);
}

long cllm_engine_model_pid(const struct cllm_engine *e)
{
    return e && e->ops->model_pid ? e->ops->model_pid(e->impl) : 0;
}

double cllm_engine_model_rss_gb(const struct cllm_engine *e, bool peak, char *why, size_t whylen)
{
    long pid = cllm_engine_model_pid(e);
    if (pid < 0) {
        if (why && whylen)
            snprintf(why, whylen, "the model runs in a server this run did not start (manual mode): its memory is "
                     "measured only for a llama-server on a loopback URL, found by its port");
        return NAN;
    }
#ifndef _WIN32
    return cllm_proc_rss_gb(pid, peak, why, whylen);
#else
    if (why && whylen)
        snprintf(why, whylen, "not supported on this platform");
    return NAN;
#endif
}

bool cllm_engine_reset_rss_peak(const struct cllm_engine *e)
{
    long pid = cllm_engine_model_pid(e);
#ifndef _WIN32
    return pid > 0 && cllm_proc_reset_rss_peak(pid);
#else
    (void)pid;
    return false;
#endif
}

/* ---- backend choice ---- */

/* The original's priority; ROCm sits after CUDA as in hw detection. */
static const char *const k_priority[] = {"CUDA", "ROCm", "SYCL", "Metal", "Vulkan", NULL};

static bool is_gpu_type(int type) { return type == 1 || type == 2; }

/* Per vendor (as gpu/ names it): the ggml backends (registry names) that drive its GPUs, the pinned build of
 * scripts/setup that has one, and what the pinned builds do not cover. The last row is any other vendor. */
struct vendor_backends {
    const char *vendor;
    const char *backends[3];     /* NULL-terminated */
    const char *names;           /* for the message */
    const char *setup_variant;   /* scripts/setup --llama-variant ...; NULL: none of the pinned builds */
    const char *other;           /* how to get the rest; NULL: nothing more */
};

static const struct vendor_backends k_vendor_backends[] = {
    {"NVIDIA", {"CUDA", "Vulkan", NULL}, "CUDA or Vulkan", "vulkan (or cuda)", NULL},
    {"AMD", {"ROCm", "Vulkan", NULL}, "ROCm (HIP) or Vulkan", "vulkan",
     "for ROCm/HIP, a llama.cpp built with -DGGML_HIP=ON named with --llama-lib (no ROCm build is pinned)"},
    {"Intel", {"SYCL", "Vulkan", NULL}, "SYCL or Vulkan", "vulkan",
     "for SYCL, a llama.cpp built with oneAPI (-DGGML_SYCL=ON) named with --llama-lib (no SYCL build is pinned)"},
    {"Apple", {"Metal", NULL, NULL}, "Metal", NULL,
     "name a libllama built with Metal (llama.cpp's default on macOS) with --llama-lib"},
    {NULL, {"Vulkan", NULL, NULL}, "Vulkan", "vulkan", NULL},
};

static const struct vendor_backends *vendor_backends_of(const char *vendor)
{
    size_t n = sizeof(k_vendor_backends) / sizeof(k_vendor_backends[0]);
    for (size_t i = 0; i + 1 < n; i++)
        if (vendor && strcmp(vendor, k_vendor_backends[i].vendor) == 0)
            return &k_vendor_backends[i];
    return &k_vendor_backends[n - 1];
}

/* scripts/setup installs prebuilt libraries on Linux x86-64 only */
#if defined(__linux__) && defined(__x86_64__)
#define PINNED_BUILDS 1
#else
#define PINNED_BUILDS 0
#endif

static bool lib_has_backend(const struct cllm_backend_device *devs, int n, const char *backend)
{
    for (int i = 0; i < n; i++)
        if (is_gpu_type(devs[i].type) && strcmp(devs[i].backend, backend) == 0)
            return true;
    return false;
}

static bool vendor_served(const struct vendor_backends *vb, const struct cllm_backend_device *devs, int n)
{
    for (int b = 0; vb->backends[b]; b++)
        if (lib_has_backend(devs, n, vb->backends[b]))
            return true;
    return false;
}

/* "<gpu> detected but <what the library lacks>: <what to do>" for one GPU of a vendor the library cannot drive. */
static void gap_message(const struct cllm_gpu_device *g, const struct vendor_backends *vb,
                        const struct cllm_backend_device *devs, int n, const char *variant, char *out, size_t outlen)
{
    char gpu[200];
    bool named = g->vendor[0] && strncmp(g->name, g->vendor, strlen(g->vendor)) == 0;
    bool any_gpu = false;
    const struct cllm_llama *L = cllm_llama_get();
    size_t used;
    int c;

    snprintf(gpu, sizeof(gpu), "%s%s%s", named ? "" : g->vendor, (!named && g->vendor[0]) ? " " : "",
             g->name[0] ? g->name : "GPU");
    for (int i = 0; i < n; i++)
        any_gpu |= is_gpu_type(devs[i].type);

    /* a CUDA backend is beside the library but none of its builds runs on these GPUs (llm/cudabin.h) */
    if (strcmp(vb->backends[0], "CUDA") == 0 && L && strcmp(L->cuda_build, "none") == 0) {
        snprintf(out, outlen, "%s detected but the CUDA backend beside this libllama cannot run on it (%s); "
                 "scripts/setup --llama-variant vulkan runs on it instead, or name a llama.cpp built for this GPU "
                 "with --llama-lib", gpu, L->cuda_note);
        return;
    }
    /* the pinned build meant for this GPU is loaded, yet lists no device: the driver side is missing */
    if (strcmp(variant, "cuda") == 0 && strcmp(vb->backends[0], "CUDA") == 0) {
        snprintf(out, outlen, "%s detected but the cuda build of libllama found no CUDA device (are the NVIDIA "
                 "driver and the CUDA runtime installed?)", gpu);
        return;
    }
    if (strcmp(variant, "vulkan") == 0 && vb->setup_variant && strstr(vb->names, "Vulkan")) {
        snprintf(out, outlen, "%s detected but the vulkan build of libllama found no Vulkan device (is the Vulkan "
                 "loader libvulkan.so.1 installed, with the GPU's Vulkan driver?)%s%s", gpu, vb->other ? "; " : "",
                 vb->other ? vb->other : "");
        return;
    }
    if (any_gpu)
        c = snprintf(out, outlen, "%s detected but this libllama has no %s device", gpu, vb->names);
    else
        c = snprintf(out, outlen, "%s detected but this libllama is CPU-only", gpu);
    used = c > 0 && (size_t)c < outlen ? (size_t)c : outlen - 1;
    if (vb->setup_variant && PINNED_BUILDS)
        c = snprintf(out + used, outlen - used, ": run scripts/setup --llama-variant %s for GPU inference%s%s",
                     vb->setup_variant, vb->other ? "; " : "", vb->other ? vb->other : "");
    else if (vb->setup_variant)
        c = snprintf(out + used, outlen - used, ": scripts/setup pins prebuilt libraries for Linux x86-64 only; "
                     "name a libllama with a %s backend with --llama-lib%s%s", vb->names, vb->other ? "; " : "",
                     vb->other ? vb->other : "");
    else
        c = snprintf(out + used, outlen - used, ": %s", vb->other ? vb->other : "no llama.cpp build serves it");
    (void)c;
}

int cllm_backend_gaps(const struct cllm_backend_device *devs, int n, const struct cllm_gpu_info *gpus,
                      const char *variant, struct cllm_backend_gap *out, int max)
{
    const struct vendor_backends *seen[CLLM_GPU_MAX];
    int n_gaps = 0;

    if (!variant)
        variant = "";
    if (!gpus)
        return 0;
    for (int i = 0; i < gpus->n_devices && i < CLLM_GPU_MAX; i++) {
        const struct vendor_backends *vb = vendor_backends_of(gpus->devices[i].vendor);
        int k;

        seen[i] = vb;
        for (k = 0; k < i && seen[k] != vb; k++)
            ;
        if (k < i) {   /* a vendor already handled: count it there */
            for (int g = 0; g < n_gaps; g++)
                if (seen[out[g].gpu] == vb)
                    out[g].n_gpus++;
            continue;
        }
        if (vendor_served(vb, devs, n) || n_gaps >= max)
            continue;
        out[n_gaps].gpu = i;
        out[n_gaps].n_gpus = 1;
        gap_message(&gpus->devices[i], vb, devs, n, variant, out[n_gaps].message, sizeof(out[n_gaps].message));
        n_gaps++;
    }
    return n_gaps;
}

void cllm_backend_choose(const struct cllm_backend_device *devs, int n, bool want_gpu, int n_gpu_layers,
                         const struct cllm_gpu_info *gpus, const char *variant, struct cllm_backend_choice *out)
{
    struct cllm_backend_gap gap;

    memset(out, 0, sizeof(*out));
    cllm_strlcpy(out->backend, "CPU", sizeof(out->backend));
    if (!variant)
        variant = "";
    if (!want_gpu || n_gpu_layers == 0)
        return;

    for (int p = 0; k_priority[p]; p++) {
        for (int i = 0; i < n; i++) {
            if (is_gpu_type(devs[i].type) && strcmp(devs[i].backend, k_priority[p]) == 0 &&
                out->n_devices < (int)(sizeof(out->devices) / sizeof(out->devices[0])))
                out->devices[out->n_devices++] = i;
        }
        if (out->n_devices > 0) {
            cllm_strlcpy(out->backend, k_priority[p], sizeof(out->backend));
            out->n_gpu_layers = n_gpu_layers;
            return;
        }
    }
    /* a GPU of a backend outside the list (e.g. OpenCL) is not used: the comparison would not be like for like */
    if (cllm_backend_gaps(devs, n, gpus, variant, &gap, 1) == 1)
        snprintf(out->notice, sizeof(out->notice), "%.480s; running on the CPU", gap.message);
}

/* ---- the GPUs of a model ---- */

const char *cllm_split_mode_name(int mode)
{
    switch (mode) {
    case CLLM_SPLIT_NONE: return "none";
    case CLLM_SPLIT_LAYER: return "layer";
    case CLLM_SPLIT_ROW: return "row";
    case CLLM_SPLIT_DEFAULT: return "default";
    default: return "?";
    }
}

/* ggml's device_id equals a detected bus id: same text ignoring case, CUDA's "-vN" suffix for virtual devices
 * allowed after it. */
static bool same_bus(const char *device_id, const char *bus)
{
    size_t n = strlen(bus);
    return n > 0 && strncasecmp(device_id, bus, n) == 0 && (device_id[n] == '\0' || device_id[n] == '-');
}

/* "CUDA0 (0000:01:00.0), CUDA1 (0000:02:00.0)" */
static void describe_choice(const struct cllm_backend_gpu_dev *devs, const struct cllm_backend_choice *c, char *out,
                            size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < c->n_devices && used + 1 < n; i++) {
        const struct cllm_backend_gpu_dev *d = &devs[c->devices[i]];
        int k = snprintf(out + used, n - used, "%s%s%s%s%s", i ? ", " : "", d->name[0] ? d->name : c->backend,
                         d->device_id[0] ? " (" : "", d->device_id, d->device_id[0] ? ")" : "");
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static void plan_split(const struct cllm_backend_gpu_dev *devs, int split_mode, int by,
                       struct cllm_backend_gpu_plan *out)
{
    double sum = 0;
    bool known = by == CLLM_TENSOR_SPLIT_FREE;

    out->main_gpu = 0;
    if (out->n <= 1) {
        out->split_mode = CLLM_SPLIT_NONE;
        out->tensor_split[0] = out->n == 1 ? 1.0f : 0.0f;
        cllm_strlcpy(out->tensor_split_by, out->n == 1 ? "even" : "", sizeof(out->tensor_split_by));
        return;
    }
    out->split_mode = split_mode == CLLM_SPLIT_DEFAULT ? CLLM_SPLIT_LAYER : split_mode;
    for (int i = 0; known && i < out->n; i++) {
        double f = devs[out->devices[i]].memory_free_gb;
        if (!(f > 0) || !isfinite(f))
            known = false;
        else
            sum += f;
    }
    cllm_strlcpy(out->tensor_split_by, known ? "free" : "even", sizeof(out->tensor_split_by));
    for (int i = 0; i < out->n; i++)
        out->tensor_split[i] = known ? (float)(devs[out->devices[i]].memory_free_gb / sum) : 1.0f / (float)out->n;
}

/* Every device of the choice, each matched to its detected GPU by bus id where ggml says one. */
static void plan_all(const struct cllm_backend_gpu_dev *devs, const struct cllm_backend_choice *choice,
                     const struct cllm_gpu_info *gpus, struct cllm_backend_gpu_plan *out)
{
    out->n = 0;
    cllm_strlcpy(out->mapped_by, "all", sizeof(out->mapped_by));
    for (int i = 0; i < choice->n_devices && i < CLLM_ENGINE_MAX_DEVICES; i++) {
        const struct cllm_backend_gpu_dev *d = &devs[choice->devices[i]];
        out->devices[out->n] = choice->devices[i];
        out->gpus[out->n] = -1;
        for (int g = 0; gpus && d->device_id[0] && g < gpus->n_devices && g < CLLM_GPU_MAX; g++)
            if (same_bus(d->device_id, gpus->devices[g].pci_bus_id))
                out->gpus[out->n] = g;
        out->n++;
    }
}

/* The GPU maker a vendor backend drives (its runtime numbers only that maker's GPUs); NULL: any (Vulkan, Metal). */
static const char *backend_vendor(const char *backend)
{
    if (strcmp(backend, "CUDA") == 0)
        return "NVIDIA";
    if (strcmp(backend, "ROCm") == 0)
        return "AMD";
    if (strcmp(backend, "SYCL") == 0)
        return "Intel";
    return NULL;
}

enum cllm_status cllm_backend_gpu_plan(const struct cllm_backend_gpu_dev *devs, int n,
                                       const struct cllm_backend_choice *choice, const struct cllm_gpu_info *gpus,
                                       const struct cllm_gpu_selection *sel, int split_mode, int tensor_split_by,
                                       struct cllm_backend_gpu_plan *out, char *err, size_t errlen)
{
    bool any_id = false, asked;
    const char *vendor;
    char have[512];

    memset(out, 0, sizeof(*out));
    if (err && errlen)
        err[0] = '\0';
    if (split_mode < CLLM_SPLIT_DEFAULT || split_mode > CLLM_SPLIT_ROW) {
        cllm_errf(err, errlen, "split mode %d: expected none, layer or row", split_mode);
        return CLLM_ERR_INVALID_ARG;
    }
    if (!choice || choice->n_devices <= 0)
        return CLLM_OK;   /* the CPU: nothing to map */
    for (int i = 0; i < choice->n_devices; i++)
        any_id = any_id || (choice->devices[i] < n && devs[choice->devices[i]].device_id[0]);
    if (!sel || sel->n <= 0) {
        plan_all(devs, choice, gpus, out);
        plan_split(devs, split_mode, tensor_split_by, out);
        return CLLM_OK;
    }
    /* GPUs the user named must each have a device; the default list (every visible GPU) keeps those the backend
     * drives: a CUDA library on a machine with an AMD GPU beside the NVIDIA one still runs */
    asked = strcmp(sel->source, "flag") == 0;
    vendor = backend_vendor(choice->backend);
    describe_choice(devs, choice, have, sizeof(have));
    cllm_strlcpy(out->mapped_by, any_id ? "pci_bus_id" : "order", sizeof(out->mapped_by));
    for (int s = 0; s < sel->n && s < CLLM_ENGINE_MAX_DEVICES; s++) {
        int g = sel->index[s], found = -1;
        const struct cllm_gpu_device *gd;
        if (!gpus || g < 0 || g >= gpus->n_devices || g >= CLLM_GPU_MAX) {
            cllm_errf(err, errlen, "GPU %d is not in the detected list", g);
            return CLLM_ERR_INVALID_ARG;
        }
        gd = &gpus->devices[g];
        if (vendor && strcasecmp(gd->vendor, vendor) != 0) {
            found = -1;   /* CUDA drives NVIDIA GPUs only, ROCm AMD, SYCL Intel */
        } else if (any_id) {
            for (int i = 0; i < choice->n_devices; i++)
                if (same_bus(devs[choice->devices[i]].device_id, gd->pci_bus_id))
                    found = i;
        } else {
            /* vendor runtimes number their visible devices as ggml's CUDA/ROCm/SYCL backends do; Vulkan and Metal
             * list every GPU, not narrowed by the vendor variables */
            int rank = vendor ? sel->visible_rank[g] : g;
            if (rank >= 0 && rank < choice->n_devices)
                found = rank;
        }
        if (found < 0 && !asked)
            continue;
        if (found < 0) {
            cllm_errf(err, errlen, "GPU %d (%s %s%s%s) has no %s device in this libllama (matched by %s); its %s "
                      "devices: %s", g, gd->vendor, gd->name, gd->pci_bus_id[0] ? ", " : "", gd->pci_bus_id,
                      choice->backend, any_id ? "PCI bus id" : "device number", choice->backend, have);
            return CLLM_ERR_INVALID_ARG;
        }
        for (int j = 0; j < out->n; j++) {
            if (out->devices[j] == choice->devices[found]) {
                cllm_errf(err, errlen, "GPUs %d and %d map to the same %s device %s", out->gpus[j], g,
                          choice->backend, devs[choice->devices[found]].name);
                return CLLM_ERR_INVALID_ARG;
            }
        }
        out->devices[out->n] = choice->devices[found];
        out->gpus[out->n] = g;
        out->n++;
    }
    if (out->n == 0)
        plan_all(devs, choice, gpus, out);   /* none of the default list matched: every device, as before */
    plan_split(devs, split_mode, tensor_split_by, out);
    return CLLM_OK;
}

void cllm_backend_plan_append(const struct cllm_backend_gpu_dev *devs, const struct cllm_backend_choice *choice,
                              int from, int split_mode, int tensor_split_by, struct cllm_backend_gpu_plan *out)
{
    if (!choice || from >= choice->n_devices)
        return;
    for (int i = from < 0 ? 0 : from; i < choice->n_devices && out->n < CLLM_ENGINE_MAX_DEVICES; i++) {
        out->devices[out->n] = choice->devices[i];
        out->gpus[out->n++] = -1;   /* not a detected GPU of this machine */
    }
    if (!out->mapped_by[0])
        cllm_strlcpy(out->mapped_by, "all", sizeof(out->mapped_by));
    if (split_mode < CLLM_SPLIT_DEFAULT || split_mode > CLLM_SPLIT_ROW)
        split_mode = CLLM_SPLIT_DEFAULT;
    plan_split(devs, split_mode, tensor_split_by, out);
}

enum cllm_status cllm_backend_add_rpc(const struct cllm_backend_device *devs, int n, int n_gpu_layers,
                                      struct cllm_backend_choice *out, char *err, size_t errlen)
{
    const int cap = (int)(sizeof(out->devices) / sizeof(out->devices[0]));
    int added = 0;

    if (n_gpu_layers == 0) {
        cllm_errf(err, errlen, "--rpc with no layers offloaded (-ngl 0 or --device cpu) would leave the RPC servers "
                  "idle: leave -ngl at its default (every layer) or give a layer count");
        return CLLM_ERR_INVALID_ARG;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(devs[i].backend, "RPC") != 0)
            continue;
        if (out->n_devices == cap) {
            cllm_errf(err, errlen, "--rpc: more than %d devices to offload to (local GPUs and RPC servers' devices "
                      "together)", cap);
            return CLLM_ERR_INVALID_ARG;
        }
        out->devices[out->n_devices++] = i;
        added++;
    }
    if (added == 0) {
        cllm_errf(err, errlen, "--rpc: the library lists no RPC device");
        return CLLM_ERR_NOT_FOUND;
    }
    if (out->n_gpu_layers == 0) {
        out->n_gpu_layers = n_gpu_layers;
        cllm_strlcpy(out->backend, "RPC", sizeof(out->backend));
    } else {
        /* backend names are short ("Vulkan", "CUDA"): "+RPC" fits; cut rather than overflow otherwise */
        size_t len = strlen(out->backend);
        if (len + 5 <= sizeof(out->backend))
            memcpy(out->backend + len, "+RPC", 5);
    }
    return CLLM_OK;
}
