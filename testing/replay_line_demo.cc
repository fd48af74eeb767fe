// A Catch2 test that fails on purpose (run by replay_line_test.sh, never on
// its own): REQUIRE_THAT(result, Passes()) on a buggy model whose replay
// command is longer than Catch2's 80 columns.
#include "models/counter.h"
#include "testing/catch2.h"

TEST_CASE("a buggy model checked as if correct") {
  auto params =
      interleave::make_params<models::CounterRacy>({{"threads", 3}, {"iters", 3}});
  REQUIRE(params.ok());
  interleave::CheckOptions dfs;
  dfs.strategy = "dfs";
  interleave::testing::set_replay_command("bazel run //testing:some_long_binary_name -- replay");
  REQUIRE_THAT(interleave::check_model<models::CounterRacy>(*params, dfs),
               interleave::testing::Passes());
}
