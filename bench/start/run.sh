#!/usr/bin/env bash
# Start-up with generated policies (bench/README.md, "Start fast"): how long until the first
# decision, against `licit check` of the same file (issue 20's goal: at most 1.2x), and how long
# until the JIT decides (`--engine jit`, which compiles it first; goal: under 3 s for 10,000
# rules). Each figure is the best of RUNS (default 3) wall-clock runs of the whole process on one
# record, release build. The default engine is tiered: the interpreter decides at once while the
# JIT compiles in the background, and the process exits without waiting for it.
#
#   bench/start/run.sh [BUILD_DIR]     (default build/bench)
set -euo pipefail
# Every run compiles: the command line's code cache (on by default) would otherwise hand the second
# and third runs the first one's machine code.
export LICIT_JIT_CACHE=off
build=${1:-build/bench}
licit=$build/licit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
head -n 1 "$root/examples/shipments.jsonl" > "$work/one.jsonl"

# shellcheck source=../lib.sh
source "$root/bench/lib.sh"

echo "| rules | \`licit check\` ms | first decision ms (\`licit run\`, tiered) | ratio | goal | JIT ready ms (\`--engine jit\`) | goal |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
status=0
for rules in 1000 10000; do
  "$build/bench/gen_policy" --rules "$rules" --out "$work/p$rules.licit" > /dev/null
  check=$(best_ms "$licit" check "$work/p$rules.licit")
  tiered=$(best_ms "$licit" run "$work/p$rules.licit" --records "$work/one.jsonl")
  jit=$(best_ms "$licit" run --engine jit "$work/p$rules.licit" --records "$work/one.jsonl")
  ratio=$(awk -v a="$tiered" -v b="$check" 'BEGIN { printf "%.2f", a / (b > 0 ? b : 1) }')
  ok_ratio=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2) ? "met" : "MISSED" }')
  ok_jit=met
  [[ $rules -eq 10000 && $jit -ge 3000 ]] && ok_jit=MISSED
  [[ $ok_ratio == met ]] || status=1
  echo "| $rules | $check | $tiered | $ratio | <= 1.2: $ok_ratio | $jit | $([[ $rules -eq 10000 ]] && echo "< 3000: $ok_jit" || echo "") |"
done
exit $status
