#!/usr/bin/env bash
# Results are never lost (issue 10, section 3) and classic.memory_array_mb is checked against the RAM (section 4):
# two runs of one second get two files, a name that exists is never replaced, an unwritable results folder is
# refused before any phase, a full disk keeps the results in a fallback folder, a bad --models-file is a usage
# error, a run whose every model failed exits 1, a killed write's temp file is removed by the next run, and arrays
# larger than the available RAM are refused before they are allocated.
# Usage: test_results_safety.sh PATH/TO/computellm
set -u
BIN=$1
T=$(mktemp -d /tmp/cllm_safe.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"
# the fallback folder of a failed write: here, never the tester's own ~/.local/state
export XDG_STATE_HOME="$T/state"
quick=(run --skip-classic --skip-ai)
# no phase started: neither the start banner's hardware detection nor a classic or LLM progress line
no_phase() { ! grep -Eq '^hardware detection|^\[classic|^\[ai|^CPU ' "$1"; }
userns=0
if unshare -rm true 2>/dev/null; then userns=1; fi

# --- two runs started in the same second into one folder: two files, both whole, both paths printed ---
same=0
for attempt in 1 2 3; do
  rm -rf "$T/conc"
  # start both just after a second boundary, so that they share the id (YYYYMMDD_HHMMSS) and so the file name
  sleep "$(awk -v n="$(date +%N)" 'BEGIN { printf "%.3f", 1 - n / 1e9 }')"
  "$BIN" "${quick[@]}" --output "$T/conc" >"$T/c1.out" 2>"$T/c1.err" &
  p1=$!
  "$BIN" "${quick[@]}" --output "$T/conc" >"$T/c2.out" 2>"$T/c2.err" &
  p2=$!
  wait "$p1"; r1=$?
  wait "$p2"; r2=$?
  f1=$(cat "$T/c1.out"); f2=$(cat "$T/c2.out")
  if [ "$(basename "$f1" | sed 's/_2\.json$/.json/')" = "$(basename "$f2" | sed 's/_2\.json$/.json/')" ]; then
    same=1
    break
  fi
done
[ "$same" -eq 1 ] || echo "note: the two runs never started in the same second in 3 tries (busy machine);" \
  "the taken-name case below still checks the suffix" >&2
check "two concurrent runs: both exit 0" test "$r1" -eq 0 -a "$r2" -eq 0
check "two concurrent runs: two different paths printed" test -n "$f1" -a -n "$f2" -a "$f1" != "$f2"
check "two concurrent runs: two files in the folder" test "$(find "$T/conc" -name 'benchmark_*.json' | wc -l)" -eq 2
check "two concurrent runs: both files whole" jq -e -s 'length == 2 and all(.[]; .run.status == "complete")' "$f1" "$f2" >/dev/null
if [ "$same" -eq 1 ]; then
  check "two concurrent runs of one second: the second file has _2" bash -c "ls '$T/conc' | grep -Eq '_[0-9]{8}_[0-9]{6}_2\.json$'"
fi
check "two concurrent runs: no temp file left" test -z "$(find "$T/conc" -name '.*.tmp.*')"

# --- a name that exists is never replaced: files with the next seconds' names are there; the run adds _2 ---
stem=$(basename "$f1" | sed -E 's/_[0-9]{8}_[0-9]{6}(_2)?\.json$//')
mkdir -p "$T/taken"
now=$(date +%s)
for s in 0 1 2 3 4 5 6 7 8 9; do
  echo "{\"keep\": $s}" >"$T/taken/${stem}_$(date -d "@$((now + s))" +%Y%m%d_%H%M%S).json"
done
expect_rc "run where its file name is taken exits 0" 0 "$BIN" "${quick[@]}" --output "$T/taken"
new=$(cat "$T/out")
check "taken name: the new file got _2" bash -c "basename '$new' | grep -Eq '^${stem}_[0-9]{8}_[0-9]{6}_2\.json$'"
check "taken name: the new file is whole" jq -e '.run.status == "complete"' "$new" >/dev/null
check "taken name: all 10 existing files untouched" test "$(cat "$T"/taken/*[0-9][0-9].json | grep -c keep)" -eq 10

# --- an unwritable results folder: exit 2 with the reason, before any phase ---
touch "$T/plainfile"
expect_rc "output folder under a regular file exits 2" 2 timeout 60 "$BIN" run --skip-ai --output "$T/plainfile/results"
check "under a file: names the folder and the reason" grep -q "plainfile/results.*Not a directory" "$T/err"
check "under a file: before any phase" no_phase "$T/err"
check "under a file: nothing on stdout" test ! -s "$T/out"
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p "$T/locked"
  chmod 555 "$T/locked"
  expect_rc "output folder without write permission exits 2" 2 timeout 60 "$BIN" run --skip-ai --output "$T/locked"
  check "no permission: says so" grep -q "Permission denied" "$T/err"
  check "no permission: before any phase" no_phase "$T/err"
  chmod 755 "$T/locked"
fi
if [ "$userns" -eq 1 ]; then
  # a read-only mount stops root too: a tmpfs with the folder in it, remounted read-only in a private namespace
  mkdir -p "$T/ro"
  expect_rc "read-only output folder exits 2" 2 unshare -rm sh -c \
    'mount -t tmpfs tmpfs "$1" && mkdir "$1/results" && mount -o remount,ro "$1" && exec timeout 60 "$2" run --skip-ai --output "$1/results"' \
    sh "$T/ro" "$BIN"
  check "read-only: names the folder and the reason" grep -q "ro/results.*Read-only file system" "$T/err"
  check "read-only: before any phase" no_phase "$T/err"
  check "read-only: nothing on stdout" test ! -s "$T/out"
else
  echo "skip read-only mount case: user namespaces (unshare -rm) are not allowed here" >&2
fi

# --- a full disk at the end: the results are kept in $XDG_STATE_HOME/computellm, the path printed, exit 1 ---
if [ "$userns" -eq 1 ]; then
  mkdir -p "$T/full"
  # a 64 KiB tmpfs filled up: empty files (the start-up probe) still fit, the results file does not
  expect_rc "full disk: exits 1" 1 unshare -rm sh -c \
    'mount -t tmpfs -o size=64k tmpfs "$1" && mkdir "$1/results" && { dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; true; } && exec "$2" run --skip-classic --skip-ai --output "$1/results"' \
    sh "$T/full" "$BIN"
  fb=$(cat "$T/out")
  check "full disk: the printed path is in \$XDG_STATE_HOME/computellm" \
    bash -c "case '$fb' in '$T'/state/computellm/benchmark_*.json) exit 0;; esac; exit 1"
  check "full disk: the results are whole there" jq -e '.run.status == "complete" and (.hardware.cpu.model | type == "string")' "$fb" >/dev/null
  check "full disk: stderr says why" grep -q "No space left on device" "$T/err"
  check "full disk: stderr says where" grep -qF "results written to $fb" "$T/err"
  # every fallback full too (a full tmpfs over /tmp holding the output, the state folder and the temp folder):
  # exit 1 with the reason, no path printed. The binary is opened before the mount and run through its descriptor,
  # since a build tree under /tmp is hidden by it.
  expect_rc "full disk, no fallback either: exits 1" 1 env -u TMPDIR XDG_STATE_HOME=/tmp/state unshare -rm sh -c \
    'exec 3<"$1" && mount -t tmpfs -o size=64k tmpfs /tmp && mkdir /tmp/results /tmp/state && { dd if=/dev/zero of=/tmp/filler bs=4k 2>/dev/null; true; } && exec /proc/self/fd/3 run --skip-classic --skip-ai --output /tmp/results' \
    sh "$BIN"
  check "no fallback either: nothing on stdout" test ! -s "$T/out"
  check "no fallback either: says so" grep -q "no fallback folder could take them either" "$T/err"
else
  echo "skip full-disk case: user namespaces (unshare -rm) are not allowed here" >&2
fi

# --- --models-file missing, unreadable or invalid: exit 2 with the message, before any phase ---
expect_rc "missing --models-file exits 2" 2 "$BIN" run --skip-classic --models-file "$T/none.json" --output "$T/mf"
check "missing --models-file: names the file" grep -q -- "--models-file: .*none.json: No such file" "$T/err"
check "missing --models-file: before any phase" no_phase "$T/err"
mkdir -p "$T/adir.json"
expect_rc "unreadable --models-file (a folder) exits 2" 2 "$BIN" run --skip-classic --models-file "$T/adir.json" --output "$T/mf"
check "unreadable --models-file: names the file" grep -q "adir.json" "$T/err"
if [ "$(id -u)" -ne 0 ]; then
  echo '{"models": {}}' >"$T/noread.json"
  chmod 000 "$T/noread.json"
  expect_rc "--models-file without read permission exits 2" 2 "$BIN" run --skip-classic --models-file "$T/noread.json" --output "$T/mf"
  check "no read permission: says so" grep -q "Permission denied" "$T/err"
fi
printf '{"models": {%s}} {"more": 1}\n' "$(llm_entry tiny-test "Tiny test model" 0.02B 0.5 0.02)" >"$T/trailing.json"
expect_rc "--models-file with trailing content exits 2" 2 "$BIN" run --skip-classic --models-file "$T/trailing.json" --output "$T/mf"
check "trailing content: says so with the offset" grep -q "trailing.json: trailing content .* at byte" "$T/err"
check "trailing content: before any phase" no_phase "$T/err"
echo '{"models": {"bad-entry": {"name": 5}}}' >"$T/invalid.json"
expect_rc "--models-file with a bad entry exits 2" 2 "$BIN" run --skip-classic --models-file "$T/invalid.json" --output "$T/mf"
check "bad entry: names the key" grep -q "models.bad-entry" "$T/err"
expect_rc "bad --models-file with --skip-ai exits 2 too" 2 "$BIN" "${quick[@]}" --models-file "$T/invalid.json" --output "$T/mf"
check "no results file for a usage error" test -z "$(find "$T/mf" -name 'benchmark_*.json' 2>/dev/null)"

# --- exit 1 when no requested model ran; 0 when the user skipped the LLM phase ---
printf '{"models": {%s}}\n' "$(llm_entry huge-test "Needs more RAM than any machine" 9000B 100000 5000)" >"$T/huge.json"
echo '{"models": ["huge-test"]}' >"$T/huge_cfg.json"
expect_rc "every model skipped for lack of RAM exits 1" 1 "$BIN" run --skip-classic --models-file "$T/huge.json" \
  --config "$T/huge_cfg.json" --models-dir "$T/models" --no-download --output "$T/allfail"
hres=$(cat "$T/out")
check "no model ran: the results file is still written and printed" \
  jq -e '.run.status == "complete" and .ai_benchmarks.results["huge-test"].status == "skipped"' "$hres" >/dev/null
check "no model ran: stderr says why" grep -q "the LLM phase failed: no model ran: 1 model failed or skipped (huge-test: .*RAM" "$T/err"
echo '{"models": ["no-such-model"]}' >"$T/unknown_cfg.json"
expect_rc "an unknown model key exits 1" 1 "$BIN" run --skip-classic --config "$T/unknown_cfg.json" \
  --models-dir "$T/models" --no-download --output "$T/allfail"
check "unknown model: stderr names it" grep -q "no-such-model: unknown model key" "$T/err"
expect_rc "--skip-ai with the same models exits 0" 0 "$BIN" "${quick[@]}" --models-file "$T/huge.json" \
  --config "$T/huge_cfg.json" --output "$T/allfail"

# --- a temp file left by a write killed with SIGKILL is removed by the next run; a live writer's is kept ---
mkdir -p "$T/stale"
sh -c 'exit 0' &
gone=$!
wait "$gone"
dead=".${stem}_20260101_000000.json.tmp.$gone.AbCdEf"
live=".${stem}_20260101_000001.json.tmp.$$.AbCdEf"
echo '{"partial": ' >"$T/stale/$dead"
echo '{"partial": ' >"$T/stale/$live"
touch -d '5 minutes ago' "$T/stale/$dead" "$T/stale/$live"
expect_rc "run next to a killed write's temp file exits 0" 0 "$BIN" "${quick[@]}" --output "$T/stale"
check "stale temp file removed" test ! -e "$T/stale/$dead"
check "stale temp file reported" grep -qF "removed $T/stale/$dead" "$T/err"
check "a live writer's temp file kept" test -e "$T/stale/$live"

# --- classic.memory_array_mb 65536 (3 x 64 GiB): refused before allocating, with the size that fits ---
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null)
if [ -z "$avail_kb" ]; then
  echo "skip memory_array_mb case: no MemAvailable in /proc/meminfo" >&2
