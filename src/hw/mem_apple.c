/* RAM on macOS: hw.memsize, Mach VM statistics for what is available, vm.swapusage. Not verified by CI. */
#if defined(__APPLE__)

#include "hw/hw.h"

#include <mach/mach.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysctl.h>

#include "hw/hw_priv.h"

void cllm_ram_detect(const struct cllm_hw_params *p, struct cllm_ram_info *out)
{
    struct cllm_hw_params def = cllm_hw_default_params();
    uint64_t memsize = 0;
    size_t len = sizeof(memsize);
    struct xsw_usage swap;

    if (!p)
        p = &def;
    cllm_ram_info_init(out);
    if (!cllm_hw_may_ask_os(p)) {
        cllm_hw_ram_reconcile(out, "reading a captured tree is supported on Linux only");
        return;
    }
    if (sysctlbyname("hw.memsize", &memsize, &len, NULL, 0) == 0 && memsize > 0)
        out->total_bytes = (int64_t)memsize;

    vm_statistics64_data_t vm;
    mach_msg_type_number_t count = HOST_VM_INFO64_COUNT;
    vm_size_t page = 0;
    mach_port_t host = mach_host_self();
    if (host_page_size(host, &page) == KERN_SUCCESS &&
        host_statistics64(host, HOST_VM_INFO64, (host_info64_t)&vm, &count) == KERN_SUCCESS) {
        /* free (speculative pages included) + inactive: reclaimable without swapping, as Activity Monitor
         * counts it roughly */
        out->available_bytes = ((int64_t)vm.free_count + (int64_t)vm.inactive_count) * (int64_t)page;
    } else {
        cllm_reason_set(&out->why, "available_bytes", "host_statistics64(HOST_VM_INFO64) failed");
    }
    mach_port_deallocate(mach_task_self(), host);

    len = sizeof(swap);
    memset(&swap, 0, sizeof(swap));
    if (sysctlbyname("vm.swapusage", &swap, &len, NULL, 0) == 0) {
        /* macOS grows swap files on demand: total is what exists now */
        out->swap_total_bytes = (int64_t)swap.xsu_total;
        out->swap_free_bytes = (int64_t)swap.xsu_avail;
    }

#if defined(__aarch64__) || defined(__arm64__)
    out->unified_memory = true;
    cllm_reason_set(&out->why, "type", "Apple Silicon memory type is published only by system_profiler");
#else
    out->unified_memory = false;
#endif
    cllm_reason_set(&out->why, "speed_mts", "macOS publishes memory speed only through system_profiler");
    cllm_reason_set(&out->why, "populated_slots", "macOS publishes memory slots only through system_profiler");
    if (out->type[0] == '\0' && !cllm_reason_get(&out->why, "type"))
        cllm_reason_set(&out->why, "type", "macOS publishes memory type only through system_profiler");
    cllm_hw_ram_reconcile(out, "not reported by macOS");
}

#else
typedef int cllm_mem_apple_unused; /* keeps the unit non-empty off macOS */
#endif
