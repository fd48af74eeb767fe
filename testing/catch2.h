// Catch2 helpers for checking models in C++ tests: a failing assertion prints
// the checker's whole report (trace, why, replay string).
//
//   #include "testing/catch2.h"
//
//   CheckResult result = check_model<MyModel>(*params);
//   REQUIRE_THAT(result, interleave::testing::Passes());     // no bug in any schedule
//   REQUIRE_THAT(other, interleave::testing::FindsBug("lost update"));
//
// Catch2 prints a CheckResult through the StringMaker below, which is the
// report of format_check.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "scheduler/explorer.h"
#include "scheduler/report.h"

namespace Catch {

template <>
struct StringMaker<interleave::CheckResult> {
  static std::string convert(const interleave::CheckResult& result) {
    return "\n" + interleave::format_check(result, interleave::CheckOptions{});
  }
};

}  // namespace Catch

namespace interleave::testing {

// Matches a check that found no bug and had no error.
class Passes : public Catch::MatcherBase<CheckResult> {
 public:
  bool match(const CheckResult& result) const override {
    return result.error.empty() && !result.found_bug();
  }
  std::string describe() const override { return "finds no bug"; }
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
