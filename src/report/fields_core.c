/* The core section's field tables (see report/fields_core.h). */
#include "report/fields_core.h"
#include "report/fields_advice.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "report/fields_hw.h"

/* the sections' roots, defined in their owners' fields_*.c */
extern const struct cllm_record CLLM_R_CLASSIC_BENCHMARKS;
extern const struct cllm_record CLLM_R_AI_BENCHMARKS;
extern const struct cllm_record CLLM_R_SERVING_BENCHMARKS;

#define NUM CLLM_FT_NUMBER
#define INT CLLM_FT_INTEGER
#define STR CLLM_FT_STRING
#define NUL CLLM_FF_NULLABLE
#define REQ CLLM_FF_REQUIRED

const struct cllm_field CLLM_F_NULL_REASONS = {"null_reasons", CLLM_FT_MAP, "",
    "for each null field of this object: what was tried and why it gave nothing", NULL, STR, 0};
const struct cllm_field CLLM_F_REASON = {"reason", STR, "", "why it was skipped", NULL, 0, 0};
const struct cllm_field CLLM_F_ERROR = {"error", STR, "", "what failed", NULL, 0, 0};
const struct cllm_field CLLM_F_DETAIL = {"detail", STR, "", "what the source or action reported", NULL, 0, 0};
const struct cllm_field CLLM_F_GPU_INDEX = {"index", INT, "", "the GPU's position in hardware.gpu.devices", NULL,
    0, REQ};
const struct cllm_field CLLM_F_CLEANUP = {"cleanup", CLLM_FT_OBJECT, "", "the system cleanup before it",
    &CLLM_R_CLEANUP, 0, 0};
const struct cllm_field CLLM_F_MONITOR = {"monitor", CLLM_FT_OBJECT, "", "the resource monitor around it",
    &CLLM_R_MONITOR, 0, 0};

/* ---- results (top) ---- */

const struct cllm_field CLLM_F_SCHEMA_VERSION = {"schema_version", INT, "",
    "version of this format; a reader refuses a larger one than its own", NULL, 0, REQ};
