/* llama.cpp RPC from our side: the --rpc list's validation, the bounded probe against servers that refuse, stay
 * silent, speak another protocol version or answer as rpc-server does (a fake in a thread, framed as ggml-rpc
 * frames), the placement read from llama.cpp's load log (lines captured from a real two-server run), and adding
 * RPC devices to a backend choice. */
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "llm/engine.h"
#include "llm/placement.h"
#include "llm/rpc.h"
#include "platform/proc.h"
#include "test.h"

static void test_parse_ok(void)
{
    struct cllm_rpc_list l;
    char err[CLLM_ERR_LEN];
    CHECK_INT(cllm_rpc_parse_list("127.0.0.1:50052", &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 1);
    CHECK_STR(l.e[0].host, "127.0.0.1");
    CHECK_INT(l.e[0].port, 50052);
    CHECK_STR(l.e[0].text, "127.0.0.1:50052");
    CHECK_INT(cllm_rpc_parse_list(" gpu-box.lan:1 , 10.0.0.2:65535,node7:50052", &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(l.n, 3);
    CHECK_STR(l.e[0].text, "gpu-box.lan:1");
    CHECK_INT(l.e[1].port, 65535);
    CHECK_STR(l.e[2].host, "node7");

    {   /* exactly 16 servers */
        char list[512] = "";
        for (int i = 0; i < 16; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s10.0.0.%d:50052", i ? "," : "", i + 1);
        CHECK_INT(cllm_rpc_parse_list(list, &l, err, sizeof(err)), CLLM_OK);
        CHECK_INT(l.n, 16);
        strcat(list, ",10.0.0.99:50052");
        CHECK_INT(cllm_rpc_parse_list(list, &l, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
        CHECK(strstr(err, "more than 16") != NULL);
    }
}

static void refused(const char *text, const char *why)
{
    struct cllm_rpc_list l;
    char err[CLLM_ERR_LEN] = "";
    enum cllm_status st = cllm_rpc_parse_list(text, &l, err, sizeof(err));
    if (st != CLLM_ERR_INVALID_ARG || !strstr(err, why)) {
        fprintf(stderr, "  '%s': status %d, message \"%s\" (wanted one with \"%s\")\n", text, st, err, why);
        t_checks_failed++;
    }
}

static void test_parse_refused(void)
{
    refused("", "no servers");
    refused("127.0.0.1:50052,", "empty server");
    refused(",127.0.0.1:50052", "empty server");
    refused("127.0.0.1", "no port");
    refused("127.0.0.1:", "no port");
    refused("127.0.0.1:0", "1..65535");
    refused("127.0.0.1:65536", "1..65535");
    refused("127.0.0.1:99999999999999999999", "1..65535");
    refused("127.0.0.1:-1", "1..65535");
    refused("127.0.0.1:+80", "1..65535");
    refused("127.0.0.1:80x", "1..65535");
    refused("tcp://127.0.0.1:50052", "scheme");
    refused("user:pw@127.0.0.1:50052", "credentials");
    refused("user@host:50052", "credentials");
    refused("127.0.0.1:50052/x", "path");
    refused("[::1]:50052", "IPv6");
    refused("::1:50052", "IPv6");
    refused("256.0.0.1:50052", "not an IPv4 address or a host name");
    refused("1.2.3:50052", "not an IPv4 address or a host name");
    refused("01.2.3.4:50052", "not an IPv4 address or a host name");
    refused("-host:50052", "not an IPv4 address or a host name");
    refused("host-:50052", "not an IPv4 address or a host name");
    refused("a..b:50052", "not an IPv4 address or a host name");
    refused("ho_st:50052", "not an IPv4 address or a host name");
    refused("a b:50052", "space");
    refused("h\tx:50052", "space");
    refused("10.0.0.1:50052,10.0.0.1:50052", "listed twice");
}

/* ---- fake servers ---- */

struct fake {
    int listen_fd;
    int port;
    int mode;              /* 0: answers as rpc-server 7.0.0 with 2 devices; 1: answers HELLO as 6.1.0;
                              2: accepts and says nothing; 3: accepts and closes */
    pthread_t thread;
};

static bool read_n(int fd, void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r <= 0)
            return false;
        p += r;
        n -= (size_t)r;
    }
    return true;
}

static void answer(int fd, const void *data, uint64_t n)
{
    if (write(fd, &n, sizeof(n)) != (ssize_t)sizeof(n) || write(fd, data, n) != (ssize_t)n)
        return;
}

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    int c = accept(f->listen_fd, NULL, NULL);
    if (c < 0)
        return NULL;
    if (f->mode == 2) {
        char b;
        (void)!read(c, &b, 1);   /* until the client gives up and closes */
        while (read(c, &b, 1) > 0) {
        }
    } else if (f->mode == 0 || f->mode == 1) {
        for (;;) {
            unsigned char cmd;
            uint64_t size;
            unsigned char in[64];
            if (!read_n(c, &cmd, 1) || !read_n(c, &size, 8) || size > sizeof(in) || !read_n(c, in, (size_t)size))
                break;
            if (cmd == 14) {
                unsigned char rsp[28] = {0};
                rsp[0] = f->mode == 0 ? 7 : 6;
                rsp[1] = f->mode == 0 ? 0 : 1;
                answer(c, rsp, sizeof(rsp));
            } else if (cmd == 15) {
                uint32_t n = 2;
                answer(c, &n, sizeof(n));
            } else {
                break;
            }
        }
    }
    close(c);
    return NULL;
}

static bool fake_start(struct fake *f, int mode)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    memset(f, 0, sizeof(*f));
    f->mode = mode;
    f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(f->listen_fd, 4) != 0 ||
        getsockname(f->listen_fd, (struct sockaddr *)&a, &len) != 0)
        return false;
    f->port = ntohs(a.sin_port);
    return pthread_create(&f->thread, NULL, fake_main, f) == 0;
}

static void fake_stop(struct fake *f)
{
    pthread_join(f->thread, NULL);
    close(f->listen_fd);
}

static void test_probe_answers(void)
{
    struct fake f;
    struct cllm_rpc_list l;
    struct cllm_rpc_probe pr;
    char text[64], err[CLLM_ERR_LEN] = "";
    if (!fake_start(&f, 0))
        SKIP("no loopback socket");
    snprintf(text, sizeof(text), "127.0.0.1:%d", f.port);
    CHECK_INT(cllm_rpc_parse_list(text, &l, err, sizeof(err)), CLLM_OK);
    CHECK_INT(cllm_rpc_probe(&l.e[0], 2000, &pr, err, sizeof(err)), CLLM_OK);
    fake_stop(&f);
    CHECK_INT(pr.proto_major, 7);
    CHECK_INT(pr.proto_minor, 0);
    CHECK_INT(pr.n_devices, 2);
    CHECK_INT(pr.rtt_samples, CLLM_RPC_RTT_SAMPLES);
    CHECK(pr.connect_ms >= 0 && pr.connect_ms < 2000);
    CHECK(pr.rtt_min_ms > 0 && pr.rtt_min_ms <= pr.rtt_median_ms && pr.rtt_median_ms < 2000);
}

static void test_probe_other_version(void)
{
    struct fake f;
    struct cllm_rpc_list l;
    struct cllm_rpc_probe pr;
    char text[64], err[CLLM_ERR_LEN] = "";
    if (!fake_start(&f, 1))
        SKIP("no loopback socket");
    snprintf(text, sizeof(text), "127.0.0.1:%d", f.port);
    cllm_rpc_parse_list(text, &l, err, sizeof(err));
    CHECK_INT(cllm_rpc_probe(&l.e[0], 2000, &pr, err, sizeof(err)), CLLM_ERR_UNSUPPORTED);
    fake_stop(&f);
    CHECK(strstr(err, "protocol 6.1.0") != NULL);
    CHECK(strstr(err, "scripts/setup --rpc") != NULL);
}

static void test_probe_silent_and_closing(void)
{
    struct fake f;
    struct cllm_rpc_list l;
    struct cllm_rpc_probe pr;
    char text[64], err[CLLM_ERR_LEN] = "";
    uint64_t t0;
    double took_ms;
    if (!fake_start(&f, 2))
        SKIP("no loopback socket");
    snprintf(text, sizeof(text), "127.0.0.1:%d", f.port);
    cllm_rpc_parse_list(text, &l, err, sizeof(err));
    t0 = cllm_now_ns();
    CHECK_INT(cllm_rpc_probe(&l.e[0], 300, &pr, err, sizeof(err)), CLLM_ERR_TIMEOUT);
    took_ms = (double)(cllm_now_ns() - t0) / 1e6;
    fake_stop(&f);
    CHECK(took_ms >= 250 && took_ms < 3000);    /* the deadline, not a hang */
    CHECK(strstr(err, "did not answer HELLO within 300 ms") != NULL);

    if (!fake_start(&f, 3))
        SKIP("no loopback socket");
    snprintf(text, sizeof(text), "127.0.0.1:%d", f.port);
    cllm_rpc_parse_list(text, &l, err, sizeof(err));
    CHECK_INT(cllm_rpc_probe(&l.e[0], 2000, &pr, err, sizeof(err)), CLLM_ERR_IO);
    fake_stop(&f);
    /* the close races our HELLO: seen as an end of stream, a reset, or a broken pipe on the send */
    if (!(strstr(err, "closed by the peer") || strstr(err, "reset") || strstr(err, "Broken pipe"))) {
        fprintf(stderr, "  closing server: \"%s\"\n", err);
        t_checks_failed++;
    }
}

static void test_probe_refused(void)
{
    struct cllm_rpc_list l;
    struct cllm_rpc_probe pr;
    char text[64], err[CLLM_ERR_LEN] = "";
    int port = cllm_free_tcp_port();
    if (port <= 0)
        SKIP("no free port");
    snprintf(text, sizeof(text), "127.0.0.1:%d", port);
    cllm_rpc_parse_list(text, &l, err, sizeof(err));
    CHECK_INT(cllm_rpc_probe(&l.e[0], 2000, &pr, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "refused") != NULL);
    CHECK(strstr(err, "rpc-server") != NULL);
    CHECK(isnan(pr.rtt_min_ms));
}

/* llama.cpp 0.5.0-dev's lines of a tiny model split over two rpc-servers (computellm -vv run ... --rpc A,B) */
static const char *const k_log[] = {
    "load_tensors: layer   0 assigned to device RPC0, is_swa = 0",
    "load_tensors: layer   1 assigned to device RPC0, is_swa = 0",
    "load_tensors: layer   2 assigned to device RPC1, is_swa = 0",
    "load_tensors: offloaded 3/3 layers to GPU",
    "load_tensors:   CPU_Mapped model buffer size =     4.39 MiB",
    "load_tensors: RPC0[127.0.0.1:50061] model buffer size =     0.68 MiB",
    "load_tensors: RPC0[127.0.0.1:50062] model buffer size =     6.41 MiB",
    "llama_context:        CPU  output buffer size =     0.12 MiB",
    "llama_kv_cache: RPC0[127.0.0.1:50061] KV buffer size =     2.00 MiB",
    "sched_reserve: RPC0[127.0.0.1:50061] compute buffer size =    14.05 MiB",
    "sched_reserve: RPC0[127.0.0.1:50062] compute buffer size =    65.00 MiB",
    "sched_reserve:        CPU compute buffer size =     9.05 MiB",
    "~llama_context: RPC0[127.0.0.1:50062] compute buffer size is  65.0000 MiB, matches expectation of  65.0000 MiB",
};

static void test_placement(void)
{
    struct cllm_placement p;
    const struct cllm_placement_entry *e;
    int matched = 0;
    cllm_placement_init(&p);
    CHECK_INT(p.offloaded, -1);
    for (size_t i = 0; i < sizeof(k_log) / sizeof(k_log[0]); i++)
        matched += cllm_placement_line(&p, k_log[i]);
    CHECK_INT(matched, 11);   /* not the output buffer, not the destructor's line */
    CHECK_INT(p.offloaded, 3);
    CHECK_INT(p.offloadable, 3);
    CHECK_INT(p.layer_lines, 3);
    e = cllm_placement_find(&p, "RPC0");
    CHECK(e && e->layers == 2);
    e = cllm_placement_find(&p, "RPC1");
    CHECK(e && e->layers == 1);
    e = cllm_placement_find(&p, "CPU_Mapped");
    CHECK(e && e->has_model && fabs(e->model_mib - 4.39) < 1e-9 && !e->has_kv);
    e = cllm_placement_find(&p, "RPC0[127.0.0.1:50061]");
    CHECK(e && fabs(e->model_mib - 0.68) < 1e-9 && fabs(e->kv_mib - 2.0) < 1e-9 && fabs(e->compute_mib - 14.05) < 1e-9);
    e = cllm_placement_find(&p, "RPC0[127.0.0.1:50062]");
    CHECK(e && fabs(e->compute_mib - 65.0) < 1e-9 && !e->has_kv);
    e = cllm_placement_find(&p, "CPU");
    CHECK(e && e->has_compute && !e->has_model && fabs(e->compute_mib - 9.05) < 1e-9);

    /* lines that look alike but are not: ignored, nothing invented */
    cllm_placement_init(&p);
    CHECK(!cllm_placement_line(&p, "load_tensors: layer x assigned to device RPC0, is_swa = 0"));
    CHECK(!cllm_placement_line(&p, "load_tensors: layer 1 assigned to device RPC0"));
    CHECK(!cllm_placement_line(&p, "load_tensors: offloaded 3 layers to GPU"));
    CHECK(!cllm_placement_line(&p, "load_tensors: CPU model buffer size = -1.00 MiB"));
    CHECK(!cllm_placement_line(&p, "load_tensors: CPU model buffer size = 1.00 GiB"));
    CHECK(!cllm_placement_line(&p, "load_tensors: model buffer size = 1.00 MiB"));
    CHECK(!cllm_placement_line(&p, NULL));
    CHECK_INT(p.n, 0);
    CHECK_INT(p.offloaded, -1);
}

static void test_add_rpc(void)
{
    const struct cllm_backend_device devs[] = {{"CPU", 0}, {"Vulkan", 1}, {"RPC", 1}, {"RPC", 1}};
    struct cllm_backend_choice c;
    char err[CLLM_ERR_LEN] = "";

    /* CPU-only machine: the servers get the layers */
    {
        const struct cllm_backend_device cpu_only[] = {{"CPU", 0}, {"RPC", 1}, {"RPC", 1}};
        cllm_backend_choose(cpu_only, 3, true, -1, NULL, "cpu", &c);
        CHECK_STR(c.backend, "CPU");
        CHECK_INT(cllm_backend_add_rpc(cpu_only, 3, -1, &c, err, sizeof(err)), CLLM_OK);
        CHECK_STR(c.backend, "RPC");
        CHECK_INT(c.n_devices, 2);
        CHECK_INT(c.devices[0], 1);
        CHECK_INT(c.devices[1], 2);
        CHECK_INT(c.n_gpu_layers, -1);
    }
    /* a local GPU first, then the servers */
    cllm_backend_choose(devs, 4, true, 20, NULL, "vulkan", &c);
    CHECK_INT(cllm_backend_add_rpc(devs, 4, 20, &c, err, sizeof(err)), CLLM_OK);
    CHECK_STR(c.backend, "Vulkan+RPC");
    CHECK_INT(c.n_devices, 3);
    CHECK_INT(c.devices[0], 1);
    CHECK_INT(c.devices[2], 3);
    CHECK_INT(c.n_gpu_layers, 20);
    /* refusals */
    cllm_backend_choose(devs, 4, false, 0, NULL, "cpu", &c);
    CHECK_INT(cllm_backend_add_rpc(devs, 4, 0, &c, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(err, "-ngl 0") != NULL);
    cllm_backend_choose(devs, 2, true, -1, NULL, "vulkan", &c);
    CHECK_INT(cllm_backend_add_rpc(devs, 2, -1, &c, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    {
        struct cllm_backend_device many[20];
        for (int i = 0; i < 20; i++)
            snprintf(many[i].backend, sizeof(many[i].backend), "RPC"), many[i].type = 1;
        cllm_backend_choose(many, 20, true, -1, NULL, "cpu", &c);
        CHECK_INT(cllm_backend_add_rpc(many, 20, -1, &c, err, sizeof(err)), CLLM_ERR_INVALID_ARG);
        CHECK(strstr(err, "more than 16") != NULL);
    }
}

int main(void)
{
    RUN(test_parse_ok);
    RUN(test_parse_refused);
    RUN(test_probe_answers);
    RUN(test_probe_other_version);
    RUN(test_probe_silent_and_closing);
    RUN(test_probe_refused);
    RUN(test_placement);
    RUN(test_add_rpc);
    return test_summary();
}
