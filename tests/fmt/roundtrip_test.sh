#!/usr/bin/env bash
# `licit fmt` on every policy file of the repository and a generated 1,000-rule policy
# (docs/cli.md, "licit fmt"): for each file that parses,
#   - idempotent: formatting the output again changes nothing;
#   - meaning-preserving: `licit dump --emit=ast` and, where the file compiles, `--emit=ir` are
#     identical before and after, but for source positions (line:column);
#   - comments kept: the same comments, in the same order;
#   - -w rewrites a copy to exactly what stdout showed; --check then passes it.
# A file with syntax errors must come back untouched on stdout, with exit 1.
#
#   roundtrip_test.sh LICIT GEN_POLICY REPO_ROOT
set -uo pipefail

licit=$1 gen_policy=$2 root=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$gen_policy" --rules 1000 --out "$work/generated-1000.licit" >/dev/null || exit 1

cd "$root" || exit 1
mapfile -t files < <(git ls-files '*.licit' 2>/dev/null || find . -name '*.licit' -not -path './build/*')
files+=("$work/generated-1000.licit")

# Positions differ after formatting; everything else must not.
strip_positions() { sed -E 's/@[0-9]+:[0-9]+//g; s/(\.licit):[0-9]+:[0-9]+/\1/g; s/\.fmt-copy\.licit/.licit/g'; }
comments_of() { grep -o '#.*' "$1" | sed -E 's/[[:space:]]+$//' ; }

failures=0 checked=0 untouched=0
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

for f in "${files[@]}"; do
  out=$work/out.licit
  "$licit" fmt "$f" >"$out" 2>"$work/err"
  status=$?
  if [ "$status" -eq 1 ]; then
    cmp -s "$f" "$out" || fail "$f" "a file with syntax errors was not printed as it is"
    untouched=$((untouched + 1))
    continue
  fi
  [ "$status" -eq 0 ] || { fail "$f" "exit $status: $(head -c 300 "$work/err")"; continue; }
  checked=$((checked + 1))

  # The copy sits beside the original, so relative imports resolve the same way.
  copy="${f%.licit}.fmt-copy.licit"
  cp "$out" "$copy"
  "$licit" fmt "$copy" >"$work/again.licit" 2>/dev/null
  cmp -s "$out" "$work/again.licit" || fail "$f" "not idempotent: $(diff "$out" "$work/again.licit" | head -5)"

  for stage in ast ir; do
    "$licit" dump --emit=$stage "$f" 2>/dev/null | strip_positions >"$work/before.$stage"
    "$licit" dump --emit=$stage "$copy" 2>/dev/null | strip_positions >"$work/after.$stage"
    cmp -s "$work/before.$stage" "$work/after.$stage" ||
      fail "$f" "--emit=$stage differs: $(diff "$work/before.$stage" "$work/after.$stage" | head -6)"
  done

  # (Lines with a string are skipped: a `#` inside one is not a comment. The formatter checks
  # the comments exactly itself, from the lexer's tokens; this checks it from outside.)
  diff <(comments_of "$f" | grep -v '"') <(comments_of "$out" | grep -v '"') >/dev/null ||
    fail "$f" "comments differ"

  cp "$f" "$work/w.licit"
  "$licit" fmt -w "$work/w.licit" 2>/dev/null || fail "$f" "fmt -w failed"
  cmp -s "$work/w.licit" "$out" || fail "$f" "fmt -w wrote something else than fmt printed"
  "$licit" fmt --check "$work/w.licit" >/dev/null 2>&1 || fail "$f" "--check fails on fmt's output"
  rm -f "$copy"
done

# stdin and directories: `fmt -` reads stdin; a DIR means every *.licit below it.
"$licit" fmt - <examples/japan/fefta.licit >"$work/stdin.out" 2>/dev/null &&
  "$licit" fmt examples/japan/fefta.licit | cmp -s - "$work/stdin.out" || fail "fmt -" "stdin differs from the file"
mkdir -p "$work/dir/sub"
cp examples/japan/fefta.licit "$work/dir/a.licit"
printf 'policy   p\n' >"$work/dir/sub/b.licit"
printf 'not a policy' >"$work/dir/sub/c.txt"
listed=$("$licit" fmt --check "$work/dir" 2>/dev/null)
[ "$listed" = "$work/dir/sub/b.licit" ] || fail "fmt --check DIR" "listed: $listed"

echo "formatted $checked files (idempotent, same AST and IR, comments kept); $untouched with syntax errors left untouched; $failures failures"
[ "$failures" -eq 0 ] && [ "$checked" -gt 100 ]
