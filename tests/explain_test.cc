// explain(): context switches and the key conflicting accesses of a failure.
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/builtin.h"
#include "scheduler/reports/explain.h"
#include "scheduler/api/interleave.h"
#include "scheduler/reports/report.h"
#include "tests/test_models.h"

using namespace interleave;
using test::Abba;

namespace {

FoundFailure find_failure(const std::string& name, std::vector<std::pair<std::string, int64_t>> values) {
  auto model = models::builtin().find(name);
  REQUIRE(model.ok());
  auto params = Params::make(name, (*model)->spec.params, values);
  REQUIRE(params.ok());
  auto runner = (*model)->make_runner(*params);
  CheckOptions options;
  options.strategy = "dfs";
  // The rules for interleaving bugs; a data race's rule is tested in
  // race_detection_test.cc.
  options.limits.detect_races = false;
  CheckResult r = check((*model)->spec, *params, *runner, options);
  INFO(format_check(r, options));
  REQUIRE(r.first_failure);
  return *r.first_failure;
}

std::vector<size_t> switches(const Explanation& e) {
  std::vector<size_t> out;
  for (size_t i = 0; i < e.marks.size(); ++i) {
    if (e.marks[i].context_switch) out.push_back(i + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("counter.racy 2x1: both loads and both stores are key, two switches", "[explain]") {
  FoundFailure f = find_failure("counter.racy", {{"threads", 2}, {"iters", 1}});
  REQUIRE(f.trace.size() == 4);
  Explanation e = explain(f.trace, &f.failure);
  INFO(e.summary);
  CHECK(e.key_steps == std::vector<size_t>{1, 2, 3, 4});
  // Steps 1 and 2 are the loads that read the same value; 3 and 4 the stores.
  CHECK(f.trace[0].read == f.trace[1].read);
  CHECK(switches(e) == std::vector<size_t>{2, 4});
  CHECK(e.summary ==
        "lost update on counter: T0 read 0 (step 1), T1 read 0 (step 2), T1 wrote 1 (step 3), "
        "then T0 wrote 1 (step 4) over it");
  std::string text = format_failure_trace(f.trace, f.failure);
  CHECK_THAT(text, Catch::Contains("models/counter.h:37  -> *"));
  CHECK_THAT(text, Catch::Contains("why: lost update on counter"));
}

TEST_CASE("list.check_then_pop: the check, the other thread's pop and the stale pop", "[explain]") {
  FoundFailure f = find_failure("list.check_then_pop", {});
  Explanation e = explain(f.trace, &f.failure);
  INFO(format_failure_trace(f.trace, f.failure));
  REQUIRE(e.key_steps.size() == 4);
  const TraceStep& check = f.trace[e.key_steps[0] - 1];
  const TraceStep& other_read = f.trace[e.key_steps[1] - 1];
  const TraceStep& other_write = f.trace[e.key_steps[2] - 1];
  const TraceStep& again = f.trace[e.key_steps[3] - 1];
  CHECK(check.thread == f.failure.thread);
  CHECK(check.op.kind == OpKind::kLoad);
  CHECK(other_read.thread != check.thread);
  CHECK(other_read.op.kind == OpKind::kLoad);
  CHECK(other_read.read == check.read);  // both saw the same size
  CHECK(other_write.thread == other_read.thread);
  CHECK(other_write.op.kind == OpKind::kStore);
  CHECK(again.thread == check.thread);
  CHECK(again.read != check.read);
  for (size_t k : e.key_steps) CHECK(std::string(f.trace[k - 1].op.name) == "size");
  CHECK_THAT(e.summary, Catch::StartsWith("stale check on size: T0 read 1"));
}

TEST_CASE("a passing trace has switches but no key steps", "[explain]") {
  FoundFailure f = find_failure("counter.racy", {{"threads", 2}, {"iters", 1}});
  Explanation e = explain(f.trace, nullptr);
  CHECK(e.key_steps.empty());
  CHECK(e.summary.empty());
  CHECK(switches(e) == std::vector<size_t>{2, 4});
  CHECK(explain({}, nullptr).marks.empty());
}

// ---------------------------------------------------------------------------
// Test-only models.

namespace {

// T0 and T1 lose an update of `counter`; T2, a bystander, stores `work`
// times to an object of its own and has nothing to do with the failure.
struct Bystander {
  static ModelSpec spec() {
    return {"test.bystander", "a lost update beside a thread doing unrelated work",
            {{"work", "w", 6, 0, 20, "stores by the bystander T2"}}, /*buggy=*/true};
  }
  explicit Bystander(const Params& p) : work(static_cast<int>(p.get("work"))) {}
  int thread_count() const { return 3; }
  void thread(int index) {
    if (index == 2) {
      for (int i = 0; i < work; ++i) other.store(i);
      return;
    }
    int value = counter.load();
    counter.store(value + 1);
  }
  void invariant() { check(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  int work;
  shared<int> counter{"counter", 0};
  shared<int> other{"other", 0};
};

// T0 checks once that T1 has not set the flag yet: no stale value (T0
// reads the flag once), so the fallback rule explains it.
struct SeenTooLate {
  static ModelSpec spec() { return {"test.seen_too_late", "T0 sees T1's flag", {}, true}; }
  explicit SeenTooLate(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 1) {
      flag.store(1);
    } else {
      check(flag.load() == 0, "T0 saw the flag");
    }
  }
  void invariant() {}
  shared<int> flag{"flag", 0};
};

template <class M>
CheckResult dfs_check_of(std::vector<std::pair<std::string, int64_t>> values = {},
                         CheckOptions options = {}) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  options.strategy = "dfs";
  options.limits.detect_races = false;
  return check_model<M>(*params, options);
}

// The numbered trace lines of a text report, as "step thread" pairs
// ("5 T2"), and the folded lines.
std::vector<std::string> shown_steps(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    at = end == std::string::npos ? text.size() : end + 1;
    size_t digit = line.find_first_not_of(' ');
    if (digit == std::string::npos || line.size() < 7) continue;
    if (line.compare(digit, 3, "...") == 0 || std::isdigit(static_cast<unsigned char>(line[digit]))) {
      size_t space = line.find(' ', digit);
      size_t t = line.find('T', space);
      out.push_back(line.substr(digit, space - digit) + " " +
                    line.substr(t, line.find(' ', t) - t));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("folding: a bystander thread's steps are one line; --full-trace shows them",
          "[explain][fold]") {
  CheckResult r = dfs_check_of<Bystander>();
  REQUIRE(r.first_failure);
  const FoundFailure& f = *r.first_failure;
  INFO(format_check(r, CheckOptions{}));
  // The shrunk lost update: T0 and T1 interleave, T2 runs its 6 stores in
  // one block at the end: 10 steps.
  REQUIRE(f.trace.size() == 10);
  Explanation e = explain(f.trace, &f.failure);
  CHECK(e.key_steps == std::vector<size_t>{1, 2, 3, 4});
  std::vector<FoldedRange> folds = fold_ranges(f.trace, f.failure, e);
  // Step 5 is T2 taking over (a context switch, shown); 6-10 are folded.
  REQUIRE(folds.size() == 1);
  CHECK(folds[0].first == 5);
  CHECK(folds[0].last == 9);
  for (size_t i = 4; i < 10; ++i) CHECK(f.trace[i].thread == 2);

  std::string folded = format_check(r, CheckOptions{});
  CHECK_THAT(folded,
             Catch::Contains("\n   ...  T2     5 steps folded (6-10); --full-trace shows them\n"));
  CHECK(shown_steps(folded) ==
        std::vector<std::string>{"1 T0", "2 T1", "3 T1", "4 T0", "5 T2", "... T2"});

  CheckOptions full;
  full.full_trace = true;
  std::string unfolded = format_check(r, full);
  CHECK_THAT(unfolded, !Catch::Contains("folded"));
  CHECK(shown_steps(unfolded).size() == 10);
  // Everything but the trace is the same.
  CHECK(unfolded.substr(0, unfolded.find("  step")) == folded.substr(0, folded.find("  step")));
  CHECK(unfolded.substr(unfolded.find("  marks:")) == folded.substr(folded.find("  marks:")));
}

TEST_CASE("folding only when it saves at least 3 lines", "[explain][fold]") {
  // work=4: T2's step 5 is shown (a switch), 6-8 are only 3 steps: one line
  // for three saves two, so nothing is folded. work=5 folds 6-9.
  CheckResult four = dfs_check_of<Bystander>({{"work", 4}});
  REQUIRE(four.first_failure);
  CHECK(four.first_failure->trace.size() == 8);
  CHECK_THAT(format_check(four, CheckOptions{}), !Catch::Contains("folded"));
  CheckResult five = dfs_check_of<Bystander>({{"work", 5}});
  REQUIRE(five.first_failure);
  CHECK_THAT(format_check(five, CheckOptions{}),
             Catch::Contains("T2     4 steps folded (6-9); --full-trace shows them"));
}

TEST_CASE("folding never hides the threads that matter", "[explain][fold]") {
  // Every step of the lost update is key: nothing to fold even when long.
  FoundFailure racy = find_failure("counter.racy", {{"threads", 2}, {"iters", 3}});
  Explanation e = explain(racy.trace, &racy.failure);
  CHECK(fold_ranges(racy.trace, racy.failure, e).empty());
  // A lost wakeup: the notifying thread has a key step, the other is blocked.
  FoundFailure missed = find_failure("queue.missed_wakeup", {});
  Explanation none = explain(missed.trace, &missed.failure);
  REQUIRE_FALSE(none.key_steps.empty());
  CHECK(fold_ranges(missed.trace, missed.failure, none).empty());
  CHECK_THAT(format_failure_trace(missed.trace, missed.failure), !Catch::Contains("folded"));
  // A passing trace is never folded.
  CHECK_THAT(format_trace(missed.trace), !Catch::Contains("folded"));
}

TEST_CASE("deadlock rule: the step that took each awaited lock is key", "[explain]") {
  CheckResult r = dfs_check_of<Abba>();
  REQUIRE(r.first_failure);
  const FoundFailure& f = *r.first_failure;
  REQUIRE(f.failure.kind == FailureKind::kDeadlock);
  // T0 locks a, T1 locks b; each then waits for the other's lock.
  REQUIRE(f.schedule.to_string() == "test.abba::v1:01");
  Explanation e = explain(f.trace, &f.failure);
  CHECK(e.key_steps == std::vector<size_t>{1, 2});
  CHECK(e.summary ==
        "deadlock: T0 waits for b, which T1 locked at step 2; T1 waits for a, which T0 locked "
        "at step 1");
  std::string text = format_failure_trace(f.trace, f.failure);
  CHECK_THAT(text, Catch::Contains("--  T0     lock       b"));
  CHECK_THAT(text, Catch::Contains("--  T1     lock       a"));
  CHECK_THAT(text, Catch::Contains("why: deadlock: T0 waits for b"));
}

TEST_CASE("fallback rule: the failing thread's last access and the conflicting one before it",
          "[explain]") {
  CheckResult r = dfs_check_of<SeenTooLate>();
  REQUIRE(r.first_failure);
  const FoundFailure& f = *r.first_failure;
  CHECK(f.failure.thread == 0);
  // T1 stores the flag, then T0 loads it.
  REQUIRE(f.schedule.to_string() == "test.seen_too_late::v1:10");
  Explanation e = explain(f.trace, &f.failure);
  CHECK(e.key_steps == std::vector<size_t>{1, 2});
  CHECK(e.summary == "T0's load of flag (step 2) conflicts with T1's store (step 1)");
  // No rule applies to a failure that names no thread and is no deadlock.
  Failure anonymous = f.failure;
  anonymous.thread = kNoThread;
  Explanation nothing = explain(f.trace, &anonymous);
  CHECK(nothing.key_steps.empty());
  CHECK(nothing.summary.empty());
}

TEST_CASE("deadlock rule: a lost wakeup marks the wait and the notify nobody heard",
          "[explain]") {
  FoundFailure f = find_failure("queue.missed_wakeup", {});
  REQUIRE(f.failure.kind == FailureKind::kDeadlock);
  INFO(format_failure_trace(f.trace, f.failure));
  Explanation e = explain(f.trace, &f.failure);
  // T0 notifies first (step 1, nobody waits), then T1 checks and waits (4).
  CHECK(e.key_steps == std::vector<size_t>{1, 4});
  CHECK(e.summary ==
        "deadlock: T1 waits on queue.not_empty since step 4, and no notify came after (lost "
        "wakeup: T0 notified at step 1 with nobody waiting)");
}

namespace {

// Check, then withdraw with fetch_sub: the withdrawal reads the current
// balance, so nothing is overwritten, but it acts on a stale check.
struct Overdraft {
  static ModelSpec spec() { return {"test.overdraft", "check, then fetch_sub", {}}; }
  explicit Overdraft(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    if (balance.load() >= 60) balance.fetch_sub(60);
  }
  void invariant() { check(balance.load() >= 0, "overdrawn"); }
  atomic<int> balance{"balance", 100};
};

}  // namespace

TEST_CASE("stale-check rule: a read-modify-write that acts on a stale check is no lost update",
          "[explain]") {
  auto params = make_params<Overdraft>();
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = "dfs";
  options.shrink = false;
  CheckResult r = check_model<Overdraft>(*params, options);
  REQUIRE(r.first_failure);
  // DFS's first failing schedule: T0 checks, T1 checks and withdraws, T0 withdraws.
  const FoundFailure& f = *r.first_failure;
  Explanation e = explain(f.trace, &f.failure);
  CHECK(e.summary ==
        "stale check on balance: T0 read 100 (step 1), T1 read 100 (step 2), T1 wrote 40 "
        "(step 3), then T0 acted on what it had read with fetch_add 40 -> -20 (step 4): the "
        "value changed between T0's check and its update");
  CHECK(e.key_steps == std::vector<size_t>{1, 2, 3, 4});
}
