// The one place where the command line reads numbers (and the other values
// it must not misread): every numeric option of `interleave` and of the
// interleave_test main goes through these functions.
//
// The rules, the same for every option:
//  - decimal only: digits, and for seconds an optional fraction and
//    exponent ("1", "0.25", "5e-3"); no "0x10", no "+", no spaces before,
//    inside or after, no empty value;
//  - no sign where negative is meaningless: "-1" is rejected with
//    "must not be negative" (or "must be at least MIN");
//  - no overflow: a value above the option's maximum (2^63, 2^64, 1e400) is
//    rejected, naming the largest accepted value;
//  - no NaN, no infinity;
//  - the error is one line, and echoes the input with its control
//    characters escaped (scheduler/runtime/escape.h).
// Each function returns the value or that one-line error (without the
// "interleave: " prefix the caller adds).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "scheduler/api/expected.h"

namespace interleave::cli {

inline constexpr uint64_t kMaxCount = std::numeric_limits<int64_t>::max();

// A count or other non-negative integer in min..max: the option `option`
// ("--executions") was given `text`.
//   "--executions '0x10' is not a decimal integer (0..9223372036854775807)"
//   "--executions -1 must not be negative", "--executions 0 must be at least 1"
//   "--executions 9223372036854775808 is too large: at most 9223372036854775807"
Expected<uint64_t> parse_count(std::string_view option, std::string_view text, uint64_t min,
                               uint64_t max = kMaxCount);

// A signed integer in min..max: an optional '-', then decimal digits.
Expected<int64_t> parse_integer(std::string_view option, std::string_view text, int64_t min,
                                int64_t max);

// Seconds for a budget or a timeout, in min..max (min > 0: a duration of 0
// or less is rejected). Decimal digits with an optional fraction and
// exponent: "2", "0.5", "1e-3".
//   "--seconds 'inf' is not a number of seconds (decimal, e.g. 1.5)"
//   "--timeout 0 must be at least 0.001", "--timeout 1e10 is too large: at most 1000000"
inline constexpr double kMinSeconds = 0.001;
inline constexpr double kMaxSeconds = 1'000'000;
Expected<double> parse_seconds(std::string_view option, std::string_view text,
                               double min = kMinSeconds, double max = kMaxSeconds);

// "--param NAME=VALUE": a non-empty NAME (letters, digits, '_', '-') and
// an integer VALUE (parse_integer's rules; the model checks its range).
Expected<std::pair<std::string, int64_t>> parse_param(std::string_view text);

// "--shard I/K": part I (0-based) of K parts of the search, 0 <= I < K,
// 1 <= K <= kMaxShards, both decimal (parse_count's rules).
inline constexpr uint64_t kMaxShards = 1'000'000;
// The most workers --jobs takes: each has a model instance and a stack per
// model thread.
inline constexpr uint64_t kMaxJobs = 256;
Expected<std::pair<int, int>> parse_shard(std::string_view text);

// A file to write (--json, --html): any non-empty name.
Expected<std::string> parse_output_file(std::string_view option, std::string_view text);

}  // namespace interleave::cli
