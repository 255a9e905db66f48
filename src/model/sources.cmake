# src/model: the model registry (data/models.json), Hugging Face downloads, the GGUF writer/reader, tokenizer
# vocabularies and synthetic models.
set(CLLM_MODEL_SOURCES src/model/registry.c src/model/fit.c src/model/download.c src/model/gguf.c src/model/vocab.c src/model/synth.c src/model/synth_direct.c)
# the registry's source-tree fallback (CLLM_SOURCE_DATA_DIR, CLLM_BUILD_DIR) is for binaries in this build folder
# only, never for an installed one; resolved here: the binary's own path, /proc/self/exe, has no symbolic links
get_filename_component(CLLM_BUILD_DIR_REAL "${CMAKE_BINARY_DIR}" REALPATH)
set_source_files_properties(src/model/registry.c PROPERTIES COMPILE_DEFINITIONS
  "CLLM_SOURCE_DATA_DIR=\"${PROJECT_SOURCE_DIR}/data\";CLLM_BUILD_DIR=\"${CLLM_BUILD_DIR_REAL}\"")
