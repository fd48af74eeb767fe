// What a check writes to stderr about itself while it runs (never the
// report, which goes to stdout). CheckOptions::progress turns it off.
//
//  - stderr is a terminal: a progress line, rewritten in place at most 4
//    times a second and cleared when the check ends:
//      interleave: 120,000 executions, 1.9M/s, 0.1 s elapsed, ~38% of an estimated 310,000
//    The estimate appears when the strategy has one (covered_fraction(): DFS,
//    bounded DFS, DPOR) and the run is exhaustive by nature (no budget).
//  - stderr is not a terminal (a CI log): nothing while the check runs, then
//    one summary line when it ends, if it ran for at least
//    CheckOptions::summary_after_seconds (so quick checks stay silent):
//      interleave: litmus.readers n=8 (dfs): 362,880 executions in 1.20 s, 302k/s
//    Not after an error (the caller prints that as its one line).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "scheduler/explorer.h"
#include "scheduler/strategy.h"

namespace interleave {

// 1234567 -> "1,234,567".
std::string group_thousands(uint64_t n);

// A rate in executions per second, short: "850/s", "12k/s", "1.9M/s".
std::string format_rate(double per_second);

// The progress line: executions (and pruned ones, if any), rate, elapsed
// time, and, given the fraction of the exploration covered (> 0), the share
// done and the estimated total, (executions + pruned) / fraction, to two
// significant digits.
std::string progress_line(uint64_t executions, uint64_t pruned, double elapsed_seconds,
                          std::optional<double> covered_fraction);

// The summary line of a finished check (see above).
std::string summary_line(const CheckResult& result);

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  // Writes to `out`, a terminal or not; `options` says whether to write at
  // all and from which run time on a non-terminal gets a summary.
  Progress(std::FILE* out, bool terminal, const CheckOptions& options, Clock::time_point start);
  // On stderr, a terminal if isatty(2) (asked once per process).
  Progress(const CheckOptions& options, Clock::time_point start);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { clear(); }

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

  // At the end of the check: clears the progress line, or writes the summary.
  void finish(const CheckResult& result);

 private:
  void clear();

  // Where to write; nullptr when CheckOptions::progress is off.
  std::FILE* out_;
  // Whether `out_` is a terminal: a progress line, not a summary.
  bool terminal_;
  // CheckOptions::summary_after_seconds.
  double summary_after_seconds_;
  // Whether the run has a budget, which makes an estimate of the total
  // beside the point: it stops at the budget.
  bool budgeted_;
  // When the check started, and when the line was last written.
  Clock::time_point start_, last_;
  // Width of the longest line written, to clear it; 0 when none is shown.
  size_t width_ = 0;
};

}  // namespace interleave
