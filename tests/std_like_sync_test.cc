// interleave::std_like's synchronisation types under the checker, each used
// correctly (passes every strategy, and natively on real threads) and wrongly
// (every strategy finds the bug): condition_variable(_any) (timeouts,
// spurious wakeups), recursive_mutex, timed mutexes (timeouts),
// shared_mutex, scoped_lock, counting_semaphore, latch, barrier, call_once,
// atomic wait/notify (notify_one wakes any one waiter), jthread and
// stop_token.
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <interleave/std.h>

#include "native/engine.h"
#include "scheduler/api/interleave.h"
#include "scheduler/strategies/explorer.h"
#include "tests/strategy_helpers.h"

namespace {

using namespace interleave;
namespace sync = interleave::std_like;

using test::check_with;
using test::kEveryStrategy;

// Correct passes every strategy and runs natively without failing; Broken
// fails under every strategy with a message that starts with `message`
// (FailureKind `kind`).
template <Model Correct, Model Broken>
void correct_and_broken(FailureKind kind, const std::string& message) {
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult ok = check_with<Correct>(strategy);
    if (ok.found_bug()) FAIL(ok.first_failure->failure.message);
    CHECK(ok.error.empty());
    CheckResult bad = check_with<Broken>(strategy);
    REQUIRE(bad.found_bug());
    CAPTURE(bad.first_failure->failure.message);
    if (kind == FailureKind::kDeadlock && bad.first_failure->failure.kind == FailureKind::kCheck) {
      // A wait that may also wake spuriously: the spurious wakeup can come first.
      CHECK(bad.first_failure->failure.message == "woken before the hand-off");
    } else {
      CHECK(bad.first_failure->failure.kind == kind);
      CHECK(bad.first_failure->failure.message.starts_with(message));
    }
  }
  auto params = make_params<Correct>({});
  REQUIRE(params.ok());
  NativeOptions native;
  native.trials = 200;
  NativeResult result = run_native_model<Correct>(*params, native);
  CAPTURE(result.first_failure, result.hang);
  CHECK_FALSE(result.found_bug());
  CHECK(result.trials == 200);
}

// --- condition_variable: a one-shot hand-off, waited for with a predicate
// (correct) or with a bare wait (the notify can come first and be lost).
template <bool WithPredicate, class ConditionVariable>
struct HandOff {
  static ModelSpec spec() { return {"std_like.hand_off", "cv hand-off", {}}; }
  explicit HandOff(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      {
        sync::lock_guard hold(guard);
        ready = true;
      }
      changed.notify_one();
    } else {
      sync::unique_lock<sync::mutex> lock(guard);
      if (WithPredicate) {
        changed.wait(lock, [&] { return ready; });
      } else {
        changed.wait(lock);
      }
      INTERLEAVE_CHECK(ready, "woken before the hand-off");
    }
  }
  void invariant() {}
  sync::mutex guard;
  ConditionVariable changed;
  bool ready = false;  // guarded by `guard`
};

// The bare wait misses the notify (a deadlock) or wakes spuriously (the
// check); without spurious wakeups only the deadlock is left.
template <class ConditionVariable>
void hand_off_checks() {
  correct_and_broken<HandOff<true, ConditionVariable>, HandOff<false, ConditionVariable>>(
      FailureKind::kDeadlock, "deadlock");
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    ExecutionLimits no_spurious;
    no_spurious.spurious_wakeups = false;
    CheckResult bad = check_with<HandOff<false, ConditionVariable>>(strategy, no_spurious);
    REQUIRE(bad.found_bug());
    CHECK(bad.first_failure->failure.kind == FailureKind::kDeadlock);
  }
}

TEST_CASE("std_like::condition_variable: a predicate wait passes; a bare wait misses the notify",
          "[std_like]") {
  hand_off_checks<sync::condition_variable>();
}

TEST_CASE("std_like::condition_variable_any: the same with its internal mutex", "[std_like]") {
  hand_off_checks<sync::condition_variable_any>();
}

