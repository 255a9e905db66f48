/* Intel detection from i915 / xe sysfs trees (tests/data/sysfs/intel-*), and the backend it leads to. */
#include "test.h"

#include "gpu_fake.h"

static const struct cllm_gpu_vendor *const only_intel[] = {&cllm_gpu_vendor_intel};

/* Detection with only this vendor's table, on the tree under root. */
static void detect_intel(const char *root, struct cllm_gpu_info *g)
{
    struct cllm_gpu_params p = {root, false};
    cllm_gpu_detect(&p, only_intel, 1, g);
}

static void test_arc_a770_with_level_zero(void)
{
    static struct cllm_gpu_info g;
    const struct cllm_gpu_device *d = &g.devices[0];
    const char *why;

    detect_intel(test_data("sysfs/intel-arc-a770"), &g);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(g.notes[0].status, "ok");
    CHECK_STR(d->vendor, "Intel");
    CHECK_STR(d->name, "Intel Arc A770 Graphics");
    CHECK_STR(d->compute_capability, "Xe-HPG");
    CHECK_STR(d->pci_bus_id, "0000:03:00.0");
    CHECK_STR(d->driver_version, "i915 (kernel 6.8.0-45-generic)");
    CHECK(!d->integrated);
    CHECK(isnan(d->vram_total_gb));   /* i915 keeps local memory size to its ioctl */
    why = cllm_reason_get(&d->why, "vram_total_gb");
    CHECK(why && strstr(why, "i915"));
    CHECK(isnan(d->vram_free_gb));
    CHECK_INT(d->backend, CLLM_BACKEND_SYCL);   /* libze_loader.so.1 + libze_intel_gpu.so.1 in the tree */
    CHECK_INT(g.primary_backend, CLLM_BACKEND_SYCL);
}

static void test_igpu_and_b580(void)
{
    static struct cllm_gpu_info g;
    const struct cllm_gpu_device *igpu = &g.devices[0], *b580 = &g.devices[1];
    const char *why;

    detect_intel(test_data("sysfs/intel-igpu-b580"), &g);
    CHECK_INT(g.n_devices, 2);
    CHECK_STR(g.notes[0].detail, "2 devices");

    /* an id we do not know: placeholder name (marked), integrated because it sits at 00:02.0 */
    CHECK_INT(igpu->index, 0);
    CHECK_STR(igpu->name, "Intel GPU 0xa7a0");
    CHECK(cllm_reason_get(&igpu->why, "name") != NULL);
    CHECK(igpu->integrated);
    CHECK_STR(igpu->pci_bus_id, "0000:00:02.0");
    CHECK(isnan(igpu->vram_total_gb));
    why = cllm_reason_get(&igpu->why, "vram_total_gb");
    CHECK(why && strstr(why, "integrated"));
    CHECK_STR(igpu->compute_capability, "");
    CHECK(cllm_reason_get(&igpu->why, "compute_capability") != NULL);

    /* xe publishes VRAM per tile */
    CHECK_INT(b580->index, 1);
    CHECK_STR(b580->name, "Intel Arc B580 Graphics");
    CHECK_NEAR(b580->vram_total_gb, 12.0, 1e-12);
    CHECK(!b580->integrated);
    CHECK_STR(b580->compute_capability, "Xe2-HPG");
    CHECK_STR(b580->driver_version, "xe (kernel 6.11.0-9-generic)");
    CHECK_STR(b580->pci_bus_id, "0000:03:00.0");

    /* no Level Zero and no Vulkan loader in this tree */
    for (int i = 0; i < 2; i++) {
        CHECK_INT(g.devices[i].backend, CLLM_BACKEND_NONE);
        why = cllm_reason_get(&g.devices[i].why, "backend");
        CHECK(why && strstr(why, "Level Zero"));
    }
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);
}

/* Devices not driven by i915/xe (vfio-pci passthrough) and other vendors' cards are not Intel GPUs here. */
static void test_unbound_and_foreign_cards_skipped(void)
{
    static struct cllm_gpu_info g;
    char buf[256];
    const char *root = test_mkdtemp(buf, sizeof(buf), "gpu_intel");

    CHECK(root != NULL);
    if (!root)
        return;
    tree_write(root, "sys/class/drm/card0/device/vendor", "0x8086\n");
    tree_write(root, "sys/class/drm/card0/device/device", "0x56a0\n");
    tree_write(root, "sys/class/drm/card0/device/uevent", "DRIVER=vfio-pci\nPCI_SLOT_NAME=0000:03:00.0\n");
    tree_write(root, "sys/class/drm/card1/device/vendor", "0x1002\n");
    tree_write(root, "sys/class/drm/card1/device/uevent", "DRIVER=amdgpu\nPCI_SLOT_NAME=0000:04:00.0\n");
    detect_intel(root, &g);
    CHECK_INT(g.n_devices, 0);
    CHECK_STR(g.notes[0].status, "ok");
    CHECK_STR(g.notes[0].detail, "no devices");
    test_rmtree(root);
}

static void test_no_drm_is_unavailable(void)
{
    static struct cllm_gpu_info g;
    const char *why;

    detect_intel(test_data("sysfs/does-not-exist"), &g);
    CHECK_INT(g.n_devices, 0);
    CHECK_INT(g.n_notes, 1);
    CHECK_STR(g.notes[0].status, "unavailable");
    why = g.notes[0].detail;
    CHECK(strstr(why, "/sys/class/drm") != NULL);
}

int main(void)
{
    RUN(test_arc_a770_with_level_zero);
    RUN(test_igpu_and_b580);
    RUN(test_unbound_and_foreign_cards_skipped);
    RUN(test_no_drm_is_unavailable);
    return test_summary();
}
