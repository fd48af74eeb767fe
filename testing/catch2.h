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
// The matchers follow the verdicts of scheduler/reports/verdict.h: Passes() matches
// only a run that covered what it was asked (verdict pass), never one a
// limit or budget stopped before that (incomplete); NoBugWithinBudget()
// matches both.
//
// Catch2 prints a CheckResult through the StringMaker below, which is the
// report of format_check. Catch2 wraps what it prints at 80 columns, which
// would break a long replay command over lines; so when a matcher fails on
// a check that found a bug, it also writes the replay command on a line of
// its own, straight to Catch2's output stream, where nothing wraps it:
//
//   replay (one line): bazel run //pkg:my_cli -- replay 'model:t2,i1:v1:0110'
//
// The command names the binary that can replay the schedule: set it once
// with set_replay_command("bazel run //pkg:my_cli -- replay") (a binary made
// by interleave_binary, rules/interleave.bzl), or define
// INTERLEAVE_REPLAY_COMMAND; the default, "bazel run //:interleave --
// replay", replays the built-in models.
#pragma once

#include <ostream>
#include <string>

#include <catch2/catch.hpp>

#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"
#include "scheduler/reports/verdict.h"

#ifndef INTERLEAVE_REPLAY_COMMAND
#define INTERLEAVE_REPLAY_COMMAND "bazel run //:interleave -- replay"
#endif

namespace interleave::testing {

// The command reports print before a schedule string (see above).
inline std::string& replay_command_setting() {
  static std::string command = INTERLEAVE_REPLAY_COMMAND;
  return command;
}
inline void set_replay_command(std::string command) {
  replay_command_setting() = std::move(command);
}

// The options reports are printed with: the replay command above.
inline CheckOptions report_options() {
  CheckOptions options;
  options.replay_command = replay_command_setting();
  return options;
}

// For a result that found a bug: writes its replay command on one line of
// its own to `out` (Catch2's stream by default), unwrapped.
inline void print_replay_line(const CheckResult& result, std::ostream& out = Catch::cout()) {
  if (!result.found_bug()) return;
  out << "replay (one line): " << replay_command(result.first_failure->schedule, report_options())
      << std::endl;
}

}  // namespace interleave::testing

namespace Catch {

template <>
struct StringMaker<interleave::CheckResult> {
  static std::string convert(const interleave::CheckResult& result) {
    return "\n" + interleave::format_check(result, interleave::testing::report_options());
  }
};

}  // namespace Catch

namespace interleave::testing {

// Matches a check whose verdict is pass: no bug, no error, and everything
// asked was covered (not an incomplete run).
class Passes : public Catch::MatcherBase<CheckResult> {
 public:
  bool match(const CheckResult& result) const override {
    const bool matched = verdict_of(result) == Verdict::kPass;
    if (!matched) print_replay_line(result);
    return matched;
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
    const bool matched = v == Verdict::kPass || v == Verdict::kIncomplete;
    if (!matched) print_replay_line(result);
    return matched;
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
