/* Atomic write: a process killed mid-write leaves no partial file under the final name; a new file never replaces
 * another (also with writers racing for one name); a folder's writability is probed; stale temp files go. */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/fs.h"
#include "test.h"
#include "core/file.h"

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
        struct cllm_fs_write_params p = cllm_fs_write_default_params();
        memset(buf, 'x', len);
        p.chunk_bytes = 4096;
        p.progress = die_after_first_chunk;
        cllm_fs_write_atomic(path, buf, len, &p, err, sizeof(err));
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
    CHECK_INT(cllm_fs_write_atomic(path, "{\"old\":1}\n", 10, NULL, err, sizeof(err)), CLLM_OK);
    status = write_and_die(path, 1 << 20);
    CHECK(WIFSIGNALED(status));
    CHECK_INT(cllm_file_read(path, 0, &text, NULL, err, sizeof(err)), CLLM_OK);
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
    CHECK_INT(cllm_fs_write_atomic(path, buf, n, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_file_read(path, 0, &text, &len, err, sizeof(err)), CLLM_OK);
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

    CHECK_INT(cllm_fs_write_atomic("/nonexistent-dir-cllm/x.json", "a", 1, NULL, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "/nonexistent-dir-cllm") != NULL);
    CHECK_INT(cllm_file_read("/nonexistent-dir-cllm/x.json", 0, &text, NULL, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(text == NULL);
    make_dir();
    {
        char path[512];
        snprintf(path, sizeof(path), "%s/limit.txt", g_dir);
        CHECK_INT(cllm_fs_write_atomic(path, "0123456789", 10, NULL, err, sizeof(err)), CLLM_OK);
        CHECK_INT(cllm_file_read(path, 5, &text, NULL, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
        CHECK(strstr(err, "limit") != NULL);
    }
}

static void test_mkdir_p(void)
{
    char path[512], err[256];
    struct stat sb;
    make_dir();
    snprintf(path, sizeof(path), "%s/a/b/c", g_dir);
    CHECK_INT(cllm_fs_mkdir_p(path, err, sizeof(err)), CLLM_OK);
    CHECK(stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
    CHECK_INT(cllm_fs_mkdir_p(path, err, sizeof(err)), CLLM_OK);
}


static void test_write_new_never_replaces(void)
{
    char path[512], out[512], err[256];
    char *text = NULL;

    make_dir();
    snprintf(path, sizeof(path), "%s/run.json", g_dir);
    CHECK_INT(cllm_fs_write_atomic(path, "first\n", 6, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_fs_write_new(path, "second\n", 7, NULL, out, sizeof(out), err, sizeof(err)), CLLM_OK);
    CHECK_STR(out, test_join(g_dir, "run_2.json"));
    CHECK_INT(cllm_fs_write_new(path, "third\n", 6, NULL, out, sizeof(out), err, sizeof(err)), CLLM_OK);
    CHECK_STR(out, test_join(g_dir, "run_3.json"));
    /* the same through the O_EXCL reservation used where the file system has no hard links */
    {
        struct cllm_fs_write_params p = cllm_fs_write_default_params();
        p.no_hard_links = true;
        CHECK_INT(cllm_fs_write_new(path, "fourth\n", 7, &p, out, sizeof(out), err, sizeof(err)), CLLM_OK);
        CHECK_STR(out, test_join(g_dir, "run_4.json"));
    }
    CHECK_INT(cllm_file_read(path, 0, &text, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_STR(text, "first\n");
    free(text);
    CHECK_INT(cllm_file_read(test_join(g_dir, "run_2.json"), 0, &text, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_STR(text, "second\n");
    free(text);
    CHECK_INT(cllm_file_read(test_join(g_dir, "run_4.json"), 0, &text, NULL, err, sizeof(err)), CLLM_OK);
    CHECK_STR(text, "fourth\n");
    free(text);
    CHECK_INT(count_entries(g_dir, ".run.json.tmp."), 0);
    /* a free name is used as given */
    snprintf(path, sizeof(path), "%s/fresh.json", g_dir);
    CHECK_INT(cllm_fs_write_new(path, "x", 1, NULL, out, sizeof(out), err, sizeof(err)), CLLM_OK);
    CHECK_STR(out, path);
    /* a failure leaves path_out empty and names the folder */
    strcpy(out, "stale");
    CHECK_INT(cllm_fs_write_new("/nonexistent-dir-cllm/x.json", "a", 1, NULL, out, sizeof(out), err, sizeof(err)),
              CLLM_ERR_IO);
    CHECK_STR(out, "");
    CHECK(strstr(err, "/nonexistent-dir-cllm") != NULL);
}

/* n writers released at once on one name, each with 256 KiB of its own letter: n files, each whole. */
static void race_for_one_name(const char *name, bool no_links)
{
    enum { N = 8, LEN = 256 * 1024 };
    char path[512];
    int go[2];
    pid_t pids[N];
    bool seen[N] = {false};
    int files = 0;

    make_dir();
    snprintf(path, sizeof(path), "%s/%s.json", g_dir, name);
    CHECK(pipe(go) == 0);
    for (int i = 0; i < N; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            char *buf = malloc(LEN), out[512], err[256], c;
            struct cllm_fs_write_params p = cllm_fs_write_default_params();
            close(go[1]);
            memset(buf, 'a' + i, LEN);
            p.chunk_bytes = 16384;   /* many write(2)s, so the writers overlap */
            p.no_hard_links = no_links;
            if (read(go[0], &c, 1) != 0)   /* returns 0 when the parent closes its end: all start together */
                _exit(3);
            _exit(cllm_fs_write_new(path, buf, LEN, &p, out, sizeof(out), err, sizeof(err)) == CLLM_OK ? 0 : 1);
        }
    }
    close(go[0]);
    close(go[1]);
    for (int i = 0; i < N; i++) {
        int status = 0;
        waitpid(pids[i], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    for (int k = 1; k <= N; k++) {
        char file[512], *text = NULL, err[256];
        size_t len = 0;
        if (k == 1)
            snprintf(file, sizeof(file), "%s", path);
        else
            snprintf(file, sizeof(file), "%s/%s_%d.json", g_dir, name, k);
        if (cllm_file_read(file, 0, &text, &len, err, sizeof(err)) != CLLM_OK) {
            fprintf(stderr, "  missing %s: %s\n", file, err);
            continue;
        }
        files++;
        CHECK_INT(len, LEN);
        if (len == LEN && text[0] >= 'a' && text[0] < 'a' + N) {
            size_t same = 0;
            while (same < len && text[same] == text[0])
                same++;
            CHECK_INT(same, LEN);   /* one writer's data, whole */
            CHECK(!seen[text[0] - 'a']);
            seen[text[0] - 'a'] = true;
        }
        free(text);
    }
    CHECK_INT(files, N);
    CHECK_INT(count_entries(g_dir, name), N);
}

static void test_write_new_racing_writers(void)
{
    race_for_one_name("race", false);
}

static void test_write_new_racing_writers_without_links(void)
{
    race_for_one_name("race_excl", true);
}

static void test_dir_check_writable(void)
{
    char path[512], err[512] = "";
    FILE *f;

    make_dir();
    snprintf(path, sizeof(path), "%s/new/results", g_dir);
    CHECK_INT(cllm_fs_check_writable(path, err, sizeof(err)), CLLM_OK);
    CHECK_INT(count_entries(path, "."), 2);   /* "." and "..": the probe file is gone */
    /* a folder under a regular file cannot exist, as root too */
    snprintf(path, sizeof(path), "%s/plain", g_dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    snprintf(path, sizeof(path), "%s/plain/results", g_dir);
    CHECK_INT(cllm_fs_check_writable(path, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "plain") != NULL && strstr(err, "Not a directory") != NULL);
    if (geteuid() != 0) {
        snprintf(path, sizeof(path), "%s/ro", g_dir);
        mkdir(path, 0555);
        chmod(path, 0555);
        CHECK_INT(cllm_fs_check_writable(path, err, sizeof(err)), CLLM_ERR_IO);
        CHECK(strstr(err, path) != NULL && strstr(err, "Permission denied") != NULL);
        chmod(path, 0755);
    }
}

/* A pid no process has: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return pid;
}

static void make_file(const char *name, long age_s)
{
    const char *path = test_join(g_dir, name);
    FILE *f = fopen(path, "w");
    struct timeval tv[2];
    if (f) {
        fputs("{\"partial\":", f);
        fclose(f);
    }
    gettimeofday(&tv[0], NULL);
    tv[0].tv_sec -= age_s;
    tv[1] = tv[0];
    utimes(path, tv);
}

static bool exists(const char *name)
{
    struct stat sb;
    return stat(test_join(g_dir, name), &sb) == 0;
}

static void test_remove_stale_temps(void)
{
    char dead[128], live[128], fresh[128], other[128];
    long dpid = (long)dead_pid();

    test_rmtree(g_dir);
    make_dir();
    snprintf(dead, sizeof(dead), ".benchmark_a.json.tmp.%ld.Ab12Cd", dpid);
    snprintf(live, sizeof(live), ".benchmark_b.json.tmp.%ld.Ab12Cd", (long)getpid());
    snprintf(fresh, sizeof(fresh), ".benchmark_c.json.tmp.%ld.Ab12Cd", dpid);
    snprintf(other, sizeof(other), ".notes.json.tmp.%ld.Ab12Cd", dpid);
    make_file(dead, 120);                          /* writer gone, 2 min old: stale */
    make_file(live, 120);                          /* its writer (this process) is alive: kept */
    make_file(fresh, 0);                           /* writer gone but just written (another machine?): kept */
    make_file(".benchmark_d.json.tmp.Xy34Zw", 7200); /* older name without a pid, 2 h old: stale */
    make_file(".benchmark_e.json.tmp.Xy34Zw", 600);  /* without a pid, 10 min old: kept */
    make_file(other, 7200);                        /* not a results temp file: kept */
    make_file("benchmark_f.json", 7200);           /* a results file: kept */
    CHECK_INT(cllm_fs_remove_stale_temps(g_dir, "benchmark_", 60), 2);
    CHECK(!exists(dead));
    CHECK(!exists(".benchmark_d.json.tmp.Xy34Zw"));
    CHECK(exists(live) && exists(fresh) && exists(other) && exists(".benchmark_e.json.tmp.Xy34Zw"));
    CHECK(exists("benchmark_f.json"));
    CHECK_INT(cllm_fs_remove_stale_temps(g_dir, "benchmark_", 60), 0);
}

/* The real case: a write killed by SIGKILL leaves its temp file; the next cleanup removes it (its pid is gone). */
static void test_killed_write_is_cleaned_up(void)
{
    char path[512];

    test_rmtree(g_dir);
    make_dir();
    snprintf(path, sizeof(path), "%s/benchmark_k.json", g_dir);
    CHECK(WIFSIGNALED(write_and_die(path, 1 << 20)));
    CHECK_INT(count_entries(g_dir, ".benchmark_k.json.tmp."), 1);
    CHECK_INT(cllm_fs_remove_stale_temps(g_dir, "benchmark_", 0), 1);
    CHECK_INT(count_entries(g_dir, ".benchmark_k.json.tmp."), 0);
}

int main(void)
{
    RUN(test_killed_write_leaves_no_file);
    RUN(test_killed_write_keeps_previous_file);
    RUN(test_write_and_read_back);
    RUN(test_errors_are_reported);
    RUN(test_mkdir_p);
    RUN(test_write_new_never_replaces);
    RUN(test_write_new_racing_writers);
    RUN(test_write_new_racing_writers_without_links);
    RUN(test_dir_check_writable);
    RUN(test_remove_stale_temps);
    RUN(test_killed_write_is_cleaned_up);
    test_rmtree(g_dir);
    return test_summary();
}
