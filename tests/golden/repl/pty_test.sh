#!/usr/bin/env bash
# Drives `licit repl` through a real pseudo-terminal (tmux): tab completion of commands, names,
# fields and country codes, Ctrl-C clearing a line, Ctrl-D leaving cleanly, and history kept
# across two sessions in the file named by LICIT_HISTORY_FILE.
#
# Usage: pty_test.sh LICIT POLICY. Exits 77 (ctest SKIP_RETURN_CODE) when tmux is missing.
set -u
licit=$1
policy=$2
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: skipping"; exit 77; }

work=$(mktemp -d "${TMPDIR:-/tmp}/licit-pty-XXXXXX")
sessions=0
socket="$work/tmux0.sock"
history="$work/history"
tmux_() { tmux -S "$socket" "$@"; }
cleanup() {
  for s in "$work"/tmux*.sock; do tmux -S "$s" kill-server >/dev/null 2>&1; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $1"
  echo "--- screen"
  tmux_ capture-pane -p -t t 2>/dev/null
  exit 1
}

# Waits until the screen matches the extended regular expression $1.
wait_for() {
  for _ in $(seq 1 100); do
    if tmux_ capture-pane -p -t t 2>/dev/null | grep -Eq -- "$1"; then return 0; fi
    sleep 0.1
  done
  fail "the screen never showed /$1/"
}

# Each session gets its own tmux server (a new socket), so the previous one's shutdown cannot race
# the next start.
start() {
  tmux_ kill-server >/dev/null 2>&1
  sessions=$((sessions + 1))
  socket="$work/tmux$sessions.sock"
  tmux_ -f /dev/null new-session -d -s t -x 150 -y 50 \
    "env LICIT_HISTORY_FILE='$history' TERM=xterm NO_COLOR=1 '$licit' repl '$policy'; echo \"EXIT=\$?\"; sleep 60"
  wait_for '^licit> ?$'
}
keys() { tmux_ send-keys -t t "$@"; }

# --- Session 1: completion, Ctrl-C, Ctrl-D.
start
keys ':sh' Tab
wait_for '^licit> :show ?$'
keys 'rare-ea' Tab
wait_for '^licit> :show rare-earth ?$'
keys Enter
wait_for '^class rare-earth = item.hs under "2805.30"$'
keys 'item.desc' Tab
wait_for '^licit> item.description ?$'
keys Enter
wait_for '^unknown : string  \(item.description is missing\)$'
# Several candidates: listed under the line.
keys 'destination == J' Tab
wait_for '^JE +JM +JO +JP'
# Ctrl-C forgets the line; the session goes on.
keys C-c
wait_for 'destination == J\^C$'
keys '1 + 41' Enter
wait_for '^42 : int$'
# A multi-line rule, ended by an empty line.
keys 'rule no-cn:' Enter '  deny to CN' Enter Enter
wait_for '^defined rule no-cn$'
# A runaway paste (100 KB on one line) is refused with a message, and kept out of the history.
printf 'destination == JP or %.0s' $(seq 1 5000) > "$work/paste"
printf 'true' >> "$work/paste"
tmux_ load-buffer "$work/paste"
tmux_ paste-buffer -t t
keys Enter
wait_for "over the REPL's limit of 65536 bytes"
keys '2 + 2' Enter
wait_for '^4 : int$'
keys C-d
wait_for '^EXIT=0$'
grep -q 'rule\\040no-cn:' "$history" || fail "the history file lacks the multi-line rule"
if grep -q 'destination\\040==\\040JP\\040or' "$history"; then fail "the paste went into the history"; fi

# --- Session 2: the history of session 1 is there (Up recalls the last inputs).
start
keys Up
wait_for '^licit> 2 \+ 2$'
keys Up
wait_for '^licit> rule no-cn:'
keys Up
wait_for '^licit> 1 \+ 41$'
keys Enter
wait_for '^42 : int$'
keys ':quit' Enter
wait_for '^EXIT=0$'
echo "pty test passed"
