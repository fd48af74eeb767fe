// Unmodified std::thread code under the scheduler (instrumented/): the
// counters of tests/instrumented/std_counters.cc, compiled with
// -fsanitize=thread and linked with interleave's runtime, against the
// built-in counter models.
//
// Its own main: Catch2's POSIX signal handlers would otherwise replace
// interleave's around every test case (crash.h), and tearing down a failed
// execution here aborts on purpose (a body unwound past a joinable
// std::thread calls std::terminate; the runtime abandons that fiber).
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_NO_POSIX_SIGNALS
#define CATCH_CONFIG_CONSOLE_WIDTH 200
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <string>

#include "instrumented/instrumented.h"
#include "models/counter.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"
#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/strategies/schedule.h"

namespace {

using namespace interleave;

const Registry& instrumented() { return instrumented::instrumented_models(); }

// std_counter_locked written as a model: T0 starts two interleave::threads
// that increment a plain int under an interleave::mutex, joins them and
// checks. The same visible operations as the instrumented program (thread
// starts, locks, unlocks, joins; the increment is not one).
struct SpawnedLockedCounter {
  static ModelSpec spec() {
    return {"test.spawned_locked_counter", "std_counter_locked as a model", {}};
  }
  explicit SpawnedLockedCounter(const Params&) {}
  int thread_count() const { return 1; }
  void thread(int) {
    auto add = [this] {
      for (int i = 0; i < 2; ++i) {
        lock_guard guard(lock);
        ++counter;
      }
    };
    interleave::thread a(add), b(add);
    a.join();
    b.join();
    check(counter == 4, "lost update: counter == {}", counter);
  }
  void invariant() {}

  mutex lock{"m"};
  int counter = 0;
};

CheckResult check_instrumented(const std::string& name, const std::string& strategy) {
  CheckOptions options;
  options.strategy = strategy;
  auto result = instrumented().check(name, {}, options);
  REQUIRE(result.ok());
  return *result;
}

TEST_CASE("an unmodified racy counter is found as a data race, and its schedule replays it") {
  for (const char* strategy : {"dfs", "bounded", "iterative", "random"}) {
    CAPTURE(strategy);
    CheckResult result = check_instrumented("std_counter_racy", strategy);
    REQUIRE(result.first_failure.has_value());
    const Failure& failure = result.first_failure->failure;
    CHECK(failure.kind == FailureKind::kDataRace);
    // Both accesses are the ++counter in the lambda, placed on its line.
    CHECK_THAT(failure.message, Catch::Matchers::Contains("data race on") &&
                                    Catch::Matchers::Contains("std_counters.cc:22"));
    CHECK(std::string(failure.location.file_name()).ends_with("std_counters.cc"));
    CHECK(failure.location.line() == 22);

    const std::string text = result.first_failure->schedule.to_string();
    CAPTURE(text);
    auto replayed = instrumented().replay(text);
    REQUIRE(replayed.ok());
    REQUIRE(replayed->failure.has_value());
    CHECK(replayed->failure->kind == FailureKind::kDataRace);
    CHECK(replayed->failure->message == failure.message);
    CHECK(replayed->trace.size() == result.first_failure->trace.size());
  }
}

TEST_CASE("an unmodified std::mutex counter passes exhaustively") {
  CheckResult result = check_instrumented("std_counter_locked", "dfs");
  CHECK_FALSE(result.first_failure.has_value());
  CHECK(result.error.empty());
  CHECK(result.exhaustive);
  // By hand: T0's spawns go first (they commute with everything,
  // ModelRunner::commuting_steps_first), then T1 and T2 each run two
  // critical sections (lock, unlock: while one holds the mutex the other's
  // lock and T0's join wait). DFS branches only after an unlock, where both
  // can lock: one execution per order of the four critical sections, C(4,2)
  // = 6. Each join comes when its thread has finished and goes at once.
  CHECK(result.executions == 6);

  // The built-in counter.locked at 2 threads x 2 increments, whose threads
  // start before the first step and which checks after the last, explores
  // the same 6.
  Registry models;
  models.add<SpawnedLockedCounter>();
  models.add<models::CounterLocked>();
  CheckOptions options;
  options.strategy = "dfs";
  auto builtin = models.check("counter.locked", {{"threads", 2}, {"iters", 2}}, options);
  REQUIRE(builtin.ok());
  CHECK(builtin->executions == result.executions);

  // The same program as a model: there T0's starts and joins still branch
  // (models keep their counts), hence 42.
  auto model = models.check("test.spawned_locked_counter", {}, options);
  REQUIRE(model.ok());
  CHECK_FALSE(model->first_failure.has_value());
  CHECK(model->executions == 42);
}

TEST_CASE("an unmodified std::atomic counter passes") {
  CheckResult result = check_instrumented("std_counter_atomic", "dfs");
  CHECK_FALSE(result.first_failure.has_value());
  CHECK(result.error.empty());
  CHECK(result.exhaustive);
  // Two fetch_adds per thread after T0's spawns: C(4,2) = 6 orders.
  CHECK(result.executions == 6);
}

// Checks `name` under dfs, expecting a failure of `kind` whose message
// contains `message`, and replays its schedule string to the same failure.
void expect_replayed_failure(const std::string& name, FailureKind kind,
                             const std::string& message) {
  CheckResult result = check_instrumented(name, "dfs");
  REQUIRE(result.error.empty());
  REQUIRE(result.first_failure.has_value());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == kind);
  CHECK_THAT(failure.message, Catch::Matchers::Contains(message));
  const std::string text = result.first_failure->schedule.to_string();
  CAPTURE(text);
  auto replayed = instrumented().replay(text);
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->kind == kind);
  CHECK(replayed->failure->message == failure.message);
}

