#include "scheduler/dfs.h"

#include <fmt/format.h>

namespace interleave {

DfsStrategy::DfsStrategy() { path_.reserve(1024); }

bool DfsStrategy::begin_execution() {
  depth_ = 0;
  if (!error().empty()) return false;
  if (!started_) {
    started_ = true;
    return true;
  }
  // Backtrack: the deepest branch with an untried runnable thread takes it;
  // everything below it is explored afresh.
  while (!path_.empty()) {
    Branch& b = path_.back();
    ThreadSet untried = b.runnable;
    untried.erase_all(b.tried);
    if (!untried.empty()) {
      b.chosen = untried.lowest();
      b.tried.insert(b.chosen);
      return true;
    }
    path_.pop_back();
  }
  return false;
}

ThreadId DfsStrategy::pick(const SchedulingPoint& point) {
  const ThreadSet runnable = point.runnable;
  if (depth_ < path_.size()) {
    const Branch& b = path_[depth_++];
    if (b.runnable != runnable) {
      set_error(fmt::format(
          "the model is not deterministic: at step {} the runnable threads differ from an earlier "
          "execution with the same choices (does it depend on time, addresses or global state?)",
          depth_));
      return kNoThread;
    }
    return b.chosen;
  }
  ThreadId chosen = runnable.contains(point.current) ? point.current : runnable.lowest();
  ThreadSet tried;
  tried.insert(chosen);
  path_.push_back(Branch{runnable, tried, chosen});
  ++depth_;
  return chosen;
}

}  // namespace interleave
