#!/usr/bin/env bash
# GPU compute: computellm's phase (cuBLAS through dlopen) vs torch.mm on the same card in the same run, rounds
# alternated, then a comparison table (GEMM TFLOP/s per size and precision, 1 GiB device-to-device copy).
# Usage:
#   tools/gpu_vs_torch.sh prepare [BUILD_DIR]   on the build machine: links tools/gpu_compute_bench.c against
#                                               BUILD_DIR/libcllm.a into .gpubench/, with the shared libraries
#                                               (cJSON, hwloc, libpci) a bare GPU machine lacks
#   tools/gpu_vs_torch.sh run [ROUNDS] [SIZES]  on the GPU machine (python3 + torch): ROUNDS (default 2) of ours
#                                               then torch, 10 timed runs each; JSON and logs in $OUT (or
#                                               .gpubench/out); prints the table
set -euo pipefail
cd "$(dirname "$0")/.."
D=.gpubench
case "${1:-}" in
prepare)
  B=${2:-build}
  mkdir -p "$D/lib"
  # --as-needed: only what the GPU phase and detection use (not OpenBLAS, which the CPU phases link)
  cc -O2 -std=gnu11 -Wall -Wextra -Isrc -I"$B/generated" tools/gpu_compute_bench.c "$B/libcllm.a" \
    -Wl,--as-needed $(pkg-config --libs libcjson hwloc libpci) -ldl -lm -lpthread -o "$D/gpu_compute_bench"
  for l in $(ldd "$D/gpu_compute_bench" | awk '/=> \// {print $3}'); do
    case $(basename "$l") in libcjson*|libhwloc*|libpci*) cp -L "$l" "$D/lib/" ;; esac
  done
  ls -l "$D" "$D/lib"
  ;;
run)
  R=${2:-2}
  S=${3:-1024,2048,4096}
  O=${OUT:-$D/out}
  mkdir -p "$O"
  export LD_LIBRARY_PATH=$PWD/$D/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,power.limit,temperature.gpu --format=csv,noheader || true
  date -u +%Y-%m-%dT%H:%MZ
  for i in $(seq "$R"); do
    "$D/gpu_compute_bench" --sizes "$S" --iterations 10 -v >"$O/ours_$i.json" 2>"$O/ours_$i.log" || cat "$O/ours_$i.log"
    python3 tools/torch_mm.py --sizes "$S" --iterations 10 >"$O/torch_$i.json" 2>"$O/torch_$i.log" || cat "$O/torch_$i.log"
  done
  python3 - "$O" "$R" <<'EOF'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
ours = [json.load(open(f"{out}/ours_{i}.json")) for i in range(1, rounds + 1)]
torch = [json.load(open(f"{out}/torch_{i}.json")) for i in range(1, rounds + 1)]
o0, t0 = ours[0], torch[0]
if o0.get("status") != "ok":
    print("computellm phase:", o0.get("status"), o0.get("reason") or o0.get("error"))
dev, libs = o0.get("device", {}), o0.get("libraries", {})
print(f"card: {dev.get('name')} (cc {dev.get('compute_capability')}, driver {dev.get('driver_version')}), "
      f"cuBLAS {libs.get('blas', {}).get('version')}, runtime {libs.get('runtime', {}).get('version')}; "
      f"torch {t0['torch']} (CUDA {t0['cuda']}); {rounds} rounds, median of rounds; each value a mean of 10 runs")
print("validation:", {k: v.get("rel_err") for k, v in o0.get("validation", {}).items() if isinstance(v, dict)})
med = statistics.median
print()
print("| n | precision | computellm TFLOP/s | torch.mm batched | ratio | torch.mm per call | ours batch |")
print("|---|---|---|---|---|---|---|")
for key in o0.get("results", {}):
    for prec in ("fp32", "tf32", "fp16", "bf16"):
        try:
            a = med([o["results"][key][prec]["mean_tflops"] for o in ours])
            b = med([t["results"][key][prec]["batched"]["mean_tflops"] for t in torch])
            c = med([t["results"][key][prec]["per_call"]["mean_tflops"] for t in torch])
            k = o0["results"][key][prec]["batch"]
        except (KeyError, TypeError):
            print(f"| {key.split('x')[0]} | {prec} | n/a | | | | |")
            continue
        flag = "" if a >= 0.97 * b else " (below 97 %)"
        print(f"| {key.split('x')[0]} | {prec} | {a:.1f} | {b:.1f} | {a / b * 100:.1f} %{flag} | {c:.1f} | {k} |")
try:
    od = [o["memory"]["d2d"] for o in ours]
    td = [t["memory"]["d2d"] for t in torch]
    a, b = med([x["best_gbps"] for x in od]), med([x["best_gbps"] for x in td])
    am, bm = med([x["mean_gbps"] for x in od]), med([x["mean_gbps"] for x in td])
    print()
    print(f"| d2d copy {od[0]['bytes'] / 2**30:.2f} GiB (read + write) | computellm | torch copy_ | ratio |")
    print("|---|---|---|---|")
    print(f"| best GB/s | {a:.0f} | {b:.0f} | {a / b * 100:.1f} % |")
    print(f"| mean GB/s | {am:.0f} | {bm:.0f} | {am / bm * 100:.1f} % |")
    m = o0["memory"]
    print(f"pinned host->device {med([o['memory']['h2d']['best_gbps'] for o in ours]):.1f} GB/s, "
          f"device->host {med([o['memory']['d2h']['best_gbps'] for o in ours]):.1f} GB/s "
          f"({m['h2d']['bytes'] / 2**20:.0f} MiB, best)")
except (KeyError, TypeError) as e:
    print("memory: n/a", e)
EOF
  ;;
*)
  sed -n '2,12p' "$0"
  exit 2
  ;;
esac
