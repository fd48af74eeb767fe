// Why a failing trace fails: which steps are context switches and which
// accesses conflict to cause the failure, for the text, JSON and HTML reports.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scheduler/runtime/failure.h"
#include "scheduler/runtime/operation.h"

namespace interleave {

struct StepMark {
  // The step's thread differs from the previous step's (never the first step).
  bool context_switch = false;
  // One of the conflicting accesses that cause the failure.
  bool key = false;
};

struct Explanation {
  // One mark per trace step, in trace order.
  std::vector<StepMark> marks;
  // The key steps, 1-based as the reports number them, ascending.
  std::vector<size_t> key_steps;
  // One line saying what the key steps do; empty when no rule applied.
  std::string summary;
};

// Explains `trace`; `failure` (may be null: a passing trace) selects the key
// steps. Rules, first that applies:
//
//  0. Data race (FailureKind::kDataRace). Key: the two racing accesses, the
//     failure's racing_step and the trace's last step.
//  0. Stuck (FailureKind::kStuck, see watchdog.h): the stuck thread's last
//     step, after which it never reached a visible operation.
//  1. Stale value (lost update, check-then-act). A thread T reads object X
//     (step a), another thread U then writes X (step w, conflicting with a
//     under DporStrategy::conflict), and T accesses X again (step b) without
//     having written X in between. If b is a write, U's write is lost; if b
//     is a read, T acted on a value that changed under it (counted only when T
//     is the failing thread). Key: a, every such w, the last read of X by U
//     before w since U's own last write of X (the other load that read the
//     same value), and b. Among several instances: those of the failing
//     thread if any, then the one with the latest b.
//  2. Deadlock. For each blocked thread waiting to lock a mutex, the last step
//     that acquired that mutex (lock or successful try_lock); for each thread
//     blocked in a condition-variable wait, its wait step and every notify of
//     that variable that woke nobody (a lost wakeup).
//  3. Otherwise, when the failure names a thread: that thread's last access to
//     a shared object and the last earlier conflicting access by another
//     thread.
//
// No rule applies (no key steps) for a passing trace or when none matches.
Explanation explain(const std::vector<TraceStep>& trace, const Failure* failure);

}  // namespace interleave