// --- wait_for with a predicate may time out: T0 sets `ready` under the
// mutex, then notifies; T1 waits for it. Strict relies on the timeout never
// firing (it checks that the wait returned true); the other handles it.
template <bool Strict, class ConditionVariable>
struct TimedHandOff {
  static ModelSpec spec() { return {"std_like.timed_hand_off", "wait_for", {}}; }
  explicit TimedHandOff(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      {
        sync::lock_guard hold(guard);
        ready = true;
      }
      changed.notify_one();
    } else {
      sync::unique_lock<sync::mutex> lock(guard);
      bool got = changed.wait_for(lock, std::chrono::seconds(5), [&] { return ready; });
      INTERLEAVE_CHECK(lock.owns_lock(), "wait_for returned without the lock");
      INTERLEAVE_CHECK(got == ready, "wait_for returned {} with ready {}", got, ready);
      if (Strict) INTERLEAVE_CHECK(got, "timed out before the hand-off");
    }
  }
  void invariant() {}
  sync::mutex guard;
  ConditionVariable changed;
  bool ready = false;  // guarded by `guard`
};

// Counted by hand (T0: lock, unlock, notify; T1: lock, and if not ready:
// wait, then the relock, which times out unless the notify came first).
// T0 locks first: T1 finds ready and never waits: T1's lock after T0's
// unlock, before or after the notify, or after both: 3. T1 locks first and
// waits; its relock can come (a) before T0's lock: a timeout with ready
// false, the one failure of Strict (T0 then locks after T1's unlock): 1;
// (b) between T0's unlock and notify: a timeout with ready true, T1's unlock
// before or after the notify: 2; (c) after the notify: woken: 1. Total 7.
TEST_CASE("std_like::condition_variable::wait_for may time out: 7 executions, 1 timed out early",
          "[std_like]") {
  using Lenient = TimedHandOff<false, sync::condition_variable>;
  using Strict = TimedHandOff<true, sync::condition_variable>;
  CheckResult every = test::check_all_dfs<Lenient>();
  CHECK(every.executions == 7);
  CHECK(every.failing_executions == 0);
  CheckResult strict = test::check_all_dfs<Strict>();
  CHECK(strict.executions == 7);
  CHECK(strict.failing_executions == 1);
  correct_and_broken<Lenient, Strict>(FailureKind::kCheck, "timed out before the hand-off");
  correct_and_broken<TimedHandOff<false, sync::condition_variable_any>,
                     TimedHandOff<true, sync::condition_variable_any>>(
      FailureKind::kCheck, "timed out before the hand-off");
}

// wait_until without a predicate, `if` instead of `while`: T1 treats
// no_timeout as "ready". Broken by a spurious wakeup only (a timeout says
// so); with spurious wakeups off it passes. Counted by hand as above, the
// relock's timeout outcomes the same 4 when T1 waits, 3 when it does not,
// plus the spurious wakeup at T1's wait: 8, 1 failing.
template <class ConditionVariable>
struct IfWaitUntil {
  static ModelSpec spec() { return {"std_like.if_wait_until", "wait_until, if", {}}; }
  explicit IfWaitUntil(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      {
        sync::lock_guard hold(guard);
        ready = true;
      }
      changed.notify_one();
    } else {
      sync::unique_lock<sync::mutex> lock(guard);
      if (!ready) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        if (changed.wait_until(lock, deadline) == sync::cv_status::no_timeout) {
          INTERLEAVE_CHECK(ready, "no_timeout, but not ready");
        }
      }
    }
  }
  void invariant() {}
  sync::mutex guard;
  ConditionVariable changed;
  bool ready = false;  // guarded by `guard`
};

TEST_CASE("std_like::condition_variable::wait_until: timeout vs notify vs spurious wakeup",
          "[std_like]") {
  CheckResult every = test::check_all_dfs<IfWaitUntil<sync::condition_variable>>();
  CHECK(every.executions == 8);
  CHECK(every.failing_executions == 1);
  ExecutionLimits no_spurious;
  no_spurious.spurious_wakeups = false;
  CheckResult off = test::check_all_dfs<IfWaitUntil<sync::condition_variable>>(no_spurious);
  CHECK(off.executions == 7);
  CHECK(off.failing_executions == 0);
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult bad = check_with<IfWaitUntil<sync::condition_variable_any>>(strategy);
    REQUIRE(bad.found_bug());
    CHECK(bad.first_failure->failure.message == "no_timeout, but not ready");
    CHECK_FALSE(check_with<IfWaitUntil<sync::condition_variable_any>>(strategy, no_spurious)
                    .found_bug());
  }
}

