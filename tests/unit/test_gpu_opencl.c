/* OpenCL detection (gpu/opencl.c): no loader, a library that is not a loader, a captured tree, a stand-in loader
 * (tests/unit/fake_opencl.c) for every answer a loader may give, the writer's JSON, and the real ICD loader with
 * PoCL's CPU device when the machine has them (scripts/setup installs ocl-icd-libopencl1 and pocl-opencl-icd). */
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "hw/hw.h"
#include "platform/dl.h"
#include "report/write_hw.h"
#include "test.h"

static struct cllm_opencl_info g_cl;

static const struct cllm_opencl_platform *platform_named(const struct cllm_opencl_info *cl, const char *name)
{
    for (int i = 0; i < cl->n_platforms; i++)
        if (strcmp(cl->platforms[i].name, name) == 0)
            return &cl->platforms[i];
    return NULL;
}

static const char *why(const struct cllm_opencl_info *cl, const char *key) { return cllm_reason_get(&cl->why, key); }

static void test_no_loader(void)
{
    static const char *const names[] = {"/nonexistent/libOpenCL.so.1", "libcllm-no-such-opencl.so.1", NULL};
    struct cllm_gpu_params p = {"/", true};

    cllm_gpu_opencl_detect(&p, names, &g_cl);
    CHECK_INT(g_cl.status, CLLM_OPENCL_NO_LOADER);
    CHECK_STR(cllm_gpu_opencl_status_name(g_cl.status), "no_loader");
    CHECK(strstr(g_cl.detail, "no OpenCL ICD loader") != NULL);
    CHECK(strstr(g_cl.detail, "/nonexistent/libOpenCL.so.1") != NULL);   /* each name tried is named */
    CHECK(strstr(g_cl.detail, "ocl-icd-libopencl1") != NULL);            /* and what to install */
    CHECK_STR(g_cl.library, "");
    CHECK_INT(g_cl.n_platforms, 0);
    CHECK_INT(g_cl.n_devices, 0);
}

static void test_not_a_loader(void)
{
    static const char *const names[] = {"libm.so.6", NULL};
    struct cllm_gpu_params p = {"/", true};

    cllm_gpu_opencl_detect(&p, names, &g_cl);
    CHECK_INT(g_cl.status, CLLM_OPENCL_ERROR);
    CHECK(strstr(g_cl.detail, "is not an OpenCL ICD loader") != NULL);
    CHECK(strstr(g_cl.detail, "clGetPlatformIDs") != NULL);
    CHECK(strstr(g_cl.library, "libm") != NULL);
    CHECK_INT(g_cl.n_platforms, 0);
}

static void test_captured_tree_not_queried(void)
{
    struct cllm_gpu_params p = {test_data("sysfs/no-gpu-bochs"), false};
    cllm_gpu_opencl_detect(&p, NULL, &g_cl);
    CHECK_INT(g_cl.status, CLLM_OPENCL_NOT_QUERIED);
    CHECK(strstr(g_cl.detail, "captured tree") != NULL);
    CHECK_STR(g_cl.library, "");
    p.root = "/";   /* the live root but live false: not asked either */
    cllm_gpu_opencl_detect(&p, NULL, &g_cl);
    CHECK_INT(g_cl.status, CLLM_OPENCL_NOT_QUERIED);
}

static void fake(const char *mode)
{
    static const char *const names[] = {CLLM_FAKE_OPENCL_LIB, NULL};
    setenv("CLLM_FAKE_CL_MODE", mode, 1);
    cllm_gpu_opencl_detect(NULL, names, &g_cl);
}

static void test_fake_no_platform(void)
{
    fake("none");
    CHECK_INT(g_cl.status, CLLM_OPENCL_NO_PLATFORM);
    CHECK(strstr(g_cl.detail, "no platform") != NULL);
    CHECK(strstr(g_cl.detail, "pocl-opencl-icd") != NULL);
    CHECK(strstr(g_cl.library, "fake_opencl") != NULL);
    CHECK_INT(g_cl.n_platforms, 0);
    fake("zero");
    CHECK_INT(g_cl.status, CLLM_OPENCL_NO_PLATFORM);
    fake("error");
    CHECK_INT(g_cl.status, CLLM_OPENCL_ERROR);
    CHECK(strstr(g_cl.detail, "CL_OUT_OF_HOST_MEMORY (-6)") != NULL);
}

