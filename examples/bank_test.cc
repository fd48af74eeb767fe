// The bank models (bank.h), tested through the public API the way a user
// tests their own model: the checker finds the racy transfer's bug, its
// schedule string replays the identical failure, and the fixes pass every
// schedule. On a failed assertion, INFO prints the checker's full report
// (trace and schedule string).
#include <string>

#include <catch2/catch.hpp>

#include "examples/bank.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"

namespace {

using namespace interleave;
using Catch::Matchers::Contains;

template <Model M>
Params bank_params(int threads, int iters) {
  auto params = make_params<M>({{"threads", threads}, {"iters", iters}});
  REQUIRE(params.ok());
  return *params;
}

// Replays `found`'s schedule string and requires the identical failure:
// same kind, message, place and step, and the same trace.
template <Model M>
void require_replays(const FoundFailure& found, const ExecutionLimits& limits) {
  std::string text = found.schedule.to_string();
  INFO("schedule: " << text);
  auto replayed = replay_model<M>(text, limits);
  INFO("replay error: " << (replayed ? std::string("none") : replayed.error()));
  REQUIRE(replayed.ok());
  CheckOptions report_options;
  report_options.limits = limits;
  INFO("replay report:\n" << format_replay(*replayed, report_options));
  CHECK(replayed->outcome == Outcome::kFailed);
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(found.failure));
  CHECK(replayed->failure->message == found.failure.message);
  CHECK(replayed->failure->step == found.failure.step);
  CHECK(format_trace(replayed->trace) == format_trace(found.trace));
  CHECK(replayed->schedule.to_string() == text);
}

}  // namespace

TEST_CASE("bank.racy: the checker finds money made or lost, and the schedule replays it",
          "[bank]") {
  using bank::BankRacy;
  CheckOptions options;
  options.strategy = "dfs";  // the counts below are DFS's: every schedule
  // By default the unlocked balances fail first as a data race (two
  // transfers' accesses that nothing orders), in the first execution.
  CheckResult race = check_model<BankRacy>(bank_params<BankRacy>(2, 1), options);
  INFO(format_check(race, options));
  REQUIRE(race.found_bug());
  CHECK(race.first_failure->failure.kind == FailureKind::kDataRace);
  CHECK(race.first_failure->execution == 1);
  require_replays<BankRacy>(*race.first_failure, options.limits);
  // Without race detection the interleavings go on to the broken invariant.
  options.limits.detect_races = false;
  CheckResult result = check_model<BankRacy>(bank_params<BankRacy>(2, 1), options);
  INFO(format_check(result, options));
  REQUIRE(result.error.empty());
  REQUIRE(result.found_bug());
  const FoundFailure& found = *result.first_failure;
  CHECK(found.failure.kind == FailureKind::kInvariant);
  CHECK_THAT(found.failure.message, Contains("money not conserved"));
  CHECK(found.schedule.model == "bank.racy");
  require_replays<BankRacy>(found, options.limits);
}

TEST_CASE("bank.racy: the bug is there at other sizes too", "[bank]") {
  using bank::BankRacy;
  for (auto [threads, iters] : {std::pair{2, 2}, std::pair{3, 1}}) {
    CAPTURE(threads, iters);
    CheckOptions options;
  options.strategy = "dfs";  // the counts below are DFS's: every schedule
    CheckResult race = check_model<BankRacy>(bank_params<BankRacy>(threads, iters), options);
    REQUIRE(race.found_bug());
    CHECK(race.first_failure->failure.kind == FailureKind::kDataRace);
    options.limits.detect_races = false;  // and the money lost, without it
    CheckResult result = check_model<BankRacy>(bank_params<BankRacy>(threads, iters), options);
    INFO(format_check(result, options));
    REQUIRE(result.found_bug());
    require_replays<BankRacy>(*result.first_failure, options.limits);
  }
}

