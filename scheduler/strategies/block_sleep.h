// Block sleep sets: the schedules without preemptions, each class of
// equivalent ones once instead of every order in which threads finish.
//
// Without preemptions (iterative's round 0, bounded search with K = 0) a
// thread, once chosen, runs alone until it blocks, is held, or finishes: its
// *block*. The search branches only where the previous thread stopped (a
// free switch) and there tries every runnable thread; with n threads that
// never block, that is every one of the n! orders in which they can finish,
// though blocks that touch different objects give the same state in either
// order. This class prunes those repeats with sleep sets (Godefroid) whose
// transitions are whole blocks:
//
//  - When thread A's branch at a free switch s has been explored, A is
//    *asleep* in the branches of s taken after it, carrying the footprint of
//    its block from s: every object and role its steps touched (as DPOR's
//    dependence sees them, dpor.h), the operation it stopped at if it
//    blocked, the threads it joined.
//  - A step that conflicts with a sleeping thread's footprint wakes it (the
//    block would no longer be the same, or no longer commute). A thread
//    still asleep at a later free switch is not tried there: running its
//    block then gives a state that running it first, at s, gave too, with
//    the same blocks after it, and that branch has been explored.
//  - A free switch where every runnable thread is asleep ends the
//    execution as pruned (everything it could still do was explored).
//
// Why a block from s and the same thread's block after other, independent
// blocks are the same: the thread runs alone, so its block is a function of
// the values it reads and of whether its stopping operation can run, and
// no independent block writes what it reads or touches the object it
// stopped at. Two such blocks commute to the same state, so every
// schedule without preemptions has an explored equivalent (same steps per
// thread, same order of every pair of conflicting steps: the same final
// state, the same failures, the same data races), and that equivalent has no
// preemptions either: it is made of whole blocks.
//
// Conservative cases (the thread is never put to sleep, so nothing is
// pruned on its account): a block with an operation of several outcomes
// (Execution::choose(): its blocks differ by outcome), a block that spawns
// a thread (thread numbers depend on the order of spawns) or yields (a
// thread held after yield() waits for any other thread's progress), and
// the block that ends an execution (how it stopped is not seen).
//
// The caller (BoundedStrategy) calls, in every execution, replayed prefix
// included: switch_point() at each free switch, step() for every step
// chosen, outcomes() when a step has several outcomes, and end_execution();
// take() for the thread taken at each free switch; on backtracking,
// backtrack() with the branch that takes a new thread or outcome.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

class BlockSleepSets {
 public:
  // Starts an execution: nobody is asleep at the first step.
  void begin_execution();

  // At a free switch (the first step, or the previous thread blocked, was
  // held or finished) at path depth `depth`: ends the block that stopped
  // here, then puts to sleep the threads explored at this switch before
  // the one taken now. Returns the threads asleep here; a new branch must
  // not take them (and counts them as tried).
  ThreadSet switch_point(const SchedulingPoint& point, size_t depth);
  // Thread `thread` is taken at the free switch at `depth`: its block
  // starts (and is recorded, the first time this branch is taken).
  void take(size_t depth, ThreadId thread);
  // Thread `thread` is about to run `op` (its ValueProbe valid): wakes the
  // sleeping threads it conflicts with, and adds it to the block's footprint.
  void step(ThreadId thread, const Operation& op);
  // The step just taken has several outcomes: its block is never asleep.
  void outcomes();
  // The threads asleep now: no branch takes them, at a free switch or as a
  // preemption.
  ThreadSet asleep() const { return asleep_; }
  // The execution ended: its last block's footprint is closed (conservative).
  void end_execution();
  // The branch at `depth` is about to take thread `thread` (another thread
  // if `new_thread`, else its thread's next outcome): forgets what was
  // recorded below it; at a free switch, a new thread is a new branch.
  void backtrack(size_t depth, ThreadId thread, bool new_thread);

 private:
  using Access = DporStrategy::Access;

  // What a thread's block from one free switch touched.
  struct Footprint {
    // Its accesses: footprint_accesses_[begin, end), each distinct.
    uint32_t begin = 0, end = 0;
    // Threads it joined or stopped waiting to join: their steps conflict.
    ThreadSet joins;
    // The block conflicts with everything (see the top): never asleep.
    bool universal = false;
  };
  // A branch taken at a free switch: at `depth`, thread `thread`, whose
  // block's footprint is footprints_[footprint] (-1: recorded in no
  // execution yet). The branches of one switch are contiguous, in the
  // order taken; the last is the one the current execution takes.
  struct Taken {
    uint32_t depth;
    ThreadId thread;
    int footprint;
  };

  // Forgets the branches below `depth` and their footprints.
  void forget_below(size_t depth);
  // Whether `op` by `thread` conflicts with sleeping thread `sleeper`'s
  // footprint `f`.
  bool wakes(const Footprint& f, ThreadId sleeper, ThreadId thread, const Operation& op,
             const Access& access) const;
  // Thread `thread` runs `op` (or, stopped, waits at it): wakes the
  // sleeping threads whose footprint it conflicts with.
  void wake(ThreadId thread, const Operation& op);
  // Adds `op`, run by the block being recorded, to its footprint.
  void record(const Operation& op);
  // Adds `access` to footprint `f` (the last one) unless it holds it.
  void add_access(Footprint& f, const Access& access);

  // Every branch taken at a free switch on the current path, by depth.
  std::vector<Taken> taken_;
  // Footprints, in the order they were recorded (a stack: what backtrack()
  // forgets is at the end), and their accesses.
  std::vector<Footprint> footprints_;
  std::vector<Access> footprint_accesses_;
  // The threads asleep now, and for each, its footprint's index.
  ThreadSet asleep_;
  std::array<int, kMaxThreads> asleep_footprint_{};
  // The block being recorded: its thread and footprint (-1: none).
  ThreadId recording_thread_ = kNoThread;
  int recording_ = -1;
};

}  // namespace interleave
