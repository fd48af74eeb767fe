#!/bin/bash
# Smoke test of //bench:scheduler_bench: `--quick` must exit 0 and print every
# table header. Timings are deliberately not checked.
set -u
bench="$1"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

if ! "$bench" --quick >"$out" 2>&1; then
  echo "FAIL: scheduler_bench --quick exited non-zero; output:"
  cat "$out"
  exit 1
fi

status=0
for header in \
    "== 1. Boost.Context fiber switch" \
    "ns/switch" \
    "== 2. DFS exploration rate ==" \
    "-- 2a. interleave::check_model" \
    "-- 2b. engine only" \
    "executions/s" \
    "steps/s" \
    "ns/exec" \
    "counter.locked  2x2" \
    "counter.locked  3x2" \
    "counter.atomic  2x2" \
    "target: >= 1,000,000 executions/s on counter.locked 2x2" \
    "== 3. Memory over repeated checks of counter.locked 2x2 ==" \
    "ru_maxrss KiB" \
    "VmRSS KiB" \
    "Data-race detection cost" \
    "done"; do
  if ! grep -qF -- "$header" "$out"; then
    echo "FAIL: output lacks '$header'"
    status=1
  fi
done
if [[ $status -ne 0 ]]; then
  echo "--- output ---"
  cat "$out"
else
  echo "PASS: scheduler_bench --quick printed every header"
fi
exit $status
