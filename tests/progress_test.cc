// The progress line and its estimate of the total (covered_fraction), and the
// summary line a check writes when stderr is not a terminal (progress.h).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/counter.h"
#include "scheduler/strategies/bounded.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/runtime/execution.h"
#include "scheduler/strategies/iterative.h"
#include "scheduler/api/model.h"
#include "scheduler/reports/progress.h"

using namespace interleave;

namespace {

Params racy_params(int threads) {
  auto params = make_params<models::CounterRacy>({{"threads", threads}, {"iters", 1}});
  REQUIRE(params.ok());
  return *params;
}

// Runs `strategy` on counter.racy (threads x 1) to the end, as explore()
// does, and returns covered_fraction() before each execution, then at the
// end: element k is the estimate after k executions.
std::vector<double> fractions(Strategy& strategy, int threads) {
  ModelAdapter<models::CounterRacy> model(racy_params(threads));
  Execution execution;
  std::vector<double> out;
  while (strategy.begin_execution()) {
    REQUIRE(strategy.covered_fraction().has_value());
    out.push_back(*strategy.covered_fraction());
    execution.run(model, strategy);
    REQUIRE(strategy.error().empty());
  }
  REQUIRE(strategy.covered_fraction().has_value());
  out.push_back(*strategy.covered_fraction());
  return out;
}

// A strategy that only reports a fixed estimate.
class FixedFraction final : public Strategy {
 public:
  explicit FixedFraction(std::optional<double> f) : f_(f) {}
  std::string_view name() const override { return "fixed"; }
  bool begin_execution() override { return false; }
  ThreadId pick(const SchedulingPoint& point) override { return point.runnable.lowest(); }
  int choose(const ChoicePoint&) override { return 0; }
  bool exhaustive() const override { return false; }
  std::optional<double> covered_fraction() const override { return f_; }

 private:
  std::optional<double> f_;
};

// What a Progress writes to a temporary file.
struct Captured {
  std::FILE* file = std::tmpfile();
  ~Captured() { std::fclose(file); }
  std::string text() {
    std::fflush(file);
    std::rewind(file);
    std::string out;
    for (int c; (c = std::fgetc(file)) != EOF;) out += static_cast<char>(c);
    return out;
  }
};

CheckResult finished_run(double seconds) {
  CheckResult r;
  r.model = "counter.racy";
  r.params = racy_params(2);
  r.strategy = "dfs";
  r.executions = 6;
  r.seconds = seconds;
  return r;
}

}  // namespace

TEST_CASE("DFS on counter.racy 2x1: the estimate after k of 6 executions, by hand", "[progress]") {
  // The tree: at steps 1 and 2 both threads can run, after that whichever
  // is left. DFS runs 0011, 0110, 0101, 1100, 1001, 1010. Before execution
  // 2 the path is T0 (first of 2) then T1 (second of 2): 0/2 + 1/(2*2) = 1/4.
  // Before 3: 0/2 + 1/4 + 1/(2*2*2) = 3/8; before 4: 1/2; then 1/2 + 1/4,
  // 1/2 + 1/4 + 1/8; 1 once nothing is left. (The truth is k/6: the subtree
  // under T0-then-T0 has one execution, its sibling two.)
  DfsStrategy dfs;
  CHECK(fractions(dfs, 2) ==
        std::vector<double>{0.0, 0.25, 0.375, 0.5, 0.75, 0.875, 1.0});
}

TEST_CASE("bounded DFS: branches the bound rules out count as one alternative", "[progress]") {
  SECTION("counter.racy 2x1 within 1 preemption: 0011, 0110, 1100, 1001") {
    BoundedStrategy bounded(1);
    CHECK(fractions(bounded, 2) == std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0});
    CHECK(bounded.cut());
  }
  SECTION("counter.racy 3x1 within 0 preemptions: the 6 orders of the threads, exactly k/6") {
    // Before execution 2 the path is T0 (1st of 3), T0 again (the bound
    // rules out the others: 1 alternative, 0 finished), T2 (2nd of 2):
    // 0 + 0 + 1/(3*1*2) = 1/6. Counting the ruled-out branch as 3
    // alternatives, 2 of them finished, would give 2/9 + 1/18 = 5/18.
    BoundedStrategy bounded(0);
    std::vector<double> got = fractions(bounded, 3);
    REQUIRE(got.size() == 7);
    for (size_t k = 0; k < got.size(); ++k) {
      INFO("after " << k << " executions");
      CHECK(got[k] == Approx(k / 6.0).margin(1e-12));
    }
  }
}

