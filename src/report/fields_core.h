/* The core section of the results format: the file's top level (schema_version, id, timestamp, tool, run and the
 * section objects), the effective config, and the records every phase shares: its system cleanup and its
 * resource monitor. Key strings are spelled only in report/fields_core.c. */
#ifndef CLLM_REPORT_FIELDS_CORE_H
#define CLLM_REPORT_FIELDS_CORE_H

#include "report/fields.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Beside any object holding a null: field name → why it is unknown (written by report/write.c). */
extern const struct cllm_field CLLM_F_NULL_REASONS;

/* Keys many records share with one meaning; a section's own records may use them. */
extern const struct cllm_field CLLM_F_REASON;      /* why a phase or item was skipped */
extern const struct cllm_field CLLM_F_ERROR;       /* what failed */
extern const struct cllm_field CLLM_F_DETAIL;      /* what a source or action said */
extern const struct cllm_field CLLM_F_GPU_INDEX;   /* a GPU's position in hardware.gpu.devices */
extern const struct cllm_field CLLM_F_CLEANUP;     /* object of CLLM_R_CLEANUP: the system cleanup before it */
extern const struct cllm_field CLLM_F_MONITOR;     /* object of CLLM_R_MONITOR: the resource monitor around it */

/* results (the top level) */
extern const struct cllm_field CLLM_F_SCHEMA_VERSION;
extern const struct cllm_field CLLM_F_ID;
extern const struct cllm_field CLLM_F_TIMESTAMP;
extern const struct cllm_field CLLM_F_TOOL;
extern const struct cllm_field CLLM_F_RUN;
extern const struct cllm_field CLLM_F_HARDWARE;
extern const struct cllm_field CLLM_F_CONFIG;
extern const struct cllm_field CLLM_F_CLASSIC_BENCHMARKS;
extern const struct cllm_field CLLM_F_AI_BENCHMARKS;
extern const struct cllm_field CLLM_F_SERVING_BENCHMARKS;

/* results.tool */
extern const struct cllm_field CLLM_F_TOOL_NAME;
extern const struct cllm_field CLLM_F_TOOL_VERSION;
extern const struct cllm_field CLLM_F_TOOL_GIT_COMMIT;
extern const struct cllm_field CLLM_F_TOOL_BUILD_FLAGS;
extern const struct cllm_field CLLM_F_TOOL_COMPILER;
extern const struct cllm_field CLLM_F_TOOL_CJSON_VERSION;
extern const struct cllm_record CLLM_R_TOOL;

/* results.run */
extern const struct cllm_field CLLM_F_RUN_STATUS;
extern const struct cllm_field CLLM_F_RUN_STARTED_AT;
extern const struct cllm_field CLLM_F_RUN_FINISHED_AT;
extern const struct cllm_record CLLM_R_RUN;
extern const struct cllm_field CLLM_F_RUN_GPU_SELECTION, CLLM_F_GSEL_GPUS, CLLM_F_GSEL_RUNTIME_INDEX,
    CLLM_F_GSEL_SOURCE, CLLM_F_GSEL_SPEC, CLLM_F_GSEL_ENV, CLLM_F_GSEL_NOTE;

/* results.config: built from core/config.c's table (see cllm_record's resolve) */
extern const struct cllm_record CLLM_R_CONFIG;

/* a phase's cleanup */
extern const struct cllm_field CLLM_F_CLEANUP_ACTIONS;
extern const struct cllm_field CLLM_F_CLEANUP_ACTION;
extern const struct cllm_field CLLM_F_CLEANUP_ACTION_STATUS;
extern const struct cllm_field CLLM_F_CLEANUP_PAUSE_S;
extern const struct cllm_field CLLM_F_CLEANUP_DURATION_S;
extern const struct cllm_record CLLM_R_CLEANUP_ACTION;
extern const struct cllm_record CLLM_R_CLEANUP;

