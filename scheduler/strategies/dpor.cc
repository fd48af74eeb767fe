#include "scheduler/strategies/dpor.h"

#include <algorithm>
#include <bit>

#include <fmt/format.h>

namespace interleave {

namespace {

using Role = DporStrategy::Role;

// Set in the name of an object inside the model instance (its offset there,
// DporStrategy::set_instance()), which no user-space address has.
constexpr uintptr_t kOffsetName = uintptr_t{1} << 63;

constexpr uint32_t bit(Role r) { return 1u << static_cast<unsigned>(r); }

// kDependent[r]: the roles, on the same object, that role r is dependent
// with (symmetric).
constexpr std::array<uint32_t, 8> kDependent = {
    /*kNone*/ 0,
    /*kRead*/ bit(Role::kWrite),
    /*kWrite*/ bit(Role::kRead) | bit(Role::kWrite),
    /*kAcquire*/ bit(Role::kAcquire) | bit(Role::kTry) | bit(Role::kRelease),
    /*kTry*/ bit(Role::kAcquire) | bit(Role::kTry) | bit(Role::kRelease),
    /*kRelease*/ bit(Role::kAcquire) | bit(Role::kTry),
    /*kWait*/ bit(Role::kWait) | bit(Role::kNotify),
    /*kNotify*/ bit(Role::kWait) | bit(Role::kNotify),
};

// kReversible[r]: the dependent roles that can also occur in the other order.
// A lock and an unlock of one mutex by different threads cannot: the lock
// after the unlock was blocked before it, and an unlock after a lock needs
// an unlock and a lock in between.
constexpr std::array<uint32_t, 8> kReversible = {
    /*kNone*/ 0,
    /*kRead*/ bit(Role::kWrite),
    /*kWrite*/ bit(Role::kRead) | bit(Role::kWrite),
    /*kAcquire*/ bit(Role::kAcquire) | bit(Role::kTry),
    /*kTry*/ bit(Role::kAcquire) | bit(Role::kTry) | bit(Role::kRelease),
    /*kRelease*/ bit(Role::kTry),
    /*kWait*/ bit(Role::kWait) | bit(Role::kNotify),
    /*kNotify*/ bit(Role::kWait) | bit(Role::kNotify),
};

[[gnu::always_inline]] inline bool related(const DporStrategy::Access& a, const DporStrategy::Access& b,
             const std::array<uint32_t, 8>& table) {
  for (int i = 0; i < 2; ++i) {
    if (a.role[i] == Role::kNone) continue;
    for (int j = 0; j < 2; ++j) {
      if (b.role[j] != Role::kNone && a.object[i] == b.object[j] &&
          (table[static_cast<unsigned>(a.role[i])] & bit(b.role[j])) != 0) {
        return true;
      }
    }
  }
  return false;
}

// Sets every field of `a` to how `op` touches its objects, from the kind
// alone (access_of()). In place: an Access returned by value and copied into
// an Event stalls on store forwarding, at every step.
[[gnu::always_inline]] inline void fill_access(const Operation& op, DporStrategy::Access& a) {
  a.object[0] = op.object;
  a.object[1] = nullptr;
  a.role[0] = a.role[1] = Role::kNone;
  switch (op.kind) {
    case OpKind::kLoad: a.role[0] = Role::kRead; break;
    case OpKind::kStore:
    case OpKind::kExchange:
    case OpKind::kCompareExchange:
    case OpKind::kFetchAdd: a.role[0] = Role::kWrite; break;
    case OpKind::kLock:
      a.role[0] = Role::kAcquire;
      // The relock of a timed wait, not yet notified: if it runs first it
      // times out, so it is ordered against the variable's notifies.
      a.object[1] = op.object2;
      a.role[1] = op.object2 != nullptr ? Role::kWait : Role::kNone;
      break;
    case OpKind::kTryLock: a.role[0] = Role::kTry; break;
    case OpKind::kUnlock: a.role[0] = Role::kRelease; break;
    case OpKind::kWait:
      a.role[0] = Role::kWait;
      a.object[1] = op.object2;
      a.role[1] = op.object2 != nullptr ? Role::kRelease : Role::kNone;
      break;
    case OpKind::kNotify:
    case OpKind::kNotifyAll: a.role[0] = Role::kNotify; break;
    case OpKind::kFutexWait:
      // Reads the word; joins the queue's waiters if it holds the value.
      a.role[0] = Role::kRead;
      a.object[1] = op.object2;
      a.role[1] = Role::kWait;
      break;
    case OpKind::kSpawn:
    case OpKind::kJoin:
    case OpKind::kYield: a.object[0] = nullptr; break;
  }
}

// Whether `op`, a compare_exchange about to run, would fail now (and so
// only read); false when no probe tells.
[[gnu::always_inline]] inline bool would_fail(const Operation& op) {
  return op.kind == OpKind::kCompareExchange && op.probe != nullptr &&
         op.probe->current(op.object) != op.probe->expected;
}

}  // namespace

DporStrategy::Access DporStrategy::pending_access(const Operation& op) {
  Access a;
  fill_access(op, a);
  if (would_fail(op)) a.role[0] = Role::kRead;  // reads, writes nothing
  return a;
}

DporStrategy::Access DporStrategy::access_of(const Operation& op) {
  Access a;
  fill_access(op, a);
  return a;
}

bool DporStrategy::conflict(const Access& a, const Access& b) {
  return related(a, b, kDependent);
}

bool DporStrategy::reversible(const Access& earlier, const Access& later) {
  return related(earlier, later, kReversible);
}

void DporStrategy::fill_step(ThreadId thread, const Operation& op, Step& step) {
  step.thread = thread;
  step.kind = op.kind;
  step.joined = op.joined;
  fill_access(op, step.access);
  if (would_fail(op)) step.access.role[0] = Role::kRead;  // reads, writes nothing
  step.outcome = 0;
}

bool DporStrategy::on_variables(const Step& s) {
  for (Role r : s.access.role) {
    if (r != Role::kNone && r != Role::kRead && r != Role::kWrite) return false;
  }
  return s.kind != OpKind::kJoin;
}

bool DporStrategy::same_step(const Step& a, const Step& b) {
  return a.thread == b.thread && a.kind == b.kind && a.joined == b.joined &&
         a.access.object == b.access.object && a.access.role == b.access.role;
}

bool DporStrategy::depends(const Step& first, const Step& second) {
  return first.thread == second.thread || related(first.access, second.access, kDependent) ||
         (second.kind == OpKind::kJoin && second.joined == first.thread) ||
         (first.kind == OpKind::kJoin && first.joined == second.thread);
}

DporStrategy::DporStrategy() = default;

bool DporStrategy::begin_execution() {
  depth_ = 0;
  skipped_ = false;
  part_decided_ = false;
  plans_.free_list(pending_);
  pending_ = -1;
  if (!error().empty()) return false;
  if (!started_) {
    started_ = true;
    first_new_ = 0;
    next_sleep_ = ThreadSet();
    next_asleep_.clear();
    if (shared_ != nullptr) {
      bool first;
      {
        std::lock_guard<std::mutex> lock(shared_->mutex_);
        first = !shared_->root_taken_;
        shared_->root_taken_ = true;
      }
      if (!first) {
        if (take_shared_branch()) return true;
        finished_ = true;
        return false;
      }
    }
    return true;
  }
  // Backtrack to the deepest state with an outcome or a planned branch still
  // to explore. (A worker's shared states are not backtracked over: planned
  // branches there are any worker's to take.)
  while (path_.size() > shared_path_.size()) {
    Node& n = path_.back();
    if (take_next_outcome()) return true;
    if (n.top) {
      // A top state of a sharded search: its next awake thread.
      const ThreadId t = top_branches_left(n).lowest();
      if (t != kNoThread) {
        n.chosen = t;
        n.bounded = false;
        n.outcomes = n.outcome = n.first_outcome = 0;
        n.done.insert(t);
        following_plan_ = false;
        first_new_ = path_.size() - 1;
        restore_prefix_state();
        return true;
      }
    }
    while (n.wakeup != -1) {
      const WakeupNode w = plans_.take_first(n.wakeup);
      const ThreadId t = w.thread;
      if (!n.enabled.contains(t) || n.done.contains(t) || n.sleep.contains(t)) {
        ++unrunnable_plans_;
        plans_.free_list(w.first_child);
        continue;
      }
      n.chosen = t;
      n.bounded = false;
      n.outcomes = n.outcome = 0;
      n.first_outcome = w.outcome;
      n.done.insert(t);
      planned_step_ = plans_.planned(w);
      following_plan_ = true;
      pending_ = w.first_child;
      first_new_ = path_.size() - 1;
      restore_prefix_state();
      return true;
    }
    asleep_.resize(n.asleep_begin);
    path_.pop_back();
  }
  if (shared_ != nullptr) {
    // This worker's branch starts at its last shared state: the branch's
    // step's other outcomes are this worker's too.
    if (!path_.empty() && take_next_outcome()) return true;
    if (take_shared_branch()) return true;
  }
  finished_ = true;
  return false;
}

bool DporStrategy::take_next_outcome() {
  Node& n = path_.back();
  if (n.outcome + 1 >= n.outcomes) return false;
  // The same step, its next outcome: a fresh subtree under it.
  ++n.outcome;
  asleep_.pop_back();  // the step's own entry, which it records again
  following_plan_ = false;
  first_new_ = path_.size() - 1;
  restore_prefix_state();
  return true;
}

ThreadSet DporStrategy::top_branches_left(const Node& n) {
  ThreadSet left = n.enabled;
  left.erase_all(n.sleep);
  left.erase_all(n.done);
  return left;
}

bool DporStrategy::take_top_path() {
  return static_cast<int>(top_paths_++ % static_cast<uint64_t>(shard_count_)) == shard_index_;
}

void DporStrategy::end_execution() {
  // An execution that ended among the top states: a top path of its own.
  if (shard_count_ > 1 && !part_decided_ && (path_.empty() || path_.back().top)) {
    skipped_ = !take_top_path();
  }
}

std::optional<double> DporStrategy::covered_fraction() const {
  if (finished_) return 1.0;
  CoveredFraction fraction;
  for (const Node& n : path_) {
    int planned = 0;
    for (int w = n.wakeup; w != -1; w = plans_.pool[w].next_sibling) ++planned;
    const int explored = static_cast<int>(n.done.size());
    if (n.top) planned = static_cast<int>(top_branches_left(n).size());
    fraction.add_node(explored + planned, explored - 1);
    if (n.outcomes > 1) fraction.add_node(n.outcomes, n.outcome);
  }
  return fraction.value();
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
    if (!events_.empty() && events_.back().step.kind == OpKind::kSpawn) {
      last_event_[t] = static_cast<int>(events_.size()) - 1;  // spawned by the last step
    } else {
      last_event_[t] = -1;
    }
    known_.insert(t);
    width_ = std::max(width_, t + 1);
  }

