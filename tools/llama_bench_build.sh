#!/usr/bin/env bash
# Builds llama-bench from the llama.cpp release node-llama-cpp ships as a git bundle (deps/llama-server.lock), the
# release the pinned prebuilt libraries in .deps/llama/<variant>/ (deps/llama.lock) were built from, and links it
# against THOSE prebuilt libraries, so that llama-bench and computellm's in-process engine run the same code.
# Usage: tools/llama_bench_build.sh [--variant cpu|vulkan|cuda]... [--force]
#   --variant V   link for this variant (repeatable); default: every variant installed in .deps/llama/
#   --force       rebuild even when the stamp says the pins have not changed
# Output (CLLM_DEPS=DIR puts it under DIR instead of .deps/):
#   .deps/llama-bench/bin/llama-bench-<variant>  llama-bench, RUNPATH $ORIGIN/../../llama/<variant>
#   .deps/llama-bench/bin/llama-bench            wrapper: `llama-bench [--variant V] ARGS...` runs the binary with
#                                                LD_LIBRARY_PATH and the current folder set to .deps/llama/<variant>/
#                                                (where ggml_backend_load_all() finds that variant's backends)
# Needs git, a C++17 compiler (CXX, default c++), tar, npm or curl; the libraries from scripts/setup
# (`--llama-variant vulkan|cuda` for a GPU variant). Rebuilds only when a pin, a library or the flags change.
#
# Why not a CMake build of llama.cpp with BUILD_SHARED_LIBS=ON: upstream names its libraries libllama.so.0,
# libggml.so.0, libggml-base.so.0, libllama-common.so.0 (SOVERSION), so a llama-bench linked against them needs files
# the prebuilt set does not have; node-llama-cpp builds with CMAKE_PLATFORM_NO_VERSIONED_SONAME and renames the
# targets with a variant suffix (libllama.v0.5.0.so, libllama.vulkan.v0.5.0.so, libggml.cuda.v0.5.0.so, ...;
# libggml-base.so and libllama-common.so unsuffixed). Building the whole library only to throw it away would still
# risk loading our own copies. Instead llama-bench's two sources (tools/llama-bench/{llama-bench,main}.cpp, which use
# only llama.h, ggml.h and common/*.h: no build-dependent #ifdef changes a struct) are compiled against the bundle's
# headers and linked directly against the variant's prebuilt libllama, libggml, libggml-base and libllama-common
# (node-llama-cpp builds common as a shared library): the linker checks every symbol against those files and the
# NEEDED entries are their sonames. A GPU variant's sonames differ, hence one binary per variant.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
deps=${CLLM_DEPS:-$root/.deps}
say() { printf 'llama_bench_build: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

variants=()
force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --variant) shift; variants+=("${1:-}") ;;
    --variant=*) variants+=("${1#*=}") ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
for v in "${variants[@]}"; do
  case "$v" in cpu|vulkan|cuda) ;; *) die "--variant must be cpu, vulkan or cuda (got '$v')" ;; esac
