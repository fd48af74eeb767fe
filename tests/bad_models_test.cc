// Models that crash, overflow, throw from destructors, spin or block where the
// scheduler cannot see, or start many threads: each is reported as an outcome
// (a failure with a schedule, or a usage error), never a dead or hung process,
// and each failure's schedule replays to the same failure.
//
// Its own main: Catch2's POSIX signal handlers would otherwise replace
// interleave's around every test case (see crash.h).
#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_NO_POSIX_SIGNALS
#define CATCH_CONFIG_CONSOLE_WIDTH 200
#include <catch2/catch.hpp>

#include <malloc.h>
#include <signal.h>

#include <exception>
#include <set>
#include <string>
#include <tuple>

#include "models/counter.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/reports/explain.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"
#include "tests/bad_models.h"

namespace {

using namespace interleave;
using namespace bad_models;

template <class M>
Params params() {
  auto p = make_params<M>();
  REQUIRE(p.ok());
  return *p;
}

CheckOptions options_with(ExecutionLimits limits = {}) {
  CheckOptions options;
  options.limits = limits;
  options.progress = false;
  return options;
}

// Checks M, requires a failure of `kind`, and replays its schedule string:
// the replay must fail the same way (same kind, thread and message).
template <class M>
Failure check_and_replay(FailureKind kind, const CheckOptions& options = options_with()) {
  CheckResult r = check_model<M>(params<M>(), options);
  INFO(format_check(r, options));
  REQUIRE(r.error.empty());
  REQUIRE(r.found_bug());
  const FoundFailure& found = *r.first_failure;
  CHECK(found.failure.kind == kind);
  CHECK(found.trace.size() == found.failure.step);
  auto replayed = replay_model<M>(found.schedule.to_string(), options.limits);
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->kind == found.failure.kind);
  CHECK(replayed->failure->thread == found.failure.thread);
  CHECK(replayed->failure->message == found.failure.message);
  CHECK(replayed->failure->same_as(found.failure));
  CHECK(replayed->trace.size() == found.trace.size());
  return found.failure;
}

// The process still checks ordinary models exactly after a bad one.
void ordinary_check_still_works() {
  CheckOptions options = options_with();
  options.strategy = "dfs";
  options.limits.detect_races = false;  // the lost update, not the data race before it
  auto p = make_params<models::CounterRacy>({{"threads", 2}, {"iters", 1}});
  REQUIRE(p.ok());
  CheckResult r = check_model<models::CounterRacy>(*p, options);
  REQUIRE(r.found_bug());
  CHECK(r.first_failure->failure.message == "lost update: 2 increments, counter == 1");
}

}  // namespace

TEST_CASE("a null dereference in a thread is a crash failure that replays", "[crash]") {
  Failure f = check_and_replay<NullDeref>(FailureKind::kCrash);
  CHECK(f.signal == SIGSEGV);
  CHECK(f.thread == 1);
  CHECK(f.message == "crash: SIGSEGV in T1 at step 2 (null pointer access, after load x at "
                     "tests/bad_models.h:40)");
  ordinary_check_still_works();
}

TEST_CASE("--all counts every crashing execution and the process goes on", "[crash]") {
  CheckOptions options = options_with();
  options.strategy = "dfs";
  options.all = true;
  // DFS: [T0, T1] crashes, [T1, T0] passes; repeated to show the escapes
  // leave nothing behind that breaks later checks.
  for (int round = 0; round < 200; ++round) {
    CheckResult r = check_model<NullDeref>(params<NullDeref>(), options);
    REQUIRE(r.executions == 2);
    REQUIRE(r.failing_executions == 1);
    REQUIRE(r.exhaustive);
  }
  ordinary_check_still_works();
}

