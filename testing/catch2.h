// Catch2 helpers for checking models in C++ tests: a failing assertion prints
// the checker's whole report (trace, why, replay string).
//
//   #include "testing/catch2.h"
//
//   CheckResult result = check_model<MyModel>(*params);
//   REQUIRE_THAT(result, interleave::testing::Passes());     // no bug in any schedule
//   REQUIRE_THAT(other, interleave::testing::FindsBug("lost update"));
//   REQUIRE_THAT(budgeted, interleave::testing::NoBugWithinBudget());
//
// The matchers follow the verdicts of scheduler/verdict.h: Passes() matches
// only a run that covered what it was asked (verdict pass), never one a
// limit or budget stopped before that (incomplete); NoBugWithinBudget()
// matches both.
//
// Catch2 prints a CheckResult through the StringMaker below, which is the
// report of format_check.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "scheduler/explorer.h"
#include "scheduler/report.h"
#include "scheduler/verdict.h"

namespace Catch {

template <>
struct StringMaker<interleave::CheckResult> {
  static std::string convert(const interleave::CheckResult& result) {
    return "\n" + interleave::format_check(result, interleave::CheckOptions{});
  }
};

}  // namespace Catch

namespace interleave::testing {

// Matches a check whose verdict is pass: no bug, no error, and everything
// asked was covered (not an incomplete run).
class Passes : public Catch::MatcherBase<CheckResult> {
 public:
  bool match(const CheckResult& result) const override {
    return verdict_of(result) == Verdict::kPass;
  }
  std::string describe() const override {
    return "finds no bug, and covers everything asked (no limit stopped it)";
  }
};

// Matches a check that found no bug and had no error, whether it covered
// everything asked (pass) or a budget stopped it first (incomplete).
class NoBugWithinBudget : public Catch::MatcherBase<CheckResult> {
 public:
  bool match(const CheckResult& result) const override {
    Verdict v = verdict_of(result);
    return v == Verdict::kPass || v == Verdict::kIncomplete;
  }
  std::string describe() const override { return "finds no bug within its budget"; }
};

// Matches a check that found a bug whose message contains `text`.
class FindsBug : public Catch::MatcherBase<CheckResult> {
 public:
  explicit FindsBug(std::string text = "") : text_(std::move(text)) {}
  bool match(const CheckResult& result) const override {
    return result.found_bug() &&
           result.first_failure->failure.message.find(text_) != std::string::npos;
  }
  std::string describe() const override {
    return text_.empty() ? "finds a bug" : "finds a bug whose message contains \"" + text_ + "\"";
  }

 private:
  std::string text_;
};

}  // namespace interleave::testing
