// A user's own models, written outside models/ and checked through a binary
// of their own (interleave_binary): threads take numbered tickets from one
// counter. Each of `threads` threads takes `iters` tickets; at the end the
// counter must have handed out every one.
#pragma once

#include "scheduler/api/interleave.h"

namespace tickets {

using namespace interleave;

struct Tickets {
  explicit Tickets(const Params& p) : threads(p.threads()), iters(p.iters()) {}
  void invariant() {
    int handed_out = next.load();
    check(handed_out == threads * iters, "tickets lost: {} handed out, {} taken", handed_out,
          threads * iters);
  }
  int threads, iters;
  atomic<int> next{"next", 0};
};

// tickets.racy: a load, then a store: two threads can take the same ticket.
struct TicketsRacy : Tickets {
  static ModelSpec spec() {
    return {"tickets.racy", "load then store: two threads take the same ticket",
            {threads_param(), iters_param()}, /*buggy=*/true};
  }
  using Tickets::Tickets;
  void thread(int) {
    for (int k = 0; k < iters; ++k) next.store(next.load() + 1);
  }
};

// tickets.fetch_add: one atomic read-modify-write per ticket.
struct TicketsFetchAdd : Tickets {
  static ModelSpec spec() {
    return {"tickets.fetch_add", "one fetch_add per ticket: every ticket distinct",
            {threads_param(), iters_param()}};
  }
  using Tickets::Tickets;
  void thread(int) {
    for (int k = 0; k < iters; ++k) next.fetch_add(1);
  }
};

}  // namespace tickets
