/* Host readings on Linux: /proc/stat (machine CPU), /proc/meminfo (RAM), /proc/self/statm (RSS), getrusage
 * (process CPU), RAPL (package power) and the CPU clock (cpufreq's scaling_cur_freq of each CPU, else /proc/cpuinfo's
 * "cpu MHz"). Files are re-read whole each time: a few tens of microseconds. */
#include "monitor/monitor_priv.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/file.h"
#include "platform/proc.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

struct cllm_mon_host {
    char   stat_path[512], meminfo_path[512], statm_path[512];
    double page_bytes;
    struct cllm_cpu_ticks prev_ticks;
    double prev_ticks_t;          /* NAN: no usable baseline */
    double prev_proc_cpu_s;       /* NAN: getrusage failed at open */
    double prev_proc_t;
    struct cllm_mon_rapl rapl;
    /* CPU clock: cpufreq files of each CPU (n_freq > 0), else cpuinfo_path; neither: clock_why */
    char (*freq_paths)[160];
    int    n_freq;
    char   cpuinfo_path[512];
    char   clock_why[300];
};

#define MAX_FREQ_CPUS 4096

/* The CPUs with a readable cpufreq/scaling_cur_freq under root's /sys/devices/system/cpu. */
static void open_cpufreq(struct cllm_mon_host *h, const char *root)
{
    char dir[512];
    DIR *d;
    struct dirent *e;

    if (!cllm_mon_path(dir, sizeof(dir), root, "/sys/devices/system/cpu") || !(d = opendir(dir)))
        return;
    while ((e = readdir(d)) && h->n_freq < MAX_FREQ_CPUS) {
        char path[sizeof(h->freq_paths[0])];
        unsigned long long khz;
        int err = 0, n;
        if (strncmp(e->d_name, "cpu", 3) != 0 || !isdigit((unsigned char)e->d_name[3]))
            continue;
        n = snprintf(path, sizeof(path), "%s/%s/cpufreq/scaling_cur_freq", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof(path) || !cllm_mon_read_ull(path, &khz, &err) || khz == 0)
            continue;
        if (!h->freq_paths) {
            h->freq_paths = malloc(MAX_FREQ_CPUS * sizeof(h->freq_paths[0]));
            if (!h->freq_paths)
                break;
        }
        memcpy(h->freq_paths[h->n_freq++], path, sizeof(path));
    }
    closedir(d);
}

/* Where the CPU clock comes from, and the logical CPU count cpu_pct is over. */
static void open_clock_and_cpus(struct cllm_mon_host *h, const char *root, struct cllm_sampler_info *info,
                                struct cllm_reasons *why)
{
    char *buf = NULL, err[300];
    size_t len = 0;
    double mhz;

    if (cllm_file_read(h->stat_path, 16u << 20, &buf, &len, err, sizeof(err)) == CLLM_OK)
        info->logical_cpus = cllm_mon_parse_proc_stat_cpus(buf);
    free(buf);
    buf = NULL;
    if (info->logical_cpus <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        info->logical_cpus = n > 0 ? (int)n : 0;
    }

    open_cpufreq(h, root);
    if (h->n_freq > 0)
        return;
    cllm_mon_path(h->cpuinfo_path, sizeof(h->cpuinfo_path), root, "/proc/cpuinfo");
    if (cllm_file_read(h->cpuinfo_path, 16u << 20, &buf, &len, err, sizeof(err)) != CLLM_OK) {
        snprintf(h->clock_why, sizeof(h->clock_why), "no cpufreq/scaling_cur_freq in /sys/devices/system/cpu/cpu*, "
                 "and %.200s", err);
        h->cpuinfo_path[0] = '\0';
    } else if (!cllm_mon_parse_cpuinfo_mhz(buf, &mhz)) {
        snprintf(h->clock_why, sizeof(h->clock_why), "no cpufreq/scaling_cur_freq in /sys/devices/system/cpu/cpu*, "
                 "and no \"cpu MHz\" line in %.200s", h->cpuinfo_path);
        h->cpuinfo_path[0] = '\0';
    }
    free(buf);
    if (h->clock_why[0])
        cllm_reason_set(why, "cpu_clock_mhz", "%s", h->clock_why);
}

