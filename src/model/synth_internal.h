/* Shared by synth.c (shape, metadata, the F16 file, the quantizer path) and synth_direct.c (the type mix and
 * the direct writer); not a public header. */
#ifndef CLLM_SYNTH_INTERNAL_H
#define CLLM_SYNTH_INTERNAL_H

#include "model/gguf.h"
#include "model/synth.h"

#define CLLM_SYNTH_WEIGHT_STD     0.02  /* std of the random matrices: keeps activations O(1) through the blocks */
#define CLLM_SYNTH_PROGRESS_S     0.1   /* least seconds between two progress calls */

enum cllm_synth_kind { CLLM_SYNTH_MATRIX, CLLM_SYNTH_NORM };

struct cllm_synth_spec {
    char                 name[64];
    enum cllm_synth_kind kind;
    uint32_t             n_dims;
    uint64_t             ne[2];
};

/* false (and err, when given) for a shape llama.cpp cannot load */
bool cllm_synth_shape_valid(const struct cllm_synth_params *p, char *err, size_t errlen);

/* Tensor i of the model in file order (llama.cpp's names and shapes for arch llama); false past the end. */
bool cllm_synth_tensor_at(const struct cllm_synth_params *p, size_t i, struct cllm_synth_spec *t);

/* The file's metadata, as the quantizer path leaves it: general.file_type = file_type and, when quant_version
 * is not 0, general.quantization_version (what llama_model_quantize adds). */
enum cllm_status cllm_synth_set_metadata(const struct cllm_synth_params *p, struct cllm_gguf_writer *w,
                                         uint32_t file_type, uint32_t quant_version, char *err, size_t errlen);

/* Streams the F16 model (F32 norms) into path; progress as CLLM_SYNTH_STAGE_WEIGHTS when `progress`. */
enum cllm_status cllm_synth_write_f16(const struct cllm_synth_params *p, const char *path, bool progress,
                                      char *err, size_t errlen);

/* 65536 equiprobable normal values of std CLLM_SYNTH_WEIGHT_STD as IEEE halves (built once). */
const uint16_t *cllm_synth_normal_halves(void);
float cllm_synth_half_to_float(uint16_t h);

uint64_t cllm_synth_splitmix64(uint64_t *state);

/* Calls p->progress at most every CLLM_SYNTH_PROGRESS_S (always for frac 1 or last NULL); false: cancel. */
bool cllm_synth_report(const struct cllm_synth_params *p, enum cllm_synth_stage stage, double frac, double *last);

/* The direct writer (synth_direct.c): the learned mix streamed as random valid blocks into PATH.part, renamed. */
enum cllm_status cllm_synth_write_direct(const struct cllm_synth_params *p, const struct cllm_llama *L, int ftype,
                                         char *err, size_t errlen);

/* Free space checks: need bytes in dir (and tmp_need in tmp_dir when tmp_need > 0, summed on one disk). */
enum cllm_status cllm_synth_check_space(const char *tmp_dir, const char *out_dir, uint64_t tmp_need,
                                        uint64_t out_need, char *err, size_t errlen);

#endif
