#include "scheduler/strategies/schedule.h"

#include <charconv>

#include <fmt/format.h>

#include "scheduler/runtime/escape.h"

namespace interleave {

namespace {

char thread_digit(ThreadId t) { return t < 10 ? char('0' + t) : char('a' + (t - 10)); }

ThreadId parse_thread_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  return kNoThread;
}

bool valid_model_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Parses a whole string_view as a non-negative decimal integer.
bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && out >= 0;
}

constexpr size_t kMaxChoices = 10'000'000;

}  // namespace

std::string Schedule::to_string() const {
  std::string out = model;
  out += ':';
  for (size_t i = 0; i < params.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}{}", params[i].first, params[i].second);
  }
  out += fmt::format(":v{}:", kFormatVersion);
  auto outcome = [&](size_t step) { return step < alternatives.size() ? alternatives[step] : 0; };
  for (size_t i = 0; i < choices.size();) {
    char digit = thread_digit(choices[i]);
    if (outcome(i) != 0) {
      out += fmt::format("{}/{}", digit, thread_digit(outcome(i)));
      ++i;
      continue;
    }
    size_t run = 1;
    while (i + run < choices.size() && choices[i + run] == choices[i] && outcome(i + run) == 0) {
      ++run;
    }
    if (run >= 5) {
      out += fmt::format("{}{{{}}}", digit, run);
    } else {
      out.append(run, digit);
    }
    i += run;
  }
  return out;
}

Expected<Schedule> Schedule::parse(std::string_view text) {
  // Tolerate surrounding whitespace and quotes from copy and paste.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\'' || text.front() == '"'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\'' || text.back() == '"' ||
                           text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);

  std::vector<std::string_view> fields;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ':') {
      fields.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (fields.size() != 4) {
    return Error{fmt::format("malformed schedule '{}': expected MODEL:PARAMS:vVERSION:CHOICES",
                             echo_input(text))};
  }
  Schedule s;
  if (fields[0].empty()) return Error{"malformed schedule: the model name is empty"};
  for (char c : fields[0]) {
    if (!valid_model_char(c)) {
      return Error{fmt::format("malformed schedule: bad character '{}' in model name",
                                   escape_control(std::string_view(&c, 1)))};
    }
  }
  s.model = std::string(fields[0]);

  std::string_view params = fields[1];
  for (bool more = !params.empty(); more;) {
    size_t comma = params.find(',');
    std::string_view item = params.substr(0, comma);
    more = comma != std::string_view::npos;
    params = more ? params.substr(comma + 1) : std::string_view();
    size_t digits = 0;
    while (digits < item.size() && !(item[digits] >= '0' && item[digits] <= '9')) ++digits;
    int64_t value = 0;
    if (digits == 0 || !parse_int(item.substr(digits), value)) {
      return Error{fmt::format("malformed schedule: parameter '{}' is not KEY followed by a number",
                               echo_input(item))};
    }
    s.params.emplace_back(std::string(item.substr(0, digits)), value);
  }

  int64_t version = 0;
  if (fields[2].size() < 2 || fields[2][0] != 'v' || !parse_int(fields[2].substr(1), version)) {
    return Error{fmt::format("malformed schedule: version field '{}' is not vN",
                                 echo_input(fields[2]))};
  }
  if (version != kFormatVersion) {
    return Error{fmt::format("unsupported schedule format v{}: this interleave reads v{}", version,
                             kFormatVersion)};
  }

  std::string_view choices = fields[3];
  for (size_t i = 0; i < choices.size();) {
    ThreadId t = parse_thread_digit(choices[i]);
    if (t == kNoThread || t >= kMaxThreads) {
      return Error{fmt::format("malformed schedule: '{}' at choice position {} is not a thread "
                               "digit (0-9, a-z)",
                               escape_control(choices.substr(i, 1)), i)};
    }
    size_t count = 1;
    size_t next = i + 1;
    if (next < choices.size() && choices[next] == '{') {
      size_t close = choices.find('}', next);
      int64_t n = 0;
      if (close == std::string_view::npos || !parse_int(choices.substr(next + 1, close - next - 1), n) ||
          n < 1) {
        return Error{fmt::format("malformed schedule: bad repeat count after '{}' at choice "
                                 "position {}",
                                 escape_control(choices.substr(i, 1)), i)};
      }
      count = static_cast<size_t>(n);
      next = close + 1;
    } else if (next < choices.size() && choices[next] == '/') {
      const ThreadId taken = next + 1 < choices.size() ? parse_thread_digit(choices[next + 1])
                                                       : kNoThread;
      if (taken == kNoThread || taken == 0) {
        return Error{fmt::format("malformed schedule: bad outcome after '{}/' at choice position "
                                 "{} (a base-36 digit 1-9, a-z)",
                                 escape_control(choices.substr(i, 1)), i)};
      }
      s.alternatives.resize(s.choices.size() + 1, 0);
      s.alternatives.back() = static_cast<uint8_t>(taken);
      next += 2;
    }
    if (s.choices.size() + count > kMaxChoices) {
      return Error{"malformed schedule: more than 10,000,000 choices"};
    }
    s.choices.insert(s.choices.end(), count, t);
    i = next;
  }
  return s;
}

}  // namespace interleave
