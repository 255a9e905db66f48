/* Backend choice from the devices a libllama has: the original's priority, CPU when asked, and a notice when
 * a detected GPU has no backend in the library; the per-vendor gaps `computellm detect` warns about. */
#include "hw/hw.h"
#include "llm/engine.h"
#include "llm/llama_api.h"
#include "test.h"

static struct cllm_gpu_info nvidia_gpu(void)
{
    struct cllm_gpu_info g;
    memset(&g, 0, sizeof(g));
    g.n_devices = 1;
    strcpy(g.devices[0].vendor, "NVIDIA");
    strcpy(g.devices[0].name, "H100 80GB HBM3");
    return g;
}

static void test_priority(void)
{
    const struct cllm_backend_device devs[] = {
        {"CPU", 0}, {"Vulkan", 1}, {"CUDA", 1}, {"Vulkan", 1}, {"CUDA", 1}, {"BLAS", 3},
    };
    struct cllm_backend_choice c;
    cllm_backend_choose(devs, 6, true, -1, NULL, "cuda", &c);
    CHECK_STR(c.backend, "CUDA");
    CHECK_INT(c.n_devices, 2);
    CHECK_INT(c.devices[0], 2);
    CHECK_INT(c.devices[1], 4);
    CHECK_INT(c.n_gpu_layers, -1);
    CHECK_STR(c.notice, "");

    cllm_backend_choose(devs, 2, true, 10, NULL, "vulkan", &c);
    CHECK_STR(c.backend, "Vulkan");
    CHECK_INT(c.n_devices, 1);
    CHECK_INT(c.devices[0], 1);
    CHECK_INT(c.n_gpu_layers, 10);

    {
        const struct cllm_backend_device more[] = {{"Vulkan", 2}, {"SYCL", 1}, {"Metal", 1}};
        cllm_backend_choose(more, 3, true, -1, NULL, "", &c);
        CHECK_STR(c.backend, "SYCL");
        cllm_backend_choose(more + 2, 1, true, -1, NULL, "", &c);
        CHECK_STR(c.backend, "Metal");
        cllm_backend_choose(more, 1, true, -1, NULL, "", &c);   /* an integrated GPU counts */
        CHECK_STR(c.backend, "Vulkan");
    }
}

static void test_cpu_forced(void)
{
    const struct cllm_backend_device devs[] = {{"CPU", 0}, {"CUDA", 1}};
    struct cllm_gpu_info g = nvidia_gpu();
    struct cllm_backend_choice c;
    cllm_backend_choose(devs, 2, false, -1, &g, "cuda", &c);
    CHECK_STR(c.backend, "CPU");
    CHECK_INT(c.n_devices, 0);
    CHECK_INT(c.n_gpu_layers, 0);
    CHECK_STR(c.notice, "");
    cllm_backend_choose(devs, 2, true, 0, &g, "cuda", &c);
    CHECK_STR(c.backend, "CPU");
}

static void test_notice(void)
{
    const struct cllm_backend_device cpu_only[] = {{"CPU", 0}};
    struct cllm_gpu_info g = nvidia_gpu();
    struct cllm_backend_choice c;

    cllm_backend_choose(cpu_only, 1, true, -1, &g, "cpu", &c);
    CHECK_STR(c.backend, "CPU");
    CHECK(strstr(c.notice, "NVIDIA H100 80GB HBM3 detected but this libllama is CPU-only") != NULL);
    CHECK(strstr(c.notice, "scripts/setup --llama-variant vulkan (or cuda)") != NULL);

    cllm_backend_choose(cpu_only, 1, true, -1, &g, "vulkan", &c);
    CHECK(strstr(c.notice, "the vulkan build of libllama found no Vulkan device") != NULL);
    CHECK(strstr(c.notice, "libvulkan.so.1") != NULL);

    strcpy(g.devices[0].vendor, "AMD");
    cllm_backend_choose(cpu_only, 1, true, -1, &g, "", &c);
    CHECK(strstr(c.notice, "--llama-variant vulkan for GPU") != NULL);

    /* no GPU in the machine: nothing to say */
    g.n_devices = 0;
    cllm_backend_choose(cpu_only, 1, true, -1, &g, "cpu", &c);
    CHECK_STR(c.notice, "");
    cllm_backend_choose(cpu_only, 1, true, -1, NULL, "cpu", &c);
    CHECK_STR(c.notice, "");
}

