/* The --rpc server list and the bounded probe of each server (llm/rpc.h). */
#include "llm/rpc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strutil.h"
#include "llm/llama_api.h"
#include "platform/net.h"

/* ggml-rpc's command numbers (enum rpc_cmd; HELLO is fixed at 14 for every version) and sizes */
#define RPC_CMD_HELLO        14
#define RPC_CMD_DEVICE_COUNT 15
#define RPC_CONN_CAPS_SIZE   24

static bool is_ipv4(const char *h)
{
    int parts = 0;
    const char *p = h;
    while (*p) {
        int v = 0, digits = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            if (++digits > 3 || v > 255)
                return false;
            p++;
        }
        if (digits == 0 || (digits > 1 && p[-digits] == '0'))
            return false;
        parts++;
        if (*p == '.') {
            p++;
            if (!*p)
                return false;
        } else if (*p) {
            return false;
        }
    }
    return parts == 4;
}

/* A DNS name: labels of letters, digits and '-', 1..63 long, not starting or ending with '-'; not all digits and
 * dots (that must be a valid IPv4 address instead). */
static bool is_hostname(const char *h)
{
    size_t len = strlen(h), label = 0;
    bool only_digits = true;
    if (len == 0 || len > CLLM_RPC_HOST_MAX)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = h[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || h[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
        if (label == 0 && c == '-')
            return false;
        if (!(c >= '0' && c <= '9'))
            only_digits = false;
        label++;
    }
    return !only_digits;
}

static enum cllm_status parse_one(const char *s, size_t n, struct cllm_rpc_endpoint *e, char *err, size_t errlen)
{
    char item[CLLM_RPC_HOST_MAX + 16];
    char *colon;
    long port = 0;

    if (n == 0) {
        cllm_errf(err, errlen, "--rpc: an empty server in the list (give HOST:PORT,HOST:PORT)");
        return CLLM_ERR_INVALID_ARG;
    }
    if (n >= sizeof(item)) {
        cllm_errf(err, errlen, "--rpc: a server of %zu characters is longer than a host name and port can be", n);
        return CLLM_ERR_INVALID_ARG;
    }
    memcpy(item, s, n);
    item[n] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)item[i] < 0x21 || (unsigned char)item[i] > 0x7e) {
            cllm_errf(err, errlen, "--rpc: server '%.*s' has a space or a character that is not printable ASCII",
                      (int)n, s);
            return CLLM_ERR_INVALID_ARG;
        }
    }
    if (strstr(item, "://")) {
        cllm_errf(err, errlen, "--rpc: '%s' has a scheme: give HOST:PORT only (rpc-server speaks its own TCP "
                  "protocol)", item);
        return CLLM_ERR_INVALID_ARG;
    }
    if (strchr(item, '@')) {
        cllm_errf(err, errlen, "--rpc: '%s' has credentials (user@): rpc-server has no authentication; give "
                  "HOST:PORT and keep the server on a private network", item);
        return CLLM_ERR_INVALID_ARG;
    }
    if (strchr(item, '/') || strchr(item, '?') || strchr(item, '#')) {
        cllm_errf(err, errlen, "--rpc: '%s' has a path: give HOST:PORT only", item);
        return CLLM_ERR_INVALID_ARG;
    }
    if (strchr(item, '[') || strchr(item, ']') || (strchr(item, ':') != strrchr(item, ':'))) {
        cllm_errf(err, errlen, "--rpc: '%s' looks like an IPv6 address: llama.cpp's RPC client connects over "
                  "IPv4 only; give an IPv4 address or a host name", item);
        return CLLM_ERR_INVALID_ARG;
    }
    colon = strchr(item, ':');
    if (!colon || !colon[1]) {
        cllm_errf(err, errlen, "--rpc: '%s' has no port: give HOST:PORT (rpc-server's default port is 50052)",
                  item);
        return CLLM_ERR_INVALID_ARG;
    }
    *colon = '\0';
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9' || port > 65535) {
            cllm_errf(err, errlen, "--rpc: the port of '%s:%s' must be a number 1..65535", item, colon + 1);
            return CLLM_ERR_INVALID_ARG;
        }
        port = port * 10 + (*p - '0');
    }
    if (port < 1 || port > 65535) {
        cllm_errf(err, errlen, "--rpc: the port of '%s:%s' must be a number 1..65535", item, colon + 1);
        return CLLM_ERR_INVALID_ARG;
    }
    if (!is_ipv4(item) && !is_hostname(item)) {
        cllm_errf(err, errlen, "--rpc: '%s' is not an IPv4 address or a host name", item);
        return CLLM_ERR_INVALID_ARG;
    }
    cllm_strlcpy(e->host, item, sizeof(e->host));
    e->port = (int)port;
    snprintf(e->text, sizeof(e->text), "%s:%d", e->host, e->port);
    return CLLM_OK;
}

