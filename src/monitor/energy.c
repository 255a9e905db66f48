/* Energy over a span of time from the monitor's readings (monitor.h: cllm_monitor_energy): cumulative counters
 * interpolated at the edges, power readings integrated, and the checks that keep a too-short window from
 * reporting a number its sensor cannot resolve. */
#include "monitor/monitor_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char k_after[] = "no reading at or after the window's end";

void cllm_monitor_energy_clear(struct cllm_energy_window *w)
{
    memset(w, 0, sizeof(*w));
    w->window_s = w->j = w->w = NAN;
    w->gpu.j = w->gpu.w = w->cpu.j = w->cpu.w = NAN;
}

/* The last finite reading at or before x (-1 none) and the first at or after x (-1 none). */
static void around(const double *t, const double *v, size_t n, double x, long *before, long *after)
{
    *before = *after = -1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]) || !isfinite(t[i]))
            continue;
        if (t[i] <= x)
            *before = (long)i;
        if (t[i] >= x) {
            *after = (long)i;
            break;
        }
    }
}

/* v at x, linear between readings a and b (t[a] <= x <= t[b]). */
static double lerp(const double *t, const double *v, long a, long b, double x)
{
    if (a == b || t[b] <= t[a])
        return v[a];
    return v[a] + (v[b] - v[a]) * (x - t[a]) / (t[b] - t[a]);
}

/* The readings around both edges: a0 <= w0 <= b0, a1 <= w1 <= b1; false with why. */
static bool edges(const double *t, const double *v, size_t n, double w0, double w1, long *a0, long *b0, long *a1,
                  long *b1, double *gap_s, char *why, size_t whylen)
{
    around(t, v, n, w0, a0, b0);
    around(t, v, n, w1, a1, b1);
    if (*a0 < 0) {
        snprintf(why, whylen, "no reading at or before the window's start");
        return false;
    }
    if (*b1 < 0) {
        snprintf(why, whylen, "%s", k_after);
        return false;
    }
    /* a lost reading inside the window (between the edges' readings) loses its interval */
    for (long i = *a0; i <= *b1; i++)
        if (isfinite(t[i]) && !isfinite(v[i]) && t[i] > t[*a0] && t[i] < t[*b1]) {
            snprintf(why, whylen, "a reading inside the window was lost (%.3f s)", t[i]);
            return false;
        }
    {
        double g0 = *b0 >= 0 ? t[*b0] - t[*a0] : 0, g1 = *a1 >= 0 ? t[*b1] - t[*a1] : 0;
        *gap_s = g0 > g1 ? g0 : g1;
    }
    return true;
}

bool cllm_monitor_energy_from_counter(const double *t, const double *e, size_t n, double w0, double w1, double *j,
                                      double *gap_s, char *why, size_t whylen)
{
    long a0, b0, a1, b1, last = -1;

    *j = NAN;
    *gap_s = NAN;
    if (!t || !e || !(w1 >= w0)) {
        snprintf(why, whylen, "no window");
        return false;
    }
    if (!edges(t, e, n, w0, w1, &a0, &b0, &a1, &b1, gap_s, why, whylen))
        return false;
    for (long i = a0; i <= b1; i++) {
        if (!isfinite(e[i]))
            continue;
        if (last >= 0 && e[i] < e[last]) {
            snprintf(why, whylen, "the energy counter went backwards inside the window (%.0f J after %.0f J: a "
                     "reset)", e[i], e[last]);
            return false;
        }
        last = i;
    }
    *j = lerp(t, e, a1, b1, w1) - lerp(t, e, a0, b0 >= 0 ? b0 : a0, w0);
    return true;
}

bool cllm_monitor_energy_from_power(const double *t, const double *p, size_t n, double w0, double w1, double *j,
                                    double *gap_s, char *why, size_t whylen)
{
    long a0, b0, a1, b1, prev = -1;
    double sum = 0;

    *j = NAN;
    *gap_s = NAN;
    if (!t || !p || !(w1 >= w0)) {
        snprintf(why, whylen, "no window");
        return false;
    }
    if (!edges(t, p, n, w0, w1, &a0, &b0, &a1, &b1, gap_s, why, whylen))
        return false;
    for (long i = a0; i <= b1; i++) {
        double x0, x1;
        if (!isfinite(p[i]))
            continue;
        if (prev >= 0) {
            x0 = t[prev] > w0 ? t[prev] : w0;
            x1 = t[i] < w1 ? t[i] : w1;
            if (x1 > x0)
                sum += 0.5 * (lerp(t, p, prev, i, x0) + lerp(t, p, prev, i, x1)) * (x1 - x0);
        }
        prev = i;
    }
    *j = sum;
    return true;
}

