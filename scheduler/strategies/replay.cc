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

ReplayStrategy::ReplayStrategy(std::vector<ThreadId> choices) : choices_(std::move(choices)) {}

bool ReplayStrategy::begin_execution() {
  if (started_) return false;
  started_ = true;
  return true;
}

ThreadId ReplayStrategy::pick(const SchedulingPoint& point) {
  const ThreadSet runnable = point.runnable;
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

void ReplayStrategy::end_execution() {
  if (!mismatched_ && next_ < choices_.size()) {
    set_error(fmt::format("schedule does not fit: the execution ended after {} steps but the "
                          "schedule has {}",
                          next_, choices_.size()));
  }
}

}  // namespace interleave