  ThreadId chosen = kNoThread;
  if (depth_ < path_.size()) {
    // The node where this execution departs from the previous one.
    Node& n = path_[depth_];
    if (n.enabled != point.runnable) {
      set_not_deterministic(depth_ + 1);
      return kNoThread;
    }
    chosen = n.chosen;
  } else {
    Node n;
    if (shard_count_ > 1 && (depth_ == 0 || path_[depth_ - 1].top)) {
      // Sharded: the top states end at the kShardDepth-th that branches.
      n.top_branchings = depth_ == 0 ? 0 : path_[depth_ - 1].top_branchings;
      n.top = n.top_branchings < kShardDepth;
      if (!n.top) {
        // The first state below the top: the path's part is decided.
        part_decided_ = true;
        skipped_ = !take_top_path();
        if (skipped_) return kNoThread;
      }
    }
    n.enabled = point.runnable;
    n.sleep = next_sleep_;
    n.asleep_begin = static_cast<uint32_t>(asleep_.size());
    asleep_.insert(asleep_.end(), next_asleep_.begin(), next_asleep_.end());
    n.known = known_;
    ThreadSet awake = point.runnable;
    awake.erase_all(n.sleep);
    // Follow the plan, if there is one; its first runnable branch goes now,
    // the others stay planned here.
    while (pending_ != -1 && chosen == kNoThread) {
      const WakeupNode w = plans_.take_first(pending_);
      if (!awake.contains(w.thread)) {
        ++unrunnable_plans_;
        plans_.free_list(w.first_child);
        continue;
      }
      chosen = w.thread;
      planned_step_ = plans_.planned(w);
      following_plan_ = true;
      n.first_outcome = w.outcome;
      n.wakeup = pending_;
      pending_ = w.first_child;
    }
    if (chosen == kNoThread) {
      if (awake.empty()) return kNoThread;  // sleep-set blocked: prune
      chosen = awake.contains(point.current) ? point.current : awake.lowest();
    }
    // A top state takes every awake thread, this one first (the rest in
    // begin_execution()).
    if (n.top && awake.size() > 1) ++n.top_branchings;
    n.done.insert(chosen);
    n.chosen = chosen;
    path_.push_back(n);
  }
  record_step(point, chosen);
  ++depth_;
  return chosen;
}

