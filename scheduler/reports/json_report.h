// The result of a check, or of a replay, as JSON, in the versioned shapes of
// docs/json.md ("format": "interleave.check", "version": 2;
// "interleave.replay", version 1). `interleave check|replay --json FILE`.
#pragma once

#include <string>

#include "scheduler/strategies/explorer.h"

namespace interleave {

// 2: `verdict` is "bug" | "pass" | "incomplete" | "error" (1 had "fail" for
// a bug and "pass" for a run a budget stopped); `limit`, `raise_limit` added.
inline constexpr int kCheckJsonVersion = 2;

// The JSON document (pretty-printed, ending in a newline).
std::string check_json(const CheckResult& result, const CheckOptions& options);

// A replay as JSON ("format": "interleave.replay", "version": 1):
// `interleave replay SCHEDULE --json FILE`. Its verdict is "bug" or "pass";
// `failure` is shaped as check_json's (without `execution`, `preemptions`).
inline constexpr int kReplayJsonVersion = 1;
std::string replay_json(const ReplayResult& result, const CheckOptions& options);

}  // namespace interleave
