/* Hardware detection: what the machine is, as plain structs.
 *
 * Unknown values: numbers are -1 (counts, sizes) or NAN (measures in MHz/GB), strings are "", tri-state flags
 * are CLLM_TRI_UNKNOWN; in each case the section's `why` list says why (see core/reasons.h). JSON turns them
 * into null plus a "null_reasons" entry (report/write_hw.c).
 *
 * Each source is a file per platform (cpu_linux.c, mem_apple.c, ...); GPUs come from src/gpu (one file per vendor).
 * Parsers take buffers or a root directory so tests feed captured /proc and sysfs files from tests/data/. */
#ifndef CLLM_HW_H
#define CLLM_HW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/reasons.h"
#include "core/status.h"
#include "gpu/gpu.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where to read the machine from: "/" normally, a captured tree under tests/data/ in tests. */
struct cllm_hw_params {
    const char *root;        /* prefix for /proc, /sys, /etc paths; "" or "/" for the live machine */
    bool        live;        /* true: also ask the OS directly (uname, sysconf, hwloc, vendor libraries) */
};

struct cllm_hw_params cllm_hw_default_params(void);

/* ---- OS ---- */
struct cllm_os_info {
    char system[32];         /* "Linux", "Darwin", "Windows" (as Python's platform.system()) */
    char release[128];       /* kernel release, e.g. "6.1.0-18-amd64" */
    char version[256];       /* kernel build string, e.g. "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1" */
    char machine[32];        /* "x86_64", "aarch64", "arm64" */
    char hostname[256];
    char kernel[160];        /* "Linux 6.1.0-18-amd64" */
    char distribution[128];  /* PRETTY_NAME of /etc/os-release, "macOS 14.4", ... */
    struct cllm_reasons why;
};

/* ---- CPU ---- */
enum cllm_tri { CLLM_TRI_UNKNOWN = -1, CLLM_TRI_NO = 0, CLLM_TRI_YES = 1 };

/* ISA features that matter for inference kernels (llama.cpp / ggml pick code paths by these). */
enum cllm_isa {
    CLLM_ISA_SSE4_2, CLLM_ISA_AVX, CLLM_ISA_AVX2, CLLM_ISA_FMA, CLLM_ISA_F16C,
    CLLM_ISA_AVX_VNNI,
    CLLM_ISA_AVX512F, CLLM_ISA_AVX512BW, CLLM_ISA_AVX512VL, CLLM_ISA_AVX512_VNNI, CLLM_ISA_AVX512_BF16,
    CLLM_ISA_AVX512_FP16, CLLM_ISA_AVX512_VBMI,
    CLLM_ISA_AMX_TILE, CLLM_ISA_AMX_INT8, CLLM_ISA_AMX_BF16,
    CLLM_ISA_NEON, CLLM_ISA_ASIMD_DOTPROD, CLLM_ISA_I8MM, CLLM_ISA_ARM_BF16, CLLM_ISA_SVE, CLLM_ISA_SVE2,
    CLLM_ISA_COUNT
};

/* JSON key of each feature ("avx512_vnni", ...). */
const char *cllm_isa_name(enum cllm_isa f);

struct cllm_cache_level {
    int64_t size_bytes;      /* size of one instance; -1 unknown */
    int     instances;       /* how many such caches on the machine; -1 unknown */
};

