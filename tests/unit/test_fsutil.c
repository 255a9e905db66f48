/* Atomic write: a process killed mid-write leaves no partial file under the final name. */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fsutil.h"
#include "test.h"

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof(g_dir), "/tmp/cllm_fsutil_%d", (int)getpid());
    mkdir(g_dir, 0755);
}

static int count_entries(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static void die_after_first_chunk(size_t written, void *ud)
{
    (void)ud;
    if (written > 0)
        raise(SIGKILL);
}

/* Forks a child that writes `len` bytes to path in 4 KiB chunks and is killed after the first one. */
static int write_and_die(const char *path, size_t len)
{
    pid_t pid = fork();
    int status = 0;
    if (pid == 0) {
        char *buf = malloc(len);
        char err[256];
        struct cllm_write_params p = cllm_write_default_params();
        memset(buf, 'x', len);
        p.chunk_bytes = 4096;
        p.progress = die_after_first_chunk;
        cllm_write_atomic(path, buf, len, &p, err, sizeof(err));
        _exit(0); /* not reached: the callback kills us */
    }
    waitpid(pid, &status, 0);
    return status;
}

static void test_killed_write_leaves_no_file(void)
{
    char path[512];
    struct stat sb;
    int status;

    make_dir();
    snprintf(path, sizeof(path), "%s/result.json", g_dir);
    unlink(path);
    status = write_and_die(path, 1 << 20);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(stat(path, &sb) != 0);
    /* the partial data exists only as a hidden temp file, which result listings skip */
    CHECK_INT(count_entries(g_dir, "result.json"), 0);
    CHECK_INT(count_entries(g_dir, ".result.json.tmp."), 1);
}

static void test_killed_write_keeps_previous_file(void)
{
    char path[512], err[256];
    char *text = NULL;
    int status;

    make_dir();
    snprintf(path, sizeof(path), "%s/keep.json", g_dir);
    CHECK_INT(cllm_write_atomic(path, "{\"old\":1}\n", 10, NULL, err, sizeof(err)), CLLM_OK);
    status = write_and_die(path, 1 << 20);
    CHECK(WIFSIGNALED(status));
    CHECK_INT(cllm_read_file(path, 0, &text, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_STR(text, "{\"old\":1}\n");
    free(text);
}

static void test_write_and_read_back(void)
{
    char path[512], err[256];
    char *text = NULL;
    size_t len = 0;
    const size_t n = 3 * 1000 * 1000 + 7;   /* several chunks and a short tail */
    char *buf = malloc(n);

    make_dir();
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)('a' + i % 26);
    snprintf(path, sizeof(path), "%s/big.bin", g_dir);
    CHECK_INT(cllm_write_atomic(path, buf, n, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_read_file(path, 0, &text, &len, err, sizeof(err)), CLLM_OK);
    CHECK_INT(len, n);
    CHECK(text && memcmp(text, buf, n) == 0);
    CHECK_INT(count_entries(g_dir, ".big.bin.tmp."), 0);
    free(text);
    free(buf);
}

static void test_errors_are_reported(void)
{
    char err[256] = "";
    char *text = NULL;

    CHECK_INT(cllm_write_atomic("/nonexistent-dir-cllm/x.json", "a", 1, NULL, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "/nonexistent-dir-cllm") != NULL);
    CHECK_INT(cllm_read_file("/nonexistent-dir-cllm/x.json", 0, &text, NULL, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(text == NULL);
    make_dir();
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/limit.txt", g_dir);
        CHECK_INT(cllm_write_atomic(path, "0123456789", 10, NULL, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_read_file(path, 5, &text, NULL, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
        CHECK(strstr(err, "limit") != NULL);
    }
}

static void test_mkdir_p(void)
{
    char path[512], err[256];
    struct stat sb;
    make_dir();
    snprintf(path, sizeof(path), "%s/a/b/c", g_dir);
    CHECK_INT(cllm_mkdir_p(path, err, sizeof(err)), CLLM_OK);
    CHECK(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
    CHECK_INT(cllm_mkdir_p(path, err, sizeof(err)), CLLM_OK);
}

int main(void)
{
    RUN(test_killed_write_leaves_no_file);
    RUN(test_killed_write_keeps_previous_file);
    RUN(test_write_and_read_back);
    RUN(test_errors_are_reported);
    RUN(test_mkdir_p);
    test_rmtree(g_dir);
    return test_summary();
}