enum cllm_status cllm_rpc_parse_list(const char *text, struct cllm_rpc_list *out, char *err, size_t errlen)
{
    const char *p;
    memset(out, 0, sizeof(*out));
    if (!text || !text[0]) {
        cllm_errf(err, errlen, "--rpc: no servers given (give HOST:PORT,HOST:PORT)");
        return CLLM_ERR_INVALID_ARG;
    }
    p = text;
    for (;;) {
        const char *end = strchr(p, ','), *a = p, *b;
        enum cllm_status st;
        if (!end)
            end = p + strlen(p);
        b = end;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (out->n == CLLM_RPC_MAX_SERVERS) {
            cllm_errf(err, errlen, "--rpc: more than %d servers (llama.cpp's RPC backend takes at most %d)",
                      CLLM_RPC_MAX_SERVERS, CLLM_RPC_MAX_SERVERS);
            return CLLM_ERR_INVALID_ARG;
        }
        st = parse_one(a, (size_t)(b - a), &out->e[out->n], err, errlen);
        if (st != CLLM_OK)
            return st;
        for (int i = 0; i < out->n; i++) {
            if (strcmp(out->e[i].text, out->e[out->n].text) == 0) {
                cllm_errf(err, errlen, "--rpc: server %s is listed twice", out->e[i].text);
                return CLLM_ERR_INVALID_ARG;
            }
        }
        out->n++;
        if (!*end)
            break;
        p = end + 1;
    }
    return CLLM_OK;
}

/* One command as ggml-rpc frames it: | cmd (1 byte) | size (8 bytes, host order) | data |, then the answer
 * | size (8 bytes) | data |, which must be exactly `want` bytes. */
