// Parallel checks (CheckOptions::jobs, `check --jobs N`, parallel.h): with
// any number of workers, DFS, bounded and iterative search give what one
// core gives: the same execution, failing and cut-short counts, the same
// verdict, and the same first failure with the same schedule string.
//
// The oracle is the sequential search itself, on random programs whose
// invariant fails on a random share of their outcomes, so that the first
// failure lies anywhere in the sequential order (not only in the first
// subtree), and on the built-in models.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/counter.h"
#include "models/crowd.h"
#include "models/litmus.h"
#include "models/queue.h"
#include "scheduler/api/interleave.h"
#include "scheduler/strategies/explorer.h"
#include "tests/random_failing.h"

namespace {

using namespace interleave;
using interleave_tests::RandomFailing;
using Values = std::vector<std::pair<std::string, int64_t>>;

template <Model M>
CheckResult run(const Values& values, const std::string& strategy, int jobs, bool all = false,
                int preemptions = -1, bool shrink = false, bool probes = false) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = strategy;
  options.preemptions = preemptions;
  options.all = all;
  options.jobs = jobs;
  options.progress = false;
  options.probes = probes;
  options.shrink = shrink;
  options.limits.detect_races = false;
  return check_model<M>(*params, options);
}

// The parallel result is the sequential one. (DPOR workers may cut short
// executions one core does not, with the steps they took: dpor.h,
// "Parallel exploration". Their executions are one core's.)
void same_result(const CheckResult& one, const CheckResult& many) {
  REQUIRE(one.error.empty());
  CHECK(many.error == one.error);
  CHECK(many.strategy == one.strategy);
  CHECK(many.executions == one.executions);
  CHECK(many.failing_executions == one.failing_executions);
  const bool dpor = one.strategy == "dpor";
  if (!dpor) CHECK(many.pruned_executions == one.pruned_executions);
  CHECK(many.exhaustive == one.exhaustive);
  CHECK(many.coverage == one.coverage);
  CHECK(many.preemption_bound == one.preemption_bound);
  if (!dpor) CHECK(many.total_steps == one.total_steps);
  REQUIRE(many.found_bug() == one.found_bug());
  if (one.found_bug()) {
    CHECK(many.first_failure->schedule.to_string() == one.first_failure->schedule.to_string());
    CHECK(many.first_failure->execution == one.first_failure->execution);
    CHECK(many.first_failure->failure.message == one.first_failure->failure.message);
    CHECK(many.first_failure->preemptions == one.first_failure->preemptions);
    CHECK(many.first_failure->by_probe == one.first_failure->by_probe);
  }
  CHECK(many.probe_executions == one.probe_executions);
}

template <Model M>
void same_for_every_jobs(const Values& values, const std::string& strategy, bool all,
                         int preemptions = -1, bool probes = false) {
  const CheckResult one = run<M>(values, strategy, 1, all, preemptions, false, probes);
  for (int jobs : {2, 3, 7}) {
    CAPTURE(jobs);
    same_result(one, run<M>(values, strategy, jobs, all, preemptions, false, probes));
  }
}

}  // namespace

TEST_CASE("parallel DFS gives the sequential result on random failing programs",
          "[parallel][oracle]") {
  int failing_later = 0;  // programs whose first failure is not in the first executions
  for (int seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const Values values = {{"seed", seed}, {"odds", 3 + (seed * 37) % 60}};
    same_for_every_jobs<RandomFailing>(values, "dfs", /*all=*/false);
    const CheckResult one = run<RandomFailing>(values, "dfs", 1);
    if (one.found_bug() && one.first_failure->execution > 10) ++failing_later;
  }
  // The oracle is worth something only if first failures lie deep in the order.
  CHECK(failing_later >= 6);
}

