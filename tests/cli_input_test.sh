#!/usr/bin/env bash
# Strict input, table-driven: every bad value of every numeric option (and
# of --param, --json, --html, and schedule strings) of every subcommand of
# `interleave`, and of the interleave_test main, is a usage error: exit 2,
# nothing on stdout, exactly one line on stderr, starting with the program's
# prefix, with no raw control character in it (they are escaped: \n, \x1b).
#
# Usage: cli_input_test.sh PATH_TO_INTERLEAVE PATH_TO_CHECK_MAIN
set -uo pipefail

BIN="$1"
CHECK_MAIN="$2"
TMP="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# usage_error PREFIX CMD...: CMD must be a one-line usage error.
usage_error() {
  local prefix="$1"
  shift
  "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
  local rc=$?
  local shown
  shown=$(printf '%q ' "$@")
  checks=$((checks + 1))
  if [[ $rc -ne 2 ]]; then
    fail "$shown: exit status $rc, expected 2 (stderr: $(head -c 300 "$TMP/err"))"
    return
  fi
  local lines
  lines=$(wc -l <"$TMP/err")
  [[ $lines -eq 1 ]] || fail "$shown: $lines lines on stderr, expected 1: $(cat -A "$TMP/err")"
  [[ $(head -c ${#prefix} "$TMP/err") == "$prefix" ]] ||
    fail "$shown: stderr does not start with '$prefix': $(cat "$TMP/err")"
  [[ ! -s "$TMP/out" ]] || fail "$shown: unexpected stdout: $(head -c 300 "$TMP/out")"
  # No control character but the final newline.
  if head -c -1 "$TMP/err" | LC_ALL=C grep -q '[[:cntrl:]]'; then
    fail "$shown: a raw control character on stderr: $(cat -A "$TMP/err")"
  fi
}

# Bad values of an integer option (a count, a bound, a model parameter).
BAD_INTEGERS=('' '0x10' ' 5' '5 ' '+5' '1.5' '1e3' 'abc' '-1' '9223372036854775808'
  '18446744073709551616' $'1\n2' $'\x1b[31m1')
# Bad values of a seconds option.
BAD_SECONDS=('' 'nan' 'inf' 'infinity' '-1' '0' '1e-9' '0x10' ' 1' '1 ' '+1' '1e10' '1e400'
  $'1\n' $'\x1b[2J')
# Bad values of --param NAME=VALUE.
BAD_PARAMS=('' 'n' '=5' 'n=' 'n=0x10' 'n= 5' 'n=+5' 'n=9223372036854775808' $'n=1\n2'
  $'\x1b[31mn=1')

# Every integer option, with the arguments that make the rest valid.
declare -a INTEGER_CASES=(
  "check counter.racy --threads"
  "check counter.racy --iters"
  "check counter.racy --max-steps"
  "check counter.racy --preemptions"
  "check counter.racy --strategy random --seed"
  "check counter.racy --strategy pct --depth"
  "check counter.racy --executions"
  "check counter.racy --dpor-plan-limit"
  "check counter.racy --jobs"
  "replay counter.racy:t2,i1:v1:0110 --max-steps"
  "native counter.locked --threads"
  "native counter.locked --iters"
  "native counter.locked --trials"
  "relacy counter.locked --threads"
  "relacy counter.locked --iters"
  "relacy counter.locked --iterations"
  "relacy counter.locked --context-bound"
)
declare -a SECONDS_CASES=(
  "check counter.racy --seconds"
  "native counter.locked --seconds"
  "native counter.locked --timeout"
  "relacy counter.locked --seconds"
  "relacy counter.locked --search random --seconds"
  "compare --seconds"
)
declare -a PARAM_CASES=(
  "check litmus.lastzero"
  "native litmus.lastzero"
  "relacy litmus.lastzero"
)

for c in "${INTEGER_CASES[@]}"; do
  read -r -a words <<<"$c"
  for v in "${BAD_INTEGERS[@]}"; do
    # 2^63 is a seed like any other (seeds are 0..2^64-1).
    [[ "$c" == *--seed && "$v" == 9223372036854775808 ]] && continue
    usage_error "interleave: " "$BIN" "${words[@]}" "$v"
  done
done
for c in "${SECONDS_CASES[@]}"; do
  read -r -a words <<<"$c"
  for v in "${BAD_SECONDS[@]}"; do usage_error "interleave: " "$BIN" "${words[@]}" "$v"; done
done
for c in "${PARAM_CASES[@]}"; do
  read -r -a words <<<"$c"
  for v in "${BAD_PARAMS[@]}"; do usage_error "interleave: " "$BIN" "${words[@]}" --param "$v"; done
done
for option in --json --html; do
  usage_error "interleave: " "$BIN" check counter.racy "$option" ''
done
usage_error "interleave: " "$BIN" replay counter.racy:t2,i1:v1:0110 --json ''

# Control characters in a model name and in schedule strings are escaped.
for c in check native relacy; do
  usage_error "interleave: " "$BIN" "$c" $'counter.racy\nFAIL forged'
  usage_error "interleave: " "$BIN" "$c" $'\x1b[31mcounter.racy'
done
for s in $'counter.racy:t2,i1:v1:01\n10' $'counter.racy:t2,i1:v1:01\x1b[2J' \
  $'counter\n.racy:t2,i1:v1:0110' $'counter.racy:t2,i\n1:v1:0110' $'counter.racy:t2,i1:v\n1:0110' \
  $'counter.racy:t2,i1:v1:0{\n}' $'no.such\x1b:t2:v1:0' '' ':::'; do
  usage_error "interleave: " "$BIN" replay "$s"
done

# The interleave_test main (rules/interleave_test.bzl) reads its numbers the same way.
for v in "${BAD_PARAMS[@]}"; do
  usage_error "interleave_test: " "$CHECK_MAIN" --model litmus.lastzero --param "$v"
done
for option in --max-steps --executions; do
  for v in "${BAD_INTEGERS[@]}"; do
    usage_error "interleave_test: " "$CHECK_MAIN" --model counter.locked "$option" "$v"
  done
done
for v in "${BAD_SECONDS[@]}"; do
  usage_error "interleave_test: " "$CHECK_MAIN" --model counter.locked --seconds "$v"
done
for v in "${BAD_INTEGERS[@]}"; do
  usage_error "interleave_test: " "$CHECK_MAIN" replay counter.racy:t2,i1:v1:0110 --max-steps "$v"
done
usage_error "interleave_test: " "$CHECK_MAIN" replay $'counter.racy:t2,i1:v1:01\n10'
usage_error "interleave_test: " "$CHECK_MAIN" --model $'counter\x1b.racy'

# Some messages, exactly (the rest of the wording is cli/numeric_test's).
expect_err() {
  local want="$1"
  shift
  "$@" >/dev/null 2>"$TMP/err"
  checks=$((checks + 1))
  [[ "$(cat "$TMP/err")" == "$want" ]] || fail "$(printf '%q ' "$@"): stderr '$(cat "$TMP/err")', expected '$want'"
}
expect_err "interleave: --preemptions needs a value: an integer in 0..1000000 (--help shows usage)" \
  "$BIN" check counter.racy --preemptions ''
expect_err "interleave: --executions 18446744073709551616 is too large: at most 9223372036854775807 (--help shows usage)" \
  "$BIN" check counter.racy --executions 18446744073709551616
expect_err "interleave: --timeout 'inf' is not a number of seconds (decimal, e.g. 1.5) (--help shows usage)" \
  "$BIN" native counter.locked --timeout inf
expect_err "interleave: --iterations -1 must be at least 1 (--help shows usage)" \
  "$BIN" relacy counter.locked --iterations -1
expect_err "interleave: --seconds 1e-9 must be at least 0.001 (--help shows usage)" \
  "$BIN" check counter.locked --seconds 1e-9
expect_err "interleave: malformed schedule: '\\n' at choice position 2 is not a thread digit (0-9, a-z)" \
  "$BIN" replay $'counter.racy:t2,i1:v1:01\n10'
expect_err "interleave: unknown model '\\x1b[31mred' (\`list\` shows the models)" \
  "$BIN" check $'\x1b[31mred'

echo "$checks checks, $failures failures"
[[ "$failures" -eq 0 ]]