/* Appends "+"-joined text unless it is there already. */
static void join(char *dst, size_t n, const char *s)
{
    size_t len = strlen(dst);
    if (!s[0] || strstr(dst, s))
        return;
    snprintf(dst + len, n - len, "%s%s", len ? "+" : "", s);
}

static void part_fail(struct cllm_energy_part *p, const char *fmt, const char *a, const char *b)
{
    p->j = p->w = NAN;
    p->source[0] = '\0';
    snprintf(p->why, sizeof(p->why), fmt, a, b);
}

/* Sets p's note about the edges when the readings around them are far apart for the window. */
static void edge_note(struct cllm_energy_part *p, double gap_s, double window_s)
{
    if (isfinite(gap_s) && gap_s > 0.1 * window_s && !p->why[0])
        snprintf(p->why, sizeof(p->why), "approximate: the edges of a %.0f ms window interpolated between readings "
                 "up to %.0f ms apart (a shorter --monitor-interval tightens them)", window_s * 1e3, gap_s * 1e3);
}

static void gpu_part(const struct cllm_mon_energy_series *s, double w0, double w1, uint32_t mask,
                     struct cllm_energy_part *out)
{
    double win = w1 - w0, sum = 0, gap_max = 0;
    char why[200];

    out->j = out->w = NAN;
    out->source[0] = out->why[0] = '\0';
    if (mask == CLLM_ENERGY_ALL_GPUS)
        mask = s->n_gpus >= 32 ? mask : (1u << s->n_gpus) - 1u;
    if (mask == 0) {
        snprintf(out->why, sizeof(out->why), "%s", s->n_gpus > 0 ? "the run used no GPU" : "no GPU");
        return;
    }
    for (int g = 0; g < CLLM_MONITOR_MAX_GPUS; g++) {
        const char *kind;
        const char *src;
        double j = NAN, gap = NAN, min_s;
        bool counter = false;
        char label[16];

        if (!(mask & (1u << g)))
            continue;
        snprintf(label, sizeof(label), "GPU%d", g);
        if (g >= s->n_gpus) {
            part_fail(out, "%s: not sampled by the monitor%s", label, s->n_gpus == 0 ? " (no GPU)" : "");
            return;
        }
        kind = s->gpu_kind[g] ? s->gpu_kind[g] : "";
        for (size_t i = 0; s->gpu_j[g] && i < s->n && !counter; i++)
            counter = isfinite(s->gpu_j[g][i]);
        if (counter) {
            bool amd = strcmp(kind, "amdgpu") == 0;
            src = amd ? "amdgpu_energy" : "nvml_energy_counter";
            min_s = amd ? CLLM_ENERGY_MIN_AMDGPU_S : CLLM_ENERGY_MIN_NVML_COUNTER_S;
            if (win < min_s) {
                snprintf(out->why, sizeof(out->why), "%s: the window (%.1f ms) is shorter than the %s's update "
                         "period (%.0f ms)", label, win * 1e3, amd ? "amdgpu energy counter" : "NVML energy counter",
                         min_s * 1e3);
                out->j = out->w = NAN;
                out->source[0] = '\0';
                return;
            }
            if (!cllm_monitor_energy_from_counter(s->t, s->gpu_j[g], s->n, w0, w1, &j, &gap, why, sizeof(why))) {
                part_fail(out, "%s: %s", label, why);
                return;
            }
        } else {
            bool any = false;
            for (size_t i = 0; s->gpu_w[g] && i < s->n && !any; i++)
                any = isfinite(s->gpu_w[g][i]);
            if (!any) {
                part_fail(out, "%s: no energy counter and no power reading: %s", label,
                          s->gpu_why[g] && s->gpu_why[g][0] ? s->gpu_why[g] : "not readable");
                return;
            }
            src = "power_samples";
            min_s = s->interval_s;
            if (win < min_s) {
                snprintf(out->why, sizeof(out->why), "%s: no energy counter, and the window (%.1f ms) is shorter "
                         "than the monitor's interval (%.0f ms) its power readings are taken at", label, win * 1e3,
                         min_s * 1e3);
                out->j = out->w = NAN;
                out->source[0] = '\0';
                return;
            }
            if (!cllm_monitor_energy_from_power(s->t, s->gpu_w[g], s->n, w0, w1, &j, &gap, why, sizeof(why))) {
                part_fail(out, "%s: %s", label, why);
                return;
            }
        }
        sum += j;
        if (isfinite(gap) && gap > gap_max)
            gap_max = gap;
        join(out->source, sizeof(out->source), src);
    }
    out->j = sum;
    out->w = win > 0 ? sum / win : NAN;
    edge_note(out, gap_max, win);
}

