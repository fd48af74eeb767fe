// The verdict of a check, one of four outcomes that are never mixed, and
// the exit status that goes with it (the same for `interleave check`, the
// interleave_test main, the JSON and HTML reports and the Catch2 matchers):
//
//   bug         a failure was found, with a schedule that replays it     exit 1
//   pass        no bug, and the run covered everything it was asked to:  exit 0
//               every schedule (DFS, DPOR), every schedule within the
//               bound (bounded, iterative), or the executions a
//               randomised strategy was given (random, PCT)
//   incomplete  no bug found, but a limit or budget stopped the run      exit 3
//               before it covered what was asked (CheckResult::limit)
//   error       the exploration could not go on (CheckResult::error),    exit 2
//               or the input was rejected
#pragma once

#include <string_view>

#include "scheduler/strategies/explorer.h"

namespace interleave {

enum class Verdict { kBug, kPass, kIncomplete, kError };

inline constexpr int kExitPass = 0;
inline constexpr int kExitBug = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitIncomplete = 3;

inline Verdict verdict_of(const CheckResult& result) {
  if (result.found_bug()) return Verdict::kBug;
  if (!result.error.empty()) return Verdict::kError;
  if (!result.limit.empty()) return Verdict::kIncomplete;
  return Verdict::kPass;
}

// "bug", "pass", "incomplete", "error": the JSON report's `verdict`.
inline std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBug: return "bug";
    case Verdict::kPass: return "pass";
    case Verdict::kIncomplete: return "incomplete";
    case Verdict::kError: return "error";
  }
  return "error";
}

inline int exit_status(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBug: return kExitBug;
    case Verdict::kPass: return kExitPass;
    case Verdict::kIncomplete: return kExitIncomplete;
    case Verdict::kError: return kExitUsage;
  }
  return kExitUsage;
}

}  // namespace interleave
