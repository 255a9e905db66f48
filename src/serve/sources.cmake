# src/serve: OpenAI-compatible servers — the SSE parser, one streaming chat completion, the server engine (auto
# mode starts llama-server through platform/proc) and serve-bench's load runner.
set(CLLM_SERVE_SOURCES src/serve/sse.c src/serve/chat_stream.c src/serve/engine_server.c src/serve/serve_bench.c)
# the server engine looks for the llama-server that scripts/setup builds under the checkout's .deps
set_source_files_properties(src/serve/engine_server.c PROPERTIES COMPILE_DEFINITIONS
  "CLLM_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
# serve-bench's content (workload: length specs, the prompt corpus data/prompts, --dataset, token targeting) and
# the server's own metrics (prom: Prometheus text, GET /metrics, before/after deltas); http_fetch: their requests.
list(APPEND CLLM_SERVE_SOURCES src/serve/http_fetch.c src/serve/workload.c src/serve/prom.c)
# the corpus's source-tree fallback is for binaries in this build folder only (as the model registry's)
get_filename_component(CLLM_WORKLOAD_BUILD_DIR "${CMAKE_BINARY_DIR}" REALPATH)
# cllm_workload_next (serve-bench's next_request hook) is built once serve/serve_bench.h declares the content struct
file(STRINGS ${PROJECT_SOURCE_DIR}/src/serve/serve_bench.h CLLM_WORKLOAD_HOOK_FOUND REGEX "^struct cllm_serve_content")
if(CLLM_WORKLOAD_HOOK_FOUND)
  set(CLLM_WORKLOAD_HOOK 1)
else()
  set(CLLM_WORKLOAD_HOOK 0)
endif()
set_source_files_properties(src/serve/workload.c PROPERTIES COMPILE_DEFINITIONS
  "CLLM_SOURCE_DATA_DIR=\"${PROJECT_SOURCE_DIR}/data\";CLLM_BUILD_DIR=\"${CLLM_WORKLOAD_BUILD_DIR}\";CLLM_WORKLOAD_HOOK=${CLLM_WORKLOAD_HOOK}")
