#include "scheduler/strategies/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "scheduler/reports/progress.h"
#include "scheduler/strategies/bounded.h"
#include "scheduler/strategies/dfs.h"
#include "scheduler/strategies/iterative.h"
#include "scheduler/strategies/parallel_dpor.h"
#include "scheduler/strategies/portfolio.h"

namespace interleave {

namespace {

using Clock = std::chrono::steady_clock;
using OrderKey = std::vector<uint32_t>;
using Subtree = BoundedStrategy::Subtree;

// What a part of a run adds to its counts.
struct Counts {
  // Executions run to the end or to a failure, and the failing ones.
  uint64_t executions = 0;
  uint64_t failing = 0;
  // Executions cut short as repeats; cut as another shard's.
  uint64_t pruned = 0;
  uint64_t other_shards = 0;
  // Steps over all of them.
  uint64_t steps = 0;
  // Whether the bound cut a schedule (bounded, iterative).
  bool cut = false;

  void add(const Counts& c) {
    executions += c.executions;
    failing += c.failing;
    pruned += c.pruned;
    other_shards += c.other_shards;
    steps += c.steps;
    cut = cut || c.cut;
  }
};

// What one worker did in one subtree: the counts it adds to the run, and
// its first failure.
struct SubtreeRun {
  // Where the subtree starts in the sequential order (Subtree::order).
  OrderKey order;
  Counts counts;
  // The first failing execution of the subtree, its order key, and the
  // subtree's counts up to it, itself included. The worker stops the
  // subtree there unless the run counts every failure (CheckOptions::all).
  std::optional<FoundFailure> failure;
  OrderKey failure_key;
  Counts at_failure;
};

// One round of a parallel search: the subtrees waiting for a worker, the
// workers waiting for a subtree, the earliest failure so far, and what the
// workers ran.
class Round {
 public:
  // A subtree to explore, and where it ends as a share of the search
  // (BoundedStrategy::position()); it starts at subtree.position.
  struct Task {
    Subtree subtree;
    double end = 1;
  };

  Round(int workers, const CheckOptions& options, Clock::time_point start)
      : workers_(workers), options_(options), shared_budget_(options, start),
        counts_(static_cast<size_t>(workers)) {
    waiting_subtrees_.push_back(Task{BoundedStrategy::whole(), 1});
  }

  // The next subtree for a worker, waiting until one is given away; nullopt
  // when the round is over (every worker idle and none waiting, or stopped).
  std::optional<Task> take(int worker) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      while (!waiting_subtrees_.empty() && !over_) {
        Task t = std::move(waiting_subtrees_.back());
        waiting_subtrees_.pop_back();
        queued_.fetch_sub(1, std::memory_order_relaxed);
        if (comes_after_failure(t.subtree.order)) continue;  // no execution of it counts
        WorkerCounts& c = counts_of(worker);
        c.start.store(t.subtree.position, std::memory_order_relaxed);
        c.end.store(t.end, std::memory_order_relaxed);
        c.at.store(t.subtree.position, std::memory_order_relaxed);
        c.busy.store(true, std::memory_order_relaxed);
        return t;
      }
      if (over_) return std::nullopt;
      if (++idle_ == workers_) {
        over_ = true;
        wake_.notify_all();
        return std::nullopt;
      }
      hungry_.fetch_add(1, std::memory_order_relaxed);
      wake_.wait(lock, [&] { return !waiting_subtrees_.empty() || over_; });
      hungry_.fetch_sub(1, std::memory_order_relaxed);
      --idle_;
    }
  }

  // Whether a worker waits for work that nobody has given yet: cheap, asked
  // between executions.
  bool wants_work() const {
    return hungry_.load(std::memory_order_relaxed) > queued_.load(std::memory_order_relaxed);
  }

  // Worker `worker` gives `s`, the end of its subtree: its own now ends
  // where `s` starts.
  void give(int worker, Subtree s) {
    std::lock_guard<std::mutex> lock(mutex_);
    WorkerCounts& c = counts_of(worker);
    const double end = c.end.load(std::memory_order_relaxed);
    c.end.store(s.position, std::memory_order_relaxed);
    waiting_subtrees_.push_back(Task{std::move(s), end});
    queued_.fetch_add(1, std::memory_order_relaxed);
    wake_.notify_one();
  }

