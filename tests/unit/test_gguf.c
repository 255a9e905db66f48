/* GGUF writer and reader: round trip of every metadata type and of tensor infos, streaming data, atomic
 * .part file, and corrupt files (bad magic, truncated data, absurd counts, bad offsets) giving clear errors. */
#include <stdint.h>
#include <unistd.h>

#include "model/gguf.h"
#include "test.h"

static char tmpdir[256];

static const char *tmp_path(const char *name) { return test_join(tmpdir, name); }

static void write_bytes(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

/* A small file with one key of each type and three tensors; returns its path. */
static const char *write_sample(void)
{
    const char *path = tmp_path("sample.gguf");
    struct cllm_gguf_writer *w = cllm_gguf_writer_new();
    static const char *const strs[] = {"<unk>", "h\xc3\xa9llo", ""};
    float fl[3] = {0.5f, -1e9f, 3.25f};
    int32_t in[4] = {1, -2, 3, 2147483647};
    uint64_t ne_a[2] = {64, 3}, ne_b[1] = {64}, ne_c[2] = {256, 2};
    uint16_t half[64 * 3];
    float norm[64];
    unsigned char q[2 * 144];

    CHECK(w != NULL);
    CHECK_INT(cllm_gguf_set_str(w, "general.architecture", "llama"), CLLM_OK);
    CHECK_INT(cllm_gguf_set_u32(w, "llama.block_count", 2), CLLM_OK);
    CHECK_INT(cllm_gguf_set_i32(w, "test.i32", -7), CLLM_OK);
    CHECK_INT(cllm_gguf_set_u64(w, "test.u64", 1ull << 40), CLLM_OK);
    CHECK_INT(cllm_gguf_set_f32(w, "test.f32", 1e-5f), CLLM_OK);
    CHECK_INT(cllm_gguf_set_bool(w, "test.bool", true), CLLM_OK);
    CHECK_INT(cllm_gguf_set_arr_str(w, "test.strs", strs, 3), CLLM_OK);
    CHECK_INT(cllm_gguf_set_arr(w, "test.f32s", CLLM_GGUF_FLOAT32, fl, 3), CLLM_OK);
    CHECK_INT(cllm_gguf_set_arr(w, "test.i32s", CLLM_GGUF_INT32, in, 4), CLLM_OK);
    CHECK_INT(cllm_gguf_add_tensor(w, "a.weight", CLLM_GGML_F16, 2, ne_a), CLLM_OK);
    CHECK_INT(cllm_gguf_add_tensor(w, "b.weight", CLLM_GGML_F32, 1, ne_b), CLLM_OK);
    CHECK_INT(cllm_gguf_add_tensor(w, "c.weight", CLLM_GGML_Q4_K, 2, ne_c), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_begin(w, path), CLLM_OK);
    /* while writing, only the .part file exists */
    CHECK(access(tmp_path("sample.gguf.part"), F_OK) == 0);
    for (int i = 0; i < 64 * 3; i++)
        half[i] = (uint16_t)i;
    for (int i = 0; i < 64; i++)
        norm[i] = 1.0f;
    memset(q, 0x5a, sizeof(q));
    /* chunks that straddle tensor boundaries */
    CHECK_INT(cllm_gguf_writer_write_data(w, half, 100), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_current_tensor(w), 0);
    CHECK_INT(cllm_gguf_writer_write_data(w, (char *)half + 100, sizeof(half) - 100), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_current_tensor(w), 1);
    CHECK_INT(cllm_gguf_writer_write_data(w, norm, sizeof(norm)), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_write_data(w, q, sizeof(q)), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_current_tensor(w), 3);
    CHECK_INT(cllm_gguf_writer_finish(w), CLLM_OK);
    CHECK(access(tmp_path("sample.gguf.part"), F_OK) != 0);
    cllm_gguf_writer_free(w);
    return path;
}

static void test_round_trip(void)
{
    const char *path = write_sample();
    struct cllm_gguf *g = NULL;
    char err[512];
    const struct cllm_gguf_kv *kv;
    const struct cllm_gguf_tensor *t;
    uint64_t u;
    double d;
    bool b;
    size_t len;
    char *raw;

    CHECK_INT(cllm_gguf_open(path, &g, err, sizeof(err)), CLLM_OK);
    if (!g) {
        fprintf(stderr, "%s\n", err);
        return;
    }
    CHECK_INT(cllm_gguf_version(g), 3);
    CHECK_INT(cllm_gguf_alignment(g), 32);
    CHECK_INT(cllm_gguf_n_kv(g), 10); /* general.alignment + 9 */
    CHECK_STR(cllm_gguf_kv_at(g, 0)->key, "general.alignment");
    CHECK_STR(cllm_gguf_get_str(g, "general.architecture"), "llama");
    CHECK(cllm_gguf_get_uint(g, "llama.block_count", &u) && u == 2);
    CHECK(!cllm_gguf_get_uint(g, "test.i32", &u)); /* negative: not a uint */
    kv = cllm_gguf_find_kv(g, "test.i32");
    CHECK(kv && kv->type == CLLM_GGUF_INT32 && *(int32_t *)kv->data == -7);
    CHECK(cllm_gguf_get_uint(g, "test.u64", &u) && u == 1ull << 40);
    CHECK(cllm_gguf_get_float(g, "test.f32", &d) && fabs(d - 1e-5) < 1e-12);
    CHECK(cllm_gguf_get_bool(g, "test.bool", &b) && b);
    kv = cllm_gguf_find_kv(g, "test.strs");
    CHECK(kv && kv->type == CLLM_GGUF_ARRAY && kv->elem_type == CLLM_GGUF_STRING && kv->n == 3);
    if (kv && kv->n == 3) {
        CHECK_STR(kv->strs[0], "<unk>");
        CHECK_STR(kv->strs[1], "h\xc3\xa9llo");
        CHECK_INT(kv->lens[1], 6);
        CHECK_STR(kv->strs[2], "");
    }
    kv = cllm_gguf_find_kv(g, "test.f32s");
    CHECK(kv && kv->elem_type == CLLM_GGUF_FLOAT32 && kv->n == 3 && ((float *)kv->data)[1] == -1e9f);
    kv = cllm_gguf_find_kv(g, "test.i32s");
    CHECK(kv && kv->elem_type == CLLM_GGUF_INT32 && kv->n == 4 && ((int32_t *)kv->data)[3] == 2147483647);
    CHECK(cllm_gguf_find_kv(g, "absent") == NULL);

    CHECK_INT(cllm_gguf_n_tensors(g), 3);
    t = cllm_gguf_find_tensor(g, "a.weight");
    CHECK(t && t->type == CLLM_GGML_F16 && t->n_dims == 2 && t->ne[0] == 64 && t->ne[1] == 3 && t->offset == 0 &&
          t->nbytes == 384);
    t = cllm_gguf_find_tensor(g, "b.weight");
    CHECK(t && t->type == CLLM_GGML_F32 && t->n_dims == 1 && t->ne[0] == 64 && t->ne[1] == 1 && t->offset == 384 &&
          t->nbytes == 256);
    t = cllm_gguf_find_tensor(g, "c.weight");
    CHECK(t && t->type == CLLM_GGML_Q4_K && t->offset == 640 && t->nbytes == 288);
    CHECK_INT(cllm_gguf_data_offset(g) % 32, 0);
    CHECK_INT(cllm_gguf_file_size(g), cllm_gguf_data_offset(g) + 640 + 288);

    /* the data landed where the infos say */
    raw = test_slurp(path, &len);
    CHECK(raw && len == cllm_gguf_file_size(g));
    if (raw) {
        uint16_t h;
        float f;
        memcpy(&h, raw + cllm_gguf_data_offset(g) + 2 * 77, 2);
        CHECK_INT(h, 77);
        memcpy(&f, raw + cllm_gguf_data_offset(g) + 384 + 4 * 63, 4);
        CHECK(f == 1.0f);
        CHECK_INT((unsigned char)raw[cllm_gguf_data_offset(g) + 640 + 287], 0x5a);
        /* the same bytes parse from memory */
        {
            struct cllm_gguf *g2 = NULL;
            CHECK_INT(cllm_gguf_open_buffer(raw, len, true, &g2, err, sizeof(err)), CLLM_OK);
            CHECK(g2 && cllm_gguf_n_tensors(g2) == 3);
            cllm_gguf_close(g2);
        }
    }
    free(raw);
    cllm_gguf_close(g);
}

static void test_copy_kv(void)
{
    const char *path = write_sample(), *path2 = tmp_path("copy.gguf");
    struct cllm_gguf *g = NULL, *g2 = NULL;
    struct cllm_gguf_writer *w = cllm_gguf_writer_new();
    char err[512];

    CHECK_INT(cllm_gguf_open(path, &g, err, sizeof(err)), CLLM_OK);
    if (!g)
        return;
    for (size_t i = 0; i < cllm_gguf_n_kv(g); i++) {
        const struct cllm_gguf_kv *kv = cllm_gguf_kv_at(g, i);
        if (strcmp(kv->key, "general.alignment") != 0)
            CHECK_INT(cllm_gguf_set_kv(w, kv), CLLM_OK);
    }
    /* a key set twice is refused, and the error sticks */
    CHECK_INT(cllm_gguf_set_u32(w, "llama.block_count", 3), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(cllm_gguf_writer_error(w), "llama.block_count") != NULL);
    CHECK_INT(cllm_gguf_writer_begin(w, path2), CLLM_ERR_INVALID_ARG);
    cllm_gguf_writer_free(w);

    w = cllm_gguf_writer_new();
    for (size_t i = 1; i < cllm_gguf_n_kv(g); i++)
        CHECK_INT(cllm_gguf_set_kv(w, cllm_gguf_kv_at(g, i)), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_begin(w, path2), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_finish(w), CLLM_OK);
    cllm_gguf_writer_free(w);
    CHECK_INT(cllm_gguf_open(path2, &g2, err, sizeof(err)), CLLM_OK);
    if (g2) {
        CHECK_INT(cllm_gguf_n_kv(g2), cllm_gguf_n_kv(g));
        CHECK_INT(cllm_gguf_n_tensors(g2), 0);
        for (size_t i = 0; i < cllm_gguf_n_kv(g); i++) {
            const struct cllm_gguf_kv *a = cllm_gguf_kv_at(g, i), *b = cllm_gguf_kv_at(g2, i);
            CHECK_STR(a->key, b->key);
            CHECK(a->type == b->type && a->elem_type == b->elem_type && a->n == b->n);
        }
    }
    cllm_gguf_close(g2);
    cllm_gguf_close(g);
}

static void test_writer_misuse(void)
{
    struct cllm_gguf_writer *w = cllm_gguf_writer_new();
    const char *path = tmp_path("misuse.gguf");
    uint64_t ne[2] = {100, 2};
    char data[16] = {0};

    /* a q4_K row must be a multiple of 256 */
    CHECK_INT(cllm_gguf_add_tensor(w, "x", CLLM_GGML_Q4_K, 2, ne), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(cllm_gguf_writer_error(w), "multiple") != NULL);
    cllm_gguf_writer_free(w);

    /* too few bytes: finish refuses, free removes the .part */
    w = cllm_gguf_writer_new();
    CHECK_INT(cllm_gguf_add_tensor(w, "x", CLLM_GGML_F32, 1, ne), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_begin(w, path), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_write_data(w, data, sizeof(data)), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_finish(w), CLLM_ERR_INVALID_ARG);
    CHECK(strstr(cllm_gguf_writer_error(w), "16 of its 400 bytes") != NULL);
    cllm_gguf_writer_free(w);
    CHECK(access(tmp_path("misuse.gguf.part"), F_OK) != 0);
    CHECK(access(path, F_OK) != 0);

    /* too many bytes */
    w = cllm_gguf_writer_new();
    ne[0] = 2;
    CHECK_INT(cllm_gguf_add_tensor(w, "x", CLLM_GGML_F32, 1, ne), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_begin(w, path), CLLM_OK);
    CHECK_INT(cllm_gguf_writer_write_data(w, data, sizeof(data)), CLLM_ERR_INVALID_ARG);
    cllm_gguf_writer_free(w);
    CHECK(access(tmp_path("misuse.gguf.part"), F_OK) != 0);
}

/* Expects `bytes` to be refused with a message containing `want`. */
static void expect_corrupt(const void *bytes, size_t n, const char *want)
{
    const char *path = tmp_path("corrupt.gguf");
    struct cllm_gguf *g = NULL;
    char err[512] = "";
    enum cllm_status st;

    write_bytes(path, bytes, n);
    st = cllm_gguf_open(path, &g, err, sizeof(err));
    CHECK_INT(st, CLLM_ERR_PARSE);
    CHECK(g == NULL);
    if (!strstr(err, want)) {
        fprintf(stderr, "  error \"%s\" lacks \"%s\"\n", err, want);
        t_checks_failed++;
    }
    /* the message names the file */
    CHECK(strstr(err, "corrupt.gguf") != NULL);
}

static void test_corrupt(void)
{
    const char *path = write_sample();
    size_t len;
    char *raw = test_slurp(path, &len), *bad;
    struct cllm_gguf *g = NULL;
    char err[512];
    uint64_t big = 1ull << 60;
    size_t off_tensor_count = 8, off_kv_count = 16;

    CHECK(raw != NULL);
    if (!raw)
        return;
    bad = malloc(len);
    CHECK_INT(cllm_gguf_open(path, &g, err, sizeof(err)), CLLM_OK);

    memcpy(bad, raw, len);
    memcpy(bad, "GGUG", 4);
    expect_corrupt(bad, len, "bad magic");

    expect_corrupt(raw, 3, "not a GGUF file");

    /* truncated tensor data: the cut tensor is named */
    expect_corrupt(raw, len - 10, "truncated: tensor 'c.weight'");
    expect_corrupt(raw, cllm_gguf_data_offset(g) + 100, "truncated: tensor 'a.weight'");

    /* cut in the metadata: counts that cannot fit, or a read past the end */
    expect_corrupt(raw, 60, "absurd metadata count 10 for a file of 60 bytes");
    expect_corrupt(raw, (size_t)cllm_gguf_data_offset(g) - 40, "truncated: tensor dimension at offset");

    memcpy(bad, raw, len);
    memcpy(bad + off_kv_count, &big, 8);
    expect_corrupt(bad, len, "absurd metadata count");

    memcpy(bad, raw, len);
    memcpy(bad + off_tensor_count, &big, 8);
    expect_corrupt(bad, len, "absurd tensor count");

    /* version 1 and a big-endian file */
    memcpy(bad, raw, len);
    bad[4] = 1;
    expect_corrupt(bad, len, "version 1");
    memcpy(bad, raw, len);
    bad[4] = 0;
    bad[7] = 3;
    expect_corrupt(bad, len, "big-endian");

    /* a string length far past the end: the first key's length */
    memcpy(bad, raw, len);
    memcpy(bad + 24, &big, 8);
    expect_corrupt(bad, len, "claims");

    /* a value type that does not exist: after "general.alignment" (8 + 17 bytes) */
    memcpy(bad, raw, len);
    {
        uint32_t t = 77;
        memcpy(bad + 24 + 8 + 17, &t, 4);
    }
    expect_corrupt(bad, len, "unknown value type 77");

    /* a tensor type that does not exist, and an offset out of order: patch the last tensor info */
    {
        size_t info_end = (size_t)cllm_gguf_data_offset(g);
        /* c.weight's info ends with type (4) and offset (8) just before the padding */
        size_t p = 0;
        for (size_t i = 0; i + 8 < info_end; i++)
            if (memcmp(raw + i, "c.weight", 8) == 0)
                p = i + 8 + 4 + 16; /* name, n_dims, two dims */
        CHECK(p != 0);
        memcpy(bad, raw, len);
        {
            uint32_t t = 4; /* removed Q4_2 */
            memcpy(bad + p, &t, 4);
        }
        expect_corrupt(bad, len, "unknown tensor type 4");
        memcpy(bad, raw, len);
        {
            uint64_t o = 8;
            memcpy(bad + p + 4, &o, 8);
        }
        expect_corrupt(bad, len, "has data offset 8, expected 640");
    }

    cllm_gguf_close(g);
    /* a missing file is NOT_FOUND, not PARSE */
    CHECK_INT(cllm_gguf_open(tmp_path("nope.gguf"), &g, err, sizeof(err)), CLLM_ERR_NOT_FOUND);
    CHECK(g == NULL);
    free(bad);
    free(raw);
}

static void test_type_table(void)
{
    const char *name;
    uint32_t be, bb;
    CHECK(cllm_ggml_type_info(CLLM_GGML_Q6_K, &name, &be, &bb) && be == 256 && bb == 210);
    CHECK_STR(name, "q6_K");
    CHECK(!cllm_ggml_type_info((enum cllm_ggml_type)4, NULL, NULL, NULL));
    CHECK(!cllm_ggml_type_info((enum cllm_ggml_type)99, NULL, NULL, NULL));
    CHECK_INT(cllm_ggml_nbytes(CLLM_GGML_Q8_0, 64), 68);
    CHECK_INT(cllm_ggml_nbytes(CLLM_GGML_Q8_0, 65), 0);
    CHECK_STR(cllm_gguf_type_name(CLLM_GGUF_FLOAT32), "float32");
}

int main(void)
{
    if (!test_mkdtemp(tmpdir, sizeof(tmpdir), "gguf"))
        return 1;
    RUN(test_type_table);
    RUN(test_round_trip);
    RUN(test_copy_kv);
    RUN(test_writer_misuse);
    RUN(test_corrupt);
    test_rmtree(tmpdir);
    return test_summary();
}
