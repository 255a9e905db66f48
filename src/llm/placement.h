/* Where llama.cpp put a model: read from the lines it logs while loading (libllama has no call that says). Per
 * device: the layers assigned to it ("load_tensors: layer N assigned to device D"), per buffer: the model, KV
 * cache and compute buffer sizes ("... model buffer size = X MiB", "... KV buffer size", "... compute buffer
 * size"), and the "offloaded N/M layers to GPU" summary. The lines are those of llama.cpp 0.5.0-dev (the pinned
 * release); a line that does not match is ignored, so another release gives unknowns, never wrong numbers. */
#ifndef CLLM_LLM_PLACEMENT_H
#define CLLM_LLM_PLACEMENT_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_PLACEMENT_MAX 40

struct cllm_placement_entry {
    char   name[96];          /* a device ("CPU", "RPC0") for layers, a buffer ("CPU_Mapped", "RPC0[host:port]") */
    int    layers;            /* layers assigned to this device */
    double model_mib;         /* MiB as llama.cpp logs them (2 decimals); summed over buffers of this name */
    double kv_mib;
    double compute_mib;
    bool   has_model, has_kv, has_compute;
};

struct cllm_placement {
    int n;
    struct cllm_placement_entry e[CLLM_PLACEMENT_MAX];
    int layer_lines;          /* "assigned to device" lines seen */
    int offloaded;            /* "offloaded N/M layers": N; -1 when not seen */
    int offloadable;          /* M; -1 when not seen */
};

void cllm_placement_init(struct cllm_placement *p);
/* Reads one log line (without its newline); true when it was one of the lines above. */
bool cllm_placement_line(struct cllm_placement *p, const char *line);
/* The entry of that name, or NULL. */
const struct cllm_placement_entry *cllm_placement_find(const struct cllm_placement *p, const char *name);

#ifdef __cplusplus
}
#endif

#endif
