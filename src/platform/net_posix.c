/* TCP client connections with deadlines (POSIX sockets, poll). */
#include "platform/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"

static int ms_left(uint64_t deadline_ns)
{
    uint64_t now = cllm_now_ns();
    if (now >= deadline_ns)
        return 0;
    uint64_t ms = (deadline_ns - now + 999999u) / 1000000u;
    return ms > 600000u ? 600000 : (int)ms;
}

/* Waits for fd to be ready for `events` until the deadline; false with err on timeout or error. */
static bool wait_fd(int fd, short events, uint64_t deadline_ns, char *err, size_t errlen)
{
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = events, .revents = 0};
        int left = ms_left(deadline_ns), r;
        if (left <= 0) {
            snprintf(err, errlen, "timed out");
            return false;
        }
        r = poll(&pfd, 1, left);
        if (r > 0)
            return true;
        if (r < 0 && errno != EINTR) {
            snprintf(err, errlen, "poll: %s", strerror(errno));
            return false;
        }
    }
}

int cllm_net_connect(const char *host, int port, int timeout_ms, char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    char port_s[8];
    int fd = -1, rc, one = 1, soerr = 0;
    socklen_t len = sizeof(soerr);
    uint64_t deadline = cllm_now_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 1) * 1000000u;

    if (!host || !host[0] || port < 1 || port > 65535) {
        snprintf(err, errlen, "no host or a port outside 1..65535");
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(port_s, sizeof(port_s), "%d", port);
    rc = getaddrinfo(host, port_s, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "cannot resolve %s: %s", host, rc ? gai_strerror(rc) : "no address");
        if (res)
            freeaddrinfo(res);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        goto fail;
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) != 0) {
        snprintf(err, errlen, "fcntl: %s", strerror(errno));
        goto fail;
    }
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    rc = connect(fd, res->ai_addr, res->ai_addrlen);
    if (rc != 0 && errno != EINPROGRESS) {
        snprintf(err, errlen, "connect: %s", strerror(errno));
        goto fail;
    }
    if (rc != 0) {
        char why[128] = "";
        if (!wait_fd(fd, POLLOUT, deadline, why, sizeof(why))) {
            snprintf(err, errlen, "connect %s after %d ms", why, timeout_ms);
            goto fail;
        }
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            snprintf(err, errlen, "connect: %s", strerror(soerr ? soerr : errno));
            goto fail;
        }
    }
    freeaddrinfo(res);
    return fd;

fail:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    return -1;
}

bool cllm_net_send_all(int fd, const void *buf, size_t n, uint64_t deadline_ns, char *err, size_t errlen)
{
    const unsigned char *p = buf;
    while (n > 0) {
        ssize_t w;
        if (!wait_fd(fd, POLLOUT, deadline_ns, err, errlen))
            return false;
        w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            snprintf(err, errlen, "send: %s", strerror(errno));
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

bool cllm_net_recv_all(int fd, void *buf, size_t n, uint64_t deadline_ns, char *err, size_t errlen)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t r;
        if (!wait_fd(fd, POLLIN, deadline_ns, err, errlen))
            return false;
        r = recv(fd, p, n, 0);
        if (r == 0) {
            snprintf(err, errlen, "closed by the peer");
            return false;
        }
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            snprintf(err, errlen, "recv: %s", strerror(errno));
            return false;
        }
        p += r;
        n -= (size_t)r;
    }
    return true;
}

void cllm_net_close(int fd)
{
    if (fd >= 0)
        close(fd);
}
