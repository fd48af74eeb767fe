// interleave: the command line.
//
//   interleave list
//   interleave check MODEL [--threads N] [--iters K] [--param NAME=VALUE]... [--all] [--max-steps N]
//   interleave replay SCHEDULE [--max-steps N]
//
// Exit status: 0 no bug found, 1 bug found, 2 usage or input error (with a
// one-line reason on stderr).
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "models/builtin.h"
#include "scheduler/report.h"

namespace {

constexpr int kNoBug = 0;
constexpr int kBug = 1;
constexpr int kUsage = 2;

int usage_error(const std::string& message) {
  fmt::print(stderr, "interleave: {}\n", message);
  return kUsage;
}

int list_models() {
  for (const auto& model : models::builtin().models()) {
    fmt::print("{:<20} {}\n", model.spec.name, model.spec.summary);
    for (const auto& p : model.spec.params) {
      fmt::print("    --{:<10} {} (default {}, {}..{})\n", p.name, p.help, p.default_value, p.min,
                 p.max);
    }
  }
  return kNoBug;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interleave: a deterministic scheduler and model checker for concurrency bugs"};
  app.require_subcommand(1, 1);

  CLI::App* list = app.add_subcommand("list", "list the models, their variants and parameters");

  CLI::App* check = app.add_subcommand("check", "explore every schedule of a model (DFS)");
  std::string model;
  int64_t threads = 0, iters = 0, max_steps = interleave::ExecutionLimits{}.max_steps;
  std::vector<std::string> extra_params;
  bool all = false;
  check->add_option("model", model, "model name, e.g. counter.racy")->required();
  CLI::Option* threads_opt = check->add_option("--threads", threads, "number of model threads");
  CLI::Option* iters_opt = check->add_option("--iters", iters, "iterations per thread");
  check->add_option("--param", extra_params, "a model-specific parameter, NAME=VALUE");
  check->add_flag("--all", all, "keep going after the first failure and count failing executions");
  check->add_option("--max-steps", max_steps, "step bound per execution (possible livelock)");

  CLI::App* replay = app.add_subcommand("replay", "replay one schedule string, step by step");
  std::string schedule;
  replay->add_option("schedule", schedule, "schedule string, e.g. 'counter.racy:t2,i1:v1:0101'")
      ->required();
  replay->add_option("--max-steps", max_steps, "step bound per execution");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(std::string(e.what()) + " (--help shows usage)");
  }

  if (max_steps < 1) return usage_error(fmt::format("--max-steps {} must be at least 1", max_steps));
  interleave::CheckOptions options;
  options.all = all;
  options.limits.max_steps = static_cast<size_t>(max_steps);

  if (list->parsed()) return list_models();

  if (check->parsed()) {
    std::vector<std::pair<std::string, int64_t>> params;
    if (threads_opt->count() > 0) params.emplace_back("threads", threads);
    if (iters_opt->count() > 0) params.emplace_back("iters", iters);
    for (const std::string& p : extra_params) {
      size_t eq = p.find('=');
      int64_t value = 0;
      try {
        size_t used = 0;
        if (eq == std::string::npos) throw std::invalid_argument(p);
        value = std::stoll(p.substr(eq + 1), &used);
        if (used != p.size() - eq - 1) throw std::invalid_argument(p);
      } catch (const std::exception&) {
        return usage_error(fmt::format("--param '{}' is not NAME=INTEGER", p));
      }
      params.emplace_back(p.substr(0, eq), value);
    }
    auto result = models::builtin().check(model, params, options);
    if (!result) return usage_error(result.error());
    fmt::print("{}", interleave::format_check(*result, options));
    if (!result->error.empty()) return usage_error(result->error);
    return result->found_bug() ? kBug : kNoBug;
  }

  auto result = models::builtin().replay(schedule, options.limits);
  if (!result) return usage_error(result.error());
  fmt::print("{}", interleave::format_replay(*result, options));
  return result->failure ? kBug : kNoBug;
}
