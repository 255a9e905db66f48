/* GPU detection on the machine running the tests. Checks what holds everywhere; on a machine with no GPU at all
 * (no /dev/dri, /dev/nvidia0, /dev/kfd) it also checks that nothing is listed and every source says why. */
#include "test.h"

#include "gpu_fake.h"

static bool has_any_gpu_node(void)
{
    static const char *const paths[] = {"/dev/dri", "/dev/nvidia0", "/dev/kfd", "/dev/nvidiactl", NULL};
    for (int i = 0; paths[i]; i++)
        if (access(paths[i], F_OK) == 0)
            return true;
    return false;
}

static bool valid_bus_id(const char *s)
{
    char norm[32];
    return s[0] == '\0' || (cllm_gpu_normalize_bus_id(s, norm, sizeof(norm)) && strcmp(norm, s) == 0);
}

static int rank(enum cllm_gpu_backend b)
{
    static const int r[CLLM_BACKEND_COUNT] = {0, 5, 4, 3, 2, 1};   /* none cuda rocm sycl metal vulkan */
    return (unsigned)b < CLLM_BACKEND_COUNT ? r[b] : -1;
}

static void test_live_default_params(void)
{
    static struct cllm_gpu_info g;
    struct cllm_gpu_params p = {"/", true};
    int best = 0;

    cllm_gpu_detect(&p, NULL, 0, &g);
    fprintf(stderr, "  %d GPU(s), primary backend %s\n", g.n_devices, cllm_gpu_backend_name(g.primary_backend));
    for (int i = 0; i < g.n_notes; i++) {
        const struct cllm_gpu_source_note *n = &g.notes[i];
        fprintf(stderr, "  source %-7s %-11s %s\n", n->source, n->status, n->detail);
        CHECK(strcmp(n->status, "ok") == 0 || strcmp(n->status, "unavailable") == 0 ||
              strcmp(n->status, "error") == 0);
        CHECK(n->detail[0] != '\0');
    }
    CHECK(g.n_notes >= 2);
    for (int i = 0; i < g.n_devices; i++) {
        const struct cllm_gpu_device *d = &g.devices[i];
        fprintf(stderr, "  [%d] %s %s, %.2f GiB, driver %s, %s, bus %s, %s via %s\n", d->index, d->vendor,
                d->name, d->vram_total_gb, d->driver_version, d->compute_capability, d->pci_bus_id,
                cllm_gpu_backend_name(d->backend), d->source);
        CHECK_INT(d->index, i);
        CHECK(d->vendor[0] && d->name[0] && d->source[0]);
        CHECK(valid_bus_id(d->pci_bus_id));
        CHECK(!isnan(d->vram_total_gb) || cllm_reason_get(&d->why, "vram_total_gb"));
        CHECK(d->driver_version[0] || cllm_reason_get(&d->why, "driver_version"));
        CHECK(d->backend != CLLM_BACKEND_NONE || cllm_reason_get(&d->why, "backend"));
        if (strcmp(d->source, "nvml") == 0)
            CHECK_INT(d->backend, CLLM_BACKEND_CUDA);
        for (int k = i + 1; k < g.n_devices; k++)   /* merged: no bus id twice */
            CHECK(!d->pci_bus_id[0] || strcmp(d->pci_bus_id, g.devices[k].pci_bus_id) != 0);
        if (rank(d->backend) > best)
            best = rank(d->backend);
    }
    CHECK_INT(rank(g.primary_backend), best);

    if (!has_any_gpu_node()) {
        const struct cllm_gpu_source_note *n;
        CHECK_INT(g.n_devices, 0);
        CHECK_INT(g.primary_backend, CLLM_BACKEND_NONE);
        n = note_of(&g, "nvml");
        CHECK(n == NULL || strcmp(n->status, "unavailable") == 0);
        n = note_of(&g, "vulkan");
        CHECK(n == NULL || strcmp(n->status, "ok") != 0 || strstr(n->detail, "no devices"));
    }
}

static void test_null_params_mean_defaults(void)
{
    static struct cllm_gpu_info a, b;
    struct cllm_gpu_params p = {"/", true};

    cllm_gpu_detect(NULL, NULL, 0, &a);
    cllm_gpu_detect(&p, NULL, 0, &b);
    CHECK_INT(a.n_devices, b.n_devices);
    CHECK_INT(a.n_notes, b.n_notes);
    CHECK_INT(a.primary_backend, b.primary_backend);
}

int main(void)
{
    RUN(test_live_default_params);
    RUN(test_null_params_mean_defaults);
    return test_summary();
}
