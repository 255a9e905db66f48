#include "core/stats.h"

#include <math.h>

void cllm_stats_compute(const double *v, size_t n, struct cllm_stats *out)
{
    double sum = 0, sq = 0;
    out->n = n;
    out->mean = out->std = out->min = out->max = NAN;
    if (n == 0)
        return;
    out->min = out->max = v[0];
    for (size_t i = 0; i < n; i++) {
        sum += v[i];
        if (v[i] < out->min)
            out->min = v[i];
        if (v[i] > out->max)
            out->max = v[i];
    }
    out->mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        sq += (v[i] - out->mean) * (v[i] - out->mean);
    out->std = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;
}

double cllm_gemm_gflops(int n, double time_s)
{
    return time_s > 0 ? 2.0 * (double)n * (double)n * (double)n / time_s / 1e9 : NAN;
}

double cllm_bandwidth_gbps(double bytes, double time_s) { return time_s > 0 ? bytes / time_s / 1e9 : NAN; }

/* ---- Student's t and the two-sample test ---- */

#define CF_EPS 1e-15
#define CF_TINY 1e-300
#define CF_MAX_ITER 10000
/* above this many degrees of freedom the t distribution is taken as the normal one (the quantile moves by less
 * than 1e-7 at the 97.5 % point) */
#define T_NORMAL_DF 1e7
#define STATS_PI 3.14159265358979323846

/* The continued fraction of I_x(a, b) (Abramowitz & Stegun 26.5.8) by the modified Lentz method:
 * 1 / (1 + d1 / (1 + d2 / (1 + ...))) with d(2m+1) = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)),
 * d(2m) = m(b-m)x / ((a+2m-1)(a+2m)). */
static double betainc_cf(double a, double b, double x)
{
    double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;
    if (fabs(d) < CF_TINY)
        d = CF_TINY;
    d = 1.0 / d;
    h = d;
    for (int m = 1; m <= CF_MAX_ITER; m++) {
        double m2 = 2.0 * m;
        double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        for (int step = 0; step < 2; step++) {
            d = 1.0 + num * d;
            if (fabs(d) < CF_TINY)
                d = CF_TINY;
            c = 1.0 + num / c;
            if (fabs(c) < CF_TINY)
                c = CF_TINY;
            d = 1.0 / d;
            h *= d * c;
            if (step == 1 && fabs(d * c - 1.0) < CF_EPS)
                return h;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        }
    }
    return h;   /* not converged in CF_MAX_ITER: the best value reached */
}

double cllm_stats_betainc(double a, double b, double x)
{
    double front;
    if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1))
        return NAN;
    if (x == 0 || x == 1)
        return x;
    front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * betainc_cf(a, b, x) / a;
    return 1.0 - front * betainc_cf(b, a, 1.0 - x) / b;
}

/* P(T > t) for t >= 0, computed directly (no 1 - P) so that small tails keep their digits. */
static double t_upper_tail(double t, double df)
{
    if (df > T_NORMAL_DF)
        return 0.5 * erfc(t / sqrt(2.0));
    return 0.5 * cllm_stats_betainc(df / 2.0, 0.5, df / (df + t * t));
}

static double t_pdf(double t, double df)
{
    if (df > T_NORMAL_DF)
        return exp(-0.5 * t * t) / sqrt(2.0 * STATS_PI);
    return exp(lgamma((df + 1.0) / 2.0) - lgamma(df / 2.0) - 0.5 * log(df * STATS_PI) -
               (df + 1.0) / 2.0 * log1p(t * t / df));
}

double cllm_stats_t_cdf(double t, double df)
{
    double tail;
    if (isnan(t) || !(df > 0))
        return NAN;
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    tail = t_upper_tail(fabs(t), df);
    return t > 0 ? 1.0 - tail : tail;
}

