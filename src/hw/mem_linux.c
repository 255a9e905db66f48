/* RAM on Linux: /proc/meminfo for sizes, the SMBIOS table for DIMM type, speed and slots (root only). */
#include "hw/hw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/hw_priv.h"

#define DMI_TABLE "/sys/firmware/dmi/tables/DMI"

static void smbios_unknown(struct cllm_ram_info *out, const char *why)
{
    cllm_reason_set(&out->why, "speed_mts", "%s", why);
    cllm_reason_set(&out->why, "populated_slots", "%s", why);
    cllm_reason_set(&out->why, "type", "%s", why);
}

static void read_smbios(const char *root, struct cllm_ram_info *out)
{
    size_t len = 0;
    unsigned char *tab = (unsigned char *)cllm_hw_read_all(root, DMI_TABLE, &len);

    if (tab) {
        cllm_parse_smbios_memory(tab, len, out);
        free(tab);
        return;
    }
    if (errno == EACCES || errno == EPERM) {
        smbios_unknown(out, "SMBIOS table " DMI_TABLE " not readable (needs root)");
    } else {
        /* many VMs (and non-UEFI/ACPI arm boards) have no DMI at all */
        smbios_unknown(out, "SMBIOS table not present in " DMI_TABLE " (virtual machine or firmware without DMI)");
    }
}

void cllm_ram_detect(const struct cllm_hw_params *p, struct cllm_ram_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    char *buf;

    if (!p)
        p = &def;
    cllm_ram_info_init(out);

    buf = cllm_hw_read_all(p->root, "/proc/meminfo", NULL);
    if (buf) {
        cllm_parse_meminfo(buf, out);
        free(buf);
    } else {
        const char *e = strerror(errno);
        cllm_reason_set(&out->why, "total_bytes", "cannot read /proc/meminfo: %s", e);
        cllm_reason_set(&out->why, "available_bytes", "cannot read /proc/meminfo: %s", e);
        cllm_reason_set(&out->why, "swap_total_bytes", "cannot read /proc/meminfo: %s", e);
        cllm_reason_set(&out->why, "swap_free_bytes", "cannot read /proc/meminfo: %s", e);
    }
    if (out->total_bytes < 0 && cllm_hw_may_ask_os(p)) {
        long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0) {
            out->total_bytes = (int64_t)pages * psz;
            cllm_reason_clear(&out->why, "total_bytes");
        }
    }

    read_smbios(p->root, out);

    /* Linux GPUs with their own memory are discrete; integrated ones are flagged per device (gpu_*.c) */
    out->unified_memory = false;
    cllm_hw_ram_reconcile(out, "not reported by /proc/meminfo or SMBIOS on this system");
}
