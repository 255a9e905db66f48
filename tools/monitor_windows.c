/* The monitor's windows on the live machine: 1 s idle, then one classic phase (gpu_compute when a GPU is detected,
 * else cpu_multi_thread) cut into 1 s windows, then 1 s after; each window's CPU clock, other processes' CPU share,
 * and per GPU the SM clock min/mean/max, clocks-event (throttle) reasons, temperature and power, with the throttle
 * mark cllm_monitor_mark_throttled gives the phase's windows. Not a test: what it prints goes to docs/performance.md.
 *   monitor_windows [config.json] */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "classic/classic.h"
#include "core/clock.h"
#include "core/config.h"
#include "hw/hw.h"
#include "monitor/monitor.h"

#define MAX_WINDOWS 600

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void show(const char *what, const struct cllm_monitor_window *w, const struct cllm_throttle_mark *mk)
{
    printf("%-8s %2zu%s  CPU %5.0f/%5.0f MHz  other %5.1f %%", what, w->n_samples, w->nearest ? "*" : " ",
           w->cpu_clock_mhz_min, w->cpu_clock_mhz_mean, w->other_cpu_pct_mean);
    for (int g = 0; g < w->n_gpus; g++) {
        printf("  | GPU%d SM %4.0f/%4.0f/%4.0f MHz ", g, w->gpu[g].sm_clock_mhz_min, w->gpu[g].sm_clock_mhz_mean,
               w->gpu[g].sm_clock_mhz_max);
        if (w->gpu[g].throttle_known)
            printf("reasons 0x%03llx", w->gpu[g].throttle_reasons);
        else
            printf("reasons ?    ");
        printf(" %3.0f C %4.0f W", w->gpu[g].temp_c_max, w->gpu[g].power_w_mean);
    }
    if (mk)
        printf("  | %s", mk->throttled ? mk->reason : "-");
    putchar('\n');
}

int main(int argc, char **argv)
{
    struct cllm_monitor_params mp = cllm_monitor_default_params();
    struct cllm_hw_params hp = cllm_hw_default_params();
    struct cllm_classic_params p = cllm_classic_default_params();
    static struct cllm_hw_info hw;
    static struct cllm_classic_result r;
    static struct cllm_monitor_window w[MAX_WINDOWS];
    static struct cllm_throttle_mark mk[MAX_WINDOWS];
    struct cllm_monitor_window idle, after;
    struct cllm_config cfg;
    struct cllm_monitor *m;
    char err[512];
    uint64_t t0, t1, t2, t3;
    int n = 0;

    cllm_config_defaults(&cfg);
    if (argc > 1 && cllm_config_load(&cfg, argv[1], err, sizeof(err)) != CLLM_OK) {
        fprintf(stderr, "monitor_windows: %s\n", err);
        return 2;
    }
    cllm_hw_detect(&hp, &hw);
    mp.interval_s = 0.1;
    m = cllm_monitor_start(&mp, err, sizeof(err));
    if (!m) {
        fprintf(stderr, "monitor_windows: the monitor did not start: %s\n", err);
        return 1;
    }
    p.cfg = &cfg;
    p.hw = &hw;
    p.only = hw.gpu.n_devices > 0 ? CLLM_CLASSIC_GPU : CLLM_CLASSIC_CPU_MULTI;
    p.cleanup = false;
    p.monitor = false;
    printf("%d logical CPUs, %d GPU(s) sampled; phase %s; windows of 1 s, samples every 0.1 s (* = none inside: the "
           "one before)\n", cllm_monitor_info(m)->logical_cpus, cllm_monitor_info(m)->n_gpus,
           p.only == CLLM_CLASSIC_GPU ? "gpu_compute" : "cpu_multi_thread");
    t0 = cllm_now_ns();
    sleep_s(1.0);
    t1 = cllm_now_ns();
    cllm_classic_run(&p, &r);
    t2 = cllm_now_ns();
    sleep_s(1.0);
    t3 = cllm_now_ns();
    cllm_monitor_window(m, t0, t1, &idle);
    for (uint64_t a = t1; a < t2 && n < MAX_WINDOWS; a += 1000000000ull, n++)
        cllm_monitor_window(m, a, a + 1000000000ull < t2 ? a + 1000000000ull : t2, &w[n]);
    cllm_monitor_window(m, t2, t3, &after);
    cllm_monitor_stop(m);
    printf("phase: %s in %.1f s; %d of its %d windows throttled\n",
           cllm_classic_phase_status(&r, p.only) == CLLM_CLASSIC_OK ? "ok" : "not ok", (double)(t2 - t1) / 1e9,
           cllm_monitor_mark_throttled(w, n, mk), n);
    show("idle", &idle, NULL);
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof(name), "phase %d", i);
        show(name, &w[i], &mk[i]);
    }
    show("after", &after, NULL);
    printf("other processes over the whole time: %.1f %% of the CPU%s\n", cllm_monitor_summary(m)->other_cpu_pct_mean,
           cllm_monitor_noisy(cllm_monitor_summary(m), NULL) ? " (noisy: numbers may be low)" : "");
    cllm_monitor_free(m);
    cllm_classic_result_free(&r);
    return 0;
}
