// The Catch2 matchers match the right verdicts, and a CheckResult prints as
// the checker's report.
#include "testing/catch2.h"

#include "models/counter.h"

using namespace interleave;
using interleave::testing::FindsBug;
using interleave::testing::Passes;

TEST_CASE("Passes and FindsBug match the checker's verdicts") {
  auto racy_params = make_params<models::CounterRacy>({{"threads", 2}, {"iters", 1}});
  auto locked_params = make_params<models::CounterLocked>({{"threads", 2}, {"iters", 2}});
  REQUIRE(racy_params.ok());
  REQUIRE(locked_params.ok());
  // The lost update (race detection would report the data race first).
  CheckOptions lost_update;
  lost_update.limits.detect_races = false;
  CheckResult racy = check_model<models::CounterRacy>(*racy_params, lost_update);
  CheckResult locked = check_model<models::CounterLocked>(*locked_params);

  REQUIRE_THAT(locked, Passes());
  REQUIRE_THAT(racy, FindsBug("lost update"));
  CHECK_FALSE(Passes().match(racy));
  CHECK_FALSE(FindsBug().match(locked));
  CHECK_FALSE(FindsBug("deadlock").match(racy));

  // What Catch2 prints for a failing REQUIRE_THAT(racy, Passes()).
  std::string shown = Catch::StringMaker<CheckResult>::convert(racy);
  CHECK_THAT(shown, Catch::Contains("FAIL lost update"));
  CHECK_THAT(shown, Catch::Contains("replay: bazel run //:interleave -- replay 'counter.racy:"));

  // With the default options the same model's data race is the bug found.
  CheckResult race = check_model<models::CounterRacy>(*racy_params);
  REQUIRE_THAT(race, FindsBug("data race on counter"));
}
