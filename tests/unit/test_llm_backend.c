/* Backend choice from the devices a libllama has: the original's priority, CPU when asked, and a notice when
 * a detected GPU has no backend in the library. */
#include "hw/hw.h"
#include "llm/engine.h"
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

int main(void)
{
    RUN(test_priority);
    RUN(test_cpu_forced);
    RUN(test_notice);
    RUN(test_defaults);
    return test_summary();
}
