// condition_variable under the scheduler: waiting threads are not runnable
// until notified, a notify with nobody waiting is lost, and a missed wakeup
// is reported as a deadlock naming the condition variable. As C++ says,
// notify_one may wake any waiter, and a wait without a predicate may wake
// spuriously: both are explored.
#include <string>

#include <catch2/catch.hpp>

#include "scheduler/api/interleave.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"
#include "tests/strategy_helpers.h"

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

// notify_one to the wrong waiter: T0 waits for `a`, T1 (only once T0 is
// waiting) for `b`, on one condition variable. T2 sets `a` and notifies one,
// then sets `b` and notifies one. If the first notify wakes T1, which finds
// `b` unset and sleeps again, one of them sleeps forever (the second notify
// wakes only one).
// Waking the longest waiter would always wake T0 first: the bug needs
// notify_one's freedom to wake any waiter. notify_all is the fix.
template <bool kNotifyAll>
struct WrongWaiter {
  static ModelSpec spec() { return {"test.wrong_waiter", "two predicates, one cv", {}}; }
  explicit WrongWaiter(const Params&) {}
  int thread_count() const { return 3; }

  mutex lock{"lock"};
  condition_variable changed{"changed"};
  shared<int> a{"a", 0};
  shared<int> b{"b", 0};
  shared<bool> first_waits{"first_waits", false};

  void notify() {
    if constexpr (kNotifyAll) {
      changed.notify_all();
    } else {
      changed.notify_one();
    }
  }
  void thread(int index) {
    if (index == 0) {
      unique_lock held(lock);
      first_waits.store(true);
      while (a.load() == 0) changed.wait(held);
    } else if (index == 1) {
      unique_lock held(lock);
      if (!first_waits.load()) return;  // only ever waits after T0
      while (b.load() == 0) changed.wait(held);
    } else {
      {
        lock_guard held(lock);
        a.store(1);
        notify();
      }
      lock_guard held(lock);
      b.store(1);
      notify();
    }
  }
  void invariant() {}
};

// `if` instead of `while`, one consumer: correct but for spurious wakeups.
template <bool kLoop>
struct IfWait {
  static ModelSpec spec() { return {"test.if_wait", "if (!ready) wait", {}}; }
  explicit IfWait(const Params&) {}
  int thread_count() const { return 2; }

  mutex lock{"lock"};
  condition_variable ready_cv{"ready_cv"};
  shared<bool> ready{"ready", false};

  void thread(int index) {
    unique_lock held(lock);
    if (index == 0) {
      ready.store(true);
      ready_cv.notify_one();
    } else {
      if constexpr (kLoop) {
        while (!ready.load()) ready_cv.wait(held);
      } else {
        if (!ready.load()) ready_cv.wait(held);  // bug: a spurious wakeup gets past
      }
      check(ready.load(), "woke up without ready");
    }
  }
  void invariant() {}
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
  // T0 first: T1 waits for a notify that came before (deadlock), or wakes
  // spuriously and passes. T1 first: it sleeps and T0 wakes it, or it wakes
  // spuriously and passes. 4 executions, 1 failing.
  CHECK(r.failing_executions == 1);
  CHECK(r.executions == 4);
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

TEST_CASE("notify_one may wake any waiter: the wrong-waiter deadlock is found by every strategy") {
  for (const std::string& strategy : test::kEveryStrategy) {
    INFO(strategy);
    CheckResult r = test::check_with<WrongWaiter<false>>(strategy);
    INFO(format_check(r, {}));
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK(f.failure.kind == FailureKind::kDeadlock);
    // One of the two sleeps forever: the first notify chose T1 over T0, who
    // had waited longer.
    CHECK_THAT(f.failure.message, Contains("waits on changed (never notified)"));
    CHECK_THAT(format_trace(f.trace), Contains("wakes T1 (any of 2 waiting)"));
    CHECK_THAT(f.schedule.to_string(), Contains("/1"));
    auto replayed = replay_model<WrongWaiter<false>>(f.schedule.to_string());
    REQUIRE(replayed.ok());
    REQUIRE(replayed->failure.has_value());
    CHECK(replayed->failure->same_as(f.failure));
  }
  for (const char* strategy : {"dfs", "dpor", "iterative"}) {
    INFO(strategy);
    CheckResult fixed = test::check_with<WrongWaiter<true>>(strategy);
    INFO(format_check(fixed, {}));
    CHECK(fixed.exhaustive);
    CHECK_FALSE(fixed.found_bug());
  }
}

TEST_CASE("a wait without a predicate may wake spuriously: `if` instead of `while` fails") {
  for (const std::string& strategy : test::kEveryStrategy) {
    INFO(strategy);
    CheckResult r = test::check_with<IfWait<false>>(strategy);
    INFO(format_check(r, {}));
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK_THAT(f.failure.message, Contains("woke up without ready"));
    CHECK_THAT(format_trace(f.trace), Contains("wakes spuriously"));
    auto replayed = replay_model<IfWait<false>>(f.schedule.to_string());
    REQUIRE(replayed.ok());
    REQUIRE(replayed->failure.has_value());
    CHECK(replayed->failure->same_as(f.failure));
  }
  // Every execution: T0's critical section first (T1 does not wait), or T1
  // first, whose wait sleeps until T0's notify or wakes spuriously and fails.
  CheckResult every = run_all<IfWait<false>>();
  CHECK(every.exhaustive);
  CHECK(every.executions == 3);
  CHECK(every.failing_executions == 1);
  // The loop re-checks: a spurious wakeup leads back to the same wait
  // unchanged, and that execution is cut short as a repeat.
  CheckResult loop = run_all<IfWait<true>>();
  CHECK(loop.exhaustive);
  CHECK_FALSE(loop.found_bug());
  CHECK(loop.executions == 2);
  CHECK(loop.pruned_executions == 1);
  // Without spurious wakeups the `if` passes, and its replay string says so.
  ExecutionLimits no_spurious;
  no_spurious.spurious_wakeups = false;
  CheckResult off = test::check_with<IfWait<false>>("dfs", no_spurious);
  CHECK(off.exhaustive);
  CHECK_FALSE(off.found_bug());
  CHECK(off.executions == 2);
}

TEST_CASE("a schedule's outcome must fit the operation it is given to") {
  // T1 first; its wait has two outcomes (sleep, or wake spuriously), so 3 is
  // out of range, and T1's lock has one, so any outcome there is wrong.
  auto too_big = replay_model<IfWait<false>>("test.if_wait::v1:111/3");
  REQUIRE_FALSE(too_big.ok());
  CHECK_THAT(too_big.error(), Contains("step 3 takes outcome 3, but its operation has 2 (0 to 1)"));
  auto none = replay_model<IfWait<false>>("test.if_wait::v1:1/111");
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.error(), Contains("step 1 takes outcome 1, but its operation has only one"));
  auto spurious = replay_model<IfWait<false>>("test.if_wait::v1:111/11");
  REQUIRE(spurious.ok());
  REQUIRE(spurious->failure.has_value());
  CHECK_THAT(spurious->failure->message, Contains("woke up without ready"));
}
