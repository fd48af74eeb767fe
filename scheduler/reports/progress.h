// What a run writes to stderr about itself while it runs (never the
// report, which goes to stdout): `interleave check` (the explorer) and
// `interleave relacy` (the Relacy engine) alike. CheckOptions::progress (or
// the engine's option) turns it off.
//
//  - stderr is a terminal: a progress line, rewritten in place at most 4
//    times a second and cleared when the run ends:
//      interleave: 120,000 executions, 1.9M/s, 0.1 s elapsed, ~38% of an estimated 310,000
//    The estimate appears when the strategy has one (covered_fraction(): DFS,
//    bounded DFS, DPOR) and the run is exhaustive by nature (no budget).
//    The line fits the terminal's width (ioctl TIOCGWINSZ, else $COLUMNS,
//    else 80 columns): the estimate goes first, then the line is cut.
//  - stderr is not a terminal (a CI log): nothing while the run goes on, then
//    one summary line when it ends, if it ran for at least
//    CheckOptions::summary_after_seconds (so quick runs stay silent):
//      interleave: litmus.readers n=8 (dfs): 362,880 executions in 1.20 s, 302k/s
//    Not after an error (the caller prints that as its one line).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "scheduler/strategies/explorer.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

// 1234567 -> "1,234,567".
std::string group_thousands(uint64_t n);

// A rate in executions per second, short: "850/s", "12k/s", "1.9M/s".
std::string format_rate(double per_second);

// The progress line: executions (and pruned ones, if any), rate, elapsed
// time, and, given the fraction of the exploration covered (> 0), the share
// done and the estimated total, (executions + pruned) / fraction, to two
// significant digits. At most `columns` - 1 characters (0: no limit), so
// that it never wraps: without the estimate if that fits, else cut.
std::string progress_line(uint64_t executions, uint64_t pruned, double elapsed_seconds,
                          std::optional<double> covered_fraction, size_t columns = 0);

// The summary line of a finished run (see above); `strategy` names how it
// explored ("dfs", "relacy full").
std::string summary_line(std::string_view model, const Params& params, std::string_view strategy,
                         uint64_t executions, uint64_t pruned, double seconds);
// The same for a check.
std::string summary_line(const CheckResult& result);

// The width of the terminal on file descriptor `fd`: ioctl(TIOCGWINSZ),
// else $COLUMNS if it is a number, else 80.
size_t terminal_columns(int fd);

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // What to write and when.
  struct Settings {
    // Write anything at all (CheckOptions::progress).
    bool enabled = true;
    // On a non-terminal, the shortest run (seconds) that ends with a
    // summary line; 0: every run.
    double summary_after_seconds = 1.0;
    // The run has a budget, which makes an estimate of the total beside the
    // point: it stops at the budget.
    bool budgeted = false;
    // Width of the terminal (0: terminal_columns() of stderr when on stderr,
    // else no limit).
    size_t columns = 0;
  };

  // Writes to `out`, a terminal or not.
  Progress(std::FILE* out, bool terminal, const Settings& settings, Clock::time_point start);
  Progress(std::FILE* out, bool terminal, const CheckOptions& options, Clock::time_point start);
  // On stderr, a terminal if isatty(2) (asked once per process).
  Progress(const Settings& settings, Clock::time_point start);
  Progress(const CheckOptions& options, Clock::time_point start);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { clear(); }

  // The settings a check's options give.
  static Settings settings_of(const CheckOptions& options);

  // Between executions, with the counts so far. Cheap: looks at the clock
  // once every 1024 executions begun, and asks the strategy for its estimate
  // only when it rewrites the line.
  void update(uint64_t executions, uint64_t pruned, const Strategy& strategy) {
    if (!terminal_ || ((executions + pruned) & 1023) != 0) return;
    update_at(Clock::now(), executions, pruned, strategy);
  }
  // The same at time `now`, without the every-1024 filter.
  void update_at(Clock::time_point now, uint64_t executions, uint64_t pruned,
                 const Strategy& strategy);
  // The same with the estimate of the share covered given (nullopt: none),
  // for runs that are not one strategy's (parallel.h).
  void update_at(Clock::time_point now, uint64_t executions, uint64_t pruned,
                 std::optional<double> fraction);

  // For an engine without a strategy (Relacy): no estimate. Allocates no
  // memory (Relacy owns operator new while it simulates).
  void update(uint64_t executions) {
    if (!terminal_ || (executions & 1023) != 0) return;
    update_at(Clock::now(), executions);
  }
  void update_at(Clock::time_point now, uint64_t executions);

  // At the end of a check: clears the progress line, or writes the summary.
  void finish(const CheckResult& result);
  // At the end of another run: clears the line, or writes `summary` (a
  // summary_line) if the run took at least summary_after_seconds.
  void finish(std::string_view summary, double seconds);

 private:
  void write_line(Clock::time_point now, uint64_t executions, uint64_t pruned,
                  std::optional<double> fraction);
  void clear();

  // Where to write; nullptr when disabled.
  std::FILE* out_;
  // Whether `out_` is a terminal: a progress line, not a summary.
  bool terminal_;
  double summary_after_seconds_;
  bool budgeted_;
  size_t columns_;
  // When the run started, and when the line was last written.
  Clock::time_point start_, last_;
  // Width of the longest line written, to clear it; 0 when none is shown.
  size_t width_ = 0;
};

}  // namespace interleave
