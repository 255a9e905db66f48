/* Another process's resident set and its high-water mark (what auto mode reports for llama-server): a child maps
 * and touches 96 MiB, then unmaps it; the readings follow, and resetting the peak forgets the 96 MiB. And the
 * process behind a listening port (manual mode's local llama-server). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/proc.h"
#include "test.h"

#define BIG (96u << 20)
#define MIB (1.0 / 1024.0)   /* GiB per MiB */

/* The child: map+touch, tell the parent, wait; unmap, tell, wait. */
static void child(int to_parent, int from_parent)
{
    char c;
    unsigned char *p = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        _exit(1);
    for (size_t i = 0; i < BIG; i += 4096)
        p[i] = 1;
    if (write(to_parent, "a", 1) != 1 || read(from_parent, &c, 1) != 1)
        _exit(1);
    munmap(p, BIG);
    if (write(to_parent, "b", 1) != 1 || read(from_parent, &c, 1) != 1)
        _exit(1);
    _exit(0);
}

static void child_rss_and_peak(void)
{
    int up[2], down[2], status;
    char c, why[256] = "";
    pid_t pid;
    double rss, peak;

#ifndef __linux__
    SKIP("another process's resident set is read on Linux only");
#endif
    CHECK(pipe(up) == 0 && pipe(down) == 0);
    pid = fork();
    if (pid == 0) {
        close(up[0]);
        close(down[1]);
        child(up[1], down[0]);
    }
    close(up[1]);
    close(down[0]);
    CHECK(read(up[0], &c, 1) == 1);

    rss = cllm_proc_rss_gb(pid, false, why, sizeof(why));
    peak = cllm_proc_rss_gb(pid, true, why, sizeof(why));
    CHECK(rss >= 95 * MIB && rss < 200 * MIB);
    CHECK(peak >= rss);

    CHECK(write(down[1], "x", 1) == 1);
    CHECK(read(up[0], &c, 1) == 1);
    rss = cllm_proc_rss_gb(pid, false, why, sizeof(why));
    CHECK(rss < 40 * MIB);
    /* the high-water mark still remembers the 96 MiB until it is reset */
    CHECK(cllm_proc_rss_gb(pid, true, NULL, 0) >= 95 * MIB);
    CHECK(cllm_proc_reset_rss_peak(pid));
    peak = cllm_proc_rss_gb(pid, true, NULL, 0);
    CHECK(peak < 40 * MIB);
    CHECK(peak >= rss * 0.9);

    CHECK(write(down[1], "x", 1) == 1);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(up[0]);
    close(down[1]);

    /* gone: NAN with a reason naming the file */
    CHECK(isnan(cllm_proc_rss_gb(pid, false, why, sizeof(why))));
    CHECK(strstr(why, "/status") != NULL);
    CHECK(!cllm_proc_reset_rss_peak(pid));
}

static void self_rss(void)
{
#ifndef __linux__
    SKIP("another process's resident set is read on Linux only");
#endif
    double rss = cllm_proc_rss_gb(0, false, NULL, 0);
    CHECK(rss > 0.1 * MIB && rss < 1.0);
    CHECK(cllm_proc_rss_gb(0, true, NULL, 0) >= rss);
}

/* A socket listening here is found to be this process's; a closed port finds no one. */
static void tcp_listener(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
#ifndef __linux__
    SKIP("the listener is looked up in /proc on Linux only");
#endif
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(fd, 4) == 0);
    CHECK(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    port = ntohs(a.sin_port);
    CHECK_INT(cllm_proc_find_tcp_listener(port), getpid());
    close(fd);
    CHECK_INT(cllm_proc_find_tcp_listener(port), 0);
    CHECK_INT(cllm_proc_find_tcp_listener(0), 0);
    CHECK_INT(cllm_proc_find_tcp_listener(70000), 0);
}

int main(void)
{
    RUN(child_rss_and_peak);
    RUN(self_rss);
    RUN(tcp_listener);
    return test_summary();
}
