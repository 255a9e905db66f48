/* The classic section of the results format: the fields and records of "classic_benchmarks" (CPU GEMM single and
 * multi thread, memory bandwidth, GPU compute: GEMM and device bandwidth, the runner's status per phase). Key
 * strings are spelled only in report/fields_classic.c. */
#ifndef CLLM_REPORT_FIELDS_CLASSIC_H
#define CLLM_REPORT_FIELDS_CLASSIC_H

#include "classic/classic.h"
#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

/* results.classic_benchmarks */
extern const struct cllm_field CLLM_F_CL_STATUS;       /* the section's and each phase's status */
extern const struct cllm_field CLLM_F_CL_BENCHMARKS;
extern const struct cllm_field CLLM_F_CL_CPU_SINGLE;   /* benchmarks.cpu_single_thread */
extern const struct cllm_field CLLM_F_CL_CPU_MULTI;
extern const struct cllm_field CLLM_F_CL_MEMORY;       /* benchmarks.memory_bandwidth */
extern const struct cllm_field CLLM_F_CL_GPU;          /* benchmarks.gpu_compute */
/* the phase fields of benchmarks in run order (enum cllm_classic_phase_id) */
extern const struct cllm_field *const CLLM_CLASSIC_PHASE_FIELDS[CLLM_CLASSIC_PHASE_COUNT];
extern const struct cllm_record CLLM_R_CLASSIC_BENCHMARKS;
extern const struct cllm_record CLLM_R_CLASSIC_PHASES;

/* keys every phase has */
extern const struct cllm_field CLLM_F_CL_CANCELLED;
extern const struct cllm_field CLLM_F_CL_DURATION_S;
/* keys several records share with one meaning */
extern const struct cllm_field CLLM_F_CL_N;
extern const struct cllm_field CLLM_F_CL_MAX_REL_ERROR;
extern const struct cllm_field CLLM_F_CL_TOLERANCE;
extern const struct cllm_field CLLM_F_CL_PASSED;
extern const struct cllm_field CLLM_F_CL_TIMES_S;
extern const struct cllm_field CLLM_F_CL_ITERATIONS;
extern const struct cllm_field CLLM_F_CL_GFLOPS;

/* cpu_single_thread / cpu_multi_thread */
extern const struct cllm_field CLLM_F_CPU_VALIDATION;
extern const struct cllm_field CLLM_F_CPU_RESULTS;
extern const struct cllm_field CLLM_F_CPU_LIBRARY;
extern const struct cllm_field CLLM_F_CPU_BLAS_KERNELS;
extern const struct cllm_field CLLM_F_CPU_BLAS_CORETYPE_ENV;
extern const struct cllm_field CLLM_F_CPU_WARNING;
extern const struct cllm_field CLLM_F_CPU_BLAS_THREADS;
extern const struct cllm_field CLLM_F_CPU_THREADS_REQUESTED;
extern const struct cllm_field CLLM_F_CPU_GFLOPS_BEST;
extern const struct cllm_field CLLM_F_CPU_GFLOPS_MEAN;
extern const struct cllm_field CLLM_F_CPU_TIME_S_MEAN;
extern const struct cllm_field CLLM_F_CPU_TIME_S_BEST;
extern const struct cllm_field CLLM_F_CPU_TIME_S_STD;
extern const struct cllm_field CLLM_F_CPU_EFFECTIVE_THREADS;
extern const struct cllm_field CLLM_F_CPU_EFFECTIVE_THREADS_REASON;
extern const struct cllm_field CLLM_F_CPU_SPOT_CHECK;
extern const struct cllm_field CLLM_F_CPU_METHOD;
extern const struct cllm_field CLLM_F_CPU_WARMUP_PRODUCTS;
extern const struct cllm_field CLLM_F_CPU_WARMUP_S;
extern const struct cllm_field CLLM_F_CPU_SUSPECT;
extern const struct cllm_field CLLM_F_CPU_SUSPECT_REASON;
extern const struct cllm_field CLLM_F_CPU_PEAK;
extern const struct cllm_field CLLM_F_CPU_PEAK_GFLOPS;
extern const struct cllm_field CLLM_F_CPU_PEAK_RATIO;
extern const struct cllm_field CLLM_F_CPU_PEAK_BASIS;
extern const struct cllm_record CLLM_R_CPU_GEMM;
extern const struct cllm_record CLLM_R_CPU_GEMM_SIZE;
extern const struct cllm_record CLLM_R_CPU_GEMM_VALIDATION;
extern const struct cllm_record CLLM_R_CPU_GEMM_PEAK;

