// Echoing user input in one-line messages: control characters become
// visible escapes, so a newline or an ANSI escape sequence in a schedule
// string, a model name or an option value can neither split an error over
// two lines nor drive the terminal.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace interleave {

// `text` with every control character (below 0x20, and 0x7f) written as an
// escape: "\n", "\r", "\t", else "\xHH" ("\x1b" for ESC). A backslash is kept
// as it is; everything else (including UTF-8) is unchanged.
inline std::string escape_control(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

// escape_control(text), cut to its first `max_chars` characters of input
// with "..." when longer: how a message quotes what the user typed.
inline std::string echo_input(std::string_view text, size_t max_chars = 80) {
  if (text.size() <= max_chars) return escape_control(text);
  return escape_control(text.substr(0, max_chars)) + "...";
}

}  // namespace interleave
