// A random program for oracle tests (tests/parallel_test.cc,
// tests/shard_test.cc): the checker's counts and failures on it are compared
// between two ways of exploring it, which must agree.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "scheduler/api/interleave.h"

namespace interleave_tests {

using namespace interleave;

// 2-3 threads of 1-3 instructions over two atomics, a mutex and a condition
// variable: loads, stores, fetch_adds, locked sections, notifies and
// predicate waits (a notify_one with two waiters wakes either: an outcome).
// The invariant fails when a hash of everything read and the final values
// falls in a share of 1/`odds` (0: never), so failing executions are
// scattered over the sequential order. A pure function of the seed.
struct RandomFailing {
  static ModelSpec spec() {
    return {"test.random_failing",
            "random program failing on a random share of its outcomes",
            {{"seed", "s", 1, 0, 1'000'000, "seed"},
             {"odds", "o", 5, 0, 1000, "the invariant fails on about one outcome in odds"},
             {"big", "b", 0, 0, 1, "1: three threads of 2-3 instructions"}}};
  }
  enum Kind { kLoad, kStore, kAdd, kLockedAdd, kNotify, kWait };

  explicit RandomFailing(const Params& p) : odds(static_cast<uint64_t>(p.get("odds"))) {
    std::mt19937 rng(static_cast<uint32_t>(p.get("seed")));
    const bool big = p.get("big") == 1;
    threads = big ? 3 : 2 + static_cast<int>(rng() % 2);
    program.resize(static_cast<size_t>(threads));
    for (auto& body : program) {
      const int n = big ? 2 + static_cast<int>(rng() % 2)
                        : (threads == 2 ? 2 : 1) + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) body.emplace_back(Kind(rng() % 6), static_cast<int>(rng() % 2));
    }
    // A wait needs a notify in another thread (else it deadlocks at once);
    // two waiters and one notify_one still can: a failure deep in the order.
    for (size_t t = 0; t < program.size(); ++t) {
      bool notified = false;
      for (size_t u = 0; u < program.size(); ++u) {
        for (auto [kind, v] : program[u]) notified = notified || (u != t && kind == kNotify);
      }
      for (auto& [kind, v] : program[t]) {
        if (kind == kWait && !notified) kind = kLoad;
      }
    }
    seen.resize(program.size());
  }
  int thread_count() const { return threads; }

  void thread(int t) {
    for (auto [kind, v] : program[static_cast<size_t>(t)]) {
      switch (kind) {
        case kLoad: seen[static_cast<size_t>(t)].push_back(var[v].load()); break;
        case kStore: var[v].store(t + 1); break;
        case kAdd: seen[static_cast<size_t>(t)].push_back(var[v].fetch_add(1)); break;
        case kLockedAdd: {
          lock_guard held(m);
          var[v].store(var[v].load() + 3);
          break;
        }
        case kNotify: {
          lock_guard held(m);
          flag.store(1);
          cv.notify_one();
          break;
        }
        case kWait: {  // deadlocks (a failure too) when no thread notifies after it
          unique_lock held(m);
          cv.wait(held, [&] { return flag.load() == 1; });
          break;
        }
      }
    }
  }
  void invariant() {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](int64_t x) { h = (h ^ static_cast<uint64_t>(x)) * 1099511628211ull; };
    for (const auto& s : seen) {
      for (int x : s) mix(x);
      mix(-1);
    }
    mix(var[0].load());
    mix(var[1].load());
    check(odds == 0 || h % odds != 0, "outcome {} is one of the failing ones", h);
  }

  uint64_t odds;
  int threads;
  std::vector<std::vector<std::pair<Kind, int>>> program;
  std::vector<std::vector<int>> seen;
  atomic<int> var[2] = {atomic<int>{"x", 0}, atomic<int>{"y", 0}};
  atomic<int> flag{"flag", 0};
  mutex m{"m"};
  condition_variable cv{"cv"};
};

}  // namespace interleave_tests