double cllm_stats_t_quantile(double p, double df)
{
    double q, lo = 0.0, hi = 1.0, t;
    if (!(p > 0) || !(p < 1) || !(df > 0))
        return NAN;
    if (p == 0.5)
        return 0.0;
    q = p < 0.5 ? p : 1.0 - p;   /* the upper tail to reach, t > 0 */
    while (t_upper_tail(hi, df) > q) {
        lo = hi;
        hi *= 2.0;
        if (hi > 1e300)
            return p < 0.5 ? -INFINITY : INFINITY;
    }
    t = 0.5 * (lo + hi);
    for (int i = 0; i < 400; i++) {
        double tail = t_upper_tail(t, df), next;
        if (tail > q)
            lo = t;
        else
            hi = t;
        next = t + (tail - q) / t_pdf(t, df);   /* d tail / dt = -pdf */
        if (!(next > lo && next < hi))
            next = 0.5 * (lo + hi);   /* Newton left the bracket: bisect */
        if (fabs(next - t) <= 1e-12 * fabs(next) || hi - lo <= 1e-12 * hi) {
            t = next;
            break;
        }
        t = next;
    }
    return p < 0.5 ? -t : t;
}

static bool all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

void cllm_stats_welch_test(const double *a, size_t n_a, const double *b, size_t n_b, double level,
                           struct cllm_stats_test *out)
{
    struct cllm_stats sa, sb;
    double va, vb, se, diff, tq, alpha = 1.0 - level, fa;

    out->kind = CLLM_STATS_TOO_FEW;
    out->n_a = n_a;
    out->n_b = n_b;
    out->mean_a = out->mean_b = out->sd_a = out->sd_b = NAN;
    out->t = out->df = out->p = out->diff_low = out->diff_high = NAN;
    out->ratio = out->ratio_low = out->ratio_high = NAN;
    out->ratio_bounded = out->significant = false;
    if ((n_a && !all_finite(a, n_a)) || (n_b && !all_finite(b, n_b)) || !(level > 0 && level < 1))
        return;
    cllm_stats_compute(a, n_a, &sa);
    cllm_stats_compute(b, n_b, &sb);
    out->mean_a = sa.mean;
    out->mean_b = sb.mean;
    out->sd_a = n_a > 1 ? sa.std : NAN;
    out->sd_b = n_b > 1 ? sb.std : NAN;
    out->ratio = n_a && n_b && sa.mean != 0 ? sb.mean / sa.mean : NAN;
    if (n_a < 2 || n_b < 2)
        return;

    diff = sb.mean - sa.mean;
    va = sa.std * sa.std / (double)n_a;
    vb = sb.std * sb.std / (double)n_b;
    se = sqrt(va + vb);
    if (se == 0) {
        /* no spread on either side: the means are the values themselves, their difference is exact */
        out->kind = CLLM_STATS_NO_SPREAD;
        out->t = diff == 0 ? NAN : diff > 0 ? INFINITY : -INFINITY;
        out->p = diff == 0 ? 1.0 : 0.0;
        out->diff_low = out->diff_high = diff;
        out->ratio_low = out->ratio_high = out->ratio;
        out->ratio_bounded = !isnan(out->ratio);
        out->significant = diff != 0;
        return;
    }
    out->kind = CLLM_STATS_WELCH;
    out->t = diff / se;
    out->df = (va + vb) * (va + vb) / (va * va / (double)(n_a - 1) + vb * vb / (double)(n_b - 1));
    out->p = 2.0 * t_upper_tail(fabs(out->t), out->df);
    if (out->p > 1)
        out->p = 1;
    tq = cllm_stats_t_quantile(1.0 - alpha / 2.0, out->df);
    out->diff_low = diff - tq * se;
    out->diff_high = diff + tq * se;
    out->significant = fabs(out->t) > tq;
    /* Fieller: the ratios r with (mean_b - r·mean_a)² <= tq²·(vb + r²·va), i.e. the roots of
     * (mean_a² - tq²·va)·r² - 2·mean_a·mean_b·r + (mean_b² - tq²·vb) = 0; a bounded interval only when the first
     * coefficient is positive (mean_a itself significantly away from 0). r = 1 is inside exactly when |t| <= tq. */
    fa = sa.mean * sa.mean - tq * tq * va;
    if (fa > 0) {
        double disc = sa.mean * sa.mean * sb.mean * sb.mean - fa * (sb.mean * sb.mean - tq * tq * vb);
        double root = sqrt(disc > 0 ? disc : 0);
        out->ratio_low = (sa.mean * sb.mean - root) / fa;
        out->ratio_high = (sa.mean * sb.mean + root) / fa;
        out->ratio_bounded = true;
    }
}