static void cpu_part(const struct cllm_mon_energy_series *s, double w0, double w1, struct cllm_energy_part *out)
{
    double win = w1 - w0, gap = NAN;
    bool any = false;
    char why[200];

    out->j = out->w = NAN;
    out->source[0] = out->why[0] = '\0';
    for (size_t i = 0; s->cpu_j && i < s->n && !any; i++)
        any = isfinite(s->cpu_j[i]);
    if (!any) {
        snprintf(out->why, sizeof(out->why), "%s",
                 s->cpu_why && s->cpu_why[0] ? s->cpu_why : "RAPL not readable on this machine");
        return;
    }
    if (win < CLLM_ENERGY_MIN_RAPL_S) {
        snprintf(out->why, sizeof(out->why), "the window (%.1f ms) is shorter than RAPL's resolvable %.0f ms",
                 win * 1e3, CLLM_ENERGY_MIN_RAPL_S * 1e3);
        return;
    }
    if (!cllm_monitor_energy_from_counter(s->t, s->cpu_j, s->n, w0, w1, &out->j, &gap, why, sizeof(why))) {
        out->j = NAN;
        snprintf(out->why, sizeof(out->why), "RAPL: %s", why);
        return;
    }
    out->w = win > 0 ? out->j / win : NAN;
    snprintf(out->source, sizeof(out->source), "rapl");
    edge_note(out, gap, win);
}

void cllm_mon_energy_window(const struct cllm_mon_energy_series *s, double w0, double w1, uint32_t mask,
                            struct cllm_energy_window *out)
{
    bool g, c, asked;

    cllm_monitor_energy_clear(out);
    out->window_s = w1 - w0;
    gpu_part(s, w0, w1, mask, &out->gpu);
    cpu_part(s, w0, w1, &out->cpu);
    g = isfinite(out->gpu.j);
    c = isfinite(out->cpu.j);
    out->awaiting = strstr(out->gpu.why, k_after) || strstr(out->cpu.why, k_after);
    if (!g && !c) {
        snprintf(out->note, sizeof(out->note), "no energy reading: CPU package: %.200s; GPU: %.200s", out->cpu.why,
                 out->gpu.why);
        return;
    }
    /* the run used a GPU that was not measured: the CPU package alone would pass for the run's energy */
    asked = mask != 0 && (mask != CLLM_ENERGY_ALL_GPUS || s->n_gpus > 0);
    if (!g && asked) {
        snprintf(out->note, sizeof(out->note), "GPU not measured: %.300s (the CPU package's %.3f J alone would "
                 "understate the run)", out->gpu.why, out->cpu.j);
        return;
    }
    out->j = (g ? out->gpu.j : 0) + (c ? out->cpu.j : 0);
    out->w = out->window_s > 0 ? out->j / out->window_s : NAN;
    snprintf(out->domains, sizeof(out->domains), "%s%s%s", g ? "gpu" : "", g && c ? "+" : "", c ? "cpu_package" : "");
    snprintf(out->source, sizeof(out->source), "%s%s%s", g ? out->gpu.source : "", g && c ? "+" : "",
             c ? out->cpu.source : "");
    /* what is left out or approximate */
    if (!c)
        snprintf(out->note, sizeof(out->note), "CPU package not measured: %.200s", out->cpu.why);
    if (g && out->gpu.why[0])
        snprintf(out->note + strlen(out->note), sizeof(out->note) - strlen(out->note), "%sGPU %.200s",
                 out->note[0] ? "; " : "", out->gpu.why);
    if (c && out->cpu.why[0])
        snprintf(out->note + strlen(out->note), sizeof(out->note) - strlen(out->note), "%sCPU package %.200s",
                 out->note[0] ? "; " : "", out->cpu.why);
}