TEST_CASE("the estimate grows with every execution and is 1 at the end", "[progress]") {
  // Finishing a subtree adds at least what its deeper terms lose.
  for (int bound : {0, 1, 2, BoundedStrategy::kUnbounded}) {
    INFO("bound " << bound);
    BoundedStrategy strategy(bound);
    std::vector<double> got = fractions(strategy, 3);
    CHECK(got.front() == 0.0);
    CHECK(got.back() == 1.0);
    for (size_t k = 1; k < got.size(); ++k) CHECK(got[k] > got[k - 1]);
  }
}

TEST_CASE("strategies without an estimate say so", "[progress]") {
  // Iterative bounding reruns its rounds, and how many rounds follow is
  // unknown: no honest total.
  IterativeStrategy iterative;
  CHECK_FALSE(iterative.covered_fraction().has_value());
  FixedFraction none(std::nullopt);
  CHECK_FALSE(none.covered_fraction().has_value());
}

TEST_CASE("progress and summary lines, with exact numbers", "[progress]") {
  CHECK(group_thousands(0) == "0");
  CHECK(group_thousands(999) == "999");
  CHECK(group_thousands(1000) == "1,000");
  CHECK(group_thousands(1234567) == "1,234,567");
  CHECK(format_rate(850) == "850/s");
  CHECK(format_rate(9999.4) == "9,999/s");
  CHECK(format_rate(12345) == "12k/s");
  CHECK(format_rate(1.94e6) == "1.9M/s");

  // 3 of an estimated 3 / 0.375 = 8.
  CHECK(progress_line(3, 0, 0.5, 0.375) ==
        "interleave: 3 executions, 6/s, 0.5 s elapsed, ~38% of an estimated 8");
  // 120,000 / 0.38 = 315,789: two significant digits.
  CHECK(progress_line(120000, 0, 0.0625, 0.38) ==
        "interleave: 120,000 executions, 1.9M/s, 0.1 s elapsed, ~38% of an estimated 320,000");
  // Pruned executions count towards the total: (100 + 100) / 0.5.
  CHECK(progress_line(100, 100, 2, 0.5) ==
        "interleave: 100 executions (+100 pruned), 50/s, 2.0 s elapsed, ~50% of an estimated "
        "400");
  // No estimate, or none yet (nothing finished).
  CHECK(progress_line(1, 0, 1, std::nullopt) == "interleave: 1 execution, 1/s, 1.0 s elapsed");
  CHECK(progress_line(5, 0, 1, 0.0) == "interleave: 5 executions, 5/s, 1.0 s elapsed");

  CHECK(summary_line(finished_run(0.5)) ==
        "interleave: counter.racy threads=2 iters=1 (dfs): 6 executions in 0.50 s, 12/s");
}

TEST_CASE("not a terminal: nothing while running, one summary line for a long run",
          "[progress]") {
  const auto t0 = Progress::Clock::now();
  FixedFraction strategy(0.5);
  CheckOptions options;  // summary after 1 s
  SECTION("a run of 1.5 s") {
    Captured out;
    {
      Progress p(out.file, /*terminal=*/false, options, t0);
      p.update_at(t0 + std::chrono::seconds(1), 6, 0, strategy);
      CHECK(out.text().empty());
      p.finish(finished_run(1.5));
    }
    CHECK(out.text() == "interleave: counter.racy threads=2 iters=1 (dfs): 6 executions in 1.50 s, "
                        "4/s\n");
  }
  SECTION("a quick run stays silent, unless summary_after_seconds is 0") {
    Captured quiet, always;
    Progress(quiet.file, false, options, t0).finish(finished_run(0.5));
    CHECK(quiet.text().empty());
    options.summary_after_seconds = 0;
    Progress(always.file, false, options, t0).finish(finished_run(0.5));
    CHECK(always.text() ==
          "interleave: counter.racy threads=2 iters=1 (dfs): 6 executions in 0.50 s, 12/s\n");
  }
  SECTION("no summary after an error, nor with progress off") {
    Captured errored, off;
    CheckResult r = finished_run(5);
    r.error = "model is not deterministic";
    Progress(errored.file, false, options, t0).finish(r);
    CHECK(errored.text().empty());
    options.progress = false;
    Progress(off.file, false, options, t0).finish(finished_run(5));
    CHECK(off.text().empty());
  }
}