static void add_gpu(struct cllm_gpu_info *g, const char *vendor, const char *name)
{
    struct cllm_gpu_device *d = &g->devices[g->n_devices];
    memset(d, 0, sizeof(*d));
    d->index = g->n_devices++;
    strcpy(d->vendor, vendor);
    strcpy(d->name, name);
}

/* Every vendor: which library lacks its backend, and what the message tells to install. */
static void test_gaps_per_vendor(void)
{
    const struct cllm_backend_device cpu_only[] = {{"CPU", 0}};
    const struct cllm_backend_device cuda[] = {{"CPU", 0}, {"CUDA", 1}};
    const struct cllm_backend_device vulkan[] = {{"CPU", 0}, {"Vulkan", 1}};
    const struct cllm_backend_device rocm[] = {{"CPU", 0}, {"ROCm", 1}};
    const struct cllm_backend_device sycl[] = {{"CPU", 0}, {"SYCL", 1}};
    const struct cllm_backend_device metal[] = {{"CPU", 0}, {"Metal", 2}};
    const struct cllm_backend_device blas[] = {{"CPU", 0}, {"ROCm", 3}};   /* an accelerator, not a GPU */
    struct cllm_backend_gap gaps[4];
    struct cllm_gpu_info g;

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "AMD", "Radeon RX 7900 XTX");
    CHECK_INT(cllm_backend_gaps(rocm, 2, &g, "", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(vulkan, 2, &g, "vulkan", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(blas, 2, &g, "", gaps, 4), 1);
    CHECK_INT(cllm_backend_gaps(cuda, 2, &g, "cuda", gaps, 4), 1);
    CHECK_INT(gaps[0].gpu, 0);
    CHECK_INT(gaps[0].n_gpus, 1);
    CHECK(strstr(gaps[0].message, "AMD Radeon RX 7900 XTX detected but this libllama has no ROCm (HIP) or Vulkan "
                                  "device") != NULL);
    CHECK(strstr(gaps[0].message, "scripts/setup --llama-variant vulkan") != NULL);
    CHECK(strstr(gaps[0].message, "-DGGML_HIP=ON") != NULL);
    /* the vulkan build without a Vulkan device: the driver side is what is missing */
    CHECK_INT(cllm_backend_gaps(cpu_only, 1, &g, "vulkan", gaps, 4), 1);
    CHECK(strstr(gaps[0].message, "the vulkan build of libllama found no Vulkan device") != NULL);
    CHECK(strstr(gaps[0].message, "ROCm/HIP") != NULL);

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "Intel", "Arc A770 Graphics");
    CHECK_INT(cllm_backend_gaps(sycl, 2, &g, "", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(cpu_only, 1, &g, "cpu", gaps, 4), 1);
    CHECK(strstr(gaps[0].message, "Intel Arc A770 Graphics detected but this libllama is CPU-only") != NULL);
    CHECK(strstr(gaps[0].message, "--llama-variant vulkan") != NULL);
    CHECK(strstr(gaps[0].message, "oneAPI (-DGGML_SYCL=ON)") != NULL);

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "Apple", "Apple M2 Max");
    CHECK_INT(cllm_backend_gaps(metal, 2, &g, "", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(vulkan, 2, &g, "vulkan", gaps, 4), 1);   /* Metal only: Vulkan does not count */
    CHECK(strstr(gaps[0].message, "Apple M2 Max detected but this libllama has no Metal device") != NULL);
    CHECK(strstr(gaps[0].message, "built with Metal") != NULL && strstr(gaps[0].message, "--llama-lib") != NULL);
    CHECK(strstr(gaps[0].message, "Apple Apple") == NULL);   /* a name that starts with its vendor is not doubled */

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "NVIDIA", "NVIDIA H200");
    CHECK_INT(cllm_backend_gaps(cuda, 2, &g, "cuda", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(vulkan, 2, &g, "vulkan", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(sycl, 2, &g, "", gaps, 4), 1);
    CHECK(strstr(gaps[0].message, "NVIDIA H200 detected but this libllama has no CUDA or Vulkan device") != NULL);
    CHECK(strstr(gaps[0].message, "--llama-variant vulkan (or cuda)") != NULL);
    CHECK_INT(cllm_backend_gaps(cpu_only, 1, &g, "cuda", gaps, 4), 1);
    CHECK(strstr(gaps[0].message, "the cuda build of libllama found no CUDA device") != NULL);

    /* any other vendor: Vulkan */
    memset(&g, 0, sizeof(g));
    add_gpu(&g, "Qualcomm", "Adreno 740");
    CHECK_INT(cllm_backend_gaps(vulkan, 2, &g, "", gaps, 4), 0);
    CHECK_INT(cllm_backend_gaps(cuda, 2, &g, "", gaps, 4), 1);
    CHECK(strstr(gaps[0].message, "has no Vulkan device") != NULL);
}

/* One gap per vendor, at the vendor's first GPU, counting its GPUs; vendors the library serves say nothing. */
static void test_gaps_mixed(void)
{
    const struct cllm_backend_device cuda[] = {{"CPU", 0}, {"CUDA", 1}, {"CUDA", 1}};
    struct cllm_backend_gap gaps[4];
    struct cllm_gpu_info g;

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "NVIDIA", "NVIDIA RTX 4090");
    add_gpu(&g, "AMD", "Radeon PRO W7900");
    add_gpu(&g, "NVIDIA", "NVIDIA RTX 4090");
    add_gpu(&g, "AMD", "Radeon PRO W7900");
    add_gpu(&g, "Intel", "UHD Graphics 770");
    CHECK_INT(cllm_backend_gaps(cuda, 3, &g, "cuda", gaps, 4), 2);
    CHECK_INT(gaps[0].gpu, 1);
    CHECK_INT(gaps[0].n_gpus, 2);
    CHECK(strstr(gaps[0].message, "AMD Radeon PRO W7900") != NULL);
    CHECK_INT(gaps[1].gpu, 4);
    CHECK_INT(gaps[1].n_gpus, 1);
    CHECK(strstr(gaps[1].message, "SYCL or Vulkan") != NULL);
    CHECK_INT(cllm_backend_gaps(cuda, 3, &g, "cuda", gaps, 1), 1);   /* max bounds the list */
    CHECK_INT(cllm_backend_gaps(cuda, 3, NULL, "cuda", gaps, 4), 0);
    g.n_devices = 0;
    CHECK_INT(cllm_backend_gaps(cuda, 3, &g, "cuda", gaps, 4), 0);
}

/* The same against a library on disk: a path that is not one fails with its name; the library the LLM phases load
 * (scripts/setup's) is checked against an AMD GPU by its own device list. */
static void test_check_library(void)
{
    struct cllm_llama_device devs[CLLM_LLAMA_MAX_DEVICES];
    struct cllm_backend_gap gaps[4];
    struct cllm_gpu_info g;
    char lib[1024], err[1024];
    bool served = false;
    int n, nd;

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "AMD", "Radeon RX 7900 XTX");
    CHECK_INT(cllm_backend_check_library("/nonexistent/libllama.so", &g, gaps, 4, lib, sizeof(lib), err,
                                         sizeof(err)), -1);
    CHECK(strstr(err, "/nonexistent/libllama.so") != NULL);
    CHECK_STR(lib, "");
    n = cllm_backend_check_library(NULL, &g, gaps, 4, lib, sizeof(lib), err, sizeof(err));
    if (n < 0)
        SKIP("no libllama (run scripts/setup): %s", err);
    CHECK(strstr(lib, "libllama") != NULL);
    nd = cllm_llama_devices(cllm_llama_get(), devs, CLLM_LLAMA_MAX_DEVICES);
    CHECK(nd >= 1);
    for (int i = 0; i < nd; i++)
        served |= (devs[i].type == 1 || devs[i].type == 2) &&
                  (strcmp(devs[i].backend, "ROCm") == 0 || strcmp(devs[i].backend, "Vulkan") == 0);
    fprintf(stderr, "  %s: %d devices, %d gap(s)%s%s\n", lib, nd, n, n ? ": " : "", n ? gaps[0].message : "");
    CHECK_INT(n, served ? 0 : 1);
    if (n == 1)
        CHECK(strstr(gaps[0].message, "AMD Radeon RX 7900 XTX detected but") != NULL);
}