TEST_CASE("crashes at different steps are the same bug for shrinking", "[crash]") {
  Failure a;
  a.kind = FailureKind::kCrash;
  a.thread = 1;
  a.signal = SIGSEGV;
  a.fault_pc = 0x1234;
  a.message = "crash: SIGSEGV in T1 at step 7 (null pointer access)";
  Failure b = a;
  b.message = "crash: SIGSEGV in T1 at step 3 (null pointer access)";
  b.step = 3;
  CHECK(a.same_as(b));
  b.fault_pc = 0x1238;  // another instruction
  CHECK_FALSE(a.same_as(b));
  b = a;
  b.signal = SIGBUS;
  CHECK_FALSE(a.same_as(b));
  b = a;
  b.thread = 0;
  CHECK_FALSE(a.same_as(b));
}

TEST_CASE("abort() in a thread is a crash failure that replays", "[crash]") {
  Failure f = check_and_replay<Abort>(FailureKind::kCrash);
  CHECK(f.signal == SIGABRT);
  CHECK(f.thread == 1);
  CHECK_THAT(f.message, Catch::StartsWith("crash: SIGABRT in T1 at step 2 (abort()"));
  ordinary_check_still_works();
}

TEST_CASE("a crash in the invariant is a crash failure on the main context", "[crash]") {
  Failure f = check_and_replay<CrashInInvariant>(FailureKind::kCrash);
  CHECK(f.signal == SIGSEGV);
  CHECK(f.thread == kNoThread);
  CHECK(f.message == "crash: SIGSEGV in the model's invariant at step 1 (null pointer access)");
}

TEST_CASE("a crash before a thread's first visible operation is a crash failure", "[crash]") {
  Failure f = check_and_replay<CrashAtStart>(FailureKind::kCrash);
  CHECK(f.thread == 1);
  CHECK(f.message == "crash: SIGSEGV in T1 at step 0 (null pointer access)");
  Failure g = check_and_replay<SpawnedChildCrashes>(FailureKind::kCrash);
  CHECK(g.thread == 1);
  CHECK(g.message == "crash: SIGSEGV in T1 at step 2 (null pointer access)");
  ordinary_check_still_works();
}

TEST_CASE("deep recursion is a stack overflow with the depth reached", "[crash][stack]") {
  ExecutionLimits small;
  small.stack_size = 64 * 1024;
  Failure f = check_and_replay<DeepRecursion>(FailureKind::kCrash, options_with(small));
  CHECK(f.thread == 0);
  CHECK_THAT(f.message, Catch::StartsWith("crash: stack overflow in T0 at step 1 ("));
  CHECK_THAT(f.message, Catch::Contains("65536-byte stack ran out; --stack-size BYTES sets it"));
  // A stack twice as large holds about twice as many frames.
  ExecutionLimits large;
  large.stack_size = 128 * 1024;
  Failure g = check_and_replay<DeepRecursion>(FailureKind::kCrash, options_with(large));
  auto frames = [](const std::string& m) {
    return std::stoi(m.substr(m.find('(') + 1));
  };
  const int small_frames = frames(f.message);
  const int large_frames = frames(g.message);
  CHECK(small_frames > 50);
  CHECK(large_frames > small_frames * 3 / 2);
  CHECK(large_frames < small_frames * 5 / 2);
  ordinary_check_still_works();
}

TEST_CASE("a frame larger than stack and guard is a stack overflow", "[crash][stack]") {
  ExecutionLimits small;
  small.stack_size = 64 * 1024;
  Failure f = check_and_replay<BigFrame>(FailureKind::kCrash, options_with(small));
  CHECK(f.thread == 0);
  CHECK_THAT(f.message, Catch::StartsWith("crash: stack overflow in T0 at step 1 ("));
  ordinary_check_still_works();
}

TEST_CASE("an exception from a noexcept(false) destructor is an exception failure", "[throw]") {
  Failure f =
      check_and_replay<ThrowingDestructorModel<ThrowsFromDestructor>>(FailureKind::kException);
  CHECK(f.thread == 0);
  CHECK(f.message == "exception in T0: thrown by a destructor");
}

TEST_CASE("an exception from a noexcept destructor is an exception failure", "[throw]") {
  Failure f = check_and_replay<ThrowingDestructorModel<ThrowsFromNoexceptDestructor>>(
      FailureKind::kException);
  CHECK(f.thread == 0);
  CHECK(f.message == "exception in T0: thrown by a noexcept destructor (thrown through a "
                     "noexcept function, such as a destructor)");
  ordinary_check_still_works();
}

