// Determinism: a failure's schedule string replays the identical execution,
// the same check run twice gives identical results, and schedule_of()
// round-trips through the string form.
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "models/builtin.h"
#include "models/counter.h"
#include "tests/dfs_helpers.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/api/registry.h"
#include "scheduler/strategies/schedule.h"

namespace {

using namespace interleave;

void require_same_trace(const std::vector<TraceStep>& a, const std::vector<TraceStep>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].thread == b[i].thread);
    CHECK(a[i].op.kind == b[i].op.kind);
    CHECK(std::string_view(a[i].op.name) == std::string_view(b[i].op.name));
    CHECK(a[i].op.location.line() == b[i].op.location.line());
    CHECK(std::string_view(a[i].op.location.file_name()) ==
          std::string_view(b[i].op.location.file_name()));
    CHECK(a[i].has_read == b[i].has_read);
    CHECK(a[i].read == b[i].read);
    CHECK(a[i].has_written == b[i].has_written);
    CHECK(a[i].written == b[i].written);
  }
}

// DFS of counter.racy; with `races`, race detection on (its failure is then
// the data race, not the lost update).
CheckResult check_racy(int threads, int iters, bool all = false, bool races = false) {
  CheckOptions options = test::dfs_options();
  options.all = all;
  options.limits.detect_races = races;
  auto r = models::builtin().check("counter.racy", {{"threads", threads}, {"iters", iters}},
                                   options);
  REQUIRE(r.ok());
  return *r;
}

struct Size {
  int threads, iters;
};

}  // namespace

TEST_CASE("a failure's schedule string replays the identical trace and failure",
          "[determinism]") {
  for (bool races : {false, true})
  for (Size s : {Size{2, 1}, Size{2, 2}, Size{3, 1}}) {
    CAPTURE(races, s.threads, s.iters);
    CheckResult r = check_racy(s.threads, s.iters, false, races);
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    CHECK((f.failure.kind == FailureKind::kDataRace) == races);
    std::string text = f.schedule.to_string();
    CAPTURE(text);
    CHECK(f.schedule.model == "counter.racy");
    CHECK(f.schedule.choices.size() == f.trace.size());
    ExecutionLimits limits;
    limits.detect_races = races;

    auto replayed = models::builtin().replay(text, limits);
    REQUIRE(replayed.ok());
    CHECK(replayed->outcome == Outcome::kFailed);
    REQUIRE(replayed->failure.has_value());
    CHECK(replayed->failure->kind == f.failure.kind);
    CHECK(replayed->failure->message == f.failure.message);
    CHECK(replayed->failure->thread == f.failure.thread);
    CHECK(replayed->failure->step == f.failure.step);
    CHECK(replayed->failure->location.line() == f.failure.location.line());
    CHECK(replayed->failure->same_as(f.failure));
    require_same_trace(replayed->trace, f.trace);
    CHECK(replayed->schedule.to_string() == text);

    // And a second replay of the same string is identical again.
    auto again = models::builtin().replay(text, limits);
    REQUIRE(again.ok());
    require_same_trace(again->trace, replayed->trace);
    CHECK(again->failure->message == replayed->failure->message);
  }
}

TEST_CASE("the racy counter's failing trace: both loads read 0, both stores write 1",
          "[determinism]") {
  CheckResult r = check_racy(2, 1);
  REQUIRE(r.found_bug());
  const auto& trace = r.first_failure->trace;
  REQUIRE(trace.size() == 4);
  const ThreadId threads[] = {0, 1, 1, 0};
  const OpKind kinds[] = {OpKind::kLoad, OpKind::kLoad, OpKind::kStore, OpKind::kStore};
  for (size_t i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(trace[i].thread == threads[i]);
    CHECK(trace[i].op.kind == kinds[i]);
    CHECK(std::string_view(trace[i].op.name) == "counter");
    CHECK(std::string_view(trace[i].op.location.file_name()).ends_with("models/counter.h"));
  }
  CHECK(trace[0].has_read);
  CHECK(trace[0].read == 0);
  CHECK_FALSE(trace[0].has_written);
  CHECK(trace[1].read == 0);
  CHECK(trace[2].has_written);
  CHECK_FALSE(trace[2].has_read);
  CHECK(trace[2].written == 1);
  CHECK(trace[3].written == 1);
  // The load and the store are on consecutive lines of the model.
  CHECK(trace[2].op.location.line() == trace[0].op.location.line() + 1);
}

TEST_CASE("the same check twice gives identical results", "[determinism]") {
  for (bool all : {false, true}) {
    for (Size s : {Size{2, 1}, Size{2, 2}, Size{3, 1}}) {
      CAPTURE(all, s.threads, s.iters);
      CheckResult a = check_racy(s.threads, s.iters, all);
      CheckResult b = check_racy(s.threads, s.iters, all);
      CHECK(a.executions == b.executions);
      CHECK(a.failing_executions == b.failing_executions);
      CHECK(a.total_steps == b.total_steps);
      CHECK(a.exhaustive == b.exhaustive);
      CHECK(a.error == b.error);
      REQUIRE(a.found_bug());
      REQUIRE(b.found_bug());
      CHECK(a.first_failure->execution == b.first_failure->execution);
      CHECK(a.first_failure->schedule.to_string() == b.first_failure->schedule.to_string());
      CHECK(a.first_failure->failure.same_as(b.first_failure->failure));
      require_same_trace(a.first_failure->trace, b.first_failure->trace);
    }
  }
}

