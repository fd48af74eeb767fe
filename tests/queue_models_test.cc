// The queue models (models/queue.h) under exhaustive DFS: every buggy variant
// is caught with the failure a user should see, and its schedule string
// replays to the same failure; every correct variant passes after exploring
// all its executions, whose exact number is explained next to each check.
//
// Why the counts are small enough to reason about: in the correct variants
// every visible operation is queue.lock itself or is performed while holding
// it, and a thread waiting to lock a held mutex is not runnable. So a critical
// section runs with every other thread blocked, and an execution is fixed by
// the order in which the threads take the lock (including the relock after a
// condition-variable wait). The DFS has no partial-order reduction: one
// operation outside the lock (say an atomic counter) would be interleaved
// with every step of every other thread's critical sections.
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "models/queue.h"
#include "tests/dfs_helpers.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/reports/report.h"

namespace {

using namespace interleave;
using namespace models;
using Values = std::vector<std::pair<std::string, int64_t>>;

template <Model M>
Params params_of(const Values& values = {}) {
  auto params = make_params<M>(values);
  INFO((params ? std::string() : params.error()));
  REQUIRE(params.ok());
  return *params;
}

// The first failure's schedule string replays to the same failure.
template <Model M>
void require_replays(const CheckResult& result) {
  REQUIRE(result.found_bug());
  std::string text = result.first_failure->schedule.to_string();
  INFO("replaying " << text);
  auto replayed = replay_model<M>(text, test::dfs_options().limits);  // as checked
  INFO((replayed ? std::string() : replayed.error()));
  REQUIRE(replayed.ok());
  CHECK(replayed->outcome == Outcome::kFailed);
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->same_as(result.first_failure->failure));
}

bool in_queue_h(const std::source_location& location) {
  return std::string_view(location.file_name()).ends_with("models/queue.h");
}

uint64_t factorial(int n) { return n <= 1 ? 1 : n * factorial(n - 1); }

// An independent count of queue.blocking's executions, over an abstract
// state: which section each thread is at (a put, the "am I the last
// producer" step, the sentinel puts; a consumer's next get), who sleeps on
// which condition variable (longest sleeper first: notify_one wakes it), and
// the queue's contents. At each step any thread that is not asleep may take
// the lock next; its whole section runs (put or get, or a wait on a full or
// empty queue — a woken thread re-runs the same check when it relocks); a
// leaf is an execution. It assumes exactly the semantics the scheduler
// documents, so agreement checks the scheduler's condition variables too.
struct AbstractBlocking {
  int producers, consumers, items, capacity;

  struct State {
    std::vector<int> at;     // producer: section index; consumer: 0; -1 finished
    std::vector<bool> asleep;
    std::deque<int> queue;
    std::deque<int> not_empty, not_full;
    int finished = 0;
  };

  // Producer sections: items puts, then the finish step, then (last producer
  // only) one sentinel put per consumer.
  int finish_step() const { return items; }
  int sections() const { return items + 1 + consumers; }

  // notify_one: any sleeper may wake (C++'s rule); one successor state per
  // choice, `s` itself when nobody sleeps.
  static std::vector<State> notify(const State& s, std::deque<int> State::*sleepers) {
    if ((s.*sleepers).empty()) return {s};
    std::vector<State> out;
    for (size_t i = 0; i < (s.*sleepers).size(); ++i) {
      State woken = s;
      woken.asleep[(s.*sleepers)[i]] = false;
      (woken.*sleepers).erase((woken.*sleepers).begin() + static_cast<long>(i));
      out.push_back(std::move(woken));
    }
    return out;
  }

  // The states after thread t's next critical section.
  std::vector<State> run_section(State s, int t) const {
    if (t < producers) {
      int& at = s.at[t];
      if (at == finish_step()) {
        at = ++s.finished == producers ? at + 1 : -1;
        return {s};
      }
      if (static_cast<int>(s.queue.size()) == capacity) {
        s.asleep[t] = true;
        s.not_full.push_back(t);
        return {s};
      }
      s.queue.push_back(at < items ? t * items + at + 1 : kQueueSentinel);
      if (++at == sections()) at = -1;
      return notify(s, &State::not_empty);
    }
    if (s.queue.empty()) {
      s.asleep[t] = true;
      s.not_empty.push_back(t);
      return {s};
    }
    int item = s.queue.front();
    s.queue.pop_front();
    if (item == kQueueSentinel) s.at[t] = -1;
    return notify(s, &State::not_full);
  }

