/* A stand-in libllama for test_llama_abi: exports llama_version and the default-params functions only, with
 * one thing wrong per build (FAKE_VERSION, FAKE_BAD_DEFAULT, FAKE_GROWN, FAKE_NO_VERSION). */
#include <string.h>

#include "llm/llama_api.h"

#ifndef FAKE_VERSION
#define FAKE_VERSION "0.5.0-dev"
#endif

#ifndef FAKE_NO_VERSION
const char *llama_version(void) { return FAKE_VERSION; }
#endif

#ifdef FAKE_GROWN
/* a later library whose model params gained a field at the end */
struct grown { struct cllm_llama_model_params p; long long extra; };
struct grown llama_model_default_params(void)
{
    struct grown g;
    memset(&g, 0, sizeof(g));
    g.p.n_gpu_layers = -1;
    g.p.split_mode = 1;
    g.p.load_mode = -1;
    g.p.lazy_mode = 1;
    g.p.use_extra_bufts = true;
    g.extra = 7;
    return g;
}
#else
struct cllm_llama_model_params llama_model_default_params(void)
{
    struct cllm_llama_model_params p;
    memset(&p, 0, sizeof(p));
    p.n_gpu_layers = -1;
    p.split_mode = 1;
    p.load_mode = -1;
    p.lazy_mode = 1;
    p.use_extra_bufts = true;
    return p;
}
#endif

struct cllm_llama_context_params llama_context_default_params(void)
{
    struct cllm_llama_context_params p;
    memset(&p, 0, sizeof(p));
    p.n_ctx = 512;
    p.n_batch = 2048;
    p.n_ubatch = 512;
    p.n_seq_max = 1;
    p.n_outputs_max_per_seq = 1;
    p.n_threads = p.n_threads_batch = 4;
    p.rope_scaling_type = p.pooling_type = p.attention_type = p.flash_attn_type = -1;
    p.yarn_ext_factor = p.yarn_attn_factor = p.yarn_beta_fast = p.yarn_beta_slow = -1.0f;
    p.defrag_thold = -1.0f;
    p.type_k = p.type_v = 1;
    p.offload_kqv = true;
    p.no_perf = true;
#ifdef FAKE_BAD_DEFAULT
    p.op_offload = false;   /* an older layout puts another bool here */
#else
    p.op_offload = true;
#endif
    p.swa_full = true;
    return p;
}

struct cllm_llama_quantize_params llama_model_quantize_default_params(void)
{
    struct cllm_llama_quantize_params p;
    memset(&p, 0, sizeof(p));
    p.ftype = 7;
    p.output_tensor_type = p.token_embedding_type = 43;
    p.quantize_output_tensor = true;
    p.reserved_0x3c = 2;
    return p;
}
