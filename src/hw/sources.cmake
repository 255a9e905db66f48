# src/hw: hardware detection (OS, CPU, RAM) for this platform: one file per platform, plus plain-C parsers
# (*_parse.c) of the text they read, which build everywhere so tests run on any host. GPUs come from src/gpu.
set(CLLM_HW_SOURCES src/hw/hw.c src/hw/cpu_parse.c src/hw/mem_parse.c)
if(APPLE)
  list(APPEND CLLM_HW_SOURCES src/hw/os_apple.c src/hw/cpu_apple.c src/hw/mem_apple.c)
elseif(WIN32)
  list(APPEND CLLM_HW_SOURCES src/hw/os_windows.c src/hw/cpu_windows.c src/hw/mem_windows.c)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  list(APPEND CLLM_HW_SOURCES src/hw/os_linux.c src/hw/cpu_linux.c src/hw/mem_linux.c)
else()
  list(APPEND CLLM_HW_SOURCES src/hw/os_nosupport.c src/hw/cpu_nosupport.c src/hw/mem_nosupport.c)
endif()
