// INTERLEAVE_CHECK (scheduler/api/located_format.h) evaluates its message
// arguments only when the check fails, so a passing check adds no step; the
// function check() evaluates them always, and each load there is a step.
//
// The models: 2 threads; thread i stores i into its own slot, then checks
// something true. The check's condition reads no shared state, its message
// loads the slot. Under DFS (every interleaving):
//   - no check, or a passing INTERLEAVE_CHECK: 1 step per thread, the
//     interleavings of 1 + 1 steps: C(2, 1) = 2 executions, 2 steps each;
//   - a passing check(): 2 steps per thread (store, then the message's load):
//     C(4, 2) = 6 executions, 4 steps each.
#include <string>

#include <catch2/catch.hpp>

#include "scheduler/strategies/explorer.h"
#include "scheduler/api/interleave.h"
#include "scheduler/reports/report.h"

namespace {

using namespace interleave;

enum class CheckStyle { kNone, kFunction, kMacro };

template <CheckStyle style>
struct SlotModel {
  static ModelSpec spec() { return {"test.slots", "each thread stores, then checks", {}}; }
  explicit SlotModel(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int i) {
    slot[i].store(i);
    if constexpr (style == CheckStyle::kFunction) {
      check(i >= 0, "slot {} holds {}", i, slot[i].load());
    } else if constexpr (style == CheckStyle::kMacro) {
      INTERLEAVE_CHECK(i >= 0, "slot {} holds {}", i, slot[i].load());
    }
  }
  void invariant() {}
  atomic<int> slot[2]{atomic<int>{"slot0", -1}, atomic<int>{"slot1", -1}};
};

// A failing INTERLEAVE_CHECK: thread 1 requires thread 0's store to have come first.
struct OrderModel {
  static ModelSpec spec() { return {"test.order", "T1 requires T0 first", {}, /*buggy=*/true}; }
  explicit OrderModel(const Params&) {}
  int thread_count() const { return 2; }
  void thread(int i) {
    if (i == 0) {
      flag.store(1);
    } else {
      INTERLEAVE_CHECK(flag.load() == 1, "T1 ran first: flag == {}", flag.load());
    }
  }
  void invariant() {}
  atomic<int> flag{"flag", 0};
};

template <class M>
CheckResult check_all(const std::string& strategy) {
  CheckOptions options;
  options.strategy = strategy;
  options.all = true;
  options.progress = false;
  auto params = make_params<M>();
  REQUIRE(params.ok());
  return check_model<M>(*params, options);
}

}  // namespace

TEST_CASE("a passing INTERLEAVE_CHECK adds no step; a passing check() adds its loads") {
  for (std::string strategy : {"dfs", "dpor"}) {
    CAPTURE(strategy);
    CheckResult none = check_all<SlotModel<CheckStyle::kNone>>(strategy);
    CheckResult macro = check_all<SlotModel<CheckStyle::kMacro>>(strategy);
    CheckResult function = check_all<SlotModel<CheckStyle::kFunction>>(strategy);
    INFO(format_check(function, CheckOptions{}));
    for (const CheckResult* r : {&none, &macro, &function}) {
      CHECK(r->error.empty());
      CHECK_FALSE(r->found_bug());
      CHECK(r->exhaustive);
    }
    // The two stores touch different slots: DPOR runs one execution, DFS
    // every interleaving.
    uint64_t expected = strategy == "dfs" ? 2 : 1;
    CHECK(none.executions == expected);
    CHECK(none.total_steps == expected * 2);
    CHECK(macro.executions == none.executions);
    CHECK(macro.total_steps == none.total_steps);
    // check() loads slot[i] for its message even though it passes.
    uint64_t expected_function = strategy == "dfs" ? 6 : 1;
    CHECK(function.executions == expected_function);
    CHECK(function.total_steps == expected_function * 4);
  }
}

TEST_CASE("a failing INTERLEAVE_CHECK formats its message at its own line") {
  CheckOptions options;
  options.strategy = "dfs";
  options.progress = false;
  auto params = make_params<OrderModel>();
  REQUIRE(params.ok());
  CheckResult result = check_model<OrderModel>(*params, options);
  INFO(format_check(result, options));
  REQUIRE(result.found_bug());
  const Failure& failure = result.first_failure->failure;
  CHECK(failure.kind == FailureKind::kCheck);
  CHECK(failure.message == "T1 ran first: flag == 0");
  CHECK(std::string(failure.location.file_name()).ends_with("tests/lazy_check_test.cc"));
  CHECK(failure.location.line() == 52);
  // DFS order: T0 first passes (T0 store, T1 load); the second execution runs
  // T1 first: its condition's load, then the message's load fail the check.
  CHECK(result.executions == 2);
  CHECK(result.first_failure->trace.size() == 2);
}
