#!/usr/bin/env bash
# Copies the files the hardware detectors read (/proc, /sys, /etc) from this machine into OUTDIR, keeping their
# paths, so tests can run the parsers against it: capture.sh tests/data/machines/<name>
# Only small text files are copied; the SMBIOS table is left out (it holds serial numbers).
set -euo pipefail
out=${1:?usage: capture.sh OUTDIR}
mkdir -p "$out"

copy() { # copies one file if readable, keeping its path under $out
  local f=$1
  [ -r "$f" ] && [ -f "$f" ] || return 0
  mkdir -p "$out$(dirname "$f")"
  cat "$f" > "$out$f" 2>/dev/null || rm -f "$out$f"
}

for f in /proc/cpuinfo /proc/meminfo /etc/os-release /usr/lib/os-release \
         /proc/sys/kernel/ostype /proc/sys/kernel/osrelease /proc/sys/kernel/version /proc/sys/kernel/arch; do
  copy "$f"
done
# the hostname of a capture says nothing useful and may be private
mkdir -p "$out/proc/sys/kernel"
echo "captured-host" > "$out/proc/sys/kernel/hostname"

sys=/sys/devices/system
for f in "$sys"/cpu/{online,possible,present} "$sys"/node/{online,possible,has_cpu,has_memory}; do copy "$f"; done
for n in "$sys"/node/node[0-9]*; do [ -d "$n" ] && copy "$n/cpulist"; done
for c in "$sys"/cpu/cpu[0-9]*; do
  for f in "$c"/topology/{core_id,physical_package_id,die_id,cluster_id,core_cpus_list,thread_siblings_list,package_cpus_list}; do
    copy "$f"
  done
  for i in "$c"/cache/index[0-9]*; do
    for f in "$i"/{level,type,size,shared_cpu_list,id,ways_of_associativity,coherency_line_size,number_of_sets}; do
      copy "$f"
    done
  done
  # cpuN/cpufreq is a link to ../cpufreq/policyN: cat follows it, so the copy is a plain directory
  for f in "$c"/cpufreq/{base_frequency,cpuinfo_max_freq,cpuinfo_min_freq,scaling_cur_freq,scaling_governor,scaling_driver} \
           "$c"/acpi_cppc/{nominal_freq,lowest_freq,highest_perf,nominal_perf}; do
    copy "$f"
  done
done
echo "captured into $out" >&2
