/* Multi-GPU selection and mapping with fake machines (two and four GPUs, one with less VRAM) and fake ggml device
 * lists: --gpus against detection, CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES / ZE_AFFINITY_MASK, detected GPU →
 * ggml device by PCI bus id or by runtime device number, split mode and tensor_split. */
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "gpu/select.h"
#include "llm/engine.h"
#include "llm/llm_result.h"
#include "report/fields_llm.h"
#include "report/write_llm.h"
#include "test.h"

static void add_gpu(struct cllm_gpu_info *g, const char *vendor, const char *name, const char *bus, double vram)
{
    struct cllm_gpu_device *d = &g->devices[g->n_devices];
    cllm_gpu_device_init(d);
    d->index = g->n_devices;
    snprintf(d->vendor, sizeof(d->vendor), "%s", vendor);
    snprintf(d->name, sizeof(d->name), "%s", name);
    snprintf(d->pci_bus_id, sizeof(d->pci_bus_id), "%s", bus);
    d->vram_total_gb = vram;
    g->n_devices++;
}

static struct cllm_gpu_info two_gpus(void)
{
    struct cllm_gpu_info g;
    memset(&g, 0, sizeof(g));
    add_gpu(&g, "NVIDIA", "H100 80GB HBM3", "0000:01:00.0", 79.6);
    add_gpu(&g, "NVIDIA", "H100 80GB HBM3", "0000:41:00.0", 79.6);
    return g;
}

/* four NVIDIA GPUs, the last with half the memory */
static struct cllm_gpu_info four_gpus(void)
{
    struct cllm_gpu_info g;
    memset(&g, 0, sizeof(g));
    add_gpu(&g, "NVIDIA", "A100 80GB", "0000:01:00.0", 80);
    add_gpu(&g, "NVIDIA", "A100 80GB", "0000:21:00.0", 80);
    add_gpu(&g, "NVIDIA", "A100 80GB", "0000:41:00.0", 80);
    add_gpu(&g, "NVIDIA", "A100 40GB", "0000:81:00.0", 40);
    return g;
}

static struct cllm_gpu_visible_env env_none(void)
{
    struct cllm_gpu_visible_env e;
    memset(&e, 0, sizeof(e));
    return e;
}

static struct cllm_gpu_visible_env env_with(enum cllm_gpu_env_var v, const char *value)
{
    struct cllm_gpu_visible_env e = env_none();
    e.set[v] = true;
    snprintf(e.value[v], sizeof(e.value[v]), "%s", value);
    return e;
}