// A polling loop, `while (!ready) wait_for(...)`: a timeout that comes back
// to the same wait unchanged is cut short as a repeat, so the check is
// finite and passes (no step bound, no livelock).
struct PollingWait {
  static ModelSpec spec() { return {"std_like.polling_wait", "while wait_for", {}}; }
  explicit PollingWait(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      sync::lock_guard hold(guard);
      ready = true;
      changed.notify_one();
    } else {
      sync::unique_lock<sync::mutex> lock(guard);
      while (!ready) changed.wait_for(lock, std::chrono::milliseconds(1));
    }
  }
  void invariant() {}
  sync::mutex guard;
  sync::condition_variable changed;
  bool ready = false;  // guarded by `guard`
};

TEST_CASE("std_like::condition_variable: a polling wait_for loop is finite", "[std_like]") {
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult r = check_with<PollingWait>(strategy);
    CHECK_FALSE(r.found_bug());
    CHECK(r.error.empty());
  }
  CheckResult every = test::check_all_dfs<PollingWait>();
  CHECK(every.failing_executions == 0);
  CHECK(every.executions > 0);
}

// --- recursive_mutex: each thread locks twice around a load-then-store
// increment. Only the outer lock and unlock are visible, so DFS sees the same
// 2 executions as with a mutex locked once.
struct RecursiveIncrement {
  static ModelSpec spec() { return {"std_like.recursive", "recursive_mutex", {}}; }
  explicit RecursiveIncrement(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    sync::lock_guard outer(guard);
    sync::lock_guard inner(guard);
    counter.store(counter.load() + 1);
  }
  void invariant() { INTERLEAVE_CHECK(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  sync::recursive_mutex guard;
  shared<int> counter{"counter", 0};
};

TEST_CASE("std_like::recursive_mutex: relocking is not a step; 2 executions, no lost update",
          "[std_like]") {
  auto params = make_params<RecursiveIncrement>({});
  CheckOptions options;
  options.strategy = "dfs";
  options.all = true;
  options.progress = false;
  CheckResult result = check_model<RecursiveIncrement>(*params, options);
  CHECK(result.executions == 2);
  CHECK(result.failing_executions == 0);
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CHECK_FALSE(check_with<RecursiveIncrement>(strategy).found_bug());
  }
}

// --- timed_mutex: T0 locks and unlocks; T1 try_lock_for's it. Strict
// relies on getting it (it checks the result).
template <bool Strict, class Mutex>
struct TimedTry {
  static ModelSpec spec() { return {"std_like.timed_mutex", "timed_mutex", {}}; }
  explicit TimedTry(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      guard.lock();
      guard.unlock();
    } else {
      bool got = guard.try_lock_for(std::chrono::milliseconds(10));
      if (Strict) INTERLEAVE_CHECK(got, "try_lock_for timed out");
      if (got) guard.unlock();
    }
  }
  void invariant() {}
  Mutex guard;
};

// Counted by hand: T1's try first takes the free mutex (then T1's unlock,
// T0's lock, T0's unlock): 1. T0's lock first: T1's try while T0 holds it
// times out (then T0's unlock): 1, the failure of Strict; or after T0's
// unlock it takes it: 1. Total 3, 1 timed out.
TEST_CASE("std_like::timed_mutex::try_lock_for may time out: 3 executions, 1 timed out",
          "[std_like]") {
  CheckResult every = test::check_all_dfs<TimedTry<false, sync::timed_mutex>>();
  CHECK(every.executions == 3);
  CHECK(every.failing_executions == 0);
  CheckResult strict = test::check_all_dfs<TimedTry<true, sync::timed_mutex>>();
  CHECK(strict.executions == 3);
  CHECK(strict.failing_executions == 1);
  CHECK(test::check_all_dfs<TimedTry<true, sync::recursive_timed_mutex>>().failing_executions ==
        1);
  CHECK(test::check_all_dfs<TimedTry<true, sync::shared_timed_mutex>>().failing_executions == 1);
  correct_and_broken<TimedTry<false, sync::timed_mutex>, TimedTry<true, sync::timed_mutex>>(
      FailureKind::kCheck, "try_lock_for timed out");
  correct_and_broken<TimedTry<false, sync::recursive_timed_mutex>,
                     TimedTry<true, sync::recursive_timed_mutex>>(FailureKind::kCheck,
                                                                  "try_lock_for timed out");
}

