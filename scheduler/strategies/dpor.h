// Dynamic partial-order reduction: optimal DPOR with wakeup trees (Abdulla,
// Aronis, Jonsson and Sagonas, "Optimal dynamic partial order reduction",
// POPL 2014, Algorithm 2).
//
// Two schedules that differ only in the order of independent steps (loads of
// one variable, accesses to different variables, operations on different
// mutexes) reach the same state; DPOR explores one execution per class of
// such schedules (Mazurkiewicz trace) instead of all of them. Like DFS it is
// stateless: each execution replays a prefix of choices, then goes on.
//
// After each new step it looks for races: an earlier step of another thread
// that conflicts with it, is not already ordered before it by happens-before
// (vector clocks over program order, conflicts, spawn, join and wakeups), and
// could have gone second. On a variable only a few earlier steps can be
// such: for a read, the latest write; for a write, each thread's latest read
// since the latest write, and that write (every other access is ordered
// before one of these). So a step costs time in the number of threads, not
// in the length of the execution. For each race it plans, at the state before the
// earlier step, a *wakeup sequence* that reverses it: the steps in between
// that do not happen after the earlier step, then the later step. Plans are
// kept as a tree per state (the wakeup tree); a sequence is not added when a
// thread asleep there, or a planned branch, already covers it (its weak
// initials). One departure from Algorithm 2: a sleeper that is not in the
// sequence, merely independent of all of it, covers it only when neither
// its step nor the sequence touches a mutex or condition variable
// (covered_by_sleepers(); with that rule, random programs of four threads
// with two critical sections on one mutex lost traces). Sleep sets keep
// explored traces from being explored again; with wakeup trees nearly no
// execution ends with every runnable thread asleep (sleep-set blocked; such
// an execution is cut short and reported as "pruned": a few, on programs
// with condition variables, since the departure above). A planned step that is not runnable when reached would mean the
// dependence relation missed an ordering (unrunnable_plans() counts them;
// the tests require none): the plan is dropped and exploration goes on.
//
// Dependence (happens-before): on one object, a write with a load or a
// write (a futex wait's check, in instrumented code, is a load of its word
// and a wait on the word's queue of sleepers, whose wakes are notifies); lock with lock, try_lock and unlock; try_lock also with unlock;
// condition-variable wait and notify with each other; a wait also releases
// its mutex (an unlock); the relock after a wait happens after the notify
// that woke it. A race is a dependent pair that can occur in either order:
// an unlock followed by a lock of the same mutex cannot (the lock was
// blocked), so that pair orders but never races.
//
// Spins (scheduler/runtime/spin_window.h): a thread held as a spin waits
// for a write to one of the objects its loop reads; the write that wakes it
// is dependent with its reads of that object, so race reversal places it
// before each of the thread's earlier reads of the object as usual (a loop
// over several objects can leave a plan unrunnable: docs/spin_waits.md). The step the woken thread then performs cannot move before the
// write that woke it (the thread was held there): like a lock after the
// unlock it waited for, the pair is ordered (its clock joins the waker's)
// but is no race. A thread held after yield() is woken by any other
// thread's effective step, ordered the same way.
//
// Operations with several outcomes (Execution::choose(): a notify_one wakes
// any waiter, a wait may wake spuriously) are a local choice of the step, not
// a race: every outcome is explored at every state where the step runs, one
// after the other, the same thread chosen, before the state's next branch.
// Each outcome starts a fresh subtree (no plan is carried into it; races
// found there plan as usual). An outcome changes what the step does to its
// own objects, never which objects and roles it touches, so dependence, sleep
// sets and race reversal are as for any step; a sleeping thread carried past
// such a step was explored, with that step later, at an earlier state, where
// the step's outcomes were all explored too. Which thread a notify_one's
// outcome wakes depends on the order of the waits, but the outcomes range
// over every waiter whatever the order.
//
// Atomic read-modify-writes: exchange and fetch_add write (they conflict
// with every access to the location). A compare_exchange is recorded at
// pick time, before it runs, by what it will do: under sequential
// consistency it succeeds iff the location holds `expected` now, which the
// operation's ValueProbe tells (scheduler/runtime/operation.h). Succeeding, it is a
// write; failing, it writes nothing and is a read, so failed
// compare_exchanges commute with each other and with loads. (Without a
// probe, for a T DPOR cannot look at, it counts as a write: sound, less
// reduction.) A step's role thus depends on the state it runs in; why the
// algorithm stays exact:
// - Within a trace the role is fixed. A compare_exchange's outcome depends
//   only on the last write to its location before it, and every write to the
//   location is ordered with it by happens-before; swapping adjacent
//   independent steps changes neither step's role (a read next to a read, or
//   steps on different objects, see the same values either way).
// - Sleep sets: a sleeping thread's step is carried from a state to the next
//   only across a step independent of it, which does not change the value it
//   would see: its recorded role still holds there.
// - Wakeup sequences: the steps between the racing pair that do not happen
//   after the earlier one keep their roles (everything they depend on stays
//   before them). The later step may not: if the earlier step `k` writes the
//   location, the later compare_exchange, moved before it, sees the value `k`
//   replaced (each write keeps it, Event::value_before), since no other write
//   to the location lies between two racing steps (it would order them) and
//   none of the steps in between touches it. If `k` only reads the location,
//   the later step writes it (a read races only with a write) and sees what
//   it sees now. The sequence is built with that role, so the weak-initial
//   checks against sleeping threads and planned branches, and the planned
//   step itself, describe the step as it will run; its happens-before clock
//   does not change with the role, as nothing in between touches its
//   location. A planned step is checked against what it turns out to be when
//   it runs (mislabelled_plans(); the tests require none).
//
// Memory: the current path (a Node and an Event per step, with a vector
// clock of kMaxThreads entries) is small; the wakeup trees are what grows.
// Algorithm 2 plans every reversal as soon as it finds the race, so a
// state's tree holds a plan for each trace below it that its explored
// branches do not cover. On readers(n) (one write, n reads of one variable;
// 2^n traces) the root's tree, while the first reader's subtree is explored,
// collects a sequence for each set of other readers that can precede the
// write: the trees peak at 2^n - 2 planned steps, about one per execution,
// 16 bytes each (WakeupNode): 16 MiB for readers(20). So the trees are
// bounded (set_plan_limit(), `--dpor-plan-limit`, 1 Mi planned steps by
// default): past the bound a race plans its first step alone, as
// Source-DPOR does, which keeps every trace and may cut executions short
// (none on readers; many on lastzero). bench/dpor_cost_bench measures both.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "scheduler/strategies/strategy.h"

