/* --gpus and the visibility variables (src/gpu/select.h): the input's lines are the --gpus text, then
 * CUDA_VISIBLE_DEVICES, HIP_VISIBLE_DEVICES and ZE_AFFINITY_MASK (a missing line: the variable unset), against a
 * fixed machine of two NVIDIA, one AMD and one Intel GPU. */
#include "gpu/select.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const vendors[] = {"NVIDIA", "AMD", "NVIDIA", "Intel"};
    char *text = fuzz_cstr(data, size);
    char *lines[5] = {NULL};
    int n_lines = 0;
    struct cllm_gpu_info g;
    struct cllm_gpu_visible_env env;
    struct cllm_gpu_selection sel;
    char err[CLLM_ERR_LEN] = "";
    enum cllm_status st;

    for (char *s = text, *nl; s && n_lines < 5; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        lines[n_lines++] = s;
    }
    memset(&g, 0, sizeof(g));
    g.n_devices = 4;
    for (int i = 0; i < 4; i++) {
        cllm_gpu_device_init(&g.devices[i]);
        g.devices[i].index = i;
        snprintf(g.devices[i].vendor, sizeof(g.devices[i].vendor), "%s", vendors[i]);
        snprintf(g.devices[i].pci_bus_id, sizeof(g.devices[i].pci_bus_id), "0000:0%d:00.0", i + 1);
    }
    memset(&env, 0, sizeof(env));
    for (int v = 0; v < CLLM_GPU_ENV_COUNT; v++) {
        if (n_lines > v + 1) {
            env.set[v] = true;
            snprintf(env.value[v], sizeof(env.value[v]), "%s", lines[v + 1]);
        }
    }
    st = cllm_gpu_select(&g, n_lines > 0 ? lines[0] : NULL, &env, &sel, err, sizeof(err));
    if (st != CLLM_OK) {
        FUZZ_CHECK(st == CLLM_ERR_INVALID_ARG && err[0] != '\0');
    } else {
        /* a selection names each visible GPU at most once, with a runtime device number */
        FUZZ_CHECK(sel.n >= 0 && sel.n <= 4);
        for (int i = 0; i < sel.n; i++) {
            FUZZ_CHECK(sel.index[i] >= 0 && sel.index[i] < 4);
            FUZZ_CHECK(sel.visible[sel.index[i]]);
            FUZZ_CHECK(sel.runtime_index[i] >= 0 && sel.runtime_index[i] < 4);
            for (int j = 0; j < i; j++)
                FUZZ_CHECK(sel.index[j] != sel.index[i]);
        }
        FUZZ_CHECK(!strcmp(sel.source, "flag") || !strcmp(sel.source, "environment") || !strcmp(sel.source, "all"));
    }
    free(text);
    return 0;
}