// Lock-order deadlock avoided by timing out: each thread locks its first
// mutex, tries the second for a while and backs off if it times out.
// Strict insists on the second mutex (a timeout is its bug); with lock()
// instead the two would deadlock.
template <bool Strict>
struct BackOff {
  static ModelSpec spec() { return {"std_like.back_off", "try_lock_for back-off", {}}; }
  explicit BackOff(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    sync::timed_mutex& first = index == 0 ? a : b;
    sync::timed_mutex& second = index == 0 ? b : a;
    sync::unique_lock<sync::timed_mutex> one(first);
    sync::unique_lock<sync::timed_mutex> two(second, std::chrono::milliseconds(5));
    if (Strict) INTERLEAVE_CHECK(two.owns_lock(), "T{} timed out on its second mutex", index);
    if (two) moved.fetch_add(1);
  }
  void invariant() {}
  sync::timed_mutex a, b;
  sync::atomic<int> moved{0};
};

TEST_CASE("std_like::timed_mutex: backing off on a timeout avoids the lock-order deadlock",
          "[std_like]") {
  correct_and_broken<BackOff<false>, BackOff<true>>(FailureKind::kCheck, "T");
}

// counting_semaphore::try_acquire_for: T0 releases a unit; T1 waits for it
// for a while. Strict relies on getting it.
template <bool Strict>
struct SemaphoreTimedAcquire {
  static ModelSpec spec() { return {"std_like.semaphore_timed", "try_acquire_for", {}}; }
  explicit SemaphoreTimedAcquire(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      units.release();
    } else {
      bool got = units.try_acquire_for(std::chrono::milliseconds(10));
      if (Strict) INTERLEAVE_CHECK(got, "try_acquire_for timed out");
    }
  }
  void invariant() {}
  sync::binary_semaphore units{0};
};

TEST_CASE("std_like::counting_semaphore::try_acquire_for may time out", "[std_like]") {
  correct_and_broken<SemaphoreTimedAcquire<false>, SemaphoreTimedAcquire<true>>(
      FailureKind::kCheck, "try_acquire_for timed out");
}

// --- shared_mutex: a writer keeps x == y; a reader checks it under a shared
// lock. Broken: the writer takes the shared lock too.
template <bool WriterExclusive>
struct PairUnderSharedMutex {
  static ModelSpec spec() { return {"std_like.shared_mutex", "shared_mutex", {}}; }
  explicit PairUnderSharedMutex(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      if (WriterExclusive) {
        sync::unique_lock<sync::shared_mutex> lock(guard);
        write();
      } else {
        sync::shared_lock<sync::shared_mutex> lock(guard);
        write();
      }
    } else {
      sync::shared_lock lock(guard);
      int a = x.load(), b = y.load();
      INTERLEAVE_CHECK(a == b, "torn read: x == {}, y == {}", a, b);
    }
  }
  void write() {
    x.store(1);
    y.store(1);
  }
  void invariant() {}
  sync::shared_mutex guard;
  sync::atomic<int> x{0}, y{0};
};

TEST_CASE("std_like::shared_mutex: readers share, the writer excludes them", "[std_like]") {
  correct_and_broken<PairUnderSharedMutex<true>, PairUnderSharedMutex<false>>(FailureKind::kCheck,
                                                                              "torn read");
}

// --- scoped_lock over two mutexes taken in opposite orders: no deadlock.
// Broken: two lock_guards in opposite orders deadlock.
template <bool Scoped>
struct TwoLocks {
  static ModelSpec spec() { return {"std_like.two_locks", "scoped_lock", {}}; }
  explicit TwoLocks(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    sync::mutex& first = index == 0 ? a : b;
    sync::mutex& second = index == 0 ? b : a;
    if (Scoped) {
      sync::scoped_lock both(first, second);
      moved.fetch_add(1);
    } else {
      sync::lock_guard one(first);
      sync::lock_guard two(second);
      moved.fetch_add(1);
    }
  }
  void invariant() { INTERLEAVE_CHECK(moved.load() == 2, "moved {}", moved.load()); }
  sync::mutex a, b;
  sync::atomic<int> moved{0};
};

