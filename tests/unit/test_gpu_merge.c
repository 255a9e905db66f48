/* Merging what several detectors saw, notes per detector, and the backend each device gets — with fake vendor
 * tables swapped in for the real ones. */
#include "test.h"

#include "gpu_fake.h"

FAKE_VENDOR(fake_a);
FAKE_VENDOR(fake_b);
FAKE_VENDOR(fake_c);

static const struct cllm_gpu_vendor *const ab[] = {&fake_a, &fake_b};

/* A captured-tree root with no runtimes at all (no ROCm, Level Zero or Vulkan loader). */
static struct cllm_gpu_params bare_params(void)
{
    struct cllm_gpu_params p = {test_data("sysfs/no-gpu-bochs"), false};
    return p;
}

static void reset_all(void)
{
    fake_reset(&fake_a_cfg);
    fake_reset(&fake_b_cfg);
    fake_reset(&fake_c_cfg);
}

static void test_same_bus_id_listed_once(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();
    struct cllm_gpu_device *a, *b;

    reset_all();
    a = fake_add(&fake_a_cfg, "nvml", "NVIDIA", "NVIDIA H100 80GB HBM3", "0000:18:00.0", 79.65);
    snprintf(a->driver_version, sizeof(a->driver_version), "580.159.04");
    snprintf(a->compute_capability, sizeof(a->compute_capability), "9.0");
    a->vram_free_gb = 79.1;
    b = fake_add(&fake_b_cfg, "vulkan", "NVIDIA", "NVIDIA H100 80GB HBM3", "0000:18:00.0", 80.0);
    snprintf(b->driver_version, sizeof(b->driver_version), "580.159.04.0");

    cllm_gpu_detect(&p, ab, 2, &g);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(g.devices[0].source, "nvml");              /* the earlier detector wins */
    CHECK_NEAR(g.devices[0].vram_total_gb, 79.65, 1e-12);  /* and keeps its known values */
    CHECK_STR(g.devices[0].driver_version, "580.159.04");
    CHECK_STR(g.devices[0].compute_capability, "9.0");
    CHECK_INT(g.devices[0].backend, CLLM_BACKEND_CUDA);
    CHECK_INT(g.primary_backend, CLLM_BACKEND_CUDA);
    CHECK_INT(g.n_notes, 2);
    CHECK_STR(g.notes[0].source, "fake_a");
    CHECK_STR(g.notes[0].status, "ok");
    CHECK_STR(g.notes[0].detail, "1 device");
    CHECK_STR(g.notes[1].source, "fake_b");
    CHECK_STR(g.notes[1].detail, "1 device (1 already listed by an earlier source)");
    CHECK_INT(fake_a_cfg.shutdowns, 1);
    CHECK_INT(fake_b_cfg.shutdowns, 1);
}

/* Vulkan fills the VRAM an Intel sysfs device could not read, and makes the Vulkan backend usable for it. */
static void test_later_source_fills_unknowns(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();
    struct cllm_gpu_device *a, *b;
    const struct cllm_gpu_device *d = &g.devices[0];

    reset_all();
    a = fake_add(&fake_a_cfg, "intel", "Intel", "Intel Arc A770 Graphics", "0000:03:00.0", NAN);
    cllm_reason_set(&a->why, "vram_free_gb", "fake: unknown");
    b = fake_add(&fake_b_cfg, "vulkan", "Intel", "Intel(R) Arc(TM) A770 Graphics (DG2)", "0000:03:00.0",
                 15.91);
    snprintf(b->compute_capability, sizeof(b->compute_capability), "should-not-matter");
    snprintf(b->driver_version, sizeof(b->driver_version), "24.0.9");

    cllm_gpu_detect(&p, ab, 2, &g);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(d->name, "Intel Arc A770 Graphics");
    CHECK_NEAR(d->vram_total_gb, 15.91, 1e-12);
    CHECK(cllm_reason_get(&d->why, "vram_total_gb") == NULL);   /* known now: its reason went */
    CHECK(isnan(d->vram_free_gb));
    CHECK(cllm_reason_get(&d->why, "vram_free_gb") != NULL);
    CHECK_STR(d->driver_version, "24.0.9");
    CHECK_STR(d->compute_capability, "should-not-matter");
    CHECK_INT(d->backend, CLLM_BACKEND_VULKAN);   /* no Level Zero in the tree, but Vulkan enumerated it */
    CHECK_INT(g.primary_backend, CLLM_BACKEND_VULKAN);
}

