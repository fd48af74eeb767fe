// The command line over any registry (cli/interleave_main.h).
//
//   PROGRAM list
//   PROGRAM check MODEL [model options] [--all] [--max-steps N]
//                 [--strategy dpor|dfs|bounded|iterative|random|pct] [--preemptions K]
//                 [--seed S] [--depth d] [--executions N] [--seconds S]
//                 [--no-shrink] [--full-trace] [--json FILE] [--html FILE]
//                 [--no-race-detection] [--no-spin-detection] [--no-spurious-wakeups]
//                 [--no-probes] [--shard I/K] [--jobs N] [--dpor-plan-limit N]
//   PROGRAM replay SCHEDULE [--max-steps N] [--full-trace] [--json FILE]
//                  [--no-race-detection] [--no-spin-detection] [--no-spurious-wakeups]
//   check and replay also take --stack-size BYTES and --watchdog SECONDS
//   (docs/robustness.md).
//   PROGRAM merge REPORT.json...   (the --json reports of a sharded check's shards)
//   PROGRAM native MODEL [model options] [--trials T] [--seconds S] [--timeout S]
//   PROGRAM compare [--seconds S]
//   PROGRAM relacy MODEL [model options] [--search full|bound|random] [--iterations N]
//                  [--seconds S] [--context-bound K]
//
// Model options: --threads N, --iters K, --param NAME=VALUE (repeatable).
// Every number is read by cli/numeric.h's rules (docs/cli.md).
#include "cli/interleave_main.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/numeric.h"
#include "cli/options.h"
#include "native/engine.h"
#include "relacy_engine/engine.h"
#include "scheduler/reports/html_report.h"
#include "scheduler/reports/json_report.h"
#include "scheduler/reports/merge.h"
#include "scheduler/runtime/escape.h"
#include "scheduler/reports/report.h"
#include "scheduler/reports/verdict.h"
#include "scheduler/strategies/parallel.h"

