#!/usr/bin/env bash
# `licit run --report` and `licit report` of the same decisions give the same report: the same
# aggregates (JSON, byte for byte) and the same HTML but for how and when it was made. Over every
# example policy with its shipments, with one thread and with three, and with records joined or
# not (records on stdin cannot be joined by the run).
#   run_equals_report_test.sh LICIT SOURCE_DIR
set -euo pipefail
licit=$1
cd "$2"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# The part of the page that comes from the decisions: from the counts to the policies.
aggregates_of_page() { sed -n '/<section id="effects">/,/<section id="policies">/p' "$1"; }

check() {  # NAME POLICY RECORDS [RUN OPTIONS...]
  local name=$1 policy=$2 records=$3
  shift 3
  local d=$work/$name
  mkdir -p "$d"
  "$licit" run "$policy" --records "$records" --out "$d/decisions.jsonl" --summary none \
    --report "$d/run.json" "$@" || true
  "$licit" run "$policy" --records "$records" --out "$d/decisions2.jsonl" --summary none \
    --report "$d/run.html" "$@" || true
  "$licit" report "$d/decisions.jsonl" --records "$records" -o "$d/report.json" || true
  "$licit" report "$d/decisions.jsonl" --records "$records" -o "$d/report.html" || true
  if ! cmp -s "$d/run.json" "$d/report.json"; then
    echo "FAIL $name: the aggregates of run --report and report differ"
    diff "$d/run.json" "$d/report.json" | head -20
    status=1
  elif ! diff <(aggregates_of_page "$d/run.html") <(aggregates_of_page "$d/report.html") > /dev/null; then
    echo "FAIL $name: the pages of run --report and report differ"
    diff <(aggregates_of_page "$d/run.html") <(aggregates_of_page "$d/report.html") | head -20
    status=1
  elif ! grep -q '"decisions": [1-9]' "$d/run.json"; then
    echo "FAIL $name: no decisions in the report"
    status=1
  else
    echo "ok   $name"
  fi
}

check cn examples/cn-japan-2026.licit tests/golden/cli/fixtures/report/shipments.jsonl
check cn-threads examples/cn-japan-2026.licit examples/shipments.jsonl --threads 3 --engine interp
check china examples/china/cn-export-controls.licit examples/china/shipments.jsonl
check eu examples/eu/eu-dual-use.licit examples/eu/shipments.jsonl
check japan examples/japan/fefta.licit examples/japan/shipments.jsonl
check us-ear examples/us-ear/us-ear.licit examples/us-ear/shipments.jsonl

# Records on stdin: the run cannot read them again, so neither report joins records.
d=$work/stdin
mkdir -p "$d"
"$licit" run examples/cn-japan-2026.licit --records - --out "$d/decisions.jsonl" --summary none \
  --report "$d/run.json" < examples/shipments.jsonl || true
"$licit" report "$d/decisions.jsonl" --format json > "$d/report.json" || true
if cmp -s "$d/run.json" "$d/report.json"; then echo "ok   stdin"; else
  echo "FAIL stdin"
  diff "$d/run.json" "$d/report.json" | head -20
  status=1
fi
exit $status