  // A worker found a failure at `key`: subtrees after the earliest failure
  // found so far need not run (unless every failure is counted).
  void found_failure(const OrderKey& key) {
    if (options_.all) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!earliest_failure_ || key < *earliest_failure_) {
      earliest_failure_ = key;
      failures_.fetch_add(1, std::memory_order_release);
    }
  }

  // Whether the subtree starting at `order` comes after the earliest
  // failure found so far. Cheap while no failure has been found.
  bool abandon(const OrderKey& order) {
    if (failures_.load(std::memory_order_acquire) == 0) return false;
    std::lock_guard<std::mutex> lock(mutex_);
    return comes_after_failure(order);
  }

  // Stops the round: an error, or a budget spent.
  void stop(std::string error, std::string budget) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_.empty() && budget_.empty()) {
      error_ = std::move(error);
      budget_ = std::move(budget);
    }
    over_ = true;
    stopped_.store(true, std::memory_order_relaxed);
    wake_.notify_all();
  }
  bool stopped() const { return stopped_.load(std::memory_order_relaxed); }
  // Stops the round without a reason of its own (a probe found a failure).
  void halt() { stop({}, {}); }

  // A budget check before each execution: the executions begun so far by all
  // workers, and the time. Free when the run has no budget.
  bool within_budget() {
    std::string spent = shared_budget_.spend();
    if (spent.empty()) return true;
    stop({}, std::move(spent));
    return false;
  }

  // Worker `worker` is done with its subtree.
  void record(int worker, SubtreeRun run) {
    std::lock_guard<std::mutex> lock(mutex_);
    WorkerCounts& c = counts_of(worker);
    finished_share_ += c.end.load(std::memory_order_relaxed) - c.start.load(std::memory_order_relaxed);
    c.busy.store(false, std::memory_order_relaxed);
    runs_.push_back(std::move(run));
  }

  // The share of the search covered so far, estimated: the subtrees done,
  // and the part of each subtree in progress before its worker's position
  // (as fresh as the worker's last look at position_asked()).
  double covered() {
    std::lock_guard<std::mutex> lock(mutex_);
    asked_.fetch_add(1, std::memory_order_relaxed);
    double covered = finished_share_;
    for (const WorkerCounts& c : counts_) {
      if (!c.busy.load(std::memory_order_relaxed)) continue;
      const double start = c.start.load(std::memory_order_relaxed);
      const double end = c.end.load(std::memory_order_relaxed);
      covered += std::clamp(c.at.load(std::memory_order_relaxed), start, end) - start;
    }
    return std::clamp(covered, 0.0, 1.0);
  }
  // Bumped each time covered() is asked: a worker that sees it change
  // publishes its position.
  uint64_t position_asked() const { return asked_.load(std::memory_order_relaxed); }

  // Executions counted and cut short so far, for the progress line: each
  // worker writes its own (no cache line shared between workers), this sums.
  struct alignas(64) WorkerCounts {
    std::atomic<uint64_t> executions{0};
    std::atomic<uint64_t> pruned{0};
    // The worker's subtree as shares of the search, and where in it the
    // worker is; busy: it has one.
    std::atomic<double> start{0}, end{0}, at{0};
    std::atomic<bool> busy{false};
  };
  WorkerCounts& counts_of(int worker) { return counts_[static_cast<size_t>(worker)]; }
  uint64_t executions() const {
    uint64_t sum = 0;
    for (const WorkerCounts& c : counts_) sum += c.executions.load(std::memory_order_relaxed);
    return sum;
  }
  uint64_t pruned() const {
    uint64_t sum = 0;
    for (const WorkerCounts& c : counts_) sum += c.pruned.load(std::memory_order_relaxed);
    return sum;
  }
  // Executions begun, counted or cut short, by every worker so far.
  uint64_t begun() const { return executions() + pruned(); }

  bool over() {
    std::lock_guard<std::mutex> lock(mutex_);
    return over_;
  }
  // Waits until the round is over or `until`.
  void wait_until(Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait_until(lock, until, [&] { return over_ && running_ == 0; });
  }
  void worker_started() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++running_;
  }
  void worker_finished() {
    std::lock_guard<std::mutex> lock(mutex_);
    --running_;
    done_.notify_all();
  }

  // After the workers have joined.
  std::vector<SubtreeRun>& runs() { return runs_; }
  const std::string& error() const { return error_; }
  const std::string& budget() const { return budget_; }

 private:
  bool comes_after_failure(const OrderKey& order) const {
    return earliest_failure_ && BoundedStrategy::after(order, *earliest_failure_);
  }

  const int workers_;
  const CheckOptions& options_;

  std::mutex mutex_;
  std::condition_variable wake_;  // a subtree was given, or the round is over
  std::condition_variable done_;  // a worker has finished
  // Subtrees given away and not yet taken.
  std::vector<Task> waiting_subtrees_;
  // Workers waiting in take(), and how many subtrees wait: a busy worker
  // gives work only while the first exceeds the second.
  std::atomic<int> hungry_{0};
  std::atomic<int> queued_{1};
  // Workers in take() with nothing to take; workers not yet finished.
  int idle_ = 0;
  int running_ = 0;
  // Whether the round is over: no work left anywhere, or stopped.
  bool over_ = false;
  std::atomic<bool> stopped_{false};
  // The earliest failure found (its order key), and how many times it
  // changed (read without the lock).
  std::optional<OrderKey> earliest_failure_;
  std::atomic<uint64_t> failures_{0};
  // Executions begun and the time since the run started (--executions,
  // --seconds).
  SharedBudget shared_budget_;
  // The share of the search in subtrees done; how many times covered() asked.
  double finished_share_ = 0;
  std::atomic<uint64_t> asked_{0};
  std::vector<WorkerCounts> counts_;
  std::vector<SubtreeRun> runs_;
  std::string error_;
  std::string budget_;
};

