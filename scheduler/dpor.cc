#include "scheduler/dpor.h"

#include <bit>

#include <fmt/format.h>

namespace interleave {

namespace {

using Role = DporStrategy::Role;

constexpr uint32_t bit(Role r) { return 1u << static_cast<unsigned>(r); }

// dependent[r]: the roles, on the same object, that role r conflicts with.
constexpr std::array<uint32_t, 8> kDependent = {
    /*kNone*/ 0,
    /*kRead*/ bit(Role::kWrite),
    /*kWrite*/ bit(Role::kRead) | bit(Role::kWrite),
    /*kAcquire*/ bit(Role::kAcquire) | bit(Role::kTry),
    /*kTry*/ bit(Role::kAcquire) | bit(Role::kTry) | bit(Role::kRelease),
    /*kRelease*/ bit(Role::kTry),
    /*kWait*/ bit(Role::kWait) | bit(Role::kNotify),
    /*kNotify*/ bit(Role::kWait) | bit(Role::kNotify),
};

}  // namespace

DporStrategy::Access DporStrategy::access_of(const Operation& op) {
  Access a;
  a.object[0] = op.object;
  switch (op.kind) {
    case OpKind::kLoad: a.role[0] = Role::kRead; break;
    case OpKind::kStore:
    case OpKind::kExchange:
    case OpKind::kCompareExchange:
    case OpKind::kFetchAdd: a.role[0] = Role::kWrite; break;
    case OpKind::kLock: a.role[0] = Role::kAcquire; break;
    case OpKind::kTryLock: a.role[0] = Role::kTry; break;
    case OpKind::kUnlock: a.role[0] = Role::kRelease; break;
    case OpKind::kWait:
      a.role[0] = Role::kWait;
      a.object[1] = op.object2;
      a.role[1] = op.object2 != nullptr ? Role::kRelease : Role::kNone;
      break;
    case OpKind::kNotify:
    case OpKind::kNotifyAll: a.role[0] = Role::kNotify; break;
    case OpKind::kSpawn:
    case OpKind::kJoin:
    case OpKind::kYield: a.object[0] = nullptr; break;
  }
  return a;
}

bool DporStrategy::conflict(const Access& a, const Access& b) {
  for (int i = 0; i < 2; ++i) {
    if (a.role[i] == Role::kNone) continue;
    for (int j = 0; j < 2; ++j) {
      if (b.role[j] != Role::kNone && a.object[i] == b.object[j] &&
          (kDependent[static_cast<unsigned>(a.role[i])] & bit(b.role[j])) != 0) {
        return true;
      }
    }
  }
  return false;
}

DporStrategy::DporStrategy() = default;

bool DporStrategy::begin_execution() {
  depth_ = 0;
  if (!error().empty()) return false;
  if (!started_) {
    started_ = true;
    first_new_ = 0;
    next_sleep_ = ThreadSet();
    return true;
  }
  // Backtrack to the deepest state with a thread still to explore there.
  while (!path_.empty()) {
    Node& n = path_.back();
    ThreadSet unexplored = n.backtrack;
    unexplored.erase_all(n.done);
    unexplored.erase_all(n.sleep);
    if (!unexplored.empty()) {
      n.chosen = unexplored.lowest();
      n.done.insert(n.chosen);
      first_new_ = path_.size() - 1;
      restore_prefix_state();
      return true;
    }
    path_.pop_back();
  }
  return false;
}

ThreadId DporStrategy::pick(const SchedulingPoint& point) {
  if (depth_ < first_new_) {
    // A step kept from the previous execution: its analysis still holds.
    const Node& n = path_[depth_];
    if (n.enabled != point.runnable) {
      set_not_deterministic(depth_ + 1);
      return kNoThread;
    }
    ++depth_;
    return n.chosen;
  }
  // Threads that appear start with the clock of the step that spawned them.
  ThreadSet appeared = point.live;
  appeared.erase_all(known_);
  for (ThreadId t = appeared.lowest(); t != kNoThread; t = appeared.next_after(t)) {
    if (!events_.empty() && events_.back().kind == OpKind::kSpawn) {
      thread_clock_[t] = events_.back().clock;  // spawned by the last step
      events_.back().spawned = t;
    } else {
      thread_clock_[t] = Clock{};
    }
    known_.insert(t);
    width_ = std::max(width_, t + 1);
  }

  ThreadId chosen;
  if (depth_ < path_.size()) {
    Node& n = path_[depth_];
    if (n.enabled != point.runnable) {
      set_not_deterministic(depth_ + 1);
      return kNoThread;
    }
    chosen = n.chosen;
  } else {
    Node n;
    n.enabled = point.runnable;
    n.sleep = next_sleep_;
    ThreadSet awake = point.runnable;
    awake.erase_all(n.sleep);
    if (awake.empty()) return kNoThread;  // sleep-set blocked: prune
    chosen = awake.contains(point.current) ? point.current : awake.lowest();
    n.backtrack.insert(chosen);
    n.done.insert(chosen);
    n.chosen = chosen;
    n.known = known_;
    path_.push_back(n);
  }
  record_step(point, chosen, /*analyse=*/depth_ >= first_new_);
  ++depth_;
  return chosen;
}

void DporStrategy::restore_prefix_state() {
  events_.resize(first_new_);
  known_ = path_[first_new_].known;
  width_ = known_.empty() ? 0 : 64 - std::countl_zero(known_.bits());
  for (int t = 0; t < width_; ++t) thread_clock_[t] = Clock{};
  last_touch_.clear();
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event& e = events_[i];
    thread_clock_[e.thread] = e.clock;
    if (e.spawned != kNoThread) thread_clock_[e.spawned] = e.clock;
    for (int s = 0; s < 2; ++s) {
      if (e.access.role[s] != Role::kNone) last_touch(e.access.object[s]).step = static_cast<int>(i);
    }
  }
}

