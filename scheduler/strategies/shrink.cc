#include "scheduler/strategies/shrink.h"

#include <array>
#include <optional>
#include <set>
#include <utility>

namespace interleave {

namespace {

// The outcomes each thread's choosing steps took in `trace`, in order
// (Execution::choose()).
using OutcomesByThread = std::array<std::vector<uint8_t>, kMaxThreads>;
OutcomesByThread outcomes_of(const std::vector<TraceStep>& trace) {
  OutcomesByThread out;
  for (const TraceStep& step : trace) {
    if (step.alternatives > 0) out[step.thread].push_back(step.alternative);
  }
  return out;
}

// Follows a list of choices; where a choice cannot run, or the list has run
// out, the current thread goes on if it can, else the lowest runnable thread.
// A thread's k-th operation with several outcomes takes the outcome its k-th
// one took in the failing execution (0 where that does not fit): edits move
// steps between threads, not a thread's own sequence of operations.
// Counts preemptions as the explorer does: a step by another thread while the
// thread of the previous step could have gone on.
class GuidedStrategy final : public Strategy {
 public:
  GuidedStrategy(const std::vector<ThreadId>& choices, const OutcomesByThread& outcomes)
      : choices_(choices), outcomes_(outcomes) {}
  std::string_view name() const override { return "shrink"; }
  bool begin_execution() override { return true; }
  ThreadId pick(const SchedulingPoint& point) override {
    const bool current_runnable =
        point.current != kNoThread && point.runnable.contains(point.current);
    ThreadId t = next_ < choices_.size() ? choices_[next_] : kNoThread;
    ++next_;
    if (t == kNoThread || !point.runnable.contains(t)) {
      t = current_runnable ? point.current : point.runnable.lowest();
    }
    if (current_runnable && t != point.current) ++preemptions_;
    return t;
  }
  int choose(const ChoicePoint& point) override {
    const std::vector<uint8_t>& taken = outcomes_[point.thread];
    const size_t k = chosen_[point.thread]++;
    return k < taken.size() && taken[k] < point.alternatives ? taken[k] : 0;
  }
  bool exhaustive() const override { return false; }
  int preemptions() const { return preemptions_; }

 private:
  const std::vector<ThreadId>& choices_;
  const OutcomesByThread& outcomes_;
  // Per thread, its operations with several outcomes so far.
  std::array<size_t, kMaxThreads> chosen_{};
  size_t next_ = 0;
  int preemptions_ = 0;
};

struct Block {
  ThreadId thread;
  size_t start;
  size_t length;
};

std::vector<Block> blocks_of(const std::vector<ThreadId>& c) {
  std::vector<Block> blocks;
  for (size_t i = 0; i < c.size(); ++i) {
    if (blocks.empty() || blocks.back().thread != c[i]) {
      blocks.push_back({c[i], i, 0});
    }
    ++blocks.back().length;
  }
  return blocks;
}

// `c` with c[from, from + length) moved to stand before c[to] (`to` is an
// index of `c`, outside the moved range; c.size() moves it to the end).
std::vector<ThreadId> moved(const std::vector<ThreadId>& c, size_t from, size_t length,
                            size_t to) {
  std::vector<ThreadId> out;
  out.reserve(c.size());
  auto append = [&](size_t begin, size_t end) {
    out.insert(out.end(), c.begin() + begin, c.begin() + end);
  };
  if (to <= from) {
    append(0, to);
    append(from, from + length);
    append(to, from);
    append(from + length, c.size());
  } else {
    append(0, from);
    append(from + length, to);
    append(from, from + length);
    append(to, c.size());
  }
  return out;
}

// The edits of `c` to try, in a fixed order: the most drastic first.
std::vector<std::vector<ThreadId>> candidates(const std::vector<ThreadId>& c) {
  std::vector<std::vector<ThreadId>> out;
  const std::vector<Block> b = blocks_of(c);
  const size_t m = b.size();
  // Truncate at each context switch: the thread before it goes on.
  for (size_t k = 1; k < m; ++k) out.emplace_back(c.begin(), c.begin() + b[k].start);
  // Move a block back to join the thread's previous block (or to the front).
  for (size_t k = 1; k < m; ++k) {
    size_t to = 0;
    for (size_t p = k; p-- > 0;) {
      if (b[p].thread == b[k].thread) {
        to = b[p].start + b[p].length;
        break;
      }
    }
    out.push_back(moved(c, b[k].start, b[k].length, to));
  }
  // Move a block on to join the thread's next block (or to the end).
  for (size_t k = 0; k + 1 < m; ++k) {
    size_t to = c.size();
    for (size_t q = k + 1; q < m; ++q) {
      if (b[q].thread == b[k].thread) {
        to = b[q].start;
        break;
      }
    }
    out.push_back(moved(c, b[k].start, b[k].length, to));
  }
  // Move each context switch one step: later (the thread before it takes one
  // more step first) and earlier (its last step goes after the next block).
  for (size_t k = 1; k < m; ++k) {
    for (size_t q = k + 1; q < m; ++q) {
      if (b[q].thread == b[k - 1].thread) {
        out.push_back(moved(c, b[q].start, 1, b[k].start));
        break;
      }
    }
    out.push_back(moved(c, b[k].start - 1, 1, b[k].start + b[k].length));
  }
  return out;
}

}  // namespace

ShrinkResult shrink(ModelRunner& model, const std::vector<TraceStep>& trace,
                    const Failure& failure, const ExecutionLimits& limits,
                    size_t max_executions) {
  ShrinkResult result;
  for (const TraceStep& step : trace) result.choices.push_back(step.thread);
  const std::vector<ThreadId> choices = result.choices;
  result.trace = trace;
  result.failure = failure;
  result.original_steps = choices.size();
  // The outcomes of the best execution so far, which candidates follow.
  OutcomesByThread outcomes = outcomes_of(trace);

  Execution execution(limits);
  // Runs `c`; the cost if it fails the same way.
  auto attempt = [&](const std::vector<ThreadId>& c) -> std::optional<ShrinkCost> {
    ++result.executions;
    GuidedStrategy guided(c, outcomes);
    Outcome outcome = execution.run(model, guided);
    if (outcome != Outcome::kFailed || !execution.failure()->same_as(failure)) {
      return std::nullopt;
    }
    return ShrinkCost{guided.preemptions(), execution.steps()};
  };
  auto take = [&](int preemptions) {
    result.choices.clear();
    for (const TraceStep& step : execution.trace()) result.choices.push_back(step.thread);
    result.trace = execution.trace();
    result.failure = *execution.failure();
    result.preemptions = preemptions;
    outcomes = outcomes_of(result.trace);
  };

  std::optional<ShrinkCost> best = attempt(choices);
  if (!best) return result;
  result.reproduced = true;
  result.original_preemptions = best->preemptions;
  result.original_steps = execution.steps();
  take(best->preemptions);

  std::set<std::vector<ThreadId>> tried{result.choices};
  bool improved = true;
  while (improved && result.executions < max_executions) {
    improved = false;
    for (std::vector<ThreadId>& candidate : candidates(result.choices)) {
      if (result.executions >= max_executions) break;
      if (!tried.insert(candidate).second) continue;
      std::optional<ShrinkCost> cost = attempt(candidate);
      if (cost && *cost < *best) {
        best = cost;
        take(cost->preemptions);
        tried.insert(result.choices);
        improved = true;
        break;
      }
    }
  }
  return result;
}

}  // namespace interleave
