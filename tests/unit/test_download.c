/* Downloads against a local stand-in for Hugging Face (libmicrohttpd on 127.0.0.1, random port): the resolve URL
 * answers 302 with X-Linked-Size / X-Linked-Etag, as huggingface.co does for LFS files, and /cdn/ serves the bytes
 * with Range support, a cut connection or a wrong hash on demand. Nothing leaves 127.0.0.1. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/download.h"
#include "model/registry.h"
#include "test.h"

#if defined(CLLM_WITH_CURL)
static char g_dir[256];
#define PATH_LEN 300   /* a file path under g_dir */

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : -1;
}
#endif

static void test_resolve_url(void)
{
    char url[512];
    cllm_download_resolve_url("https://hf.example/", "TheBloke/X-GGUF", NULL, "x y+1.gguf", url, sizeof(url));
    CHECK_STR(url, "https://hf.example/TheBloke/X-GGUF/resolve/main/x%20y%2B1.gguf");
    setenv("HF_ENDPOINT", "http://mirror.local:8080", 1);
    cllm_download_resolve_url(NULL, "a/b", "v1.0", "f.gguf", url, sizeof(url));
    CHECK_STR(url, "http://mirror.local:8080/a/b/resolve/v1.0/f.gguf");
    unsetenv("HF_ENDPOINT");
    cllm_download_resolve_url(NULL, "a/b", NULL, "f.gguf", url, sizeof(url));
    CHECK_STR(url, "https://huggingface.co/a/b/resolve/main/f.gguf");
}

static void test_failure_names(void)
{
    CHECK_STR(cllm_download_failure_name(CLLM_DL_OFFLINE), "offline");
    CHECK_STR(cllm_download_failure_name(CLLM_DL_INTEGRITY), "integrity");
}

#if !defined(CLLM_WITH_CURL)

static void test_unsupported(void)
{
    struct cllm_download_part part = {"f.gguf", NULL, -1};
    struct cllm_download_result res;
    char err[256] = "";
    CHECK(!cllm_download_supported());
    CHECK_INT(cllm_download_hf("a/b", &part, 1, "/tmp/cllm_never/f.gguf", NULL, &res, err, sizeof(err)),
              CLLM_ERR_UNSUPPORTED);
    CHECK_STR(err, "unsupported: built without libcurl");
    CHECK_INT(res.failure, CLLM_DL_UNSUPPORTED);
}

int main(void)
{
    RUN(test_resolve_url);
    RUN(test_failure_names);
    RUN(test_unsupported);
    return test_summary();
}

#else

