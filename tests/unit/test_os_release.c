/* os-release(5) parser: PRETTY_NAME with shell quoting, NAME + VERSION as the fallback. */
#include "hw_check.h"

static void check_pretty(const char *buf, const char *want)
{
    char out[128];
    CHECK_INT(cllm_parse_os_release(buf, out, sizeof(out)), CLLM_OK);
    CHECK_STR(out, want);
}

static void test_captured_debian(void)
{
    char *buf = test_slurp(test_data("machines/epyc-vm/etc/os-release"), NULL);
    CHECK(buf != NULL);
    if (!buf)
        return;
    check_pretty(buf, "Debian GNU/Linux 12 (bookworm)");
    free(buf);
}

static void test_quoting(void)
{
    check_pretty("NAME=\"Ubuntu\"\nPRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nID=ubuntu\n", "Ubuntu 24.04.1 LTS");
    check_pretty("PRETTY_NAME='Fedora Linux 40 (Workstation Edition)'\n", "Fedora Linux 40 (Workstation Edition)");
    check_pretty("PRETTY_NAME=Gentoo\n", "Gentoo");
    check_pretty("PRETTY_NAME=\"Say \\\"hi\\\" Linux\"\n", "Say \"hi\" Linux");
    check_pretty("PRETTY_NAME=\"Alpine Linux v3.20\"", "Alpine Linux v3.20");  /* no final newline */
    /* a key that merely ends in PRETTY_NAME is another key */
    check_pretty("X_PRETTY_NAME=\"wrong\"\nPRETTY_NAME=\"right\"\n", "right");
}

static void test_fallback_to_name_and_version(void)
{
    check_pretty("NAME=\"Arch Linux\"\nID=arch\n", "Arch Linux");
    check_pretty("NAME=\"Rocky Linux\"\nVERSION=\"9.4 (Blue Onyx)\"\n", "Rocky Linux 9.4 (Blue Onyx)");
    check_pretty("NAME=Example\nVERSION_ID=7\n", "Example 7");
}

static void test_missing_and_truncated(void)
{
    char out[8];
    CHECK_INT(cllm_parse_os_release("ID=debian\n", out, sizeof(out)), CLLM_ERR_NOT_FOUND);
    CHECK_STR(out, "");
    CHECK_INT(cllm_parse_os_release("PRETTY_NAME=\"Debian GNU/Linux 12\"\n", out, sizeof(out)), CLLM_OK);
    CHECK_STR(out, "Debian ");  /* cut to the buffer, still terminated */
    CHECK_INT(cllm_parse_os_release(NULL, out, sizeof(out)), CLLM_ERR_INVALID_ARG);
}

int main(void)
{
    RUN(test_captured_debian);
    RUN(test_quoting);
    RUN(test_fallback_to_name_and_version);
    RUN(test_missing_and_truncated);
    return test_summary();
}
