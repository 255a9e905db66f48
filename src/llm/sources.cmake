# src/llm: the libllama binding (dlopen), the engine seam, the in-process engine, the sampler and the metrics
# (trace → per-run metrics → summary).
set(CLLM_LLM_SOURCES src/llm/llama_api.c src/llm/engine.c src/llm/engine_llama.c src/llm/metrics.c src/llm/sampler.c
  src/llm/llm_result.c src/llm/bench.c src/llm/rpc.c src/llm/placement.c
  src/llm/cudabin.c)
# the binding also looks for .deps/llama/<variant>/ in the checkout
set_source_files_properties(src/llm/llama_api.c PROPERTIES COMPILE_DEFINITIONS
  "CLLM_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
