#!/usr/bin/env bash
# The README's "Source layout" section matches the tree (issue 11, section 2): every folder under src/ has its
# `src/NAME/` entry, every top-level folder (tracked or not ignored; hidden ones aside) has an entry under its name,
# and every entry names a path that exists; and every command `computellm --help` lists has its row in the README's
# Commands table with an example. Each check is first run on a small case with one mistake of each kind.
# Usage: test_readme_layout.sh [PATH/TO/computellm]   (CLLM_SRC: the source tree)
set -u
SRC=$(cd "${CLLM_SRC:?CLLM_SRC not set (the source tree)}" && pwd)
T=$(mktemp -d /tmp/cllm_layout.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/lib.sh"

# The first word of each line of the section's code block that starts in column 1: "src/core/", "tools/", ...
layout_entries() {  # $1: README
  awk '/^## Source layout/ {in_sec = 1; next}
       in_sec && /^## / {exit}
       in_sec && /^```/ {in_code = !in_code; next}
       in_sec && in_code && /^[^ ]/ {print $1}' "$1"
}
# The folders of the tree, as git sees it (tracked, or untracked and not ignored), else every non-hidden one
# but the usual build outputs.
top_folders() {  # $1: root
  if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$1" ls-files --cached --others --exclude-standard | awk -F/ 'NF > 1 && $1 !~ /^[.]/ {print $1}' | sort -u |
      while read -r d; do [ -d "$1/$d" ] && echo "$d"; done
  else
    find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*' ! -name 'build*' ! -name results ! -name models \
      -printf '%f\n' | sort
  fi
}
# Prints one line per mismatch; the count of lines is the verdict.
layout_problems() {  # $1: root, $2: README
  local root=$1 readme=$2 entries e d
  entries=$(layout_entries "$readme")
  if [ -z "$entries" ]; then echo "$readme: no '## Source layout' section with a code block"; return; fi
  for d in "$root"/src/*/; do
    d=$(basename "$d")
    grep -qxF "src/$d/" <<<"$entries" || echo "src/$d/ is in the tree but not in the README's source layout"
  done
  for d in $(top_folders "$root"); do
    grep -qE "^$d(/|\$)" <<<"$entries" || echo "$d/ is in the tree but not in the README's source layout"
  done
  while read -r e; do
    [ -e "$root/$e" ] || echo "$e is in the README's source layout but not in the tree"
  done <<<"$entries"
}

# --- a small tree: src/new/ and extra/ unlisted, src/gone/ and old/ listed but absent; build-x/ ignored ---
F=$T/fake
mkdir -p "$F"/src/core "$F"/src/new "$F"/docs "$F"/extra "$F"/build-x "$F"/.hidden
for f in src/core/a.c src/new/b.c docs/x.md extra/y build-x/z .hidden/w; do echo x >"$F/$f"; done
printf '/build-*/\n' >"$F/.gitignore"
cat >"$F/README.md" <<'EOF'
# X
## Source layout
```
src/core/       the core
src/gone/       removed
                (a continuation line: not an entry)
docs/           documents
old/            a folder that moved
```
## After
```
extra/          outside the section: does not count
```
EOF
for how in git plain; do
  if [ "$how" = git ]; then
    command -v git >/dev/null 2>&1 || { echo "skip the git variant: no git" >&2; continue; }
    git -C "$F" init -q
  else
    rm -rf "$F/.git"
  fi
  layout_problems "$F" "$F/README.md" >"$T/fake.$how"
  check "$how: an unlisted src/ folder is found" grep -qxF "src/new/ is in the tree but not in the README's source layout" "$T/fake.$how"
  check "$how: an unlisted top-level folder is found" grep -qxF "extra/ is in the tree but not in the README's source layout" "$T/fake.$how"
  check "$how: a listed src/ folder that is gone is found" grep -qxF "src/gone/ is in the README's source layout but not in the tree" "$T/fake.$how"
  check "$how: a listed top-level folder that is gone is found" grep -qxF "old/ is in the README's source layout but not in the tree" "$T/fake.$how"
  check "$how: nothing else (build-x/, .hidden/, listed folders, continuation lines)" test "$(wc -l <"$T/fake.$how")" -eq 4
  sed 's/^/    found (expected): /' "$T/fake.$how" >&2
done
printf '# X\nno layout\n' >"$T/empty.md"
check "a README without the section is refused" bash -c "$(declare -f layout_entries layout_problems top_folders); layout_problems '$F' '$T/empty.md' | grep -q 'no .## Source layout. section'"

# --- every command of `computellm --help` has its row in the README's Commands table, with an example ---
help_commands() { awk '/^commands:/ {on = 1; next} on && /^$/ {exit} on && $1 != "help" {print $1}' "$1"; }
commands_missing() {  # $1: the help text, $2: README; prints each command without a row or an example
  local c
  for c in $(help_commands "$1"); do
    awk -F'|' -v c="$c" 'index($2, "`computellm " c "`") && index($4, "computellm " c) {found = 1}
                        END {exit !found}' "$2" || echo "$c"
  done
}
printf 'commands:\n  detect  x\n  run     y\n  help    z\n\nmore\n' >"$T/help.txt"
printf '| command | what | example |\n|---|---|---|\n| `computellm detect` | x | `computellm detect --json` |\n| `computellm run` | y | |\n' \
  >"$T/cmds.md"
check "a command without an example is found (and help is not asked for)" test "$(commands_missing "$T/help.txt" "$T/cmds.md")" = run
if [ $# -ge 1 ] && [ -x "$1" ]; then
  "$1" --help >"$T/help.real" 2>&1
  check "computellm --help lists commands" test "$(help_commands "$T/help.real" | wc -l)" -ge 8
  commands_missing "$T/help.real" "$SRC/README.md" >"$T/missing"
  check "every command of computellm --help has a README row with an example" test ! -s "$T/missing"
  sed 's/^/    missing: /' "$T/missing" >&2
fi

# --- the real tree ---
layout_problems "$SRC" "$SRC/README.md" >"$T/real"
check "README.md's source layout matches the tree" test ! -s "$T/real"
sed 's/^/    /' "$T/real" >&2
check "... and lists all $(ls -d "$SRC"/src/*/ | wc -l) folders of src/" test "$(layout_entries "$SRC/README.md" | grep -c '^src/')" -eq "$(ls -d "$SRC"/src/*/ | wc -l)"
summary
