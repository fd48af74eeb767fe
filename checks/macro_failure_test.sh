#!/usr/bin/env bash
# A macro-made test of a buggy model, expecting no bug, must fail (exit 1),
# print the trace, and print the command that replays the failing schedule;
# replaying that schedule with the same binary must reproduce the failure.
set -u
bin="$1"
fail() { echo "FAIL: $*"; echo "--- output ---"; echo "$out"; exit 1; }

out=$("$bin" --model counter.racy --strategy dpor --expect pass \
      --replay-command 'bazel run //checks:counter_racy_as_if_correct -- replay' 2>&1)
status=$?
[ "$status" -eq 1 ] || fail "exit status $status, expected 1"
grep -q "FAIL data race on counter" <<<"$out" || fail "no FAIL line"
grep -q "step  thread operation" <<<"$out" || fail "no trace"
line=$(grep "^  bazel run //checks:counter_racy_as_if_correct -- replay '" <<<"$out") \
  || fail "no replay command"
schedule=$(sed -E "s/.*replay '([^']+)'.*/\1/" <<<"$line")

out=$("$bin" replay "$schedule" 2>&1)
status=$?
[ "$status" -eq 1 ] || fail "replay exit status $status, expected 1"
grep -q "FAIL data race on counter" <<<"$out" || fail "replay did not reproduce the failure"

out=$("$bin" --model no.such.model 2>&1)
[ $? -eq 2 ] || fail "unknown model should exit 2"
echo "ok: the failing check printed its trace and a replay command that reproduces it"
