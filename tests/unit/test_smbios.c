/* SMBIOS memory-device parser on tables built here byte by byte (layout of DSP0134 3.x, type 17). */
#include "hw_check.h"

#include <stdint.h>

struct table {
    unsigned char b[4096];
    size_t        n;
};

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Appends one structure: `area` is its formatted part (header included, area[1] its length), then strings. */
static void add(struct table *t, const unsigned char *area, const char *const *strings)
{
    memcpy(t->b + t->n, area, area[1]);
    t->n += area[1];
    if (!strings || !strings[0]) {
        t->b[t->n++] = 0;  /* no strings: the set is just two NULs */
    } else {
        for (int i = 0; strings[i]; i++) {
            size_t l = strlen(strings[i]) + 1;
            memcpy(t->b + t->n, strings[i], l);
            t->n += l;
        }
    }
    t->b[t->n++] = 0;
}

struct dimm {
    unsigned len;          /* formatted length: 0x28 (SMBIOS 2.8), 0x5c (3.3), 0x1b (2.3) */
    unsigned size;         /* word at 0x0C: MB, 0 empty, 0x7FFF → extended */
    uint32_t ext_size;     /* MB at 0x1C */
    unsigned type;         /* byte at 0x12 */
    unsigned speed;        /* word at 0x15 */
    unsigned conf_speed;   /* word at 0x20 */
    uint32_t ext_speed, ext_conf_speed;  /* dwords at 0x54 / 0x58 */
};

static void add_dimm(struct table *t, unsigned handle, const struct dimm *d, const char *locator)
{
    unsigned char a[0x5c];
    const char *strings[] = {locator, "P0 CHANNEL A", "Samsung", "M321R4GA3BB6-CQK", NULL};

    memset(a, 0, sizeof(a));
    a[0] = 17;
    a[1] = (unsigned char)d->len;
    put16(a + 2, handle);
    put16(a + 4, 0x1000);            /* physical memory array handle */
    put16(a + 6, 0xfffe);            /* no error information */
    put16(a + 8, d->size ? 80 : 0xffff);  /* total width: 72 bits + ECC on DDR5 RDIMMs */
    put16(a + 0x0a, d->size ? 64 : 0xffff);
    put16(a + 0x0c, d->size);
    a[0x0e] = 0x09;                  /* form factor: DIMM */
    a[0x10] = 1;                     /* device locator: string 1 */
    a[0x11] = 2;                     /* bank locator */
    if (d->len > 0x12)
        a[0x12] = (unsigned char)d->type;
    if (d->len >= 0x17)
        put16(a + 0x15, d->speed);
    if (d->len >= 0x1b) {
        a[0x17] = d->size ? 3 : 0;   /* manufacturer */
        a[0x1a] = d->size ? 4 : 0;   /* part number */
    }
    if (d->len >= 0x20)
        put32(a + 0x1c, d->ext_size);
    if (d->len >= 0x22)
        put16(a + 0x20, d->conf_speed);
    if (d->len >= 0x5c) {
        put32(a + 0x54, d->ext_speed);
        put32(a + 0x58, d->ext_conf_speed);
    }
    if (d->size) {
        add(t, a, strings);
    } else {
        /* an empty slot still names its locator */
        const char *s2[] = {locator, "P0 CHANNEL B", NULL};
        add(t, a, s2);
    }
}

/* The structures every real table has around the memory devices: BIOS (0), memory array (16), end (127). */
static void add_bios(struct table *t)
{
    unsigned char a[0x1a];
    const char *strings[] = {"American Megatrends International, LLC.", "2.1.V1", "06/12/2024", NULL};
    memset(a, 0, sizeof(a));
    a[0] = 0;
    a[1] = sizeof(a);
    put16(a + 2, 0x0000);
    a[4] = 1;
    a[5] = 2;
    a[8] = 3;
    add(t, a, strings);
}

static void add_array(struct table *t, unsigned slots)
{
    unsigned char a[0x17];
    memset(a, 0, sizeof(a));
    a[0] = 16;
    a[1] = sizeof(a);
    put16(a + 2, 0x1000);
    a[4] = 0x03;                     /* location: system board */
    a[5] = 0x03;                     /* use: system memory */
    a[6] = 0x06;                     /* error correction: multi-bit ECC */
    put32(a + 7, 0x80000000u);       /* max capacity: see extended */
    put16(a + 0x0b, 0xfffe);
    put16(a + 0x0d, slots);
    add(t, a, NULL);
}

static void add_end(struct table *t)
{
    unsigned char a[4] = {127, 4, 0xff, 0xfe};
    add(t, a, NULL);
}

static void test_two_ddr5_dimms_and_an_empty_slot(void)
{
    struct table t = {{0}, 0};
    struct cllm_ram_info r;
    /* DDR5-5600 RDIMMs, 32 GB each, run by the memory controller at 4800 MT/s */
    struct dimm ddr5 = {.len = 0x5c, .size = 32768, .type = 0x22, .speed = 5600, .conf_speed = 4800};
    struct dimm empty = {.len = 0x5c, .size = 0, .type = 0x02};

    add_bios(&t);
    add_array(&t, 3);
    add_dimm(&t, 0x1100, &ddr5, "DIMM_A1");
    add_dimm(&t, 0x1101, &empty, "DIMM_B1");
    add_dimm(&t, 0x1102, &ddr5, "DIMM_C1");
    add_end(&t);

    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(t.b, t.n, &r), CLLM_OK);
    CHECK_INT(r.populated_slots, 2);
    CHECK_INT(r.speed_mts, 4800);    /* configured speed, not the rated 5600 */
    CHECK_STR(r.type, "DDR5");
    CHECK(cllm_reason_get(&r.why, "speed_mts") == NULL);
    CHECK(cllm_reason_get(&r.why, "type") == NULL);
    CHECK(cllm_reason_get(&r.why, "populated_slots") == NULL);
}