TEST_CASE("an unmodified std::condition_variable hand-off passes, its lost wakeups are found") {
  // tests/instrumented/std_condition_variables.cc.
  CheckResult handoff = check_instrumented("std_cv_handoff", "dfs");
  CHECK_FALSE(handoff.first_failure.has_value());
  CHECK(handoff.error.empty());
  CHECK(handoff.exhaustive);
  // By hand (T0's spawns and joins go first, unbranched). T1 (consumer)
  // locks first: its wait either sleeps (T2 then locks, unlocks, notifies,
  // T1 relocks and finds ready: 1 execution) or wakes spuriously (back at
  // the same wait in the same state: cut short as a repeat). T2 (producer)
  // locks first: after its unlock T1's lock and T2's notify are both
  // runnable; T1 first, then T1's unlock or T2's notify (2), or T2's notify
  // first (1). 1 + 3 = 4 executions, 1 cut short.
  CHECK(handoff.executions == 4);
  CHECK(handoff.pruned_executions == 1);
  // A spurious wakeup gets past `if (!ready) cv.wait(lock)`.
  expect_replayed_failure("std_cv_if_wait", FailureKind::kCheck,
                          "consumer read data == 0 after the hand-off");
  // The notify comes before the consumer waits: it sleeps for good.
  expect_replayed_failure("std_cv_notify_early", FailureKind::kDeadlock,
                          "T1 waits on condition_variable (never notified)");
}

TEST_CASE("an unmodified polling loop over wait_for, never notified, passes") {
  // Each timeout comes back to the same wait in the same state (the clock is
  // frozen): held until the producer progresses, so no livelock.
  CheckResult poll = check_instrumented("std_cv_poll", "dfs");
  CHECK_FALSE(poll.first_failure.has_value());
  CHECK(poll.error.empty());
  CHECK(poll.exhaustive);
  // By hand. T2 locks first: T2 unlocks, T1 locks and finds ready (1).
  // T1 locks first and waits: a spurious wakeup comes back to the same wait
  // unchanged (cut short); asleep, T2 may lock first (1), or T1 times out
  // first, back at the same wait unchanged: a spurious wakeup there is cut
  // short, and asleep its timeout is held until T2 has progressed (1).
  // 3 executions, 2 cut short.
  CHECK(poll.executions == 3);
  CHECK(poll.pruned_executions == 2);
}