done
if [ ${#variants[@]} -eq 0 ]; then
  for v in cpu vulkan cuda; do
    compgen -G "$deps/llama/$v/libllama*.v0.5.0.so" >/dev/null && variants+=("$v")
  done
  [ ${#variants[@]} -gt 0 ] || die "no prebuilt llama.cpp libraries in $deps/llama/: run scripts/setup first"
fi

# ---- the pins: the source package and each variant's packages must be the same node-llama-cpp release ----
read -r src_pkg src_ver src_integ src_url < <(grep -v '^#' "$root/deps/llama-server.lock" | grep .) ||
  die "deps/llama-server.lock has no package line"
lib_pin() { awk -v v="$1" '$1 == v {print $2 "@" $3 " " $4}' "$root/deps/llama.lock"; }
for v in "${variants[@]}"; do
  pin=$(lib_pin "$v")
  [ -n "$pin" ] || die "deps/llama.lock has no $v package"
  while read -r pv _; do
    [ "${pv##*@}" = "$src_ver" ] || die "deps/llama.lock pins $pv for $v but deps/llama-server.lock pins" \
      "$src_pkg@$src_ver: the source is not the release of those libraries"
  done <<<"$pin"
done

# The link set of a variant: libllama.<suffix>.so, libggml.<suffix>.so, libggml-base.so, libllama-common.so.
link_libs() {
  local dir="$deps/llama/$1" llama ggml
  llama=$(cd "$dir" 2>/dev/null && ls libllama.*v0.5.0.so 2>/dev/null | head -1) || true
  ggml=$(cd "$dir" 2>/dev/null && ls libggml.*v0.5.0.so 2>/dev/null | head -1) || true
  [ -n "$llama" ] && [ -n "$ggml" ] && [ -f "$dir/libggml-base.so" ] && [ -f "$dir/libllama-common.so" ] || return 1
  printf '%s\n' "$llama" "$ggml" libggml-base.so libllama-common.so
}
for v in "${variants[@]}"; do
  link_libs "$v" >/dev/null || die "$deps/llama/$v/ lacks libllama*.v0.5.0.so, libggml*.v0.5.0.so," \
    "libggml-base.so or libllama-common.so: run scripts/setup --llama-variant $v"
done

CXX=${CXX:-c++}
# generic x86-64 code (no -march=native): the binary is carried to other machines; its own code only times and
# prints, the work runs in the prebuilt libraries
CXXFLAGS_LB=${CXXFLAGS:--O3 -DNDEBUG}
obj_stamp="$src_pkg@$src_ver $src_integ | $CXX $("$CXX" -dumpfullversion 2>/dev/null || echo ?) $CXXFLAGS_LB"
out="$deps/llama-bench"
obj="$out/obj"
bin="$out/bin"

variant_stamp() {
  local v=$1 sums
  sums=$(cd "$deps/llama/$v" && sha256sum $(link_libs "$v") | awk '{print substr($1, 1, 16) " " $2}' | tr '\n' ' ')
  printf '%s | %s | %s\n' "$obj_stamp" "$(lib_pin "$v" | tr '\n' ' ')" "$sums"
}

todo=()
for v in "${variants[@]}"; do
  if [ "$force" = 0 ] && [ -x "$bin/llama-bench-$v" ] && [ -x "$bin/llama-bench" ] &&
     [ "$(cat "$bin/.llama-bench-$v.stamp" 2>/dev/null)" = "$(variant_stamp "$v")" ]; then
    say "have    llama-bench-$v ($src_pkg@$src_ver's llama.cpp, linked against $deps/llama/$v/)"
  else
    todo+=("$v")
  fi
done
[ ${#todo[@]} -gt 0 ] || exit 0

# ---- same as scripts/setup: sha512 in npm's integrity form, fetch with npm pack or curl, check the integrity ----
integrity_of() {
  if command -v openssl >/dev/null 2>&1; then
    printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
  else
    python3 -c 'import base64, hashlib, sys
d = hashlib.sha512(open(sys.argv[1], "rb").read()).digest()
print("sha512-" + base64.b64encode(d).decode(), end="")' "$1"
  fi
}
fetch_package() {
  local pkg=$1 ver=$2 integ=$3 url=$4 dest=$5 file got
  file="$dest/$(basename "$url")"
  if [ ! -s "$file" ]; then
    if command -v npm >/dev/null 2>&1; then
      say "npm pack $pkg@$ver"
      (cd "$dest" && npm pack --silent "$pkg@$ver" >/dev/null) || return 1
      local packed="$dest/$(printf '%s' "${pkg#@}" | tr '/' '-')-$ver.tgz"
      [ -s "$packed" ] && [ "$packed" != "$file" ] && mv -f "$packed" "$file"
    elif command -v curl >/dev/null 2>&1; then
      say "curl $url"
      curl -fsSL --retry 2 -o "$file.part" "$url" && mv -f "$file.part" "$file" || return 1
    else
      say "neither npm nor curl is installed: cannot fetch $pkg@$ver"
      return 1
    fi
  fi
  got=$(integrity_of "$file")
  if [ "$got" != "$integ" ]; then
    say "integrity mismatch for $pkg@$ver: got $got, the lock file says $integ"
    rm -f "$file"
    return 1
  fi
  printf '%s\n' "$file"
}

# ---- compile the sources once (they do not depend on the variant) ----
if [ "$force" = 1 ] || [ "$(cat "$obj/.stamp" 2>/dev/null)" != "$obj_stamp" ] ||
   [ ! -s "$obj/llama-bench.o" ] || [ ! -s "$obj/main.o" ] || [ ! -s "$obj/probe.o" ]; then
  for tool in git tar "$CXX"; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install git g++)"
  done
  mkdir -p "$deps/npm"
  tgz=$(fetch_package "$src_pkg" "$src_ver" "$src_integ" "$src_url" "$deps/npm") || die "could not fetch $src_pkg@$src_ver"
  tmp="$out/src.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  tar -xzf "$tgz" -C "$tmp" package/llama/gitRelease.bundle || die "$tgz has no package/llama/gitRelease.bundle"
  git clone -q "$tmp/package/llama/gitRelease.bundle" "$tmp/llama.cpp" 2>"$tmp/clone.log" ||
    die "git clone of the bundle failed (log: $tmp/clone.log)"
  s="$tmp/llama.cpp"
  [ -f "$s/tools/llama-bench/llama-bench.cpp" ] && [ -f "$s/tools/llama-bench/main.cpp" ] ||
    die "the bundle has no tools/llama-bench/{llama-bench,main}.cpp: this llama.cpp release is laid out differently"
  # the versions the headers belong to, from the bundle's CMake files (LLAMA_BUILD_IS_DEV defaults to ON: "-dev")
  cm_ver() { sed -n "s/^set($2_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\))/\2/p" "$1" | paste -sd.; }
  want_llama="$(cm_ver "$s/CMakeLists.txt" LLAMA)-dev"
  want_ggml=$(cm_ver "$s/ggml/CMakeLists.txt" GGML)
  cat > "$tmp/probe.cpp" <<'EOF'
// Prints the versions the prebuilt libraries report; fails when they are not the ones of the headers compiled in.
#include "ggml.h"
#include "llama.h"
#include <cstdio>
#include <cstring>
int main(int argc, char **argv) {
    const char *lv = llama_version(), *gv = ggml_version(), *gc = ggml_commit();
    std::printf("llama %s, ggml %s (commit %s)\n", lv, gv, gc ? gc : "?");
    if (argc == 3 && (std::strcmp(lv, argv[1]) != 0 || std::strcmp(gv, argv[2]) != 0)) {
        std::fprintf(stderr, "the libraries are llama %s / ggml %s, the headers llama %s / ggml %s\n", lv, gv,
                     argv[1], argv[2]);
        return 1;
    }
    return 0;
}
EOF
  say "compiling llama-bench from $src_pkg@$src_ver's llama.cpp ($CXX $CXXFLAGS_LB)"
  rm -rf "$obj.tmp" && mkdir -p "$obj.tmp"
  inc=(-I "$s/include" -I "$s/ggml/include" -I "$s/common")
  for f in tools/llama-bench/llama-bench.cpp tools/llama-bench/main.cpp probe.cpp; do
    src="$s/$f"; [ "$f" = probe.cpp ] && src="$tmp/probe.cpp"
    # shellcheck disable=SC2086
    "$CXX" -std=c++17 $CXXFLAGS_LB -pthread "${inc[@]}" -c "$src" -o "$obj.tmp/$(basename "${f%.cpp}").o" \
      2>>"$obj.tmp/compile.log" || die "compiling $f failed (log: $obj.tmp/compile.log)"
  done
  printf '%s %s\n' "$want_llama" "$want_ggml" > "$obj.tmp/versions"
  printf '%s\n' "$obj_stamp" > "$obj.tmp/.stamp"
  rm -rf "$obj" && mv "$obj.tmp" "$obj"
  rm -rf "$tmp"
fi
read -r want_llama want_ggml < "$obj/versions"

# ---- the wrapper: the variant's libraries first on the path, its folder as the current one ----
mkdir -p "$bin"
cat > "$bin/llama-bench.tmp" <<'EOF'
#!/usr/bin/env bash
# llama-bench linked against the prebuilt llama.cpp libraries of ../../llama/<variant>/ (tools/llama_bench_build.sh).
# Usage: llama-bench [--variant cpu|vulkan|cuda] LLAMA-BENCH-ARGS...   (default: $CLLM_LLAMA_VARIANT, else cpu)
# LD_LIBRARY_PATH starts with the variant's folder, and the binary runs in that folder: llama-bench calls
# ggml_backend_load_all(), which scores the libggml-<backend>-*.so files of the executable's folder (here none) and of
# the current folder, the same files, scored by the same prebuilt libggml, as computellm's
# ggml_backend_load_all_from_path(<variant folder>). Model paths (-m, comma lists too) are made absolute first.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
variant=${CLLM_LLAMA_VARIANT:-cpu}
if [ "${1:-}" = --variant ]; then variant=${2:-}; shift 2 || shift; fi
case "$variant" in cpu|vulkan|cuda) ;; *) echo "llama-bench: --variant must be cpu, vulkan or cuda" >&2; exit 2 ;; esac
lib=$(cd "$here/../../llama/$variant" 2>/dev/null && pwd) ||
  { echo "llama-bench: no $here/../../llama/$variant/ (scripts/setup --llama-variant $variant)" >&2; exit 2; }
exe="$here/llama-bench-$variant"
[ -x "$exe" ] || { echo "llama-bench: no $exe (tools/llama_bench_build.sh --variant $variant)" >&2; exit 2; }
abs() {
  local out="" p
  IFS=, read -ra parts <<<"$1"
  for p in "${parts[@]}"; do
    case "$p" in /*) ;; *) p="$PWD/$p" ;; esac
    out="${out:+$out,}$p"
  done
  printf '%s' "$out"
}
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    -m|--model) args+=("$1" "$(abs "${2:-}")"); shift 2 || shift ;;
    *) args+=("$1"); shift ;;
  esac
done
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$lib"
exec "$exe" ${args[@]+"${args[@]}"}
EOF
chmod +x "$bin/llama-bench.tmp" && mv -f "$bin/llama-bench.tmp" "$bin/llama-bench"

# ---- link one binary per variant against that variant's prebuilt libraries ----
for v in "${todo[@]}"; do
  dir="$deps/llama/$v"
  mapfile -t libs < <(link_libs "$v")
  lflags=()
  for l in "${libs[@]}"; do lflags+=("-l:$l"); done
  # the probe first: the headers must be those of the release the libraries report
  "$CXX" -o "$obj/probe-$v" "$obj/probe.o" -L"$dir" "${lflags[@]}" -pthread 2>"$obj/link-$v.log" ||
    die "linking against $dir failed (log: $obj/link-$v.log)"
  got=$(LD_LIBRARY_PATH="$dir" "$obj/probe-$v" "$want_llama" "$want_ggml" 2>&1) ||
    die "$v: $got — the prebuilt libraries are not the release of the source; reinstall with scripts/setup"
  rm -f "$obj/probe-$v"
  "$CXX" -o "$bin/llama-bench-$v.tmp" "$obj/main.o" "$obj/llama-bench.o" -L"$dir" "${lflags[@]}" -pthread \
    -Wl,--enable-new-dtags -Wl,-rpath,"\$ORIGIN/../../llama/$v" 2>"$obj/link-$v.log" ||
    die "linking llama-bench against $dir failed (log: $obj/link-$v.log)"
  mv -f "$bin/llama-bench-$v.tmp" "$bin/llama-bench-$v"
  variant_stamp "$v" > "$bin/.llama-bench-$v.stamp"
  say "installed $bin/llama-bench-$v: NEEDED $(readelf -d "$bin/llama-bench-$v" 2>/dev/null |
    sed -n 's/.*(NEEDED).*\[\(lib\(llama\|ggml\)[^]]*\)\]/\1/p' | paste -sd' ') from $dir ($got)"
done
say "run it as $bin/llama-bench [--variant V] -m MODEL.gguf ..."