/* Without bus ids the same vendor + name merges, one to one per detector: two identical cards stay two. */
static void test_name_match_one_to_one(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();

    reset_all();
    fake_add(&fake_a_cfg, "dxgi", "NVIDIA", "NVIDIA GeForce RTX 4090", NULL, 23.99);
    fake_add(&fake_a_cfg, "dxgi", "NVIDIA", "NVIDIA GeForce RTX 4090", NULL, 23.99);
    fake_add(&fake_b_cfg, "vulkan", "NVIDIA", "NVIDIA GeForce RTX 4090", "0000:01:00.0", 24.0);
    fake_add(&fake_b_cfg, "vulkan", "NVIDIA", "NVIDIA GeForce RTX 4090", "0000:02:00.0", 24.0);

    cllm_gpu_detect(&p, ab, 2, &g);
    CHECK_INT(g.n_devices, 2);
    CHECK_STR(g.devices[0].pci_bus_id, "0000:01:00.0");
    CHECK_STR(g.devices[1].pci_bus_id, "0000:02:00.0");
    CHECK(cllm_reason_get(&g.devices[0].why, "pci_bus_id") == NULL);
    CHECK_STR(g.devices[0].source, "dxgi");
    CHECK_INT(g.devices[0].index, 0);
    CHECK_INT(g.devices[1].index, 1);
    /* an NVIDIA card seen by Vulkan but not NVML runs Vulkan */
    CHECK_INT(g.devices[0].backend, CLLM_BACKEND_VULKAN);
}

static void test_different_bus_ids_stay_apart(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();

    reset_all();
    fake_add(&fake_a_cfg, "nvml", "NVIDIA", "NVIDIA A100-SXM4-80GB", "0000:07:00.0", 80.0);
    fake_add(&fake_b_cfg, "vulkan", "NVIDIA", "NVIDIA A100-SXM4-80GB", "0000:0f:00.0", 80.0);
    cllm_gpu_detect(&p, ab, 2, &g);
    CHECK_INT(g.n_devices, 2);
    CHECK_STR(g.devices[1].source, "vulkan");
}

/* A placeholder name (marked by a "name" reason) gives way to a later detector's real name. */
static void test_placeholder_name_replaced(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();
    struct cllm_gpu_device *a;

    reset_all();
    a = fake_add(&fake_a_cfg, "amdgpu", "AMD", "AMD GPU 0x7551", "0000:03:00.0", 31.98);
    cllm_reason_set(&a->why, "name", "fake: id not in table");
    fake_add(&fake_b_cfg, "vulkan", "AMD", "AMD Radeon AI PRO R9700 (RADV GFX1201)", "0000:03:00.0", 31.5);
    cllm_gpu_detect(&p, ab, 2, &g);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(g.devices[0].name, "AMD Radeon AI PRO R9700 (RADV GFX1201)");
    CHECK(cllm_reason_get(&g.devices[0].why, "name") == NULL);
    CHECK_NEAR(g.devices[0].vram_total_gb, 31.98, 1e-12);
}

static void test_failures_become_notes(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();
    const struct cllm_gpu_vendor *const abc[] = {&fake_a, NULL, &fake_b, &fake_c};

    reset_all();
    fake_a_cfg.init_status = CLLM_ERR_SYMBOL;
    fake_a_cfg.init_msg = "symbol nvmlInit_v2 missing from libfake.so";
    fake_b_cfg.n = -1;
    fake_b_cfg.get_err = "enumeration failed";
    fake_c_cfg.init_msg = "libfake-c.so.1";
    fake_add(&fake_c_cfg, "vulkan", "Qualcomm", "Adreno (TM) 740", NULL, 7.5);

    cllm_gpu_detect(&p, abc, 4, &g);
    CHECK_INT(g.n_notes, 3);   /* the NULL entry is skipped */
    CHECK_STR(g.notes[0].status, "error");
    CHECK_STR(g.notes[0].detail, "symbol nvmlInit_v2 missing from libfake.so");
    CHECK_INT(fake_a_cfg.shutdowns, 0);   /* a failed init cleans up itself */
    CHECK_STR(g.notes[1].status, "error");
    CHECK_STR(g.notes[1].detail, "enumeration failed");
    CHECK_INT(fake_b_cfg.shutdowns, 1);
    CHECK_STR(g.notes[2].status, "ok");
    CHECK_STR(g.notes[2].detail, "libfake-c.so.1: 1 device");
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(g.devices[0].vendor, "Qualcomm");
    CHECK_INT(g.devices[0].backend, CLLM_BACKEND_VULKAN);
    /* fields no detector knew carry a reason */
    CHECK(cllm_reason_get(&g.devices[0].why, "driver_version") != NULL);
    CHECK(cllm_reason_get(&g.devices[0].why, "compute_capability") != NULL);
}

static void test_empty_list(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = bare_params();

    reset_all();
    cllm_gpu_detect(&p, ab, 0, &g);
    CHECK_INT(g.n_devices, 0);
    CHECK_INT(g.n_notes, 0);
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);
}

