#include "cli/numeric.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "scheduler/runtime/escape.h"

namespace interleave::cli {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// "--x '<text>'", the input quoted and escaped.
std::string quoted(std::string_view option, std::string_view text) {
  return fmt::format("{} '{}'", option, echo_input(text));
}

// "--x <text>" for a text already known to be digits (at most a sign, a
// point, an exponent): nothing to escape, but cut if very long.
std::string plain(std::string_view option, std::string_view text) {
  return fmt::format("{} {}", option, echo_input(text));
}

Error empty_value(std::string_view option, std::string_view expected) {
  return Error{fmt::format("{} needs a value: {}", option, expected)};
}

}  // namespace

Expected<uint64_t> parse_count(std::string_view option, std::string_view text, uint64_t min,
                               uint64_t max) {
  const std::string range = fmt::format("{}..{}", min, max);
  if (text.empty()) return empty_value(option, "an integer in " + range);
  if (text[0] == '-' && all_digits(text.substr(1))) {
    if (text.find_first_not_of("0", 1) == std::string_view::npos && min == 0) return uint64_t{0};
    return Error{min == 0 ? fmt::format("{} must not be negative", plain(option, text))
                          : fmt::format("{} must be at least {}", plain(option, text), min)};
  }
  if (!all_digits(text)) {
    return Error{fmt::format("{} is not a decimal integer ({})", quoted(option, text), range)};
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && value > max)) {
    return Error{fmt::format("{} is too large: at most {}", plain(option, text), max)};
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Error{fmt::format("{} is not a decimal integer ({})", quoted(option, text), range)};
  }
  if (value < min) {
    return Error{fmt::format("{} must be at least {}", plain(option, text), min)};
  }
  return value;
}

Expected<int64_t> parse_integer(std::string_view option, std::string_view text, int64_t min,
                                int64_t max) {
  const std::string range = fmt::format("{}..{}", min, max);
  if (text.empty()) return empty_value(option, "an integer in " + range);
  const bool negative = text[0] == '-';
  if (!all_digits(negative ? text.substr(1) : text)) {
    return Error{fmt::format("{} is not a decimal integer ({})", quoted(option, text), range)};
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && (value > max || value < min))) {
    if (negative) {
      return Error{min == 0 ? fmt::format("{} must not be negative", plain(option, text))
                            : fmt::format("{} is too small: at least {}", plain(option, text),
                                          min)};
    }
    return Error{fmt::format("{} is too large: at most {}", plain(option, text), max)};
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Error{fmt::format("{} is not a decimal integer ({})", quoted(option, text), range)};
  }
  return value;
}

Expected<double> parse_seconds(std::string_view option, std::string_view text, double min,
                               double max) {
  if (text.empty()) return empty_value(option, "seconds, e.g. 1.5");
  // DIGITS [. DIGITS] [(e|E) [-] DIGITS], after an optional '-' (rejected below).
  const bool negative = text[0] == '-';
  std::string_view body = negative ? text.substr(1) : text;
  size_t i = 0;
  while (i < body.size() && is_digit(body[i])) ++i;
  bool well_formed = i > 0;
  if (well_formed && i < body.size() && body[i] == '.') {
    size_t fraction = ++i;
    while (i < body.size() && is_digit(body[i])) ++i;
    well_formed = i > fraction;
  }
  bool negative_exponent = false;
  if (well_formed && i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && body[i] == '-') {
      negative_exponent = true;
      ++i;
    }
    size_t exponent = i;
    while (i < body.size() && is_digit(body[i])) ++i;
    well_formed = i > exponent;
  }
  if (!well_formed || i != body.size()) {
    return Error{fmt::format("{} is not a number of seconds (decimal, e.g. 1.5)",
                             quoted(option, text))};
  }
  const std::string least = fmt::format("{} must be at least {}", plain(option, text), min);
  if (negative) {
    return Error{min > 0 ? least : fmt::format("{} must not be negative", plain(option, text))};
  }
  double value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec == std::errc::result_out_of_range) {
    if (negative_exponent) return Error{least};
    return Error{fmt::format("{} is too large: at most {}", plain(option, text), max)};
  }
  if (ec != std::errc() || end != body.data() + body.size() || !std::isfinite(value)) {
    return Error{fmt::format("{} is not a number of seconds (decimal, e.g. 1.5)",
                             quoted(option, text))};
  }
  if (value < min) return Error{least};
  if (value > max) {
    return Error{fmt::format("{} is too large: at most {}", plain(option, text), max)};
  }
  return value;
}

Expected<std::pair<std::string, int64_t>> parse_param(std::string_view text) {
  const size_t eq = text.find('=');
  std::string_view name = text.substr(0, eq);
  bool good_name = !name.empty();
  for (char c : name) {
    good_name = good_name && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
                              c == '_' || c == '-');
  }
  if (eq == std::string_view::npos || !good_name) {
    return Error{fmt::format("--param '{}' is not NAME=INTEGER", echo_input(text))};
  }
  auto value = parse_integer("value", text.substr(eq + 1), std::numeric_limits<int64_t>::min(),
                             std::numeric_limits<int64_t>::max());
  if (!value) {
    // "--param 'n=0x10': value '0x10' is not a decimal integer (...)"
    return Error{fmt::format("--param '{}': {}", echo_input(text), value.error())};
  }
  return std::pair<std::string, int64_t>(std::string(name), *value);
}

Expected<std::pair<int, int>> parse_shard(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Error{fmt::format("--shard '{}' is not I/K (shard I of K, from 0)", echo_input(text))};
  }
  auto count = parse_count("--shard's K", text.substr(slash + 1), 1, kMaxShards);
  if (!count) return Error{count.error()};
  auto index = parse_count("--shard's I", text.substr(0, slash), 0, *count - 1);
  if (!index) return Error{index.error()};
  return std::pair<int, int>(static_cast<int>(*index), static_cast<int>(*count));
}

Expected<std::string> parse_output_file(std::string_view option, std::string_view text) {
  if (text.empty()) return empty_value(option, "a file name");
  return std::string(text);
}

}  // namespace interleave::cli
