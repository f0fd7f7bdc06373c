#!/usr/bin/env bash
# The screening report on 1 M decisions (docs/report.md, bench/README.md): what --report adds to
# a run, `licit report` of the decisions file (with and without the records joined), the page's
# size, and how long headless Chromium takes to open it (navigation to the load event, through
# tests/browser/cdp.py). Best of RUNS (default 3) wall-clock runs each, one thread.
#
#   bench/report/run.sh [BUILD_DIR] [RECORDS]     (default build/bench, 1 M generated records)
set -euo pipefail
build=${1:-build/bench}
licit=$build/licit
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# shellcheck source=../lib.sh
source "$root/bench/lib.sh"
records=$(reference_records "$build" "$work" "${2:-}")

policy=$root/bench/policies/small.licit
n=$(grep -c . "$records")
run_ms=$(best_ms "$licit" run "$policy" --records "$records" --out "$work/d.jsonl" --summary=none)
run_report_ms=$(best_ms "$licit" run "$policy" --records "$records" --out "$work/d.jsonl" \
  --summary=none --report "$work/run.html")
report_ms=$(best_ms "$licit" report "$work/d.jsonl" -o "$work/report.html")
joined_ms=$(best_ms "$licit" report "$work/d.jsonl" --records "$records" -o "$work/joined.html")
json_ms=$(best_ms "$licit" report "$work/d.jsonl" --records "$records" -o "$work/joined.json")
size=$(stat -c %s "$work/joined.html")

# Opening the page: navigation to the load event, best of RUNS, in one browser.
open_ms=$(cd "$root/tests/browser" && /usr/bin/python3 - "$work/joined.html" "${RUNS:-3}" <<'PY'
import pathlib, sys, time
from cdp import Browser
url = pathlib.Path(sys.argv[1]).resolve().as_uri()
best = None
with Browser() as b:
    for _ in range(int(sys.argv[2])):
        b.open("about:blank")
        start = time.perf_counter()
        b.open(url)
        b.eval("document.querySelectorAll('tr').length")  # laid out and scripted
        ms = (time.perf_counter() - start) * 1000
        best = ms if best is None else min(best, ms)
print(round(best))
PY
)

echo "| what | decisions | ms |"
echo "|---|---:|---:|"
echo "| licit run (no report) | $n | $run_ms |"
echo "| licit run --report report.html | $n | $run_report_ms |"
echo "| licit report decisions.jsonl (HTML) | $n | $report_ms |"
echo "| licit report decisions.jsonl --records R (HTML) | $n | $joined_ms |"
echo "| licit report decisions.jsonl --records R (JSON) | $n | $json_ms |"
echo "| Chromium opens the page (load + query) | $n | $open_ms |"
echo
echo "page: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1024 }') KiB)"
