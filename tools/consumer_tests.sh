#!/usr/bin/env bash
# Builds and runs interleave the way a user's project does, from this clone:
#   - examples/consumer_bazel: a separate Bazel workspace (local_repository +
#     interleave_dependencies()): its tests, and a failing check whose printed
#     replay command, pasted, reproduces the failure;
#   - the CMake build of interleave itself, with the same sources as Bazel's
#     (it configures every test of the BUILD files; it builds and runs those
#     that exercise what only CMake wires up: Bazel runs the whole suite);
#   - `cmake --install` to a temporary prefix, then examples/consumer_cmake
#     through find_package, and a program built with pkg-config alone;
#   - examples/consumer_cmake again through add_subdirectory;
#   - the README's quick start, followed literally (tools/readme_quickstart_test.sh);
#   - a 30-second libFuzzer run (tools/fuzz.sh): input parsers, replay of
#     fuzzed schedules, the command line.
# The Bazel consumer and the Bazel quick start share a disk cache
# (INTERLEAVE_CI_DISK_CACHE): both compile @interleave with the same actions,
# so the second reuses the first's objects (CI time only; each still starts
# from a fresh output base).
# Prints one line per result, "consumer: NAME PASSED" or "consumer: NAME FAILED"
# (with the end of its log), which .ci/run counts; exits 1 if any failed.
#
# Usage: tools/consumer_tests.sh [bazel|cmake|quickstart|fuzz]... (default: all)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jobs=${CONSUMER_JOBS:-2}
export INTERLEAVE_CI_DISK_CACHE=${INTERLEAVE_CI_DISK_CACHE:-$tmp/bazel-disk-cache}
# The CMake builds below (the project, the add_subdirectory consumer, the
# README's CMake quick start) compile the same interleave sources with the
# same flags: a compiler cache, fresh for this run, compiles them once.
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_DIR=$tmp/ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
fi
failed=0

# result NAME STATUS [LOG]: reports one result.
result() {
  if [ "$2" -eq 0 ]; then
    echo "consumer: $1 PASSED"
  else
    echo "consumer: $1 FAILED"
    if [ -n "${3:-}" ] && [ -f "$3" ]; then tail -n 40 "$3" | sed 's/^/    /'; fi
    failed=$((failed + 1))
  fi
}

# step NAME COMMAND...: runs the command (output in $tmp/NAME.log), reports it.
step() {
  local name=$1 log="$tmp/${1//[^A-Za-z0-9_.-]/_}.log" start=$SECONDS
  shift
  "$@" >"$log" 2>&1
  result "$name" $? "$log"
  echo "  ($name: $((SECONDS - start)) s)"
  return 0
}

# replay_check NAME DIR EXPECTED_TEXT COMMAND...: the command is a check of a
# buggy model as if it were correct. It must exit 1 and print the command that
# replays the failing schedule; that command, run as printed from DIR, must
# exit 1 and print EXPECTED_TEXT.
replay_check() {
  local name=$1 dir=$2 expected=$3 log="$tmp/$1.log"
  shift 3
  (
    cd "$dir" || exit 1
    out=$("$@" 2>&1); status=$?
    echo "$out"
    if [ "$status" -eq 1 ] && ! grep -q 'Replay it locally' <<<"$out"; then
      # Seen once in CI (2026-12-05): `bazel run` of the check printed nothing
      # after "Executing tests from" (exit 1); not reproduced since. One more
      # try, said in the log, so that lost output is told apart from a check
      # that prints no replay command (which fails both times).
      echo "check: no output after 'Executing tests from'; running it once more"
      out=$("$@" 2>&1); status=$?
      echo "$out"
    fi
    [ "$status" -eq 1 ] || { echo "check: exit status $status, expected 1"; exit 1; }
    command=$(grep -A1 'Replay it locally' <<<"$out" | tail -n 1 | sed 's/^ *//')
    [[ "$command" == *" replay '"*"'" ]] || { echo "no replay command after 'Replay it locally'"; exit 1; }
    echo "+ $command"
    out=$(bash -c "$command" 2>&1); status=$?
    echo "$out"
    if [ "$status" -eq 1 ] && ! grep -qF -- "$expected" <<<"$out"; then
      # The same lost output, seen on the replay too (2026-12-05): once more.
      echo "replay: no output after 'Executing tests from'; running it once more"
      out=$(bash -c "$command" 2>&1); status=$?
      echo "$out"
    fi
    [ "$status" -eq 1 ] || { echo "replay: exit status $status, expected 1"; exit 1; }
    grep -qF -- "$expected" <<<"$out" || { echo "replay does not show '$expected'"; exit 1; }
  ) >"$log" 2>&1
  result "$name" $? "$log"
}