TEST_CASE("a terminal: a line rewritten in place, at most 4 times a second, then cleared",
          "[progress]") {
  const auto t0 = Progress::Clock::now();
  FixedFraction strategy(0.375);
  CheckOptions options;
  Captured out;
  {
    Progress p(out.file, /*terminal=*/true, options, t0);
    p.update_at(t0 + std::chrono::milliseconds(100), 1, 0, strategy);  // too soon
    CHECK(out.text().empty());
    p.update_at(t0 + std::chrono::milliseconds(500), 3, 0, strategy);
    p.update_at(t0 + std::chrono::milliseconds(600), 4, 0, strategy);  // too soon again
    p.finish(finished_run(5));  // clears, no summary
  }
  const std::string line = "interleave: 3 executions, 6/s, 0.5 s elapsed, ~38% of an estimated 8";
  CHECK(out.text() == "\r" + line + "\r" + std::string(line.size(), ' ') + "\r");

  SECTION("with a budget, no estimate of the total") {
    options.max_executions = 10;
    Captured budgeted;
    Progress p(budgeted.file, true, options, t0);
    p.update_at(t0 + std::chrono::milliseconds(500), 3, 0, strategy);
    CHECK(budgeted.text() == "\rinterleave: 3 executions, 6/s, 0.5 s elapsed");
  }
  SECTION("progress off: nothing on a terminal either") {
    options.progress = false;
    Captured off;
    Progress p(off.file, true, options, t0);
    p.update_at(t0 + std::chrono::seconds(1), 3, 0, strategy);
    CHECK(off.text().empty());
  }
}

TEST_CASE("the progress line fits the terminal's width", "[progress]") {
  const std::string full =
      "interleave: 120,000 executions, 1.9M/s, 0.1 s elapsed, ~38% of an estimated 320,000";
  REQUIRE(full.size() == 83);
  CHECK(progress_line(120000, 0, 0.0625, 0.38, 0) == full);
  CHECK(progress_line(120000, 0, 0.0625, 0.38, 84) == full);
  CHECK(progress_line(120000, 0, 0.0625, 0.38, 83) != full);
  // 80 columns: one less than the width, so the cursor never wraps; the
  // estimate goes first.
  CHECK(progress_line(120000, 0, 0.0625, 0.38, 80) ==
        "interleave: 120,000 executions, 1.9M/s, 0.1 s elapsed");
  // Narrower still: cut.
  CHECK(progress_line(120000, 0, 0.0625, 0.38, 21) == "interleave: 120,000 ");
  for (size_t columns = 2; columns < 100; ++columns) {
    INFO(columns);
    CHECK(progress_line(123456789, 98765, 12345.5, 0.5, columns).size() <= columns - 1);
  }

  // A Progress given 40 columns writes lines of at most 39 characters.
  const auto t0 = Progress::Clock::now();
  Progress::Settings narrow;
  narrow.columns = 40;
  Captured out;
  {
    Progress p(out.file, /*terminal=*/true, narrow, t0);
    p.update_at(t0 + std::chrono::milliseconds(500), 120000);
  }
  CHECK(out.text() == "\rinterleave: 120,000 executions, 240k/s,\r" + std::string(39, ' ') + "\r");
}

TEST_CASE("terminal_columns: $COLUMNS when the descriptor is not a terminal, else 80",
          "[progress]") {
  std::FILE* file = std::tmpfile();
  const int fd = fileno(file);
  setenv("COLUMNS", "132", 1);
  CHECK(terminal_columns(fd) == 132);
  setenv("COLUMNS", "wide", 1);
  CHECK(terminal_columns(fd) == 80);
  unsetenv("COLUMNS");
  CHECK(terminal_columns(fd) == 80);
  std::fclose(file);
}

TEST_CASE("an engine's summary line, as a check's", "[progress]") {
  CHECK(summary_line("counter.racy", racy_params(2), "relacy full", 1234567, 0, 2.0) ==
        "interleave: counter.racy threads=2 iters=1 (relacy full): 1,234,567 executions in 2.00 s, "
        "617k/s");
}
