#!/usr/bin/env bash
# Builds fuzz/input_fuzzer.cc with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs it for SECONDS (default 60) from the
# seed corpus in fuzz/corpus/input (kept in the repository; inputs the run
# discovers go to a temporary copy). Exits non-zero on a crash, a hang, a
# sanitizer report or a broken contract, leaving the input that did it in
# fuzz-artifacts/. Prints "consumer: fuzz ... PASSED|FAILED" for .ci/run.
#
# Usage: tools/fuzz.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

report() {
  if [ "$2" -eq 0 ]; then echo "consumer: fuzz $1 PASSED"; else
    echo "consumer: fuzz $1 FAILED"; [ -f "${3:-}" ] && tail -n 40 "$3" | sed 's/^/    /'; fi
}

build_log="$tmp/build.log"
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I. fuzz/input_fuzzer.cc scheduler/strategies/schedule.cc cli/numeric.cc -lfmt \
  -o "$tmp/input_fuzzer" >"$build_log" 2>&1
status=$?
report "input_fuzzer build (clang, ASan + UBSan)" $status "$build_log"
[ $status -eq 0 ] || exit 1

cp -r fuzz/corpus/input "$tmp/corpus"
mkdir -p fuzz-artifacts
run_log="$tmp/run.log"
"$tmp/input_fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix=fuzz-artifacts/ "$tmp/corpus" >"$run_log" 2>&1
status=$?
grep -E "^Done [0-9]+ runs" "$run_log" | tail -n 1
report "input_fuzzer for ${seconds} s (schedule strings, numeric options)" $status "$run_log"
[ $status -eq 0 ] && rmdir fuzz-artifacts 2>/dev/null
exit $status
