// The main() of tests made by the interleave_test macro (rules/interleave_test.bzl):
// checks one model from a registry and passes when the verdict is the
// expected one. A check that a budget (--executions, --seconds) stopped
// before it was exhaustive fails the test (exit 3) with a line naming the
// budget: it neither passed nor found the bug. The registry comes from the test's deps, which define
//
//   const interleave::Registry& interleave_models();
//
// Usage (the macro passes these as args):
//   check_main --model NAME [--param NAME=VALUE]... [--strategy S] [--expect pass|bug]
//              [--max-steps N] [--executions N] [--seconds S] [--jobs N]
//              [--replay-command CMD] [--full-trace] [--stack-size BYTES] [--watchdog SECONDS]
//   check_main replay SCHEDULE [--max-steps N] [--full-trace] [--stack-size BYTES]
//                    [--watchdog SECONDS]   (bazel run //pkg:test -- replay '...')
// Numbers are read as cli/numeric.h says.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/numeric.h"
#include "cli/options.h"
#include "scheduler/runtime/escape.h"
#include "scheduler/api/registry.h"
#include "scheduler/reports/report.h"
#include "scheduler/reports/verdict.h"
#include "scheduler/strategies/parallel.h"

const interleave::Registry& interleave_models();

namespace {

int usage_error(const std::string& message) {
  fmt::print(stderr, "interleave_test: {}\n", interleave::escape_control(message));
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"an exhaustive interleave check, as a test"};
  std::string model, strategy = "dpor", expect = "pass";
  std::vector<std::string> params;
  interleave::CheckOptions options;
  app.add_option("--model", model, "model name");
  app.add_option("--param", params, "NAME=VALUE");
  app.add_option("--strategy", strategy, "dpor or dfs");
  app.add_option("--expect", expect, "pass (no bug) or bug (the bug is found)");
  app.add_option("--replay-command", options.replay_command, "how to replay a schedule");
  app.add_flag("--full-trace", options.full_trace, "print every step of a failing trace");
  uint64_t max_steps = options.limits.max_steps;
  interleave::cli::add_count(&app, "--max-steps", max_steps, 1, 1'000'000'000,
                             "step bound per execution");
  interleave::cli::add_count(&app, "--jobs", options.jobs, 1, interleave::cli::kMaxJobs,
                             "dfs, bounded, iterative: explore on N cores; random, pct: N workers (default 1)");
  interleave::cli::add_count(&app, "--dpor-plan-limit", options.dpor_plan_limit, 0,
                             interleave::cli::kMaxCount,
                             "dpor: planned steps its wakeup trees may hold (0: no bound)");
  interleave::cli::add_count(&app, "--executions", options.max_executions, 1,
                             interleave::cli::kMaxCount, "stop after N executions");
  interleave::cli::add_seconds(&app, "--seconds", options.max_seconds, "stop after S seconds");
  std::string schedule;
  CLI::App* replay = app.add_subcommand("replay", "replay one schedule string");
  replay->add_option("schedule", schedule)->required();
  interleave::cli::add_count(replay, "--max-steps", max_steps, 1, 1'000'000'000,
                             "step bound per execution");
  replay->add_flag("--full-trace", options.full_trace, "print every step of a failing trace");
  // --stack-size and --watchdog: see docs/robustness.md.
  for (CLI::App* command : {&app, replay}) {
    interleave::cli::add_count(command, "--stack-size", options.limits.stack_size,
                               interleave::StackPool::kMinStackSize,
                               interleave::StackPool::kMaxStackSize,
                               "usable stack bytes per model thread (default 262144)");
    interleave::cli::add_seconds(command, "--watchdog", options.limits.watchdog_seconds,
                                 "seconds without a visible operation before a thread is stuck "
                                 "(0: off)",
                                 0, 1e6);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return usage_error(e.what());
  }

  options.limits.max_steps = static_cast<size_t>(max_steps);
  if (replay->parsed()) {
    auto result = interleave_models().replay(schedule, options.limits);
    if (!result) return usage_error(result.error());
    fmt::print("{}", interleave::format_replay(*result, options));
    return result->failure ? 1 : 0;
  }

  if (model.empty()) return usage_error("--model is required");
  if (expect != "pass" && expect != "bug") return usage_error("--expect must be pass or bug");
  std::vector<std::pair<std::string, int64_t>> values;
  for (const std::string& p : params) {
    auto param = interleave::cli::parse_param(p);
    if (!param) return usage_error(param.error());
    values.push_back(std::move(*param));
  }
  options.strategy = strategy;
  // A sharded test (interleave_test's shard_count): Bazel says which part.
  if (const char* total = std::getenv("TEST_TOTAL_SHARDS")) {
    const char* index = std::getenv("TEST_SHARD_INDEX");
    auto shard = interleave::cli::parse_shard(fmt::format("{}/{}", index ? index : "", total));
    if (!shard) return usage_error(fmt::format("Bazel's test sharding: {}", shard.error()));
    if (shard->second > 1 && expect != "pass") {
      return usage_error("a sharded check must expect pass: a bug lies in one shard's part only");
    }
    options.shard_index = shard->first;
    options.shard_count = shard->second;
    // Tells Bazel this test understands sharding.
    if (const char* status = std::getenv("TEST_SHARD_STATUS_FILE")) {
      if (std::FILE* f = std::fopen(status, "w")) std::fclose(f);
    }
  }
  auto result = interleave_models().check(model, values, options);
  if (!result) return usage_error(result.error());
  fmt::print("{}", interleave::format_check(*result, options));
  if (!result->error.empty()) return usage_error(result->error);
  const interleave::Verdict verdict = interleave::verdict_of(*result);
  if (verdict == interleave::Verdict::kIncomplete) {
    // Neither verdict is known: the test fails, saying which budget to raise.
    fmt::print("\nThis check is incomplete: {} stopped it before it was exhaustive, so it "
               "neither passes nor finds the bug ({}).\n",
               result->limit, result->raise_limit);
    return interleave::kExitIncomplete;
  }
  bool as_expected = result->found_bug() == (expect == "bug");
  if (!as_expected) {
    if (result->found_bug()) {
      fmt::print("\nThis check found a bug. Replay it locally, step by step:\n  {}\n",
                 interleave::replay_command(result->first_failure->schedule, options));
    } else {
      fmt::print("\nExpected a bug, but every schedule passed.\n");
    }
  }
  return as_expected ? interleave::kExitPass : interleave::kExitBug;
}