/* a phase's monitor */
extern const struct cllm_field CLLM_F_MON_SAMPLER;
extern const struct cllm_field CLLM_F_MON_INTERVAL_S;
extern const struct cllm_field CLLM_F_MON_RUNNING;
extern const struct cllm_field CLLM_F_MON_N_SAMPLES;
extern const struct cllm_field CLLM_F_MON_SAMPLES_KEPT;
extern const struct cllm_field CLLM_F_MON_SAMPLES_DROPPED;
extern const struct cllm_field CLLM_F_MON_SAMPLE_COST_MS_MEAN;
extern const struct cllm_field CLLM_F_MON_SAMPLE_COST_MS_MAX;
extern const struct cllm_field CLLM_F_MON_SOURCES;
extern const struct cllm_field CLLM_F_MON_SOURCE_NAME;
extern const struct cllm_field CLLM_F_MON_SOURCE_STATUS;
extern const struct cllm_field CLLM_F_MON_GPUS;
extern const struct cllm_field CLLM_F_MON_GPU_NAME;
extern const struct cllm_field CLLM_F_MON_GPU_SOURCE;
extern const struct cllm_field CLLM_F_MON_GPU_PCI_BUS_ID;
extern const struct cllm_field CLLM_F_MON_SUMMARY;
extern const struct cllm_field CLLM_F_MON_SAMPLES;
extern const struct cllm_field CLLM_F_MON_DURATION_S;
extern const struct cllm_field CLLM_F_MON_CPU_PCT_MEAN;
extern const struct cllm_field CLLM_F_MON_CPU_PCT_MIN;
extern const struct cllm_field CLLM_F_MON_CPU_PCT_MAX;
extern const struct cllm_field CLLM_F_MON_PROC_CPU_PCT_MEAN;
extern const struct cllm_field CLLM_F_MON_PROC_CPU_PCT_MAX;
extern const struct cllm_field CLLM_F_MON_OTHER_CPU_PCT_MEAN;
extern const struct cllm_field CLLM_F_MON_RAM_USED_GB_PEAK;
extern const struct cllm_field CLLM_F_MON_RSS_GB_PEAK;
extern const struct cllm_field CLLM_F_MON_CPU_PACKAGE_W_MEAN;
extern const struct cllm_field CLLM_F_MON_CPU_PACKAGE_ENERGY_J;
extern const struct cllm_field CLLM_F_MON_SUMMARY_GPUS;
extern const struct cllm_field CLLM_F_MON_UTIL_PCT_MEAN;
extern const struct cllm_field CLLM_F_MON_UTIL_PCT_PEAK;
extern const struct cllm_field CLLM_F_MON_VRAM_USED_GB_PEAK;
extern const struct cllm_field CLLM_F_MON_TEMP_C_PEAK;
extern const struct cllm_field CLLM_F_MON_POWER_W_MEAN;
extern const struct cllm_field CLLM_F_MON_POWER_W_PEAK;
extern const struct cllm_field CLLM_F_MON_ENERGY_J;
extern const struct cllm_field CLLM_F_MON_SM_CLOCK_MHZ_MEAN;
/* monitor.samples columns: host ones by name, GPU ones named "gpu<N>_" + the suffix field's name */
extern const struct cllm_field CLLM_F_MON_COL_T_S;
extern const struct cllm_field CLLM_F_MON_COL_CPU_PCT;
extern const struct cllm_field CLLM_F_MON_COL_PROC_CPU_PCT;
extern const struct cllm_field CLLM_F_MON_COL_RAM_USED_GB;
extern const struct cllm_field CLLM_F_MON_COL_RSS_GB;
extern const struct cllm_field CLLM_F_MON_COL_CPU_PACKAGE_W;
extern const struct cllm_field CLLM_F_MON_COL_GPU_UTIL_PCT;
extern const struct cllm_field CLLM_F_MON_COL_GPU_VRAM_USED_GB;
extern const struct cllm_field CLLM_F_MON_COL_GPU_TEMP_C;
extern const struct cllm_field CLLM_F_MON_COL_GPU_POWER_W;
extern const struct cllm_field CLLM_F_MON_COL_GPU_SM_CLOCK_MHZ;
extern const struct cllm_record CLLM_R_MONITOR_SOURCE;
extern const struct cllm_record CLLM_R_MONITOR_GPU;
extern const struct cllm_record CLLM_R_MONITOR_GPU_SUMMARY;
extern const struct cllm_record CLLM_R_MONITOR_SUMMARY;
extern const struct cllm_record CLLM_R_MONITOR_SAMPLES;
extern const struct cllm_record CLLM_R_MONITOR;

#ifdef __cplusplus
}
#endif

#endif
