#!/usr/bin/env bash
# `interleave check --html FILE`: the page renders in headless Chromium (Debian's
# chromium, fresh --user-data-dir) with the lanes T0 and T1, the key steps of the
# lost update highlighted, the context switches, and the replay string.
# Skips (exit 0, with a message) only when /usr/bin/chromium is missing.
set -uo pipefail
bin="$1"
CHROMIUM=/usr/bin/chromium
if [[ ! -x "$CHROMIUM" ]]; then
  echo "SKIPPED: $CHROMIUM is missing (tools/setup.sh installs Debian's chromium)"
  exit 0
fi
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$bin" check counter.racy --threads 2 --iters 1 --html "$tmp/report.html" >"$tmp/out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "check exit status $rc, expected 1: $(cat "$tmp/out")"
[[ -s "$tmp/report.html" ]] || fail "no page written"
grep -qiE '<(script|link|img)[^>]+(src|href)=' "$tmp/report.html" && fail "page loads external resources"
grep -qE 'https?://' "$tmp/report.html" && fail "page names a network address"

profile="$tmp/chromium-profile"
rm -rf "$profile"; mkdir -p "$profile"
export HOME="$tmp"
timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --user-data-dir="$profile" \
  --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>"$tmp/chromium.err"
rc=$?
[[ $rc -eq 0 && -s "$tmp/dom.html" ]] ||
  fail "chromium --dump-dom failed (status $rc): $(tail -5 "$tmp/chromium.err")"
dom=$(cat "$tmp/dom.html")
has() { grep -qF -- "$1" <<<"$dom" || fail "rendered page lacks: $1"; }

# One lane per thread.
has '<th class="lane" id="lane-T0">T0</th>'
has '<th class="lane" id="lane-T1">T1</th>'
grep -q 'id="lane-T2"' <<<"$dom" && fail "a third lane for a 2-thread model"
# Every step of the lost update is a key access, in its thread's lane.
for step_thread in 1:T0 2:T1 3:T1 4:T0; do
  step=${step_thread%%:*}; thread=${step_thread##*:}
  row=$(grep "<tr id=\"step-$step\"" <<<"$dom") || fail "no row for step $step"
  grep -qF "<td class=\"cell key\" data-thread=\"$thread\">" <<<"$row" ||
    fail "step $step is not a highlighted key access in lane $thread: $row"
done
# Context switches at steps 2 and 4, not at 1 and 3.
has '<tr id="step-2" class="switch">'
has '<tr id="step-4" class="switch">'
grep -qF '<tr id="step-3" class="switch">' <<<"$dom" && fail "step 3 marked as a switch"
# The failure, the explanation and the replay string.
has 'FAIL lost update: 2 increments, counter == 1'
has 'lost update on counter'
has "bazel run //:interleave -- replay 'counter.racy:t2,i1:v1:0110'"
has '<code id="schedule">counter.racy:t2,i1:v1:0110</code>'
# The inline script ran.
has '<span id="summary">4 key accesses, 2 context switches</span>'
echo "PASS: the page shows lanes T0 and T1, key steps 1-4, switches at 2 and 4, the replay string"
