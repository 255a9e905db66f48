/* Machines without a usable vendor GPU: a VM with only a bochs adapter lists nothing; an NVIDIA card whose driver
 * did not answer is listed from the PCI bus with backend none and the reason. */
#include "test.h"

#include "gpu_fake.h"

static void test_vm_without_gpu(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {test_data("sysfs/no-gpu-bochs"), false};
    const struct cllm_gpu_source_note *n;

    cllm_gpu_detect(&p, NULL, 0, &g);
    CHECK_INT(g.n_devices, 0);
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);
    CHECK_STR(cllm_gpu_backend_name(g.primary_backend), "none");
    /* every detector explains itself */
    n = note_of(&g, "nvml");
    CHECK(n && strcmp(n->status, "unavailable") == 0 && n->detail[0]);
    n = note_of(&g, "amdgpu");
    CHECK(n && strcmp(n->status, "ok") == 0 && strcmp(n->detail, "no devices") == 0);
    n = note_of(&g, "intel");
    CHECK(n && strcmp(n->status, "ok") == 0 && strcmp(n->detail, "no devices") == 0);
    n = note_of(&g, "vulkan");
    CHECK(n && strcmp(n->status, "unavailable") == 0 && n->detail[0]);
#ifdef CLLM_WITH_PCI
    CHECK_INT(g.n_notes, 5);
    n = note_of(&g, "pci");
    CHECK(n && strcmp(n->status, "ok") == 0 && strstr(n->detail, "no devices"));
#else
    CHECK_INT(g.n_notes, 4);
#endif
}

/* The project's GPU machine (PCI ids captured from it): in a captured tree NVML is not asked, so the H200 comes
 * from the PCI bus alone, beside six virtio devices. */
static void test_nvidia_seen_only_on_pci(void)
{
#ifdef CLLM_WITH_PCI
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {test_data("sysfs/nvidia-h200-vm"), false};
    const struct cllm_gpu_device *d = &g.devices[0];
    const char *why;

    cllm_gpu_detect(&p, NULL, 0, &g);
    CHECK_INT(g.n_devices, 1);
    CHECK_STR(d->vendor, "NVIDIA");
    CHECK_STR(d->source, "pci");
    CHECK_STR(d->pci_bus_id, "0000:00:06.0");
    CHECK(strncmp(d->name, "NVIDIA ", 7) == 0);   /* the rest comes from this host's pci.ids */
    CHECK(isnan(d->vram_total_gb));
    CHECK(cllm_reason_get(&d->why, "vram_total_gb") != NULL);
    CHECK_INT(d->backend, CLLM_BACKEND_NONE);
    why = cllm_reason_get(&d->why, "backend");
    CHECK(why && strstr(why, "NVML not loadable") && strstr(why, "install the NVIDIA driver"));
    CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);
    CHECK(note_of(&g, "amdgpu") && strcmp(note_of(&g, "amdgpu")->status, "unavailable") == 0);   /* no drm */
#else
    SKIP("built without libpci (CLLM_WITH_PCI off)");
#endif
}

/* The PCI detector alone on a tree whose bus holds an AMD Instinct (class 0x1200) and an audio function. */
static void test_pci_classes(void)
{
#ifdef CLLM_WITH_PCI
    static struct cllm_gpu_info g;
    const struct cllm_gpu_vendor *const v[] = {&cllm_gpu_vendor_pci};
    struct cllm_gpu_params p = {test_data("sysfs/amd-mi300x"), false};

    cllm_gpu_detect(&p, v, 1, &g);
    CHECK_INT(g.n_devices, 2);
    CHECK_STR(g.devices[0].vendor, "AMD");
    CHECK(cllm_reason_get(&g.devices[0].why, "backend") != NULL);

    p.root = test_data("sysfs/amd-rx7900xtx");
    cllm_gpu_detect(&p, v, 1, &g);
    CHECK_INT(g.n_devices, 1);   /* 03:00.1 is its HDMI audio (class 0x0403) */
    CHECK_STR(g.devices[0].pci_bus_id, "0000:03:00.0");

    p.root = test_data("sysfs/does-not-exist");
    cllm_gpu_detect(&p, v, 1, &g);
    CHECK_STR(g.notes[0].status, "unavailable");
#else
    SKIP("built without libpci (CLLM_WITH_PCI off)");
#endif
}

int main(void)
{
    RUN(test_vm_without_gpu);
    RUN(test_nvidia_seen_only_on_pci);
    RUN(test_pci_classes);
    return test_summary();
}
