/* Buffer parsers and small file helpers of the samplers. Plain C, so the parsers build and test on any host. */
#include "monitor/monitor_priv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <io.h>
#else
#include <unistd.h>
#endif

#include "hw/hw.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

bool cllm_mon_parse_proc_stat(const char *buf, struct cllm_cpu_ticks *out)
{
    unsigned long long v[8] = {0};
    const char *s = buf;
    int n = 0;

    if (!buf || strncmp(buf, "cpu", 3) != 0 || !isspace((unsigned char)buf[3]))
        return false;
    s += 3;
    /* user nice system idle iowait irq softirq steal; guest and guest_nice are already inside user and nice */
    while (n < 8) {
        char *end;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!isdigit((unsigned char)*s))
            break;
        v[n++] = strtoull(s, &end, 10);
        s = end;
    }
    if (n < 4)
        return false;
    out->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    out->total = out->busy + v[3] + v[4];
    return true;
}

double cllm_mon_cpu_pct(const struct cllm_cpu_ticks *prev, const struct cllm_cpu_ticks *now)
{
    unsigned long long dt, db;
    double pct;

    if (now->total <= prev->total || now->busy < prev->busy)
        return NAN;
    dt = now->total - prev->total;
    db = now->busy - prev->busy;
    pct = 100.0 * (double)db / (double)dt;
    return pct > 100.0 ? 100.0 : pct;
}

int cllm_mon_parse_proc_stat_cpus(const char *buf)
{
    int n = 0;
    const char *s = buf;

    while (s && *s) {
        if (strncmp(s, "cpu", 3) == 0 && isdigit((unsigned char)s[3]))
            n++;
        s = strchr(s, '\n');
        if (s)
            s++;
    }
    return n;
}

bool cllm_mon_parse_cpuinfo_mhz(const char *buf, double *mean_mhz)
{
    double sum = 0;
    int n = 0;
    const char *s = buf;

    while (s && *s) {
        const char *line = s, *p;
        s = strchr(s, '\n');
        if (s)
            s++;
        if (strncmp(line, "cpu MHz", 7) != 0)
            continue;
        p = line + 7;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ':')
            continue;
        {
            char *end;
            double v = strtod(p + 1, &end);
            if (end == p + 1 || !isfinite(v) || v <= 0)
                return false;
            sum += v;
            n++;
        }
    }
    if (n == 0)
        return false;
    *mean_mhz = sum / n;
    return true;
}

bool cllm_mon_parse_statm(const char *buf, unsigned long long *resident_pages)
{
    char *end;
    const char *s = buf;

    if (!buf)
        return false;
    strtoull(s, &end, 10);   /* size (VmSize), not needed */
    if (end == s)
        return false;
    s = end;
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    *resident_pages = strtoull(s, &end, 10);
    return true;
}

bool cllm_mon_parse_mem_used(const char *buf, double *used_gb)
{
    struct cllm_ram_info r;

    cllm_ram_info_init(&r);
    if (cllm_parse_meminfo(buf, &r) != CLLM_OK || r.total_bytes < 0 || r.available_bytes < 0 ||
        r.available_bytes > r.total_bytes)
        return false;
    *used_gb = (double)(r.total_bytes - r.available_bytes) / GIB;
    return true;
}

bool cllm_mon_rapl_delta_uj(unsigned long long prev, unsigned long long now, unsigned long long max_range_uj,
                            unsigned long long *delta_uj)
{
    if (now >= prev) {
        *delta_uj = now - prev;
        return true;
    }
    /* the counter passed max_range_uj and restarted from 0 (about every 60 s on a busy server package) */
    if (max_range_uj == 0 || prev > max_range_uj)
        return false;
    *delta_uj = (max_range_uj - prev) + now;
    return true;
}

bool cllm_mon_path(char *out, size_t outlen, const char *root, const char *path)
{
    int n;
    if (!root || !root[0] || (root[0] == '/' && !root[1]))
        root = "";
    n = snprintf(out, outlen, "%s%s", root, path);
    return n >= 0 && (size_t)n < outlen;
}

long cllm_mon_read_file(const char *path, char *buf, size_t buflen, int *err_no)
{
    size_t n = 0;
    int fd;

    if (buflen == 0) {
        *err_no = EINVAL;
        return -1;
    }
    fd = open(path, O_RDONLY);
    if (fd < 0) {
        *err_no = errno;
        return -1;
    }
    while (n + 1 < buflen) {
        long got = (long)read(fd, buf + n, (unsigned)(buflen - 1 - n));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            *err_no = errno;
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    return (long)n;
}

bool cllm_mon_read_ull(const char *path, unsigned long long *out, int *err_no)
{
    char buf[64], *end;
    const char *s = buf;

    if (cllm_mon_read_file(path, buf, sizeof(buf), err_no) < 0)
        return false;
    while (isspace((unsigned char)*s))
        s++;
    if (!isdigit((unsigned char)*s)) {
        *err_no = EINVAL;
        return false;
    }
    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno) {
        *err_no = errno;
        return false;
    }
    return true;
}

void cllm_mon_info_source(struct cllm_sampler_info *info, const char *name, const char *status, const char *fmt, ...)
{
    va_list ap;
    int i = info->n_sources;

    if (i >= (int)(sizeof(info->sources) / sizeof(info->sources[0])))
        return;
    info->n_sources++;
    snprintf(info->sources[i].name, sizeof(info->sources[i].name), "%s", name);
    snprintf(info->sources[i].status, sizeof(info->sources[i].status), "%s", status);
    va_start(ap, fmt);
    vsnprintf(info->sources[i].detail, sizeof(info->sources[i].detail), fmt, ap);
    va_end(ap);
}

int cllm_mon_info_add_gpu(struct cllm_sampler_info *info, const char *name, const char *source,
                          const char *pci_bus_id)
{
    int i = info->n_gpus;
    if (i >= CLLM_MONITOR_MAX_GPUS)
        return -1;
    info->n_gpus++;
    snprintf(info->gpu[i].name, sizeof(info->gpu[i].name), "%s", name ? name : "");
    snprintf(info->gpu[i].source, sizeof(info->gpu[i].source), "%s", source ? source : "");
    snprintf(info->gpu[i].pci_bus_id, sizeof(info->gpu[i].pci_bus_id), "%s", pci_bus_id ? pci_bus_id : "");
    return i;
}
