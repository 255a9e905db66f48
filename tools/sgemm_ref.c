/* The reference for the CPU GFLOPS phase: plain OpenBLAS cblas_sgemm timed with nothing around it.
 *   sgemm_ref N THREADS [ITERATIONS]  →  prints "N threads mean_s best_s gflops_mean gflops_best" */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 2048, threads = argc > 2 ? atoi(argv[2]) : 1;
    int iters = argc > 3 ? atoi(argv[3]) : 3;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    double sum = 0, best = 1e30;

    if (!a || !b || !c || n <= 0 || threads <= 0 || iters <= 0)
        return 2;
    for (long i = 0; i < (long)n * n; i++) {
        a[i] = (float)((i * 7919) % 1000) / 1000.0f - 0.5f;
        b[i] = (float)((i * 104729) % 1000) / 1000.0f - 0.5f;
    }
    openblas_set_num_threads(threads);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
    for (int i = 0; i < iters; i++) {
        double t0 = now(), t;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        t = now() - t0;
        sum += t;
        if (t < best)
            best = t;
    }
    printf("%d %d %.6f %.6f %.2f %.2f\n", n, threads, sum / iters, best, 2.0 * n * n * n / (sum / iters) / 1e9,
           2.0 * n * n * n / best / 1e9);
    free(a), free(b), free(c);
    return 0;
}
