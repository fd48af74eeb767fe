#!/usr/bin/env bash
# The `interleave` command line: exit statuses (0 no bug in everything asked,
# 1 bug, 2 usage or input error with exactly one line on stderr, 3 no bug
# found but a limit or budget stopped the run first), reports, and replay
# strings that reproduce the reported trace.
#
# Usage: cli_test.sh PATH_TO_INTERLEAVE [PATH_TO_CHECK_MAIN] (the BUILD rule
# passes $(rootpath)s; the second is the interleave_test main over the
# built-in models).
set -uo pipefail

BIN="${1:-}"
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  BIN="${TEST_SRCDIR:-.}/interleave/cli/interleave"
fi
if [[ ! -x "$BIN" ]]; then
  echo "cannot find the interleave binary (got '${1:-}')" >&2
  exit 1
fi

CHECK_MAIN="${2:-}"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run ARGS...: runs the binary; sets $rc, $out (stdout) and $err (stderr), and
# $err_lines (lines on stderr).
run() {
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  # Under --config=asan, Relacy's ucontext fibers (not annotated for ASan)
  # draw warnings from ASan on stderr; they are not the program's output.
  sed -i -E "/^==[0-9]+==WARNING: ASan |^False positive error reports may follow|^For details see https:\/\/github.com\/google\/sanitizers\/issues\/189/d" "$TMP/err"
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
  err_lines=$(wc -l <"$TMP/err")
  last_cmd="interleave $*"
}

expect_rc() {
  checks=$((checks + 1))
  [[ "$rc" -eq "$1" ]] || fail "$last_cmd: exit status $rc, expected $1 (stderr: $err)"
}

expect_out() {
  checks=$((checks + 1))
  grep -qF -- "$1" "$TMP/out" || fail "$last_cmd: stdout lacks '$1'; stdout was:"$'\n'"$out"
}

expect_no_err() {
  checks=$((checks + 1))
  [[ -z "$err" ]] || fail "$last_cmd: unexpected stderr: $err"
}

# A usage or input error: exit 2, nothing on stdout, exactly one line on
# stderr, "interleave: " followed by a reason containing $1.
expect_usage_error() {
  checks=$((checks + 1))
  [[ "$rc" -eq 2 ]] || fail "$last_cmd: exit status $rc, expected 2"
  [[ "$err_lines" -eq 1 ]] || fail "$last_cmd: $err_lines lines on stderr, expected 1: $err"
  [[ "$err" == "interleave: "* ]] || fail "$last_cmd: stderr does not start with 'interleave: ': $err"
  [[ "$err" == *"$1"* ]] || fail "$last_cmd: stderr lacks '$1': $err"
  [[ -z "$out" ]] || fail "$last_cmd: unexpected stdout: $out"
}

# The trace lines of a report: "     1  T0     load  ...".
trace_of() { grep -E '^ +[0-9]+  T[0-9]' <<<"$1"; }
# The schedule string of the report's replay line.
schedule_of() { sed -n "s/^replay: bazel run \/\/:interleave -- replay '\([^']*\)'.*/\1/p" <<<"$1"; }

# --- A data race: counter.racy's unordered accesses, found first by default. ---
# T0 loads and stores, then T1's load is not ordered after T0's store.
run check counter.racy --threads 2 --iters 1
expect_rc 1
expect_no_err
expect_out "FAIL data race on counter: T0 wrote at models/counter.h:38 (step 2), T1 read at models/counter.h:37 (step 3), neither ordered before the other"
expect_out "found in execution 1 (1 execution, 3 steps"
expect_out "marks: -> context switch, * the racing accesses"
expect_out "why: data race on counter: T0's store (step 2) and T1's load (step 3)"
race_out="$out"
race_schedule=$(schedule_of "$out")
[[ "$race_schedule" == "counter.racy:t2,i1:v1:001" ]] ||
  fail "data race schedule '$race_schedule', expected 'counter.racy:t2,i1:v1:001'"
checks=$((checks + 1))
[[ "$(trace_of "$out" | grep -c '\*$')" -eq 2 ]] || fail "data race: not two steps marked *: $out"
run replay "$race_schedule"
expect_rc 1
[[ "$(grep '^FAIL' <<<"$out")" == "$(grep '^FAIL' <<<"$race_out")" ]] ||
  fail "replay of the data race: $out"
[[ "$(trace_of "$out")" == "$(trace_of "$race_out")" ]] || fail "replay of the data race: $out"
# Every strategy reports it; the locked counter has none.
for strategy in dfs bounded iterative random pct; do
  run check counter.racy --strategy "$strategy"
  expect_rc 1
  expect_out "FAIL data race on counter"
done
run check counter.locked --threads 3 --iters 2
expect_rc 0
expect_out "PASS no bug found"
# A lost-update schedule replayed with race detection stops at the race.
run replay "counter.racy:t2,i1:v1:0110"
expect_usage_error "stopped at a data race at step 3 (--no-race-detection"
run check counter.racy --no-race-detection --json "$TMP/race.json"
expect_rc 1
expect_out "FAIL lost update"
expect_out " --no-race-detection"
checks=$((checks + 1))
grep -qF '"race_detection": false' "$TMP/race.json" || fail "--json lacks race_detection: false"