  // Executions from `s`; `deadlocks` counts leaves with a thread left asleep.
  uint64_t count(const State& s, uint64_t& deadlocks) const {
    uint64_t total = 0;
    bool any_live = false;
    for (int t = 0; t < producers + consumers; ++t) {
      if (s.at[t] == -1) continue;
      any_live = true;
      if (s.asleep[t]) continue;
      for (const State& next : run_section(s, t)) total += count(next, deadlocks);
    }
    if (total == 0) {
      if (any_live) ++deadlocks;
      return 1;
    }
    return total;
  }

  uint64_t count(uint64_t& deadlocks) const {
    State start;
    start.at.assign(producers + consumers, 0);
    start.asleep.assign(producers + consumers, false);
    return count(start, deadlocks);
  }
};

Values blocking_values(int producers, int consumers, int items, int capacity) {
  return {{"producers", producers}, {"consumers", consumers}, {"items", items},
          {"capacity", capacity}};
}

}  // namespace

TEST_CASE("queue models: specs are well formed and every default is checked quickly") {
  for (const ModelSpec& spec :
       {QueueBlocking::spec(), QueueUnlockedRing::spec(), QueueLockedRing::spec(),
        QueueEmptyThenGet::spec(), QueueGetNowait::spec(), QueueMissedWakeup::spec(),
        QueueWakeupLoop::spec()}) {
    INFO(spec.name);
    CHECK(spec_problem(spec).empty());
    CHECK(spec.summary.find('\n') == std::string::npos);
  }
  CheckOptions options;
  // Correct variants at their defaults (counts derived in the tests below).
  CHECK(test::dfs_check<QueueBlocking>(params_of<QueueBlocking>(), options).executions == 13824);
  CHECK(test::dfs_check<QueueLockedRing>(params_of<QueueLockedRing>(), options).executions == 6);
  CHECK(test::dfs_check<QueueGetNowait>(params_of<QueueGetNowait>(), options).executions == 6);
  CHECK(test::dfs_check<QueueWakeupLoop>(params_of<QueueWakeupLoop>(), options).executions == 2);
  // Buggy variants are marked so, and caught at their defaults.
  CHECK(QueueUnlockedRing::spec().buggy);
  CHECK(QueueEmptyThenGet::spec().buggy);
  CHECK(QueueMissedWakeup::spec().buggy);
  CHECK_FALSE(QueueBlocking::spec().buggy);
  CHECK_FALSE(QueueLockedRing::spec().buggy);
  CHECK_FALSE(QueueGetNowait::spec().buggy);
  CHECK_FALSE(QueueWakeupLoop::spec().buggy);
  CHECK(test::dfs_check<QueueUnlockedRing>(params_of<QueueUnlockedRing>(), options).found_bug());
  CHECK(test::dfs_check<QueueEmptyThenGet>(params_of<QueueEmptyThenGet>(), options).found_bug());
  CHECK(test::dfs_check<QueueMissedWakeup>(params_of<QueueMissedWakeup>(), options).found_bug());
}

TEST_CASE("queue.blocking: every item consumed exactly once, no deadlock") {
  struct Case {
    int producers, consumers, items, capacity;
    uint64_t executions;
  };
  // The counts agree with AbstractBlocking, which enumerates lock orders and
  // the waiter each notify_one wakes. The smallest by hand: 1 producer, 1
  // consumer, 1 item, capacity 1 gives 14. (Before notify_one could wake any
  // waiter, 712 and 9,536 for the rows with two consumers.) The waits are
  // `while (...) wait(lock)` loops: a spurious wakeup leads back to the same
  // wait unchanged, and those executions are cut short, not counted.
  auto [producers, consumers, items, capacity, expected] = GENERATE(values<Case>({
      {1, 1, 1, 1, 14},
      {2, 1, 1, 1, 688},
      {1, 2, 1, 1, 928},
      {1, 1, 2, 2, 48},
      {1, 2, 2, 1, 13824},  // the defaults
  }));
  CheckOptions options;
  CheckResult result = test::dfs_check<QueueBlocking>(
      params_of<QueueBlocking>(blocking_values(producers, consumers, items, capacity)), options);
  INFO(format_check(result, options));
  CHECK_FALSE(result.found_bug());
  CHECK(result.error.empty());
  CHECK(result.exhaustive);
  CHECK(result.executions == expected);

  uint64_t deadlocks = 0;
  AbstractBlocking abstract{producers, consumers, items, capacity};
  CHECK(abstract.count(deadlocks) == expected);
  CHECK(deadlocks == 0);
}