TEST_CASE("std_like::scoped_lock: opposite orders do not deadlock; lock_guards do", "[std_like]") {
  correct_and_broken<TwoLocks<true>, TwoLocks<false>>(FailureKind::kDeadlock, "deadlock");
}

// --- counting_semaphore as a lock around a load-then-store increment: one
// unit (binary_semaphore) excludes; two units let both threads in.
template <std::ptrdiff_t Units>
struct SemaphoreIncrement {
  static ModelSpec spec() { return {"std_like.semaphore", "counting_semaphore", {}}; }
  explicit SemaphoreIncrement(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    units.acquire();
    counter.store(counter.load() + 1);
    units.release();
  }
  void invariant() { INTERLEAVE_CHECK(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  sync::counting_semaphore<2> units{Units};
  sync::atomic<int> counter{0};
};

TEST_CASE("std_like::counting_semaphore: one unit excludes; two lose an update", "[std_like]") {
  correct_and_broken<SemaphoreIncrement<1>, SemaphoreIncrement<2>>(FailureKind::kInvariant,
                                                                   "lost update");
}

// binary_semaphore as a signal: T0 writes then releases; T1 acquires then
// reads. Broken: the release comes before the write.
template <bool ReleaseAfterWrite>
struct Signal {
  static ModelSpec spec() { return {"std_like.signal", "binary_semaphore", {}}; }
  explicit Signal(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      if (!ReleaseAfterWrite) done.release();
      data.store(42);
      if (ReleaseAfterWrite) done.release();
    } else {
      done.acquire();
      int seen = data.load();
      INTERLEAVE_CHECK(seen == 42, "read {} before the write", seen);
    }
  }
  void invariant() {}
  sync::binary_semaphore done{0};
  sync::atomic<int> data{0};
};

TEST_CASE("std_like::binary_semaphore: a signal after the write orders it", "[std_like]") {
  correct_and_broken<Signal<true>, Signal<false>>(FailureKind::kCheck, "read 0 before the write");
}

// --- latch: two workers fill their slot and count down; T2 waits and reads
// both. Broken: the latch expects one count only.
template <std::ptrdiff_t Expected>
struct LatchGather {
  static ModelSpec spec() { return {"std_like.latch", "latch", {}}; }
  explicit LatchGather(const Params&) {}
  int thread_count() const { return 3; }
  void thread(int index) {
    if (index < 2) {
      slot[index].store(1);
      filled.count_down();
    } else {
      filled.wait();
      int a = slot[0].load(), b = slot[1].load();
      INTERLEAVE_CHECK(a == 1 && b == 1, "gathered before both workers: {} {}", a, b);
    }
  }
  void invariant() { INTERLEAVE_CHECK(filled.try_wait(), "latch still open"); }
  sync::latch filled{Expected};
  sync::atomic<int> slot[2]{0, 0};
};

TEST_CASE("std_like::latch: waiting for both counts passes; expecting one is too early",
          "[std_like]") {
  // Broken counts below zero on the second count_down when it is not too
  // early; either failure is a bug found.
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CHECK_FALSE(check_with<LatchGather<2>>(strategy).found_bug());
    CheckResult bad = check_with<LatchGather<1>>(strategy);
    REQUIRE(bad.found_bug());
    const std::string& message = bad.first_failure->failure.message;
    CAPTURE(message);
    CHECK((message.starts_with("gathered before both workers") ||
           message.starts_with("count_down(1) of latch@")));
  }
  NativeOptions native;
  native.trials = 200;
  CHECK_FALSE(run_native_model<LatchGather<2>>(*make_params<LatchGather<2>>({}), native).found_bug());
}

// --- barrier: two threads write their slot, arrive_and_wait, read the
// other's; the completion runs once for the phase. Broken: each thread
// arrives on its own barrier of one.
template <bool Shared>
struct BarrierExchange {
  static ModelSpec spec() { return {"std_like.barrier", "barrier", {}}; }
  explicit BarrierExchange(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    slot[index].store(1);
    auto& b = Shared ? together : alone[index];
    b.arrive_and_wait();
    int other = slot[1 - index].load();
    INTERLEAVE_CHECK(other == 1, "T{} passed the barrier before T{} wrote", index, 1 - index);
  }
  void invariant() {
    INTERLEAVE_CHECK(phases.load() == (Shared ? 1 : 2), "completion ran {} times", phases.load());
  }
  struct Count {
    sync::atomic<int>* phases;
    void operator()() noexcept { phases->fetch_add(1); }
  };
  sync::atomic<int> phases{0};
  sync::atomic<int> slot[2]{0, 0};
  sync::barrier<Count> together{2, Count{&phases}};
  sync::barrier<Count> alone[2]{sync::barrier<Count>{1, Count{&phases}},
                                sync::barrier<Count>{1, Count{&phases}}};
};

