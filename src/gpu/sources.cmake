# src/gpu: one file per GPU vendor or API (binding, detection, sampling behind one vendor table), loaded with dlopen
# or read from sysfs, so every file builds on every platform; gpu.c merges what the vendors report into one device
# list, for detection and for the monitor's readings alike; opencl.c lists OpenCL platforms and devices on their own;
# select.c says which GPUs a run uses (--gpus and the runtimes' visibility variables).
set(CLLM_GPU_SOURCES src/gpu/gpu.c src/gpu/select.c src/gpu/nvml.c src/gpu/amdgpu.c src/gpu/intel.c src/gpu/vulkan.c
    src/gpu/opencl.c)
if(APPLE)
  list(APPEND CLLM_GPU_SOURCES src/gpu/metal.c)
elseif(WIN32)
  list(APPEND CLLM_GPU_SOURCES src/gpu/dxgi.c)
endif()
if(CLLM_WITH_PCI)
  list(APPEND CLLM_GPU_SOURCES src/gpu/pci.c)
endif()
