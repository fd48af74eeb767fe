// Block sleep sets: the schedules within a preemption bound, each class of
// equivalent ones once instead of every order in which threads finish.
//
// A thread, once chosen where the previous thread stopped (a *free switch*:
// the first step, or the previous thread blocked, was held, or finished),
// runs until it stops or is preempted; run alone to where it stops, its
// steps are its *block*. Without preemptions (iterative's round 0) the
// search branches only at free switches and there tries every runnable
// thread; with n threads that never block, that is every one of the n!
// orders in which they can finish, though blocks that touch different
// objects give the same state in either order. This class prunes those
// repeats with sleep sets (Godefroid) whose transitions are whole blocks:
//
//  - When thread A's branch at a free switch s has been explored, A is
//    *asleep* in the branches of s taken after it, carrying the footprint of
//    its block from s (recorded in the branch's first execution, where A
//    runs to where it stops): every object and role its steps touched (as
//    DPOR's dependence sees them, dpor.h), the operation it stopped at if
//    it blocked, the threads it joined.
//  - A step that conflicts with a sleeping thread's footprint wakes it, and
//    so does a thread that stops, at a later free switch, waiting at an
//    operation that conflicts with it (a block that could unlock what that
//    thread waits for would turn the free switch into a preemption). A
//    thread still asleep is taken neither at a free switch nor as a
//    preemption.
//  - A free switch where every runnable thread is asleep ends the
//    execution as pruned (everything it could still do was explored).
//
// Why this keeps every trace within the bound K. Take a schedule S in a
// later branch of s in which sleeping A is taken at some point q: S = s,
// then steps σ none of which touches A's footprint, then A's run α (a
// prefix of its block: A runs from the same local state, reading values σ
// did not write), then the rest ρ. S' = s, α, σ, ρ is equivalent (α and σ
// commute: same steps per thread, the same order of every pair of
// conflicting steps, so the same final state, failures and data races) and
// lies in A's explored branch. Its preemptions are no more than S's: the
// switch into A at s is free; after α, A is preempted in S' exactly when it
// was in S (whether A can go on depends on its next operation's object,
// which σ leaves alone); the switches inside σ cost what they cost in S
// (no thread σ stopped at waits on anything α touches: it would have woken
// A); and the switch at q, into A, which cost S one preemption or nothing,
// becomes the switch from σ's end into ρ, which costs at most as much.
// Moving a whole block can also remove a preemption, so a search with
// these sets may find every trace within K where one without them still
// cuts a schedule with more: its "explored all" means every trace.
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
//
// Parallel search (parallel.h) hands the rest of a free switch's branches
// to another worker, which has a model instance of its own: prefix() gives
// what the branches there need (the branches taken at the free switches on
// the way down, with their footprints), start() takes it up. Footprints name
// an object inside the model instance by its offset there (set_instance()),
// the same in every worker; a footprint that touched an object elsewhere (a
// model's heap, a global) has no such name, and its branch is not handed
// over. Only branches after every branch taken at the switch are handed
// over, so the receiver's sleepers there are the sequential search's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

class BlockSleepSets {
  using Access = DporStrategy::Access;
  struct Footprint;
  struct Taken;

 public:
  // Objects inside `instance` (ModelRunner::instance_memory()) are named by
  // their offset in it, objects elsewhere by their address. Before the
  // first execution.
  void set_instance(std::span<const std::byte> instance);

  // Starts an execution: nobody is asleep at the first step.
  void begin_execution();

  // At a free switch (the first step, or the previous thread blocked, was
  // held or finished) at path depth `depth`: ends the block that stopped
  // here, then puts to sleep the threads explored at this switch before
  // the one taken now. Returns the threads asleep here; a new branch must
  // not take them (and counts them as tried).
  ThreadSet switch_point(const SchedulingPoint& point, size_t depth);
  // Thread `thread` is taken at the free switch at `depth`, the one
  // switch_point() was just called at: its block starts (and is recorded,
  // the first time this branch is taken).
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

  // The branches taken at the free switches at depth <= `depth` on the
  // current path, with their footprints.
  struct Prefix {
    std::vector<Taken> taken;
    std::vector<Footprint> footprints;
    std::vector<Access> accesses;
  };
  // The prefix down to the branch at `depth` (between executions), or
  // nullopt if one of its footprints names an object outside the instance.
  std::optional<Prefix> prefix(size_t depth) const;
  // Forgets the current search and takes up `prefix`, another search's;
  // then the branch at `depth` takes `thread` (as backtrack()).
  void start(Prefix prefix, size_t depth, ThreadId thread, bool new_thread);

 private:
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
  // The same on any branches, footprints and accesses (prefix() trims a copy).
  static void trim_below(size_t depth, std::vector<Taken>& taken,
                         std::vector<Footprint>& footprints, std::vector<Access>& accesses);
  // Whether `op` by `thread` conflicts with sleeping thread `sleeper`'s
  // footprint `f`.
  bool wakes(const Footprint& f, ThreadId sleeper, ThreadId thread, const Operation& op,
             const Access& access) const;
  // Thread `thread` runs `op`, whose access is `access`: wakes the
  // sleeping threads whose footprint it conflicts with.
  void wake(ThreadId thread, const Operation& op, const Access& access);
  // Adds `op`, run by the block being recorded, to its footprint.
  void record(const Operation& op, const Access& access);
  // Adds `access` to footprint `f` (the last one) unless it holds it.
  void add_access(Footprint& f, const Access& access);
  // `access` with its objects named as footprints name them (set_instance()).
  Access named(Access access) const;

  // The model instance's memory: its first byte's address and its size.
  uintptr_t instance_begin_ = 0;
  size_t instance_size_ = 0;
  // Set in the name of an object inside the instance (an offset), which no
  // user-space address has.
  static constexpr uintptr_t kOffsetName = uintptr_t{1} << 63;

  // Every branch taken at a free switch on the current path, by depth.
  std::vector<Taken> taken_;
  // Footprints, in the order they were recorded (a stack: what backtrack()
  // forgets is at the end), and their accesses.
  std::vector<Footprint> footprints_;
  std::vector<Access> footprint_accesses_;
  // The threads asleep now, and for each, its footprint's index.
  ThreadSet asleep_;
  std::array<int, kMaxThreads> asleep_footprint_{};
  // The entry in taken_ of the free switch switch_point() was last called
  // at (-1: a new switch, none yet), for take().
  int current_ = -1;
  // The block being recorded: its thread and footprint (-1: none).
  ThreadId recording_thread_ = kNoThread;
  int recording_ = -1;
};

}  // namespace interleave
