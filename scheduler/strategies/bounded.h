// Preemption-bounded depth-first search: DFS over only the schedules with at
// most K preemptions.
//
// A preemption is a step by another thread while the thread that performed
// the previous step could have gone on (it is still runnable). Switching
// because the previous thread blocked (a lock held by another thread, a
// join, a wait) or finished is not one. Most concurrency bugs need only a few
// preemptions (Musuvathi and Qadeer, "Iterative context bounding", PLDI
// 2007), and the schedules with at most K of them grow polynomially with the
// length of the execution, not exponentially.
//
// Exploration order is DFS's (the running thread first, then the others in
// thread order). Preemptions only accumulate along a path, so cutting every
// branch that would exceed K explores each schedule with at most K
// preemptions exactly once. exhaustive() is true only when no branch was cut:
// then every schedule of the model has at most K preemptions and all were
// explored.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "scheduler/strategies/block_sleep.h"
#include "scheduler/strategies/strategy.h"

namespace interleave {

class BoundedStrategy : public Strategy {
 public:
  // No bound: every schedule (plain DFS).
  static constexpr int kUnbounded = INT_MAX;

  explicit BoundedStrategy(int max_preemptions);

  std::string_view name() const override { return "bounded"; }
  bool begin_execution() override;
  ThreadId pick(const SchedulingPoint& point) override;
  // Every alternative of a step, in order, before the next thread at its
  // branch; never a preemption.
  int choose(const ChoicePoint& point) override;
  bool exhaustive() const override { return error().empty() && !cut_; }

  // Explores each class of equivalent schedules within the bound once, not
  // every order in which independent blocks of threads can run (block
  // sleep sets, block_sleep.h); repeats end as pruned. Iterative bounding
  // uses it. Before the first execution.
  void use_block_sleep_sets() { reduce_ = true; }
  // The model instance this search's executions run (ModelRunner::
  // instance_memory()): with block sleep sets, split() hands over only
  // subtrees whose sleepers touched objects inside it (named by offset,
  // the same in the receiver's instance). Before the first execution.
  void set_instance(std::span<const std::byte> instance) { blocks_.set_instance(instance); }

  // The bound K.
  int bound() const { return bound_; }
  int preemption_bound() const override { return bound_; }
  std::string coverage(uint64_t executions) const override;
  // coverage() of a search with bound `bound` that cut schedules.
  static std::string describe_cut(int bound, uint64_t executions);

  // Sharding: splits the search into `count` disjoint parts and explores
  // part `index` (0-based) only. An execution's part is a hash of the threads
  // chosen at its first kShardDepth branching steps (steps with more than one
  // thread to run), so it is decided a few steps in: an execution that
  // reaches a branching step of another part is cut there (skipped(), the
  // part below left to that shard), and one that ends sooner is skipped if
  // its choices hash to another part. Every execution of the unsharded search
  // falls in exactly one part: the parts' counts add up to the whole.
  void set_shard(int index, int count) {
    shard_index_ = index;
    shard_count_ = count;
  }
  static constexpr int kShardDepth = 6;
  bool skipped() const override { return skipped_; }
  void end_execution() override;
  // Whether some schedule was left out because it needs more than K
  // preemptions (so far, over every execution explored since start()).
  bool cut() const { return cut_; }
  // Preemptions of the current execution so far.
  int preemptions() const { return preemptions_; }
  // See Strategy::covered_fraction(): over the schedules within the bound.
  // O(length of the current path).
  std::optional<double> covered_fraction() const override;

  // --- Parallel exploration (parallel.h) ---
  //
  // Workers split the search into subtrees, each a contiguous run of the
  // sequential search's executions: a worker runs its subtree in the
  // sequential order and, asked for work, gives away what remains at the
  // shallowest branch of its subtree (split()). Every execution of the
  // search falls in exactly one subtree, so the subtrees' counts add up to
  // the sequential count, and order keys put the subtrees, and the
  // executions in them, in the sequential order.

  // One scheduling decision on the current path.
  struct Branch {
    // Threads that could run at this step.
    ThreadSet runnable;
    // Threads chosen here already, in this or earlier executions, and
    // threads the bound rules out here.
    ThreadSet tried;
    // The thread chosen in the current execution.
    ThreadId chosen;
    // The thread that performed the previous step (kNoThread at the first).
    ThreadId previous;
    // How many threads the search runs at this step over all executions:
    // runnable.size(), or 1 where the bound rules the others out.
    int alternatives;
    // The outcomes of the chosen thread's operation (Execution::choose()):
    // how many (0 until it chooses, and for an operation that does not),
    // and the one taken in the current execution.
    int outcomes = 0;
    int outcome = 0;
    // The outcome this search stops before at this branch, when a subtree
    // holding the later ones was given away (split()); INT_MAX:
    // none was.
    int outcome_end = INT_MAX;
  };