namespace interleave {

namespace {

// The largest values the numeric options accept (cli/numeric.h says how a
// value is read and what a rejected one prints).
constexpr uint64_t kMaxStepsBound = 1'000'000'000;  // --max-steps
constexpr uint64_t kMaxPreemptions = 1'000'000;     // --preemptions, --context-bound
constexpr uint64_t kMaxPctDepth = 1000;             // --depth

// The prefix of error lines (Program::name), for usage_error.
const std::string* g_error_prefix = nullptr;

constexpr int kNoBug = interleave::kExitPass;
constexpr int kBug = interleave::kExitBug;
constexpr int kUsage = interleave::kExitUsage;
constexpr int kIncomplete = interleave::kExitIncomplete;

// The one line of a usage or input error. Control characters that reached
// the message from the input are escaped here at the latest.
int usage_error(const std::string& message) {
  fmt::print(stderr, "{}: {}\n", g_error_prefix ? *g_error_prefix : "interleave",
             interleave::escape_control(message));
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

int list_models(const Registry& registry) {
  for (const auto& model : registry.models()) {
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
  explicit ModelArgs(const Registry* models) : registry(models) {}
  const Registry* registry;
  std::string model;
  // --threads, --iters and each --param, in the order given.
  std::vector<std::pair<std::string, int64_t>> values;
  std::vector<std::string> extra;

  void add_to(CLI::App* app) {
    app->add_option("model", model, "model name, e.g. counter.racy (see `interleave list`)")
        ->required();
    add_param(app, "--threads", "threads", "number of model threads");
    add_param(app, "--iters", "iters", "iterations per thread");
    app->add_option("--param", extra, "a model-specific parameter, NAME=VALUE");
  }

  // The model and its validated parameters, or a one-line error.
  interleave::Expected<interleave::Registry::Resolved> resolve() const {
    std::vector<std::pair<std::string, int64_t>> all = values;
    for (const std::string& p : extra) {
      auto param = interleave::cli::parse_param(p);
      if (!param) return interleave::Error{param.error()};
      all.push_back(std::move(*param));
    }
    return registry->resolve(model, all);
  }

 private:
  // A model parameter as its own option; its range is the model's.
  void add_param(CLI::App* app, const std::string& option, const std::string& name,
                 const std::string& help) {
    app->add_option_function<std::string>(
           option,
           [this, option, name](const std::string& text) {
             auto value = interleave::cli::parse_integer(option, text,
                                                         std::numeric_limits<int64_t>::min(),
                                                         std::numeric_limits<int64_t>::max());
             if (!value) throw CLI::ValidationError(value.error());
             values.emplace_back(name, *value);
           },
           help)
        ->type_name("N");
  }
};

interleave::RunnerFactory factory_for(const interleave::Registry::Resolved& r) {
  return [&r] { return r.model->make_runner(r.params); };
}

// For every buggy model at its defaults: schedules the scheduler needed to
// find the bug, against native trials in a fixed budget.
int compare(const Registry& registry, double seconds) {
  fmt::print("{:<26} {:>10} {:>11} | {:>9} {:>8} {:>12}  {}\n", "model (defaults)", "schedules",
             "time", "native", "trials", "first seen", "what broke natively");
  fmt::print("{:<26} {:>10} {:>11} | {:>9} {:>8} {:>12}\n", "", "to bug", "", "trials", "failing",
             "at trial");
  bool any_hang = false;
  for (const auto& model : registry.models()) {
    if (!model.spec.buggy) continue;
    auto resolved = registry.resolve(model.spec.name, {});
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

int interleave_main(const Registry& registry, int argc, char** argv) {
  Program program;
  program.registry = &registry;
  return interleave_main(program, argc, argv);
}

int interleave_main(const Program& program, int argc, char** argv) {
  g_error_prefix = &program.name;
  if (program.registry == nullptr) return usage_error("interleave_main: Program::registry is not set");
  const Registry& registry = *program.registry;
  const std::string command =
      !program.command.empty() ? program.command : (argc > 0 ? argv[0] : "interleave");
  CLI::App app{"interleave: a deterministic scheduler and model checker for concurrency bugs",
               program.name};
  app.require_subcommand(1, 1);
  namespace cli = interleave::cli;
  uint64_t max_steps = interleave::ExecutionLimits{}.max_steps;

  CLI::App* list = app.add_subcommand("list", "list the models, their variants and parameters");

  CLI::App* check = app.add_subcommand("check", "explore the schedules of a model; report the first that fails");
  ModelArgs check_args(&registry);
  check_args.add_to(check);
  bool all = false;
  check->add_flag("--all", all, "keep going after the first failure and count failing executions");
  cli::add_count(check, "--max-steps", max_steps, 1, kMaxStepsBound,
                 "step bound per execution (possible livelock)");
  // --stack-size and --watchdog (check, replay): see docs/robustness.md.
  size_t stack_size = interleave::ExecutionLimits{}.stack_size;
  double watchdog = interleave::ExecutionLimits{}.watchdog_seconds;
  const char* kStackSizeHelp = "usable stack bytes per model thread (default 262144)";
  const char* kWatchdogHelp =
      "seconds a model thread may run without a visible operation before it is reported "
      "stuck (default 5; 0: no watchdog)";
  cli::add_count(check, "--stack-size", stack_size, interleave::StackPool::kMinStackSize,
                 interleave::StackPool::kMaxStackSize, kStackSizeHelp);
  cli::add_seconds(check, "--watchdog", watchdog, kWatchdogHelp, 0, 1e6);
  std::string strategy = "dpor";
  check->add_option("--strategy", strategy,
                    "dpor (default: one execution per trace), dfs (every schedule), bounded "
                    "(at most --preemptions K), iterative (K = 0, 1, ... until a bug), random "
                    "(uniform random walk) or pct (random priorities, --depth d)");
  interleave::CheckOptions parsed;  // the values of the options below
  CLI::Option* preemptions_opt = cli::add_count(
      check, "--preemptions", parsed.preemptions, 0, kMaxPreemptions,
      "explore only schedules with at most K preemptions (bounded DFS; with iterative: the "
      "largest K to try)");
  CLI::Option* seed_opt = cli::add_count(check, "--seed", parsed.seed, 0, UINT64_MAX,
                                         "random, pct: the seed, 0..2^64-1 (default 1)");
  CLI::Option* depth_opt = cli::add_count(check, "--depth", parsed.pct_depth, 1, kMaxPctDepth,
                                          "pct: bug depth d, d-1 change points (default 3)");
  cli::add_count(check, "--executions", parsed.max_executions, 1, cli::kMaxCount,
                 "stop after N executions (random and pct default to 1000)");
  cli::add_seconds(check, "--seconds", parsed.max_seconds, "stop after S seconds");
  bool no_shrink = false;
  check->add_flag("--no-shrink", no_shrink,
                  "report the failing schedule as found, without shrinking it");

  // Data races on shared<T> (docs/races.md): on unless turned off.
  bool no_race_detection = false;
  constexpr const char* kNoRaceDetection =
      "do not fail on data races (unordered conflicting accesses to a shared<T>)";
  check->add_flag("--no-race-detection", no_race_detection, kNoRaceDetection);
  // Spin loops held until a write (docs/spin_waits.md): on unless turned off.
  bool no_spin_detection = false;
  constexpr const char* kNoSpinDetection =
      "run spin loops to --max-steps instead of holding a thread that repeats a loop "
      "iteration in the same state until another thread writes what it reads";
  check->add_flag("--no-spin-detection", no_spin_detection, kNoSpinDetection);
  // Spurious wakeups of waits without a predicate (docs/condition_variables.md).
  bool no_spurious_wakeups = false;
  constexpr const char* kNoSpuriousWakeups =
      "never let a condition-variable wait without a predicate wake up without a notify";
  check->add_flag("--no-spurious-wakeups", no_spurious_wakeups, kNoSpuriousWakeups);
  int shard_index = 0;
  int shard_count = 1;
  cli::add_shard(check, shard_index, shard_count,
                 "dpor, dfs, bounded: explore part I (0-based) of K disjoint parts of the search; the "
                 "parts' counts add up to the whole (docs/reference.md, \"Sharded checks\")");
  int jobs = 0;
  CLI::Option* jobs_opt =
      cli::add_count(check, "--jobs", jobs, 1, interleave::cli::kMaxJobs,
                     "dpor, dfs, bounded, iterative: explore on N cores (default: every core), "
                     "with the counts and the failure one core gives; random, pct: split the budget "
                     "over N workers with seeds derived from --seed (default 1) "
                     "(docs/reference.md, \"Parallel checks\")");
  uint64_t dpor_plan_limit = interleave::CheckOptions::kDefaultDporPlanLimit;
  CLI::Option* plan_limit_opt = cli::add_count(
      check, "--dpor-plan-limit", dpor_plan_limit, 0, interleave::cli::kMaxCount,
      "dpor: the planned steps its wakeup trees may hold (16 bytes each; default 1048576; 0: "
      "no bound); past it a race plans its first step alone: still exhaustive, with more "
      "executions cut short (docs/reference.md, \"DPOR's memory\")");
  bool no_probes = false;
  check->add_flag("--no-probes", no_probes,
                  "dpor, dfs: run only the exhaustive search, without the random probes mixed "
                  "in after its first 100 executions to find shallow bugs early");

  bool full_trace = false;
  check->add_flag("--full-trace", full_trace,
                  "print every step of the failing trace (default: fold runs of steps of "
                  "threads without key steps)");

  std::string json_file;
  cli::add_output_file(check, "--json", json_file,
                       "also write the result as JSON to FILE (docs/json.md)");
  std::string html_file;
  cli::add_output_file(check, "--html", html_file,
                       "also write the result as a self-contained HTML page to FILE");

  CLI::App* replay = app.add_subcommand("replay", "replay one schedule string, step by step");
  std::string schedule;
  replay->add_option("schedule", schedule, "schedule string, e.g. 'counter.racy:t2,i1:v1:0101'")
      ->required();
  cli::add_count(replay, "--max-steps", max_steps, 1, kMaxStepsBound, "step bound per execution");
  cli::add_count(replay, "--stack-size", stack_size, interleave::StackPool::kMinStackSize,
                 interleave::StackPool::kMaxStackSize, kStackSizeHelp);
  cli::add_seconds(replay, "--watchdog", watchdog, kWatchdogHelp, 0, 1e6);
  replay->add_flag("--full-trace", full_trace, "print every step of a failing trace");
  replay->add_flag("--no-race-detection", no_race_detection, kNoRaceDetection);
  replay->add_flag("--no-spin-detection", no_spin_detection, kNoSpinDetection);
  replay->add_flag("--no-spurious-wakeups", no_spurious_wakeups, kNoSpuriousWakeups);
  std::string replay_json_file;
  cli::add_output_file(replay, "--json", replay_json_file,
                       "also write the replay as JSON to FILE (docs/json.md)");

  CLI::App* merge = app.add_subcommand(
      "merge", "one verdict from the --json reports of the shards of a sharded check");
  std::vector<std::string> merge_files;
  merge->add_option("reports", merge_files, "one `check --shard I/K --json FILE` report per shard")
      ->required();

  CLI::App* native = app.add_subcommand("native", "run a model on real threads, many trials");
  ModelArgs native_args(&registry);
  native_args.add_to(native);
  interleave::NativeOptions native_options;
  CLI::Option* trials_opt = cli::add_count(native, "--trials", native_options.trials, 0,
                                           cli::kMaxCount, "trials to run (default 1000)");
  cli::add_seconds(native, "--seconds", native_options.seconds, "stop after this many seconds");
  cli::add_seconds(native, "--timeout", native_options.trial_timeout_seconds,
                   "seconds after which a trial counts as hung (default 2)");

  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "every buggy model: DFS schedules to the bug against native trials in a budget");
  double compare_seconds = 2;
  cli::add_seconds(compare_cmd, "--seconds", compare_seconds, "native budget per model (default 2)");

  CLI::App* relacy = app.add_subcommand(
      "relacy", "check a model under Relacy (C++ memory model: orders honoured, data races)");
  ModelArgs relacy_args(&registry);
  relacy_args.add_to(relacy);
  std::string relacy_search = "full";
  interleave::RelacyOptions relacy_options;
  relacy->add_option("--search", relacy_search,
                     "full (every execution), bound (context-bound) or random");
  cli::add_count(relacy, "--iterations", relacy_options.iterations, 1, cli::kMaxCount,
                 "random: executions to run (default 100000); full, bound: stop after N");
  cli::add_seconds(relacy, "--seconds", relacy_options.seconds,
                   "stop after S seconds (full and bound search without --iterations: "
                   "default 60)");
  cli::add_count(relacy, "--context-bound", relacy_options.context_bound, 0, kMaxPreemptions,
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

  interleave::CheckOptions options;
  options.all = all;
  options.strategy = strategy;
  options.limits.max_steps = static_cast<size_t>(max_steps);
  options.limits.stack_size = stack_size;
  options.limits.watchdog_seconds = watchdog;
  options.limits.detect_races = !no_race_detection;
  options.limits.detect_spins = !no_spin_detection;
  options.limits.spurious_wakeups = !no_spurious_wakeups;
  options.probes = !no_probes;
  options.dpor_plan_limit = dpor_plan_limit;
  options.shard_index = shard_index;
  options.shard_count = shard_count;
  options.full_trace = full_trace;
  options.replay_command = command + " replay";

  if (list->parsed()) return list_models(registry);

  if (check->parsed()) {
    // Strategy options that do not apply to the strategy: one-line errors.
    if (seed_opt->count() > 0 && strategy != "random" && strategy != "pct") {
      return usage_error("--seed applies to --strategy random and pct");
    }
    if (depth_opt->count() > 0 && strategy != "pct") {
      return usage_error("--depth applies to --strategy pct");
    }
    if (plan_limit_opt->count() > 0 && strategy != "dpor") {
      return usage_error("--dpor-plan-limit applies to --strategy dpor");
    }
    if (preemptions_opt->count() > 0) options.preemptions = parsed.preemptions;
    options.seed = parsed.seed;
    options.pct_depth = parsed.pct_depth;
    options.max_executions = parsed.max_executions;
    options.max_seconds = parsed.max_seconds;
    options.shrink = !no_shrink;
    if (auto made = interleave::make_strategy(options); !made) return usage_error(made.error());
    if (jobs_opt->count() > 0) {
      options.jobs = jobs;
    } else if (interleave::runs_in_parallel(options) && strategy != "random" &&
               strategy != "pct") {
      // Exhaustive searches use every core by default: the result is the
      // same. Randomised ones draw other executions on more workers, so they
      // take more only when asked.
      options.jobs = interleave::cli::available_cores();
    }
    auto resolved = check_args.resolve();
    if (!resolved) return usage_error(resolved.error());
    const auto& chosen = *resolved;
    interleave::CheckResult result = interleave::check(
        chosen.model->spec, chosen.params,
        interleave::RunnerFactory([&chosen] { return chosen.model->make_runner(chosen.params); }),
        options);
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
    return interleave::exit_status(interleave::verdict_of(result));
  }

  if (native->parsed()) {
    auto resolved = native_args.resolve();
    if (!resolved) return usage_error(resolved.error());
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
    return result.found_bug() ? kBug : !result.limit.empty() ? kIncomplete : kNoBug;
  }

  if (relacy->parsed()) {
    auto resolved = relacy_args.resolve();
    if (!resolved) return usage_error(resolved.error());
    if (!interleave::parse_search(relacy_search, relacy_options.search)) {
      return usage_error(
          fmt::format("--search '{}' is not one of full, bound, random", relacy_search));
    }
    if (program.relacy == nullptr) {
      return usage_error(
          "this program has no Relacy engine: build it with interleave_binary "
          "(rules/interleave.bzl), which compiles the models for Relacy too");
    }
    auto result = program.relacy->run(resolved->model->spec.name, resolved->params,
                                      relacy_options);
    if (!result) return usage_error(result.error());
    fmt::print("{}", interleave::format_relacy(*result));
    return result->found_bug ? kBug : !result->limit.empty() ? kIncomplete : kNoBug;
  }

  if (compare_cmd->parsed()) {
    return compare(registry, compare_seconds);
  }

  if (merge->parsed()) {
    std::vector<interleave::ReportFile> reports;
    for (const std::string& path : merge_files) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return usage_error(fmt::format("merge: cannot read {}", path));
      reports.push_back({path, std::string(std::istreambuf_iterator<char>(in), {})});
    }
    auto merged = interleave::merge_check_reports(reports);
    if (!merged) return usage_error(fmt::format("merge: {}", merged.error()));
    fmt::print("{}", interleave::format_merged(*merged));
    return interleave::exit_status(merged->verdict);
  }

  auto result = registry.replay(schedule, options.limits);
  if (!result) return usage_error(result.error());
  fmt::print("{}", interleave::format_replay(*result, options));
  if (!replay_json_file.empty() &&
      !write_file(replay_json_file, interleave::replay_json(*result, options), "--json")) {
    return kUsage;
  }
  return result->failure ? kBug : kNoBug;
}

}  // namespace interleave
