// A {fmt} format string that also captures where it is written: the message
// parameter of check() and fail(), in every engine; and INTERLEAVE_CHECK, the
// check whose message arguments are evaluated only when it fails.
#pragma once

#include <concepts>
#include <source_location>
#include <string_view>

#include <fmt/format.h>

namespace interleave {

template <class... Args>
struct LocatedFormat {
  template <class S>
    requires std::convertible_to<const S&, std::string_view>
  consteval LocatedFormat(const S& text,
                          std::source_location where = std::source_location::current())
      : format(text), location(where) {}

  fmt::format_string<Args...> format;
  std::source_location location;
};

}  // namespace interleave

// INTERLEAVE_CHECK(condition, "format {}", args...): check(), except that the
// message arguments are evaluated only when the condition is false. A passing
// check costs the condition alone: a load in its message is not a scheduling
// point, a step in the trace or a branch of the exploration, as it is with
//
//   check(x.load() == 1, "x == {}", x.load());   // two loads, even when x == 1
//   INTERLEAVE_CHECK(x.load() == 1, "x == {}", x.load());   // one, unless it fails
//
// The condition is evaluated exactly once. On failure the arguments are
// evaluated (their loads are steps of the failing trace) and the execution
// fails as with fail(), at the line of the INTERLEAVE_CHECK. It works in every
// engine (scheduler, native threads, Relacy): it expands to
// ::interleave::fail, which each engine defines.
#define INTERLEAVE_CHECK(condition, ...)                 \
  do {                                                   \
    if (!static_cast<bool>(condition)) [[unlikely]] {    \
      ::interleave::fail(__VA_ARGS__);                   \
    }                                                    \
  } while (false)
