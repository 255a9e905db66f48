/* The hardware section's field tables (see report/fields_hw.h). */
#include "report/fields_hw.h"

#include <stddef.h>

#include "report/fields_core.h"

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define BOOL CLLM_FT_BOOL
#define OBJ CLLM_FT_OBJECT
#define NUL CLLM_FF_NULLABLE
#define REQ CLLM_FF_REQUIRED

/* ---- os ---- */
const struct cllm_field CLLM_F_HW_OS_SYSTEM = {"system", STR, "", "Linux, Darwin, Windows", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_HW_OS_RELEASE = {"release", STR, "", "kernel release", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_OS_VERSION = {"version", STR, "", "kernel build string", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_OS_MACHINE = {"machine", STR, "", "x86_64, aarch64, arm64", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_OS_HOSTNAME = {"hostname", STR, "", "the machine's host name", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_OS_KERNEL = {"kernel", STR, "", "system and release, e.g. Linux 6.1.0-18-amd64",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_OS_DISTRIBUTION = {"distribution", STR, "", "PRETTY_NAME of /etc/os-release",
    NULL, 0, NUL};
static const struct cllm_field *const os_fields[] = {&CLLM_F_HW_OS_SYSTEM, &CLLM_F_HW_OS_RELEASE,
    &CLLM_F_HW_OS_VERSION, &CLLM_F_HW_OS_MACHINE, &CLLM_F_HW_OS_HOSTNAME, &CLLM_F_HW_OS_KERNEL,
    &CLLM_F_HW_OS_DISTRIBUTION, NULL};
const struct cllm_record CLLM_R_HW_OS = {"hardware_os", "the operating system", os_fields, false};

/* ---- cpu ---- */
const struct cllm_field CLLM_F_HW_CPU_MODEL = {"model", STR, "", "as lscpu's Model name", NULL, 0, NUL | REQ};
const struct cllm_field CLLM_F_HW_CPU_VENDOR = {"vendor", STR, "", "as the CPU reports it (AuthenticAMD, ...)",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CPU_PHYSICAL_CORES = {"physical_cores", INT, "",
    "distinct (socket, core) pairs, as lscpu counts", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CPU_LOGICAL_CORES = {"logical_cores", INT, "", "online CPUs (nproc)", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_HW_CPU_SOCKETS = {"sockets", INT, "", "CPU packages", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CPU_NUMA_NODES = {"numa_nodes", INT, "", "NUMA nodes", NULL, 0, NUL};

const struct cllm_field CLLM_F_HW_CPU_BASE_MHZ = {"base_mhz", NUM, "MHz", "base clock", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CPU_MAX_MHZ = {"max_mhz", NUM, "MHz", "highest clock (cpufreq)", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CPU_MIN_MHZ = {"min_mhz", NUM, "MHz", "lowest clock (cpufreq)", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CPU_CURRENT_MHZ = {"current_mhz", NUM, "MHz",
    "mean clock over the online CPUs at detection", NULL, 0, NUL};
static const struct cllm_field *const freq_fields[] = {&CLLM_F_HW_CPU_BASE_MHZ, &CLLM_F_HW_CPU_MAX_MHZ,
    &CLLM_F_HW_CPU_MIN_MHZ, &CLLM_F_HW_CPU_CURRENT_MHZ, NULL};
const struct cllm_record CLLM_R_HW_CPU_FREQUENCY = {"hardware_cpu_frequency", "CPU clocks (cpufreq, cpuinfo)",
    freq_fields, false};
const struct cllm_field CLLM_F_HW_CPU_FREQUENCY = {"frequency", OBJ, "", "CPU clocks", &CLLM_R_HW_CPU_FREQUENCY, 0,
    0};

const struct cllm_field CLLM_F_HW_CACHE_SIZE_BYTES = {"size_bytes", INT, "bytes", "size of one instance", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_HW_CACHE_SIZE_KB = {"size_kb", NUM, "KiB", "size of one instance", NULL, 0, REQ};
const struct cllm_field CLLM_F_HW_CACHE_INSTANCES = {"instances", INT, "", "such caches on the machine", NULL, 0,
    NUL};
static const struct cllm_field *const cache_fields[] = {&CLLM_F_HW_CACHE_SIZE_BYTES, &CLLM_F_HW_CACHE_SIZE_KB,
    &CLLM_F_HW_CACHE_INSTANCES, NULL};
const struct cllm_record CLLM_R_HW_CACHE = {"hardware_cache", "one cache level", cache_fields, false};
const struct cllm_field CLLM_F_HW_CACHE_L1D = {"l1d", OBJ, "", "level 1 data cache", &CLLM_R_HW_CACHE, 0, NUL};
const struct cllm_field CLLM_F_HW_CACHE_L1I = {"l1i", OBJ, "", "level 1 instruction cache", &CLLM_R_HW_CACHE, 0,
    NUL};
const struct cllm_field CLLM_F_HW_CACHE_L2 = {"l2", OBJ, "", "level 2 cache", &CLLM_R_HW_CACHE, 0, NUL};
const struct cllm_field CLLM_F_HW_CACHE_L3 = {"l3", OBJ, "", "level 3 cache", &CLLM_R_HW_CACHE, 0, NUL};
static const struct cllm_field *const caches_fields[] = {&CLLM_F_HW_CACHE_L1D, &CLLM_F_HW_CACHE_L1I,
    &CLLM_F_HW_CACHE_L2, &CLLM_F_HW_CACHE_L3, NULL};
const struct cllm_record CLLM_R_HW_CPU_CACHES = {"hardware_cpu_caches", "CPU caches", caches_fields, false};
const struct cllm_field CLLM_F_HW_CPU_CACHES = {"caches", OBJ, "", "CPU caches", &CLLM_R_HW_CPU_CACHES, 0, 0};

const struct cllm_field CLLM_F_HW_CPU_GOVERNOR = {"governor", STR, "", "cpufreq scaling governor of cpu0", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_HW_CPU_ISA = {"isa", CLLM_FT_MAP, "",
    "ISA features that pick llama.cpp's kernels: feature → present (null: unknown)", NULL, BOOL,
    CLLM_FF_NULL_ITEMS};
const struct cllm_field CLLM_F_HW_CPU_TOPOLOGY_SOURCE = {"topology_source", STR, "",
    "where the core counts came from: hwloc, sysfs, cpuinfo, sysctl, windows", NULL, 0, 0};
static const struct cllm_field *const cpu_fields[] = {&CLLM_F_HW_CPU_MODEL, &CLLM_F_HW_CPU_VENDOR,
    &CLLM_F_HW_CPU_PHYSICAL_CORES, &CLLM_F_HW_CPU_LOGICAL_CORES, &CLLM_F_HW_CPU_SOCKETS, &CLLM_F_HW_CPU_NUMA_NODES,
    &CLLM_F_HW_CPU_FREQUENCY, &CLLM_F_HW_CPU_CACHES, &CLLM_F_HW_CPU_GOVERNOR, &CLLM_F_HW_CPU_ISA,
    &CLLM_F_HW_CPU_TOPOLOGY_SOURCE, NULL};
const struct cllm_record CLLM_R_HW_CPU = {"hardware_cpu", "the CPU", cpu_fields, false};

/* ---- ram ---- */
const struct cllm_field CLLM_F_HW_RAM_TOTAL_GB = {"total_gb", NUM, "GiB", "MemTotal, 2 decimals", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_RAM_AVAILABLE_GB = {"available_gb", NUM, "GiB", "MemAvailable at detection", NULL,
    0, NUL};
const struct cllm_field CLLM_F_HW_RAM_SWAP_TOTAL_GB = {"swap_total_gb", NUM, "GiB", "swap space", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_RAM_SWAP_FREE_GB = {"swap_free_gb", NUM, "GiB", "free swap space", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_RAM_TOTAL_BYTES = {"total_bytes", INT, "bytes", "MemTotal", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_RAM_AVAILABLE_BYTES = {"available_bytes", INT, "bytes", "MemAvailable at detection",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_RAM_UNIFIED_MEMORY = {"unified_memory", BOOL, "",
    "CPU and GPU share one memory (Apple Silicon)", NULL, 0, 0};
const struct cllm_field CLLM_F_HW_RAM_SPEED_MTS = {"speed_mts", INT, "MT/s", "configured DIMM speed (SMBIOS)", NULL,
    0, NUL};
const struct cllm_field CLLM_F_HW_RAM_POPULATED_SLOTS = {"populated_slots", INT, "", "DIMMs present (SMBIOS)", NULL,
    0, NUL};
const struct cllm_field CLLM_F_HW_RAM_TYPE = {"type", STR, "", "DDR4, DDR5, LPDDR5 (SMBIOS)", NULL, 0, NUL};
static const struct cllm_field *const ram_fields[] = {&CLLM_F_HW_RAM_TOTAL_GB, &CLLM_F_HW_RAM_AVAILABLE_GB,
    &CLLM_F_HW_RAM_SWAP_TOTAL_GB, &CLLM_F_HW_RAM_SWAP_FREE_GB, &CLLM_F_HW_RAM_TOTAL_BYTES,
    &CLLM_F_HW_RAM_AVAILABLE_BYTES, &CLLM_F_HW_RAM_UNIFIED_MEMORY, &CLLM_F_HW_RAM_SPEED_MTS,
    &CLLM_F_HW_RAM_POPULATED_SLOTS, &CLLM_F_HW_RAM_TYPE, NULL};
const struct cllm_record CLLM_R_HW_RAM = {"hardware_ram", "system memory", ram_fields, false};

/* ---- gpu ---- */
const struct cllm_field CLLM_F_HW_DEV_VENDOR = {"vendor", STR, "", "NVIDIA, AMD, Intel, Apple", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_DEV_NAME = {"name", STR, "", "the device's name", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_DEV_VRAM_TOTAL_GB = {"vram_total_gb", NUM, "GiB", "device memory", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_DEV_VRAM_FREE_GB = {"vram_free_gb", NUM, "GiB", "free device memory at detection",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_DEV_DRIVER_VERSION = {"driver_version", STR, "", "the driver's version", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_HW_DEV_BACKEND = {"backend", STR, "",
    "the best llama.cpp backend this device can use here: cuda, rocm, sycl, metal, vulkan, none", NULL, 0, 0};
const struct cllm_field CLLM_F_HW_DEV_COMPUTE_CAPABILITY = {"compute_capability", STR, "",
    "NVIDIA 9.0, AMD gfx942, other: architecture name", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_DEV_PCI_BUS_ID = {"pci_bus_id", STR, "", "0000:01:00.0", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_DEV_INTEGRATED = {"integrated", BOOL, "", "shares system memory", NULL, 0, 0};
const struct cllm_field CLLM_F_HW_DEV_SOURCE = {"source", STR, "",
    "the detector that found it: nvml, amdgpu, intel, vulkan, pci, ...", NULL, 0, NUL};
static const struct cllm_field *const dev_fields[] = {&CLLM_F_GPU_INDEX, &CLLM_F_HW_DEV_VENDOR, &CLLM_F_HW_DEV_NAME,
    &CLLM_F_HW_DEV_VRAM_TOTAL_GB, &CLLM_F_HW_DEV_VRAM_FREE_GB, &CLLM_F_HW_DEV_DRIVER_VERSION,
    &CLLM_F_HW_DEV_BACKEND, &CLLM_F_HW_DEV_COMPUTE_CAPABILITY, &CLLM_F_HW_DEV_PCI_BUS_ID, &CLLM_F_HW_DEV_INTEGRATED,
    &CLLM_F_HW_DEV_SOURCE, NULL};
const struct cllm_record CLLM_R_HW_GPU_DEVICE = {"hardware_gpu_device", "one GPU", dev_fields, false};

const struct cllm_field CLLM_F_HW_SRC_SOURCE = {"source", STR, "", "nvml, amdgpu, intel, vulkan, pci, ...", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_HW_SRC_STATUS = {"status", STR, "", "ok, unavailable or error", NULL, 0, REQ};
static const struct cllm_field *const src_fields[] = {&CLLM_F_HW_SRC_SOURCE, &CLLM_F_HW_SRC_STATUS, &CLLM_F_DETAIL,
    NULL};
const struct cllm_record CLLM_R_HW_GPU_SOURCE = {"hardware_gpu_source", "what one GPU detector said", src_fields,
    false};

const struct cllm_field CLLM_F_HW_GPU_DEVICES = {"devices", CLLM_FT_ARRAY, "", "the GPUs found, merged over detectors",
    &CLLM_R_HW_GPU_DEVICE, 0, REQ};
const struct cllm_field CLLM_F_HW_GPU_COUNT = {"count", INT, "", "number of devices", NULL, 0, REQ};
const struct cllm_field CLLM_F_HW_GPU_PRIMARY_BACKEND = {"primary_backend", STR, "",
    "cuda > rocm > sycl > metal > vulkan > none: the first any device has", NULL, 0, REQ};
const struct cllm_field CLLM_F_HW_GPU_SOURCES = {"sources", CLLM_FT_ARRAY, "", "what each detector said",
    &CLLM_R_HW_GPU_SOURCE, 0, 0};
static const struct cllm_field *const gpu_fields[] = {&CLLM_F_HW_GPU_DEVICES, &CLLM_F_HW_GPU_COUNT,
    &CLLM_F_HW_GPU_PRIMARY_BACKEND, &CLLM_F_HW_GPU_SOURCES, NULL};
const struct cllm_record CLLM_R_HW_GPU = {"hardware_gpu", "GPUs", gpu_fields, false};

/* ---- opencl ---- */
const struct cllm_field CLLM_F_HW_CLD_NAME = {"name", STR, "", "CL_DEVICE_NAME", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_VENDOR = {"vendor", STR, "", "CL_DEVICE_VENDOR", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_TYPE = {"type", STR, "", "CL_DEVICE_TYPE: gpu, cpu, accelerator, custom",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_GLOBAL_MEM_BYTES = {"global_mem_bytes", INT, "bytes",
    "CL_DEVICE_GLOBAL_MEM_SIZE: the device's global memory", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_GLOBAL_MEM_GB = {"global_mem_gb", NUM, "GiB",
    "CL_DEVICE_GLOBAL_MEM_SIZE, 2 decimals", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_COMPUTE_UNITS = {"compute_units", INT, "",
    "CL_DEVICE_MAX_COMPUTE_UNITS (a CPU device: its logical CPUs; NVIDIA: SMs; AMD: CUs)", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_MAX_CLOCK_MHZ = {"max_clock_mhz", INT, "MHz", "CL_DEVICE_MAX_CLOCK_FREQUENCY",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_DRIVER_VERSION = {"driver_version", STR, "", "CL_DRIVER_VERSION", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_HW_CLD_VERSION = {"version", STR, "", "CL_DEVICE_VERSION: OpenCL version and driver",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLD_OPENCL_C_VERSION = {"opencl_c_version", STR, "",
    "CL_DEVICE_OPENCL_C_VERSION: the kernel language version", NULL, 0, NUL};
static const struct cllm_field *const cld_fields[] = {&CLLM_F_HW_CLD_NAME, &CLLM_F_HW_CLD_VENDOR, &CLLM_F_HW_CLD_TYPE,
    &CLLM_F_HW_CLD_GLOBAL_MEM_BYTES, &CLLM_F_HW_CLD_GLOBAL_MEM_GB, &CLLM_F_HW_CLD_COMPUTE_UNITS,
    &CLLM_F_HW_CLD_MAX_CLOCK_MHZ, &CLLM_F_HW_CLD_DRIVER_VERSION, &CLLM_F_HW_CLD_VERSION,
    &CLLM_F_HW_CLD_OPENCL_C_VERSION, NULL};
const struct cllm_record CLLM_R_HW_OPENCL_DEVICE = {"hardware_opencl_device", "one OpenCL device", cld_fields,
    false};

const struct cllm_field CLLM_F_HW_CLP_NAME = {"name", STR, "", "CL_PLATFORM_NAME", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLP_VENDOR = {"vendor", STR, "", "CL_PLATFORM_VENDOR", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLP_VERSION = {"version", STR, "", "CL_PLATFORM_VERSION", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CLP_DEVICES = {"devices", CLLM_FT_ARRAY, "", "the platform's devices",
    &CLLM_R_HW_OPENCL_DEVICE, 0, REQ};
static const struct cllm_field *const clp_fields[] = {&CLLM_F_HW_CLP_NAME, &CLLM_F_HW_CLP_VENDOR,
    &CLLM_F_HW_CLP_VERSION, &CLLM_F_HW_CLP_DEVICES, NULL};
const struct cllm_record CLLM_R_HW_OPENCL_PLATFORM = {"hardware_opencl_platform", "one OpenCL platform (an ICD)",
    clp_fields, false};

const struct cllm_field CLLM_F_HW_CL_STATUS = {"status", STR, "",
    "ok, no_loader (no ICD loader), no_platform (a loader without implementations), not_queried, error", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_HW_CL_LIBRARY = {"library", STR, "", "the ICD loader's path", NULL, 0, NUL};
const struct cllm_field CLLM_F_HW_CL_PLATFORMS = {"platforms", CLLM_FT_ARRAY, "",
    "the OpenCL platforms and their devices", &CLLM_R_HW_OPENCL_PLATFORM, 0, REQ};
const struct cllm_field CLLM_F_HW_CL_DEVICE_COUNT = {"device_count", INT, "", "devices over all platforms", NULL,
    0, REQ};
static const struct cllm_field *const cl_fields[] = {&CLLM_F_HW_CL_STATUS, &CLLM_F_DETAIL, &CLLM_F_HW_CL_LIBRARY,
    &CLLM_F_HW_CL_PLATFORMS, &CLLM_F_HW_CL_DEVICE_COUNT, NULL};
const struct cllm_record CLLM_R_HW_OPENCL = {"hardware_opencl",
    "OpenCL platforms and devices through the ICD loader, a list of their own: a device may be a GPU of gpu above "
    "or a CPU", cl_fields, false};

/* ---- hardware ---- */
const struct cllm_field CLLM_F_HW_OS = {"os", OBJ, "", "the operating system", &CLLM_R_HW_OS, 0, REQ};
const struct cllm_field CLLM_F_HW_CPU = {"cpu", OBJ, "", "the CPU", &CLLM_R_HW_CPU, 0, REQ};
const struct cllm_field CLLM_F_HW_RAM = {"ram", OBJ, "", "system memory", &CLLM_R_HW_RAM, 0, REQ};
const struct cllm_field CLLM_F_HW_GPU = {"gpu", OBJ, "", "GPUs", &CLLM_R_HW_GPU, 0, REQ};
const struct cllm_field CLLM_F_HW_OPENCL = {"opencl", OBJ, "", "OpenCL platforms and devices (absent in files "
    "written before it)", &CLLM_R_HW_OPENCL, 0, 0};
static const struct cllm_field *const hw_fields[] = {&CLLM_F_HW_OS, &CLLM_F_HW_CPU, &CLLM_F_HW_RAM, &CLLM_F_HW_GPU,
    &CLLM_F_HW_OPENCL, NULL};
const struct cllm_record CLLM_R_HARDWARE = {"hardware", "the machine that ran the benchmark", hw_fields, false};
