#!/usr/bin/env bash
# `computellm sweep` against llama-bench: the same model, the same prebuilt llama.cpp libraries, the same settings,
# in alternating rounds (llama-bench then computellm, computellm then llama-bench, ...); per-round tables, medians,
# ours/llama-bench.
# Usage: tools/sweep_vs_llama_bench.sh MODEL.gguf [--variant cpu|vulkan|cuda] [--rounds N] [-t THREADS] [-ngl N]
#            [-b N] [-ub N] [-fa on|off|auto] [-p N] [-n N] [-r N] [--out DIR] [--null]
#   defaults: --variant cpu, --rounds 5, -t the physical cores, -ngl 0 (cpu) or 99 (vulkan, cuda), -b 2048,
#   -ub 512, -fa auto; each round is `-p 512 -n 128 -r 5` for both tools; --out: $OUT, else a new /tmp folder
#   (every round's JSON and stderr are kept there). --null: llama-bench on both sides (its second run named
#   llama-bench-2), the noise floor of this machine and model: the band means something only where this passes.
# Passes when 0.98 <= computellm / llama-bench <= 1.02 for the medians of both tests (pp and tg avg_ts).
# Exit: 0 both pass; 1 a ratio outside; 2 bad usage or a missing file; 3 a tool failed or printed unusable JSON;
#   4 the two tools ran with different settings (their JSON fields) or mapped different llama/ggml libraries.
# Environment: COMPUTELLM (default build/computellm), LLAMA_BENCH (default .deps/llama-bench/bin/llama-bench, the
#   wrapper tools/llama_bench_build.sh installs), CLLM_DEPS (default .deps). computellm runs with
#   COMPUTELLM_LLAMA_LIB=.deps/llama/<variant>, llama-bench with --variant <variant>; the llama/ggml files each
#   process maps are read from /proc/PID/maps while it runs and must be the same.
# Runs from prebuilt files only (no compiler, no network): bash, python3 (standard library), coreutils. To carry,
#   relative to the repository root (the layout matters: llama-bench finds ../../llama/<variant>/):
#     tools/sweep_vs_llama_bench.sh
#     build/computellm              + the shared libraries of `ldd build/computellm` the machine lacks
#                                     (on LD_LIBRARY_PATH; tools/gpu_llama_server.sh prepare collects them)
#     .deps/llama/<variant>/        the whole folder: the CPU variants libggml-cpu-*.so and the GPU backend are
#                                     chosen when the program starts
#     .deps/llama-bench/bin/llama-bench  .deps/llama-bench/bin/llama-bench-<variant>
#     the model file
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps=${CLLM_DEPS:-$root/.deps}
say() { printf 'sweep_vs_llama_bench: %s\n' "$*" >&2; }
usage_err() { say "$*"; say "see --help"; exit 2; }

null=0 model="" variant=cpu rounds=5 threads="" ngl="" batch=2048 ubatch=512 fa=auto pp=512 tg=128 reps=5 out=${OUT:-}
num() { [[ "$2" =~ ^[0-9]+$ ]] || usage_err "$1 needs a whole number (got '${2:-}')"; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --variant) variant=${2:-}; shift ;;
    --rounds) num "$1" "${2:-}"; rounds=$2; shift ;;
    -t|--threads) num "$1" "${2:-}"; threads=$2; shift ;;
    -ngl|--n-gpu-layers) num "$1" "${2:-}"; ngl=$2; shift ;;
    -b|--batch-size) num "$1" "${2:-}"; batch=$2; shift ;;
    -ub|--ubatch-size) num "$1" "${2:-}"; ubatch=$2; shift ;;
    -fa|--flash-attn) fa=${2:-}; shift ;;
    -p|--n-prompt) num "$1" "${2:-}"; pp=$2; shift ;;
    -n|--n-gen) num "$1" "${2:-}"; tg=$2; shift ;;
    -r|--repetitions) num "$1" "${2:-}"; reps=$2; shift ;;
    --out) out=${2:-}; shift ;;
    --null) null=1 ;;
    -*) usage_err "unknown option $1" ;;
    *) [ -z "$model" ] || usage_err "one model only (got '$model' and '$1')"; model=$1 ;;
  esac
  shift