static void test_sha256_vectors(void)
{
    char hex[65];
    CHECK_INT(cllm_sha256_hex("", 0, hex), CLLM_OK);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    cllm_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_offline_fast(void)
{
    struct cllm_download_params p = cllm_download_default_params();
    struct cllm_download_part part = {"f.gguf", NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    test_mkdtemp(g_dir, sizeof(g_dir), "dl");
    snprintf(dest, sizeof(dest), "%s/f.gguf", g_dir);
    snprintf(partp, sizeof(partp), "%s/f.gguf.part", g_dir);
    p.endpoint = "http://127.0.0.1:1";   /* nothing listens on port 1: connection refused at once */
    CHECK_INT(cllm_download_hf("a/b", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_IO);
    CHECK_INT(res.failure, CLLM_DL_OFFLINE);
    CHECK(strstr(err, "cannot reach http://127.0.0.1:1/a/b/resolve/main/f.gguf") != NULL);
    CHECK(file_size(dest) < 0);
    CHECK(file_size(partp) < 0);

    setenv("HF_HUB_OFFLINE", "1", 1);
    CHECK_INT(cllm_download_hf("a/b", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_IO);
    CHECK_INT(res.failure, CLLM_DL_OFFLINE);
    CHECK(strstr(err, "HF_HUB_OFFLINE") != NULL);
    unsetenv("HF_HUB_OFFLINE");
    test_rmtree(g_dir);
}

#if !defined(CLLM_TEST_HAVE_MHD)

static void test_server(void) { SKIP("built without libmicrohttpd: no local server"); }

int main(void)
{
    RUN(test_resolve_url);
    RUN(test_failure_names);
    RUN(test_sha256_vectors);
    RUN(test_offline_fast);
    RUN(test_server);
    return test_summary();
}

#else

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>

#define MAX_FILES 4

struct srv_file {
    char name[64];
    unsigned char *data;
    size_t len;
    char sha[65];
};

/* The stand-in server and what it saw. */
static struct {
    struct MHD_Daemon *d;
    uint16_t port;
    pthread_mutex_t mu;
    struct srv_file files[MAX_FILES];
    int n_files;
    /* behaviour */
    char etag_override[80];     /* sent as X-Linked-Etag instead of the true sha256 */
    long long size_override;    /* sent as X-Linked-Size when >= 0 */
    long cut_after;             /* >= 0: the next /cdn GET dies after this many body bytes (once) */
    bool ignore_range;          /* answer 200 with the whole file even when asked for a range */
    bool no_head;               /* a mirror without HEAD: 405, so sizes are learnt from the GET */
    /* observations */
    int n_ranged;
    char last_range[64];
    char last_auth[160];
    bool saw_auth;
    int n_cdn_get;
} S;

static void srv_reset(void)
{
    pthread_mutex_lock(&S.mu);
    S.etag_override[0] = '\0';
    S.size_override = -1;
    S.cut_after = -1;
    S.ignore_range = false;
    S.no_head = false;
    S.n_ranged = 0;
    S.last_range[0] = S.last_auth[0] = '\0';
    S.saw_auth = false;
    S.n_cdn_get = 0;
    pthread_mutex_unlock(&S.mu);
}

static struct srv_file *add_file(const char *name, size_t len, uint32_t seed)
{
    struct srv_file *f = &S.files[S.n_files++];
    uint32_t s = seed;
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->data = malloc(len);
    f->len = len;
    for (size_t i = 0; i < len; i++) {
        s ^= s << 13, s ^= s >> 17, s ^= s << 5;   /* xorshift32: incompressible, reproducible */
        f->data[i] = (unsigned char)s;
    }
    cllm_sha256_hex(f->data, len, f->sha);
    return f;
}

static struct srv_file *find_file(const char *name)
{
    for (int i = 0; i < S.n_files; i++)
        if (strcmp(S.files[i].name, name) == 0)
            return &S.files[i];
    return NULL;
}

struct cut_reader {
    const unsigned char *data;
    size_t len, cut;
};

static ssize_t cut_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct cut_reader *r = cls;
    size_t left;
    if (pos >= r->cut)
        return MHD_CONTENT_READER_END_WITH_ERROR;   /* closes the connection mid-body */
    left = r->cut - (size_t)pos;
    if (max > left)
        max = left;
    memcpy(buf, r->data + pos, max);
    return (ssize_t)max;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    const char *resolve = strstr(url, "/resolve/main/");
    bool head = strcmp(method, "HEAD") == 0;
    struct MHD_Response *r;
    char v[160];
    (void)cls, (void)version, (void)upload, (void)upload_size, (void)con_cls;

    if (strncmp(url, "/owner/old-name/", 16) == 0) {
        /* a renamed repository: Hugging Face answers with a redirect relative to its own host */
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        snprintf(v, sizeof(v), "/owner/repo/%s", url + 16);
        MHD_add_response_header(r, "Location", v);
        return queue(c, 307, r);
    }
    if (resolve && head && S.no_head)
        return queue(c, 405, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
    if (resolve) {
        struct srv_file *f = find_file(resolve + strlen("/resolve/main/"));
        const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        pthread_mutex_lock(&S.mu);
        S.saw_auth = auth != NULL;
        snprintf(S.last_auth, sizeof(S.last_auth), "%s", auth ? auth : "");
        pthread_mutex_unlock(&S.mu);
        if (!f) {
            static const char body[] = "Entry not found";
            r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
            return queue(c, 404, r);
        }
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        snprintf(v, sizeof(v), "http://127.0.0.1:%u/cdn/%s", S.port, f->name);
        MHD_add_response_header(r, "Location", v);
        snprintf(v, sizeof(v), "%lld", S.size_override >= 0 ? S.size_override : (long long)f->len);
        MHD_add_response_header(r, "X-Linked-Size", v);
        snprintf(v, sizeof(v), "\"%s\"", S.etag_override[0] ? S.etag_override : f->sha);
        MHD_add_response_header(r, "X-Linked-Etag", v);
        return queue(c, 302, r);
    }
    if (strncmp(url, "/cdn/", 5) == 0) {
        struct srv_file *f = find_file(url + 5);
        const char *range = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range");
        size_t start = 0;
        unsigned status = 200;
        long cut = -1;
        if (!f)
            return queue(c, 404, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
        pthread_mutex_lock(&S.mu);
        if (!head) {
            S.n_cdn_get++;
            cut = S.cut_after;
            S.cut_after = -1;
        }
        if (range && !head) {
            S.n_ranged++;
            snprintf(S.last_range, sizeof(S.last_range), "%s", range);
        }
        pthread_mutex_unlock(&S.mu);
        if (range && !S.ignore_range && sscanf(range, "bytes=%zu-", &start) == 1) {
            if (start >= f->len) {
                r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
                snprintf(v, sizeof(v), "bytes */%zu", f->len);
                MHD_add_response_header(r, "Content-Range", v);
                return queue(c, 416, r);
            }
            status = 206;
        }
        if (cut >= 0) {
            struct cut_reader *cr = malloc(sizeof(*cr));
            cr->data = f->data + start;
            cr->len = f->len - start;
            cr->cut = (size_t)cut < cr->len ? (size_t)cut : cr->len;
            r = MHD_create_response_from_callback(cr->len, 32 * 1024, cut_read, cr, free);
        } else {
            r = MHD_create_response_from_buffer(f->len - start, f->data + start, MHD_RESPMEM_PERSISTENT);
        }
        MHD_add_response_header(r, "Accept-Ranges", "bytes");
        if (status == 206) {
            snprintf(v, sizeof(v), "bytes %zu-%zu/%zu", start, f->len - 1, f->len);
            MHD_add_response_header(r, "Content-Range", v);
        }
        return queue(c, status, r);
    }
    return queue(c, 404, MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT));
}

static bool srv_start(void)
{
    struct sockaddr_in sa;
    const union MHD_DaemonInfo *info;

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = 0;   /* the kernel picks a free port */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    pthread_mutex_init(&S.mu, NULL);
    S.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, NULL, MHD_OPTION_SOCK_ADDR,
                           (struct sockaddr *)&sa, MHD_OPTION_END);
    if (!S.d)
        return false;
    info = MHD_get_daemon_info(S.d, MHD_DAEMON_INFO_BIND_PORT);
    S.port = info ? info->port : 0;
    srv_reset();
    return S.port != 0;
}

static void srv_stop(void)
{
    if (S.d)
        MHD_stop_daemon(S.d);
    for (int i = 0; i < S.n_files; i++)
        free(S.files[i].data);
}

static char g_endpoint[64];

static struct cllm_download_params params(void)
{
    struct cllm_download_params p = cllm_download_default_params();
    p.endpoint = g_endpoint;
    p.retries = 0;
    p.retry_delay_s = 0;
    p.token = "";
    return p;
}

/* A fresh folder and server state; dest is <folder>/<name>, partp the .part beside it (both PATH_LEN). */
static void begin(const char *name, char *dest, char *partp)
{
    test_mkdtemp(g_dir, sizeof(g_dir), "dl");
    srv_reset();
    snprintf(dest, PATH_LEN, "%s/%s", g_dir, name);
    snprintf(partp, PATH_LEN, "%s.part", dest);
}

/* dest holds exactly f's bytes and no .part is left beside it. */
static bool same_as(const char *dest, const struct srv_file *f)
{
    size_t len = 0;
    char *got = test_slurp(dest, &len), part[600];
    bool ok = got && len == f->len && memcmp(got, f->data, len) == 0;
    free(got);
    snprintf(part, sizeof(part), "%s.part", dest);
    return ok && file_size(part) < 0;
}

static void write_prefix(const char *path, const unsigned char *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (fp) {
        fwrite(data, 1, n, fp);
        fclose(fp);
    }
}

struct progress_log {
    int calls, checking, fetching;
    int64_t last_done, last_total;
    int cancel_at_fetch;
};

static int on_progress(const struct cllm_download_progress *p, void *ud)
{
    struct progress_log *l = ud;
    l->calls++;
    l->checking += p->phase == CLLM_DL_PHASE_CHECKING;
    l->fetching += p->phase == CLLM_DL_PHASE_FETCHING;
    CHECK(p->done_bytes >= 0 && (p->total_bytes < 0 || p->done_bytes <= p->total_bytes));
    l->last_done = p->done_bytes;
    l->last_total = p->total_bytes;
    return l->cancel_at_fetch && p->phase == CLLM_DL_PHASE_FETCHING;
}

static void test_full_download(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    struct progress_log log = {0};
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    p.progress = on_progress;
    p.user_data = &log;
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    if (err[0] && res.failure)
        fprintf(stderr, "download: %s\n", err);
    CHECK(same_as(dest, f));
    CHECK_INT(res.failure, CLLM_DL_OK);
    CHECK_INT(res.bytes, (int64_t)f->len);
    CHECK_INT(res.fetched_bytes, (int64_t)f->len);
    CHECK_INT(res.resumed_bytes, 0);
    CHECK(res.sha256_checked);   /* against X-Linked-Etag of the redirect */
    CHECK_STR(res.sha256, f->sha);
    CHECK_INT(res.http_status, 200);
    CHECK(strstr(res.url, "/owner/repo/resolve/main/model.Q4_K_M.gguf") != NULL);
    CHECK_INT(S.n_ranged, 0);
    CHECK(!S.saw_auth);   /* token "" sends none */
    CHECK(log.fetching >= 1 && log.last_done == (int64_t)f->len && log.last_total == (int64_t)f->len);

    /* a second call finds the file and does nothing */
    srv_reset();
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(res.already_present && res.fetched_bytes == 0 && S.n_cdn_get == 0);
    test_rmtree(g_dir);
}

static void test_resume_with_range(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    struct progress_log log = {0};
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "", want[64];
    size_t half = f->len / 2;

    begin(f->name, dest, partp);
    write_prefix(partp, f->data, half);
    p.progress = on_progress;
    p.user_data = &log;
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK_INT(S.n_ranged, 1);
    snprintf(want, sizeof(want), "bytes=%zu-", half);
    CHECK_STR(S.last_range, want);
    CHECK_INT(res.resumed_bytes, (int64_t)half);
    CHECK_INT(res.fetched_bytes, (int64_t)(f->len - half));
    CHECK_STR(res.sha256, f->sha);   /* the kept half was hashed too */
    CHECK(res.sha256_checked);
    CHECK(log.checking >= 1);
    test_rmtree(g_dir);
}

static void test_cut_connection_then_resume(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";
    int64_t kept;

    begin(f->name, dest, partp);
    S.cut_after = 1 << 20;
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_IO);
    CHECK_INT(res.failure, CLLM_DL_NETWORK);
    CHECK(strstr(err, f->name) != NULL);
    kept = file_size(partp);
    CHECK(kept > 0 && kept <= (1 << 20));   /* what arrived is kept */
    CHECK(file_size(dest) < 0);

    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK_INT(S.n_ranged, 1);
    CHECK_INT(res.resumed_bytes, kept);
    CHECK_STR(res.sha256, f->sha);
    test_rmtree(g_dir);
}

static void test_cut_connection_retried(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    S.cut_after = 300000;
    p.retries = 1;   /* the same call resumes after the cut */
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK_INT(S.n_cdn_get, 2);
    CHECK_INT(S.n_ranged, 1);
    CHECK_INT(res.fetched_bytes, (int64_t)f->len);
    CHECK_STR(res.sha256, f->sha);
    test_rmtree(g_dir);
}

static void test_wrong_hash(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";
    const char *bad = "0000000000000000000000000000000000000000000000000000000000000bad";

    begin(f->name, dest, partp);
    snprintf(S.etag_override, sizeof(S.etag_override), "%s", bad);
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_IO);
    CHECK_INT(res.failure, CLLM_DL_INTEGRITY);
    CHECK(strstr(err, bad) != NULL);      /* expected */
    CHECK(strstr(err, f->sha) != NULL);   /* got */
    CHECK(strstr(err, "sha256 mismatch") != NULL);
    CHECK(file_size(partp) < 0);          /* the bad bytes are gone */
    CHECK(file_size(dest) < 0);

    /* a registry hash is checked as well */
    srv_reset();
    part.sha256 = bad;
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_IO);
    CHECK(strstr(err, "from the model registry") != NULL && strstr(err, bad) != NULL);
    CHECK(file_size(partp) < 0);
    test_rmtree(g_dir);
}

