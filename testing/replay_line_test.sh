#!/usr/bin/env bash
# A failing REQUIRE_THAT(result, Passes()) prints the replay command on one
# line, whole (Catch2 wraps its own output at 80 columns), and that line's
# schedule replays the failure.
set -u
demo="$1"
interleave="$2"
out=$("$demo" 2>&1)
status=$?
fail() { echo "FAIL: $*"; echo "--- output ---"; echo "$out"; exit 1; }
[[ $status -ne 0 ]] || fail "the demo test passed"
line=$(grep "^replay (one line): bazel run //testing:some_long_binary_name -- replay 'counter.racy:t3,i3:v1:[0-9a-z{}]*'$" <<<"$out") ||
  fail "no unwrapped replay line"
[[ ${#line} -gt 80 ]] || fail "the replay line is too short to test wrapping: $line"
schedule=$(sed -E "s/.*replay '([^']+)'$/\1/" <<<"$line")
"$interleave" replay "$schedule" >/dev/null 2>&1
[[ $? -eq 1 ]] || fail "replaying '$schedule' does not reproduce the failure"
echo "ok: $line"
