// condition_variable under the scheduler: waiting threads are not runnable
// until notified, a notify with nobody waiting is lost, and a missed wakeup
// is reported as a deadlock naming the condition variable.
#include <string>

#include <catch2/catch.hpp>

#include "scheduler/api/interleave.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"

namespace {

using namespace interleave;
using Catch::Matchers::Contains;

// T0 sets `ready` under the lock and notifies; T1 waits for it.
template <bool kPredicateLoop>
struct Handoff {
  static ModelSpec spec() { return {"test.handoff", "one-shot handoff", {}}; }
  explicit Handoff(const Params&) {}
  int thread_count() const { return 2; }

  mutex lock{"lock"};
  condition_variable ready_cv{"ready_cv"};
  shared<bool> ready{"ready", false};
  shared<int> seen{"seen", 0};

  void thread(int index) {
    if (index == 0) {
      lock_guard guard(lock);
      ready.store(true);
      ready_cv.notify_one();
    } else {
      unique_lock held(lock);
      if constexpr (kPredicateLoop) {
        ready_cv.wait(held, [&] { return ready.load(); });
      } else {
        ready_cv.wait(held);  // bug: does not check `ready` first
      }
      seen.store(1);
    }
  }
  void invariant() { check(seen.load() == 1, "the waiter never saw ready"); }
};

// Two waiters, one notify_all.
struct Broadcast {
  static ModelSpec spec() { return {"test.broadcast", "notify_all wakes every waiter", {}}; }
  explicit Broadcast(const Params&) {}
  int thread_count() const { return 3; }

  mutex lock{"lock"};
  condition_variable go_cv{"go_cv"};
  shared<bool> go{"go", false};
  shared<int> woken{"woken", 0};

  void thread(int index) {
    unique_lock held(lock);
    if (index == 0) {
      go.store(true);
      go_cv.notify_all();
      return;
    }
    go_cv.wait(held, [&] { return go.load(); });
    woken.store(woken.load() + 1);
  }
  void invariant() { check(woken.load() == 2, "woken == {}", woken.load()); }
};

template <Model M>
CheckResult run_all() {
  CheckOptions options;
  options.all = true;
  auto params = make_params<M>();
  REQUIRE(params.ok());
  return check_model<M>(*params, options);
}

}  // namespace

TEST_CASE("a wait with a predicate loop never misses the handoff") {
  CheckResult r = run_all<Handoff<true>>();
  INFO(format_check(r, {}));
  CHECK(r.exhaustive);
  CHECK_FALSE(r.found_bug());
  // Either T0's critical section runs first (T1 then sees ready and does not
  // wait) or T1 waits first and is woken: 2 orders of the two lock
  // acquisitions, and in the second T1's relock is the only choice left.
  CHECK(r.executions == 2);
}

TEST_CASE("a wait without re-checking misses a notify that came first: deadlock") {
  CheckResult r = run_all<Handoff<false>>();
  INFO(format_check(r, {}));
  REQUIRE(r.found_bug());
  const Failure& f = r.first_failure->failure;
  CHECK(f.kind == FailureKind::kDeadlock);
  CHECK_THAT(f.message, Contains("T1 waits on ready_cv (never notified)"));
  CHECK(r.failing_executions == 1);
  CHECK(r.executions == 2);
  // The schedule replays to the same deadlock.
  auto replayed = replay_model<Handoff<false>>(r.first_failure->schedule.to_string());
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(f));
}

TEST_CASE("notify_all wakes every waiter; the relock is a visible lock step") {
  CheckResult r = run_all<Broadcast>();
  INFO(format_check(r, {}));
  CHECK(r.exhaustive);
  CHECK_FALSE(r.found_bug());
  // T0 first: nobody sleeps, T1 and T2 in either order (2). T1 first: it
  // sleeps; then T0 notifies and T1's relock races T2's lock (2), or T2
  // sleeps too and T0 wakes both, whose relocks come in either order (2).
  // T2 first: the same (4). 2 + 4 + 4 = 10.
  CHECK(r.executions == 10);
}

TEST_CASE("a notify reports whom it woke in the trace") {
  auto params = make_params<Handoff<true>>();
  REQUIRE(params.ok());
  // T1 locks and waits first, then T0 notifies: "wakes T1".
  auto replayed = replay_model<Handoff<true>>("test.handoff::v1:11100001111");
  INFO((replayed ? format_replay(*replayed, {}) : replayed.error()));
  REQUIRE(replayed.ok());
  std::string text = format_trace(replayed->trace);
  CHECK_THAT(text, Contains("wait       ready_cv"));
  CHECK_THAT(text, Contains("notify     ready_cv"));
  CHECK_THAT(text, Contains("wakes T1"));
}
