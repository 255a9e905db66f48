/* The statistics of src/core/stats.c: the Student-t distribution and quantile against tabulated values, Welch's
 * test and Fieller's ratio interval against fixed samples. The expected numbers come from
 * tests/unit/stats_reference.py (an independent implementation: the t density integrated numerically, bisection,
 * Fieller's inequality solved by bisection); the quantiles also match the usual printed t tables (12.706, 4.303,
 * 2.571, 2.228, 2.042, 1.960). scipy.stats.ttest_ind(b, a, equal_var=False) computes the same t, df and p. */
#include "core/stats.h"
#include "test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_betainc(void)
{
    /* closed forms: I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1-x)^b, I_0.5(a, a) = 0.5 */
    CHECK_NEAR(cllm_stats_betainc(1, 1, 0.3), 0.3, 1e-14);
    CHECK_NEAR(cllm_stats_betainc(3, 1, 0.7), 0.343, 1e-14);
    CHECK_NEAR(cllm_stats_betainc(1, 4, 0.2), 1 - pow(0.8, 4), 1e-14);
    CHECK_NEAR(cllm_stats_betainc(7.5, 7.5, 0.5), 0.5, 1e-14);
    CHECK_NEAR(cllm_stats_betainc(2.5, 0.5, 0.9) + cllm_stats_betainc(0.5, 2.5, 0.1), 1.0, 1e-14);
    CHECK(cllm_stats_betainc(2, 3, 0) == 0 && cllm_stats_betainc(2, 3, 1) == 1);
    CHECK(isnan(cllm_stats_betainc(0, 3, 0.5)) && isnan(cllm_stats_betainc(2, 3, 1.5)));
    CHECK(isnan(cllm_stats_betainc(2, 3, NAN)));
}

static void test_t_cdf(void)
{
    /* df = 1 is Cauchy: 0.5 + atan(t)/pi; df = 2: 0.5 + t / (2 sqrt(t² + 2)) */
    CHECK_NEAR(cllm_stats_t_cdf(1.0, 1), 0.75, 1e-13);
    CHECK_NEAR(cllm_stats_t_cdf(-3.0, 1), 0.5 + atan(-3.0) / 3.14159265358979323846, 1e-13);
    CHECK_NEAR(cllm_stats_t_cdf(1.5, 2), 0.5 + 1.5 / (2 * sqrt(1.5 * 1.5 + 2)), 1e-13);
    CHECK_NEAR(cllm_stats_t_cdf(2.0, 3), 0.930337015720578, 1e-12);     /* stats_reference.py */
    CHECK_NEAR(cllm_stats_t_cdf(-1.5, 7.5), 0.087240285293232, 1e-12);  /* non-integer df, as Welch's */
    CHECK_NEAR(cllm_stats_t_cdf(1.959963984540, INFINITY), 0.975, 1e-12);
    CHECK(cllm_stats_t_cdf(0, 4) == 0.5);
    CHECK(cllm_stats_t_cdf(INFINITY, 4) == 1 && cllm_stats_t_cdf(-INFINITY, 4) == 0);
    CHECK(isnan(cllm_stats_t_cdf(1, 0)) && isnan(cllm_stats_t_cdf(NAN, 3)));
}

static void test_t_quantile(void)
{
    static const struct { double df, t; } table[] = {
        {1, 12.706204736175}, {2, 4.302652729749}, {3, 3.182446305284}, {5, 2.570581835636},
        {10, 2.228138851986}, {30, 2.042272456301}, {100, 1.983971518524}, {5.882352941176471, 2.458823709699},
        {INFINITY, 1.959963984540},
    };
    for (size_t i = 0; i < N(table); i++) {
        double t = cllm_stats_t_quantile(0.975, table[i].df);
        CHECK_NEAR(t, table[i].t, 1e-9);
        CHECK_NEAR(cllm_stats_t_quantile(0.025, table[i].df), -table[i].t, 1e-9);
        CHECK_NEAR(cllm_stats_t_cdf(t, table[i].df), 0.975, 1e-12);   /* the round trip */
    }
    /* the printed tables' three decimals */
    CHECK_NEAR(cllm_stats_t_quantile(0.975, 1), 12.706, 5e-4);
    CHECK_NEAR(cllm_stats_t_quantile(0.975, 2), 4.303, 5e-4);
    CHECK_NEAR(cllm_stats_t_quantile(0.975, 5), 2.571, 5e-4);
    CHECK_NEAR(cllm_stats_t_quantile(0.975, 10), 2.228, 5e-4);
    CHECK_NEAR(cllm_stats_t_quantile(0.975, 30), 2.042, 5e-4);
    CHECK_NEAR(cllm_stats_t_quantile(0.975, 1e9), 1.960, 5e-4);
    /* far tails */
    CHECK_NEAR(cllm_stats_t_quantile(0.995, 4), 4.604094871350, 1e-9);
    CHECK_NEAR(cllm_stats_t_quantile(0.9995, 1), 636.6192487687, 1e-6);
    CHECK(cllm_stats_t_quantile(0.5, 3) == 0);
    CHECK(isnan(cllm_stats_t_quantile(0, 3)) && isnan(cllm_stats_t_quantile(1, 3)));
    CHECK(isnan(cllm_stats_t_quantile(0.975, -1)));
}

