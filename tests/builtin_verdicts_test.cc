// Every registered model, at its default parameters, under exhaustive DFS:
// a variant marked buggy has its bug found, and its schedule replays to the
// same failure; a correct variant passes every schedule. A relaxed-only
// variant (its bug needs relaxed memory) passes every sequentially consistent
// schedule, and the report says so; Relacy finds its bug
// (tests/relacy_crosscheck_test.cc).
#include <catch2/catch.hpp>

#include <string>

#include "models/builtin.h"
#include "scheduler/reports/report.h"

using namespace interleave;

TEST_CASE("every built-in model's verdict at its defaults") {
  const Registry& registry = models::builtin();
  REQUIRE(registry.models().size() >= 4);
  for (const RegisteredModel& model : registry.models()) {
    CheckOptions options;
    auto result = registry.check(model.spec.name, {}, options);
    REQUIRE(result.ok());
    std::string report = format_check(*result, options, model.spec);
    INFO(report);
    CHECK(result->error.empty());
    if (model.spec.relaxed_only) {
      CHECK(model.spec.buggy);
      CHECK_FALSE(result->found_bug());
      CHECK(result->exhaustive);
      CHECK(report.find("PASS no bug under sequential consistency") != std::string::npos);
      // The note names the program that runs Relacy (the replay command's).
      CHECK(report.find("bazel run //:interleave -- relacy " + model.spec.name) !=
            std::string::npos);
    } else if (model.spec.buggy) {
      REQUIRE(result->found_bug());
      auto replayed = registry.replay(result->first_failure->schedule.to_string());
      REQUIRE(replayed.ok());
      REQUIRE(replayed->failure.has_value());
      CHECK(replayed->failure->same_as(result->first_failure->failure));
    } else {
      CHECK_FALSE(result->found_bug());
      CHECK(result->exhaustive);
    }
  }
}