TEST_CASE("with probes, parallel DFS gives the sequential result", "[parallel][oracle][portfolio]") {
  // One core mixes probes into DFS (portfolio.h); more cores run them beside
  // the workers and put them back in one core's order: the same failure
  // (found by a probe or by the search), counts and probe counts.
  int by_probe = 0, by_search = 0;
  for (int seed = 1; seed <= 20; ++seed) {
    CAPTURE(seed);
    const Values values = {{"seed", seed}, {"odds", 4 + (seed * 7) % 25}, {"big", 1}};
    same_for_every_jobs<RandomFailing>(values, "dfs", false, -1, /*probes=*/true);
    const CheckResult one = run<RandomFailing>(values, "dfs", 1, false, -1, false, true);
    if (one.found_bug()) ++(one.first_failure->by_probe ? by_probe : by_search);
  }
  // Both orders happen: a probe first, and the search first past the warm-up.
  CHECK(by_probe >= 3);
  CHECK(by_search >= 3);
  // A shallow bug among many threads: a probe finds it (execution 102).
  for (int threads : {8, 10}) {
    CAPTURE(threads);
    same_for_every_jobs<::models::CrowdRacy>({{"threads", threads}}, "dfs", false, -1, true);
  }
  const CheckResult crowd = run<::models::CrowdRacy>({{"threads", 10}}, "dfs", 2, false, -1,
                                                     false, true);
  REQUIRE(crowd.found_bug());
  CHECK(crowd.first_failure->by_probe);
  // No bug: the probes one core runs over the whole search.
  same_for_every_jobs<::models::CrowdLocked>({{"threads", 6}}, "dfs", false, -1, true);
}

TEST_CASE("parallel search counts every failure as the sequential one does", "[parallel][oracle]") {
  for (int seed = 1; seed <= 16; ++seed) {
    CAPTURE(seed);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 3}}, "dfs", /*all=*/true);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 0}}, "dfs", /*all=*/false);
  }
}

TEST_CASE("parallel bounded and iterative search give the sequential result",
          "[parallel][oracle]") {
  for (int seed = 1; seed <= 16; ++seed) {
    CAPTURE(seed);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 4}}, "bounded", false, 1);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 0}}, "bounded", false, 1);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 6}}, "iterative", false);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 0}}, "iterative", false);
  }
}

TEST_CASE("parallel DPOR gives the sequential result", "[parallel][oracle][dpor]") {
  // Passing programs: the same executions, cut-short executions and steps
  // (each trace once, the same traces); failing ones: one core's failure.
  for (int seed = 1; seed <= 24; ++seed) {
    CAPTURE(seed);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 0}, {"big", seed % 2}}, "dpor",
                                       false);
    same_for_every_jobs<RandomFailing>({{"seed", seed}, {"odds", 5}}, "dpor", false);
  }
  using namespace ::models;
  same_for_every_jobs<QueueBlocking>({}, "dpor", false, -1, /*probes=*/true);
  same_for_every_jobs<CounterLocked>({{"threads", 3}, {"iters", 3}}, "dpor", false);
  same_for_every_jobs<CounterRacy>({{"threads", 3}, {"iters", 2}}, "dpor", /*all=*/true);
  // Branches really move between workers on these.
  const CheckResult locked = run<CounterLocked>({{"threads", 3}, {"iters", 3}}, "dpor", 3);
  CHECK(locked.executions == 1680);  // (3*3)!/(3!)^3
  CHECK(locked.jobs == 3);
  // Every race plans at the first states, into branches other workers have
  // taken (their sleepers are distant): the published counts, every time.
  for (int repeat = 0; repeat < 5; ++repeat) {
    for (int jobs : {2, 3, 7}) {
      CAPTURE(repeat, jobs);
      CHECK(run<::models::Readers>({{"n", 7}}, "dpor", jobs).executions == 128);  // 2^n
      same_result(run<::models::LastZero>({{"n", 6}}, "dpor", 1),
                  run<::models::LastZero>({{"n", 6}}, "dpor", jobs));
    }
  }
}

