#include "scheduler/strategies/replay.h"

#include <fmt/format.h>

namespace interleave {

namespace {

std::string list_threads(ThreadSet s) {
  std::string out;
  for (ThreadId t = s.lowest(); t != kNoThread; t = s.next_after(t)) {
    if (!out.empty()) out += ", ";
    out += fmt::format("T{}", t);
  }
  return out;
}

}  // namespace

ReplayStrategy::ReplayStrategy(std::vector<ThreadId> choices, std::vector<uint8_t> alternatives)
    : choices_(std::move(choices)), alternatives_(std::move(alternatives)) {}

namespace {

// The outcome the schedule gives step `step` (0-based).
int alternative_at(const std::vector<uint8_t>& alternatives, size_t step) {
  return step < alternatives.size() ? alternatives[step] : 0;
}

}  // namespace

bool ReplayStrategy::begin_execution() {
  if (started_) return false;
  started_ = true;
  return true;
}

// A step the schedule gives an outcome other than 0, whose operation had no
// choice to make: the schedule belongs to another execution.
bool ReplayStrategy::outcome_unused() {
  if (next_ == 0 || chose_ || alternative_at(alternatives_, next_ - 1) == 0) return false;
  mismatched_ = true;
  set_error(fmt::format("schedule does not fit: step {} takes outcome {}, but its operation has "
                        "only one",
                        next_, alternative_at(alternatives_, next_ - 1)));
  return true;
}

ThreadId ReplayStrategy::pick(const SchedulingPoint& point) {
  const ThreadSet runnable = point.runnable;
  if (outcome_unused()) return kNoThread;
  chose_ = false;
  if (next_ >= choices_.size()) {
    mismatched_ = true;
    set_error(fmt::format("schedule does not fit: it ends after {} steps but the execution goes on "
                          "({} can run)",
                          choices_.size(), list_threads(runnable)));
    return kNoThread;
  }
  ThreadId t = choices_[next_++];
  if (!runnable.contains(t)) {
    mismatched_ = true;
    set_error(fmt::format("schedule does not fit: step {} chooses T{}, which cannot run there "
                          "(runnable: {})",
                          next_, t, list_threads(runnable)));
    return kNoThread;
  }
  return t;
}

int ReplayStrategy::choose(const ChoicePoint& point) {
  chose_ = true;
  const int taken = alternative_at(alternatives_, point.step);
  if (taken >= point.alternatives) {
    mismatched_ = true;
    set_error(fmt::format("schedule does not fit: step {} takes outcome {}, but its operation has "
                          "{} (0 to {})",
                          point.step + 1, taken, point.alternatives, point.alternatives - 1));
    return -1;
  }
  return taken;
}

void ReplayStrategy::end_execution() {
  if (!mismatched_) outcome_unused();
  if (!mismatched_ && next_ < choices_.size()) {
    set_error(fmt::format("schedule does not fit: the execution ended after {} steps but the "
                          "schedule has {}",
                          next_, choices_.size()));
  }
}

}  // namespace interleave
