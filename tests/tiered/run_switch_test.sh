#!/usr/bin/env bash
# Tiered start through `licit run` (docs/cli.md, "Engines"): with the default engine the
# interpreter decides while the JIT compiles in the background and the JIT from when it is ready.
# The decisions must be byte-identical to the interpreter's and the JIT's whatever the moment of
# the switch. The JIT is held back (LICIT_TEST_JIT_DELAY_MS) and the records arrive through a
# pipe in two parts with a pause between them, so the switch lands in the middle of the run.
#
#   run_switch_test.sh LICIT SOURCE_DIR
set -euo pipefail
licit=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
policy=$src/examples/cn-japan-2026.licit

# About 3 MiB of records (the reader takes 1 MiB blocks): the example shipments, bad lines
# included, over and over.
for _ in $(seq 1 150); do cat "$src/examples/shipments.jsonl"; done > "$work/records.jsonl"
lines=$(wc -l < "$work/records.jsonl")
half=$((lines / 2))
head -n "$half" "$work/records.jsonl" > "$work/first.jsonl"
tail -n +"$((half + 1))" "$work/records.jsonl" > "$work/second.jsonl"

"$licit" run --engine interp "$policy" --records "$work/records.jsonl" --summary none \
  > "$work/interp.jsonl" || test $? -eq 4
"$licit" run --engine jit "$policy" --records "$work/records.jsonl" --summary none \
  > "$work/jit.jsonl" || test $? -eq 4
cmp "$work/interp.jsonl" "$work/jit.jsonl"

fail() { echo "FAIL: $*" >&2; exit 1; }
for threads in 1 2; do
  status=0
  { cat "$work/first.jsonl"; sleep 2; cat "$work/second.jsonl"; } |
    LICIT_TEST_JIT_DELAY_MS=500 "$licit" run "$policy" --records - --threads "$threads" \
      > "$work/tiered.jsonl" 2> "$work/summary" || status=$?
  [[ $status -eq 4 ]] || fail "exit status $status, expected 4 (the bad sample lines)"
  cmp "$work/interp.jsonl" "$work/tiered.jsonl" || fail "--threads $threads: decisions differ"
  # The summary says how many the interpreter decided: some, not all.
  interpreted=$(sed -n 's/.*the interpreter decided \([0-9,]*\) of them while the JIT compiled.*/\1/p' \
    "$work/summary" | tr -d ,)
  [[ -n $interpreted && $interpreted -gt 0 && $interpreted -lt $lines ]] ||
    fail "--threads $threads: no switch in the middle of the run: $(cat "$work/summary")"
  echo "--threads $threads: the interpreter decided $interpreted of $lines, then the JIT"
done

# Held back longer than the run: the interpreter decides everything, and the process does not
# wait for the compile to end before exiting.
start=$(date +%s)
LICIT_TEST_JIT_DELAY_MS=60000 "$licit" run "$policy" --records "$src/examples/shipments.jsonl" \
  > "$work/early.jsonl" 2> "$work/summary" || test $? -eq 4
(( $(date +%s) - start < 30 )) || fail "licit run waited for the background compile"
grep -q "the interpreter decided every record: the JIT was still compiling" "$work/summary" ||
  fail "summary: $(cat "$work/summary")"
cmp <(head -n "$(wc -l < "$work/early.jsonl")" "$work/interp.jsonl") "$work/early.jsonl"
echo "PASS"
