/* System cleanup: every action recorded as done or skipped with a reason; "not root" without root; the pause is
 * honoured; nothing fails. Tests write a temporary tree's drop_caches, except one live test. */
#include "test.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gpu_fake.h"
#include "monitor/cleanup.h"
#include "report/fields_core.h"
#include "report/write_core.h"

static const cJSON *action(const cJSON *j, const char *name)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(j, "actions")) {
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "action"));
        if (n && strcmp(n, name) == 0)
            return a;
    }
    return NULL;
}

static const char *field(const cJSON *a, const char *key)
{
    return a ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, key)) : NULL;
}

/* The cleanup as the results hold it (report's writer of struct cllm_cleanup_result). */
static cJSON *cleanup_json(const struct cllm_cleanup_params *p)
{
    struct cllm_cleanup_result r;
    cJSON *o = cJSON_CreateObject(), *j;
    cllm_cleanup_do(p, &r);
    cllm_w_cleanup(o, &CLLM_F_CLEANUP, &r);
    j = cJSON_DetachItemFromObjectCaseSensitive(o, CLLM_F_CLEANUP.name);
    cJSON_Delete(o);
    return j;
}

static cJSON *run_in(const char *root, bool drop, double pause)
{
    struct cllm_cleanup_params p = cllm_cleanup_default_params();
    p.root = root;
    p.drop_caches = drop;
    p.pause_s = pause;
    return cleanup_json(&p);
}

static void test_defaults_and_actions(void)
{
    struct cllm_cleanup_params p = cllm_cleanup_default_params();
    char root[256];
    cJSON *j;
    const cJSON *a;

    CHECK_NEAR(p.pause_s, 1.0, 0);
    CHECK(p.drop_caches);
    CHECK(p.root == NULL);
    if (!test_mkdtemp(root, sizeof(root), "cleanup"))
        SKIP("no temporary directory");
    tree_write(root, "proc/sys/vm/drop_caches", "");
    j = run_in(root, true, 0);
    CHECK(j != NULL);
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "actions")), 3);
    a = action(j, "free_heap");
#if defined(__GLIBC__)
    CHECK_STR(field(a, "status"), "done");
    CHECK(strstr(field(a, "detail"), "malloc_trim") != NULL);
#else
    CHECK(field(a, "status") != NULL);
#endif
    a = action(j, "gpu_cache");
    CHECK_STR(field(a, "status"), "skipped");
    CHECK(strstr(field(a, "detail"), "frees its device memory") != NULL);
    a = action(j, "drop_page_cache");
    if (geteuid() == 0) {
        char path[512], *text;
        snprintf(path, sizeof(path), "%s/proc/sys/vm/drop_caches", root);
        CHECK_STR(field(a, "status"), "done");
        CHECK(strstr(field(a, "detail"), path) != NULL);
        text = test_slurp(path, NULL);
        CHECK_STR(text, "3\n");
        free(text);
    } else {
        CHECK_STR(field(a, "status"), "skipped");
        CHECK(strncmp(field(a, "detail"), "not root", 8) == 0);
    }
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "pause_s")), 0, 0);
    CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "duration_s")));
    cJSON_Delete(j);
    test_rmtree(root);
}

