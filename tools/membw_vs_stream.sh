#!/usr/bin/env bash
# Memory bandwidth, all threads: computellm vs STREAM-class references from Debian, alternated in one run:
# likwid-bench (copy_avx, triad_avx; package likwid), mbw (memcpy, counted read + write) and sysbench memory.
# Usage: tools/membw_vs_stream.sh [BUILD_DIR] [ROUNDS]   (`scripts/setup --bench` installs the references)
set -euo pipefail
B=${1:-build}
R=${2:-3}
threads=$(nproc)
for i in $(seq "$R"); do
  j=$("$B/tools/cllm_phase" memory_bandwidth)
  echo "round $i computellm: copy $(jq .copy_gbps <<<"$j") triad $(jq .triad_gbps <<<"$j") write $(jq .write_gbps <<<"$j") read $(jq .read_gbps <<<"$j") GB/s (array $(jq .array_mb <<<"$j") MiB x3)"
  if command -v likwid-bench >/dev/null; then
    for k in copy_avx triad_avx; do
      v=$(likwid-bench -t $k -w S0:1GB:"$threads" 2>/dev/null | awk '/^MByte\/s:/ {print $2/1000}')
      echo "round $i likwid-bench $k: ${v:-n/a} GB/s"
    done
  fi
  if command -v mbw >/dev/null; then
    v=$(mbw -q -n 5 -t0 512 2>/dev/null | awk '/^AVG/ {print $(NF-1)}')
    echo "round $i mbw memcpy (1 thread, x2 for read+write): $(awk -v v="${v:-0}" 'BEGIN {printf "%.1f", 2*v/1000*1.048576}') GB/s"
  fi
  if command -v sysbench >/dev/null; then
    v=$(sysbench memory --threads="$threads" --memory-block-size=1M --memory-total-size=20G --memory-oper=write run 2>/dev/null |
        sed -n 's/.*(\([0-9.]*\) MiB\/sec).*/\1/p')
    echo "round $i sysbench memory write: $(awk -v v="${v:-0}" 'BEGIN {printf "%.1f", v*1.048576/1000}') GB/s"
  fi
done