struct ref {
    double t, df, p, diff_low, diff_high, ratio, ratio_low, ratio_high;
};

static void check_ref(const double *a, size_t na, const double *b, size_t nb, const struct ref *r, bool significant)
{
    struct cllm_stats_test s;
    cllm_stats_welch_test(a, na, b, nb, 0.95, &s);
    CHECK_INT(s.kind, CLLM_STATS_WELCH);
    CHECK_INT(s.n_a, na);
    CHECK_INT(s.n_b, nb);
    CHECK_NEAR(s.t, r->t, 1e-9);
    CHECK_NEAR(s.df, r->df, 1e-9);
    CHECK_NEAR(s.p, r->p, 1e-9 + 1e-7 * r->p);
    CHECK_NEAR(s.diff_low, r->diff_low, 1e-9);
    CHECK_NEAR(s.diff_high, r->diff_high, 1e-9);
    CHECK_NEAR(s.ratio, r->ratio, 1e-10);
    CHECK(s.ratio_bounded);
    CHECK_NEAR(s.ratio_low, r->ratio_low, 1e-9);
    CHECK_NEAR(s.ratio_high, r->ratio_high, 1e-9);
    CHECK(s.significant == significant);
    /* the ratio's interval excludes 1 exactly when the test is significant */
    CHECK((s.ratio_low > 1 || s.ratio_high < 1) == significant);
}

static void test_welch_separated(void)
{
    /* clearly separated: B about 1.24× A, every bound to 1e-3 and tighter */
    static const double a[] = {10.1, 10.3, 9.9, 10.2, 10.0}, b[] = {12.4, 12.6, 12.5, 12.3, 12.7};
    static const struct ref r = {24.0, 8.0, 9.68189341491e-09, 2.16939958648, 2.63060041352, 1.23762376238,
                                 1.21225301447, 1.26363983644};
    struct cllm_stats_test s;
    check_ref(a, N(a), b, N(b), &r, true);
    cllm_stats_welch_test(a, N(a), b, N(b), 0.95, &s);
    CHECK_NEAR(s.ratio_low, 1.212, 1e-3);
    CHECK_NEAR(s.ratio_high, 1.264, 1e-3);
    CHECK_NEAR(s.mean_a, 10.1, 1e-12);
    CHECK_NEAR(s.mean_b, 12.5, 1e-12);
    /* the other way round: t and the difference change sign, the ratio interval inverts */
    cllm_stats_welch_test(b, N(b), a, N(a), 0.95, &s);
    CHECK_NEAR(s.t, -24.0, 1e-9);
    CHECK_NEAR(s.ratio, 1 / 1.23762376238, 1e-9);
    CHECK(s.significant && s.ratio_high < 1);
}

static void test_welch_equal_means(void)
{
    static const double a[] = {10, 11, 12}, b[] = {12, 10, 11};
    static const struct ref r = {0.0, 4.0, 1.0, -2.26695793553, 2.26695793553, 1.0, 0.812259035027, 1.23113435108};
    check_ref(a, N(a), b, N(b), &r, false);
}