TEST_CASE("std_like::barrier: both arrive before either goes on; completion once per phase",
          "[std_like]") {
  correct_and_broken<BarrierExchange<true>, BarrierExchange<false>>(FailureKind::kCheck,
                                                                    "T");
}

// --- call_once: three threads initialise through one flag (once), then read
// what the initialisation wrote. Broken: a flag per thread.
template <bool OneFlag>
struct OnceInit {
  static ModelSpec spec() { return {"std_like.call_once", "call_once", {}}; }
  explicit OnceInit(const Params&) {}
  int thread_count() const { return 3; }
  void thread(int index) {
    sync::once_flag& flag = OneFlag ? shared_flag : own_flag[index];
    sync::call_once(flag, [this] {
      inits.fetch_add(1);
      value.store(7);
    });
    INTERLEAVE_CHECK(value.load() == 7, "T{} saw no initialisation", index);
  }
  void invariant() { INTERLEAVE_CHECK(inits.load() == 1, "initialised {} times", inits.load()); }
  sync::once_flag shared_flag;
  sync::once_flag own_flag[3];
  sync::atomic<int> inits{0}, value{0};
};

TEST_CASE("std_like::call_once: one flag initialises once; one flag per thread does not",
          "[std_like]") {
  correct_and_broken<OnceInit<true>, OnceInit<false>>(FailureKind::kInvariant,
                                                      "initialised 3 times");
}

// --- atomic wait/notify: T0 publishes data then a flag and notifies; T1
// waits on the flag. Broken: no notify, so a waiter that got there first
// waits for ever (a livelock: it is held, nothing will write).
template <bool Notify>
struct WaitNotify {
  static ModelSpec spec() { return {"std_like.wait_notify", "atomic wait/notify", {}}; }
  explicit WaitNotify(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      data.store(42);
      flag.store(1);
      if (Notify) flag.notify_one();
    } else {
      flag.wait(0);
      INTERLEAVE_CHECK(data.load() == 42, "woken before the data");
    }
  }
  void invariant() {}
  sync::atomic<int> flag{0}, data{0};
};

TEST_CASE("std_like::atomic wait/notify: a notified wait passes; a missing notify hangs",
          "[std_like]") {
  correct_and_broken<WaitNotify<true>, WaitNotify<false>>(FailureKind::kLivelock, "");
}

// --- atomic::notify_one wakes one waiter, any of them: two threads wait
// for a flag that T0 sets. notify_all wakes both; notify_one leaves one
// waiting for ever (a livelock) where both were waiting when it came.
template <bool All>
struct TwoWaiters {
  static ModelSpec spec() { return {"std_like.two_waiters", "atomic notify_one", {}}; }
  explicit TwoWaiters(const Params&) {}
  int thread_count() const { return 3; }
  void thread(int index) {
    if (index == 0) {
      flag.store(1);
      if (All) flag.notify_all(); else flag.notify_one();
    } else {
      flag.wait(0);
    }
  }
  void invariant() {}
  sync::atomic<int> flag{0};
};

TEST_CASE("std_like::atomic::notify_one wakes one waiter, any of them", "[std_like]") {
  correct_and_broken<TwoWaiters<true>, TwoWaiters<false>>(FailureKind::kLivelock, "livelock");
  // Not every execution fails: a waiter that comes after the store does not wait.
  CheckResult every = test::check_all_dfs<TwoWaiters<false>>();
  CHECK(every.failing_executions > 0);
  CHECK(every.failing_executions < every.executions);
}

// --- jthread and stop_token: the worker registers a stop_callback, then
// spins until its token says stop; the jthread's destructor requests the
// stop and joins. The callback runs exactly once, in the requesting thread
// if it was registered first, else at its registration (both are explored).
// Broken: the worker watches a stop_source nobody requests: the destructor's
// join waits for ever.
int callbacks_by_requester = 0;
int callbacks_at_registration = 0;

