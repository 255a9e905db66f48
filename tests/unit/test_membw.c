/* Memory bandwidth phase: byte counts, STREAM-style validation catching a wrong value, array sizing, arrays that
 * do not fit in the available RAM refused before allocating. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classic/membw.h"
#include "report/write_classic.h"
#include "report/result.h"
#include "hw/hw.h"
#include "test.h"
#include "core/json.h"

/* Runs the phase into its struct and writes it into ph as the results file holds it. */
static void run_into(const struct cllm_membw_params *p, cJSON *ph, struct cllm_membw_result *keep)
{
    struct cllm_membw_result r;
    cllm_membw_run(p, &r);
    cllm_write_membw(ph, &r);
    if (keep)
        *keep = r;
    else
        cllm_membw_result_free(&r);
}

static void test_bytes_per_kernel(void)
{
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_WRITE, 1000), 8000, 0);
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_READ, 1000), 8000, 0);
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_COPY, 1000), 16000, 0);
    CHECK_NEAR(cllm_membw_bytes(CLLM_MEMBW_TRIAD, 1000), 24000, 0);
    CHECK_STR(cllm_membw_kernel_name(CLLM_MEMBW_TRIAD), "triad");
}

static void test_check_catches_a_wrong_element(void)
{
    double a[64], b[64], c[64];
    for (int i = 0; i < 64; i++)
        a[i] = 5, b[i] = 2, c[i] = 1;
    CHECK_NEAR(cllm_membw_check(a, b, c, 64, 5, 2, 1), 0, 0);
    c[40] = 1.5;
    CHECK(cllm_membw_check(a, b, c, 64, 5, 2, 1) >= 0.5);
    c[40] = NAN;
    CHECK(isinf(cllm_membw_check(a, b, c, 64, 5, 2, 1)));
}

static void test_small_run_is_valid(void)
{
    struct cllm_membw_params p = cllm_membw_default_params();
    struct cllm_membw_result r;
    cJSON *ph = cJSON_CreateObject();
    p.array_bytes = 4u << 20;
    p.llc_bytes = -1;
    p.threads_all = 2;
    run_into(&p, ph, &r);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "ok");
    /* the struct other phases read (the roofline's read bandwidth) is what the JSON says */
    CHECK_INT(r.status, CLLM_CLASSIC_OK);
    CHECK(r.has_best);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "read_gbps")), r.best_gbps[CLLM_MEMBW_READ], 0);
    CHECK_NEAR(r.best_gbps[CLLM_MEMBW_READ], r.all_threads.k[CLLM_MEMBW_READ].gbps_best, 0);
    CHECK_INT(r.single_thread.k[CLLM_MEMBW_COPY].n_times, 5);
    cllm_membw_result_free(&r);
    CHECK(cJSON_IsTrue(cllm_json_path(ph, "validation.passed")));
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "array_bytes")), 4 << 20, 0);
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        char path[96];
        double all;
        snprintf(path, sizeof(path), "results.all_threads.%s.gbps", cllm_membw_kernel_name(k));
        all = cJSON_GetNumberValue(cllm_json_path(ph, path));
        CHECK(all > 0.1);
        snprintf(path, sizeof(path), "results.single_thread.%s.times_s", cllm_membw_kernel_name(k));
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(ph, path)), 5);
        /* the phase's headline number is the all-threads best */
        snprintf(path, sizeof(path), "%s_gbps", cllm_membw_kernel_name(k));
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, path)), all, 0);
    }
    /* gbps is the best pass: bytes / shortest time */
    {
        cJSON *times = cllm_json_path(ph, "results.single_thread.copy.times_s"), *t;
        double best = 1e9;
        cJSON_ArrayForEach(t, times) if (t->valuedouble < best) best = t->valuedouble;
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "results.single_thread.copy.gbps")),
                   16.0 * (double)(4 << 20) / 8.0 / best / 1e9, 1e-6);
    }
    cJSON_Delete(ph);
}