int DporStrategy::choose(const ChoicePoint& point) {
  Node& n = path_[depth_ - 1];  // the state the choosing step left
  if (n.outcomes == 0) {
    n.outcomes = static_cast<uint8_t>(point.alternatives);  // new: its first outcome
    n.outcome = 0;
    if (n.first_outcome >= n.outcomes) n.first_outcome = 0;
  } else if (n.outcomes != point.alternatives) {
    set_not_deterministic(depth_);
    return -1;
  }
  // The n.outcome-th along first_outcome, then the others ascending.
  int taken = n.first_outcome;
  if (n.outcome > 0) taken = n.outcome - 1 < n.first_outcome ? n.outcome - 1 : n.outcome;
  events_[depth_ - 1].step.outcome = static_cast<uint8_t>(taken);
  return taken;
}

void DporStrategy::restore_prefix_state() {
  // Undo the steps after the prefix, latest first: each knows what it
  // replaced. (Threads that appeared after the prefix are set again when they
  // appear.)
  for (size_t i = events_.size(); i-- > first_new_;) {
    const Event& e = events_[i];
    last_event_[e.step.thread] = e.before_of_thread;
    const Role role = e.step.access.role[0];
    if (role == Role::kRead) {
      last_reads_[last_touch_[e.touch[0]].reads][e.step.thread] = e.previous[0];
      // A futex wait's check: its queue too.
      if (e.step.access.role[1] != Role::kNone) last_touch_[e.touch[1]].step = e.previous[1];
      continue;
    }
    for (int s = 0; s < 2; ++s) {
      if (e.step.access.role[s] != Role::kNone) last_touch_[e.touch[s]].step = e.previous[s];
    }
  }
  events_.resize(first_new_);
  known_ = path_[first_new_].known;
  width_ = known_.empty() ? 0 : 64 - std::countl_zero(known_.bits());
}

const DporStrategy::Clock& DporStrategy::clock_of(ThreadId t) const {
  return last_event_[t] >= 0 ? events_[last_event_[t]].clock : zero_clock_;
}

void DporStrategy::join_into(Clock& into, const Clock& from) const {
  for (int t = 0; t < width_; ++t) into[t] = std::max(into[t], from[t]);
}

