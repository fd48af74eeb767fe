// Probes beside the exhaustive search (scheduler/strategies/portfolio.h):
// shallow bugs among many threads are found early, and the exhaustive
// search is exactly what it is alone (same executions, in the same order,
// same counts, same verdict).
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "models/builtin.h"
#include "models/counter.h"
#include "models/crowd.h"
#include "models/litmus.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/strategies/portfolio.h"

namespace {

using namespace interleave;
using Values = std::vector<std::pair<std::string, int64_t>>;

// Passes every call to the strategy it wraps and writes down the threads
// it chose, one line per execution: what the search explored, in order.
class Recorder final : public Strategy {
 public:
  Recorder(std::unique_ptr<Strategy> inner, std::vector<std::string>* log)
      : inner_(std::move(inner)), log_(log) {}
  std::string_view name() const override { return inner_->name(); }
  bool begin_execution() override {
    if (!inner_->begin_execution()) return false;
    log_->emplace_back();
    return true;
  }
  ThreadId pick(const SchedulingPoint& point) override {
    ThreadId t = inner_->pick(point);
    log_->back() += static_cast<char>('0' + t);
    return t;
  }
  int choose(const ChoicePoint& point) override {
    const int taken = inner_->choose(point);
    log_->back() += fmt::format("/{}", taken);
    return taken;
  }
  void end_execution() override { inner_->end_execution(); }
  bool exhaustive() const override { return inner_->exhaustive(); }

 private:
  std::unique_ptr<Strategy> inner_;
  std::vector<std::string>* log_;
};

std::unique_ptr<Strategy> exhaustive_named(const std::string& name) {
  if (name == "dfs") return std::make_unique<DfsStrategy>();
  return std::make_unique<DporStrategy>();
}

template <Model M>
Params params_of(const Values& values) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  return *params;
}

// The executions the exhaustive strategy `name` drives, alone and inside a
// portfolio, must be the same list; returns the portfolio's result.
template <Model M>
CheckResult same_search(const std::string& name, const Values& values) {
  const Params params = params_of<M>(values);
  CheckOptions options;
  options.limits.detect_races = false;
  options.all = true;  // go on after failures: compare the whole search
  options.shrink = false;
  options.progress = false;

  std::vector<std::string> alone_log, mixed_log;
  ModelAdapter<M> model_alone(params);
  Recorder alone(exhaustive_named(name), &alone_log);
  CheckResult alone_result = explore(M::spec(), params, model_alone, alone, options);

  ModelAdapter<M> model_mixed(params);
  PortfolioStrategy mixed(std::make_unique<Recorder>(exhaustive_named(name), &mixed_log), 7);
  CheckResult mixed_result = explore(M::spec(), params, model_mixed, mixed, options);

  CHECK(mixed_log == alone_log);
  CHECK(mixed_result.executions == alone_result.executions);
  CHECK(mixed_result.pruned_executions == alone_result.pruned_executions);
  CHECK(mixed_result.exhaustive == alone_result.exhaustive);
  CHECK(mixed_result.exhaustive);
  return mixed_result;
}

CheckResult check_builtin(const std::string& model, const Values& values, CheckOptions options) {
  options.progress = false;
  auto result = models::builtin().check(model, values, options);
  REQUIRE(result.ok());
  REQUIRE(result->error.empty());
  return *result;
}

}  // namespace

TEST_CASE("Probes leave the exhaustive search as it is alone", "[portfolio][oracle]") {
  // Past the warm-up, so that probes run between the search's executions.
  SECTION("DPOR, crowd.locked 6 threads: 6! orders of the critical sections") {
    CheckResult r = same_search<models::CrowdLocked>("dpor", {{"threads", 6}});
    CHECK(r.executions == 720);
    CHECK(r.probe_executions > 0);
  }
  SECTION("DFS, counter.atomic 3x2: 6!/(2!2!2!) orders of the fetch_adds") {
    CheckResult r = same_search<models::CounterAtomic>("dfs", {{"threads", 3}, {"iters", 2}});
    CHECK(r.executions == 90);  // inside the warm-up: no probe
    CHECK(r.probe_executions == 0);
  }
  SECTION("DPOR, lastzero(7): the published 320 traces") {
    CheckResult r = same_search<models::LastZero>("dpor", {{"n", 7}});
    CHECK(r.executions == 320);
    CHECK(r.probe_executions > 0);
  }
  SECTION("DPOR with failures on the way: crowd.racy 7 threads") {
    CheckResult r = same_search<models::CrowdRacy>("dpor", {{"threads", 7}});
    CHECK(r.executions > PortfolioStrategy::kWarmup);
    CHECK(r.failing_executions > 0);
    CHECK(r.probe_executions > 0);
  }
  SECTION("DFS, crowd.racy 5 threads, every failing execution counted") {
    CheckResult r = same_search<models::CrowdRacy>("dfs", {{"threads", 5}});
    CHECK(r.failing_executions > 0);
  }
}