elif [ "$avail_kb" -gt $((200 * 1024 * 1024)) ]; then
  echo "skip memory_array_mb case: this machine has 192 GiB free, the largest setting fits" >&2
else
  echo '{"classic": {"cpu_matrix_sizes": [128], "gpu_matrix_sizes": [128], "gemm_iterations": 1,
         "memory_array_mb": 65536}, "monitor": {"interval_s": 0.1}}' >"$T/bigmem.json"
  # an address-space limit far below the arrays: had the phase tried to allocate or touch them it could not
  # (sanitizer builds reserve terabytes of shadow memory, so they run without it)
  lim=unlimited
  "$BIN" --version | grep -q "CLLM_SANITIZE=OFF" && lim=$((16 * 1024 * 1024))
  expect_rc "memory_array_mb 65536: the run exits 0" 0 bash -c 'ulimit -v "$1"; shift; exec "$@"' sh "$lim" \
    "$BIN" run --skip-ai --config "$T/bigmem.json" --output "$T/bigmem"
  check "memory_array_mb 65536: bandwidth phase skipped with the size to use" jq -e '
    .classic_benchmarks.benchmarks.memory_bandwidth
    | .status == "skipped" and (.reason | test("^3 arrays of 65536 MiB need 192.0 GiB but only [0-9.]+ GiB of RAM is available"))
    and (.reason | test("set classic.memory_array_mb to at most [0-9]+$")) and .array_bytes == 68719476736
    and (.ram_available_bytes > 0) and (has("results") | not)' "$(cat "$T/out")" >/dev/null
  check "memory_array_mb 65536: the other phases ran" jq -e '.classic_benchmarks.status == "ok"
    and .classic_benchmarks.benchmarks.cpu_single_thread.status != "failed"' "$(cat "$T/out")" >/dev/null
fi

summary