# --- A bug: counter.racy 2x1 loses an update. -------------------------------
run check --strategy dfs counter.racy --threads 2 --iters 1 --no-race-detection
expect_rc 1
expect_no_err
expect_out "lost update: 2 increments, counter == 1"
expect_out "found in execution 2 (2 executions, 8 steps"
check_out="$out"
schedule=$(schedule_of "$out")
[[ "$schedule" == "counter.racy:t2,i1:v1:0110" ]] ||
  fail "replay line of counter.racy 2x1: schedule '$schedule', expected 'counter.racy:t2,i1:v1:0110'"
check_trace=$(trace_of "$check_out")
[[ $(wc -l <<<"$check_trace") -eq 4 ]] || fail "counter.racy 2x1 trace is not 4 steps: $check_trace"

# The printed replay string replays the same trace and failure.
run replay "$schedule" --no-race-detection
expect_rc 1
expect_no_err
expect_out "replaying counter.racy:t2,i1:v1:0110"
[[ "$(trace_of "$out")" == "$check_trace" ]] ||
  fail "replay trace differs from the check's:"$'\n'"$(trace_of "$out")"$'\n'"vs"$'\n'"$check_trace"
[[ "$(grep '^FAIL' <<<"$out")" == "$(grep '^FAIL' <<<"$check_out")" ]] ||
  fail "replay FAIL line differs: $(grep '^FAIL' <<<"$out")"
[[ "$(schedule_of "$out")" == "$schedule" ]] || fail "replay's own replay line differs: $out"

# Replaying it twice gives byte-identical output.
first_replay="$out"
run replay "$schedule" --no-race-detection
[[ "$out" == "$first_replay" ]] || fail "two replays of $schedule differ"

# 2x2: the replay string of a longer failure also reproduces it.
run check --strategy dfs counter.racy --threads 2 --iters 2 --no-race-detection
expect_rc 1
expect_out "lost update: 4 increments"
s22=$(schedule_of "$out")
t22=$(trace_of "$out")
[[ -n "$s22" ]] || fail "no replay line for counter.racy 2x2"
run replay "$s22" --no-race-detection
expect_rc 1
[[ "$(trace_of "$out")" == "$t22" ]] || fail "replay of $s22 gives another trace"

# --all counts the failing executions.
run check --strategy dfs counter.racy --threads 2 --iters 1 --all --no-race-detection
expect_rc 1
expect_out "4 of 6 executions fail (all schedules explored)"

# --- --no-shrink: the failure as the strategy found it. ----------------------
# Random seed 1 finds counter.racy 2x2 with 3 preemptions; shrinking reports a
# schedule with 1 and names the original, which --no-shrink reports itself.
run check counter.racy --threads 2 --iters 2 --strategy random --seed 1 --no-race-detection
expect_rc 1
expect_out "  shrunk from 8 steps, 3 preemptions to 8 steps, 1 preemption (original: 'counter.racy:t2,i2:v1:10011001')"
shrunk_schedule=$(schedule_of "$out")
[[ "$shrunk_schedule" == "counter.racy:t2,i2:v1:10000111" ]] ||
  fail "shrunk schedule '$shrunk_schedule', expected 'counter.racy:t2,i2:v1:10000111'"
run check counter.racy --threads 2 --iters 2 --strategy random --seed 1 --no-shrink --no-race-detection
expect_rc 1
expect_no_err
expect_out "found in execution 1 (1 execution, 8 steps"
expect_out "found with 3 preemptions"
checks=$((checks + 1))
grep -qF "shrunk" "$TMP/out" && fail "--no-shrink printed a shrunk line: $out"
unshrunk_schedule=$(schedule_of "$out")
[[ "$unshrunk_schedule" == "counter.racy:t2,i2:v1:10011001" ]] ||
  fail "--no-shrink schedule '$unshrunk_schedule', expected the original 'counter.racy:t2,i2:v1:10011001'"
unshrunk_trace=$(trace_of "$out")
# Its trace is the original schedule's, step for step: T1, T0, T0, T1, T1, T0, T0, T1.
[[ "$(awk '{printf "%s", substr($2, 2)}' <<<"$unshrunk_trace")" == "10011001" ]] ||
  fail "--no-shrink trace is not the original schedule:"$'\n'"$unshrunk_trace"
run replay "$unshrunk_schedule" --no-race-detection
expect_rc 1
[[ "$(trace_of "$out")" == "$unshrunk_trace" ]] || fail "replay of the unshrunk schedule differs"

# --- Folding and --full-trace. --------------------------------------------------
# counter.racy 3x3 (DFS): T0's three increments come first and have no part in
# the lost update between T1 and T2, so its 6 steps are one line.
run check counter.racy --threads 3 --iters 3 --strategy dfs --no-race-detection
expect_rc 1
expect_no_err
expect_out "   ...  T0     6 steps folded (1-6); --full-trace shows them"
folded_trace=$(trace_of "$out")
checks=$((checks + 1))
[[ $(wc -l <<<"$folded_trace") -eq 12 && "$folded_trace" == "     7  T1 "* ]] ||
  fail "folded trace is not steps 7-18:"$'\n'"$folded_trace"
fold_schedule=$(schedule_of "$out")
run check counter.racy --threads 3 --iters 3 --strategy dfs --full-trace --no-race-detection
expect_rc 1
checks=$((checks + 1))
grep -qF "folded" "$TMP/out" && fail "--full-trace folded steps: $out"
full_trace=$(trace_of "$out")
[[ $(wc -l <<<"$full_trace") -eq 18 && "$full_trace" == *"$folded_trace" ]] ||
  fail "--full-trace is not all 18 steps:"$'\n'"$full_trace"