void DporStrategy::record_step(const SchedulingPoint& point, ThreadId p) {
  const Operation& op = point.next[p];
  // Built in place (a copied Event temporary stalls on store forwarding),
  // its clock not zeroed first: it is copied whole below.
  const int index = static_cast<int>(events_.size());
  Event& e = events_.emplace_back();
  fill_step(p, op, e.step);
  name_objects(e.step.access);
  e.previous = {-1, -1};
  // A step of a shared state another worker took first (parallel
  // exploration): only its clock is computed again (see below).
  const bool analysed = static_cast<size_t>(index) < analysed_from_;
  if (following_plan_ && !analysed) {
    following_plan_ = false;
    if (!same_step(planned_step_, e.step)) ++mislabelled_plans_;
  }
  // A write on a probed atomic keeps the value it replaces: a compare_exchange
  // that races with it would see that value when placed before it.
  e.knows_value_before = op.probe != nullptr && e.step.access.role[0] == Role::kWrite;
  if (e.knows_value_before) {
    // A compare_exchange that succeeds found `expected` there.
    e.value_before = op.kind == OpKind::kCompareExchange ? op.probe->expected
                                                         : op.probe->current(op.object);
  }
  later_probe_ = op.kind == OpKind::kCompareExchange ? op.probe : nullptr;
  e.before_of_thread = last_event_[p];
  e.clock = clock_of(p);
  if (op.kind == OpKind::kJoin && op.joined != kNoThread) {
    join_into(e.clock, clock_of(op.joined));
  }
  // The relock after a wait comes after the notify that woke it, unless the
  // wait was timed (object2: its variable): that relock could also have run
  // before the notify, as a timeout, so the two race.
  if (op.waker_step >= 0 && op.waker_step < index && op.object2 == nullptr) {
    join_into(e.clock, events_[op.waker_step].clock);
  }
  // A thread held as a spin (or after a yield) until step `woken_by_` comes
  // after it, and could not have come before: ordered, not a race.
  woken_by_ = point.spin_waker != nullptr ? point.spin_waker[p] : -1;
  if (woken_by_ >= index) woken_by_ = -1;
  if (woken_by_ >= 0) join_into(e.clock, events_[woken_by_].clock);

  // The sleep set of the state after this step: threads asleep here, or
  // explored first from here before, whose next step is independent of it.
  // (The state is the deepest one: its entries run to the end of asleep_.)
  // Not for a step another worker analysed (a shared state's), whose next
  // state is shared too.
  if (!analysed) {
    const Node& n = path_[depth_];
    next_sleep_ = ThreadSet();
    next_asleep_.clear();
    for (size_t i = n.asleep_begin; i < asleep_.size(); ++i) {
      const Step& s = asleep_[i];
      if (!depends(s, e.step)) {
        next_sleep_.insert(s.thread);
        next_asleep_.push_back(s);
      }
    }
    asleep_.push_back(e.step);  // p is explored first from here
    asleep_.back().distant = n.top || n.bounded;
  }

  // Happens-before: dependent earlier steps of other threads, latest first.
  // One not yet ordered before this step by what came after it, that could
  // have come second, is a race.
  races_.clear();
  const Role role = e.step.access.role[0];
  if (role == Role::kRead || role == Role::kWrite) {
    record_variable_access(e, index);
    // A futex wait's check also joins its queue's waiters.
    if (e.step.access.role[1] != Role::kNone) record_chain_access(e, index, 1);
  } else {
    record_chain_access(e, index);
  }
  last_event_[p] = index;
  if (analysed) return;  // its races were planned when it was first taken
  for (size_t k : races_) reverse_race(k);
}

void DporStrategy::consider(Event& e, int k) {
  const Event& earlier = events_[k];
  const ThreadId tk = earlier.step.thread;
  if (tk != e.step.thread && earlier.clock[tk] > e.clock[tk] &&
      reversible(earlier.step.access, e.step.access)) {
    races_.push_back(static_cast<size_t>(k));
  }
  join_into(e.clock, earlier.clock);
}

void DporStrategy::record_variable_access(Event& e, int index) {
  // A read depends only on writes, and the latest write happens before every
  // earlier one. A write depends on everything, and each thread's latest read
  // since the latest write happens after that thread's earlier reads and after
  // the write. So these few steps, latest first, are all there is to look at.
  const ThreadId p = e.step.thread;
  e.touch[0] = last_touch(e.step.access.object[0]);
  LastTouch& touch = last_touch_[e.touch[0]];
  std::array<int, kMaxThreads>& reads = last_reads_[touch.reads];
  if (e.step.access.role[0] == Role::kRead) {
    e.previous[0] = reads[p];
    reads[p] = index;
    if (touch.step >= 0 && touch.step != woken_by_) consider(e, touch.step);
  } else {
    // The reads since the latest write, latest first (insertion sort: few).
    std::array<int, kMaxThreads> since;
    int n = 0;
    for (ThreadId t = 0; t < width_; ++t) {
      const int r = reads[t];
      if (r <= touch.step) continue;
      int i = n++;
      for (; i > 0 && since[i - 1] < r; --i) since[i] = since[i - 1];
      since[i] = r;
    }
    for (int i = 0; i < n; ++i) consider(e, since[i]);
    if (touch.step >= 0 && touch.step != woken_by_) consider(e, touch.step);
    e.previous[0] = touch.step;
    touch.step = index;
  }
  ++e.clock[p];
  later_clock_ = &e.clock;
}

void DporStrategy::record_chain_access(Event& e, int index, int first) {
  // Along the chains of steps on this step's objects (mutexes, condition
  // variables), latest first, until a step covers the rest.
  const ThreadId p = e.step.thread;
  std::array<int, 2> cursor{-1, -1};
  for (int s = first; s < 2; ++s) {
    if (e.step.access.role[s] == Role::kNone) continue;
    e.touch[s] = last_touch(e.step.access.object[s]);
    LastTouch& touch = last_touch_[e.touch[s]];
    cursor[s] = e.previous[s] = touch.step;
    touch.step = index;
  }
  // An unlock the lock being recorded waited for orders the two, but must
  // not hide the race between the two locks: its clock joins after the walk.
  int released_by = -1;
  for (;;) {
    const int k = std::max(cursor[0], cursor[1]);
    if (k < 0) break;
    const Event& earlier = events_[k];
    if (e.step.access.role[0] == Role::kAcquire && e.step.access.role[1] == Role::kNone &&
        role_on(earlier, e.step.access.object[0]) == Role::kRelease) {
      released_by = k;
      cursor[0] = previous_on(k, e.step.access.object[0]);
      continue;
    }
    for (int s = 0; s < 2; ++s) {
      if (cursor[s] != k) continue;
      // Once a step dependent with this one and with everything this one
      // depends on is passed, every earlier dependent step on the object
      // happens before it: the rest of the chain is covered by its clock.
      const Role theirs = role_on(earlier, e.step.access.object[s]);
      const uint32_t ours = kDependent[static_cast<unsigned>(e.step.access.role[s])];
      const bool covers = (ours & bit(theirs)) != 0 &&
                          (ours & ~kDependent[static_cast<unsigned>(theirs)]) == 0;
      cursor[s] = covers ? -1 : previous_on(k, e.step.access.object[s]);
    }
    if (!related(earlier.step.access, e.step.access, kDependent)) continue;
    consider(e, k);
  }
  if (first > 0) return;  // record_variable_access() has counted the step
  ++e.clock[p];
  // Reversing a race moves this step before the earlier one, and so before
  // the unlock it waited for: its wakeup sequences use the clock without it.
  later_clock_ = &e.clock;
  if (released_by >= 0) {
    if (!races_.empty()) {
      race_clock_ = e.clock;
      later_clock_ = &race_clock_;
    }
    join_into(e.clock, events_[released_by].clock);
  }
}

