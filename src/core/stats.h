/* Sample statistics, the rates of timed measurements (GFLOPS, GB/s), and the test of whether two sets of samples
 * differ: Welch's t on the means with the Student-t distribution, and Fieller's confidence interval of the ratio of
 * the means (docs/results-schema.md, "Comparison statistics"). */
#ifndef CLLM_STATS_H
#define CLLM_STATS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cllm_stats {
    double mean, std, min, max;   /* std is the sample standard deviation (n-1); 0 for one sample */
    size_t n;
};

void cllm_stats_compute(const double *v, size_t n, struct cllm_stats *out);

/* GFLOPS of an N×N×N matrix product taking time_s: 2·N³ / time / 1e9. */
double cllm_gemm_gflops(int n, double time_s);

/* GB/s (10^9 bytes per second) of moving `bytes` in time_s. */
double cllm_bandwidth_gbps(double bytes, double time_s);

/* The regularized incomplete beta function I_x(a, b), a > 0, b > 0, 0 <= x <= 1 (NAN otherwise): a continued
 * fraction evaluated by the modified Lentz method, on the side of x where it converges fast. */
double cllm_stats_betainc(double a, double b, double x);

/* P(T <= t) for Student's t with df > 0 degrees of freedom (df need not be an integer; INFINITY gives the
 * standard normal). NAN for df <= 0 or NAN arguments. */
double cllm_stats_t_cdf(double t, double df);

/* The t with P(T <= t) = p, 0 < p < 1 (NAN otherwise); df as cllm_stats_t_cdf. Bracketed Newton steps on
 * cllm_stats_t_cdf to a relative 1e-12. */
double cllm_stats_t_quantile(double p, double df);

/* What a two-sample test could say. */
enum cllm_stats_test_kind {
    CLLM_STATS_TOO_FEW,     /* fewer than 2 samples on a side (or a non-finite sample): nothing computed but n */
    CLLM_STATS_WELCH,       /* Welch's t and Fieller's interval computed */
    CLLM_STATS_NO_SPREAD,   /* both sides have zero variance: the means are exact (t infinite or undefined) */
};

/* Welch's two-sample t test of mean_b - mean_a and Fieller's interval of mean_b / mean_a at one confidence
 * level, the two samples independent, each roughly normal in its mean. */
struct cllm_stats_test {
    enum cllm_stats_test_kind kind;
    size_t n_a, n_b;
    double mean_a, mean_b;
    double sd_a, sd_b;        /* sample standard deviations (n-1) */
    double t;                 /* (mean_b - mean_a) / sqrt(sd_a²/n_a + sd_b²/n_b); ±INFINITY with no spread */
    double df;                /* Welch–Satterthwaite degrees of freedom; NAN with no spread */
    double p;                 /* two-sided p-value of t on df; 0 or 1 with no spread */
    double diff_low, diff_high;    /* CI of mean_b - mean_a */
    double ratio;             /* mean_b / mean_a; NAN when mean_a is 0 */
    double ratio_low, ratio_high;  /* Fieller's CI of the ratio; NAN (ratio_bounded false) when mean_a is not
                                      distinguishable from 0 at this level: the interval is then unbounded */
    bool   ratio_bounded;
    bool   significant;       /* p < 1 - level: the CI of the difference (and Fieller's of the ratio) excludes
                                 0 (and 1) */
};

/* Tests b against a at `level` (0 < level < 1, e.g. 0.95). Samples that are not finite make the test TOO_FEW
 * (counted in n). */
void cllm_stats_welch_test(const double *a, size_t n_a, const double *b, size_t n_b, double level,
                           struct cllm_stats_test *out);

#ifdef __cplusplus
}
#endif

#endif
