/* The hardware section of the results format: "hardware" with its os, cpu, ram, gpu and opencl objects (what
 * hw/hw.h detects). Key strings are spelled only in report/fields_hw.c. */
#ifndef CLLM_REPORT_FIELDS_HW_H
#define CLLM_REPORT_FIELDS_HW_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hardware */
extern const struct cllm_field CLLM_F_HW_OS;
extern const struct cllm_field CLLM_F_HW_CPU;
extern const struct cllm_field CLLM_F_HW_RAM;
extern const struct cllm_field CLLM_F_HW_GPU;
extern const struct cllm_field CLLM_F_HW_OPENCL;
extern const struct cllm_record CLLM_R_HARDWARE;

/* hardware.os */
extern const struct cllm_field CLLM_F_HW_OS_SYSTEM;
extern const struct cllm_field CLLM_F_HW_OS_RELEASE;
extern const struct cllm_field CLLM_F_HW_OS_VERSION;
extern const struct cllm_field CLLM_F_HW_OS_MACHINE;
extern const struct cllm_field CLLM_F_HW_OS_HOSTNAME;
extern const struct cllm_field CLLM_F_HW_OS_KERNEL;
extern const struct cllm_field CLLM_F_HW_OS_DISTRIBUTION;
extern const struct cllm_record CLLM_R_HW_OS;

/* hardware.cpu */
extern const struct cllm_field CLLM_F_HW_CPU_MODEL;
extern const struct cllm_field CLLM_F_HW_CPU_VENDOR;
extern const struct cllm_field CLLM_F_HW_CPU_PHYSICAL_CORES;
extern const struct cllm_field CLLM_F_HW_CPU_LOGICAL_CORES;
extern const struct cllm_field CLLM_F_HW_CPU_SOCKETS;
extern const struct cllm_field CLLM_F_HW_CPU_NUMA_NODES;
extern const struct cllm_field CLLM_F_HW_CPU_FREQUENCY;
extern const struct cllm_field CLLM_F_HW_CPU_BASE_MHZ;
extern const struct cllm_field CLLM_F_HW_CPU_MAX_MHZ;
extern const struct cllm_field CLLM_F_HW_CPU_MIN_MHZ;
extern const struct cllm_field CLLM_F_HW_CPU_CURRENT_MHZ;
extern const struct cllm_field CLLM_F_HW_CPU_CACHES;
extern const struct cllm_field CLLM_F_HW_CACHE_L1D;
extern const struct cllm_field CLLM_F_HW_CACHE_L1I;
extern const struct cllm_field CLLM_F_HW_CACHE_L2;
extern const struct cllm_field CLLM_F_HW_CACHE_L3;
extern const struct cllm_field CLLM_F_HW_CACHE_SIZE_BYTES;
extern const struct cllm_field CLLM_F_HW_CACHE_SIZE_KB;
extern const struct cllm_field CLLM_F_HW_CACHE_INSTANCES;
extern const struct cllm_field CLLM_F_HW_CPU_GOVERNOR;
extern const struct cllm_field CLLM_F_HW_CPU_ISA;      /* map: hw's cllm_isa_name → true/false/null */
extern const struct cllm_field CLLM_F_HW_CPU_TOPOLOGY_SOURCE;
extern const struct cllm_record CLLM_R_HW_CPU;
extern const struct cllm_record CLLM_R_HW_CPU_FREQUENCY;
extern const struct cllm_record CLLM_R_HW_CPU_CACHES;
extern const struct cllm_record CLLM_R_HW_CACHE;

/* hardware.ram */
extern const struct cllm_field CLLM_F_HW_RAM_TOTAL_GB;
extern const struct cllm_field CLLM_F_HW_RAM_AVAILABLE_GB;
extern const struct cllm_field CLLM_F_HW_RAM_SWAP_TOTAL_GB;
extern const struct cllm_field CLLM_F_HW_RAM_SWAP_FREE_GB;
extern const struct cllm_field CLLM_F_HW_RAM_TOTAL_BYTES;
extern const struct cllm_field CLLM_F_HW_RAM_AVAILABLE_BYTES;
extern const struct cllm_field CLLM_F_HW_RAM_UNIFIED_MEMORY;
extern const struct cllm_field CLLM_F_HW_RAM_SPEED_MTS;
extern const struct cllm_field CLLM_F_HW_RAM_POPULATED_SLOTS;
extern const struct cllm_field CLLM_F_HW_RAM_TYPE;
extern const struct cllm_record CLLM_R_HW_RAM;

