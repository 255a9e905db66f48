/* OS identity on Linux: uname(2) and gethostname(2) on the live machine; files under the root otherwise. */
#include "hw/hw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hw/hw_priv.h"

/* Fills one field from a /proc/sys/kernel file, or records why not. */
static void from_file(const char *root, const char *path, char *dst, size_t dstlen, struct cllm_reasons *why,
                      const char *field)
{
    char buf[512];
    long n = cllm_hw_read_small(root, path, buf, sizeof(buf));

    if (n > 0)
        cllm_hw_copy_trim(dst, dstlen, buf, (size_t)n);
    else
        cllm_reason_set(why, field, "cannot read %s: %s", path, n < 0 ? strerror(errno) : "empty file");
}

void cllm_os_detect(const struct cllm_hw_params *p, struct cllm_os_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    const char *root;
    char *rel;

    if (!p)
        p = &def;
    root = p->root;
    cllm_os_info_init(out);

    if (cllm_hw_may_ask_os(p)) {
        struct utsname u;
        if (uname(&u) == 0) {
            cllm_hw_copy_trim(out->system, sizeof(out->system), u.sysname, strlen(u.sysname));
            cllm_hw_copy_trim(out->release, sizeof(out->release), u.release, strlen(u.release));
            cllm_hw_copy_trim(out->version, sizeof(out->version), u.version, strlen(u.version));
            cllm_hw_copy_trim(out->machine, sizeof(out->machine), u.machine, strlen(u.machine));
        } else {
            cllm_hw_os_reconcile(out, "uname() failed");
        }
        if (gethostname(out->hostname, sizeof(out->hostname)) != 0) {
            out->hostname[0] = '\0';
            cllm_reason_set(&out->why, "hostname", "gethostname() failed: %s", strerror(errno));
        }
        out->hostname[sizeof(out->hostname) - 1] = '\0';
    } else {
        /* a captured tree: the same values as the kernel publishes them under /proc/sys/kernel */
        from_file(root, "/proc/sys/kernel/ostype", out->system, sizeof(out->system), &out->why, "system");
        from_file(root, "/proc/sys/kernel/osrelease", out->release, sizeof(out->release), &out->why, "release");
        from_file(root, "/proc/sys/kernel/version", out->version, sizeof(out->version), &out->why, "version");
        from_file(root, "/proc/sys/kernel/hostname", out->hostname, sizeof(out->hostname), &out->why, "hostname");
        /* kernel.arch exists only on recent kernels; older captures leave machine unknown */
        from_file(root, "/proc/sys/kernel/arch", out->machine, sizeof(out->machine), &out->why, "machine");
    }
    if (out->system[0] && out->release[0])
        snprintf(out->kernel, sizeof(out->kernel), "%.31s %.127s", out->system, out->release);
    else
        cllm_reason_set(&out->why, "kernel", "kernel name or release unknown");

    /* os-release(5): /etc first, /usr/lib as the vendor fallback */
    rel = cllm_hw_read_all(root, "/etc/os-release", NULL);
    if (!rel)
        rel = cllm_hw_read_all(root, "/usr/lib/os-release", NULL);
    if (!rel)
        cllm_reason_set(&out->why, "distribution", "neither /etc/os-release nor /usr/lib/os-release is readable");
    else if (cllm_parse_os_release(rel, out->distribution, sizeof(out->distribution)) != CLLM_OK)
        cllm_reason_set(&out->why, "distribution", "no PRETTY_NAME or NAME in os-release");
    free(rel);
    cllm_hw_os_reconcile(out, "not reported on this system");
}
