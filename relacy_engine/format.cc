// The Relacy engine's options and reports, without Relacy: what a program
// that runs the engine (cli/interleave_main.cc) needs to parse and print.
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "relacy_engine/engine.h"
#include "scheduler/reports/progress.h"

namespace interleave {

const char* search_name(RelacySearch search) {
  switch (search) {
    case RelacySearch::kFull: return "full";
    case RelacySearch::kBound: return "bound";
    case RelacySearch::kRandom: return "random";
  }
  return "?";
}

bool parse_search(std::string_view name, RelacySearch& search) {
  for (RelacySearch s : {RelacySearch::kFull, RelacySearch::kBound, RelacySearch::kRandom}) {
    if (name == search_name(s)) {
      search = s;
      return true;
    }
  }
  return false;
}

namespace {

std::string explain(const RelacyResult& r) {
  if (r.location.empty()) return r.message;
  return fmt::format("{}   ({})", r.message, r.location);
}

}  // namespace

std::string relacy_summary(const RelacyResult& r) {
  std::string how = fmt::format("Relacy's {} search", search_name(r.search));
  if (r.search == RelacySearch::kBound) how += fmt::format(" (context bound {})", r.context_bound);
  if (r.found_bug) {
    std::string why = explain(r);
    return fmt::format("FAIL {}{}{}   [found by {} in execution {}, {:.3f} s]", r.kind,
                       why.empty() ? "" : ": ", why, how, r.iterations, r.seconds);
  }
  if (r.exhaustive && r.search == RelacySearch::kBound) {
    return fmt::format("PASS no bug under the C++ memory model with at most {} preemptions: {} "
                       "explored all {} such executions ({:.3f} s)",
                       r.context_bound, how, r.iterations, r.seconds);
  }
  if (r.exhaustive) {
    return fmt::format("PASS no bug under the C++ memory model: {} explored all {} executions "
                       "({:.3f} s)",
                       how, r.iterations, r.seconds);
  }
  if (!r.limit.empty()) {
    return fmt::format("NO BUG FOUND in {} executions of {} ({:.3f} s), but {} stopped the run "
                       "before it {} ({})",
                       group_thousands(r.iterations), how, r.seconds, r.limit,
                       r.search == RelacySearch::kRandom ? "ran every execution asked for"
                                                         : "was exhaustive",
                       r.raise_limit);
  }
  return fmt::format("PASS no bug found in {} executions of {}{}; not every execution was "
                     "covered ({:.3f} s)",
                     r.iterations, how,
                     r.budget.empty() ? "" : fmt::format(" within budget ({})", r.budget),
                     r.seconds);
}

std::string format_relacy(const RelacyResult& r) {
  std::string out = fmt::format("{}  {}  engine=relacy threads={} (C++ memory model: memory "
                                "orders honoured, data races reported)\n",
                                r.model, r.params.describe(), r.threads);
  out += relacy_summary(r) + "\n";
  if (!r.report.empty()) {
    out += "--- Relacy's report ---\n";
    out += r.report;
    if (r.report_truncated) out += "\n(Relacy's report was cut at 256 KiB)\n";
  }
  return out;
}

}  // namespace interleave