static void test_fake_bounded_counts(void)
{
    fake("many");
    CHECK_INT(g_cl.status, CLLM_OPENCL_OK);
    CHECK_INT(g_cl.n_platforms, CLLM_OPENCL_MAX_PLATFORMS);
    CHECK_INT(g_cl.n_devices, CLLM_OPENCL_MAX_DEVICES);
    /* 8 platforms of 3: the first five whole, the sixth one of 3, the last two none */
    CHECK_INT(g_cl.platforms[0].n_devices, 3);
    CHECK_INT(g_cl.platforms[5].first_device, 15);
    CHECK_INT(g_cl.platforms[5].n_devices, 1);
    CHECK_INT(g_cl.platforms[7].n_devices, 0);
    CHECK_INT(g_cl.devices[15].platform, 5);
    CHECK(strstr(g_cl.detail, "8 platforms, 16 devices") != NULL);
    CHECK(strstr(g_cl.detail, "2 platforms not kept (list full)") != NULL);
    CHECK(strstr(g_cl.detail, "8 devices not kept (list full)") != NULL);
    CHECK_STR(g_cl.platforms[3].name, "Fake 3");
    CHECK_STR(g_cl.devices[4].type, "gpu");
    CHECK_INT(g_cl.devices[4].compute_units, 16);            /* device 1 of its platform: 8 × 2 */
    CHECK_INT(g_cl.devices[4].global_mem_bytes, 2ll << 30);
    CHECK_INT(g_cl.devices[4].max_clock_mhz, 1500);
    CHECK_STR(g_cl.devices[4].opencl_c_version, "OpenCL C 1.2 fake");
    CHECK_STR(g_cl.devices[4].driver_version, "1.2.3");
}

static void test_fake_odd_answers(void)
{
    const struct cllm_opencl_device *d0 = &g_cl.devices[0], *d1 = &g_cl.devices[1];

    fake("odd");
    CHECK_INT(g_cl.status, CLLM_OPENCL_OK);
    CHECK_INT(g_cl.n_platforms, 1);
    CHECK_INT(g_cl.n_devices, 2);
    CHECK_STR(g_cl.platforms[0].version, "");
    CHECK(why(&g_cl, "p0_version") && strstr(why(&g_cl, "p0_version"), "CL_INVALID_VALUE (-30)"));
    CHECK_STR(d0->name, "Fake GPU");          /* padding trimmed */
    CHECK_STR(d0->vendor, "NoNul");           /* a string without its NUL is still cut at its length */
    CHECK_INT(d0->max_clock_mhz, -1);         /* 0 MHz: unknown, not zero */
    CHECK(why(&g_cl, "d0_max_clock_mhz") && strstr(why(&g_cl, "d0_max_clock_mhz"), "0 MHz"));
    CHECK_STR(d1->type, "");
    CHECK(why(&g_cl, "d1_type") && strstr(why(&g_cl, "d1_type"), "0x1"));
    CHECK_INT(d1->global_mem_bytes, -1);
    CHECK(why(&g_cl, "d1_global_mem_bytes") != NULL);
    CHECK_INT(d1->compute_units, 16);
}

static void test_fake_device_failure(void)
{
    fake("devfail");
    CHECK_INT(g_cl.status, CLLM_OPENCL_OK);
    CHECK_INT(g_cl.n_platforms, 2);
    CHECK_INT(g_cl.platforms[0].n_devices, 0);
    CHECK(why(&g_cl, "p0_devices") && strstr(why(&g_cl, "p0_devices"), "CL_OUT_OF_RESOURCES (-5)"));
    CHECK(strstr(g_cl.detail, "platform 0: clGetDeviceIDs: CL_OUT_OF_RESOURCES") != NULL);
    CHECK_INT(g_cl.platforms[1].first_device, 0);
    CHECK_INT(g_cl.platforms[1].n_devices, 1);
    CHECK_STR(g_cl.devices[0].type, "cpu");
    CHECK_INT(g_cl.devices[0].platform, 1);
}

