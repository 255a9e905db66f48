/* TCP probing where POSIX sockets are not built (Windows): every call says so. */
#include "platform/net.h"

#include <stdio.h>

int cllm_net_connect(const char *host, int port, int timeout_ms, char *err, size_t errlen)
{
    (void)host, (void)port, (void)timeout_ms;
    snprintf(err, errlen, "TCP probing is not supported on this platform");
    return -1;
}

bool cllm_net_send_all(int fd, const void *buf, size_t n, uint64_t deadline_ns, char *err, size_t errlen)
{
    (void)fd, (void)buf, (void)n, (void)deadline_ns;
    snprintf(err, errlen, "not supported on this platform");
    return false;
}

bool cllm_net_recv_all(int fd, void *buf, size_t n, uint64_t deadline_ns, char *err, size_t errlen)
{
    (void)fd, (void)buf, (void)n, (void)deadline_ns;
    snprintf(err, errlen, "not supported on this platform");
    return false;
}

void cllm_net_close(int fd)
{
    (void)fd;
}
