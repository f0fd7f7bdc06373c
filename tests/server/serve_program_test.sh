#!/usr/bin/env bash
# `licit serve` runs licit-serve, the service program beside licit, in its own place
# (tools/licit/cmd_serve.cpp): the same process (so its id and signals are the service's), the same
# help from both programs, and a clear error, not a crash, when licit-serve is missing.
#
#   serve_program_test.sh LICIT LICIT_SERVE SOURCE_DIR
set -euo pipefail
licit=$1
licit_serve=$2
src=$3
work=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill -9 "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
policy=$src/examples/cn-japan-2026.licit

# One help text, whichever program prints it.
"$licit" serve --help > "$work/help_licit"
"$licit" help serve > "$work/help_command"
"$licit_serve" --help > "$work/help_program"
cmp -s "$work/help_licit" "$work/help_program" || fail "licit serve --help and licit-serve --help differ"
cmp -s "$work/help_licit" "$work/help_command" || fail "licit serve --help and licit help serve differ"
grep -q '^Usage: licit serve' "$work/help_licit" || fail "the help is not serve's"

# The service runs in the process `licit serve` started: the banner comes from it, its executable
# is licit-serve, and SIGTERM to that process id stops it cleanly.
LICIT_JIT_CACHE=off "$licit" serve "$policy" --addr 127.0.0.1:0 2> "$work/stderr" &
server_pid=$!
for _ in $(seq 1 200); do
  grep -q 'serving' "$work/stderr" && break
  sleep 0.05
done
grep -q '^licit: serving 1 policy on http://127.0.0.1:' "$work/stderr" ||
  fail "no banner: $(cat "$work/stderr")"
exe=$(readlink "/proc/$server_pid/exe")
[[ $(basename "$exe") == licit-serve ]] || fail "process $server_pid runs $exe, not licit-serve"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
[[ $status == 0 ]] || fail "SIGTERM: exit $status, not 0: $(cat "$work/stderr")"
grep -q '^licit: stopped$' "$work/stderr" || fail "no 'licit: stopped': $(cat "$work/stderr")"

# Usage errors are licit-serve's, worded as `licit serve`'s.
status=0
"$licit" serve 2> "$work/usage" || status=$?
[[ $status == 2 ]] || fail "no files: exit $status, not 2"
grep -q 'Run `licit serve --help` for usage.' "$work/usage" || fail "usage hint: $(cat "$work/usage")"

# A licit without licit-serve beside it: the help still works; serving says what is missing.
mkdir "$work/alone"
cp "$licit" "$work/alone/licit"
"$work/alone/licit" serve --help > /dev/null || fail "help without licit-serve failed"
status=0
"$work/alone/licit" serve "$policy" 2> "$work/missing" || status=$?
[[ $status == 70 ]] || fail "licit-serve missing: exit $status, not 70"
grep -q "cannot run the service program \`$work/alone/licit-serve\`: No such file or directory" \
  "$work/missing" || fail "licit-serve missing: $(cat "$work/missing")"
echo "PASS"