# replay folds the same way, and --full-trace works there too.
run replay "$fold_schedule" --no-race-detection
expect_rc 1
[[ "$(trace_of "$out")" == "$folded_trace" ]] || fail "replay folds differently: $out"
expect_out "   ...  T0     6 steps folded (1-6)"
run replay "$fold_schedule" --full-trace --no-race-detection
expect_rc 1
[[ "$(trace_of "$out")" == "$full_trace" ]] || fail "replay --full-trace differs: $out"

# --- Not a terminal: silent while running, one summary line at the end. ------
# Quick checks write nothing on stderr (expect_no_err above); one of over a
# second (the budget makes it at least 1.1 s) ends with one line.
# The budget stops DFS before it is exhaustive: verdict incomplete, exit 3.
run check litmus.lastzero --param n=15 --strategy dfs --seconds 1.1
expect_rc 3
expect_out "NO BUG FOUND in "
expect_out "), but --seconds 1.1 stopped the run before it was exhaustive (raise --seconds, or drop it)"
checks=$((checks + 1))
grep -q "^PASS" "$TMP/out" && fail "$last_cmd: an incomplete run says PASS: $out"
checks=$((checks + 1))
[[ "$err_lines" -eq 1 ]] || fail "$last_cmd: $err_lines lines on stderr, expected 1: $err"
[[ "$err" =~ ^interleave:\ litmus\.lastzero\ n=15\ \(dfs\):\ [0-9,]+\ executions\ in\ 1\.[0-9]{2}\ s,\ [0-9.,]+[kM]?/s$ ]] ||
  fail "$last_cmd: not a summary line: $err"

