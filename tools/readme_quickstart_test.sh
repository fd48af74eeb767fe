#!/usr/bin/env bash
# Follows the README's quick start ("### With Bazel") literally, as a new
# user would: its first shell block, run from this clone, creates a
# workspace in ~/lazy-init (here HOME is a fresh temporary folder, so Bazel
# also starts from an empty cache); each line of its second block is then
# run there and must end as the README says: `check` and `replay` find the
# bug (exit 1), `bazel test` passes (0), `relacy` finds it (1), `native` may
# or may not see it (0 or 1). The replay string the README shows must be
# the one `check` prints.
# Prints "consumer: README quick start: ... PASSED|FAILED" lines, which
# .ci/run counts; exits 1 if any failed.
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
    echo "consumer: README quick start: $1 PASSED"
  else
    echo "consumer: README quick start: $1 FAILED"
    if [ -n "${3:-}" ] && [ -f "$3" ]; then tail -n 40 "$3" | sed 's/^/    /'; fi
    failed=$((failed + 1))
  fi
}

# block N: the Nth ```sh block after the heading "### With Bazel".
block() {
  awk -v want="$1" '
    /^### With Bazel/ { inside = 1; next }
    inside && /^##/ { exit }
    inside && /^```sh/ { n++; if (n == want) { on = 1; next } }
    on && /^```/ { exit }
    on { print }' README.md
}

setup=$(block 1)
commands=$(block 2)
if [ -z "$setup" ] || [ -z "$commands" ]; then
  result "found its two shell blocks" 1
  exit 1
fi

log="$home/setup.log"
(cd "$root" && HOME=$home bash -euo pipefail -c "$setup") >"$log" 2>&1
result "the workspace is created" $? "$log"
[ -d "$home/lazy-init" ] || exit 1

n=0
while IFS= read -r line; do
  [ -z "$line" ] && continue
  n=$((n + 1))
  log="$home/command$n.log"
  (cd "$home/lazy-init" && HOME=$home bash -c "$line") >"$log" 2>&1
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
    # The replay string the README shows is the one check prints.
    shown=$(grep -oE "replay '[^']+'" <<<"$commands" | head -n 1)
    if ! grep -qF -- "-- $shown" "$log"; then
      echo "check does not print the README's $shown" >>"$log"
      ok=1
    fi
  fi
  result "$line" $ok "$log"
done <<<"$commands"

[ "$failed" -eq 0 ]
