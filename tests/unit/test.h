/* Minimal test harness: CHECK macros count failures; each test file's main calls RUN(fn) and returns
 * test_summary(). Prints "N passed, N failed" per file. */
#ifndef CLLM_TEST_H
#define CLLM_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_checks_failed;
static int t_tests_passed, t_tests_failed, t_tests_skipped;
static int t_skip;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);       \
            t_checks_failed++;                                                             \
        }                                                                                  \
    } while (0)

#define CHECK_INT(a, b)                                                                    \
    do {                                                                                   \
        long long _a = (long long)(a), _b = (long long)(b);                                \
        if (_a != _b) {                                                                    \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); \
            t_checks_failed++;                                                             \
        }                                                                                  \
    } while (0)

#define CHECK_STR(a, b)                                                                    \
    do {                                                                                   \
        const char *_a = (a), *_b = (b);                                                   \
        if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
                    _a ? _a : "(null)", _b ? _b : "(null)");                               \
            t_checks_failed++;                                                             \
        }                                                                                  \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                              \
    do {                                                                                   \
        double _a = (double)(a), _b = (double)(b);                                         \
        if (!(fabs(_a - _b) <= (tol))) {                                                   \
            fprintf(stderr, "%s:%d: %s == %.9g, expected %.9g ± %g\n", __FILE__, __LINE__, #a, _a, _b, \
                    (double)(tol));                                                        \
            t_checks_failed++;                                                             \
        }                                                                                  \
    } while (0)

/* Marks the running test skipped (with why) and returns from it. */
#define SKIP(...)                                                                          \
    do {                                                                                   \
        fprintf(stderr, "  skip: ");                                                       \
        fprintf(stderr, __VA_ARGS__);                                                      \
        fprintf(stderr, "\n");                                                             \
        t_skip = 1;                                                                        \
        return;                                                                            \
    } while (0)

#define RUN(fn)                                                                            \
    do {                                                                                   \
        int _before = t_checks_failed;                                                     \
        t_skip = 0;                                                                        \
        fn();                                                                              \
        if (t_checks_failed != _before) {                                                  \
            t_tests_failed++;                                                              \
            fprintf(stderr, "FAIL %s\n", #fn);                                             \
        } else if (t_skip) {                                                               \
            t_tests_skipped++;                                                             \
            fprintf(stderr, "skip %s\n", #fn);                                             \
        } else {                                                                           \
            t_tests_passed++;                                                              \
            fprintf(stderr, "ok   %s\n", #fn);                                             \
        }                                                                                  \
    } while (0)

/* For timing checks against a machine that may be busy: runs once() up to three times and keeps only the failures
 * of the last try. */
static inline void test_retry3(void (*once)(void))
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int before = t_checks_failed;
        once();
        if (t_checks_failed == before)
            return;
        if (attempt < 2) {
            fprintf(stderr, "  (try %d off the schedule, again)\n", attempt + 1);
            t_checks_failed = before;
        }
    }
}

static inline int test_summary(void)
{
    printf("%d passed, %d failed, %d skipped\n", t_tests_passed, t_tests_failed, t_tests_skipped);
    return t_tests_failed ? 1 : 0;
}

/* dir/name in one of four rotating buffers, so a call can take a few such paths at once. */
static inline const char *test_join(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int slot;
    char *out = buf[slot++ & 3];
    snprintf(out, 1024, "%s/%s", dir, name);
    return out;
}

/* Path of a file under tests/data (CLLM_TEST_DATA is set by CTest). */
static inline const char *test_data(const char *rel)
{
    const char *base = getenv("CLLM_TEST_DATA");
    return test_join(base ? base : "tests/data", rel);
}

/* Reads a whole file into a malloc'd NUL-terminated buffer (NULL on failure). */
static inline char *test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = (cap ? cap * 2 : 8192);
            buf = (char *)realloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* A fresh empty folder $TMPDIR/cllm_<tag>_XXXXXX (or under /tmp), written to buf; NULL with a message when it
 * cannot be made. The test removes it with test_rmtree. */
static inline const char *test_mkdtemp(char *buf, size_t len, const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, len, "%s/cllm_%s_XXXXXX", tmp && tmp[0] ? tmp : "/tmp", tag);
    if (!mkdtemp(buf)) {
        perror(buf);
        return NULL;
    }
    return buf;
}

/* Removes a test's temporary folder and everything in it (complains, does not fail, when it cannot). */
static inline void test_rmtree(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

#endif
