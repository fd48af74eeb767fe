// Every registered model under both checkers, at the same small parameters:
// the scheduler's exhaustive DFS (sequentially consistent interleavings) and
// Relacy's full search (the C++ memory model), two independent
// implementations. Their verdicts must agree. Where they cannot, for a
// principled reason, the model is marked below with the reason and the test
// checks exactly that expectation; it also checks the kind of failure Relacy
// reports for every model listed. A model not listed must simply agree.
//
// The test prints a table saying which checker found what.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/builtin.h"
#include "relacy_engine/engine.h"
#include "scheduler/strategies/explorer.h"
#include "scheduler/reports/report.h"

using namespace interleave;

namespace {

// Why the two checkers' verdicts differ.
constexpr std::string_view kRelaxedOnly =
    "relaxed memory only: the scheduler explores sequentially consistent interleavings, Relacy "
    "honours the memory orders";
// Why the verdicts agree and both report a data race before the invariant
// breaks: the scheduler's race detection (scheduler/runtime/race_detector.h) and
// Relacy's rl::var both fail the first execution with two unordered accesses.
constexpr std::string_view kBothRace =
    "both report the data race: shared<T> is an rl::var under Relacy, and the scheduler's race "
    "detection fails the execution at the second unordered access (before the invariant)";

// Relacy's "kind" for a model the engine refuses to run (it starts threads
// from a model thread: Relacy fixes a test's thread count at compile time).
constexpr std::string_view kUnsupported = "UNSUPPORTED";

struct Expectation {
  // Relacy's result kind under full search, or kUnsupported.
  std::string_view relacy_kind;
  // Parameters for both checkers (long names); empty: the model's defaults.
  std::vector<std::pair<std::string, int64_t>> params = {};
  // Set when the verdicts differ (the scheduler passes, Relacy fails): why.
  std::string_view disagreement = {};
  // Set when they agree on a bug but Relacy reports another kind of failure.
  std::string_view note = {};
};

const std::map<std::string, Expectation, std::less<>>& expectations() {
  static const std::map<std::string, Expectation, std::less<>> table = {
      {"counter.racy", {"DATA RACE", {}, {}, kBothRace}},
      {"counter.locked", {"SUCCESS"}},
      {"counter.atomic", {"SUCCESS"}},
      {"counter.partitioned", {"SUCCESS"}},
      {"list.append_locked", {"SUCCESS"}},
      {"list.check_then_pop", {"USER ASSERT FAILED"}},
      {"list.check_then_pop_locked", {"SUCCESS"}},
      {"list.index_increment", {"DATA RACE", {}, {}, kBothRace}},
      {"list.index_increment_locked", {"SUCCESS"}},
      {"list.linked_push", {"DATA RACE", {}, {}, kBothRace}},
      {"list.linked_push_locked", {"SUCCESS"}},
      // At its defaults Relacy's full search (which has no budget) runs past
      // three million executions; one consumer and one item keep it small.
      {"queue.blocking",
       {"SUCCESS", {{"producers", 1}, {"consumers", 1}, {"items", 1}, {"capacity", 1}}}},
      {"queue.unlocked_ring", {"DATA RACE", {}, {}, kBothRace}},
      {"queue.locked_ring", {"SUCCESS"}},
      {"queue.empty_then_get", {"DEADLOCK"}},
      {"queue.get_nowait", {"SUCCESS"}},
      {"queue.missed_wakeup", {"DEADLOCK"}},
      {"queue.wakeup_loop", {"SUCCESS"}},
      {"litmus.inc", {"SUCCESS"}},
      {"litmus.readers", {"SUCCESS"}},
      {"litmus.lastzero", {"SUCCESS"}},
      // Relacy's full search interleaves every plain access too: three
      // threads keep it small.
      {"crowd.racy", {"USER ASSERT FAILED", {{"threads", 3}}}},
      {"crowd.locked", {"SUCCESS", {{"threads", 3}}}},
      {"relaxed.message_passing", {"DATA RACE", {}, kRelaxedOnly}},
      {"relaxed.message_passing_acq_rel", {"SUCCESS"}},
      {"relaxed.dekker", {"USER ASSERT FAILED", {}, kRelaxedOnly}},
      {"relaxed.dekker_seq_cst", {"SUCCESS"}},
  };
  return table;
}

std::string scheduler_cell(const CheckResult& r) {
  if (r.found_bug()) {
    return fmt::format("FAIL in execution {}: {}", r.first_failure->execution,
                       r.first_failure->failure.message);
  }
  return fmt::format("PASS ({} executions)", r.executions);
}

std::string relacy_cell(const RelacyResult& r) {
  if (r.found_bug) {
    return fmt::format("{} in execution {}: {}", r.kind, r.iterations, r.message);
  }
  return fmt::format("PASS ({} executions)", r.iterations);
}

}  // namespace

