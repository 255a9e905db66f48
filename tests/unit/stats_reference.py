#!/usr/bin/env python3
"""Reference numbers for tests/unit/test_stats.c, computed independently of src/core/stats.c.

Only the standard library: the Student-t tail is the t density integrated numerically (adaptive Simpson after
t = tan(theta), so the range is finite), the quantile is bisection on that tail, and Fieller's interval is found by
bisection on its defining inequality (not the quadratic formula the C code uses). Welch's t and df use the
statistics module. scipy.stats.ttest_ind(b, a, equal_var=False) gives the same t, df and p; scipy.stats.t.ppf the
same quantiles (it cannot be installed here: the numbers below are this script's).

Usage: python3 tests/unit/stats_reference.py
"""
import math
import statistics


def t_pdf(t, df):
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)
    return c * (1 + t * t / df) ** (-(df + 1) / 2)


def simpson(f, a, b, eps, whole, depth):
    m = (a + b) / 2
    lm, rm = (a + m) / 2, (m + b) / 2
    left = (m - a) / 6 * (f(a) + 4 * f(lm) + f(m))
    right = (b - m) / 6 * (f(m) + 4 * f(rm) + f(b))
    if depth <= 0 or abs(left + right - whole) <= 15 * eps:
        return left + right + (left + right - whole) / 15
    return simpson(f, a, m, eps / 2, left, depth - 1) + simpson(f, m, b, eps / 2, right, depth - 1)


def t_upper_tail(t, df):
    """P(T > t), t >= 0: the integral of the density over theta in [atan t, pi/2)."""
    def g(theta):
        if theta >= math.pi / 2:
            return 0.0 if df > 1 else t_pdf(1e300, df)
        s = math.tan(theta)
        return t_pdf(s, df) / math.cos(theta) ** 2
    a, b = math.atan(t), math.pi / 2
    whole = (b - a) / 6 * (g(a) + 4 * g((a + b) / 2) + g(b))
    return simpson(g, a, b, 1e-15, whole, 60)


def t_quantile(p, df):
    q = 1 - p if p > 0.5 else p
    lo, hi = 0.0, 1.0
    while t_upper_tail(hi, df) > q:
        lo, hi = hi, hi * 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_upper_tail(mid, df) > q:
            lo = mid
        else:
            hi = mid
    t = (lo + hi) / 2
    return t if p > 0.5 else -t


def normal_quantile(p):
    return statistics.NormalDist().inv_cdf(p)


def welch(a, b, level=0.95):
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se = math.sqrt(va + vb)
    t = (mb - ma) / se
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    p = 2 * t_upper_tail(abs(t), df)
    tq = t_quantile(1 - (1 - level) / 2, df)
    # Fieller: g(r) = (mb - r ma)^2 - tq^2 (vb + r^2 va) <= 0 around r = mb/ma; each end found by bisection
    g = lambda r: (mb - r * ma) ** 2 - tq * tq * (vb + r * r * va)
    r0 = mb / ma

    def edge(direction):
        inside, step = r0, abs(r0) * 1e-3 + 1e-12
        out = r0 + direction * step
        while g(out) <= 0:
            inside, out = out, r0 + direction * (abs(out - r0) * 2)
        for _ in range(200):
            mid = (inside + out) / 2
            if g(mid) <= 0:
                inside = mid
            else:
                out = mid
        return (inside + out) / 2
    return dict(mean_a=ma, mean_b=mb, t=t, df=df, p=p, tq=tq, diff_low=mb - ma - tq * se,
                diff_high=mb - ma + tq * se, ratio=r0, ratio_low=edge(-1), ratio_high=edge(+1))


CASES = {
    "separated": ([10.1, 10.3, 9.9, 10.2, 10.0], [12.4, 12.6, 12.5, 12.3, 12.7]),
    "equal_means": ([10.0, 11.0, 12.0], [12.0, 10.0, 11.0]),
    "textbook": ([1.0, 2.0, 3.0, 4.0, 5.0], [2.0, 4.0, 6.0, 8.0, 10.0]),
    "unequal": ([20.1, 19.8, 20.5, 20.3], [21.0, 22.4, 20.2, 23.1, 21.7, 22.0]),
    "one_side_flat": ([3.0, 3.0, 3.0], [3.1, 3.3, 3.2]),
    "noisy_lower": ([0.52, 0.61, 0.48, 0.55], [0.50, 0.47, 0.58, 0.49]),
}

if __name__ == "__main__":
    print("t quantiles, 0.975:")
    for df in (1, 2, 3, 5, 10, 30, 100, 5.882352941176471):
        print(f"  df={df}: {t_quantile(0.975, df):.12f}")
    print(f"  df=inf: {normal_quantile(0.975):.12f}")
    print(f"  closed forms: df=1 {math.tan(math.pi * 0.475):.12f}, df=2 {0.95 / math.sqrt(2 * 0.975 * 0.025):.12f}")
    print(f"  0.995 df=4: {t_quantile(0.995, 4):.12f}; 0.9995 df=1: {t_quantile(0.9995, 1):.10f}")
    print(f"  cdf(2.0, df=3): {1 - t_upper_tail(2.0, 3):.15f}; cdf(-1.5, df=7.5): {t_upper_tail(1.5, 7.5):.15f}")
    for name, (a, b) in CASES.items():
        w = welch(a, b)
        print(name + ": " + ", ".join(f"{k}={v:.12g}" for k, v in w.items()))
