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

#include <string>

#include "instrumented/instrumented.h"
#include "models/counter.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"
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
  CHECK(result.executions > 1);

  // The same program as a model: the same executions, one for one.
  Registry models;
  models.add<SpawnedLockedCounter>();
  models.add<models::CounterLocked>();
  CheckOptions options;
  options.strategy = "dfs";
  auto model = models.check("test.spawned_locked_counter", {}, options);
  REQUIRE(model.ok());
  CHECK_FALSE(model->first_failure.has_value());
  CHECK(result.executions == model->executions);

  // The built-in counter.locked starts its two threads before the first
  // step and checks after the last: no thread starts or joins to order
  // against the increments, hence fewer executions (docs/instrumented.md).
  auto builtin = models.check("counter.locked", {{"threads", 2}, {"iters", 2}}, options);
  REQUIRE(builtin.ok());
  CHECK(builtin->executions < result.executions);
}

TEST_CASE("an unmodified std::atomic counter passes") {
  CheckResult result = check_instrumented("std_counter_atomic", "dfs");
  CHECK_FALSE(result.first_failure.has_value());
  CHECK(result.error.empty());
  CHECK(result.exhaustive);
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
  CHECK(handoff.executions == 7);
  CHECK(handoff.pruned_executions == 3);
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
  CHECK(poll.executions == 10);
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
  CHECK(latch.executions == 8429);
  // The store comes after T0 sleeps in its futex wait, and nobody wakes it.
  expect_replayed_failure("std_atomic_wait_no_notify", FailureKind::kDeadlock,
                          "T0 waits on futex (never notified)");
}

TEST_CASE("instrumented code: DPOR is refused, parallel checks use one worker") {
  // Plain accesses are invisible to DPOR's dependence relation: it would
  // order the two critical sections one way only.
  CheckResult dpor = check_instrumented("std_counter_locked", "dpor");
  CHECK_THAT(dpor.error, Catch::Matchers::StartsWith("dpor cannot check instrumented code yet"));
  CHECK_FALSE(dpor.first_failure.has_value());
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