TEST_CASE("unmodified std::atomic::wait and std::latch block on futexes; a missing notify is a deadlock") {
  // tests/instrumented/std_atomic_waits.cc. libstdc++'s wait spins over 16
  // loads of the atomic before its futex wait, each a visible step: the
  // counts are the explorer's, pinned (not derived by hand), so that a change
  // in what the runtime makes visible shows.
  CheckResult handoff = check_instrumented("std_atomic_wait_handoff", "dfs");
  CHECK_FALSE(handoff.first_failure.has_value());
  CHECK(handoff.error.empty());
  CHECK(handoff.exhaustive);
  CHECK(handoff.executions == 114);
  CheckResult latch = check_instrumented("std_latch_fill", "dfs");
  CHECK_FALSE(latch.first_failure.has_value());
  CHECK(latch.error.empty());
  CHECK(latch.exhaustive);
  CHECK(latch.executions == 6646);
  // The store comes after T0 sleeps in its futex wait, and nobody wakes it.
  expect_replayed_failure("std_atomic_wait_no_notify", FailureKind::kDeadlock,
                          "T0 waits on futex (never notified)");
}

// Explores instrumented program `name` with DPOR, requiring that no plan
// was unrunnable or mislabelled, which would mean the dependence relation
// missed an ordering (or that an object's identity changed between
// executions: the runtime keeps its objects at one address).
CheckResult check_with_dpor(const std::string& name) {
  auto resolved = instrumented().resolve(name, {});
  REQUIRE(resolved.ok());
  std::unique_ptr<ModelRunner> runner = resolved->model->make_runner(resolved->params);
  DporStrategy dpor;
  CheckOptions options;
  options.strategy = "dpor";
  CheckResult result = explore(resolved->model->spec, resolved->params, *runner, dpor, options);
  CHECK(dpor.unrunnable_plans() == 0);
  CHECK(dpor.mislabelled_plans() == 0);
  return result;
}

TEST_CASE("instrumented code under DPOR: every lock order, races found, never more than DFS") {
  // By hand: the two acquisitions of one mutex are dependent (whatever the
  // critical sections hold, visible or not), so each order of the four
  // critical sections is its own trace: C(4,2) = 6, as DFS.
  CheckResult locked = check_with_dpor("std_counter_locked");
  CHECK(locked.error.empty());
  CHECK_FALSE(locked.first_failure.has_value());
  CHECK(locked.exhaustive);
  CHECK(locked.executions == 6);
  // The plain increments race in the first execution already.
  CheckResult racy = check_with_dpor("std_counter_racy");
  REQUIRE(racy.first_failure.has_value());
  CHECK(racy.first_failure->failure.kind == FailureKind::kDataRace);
  // The condition-variable hand-off: consumer first (its wait sleeps; its
  // spurious wakeup is cut short) or producer first (T1's lock and unlock
  // and T2's notify touch different objects: one trace), 2 and 1 cut short.
  CheckResult handoff = check_with_dpor("std_cv_handoff");
  CHECK(handoff.exhaustive);
  CHECK(handoff.executions == 2);
  CHECK(handoff.pruned_executions == 1);

  // Every instrumented program: DPOR and DFS agree on the verdict, and DPOR
  // never runs more executions.
  for (const RegisteredModel& model : instrumented().models()) {
    const std::string name = model.spec.name;
    CAPTURE(name);
    CheckResult dfs = check_instrumented(name, "dfs");
    CheckResult dpor = check_with_dpor(name);
    CHECK(dpor.error.empty());
    CHECK(dpor.first_failure.has_value() == dfs.first_failure.has_value());
    if (dpor.first_failure && dfs.first_failure) {
      CHECK(dpor.first_failure->failure.kind == dfs.first_failure->failure.kind);
    }
    if (!dfs.first_failure) {
      CHECK(dpor.exhaustive);
      CHECK(dpor.executions <= dfs.executions);
    }
  }
}

