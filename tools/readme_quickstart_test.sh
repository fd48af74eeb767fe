#!/usr/bin/env bash
# Follows the README's quick starts ("### With Bazel", "### With CMake")
# literally, as a new user would. For each: its first shell block, run from
# this clone, builds a project of its own in ~ (here HOME is a fresh
# temporary folder, so Bazel and CMake also start from nothing); each line of
# its second block is then run in that project and must end as the README
# says: `check`, `replay` and `relacy` find the bug (exit 1), `native` may or
# may not see it (0 or 1), anything else succeeds (0). A replay string the
# README shows must be the one `check` printed.
# Prints "consumer: README quick start ...: PASSED|FAILED" lines, which
# .ci/run counts; exits 1 if any failed.
#
# Usage: tools/readme_quickstart_test.sh [bazel|cmake]... (default: both)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
home=$(mktemp -d)
failed=0
cleanup() {
  (cd "$home/lazy-init" 2>/dev/null && HOME=$home bazel shutdown) >/dev/null 2>&1
  chmod -R u+w "$home" 2>/dev/null
  rm -rf "$home"
}
trap cleanup EXIT

result() {  # result NAME STATUS [LOG]
  if [ "$2" -eq 0 ]; then
    echo "consumer: README quick start $1 PASSED"
  else
    echo "consumer: README quick start $1 FAILED"
    if [ -n "${3:-}" ] && [ -f "$3" ]; then tail -n 40 "$3" | sed 's/^/    /'; fi
    failed=$((failed + 1))
  fi
}

# block HEADING N: the Nth ```sh block after the line HEADING, before the next heading.
block() {
  awk -v heading="$1" -v want="$2" '
    $0 == heading { inside = 1; next }
    !inside { next }
    /^```/ {
      if (fence) { fence = 0; if (on) exit; next }
      fence = 1; if ($0 == "```sh" && ++n == want) on = 1; next
    }
    !fence && /^#/ { exit }
    on { print }' README.md
}

# quickstart NAME HEADING PROJECT_DIR
quickstart() {
  local name=$1 heading=$2 project=$3
  local setup commands
  setup=$(block "$heading" 1)
  commands=$(block "$heading" 2)
  if [ -z "$setup" ] || [ -z "$commands" ]; then
    result "($name): its two shell blocks" 1
    return
  fi
  local log="$home/$name-setup.log"
  # Under tools/consumer_tests.sh, a disk cache shared with the Bazel consumer
  # example saves compiling @interleave twice; it changes no result.
  if [ -n "${INTERLEAVE_CI_DISK_CACHE:-}" ] && [ ! -f "$home/.bazelrc" ]; then
    echo "build --disk_cache=$INTERLEAVE_CI_DISK_CACHE" >"$home/.bazelrc"
  fi
  (cd "$root" && HOME=$home bash -euo pipefail -c "$setup") >"$log" 2>&1
  result "($name): the project is created and built" $? "$log"
  [ -d "$project" ] || return

  local n=0 line status expected ok e printed
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    n=$((n + 1))
    log="$home/$name-command$n.log"
    (cd "$project" && HOME=$home bash -c "$line") >"$log" 2>&1
    status=$?
    case "$line" in
      *" check "*|*" replay "*|*" relacy "*) expected="1" ;;
      *" native "*) expected="0 1" ;;
      *) expected="0" ;;
    esac
    ok=1
    for e in $expected; do [ "$status" -eq "$e" ] && ok=0; done
    [ $ok -eq 0 ] || echo "exit status $status, expected ${expected// / or }" >>"$log"
    if [ $ok -eq 0 ] && [[ "$line" == *" check "* ]]; then
      # The replay string the README shows is the one check printed.
      printed=$(grep -oE "replay '[^']+'" <<<"$commands" | head -n 1)
      if [ -n "$printed" ] && ! grep -qF -- " $printed" "$log"; then
        echo "check does not print the README's $printed" >>"$log"
        ok=1
      fi
    fi
    result "($name): $line" $ok "$log"
  done <<<"$commands"
}

parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(bazel cmake)
for part in "${parts[@]}"; do
  case "$part" in
    bazel) quickstart bazel "### With Bazel" "$home/lazy-init" ;;
    cmake) quickstart cmake "### With CMake" "$home/account" ;;
    *) echo "usage: tools/readme_quickstart_test.sh [bazel|cmake]..." >&2; exit 2 ;;
  esac
done
[ "$failed" -eq 0 ]
