// A {fmt} format string that also captures where it is written: the message
// parameter of check() and fail(), in every engine.
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