TEST_CASE("every model: the scheduler's DFS and Relacy's full search agree, or differ as marked") {
  const Registry& registry = models::builtin();
  std::vector<std::string> rows;
  for (const RegisteredModel& model : registry.models()) {
    const std::string& name = model.spec.name;
    auto found = expectations().find(name);
    const Expectation* expected = found == expectations().end() ? nullptr : &found->second;
    std::vector<std::pair<std::string, int64_t>> values;
    if (expected != nullptr) values = expected->params;
    auto resolved = registry.resolve(name, values);
    REQUIRE(resolved.ok());

    auto runner = model.make_runner(resolved->params);
    CheckResult dfs = check_dfs(model.spec, resolved->params, *runner, CheckOptions{});
    auto relacy = run_relacy(name, resolved->params);
    INFO(format_check(dfs, CheckOptions{}, model.spec));
    if (!relacy.ok()) {
      // Only a model marked unsupported may be refused, and only for threads.
      INFO(relacy.error());
      REQUIRE(expected != nullptr);
      CHECK(expected->relacy_kind == kUnsupported);
      CHECK(relacy.error().find("starts a thread") != std::string::npos);
      rows.push_back(fmt::format("{:<32} {:<22} | scheduler DFS (SC): {}\n{:<55} | Relacy: not run: "
                                 "{}\n",
                                 name, resolved->params.describe(), scheduler_cell(dfs), "",
                                 relacy.error()));
      continue;
    }
    INFO(format_relacy(*relacy));
    CHECK(dfs.error.empty());
    CHECK((dfs.exhaustive || dfs.found_bug()));
    CHECK(relacy->exhaustive == !relacy->found_bug);

    // The scheduler: buggy variants fail, except relaxed-only ones.
    CHECK(dfs.found_bug() == (model.spec.buggy && !model.spec.relaxed_only));
    // Relacy: every buggy variant fails, and so does a model marked as
    // differing (racy by design); the others pass.
    bool marked = expected != nullptr && !expected->disagreement.empty();
    CHECK(relacy->found_bug == (model.spec.buggy || marked));

    std::string verdict;
    if (dfs.found_bug() == relacy->found_bug) {
      // Agreement needs no reason; a mark of disagreement must not be stale.
      if (expected != nullptr) CHECK(expected->disagreement.empty());
      verdict = expected != nullptr && !expected->note.empty()
                    ? fmt::format("agree (both: bug); {}", expected->note)
                    : "agree";
    } else {
      // They differ: only as marked, and only the way that is principled
      // (Relacy finds more than sequential consistency allows).
      REQUIRE(expected != nullptr);
      CHECK_FALSE(expected->disagreement.empty());
      CHECK_FALSE(dfs.found_bug());
      CHECK(relacy->found_bug);
      if (model.spec.relaxed_only) CHECK(expected->disagreement == kRelaxedOnly);
      verdict = fmt::format("differ as marked: {}", expected->disagreement);
    }
    if (expected != nullptr) CHECK(relacy->kind == expected->relacy_kind);
    // Where both find a bug and Relacy's is a data race, so is ours (the
    // litmus programs, racy by design in the literature, use atomics here).
    if (dfs.found_bug() && relacy->found_bug && relacy->kind == "DATA RACE") {
      CHECK(dfs.first_failure->failure.kind == FailureKind::kDataRace);
      CHECK(expected != nullptr);
      if (expected != nullptr) CHECK(expected->note == kBothRace);
    }

    rows.push_back(fmt::format("{:<32} {:<22} | scheduler DFS (SC): {}\n{:<55} | Relacy full:        "
                               "{}\n{:<55} | {}\n",
                               name, resolved->params.describe(), scheduler_cell(dfs), "",
                               relacy_cell(*relacy), "", verdict));
  }
  std::printf("Which checker found what (every registered model, same parameters):\n\n");
  for (const std::string& row : rows) std::printf("%s\n", row.c_str());
}

