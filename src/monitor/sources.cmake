# src/monitor: the resource monitor (a sampling thread over the system and GPU samplers) and the system cleanup.
set(CLLM_MONITOR_SOURCES
  src/monitor/monitor.c src/monitor/energy.c src/monitor/sampler_system.c src/monitor/sample_parse.c src/monitor/cleanup.c
)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  list(APPEND CLLM_MONITOR_SOURCES src/monitor/sample_linux.c src/monitor/sample_rapl.c)
else()
  list(APPEND CLLM_MONITOR_SOURCES src/monitor/sample_nosupport.c)
endif()
