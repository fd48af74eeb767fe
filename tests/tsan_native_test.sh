#!/usr/bin/env bash
# ThreadSanitizer on the native engine: TSan reports the data race of the
# racy counter and stays silent on the locked and atomic ones. Run with
#   bazel test --config=tsan //tests:tsan_native_test
# (tagged manual: a plain `bazel test //...` does not build it with TSan).
set -u
bin="$1"

if ! grep -q __tsan_init "$bin"; then
  echo "FAIL: $bin is not built with ThreadSanitizer; run with --config=tsan"
  exit 1
fi

failures=0
run() {  # run NAME ARGS... ; leaves stderr in $err and the status in $status
  err=$(TSAN_OPTIONS="halt_on_error=0" "$bin" native "$@" 2>&1 >/dev/null)
  status=$?
}

run counter.racy --threads 2 --iters 2000 --trials 5
if ! grep -q "WARNING: ThreadSanitizer: data race" <<<"$err"; then
  echo "FAIL: TSan reported no data race on counter.racy"; failures=$((failures + 1))
elif ! grep -q "models::CounterRacy::thread" <<<"$err"; then
  echo "FAIL: the race report does not name CounterRacy::thread"; failures=$((failures + 1))
else
  echo "ok: TSan reports the data race of counter.racy"
fi
[ "$status" -ne 0 ] || { echo "FAIL: counter.racy exited 0 under TSan"; failures=$((failures + 1)); }

for model in counter.locked counter.atomic counter.partitioned; do
  run "$model" --threads 2 --iters 2000 --trials 5
  if grep -q "ThreadSanitizer" <<<"$err"; then
    echo "FAIL: TSan reported something on $model:"; echo "$err" | head -30
    failures=$((failures + 1))
  elif [ "$status" -ne 0 ]; then
    echo "FAIL: $model exited $status"; failures=$((failures + 1))
  else
    echo "ok: TSan is silent on $model"
  fi
done
exit $failures