const struct cllm_field CLLM_F_ID = {"id", STR, "", "start time, YYYYMMDD_HHMMSS local time", NULL, 0, REQ};
const struct cllm_field CLLM_F_TIMESTAMP = {"timestamp", STR, "", "start time, ISO 8601 with UTC offset", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_TOOL = {"tool", CLLM_FT_OBJECT, "", "the program that wrote the file", &CLLM_R_TOOL,
    0, 0};
const struct cllm_field CLLM_F_RUN = {"run", CLLM_FT_OBJECT, "", "the run's status and times", &CLLM_R_RUN, 0, 0};
const struct cllm_field CLLM_F_HARDWARE = {"hardware", CLLM_FT_OBJECT, "", "the machine that ran the benchmark",
    &CLLM_R_HARDWARE, 0, REQ};
const struct cllm_field CLLM_F_CONFIG = {"config", CLLM_FT_OBJECT, "", "the effective configuration of the run",
    &CLLM_R_CONFIG, 0, 0};
const struct cllm_field CLLM_F_CLASSIC_BENCHMARKS = {"classic_benchmarks", CLLM_FT_OBJECT, "",
    "the classic phases: CPU GEMM, memory bandwidth, GPU compute", &CLLM_R_CLASSIC_BENCHMARKS, 0, 0};
const struct cllm_field CLLM_F_AI_BENCHMARKS = {"ai_benchmarks", CLLM_FT_OBJECT, "",
    "the LLM inference phases: per model results and comparisons", &CLLM_R_AI_BENCHMARKS, 0, 0};
const struct cllm_field CLLM_F_SERVING_BENCHMARKS = {"serving_benchmarks", CLLM_FT_OBJECT, "",
    "only in files computellm serve-bench writes", &CLLM_R_SERVING_BENCHMARKS, 0, 0};

static const struct cllm_field *const results_fields[] = {&CLLM_F_SCHEMA_VERSION, &CLLM_F_ID, &CLLM_F_TIMESTAMP,
    &CLLM_F_TOOL, &CLLM_F_RUN, &CLLM_F_HARDWARE, &CLLM_F_CONFIG, &CLLM_F_CLASSIC_BENCHMARKS, &CLLM_F_AI_BENCHMARKS,
    &CLLM_F_SERVING_BENCHMARKS, &CLLM_F_ADVICE, NULL};
const struct cllm_record CLLM_R_RESULTS = {"results", "one ComputeLLM results file", results_fields, false};

/* ---- tool ---- */

const struct cllm_field CLLM_F_TOOL_NAME = {"name", STR, "", "computellm", NULL, 0, REQ};
const struct cllm_field CLLM_F_TOOL_VERSION = {"version", STR, "", "the tool's version", NULL, 0, REQ};
const struct cllm_field CLLM_F_TOOL_GIT_COMMIT = {"git_commit", STR, "",
    "commit it was built from (-dirty: from a modified tree)", NULL, 0, REQ};
const struct cllm_field CLLM_F_TOOL_BUILD_FLAGS = {"build_flags", STR, "", "compiler flags of the build", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_TOOL_COMPILER = {"compiler", STR, "", "compiler and its version", NULL, 0, REQ};
const struct cllm_field CLLM_F_TOOL_CJSON_VERSION = {"cjson_version", STR, "", "the cJSON library's version", NULL,
    0, REQ};
static const struct cllm_field *const tool_fields[] = {&CLLM_F_TOOL_NAME, &CLLM_F_TOOL_VERSION,
    &CLLM_F_TOOL_GIT_COMMIT, &CLLM_F_TOOL_BUILD_FLAGS, &CLLM_F_TOOL_COMPILER, &CLLM_F_TOOL_CJSON_VERSION, NULL};
const struct cllm_record CLLM_R_TOOL = {"tool", "what wrote the file", tool_fields, false};

/* ---- run ---- */

const struct cllm_field CLLM_F_RUN_STATUS = {"status", STR, "", "running, complete, partial, cancelled or failed",
    NULL, 0, REQ};
const struct cllm_field CLLM_F_RUN_STARTED_AT = {"started_at", STR, "", "ISO 8601 with UTC offset", NULL, 0, REQ};
const struct cllm_field CLLM_F_RUN_FINISHED_AT = {"finished_at", STR, "",
    "ISO 8601 with UTC offset; null while running", NULL, 0, NUL | REQ};
/* run.gpu_selection: which GPUs the run used (run --gpus / --gpu, the visibility variables) */
const struct cllm_field CLLM_F_GSEL_GPUS = {"gpus", CLLM_FT_ARRAY, "",
    "the selected GPUs: hardware.gpu.devices indices, in the order given", NULL, INT, 0};
const struct cllm_field CLLM_F_GSEL_RUNTIME_INDEX = {"runtime_index", CLLM_FT_ARRAY, "",
    "per selected GPU: its device number in its vendor runtime (CUDA, HIP, Level Zero) after the variables; -1 "
    "unknown", NULL, INT, 0};
const struct cllm_field CLLM_F_GSEL_SOURCE = {"source", STR, "",
    "flag (--gpus / --gpu), environment (a visibility variable narrowed every GPU) or all", NULL, 0, 0};
const struct cllm_field CLLM_F_GSEL_SPEC = {"spec", STR, "", "the --gpus text as given", NULL, 0, 0};
const struct cllm_field CLLM_F_GSEL_ENV = {"visible_env", CLLM_FT_ARRAY, "",
    "CUDA_VISIBLE_DEVICES / HIP_VISIBLE_DEVICES / ZE_AFFINITY_MASK as NAME=VALUE, those set", NULL, STR, 0};
const struct cllm_field CLLM_F_GSEL_NOTE = {"note", STR, "", "a variable that could not be applied (UUIDs)", NULL,
    0, 0};
static const struct cllm_field *const gsel_fields[] = {&CLLM_F_GSEL_GPUS, &CLLM_F_GSEL_RUNTIME_INDEX,
    &CLLM_F_GSEL_SOURCE, &CLLM_F_GSEL_SPEC, &CLLM_F_GSEL_ENV, &CLLM_F_GSEL_NOTE, NULL};
const struct cllm_record CLLM_R_GPU_SELECTION = {"gpu_selection", "the GPUs the run used and why", gsel_fields,
    false};
const struct cllm_field CLLM_F_RUN_GPU_SELECTION = {"gpu_selection", CLLM_FT_OBJECT, "",
    "on a machine with a GPU (or with --gpus): the GPUs the classic and LLM phases used", &CLLM_R_GPU_SELECTION, 0,
    0};
static const struct cllm_field *const run_fields[] = {&CLLM_F_RUN_STATUS, &CLLM_F_RUN_STARTED_AT,
    &CLLM_F_RUN_FINISHED_AT, &CLLM_F_RUN_GPU_SELECTION, NULL};
const struct cllm_record CLLM_R_RUN = {"run", "the run's status and times", run_fields, false};

/* ---- config: one field per key of core/config.c's table, built once ---- */

#define CONFIG_MAX_KEYS 64
#define CONFIG_MAX_SECTIONS 16

static const struct cllm_field *const no_fields[] = {NULL};
/* the static stand-in; cllm_record_resolved gives the record built from the table */
const struct cllm_record CLLM_R_CONFIG = {"config", "the effective configuration of the run", no_fields, true};

static struct {
    char               key[CONFIG_MAX_KEYS][64];      /* leaf names */
    char               section[CONFIG_MAX_SECTIONS][64];
    struct cllm_field  fields[CONFIG_MAX_KEYS];
    struct cllm_field  section_fields[CONFIG_MAX_SECTIONS];
    const struct cllm_field *top[CONFIG_MAX_KEYS + CONFIG_MAX_SECTIONS + 1];
    const struct cllm_field *sec[CONFIG_MAX_SECTIONS][CONFIG_MAX_KEYS + 1];
    char               rec_name[CONFIG_MAX_SECTIONS][80];
    struct cllm_record section_rec[CONFIG_MAX_SECTIONS];
    struct cllm_record root;
    bool               ok;
} g_cfg;
static pthread_once_t g_cfg_once = PTHREAD_ONCE_INIT;

static enum cllm_ftype config_ftype(enum cllm_config_type t, enum cllm_ftype *items)
{
    *items = 0;
    switch (t) {
    case CLLM_CONFIG_INT:      return INT;
    case CLLM_CONFIG_DOUBLE:   return NUM;
    case CLLM_CONFIG_STRING:   return STR;
    case CLLM_CONFIG_INT_LIST: *items = INT; return CLLM_FT_ARRAY;
    case CLLM_CONFIG_KEY_LIST: *items = STR; return CLLM_FT_ARRAY;
    }
    return CLLM_FT_ANY;
}

static void build_config_record(void)
{
    struct cllm_config_key k;
    int n_top = 0, n_sec = 0, n_in[CONFIG_MAX_SECTIONS] = {0};

    for (size_t i = 0; cllm_config_key_info(i, &k); i++) {
        const char *dot = strchr(k.path, '.');
        struct cllm_field *f;
        int s = -1;
        if (i >= CONFIG_MAX_KEYS)
            return;
        snprintf(g_cfg.key[i], sizeof(g_cfg.key[i]), "%s", dot ? dot + 1 : k.path);
        f = &g_cfg.fields[i];
        f->name = g_cfg.key[i];
        f->type = config_ftype(k.type, &f->items);
        f->unit = k.unit;
        f->meaning = k.meaning;
        f->flags = REQ;
        if (!dot) {
            g_cfg.top[n_top++] = f;
            continue;
        }
        for (int j = 0; j < n_sec; j++)
            if (strncmp(g_cfg.section[j], k.path, (size_t)(dot - k.path)) == 0
                && g_cfg.section[j][dot - k.path] == '\0')
                s = j;
        if (s < 0) {
            struct cllm_field *sf;
            if (n_sec >= CONFIG_MAX_SECTIONS)
                return;
            s = n_sec++;
            snprintf(g_cfg.section[s], sizeof(g_cfg.section[s]), "%.*s", (int)(dot - k.path), k.path);
            snprintf(g_cfg.rec_name[s], sizeof(g_cfg.rec_name[s]), "config_%.*s", (int)(dot - k.path), k.path);
            g_cfg.section_rec[s] = (struct cllm_record){g_cfg.rec_name[s], "keys of this config section",
                                                        g_cfg.sec[s], false};
            sf = &g_cfg.section_fields[s];
            *sf = (struct cllm_field){g_cfg.section[s], CLLM_FT_OBJECT, "", "config section (computellm config "
                                      "--print-defaults)", &g_cfg.section_rec[s], 0, REQ};
            g_cfg.top[n_top++] = sf;
        }
        g_cfg.sec[s][n_in[s]++] = f;
    }
    g_cfg.root = (struct cllm_record){CLLM_R_CONFIG.name, CLLM_R_CONFIG.meaning, g_cfg.top, false};
    g_cfg.ok = true;
}

const struct cllm_record *cllm_record_resolved(const struct cllm_record *rec)
{
    if (rec == &CLLM_R_CONFIG) {
        pthread_once(&g_cfg_once, build_config_record);
        return g_cfg.ok ? &g_cfg.root : rec;
    }
    return rec;
}

/* ---- cleanup ---- */

const struct cllm_field CLLM_F_CLEANUP_ACTION = {"action", STR, "",
    "free_heap (malloc_trim), gpu_cache, drop_page_cache (root only)", NULL, 0, REQ};
const struct cllm_field CLLM_F_CLEANUP_ACTION_STATUS = {"status", STR, "", "done or skipped", NULL, 0, REQ};
static const struct cllm_field *const cleanup_action_fields[] = {&CLLM_F_CLEANUP_ACTION,
    &CLLM_F_CLEANUP_ACTION_STATUS, &CLLM_F_DETAIL, NULL};
const struct cllm_record CLLM_R_CLEANUP_ACTION = {"cleanup_action", "one step of a cleanup", cleanup_action_fields,
    false};

const struct cllm_field CLLM_F_CLEANUP_ACTIONS = {"actions", CLLM_FT_ARRAY, "", "the steps, in order",
    &CLLM_R_CLEANUP_ACTION, 0, REQ};
const struct cllm_field CLLM_F_CLEANUP_PAUSE_S = {"pause_s", NUM, "s", "settling pause after the actions", NULL, 0,
    REQ};
const struct cllm_field CLLM_F_CLEANUP_DURATION_S = {"duration_s", NUM, "s", "wall time of the cleanup", NULL, 0,
    REQ};
static const struct cllm_field *const cleanup_fields[] = {&CLLM_F_CLEANUP_ACTIONS, &CLLM_F_CLEANUP_PAUSE_S,
    &CLLM_F_CLEANUP_DURATION_S, NULL};
const struct cllm_record CLLM_R_CLEANUP = {"cleanup",
    "the system cleanup before a phase: give back memory, drop the page cache where permitted, pause",
    cleanup_fields, false};

/* ---- monitor ---- */

const struct cllm_field CLLM_F_MON_SAMPLER = {"sampler", STR, "", "the sampler that read the machine", NULL, 0, 0};
const struct cllm_field CLLM_F_MON_INTERVAL_S = {"interval_s", NUM, "s", "sampling period", NULL, 0, 0};
const struct cllm_field CLLM_F_MON_RUNNING = {"running", CLLM_FT_BOOL, "", "true in a snapshot of a running monitor",
    NULL, 0, 0};
const struct cllm_field CLLM_F_MON_N_SAMPLES = {"n_samples", INT, "", "samples taken", NULL, 0, 0};
const struct cllm_field CLLM_F_MON_SAMPLES_KEPT = {"samples_kept", INT, "", "samples in the series (the newest)",
    NULL, 0, 0};
const struct cllm_field CLLM_F_MON_SAMPLES_DROPPED = {"samples_dropped", INT, "",
    "oldest samples dropped from the series", NULL, 0, 0};
const struct cllm_field CLLM_F_MON_SAMPLE_COST_MS_MEAN = {"sample_cost_ms_mean", NUM, "ms",
    "wall time of one sampler call: the monitor's overhead", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_SAMPLE_COST_MS_MAX = {"sample_cost_ms_max", NUM, "ms",
    "longest sampler call", NULL, 0, NUL};

const struct cllm_field CLLM_F_MON_SOURCE_NAME = {"name", STR, "", "proc, rapl, nvml, amdgpu, ...", NULL, 0, REQ};
const struct cllm_field CLLM_F_MON_SOURCE_STATUS = {"status", STR, "", "ok, unavailable or error", NULL, 0, REQ};
static const struct cllm_field *const mon_source_fields[] = {&CLLM_F_MON_SOURCE_NAME, &CLLM_F_MON_SOURCE_STATUS,
    &CLLM_F_DETAIL, NULL};
const struct cllm_record CLLM_R_MONITOR_SOURCE = {"monitor_source", "what one source of readings said",
    mon_source_fields, false};
const struct cllm_field CLLM_F_MON_SOURCES = {"sources", CLLM_FT_ARRAY, "", "the sources of readings",
    &CLLM_R_MONITOR_SOURCE, 0, 0};

const struct cllm_field CLLM_F_MON_GPU_NAME = {"name", STR, "", "the GPU's name", NULL, 0, 0};
const struct cllm_field CLLM_F_MON_GPU_SOURCE = {"source", STR, "", "the library that samples it", NULL, 0, 0};
const struct cllm_field CLLM_F_MON_GPU_PCI_BUS_ID = {"pci_bus_id", STR, "", "0000:01:00.0", NULL, 0, NUL};
static const struct cllm_field *const mon_gpu_fields[] = {&CLLM_F_GPU_INDEX, &CLLM_F_MON_GPU_NAME,
    &CLLM_F_MON_GPU_SOURCE, &CLLM_F_MON_GPU_PCI_BUS_ID, NULL};
const struct cllm_record CLLM_R_MONITOR_GPU = {"monitor_gpu", "a GPU the monitor samples", mon_gpu_fields, false};
const struct cllm_field CLLM_F_MON_GPUS = {"gpus", CLLM_FT_ARRAY, "", "the GPUs sampled", &CLLM_R_MONITOR_GPU, 0,
    0};

const struct cllm_field CLLM_F_MON_DURATION_S = {"duration_s", NUM, "s", "first to last sample", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_CPU_PCT_MEAN = {"cpu_pct_mean", NUM, "%", "machine CPU use, mean", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_CPU_PCT_MIN = {"cpu_pct_min", NUM, "%", "machine CPU use, lowest", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_CPU_PCT_MAX = {"cpu_pct_max", NUM, "%", "machine CPU use, highest", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_MON_PROC_CPU_PCT_MEAN = {"proc_cpu_pct_mean", NUM, "%",
    "this process's CPU use (100 = one core), mean", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_PROC_CPU_PCT_MAX = {"proc_cpu_pct_max", NUM, "%",
    "this process's CPU use (100 = one core), highest", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_OTHER_CPU_PCT_MEAN = {"other_cpu_pct_mean", NUM, "%",
    "other processes' share of the machine's CPU, mean: cpu_pct − proc_cpu_pct / logical CPUs; above 10 the phase's "
    "numbers may be low (the terminal says so)", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_RAM_USED_GB_PEAK = {"ram_used_gb_peak", NUM, "GiB", "machine RAM in use, highest",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_RSS_GB_PEAK = {"rss_gb_peak", NUM, "GiB", "this process's resident set, highest",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_CPU_PACKAGE_W_MEAN = {"cpu_package_w_mean", NUM, "W",
    "CPU package power: energy / time covered by readings", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_CPU_PACKAGE_ENERGY_J = {"cpu_package_energy_j", NUM, "J",
    "CPU package energy over the samples (RAPL counters)", NULL, 0, NUL};

const struct cllm_field CLLM_F_MON_UTIL_PCT_MEAN = {"util_pct_mean", NUM, "%", "GPU utilisation, mean", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_UTIL_PCT_PEAK = {"util_pct_peak", NUM, "%", "GPU utilisation, highest", NULL, 0,
    NUL};
const struct cllm_field CLLM_F_MON_VRAM_USED_GB_PEAK = {"vram_used_gb_peak", NUM, "GiB", "GPU memory in use, highest",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_TEMP_C_PEAK = {"temp_c_peak", NUM, "°C", "GPU temperature, highest", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_POWER_W_MEAN = {"power_w_mean", NUM, "W",
    "GPU power: energy / time covered by power readings", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_POWER_W_PEAK = {"power_w_peak", NUM, "W", "GPU power, highest", NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_ENERGY_J = {"energy_j", NUM, "J", "GPU energy: trapezoid integral of power",
    NULL, 0, NUL};
const struct cllm_field CLLM_F_MON_SM_CLOCK_MHZ_MEAN = {"sm_clock_mhz_mean", NUM, "MHz", "GPU SM clock, mean", NULL,
    0, NUL};
static const struct cllm_field *const mon_gpu_summary_fields[] = {&CLLM_F_GPU_INDEX, &CLLM_F_MON_UTIL_PCT_MEAN,
    &CLLM_F_MON_UTIL_PCT_PEAK, &CLLM_F_MON_VRAM_USED_GB_PEAK, &CLLM_F_MON_TEMP_C_PEAK, &CLLM_F_MON_POWER_W_MEAN,
    &CLLM_F_MON_POWER_W_PEAK, &CLLM_F_MON_ENERGY_J, &CLLM_F_MON_SM_CLOCK_MHZ_MEAN, NULL};
const struct cllm_record CLLM_R_MONITOR_GPU_SUMMARY = {"monitor_gpu_summary", "one GPU's statistics over the samples",
    mon_gpu_summary_fields, false};
const struct cllm_field CLLM_F_MON_SUMMARY_GPUS = {"gpus", CLLM_FT_ARRAY, "", "per GPU",
    &CLLM_R_MONITOR_GPU_SUMMARY, 0, 0};

static const struct cllm_field *const mon_summary_fields[] = {&CLLM_F_MON_DURATION_S, &CLLM_F_MON_N_SAMPLES,
    &CLLM_F_MON_CPU_PCT_MEAN, &CLLM_F_MON_CPU_PCT_MIN, &CLLM_F_MON_CPU_PCT_MAX, &CLLM_F_MON_PROC_CPU_PCT_MEAN,
    &CLLM_F_MON_PROC_CPU_PCT_MAX, &CLLM_F_MON_OTHER_CPU_PCT_MEAN, &CLLM_F_MON_RAM_USED_GB_PEAK, &CLLM_F_MON_RSS_GB_PEAK,
    &CLLM_F_MON_CPU_PACKAGE_W_MEAN, &CLLM_F_MON_CPU_PACKAGE_ENERGY_J, &CLLM_F_MON_SUMMARY_GPUS, NULL};
const struct cllm_record CLLM_R_MONITOR_SUMMARY = {"monitor_summary", "statistics over the samples",
    mon_summary_fields, false};
const struct cllm_field CLLM_F_MON_SUMMARY = {"summary", CLLM_FT_OBJECT, "", "statistics over the samples",
    &CLLM_R_MONITOR_SUMMARY, 0, 0};

#define COL(var, key, unit, what) \
    const struct cllm_field var = {key, CLLM_FT_ARRAY, unit, what, NULL, NUM, CLLM_FF_NULL_ITEMS}
COL(CLLM_F_MON_COL_T_S, "t_s", "s", "time of each sample since the first");
COL(CLLM_F_MON_COL_CPU_PCT, "cpu_pct", "%", "machine CPU use");
COL(CLLM_F_MON_COL_PROC_CPU_PCT, "proc_cpu_pct", "%", "this process's CPU use (100 = one core)");
COL(CLLM_F_MON_COL_RAM_USED_GB, "ram_used_gb", "GiB", "machine RAM in use");
COL(CLLM_F_MON_COL_RSS_GB, "rss_gb", "GiB", "this process's resident set");
COL(CLLM_F_MON_COL_CPU_PACKAGE_W, "cpu_package_w", "W", "CPU package power");
/* GPU columns: the key is "gpu<N>_" followed by the name */
COL(CLLM_F_MON_COL_GPU_UTIL_PCT, "util_pct", "%", "GPU utilisation");
COL(CLLM_F_MON_COL_GPU_VRAM_USED_GB, "vram_used_gb", "GiB", "GPU memory in use");
COL(CLLM_F_MON_COL_GPU_TEMP_C, "temp_c", "°C", "GPU temperature");
COL(CLLM_F_MON_COL_GPU_POWER_W, "power_w", "W", "GPU power");
COL(CLLM_F_MON_COL_GPU_SM_CLOCK_MHZ, "sm_clock_mhz", "MHz", "GPU SM clock");
static const struct cllm_field *const mon_samples_fields[] = {&CLLM_F_MON_COL_T_S, &CLLM_F_MON_COL_CPU_PCT,
    &CLLM_F_MON_COL_PROC_CPU_PCT, &CLLM_F_MON_COL_RAM_USED_GB, &CLLM_F_MON_COL_RSS_GB, &CLLM_F_MON_COL_CPU_PACKAGE_W,
    NULL};
/* open: the GPU columns' keys hold the GPU's index */
const struct cllm_record CLLM_R_MONITOR_SAMPLES = {"monitor_samples",
    "the time series as columns, oldest first; GPU columns are gpu<N>_util_pct, _vram_used_gb, _temp_c, _power_w, "
    "_sm_clock_mhz", mon_samples_fields, true};
const struct cllm_field CLLM_F_MON_SAMPLES = {"samples", CLLM_FT_OBJECT, "", "the time series",
    &CLLM_R_MONITOR_SAMPLES, 0, 0};

static const struct cllm_field *const monitor_fields[] = {&CLLM_F_MON_SAMPLER, &CLLM_F_MON_INTERVAL_S,
    &CLLM_F_MON_RUNNING, &CLLM_F_MON_N_SAMPLES, &CLLM_F_MON_SAMPLES_KEPT, &CLLM_F_MON_SAMPLES_DROPPED,
    &CLLM_F_MON_SAMPLE_COST_MS_MEAN, &CLLM_F_MON_SAMPLE_COST_MS_MAX, &CLLM_F_MON_SOURCES, &CLLM_F_MON_GPUS,
    &CLLM_F_MON_SUMMARY, &CLLM_F_MON_SAMPLES, NULL};
const struct cllm_record CLLM_R_MONITOR = {"monitor", "the resource monitor around a phase", monitor_fields, false};