TEST_CASE("queue.unlocked_ring: two producers write the same slot, an item is lost") {
  CheckOptions options;
  CheckResult result = test::dfs_check<QueueUnlockedRing>(
      params_of<QueueUnlockedRing>({{"producers", 2}, {"consumers", 1}, {"items", 1}}), options);
  INFO(format_check(result, options));
  REQUIRE(result.found_bug());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kInvariant);
  // Both producers read tail 0 and store into slot[0]; the second store
  // overwrites item 1, and both set tail to 1.
  CHECK(failure.message == "item 1 never consumed");
  CHECK(in_queue_h(failure.location));
  require_replays<QueueUnlockedRing>(result);
}

TEST_CASE("queue.unlocked_ring: two consumers read the same head, an item is taken twice") {
  CheckOptions options;
  CheckResult result = test::dfs_check<QueueUnlockedRing>(
      params_of<QueueUnlockedRing>({{"producers", 1}, {"consumers", 2}, {"items", 1}}), options);
  INFO(format_check(result, options));
  REQUIRE(result.found_bug());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kInvariant);
  CHECK(failure.message == "item 1 consumed twice");
  CHECK(in_queue_h(failure.location));
  require_replays<QueueUnlockedRing>(result);
}

TEST_CASE("queue.locked_ring: the same ring under a mutex loses and duplicates nothing") {
  // Each put and each get attempt (even on an empty ring) is one critical
  // section, and a thread's sections keep their order, so the executions are
  // the interleavings of P*I producer sections and C*I consumer sections, I
  // per thread: (P*I + C*I)! / (I!)^(P+C).
  auto [producers, consumers, items] = GENERATE(table<int, int, int>({
      {2, 1, 1},  // 3! = 6, the defaults
      {2, 2, 1},  // 4! = 24
      {2, 2, 2},  // 8! / 2^4 = 2520
  }));
  uint64_t expected = factorial((producers + consumers) * items);
  for (int t = 0; t < producers + consumers; ++t) expected /= factorial(items);

  CheckOptions options;
  CheckResult result = test::dfs_check<QueueLockedRing>(
      params_of<QueueLockedRing>(
          {{"producers", producers}, {"consumers", consumers}, {"items", items}}),
      options);
  INFO(format_check(result, options));
  CHECK_FALSE(result.found_bug());
  CHECK(result.exhaustive);
  CHECK(result.executions == expected);
}

TEST_CASE("queue.empty_then_get: the second consumer blocks forever in get()") {
  CheckOptions options;
  CheckResult result = test::dfs_check<QueueEmptyThenGet>(
      params_of<QueueEmptyThenGet>({{"consumers", 2}}), options);
  INFO(format_check(result, options));
  REQUIRE(result.found_bug());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kDeadlock);
  // T0 puts the item, T1 and T2 both see a non-empty queue, T2 gets the
  // item, and T1's get() waits for a put that never comes.
  CHECK(failure.message == "deadlock: T1 waits on queue.not_empty (never notified)");
  REQUIRE(failure.blocked.size() == 1);
  CHECK(failure.blocked[0].thread == 1);
  CHECK(failure.blocked[0].op.kind == OpKind::kWait);
  CHECK(std::string_view(failure.blocked[0].op.name) == "queue.not_empty");
  require_replays<QueueEmptyThenGet>(result);
}

TEST_CASE("queue.empty_then_get: with one consumer the check-then-get is safe") {
  CheckOptions options;
  CheckResult result = test::dfs_check<QueueEmptyThenGet>(
      params_of<QueueEmptyThenGet>({{"consumers", 1}}), options);
  INFO(format_check(result, options));
  CHECK_FALSE(result.found_bug());
  CHECK(result.exhaustive);
  // The put first (then empty() and get()), or empty() first (it sees an
  // empty queue and the consumer gives up; the item stays queued).
  CHECK(result.executions == 2);
}