TEST_CASE("passing models: repeated checks agree exactly", "[determinism]") {
  for (const char* name : {"counter.locked", "counter.atomic"}) {
    CAPTURE(name);
    auto a = models::builtin().check(name, {{"threads", 3}, {"iters", 2}}, test::dfs_options());
    auto b = models::builtin().check(name, {{"threads", 3}, {"iters", 2}}, test::dfs_options());
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK_FALSE(a->found_bug());
    CHECK(a->executions == 90);
    CHECK(a->executions == b->executions);
    CHECK(a->total_steps == b->total_steps);
    CHECK(a->exhaustive);
    CHECK(b->exhaustive);
  }
}

TEST_CASE("schedule_of(trace) round-trips through the string form", "[determinism]") {
  for (Size s : {Size{2, 1}, Size{2, 2}, Size{3, 1}}) {
    CAPTURE(s.threads, s.iters);
    CheckResult r = check_racy(s.threads, s.iters);
    REQUIRE(r.found_bug());
    const FoundFailure& f = *r.first_failure;
    auto registered = models::builtin().find("counter.racy");
    REQUIRE(registered.ok());
    Schedule from_trace = schedule_of((*registered)->spec, r.params, f.trace);
    CHECK(from_trace.model == "counter.racy");
    CHECK(from_trace.params ==
          std::vector<std::pair<std::string, int64_t>>{{"t", s.threads}, {"i", s.iters}});
    CHECK(from_trace.choices == f.schedule.choices);
    std::string text = from_trace.to_string();
    CHECK(text == f.schedule.to_string());
    auto parsed = Schedule::parse(text);
    REQUIRE(parsed.ok());
    CHECK(parsed->model == from_trace.model);
    CHECK(parsed->params == from_trace.params);
    CHECK(parsed->choices == from_trace.choices);
    CHECK(parsed->to_string() == text);
    for (size_t i = 0; i < f.trace.size(); ++i) CHECK(from_trace.choices[i] == f.trace[i].thread);
  }
}

TEST_CASE("replaying a passing schedule passes with the same trace every time",
          "[determinism]") {
  // counter.locked 2x1: T0's critical section, then T1's.
  const std::string text = "counter.locked:t2,i1:v1:00001111";
  auto a = models::builtin().replay(text);
  REQUIRE(a.ok());
  CHECK(a->outcome == Outcome::kPassed);
  CHECK_FALSE(a->failure.has_value());
  REQUIRE(a->trace.size() == 8);
  const OpKind kinds[] = {OpKind::kLock, OpKind::kLoad, OpKind::kStore, OpKind::kUnlock};
  for (size_t i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(a->trace[i].thread == (i < 4 ? 0 : 1));
    CHECK(a->trace[i].op.kind == kinds[i % 4]);
  }
  CHECK(a->trace[1].read == 0);
  CHECK(a->trace[2].written == 1);
  CHECK(a->trace[5].read == 1);
  CHECK(a->trace[6].written == 2);
  auto b = models::builtin().replay(text);
  REQUIRE(b.ok());
  require_same_trace(a->trace, b->trace);
  CHECK(a->schedule.to_string() == text);
}

namespace {

// A model that is not deterministic: its thread count depends on how many
// instances were made before (global state), so the second execution's
// first branch differs from the first's.
int g_instances = 0;

struct NotDeterministic {
  static ModelSpec spec() {
    return {"test.nondeterministic", "thread count depends on global state", {}};
  }
  explicit NotDeterministic(const Params&) : threads(++g_instances == 1 ? 2 : 3) {}
  int thread_count() const { return threads; }
  void thread(int index) { vars[index].store(1); }
  void invariant() {}

  int threads;
  shared<int> vars[3] = {shared<int>{"x", 0}, shared<int>{"y", 0}, shared<int>{"z", 0}};
};

}  // namespace

TEST_CASE("a nondeterministic model is reported, not explored silently", "[determinism]") {
  g_instances = 0;
  auto params = Params::make("test.nondeterministic", NotDeterministic::spec().params, {});
  REQUIRE(params.ok());
  CheckResult r = test::dfs_check<NotDeterministic>(*params);
  CHECK_FALSE(r.found_bug());
  CHECK_THAT(r.error, Catch::Contains("not deterministic"));
  CHECK_FALSE(r.exhaustive);
  // The first execution completed; the second was stopped at the divergence
  // and is not counted as an execution.
  CHECK(r.executions == 1);
}

TEST_CASE("checks on several OS threads at once give the same results", "[determinism]") {
  // Each OS thread has its own fiber stacks and current execution.
  CheckResult reference = check_racy(3, 1, /*all=*/true);
  REQUIRE(reference.found_bug());
  constexpr int kThreads = 4;
  std::vector<uint64_t> executions(kThreads), failing(kThreads), steps(kThreads);
  std::vector<std::string> schedules(kThreads);
  std::vector<std::thread> workers;
  for (int i = 0; i < kThreads; ++i) {
    workers.emplace_back([&, i] {
      CheckOptions options;
      options.all = true;
      auto r = models::builtin().check("counter.racy", {{"threads", 3}, {"iters", 1}}, test::dfs_options(options));
      if (!r.ok() || !r->found_bug()) return;
      executions[i] = r->executions;
      failing[i] = r->failing_executions;
      steps[i] = r->total_steps;
      schedules[i] = r->first_failure->schedule.to_string();
    });
  }
  for (auto& w : workers) w.join();
  for (int i = 0; i < kThreads; ++i) {
    CAPTURE(i);
    CHECK(executions[i] == reference.executions);
    CHECK(failing[i] == reference.failing_executions);
    CHECK(steps[i] == reference.total_steps);
    CHECK(schedules[i] == reference.first_failure->schedule.to_string());
  }
}
