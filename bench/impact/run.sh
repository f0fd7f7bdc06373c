#!/usr/bin/env bash
# `licit diff --records` against one `licit run` on the same records (bench/README.md, "licit diff
# --records"): the issue's goal is the impact within 2.2x of one run. The new version of each
# reference policy moves the Japan ban's start date a year earlier, so some decisions change and
# the comparison does its full work on them. Best of RUNS (default 3) wall-clock runs each, one
# thread, output to /dev/null (the changed records to a file for `diff`).
#
#   bench/impact/run.sh [BUILD_DIR] [RECORDS]     (default build/bench, 1 M generated records)
set -euo pipefail
build=${1:-build/bench}
licit=$build/licit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
records=$(reference_records "$build" "$work" "${2:-}")

echo "| policy | records | licit run (ms) | licit diff --records (ms) | ratio | changed | goal | result |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
status=0
for name in small large; do
  old=$root/bench/policies/$name.licit
  new=$work/$name-new.licit
  sed 's/since 2026-01-06/since 2025-01-06/' "$old" > "$new"
  run_ms=$(best_ms "$licit" run "$old" --records "$records" --out /dev/null --summary=none)
  diff_ms=$(best_ms "$licit" diff "$old" "$new" --records "$records" --out "$work/changed.jsonl")
  changed=$(wc -l < "$work/changed.jsonl")
  ratio=$(awk -v a="$diff_ms" -v b="$run_ms" 'BEGIN { printf "%.2f", a / b }')
  result=$(awk -v r="$ratio" 'BEGIN { print (r <= 2.2) ? "met" : "**missed**" }')
  [[ $result == met ]] || status=1
  echo "| $name.licit | $(wc -l < "$records") | $run_ms | $diff_ms | ${ratio}x | $changed | 2.2x | $result |"
done
exit $status
