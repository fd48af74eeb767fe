// interleave::std_like's synchronisation types under the checker, each used
// correctly (passes every strategy, and natively on real threads) and wrongly
// (every strategy finds the bug): condition_variable(_any), recursive_mutex,
// timed_mutex, shared_mutex, scoped_lock, counting_semaphore, latch, barrier,
// call_once, atomic wait/notify.
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
    CHECK(bad.first_failure->failure.kind == kind);
    CHECK(bad.first_failure->failure.message.starts_with(message));
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

TEST_CASE("std_like::condition_variable: a predicate wait passes; a bare wait misses the notify",
          "[std_like]") {
  correct_and_broken<HandOff<true, sync::condition_variable>,
                     HandOff<false, sync::condition_variable>>(FailureKind::kDeadlock,
                                                                "deadlock");
}

TEST_CASE("std_like::condition_variable_any: the same with its internal mutex", "[std_like]") {
  correct_and_broken<HandOff<true, sync::condition_variable_any>,
                     HandOff<false, sync::condition_variable_any>>(FailureKind::kDeadlock,
                                                                    "deadlock");
}

// A timed wait that never times out under the scheduler behaves as the
// untimed one: the predicate form passes.
struct TimedHandOff {
  static ModelSpec spec() { return {"std_like.timed_hand_off", "wait_for", {}}; }
  explicit TimedHandOff(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      sync::lock_guard hold(guard);
      ready = true;
      changed.notify_all();
    } else {
      sync::unique_lock<sync::mutex> lock(guard);
      bool got = changed.wait_for(lock, std::chrono::seconds(5), [&] { return ready; });
      INTERLEAVE_CHECK(got && ready, "wait_for returned without the hand-off");
      INTERLEAVE_CHECK(lock.owns_lock(), "wait_for returned without the lock");
    }
  }
  void invariant() {}
  sync::mutex guard;
  sync::condition_variable changed;
  bool ready = false;
};

TEST_CASE("std_like::condition_variable::wait_for waits like wait under the scheduler",
          "[std_like]") {
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CHECK_FALSE(check_with<TimedHandOff>(strategy).found_bug());
  }
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

// --- timed_mutex: try_lock_for takes the lock (it never times out here).
template <bool Timed>
struct TimedIncrement {
  static ModelSpec spec() { return {"std_like.timed_mutex", "timed_mutex", {}}; }
  explicit TimedIncrement(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    if (Timed) {
      bool got = guard.try_lock_for(std::chrono::milliseconds(10));
      INTERLEAVE_CHECK(got, "try_lock_for timed out");
      counter.store(counter.load() + 1);
      guard.unlock();
    } else {  // try_lock, and on with the increment even if it failed
      bool got = guard.try_lock();
      counter.store(counter.load() + 1);
      if (got) guard.unlock();
    }
  }
  void invariant() { INTERLEAVE_CHECK(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  sync::timed_mutex guard;
  shared<int> counter{"counter", 0};
};

TEST_CASE("std_like::timed_mutex: try_lock_for locks; ignoring a failed try_lock races",
          "[std_like]") {
  correct_and_broken<TimedIncrement<true>, TimedIncrement<false>>(FailureKind::kDataRace,
                                                                   "data race on counter");
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

}  // namespace
