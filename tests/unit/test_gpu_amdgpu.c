/* AMD detection from amdgpu sysfs + KFD trees (tests/data/sysfs/amd-*), and the backend it leads to. */
#include "test.h"

#include "gpu_fake.h"

static const struct cllm_gpu_vendor *const only_amdgpu[] = {&cllm_gpu_vendor_amdgpu};

/* Detection with only this vendor's table, on the tree under root. */
static void detect_amd(const char *root, struct cllm_gpu_info *g)
{
    struct cllm_gpu_params p = {root, false};
    cllm_gpu_detect(&p, only_amdgpu, 1, g);
}

static void test_mi300x(void)
{
    static struct cllm_gpu_info g;
    const double gib = 1024.0 * 1024.0 * 1024.0;

    detect_amd(test_data("sysfs/amd-mi300x"), &g);
    CHECK_INT(g.n_devices, 2);
    CHECK_INT(g.n_notes, 1);
    CHECK_STR(g.notes[0].source, "amdgpu");
    CHECK_STR(g.notes[0].status, "ok");
    CHECK_STR(g.notes[0].detail, "2 devices");
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "rocm");
    for (int i = 0; i < 2; i++) {
        const struct cllm_gpu_device *d = &g.devices[i];
        CHECK_INT(d->index, i);
        CHECK_STR(d->vendor, "AMD");
        CHECK_STR(d->name, "AMD Instinct MI300X");
        CHECK_NEAR(d->vram_total_gb, 206141652992.0 / gib, 1e-9);
        CHECK_STR(d->compute_capability, "gfx942");
        CHECK_STR(d->driver_version, "6.8.5");   /* the DKMS module's version */
        CHECK(!d->integrated);
        CHECK_STR(d->source, "amdgpu");
        CHECK_INT(d->backend, CLLM_BACKEND_ROCM);   /* the tree has /opt/rocm */
        CHECK(cllm_reason_get(&d->why, "backend") == NULL);
        CHECK(cllm_reason_get(&d->why, "vram_total_gb") == NULL);
    }
    CHECK_STR(g.devices[0].pci_bus_id, "0000:05:00.0");
    CHECK_STR(g.devices[1].pci_bus_id, "0000:26:00.0");
    CHECK_NEAR(g.devices[0].vram_free_gb, (206141652992.0 - 297324544.0) / gib, 1e-9);
    CHECK_NEAR(g.devices[1].vram_free_gb, (206141652992.0 - 310378496.0) / gib, 1e-9);
}

static void test_rx7900xtx(void)
{
    static struct cllm_gpu_info g;
    const struct cllm_gpu_device *d = &g.devices[0];
    const char *why;

    detect_amd(test_data("sysfs/amd-rx7900xtx"), &g);
    CHECK_INT(g.n_devices, 1);   /* card0-DP-1, card0-HDMI-A-1 and renderD128 are not cards */
    CHECK_STR(d->name, "AMD Radeon RX 7900 XTX");   /* device 0x744c revision 0xc8 */
    CHECK_NEAR(d->vram_total_gb, 23.984375, 1e-12);
    CHECK_NEAR(d->vram_free_gb, 23.484375, 1e-12);
    CHECK_STR(d->compute_capability, "gfx1100");    /* KFD gfx_target_version 110000 */
    CHECK_STR(d->driver_version, "amdgpu (kernel 6.5.0-14-generic)");
    CHECK_STR(d->pci_bus_id, "0000:03:00.0");
    CHECK(!d->integrated);
    /* no /opt/rocm, no libamdhip64, no libvulkan in the tree */
    CHECK_INT(d->backend, CLLM_BACKEND_NONE);
    why = cllm_reason_get(&d->why, "backend");
    CHECK(why && strstr(why, "ROCm") && strstr(why, "Vulkan"));
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);
}

static void test_apu_is_integrated(void)
{
    static struct cllm_gpu_info g;
    const struct cllm_gpu_device *d = &g.devices[0];

    detect_amd(test_data("sysfs/amd-apu-780m"), &g);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(d->name, "AMD Radeon 780M / 760M Graphics");
    CHECK_NEAR(d->vram_total_gb, 0.5, 1e-12);   /* the 512 MiB BIOS carve-out */
    CHECK(d->integrated);
    CHECK_STR(d->compute_capability, "gfx1103");
    CHECK_STR(d->pci_bus_id, "0000:c4:00.0");
}

