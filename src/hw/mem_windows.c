/* RAM on Windows: GlobalMemoryStatusEx for sizes, the raw SMBIOS table ('RSMB' firmware table, readable
 * without administrator rights) for DIMM type, speed and slots. Not verified by CI. */
#if defined(_WIN32)

#include "hw/hw.h"

#define WIN32_LEAN_AND_MEAN
#include <windows.h>

#include <stdlib.h>
#include <string.h>

#include "hw/hw_priv.h"

#define RSMB_SIGNATURE 0x52534D42u /* 'RSMB' */
#define RSMB_HEADER 8              /* RawSMBIOSData: 4 version bytes, then the DWORD table length */

static void smbios(struct cllm_ram_info *out)
{
    UINT need = GetSystemFirmwareTable(RSMB_SIGNATURE, 0, NULL, 0);
    unsigned char *buf;

    if (need <= RSMB_HEADER || !(buf = (unsigned char *)malloc(need))) {
        cllm_reason_set(&out->why, "speed_mts", "no SMBIOS table from GetSystemFirmwareTable('RSMB')");
        cllm_reason_set(&out->why, "populated_slots", "no SMBIOS table from GetSystemFirmwareTable('RSMB')");
        cllm_reason_set(&out->why, "type", "no SMBIOS table from GetSystemFirmwareTable('RSMB')");
        return;
    }
    if (GetSystemFirmwareTable(RSMB_SIGNATURE, 0, buf, need) == need) {
        DWORD len;
        memcpy(&len, buf + 4, sizeof(len));
        if (len > need - RSMB_HEADER)
            len = need - RSMB_HEADER;
        cllm_parse_smbios_memory(buf + RSMB_HEADER, len, out);
    } else {
        cllm_reason_set(&out->why, "speed_mts", "GetSystemFirmwareTable('RSMB') failed (error %lu)", GetLastError());
    }
    free(buf);
}

void cllm_ram_detect(const struct cllm_hw_params *p, struct cllm_ram_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    MEMORYSTATUSEX ms;

    if (!p)
        p = &def;
    cllm_ram_info_init(out);
    if (!cllm_hw_may_ask_os(p)) {
        cllm_hw_ram_reconcile(out, "reading a captured tree is supported on Linux only");
        return;
    }
    memset(&ms, 0, sizeof(ms));
    ms.dwLength = sizeof(ms);
    if (GlobalMemoryStatusEx(&ms)) {
        out->total_bytes = (int64_t)ms.ullTotalPhys;
        out->available_bytes = (int64_t)ms.ullAvailPhys;
        /* the page-file figures are the commit limit (RAM + page files): the difference is the page files */
        if (ms.ullTotalPageFile >= ms.ullTotalPhys) {
            out->swap_total_bytes = (int64_t)(ms.ullTotalPageFile - ms.ullTotalPhys);
            int64_t free_pf = (int64_t)ms.ullAvailPageFile - (int64_t)ms.ullAvailPhys;
            out->swap_free_bytes = free_pf < 0 ? 0 : (free_pf > out->swap_total_bytes ? out->swap_total_bytes : free_pf);
        }
    } else {
        cllm_hw_ram_reconcile(out, "GlobalMemoryStatusEx failed");
    }
    smbios(out);
    /* integrated GPUs are flagged per device (gpu_*.c); no claim here */
    out->unified_memory = false;
    cllm_hw_ram_reconcile(out, "not reported by Windows");
}

#else
typedef int cllm_mem_windows_unused; /* keeps the unit non-empty off Windows */
#endif
