# Hardware detection sources for this platform: one file per platform or vendor (see src/hw/hw.h).
# Parsers (*_parse.c) are plain C on buffers and build everywhere, so tests run on any host.
set(CLLM_HW_SOURCES
  src/hw/hw.c src/hw/hw_json.c src/hw/gpu.c
  src/hw/cpu_parse.c src/hw/mem_parse.c src/hw/gpu_amdgpu.c src/hw/gpu_intel.c
)
if(APPLE)
  list(APPEND CLLM_HW_SOURCES src/hw/os_apple.c src/hw/cpu_apple.c src/hw/mem_apple.c src/hw/gpu_metal.c)
elseif(WIN32)
  list(APPEND CLLM_HW_SOURCES src/hw/os_windows.c src/hw/cpu_windows.c src/hw/mem_windows.c src/hw/gpu_dxgi.c)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  list(APPEND CLLM_HW_SOURCES src/hw/os_linux.c src/hw/cpu_linux.c src/hw/mem_linux.c)
else()
  list(APPEND CLLM_HW_SOURCES src/hw/os_nosupport.c src/hw/cpu_nosupport.c src/hw/mem_nosupport.c)
endif()
# Vendor GPU libraries are loaded with dlopen (src/platform/dl*.c): these build on every platform.
list(APPEND CLLM_HW_SOURCES src/hw/gpu_nvml.c src/hw/gpu_vulkan.c)
if(CLLM_WITH_PCI)
  list(APPEND CLLM_HW_SOURCES src/hw/gpu_pci.c)
endif()
