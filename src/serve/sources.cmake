# src/serve: OpenAI-compatible servers — the SSE parser, one streaming chat completion, the server engine (auto
# mode starts llama-server through platform/proc) and serve-bench's load runner.
set(CLLM_SERVE_SOURCES src/serve/sse.c src/serve/chat_stream.c src/serve/engine_server.c src/serve/serve_bench.c)
# the server engine looks for the llama-server that scripts/setup builds under the checkout's .deps
set_source_files_properties(src/serve/engine_server.c PROPERTIES COMPILE_DEFINITIONS
  "CLLM_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
