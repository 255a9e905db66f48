/* /proc/meminfo parser: kB (KiB) → bytes, missing keys → unknown with a reason. */
#include "hw_check.h"

static void test_epyc_vm_capture(void)
{
    struct cllm_ram_info r;
    char *buf = test_slurp(test_data("machines/epyc-vm/proc/meminfo"), NULL);

    CHECK(buf != NULL);
    if (!buf)
        return;
    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_meminfo(buf, &r), CLLM_OK);
    free(buf);
    CHECK_INT(r.total_bytes, 24684084LL * 1024);
    CHECK_INT(r.available_bytes, 24380504LL * 1024);
    CHECK_INT(r.swap_total_bytes, 0);   /* no swap is a known zero, not unknown */
    CHECK_INT(r.swap_free_bytes, 0);
    CHECK(cllm_reason_get(&r.why, "total_bytes") == NULL);
    CHECK(cllm_reason_get(&r.why, "swap_total_bytes") == NULL);
    /* meminfo says nothing about DIMMs */
    CHECK_INT(r.speed_mts, -1);
    CHECK_INT(r.populated_slots, -1);
}

static void test_old_kernel_without_memavailable(void)
{
    static const char buf[] = "MemTotal:        8052220 kB\nMemFree:         1234567 kB\nBuffers:          100000 kB\n"
                              "Cached:          2000000 kB\nSwapTotal:       2097148 kB\nSwapFree:        2097000 kB\n";
    struct cllm_ram_info r;

    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_meminfo(buf, &r), CLLM_OK);
    CHECK_INT(r.total_bytes, 8052220LL * 1024);
    CHECK_INT(r.available_bytes, -1);
    CHECK_REASON_HAS(&r.why, "available_bytes", "MemAvailable");
    CHECK_INT(r.swap_total_bytes, 2097148LL * 1024);
    CHECK_INT(r.swap_free_bytes, 2097000LL * 1024);
}

static void test_large_machine_and_prefixes(void)
{
    /* 2 TiB host; "MemTotalX" style keys must not match "MemTotal" */
    static const char buf[] = "MemTotalX:  1 kB\nMemTotal:       2113472444 kB\nMemAvailable:   2000000000 kB\n"
                              "SwapTotal:             0 kB\nSwapFree:              0 kB";
    struct cllm_ram_info r;

    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_meminfo(buf, &r), CLLM_OK);
    CHECK_INT(r.total_bytes, 2113472444LL * 1024);
    CHECK_INT(r.available_bytes, 2000000000LL * 1024);
}

static void test_garbage(void)
{
    struct cllm_ram_info r;

    cllm_ram_info_init(&r);
    CHECK_INT(cllm_parse_meminfo("", &r), CLLM_ERR_PARSE);
    CHECK_INT(cllm_parse_meminfo("MemTotal: lots\n", &r), CLLM_ERR_PARSE);
    CHECK_INT(r.total_bytes, -1);
    CHECK_REASON_HAS(&r.why, "total_bytes", "MemTotal");
    CHECK_INT(cllm_parse_meminfo(NULL, &r), CLLM_ERR_INVALID_ARG);
}

int main(void)
{
    RUN(test_epyc_vm_capture);
    RUN(test_old_kernel_without_memavailable);
    RUN(test_large_machine_and_prefixes);
    RUN(test_garbage);
    return test_summary();
}
