// The example data structures written against `sync::` (spsc_ring.h,
// lru_cache.h), checked with sync = interleave::std_like: each planted bug is
// found with a schedule string that replays it, each fix passes every
// strategy and runs natively (on the std types) without failing.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <interleave/interleave.h>

#include "examples/std_like_models.h"
#include "native/engine.h"

namespace {

using namespace interleave;
using examples::interleave_sync::LruModel;
using examples::interleave_sync::SpscModel;

const std::vector<std::string> kEveryStrategy = {"dfs",       "dpor",   "bounded",
                                                 "iterative", "random", "pct"};

template <Model M>
CheckResult check_with(const std::string& strategy,
                       std::vector<std::pair<std::string, int64_t>> values = {}) {
  auto params = make_params<M>(values);
  REQUIRE(params.ok());
  CheckOptions options;
  options.strategy = strategy;
  options.progress = false;
  return check_model<M>(*params, options);
}

// Every strategy finds Buggy's bug (kind, message prefix); the default
// check's schedule string replays the same failure.
template <Model Buggy>
void finds_and_replays(FailureKind kind, const std::string& message) {
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult result = check_with<Buggy>(strategy);
    REQUIRE(result.found_bug());
    CAPTURE(result.first_failure->failure.message);
    CHECK(result.first_failure->failure.kind == kind);
    CHECK(result.first_failure->failure.message.starts_with(message));
  }
  CheckResult found = check_with<Buggy>("dpor");
  REQUIRE(found.found_bug());
  std::string text = found.first_failure->schedule.to_string();
  INFO("schedule: " << text);
  CHECK(text.starts_with(Buggy::spec().name + ":"));
  auto replayed = replay_model<Buggy>(text);
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->message == found.first_failure->failure.message);
  CHECK(replayed->trace.size() == found.first_failure->trace.size());
}

// Every strategy passes Fixed (at parameters `values`); natively it runs 500
// trials without failing.
template <Model Fixed>
void passes_everywhere(std::vector<std::pair<std::string, int64_t>> values = {}) {
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult result = check_with<Fixed>(strategy, values);
    if (result.found_bug()) FAIL(result.first_failure->failure.message);
    CHECK(result.error.empty());
  }
  NativeOptions native;
  native.trials = 500;
  NativeResult result = run_native_model<Fixed>(*make_params<Fixed>(values), native);
  CAPTURE(result.first_failure, result.hang);
  CHECK_FALSE(result.found_bug());
}

TEST_CASE("SPSC ring: publishing the tail before the slot pops a value not yet written",
          "[example][std_like]") {
  finds_and_replays<SpscModel<true>>(FailureKind::kCheck, "popped ");
  // One item under every strategy: DFS explores all 65 interleavings. With
  // more items DFS and iterative grow past a unit test's time (2 items:
  // about 230,000 executions), so the wrap-around runs under DPOR, which
  // covers every schedule up to equivalence (3 items: 72 executions).
  passes_everywhere<SpscModel<false>>({{"items", 1}});
  CheckResult wrapped = check_with<SpscModel<false>>("dpor", {{"items", 3}});
  if (wrapped.found_bug()) FAIL(wrapped.first_failure->failure.message);
  CHECK(wrapped.exhaustive);
}

TEST_CASE("LRU cache: contains() then lookup() throws when a put evicts the key between",
          "[example][std_like]") {
  finds_and_replays<LruModel<true>>(FailureKind::kException, "");
  passes_everywhere<LruModel<false>>();
}

}  // namespace