void DporStrategy::join_into(Clock& into, const Clock& from) const {
  for (int t = 0; t < width_; ++t) into[t] = std::max(into[t], from[t]);
}

void DporStrategy::record_step(const SchedulingPoint& point, ThreadId p, bool analyse) {
  const Operation& op = point.next[p];
  // Built in place (a copied Event temporary stalls on store forwarding).
  const int index = static_cast<int>(events_.size());
  Event& e = events_.emplace_back();
  e.thread = p;
  e.kind = op.kind;
  e.access = access_of(op);
  e.previous = {-1, -1};
  copy_clock(e.clock, thread_clock_[p]);
  if (op.kind == OpKind::kJoin && op.joined != kNoThread) {
    join_into(e.clock, thread_clock_[op.joined]);
  }

  // The sleep set of the state after this step: threads asleep here, or
  // explored first from here before, whose next step is independent of it.
  if (analyse) {
    const Node& n = path_[depth_];
    ThreadSet candidates = n.sleep;
    candidates.insert_all(n.done);
    candidates.erase(p);
    next_sleep_ = ThreadSet();
    size_t row = (depth_ + 1) * kMaxThreads;
    if (sleep_access_.size() < row + kMaxThreads) sleep_access_.resize(row + kMaxThreads);
    for (ThreadId r = candidates.lowest(); r != kNoThread; r = candidates.next_after(r)) {
      const Access a = n.sleep.contains(r) ? sleep_access_[depth_ * kMaxThreads + r]
                                           : access_of(point.next[r]);
      if (!conflict(a, e.access)) {
        next_sleep_.insert(r);
        sleep_access_[row + r] = a;
      }
    }
  }

  // Happens-before: conflicting earlier steps of other threads, latest
  // first, found along the chains of steps on this step's objects. One not
  // yet ordered before this step by what came after it is a race.
  std::array<size_t, 64> races;
  size_t race_count = 0;
  std::array<int, 2> cursor{-1, -1};
  for (int s = 0; s < 2; ++s) {
    if (e.access.role[s] == Role::kNone) continue;
    LastTouch& touch = last_touch(e.access.object[s]);
    cursor[s] = e.previous[s] = touch.step;
    touch.step = index;
  }
  for (;;) {
    const int k = std::max(cursor[0], cursor[1]);
    if (k < 0) break;
    const Event& earlier = events_[k];
    for (int s = 0; s < 2; ++s) {
      if (cursor[s] != k) continue;
      // Once a step that conflicts with this one and with everything this one
      // conflicts with is passed, every earlier conflicting step on the object
      // happens before it: the rest of the chain is covered by its clock.
      const Role theirs = role_on(earlier, e.access.object[s]);
      const uint32_t ours = kDependent[static_cast<unsigned>(e.access.role[s])];
      const bool covers = (ours & bit(theirs)) != 0 &&
                          (ours & ~kDependent[static_cast<unsigned>(theirs)]) == 0;
      cursor[s] = covers ? -1 : previous_on(k, e.access.object[s]);
    }
    if (!conflict(earlier.access, e.access)) continue;
    if (earlier.thread != p && earlier.clock[earlier.thread] > e.clock[earlier.thread]) {
      if (analyse && race_count < races.size()) {
        races[race_count++] = k;
      } else if (analyse) {
        // More races than the buffer holds: explore every runnable thread
        // there (sound, if not minimal).
        path_[k].backtrack.insert_all(path_[k].enabled);
      }
    }
    join_into(e.clock, earlier.clock);
  }
  ++e.clock[p];
  copy_clock(thread_clock_[p], e.clock);
  for (size_t i = 0; i < race_count; ++i) reverse_race(races[i], e);
}

