// Sharded checks (CheckOptions::shard_index/shard_count, `check --shard I/K`):
// the parts of a search are disjoint and cover it, so the shards' execution
// and failure counts add up to the unsharded ones exactly, for any K, for
// DFS, bounded search and DPOR, with condition-variable outcomes and
// spurious wakeups cut short as repeats. For DPOR the oracle is the unsharded
// DPOR search on random programs: the shards explore each trace once between
// them, whatever plans they cannot share.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/counter.h"
#include "models/queue.h"
#include "scheduler/reports/report.h"
#include "scheduler/strategies/explorer.h"
#include "tests/random_failing.h"

namespace {

using namespace interleave;
using namespace ::models;

using Values = std::vector<std::pair<std::string, int64_t>>;

template <Model M>
CheckResult check_part(const Values& values, const std::string& strategy, int index, int count,
                       bool all, bool shrink = true) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = strategy;
  options.all = all;
  options.progress = false;
  options.limits.detect_races = false;  // counter.racy: the lost updates, not the race
  options.shard_index = index;
  options.shard_count = count;
  options.shrink = shrink;
  return check_model<M>(*params, options);
}

// Checks that K shards add up to the unsharded search, for K = 1..5.
template <Model M>
void shards_add_up(const Values& values, const std::string& strategy, bool all) {
  const CheckResult whole = check_part<M>(values, strategy, 0, 1, all);
  REQUIRE(whole.error.empty());
  INFO(strategy << ": " << whole.executions << " executions unsharded");
  for (int k = 1; k <= 5; ++k) {
    CAPTURE(k);
    uint64_t executions = 0, failing = 0;
    int parts_with_executions = 0;
    for (int i = 0; i < k; ++i) {
      CAPTURE(i);
      const CheckResult part = check_part<M>(values, strategy, i, k, all);
      REQUIRE(part.error.empty());
      CHECK(part.shard_index == i);
      CHECK(part.shard_count == k);
      CHECK(part.exhaustive == whole.exhaustive);
      if (k == 1) CHECK(part.other_shards == 0);
      executions += part.executions;
      failing += part.failing_executions;
      parts_with_executions += part.executions > 0 ? 1 : 0;
    }
    CHECK(executions == whole.executions);
    CHECK(failing == whole.failing_executions);
    // The hash spreads the work: no shard is left empty on these trees.
    CHECK(parts_with_executions == k);
  }
}

// DPOR: K shards explore, between them, the traces the unsharded search
// explores, each once (the same executions, the same failing ones), for
// K = 2..5; with `all`, every failing trace is in one shard.
template <Model M>
void dpor_shards_add_up(const Values& values, bool all) {
  const CheckResult whole = check_part<M>(values, "dpor", 0, 1, all, false);
  REQUIRE(whole.error.empty());
  INFO("dpor: " << whole.executions << " executions unsharded");
  for (int k = 2; k <= 5; ++k) {
    CAPTURE(k);
    uint64_t executions = 0, failing = 0;
    bool found = false;
    for (int i = 0; i < k; ++i) {
      CAPTURE(i);
      const CheckResult part = check_part<M>(values, "dpor", i, k, all, false);
      REQUIRE(part.error.empty());
      CHECK(part.shard_index == i);
      CHECK(part.exhaustive == (whole.exhaustive || (!all && !part.found_bug())));
      executions += part.executions;
      failing += part.failing_executions;
      found = found || part.found_bug();
    }
    CHECK(found == whole.found_bug());
    if (all || !whole.found_bug()) {
      CHECK(executions == whole.executions);
      CHECK(failing == whole.failing_executions);
    }
  }
}

}  // namespace

TEST_CASE("sharded DPOR explores each trace once across the shards", "[shard][dpor][oracle]") {
  using interleave_tests::RandomFailing;
  for (int seed = 1; seed <= 24; ++seed) {
    CAPTURE(seed);
    dpor_shards_add_up<RandomFailing>({{"seed", seed}, {"odds", 0}, {"big", seed % 2}}, false);
    dpor_shards_add_up<RandomFailing>({{"seed", seed}, {"odds", 4}, {"big", seed % 2}}, true);
  }
  dpor_shards_add_up<CounterRacy>({{"threads", 3}, {"iters", 2}}, /*all=*/true);
  dpor_shards_add_up<CounterLocked>({{"threads", 3}, {"iters", 2}}, false);
  dpor_shards_add_up<QueueBlocking>({{"consumers", 2}, {"items", 1}}, false);
  dpor_shards_add_up<QueueBlocking>({}, false);
}

TEST_CASE("shards add up: every failing and passing execution in exactly one shard", "[shard]") {
  // counter.racy 3x2: 34,650 schedules under DFS, 34,560 lose an update.
  shards_add_up<CounterRacy>({{"threads", 3}, {"iters", 2}}, "dfs", /*all=*/true);
  // Within 2 preemptions, and a correct model (90 orders of six sections).
  shards_add_up<CounterRacy>({{"threads", 3}, {"iters", 2}}, "bounded", /*all=*/true);
  shards_add_up<CounterLocked>({{"threads", 3}, {"iters", 2}}, "dfs", /*all=*/false);
  // notify_one's choice of waiter and spurious wakeups (cut short as repeats).
  shards_add_up<QueueBlocking>({{"consumers", 2}, {"items", 1}}, "dfs", /*all=*/false);
}

TEST_CASE("a sharded check says which shard it covered", "[shard]") {
  const CheckResult part =
      check_part<CounterLocked>({{"threads", 3}, {"iters", 2}}, "dfs", 1, 3, false);
  CHECK(part.exhaustive);
  CHECK(part.other_shards > 0);
  CheckOptions options;
  CHECK_THAT(format_check(part, options), Catch::Contains("of shard 1/3"));
}

TEST_CASE("sharding rejects what it cannot do, in one line", "[shard][errors]") {
  auto params = make_params<CounterLocked>({});
  REQUIRE(params.ok());
  auto error_of = [&](const std::string& strategy, int index, int count) {
    CheckOptions options;
    options.strategy = strategy;
    options.progress = false;
    options.shard_index = index;
    options.shard_count = count;
    return check_model<CounterLocked>(*params, options).error;
  };
  CHECK(error_of("dpor", 0, 2).empty());
  CHECK_THAT(error_of("random", 0, 2),
             Catch::Contains("--shard works with --strategy dpor, dfs or bounded, not random"));
  CHECK_THAT(error_of("dfs", 2, 2), Catch::Contains("shard 2/2 does not exist"));
  CHECK_THAT(error_of("dfs", 0, 0), Catch::Contains("shard 0/0 does not exist"));
}
