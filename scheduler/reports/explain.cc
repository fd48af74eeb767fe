#include "scheduler/reports/explain.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scheduler/strategies/dpor.h"

namespace interleave {

namespace {

using Role = DporStrategy::Role;

// The (object, role) of a plain shared-memory access, or nullptr for others.
const void* memory_object(const TraceStep& s, Role* role) {
  DporStrategy::Access a = DporStrategy::access_of(s.op);
  if (a.object[0] == nullptr) return nullptr;
  if (a.role[0] != Role::kRead && a.role[0] != Role::kWrite) return nullptr;
  *role = a.role[0];
  return a.object[0];
}

std::string value_of(const TraceStep& s) {
  if (s.has_written) return fmt::format("{}", s.written);
  if (s.has_read) return fmt::format("{}", s.read);
  return "?";
}

bool conflicts(const TraceStep& a, const TraceStep& b) {
  return DporStrategy::conflict(DporStrategy::access_of(a.op), DporStrategy::access_of(b.op));
}

// Rule 1: a thread accesses an object again after another thread wrote it
// since the thread's read.
struct ForeignWrite {
  size_t write = 0;
  long writer_read = -1;  // the writer's own last read of the object, or -1
};
struct Stale {
  ThreadId thread = kNoThread;
  size_t read = 0;
  std::vector<ForeignWrite> writes;
  size_t again = 0;
  bool again_writes = false;
};

std::vector<Stale> stale_accesses(const std::vector<TraceStep>& trace) {
  struct State {
    long pending_read = -1;  // last read since the thread's own last write
    std::vector<ForeignWrite> foreign;
  };
  std::map<std::pair<const void*, ThreadId>, State> state;
  std::vector<Stale> found;
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceStep& s = trace[i];
    Role role{};
    const void* object = memory_object(s, &role);
    if (object == nullptr) continue;
    State& mine = state[{object, s.thread}];
    if (mine.pending_read >= 0 && !mine.foreign.empty()) {
      found.push_back({s.thread, static_cast<size_t>(mine.pending_read), mine.foreign, i,
                       role == Role::kWrite});
    }
    if (role == Role::kWrite) {
      for (auto& [key, other] : state) {
        if (key.first != object || key.second == s.thread || other.pending_read < 0) continue;
        if (!conflicts(trace[static_cast<size_t>(other.pending_read)], s)) continue;
        other.foreign.push_back({i, mine.pending_read});
      }
      mine = State{};
    } else {
      mine = State{static_cast<long>(i), {}};
    }
  }
  return found;
}

}  // namespace

// Rule 2, for a thread blocked in a condition-variable wait: its wait step,
// and the notifies of that variable that found nobody waiting (lost).
std::string lost_wakeup(const std::vector<TraceStep>& trace, const TraceStep& blocked,
                        std::set<size_t>& key) {
  size_t wait = trace.size();
  for (size_t i = trace.size(); i-- > 0;) {
    if (trace[i].thread == blocked.thread && trace[i].op.kind == OpKind::kWait &&
        trace[i].op.object == blocked.op.object) {
      wait = i;
      break;
    }
  }
  std::vector<std::string> lost;
  for (size_t i = 0; i < trace.size(); ++i) {
    const TraceStep& s = trace[i];
    const bool notify = s.op.kind == OpKind::kNotify || s.op.kind == OpKind::kNotifyAll;
    if (!notify || s.op.object != blocked.op.object) continue;
    const bool woke_nobody = s.op.kind == OpKind::kNotify ? !s.has_written : s.written == 0;
    if (!woke_nobody) continue;
    key.insert(i);
    lost.push_back(fmt::format("T{} notified at step {} with nobody waiting", s.thread, i + 1));
  }
  std::string story = fmt::format("T{} waits on {}", blocked.thread, blocked.op.name);
  if (wait < trace.size()) {
    key.insert(wait);
    story += fmt::format(" since step {}", wait + 1);
  }
  story += ", and no notify came after";
  if (!lost.empty()) story += fmt::format(" (lost wakeup: {})", fmt::join(lost, ", "));
  return story;
}