TEST_CASE("bank.racy --all: only the 2 serial schedules of 70 keep the books", "[bank]") {
  using bank::BankRacy;
  CheckOptions options;
  options.strategy = "dfs";  // the counts below are DFS's: every schedule
  options.all = true;
  // With race detection every execution fails, at its first race: nothing
  // orders the two transfers.
  CheckResult races = check_model<BankRacy>(bank_params<BankRacy>(2, 1), options);
  CHECK(races.exhaustive);
  CHECK(races.failing_executions == races.executions);
  // Without it, the interleavings to the end (the counts of the invariant).
  options.limits.detect_races = false;
  CheckResult result = check_model<BankRacy>(bank_params<BankRacy>(2, 1), options);
  INFO(format_check(result, options));
  REQUIRE(result.error.empty());
  CHECK(result.exhaustive);
  // Each thread makes 4 visible operations (load, load, store, store) and no
  // lock constrains them: C(8, 4) = 70 interleavings.
  CHECK(result.executions == 70);
  // Every overlap of the two transfers writes back a stale balance: money is
  // made or lost, or one transfer is lost whole (a == 120, b == 80). Only
  // T0-then-T1 and T1-then-T0 end with a == 110, b == 90 (confirmed by a
  // brute-force enumeration of the 70 interleavings).
  CHECK(result.failing_executions == 68);
  CHECK(result.total_steps == 70 * 8);
}

TEST_CASE("bank.locked: every schedule keeps the books", "[bank]") {
  using bank::BankLocked;
  // A transfer under the bank lock is 6 steps: lock, load, load, store,
  // store, unlock. A thread waiting for the held lock cannot run, so
  // transfers never overlap and an execution is an order of the transfers:
  // with 2 threads of k transfers, C(2k, k) orders.
  struct Size {
    int iters;
    uint64_t executions;
  };
  for (Size size : {Size{1, 2}, Size{2, 6}}) {  // C(2, 1) = 2, C(4, 2) = 6
    CAPTURE(size.iters);
    CheckOptions options;
  options.strategy = "dfs";  // the counts below are DFS's: every schedule
    CheckResult result = check_model<BankLocked>(bank_params<BankLocked>(2, size.iters), options);
    INFO(format_check(result, options));
    REQUIRE(result.error.empty());
    CHECK_FALSE(result.found_bug());
    CHECK(result.exhaustive);
    CHECK(result.failing_executions == 0);
    CHECK(result.executions == size.executions);
    // 2 threads x iters transfers x 6 steps, in every execution.
    CHECK(result.total_steps == size.executions * 2 * size.iters * 6);
  }
}

TEST_CASE("bank.two_locks: per-account locks taken source first deadlock", "[bank]") {
  using bank::BankTwoLocks;
  CheckOptions options;
  options.strategy = "dfs";  // the counts below are DFS's: every schedule
  CheckResult result = check_model<BankTwoLocks>(bank_params<BankTwoLocks>(2, 1), options);
  INFO(format_check(result, options));
  REQUIRE(result.found_bug());
  const FoundFailure& found = *result.first_failure;
  CHECK(found.failure.kind == FailureKind::kDeadlock);
  CHECK_THAT(found.failure.message, Contains("T0 waits to lock b_lock (held by T1)") &&
                                        Contains("T1 waits to lock a_lock (held by T0)"));
  require_replays<BankTwoLocks>(found, options.limits);
}

TEST_CASE("bank.ordered: taking the locks in one order removes the deadlock", "[bank]") {
  using bank::BankOrdered;
  // As for bank.locked: whoever takes a_lock first finishes its transfer
  // before the other thread can start, so executions are orders of the
  // transfers, now 8 steps each (2 locks, 4 accesses, 2 unlocks).
  struct Size {
    int iters;
    uint64_t executions;
  };
  for (Size size : {Size{1, 2}, Size{2, 6}}) {
    CAPTURE(size.iters);
    CheckOptions options;
  options.strategy = "dfs";  // the counts below are DFS's: every schedule
    CheckResult result =
        check_model<BankOrdered>(bank_params<BankOrdered>(2, size.iters), options);
    INFO(format_check(result, options));
    REQUIRE(result.error.empty());
    CHECK_FALSE(result.found_bug());
    CHECK(result.exhaustive);
    CHECK(result.executions == size.executions);
    CHECK(result.total_steps == size.executions * 2 * size.iters * 8);
  }
}
