// bank_check: checks the bank models (bank.h) and prints each report, or
// replays one schedule string.
//
//   bazel run //examples:bank_check                        check every variant
//   bazel run //examples:bank_check -- replay 'SCHEDULE'   replay one schedule
//
// Exit status. Checking: 0 when every variant behaves as expected (a bug is
// found in bank.racy and bank.two_locks, none in bank.locked and
// bank.ordered), 1 otherwise. Replaying: 0 the execution passed, 1 it failed,
// 2 the schedule was rejected (one line on stderr says why).
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "examples/bank.h"
#include "scheduler/api/registry.h"
#include "scheduler/reports/report.h"

namespace {

// The bank models by name, so a schedule string can be resolved to one.
const interleave::Registry& bank_models() {
  static const interleave::Registry registry = [] {
    interleave::Registry r;
    r.add<bank::BankRacy>();
    r.add<bank::BankLocked>();
    r.add<bank::BankTwoLocks>();
    r.add<bank::BankOrdered>();
    return r;
  }();
  return registry;
}

// Reports name this binary as the one that replays a bank schedule.
const interleave::CheckOptions& options() {
  static const interleave::CheckOptions opts = [] {
    interleave::CheckOptions o;
    o.replay_command = "bazel run //examples:bank_check -- replay";
    return o;
  }();
  return opts;
}

// Checks model M with `threads` x `iters` and prints the report. Returns
// whether the verdict is the expected one.
template <interleave::Model M>
bool check(int threads, int iters, bool expect_bug) {
  auto params = interleave::make_params<M>({{"threads", threads}, {"iters", iters}});
  if (!params) {
    fmt::print(stderr, "bank_check: {}\n", params.error());
    return false;
  }
  interleave::CheckResult result = interleave::check_model<M>(*params, options());
  fmt::print("{}", interleave::format_check(result, options()));
  bool as_expected = result.error.empty() && result.found_bug() == expect_bug;
  if (!as_expected) fmt::print("UNEXPECTED: expected {}\n", expect_bug ? "a bug" : "no bug");
  fmt::print("\n");
  return as_expected;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "replay") {
    auto result = bank_models().replay(argv[2]);
    if (!result) {
      fmt::print(stderr, "bank_check: {}\n", result.error());
      return 2;
    }
    fmt::print("{}", interleave::format_replay(*result, options()));
    return result->failure ? 1 : 0;
  }
  if (argc != 1) {
    fmt::print(stderr, "usage: bank_check            check every bank variant\n"
                       "       bank_check replay SCHEDULE\n");
    return 2;
  }
  bool ok = true;
  ok &= check<bank::BankRacy>(2, 1, /*expect_bug=*/true);
  ok &= check<bank::BankLocked>(2, 1, /*expect_bug=*/false);
  ok &= check<bank::BankLocked>(2, 2, /*expect_bug=*/false);
  ok &= check<bank::BankTwoLocks>(2, 1, /*expect_bug=*/true);
  ok &= check<bank::BankOrdered>(2, 2, /*expect_bug=*/false);
  return ok ? 0 : 1;
}
