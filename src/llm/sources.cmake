# LLM inference: binding, engines, metrics, models, download, synthetic GGUF, pipeline.
set(CLLM_LLM_SOURCES src/llm/pipeline.c)
# model registry (data/models.json) and Hugging Face downloads
list(APPEND CLLM_LLM_SOURCES src/llm/models.c src/llm/download.c)
# the registry falls back to the source tree's data/ when no data/ sits next to the binary
set_source_files_properties(src/llm/models.c PROPERTIES
  COMPILE_DEFINITIONS "CLLM_SOURCE_DATA_DIR=\"${PROJECT_SOURCE_DIR}/data\"")
# llama.cpp binding, engine seam, in-process engine, metrics (the binding also looks for
# .deps/llama/<variant>/ in the checkout, hence the source folder)
list(APPEND CLLM_LLM_SOURCES src/llm/llama_api.c src/llm/engine.c src/llm/engine_llama.c src/llm/metrics.c
     src/llm/sampler.c)
# the pipeline and the server engine look under the checkout too (default vocabulary, llama-server build)
set_source_files_properties(src/llm/llama_api.c src/llm/pipeline.c src/llm/engine_server.c PROPERTIES
  COMPILE_DEFINITIONS "CLLM_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
# GGUF writer/reader, tokenizer vocabularies, synthetic models
list(APPEND CLLM_LLM_SOURCES src/llm/gguf.c src/llm/vocab.c src/llm/synth.c)
# OpenAI-compatible server engine (libcurl; auto mode starts llama-server through platform/proc) and its SSE parser
list(APPEND CLLM_LLM_SOURCES src/llm/sse.c src/llm/engine_server.c)
# one streaming chat completion (shared by the server engine and serve-bench) and serve-bench's load runner
list(APPEND CLLM_LLM_SOURCES src/llm/chat_stream.c src/llm/serve_bench.c)