static void test_arrays_are_at_least_4x_llc(void)
{
    struct cllm_membw_params p = cllm_membw_default_params();
    cJSON *ph = cJSON_CreateObject();
    p.array_bytes = 1u << 20;
    p.llc_bytes = 2u << 20;
    p.threads_all = 1;
    run_into(&p, ph, NULL);
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "array_bytes")), 8 << 20, 0);
    cJSON_Delete(ph);
}

/* MemAvailable of this machine now, in bytes; -1 when unreadable. */
static int64_t mem_available(void)
{
    struct cllm_ram_info ram;
    cllm_ram_detect(NULL, &ram);
    return ram.available_bytes;
}

/* Runs the phase in a child (under an address-space limit 1 GiB above its current size where no sanitizer needs more), so an attempt to
 * allocate or touch arrays that do not fit cannot hurt this machine; returns the phase's status and reason. */
static void run_limited(size_t array_bytes, int64_t available, char *status, char *reason, size_t n)
{
    int fd[2];
    pid_t pid;
    char buf[1024] = "";
    ssize_t got, total = 0;

    status[0] = reason[0] = '\0';
    if (pipe(fd) != 0)
        return;
    pid = fork();
    if (pid == 0) {
        struct cllm_membw_params p = cllm_membw_default_params();
        cJSON *ph = cJSON_CreateObject();
        char out[1024];
        int len;
#if !defined(__SANITIZE_ADDRESS__)
        /* 1 GiB above what the process maps already (libraries, OpenBLAS's buffers) */
        unsigned long long pages = 0;
        FILE *sm = fopen("/proc/self/statm", "r");
        if (sm) {
            if (fscanf(sm, "%llu", &pages) != 1)
                pages = 0;
            fclose(sm);
        }
        if (pages > 0) {
            struct rlimit rl;
            rl.rlim_cur = rl.rlim_max = pages * (unsigned long long)sysconf(_SC_PAGESIZE) + (1ull << 30);
            setrlimit(RLIMIT_AS, &rl);
        }
#endif
        close(fd[0]);
        p.array_bytes = array_bytes;
        p.available_bytes = available;
        p.threads_all = 1;
        run_into(&p, ph, NULL);
        len = snprintf(out, sizeof(out), "%s\n%s", cJSON_GetStringValue(cllm_json_path(ph, "status")),
                       cJSON_GetStringValue(cllm_json_path(ph, "reason")) ? cJSON_GetStringValue(cllm_json_path(ph, "reason"))
                       : cJSON_GetStringValue(cllm_json_path(ph, "error")) ? cJSON_GetStringValue(cllm_json_path(ph, "error"))
                                                                            : "");
        if (write(fd[1], out, (size_t)len) < 0)
            _exit(2);
        _exit(0);
    }
    close(fd[1]);
    while ((got = read(fd[0], buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
        total += got;
    buf[total] = '\0';
    close(fd[0]);
    waitpid(pid, NULL, 0);
    {
        char *nl = strchr(buf, '\n');
        if (nl) {
            *nl = '\0';
            snprintf(reason, n, "%s", nl + 1);
        }
        snprintf(status, n, "%s", buf);
    }
}

/* classic.memory_array_mb = 65536: three 64 GiB arrays. Refused before allocating, with the size to use instead. */
static void test_arrays_larger_than_ram_are_refused(void)
{
    char status[1024], reason[1024];
    int64_t avail = mem_available();
    if (avail <= 0)
        SKIP("MemAvailable unknown on this machine");
    run_limited((size_t)65536 << 20, avail, status, reason, sizeof(status));
    CHECK_STR(status, "skipped");
    CHECK(strstr(reason, "3 arrays of 65536 MiB need 192.0 GiB") != NULL);
    CHECK(strstr(reason, "set classic.memory_array_mb to at most") != NULL);
    /* the limit it suggests does fit: a third of what is left after the margin */
    {
        const char *at = strstr(reason, "at most ");
        long long mb = at ? atoll(at + 8) : -1;
        int64_t margin = (int64_t)((double)avail * CLLM_MEMBW_MARGIN_FRACTION);
        if (margin < CLLM_MEMBW_MARGIN_MIN_BYTES)
            margin = CLLM_MEMBW_MARGIN_MIN_BYTES;
        CHECK_INT(mb, (avail - margin) / 3 / (1 << 20));
    }
}

/* Each array fits, three do not: allocation would succeed (overcommit) and touching them would swap or meet the
 * OOM killer, so the check is on the three together, with the margin. */
static void test_three_arrays_must_fit_with_margin(void)
{
    char status[1024], reason[1024];
    const size_t mib = 1u << 20;

    /* 3 x 64 MiB = 192 MiB against 400 MiB available: the 256 MiB minimum margin leaves 144 MiB */
    run_limited(64 * mib, (int64_t)400 * mib, status, reason, sizeof(status));
    CHECK_STR(status, "skipped");
    CHECK(strstr(reason, "at most 48") != NULL);
    /* 3 x 16 MiB = 48 MiB: fits in 400 - 256 MiB, measured */
    run_limited(16 * mib, (int64_t)400 * mib, status, reason, sizeof(status));
    CHECK_STR(status, "ok");
    /* a tenth of a large available RAM is kept: 3 x 3000 MiB = 8.8 GiB against 9.5 GiB available (8.5 GiB room) */
    run_limited(3000 * mib, (int64_t)9720 * mib, status, reason, sizeof(status));
    CHECK_STR(status, "skipped");
    CHECK(strstr(reason, "972 MiB margin") != NULL);
    /* arrays raised to 4 x LLC that do not fit: the setting is not what to change */
    {
        struct cllm_membw_params p = cllm_membw_default_params();
        cJSON *ph = cJSON_CreateObject();
        p.array_bytes = 1 * mib;
        p.llc_bytes = 64 * mib;
        p.available_bytes = 512 * mib;
        run_into(&p, ph, NULL);
        CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "skipped");
        CHECK(strstr(cJSON_GetStringValue(cllm_json_path(ph, "reason")), "4 x the last-level cache") != NULL);
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "array_bytes")), 256 * mib, 0);
        CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "ram_available_bytes")), 512 * mib, 0);
        cJSON_Delete(ph);
    }
}

