#!/usr/bin/env bash
# Test bench/reference_records_sha256: the C++ port of gen-records.mjs (gen_records) must write
# the reference JSON Lines file byte for byte; its sha256 is in /work/shared/bench/README.md.
#   bench/check_reference_records.sh GEN_RECORDS
set -eu
expected=79bc4bf315a8d62a60a2f89a46b5533806e7f949b4de377af01f7ae1a8c027e0
f=$(mktemp --suffix=.jsonl)
trap 'rm -f "$f"' EXIT
"$1" --out "$f"
actual=$(sha256sum "$f" | cut -d' ' -f1)
echo "records: $(wc -c < "$f") bytes, sha256 $actual"
if [[ $actual != "$expected" ]]; then
  echo "FAIL: expected sha256 $expected"
  exit 1
fi
echo PASS