namespace interleave {

class DporStrategy final : public Strategy {
 public:
  DporStrategy();

  std::string_view name() const override { return "dpor"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  // Every outcome of a step, in order, before the next branch of its state;
  // see the top.
  int choose(const ChoicePoint& point) override;
  bool exhaustive() const override { return error().empty(); }
  // The alternatives at a state are its branches explored so far plus those
  // still planned; plans found later make the estimate grow as it goes.
  std::optional<double> covered_fraction() const override;

  // How an operation touches shared objects, for the conflict relation.
  enum class Role : uint8_t { kNone, kRead, kWrite, kAcquire, kTry, kRelease, kWait, kNotify };
  struct Access {
    // Up to two (object, role) pairs: a condition-variable wait touches the
    // condition variable and the mutex it releases.
    std::array<const void*, 2> object{};
    std::array<Role, 2> role{};
  };
  // From the operation's kind alone: a compare_exchange counts as a write.
  // Safe on a trace's copy of an operation.
  static Access access_of(const Operation& op);
  // For an operation about to run (its ValueProbe valid): a compare_exchange
  // that would fail now is a read.
  static Access pending_access(const Operation& op);
  // Whether the two accesses are dependent (happens-before orders them).
  static bool conflict(const Access& a, const Access& b);
  // Whether `earlier` and `later`, dependent, could also occur in the other
  // order (not an unlock followed by the lock it let through).
  static bool reversible(const Access& earlier, const Access& later);

  // Planned steps that were not runnable when reached (0 unless blocking
  // operations defeat a plan; exposed for tests).
  uint64_t unrunnable_plans() const { return unrunnable_plans_; }
  // Planned steps whose operation or role differed from what the thread
  // did when the plan was followed (0 unless a compare_exchange's role in
  // a wakeup sequence was mispredicted; exposed for tests).
  uint64_t mislabelled_plans() const { return mislabelled_plans_; }
  // Planned steps held in wakeup trees now (0 once exploration is over).
  size_t planned_steps() const { return plans_.in_use; }
  // The most planned steps held at once (the trees' peak memory, in steps).
  size_t peak_planned_steps() const { return plans_.pool.size(); }

  // --- Bounded memory (`check --dpor-plan-limit N`) ---
  //
  // The wakeup trees are DPOR's memory, and on wide models they hold about
  // one planned step per trace still to explore (see "Memory" at the top).
  // Once a tree store (this search's, or a parallel search's shared tree)
  // holds `steps` planned steps, a race plans only the first step of its
  // wakeup sequence, and only when no thread that could go first in it is
  // asleep or planned there already: the source sets of Source-DPOR
  // (Abdulla et al., 2014) in place of the sequence. Such a branch is
  // explored with no plan, as Source-DPOR explores every branch; a planned
  // branch found to cover the sequence this way has its own plan dropped
  // (WakeupNode::rest_left_out), for the same reason (keeping it lost 9 of
  // lastzero(9)'s 1,536 traces). Every trace is still explored, and once
  // (sleep sets see to that): the executions are the same; some executions
  // end with every runnable thread asleep (cut short, "pruned") where the
  // whole sequence would have steered past them. What changes in the rules
  // of the trees: a branch in whose subtree a race was bounded (the
  // branches taken at its state and above) covers, once asleep, only
  // sequences it is in (Step::distant: Algorithm 2's weaker rule relies on
  // that branch's plans being whole), as does every sleeper on the path once
  // a plan was dropped, and every sleeper at a state whose store is at the
  // limit. A store holds at most `steps` planned steps plus, at each state
  // of the path, one single-step plan per thread (a thread that could go
  // first in a sequence covers it there once planned). 0 (the default here;
  // checks pass CheckOptions::dpor_plan_limit): no limit.
  void set_plan_limit(size_t steps) { plan_limit_ = steps == 0 ? SIZE_MAX : steps; }
  // Races planned by the bounded rule (their first step alone).
  uint64_t bounded_plans() const override { return bounded_plans_; }

  // --- Sharding (`check --shard I/K`) ---
  //
  // Splits the search into `count` disjoint parts and explores part `index`
  // (0-based) only; the parts' counts add up to what one search of the top
  // states below explores. A shard cannot see the races another shard finds,
  // so no state's branches may depend on them: the states before the
  // kShardDepth-th state with two or more threads awake (the *top* states)
  // take every awake thread, in order (the current thread if awake, then
  // the others ascending), as sleep sets allow, and races there plan
  // nothing; below them the search is DPOR as usual, each top path's
  // subtree on its own. Every trace is still explored once: sleep sets alone
  // keep the top states from exploring a trace twice, and a race whose
  // earlier step is a top state's needs no plan, that state taking every
  // thread. One rule of the wakeup trees changes below the top: a sequence
  // counts as covered by a thread asleep at its state when that thread
  // could go first, even when it is not in the sequence but independent of
  // all of it, because races found in that thread's branch plan what the
  // sequence's continuations need (Algorithm 2). A thread put to sleep at a
  // top state plans nothing there, so it covers only a sequence it is in
  // (Step::distant); without that rule sharded searches of random
  // programs lost traces (tests/shard_test.cc). What changes otherwise is where each
  // subtree starts: without the plans a top state would have passed down,
  // some executions end with every runnable thread asleep (cut short,
  // "pruned"). So the executions add up to the unsharded search's, one per
  // trace; the cut-short ones to a sharded search's (any K).
  //
  // The top paths (the choices down to the first state below the top, or
  // an execution that ends sooner) are met in the same order by every
  // shard: shard i takes the i-th, the (i+K)-th, and so on. An execution
  // that reaches the first state below the top on another shard's path is
  // cut there (skipped()). The covered-fraction estimate splits these trees
  // badly: sleep sets make a state's later branches far smaller than its
  // first, so contiguous ranges of the estimate put most of readers(12)'s
  // traces in one shard of four (3.4x the mean), where taking turns puts
  // 1.03x (bench/shard_bench).
  void set_shard(int index, int count) {
    shard_index_ = index;
    shard_count_ = count;
  }
  static constexpr int kShardDepth = 4;
  bool skipped() const override { return skipped_; }
  void end_execution() override;

  // --- Parallel exploration (parallel_dpor.h) ---
  //
  // Workers, each with its own model instance and DporStrategy, share the
  // states at the top of the exploration tree in a SharedTree. A worker
  // explores one branch of a shared state (its step and every state below
  // it) as the sequential search explores a subtree: its states are its own,
  // it backtracks over them, and races it finds plan branches there. A race
  // whose earlier step was taken at a shared state plans at that state,
  // under the tree's lock. A worker that has nothing left takes the first
  // planned branch of the shallowest shared state that has one; a busy
  // worker, asked for work, makes the states down to its shallowest planned
  // branches shared (offer_work()).
  //
  // Why every trace is explored once. Branches are taken in the order they
  // are planned, the sequential order, and a branch taken counts as
  // explored at its state (it sleeps in the branches taken after it), so
  // each branch starts with the sleep set it has in the sequential search.
  // Its plan may fall short of the sequential one: a race found in an
  // earlier branch's subtree may plan, at the state, a sequence that the
  // sequential search would have put into this branch's plan, after the
  // branch was taken. Such a plan is left out (insert_shared()), and the
  // branch does without it: the threads asleep where a worker's branch
  // starts are distant there (Step::distant), so no sequence below counts
  // as covered by a sleeper it is merely independent of, the rule that
  // relies on the sleeper's branch planning into this subtree (the same
  // rule as for sharding). The branch's exploration then reaches every
  // trace that starts with its step and with no sleeper first. Before this
  // rule such plans were lost (readers(3) on two workers explored 7 of 8).
  // So the executions, one per trace, are the sequential search's; some
  // executions may end with every runnable thread asleep, which one core
  // avoids (lastzero(15) on two workers: 24,565 to 53,248 beside 147,456
  // executions, varying with timing), and the steps differ with them.
  // Which execution stands for a trace, and so which failure is found
  // first, depends on timing, and the parallel explorer settles a failure
  // on one core.
  class SharedTree;
  // Explores as one of the workers that share `tree` (before the first
  // execution). The first worker to begin starts at the first step; the
  // others wait for branches to take.
  void share(SharedTree* tree) { shared_ = tree; }
  // Between executions: if a worker waits and no shared state has a planned
  // branch, the states on this search's path down to its shallowest one with
  // planned branches become shared (with those branches), unless a state
  // above it has outcomes still to explore.
  void offer_work();
  // Branches this worker took from shared states.
  uint64_t branches_taken() const { return branches_taken_; }

  // Objects inside `instance` (ModelRunner::instance_memory()) are named by
  // their offset in it, the same in every worker's instance; objects
  // elsewhere by their address. Before the first execution.
  void set_instance(std::span<const std::byte> instance) {
    instance_begin_ = reinterpret_cast<uintptr_t>(instance.data());
    instance_size_ = instance.size();
  }

 private:
  // A vector clock: entry t counts the steps of thread t that happen before.
  using Clock = std::array<uint32_t, kMaxThreads>;

  // What one step does, as far as dependence is concerned.
  struct Step {
    ThreadId thread = kNoThread;
    OpKind kind = OpKind::kYield;
    // For a join: the thread joined.
    ThreadId joined = kNoThread;
    Access access;
    // The outcome the step's operation took (Execution::choose()), when it
    // had several; a planned step is explored with it first.
    uint8_t outcome = 0;
    // For a sleeper (asleep_): whether its branch cannot plan into the
    // subtree it sleeps in: it fell asleep at a top state of a sharded
    // search (set_shard()), or at the shared state this worker's branch
    // starts at (parallel exploration: another worker explores it). Such a
    // sleeper covers the traces that start with it, as sleep sets promise,
    // but not a wakeup sequence it is merely independent of (see
    // insert_sequence()).
    bool distant = false;
  };

  // A planned step in a wakeup tree. The children of a state are the
  // branches still to explore there, in order; a node's children are what
  // follows it in the plan. Packed into 16 bytes (a Step takes 40): on wide
  // models the trees hold about one planned step per trace still to explore
  // (readers(n): 2^n - 2 at once, see "Memory" at the top), and they are
  // DPOR's memory. planned() unpacks the step.
  struct WakeupNode {
    // The step's access: its index in accesses_.
    uint32_t access = 0;
    // The step's thread, the thread it joins, its kind and its outcome (as
    // in Step; threads fit: kMaxThreads < 128).
    int8_t thread = kNoThread;
    int8_t joined = kNoThread;
    OpKind kind = OpKind::kYield;
    uint8_t outcome : 7 = 0;
    // Whether this is the first step of a wakeup sequence planned by the
    // bounded rule (set_plan_limit()), its rest left out: with no children,
    // it does not cover the sequences that start like it, as a leaf does; a
    // sequence inserted later puts its rest below it.
    bool rest_left_out : 1 = false;
    // Index in wakeup_pool_ of the first child, of the next sibling (-1: none).
    int first_child = -1;
    int next_sibling = -1;
  };
  static_assert(kMaxThreads < 128, "WakeupNode keeps thread numbers in 8 bits");

  // Hashing and equality of accesses, for access_index_.
  struct AccessHash {
    size_t operator()(const Access& a) const;
  };
  struct AccessEqual {
    bool operator()(const Access& a, const Access& b) const {
      return a.object == b.object && a.role == b.role;
    }
  };

  // Where wakeup trees live: a pool of nodes (free ones chained by
  // next_sibling) and every distinct access of a planned step (few: objects
  // times roles), which WakeupNode::access indexes. A search keeps its own;
  // parallel workers keep the trees of the states they share in their
  // shared tree's.
  struct WakeupStore {
    std::vector<WakeupNode> pool;
    std::vector<Access> accesses;
    std::unordered_map<Access, uint32_t, AccessHash, AccessEqual> index;
    // The first free node of the pool (-1: none), and the nodes in use.
    int free = -1;
    size_t in_use = 0;

    // A new node planning `step`, with no children or siblings.
    int add(const Step& step);
    // The step a node plans.
    Step planned(const WakeupNode& w) const;
    // Unlinks the first branch of a sibling list (non-empty) and returns it:
    // its step and its children, which the caller now owns. The node itself
    // goes back to the pool.
    WakeupNode take_first(int& list);
    // Returns the nodes of a sibling list, with their descendants, to the pool.
    void free_list(int head);
    // A copy, in this store, of the sibling list `head` of `from` and its
    // descendants.
    int copy(const WakeupStore& from, int head);
  };


 public:
  // The states workers share (see "Parallel exploration" above).
  class SharedTree {
   public:
    explicit SharedTree(int workers) : workers_(workers) {}
    // Ends the exploration: every worker's next begin_execution() says so.
    void halt();
    // Whether a step named an object outside its worker's model instance
    // (by address: another worker's name for it differs), so that the
    // shared states cannot be trusted: the run is to be done on one core.
    bool unnamed_object() const { return unnamed_.load(std::memory_order_relaxed); }
    // The shared states made so far.
    size_t states() const;

   private:
    friend class DporStrategy;
    // A shared state.
    struct State {
      State* parent = nullptr;
      uint32_t depth = 0;
      // The step the parent's state takes to reach this one: its thread and
      // its outcomes (as Node's).
      ThreadId via = kNoThread;
      uint8_t via_outcomes = 0, via_outcome = 0, via_first_outcome = 0;
      // As Node's: runnable threads, asleep on arriving, explored first (by
      // any worker), seen live.
      ThreadSet enabled, sleep, done, known;
      // What the asleep threads, then those explored first, do first here.
      std::vector<Step> asleep;
      // Planned branches not yet taken (a sibling list in store_).
      int wakeup = -1;
    };
    // Puts `s` in with_work_ or takes it out, as its planned branches say.
    void note_work(State* s);

    const int workers_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;  // a branch was planned, or the end
    std::vector<std::unique_ptr<State>> states_;
    WakeupStore store_;
    // Shared states with planned branches, shallowest first.
    std::set<std::pair<uint32_t, State*>> with_work_;
    // Workers waiting for a branch; whether the first worker has started.
    int idle_ = 0;
    bool root_taken_ = false;
    bool over_ = false;
    // For offer_work(), read without the lock: workers waiting, states with
    // planned branches.
    std::atomic<int> hungry_{0};
    std::atomic<size_t> with_work_count_{0};
    std::atomic<bool> unnamed_{false};
  };

 private:
  // If the deepest state's step has an outcome still to explore, takes it
  // (begin_execution()); else false.
  bool take_next_outcome();
  // Takes the first planned branch of the shallowest shared state that has
  // one, waiting for one while another worker is busy; false when none is
  // left (or the tree is halted).
  bool take_shared_branch();
  // How a race's wakeup sequence was planned (insert_sequence()).
  enum class Planned : uint8_t {
    // Whole, or covered as Algorithm 2 covers it.
    kWhole,
    // By the bounded rule (set_plan_limit()): its first step alone, or
    // covered by a branch that could go first in it.
    kBounded,
    // As kBounded, and that branch's plan was dropped for it.
    kPlanDropped,
  };
  // Plans, at shared state `depth` of the path, the sequence being built.
  Planned insert_shared(size_t depth);
  // After a race planned by the bounded rule at state `depth` of the path:
  // the branches taken at it and at every state above it become distant
  // sleepers (Node::bounded, and the shared states' entries); when a plan was
  // dropped for it, every sleeper on the path does too (the races that
  // planned it were found in branches that are asleep now).
  void mark_bounded(size_t depth, Planned how);
  // Forgets the clocks and last touches of the current execution.
  void reset_analysis();

  // The state before one step of the current execution. Nodes persist across
  // executions: they are the exploration tree that DPOR backtracks over.
  struct Node {
    // Threads that could run here.
    ThreadSet enabled;
    // Threads asleep on arriving here: running them first would only repeat
    // an explored trace.
    ThreadSet sleep;
    // Threads explored first from here so far (including `chosen`): once
    // their branch is done they count as asleep here too.
    ThreadSet done;
    // The thread chosen here in the current execution.
    ThreadId chosen = kNoThread;
    // The outcomes of the chosen thread's operation (Execution::choose()):
    // how many (0 until it chooses, and for an operation that does not),
    // and the one taken in the current execution.
    uint8_t outcomes = 0;
    uint8_t outcome = 0;
    // The outcome explored first: the planned one when the chosen step
    // follows a plan (outcomes are tried in the order first_outcome, then
    // the others ascending; `outcome` counts along that order).
    uint8_t first_outcome = 0;
    // Threads seen live by the time of this step.
    ThreadSet known;
    // The wakeup tree's branches not yet explored from here, in order
    // (index of the first in wakeup_pool_; -1: none).
    int wakeup = -1;
    // Where this node's entries start in asleep_ (they end where the next
    // node's start, or at the end for the deepest node).
    uint32_t asleep_begin = 0;
    // In a sharded search (set_shard()): whether this is a top state, which
    // takes every awake thread and where no race plans; and how many top
    // states down to this one (included) had two or more threads awake.
    bool top = false;
    uint8_t top_branchings = 0;
    // Whether a race found in the chosen thread's branch (any outcome) was
    // planned by the bounded rule (set_plan_limit()) here or at a state
    // below: the branch is then a distant sleeper for the branches after it.
    bool bounded = false;
  };

  // A step of the current execution.
  struct Event {
    // Leaves `clock` unset: record_step() writes all of it (a zeroed Event
    // per step cost more than the rest of recording it).
    Event() {}
    Step step;
    // What the step replaced in its objects' LastTouch entries (-1: none),
    // to undo it: for a read of a variable, its thread's previous latest read
    // of it; for a write, the previous write; for a step on a mutex or
    // condition variable, for each object, the previous step on it (race
    // detection walks these chains).
    std::array<int, 2> previous{-1, -1};
    // The index in last_touch_ of each object the step touches (as
    // step.access.object; unset where the role is kNone), to undo it without
    // looking the object up.
    std::array<uint32_t, 2> touch;
    // What last_event_[step.thread] was before this step (to undo it).
    int before_of_thread = -1;
    // For a write on an atomic with a ValueProbe: the value it replaced
    // (what a compare_exchange moved before it would see).
    bool knows_value_before = false;
    uint64_t value_before = 0;
    // Happens-before clock of the step: entry t is the number of thread t's
    // steps that happen before it or are it. Every entry is set (0 for
    // threads not yet seen), so a clock read after more threads appear is
    // still right.
    Clock clock;
  };

  // What each object has seen in the current execution so far.
  struct LastTouch {
    const void* object;
    // A variable's (shared<T>, atomic<T>: read and write roles) latest write;
    // for a mutex or condition variable, the latest step on it. -1: none.
    int step;
    // A variable's entry in last_reads_: each thread's latest read of it
    // (-1: none); a read counts only when later than `step`.
    uint32_t reads;
  };

  // Sets every field of `step` to what thread `thread`'s operation `op`,
  // about to run, does (as pending_access()), in place.
  static void fill_step(ThreadId thread, const Operation& op, Step& step);
  // Whether two steps are the same operation with the same access.
  static bool same_step(const Step& a, const Step& b);
  // Whether `s` touches only variables (loads, stores, read-modify-writes)
  // or nothing, and joins no thread.
  static bool on_variables(const Step& s);
  // Whether step `first`, placed before `second`, must stay before it.
  static bool depends(const Step& first, const Step& second);

  void record_step(const SchedulingPoint& point, ThreadId chosen);
  // Race detection and clock for step `e` (at `index`, the last event): on a
  // variable, against the latest write and the reads since it, in constant
  // time per thread; on a mutex or condition variable, along the chain of
  // steps on it. Fills races_, sets later_clock_. A futex wait's check
  // (OpKind::kFutexWait) reads its word (slot 0, a variable) and waits on its
  // queue (slot 1, a chain): record_variable_access() for the first, then
  // record_chain_access() from slot `first` = 1, which then leaves the
  // step's own clock entry alone (counted once).
  void record_variable_access(Event& e, int index);
  void record_chain_access(Event& e, int index, int first = 0);
  // Step k, dependent with `e` and earlier: a race if not yet ordered before
  // `e` and reversible; its clock joins e's.
  void consider(Event& e, int k);
  // Restores the per-execution state (clocks, last touches, known threads)
  // after the steps kept from the previous execution, which the new one
  // replays unchanged.
  void restore_prefix_state();
  // Plans, at the state before step `earlier`, an exploration that reverses
  // its race with the step just recorded (the last event).
  void reverse_race(size_t earlier);
  // Whether a thread asleep at a state (or explored first from it), other
  // than `own`, covers the wakeup sequence being built: it could go first in
  // it (only as one of its steps for a distant sleeper, any sleeper when
  // `all_distant`, and wherever a mutex or condition variable is involved).
  // Before any of it is consumed.
  bool covered_by_sleepers(std::span<const Step> asleep, ThreadId own, bool all_distant) const;
  // Inserts the wakeup sequence being built (sequence_) into the tree whose
  // branches are the sibling list `head` of `store`, at a state whose asleep
  // and explored-first threads do `asleep` first there (`own`: the thread
  // this execution takes there, which is no sleeper). When `store` holds
  // plan_limit_ planned steps, plans by the bounded rule instead (see
  // set_plan_limit()), and the caller calls mark_bounded().
  Planned insert_sequence(WakeupStore& store, int& head, std::span<const Step> asleep,
                          ThreadId own);
  // insert_sequence() past the plan limit: the sequence's first step alone,
  // unless a thread asleep or planned there could go first in it.
  Planned plan_first_step(WakeupStore& store, int& head, std::span<const Step> asleep,
                          ThreadId own);
  // `access` with its objects named as set_instance() says.
  void name_objects(Access& access) const;
  // Over the wakeup sequence being inserted (sequence_, minus the steps
  // already matched): whether `s` could go first, i.e. is a weak initial.
  bool weak_initial(const Step& s) const;
  // The step at `position` in the sequence (the last: later_in_sequence_).
  const Step& step_in_sequence(size_t position) const;
  // The happens-before clock of the step at `position` in the sequence.
  const Clock& clock_in_sequence(int position) const;
  // Removes thread t's first remaining step from the wakeup sequence.
  void consume(ThreadId t);
  void join_into(Clock& into, const Clock& from) const;
  // Thread t's happens-before frontier (see last_event_).
  const Clock& clock_of(ThreadId t) const;
  // The index of `object`'s entry in last_touch_, added if new.
  uint32_t last_touch(const void* object);
  // How step `e` touched `object` (one of its objects).
  static Role role_on(const Event& e, const void* object);
  // The previous step on `object` before step k (which touched it).
  int previous_on(size_t k, const void* object) const;

  // Sharding (set_shard()). The branches a top state has still to take: its
  // awake threads not explored yet (taken lowest first; also what
  // covered_fraction() counts as planned there).
  static ThreadSet top_branches_left(const Node& n);
  // Counts the top path the current execution has just completed and
  // tells whether it is this shard's.
  bool take_top_path();
  // This search's part and the number of parts; whether the current
  // execution is another part's, and whether its top path was taken in
  // this execution; top paths met so far.
  int shard_index_ = 0;
  int shard_count_ = 1;
  bool skipped_ = false;
  bool part_decided_ = false;
  uint64_t top_paths_ = 0;

  // The current path of choices, from the first step.
  std::vector<Node> path_;
  // For each node in turn, what its asleep threads and the threads explored
  // first from it do first there (one Step each; see Node::asleep_begin).
  std::vector<Step> asleep_;
  // The entries of the next new node, computed when its parent chooses.
  std::vector<Step> next_asleep_;
  // Sleep set of the next new node, computed when its parent chooses.
  ThreadSet next_sleep_;
  // The planned branches the next new node follows (a wakeup-tree sibling
  // list; -1: none, the node chooses freely).
  int pending_ = -1;
  // The wakeup trees of the states on the path.
  WakeupStore plans_;
  // The model instance's memory (set_instance()): its first byte's address
  // and its size.
  uintptr_t instance_begin_ = 0;
  size_t instance_size_ = 0;
  // Parallel exploration: the shared tree (nullptr: none); the shared states
  // on the path (path_[0, shared_path_.size()) are shared; the last is where
  // this worker's branch starts); steps before analysed_from_ were analysed
  // by whoever took them first (only their clocks are computed again);
  // branches taken.
  SharedTree* shared_ = nullptr;
  std::vector<SharedTree::State*> shared_path_;
  size_t analysed_from_ = 0;
  uint64_t branches_taken_ = 0;
  // The steps of the current execution, in order. Steps before first_new_
  // are kept from the previous execution (same choices, same steps).
  std::vector<Event> events_;
  // Races found at the step being recorded (indices of the earlier steps).
  std::vector<size_t> races_;
  // The clock of the step just recorded as its races see it: without the
  // unlock a lock waited for (race_clock_ holds it then).
  const Clock* later_clock_ = nullptr;
  Clock race_clock_{};
  // The step that woke the step being recorded from a spin hold (or a hold
  // after a yield), which it cannot precede: its clock is joined and it is
  // no race (as the unlock a lock waited for). -1: none.
  int woken_by_ = -1;
  // The probe of the step being recorded, if it is a compare_exchange with one.
  const ValueProbe* later_probe_ = nullptr;
  // The last step of the wakeup sequence being inserted (the later step of
  // the race) as it would run there: its role may differ (see the top).
  Step later_in_sequence_;
  // The wakeup sequence being inserted: indices into events_, in order.
  std::vector<int> sequence_;
  // Whether sequence_[i] has been matched against the tree (removed).
  std::vector<uint8_t> consumed_;
  // next_of_thread_[i]: position in sequence_ of the next step of the same
  // thread as sequence_[i]; -1 if none.
  std::vector<int> next_of_thread_;
  // first_left_[t]: position in sequence_ of thread t's first step not yet
  // consumed; -1 if none.
  std::array<int, kMaxThreads> first_left_{};
  // Threads with steps in sequence_ not yet consumed (empty: all consumed).
  ThreadSet threads_left_;
  // Each object the sequence touches, with how its steps not yet consumed
  // touch it.
  struct ObjectRoles {
    const void* object;
    // left[r]: steps left with Role r on the object.
    std::array<uint32_t, 8> left;
  };
  std::vector<ObjectRoles> sequence_objects_;
  // Threads that steps of the whole sequence join, and that have steps in it.
  ThreadSet sequence_joins_;
  ThreadSet sequence_threads_;
  // Whether every step of the sequence only touches variables (on_variables()),
  // so that a sleeper independent of it may cover it (covered_by_sleepers()).
  bool weak_cover_allowed_ = true;
  // Objects touched in the current execution (few: a linear scan is fastest).
  std::vector<LastTouch> last_touch_;
  // Per-thread latest reads of each variable (see LastTouch::reads).
  std::vector<std::array<int, kMaxThreads>> last_reads_;
  // last_event_[t]: thread t's latest step in events_, or the step that
  // spawned it before its first; -1 if neither. Its clock is t's
  // happens-before frontier.
  std::array<int, kMaxThreads> last_event_{};
  // The clock of a thread with no step before it.
  Clock zero_clock_{};
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
  // Whether begin_execution() has found nothing left to explore.
  bool finished_ = false;
  // Planned steps that turned out not runnable (or asleep) when reached.
  uint64_t unrunnable_plans_ = 0;
  // The planned step the step being chosen follows, if following_plan_.
  Step planned_step_;
  bool following_plan_ = false;
  // See mislabelled_plans().
  uint64_t mislabelled_plans_ = 0;
  // See set_plan_limit() (SIZE_MAX: no limit) and bounded_plans().
  size_t plan_limit_ = SIZE_MAX;
  uint64_t bounded_plans_ = 0;
};

}  // namespace interleave
