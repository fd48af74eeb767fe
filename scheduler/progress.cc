#include "scheduler/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace interleave {

std::string group_thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_rate(double per_second) {
  if (!(per_second >= 0) || !std::isfinite(per_second)) return "-/s";
  if (per_second >= 1e6) return fmt::format("{:.1f}M/s", per_second / 1e6);
  if (per_second >= 1e4) return fmt::format("{:.0f}k/s", per_second / 1e3);
  return fmt::format("{}/s", group_thousands(static_cast<uint64_t>(std::llround(per_second))));
}

namespace {

// `x` rounded to two significant digits (310,000 for 312,345), exact below 100.
uint64_t two_significant(double x) {
  if (x < 100) return static_cast<uint64_t>(std::llround(x));
  double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
  return static_cast<uint64_t>(std::llround(std::round(x / scale) * scale));
}

std::string count_with_pruned(uint64_t executions, uint64_t pruned) {
  std::string out = fmt::format("{} execution{}", group_thousands(executions),
                                executions == 1 ? "" : "s");
  if (pruned != 0) out += fmt::format(" (+{} pruned)", group_thousands(pruned));
  return out;
}

}  // namespace

std::string progress_line(uint64_t executions, uint64_t pruned, double elapsed_seconds,
                          std::optional<double> covered_fraction) {
  std::string line = fmt::format(
      "interleave: {}, {}, {:.1f} s elapsed", count_with_pruned(executions, pruned),
      format_rate(elapsed_seconds > 0 ? executions / elapsed_seconds : 0.0), elapsed_seconds);
  if (covered_fraction && *covered_fraction > 0 && *covered_fraction <= 1) {
    double total = static_cast<double>(executions + pruned) / *covered_fraction;
    line += fmt::format(", ~{:.0f}% of an estimated {}", *covered_fraction * 100,
                        group_thousands(two_significant(total)));
  }
  return line;
}

std::string summary_line(const CheckResult& r) {
  return fmt::format("interleave: {} {} ({}): {} in {:.2f} s, {}", r.model, r.params.describe(),
                     r.strategy, count_with_pruned(r.executions, r.pruned_executions), r.seconds,
                     format_rate(r.seconds > 0 ? r.executions / r.seconds : 0.0));
}

Progress::Progress(std::FILE* out, bool terminal, const CheckOptions& options,
                   Clock::time_point start)
    : out_(options.progress ? out : nullptr),
      terminal_(out_ != nullptr && terminal),
      summary_after_seconds_(options.summary_after_seconds),
      budgeted_(options.max_executions != 0 || options.max_seconds > 0),
      start_(start),
      last_(start) {}

namespace {

// Whether stderr is a terminal, asked once per process: checks of small
// models run in microseconds, a system call each would show.
bool stderr_is_terminal() {
  static const bool terminal = isatty(2) == 1;
  return terminal;
}

}  // namespace

Progress::Progress(const CheckOptions& options, Clock::time_point start)
    : Progress(stderr, stderr_is_terminal(), options, start) {}

void Progress::update_at(Clock::time_point now, uint64_t executions, uint64_t pruned,
                         const Strategy& strategy) {
  if (!terminal_ || now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string line = progress_line(executions, pruned, elapsed,
                                   budgeted_ ? std::nullopt : strategy.covered_fraction());
  width_ = std::max(width_, line.size());
  std::fprintf(out_, "\r%-*s", static_cast<int>(width_), line.c_str());
  std::fflush(out_);
}

void Progress::clear() {
  if (width_ == 0) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(width_), "");
  std::fflush(out_);
  width_ = 0;
}

void Progress::finish(const CheckResult& result) {
  clear();
  if (out_ == nullptr || terminal_ || !result.error.empty()) return;
  if (result.seconds < summary_after_seconds_) return;
  std::fprintf(out_, "%s\n", summary_line(result).c_str());
  std::fflush(out_);
}

}  // namespace interleave
