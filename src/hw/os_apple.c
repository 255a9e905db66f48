/* OS identity on macOS: uname(3), gethostname(3) and the kern.osproductversion sysctl. Not verified by CI. */
#if defined(__APPLE__)

#include "hw/hw.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hw/hw_priv.h"

void cllm_os_detect(const struct cllm_hw_params *p, struct cllm_os_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    struct utsname u;
    char ver[64];
    size_t len = sizeof(ver);

    if (!p)
        p = &def;
    cllm_os_info_init(out);
    if (!cllm_hw_may_ask_os(p)) {
        cllm_hw_os_reconcile(out, "reading a captured tree is supported on Linux only");
        return;
    }
    if (uname(&u) == 0) {
        cllm_hw_copy_trim(out->system, sizeof(out->system), u.sysname, strlen(u.sysname));
        cllm_hw_copy_trim(out->release, sizeof(out->release), u.release, strlen(u.release));
        cllm_hw_copy_trim(out->version, sizeof(out->version), u.version, strlen(u.version));
        cllm_hw_copy_trim(out->machine, sizeof(out->machine), u.machine, strlen(u.machine));
        snprintf(out->kernel, sizeof(out->kernel), "%.31s %.127s", out->system, out->release);
    } else {
        cllm_hw_os_reconcile(out, "uname() failed");
    }
    if (gethostname(out->hostname, sizeof(out->hostname)) != 0) {
        out->hostname[0] = '\0';
        cllm_reason_set(&out->why, "hostname", "gethostname() failed: %s", strerror(errno));
    }
    out->hostname[sizeof(out->hostname) - 1] = '\0';
    /* "14.4.1"; the sysctl exists since macOS 10.13.4 */
    memset(ver, 0, sizeof(ver));
    if (sysctlbyname("kern.osproductversion", ver, &len, NULL, 0) == 0 && ver[0])
        snprintf(out->distribution, sizeof(out->distribution), "macOS %.60s", ver);
    else
        cllm_reason_set(&out->why, "distribution", "sysctl kern.osproductversion is missing (macOS before 10.13.4)");
    cllm_hw_os_reconcile(out, "not reported by macOS");
}

#else
typedef int cllm_os_apple_unused; /* keeps the unit non-empty off macOS */
#endif
