/* TCP client connections with a deadline on every step (connect, send, receive), for probing servers before a
 * library that cannot be bounded (llama.cpp's RPC client blocks in connect and aborts when it fails) is let at
 * them. */
#ifndef CLLM_NET_H
#define CLLM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Connects to host (IPv4 address or name, resolved for IPv4 as llama.cpp's RPC client does) on port within
 * timeout_ms; the socket (TCP_NODELAY) or -1 with the reason in err. Name resolution itself is bounded by the
 * system resolver's own timeout, not by timeout_ms. */
int cllm_net_connect(const char *host, int port, int timeout_ms, char *err, size_t errlen);

/* Sends / receives exactly n bytes before deadline_ns (cllm_now_ns clock); false with the reason in err
 * ("timed out", "closed by the peer", the system's message). */
bool cllm_net_send_all(int fd, const void *buf, size_t n, uint64_t deadline_ns, char *err, size_t errlen);
bool cllm_net_recv_all(int fd, void *buf, size_t n, uint64_t deadline_ns, char *err, size_t errlen);

void cllm_net_close(int fd);

#ifdef __cplusplus
}
#endif

#endif
