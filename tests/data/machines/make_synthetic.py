#!/usr/bin/env python3
"""Writes the hand-made machine trees under tests/data/machines/ (those not captured with capture.sh).

Values follow the vendors' published specifications and the kernel's file formats; they are not captures.
Run from anywhere: python3 tests/data/machines/make_synthetic.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def put(root, rel, text):
    path = os.path.join(HERE, root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def ranges(ids):
    """[0,1,2,5] -> '0-2,5', as the kernel prints cpu lists."""
    ids = sorted(ids)
    out, i = [], 0
    while i < len(ids):
        j = i
        while j + 1 < len(ids) and ids[j + 1] == ids[j] + 1:
            j += 1
        out.append(str(ids[i]) if i == j else "%d-%d" % (ids[i], ids[j]))
        i = j + 1
    return ",".join(out)


def cpu_tree(root, cpus, caches, cpufreq=None, numa=None, kernel=None):
    """cpus: {cpu: (package, core_id)}; caches: [(level, type, size, groups)] with groups a list of cpu lists."""
    sysd = "/sys/devices/system"
    put(root, sysd + "/cpu/online", ranges(cpus))
    put(root, sysd + "/cpu/possible", ranges(cpus))
    put(root, sysd + "/cpu/present", ranges(cpus))
    for cpu, (pkg, core) in cpus.items():
        siblings = [c for c, pc in cpus.items() if pc == (pkg, core)]
        package = [c for c, pc in cpus.items() if pc[0] == pkg]
        t = "%s/cpu/cpu%d/topology/" % (sysd, cpu)
        put(root, t + "physical_package_id", str(pkg))
        put(root, t + "core_id", str(core))
        put(root, t + "die_id", "0")
        put(root, t + "core_cpus_list", ranges(siblings))
        put(root, t + "thread_siblings_list", ranges(siblings))
        put(root, t + "package_cpus_list", ranges(package))
        for k, (level, ctype, size, groups) in enumerate(caches):
            grp = next(g for g in groups if cpu in g)
            c = "%s/cpu/cpu%d/cache/index%d/" % (sysd, cpu, k)
            put(root, c + "level", str(level))
            put(root, c + "type", ctype)
            put(root, c + "size", size)
            put(root, c + "shared_cpu_list", ranges(grp))
            put(root, c + "id", str(groups.index(grp)))
        if cpufreq:
            f = "%s/cpu/cpu%d/cpufreq/" % (sysd, cpu)
            for name, val in cpufreq(cpu).items():
                put(root, f + name, str(val))
    if numa:
        put(root, sysd + "/node/online", ranges(range(len(numa))))
        for n, cpulist in enumerate(numa):
            put(root, sysd + "/node/node%d/cpulist" % n, ranges(cpulist))
    if kernel:
        for name, val in kernel.items():
            put(root, "/proc/sys/kernel/" + name, val)


def x86_cpuinfo(cpus, model, family, model_no, stepping, flags, mhz, cache_kb, siblings, cores, apic, misc):
    blocks = []
    for cpu, (pkg, core) in cpus.items():
        blocks.append(
            "processor\t: %d\nvendor_id\t: GenuineIntel\ncpu family\t: %d\nmodel\t\t: %d\nmodel name\t: %s\n"
            "stepping\t: %d\nmicrocode\t: %s\ncpu MHz\t\t: %.3f\ncache size\t: %d KB\nphysical id\t: %d\n"
            "siblings\t: %d\ncore id\t\t: %d\ncpu cores\t: %d\napicid\t\t: %d\ninitial apicid\t: %d\n"
            "fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %d\nwp\t\t: yes\nflags\t\t: %s\n"
            "bugs\t\t: %s\nbogomips\t: %s\n"
            "clflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: %s\n"
            "power management:\n"
            % (cpu, family, model_no, model, stepping, misc["microcode"], mhz(cpu), cache_kb, pkg, siblings, core,
               cores, apic(cpu), apic(cpu), misc["cpuid_level"], flags, misc["bugs"], misc["bogomips"],
               misc["address_sizes"]))
    return "\n".join(blocks) + "\n"


def arm_cpuinfo(n, bogomips, features, variant, part, revision, tail=""):
    blocks = []
    for cpu in range(n):
        blocks.append(
            "processor\t: %d\nBogoMIPS\t: %s\nFeatures\t: %s\nCPU implementer\t: 0x41\nCPU architecture: 8\n"
            "CPU variant\t: %s\nCPU part\t: %s\nCPU revision\t: %d\n" % (cpu, bogomips, features, variant, part,
                                                                        revision))
    return "\n".join(blocks) + "\n" + tail


# ---- Intel Xeon w3-2423 (Sapphire Rapids, AMX): 6 cores / 12 threads, one socket, intel_pstate with HWP ----
SPR_FLAGS = (
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss "
    "ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology "
    "nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma "
    "cx16 xtpr pdcm pcid dca sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm "
    "abm 3dnowprefetch cpuid_fault epb cat_l3 cat_l2 cdp_l3 cdp_l2 ssbd mba ibrs ibpb stibp ibrs_enhanced tpr_shadow "
    "flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid cqm rdt_a avx512f avx512dq "
    "rdseed adx smap avx512ifma clflushopt clwb intel_pt avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 "
    "xsaves cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local split_lock_detect avx_vnni avx512_bf16 wbnoinvd "
    "dtherm ida arat pln pts hfi vnmi avx512vbmi umip pku ospke waitpkg avx512_vbmi2 gfni vaes vpclmulqdq "
    "avx512_vnni avx512_bitalg tme avx512_vpopcntdq la57 rdpid bus_lock_detect cldemote movdiri movdir64b enqcmd "
    "fsrm md_clear serialize tsxldtrk pconfig arch_lbr ibt amx_bf16 avx512_fp16 amx_tile amx_int8 flush_l1d "
    "arch_capabilities")
# two threads per core enumerated side by side; SPR core ids are sparse
spr_cores = [0, 4, 8, 12, 16, 20]
spr = {cpu: (0, spr_cores[cpu // 2]) for cpu in range(12)}
spr_cur_khz = [3900000, 800000, 2100000, 800000, 1200000, 800000, 4200000, 800000, 800000, 800000, 2600000, 800000]
put("xeon-w3-spr", "/proc/cpuinfo",
    x86_cpuinfo(spr, "Intel(R) Xeon(R) w3-2423", 6, 143, 8, SPR_FLAGS, lambda c: spr_cur_khz[c] / 1000.0, 15360,
                12, 6, lambda c: (spr_cores[c // 2] << 1) | (c & 1),
                {"microcode": "0x2b000590", "cpuid_level": 32, "bogomips": "4224.00",
                 "bugs": "spectre_v1 spectre_v2 spec_store_bypass swapgs eibrs_pbrsb bhi",
                 "address_sizes": "46 bits physical, 57 bits virtual"}))
pairs = [[2 * i, 2 * i + 1] for i in range(6)]
cpu_tree("xeon-w3-spr", spr,
         [(1, "Data", "48K", pairs), (1, "Instruction", "32K", pairs), (2, "Unified", "2048K", pairs),
          (3, "Unified", "15360K", [list(range(12))])],
         cpufreq=lambda c: {"base_frequency": 2100000, "cpuinfo_max_freq": 4200000, "cpuinfo_min_freq": 800000,
                            "scaling_cur_freq": spr_cur_khz[c], "scaling_governor": "powersave",
                            "scaling_driver": "intel_pstate"},
         numa=[list(range(12))])

# ---- 2 x Intel Xeon E5-2623 v4 (Broadwell-EP): 2 sockets x 4 cores x 2 threads, two NUMA nodes ----
BDW_FLAGS = (
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss "
    "ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc "
    "cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid dca "
    "sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch "
    "cpuid_fault epb cat_l3 cdp_l3 invpcid_single pti intel_ppin ssbd ibrs ibpb stibp tpr_shadow vnmi flexpriority "
    "ept vpid ept_ad fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm cqm rdt_a rdseed adx smap "
    "intel_pt xsaveopt cqm_llc cqm_occup_llc cqm_mbm_total cqm_mbm_local dtherm ida arat pln pts md_clear flush_l1d")
# Linux order on two-socket Intel servers: first threads of socket 0, then socket 1, then the second threads
bdw_core_ids = [0, 1, 8, 9]
bdw = {}
for cpu in range(16):
    pkg = (cpu // 4) % 2
    bdw[cpu] = (pkg, bdw_core_ids[cpu % 4])
put("xeon-2s-smt", "/proc/cpuinfo",
    x86_cpuinfo(bdw, "Intel(R) Xeon(R) CPU E5-2623 v4 @ 2.60GHz", 6, 79, 1, BDW_FLAGS, lambda c: 2600.0, 10240,
                8, 4, lambda c: (bdw[c][0] << 5) | (bdw[c][1] << 1) | (c >= 8),
                {"microcode": "0xb000040", "cpuid_level": 20, "bogomips": "5200.00",
                 "bugs": "cpu_meltdown spectre_v1 spectre_v2 spec_store_bypass l1tf mds swapgs taa itlb_multihit "
                         "mmio_stale_data retbleed",
                 "address_sizes": "46 bits physical, 48 bits virtual"}))
sock = [[c for c in range(16) if bdw[c][0] == s] for s in range(2)]
cores = [[c for c in range(16) if bdw[c] == pc] for pc in sorted(set(bdw.values()))]
cpu_tree("xeon-2s-smt", bdw,
         [(1, "Data", "32K", cores), (1, "Instruction", "32K", cores), (2, "Unified", "256K", cores),
          (3, "Unified", "10240K", sock)],
         cpufreq=lambda c: {"cpuinfo_max_freq": 3200000, "cpuinfo_min_freq": 1200000, "scaling_cur_freq": 2600000,
                            "scaling_governor": "performance", "scaling_driver": "intel_pstate"},
         numa=sock)

# ---- AWS Graviton4 (Neoverse-V2, SVE2), 8 vCPUs, no SMT, no cpufreq in the VM ----
GV4_FEATURES = (
    "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 "
    "asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp sve2 sveaes svepmull svebitperm "
    "svesha3 flagm2 frint svei8mm svebf16 i8mm bf16 dgh rng bti")
put("graviton4", "/proc/cpuinfo", arm_cpuinfo(8, "2000.00", GV4_FEATURES, "0x0", "0xd4f", 1))
gv = {cpu: (0, cpu) for cpu in range(8)}
one = [[c] for c in range(8)]
cpu_tree("graviton4", gv,
         [(1, "Data", "64K", one), (1, "Instruction", "64K", one), (2, "Unified", "2048K", one),
          (3, "Unified", "36864K", [list(range(8))])],
         numa=[list(range(8))])

# ---- Raspberry Pi 4 Model B (Cortex-A72): no "model name", no cache description, no NUMA ----
RPI_TAIL = ("Hardware\t: BCM2835\nRevision\t: c03114\nSerial\t\t: 10000000a1b2c3d4\n"
            "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n")
put("rpi4", "/proc/cpuinfo", arm_cpuinfo(4, "108.00", "fp asimd evtstrm crc32 cpuid", "0x0", "0xd08", 3, RPI_TAIL))
cpu_tree("rpi4", {cpu: (0, cpu) for cpu in range(4)}, [],
         cpufreq=lambda c: {"cpuinfo_max_freq": 1800000, "cpuinfo_min_freq": 600000, "scaling_cur_freq": 600000,
                            "scaling_governor": "ondemand", "scaling_driver": "cpufreq-dt"},
         kernel={"ostype": "Linux", "osrelease": "6.6.51+rpt-rpi-v8",
                 "version": "#1 SMP PREEMPT Debian 1:6.6.51-1+rpt3 (2024-10-08)", "hostname": "raspberrypi"})
put("rpi4", "/etc/os-release",
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
    'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n')
