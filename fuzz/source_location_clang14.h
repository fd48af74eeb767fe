// std::source_location for clang 14 with libstdc++ 12, force-included
// (-include) by tools/fuzz.sh into every fuzzer compile: libstdc++'s
// <source_location> defines the class only when the compiler has
// __builtin_source_location, which clang has from version 15 on, and Debian
// bookworm's clang with libFuzzer is 14. This gives the same interface
// (current(), line(), column(), file_name(), function_name()) from clang's
// __builtin_FILE / LINE / COLUMN / FUNCTION, evaluated where current() is
// called, as the standard's is; and it marks libstdc++'s header as included,
// so that the two cannot meet. With a compiler that has the builtin, it
// does nothing.
#pragma once

#if defined(__clang__) && !__has_builtin(__builtin_source_location)
#include <cstdint>

#define _GLIBCXX_SRCLOC 1  // libstdc++'s <source_location> include guard

namespace std {

struct source_location {
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           const char* function = __builtin_FUNCTION(),
                                           uint_least32_t line = __builtin_LINE(),
                                           uint_least32_t column = __builtin_COLUMN()) noexcept {
    source_location location;
    location.file_ = file;
    location.function_ = function;
    location.line_ = line;
    location.column_ = column;
    return location;
  }
  constexpr source_location() noexcept = default;
  constexpr uint_least32_t line() const noexcept { return line_; }
  constexpr uint_least32_t column() const noexcept { return column_; }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  uint_least32_t line_ = 0;
  uint_least32_t column_ = 0;
};

}  // namespace std

#endif