/* product_name, libdrm's amdgpu.ids, the unknown-id placeholder, KFD matched by PCI location, radeon skipped. */
static void test_names_and_kfd_by_location(void)
{
    static struct cllm_gpu_info g;
    char buf[256];
    const char *root = test_mkdtemp(buf, sizeof(buf), "gpu_amdgpu");

    CHECK(root != NULL);
    if (!root)
        return;
    tree_write(root, "sys/class/drm/card0/device/vendor", "0x1002\n");
    tree_write(root, "sys/class/drm/card0/device/device", "0x7777\n");
    tree_write(root, "sys/class/drm/card0/device/revision", "0x01\n");
    tree_write(root, "sys/class/drm/card0/device/uevent", "DRIVER=amdgpu\nPCI_SLOT_NAME=0000:0A:00.0\n");
    tree_write(root, "sys/class/drm/card0/device/product_name", "Test Accelerator X\n");
    tree_write(root, "sys/class/drm/card0/device/mem_info_vram_total", "68702699520\n");
    tree_write(root, "sys/class/drm/card0/device/mem_info_vram_used", "0\n");
    /* no render node: the KFD node is found by location_id = bus << 8 | dev << 3 | fn */
    tree_write(root, "sys/class/kfd/kfd/topology/nodes/1/properties",
               "cpu_cores_count 0\nsimd_count 416\ngfx_target_version 90010\nlocation_id 2560\ndomain 0\n"
               "drm_render_minor 130\n");

    tree_write(root, "sys/class/drm/card1/device/vendor", "0x1002\n");
    tree_write(root, "sys/class/drm/card1/device/device", "0x7778\n");
    tree_write(root, "sys/class/drm/card1/device/revision", "0x00\n");
    tree_write(root, "sys/class/drm/card1/device/uevent", "DRIVER=amdgpu\nPCI_SLOT_NAME=0000:0b:00.0\n");
    tree_write(root, "sys/class/drm/card1/device/mem_info_vram_total", "17163091968\n");
    tree_write(root, "usr/share/libdrm/amdgpu.ids",
               "# test ids\n1.0.0\n7778,\t01,\tAMD Radeon Test One\n7778,\t00,\tAMD Radeon Test Zero\n");

    tree_write(root, "sys/class/drm/card2/device/vendor", "0x1002\n");
    tree_write(root, "sys/class/drm/card2/device/device", "0x7779\n");
    tree_write(root, "sys/class/drm/card2/device/uevent", "DRIVER=amdgpu\nPCI_SLOT_NAME=0000:0c:00.0\n");
    tree_write(root, "sys/class/drm/card2/device/mem_info_vram_total", "8573157376\n");

    tree_write(root, "sys/class/drm/card3/device/vendor", "0x1002\n");
    tree_write(root, "sys/class/drm/card3/device/device", "0x6798\n");
    tree_write(root, "sys/class/drm/card3/device/uevent", "DRIVER=radeon\nPCI_SLOT_NAME=0000:0d:00.0\n");

    detect_amd(root, &g);
    CHECK_INT(g.n_devices, 3);   /* card3 is driven by radeon: left to the PCI detector */

    CHECK_STR(g.devices[0].name, "Test Accelerator X");
    CHECK_STR(g.devices[0].pci_bus_id, "0000:0a:00.0");
    CHECK_STR(g.devices[0].compute_capability, "gfx90a");
    CHECK_NEAR(g.devices[0].vram_free_gb, 63.984375, 1e-12);
    CHECK(cllm_reason_get(&g.devices[0].why, "name") == NULL);

    CHECK_STR(g.devices[1].name, "AMD Radeon Test Zero");   /* exact (device, revision) line */
    CHECK(cllm_reason_get(&g.devices[1].why, "compute_capability") != NULL);
    CHECK(isnan(g.devices[1].vram_free_gb));
    CHECK(cllm_reason_get(&g.devices[1].why, "vram_free_gb") != NULL);

    CHECK_STR(g.devices[2].name, "AMD GPU 0x7779");
    CHECK(cllm_reason_get(&g.devices[2].why, "name") != NULL);

    for (int i = 0; i < 3; i++) {
        CHECK_STR(g.devices[i].driver_version, "");
        CHECK(cllm_reason_get(&g.devices[i].why, "driver_version") != NULL);
        CHECK(!g.devices[i].integrated);
    }
    test_rmtree(root);
}

/* The whole registry on the MI300X tree: the PCI detector sees the same two boards and the ASPEED BMC. */
static void test_mi300x_full_registry(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {test_data("sysfs/amd-mi300x"), false};
    const struct cllm_gpu_source_note *n;

    cllm_gpu_detect(&p, NULL, 0, &g);
    CHECK_INT(g.n_devices, 2);
    CHECK_STR(g.devices[0].source, "amdgpu");
    CHECK_STR(g.devices[1].source, "amdgpu");
    CHECK_INT(g.primary_backend, CLLM_BACKEND_ROCM);
    n = note_of(&g, "nvml");
    CHECK(n && strcmp(n->status, "unavailable") == 0);
    n = note_of(&g, "vulkan");
    CHECK(n && strcmp(n->status, "unavailable") == 0);
#ifdef CLLM_WITH_PCI
    n = note_of(&g, "pci");
    CHECK(n && strcmp(n->status, "ok") == 0);
    CHECK(n && strstr(n->detail, "2 devices (2 already listed by an earlier source)"));
#endif
}

int main(void)
{
    RUN(test_mi300x);
    RUN(test_rx7900xtx);
    RUN(test_apu_is_integrated);
    RUN(test_names_and_kfd_by_location);
    RUN(test_mi300x_full_registry);
    return test_summary();
}
