#!/usr/bin/env bash
# An instrumented test program ($1) must not load ThreadSanitizer's runtime,
# and must export its own pthread_create and pthread_mutex_lock, so that
# libstdc++'s calls (std::thread) reach interleave's runtime.
set -euo pipefail
program=$1
if ldd "$program" | grep -q libtsan; then
  echo "FAIL: $program loads libtsan:"
  ldd "$program" | grep libtsan
  exit 1
fi
for symbol in pthread_create pthread_mutex_lock; do
  if ! nm -D --defined-only "$program" | grep -qE " T ${symbol}$"; then
    echo "FAIL: $program does not export its own $symbol"
    exit 1
  fi
done
echo "ok: no libtsan; pthread_create and pthread_mutex_lock are the program's own"
