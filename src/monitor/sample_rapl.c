/* CPU package power from the powercap RAPL counters (Linux; Intel, and AMD Zen through the same driver):
 * /sys/class/powercap/intel-rapl:N/energy_uj counts microjoules and wraps at max_energy_range_uj. */
#include "monitor/monitor_priv.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int zone_cmp(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* The package zones are intel-rapl:N; intel-rapl:N:M are their core/uncore/dram sub-zones, counted inside. */
static int list_packages(const char *dir, int *ids, int max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) && n < max) {
        const char *s = e->d_name;
        char *end;
        long id;
        if (strncmp(s, "intel-rapl:", 11) != 0 || !isdigit((unsigned char)s[11]))
            continue;
        id = strtol(s + 11, &end, 10);
        if (*end != '\0')
            continue;
        ids[n++] = (int)id;
    }
    closedir(d);
    qsort(ids, (size_t)n, sizeof(ids[0]), zone_cmp);
    return n;
}

int cllm_mon_rapl_open(struct cllm_mon_rapl *r, const char *root, double now_s)
{
    char dir[512];
    int ids[CLLM_MON_RAPL_MAX], n;

    memset(r, 0, sizeof(*r));
    r->prev_t_s = NAN;
    if (!cllm_mon_path(dir, sizeof(dir), root, "/sys/class/powercap")) {
        snprintf(r->why, sizeof(r->why), "RAPL not readable: root path too long");
        return 0;
    }
    n = list_packages(dir, ids, CLLM_MON_RAPL_MAX);
    if (n < 0) {
        snprintf(r->why, sizeof(r->why), "RAPL not readable: %.150s: %s", dir, strerror(errno));
        return 0;
    }
    if (n == 0) {
        snprintf(r->why, sizeof(r->why), "RAPL not readable: no intel-rapl:N package zone in %.120s", dir);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        char path[600];
        int err = 0;
        unsigned long long v;

        snprintf(r->energy_path[r->n], sizeof(r->energy_path[r->n]), "%.440s/intel-rapl:%d/energy_uj", dir, ids[i]);
        if (!cllm_mon_read_ull(r->energy_path[r->n], &v, &err)) {
            /* one unreadable package makes the sum wrong: report none */
            snprintf(r->why, sizeof(r->why), "RAPL not readable: %.120s: %s%s", r->energy_path[r->n], strerror(err),
                     err == EACCES ? " (energy_uj is root-only since Linux 5.10)" : "");
            r->n = 0;
            return 0;
        }
        r->prev_uj[r->n] = v;
        snprintf(path, sizeof(path), "%.440s/intel-rapl:%d/max_energy_range_uj", dir, ids[i]);
        if (!cllm_mon_read_ull(path, &r->max_uj[r->n], &err))
            r->max_uj[r->n] = 0;   /* a wrap is then detected but cannot be bridged */
        r->n++;
    }
    r->prev_t_s = now_s;
    return r->n;
}

double cllm_mon_rapl_sample(struct cllm_mon_rapl *r, double now_s, double *total_j, char *why, size_t whylen)
{
    unsigned long long now_uj[CLLM_MON_RAPL_MAX];
    double joules = 0.0, dt;
    double unused;

    if (!total_j)
        total_j = &unused;
    *total_j = NAN;
    if (r->n == 0) {
        snprintf(why, whylen, "%s", r->why);
        return NAN;
    }
    for (int i = 0; i < r->n; i++) {
        int err = 0;
        if (!cllm_mon_read_ull(r->energy_path[i], &now_uj[i], &err)) {
            snprintf(why, whylen, "RAPL not readable: %.120s: %s", r->energy_path[i], strerror(err));
            return NAN;
        }
    }
    dt = now_s - r->prev_t_s;
    if (!(dt >= CLLM_MON_MIN_RATE_S)) {
        *total_j = r->total_j;   /* as of the kept baseline, a few ms ago */
        /* keep the old baseline: the next reading measures over a longer interval */
        snprintf(why, whylen, "%.1f ms since the previous RAPL reading: too short for a rate (the first sample "
                 "follows the baseline at once)", dt * 1e3);
        return NAN;
    }
    for (int i = 0; i < r->n; i++) {
        unsigned long long d;
        if (!cllm_mon_rapl_delta_uj(r->prev_uj[i], now_uj[i], r->max_uj[i], &d)) {
            snprintf(why, whylen, "RAPL counter %.120s went backwards with no max_energy_range_uj",
                     r->energy_path[i]);
            memcpy(r->prev_uj, now_uj, sizeof(now_uj[0]) * (size_t)r->n);
            r->prev_t_s = now_s;
            return NAN;
        }
        joules += (double)d * 1e-6;
    }
    memcpy(r->prev_uj, now_uj, sizeof(now_uj[0]) * (size_t)r->n);
    r->prev_t_s = now_s;
    r->total_j += joules;
    *total_j = r->total_j;
    return joules / dt;
}
