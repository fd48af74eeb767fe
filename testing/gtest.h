// GoogleTest (gMock) matchers for checking models in C++ tests: a failing
// expectation prints the checker's whole report (trace, why, replay string),
// like the Catch2 matchers in testing/catch2.h.
//
//   #include <interleave/gtest.h>
//
//   CheckResult result = check_model<MyModel>(*params);
//   EXPECT_THAT(result, interleave::testing::Passes());     // no bug in any schedule
//   EXPECT_THAT(other, interleave::testing::FindsBug("lost update"));
//
// GoogleTest prints a CheckResult through PrintTo below ("Actual: ..."), which
// is the report of format_check.
#pragma once

#include <ostream>
#include <string>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"

namespace interleave {

// How GoogleTest shows a CheckResult: the checker's report, from a new line.
inline void PrintTo(const CheckResult& result, std::ostream* os) {
  *os << "\n" << format_check(result, CheckOptions{});
}

}  // namespace interleave

namespace interleave::testing {

namespace detail {

// Matches a check that found no bug and had no error.
class PassesMatcher {
 public:
  using is_gtest_matcher = void;
  bool MatchAndExplain(const CheckResult& result, std::ostream* /*why*/) const {
    return result.error.empty() && !result.found_bug();
  }
  void DescribeTo(std::ostream* os) const { *os << "finds no bug"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "finds a bug or fails to run"; }
};

// Matches a check that found a bug whose message contains `text`.
class FindsBugMatcher {
 public:
  using is_gtest_matcher = void;
  explicit FindsBugMatcher(std::string text) : text_(std::move(text)) {}
  bool MatchAndExplain(const CheckResult& result, std::ostream* /*why*/) const {
    return result.found_bug() &&
           result.first_failure->failure.message.find(text_) != std::string::npos;
  }
  void DescribeTo(std::ostream* os) const {
    if (text_.empty()) {
      *os << "finds a bug";
    } else {
      *os << "finds a bug whose message contains \"" << text_ << "\"";
    }
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not ";
    DescribeTo(os);
  }

 private:
  // What the first failure's message must contain ("" matches any bug).
  std::string text_;
};

}  // namespace detail

// EXPECT_THAT(result, Passes()): the check found no bug (and ran).
inline ::testing::Matcher<const CheckResult&> Passes() { return detail::PassesMatcher(); }

// EXPECT_THAT(result, FindsBug("lost update")): the check found a bug whose
// message contains the text ("" or no argument: any bug).
inline ::testing::Matcher<const CheckResult&> FindsBug(std::string text = "") {
  return detail::FindsBugMatcher(std::move(text));
}

}  // namespace interleave::testing
