#!/usr/bin/env bash
# Predicted (computellm advise --json) against measured decode (computellm sweep -p 0 -n 128) for a list of models,
# synthesized where missing (registry keys: `sweep` makes the synthetic stand-in with the real shape and
# quantization). Prints, per model: where advise places it, predicted and measured tokens/s, measured / predicted,
# and whether that is within +-25 %; then which inputs of the prediction were measured and which assumed.
# Usage: tools/advise_vs_measured.sh [-m "KEY ..."] [-q QUANT] [-ngl N] [-r N] [-t THREADS] [--results FILE]
#            [--calibrate KEY] [--models-file FILE] [--models-dir DIR] [--out DIR]
#   -m          registry keys (default "tinyllama-1.1b mistral-7b"); a key of --models-file works too
#   -q          quantization (default Q4_K_M)
#   -ngl        layers on the GPU for the measurement (default 0: CPU; 99 on a GPU machine with a CUDA libllama
#               named by COMPUTELLM_LLAMA_LIB). With 0 the prediction compared is advise's cpu_only_decode_tps,
#               else its predicted_decode_tps where advise places the model
#   -r          sweep repetitions (default 3); -t threads (default: sweep's, the physical cores)
#   --results   a results file whose classic phases (and AI runs) give the measured inputs; default: a fresh
#               `computellm run --skip-ai` (memory bandwidth, CPU GEMM, GPU GEMM + D2D where there is a GPU)
#   --calibrate KEY  also run the LLM phase on KEY in that fresh run, so the decode efficiency is measured (from
#               that model) instead of assumed; predictions for KEY itself are then not independent (said so)
#   --out       where results, sweep JSON and logs go (default: a new /tmp folder, kept)
# Exit: 0 every model within +-25 %; 1 one is outside; 2 bad usage; 3 a tool failed.
# Environment: COMPUTELLM (default build/computellm), COMPUTELLM_LLAMA_LIB (the libllama to measure with).
# Needs bash, jq, coreutils. Run it on an otherwise idle machine: the numbers are timings.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${COMPUTELLM:-$root/build/computellm}
say() { printf 'advise_vs_measured: %s\n' "$*" >&2; }
usage_err() { say "$*"; say "see --help"; exit 2; }
num() { [[ "${2:-}" =~ ^[0-9]+$ ]] || usage_err "$1 needs a whole number (got '${2:-}')"; }

models="tinyllama-1.1b mistral-7b" quant=Q4_K_M ngl=0 reps=3 threads="" results="" calibrate="" mfile="" mdir=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -m) models=${2:-}; shift ;;
    -q) quant=${2:-}; shift ;;
    -ngl) num "$1" "${2:-}"; ngl=$2; shift ;;
    -r) num "$1" "${2:-}"; reps=$2; shift ;;
    -t) num "$1" "${2:-}"; threads=$2; shift ;;
    --results) results=${2:-}; shift ;;
    --calibrate) calibrate=${2:-}; shift ;;
    --models-file) mfile=${2:-}; shift ;;
    --models-dir) mdir=${2:-}; shift ;;
    --out) out=${2:-}; shift ;;
    *) usage_err "unknown argument $1" ;;
  esac
  shift
done
[ -x "$bin" ] || usage_err "no computellm at $bin (build it, or set COMPUTELLM)"
command -v jq >/dev/null || usage_err "jq is needed"
[ -n "$models" ] || usage_err "-m needs at least one model key"
[ -z "$results" ] || [ -f "$results" ] || usage_err "no results file $results"
[ -z "$results" ] || [ -z "$calibrate" ] || usage_err "--calibrate runs a fresh measurement: not with --results"
# a child still running when this script is stopped (timeout, Ctrl-C) is stopped with it
child=""
trap '[ -z "$child" ] || kill "$child" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
# runs "$@" in the background as the current child, stdout to $OUT_TO, stderr to $ERR_TO; returns its status
run_child() { "$@" >"$OUT_TO" 2>"$ERR_TO" & child=$!; local rc=0; wait "$child" || rc=$?; child=""; return $rc; }
[ -n "$out" ] || out=$(mktemp -d /tmp/advise_vs_measured.XXXXXX)
mkdir -p "$out"
common=()
[ -z "$mfile" ] || common+=(--models-file "$mfile")
[ -z "$mdir" ] || common+=(--models-dir "$mdir")