template <bool OwnToken>
struct JThreadStop {
  static ModelSpec spec() { return {"std_like.jthread", "jthread, stop_token", {}}; }
  explicit JThreadStop(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    sync::jthread worker([this](sync::stop_token token) {
      if (!OwnToken) token = unrelated.get_token();
      const sync::thread::id self = sync::this_thread::get_id();
      sync::stop_callback cb(token, [this, self] {
        calls.fetch_add(1);
        by_worker = sync::this_thread::get_id() == self;
      });
      while (!token.stop_requested()) {
      }
      saw_stop.store(1);
    });
  }
  void invariant() {
    INTERLEAVE_CHECK(calls.load() == 1, "stop callback ran {} times", calls.load());
    INTERLEAVE_CHECK(saw_stop.load() == 1, "the worker did not see the stop");
    ++(by_worker ? callbacks_at_registration : callbacks_by_requester);
  }
  sync::stop_source unrelated;
  sync::atomic<int> calls{0}, saw_stop{0};
  bool by_worker = false;
};

TEST_CASE("std_like::jthread requests a stop and joins; stop_callback runs once", "[std_like]") {
  callbacks_by_requester = callbacks_at_registration = 0;
  CheckResult every = test::check_all_dfs<JThreadStop<true>>();
  CHECK(every.failing_executions == 0);
  CHECK(callbacks_by_requester > 0);
  CHECK(callbacks_at_registration > 0);
  correct_and_broken<JThreadStop<true>, JThreadStop<false>>(FailureKind::kLivelock, "livelock");
}

// condition_variable_any's interruptible wait: a jthread worker waits for
// work that never comes; the jthread's destructor requests the stop, which
// ends the wait. Broken: the wait without the token sleeps through the stop
// and the destructor's join waits for ever.
template <bool WithToken>
struct InterruptibleWait {
  static ModelSpec spec() { return {"std_like.interruptible_wait", "wait with stop_token", {}}; }
  explicit InterruptibleWait(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    sync::jthread worker([this](sync::stop_token token) {
      sync::unique_lock<sync::mutex> lock(guard);
      bool got;
      if (WithToken) {
        got = changed.wait(lock, token, [&] { return work; });
      } else {
        changed.wait(lock, [&] { return work; });
        got = true;
      }
      INTERLEAVE_CHECK(!got && token.stop_requested(), "woken without a stop");
    });
  }
  void invariant() {}
  sync::mutex guard;
  sync::condition_variable_any changed;
  bool work = false;  // guarded by `guard`; nobody sets it
};

TEST_CASE("std_like::condition_variable_any: a wait with a stop_token ends on request_stop",
          "[std_like]") {
  correct_and_broken<InterruptibleWait<true>, InterruptibleWait<false>>(FailureKind::kDeadlock,
                                                                        "deadlock");
}

TEST_CASE("std_like::stop_source and stop_token: single-threaded semantics as std's",
          "[std_like]") {
  // Natively (no execution), against the std types.
  sync::stop_source source;
  std::stop_source std_source;
  sync::stop_token token = source.get_token();
  CHECK(token.stop_possible() == std_source.get_token().stop_possible());
  CHECK_FALSE(token.stop_requested());
  int runs = 0;
  {
    sync::stop_callback dropped(token, [&] { runs += 10; });
  }
  sync::stop_callback cb(token, [&] { ++runs; });
  CHECK(source.request_stop() == std_source.request_stop());
  CHECK(source.request_stop() == std_source.request_stop());
  CHECK(runs == 1);
  CHECK(token.stop_requested());
  sync::stop_callback late(token, [&] { ++runs; });
  CHECK(runs == 2);
  CHECK_FALSE(sync::stop_token().stop_possible());
  CHECK_FALSE(sync::stop_source(sync::nostopstate).stop_possible());
  CHECK(token == source.get_token());
  sync::jthread idle;
  CHECK_FALSE(idle.joinable());
  sync::jthread native_worker([](sync::stop_token t) {
    while (!t.stop_requested()) std::this_thread::yield();
  });
  CHECK(native_worker.joinable());
}

}  // namespace
