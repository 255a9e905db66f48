/* Child processes on POSIX: fork + setpgid + exec, groups tracked so a signal handler can kill them. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "platform/proc.h"

/* live process groups, read by cllm_proc_kill_all from a signal handler */
#define MAX_GROUPS 16
static volatile sig_atomic_t g_groups[MAX_GROUPS];

static void track(pid_t pg, bool on)
{
    for (int i = 0; i < MAX_GROUPS; i++) {
        if (on && g_groups[i] == 0) {
            g_groups[i] = pg;
            return;
        }
        if (!on && g_groups[i] == pg) {
            g_groups[i] = 0;
            return;
        }
    }
}

void cllm_proc_kill_all(void)
{
    for (int i = 0; i < MAX_GROUPS; i++)
        if (g_groups[i] > 0)
            kill(-(pid_t)g_groups[i], SIGKILL);
}

enum cllm_status cllm_proc_spawn(const char *const *argv, const char *log_path, struct cllm_proc *out, char *err,
                                 size_t errlen)
{
    int fd_in, fd_log;
    pid_t pid;

    memset(out, 0, sizeof(*out));
    if (!argv || !argv[0]) {
        snprintf(err, errlen, "no program to start");
        return CLLM_ERR_INVALID_ARG;
    }
    if (access(argv[0], X_OK) != 0) {
        snprintf(err, errlen, "%s: %s", argv[0], strerror(errno));
        return errno == ENOENT ? CLLM_ERR_NOT_FOUND : CLLM_ERR_IO;
    }
    /* open before fork: the child may only make async-signal-safe calls in a threaded parent */
    fd_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    fd_log = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_in < 0 || fd_log < 0) {
        snprintf(err, errlen, "%s: %s", log_path ? log_path : "/dev/null", strerror(errno));
        if (fd_in >= 0)
            close(fd_in);
        if (fd_log >= 0)
            close(fd_log);
        return CLLM_ERR_IO;
    }
    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(fd_in);
        close(fd_log);
        return CLLM_ERR_IO;
    }
    if (pid == 0) {
        setpgid(0, 0);
#ifdef __linux__
        /* the server dies with us even when we are killed without a chance to clean up */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        dup2(fd_in, 0);
        dup2(fd_log, 1);
        dup2(fd_log, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    /* set the group from both sides so a stop right after spawn cannot miss it */
    setpgid(pid, pid);
    close(fd_in);
    close(fd_log);
    out->pid = pid;
    out->running = true;
    track(pid, true);
    return CLLM_OK;
}

static void reaped(struct cllm_proc *p, int status)
{
    p->running = false;
    p->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

bool cllm_proc_alive(struct cllm_proc *p)
{
    int status;
    pid_t r;
    if (!p || !p->running)
        return false;
    r = waitpid((pid_t)p->pid, &status, WNOHANG);
    if (r == (pid_t)p->pid || (r < 0 && errno == ECHILD)) {
        if (r == (pid_t)p->pid)
            reaped(p, status);
        else
            p->running = false;
        return false;
    }
    return true;
}

void cllm_proc_stop(struct cllm_proc *p, int grace_ms)
{
    int status;
    pid_t pg;
    if (!p || p->pid <= 0)
        return;
    pg = (pid_t)p->pid;
    if (p->running) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        int waited = 0;
        kill(-pg, SIGTERM);
        while (waited < grace_ms && cllm_proc_alive(p)) {
            nanosleep(&ts, NULL);
            waited += 10;
        }
        if (p->running) {
            kill(-pg, SIGKILL);
            if (waitpid(pg, &status, 0) == pg)
                reaped(p, status);
            p->running = false;
        }
    }
    /* the leader is gone; grandchildren it left in the group go too */
    kill(-pg, SIGKILL);
    track(pg, false);
    p->pid = 0;
}

int cllm_free_tcp_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
    if (fd < 0)
        return -1;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

double cllm_proc_rss_gb(long pid, bool peak, char *why, size_t whylen)
{
#ifdef __linux__
    char path[64], line[256];
    const char *key = peak ? "VmHWM:" : "VmRSS:";
    size_t klen = strlen(key);
    double kib = NAN;
    FILE *f;

    if (pid > 0)
        snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    else
        snprintf(path, sizeof(path), "/proc/self/status");
    f = fopen(path, "r");
    if (!f) {
        if (why && whylen)
            snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return NAN;
    }
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, key, klen) == 0) {
            kib = strtod(line + klen, NULL);
            break;
        }
    fclose(f);
    if (isnan(kib) && why && whylen)
        snprintf(why, whylen, "%s: no %s line (a kernel thread, or the process is exiting)", path, key);
    return kib / (1024.0 * 1024.0);
#else
    (void)pid, (void)peak;
    if (why && whylen)
        snprintf(why, whylen, "another process's resident set is read on Linux only");
    return NAN;
#endif
}

bool cllm_proc_reset_rss_peak(long pid)
{
#ifdef __linux__
    char path[64];
    int fd;
    bool ok;
    if (pid > 0)
        snprintf(path, sizeof(path), "/proc/%ld/clear_refs", pid);
    else
        snprintf(path, sizeof(path), "/proc/self/clear_refs");
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok;
#else
    (void)pid;
    return false;
#endif
}

#ifdef __linux__
/* The inode of the socket listening on port in one /proc/net/tcp-format table; 0 when none. */
static unsigned long listen_inode(const char *table, int port)
{
    char line[512];
    unsigned long inode = 0;
    FILE *f = fopen(table, "r");
    if (!f)
        return 0;
    if (!fgets(line, sizeof(line), f)) {   /* the header */
        fclose(f);
        return 0;
    }
    while (!inode && fgets(line, sizeof(line), f)) {
        /* "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000  0 12345 ..." */
        char local[64], remote[64], *colon;
        unsigned st, uid, timeout;
        unsigned long ino;
        if (sscanf(line, "%*s %63s %63s %x %*s %*s %*s %u %u %lu", local, remote, &st, &uid, &timeout, &ino) != 6)
            continue;
        colon = strrchr(local, ':');
        if (st == 0x0A && colon && strtol(colon + 1, NULL, 16) == port)
            inode = ino;
    }
    fclose(f);
    return inode;
}
#endif

long cllm_proc_find_tcp_listener(int port)
{
#ifdef __linux__
    char want[48], path[600], link[64];
    unsigned long inode;
    long found = 0;
    DIR *proc;
    struct dirent *p;

    if (port <= 0 || port > 65535)
        return 0;
    inode = listen_inode("/proc/net/tcp", port);
    if (!inode)
        inode = listen_inode("/proc/net/tcp6", port);
    if (!inode)
        return 0;
    snprintf(want, sizeof(want), "socket:[%lu]", inode);
    proc = opendir("/proc");
    if (!proc)
        return 0;
    while (!found && (p = readdir(proc)) != NULL) {
        DIR *fds;
        struct dirent *fd;
        if (p->d_name[0] < '1' || p->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
        fds = opendir(path);
        if (!fds)
            continue;   /* another user's process: not ours to look into */
        while ((fd = readdir(fds)) != NULL) {
            ssize_t n;
            if (fd->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, fd->d_name);
            n = readlink(path, link, sizeof(link) - 1);
            if (n > 0) {
                link[n] = '\0';
                if (strcmp(link, want) == 0) {
                    found = strtol(p->d_name, NULL, 10);
                    break;
                }
            }
        }
        closedir(fds);
    }
    closedir(proc);
    return found;
#else
    (void)port;
    return 0;
#endif
}