static void test_types_and_rated_speed_fallback(void)
{
    static const struct {
        unsigned    code;
        const char *name;
    } types[] = {{0x18, "DDR3"}, {0x1a, "DDR4"}, {0x1e, "LPDDR4"}, {0x22, "DDR5"}, {0x23, "LPDDR5"}};

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        struct table t = {{0}, 0};
        struct cllm_ram_info r;
        /* SMBIOS 2.3-sized structure: no configured speed field, so the rated speed is all there is */
        struct dimm d = {.len = 0x1b, .size = 8192, .type = types[i].code, .speed = 3200};
        add_dimm(&t, 0x1100, &d, "ChannelA-DIMM0");
        add_end(&t);
        cllm_ram_info_init(&r);
        CHECK_INT(cllm_parse_smbios_memory(t.b, t.n, &r), CLLM_OK);
        CHECK_STR(r.type, types[i].name);
        CHECK_INT(r.speed_mts, 3200);
        CHECK_INT(r.populated_slots, 1);
    }
}

static void test_extended_size_and_speed(void)
{
    struct table t = {{0}, 0};
    struct cllm_ram_info r;
    /* 256 GB module (size word 0x7FFF → extended size) at a speed above 65534 MT/s' word: extended speeds */
    struct dimm big = {.len = 0x5c, .size = 0x7fff, .ext_size = 262144, .type = 0x22, .speed = 0xffff,
                       .conf_speed = 0xffff, .ext_speed = 8800, .ext_conf_speed = 8000};
    struct dimm slower = {.len = 0x5c, .size = 0x7fff, .ext_size = 262144, .type = 0x22, .speed = 6400,
                          .conf_speed = 6400};

    add_dimm(&t, 0x1100, &big, "DIMM0");
    add_dimm(&t, 0x1101, &slower, "DIMM1");
    add_end(&t);
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(t.b, t.n, &r), CLLM_OK);
    CHECK_INT(r.populated_slots, 2);
    CHECK_INT(r.speed_mts, 6400);    /* the slowest module sets the channel's pace */
}

static void test_virtual_machine_table(void)
{
    struct table t = {{0}, 0};
    struct cllm_ram_info r;
    /* what QEMU writes: type "RAM", speeds unknown */
    struct dimm qemu = {.len = 0x28, .size = 16384, .type = 0x07, .speed = 0, .conf_speed = 0};

    add_bios(&t);
    add_dimm(&t, 0x1100, &qemu, "DIMM 0");
    add_end(&t);
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(t.b, t.n, &r), CLLM_OK);
    CHECK_INT(r.populated_slots, 1);
    CHECK_INT(r.speed_mts, -1);
    CHECK_REASON_HAS(&r.why, "speed_mts", "speed 0");
    CHECK_STR(r.type, "");
    CHECK_REASON_HAS(&r.why, "type", "0x07");
}

static void test_no_memory_devices_and_malformed(void)
{
    struct table t = {{0}, 0};
    struct cllm_ram_info r;
    struct dimm ddr4 = {.len = 0x28, .size = 16384, .type = 0x1a, .speed = 3200, .conf_speed = 2933};

    add_bios(&t);
    add_end(&t);
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(t.b, t.n, &r), CLLM_ERR_NOT_FOUND);
    CHECK_INT(r.populated_slots, -1);
    CHECK_REASON_HAS(&r.why, "populated_slots", "type 17");

    /* cut inside the first structure's strings: no overrun, malformed */
    t.n = 0;
    add_bios(&t);
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(t.b, t.n - 3, &r), CLLM_ERR_PARSE);
    CHECK(cllm_reason_get(&r.why, "type") != NULL);

    /* a length byte below the 4-byte header */
    unsigned char bad[] = {17, 2, 0, 0, 0, 0};
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(bad, sizeof(bad), &r), CLLM_ERR_PARSE);

    /* a good device followed by a truncated one still counts the good one */
    t.n = 0;
    add_dimm(&t, 0x1100, &ddr4, "A1");
    size_t good = t.n;
    add_dimm(&t, 0x1101, &ddr4, "A2");
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_smbios_memory(t.b, good + 10, &r), CLLM_OK);
    CHECK_INT(r.populated_slots, 1);
    CHECK_INT(r.speed_mts, 2933);
    CHECK_STR(r.type, "DDR4");

    CHECK_INT(cllm_parse_smbios_memory(NULL, 0, &r), CLLM_ERR_INVALID_ARG);
    CHECK_INT(cllm_parse_smbios_memory(t.b, 0, &r), CLLM_ERR_NOT_FOUND);
}

int main(void)
{
    RUN(test_two_ddr5_dimms_and_an_empty_slot);
    RUN(test_types_and_rated_speed_fallback);
    RUN(test_extended_size_and_speed);
    RUN(test_virtual_machine_table);
    RUN(test_no_memory_devices_and_malformed);
    return test_summary();
}