static void test_defaults(void)
{
    struct cllm_engine_open_params o = cllm_engine_default_open_params();
    struct cllm_gen_params g = cllm_gen_default_params();
    CHECK_INT(o.n_ctx, 2048);
    CHECK_INT(o.n_gpu_layers, -1);
    CHECK_INT(o.seed, 42);
    CHECK_INT(g.max_tokens, 256);
    CHECK_NEAR(g.temperature, 0.7, 0);
    CHECK_NEAR(g.top_p, 0.9, 0);
    CHECK_NEAR(g.repeat_penalty, 1.1, 0);
    CHECK_INT(g.repeat_last_n, 64);
    CHECK_INT(g.seed, 42);
    CHECK(!g.ignore_eos);
}

/* run --sampling: where each run samples, and the note when it is not where it was asked */
static void test_sampling_choice(void)
{
    char note[200];
    int m = -1;
    CHECK(cllm_sampling_mode_parse("device", &m) && m == CLLM_SAMPLING_DEVICE);
    CHECK(cllm_sampling_mode_parse("device-top-k", &m) && m == CLLM_SAMPLING_DEVICE_TOP_K);
    CHECK(cllm_sampling_mode_parse("host", &m) && m == CLLM_SAMPLING_HOST);
    CHECK(cllm_sampling_mode_parse("auto", &m) && m == CLLM_SAMPLING_AUTO);
    CHECK(!cllm_sampling_mode_parse("gpu", &m) && !cllm_sampling_mode_parse("", &m) &&
          !cllm_sampling_mode_parse(NULL, &m) && !cllm_sampling_mode_parse("Device", &m));
    CHECK(strcmp(cllm_sampling_mode_name(CLLM_SAMPLING_DEVICE_TOP_K), "device-top-k") == 0);
    CHECK(strcmp(cllm_sampled_name(CLLM_SAMPLED_DEVICE_TOP_K), "device_top_k") == 0);
    CHECK(strcmp(cllm_sampled_name(CLLM_SAMPLED_HOST), "host") == 0);
    /* auto: the device's top-k when the output layer is offloaded, the host otherwise; no note either way */
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_AUTO, true, true, true, 1.1, note, sizeof(note)),
              CLLM_SAMPLED_DEVICE_TOP_K);
    CHECK(!note[0]);
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_AUTO, false, true, true, 1.1, note, sizeof(note)), CLLM_SAMPLED_HOST);
    CHECK(!note[0]);
    /* device: also on the CPU (the graph runs there) */
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_DEVICE, false, true, true, 1.1, note, sizeof(note)),
              CLLM_SAMPLED_DEVICE);
    CHECK(!note[0]);
    /* host: always, without a note */
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_HOST, true, true, true, 1.1, note, sizeof(note)), CLLM_SAMPLED_HOST);
    CHECK(!note[0]);
    /* a penalty below 1 can raise tokens outside the top-k: the whole chain, said */
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_DEVICE_TOP_K, true, true, true, 0.9, note, sizeof(note)),
              CLLM_SAMPLED_DEVICE);
    CHECK(strstr(note, "below 1") != NULL);
    /* a library without backend sampling: the host, and the note names what is missing; auto on a GPU too */
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_DEVICE, true, false, false, 1.1, note, sizeof(note)),
              CLLM_SAMPLED_HOST);
    CHECK(strstr(note, "llama_set_sampler") != NULL);
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_AUTO, true, false, false, 1.1, note, sizeof(note)),
              CLLM_SAMPLED_HOST);
    CHECK(strstr(note, "no backend sampling") != NULL);
    /* auto on the CPU with such a library: nothing was asked of it, no note */
    CHECK_INT(cllm_sampling_choose(CLLM_SAMPLING_AUTO, false, false, false, 1.1, note, sizeof(note)),
              CLLM_SAMPLED_HOST);
    CHECK(!note[0]);
}

int main(void)
{
    RUN(test_priority);
    RUN(test_cpu_forced);
    RUN(test_notice);
    RUN(test_gaps_per_vendor);
    RUN(test_gaps_mixed);
    RUN(test_check_library);
    RUN(test_defaults);
    RUN(test_sampling_choice);
    return test_summary();
}
