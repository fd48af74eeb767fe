// The result of a check as JSON, in the versioned shape of docs/json.md
// ("format": "interleave.check", "version": 2). `interleave check --json FILE`.
#pragma once

#include <string>

#include "scheduler/explorer.h"

namespace interleave {

// 2: `verdict` is "bug" | "pass" | "incomplete" | "error" (1 had "fail" for
// a bug and "pass" for a run a budget stopped); `limit`, `raise_limit` added.
inline constexpr int kCheckJsonVersion = 2;

// The JSON document (pretty-printed, ending in a newline).
std::string check_json(const CheckResult& result, const CheckOptions& options);

}  // namespace interleave
