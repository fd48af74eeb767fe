// condition_variable and unique_lock.
//
// wait(lock) is two visible operations: "wait" releases the mutex and puts the
// thread to sleep (it is not runnable), and after a notify, "lock" takes the
// mutex back. A notify with nobody waiting is lost, as on real hardware, so a
// missed wakeup shows up as a deadlock naming the condition variable.
// notify_one wakes the thread that has waited longest. Spurious wakeups are
// not simulated, so a wait without a predicate loop is only caught when a
// notify really races with the state change.
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

  // Releases `lock`'s mutex, sleeps until notified, and takes the mutex back.
  void wait(unique_lock& lock, Location location = Location::current());

  // Waits until `ready()` holds, re-checking it after every wakeup.
  template <class Predicate>
  void wait(unique_lock& lock, Predicate ready, Location location = Location::current()) {
    while (!ready()) wait(lock, location);
  }

  // Wakes the longest-waiting thread, if any; otherwise the notify is lost.
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
  // The real condition variable, used on native threads.
  std::condition_variable native_;
};

}  // namespace interleave
