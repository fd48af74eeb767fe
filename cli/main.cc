// interleave: the command line.
//
//   interleave list
//   interleave check MODEL [model options] [--all] [--max-steps N]
//                    [--strategy dpor|dfs|bounded|iterative|random|pct] [--preemptions K]
//                    [--seed S] [--depth d] [--executions N] [--seconds S]
//                    [--no-shrink] [--full-trace] [--json FILE] [--html FILE]
//                    [--no-race-detection]
//   interleave replay SCHEDULE [--max-steps N] [--full-trace] [--no-race-detection]
//   interleave native MODEL [model options] [--trials T] [--seconds S] [--timeout S]
//   interleave compare [--seconds S]
//   interleave relacy MODEL [model options] [--search full|bound|random] [--iterations N]
//                     [--context-bound K]
//
// Model options: --threads N, --iters K, --param NAME=VALUE (repeatable).
// Exit status: 0 no bug found, 1 bug found, 2 usage or input error (with a
// one-line reason on stderr).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "models/builtin.h"
#include "native/engine.h"
#include "relacy_engine/engine.h"
#include "scheduler/html_report.h"
#include "scheduler/json_report.h"
#include "scheduler/report.h"

namespace {

constexpr int kNoBug = 0;
constexpr int kBug = 1;
constexpr int kUsage = 2;

int usage_error(const std::string& message) {
  fmt::print(stderr, "interleave: {}\n", message);
  return kUsage;
}

// Writes a --json / --html report; false (with the reason on stderr) if it cannot.
bool write_file(const std::string& path, const std::string& text, const char* option) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    usage_error(fmt::format("{}: cannot write {}", option, path));
    return false;
  }
  return true;
}

int list_models() {
  for (const auto& model : models::builtin().models()) {
    fmt::print("{:<28} {}{}\n", model.spec.name, model.spec.buggy ? "[bug] " : "",
               model.spec.summary);
    for (const auto& p : model.spec.params) {
      fmt::print("    --{:<10} {} (default {}, {}..{})\n",
                 p.name == "threads" || p.name == "iters" ? p.name : "param " + p.name + "=",
                 p.help, p.default_value, p.min, p.max);
    }
  }
  return kNoBug;
}

// The options that pick a model and its parameters, shared by the commands.
struct ModelArgs {
  std::string model;
  int64_t threads = 0;
  int64_t iters = 0;
  std::vector<std::string> extra;
  CLI::Option* threads_opt = nullptr;
  CLI::Option* iters_opt = nullptr;

  void add_to(CLI::App* app) {
    app->add_option("model", model, "model name, e.g. counter.racy (see `interleave list`)")
        ->required();
    threads_opt = app->add_option("--threads", threads, "number of model threads");
    iters_opt = app->add_option("--iters", iters, "iterations per thread");
    app->add_option("--param", extra, "a model-specific parameter, NAME=VALUE");
  }

  // The model and its validated parameters, or a one-line error.
  interleave::Expected<interleave::Registry::Resolved> resolve() const {
    std::vector<std::pair<std::string, int64_t>> values;
    if (threads_opt->count() > 0) values.emplace_back("threads", threads);
    if (iters_opt->count() > 0) values.emplace_back("iters", iters);
    for (const std::string& p : extra) {
      size_t eq = p.find('=');
      size_t used = 0;
      int64_t value = 0;
      try {
        if (eq == std::string::npos) throw std::invalid_argument(p);
        value = std::stoll(p.substr(eq + 1), &used);
      } catch (const std::exception&) {
        used = std::string::npos;
      }
      if (eq == std::string::npos || used != p.size() - eq - 1) {
        return interleave::Error{fmt::format("--param '{}' is not NAME=INTEGER", p)};
      }
      values.emplace_back(p.substr(0, eq), value);
    }
    return models::builtin().resolve(model, values);
  }
};

interleave::RunnerFactory factory_for(const interleave::Registry::Resolved& r) {
  return [&r] { return r.model->make_runner(r.params); };
}

