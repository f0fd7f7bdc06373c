#!/usr/bin/env bash
# `make lint`: every C and C++ file the repository tracks must be formatted as .clang-format
# says (clang-format-19, Debian's package). Prints the files that are not and exits 1; fix them
# with `clang-format-19 -i FILE`. (clang-tidy is not run here: over the LLVM and ANTLR headers it
# takes far longer than the rest of CI on two cores; run it by hand with the dev build's
# compile_commands.json, e.g. `clang-tidy -p build/dev api/src/licit.cpp`.)
set -euo pipefail
cd "$(dirname "$0")/.."
format=${CLANG_FORMAT:-clang-format-19}
command -v "$format" > /dev/null || { echo "lint: $format not found (scripts/install-deps.sh installs it)"; exit 1; }
mapfile -t files < <(git ls-files '*.c' '*.cpp' '*.h' '*.hpp')
# One run over every file; each place it would change is a warning naming the file.
mapfile -t bad < <("$format" --dry-run "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: .*/\1/p' | sort -u)
if ((${#bad[@]})); then
  printf 'lint: not formatted (clang-format-19 -i FILE):\n'
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "lint: ${#files[@]} files formatted as .clang-format says"
