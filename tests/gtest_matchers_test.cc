// The GoogleTest matchers (testing/gtest.h, <interleave/gtest.h>) match the
// checker's verdicts, and a failing expectation prints the checker's report.
#include <string>

#include <gtest/gtest-spi.h>

#include <interleave/gtest.h>

#include "models/counter.h"
#include "tests/test_models.h"

namespace {

using namespace interleave;
using interleave::testing::FindsBug;
using interleave::testing::Passes;

CheckResult check_counter_racy() {
  auto params = make_params<models::CounterRacy>({{"threads", 2}, {"iters", 1}});
  EXPECT_TRUE(params.ok());
  CheckOptions options;
  options.progress = false;
  options.limits.detect_races = false;  // the lost update, not the data race before it
  return check_model<models::CounterRacy>(*params, options);
}

CheckResult check_counter_locked() {
  auto params = make_params<models::CounterLocked>({{"threads", 2}, {"iters", 2}});
  EXPECT_TRUE(params.ok());
  CheckOptions options;
  options.progress = false;
  return check_model<models::CounterLocked>(*params, options);
}

TEST(GtestMatchers, MatchTheVerdicts) {
  CheckResult racy = check_counter_racy();
  CheckResult locked = check_counter_locked();
  EXPECT_THAT(locked, Passes());
  EXPECT_THAT(racy, FindsBug("lost update"));
  EXPECT_THAT(racy, FindsBug());
  EXPECT_FALSE(::testing::Matches(Passes())(racy));
  EXPECT_FALSE(::testing::Matches(FindsBug())(locked));
  EXPECT_FALSE(::testing::Matches(FindsBug("deadlock"))(racy));

  auto abba_params = make_params<test::Abba>();
  ASSERT_TRUE(abba_params.ok());
  CheckResult abba = check_model<test::Abba>(*abba_params);
  EXPECT_THAT(abba, FindsBug("deadlock"));
  EXPECT_FALSE(::testing::Matches(FindsBug("lost update"))(abba));
}

TEST(GtestMatchers, DescribeWhatTheyExpect) {
  EXPECT_EQ(::testing::DescribeMatcher<const CheckResult&>(Passes()), "finds no bug");
  EXPECT_EQ(::testing::DescribeMatcher<const CheckResult&>(FindsBug("lost update")),
            "finds a bug whose message contains \"lost update\"");
  EXPECT_EQ(::testing::DescribeMatcher<const CheckResult&>(FindsBug()), "finds a bug");
}

TEST(GtestMatchers, AFailingExpectationPrintsTheReport) {
  CheckResult racy = check_counter_racy();
  // What GoogleTest prints as the value of a CheckResult.
  std::string shown = ::testing::PrintToString(racy);
  EXPECT_THAT(shown, ::testing::HasSubstr("FAIL lost update"));
  EXPECT_THAT(shown, ::testing::HasSubstr("replay: "));
  EXPECT_THAT(shown, ::testing::HasSubstr("'" + racy.first_failure->schedule.to_string() + "'"));
  // A failing EXPECT_THAT reports the expectation and the whole report.
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(racy, Passes()), "Expected: finds no bug");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(racy, Passes()), "FAIL lost update");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(racy, Passes()), "counter.racy:t2,i1:v1:");
  CheckResult locked = check_counter_locked();
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(locked, FindsBug("lost update")),
                          "PASS no bug found: explored all");
}

}  // namespace