// For every buggy model at its defaults: schedules the scheduler needed to
// find the bug, against native trials in a fixed budget.
int compare(double seconds) {
  fmt::print("{:<26} {:>10} {:>11} | {:>9} {:>8} {:>12}  {}\n", "model (defaults)", "schedules",
             "time", "native", "trials", "first seen", "what broke natively");
  fmt::print("{:<26} {:>10} {:>11} | {:>9} {:>8} {:>12}\n", "", "to bug", "", "trials", "failing",
             "at trial");
  bool any_hang = false;
  for (const auto& model : models::builtin().models()) {
    if (!model.spec.buggy) continue;
    auto resolved = models::builtin().resolve(model.spec.name, {});
    if (!resolved) return usage_error(resolved.error());
    auto runner = model.make_runner(resolved->params);
    interleave::CheckResult dfs =
        interleave::check(model.spec, resolved->params, *runner, interleave::CheckOptions{});
    interleave::NativeOptions native_options;
    native_options.trials = 0;
    native_options.seconds = seconds;
    native_options.trial_timeout_seconds = std::min(2.0, seconds);
    interleave::NativeResult native =
        interleave::run_native(model.spec, resolved->params, factory_for(*resolved), native_options);
    std::string dfs_found = dfs.found_bug() ? fmt::format("{}", dfs.first_failure->execution)
                                            : "not found";
    std::string first = native.first_failing_trial > 0
                            ? fmt::format("{}", native.first_failing_trial)
                            : (native.hang.empty() ? "never" : "hung");
    std::string what = !native.hang.empty()       ? "hung: " + native.hang
                       : native.failing_trials > 0 ? native.first_failure
                                                   : "";
    fmt::print("{:<26} {:>10} {:>9.3f}ms | {:>9} {:>8} {:>12}  {}\n", model.spec.name, dfs_found,
               dfs.seconds * 1e3, native.trials, native.failing_trials, first, what.substr(0, 70));
    std::fflush(stdout);
    any_hang = any_hang || !native.hang.empty();
  }
  if (any_hang) {
    // Hung trials leave threads blocked for good: leave without joining them.
    std::_Exit(kNoBug);
  }
  return kNoBug;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"interleave: a deterministic scheduler and model checker for concurrency bugs"};
  app.require_subcommand(1, 1);
  int64_t max_steps = interleave::ExecutionLimits{}.max_steps;

  CLI::App* list = app.add_subcommand("list", "list the models, their variants and parameters");

  CLI::App* check = app.add_subcommand("check", "explore every schedule of a model (DFS)");
  ModelArgs check_args;
  check_args.add_to(check);
  bool all = false;
  check->add_flag("--all", all, "keep going after the first failure and count failing executions");
  check->add_option("--max-steps", max_steps, "step bound per execution (possible livelock)");
  std::string strategy = "dpor";
  check->add_option("--strategy", strategy,
                    "dpor (default: one execution per trace), dfs (every schedule), bounded "
                    "(at most --preemptions K), iterative (K = 0, 1, ... until a bug), random "
                    "(uniform random walk) or pct (random priorities, --depth d)");
  int64_t preemptions = -1;
  CLI::Option* preemptions_opt = check->add_option(
      "--preemptions", preemptions,
      "explore only schedules with at most K preemptions (bounded DFS; with iterative: the "
      "largest K to try)");
  std::string seed_text;
  CLI::Option* seed_opt =
      check->add_option("--seed", seed_text, "random, pct: the seed, 0..2^64-1 (default 1)");
  int64_t pct_depth = interleave::CheckOptions{}.pct_depth;
  CLI::Option* depth_opt =
      check->add_option("--depth", pct_depth, "pct: bug depth d, d-1 change points (default 3)");
  int64_t budget_executions = 0;
  CLI::Option* executions_opt = check->add_option(
      "--executions", budget_executions,
      "stop after N executions (random and pct default to 1000)");
  double budget_seconds = 0;
  CLI::Option* seconds_opt =
      check->add_option("--seconds", budget_seconds, "stop after S seconds");
  bool no_shrink = false;
  check->add_flag("--no-shrink", no_shrink,
                  "report the failing schedule as found, without shrinking it");

  // Data races on shared<T> (docs/races.md): on unless turned off.
  bool no_race_detection = false;
  constexpr const char* kNoRaceDetection =
      "do not fail on data races (unordered conflicting accesses to a shared<T>)";
  check->add_flag("--no-race-detection", no_race_detection, kNoRaceDetection);

  bool full_trace = false;
  check->add_flag("--full-trace", full_trace,
                  "print every step of the failing trace (default: fold runs of steps of "
                  "threads without key steps)");

  std::string json_file;
  check->add_option("--json", json_file, "also write the result as JSON to FILE (docs/json.md)");
  std::string html_file;
  check->add_option("--html", html_file,
                    "also write the result as a self-contained HTML page to FILE");

  CLI::App* replay = app.add_subcommand("replay", "replay one schedule string, step by step");
  std::string schedule;
  replay->add_option("schedule", schedule, "schedule string, e.g. 'counter.racy:t2,i1:v1:0101'")
      ->required();
  replay->add_option("--max-steps", max_steps, "step bound per execution");
  replay->add_flag("--full-trace", full_trace, "print every step of a failing trace");
  replay->add_flag("--no-race-detection", no_race_detection, kNoRaceDetection);

  CLI::App* native = app.add_subcommand("native", "run a model on real threads, many trials");
  ModelArgs native_args;
  native_args.add_to(native);
  interleave::NativeOptions native_options;
  CLI::Option* trials_opt =
      native->add_option("--trials", native_options.trials, "trials to run (default 1000)");
  native->add_option("--seconds", native_options.seconds, "stop after this many seconds");
  native->add_option("--timeout", native_options.trial_timeout_seconds,
                     "seconds after which a trial counts as hung (default 2)");

  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "every buggy model: DFS schedules to the bug against native trials in a budget");
  double compare_seconds = 2;
  compare_cmd->add_option("--seconds", compare_seconds, "native budget per model (default 2)");

  CLI::App* relacy = app.add_subcommand(
      "relacy", "check a model under Relacy (C++ memory model: orders honoured, data races)");
  ModelArgs relacy_args;
  relacy_args.add_to(relacy);
  std::string relacy_search = "full";
  interleave::RelacyOptions relacy_options;
  relacy->add_option("--search", relacy_search,
                     "full (every execution, no budget), bound (context-bound) or random");
  CLI::Option* relacy_iterations_opt = relacy->add_option(
      "--iterations", relacy_options.iterations,
      "random: executions to run (default 100000); full, bound: stop after N (default: none)");
  relacy->add_option("--context-bound", relacy_options.context_bound,
                     "bound: preemptions per execution (default 2)");

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
  options.strategy = strategy;
  options.limits.max_steps = static_cast<size_t>(max_steps);
  options.limits.detect_races = !no_race_detection;
  options.full_trace = full_trace;

  if (list->parsed()) return list_models();

  if (check->parsed()) {
    // Strategy options: each a one-line error when malformed or misapplied.
    if (preemptions_opt->count() > 0) {
      if (preemptions < 0) {
        return usage_error(fmt::format("--preemptions {} must not be negative", preemptions));
      }
      if (preemptions > 1'000'000) return usage_error("--preemptions must be at most 1000000");
      options.preemptions = static_cast<int>(preemptions);
    }
    if (seed_opt->count() > 0) {
      if (strategy != "random" && strategy != "pct") {
        return usage_error("--seed applies to --strategy random and pct");
      }
      const char* end = seed_text.data() + seed_text.size();
      auto [ptr, ec] = std::from_chars(seed_text.data(), end, options.seed);
      if (seed_text.empty() || ec != std::errc() || ptr != end) {
        return usage_error(
            fmt::format("--seed '{}' is not an integer in 0..18446744073709551615", seed_text));
      }
    }
    if (depth_opt->count() > 0) {
      if (strategy != "pct") return usage_error("--depth applies to --strategy pct");
      if (pct_depth < 1 || pct_depth > 1000) {
        return usage_error(fmt::format("--depth {} must be in 1..1000", pct_depth));
      }
      options.pct_depth = static_cast<int>(pct_depth);
    }
    if (executions_opt->count() > 0) {
      if (budget_executions < 1) {
        return usage_error(fmt::format("--executions {} must be at least 1", budget_executions));
      }
      options.max_executions = static_cast<uint64_t>(budget_executions);
    }
    if (seconds_opt->count() > 0) {
      if (!(budget_seconds > 0) || !std::isfinite(budget_seconds)) {
        return usage_error(fmt::format("--seconds {} must be positive", budget_seconds));
      }
      options.max_seconds = budget_seconds;
    }
    options.shrink = !no_shrink;
    if (auto made = interleave::make_strategy(options); !made) return usage_error(made.error());
    auto resolved = check_args.resolve();
    if (!resolved) return usage_error(resolved.error());
    auto runner = resolved->model->make_runner(resolved->params);
    interleave::CheckResult result =
        interleave::check(resolved->model->spec, resolved->params, *runner, options);
    fmt::print("{}", interleave::format_check(result, options, resolved->model->spec));
    if (!json_file.empty() &&
        !write_file(json_file, interleave::check_json(result, options), "--json")) {
      return kUsage;
    }
    if (!html_file.empty() &&
        !write_file(html_file, interleave::check_html(result, options), "--html")) {
      return kUsage;
    }
    if (!result.error.empty()) return usage_error(result.error);
    return result.found_bug() ? kBug : kNoBug;
  }

  if (native->parsed()) {
    auto resolved = native_args.resolve();
    if (!resolved) return usage_error(resolved.error());
    if (native_options.trials < 0) return usage_error("--trials must not be negative");
    if (native_options.seconds < 0) return usage_error("--seconds must not be negative");
    if (native_options.trial_timeout_seconds <= 0) return usage_error("--timeout must be positive");
    if (native_options.seconds > 0 && trials_opt->count() == 0) native_options.trials = 0;
    if (native_options.trials == 0 && native_options.seconds == 0) {
      return usage_error("--trials 0 runs without end: give --seconds too");
    }
    interleave::NativeResult result = interleave::run_native(
        resolved->model->spec, resolved->params, factory_for(*resolved), native_options);
    fmt::print("{}", interleave::format_native(result));
    std::fflush(stdout);
    // A hung trial's threads cannot be joined: leave without waiting for them.
    if (!result.hang.empty()) std::_Exit(kBug);
    return result.found_bug() ? kBug : kNoBug;
  }

  if (relacy->parsed()) {
    auto resolved = relacy_args.resolve();
    if (!resolved) return usage_error(resolved.error());
    if (!interleave::parse_search(relacy_search, relacy_options.search)) {
      return usage_error(
          fmt::format("--search '{}' is not one of full, bound, random", relacy_search));
    }
    if (relacy_iterations_opt->count() > 0 && relacy_options.iterations == 0) {
      return usage_error("--iterations must be at least 1");
    }
    auto result =
        interleave::run_relacy(resolved->model->spec.name, resolved->params, relacy_options);
    if (!result) return usage_error(result.error());
    fmt::print("{}", interleave::format_relacy(*result));
    return result->found_bug ? kBug : kNoBug;
  }

  if (compare_cmd->parsed()) {
    if (!(compare_seconds > 0)) return usage_error("--seconds must be positive");
    return compare(compare_seconds);
  }

  auto result = models::builtin().replay(schedule, options.limits);
  if (!result) return usage_error(result.error());
  fmt::print("{}", interleave::format_replay(*result, options));
  return result->failure ? kBug : kNoBug;
}