/* hardware.gpu */
extern const struct cllm_field CLLM_F_HW_GPU_DEVICES;
extern const struct cllm_field CLLM_F_HW_GPU_COUNT;
extern const struct cllm_field CLLM_F_HW_GPU_PRIMARY_BACKEND;
extern const struct cllm_field CLLM_F_HW_GPU_SOURCES;
extern const struct cllm_record CLLM_R_HW_GPU;
/* hardware.gpu.devices[] (index: CLLM_F_GPU_INDEX of fields_core.h) */
extern const struct cllm_field CLLM_F_HW_DEV_VENDOR;
extern const struct cllm_field CLLM_F_HW_DEV_NAME;
extern const struct cllm_field CLLM_F_HW_DEV_VRAM_TOTAL_GB;
extern const struct cllm_field CLLM_F_HW_DEV_VRAM_FREE_GB;
extern const struct cllm_field CLLM_F_HW_DEV_DRIVER_VERSION;
extern const struct cllm_field CLLM_F_HW_DEV_BACKEND;
extern const struct cllm_field CLLM_F_HW_DEV_COMPUTE_CAPABILITY;
extern const struct cllm_field CLLM_F_HW_DEV_PCI_BUS_ID;
extern const struct cllm_field CLLM_F_HW_DEV_INTEGRATED;
extern const struct cllm_field CLLM_F_HW_DEV_SOURCE;
extern const struct cllm_record CLLM_R_HW_GPU_DEVICE;
/* hardware.gpu.sources[] (detail: CLLM_F_DETAIL) */
extern const struct cllm_field CLLM_F_HW_SRC_SOURCE;
extern const struct cllm_field CLLM_F_HW_SRC_STATUS;
extern const struct cllm_record CLLM_R_HW_GPU_SOURCE;

/* hardware.opencl (status and detail: CLLM_F_DETAIL of fields_core.h) */
extern const struct cllm_field CLLM_F_HW_CL_STATUS;
extern const struct cllm_field CLLM_F_HW_CL_LIBRARY;
extern const struct cllm_field CLLM_F_HW_CL_PLATFORMS;
extern const struct cllm_field CLLM_F_HW_CL_DEVICE_COUNT;
extern const struct cllm_record CLLM_R_HW_OPENCL;
/* hardware.opencl.platforms[] */
extern const struct cllm_field CLLM_F_HW_CLP_NAME;
extern const struct cllm_field CLLM_F_HW_CLP_VENDOR;
extern const struct cllm_field CLLM_F_HW_CLP_VERSION;
extern const struct cllm_field CLLM_F_HW_CLP_DEVICES;
extern const struct cllm_record CLLM_R_HW_OPENCL_PLATFORM;
/* hardware.opencl.platforms[].devices[] */
extern const struct cllm_field CLLM_F_HW_CLD_NAME;
extern const struct cllm_field CLLM_F_HW_CLD_VENDOR;
extern const struct cllm_field CLLM_F_HW_CLD_TYPE;
extern const struct cllm_field CLLM_F_HW_CLD_GLOBAL_MEM_BYTES;
extern const struct cllm_field CLLM_F_HW_CLD_GLOBAL_MEM_GB;
extern const struct cllm_field CLLM_F_HW_CLD_COMPUTE_UNITS;
extern const struct cllm_field CLLM_F_HW_CLD_MAX_CLOCK_MHZ;
extern const struct cllm_field CLLM_F_HW_CLD_DRIVER_VERSION;
extern const struct cllm_field CLLM_F_HW_CLD_VERSION;
extern const struct cllm_field CLLM_F_HW_CLD_OPENCL_C_VERSION;
extern const struct cllm_record CLLM_R_HW_OPENCL_DEVICE;

#ifdef __cplusplus
}
#endif

#endif
