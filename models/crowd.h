// Crowd models: a shallow bug among many threads. Two buyers race for the
// last ticket with a check-then-act (one preemption between a buyer's check
// and its purchase sells the ticket twice); every other thread is a
// bystander that increments a counter under a lock. The bystanders' orders
// multiply the executions (8 bystanders: 8! = 40,320 orders of their lock
// sections alone) while the bug needs only the buyers: an exhaustive search
// that backtracks the last choices first reaches the buyers' race after
// every bystander order, a random walk hits it in a few executions. The
// default check's probes (scheduler/strategies/portfolio.h) are for this.
#pragma once

#include "scheduler/api/interleave.h"

namespace models {

using namespace interleave;

struct CrowdBase {
  static ParamSpec crowd_threads() {
    return {"threads", "t", 4, 2, 12, "model threads: 2 buyers, the rest bystanders"};
  }
  explicit CrowdBase(const Params& p) : threads(p.threads()), iters(p.iters()) {}

  // Bystander: `iters` increments of `served` under `desk`.
  void serve() {
    for (int i = 0; i < iters; ++i) {
      lock_guard guard(desk);
      served.store(served.load() + 1);
    }
  }
  void check_served() {
    const int expected = (threads - 2) * iters;
    check(served.load() == expected, "{} bystander visits, served == {}", expected,
          served.load());
  }

  int threads, iters;
  atomic<int> tickets{"tickets", 1};
  mutex desk{"desk"};
  shared<int> served{"served", 0};
};

// crowd.racy: each buyer checks that a ticket is left, then takes it.
struct CrowdRacy : CrowdBase {
  static ModelSpec spec() {
    return {"crowd.racy",
            "2 buyers check, then take, the last ticket, among lock-taking bystanders: sold twice",
            {crowd_threads(), iters_param(1, 4)},
            /*buggy=*/true};
  }
  using CrowdBase::CrowdBase;

  void thread(int id) {
    if (id >= 2) return serve();
    if (tickets.load() > 0) tickets.fetch_sub(1);
  }
  void invariant() {
    check(tickets.load() >= 0, "last ticket sold twice: tickets == {}", tickets.load());
    check_served();
  }
};

// crowd.locked: the buyers check and take under the desk's lock.
struct CrowdLocked : CrowdBase {
  static ModelSpec spec() {
    return {"crowd.locked", "the buyers' check and take under the desk lock: sold once",
            {crowd_threads(), iters_param(1, 4)}};
  }
  using CrowdBase::CrowdBase;

  void thread(int id) {
    if (id >= 2) return serve();
    lock_guard guard(desk);
    if (tickets.load() > 0) tickets.fetch_sub(1);
  }
  void invariant() {
    check(tickets.load() >= 0, "last ticket sold twice: tickets == {}", tickets.load());
    check_served();
  }
};

}  // namespace models
