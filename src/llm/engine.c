/* The engine seam: dispatch, load timing, defaults, and the backend choice shared by engines. */
#include "llm/engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "hw/hw.h"
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
    return p;
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

static const char *first_detected_gpu(const struct cllm_gpu_info *gpus, char *buf, size_t n, const char **vendor)
{
    *vendor = "";
    if (!gpus || gpus->n_devices <= 0)
        return NULL;
    *vendor = gpus->devices[0].vendor;
    snprintf(buf, n, "%s%s%s", gpus->devices[0].vendor, gpus->devices[0].vendor[0] ? " " : "",
             gpus->devices[0].name[0] ? gpus->devices[0].name : "GPU");
    return buf;
}

void cllm_backend_choose(const struct cllm_backend_device *devs, int n, bool want_gpu, int n_gpu_layers,
                         const struct cllm_gpu_info *gpus, const char *variant, struct cllm_backend_choice *out)
{
    char gpu_name[200];
    const char *vendor;
    const char *detected;

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
    detected = first_detected_gpu(gpus, gpu_name, sizeof(gpu_name), &vendor);
    if (!detected)
        return;
    if (strcmp(variant, "vulkan") == 0 || strcmp(variant, "cuda") == 0) {
        snprintf(out->notice, sizeof(out->notice),
                 "%s detected but the %s build of libllama found no %s device (%s): running on the CPU",
                 detected, variant, strcmp(variant, "cuda") == 0 ? "CUDA" : "Vulkan",
                 strcmp(variant, "cuda") == 0 ? "are the NVIDIA driver and the CUDA runtime installed?"
                                              : "is the Vulkan loader libvulkan.so.1 installed?");
    } else {
        snprintf(out->notice, sizeof(out->notice),
                 "%s detected but this libllama is CPU-only: run scripts/setup --llama-variant %s for GPU "
                 "inference; running on the CPU",
                 detected, strcmp(vendor, "NVIDIA") == 0 ? "vulkan (or cuda)" : "vulkan");
    }
}