# --- A terminal: the progress line with its estimate, cleared at the end. ----
# counter.atomic 5x2 (113,400 executions, about a second in a fastbuild) under
# a pseudo-terminal from script(1).
if command -v script >/dev/null; then
  # A terminal 200 columns wide: room for the whole line with its estimate.
  script -qec "stty cols 200; '$BIN' check counter.atomic --threads 5 --iters 2 --strategy dfs" \
    /dev/null >"$TMP/pty" 2>&1
  pty=$(tr '\r' '\n' <"$TMP/pty")
  checks=$((checks + 1))
  grep -qF "PASS no bug found: explored all 113400 executions" <<<"$pty" ||
    fail "under a terminal: no PASS line: $pty"
  ms=$(sed -n 's/.*executions ([0-9]* steps, \([0-9.]*\) ms).*/\1/p' <<<"$pty")
  if [[ -n "$ms" && ${ms%.*} -lt 500 ]]; then
    echo "note: counter.atomic 5x2 took $ms ms, too quick for a progress line; not checked"
  else
    lines=$(grep -E '^interleave: [0-9,]+ executions, [0-9.,]+[kM]?/s, [0-9.]+ s elapsed, ~[0-9]+% of an estimated [0-9,]+$' <<<"$pty")
    [[ -n "$lines" ]] || fail "under a terminal: no progress line with an estimate: $(cat -A "$TMP/pty")"
    # Every estimate is within a factor of 2 of the true 113,400.
    while read -r estimate; do
      [[ $estimate -ge 56700 && $estimate -le 226800 ]] ||
        fail "estimated total $estimate is far from 113,400"
    done < <(sed -E 's/.*of an estimated ([0-9,]+)$/\1/; s/,//g' <<<"$lines")
    # The line is cleared (spaces, then the report) and no summary follows.
    grep -qE $'\r +\r' "$TMP/pty" || fail "under a terminal: the progress line is not cleared"
    grep -qF " executions in " <<<"$pty" && fail "under a terminal: a summary line: $pty"
  fi
  # A terminal 50 columns wide: no progress line is wider than 49 (it never wraps).
  script -qec "stty cols 50; '$BIN' check counter.atomic --threads 5 --iters 2 --strategy dfs" \
    /dev/null >"$TMP/pty" 2>&1
  checks=$((checks + 1))
  widest=$(tr '\r' '\n' <"$TMP/pty" | grep '^interleave: ' | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')
  [[ $widest -le 49 ]] || fail "in 50 columns, a progress line of $widest characters: $(cat -A "$TMP/pty" | head -c 1500)"
else
  echo "note: script(1) is missing; the progress line under a terminal is not checked"
fi

# --- No bug: the exhaustive counts. -------------------------------------------
run check --strategy dfs counter.locked --threads 2 --iters 2
expect_rc 0
expect_no_err
expect_out "PASS no bug found: explored all 6 executions"

run check --strategy dfs counter.locked --threads 3 --iters 2
expect_rc 0
expect_out "explored all 90 executions"

run check --strategy dfs counter.atomic --threads 3 --iters 2
expect_rc 0
expect_no_err
expect_out "explored all 90 executions (540 steps"

run check --strategy dfs counter.atomic --threads 2 --iters 2
expect_rc 0
expect_out "explored all 6 executions (24 steps"

# A passing schedule replays with exit 0.
run replay "counter.locked:t2,i1:v1:00001111"
expect_rc 0
expect_out "PASS"

# --- The step bound, and replay with the same bound. ------------------------
run check --strategy dfs counter.racy --threads 2 --iters 1 --max-steps 3 --no-race-detection
expect_rc 1
expect_out "possible livelock"
expect_out "--max-steps 3"
bound_schedule=$(schedule_of "$out")
bound_fail=$(grep '^FAIL' <<<"$out")
[[ "$bound_schedule" == "counter.racy:t2,i1:v1:001" ]] ||
  fail "step-bound schedule '$bound_schedule', expected 'counter.racy:t2,i1:v1:001'"
run replay "$bound_schedule" --max-steps 3 --no-race-detection
expect_rc 1
[[ "$(grep '^FAIL' <<<"$out")" == "$bound_fail" ]] || fail "step-bound replay: $out"
# Without the bound the schedule is too short for the execution.
run replay "$bound_schedule" --no-race-detection
expect_usage_error "does not fit"

# --- Usage and input errors: exit 2, one line on stderr. --------------------
run check counter.bogus
expect_usage_error "unknown model 'counter.bogus'"
run check --strategy dfs counter.racy --threads 0
expect_usage_error "out of range"
run check --strategy dfs counter.racy --threads 9
expect_usage_error "1..8"
run check --strategy dfs counter.racy --threads abc
expect_usage_error "threads"
run check --strategy dfs counter.racy --iters 0
expect_usage_error "iters=0"
run check --strategy dfs counter.racy --param foo=1
expect_usage_error "foo"
run check --strategy dfs counter.racy --param foo
expect_usage_error "NAME=INTEGER"
run check --strategy dfs counter.racy --threads 2 --param threads=3
expect_usage_error "twice"
run check --strategy dfs counter.racy --max-steps 0
expect_usage_error "max-steps"
run check
expect_usage_error "model"
run replay "counter.racy:t2"
expect_usage_error "malformed schedule"
run replay "counter.racy:t2,i1:v1:01Z0"
expect_usage_error "'Z'"
run replay "counter.racy:t2,i1:v2:0110"
expect_usage_error "v1"
run replay "counter.racy:t2:v1:0110"
expect_usage_error "lacks parameter 'i'"
run replay "counter.nothing:t2,i1:v1:0110"
expect_usage_error "unknown model"
# A counter.locked schedule with counter.racy's choices: T1 is blocked on the
# lock at step 2.
run replay "counter.locked:t2,i1:v1:0110"
expect_usage_error "step 2 chooses T1, which cannot run there"
run replay "counter.racy:t2,i1:v1:01100" --no-race-detection
expect_usage_error "does not fit"
run replay "counter.racy:t2,i1:v1:011" --no-race-detection
expect_usage_error "does not fit"
run replay
expect_usage_error "schedule"
run
expect_usage_error "subcommand"

# --- list. --------------------------------------------------------------------
run list
expect_rc 0
expect_no_err
for model in counter.racy counter.locked counter.atomic; do
  checks=$((checks + 1))
  grep -qE "^$model " "$TMP/out" || fail "list does not name $model:"$'\n'"$out"
done
expect_out "--threads"
expect_out "--iters"

# --- Strategies beyond DFS and DPOR. -----------------------------------------
# Iterative bounding: counter.racy 2x1 is found with the fewest preemptions.
run check counter.racy --threads 2 --iters 1 --strategy iterative --no-race-detection
expect_rc 1
expect_no_err
expect_out "found with 1 preemption, the fewest"
iter_schedule=$(schedule_of "$out")
[[ "$iter_schedule" == "counter.racy:t2,i1:v1:0110" ]] ||
  fail "iterative schedule '$iter_schedule', expected 'counter.racy:t2,i1:v1:0110'"

# A bound: no bug within 0 preemptions, and the report says so.
run check counter.racy --threads 2 --iters 1 --preemptions 0 --no-race-detection
expect_rc 0
expect_out "PASS no bug found in 2 executions within 0 preemptions"
checks=$((checks + 1))
grep -qF "explored all" "$TMP/out" && fail "a cut bounded run claims to have explored all: $out"
run check counter.racy --threads 2 --iters 1 --strategy bounded --preemptions 1 --no-race-detection
expect_rc 1
expect_out "found with 1 preemption"

# Random and PCT: the seed is printed, the schedule replays, the same seed
# finds the same schedule.
for strategy in random pct; do
  run check list.check_then_pop --strategy "$strategy" --seed 42 --executions 500
  expect_rc 1
  expect_no_err
  expect_out "seed 42 reproduces this run (--strategy $strategy"
  rand_schedule=$(schedule_of "$out")
  rand_fail=$(grep '^FAIL' <<<"$out")
  run check list.check_then_pop --strategy "$strategy" --seed 42 --executions 500
  [[ "$(schedule_of "$out")" == "$rand_schedule" ]] ||
    fail "$strategy seed 42 gave two schedules: '$rand_schedule' and '$(schedule_of "$out")'"
  run replay "$rand_schedule"
  expect_rc 1
  [[ "$(grep '^FAIL' <<<"$out")" == "$rand_fail" ]] || fail "replay of $rand_schedule: $out"
done
run check counter.locked --strategy random
expect_rc 0
expect_out "PASS no bug found in 1000 random executions (seed 1)"
run check counter.locked --strategy pct --seed 5 --depth 2 --executions 30
expect_rc 0
expect_out "no bug found in 30 PCT executions (depth 2, seed 5)"

# A budget stops DFS too, and the report says it: incomplete, exit 3.
run check counter.locked --threads 3 --iters 2 --strategy dfs --executions 10
expect_rc 3
expect_out "NO BUG FOUND in 10 executions (240 steps, "
expect_out "), but --executions 10 stopped the run before it was exhaustive (raise --executions, or drop it)"
# ... and DPOR, and bounded DFS (its bound is asked; the budget is a limit).
run check counter.locked --threads 3 --iters 2 --executions 3
expect_rc 3
expect_out "NO BUG FOUND in 3 executions ("
run check counter.locked --threads 3 --iters 2 --preemptions 2 --executions 3
expect_rc 3
expect_out "NO BUG FOUND in 3 executions (72 steps, "
# Random with its own budget covered what was asked: a pass.
run check counter.locked --strategy random --executions 30
expect_rc 0
expect_out "PASS no bug found in 30 random executions (seed 1)"
# A bug found within a budget is a bug, whatever the budget.
run check counter.racy --threads 2 --iters 1 --strategy dfs --executions 2
expect_rc 1
# The JSON report says the verdict.
run check counter.locked --threads 3 --iters 2 --strategy dfs --executions 10 --json "$TMP/cut.json"
expect_rc 3
checks=$((checks + 1))
grep -qF '"verdict": "incomplete"' "$TMP/cut.json" || fail "cut.json lacks the incomplete verdict"
grep -qF '"limit": "--executions 10"' "$TMP/cut.json" || fail "cut.json lacks the limit"

# Errors of the strategy options: exit 2, one line.
run check counter.racy --strategy bogus
expect_usage_error "unknown strategy 'bogus'"
run check counter.racy --preemptions -1
expect_usage_error "must not be negative"
run check counter.racy --preemptions abc
expect_usage_error "preemptions"
run check counter.racy --strategy random --seed abc
expect_usage_error "--seed 'abc'"
run check counter.racy --strategy random --seed 18446744073709551616
expect_usage_error "--seed"
run check counter.racy --strategy random --seed -4
expect_usage_error "--seed"
run check counter.racy --seed 3
expect_usage_error "--seed applies to --strategy random and pct"
run check counter.racy --strategy random --executions 0
expect_usage_error "--executions 0 must be at least 1"
run check counter.racy --strategy random --executions many
expect_usage_error "executions"
run check counter.racy --strategy random --seconds -1
expect_usage_error "--seconds"
run check counter.racy --strategy pct --depth 0
expect_usage_error "--depth 0"
run check counter.racy --depth 2
expect_usage_error "--depth applies to --strategy pct"
run check counter.racy --strategy pct --preemptions 1
expect_usage_error "--preemptions applies to"
run check counter.racy --strategy iterative --all
expect_usage_error "--all does not combine"


# --- native: the same model on real threads. --------------------------------
run native counter.locked --iters 100 --trials 20
expect_rc 0
expect_out "PASS 20 trials, none broke the model"
# --seconds stops a run before the --trials asked: incomplete, exit 3. (A
# billion trials of four threads do not fit in 0.2 s.)
run native counter.locked --trials 1000000000 --seconds 0.2
expect_rc 3
expect_out "), but --seconds 0.2 stopped the run before it ran every trial asked for (raise --seconds, or drop it to run every one of --trials)"
run native counter.racy --trials 0
expect_usage_error "--trials 0 runs without end"
run native counter.racy --timeout 0
expect_usage_error "--timeout 0 must be at least 0.001"
run native no.such.model
expect_usage_error "unknown model 'no.such.model'"

# --- relacy: the same model under Relacy. -----------------------------------
run relacy counter.locked --threads 2 --iters 1
expect_rc 0
run relacy counter.racy --threads 2 --iters 1
expect_rc 1
# An execution budget stops a full search: incomplete, exit 3.
run relacy counter.locked --threads 3 --iters 2 --iterations 10
expect_rc 3
expect_out "NO BUG FOUND in 10 executions of Relacy's full search ("
expect_out "but --iterations 10 stopped the run before it was exhaustive (raise --iterations, or drop it)"
run relacy relaxed.message_passing
expect_rc 1
# Budgets for every search mode, checked by the engine before every execution.
run relacy counter.locked --threads 3 --iters 2 --search bound --iterations 5
expect_rc 3
expect_out "NO BUG FOUND in 5 executions of Relacy's bound search (context bound 2) ("
expect_out "but --iterations 5 stopped the run before it was exhaustive (raise --iterations, or drop it)"
run relacy counter.locked --search random --iterations 1000
expect_rc 0
expect_out "PASS no bug found in 1000 executions of Relacy's random search"
# queue.blocking's full search runs for many minutes: --seconds stops it (exit 3).
run relacy queue.blocking --seconds 0.3
expect_rc 3
expect_no_err
expect_out "but --seconds 0.3 stopped the run before it was exhaustive (raise --seconds, or drop it)"
# Random search with only --seconds: that is what it was asked (exit 0).
run relacy counter.locked --search random --seconds 0.3
expect_rc 0
expect_out "executions of Relacy's random search within budget (--seconds 0.3)"
# A run of over a second ends with the same summary line as check's.
run relacy queue.blocking --seconds 1.1
expect_rc 3
checks=$((checks + 1))
[[ "$err" =~ ^interleave:\ queue\.blocking\ producers=1\ consumers=2\ items=2\ capacity=1\ \(relacy\ full\):\ [0-9,]+\ executions\ in\ 1\.[0-9]{2}\ s,\ [0-9.,]+[kM]?/s$ ]] ||
  fail "$last_cmd: not a summary line: $err"
# ... and on a terminal, the same progress line.
if command -v script >/dev/null; then
  script -qec "stty cols 200; '$BIN' relacy queue.blocking --seconds 1.5" /dev/null >"$TMP/pty" 2>&1
  checks=$((checks + 1))
  tr '\r' '\n' <"$TMP/pty" | grep -qE '^interleave: [0-9,]+ executions, [0-9.,]+[kM]?/s, [0-9.]+ s elapsed *$' ||
    fail "relacy under a terminal: no progress line: $(cat -A "$TMP/pty" | head -c 2000)"
fi
run check relaxed.message_passing
expect_rc 0
expect_out "no bug under sequential consistency"
run relacy counter.racy --search sideways
expect_usage_error "--search 'sideways'"
run relacy counter.racy --threads 8
expect_usage_error "threads"
run relacy no.such.model
expect_usage_error "unknown model 'no.such.model'"

# --- The interleave_test main: an incomplete check fails the test (exit 3). --
if [[ -n "$CHECK_MAIN" ]]; then
  "$CHECK_MAIN" --model counter.locked --param threads=3 --param iters=2 --strategy dfs \
    --executions 10 >"$TMP/out" 2>"$TMP/err"
  rc=$?
  out=$(cat "$TMP/out")
  last_cmd="interleave_test --executions 10"
  expect_rc 3
  expect_out "This check is incomplete: --executions 10 stopped it before it was exhaustive, so it neither passes nor finds the bug (raise --executions, or drop it)."
  "$CHECK_MAIN" --model counter.locked --param threads=3 --param iters=2 --strategy dfs \
    --executions 90 >"$TMP/out" 2>"$TMP/err"
  rc=$?
  last_cmd="interleave_test --executions 90"
  expect_rc 0
fi

# --- robustness (issue 10, docs/robustness.md): teardown, crashes, the ------
# --- watchdog and the thread limit. -------------------------------------------
# A truncated schedule ends while T0 is paused inside ~lock_guard: one line, exit 2.
run replay 'list.check_then_pop:t2:v1:00'
expect_usage_error "schedule does not fit: it ends after 2 steps"
run check counter.racy --stack-size 100
expect_usage_error "--stack-size 100 must be at least 16384"
run check counter.racy --stack-size 2000000000
expect_usage_error "--stack-size 2000000000 is too large: at most 1073741824"
run replay 'counter.racy:t2,i1:v1:0101' --stack-size 4096
expect_usage_error "--stack-size 4096 must be at least 16384"
run check counter.racy --watchdog -1
expect_usage_error "--watchdog -1 must not be negative"
run replay 'counter.racy:t2,i1:v1:0101' --watchdog nan
expect_usage_error "--watchdog 'nan' is not a number of seconds"
run check counter.racy --threads 2 --iters 1 --stack-size 65536 --watchdog 0
expect_rc 1
expect_out "replay: bazel run //:interleave -- replay 'counter.racy:t2,i1:v1:"
expect_out "--stack-size 65536 --watchdog 0"
run replay 'counter.racy:t2,i1:v1:0101' --stack-size 65536 --watchdog 2 --no-race-detection
expect_rc 1
expect_out "FAIL lost update"

# The bad models (tests/bad_models.h) behind the interleave_test main: the
# check fails (exit 1) with the FAIL line on stdout's second line, and the
# schedule it prints replays to the same FAIL line.
BAD="${3:-}"
if [[ -z "$BAD" || ! -x "$BAD" ]]; then
  BAD="${TEST_SRCDIR:-.}/interleave/tests/bad_models_cli"
fi
# bad_case MODEL 'FAIL line prefix' [options...]
bad_case() {
  local model="$1" want="$2"
  shift 2
  "$BAD" --model "$model" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  last_cmd="bad_models_cli --model $model $*"
  checks=$((checks + 1))
  [[ "$rc" -eq 1 ]] || fail "$last_cmd: exit status $rc, expected 1 ($(cat "$TMP/err"))"
  local line
  line=$(sed -n 2p "$TMP/out")
  checks=$((checks + 1))
  [[ "$line" == "$want"* ]] || fail "$last_cmd: second line '$line', expected '$want...'"
  local schedule
  schedule=$(sed -n "s/^replay: .* replay '\([^']*\)'.*/\1/p" "$TMP/out" | head -1)
  "$BAD" replay "$schedule" "$@" >"$TMP/replay" 2>&1
  rc=$?
  checks=$((checks + 1))
  [[ "$rc" -eq 1 ]] || fail "bad_models_cli replay '$schedule': exit status $rc, expected 1"
  checks=$((checks + 1))
  grep -qxF -- "$line" "$TMP/replay" ||
    fail "bad_models_cli replay '$schedule' lacks '$line':"$'\n'"$(cat "$TMP/replay")"
}
bad_case bad.null_deref "FAIL crash: SIGSEGV in T1 at step 2 (null pointer access"
bad_case bad.abort "FAIL crash: SIGABRT in T1 at step 2 (abort()"
bad_case bad.deep_recursion "FAIL crash: stack overflow in T0 at step 1 (" --stack-size 65536
bad_case bad.invariant_crash "FAIL crash: SIGSEGV in the model's invariant at step 1"
bad_case bad.child_crash "FAIL crash: SIGSEGV in T1 at step 2 (null pointer access)"
bad_case bad.throwing_destructor "FAIL exception in T0: thrown by a destructor"
bad_case bad.noexcept_destructor "FAIL exception in T0: thrown by a noexcept destructor"
bad_case bad.fail_in_lock_guard "FAIL T1 saw x == 1"
bad_case bad.fail_in_destructor "FAIL T1 saw x == 1"
bad_case bad.fail_in_wait "FAIL T1 fails while T0 waits"
bad_case bad.spin "FAIL stuck: T0 ran 0.2 s without a visible operation" --watchdog 0.2
bad_case bad.std_mutex "FAIL stuck: T1 ran 0.2 s without a visible operation" --watchdog 0.2
# 100 threads one after another pass; 37 alive at once is a usage error.
"$BAD" --model bad.spawn_loop >"$TMP/out" 2>"$TMP/err"
rc=$?
last_cmd="bad_models_cli --model bad.spawn_loop"
expect_rc 0
expect_out "PASS no bug found: explored all 1 executions (300 steps"
"$BAD" --model bad.37_alive >"$TMP/out" 2>"$TMP/err"
rc=$?
last_cmd="bad_models_cli --model bad.37_alive"
expect_rc 2
checks=$((checks + 1))
[[ "$(wc -l <"$TMP/err")" -eq 1 ]] && grep -qF "the scheduler runs at most 36 at once" "$TMP/err" ||
  fail "$last_cmd: stderr is not the one-line thread limit: $(cat "$TMP/err")"

# --- condition variables: outcomes in schedule strings (docs/condition_variables.md).
# T1 locks, sees an empty queue, and its `if`-guarded wait wakes spuriously
# (outcome 1, written "1/1": thread 1, outcome 1): it takes from the empty queue.
run replay 'queue.missed_wakeup:i1:v1:111/11'
expect_rc 1
expect_out "wait       queue.not_empty  wakes spuriously"
expect_out "FAIL a consumer took an item from an empty queue"
expect_out "replay 'queue.missed_wakeup:i1:v1:111/11'"
run replay 'queue.missed_wakeup:i1:v1:111/11' --no-spurious-wakeups
expect_usage_error "schedule does not fit: step 3 takes outcome 1, but its operation has only one"
run replay 'queue.missed_wakeup:i1:v1:111/2'
expect_usage_error "schedule does not fit: step 3 takes outcome 2, but its operation has 2 (0 to 1)"
run replay 'queue.missed_wakeup:i1:v1:111/'
expect_usage_error "malformed schedule: bad outcome after '1/' at choice position 2"
run check queue.missed_wakeup --param items=1 --strategy dfs --all --no-spurious-wakeups
expect_rc 1
expect_out "4 of 6 executions fail"
expect_out "--no-spurious-wakeups"

# --- sharded checks: parts that add up (docs/reference.md, "Sharded checks").
total=0
for i in 0 1 2; do
  run check counter.locked --threads 3 --iters 2 --strategy dfs --shard "$i/3"
  expect_rc 0
  expect_out "of shard $i/3"
  n=$(sed -n 's/^PASS no bug found: explored all \([0-9]*\) executions of shard.*/\1/p' <<<"$out")
  total=$((total + ${n:-0}))
done
checks=$((checks + 1))
[[ "$total" -eq 90 ]] || fail "the three shards of counter.locked 3x2 explored $total executions, not 90"
for bad in "3/3" "1/0" "a/2" "1" "-1/2" "" "0/1000001"; do
  run check counter.locked --strategy dfs --shard "$bad"
  expect_usage_error "--shard"
done
run check counter.locked --shard 0/2 --strategy random
expect_usage_error "--shard works with --strategy dpor, dfs or bounded, not random"
# DPOR (the default) shards too: counter.locked 3x3 has 1,680 traces.
total=0
for i in 0 1 2 3; do
  run check counter.locked --threads 3 --iters 3 --shard "$i/4"
  expect_rc 0
  expect_out "of shard $i/4"
  n=$(sed -n 's/^PASS no bug found: explored all \([0-9]*\) executions of shard.*/\1/p' <<<"$out")
  total=$((total + ${n:-0}))
done
checks=$((checks + 1))
[[ "$total" -eq 1680 ]] || fail "the four DPOR shards of counter.locked 3x3 explored $total executions, not 1680"

# --- DPOR's memory bound (docs/reference.md, "DPOR's memory"): past it, races
# plan their first step alone; the run stays exhaustive with the same count.
run check litmus.lastzero --param n=6 --dpor-plan-limit 20 --jobs 1
expect_rc 0
expect_out "PASS no bug found: explored all 144 executions"
expect_out "DPOR's wakeup trees reached their bound of 20 planned steps"
run check litmus.lastzero --param n=6 --dpor-plan-limit 20 --jobs 1 --json "$TMP/bounded.json"
grep -q '"dpor_plan_limit": 20' "$TMP/bounded.json" || fail "the JSON report has no dpor_plan_limit 20"
grep -qE '"bounded_plans": [1-9]' "$TMP/bounded.json" || fail "the JSON report counts no bounded plans"
run check litmus.lastzero --param n=6
expect_rc 0
[[ "$out" != *"reached their bound"* ]] || fail "lastzero(6) reached the default bound"
run check litmus.lastzero --dpor-plan-limit 20 --strategy dfs
expect_usage_error "--dpor-plan-limit applies to --strategy dpor"
run check litmus.lastzero --dpor-plan-limit -1
expect_usage_error "--dpor-plan-limit"
run check litmus.lastzero --param n=6 --dpor-plan-limit 20 --jobs 1 --html "$TMP/bounded.html"
grep -q "races planned past DPOR's memory bound" "$TMP/bounded.html" ||
  fail "the HTML report does not say DPOR's memory bound was reached"
# Sharded with a bound: the shards' counts add up, and merge says the bound was reached.
for i in 0 1; do
  run check litmus.lastzero --param n=6 --dpor-plan-limit 10 --shard "$i/2" --json "$TMP/bshard$i.json"
  expect_rc 0
done
run merge "$TMP/bshard0.json" "$TMP/bshard1.json"
expect_rc 0
expect_out "PASS no bug found: explored all 144 executions"
expect_out "races planned past DPOR's memory bound"

# --- interleave merge: one verdict from the shards' JSON reports.
for i in 0 1 2; do
  run check counter.locked --threads 3 --iters 2 --strategy dfs --shard "$i/3" --json "$TMP/pass$i.json"
  run check counter.racy --threads 3 --iters 2 --strategy dfs --shard "$i/3" --json "$TMP/bug$i.json" --no-race-detection
done
run merge "$TMP/pass2.json" "$TMP/pass0.json" "$TMP/pass1.json"
expect_rc 0
expect_no_err
expect_out "PASS no bug found: explored all 90 executions over 3 shards"
run merge "$TMP/bug0.json" "$TMP/bug1.json" "$TMP/bug2.json"
expect_rc 1
expect_out "FAIL lost update"
expect_out "replay: bazel run //:interleave -- replay 'counter.racy:t3,i2:v1:"
run merge "$TMP/pass0.json" "$TMP/pass1.json"
expect_usage_error "shard 2/3 missing"
run merge "$TMP/pass0.json" "$TMP/pass0.json" "$TMP/pass1.json"
expect_usage_error "are both shard 0/3"
run merge "$TMP/pass0.json" "$TMP/bug1.json" "$TMP/pass2.json"
expect_usage_error "not of counter.locked"
run check counter.locked --threads 3 --iters 2 --strategy dfs --shard 0/3 --seconds 0.001 --json "$TMP/short0.json"
run merge "$TMP/short0.json" "$TMP/pass1.json" "$TMP/pass2.json"
[[ "$rc" -eq 0 || "$rc" -eq 3 ]] || fail "merge with a shard stopped by --seconds: exit $rc"
if [[ "$rc" -eq 3 ]]; then expect_out "but --seconds 0.001 stopped shard 0/3"; fi
echo '{"format": "interleave.check"' >"$TMP/broken.json"
run merge "$TMP/broken.json"
expect_usage_error "not a JSON document"
run merge "$TMP/nothing-here.json"
expect_usage_error "cannot read"

# --- parallel checks (--jobs N): the counts and the failure of one core.
run check queue.blocking --strategy dfs --jobs 1
one_line=$(grep '^PASS' <<<"$out" | sed 's/, [0-9,]* steps.*//')
for jobs in 2 3 16; do
  run check queue.blocking --strategy dfs --jobs "$jobs"
  expect_rc 0
  checks=$((checks + 1))
  [[ "$(grep '^PASS' <<<"$out" | sed 's/, [0-9,]* steps.*//')" == "$one_line" ]] ||
    fail "--jobs $jobs: '$(grep '^PASS' <<<"$out")', one core: '$one_line'"
done
run check crowd.racy --threads 10 --strategy dfs --jobs 1
one_found=$(grep 'found in execution' <<<"$out" | sed 's/, [0-9,]* steps.*//')
run check crowd.racy --threads 10 --strategy dfs --jobs 2
checks=$((checks + 1))
[[ "$(grep 'found in execution' <<<"$out" | sed 's/, [0-9,]* steps.*//')" == "$one_found" ]] ||
  fail "--jobs 2 reports '$(grep 'found in' <<<"$out")', one core '$one_found'"
run check counter.racy --threads 3 --iters 2 --strategy dfs --jobs 1 --no-race-detection
one_replay=$(grep '^replay:' <<<"$out")
run check counter.racy --threads 3 --iters 2 --strategy dfs --jobs 3 --no-race-detection
expect_rc 1
expect_out "$one_replay"
run check counter.racy --threads 3 --iters 2 --strategy dfs --jobs 2 --json "$TMP/jobs.json"
checks=$((checks + 1))
grep -q '"jobs": 2' "$TMP/jobs.json" || fail "--json lacks \"jobs\": 2"
# DPOR on several workers: one core's counts (parallel_dpor.h).
run check counter.locked --threads 3 --iters 2 --jobs 2
expect_rc 0
expect_out "explored all 90 executions"
run check counter.racy --threads 3 --iters 2 --jobs 1 --no-race-detection
one_replay=$(grep '^replay:' <<<"$out")
run check counter.racy --threads 3 --iters 2 --jobs 3 --no-race-detection
expect_rc 1
expect_out "$one_replay"
run check counter.locked --strategy dpor --preemptions 2 --jobs 2
expect_rc 0
# Randomised strategies: N workers with derived seeds, reproducible from the
# printed options (which then include --jobs).
run check counter.racy --threads 4 --iters 2 --strategy random --seed 5 --jobs 3
expect_rc 1
first=$(grep '^replay:' <<<"$out")
run check counter.racy --threads 4 --iters 2 --strategy random --seed 5 --jobs 3
expect_out "$first"
run check counter.locked --threads 3 --iters 2 --strategy pct --jobs 2 --executions 300
expect_rc 0
expect_out "in 300 PCT executions (depth 3, seed 1) on 2 workers"
for bad in 0 -1 257 x ""; do
  run check counter.locked --strategy dfs --jobs "$bad"
  expect_usage_error "--jobs"
done

echo "$checks checks, $failures failures"
[[ "$failures" -eq 0 ]]