static void sample_clock(struct cllm_mon_host *h, struct cllm_sample *out, struct cllm_reasons *why)
{
    if (h->n_freq > 0) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < h->n_freq; i++) {
            unsigned long long khz;
            int err = 0;
            if (cllm_mon_read_ull(h->freq_paths[i], &khz, &err) && khz > 0) {
                sum += (double)khz / 1000.0;
                n++;
            }
        }
        if (n > 0)
            out->cpu_clock_mhz = sum / n;
        else
            cllm_reason_set(why, "cpu_clock_mhz", "no cpufreq/scaling_cur_freq readable now (%d were at open)",
                            h->n_freq);
    } else if (h->cpuinfo_path[0]) {
        char *buf = NULL, err[300];
        size_t len = 0;
        double mhz;
        if (cllm_file_read(h->cpuinfo_path, 16u << 20, &buf, &len, err, sizeof(err)) != CLLM_OK)
            cllm_reason_set(why, "cpu_clock_mhz", "%s", err);
        else if (cllm_mon_parse_cpuinfo_mhz(buf, &mhz))
            out->cpu_clock_mhz = mhz;
        else
            cllm_reason_set(why, "cpu_clock_mhz", "no \"cpu MHz\" line in %.200s", h->cpuinfo_path);
        free(buf);
    } else {
        cllm_reason_set(why, "cpu_clock_mhz", "%s", h->clock_why);
    }
}

/* First line of /proc/stat only: the rest (per-CPU lines, interrupts) is long on big machines. */
static bool read_ticks(struct cllm_mon_host *h, struct cllm_cpu_ticks *t, char *why, size_t whylen)
{
    char buf[512];
    int err = 0;
    if (cllm_mon_read_file(h->stat_path, buf, sizeof(buf), &err) < 0) {
        snprintf(why, whylen, "%.200s: %s", h->stat_path, strerror(err));
        return false;
    }
    if (!cllm_mon_parse_proc_stat(buf, t)) {
        snprintf(why, whylen, "%.200s: no aggregate \"cpu\" line", h->stat_path);
        return false;
    }
    return true;
}

struct cllm_mon_host *cllm_mon_host_open(const char *root, struct cllm_sampler_info *info, struct cllm_reasons *why)
{
    struct cllm_mon_host *h = calloc(1, sizeof(*h));
    char msg[300];
    long page = sysconf(_SC_PAGESIZE);
    double now;

    if (!h)
        return NULL;
    cllm_mon_path(h->stat_path, sizeof(h->stat_path), root, "/proc/stat");
    cllm_mon_path(h->meminfo_path, sizeof(h->meminfo_path), root, "/proc/meminfo");
    cllm_mon_path(h->statm_path, sizeof(h->statm_path), root, "/proc/self/statm");
    h->page_bytes = page > 0 ? (double)page : 4096.0;
    now = cllm_now_s();
    h->prev_ticks_t = NAN;
    if (read_ticks(h, &h->prev_ticks, msg, sizeof(msg))) {
        h->prev_ticks_t = now;
        cllm_mon_info_source(info, "proc", "ok", "%.60s, %.60s, %.60s; process CPU from getrusage", h->stat_path,
                             h->meminfo_path, h->statm_path);
    } else {
        cllm_reason_set(why, "cpu_pct", "%s", msg);
        cllm_mon_info_source(info, "proc", "unavailable", "%s", msg);
    }
    h->prev_proc_cpu_s = cllm_proc_self_cpu_s();
    h->prev_proc_t = now;
    open_clock_and_cpus(h, root, info, why);

    if (cllm_mon_rapl_open(&h->rapl, root, now) > 0)
        cllm_mon_info_source(info, "rapl", "ok", "%d package zone(s): %.150s%s", h->rapl.n, h->rapl.energy_path[0],
                             h->rapl.n > 1 ? ", ..." : "");
    else {
        cllm_reason_set(why, "cpu_package_w", "%s", h->rapl.why);
        cllm_mon_info_source(info, "rapl", "unavailable", "%s", h->rapl.why);
    }
    return h;
}