uint32_t DporStrategy::last_touch(const void* object) {
  for (size_t i = 0; i < last_touch_.size(); ++i) {
    if (last_touch_[i].object == object) return static_cast<uint32_t>(i);
  }
  last_touch_.push_back(LastTouch{object, -1, static_cast<uint32_t>(last_reads_.size())});
  last_reads_.emplace_back().fill(-1);
  return static_cast<uint32_t>(last_touch_.size() - 1);
}

DporStrategy::Role DporStrategy::role_on(const Event& e, const void* object) {
  const Access& a = e.step.access;
  return a.role[0] != Role::kNone && a.object[0] == object ? a.role[0] : a.role[1];
}

int DporStrategy::previous_on(size_t k, const void* object) const {
  const Event& e = events_[k];
  const Access& a = e.step.access;
  return a.role[0] != Role::kNone && a.object[0] == object ? e.previous[0] : e.previous[1];
}

void DporStrategy::reverse_race(size_t k) {
  // A top state of a sharded search takes every thread anyway.
  if (path_[k].top) return;
  const Event& earlier = events_[k];
  const ThreadId tk = earlier.step.thread;
  const uint32_t mark = earlier.clock[tk];
  const int later = static_cast<int>(events_.size()) - 1;

  // The later step as it would be placed before `earlier`. Only a
  // compare_exchange can change: if `earlier` writes its location, it sees
  // the value `earlier` replaced (no other write lies between two racing
  // steps on one location); else it sees what it sees now (see dpor.h).
  later_in_sequence_ = events_[later].step;
  if (later_probe_ != nullptr) {
    const Role earlier_role = role_on(earlier, later_in_sequence_.access.object[0]);
    if (earlier_role == Role::kWrite) {
      later_in_sequence_.access.role[0] =
          !earlier.knows_value_before || earlier.value_before == later_probe_->expected
              ? Role::kWrite
              : Role::kRead;
    }
  }

  // The wakeup sequence: the steps between the two that do not happen after
  // `earlier`, in order, then the later step.
  sequence_.clear();
  for (int j = static_cast<int>(k) + 1; j < later; ++j) {
    if (events_[j].clock[tk] < mark) sequence_.push_back(j);
  }
  sequence_.push_back(later);
  consumed_.assign(sequence_.size(), 0);
  next_of_thread_.resize(sequence_.size());
  threads_left_ = ThreadSet();
  first_left_.fill(-1);
  for (int i = static_cast<int>(sequence_.size()) - 1; i >= 0; --i) {
    const ThreadId t = events_[sequence_[i]].step.thread;
    next_of_thread_[i] = first_left_[t];
    first_left_[t] = i;
    threads_left_.insert(t);
  }
  // What the sequence touches, to decide most dependences at once.
  sequence_objects_.clear();
  sequence_joins_ = ThreadSet();
  sequence_threads_ = threads_left_;
  weak_cover_allowed_ = true;
  for (size_t i = 0; i < sequence_.size(); ++i) {
    const Step& step = step_in_sequence(i);
    if (step.kind == OpKind::kJoin && step.joined != kNoThread) sequence_joins_.insert(step.joined);
    if (!on_variables(step)) weak_cover_allowed_ = false;
    for (int r = 0; r < 2; ++r) {
      if (step.access.role[r] == Role::kNone) continue;
      ObjectRoles* entry = nullptr;
      for (ObjectRoles& o : sequence_objects_) {
        if (o.object == step.access.object[r]) entry = &o;
      }
      if (entry == nullptr) {
        entry = &sequence_objects_.emplace_back();
        entry->object = step.access.object[r];
        entry->left.fill(0);
      }
      ++entry->left[static_cast<unsigned>(step.access.role[r])];
    }
  }

  Planned how;
  if (k < shared_path_.size()) {
    how = insert_shared(k);
  } else {
    Node& node = path_[k];
    const size_t asleep_end = path_[k + 1].asleep_begin;
    how = insert_sequence(plans_, node.wakeup,
                          std::span<const Step>(asleep_.data() + node.asleep_begin,
                                                asleep_end - node.asleep_begin),
                          node.chosen);
  }
  if (how != Planned::kWhole) mark_bounded(k, how);
}

void DporStrategy::mark_bounded(size_t depth, Planned how) {
  // Algorithm 2 lets a sleeper cover a sequence it is merely independent of
  // because races in the sleeper's branch planned, whole, what the
  // sequence's continuations need, anywhere in that branch's subtree. A
  // bounded plan breaks that for every branch the race was found in: the
  // branches taken at `depth` and above (the states above a marked one are
  // marked already). A dropped plan was relied on by the races that planned
  // it, found in branches taken here or above before, asleep now.
  const size_t floor = shared_path_.size();
  if (how == Planned::kPlanDropped) {
    for (Step& s : asleep_) s.distant = true;
  }
  for (size_t i = depth + 1; i-- > floor;) {
    Node& n = path_[i];
    if (n.bounded && how == Planned::kBounded) return;
    n.bounded = true;
    // The entry of the state's chosen thread ends the state's entries (the
    // state is not the deepest: a later step found the race).
    asleep_[path_[i + 1].asleep_begin - 1].distant = true;
  }
  if (floor == 0) return;
  std::lock_guard<std::mutex> lock(shared_->mutex_);
  for (size_t i = std::min(depth, floor - 1) + 1; i-- > 0;) {
    for (Step& s : shared_path_[i]->asleep) {
      if (how == Planned::kPlanDropped || s.thread == path_[i].chosen) s.distant = true;
    }
  }
}