/* The writer: platforms nest their devices; unknown values are null with the reason recorded at detection. */
static void test_json(void)
{
    static struct cllm_hw_info hw;
    cJSON *j, *cl, *plats, *devs, *d1, *nr;

    memset(&hw, 0, sizeof(hw));
    setenv("CLLM_FAKE_CL_MODE", "odd", 1);
    {
        static const char *const names[] = {CLLM_FAKE_OPENCL_LIB, NULL};
        cllm_gpu_opencl_detect(NULL, names, &hw.opencl);
    }
    j = cllm_report_hardware(&hw);
    CHECK(j != NULL);
    if (!j)
        return;
    cl = cJSON_GetObjectItemCaseSensitive(j, "opencl");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cl, "status")), "ok");
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cl, "device_count")), 2);
    plats = cJSON_GetObjectItemCaseSensitive(cl, "platforms");
    CHECK_INT(cJSON_GetArraySize(plats), 1);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(plats, 0), "version")));
    devs = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(plats, 0), "devices");
    CHECK_INT(cJSON_GetArraySize(devs), 2);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(devs, 0), "name")),
              "Fake GPU");
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(devs, 0),
                                                                      "global_mem_gb")), 1.0, 1e-9);
    d1 = cJSON_GetArrayItem(devs, 1);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(d1, "global_mem_bytes")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(d1, "global_mem_gb")));
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(d1, "type")));
    nr = cJSON_GetObjectItemCaseSensitive(d1, "null_reasons");
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(nr, "global_mem_bytes")) &&
          strstr(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(nr, "global_mem_bytes")), "-30"));
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(d1, "compute_units")), 16);
    cJSON_Delete(j);

    /* a struct nobody detected (memset): not queried, an empty list */
    memset(&hw, 0, sizeof(hw));
    j = cllm_report_hardware(&hw);
    cl = cJSON_GetObjectItemCaseSensitive(j, "opencl");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cl, "status")), "not_queried");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(cl, "platforms")), 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cl, "library")));
    cJSON_Delete(j);
}

static long long mem_total_bytes(void)
{
    char line[256];
    long long kb = -1;
    FILE *f = fopen("/proc/meminfo", "r");
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemTotal: %lld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb > 0 ? kb * 1024 : -1;
}

static void on_test_signal(int sig) { (void)sig; }

static void (*handler_of(int sig))(int)
{
    struct sigaction sa;
    return sigaction(sig, NULL, &sa) == 0 ? sa.sa_handler : SIG_ERR;
}

