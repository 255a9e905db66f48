#!/usr/bin/env bash
# Runs every libFuzzer target of BUILD (built by `make fuzz`) for SECONDS each, under ASan + UBSan, on a copy of its
# seed corpus kept in BUILD/fuzz-corpus/NAME (tests/fuzz/corpus/ is only read). Exits 1 when any target finds
# something: the input is kept in BUILD/fuzz-artifacts/NAME/ and the command to reproduce it is printed.
# usage: tests/fuzz/run.sh BUILD SECONDS [NAME...]   (NAME: json config registry result sse gguf hf_headers sweep_args monitor
#        gpu_select rpc hub_tokens hub_submit hub_compare cudabin serve_args workload_dataset prom)
set -uo pipefail

if [ $# -lt 2 ]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
build=$1
secs=$2
shift 2
case "$secs" in
  ''|*[!0-9]*) printf 'fuzz: SECONDS must be a whole number (got %s)\n' "$secs" >&2; exit 2 ;;
esac
src=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$src/../.." && pwd)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(json config registry result sse gguf hf_headers sweep_args serve_args monitor gpu_select rpc hub_tokens
           hub_submit hub_compare cudabin workload_dataset prom)
fi

# Leaks inside third-party driver libraries only (tests/sanitizers/lsan.supp says which and why).
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for s in llvm-symbolizer-14 llvm-symbolizer; do
    if command -v "$s" >/dev/null 2>&1; then
      export ASAN_SYMBOLIZER_PATH
      ASAN_SYMBOLIZER_PATH=$(command -v "$s")
      break
    fi
  done
fi

failed=()
printf 'fuzz: %d target(s), %s s each\n' "${#targets[@]}" "$secs" >&2
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/fuzz_$t"
  seeds="$src/corpus/$t"
  work="$build/fuzz-corpus/$t"
  art="$build/fuzz-artifacts/$t"
  log="$build/fuzz-logs/$t.log"
  if [ ! -x "$bin" ]; then
    printf 'fuzz: %s: %s not built (run make fuzz)\n' "$t" "$bin" >&2
    failed+=("$t")
    continue
  fi
  if [ ! -d "$seeds" ]; then
    printf 'fuzz: %s: no seed corpus in %s\n' "$t" "$seeds" >&2
    failed+=("$t")
    continue
  fi
  mkdir -p "$work" "$art" "$(dirname "$log")"
  cp -n "$seeds"/* "$work"/ 2>/dev/null || true
  rm -f "$art"/*
  dict=()
  case "$t" in
    json|config|registry|result|workload_dataset) dict=(-dict="$src/json.dict") ;;
  esac
  start=$(date +%s)
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$art/" "${dict[@]}" "$work" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    printf 'fuzz: %-10s ok     %3d s, %s runs, corpus %d inputs\n' "$t" "$took" "${execs:-?}" \
      "$(find "$work" -type f | wc -l)" >&2
  else
    printf 'fuzz: %-10s FAILED (exit %d) after %d s; log %s\n' "$t" "$rc" "$took" "$log" >&2
    grep -E 'ERROR: |runtime error|check failed|SUMMARY|Test unit written' "$log" | head -20 >&2
    for a in "$art"/*; do
      [ -f "$a" ] && printf 'fuzz:   reproduce: %s %s\n' "$bin" "$a" >&2
    done
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz: findings or errors in: %s\n' "${failed[*]}" >&2
  exit 1
fi
printf 'fuzz: no findings\n' >&2
