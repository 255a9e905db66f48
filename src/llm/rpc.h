/* llama.cpp's RPC backend from our side: the server list a user gives (--rpc HOST:PORT,...), checked strictly,
 * and a bounded probe of each server before llama.cpp's own client (which blocks in connect and aborts the process
 * when a server refuses) is pointed at it. The probe speaks the first two commands of ggml-rpc's protocol (HELLO,
 * DEVICE_COUNT) over its own connection and times them: that is the network round trip we record. */
#ifndef CLLM_LLM_RPC_H
#define CLLM_LLM_RPC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CLLM_RPC_MAX_SERVERS 16          /* GGML_RPC_MAX_SERVERS of ggml-rpc.h */
#define CLLM_RPC_HOST_MAX    253         /* a DNS name's longest text form */
/* The protocol the pinned ggml-rpc (node-llama-cpp 3.22.1's llama.cpp) speaks: RPC_PROTO_*_VERSION. A server
 * answering another major, or a newer minor, is refused by that client (it aborts): the probe refuses it first. */
#define CLLM_RPC_PROTO_MAJOR 7
#define CLLM_RPC_PROTO_MINOR 0
#define CLLM_RPC_RTT_SAMPLES 8           /* DEVICE_COUNT round trips timed per server */

struct cllm_rpc_endpoint {
    char host[CLLM_RPC_HOST_MAX + 1];   /* IPv4 address or DNS name */
    int  port;                          /* 1..65535 */
    char text[CLLM_RPC_HOST_MAX + 8];   /* "host:port", as llama.cpp's client takes it */
};

struct cllm_rpc_list {
    int n;
    struct cllm_rpc_endpoint e[CLLM_RPC_MAX_SERVERS];
};

/* Parses "HOST:PORT[,HOST:PORT...]" (spaces around entries allowed). Refused, CLLM_ERR_INVALID_ARG with the entry
 * named: an empty list or entry, more than 16 servers, a scheme (tcp://), credentials (user@), a path, an IPv6
 * literal or brackets (llama.cpp's client connects over IPv4 only), a host that is not a name or an IPv4 address,
 * a missing port, a port that is not 1..65535 in digits, the same server twice. */
enum cllm_status cllm_rpc_parse_list(const char *text, struct cllm_rpc_list *out, char *err, size_t errlen);

struct cllm_rpc_probe {
    int    proto_major, proto_minor, proto_patch;   /* what the server's HELLO answered */
    int    n_devices;                                /* DEVICE_COUNT's answer */
    double connect_ms;                               /* TCP connect */
    double rtt_min_ms;                               /* DEVICE_COUNT request → answer, over CLLM_RPC_RTT_SAMPLES */
    double rtt_median_ms;
    int    rtt_samples;
};

/* Connects to e within timeout_ms, says HELLO, asks DEVICE_COUNT CLLM_RPC_RTT_SAMPLES times, each step within the
 * same deadline. CLLM_ERR_IO (refused, unreachable, closed), CLLM_ERR_TIMEOUT (no answer in time: not an
 * rpc-server, or one busy with another client: rpc-server serves one client at a time), CLLM_ERR_UNSUPPORTED
 * (another protocol version, or no devices), each with the server and what to do in err. */
enum cllm_status cllm_rpc_probe(const struct cllm_rpc_endpoint *e, int timeout_ms, struct cllm_rpc_probe *out,
                                char *err, size_t errlen);

/* ---- attaching servers to the loaded libllama ---- */

struct cllm_llama;

#define CLLM_RPC_PROBE_TIMEOUT_MS 5000

struct cllm_rpc_server {
    struct cllm_rpc_endpoint endpoint;
    struct cllm_rpc_probe    probe;
    int                      n_devices;    /* devices llama.cpp registered for it */
};

/* What --rpc attached: the backend library and each server, in the order given. */
struct cllm_rpc_attach {
    char lib[1024];                        /* the libggml-rpc.so loaded, or "built into the loaded library" */
    int  n;
    struct cllm_rpc_server s[CLLM_RPC_MAX_SERVERS];
};

/* Parses servers (cllm_rpc_parse_list), probes every one (cllm_rpc_probe, timeout_ms each; <= 0:
 * CLLM_RPC_PROBE_TIMEOUT_MS) before anything is handed to llama.cpp, then loads the RPC backend
 * (cllm_llama_rpc_load with rpc_lib) and adds each server's devices to ggml's list. The first failure is returned
 * with its message; nothing is added to ggml's list unless every server answered. */
enum cllm_status cllm_rpc_attach(const struct cllm_llama *L, const char *servers, const char *rpc_lib, int timeout_ms,
                                 struct cllm_rpc_attach *out, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
