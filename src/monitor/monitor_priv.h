/* The parts of the system sampler (src/monitor/ and its tests only; the public contract is monitor.h):
 * buffer parsers, the host readers (one file per platform), RAPL, and the system sampler over a given GPU list.
 * Each part takes a root ("" or "/" = the live machine) or a vendor list, so tests feed captured files and fakes.
 * GPU readings come from gpu/gpu.h's set. */
#ifndef CLLM_MONITOR_PRIV_H
#define CLLM_MONITOR_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/log.h"
#include "gpu/gpu.h"
#include "monitor/monitor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A rate needs at least this much time between two readings (jiffies tick every 1-10 ms). */
#define CLLM_MON_MIN_RATE_S 0.01

/* ---- parsers on buffers (sample_parse.c) ---- */

/* Aggregate "cpu" line of /proc/stat, in USER_HZ ticks. */
struct cllm_cpu_ticks {
    unsigned long long busy;    /* user + nice + system + irq + softirq + steal */
    unsigned long long total;   /* busy + idle + iowait */
};

bool cllm_mon_parse_proc_stat(const char *buf, struct cllm_cpu_ticks *out);

/* Busy percent between two readings; NAN when no tick elapsed or the counters went backwards. */
double cllm_mon_cpu_pct(const struct cllm_cpu_ticks *prev, const struct cllm_cpu_ticks *now);

/* Per-CPU lines ("cpu0 ...", "cpu1 ...") of /proc/stat: the logical CPUs online, which the aggregate line is the
 * sum of. 0 when there is none. */
int cllm_mon_parse_proc_stat_cpus(const char *buf);

/* Mean of the "cpu MHz" lines of /proc/cpuinfo (x86; one per logical CPU). False when there is none or a value is
 * not a positive number. */
bool cllm_mon_parse_cpuinfo_mhz(const char *buf, double *mean_mhz);

/* Second field of /proc/PID/statm: resident pages. */
bool cllm_mon_parse_statm(const char *buf, unsigned long long *resident_pages);

/* MemTotal - MemAvailable of /proc/meminfo in GiB. */
bool cllm_mon_parse_mem_used(const char *buf, double *used_gb);

/* Energy counted between two readings of a RAPL energy_uj counter that wraps to 0 after max_range_uj
 * (max_energy_range_uj). False when now < prev and the range is unknown (0) or smaller than prev. */
bool cllm_mon_rapl_delta_uj(unsigned long long prev, unsigned long long now, unsigned long long max_range_uj,
                            unsigned long long *delta_uj);

/* ---- small helpers (sample_parse.c) ---- */

/* root + path into out; false when it does not fit. */
bool cllm_mon_path(char *out, size_t outlen, const char *root, const char *path);

/* Reads a small file (a full path) into buf, NUL-terminated. Length, or -1 with *err_no set. */
long cllm_mon_read_file(const char *path, char *buf, size_t buflen, int *err_no);

/* A file holding one unsigned decimal number. False with *err_no set (EINVAL: not a number). */
bool cllm_mon_read_ull(const char *path, unsigned long long *out, int *err_no);

/* Adds a note about one source of readings; silently ignored past the table's size. */
void cllm_mon_info_source(struct cllm_sampler_info *info, const char *name, const char *status, const char *fmt,
                          ...) CLLM_PRINTF(4, 5);

/* Appends a GPU; its index, or -1 when the table is full. */
int cllm_mon_info_add_gpu(struct cllm_sampler_info *info, const char *name, const char *source,
                          const char *pci_bus_id);

/* ---- RAPL package energy (sample_rapl.c) ---- */

#define CLLM_MON_RAPL_MAX 8

struct cllm_mon_rapl {
    int    n;                                   /* package zones found */
    char   energy_path[CLLM_MON_RAPL_MAX][512];
    unsigned long long max_uj[CLLM_MON_RAPL_MAX];
    unsigned long long prev_uj[CLLM_MON_RAPL_MAX];
    double prev_t_s;                            /* time of prev_uj; NAN: no reading yet */
    double total_j;                             /* energy counted since open (every package, wraps bridged) */
    char   why[200];                            /* when n == 0: why RAPL is not readable */
};

/* Finds the package zones (root/sys/class/powercap/intel-rapl:N) and takes a first reading at now_s. Returns n
 * (0 with r->why "RAPL not readable: ..." when none can be read). */
int cllm_mon_rapl_open(struct cllm_mon_rapl *r, const char *root, double now_s);

/* Mean package power (W, summed over packages) since the previous reading at now_s; NAN with why set when it
 * cannot tell (first reading, too short an interval, a counter unreadable). *total_j (may be NULL) gets the energy
 * counted since open (r->total_j), NAN when there is no counter or this reading lost an interval (unreadable, or a
 * counter went backwards with no range to bridge it): differences of two finite totals are the energy between. */
double cllm_mon_rapl_sample(struct cllm_mon_rapl *r, double now_s, double *total_j, char *why, size_t whylen);

/* ---- host: CPU, RAM, process (sample_linux.c / sample_nosupport.c) ---- */

struct cllm_mon_host;

/* Takes the baselines for rates and notes sources in info; never fails but for memory (NULL). */
struct cllm_mon_host *cllm_mon_host_open(const char *root, struct cllm_sampler_info *info, struct cllm_reasons *why);
void cllm_mon_host_sample(struct cllm_mon_host *h, double now_s, struct cllm_sample *out, struct cllm_reasons *why);
void cllm_mon_host_close(struct cllm_mon_host *h);

/* ---- energy windows (energy.c) ---- */

/* The readings cllm_monitor_energy works from, copied out of the monitor's ring (or made up by a test). */
struct cllm_mon_energy_series {
    size_t n;                                       /* readings, in time order */
    const double *t;                                /* s, the readings' clock */
    const double *cpu_j;                            /* RAPL totals (NAN lost); NULL: none */
    const char   *cpu_why;                          /* why there is no RAPL total; NULL/"" unknown */
    int           n_gpus;
    const double *gpu_j[CLLM_MONITOR_MAX_GPUS];     /* energy counters, J (NAN: none); NULL: none */
    const double *gpu_w[CLLM_MONITOR_MAX_GPUS];     /* power readings, W */
    const char   *gpu_kind[CLLM_MONITOR_MAX_GPUS];  /* the sampler's source: "nvml", "amdgpu", ... */
    const char   *gpu_why[CLLM_MONITOR_MAX_GPUS];   /* why neither counter nor power was read; NULL/"" unknown */
    double        interval_s;                       /* the monitor's interval (power readings' spacing) */
};

/* Fills *out for [w0, w1] from s: the GPUs of mask, the CPU package, the short-window and edge checks. */
void cllm_mon_energy_window(const struct cllm_mon_energy_series *s, double w0, double w1, uint32_t mask,
                            struct cllm_energy_window *out);

/* ---- the system sampler (sampler_system.c) ---- */

/* Where the system sampler reads from: cllm_monitor_sampler_system() is {"/", {"/", true}, NULL, 0}. */
struct cllm_mon_system_cfg {
    const char *root;                              /* the host readers' root */
    struct cllm_gpu_params gpu;                    /* the GPU set's; its root must outlive the sampler */
    const struct cllm_gpu_vendor *const *vendors;  /* NULL: the built-in list (as GPU detection) */
    int n_vendors;
};

/* A system sampler reading from cfg (which must outlive it): the sampler's user_data points at cfg. */
struct cllm_sampler cllm_monitor_sampler_system_with(const struct cllm_mon_system_cfg *cfg);

#ifdef __cplusplus
}
#endif

#endif
