#!/usr/bin/env bash
# OpenCL in `computellm detect` against the real ICD loader and Debian's PoCL (issue 13, section 4): the PoCL
# platform and its CPU device as clinfo reports them (name, type, compute units, global memory; memory ≤ MemTotal,
# compute units = nproc), the text report's OpenCL lines, and the loader without any implementation (no_platform).
# Skipped (77) without the loader, PoCL or clinfo: scripts/setup installs ocl-icd-libopencl1, pocl-opencl-icd and
# clinfo. Usage: test_opencl.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_opencl.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

if ! /sbin/ldconfig -p 2>/dev/null | grep -q 'libOpenCL\.so\.1 '; then
  echo "skip: no OpenCL ICD loader (libOpenCL.so.1; scripts/setup installs ocl-icd-libopencl1)" >&2
  exit 77
fi

# --- the loader alone: no implementation is "no_platform", not an error ---
mkdir -p "$T/no-icd"
OCL_ICD_VENDORS="$T/no-icd" "$BIN" detect --json >"$T/none.json" 2>"$T/none.err"
check "no ICD: detect --json exits 0" test $? -eq 0
check "no ICD: status no_platform" test "$(jq -r .opencl.status "$T/none.json")" = no_platform
check "no ICD: no platform listed" test "$(jq '.opencl.platforms | length' "$T/none.json")" -eq 0
check "no ICD: device_count 0" test "$(jq .opencl.device_count "$T/none.json")" -eq 0
check "no ICD: the detail names what to install" grep -q "pocl-opencl-icd" <(jq -r .opencl.detail "$T/none.json")
check "no ICD: the loader is named" grep -q "libOpenCL" <(jq -r .opencl.library "$T/none.json")
check "no ICD: the GPU list is there as always" test "$(jq -r '.gpu.devices | type' "$T/none.json")" = array
OCL_ICD_VENDORS="$T/no-icd" "$BIN" detect >"$T/none.txt" 2>/dev/null
check "no ICD: the text report says no_platform" grep -q "^OpenCL   no_platform: " "$T/none.txt"

if ! command -v clinfo >/dev/null 2>&1 || ! clinfo --raw 2>/dev/null | grep -q "Portable Computing Language"; then
  echo "skip: no PoCL platform or no clinfo (scripts/setup installs pocl-opencl-icd and clinfo)" >&2
  echo "$pass passed, $fail failed (the PoCL checks skipped)" >&2
  [ "$fail" -eq 0 ] || exit 1
  exit 77
fi

# --- PoCL against clinfo ---
"$BIN" detect --json >"$T/hw.json" 2>"$T/hw.err"
check "detect --json exits 0" test $? -eq 0
check "status ok" test "$(jq -r .opencl.status "$T/hw.json")" = ok
clinfo --raw >"$T/clinfo.txt" 2>/dev/null
# clinfo --raw: "[TAG/N]  CL_NAME  value"; the PoCL platform's tag is the one on its CL_PLATFORM_NAME line
tag=$(awk '$2 == "CL_PLATFORM_NAME" && /Portable Computing Language/ {t = $1; sub(/^\[/, "", t); sub(/\/.*/, "", t); print t; exit}' "$T/clinfo.txt")
raw() {  # raw DEVICE_INDEX CL_NAME: clinfo's value for that device of the PoCL platform
  awk -v k="[$tag/$1]" -v n="$2" '$1 == k && $2 == n {$1 = ""; $2 = ""; sub(/^ +/, ""); print; exit}' "$T/clinfo.txt"
}
n_clinfo=$(awk -v t="[$tag/" 'index($1, t) == 1 && $1 !~ /\*\]$/ && $2 == "CL_DEVICE_NAME"' "$T/clinfo.txt" | wc -l)
P='.opencl.platforms[] | select(.name == "Portable Computing Language")'
check "one PoCL platform" test "$(jq "[$P] | length" "$T/hw.json")" -eq 1
check "PoCL's version is an OpenCL version" grep -q "^OpenCL [0-9]" <(jq -r "$P | .version" "$T/hw.json")
check "as many PoCL devices as clinfo lists ($n_clinfo)" test "$(jq "$P | .devices | length" "$T/hw.json")" -eq "$n_clinfo"
check "PoCL has a device" test "$n_clinfo" -ge 1
check "device 0 is a CPU, as clinfo says" test "$(raw 0 CL_DEVICE_TYPE)" = CL_DEVICE_TYPE_CPU -a \
  "$(jq -r "$P | .devices[0].type" "$T/hw.json")" = cpu
check "device 0's name is clinfo's" test "$(jq -r "$P | .devices[0].name" "$T/hw.json")" = "$(raw 0 CL_DEVICE_NAME)"
cu=$(jq "$P | .devices[0].compute_units" "$T/hw.json")
check "compute units = clinfo's ($(raw 0 CL_DEVICE_MAX_COMPUTE_UNITS))" test "$cu" = "$(raw 0 CL_DEVICE_MAX_COMPUTE_UNITS)"
check "compute units = nproc ($(nproc))" test "$cu" = "$(nproc)"
mem=$(jq "$P | .devices[0].global_mem_bytes" "$T/hw.json")
memtotal=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) * 1024 ))   # shell arithmetic: mawk prints 2^31 at most
check "global memory = clinfo's" test "$mem" = "$(raw 0 CL_DEVICE_GLOBAL_MEM_SIZE)"
check "0 < global memory ≤ MemTotal ($mem ≤ $memtotal)" test "$mem" -gt 0 -a "$mem" -le "$memtotal"
check "global_mem_gb is global_mem_bytes in GiB" \
  jq -e "$P | .devices[0] | ((.global_mem_bytes / 1073741824) - .global_mem_gb) | fabs < 0.006" "$T/hw.json" >/dev/null
clock=$(raw 0 CL_DEVICE_MAX_CLOCK_FREQUENCY)
if [ "${clock:-0}" -gt 0 ]; then
  check "max clock = clinfo's ($clock MHz)" test "$(jq "$P | .devices[0].max_clock_mhz" "$T/hw.json")" = "$clock"
else
  check "a 0 MHz clock is null with a reason" jq -e "$P | .devices[0] | .max_clock_mhz == null and .null_reasons.max_clock_mhz" "$T/hw.json" >/dev/null
fi
check "OpenCL C version = clinfo's" test "$(jq -r "$P | .devices[0].opencl_c_version" "$T/hw.json")" = "$(raw 0 CL_DEVICE_OPENCL_C_VERSION)"
check "driver version = clinfo's" test "$(jq -r "$P | .devices[0].driver_version" "$T/hw.json")" = "$(raw 0 CL_DRIVER_VERSION)"
check "device_count counts every platform's devices" \
  jq -e '.opencl.device_count == ([.opencl.platforms[].devices[]] | length)' "$T/hw.json" >/dev/null
check "the CPU device is not in the GPU list" \
  jq -e --arg n "$(raw 0 CL_DEVICE_NAME)" '[.gpu.devices[] | select(.name == $n)] | length == 0' "$T/hw.json" >/dev/null

# --- the text report ---
"$BIN" detect >"$T/hw.txt" 2>/dev/null
check "text: an OpenCL line with the loader" grep -q "^OpenCL   .*platform.*libOpenCL" "$T/hw.txt"
check "text: the PoCL platform" grep -q "platform [0-9]: Portable Computing Language" "$T/hw.txt"
check "text: its CPU device with compute units" grep -Eq "\[0\] cpu .*, $cu compute units" "$T/hw.txt"

summary
