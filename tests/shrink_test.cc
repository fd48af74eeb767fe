// Shrinking a failing schedule (scheduler/strategies/shrink.h): the shrunk schedule
// replays to the same failure, never has more preemptions or steps than the
// original, is the same every time, and shrink = false reports the schedule
// as found.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "models/builtin.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"
#include "scheduler/strategies/shrink.h"

namespace {

using namespace interleave;
using Values = std::vector<std::pair<std::string, int64_t>>;

struct Case {
  const char* model;
  Values params;
};

CheckResult run(const Case& c, CheckOptions options) {
  auto r = models::builtin().check(c.model, c.params, options);
  REQUIRE(r.ok());
  REQUIRE(r->error.empty());
  REQUIRE(r->found_bug());
  return *r;
}

CheckOptions with(std::string strategy, bool shrink = true) {
  CheckOptions options;
  options.strategy = std::move(strategy);
  options.shrink = shrink;
  return options;
}

// The shrunk failure: it replays to the same failure, is no longer than the
// original in preemptions, then steps, and the lengths it reports are its own.
// `limits` are the check's (race detection on or off).
void check_shrunk(const CheckResult& r, const ExecutionLimits& limits = {}) {
  const FoundFailure& f = *r.first_failure;
  REQUIRE(f.shrunk);
  auto replayed = models::builtin().replay(f.schedule.to_string(), limits);
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(f.failure));
  CHECK(replayed->schedule.to_string() == f.schedule.to_string());
  CHECK(f.shrunk_steps == f.trace.size());
  CHECK(f.shrunk_steps == f.schedule.choices.size());
  CHECK(f.original_preemptions == f.preemptions);
  CHECK(f.shrunk_preemptions >= 0);
  CHECK(f.shrunk_preemptions <= f.original_preemptions);
  CHECK(f.shrunk_steps <= f.original_steps);
  if (f.shrunk_preemptions == f.original_preemptions) CHECK(f.shrunk_steps <= f.original_steps);
  // The original replays to the same failure too.
  auto original = models::builtin().replay(f.original_schedule, limits);
  REQUIRE(original.ok());
  REQUIRE(original->failure.has_value());
  CHECK(original->failure->same_as(f.failure));
  CHECK(original->trace.size() == f.original_steps);
}

const std::vector<Case> kBuggy = {
    {"counter.racy", {{"threads", 3}, {"iters", 2}}},
    {"list.check_then_pop", {{"threads", 3}}},
    {"queue.unlocked_ring", {}},
    {"list.linked_push", {{"threads", 2}, {"iters", 2}}},
};

}  // namespace

TEST_CASE("DFS failures shrink to schedules that fail the same way", "[shrink]") {
  for (const Case& c : kBuggy) {
    CAPTURE(c.model);
    CheckResult shrunk = run(c, with("dfs"));
    check_shrunk(shrunk);
    // Deterministic: the same check shrinks to the same schedule.
    CheckResult again = run(c, with("dfs"));
    CHECK(again.first_failure->schedule.to_string() ==
          shrunk.first_failure->schedule.to_string());
    // Without shrinking, the schedule is reported as found.
    CheckResult plain = run(c, with("dfs", false));
    const FoundFailure& p = *plain.first_failure;
    CHECK_FALSE(p.shrunk);
    CHECK(p.original_schedule.empty());
    CHECK(p.schedule.to_string() == shrunk.first_failure->original_schedule);
    CHECK(p.trace.size() == shrunk.first_failure->original_steps);
    CHECK(p.preemptions == shrunk.first_failure->original_preemptions);
    CHECK(p.execution == shrunk.first_failure->execution);
    CHECK(plain.executions == shrunk.executions);
  }
}

TEST_CASE("a long random schedule shrinks to fewer steps and preemptions", "[shrink]") {
  // check_then_pop fails in a thread's check: the execution ends there, so
  // steps of threads that do not matter can go.
  Case pop{"list.check_then_pop", {{"threads", 8}}};
  CheckResult r = run(pop, with("random"));
  check_shrunk(r);
  const FoundFailure& f = *r.first_failure;
  CHECK(f.shrunk_steps < f.original_steps);
  CHECK(f.shrunk_preemptions <= 1);
  CHECK(run(pop, with("random")).first_failure->schedule.to_string() == f.schedule.to_string());
  std::string report = format_check(r, CheckOptions{});
  CHECK_THAT(report, Catch::Contains(fmt::format("shrunk from {} steps", f.original_steps)));
  CHECK_THAT(report, Catch::Contains("(original: '" + f.original_schedule + "')"));

  // counter.racy's lost update is found at the end (every execution has
  // 2 x threads x iters steps); shrinking removes preemptions instead.
  // (Race detection off: it would stop the execution at the first race.)
  Case counter{"counter.racy", {{"threads", 4}, {"iters", 3}}};
  CheckOptions lost_update = with("random");
  lost_update.limits.detect_races = false;
  CheckResult c = run(counter, lost_update);
  check_shrunk(c, lost_update.limits);
  CHECK(c.first_failure->shrunk_preemptions < c.first_failure->original_preemptions);
  CHECK(c.first_failure->shrunk_steps == 24);

  // The same model's data race shrinks as the same race (the same two
  // accesses, threads and lines; its steps may move).
  CheckResult race = run(counter, with("random"));
  check_shrunk(race);
  CHECK(race.first_failure->failure.kind == FailureKind::kDataRace);
  CHECK(race.first_failure->shrunk_preemptions <= race.first_failure->original_preemptions);
}

TEST_CASE("shrink() on its own: deterministic, never longer", "[shrink]") {
  Case c{"list.check_then_pop", {{"threads", 6}}};
  CheckResult r = run(c, with("random", false));
  const FoundFailure& f = *r.first_failure;
  auto resolved = models::builtin().resolve(c.model, c.params);
  REQUIRE(resolved.ok());
  auto runner = resolved->model->make_runner(resolved->params);
  ShrinkResult a = shrink(*runner, f.trace, f.failure);
  ShrinkResult b = shrink(*runner, f.trace, f.failure);
  REQUIRE(a.reproduced);
  CHECK(a.choices == b.choices);
  CHECK(a.executions == b.executions);
  CHECK(a.original_steps == f.trace.size());
  CHECK(a.original_preemptions == f.preemptions);
  CHECK_FALSE(ShrinkCost{a.original_preemptions, a.original_steps} <
              ShrinkCost{a.preemptions, a.choices.size()});
  CHECK(a.failure.same_as(f.failure));
  // A cap of one execution replays the original and keeps it.
  ShrinkResult capped = shrink(*runner, f.trace, f.failure, {}, 1);
  CHECK(capped.reproduced);
  CHECK(capped.choices == f.schedule.choices);
  CHECK(capped.executions == 1);
  // A failure the schedule does not produce is not reproduced.
  Failure other = f.failure;
  other.message += " (not this one)";
  ShrinkResult missed = shrink(*runner, f.trace, other);
  CHECK_FALSE(missed.reproduced);
  CHECK(missed.choices == f.schedule.choices);
}