/* cuda > rocm > sycl > metal > vulkan > none, whatever the device order. */
static void test_primary_backend_priority(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params bare = bare_params(), rich;
    const struct cllm_gpu_vendor *const only_a[] = {&fake_a};
    char buf[256];
    const char *root = test_mkdtemp(buf, sizeof(buf), "gpu_merge");

    CHECK(root != NULL);
    if (!root)
        return;
    /* a tree with ROCm and Intel's Level Zero runtime */
    tree_write(root, "opt/rocm/.info/version", "6.2.0\n");
    tree_write(root, "usr/lib/x86_64-linux-gnu/libze_loader.so.1", "");
    tree_write(root, "usr/lib/x86_64-linux-gnu/libze_intel_gpu.so.1", "");
    rich.root = root;
    rich.live = false;

    reset_all();
    fake_add(&fake_a_cfg, "vulkan", "AMD", "AMD Radeon RX 7600", "0000:05:00.0", 8.0);
    fake_add(&fake_a_cfg, "metal", "Apple", "Apple M2 Max", NULL, 64.0);
    fake_add(&fake_a_cfg, "nvml", "NVIDIA", "NVIDIA L4", "0000:06:00.0", 22.5);
    cllm_gpu_detect(&bare, only_a, 1, &g);
    CHECK_INT(g.devices[0].backend, CLLM_BACKEND_VULKAN);
    CHECK_INT(g.devices[1].backend, CLLM_BACKEND_METAL);
    CHECK_INT(g.devices[2].backend, CLLM_BACKEND_CUDA);
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "cuda");

    reset_all();
    fake_add(&fake_a_cfg, "intel", "Intel", "Intel Arc A770 Graphics", "0000:03:00.0", 16.0);
    fake_add(&fake_a_cfg, "metal", "Apple", "Apple M2 Max", NULL, 64.0);
    fake_add(&fake_a_cfg, "amdgpu", "AMD", "AMD Instinct MI300X", "0000:05:00.0", 192.0);
    cllm_gpu_detect(&rich, only_a, 1, &g);
    CHECK_INT(g.devices[0].backend, CLLM_BACKEND_SYCL);
    CHECK_INT(g.devices[2].backend, CLLM_BACKEND_ROCM);
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "rocm");

    reset_all();
    fake_add(&fake_a_cfg, "metal", "Apple", "Apple M2 Max", NULL, 64.0);
    fake_add(&fake_a_cfg, "intel", "Intel", "Intel Arc A770 Graphics", "0000:03:00.0", 16.0);
    cllm_gpu_detect(&rich, only_a, 1, &g);
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "sycl");

    reset_all();
    fake_add(&fake_a_cfg, "vulkan", "Qualcomm", "Adreno (TM) 740", NULL, 7.5);
    fake_add(&fake_a_cfg, "metal", "Apple", "Apple M3", NULL, 16.0);
    cllm_gpu_detect(&bare, only_a, 1, &g);
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "metal");

    reset_all();
    fake_add(&fake_a_cfg, "vulkan", "Qualcomm", "Adreno (TM) 740", NULL, 7.5);
    cllm_gpu_detect(&bare, only_a, 1, &g);
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "vulkan");

    /* an NVIDIA card only the PCI bus saw: no backend, and the reason says what to install */
    reset_all();
    fake_add(&fake_a_cfg, "pci", "NVIDIA", "NVIDIA H100 SXM5 80GB", "0000:18:00.0", NAN);
    cllm_gpu_detect(&bare, only_a, 1, &g);
    CHECK_INT(g.devices[0].backend, CLLM_BACKEND_NONE);
    {
        const char *why = cllm_reason_get(&g.devices[0].why, "backend");
        CHECK(why && strstr(why, "NVML not loadable"));
    }
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "none");
    test_rmtree(root);
}

static void test_bus_id_normalisation(void)
{
    char out[32];
    CHECK(cllm_gpu_normalize_bus_id("00000000:65:00.0", out, sizeof(out)));
    CHECK_STR(out, "0000:65:00.0");
    CHECK(cllm_gpu_normalize_bus_id("0000:C1:1F.7\n", out, sizeof(out)));
    CHECK_STR(out, "0000:c1:1f.7");
    CHECK(cllm_gpu_normalize_bus_id("0001:03:00.1", out, sizeof(out)));
    CHECK_STR(out, "0001:03:00.1");
    CHECK(!cllm_gpu_normalize_bus_id("03:00.0", out, sizeof(out)));
    CHECK_STR(out, "");
    CHECK(!cllm_gpu_normalize_bus_id("0000:03:00.0x", out, sizeof(out)));
    CHECK(!cllm_gpu_normalize_bus_id("0000:03:20.0", out, sizeof(out)));
    CHECK(cllm_gpu_normalize_bus_id("10000:e0:00.0", out, sizeof(out)));   /* Intel VMD domains */
    CHECK_STR(out, "10000:e0:00.0");
    CHECK(!cllm_gpu_normalize_bus_id("", out, sizeof(out)));
}

int main(void)
{
    RUN(test_same_bus_id_listed_once);
    RUN(test_later_source_fills_unknowns);
    RUN(test_name_match_one_to_one);
    RUN(test_different_bus_ids_stay_apart);
    RUN(test_placeholder_name_replaced);
    RUN(test_failures_become_notes);
    RUN(test_empty_list);
    RUN(test_primary_backend_priority);
    RUN(test_bus_id_normalisation);
    return test_summary();
}