bool DporStrategy::covered_by_sleepers(std::span<const Step> asleep, ThreadId own,
                                       bool all_distant) const {
  // A sleeper that could go first in the sequence covers it: its branch
  // explores every trace that starts with it. Algorithm 2 also lets one
  // that is merely independent of the whole sequence cover it (a weak
  // initial not in it), because races found in that sleeper's branch plan
  // what the sequence's continuations need with the sleeper later. That
  // rule is kept only where it holds here:
  // - not for a distant sleeper (Step::distant), whose branch's plans do not
  //   reach this subtree (dpor.h, "Sharding", "Parallel exploration" and
  //   "Bounded memory"), nor for any sleeper at a state whose plans are
  //   bounded (all_distant);
  // - not when the sleeper's step or a step of the sequence is on a mutex
  //   or condition variable, or joins (on_variables(), weak_cover_allowed_):
  //   a lock's race is reversed against the lock before it, not against
  //   the unlock that orders them, and with the rule, traces whose
  //   continuation put such a sleeper after a critical section were lost
  //   (random programs of four threads with two critical sections on one
  //   mutex: 8 of 102 traces, 18 of 785, 4 of 203; tests/dpor_test.cc).
  const bool weak = !all_distant && weak_cover_allowed_;
  for (const Step& s : asleep) {
    if (s.thread == own) continue;
    if (first_left_[s.thread] == -1 && (!weak || s.distant || !on_variables(s))) continue;
    if (weak_initial(s)) return true;
  }
  return false;
}

DporStrategy::Planned DporStrategy::plan_first_step(WakeupStore& store, int& head,
                                                    std::span<const Step> asleep, ThreadId own) {
  if (covered_by_sleepers(asleep, own, true)) return Planned::kWhole;
  int last = -1;
  for (int w = head; w != -1; w = store.pool[w].next_sibling) {
    const Step step = store.planned(store.pool[w]);
    if (first_left_[step.thread] == -1 || !weak_initial(step)) {
      last = w;
      continue;
    }
    // A planned branch that could go first covers the sequence as a
    // source set does: only if it is explored with no plan, so that its
    // own races lead to the sequence's continuations (keeping its plan
    // lost 9 of lastzero(9)'s 1,536 traces). Its plan is dropped.
    ++bounded_plans_;
    WakeupNode& branch = store.pool[w];
    if (branch.first_child == -1) return Planned::kBounded;
    store.free_list(branch.first_child);
    branch.first_child = -1;
    branch.rest_left_out = true;
    return Planned::kPlanDropped;
  }
  const int n = store.add(step_in_sequence(0));
  store.pool[n].rest_left_out = true;
  if (last == -1) {
    head = n;
  } else {
    store.pool[last].next_sibling = n;
  }
  ++bounded_plans_;
  return Planned::kBounded;
}

DporStrategy::Planned DporStrategy::insert_sequence(WakeupStore& store, int& head,
                                                    std::span<const Step> asleep, ThreadId own) {
  if (store.in_use >= plan_limit_) [[unlikely]] return plan_first_step(store, head, asleep, own);
  if (covered_by_sleepers(asleep, own, false)) return Planned::kWhole;

  // Walk the planned branches: follow the first one whose step could go
  // first in what is left; a plan that reaches a leaf covers the sequence
  // (but for a bounded plan's first step, under which what is left goes).
  // Where no branch matches, what is left becomes a new last branch. (The
  // branch being explored, `own`, never matches: its step is the earlier
  // step of the race, which the later step depends on.)
  int parent = -1;  // -1: the state's own list of branches
  int last = -1;    // the last sibling visited in the current list
  int child = head;
  while (child != -1) {
    const Step step = store.planned(store.pool[child]);
    if (!weak_initial(step)) {
      last = child;
      child = store.pool[child].next_sibling;
      continue;
    }
    consume(step.thread);
    if (threads_left_.empty()) return Planned::kWhole;  // covered
    const WakeupNode& matched = store.pool[child];
    if (matched.first_child == -1 && !matched.rest_left_out) return Planned::kWhole;  // a leaf covers
    parent = child;
    last = -1;
    child = matched.first_child;
  }
  int first = -1;
  int tail = -1;
  for (size_t i = 0; i < sequence_.size(); ++i) {
    if (consumed_[i]) continue;
    const int n = store.add(step_in_sequence(i));
    if (tail == -1) {
      first = n;
    } else {
      store.pool[tail].first_child = n;
    }
    tail = n;
  }
  if (last != -1) {
    store.pool[last].next_sibling = first;
  } else if (parent != -1) {
    store.pool[parent].first_child = first;
  } else {
    head = first;
  }
  return Planned::kWhole;
}

void DporStrategy::name_objects(Access& access) const {
  for (const void*& object : access.object) {
    const uintptr_t offset = reinterpret_cast<uintptr_t>(object) - instance_begin_;
    if (offset < instance_size_ && object != nullptr) {
      object = reinterpret_cast<const void*>(offset | kOffsetName);
    } else if (object != nullptr && shared_ != nullptr) [[unlikely]] {
      shared_->unnamed_.store(true, std::memory_order_relaxed);
    }
  }
}

