/* Resource monitor: a background thread samples the machine every interval (CPU, RAM, process, GPUs, CPU package
 * power) while a phase runs and keeps the time series and a summary; cllm_monitor_report copies both into a struct
 * that report/write_core.c writes as a phase's "monitor".
 *
 * Sampling goes through a sampler, a table of function pointers: the machine's own (cllm_monitor_sampler_system) or a
 * synthetic one in tests. Unknown values are NAN, with the sampler's reason per column (null with the reason in the
 * results). */
#ifndef CLLM_MONITOR_H
#define CLLM_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/reasons.h"
#include "core/status.h"
#include "gpu/gpu.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_MONITOR_MAX_GPUS CLLM_GPU_MAX

/* A GPU's reading is struct cllm_gpu_sample (gpu/gpu.h). */

/* One reading of the machine. Before each call the monitor sets every double to NAN and n_gpus to the count the
 * sampler announced at open; t_s is the monitor's. Rates are means over the interval since the previous reading,
 * so they are NAN in a reading with no earlier one to compare to. */
struct cllm_sample {
    double t_s;             /* seconds since the monitor's first sample */
    double cpu_pct;         /* whole-machine CPU busy, 0..100 (100 = every logical CPU busy) */
    double proc_cpu_pct;    /* this process, 100 = one logical CPU (may exceed 100) */
    double ram_used_gb;     /* MemTotal - MemAvailable, GiB */
    double rss_gb;          /* resident set, GiB, of this process (or of params.rss_pid) */
    double cpu_package_w;   /* CPU package power (RAPL), summed over packages */
    int    n_gpus;
    struct cllm_gpu_sample gpu[CLLM_MONITOR_MAX_GPUS];
};

/* What a sampler found at open: its GPUs (index = position in gpu[] of every sample) and a note per source. */
struct cllm_sampler_info {
    int n_gpus;
    struct {
        char name[96];          /* "NVIDIA H100 80GB HBM3", "AMD Radeon RX 7900 XTX" */
        char source[16];        /* "nvml", "amdgpu" */
        char pci_bus_id[32];    /* "0000:01:00.0", "" unknown */
    } gpu[CLLM_MONITOR_MAX_GPUS];
    int n_sources;
    struct {
        char name[16];          /* "proc", "rapl", "nvml", "amdgpu", ... */
        char status[16];        /* "ok", "unavailable", "off" */
        char detail[200];
    } sources[8];
};

/* A source of readings (nvtop's vendor table shape). `why` collects reasons keyed by column
 * ("cpu_pct", "gpu0_power_w", ...) for values left NAN; it is the monitor's and only its thread writes it. */
struct cllm_sampler {
    const char *name;
    void       *user_data;   /* for the sampler's own use (fakes keep their script here) */
    /* Prepares readings (baselines for rates, libraries); fills info. *state is passed to sample and close.
     * gpu false: no GPU is sampled. A failure fails cllm_monitor_start with err. */
    enum cllm_status (*open)(const struct cllm_sampler *self, bool gpu, void **state, struct cllm_sampler_info *info,
                             struct cllm_reasons *why, char *err, size_t errlen);
    /* Fills what it can of out (pre-set to NAN). Must not block for long: it runs every interval. */
    void (*sample)(void *state, struct cllm_sample *out, struct cllm_reasons *why);
    void (*close)(void *state);
};

/* This machine's sampler: /proc (Linux) for CPU/RAM/RSS, RAPL powercap for package power, and the GPUs of
 * gpu/gpu.h's set (NVML, amdgpu sysfs), indexed as GPU detection lists them. Other platforms report the host fields
 * unknown ("not supported on this platform"). */
const struct cllm_sampler *cllm_monitor_sampler_system(void);

struct cllm_monitor_params {
    double interval_s;                      /* seconds between samples, 0.1 .. 10; default 0.5 */
    bool   gpu;                             /* sample GPUs; default true */
    const struct cllm_sampler *sampler;     /* NULL: cllm_monitor_sampler_system(); tests pass a fake */
    size_t max_samples;                     /* samples kept for the series (the newest); >= 1, default 100000.
                                               The summary covers every sample taken. */
    /* called on the monitor's thread after each sample (live charts); may be NULL */
    void (*on_sample)(const struct cllm_sample *s, void *user_data);
    void  *user_data;
    /* rss_gb of this process instead of the sampler's own (a llama-server the benchmark started); 0: the
     * sampler's (this process) */
    long   rss_pid;
};