/* Without root: skipped with "not root". As root (CI), a child drops to nobody to find out. */
static void test_not_root(void)
{
    char root[256];
    int fds[2];
    pid_t pid;

    if (!test_mkdtemp(root, sizeof(root), "cleanup"))
        SKIP("no temporary directory");
    tree_write(root, "proc/sys/vm/drop_caches", "");
    if (geteuid() != 0) {
        cJSON *j = run_in(root, true, 0);
        const cJSON *a = action(j, "drop_page_cache");
        CHECK_STR(field(a, "status"), "skipped");
        CHECK(strncmp(field(a, "detail"), "not root", 8) == 0);
        cJSON_Delete(j);
        test_rmtree(root);
        return;
    }
    if (pipe(fds) != 0) {
        test_rmtree(root);
        SKIP("pipe: %s", strerror(errno));
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        char buf[600] = "";
        ssize_t w;
        close(fds[0]);
        if (setgid(65534) != 0 || setuid(65534) != 0) {
            snprintf(buf, sizeof(buf), "SETUID %s", strerror(errno));
        } else {
            cJSON *j = run_in(root, true, 0);
            const cJSON *a = action(j, "drop_page_cache");
            snprintf(buf, sizeof(buf), "%s|%s", field(a, "status"), field(a, "detail"));
            cJSON_Delete(j);
        }
        w = write(fds[1], buf, strlen(buf));
        (void)w;
        _exit(0);
    }
    close(fds[1]);
    {
        char buf[600] = "";
        ssize_t n = pid > 0 ? read(fds[0], buf, sizeof(buf) - 1) : -1;
        int status = 0;
        close(fds[0]);
        if (pid > 0)
            waitpid(pid, &status, 0);
        test_rmtree(root);
        if (pid < 0)
            SKIP("fork: %s", strerror(errno));
        buf[n > 0 ? n : 0] = '\0';
        if (strncmp(buf, "SETUID", 6) == 0)
            SKIP("cannot drop root here: %s", buf + 7);
        CHECK(strncmp(buf, "skipped|not root", 16) == 0);
        if (strncmp(buf, "skipped|not root", 16) != 0)
            fprintf(stderr, "  child said: %s\n", buf);
    }
}

/* A drop_caches that cannot be written (read-only /proc/sys in a container, or absent): skipped with errno text. */
static void test_unwritable(void)
{
    char root[256];
    cJSON *j;
    const cJSON *a;

    if (!test_mkdtemp(root, sizeof(root), "cleanup"))
        SKIP("no temporary directory");
    j = run_in(root, true, 0);   /* no proc/sys/vm at all */
    a = action(j, "drop_page_cache");
    CHECK_STR(field(a, "status"), "skipped");
    if (geteuid() == 0)
        CHECK(strstr(field(a, "detail"), strerror(ENOENT)) != NULL);
    else
        CHECK(strncmp(field(a, "detail"), "not root", 8) == 0);
    cJSON_Delete(j);

    tree_write(root, "proc/sys/vm/drop_caches/x", "");   /* a folder where the file should be */
    j = run_in(root, true, 0);
    a = action(j, "drop_page_cache");
    CHECK_STR(field(a, "status"), "skipped");
    if (geteuid() == 0)
        CHECK(strstr(field(a, "detail"), strerror(EISDIR)) != NULL);
    cJSON_Delete(j);

    j = run_in(root, false, 0);
    a = action(j, "drop_page_cache");
    CHECK_STR(field(a, "status"), "skipped");
    CHECK(strstr(field(a, "detail"), "disabled") != NULL);
    cJSON_Delete(j);
    test_rmtree(root);
}

static void test_pause(void)
{
    char root[256];
    cJSON *j;

    if (!test_mkdtemp(root, sizeof(root), "cleanup"))
        SKIP("no temporary directory");
    j = run_in(root, false, 0.2);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "pause_s")), 0.2, 0);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "duration_s")) >= 0.2);
    cJSON_Delete(j);
    /* nonsense pauses are clamped, never an error */
    j = run_in(root, false, -3);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "pause_s")), 0, 0);
    cJSON_Delete(j);
    j = run_in(root, false, NAN);
    CHECK_NEAR(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "pause_s")), 0, 0);
    cJSON_Delete(j);
    test_rmtree(root);
}

/* The live machine: done or skipped, but always with a reason. (As root this really drops the page cache.) */
static void test_live(void)
{
    cJSON *j = run_in(NULL, true, 0);
    const cJSON *a = action(j, "drop_page_cache");
    const char *st = field(a, "status"), *detail = field(a, "detail");

    CHECK(st && (strcmp(st, "done") == 0 || strcmp(st, "skipped") == 0));
    CHECK(detail && detail[0]);
    fprintf(stderr, "  live drop_page_cache: %s (%s)\n", st ? st : "?", detail ? detail : "?");
    cJSON_Delete(j);
}

int main(void)
{
    RUN(test_defaults_and_actions);
    RUN(test_not_root);
    RUN(test_unwritable);
    RUN(test_pause);
    RUN(test_live);
    return test_summary();
}