# ctest_results NAME BUILD_DIR [REGEX]: runs ctest there (the tests whose
# names match REGEX, if given); one result per test.
ctest_results() {
  local name=$1 dir=$2 log="$tmp/$1.ctest.log"
  ctest --test-dir "$dir" -j"$jobs" --output-on-failure ${3:+-R "$3"} >"$log" 2>&1
  local status=$?
  local lines
  lines=$(grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log")
  if [ -z "$lines" ]; then
    result "$name ctest (no tests ran)" 1 "$log"
    return
  fi
  while read -r line; do
    test=$(sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) .*/\1/' <<<"$line")
    if [[ "$line" == *" Passed "* ]]; then result "$name $test" 0; else result "$name $test" 1; fi
  done <<<"$lines"
  if [ "$status" -ne 0 ]; then tail -n 60 "$log" | sed 's/^/    /'; fi
}

bazel_consumer() {
  local dir=examples/consumer_bazel log="$tmp/bazel_consumer.log"
  (cd "$dir" && bazel test --nosandbox_debug --disk_cache="$INTERLEAVE_CI_DISK_CACHE" \
                 --test_output=errors //...) >"$log" 2>&1
  local status=$?
  local lines
  lines=$(grep -E '^//[^ ]+ +(\(cached\) )?(PASSED|FAILED|TIMEOUT|NO STATUS|INCOMPLETE|FLAKY)' "$log")
  if [ -z "$lines" ]; then
    result "bazel consumer build" 1 "$log"
  else
    while read -r line; do
      target=${line%% *}
      if [[ "$line" == *" PASSED"* ]]; then result "bazel $target" 0; else result "bazel $target" 1 "$log"; fi
    done <<<"$lines"
    [ "$status" -eq 0 ] || result "bazel consumer test" "$status" "$log"
  fi
  replay_check bazel_replay "$dir" "torn read" \
    bazel run --nosandbox_debug --disk_cache="$INTERLEAVE_CI_DISK_CACHE" //:rwlock_racy_as_if_correct
  (cd "$dir" && bazel shutdown) >/dev/null 2>&1
}

cmake_builds() {
  local build="$tmp/cmake" prefix="$tmp/prefix"
  step "cmake configure" cmake -S . -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  # What the CMake build has of its own, not the whole suite again (Bazel runs
  # that): the installed libraries and CLI, and the tests that exercise what
  # only CMake wires up: each link (Catch2, GoogleTest, nlohmann-json, Relacy),
  # interleave_add_check and interleave_add_binary, a test with its own main,
  # interleave_add_instrumented_test (its check main and a TEST_MAIN) and
  # interleave_add_instrumented_binary, with no libtsan linked. (The whole
  # instrumented suite, instrumented_test, is Bazel's: 35 s more to build here.)
  local self_tests=(numeric_test schedule_test json_report_test catch2_test gtest_matchers_test
    relacy_crosscheck_test bank_test bad_models_test check_counter_locked check_lastzero_6_bounded_plans
    check_counter_racy_finds_bug tickets_fetch_add_check instrumented_demo_test
    instrumented_racy_check_test)
  step "cmake build" cmake --build "$build" -j"$jobs" --target interleave interleave_check_main \
    interleave_main interleave_relacy_runtime interleave_cli tickets_cli instrumented_demo \
    "${self_tests[@]}"
  ctest_results cmake "$build" \
    "^($(IFS='|'; echo "${self_tests[*]}")|user_cli_test|instrumented_no_libtsan_test|instrumented_demo_cli_test)$"

  # Both builds compile the same .cc files (CMake reads them from the BUILD files).
  step "cmake and bazel compile the same sources" compare_sources "$build/compile_commands.json"

  step "cmake install" cmake --install "$build" --prefix "$prefix"
  step "installed: public headers, library, package config, pkg-config file" \
    test -f "$prefix/include/interleave/interleave.h" -a -f "$prefix/include/interleave/catch2.h" \
         -a -f "$prefix/include/interleave/gtest.h" -a -f "$prefix/lib/libinterleave.a" \
         -a -f "$prefix/lib/cmake/interleave/interleaveConfig.cmake" \
         -a -f "$prefix/lib/pkgconfig/interleave.pc"
  step "pkg-config: a Catch2 test built with g++ alone" \
    bash -c "g++ examples/consumer_cmake/account_catch2_test.cc -o '$tmp/pc_test' \
               \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags --libs interleave) \
             && '$tmp/pc_test'"

  local find="$tmp/find_package"
  step "find_package consumer configure" \
    cmake -S examples/consumer_cmake -B "$find" -DCMAKE_PREFIX_PATH="$prefix"
  step "find_package consumer build" cmake --build "$find" -j"$jobs"
  ctest_results find_package "$find"
  replay_check find_package_replay "$find" "overdrawn" "$find/account_racy_as_if_correct" \
    --model account.racy --expect pass --replay-command "$find/account_racy_as_if_correct replay"

  local sub="$tmp/add_subdirectory"
  step "add_subdirectory consumer configure" \
    cmake -S examples/consumer_cmake -B "$sub" -DINTERLEAVE_SOURCE_DIR="$root"
  step "add_subdirectory consumer build" cmake --build "$sub" -j"$jobs"
  ctest_results add_subdirectory "$sub"
}

# compare_sources COMPILE_COMMANDS: the .cc files CMake compiles are exactly
# those of the C++ rules of `bazel query //...`, instrumented code
# (interleave_cc_test, interleave_add_instrumented_test) included.
compare_sources() {
  grep -oE '"file": *"[^"]+"' "$1" | sed -E 's/.*"([^"]+)"$/\1/' | sed "s|^$root/||" |
    grep -v '^/' | grep -v '/interleave_add_check/' | sort -u >"$tmp/cmake_sources"
  bazel query --noshow_progress 'kind("source file", deps(kind("cc_.* rule", //...), 1))' 2>/dev/null |
    grep -E '^//.*\.cc$' | sed -E 's|^//||; s|:|/|; s|^/||' | sort -u >"$tmp/bazel_sources"
  [ -s "$tmp/bazel_sources" ] || { echo "bazel query listed no sources"; return 1; }
  diff "$tmp/bazel_sources" "$tmp/cmake_sources" && echo "$(wc -l <"$tmp/cmake_sources") sources agree"
}

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(bazel cmake quickstart fuzz)
for part in "${parts[@]}"; do
  case "$part" in
    bazel) bazel_consumer ;;
    cmake) cmake_builds ;;
    quickstart) tools/readme_quickstart_test.sh || failed=$((failed + 1)) ;;
    fuzz) tools/fuzz.sh 15 || failed=$((failed + 1)) ;;
    *) echo "usage: tools/consumer_tests.sh [bazel|cmake|quickstart|fuzz]..." >&2; exit 2 ;;
  esac
done
[ "$failed" -eq 0 ]