  // A subtree of the search: the choices that lead to it, replayed as they
  // are, and at its last branch (its root) the alternatives left to it, the
  // first of them chosen.
  struct Subtree {
    // From the first step to the root; only the root is ever backtracked.
    std::vector<Branch> path;
    // The order key (order_key()) of the root's first alternative: where
    // the subtree starts in the sequential order.
    std::vector<uint32_t> order;
    // Where it starts as a share of the whole search, estimated as
    // position() estimates (0 for the whole search).
    double position = 0;
    // With block sleep sets: the branches taken at the free switches down
    // to the root, and whether the root takes a thread not taken there
    // before (else the chosen thread's later outcomes).
    std::optional<BlockSleepSets::Prefix> blocks;
    bool root_takes_new_thread = true;
  };
  // The whole search, as one subtree: start() with it explores as a fresh
  // strategy does.
  static Subtree whole() { return Subtree{}; }
  // Explores `subtree` only, from its first execution on, forgetting any
  // current search; cut() then says whether the bound cut a schedule of it.
  void start(Subtree subtree);
  // Gives away the rest of the search at its shallowest branch that has
  // any left: all of it if this search keeps work below that branch, else
  // the later half of the alternatives left there. nullopt when that would
  // leave this search or the subtree nothing; with block sleep sets, also
  // when this search keeps no work below (the later half's sleepers would
  // include the earlier half's threads, whose footprints are not recorded
  // yet) or when a sleeper's footprint touched an object outside the model
  // instance (BlockSleepSets::prefix()). Between executions only.
  std::optional<Subtree> split();
  // The current execution's place in the sequential order: one number per
  // step chosen so far, ranking its thread and outcome among the branch's
  // alternatives in the order the search takes them. Comparing two keys
  // lexicographically orders their executions as the sequential search runs
  // them.
  std::vector<uint32_t> order_key() const;
  // The share of the search that comes before the current execution in the
  // sequential order, estimated as covered_fraction() estimates (siblings
  // equally big), but from the order of the choices alone, whatever was
  // given away. O(length of the path).
  double position() const { return position_of(path_, std::min(depth_, path_.size())); }
  // The same for the first `steps` branches of `path`.
  static double position_of(const std::vector<Branch>& path, size_t steps);
  // Whether every execution of the subtree that starts at `order`
  // (Subtree::order) comes after the execution with order key `key` in the
  // sequential search.
  static bool after(const std::vector<uint32_t>& order, const std::vector<uint32_t>& key);

 private:
  // Whether choosing `t` at branch `b` is a preemption.
  static bool preempts(const Branch& b, ThreadId t) {
    return b.previous != kNoThread && t != b.previous && b.runnable.contains(b.previous);
  }

  int bound_;
  // The choices of the current execution, from the first step; as in
  // DFS, branches below depth_ are replayed, beyond it new.
  std::vector<Branch> path_;
  size_t depth_ = 0;
  // Preemptions of the current execution so far.
  int preemptions_ = 0;
  // Whether a branch has been ruled out by the bound.
  bool cut_ = false;
  bool started_ = false;
  // Whether begin_execution() has found nothing left to explore.
  bool finished_ = false;
  // Whether block sleep sets are on (use_block_sleep_sets()), and their
  // state.
  bool reduce_ = false;
  BlockSleepSets blocks_;
  // The shallowest branch begin_execution() may backtrack to: 0 for the
  // whole search, the root of a subtree (start()) otherwise.
  size_t floor_ = 0;
  // Whether `b` has alternatives this search has yet to take.
  static bool has_work(const Branch& b);
  // The order key component of taking thread `t` with outcome `outcome` at `b`.
  static uint32_t rank(const Branch& b, ThreadId t, int outcome);

  // Sharding (set_shard()): this search's part and the number of parts.
  int shard_index_ = 0;
  int shard_count_ = 1;
  // The current execution's branching steps so far (up to kShardDepth) and
  // the hash of their choices; whether it belongs to another part.
  int branchings_ = 0;
  uint64_t shard_hash_ = 0;
  bool skipped_ = false;
  // Folds branch `b`, at depth `depth`, into the current execution's part;
  // false once the execution turns out to belong to another part.
  bool in_shard(const Branch& b, size_t depth);
};

}  // namespace interleave
