#!/usr/bin/env bash
# A user's binary made by interleave_binary (rules/interleave.bzl) over their
# own models (tickets.h) has the whole command line: list, check, replay
# (with --json), native, relacy and compare work on its models, its reports
# name it as the binary that replays a schedule, and the replay it prints
# reproduces the failure. Interleave's built-in models are not in it.
#
# Usage: user_cli_test.sh PATH_TO_TICKETS_CLI [COMMAND]
# COMMAND: what the binary's reports print before "replay '...'" (default:
# the Bazel one; the CMake build's binary names its own path).
set -uo pipefail

BIN="$1"
CMD="${2:-bazel run //tests/user_cli:tickets_cli --}"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
run() {
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
  last_cmd="tickets_cli $*"
}
expect_rc() {
  checks=$((checks + 1))
  [[ "$rc" -eq "$1" ]] || fail "$last_cmd: exit status $rc, expected $1 (stdout: $out; stderr: $err)"
}
expect_out() {
  checks=$((checks + 1))
  grep -qF -- "$1" "$TMP/out" || fail "$last_cmd: stdout lacks '$1'; stdout was:"$'\n'"$out"
}

run list
expect_rc 0
expect_out "tickets.racy"
expect_out "tickets.fetch_add"
checks=$((checks + 1))
grep -q "^counter\." "$TMP/out" && fail "the user's binary lists the built-in models: $out"

# check: the bug, with a replay line naming this binary, on one line.
run check tickets.racy --strategy dfs
expect_rc 1
expect_out "FAIL tickets lost: 1 handed out, 2 taken"
expect_out "replay: $CMD replay 'tickets.racy:t2,i1:v1:0110'"
check_fail=$(grep '^FAIL' <<<"$out")

# replay: the same failure, and its JSON.
run replay 'tickets.racy:t2,i1:v1:0110' --json "$TMP/replay.json"
expect_rc 1
checks=$((checks + 1))
[[ "$(grep '^FAIL' <<<"$out")" == "$check_fail" ]] || fail "replay gives another failure: $out"
for field in '"format": "interleave.replay"' '"verdict": "bug"' \
    "\"replay\": \"$CMD replay 'tickets.racy:t2,i1:v1:0110'\""; do
  checks=$((checks + 1))
  grep -qF -- "$field" "$TMP/replay.json" || fail "replay.json lacks $field: $(cat "$TMP/replay.json")"
done
run replay 'tickets.fetch_add:t2,i1:v1:01' --json "$TMP/pass.json"
expect_rc 0
checks=$((checks + 1))
grep -qF '"verdict": "pass"' "$TMP/pass.json" || fail "pass.json: $(cat "$TMP/pass.json")"

# The correct variant passes exhaustively.
run check tickets.fetch_add --threads 3 --iters 2 --strategy dfs
expect_rc 0
expect_out "PASS no bug found: explored all 90 executions"

# relacy: the user's models under Relacy, compiled a second time.
run relacy tickets.racy
expect_rc 1
expect_out "FAIL USER ASSERT FAILED: tickets lost: 1 handed out, 2 taken"
run relacy tickets.fetch_add --threads 3 --iters 2
expect_rc 0
expect_out "explored all 1680 executions"
run relacy tickets.fetch_add --threads 3 --iters 2 --iterations 10
expect_rc 3

# native: real threads.
run native tickets.fetch_add --iters 100 --trials 20
expect_rc 0
expect_out "PASS 20 trials, none broke the model"

# compare: every buggy model of this binary's registry, and only those.
run compare --seconds 0.2
expect_rc 0
expect_out "tickets.racy"
checks=$((checks + 1))
grep -q "^counter\." "$TMP/out" && fail "compare runs built-in models: $out"

# Errors: one line, named after this binary.
run check counter.racy
expect_rc 2
checks=$((checks + 1))
[[ "$err" == "tickets_cli: unknown model 'counter.racy' (\`list\` shows the models)" ]] ||
  fail "unknown model error: $err"
run relacy counter.racy
expect_rc 2

echo "$checks checks, $failures failures"
[[ "$failures" -eq 0 ]]