TEST_CASE("Probes: how many run, by the documented schedule", "[portfolio]") {
  // None in the first kWarmup executions; then one per execution of the
  // search up to kEagerProbes; then one per kLateRatio.
  auto probes_for = [](uint64_t executions) {
    const uint64_t after = executions > PortfolioStrategy::kWarmup
                               ? executions - PortfolioStrategy::kWarmup
                               : 0;
    const uint64_t eager = std::min(after, PortfolioStrategy::kEagerProbes);
    const uint64_t late = after > PortfolioStrategy::kEagerProbes
                              ? (after - PortfolioStrategy::kEagerProbes) /
                                    PortfolioStrategy::kLateRatio
                              : 0;
    return eager + late;
  };
  CheckOptions options;
  // 7! = 5040 orders: 100 alone, 500 with a probe each, 4440 / 16 = 277 more.
  CheckResult r = check_builtin("crowd.locked", {{"threads", 7}}, options);
  CHECK(r.exhaustive);
  CHECK(r.executions == 5040);
  CHECK(r.probe_executions == probes_for(5040));
  CHECK(r.probe_executions == 777);
  CheckOptions without = options;
  without.probes = false;
  CheckResult alone = check_builtin("crowd.locked", {{"threads", 7}}, without);
  CHECK(alone.executions == 5040);
  CHECK(alone.probe_executions == 0);
  CHECK(alone.total_steps < r.total_steps);
}

TEST_CASE("The default check finds a one-preemption bug among 10 threads early", "[portfolio]") {
  for (const Values& values :
       {Values{{"threads", 10}}, Values{{"threads", 10}, {"iters", 2}},
        Values{{"threads", 12}, {"iters", 3}}}) {
    CAPTURE(values.front().second, values.back().second);
    CheckResult r = check_builtin("crowd.racy", values, CheckOptions{});
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK(f.execution <= 10'000);
    CHECK(f.by_probe);
    CHECK(f.failure.message == "last ticket sold twice: tickets == -1");
    CHECK(f.shrunk_preemptions == 1);
    // The probe's schedule replays like any other.
    auto replayed = models::builtin().replay(f.schedule.to_string());
    REQUIRE(replayed.ok());
    REQUIRE(replayed->failure.has_value());
    CHECK(replayed->failure->same_as(f.failure));
    // Seeded: the same check reports the same failure.
    CheckResult again = check_builtin("crowd.racy", values, CheckOptions{});
    REQUIRE(again.found_bug());
    CHECK(again.first_failure->execution == f.execution);
    CHECK(again.first_failure->schedule.to_string() == f.schedule.to_string());
  }
}

TEST_CASE("Without probes DPOR reaches the buyers' race only after the bystanders' orders",
          "[portfolio]") {
  // DPOR backtracks the last choices first: the race between T0 and T1
  // (the first two threads) comes after all 6! orders of the six bystanders'
  // critical sections, one execution each.
  CheckOptions options;
  options.probes = false;
  CheckResult r = check_builtin("crowd.racy", {{"threads", 8}}, options);
  REQUIRE(r.found_bug());
  CHECK(r.first_failure->execution == 721);
  CHECK_FALSE(r.first_failure->by_probe);
  CHECK(r.probe_executions == 0);
}

TEST_CASE("--all counts the search's failing executions alone: no probes", "[portfolio]") {
  CheckOptions options;
  options.all = true;
  CheckResult r = check_builtin("crowd.racy", {{"threads", 5}}, options);
  CHECK(r.exhaustive);
  CHECK(r.probe_executions == 0);
  CHECK(r.failing_executions > 0);
}