/* Every configured pass is timed and recorded (the config allows 100): the records were capped at 64 passes. */
static void test_all_repeats_recorded(void)
{
    struct cllm_membw_params p = cllm_membw_default_params();
    cJSON *ph = cJSON_CreateObject();
    p.array_bytes = 1u << 20;
    p.llc_bytes = -1;
    p.threads_all = 2;
    p.repeats = 100;
    run_into(&p, ph, NULL);
    CHECK_STR(cJSON_GetStringValue(cllm_json_path(ph, "status")), "ok");
    CHECK_NEAR(cJSON_GetNumberValue(cllm_json_path(ph, "repeats")), 100, 0);
    for (int k = 0; k < CLLM_MEMBW_COUNT; k++) {
        char path[96];
        snprintf(path, sizeof(path), "results.single_thread.%s.times_s", cllm_membw_kernel_name(k));
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(ph, path)), 100);
        snprintf(path, sizeof(path), "results.all_threads.%s.times_s", cllm_membw_kernel_name(k));
        CHECK_INT(cJSON_GetArraySize(cllm_json_path(ph, path)), 100);
    }
    cJSON_Delete(ph);
}

int main(void)
{
    RUN(test_bytes_per_kernel);
    RUN(test_check_catches_a_wrong_element);
    RUN(test_small_run_is_valid);
    RUN(test_all_repeats_recorded);
    RUN(test_arrays_are_at_least_4x_llc);
    RUN(test_arrays_larger_than_ram_are_refused);
    RUN(test_three_arrays_must_fit_with_margin);
    return test_summary();
}
