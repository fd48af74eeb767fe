#include "native/engine.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "scheduler/api/check.h"
#include "scheduler/reports/report.h"

namespace interleave {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the run and its worker threads share. Workers hold it too, so a
// worker left behind by a hung trial never touches freed memory.
struct Pool {
  explicit Pool(int threads) : threads(threads), finished_trial(threads) {}

  // Number of model threads, one worker each.
  const int threads;
  // The trial the workers may run; they start it as soon as it changes.
  // kStop tells them to exit.
  std::atomic<int64_t> released{0};
  // How many workers have finished the released trial.
  std::atomic<int> finished{0};
  // The model of the released trial.
  ModelRunner* model = nullptr;
  // For each worker, the last trial it finished (to name hung threads).
  std::vector<std::atomic<int64_t>> finished_trial;
  // The main thread sleeps on done_cv while a trial runs (so it does not take
  // a core from the model's threads); the last worker to finish wakes it.
  std::mutex done_lock;
  std::condition_variable done_cv;
  // First failure in the current trial, guarded by failure_lock.
  std::mutex failure_lock;
  std::string failure;

  static constexpr int64_t kStop = -1;

  void record(std::string what) {
    std::lock_guard<std::mutex> guard(failure_lock);
    if (failure.empty()) failure = std::move(what);
  }
};

std::string describe(FailureKind kind, std::string message, ThreadId thread,
                     std::source_location location = {}) {
  Failure f;
  f.kind = kind;
  f.message = std::move(message);
  f.thread = thread;
  f.location = location;
  return describe_failure(f);
}

// Runs `f`, turning a failed check or an escaped exception into a failure
// description recorded in the pool.
template <class F>
void run_guarded(Pool& pool, ThreadId thread, const char* where, F&& f) {
  try {
    f();
  } catch (const CheckFailure& e) {
    pool.record(describe(FailureKind::kCheck, e.what(), thread, e.location()));
  } catch (const std::exception& e) {
    pool.record(describe(FailureKind::kException, fmt::format("exception in {}: {}", where, e.what()),
                         thread));
  } catch (...) {
    pool.record(describe(FailureKind::kException,
                         fmt::format("exception in {}: unknown type", where), thread));
  }
}

void worker(std::shared_ptr<Pool> pool, int index) {
  int64_t done = 0;
  for (;;) {
    // Spin at the start line so that all threads start the trial together;
    // yield while waiting long (the main thread is building the model).
    int64_t trial;
    for (int spins = 0; (trial = pool->released.load(std::memory_order_acquire)) == done;) {
      if (++spins > 2000) std::this_thread::yield();
    }
    if (trial == Pool::kStop) return;
    std::string name = fmt::format("T{}", index);
    run_guarded(*pool, index, name.c_str(), [&] { pool->model->run_thread(index); });
    done = trial;
    pool->finished_trial[index].store(trial, std::memory_order_relaxed);
    if (pool->finished.fetch_add(1, std::memory_order_acq_rel) + 1 == pool->threads) {
      { std::lock_guard<std::mutex> sync(pool->done_lock); }
      pool->done_cv.notify_one();
    }
  }
}

}  // namespace

NativeResult run_native(const ModelSpec& spec, const Params& params, const RunnerFactory& make,
                        const NativeOptions& options) {
  NativeResult result;
  result.model = spec.name;
  result.params = params;
  const Clock::time_point start = Clock::now();

  std::unique_ptr<ModelRunner> model = make();
  // Builds the next trial's model; a constructor that fails ends the run.
  auto create = [&](int64_t trial) {
    Pool setup(0);
    run_guarded(setup, kNoThread, "the model's constructor", [&] { model->create(); });
    if (setup.failure.empty()) return true;
    ++result.failing_trials;
    if (result.first_failing_trial == 0) {
      result.first_failing_trial = trial;
      result.first_failure = setup.failure;
      result.first_failure_seconds = seconds_since(start);
    }
    return false;
  };
  if (!create(1)) {
    result.seconds = seconds_since(start);
    return result;
  }
  const int n = model->thread_count();
  auto pool = std::make_shared<Pool>(n);
  std::vector<std::thread> workers;
  for (int i = 0; i < n; ++i) workers.emplace_back(worker, pool, i);

  for (int64_t trial = 1;; ++trial) {
    if (trial > 1 && !create(trial)) break;
    pool->failure.clear();
    pool->model = model.get();
    pool->finished.store(0, std::memory_order_relaxed);
    pool->released.store(trial, std::memory_order_release);

    // Wait for every thread, with a watchdog.
    {
      std::unique_lock<std::mutex> sleep(pool->done_lock);
      pool->done_cv.wait_for(sleep, std::chrono::duration<double>(options.trial_timeout_seconds),
                             [&] { return pool->finished.load(std::memory_order_acquire) == n; });
    }
    if (pool->finished.load(std::memory_order_acquire) < n) {
      std::string running;
      for (int i = 0; i < n; ++i) {
        if (pool->finished_trial[i].load(std::memory_order_relaxed) != trial) {
          running += fmt::format("{}T{}", running.empty() ? "" : ", ", i);
        }
      }
      result.hang = fmt::format(
          "trial {} did not finish within {} s: {} still running (a deadlock, or a thread that "
          "never stops)",
          trial, options.trial_timeout_seconds, running);
      if (!pool->failure.empty()) result.hang += "; before that: " + pool->failure;
      // The hung threads cannot be stopped: leave them, and their model, behind.
      for (auto& w : workers) w.detach();
      model.release();
      result.seconds = seconds_since(start);
      return result;
    }

    run_guarded(*pool, kNoThread, "the invariant", [&] { model->check_invariant(); });
    model->destroy();
    ++result.trials;
    if (!pool->failure.empty()) {
      if (++result.failing_trials == 1) {
        result.first_failing_trial = trial;
        result.first_failure = pool->failure;
        result.first_failure_seconds = seconds_since(start);
      }
    }
    if (options.trials > 0 && result.trials >= options.trials) break;
    if (options.seconds > 0 && seconds_since(start) >= options.seconds) {
      if ((options.trials > 0 || result.trials == 0) && result.failing_trials == 0) {
        result.limit = fmt::format("--seconds {}", options.seconds);
        result.raise_limit = "raise --seconds, or drop it to run every one of --trials";
      }
      break;
    }
  }

  pool->released.store(Pool::kStop, std::memory_order_release);
  for (auto& w : workers) w.join();
  result.seconds = seconds_since(start);
  return result;
}

std::string format_native(const NativeResult& r) {
  std::string out =
      fmt::format("{}  {}  engine=native (std::thread, all threads released together)\n", r.model,
                  r.params.describe());
  if (!r.hang.empty()) {
    out += fmt::format("FAIL {}\n  ({} trials completed before it, {} of them broke the model)\n",
                       r.hang, r.trials, r.failing_trials);
  } else if (r.failing_trials > 0) {
    out += fmt::format("FAIL {} of {} trials broke the model ({:.2f} s); first: trial {} after {:.1f} ms\n  {}\n",
                       r.failing_trials, r.trials, r.seconds, r.first_failing_trial,
                       r.first_failure_seconds * 1e3, r.first_failure);
  } else if (!r.limit.empty()) {
    out += fmt::format("NO BUG FOUND in {} trials ({:.2f} s), but {} stopped the run before it "
                       "ran every trial asked for ({})\n",
                       r.trials, r.seconds, r.limit, r.raise_limit);
  } else {
    out += fmt::format("PASS {} trials, none broke the model ({:.2f} s)\n", r.trials, r.seconds);
  }
  return out;
}

}  // namespace interleave