/* The snapshot puts back what changed, and only that. */
static void test_signals_restore(void)
{
    struct cllm_dl_signals *s;
    struct sigaction sa;

    signal(SIGUSR1, SIG_DFL);
    s = cllm_dl_signals_save();
    CHECK(s != NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_test_signal;
    sigaction(SIGUSR1, &sa, NULL);
    CHECK(handler_of(SIGUSR1) == on_test_signal);
    CHECK_INT(cllm_dl_signals_restore(s), 1);
    CHECK(handler_of(SIGUSR1) == SIG_DFL);
    CHECK_INT(cllm_dl_signals_restore(cllm_dl_signals_save()), 0);
    CHECK_INT(cllm_dl_signals_restore(NULL), 0);
}

/* The thread's alternate signal stack goes back too (LLVM gives the thread its own when the one there is small:
 * a sanitizer then fails to unmap it at thread exit). */
static void test_altstack_restore(void)
{
    static char mine[64 * 1024], theirs[128 * 1024];
    stack_t st = {0}, old, now;
    struct cllm_dl_signals *s;

    CHECK(sigaltstack(NULL, &old) == 0);
    st.ss_sp = mine;
    st.ss_size = sizeof(mine);
    CHECK(sigaltstack(&st, NULL) == 0);
    s = cllm_dl_signals_save();
    st.ss_sp = theirs;
    st.ss_size = sizeof(theirs);
    CHECK(sigaltstack(&st, NULL) == 0);
    CHECK_INT(cllm_dl_signals_restore(s), 1);
    CHECK(sigaltstack(NULL, &now) == 0);
    CHECK(now.ss_sp == (void *)mine && now.ss_size == sizeof(mine) && !(now.ss_flags & SS_DISABLE));
    /* none before: none after */
    st.ss_flags = SS_DISABLE;
    CHECK(sigaltstack(&st, NULL) == 0);
    s = cllm_dl_signals_save();
    st.ss_flags = 0;
    CHECK(sigaltstack(&st, NULL) == 0);
    CHECK_INT(cllm_dl_signals_restore(s), 1);
    CHECK(sigaltstack(NULL, &now) == 0);
    CHECK(now.ss_flags & SS_DISABLE);
    old.ss_flags &= SS_DISABLE;
    CHECK(sigaltstack(&old, NULL) == 0);
}

/* The real loader and PoCL (Debian's pocl-opencl-icd): one CPU device with this machine's logical CPUs; the
 * program's signal handlers are still its own afterwards (PoCL's LLVM installs its own on first use). */
static void test_live_pocl(void)
{
    static const int sigs[] = {SIGSEGV, SIGINT, SIGTERM, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGHUP, SIGUSR2};
    const struct cllm_opencl_platform *pl;
    long long mem = mem_total_bytes();
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    struct sigaction sa;
    stack_t alt_before, alt_after;
    int cpus = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_test_signal;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
    unsetenv("CLLM_FAKE_CL_MODE");
    CHECK(sigaltstack(NULL, &alt_before) == 0);
    cllm_gpu_opencl_detect(NULL, NULL, &g_cl);
    CHECK(sigaltstack(NULL, &alt_after) == 0);
    CHECK((alt_before.ss_flags & SS_DISABLE) == (alt_after.ss_flags & SS_DISABLE));
    CHECK((alt_after.ss_flags & SS_DISABLE) || (alt_before.ss_sp == alt_after.ss_sp &&
                                                 alt_before.ss_size == alt_after.ss_size));
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        if (handler_of(sigs[i]) != on_test_signal)
            fprintf(stderr, "  signal %d: handler replaced during OpenCL detection\n", sigs[i]);
        CHECK(handler_of(sigs[i]) == on_test_signal);
        signal(sigs[i], SIG_DFL);
    }
    fprintf(stderr, "  opencl: %s: %s [%s]\n", cllm_gpu_opencl_status_name(g_cl.status), g_cl.detail, g_cl.library);
    if (g_cl.status == CLLM_OPENCL_NO_LOADER)
        SKIP("no OpenCL ICD loader on this machine (scripts/setup installs ocl-icd-libopencl1)");
    pl = platform_named(&g_cl, "Portable Computing Language");
    if (!pl)
        SKIP("no PoCL platform (scripts/setup installs pocl-opencl-icd)");
    CHECK_INT(g_cl.status, CLLM_OPENCL_OK);
    CHECK(strstr(g_cl.library, "libOpenCL") != NULL);
    CHECK(strncmp(pl->version, "OpenCL ", 7) == 0 && strstr(pl->version, "PoCL") != NULL);
    CHECK(pl->vendor[0] != '\0');
    CHECK(pl->n_devices >= 1);
    for (int k = pl->first_device; k < pl->first_device + pl->n_devices; k++) {
        const struct cllm_opencl_device *d = &g_cl.devices[k];
        fprintf(stderr, "  [%d] %s %s: %d CU, %lld bytes, %d MHz, %s, driver %s\n", k, d->type, d->name,
                d->compute_units, (long long)d->global_mem_bytes, d->max_clock_mhz, d->opencl_c_version,
                d->driver_version);
        if (strcmp(d->type, "cpu") != 0)
            continue;
        cpus++;
        CHECK(d->name[0] != '\0');
        CHECK_INT(d->compute_units, ncpu);
        CHECK(d->global_mem_bytes > 0 && (mem < 0 || d->global_mem_bytes <= mem));
        CHECK(strncmp(d->opencl_c_version, "OpenCL C ", 9) == 0);
        CHECK(strncmp(d->version, "OpenCL ", 7) == 0);
        CHECK(d->driver_version[0] != '\0');
        {
            char key[48];
            snprintf(key, sizeof(key), "d%d_max_clock_mhz", k);   /* unknown only with its reason */
            CHECK(d->max_clock_mhz > 0 || (d->max_clock_mhz == -1 && why(&g_cl, key) != NULL));
        }
    }
    CHECK_INT(cpus, 1);

    /* a second detection in the same process (the loader kept) says the same */
    {
        static struct cllm_opencl_info again;
        cllm_gpu_opencl_detect(NULL, NULL, &again);
        CHECK_INT(again.status, g_cl.status);
        CHECK_INT(again.n_platforms, g_cl.n_platforms);
        CHECK_INT(again.n_devices, g_cl.n_devices);
        CHECK_STR(again.library, g_cl.library);
    }
}

int main(void)
{
    RUN(test_no_loader);
    RUN(test_not_a_loader);
    RUN(test_captured_tree_not_queried);
    RUN(test_fake_no_platform);
    RUN(test_fake_bounded_counts);
    RUN(test_fake_odd_answers);
    RUN(test_fake_device_failure);
    RUN(test_json);
    RUN(test_signals_restore);
    RUN(test_altstack_restore);
    RUN(test_live_pocl);
    return test_summary();
}