bool DporStrategy::weak_initial(const Step& s) const {
  const int first = first_left_[s.thread];
  if (first != -1) {
    // s's thread has steps left: its first must have no predecessor left.
    const Clock& c = clock_in_sequence(first);
    ThreadSet others = threads_left_;
    others.erase(s.thread);
    for (ThreadId t = others.lowest(); t != kNoThread; t = others.next_after(t)) {
      if (clock_in_sequence(first_left_[t])[t] <= c[t]) return false;
    }
    return true;
  }
  // Otherwise s must be independent of every step left. Joins are rare:
  // with one involved, check step by step.
  if (sequence_joins_.contains(s.thread) ||
      (s.kind == OpKind::kJoin && s.joined != kNoThread && sequence_threads_.contains(s.joined))) {
    for (size_t i = 0; i < sequence_.size(); ++i) {
      if (!consumed_[i] && depends(s, step_in_sequence(i))) return false;
    }
    return true;
  }
  // Else only the accesses matter: the roles left on s's objects.
  for (int r = 0; r < 2; ++r) {
    if (s.access.role[r] == Role::kNone) continue;
    const uint32_t dependent = kDependent[static_cast<unsigned>(s.access.role[r])];
    for (const ObjectRoles& o : sequence_objects_) {
      if (o.object != s.access.object[r]) continue;
      for (unsigned role = 0; role < o.left.size(); ++role) {
        if (o.left[role] != 0 && (dependent & (1u << role)) != 0) return false;
      }
    }
  }
  return true;
}

const DporStrategy::Step& DporStrategy::step_in_sequence(size_t position) const {
  return position + 1 == sequence_.size() ? later_in_sequence_ : events_[sequence_[position]].step;
}

const DporStrategy::Clock& DporStrategy::clock_in_sequence(int position) const {
  return position + 1 == static_cast<int>(sequence_.size()) ? *later_clock_
                                                             : events_[sequence_[position]].clock;
}

void DporStrategy::consume(ThreadId t) {
  const int first = first_left_[t];
  if (first == -1) return;
  consumed_[first] = 1;
  const Access& a = step_in_sequence(first).access;
  for (int r = 0; r < 2; ++r) {
    if (a.role[r] == Role::kNone) continue;
    for (ObjectRoles& o : sequence_objects_) {
      if (o.object == a.object[r]) --o.left[static_cast<unsigned>(a.role[r])];
    }
  }
  first_left_[t] = next_of_thread_[first];
  if (first_left_[t] == -1) threads_left_.erase(t);
}

// --- Parallel exploration ---

void DporStrategy::SharedTree::halt() {
  std::lock_guard<std::mutex> lock(mutex_);
  over_ = true;
  wake_.notify_all();
}

size_t DporStrategy::SharedTree::states() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return states_.size();
}

void DporStrategy::SharedTree::note_work(State* s) {
  if (s->wakeup != -1) {
    if (with_work_.emplace(s->depth, s).second) wake_.notify_one();
  } else {
    with_work_.erase({s->depth, s});
  }
  with_work_count_.store(with_work_.size(), std::memory_order_relaxed);
}

void DporStrategy::reset_analysis() {
  events_.clear();
  for (LastTouch& t : last_touch_) t.step = -1;
  for (auto& reads : last_reads_) reads.fill(-1);
  last_event_.fill(-1);
  known_ = ThreadSet();
  width_ = 0;
}

bool DporStrategy::take_shared_branch() {
  SharedTree& tree = *shared_;
  std::unique_lock<std::mutex> lock(tree.mutex_);
  SharedTree::State* state = nullptr;
  WakeupNode w;
  while (state == nullptr) {
    if (tree.over_) return false;
    if (tree.with_work_.empty()) {
      if (++tree.idle_ == tree.workers_) {  // nobody busy: nothing will be planned
        tree.over_ = true;
        tree.wake_.notify_all();
        return false;
      }
      tree.hungry_.fetch_add(1, std::memory_order_relaxed);
      tree.wake_.wait(lock, [&] { return !tree.with_work_.empty() || tree.over_; });
      tree.hungry_.fetch_sub(1, std::memory_order_relaxed);
      --tree.idle_;
      continue;
    }
    SharedTree::State* s = tree.with_work_.begin()->second;
    w = tree.store_.take_first(s->wakeup);
    tree.note_work(s);
    if (!s->enabled.contains(w.thread) || s->done.contains(w.thread) ||
        s->sleep.contains(w.thread)) {
      ++unrunnable_plans_;
      tree.store_.free_list(w.first_child);
      continue;
    }
    state = s;
  }
  // The path down to the state, then its new branch: the shared states'
  // choices, replayed; their steps' sleep sets and races are the states'.
  shared_path_.clear();
  for (SharedTree::State* s = state; s != nullptr; s = s->parent) shared_path_.push_back(s);
  std::reverse(shared_path_.begin(), shared_path_.end());
  path_.clear();
  for (size_t i = 0; i < shared_path_.size(); ++i) {
    const SharedTree::State& s = *shared_path_[i];
    Node n;
    n.enabled = s.enabled;
    n.sleep = s.sleep;
    n.known = s.known;
    n.asleep_begin = 0;
    if (i + 1 < shared_path_.size()) {
      const SharedTree::State& next = *shared_path_[i + 1];
      n.chosen = next.via;
      n.outcomes = next.via_outcomes;
      n.outcome = next.via_outcome;
      n.first_outcome = next.via_first_outcome;
    } else {
      n.chosen = w.thread;
      n.first_outcome = w.outcome;
      n.done = s.done;
      n.done.insert(w.thread);
    }
    path_.push_back(n);
  }
  // The branch's sleepers: the state's asleep threads and the branches taken
  // there before it, by this worker or another. Distant: what their
  // branches plan stays at the shared states (see insert_shared()).
  asleep_ = state->asleep;
  for (Step& s : asleep_) s.distant = true;
  planned_step_ = tree.store_.planned(w);
  state->done.insert(w.thread);
  state->asleep.push_back(planned_step_);
  plans_.free_list(pending_);
  pending_ = plans_.copy(tree.store_, w.first_child);
  tree.store_.free_list(w.first_child);  // copied into pending_
  lock.unlock();

  following_plan_ = true;
  ++branches_taken_;
  reset_analysis();
  first_new_ = 0;
  analysed_from_ = path_.size() - 1;
  return true;
}

