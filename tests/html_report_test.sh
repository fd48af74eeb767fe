#!/usr/bin/env bash
# `interleave check --html FILE`: the page renders in headless Chromium (Debian's
# chromium, fresh --user-data-dir) with the lanes T0 and T1, the key steps of the
# lost update (race detection off) highlighted, the context switches, and the replay string; a passing
# check's page shows the verdict and what was covered.
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

"$bin" check counter.racy --threads 2 --iters 1 --no-race-detection --html "$tmp/report.html" >"$tmp/out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "check exit status $rc, expected 1: $(cat "$tmp/out")"
[[ -s "$tmp/report.html" ]] || fail "no page written"
grep -qiE '<(script|link|img)[^>]+(src|href)=' "$tmp/report.html" && fail "page loads external resources"
grep -qE 'https?://' "$tmp/report.html" && fail "page names a network address"

# render PAGE DOM: the DOM of PAGE after headless Chromium has loaded it.
render() {
  local profile="$tmp/chromium-profile"
  rm -rf "$profile"; mkdir -p "$profile"
  HOME="$tmp" timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$profile" \
    --dump-dom "file://$1" >"$2" 2>"$tmp/chromium.err"
  local rc=$?
  [[ $rc -eq 0 && -s "$2" ]] ||
    fail "chromium --dump-dom $1 failed (status $rc): $(tail -5 "$tmp/chromium.err")"
}
render "$tmp/report.html" "$tmp/dom.html"
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
# What the failing check covered: it stopped at the first failure.
has '<tr id="cov-schedules"><th>schedules</th><td>stopped at the first failure</td></tr>'
has '<tr id="cov-failing"><th>failing executions</th><td>1</td></tr>'

# A passing check: the verdict of the text report and what was covered, no trace.
"$bin" check counter.locked --threads 2 --iters 2 --strategy dfs --html "$tmp/pass.html" \
  >"$tmp/pass.out" 2>&1
rc=$?
[[ $rc -eq 0 ]] || fail "passing check exit status $rc, expected 0: $(cat "$tmp/pass.out")"
grep -qE 'https?://' "$tmp/pass.html" && fail "passing page names a network address"
render "$tmp/pass.html" "$tmp/pass-dom.html"
dom=$(cat "$tmp/pass-dom.html")
verdict=$(grep '^PASS' "$tmp/pass.out")
[[ "$verdict" == "PASS no bug found: explored all 6 executions ("* ]] ||
  fail "text verdict: $verdict"
has "<p class=\"verdict pass\" id=\"verdict\">$verdict</p>"
has '<table class="coverage" id="coverage">'
has '<tr id="cov-strategy"><th>strategy</th><td>dfs</td></tr>'
has '<tr id="cov-schedules"><th>schedules</th><td>every schedule explored</td></tr>'
has '<tr id="cov-executions"><th>executions</th><td>6</td></tr>'
has '<tr id="cov-steps"><th>steps</th><td>96</td></tr>'
grep -qF 'class="trace"' <<<"$dom" && fail "a passing page with a trace table"
grep -qF 'verdict fail' <<<"$dom" && fail "a passing page with a failing verdict"

# A pass within a budget says what it did not cover, and the seed that reruns it.
"$bin" check counter.locked --strategy random --seed 7 --executions 20 --html "$tmp/budget.html" \
  >"$tmp/budget.out" 2>&1
rc=$?
[[ $rc -eq 0 ]] || fail "budgeted check exit status $rc: $(cat "$tmp/budget.out")"
page=$(cat "$tmp/budget.html")
for text in 'PASS no bug found in 20 random executions (seed 7) within budget (--executions 20); not every schedule was covered' \
    '<tr id="cov-schedules"><th>schedules</th><td>not every schedule was covered</td></tr>' \
    '<tr id="cov-budget"><th>stopped by budget</th><td>--executions 20</td></tr>' \
    '<tr id="cov-seed"><th>seed</th><td>7 (rerun: --strategy random --seed 7)</td></tr>'; do
  grep -qF -- "$text" <<<"$page" || fail "budgeted passing page lacks: $text"
done
# A budget that stops an exhaustive strategy: verdict incomplete (exit 3), not a pass.
"$bin" check counter.locked --threads 3 --iters 2 --strategy dfs --executions 10 \
  --html "$tmp/incomplete.html" >"$tmp/incomplete.out" 2>&1
rc=$?
[[ $rc -eq 3 ]] || fail "incomplete check exit status $rc, expected 3: $(cat "$tmp/incomplete.out")"
page=$(cat "$tmp/incomplete.html")
verdict=$(grep '^NO BUG FOUND' "$tmp/incomplete.out")
[[ "$verdict" == "NO BUG FOUND in 10 executions ("*"), but --executions 10 stopped the run before it was exhaustive (raise --executions, or drop it)" ]] ||
  fail "incomplete text verdict: $verdict"
for text in "<p class=\"verdict incomplete\" id=\"verdict\">$verdict</p>" \
    '<tr id="cov-limit"><th>incomplete: stopped by</th><td>--executions 10 (raise --executions, or drop it)</td></tr>'; do
  grep -qF -- "$text" <<<"$page" || fail "incomplete page lacks: $text"
done
grep -qF 'verdict pass' <<<"$page" && fail "an incomplete page with a passing verdict"

echo "PASS: the failing page shows lanes T0 and T1, key steps 1-4, switches at 2 and 4, the replay string; passing pages show the verdict and the coverage"