Explanation explain(const std::vector<TraceStep>& trace, const Failure* failure) {
  Explanation e;
  e.marks.resize(trace.size());
  for (size_t i = 1; i < trace.size(); ++i) {
    e.marks[i].context_switch = trace[i].thread != trace[i - 1].thread;
  }
  if (failure == nullptr) return e;
  const ThreadId failing = failure->thread;
  std::set<size_t> key;  // 0-based

  // Rule 0: a data race names its two accesses.
  if (failure->kind == FailureKind::kDataRace && failure->racing_step >= 0 && !trace.empty() &&
      static_cast<size_t>(failure->racing_step) < trace.size() - 1) {
    const size_t first = static_cast<size_t>(failure->racing_step), second = trace.size() - 1;
    const TraceStep& a = trace[first];
    const TraceStep& b = trace[second];
    e.marks[first].key = e.marks[second].key = true;
    e.key_steps = {first + 1, second + 1};
    e.summary = fmt::format(
        "data race on {}: T{}'s {} (step {}) and T{}'s {} (step {}); no lock, atomic, spawn, "
        "join or wake-up orders them",
        b.op.name, a.thread, op_name(a.op.kind), first + 1, b.thread, op_name(b.op.kind),
        second + 1);
    return e;
  }

  // Rule 0, continued: a stuck thread. No access explains it; its last step is where it
  // left what the scheduler can see.
  if (failure->kind == FailureKind::kStuck) {
    if (failing == kNoThread) return e;
    for (size_t i = trace.size(); i-- > 0;) {
      if (trace[i].thread != failing) continue;
      e.marks[i].key = true;
      e.key_steps.push_back(i + 1);
      e.summary = fmt::format("T{} never reached a visible operation after its {} of {} (step "
                              "{}): it spins on, or blocks in, something the scheduler cannot see",
                              failing, op_name(trace[i].op.kind), trace[i].op.name, i + 1);
      return e;
    }
    e.summary = fmt::format("T{} never reached its first visible operation", failing);
    return e;
  }

  // Rule 1.
  std::vector<Stale> candidates;
  for (Stale& s : stale_accesses(trace)) {
    if (s.again_writes || s.thread == failing) candidates.push_back(std::move(s));
  }
  if (failing != kNoThread &&
      std::any_of(candidates.begin(), candidates.end(),
                  [&](const Stale& s) { return s.thread == failing; })) {
    std::erase_if(candidates, [&](const Stale& s) { return s.thread != failing; });
  }
  if (!candidates.empty()) {
    const Stale& s = *std::max_element(
        candidates.begin(), candidates.end(),
        [](const Stale& a, const Stale& b) { return a.again < b.again; });
    key.insert(s.read);
    key.insert(s.again);
    std::string story = fmt::format("T{} read {} (step {})", s.thread, value_of(trace[s.read]),
                                    s.read + 1);
    for (const ForeignWrite& w : s.writes) {
      const TraceStep& ws = trace[w.write];
      if (w.writer_read >= 0) {
        size_t r = static_cast<size_t>(w.writer_read);
        if (!key.contains(r)) {
          key.insert(r);
          story += fmt::format(", T{} read {} (step {})", trace[r].thread, value_of(trace[r]),
                               r + 1);
        }
      }
      key.insert(w.write);
      story += fmt::format(", T{} wrote {} (step {})", ws.thread, value_of(ws), w.write + 1);
    }
    const TraceStep& again = trace[s.again];
    const bool read_modify_write = again.op.kind == OpKind::kFetchAdd ||
                                   again.op.kind == OpKind::kExchange ||
                                   again.op.kind == OpKind::kCompareExchange;
    if (s.again_writes && read_modify_write) {
      // The update itself read the current value: nothing was overwritten,
      // but it acted on what the thread had checked before (check-then-act).
      e.summary = fmt::format(
          "stale check on {}: {}, then T{} acted on what it had read with {} {} (step {}): the "
          "value changed between T{}'s check and its update",
          again.op.name, story, s.thread, op_name(again.op.kind),
          again.has_read && again.has_written
              ? fmt::format("{} -> {}", again.read, again.written)
              : value_of(again),
          s.again + 1, s.thread);
    } else if (s.again_writes) {
      e.summary = fmt::format("lost update on {}: {}, then T{} wrote {} (step {}) over it",
                              again.op.name, story, s.thread, value_of(again), s.again + 1);
    } else {
      e.summary = fmt::format(
          "stale check on {}: {}, then T{} read {} (step {}): the value changed between T{}'s "
          "accesses",
          again.op.name, story, s.thread, value_of(again), s.again + 1, s.thread);
    }
  } else if (failure->kind == FailureKind::kDeadlock) {
    // Rule 2.
    std::vector<std::string> parts;
    for (const TraceStep& b : failure->blocked) {
      if (b.op.kind == OpKind::kWait) {
        parts.push_back(lost_wakeup(trace, b, key));
        continue;
      }
      if (b.op.kind != OpKind::kLock) continue;
      for (size_t i = trace.size(); i-- > 0;) {
        const TraceStep& s = trace[i];
        if (s.op.object != b.op.object) continue;
        if (s.op.kind == OpKind::kLock || (s.op.kind == OpKind::kTryLock && s.read != 0)) {
          key.insert(i);
          parts.push_back(fmt::format("T{} waits for {}, which T{} locked at step {}", b.thread,
                                      b.op.name, s.thread, i + 1));
          break;
        }
      }
    }
    if (!parts.empty()) e.summary = fmt::format("deadlock: {}", fmt::join(parts, "; "));
  } else if (failing != kNoThread) {
    // Rule 3.
    for (size_t i = trace.size(); i-- > 0;) {
      if (trace[i].thread != failing || DporStrategy::access_of(trace[i].op).object[0] == nullptr) {
        continue;
      }
      for (size_t j = i; j-- > 0;) {
        if (trace[j].thread != failing && conflicts(trace[j], trace[i])) {
          key.insert(j);
          key.insert(i);
          e.summary = fmt::format("T{}'s {} of {} (step {}) conflicts with T{}'s {} (step {})",
                                  failing, op_name(trace[i].op.kind), trace[i].op.name, i + 1,
                                  trace[j].thread, op_name(trace[j].op.kind), j + 1);
          break;
        }
      }
      break;
    }
  }
  for (size_t k : key) {
    e.marks[k].key = true;
    e.key_steps.push_back(k + 1);
  }
  return e;
}

}  // namespace interleave