// What a round found, once its subtrees are put in the sequential order:
// its counts, and its first failure.
struct RoundResult : Counts {
  std::optional<FoundFailure> first_failure;
  // Executions begun (counted or cut short) in the sequential order: the
  // failing one's place (1-based), or all of them when none failed.
  uint64_t failure_begun = 0;
  uint64_t begun = 0;
  // Probes that count as executions before the run stopped (ProbeLane).
  uint64_t probes = 0;
  std::string error;
  std::string budget;
  // Subtrees the workers took.
  uint64_t subtrees = 0;
};

std::unique_ptr<BoundedStrategy> tree_strategy(const CheckOptions& options, int bound) {
  std::unique_ptr<BoundedStrategy> s;
  if (bound == BoundedStrategy::kUnbounded) {
    s.reset(new DfsStrategy());
  } else {
    s.reset(new BoundedStrategy(bound));
    // Iterative's rounds, as IterativeStrategy runs them.
    if (options.strategy == "iterative") s->use_block_sleep_sets();
  }
  s->set_shard(options.shard_index, options.shard_count);
  return s;
}

// One worker: takes subtrees and explores each until it is done, gives part
// of it away, or fails.
void work(Round& round, int worker, ModelRunner& model, BoundedStrategy& strategy,
          const ModelSpec& spec, const Params& params, const CheckOptions& options) {
  Execution execution(options.limits);
  Round::WorkerCounts& counts = round.counts_of(worker);
  // Single writer: a load and a store, not a locked add.
  auto add = [](std::atomic<uint64_t>& n) {
    n.store(n.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  };
  uint64_t position_asked = 0;
  while (std::optional<Round::Task> task = round.take(worker)) {
    SubtreeRun run;
    run.order = task->subtree.order;
    strategy.start(std::move(task->subtree));
    while (!round.stopped() && strategy.begin_execution()) {
      if (round.abandon(run.order)) break;  // all of it comes after a failure
      if (!round.within_budget()) break;
      const Outcome outcome = execution.run(model, strategy);
      run.counts.steps += execution.steps();
      if (strategy.skipped()) {
        ++run.counts.other_shards;
      } else if (outcome == Outcome::kStopped) {
        if (!execution.error().empty() || !strategy.error().empty()) {
          round.stop(!execution.error().empty() ? execution.error() : strategy.error(), {});
          break;
        }
        ++run.counts.pruned;
        add(counts.pruned);
      } else {
        ++run.counts.executions;
        add(counts.executions);
        if (outcome == Outcome::kFailed) {
          ++run.counts.failing;
          if (!run.failure) {
            run.failure = found_failure(spec, params, execution);
            run.failure_key = strategy.order_key();
            run.at_failure = run.counts;
            run.at_failure.cut = strategy.cut();
            round.found_failure(run.failure_key);
          }
          if (!options.all) break;  // the rest of this subtree comes later
        }
      }
      if (round.wants_work()) {
        if (std::optional<Subtree> given = strategy.split()) round.give(worker, std::move(*given));
      }
      if (round.position_asked() != position_asked) {
        position_asked = round.position_asked();
        counts.at.store(strategy.position(), std::memory_order_relaxed);
      }
    }
    if (!strategy.error().empty()) round.stop(strategy.error(), {});
    run.counts.cut = strategy.cut();
    round.record(worker, std::move(run));
  }
  round.worker_finished();
}

// The executions of a stream run one after the other (a probe lane's, a
// randomised worker's), for counting any first n of them afterwards: per
// execution, whether it was cut short as a repeat, and the steps up to it.
class ExecutionLog {
 public:
  void add(bool cut_short, uint64_t steps) {
    cut_short_.push_back(cut_short);
    steps_.push_back((steps_.empty() ? 0 : steps_.back()) + steps);
  }
  uint64_t size() const { return cut_short_.size(); }
  // Of the first `n`: how many were cut short, how many count as
  // executions, and their steps.
  uint64_t cut_short(uint64_t n) const {
    return static_cast<uint64_t>(
        std::count(cut_short_.begin(), cut_short_.begin() + static_cast<std::ptrdiff_t>(n), true));
  }
  uint64_t counted(uint64_t n) const { return n - cut_short(n); }
  uint64_t steps(uint64_t n) const { return n == 0 ? 0 : steps_[n - 1]; }

 private:
  std::vector<bool> cut_short_;
  std::vector<uint64_t> steps_;
};

// The probes of a `dfs` check (portfolio.h) when it runs on several workers:
// the calling thread runs them beside the workers, paced as a portfolio
// paces them between its exhaustive executions (PortfolioStrategy::quota),
// and stops at the first failing one. The explorer then puts them in the
// sequential order (see explore_parallel).
class ProbeLane {
 public:
  ProbeLane(const ModelSpec& spec, const Params& params, ModelRunner& model,
            const CheckOptions& options)
      : spec_(spec), params_(params), model_(model), execution_(options.limits),
        probes_(options.seed) {}

  // Runs the probes due once `exhaustive_begun` exhaustive executions have
  // begun, until `until`; stops at a failure or an error.
  void run_due(uint64_t exhaustive_begun, Clock::time_point until) {
    run_until(PortfolioStrategy::quota(exhaustive_begun), until);
  }
  // Runs probes until `count` have run, a failure, an error, or `until`.
  void run_until(uint64_t count, Clock::time_point until = Clock::time_point::max()) {
    while (!failure_ && error_.empty() && probes_.begun() < count && Clock::now() < until) {
      probes_.begin_execution();
      const Outcome outcome = execution_.run(model_, probes_);
      if (outcome == Outcome::kStopped && !execution_.error().empty()) {
        error_ = execution_.error();
        return;
      }
      log_.add(outcome == Outcome::kStopped, execution_.steps());
      if (outcome == Outcome::kFailed) {
        failure_ = found_failure(spec_, params_, execution_);
        failure_->by_probe = true;
      }
    }
  }
  // Whether probes are due once `exhaustive_begun` exhaustive executions
  // have begun.
  bool due(uint64_t exhaustive_begun) const {
    return !failure_ && error_.empty() &&
           probes_.begun() < PortfolioStrategy::quota(exhaustive_begun);
  }

  // The first failing probe, and its index (0-based) among the probes.
  const std::optional<FoundFailure>& failure() const { return failure_; }
  uint64_t failing_index() const { return log_.size() - 1; }
  const std::string& error() const { return error_; }
  // The probes run, for counting the first n of them.
  const ExecutionLog& log() const { return log_; }

 private:
  const ModelSpec& spec_;
  const Params& params_;
  ModelRunner& model_;
  Execution execution_;
  Probes probes_;
  ExecutionLog log_;
  std::optional<FoundFailure> failure_;
  std::string error_;
};

// The first `begun` executions of one core's DFS (counted or cut short), in
// the sequential order, up to its first failure: what a single-core run
// explores before the probe that fails there.
RoundResult first_executions(const ModelSpec& spec, const Params& params, ModelRunner& model,
                             const CheckOptions& options, uint64_t begun) {
  RoundResult result;
  DfsStrategy dfs;
  Execution execution(options.limits);
  while (result.begun < begun && dfs.begin_execution()) {
    const Outcome outcome = execution.run(model, dfs);
    result.steps += execution.steps();
    ++result.begun;
    if (outcome == Outcome::kStopped) {
      if (!execution.error().empty() || !dfs.error().empty()) {
        result.error = !execution.error().empty() ? execution.error() : dfs.error();
        return result;
      }
      ++result.pruned;
      continue;
    }
    ++result.executions;
    if (outcome == Outcome::kFailed) {
      result.failing = 1;
      result.failure_begun = result.begun;
      result.first_failure = found_failure(spec, params, execution);
      result.first_failure->execution = result.executions;
      return result;
    }
  }
  return result;
}


// Runs one round (one bound) with `jobs` workers and puts what they ran in
// the sequential order.
RoundResult run_round(const ModelSpec& spec, const Params& params,
                      std::vector<std::unique_ptr<ModelRunner>>& models, int bound,
                      const CheckOptions& options, Clock::time_point start, Progress& progress,
                      uint64_t executions_before, bool estimate, ProbeLane* lane) {
  const int jobs = static_cast<int>(models.size());
  Round round(jobs, options, start);
  std::vector<std::unique_ptr<BoundedStrategy>> strategies;
  std::vector<std::thread> threads;
  for (int w = 0; w < jobs; ++w) {
    strategies.push_back(tree_strategy(options, bound));
    strategies.back()->set_instance(models[static_cast<size_t>(w)]->instance_memory());
    round.worker_started();
  }
  for (int w = 0; w < jobs; ++w) {
    threads.emplace_back(work, std::ref(round), w, std::ref(*models[w]), std::ref(*strategies[w]),
                         std::cref(spec), std::cref(params), std::cref(options));
  }
  // This thread runs the probes that are due and keeps the progress line
  // while the workers explore.
  for (;;) {
    if (lane != nullptr && lane->due(round.begun())) {
      lane->run_due(round.begun(), Clock::now() + std::chrono::milliseconds(50));
      if (lane->failure() || !lane->error().empty()) round.halt();
    } else {
      // With probes to pace, look again soon: they are due as the workers go.
      round.wait_until(Clock::now() + std::chrono::milliseconds(lane != nullptr ? 2 : 100));
    }
    // Iterative search has no estimate: how many rounds follow is unknown.
    progress.update_at(Clock::now(), executions_before + round.executions(), round.pruned(),
                       estimate ? std::optional<double>(round.covered()) : std::nullopt);
    if (round.over()) break;
  }
  for (std::thread& t : threads) t.join();

  RoundResult result;
  result.error = round.error();
  result.budget = round.budget();
  for (const auto& s : strategies) {
    if (result.error.empty()) result.error = s->error();
  }
  std::vector<SubtreeRun>& runs = round.runs();
  result.subtrees = runs.size();
  std::sort(runs.begin(), runs.end(),
            [](const SubtreeRun& a, const SubtreeRun& b) { return a.order < b.order; });
  // The sequential run stops at the earliest failure: it counts the
  // subtrees before the failing one, and that one up to the failure.
  const SubtreeRun* failing = nullptr;
  for (const SubtreeRun& r : runs) {
    if (r.failure && (!failing || r.failure_key < failing->failure_key)) failing = &r;
  }
  for (const SubtreeRun& r : runs) {
    if (&r == failing && !options.all) {
      result.add(r.at_failure);
    } else if (!failing || options.all || r.order < failing->order) {
      result.add(r.counts);
    }
  }
  result.begun = result.executions + result.pruned;
  if (failing) {
    result.failure_begun = result.begun;
    result.first_failure = failing->failure;
    // Which execution it was, in the sequential order.
    uint64_t index = executions_before + failing->at_failure.executions;
    for (const SubtreeRun& r : runs) {
      if (&r == failing) break;
      index += r.counts.executions;
    }
    result.first_failure->execution = index;
  }
  return result;
}


// Puts the probes `lane` ran beside a finished round in one core's order,
// where the portfolio runs quota(n) probes once its search has begun n
// executions and the run stops at the first failure of either. The round
// becomes exactly what one core reports: if a probe fails before the
// search's first failure (or the search has none), the search counts only
// the executions begun before that probe, recounted on this thread.
void put_probes_in_order(const ModelSpec& spec, const Params& params, ModelRunner& model,
                         const CheckOptions& options, ProbeLane& lane, RoundResult& round) {
  if (!lane.error().empty()) {
    round.error = lane.error();
    return;
  }
  // A probe that failed while the workers ran stopped them: their round is
  // not the whole, and the recount below replaces it.
  const bool halted = lane.failure().has_value();
  // The probes one core runs before the search's failure, or in all.
  const uint64_t due = PortfolioStrategy::quota(round.first_failure ? round.failure_begun - 1
                                                                    : round.begun);
  if (!halted) lane.run_until(due);
  if (!lane.error().empty()) {
    round.error = lane.error();
    return;
  }
  if (!halted && (!lane.failure() || lane.failing_index() >= due)) {
    // The search's failure (or none) comes first.
    round.probes = lane.log().counted(due);
    round.pruned += lane.log().cut_short(due);
    round.steps += lane.log().steps(due);
    if (round.first_failure) round.first_failure->execution += round.probes;
    return;
  }
  // Probe i fails first unless the search fails before it: probe i runs
  // once the search has begun the fewest executions whose quota exceeds i.
  const uint64_t i = lane.failing_index();
  uint64_t begun = 0;
  while (PortfolioStrategy::quota(begun) <= i) ++begun;
  RoundResult recount = first_executions(spec, params, model, options, begun);
  recount.subtrees = round.subtrees;
  recount.cut = false;
  if (recount.first_failure) {
    // The search fails first after all: the probes before it pass.
    const uint64_t before = PortfolioStrategy::quota(recount.failure_begun - 1);
    recount.probes = lane.log().counted(before);
    recount.pruned += lane.log().cut_short(before);
    recount.steps += lane.log().steps(before);
    recount.first_failure->execution += recount.probes;
  } else {
    recount.probes = lane.log().counted(i + 1);
    recount.pruned += lane.log().cut_short(i);
    recount.steps += lane.log().steps(i + 1);
    recount.failing = 1;
    recount.first_failure = lane.failure();
    recount.first_failure->execution = recount.executions + recount.probes;
  }
  round = std::move(recount);
}

// --- Randomised strategies on several workers ------------------------------
//
// Worker w of N draws its executions from its own seed (derived from the
// run's seed and w) and runs the executions whose place in the run,
// i * N + w for its i-th, falls within the budget. The run's first failure
// is the one with the lowest place; a worker stops at its own first failure
// or once its places pass the lowest failing place found so far, so the
// result depends only on the seed, N and the budget, never on timing
// (--seconds aside).

// Worker w's seed: the run's own for a single worker.
uint64_t worker_seed(uint64_t seed, int worker) {
  if (worker == 0) return seed;
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(worker);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// What one randomised worker ran.
struct DrawnRun {
  // Its executions, the i-th at place i * workers + w.
  ExecutionLog log;
  // Its first failure, that execution's place in the run and its index
  // among the worker's own; its failing executions (all of them with
  // CheckOptions::all, else at most the first).
  std::optional<FoundFailure> failure;
  uint64_t failure_place = 0;
  uint64_t failing = 0;
  std::string error;
};

class DrawnRound {
 public:
  explicit DrawnRound(Clock::time_point start) : start_(start) {}
  // The lowest failing place found so far (UINT64_MAX: none).
  uint64_t best() const { return best_.load(std::memory_order_relaxed); }
  void found(uint64_t place) {
    uint64_t seen = best();
    while (place < seen && !best_.compare_exchange_weak(seen, place)) {
    }
  }
  std::atomic<bool> out_of_time{false};
  std::atomic<bool> failed_hard{false};  // an execution error: stop everything
  const Clock::time_point start_;

 private:
  std::atomic<uint64_t> best_{UINT64_MAX};
};

void draw(DrawnRound& round, int worker, int workers, uint64_t budget, ModelRunner& model,
          Strategy& strategy, const ModelSpec& spec, const Params& params,
          const CheckOptions& options, DrawnRun& run) {
  Execution execution(options.limits);
  for (uint64_t i = 0;; ++i) {
    const uint64_t place = i * static_cast<uint64_t>(workers) + static_cast<uint64_t>(worker);
    if (place >= budget || place > round.best() || round.failed_hard.load()) return;
    if (options.max_seconds > 0 &&
        std::chrono::duration<double>(Clock::now() - round.start_).count() >= options.max_seconds) {
      round.out_of_time.store(true);
      return;
    }
    if (!strategy.begin_execution()) return;
    const Outcome outcome = execution.run(model, strategy);
    if (outcome == Outcome::kStopped &&
        (!execution.error().empty() || !strategy.error().empty())) {
      run.error = !execution.error().empty() ? execution.error() : strategy.error();
      round.failed_hard.store(true);
      return;
    }
    run.log.add(outcome == Outcome::kStopped, execution.steps());
    if (outcome == Outcome::kFailed) {
      ++run.failing;
      if (run.failure) continue;  // counting every failure (CheckOptions::all)
      run.failure = found_failure(spec, params, execution);
      run.failure_place = place;
      if (options.all) continue;
      round.found(place);
      return;
    }
  }
}

// How many of worker w's executions (of `jobs` workers) lie at places
// before `place`: those i with i * jobs + w < place, at most those it ran.
uint64_t below(uint64_t place, int w, int jobs, const DrawnRun& run) {
  const uint64_t worker = static_cast<uint64_t>(w);
  const uint64_t n = place <= worker ? 0 : (place - worker + jobs - 1) / jobs;
  return std::min(n, run.log.size());
}

CheckResult explore_drawn(const ModelSpec& spec, const Params& params,
                          const RunnerFactory& make_runner, const CheckOptions& options,
                          const Strategy& described, CheckResult result) {
  const int jobs = options.jobs;
  const auto start = Clock::now();
  Progress progress(options, start);
  // The budget: options', or the default one.
  const bool default_budget = options.max_executions == 0 && !(options.max_seconds > 0);
  const uint64_t budget = options.max_executions != 0 ? options.max_executions
                          : default_budget           ? CheckOptions::kDefaultRandomExecutions
                                                     : UINT64_MAX;
  std::vector<std::unique_ptr<ModelRunner>> models;
  std::vector<std::unique_ptr<Strategy>> strategies;
  for (int w = 0; w < jobs; ++w) {
    models.push_back(make_runner());
    CheckOptions mine = options;
    mine.seed = worker_seed(options.seed, w);
    strategies.push_back(std::move(*make_strategy(mine)));
  }
  DrawnRound round(start);
  std::vector<DrawnRun> runs(static_cast<size_t>(jobs));
  std::vector<std::thread> threads;
  for (int w = 0; w < jobs; ++w) {
    threads.emplace_back(draw, std::ref(round), w, jobs, budget, std::ref(*models[w]),
                         std::ref(*strategies[w]), std::cref(spec), std::cref(params),
                         std::cref(options), std::ref(runs[static_cast<size_t>(w)]));
  }
  for (std::thread& t : threads) t.join();

  // Everything up to the lowest failing place (or all, when every failure
  // is counted), in place order.
  uint64_t first_place = UINT64_MAX;
  for (const DrawnRun& r : runs) {
    if (r.failure) first_place = std::min(first_place, r.failure_place);
  }
  const uint64_t last = options.all ? UINT64_MAX : round.best();
  for (int w = 0; w < jobs; ++w) {
    const DrawnRun& r = runs[static_cast<size_t>(w)];
    if (result.error.empty() && !r.error.empty()) result.error = r.error;
    // Its executions at places <= last (all when every failure is counted).
    const uint64_t n = last == UINT64_MAX ? r.log.size() : below(last + 1, w, jobs, r);
    result.executions += r.log.counted(n);
    result.pruned_executions += r.log.cut_short(n);
    result.total_steps += r.log.steps(n);
    if (options.all) result.failing_executions += r.failing;
    if (r.failure && r.failure_place == first_place) {
      result.first_failure = r.failure;
    }
  }
  if (result.first_failure) {
    if (!options.all) result.failing_executions = 1;
    // Its place among the counted executions, in place order: the counted
    // executions of every worker at lower places, and itself.
    uint64_t before = 0;
    for (int w = 0; w < jobs; ++w) {
      const DrawnRun& r = runs[static_cast<size_t>(w)];
      before += r.log.counted(below(first_place, w, jobs, r));
    }
    result.first_failure->execution = before + 1;
  }
  if (!result.first_failure && result.error.empty()) {
    if (round.out_of_time.load()) {
      result.budget = fmt::format("--seconds {}", options.max_seconds);
      if (options.max_executions != 0 || result.executions == 0) {
        result.limit = result.budget;
        result.raise_limit = "raise --seconds, or drop it to run every one of --executions";
      }
    } else {
      result.budget = default_budget ? fmt::format("{} executions, the default", budget)
                                     : fmt::format("--executions {}", budget);
    }
  }
  result.jobs = jobs;
  result.subtrees = static_cast<uint64_t>(jobs);
  result.exhaustive = false;
  result.seed = options.seed;
  result.coverage = fmt::format("{} on {} workers", described.coverage(result.executions), jobs);
  result.rerun = fmt::format("{} --jobs {}", described.rerun(), jobs);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  progress.finish(result);
  if (result.first_failure) {
    auto model = make_runner();
    settle_failure(spec, params, *model, options, *result.first_failure);
  }
  return result;
}

}  // namespace

std::string SharedBudget::spend() {
  if (options_.max_executions != 0 &&
      begun_.fetch_add(1, std::memory_order_relaxed) >= options_.max_executions) {
    return fmt::format("--executions {}", options_.max_executions);
  }
  if (options_.max_seconds > 0 &&
      std::chrono::duration<double>(Clock::now() - start_).count() >= options_.max_seconds) {
    return fmt::format("--seconds {}", options_.max_seconds);
  }
  return {};
}

void SharedBudget::report(const std::string& spent, CheckResult& result) {
  result.budget = spent;
  result.limit = spent;
  result.raise_limit = spent.starts_with("--executions") ? "raise --executions, or drop it"
                                                         : "raise --seconds, or drop it";
}

bool runs_in_parallel(const CheckOptions& options) {
  const std::string& s = options.strategy;
  return s == "dfs" || s == "bounded" || s == "iterative" || s == "random" || s == "pct" ||
         s == "dpor";
}

CheckResult explore_parallel(const ModelSpec& spec, const Params& params,
                             const RunnerFactory& make_runner, const CheckOptions& options) {
  checker_thread() = true;  // this thread keeps the progress line meanwhile
  if (options.strategy == "dpor" && options.preemptions < 0) {
    return explore_parallel_dpor(spec, params, make_runner, options);
  }
  CheckResult result;
  result.model = spec.name;
  result.params = params;
  result.shard_index = options.shard_index;
  result.shard_count = options.shard_count;
  // The settings' errors are the sequential strategy's.
  auto sequential = make_strategy(options);
  if (!sequential) {
    result.strategy = options.strategy;
    result.error = sequential.error();
    return result;
  }
  result.strategy = std::string((*sequential)->name());
  result.error = spec_problem(spec);
  if (!result.error.empty()) return result;
  if (options.jobs < 1) {
    result.error = fmt::format("--jobs {} must be at least 1", options.jobs);
    return result;
  }

  if (options.strategy == "random" || options.strategy == "pct") {
    return explore_drawn(spec, params, make_runner, options, **sequential, std::move(result));
  }

  const auto start = Clock::now();
  Progress progress(options, start);
  std::vector<std::unique_ptr<ModelRunner>> models;
  for (int w = 0; w < options.jobs; ++w) models.push_back(make_runner());

  const bool iterative = options.strategy == "iterative";
  const int k = options.preemptions;
  int bound = iterative ? 0
              : options.strategy == "dfs" && k < 0
                  ? BoundedStrategy::kUnbounded
                  : (k >= 0 ? k : CheckOptions::kDefaultPreemptions);
  result.jobs = options.jobs;
  result.subtrees = 0;
  // Probes, as one core's dfs check runs them (make_strategy's portfolio).
  std::unique_ptr<ModelRunner> lane_model;
  std::unique_ptr<ProbeLane> lane;
  if (options.strategy == "dfs" && k < 0 && options.probes && !options.all &&
      options.shard_count == 1) {
    lane_model = make_runner();
    lane = std::make_unique<ProbeLane>(spec, params, *lane_model, options);
  }
  RoundResult round;
  for (;;) {
    round = run_round(spec, params, models, bound, options, start, progress, result.executions,
                      !iterative, lane.get());
    if (lane && round.error.empty() && round.budget.empty()) {
      put_probes_in_order(spec, params, *models.front(), options, *lane, round);
      result.probe_executions = round.probes;
    }
    result.executions += round.executions;
    result.failing_executions += round.failing;
    result.pruned_executions += round.pruned;
    result.other_shards += round.other_shards;
    result.total_steps += round.steps;
    result.subtrees += round.subtrees;
    if (round.first_failure) result.first_failure = round.first_failure;
    if (!iterative || round.first_failure || !round.error.empty() || !round.budget.empty()) break;
    if (!round.cut) break;  // every schedule explored
    if (k >= 0 && bound >= k) break;
    ++bound;
  }
  result.error = round.error;
  if (!round.budget.empty()) SharedBudget::report(round.budget, result);
  const bool stopped_early =
      !round.budget.empty() || !round.error.empty() || (round.first_failure && !options.all);
  result.exhaustive = !stopped_early && result.error.empty() && !round.cut;
  // Described as the sequential strategy describes the same run.
  if (iterative) {
    result.preemption_bound = bound;
    result.coverage = IterativeStrategy::describe(bound, result.exhaustive, result.executions);
  } else {
    result.preemption_bound = (*sequential)->preemption_bound();
    if (round.cut) result.coverage = BoundedStrategy::describe_cut(bound, result.executions);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  progress.finish(result);
  if (result.first_failure) {
    auto model = make_runner();
    settle_failure(spec, params, *model, options, *result.first_failure);
  }
  return result;
}

}  // namespace interleave
