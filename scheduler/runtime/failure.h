// Why an execution failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler/runtime/operation.h"
#include "scheduler/runtime/thread_set.h"

namespace interleave {

enum class FailureKind {
  kCheck,      // a check() in a thread body failed
  kInvariant,  // the model's final invariant failed
  kDeadlock,   // live threads remain and none can run
  kLivelock,   // live threads remain, none can run, and some are held as spins (spin_window.h)
  kStepBound,  // the execution exceeded its step bound: possible livelock
  kException,  // an exception escaped a thread body (or a noexcept function)
  kCrash,      // the model crashed: a fatal signal or a stack overflow (crash.h)
  kStuck,      // model code ran past the watchdog's limit without a visible operation
  kDataRace,   // two conflicting plain accesses unordered by happens-before
};

std::string_view failure_kind_name(FailureKind kind);

struct Failure {
  FailureKind kind = FailureKind::kCheck;
  // What broke, in the model's words: "lost update: counter == 1, expected 2".
  std::string message;
  // The thread that failed; kNoThread for invariants and deadlocks.
  ThreadId thread = kNoThread;
  // Where the failing check is written; default-constructed (line 0) when
  // the failure has no source location (deadlock, step bound, exception).
  std::source_location location;
  // Steps performed before the failure.
  size_t step = 0;
  // For a deadlock or livelock: each blocked (or held) thread and the
  // operation it waits to perform.
  std::vector<TraceStep> blocked;
  // For a crash: the signal (SIGSEGV, ...) and the address of the faulting
  // instruction. The message names the step, which shrinking changes, so two
  // crashes are the same bug when thread, signal and instruction agree. The
  // instruction's address is stable within one process only; it is never
  // shown. 0 otherwise.
  int signal = 0;
  uintptr_t fault_pc = 0;
  // For a data race: the earlier of the two accesses, as its trace index
  // (0-based) and what it did. The later access is the failing step (the
  // trace's last, by `thread` at `location`); -1 otherwise.
  long racing_step = -1;
  TraceStep racing_access;

  // Two failures are "the same bug" when kind, message and place agree (for
  // a data race: both accesses' threads, kinds and places, not their steps).
  bool same_as(const Failure& other) const;
};

}  // namespace interleave
