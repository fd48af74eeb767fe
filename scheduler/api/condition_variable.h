// condition_variable and unique_lock.
//
// wait(lock) is two visible operations: "wait" releases the mutex and puts the
// thread to sleep (it is not runnable), and after a notify, "lock" takes the
// mutex back. A notify with nobody waiting is lost, as on real hardware, so a
// missed wakeup shows up as a deadlock naming the condition variable.
//
// As C++ specifies, and explored as the step's alternatives (every strategy
// that explores exhaustively tries each; see Execution::choose()):
// - notify_one wakes any one of the waiting threads, not necessarily the one
//   that has waited longest (alternative 0);
// - wait(lock) without a predicate may return without a notify (a spurious
//   wakeup): its wait step may return at once, the mutex released and
//   retaken before any other thread could take it, so the thread finds the
//   state as it left it (the `if (!ready) wait(lock);` bug). At most once per
//   thread and condition variable in an execution, so that a
//   `while (!ready) wait(lock)` loop stays finite; off with
//   ExecutionLimits::spurious_wakeups (--no-spurious-wakeups). Not explored:
//   a spurious wakeup whose relock comes after other threads' critical
//   sections (docs/condition_variables.md says why). A wait with a predicate
//   re-checks it after every wakeup, so a spurious one changes nothing there
//   and is not explored.
//
// Timed waits (wait_once with WaitRules::timed, which std_like's wait_for and
// wait_until use): the sleeping thread stays runnable. Its next step is the
// relock of its mutex, which it can take whenever the mutex is free; taken
// before a notify chose it, that step is the timeout (the thread leaves the
// waiters and the wait reports it timed out). So the scheduler tries the
// timeout at every point of the wait where the relock could happen, and a
// timed wait never deadlocks for want of a notify. A timeout that leads back
// to the same wait in the same state (a `while (!ready) wait_for(...)` loop)
// cannot time out again until another thread has made progress, so such a
// loop stays finite while others run; with nobody else left it polls on
// until the step bound (a possible livelock, as the program would spin). In
// a pruned execution, which only runs to its end, timed waits sleep as
// untimed ones.
#pragma once

#include <array>
#include <condition_variable>
#include <functional>
#include <source_location>

#include "scheduler/runtime/execution.h"
#include "scheduler/api/mutex.h"

namespace interleave {

using unique_lock = basic_unique_lock<mutex>;

class condition_variable {
 public:
  using Location = std::source_location;

  // `name` appears in traces and deadlock reports; it must outlive the model.
  explicit condition_variable(const char* name = "condition_variable") : name_(name) {}
  condition_variable(const condition_variable&) = delete;
  condition_variable& operator=(const condition_variable&) = delete;

  // Releases `lock`'s mutex, sleeps until notified (or a spurious wakeup),
  // and takes the mutex back.
  void wait(unique_lock& lock, Location location = Location::current()) {
    wait_once(lock, WaitRules{.spurious = true}, location);
  }

  // Waits until `ready()` holds, re-checking it after every wakeup.
  template <class Predicate>
  void wait(unique_lock& lock, Predicate ready, Location location = Location::current()) {
    while (!ready()) wait_once(lock, WaitRules{}, location);
  }

  // How one wait may end besides a notify (see the top of this file).
  struct WaitRules {
    // It may wake with no notify, at once (when ExecutionLimits::spurious_wakeups).
    bool spurious = false;
    // It may time out at any point while it sleeps.
    bool timed = false;
  };
  // One wait, for the std-compatible types (scheduler/api/std/): releases
  // `lock`'s mutex, sleeps until a notify or what `rules` allow, takes the
  // mutex back. Returns true iff it timed out. Natively an untimed wait (the
  // std-compatible types make their timed native waits themselves).
  bool wait_once(unique_lock& lock, WaitRules rules, Location location = Location::current());

  // Wakes one waiting thread, any of them, if there is one; otherwise the
  // notify is lost.
  void notify_one(Location location = Location::current());
  // Wakes every waiting thread.
  void notify_all(Location location = Location::current());

  const char* name() const { return name_; }

 private:
  void wake(Execution& ex, ThreadId t);

  // Name in traces.
  const char* name_;
  // Waiting threads, longest-waiting first.
  std::array<ThreadId, kMaxThreads> waiting_{};
  // How many threads wait.
  int waiting_count_ = 0;
  // For each waiting thread, the mutex it takes back when woken.
  std::array<mutex*, kMaxThreads> relock_{};
  // Threads that have woken spuriously from this variable in this execution.
  ThreadSet woke_spuriously_;
  // The real condition variable, used on native threads.
  std::condition_variable native_;
};

}  // namespace interleave
