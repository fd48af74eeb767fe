#!/usr/bin/env bash
# Builds fuzz/fuzzer.cc (one libFuzzer binary, three targets: fuzz/targets.h)
# with clang, AddressSanitizer and UndefinedBehaviorSanitizer, directly from
# the sources (Bazel here is g++ only), and runs each target in turn from its
# seed corpus in fuzz/corpus/<target> (kept in the repository; inputs a run
# discovers go to a temporary copy): input and replay for a third of SECONDS
# each, cli for the rest (default 60 in all). Exits non-zero on a build
# failure, a crash, a hang, a sanitizer report or a broken contract, leaving
# the input that did it and the binary in fuzz-artifacts/ (with the command
# that reproduces it). `sources` follows the BUILD files of the libraries the
# fuzzer links: a .cc file added there and missing here fails the link. Prints one
# "consumer: fuzz ... PASSED|FAILED" line for the build and one per target,
# which .ci/run counts.
#
# Usage: tools/fuzz.sh [SECONDS]
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

report() {
  if [ "$2" -eq 0 ]; then echo "consumer: fuzz $1 PASSED"; else
    echo "consumer: fuzz $1 FAILED"; [ -f "${3:-}" ] && tail -n 40 "$3" | sed 's/^/    /'; fi
}

# What the fiber switches need under ASan (.bazelrc's build:asan, and
# docs/robustness.md): the crash handler is let in, Relacy-style operator
# new/delete pairs and leaks are not reported, no fake stacks.
export ASAN_OPTIONS=allow_user_segv_handler=1:detect_leaks=0:alloc_dealloc_mismatch=0:detect_stack_use_after_return=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The slowest compiles first (cli/interleave_main.cc, CLI11, takes about 20 s
# alone), so that two at a time end together.
sources=(
  cli/interleave_main.cc models/builtin.cc scheduler/reports/json_report.cc
  scheduler/reports/progress.cc fuzz/replay_target.cc fuzz/cli_target.cc
  scheduler/runtime/crash.cc scheduler/runtime/execution.cc scheduler/runtime/race_detector.cc
  scheduler/runtime/stack_pool.cc scheduler/runtime/watchdog.cc
  scheduler/api/check.cc scheduler/api/condition_variable.cc scheduler/api/model.cc
  scheduler/api/mutex.cc scheduler/api/params.cc scheduler/api/registry.cc
  scheduler/strategies/block_sleep.cc scheduler/strategies/bounded.cc scheduler/strategies/dpor.cc scheduler/strategies/explorer.cc
  scheduler/strategies/iterative.cc scheduler/strategies/pct.cc scheduler/strategies/portfolio.cc
  scheduler/strategies/random.cc scheduler/strategies/replay.cc scheduler/strategies/schedule.cc
  scheduler/strategies/shrink.cc scheduler/strategies/strategy.cc scheduler/strategies/parallel.cc
  scheduler/strategies/parallel_dpor.cc
  scheduler/reports/merge.cc scheduler/api/std/names.cc
  scheduler/reports/explain.cc scheduler/reports/report.cc scheduler/reports/html_report.cc
  native/engine.cc relacy_engine/format.cc cli/numeric.cc
  fuzz/fuzzer.cc fuzz/input_target.cc
)
# -fsanitize=fuzzer on every object gives libFuzzer coverage of all of them;
# vptr is off as in .bazelrc's build:asan; source_location_clang14.h gives clang
# 14 the std::source_location libstdc++ 12 leaves out. Two compiles at a time.
flags=(-std=c++20 -O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -include fuzz/source_location_clang14.h
       -fno-sanitize=vptr -fno-sanitize-recover=all -I. -Iinclude)
build_log="$tmp/build.log"
mkdir -p "$tmp/obj"
start=$(date +%s)
printf '%s\n' "${sources[@]}" |
  xargs -P 2 -I{} sh -c 'src=$1; obj=$2; shift 2
    exec clang++ "$@" -c "$src" -o "$obj/$(echo "$src" | tr / _).o"' sh {} "$tmp/obj" "${flags[@]}" \
    >"$build_log" 2>&1 &&
  clang++ "${flags[@]}" "$tmp"/obj/*.o -lboost_context -lfmt -pthread -o "$tmp/fuzzer" \
    >>"$build_log" 2>&1
status=$?
report "fuzzer build (clang, ASan + UBSan; $(($(date +%s) - start)) s)" $status "$build_log"
[ $status -eq 0 ] || exit 1

mkdir -p fuzz-artifacts
failed=0
third=$((seconds / 3))
[ "$third" -ge 1 ] || third=1
for target in input replay cli; do
  case $target in
    input) budget=$third; what="schedule strings, numeric options"; extra=() ;;
    replay) budget=$third; what="schedules replayed against models"; extra=() ;;
    cli) budget=$((seconds - 2 * third)); what="command lines"
         [ "$budget" -ge 1 ] || budget=1
         extra=(-dict="$root/fuzz/cli.dict") ;;
  esac
  cp -r "fuzz/corpus/$target" "$tmp/corpus-$target"
  run_log="$tmp/run-$target.log"
  # -close_fd_mask=3: the targets' own output is dropped (cli captures it),
  # libFuzzer's and the sanitizers' reports still reach the log.
  INTERLEAVE_FUZZ_TARGET=$target TMPDIR=$tmp "$tmp/fuzzer" -max_total_time="$budget" \
    -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 -artifact_prefix="$root/fuzz-artifacts/$target-" \
    "${extra[@]}" "$tmp/corpus-$target" >"$run_log" 2>&1
  status=$?
  grep -E "^Done [0-9]+ runs" "$run_log" | tail -n 1 | sed "s/^/$target: /"
  report "$target for ${budget} s ($what)" $status "$run_log"
  if [ $status -ne 0 ]; then
    failed=$((failed + 1))
    cp "$tmp/fuzzer" fuzz-artifacts/fuzzer
    echo "    reproduce: INTERLEAVE_FUZZ_TARGET=$target ASAN_OPTIONS=$ASAN_OPTIONS" \
      "$root/fuzz-artifacts/fuzzer -close_fd_mask=3 $root/fuzz-artifacts/$target-<file>"
  fi
done
[ $failed -eq 0 ] && rmdir fuzz-artifacts 2>/dev/null
[ $failed -eq 0 ]
