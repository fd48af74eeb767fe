#include "scheduler/strategies/parallel_dpor.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "scheduler/reports/progress.h"
#include "scheduler/strategies/dpor.h"
#include "scheduler/strategies/parallel.h"
#include "scheduler/strategies/portfolio.h"

namespace interleave {

namespace {

using Clock = std::chrono::steady_clock;

// What the workers of one run share besides the tree: their counts, the
// budget, and why the run stopped early.
class Run {
 public:
  Run(int workers, const CheckOptions& options, Clock::time_point start)
      : tree(workers), budget_(options, start), counts_(static_cast<size_t>(workers)) {}

  DporStrategy::SharedTree tree;

  // Each worker's counts, on a cache line of its own; the sums below.
  struct alignas(64) Counts {
    std::atomic<uint64_t> executions{0};
    std::atomic<uint64_t> pruned{0};
    std::atomic<uint64_t> steps{0};
  };
  Counts& counts_of(int worker) { return counts_[static_cast<size_t>(worker)]; }
  uint64_t executions() const { return sum(&Counts::executions); }
  uint64_t pruned() const { return sum(&Counts::pruned); }
  uint64_t steps() const { return sum(&Counts::steps); }

  // Before each execution: false once a budget is spent (the run stops).
  bool within_budget() {
    std::string spent = budget_.spend();
    if (spent.empty()) return true;
    stop(Stop::kBudget, std::move(spent));
    return false;
  }

  // Why the run stopped before the tree was explored (the first reason
  // given wins).
  enum class Stop {
    kNot,
    kFailure,  // a worker found a failure: one core settles it
    kOneCore,  // a step named an object outside the instance: one core explores
    kError,    // a usage error (the model exceeds a limit, is not deterministic, ...)
    kBudget,   // --executions or --seconds
  };
  void stop(Stop why, std::string text = {}) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (why_ == Stop::kNot) {
        why_ = why;
        text_ = std::move(text);
      }
    }
    tree.halt();
  }
  Stop why() {
    std::lock_guard<std::mutex> lock(mutex_);
    return why_;
  }
  const std::string& text() const { return text_; }  // after the workers joined

  // The workers' end, for the calling thread to wait on.
  void worker_done() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    done_changed_.notify_all();
  }
  // Waits until every worker is done (true) or `until` (false).
  bool wait_until(Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    return done_changed_.wait_until(lock, until, [&] { return done_ == counts_.size(); });
  }

 private:
  uint64_t sum(std::atomic<uint64_t> Counts::*field) const {
    uint64_t total = 0;
    for (const Counts& c : counts_) total += (c.*field).load(std::memory_order_relaxed);
    return total;
  }

  SharedBudget budget_;
  std::vector<Counts> counts_;
  std::mutex mutex_;
  std::condition_variable done_changed_;
  size_t done_ = 0;
  Stop why_ = Stop::kNot;
  std::string text_;
};

// One worker: executions until the shared tree has nothing left for it.
void work(Run& run, int worker, ModelRunner& model, DporStrategy& strategy,
          const CheckOptions& options) {
  Execution execution(options.limits);
  Run::Counts& counts = run.counts_of(worker);
  // The budget counts executions begun, not a worker's wait for a branch.
  while (strategy.begin_execution() && run.within_budget()) {
    const Outcome outcome = execution.run(model, strategy);
    counts.steps.fetch_add(execution.steps(), std::memory_order_relaxed);
    if (!strategy.error().empty()) {
      run.stop(Run::Stop::kError, strategy.error());
      break;
    }
    if (outcome == Outcome::kStopped) {
      if (!execution.error().empty()) {
        run.stop(Run::Stop::kError, execution.error());
        break;
      }
      counts.pruned.fetch_add(1, std::memory_order_relaxed);
    } else {
      counts.executions.fetch_add(1, std::memory_order_relaxed);
      if (outcome == Outcome::kFailed) {
        run.stop(Run::Stop::kFailure);
        break;
      }
    }
    if (run.tree.unnamed_object()) {
      run.stop(Run::Stop::kOneCore);
      break;
    }
    strategy.offer_work();
  }
  run.worker_done();
}

}  // namespace

