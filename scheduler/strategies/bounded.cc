#include "scheduler/strategies/bounded.h"

#include <algorithm>
#include <bit>
#include <utility>

#include <fmt/format.h>

namespace interleave {

BoundedStrategy::BoundedStrategy(int max_preemptions) : bound_(max_preemptions) {
  path_.reserve(1024);
}

bool BoundedStrategy::begin_execution() {
  depth_ = 0;
  preemptions_ = 0;
  branchings_ = 0;
  shard_hash_ = 0x9e3779b97f4a7c15ull;
  skipped_ = false;
  if (!error().empty()) return false;
  if (reduce_) blocks_.begin_execution();
  if (!started_) {
    started_ = true;
    return true;
  }
  // Backtrack: the deepest branch with a thread neither tried nor ruled out
  // by the bound takes it; everything below it is explored afresh. Branches
  // above floor_ lead to this search's subtree: never backtracked.
  while (path_.size() > floor_) {
    Branch& b = path_.back();
    if (b.outcome + 1 < std::min(b.outcomes, b.outcome_end)) {
      ++b.outcome;  // the same thread, its operation's next outcome
      if (reduce_) blocks_.backtrack(path_.size() - 1, b.chosen, false);
      return true;
    }
    ThreadSet untried = b.runnable;
    untried.erase_all(b.tried);
    if (!untried.empty()) {
      b.chosen = untried.lowest();
      b.tried.insert(b.chosen);
      b.outcomes = b.outcome = 0;
      if (reduce_) blocks_.backtrack(path_.size() - 1, b.chosen, true);
      return true;
    }
    path_.pop_back();
  }
  finished_ = true;
  return false;
}

ThreadId BoundedStrategy::pick(const SchedulingPoint& point) {
  const ThreadSet runnable = point.runnable;
  if (depth_ < path_.size()) {
    const Branch& b = path_[depth_++];
    if (b.runnable != runnable || b.previous != point.current) {
      set_not_deterministic(depth_);
      return kNoThread;
    }
    if (preempts(b, b.chosen)) ++preemptions_;
    if (!in_shard(b, depth_ - 1)) return kNoThread;
    if (reduce_) {
      if (!runnable.contains(b.previous)) {
        blocks_.switch_point(point, depth_ - 1);
        blocks_.take(depth_ - 1, b.chosen);
      }
      blocks_.step(b.chosen, point.next[b.chosen]);
    }
    return b.chosen;
  }
  const bool can_continue = point.current != kNoThread && runnable.contains(point.current);
  Branch b{runnable, ThreadSet(), kNoThread, point.current, static_cast<int>(runnable.size())};
  if (reduce_ && !can_continue) {
    const ThreadSet asleep = blocks_.switch_point(point, depth_);
    ThreadSet awake = runnable;
    awake.erase_all(asleep);
    // Every thread that could go on is asleep: what follows was explored.
    if (awake.empty()) return kNoThread;
    b.chosen = awake.lowest();
    b.tried = runnable;
    b.tried.erase_all(awake);  // the asleep ones count as tried
  } else {
    b.chosen = can_continue ? point.current : runnable.lowest();
    // Asleep threads are not taken as preemptions either.
    if (reduce_) b.tried = blocks_.asleep();
  }
  b.tried.insert(b.chosen);
  if (can_continue && preemptions_ >= bound_) {
    // Every other thread would preempt the running one, one preemption too
    // many: rule them out here.
    if (runnable.size() > 1) cut_ = true;
    b.tried = runnable;
    b.alternatives = 1;
  }
  path_.push_back(b);
  ++depth_;
  if (!in_shard(b, depth_ - 1)) return kNoThread;
  if (reduce_) {
    if (!can_continue) blocks_.take(depth_ - 1, b.chosen);
    blocks_.step(b.chosen, point.next[b.chosen]);
  }
  // The first choice continues the previous thread when it can: never a
  // preemption.
  return b.chosen;
}

bool BoundedStrategy::in_shard(const Branch& b, size_t depth) {
  if (shard_count_ == 1 || b.alternatives < 2 || branchings_ >= kShardDepth) return true;
  // SplitMix64-style mixing of (depth, thread) into the hash.
  uint64_t x = shard_hash_ ^ ((static_cast<uint64_t>(depth) << 8) | static_cast<uint64_t>(b.chosen));
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  shard_hash_ = x ^ (x >> 31);
  if (++branchings_ < kShardDepth) return true;
  // The part is decided: below here, every execution is this part's or none is.
  skipped_ = static_cast<int>(shard_hash_ % static_cast<uint64_t>(shard_count_)) != shard_index_;
  return !skipped_;
}

void BoundedStrategy::end_execution() {
  if (reduce_) blocks_.end_execution();
  // An execution with fewer branching steps: decided by the ones it had.
  if (shard_count_ > 1 && branchings_ < kShardDepth) {
    skipped_ = static_cast<int>(shard_hash_ % static_cast<uint64_t>(shard_count_)) != shard_index_;
  }
}

bool BoundedStrategy::has_work(const Branch& b) {
  if (b.outcome + 1 < std::min(b.outcomes, b.outcome_end)) return true;
  ThreadSet untried = b.runnable;
  untried.erase_all(b.tried);
  return !untried.empty();
}

uint32_t BoundedStrategy::rank(const Branch& b, ThreadId t, int outcome) {
  // The search takes first the thread of the previous step if it can go on,
  // else the lowest; then the others in thread order; each thread's
  // outcomes in order.
  const ThreadId first = b.runnable.contains(b.previous) ? b.previous : b.runnable.lowest();
  const uint32_t thread_rank = t == first ? 0 : static_cast<uint32_t>(t) + 1;
  return thread_rank << 16 | static_cast<uint32_t>(outcome);
}

void BoundedStrategy::start(Subtree subtree) {
  path_ = std::move(subtree.path);
  floor_ = path_.empty() ? 0 : path_.size() - 1;
  if (reduce_) {
    const ThreadId root_thread = path_.empty() ? kNoThread : path_.back().chosen;
    blocks_.start(std::move(subtree.blocks).value_or(BlockSleepSets::Prefix{}), floor_,
                  root_thread, !path_.empty() && subtree.root_takes_new_thread);
  }
  started_ = false;  // the first begin_execution() runs the subtree's first execution
  finished_ = false;
  cut_ = false;
}

std::optional<BoundedStrategy::Subtree> BoundedStrategy::split() {
  if (finished_ || !started_) return std::nullopt;
  size_t d = floor_;
  while (d < path_.size() && !has_work(path_[d])) ++d;
  if (d == path_.size()) return std::nullopt;
  bool keeps_deeper = false;
  for (size_t e = d + 1; e < path_.size() && !keeps_deeper; ++e) keeps_deeper = has_work(path_[e]);

  // The alternatives left at branch d, in the order the search takes them:
  // the chosen thread's later outcomes, then the untried threads.
  Branch& b = path_[d];
  const int outcomes_left = std::max(0, std::min(b.outcomes, b.outcome_end) - b.outcome - 1);
  ThreadSet untried = b.runnable;
  untried.erase_all(b.tried);
  const int left = outcomes_left + untried.size();
  // Give all of them if this search keeps work below, else the later half.
  const int keep = keeps_deeper ? 0 : left / 2;
  if (keep == 0 && !keeps_deeper) return std::nullopt;  // one left and nothing below

  Subtree subtree;
  if (reduce_) {
    if (!keeps_deeper) return std::nullopt;
    subtree.blocks = blocks_.prefix(d);
    if (!subtree.blocks) return std::nullopt;
    subtree.root_takes_new_thread = outcomes_left == 0;
  }
  subtree.path.assign(path_.begin(), path_.begin() + static_cast<std::ptrdiff_t>(d) + 1);
  Branch& root = subtree.path.back();
  if (keep < outcomes_left) {
    // The subtree starts among the chosen thread's outcomes and takes the
    // untried threads too.
    root.outcome = b.outcome + 1 + keep;
    b.outcome_end = root.outcome;
    b.tried = b.runnable;
  } else {
    // The subtree starts at an untried thread: it takes that one and the
    // untried ones after it.
    ThreadSet given = untried;
    for (int k = keep - outcomes_left; k > 0; --k) given.erase(given.lowest());
    root.chosen = given.lowest();
    root.tried = b.runnable;
    root.tried.erase_all(given);
    root.tried.insert(root.chosen);
    root.outcomes = root.outcome = 0;
    root.outcome_end = INT_MAX;
    b.tried.insert_all(given);
  }
  subtree.position = position_of(subtree.path, subtree.path.size());
  subtree.order.reserve(subtree.path.size());
  for (const Branch& s : subtree.path) subtree.order.push_back(rank(s, s.chosen, s.outcome));
  return subtree;
}

std::vector<uint32_t> BoundedStrategy::order_key() const {
  std::vector<uint32_t> key;
  const size_t steps = std::min(depth_, path_.size());
  key.reserve(steps);
  for (size_t i = 0; i < steps; ++i) key.push_back(rank(path_[i], path_[i].chosen, path_[i].outcome));
  return key;
}

double BoundedStrategy::position_of(const std::vector<Branch>& path, size_t steps) {
  CoveredFraction fraction;
  for (size_t i = 0; i < steps; ++i) {
    const Branch& b = path[i];
    // The alternatives the search takes before the chosen thread: none for
    // the first, else the first and the lower-numbered others (all ruled
    // out when the bound left one alternative).
    const ThreadId first = b.runnable.contains(b.previous) ? b.previous : b.runnable.lowest();
    int before = 0;
    if (b.chosen != first) {
      const uint64_t lower = b.runnable.bits() & ((uint64_t{1} << b.chosen) - 1);
      before = 1 + std::popcount(lower) - (first < b.chosen ? 1 : 0);
    }
    fraction.add_node(b.alternatives, std::min(before, b.alternatives - 1));
    if (b.outcomes > 1) fraction.add_node(b.outcomes, b.outcome);
  }
  return fraction.value();
}

bool BoundedStrategy::after(const std::vector<uint32_t>& order,
                            const std::vector<uint32_t>& key) {
  // Every execution of the subtree shares its path up to the root and takes
  // at the root an alternative no earlier than the subtree's first.
  const size_t common = std::min(order.size(), key.size());
  for (size_t i = 0; i < common; ++i) {
    if (order[i] != key[i]) return order[i] > key[i];
  }
  return false;
}

int BoundedStrategy::choose(const ChoicePoint& point) {
  Branch& b = path_[depth_ - 1];  // the branch of the step that chooses
  if (b.outcomes == 0) {
    b.outcomes = point.alternatives;  // first time here: its first outcome
    b.outcome = 0;
  } else if (b.outcomes != point.alternatives) {
    set_not_deterministic(depth_);
    return -1;
  }
  if (reduce_) blocks_.outcomes();
  return b.outcome;
}

std::optional<double> BoundedStrategy::covered_fraction() const {
  if (finished_) return 1.0;
  CoveredFraction fraction;
  for (const Branch& b : path_) {
    ThreadSet untried = b.runnable;
    untried.erase_all(b.tried);
    // Alternatives finished before the current one: those neither current
    // nor still to come.
    fraction.add_node(b.alternatives, b.alternatives - 1 - static_cast<int>(untried.size()));
    if (b.outcomes > 1) fraction.add_node(b.outcomes, b.outcome);
  }
  return fraction.value();
}

std::string BoundedStrategy::coverage(uint64_t executions) const {
  // Nothing cut: every schedule was explored, and the default wording fits.
  if (exhaustive()) return {};
  return describe_cut(bound_, executions);
}

std::string BoundedStrategy::describe_cut(int bound, uint64_t executions) {
  return fmt::format("in {} executions within {} preemption{}", executions, bound,
                     bound == 1 ? "" : "s");
}

}  // namespace interleave