TEST_CASE("an unmodified std::shared_mutex: exclusive writer passes, a shared-lock writer races") {
  // tests/instrumented/std_shared_mutex.cc. Count measured, not derived by
  // hand (the waiting side's retries and spin holds).
  CheckResult pair = check_instrumented("std_shared_pair", "dfs");
  CHECK_FALSE(pair.first_failure.has_value());
  CHECK(pair.error.empty());
  CHECK(pair.exhaustive);
  CHECK(pair.executions == 6);
  // DPOR too: its plans name the rwlock's state by address, which the
  // runtime keeps from one execution to the next (when its objects were
  // allocated anew each execution, DPOR ran 1 execution here and cut the
  // reversed order short).
  CheckResult pair_dpor = check_with_dpor("std_shared_pair");
  CHECK(pair_dpor.exhaustive);
  CHECK(pair_dpor.executions == 6);
  CHECK(pair_dpor.pruned_executions == 0);
  expect_replayed_failure("std_shared_pair_bad_lock", FailureKind::kDataRace,
                          "std_shared_mutex.cc:35");
}

TEST_CASE("an unmodified std::timed_mutex: try_lock_for may time out, ignoring it races") {
  // tests/instrumented/std_timed_mutex.cc. By hand: a timed lock is one
  // try_lock. T1 tries first and gets the mutex; then T1 unlocks before
  // T2's try (which gets it) or T2's try times out, T2 locks once T1 has
  // unlocked: 2 executions, and 2 with T2 first. DPOR: the tries and the
  // unlocks of one mutex are dependent, the same 4 traces.
  CheckResult timed = check_instrumented("std_timed_counter", "dfs");
  CHECK_FALSE(timed.first_failure.has_value());
  CHECK(timed.exhaustive);
  CHECK(timed.executions == 4);
  CheckResult timed_dpor = check_with_dpor("std_timed_counter");
  CHECK(timed_dpor.exhaustive);
  CHECK(timed_dpor.executions == 4);
  // The timed-out thread increments without the mutex.
  expect_replayed_failure("std_timed_counter_unchecked", FailureKind::kDataRace,
                          "std_timed_mutex.cc:43");
}

TEST_CASE("an unmodified std::call_once runs its routine once; a once_flag per caller races") {
  // tests/instrumented/std_call_once.cc. pthread_once is: load `done`; if 0,
  // lock, load `done` again, run the routine (plain accesses: no steps),
  // store `done`, unlock. By hand, DFS: whoever locks first (2 ways) builds;
  // the other's first load comes before the builder's store (it then locks
  // once the builder unlocks, loads 1, unlocks) or after it (it returns).
  // Counting the interleavings of those steps, with the lock blocking: 12.
  // DPOR: the builder (2) times the other's first load before or after the
  // store (the one dependent pair besides the locks): 4 traces.
  CheckResult once = check_instrumented("std_call_once", "dfs");
  CHECK_FALSE(once.first_failure.has_value());
  CHECK(once.exhaustive);
  CHECK(once.executions == 12);
  CheckResult once_dpor = check_with_dpor("std_call_once");
  CHECK(once_dpor.exhaustive);
  CHECK(once_dpor.executions == 4);
  // A routine that throws leaves the flag unset: the other caller builds.
  // DPOR: whoever calls first throws (2 traces; nobody stores `done` before
  // the second caller's own store).
  CheckResult throws = check_with_dpor("std_call_once_throws");
  CHECK_FALSE(throws.first_failure.has_value());
  CHECK(throws.exhaustive);
  CHECK(throws.executions == 2);
  CHECK_FALSE(check_instrumented("std_call_once_throws", "dfs").first_failure.has_value());
  // Each caller's own once_flag: both build the table, unsynchronised.
  expect_replayed_failure("std_call_once_flag_per_caller", FailureKind::kDataRace,
                          "std_call_once.cc:50");
}