TEST_CASE("a failure while another thread is paused in ~lock_guard is reported", "[teardown]") {
  // Shrinking replays schedules that end while T0 waits at the unlock in
  // ~lock_guard; unwinding it there used to call std::terminate.
  Failure f = check_and_replay<FailWhileInLockGuard>(FailureKind::kCheck);
  CHECK(f.thread == 1);
  CHECK(f.message == "T1 saw x == 1");
  // Every schedule, every failing one torn down. DFS: T0 locks, stores,
  // unlocks (3 steps), T1 loads (1 step): T1's load goes in one of 4 places;
  // it fails after the store, in 2 of them.
  CheckOptions all = options_with();
  all.strategy = "dfs";
  all.all = true;
  for (int round = 0; round < 100; ++round) {
    CheckResult r = check_model<FailWhileInLockGuard>(params<FailWhileInLockGuard>(), all);
    REQUIRE(r.executions == 4);
    REQUIRE(r.failing_executions == 2);
  }
  ordinary_check_still_works();
}

TEST_CASE("teardown where another thread is paused in ~lock_guard frees its objects",
          "[teardown][memory]") {
  // ~lock_guard lets the teardown's exception through, so T0's vector is
  // destroyed: heap in use does not grow with the failing executions.
  CheckOptions all = options_with();
  all.strategy = "dfs";
  all.all = true;
  auto run_rounds = [&](int rounds) {
    for (int round = 0; round < rounds; ++round) {
      CheckResult r = check_model<FailWhileInLockGuard>(params<FailWhileInLockGuard>(), all);
      REQUIRE(r.failing_executions == 2);
    }
  };
  run_rounds(100);  // warm up: pools, buffers
  const size_t before = mallinfo2().uordblks;
  run_rounds(2000);  // 4000 torn-down executions; a leak of T0's vector would be 256 KB
  const size_t after = mallinfo2().uordblks;
  CHECK(after < before + 16 * 1024);
}

TEST_CASE("crashes and abandoned fibers leave the heap as it was", "[teardown][memory]") {
  // Neither model keeps heap objects on the abandoned stacks, so nothing
  // may be left behind by the escapes themselves: 2,000 crashes (SIGSEGV in
  // T1) and 2,000 fibers abandoned in a noexcept destructor.
  CheckOptions all = options_with();
  all.strategy = "dfs";
  all.all = true;
  auto run_rounds = [&](int rounds) {
    for (int round = 0; round < rounds; ++round) {
      REQUIRE(check_model<NullDeref>(params<NullDeref>(), all).failing_executions == 1);
      REQUIRE(check_model<FailWhileInDestructor>(params<FailWhileInDestructor>(), all)
                  .failing_executions == 1);
    }
  };
  run_rounds(100);
  const size_t before = mallinfo2().uordblks;
  run_rounds(2000);
  const size_t after = mallinfo2().uordblks;
  CHECK(after < before + 16 * 1024);
}

TEST_CASE("a failure while another thread is paused in a noexcept destructor is reported",
          "[teardown]") {
  // Unwinding T0 from its store in ~StoresOnExit would call std::terminate:
  // its fiber is abandoned instead.
  Failure f = check_and_replay<FailWhileInDestructor>(FailureKind::kCheck);
  CHECK(f.thread == 1);
  CHECK(f.message == "T1 saw x == 1");
  CheckOptions all = options_with();
  all.strategy = "dfs";
  all.all = true;
  for (int round = 0; round < 100; ++round) {
    CheckResult r = check_model<FailWhileInDestructor>(params<FailWhileInDestructor>(), all);
    REQUIRE(r.executions == 3);
    REQUIRE(r.failing_executions == 1);
  }
  // The abandoned unwinds left this thread's exception state balanced.
  CHECK(std::uncaught_exceptions() == 0);
  CHECK_FALSE(std::current_exception());
  ordinary_check_still_works();
}

