// interleave::std_like (<interleave/std.h>): types with the std interface.
// A structure written against `sync::` compiles with std and std_like alike
// (tests/std_like_structure.inc); under the checker the std_like types are
// visible operations, with exact counts derived by hand; natively they are
// the std types.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <interleave/std.h>
#include "scheduler/api/interleave.h"
#include "scheduler/strategies/explorer.h"
#include "tests/strategy_helpers.h"

#include <atomic>
#include <mutex>
#include <stop_token>
#include <thread>

#define STD_LIKE_NAMESPACE with_std
#define STD_LIKE_SYNC std
#include "tests/std_like_structure.inc"
#undef STD_LIKE_NAMESPACE
#undef STD_LIKE_SYNC

#define STD_LIKE_NAMESPACE with_std_like
#define STD_LIKE_SYNC interleave::std_like
#include "tests/std_like_structure.inc"
#undef STD_LIKE_NAMESPACE
#undef STD_LIKE_SYNC

namespace {

using namespace interleave;
namespace sync = interleave::std_like;

using test::check_with;
using test::kEveryStrategy;

// Every schedule (dfs, --all): how many executions, how many failed.
template <Model M>
CheckResult check_all(const std::string& strategy = "dfs") {
  auto params = make_params<M>({});
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = strategy;
  options.all = true;
  options.progress = false;
  options.shrink = false;
  return check_model<M>(*params, options);
}

// Two threads increment a sync::atomic<int> by load() then store(): the lost
// update. DFS interleaves the two loads and two stores in 4!/(2!2!) = 6 ways;
// the update is lost in the 4 where both loads come before both stores.
struct RacyIncrement {
  static ModelSpec spec() { return {"std_like.racy_increment", "load, then store", {}}; }
  explicit RacyIncrement(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) { counter.store(counter.load() + 1); }
  void invariant() { INTERLEAVE_CHECK(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  sync::atomic<int> counter{0};
};

// The same increment as one fetch_add, or as ++ (the operator form).
template <bool Operator>
struct AtomicIncrement {
  static ModelSpec spec() { return {"std_like.atomic_increment", "fetch_add / ++", {}}; }
  explicit AtomicIncrement(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    if (Operator) {
      counter++;
    } else {
      counter.fetch_add(1);
    }
  }
  void invariant() { INTERLEAVE_CHECK(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  sync::atomic<int> counter{0};
};

// The load-then-store increment of a plain int under sync::lock_guard or
// sync::unique_lock. Each thread locks, increments, unlocks; while one holds
// the mutex the other cannot run, so DFS sees exactly 2 executions (which
// thread locks first).
template <bool Unique>
struct LockedIncrement {
  static ModelSpec spec() { return {"std_like.locked_increment", "under a mutex", {}}; }
  explicit LockedIncrement(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    if (Unique) {
      sync::unique_lock<sync::mutex> lock(guard);
      counter.store(counter.load() + 1);
    } else {
      sync::lock_guard<sync::mutex> hold(guard);
      counter.store(counter.load() + 1);
    }
  }
  void invariant() { INTERLEAVE_CHECK(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  sync::mutex guard;
  shared<int> counter{"counter", 0};
};

// Main spawns a sync::thread that stores 1, joins it, then reads 1: the join
// orders the two. One thread: 1 execution under DFS.
struct SpawnJoin {
  static ModelSpec spec() { return {"std_like.spawn_join", "thread and join", {}}; }
  explicit SpawnJoin(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    sync::thread child([this] { value.store(1); });
    child.join();
    INTERLEAVE_CHECK(value.load() == 1, "join did not wait: value == {}", value.load());
  }
  void invariant() {}
  shared<int> value{"value", 0};
};

// A thread destroyed while joinable: std::terminate natively, a failure here.
struct ForgottenJoin {
  static ModelSpec spec() { return {"std_like.forgotten_join", "no join", {}}; }
  explicit ForgottenJoin(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) { sync::thread child([] {}); }
  void invariant() {}
};

// Default and given names in traces. A local is named by the line of its
// declaration; a member initialised in the class body by the line g++ gives
// the default argument of its constructor (the enclosing constructor's).
struct Named {
  static ModelSpec spec() { return {"std_like.named", "names", {}}; }
  explicit Named(const Params&) { renamed.name("renamed"); }
  int thread_count() const { return 1; }
  void thread(int) {
    sync::atomic<int> local{0};
    local.store(1);
    member.store(1);
    renamed.store(1);
    INTERLEAVE_CHECK(false, "stop here");
  }
  void invariant() {}
  sync::atomic<int> member{0};
  sync::atomic<int> renamed{0};
};
constexpr int kLocalLine = __LINE__ - 10;

TEST_CASE("std_like::atomic: a load-then-store increment loses an update in 4 of 6 schedules",
          "[std_like]") {
  CheckResult all = check_all<RacyIncrement>();
  CHECK(all.executions == 6);
  CHECK(all.failing_executions == 4);
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult found = check_with<RacyIncrement>(strategy);
    REQUIRE(found.found_bug());
    CHECK(found.first_failure->failure.message == "lost update: counter == 1");
  }
}

TEST_CASE("std_like::atomic: fetch_add and ++ increments pass every strategy", "[std_like]") {
  CheckResult dfs = check_all<AtomicIncrement<false>>();
  CHECK(dfs.executions == 2);  // the two orders of two fetch_adds
  CHECK(dfs.failing_executions == 0);
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CHECK_FALSE(check_with<AtomicIncrement<false>>(strategy).found_bug());
    CHECK_FALSE(check_with<AtomicIncrement<true>>(strategy).found_bug());
  }
}

TEST_CASE("std_like::mutex with lock_guard and unique_lock: 2 executions, no lost update",
          "[std_like]") {
  CheckResult guard = check_all<LockedIncrement<false>>();
  CHECK(guard.executions == 2);
  CHECK(guard.failing_executions == 0);
  CheckResult unique = check_all<LockedIncrement<true>>();
  CHECK(unique.executions == 2);
  CHECK(unique.failing_executions == 0);
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CHECK_FALSE(check_with<LockedIncrement<false>>(strategy).found_bug());
    CHECK_FALSE(check_with<LockedIncrement<true>>(strategy).found_bug());
  }
}

TEST_CASE("std_like::thread: join orders the child before the parent; a forgotten join fails",
          "[std_like]") {
  CheckResult joined = check_all<SpawnJoin>();
  CHECK(joined.executions == 1);
  CHECK(joined.failing_executions == 0);
  CheckResult forgotten = check_with<ForgottenJoin>("dfs");
  REQUIRE(forgotten.found_bug());
  CHECK(forgotten.first_failure->failure.message ==
        "thread T1 destroyed while joinable (std::terminate)");
}

TEST_CASE("std_like names: type@file:line by default, name() renames", "[std_like]") {
  CheckResult result = check_with<Named>("dfs");
  REQUIRE(result.found_bug());
  const std::vector<TraceStep>& trace = result.first_failure->trace;
  REQUIRE(trace.size() == 3);
  CHECK(std::string(trace[0].op.name) == "atomic@std_like_test.cc:" + std::to_string(kLocalLine));
  CHECK(std::string(trace[1].op.name).starts_with("atomic@std_like_test.cc:"));
  CHECK(std::string(trace[2].op.name) == "renamed");
  // Interned: the same text at the same address in every execution.
  CheckResult again = check_with<Named>("dfs");
  CHECK(again.first_failure->trace[0].op.name == trace[0].op.name);
}

TEST_CASE("a structure written against sync:: compiles and agrees with std and std_like",
          "[std_like]") {
  auto with_std = with_std::run_tally(3, 500);
  auto with_std_like = with_std_like::run_tally(3, 500);
  // Each of 3 threads adds 1, 500 times: net +1 to the atomic (its other
  // operators cancel out) and +2 to the locked total per iteration.
  CHECK(with_std == std::pair<long, long>(1500, 3000));
  CHECK(with_std_like == with_std);
  with_std::Tally<int> a;
  with_std_like::Tally<int> b;
  CHECK(a.lock_free() == b.lock_free());
}

// free_functions() on a model thread, under the scheduler.
std::vector<long> seen_in_execution;
struct FreeFunctions {
  static ModelSpec spec() { return {"std_like.free_functions", "<atomic> free functions", {}}; }
  explicit FreeFunctions(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) { seen_in_execution = with_std_like::free_functions(); }
  void invariant() {}
};

TEST_CASE("<atomic>'s non-member functions and aliases, jthread and stop_token as std's",
          "[std_like]") {
  const std::vector<long> expected = with_std::free_functions();
  CHECK(with_std_like::free_functions() == expected);
  sync::atomic_flag flag;
  CHECK_FALSE(sync::atomic_flag_test(&flag));
  sync::atomic_flag_test_and_set(&flag);
  CHECK(sync::atomic_flag_test_explicit(&flag, sync::memory_order_acquire));
  sync::atomic_flag_wait(&flag, false);  // set: returns at once
  sync::atomic_flag_wait_explicit(&flag, false, sync::memory_order_relaxed);
  sync::atomic_flag_notify_one(&flag);
  sync::atomic_flag_notify_all(&flag);
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    seen_in_execution.clear();
    CheckResult r = check_with<FreeFunctions>(strategy);
    if (r.found_bug()) FAIL(r.first_failure->failure.message);
    CHECK(seen_in_execution == expected);
  }
}

TEST_CASE("std_like types natively: real threads, the std types' results", "[std_like]") {
  sync::atomic<long> total{0};
  long locked = 0;
  sync::mutex guard;
  std::vector<sync::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        total.fetch_add(1, sync::memory_order_relaxed);
        sync::lock_guard hold(guard);
        ++locked;
      }
    });
  }
  for (sync::thread& t : threads) {
    CHECK(t.joinable());
    t.join();
    CHECK_FALSE(t.joinable());
  }
  CHECK(total.load() == 40000);
  CHECK(locked == 40000);
  CHECK(std::string(total.name()) == "atomic");  // no execution: named by its type
  CHECK(sync::this_thread::get_id() != sync::thread::id());
}

}  // namespace