void DporStrategy::copy_clock(Clock& into, const Clock& from) const {
  for (int t = 0; t < width_; ++t) into[t] = from[t];
}

DporStrategy::LastTouch& DporStrategy::last_touch(const void* object) {
  for (LastTouch& t : last_touch_) {
    if (t.object == object) return t;
  }
  last_touch_.push_back(LastTouch{object, -1});
  return last_touch_.back();
}

DporStrategy::Role DporStrategy::role_on(const Event& e, const void* object) {
  return e.access.role[0] != Role::kNone && e.access.object[0] == object ? e.access.role[0]
                                                                          : e.access.role[1];
}

int DporStrategy::previous_on(size_t k, const void* object) const {
  const Event& e = events_[k];
  return e.access.role[0] != Role::kNone && e.access.object[0] == object ? e.previous[0]
                                                                          : e.previous[1];
}

void DporStrategy::reverse_race(size_t k, const Event& later) {
  const Event& earlier = events_[k];
  const ThreadId tk = earlier.thread;
  const uint32_t mark = earlier.clock[tk];
  // v: the steps after `earlier` that do not happen after it, then `later`.
  // Its initials are the threads whose first step in v has no predecessor in
  // v; running one of them first at node k reverses the race.
  constexpr uint32_t kNone = UINT32_MAX;
  Clock first{};
  first.fill(kNone);
  auto has_predecessor = [&](const Clock& c) {
    for (int t = 0; t < width_; ++t) {
      if (first[t] != kNone && first[t] <= c[t]) return true;
    }
    return false;
  };
  ThreadSet initials;
  // `later` is the last event recorded; v lies strictly between the two.
  for (size_t j = k + 1; j + 1 < events_.size(); ++j) {
    const Event& ej = events_[j];
    if (ej.clock[tk] >= mark) continue;  // happens after `earlier`: not in v
    if (!has_predecessor(ej.clock)) initials.insert(ej.thread);
    if (first[ej.thread] == kNone) first[ej.thread] = ej.clock[ej.thread];
  }
  if (!has_predecessor(later.clock)) initials.insert(later.thread);

  Node& n = path_[k];
  ThreadSet overlap = n.backtrack;
  for (ThreadId t = overlap.lowest(); t != kNoThread; t = overlap.next_after(t)) {
    if (initials.contains(t)) return;  // a source for this race is already planned
  }
  ThreadId q = initials.contains(later.thread) ? later.thread : initials.lowest();
  if (q != kNoThread && n.enabled.contains(q)) {
    n.backtrack.insert(q);
  } else {
    // The reversing thread is blocked there: try every runnable thread.
    n.backtrack.insert_all(n.enabled);
  }
}

}  // namespace interleave