TEST_CASE("a failure while another thread waits on a condition variable is reported",
          "[teardown]") {
  Failure f = check_and_replay<FailWhileInWait>(FailureKind::kCheck);
  CHECK(f.thread == 1);
  CHECK(f.message == "T1 fails while T0 waits");
  ordinary_check_still_works();
}

TEST_CASE("a truncated schedule is an error, not an abort", "[teardown]") {
  // T0 is paused in ~lock_guard when the two choices run out.
  auto replayed = replay_model<FailWhileInLockGuard>("bad.fail_in_lock_guard::v1:00");
  REQUIRE_FALSE(replayed.ok());
  CHECK_THAT(replayed.error(), Catch::StartsWith("schedule does not fit: it ends after 2 steps"));
}

TEST_CASE("a spin on a non-model variable is stuck", "[watchdog]") {
  ExecutionLimits limits;
  limits.watchdog_seconds = 0.2;
  Failure f = check_and_replay<SpinOnPlainVariable>(FailureKind::kStuck, options_with(limits));
  CHECK(f.thread == 0);
  CHECK(f.message == "stuck: T0 ran 0.2 s without a visible operation (a spin on a non-model "
                     "variable, or a blocking call the scheduler cannot see?)");
  ordinary_check_still_works();
}

TEST_CASE("a thread blocked in a std::mutex another fiber holds is stuck", "[watchdog]") {
  ExecutionLimits limits;
  limits.watchdog_seconds = 0.2;
  Failure f = check_and_replay<BlockOnStdMutex>(FailureKind::kStuck, options_with(limits));
  CHECK(f.thread == 1);
  CHECK_THAT(f.message, Catch::StartsWith("stuck: T1 ran 0.2 s without a visible operation"));
  // The explanation points at T1's last step: its store before the lock.
  CheckResult r = check_model<BlockOnStdMutex>(params<BlockOnStdMutex>(), options_with(limits));
  REQUIRE(r.found_bug());
  Explanation e = explain(r.first_failure->trace, &r.first_failure->failure);
  CHECK(e.key_steps == std::vector<size_t>{r.first_failure->trace.size()});
  CHECK_THAT(e.summary, Catch::StartsWith("T1 never reached a visible operation after its store "
                                          "of x (step"));
  ordinary_check_still_works();
}

TEST_CASE("100 threads spawned one after another reuse ids", "[threads]") {
  for (const char* strategy : {"dfs", "dpor"}) {
    CheckOptions options = options_with();
    options.strategy = strategy;
    CheckResult r = check_model<SpawnInLoop>(params<SpawnInLoop>(), options);
    INFO(strategy << "\n" << format_check(r, options));
    CHECK(r.error.empty());
    CHECK_FALSE(r.found_bug());
    CHECK(r.exhaustive);
    CHECK(r.executions == 1);
    CHECK(r.total_steps == 300);
  }
  // Every child is T1: the lowest id free once T0 has joined the last one.
  Execution execution;
  DfsStrategy dfs;
  ModelAdapter<SpawnInLoop> model(params<SpawnInLoop>());
  REQUIRE(dfs.begin_execution());
  REQUIRE(execution.run(model, dfs) == Outcome::kPassed);
  int spawns = 0;
  for (const TraceStep& s : execution.trace()) {
    if (s.op.kind == OpKind::kSpawn) {
      ++spawns;
      CHECK(s.written == 1);
    } else if (s.op.kind != OpKind::kJoin) {
      CHECK(s.thread == 1);
    }
  }
  CHECK(spawns == 100);
  // And its schedule replays.
  Schedule schedule = schedule_of(SpawnInLoop::spec(), params<SpawnInLoop>(), execution.trace());
  auto replayed = replay_model<SpawnInLoop>(schedule.to_string());
  REQUIRE(replayed.ok());
  CHECK_FALSE(replayed->failure.has_value());
  CHECK(replayed->trace.size() == 300);
}