static void test_welch_references(void)
{
    static const double a1[] = {1, 2, 3, 4, 5}, b1[] = {2, 4, 6, 8, 10};
    static const struct ref r1 = {1.8973665961, 5.88235294118, 0.107531194931, -0.887741643737, 6.88774164374, 2.0,
                                  0.76002752537, 5.26296728273};
    static const double a2[] = {20.1, 19.8, 20.5, 20.3}, b2[] = {21.0, 22.4, 20.2, 23.1, 21.7, 22.0};
    static const struct ref r2 = {3.5014797477, 6.18285862202, 0.0121921283496, 0.477095046176, 2.63957162049,
                                  1.07724080958, 1.02350458866, 1.13167369552};
    static const double a3[] = {3, 3, 3}, b3[] = {3.1, 3.3, 3.2};   /* one side without spread: df = n_b - 1 */
    static const struct ref r3 = {3.46410161514, 2.0, 0.0741799002274, -0.048413771175, 0.448413771175,
                                  1.06666666667, 0.983862076275, 1.14947125706};
    static const double a4[] = {0.52, 0.61, 0.48, 0.55}, b4[] = {0.50, 0.47, 0.58, 0.49};
    static const struct ref r4 = {-0.821583836258, 5.90769230769, 0.44319878866, -0.119688092857, 0.0596880928574,
                                  0.944444444444, 0.796421312626, 1.12223921403};
    check_ref(a1, N(a1), b1, N(b1), &r1, false);
    check_ref(a2, N(a2), b2, N(b2), &r2, true);
    check_ref(a3, N(a3), b3, N(b3), &r3, false);
    check_ref(a4, N(a4), b4, N(b4), &r4, false);
}

static void test_too_few_and_no_spread(void)
{
    static const double one[] = {10}, two[] = {11, 12}, flat5[] = {5, 5, 5}, flat5b[] = {5, 5}, flat6[] = {6, 6};
    static const double bad[] = {1, NAN, 3};
    struct cllm_stats_test s;

    cllm_stats_welch_test(one, 1, two, 2, 0.95, &s);   /* n = 1 on a side */
    CHECK_INT(s.kind, CLLM_STATS_TOO_FEW);
    CHECK(s.n_a == 1 && s.n_b == 2 && !s.significant && isnan(s.p) && isnan(s.ratio_low));
    CHECK_NEAR(s.ratio, 1.15, 1e-12);   /* the means are still there, without an interval */
    cllm_stats_welch_test(NULL, 0, two, 2, 0.95, &s);
    CHECK(s.kind == CLLM_STATS_TOO_FEW && s.n_a == 0 && isnan(s.ratio));
    cllm_stats_welch_test(bad, 3, two, 2, 0.95, &s);
    CHECK(s.kind == CLLM_STATS_TOO_FEW && isnan(s.mean_a));

    /* zero variance on both sides: equal means are no difference, different ones an exact difference */
    cllm_stats_welch_test(flat5, 3, flat5b, 2, 0.95, &s);
    CHECK_INT(s.kind, CLLM_STATS_NO_SPREAD);
    CHECK(!s.significant && s.p == 1 && s.ratio == 1 && s.ratio_low == 1 && s.ratio_high == 1 && isnan(s.df));
    cllm_stats_welch_test(flat5, 3, flat6, 2, 0.95, &s);
    CHECK_INT(s.kind, CLLM_STATS_NO_SPREAD);
    CHECK(s.significant && s.p == 0 && isinf(s.t) && s.t > 0);
    CHECK_NEAR(s.ratio_low, 1.2, 1e-15);
    CHECK_NEAR(s.ratio_high, 1.2, 1e-15);
}

static void test_unbounded_ratio(void)
{
    /* a baseline whose mean is not distinguishable from 0: Fieller's set is unbounded, the test still answers */
    static const double a[] = {-1, 0.5, 2}, b[] = {10, 11, 12};
    struct cllm_stats_test s;
    cllm_stats_welch_test(a, N(a), b, N(b), 0.95, &s);
    CHECK_INT(s.kind, CLLM_STATS_WELCH);
    CHECK(!s.ratio_bounded && isnan(s.ratio_low) && isnan(s.ratio_high));
    CHECK(s.significant);
}

int main(void)
{
    RUN(test_betainc);
    RUN(test_t_cdf);
    RUN(test_t_quantile);
    RUN(test_welch_separated);
    RUN(test_welch_equal_means);
    RUN(test_welch_references);
    RUN(test_too_few_and_no_spread);
    RUN(test_unbounded_ratio);
    return test_summary();
}
