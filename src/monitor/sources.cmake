# Sources of src/monitor/ (set CLLM_MONITOR_SOURCES): the resource monitor, its samplers, the system cleanup,
# and the shared NVML binding (src/gpu/nvml.c), used by detection and the monitor alike.
set(CLLM_MONITOR_SOURCES
  src/gpu/nvml.c
  src/monitor/monitor.c src/monitor/sampler_system.c src/monitor/sample_parse.c
  src/monitor/sample_nvml.c src/monitor/sample_amdgpu.c src/monitor/cleanup.c
)
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  list(APPEND CLLM_MONITOR_SOURCES src/monitor/sample_linux.c src/monitor/sample_rapl.c)
else()
  list(APPEND CLLM_MONITOR_SOURCES src/monitor/sample_nosupport.c)
endif()
