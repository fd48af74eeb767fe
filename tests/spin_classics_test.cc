// Classic spin-wait algorithms, written from their textbook descriptions:
// Peterson's lock (a wait on two variables), a ticket lock (a wait on a
// counter another thread increments), a reader waiting for either of two
// flags, and a lock taken by spinning on try_lock. Each correct one passes every strategy without a livelock
// verdict; each broken twin fails with its own assertion.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scheduler/api/interleave.h"
#include "scheduler/strategies/explorer.h"
#include "tests/strategy_helpers.h"

namespace {

using namespace interleave;

using test::check_with;
using test::kEveryStrategy;

// Peterson's mutual exclusion for two threads, around a load-then-store
// increment. `Broken`: turn is given away before the own flag is raised
// (the classic wrong order: both can enter).
template <bool Broken>
struct Peterson {
  static ModelSpec spec() { return {"test.peterson", "Peterson's lock", {}}; }
  explicit Peterson(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int me) {
    const int other = 1 - me;
    if (Broken) turn.store(other);
    flag[me].store(1);
    if (!Broken) turn.store(other);
    while (flag[other].load() == 1 && turn.load() == other) {
    }
    inside.store(inside.load() + 1);
    check(inside.load() == 1, "both threads inside the critical section");
    inside.store(inside.load() - 1);
    flag[me].store(0);
  }
  void invariant() {}
  atomic<int> flag[2] = {atomic<int>{"flag0", 0}, atomic<int>{"flag1", 0}};
  atomic<int> turn{"turn", 0};
  atomic<int> inside{"inside", 0};
};

// A ticket lock: take a ticket, wait until it is served, increment, serve
// the next. `Broken`: the ticket is read, then written back incremented
// (two threads can draw the same ticket).
template <bool Broken>
struct TicketLock {
  static ModelSpec spec() { return {"test.ticketlock", "ticket lock", {}}; }
  explicit TicketLock(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    int mine;
    if (Broken) {
      mine = next.load();
      next.store(mine + 1);
    } else {
      mine = next.fetch_add(1);
    }
    while (serving.load() != mine) {
    }
    const int v = counter.load();
    counter.store(v + 1);
    serving.fetch_add(1);
  }
  void invariant() { check(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  atomic<int> next{"next", 0};
  atomic<int> serving{"serving", 0};
  atomic<int> counter{"counter", 0};
};

// A waiter that leaves when either of two flags is raised; one writer
// raises one of them. `Broken`: the writer raises the flag before the data.
template <bool Broken>
struct EitherFlag {
  static ModelSpec spec() { return {"test.eitherflag", "wait for either of two flags", {}}; }
  explicit EitherFlag(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int me) {
    if (me == 0) {
      while (a.load() == 0 && b.load() == 0) {
      }
      check(data.load() == 7, "flag seen before the data");
    } else {
      if (Broken) b.store(1);
      data.store(7);
      if (!Broken) b.store(1);
    }
  }
  void invariant() {}
  atomic<int> a{"a", 0};
  atomic<int> b{"b", 0};
  atomic<int> data{"data", 0};
};

// Every strategy: the correct variant passes (no livelock verdict, no
// limit), the broken one fails with one of `messages` (a prefix of each).
// A lock taken by spinning on try_lock around a load-then-store increment.
// `Broken`: the lock is released between the load and the store.
template <bool Broken>
struct TryLockSpin {
  static ModelSpec spec() { return {"test.trylockspin", "try_lock spin", {}}; }
  explicit TryLockSpin(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int) {
    while (!m.try_lock()) {
    }
    const int v = counter.load();
    if (Broken) m.unlock();
    counter.store(v + 1);
    if (!Broken) m.unlock();
  }
  void invariant() { check(counter.load() == 2, "lost update: counter == {}", counter.load()); }
  mutex m{"m"};
  atomic<int> counter{"counter", 0};
};

template <class Correct, class Broken>
void classic(const std::vector<std::string>& messages) {
  for (const std::string& strategy : kEveryStrategy) {
    CAPTURE(strategy);
    CheckResult ok = check_with<Correct>(strategy);
    if (ok.found_bug()) FAIL(ok.first_failure->failure.message);
    CHECK(ok.error.empty());
    CHECK(ok.limit.empty());
    CheckResult bad = check_with<Broken>(strategy);
    REQUIRE(bad.found_bug());
    const std::string& found = bad.first_failure->failure.message;
    CAPTURE(found);
    bool expected = false;
    for (const std::string& m : messages) expected = expected || found.starts_with(m);
    CHECK(expected);
  }
}

}  // namespace

TEST_CASE("Peterson's lock: passes; the wrong order of flag and turn lets both in", "[spin]") {
  classic<Peterson<false>, Peterson<true>>({"both threads inside the critical section"});
}

TEST_CASE("a ticket lock: passes; a torn ticket draw loses an update", "[spin]") {
  // Two threads that drew the same ticket: both enter together (a lost
  // update), or one enters, serves the next ticket, and the other waits
  // forever for a ticket already served: a livelock, which a real program
  // shows as a hang.
  classic<TicketLock<false>, TicketLock<true>>(
      {"lost update: counter == 1",
       "livelock: every thread spins waiting for a write no other thread will make"});
}

TEST_CASE("a wait on either of two flags: passes; the flag before the data fails", "[spin]") {
  classic<EitherFlag<false>, EitherFlag<true>>({"flag seen before the data"});
}

TEST_CASE("a try_lock spin: passes; unlocking before the store loses an update", "[spin]") {
  classic<TryLockSpin<false>, TryLockSpin<true>>({"lost update: counter == 1"});
}
