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
#include <stdint.h>

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
    double cpu_package_energy_j;   /* CPU package energy (RAPL) counted since the sampler opened, J; only
                                      differences mean anything */
    double cpu_clock_mhz;   /* current CPU clock, mean over the logical CPUs (cpufreq, else /proc/cpuinfo) */
    int    n_gpus;
    struct cllm_gpu_sample gpu[CLLM_MONITOR_MAX_GPUS];
};

/* What a sampler found at open: its GPUs (index = position in gpu[] of every sample) and a note per source. */
struct cllm_sampler_info {
    int logical_cpus;           /* CPUs cpu_pct is the mean of; 0 unknown (other_cpu_pct is then unknown) */
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
    /* other processes' share of the machine's CPU, mean over the samples: cpu_pct − proc_cpu_pct / logical CPUs,
     * 0..100 (100 = every logical CPU busy with other work) */
    double other_cpu_pct_mean;
};

/* Other processes' CPU use above which a phase's numbers may be low. */
#define CLLM_MONITOR_NOISY_PCT 10.0

/* True when other processes used more than CLLM_MONITOR_NOISY_PCT % of the machine's CPU in the summary's samples;
 * *pct (may be NULL) gets other_cpu_pct_mean (NAN unknown, then false). */
bool cllm_monitor_noisy(const struct cllm_monitor_summary *s, double *pct);

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

/* ---- windows: what the samples say about a span of time (a repetition of a test) ---- */

struct cllm_monitor_window_gpu {
    double sm_clock_mhz_min, sm_clock_mhz_max, sm_clock_mhz_mean;   /* NAN: no reading */
    unsigned long long throttle_reasons;   /* CLLM_GPU_THROTTLE_* bits of every sample OR'd */
    bool   throttle_known;                 /* at least one sample read them */
    double temp_c_max;
    double power_w_mean;                   /* mean of the readings */
};

struct cllm_monitor_window {
    uint64_t t0_ns, t1_ns;        /* the span asked for, cllm_now_ns() time */
    size_t   n_samples;           /* samples used (0: none at or before t1 in the series) */
    bool     nearest;             /* no sample fell in [t0, t1]: the last one before t1 stands in */
    double   cpu_clock_mhz_min, cpu_clock_mhz_mean;
    double   other_cpu_pct_mean;  /* as the summary's: cpu_pct − proc_cpu_pct / logical CPUs */
    int      n_gpus;
    struct cllm_monitor_window_gpu gpu[CLLM_MONITOR_MAX_GPUS];
};

/* Fills *out from the samples the series holds (the newest params.max_samples) taken in [t0_ns, t1_ns]; when none
 * falls inside, from the last one before t1, so a repetition shorter than the interval still gets one. Safe while
 * the monitor runs (takes its lock). Unknown values NAN. CLLM_OK; CLLM_ERR_NOT_FOUND when no sample was taken at
 * or before t1 (out has n_samples 0); CLLM_ERR_INVALID_ARG for NULL arguments or t1 < t0. */
enum cllm_status cllm_monitor_window(const struct cllm_monitor *m, uint64_t t0_ns, uint64_t t1_ns,
                                     struct cllm_monitor_window *out);

/* A repetition's verdict. */
struct cllm_throttle_mark {
    bool throttled;
    char reason[200];   /* "GPU0 SM clock 1410 MHz < 90 % of 1980 MHz", "GPU0 HW thermal slowdown"; "" when not */
};

/* Marks each of the n windows (the repetitions of one test) in out[n]: throttled when a GPU's SM clock minimum in
 * it fell below 90 % of that GPU's highest SM clock over all n (not counted while the GPU reports itself idle), or
 * a thermal/power reason (CLLM_GPU_THROTTLE_SLOWDOWN_MASK) was set. Pure; returns how many were marked. */
int cllm_monitor_mark_throttled(const struct cllm_monitor_window *reps, int n, struct cllm_throttle_mark *out);

