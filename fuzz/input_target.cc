// The fuzz target over the text a user types or pastes: schedule strings
// (Schedule::parse) and numeric option values (cli/numeric.h). Part of
// fuzz/fuzzer.cc (INTERLEAVE_FUZZ_TARGET=input); tools/fuzz.sh runs it.
//
// Besides "no crash, no hang, no sanitizer report", it checks the contracts:
//   - a schedule that parses prints (to_string) as a string that parses to
//     the same schedule, and prints the same again;
//   - every error is one line: no control character in it, so that input
//     echoed in an error cannot break a terminal or a log;
//   - a count or a number of seconds that parses is within its bounds;
//     seconds are finite.
// The first input byte picks the parser; the rest is the text.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/numeric.h"
#include "fuzz/contract.h"
#include "fuzz/targets.h"
#include "scheduler/strategies/schedule.h"

namespace interleave::fuzz {

namespace {

void schedule_round_trip(std::string_view text) {
  auto parsed = interleave::Schedule::parse(text);
  if (!parsed) {
    require_one_line(parsed.error());
    return;
  }
  const std::string printed = parsed->to_string();
  auto again = interleave::Schedule::parse(printed);
  require(again.ok());
  require(again->model == parsed->model);
  require(again->params == parsed->params);
  require(again->choices == parsed->choices);
  require(again->to_string() == printed);
}

}  // namespace

void fuzz_input(const uint8_t* data, size_t size) {
  if (size == 0) return;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      schedule_round_trip(text);
      break;
    case 1: {
      auto count = interleave::cli::parse_count("--executions", text, 1);
      if (count) {
        require(*count >= 1 && *count <= interleave::cli::kMaxCount);
      } else {
        require_one_line(count.error());
      }
      break;
    }
    case 2: {
      auto seconds = interleave::cli::parse_seconds("--seconds", text);
      if (seconds) {
        require(std::isfinite(*seconds) && *seconds >= interleave::cli::kMinSeconds &&
                *seconds <= interleave::cli::kMaxSeconds);
      } else {
        require_one_line(seconds.error());
      }
      break;
    }
    case 3: {
      auto integer = interleave::cli::parse_integer("--param", text, -1000, 1000);
      if (integer) {
        require(*integer >= -1000 && *integer <= 1000);
      } else {
        require_one_line(integer.error());
      }
      break;
    }
    case 4: {
      auto param = interleave::cli::parse_param(text);
      if (!param) require_one_line(param.error());
      break;
    }
  }
}

}  // namespace interleave::fuzz
