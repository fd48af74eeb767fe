// The main() of tests made by the interleave_test macro (rules/interleave_test.bzl):
// checks one model from a registry and passes when the verdict is the
// expected one. The registry comes from the test's deps, which define
//
//   const interleave::Registry& interleave_models();
//
// Usage (the macro passes these as args):
//   check_main --model NAME [--param NAME=VALUE]... [--strategy S] [--expect pass|bug]
//              [--replay-command CMD] [--full-trace] [--stack-size BYTES] [--watchdog SECONDS]
//   check_main replay SCHEDULE [--full-trace] [--stack-size BYTES] [--watchdog SECONDS]
//   (bazel run //pkg:test -- replay '...')
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "scheduler/registry.h"
#include "scheduler/report.h"

const interleave::Registry& interleave_models();

namespace {

int usage_error(const std::string& message) {
  fmt::print(stderr, "interleave_test: {}\n", message);
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
  std::string schedule;
  CLI::App* replay = app.add_subcommand("replay", "replay one schedule string");
  replay->add_option("schedule", schedule)->required();
  replay->add_flag("--full-trace", options.full_trace, "print every step of a failing trace");
  // --stack-size and --watchdog: see docs/robustness.md.
  for (CLI::App* command : {&app, replay}) {
    command->add_option("--stack-size", options.limits.stack_size,
                        "usable stack bytes per model thread (default 262144)")
        ->check(CLI::Range(interleave::StackPool::kMinStackSize,
                           interleave::StackPool::kMaxStackSize));
    command->add_option("--watchdog", options.limits.watchdog_seconds,
                        "seconds without a visible operation before a thread is stuck (0: off)")
        ->check(CLI::Range(0.0, 1e6));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return usage_error(e.what());
  }

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
    size_t eq = p.find('=');
    try {
      if (eq == std::string::npos) throw std::invalid_argument(p);
      values.emplace_back(p.substr(0, eq), std::stoll(p.substr(eq + 1)));
    } catch (const std::exception&) {
      return usage_error(fmt::format("--param '{}' is not NAME=INTEGER", p));
    }
  }
  options.strategy = strategy;
  auto result = interleave_models().check(model, values, options);
  if (!result) return usage_error(result.error());
  fmt::print("{}", interleave::format_check(*result, options));
  if (!result->error.empty()) return usage_error(result->error);
  bool as_expected = result->found_bug() == (expect == "bug");
  if (!as_expected) {
    if (result->found_bug()) {
      fmt::print("\nThis check found a bug. Replay it locally, step by step:\n  {}\n",
                 interleave::replay_command(result->first_failure->schedule, options));
    } else {
      fmt::print("\nExpected a bug, but every schedule passed.\n");
    }
  }
  return as_expected ? 0 : 1;
}
