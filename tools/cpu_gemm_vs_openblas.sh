#!/usr/bin/env bash
# CPU multi-thread GFLOPS at 2048 of computellm vs a minimal OpenBLAS sgemm program, alternated in one run.
# Usage: tools/cpu_gemm_vs_openblas.sh [BUILD_DIR] [ROUNDS]   (goal: ours >= 97 % of the reference)
set -euo pipefail
B=${1:-build}
R=${2:-5}
cores=$("$B/computellm" detect --json | jq .cpu.physical_cores)
cfg=$(mktemp)
trap 'rm -f "$cfg"' EXIT
echo '{"classic": {"cpu_matrix_sizes": [2048], "gemm_iterations": 3}}' >"$cfg"
ours=() refs=()
for i in $(seq "$R"); do
  ours+=("$("$B/tools/cllm_phase" cpu_multi_thread "$cfg" | jq '.results["2048x2048"].gflops')")
  refs+=("$("$B/tools/sgemm_ref" 2048 "$cores" 3 | awk '{print $5}')")
done
printf 'round  computellm  sgemm_ref  (GFLOPS, 2048x2048, %s threads, mean of 3 after 1 warmup)\n' "$cores"
for i in $(seq 0 $((R - 1))); do printf '%5d  %10.1f  %9.1f\n' $((i + 1)) "${ours[$i]}" "${refs[$i]}"; done
printf '%s\n' "${ours[@]}" | sort -g | awk '{a[NR]=$1} END {printf "median computellm %.1f\n", a[int((NR+1)/2)]}'
printf '%s\n' "${refs[@]}" | sort -g | awk '{a[NR]=$1} END {printf "median sgemm_ref  %.1f\n", a[int((NR+1)/2)]}'
