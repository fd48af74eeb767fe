// The Catch2 matchers match the right verdicts, and a CheckResult prints as
// the checker's report.
#include "testing/catch2.h"

#include <sstream>

#include "models/counter.h"

using namespace interleave;
using interleave::testing::FindsBug;
using interleave::testing::NoBugWithinBudget;
using interleave::testing::Passes;

TEST_CASE("Passes and FindsBug match the checker's verdicts") {
  auto racy_params = make_params<models::CounterRacy>({{"threads", 2}, {"iters", 1}});
  auto locked_params = make_params<models::CounterLocked>({{"threads", 2}, {"iters", 2}});
  REQUIRE(racy_params.ok());
  REQUIRE(locked_params.ok());
  // The lost update (race detection would report the data race first).
  CheckOptions lost_update;
  lost_update.limits.detect_races = false;
  CheckResult racy = check_model<models::CounterRacy>(*racy_params, lost_update);
  CheckResult locked = check_model<models::CounterLocked>(*locked_params);

  REQUIRE_THAT(locked, Passes());
  REQUIRE_THAT(racy, FindsBug("lost update"));
  CHECK_FALSE(Passes().match(racy));
  CHECK_FALSE(FindsBug().match(locked));
  CHECK_FALSE(FindsBug("deadlock").match(racy));

  // What Catch2 prints for a failing REQUIRE_THAT(racy, Passes()).
  std::string shown = Catch::StringMaker<CheckResult>::convert(racy);
  CHECK_THAT(shown, Catch::Contains("FAIL lost update"));
  CHECK_THAT(shown, Catch::Contains("replay: bazel run //:interleave -- replay 'counter.racy:"));

  // With the default options the same model's data race is the bug found.
  CheckResult race = check_model<models::CounterRacy>(*racy_params);
  REQUIRE_THAT(race, FindsBug("data race on counter"));
}

TEST_CASE("Passes does not match a run a budget stopped; NoBugWithinBudget does") {
  // counter.locked 3x2: 90 DFS executions; a budget of 10 stops it early.
  auto params = make_params<models::CounterLocked>({{"threads", 3}, {"iters", 2}});
  REQUIRE(params.ok());
  CheckOptions budgeted;
  budgeted.strategy = "dfs";
  budgeted.max_executions = 10;
  CheckResult cut = check_model<models::CounterLocked>(*params, budgeted);
  CHECK(verdict_of(cut) == Verdict::kIncomplete);
  CHECK_FALSE(Passes().match(cut));
  CHECK_THAT(cut, NoBugWithinBudget());
  std::string shown = Catch::StringMaker<CheckResult>::convert(cut);
  CHECK_THAT(shown, Catch::Contains("NO BUG FOUND in 10 executions ("));
  CHECK_THAT(shown, Catch::Contains("but --executions 10 stopped the run before it was exhaustive "
                                    "(raise --executions, or drop it)"));

  // Random's own budget is what it was asked: a pass.
  CheckOptions random;
  random.strategy = "random";
  random.max_executions = 50;
  CheckResult sampled = check_model<models::CounterLocked>(*params, random);
  CHECK_THAT(sampled, Passes());
  CHECK_THAT(sampled, NoBugWithinBudget());

  // A bug matches neither.
  auto racy_params = make_params<models::CounterRacy>({{"threads", 2}, {"iters", 1}});
  REQUIRE(racy_params.ok());
  CheckResult racy = check_model<models::CounterRacy>(*racy_params);
  CHECK_FALSE(NoBugWithinBudget().match(racy));
}

TEST_CASE("a failing matcher writes the replay command on one unwrapped line") {
  // counter.racy 3x3: its schedule string is long enough that Catch2 would
  // wrap the replay command.
  auto params = make_params<models::CounterRacy>({{"threads", 3}, {"iters", 3}});
  REQUIRE(params.ok());
  CheckOptions dfs;
  dfs.strategy = "dfs";
  CheckResult racy = check_model<models::CounterRacy>(*params, dfs);
  REQUIRE(racy.found_bug());
  interleave::testing::set_replay_command("bazel run //pkg:my_cli -- replay");
  const std::string expected = "replay (one line): bazel run //pkg:my_cli -- replay '" +
                               racy.first_failure->schedule.to_string() + "'\n";
  REQUIRE(expected.size() > 80);
  std::ostringstream out;
  interleave::testing::print_replay_line(racy, out);
  CHECK(out.str() == expected);
  // The report Catch2 shows names the same binary.
  CHECK_THAT(Catch::StringMaker<CheckResult>::convert(racy),
             Catch::Contains("replay: bazel run //pkg:my_cli -- replay '"));
  interleave::testing::set_replay_command(INTERLEAVE_REPLAY_COMMAND);
  // A passing result has nothing to replay.
  auto locked = make_params<models::CounterLocked>({{"threads", 2}, {"iters", 1}});
  REQUIRE(locked.ok());
  std::ostringstream none;
  interleave::testing::print_replay_line(check_model<models::CounterLocked>(*locked), none);
  CHECK(none.str().empty());
}

TEST_CASE("a time budget that allowed no execution is never a pass") {
  // 1e-12 s runs out before the first execution (the CLI rejects any
  // --seconds below 0.001; the API takes what it is given).
  auto params = make_params<models::CounterLocked>({{"threads", 2}, {"iters", 1}});
  REQUIRE(params.ok());
  for (const char* strategy : {"dfs", "random"}) {
    CAPTURE(strategy);
    CheckOptions options;
    options.strategy = strategy;
    options.max_seconds = 1e-12;
    CheckResult r = check_model<models::CounterLocked>(*params, options);
    CHECK(r.executions == 0);
    CHECK(verdict_of(r) == Verdict::kIncomplete);
    CHECK_FALSE(Passes().match(r));
    CHECK_THAT(format_check(r, options), Catch::Contains("NO BUG FOUND in 0 "));
  }
}