static void sample_cpu(struct cllm_mon_host *h, double now_s, struct cllm_sample *out, struct cllm_reasons *why)
{
    struct cllm_cpu_ticks t;
    char msg[300];
    double dt, pct;

    if (!read_ticks(h, &t, msg, sizeof(msg))) {
        cllm_reason_set(why, "cpu_pct", "%s", msg);
        return;
    }
    if (isnan(h->prev_ticks_t)) {
        cllm_reason_set(why, "cpu_pct", "first readable /proc/stat: a rate needs an earlier reading");
        h->prev_ticks = t;
        h->prev_ticks_t = now_s;
        return;
    }
    dt = now_s - h->prev_ticks_t;
    pct = dt >= CLLM_MON_MIN_RATE_S ? cllm_mon_cpu_pct(&h->prev_ticks, &t) : NAN;
    if (isnan(pct)) {
        /* keep the baseline: the next reading spans a longer interval */
        cllm_reason_set(why, "cpu_pct", "no CPU tick counted in the %.1f ms since the previous reading (the first "
                        "sample follows the baseline at once)", dt * 1e3);
        return;
    }
    out->cpu_pct = pct;
    h->prev_ticks = t;
    h->prev_ticks_t = now_s;
}

static void sample_proc_cpu(struct cllm_mon_host *h, double now_s, struct cllm_sample *out, struct cllm_reasons *why)
{
    double cpu_s = cllm_proc_self_cpu_s(), dt = now_s - h->prev_proc_t;

    if (isnan(cpu_s)) {
        cllm_reason_set(why, "proc_cpu_pct", "getrusage: %s", strerror(errno));
    } else if (isnan(h->prev_proc_cpu_s)) {
        h->prev_proc_cpu_s = cpu_s;
        h->prev_proc_t = now_s;
        cllm_reason_set(why, "proc_cpu_pct", "first getrusage reading: a rate needs an earlier one");
    } else if (dt < CLLM_MON_MIN_RATE_S) {
        cllm_reason_set(why, "proc_cpu_pct", "%.1f ms since the previous reading: too short for a rate (the first "
                        "sample follows the baseline at once)", dt * 1e3);
    } else {
        double pct = 100.0 * (cpu_s - h->prev_proc_cpu_s) / dt;
        out->proc_cpu_pct = pct < 0 ? 0 : pct;
        h->prev_proc_cpu_s = cpu_s;
        h->prev_proc_t = now_s;
    }
}

void cllm_mon_host_sample(struct cllm_mon_host *h, double now_s, struct cllm_sample *out, struct cllm_reasons *why)
{
    char buf[4096], msg[300];
    unsigned long long pages;
    int err = 0;

    sample_cpu(h, now_s, out, why);
    sample_proc_cpu(h, now_s, out, why);

    if (cllm_mon_read_file(h->meminfo_path, buf, sizeof(buf), &err) < 0)
        cllm_reason_set(why, "ram_used_gb", "%.200s: %s", h->meminfo_path, strerror(err));
    else if (!cllm_mon_parse_mem_used(buf, &out->ram_used_gb))
        cllm_reason_set(why, "ram_used_gb", "%.200s: no MemTotal/MemAvailable", h->meminfo_path);

    if (cllm_mon_read_file(h->statm_path, buf, sizeof(buf), &err) < 0)
        cllm_reason_set(why, "rss_gb", "%.200s: %s", h->statm_path, strerror(err));
    else if (!cllm_mon_parse_statm(buf, &pages))
        cllm_reason_set(why, "rss_gb", "%.200s: malformed", h->statm_path);
    else
        out->rss_gb = (double)pages * h->page_bytes / GIB;

    out->cpu_package_w = cllm_mon_rapl_sample(&h->rapl, now_s, &out->cpu_package_energy_j, msg, sizeof(msg));
    if (isnan(out->cpu_package_w))
        cllm_reason_set(why, "cpu_package_w", "%s", msg);
    if (isnan(out->cpu_package_energy_j))
        cllm_reason_set(why, "cpu_package_energy_j", "%s", msg);
    sample_clock(h, out, why);
}

void cllm_mon_host_close(struct cllm_mon_host *h)
{
    if (h)
        free(h->freq_paths);
    free(h);
}