DporStrategy::Planned DporStrategy::insert_shared(size_t depth) {
  SharedTree& tree = *shared_;
  std::lock_guard<std::mutex> lock(tree.mutex_);
  SharedTree::State* state = shared_path_[depth];
  const ThreadId own = path_[depth].chosen;
  // The state's sleepers and the branches taken there, before or after
  // this worker's, cover the sequence. (In the sequential search a branch
  // taken after it was still planned when this sequence was found, and the
  // sequence would have gone into its plan. Its worker does without: the
  // sleepers of a branch taken from a shared state are distant, so its
  // exploration reaches every trace that starts with its step and with no
  // thread asleep there, whatever it was given to start with.)
  const bool had_work = state->wakeup != -1;
  const Planned how = insert_sequence(tree.store_, state->wakeup, state->asleep, own);
  if (!had_work && state->wakeup != -1) tree.note_work(state);
  return how;
}

void DporStrategy::offer_work() {
  SharedTree& tree = *shared_;
  if (tree.hungry_.load(std::memory_order_relaxed) == 0 ||
      tree.with_work_count_.load(std::memory_order_relaxed) != 0 || tree.unnamed_object()) {
    return;
  }
  // The shallowest of this worker's own states with planned branches; the
  // ones above it cannot be backtracked once shared, so none may have
  // outcomes left.
  const size_t floor = shared_path_.size();
  size_t top = floor;
  while (top < path_.size() && path_[top].wakeup == -1) {
    if (path_[top].outcome + 1 < path_[top].outcomes) return;
    ++top;
  }
  if (top == path_.size()) return;
  std::lock_guard<std::mutex> lock(tree.mutex_);
  SharedTree::State* parent = floor > 0 ? shared_path_[floor - 1] : nullptr;
  for (size_t i = floor; i <= top; ++i) {
    auto state = std::make_unique<SharedTree::State>();
    state->parent = parent;
    state->depth = static_cast<uint32_t>(i);
    if (i > 0) {
      const Node& up = path_[i - 1];
      state->via = up.chosen;
      state->via_outcomes = up.outcomes;
      state->via_outcome = up.outcome;
      state->via_first_outcome = up.first_outcome;
    }
    Node& n = path_[i];
    state->enabled = n.enabled;
    state->sleep = n.sleep;
    state->done = n.done;
    state->known = n.known;
    const size_t end = i + 1 < path_.size() ? path_[i + 1].asleep_begin : asleep_.size();
    state->asleep.assign(asleep_.begin() + n.asleep_begin, asleep_.begin() + end);
    state->wakeup = tree.store_.copy(plans_, n.wakeup);
    plans_.free_list(n.wakeup);
    n.wakeup = -1;
    parent = state.get();
    shared_path_.push_back(state.get());
    tree.states_.push_back(std::move(state));
    tree.note_work(parent);
  }
}

int DporStrategy::WakeupStore::add(const Step& step) {
  int n;
  if (free != -1) {
    n = free;
    free = pool[n].next_sibling;
  } else {
    n = static_cast<int>(pool.size());
    pool.emplace_back();
  }
  const auto [it, added] = index.try_emplace(step.access, static_cast<uint32_t>(accesses.size()));
  if (added) accesses.push_back(step.access);
  WakeupNode& w = pool[n];
  w.access = it->second;
  w.thread = static_cast<int8_t>(step.thread);
  w.joined = static_cast<int8_t>(step.joined);
  w.kind = step.kind;
  w.outcome = step.outcome;
  w.rest_left_out = false;
  w.first_child = w.next_sibling = -1;
  ++in_use;
  return n;
}

DporStrategy::Step DporStrategy::WakeupStore::planned(const WakeupNode& w) const {
  Step step;
  step.thread = w.thread;
  step.kind = w.kind;
  step.joined = w.joined;
  step.access = accesses[w.access];
  step.outcome = w.outcome;
  return step;
}

size_t DporStrategy::AccessHash::operator()(const Access& a) const {
  const auto word = [](const void* p) { return reinterpret_cast<uintptr_t>(p); };
  return std::hash<uintptr_t>()(word(a.object[0]) * 31 + word(a.object[1])) ^
         (static_cast<size_t>(a.role[0]) << 3 | static_cast<size_t>(a.role[1]));
}

DporStrategy::WakeupNode DporStrategy::WakeupStore::take_first(int& list) {
  const int first = list;
  const WakeupNode w = pool[first];
  list = w.next_sibling;
  pool[first].first_child = -1;
  pool[first].next_sibling = -1;
  free_list(first);
  return w;
}

void DporStrategy::WakeupStore::free_list(int head) {
  // Iterative: move each node's children into the list being freed.
  while (head != -1) {
    WakeupNode& w = pool[head];
    int next = w.next_sibling;
    if (w.first_child != -1) {
      int c = w.first_child;
      while (pool[c].next_sibling != -1) c = pool[c].next_sibling;
      pool[c].next_sibling = next;
      next = w.first_child;
    }
    w.first_child = -1;
    w.next_sibling = free;
    free = head;
    --in_use;
    head = next;
  }
}

int DporStrategy::WakeupStore::copy(const WakeupStore& from, int head) {
  int first = -1, previous = -1;
  for (int w = head; w != -1; w = from.pool[w].next_sibling) {
    const int n = add(from.planned(from.pool[w]));
    pool[n].rest_left_out = from.pool[w].rest_left_out;
    const int children = copy(from, from.pool[w].first_child);  // plans are short
    pool[n].first_child = children;
    if (previous == -1) {
      first = n;
    } else {
      pool[previous].next_sibling = n;
    }
    previous = n;
  }
  return first;
}

}  // namespace interleave
