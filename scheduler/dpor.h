// Dynamic partial-order reduction: source-DPOR with sleep sets (Abdulla,
// Aronis, Jonsson and Sagonas, "Optimal dynamic partial order reduction",
// POPL 2014, Algorithm 1).
//
// Two schedules that differ only in the order of independent steps (loads of
// one variable, accesses to different variables, operations on different
// mutexes) reach the same state; DPOR explores one execution per class of
// such schedules (Mazurkiewicz trace) instead of all of them. Like DFS it is
// stateless: each execution replays a prefix of choices, then goes on.
//
// After each new step it looks for races: an earlier step of another thread
// that conflicts with it and is not already ordered before it by
// happens-before (vector clocks over program order, conflicts, spawn and
// join). For each race it makes sure the state before the earlier step will
// also be explored starting with a thread that can reverse the race (a
// "source set"). Sleep sets keep it from exploring two equivalent complete
// executions; an execution whose every runnable thread is asleep is cut off
// as sleep-set blocked (counted separately: "pruned").
//
// Conflicts: on one object, a write with a load or a write; lock with lock or
// try_lock; try_lock with lock, try_lock or unlock; condition-variable wait
// and notify with each other; a wait also releases its mutex (an unlock).
// Unlock does not conflict with lock: a lock cannot overtake the unlock that
// enables it, so the race that matters is lock against lock. A race whose
// reversing thread is blocked at the earlier state makes every runnable
// thread there a candidate (sound, not minimal).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "scheduler/strategy.h"

namespace interleave {

class DporStrategy final : public Strategy {
 public:
  DporStrategy();

  std::string_view name() const override { return "dpor"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  bool exhaustive() const override { return error().empty(); }

  // How an operation touches shared objects, for the conflict relation.
  enum class Role : uint8_t { kNone, kRead, kWrite, kAcquire, kTry, kRelease, kWait, kNotify };
  struct Access {
    // Up to two (object, role) pairs: a condition-variable wait touches the
    // condition variable and the mutex it releases.
    std::array<const void*, 2> object{};
    std::array<Role, 2> role{};
  };
  static Access access_of(const Operation& op);
  static bool conflict(const Access& a, const Access& b);

 private:
  // A vector clock: entry t counts the steps of thread t that happen before.
  using Clock = std::array<uint32_t, kMaxThreads>;

  // The state before one step of the current execution. Nodes persist across
  // executions: they are the exploration tree that DPOR backtracks over.
  struct Node {
    // Threads that could run here.
    ThreadSet enabled;
    // Threads asleep on arriving here: running them first would only repeat
    // an explored trace.
    ThreadSet sleep;
    // Threads that must be explored first from here (a source set).
    ThreadSet backtrack;
    // Threads explored first from here so far.
    ThreadSet done;
    // The thread chosen here in the current execution.
    ThreadId chosen = kNoThread;
    // Threads seen live by the time of this step.
    ThreadSet known;
  };

  // A step of the current execution.
  struct Event {
    ThreadId thread;
    OpKind kind;
    Access access;
    // For each object of `access`: the previous step that touched it (-1 if
    // none). Race detection walks these chains instead of every step.
    std::array<int, 2> previous{-1, -1};
    // For a spawn: the thread it started (known once that thread is seen).
    ThreadId spawned = kNoThread;
    // Happens-before clock of the step.
    Clock clock;
  };

  // The last step that touched each object in the current execution.
  struct LastTouch {
    const void* object;
    int step;
  };

  void record_step(const SchedulingPoint& point, ThreadId chosen, bool analyse);
  // Restores the per-execution state (clocks, last touches, known threads)
  // after the steps kept from the previous execution, which the new one
  // replays unchanged.
  void restore_prefix_state();
  // Makes sure the state before event `earlier` is also explored with a
  // thread that reverses its race with the step just recorded.
  void reverse_race(size_t earlier, const Event& later);
  void join_into(Clock& into, const Clock& from) const;
  // Copies the entries in use (width_).
  void copy_clock(Clock& into, const Clock& from) const;
  // The entry for `object` in last_touch_, added if new.
  LastTouch& last_touch(const void* object);
  // How step `e` touched `object` (one of its objects).
  static Role role_on(const Event& e, const void* object);
  // The previous step on `object` before step k (which touched it).
  int previous_on(size_t k, const void* object) const;

  // The current path of choices, from the first step.
  std::vector<Node> path_;
  // sleep_access_[i * kMaxThreads + t]: what asleep thread t does next at node i.
  std::vector<Access> sleep_access_;
  // Sleep set of the next new node, computed when its parent chooses.
  ThreadSet next_sleep_;
  // The steps of the current execution, in order. Steps before first_new_
  // are kept from the previous execution (same choices, same steps).
  std::vector<Event> events_;
  // Objects touched in the current execution (few: a linear scan is fastest).
  std::vector<LastTouch> last_touch_;
  // Each thread's clock after its last step (its happens-before frontier).
  std::array<Clock, kMaxThreads> thread_clock_{};
  // Threads seen live in the current execution.
  ThreadSet known_;
  // Clock entries in use: 1 + the highest thread number seen.
  int width_ = 0;
  // The step the current execution has reached.
  size_t depth_ = 0;
  // Steps from here on are new in this execution (races not yet analysed).
  size_t first_new_ = 0;
  // Whether begin_execution() has been called before.
  bool started_ = false;
};

}  // namespace interleave