TEST_CASE("queue.get_nowait: check and take in one locked step, nobody blocks") {
  // One section per thread (the put, each consumer's try_get), in any order:
  // (1 + consumers)! executions.
  int consumers = GENERATE(2, 3);
  CheckOptions options;
  CheckResult result = test::dfs_check<QueueGetNowait>(
      params_of<QueueGetNowait>({{"consumers", consumers}}), options);
  INFO(format_check(result, options));
  CHECK_FALSE(result.found_bug());
  CHECK(result.exhaustive);
  CHECK(result.executions == factorial(1 + consumers));
}

TEST_CASE("queue.missed_wakeup: a notify before the wait is lost, the consumer sleeps forever") {
  CheckOptions options;
  Params params = params_of<QueueMissedWakeup>({{"items", 1}});
  CheckResult result = test::dfs_check<QueueMissedWakeup>(params, options);
  INFO(format_check(result, options));
  REQUIRE(result.found_bug());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kDeadlock);
  // T0 notifies (nobody waits), T1 locks, sees an empty queue and waits, T0
  // puts the item without a second notify.
  CHECK(failure.message == "deadlock: T1 waits on queue.not_empty (never notified)");
  REQUIRE(failure.blocked.size() == 1);
  CHECK(failure.blocked[0].thread == 1);
  CHECK(std::string_view(failure.blocked[0].op.name) == "queue.not_empty");
  require_replays<QueueMissedWakeup>(result);

  // All executions: T0's notify is outside the lock, so it can come before
  // T1's lock, between its lock and its load of count, between the load and
  // the wait, or after the wait. Before the lock, the put and T1's section
  // race: put first passes, T1 first deadlocks. The two middle places
  // deadlock. After the wait the notify wakes T1, and its relock races the
  // put: the put first passes, the relock first takes from an empty queue.
  // 6 executions, 4 failing. And T1's wait may wake spuriously at once: T1
  // then loads count 0 and takes from the empty queue, with T0's notify
  // before T1's lock, after it, after the load, after the wait, or not before
  // the failure: 5 more, all failing. 11 executions, 9 failing.
  CheckOptions all;
  all.all = true;
  CheckResult every = test::dfs_check<QueueMissedWakeup>(params, all);
  CHECK(every.exhaustive);
  CHECK(every.executions == 11);
  CHECK(every.failing_executions == 9);
  all.limits.spurious_wakeups = false;
  CheckResult no_spurious = test::dfs_check<QueueMissedWakeup>(params, all);
  CHECK(no_spurious.executions == 6);
  CHECK(no_spurious.failing_executions == 4);
}

TEST_CASE("queue.missed_wakeup: woken before the put, `if` does not re-check the queue") {
  // T1 locks, loads count 0, waits; T0 notifies and wakes it; T1 relocks
  // before T0's put and pops from an empty queue.
  auto replayed = replay_model<QueueMissedWakeup>("queue.missed_wakeup:i1:v1:111011");
  INFO((replayed ? format_replay(*replayed, {}) : replayed.error()));
  REQUIRE(replayed.ok());
  REQUIRE(replayed->failure.has_value());
  CHECK(replayed->failure->kind == FailureKind::kCheck);
  CHECK(replayed->failure->thread == 1);
  CHECK(replayed->failure->message == "a consumer took an item from an empty queue");
  CHECK(in_queue_h(replayed->failure->location));
}

TEST_CASE("queue.wakeup_loop: put under the lock, then notify; wait in a loop") {
  // C(2n, n) executions for n items. Let f(p, g) count the executions with
  // p puts and g gets left (g >= p). With an item queued, the next lock goes
  // to the put or to the get: f(p, g) = f(p-1, g) + f(p, g-1). With the queue
  // empty (p == g), the put goes first, or the get waits and is woken by that
  // same put, after which its relock races the next put just as a fresh get
  // would: f(p, p) = 2 f(p-1, p). With f(0, g) = 1, both are satisfied by the
  // binomial C(p+g, p) (C(2p, p) = 2 C(2p-1, p)), so f(n, n) = C(2n, n).
  auto [items, expected] = GENERATE(table<int, uint64_t>({{1, 2}, {2, 6}, {3, 20}}));
  CheckOptions options;
  CheckResult result =
      test::dfs_check<QueueWakeupLoop>(params_of<QueueWakeupLoop>({{"items", items}}), options);
  INFO(format_check(result, options));
  CHECK_FALSE(result.found_bug());
  CHECK(result.exhaustive);
  CHECK(result.executions == expected);
}
