#!/usr/bin/env bash
# The whole command line over instrumented code (interleave_cc_binary,
# interleave_add_instrumented_binary), $1 built from tests/instrumented/
# buffer_pool.cc and lazy_init.cc: `list` names the tests, `check` finds the
# ABA of buffer_pool_aba (exit status 1) and prints a replay command whose
# schedule, replayed, fails the same way (exit status 1); the tagged pool
# passes (exit status 0).
set -uo pipefail
program=$1
fail() { echo "FAIL: $*"; exit 1; }

list=$("$program" list 2>&1) || fail "list: exit status $?: $list"
for name in buffer_pool_aba buffer_pool_tagged lazy_init_plain_flag lazy_init_atomic_flag; do
  grep -q "$name" <<<"$list" || fail "list does not name $name: $list"
done

out=$("$program" check buffer_pool_aba --strategy dfs 2>&1)
status=$?
echo "$out"
[ "$status" -eq 1 ] || fail "check buffer_pool_aba: exit status $status, expected 1"
grep -q "the pool lost track of its buffers" <<<"$out" || fail "check does not report the ABA"
schedule=$(grep -oE "replay '[^']+'" <<<"$out" | head -n 1 | sed -E "s/^replay '(.*)'$/\1/")
[ -n "$schedule" ] || fail "check printed no replay command"

out=$("$program" replay "$schedule" 2>&1)
status=$?
echo "$out"
[ "$status" -eq 1 ] || fail "replay '$schedule': exit status $status, expected 1"
grep -q "the pool lost track of its buffers" <<<"$out" || fail "replay does not fail the same way"

out=$("$program" check buffer_pool_tagged --strategy dfs 2>&1)
status=$?
[ "$status" -eq 0 ] || fail "check buffer_pool_tagged: exit status $status, expected 0: $out"
echo "ok: the ABA found and replayed, the tagged pool passes"