static void test_select_flag(void)
{
    struct cllm_gpu_info g = four_gpus();
    struct cllm_gpu_visible_env e = env_none();
    struct cllm_gpu_selection s;
    char err[1024];

    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 4);
    CHECK_STR(s.source, "all");
    for (int i = 0; i < 4; i++) {
        CHECK_INT(s.index[i], i);
        CHECK_INT(s.runtime_index[i], i);
    }

    CHECK_INT(cllm_gpu_select(&g, "2,0", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 2);
    CHECK_INT(s.index[0], 2);
    CHECK_INT(s.index[1], 0);
    CHECK_STR(s.source, "flag");
    CHECK_STR(s.spec, "2,0");

    CHECK_INT(cllm_gpu_select(&g, "3", &e, &s, err, sizeof(err)), CLLM_OK);   /* --gpu 3: the small one */
    CHECK_INT(s.n, 1);
    CHECK_INT(s.index[0], 3);

    /* an index that does not exist names the GPUs there are */
    CHECK_INT(cllm_gpu_select(&g, "0,4", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "GPU 4 does not exist: this machine has 4 GPUs: 0 NVIDIA A100 80GB (0000:01:00.0), ") != NULL);
    CHECK(strstr(err, "3 NVIDIA A100 40GB (0000:81:00.0)") != NULL);
    CHECK_INT(cllm_gpu_select(&g, "1,1", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "GPU 1 is named twice") != NULL);
    CHECK_INT(cllm_gpu_select(&g, "x", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "expected GPU indices such as 0 or 0,2") != NULL);
    CHECK_INT(cllm_gpu_select(&g, "-1", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK_INT(cllm_gpu_select(&g, "0,", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK_INT(cllm_gpu_select(&g, "0,,1", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);

    /* no GPU at all */
    memset(&g, 0, sizeof(g));
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 0);
    CHECK_INT(cllm_gpu_select(&g, "0", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "GPU 0 does not exist: this machine has 0 GPUs (computellm detect lists none)") != NULL);
}

static void test_select_env(void)
{
    struct cllm_gpu_info g = four_gpus();
    struct cllm_gpu_visible_env e = env_with(CLLM_GPU_ENV_CUDA, "2,0");
    struct cllm_gpu_selection s;
    char err[1024];

    /* CUDA renumbers in the variable's order: physical 2 is CUDA device 0 */
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_STR(s.source, "environment");
    CHECK_INT(s.n, 2);
    CHECK_INT(s.index[0], 0);
    CHECK_INT(s.runtime_index[0], 1);
    CHECK_INT(s.index[1], 2);
    CHECK_INT(s.runtime_index[1], 0);
    CHECK(!s.visible[1] && !s.visible[3]);
    CHECK_STR(s.env.value[CLLM_GPU_ENV_CUDA], "2,0");

    /* a hidden GPU asked for by flag: the variable is named */
    CHECK_INT(cllm_gpu_select(&g, "1", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "GPU 1 (NVIDIA A100 80GB) is hidden by CUDA_VISIBLE_DEVICES=2,0") != NULL);
    CHECK_INT(cllm_gpu_select(&g, "2", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.runtime_index[0], 0);

    /* CUDA stops at the first entry that is not a device */
    e = env_with(CLLM_GPU_ENV_CUDA, "1,7,3");
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 1);
    CHECK_INT(s.index[0], 1);
    /* empty: every NVIDIA GPU hidden */
    e = env_with(CLLM_GPU_ENV_CUDA, "");
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 0);
    CHECK_STR(s.source, "environment");
    /* UUIDs cannot be matched to detection: said, and nothing hidden */
    e = env_with(CLLM_GPU_ENV_CUDA, "GPU-8f0c2d1e");
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 4);
    CHECK(strstr(s.note, "CUDA_VISIBLE_DEVICES=GPU-8f0c2d1e names devices by UUID") != NULL);

    /* each variable hides its own vendor only */
    memset(&g, 0, sizeof(g));
    add_gpu(&g, "AMD", "Instinct MI300X", "0000:03:00.0", 192);
    add_gpu(&g, "NVIDIA", "RTX 4090", "0000:04:00.0", 24);
    add_gpu(&g, "AMD", "Instinct MI300X", "0000:05:00.0", 192);
    add_gpu(&g, "Intel", "Arc A770", "0000:06:00.0", 16);
    e = env_with(CLLM_GPU_ENV_HIP, "1");
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 3);
    CHECK_INT(s.index[0], 1);
    CHECK_INT(s.index[1], 2);
    CHECK_INT(s.runtime_index[1], 0);   /* the second AMD GPU is HIP device 0 */
    CHECK_INT(s.index[2], 3);
    CHECK_INT(cllm_gpu_select(&g, "0", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "HIP_VISIBLE_DEVICES=1") != NULL);
    e = env_with(CLLM_GPU_ENV_ZE, "0.1");   /* a sub-device of the Arc: the card stays visible */
    CHECK_INT(cllm_gpu_select(&g, "3", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.runtime_index[0], 0);
    e = env_with(CLLM_GPU_ENV_ZE, "1");
    CHECK_INT(cllm_gpu_select(&g, "3", &e, &s, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "ZE_AFFINITY_MASK=1") != NULL);

    /* env NULL reads the process's environment */
    g = two_gpus();
    setenv("CUDA_VISIBLE_DEVICES", "1", 1);
    CHECK_INT(cllm_gpu_select(&g, NULL, NULL, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 1);
    CHECK_INT(s.index[0], 1);
    CHECK_INT(s.runtime_index[0], 0);
    CHECK(s.env.set[CLLM_GPU_ENV_CUDA]);
    unsetenv("CUDA_VISIBLE_DEVICES");
    CHECK_INT(cllm_gpu_select(&g, NULL, NULL, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(s.n, 2);
}

/* A CUDA library's ggml devices: CPU first, then the GPUs listed in `order` (detected indices) with their bus ids
 * when `with_ids`, free memory `free_gb`. */
static int fake_ggml(const struct cllm_gpu_info *g, const int *order, int n, bool with_ids, const double *free_gb,
                     struct cllm_backend_device *bd, struct cllm_backend_gpu_dev *gd)
{
    memset(bd, 0, sizeof(*bd) * (size_t)(n + 1));
    memset(gd, 0, sizeof(*gd) * (size_t)(n + 1));
    strcpy(bd[0].backend, "CPU");
    strcpy(gd[0].name, "CPU");
    for (int i = 0; i < n; i++) {
        strcpy(bd[i + 1].backend, "CUDA");
        bd[i + 1].type = 1;
        snprintf(gd[i + 1].name, sizeof(gd[i + 1].name), "CUDA%d", i);
        if (with_ids)
            snprintf(gd[i + 1].device_id, sizeof(gd[i + 1].device_id), "%s", g->devices[order[i]].pci_bus_id);
        gd[i + 1].memory_free_gb = free_gb ? free_gb[order[i]] : NAN;
    }
    return n + 1;
}

static void test_map_two(void)
{
    struct cllm_gpu_info g = two_gpus();
    struct cllm_gpu_visible_env e = env_none();
    struct cllm_backend_device bd[8];
    struct cllm_backend_gpu_dev gd[8];
    struct cllm_backend_choice c;
    struct cllm_backend_gpu_plan plan;
    struct cllm_gpu_selection s;
    const int reversed[] = {1, 0};   /* CUDA's fastest-first order need not be detection's */
    const double free_gb[] = {70, 70};
    char err[1024];
    int n = fake_ggml(&g, reversed, 2, true, free_gb, bd, gd);

    cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
    CHECK_INT(c.n_devices, 2);

    /* no selection: every CUDA device, each matched to its detected GPU by bus id */
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, NULL, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 2);
    CHECK_STR(plan.mapped_by, "all");
    CHECK_INT(plan.gpus[0], 1);
    CHECK_INT(plan.gpus[1], 0);
    CHECK_INT(plan.split_mode, CLLM_SPLIT_LAYER);
    CHECK_STR(plan.tensor_split_by, "free");
    CHECK_NEAR(plan.tensor_split[0], 0.5, 1e-6);

    /* --gpu 0: the ggml device with GPU 0's bus id, which is CUDA1 here */
    CHECK_INT(cllm_gpu_select(&g, "0", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 1);
    CHECK_INT(plan.devices[0], 2);
    CHECK_STR(gd[plan.devices[0]].name, "CUDA1");
    CHECK_INT(plan.gpus[0], 0);
    CHECK_STR(plan.mapped_by, "pci_bus_id");
    CHECK_INT(plan.split_mode, CLLM_SPLIT_NONE);
    CHECK_NEAR(plan.tensor_split[0], 1.0, 0);
    CHECK_INT(plan.main_gpu, 0);

    /* both, row split: devices in the selection's order */
    CHECK_INT(cllm_gpu_select(&g, "0,1", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_ROW, CLLM_TENSOR_SPLIT_EVEN, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 2);
    CHECK_INT(plan.devices[0], 2);
    CHECK_INT(plan.devices[1], 1);
    CHECK_INT(plan.split_mode, CLLM_SPLIT_ROW);
    CHECK_STR(cllm_split_mode_name(plan.split_mode), "row");
    CHECK_STR(plan.tensor_split_by, "even");

    /* a detected GPU the library has no device for: named, with the devices it has */
    strcpy(gd[2].device_id, "0000:c1:00.0");
    CHECK_INT(cllm_gpu_select(&g, "0", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "GPU 0 (NVIDIA H100 80GB HBM3, 0000:01:00.0) has no CUDA device in this libllama") != NULL);
    CHECK(strstr(err, "CUDA0 (0000:41:00.0), CUDA1 (0000:c1:00.0)") != NULL);
    /* CUDA's "-vN" suffix of virtual devices still matches; case is ignored */
    strcpy(gd[2].device_id, "0000:01:00.0-v1");
    strcpy(gd[1].device_id, "0000:41:00.0");
    strcpy(g.devices[1].pci_bus_id, "0000:41:00.0");
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.devices[0], 2);

    /* the CPU: nothing to plan */
    cllm_backend_choose(bd, n, false, -1, &g, "cuda", &c);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 0);
}

/* --gpus with --rpc: the plan is made of the selected local GPUs, then the RPC servers' devices follow them (gpus
 * -1) and the split covers all of them; a CPU choice plus RPC becomes a plan of the RPC devices only. */
static void test_plan_with_rpc(void)
{
    struct cllm_gpu_info g = two_gpus();
    struct cllm_gpu_visible_env e = env_none();
    struct cllm_backend_device bd[8];
    struct cllm_backend_gpu_dev gd[8];
    struct cllm_backend_choice c;
    struct cllm_backend_gpu_plan plan;
    struct cllm_gpu_selection s;
    const int order[] = {0, 1};
    const double free_gb[] = {60, 70};
    char err[1024];
    int n = fake_ggml(&g, order, 2, true, free_gb, bd, gd), n_local;

    strcpy(bd[n].backend, "RPC");   /* one rpc-server's device, 20 GiB free */
    bd[n].type = 1;
    strcpy(gd[n].name, "RPC0");
    gd[n].memory_free_gb = 20;
    n++;
    cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
    CHECK_INT(c.n_devices, 2);   /* CUDA only: RPC is not a backend of the choice */
    CHECK_INT(cllm_gpu_select(&g, "1", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 1);
    n_local = c.n_devices;
    CHECK_INT(cllm_backend_add_rpc(bd, n, -1, &c, err, sizeof(err)), CLLM_OK);
    CHECK_INT(c.n_devices, 3);
    CHECK_STR(c.backend, "CUDA+RPC");
    cllm_backend_plan_append(gd, &c, n_local, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan);
    CHECK_INT(plan.n, 2);                  /* GPU 1's device, then the server's: GPU 0 stays out */
    CHECK_STR(gd[plan.devices[0]].name, "CUDA1");
    CHECK_INT(plan.gpus[0], 1);
    CHECK_STR(gd[plan.devices[1]].name, "RPC0");
    CHECK_INT(plan.gpus[1], -1);
    CHECK_INT(plan.split_mode, CLLM_SPLIT_LAYER);
    CHECK_STR(plan.tensor_split_by, "free");
    CHECK_NEAR(plan.tensor_split[0], 70.0 / 90.0, 1e-6);
    CHECK_NEAR(plan.tensor_split[1], 20.0 / 90.0, 1e-6);

    /* the CPU plus a server: the server's device alone, no split */
    cllm_backend_choose(bd, n, false, -1, &g, "cuda", &c);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, NULL, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 0);
    CHECK_INT(cllm_backend_add_rpc(bd, n, -1, &c, err, sizeof(err)), CLLM_OK);
    CHECK_STR(c.backend, "RPC");
    cllm_backend_plan_append(gd, &c, 0, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan);
    CHECK_INT(plan.n, 1);
    CHECK_STR(gd[plan.devices[0]].name, "RPC0");
    CHECK_INT(plan.split_mode, CLLM_SPLIT_NONE);
    CHECK_STR(plan.mapped_by, "all");
}

static void test_map_four(void)
{
    struct cllm_gpu_info g = four_gpus();
    struct cllm_gpu_visible_env e = env_none();
    struct cllm_backend_device bd[8];
    struct cllm_backend_gpu_dev gd[8];
    struct cllm_backend_choice c;
    struct cllm_backend_gpu_plan plan;
    struct cllm_gpu_selection s;
    const int order[] = {0, 1, 2, 3};
    const double free_gb[] = {78, 78, 78, 39};
    char err[1024];
    int n = fake_ggml(&g, order, 4, true, free_gb, bd, gd);

    cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    /* by free memory: the 40 GB card gets half the share of the others */
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_LAYER, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 4);
    CHECK_STR(plan.tensor_split_by, "free");
    CHECK_NEAR(plan.tensor_split[0], 78.0 / 273.0, 1e-6);
    CHECK_NEAR(plan.tensor_split[3], 39.0 / 273.0, 1e-6);
    CHECK_NEAR(plan.tensor_split[0] + plan.tensor_split[1] + plan.tensor_split[2] + plan.tensor_split[3], 1.0, 1e-6);
    /* even */
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_ROW, CLLM_TENSOR_SPLIT_EVEN, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_NEAR(plan.tensor_split[3], 0.25, 1e-6);
    CHECK_INT(plan.split_mode, CLLM_SPLIT_ROW);
    /* free memory unknown for one device: even, and said so */
    gd[2].memory_free_gb = NAN;
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_LAYER, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_STR(plan.tensor_split_by, "even");
    CHECK_NEAR(plan.tensor_split[3], 0.25, 1e-6);

    /* a library without device ids: matched by the runtime's device number, which the variable renumbers */
    n = fake_ggml(&g, order, 2, false, free_gb, bd, gd);   /* CUDA_VISIBLE_DEVICES=3,1 shows two devices */
    cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
    e = env_with(CLLM_GPU_ENV_CUDA, "3,1");
    CHECK_INT(cllm_gpu_select(&g, "1", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_STR(plan.mapped_by, "order");
    CHECK_INT(plan.devices[0], 2);   /* GPU 1 is the second device CUDA shows: CUDA1 */
    CHECK_INT(cllm_gpu_select(&g, "3,1", &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.devices[0], 1);
    CHECK_INT(plan.devices[1], 2);
    CHECK_INT(plan.gpus[0], 3);
    CHECK_INT(plan.gpus[1], 1);

    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, 7, CLLM_TENSOR_SPLIT_FREE, &plan, err, sizeof(err)),
              CLLM_ERR_INVALID_ARG);
}

/* A CUDA library on a machine with an AMD GPU beside the NVIDIA ones: the default list keeps the GPUs CUDA drives;
 * naming the AMD GPU is refused; without device ids the AMD GPU does not take an NVIDIA device's number. */
static void test_map_mixed(void)
{
    struct cllm_gpu_info g;
    struct cllm_gpu_visible_env e = env_none();
    struct cllm_backend_device bd[8];
    struct cllm_backend_gpu_dev gd[8];
    struct cllm_backend_choice c;
    struct cllm_backend_gpu_plan plan;
    struct cllm_gpu_selection s;
    const int nvidia[] = {0, 2};
    char err[1024];
    int n;

    memset(&g, 0, sizeof(g));
    add_gpu(&g, "NVIDIA", "RTX 4090", "0000:01:00.0", 24);
    add_gpu(&g, "AMD", "Radeon RX 7900 XTX", "0000:02:00.0", 24);
    add_gpu(&g, "NVIDIA", "RTX 4090", "0000:03:00.0", 24);
    for (int ids = 1; ids >= 0; ids--) {
        n = fake_ggml(&g, nvidia, 2, ids == 1, NULL, bd, gd);
        cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
        CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
        CHECK_INT(s.n, 3);
        CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                        sizeof(err)), CLLM_OK);
        CHECK_INT(plan.n, 2);
        CHECK_INT(plan.gpus[0], 0);
        CHECK_INT(plan.gpus[1], 2);
        CHECK_INT(plan.devices[1], 2);   /* the second NVIDIA GPU is CUDA1 */
        CHECK_STR(plan.mapped_by, ids ? "pci_bus_id" : "order");
        CHECK_STR(plan.tensor_split_by, "even");   /* free memory unknown */
        CHECK_INT(cllm_gpu_select(&g, "1", &e, &s, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                        sizeof(err)), CLLM_ERR_INVALID_ARG);
        CHECK(strstr(err, "GPU 1 (AMD Radeon RX 7900 XTX, 0000:02:00.0) has no CUDA device in this libllama") != NULL);
    }
    /* a default list none of which the backend drives: every device of the backend, as without a selection */
    memset(&g, 0, sizeof(g));
    add_gpu(&g, "AMD", "Radeon RX 7900 XTX", "0000:02:00.0", 24);
    n = fake_ggml(&g, nvidia, 1, false, NULL, bd, gd);
    cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
    CHECK_INT(cllm_gpu_select(&g, NULL, &e, &s, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, CLLM_SPLIT_DEFAULT, CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                    sizeof(err)), CLLM_OK);
    CHECK_INT(plan.n, 1);
    CHECK_STR(plan.mapped_by, "all");
}

/* comparisons.gpus: each GPU alone and both split modes, with the engine's gpu_plan as the engine fills it from
 * cllm_backend_gpu_plan (four GPUs, the last with less free memory) */
static void test_write_variants(void)
{
    struct cllm_gpu_info g = four_gpus();
    struct cllm_gpu_visible_env e = env_with(CLLM_GPU_ENV_CUDA, "0,1,2,3");
    struct cllm_backend_device bd[8];
    struct cllm_backend_gpu_dev gd[8];
    struct cllm_backend_choice c;
    struct cllm_gpu_selection s;
    const int order[] = {0, 1, 2, 3};
    const double free_gb[] = {78, 78, 78, 39};
    const char *labels[] = {"gpu0", "gpu3", "layer", "row"};
    const int modes[] = {CLLM_SPLIT_NONE, CLLM_SPLIT_NONE, CLLM_SPLIT_LAYER, CLLM_SPLIT_ROW};
    char err[512];
    int n = fake_ggml(&g, order, 4, true, free_gb, bd, gd);
    cJSON *section = cJSON_CreateObject(), *cmp, *per;
    const cJSON *v;

    cllm_backend_choose(bd, n, true, -1, &g, "cuda", &c);
    cmp = cllm_write_ai_comparisons(section);
    per = cllm_write_ai_cmp_model(cllm_write_ai_cmp_phase(cmp, CLLM_LLM_CMP_GPUS), "tiny-test");
    for (int k = 0; k < 4; k++) {
        struct cllm_llm_model_result *r = calloc(1, sizeof(*r));
        struct cllm_backend_gpu_plan plan;
        struct cllm_gpu_selection one;
        CHECK_INT(cllm_gpu_select(&g, k == 0 ? "0" : k == 1 ? "3" : NULL, &e, &one, err, sizeof(err)), CLLM_OK);
        s = one;
        CHECK_INT(cllm_backend_gpu_plan(gd, n, &c, &g, &s, modes[k], CLLM_TENSOR_SPLIT_FREE, &plan, err,
                                        sizeof(err)), CLLM_OK);
        r->shape = CLLM_LLM_SHAPE_QUANT;
        r->label = labels[k];
        r->status = "ok";
        r->temperature = NAN;
        r->has_engine = true;
        r->engine.kind = CLLM_ENGINE_KIND_IN_PROCESS;
        strcpy(r->engine.backend, "CUDA");
        r->engine.n_gpus = plan.n;
        r->engine.n_devices_used = plan.n;
        for (int i = 0; i < plan.n; i++) {
            r->engine.gpus[i] = plan.gpus[i];
            r->engine.tensor_split[i] = plan.tensor_split[i];
            snprintf(r->engine.devices_used[i].name, sizeof(r->engine.devices_used[i].name), "%s",
                     gd[plan.devices[i]].name);
            snprintf(r->engine.devices_used[i].device_id, sizeof(r->engine.devices_used[i].device_id), "%s",
                     gd[plan.devices[i]].device_id);
            r->engine.devices_used[i].memory_total_gb = NAN;
        }
        snprintf(r->engine.gpu_mapped_by, sizeof(r->engine.gpu_mapped_by), "%s", plan.mapped_by);
        snprintf(r->engine.split_mode, sizeof(r->engine.split_mode), "%s", cllm_split_mode_name(plan.split_mode));
        snprintf(r->engine.tensor_split_by, sizeof(r->engine.tensor_split_by), "%s", plan.tensor_split_by);
        snprintf(r->engine.gpu_env[0], sizeof(r->engine.gpu_env[0]), "CUDA_VISIBLE_DEVICES=0,1,2,3");
        cllm_write_llm_variant(per, CLLM_LLM_CMP_GPUS, r);
        cllm_llm_model_result_free(r);
        free(r);
    }
    CHECK_INT(cJSON_GetArraySize(per), 4);
    v = cJSON_GetObjectItemCaseSensitive(per, "gpu3");
    {
        const cJSON *gp = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "engine"), "gpu_plan");
        const cJSON *dev = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "engine"), "devices_used"), 0);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "split_mode")), "none");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "mapped_by")), "pci_bus_id");
        CHECK_INT(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(gp, "gpus"), 0)->valueint, 3);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(dev, "name")), "CUDA3");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(dev, "device_id")), "0000:81:00.0");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(gp, "visible_env"), 0)),
                  "CUDA_VISIBLE_DEVICES=0,1,2,3");
    }
    for (int k = 2; k < 4; k++) {
        const cJSON *gp = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(per, labels[k]), "engine"), "gpu_plan");
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(gp, "tensor_split");
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "split_mode")), labels[k]);
        CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(gp, "tensor_split_by")), "free");
        CHECK_INT(cJSON_GetArraySize(ts), 4);
        CHECK_NEAR(cJSON_GetArrayItem(ts, 3)->valuedouble, 0.142857, 1e-6);
        CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(gp, "gpus")), 4);
    }
    /* a label outside the phase's fields is not written */
    {
        struct cllm_llm_model_result *r = calloc(1, sizeof(*r));
        r->shape = CLLM_LLM_SHAPE_QUANT;
        r->label = "gpu16";
        r->status = "ok";
        cllm_write_llm_variant(per, CLLM_LLM_CMP_GPUS, r);
        free(r);
        CHECK_INT(cJSON_GetArraySize(per), 4);
    }
    cJSON_Delete(section);
}

int main(void)
{
    unsetenv("CUDA_VISIBLE_DEVICES");
    RUN(test_select_flag);
    RUN(test_select_env);
    RUN(test_map_two);
    RUN(test_map_four);
    RUN(test_plan_with_rpc);
    RUN(test_map_mixed);
    RUN(test_write_variants);
    return test_summary();
}