TEST_CASE("the Relacy engine has exactly the registered models") {
  std::vector<std::string> registered;
  for (const RegisteredModel& model : models::builtin().models()) {
    registered.push_back(model.spec.name);
  }
  CHECK(relacy_model_names() == registered);
}

TEST_CASE("Relacy's report: our summary, then Relacy's history of the failing execution") {
  auto params = models::builtin().resolve("relaxed.dekker", {});
  REQUIRE(params.ok());
  auto result = run_relacy("relaxed.dekker", params->params);
  REQUIRE(result.ok());
  REQUIRE(result->found_bug);
  CHECK(result->kind == "USER ASSERT FAILED");
  CHECK(result->message == "mutual exclusion broken: T1 entered while T0 was inside");
  CHECK(result->location.find("models/relaxed.h:") != std::string::npos);
  std::string text = format_relacy(*result);
  INFO(text);
  CHECK(text.find("FAIL USER ASSERT FAILED: mutual exclusion broken") != std::string::npos);
  CHECK(text.find("execution history") != std::string::npos);
  // The stale read that breaks it, as Relacy shows it.
  CHECK(text.find("[NOT CURRENT], order=acquire, in flag[") != std::string::npos);
  CHECK_FALSE(result->report_truncated);

  auto race = run_relacy("counter.racy", models::builtin().resolve("counter.racy", {})->params);
  REQUIRE(race.ok());
  CHECK(race->kind == "DATA RACE");
  CHECK(race->message == "unsynchronised access to counter by two threads");
  CHECK(race->location.find("models/counter.h:") != std::string::npos);
}

TEST_CASE("Relacy's bound and random searches, budgets and limits") {
  const Registry& registry = models::builtin();
  auto dekker = registry.resolve("relaxed.dekker", {});
  REQUIRE(dekker.ok());

  RelacyOptions random;
  random.search = RelacySearch::kRandom;
  random.iterations = 20'000;
  auto found = run_relacy("relaxed.dekker", dekker->params, random);
  REQUIRE(found.ok());
  CHECK(found->found_bug);
  CHECK_FALSE(found->exhaustive);

  RelacyOptions bound;
  bound.search = RelacySearch::kBound;
  bound.context_bound = 2;
  auto bounded = run_relacy("relaxed.dekker", dekker->params, bound);
  REQUIRE(bounded.ok());
  CHECK(bounded->found_bug);

  // A correct model under random search: exactly the budget, not exhaustive.
  auto locked = registry.resolve("counter.locked", {{"threads", 3}, {"iters", 2}});
  REQUIRE(locked.ok());
  random.iterations = 1'000;
  auto sampled = run_relacy("counter.locked", locked->params, random);
  REQUIRE(sampled.ok());
  CHECK_FALSE(sampled->found_bug);
  CHECK_FALSE(sampled->exhaustive);
  CHECK(sampled->iterations == 1'000);

  // A budget on full search stops it short of exhaustion.
  RelacyOptions capped;
  capped.iterations = 10;
  auto stopped = run_relacy("counter.locked", locked->params, capped);
  REQUIRE(stopped.ok());
  CHECK_FALSE(stopped->found_bug);
  CHECK_FALSE(stopped->exhaustive);
  CHECK(stopped->iterations == 10);
  auto full = run_relacy("counter.locked", locked->params);
  REQUIRE(full.ok());
  CHECK(full->exhaustive);
  CHECK(full->iterations > 10);

  // Relacy's thread count is fixed at compile time: 1..kMaxRelacyThreads.
  auto seven = registry.resolve("counter.racy", {{"threads", kMaxRelacyThreads + 1}});
  REQUIRE(seven.ok());
  auto refused = run_relacy("counter.racy", seven->params);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("runs 1..6") != std::string::npos);
  auto one = registry.resolve("counter.racy", {{"threads", 1}});
  REQUIRE(one.ok());
  auto single = run_relacy("counter.racy", one->params);
  REQUIRE(single.ok());
  CHECK_FALSE(single->found_bug);

  auto unknown = run_relacy("no.such_model", Params{});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().find("no.such_model") != std::string::npos);
}