/* memory_bandwidth */
extern const struct cllm_field CLLM_F_MEM_VALIDATION;
extern const struct cllm_field CLLM_F_MEM_ARRAY_BYTES;
extern const struct cllm_field CLLM_F_MEM_RAM_AVAILABLE_BYTES;
extern const struct cllm_field CLLM_F_MEM_ARRAY_MB;
extern const struct cllm_field CLLM_F_MEM_LLC_BYTES;
extern const struct cllm_field CLLM_F_MEM_THREADS_ALL;
extern const struct cllm_field CLLM_F_MEM_REPEATS;
extern const struct cllm_field CLLM_F_MEM_STORES;
extern const struct cllm_field CLLM_F_MEM_RESULTS;
extern const struct cllm_field CLLM_F_MEM_SINGLE_THREAD;
extern const struct cllm_field CLLM_F_MEM_ALL_THREADS;
extern const struct cllm_field CLLM_F_MEM_THREADS;
/* a mode's kernels and the phase's headline numbers, by enum cllm_membw_kernel */
extern const struct cllm_field *const CLLM_MEM_KERNEL_FIELDS[CLLM_MEMBW_COUNT];     /* write, read, copy, triad */
extern const struct cllm_field *const CLLM_MEM_HEADLINE_FIELDS[CLLM_MEMBW_COUNT];   /* write_gbps, ... */
extern const struct cllm_field CLLM_F_MEM_READ_GBPS;
extern const struct cllm_field CLLM_F_MEM_GBPS;
extern const struct cllm_field CLLM_F_MEM_GBPS_BEST;
extern const struct cllm_field CLLM_F_MEM_GBPS_MEAN;
extern const struct cllm_field CLLM_F_MEM_GBPS_STD;
extern const struct cllm_field CLLM_F_MEM_BYTES_PER_PASS;
extern const struct cllm_field CLLM_F_MEM_READ_SUM_REL_ERROR;
extern const struct cllm_field CLLM_F_MEM_READ_SUM_TOLERANCE;
extern const struct cllm_record CLLM_R_MEMBW;
extern const struct cllm_record CLLM_R_MEMBW_RESULTS;
extern const struct cllm_record CLLM_R_MEMBW_MODE;
extern const struct cllm_record CLLM_R_MEMBW_KERNEL;
extern const struct cllm_record CLLM_R_MEMBW_VALIDATION;

/* gpu_compute */
extern const struct cllm_field CLLM_F_GPU_PARAMETERS;
extern const struct cllm_field CLLM_F_GPU_BACKENDS;
extern const struct cllm_field CLLM_F_GPU_NOTE_NAME;
extern const struct cllm_field CLLM_F_GPU_NOTE_STATUS;
extern const struct cllm_field CLLM_F_GPU_BACKEND;
extern const struct cllm_field CLLM_F_GPU_VERIFIED;
extern const struct cllm_field CLLM_F_GPU_METHOD;
extern const struct cllm_field CLLM_F_GPU_LIBRARIES;
extern const struct cllm_field *const CLLM_GPU_LIB_FIELDS[4];        /* runtime, blas, blas_lt, driver_api_version */
extern const struct cllm_field *const CLLM_GPU_LIB_ITEM_FIELDS[3];   /* path, gemm_ex_api, version */
extern const struct cllm_field CLLM_F_GPU_DEVICE;
/* index, name, compute_capability, multiprocessors, l2_cache_bytes, pci_bus_id, vram_total_gb, vram_free_gb,
 * driver_version */
extern const struct cllm_field *const CLLM_GPU_DEVICE_FIELDS[9];
extern const struct cllm_field CLLM_F_GPU_VALIDATION;
extern const struct cllm_field *const CLLM_F_GPU_VALIDATION_N;
extern const struct cllm_field CLLM_F_GPU_REL_ERR;
extern const struct cllm_field CLLM_F_GPU_RESULTS;
extern const struct cllm_field CLLM_F_GPU_MEAN_TFLOPS;
extern const struct cllm_field CLLM_F_GPU_BEST_TFLOPS;
extern const struct cllm_field CLLM_F_GPU_MEAN_S;
extern const struct cllm_field CLLM_F_GPU_STD_S;
extern const struct cllm_field CLLM_F_GPU_BATCH;
extern const struct cllm_field CLLM_F_GPU_CHECK_REL_ERR;
extern const struct cllm_field CLLM_F_GPU_SUMMARY;
extern const struct cllm_field CLLM_F_GPU_MEMORY;
extern const struct cllm_field CLLM_F_GPU_PER_GPU, CLLM_F_GPU_ONE_GPU, CLLM_F_GPU_PEER_COPIES, CLLM_F_GPU_PEER_PAIRS,
    CLLM_F_GPU_PEER_SRC_GPU, CLLM_F_GPU_PEER_DST_GPU, CLLM_F_GPU_PEER_SRC_DEVICE, CLLM_F_GPU_PEER_DST_DEVICE,
    CLLM_F_GPU_PEER_ACCESS, CLLM_F_GPU_PEER_COPY;
extern const struct cllm_field CLLM_F_GPU_D2D;
extern const struct cllm_field CLLM_F_GPU_H2D;
extern const struct cllm_field CLLM_F_GPU_D2H;
extern const struct cllm_field CLLM_F_GPU_BEST_GBPS;
extern const struct cllm_field CLLM_F_GPU_MEAN_GBPS;
extern const struct cllm_field CLLM_F_GPU_STD_GBPS;
extern const struct cllm_field CLLM_F_GPU_BYTES;
/* by enum cllm_gpugemm_precision: a size's precisions, validation's, summary's */
extern const struct cllm_field *const CLLM_GPU_PRECISION_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT];
extern const struct cllm_field *const CLLM_GPU_CHECK_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT];
extern const struct cllm_field *const CLLM_GPU_SUMMARY_FIELDS[CLLM_GPUGEMM_PRECISION_COUNT];
extern const struct cllm_record CLLM_R_GPU_COMPUTE;

#ifdef __cplusplus
}
#endif

#endif
