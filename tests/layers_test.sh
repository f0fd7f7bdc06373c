#!/usr/bin/env bash
# tests/layers_test.sh REPO_ROOT: checks every #include of our code against layers.txt (its
# header says how). Prints each include that breaks a layer and exits 1; prints a count and exits
# 0 when every include is allowed.
#
# tests/layers_test.sh --self-test REPO_ROOT: copies the repository, makes core/ include the front
# end and ANTLR, and checks that this script then fails naming both (so the check can fail).
set -euo pipefail
if [[ ${1:-} == --self-test ]]; then
  root=${2:?usage: layers_test.sh --self-test REPO_ROOT}
  copy=$(mktemp -d)
  trap 'rm -rf "$copy"' EXIT
  (cd "$root" && git ls-files -z | xargs -0 tar cf - --) | tar xf - -C "$copy"
  printf '#include "frontend/sema/check.h"\n#include <antlr4-runtime.h>\n' >> "$copy/core/value.h"
  if out=$(bash "$0" "$copy"); then
    echo "self-test: a core header including the front end passed: $out"
    exit 1
  fi
  grep -q 'core/value.h: #include "frontend/sema/check.h": core may not include frontend/sema' <<< "$out" &&
    grep -q 'core/value.h: #include <antlr4-runtime.h>: only' <<< "$out" ||
    { echo "self-test: expected both breaks reported, got:"; echo "$out"; exit 1; }
  echo "self-test: both breaks reported"
  exit 0
fi
root=${1:?usage: layers_test.sh REPO_ROOT}
cd "$root"

declare -A allowed=()   # folder -> space-separated folders it may include
declare -A external=()  # antlr|llvm|z3|icu|generated -> folders that may include it
generated_names=()
folders=()
section=layers
while IFS= read -r line; do
  [[ $line == "# external"* ]] && section=external
  line=${line%%#*}
  read -r -a words <<< "$line"
  ((${#words[@]})) || continue
  if [[ $section == layers ]]; then
    folders+=("${words[0]}")
    allowed[${words[0]}]="${words[*]:1}"
  elif [[ ${words[0]} == generated ]]; then
    external[generated]=${words[1]}  # generated FOLDER NAME...: names only FOLDER may include
    generated_names=("${words[@]:2}")
  else
    external[${words[0]}]="${words[*]:1}"
  fi
done < layers.txt

# The listed folder a path belongs to (longest match), or "" when none.
owner() {
  local path=$1 best="" f
  for f in "${folders[@]}"; do
    if [[ $path == "$f"/* && ${#f} -gt ${#best} ]]; then best=$f; fi
  done
  printf '%s' "$best"
}

# Whether folder $2 is $1 itself, one of its subfolders, or listed as allowed for $1.
may_include() {
  local from=$1 to=$2 a
  [[ $to == "$from" || $to == "$from"/* ]] && return 0
  in_list "$to" "${allowed[$from]}"
}

in_list() {  # in_list FOLDER "LIST": FOLDER or a parent of it is in LIST
  local f=$1 a
  for a in $2; do
    [[ $f == "$a" || $f == "$a"/* ]] && return 0
  done
  return 1
}

failures=0
checked=0
while IFS= read -r file; do
  from=$(owner "$file")
  [[ -n $from ]] || continue
  while IFS= read -r inc; do
    checked=$((checked + 1))
    case $inc in
      \"*)
        header=${inc#\"}; header=${header%\"}
        if [[ -f $header ]]; then
          target=$header
        elif [[ -f api/include/$header ]]; then
          target=api/include/$header
        elif [[ -f frontend/grammar/include/$header ]]; then
          target=frontend/grammar/include/$header
        elif in_list "$from" "${external[generated]}" && [[ " ${generated_names[*]} " == *" $header "* ]]; then
          continue  # a table generated into the build tree at configure time
        elif in_list "$from" "${external[antlr]}"; then
          continue  # the generated parser or the ANTLR runtime
        else
          echo "$file: #include $inc: no such header in the repository"
          failures=$((failures + 1)); continue
        fi
        to=$(owner "$target")
        if [[ -z $to ]]; then
          echo "$file: #include $inc: $target is outside every layer of layers.txt"
          failures=$((failures + 1))
        elif ! may_include "$from" "$to"; then
          echo "$file: #include $inc: $from may not include $to (layers.txt)"
          failures=$((failures + 1))
        fi
        ;;
      \<antlr4*|\<licit_antlr*|\"licit_antlr*|\<LicitLexer*|\<LicitParser*)
        in_list "$from" "${external[antlr]}" ||
          { echo "$file: #include $inc: only ${external[antlr]} may see ANTLR"; failures=$((failures + 1)); }
        ;;
      \<llvm/*|\<llvm-c/*)
        in_list "$from" "${external[llvm]}" ||
          { echo "$file: #include $inc: only ${external[llvm]} may see LLVM"; failures=$((failures + 1)); }
        ;;
      \<z3*)
        in_list "$from" "${external[z3]}" ||
          { echo "$file: #include $inc: only ${external[z3]} may see z3"; failures=$((failures + 1)); }
        ;;
      \<unicode/*)
        in_list "$from" "${external[icu]}" ||
          { echo "$file: #include $inc: only ${external[icu]} may see ICU"; failures=$((failures + 1)); }
        ;;
    esac
  done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$file")
done < <(if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
           git ls-files '*.h' '*.hpp' '*.cpp' '*.c' '*.def' '*.inc'
         else
           find . \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.c' -o -name '*.def' \) \
             -not -path './build/*' | sed 's|^\./||'
         fi)

if ((checked < 200)); then
  echo "only $checked includes checked: wrong repository root?"
  exit 1
fi
if ((failures)); then
  echo "$failures include(s) break the layers of layers.txt"
  exit 1
fi
echo "$checked includes of ${#folders[@]} layered folders follow layers.txt"
