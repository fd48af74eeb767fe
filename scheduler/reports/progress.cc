#include "scheduler/reports/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace interleave {

namespace {

// The digits of n with thousands separators, into `out` (at least 27
// characters); returns the length. Allocates nothing.
size_t grouped(uint64_t n, char* out) {
  char digits[24];
  size_t count = 0;
  do {
    digits[count++] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  size_t length = 0;
  for (size_t i = count; i-- > 0;) {
    out[length++] = digits[i];
    if (i > 0 && i % 3 == 0) out[length++] = ',';
  }
  return length;
}

// A fixed buffer that fmt writes into without allocating.
struct LineBuffer {
  char data[512];
  size_t size = 0;
  template <class... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    auto r = fmt::format_to_n(data + size, sizeof data - 1 - size, format,
                              std::forward<Args>(args)...);
    size = std::min(sizeof data - 1, size + r.size);
  }
  void add_grouped(uint64_t n) {
    if (sizeof data - size > 32) size += grouped(n, data + size);
  }
  void add_rate(double per_second) {
    if (!(per_second >= 0) || !std::isfinite(per_second)) {
      add("-/s");
    } else if (per_second >= 1e6) {
      add("{:.1f}M/s", per_second / 1e6);
    } else if (per_second >= 1e4) {
      add("{:.0f}k/s", per_second / 1e3);
    } else {
      add_grouped(static_cast<uint64_t>(std::llround(per_second)));
      add("/s");
    }
  }
  std::string_view view() const { return {data, size}; }
};

// `x` rounded to two significant digits (310,000 for 312,345), exact below 100.
uint64_t two_significant(double x) {
  if (x < 100) return static_cast<uint64_t>(std::llround(x));
  double scale = std::pow(10.0, std::floor(std::log10(x)) - 1);
  return static_cast<uint64_t>(std::llround(std::round(x / scale) * scale));
}

void add_count(LineBuffer& b, uint64_t executions, uint64_t pruned) {
  b.add_grouped(executions);
  b.add(" execution{}", executions == 1 ? "" : "s");
  if (pruned != 0) {
    b.add(" (+");
    b.add_grouped(pruned);
    b.add(" pruned)");
  }
}

// The progress line into `b`, fitted to `columns` (see progress_line).
void format_progress(LineBuffer& b, uint64_t executions, uint64_t pruned, double elapsed,
                     std::optional<double> fraction, size_t columns) {
  b.add("interleave: ");
  add_count(b, executions, pruned);
  b.add(", ");
  b.add_rate(elapsed > 0 ? executions / elapsed : 0.0);
  b.add(", {:.1f} s elapsed", elapsed);
  const size_t without_estimate = b.size;
  if (fraction && *fraction > 0 && *fraction <= 1) {
    double total = static_cast<double>(executions + pruned) / *fraction;
    b.add(", ~{:.0f}% of an estimated ", *fraction * 100);
    b.add_grouped(two_significant(total));
  }
  if (columns == 0) return;
  const size_t fits = columns > 1 ? columns - 1 : 1;
  if (b.size > fits) b.size = without_estimate;
  if (b.size > fits) b.size = fits;
}

bool stderr_is_terminal() {
  static const bool terminal = isatty(2) == 1;
  return terminal;
}

}  // namespace

std::string group_thousands(uint64_t n) {
  char out[32];
  return std::string(out, grouped(n, out));
}

std::string format_rate(double per_second) {
  LineBuffer b;
  b.add_rate(per_second);
  return std::string(b.view());
}

std::string progress_line(uint64_t executions, uint64_t pruned, double elapsed_seconds,
                          std::optional<double> covered_fraction, size_t columns) {
  LineBuffer b;
  format_progress(b, executions, pruned, elapsed_seconds, covered_fraction, columns);
  return std::string(b.view());
}

std::string summary_line(std::string_view model, const Params& params, std::string_view strategy,
                         uint64_t executions, uint64_t pruned, double seconds) {
  LineBuffer count;
  add_count(count, executions, pruned);
  return fmt::format("interleave: {} {} ({}): {} in {:.2f} s, {}", model, params.describe(),
                     strategy, count.view(), seconds,
                     format_rate(seconds > 0 ? executions / seconds : 0.0));
}

std::string summary_line(const CheckResult& r) {
  return summary_line(r.model, r.params, r.strategy, r.executions, r.pruned_executions, r.seconds);
}

size_t terminal_columns(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long n = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && n > 0 && n < 100000) return static_cast<size_t>(n);
  }
  return 80;
}

Progress::Settings Progress::settings_of(const CheckOptions& options) {
  Settings s;
  s.enabled = options.progress;
  s.summary_after_seconds = options.summary_after_seconds;
  s.budgeted = options.max_executions != 0 || options.max_seconds > 0;
  return s;
}

Progress::Progress(std::FILE* out, bool terminal, const Settings& settings,
                   Clock::time_point start)
    : out_(settings.enabled ? out : nullptr),
      terminal_(out_ != nullptr && terminal),
      summary_after_seconds_(settings.summary_after_seconds),
      budgeted_(settings.budgeted),
      columns_(settings.columns),
      start_(start),
      last_(start) {}

Progress::Progress(std::FILE* out, bool terminal, const CheckOptions& options,
                   Clock::time_point start)
    : Progress(out, terminal, settings_of(options), start) {}

Progress::Progress(const Settings& settings, Clock::time_point start)
    : Progress(stderr, stderr_is_terminal(), settings, start) {
  if (terminal_ && columns_ == 0) columns_ = terminal_columns(2);
}

Progress::Progress(const CheckOptions& options, Clock::time_point start)
    : Progress(settings_of(options), start) {}

void Progress::update_at(Clock::time_point now, uint64_t executions, uint64_t pruned,
                         const Strategy& strategy) {
  if (!terminal_ || now - last_ < std::chrono::milliseconds(250)) return;
  write_line(now, executions, pruned, budgeted_ ? std::nullopt : strategy.covered_fraction());
}

void Progress::update_at(Clock::time_point now, uint64_t executions, uint64_t pruned,
                         std::optional<double> fraction) {
  if (!terminal_ || now - last_ < std::chrono::milliseconds(250)) return;
  write_line(now, executions, pruned, budgeted_ ? std::nullopt : fraction);
}

void Progress::update_at(Clock::time_point now, uint64_t executions) {
  if (!terminal_ || now - last_ < std::chrono::milliseconds(250)) return;
  write_line(now, executions, 0, std::nullopt);
}

void Progress::write_line(Clock::time_point now, uint64_t executions, uint64_t pruned,
                          std::optional<double> fraction) {
  last_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  LineBuffer b;
  format_progress(b, executions, pruned, elapsed, fraction, columns_);
  width_ = std::max(width_, b.size);
  std::fprintf(out_, "\r%-*.*s", static_cast<int>(width_), static_cast<int>(b.size), b.data);
  std::fflush(out_);
}

void Progress::clear() {
  if (width_ == 0) return;
  std::fprintf(out_, "\r%*s\r", static_cast<int>(width_), "");
  std::fflush(out_);
  width_ = 0;
}

void Progress::finish(const CheckResult& result) {
  if (!result.error.empty()) {
    clear();
    return;
  }
  finish(summary_line(result), result.seconds);
}

void Progress::finish(std::string_view summary, double seconds) {
  clear();
  if (out_ == nullptr || terminal_) return;
  if (seconds < summary_after_seconds_) return;
  std::fprintf(out_, "%.*s\n", static_cast<int>(summary.size()), summary.data());
  std::fflush(out_);
}

}  // namespace interleave