static bool command(int fd, int cmd, const void *in, uint64_t in_size, void *out, uint64_t want, uint64_t deadline,
                    char *why, size_t whylen)
{
    unsigned char head[9];
    uint64_t got = 0;
    head[0] = (unsigned char)cmd;
    memcpy(head + 1, &in_size, sizeof(in_size));
    if (!cllm_net_send_all(fd, head, sizeof(head), deadline, why, whylen) ||
        (in_size && !cllm_net_send_all(fd, in, (size_t)in_size, deadline, why, whylen)) ||
        !cllm_net_recv_all(fd, &got, sizeof(got), deadline, why, whylen))
        return false;
    if (got != want) {
        snprintf(why, whylen, "answered %llu bytes where %llu were expected", (unsigned long long)got,
                 (unsigned long long)want);
        return false;
    }
    return cllm_net_recv_all(fd, out, (size_t)want, deadline, why, whylen);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum cllm_status cllm_rpc_probe(const struct cllm_rpc_endpoint *e, int timeout_ms, struct cllm_rpc_probe *out,
                                char *err, size_t errlen)
{
    unsigned char hello_req[RPC_CONN_CAPS_SIZE] = {0};   /* no capabilities: plain TCP */
    unsigned char hello_rsp[4 + RPC_CONN_CAPS_SIZE];
    uint32_t count = 0;
    double rtt[CLLM_RPC_RTT_SAMPLES];
    char why[256] = "";
    uint64_t t0 = cllm_now_ns(), deadline = t0 + (uint64_t)(timeout_ms > 0 ? timeout_ms : 1) * 1000000u;
    enum cllm_status st = CLLM_OK;
    int fd;

    memset(out, 0, sizeof(*out));
    out->connect_ms = out->rtt_min_ms = out->rtt_median_ms = NAN;
    fd = cllm_net_connect(e->host, e->port, timeout_ms, why, sizeof(why));
    if (fd < 0) {
        cllm_errf(err, errlen, "RPC server %s: %s (is rpc-server running there and reachable? start it with "
                  "rpc-server -H ADDRESS -p %d)", e->text, why, e->port);
        return strstr(why, "timed out") ? CLLM_ERR_TIMEOUT : CLLM_ERR_IO;
    }
    out->connect_ms = (double)(cllm_now_ns() - t0) / 1e6;
    if (!command(fd, RPC_CMD_HELLO, hello_req, sizeof(hello_req), hello_rsp, sizeof(hello_rsp), deadline, why,
                 sizeof(why))) {
        cllm_errf(err, errlen, "RPC server %s did not answer HELLO within %d ms: %s (not an rpc-server, or one "
                  "serving another client: rpc-server takes one client at a time)", e->text, timeout_ms, why);
        st = strstr(why, "timed out") ? CLLM_ERR_TIMEOUT : CLLM_ERR_IO;
        goto done;
    }
    out->proto_major = hello_rsp[0];
    out->proto_minor = hello_rsp[1];
    out->proto_patch = hello_rsp[2];
    if (out->proto_major != CLLM_RPC_PROTO_MAJOR || out->proto_minor > CLLM_RPC_PROTO_MINOR) {
        cllm_errf(err, errlen, "RPC server %s speaks protocol %d.%d.%d; the RPC backend of this build speaks %d.%d: "
                  "run the rpc-server built by scripts/setup --rpc (the same llama.cpp release)", e->text,
                  out->proto_major, out->proto_minor, out->proto_patch, CLLM_RPC_PROTO_MAJOR, CLLM_RPC_PROTO_MINOR);
        st = CLLM_ERR_UNSUPPORTED;
        goto done;
    }
    for (int i = 0; i < CLLM_RPC_RTT_SAMPLES; i++) {
        uint64_t a = cllm_now_ns();
        if (!command(fd, RPC_CMD_DEVICE_COUNT, NULL, 0, &count, sizeof(count), deadline, why, sizeof(why))) {
            cllm_errf(err, errlen, "RPC server %s: DEVICE_COUNT failed: %s", e->text, why);
            st = strstr(why, "timed out") ? CLLM_ERR_TIMEOUT : CLLM_ERR_IO;
            goto done;
        }
        rtt[i] = (double)(cllm_now_ns() - a) / 1e6;
    }
    if (count == 0 || count > 64) {
        cllm_errf(err, errlen, "RPC server %s reports %u devices", e->text, count);
        st = CLLM_ERR_UNSUPPORTED;
        goto done;
    }
    out->n_devices = (int)count;
    qsort(rtt, CLLM_RPC_RTT_SAMPLES, sizeof(rtt[0]), cmp_double);
    out->rtt_samples = CLLM_RPC_RTT_SAMPLES;
    out->rtt_min_ms = rtt[0];
    out->rtt_median_ms = (rtt[(CLLM_RPC_RTT_SAMPLES - 1) / 2] + rtt[CLLM_RPC_RTT_SAMPLES / 2]) / 2;
done:
    cllm_net_close(fd);
    return st;
}

enum cllm_status cllm_rpc_attach(const struct cllm_llama *L, const char *servers, const char *rpc_lib, int timeout_ms,
                                 struct cllm_rpc_attach *out, char *err, size_t errlen)
{
    struct cllm_rpc_list list;
    enum cllm_status st;

    memset(out, 0, sizeof(*out));
    st = cllm_rpc_parse_list(servers, &list, err, errlen);
    if (st != CLLM_OK)
        return st;
    if (timeout_ms <= 0)
        timeout_ms = CLLM_RPC_PROBE_TIMEOUT_MS;
    for (int i = 0; i < list.n; i++) {
        out->s[i].endpoint = list.e[i];
        st = cllm_rpc_probe(&list.e[i], timeout_ms, &out->s[i].probe, err, errlen);
        if (st != CLLM_OK)
            return st;
    }
    out->n = list.n;
    st = cllm_llama_rpc_load(L, rpc_lib, out->lib, sizeof(out->lib), err, errlen);
    if (st != CLLM_OK)
        return st;
    for (int i = 0; i < out->n; i++) {
        st = cllm_llama_rpc_add_server(L, out->s[i].endpoint.text, &out->s[i].n_devices, err, errlen);
        if (st != CLLM_OK)
            return st;
    }
    return CLLM_OK;
}