struct cllm_cpu_info {
    char   model[128];       /* "AMD EPYC 9654 96-Core Processor" (lscpu "Model name") */
    char   vendor[64];       /* "AuthenticAMD", "GenuineIntel", "ARM", "Apple" */
    int    physical_cores;   /* distinct (package, core) pairs, as lscpu counts; -1 unknown */
    int    logical_cores;    /* online logical CPUs (nproc); -1 unknown */
    int    sockets;          /* -1 unknown */
    int    numa_nodes;       /* -1 unknown */
    double freq_base_mhz;    /* NAN unknown */
    double freq_max_mhz;
    double freq_min_mhz;
    double freq_current_mhz; /* mean over online CPUs at detection time */
    struct cllm_cache_level l1d, l1i, l2, l3;
    char   governor[32];     /* cpufreq scaling governor of cpu0 */
    int8_t isa[CLLM_ISA_COUNT];  /* enum cllm_tri per feature */
    char   topology_source[16];  /* "hwloc", "sysfs", "cpuinfo", "sysctl", "windows" */
    struct cllm_reasons why;  /* keyed by member name; "l1d".."l3" for caches, "isa" for the whole isa array */
};

/* ---- RAM ---- */
struct cllm_ram_info {
    int64_t total_bytes;     /* MemTotal; -1 unknown */
    int64_t available_bytes; /* MemAvailable */
    int64_t swap_total_bytes;
    int64_t swap_free_bytes;
    bool    unified_memory;  /* CPU and GPU share one memory (Apple Silicon) */
    int     speed_mts;       /* configured DIMM speed in MT/s from SMBIOS; -1 unknown */
    int     populated_slots; /* DIMMs present; -1 unknown */
    char    type[16];        /* "DDR4", "DDR5", "LPDDR5" */
    struct cllm_reasons why;
};

/* ---- GPU: gpu/gpu.h (struct cllm_gpu_info, its devices, cllm_gpu_detect; OpenCL: struct cllm_opencl_info) ---- */

/* ---- whole machine ---- */
struct cllm_hw_info {
    struct cllm_os_info  os;
    struct cllm_cpu_info cpu;
    struct cllm_ram_info ram;
    struct cllm_gpu_info gpu;
    struct cllm_opencl_info opencl;   /* OpenCL platforms and devices, a list of their own (never merged into gpu) */
};

/* Fills every section; never fails as a whole: what could not be read is unknown with a reason. */
void cllm_hw_detect(const struct cllm_hw_params *p, struct cllm_hw_info *out);

void cllm_os_detect(const struct cllm_hw_params *p, struct cllm_os_info *out);
void cllm_cpu_detect(const struct cllm_hw_params *p, struct cllm_cpu_info *out);
void cllm_ram_detect(const struct cllm_hw_params *p, struct cllm_ram_info *out);

/* Initialisers that set every field to unknown (used before parsing). */
void cllm_os_info_init(struct cllm_os_info *o);
void cllm_cpu_info_init(struct cllm_cpu_info *c);
void cllm_ram_info_init(struct cllm_ram_info *r);

/* ---- parsers on buffers (Linux formats; used by cpu_linux.c / mem_linux.c and by tests) ---- */

/* /proc/cpuinfo: model, vendor, flags → isa, "cpu MHz" mean → freq_current_mhz, logical count as fallback. */
enum cllm_status cllm_parse_cpuinfo(const char *buf, struct cllm_cpu_info *out);

/* /proc/meminfo: MemTotal, MemAvailable, SwapTotal, SwapFree. */
enum cllm_status cllm_parse_meminfo(const char *buf, struct cllm_ram_info *out);

/* SMBIOS table (/sys/firmware/dmi/tables/DMI, root only): type 17 memory devices → speed, slots, type. */
enum cllm_status cllm_parse_smbios_memory(const unsigned char *buf, size_t len, struct cllm_ram_info *out);

/* /etc/os-release → PRETTY_NAME into out (size outlen). */
enum cllm_status cllm_parse_os_release(const char *buf, char *out, size_t outlen);

/* CPU topology from a sysfs tree: root + "/sys/devices/system/cpu/..." (online, topology, cache, cpufreq) and
 * root + "/sys/devices/system/node". Fills cores, sockets, caches, NUMA, frequencies, governor. */
enum cllm_status cllm_parse_sysfs_cpu(const char *root, struct cllm_cpu_info *out);

#ifdef __cplusplus
}
#endif

#endif
