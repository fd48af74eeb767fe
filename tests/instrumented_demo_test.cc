// Published algorithms with known bugs, written in plain std C++ as they are
// shipped (tests/instrumented/lazy_init.cc, tests/instrumented/buffer_pool.cc),
// compiled with -fsanitize=thread and linked with interleave's runtime: each
// bug is found by DFS, named where it happens and replayed from its schedule
// string; each fix passes every schedule. The execution counts are DFS's
// without probes (CheckOptions::probes off), measured, and explained beside
// each test in its source.
#include <string>

#include <catch2/catch.hpp>

#include "instrumented/instrumented.h"
#include "scheduler/api/registry.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/strategies/schedule.h"

namespace {

using namespace interleave;

CheckResult check_dfs(const std::string& name) {
  CheckOptions options;
  options.strategy = "dfs";
  options.probes = false;
  options.progress = false;
  auto result = instrumented::instrumented_models().check(name, {}, options);
  REQUIRE(result.ok());
  return *result;
}

// The failure `result` found, replayed from its schedule string, fails the
// same way.
void require_replays(const CheckResult& result) {
  REQUIRE(result.first_failure.has_value());
  const std::string text = result.first_failure->schedule.to_string();
  CAPTURE(text);
  auto replayed = instrumented::instrumented_models().replay(text);
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->kind == result.first_failure->failure.kind);
  CHECK(replayed->failure->message == result.first_failure->failure.message);
  CHECK(replayed->trace.size() == result.first_failure->trace.size());
}

TEST_CASE("double-checked locking with a plain bool flag: a data race on the flag, both lines") {
  CheckResult result = check_dfs("lazy_init_plain_flag");
  REQUIRE(result.first_failure.has_value());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kDataRace);
  // The second thread, started while the first ran to its lock, read the
  // flag on the fast path (lazy_init.cc:41, `if (!created_)`); the first
  // then sets it under the lock (lazy_init.cc:45, `created_ = true`).
  CHECK_THAT(failure.message,
             Catch::Matchers::Contains("T2 read it at tests/instrumented/lazy_init.cc:41") &&
                 Catch::Matchers::Contains("T1 writes it at tests/instrumented/lazy_init.cc:45"));
  CHECK(failure.location.line() == 45);
  // The first execution already has it: the race needs no particular order.
  CHECK(result.first_failure->execution == 1);
  require_replays(result);
}

TEST_CASE("double-checked locking with std::atomic<bool> acquire/release passes every schedule") {
  CheckResult result = check_dfs("lazy_init_atomic_flag");
  CHECK_FALSE(result.first_failure.has_value());
  CHECK(result.error.empty());
  CHECK(result.exhaustive);
  CHECK(result.executions == 12);
}

TEST_CASE("Treiber's free list with a pointer head: the ABA problem breaks the pool") {
  CheckResult result = check_dfs("buffer_pool_aba");
  REQUIRE(result.first_failure.has_value());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kCheck);
  CHECK_THAT(failure.message,
             Catch::Matchers::StartsWith("the pool lost track of its buffers: 4 held or free, "
                                         "3 distinct, expected 3"));
  CHECK(result.first_failure->execution == 2);
  // The schedule found: a (T1) loads the head and its successor, b runs all
  // of pop, pop, push, then a's compare-and-swap finds the head it loaded
  // first and succeeds: the ABA.
  const TraceStep* first_of_a = nullptr;
  const TraceStep* last_of_a = nullptr;
  for (const TraceStep& step : result.first_failure->trace) {
    if (step.thread != 1) continue;
    if (first_of_a == nullptr) first_of_a = &step;
    last_of_a = &step;
  }
  REQUIRE(first_of_a != nullptr);
  CHECK(first_of_a->op.kind == OpKind::kLoad);
  CHECK(last_of_a->op.kind == OpKind::kCompareExchange);
  CHECK(last_of_a->has_written);
  CHECK(last_of_a->read == first_of_a->read);
  require_replays(result);
}

TEST_CASE("Treiber's free list with a tagged index head passes every schedule") {
  CheckResult result = check_dfs("buffer_pool_tagged");
  CHECK_FALSE(result.first_failure.has_value());
  CHECK(result.error.empty());
  CHECK(result.exhaustive);
  CHECK(result.executions == 3355);
}

}  // namespace
