// The result of a check as JSON, in the versioned shape of docs/json.md
// ("format": "interleave.check", "version": 1). `interleave check --json FILE`.
#pragma once

#include <string>

#include "scheduler/explorer.h"

namespace interleave {

inline constexpr int kCheckJsonVersion = 1;

// The JSON document (pretty-printed, ending in a newline).
std::string check_json(const CheckResult& result, const CheckOptions& options);

}  // namespace interleave