CheckResult explore_parallel_dpor(const ModelSpec& spec, const Params& params,
                                  const RunnerFactory& make_runner, const CheckOptions& options) {
  CheckOptions one_core = options;
  one_core.jobs = 1;
  // What one core's check would run: its name, coverage and rerun options
  // describe this run too. (Options it refuses: one core's check says so.)
  auto described = make_strategy(one_core);
  if (!described) return check(spec, params, make_runner, one_core);
  // A shard of a sharded check runs on one core: the shards are its
  // parallelism (and they share no tree).
  if (options.shard_count > 1) return check(spec, params, make_runner, one_core);

  const auto start = Clock::now();
  Progress progress(options, start);
  const int jobs = options.jobs;
  Run run(jobs, options, start);
  std::vector<std::unique_ptr<ModelRunner>> models;
  std::vector<std::unique_ptr<DporStrategy>> strategies;
  for (int w = 0; w < jobs; ++w) {
    models.push_back(make_runner());
    strategies.push_back(std::make_unique<DporStrategy>());
    strategies.back()->set_plan_limit(options.dpor_plan_limit);
    strategies.back()->set_instance(models.back()->instance_memory());
    strategies.back()->share(&run.tree);
  }
  std::vector<std::thread> threads;
  for (int w = 0; w < jobs; ++w) {
    threads.emplace_back(work, std::ref(run), w, std::ref(*models[static_cast<size_t>(w)]),
                         std::ref(*strategies[static_cast<size_t>(w)]), std::cref(options));
  }
  while (!run.wait_until(Clock::now() + std::chrono::milliseconds(100))) {
    progress.update_at(Clock::now(), run.executions(), run.pruned(), std::nullopt);
  }
  for (std::thread& t : threads) t.join();

  const Run::Stop why = run.why();
  auto on_one_core = [&] {
    progress.finish(std::string_view(), 0);
    CheckResult result = check(spec, params, make_runner, one_core);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
  };
  if (why == Run::Stop::kFailure || why == Run::Stop::kOneCore) return on_one_core();

  CheckResult result;
  result.model = spec.name;
  result.params = params;
  result.strategy = std::string((*described)->name());
  result.jobs = jobs;
  result.subtrees = 1;
  for (const auto& s : strategies) {
    result.subtrees += s->branches_taken();
    result.bounded_plans += s->bounded_plans();
  }
  result.executions = run.executions();
  result.pruned_executions = run.pruned();
  result.total_steps = run.steps();
  if (why == Run::Stop::kError) result.error = run.text();
  if (why == Run::Stop::kBudget) SharedBudget::report(run.text(), result);
  // The probes one core's portfolio would have run among these executions.
  if (why == Run::Stop::kNot && options.probes && !options.all &&
      (*described)->name() == "dpor" && dynamic_cast<PortfolioStrategy*>(described->get())) {
    Probes probes(options.seed);
    Execution execution(options.limits);
    const uint64_t due = PortfolioStrategy::quota(result.executions + result.pruned_executions);
    auto model = make_runner();
    while (probes.begun() < due) {
      probes.begin_execution();
      const Outcome outcome = execution.run(*model, probes);
      result.total_steps += execution.steps();
      if (outcome == Outcome::kFailed) return on_one_core();  // settled as one core finds it
      if (outcome == Outcome::kStopped) {
        if (!execution.error().empty()) {
          result.error = execution.error();
          break;
        }
        ++result.pruned_executions;  // cut short, counted as one core counts it
        continue;
      }
      ++result.probe_executions;
    }
  }
  result.exhaustive = why == Run::Stop::kNot && result.error.empty();
  result.coverage = (*described)->coverage(result.executions);
  result.rerun = (*described)->rerun();
  result.seed = (*described)->seed();
  result.preemption_bound = (*described)->preemption_bound();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  progress.finish(result);
  return result;
}

}  // namespace interleave
