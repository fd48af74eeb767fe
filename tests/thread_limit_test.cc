// The scheduler runs at most kMaxThreads (36) model threads; a model that
// starts more must be rejected, not crash.
//
// Regression (found at fd59cf8): Execution::run (scheduler/runtime/execution.cc,
// lines 34-37) never checked model.thread_count() against kMaxThreads, so a
// model with 37 threads wrote past the end of the std::array threads_
// (`threads_[id].spawned_body = nullptr` with id == 36) and died with
// SIGSEGV. spawn() had the check; the model's own threads did not.
#include <catch2/catch.hpp>

#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"

namespace {

using namespace interleave;

// 37 threads; only T0 does anything, so there is a single execution.
struct ThirtySevenThreads {
  static ModelSpec spec() {
    return {"test.thirtyseven", "more threads than the scheduler has", {threads_param(37, 64)}};
  }
  explicit ThirtySevenThreads(const Params&) {}
  void thread(int index) {
    if (index == 0) x.store(1);
  }
  void invariant() {}
  shared<int> x{"x", 0};
};

}  // namespace

TEST_CASE("a model with 36 threads runs", "[bug][threads]") {
  auto params = Params::make("test.thirtyseven", ThirtySevenThreads::spec().params,
                             {{"threads", 36}});
  REQUIRE(params.ok());
  CheckResult r = check_model<ThirtySevenThreads>(*params);
  CHECK_FALSE(r.found_bug());
  CHECK(r.executions == 1);
  CHECK(r.total_steps == 1);
}

TEST_CASE("a model with 37 threads is rejected, not a crash", "[bug][threads]") {
  auto params = Params::make("test.thirtyseven", ThirtySevenThreads::spec().params,
                             {{"threads", 37}});
  REQUIRE(params.ok());
  CheckResult r = check_model<ThirtySevenThreads>(*params);  // SIGSEGV here today
  REQUIRE((r.found_bug() || !r.error.empty()));
  std::string text = r.found_bug() ? r.first_failure->failure.message : r.error;
  CHECK_THAT(text, Catch::Contains("36"));
}