struct cllm_monitor_params cllm_monitor_default_params(void);

struct cllm_monitor_gpu_summary {
    double util_pct_mean, util_pct_peak;
    double vram_used_gb_peak;
    double temp_c_peak;
    double power_w_mean;     /* energy_j / time covered by power readings */
    double power_w_peak;
    double energy_j;         /* trapezoid integral of power_w over time */
    double sm_clock_mhz_mean;
};

/* Every value NAN when no sample had it (the columns' reasons in struct cllm_monitor_report). */
struct cllm_monitor_summary {
    double duration_s;               /* first to last sample */
    size_t n_samples;                /* samples taken (kept or not) */
    double cpu_pct_mean, cpu_pct_min, cpu_pct_max;
    double proc_cpu_pct_mean, proc_cpu_pct_max;
    double ram_used_gb_peak;
    double rss_gb_peak;
    double cpu_package_w_mean;       /* cpu_package_energy_j / time covered */
    double cpu_package_energy_j;     /* sum of interval means x interval length (exact for RAPL counters) */
    int    n_gpus;
    struct cllm_monitor_gpu_summary gpu[CLLM_MONITOR_MAX_GPUS];
    double sample_cost_ms_mean;      /* wall time of one sampler call: the monitor's overhead */
    double sample_cost_ms_max;
};

struct cllm_monitor;

/* Opens the sampler, takes the first sample and starts the thread. NULL on failure with err set (bad params,
 * sampler open failed, no memory, no thread). */
struct cllm_monitor *cllm_monitor_start(const struct cllm_monitor_params *p, char *err, size_t errlen);

/* Wakes the thread at once, which takes a last sample and exits; joins it and closes the sampler. Idempotent. */
void cllm_monitor_stop(struct cllm_monitor *m);

/* The summary once stopped; NULL while running. Valid until cllm_monitor_free. */
const struct cllm_monitor_summary *cllm_monitor_summary(const struct cllm_monitor *m);

/* What the sampler announced at open (GPUs and sources). */
const struct cllm_sampler_info *cllm_monitor_info(const struct cllm_monitor *m);

#define CLLM_MONITOR_HOST_COLS 6   /* t_s, cpu_pct, proc_cpu_pct, ram_used_gb, rss_gb, cpu_package_w */
#define CLLM_MONITOR_GPU_COLS  5   /* per GPU: util_pct, vram_used_gb, temp_c, power_w, sm_clock_mhz */
#define CLLM_MONITOR_MAX_COLS  (CLLM_MONITOR_HOST_COLS + CLLM_MONITOR_GPU_COLS * CLLM_MONITOR_MAX_GPUS)

/* A snapshot of the monitor for the results (report/write_core.c writes it as a phase's "monitor"). Columns are
 * the host ones in the order above, then each GPU's in the order above; values as measured (not rounded). */
struct cllm_monitor_report {
    char   sampler[32];
    double interval_s;
    bool   running;             /* taken while the monitor ran */
    size_t n_samples;           /* samples taken */
    size_t samples_kept;        /* in the series (the newest) */
    struct cllm_monitor_summary summary;
    struct cllm_sampler_info info;
    int    cols;
    char   col_why[CLLM_MONITOR_MAX_COLS][160];  /* the sampler's reason for a column's missing values; "" none */
    bool   with_samples;        /* the series was asked for (it may have no rows) */
    size_t rows;                /* rows of samples; 0 without samples */
    double *samples;            /* rows × cols, oldest first (NAN: no value); NULL without samples */
};

/* Fills *out with what the monitor has now (a snapshot while running); with_samples copies the series.
 * CLLM_ERR_NOMEM when the series could not be copied (out is then without samples); CLLM_ERR_INVALID_ARG for a
 * NULL monitor. Free with cllm_monitor_report_free. */
enum cllm_status cllm_monitor_report(const struct cllm_monitor *m, bool with_samples,
                                     struct cllm_monitor_report *out);
void cllm_monitor_report_free(struct cllm_monitor_report *r);


/* Stops (if needed) and frees. NULL is fine. */
void cllm_monitor_free(struct cllm_monitor *m);

#ifdef __cplusplus
}
#endif

#endif