/* ---- energy over a span of time (a prompt or decode window, a sweep repetition) ----
 * From the monitor's readings: each GPU's energy counter (NVML total energy, amdgpu energy1_input) and the CPU
 * package's RAPL total, interpolated linearly at the window's edges between the readings around them; a GPU
 * without a counter from its power readings integrated (trapezoids, clipped to the window). The counters are read
 * on the monitor's thread, not at the edges themselves: NVML's takes ~4 ms per call and advances every 100 ms
 * (measured on an H200), so a read inside a token loop would slow the run it measures and add nothing. */

/* Windows shorter than a sensor's update period are not measured by it (null with a note). */
#define CLLM_ENERGY_MIN_NVML_COUNTER_S  0.1    /* NVML total energy: advances every 100 ms (H200, driver 580) */
#define CLLM_ENERGY_MIN_AMDGPU_S        0.1    /* amdgpu energy1_input: the SMU's metrics period, not measured
                                                  here; NVML's figure assumed */
#define CLLM_ENERGY_MIN_RAPL_S          0.01   /* RAPL energy_uj: ~1 ms updates; CLLM_MON_MIN_RATE_S */

/* One part of the machine over a window. */
struct cllm_energy_part {
    double j;                /* joules; NAN: not measured (why) */
    double w;                /* j / the window's seconds */
    char   source[48];       /* "nvml_energy_counter", "amdgpu_energy", "power_samples", "rapl"; several GPUs of
                                different kinds "+"-joined; "" when not measured */
    char   why[240];         /* j NAN: why; else an approximation worth saying (edges interpolated); "" */
};

struct cllm_energy_window {
    double window_s;                    /* t1 - t0 */
    struct cllm_energy_part gpu;        /* the GPUs asked for, summed (NAN when any of them has no reading) */
    struct cllm_energy_part cpu;        /* the CPU packages (RAPL) */
    double j, w;                        /* the measured parts summed; NAN when neither was measured */
    char   domains[32];                 /* what j covers: "gpu+cpu_package", "gpu", "cpu_package"; "" none */
    char   source[100];                 /* the parts' sources, "+"-joined in the order of domains */
    char   note[480];                   /* j NAN: why no energy ("no energy counter: CPU package: RAPL not
                                           readable: ...; GPU: no GPU"); else what is approximate; "" */
    bool   awaiting;                    /* a part lacked a reading after the window's end: the monitor has not
                                           sampled since; asking again after its next sample can measure it */
};

/* Every number NAN, every text "". */
void cllm_monitor_energy_clear(struct cllm_energy_window *w);

/* The energy in [w0, w1] (seconds on the readings' clock) from a cumulative counter e read at times t (n readings,
 * in time order; NAN readings lost): the counter interpolated at both edges between the readings around them. False
 * with why when no reading lies at or before w0 or at or after w1, a reading inside was lost, or the counter went
 * backwards (a reset). *gap_s gets the longest spacing of the readings the edges were interpolated between. Pure. */
bool cllm_monitor_energy_from_counter(const double *t, const double *e, size_t n, double w0, double w1, double *j,
                                      double *gap_s, char *why, size_t whylen);

/* The same from power readings p (W, each an instant's): trapezoids between consecutive readings, clipped to
 * [w0, w1] with the power interpolated at the edges. Pure. */
bool cllm_monitor_energy_from_power(const double *t, const double *p, size_t n, double w0, double w1, double *j,
                                    double *gap_s, char *why, size_t whylen);

/* gpu_mask meaning every GPU the monitor samples (none when it has none). */
#define CLLM_ENERGY_ALL_GPUS 0xffffffffu

/* The energy of [t0_ns, t1_ns] (cllm_now_ns() time) from the monitor's kept readings: the GPUs whose bit is set
 * in gpu_mask (bit i = GPU i of the sampler's list; 0: the run used none; CLLM_ENERGY_ALL_GPUS) and the CPU
 * package. Safe while the
 * monitor runs and after it stopped (its last sample then closes the window). CLLM_OK with *out filled (parts not
 * measured say why); CLLM_ERR_INVALID_ARG for NULL arguments or t1 < t0. */
enum cllm_status cllm_monitor_energy(const struct cllm_monitor *m, uint64_t t0_ns, uint64_t t1_ns, uint32_t gpu_mask,
                                     struct cllm_energy_window *out);

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