TEST_CASE("a struct copied with libc's memcpy while a field is written: a data race") {
  // tests/instrumented/std_struct_copy.cc. memcpy is libc's, uninstrumented;
  // the runtime takes each byte of its ranges as an access, so the write of
  // the field at offset 4 meets the copy's read there, in the first
  // execution. Under a mutex: the two lock orders, both passing.
  expect_replayed_failure("std_struct_copy_racy", FailureKind::kDataRace, "std_struct_copy.cc:29");
  CheckResult locked = check_instrumented("std_struct_copy_locked", "dfs");
  CHECK_FALSE(locked.first_failure.has_value());
  CHECK(locked.exhaustive);
  CHECK(locked.executions == 2);
}

TEST_CASE("an unmodified function-local static is built once, and again in every execution") {
  // tests/instrumented/std_static_local.cc. A use is the compiler's inline
  // load of the guard's first byte; if 0, __cxa_guard_acquire locks the
  // guard's mutex and loads the byte again, the constructor runs (one
  // fetch_add here), __cxa_guard_release stores 1 and unlocks: the shape of
  // std::call_once above with one more step for the builder, which gives
  // 14 interleavings by the same count, and the same 4 traces under DPOR.
  // Each execution starts with the guard clear (as a fresh process), or the
  // second execution would not replay the first.
  CheckResult built = check_instrumented("std_static_local", "dfs");
  CHECK_FALSE(built.first_failure.has_value());
  CHECK(built.exhaustive);
  CHECK(built.executions == 14);
  CheckResult built_dpor = check_with_dpor("std_static_local");
  CHECK(built_dpor.exhaustive);
  CHECK(built_dpor.executions == 4);
  // A constructor that throws leaves the guard clear (__cxa_guard_abort):
  // whoever uses it first fails, the other builds it (DPOR: 2 traces).
  CheckResult throws = check_with_dpor("std_static_local_throws");
  CHECK_FALSE(throws.first_failure.has_value());
  CHECK(throws.exhaustive);
  CHECK(throws.executions == 2);
}

}  // namespace

// tests/instrumented/foreign_thread.cc's body waits here (uninstrumented: no
// step) until the background thread below has made its write.
void background_touch();
std::atomic<bool> g_background_armed{false}, g_body_waiting{false}, g_background_touched{false};
void wait_until_background_touched() {
  if (!g_background_armed) return;
  g_body_waiting = true;
  // No clock (on a model thread it is frozen, and reading it is an entry
  // point), no yield: a bounded busy wait, seconds at most.
  for (uint64_t spins = 0; !g_background_touched && spins < 4'000'000'000; ++spins) {
  }
}

namespace {

TEST_CASE("a thread the scheduler does not run touching memory ends the run as unsupported") {
  // Started here, outside any execution: a real thread the scheduler does
  // not run. It writes once the first execution is under way; the body's
  // next visible operation (starting its own thread) ends the run.
  g_background_armed = true;
  std::thread background([] {
    while (!g_body_waiting) {
    }
    background_touch();
    g_background_touched = true;
  });
  CheckOptions options;
  options.strategy = "dfs";
  auto result = instrumented().check("foreign_thread", {}, options);
  background.join();
  REQUIRE(result.ok());
  CHECK_FALSE(result->first_failure.has_value());
  CHECK_FALSE(result->exhaustive);
  CHECK_THAT(result->error, Catch::Contains("a thread the scheduler does not run") &&
                                Catch::Contains("foreign_thread.cc:13"));
  g_background_armed = false;
  // Without it, the same program passes: its own thread is seen.
  auto alone = instrumented().check("foreign_thread", {}, options);
  REQUIRE(alone.ok());
  CHECK(alone->error == "");
}

TEST_CASE("instrumented code: parallel checks use one worker") {
  // The runtime's state is per process: --jobs 2 explores on one worker,
  // with the same count.
  CheckOptions options;
  options.strategy = "dfs";
  options.jobs = 2;
  auto two = instrumented().check("std_counter_locked", {}, options);
  REQUIRE(two.ok());
  CHECK(two->jobs == 1);
  CHECK(two->executions == check_instrumented("std_counter_locked", "dfs").executions);
}

}  // namespace