if [ -z "$results" ]; then
  if [ -n "$calibrate" ]; then
    say "measuring the classic phases and the LLM phase on $calibrate ($out/run.log)"
    run=(run --models "$calibrate" --quant "$quant" --no-download --output "$out/results" "${common[@]}")
    [ "$ngl" -gt 0 ] || run+=(--cpu)
  else
    say "measuring the classic phases: memory bandwidth, GEMM ($out/run.log)"
    run=(run --skip-ai --output "$out/results" "${common[@]}")
  fi
  OUT_TO=$out/run.out ERR_TO=$out/run.log run_child "$bin" "${run[@]}" ||
    { say "computellm run failed: see $out/run.log"; exit 3; }
  results=$(tail -n 1 "$out/run.out")
  [ -f "$results" ] || { say "computellm run printed no results file: see $out/run.log"; exit 3; }
fi
say "inputs from $results"

"$bin" advise --json --results "$results" --gen 128 "${common[@]}" >"$out/advise.json" 2>"$out/advise.log" ||
  { say "computellm advise failed: see $out/advise.log"; exit 3; }

fail=0
printf '%-16s %-7s %-9s %7s %10s %10s %9s  %s\n' model quant where layers predicted measured "meas/pred" verdict
for key in $models; do
  sw=(sweep -m "$key" --quant "$quant" -p 0 -n 128 -r "$reps" -ngl "$ngl" -o json --no-download "${common[@]}")
  [ -z "$threads" ] || sw+=(-t "$threads")
  [ "$ngl" -gt 0 ] || sw+=(-nopo 1)
  if ! OUT_TO=$out/sweep_$key.json ERR_TO=$out/sweep_$key.log run_child "$bin" "${sw[@]}"; then
    say "sweep of $key failed: see $out/sweep_$key.log"
    exit 3
  fi
  measured=$(jq -r '[.[] | select(.n_gen > 0)][0].avg_ts // empty' "$out/sweep_$key.json")
  row=$(jq -c --arg k "$key" --arg q "$quant" \
    '[.models[] | select(.key == $k and (.quant | ascii_upcase) == ($q | ascii_upcase))][0] // empty' "$out/advise.json")
  [ -n "$measured" ] && [ -n "$row" ] || { say "no measurement or no advise row for $key $quant"; exit 3; }
  if [ "$ngl" -eq 0 ]; then
    where=cpu layers="0/$(jq -r .n_layer <<<"$row")" pred=$(jq -r .cpu_only_decode_tps <<<"$row")
  else
    where=$(jq -r .where <<<"$row") layers="$(jq -r '"\(.n_gpu_layers)/\(.n_layer)"' <<<"$row")"
    pred=$(jq -r '.predicted_decode_tps // "null"' <<<"$row")
  fi
  [ "$pred" != null ] || { printf '%-16s %-7s %-9s %7s %10s %10.2f %9s  %s\n' "$key" "$quant" "$where" "$layers" \
    - "$measured" - "no prediction (does not fit)"; fail=1; continue; }
  ratio=$(awk -v m="$measured" -v p="$pred" 'BEGIN { printf "%.3f", m / p }')
  verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.75 && r <= 1.25) ? "within +-25 %" : "OUTSIDE +-25 %" }')
  [ "$key" != "$calibrate" ] || verdict="$verdict (efficiency calibrated on this model: not independent)"
  case "$verdict" in OUTSIDE*) fail=1 ;; esac
  printf '%-16s %-7s %-9s %7s %10.2f %10.2f %9s  %s\n' "$key" "$quant" "$where" "$layers" "$pred" "$measured" \
    "$ratio" "$verdict"
done
echo
echo "inputs:"
jq -r '.inputs | to_entries[] | "  \(.key) = \(.value.value) (\(.value.source))"' "$out/advise.json"
echo "files: $out"
exit $fail