namespace {

// T0 starts three workers in turn (each reuses T2) that race with T1 on x and
// y. Every final state DFS reaches, DPOR must reach too: reusing an id must
// not hide an interleaving from DPOR's vector clocks.
std::set<std::tuple<int, int, int, int>> g_outcomes;

struct ReuseRaces {
  static ModelSpec spec() { return {"test.reuse_races", "workers with reused ids race", {}}; }
  explicit ReuseRaces(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int index) {
    if (index == 0) {
      for (int i = 1; i <= 3; ++i) {
        x.store(i);
        interleave::thread worker([this] { y.store(x.load() + y.load()); });
        worker.join();
      }
    } else {
      seen_y = y.load();
      seen_x = x.load();
      y.store(100);
    }
  }
  void invariant() { g_outcomes.insert({seen_x, seen_y, x.load(), y.load()}); }
  interleave::shared<int> x{"x", 0};
  interleave::shared<int> y{"y", 0};
  int seen_x = -1, seen_y = -1;
};

}  // namespace

TEST_CASE("DPOR reaches every outcome DFS does when ids are reused", "[threads][dpor]") {
  CheckOptions options = options_with();
  options.limits.detect_races = false;  // the program races on purpose: outcomes are the point
  auto outcomes_under = [&](const char* strategy) {
    g_outcomes.clear();
    options.strategy = strategy;
    CheckResult r = check_model<ReuseRaces>(params<ReuseRaces>(), options);
    REQUIRE(r.error.empty());
    REQUIRE_FALSE(r.found_bug());
    REQUIRE(r.exhaustive);
    return g_outcomes;
  };
  auto dfs = outcomes_under("dfs");
  auto dpor = outcomes_under("dpor");
  CHECK(dfs.size() > 10);
  CHECK(dpor == dfs);
}

TEST_CASE("37 threads alive at once is a usage error", "[threads]") {
  CheckResult r = check_model<ThirtySevenAlive>(params<ThirtySevenAlive>(), options_with());
  CHECK_FALSE(r.found_bug());
  CHECK(r.error ==
        "too many threads: T0 starts a thread while 36 are alive or not yet joined by it; the "
        "scheduler runs at most 36 at once");
  // Replaying the execution up to the refused spawn gives the same error.
  Execution execution;
  DfsStrategy dfs;
  ModelAdapter<ThirtySevenAlive> model(params<ThirtySevenAlive>());
  REQUIRE(dfs.begin_execution());
  REQUIRE(execution.run(model, dfs) == Outcome::kStopped);
  CHECK(execution.error() == r.error);
  Schedule schedule =
      schedule_of(ThirtySevenAlive::spec(), params<ThirtySevenAlive>(), execution.trace());
  auto replayed = replay_model<ThirtySevenAlive>(schedule.to_string());
  REQUIRE_FALSE(replayed.ok());
  CHECK(replayed.error() == r.error);
  ordinary_check_still_works();
}

TEST_CASE("crashes, overflows and stuck threads under several workers", "[crash][parallel]") {
  // Each worker has its own stacks, signal stack and watchdog registration:
  // what one core reports, three report, and the process goes on.
  auto parallel = [](ExecutionLimits limits) {
    CheckOptions options = options_with(limits);
    options.strategy = "dfs";
    options.jobs = 3;
    return options;
  };
  for (int round = 0; round < 20; ++round) {
    CheckOptions options = parallel({});
    options.all = true;
    CheckResult r = check_model<NullDeref>(params<NullDeref>(), options);
    REQUIRE(r.executions == 2);
    REQUIRE(r.failing_executions == 1);
  }
  check_and_replay<NullDeref>(FailureKind::kCrash, parallel({}));
  check_and_replay<Abort>(FailureKind::kCrash, parallel({}));
  ExecutionLimits small;
  small.stack_size = 64 * 1024;
  check_and_replay<DeepRecursion>(FailureKind::kCrash, parallel(small));
  ExecutionLimits watchdog;
  watchdog.watchdog_seconds = 0.2;
  Failure stuck = check_and_replay<SpinOnPlainVariable>(FailureKind::kStuck, parallel(watchdog));
  CHECK(stuck.thread == 0);
  ordinary_check_still_works();
}
