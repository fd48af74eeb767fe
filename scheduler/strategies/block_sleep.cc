#include "scheduler/strategies/block_sleep.h"

#include <algorithm>
#include <utility>

namespace interleave {

void BlockSleepSets::set_instance(std::span<const std::byte> instance) {
  instance_begin_ = reinterpret_cast<uintptr_t>(instance.data());
  instance_size_ = instance.size();
}

BlockSleepSets::Access BlockSleepSets::named(Access access) const {
  for (const void*& object : access.object) {
    const uintptr_t offset = reinterpret_cast<uintptr_t>(object) - instance_begin_;
    if (object != nullptr && offset < instance_size_) {
      object = reinterpret_cast<const void*>(offset | kOffsetName);
    }
  }
  return access;
}

void BlockSleepSets::begin_execution() {
  asleep_ = ThreadSet();
  recording_thread_ = kNoThread;
  recording_ = -1;
}

ThreadSet BlockSleepSets::switch_point(const SchedulingPoint& point, size_t depth) {
  // The thread that stopped here, if still live, waits at its next
  // operation: whether it can run is part of the state a sleeping block
  // must leave alone (a block that unlocks what it waits for would turn
  // this free switch into a preemption), and part of what its own block
  // did.
  const ThreadId stopped = point.current;
  if (stopped != kNoThread && point.live.contains(stopped)) {
    step(stopped, point.next[stopped]);  // as if it ran what it waits at
  }
  if (recording_ >= 0) {
    recording_ = -1;
    recording_thread_ = kNoThread;
  }
  // The branches explored here before the current one: asleep from here on.
  // They are the entries at this depth but the last (none at a new switch).
  auto last = std::find_if(taken_.rbegin(), taken_.rend(),
                           [depth](const Taken& t) { return t.depth == depth; });
  current_ = last == taken_.rend() ? -1 : static_cast<int>(taken_.rend() - last) - 1;
  if (last != taken_.rend()) {
    for (auto it = std::next(last); it != taken_.rend() && it->depth == depth; ++it) {
      if (it->footprint < 0 || footprints_[it->footprint].universal) continue;
      asleep_.insert(it->thread);
      asleep_footprint_[it->thread] = it->footprint;
    }
  }
  return asleep_;
}

void BlockSleepSets::take(size_t depth, ThreadId thread) {
  if (current_ < 0) {  // a new switch, below every other
    taken_.push_back(Taken{static_cast<uint32_t>(depth), thread, -1});
    current_ = static_cast<int>(taken_.size()) - 1;
  }
  Taken& current = taken_[static_cast<size_t>(current_)];
  recording_thread_ = thread;
  if (current.footprint >= 0) return;  // recorded in an earlier execution
  Footprint f;
  f.begin = f.end = static_cast<uint32_t>(footprint_accesses_.size());
  footprints_.push_back(f);
  recording_ = static_cast<int>(footprints_.size()) - 1;
  current.footprint = recording_;
}

void BlockSleepSets::step(ThreadId thread, const Operation& op) {
  const bool records = recording_ >= 0 && thread == recording_thread_;
  if (asleep_.empty() && !records) return;
  const Access access = named(DporStrategy::pending_access(op));
  wake(thread, op, access);
  if (records) record(op, access);
}

void BlockSleepSets::wake(ThreadId thread, const Operation& op, const Access& access) {
  ThreadSet still = asleep_;
  for (ThreadId s = asleep_.lowest(); s != kNoThread; s = asleep_.next_after(s)) {
    if (s != thread && wakes(footprints_[asleep_footprint_[s]], s, thread, op, access)) {
      still.erase(s);
    }
  }
  asleep_ = still;
}

void BlockSleepSets::record(const Operation& op, const Access& access) {
  Footprint& f = footprints_[recording_];
  if (op.kind == OpKind::kJoin) f.joins.insert(op.joined);
  if (op.kind == OpKind::kSpawn || op.kind == OpKind::kYield) f.universal = true;
  add_access(f, access);
}

void BlockSleepSets::outcomes() {
  if (recording_ >= 0) footprints_[recording_].universal = true;
}

void BlockSleepSets::end_execution() {
  if (recording_ >= 0) footprints_[recording_].universal = true;
  recording_ = -1;
}

void BlockSleepSets::backtrack(size_t depth, ThreadId thread, bool new_thread) {
  forget_below(depth);
  if (new_thread && !taken_.empty() && taken_.back().depth == depth) {
    taken_.push_back(Taken{static_cast<uint32_t>(depth), thread, -1});
  }
}

std::optional<BlockSleepSets::Prefix> BlockSleepSets::prefix(size_t depth) const {
  Prefix p{taken_, footprints_, footprint_accesses_};
  trim_below(depth, p.taken, p.footprints, p.accesses);
  for (const Footprint& f : p.footprints) {
    if (f.universal) continue;  // its accesses are never looked at
    for (uint32_t i = f.begin; i < f.end; ++i) {
      for (const void* object : p.accesses[i].object) {
        if (object != nullptr && (reinterpret_cast<uintptr_t>(object) & kOffsetName) == 0) {
          return std::nullopt;  // named by its address in this worker's instance only
        }
      }
    }
  }
  return p;
}

void BlockSleepSets::start(Prefix prefix, size_t depth, ThreadId thread, bool new_thread) {
  taken_ = std::move(prefix.taken);
  footprints_ = std::move(prefix.footprints);
  footprint_accesses_ = std::move(prefix.accesses);
  begin_execution();
  backtrack(depth, thread, new_thread);
}

void BlockSleepSets::forget_below(size_t depth) {
  trim_below(depth, taken_, footprints_, footprint_accesses_);
}

void BlockSleepSets::trim_below(size_t depth, std::vector<Taken>& taken,
                                std::vector<Footprint>& footprints,
                                std::vector<Access>& accesses) {
  while (!taken.empty() && taken.back().depth > depth) taken.pop_back();
  // The footprints still referred to were recorded before every forgotten
  // one (a branch's footprint is recorded before those of the branches
  // below it).
  int keep = 0;
  for (const Taken& t : taken) keep = std::max(keep, t.footprint + 1);
  footprints.resize(static_cast<size_t>(keep));
  accesses.resize(footprints.empty() ? 0 : footprints.back().end);
}

bool BlockSleepSets::wakes(const Footprint& f, ThreadId sleeper, ThreadId thread,
                           const Operation& op, const Access& access) const {
  if (f.universal || f.joins.contains(thread)) return true;
  if (op.kind == OpKind::kJoin && op.joined == sleeper) return true;
  for (uint32_t i = f.begin; i < f.end; ++i) {
    if (DporStrategy::conflict(footprint_accesses_[i], access)) return true;
  }
  return false;
}

void BlockSleepSets::add_access(Footprint& f, const Access& access) {
  if (access.object[0] == nullptr && access.object[1] == nullptr) return;
  for (uint32_t i = f.begin; i < f.end; ++i) {
    const Access& a = footprint_accesses_[i];
    if (a.object == access.object && a.role == access.role) return;
  }
  footprint_accesses_.push_back(access);
  f.end = static_cast<uint32_t>(footprint_accesses_.size());
}

}  // namespace interleave