static void test_wrong_size(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    S.size_override = (long long)f->len + 10;
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_IO);
    CHECK_INT(res.failure, CLLM_DL_INTEGRITY);
    CHECK(strstr(err, "size mismatch") != NULL);
    CHECK(file_size(partp) < 0);
    test_rmtree(g_dir);
}

static void test_token_bearer(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    setenv("HF_TOKEN", "hf_TestToken123", 1);
    p.token = NULL;   /* take it from the environment */
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK_STR(S.last_auth, "Bearer hf_TestToken123");
    CHECK(same_as(dest, f));
    unsetenv("HF_TOKEN");
    test_rmtree(g_dir);
}

static void test_404_names_url(void)
{
    struct cllm_download_params p = params();
    struct cllm_download_part part = {"missing.Q4_K_M.gguf", NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "", url[256];

    begin(part.file, dest, partp);
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK_INT(res.failure, CLLM_DL_HTTP);
    CHECK_INT(res.http_status, 404);
    snprintf(url, sizeof(url), "HTTP 404 for %s/owner/repo/resolve/main/missing.Q4_K_M.gguf", g_endpoint);
    CHECK(strstr(err, url) != NULL);
    CHECK(file_size(partp) < 0);   /* no empty .part left behind */
    test_rmtree(g_dir);
}

static void test_server_ignores_range(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    write_prefix(partp, f->data, 4096);
    S.ignore_range = true;   /* 200 with the whole body: start over, not append */
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK_INT(res.fetched_bytes, (int64_t)f->len);
    CHECK_STR(res.sha256, f->sha);
    test_rmtree(g_dir);
}

static void test_part_already_whole(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    write_prefix(partp, f->data, f->len);   /* died between the last byte and the rename */
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK_INT(res.fetched_bytes, 0);
    CHECK_INT(S.n_cdn_get, 0);
    CHECK_STR(res.sha256, f->sha);
    test_rmtree(g_dir);
}

/* Size unknown beforehand (no HEAD): a whole .part is found out by the 416 answer to its Range request. */
static void test_416_means_whole(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "", want[64];

    begin(f->name, dest, partp);
    S.no_head = true;
    write_prefix(partp, f->data, f->len);
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    snprintf(want, sizeof(want), "bytes=%zu-", f->len);
    CHECK_STR(S.last_range, want);
    CHECK_INT(res.http_status, 416);
    CHECK_INT(res.fetched_bytes, 0);
    CHECK(res.sha256_checked);   /* X-Linked-Etag read from the GET's redirect instead */

    /* and a .part longer than the file: 416 with a smaller total → start over */
    unlink(dest);
    srv_reset();
    S.no_head = true;
    {
        FILE *fp = fopen(partp, "wb");
        if (fp) {
            fwrite(f->data, 1, f->len, fp);
            fwrite("junk", 1, 4, fp);
            fclose(fp);
        }
    }
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK_INT(res.fetched_bytes, (int64_t)f->len);
    test_rmtree(g_dir);
}

static void test_split_parts_joined(void)
{
    struct srv_file *a = find_file("big.Q6_K.gguf-split-a"), *b = find_file("big.Q6_K.gguf-split-b");
    struct cllm_download_params p = params();
    struct cllm_download_part parts[2] = {{a->name, NULL, -1}, {b->name, b->sha, -1}};
    struct cllm_download_result res;
    struct srv_file joined;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "", want[64];

    begin("big.Q6_K.gguf", dest, partp);
    joined.len = a->len + b->len;
    joined.data = malloc(joined.len);
    memcpy(joined.data, a->data, a->len);
    memcpy(joined.data + a->len, b->data, b->len);

    /* a previous run got all of part a and 100000 bytes of part b */
    write_prefix(partp, joined.data, a->len + 100000);
    CHECK_INT(cllm_download_hf("owner/repo", parts, 2, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    if (res.failure)
        fprintf(stderr, "split: %s\n", err);
    CHECK(same_as(dest, &joined));
    CHECK_INT(S.n_cdn_get, 1);   /* part a was whole: only b is fetched */
    snprintf(want, sizeof(want), "bytes=%d-", 100000);
    CHECK_STR(S.last_range, want);
    CHECK_INT(res.resumed_bytes, (int64_t)(a->len + 100000));
    CHECK_INT(res.bytes, (int64_t)joined.len);
    CHECK(res.sha256_checked);
    CHECK_STR(res.sha256, "");

    /* from nothing */
    unlink(dest);
    srv_reset();
    CHECK_INT(cllm_download_hf("owner/repo", parts, 2, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, &joined));
    CHECK_INT(S.n_cdn_get, 2);
    CHECK_INT(S.n_ranged, 0);
    free(joined.data);
    test_rmtree(g_dir);
}

static void test_cancel_keeps_part(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    struct progress_log log = {0};
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    write_prefix(partp, f->data, 1000);
    log.cancel_at_fetch = 1;
    p.progress_interval_s = 0;   /* every libcurl progress tick reaches the callback */
    p.progress = on_progress;
    p.user_data = &log;
    CHECK_INT(cllm_download_hf("owner/repo", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_ERR_CANCELLED);
    CHECK_INT(res.failure, CLLM_DL_CANCELLED);
    CHECK(file_size(partp) >= 1000);
    CHECK(file_size(dest) < 0);
    test_rmtree(g_dir);
}

/* A same-host redirect with a relative Location (a renamed repository) is followed. */
static void test_relative_redirect(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_part part = {f->name, NULL, -1};
    struct cllm_download_result res;
    char dest[PATH_LEN], partp[PATH_LEN], err[512] = "";

    begin(f->name, dest, partp);
    CHECK_INT(cllm_download_hf("owner/old-name", &part, 1, dest, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(same_as(dest, f));
    CHECK(res.sha256_checked);   /* X-Linked-Etag found behind the same-host redirect */
    test_rmtree(g_dir);
}

/* The registry path: model + quant → models_dir/<file>, with the registry's hash as an extra check. */
static void test_download_model(void)
{
    struct srv_file *f = find_file("model.Q4_K_M.gguf");
    struct cllm_download_params p = params();
    struct cllm_download_result res;
    struct cllm_registry *r = cllm_registry_new();
    const struct cllm_model *m;
    char json[2048], err[512] = "", dest[PATH_LEN];

    snprintf(json, sizeof(json),
             "{\"models\": {\"tiny\": {\"name\": \"Tiny\", \"params\": \"1M\", \"repo\": \"owner/repo\","
             " \"min_ram_gb\": 1, \"chat_template\": \"none\","
             " \"arch\": {\"arch\": \"llama\", \"n_layer\": 1, \"n_embd\": 64, \"n_ff\": 128, \"n_head\": 2,"
             " \"n_head_kv\": 2, \"n_vocab\": 32000, \"n_ctx_train\": 128},"
             " \"quants\": {\"Q4_K_M\": {\"file\": \"model.Q4_K_M.gguf\", \"size_bytes\": %zu, \"sha256\": \"%s\"}}}}}",
             f->len, f->sha);
    CHECK_INT(cllm_registry_merge_json(r, json, "test", err, sizeof(err)), CLLM_OK);
    m = cllm_registry_find(r, "tiny");
    CHECK(m != NULL);
    if (!m) {
        fprintf(stderr, "registry: %s\n", err);
        cllm_registry_free(r);
        return;
    }
    test_mkdtemp(g_dir, sizeof(g_dir), "dl");
    srv_reset();
    CHECK_INT(cllm_download_model(m, cllm_model_find_quant(m, NULL), g_dir, &p, &res, err, sizeof(err)), CLLM_OK);
    cllm_model_local_path(cllm_model_find_quant(m, NULL), g_dir, dest, sizeof(dest));
    CHECK(same_as(dest, f));
    CHECK(res.sha256_checked);
    CHECK_INT(cllm_download_model(m, cllm_model_find_quant(m, NULL), g_dir, &p, &res, err, sizeof(err)), CLLM_OK);
    CHECK(res.already_present);
    cllm_registry_free(r);
    test_rmtree(g_dir);
}

int main(void)
{
    bool up;

    add_file("model.Q4_K_M.gguf", 2u << 20, 12345);
    add_file("big.Q6_K.gguf-split-a", 1536u * 1024, 777);
    add_file("big.Q6_K.gguf-split-b", 1u << 20, 999);
    up = srv_start();
    snprintf(g_endpoint, sizeof(g_endpoint), "http://127.0.0.1:%u", S.port);

    RUN(test_resolve_url);
    RUN(test_failure_names);
    RUN(test_sha256_vectors);
    RUN(test_offline_fast);
    if (!up) {
        fprintf(stderr, "cannot start the local HTTP server on 127.0.0.1\n");
        t_tests_failed++;
    } else {
        RUN(test_full_download);
        RUN(test_resume_with_range);
        RUN(test_cut_connection_then_resume);
        RUN(test_cut_connection_retried);
        RUN(test_wrong_hash);
        RUN(test_wrong_size);
        RUN(test_token_bearer);
        RUN(test_404_names_url);
        RUN(test_server_ignores_range);
        RUN(test_part_already_whole);
        RUN(test_416_means_whole);
        RUN(test_split_parts_joined);
        RUN(test_cancel_keeps_part);
        RUN(test_relative_redirect);
        RUN(test_download_model);
    }
    srv_stop();
    return test_summary();
}

#endif /* CLLM_TEST_HAVE_MHD */
#endif /* CLLM_WITH_CURL */
