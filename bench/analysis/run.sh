#!/usr/bin/env bash
# `licit analyze` and `licit diff` without records (bench/README.md, "licit analyze and licit
# diff"): the issue's goal is under 10 s for each on the 1,004-rule reference policy and on every
# example. analyze runs on each policy; diff compares each policy with a new version whose Japan
# ban starts a year earlier (or, where a policy has no such rule, with itself: every pair of
# effects then has to be proved unchanged, the solver's hardest case). Best of RUNS (default 3)
# wall-clock runs, release build.
#
#   bench/analysis/run.sh [BUILD_DIR]     (default build/bench)
set -euo pipefail
build=${1:-build/bench}
licit=$build/licit
runs=${RUNS:-3}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

best() {  # best wall time in ms of RUNS runs; the command's exit status may be 0, 1 or 2
  local best=
  for ((i = 0; i < runs; i++)); do
    local start=$(date +%s%N)
    "$@" > "$work/out" 2>&1 || true
    local ms=$((($(date +%s%N) - start) / 1000000))
    [[ -z $best || $ms -lt $best ]] && best=$ms
  done
  echo "$best"
}

policies=(bench/policies/small.licit bench/policies/large.licit examples/cn-japan-2026.licit
          examples/china/cn-export-controls.licit examples/us-ear/us-ear.licit
          examples/eu/eu-dual-use.licit examples/japan/fefta.licit)

echo "| policy | rules | licit analyze (ms) | findings | licit diff (ms) | changes found | goal | result |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
status=0
cd "$root"
for p in "${policies[@]}"; do
  rules=$(grep -cE '^(rule |[a-z0-9_-]+ to )' "$p" || true)
  analyze_ms=$(best "$licit" analyze --color=never "$p")
  findings=$(grep -c '^warning\[W01' "$work/out" || true)
  new=$work/new.licit
  sed 's/since 2026-01-06/since 2025-01-06/' "$p" > "$new"
  diff_ms=$(best "$licit" diff "$p" "$new")
  changes=$(grep -c ' -> ' "$work/out" || true)
  slowest=$((analyze_ms > diff_ms ? analyze_ms : diff_ms))
  result=$( ((slowest < 10000)) && echo met || echo "**missed**")
  [[ $result == met ]] || status=1
  echo "| $p | $rules | $analyze_ms | $findings | $diff_ms | $changes | 10 s | $result |"
done
exit $status
