#!/usr/bin/env bash
# Hostile record input for `licit run`: every input line (blank lines aside) must yield exactly one
# output line, bad ones as `error` decisions, with the right exit code, in bounded memory.
# Usage: records_test.sh LICIT WORKDIR CASE
set -u
licit=$1; work=$2/$3; case=$3
rm -rf "$work"; mkdir -p "$work"; cd "$work" || exit 1
cat > policy.licit <<'POLICY'
policy hostile.records
import std.trade
rule jp:
  review to JP
  when end_use == "military"
POLICY
good='{"id":"G","date":"2026-02-01","destination":"JP","end_use":"military","item":{"cn":"1C902"}}'

fail() { echo "FAIL [$case]: $*"; exit 1; }
# run INPUT EXPECTED_EXIT EXPECTED_LINES EXPECTED_ERRORS [extra args...]
run() {
  local input=$1 want_exit=$2 want_lines=$3 want_errors=$4; shift 4
  "$licit" run policy.licit --records "$input" --out out.jsonl --summary=none "$@" 2>err.txt
  local got=$?
  [ "$got" -eq "$want_exit" ] || { cat err.txt; fail "exit $got, expected $want_exit"; }
  local lines errors
  lines=$(wc -l < out.jsonl); errors=$(grep -c '"effect":"error"' out.jsonl)
  [ "$lines" -eq "$want_lines" ] || fail "$lines output lines, expected $want_lines"
  [ "$errors" -eq "$want_errors" ] || { cat out.jsonl; fail "$errors errors, expected $want_errors"; }
  ls -a | grep -q '\.tmp-' && fail "a temporary output file was left behind"
  return 0
}
expect_error() { grep -qF -- "$1" out.jsonl || { cat out.jsonl; fail "no error containing: $1"; }; }

