# LLM inference: binding, engines, metrics, models, download, synthetic GGUF, pipeline.
set(CLLM_LLM_SOURCES)