done
[ -n "$model" ] || usage_err "name the model: tools/sweep_vs_llama_bench.sh MODEL.gguf"
[ -f "$model" ] || usage_err "no model file $model"
case "$variant" in cpu|vulkan|cuda) ;; *) usage_err "--variant must be cpu, vulkan or cuda (got '$variant')" ;; esac
case "$fa" in on|off|auto) ;; *) usage_err "-fa must be on, off or auto (got '$fa')" ;; esac
[ "$rounds" -ge 1 ] && [ "$reps" -ge 1 ] && [ "$pp" -ge 1 ] && [ "$tg" -ge 1 ] ||
  usage_err "--rounds, -r, -p and -n must be at least 1"
if [ -z "$threads" ]; then
  # physical cores (llama-bench's own default leaves out SMT siblings too)
  threads=$(lscpu -p=core,socket 2>/dev/null | grep -v '^#' | sort -u | wc -l)
  [ "$threads" -ge 1 ] 2>/dev/null || threads=$(nproc)
fi
[ -n "$ngl" ] || { [ "$variant" = cpu ] && ngl=0 || ngl=99; }
command -v python3 >/dev/null 2>&1 || usage_err "python3 is needed (standard library only) to read the JSON"

model=$(cd "$(dirname "$model")" && pwd)/$(basename "$model")
cllm=${COMPUTELLM:-$root/build/computellm}
lbench=${LLAMA_BENCH:-$deps/llama-bench/bin/llama-bench}
libdir="$deps/llama/$variant"
[ -x "$cllm" ] || [ "$null" = 1 ] || usage_err "no computellm at $cllm (build it, or set COMPUTELLM=path)"
[ -x "$lbench" ] || usage_err "no llama-bench at $lbench (tools/llama_bench_build.sh, or set LLAMA_BENCH=path)"
[ -d "$libdir" ] || usage_err "no $libdir (scripts/setup --llama-variant $variant, or carry it)"
[ -n "$out" ] || out=$(mktemp -d /tmp/sweep_vs_llama_bench.XXXXXX)
mkdir -p "$out"
libdir=$(cd "$libdir" && pwd)

common=(-m "$model" -p "$pp" -n "$tg" -r "$reps" -t "$threads" -b "$batch" -ub "$ubatch" -ngl "$ngl" -fa "$fa" -o json)
lb_cmd=("$lbench" --variant "$variant" "${common[@]}")
cl_cmd=("$cllm" sweep "${common[@]}")
B=computellm
if [ "$null" = 1 ]; then cl_cmd=("${lb_cmd[@]}"); B=llama-bench-2; fi
export SWEEP_B=$B