case $case in
  malformed_json)
    printf '%s\n' "$good" '{"id":"a",,}' '{' '}' '[]' '"text"' 'nul' '{"id":"b" "date":1}' "$good" > in.jsonl
    run in.jsonl 4 9 7
    expect_error 'line 2: malformed JSON'; expect_error 'line 6: expected a JSON object, found a string' ;;
  truncated_lines)
    printf '%s\n' "$good" '{"id":"t1","date":"2026-02-01","destination":"J' '{"id":"t2","date":"2026-02-01","item":{"cn":' > in.jsonl
    printf '%s' '{"id":"t3","date":"2026-0' >> in.jsonl   # last line cut off, no newline
    run in.jsonl 4 4 3
    expect_error 'line 4: malformed JSON' ;;
  wrong_types)
    printf '%s\n' '{"id":1,"date":"2026-02-01","destination":"JP","item":{}}' \
      '{"id":"w2","date":20260201,"destination":"JP","item":{}}' \
      '{"id":"w3","date":"2026-02-01","destination":"JP","item":[]}' \
      '{"id":"w4","date":"2026-02-01","destination":"JP","quantity":"lots","item":{}}' \
      '{"id":"w5","date":"2026-02-01","destination":"JP","item":{"tags":"a"}}' \
      '{"id":"w6","date":"2026-02-01","destination":"JP","end_user":"x","item":{}}' > in.jsonl
    run in.jsonl 4 6 6
    expect_error 'field `date`: expected a date like \"2026-01-06\", found 20260201'
    expect_error 'field `item.tags`: expected an array, found a string' ;;
  missing_required)
    printf '%s\n' '{"date":"2026-02-01","destination":"JP","item":{}}' '{"id":"m2","destination":"JP","item":{}}' \
      '{"id":"m3","date":"2026-02-01","destination":"JP"}' '{"id":"m4","date":"2026-02-01","destination":null,"item":{}}' \
      '{"id":"m5","date":"2026-02-01","destination":"JP","end_user":{"kind":"military"},"item":{}}' > in.jsonl
    run in.jsonl 4 5 5
    expect_error 'field `id`: missing'; expect_error 'field `end_user.name`: missing' ;;
  unknown_country)
    printf '%s\n' '{"id":"c1","date":"2026-02-01","destination":"UK","item":{}}' '{"id":"c2","date":"2026-02-01","destination":"Japan","item":{}}' \
      '{"id":"c3","date":"2026-02-01","destination":"JP","origin":"ZZ","item":{}}' > in.jsonl
    run in.jsonl 4 3 3
    expect_error 'unknown country code `UK` (did you mean `GB`, United Kingdom?)'
    expect_error 'field `origin`: unknown country code `ZZ`' ;;
  bad_money)
    printf '%s\n' '{"id":"v1","date":"2026-02-01","destination":"JP","value":"12","item":{}}' \
      '{"id":"v2","date":"2026-02-01","destination":"JP","value":"12 usd","item":{}}' \
      '{"id":"v3","date":"2026-02-01","destination":"JP","value":"12 XYZ","item":{}}' \
      '{"id":"v4","date":"2026-02-01","destination":"JP","value":{"amount":"1,200","currency":"USD"},"item":{}}' \
      '{"id":"v5","date":"2026-02-01","destination":"JP","value":1.5e400,"item":{}}' \
      '{"id":"v6","date":"2026-02-01","destination":"JP","value":{"amount":"1200.00","currency":"USD"},"item":{}}' > in.jsonl
    run in.jsonl 4 6 5
    expect_error 'field `value`: expected money like \"1200.00 USD\", found \"12\"'
    expect_error 'unknown currency `XYZ`' ;;
  csv_missing_column)
    printf '%s\n' 'id,date,item.cn' 'a,2026-02-01,1C902' 'b,2026-02-01,' > in.csv
    run in.csv 4 2 2
    expect_error 'field `destination`: missing (the header has no `destination` column)' ;;
  csv_ragged_rows)
    printf '%s\n' 'id,date,destination,end_use,item.cn' 'a,2026-02-01,JP,military,' 'b,2026-02-01,JP,' 'c,2026-02-01,JP,civil,,extra' '"d,2026-02-01,JP,civil,' > in.csv
    run in.csv 4 4 3 ;;
  empty_file)
    : > in.jsonl
    run in.jsonl 0 0 0
    : > in.csv
    run in.csv 0 0 0
    printf '\n\n  \n' > blank.jsonl
    run blank.jsonl 0 0 0 ;;
  out_not_a_regular_file)
    # --out naming a FIFO (as /dev/null, a device): written in place, never renamed over. A
    # rename would leave a regular file where the FIFO was (as root, where /dev/null was).
    printf '%s\n' "$good" "$good" '{' > in.jsonl
    mkfifo decisions.fifo
    timeout 60 cat decisions.fifo > got.jsonl &
    reader=$!
    timeout 60 "$licit" run policy.licit --records in.jsonl --out decisions.fifo --summary=none 2>err.txt
    got=$?
    wait $reader
    [ "$got" -eq 4 ] || { cat err.txt; fail "exit $got, expected 4"; }
    [ -p decisions.fifo ] || fail "the FIFO was replaced by a regular file"
    [ "$(wc -l < got.jsonl)" -eq 3 ] || { cat got.jsonl; fail "the FIFO's reader got $(wc -l < got.jsonl) decisions, expected 3"; }
    ls -a | grep -q '\.tmp-' && fail "a temporary output file was left behind"
    true ;;
  long_line)
    { echo "$good"; printf '{"id":"big","x":"'; head -c 17000000 /dev/zero | tr '\0' a; echo '"}'; echo "$good"; } > in.jsonl
    run in.jsonl 4 3 1
    expect_error 'line 2: line too long' ;;
  binary_garbage)
    { echo "$good"; head -c 200000 /dev/urandom; echo; echo "$good"; } > in.jsonl
    want=$(LC_ALL=C grep -a -c -v $'^[ \t\r]*$' in.jsonl)
    "$licit" run policy.licit --records in.jsonl --out out.jsonl --summary=none 2>err.txt
    [ $? -eq 4 ] || fail "expected exit 4"
    [ "$(wc -l < out.jsonl)" -eq "$want" ] || fail "$(wc -l < out.jsonl) output lines for $want input lines" ;;
  large_stream)
    # More than 1 GiB of records (11 million lines of about 100 bytes) through stdin on 2
    # threads: one decision per record, in order, with flat memory. Neither side touches the
    # disk: the generator streams into licit, and the decisions stream into a checker that
    # counts them and checks each one's id against its position.
    n=11000000
    awk -v n=$n 'BEGIN { for (i = 1; i <= n; i++) printf "{\"id\":\"S%d\",\"date\":\"2026-02-01\",\"destination\":\"%s\",\"end_use\":\"%s\",\"item\":{\"cn\":\"1C902\"}}\n", i, (i % 3 ? "JP" : "DE"), (i % 2 ? "military" : "civil") }' |
      tee >(wc -c > in_bytes.txt) |
      /usr/bin/time -f '%M' -o rss.txt "$licit" run policy.licit --records - --threads 2 --summary=counts 2>err.txt |
      awk -F'"' '{ if ($4 != "S" NR) { print "line " NR " has id " $4; bad = 1; exit } } END { print NR > "out_lines.txt"; exit bad }'
    codes=("${PIPESTATUS[@]}")
    [ "${codes[2]}" -eq 0 ] || { cat err.txt; fail "licit exited ${codes[2]}"; }
    [ "${codes[3]}" -eq 0 ] || fail "output out of order"
    lines=$(cat out_lines.txt)
    [ "$lines" -eq $n ] || fail "$lines output lines for $n records"
    sleep 1  # let the tee's wc finish writing
    bytes=$(cat in_bytes.txt)
    [ "$bytes" -gt 1073741824 ] || fail "only $bytes input bytes (the case wants more than 1 GiB)"
    rss=$(tail -1 rss.txt)
    [ "$rss" -lt 200000 ] || fail "peak RSS ${rss} KB (limit 200 MB)"
    echo "large_stream: $n records, $bytes bytes, peak RSS ${rss} KB"; cat err.txt ;;
  *) fail "unknown case" ;;
esac
echo "PASS [$case]"
