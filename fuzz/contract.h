// What every fuzz target of fuzz/fuzzer.cc checks besides "no crash, no hang,
// no sanitizer report": a broken contract aborts, which libFuzzer reports as
// a crash and saves the input for.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

namespace interleave::fuzz {

// Aborts unless `condition` holds.
inline void require(bool condition) {
  if (!condition) std::abort();
}

// A message meant to be one line: not empty, no control character (so input
// echoed in it can neither split the line nor drive a terminal).
inline void require_one_line(std::string_view message) {
  require(!message.empty());
  for (unsigned char c : message) require(c >= 0x20 && c != 0x7f);
}

// The first line of `text` that starts with `prefix`, without its newline;
// empty if there is none (a report's "FAIL ", "PASS " or "replay: " line).
inline std::string line_starting(const std::string& text, std::string_view prefix) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.starts_with(prefix)) return std::string(line);
    at = end + 1;
  }
  return {};
}

}  // namespace interleave::fuzz