# The llama/ggml libraries a process (and its children) maps, one sorted line; empty when it has none (yet).
# libllama-common.so and libllama-bench-impl.so are left out: llama-bench's own code (argument and device helpers;
# a BUILD_SHARED_LIBS build of llama.cpp makes llama-bench itself a library), which the engine does not load.
libs_of() {
  local pids=("$1") p
  for p in $(cat /proc/"$1"/task/*/children 2>/dev/null); do pids+=("$p"); done
  for p in "${pids[@]}"; do
    awk '$6 ~ /\/lib(llama|ggml)[^\/]*\.so/ && $6 !~ /\/libllama-(common|bench-impl)\.so/ {print $6}' /proc/"$p"/maps 2>/dev/null
  done | sort -u | paste -sd' ' || true
}
# run_tool NAME ROUND CMD...: stdout → NAME.ROUND.json, stderr → .log, the library samples → .maps; returns the rc.
run_tool() {
  local name=$1 r=$2 pid rc=0 i=0 state s
  shift 2
  : >"$out/$name.$r.maps"
  "$@" >"$out/$name.$r.json" 2>"$out/$name.$r.log" &
  pid=$!
  while :; do
    state=$(sed 's/.*) //' /proc/"$pid"/stat 2>/dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != Z ] || break
    s=$(libs_of "$pid")
    [ -z "$s" ] || printf '%s\n' "$s" >>"$out/$name.$r.maps"
    # often at the start (a tiny model's run lasts a second), then once a second: the sampling costs ~nothing
    i=$((i + 1)); if [ $i -lt 20 ]; then sleep 0.1; else sleep 1; fi
  done
  wait "$pid" || rc=$?
  return $rc
}

say "model $model, variant $variant ($libdir), $rounds rounds of -p $pp -n $tg -r $reps, -t $threads" \
  "-b $batch -ub $ubatch -ngl $ngl -fa $fa; files in $out"
printf '%q ' "${lb_cmd[@]}" >"$out/llama-bench.cmd"
printf '%q ' env COMPUTELLM_LLAMA_LIB="$libdir" "${cl_cmd[@]}" >"$out/$B.cmd"

read -r -d '' PY <<'EOF' || true
import json, os, statistics, sys

mode, out = sys.argv[1], sys.argv[2]
pp, tg, reps, rounds = (int(x) for x in sys.argv[3:7])
B = os.environ["SWEEP_B"]  # computellm, or llama-bench-2 with --null
TOOLS = ("llama-bench", B)
# fields both tools print in llama-bench's JSON shape that must agree for a like-for-like comparison
SAME = ("n_threads", "n_batch", "n_ubatch", "n_gpu_layers", "flash_attn", "type_k", "type_v", "n_depth",
        "no_op_offload", "model_size", "model_n_params")

def load(tool, r):
    path = os.path.join(out, f"{tool}.{r}.json")
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"{tool} round {r}: {path} is not JSON ({e}); its stderr is in {tool}.{r}.log")
    if not isinstance(doc, list) or not all(isinstance(x, dict) for x in doc):
        raise SystemExit(f"{tool} round {r}: {path} is not a JSON array of objects (llama-bench's -o json shape)")
    rows = {}
    for name, want_p, want_n in (("pp", pp, 0), ("tg", 0, tg)):
        hit = [x for x in doc if x.get("n_prompt") == want_p and x.get("n_gen") == want_n and x.get("n_depth", 0) == 0]
        if len(hit) != 1:
            raise SystemExit(f"{tool} round {r}: {len(hit)} rows with n_prompt={want_p} n_gen={want_n} n_depth=0 "
                             f"in {path} (want 1)")
        row = hit[0]
        if row.get("status", "ok") != "ok":
            why = "; ".join(f"{k}: {v}" for k, v in row.items() if "reason" in k and v)
            raise SystemExit(f"{tool} round {r}: the {name} row's status is {row.get('status')!r} ({why or 'no reason'})")
        ts = row.get("avg_ts")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool) or not ts > 0:
            raise SystemExit(f"{tool} round {r}: {name} avg_ts is {ts!r} in {path}, not a positive number")
        rows[name] = row
    return rows

def label(name):
    return f"pp{pp}" if name == "pp" else f"tg{tg}"

def fmt(row):
    sd = row.get("stddev_ts")
    return f"{row['avg_ts']:10.2f} ± {sd:7.2f}" if isinstance(sd, (int, float)) else f"{row['avg_ts']:10.2f}        "

def check(r, data):
    """Notes on the JSON (samples count) and the settings the two tools disagree on, for round r."""
    notes, diffs = [], []
    for tool in TOOLS:
        for name, row in data[tool].items():
            n = len(row.get("samples_ts") or [])
            if n != reps:
                notes.append(f"{tool} {label(name)}: {n} samples_ts, -r asked {reps}")
    for name in ("pp", "tg"):
        a, b = data["llama-bench"][name], data[B][name]
        for k in SAME:
            if k in a and k in b and a[k] != b[k]:
                diffs.append(f"{label(name)} {k}: llama-bench {a[k]!r}, {B} {b[k]!r}")
            elif k in a and k not in b:
                notes.append(f"{B}'s {label(name)} row has no {k} (llama-bench: {a[k]!r})")
    return notes, diffs

if mode == "round":
    r = int(sys.argv[7])
    data = {t: load(t, r) for t in TOOLS}
    print(f"round {r}            {label('pp'):>8} t/s          {label('tg'):>8} t/s")
    for t in TOOLS:
        print(f"  {t:<14} {fmt(data[t]['pp'])}   {fmt(data[t]['tg'])}")
    notes, diffs = check(r, data)
    for x in notes:
        print(f"  note: {x}")
    for x in diffs:
        print(f"  SETTINGS DIFFER: {x}")
    sys.exit(4 if diffs else 0)

# summary: medians over the rounds, ratios, the verdict and the markdown block
meta = dict(x.split("=", 1) for x in sys.argv[7:])
data = {r: {t: load(t, r) for t in TOOLS} for r in range(1, rounds + 1)}
med, rng = {}, {}
for t in TOOLS:
    for name in ("pp", "tg"):
        v = [data[r][t][name]["avg_ts"] for r in data]
        med[t, name] = statistics.median(v)
        rng[t, name] = (min(v), max(v))
diffs = [d for r in data for d in check(r, data[r])[1]]
verdict = {}
print(f"\nmedians of {rounds} round(s), avg_ts in tokens/s (min–max over the rounds):")
print(f"  {'test':<8} {'llama-bench':>26} {B:>26}   {B}/llama-bench")
for name in ("pp", "tg"):
    ratio = med[B, name] / med["llama-bench", name]
    verdict[name] = 0.98 <= ratio <= 1.02
    cells = [f"{med[t, name]:.2f} ({rng[t, name][0]:.2f}–{rng[t, name][1]:.2f})" for t in TOOLS]
    print(f"  {label(name):<8} {cells[0]:>26} {cells[1]:>26}   {ratio:.4f} {'pass' if verdict[name] else 'FAIL'}"
          f" (0.98..1.02)")
libs = meta.get("libs", "")
if meta.get("libs_same") != "1":
    print(f"  LIBRARIES DIFFER: llama-bench mapped [{meta.get('libs_lb', '')}], {B} [{meta.get('libs_cl', '')}]")
for d in dict.fromkeys(diffs):
    print(f"  SETTINGS DIFFER: {d}")
lb = data[1]["llama-bench"]["pp"]
ok = all(verdict.values()) and not diffs and meta.get("libs_same") == "1"
gpu_name = lb.get("gpu_info") or meta.get("gpu", "")
gpu = f", GPU {gpu_name}" if gpu_name else ""
print("\n----- markdown for docs/performance.md -----")
print(f"| date | machine | variant, libraries | model | test | llama-bench t/s | {B} t/s | {B} / llama-bench |")
print("|---|---|---|---|---|---|---|---|")
for name in ("pp", "tg"):
    ratio = med[B, name] / med["llama-bench", name]
    print(f"| {meta['date']} | {meta['cpu']}{gpu} | {meta['variant']} ({lb.get('backends', '?')}): {libs} | {meta['model']} "
          f"({lb.get('model_type', '?')}, {lb.get('model_size', '?')} bytes) | {label(name)} | "
          f"{med['llama-bench', name]:.2f} ({rng['llama-bench', name][0]:.2f}–{rng['llama-bench', name][1]:.2f}) | "
          f"{med[B, name]:.2f} ({rng[B, name][0]:.2f}–{rng[B, name][1]:.2f}) | "
          f"{ratio:.3f} {'pass' if verdict[name] else 'FAIL'} |")
print()
print(f"Medians of {rounds} alternated rounds (llama-bench then {B} in odd rounds, {B} first in even ones, "
      f"each round `-p {pp} -n {tg} -r {reps}`); "
      f"t/s is each round's avg_ts, min–max in brackets; pass = 0.98..1.02. llama-bench {lb.get('build_commit', '?')} "
      f"(build {lb.get('build_number', '?')}) from `tools/llama_bench_build.sh`, linked against the same prebuilt "
      f"libraries; " + (meta.get("cllm_version", "computellm ?") if B == "computellm" else
                        "llama-bench-2 is the same llama-bench run again (--null)") + ". Commands (`tools/sweep_vs_llama_bench.sh "
      f"{meta['args']}`):")
print(f"- `{meta['lb_cmd']}`")
print(f"- `{meta['cl_cmd']}`")
print("----- end -----")
sys.exit(0 if ok else (4 if diffs or meta.get("libs_same") != "1" else 1))
EOF

fail_tool() {
  local name=$1 r=$2 rc=$3
  say "$name failed in round $r (exit $rc); the last lines of its stderr ($out/$name.$r.log):"
  tail -n 15 "$out/$name.$r.log" | sed 's/^/    /' >&2
  exit 3
}
settings_rc=0
for r in $(seq "$rounds"); do
  # A B, B A, A B, ...: whatever the second run of a pair gains (a warmer page cache, clocks already up) or loses
  # falls on each tool in turn
  order=(lb cl)
  [ $((r % 2)) -eq 1 ] || order=(cl lb)
  for t in "${order[@]}"; do
    case $t in
    lb) run_tool llama-bench "$r" "${lb_cmd[@]}" || fail_tool llama-bench "$r" $? ;;
    cl) run_tool "$B" "$r" env COMPUTELLM_LLAMA_LIB="$libdir" "${cl_cmd[@]}" || fail_tool "$B" "$r" $? ;;
    esac
  done
  rc=0
  python3 -c "$PY" round "$out" "$pp" "$tg" "$reps" "$rounds" "$r" || rc=$?
  case $rc in 0) ;; 4) settings_rc=4 ;; *) exit 3 ;; esac
done

# the library set each tool mapped most often while it had a libllama and a CPU backend loaded: its steady state
# (samples from before the backends are loaded, while ggml scores the CPU variants, or while it exits, are rarer)
steady() {
  { cat "$out"/"$1".*.maps 2>/dev/null | grep '/libllama[^ ]*\.so' | grep '/libggml-cpu' | sort | uniq -c | sort -rn |
      sed -n '1s/^ *[0-9]* //p'; } || true
}
libs_lb=$(steady llama-bench)
libs_cl=$(steady "$B")
libs_same=0
[ -n "$libs_lb" ] && [ "$libs_lb" = "$libs_cl" ] && libs_same=1
short=$(printf '%s\n' $libs_lb | sed "s|^$libdir/||" | paste -sd, | sed 's/,/, /g')
rel() { local p=$1; printf '%s' "${p#"$root"/}"; }
lb_show="$(rel "$lbench") --variant $variant ${common[*]}"
cl_show="COMPUTELLM_LLAMA_LIB=$(rel "$libdir") $(rel "$cllm") sweep ${common[*]}"
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
fam=$(lscpu 2>/dev/null | sed -n 's/^CPU family: *//p' | head -1)
mod=$(lscpu 2>/dev/null | sed -n 's/^Model: *//p' | head -1)
cpu="${cpu:-unknown CPU}${fam:+ (family $fam model $mod)}, $(nproc) CPUs"
ver="" nullflag=""
[ "$null" = 1 ] && cl_show=$lb_show nullflag=" --null" || ver=$("$cllm" --version 2>/dev/null | head -1 || true)
gpu=""
if [ "$variant" != cpu ] && command -v nvidia-smi >/dev/null 2>&1; then
  gpu=$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1 | sed 's/, / (driver /; s/$/)/') || gpu=""
fi
rc=0
python3 -c "$PY" summary "$out" "$pp" "$tg" "$reps" "$rounds" \
  "date=$(date -u +%Y-%m-%d)" "cpu=$cpu" "gpu=$gpu" "variant=$variant" "libs=$(rel "$libdir")/{$short}" \
  "libs_same=$libs_same" "libs_lb=$libs_lb" "libs_cl=$libs_cl" "model=$(basename "$model")" \
  "cllm_version=${ver:-?}" "lb_cmd=${lb_show//"$model"/$(basename "$model")}" \
  "cl_cmd=${cl_show//"$model"/$(basename "$model")}" \
  "args=$(basename "$model") --variant $variant --rounds $rounds -t $threads -ngl $ngl$nullflag" || rc=$?
[ $rc -ne 0 ] || [ $settings_rc -eq 0 ] || rc=$settings_rc
exit $rc