TEST_CASE("parallel checks of the built-in models", "[parallel]") {
  using namespace ::models;
  // counter.racy 3x2: 34,650 schedules, 34,560 lose an update.
  same_for_every_jobs<CounterRacy>({{"threads", 3}, {"iters", 2}}, "dfs", /*all=*/true);
  same_for_every_jobs<CounterRacy>({{"threads", 4}, {"iters", 2}}, "iterative", false);
  // Iterative hands subtrees over with their block sleep sets: 3·5! + 1
  // executions to the one-preemption bug (tests/block_sleep_test.cc).
  same_for_every_jobs<CrowdRacy>({{"threads", 7}}, "iterative", false);
  CHECK(run<CrowdRacy>({{"threads", 7}}, "iterative", 3).executions == 3 * 120 + 1);
  same_for_every_jobs<QueueBlocking>({}, "iterative", false, 2);
  same_for_every_jobs<CounterLocked>({{"threads", 3}, {"iters", 2}}, "dfs", false);
  // Condition-variable outcomes and spurious wakeups cut short as repeats.
  same_for_every_jobs<QueueBlocking>({}, "dfs", false);
  same_for_every_jobs<QueueBlocking>({}, "bounded", false, 2);
  same_for_every_jobs<QueueMissedWakeup>({}, "dfs", /*all=*/true);
  const CheckResult queue = run<QueueBlocking>({}, "dfs", 3);
  CHECK(queue.executions == 13'824);
  CHECK(queue.exhaustive);
}

TEST_CASE("sixteen workers on two cores: exact counts under contention", "[parallel]") {
  const CheckResult one = run<::models::QueueBlocking>({}, "dfs", 1);
  const CheckResult many = run<::models::QueueBlocking>({}, "dfs", 16);
  same_result(one, many);
  const CheckResult racy_one = run<RandomFailing>({{"seed", 7}, {"odds", 2}}, "dfs", 1, true);
  same_result(racy_one, run<RandomFailing>({{"seed", 7}, {"odds", 2}}, "dfs", 16, true));
}

TEST_CASE("a shrunk failure is the same whatever the number of workers", "[parallel]") {
  const Values values = {{"threads", 3}, {"iters", 2}};
  const CheckResult one = run<::models::CounterRacy>(values, "dfs", 1, false, -1, true);
  const CheckResult many = run<::models::CounterRacy>(values, "dfs", 3, false, -1, true);
  REQUIRE(one.found_bug());
  REQUIRE(many.found_bug());
  CHECK(many.first_failure->shrunk == one.first_failure->shrunk);
  CHECK(many.first_failure->schedule.to_string() == one.first_failure->schedule.to_string());
  CHECK(many.first_failure->original_schedule == one.first_failure->original_schedule);
}

TEST_CASE("shards of a parallel check add up", "[parallel][shard]") {
  auto params = make_params<::models::QueueBlocking>({});
  REQUIRE(params.ok());
  uint64_t executions = 0;
  for (int i = 0; i < 3; ++i) {
    CheckOptions options;
    options.strategy = "dfs";
    options.progress = false;
    options.jobs = 2;
    options.shard_index = i;
    options.shard_count = 3;
    const CheckResult part = check_model<::models::QueueBlocking>(*params, options);
    REQUIRE(part.error.empty());
    CHECK(part.exhaustive);
    executions += part.executions;
  }
  CHECK(executions == 13'824);
}

TEST_CASE("a budget stops every worker and says so", "[parallel]") {
  auto params = make_params<::models::CounterLocked>({{"threads", 4}, {"iters", 2}});
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = "dfs";
  options.progress = false;
  options.jobs = 2;
  options.max_executions = 100;
  const CheckResult r = check_model<::models::CounterLocked>(*params, options);
  CHECK(r.error.empty());
  CHECK_FALSE(r.exhaustive);
  CHECK(r.limit == "--executions 100");
  CHECK(r.executions <= 100);
}

TEST_CASE("random and PCT on several workers: reproducible from seed and worker count",
          "[parallel][random]") {
  for (const std::string strategy : {"random", "pct"}) {
    CAPTURE(strategy);
    for (int seed = 1; seed <= 12; ++seed) {
      CAPTURE(seed);
      const Values values = {{"seed", seed}, {"odds", 3 + seed % 7}, {"big", 1}};
      const CheckResult a = run<RandomFailing>(values, strategy, 3);
      const CheckResult b = run<RandomFailing>(values, strategy, 3);
      REQUIRE(a.error.empty());
      same_result(a, b);  // whatever the workers' timing
      const CheckResult all_a = run<RandomFailing>(values, strategy, 3, /*all=*/true);
      same_result(all_a, run<RandomFailing>(values, strategy, 3, /*all=*/true));
      CHECK(all_a.executions + all_a.pruned_executions == CheckOptions::kDefaultRandomExecutions);
      CHECK(all_a.found_bug() == (all_a.failing_executions > 0));
      if (a.found_bug()) {
        REQUIRE(all_a.found_bug());
        CHECK(all_a.first_failure->schedule.to_string() == a.first_failure->schedule.to_string());
        CHECK(all_a.first_failure->execution == a.first_failure->execution);
      }
      CHECK(a.jobs == 3);
      CHECK(a.rerun.ends_with("--jobs 3"));
      if (!a.found_bug()) {
        // The default budget, split over the workers, is spent exactly.
        CHECK(a.executions + a.pruned_executions == CheckOptions::kDefaultRandomExecutions);
        CHECK(a.budget == "1000 executions, the default");
      }
    }
  }
}
