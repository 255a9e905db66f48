# src/app: the plan — run (detect → classic → AI phase → comparisons → results file) and the AI phase.
set(CLLM_APP_SOURCES src/app/run.c src/app/ai_phase.c src/app/run_request.c)
# the AI phase looks for the default vocabulary under the checkout too
set_source_files_properties(src/app/ai_phase.c PROPERTIES COMPILE_DEFINITIONS
  "CLLM_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
list(APPEND CLLM_APP_SOURCES src/app/serve_plan.c)
list(APPEND CLLM_APP_SOURCES src/app/sweep.c)
list(APPEND CLLM_APP_SOURCES src/app/advise.c)
list(APPEND CLLM_APP_SOURCES src/app/run_plan.c)
list(APPEND CLLM_APP_SOURCES src/app/submit.c)
