/* OS identity on Windows: the CurrentVersion registry key (GetVersionEx lies to unmanifested programs),
 * GetNativeSystemInfo and the DNS host name. Not verified by CI. */
#if defined(_WIN32)

#include "hw/hw.h"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/hw_priv.h"

#define CURRENT_VERSION "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

static bool reg_str(const char *name, char *out, DWORD outlen)
{
    DWORD len = outlen;
    if (RegGetValueA(HKEY_LOCAL_MACHINE, CURRENT_VERSION, name, RRF_RT_REG_SZ, NULL, out, &len) != ERROR_SUCCESS)
        return false;
    out[outlen - 1] = '\0';
    return out[0] != '\0';
}

static bool reg_dword(const char *name, DWORD *v)
{
    DWORD len = sizeof(*v);
    return RegGetValueA(HKEY_LOCAL_MACHINE, CURRENT_VERSION, name, RRF_RT_REG_DWORD, NULL, v, &len) ==
           ERROR_SUCCESS;
}

void cllm_os_detect(const struct cllm_hw_params *p, struct cllm_os_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    DWORD major = 0, minor = 0, ubr = 0;
    char build[32] = "", product[128] = "", display[64] = "";
    SYSTEM_INFO si;
    DWORD hlen;

    if (!p)
        p = &def;
    cllm_os_info_init(out);
    if (!cllm_hw_may_ask_os(p)) {
        cllm_hw_os_reconcile(out, "reading a captured tree is supported on Linux only");
        return;
    }
    snprintf(out->system, sizeof(out->system), "Windows");

    reg_str("CurrentBuildNumber", build, sizeof(build));
    /* CurrentMajorVersionNumber exists from Windows 10 on; older systems are 6.x */
    if (!reg_dword("CurrentMajorVersionNumber", &major) || !reg_dword("CurrentMinorVersionNumber", &minor)) {
        char cv[16] = "";
        if (reg_str("CurrentVersion", cv, sizeof(cv)))
            sscanf(cv, "%lu.%lu", &major, &minor);
    }
    long buildno = atol(build);
    if (major > 0 && build[0]) {
        /* as Python's platform: version "10.0.22631", release "11" (Windows 11 keeps major 10; build 22000+) */
        snprintf(out->version, sizeof(out->version), "%lu.%lu.%s", major, minor, build);
        if (major == 10 && buildno >= 22000)
            snprintf(out->release, sizeof(out->release), "11");
        else if (major == 10)
            snprintf(out->release, sizeof(out->release), "10");
        else
            snprintf(out->release, sizeof(out->release), "%lu.%lu", major, minor);
        snprintf(out->kernel, sizeof(out->kernel), "Windows %.150s", out->version);
    } else {
        cllm_reason_set(&out->why, "version", "no CurrentBuildNumber in HKLM\\" CURRENT_VERSION);
    }

    if (reg_str("ProductName", product, sizeof(product))) {
        /* ProductName still says "Windows 10" on Windows 11 */
        if (buildno >= 22000 && strncmp(product, "Windows 10", 10) == 0)
            product[9] = '1';
        reg_str("DisplayVersion", display, sizeof(display));
        if (display[0])
            snprintf(out->distribution, sizeof(out->distribution), "%.100s %.20s", product, display);
        else
            snprintf(out->distribution, sizeof(out->distribution), "%.120s", product);
        if (reg_dword("UBR", &ubr) && out->version[0]) {
            size_t used = strlen(out->version);
            snprintf(out->version + used, sizeof(out->version) - used, ".%lu", ubr);
        }
    } else {
        cllm_reason_set(&out->why, "distribution", "no ProductName in HKLM\\" CURRENT_VERSION);
    }

    GetNativeSystemInfo(&si);
    switch (si.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64: snprintf(out->machine, sizeof(out->machine), "AMD64"); break;
    case PROCESSOR_ARCHITECTURE_INTEL: snprintf(out->machine, sizeof(out->machine), "x86"); break;
    case PROCESSOR_ARCHITECTURE_ARM: snprintf(out->machine, sizeof(out->machine), "ARM"); break;
#ifdef PROCESSOR_ARCHITECTURE_ARM64
    case PROCESSOR_ARCHITECTURE_ARM64: snprintf(out->machine, sizeof(out->machine), "ARM64"); break;
#endif
    default:
        cllm_reason_set(&out->why, "machine", "unknown processor architecture %u", si.wProcessorArchitecture);
    }

    hlen = (DWORD)sizeof(out->hostname);
    if (!GetComputerNameExA(ComputerNameDnsHostname, out->hostname, &hlen)) {
        out->hostname[0] = '\0';
        cllm_reason_set(&out->why, "hostname", "GetComputerNameExA failed (error %lu)", GetLastError());
    }
    cllm_hw_os_reconcile(out, "not reported by Windows");
}

#else
typedef int cllm_os_windows_unused; /* keeps the unit non-empty off Windows */
#endif
